"""The Lagrange page: f's contours, a constraint curve g = c, and the points where they touch.

The points, their multipliers and their kinds are :func:`mvcalc.lagrange`'s (SymPy's exact
solution of ∇f = λ∇g, g = c when it has one, else Newton's method on those equations from
several starts; each point classified by the bordered Hessian). The gradients drawn at each
point are :func:`mvcalc.symbolic.diff`'s; the contours are :mod:`mvcalc.lab.topics._plane`'s.

``lagrange`` itself does not say whether its list holds every point (unlike
:func:`mvcalc.stationary_points`); this page says what it can tell from the answer: whether the
points are SymPy's exact solutions or the numeric search's, and whether the equations were
polynomial.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from mvcalc.lab._api import Expression, expression, jsonable, number, text
from mvcalc.lab.topics._plane import contours, levels, sample, window

__all__ = ["ACTIONS", "view"]

VARIABLES = ("x", "y")
C_RANGE = (-10.0, 10.0)  # the level c of the constraint g = c
ASPECT_RANGE = (0.25, 4.0)  # the figure's width over its height (its drawing area)
GRID_F = 101  # grid points along each side for f's contours
GRID_G = 161  # … and for the constraint curve, which is drawn finer
LEVELS = 12  # contour levels of f
STARTS = 24  # mvcalc.lagrange's numeric starts (its default), named in the note
MAX_POINTS = 24  # the most points listed (a constant f makes every point of g = c stationary)
Window = tuple[tuple[float, float], tuple[float, float]]  # (xmin, xmax), (ymin, ymax)

_NOTES = {
    "exact": "SymPy solved the Lagrange equations ∇f = λ∇g, g = c exactly.",
    "exact, not polynomial": (
        "SymPy solved the Lagrange equations ∇f = λ∇g, g = c exactly; they are not polynomial, "
        "and SymPy's solutions of such equations may not be all of them."
    ),
    "numeric": (
        "SymPy found no exact solution of ∇f = λ∇g, g = c; these points come from a numeric "
        f"search (Newton's method from {STARTS} starts) and may not be all of them."
    ),
    "none": (
        "No point found: neither SymPy nor a numeric search (Newton's method from "
        f"{STARTS} starts) found a real solution of ∇f = λ∇g, g = c."
    ),
}


@dataclass(frozen=True)
class Constraint:
    """The constraint as typed, read by the safe parser: g (an equation ``a = b`` is a − b)
    and a NumPy function of x and y."""

    text: str
    expr: Any
    g: Callable[..., Any]


@lru_cache(maxsize=64)
def _constraint(source: str) -> Constraint:
    import sympy

    from mvcalc._numeric import numeric_function
    from mvcalc.symbolic import parse_equations

    try:
        gs = parse_equations(source)
    except ValueError as exc:
        raise ValueError(f"g: {exc}") from None
    if len(gs) != 1:
        raise ValueError(f"g: type one constraint (this page draws the plane), got {len(gs)}")
    (g,) = gs
    names = sorted(str(s) for s in g.free_symbols)
    extra = [n for n in names if n not in VARIABLES]
    if extra:
        raise ValueError(f"g: {', '.join(extra)} {'is' if len(extra) == 1 else 'are'} not a "
                         "variable here: write a constraint in x and y only")  # fmt: skip
    if not names:
        raise ValueError(f"g: the constraint {sympy.sstr(g)} = 0 has neither x nor y: "
                         "write a curve such as x^2 + y^2 = 1")  # fmt: skip
    try:
        g_numeric = numeric_function(g, [sympy.Symbol(v) for v in VARIABLES], name="g")
    except ValueError as exc:
        raise ValueError(f"g: {exc}") from None
    return Constraint(source, g, g_numeric)


def constraint(body: dict[str, Any], key: str = "g", default: str | None = None) -> Constraint:
    """``body[key]`` read as one constraint in x and y: an equation (``x^2 + y^2 = 1``) or an
    expression g meaning g = 0, by the safe parser; cached per worker process.

    Parameters
    ----------
    body : dict
        The request.
    key : str, optional
        Its field holding the text (default ``"g"``).
    default : str, optional
        The text when the field is absent.

    Returns
    -------
    Constraint
        ``text``, ``expr`` (left side minus right side) and ``g`` (a NumPy function of x, y).

    Examples
    --------
    >>> constraint({"g": "x^2 + y^2 = 1"}).expr
    x**2 + y**2 - 1
    >>> constraint({"g": "x + y = 1, x = y"})
    Traceback (most recent call last):
    ...
    ValueError: g: type one constraint (this page draws the plane), got 2
    """
    return _constraint(text(body, key, default).strip())


@lru_cache(maxsize=64)
def _gradient(expr: Any) -> Callable[..., Any]:
    import sympy

    from mvcalc._numeric import numeric_function
    from mvcalc.symbolic import diff

    parts = sympy.Matrix([diff(expr, v) for v in VARIABLES])
    return numeric_function(parts, [sympy.Symbol(v) for v in VARIABLES], name="gradient")


def _short(value: Any) -> str | None:
    """An exact value as a learner writes it (√2/2), when it is short; else None."""
    import re

    import sympy

    if not isinstance(value, sympy.Basic) or value.atoms(sympy.Float):
        return None
    words = re.sub(r"sqrt\((\d+)\)", "√\\1", sympy.sstr(value)).replace("*√", "√")
    return words if len(words) <= 10 and not any(c in words for c in "*()") else None


@lru_cache(maxsize=128)
def _solve(f: Any, g: Any) -> dict[str, Any]:
    """mvcalc.lagrange's points of f on g = 0, as floats and short exact texts, with the note."""
    import sympy

    from mvcalc.optimize import lagrange

    used = {str(s) for s in f.free_symbols | g.free_symbols}
    if not used.issuperset(VARIABLES):  # g has x or y (checked when read), f only x and y
        missing = next(v for v in VARIABLES if v not in used)
        lines = "vertical" if missing == "y" else "horizontal"
        raise ValueError(f"f and g do not use {missing}: the constraint is then made of "
                         f"{lines} lines, along which f does not change; use {missing} in f "
                         "or in g")  # fmt: skip
    found = lagrange(f, [g], list(VARIABLES), starts=STARTS)
    symbols = [sympy.Symbol(v) for v in VARIABLES]
    polynomial = all(e.is_polynomial(*symbols) for e in (f, g))
    points = []
    for p in found[:MAX_POINTS]:
        lam = p.multipliers[0]
        try:
            x, y, value, multiplier = (float(v) for v in (*p.point.values(), p.value, lam))
        except (TypeError, ValueError):  # not a real number after all: not a point to draw
            continue
        if not all(np.isfinite([x, y, value, multiplier])):
            continue
        points.append({
            "x": x, "y": y, "value": value, "lambda": multiplier, "kind": p.kind,
            "exact": bool(p.exact),
            "text": {"x": _short(p.point["x"]), "y": _short(p.point["y"]),
                     "value": _short(p.value), "lambda": _short(lam)},
        })  # fmt: skip
    if not points:
        search = "none"
    elif not all(p["exact"] for p in points):
        search = "numeric"
    else:
        search = "exact" if polynomial else "exact, not polynomial"
    note = _NOTES[search]
    dropped = min(len(found), MAX_POINTS) - len(points)
    if dropped:
        note += f" {dropped} more found where f, x, y or λ is not a finite real number."
    if len(found) > MAX_POINTS:
        note += f" Only the first {MAX_POINTS} of {len(found)} points are listed."
    return {"points": points, "search": search.split(",")[0], "note": note}


def _auto_window(points: list[dict[str, Any]], aspect: float) -> Window:
    """A window around the points, ``aspect`` times as wide as it is high (one scale on both
    axes), with room for their arrows; 2 either side of the origin when there are none."""
    if not points:
        return (-2.0 * aspect, 2.0 * aspect), (-2.0, 2.0)
    xy = np.array([[p["x"], p["y"]] for p in points])
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    room = np.maximum((hi - lo) / 2, 0.75) * 1.4 + 0.4  # half of each side, at least
    half = max(float(room[1]), float(room[0]) / aspect)
    cx, cy = (float(v) for v in (lo + hi) / 2)
    return (cx - half * aspect, cx + half * aspect), (cy - half, cy + half)


def _f_contours(e: Expression, xlim: tuple[float, float], ylim: tuple[float, float],
                heights: tuple[float, ...]) -> dict[str, Any]:  # fmt: skip
    xs, ys, z = sample(e.f, xlim, ylim, GRID_F)
    shown = levels(z, LEVELS)
    return {"levels": shown, "contours": contours(xs, ys, z, shown),
            "touching": contours(xs, ys, z, heights)}  # fmt: skip


def _curve(k: Constraint, c: float, xlim: tuple[float, float],
           ylim: tuple[float, float]) -> list[list[list[float]]]:  # fmt: skip
    xs, ys, z = sample(lambda x, y: k.g(x, y) - c, xlim, ylim, GRID_G)
    return contours(xs, ys, z, [0.0])[0]


def view(body: dict[str, Any]) -> dict[str, Any]:
    """Everything the page draws for f on the constraint g = c.

    Parameters
    ----------
    body : dict
        ``f`` (maths text in x and y, default ``x + y``), ``g`` (the constraint: an equation
        such as ``x^2 + y^2 = 1``, or an expression meaning it is 0; default the unit circle),
        ``c`` (the level: the constraint drawn and solved is g = c; default 0, from −10 to 10),
        ``aspect`` (the drawing's width over its height, default 1.5, from 0.25 to 4) and
        ``window`` (``[xmin, xmax, ymin, ymax]``; when absent, or when a point lies outside it,
        a window around the points is chosen).

    Returns
    -------
    dict
        ``f``, ``g`` (the texts), ``constraint`` (the equation solved, as text), ``c``,
        ``window``, ``levels`` and ``contours`` (f's contour lines, each level a list of
        polylines of [x, y] points), ``curve`` (the polylines of g = c), ``points`` (each:
        ``x``, ``y``, ``value`` (f there), ``lambda``, ``kind`` (the bordered Hessian's:
        maximum, minimum or unknown), ``exact``, ``text`` (short exact forms or None),
        ``grad_f`` and ``grad_g`` (the gradients there, ∇f = λ∇g), ``touching`` (the contour
        of f through the point)), ``search`` (``exact``, ``numeric`` or ``none``) and ``note``
        (how the points were found, and whether they may not be all).

    Examples
    --------
    >>> answer = view({"f": "x + y", "g": "x^2 + y^2 = 1"})
    >>> [(p["kind"], p["text"]["x"], p["text"]["lambda"]) for p in answer["points"]]
    [('maximum', '√2/2', '√2/2'), ('minimum', '-√2/2', '-√2/2')]
    >>> answer["points"][0]["grad_f"], answer["points"][0]["grad_g"]
    ([1.0, 1.0], [1.4142135623730951, 1.4142135623730951])
    >>> answer["search"], answer["constraint"]
    ('exact', 'x^2 + y^2 - 1 = 0')
    """
    e = expression(body, "f", VARIABLES, default="x + y")
    k = constraint(body, "g", default="x^2 + y^2 = 1")
    c = number(body, "c", 0.0, low=C_RANGE[0], high=C_RANGE[1])
    aspect = number(body, "aspect", 1.5, low=ASPECT_RANGE[0], high=ASPECT_RANGE[1])
    drawn = window(body, (-2.0, 2.0, -2.0, 2.0)) if "window" in body else None
    return _answer(e, k, c, aspect, drawn)


@lru_cache(maxsize=128)
def _answer(
    e: Expression, k: Constraint, c: float, aspect: float, asked: Window | None
) -> dict[str, Any]:
    """:func:`view`'s answer for checked fields (cached: the page asks again for what it has
    seen, and the answer is only read)."""
    import sympy

    level = k.expr - sympy.Rational(repr(c)) if c else k.expr
    solved = _solve(e.expr, level)
    points = solved["points"]
    xlim, ylim = asked if asked is not None else _auto_window(points, aspect)
    if not all(xlim[0] <= p["x"] <= xlim[1] and ylim[0] <= p["y"] <= ylim[1] for p in points):
        xlim, ylim = _auto_window(points, aspect)  # a point left the window: follow it
    heights = tuple(sorted({p["value"] for p in points}))
    with np.errstate(all="ignore"):
        drawn = _f_contours(e, xlim, ylim, heights)
        curve = _curve(k, c, xlim, ylim)
        grad_f, grad_g = _gradient(e.expr), _gradient(k.expr)
        listed = []
        for p in points:
            listed.append({
                **p,
                "grad_f": np.asarray(grad_f(p["x"], p["y"]), dtype=float).ravel(),
                "grad_g": np.asarray(grad_g(p["x"], p["y"]), dtype=float).ravel(),
                "touching": drawn["touching"][heights.index(p["value"])],
            })  # fmt: skip
    answer: dict[str, Any] = jsonable({
        "f": e.text,
        "g": k.text,
        "constraint": sympy.sstr(level).replace("**", "^") + " = 0",
        "c": c,
        "window": [*xlim, *ylim],
        "levels": jsonable(drawn["levels"], digits=7),
        "points": listed,
        "search": solved["search"],
        "note": solved["note"],
    })  # fmt: skip
    answer["contours"] = drawn["contours"]  # already rounded, plain lists: no second pass
    answer["curve"] = curve
    return answer


ACTIONS = {"view": view}
