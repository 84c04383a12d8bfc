"""Tests of mvcalc.optimize, with SciPy's optimize (newton, root, minimize) as the oracle."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize as sopt

import mvcalc as mc
from mvcalc.results import STATUSES


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
        plain = "multiplicity" not in ours.message  # a multiple root takes the modified step
        # near a (near-)multiple root the paths part: compare only where SciPy found a simple root
        simple = ref is not None and np.isfinite(ref) and abs(poly.deriv()(ref)) > 1e-6
        if plain and simple and abs(f(ref)) < 1e-8:
            # both follow the same tangents from the same start, so they reach the same root
            assert ours.x == pytest.approx(ref, rel=1e-8, abs=1e-10)
    else:
        assert ours.status in {"zero-derivative", "cycling", "diverged", "non-finite",
                               "max-iter", "linear-convergence"}  # fmt: skip
    assert ours.path[0] == x0 and len(ours.path) == ours.nit + 1


def test_newton_from_the_issue():
    r = mc.newton_raphson("x**3 - 2*x + 2", -2)
    assert r.converged
    assert r.x == pytest.approx(sopt.brentq(lambda x: x**3 - 2 * x + 2, -3, 0), rel=1e-14)
    assert r.nit < 10


def test_newton_failure_modes_are_named():
    cycle = mc.newton_raphson("x**3 - 2*x + 2", 0)
    assert cycle.status == "cycling" and not cycle.converged
    np.testing.assert_array_equal(cycle.path[:3], [0, 1, 0])

    flat = mc.newton_raphson(lambda x: x**2 + 1, 0.0)
    assert flat.status == "zero-derivative" and not flat.converged

    runaway = mc.newton_raphson(np.arctan, 1.5)  # overshoots further every step
    assert runaway.status == "diverged" and not runaway.converged
    assert np.all(np.isfinite(runaway.path))

    slow = mc.newton_raphson(lambda x: x**2 + 1, 0.5, max_iter=5)  # no real root
    assert slow.status in ("max-iter", "cycling") and not slow.converged
    assert slow.nit <= 5

    singular = mc.newton_raphson(lambda v: np.stack([v[0] + v[1], 2 * v[0] + 2 * v[1]]), [1.0, 1.0])
    assert singular.status == "zero-derivative" and "singular" in singular.message

    root = mc.newton_raphson(lambda x: x**2, 0.0)
    assert root.converged and root.nit == 0


@pytest.mark.parametrize(("text", "x0", "root"), [("x**2", 1.0, 0.0), ("(x-3)**3", 2.5, 3.0)])
def test_newton_reaches_multiple_roots_from_the_issue(text, x0, root):
    r = mc.newton_raphson(text, x0)
    assert r.status == "converged"
    assert abs(r.x - root) <= 1e-10
    assert "multiplicity" in r.message  # named, not mistaken for cycling


@settings(max_examples=60, deadline=None)
@given(
    root=st.floats(-3, 3),
    m=st.integers(2, 5),
    offset=st.floats(0.05, 1.0),
    side=st.sampled_from([-1.0, 1.0]),
    c=st.floats(0.5, 2.0),
)
def test_newton_reaches_roots_of_any_multiplicity(root, m, offset, side, c):
    # f = (x − r)ᵐ · (c + x²): a root of multiplicity m at r, no other real root
    def f(x):
        return (x - root) ** m * (c + x * x)

    r = mc.newton_raphson(f, root + side * offset)
    assert r.status in ("converged", "linear-convergence")
    if r.converged:
        assert abs(r.x - root) <= 1e-10 * max(1.0, abs(root)) or f(r.x) == 0.0
        # f is exactly zero only within rounding of r: |x − r|ᵐ underflows below the spacing
        assert abs(r.x - root) <= 1e-5 * max(1.0, abs(root))


def test_newton_names_linear_convergence_of_systems():
    # x₀² = 0 has a double root; a system gets no modified step, so it may run out of steps
    r = mc.newton_raphson(lambda v: np.stack([v[0] ** 2, v[1] - 1]), [1.0, 3.0], max_iter=10)
    assert r.status == "linear-convergence" and not r.converged
    assert "multiplicity 2" in r.message
    done = mc.newton_raphson(lambda v: np.stack([v[0] ** 2, v[1] - 1]), [1.0, 3.0])
    assert done.status == "converged"
    np.testing.assert_allclose(done.x, [0.0, 1.0], atol=1e-10)


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

METHODS = ("hybrid", "newton", "gradient-descent")


@pytest.mark.parametrize("method", ["hybrid", "newton"])
def test_rosenbrock_from_the_classic_start(method):
    r = mc.minimize(rosenbrock, [-1.2, 1.0], method=method)
    ref = sopt.minimize(sopt.rosen, [-1.2, 1.0], jac=sopt.rosen_der, method="BFGS", tol=1e-12)
    assert r.status == "converged", r.message
    np.testing.assert_allclose(r.x, ref.x, atol=1e-6)
    np.testing.assert_allclose(r.x, [1.0, 1.0], atol=1e-8)
    np.testing.assert_array_equal(r.path[0], [-1.2, 1.0])
    assert r.nit == len(r.path) - 1


def test_hybrid_never_goes_uphill():
    r = mc.minimize(rosenbrock, [-1.2, 1.0])
    values = [rosenbrock(p) for p in r.path]
    assert all(b <= a for a, b in itertools.pairwise(values))


@settings(max_examples=30, deadline=None)
@given(
    a=st.floats(0.5, 5), b=st.floats(0.5, 5), c=st.floats(-1, 1),
    x0=st.tuples(st.floats(-3, 3), st.floats(-3, 3)),
)  # fmt: skip
def test_quadratics_reach_the_solution_of_the_linear_system(a, b, c, x0):
    assume(a * b - c * c > 0.1)  # positive definite
    hessian = np.array([[2 * a, 2 * c], [2 * c, 2 * b]])

    def f(v):
        return a * v[0] ** 2 + b * v[1] ** 2 + 2 * c * v[0] * v[1] + v[0] - 2 * v[1]

    exact = np.linalg.solve(hessian, [-1.0, 2.0])  # the oracle: ∇f = Hx + (1, −2) = 0
    for method in ("hybrid", "newton"):
        r = mc.minimize(f, x0, method=method)
        assert r.status == "converged", r.message
        np.testing.assert_allclose(r.x, exact, atol=1e-9 * max(1.0, np.abs(exact).max()))
    gd = mc.gradient_descent(f, x0, aggression=0.4 / max(a, b, 1), max_iter=20_000)
    assert gd.status in ("converged", "max-iter")
    if np.linalg.eigvalsh(hessian)[0] >= 0.5:  # well enough conditioned to finish in time
        assert gd.converged, gd.message
    if gd.converged:
        np.testing.assert_allclose(gd.x, exact, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    eigenvalues=st.tuples(st.floats(0.2, 5), st.floats(0.2, 5)),
    signs=st.sampled_from([(1, -1), (-1, 1), (-1, -1)]),
    angle=st.floats(0, np.pi),
    centre=st.tuples(st.floats(-2, 2), st.floats(-2, 2)),
    offset=st.tuples(st.floats(-1, 1), st.floats(-1, 1)),
)
def test_newton_names_saddles_and_maxima_of_quadratics(eigenvalues, signs, angle, centre, offset):
    # f = ½ (x − c)ᵀ H (x − c) with H = Q diag(λ) Qᵀ indefinite or negative definite
    q = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    lam = np.array(eigenvalues) * np.array(signs)
    hessian = q @ np.diag(lam) @ q.T
    c = np.array(centre)

    def f(v):
        d = v - c
        return 0.5 * (d @ (hessian @ d))

    r = mc.minimize(f, c + np.array(offset), method="newton")
    assert r.status == ("maximum" if max(lam) < 0 else "saddle"), r.message
    assert not r.converged
    np.testing.assert_allclose(r.x, c, atol=1e-9)
    words = r.message.split("eigenvalues ")[1]
    shown = sorted(float(w) for w in words.replace(" and", ",").split(", "))
    np.testing.assert_allclose(shown, np.linalg.eigvalsh(hessian), rtol=5e-3, atol=1e-12)
    # the default method never stops there: f is unbounded below, so it runs away, and says so
    assert mc.minimize(f, c + np.array(offset)).status == "diverged"


@settings(max_examples=30, deadline=None)
@given(
    coefficients=st.lists(st.floats(-2, 2), min_size=9, max_size=9),
    x0=st.tuples(st.floats(-2, 2), st.floats(-2, 2)),
    method=st.sampled_from(METHODS),
)
def test_converged_means_a_minimum_by_sympy(coefficients, x0, method):
    # a random quartic that is bounded below: (x² + y²)² + a cubic + a quadratic + a linear part
    import sympy as sp

    x, y = sp.symbols("x y")
    c = [sp.Rational(v).limit_denominator(1000) for v in coefficients]
    expr = ((x**2 + y**2) ** 2 + c[0] * x**3 + c[1] * x**2 * y + c[2] * x * y**2 + c[3] * y**3
            + c[4] * x**2 + c[5] * x * y + c[6] * y**2 + c[7] * x + c[8] * y)  # fmt: skip
    numeric = sp.lambdify([(x, y)], expr, "numpy")  # plain NumPy arithmetic: AD follows it
    r = mc.minimize(numeric, list(x0), method=method)
    assert r.status in STATUSES
    if r.converged:  # the oracle: SymPy's exact gradient and Hessian at the point found
        at = {x: float(r.x[0]), y: float(r.x[1])}
        gradient = np.array([float(sp.diff(expr, v).subs(at)) for v in (x, y)], dtype=float)
        hessian = np.array(
            [[float(sp.diff(expr, u, v).subs(at)) for v in (x, y)] for u in (x, y)], dtype=float
        )
        scale = max(abs(float(expr.subs(at))), 1.0)
        assert np.linalg.eigvalsh(hessian)[0] >= -1e-7 * max(1.0, np.abs(hessian).max())
        relative_gradient = np.max(np.abs(gradient) * np.maximum(np.abs(r.x), 1)) / scale
        if relative_gradient > 1e-8:  # then only at the rounding of x, f at its model's minimum
            decrement = 0.5 * gradient @ np.linalg.solve(hessian, gradient)
            assert 0 <= decrement <= 1e-16 * scale


def test_gradient_descent_takes_fixed_steps():
    r = mc.gradient_descent("x**2 + 3*y**2", [1.0, 1.0], aggression=0.1, max_iter=3)
    # x ← x − γ∇f with ∇f = (2x, 6y)
    expected = [np.array([1.0, 1.0])]
    for _ in range(3):
        x, y = expected[-1]
        expected.append(expected[-1] - 0.1 * np.array([2 * x, 6 * y]))
    np.testing.assert_allclose(r.path, expected, rtol=1e-15)
    assert r.status == "max-iter" and not r.converged


def test_gradient_descent_divergence_is_reported():
    r = mc.gradient_descent("x**2 + y**2", [1.0, 1.0], aggression=1.5)
    assert r.status == "diverged" and not r.converged
    assert np.all(np.isfinite(r.path))


def test_gradient_descent_with_a_given_gradient():
    calls = []

    def grad(v):
        calls.append(v.copy())
        return np.array([2 * (v[0] - 1), 4 * (v[1] + 2)])

    r = mc.gradient_descent("(x - 1)**2 + 2*(y + 2)**2", [0.0, 0.0], grad=grad, aggression=0.2)
    assert r.status == "converged"
    np.testing.assert_allclose(r.x, [1.0, -2.0], atol=1e-8)
    assert len(calls) >= r.nit  # the given gradient is the one used


def test_gradient_descent_beyond_automatic_differentiation():
    # float() drops a dual number's derivative, so AD refuses f; the given gradient still works,
    # and the certificate's Hessian comes from central differences of it
    def f(v):
        return float(np.sum((np.asarray(v, dtype=float) - [1.0, 2.0]) ** 2))

    def grad(v):
        return 2 * (np.asarray(v, dtype=float) - [1.0, 2.0])

    r = mc.gradient_descent(f, [0.0, 0.0], grad=grad, aggression=0.25)
    assert r.status == "converged" and "positive (2 and 2)" in r.message
    np.testing.assert_allclose(r.x, [1.0, 2.0], atol=1e-8)


def test_user_strategy_as_in_the_sandpit():
    calls = []

    def next_step(f, J, H):
        calls.append((f, J.copy(), H.copy()))
        return -0.25 * J

    r = mc.minimize("x**2 + y**2", [1.0, 2.0], next_step=next_step)
    assert r.status == "converged"
    np.testing.assert_allclose(r.x, [0, 0], atol=1e-8)
    f0, J0, H0 = calls[0]
    assert f0 == 5.0
    np.testing.assert_allclose(J0, [2.0, 4.0])
    np.testing.assert_allclose(H0, 2 * np.eye(2))


def test_user_strategy_of_one_variable_gets_scalars():
    seen = []

    def next_step(f, J, H):
        seen.append((np.shape(J), np.shape(H)))
        return -J / H  # Newton's step, by hand

    r = mc.minimize("(x - 3)**2", 0.0, next_step=next_step)
    assert r.status == "converged" and r.x == pytest.approx(3.0, abs=1e-12)
    assert seen[0] == ((), ())


@pytest.mark.parametrize(
    ("strategy", "fragment"),
    [
        (lambda f, J, H: 1 / 0, "the strategy raised ZeroDivisionError"),
        (lambda f, J, H: np.array([np.nan, 0.0]), "not finite"),
        (lambda f, J, H: np.zeros(3), "shape (3,), not (2,)"),
        (lambda f, J, H: "downhill", "not an array of numbers"),
        (lambda f, J, H: exec("raise SystemExit(3)"), "the strategy raised SystemExit"),
    ],
)
def test_broken_strategies_stop_with_a_message(strategy, fragment):
    r = mc.minimize("x**2 + y**2", [1.0, 2.0], next_step=strategy)
    assert r.status == "failed" and not r.converged
    assert fragment in r.message
    np.testing.assert_array_equal(r.x, [1.0, 2.0])


def test_newton_finds_saddles_but_hybrid_does_not():
    saddle = "x**2 - y**2 + 0.1*y**4"
    newton = mc.minimize(saddle, [0.5, 0.1], method="newton")
    np.testing.assert_allclose(newton.x, [0.0, 0.0], atol=1e-10)  # a saddle point...
    assert newton.status == "saddle" and "eigenvalues -2 and 2" in newton.message
    hybrid = mc.minimize(saddle, [0.5, 0.1])
    assert hybrid.status == "converged"
    assert hybrid.fun < newton.fun - 1.0  # it went down to a real minimum
    assert hybrid.x[1] == pytest.approx(np.sqrt(5), rel=1e-8)
    # started exactly on the saddle (J = 0), the hybrid still leaves along the negative curvature
    on_it = mc.minimize(saddle, [0.0, 0.0])
    assert on_it.status == "converged" and abs(on_it.x[1]) == pytest.approx(np.sqrt(5), rel=1e-8)


# --------------------------------------------------------------------------------------------
# Minimisation: the false successes of the issue, and their neighbours
# --------------------------------------------------------------------------------------------

POWELL_BADLY_SCALED = "(1e4*x*y - 1)**2 + (exp(-x) + exp(-y) - 1.0001)**2"


@pytest.mark.parametrize("method", METHODS)
def test_powell_badly_scaled_is_never_a_false_success(method):
    r = mc.minimize(POWELL_BADLY_SCALED, [0, 1], method=method)

    def f(v):
        return (1e4 * v[0] * v[1] - 1) ** 2 + (np.exp(-v[0]) + np.exp(-v[1]) - 1.0001) ** 2

    start_gradient = sopt.approx_fprime([0.0, 1.0], f, 1e-9)
    assert np.abs(start_gradient).max() > 1e4  # x0 is far from stationary
    if r.converged:
        assert r.fun <= 1e-8  # the minimum is 0, at (1.098e-5, 9.106)
    if method == "hybrid":
        assert r.status == "converged" and r.nit > 0
        # the oracle: x₁x₂ = 10⁻⁴ and e^(−x₁) + e^(−x₂) = 1.0001, solved by SciPy
        exact = sopt.fsolve(lambda v: [1e4 * v[0] * v[1] - 1, np.exp(-v[0]) + np.exp(-v[1])
                                       - 1.0001], [1e-5, 9.0], xtol=1e-14)  # fmt: skip
        np.testing.assert_allclose(r.x, exact, rtol=1e-7)


@pytest.mark.parametrize("x0", [0.0, [0.0], [0]])
@pytest.mark.parametrize("method", METHODS)
def test_a_huge_function_is_not_flat(x0, method):
    # 1e200·(x − 1)²: |∇f| = 2e200 at 0 and its norm² overflows; nothing may call that a minimum
    r = mc.minimize("1e200*(x-1)**2", x0, method=method)
    if method == "gradient-descent":
        assert r.status == "non-finite"  # γ = 0.1 overshoots to f = ∞, and says so
        assert np.all(np.asarray(r.x) == 0.0)
    else:
        assert r.status == "converged"
        assert np.all(np.asarray(r.x) == 1.0) and r.fun == 0.0


def test_an_overflowing_gradient_is_non_finite():
    r = mc.minimize(lambda x: 1e308 * (x - 1) ** 2, 0.0)  # f(0) = 1e308, f'(0) = −∞
    assert r.status == "non-finite" and r.x == 0.0


def test_a_tiny_aggression_stalls():
    r = mc.gradient_descent("x**2", 1.0, aggression=1e-300)
    assert r.status == "stalled" and not r.converged and r.x == 1.0
    r = mc.minimize("x**2 + y**2", [1.0, 2.0], method="gradient-descent", aggression=1e-300)
    assert r.status == "stalled"


def test_an_inflection_is_not_a_minimum():
    # x³ at 0: f' = f'' = 0, as at the minimum of x⁴; only f itself tells them apart
    newton = mc.minimize("x**3", 1.0, method="newton")
    assert newton.status == "saddle" and not newton.converged
    assert abs(newton.x) < 1e-3
    assert mc.minimize("x**3", 1.0).status == "diverged"  # f is unbounded below
    for method in ("hybrid", "newton"):
        quartic = mc.minimize("x**4", 1.0, method=method)
        assert quartic.status == "converged" and quartic.fun <= 1e-8


def test_the_saddle_of_the_issue():
    r = mc.minimize("x^3-3*x+y^2", [-0.5, 1], method="newton")
    np.testing.assert_allclose(r.x, [-1.0, 0.0], atol=1e-12)
    assert r.status == "saddle" and not r.converged
    assert "eigenvalues -6 and 2" in r.message  # f = x³ − 3x + y²: H = diag(6x, 2)
    hybrid = mc.minimize("x^3-3*x+y^2", [-0.5, 1])
    assert hybrid.status == "converged"
    np.testing.assert_allclose(hybrid.x, [1.0, 0.0], atol=1e-10)


def test_a_maximum_is_named():
    r = mc.minimize("-(x**2) - 3*y**2 + x*y", [0.3, 0.2], method="newton")
    assert r.status == "maximum" and not r.converged
    np.testing.assert_allclose(r.x, [0.0, 0.0], atol=1e-12)
    assert mc.minimize("x**4 - x**2", 0.0, method="newton").status == "maximum"  # H = −2 at 0
    assert mc.minimize("x**4 - x**2", 0.0).x == pytest.approx(np.sqrt(0.5), rel=1e-10)


def test_a_plateau_is_not_a_minimum():
    # −exp(−x²) is −0.0 to rounding at x = 40: gradient and Hessian vanish, yet it is no minimum
    newton = mc.minimize("-exp(-x**2)", 40.0, method="newton")
    assert newton.status == "stalled" and newton.x == 40.0
    hybrid = mc.minimize("-exp(-x**2)", 40.0)
    assert hybrid.status == "converged" and hybrid.x == pytest.approx(0.0, abs=1e-8)


def test_a_minimum_at_infinity_is_not_claimed():
    # 1/x: the relative gradient 1/x falls below tol at x = 10⁸, but Newton's step is x/2 long
    r = mc.minimize("1/x", 1.0)
    assert r.status == "diverged"
    r = mc.minimize("1/x", 1.0, method="newton")
    assert r.status == "diverged"


def test_a_tiny_function_is_still_minimised():
    # f of size 1e-20: its relative gradient is tiny everywhere; Newton's step is not
    r = mc.minimize("1e-20*((x - 1)**2 + (y + 2)**2)", [3.0, 3.0])
    assert r.status == "converged"
    np.testing.assert_allclose(r.x, [1.0, -2.0], atol=1e-12)


def test_a_kink_stalls_honestly():
    r = mc.minimize("abs(x) + abs(y)", [1.0, 2.0])
    assert r.status in ("stalled", "max-iter")  # |∇f| stays 1: no minimum by the gradient test


@pytest.mark.parametrize(
    ("text", "x0"),
    [("(x-1)**2 + (y-2)**2", [1.0, 2.0]), ("x**2 + y**2", [0.0, 0.0]), ("(x-y)**2", [2.0, 2.0])],
)
def test_starting_at_the_minimum(text, x0):
    for method in METHODS:
        r = mc.minimize(text, x0, method=method)
        assert r.status == "converged" and r.nit == 0


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: mc.minimize("x**2", 1.0, method="bfgs"), ValueError, "method must be one of"),
        (lambda: mc.minimize(42, 1.0), TypeError, "f must be callable or maths text"),
        (lambda: mc.minimize("x**2", [np.nan]), ValueError, "x0 must be finite"),
        (lambda: mc.minimize("x**2", [[1.0]]), ValueError, "x0 must be a number or 1-D"),
        (lambda: mc.minimize("x**2", 1.0, next_step=3), TypeError, "next_step must be callable"),
        (lambda: mc.minimize("x**2", 1.0, tol=0), ValueError, "tol must be positive"),
        (lambda: mc.minimize("x**2", 1.0, max_iter=0), ValueError, "max_iter"),
        (lambda: mc.minimize("x**2", 1.0, method=None), ValueError, "method must be one of"),
        (lambda: mc.minimize(lambda v: v, [1.0, 2.0]), ValueError, "f must return one number"),
        (lambda: mc.gradient_descent("x**2", 1.0, grad=3), TypeError, "grad must be callable"),
        (lambda: mc.gradient_descent("x**2", 1.0, tol=-1), ValueError, "tol must be positive"),
        (lambda: mc.minimize("log(x)", -1.0), ValueError, "f is not finite at x0"),
        (lambda: mc.gradient_descent("x**2", 1.0, aggression=0), ValueError, "aggression"),
        (lambda: mc.newton_raphson("x", 1.0, tol=-1), ValueError, "tol must be positive"),
        (lambda: mc.newton_raphson("x", 1.0, max_iter=0), ValueError, "max_iter"),
        (lambda: mc.newton_raphson("x + y", [1.0, 2.0]), ValueError, "as many values as x"),
        (lambda: mc.minimize("x**2 + y**2", [1.0, 2.0, 3.0]), ValueError, "one value per variable"),
        (lambda: mc.newton_raphson("x**2 - 2", [1.0, 2.0]), ValueError, "one value per variable"),
        (lambda: mc.newton_raphson("5", 1.0), ValueError, "at least one variable"),
        (lambda: mc.newton_raphson("x^", 1.0), ValueError, "ends with '\\^': something is missing"),
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
        (("x*y", "x + __import__('os')", "x,y"), ValueError, "cannot read"),
    ],
)
def test_lagrange_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        mc.lagrange(*args)


def test_a_function_that_rounds_to_zero_on_its_tail_has_no_root_there():
    """x·e⁻ˣ has its only root at 0; from 2, Newton runs off to +∞, where f rounds to exactly 0
    near x = 745. That is no root: the steps never shrank."""
    r = mc.newton_raphson("x*exp(-x)", 2.0, max_iter=2000)
    assert r.status != "converged" and not r.converged
    assert r.x > 100  # it did run away (so the test exercises the tail)
    r = mc.newton_raphson("x*exp(-x)", 0.3)  # from near the root it finds it
    assert r.converged and abs(r.x) < 1e-12


def test_newton_names_an_infinite_derivative_non_finite_not_zero():
    # from 4 the first step lands on 0, where (√x)' = 1/(2√x) is infinite: a vertical tangent
    result = mc.newton_raphson("sqrt(x) - 1", 4)
    assert result.status == "non-finite" and not result.converged
    assert "f'(x) = inf" in result.message and "vertical" in result.message
    assert mc.newton_raphson("x^2 - 1", 0).status == "zero-derivative"
