"""Tests of mvcalc.calculus: numerical derivatives and their error estimates, against SymPy.

The oracle is exact: SymPy for the smooth functions, mpmath at 40 digits (closed forms of the
derivative, evaluated at the very floats the function sees) for the families of hard cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
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
    assert result.ok, result.message
    assert abs(result.value - true) <= result.error
    # and not uselessly loose: the methods reach their expected accuracy (Richardson's bound
    # also covers the round-off of rounding x, ε·max(|x|, 1)·|f'| per value: 2e-12, not 1e-12)
    tolerance = {"forward": 1e-6, "backward": 1e-6, "central": 1e-9, "complex": 1e-13,
                 "richardson": 2e-12}[method]  # fmt: skip
    assert result.error <= tolerance * max(abs(true), 1.0)


# --------------------------------------------------------------------------------------------
# never overconfident: hard cases, each with an exact derivative (or none, at a kink)
# --------------------------------------------------------------------------------------------

mpmath.mp.dps = 40


@dataclass
class Case:
    """f as NumPy code and its exact derivative at x (None at a kink)."""

    name: str
    f: Any
    x: float
    exact: Any  # an mpmath number, or None where f is not differentiable at x
    complex_ok: bool = True  # False: f returns real values for complex input (abs)


def _mp(v: float) -> Any:
    return mpmath.mpf(v)  # exact: the float itself


def sine(w: float, x: float) -> Case:
    return Case(f"sin({w!r}x)", lambda s: np.sin(w * s), x, _mp(w) * mpmath.cos(_mp(w) * _mp(x)))


def exponential(a: float, x: float) -> Case:
    return Case(f"exp({a!r}x)", lambda s: np.exp(a * s), x, _mp(a) * mpmath.exp(_mp(a) * _mp(x)))


def log_near_zero(u: float) -> Case:
    x = 10.0**u
    return Case("log", np.log, x, 1 / _mp(x))


def sqrt_near_zero(u: float) -> Case:
    x = 10.0**u
    return Case("sqrt", np.sqrt, x, 1 / (2 * mpmath.sqrt(_mp(x))))


def pole(p: float, u: float, side: int) -> Case:
    x = p + side * 10.0**u
    assume(x != p)
    return Case(f"1/(x - {p!r})", lambda s: 1 / (s - p), x, -1 / (_mp(x) - _mp(p)) ** 2)


KINKS = {  # f, its derivative away from the kink at c, and whether it takes complex input
    "|x - c|": (lambda s, c: np.abs(s - c), lambda x, c: mpmath.sign(_mp(x) - _mp(c)), False),
    "max(x - c, 0)": (lambda s, c: np.maximum(s - c, 0.0), lambda x, c: mpmath.mpf(x > c), True),
    "|x - c| + x²": (
        lambda s, c: np.abs(s - c) + s * s,
        lambda x, c: mpmath.sign(_mp(x) - _mp(c)) + 2 * _mp(x),
        True,  # complex input gives complex output, but abs drops the imaginary part
    ),
}


def kink(name: str, c: float, offset: float) -> Case:
    f, fprime, complex_ok = KINKS[name]
    x = c + offset
    exact = None if x == c else fprime(x, c)
    label = name.replace("c", repr(c))
    return Case(label, lambda s: f(s, c), x, exact, complex_ok=complex_ok)


offsets = st.one_of(
    st.just(0.0),
    st.builds(lambda u, s: s * 10.0**u, st.floats(-12, 0), st.sampled_from([-1, 1])),
)
hard_cases = st.one_of(
    st.builds(sine, st.floats(1, 4000), st.floats(-5, 5)),
    st.builds(exponential, st.floats(-4, 4), st.floats(-5, 5)),
    st.builds(log_near_zero, st.floats(-9, 0)),
    st.builds(sqrt_near_zero, st.floats(-9, 1)),
    st.builds(pole, st.floats(-3, 3), st.floats(-6, 0), st.sampled_from([-1, 1])),
    st.builds(
        kink, st.sampled_from(sorted(KINKS)), st.sampled_from([0.0, 1.0, 0.3, -2.5]), offsets
    ),
)


def check_never_overconfident(case: Case, result: DerivativeResult) -> None:
    if not result.ok:
        assert result.error == math.inf and result.message
        return
    assert case.exact is not None, f"{case.name} has no derivative at {case.x!r}: {result}"
    assert abs(_mp(result.value) - case.exact) <= _mp(result.error), (case.name, case.x, result)


@settings(max_examples=1000, deadline=None)
@given(case=hard_cases, method=st.sampled_from(METHODS))
def test_never_overconfident_on_hard_functions(case, method):
    """High-frequency sines, log and sqrt near 0, poles, kinks: |true error| ≤ error if ok."""
    if method == "complex" and not case.complex_ok:
        with pytest.raises(ValueError, match="complex"):
            derivative(case.f, case.x, method=method)
        return
    result = derivative(case.f, case.x, method=method, full_output=True)
    check_never_overconfident(case, result)
    if case.exact is None:  # at the kink itself nobody may claim a derivative
        assert not result.ok
        said = ("one-sided derivatives differ", "not analytic")
        assert any(s in result.message for s in said[: 2 if method == "complex" else 1])


@settings(max_examples=600, deadline=None)
@given(
    w=st.floats(1, 4000),
    x=st.floats(-5, 5),
    h=st.floats(1e-6, 1.0),
    method=st.sampled_from(METHODS),
)
def test_never_overconfident_with_any_step(w, x, h, method):
    """A step that skips whole periods of sin(wx) is caught, or its error bound still holds."""
    case = sine(w, x)
    check_never_overconfident(case, derivative(case.f, x, method=method, h=h, full_output=True))


@settings(max_examples=100, deadline=None)
@given(
    case=st.one_of(
        st.builds(exponential, st.floats(-2, 2), st.floats(-3, 3)),
        st.builds(sine, st.floats(0.5, 10), st.floats(-3, 3)),
    )
)
def test_richardson_is_tight_on_easy_functions(case):
    result = derivative(case.f, case.x, full_output=True)
    assert result.ok, result.message
    assert abs(_mp(result.value) - case.exact) <= result.error
    assert result.error <= 1e-10 * max(abs(float(case.exact)), 1.0)


@pytest.mark.parametrize("w", [1000.0, 3000.0])
def test_high_frequency_sines_from_the_issue(w):
    """Steps 0.1·2⁻ᵏ used to skip whole periods: sin(1000x) at 1 came out −2.99 ± 1.8e-12."""
    result = derivative(lambda s: np.sin(w * s), 1.0, full_output=True)
    true = w * math.cos(w)
    assert result.ok, result.message
    assert abs(result.value - true) <= result.error <= 1e-8 * abs(true)


@pytest.mark.parametrize(
    ("w", "phase", "x", "h"),
    [
        # 8.95 periods in the fifth step: five levels of steps looked like a smooth function
        (1282.233400669335, 0.0, 9.923117656856956, None),
        # 34·32 periods in the first step, and 34φ ≈ 21.01 (Fibonacci) in the check at φh
        (524.7259416016434, 4.122652757556869, 6.233412389053754, 13.023876343876065),
    ],
)
def test_steps_that_skip_whole_periods_are_caught(w, phase, x, h):
    case = Case("sine", lambda s: np.sin(w * s + phase), x,
                _mp(w) * mpmath.cos(_mp(w) * _mp(x) + _mp(phase)))  # fmt: skip
    result = derivative(case.f, x, h=h, full_output=True)
    check_never_overconfident(case, result)
    assert result.ok  # Richardson goes on halving until the aliasing is gone


def test_oscillating_one_sided_quotients_get_no_derivative():
    """x·sin(1/x) is even: central differences are 0 at every step, yet f'(0) does not exist."""

    def f(s):
        safe = np.where(s == 0, 1.0, s)
        return np.where(s == 0, 0.0, s * np.sin(1 / safe))

    result = derivative(f, 0.0, full_output=True)
    assert not result.ok and result.error == math.inf
    assert "neither agree nor settle" in result.message


@pytest.mark.parametrize("method", ["richardson", "central", "forward", "backward"])
@pytest.mark.parametrize(
    ("f", "x", "left", "right"),
    [
        (np.abs, 0.0, -1.0, 1.0),
        (lambda s: abs(s - 1), 1.0, -1.0, 1.0),
        (lambda s: np.maximum(s, 0), 0.0, 0.0, 1.0),
    ],
)
def test_a_kink_gets_no_derivative(f, x, left, right, method):
    result = derivative(f, x, method=method, full_output=True)
    assert not result.ok and result.error == math.inf
    assert result.message.startswith("the one-sided derivatives differ")
    assert f"f'(x−) ≈ {left:g}, f'(x+) ≈ {right:g}" in result.message


def test_complex_step_sees_a_branch():
    """np.maximum accepts complex input, but is not analytic at 0: the complex step says so."""
    result = derivative(lambda s: np.maximum(s, 0), 0.0, method="complex", full_output=True)
    assert not result.ok and "not analytic" in result.message
    assert derivative(lambda s: np.maximum(s, 0), 0.5, method="complex", full_output=True).ok


def test_ok_is_per_point_for_array_x():
    result = derivative(np.abs, [-1.0, 0.0, 2.0], full_output=True)
    np.testing.assert_array_equal(result.ok, [True, False, True])
    np.testing.assert_array_equal(result.error[1], np.inf)
    np.testing.assert_allclose(result.value[[0, 2]], [-1.0, 1.0], atol=1e-12)
    assert result.message.startswith("not ok at 1 of 3 points: [1] the one-sided")
    fine = derivative(np.sin, np.linspace(0, 1, 4), full_output=True)
    assert fine.ok.all() and fine.message.startswith("ok at all 4 points")


def test_where_no_derivative_can_be_found():
    edge = derivative(np.sqrt, 0.0, full_output=True)
    assert np.isnan(edge.value) and edge.error == math.inf and not edge.ok
    assert "not finite on both sides" in edge.message
    pole_at_x = derivative(lambda s: 1 / s, 0.0, full_output=True)
    assert not pole_at_x.ok and pole_at_x.message.startswith("f(0.0) is inf")
    assert pole_at_x.nfev == 1  # no search where f(x) itself is infinite
    cusp = derivative(np.cbrt, 0.0, full_output=True)  # f' = ∞: the quotients never settle
    assert not cusp.ok and cusp.error == math.inf


def test_a_staircase_below_its_resolution_is_not_flat():
    """(x + 10⁸) − 10⁸ moves in steps of 1.5e-8: small steps see 0, which is not f'(x) = 1."""
    result = derivative(lambda s: (s + 1e8) - 1e8, 0.5, full_output=True)
    check_never_overconfident(Case("staircase", None, 0.5, mpmath.mpf(1)), result)
    assert not result.ok


def test_full_output_false_is_the_value_alone():
    value = derivative(np.abs, 0.0)
    assert isinstance(value, float)  # the caller who needs trust asks for full_output
    assert derivative(np.exp, 1.0) == derivative(np.exp, 1.0, full_output=True).value


def test_nfev_stays_modest_on_smooth_functions():
    """Richardson used 18 evaluations on exp at 1; the checks must not make it dearer."""
    for f in (np.exp, np.sin, np.tanh):
        result = derivative(f, 1.0, full_output=True)
        assert result.ok and result.nfev <= 18


def test_maths_text():
    expr = sp.sympify("x**2*sin(x)")
    x = sp.Symbol("x")
    exact = float(sp.diff(expr, x).subs(x, sp.Rational(3, 2)).evalf(30))
    result = derivative("x^2*sin(x)", 1.5, full_output=True)
    assert result.ok and abs(result.value - exact) <= result.error <= 1e-11
    points = derivative("exp(-t^2)", [0.0, 1.0], method="complex")
    np.testing.assert_allclose(points, [0.0, -2 * math.exp(-1)], rtol=1e-14, atol=1e-300)
    with pytest.raises(ValueError, match="f must be maths text in exactly one variable"):
        derivative("x*y", 1.0)
    with pytest.raises(ValueError, match="f must be one expression"):
        derivative("x, x^2", 1.0)
    with pytest.raises(ValueError, match="f is not maths text"):
        derivative("sin", 1.0)
    with pytest.raises(ValueError, match="f is not maths text"):
        derivative("__import__('os')", 1.0)


@pytest.mark.parametrize("method", METHODS)
def test_vectorised_over_array_x(method):
    x = np.linspace(-2, 2, 9)
    got = derivative(np.sin, x, method=method, full_output=True)
    assert got.value.shape == got.error.shape == got.ok.shape == x.shape
    assert got.ok.all()
    np.testing.assert_allclose(got.value, np.cos(x), atol=np.max(got.error))
    assert np.all(np.abs(got.value - np.cos(x)) <= got.error)
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
        ({"f": 3.0}, TypeError, "f must be callable or maths text"),
        ({"x": np.nan}, ValueError, "x must be finite"),
        ({"x": "one"}, TypeError, "x must be a number"),
        ({"method": "five-point"}, ValueError, "method must be one of"),
        ({"h": 0.0}, ValueError, "h must be positive"),
        ({"h": -1e-3}, ValueError, "h must be positive"),
        ({"h": [1e-3, 1e-3]}, ValueError, "h must be one positive number or one per point"),
        ({"f": lambda x: np.array([1.0, 2.0])}, ValueError, "f must act element-wise"),
        ({"f": lambda x: np.sqrt(x + 0j) * 1j}, ValueError, "f must return real values"),
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
