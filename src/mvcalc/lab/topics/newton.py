"""The Newton–Raphson page: tangents stepping to a root of f(x) = 0, or failing by name; then
Newton's method for two equations in x and y.

Every path is :func:`mvcalc.newton_raphson`'s own, with its statuses and messages as it gives
them. Its ``fprime`` is exact: SymPy's derivative of f (:func:`mvcalc.symbolic.diff`), or the
Jacobian of (f₁, f₂), compiled once per expression; the table's f′(xₖ) is that same function. The
page only draws: f along the window (or the zero curves of a system, by
:func:`mvcalc.lab.topics._plane.contours`), the iterates, and where each tangent meets the axis.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from mvcalc.lab._api import Expression, expression, integer, jsonable, number
from mvcalc.lab.topics._plane import contours, sample, window

__all__ = ["ACTIONS", "NAMES", "equation", "system"]

SAMPLES = 401  # points drawn along f
GRID = 161  # points along each side of the grid for a system's zero curves
MAX_ITER = 100  # the most iterations a request may ask for
DEFAULT_ITER = 50
LIMIT = 1e6  # the largest |coordinate| of a window or a start
DEFAULT_WINDOW = (-3.0, 3.0, -3.0, 3.0)

#: the library's status → the name the page gives the outcome
NAMES = {
    "converged": "converged",
    "cycling": "cycling",
    "diverged": "divergence",
    "zero-derivative": "zero derivative",
    "max-iter": "iteration limit",
    "non-finite": "non-finite",
    "linear-convergence": "linear convergence",
}


@lru_cache(maxsize=64)
def _slope_function(e: Expression) -> Callable[..., Any]:
    import sympy

    from mvcalc._numeric import numeric_function
    from mvcalc.symbolic import diff

    return numeric_function(diff(e.expr, "x"), [sympy.Symbol("x")], name="f'")


@lru_cache(maxsize=64)
def _curve(e: Expression, lo: float, hi: float) -> tuple[list[Any], list[Any]]:
    with np.errstate(all="ignore"):
        xs = np.linspace(lo, hi, SAMPLES)
        ys = np.asarray(e.f(xs), dtype=float) * np.ones_like(xs)
    return jsonable(xs, digits=7), jsonable(ys, digits=7)


@lru_cache(maxsize=32)
def _zero_curves(e1: Expression, e2: Expression, xlim: tuple[float, float],
                 ylim: tuple[float, float]) -> list[list[list[list[float]]]]:  # fmt: skip
    out = []
    for e in (e1, e2):
        xs, ys, z = sample(e.f, xlim, ylim, GRID)
        out.append(_off_poles(e, xs, ys, z, contours(xs, ys, z, [0.0])[0]))
    return out


def _off_poles(e: Expression, xs: Any, ys: Any, z: Any,
               lines: list[list[list[float]]]) -> list[list[list[float]]]:  # fmt: skip
    """The zero curves without the false ones that contouring draws across a pole (tan(x) − y
    at x = π/2, where f leaps from +∞ to −∞ between two grid points) or a jump (sign(x) + y).

    Contouring puts a point on each grid edge where f changes sign, by linear interpolation
    between the edge's ends a and b. At a true zero, f at that point is near 0: |f| is at most
    0.8·min(|f(a)|, |f(b)|) unless the grid is far too coarse for the curve. Across a simple pole
    (f ≈ c/(x − p)) it is at least min(|f(a)|, |f(b)|) whatever the pole's place on the edge.
    Lines are cut where their points fail the test (the point is placed again exactly, since
    :func:`~mvcalc.lab.topics._plane.contours` rounds it).

    Examples
    --------
    >>> from mvcalc.lab._api import expression
    >>> e = expression({"f": "tan(x) - y"}, "f", ("x", "y"))
    >>> xs, ys, z = sample(e.f, (-1, 2), (-2, 2), 61)
    >>> lines = contours(xs, ys, z, [0.0])[0]
    >>> kept = _off_poles(e, xs, ys, z, lines)
    >>> near_pole = [p for line in kept for p in line if abs(p[0] - np.pi / 2) < 0.03]
    >>> len(lines), len(kept), near_pole
    (2, 1, [])
    """
    if not lines:
        return lines
    points = np.array([p for line in lines for p in line], dtype=float)
    hx, hy = xs[1] - xs[0], ys[1] - ys[0]
    fi, fj = (points[:, 0] - xs[0]) / hx, (points[:, 1] - ys[0]) / hy
    i = np.clip(np.rint(fi).astype(int), 0, len(xs) - 1)
    j = np.clip(np.rint(fj).astype(int), 0, len(ys) - 1)
    on_column, on_row = np.abs(fi - i) < 0.05, np.abs(fj - j) < 0.05
    good = np.ones(len(points), dtype=bool)  # corners, and points of unclear place, are kept
    with np.errstate(all="ignore"):
        for edge, along in ((on_column & ~on_row, "y"), (on_row & ~on_column, "x")):
            if along == "y":  # x = xs[i], between rows k and k + 1
                k = np.clip(np.floor(fj[edge]).astype(int), 0, len(ys) - 2)
                za, zb = z[k, i[edge]], z[k + 1, i[edge]]
                u, v = xs[i[edge]], ys[k] + za / (za - zb) * hy
            else:  # y = ys[j], between columns k and k + 1
                k = np.clip(np.floor(fi[edge]).astype(int), 0, len(xs) - 2)
                za, zb = z[j[edge], k], z[j[edge], k + 1]
                u, v = xs[k] + za / (za - zb) * hx, ys[j[edge]]
            value = np.abs(np.asarray(e.f(u, v), dtype=float)) * np.ones(len(u))
            good[edge] = value <= 0.8 * np.minimum(np.abs(za), np.abs(zb))
    kept: list[list[list[float]]] = []
    start = 0
    for line in lines:
        run: list[list[float]] = []
        for point, ok in zip(line, good[start : start + len(line)], strict=True):
            if ok:
                run.append(point)
            elif run:
                kept.extend([run] if len(run) > 1 else [])
                run = []
        kept.extend([run] if len(run) > 1 else [])
        start += len(line)
    return kept


@lru_cache(maxsize=32)
def _vector_function(e1: Expression, e2: Expression) -> Callable[[Any], Any]:
    """(f₁, f₂) as one function of the vector (x, y), as :func:`mvcalc.newton_raphson` builds
    it from the text ``"f1, f2"``."""
    f1, f2 = e1.f, e2.f

    def F(v: Any) -> Any:
        return np.stack([f1(v[0], v[1]) + 0.0 * v[0], f2(v[0], v[1]) + 0.0 * v[0]])

    return F


@lru_cache(maxsize=32)
def _jacobian_function(e1: Expression, e2: Expression) -> Callable[[Any], Any]:
    """The Jacobian of (f₁, f₂), exact (SymPy's derivatives), as a function of the vector (x, y)."""
    import sympy

    from mvcalc._numeric import numeric_function
    from mvcalc.symbolic import diff

    rows = [[diff(e.expr, v) for v in ("x", "y")] for e in (e1, e2)]
    J = numeric_function(sympy.Matrix(rows), sympy.symbols("x y"), name="J")

    def jacobian(v: Any) -> Any:
        return np.asarray(J(v[0], v[1]), dtype=float).reshape(2, 2)

    return jacobian


def _outcome(result: Any) -> dict[str, Any]:
    from mvcalc.results import STATUSES

    explain = STATUSES.get(result.status, "")
    if result.status == "converged":  # STATUSES says it for minima; this is a root
        explain = "a root: the last step and the residual both fell within the tolerance"
    return {
        "status": result.status,
        "name": NAMES.get(result.status, result.status),
        "explain": explain,
        "message": result.message,
        "converged": bool(result.converged),
        "nit": int(result.nit),
    }


def _start(body: dict[str, Any]) -> tuple[float, float] | None:
    raw = body.get("start")
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2:
        raise TypeError("start must be [x, y], two numbers")
    x = number({"start": raw[0]}, "start", low=-LIMIT, high=LIMIT)
    y = number({"start": raw[1]}, "start", low=-LIMIT, high=LIMIT)
    return x, y


def equation(body: dict[str, Any]) -> dict[str, Any]:
    """f along the window and, from a start x₀, Newton–Raphson's whole path to a root of f.

    Parameters
    ----------
    body : dict
        ``f`` (maths text in x, default ``x^2 - 2``), ``lo`` and ``hi`` (the x range drawn,
        default −3 and 3), ``x0`` (the start; absent or null: f only), ``max_iter`` (1 to 100,
        default 50).

    Returns
    -------
    dict
        ``f``, ``lo``, ``hi``, ``xs``, ``ys`` (f along the range); with ``x0``: ``path`` with
        ``x``, ``fx``, ``dfx`` (f′ at each iterate) and ``meets`` (where the tangent at each
        iterate meets the axis, None where it is flat), ``residuals`` (|f(xₖ)|), the library's
        ``status``, its ``name`` on the page, ``explain`` (what the status means),
        ``message``, ``converged``, ``nit`` and ``root`` (xₙ when converged, else None).

    Examples
    --------
    >>> answer = equation({"f": "x^2 - 2", "x0": 1})
    >>> answer["status"], answer["nit"], round(answer["root"], 12)
    ('converged', 6, 1.414213562373)
    >>> answer["path"]["x"][:3], answer["path"]["meets"][0]
    ([1.0, 1.5, 1.4166666666666667], 1.5)
    >>> cycle = equation({"f": "x^3 - 2x + 2", "x0": 0})
    >>> cycle["name"], cycle["path"]["x"]
    ('cycling', [0.0, 1.0, 0.0])
    """
    import mvcalc as mc

    e = expression(body, "f", ("x",), default="x^2 - 2")
    lo = number(body, "lo", -3.0, low=-LIMIT, high=LIMIT)
    hi = number(body, "hi", 3.0, low=-LIMIT, high=LIMIT)
    if not hi - lo >= 1e-6:
        raise ValueError(f"lo must be below hi (by 1e-6 at least), got lo = {lo:g}, hi = {hi:g}")
    max_iter = integer(body, "max_iter", DEFAULT_ITER, 1, MAX_ITER)
    xs, ys = _curve(e, lo, hi)
    answer: dict[str, Any] = {"mode": "equation", "f": e.text, "lo": lo, "hi": hi, "xs": xs,
                              "ys": ys, "x0": None, "path": None, "status": None}  # fmt: skip
    if body.get("x0") is None:
        return answer
    x0 = number(body, "x0", low=-LIMIT, high=LIMIT)
    try:
        result = mc.newton_raphson(e.f, x0, fprime=_slope_function(e), max_iter=max_iter)
    except ValueError as exc:  # f is not finite at x0
        raise ValueError(f"{exc}: pick another start") from None
    with np.errstate(all="ignore"):
        path = np.atleast_1d(np.asarray(result.path, dtype=float))
        fx = np.asarray(e.f(path), dtype=float) * np.ones_like(path)
        dfx = np.asarray(_slope_function(e)(path), dtype=float) * np.ones_like(path)
        meets = np.where(dfx != 0, path - fx / np.where(dfx != 0, dfx, 1.0), np.nan)
    answer.update(
        x0=x0,
        path=jsonable({"x": path, "fx": fx, "dfx": dfx, "meets": meets}),
        residuals=jsonable(np.abs(fx)),
        root=float(result.x) if result.converged else None,
        **_outcome(result),
    )
    return answer


def system(body: dict[str, Any]) -> dict[str, Any]:
    """The zero curves of f₁ and f₂ over the window and, from a start, Newton's path for the
    system f₁(x, y) = 0, f₂(x, y) = 0 (the Jacobian exact, by SymPy's derivatives).

    Parameters
    ----------
    body : dict
        ``f1``, ``f2`` (maths text in x and y; defaults ``x^2 + y^2 - 4`` and ``x - y``),
        ``window`` ([xmin, xmax, ymin, ymax], default [−3, 3, −3, 3]), ``start`` ([x, y]; absent
        or null: the curves only), ``max_iter`` (1 to 100, default 50).

    Returns
    -------
    dict
        ``f1``, ``f2``, ``window``, ``zero`` (for each equation, its zero curves as polylines of
        [x, y] points); with ``start``: ``path`` with ``x``, ``y``, ``f1``, ``f2`` at each
        iterate, ``residuals`` (‖(f₁, f₂)‖), ``status``, ``name``, ``explain``, ``message``,
        ``converged``, ``nit`` and ``root`` ([x, y] when converged, else None).

    Examples
    --------
    >>> answer = system({"f1": "x^2 + y^2 - 4", "f2": "x - y", "start": [1, 0.5]})
    >>> answer["status"], [round(v, 12) for v in answer["root"]]
    ('converged', [1.414213562373, 1.414213562373])
    >>> system({"start": [0, 0]})["name"]
    'zero derivative'
    """
    import mvcalc as mc

    e1 = expression(body, "f1", ("x", "y"), default="x^2 + y^2 - 4")
    e2 = expression(body, "f2", ("x", "y"), default="x - y")
    xlim, ylim = window(body, DEFAULT_WINDOW)
    if max(abs(v) for v in (*xlim, *ylim)) > LIMIT:
        raise ValueError(f"window must lie within ±{LIMIT:g}")
    max_iter = integer(body, "max_iter", DEFAULT_ITER, 1, MAX_ITER)
    answer: dict[str, Any] = {"mode": "system", "f1": e1.text, "f2": e2.text,
                              "window": [*xlim, *ylim], "zero": _zero_curves(e1, e2, xlim, ylim),
                              "start": None, "path": None, "status": None}  # fmt: skip
    start = _start(body)
    if start is None:
        return answer
    F = _vector_function(e1, e2)
    try:
        result = mc.newton_raphson(
            F, list(start), fprime=_jacobian_function(e1, e2), max_iter=max_iter
        )
    except ValueError as exc:
        if "not finite" not in str(exc):
            raise
        where = f"({start[0]:g}, {start[1]:g})"
        raise ValueError(f"f1 or f2 is not finite at {where}: pick another start") from None
    with np.errstate(all="ignore"):
        path = np.asarray(result.path, dtype=float).reshape(-1, 2)
        values = np.asarray(F(path.T), dtype=float).reshape(2, -1)
        residuals = np.hypot(values[0], values[1])
    answer.update(
        start=list(start),
        path=jsonable({"x": path[:, 0], "y": path[:, 1], "f1": values[0], "f2": values[1]}),
        residuals=jsonable(residuals),
        root=jsonable(result.x) if result.converged else None,
        **_outcome(result),
    )
    return answer


ACTIONS = {"equation": equation, "system": system}
