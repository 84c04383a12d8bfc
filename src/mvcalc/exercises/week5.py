"""Week 5, optimisation: its exercises and their checks.

The learner writes

* ``newton_step(f, fprime, x)``: one step of Newton–Raphson, the next point x − f(x)/f′(x);
* ``next_step(f, J, H)``: a strategy for the sandpit's workers, the course's hybrid — Newton's
  step −H⁻¹J where the Hessian H is positive definite (the floor is a bowl there), else the
  gradient-descent step −γJ with γ = :data:`AGGRESSION`;
* ``lagrangian_gradient(grad_f, grad_g, g, v)``: the gradient of the Lagrangian
  L(x, λ) = f(x) − λ g(x) at v = (x₁, …, xₙ, λ): [∇f − λ∇g, −g], whose zeros are the
  stationary points of f on the constraint g = 0.

Each is called on functions, points and matrices drawn from a fixed-seed generator and compared
with mvcalc's own: one step of :func:`mvcalc.newton_raphson`, :func:`mvcalc.steps.hybrid_step`,
and the gradient of L by automatic differentiation (:func:`mvcalc.grad`).

Examples
--------
>>> from mvcalc.exercises import week5
>>> list(week5.EXERCISES)
['newton_step', 'next_step', 'lagrangian_gradient']
>>> def newton_step(f, fprime, x):
...     return x + f(x) / fprime(x)
>>> print(week5.EXERCISES["newton_step"]({"newton_step": newton_step}).feedback)
for f(x) = x³ − 2x + 2 at x = 2.617: steps the wrong way: the tangent meets the axis at x − f/f′
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from mvcalc.exercises import Check, Verdict
from mvcalc.exercises._feedback import LearnerError, call, compare

__all__ = ["AGGRESSION", "EXERCISES"]

#: γ of the gradient-descent branch of ``next_step``.
AGGRESSION = 0.3


def _call(name: str, function: Any, *args: Any) -> tuple[Any, Verdict | None]:
    """The learner's answer, or the verdict on the exception it raised."""
    try:
        return call(function, *args), None
    except LearnerError as exc:
        return None, Verdict(name, False, str(exc))


# ------------------------------------------------------------------------------------------
# Newton–Raphson
# ------------------------------------------------------------------------------------------

#: Equations f(x) = 0 of the checks: what the feedback calls f, f, and where to start.
_EQUATIONS: tuple[tuple[str, Callable[[Any], Any], tuple[float, float]], ...] = (
    ("x³ − 2x + 2", lambda x: x**3 - 2 * x + 2, (1.2, 3.0)),
    ("cos(x) − x", lambda x: np.cos(x) - x, (-1.0, 1.0)),
    ("eˣ − 3", lambda x: np.exp(x) - 3, (-1.0, 2.0)),
    ("x·tanh(x) − 1", lambda x: x * np.tanh(x) - 1, (0.5, 2.5)),
)


def _check_newton_step(namespace: Mapping[str, Any]) -> Verdict:
    """x − f(x)/f′(x), checked against the first step of mc.newton_raphson."""
    from mvcalc.autodiff import grad
    from mvcalc.optimize import newton_raphson

    name = "newton_step"
    rng = np.random.default_rng(50)
    for label, f, (low, high) in _EQUATIONS:
        fprime = grad(f)
        x = float(rng.uniform(low, high))
        want = float(newton_raphson(f, x, fprime=fprime, max_iter=1).path[1])
        fx, dfx = float(f(x)), float(fprime(x))
        mistakes = {
            "steps the wrong way: the tangent meets the axis at x − f/f′": x + fx / dfx,
            "divides the wrong way round: the step is −f(x)/f′(x), not −f′(x)/f(x)": x - dfx / fx,
            "returned the step −f(x)/f′(x): add it to x for the next point": -fx / dfx,
            "multiplies by f′(x): the step divides by it, −f(x)/f′(x)": x - fx * dfx,
        }
        where = f"for f(x) = {label} at x = {x:.4g}: "
        got, failed = _call(name, namespace[name], f, fprime, x)
        verdict = failed or compare(name, got, want, mistakes=mistakes, rtol=1e-10)
        if not verdict.ok:
            return Verdict(name, False, where + verdict.feedback)
    return Verdict(name, True)


# ------------------------------------------------------------------------------------------
# The hybrid strategy of the sandpit
# ------------------------------------------------------------------------------------------


def _hessian(rng: np.random.Generator, low: float, high: float) -> np.ndarray:
    """A symmetric 2 × 2 matrix with eigenvalues drawn from [low, high] (one of each sign for
    a saddle when low < 0 < high), in random axes."""
    if low < 0 < high:
        values = np.array([rng.uniform(low, -0.5), rng.uniform(0.5, high)])
    else:
        values = rng.uniform(low, high, 2)
    angle = rng.uniform(0.0, np.pi)
    c, s = np.cos(angle), np.sin(angle)
    axes = np.array([[c, -s], [s, c]])
    return np.asarray(axes @ np.diag(values) @ axes.T, dtype=np.float64)


def _check_next_step(namespace: Mapping[str, Any]) -> Verdict:
    """The hybrid, checked against mvcalc.steps.hybrid_step(AGGRESSION) where H is positive
    definite, indefinite and negative definite."""
    from mvcalc.steps import hybrid_step

    name = "next_step"
    rule = hybrid_step(AGGRESSION)
    gamma = AGGRESSION
    rng = np.random.default_rng(51)
    kinds = (
        ("positive definite", 0.5, 4.0),
        ("indefinite (a saddle)", -4.0, 4.0),
        ("negative definite (a hilltop)", -4.0, -0.5),
        ("positive definite", 1.0, 10.0),
    )
    for kind, low, high in kinds:
        H = _hessian(rng, low, high)
        J = rng.uniform(-2.0, 2.0, 2)
        f = float(rng.uniform(-3.0, 0.0))
        want = np.asarray(rule(f, J, H), dtype=np.float64)
        newton = -np.linalg.solve(H, J)
        eigenvalues = ", ".join(f"{v:.3g}" for v in np.linalg.eigvalsh(H))
        mistakes = {
            "Newton's step is −H⁻¹J: yours goes the other way": -newton,
            "multiplies J by H: Newton's step solves H·δ = −J, δ = −H⁻¹J": -(H @ J),
            "the gradient-descent step goes uphill: it is −γJ": gamma * J,
            f"the gradient-descent step is −γJ with γ = {gamma:g}": -J,
        }
        if kind.startswith("positive"):
            mistakes[
                f"took −γJ where H is positive definite (eigenvalues {eigenvalues}): the floor is "
                "a bowl there, and the hybrid jumps to its bottom by Newton's step −H⁻¹J"
            ] = -gamma * J
        elif kind.startswith("indefinite"):
            mistakes[
                f"took Newton's step where H is indefinite (eigenvalues {eigenvalues}): it leads "
                "to the saddle point; there the hybrid steps downhill, −γJ"
            ] = newton
        else:
            mistakes[
                f"took Newton's step where H is negative definite (eigenvalues {eigenvalues}): "
                "det H > 0 there too, but only positive eigenvalues make a bowl; Newton's step "
                "leads to the hilltop, so the hybrid steps downhill, −γJ"
            ] = newton
        where = f"where H is {kind}: "
        got, failed = _call(name, namespace[name], f, J.copy(), H.copy())
        verdict = failed or compare(name, got, want, mistakes=mistakes, rtol=1e-10)
        if not verdict.ok:
            return Verdict(name, False, where + verdict.feedback)
    return Verdict(name, True)


# ------------------------------------------------------------------------------------------
# Lagrange multipliers
# ------------------------------------------------------------------------------------------

#: (f, g) of the checks, written with NumPy, and what the feedback calls them.
_PROBLEMS: tuple[tuple[str, Callable[[Any], Any], Callable[[Any], Any]], ...] = (
    ("f = x·y on x² + y² = 1", lambda p: p[0] * p[1], lambda p: p[0] ** 2 + p[1] ** 2 - 1),
    (
        "f = exp(x)·y² on x + 2y = 3",
        lambda p: np.exp(p[0]) * p[1] ** 2,
        lambda p: p[0] + 2 * p[1] - 3,
    ),
    (
        "f = x + y² − z on x² + y² + z² = 4",
        lambda p: p[0] + p[1] ** 2 - p[2],
        lambda p: p[0] ** 2 + p[1] ** 2 + p[2] ** 2 - 4,
    ),
)


def _check_lagrangian_gradient(namespace: Mapping[str, Any]) -> Verdict:
    """[∇f − λ∇g, −g], checked against the gradient of L = f − λg by automatic
    differentiation."""
    from mvcalc.autodiff import grad

    name = "lagrangian_gradient"
    rng = np.random.default_rng(52)
    for label, f, g in _PROBLEMS:
        n = 3 if "z" in label else 2

        def lagrangian(v: Any, f: Any = f, g: Any = g, n: int = n) -> Any:
            return f(v[:n]) - v[n] * g(v[:n])

        grad_f, grad_g = grad(f), grad(g)
        v = rng.uniform(-1.5, 1.5, n + 1)
        want = np.asarray(grad(lagrangian)(v), dtype=np.float64)
        p, lam = v[:n], float(v[n])
        df, dg, gv = np.asarray(grad_f(p)), np.asarray(grad_g(p)), float(g(p))
        mistakes = {
            "λ enters with the wrong sign: L = f − λg, so ∂L/∂x = ∂f/∂x − λ ∂g/∂x": np.append(
                df + lam * dg, -gv
            ),
            "the last entry is ∂L/∂λ = −g(x): yours is +g": np.append(df - lam * dg, gv),
            "both signs are flipped: L = f − λg gives [∇f − λ∇g, −g]": np.append(df + lam * dg, gv),
            "the first entries are ∇f − λ∇g, not ∇f − ∇g": np.append(df - dg, -gv),
        }
        shapes: dict[tuple[int, ...], str] = {
            (n,): f"the gradient of L(x, λ) has {n + 1} entries: ∂L/∂x for each of the {n} "
            "variables, then ∂L/∂λ = −g"
        }
        point = ", ".join(f"{t:.3g}" for t in v)
        names = "x, y, z, λ" if n == 3 else "x, y, λ"
        where = f"for {label} at ({names}) = ({point}): "
        got, failed = _call(name, namespace[name], grad_f, grad_g, g, v.copy())
        verdict = failed or compare(name, got, want, mistakes=mistakes, shapes=shapes, rtol=1e-10)
        if not verdict.ok:
            return Verdict(name, False, where + verdict.feedback)
    return Verdict(name, True)


EXERCISES: dict[str, Check] = {
    "newton_step": _check_newton_step,
    "next_step": _check_next_step,
    "lagrangian_gradient": _check_lagrangian_gradient,
}
