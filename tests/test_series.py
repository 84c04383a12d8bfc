"""Tests of mvcalc.series: Taylor coefficients against SymPy, and remainder bounds that hold."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import mvcalc as mc

X = sp.Symbol("x")

# the same functions in mpmath, for an oracle independent of SymPy's differentiation
MP = {
    "exp(x)": mp.exp,
    "sin(x)": mp.sin,
    "cos(2*x)": lambda t: mp.cos(2 * t),
    "log(1+x)": lambda t: mp.log(1 + t),
    "1/(1-x)": lambda t: 1 / (1 - t),
    "atan(x)": mp.atan,
    "sqrt(1+x^2)": lambda t: mp.sqrt(1 + t**2),
    "exp(-x^2)": lambda t: mp.exp(-(t**2)),
    "x^5 - 3*x^2": lambda t: t**5 - 3 * t**2,
    "tanh(x)": mp.tanh,
    "sinh(x)*cos(x)": lambda t: mp.sinh(t) * mp.cos(t),
    "1/(2+sin(x))": lambda t: 1 / (2 + mp.sin(t)),
}

FUNCTIONS = {
    "exp(x)": np.exp,
    "sin(x)": np.sin,
    "cos(2*x)": lambda t: np.cos(2 * t),
    "log(1+x)": np.log1p,
    "1/(1-x)": lambda t: 1 / (1 - t),
    "atan(x)": np.arctan,
    "sqrt(1+x^2)": lambda t: np.sqrt(1 + t**2),
    "exp(-x^2)": lambda t: np.exp(-(t**2)),
    "x^5 - 3*x^2": lambda t: t**5 - 3 * t**2,
    "tanh(x)": np.tanh,
    "sinh(x)*cos(x)": lambda t: np.sinh(t) * np.cos(t),
    "1/(2+sin(x))": lambda t: 1 / (2 + np.sin(t)),
}


@pytest.mark.parametrize("text", sorted(FUNCTIONS))
def test_coefficients_are_sympys(text):
    expr = mc.symbolic.parse(text)
    for x0 in (0, sp.Rational(1, 2)):
        p = mc.taylor(text, x0, 6)
        ref = sp.series(expr.subs(X, X + x0), X, 0, 7).removeO()  # in powers of (x − x0)
        for k, c in enumerate(p.coefficients):
            assert abs(sp.N(c - ref.coeff(X, k), 40)) < 1e-30, (k, c, ref.coeff(X, k))
        # and the polynomial is the same polynomial
        for t in (0.1, 0.7):
            want = sp.N(ref.subs(X, sp.Rational(t) - x0), 40)
            assert abs(sp.N(p.polynomial.subs(X, sp.Rational(t)), 40) - want) < 1e-25


@pytest.mark.parametrize("text", sorted(FUNCTIONS))
def test_callables_get_the_same_coefficients_by_autodiff(text):
    exact = mc.taylor(text, 0.3, 6)
    numeric = mc.taylor(FUNCTIONS[text], 0.3, 6)
    np.testing.assert_allclose(
        numeric.coefficients, [float(c) for c in exact.coefficients], rtol=1e-10, atol=1e-12
    )
    grid = np.linspace(0.0, 0.6, 7)
    np.testing.assert_allclose(numeric(grid), exact(grid), rtol=1e-10, atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(
    text=st.sampled_from(sorted(FUNCTIONS)),
    x0=st.integers(-50, 50).map(lambda k: k / 100),
    order=st.integers(0, 6),
    a=st.floats(-0.9, 0.9),
    width=st.floats(0.05, 1.5),
)
def test_the_bound_is_never_below_the_actual_error(text, x0, order, a, width):
    b = a + width
    f = FUNCTIONS[text]
    with np.errstate(all="ignore"):
        grid = np.linspace(min(a, x0), max(b, x0), 2001)
        values = f(grid)
    # f defined and moderate across the whole interval (a pole between grid points shows up
    # as huge values next to it)
    assume(np.all(np.isfinite(values)) and np.max(np.abs(values)) < 1e3)
    p = mc.taylor(text, x0, order)
    r = p.remainder_bound(a, b)
    assert r.rigorous
    # the true error, evaluated independently of the library, on the library's grid of the
    # interval (4001 points: a coarser grid misses the top of a peak by a part in 10⁶)
    xs = np.linspace(a, b, 4001)
    # Pₙ from mpmath's high-precision differentiation, evaluated here (not by the library)
    with mp.workdps(40):
        c = [float(ck) for ck in mp.taylor(MP[text], mp.mpf(x0), order)]
    polynomial = sum(ck * (xs - x0) ** k for k, ck in enumerate(c))
    true_error = np.max(np.abs(f(xs) - polynomial))
    # the bound is on the truncation error; evaluating f and Pₙ in floating point adds round-off
    roundoff = 64 * np.finfo(float).eps * max(1.0, float(np.max(np.abs(f(xs)))))
    assert r.bound >= true_error - roundoff
    assert r.actual <= r.bound + roundoff
    assert r.actual == pytest.approx(true_error, rel=1e-6, abs=1e-12)


def test_the_bound_is_tight_on_exp():
    r = mc.taylor("exp(x)", 0, 4).remainder_bound(0, 1)
    assert r.bound == pytest.approx(math.e / math.factorial(5), rel=1e-12)
    assert r.derivative_bound == pytest.approx(math.e, rel=1e-12)


def test_a_singularity_in_the_interval_gives_an_infinite_bound():
    r = mc.taylor("1/(1-x)", 0, 3).remainder_bound(0.5, 1.5)
    assert r.bound == math.inf


def test_callables_get_an_estimated_bound():
    r = mc.taylor(np.exp, 0.0, 4).remainder_bound(0, 1)
    assert not r.rigorous
    assert r.bound == pytest.approx(math.e / math.factorial(5), rel=1e-9)


@pytest.mark.parametrize(
    ("text", "radius"), [("1/(1-x)", 1.0), ("log(1+x)", 1.0), ("1/(1+x^2)", 1.0),
                         ("1/(4-x)", 4.0), ("exp(x)", math.inf), ("x^3", math.inf)]
)  # fmt: skip
def test_radius_of_convergence(text, radius):
    estimate = mc.taylor(text, 0, 2).radius_of_convergence()
    if math.isinf(radius):
        assert math.isinf(estimate)
    else:
        assert estimate == pytest.approx(radius, rel=0.05)


def test_callables_ad_cannot_follow_use_cauchys_integral():
    import cmath

    def f(t):  # np.vectorize of cmath: no dual numbers, but complex input works
        return np.vectorize(lambda u: cmath.exp(u) * cmath.sin(u), otypes=[complex])(t)

    p = mc.taylor(f, 0.5, 8)
    exact = mc.taylor("exp(x)*sin(x)", 0.5, 8)
    np.testing.assert_allclose(p.coefficients, [float(c) for c in exact.coefficients],
                               rtol=1e-9, atol=1e-12)  # fmt: skip
    with pytest.raises(ValueError, match="does not accept complex input"):
        mc.taylor(lambda t: math.exp(t), 0.0, 3)


def test_several_variables():
    q = mc.taylor("x**2*y + exp(x - y)", [1, 1], 2)
    x, y = sp.symbols("x y")
    f = x**2 * y + sp.exp(x - y)
    grad = [float(sp.diff(f, s).subs({x: 1, y: 1})) for s in (x, y)]
    hess = [[float(sp.diff(f, a, b).subs({x: 1, y: 1})) for b in (x, y)] for a in (x, y)]
    np.testing.assert_allclose(q.gradient, grad)
    np.testing.assert_allclose(q.hessian, hess)
    point = np.array([1.1, 0.95])
    d = point - 1
    want = float(f.subs({x: 1, y: 1})) + np.dot(grad, d) + 0.5 * d @ np.array(hess) @ d
    assert q(point) == pytest.approx(want, rel=1e-13)
    poly = sp.lambdify((x, y), q.polynomial)
    assert poly(*point) == pytest.approx(want, rel=1e-12)
    linear = mc.taylor("x**2*y + exp(x - y)", [1, 1], 1)
    assert linear.hessian is None
    assert linear(point) == pytest.approx(float(f.subs({x: 1, y: 1})) + np.dot(grad, d))
    numeric = mc.taylor(lambda v: v[0] ** 2 * v[1] + np.exp(v[0] - v[1]), [1.0, 1.0], 2)
    np.testing.assert_allclose(numeric.hessian, hess, rtol=1e-12)
    grid = np.stack(np.meshgrid([0.9, 1.0], [1.0, 1.2]), axis=-1)
    assert q(grid).shape == (2, 2)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: mc.taylor("exp(x)", 0, -1), ValueError, "order must be non-negative"),
        (lambda: mc.taylor("exp(x)", 0, 2.5), TypeError, "order must be an integer"),
        (lambda: mc.taylor("x*y", [1, 2, 3], 2), ValueError, "x0 must give one value per"),
        (lambda: mc.taylor("x*y", [1, 2], 3), ValueError, "order must be at most 2"),
        (lambda: mc.taylor(np.exp, 0.0, 11), ValueError, "order must be at most 10"),
        (lambda: mc.taylor("log(x)", 0, 2), ValueError, "not differentiable"),
        (lambda: mc.taylor(42, 0, 2), TypeError, "f must be maths text"),
        (lambda: mc.taylor("exp(x)", "y", 2), ValueError, "x0 must be a real number"),
        (lambda: mc.taylor("exp(x)", 0, 2).remainder_bound(1, 0), ValueError, "a < b"),
        (lambda: mc.taylor("x*y", [1, 2], 2).remainder_bound(0, 1), ValueError, "one variable"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_a_callable_series_at_a_zero_of_a_power_is_exact():
    # x**2's derivatives at 0 by nested AD passed through 0**(-1) and came out NaN
    x = sp.Symbol("x")
    for f, g, order in [
        (lambda t: t**2, x**2, 4),
        (lambda t: 1 / (1 + t**2), 1 / (1 + x**2), 10),
        (lambda t: t**3 * np.exp(t), x**3 * sp.exp(x), 6),
    ]:
        series = mc.taylor(f, 0.0, order)
        exact = sp.Poly(sp.series(g, x, 0, order + 1).removeO(), x)
        want = [float(exact.coeff_monomial(x**k)) for k in range(order + 1)]
        np.testing.assert_allclose(series.coefficients, want, rtol=1e-12, atol=1e-15)


def test_a_callables_remainder_bound_at_order_10_takes_seconds_not_minutes():
    # f⁽¹¹⁾ = exp: the grid estimate is exp at the grid's right end, times reach¹¹/11!
    series = mc.taylor(np.exp, 0.0, 10)
    r = series.remainder_bound(-0.5, 1.0)
    hi = math.nextafter(1.0, math.inf)
    assert r.derivative_bound == pytest.approx(math.exp(hi), rel=1e-12)
    assert r.bound == pytest.approx(math.exp(hi) / math.factorial(11), rel=1e-12)
    assert not r.rigorous and r.actual <= r.bound


def test_a_callable_that_takes_one_number_at_a_time_is_estimated_point_by_point():
    def scalar_only(t):
        if np.ndim(t):
            raise TypeError("one number at a time")
        return np.sin(t) * np.exp(t)

    both = [mc.taylor(f, 0.2, 3) for f in (lambda t: np.sin(t) * np.exp(t), scalar_only)]
    grids = [s._grid_derivative_max(-0.5, 1.0) for s in both]
    assert grids[0] == pytest.approx(grids[1], rel=1e-12)
    # f⁗ = −4 eˣ sin x: |f⁗| is largest at the right end of the grid, just past 1
    assert grids[0] == pytest.approx(4 * math.exp(1.0) * math.sin(1.0), rel=1e-9)
