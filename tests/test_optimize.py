"""Tests of mvcalc.optimize, with SciPy's optimize (newton, root, minimize) as the oracle."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize as sopt

import mvcalc as mc


def rosenbrock(v):
    return (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2


# --------------------------------------------------------------------------------------------
# Newton–Raphson
# --------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    coefficients=st.lists(st.floats(-5, 5), min_size=2, max_size=5),
    x0=st.floats(-3, 3),
)
def test_scalar_newton_agrees_with_scipy(coefficients, x0):
    poly = np.polynomial.Polynomial([*coefficients, 1.0])  # monic: a real root when odd degree

    def f(x):
        return poly(x)

    ours = mc.newton_raphson(f, x0)
    try:
        with np.errstate(all="ignore"):  # SciPy's own runaway iterates overflow
            ref = sopt.newton(f, x0, fprime=poly.deriv(), tol=1e-12, maxiter=100)
    except (RuntimeError, ZeroDivisionError):
        ref = None
    if ours.converged:
        assert abs(f(ours.x)) <= 1e-6 * max(1.0, abs(f(x0)))
        if ref is not None and np.isfinite(ref) and abs(f(ref)) < 1e-8:
            # both follow the same tangents from the same start, so they reach the same root
            assert ours.x == pytest.approx(ref, rel=1e-8, abs=1e-10)
    else:
        assert ours.message.split(":")[0] in {"zero derivative", "cycling", "divergence",
                                               "iteration limit"}  # fmt: skip
    assert ours.path[0] == x0 and len(ours.path) == ours.nit + 1


def test_newton_from_the_issue():
    r = mc.newton_raphson("x**3 - 2*x + 2", -2)
    assert r.converged
    assert r.x == pytest.approx(sopt.brentq(lambda x: x**3 - 2 * x + 2, -3, 0), rel=1e-14)
    assert r.nit < 10


def test_newton_failure_modes_are_named():
    cycle = mc.newton_raphson("x**3 - 2*x + 2", 0)
    assert not cycle.converged and cycle.message.startswith("cycling")
    np.testing.assert_array_equal(cycle.path[:3], [0, 1, 0])

    flat = mc.newton_raphson(lambda x: x**2 + 1, 0.0)
    assert not flat.converged and flat.message.startswith("zero derivative")

    runaway = mc.newton_raphson(np.arctan, 1.5)  # overshoots further every step
    assert not runaway.converged and runaway.message.startswith("divergence")
    assert np.all(np.isfinite(runaway.path))

    slow = mc.newton_raphson(lambda x: x**2 + 1, 0.5, max_iter=5)  # no real root
    assert not slow.converged and slow.message.startswith(("iteration limit", "cycling"))
    assert slow.nit <= 5

    singular = mc.newton_raphson(lambda v: np.stack([v[0] + v[1], 2 * v[0] + 2 * v[1]]), [1.0, 1.0])
    assert not singular.converged and "singular" in singular.message

    root = mc.newton_raphson(lambda x: x**2, 0.0)
    assert root.converged and root.nit == 0


def test_newton_for_systems_agrees_with_scipy_root():
    def f(v):
        return np.stack([v[0] ** 2 + v[1] ** 2 - 4, np.exp(v[0]) + v[1] - 1])

    ours = mc.newton_raphson(f, [1.0, -1.5])
    ref = sopt.root(lambda v: np.asarray(f(v)), [1.0, -1.5], tol=1e-13)
    assert ours.converged
    np.testing.assert_allclose(ours.x, ref.x, rtol=1e-10)
    text = mc.newton_raphson("x + y - 3, x*y - 2", [0.0, 5.0])
    np.testing.assert_allclose(text.x, [1.0, 2.0], rtol=1e-12)


def test_newton_with_a_given_derivative_takes_the_same_path():
    auto = mc.newton_raphson(np.cos, 1.0)
    given_fprime = mc.newton_raphson(np.cos, 1.0, fprime=lambda x: -np.sin(x))
    np.testing.assert_allclose(auto.path, given_fprime.path, rtol=1e-15)
    assert auto.x == pytest.approx(np.pi / 2, rel=1e-15)


# --------------------------------------------------------------------------------------------
# Minimisation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["hybrid", "newton"])
def test_rosenbrock_from_the_classic_start(method):
    r = mc.minimize(rosenbrock, [-1.2, 1.0], method=method)
    ref = sopt.minimize(sopt.rosen, [-1.2, 1.0], jac=sopt.rosen_der, method="BFGS", tol=1e-12)
    assert r.converged, r.message
    np.testing.assert_allclose(r.x, ref.x, atol=1e-6)
    np.testing.assert_allclose(r.x, [1.0, 1.0], atol=1e-8)
    np.testing.assert_array_equal(r.path[0], [-1.2, 1.0])


def test_hybrid_never_goes_uphill():
    r = mc.minimize(rosenbrock, [-1.2, 1.0])
    values = [rosenbrock(p) for p in r.path]
    assert all(b <= a for a, b in itertools.pairwise(values))


@settings(max_examples=30, deadline=None)
@given(
    a=st.floats(0.5, 5), b=st.floats(0.5, 5), c=st.floats(-1, 1),
    x0=st.tuples(st.floats(-3, 3), st.floats(-3, 3)),
)  # fmt: skip
def test_quadratics_agree_with_scipy(a, b, c, x0):
    assume(a * b - c * c > 0.1)  # positive definite

    def f(v):
        return a * v[0] ** 2 + b * v[1] ** 2 + 2 * c * v[0] * v[1] + v[0] - 2 * v[1]

    ref = sopt.minimize(f, x0, method="BFGS", tol=1e-12).x
    for method in ("hybrid", "newton"):
        r = mc.minimize(f, x0, method=method)
        assert r.converged
        np.testing.assert_allclose(r.x, ref, atol=1e-6)
    gd = mc.gradient_descent(f, x0, aggression=0.4 / max(a, b, 1), max_iter=20_000)
    assert gd.converged
    np.testing.assert_allclose(gd.x, ref, atol=1e-5)


def test_gradient_descent_takes_fixed_steps():
    r = mc.gradient_descent("x**2 + 3*y**2", [1.0, 1.0], aggression=0.1, max_iter=3)
    # x ← x − γ∇f with ∇f = (2x, 6y)
    expected = [np.array([1.0, 1.0])]
    for _ in range(3):
        x, y = expected[-1]
        expected.append(expected[-1] - 0.1 * np.array([2 * x, 6 * y]))
    np.testing.assert_allclose(r.path, expected, rtol=1e-15)
    assert not r.converged and r.message.startswith("iteration limit")


def test_gradient_descent_divergence_is_reported():
    r = mc.gradient_descent("x**2 + y**2", [1.0, 1.0], aggression=1.5)
    assert not r.converged and r.message.startswith("divergence")
    assert np.all(np.isfinite(r.path))


def test_user_strategy_as_in_the_sandpit():
    calls = []

    def next_step(f, J, H):
        calls.append((f, J.copy(), H.copy()))
        return -0.25 * J

    r = mc.minimize("x**2 + y**2", [1.0, 2.0], next_step=next_step)
    assert r.converged
    np.testing.assert_allclose(r.x, [0, 0], atol=1e-7)  # stops when |J| ≤ tol·|J(x0)|
    f0, J0, H0 = calls[0]
    assert f0 == 5.0
    np.testing.assert_allclose(J0, [2.0, 4.0])
    np.testing.assert_allclose(H0, 2 * np.eye(2))


@pytest.mark.parametrize(
    ("strategy", "message"),
    [
        (lambda f, J, H: 1 / 0, "strategy failed: ZeroDivisionError"),
        (lambda f, J, H: np.array([np.nan, 0.0]), "strategy failed: the step is not finite"),
        (lambda f, J, H: np.zeros(3), "strategy failed: the step has shape (3,)"),
    ],
)
def test_broken_strategies_stop_with_a_message(strategy, message):
    r = mc.minimize("x**2 + y**2", [1.0, 2.0], next_step=strategy)
    assert not r.converged and r.message.startswith(message)
    np.testing.assert_array_equal(r.x, [1.0, 2.0])


def test_newton_finds_saddles_but_hybrid_does_not():
    saddle = "x**2 - y**2 + 0.1*y**4"
    newton = mc.minimize(saddle, [0.5, 0.1], method="newton")
    np.testing.assert_allclose(newton.x, [0.0, 0.0], atol=1e-10)  # a saddle point
    hybrid = mc.minimize(saddle, [0.5, 0.1])
    assert hybrid.fun < newton.fun - 1.0  # it went down to a real minimum
    assert hybrid.x[1] == pytest.approx(np.sqrt(5), rel=1e-6)


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: mc.minimize("x**2", 1.0, method="bfgs"), ValueError, "method must be one of"),
        (lambda: mc.minimize(42, 1.0), TypeError, "f must be callable or maths text"),
        (lambda: mc.minimize("x**2", [np.nan]), ValueError, "x0 must be finite"),
        (lambda: mc.minimize("x**2", [[1.0]]), ValueError, "x0 must be a scalar or 1-D"),
        (lambda: mc.minimize("x**2", 1.0, next_step=3), TypeError, "next_step must be callable"),
        (lambda: mc.minimize("log(x)", -1.0), ValueError, "f is not finite at x0"),
        (lambda: mc.gradient_descent("x**2", 1.0, aggression=0), ValueError, "aggression"),
        (lambda: mc.newton_raphson("x", 1.0, tol=-1), ValueError, "tol must be positive"),
        (lambda: mc.newton_raphson("x", 1.0, max_iter=0), ValueError, "max_iter"),
        (lambda: mc.newton_raphson("x + y", [1.0, 2.0]), ValueError, "as many values as x"),
        (lambda: mc.minimize("x**2 + y**2", [1.0, 2.0, 3.0]), ValueError, "one value per variable"),
        (lambda: mc.newton_raphson("x**2 - 2", [1.0, 2.0]), ValueError, "one value per variable"),
        (lambda: mc.newton_raphson("5", 1.0), ValueError, "at least one variable"),
        (lambda: mc.newton_raphson("x^", 1.0), ValueError, "not a valid expression"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --------------------------------------------------------------------------------------------
# Lagrange multipliers
# --------------------------------------------------------------------------------------------


def _slsqp(f, g, x0, sign):
    with np.errstate(all="ignore"):  # maximising an unbounded f runs away: SciPy says so
        return sopt.minimize(lambda v: sign * f(v), x0, method="SLSQP",
                             constraints=[{"type": "eq", "fun": g}], tol=1e-12)  # fmt: skip


@pytest.mark.parametrize(
    ("f_text", "g_text", "f", "g"),
    [
        ("x*y", "x**2 + y**2 - 1", lambda v: v[0] * v[1], lambda v: v[0] ** 2 + v[1] ** 2 - 1),
        ("x + 2*y", "x**2 + y**2 - 5", lambda v: v[0] + 2 * v[1],
         lambda v: v[0] ** 2 + v[1] ** 2 - 5),
        ("x**2 + 3*y**2", "x + y - 2", lambda v: v[0] ** 2 + 3 * v[1] ** 2,
         lambda v: v[0] + v[1] - 2),
        ("exp(x)*y + sin(y)", "x**2 + y**4 - 1", lambda v: np.exp(v[0]) * v[1] + np.sin(v[1]),
         lambda v: v[0] ** 2 + v[1] ** 4 - 1),
    ],
)  # fmt: skip
def test_lagrange_extremes_agree_with_scipy(f_text, g_text, f, g):
    points = mc.lagrange(f_text, g_text, "x,y")
    assert points
    for p in points:  # each point satisfies the constraint and ∇f = λ∇g
        xy = p.coordinates()
        assert abs(g(xy)) < 1e-9
        grad_f = mc.grad(f)(xy)
        grad_g = mc.grad(g)(xy)
        np.testing.assert_allclose(grad_f, float(p.multipliers[0]) * grad_g, atol=1e-8)
        assert float(p.value) == pytest.approx(f(xy), rel=1e-12, abs=1e-12)
    best = _slsqp(f, g, [0.5, 0.5], -1)  # the constrained maximum (or the min when unbounded)
    worst = _slsqp(f, g, [0.5, -0.5], 1)
    maxima = [float(p.value) for p in points if p.kind == "maximum"]
    minima = [float(p.value) for p in points if p.kind == "minimum"]
    if best.success and maxima:
        assert max(maxima) == pytest.approx(-best.fun, rel=1e-6)
    if worst.success and minima:
        assert min(minima) == pytest.approx(worst.fun, rel=1e-6, abs=1e-9)


def test_lagrange_exact_answers():
    points = mc.lagrange("x*y", "x**2 + y**2 - 1", "x,y")
    import sympy as sp

    assert sorted(p.kind for p in points) == ["maximum", "maximum", "minimum", "minimum"]
    assert {p.value for p in points} == {sp.Rational(1, 2), -sp.Rational(1, 2)}
    assert all(abs(p.point["x"]) == sp.sqrt(2) / 2 for p in points)
    (single,) = mc.lagrange("x**2 + y**2 + z**2", "x + y + z - 1", ["x", "y", "z"])
    assert single.kind == "minimum" and single.value == sp.Rational(1, 3)
    assert single.multipliers == [sp.Rational(2, 3)]
    two = mc.lagrange("x*y*z", "x + y + z - 3, x - y", "x,y,z")
    assert {(p.kind, p.value) for p in two} == {("maximum", 1), ("minimum", 0)}


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("x*y", [], "x,y"), ValueError, "constraints must hold at least one"),
        (("x*y", "x + y - 1", "x,y,z"), ValueError, r"variables \['z'\] do not appear"),
        (("x*y*w", "x + y - 1", "x,y"), ValueError, "missing \\['w'\\]"),
        (("x*y", "x + y - 1", "x,x"), ValueError, "distinct names"),
        (("x*y", "x - 1, y - 1", "x,y"), ValueError, "leave no freedom"),
        (("x*y", 5, "x,y"), TypeError, "constraints must be text"),
        (("x*y", "x + __import__('os')", "x,y"), ValueError, "not allowed"),
    ],
)
def test_lagrange_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        mc.lagrange(*args)
