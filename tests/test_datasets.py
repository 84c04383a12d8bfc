"""Tests of mvcalc.datasets against the course's formulas, evaluated here point by point."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mvcalc as mc


def heart_point(t: float) -> tuple[float, float]:
    s = 2 * math.pi * t
    X = 16 * math.sin(s) ** 3
    Y = 13 * math.cos(s) - 5 * math.cos(2 * s) - 2 * math.cos(3 * s) - math.cos(4 * s)
    return (X / 20 + 1) / 2, (Y / 20 + 1) / 2


@given(st.integers(1, 400))
def test_heart_curve_matches_the_formula(n):
    x, y = mc.datasets.heart_curve(n)
    assert x.shape == (1, n) and y.shape == (2, n)
    assert x.dtype == y.dtype == np.float64
    for k in {0, n // 3, n - 1}:
        assert x[0, k] == pytest.approx(k / n, abs=1e-15)
        want = heart_point(k / n)
        assert y[0, k] == pytest.approx(want[0], abs=1e-14)
        assert y[1, k] == pytest.approx(want[1], abs=1e-14)
    assert np.all((y >= 0) & (y <= 1))


def test_heart_curve_default_is_the_course_size_and_known_points():
    x, y = mc.datasets.heart_curve()
    assert x.shape == (1, 100)
    # t = 0: X = 0, Y = 13 - 5 - 2 - 1 = 5 → (0.5, 0.625); t = 1/2: X = 0, Y = -13 - 5 + 2 - 1 = -17
    np.testing.assert_allclose(y[:, 0], [0.5, 0.625])
    np.testing.assert_allclose(y[:, 50], [0.5, (1 - 17 / 20) / 2], atol=1e-14)
    # t = 1/4: X = 16, Y = 0 + 5 - 0 - 1 = 4
    np.testing.assert_allclose(y[:, 25], [(1 + 16 / 20) / 2, (1 + 4 / 20) / 2], atol=1e-14)


@pytest.mark.parametrize(
    ("n", "error"), [(0, ValueError), (-5, ValueError), (2.0, TypeError), (True, TypeError)]
)
def test_heart_curve_rejects_bad_n(n, error):
    with pytest.raises(error, match="n must be"):
        mc.datasets.heart_curve(n)


def test_heart_curve_refuses_a_size_beyond_memory():
    with pytest.raises(ValueError, match="points of the heart curve would need"):
        mc.datasets.heart_curve(1_000_000_000)
