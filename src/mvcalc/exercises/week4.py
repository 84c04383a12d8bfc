"""Week 4, Taylor series and linearisation: its exercises and their checks.

The learner writes

* ``taylor_sqrt()``: the Taylor polynomial of order 2 of √x about x₀ = 4, as maths text;
* ``taylor_value(derivatives, x0, x)``: Pₙ(x) = Σₖ f⁽ᵏ⁾(x₀)/k! (x − x₀)ᵏ from the list
  [f(x₀), f′(x₀), …, f⁽ⁿ⁾(x₀)];
* ``quadratic_approximation(f0, gradient, hessian, x0, x)``: f(x₀) + ∇f·Δx + ½ ΔxᵀHΔx with
  Δx = x − x₀, the linearisation and the next term in several variables;
* ``remainder_bound(max_derivative, n, distance)``: Lagrange's bound M·dⁿ⁺¹/(n + 1)! on
  |f − Pₙ|.

The text answer is read by the safe parser (:func:`mvcalc.symbolic.parse`), compared for
equivalence with SymPy and numerically at random points; the others are called on random
functions, points and orders and compared with :func:`mvcalc.taylor` and
:meth:`~mvcalc.series.TaylorSeries.remainder_bound`.

Examples
--------
>>> from mvcalc.exercises import week4
>>> list(week4.EXERCISES)
['taylor_sqrt', 'taylor_value', 'quadratic_approximation', 'remainder_bound']
>>> week4.EXERCISES["taylor_sqrt"]({"taylor_sqrt": lambda: "2 + (x - 4)/4"}).line()
'taylor_sqrt  not yet: stops at order 1: the (x − 4)² term is missing'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy

from mvcalc import _budget
from mvcalc.exercises import Check, Verdict
from mvcalc.exercises._expressions import compare_expression, read_expression
from mvcalc.exercises._feedback import LearnerError, call, compare

__all__ = ["EXERCISES"]

_X = sympy.Symbol("x")


def _call(name: str, function: Any, *args: Any) -> tuple[Any, Verdict | None]:
    """The learner's answer, or the verdict on the exception it raised."""
    try:
        return call(function, *args), None
    except LearnerError as exc:
        return None, Verdict(name, False, str(exc))


# ------------------------------------------------------------------------------------------
# A polynomial written as maths text
# ------------------------------------------------------------------------------------------

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power(k: int, x0: sympy.Expr) -> str:
    """(x − 4)², or x² about 0."""
    base = f"(x − {x0})" if x0 != 0 else "x"
    return base if k == 1 else f"{base}{str(k).translate(_SUPERSCRIPTS)}"


def _coefficient(k: int, x0: sympy.Expr) -> str:
    """The k-th Taylor coefficient in words: f(4), f′(4), f″(4)/2!, f⁽³⁾(4)/3!."""
    if k <= 2:
        return ("f({})", "f′({})", "f″({})/2!")[k].format(x0)
    return f"f⁽{str(k).translate(_SUPERSCRIPTS)}⁾({x0})/{k}!"


def _structure(got: sympy.Expr, want: sympy.Expr, function: sympy.Expr, x0: sympy.Expr
               ) -> str | None:  # fmt: skip
    """What is wrong with ``got`` as the Taylor polynomial ``want`` about x₀, term by term; None
    when it cannot say. Module level: it runs under the symbolic time limit."""
    if got.is_polynomial(_X):
        tidy = got
    elif got.is_rational_function(_X):  # (x² − 16)/(x + 4) is the polynomial x − 4
        tidy = sympy.cancel(got)
    else:
        tidy = None
    if tidy is None or not tidy.is_polynomial(_X):
        if _same_values(got, function, x0) and sympy.simplify(got - function) == 0:
            return (f"is {function} itself: the answer is the polynomial that approximates it "
                    f"near x = {x0}")  # fmt: skip
        return (
            f"is not a polynomial in x: a Taylor polynomial is a sum of powers of {_power(1, x0)}"
        )
    mine = sympy.Poly(tidy, _X).shift(x0)  # p(x + x₀): the coefficients of powers of (x − x₀)
    right = sympy.Poly(want, _X).shift(x0)
    order = right.degree()
    if mine.degree() > order:
        return (f"has a term in {_power(mine.degree(), x0)}: the polynomial of order {order} "
                f"stops at {_power(order, x0)}")  # fmt: skip
    for k in range(order + 1):
        c_mine = mine.coeff_monomial(_X**k)
        if c_mine != right.coeff_monomial(_X**k):
            if k >= 1 and mine.degree() < k:
                return f"stops at order {k - 1}: the {_power(k, x0)} term is missing"
            what = "the constant term" if k == 0 else f"the coefficient of {_power(k, x0)}"
            return f"{what} is {c_mine}: it should be {_coefficient(k, x0)}"
    return None


def _same_values(a: sympy.Expr, b: sympy.Expr, x0: sympy.Expr) -> bool:
    """Whether a and b agree to 12 digits at three points near x₀ (before asking SymPy)."""
    for step in (sympy.Rational(-1, 3), sympy.Rational(1, 7), sympy.Rational(2, 3)):
        at = {_X: x0 + step}
        va, vb = sympy.N(a.subs(at), 15), sympy.N(b.subs(at), 15)
        if not (va.is_number and vb.is_number) or abs(va - vb) > 1e-12 * (1 + abs(vb)):
            return False
    return True


def _small(expr: sympy.Expr) -> bool:
    """Few operations and low powers: :func:`_structure` is surely quick on it."""
    powers = expr.atoms(sympy.Pow)
    low = all(p.exp.is_Number and abs(p.exp) <= 8 for p in powers)
    return low and sympy.count_ops(expr) <= 60


def _polynomial_verdict(
    name: str,
    answer: Any,
    want: sympy.Expr,
    function: sympy.Expr,
    x0: sympy.Expr,
    mistakes: dict[str, sympy.Expr],
) -> Verdict:
    """The verdict on a Taylor polynomial in x written as maths text.

    :func:`~mvcalc.exercises._expressions.compare_expression` decides (SymPy and random points
    near x₀); when the answer is wrong and no named mistake explains it, the feedback says which
    term of the polynomial is wrong."""
    box = (float(x0) - 1.0, float(x0) + 1.0)
    verdict = compare_expression(name, answer, want, [_X], mistakes=mistakes,
                                 what="Taylor polynomial", box=box, seed=4)  # fmt: skip
    if verdict.ok or verdict.feedback in mistakes:
        return verdict
    try:
        got = read_expression(answer, [_X], "Taylor polynomial")
    except ValueError:
        return verdict  # unreadable: compare_expression said why
    try:
        why = _budget.run(_structure, got, want, function, x0, time_limit=10.0,
                          cheap=_small(got))  # fmt: skip
    except ValueError:  # TooCostly
        why = None
    return Verdict(name, False, why) if why else verdict


def _check_taylor_sqrt(namespace: Mapping[str, Any]) -> Verdict:
    """P₂ of √x about 4: 2 + (x − 4)/4 − (x − 4)²/64."""
    name = "taylor_sqrt"
    answer, failed = _call(name, namespace[name])
    if failed:
        return failed
    four = sympy.Integer(4)
    d = _X - four
    want = 2 + d / 4 - d**2 / 64
    mistakes = {
        "the (x − 4)² term is missing its 1/2!: the k-th term is f⁽ᵏ⁾(4)/k! · (x − 4)ᵏ": (
            2 + d / 4 - d**2 / 32
        ),
        "is written in powers of x, not of (x − 4): about x₀ = 4 the terms are f⁽ᵏ⁾(4)/k! · "
        "(x − 4)ᵏ": 2 + _X / 4 - _X**2 / 64,
    }
    return _polynomial_verdict(name, answer, want, sympy.sqrt(_X), four, mistakes)


# ------------------------------------------------------------------------------------------
# Numbers: Pₙ(x) from the derivatives, the quadratic approximation, the remainder bound
# ------------------------------------------------------------------------------------------

#: Functions whose Taylor series the checks use (maths text: exact coefficients).
_FUNCTIONS = ("exp(x)*cos(2*x)", "log(3 + x)", "1/(2 - x)", "sin(x)**2 + x", "sqrt(4 + x)")
_CENTRES = (-0.5, -0.25, 0.0, 0.25, 0.5, 0.75)


def _check_taylor_value(namespace: Mapping[str, Any]) -> Verdict:
    """Pₙ(x) from [f(x₀), …, f⁽ⁿ⁾(x₀)], checked against mc.taylor's polynomial."""
    from mvcalc.series import taylor

    name = "taylor_value"
    rng = np.random.default_rng(40)
    for draw, n in enumerate((2, 3, 5, 4)):
        text = _FUNCTIONS[draw % len(_FUNCTIONS)]
        x0 = float(rng.choice(_CENTRES))
        series = taylor(text, x0, n)
        c = np.array([float(ck) for ck in series.coefficients])
        factorials = np.array([math.factorial(k) for k in range(n + 1)], dtype=float)
        derivatives = [float(v) for v in c * factorials]
        x = np.sort(x0 + rng.uniform(-1.0, 1.0, 6))
        want = np.asarray(series(x), dtype=np.float64)
        d = x - x0
        powers = d[:, None] ** np.arange(n + 1)
        mistakes = {
            "the factorials are missing: the k-th term is f⁽ᵏ⁾(x₀)/k! · (x − x₀)ᵏ": (
                powers @ (c * factorials)
            ),
            "uses powers of x, not of (x − x₀)": (x[:, None] ** np.arange(n + 1)) @ c,
            "stops one term short: n derivatives after f(x₀) give the n + 1 terms k = 0 … n": (
                powers[:, :n] @ c[:n]
            ),
            "divides by (k + 1)! instead of k!": powers @ (c / np.arange(1, n + 2)),
        }
        where = f"for f(x) = {text}, x₀ = {x0:g}, n = {n}: "
        got, failed = _call(name, namespace[name], list(derivatives), x0, x.copy())
        if failed:
            return Verdict(name, False, where + failed.feedback)
        verdict = compare(name, got, want, mistakes=mistakes, rtol=1e-9)
        if not verdict.ok:
            return Verdict(name, False, where + verdict.feedback)
        scalar, failed = _call(name, namespace[name], list(derivatives), x0, float(x[0]))
        verdict = failed or compare(name, scalar, want[0], rtol=1e-9)
        if not verdict.ok:
            return Verdict(name, False, f"{where}x a single number, {x[0]:.6g}: {verdict.feedback}")
    return Verdict(name, True)


def _quadratic_cases() -> Sequence[tuple[str, Callable[[Any], Any]]]:
    """Functions of 2 and 3 variables, written with NumPy, and what the feedback calls them."""
    return (
        ("exp(x)·sin(y)", lambda v: np.exp(v[0]) * np.sin(v[1])),
        ("x²y + cos(xy)", lambda v: v[0] ** 2 * v[1] + np.cos(v[0] * v[1])),
        ("log(1 + x² + 2y²) + xz", lambda v: np.log(1 + v[0] ** 2 + 2 * v[1] ** 2) + v[0] * v[2]),
        ("(x − 2y)³ + y", lambda v: (v[0] - 2 * v[1]) ** 3 + v[1]),
    )


def _check_quadratic_approximation(namespace: Mapping[str, Any]) -> Verdict:
    """f(x₀) + ∇f·Δx + ½ΔxᵀHΔx, checked against mc.taylor(f, x0, 2) of several functions."""
    from mvcalc.series import taylor

    name = "quadratic_approximation"
    rng = np.random.default_rng(41)
    for label, f in _quadratic_cases():
        n = 3 if "z" in label else 2
        x0 = rng.uniform(-1.0, 1.0, n)
        series = taylor(f, x0, 2)
        assert series.gradient is not None and series.hessian is not None
        f0, g, H = series.value, series.gradient, series.hessian
        x = x0 + rng.uniform(-0.5, 0.5, n)
        d = x - x0
        mistakes = {
            "the ½ in front of ΔxᵀHΔx is missing": f0 + g @ d + d @ H @ d,
            "the second-order term ½ ΔxᵀHΔx is missing: that is only the linearisation": (
                f0 + g @ d
            ),
            "uses x where Δx = x − x₀ belongs": f0 + g @ x + 0.5 * x @ H @ x,
            "the first-order term has the wrong sign: it is ∇f·(x − x₀)": (
                f0 - g @ d + 0.5 * d @ H @ d
            ),
        }
        point = ", ".join(f"{v:.4g}" for v in x0)
        where = f"for f = {label} about x₀ = ({point}): "
        got, failed = _call(name, namespace[name], f0, g.copy(), H.copy(), x0.copy(), x.copy())
        verdict = failed or compare(name, got, float(series(x)), mistakes=mistakes, rtol=1e-9)
        if not verdict.ok:
            return Verdict(name, False, where + verdict.feedback)
    return Verdict(name, True)


def _check_remainder_bound(namespace: Mapping[str, Any]) -> Verdict:
    """M·dⁿ⁺¹/(n + 1)!, checked against TaylorSeries.remainder_bound (rigorous)."""
    from mvcalc.series import taylor

    name = "remainder_bound"
    rng = np.random.default_rng(42)
    for draw, n in enumerate((1, 3, 4, 6)):
        text = _FUNCTIONS[(draw + 1) % len(_FUNCTIONS)]
        x0 = float(rng.choice(_CENTRES))
        a = x0 - float(rng.uniform(0.1, 0.8))
        b = x0 + float(rng.uniform(0.1, 0.8))
        bound = taylor(text, x0, n).remainder_bound(a, b)
        m, distance = bound.derivative_bound, max(x0 - a, b - x0)
        mistakes = {
            "divides by n! instead of (n + 1)!": m * distance ** (n + 1) / math.factorial(n),
            "uses dⁿ instead of dⁿ⁺¹: the remainder after the (x − x₀)ⁿ term is of order n + 1": (
                m * distance**n / math.factorial(n + 1)
            ),
            "uses dⁿ/n!: the bound after Pₙ is M·dⁿ⁺¹/(n + 1)!, the size of the next term": (
                m * distance**n / math.factorial(n)
            ),
        }
        where = f"for M = {m:.6g}, n = {n}, distance = {distance:.6g}: "
        got, failed = _call(name, namespace[name], m, n, distance)
        verdict = failed or compare(name, got, bound.bound, mistakes=mistakes, rtol=1e-9)
        if not verdict.ok:
            return Verdict(name, False, where + verdict.feedback)
    return Verdict(name, True)


EXERCISES: dict[str, Check] = {
    "taylor_sqrt": _check_taylor_sqrt,
    "taylor_value": _check_taylor_value,
    "quadratic_approximation": _check_quadratic_approximation,
    "remainder_bound": _check_remainder_bound,
}
