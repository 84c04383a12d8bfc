"""Derivatives put to work on roots and minima: Newton–Raphson, gradient descent, hybrid steps.

Every method returns a :class:`~mvcalc.results.Result` with the whole path, and never returns NaN
silently: when a method cannot go on it stops at the last finite iterate, sets
``converged=False`` and says why by name — zero derivative, cycling, divergence, iteration limit.

Functions may be Python callables written with NumPy (derivatives then come exactly, by
automatic differentiation) or maths as text, read by the safe parser (variables in alphabetical
order: ``"(1-x)**2 + 100*(y-x**2)**2"`` is a function of the vector (x, y)).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mvcalc import _budget, steps
from mvcalc._validate import finite_point, function, one_of, positive_float, positive_int
from mvcalc.autodiff import grad as ad_grad
from mvcalc.autodiff import hessian as ad_hessian
from mvcalc.autodiff import jacobian as ad_jacobian
from mvcalc.calculus import difference_jacobian
from mvcalc.results import Result

__all__ = [
    "METHODS",
    "StationaryPoint",
    "StationaryPoints",
    "as_function",
    "gradient_descent",
    "lagrange",
    "minimize",
    "newton_raphson",
    "stationary_points",
]

FloatArray = NDArray[np.float64]

METHODS = ("hybrid", "newton", "gradient-descent")
_DIVERGED = 1e12  # |x| or |f| this many times larger than at the start counts as divergence

Strategy = Callable[[Any, Any, Any], ArrayLike]


def as_function(f: Any, name: str = "f") -> tuple[Callable[[Any], Any], list[str] | None]:
    """A callable of one argument (scalar or vector) from a callable or maths text.

    The same as :func:`mvcalc._numeric.as_function`, where it lives (kept here, public, and
    importing SymPy only when text is given, so that ``import mvcalc`` stays light).

    Examples
    --------
    >>> from mvcalc.optimize import as_function
    >>> g, names = as_function("x*y + y")
    >>> names, float(g([2.0, 3.0]))
    (['x', 'y'], 9.0)
    """
    if callable(f):
        return f, None
    from mvcalc import _numeric

    return _numeric.as_function(f, name)


def _derivative_function(text: Any, names: list[str] | None, name: str) -> Any:
    """A derivative given as maths text (``fprime="3*x^2 - 2"``, ``grad="2*x, 20*y"``) as a
    function of the same variables as f; anything else is returned as it is, to be checked.

    With f as text its variables are f's (alphabetical); with f a callable, the text's own. A
    list of expressions gives an array, in the order written (for a Jacobian, row by row).
    """
    if not isinstance(text, str):
        return text
    import sympy

    from mvcalc import symbolic
    from mvcalc._numeric import numeric_function

    exprs = symbolic.parse_many(text)
    free = set().union(*(e.free_symbols for e in exprs))
    symbols = [sympy.Symbol(n) for n in names] if names else sorted(free, key=str)
    unknown = sorted(str(s) for s in free - set(symbols))
    if unknown:
        raise ValueError(f"{name} has names that are not variables of f: {', '.join(unknown)}")
    if not symbols:
        symbols = [sympy.Symbol("x")]  # a constant derivative, of the one variable
    parts = [numeric_function(e, symbols, name=name) for e in exprs]
    n = len(symbols)

    def evaluate(v: Any) -> Any:
        args = [v] if n == 1 and np.ndim(v) == 0 else [v[i] for i in range(n)]
        values = [np.asarray(p(*args), dtype=np.float64) for p in parts]
        return values[0] if len(values) == 1 else np.stack(values)

    return evaluate


def _matching(x0: ArrayLike, names: list[str] | None) -> ArrayLike:
    """Check that a start for maths text gives one value per variable."""
    if names is not None:
        size = np.size(x0)
        if size != len(names):
            raise ValueError(
                f"x0 must give one value per variable ({', '.join(names)}), got {size}"
            )
    return x0


def _result(path: list[np.ndarray], fun: Any, status: str, message: str) -> Result:
    x = path[-1]
    return Result(
        x=float(x) if np.ndim(x) == 0 else x.copy(),
        fun=float(fun) if np.ndim(fun) == 0 else np.asarray(fun),
        path=np.array(path),
        nit=len(path) - 1,
        converged=status == "converged",
        status=status,
        message=message,
    )


# ------------------------------------------------------------------------------------------
# Newton–Raphson for roots
# ------------------------------------------------------------------------------------------


def newton_raphson(
    f: Any,
    x0: ArrayLike,
    *,
    fprime: Callable[[Any], Any] | str | None = None,
    tol: float = 1e-12,
    max_iter: int = 100,
) -> Result:
    """Solve f(x) = 0 by Newton–Raphson: x ← x − f(x)/f'(x), or x ← x − J(x)⁻¹ f(x) for systems.

    Parameters
    ----------
    f : callable or str
        A scalar function of a scalar, or a vector function of a vector (as many equations as
        unknowns); or maths text (``"x**3 - 2*x + 2"``, or ``"x + y - 3, x*y - 2"``).
    x0 : float or array_like
        The start.
    fprime : callable or str, optional
        f' (or the Jacobian for systems); by default exact, by automatic differentiation. Maths
        text is read by the safe parser, in the variables of f: ``"3*x^2 - 2"``, or for a system
        the entries of the Jacobian row by row (``"1, 1, y, x"`` for x + y − 3, x·y − 2).
    tol : float, optional
        Converged when the step is below ``tol`` relative to |x| and the residual |f(x)| is
        below √tol relative to |f(x0)| (both: a tiny step with a large residual is no root), or
        when f(x) is exactly zero and the steps were shrinking towards it (f that rounds to zero
        far out on a tail, as x·e⁻ˣ for large x, is not a root).
    max_iter : int, optional

    Returns
    -------
    Result
        ``x``, ``fun`` = f(x), ``path``, ``nit``, ``converged``, ``status`` and ``message``.
        Failures are named by ``status``: ``"zero-derivative"`` (or a singular Jacobian),
        ``"cycling"`` (the iterates repeat while the steps stay large), ``"diverged"`` (iterates
        or residuals growing without bound), ``"non-finite"``, ``"linear-convergence"`` (a
        multiple root of a system, approached too slowly for ``max_iter``) and ``"max-iter"``.

    Notes
    -----
    At a root of multiplicity m, f ≈ c (x − r)ᵐ and Newton's step only removes the fraction
    1/m of the distance: the steps shrink by the constant ratio (m − 1)/m instead of
    quadratically. When successive ratios agree, the multiplicity is estimated as
    m = 1 / (1 − ratio) and, for a scalar equation, the modified step x ← x − m·f(x)/f'(x)
    restores fast convergence (it is kept only while it lowers |f|). The message names m. Five
    steps of consistent evidence (the step ratios and the fall of |f| by ρᵐ) are needed first,
    so that an ordinary approach to a simple root keeps Newton's own path.

    Examples
    --------
    >>> import mvcalc as mc
    >>> r = mc.newton_raphson("x**3 - 2*x + 2", -2)
    >>> round(r.x, 10), r.status
    (-1.7692923542, 'converged')
    >>> r = mc.newton_raphson("x**3 - 2*x + 2", 0)
    >>> r.status, r.message
    ('cycling', 'cycling: the iterates repeat with period 2 (0, 1) without converging')
    >>> r = mc.newton_raphson("(x - 3)**3", 2.5)        # a triple root
    >>> r.x, r.status, r.message
    (3.0, 'converged', 'converged: a root of multiplicity 3, by the modified step x − 3·f/f′')
    """
    func, names = as_function(f)
    x = finite_point(_matching(x0, names), "x0")
    tol = positive_float(tol, "tol")
    max_iter = positive_int(max_iter, "max_iter")
    given: Callable[[Any], Any] | None = None
    if fprime is not None:
        given = _derivative_function(fprime, names, "fprime")
        function(given, "fprime", "fprime(x), or maths text")
    scalar = x.ndim == 0
    derivative = given if given is not None else (ad_grad(func) if scalar else ad_jacobian(func))

    with np.errstate(all="ignore"):
        fx = np.asarray(func(x), dtype=np.float64)
        if fx.shape != x.shape:
            raise ValueError(f"f must return as many values as x has ({x.size}), got {fx.shape}")
        if not np.all(np.isfinite(fx)):
            raise ValueError(f"f is not finite at x0 = {x0!r}")
        f_scale = max(float(np.linalg.norm(fx)), 1.0)
        x_scale = max(float(np.linalg.norm(x)), 1.0)
        path = [x.copy()]
        steps: list[float] = []  # |δ| of each plain Newton step, to recognise linear convergence
        residuals: list[float] = []  # |f| where each step was taken
        multiplicity = 1
        if not np.any(fx):
            return _result(path, fx, "converged", "converged: x0 is a root")
        for _ in range(max_iter):
            d = np.asarray(derivative(x), dtype=np.float64)
            if scalar:
                if not np.isfinite(d):
                    message = (
                        f"non-finite derivative: f'(x) = {float(d)} at x = {float(x):.17g}; "
                        "the tangent there is vertical or undefined, so Newton has no step"
                    )
                    return _result(path, fx, "non-finite", message)
                if d == 0:
                    message = (
                        f"zero derivative: f'(x) = {float(d)} at x = {float(x):.17g}; "
                        "the tangent never meets the axis"
                    )
                    return _result(path, fx, "zero-derivative", message)
                step = -fx / d
            else:
                try:
                    step = np.asarray(np.linalg.solve(d.reshape(x.size, x.size), -fx), float)
                except np.linalg.LinAlgError:
                    where = np.array2string(x, precision=6)
                    message = f"zero derivative: the Jacobian is singular at x = {where}"
                    return _result(path, fx, "zero-derivative", message)
            steps.append(float(np.linalg.norm(step)))
            residuals.append(float(np.linalg.norm(fx)))
            if scalar and multiplicity == 1:
                multiplicity = _multiplicity(steps, residuals)
            x_new = x + multiplicity * step  # the modified step at a multiple root
            fx_new = np.asarray(func(x_new), dtype=np.float64)
            if multiplicity > 1 and not abs(float(fx_new)) < abs(float(fx)):
                multiplicity = 1  # the estimate was wrong: back to the plain step
                x_new = x + step
                fx_new = np.asarray(func(x_new), dtype=np.float64)
            if not (np.all(np.isfinite(x_new)) and np.all(np.isfinite(fx_new))):
                message = "divergence: the next iterate is not finite"
                return _result(path, fx, "non-finite", message)
            x, fx = x_new, fx_new
            path.append(x.copy())
            taken = multiplicity * steps[-1]
            small_step = taken <= tol * max(float(np.linalg.norm(x)), 1.0)
            small_residual = float(np.linalg.norm(fx)) <= math.sqrt(tol) * f_scale
            # f exactly 0 is a root only if the steps were closing in on it: far out on a tail
            # (x·e⁻ˣ as x grows) f rounds to 0 while the steps stay the same size
            closing_in = len(steps) < 2 or steps[-1] <= 0.9 * steps[-2]
            if (small_step and small_residual) or (not np.any(fx) and (small_step or closing_in)):
                if multiplicity > 1:
                    message = (
                        f"converged: a root of multiplicity {multiplicity}, by the modified "
                        f"step x − {multiplicity}·f/f′"
                    )
                else:
                    message = "converged: the step and the residual are small"
                return _result(path, fx, "converged", message)
            period = _cycle(path, steps[-1])
            if period:
                if scalar:
                    values = ", ".join(f"{float(p):.6g}" for p in sorted(path[-period:]))
                else:
                    values = "; ".join(np.array2string(p, precision=4) for p in path[-period:])
                message = (
                    f"cycling: the iterates repeat with period {period} ({values}) "
                    "without converging"
                )
                return _result(path, fx, "cycling", message)
            if (
                float(np.linalg.norm(x)) > _DIVERGED * x_scale
                or float(np.linalg.norm(fx)) > _DIVERGED * f_scale
            ):
                return _result(path, fx, "diverged", "divergence: the iterates run away")
    m = _multiplicity(steps, residuals)
    if m > 1:
        message = (
            f"linear convergence: the steps shrink by the ratio {(m - 1) / m:.2f} each time, as "
            f"at a root of multiplicity {m}; not within tol after max_iter = {max_iter}"
        )
        return _result(path, fx, "linear-convergence", message)
    return _result(path, fx, "max-iter", f"iteration limit: no root within max_iter = {max_iter}")


def _multiplicity(steps: list[float], residuals: list[float]) -> int:
    """m ≥ 2 when the iterates approach a root of multiplicity m, else 1.

    Near such a root the steps shrink by the constant ratio ρ = (m − 1)/m and |f| by ρᵐ. Both
    must hold over the last five steps (ratios within 1 % of each other, |f| ratios within 10 %
    of ρᵐ) before the multiplicity is trusted, so that the ordinary approach to a simple root
    is never mistaken for it.
    """
    if len(steps) < 6 or len(residuals) < 6:
        return 1
    ratios = [steps[-k] / steps[-k - 1] for k in range(1, 6) if steps[-k - 1] > 0]
    if len(ratios) < 5 or max(ratios) - min(ratios) > 0.01 or not 0.4 <= ratios[0] < 0.97:
        return 1
    m = 1 / (1 - float(np.mean(ratios)))
    if abs(m - round(m)) >= 0.1:
        return 1
    m = round(m)
    shrink = ((m - 1) / m) ** m
    falls = [residuals[-k] / residuals[-k - 1] for k in range(1, 5) if residuals[-k - 1] > 0]
    if len(falls) < 4 or any(abs(fall / shrink - 1) > 0.1 for fall in falls):
        return 1
    return m


def _cycle(path: list[np.ndarray], step: float) -> int:
    """The period (2 to 8) with which the last iterates repeat, or 0.

    A cycle means returning to the same points while the steps stay large: x_k is as close to
    x_{k−p} (and x_{k−p} to x_{k−2p}) as a millionth of the last step. Iterates converging to a
    root also come close to each other, but then the steps shrink with them.
    """
    x = path[-1]
    for period in range(2, 9):
        if len(path) > 2 * period:
            earlier = path[-1 - period]
            before = path[-1 - 2 * period]
            close = max(float(np.linalg.norm(x - earlier)), float(np.linalg.norm(earlier - before)))
            if step > 0 and close <= 1e-6 * step:
                return period
        elif len(path) > period and float(np.linalg.norm(x - path[-1 - period])) == 0.0:
            return period
    return 0


# ------------------------------------------------------------------------------------------
# Minimisation
# ------------------------------------------------------------------------------------------

_EPS = float(np.finfo(np.float64).eps)
_TINY = float(np.finfo(np.float64).tiny)
_PROBE_RISE = 1e-6  # the rise (relative to max(|f|, 1)) the quadratic model predicts at a probe
_PROBE_REACH = 0.1  # the farthest probe, relative to max(|xᵢ|, 1)
_NOISE = 1e-13  # a probe lower than f(x) by more than this fraction of |f| is lower, not rounding
_NEWTON_REACH = 1e-2  # at a minimum Newton's step is at most this, relative to max(|xᵢ|, 1)


class _Objective:
    """f on 1-D arrays, with its gradient and Hessian (exact, by AD, unless grad is given)."""

    def __init__(
        self,
        func: Callable[[Any], Any],
        x0: ArrayLike,
        grad: Callable[[Any], Any] | None = None,
        *,
        one_variable: bool = False,
    ) -> None:
        start = finite_point(x0, "x0")
        self.shape = start.shape
        self.x0 = start.reshape(-1)
        scalar = start.ndim == 0 or (one_variable and start.size == 1)
        self.func: Callable[[Any], Any] = (lambda v: func(v[0])) if scalar else func
        self.user_grad: Callable[[Any], Any] | None = None
        if grad is not None:
            self.user_grad = (lambda v: grad(v[0])) if scalar else grad
        self._grad = ad_grad(self.func) if grad is None else None
        self._hess = ad_hessian(self.func)

    def value(self, x: FloatArray) -> float:
        out = np.asarray(self.func(x), dtype=np.float64)
        if out.size != 1:
            raise ValueError(f"f must return one number, got shape {out.shape}")
        return float(out.reshape(()))

    def gradient(self, x: FloatArray) -> FloatArray:
        if self.user_grad is not None:
            return np.asarray(self.user_grad(x), dtype=np.float64).reshape(-1)
        assert self._grad is not None
        return np.asarray(self._grad(x), dtype=np.float64).reshape(-1)

    def hessian(self, x: FloatArray) -> FloatArray:
        n = x.size
        try:
            return np.asarray(self._hess(x), dtype=np.float64).reshape(n, n)
        except (TypeError, ValueError):  # f is beyond AD, not the given gradient
            if self.user_grad is None:
                raise
            jac = difference_jacobian(self.gradient, x, method="central")
            return np.asarray(jac, dtype=np.float64).reshape(n, n)

    def point(self, x: FloatArray) -> FloatArray:
        """x in the shape of x0."""
        return x.reshape(self.shape)


def _relative_gradient(x: FloatArray, fx: float, g: FloatArray) -> float:
    """max |gᵢ|·max(|xᵢ|, 1) / max(|f|, 1): the change of f, relative to f, per relative change of
    each xᵢ (Dennis and Schnabel); ``inf`` when anything is not finite."""
    if not (math.isfinite(fx) and np.all(np.isfinite(g))):
        return math.inf
    return float(np.max(np.abs(g) * np.maximum(np.abs(x), 1.0))) / max(abs(fx), 1.0)


def _words(values: FloatArray) -> str:
    """Eigenvalues in words: "-2 and 2", "1, 2 and 3", "from -1 to 7 (6 of them)"."""
    text = [f"{v:.3g}" for v in values]
    if len(text) == 1:
        return text[0]
    if len(text) <= 4:
        return ", ".join(text[:-1]) + " and " + text[-1]
    return f"from {text[0]} to {text[-1]} ({len(text)} of them)"


@dataclass(frozen=True)
class _Verdict:
    kind: str  # "minimum", or the status of a point that is not one
    message: str
    lower: tuple[FloatArray, float] | None  # the lowest probe, when it is lower than f(x)


def _verdict(objective: _Objective, x: FloatArray, fx: float, H: FloatArray, how: str) -> _Verdict:
    """Is the stationary point x a minimum? Second-order conditions, and probes of f.

    In the variables scaled by max(|xᵢ|, 1) and f by max(|f|, 1), the Hessian's eigenvectors are
    probed on both sides, each at the distance where its curvature would change f by the
    fraction ``_PROBE_RISE`` (at most ``_PROBE_REACH``; 10 and 100 times farther where f does
    not change at all): along a flat direction only f itself can tell a minimum (x⁴ at 0) from
    an inflection (x³ at 0) or a plateau. A minimum needs no clearly negative eigenvalue (below
    −√ε times the largest) and no probe lower than f(x) by more than its rounding
    (``_NOISE``·|f|). ``how`` says why x is stationary, for the message.
    """
    n = x.size
    d = np.maximum(np.abs(x), 1.0)
    f_scale = max(abs(fx), 1.0)
    symmetric = (H + H.T) / 2
    lam = np.asarray(np.linalg.eigvalsh(symmetric), dtype=np.float64)
    lam_s, V = np.linalg.eigh(symmetric / np.outer(d, d) / f_scale)
    size = float(np.max(np.abs(lam_s)))
    negative = lam_s < -math.sqrt(_EPS) * size
    positive = lam_s > math.sqrt(_EPS) * size
    falls: list[tuple[float, float]] = []  # (f, relative distance) of probes clearly lower
    lower: tuple[FloatArray, float] | None = None
    for k in range(n):
        curvature = abs(float(lam_s[k]))
        reach = _PROBE_REACH
        if curvature > 0:
            reach = min(reach, math.sqrt(2 * _PROBE_RISE / curvature))
        for widen in (1.0, 10.0, 100.0):
            values = []
            for sign in (1.0, -1.0):
                probe = x + sign * widen * reach * d * V[:, k]
                fp = objective.value(probe)
                values.append(fp)
                if not math.isfinite(fp):
                    continue
                if fp < fx - _NOISE * max(abs(fx), abs(fp)):
                    falls.append((fp, widen * reach))
                if fp < fx and (lower is None or fp < lower[1]):
                    lower = (probe, fp)
            if reach < _PROBE_REACH or any(v != fx for v in values):
                break  # f changes along this direction: no need to look farther
    described = _words(lam)
    if not falls and not negative.any():
        if np.all(lam > 0):
            why = f"the Hessian's eigenvalues are positive ({described})"
        else:
            why = (f"the Hessian is singular (eigenvalues {described}) but f rises along "
                   "every direction probed")  # fmt: skip
        return _Verdict("minimum", f"converged: a minimum: {how} and {why}", lower)
    if negative.all() or (len(falls) == 2 * n and not positive.any()):
        message = ("maximum: a stationary point where f is largest nearby: the Hessian has "
                   f"eigenvalues {described}")  # fmt: skip
        return _Verdict("maximum", message, lower)
    if negative.any():
        message = ("saddle: a stationary point, not a minimum: the Hessian has eigenvalues "
                   f"{described}")  # fmt: skip
        return _Verdict("saddle", message, lower)
    fp, distance = min(falls)
    if not positive.any():  # no curvature at all: f is flat here, to rounding
        message = (
            f"stalled: f is flat here (gradient and Hessian vanish to rounding), yet "
            f"{fx - fp:.3g} lower at a relative distance {distance:.3g}: not a minimum"
        )
        return _Verdict("stalled", message, lower)
    message = (f"saddle: a stationary point, not a minimum: the Hessian has eigenvalues "
               f"{described} (none clearly negative), yet f is {fx - fp:.3g} lower at a "
               f"relative distance {distance:.3g}")  # fmt: skip
    return _Verdict("saddle", message, lower)


def _stationary(x: FloatArray, fx: float, g: FloatArray, H: FloatArray | None, tol: float,
                stuck: bool) -> str | None:  # fmt: skip
    """Why x counts as stationary (the first-order condition, scale-aware), or None.

    The relative gradient must be ≤ tol and, where H is positive definite, Newton's step must
    be short (≤ 1 % of max(|xᵢ|, 1)): a small slope on a far-reaching gentle bowl (1/x for
    large x, or any f of size far below 1) is not yet a minimum. When no step can change x any
    more, it is enough that the quadratic model's minimum lies within tol²·max(|f|, 1) below f:
    the gradient of a steep bowl cannot fall below what the rounding of x leaves.
    """
    rel = _relative_gradient(x, fx, g)
    decrement, newton = _newton(g, H)
    reach = 0.0 if newton is None else float(np.max(np.abs(newton) / np.maximum(np.abs(x), 1.0)))
    if rel <= tol and reach <= _NEWTON_REACH:
        return f"the relative gradient is {rel:.2g} ≤ tol = {tol:g}"
    if stuck and decrement <= tol * tol * max(abs(fx), 1.0) and reach <= _NEWTON_REACH:
        return (f"f is within {decrement:.2g} of its quadratic model's minimum, closer "
                "than the rounding of x allows a step")  # fmt: skip
    return None


def _unmet(x: FloatArray, fx: float, g: FloatArray, H: FloatArray | None, tol: float) -> str:
    """Why x fails the first-order test, in words."""
    rel = _relative_gradient(x, fx, g)
    _, newton = _newton(g, H)
    if rel > tol or newton is None:
        return f"the relative gradient is {rel:.2g} > tol = {tol:g}"
    reach = float(np.max(np.abs(newton) / np.maximum(np.abs(x), 1.0)))
    return (f"Newton's step is still {reach:.2g} of max(|x|, 1) long: a gentle slope that "
            "reaches far")  # fmt: skip


def _newton(g: FloatArray, H: FloatArray | None) -> tuple[float, FloatArray | None]:
    """(½ gᵀH⁻¹g, −H⁻¹g) where H is positive definite, else (inf, None)."""
    if H is None:
        return math.inf, None
    try:
        L = np.linalg.cholesky(H)
    except np.linalg.LinAlgError:
        return math.inf, None
    y = np.linalg.solve(L, g)
    step = -np.linalg.solve(L.T, y)
    return 0.5 * float(y @ y), step


def _finish(objective: _Objective, path: list[FloatArray], fx: float, status: str,
            message: str) -> Result:  # fmt: skip
    """The Result, with x and the path in the shape of x0."""
    shaped = [objective.point(p) for p in path]
    return _result(shaped, fx, status, message)


def _begin(objective: _Objective) -> tuple[FloatArray, float, FloatArray, list[FloatArray]]:
    """x0, f(x0) (which must be finite), the gradient there, and the path so far."""
    x = objective.x0.copy()
    fx = objective.value(x)
    if not math.isfinite(fx):
        raise ValueError(f"f is not finite at x0 = {objective.point(x)!r}")
    return x, fx, objective.gradient(x), [x.copy()]


def _trust_region(objective: _Objective, tol: float, max_iter: int) -> Result:
    """minimize(method="hybrid"): Newton's method in a trust region (steps.trust_region_step)."""
    x, fx, g, path = _begin(objective)
    if not np.all(np.isfinite(g)):
        return _finish(objective, path, fx, "non-finite", "non-finite: the gradient at x0 is not "
                       "finite")  # fmt: skip
    H = _finite_hessian(objective, x)
    f_scale = max(abs(fx), 1.0)
    x_scale = max(float(np.max(np.abs(x))), 1.0)
    radius = _initial_radius(x, g, H, _scaling(x, H))
    for _ in range(max_iter):
        stuck = False
        scale = _scaling(x, H)
        trial = steps.trust_region_step(g, H, radius, scale)
        s = trial.step
        if trial.decrease <= 0 or not np.any(x + s != x):
            stuck = True
        why = _stationary(x, fx, g, H, tol, stuck)
        if why is not None:
            verdict = _verdict(objective, x, fx, H, why)
            if verdict.kind == "minimum":
                return _finish(objective, path, fx, "converged", verdict.message)
            if verdict.lower is not None:  # a way down that the quadratic model cannot see
                x_new, fx = verdict.lower
                radius = max(radius, 2 * float(np.linalg.norm(scale * (x_new - x))))
                x = x_new
                g = objective.gradient(x)
                H = _finite_hessian(objective, x)
                path.append(x.copy())
                continue
            if stuck:
                return _finish(objective, path, fx, verdict.kind, verdict.message)
        elif stuck:
            message = ("stalled: no step lowers f any more (the trust region has shrunk to the "
                       f"rounding of x), yet {_unmet(x, fx, g, H, tol)}")  # fmt: skip
            return _finish(objective, path, fx, "stalled", message)
        x_new = x + s
        f_new = objective.value(x_new)
        g_new = objective.gradient(x_new) if math.isfinite(f_new) and f_new <= fx else None
        if g_new is None or not np.all(np.isfinite(g_new)):
            ratio = -math.inf
        elif trial.decrease <= 100 * _EPS * abs(fx):
            ratio = 1.0  # below the resolution of f: it did not rise, the model has to do
        else:
            ratio = (fx - f_new) / trial.decrease
        length = float(np.linalg.norm(scale * s))
        if ratio < 0.25:
            radius = max(0.25 * length, _TINY)
        elif ratio > 0.75 and trial.boundary:
            radius = 2 * radius
        if ratio > 1e-4 and g_new is not None:
            x, fx, g = x_new, f_new, g_new
            H = _finite_hessian(objective, x)
            path.append(x.copy())
            if float(np.max(np.abs(x))) > _DIVERGED * x_scale or abs(fx) > _DIVERGED * f_scale:
                return _finish(objective, path, fx, "diverged", "divergence: the iterates run "
                               "away (f unbounded below, or its minimum at infinity)")  # fmt: skip
    message = f"iteration limit: no minimum within max_iter = {max_iter}: " + _unmet(
        x, fx, g, H, tol
    )
    return _finish(objective, path, fx, "max-iter", message)


def _scaling(x: FloatArray, H: FloatArray) -> FloatArray:
    """The trust region's weights dᵢ = √|Hᵢᵢ|: each variable's step is measured by the change of f
    its own curvature gives it (Jacobi scaling, which Powell's badly scaled function needs).
    Weights below 10⁻³ of the largest are raised to it (a vanishing diagonal, as Beale's at
    (1, 1), would let a variable run free); without any curvature, 1/max(|xᵢ|, 1)."""
    d = np.sqrt(np.abs(np.diag(H)))
    top = float(np.max(d))
    if not (math.isfinite(top) and top > 0):
        return 1.0 / np.maximum(np.abs(x), 1.0)
    return np.asarray(np.maximum(d, 1e-3 * top), dtype=np.float64)


def _initial_radius(x: FloatArray, g: FloatArray, H: FloatArray, scale: FloatArray) -> float:
    """100·‖D x0‖ (MINPACK's choice; 100 when x0 = 0), or more if Newton's step needs it."""
    size = float(np.linalg.norm(scale * x))
    radius = 100.0 * size if size > 0 else 100.0
    try:
        np.linalg.cholesky(H)
        newton = np.linalg.solve(H, -g)
    except np.linalg.LinAlgError:
        return radius
    reach = float(np.linalg.norm(scale * newton))
    return max(radius, reach) if math.isfinite(reach) else radius


def _finite_hessian(objective: _Objective, x: FloatArray) -> FloatArray:
    """The Hessian, or zeros (a model without curvature: steepest descent) if it is not finite."""
    H = objective.hessian(x)
    return H if np.all(np.isfinite(H)) else np.zeros_like(H)


def _iterate(objective: _Objective, rule: steps.Strategy, kind: str, tol: float,
             max_iter: int, aggression: float | None = None) -> Result:  # fmt: skip
    """x ← x + δ, δ = rule(f, J, H), one step at a time: newton, gradient descent or yours.

    Iterates that return to the same points while the steps stay large stop as "cycling"; for
    gradient descent, a zigzag across a valley (each step reversing the last) is named, with
    the aggression γ = ``aggression`` compared with 2/λ of the Hessian's largest eigenvalue.
    """
    x, fx, g, path = _begin(objective)
    f_scale = max(abs(fx), 1.0)
    x_scale = max(float(np.max(np.abs(x))), 1.0)
    n = x.size
    for k in range(max_iter + 1):
        if not np.all(np.isfinite(g)):
            return _finish(objective, path, fx, "non-finite", "non-finite: the gradient is not "
                           f"finite at x = {objective.point(x)}")  # fmt: skip
        H = None if kind == "gradient-descent" else _finite_hessian(objective, x)
        if H is None and _relative_gradient(x, fx, g) <= tol:
            H = _finite_hessian(objective, x)
        why = _stationary(x, fx, g, H, tol, False)
        if why is not None:
            assert H is not None
            verdict = _verdict(objective, x, fx, H, why)
            status = "converged" if verdict.kind == "minimum" else verdict.kind
            return _finish(objective, path, fx, status, verdict.message)
        if k == max_iter:
            break
        if kind == "newton":
            assert H is not None
            try:
                step = steps.newton_step(fx, g, H)
            except np.linalg.LinAlgError:
                where = objective.point(x)
                message = f"zero derivative: the Hessian is singular at x = {where}; no Newton step"
                return _finish(objective, path, fx, "zero-derivative", message)
        elif kind == "gradient-descent":
            step = np.asarray(rule(fx, g, None), dtype=np.float64)
        else:
            assert H is not None
            shape = objective.shape
            hess = H.reshape(shape + shape) if shape else H.reshape(())
            got, problem = steps.checked_step(rule, fx, g.reshape(shape), hess, shape)
            if got is None:
                return _finish(objective, path, fx, "failed", f"failed: {problem}")
            step = got.reshape(n)
        x_new = x + step
        if not np.any(x_new != x):  # the step is below the rounding of x
            H = _finite_hessian(objective, x) if H is None else H
            why = _stationary(x, fx, g, H, tol, True)
            if why is not None:
                verdict = _verdict(objective, x, fx, H, why)
                status = "converged" if verdict.kind == "minimum" else verdict.kind
                return _finish(objective, path, fx, status, verdict.message)
            hint = " (the aggression is too small)" if kind == "gradient-descent" else ""
            message = (f"stalled: the step no longer changes x{hint}, yet "
                       f"{_unmet(x, fx, g, H, tol)}")  # fmt: skip
            return _finish(objective, path, fx, "stalled", message)
        f_new = objective.value(x_new) if np.all(np.isfinite(x_new)) else math.nan
        if not math.isfinite(f_new):
            hint = " (aggression too large?)" if kind == "gradient-descent" else ""
            return _finish(objective, path, fx, "non-finite", "non-finite: f is not finite at "
                           f"the next iterate{hint}")  # fmt: skip
        x, fx = x_new, f_new
        g = objective.gradient(x)
        path.append(x.copy())
        if float(np.max(np.abs(x))) > _DIVERGED * x_scale or abs(fx) > _DIVERGED * f_scale:
            zigzag = _zigzag(objective, path, aggression)
            if zigzag is not None:
                message = f"divergence: the iterates oscillate ever wider: {zigzag.text}"
            else:
                hint = "aggression too large, or " if kind == "gradient-descent" else ""
                message = f"divergence: the iterates run away ({hint}f unbounded below)"
            return _finish(objective, path, fx, "diverged", message)
        period = _cycle(path, float(np.linalg.norm(step)))
        if period:
            zigzag = _zigzag(objective, path, aggression)
            among = "between two points" if period == 2 else f"through {period} points"
            message = f"cycling: the iterates repeat {among} without converging"
            if zigzag is not None:
                message = f"cycling: the iterates oscillate {among} for ever: {zigzag.text}"
            return _finish(objective, path, fx, "cycling", message)
    if H is None and _relative_gradient(x, fx, g) <= tol:
        H = _finite_hessian(objective, x)
    message = f"iteration limit: no minimum within max_iter = {max_iter}: " + _unmet(
        x, fx, g, H, tol
    )
    zigzag = _zigzag(objective, path, aggression)
    if zigzag is not None and zigzag.kind == "grows" and len(path) > _ZIGZAG_WINDOW:
        message = (f"divergence: the iterates oscillate ever wider (stopped at max_iter = "
                   f"{max_iter}): {zigzag.text}")  # fmt: skip
        return _finish(objective, path, fx, "diverged", message)
    if zigzag is not None:
        message += f"; the iterates oscillate: {zigzag.text}"
    return _finish(objective, path, fx, "max-iter", message)


@dataclass(frozen=True)
class _Zigzag:
    kind: str  # "steady", "grows" or "shrinks": the swings across the valley
    ratio: float  # the swing's factor per step
    text: str  # what happens and what to change, in words


_ZIGZAG_WINDOW = 20  # steps examined for a zigzag
_ZIGZAG_STEADY = 1e-3  # swings within this relative change per step count as steady


def _zigzag(objective: _Objective, path: list[FloatArray],
            aggression: float | None) -> _Zigzag | None:  # fmt: skip
    """Gradient descent's zigzag across a valley, in words, or None.

    Along an eigenvector of the Hessian with eigenvalue λ, a step of x ← x − γ∇f multiplies the
    distance from the minimum by 1 − γλ: for γλ > 1 the iterates jump to the other side of the
    valley, and for γλ ≥ 2 they land at least as far out as they were, for ever. Seen in the
    path, each of the last steps reverses the one before along one direction, and the swings
    (steps along it) do not shrink, or shrink only slowly. The advice compares γ with 2/λ_max
    (and names γ = 2/(λ_min + λ_max), the fastest fixed step on a quadratic) when the Hessian
    at the last iterate is finite and its largest eigenvalue positive.
    """
    if aggression is None or len(path) < 3:
        return None
    recent = np.array(path[-min(len(path), _ZIGZAG_WINDOW + 1) :])
    moves = np.diff(recent, axis=0)
    last = moves[-1]
    size = float(np.linalg.norm(last))
    if not (size > 0 and math.isfinite(size)):
        return None
    direction = last / size
    along = moves @ direction  # the swings, signed
    if not (np.all(along[1:] * along[:-1] < 0)
            and np.all(np.abs(along) >= 0.5 * np.linalg.norm(moves, axis=1))):  # fmt: skip
        return None  # not every step reverses the last along one direction
    ratio = float((abs(along[-1]) / abs(along[0])) ** (1 / (along.size - 1)))
    if ratio > 1 + _ZIGZAG_STEADY:
        kind, how = "grows", f"the swings grow by a factor {ratio:.4g} each step"
    elif ratio >= 1 - _ZIGZAG_STEADY:
        kind, how = "steady", "the swings do not shrink"
    else:
        kind, how = "shrinks", f"the swings shrink only by a factor {ratio:.4g} each step"
    if direction[np.flatnonzero(direction.round(3))[:1]].sum() < 0:
        direction = -direction  # the axis, not its sense: its first component positive
    axis = ", ".join(f"{v:.3g}" for v in direction.round(3) + 0.0)
    along_axis = f" along ({axis})" if direction.size > 1 else ""
    text = (f"each step overshoots the bottom of a valley, reversing the last{along_axis}, and "
            f"{how}")  # fmt: skip
    try:
        H = objective.hessian(recent[-1])
        lam = np.linalg.eigvalsh((H + H.T) / 2) if np.all(np.isfinite(H)) else None
    except (TypeError, ValueError, np.linalg.LinAlgError):
        lam = None
    if lam is not None and lam[-1] > 0:
        limit, top = 2 / float(lam[-1]), float(lam[-1])
        curvature = (f"where λ = {top:.4g} is the Hessian's largest eigenvalue (the curvature "
                     "across the valley)")  # fmt: skip
        if aggression >= limit * (1 - 1e-9):
            text += (f"; the aggression γ = {aggression:.4g} is at or beyond 2/λ = {limit:.4g}, "
                     f"{curvature}: choose γ below {limit:.4g}")  # fmt: skip
        else:
            text += (f"; the aggression γ = {aggression:.4g} is close to 2/λ = {limit:.4g}, "
                     f"{curvature}, so the swings die away slowly: a smaller γ settles "
                     "sooner")  # fmt: skip
        if lam[0] > 0:
            best = 2 / (float(lam[0]) + top)
            text += f" (on a quadratic, γ = 2/(λ_min + λ_max) = {best:.4g} is the fastest)"
    else:
        text += f"; choose an aggression smaller than γ = {aggression:.4g}"
    return _Zigzag(kind, ratio, text)


def gradient_descent(
    f: Any,
    x0: ArrayLike,
    *,
    grad: Callable[[Any], Any] | str | None = None,
    aggression: float = 0.1,
    tol: float = 1e-8,
    max_iter: int = 10_000,
) -> Result:
    """Minimise f by gradient descent with a fixed aggression γ: x ← x − γ ∇f(x), as in the sandpit.

    Parameters
    ----------
    f : callable or str
        A scalar function of a vector (or of a scalar).
    x0 : float or array_like
        The start.
    grad : callable or str, optional
        ∇f; by default exact, by automatic differentiation. Maths text is read by the safe
        parser, in the variables of f: ``"2*x, 20*y"``.
    aggression : float, optional
        γ, the fixed step multiplier.
    tol : float, optional
        The first-order test of :func:`minimize` (Dennis and Schnabel's relative gradient).
    max_iter : int, optional

    Returns
    -------
    Result
        ``status`` is "converged" only at a minimum, as :func:`minimize` certifies one: a
        small relative gradient, no negative curvature and no lower f nearby (the Hessian comes
        from automatic differentiation of f, or from central differences of ``grad`` when f
        is beyond it). A γ so small that the step no longer changes x is "stalled" (never
        success); one so large that f overflows is "non-finite", and runaway iterates are
        "diverged".

    Examples
    --------
    >>> import mvcalc as mc
    >>> r = mc.gradient_descent("(x - 1)**2 + 2*(y + 2)**2", [0.0, 0.0], aggression=0.2)
    >>> r.x.round(6), r.status
    (array([ 1., -2.]), 'converged')
    >>> mc.gradient_descent("x**2", 1.0, aggression=1e-300).status  # x never moves
    'stalled'
    """
    aggression = positive_float(aggression, "aggression")
    tol = positive_float(tol, "tol")
    max_iter = positive_int(max_iter, "max_iter")
    func, names = as_function(f)
    gradient: Callable[[Any], Any] | None = None
    if grad is not None:
        gradient = _derivative_function(grad, names, "grad")
        function(gradient, "grad", "grad(x), or maths text")
    one_variable = names is not None and len(names) == 1
    objective = _Objective(func, _matching(x0, names), gradient, one_variable=one_variable)
    rule = steps.gradient_descent_step(aggression)
    with np.errstate(all="ignore"):
        return _iterate(objective, rule, "gradient-descent", tol, max_iter, aggression)


def minimize(
    f: Any,
    x0: ArrayLike,
    *,
    method: str = "hybrid",
    next_step: Strategy | None = None,
    aggression: float = 0.1,
    tol: float = 1e-8,
    max_iter: int = 1000,
) -> Result:
    """Minimise f using its gradient J and Hessian H (exact, by automatic differentiation).

    Parameters
    ----------
    f : callable or str
        A scalar function of a vector (or of a scalar): a Python callable written with NumPy, or
        maths text (variables in alphabetical order).
    x0 : float or array_like
        The start.
    method : {"hybrid", "newton", "gradient-descent"}, optional
        * ``"hybrid"`` (the default): Newton's method in a trust region, the course's hybrid
          made continuous (:func:`mvcalc.steps.trust_region_step`). Each step is
          δ = −(H + μD²)⁻¹J: Newton's step (μ = 0) where H is positive definite and the step
          fits in the region, turning towards steepest descent, −J/μ, as the shift μ grows.
          A step is kept only if f falls, and the region widens or narrows with how well the
          quadratic model predicted f. It follows negative curvature downhill, so saddles and
          maxima do not hold it, and it weighs each variable by its curvature (D² = diag |H|),
          so that badly scaled problems do not stall it.
        * ``"newton"``: the plain Newton step δ = −H⁻¹J (:func:`mvcalc.steps.newton_step`),
          fast near a minimum but heading for any stationary point: at a saddle or a maximum
          it stops with that status, never "converged".
        * ``"gradient-descent"``: the fixed step δ = −γ J.
    next_step : callable, optional
        Your own strategy ``next_step(f, J, H) -> step``, given the value, gradient and Hessian
        at the current point, as in the course's "gradient descent in a sandpit"; overrides
        ``method``. Its step is taken as it is (no line search); a strategy that raises or
        returns a non-finite or wrongly shaped step stops the iteration with status "failed".
    aggression : float, optional
        γ for gradient descent.
    tol : float, optional
        The first-order test (see Notes).
    max_iter : int, optional
        Steps tried; the trust region counts the steps it rejects as well.

    Returns
    -------
    Result
        ``status`` "converged" only at a minimum (Notes). Otherwise: "saddle" or "maximum" (a
        stationary point that is not a minimum; the message gives the Hessian's eigenvalues),
        "stalled" (no step makes progress), "diverged" (the iterates run away, or f is
        unbounded below), "non-finite", "zero-derivative" (a singular Hessian gives Newton no
        step), "failed" (your strategy) or "max-iter".

    Notes
    -----
    ``converged=True`` needs both conditions of a minimum, measured scale-aware:

    1. *First order.* Dennis and Schnabel's relative gradient,
       maxᵢ |∂f/∂xᵢ|·max(|xᵢ|, 1) / max(|f|, 1) ≤ ``tol`` (the relative change of f per
       relative change of each xᵢ, with 1 as the typical size of xᵢ and of f), and, where H
       is positive definite, Newton's step within 1 % of max(|xᵢ|, 1): a gentle slope that
       still reaches far (1/x for large x, a function of size 10⁻²⁰) is not a minimum yet.
       When no step can change x any more, it is also enough that Newton's step is that
       short and f within tol²·max(|f|, 1) of the quadratic model's minimum: the rounding of
       x keeps the gradient of a steep bowl from vanishing. A gradient or value that is not
       finite is "non-finite", never success.
    2. *Second order.* No clearly negative eigenvalue of H (in the variables scaled by
       max(|xᵢ|, 1)), and f no lower on either side of x along each eigenvector of H, probed
       where its curvature should raise f by a millionth of max(|f|, 1) (at most a tenth of
       max(|xᵢ|, 1) away; farther where f does not change at all). Only such probes tell a
       singular minimum (x⁴ at 0) from an inflection (x³ at 0) or a plateau. The hybrid
       method moves on from a lower probe; the others stop there ("saddle", or "stalled" on a
       plateau).

    How the hybrid relates to the sandpit's: :func:`mvcalc.steps.hybrid_step` switches
    between Newton's step and −γJ and its workers take one such step per probe, checked by
    nothing. ``minimize``'s hybrid takes the same two steps as the ends of one family,
    −(H + μD²)⁻¹J, and adds what an unattended solver needs: a trust region that sets μ and
    the step's length, rejection of steps that do not lower f, and the certificate above.

    Like every numerical test, this one cannot see a minimum at infinity once f is flat to
    rounding there (exp(x) is exactly 0 below x ≈ −745).

    References
    ----------
    J. E. Dennis and R. B. Schnabel, *Numerical Methods for Unconstrained Optimization and
    Nonlinear Equations*, SIAM (1996), §7.2. J. J. Moré and D. C. Sorensen, "Computing a trust
    region step", SIAM J. Sci. Stat. Comput. 4 (1983). J. Nocedal and S. J. Wright, *Numerical
    Optimization*, 2nd ed., Springer (2006), ch. 4.

    Examples
    --------
    >>> import mvcalc as mc
    >>> r = mc.minimize("(1-x)**2 + 100*(y-x**2)**2", [-1.2, 1.0])
    >>> r.x.round(8), r.status
    (array([1., 1.]), 'converged')
    >>> r = mc.minimize("x**3 - 3*x + y**2", [-0.5, 1.0], method="newton")
    >>> r.x.round(8), r.status                     # Newton heads for the saddle point...
    (array([-1.,  0.]), 'saddle')
    >>> r.message
    'saddle: a stationary point, not a minimum: the Hessian has eigenvalues -6 and 2'
    >>> mc.minimize("x**3 - 3*x + y**2", [-0.5, 1.0]).x.round(8)   # ...the hybrid passes it
    array([1., 0.])
    >>> r = mc.minimize("x**2 + y**2", [1.0, 2.0], next_step=lambda f, J, H: -0.25 * J)
    >>> r.x.round(6), r.status
    (array([0., 0.]), 'converged')
    """
    if next_step is None:
        one_of(method, METHODS, "method")
    else:
        function(next_step, "next_step", "next_step(f, J, H)")
    aggression = positive_float(aggression, "aggression")
    tol = positive_float(tol, "tol")
    max_iter = positive_int(max_iter, "max_iter")
    func, names = as_function(f)
    one_variable = names is not None and len(names) == 1
    objective = _Objective(func, _matching(x0, names), one_variable=one_variable)
    with np.errstate(all="ignore"):
        if next_step is not None:
            return _iterate(objective, next_step, "yours", tol, max_iter)
        if method == "gradient-descent":
            rule = steps.gradient_descent_step(aggression)
            return _iterate(objective, rule, "gradient-descent", tol, max_iter, aggression)
        if method == "newton":
            return _iterate(objective, steps.newton_step, "newton", tol, max_iter)
        return _trust_region(objective, tol, max_iter)


# ------------------------------------------------------------------------------------------
# Lagrange multipliers
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StationaryPoint:
    """A point where ∇f = Σ λᵢ ∇gᵢ on the constraints gᵢ = 0 (:func:`lagrange`), or where
    ∇f = 0 (:func:`stationary_points`, no constraints and no multipliers).

    Attributes
    ----------
    point : dict of str to sympy number
        The variables' values (exact when SymPy solved the system, floats from the numeric
        fallback).
    multipliers : list of sympy number
        λ₁, …, λₘ (empty without constraints).
    value : sympy number
        f at the point.
    kind : {"maximum", "minimum", "saddle", "unknown", "degenerate"}
        With constraints, from the bordered Hessian: a constrained local maximum or minimum, a
        saddle, or "unknown" where the test cannot decide (a zero minor). Without, from the
        Hessian's eigenvalues: all positive, a minimum; all negative, a maximum; both signs, a
        saddle; a zero eigenvalue, "degenerate" (the second-derivative test is inconclusive).
    exact : bool
        Whether ``point`` is exact (SymPy's closed form, or a numeric root recognised and then
        verified exactly); False for floats from the numeric fallback.
    eigenvalues : tuple
        The Hessian's eigenvalues at the point, ascending (:func:`stationary_points` only):
        exact when SymPy has a closed form for them, else floats.
    """

    point: dict[str, Any]
    multipliers: list[Any]
    value: Any
    kind: str
    exact: bool = True
    eigenvalues: tuple[Any, ...] = ()

    def coordinates(self) -> FloatArray:
        """The point as floats, in the order of the variables."""
        return np.array([float(v) for v in self.point.values()])


def lagrange(
    f: Any,
    constraints: Any,
    variables: Any = None,
    *,
    starts: int = 24,
    time_limit: float | None = None,
) -> list[StationaryPoint]:
    """Stationary points of f subject to gᵢ = 0, by Lagrange multipliers: ∇f = Σ λᵢ ∇gᵢ.

    Parameters
    ----------
    f : str or sympy.Expr
    constraints : str, sympy.Expr or list of them
        Each gᵢ, meaning the constraint gᵢ = 0 (``"x**2 + y**2 - 1"``), or an equation
        (``"x^2 + y^2 = 1"``, read by :func:`mvcalc.symbolic.parse_equations`); several in one
        text are separated by commas.
    variables : str or list of str, optional
        ``"x,y"`` or ``["x", "y"]``; every one must appear in f or a constraint. Default: every
        variable of f and the constraints, in alphabetical order.
    starts : int, optional
        Starting points for the numeric fallback (Newton on the Lagrangian system) when SymPy
        finds no closed form.
    time_limit : float, optional
        Seconds SymPy may spend solving the system and classifying each point (default: the
        module-wide limit, 10 s; see :mod:`mvcalc._budget`). Overrunning raises
        :class:`~mvcalc._budget.TooCostly`, a ``ValueError``.

    Returns
    -------
    list of StationaryPoint
        Sorted by the value of f, largest first.

    Examples
    --------
    >>> import mvcalc as mc
    >>> points = mc.lagrange("x*y", "x**2 + y**2 - 1", "x,y")
    >>> [(p.kind, p.value) for p in points]
    [('maximum', 1/2), ('maximum', 1/2), ('minimum', -1/2), ('minimum', -1/2)]
    >>> [p.value for p in mc.lagrange("x + y", "x^2 + y^2 = 2")]  # variables x, y inferred
    [2, -2]
    """
    import sympy

    from mvcalc import symbolic

    objective = symbolic.parse(f) if isinstance(f, str) else f
    if not isinstance(objective, sympy.Expr):
        raise TypeError(f"f must be maths text or a SymPy expression, got {type(f).__name__}")
    if isinstance(constraints, str):
        gs = symbolic.parse_equations(constraints)
    elif isinstance(constraints, sympy.Expr):
        gs = [constraints]
    elif isinstance(constraints, list | tuple):
        gs = [g for c in constraints
              for g in (symbolic.parse_equations(c) if isinstance(c, str) else [c])]  # fmt: skip
    else:
        raise TypeError(f"constraints must be text or a list of expressions, got {constraints!r}")
    if not gs:
        raise ValueError("constraints must hold at least one constraint g(x) = 0")
    free = objective.free_symbols.union(*(g.free_symbols for g in gs))
    xs = _unknowns(free, variables, "f or the constraints")
    if len(gs) >= len(xs):
        raise ValueError(
            f"constraints: {len(gs)} constraints leave no freedom in {len(xs)} variables"
        )
    lambdas = [sympy.Symbol(f"lambda_{i + 1}") for i in range(len(gs))]
    lagrangian = objective - sum(lam * g for lam, g in zip(lambdas, gs, strict=True))
    unknowns = [*xs, *lambdas]
    equations = [sympy.diff(lagrangian, v) for v in xs] + gs
    solutions: list[dict[Any, Any]] = []
    try:
        solved = _budget.run(sympy.solve, equations, unknowns, dict=True, time_limit=time_limit)
        for s in solved:
            if all(v in s for v in unknowns) and all(s[v].is_real for v in unknowns):
                solutions.append({v: s[v] for v in unknowns})
    except _budget.TooCostly:
        raise  # the user's limit: say so rather than guess numerically
    except (NotImplementedError, ValueError, TypeError):
        pass  # SymPy could not solve the system: the numeric search below takes over
    if not solutions:
        solutions = _numeric_lagrange(equations, unknowns, starts)
    points = [_budget.run(_classify, objective, gs, xs, lambdas, lagrangian, s,
                          time_limit=time_limit) for s in solutions]  # fmt: skip
    return sorted(points, key=lambda p: -float(p.value))


def _unknowns(free: set[Any], variables: Any, where: str) -> list[Any]:
    """The variables as the symbols of ``free``, in the order given (default: alphabetical),
    checked: distinct names, each appearing ``where``, and every symbol listed."""
    import sympy

    from mvcalc import symbolic

    if variables is None:  # the one sensible order: alphabetical
        variables = sorted(str(s) for s in free)
    if isinstance(variables, str):
        names = [v.strip() for v in variables.split(",")]
    elif isinstance(variables, list | tuple):
        names = [str(v) for v in variables]
    else:
        raise TypeError(f"variables must be text like 'x,y' or a list of names, got "
                        f"{type(variables).__name__}")  # fmt: skip
    if len(names) > symbolic.MAX_VARIABLES:
        raise ValueError(f"variables: {len(names)} names; the limit is {symbolic.MAX_VARIABLES}")
    if not names or not all(n.isidentifier() for n in names) or len(set(names)) != len(names):
        raise ValueError(f"variables must be distinct names like 'x,y', got {variables!r}")
    read = [symbolic.parse(n) for n in names]  # as the parser reads a name: θ is theta
    if not all(isinstance(r, sympy.Symbol) for r in read):
        raise ValueError(f"variables must be distinct names like 'x,y', got {variables!r}")
    names = [r.name for r in read]
    xs = [next((s for s in free if str(s) == n), sympy.Symbol(n)) for n in names]
    unused = [n for n, s in zip(names, xs, strict=True) if s not in free]
    if unused:
        raise ValueError(f"variables {unused} do not appear in {where}")
    others = free - set(xs)
    if others:
        raise ValueError(f"variables must list every symbol; missing {sorted(map(str, others))}")
    return xs


def _numeric_lagrange(
    equations: list[Any], unknowns: list[Any], starts: int
) -> list[dict[Any, Any]]:
    """Newton on the Lagrangian system from several seeded starts; distinct real roots."""
    from mvcalc._numeric import numeric_function

    parts = [numeric_function(e, unknowns) for e in equations]

    def system(v: Any) -> Any:
        return np.stack([p(*[v[i] for i in range(len(unknowns))]) + 0.0 * v[0] for p in parts])

    rng = np.random.default_rng(0)
    found: list[np.ndarray] = []
    for _ in range(positive_int(starts, "starts")):
        try:
            r = newton_raphson(system, rng.uniform(-2, 2, len(unknowns)), tol=1e-13, max_iter=100)
        except ValueError:  # a start outside the functions' domain (log of a negative number)
            continue
        if r.converged and not any(np.allclose(r.x, p, atol=1e-8) for p in found):
            found.append(np.asarray(r.x))
    return [dict(zip(unknowns, map(float, p), strict=True)) for p in found]


def _classify(objective: Any, gs: list[Any], xs: list[Any], lambdas: list[Any],
              lagrangian: Any, solution: dict[Any, Any]) -> StationaryPoint:  # fmt: skip
    """The bordered Hessian test at one solution."""
    import sympy

    n, m = len(xs), len(gs)
    at = dict(solution)
    border = np.array([[float(sympy.diff(g, x).subs(at)) for x in xs] for g in gs])
    inner = np.array([[float(sympy.diff(lagrangian, a, b).subs(at)) for b in xs] for a in xs])
    bordered = np.block([[np.zeros((m, m)), border], [border.T, inner]])
    scale = max(1.0, float(np.max(np.abs(bordered))))
    signs = []
    for size in range(2 * m + 1, m + n + 1):
        minor = float(np.linalg.det(bordered[:size, :size]))
        signs.append(0 if abs(minor) <= 1e-10 * scale**size else int(np.sign(minor)))
    if not signs or 0 in signs:
        kind = "unknown"
    elif all(s == (-1) ** m for s in signs):
        kind = "minimum"
    elif all(s == (-1) ** (m + k) for k, s in enumerate(signs, start=1)):
        kind = "maximum"
    else:
        kind = "saddle"
    value = objective.subs({x: at[x] for x in xs})
    return StationaryPoint(
        point={str(x): at[x] for x in xs},
        multipliers=[at[lam] for lam in lambdas],
        value=sympy.nsimplify(value) if isinstance(value, float) else sympy.simplify(value),
        kind=kind,
        exact=not any(isinstance(v, float) for v in solution.values()),
    )


# ------------------------------------------------------------------------------------------
# Stationary points: ∇f = 0, classified by the Hessian
# ------------------------------------------------------------------------------------------

KINDS = ("minimum", "maximum", "saddle", "degenerate")
MAX_POINTS = 100  # the most stationary points classified in one call (a bound on the work)
_FLAT = 1e-5  # at a numeric point, |eigenvalue| below this × max(1, max |Hᵢⱼ|) counts as zero
_NEAR = 10.0  # the numeric search keeps roots with every |xᵢ| ≤ this (its starts: [−2, 2]ⁿ)
_TRIALS = ((3, 7), (-5, 11), (13, 4), (-17, 3), (1, 10))  # values tried for a family's parameters


class StationaryPoints(list[StationaryPoint]):
    """The list :func:`stationary_points` returns, with whether it is proven to be all of them.

    Attributes
    ----------
    complete : bool
        True when the list holds every real stationary point of f, proven: ∇f = 0 reduces to
        polynomial equations (once factors that never vanish, such as exp(…) or x² + 1, are
        set aside) with finitely many solutions, and SymPy solved them exactly. False when the
        equations are not polynomial (SymPy may miss solutions: cos(x) = 0 has infinitely
        many), or when SymPy could not solve them and a numeric search stood in.
    note : str
        Why the list may not be complete, in sentences for a learner ("" when it is).
    """

    complete: bool
    note: str

    def __init__(
        self, points: list[StationaryPoint] | None = None, *, complete: bool, note: str = ""
    ) -> None:
        super().__init__(points or [])
        self.complete = complete
        self.note = note


@dataclass(frozen=True)
class _Solved:
    """What the worker found for ∇f = 0 (:func:`_solve_gradient`)."""

    points: list[dict[Any, Any]]
    complete: bool
    search: bool  # whether the numeric search is to look for (more) points
    reason: str = ""  # why the list may not be complete, a key of _REASONS
    family: str = ""  # a real family of solutions, as text: "x = y"
    periodic: tuple[str, ...] = ()  # "x (period 2*pi)" for each variable f is periodic in


_REASONS = {
    "not polynomial": (
        "∇f = 0 is not a system of polynomial equations, and SymPy's solutions of such "
        "equations may not be all of them; a numeric search (Newton's method from {starts} "
        "starts in [−2, 2]ⁿ) added any others it found near the origin."
    ),
    "unsolved": (
        "SymPy could not solve ∇f = 0; these points were found by a numeric search (Newton's "
        "method from {starts} starts in [−2, 2]ⁿ) and may not be all of them."
    ),
    "no closed form": (
        "the stationary points' coordinates are roots of polynomials that SymPy cannot solve "
        "in closed form here; these points were found by a numeric search (Newton's method "
        "from {starts} starts in [−2, 2]ⁿ) and may not be all of them."
    ),
    "complex family": (
        "∇f = 0 has infinitely many complex solutions, among which mvcalc cannot pick out "
        "the real ones exactly; these points were found by a numeric search (Newton's method "
        "from {starts} starts in [−2, 2]ⁿ) and may not be all of them."
    ),
    "undecided": (
        "SymPy could not decide exactly whether some solutions of ∇f = 0 are real; those "
        "that are real to 30 digits are listed with float coordinates."
    ),
}


def stationary_points(
    f: Any,
    variables: Any = None,
    *,
    starts: int = 24,
    time_limit: float | None = None,
) -> StationaryPoints:
    """Every real stationary point of f (∇f = 0), found exactly, classified by the Hessian.

    SymPy solves ∇f = 0. At each solution the Hessian H decides the kind: every eigenvalue
    positive, a local minimum; every one negative, a local maximum; both signs, a saddle; a
    zero eigenvalue, "degenerate" — the second-derivative test is inconclusive there (x⁴ and
    −x⁴ and x³ all have one at 0). Signs are decided exactly, never from rounded floats: from
    exact arithmetic, or, at roots with no closed form (CRootOf), from H evaluated to 60
    digits, where an eigenvalue within 1e-30‖H‖ of 0 counts as 0. A point found only
    numerically is classified from floats, an eigenvalue within 1e-5‖H‖ of 0 counting as 0 —
    "degenerate" there means the test does not decide, never a guess.

    When the equations are polynomial (after setting aside factors that never vanish, such as
    exp(−x² − y²)), they are solved by Gröbner bases, so the list is every stationary point,
    proven (``complete``). Otherwise SymPy's answers are kept and a numeric search (Newton's
    method on ∇f = 0 from seeded starts, as :func:`lagrange` uses) adds any it missed; the
    result then says that it may not be complete, and why, in ``note``. A numeric root that
    looks simple (0, 1/3, √2/2, π/2, 1/e) is kept exactly once ∇f = 0 is verified there exactly.

    Parameters
    ----------
    f : str or sympy.Expr
        The function, e.g. ``"x**3 - 3*x + y**2"``.
    variables : str or list of str, optional
        ``"x,y"`` or ``["x", "y"]``; every one must appear in f, and every symbol of f must be
        listed. Default: the variables of f in alphabetical order.
    starts : int, optional
        Starting points of the numeric search, when it runs.
    time_limit : float, optional
        Seconds SymPy may spend solving ∇f = 0, and then classifying each point (default: the
        module-wide limit, 10 s; see :mod:`mvcalc._budget`). When solving overruns it, the
        numeric search takes over and the result says so; when classifying a point overruns
        it, the kind comes from the Hessian's eigenvalues in floating point.

    Returns
    -------
    StationaryPoints
        A list of :class:`StationaryPoint` (``point``, ``value``, ``kind``, ``eigenvalues``,
        ``exact``; ``multipliers`` empty), sorted by their coordinates, with the attributes
        ``complete`` and ``note``. At most :data:`MAX_POINTS` points are listed.

    Raises
    ------
    ValueError
        If f has infinitely many stationary points forming a line, curve or surface, such as
        every point where x = y for f = (x − y)²: they cannot be listed, and the message says
        where they are. Also for bad arguments.
    TypeError
        If f is not text or a SymPy expression.

    Examples
    --------
    >>> import mvcalc as mc
    >>> points = mc.stationary_points("x**3 - 3*x + y**2")
    >>> [(p.point, p.kind, p.value) for p in points]
    [({'x': -1, 'y': 0}, 'saddle', 2), ({'x': 1, 'y': 0}, 'minimum', -2)]
    >>> points.complete, points[0].eigenvalues
    (True, (-6, 2))
    >>> [p.kind for p in mc.stationary_points("x**4 + y**2")]  # the test cannot decide
    ['degenerate']
    >>> try:
    ...     mc.stationary_points("(x - y)**2")
    ... except ValueError as error:
    ...     print(error)
    f has infinitely many stationary points, which cannot be listed: every point where x = y
    """
    import sympy

    from mvcalc import symbolic
    from mvcalc._numeric import numeric_function

    objective = symbolic.parse(f) if isinstance(f, str) else f
    if not isinstance(objective, sympy.Expr):
        raise TypeError(f"f must be maths text or a SymPy expression, got {type(f).__name__}")
    if not objective.free_symbols:
        raise ValueError(f"f must depend on a variable, got the constant {objective}")
    xs = _unknowns(objective.free_symbols, variables, "f")
    starts = positive_int(starts, "starts")
    if time_limit is not None:
        time_limit = positive_float(time_limit, "time_limit")
    gradient = [symbolic.diff(objective, x, time_limit=time_limit) for x in xs]
    hessian = symbolic.hessian(objective, xs, time_limit=time_limit)
    try:
        numeric = _NumericParts(
            numeric_function(objective, xs),
            numeric_function(sympy.Matrix(gradient), xs, name="∇f"),
            numeric_function(hessian, xs, name="H"),
        )
    except ValueError as exc:  # a derivative SymPy could not take, or a DiracDelta from |x|
        raise ValueError(f"f must be twice differentiable where it is defined: {exc}") from None
    try:
        solved = _budget.run(_solve_gradient, objective, gradient, xs, time_limit=time_limit)
    except _budget.TooCostly as exc:
        seconds = f" ({exc.seconds:g} s)" if exc.seconds else ""
        solved = _Solved([], complete=False, search=True, reason=f"time{seconds}")
    if solved.family:
        raise ValueError(
            f"f has infinitely many stationary points, which cannot be listed: {solved.family}"
        )
    points: list[StationaryPoint] = []
    for values in sorted(solved.points, key=lambda v: [float(v[x]) for x in xs]):
        if len(points) > MAX_POINTS:
            break  # enough to say that there are more
        found = _classified(objective, xs, values, numeric, hessian, time_limit)
        if found is not None:
            points.append(found)
    if solved.search:
        for values in _numeric_lagrange(gradient, xs, starts):
            floats = np.array([values[x] for x in xs])
            if float(np.max(np.abs(floats))) > _NEAR:
                continue  # Newton's flight far from the starts: not "near the origin"
            if any(np.allclose(floats, p.coordinates(), rtol=1e-6, atol=1e-6) for p in points):
                continue  # found already (Newton stops short of a multiple root: 1e-8 away)
            try:
                exact = _budget.run(_recognised, gradient, xs, floats.tolist(),
                                    time_limit=time_limit)  # fmt: skip
            except _budget.TooCostly:
                exact = None
            found = _classified(objective, xs, exact or dict(values), numeric, hessian, time_limit)
            if found is not None:
                points.append(found)
    points.sort(key=lambda p: tuple(p.coordinates()))
    notes = []
    if solved.reason.startswith("time"):
        notes.append(
            f"SymPy did not solve ∇f = 0 within the time limit{solved.reason[4:]}; these "
            f"points were found by a numeric search (Newton's method from {starts} starts in "
            "[−2, 2]ⁿ) and may not be all of them."
        )
    elif solved.reason:
        notes.append(_REASONS[solved.reason].format(starts=starts))
    if solved.periodic and points:
        notes.append(
            f"f is periodic in {' and '.join(solved.periodic)}, so its stationary points "
            "repeat without end: only some are listed."
        )
    if len(points) > MAX_POINTS:
        notes.append(f"f has more than {MAX_POINTS} stationary points; the first "
                     f"{MAX_POINTS} (by their coordinates) are listed.")  # fmt: skip
        points = points[:MAX_POINTS]
    complete = solved.complete and not notes
    return StationaryPoints(points, complete=complete, note=" ".join(notes))


@dataclass(frozen=True)
class _NumericParts:
    """f, ∇f and H as NumPy functions of the variables (one argument each)."""

    f: Callable[..., Any]
    gradient: Callable[..., Any]
    hessian: Callable[..., Any]


def _kind(positive: int, negative: int, n: int) -> str:
    """The second-derivative test from the numbers of positive and negative eigenvalues."""
    if positive == n:
        return "minimum"
    if negative == n:
        return "maximum"
    return "saddle" if positive and negative else "degenerate"


def _classified(
    objective: Any,
    xs: list[Any],
    values: dict[Any, Any],
    numeric: _NumericParts,
    hessian: Any,
    time_limit: float | None,
) -> StationaryPoint | None:
    """The stationary point at ``values``, classified exactly when the values are exact
    (falling back on floats when SymPy cannot decide in time); None where f or H is undefined
    or ∇f is not 0 after all."""
    import sympy

    from mvcalc import symbolic

    floats = np.array([float(values[x]) for x in xs])
    with np.errstate(all="ignore"):
        fx = float(np.asarray(numeric.f(*floats), dtype=float))
        g = np.asarray(numeric.gradient(*floats), dtype=float).reshape(-1)
        H = np.asarray(numeric.hessian(*floats), dtype=float).reshape(len(xs), len(xs))
    if not (math.isfinite(fx) and np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
        return None  # outside f's domain, or where f is not twice differentiable
    scale = max(1.0, float(np.max(np.abs(H))) * max(1.0, float(np.max(np.abs(floats)))))
    if float(np.max(np.abs(g))) > 1e-6 * scale:
        return None  # not stationary: a spurious solution, or a numeric root that drifted
    exact = all(isinstance(v, sympy.Basic) and not v.atoms(sympy.Float) for v in values.values())
    point = {x: values[x] for x in xs}
    value: Any = sympy.Float(fx)
    eigenvalues: tuple[Any, ...] | None = None
    kind = ""
    if exact and any(v.has(sympy.CRootOf) for v in point.values()):
        value = objective.xreplace(point)
        try:
            positive, negative, _ = _budget.run(_root_signs, hessian, point,
                                                time_limit=time_limit)  # fmt: skip
            kind = _kind(positive, negative, len(xs))
        except ValueError:  # no time left: the floats decide
            pass
        eigenvalues = tuple(float(v) for v in np.linalg.eigvalsh(0.5 * (H + H.T)))
    elif exact:
        try:
            value = symbolic.evaluate(objective, point, time_limit=time_limit).exact
            test = symbolic.second_derivative_test(objective, point, xs, time_limit=time_limit)
        except ValueError:  # no time left, or a sign SymPy cannot decide: the floats decide
            pass
        else:
            if not test.stationary and float(np.max(np.abs(g))) > 1e-12 * scale:
                return None  # SymPy's solution fails the exact check and the numeric one
            positive, negative, _ = test.signs
            kind = _kind(positive, negative, len(xs))
            eigenvalues = tuple(test.eigenvalues if test.eigenvalues is not None
                                else (float(v) for v in test.values))  # fmt: skip
    if not kind:
        computed = np.linalg.eigvalsh(0.5 * (H + H.T))
        flat = _FLAT * max(1.0, float(np.max(np.abs(H))))
        kind = _kind(int(np.sum(computed > flat)), int(np.sum(computed < -flat)), len(xs))
        eigenvalues = tuple(float(v) for v in computed)
    return StationaryPoint(
        point={str(x): (values[x] if exact else float(values[x])) for x in xs},
        multipliers=[],
        value=value,
        kind=kind,
        exact=exact,
        eigenvalues=eigenvalues or (),
    )


def _closed_forms(v: float) -> list[Any]:
    """Closed forms within 1e-7 (relative) of ``v``, simplest first: 0, p/q, ±√(p/q), p/q·π,
    p/q·e and p/(q·e), each with q ≤ 1000."""
    from fractions import Fraction

    import sympy

    found = [sympy.Integer(0)] if abs(v) <= 1e-6 else []
    tries: list[tuple[float, Callable[[Any], Any]]] = [
        (v, lambda r: r),
        (v * v, lambda r: sympy.sqrt(r) if v > 0 else -sympy.sqrt(r)),
        (v / math.pi, lambda r: r * sympy.pi),
        (v / math.e, lambda r: r * sympy.E),
        (v * math.e, lambda r: r / sympy.E),
    ]
    for number, build in tries:
        q = Fraction(number).limit_denominator(1000)
        if q == 0 or abs(float(q) - number) > 1e-7 * max(1.0, abs(number)):
            continue
        g = build(sympy.Rational(q.numerator, q.denominator))
        if g not in found and abs(float(g) - v) <= 1e-6 * max(1.0, abs(v)):
            found.append(g)
    return sorted(found, key=lambda g: len(sympy.sstr(g)))


def _recognised(gradient: list[Any], xs: list[Any], floats: list[float]) -> dict[Any, Any] | None:
    """A numeric root in closed form (0, √2/2, π/2, 1/e, …), kept only where ∇f = 0 holds
    exactly.

    The guesses may be loose (Newton creeps towards a multiple root: x − sin(x) = 0 stops some
    1e-8 from 0), since only a guess at which ∇f vanishes exactly is kept. Runs in a worker
    process (:func:`mvcalc._budget.run`).
    """
    import itertools

    import sympy

    choices = [_closed_forms(v) for v in floats]
    for guess in itertools.islice(itertools.product(*choices), 27):
        at = dict(zip(xs, guess, strict=True))
        if all(sympy.simplify(component.xreplace(at)) == 0 for component in gradient):
            return at
    return None


def _root_signs(hessian: Any, values: dict[Any, Any]) -> tuple[int, int, int]:
    """How many eigenvalues of H are positive, negative and zero at a point whose coordinates
    are roots with no closed form (CRootOf), where exact symbolic work is slow.

    The coordinates are exact numbers, so H's entries can be had to any precision: at 60
    digits its eigenvalues are off by about 1e-58 × ‖H‖, and one farther than 1e-30 × ‖H‖
    from 0 has a certain sign. Closer counts as 0 (the point is called degenerate: the test
    does not decide, which is never a false claim). Runs in a worker process.
    """
    import mpmath  # type: ignore[import-untyped]
    import sympy

    with mpmath.workdps(60):
        at = {x: sympy.N(v, 60) for x, v in values.items()}
        n = hessian.shape[0]
        H = mpmath.matrix(n, n)
        for i in range(n):
            for j in range(n):
                H[i, j] = mpmath.mpf(str(sympy.N(hessian[i, j].xreplace(at), 60)))
        H = (H + H.T) / 2
        flat = mpmath.mpf("1e-30") * max(1, mpmath.mnorm(H, 1))
        eigenvalues = mpmath.eigsy(H, eigvals_only=True)
        positive = sum(1 for e in eigenvalues if e > flat)
        negative = sum(1 for e in eigenvalues if e < -flat)
    return positive, negative, n - positive - negative


def _solve_gradient(objective: Any, gradient: list[Any], xs: list[Any]) -> _Solved:
    """∇f = 0 solved by SymPy: exactly and completely when it is polynomial.

    Runs in a worker process (:func:`mvcalc._budget.run`), so its time is limited.
    """
    import sympy

    real = {x: sympy.Symbol(x.name, real=True) for x in xs}
    equations = [e for e in (_vanishing_part(g, xs, real) for g in gradient) if e != 0]
    if not equations:
        return _Solved([], complete=False, search=False,
                       family="∇f is 0 everywhere (f is constant)")  # fmt: skip
    if all(e.is_polynomial(*xs) for e in equations):
        return _solve_polynomial(equations, xs)
    try:
        found: list[dict[Any, Any]] | None = sympy.solve(equations, xs, dict=True)
    except (NotImplementedError, ValueError, TypeError):
        found = None
    if found is None:
        return _Solved([], complete=False, search=True, reason="unsolved")
    family = _real_family(found, xs)
    if family:
        return _Solved([], complete=False, search=False, family=family)
    points = []
    for solution in found:
        if set(solution) != set(xs) or any(v.free_symbols for v in solution.values()):
            continue  # a family of complex solutions: the numeric search looks for real ones
        values = {x: _real_number(solution[x]) for x in xs}
        if all(v is not None for v in values.values()):
            points.append(values)
    periodic = []
    for x in xs:
        try:
            period = sympy.periodicity(objective, x)
        except (NotImplementedError, ValueError, TypeError, AttributeError):
            period = None
        if period is not None and period != 0:
            periodic.append(f"{x} (period {sympy.sstr(period)})")
    return _Solved(points, complete=False, search=True, reason="not polynomial",
                   periodic=tuple(periodic))  # fmt: skip


def _vanishing_part(component: Any, xs: list[Any], real: dict[Any, Any]) -> Any:
    """The numerator of a component of ∇f without its factors that never vanish for real
    values of the variables (exp(−x²), x² + 1, constants): the same zeros, simpler equations."""
    import sympy

    numerator, _ = sympy.fraction(sympy.together(component))
    kept = []
    for factor in sympy.Mul.make_args(sympy.factor_terms(numerator)):
        base, power = factor.as_base_exp()
        if not (power.is_Integer and power > 0):
            base = factor
        parts = [p for p, _ in sympy.factor_list(base)[1]] if base.is_polynomial(*xs) else [base]
        for part in parts:
            as_real = part.xreplace(real)
            if as_real.is_zero is False and as_real.is_finite:
                continue  # never 0: no stationary point comes from it
            kept.append(part)
    return sympy.Mul(*kept)


def _solve_polynomial(equations: list[Any], xs: list[Any]) -> _Solved:
    """Polynomial equations: a Gröbner basis tells whether the solutions are finitely many;
    then every real one, exactly."""
    import sympy
    from sympy.polys.polyerrors import UnsolvableFactorError
    from sympy.solvers.polysys import solve_poly_system

    basis = sympy.groebner(equations, *xs, order="lex")
    if list(basis.exprs) == [1]:
        return _Solved([], complete=True, search=False)  # no solution at all, not even complex
    if not basis.is_zero_dimensional:  # infinitely many complex solutions: are they real?
        try:
            family = _real_family(sympy.solve(equations, xs, dict=True), xs)
        except (NotImplementedError, ValueError, TypeError):
            family = ""
        if family:
            return _Solved([], complete=False, search=False, family=family)
        return _Solved([], complete=False, search=True, reason="complex family")
    roots: dict[Any, Any] = {}
    try:
        found = [dict(zip(xs, t, strict=True))
                 for t in solve_poly_system(equations, *xs, strict=True) or []]  # fmt: skip
    except (UnsolvableFactorError, NotImplementedError):  # roots with no closed form
        grid = _grid_of_roots(list(basis.exprs), xs)
        if grid is None:
            grid = _shape_solutions(equations, xs, roots)
        if grid is None:
            return _Solved([], complete=False, search=True, reason="no closed form")
        found = grid
    points: list[dict[Any, Any]] = []
    undecided = False
    for solution in found:
        values: dict[Any, Any] = {}
        for x in xs:
            v = solution[x]
            if v.is_real is None:
                v = _real_root(v, x, equations, xs, roots)
            elif v.is_real is False:
                v = False
            if v is False:
                break
            if v is True:  # real, but not decided exactly: 30 digits stand in for it
                undecided = True
                v = _real_number(solution[x])
                if v is None:
                    break
            values[x] = v
        else:
            if values not in points:
                points.append(values)
    return _Solved(points, complete=not undecided, search=False,
                   reason="undecided" if undecided else "")  # fmt: skip


def _eliminant(equations: list[Any], xs: list[Any], x: Any) -> Any:
    """The polynomial in x alone of the ideal (finitely many solutions): the last polynomial of
    its lex Gröbner basis with x last, or None if that is not in x alone."""
    import sympy

    order = [y for y in xs if y != x] + [x]
    last = sympy.groebner(equations, *order, order="grevlex").fglm("lex").exprs[-1]
    return sympy.Poly(last, x) if last.free_symbols <= {x} else None


def _shape_solutions(
    equations: list[Any], xs: list[Any], cache: dict[Any, Any]
) -> list[dict[Any, Any]] | None:
    """Every real solution of polynomial equations with finitely many solutions, exactly, when
    their coordinates are roots with no closed form (the shape lemma).

    The ideal is made radical by adding the square-free part of each variable's eliminant
    (Seidenberg's lemma); with a linear form t = Σ cᵢxᵢ that tells the solutions apart, its lex
    Gröbner basis is then xᵢ − gᵢ(t) and p(t): the solutions are xᵢ = gᵢ(r) for the roots r of
    p, real exactly when r is real (one solution per r, and its conjugate has the same r). Each
    coordinate is written as the root of its own eliminant that it is (:func:`_real_root`) when
    they can be told apart. None when no form among a few tells the solutions apart.
    """
    import itertools

    import sympy

    t = sympy.Dummy("t")
    weights = ((1, 2, 3, 5, 7, 11), (1, -3, 4, -2, 9, 5), (2, 7, -5, 3, 1, -8))
    for radical, w in itertools.product((False, True), weights):
        extra = []
        if radical:  # shape position is certain only for a radical ideal
            for x in xs:
                p = _eliminant(equations, xs, x)
                if p is None:
                    return None
                extra.append(p.sqf_part().as_expr())
        form = sum(w[i % len(w)] * x for i, x in enumerate(xs))
        system = [*equations, *extra, t - form]  # grevlex, then FGLM: far faster than lex
        basis = sympy.groebner(system, *xs, t, order="grevlex").fglm("lex").exprs
        shape: dict[Any, Any] = {}
        last = None
        for e in basis:
            symbols = e.free_symbols
            if symbols <= {t}:
                last = e
                continue
            own = [x for x in xs if x in symbols]
            if len(own) != 1 or not symbols <= {own[0], t}:
                break
            poly = sympy.Poly(e, own[0])
            if poly.degree() != 1 or poly.LC().free_symbols:
                break
            shape[own[0]] = -poly.TC() / poly.LC()  # xᵢ = gᵢ(t)
        else:
            if last is None or set(shape) != set(xs):
                continue
            out = []
            for r in sympy.Poly(last, t).real_roots():
                values = {}
                for x in xs:
                    exact = sympy.expand(shape[x].subs(t, r))
                    named = _real_root(exact, x, equations, xs, cache)
                    values[x] = named if isinstance(named, sympy.Basic) else exact
                out.append(values)
            return out
    return None


def _grid_of_roots(basis: list[Any], xs: list[Any]) -> list[dict[Any, Any]] | None:
    """When each polynomial of the basis is in one variable of its own (f = a(x) + b(y)):
    every combination of their real roots, exactly; None otherwise."""
    import itertools

    import sympy

    by_variable: dict[Any, Any] = {}
    for p in basis:
        symbols = p.free_symbols & set(xs)
        if len(symbols) != 1 or next(iter(symbols)) in by_variable:
            return None
        by_variable[next(iter(symbols))] = p
    if set(by_variable) != set(xs):
        return None
    choices = [list(dict.fromkeys(sympy.Poly(by_variable[x], x).real_roots())) for x in xs]
    if math.prod(len(c) for c in choices) > 4 * MAX_POINTS:
        return None
    return [dict(zip(xs, combination, strict=True)) for combination in itertools.product(*choices)]


def _real_root(
    value: Any, x: Any, equations: list[Any], xs: list[Any], cache: dict[Any, Any]
) -> Any:
    """A coordinate SymPy cannot tell real (a cubic's roots written with i), or one written
    as a polynomial in another root, as the exact real root it is — or not real.

    It is a root of the univariate polynomial in x of the ideal (its eliminant). That
    polynomial's real roots are isolated exactly, in disjoint intervals narrower than 1e-20;
    the value, evaluated to 30 digits, lies in one of them (then it is that root, CRootOf or
    rational), or has an imaginary part far above its 30 digits' error (then it is not real).
    Returns the root, False when the value is not real, True when neither can be told.
    """
    import sympy

    if x not in cache:
        eliminant = _eliminant(equations, xs, x)
        if eliminant is None:
            return True
        p = eliminant.sqf_part()
        cache[x] = ([interval for interval, _ in p.intervals(eps=sympy.Rational(1, 10**20))],
                    p.real_roots())  # fmt: skip
    intervals, roots = cache[x]
    re, im = sympy.N(value, 30).as_real_imag()
    if not (re.is_Number and im.is_Number):
        return True
    margin = sympy.Rational(1, 10**25) * max(1, abs(re))
    if abs(im) > 10**5 * margin:
        return False
    inside = [k for k, (a, b) in enumerate(intervals) if a - margin <= re <= b + margin]
    return roots[inside[0]] if len(inside) == 1 and abs(im) <= margin else True


def _real_number(value: Any) -> Any:
    """``value`` if it is real; a 30-digit Float if it is real to 30 digits but SymPy cannot
    tell; None if it is complex."""
    import sympy

    if value.is_real:
        return value
    if value.is_real is False:
        return None
    try:
        re, im = (float(part) for part in sympy.N(value, 30).as_real_imag())
    except (TypeError, ValueError):
        return None
    if math.isfinite(re) and abs(im) <= 1e-25 * max(1.0, abs(re)):
        return sympy.Float(sympy.re(sympy.N(value, 30)), 30)
    return None


def _real_family(found: list[dict[Any, Any]], xs: list[Any]) -> str:
    """The solutions of ∇f = 0 that are families (a free variable remains), as text — those
    that hold real points; "" when there are none."""
    import sympy

    texts = []
    for solution in found:
        free = (set(xs) - set(solution)).union(*(v.free_symbols for v in solution.values()))
        parameters = sorted(free & set(xs), key=str)
        if not parameters:
            continue
        for k in range(len(_TRIALS)):
            trial = {p: sympy.Rational(*_TRIALS[(k + j) % len(_TRIALS)])
                     for j, p in enumerate(parameters)}  # fmt: skip
            try:
                numbers = [complex(sympy.N(v.xreplace(trial), 20)) for v in solution.values()]
            except (TypeError, ValueError):
                continue
            if all(math.isfinite(z.real) and abs(z.imag) <= 1e-12 * (1 + abs(z.real))
                   for z in numbers):  # fmt: skip
                where = " and ".join(f"{k} = {sympy.sstr(v)}" for k, v in solution.items())
                texts.append(f"every point where {where}" if where else "every point")
                break
    return "; and ".join(texts)
