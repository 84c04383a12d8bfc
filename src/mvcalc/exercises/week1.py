"""Week 1, "Derivatives: from rise over run to the rules": its exercises and checks.

The learner writes

* ``rise_over_run(f, x, h)``: the slope of the chord from x to x + h, (f(x + h) − f(x)) / h;
* ``central_difference(f, x, h)``: the slope of the chord from x − h to x + h,
  (f(x + h) − f(x − h)) / 2h;
* ``d_product()``: d/dx [x³ cos(x)], as text (the product rule);
* ``d_chain()``: d/dx [exp(sin(2x))], as text (the chain rule, twice).

The numeric ones are called on several functions, points and steps drawn from a fixed-seed
generator and compared with :func:`mvcalc.derivative` at the same step (its ``"forward"`` and
``"central"`` methods compute exactly these quotients); the symbolic ones are read by the safe
parser and compared with :func:`mvcalc.symbolic.diff`, at random points and by SymPy.

Examples
--------
>>> import numpy as np
>>> from mvcalc.exercises import week1
>>> list(week1.EXERCISES)
['rise_over_run', 'central_difference', 'd_product', 'd_chain']
>>> def rise_over_run(f, x, h):
...     return (f(x + h) - f(x)) / h
>>> week1.EXERCISES["rise_over_run"]({"rise_over_run": rise_over_run}).line()
'rise_over_run  ✓'
>>> def d_product():
...     return "3x^2 cos(x)"
>>> print(week1.EXERCISES["d_product"]({"d_product": d_product}).line())
d_product  not yet: only u′v: the product rule (uv)′ = u′v + uv′ has a second term, uv′
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import sympy

from mvcalc import symbolic
from mvcalc.calculus import derivative
from mvcalc.exercises import Check, Verdict
from mvcalc.exercises._expressions import compare_expression
from mvcalc.exercises._feedback import LearnerError, call, compare

__all__ = ["CHAIN", "EXERCISES", "PRODUCT"]

#: The functions of the numeric exercises: what the feedback calls them, and f.
_FUNCTIONS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("sin(x)", np.sin),
    ("exp(x)", np.exp),
    ("x³ − 2x", lambda t: t**3 - 2 * t),
    ("log(1 + x²)", lambda t: np.log1p(t * t)),
    ("x·cos(3x)", lambda t: t * np.cos(3 * t)),
)

#: The function of ``d_product`` and of ``d_chain``, as the notebook writes them.
PRODUCT = "x^3*cos(x)"
CHAIN = "exp(sin(2*x))"

_X = sympy.Symbol("x")


def _draws(seed: int) -> list[tuple[str, Callable[[Any], Any], float, float]]:
    """(name, f, x, h) for each function: x in [−2, 2], h from 0.001 to 0.5 (log-uniform)."""
    rng = np.random.default_rng(seed)
    return [
        (label, f, float(rng.uniform(-2.0, 2.0)), float(10.0 ** rng.uniform(-3.0, np.log10(0.5))))
        for label, f in _FUNCTIONS
    ]


def _number(name: str, got: Any) -> Verdict | None:
    """A verdict when ``got`` is not one number (None: it is)."""
    if got is None:
        return Verdict(name, False, "returned None, expected a number (is the function written?)")
    try:
        value = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return Verdict(name, False, f"returned {type(got).__name__}, expected a number")
    if value.size != 1:
        return Verdict(name, False, f"returned an array of shape {value.shape}, expected one "
                                    f"number")  # fmt: skip
    return None


def _difference_check(
    name: str, method: str, mistakes: Callable[[Callable[[Any], Any], float, float], dict[str, Any]]
) -> Check:
    def check(namespace: Mapping[str, Any]) -> Verdict:
        learner = namespace[name]
        for label, f, x, h in _draws(seed=len(name)):
            where = f"for f(x) = {label}, x = {x:.4g}, h = {h:.4g}: "
            try:
                got = call(learner, f, x, h)
            except LearnerError as exc:
                return Verdict(name, False, where + str(exc))
            problem = _number(name, got)
            if problem is not None:
                return Verdict(name, False, where + problem.feedback)
            want = derivative(f, x, method=method, h=h)
            verdict = compare(name, float(np.asarray(got, dtype=np.float64).reshape(())), want,
                              mistakes=mistakes(f, x, h))  # fmt: skip
            if not verdict.ok:
                return Verdict(name, False, where + verdict.feedback)
        return Verdict(name, True)

    return check


def _forward_mistakes(f: Callable[[Any], Any], x: float, h: float) -> dict[str, Any]:
    return {
        "that is the exact derivative f′(x), not the slope of the chord from x to x + h":
            derivative(f, x),
        "that is the central difference (f(x + h) − f(x − h)) / 2h; rise over run here goes "
        "forward, from x to x + h": (f(x + h) - f(x - h)) / (2 * h),
        "that is the backward difference (f(x) − f(x − h)) / h; rise over run here goes "
        "forward, from x to x + h": (f(x) - f(x - h)) / h,
        "the rise f(x + h) − f(x) is not divided by the run h": f(x + h) - f(x),
        "divides by 2h: the run from x to x + h is h": (f(x + h) - f(x)) / (2 * h),
    }  # fmt: skip


def _central_mistakes(f: Callable[[Any], Any], x: float, h: float) -> dict[str, Any]:
    return {
        "that is the exact derivative f′(x), not the slope of the chord from x − h to x + h":
            derivative(f, x),
        "divides by h: the run from x − h to x + h is 2h": (f(x + h) - f(x - h)) / h,
        "that is the forward difference (f(x + h) − f(x)) / h; the central difference steps "
        "both ways, from x − h to x + h": (f(x + h) - f(x)) / h,
        "that is the backward difference (f(x) − f(x − h)) / h; the central difference steps "
        "both ways, from x − h to x + h": (f(x) - f(x - h)) / h,
        "the rise f(x + h) − f(x − h) is not divided by the run 2h": f(x + h) - f(x - h),
    }  # fmt: skip


def _symbolic_check(name: str, text: str, mistakes: Callable[[], dict[str, sympy.Expr]]
                    ) -> Check:  # fmt: skip
    def check(namespace: Mapping[str, Any]) -> Verdict:
        try:
            answer = call(namespace[name])
        except LearnerError as exc:
            return Verdict(name, False, str(exc))
        want = symbolic.diff(text, "x")
        return compare_expression(name, answer, want, [_X], mistakes=mistakes())

    return check


def _product_mistakes() -> dict[str, sympy.Expr]:
    x = _X
    return {
        "only u′v: the product rule (uv)′ = u′v + uv′ has a second term, uv′":
            3 * x**2 * sympy.cos(x),
        "only uv′: the product rule (uv)′ = u′v + uv′ has a first term, u′v":
            -(x**3) * sympy.sin(x),
        "u′v′ is not the derivative of a product: (uv)′ = u′v + uv′": -3 * x**2 * sympy.sin(x),
        "the derivative of cos(x) is −sin(x), not sin(x)":
            3 * x**2 * sympy.cos(x) + x**3 * sympy.sin(x),
        "the power rule brings the exponent down: d/dx x³ = 3x², not x²":
            x**2 * sympy.cos(x) - x**3 * sympy.sin(x),
    }  # fmt: skip


def _chain_mistakes() -> dict[str, sympy.Expr]:
    x = _X
    outer = sympy.exp(sympy.sin(2 * x))
    return {
        "the factor 2, the derivative of the innermost 2x, is missing": sympy.cos(2 * x) * outer,
        "the factor cos(2x), the derivative of sin(u) at u = 2x, is missing": 2 * outer,
        "the factors cos(2x) and 2, the inner derivatives, are missing": outer,
        "the outer factor exp(sin(2x)) is missing: d/du eᵘ = eᵘ stays in the derivative":
            2 * sympy.cos(2 * x),
        "cos(x) instead of cos(2x): the derivative of sin(u) is cos(u), at the same u = 2x":
            2 * sympy.cos(x) * outer,
    }  # fmt: skip


EXERCISES: dict[str, Check] = {
    "rise_over_run": _difference_check("rise_over_run", "forward", _forward_mistakes),
    "central_difference": _difference_check("central_difference", "central", _central_mistakes),
    "d_product": _symbolic_check("d_product", PRODUCT, _product_mistakes),
    "d_chain": _symbolic_check("d_chain", CHAIN, _chain_mistakes),
}
