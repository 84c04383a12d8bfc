"""Tests of mvcalc.calculus: numerical derivatives and their error estimates, against SymPy."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import mvcalc as mc
from mvcalc.calculus import METHODS, DerivativeResult, derivative, step_size_study

t = sp.Symbol("t")
# smooth test functions written twice: for NumPy (complex-capable) and for SymPy (the oracle)
FUNCTIONS = {
    "sin": (np.sin, sp.sin(t)),
    "exp": (np.exp, sp.exp(t)),
    "cubic": (lambda x: x**3 - 2 * x, t**3 - 2 * t),
    "tanh": (np.tanh, sp.tanh(t)),
    "exp(sin)": (lambda x: np.exp(np.sin(x)), sp.exp(sp.sin(t))),
    "rational": (lambda x: 1 / (1 + x**2), 1 / (1 + t**2)),
    "sqrt": (lambda x: np.sqrt(x**2 + 1), sp.sqrt(t**2 + 1)),
    "gaussian": (lambda x: np.exp(-(x**2)), sp.exp(-(t**2))),
}


def exact_derivative(expr: sp.Expr, x: float) -> float:
    return float(sp.diff(expr, t).evalf(subs={t: sp.Float(x, 30)}, n=30))


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(sorted(FUNCTIONS)),
    x=st.floats(-3, 3, allow_nan=False),
    method=st.sampled_from(METHODS),
)
def test_error_estimate_is_honest(name, x, method):
    f, expr = FUNCTIONS[name]
    result = derivative(f, x, method=method, full_output=True)
    true = exact_derivative(expr, x)
    assert isinstance(result, DerivativeResult)
    assert abs(result.value - true) <= 2 * result.error + 1e-300
    # and not uselessly loose: the methods reach their expected accuracy
    tolerance = {"forward": 1e-6, "backward": 1e-6, "central": 1e-9, "complex": 1e-13,
                 "richardson": 1e-12}[method]  # fmt: skip
    assert result.error <= tolerance * max(abs(true), 1.0)


@pytest.mark.parametrize("method", METHODS)
def test_vectorised_over_array_x(method):
    x = np.linspace(-2, 2, 9)
    got = derivative(np.sin, x, method=method, full_output=True)
    assert got.value.shape == got.error.shape == x.shape
    np.testing.assert_allclose(got.value, np.cos(x), atol=np.max(2 * got.error))
    assert np.all(np.abs(got.value - np.cos(x)) <= 2 * got.error)
    scalar = derivative(np.sin, 0.3, method=method)
    assert isinstance(scalar, float)


def test_orders_of_accuracy_show_in_the_errors():
    """Halving h halves the forward error and quarters the central one (truncation regime)."""
    x, true = 1.0, np.cos(1.0)
    for method, order in (("forward", 1), ("central", 2)):
        e1 = abs(derivative(np.sin, x, method=method, h=1e-2) - true)
        e2 = abs(derivative(np.sin, x, method=method, h=5e-3) - true)
        assert e1 / e2 == pytest.approx(2**order, rel=0.05)


def test_richardson_near_the_edge_of_the_domain():
    result = derivative(np.log, 0.01, full_output=True)
    assert result.value == pytest.approx(100.0, rel=1e-9)
    assert abs(result.value - 100.0) <= result.error
    nothing_fits = derivative(np.sqrt, 0.0, full_output=True)
    assert np.isnan(nothing_fits.value) and nothing_fits.error == np.inf


def test_complex_step_needs_complex_input():
    import math

    with pytest.raises(ValueError, match="complex input"):
        derivative(lambda x: np.real(np.sin(x)), 1.0, method="complex")
    with pytest.raises(ValueError, match="complex input"):
        derivative(math.sin, 1.0, method="complex")


def test_nfev_and_h_are_reported():
    calls = []

    def f(x):
        calls.append(1)
        return np.exp(x)

    for method in METHODS:
        calls.clear()
        result = derivative(f, 0.5, method=method, full_output=True)
        assert result.nfev == len(calls)
        assert result.h > 0 and result.method == method
    r = derivative(np.exp, 0.5, method="central", h=1e-3, full_output=True)
    assert r.h == pytest.approx(1e-3, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"f": "sin"}, TypeError, "f must be callable"),
        ({"x": np.nan}, ValueError, "x must be finite"),
        ({"x": "one"}, TypeError, "x must be a real number"),
        ({"method": "five-point"}, ValueError, "method must be one of"),
        ({"h": 0.0}, ValueError, "h must be positive"),
        ({"h": -1e-3}, ValueError, "h must be positive"),
        ({"f": lambda x: np.array([1.0, 2.0])}, ValueError, "f must act element-wise"),
    ],
)
def test_bad_input(kwargs, error, match):
    args = {"f": np.sin, "x": 1.0, **kwargs}
    with pytest.raises(error, match=match):
        derivative(args.pop("f"), args.pop("x"), **args)


def test_step_size_study_finds_the_classic_optimal_steps():
    study = step_size_study(np.exp, 1.0, exact=np.e)
    eps = np.finfo(float).eps
    assert eps**0.5 / 30 < study.best_h["forward"] < eps**0.5 * 30
    assert eps ** (1 / 3) / 30 < study.best_h["central"] < eps ** (1 / 3) * 30
    # truncation regime (large h): error ∝ h and ∝ h²; round-off regime (tiny h): error grows
    h, fwd, cen = study.h, study.errors["forward"], study.errors["central"]
    big = (h > 1e-4) & (h < 1e-2)
    slope_f = np.polyfit(np.log(h[big]), np.log(fwd[big]), 1)[0]
    slope_c = np.polyfit(np.log(h[big]), np.log(cen[big]), 1)[0]
    assert slope_f == pytest.approx(1, abs=0.1) and slope_c == pytest.approx(2, abs=0.1)
    tiny = (h > 1e-14) & (h < 1e-10)
    assert np.median(fwd[tiny]) > 100 * fwd[np.argmin(np.abs(h - study.best_h["forward"]))]
    assert np.nanmax(study.errors["complex step"][h < 1e-8]) < 1e-14  # no round-off wall
    default_exact = step_size_study(np.exp, 1.0)
    assert default_exact.exact == pytest.approx(np.e, rel=1e-13)


def test_step_size_study_bad_input():
    with pytest.raises(TypeError, match="x must be a real number"):
        step_size_study(np.exp, "1")
    with pytest.raises(ValueError, match="h must be a 1-D array"):
        step_size_study(np.exp, 1.0, h=[1e-3])
    real_only = step_size_study(lambda x: np.real(np.exp(x)), 1.0, exact=np.e)
    assert "complex step" not in real_only.errors


def test_step_size_figure():
    study = step_size_study(np.exp, 1.0, exact=np.e, label="exp(x)")
    fig = mc.plots.step_size_error(study)
    ax = fig.axes[0]
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    labelled = {ln.get_label(): ln for ln in ax.get_lines()}
    forward = labelled["forward: truncation ∝ h"]
    np.testing.assert_allclose(forward.get_xdata(), study.h)
    shown = np.asarray(forward.get_ydata())
    finite = np.isfinite(shown) & (study.errors["forward"] > 0)
    np.testing.assert_allclose(shown[finite], study.errors["forward"][finite])
    assert "exp(x)" in ax.get_title()
    with pytest.raises(TypeError, match="study must be a StepSizeStudy"):
        mc.plots.step_size_error({"h": [1]})  # type: ignore[arg-type]
