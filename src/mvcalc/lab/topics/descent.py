"""The descent page: gradient descent, Newton and the hybrid, walked side by side on f(x, y).

The contour map is :mod:`mvcalc.lab.topics._plane`'s; the three walks are the library's own:
:func:`mvcalc.gradient_descent` with the learner's aggression γ (given f's exact gradient, by
:func:`mvcalc.symbolic.diff`, which is twice as fast as automatic differentiation here), and
:func:`mvcalc.minimize` with ``method="newton"`` and ``method="hybrid"``. Each walk's status and
message are the library's, shown as they are: "converged" only where it certifies a minimum.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from mvcalc.lab._api import Expression, expression, integer, jsonable, number
from mvcalc.lab.topics._plane import contours, levels, sample, window

__all__ = ["ACTIONS", "paths", "surface"]

VARIABLES = ("x", "y")
DEFAULT_F = "x^2 + 10y^2"
DEFAULT_WINDOW = (-3.0, 3.0, -2.0, 2.0)
DEFAULT_START = (-2.5, 1.5)
GRID = 81  # points along each side of the sampled grid
LEVELS = 12  # contour lines drawn
GAMMA_RANGE = (1e-4, 10.0)  # the aggression γ accepted (the page's slider: 10⁻³ to 1)
STEPS_RANGE = (1, 500)  # the cap on each method's iterations
DEFAULT_STEPS = 200
METHODS = ("gradient-descent", "newton", "hybrid")
LABELS = {"gradient-descent": "gradient descent", "newton": "Newton", "hybrid": "hybrid"}


@lru_cache(maxsize=32)
def _contours(
    e: Expression, xlim: tuple[float, float], ylim: tuple[float, float]
) -> dict[str, Any]:
    xs, ys, z = sample(e.f, xlim, ylim, GRID)
    heights = levels(z, LEVELS)
    finite = z[np.isfinite(z)]
    return {
        "levels": jsonable(heights, digits=5),
        "contours": contours(xs, ys, z, heights),
        "low": jsonable(finite.min() if finite.size else None, digits=7),
        "high": jsonable(finite.max() if finite.size else None, digits=7),
    }


def surface(body: dict[str, Any]) -> dict[str, Any]:
    """The contour map of f over the window.

    Parameters
    ----------
    body : dict
        ``f`` (maths text in x and y, default ``x^2 + 10y^2``) and ``window``
        (``[xmin, xmax, ymin, ymax]``, default ``[-3, 3, -2, 2]``).

    Returns
    -------
    dict
        ``f``, ``window``, ``levels`` (the heights of the contour lines), ``contours`` (for each
        level, a list of polylines of [x, y] points), ``low`` and ``high`` (the least and
        greatest value of f on the sampled grid; None where f is nowhere finite).

    Examples
    --------
    >>> answer = surface({"f": "x^2 + y^2", "window": [-1, 1, -1, 1]})
    >>> answer["window"], len(answer["levels"]) == len(answer["contours"])
    ([-1.0, 1.0, -1.0, 1.0], True)
    >>> answer["low"], answer["high"]
    (0.0, 2.0)
    """
    e = expression(body, "f", VARIABLES, default=DEFAULT_F)
    xlim, ylim = window(body, DEFAULT_WINDOW)
    drawn = _contours(e, xlim, ylim)
    return {"f": e.text, "window": [*xlim, *ylim], **drawn}


@lru_cache(maxsize=64)
def _gradient(e: Expression) -> Callable[[Any], Any] | None:
    """∇f as a function of the point [x, y], from SymPy's exact derivatives; None when they
    cannot be made into a NumPy function (then the library differentiates f itself)."""
    import sympy

    from mvcalc._numeric import numeric_function
    from mvcalc.symbolic import diff

    symbols = [sympy.Symbol(v) for v in VARIABLES]
    try:
        parts = [numeric_function(diff(e.expr, v), symbols, name=f"df/d{v}") for v in VARIABLES]
    except (ValueError, TypeError):
        return None

    def gradient(v: Any) -> Any:
        return np.array([np.asarray(p(v[0], v[1]), dtype=np.float64) for p in parts])

    return gradient


def _objective(e: Expression) -> Callable[[Any], Any]:
    return lambda v: e.f(v[0], v[1])


def _summary(method: str, result: Any, cap: int) -> dict[str, Any]:
    """One walk as the page shows it: the library's status and message, untouched."""
    path = np.asarray(result.path, dtype=np.float64).reshape(-1, 2)
    return {
        "method": method,
        "label": LABELS[method],
        "status": result.status,
        "converged": bool(result.converged),
        "message": result.message,
        "steps": int(result.nit),
        "capped": result.status == "max-iter",
        "cap": cap,
        "x": jsonable(np.asarray(result.x, dtype=np.float64).reshape(2)),
        "fun": jsonable(float(result.fun)),
        "path": jsonable(path, digits=7),
    }


@lru_cache(maxsize=128)
def _second_order(
    e: Expression, start: tuple[float, float], method: str, cap: int
) -> dict[str, Any]:
    """Newton's or the hybrid's walk (they do not depend on γ: cached across γ's changes)."""
    from mvcalc.optimize import minimize

    return _summary(method, minimize(_objective(e), list(start), method=method, max_iter=cap), cap)


@lru_cache(maxsize=128)
def _descent(e: Expression, start: tuple[float, float], gamma: float, cap: int) -> dict[str, Any]:
    from mvcalc.optimize import gradient_descent

    result = gradient_descent(_objective(e), list(start), grad=_gradient(e), aggression=gamma,
                              max_iter=cap)  # fmt: skip
    return _summary("gradient-descent", result, cap)


def _start(body: dict[str, Any]) -> tuple[float, float]:
    raw = body.get("start", list(DEFAULT_START))
    if not isinstance(raw, list) or len(raw) != 2:
        raise ValueError("start must be [x, y], two numbers")
    x = number({"start x": raw[0]}, "start x")
    y = number({"start y": raw[1]}, "start y")
    return x, y


def paths(body: dict[str, Any]) -> dict[str, Any]:
    """The three walks from one start: gradient descent with aggression γ, Newton and the hybrid.

    Parameters
    ----------
    body : dict
        ``f`` (maths text in x and y, default ``x^2 + 10y^2``), ``start`` ([x, y], each within
        ±1e6, default [−2.5, 1.5]), ``gamma`` (γ, from 1e-4 to 10, default 0.05) and
        ``max_steps`` (each method's cap on iterations, from 1 to 500, default 200).

    Returns
    -------
    dict
        ``f``, ``start``, ``f_start``, ``gamma``, ``max_steps`` and ``methods``: for
        ``"gradient-descent"``, ``"newton"`` and ``"hybrid"``, the library's ``status``,
        ``converged`` and ``message``, ``steps`` taken, ``capped`` (stopped at the cap),
        ``x`` (where it ended), ``fun`` (f there) and ``path`` (every iterate, start first).

    Examples
    --------
    >>> answer = paths({"f": "x^2 + 10y^2", "start": [2, 1], "gamma": 0.05})
    >>> [(m["status"], m["x"]) for m in answer["methods"].values()]
    [('converged', [0.0, 0.0]), ('converged', [0.0, 0.0]), ('converged', [0.0, -0.0])]
    >>> answer = paths({"f": "x^2 + 10y^2", "start": [2, 1], "gamma": 0.12})
    >>> answer["methods"]["gradient-descent"]["status"]    # γ beyond 2/λ_max = 0.1
    'diverged'
    """
    e = expression(body, "f", VARIABLES, default=DEFAULT_F)
    start = _start(body)
    gamma = number(body, "gamma", 0.05, low=GAMMA_RANGE[0], high=GAMMA_RANGE[1])
    cap = integer(body, "max_steps", DEFAULT_STEPS, *STEPS_RANGE)
    with np.errstate(all="ignore"):
        f_start = float(np.asarray(e.f(*start), dtype=np.float64))
    if not np.isfinite(f_start):
        raise ValueError(f"f is not defined at the start ({start[0]:.4g}, {start[1]:.4g}): "
                         "choose another start")  # fmt: skip
    methods = {
        "gradient-descent": _descent(e, start, gamma, cap),
        "newton": _second_order(e, start, "newton", cap),
        "hybrid": _second_order(e, start, "hybrid", cap),
    }
    return {
        "f": e.text,
        "start": list(start),
        "f_start": jsonable(f_start),
        "gamma": gamma,
        "max_steps": cap,
        "methods": methods,
    }


ACTIONS = {"surface": surface, "paths": paths}
