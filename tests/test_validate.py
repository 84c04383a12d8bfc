"""Tests of the shared argument checks (mvcalc._validate): every message names the argument."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mvcalc import _validate as v


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_finite_float_accepts_exactly_the_finite_floats(x):
    if math.isfinite(x):
        assert v.finite_float(x, "a") == x
    else:
        with pytest.raises(ValueError, match="a must be finite"):
            v.finite_float(x, "a")


@pytest.mark.parametrize("huge", [10**400, -(10**5000)], ids=["400 digits", "-5000 digits"])
def test_huge_integers_get_our_message_not_pythons(huge):
    with pytest.raises(ValueError, match=r"x0 must be finite, got an integer of about \d+ digits"):
        v.finite_float(huge, "x0")
    with pytest.raises(ValueError, match=r"x0 must be finite"):
        v.finite_array([1.0, huge], "x0")


@pytest.mark.parametrize(
    ("check", "value", "error", "pattern"),
    [
        (v.finite_vector, [[1.0]], ValueError, "p0 must be 1-D"),
        (v.finite_vector, [], ValueError, "p0 must not be empty"),
        (v.finite_vector, [1.0, np.nan], ValueError, "p0 must be finite"),
        (v.finite_vector, ["a"] * 1000, TypeError, r"p0 must be a number .*, \.\.\.\]$"),
        (v.finite_point, [[1.0, 2.0]], ValueError, "p0 must be a number or 1-D"),
        (v.positive_int, True, TypeError, "p0 must be an integer"),
        (v.positive_int, 0, ValueError, "p0 must be a positive integer"),
        (v.positive_float, -1.0, ValueError, "p0 must be positive"),
    ],
)
def test_bad_values_are_refused_by_name(check, value, error, pattern):
    with pytest.raises(error, match=pattern):
        check(value, "p0")


def test_one_of_and_function():
    assert v.one_of("b", ("a", "b"), "method") == "b"
    with pytest.raises(ValueError, match=r"method must be one of \['a', 'b'\], got 'c'"):
        v.one_of("c", ("a", "b"), "method")
    with pytest.raises(TypeError, match=r"jac must be callable as jac\(x\), got int"):
        v.function(3, "jac", "jac(x)")
    assert v.finite_point(2, "x0").ndim == 0
