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

from mvcalc._validate import positive_float, positive_int
from mvcalc.autodiff import grad as ad_grad
from mvcalc.autodiff import hessian as ad_hessian
from mvcalc.autodiff import jacobian as ad_jacobian
from mvcalc.results import Result

__all__ = [
    "METHODS",
    "StationaryPoint",
    "as_function",
    "gradient_descent",
    "lagrange",
    "minimize",
    "newton_raphson",
]

FloatArray = NDArray[np.float64]

METHODS = ("hybrid", "newton", "gradient-descent")
_DIVERGED = 1e12  # |x| or |f| this many times larger than at the start counts as divergence

Strategy = Callable[[Any, Any, Any], ArrayLike]


def as_function(f: Any, name: str = "f") -> tuple[Callable[[Any], Any], list[str] | None]:
    """A callable of one argument (scalar or vector) from a callable or maths text.

    Text with one variable gives a function of a scalar; with several, a function of the vector
    of the variables in alphabetical order; a comma-separated list gives a vector function.
    Returns the function and, for text, the variable names.

    Examples
    --------
    >>> from mvcalc.optimize import as_function
    >>> g, names = as_function("x*y + y")
    >>> names, float(g([2.0, 3.0]))
    (['x', 'y'], 9.0)
    """
    if callable(f):
        return f, None
    if not isinstance(f, str):
        raise TypeError(f"{name} must be callable or maths text, got {type(f).__name__}")
    import sympy

    from mvcalc import symbolic
    from mvcalc._numeric import numeric_function

    exprs = symbolic.parse_many(f)
    symbols = sorted(set().union(*(e.free_symbols for e in exprs)), key=str)
    if not symbols:
        raise ValueError(f"{name} must depend on at least one variable, got {f!r}")
    numeric = numeric_function(sympy.Matrix(exprs) if len(exprs) > 1 else exprs[0], symbols)
    names = [str(s) for s in symbols]
    if len(exprs) > 1:
        parts = [numeric_function(e, symbols) for e in exprs]
        if len(symbols) == 1:
            return (lambda x: np.stack([np.asarray(p(x)) * 1.0 for p in parts])), names
        return (lambda v: np.stack([p(*[v[i] for i in range(len(symbols))]) + 0.0 * v[0]
                                    for p in parts])), names  # fmt: skip
    if len(symbols) == 1:
        return numeric, names
    return (lambda v: numeric(*[v[i] for i in range(len(symbols))])), names


def _matching(x0: ArrayLike, names: list[str] | None) -> ArrayLike:
    """Check that a start for maths text gives one value per variable."""
    if names is not None:
        size = np.size(x0)
        if size != len(names):
            raise ValueError(
                f"x0 must give one value per variable ({', '.join(names)}), got {size}"
            )
    return x0


def _start(x0: ArrayLike, name: str = "x0") -> np.ndarray:
    try:
        x = np.asarray(x0, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or a 1-D array of numbers, got {x0!r}") from None
    if x.ndim > 1:
        raise ValueError(f"{name} must be a scalar or 1-D, got shape {x.shape}")
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite and not empty")
    return x


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
    fprime: Callable[[Any], Any] | None = None,
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
    fprime : callable, optional
        f' (or the Jacobian for systems); by default exact, by automatic differentiation.
    tol : float, optional
        Converged when the step is below ``tol`` relative to |x| and the residual |f(x)| is
        below √tol relative to |f(x0)| (both: a tiny step with a large residual is no root).
    max_iter : int, optional

    Returns
    -------
    Result
        ``x``, ``fun`` = f(x), ``path``, ``nit``, ``converged`` and ``message``. Failures are
        named: a zero derivative (or singular Jacobian), cycling (an iterate repeats), divergence
        (iterates or residuals growing without bound, or non-finite), and the iteration limit.

    Examples
    --------
    >>> import mvcalc as mc
    >>> r = mc.newton_raphson("x**3 - 2*x + 2", -2)
    >>> round(r.x, 10), r.converged
    (-1.7692923542, True)
    >>> mc.newton_raphson("x**3 - 2*x + 2", 0).message
    'cycling: the iterates repeat with period 2 (0, 1) without converging'
    """
    func, names = as_function(f)
    x = _start(_matching(x0, names))
    tol = positive_float(tol, "tol")
    max_iter = positive_int(max_iter, "max_iter")
    if fprime is not None and not callable(fprime):
        raise TypeError(f"fprime must be callable, got {type(fprime).__name__}")
    scalar = x.ndim == 0
    derivative = fprime if fprime is not None else (ad_grad(func) if scalar else ad_jacobian(func))

    with np.errstate(all="ignore"):
        fx = np.asarray(func(x), dtype=np.float64)
        if fx.shape != x.shape:
            raise ValueError(f"f must return as many values as x has ({x.size}), got {fx.shape}")
        if not np.all(np.isfinite(fx)):
            raise ValueError(f"f is not finite at x0 = {x0!r}")
        f_scale = max(float(np.linalg.norm(fx)), 1.0)
        x_scale = max(float(np.linalg.norm(x)), 1.0)
        path = [x.copy()]
        if not np.any(fx):
            return _result(path, fx, "converged", "converged: x0 is a root")
        for _ in range(max_iter):
            d = np.asarray(derivative(x), dtype=np.float64)
            if scalar:
                if d == 0 or not np.isfinite(d):
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
                    return _result(path, fx, "zero-derivative", "zero derivative: the Jacobian is singular at "
                                   f"x = {np.array2string(x, precision=6)}")  # fmt: skip
            x_new = x + step
            fx_new = np.asarray(func(x_new), dtype=np.float64)
            if not (np.all(np.isfinite(x_new)) and np.all(np.isfinite(fx_new))):
                return _result(path, fx, "non-finite", "divergence: the next iterate is not finite")
            x, fx = x_new, fx_new
            path.append(x.copy())
            small_step = float(np.linalg.norm(step)) <= tol * max(float(np.linalg.norm(x)), 1.0)
            small_residual = float(np.linalg.norm(fx)) <= math.sqrt(tol) * f_scale
            if (small_step and small_residual) or not np.any(fx):
                return _result(
                    path, fx, "converged", "converged: the step and the residual are small"
                )
            period = _cycle(path, tol)
            if period:
                if scalar:
                    values = ", ".join(f"{float(p):.6g}" for p in sorted(path[-period:]))
                else:
                    values = "; ".join(np.array2string(p, precision=4) for p in path[-period:])
                return _result(path, fx, "cycling", f"cycling: the iterates repeat with period "
                               f"{period} ({values}) without converging")  # fmt: skip
            if (float(np.linalg.norm(x)) > _DIVERGED * x_scale
                    or float(np.linalg.norm(fx)) > _DIVERGED * f_scale):  # fmt: skip
                return _result(path, fx, "diverged", "divergence: the iterates run away")
    return _result(path, fx, "max-iter", f"iteration limit: no root within max_iter = {max_iter}")


def _cycle(path: list[np.ndarray], tol: float) -> int:
    """The period (2 to 8) with which the last iterates repeat, or 0."""
    x = path[-1]
    for period in range(2, 9):
        if len(path) > 2 * period:
            earlier = path[-1 - period]
            before = path[-1 - 2 * period]
            close = max(float(np.linalg.norm(x - earlier)), float(np.linalg.norm(earlier - before)))
            if close <= 1e3 * tol * max(float(np.linalg.norm(x)), 1.0):
                return period
        elif len(path) > period and float(np.linalg.norm(x - path[-1 - period])) == 0.0:
            return period
    return 0


# ------------------------------------------------------------------------------------------
# Minimisation
# ------------------------------------------------------------------------------------------


def gradient_descent(
    f: Any,
    x0: ArrayLike,
    *,
    grad: Callable[[Any], Any] | None = None,
    aggression: float = 0.1,
    tol: float = 1e-8,
    max_iter: int = 10_000,
) -> Result:
    """Minimise f by gradient descent with a fixed aggression γ: x ← x − γ ∇f(x), as in the sandpit.

    Parameters
    ----------
    f : callable or str
        A scalar function of a vector (or of a scalar).
    x0 : array_like
    grad : callable, optional
        ∇f; by default exact, by automatic differentiation.
    aggression : float, optional
        γ, the fixed step multiplier.
    tol : float, optional
        Converged when |∇f| is below ``tol`` (relative to max(1, |∇f(x0)|)) or the step is
        below ``tol`` relative to |x|.
    max_iter : int, optional

    Returns
    -------
    Result

    Examples
    --------
    >>> import mvcalc as mc
    >>> r = mc.gradient_descent("(x - 1)**2 + 2*(y + 2)**2", [0.0, 0.0], aggression=0.2)
    >>> r.x.round(6), r.converged
    (array([ 1., -2.]), True)
    """
    aggression = positive_float(aggression, "aggression")
    func, names = as_function(f)
    x0 = _matching(x0, names)
    gradient = grad if grad is not None else ad_grad(func)
    return _descend(func, x0, lambda x, fx, g: -aggression * g, gradient, None, tol, max_iter)


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
    x0 : array_like
    method : {"hybrid", "newton", "gradient-descent"}, optional
        * ``"newton"``: the Newton step δ = −H⁻¹J (fast near a minimum; it heads for any
          stationary point, maxima and saddles included).
        * ``"hybrid"`` (the course's idea, made robust): the Newton step when it points
          downhill and H is positive definite, else the steepest-descent step −J; either way
          shortened by backtracking until f falls enough (Armijo's condition).
        * ``"gradient-descent"``: the fixed step −γ J.
    next_step : callable, optional
        Your own strategy ``next_step(f, J, H) -> step``, given the value, gradient and Hessian
        at the current point, as in the course's "gradient descent in a sandpit"; overrides
        ``method``. A strategy that raises or returns a non-finite or wrongly shaped step stops
        the iteration with a message.
    aggression : float, optional
        γ for gradient descent.
    tol : float, optional
        Converged when |J| or the step is small (relative).
    max_iter : int, optional

    Returns
    -------
    Result

    Examples
    --------
    >>> import mvcalc as mc
    >>> r = mc.minimize("(1-x)**2 + 100*(y-x**2)**2", [-1.2, 1.0])
    >>> r.x.round(8), r.converged
    (array([1., 1.]), True)
    >>> r = mc.minimize("x**2 + y**2", [1.0, 2.0], next_step=lambda f, J, H: -0.25 * J)
    >>> r.x.round(6)
    array([0., 0.])
    """
    if next_step is None and (not isinstance(method, str) or method not in METHODS):
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}")
    if next_step is not None and not callable(next_step):
        raise TypeError(f"next_step must be callable as next_step(f, J, H), got {next_step!r}")
    aggression = positive_float(aggression, "aggression")
    func, names = as_function(f)
    x0 = _matching(x0, names)
    gradient = ad_grad(func)
    hess = ad_hessian(func)
    if next_step is not None:
        return _descend(func, x0, _user_step(next_step, hess), gradient, None, tol, max_iter)
    if method == "gradient-descent":
        return _descend(func, x0, lambda x, fx, g: -aggression * g, gradient, None, tol, max_iter)
    if method == "newton":
        return _descend(func, x0, _newton_step(hess), gradient, None, tol, max_iter)
    return _descend(func, x0, _hybrid_direction(hess), gradient, func, tol, max_iter)


def _user_step(strategy: Strategy, hess: Callable[[Any], Any]) -> Callable[..., Any]:
    def step(x: np.ndarray, fx: float, g: np.ndarray) -> np.ndarray:
        try:
            out = np.asarray(strategy(fx, g, np.asarray(hess(x))), dtype=np.float64)
        except Exception as exc:  # the user's code: report, never crash the optimiser
            raise _Stop(f"strategy failed: {type(exc).__name__}: {exc}") from None
        if out.shape != x.shape:
            raise _Stop(f"strategy failed: the step has shape {out.shape}, x has {x.shape}")
        if not np.all(np.isfinite(out)):
            raise _Stop("strategy failed: the step is not finite")
        return out

    return step


def _newton_step(hess: Callable[[Any], Any]) -> Callable[..., Any]:
    def step(x: np.ndarray, fx: float, g: np.ndarray) -> np.ndarray:
        H = np.asarray(hess(x), dtype=np.float64).reshape(x.size, x.size)
        try:  # δ = −H⁻¹ J
            return np.asarray(np.linalg.solve(H, -g.reshape(-1))).reshape(x.shape)
        except np.linalg.LinAlgError:
            raise _Stop("zero curvature: the Hessian is singular; no Newton step") from None

    return step


def _hybrid_direction(hess: Callable[[Any], Any]) -> Callable[..., Any]:
    def step(x: np.ndarray, fx: float, g: np.ndarray) -> np.ndarray:
        H = np.asarray(hess(x), dtype=np.float64).reshape(x.size, x.size)
        flat_g = g.reshape(-1)
        try:
            np.linalg.cholesky(H)  # positive definite: the quadratic model has a minimum
            newton = np.linalg.solve(H, -flat_g)
            if float(newton @ flat_g) < 0:  # it points downhill
                return np.asarray(newton).reshape(x.shape)
        except np.linalg.LinAlgError:
            pass
        # steepest descent, scaled to a sensible first length before backtracking
        scale = 1.0 / max(float(np.linalg.norm(flat_g)), 1.0)
        return np.asarray(-scale * flat_g).reshape(x.shape)

    return step


class _Stop(Exception):
    """A step rule cannot go on; the message says why."""


def _descend(
    func: Callable[[Any], Any],
    x0: ArrayLike,
    step_rule: Callable[[np.ndarray, float, np.ndarray], np.ndarray],
    gradient: Callable[[Any], Any],
    line_search: Callable[[Any], Any] | None,
    tol: float,
    max_iter: int,
) -> Result:
    x = _start(x0)
    tol = positive_float(tol, "tol")
    max_iter = positive_int(max_iter, "max_iter")
    with np.errstate(all="ignore"):
        fx = float(np.asarray(func(x)))
        if not math.isfinite(fx):
            raise ValueError(f"f is not finite at x0 = {x0!r}")
        g = np.asarray(gradient(x), dtype=np.float64)
        g_scale = max(float(np.linalg.norm(g)), 1.0)
        f_scale = max(abs(fx), 1.0)
        x_scale = max(float(np.linalg.norm(x)), 1.0)
        path = [x.copy()]
        for _ in range(max_iter):
            if float(np.linalg.norm(g)) <= tol * g_scale:
                return _result(path, fx, "converged", "converged: the gradient is zero (to tol)")
            try:
                step = step_rule(x, fx, g)
            except _Stop as stop:
                return _result(path, fx, "failed", str(stop))
            if line_search is not None:  # backtrack until Armijo: f falls by ≥ ¼ of the slope
                slope = float(np.dot(g.reshape(-1), step.reshape(-1)))
                for _halving in range(60):
                    trial = float(np.asarray(line_search(x + step)))
                    if math.isfinite(trial) and trial <= fx + 1e-4 * slope:
                        break
                    step = step / 2
                else:
                    return _result(
                        path, fx, "converged", "converged: no step lowers f (to rounding)"
                    )
            x_new = x + step
            f_new = float(np.asarray(func(x_new)))
            if not (math.isfinite(f_new) and np.all(np.isfinite(x_new))):
                return _result(path, fx, "non-finite", "divergence: the next iterate is not finite "
                               "(aggression too large?)")  # fmt: skip
            x, fx = x_new, f_new
            g = np.asarray(gradient(x), dtype=np.float64)
            path.append(x.copy())
            if (float(np.linalg.norm(x)) > _DIVERGED * x_scale
                    or abs(fx) > _DIVERGED * f_scale):  # fmt: skip
                return _result(path, fx, "diverged", "divergence: the iterates run away "
                               "(aggression too large, or f unbounded below)")  # fmt: skip
            if float(np.linalg.norm(step)) <= tol * tol * max(float(np.linalg.norm(x)), 1.0):
                return _result(path, fx, "converged", "converged: the step is negligible")
    return _result(
        path, fx, "max-iter", f"iteration limit: not converged within max_iter = {max_iter}"
    )


# ------------------------------------------------------------------------------------------
# Lagrange multipliers
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StationaryPoint:
    """A point where ∇f = Σ λᵢ ∇gᵢ on the constraints gᵢ = 0 (:func:`lagrange`).

    Attributes
    ----------
    point : dict of str to sympy number
        The variables' values (exact when SymPy solved the system, floats from the numeric
        fallback).
    multipliers : list of sympy number
        λ₁, …, λₘ.
    value : sympy number
        f at the point.
    kind : {"maximum", "minimum", "saddle", "unknown"}
        From the bordered Hessian: a constrained local maximum or minimum, a saddle, or
        "unknown" where the test cannot decide (a zero minor).
    """

    point: dict[str, Any]
    multipliers: list[Any]
    value: Any
    kind: str

    def coordinates(self) -> FloatArray:
        """The point as floats, in the order of the variables."""
        return np.array([float(v) for v in self.point.values()])


def lagrange(
    f: Any, constraints: Any, variables: Any, *, starts: int = 24
) -> list[StationaryPoint]:
    """Stationary points of f subject to gᵢ = 0, by Lagrange multipliers: ∇f = Σ λᵢ ∇gᵢ.

    Parameters
    ----------
    f : str or sympy.Expr
    constraints : str, sympy.Expr or list of them
        Each gᵢ, meaning the constraint gᵢ = 0 (``"x**2 + y**2 - 1"``).
    variables : str or list of str
        ``"x,y"`` or ``["x", "y"]``; every one must appear in f or a constraint.
    starts : int, optional
        Starting points for the numeric fallback (Newton on the Lagrangian system) when SymPy
        finds no closed form.

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
    """
    import sympy

    from mvcalc import symbolic

    objective = symbolic.parse(f) if isinstance(f, str) else f
    if not isinstance(objective, sympy.Expr):
        raise TypeError(f"f must be maths text or a SymPy expression, got {type(f).__name__}")
    if isinstance(constraints, str):
        gs = symbolic.parse_many(constraints)
    elif isinstance(constraints, sympy.Expr):
        gs = [constraints]
    elif isinstance(constraints, list | tuple):
        gs = [symbolic.parse(g) if isinstance(g, str) else g for g in constraints]
    else:
        raise TypeError(f"constraints must be text or a list of expressions, got {constraints!r}")
    if not gs:
        raise ValueError("constraints must hold at least one constraint g(x) = 0")
    names = [v.strip() for v in variables.split(",")] if isinstance(variables, str) else [
        str(v) for v in variables]  # fmt: skip
    if not names or not all(n.isidentifier() for n in names) or len(set(names)) != len(names):
        raise ValueError(f"variables must be distinct names like 'x,y', got {variables!r}")
    xs = [sympy.Symbol(n) for n in names]
    free = objective.free_symbols.union(*(g.free_symbols for g in gs))
    unused = [n for n, s in zip(names, xs, strict=True) if s not in free]
    if unused:
        raise ValueError(f"variables {unused} do not appear in f or the constraints")
    others = free - set(xs)
    if others:
        raise ValueError(f"variables must list every symbol; missing {sorted(map(str, others))}")
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
        solved = sympy.solve(equations, unknowns, dict=True)
        for s in solved:
            if all(v in s for v in unknowns) and all(s[v].is_real for v in unknowns):
                solutions.append({v: s[v] for v in unknowns})
    except (NotImplementedError, ValueError, TypeError):
        solved = []
    if not solutions:
        solutions = _numeric_lagrange(equations, unknowns, starts)
    points = [_classify(objective, gs, xs, lambdas, lagrangian, s) for s in solutions]
    return sorted(points, key=lambda p: -float(p.value))


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
        r = newton_raphson(system, rng.uniform(-2, 2, len(unknowns)), tol=1e-13, max_iter=100)
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
    )
