"""Step rules next_step(f, J, H) -> δ: gradient descent, Newton, the hybrid; the checked step.

The course's "gradient descent in a sandpit" moves from x to x + δ, where a *strategy* turns what
one probe reads — the value f, the gradient (Jacobian) J and the Hessian H at x — into the step δ:

* :func:`gradient_descent_step`: δ = −γ J, a step downhill, as long as the slope is steep;
* :func:`newton_step`: δ = −H⁻¹ J, to the stationary point of the local quadratic — a maximum
  or a saddle as readily as a minimum;
* :func:`hybrid_step`: the course's hybrid, Newton's step where H is positive definite (the
  quadratic has a bottom), else −γ J.

The sandpit's workers (:meth:`mvcalc.lab.Sandpit.workers`) take exactly one such step per probe:
no line search, no check that f fell — each probe is part of the score.

:func:`trust_region_step` is the same hybrid made continuous, as :func:`mvcalc.minimize`
(``method="hybrid"``) uses it: δ = −(H + μ I)⁻¹ J (in scaled variables) with the smallest shift
μ ≥ 0 that makes H + μ I positive definite and δ no longer than a radius Δ. With μ = 0 it *is*
Newton's step, the hybrid's first branch (H positive definite and the Newton step within Δ);
as μ grows the step turns into −J/μ, the hybrid's gradient-descent branch with γ = 1/μ chosen by
the radius instead of fixed. ``minimize`` then keeps a step only if f falls as the quadratic
predicted, and widens or narrows Δ by how well it did (a trust region), so that one rule serves
far from a minimum (short, downhill steps), near it (Newton's steps, quadratic convergence) and
at a saddle (the shift follows the negative curvature downhill).

:func:`checked_step` runs a user's strategy and says in words why its step cannot be used (it
raised, or returned a step of the wrong shape or not finite); :func:`check_step` checks a step
alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mvcalc._validate import finite_array, positive_float

__all__ = [
    "Strategy",
    "TrustStep",
    "check_step",
    "checked_step",
    "describe_exception",
    "gradient_descent_step",
    "hybrid_step",
    "newton_step",
    "trust_region_step",
]

FloatArray = NDArray[np.float64]
Strategy = Callable[[Any, Any, Any], ArrayLike]

_MESSAGE_LIMIT = 300  # characters of a user's exception message passed on


# ------------------------------------------------------------------------------------------
# The course's rules
# ------------------------------------------------------------------------------------------


def gradient_descent_step(aggression: float = 0.1) -> Strategy:
    """The strategy δ = −γ J: a step downhill, as long as the slope is steep.

    Parameters
    ----------
    aggression : float, optional
        γ > 0.

    Returns
    -------
    callable
        ``next_step(f, J, H)``.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.steps import gradient_descent_step
    >>> gradient_descent_step(0.5)(-1.0, np.array([2.0, -4.0]), np.eye(2))
    array([-1.,  2.])
    """
    gamma = positive_float(aggression, "aggression")

    def next_step(f: Any, J: Any, H: Any) -> FloatArray:
        return -gamma * np.asarray(J, dtype=np.float64)

    return next_step


def newton_step(f: Any, J: Any, H: Any) -> FloatArray:
    """The strategy δ = −H⁻¹ J: jump to the stationary point of the local quadratic.

    It heads for any stationary point — a maximum or saddle as readily as a minimum. J may be a
    scalar (then H is f'' and δ = −J/H) or a vector of n; H is then n × n.

    Raises
    ------
    numpy.linalg.LinAlgError
        If H is singular: the quadratic has no stationary point.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.steps import newton_step
    >>> newton_step(0.0, np.array([2.0, 2.0]), np.diag([2.0, 4.0]))  # f = x² + 2y² at (1, ½)
    array([-1. , -0.5])
    >>> float(newton_step(0.0, 3.0, 6.0))  # f = x³ at 1: f' = 3, f'' = 6
    -0.5
    """
    g = np.asarray(J, dtype=np.float64)
    n = g.size
    hess = np.asarray(H, dtype=np.float64).reshape(n, n)
    return np.asarray(np.linalg.solve(hess, -g.reshape(n)), dtype=np.float64).reshape(g.shape)


def hybrid_step(aggression: float = 0.1) -> Strategy:
    """The course's hybrid: Newton's step where H is positive definite, else −γ J.

    Parameters
    ----------
    aggression : float, optional
        γ > 0 for the gradient-descent steps.

    Returns
    -------
    callable
        ``next_step(f, J, H)``.

    Notes
    -----
    :func:`mvcalc.minimize`'s ``method="hybrid"`` blends the two branches continuously and
    chooses the step's length by a trust region: see :func:`trust_region_step`.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.steps import hybrid_step
    >>> step = hybrid_step(0.5)
    >>> step(0.0, np.array([2.0, 2.0]), np.diag([2.0, 4.0]))  # a bowl: Newton
    array([-1. , -0.5])
    >>> step(0.0, np.array([2.0, 2.0]), np.diag([2.0, -4.0]))  # a saddle: downhill
    array([-1., -1.])
    """
    gamma = positive_float(aggression, "aggression")

    def next_step(f: Any, J: Any, H: Any) -> FloatArray:
        g = np.asarray(J, dtype=np.float64)
        hess = np.asarray(H, dtype=np.float64).reshape(g.size, g.size)
        if np.all(np.linalg.eigvalsh(hess) > 0):  # a local bowl: its bottom is −H⁻¹J away
            return newton_step(f, g, hess)
        return -gamma * g

    return next_step


# ------------------------------------------------------------------------------------------
# The hybrid made continuous: a step of the trust region
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustStep:
    """The step of :func:`trust_region_step`.

    Attributes
    ----------
    step : ndarray
        δ, minimising the quadratic model J·δ + ½ δᵀHδ subject to ‖scale·δ‖ ≤ radius.
    shift : float
        μ ≥ 0 with (H + μ D²) δ = −J (D = diag(scale)): 0 for Newton's step.
    decrease : float
        The decrease the model predicts, −(J·δ + ½ δᵀHδ) ≥ 0.
    boundary : bool
        Whether the step reaches the radius.
    """

    step: FloatArray
    shift: float
    decrease: float
    boundary: bool


def trust_region_step(J: Any, H: Any, radius: float, scale: Any = None) -> TrustStep:
    """The best step of the quadratic model within a radius: δ = −(H + μ D²)⁻¹ J.

    Minimises m(δ) = J·δ + ½ δᵀHδ over ‖D δ‖ ≤ radius, D = diag(scale), exactly (Moré and
    Sorensen's characterisation, solved in the eigenvectors of D⁻¹HD⁻¹): the solution is
    −(H + μD²)⁻¹J for the smallest μ ≥ 0 that makes H + μD² positive semi-definite and the step
    fit. μ = 0 gives Newton's step; a large μ gives −J/μ, steepest descent (in the metric D).
    When J has no component along the eigenvector of the lowest, negative curvature (at a saddle
    point J = 0) the step follows that eigenvector to the radius (the "hard case").

    Parameters
    ----------
    J : array_like, shape (n,)
        The gradient.
    H : array_like, shape (n, n)
        The Hessian (symmetric; its upper triangle is used).
    radius : float
        Δ > 0.
    scale : array_like, shape (n,), optional
        Positive weights D of the variables in the norm (default: ones).

    Returns
    -------
    TrustStep

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.steps import trust_region_step
    >>> J, H = np.array([2.0, 2.0]), np.diag([2.0, 4.0])
    >>> trust_region_step(J, H, 10.0).step        # Newton's step fits: μ = 0
    array([-1. , -0.5])
    >>> r = trust_region_step(J, H, 0.5)           # it does not: shifted, on the boundary
    >>> round(float(np.linalg.norm(r.step)), 12), r.shift > 0
    (0.5, True)
    >>> r = trust_region_step(np.zeros(2), np.diag([2.0, -4.0]), 1.0)  # a saddle point
    >>> np.abs(r.step), r.decrease                 # along the negative curvature
    (array([0., 1.]), 2.0)
    """
    g = finite_array(J, "J").reshape(-1)
    n = g.size
    hess = finite_array(H, "H")
    if hess.size != n * n:
        raise ValueError(f"H must be {n} × {n} for J of {n} values, got shape {hess.shape}")
    hess = hess.reshape(n, n)
    delta = positive_float(radius, "radius")
    d = np.ones(n) if scale is None else finite_array(scale, "scale").reshape(-1)
    if d.size != n or np.any(d <= 0):
        raise ValueError(f"scale must hold {n} positive values")
    # scaled variables p = D δ: gradient D⁻¹J, Hessian D⁻¹HD⁻¹
    gs = g / d
    hs = hess / np.outer(d, d)
    hs = (hs + hs.T) / 2
    lam, Q = np.linalg.eigh(hs)
    c = Q.T @ gs
    p_eig, mu = _subproblem(lam, c, delta)
    p = Q @ p_eig
    decrease = -float(c @ p_eig + 0.5 * np.sum(lam * p_eig * p_eig))
    norm = float(np.linalg.norm(p_eig))
    return TrustStep(p / d, mu, max(decrease, 0.0), norm >= (1 - 1e-6) * delta)


def _subproblem(lam: FloatArray, c: FloatArray, delta: float) -> tuple[FloatArray, float]:
    """min c·p + ½ Σ λᵢpᵢ² subject to ‖p‖ ≤ Δ, in the eigenbasis; returns (p, μ)."""
    scale = max(float(np.max(np.abs(lam))), 1e-300)
    tiny = 1e-14 * scale
    lam1 = float(lam[0])
    gnorm = float(np.linalg.norm(c))
    if lam1 > tiny:
        p = -c / lam
        if float(np.linalg.norm(p)) <= delta:
            return p, 0.0  # Newton's step fits
    lo = max(0.0, -lam1)

    def step(mu: float) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(-c / (lam + mu), dtype=np.float64)

    # no gradient along the lowest eigenvector(s), and the step stops short of the radius:
    # with negative curvature go on along that eigenvector to the radius (the hard case); along
    # flat directions (λ = 0) the model does not change, so take the shortest step
    low = lam <= lam1 + tiny
    if lam1 <= tiny and float(np.linalg.norm(c[low])) <= 1e-12 * max(gnorm, 1e-300) + 1e-300:
        p = np.zeros_like(c)
        rest = ~low
        p[rest] = -c[rest] / (lam[rest] + lo)
        short = float(np.linalg.norm(p))
        if short <= delta:
            if lam1 < -tiny:
                k = int(np.argmax(low))
                tau = math.sqrt(max(delta * delta - short * short, 0.0))
                p[k] = tau if c[k] <= 0 else -tau  # either way the model falls equally
            return p, lo
    if gnorm == 0.0:
        return np.zeros_like(c), lo
    # the easy case: ‖p(μ)‖ = Δ for one μ in (lo, hi]; Newton on 1/‖p(μ)‖ − 1/Δ, bracketed
    hi = lo + gnorm / delta
    mu = hi
    for _ in range(200):
        p = step(mu)
        norm = float(np.linalg.norm(p))
        if not math.isfinite(norm) or norm > delta:
            lo = mu
        else:
            hi = mu
        if math.isfinite(norm) and abs(norm - delta) <= 1e-12 * delta:
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            s3 = float(np.sum(c * c / (lam + mu) ** 3))
        newton = mu + (norm - delta) / delta * norm * norm / s3 if s3 > 0 else math.nan
        mu = newton if math.isfinite(newton) and lo < newton < hi else (lo + hi) / 2
        if hi - lo <= 4 * np.finfo(float).eps * max(hi, 1e-300):
            mu = hi
            break
    p = step(mu)
    norm = float(np.linalg.norm(p))
    if not math.isfinite(norm):  # μ pinned at the pole: take the hard case's step
        p = np.where(np.isfinite(p), p, 0.0)
        norm = float(np.linalg.norm(p))
    if lam1 < -tiny and norm < (1 - 1e-9) * delta:
        # nearly the hard case: go on along q₁ to the radius, to the side where the model is lower
        root = math.sqrt(max(p[0] * p[0] + delta * delta - norm * norm, 0.0))
        sides = []
        for tau in (-p[0] + root, -p[0] - root):
            side = p.copy()
            side[0] += tau
            sides.append((float(c @ side + 0.5 * np.sum(lam * side * side)), side))
        p = min(sides, key=lambda pair: pair[0])[1]
        norm = float(np.linalg.norm(p))
    if norm > delta:
        p = p * (delta / norm)
    return p, mu


# ------------------------------------------------------------------------------------------
# The user's step, checked
# ------------------------------------------------------------------------------------------


def describe_exception(exc: BaseException) -> str:
    """``the strategy raised Name: message``, the message cut to a readable length.

    Examples
    --------
    >>> from mvcalc.steps import describe_exception
    >>> describe_exception(ZeroDivisionError("division by zero"))
    'the strategy raised ZeroDivisionError: division by zero'
    """
    try:
        text = str(exc)
    except Exception:  # a user's exception whose str() fails
        text = ""
    if len(text) > _MESSAGE_LIMIT:
        text = text[: _MESSAGE_LIMIT - 3] + "..."
    return f"the strategy raised {type(exc).__name__}: {text}"


def check_step(step: Any, shape: tuple[int, ...]) -> str | None:
    """Why ``step`` is not a usable step for a point of ``shape``, or None if it is.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.steps import check_step
    >>> check_step(np.array([0.5, -1.0]), (2,)) is None
    True
    >>> check_step(np.zeros(3), (2,))
    'the strategy returned shape (3,), not (2,)'
    >>> check_step(np.array([np.nan, 1.0]), (2,))
    'the strategy returned a step that is not finite: [nan, 1.0]'
    """
    try:
        arr = np.asarray(step, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return f"the strategy returned {type(step).__name__}, not an array of numbers"
    if arr.shape != tuple(shape):
        return f"the strategy returned shape {arr.shape}, not {tuple(shape)}"
    if not np.all(np.isfinite(arr)):
        return f"the strategy returned a step that is not finite: {arr.tolist()}"
    return None


def checked_step(
    rule: Strategy, f: Any, J: Any, H: Any, shape: tuple[int, ...] | None = None
) -> tuple[FloatArray | None, str | None]:
    """Ask a strategy for its step: (step, None) if it is usable, else (None, why not).

    The strategy may be the user's code: whatever it raises (``SystemExit`` included) is
    reported, never passed on.

    Parameters
    ----------
    rule : callable
        ``next_step(f, J, H)``.
    f, J, H
        What it is given: the value, gradient and Hessian at the current point.
    shape : tuple of int, optional
        The shape the step must have (default: J's).

    Returns
    -------
    step : ndarray or None
    reason : str or None

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.steps import checked_step
    >>> checked_step(lambda f, J, H: -0.5 * J, 0.0, np.array([2.0, 4.0]), np.eye(2))
    (array([-1., -2.]), None)
    >>> checked_step(lambda f, J, H: 1 / 0, 0.0, np.zeros(2), np.eye(2))
    (None, 'the strategy raised ZeroDivisionError: division by zero')
    """
    want = np.shape(J) if shape is None else tuple(shape)
    try:
        with np.errstate(all="ignore"):
            raw = rule(f, J, H)
    except (Exception, SystemExit) as exc:  # the user's code: report it, never crash
        return None, describe_exception(exc)
    problem = check_step(raw, want)
    if problem is not None:
        return None, problem
    return np.asarray(raw, dtype=np.float64), None
