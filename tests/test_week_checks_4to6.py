"""The checks of weeks 4–6 (mvcalc.exercises.week4 … week6): they accept right answers, however
written, and refuse the typical mistakes with feedback that names them.

Right answers come from the reference solutions (tests/solutions/week4..6.py) and from
independent oracles — SymPy's series, NumPy's polynomials, SciPy's factorial, ``newton``,
``linregress`` and ``lstsq`` — so that the checks' own oracles (mvcalc's implementations) are
tested against them too. Wrong answers are the mistakes a learner makes, written as a learner
would write them.
"""

from __future__ import annotations

import math
import runpy
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.linalg
import scipy.optimize
import scipy.special
import scipy.stats
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mvcalc as mc
from mvcalc.exercises import Verdict, exercises

SOLUTIONS = Path(__file__).parent / "solutions"
WEEKS = ("week4", "week5", "week6")


def solution(week: str) -> dict[str, Any]:
    return runpy.run_path(str(SOLUTIONS / f"{week}.py"))


def verdict(week: str, name: str, function: Callable[..., Any]) -> Verdict:
    report = mc.exercises.check(week, name, namespace={name: function}, show=False)
    assert report.total == 1
    return report.verdicts[0]


def refused(week: str, name: str, function: Callable[..., Any]) -> str:
    """The feedback on a wrong answer (which must be refused)."""
    v = verdict(week, name, function)
    assert not v.ok, f"{name}: a wrong answer passed"
    assert v.feedback
    return v.feedback


# ------------------------------------------------------------------------------------------
# Every week: the solutions pass, stubs and broken functions get "not yet"
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("week", WEEKS)
def test_the_reference_solutions_pass(week: str) -> None:
    report = mc.exercises.check(week, namespace=solution(week), show=False)
    assert report.all_correct, report.text()
    assert report.total == len(exercises(week)) >= 3


ALL = [(week, name) for week in WEEKS for name in exercises(week)]


@pytest.mark.parametrize(("week", "name"), ALL)
def test_a_stub_is_not_yet_and_says_none(week: str, name: str) -> None:
    feedback = refused(week, name, lambda *args: None)
    assert "None" in feedback


@pytest.mark.parametrize(("week", "name"), ALL)
def test_an_exception_in_the_learners_code_is_reported_not_raised(week: str, name: str) -> None:
    def broken(*args: Any) -> Any:
        return 1 / 0

    assert "raised ZeroDivisionError: division by zero" in refused(week, name, broken)


@pytest.mark.parametrize(("week", "name"), ALL)
@pytest.mark.parametrize("answer", ["banana", float("nan"), [1.0, 2.0, 3.0, 4.0, 5.0], object()])
def test_answers_that_are_not_the_right_kind_are_refused(week: str, name: str, answer: Any) -> None:
    refused(week, name, lambda *args: answer)


@pytest.mark.parametrize("week", WEEKS)
def test_a_missing_function_is_named(week: str) -> None:
    report = mc.exercises.check(week, namespace={}, show=False)
    assert [v.feedback for v in report.verdicts] == [
        f"{name} is not defined yet" for name in exercises(week)
    ]


@pytest.mark.parametrize("week", WEEKS)
def test_the_checks_are_repeatable(week: str) -> None:
    wrong = {name: (lambda *args: 0.5) for name in exercises(week)}
    first = mc.exercises.check(week, namespace=wrong, show=False).text()
    assert first == mc.exercises.check(week, namespace=wrong, show=False).text()


# ------------------------------------------------------------------------------------------
# Week 4: Taylor series
# ------------------------------------------------------------------------------------------


def sqrt_taylor_by_sympy() -> str:
    """P₂ of √x about 4 from SymPy's own series (an oracle independent of the check's)."""
    x = sympy.Symbol("x")
    return sympy.sstr(sympy.series(sympy.sqrt(x), x, 4, 3).removeO())


@pytest.mark.parametrize(
    "answer",
    [
        "2 + (x - 4)/4 - (x - 4)^2/64",
        "3/4 + 3x/8 - x^2/64",  # multiplied out
        "2 + 0.25*(x - 4) - 0.015625*(x - 4)**2",  # decimals, exact in binary and as read
        "(x - 4)(1/4 - (x - 4)/64) + 2",  # factored
        "2 + (x-4)/(2*sqrt(4)) - (x-4)^2/(8*4^(3/2))",  # the derivatives left unsimplified
        "(2 + (x - 4)/4 - (x - 4)^2/64)(x + 1)/(x + 1)",  # a rational function, the same
        sqrt_taylor_by_sympy(),
    ],
)
def test_taylor_sqrt_accepts_the_polynomial_however_written(answer: str) -> None:
    assert verdict("week4", "taylor_sqrt", lambda: answer).ok


def test_taylor_sqrt_accepts_a_sympy_expression() -> None:
    x = sympy.Symbol("x")
    assert verdict("week4", "taylor_sqrt", lambda: 2 + (x - 4) / 4 - (x - 4) ** 2 / 64).ok


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("2 + (x - 4)/4 - (x - 4)^2/32", "missing its 1/2!"),
        ("2 + x/4 - x^2/64", "powers of x, not of (x − 4)"),
        ("2 + (x - 4)/4", "stops at order 1: the (x − 4)² term is missing"),
        ("2", "stops at order 0"),
        ("2 + (x - 4)/4 + (x - 4)^2/64", "the coefficient of (x − 4)² is 1/64"),
        ("2 + (x - 4)/2 - (x - 4)^2/64", "the coefficient of (x − 4) is 1/2: it should be f′(4)"),
        ("4 + (x - 4)/4 - (x - 4)^2/64", "the constant term is 4: it should be f(4)"),
        ("2 + (x-4)/4 - (x-4)^2/64 + (x-4)^3/512", "has a term in (x − 4)³"),
        ("sqrt(x)", "is sqrt(x) itself"),
        ("1/x + 2", "is not a polynomial in x"),
        ("2 + (t - 4)/4", "uses t"),
        ("2 + (x - 4)/4 -", "cannot read"),
        # large answers are answered in bounded time, still naming what is wrong
        ("(x + 1)^1000", "has a term in (x − 4)¹⁰⁰⁰"),
        ("(x - 4)^999*(x + 3)", "has a term in (x − 4)¹⁰⁰⁰"),
        ("sin(x)^1000", "is not a polynomial in x"),
        ("(sin(x) + cos(x))^50", "is not a polynomial in x"),
    ],
)
def test_taylor_sqrt_names_the_mistake(answer: str, expected: str) -> None:
    assert expected in refused("week4", "taylor_sqrt", lambda: answer)


small_fractions = st.fractions(min_value=-3, max_value=3, max_denominator=128)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(c0=small_fractions, c1=small_fractions, c2=small_fractions)
def test_taylor_sqrt_passes_exactly_the_right_coefficients(
    c0: Fraction, c1: Fraction, c2: Fraction
) -> None:
    answer = f"({c0}) + ({c1})*(x - 4) + ({c2})*(x - 4)^2"
    right = (Fraction(2), Fraction(1, 4), Fraction(-1, 64))
    v = verdict("week4", "taylor_sqrt", lambda: answer)
    assert v.ok == ((c0, c1, c2) == right), (answer, v.feedback)
    if not v.ok:  # the feedback points at the first wrong term, or names the mistake
        first = next(k for k, (a, b) in enumerate(zip((c0, c1, c2), right, strict=True)) if a != b)
        named = ("missing its 1/2!", "powers of x, not of (x − 4)")
        where = ["constant term", "(x − 4)", "(x − 4)²"][first]
        assert where in v.feedback or any(n in v.feedback for n in named), v.feedback


def polyval_taylor(derivatives: list[float], x0: float, x: Any) -> Any:
    """Pₙ(x) by NumPy's polynomial module: an oracle independent of the check's mc.taylor."""
    coefficients = [d / math.factorial(k) for k, d in enumerate(derivatives)]
    return np.polynomial.polynomial.polyval(np.asarray(x, dtype=float) - x0, coefficients)


def test_taylor_value_accepts_numpys_polynomial() -> None:
    assert verdict("week4", "taylor_value", polyval_taylor).ok


def test_taylor_value_may_change_its_inputs_in_place() -> None:
    def clobbering(derivatives: list[float], x0: float, x: Any) -> Any:
        if isinstance(x, np.ndarray):
            x -= x0  # in place: the check's own points must not change
            return polyval_taylor(derivatives, 0.0, x)
        return polyval_taylor(derivatives, x0, x)

    assert verdict("week4", "taylor_value", clobbering).ok


def taylor_terms(derivatives: list[float], x0: float, x: Any, *, factorial: Callable[[int], float],
                 centre: bool = True, terms: int | None = None) -> Any:  # fmt: skip
    x = np.asarray(x, dtype=float)
    d = x - x0 if centre else x
    used = derivatives if terms is None else derivatives[:terms]
    return sum(c / factorial(k) * d**k for k, c in enumerate(used))


@pytest.mark.parametrize(
    ("wrong", "expected"),
    [
        (lambda ds, x0, x: taylor_terms(ds, x0, x, factorial=lambda k: 1.0), "factorials"),
        (
            lambda ds, x0, x: taylor_terms(ds, x0, x, factorial=math.factorial, centre=False),
            "powers of x, not of (x − x₀)",
        ),
        (
            lambda ds, x0, x: taylor_terms(ds, x0, x, factorial=math.factorial, terms=len(ds) - 1),
            "stops one term short",
        ),
        (
            lambda ds, x0, x: taylor_terms(ds, x0, x, factorial=lambda k: math.factorial(k + 1)),
            "(k + 1)! instead of k!",
        ),
    ],
)
def test_taylor_value_names_the_mistake(wrong: Callable[..., Any], expected: str) -> None:
    feedback = refused("week4", "taylor_value", wrong)
    assert expected in feedback
    assert feedback.startswith("for f(x) = ")  # and says on which function


def test_taylor_value_must_take_a_single_number_too() -> None:
    def arrays_only(derivatives: list[float], x0: float, x: Any) -> Any:
        return polyval_taylor(derivatives, x0, np.atleast_1d(x))  # shape (1,) for a number

    assert "x a single number" in refused("week4", "taylor_value", arrays_only)


def quadratic(f0: float, g: Any, H: Any, x0: Any, x: Any, *, half: float = 0.5,
              second: bool = True, sign: float = 1.0, centre: bool = True) -> float:  # fmt: skip
    d = np.asarray(x) - np.asarray(x0) if centre else np.asarray(x)
    return float(f0 + sign * (g @ d) + (half * d @ H @ d if second else 0.0))


@pytest.mark.parametrize(
    ("wrong", "expected"),
    [
        (lambda *a: quadratic(*a, half=1.0), "the ½ in front of ΔxᵀHΔx is missing"),
        (lambda *a: quadratic(*a, second=False), "only the linearisation"),
        (lambda *a: quadratic(*a, centre=False), "uses x where Δx = x − x₀ belongs"),
        (lambda *a: quadratic(*a, sign=-1.0), "the first-order term has the wrong sign"),
        (lambda *a: quadratic(*a) + 1e-3, "largest difference"),
    ],
)
def test_quadratic_approximation_names_the_mistake(wrong: Callable[..., Any], expected: str
                                                   ) -> None:  # fmt: skip
    assert expected in refused("week4", "quadratic_approximation", wrong)


def test_quadratic_approximation_agrees_with_central_differences() -> None:
    """The check's oracle (mc.taylor's gradient and Hessian by automatic differentiation) is
    right: a learner whose function rebuilds ∇f and H by central differences of sin(x)·cos(y)
    at the same point gets values within the differences' error of the check's."""
    f = lambda v: np.sin(v[0]) * np.cos(v[1])  # noqa: E731
    x0 = np.array([0.4, -0.3])
    series = mc.taylor(f, x0, 2)
    h = 1e-4
    e = np.eye(2) * h
    g = np.array([(f(x0 + e[i]) - f(x0 - e[i])) / (2 * h) for i in range(2)])
    H = np.array([[(f(x0 + e[i] + e[j]) - f(x0 + e[i] - e[j]) - f(x0 - e[i] + e[j])
                    + f(x0 - e[i] - e[j])) / (4 * h * h) for j in range(2)]
                  for i in range(2)])  # fmt: skip
    assert np.allclose(series.gradient, g, atol=1e-7)
    assert np.allclose(series.hessian, H, atol=1e-5)


def test_remainder_bound_accepts_scipys_factorial() -> None:
    def bound(m: float, n: int, d: float) -> float:
        return float(m * d ** (n + 1) / scipy.special.factorial(n + 1, exact=True))

    assert verdict("week4", "remainder_bound", bound).ok


@pytest.mark.parametrize(
    ("wrong", "expected"),
    [
        (lambda m, n, d: m * d ** (n + 1) / math.factorial(n), "divides by n! instead of (n + 1)!"),
        (lambda m, n, d: m * d**n / math.factorial(n + 1), "uses dⁿ instead of dⁿ⁺¹"),
        (lambda m, n, d: m * d**n / math.factorial(n), "uses dⁿ/n!"),
    ],
)
def test_remainder_bound_names_the_mistake(wrong: Callable[..., Any], expected: str) -> None:
    assert expected in refused("week4", "remainder_bound", wrong)


def test_the_remainder_bound_the_check_uses_holds() -> None:
    """The check compares with TaylorSeries.remainder_bound; that bound is Lagrange's, and it
    bounds the actual error (measured here with SymPy at many points)."""
    x = sympy.Symbol("x")
    series = mc.taylor("log(3 + x)", 0.25, 3)
    r = series.remainder_bound(-0.3, 0.7)
    points = [sympy.Rational(str(p)) for p in np.linspace(-0.3, 0.7, 201)]
    polynomial = series.polynomial
    errors = [abs(float(sympy.log(3 + p) - polynomial.subs(x, p))) for p in points]
    assert max(errors) <= r.bound
    # |f⁽⁴⁾| = 6/(3 + x)⁴ is largest at x = −0.3; the farthest point is 0.55 from x₀ = 0.25
    assert r.bound == pytest.approx(6 / 2.7**4 * 0.55**4 / 24, rel=1e-9)


# ------------------------------------------------------------------------------------------
# Week 5: optimisation
# ------------------------------------------------------------------------------------------


def test_newton_step_accepts_scipys_newton_for_one_iteration() -> None:
    def step(f: Any, fprime: Any, x: float) -> float:
        return float(scipy.optimize.newton(f, x, fprime=fprime, maxiter=1, disp=False))

    assert verdict("week5", "newton_step", step).ok


@pytest.mark.parametrize(
    ("wrong", "expected"),
    [
        (lambda f, fp, x: x + f(x) / fp(x), "steps the wrong way"),
        (lambda f, fp, x: x - fp(x) / f(x), "divides the wrong way round"),
        (lambda f, fp, x: -f(x) / fp(x), "returned the step −f(x)/f′(x)"),
        (lambda f, fp, x: x - f(x) * fp(x), "multiplies by f′(x)"),
        (lambda f, fp, x: x - f(x) / fp(x) + 1e-6, "largest difference"),
    ],
)
def test_newton_step_names_the_mistake(wrong: Callable[..., Any], expected: str) -> None:
    feedback = refused("week5", "newton_step", wrong)
    assert expected in feedback and feedback.startswith("for f(x) = ")


def newton(J: Any, H: Any) -> Any:
    return -np.linalg.solve(H, J)


@pytest.mark.parametrize(
    ("wrong", "expected"),
    [
        (lambda f, J, H: -0.3 * J, "took −γJ where H is positive definite"),
        (lambda f, J, H: newton(J, H), "took Newton's step where H is indefinite"),
        (
            lambda f, J, H: newton(J, H) if np.linalg.det(H) > 0 else -0.3 * J,
            "took Newton's step where H is negative definite (eigenvalues",
        ),
        (
            lambda f, J, H: -newton(J, H) if np.all(np.linalg.eigvalsh(H) > 0) else -0.3 * J,
            "Newton's step is −H⁻¹J: yours goes the other way",
        ),
        (
            lambda f, J, H: -(H @ J) if np.all(np.linalg.eigvalsh(H) > 0) else -0.3 * J,
            "multiplies J by H",
        ),
        (
            lambda f, J, H: newton(J, H) if np.all(np.linalg.eigvalsh(H) > 0) else 0.3 * J,
            "the gradient-descent step goes uphill",
        ),
        (
            lambda f, J, H: newton(J, H) if np.all(np.linalg.eigvalsh(H) > 0) else -0.1 * J,
            "largest difference",
        ),
        (
            lambda f, J, H: newton(J, H) if np.all(np.linalg.eigvalsh(H) > 0) else -J,
            "with γ = 0.3",
        ),
    ],
)
def test_next_step_names_the_mistake(wrong: Callable[..., Any], expected: str) -> None:
    assert expected in refused("week5", "next_step", wrong)


def test_next_step_accepts_sylvesters_criterion_and_an_inverse() -> None:
    """Other right ways: leading minors for positive definiteness, H⁻¹ by inversion."""

    def mine(f: float, J: Any, H: Any) -> Any:
        if H[0, 0] > 0 and np.linalg.det(H) > 0:
            return -np.linalg.inv(H) @ J
        return -0.3 * J

    assert verdict("week5", "next_step", mine).ok


def test_next_step_is_the_hybrid_the_workers_use() -> None:
    """The check's oracle is mvcalc.steps.hybrid_step with the exercise's γ; the solution's
    strategy takes the same walk as the built-in hybrid in the sandpit."""
    from mvcalc.exercises.week5 import AGGRESSION

    mine = solution("week5")["next_step"]
    game = mc.lab.Sandpit("multiple-minima", seed=7, mode="workers")
    ours = game.workers(0.0, 0.0, mine, steps=6, timeout=None, walk_timeout=None)
    builtin = game.workers(0.0, 0.0, "hybrid", aggression=AGGRESSION, steps=6)
    assert [(p.x, p.y) for p in ours.probes] == [(p.x, p.y) for p in builtin.probes]


def lagrangian_by_hand(grad_f: Any, grad_g: Any, g: Any, v: Any, *, lam_sign: float = -1.0,
                       g_sign: float = -1.0) -> Any:  # fmt: skip
    x, lam = np.asarray(v[:-1]), v[-1]
    return np.append(grad_f(x) + lam_sign * lam * grad_g(x), g_sign * g(x))


@pytest.mark.parametrize(
    ("wrong", "expected"),
    [
        (lambda *a: lagrangian_by_hand(*a, lam_sign=1.0), "λ enters with the wrong sign"),
        (lambda *a: lagrangian_by_hand(*a, g_sign=1.0), "∂L/∂λ = −g(x): yours is +g"),
        (lambda *a: lagrangian_by_hand(*a, lam_sign=1.0, g_sign=1.0), "both signs are flipped"),
        (lambda *a: lagrangian_by_hand(*a)[:-1], "has 3 entries"),
        (
            lambda gf, gg, g, v: np.append(gf(v[:-1]) - gg(v[:-1]), -g(v[:-1])),
            "not ∇f − ∇g",
        ),
    ],
)
def test_lagrangian_gradient_names_the_mistake(wrong: Callable[..., Any], expected: str) -> None:
    assert expected in refused("week5", "lagrangian_gradient", wrong)


def test_lagrangian_gradient_for_two_variables_only_is_caught_on_three() -> None:
    def two_only(grad_f: Any, grad_g: Any, g: Any, v: Any) -> Any:
        x, y, lam = v[0], v[1], v[2]
        p = np.array([x, y])
        return np.append(grad_f(p) - lam * grad_g(p), -g(p))

    feedback = refused("week5", "lagrangian_gradient", two_only)
    assert feedback.startswith("for f = x + y² − z on x² + y² + z² = 4")


def test_the_zeros_of_the_solutions_lagrangian_gradient_are_lagranges_points() -> None:
    """Independent of the check: Newton on the solution's ∇L finds the points SymPy's exact
    solution of the Lagrange system gives (mc.lagrange), x·y on the unit circle."""
    mine = solution("week5")["lagrangian_gradient"]
    f = lambda p: p[0] * p[1]  # noqa: E731
    g = lambda p: p[0] ** 2 + p[1] ** 2 - 1  # noqa: E731
    hessian = mc.hessian(lambda v: f(v[:2]) - v[2] * g(v[:2]))
    exact = {tuple(np.round(p.coordinates(), 9)) for p in mc.lagrange("x*y", "x^2 + y^2 = 1")}
    found = set()
    for start in np.random.default_rng(1).uniform(-1.5, 1.5, (16, 3)):
        r = mc.newton_raphson(lambda v: mine(mc.grad(f), mc.grad(g), g, v), start, fprime=hessian)
        if r.converged:
            found.add(tuple(np.round(r.x[:2], 9) + 0.0))
    assert found == exact


# ------------------------------------------------------------------------------------------
# Week 6: least squares
# ------------------------------------------------------------------------------------------


def test_fit_line_accepts_scipys_linregress() -> None:
    def by_scipy(x: Any, y: Any) -> tuple[float, float]:
        r = scipy.stats.linregress(x, y)
        return float(r.slope), float(r.intercept)

    assert verdict("week6", "fit_line", by_scipy).ok


def test_fit_line_may_centre_its_inputs_in_place() -> None:
    def in_place(x: Any, y: Any) -> tuple[float, float]:
        x_bar, y_bar = x.mean(), y.mean()
        x -= x_bar
        y -= y_bar
        m = float(x @ y / (x @ x))
        return m, float(y_bar - m * x_bar)

    assert verdict("week6", "fit_line", in_place).ok


def slope_intercept(x: Any, y: Any) -> tuple[float, float]:
    dx, dy = x - x.mean(), y - y.mean()
    m = float(dx @ dy / (dx @ dx))
    return m, float(y.mean() - m * x.mean())


@pytest.mark.parametrize(
    ("wrong", "expected"),
    [
        (lambda x, y: slope_intercept(x, y)[::-1], "returned (intercept, slope)"),
        (lambda x, y: (float(x @ y / (x @ x)), 0.0), "a line through the origin"),
        (
            lambda x, y: (float(x @ y / (x @ x)), float(y.mean() - x @ y / (x @ x) * x.mean())),
            "a line through the origin",
        ),
        (lambda x, y: (slope_intercept(x, y)[0], float(y.mean())), "not ȳ"),
        (
            lambda x, y: (
                slope_intercept(x, y)[0],
                float(y.mean() + slope_intercept(x, y)[0] * x.mean()),
            ),
            "yours adds m·x̄",
        ),
        (lambda x, y: np.polyval(np.polyfit(x, y, 1), x), "one value per point"),
    ],
)
def test_fit_line_names_the_mistake(wrong: Callable[..., Any], expected: str) -> None:
    assert expected in refused("week6", "fit_line", wrong)


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=1e-6, max_value=10.0), st.sampled_from([0, 1]))
def test_fit_line_refuses_any_perturbed_answer(size: float, which: int) -> None:
    def off(x: Any, y: Any) -> Any:
        answer = np.array(slope_intercept(x, y))
        answer[which] += size * max(1.0, abs(answer[which]))
        return answer

    refused("week6", "fit_line", off)


def test_normal_equations_accepts_scipys_lstsq() -> None:
    assert verdict("week6", "normal_equations", lambda X, y: scipy.linalg.lstsq(X, y)[0]).ok


@pytest.mark.parametrize(
    ("wrong", "expected"),
    [
        (lambda X, y: X.T @ y, "returned Xᵀy"),
        (lambda X, y: np.linalg.inv(X.T @ X), "is a 2 × 2 matrix"),
        (lambda X, y: X @ np.linalg.solve(X.T @ X, X.T @ y), "the fitted values Xβ"),
        (lambda X, y: np.linalg.solve(X.T @ X, X.T @ y)[::-1], "largest difference"),
    ],
)
def test_normal_equations_names_the_mistake(wrong: Callable[..., Any], expected: str) -> None:
    assert expected in refused("week6", "normal_equations", wrong)


def gauss_newton(model: Any, jacobian: Any, x: Any, y: Any, p: Any, *, sign: float = 1.0,
                 whole: bool = True) -> Any:  # fmt: skip
    r = y - model(x, *p)
    J = jacobian(x, *p)
    delta = scipy.linalg.lstsq(J, r)[0]  # (JᵀJ)δ = Jᵀr, solved by SciPy's SVD
    return p + sign * delta if whole else delta


def test_gauss_newton_step_accepts_scipys_lstsq() -> None:
    assert verdict("week6", "gauss_newton_step", gauss_newton).ok


@pytest.mark.parametrize(
    ("wrong", "expected"),
    [
        (lambda *a: gauss_newton(*a, sign=-1.0), "moves the wrong way"),
        (lambda *a: gauss_newton(*a, whole=False), "returned the step δ"),
        (lambda m, j, x, y, p: p + j(x, *p).T @ (y - m(x, *p)), "as steepest descent would"),
        (lambda *a: gauss_newton(*a) * 1.001, "largest difference"),
    ],
)
def test_gauss_newton_step_names_the_mistake(wrong: Callable[..., Any], expected: str) -> None:
    feedback = refused("week6", "gauss_newton_step", wrong)
    assert expected in feedback and feedback.startswith("for y = a·exp(b·x) at p = (")


def test_gauss_newton_steps_reach_the_least_squares_fit() -> None:
    """Independent of the check: the solution's steps converge on the heights to the
    minimum SciPy's curve_fit finds."""
    step = solution("week6")["gauss_newton_step"]
    x, y = mc.datasets.heights()
    p = np.array([170.0, 10.0])
    for _ in range(20):
        p = step(mc.gaussian, mc.regression.gaussian_jacobian, x, y, p)
    reference, _ = scipy.optimize.curve_fit(lambda t, mu, s: mc.gaussian(t, mu, s), x, y,
                                            p0=[170.0, 10.0])  # fmt: skip
    assert np.allclose(p, reference, rtol=1e-6)
