"""Week 2, "Partial derivatives, the Jacobian and the Hessian": its exercises and checks.

The learner writes

* ``jacobian_by_steps(f, x, h)``: the Jacobian of a vector function f at the point x by rise
  over run, one variable at a time — column j is (f(x + h·eⱼ) − f(x)) / h — shape (m, n) for f
  with m outputs and n inputs;
* ``jacobian_of_F()``: the Jacobian of F(x, y) = (x²y, eˣ sin y), as a list of rows of text;
* ``hessian_of_f()``: the Hessian of f(x, y) = x³ − 3xy² + y⁴, as a list of rows of text;
* ``classify(H)``: what the Hessian H (2 × 2, symmetric) at a stationary point says:
  ``"minimum"``, ``"maximum"``, ``"saddle"`` or ``"degenerate"`` (the test cannot decide).

``jacobian_by_steps`` is compared with :func:`mvcalc.calculus.difference_jacobian` at the same
step, on several functions and random points; the matrices of text are read by the safe parser
and compared with :func:`mvcalc.symbolic.jacobian` and :func:`mvcalc.symbolic.hessian`;
``classify`` with the exact second-derivative test of :mod:`mvcalc.symbolic` on integer
matrices of every kind.

Examples
--------
>>> from mvcalc.exercises import week2
>>> list(week2.EXERCISES)
['jacobian_by_steps', 'jacobian_of_F', 'hessian_of_f', 'classify']
>>> def classify(H):
...     return "minimum"
>>> print(week2.EXERCISES["classify"]({"classify": classify}).feedback)  # doctest: +ELLIPSIS
for H = [[-2, 1], [1, -3]] (eigenvalues -3.62 and -1.38, det H = 5) you said 'minimum'; it is a maximum: det H > 0 and H[0][0] < 0, so both eigenvalues are negative
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import sympy

from mvcalc import symbolic
from mvcalc.autodiff import jacobian as ad_jacobian
from mvcalc.calculus import difference_jacobian
from mvcalc.exercises import Check, Verdict
from mvcalc.exercises._expressions import compare_matrix
from mvcalc.exercises._feedback import LearnerError, call, compare

__all__ = ["EXERCISES", "HESSIAN_OF", "JACOBIAN_OF", "KINDS"]

#: F = (u, v) of ``jacobian_of_F`` and f of ``hessian_of_f``, as the notebook writes them.
JACOBIAN_OF = ("x^2*y", "exp(x)*sin(y)")
HESSIAN_OF = "x^3 - 3*x*y^2 + y^4"
#: What ``classify`` may answer.
KINDS = ("minimum", "maximum", "saddle", "degenerate")

_X, _Y = sympy.symbols("x y")


def _f1(v: Any) -> Any:
    return np.array([v[0] ** 2 * v[1], np.exp(v[0]) * np.sin(v[1])])


def _f2(v: Any) -> Any:
    return np.array([v[0] * v[1] * v[2], v[0] + v[1] ** 2])


def _f3(v: Any) -> Any:
    return np.array([np.sin(v[0] * v[1]), v[0] - v[1], v[0] ** 2 + v[1] ** 2])


#: The functions of ``jacobian_by_steps``: what the feedback calls them, f, and n.
_VECTOR_FUNCTIONS: tuple[tuple[str, Callable[[Any], Any], int], ...] = (
    ("f(x, y) = (x²y, eˣ sin y)", _f1, 2),
    ("f(x, y, z) = (xyz, x + y²)", _f2, 3),
    ("f(x, y) = (sin(xy), x − y, x² + y²)", _f3, 2),
)


def _steps_mistakes(f: Callable[[Any], Any], x: np.ndarray, h: float, want: np.ndarray
                    ) -> dict[str, Any]:  # fmt: skip
    together = (np.asarray(f(x + h)) - np.asarray(f(x))) / h
    return {
        "has rows and columns swapped: row i holds the partial derivatives of output i, one "
        "column per variable": want.T,
        "moves every variable at once: column j must step variable j only, holding the others "
        "fixed": np.repeat(together[:, None], x.size, axis=1),
        "the rise f(x + h·eⱼ) − f(x) is not divided by the run h": want * h,
        "that is the exact Jacobian, not rise over run at step h": ad_jacobian(f)(x),
        "those are central differences; this exercise steps forward, from x to x + h·eⱼ":
            difference_jacobian(f, x, method="central", h=h),
    }  # fmt: skip


def _check_steps(namespace: Mapping[str, Any]) -> Verdict:
    name = "jacobian_by_steps"
    learner = namespace[name]
    rng = np.random.default_rng(2)
    for label, f, n in _VECTOR_FUNCTIONS:
        x = rng.uniform(-1.5, 1.5, n)
        h = float(10.0 ** rng.uniform(-4.0, -2.0))
        where = f"for {label} at x = {np.array2string(x, precision=3)}, h = {h:.3g}: "
        try:
            got = call(learner, f, x, h)
        except LearnerError as exc:
            return Verdict(name, False, where + str(exc))
        if got is None:
            return Verdict(name, False, where + "returned None, expected an array (is the "
                                                "function written?)")  # fmt: skip
        want = difference_jacobian(f, x, method="forward", h=h)
        verdict = compare(name, got, want, mistakes=_steps_mistakes(f, x, h, want))
        if not verdict.ok:
            return Verdict(name, False, where + verdict.feedback)
    return Verdict(name, True)


def _answer(namespace: Mapping[str, Any], name: str) -> Any:
    return call(namespace[name])


def _check_jacobian(namespace: Mapping[str, Any]) -> Verdict:
    name = "jacobian_of_F"
    try:
        answer = _answer(namespace, name)
    except LearnerError as exc:
        return Verdict(name, False, str(exc))
    want = symbolic.jacobian(list(JACOBIAN_OF), [_X, _Y])
    return compare_matrix(name, answer, want, [_X, _Y],
                          labels=lambda i, j: f"∂{'uv'[i]}/∂{'xy'[j]}",
                          what="Jacobian",
                          rows_are="one row per function (u, then v), one column per variable "
                                   "(x, then y)")  # fmt: skip


def _check_hessian(namespace: Mapping[str, Any]) -> Verdict:
    name = "hessian_of_f"
    try:
        answer = _answer(namespace, name)
    except LearnerError as exc:
        return Verdict(name, False, str(exc))
    want = symbolic.hessian(HESSIAN_OF, [_X, _Y])
    diagonal = sympy.Matrix([[want[0, 0], 0], [0, want[1, 1]]])
    mistakes = {
        "the mixed partial derivatives ∂²f/∂x∂y = ∂²f/∂y∂x are missing (they are not 0 here)":
            diagonal,
    }  # fmt: skip
    labels = {(0, 0): "∂²f/∂x²", (0, 1): "∂²f/∂x∂y", (1, 0): "∂²f/∂y∂x", (1, 1): "∂²f/∂y²"}
    return compare_matrix(name, answer, want, [_X, _Y], mistakes=mistakes,
                          labels=lambda i, j: labels[i, j], what="Hessian",
                          rows_are="row i holds the derivatives of ∂f/∂(variable i): "
                                   "[[∂²f/∂x², ∂²f/∂x∂y], [∂²f/∂y∂x, ∂²f/∂y²]]")  # fmt: skip


#: The Hessians ``classify`` is asked about: every kind, with H[0][0] = 0, and det H = 0 with a
#: non-zero trace of either sign; then random ones (:func:`_hessians`).
_FIXED = ((2, 0, 3), (-2, 1, -3), (1, 2, 1), (1, 1, 1), (0, 1, 0), (0, 0, -2), (4, -2, 1),
          (-1, 0, 2), (-1, 2, -4), (3, 1, 2), (-5, 2, -1), (0, 0, 0))  # fmt: skip


def _hessians() -> list[tuple[int, int, int]]:
    rng = np.random.default_rng(3)
    drawn = [tuple(int(v) for v in rng.integers(-4, 5, 3)) for _ in range(8)]
    return [*_FIXED, *drawn]  # type: ignore[list-item]


def _test(a: int, b: int, c: int) -> Any:
    """The exact second-derivative test at the origin of the quadratic with Hessian
    [[a, b], [b, c]]."""
    f = sympy.Rational(a, 2) * _X**2 + b * _X * _Y + sympy.Rational(c, 2) * _Y**2
    origin = {_X: sympy.Integer(0), _Y: sympy.Integer(0)}
    return symbolic._second_derivative_test(f, [_X, _Y], origin, "x = 0, y = 0")


def _why(kind: str) -> str:
    return {
        "saddle": "det H < 0, so the eigenvalues have opposite signs: f curves up one way and "
                  "down another",
        "minimum": "det H > 0 and H[0][0] > 0, so both eigenvalues are positive",
        "maximum": "det H > 0 and H[0][0] < 0, so both eigenvalues are negative",
        "degenerate": "det H = 0, so an eigenvalue is 0 and the second-derivative test cannot "
                      "decide",
    }[kind]  # fmt: skip


def _check_classify(namespace: Mapping[str, Any]) -> Verdict:
    name = "classify"
    learner = namespace[name]
    for a, b, c in _hessians():
        H = np.array([[a, b], [b, c]], dtype=np.float64)
        shown = f"[[{a}, {b}], [{b}, {c}]]"
        try:
            got = call(learner, H)
        except LearnerError as exc:
            return Verdict(name, False, f"for H = {shown}: {exc}")
        if not isinstance(got, str) or got not in KINDS:
            what = repr(got) if isinstance(got, str | None) else type(got).__name__
            return Verdict(name, False, f"for H = {shown} returned {what}; expected one of "
                                        f"{', '.join(repr(k) for k in KINDS)}")  # fmt: skip
        test = _test(a, b, c)
        if got != test.kind:
            low, high = (float(v) for v in test.values)
            det = a * c - b * b
            article = "a " if test.kind != "degenerate" else ""
            return Verdict(
                name,
                False,
                f"for H = {shown} (eigenvalues {low:.3g} and {high:.3g}, det H = {det}) you "
                f"said {got!r}; it is {article}{test.kind}: {_why(test.kind)}",
            )
    return Verdict(name, True)


EXERCISES: dict[str, Check] = {
    "jacobian_by_steps": _check_steps,
    "jacobian_of_F": _check_jacobian,
    "hessian_of_f": _check_hessian,
    "classify": _check_classify,
}
