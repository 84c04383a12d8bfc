"""Week 6, linear and non-linear least squares: its exercises and their checks.

The learner writes

* ``fit_line(x, y)``: the least-squares line through the points, as (slope, intercept), from
  the closed form m = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², c = ȳ − m·x̄;
* ``normal_equations(X, y)``: the coefficients β of any model linear in its parameters,
  y ≈ Xβ, by solving the normal equations (XᵀX) β = Xᵀy;
* ``gauss_newton_step(model, jacobian, x, y, p)``: one Gauss–Newton step of a non-linear fit,
  p + δ with (JᵀJ) δ = Jᵀr, where r = y − model(x, *p) and J = jacobian(x, *p).

Each is called on data drawn from a fixed-seed generator and compared with mvcalc's own or an
independent solver: :func:`mvcalc.linear_fit`; NumPy's least squares by the SVD
(:func:`numpy.linalg.lstsq`); and the same for the Gauss–Newton step, with J found by
automatic differentiation of the model (:func:`mvcalc.jacobian`).

Examples
--------
>>> from mvcalc.exercises import week6
>>> list(week6.EXERCISES)
['fit_line', 'normal_equations', 'gauss_newton_step']
>>> def fit_line(x, y):
...     return sum(x * y) / sum(x * x), 0.0
>>> print(week6.EXERCISES["fit_line"]({"fit_line": fit_line}).feedback)  # doctest: +ELLIPSIS
for 6 points: the slope is that of a line through the origin, Σxy/Σx²: ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from mvcalc.exercises import Check, Verdict
from mvcalc.exercises._feedback import LearnerError, call, compare

__all__ = ["EXERCISES"]


def _call(name: str, function: Any, *args: Any) -> tuple[Any, Verdict | None]:
    """The learner's answer, or the verdict on the exception it raised."""
    try:
        return call(function, *args), None
    except LearnerError as exc:
        return None, Verdict(name, False, str(exc))


# ------------------------------------------------------------------------------------------
# The straight line
# ------------------------------------------------------------------------------------------


def _check_fit_line(namespace: Any) -> Verdict:
    """(slope, intercept), checked against mc.linear_fit on noisy lines."""
    from mvcalc.regression import linear_fit

    name = "fit_line"
    rng = np.random.default_rng(60)
    for n in (6, 15, 40):
        x = np.sort(rng.uniform(-2.0, 8.0, n))
        y = rng.uniform(-2.0, 2.0) * x + rng.uniform(-5.0, 5.0) + rng.normal(0.0, 0.5, n)
        line = linear_fit(x, y)
        m, c = line.slope, line.intercept
        dx, dy = x - x.mean(), y - y.mean()
        origin = float(x @ y / (x @ x))
        wrong_slopes = {
            "the slope is that of a line through the origin, Σxy/Σx²: centre x and y on their "
            "means first, m = Σ(x − x̄)(y − ȳ)/Σ(x − x̄)²": origin,
            "the slope divides by Σ(y − ȳ)²: it is Σ(x − x̄)(y − ȳ)/Σ(x − x̄)²": float(
                dx @ dy / (dy @ dy)
            ),
            "the slope is Σ(x − x̄)(y − ȳ)/Σ(x − x̄)²: yours is missing the centring of x in "
            "the denominator, Σx²": float(dx @ dy / (x @ x)),
        }
        mistakes: dict[str, Any] = {
            "returned (intercept, slope): the order is (slope, intercept)": [c, m]
        }
        for why, slope in wrong_slopes.items():
            mistakes[why] = [slope, float(y.mean() - slope * x.mean())]
            mistakes[f"{why} (and the intercept is 0)"] = [slope, 0.0]
        mistakes["the intercept is ȳ − m·x̄: yours adds m·x̄"] = [m, float(y.mean() + m * x.mean())]
        mistakes["the intercept is ȳ − m·x̄, not ȳ"] = [m, float(y.mean())]
        where = f"for {n} points: "
        got, failed = _call(name, namespace[name], x.copy(), y.copy())
        verdict = failed or compare(
            name,
            got,
            [m, c],
            mistakes=mistakes,
            shapes={(n,): "that is one value per point: fit_line returns (slope, intercept)"},
            rtol=1e-9,
        )
        if not verdict.ok:
            return Verdict(name, False, where + verdict.feedback)
    return Verdict(name, True)


# ------------------------------------------------------------------------------------------
# The normal equations
# ------------------------------------------------------------------------------------------


def _designs(rng: np.random.Generator) -> list[tuple[str, np.ndarray]]:
    """Design matrices: a line, a quadratic, and a model of three functions of x."""
    x = np.sort(rng.uniform(-2.0, 3.0, 12))
    t = np.linspace(0.0, 4.0, 25)
    return [
        ("a line, X = [x, 1]", np.column_stack([x, np.ones_like(x)])),
        ("a quadratic, X = [x², x, 1]", np.column_stack([x * x, x, np.ones_like(x)])),
        ("X = [sin(t), cos(t), t, 1]", np.column_stack([np.sin(t), np.cos(t), t, np.ones_like(t)])),
    ]


def _check_normal_equations(namespace: Any) -> Verdict:
    """β of (XᵀX)β = Xᵀy, checked against numpy.linalg.lstsq (by the SVD)."""
    name = "normal_equations"
    rng = np.random.default_rng(61)
    for label, X in _designs(rng):
        N, p = X.shape
        y = X @ rng.uniform(-2.0, 2.0, p) + rng.normal(0.0, 0.3, N)
        want = np.linalg.lstsq(X, y, rcond=None)[0]
        mistakes = {
            "returned Xᵀy: β solves the normal equations (XᵀX) β = Xᵀy": X.T @ y,
            "returned the fitted values Xβ, one per point: return β, one per column of X": X @ want,
        }
        shapes = {
            (N,): f"that is one value per point; β has one entry per column of X ({p})",
            (p, p): f"that is a {p} × {p} matrix: β is the vector that solves (XᵀX) β = Xᵀy",
        }
        where = f"for {label}, {N} points: "
        got, failed = _call(name, namespace[name], X.copy(), y.copy())
        verdict = failed or compare(name, got, want, mistakes=mistakes, shapes=shapes, rtol=1e-8)
        if not verdict.ok:
            return Verdict(name, False, where + verdict.feedback)
    return Verdict(name, True)


# ------------------------------------------------------------------------------------------
# A Gauss–Newton step
# ------------------------------------------------------------------------------------------


def _models() -> list[tuple[str, Callable[..., Any], Callable[..., Any], list[float], Any]]:
    """(name, model, exact Jacobian, true parameters, x) for the Gauss–Newton checks."""
    from mvcalc.regression import NAMED_MODELS, gaussian, gaussian_jacobian

    exponential = NAMED_MODELS["exponential"]
    peak = NAMED_MODELS["scaled-gaussian"]
    return [
        ("y = a·exp(b·x)", exponential.function, exponential.jacobian, [2.0, -0.7],
         np.linspace(0.0, 4.0, 20)),
        ("the Gaussian f(x; μ, σ)", gaussian, gaussian_jacobian, [170.0, 8.0],
         np.linspace(140.0, 200.0, 25)),
        ("y = area·f(x; μ, σ)", peak.function, peak.jacobian, [1.0, 0.6, 3.0],
         np.linspace(-2.0, 4.0, 30)),
    ]  # fmt: skip


def _check_gauss_newton_step(namespace: Any) -> Verdict:
    """p + δ with (JᵀJ)δ = Jᵀr, checked against numpy.linalg.lstsq with J by automatic
    differentiation of the model."""
    from mvcalc.autodiff import jacobian

    name = "gauss_newton_step"
    rng = np.random.default_rng(62)
    for label, model, model_jacobian, truth, x in _models():
        true = np.array(truth)
        y = model(x, *true) * (1 + rng.normal(0.0, 0.03, x.size))
        p = true * (1 + rng.uniform(-0.15, 0.15, true.size))
        r = y - model(x, *p)

        def predicted(q: Any, model: Any = model, x: Any = x) -> Any:
            return model(x, *q)

        J = np.asarray(jacobian(predicted, mode="forward")(p), dtype=np.float64)
        delta = np.linalg.lstsq(J, r, rcond=None)[0]
        want = p + delta
        mistakes = {
            "moves the wrong way: with r = y − model(x, *p) the step is +(JᵀJ)⁻¹Jᵀr (is your r "
            "model − y?)": p - delta,
            "returned the step δ: the new parameters are p + δ": delta,
            "steps by Jᵀr, as steepest descent would: Gauss–Newton solves (JᵀJ) δ = Jᵀr": (
                p + J.T @ r
            ),
        }
        point = ", ".join(f"{v:.4g}" for v in p)
        where = f"for {label} at p = ({point}): "
        got, failed = _call(name, namespace[name], model, model_jacobian, x.copy(), y.copy(),
                            p.copy())  # fmt: skip
        verdict = failed or compare(name, got, want, mistakes=mistakes, rtol=1e-8)
        if not verdict.ok:
            return Verdict(name, False, where + verdict.feedback)
    return Verdict(name, True)


EXERCISES: dict[str, Check] = {
    "fit_line": _check_fit_line,
    "normal_equations": _check_normal_equations,
    "gauss_newton_step": _check_gauss_newton_step,
}
