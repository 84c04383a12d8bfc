"""Figures of optimisation: Newton's tangents, descent paths on contours, Lagrange's tangencies.

Each figure draws what the method rests on and names what the result is: Newton's tangents run
down to the axis y = 0, where the next iterate comes from; the end of a minimiser's path is a
"minimum found" only when its status is ``"converged"`` (a saddle is drawn and named as a
saddle); at each of Lagrange's points the gradients ∇f and ∇g are drawn, parallel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from numpy.typing import NDArray

from mvcalc.plots._grid import end_mark, figure, grid, on_grid, wrap
from mvcalc.plots._grid import resolution as check_resolution
from mvcalc.results import Result

__all__ = ["descent_paths", "lagrange_points", "newton_tangents", "stationary_points"]

Bounds = tuple[tuple[float, float], tuple[float, float]]

MAX_TANGENTS = 50
"""Newton's figure draws the tangents of the first 50 steps at most (a bound on the work)."""


def _function(f: Any) -> Callable[[Any], Any]:
    from mvcalc._numeric import as_function

    return as_function(f)[0]


def _slopes(f: Any, func: Callable[[Any], Any], xs: NDArray[np.float64]) -> NDArray[np.float64]:
    """f′ at each of ``xs``: exact (SymPy) for text, by Richardson's differences for callables.

    The tangents are drawn from f itself, not from the path, so that a step that is not the
    plain Newton step (the modified step at a multiple root) shows as such.
    """
    if isinstance(f, str):
        import sympy

        from mvcalc import symbolic
        from mvcalc._numeric import numeric_function

        expr = symbolic.parse(f)
        (x,) = sorted(expr.free_symbols, key=str)
        slope = numeric_function(sympy.diff(expr, x), [x], name="f′")
        with np.errstate(all="ignore"):
            return np.asarray(slope(xs) + 0.0 * xs, dtype=np.float64)
    from mvcalc.calculus import derivative

    out = np.full(xs.shape, np.nan)
    for i, x in enumerate(xs):
        try:
            with np.errstate(all="ignore"):
                out[i] = float(derivative(func, float(x)))
        except (ValueError, TypeError, ArithmeticError):
            pass  # no tangent drawn there
    return out


def _values(func: Callable[[Any], Any], xs: NDArray[np.float64]) -> NDArray[np.float64]:
    with np.errstate(all="ignore"):
        return np.array([float(np.asarray(func(float(x)))) for x in xs])


def newton_tangents(f: Any, result: Result, *, title: str | None = None) -> Figure:
    """Newton–Raphson's iterations drawn as tangent lines running down to the axis y = 0.

    From each iterate xₖ on the curve, the tangent runs down to the axis: where it meets y = 0
    is the next iterate xₖ₊₁ = xₖ − f(xₖ)/f′(xₖ), and a dotted line climbs back to the curve.
    The y-axis always holds y = 0 and every point where a tangent meets it, so a cycle
    (``"x0 = x2"``) or a flight away from the root is visible. Iterates that coincide are
    labelled together; a flat tangent at the last iterate (status ``"zero-derivative"``) is
    drawn as never meeting the axis. The title gives the start, the steps and the result's
    message, wrapped so that it is never cut off.

    Parameters
    ----------
    f : callable or str
        The scalar function of :func:`mvcalc.newton_raphson` (maths text or a callable).
    result : Result
        What :func:`mvcalc.newton_raphson` returned for f.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import mvcalc as mc
    >>> r = mc.newton_raphson("x**3 - 2*x + 2", 0)
    >>> r.status
    'cycling'
    >>> ax = mc.plots.newton_tangents("x**3 - 2*x + 2", r).axes[0]
    >>> low, high = ax.get_ylim()
    >>> bool(low < 0 < high)                 # the axis y = 0, where each tangent lands
    True
    >>> sorted(t.get_text() for t in ax.texts if t.get_text())   # x2 is back at x0: a cycle
    ['x0 = x2', 'x1']
    """
    if not isinstance(result, Result):
        raise TypeError(f"result must be a Result, got {type(result).__name__}")
    path = np.asarray(result.path, dtype=np.float64)
    if path.ndim != 1:
        raise ValueError("newton_tangents draws scalar equations only")
    func = _function(f)
    drawn = min(len(path) - 1, MAX_TANGENTS)  # tangents drawn: from path[0] … path[drawn - 1]
    values = _values(func, path[: drawn + 1])
    flat = result.status == "zero-derivative"
    slopes = _slopes(f, func, path[:drawn])
    with np.errstate(all="ignore"):
        zeros = path[:drawn] - values[:drawn] / slopes  # where each tangent meets y = 0
    usable = np.isfinite(zeros) & np.isfinite(values[:drawn])

    # x: every iterate and every tangent's zero; y: 0 and every f(xₖ), then the curve
    xs_needed = np.concatenate([path[: drawn + 1], zeros[usable]])
    xs_needed = xs_needed[np.isfinite(xs_needed)]
    lo, hi = float(xs_needed.min()), float(xs_needed.max())
    span = max(hi - lo, 1e-3 * max(abs(lo), abs(hi)), 1e-6) if hi > lo else max(abs(hi), 1.0)
    xs = np.linspace(lo - 0.3 * span, hi + 0.3 * span, 800)
    with np.errstate(all="ignore"):
        fx = np.asarray(func(xs) + 0.0 * xs, dtype=np.float64)
    ys_needed = np.concatenate([[0.0], values[np.isfinite(values)]])
    y_lo, y_hi = float(ys_needed.min()), float(ys_needed.max())
    y_span = max(y_hi - y_lo, 1e-12 * max(abs(y_lo), abs(y_hi)), 1e-300)
    finite = fx[np.isfinite(fx)]
    if finite.size:  # the curve, but not so far that the iterates shrink to nothing
        y_lo = min(y_lo, max(float(finite.min()), y_lo - 0.6 * y_span))
        y_hi = max(y_hi, min(float(finite.max()), y_hi + 0.6 * y_span))
    pad = 0.08 * (y_hi - y_lo if y_hi > y_lo else 1.0)

    fig, ax = figure(8, 5.5)
    ax.axhline(0, color="black", lw=1.1, zorder=1, label="y = 0, where each tangent lands")
    ax.plot(xs, fx, color="black", lw=2, zorder=2, label="f(x)")
    for k in np.flatnonzero(usable):
        ax.plot([path[k], zeros[k]], [values[k], 0.0], "-", color="#c0392b", lw=1.1, zorder=3,
                label="tangent at xₖ" if k == 0 else None)  # fmt: skip
        ax.annotate("", xy=(zeros[k], 0.0), xytext=(0.5 * (path[k] + zeros[k]),
                    0.5 * values[k]), arrowprops={"arrowstyle": "-|>", "color": "#c0392b",
                    "lw": 1.1, "shrinkA": 0, "shrinkB": 0}, zorder=3)  # fmt: skip
        landing = path[k + 1]
        if abs(landing - zeros[k]) > 1e-6 * max(abs(landing), abs(zeros[k]), span):
            step = {"arrowstyle": "-|>", "color": "#8e44ad", "lw": 1.4}
            ax.annotate("", xy=(landing, 0.0), xytext=(zeros[k], 0.0), arrowprops=step)
            ax.plot([], [], color="#8e44ad", lw=1.4,
                    label="a longer step than the tangent's (a multiple root)")  # fmt: skip
        ax.plot([landing, landing], [0.0, values[k + 1]], ":", color="0.35", lw=0.9, zorder=2)
    ax.plot(zeros[usable], np.zeros(int(usable.sum())), "o", color="white", mec="#c0392b",
            ms=6, zorder=4, label="tangent meets y = 0: the next iterate")  # fmt: skip
    ax.plot(path[: drawn + 1], values, "o", color="#c0392b", ms=5, zorder=5,
            label="iterates (xₖ, f(xₖ))")  # fmt: skip
    if flat and drawn == len(path) - 1:
        x_end, y_end = path[-1], _values(func, path[-1:])[0]
        ax.plot([x_end - 0.25 * span, x_end + 0.25 * span], [y_end, y_end], "--",
                color="#c0392b", lw=1.1, label="flat tangent: never meets y = 0")  # fmt: skip
    if result.converged:
        ax.plot([float(result.x)], [0.0], "*", color="gold", mec="black", ms=15, zorder=6,
                label="root found")  # fmt: skip
    _label_iterates(ax, path[: drawn + 1], float(xs[-1] - xs[0]))
    if drawn < len(path) - 1:
        ax.plot([], [], " ", label=f"(tangents of the first {drawn} of {len(path) - 1} steps)")
    ax.set(xlabel="x", ylabel="f(x)", xlim=(xs[0], xs[-1]), ylim=(y_lo - pad, y_hi + pad))
    ax.legend(loc="best", fontsize="small")
    ax.grid(alpha=0.3)
    if title is None:
        steps = f"{result.nit} step" + ("" if result.nit == 1 else "s")
        title = f"Newton–Raphson from x₀ = {path[0]:.6g}, {steps}\n{result.message}"
    ax.set_title(wrap(title, 72))
    return fig


def _label_iterates(ax: Any, shown: NDArray[np.float64], width: float) -> None:
    """Name the iterates under the axis, those at the same place together ("x0 = x2").

    Iterates are the same place when equal to 9 digits. A place closer than 4 % of the axis's
    ``width`` to one already named is left unnamed (the later iterates crowd the root), and six
    names at most are written.
    """
    groups: list[tuple[float, list[int]]] = []
    for k, p in enumerate(shown):
        for where, members in groups:
            if abs(p - where) <= 1e-9 * max(abs(p), abs(where)):
                members.append(k)
                break
        else:
            groups.append((float(p), [k]))
    named: list[float] = []
    for where, members in groups:
        if len(named) == 6 or any(abs(where - w) < 0.04 * width for w in named):
            continue
        named.append(where)
        ax.annotate(" = ".join(f"x{k}" for k in members), (where, 0.0),
                    textcoords="offset points", xytext=(0, -15), ha="center",
                    fontsize="small", zorder=7)  # fmt: skip


def _named(results: Any) -> dict[str, Result]:
    """``results`` as a dict of name → Result: a dict as it is, a list named by method."""
    if isinstance(results, Result):
        results = [results]
    if isinstance(results, Mapping):
        named = {str(k): v for k, v in results.items()}
    elif isinstance(results, Sequence) and not isinstance(results, str):
        named = {}
        for i, r in enumerate(results):
            name = str(getattr(r, "method", None) or f"path {i + 1}")
            named[name if name not in named else f"{name} ({i + 1})"] = r
    else:
        named = {}
    if not named or not all(isinstance(r, Result) for r in named.values()):
        raise TypeError(
            "results must be a Result, a non-empty list of Results or a dict of name → Result, "
            f"got {type(results).__name__}"
        )
    return named


def descent_paths(
    f: Any,
    results: Mapping[str, Result] | Sequence[Result] | Result,
    *,
    bounds: Bounds | None = None,
    resolution: int = 200,
    title: str | None = None,
) -> Figure:
    """Optimisers' paths on a contour map of f(x, y), each end drawn as what the result is.

    The end of a path is a gold star labelled "minimum found" only when the result's status is
    ``"converged"`` (a certified minimum). A saddle point ends in an orange cross, a maximum in
    a red triangle, each named "…, not a minimum"; any other status ends in a white circle that
    names it ("stopped (max-iter): no minimum claimed").

    Parameters
    ----------
    f : callable or str
        The function of two variables that was minimised.
    results : Result, list of Result or dict of str to Result
        A dict names each path; a list is named by each result's ``method`` when it has one,
        else "path 1", "path 2", ….
    bounds : ((x_lo, x_hi), (y_lo, y_hi)), optional
        The region drawn; by default the paths' extent with a margin.
    resolution : int, optional
        Grid points along each axis (2 to 2000).
    title : str, optional
        Replaces the default title (which, for one path, names where it stopped).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import mvcalc as mc
    >>> r = mc.minimize("(1-x)**2 + 100*(y-x**2)**2", [-1.2, 1.0])
    >>> fig = mc.plots.descent_paths("(1-x)**2 + 100*(y-x**2)**2", {"hybrid": r}, resolution=40)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['hybrid (26 points)', 'start', 'minimum found']
    >>> r = mc.minimize("x^3 - 3*x + y^2", [-0.5, 1], method="newton")
    >>> r.status
    'saddle'
    >>> fig = mc.plots.descent_paths("x^3 - 3*x + y^2", [r], resolution=40)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['path 1 (6 points)', 'start', 'saddle point, not a minimum']
    """
    named = _named(results)
    paths = {name: np.asarray(r.path, dtype=np.float64) for name, r in named.items()}
    if any(p.ndim != 2 or p.shape[1] != 2 for p in paths.values()):
        raise ValueError("descent_paths draws functions of two variables")
    resolution = check_resolution(resolution)
    func = _function(f)
    every = np.vstack(list(paths.values()))
    if bounds is None:
        lo, hi = every.min(axis=0), every.max(axis=0)
        pad = 0.2 * np.maximum(hi - lo, 0.5)
        bounds = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))
    (x_lo, x_hi), (y_lo, y_hi) = bounds
    gx, gy = grid(bounds, resolution)
    z = on_grid(func, gx, gy)
    fig, ax = figure(7.5, 6)
    finite = z[np.isfinite(z)]
    if finite.size and finite.min() >= 0 and finite.max() > 0:
        floor = max(float(finite[finite > 0].min()), 1e-12 * float(finite.max()))
        levels = np.geomspace(floor, float(finite.max()), 30)
        cs = ax.contourf(gx, gy, np.maximum(z, floor), levels=levels, norm=LogNorm(),
                         cmap="viridis_r")  # fmt: skip
    else:
        cs = ax.contourf(gx, gy, z, levels=30, cmap="viridis_r")
    fig.colorbar(cs, ax=ax, label="f", format="%.2g")
    colours = ["#c0392b", "#f39c12", "#8e44ad", "#2c3e50", "#16a085"]
    for (name, p), colour in zip(paths.items(), colours * (len(paths) // 5 + 1), strict=False):
        ax.plot(
            p[:, 0], p[:, 1], "-o", color=colour, ms=3, lw=1.3, label=f"{name} ({len(p)} points)"
        )
    starts: list[NDArray[np.float64]] = []
    for p in paths.values():
        if not any(np.array_equal(p[0], s) for s in starts):
            ax.plot(*p[0], "s", color="white", mec="black", ms=9,
                    label="start" if not starts else None)  # fmt: skip
            starts.append(p[0])
    for name, r in named.items():
        marker, colour, label = end_mark(r.status)
        ax.plot(*paths[name][-1], marker, color=colour, mec="black",
                ms=15 if marker == "*" else 11, zorder=5,
                label=label if len(named) == 1 else f"{name}: {label}")  # fmt: skip
    ax.set(xlabel="x", ylabel="y", xlim=(x_lo, x_hi), ylim=(y_lo, y_hi))
    ax.legend(loc="best", fontsize="small")
    if title is None:
        if len(named) == 1:
            ((name, r),) = named.items()
            end = paths[name][-1]
            where = f"({end[0]:.6g}, {end[1]:.6g})"
            title = f"{name} stopped at {where}: {end_mark(r.status)[2]}\non the contours of f"
        else:
            title = "Descent paths on the contours of f"
    ax.set_title(wrap(title, 64))
    return fig


def _planar(f: Any, names: list[str], what: str) -> tuple[Callable[[Any], Any], Any]:
    """f of the point (x, y) stacked on a first axis, and a function giving ∇f at a point.

    Text and SymPy expressions are differentiated exactly (the variables are ``names``, in
    order); a callable by the project's central differences.
    """
    import sympy

    if callable(f) and not isinstance(f, sympy.Basic):
        from mvcalc.calculus import difference_jacobian

        def numeric_gradient(point: NDArray[np.float64]) -> NDArray[np.float64]:
            with np.errstate(all="ignore"):
                jac = difference_jacobian(f, point, method="central")
            return np.asarray(jac, dtype=np.float64).reshape(2)

        return f, numeric_gradient
    if isinstance(f, str):
        from mvcalc import symbolic

        expr: Any = symbolic.parse(f)
    elif isinstance(f, sympy.Equality):  # lhs = rhs, the constraint lhs − rhs = 0
        expr = f.lhs - f.rhs
    elif isinstance(f, sympy.Expr):
        expr = f
    else:
        raise TypeError(
            f"{what} must be callable, maths text or a SymPy expression, got {type(f).__name__}"
        )
    by_name = {str(s): s for s in expr.free_symbols}
    extra = sorted(set(by_name) - set(names))
    if extra:
        raise ValueError(
            f"{what} must be a function of {', '.join(names)} only, but it has {', '.join(extra)}"
        )
    from mvcalc._numeric import numeric_function

    symbols = [by_name.get(n, sympy.Symbol(n)) for n in names]
    value = numeric_function(expr, symbols, name=what)
    exact = numeric_function(sympy.Matrix([sympy.diff(expr, s) for s in symbols]), symbols,
                             name=what)  # fmt: skip

    def on_points(p: Any) -> Any:
        return value(p[0], p[1]) + 0.0 * p[0]

    def gradient(point: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(exact(point[0], point[1]), dtype=np.float64).reshape(2)

    return on_points, gradient


def _variables(f: Any, constraint: Any, points: Sequence[Any]) -> list[str]:
    """The two axes: the points' variables, else the texts' variables in alphabetical order."""
    if points:
        return [str(k) for k in points[0].point]
    import sympy

    found: set[str] = set()
    for item in (f, constraint):
        if isinstance(item, str):
            from mvcalc import symbolic

            item = symbolic.parse(item)
        if isinstance(item, sympy.Basic):
            found |= {str(s) for s in item.free_symbols}
    names = sorted(found)
    if len(names) > 2:
        raise ValueError(f"lagrange_points draws functions of two variables, got {names}")
    return names + [n for n in ("x", "y", "z") if n not in names][: 2 - len(names)]


def _multiplier(value: Any) -> str:
    """λ as the learner would write it: exact when short (√ for sqrt), else to 4 figures.

    Examples
    --------
    >>> import sympy
    >>> _multiplier(sympy.sqrt(2) / 2), _multiplier(sympy.Rational(-1, 2)), _multiplier(0.123456)
    ('λ = √2/2', 'λ = -1/2', 'λ ≈ 0.1235')
    """
    import re

    import sympy

    text = re.sub(r"sqrt\((\d+)\)", "√\\1", sympy.sstr(value))
    if len(text) <= 12 and isinstance(value, sympy.Basic):
        return f"λ = {text}"
    return f"λ ≈ {float(value):.4g}"


def _gradient_arrows(
    points: Sequence[Any],
    coords: NDArray[np.float64],
    grad_f: Callable[[Any], Any],
    grad_g: Callable[[Any], Any],
    length: float,
) -> dict[str, NDArray[np.float64]]:
    """Rows (x, y, u, v) of the arrows ∇f and ∇g at each point, on one scale per point.

    The longer of the two has ``length``; the shorter keeps the ratio of their sizes, |λ|,
    but is never drawn shorter than a quarter of the longer. A zero gradient (∇f = 0 where
    λ = 0) has no arrow.
    """
    rows: dict[str, list[list[float]]] = {"∇f": [], "∇g": []}
    for _, xy in zip(points, coords, strict=True):
        vectors = {"∇f": np.asarray(grad_f(xy), float), "∇g": np.asarray(grad_g(xy), float)}
        sizes = {name: float(np.linalg.norm(v)) for name, v in vectors.items()}
        largest = max(sizes.values())
        if not np.isfinite(largest) or largest == 0:
            continue
        for name, vector in vectors.items():
            if sizes[name] > 0:
                drawn = length * max(sizes[name] / largest, 0.25)
                rows[name].append([*xy, *(drawn * vector / sizes[name])])
    return {name: np.array(r, dtype=np.float64).reshape(-1, 4) for name, r in rows.items()}


def lagrange_points(
    f: Any,
    constraint: Any,
    points: Sequence[Any],
    *,
    bounds: Bounds | None = None,
    resolution: int = 300,
    title: str | None = None,
) -> Figure:
    """The constraint g(x, y) = 0 over the contours of f, with ∇f ∥ ∇g at each point found.

    The constraint is the solid black curve; at each stationary point a dashed contour of f
    touches it, and both gradients are drawn from the point: ∇f (dark) and ∇g (light), on one
    scale per point, so the ratio of their lengths is |λ| where it lies between 1/4 and 4
    (beyond, the shorter arrow is drawn at a quarter of the longer). They are parallel,
    ∇f = λ∇g, the condition Lagrange's method solves; λ is written beside each point.

    Parameters
    ----------
    f : str, sympy.Expr or callable
        The function of two variables (a callable takes the point ``p`` and reads ``p[0]``,
        ``p[1]``; its gradient is then taken by central differences).
    constraint : str, sympy.Expr, sympy.Eq or callable
        g, meaning the constraint g = 0 (an equation ``lhs = rhs`` means lhs − rhs = 0).
    points : sequence of StationaryPoint
        What :func:`mvcalc.lagrange` returned; their variables name the axes, in order.
    bounds : ((x_lo, x_hi), (y_lo, y_hi)), optional
        The region drawn; by default a square around the points.
    resolution : int, optional
        Grid points along each axis (2 to 2000).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import mvcalc as mc
    >>> pts = mc.lagrange("x*y", "x**2 + y**2 - 1", "x,y")
    >>> fig = mc.plots.lagrange_points("x*y", "x**2 + y**2 - 1", pts, resolution=60)
    >>> labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    >>> labels[:2]
    ['constraint g = 0 (solid)', 'contour of f through each point (dashed)']
    >>> sorted(labels[2:])
    ['maximum', 'minimum', '∇f', '∇g']
    """
    resolution = check_resolution(resolution)
    names = _variables(f, constraint, points)
    if len(names) != 2:
        raise ValueError(f"lagrange_points draws functions of two variables, got {names}")
    func, grad_f = _planar(f, names, "f")
    g, grad_g = _planar(constraint, names, "constraint")
    coords = np.array([p.coordinates() for p in points]) if points else np.zeros((0, 2))
    if coords.size and coords.shape[1] != 2:
        raise ValueError("lagrange_points draws functions of two variables")
    centre = coords.mean(axis=0) if coords.size else np.zeros(2)
    reach = max(1.5 * float(np.max(np.abs(coords - centre))) if coords.size else 2.0, 1.0)
    if bounds is not None:
        reach = 0.5 * min(bounds[0][1] - bounds[0][0], bounds[1][1] - bounds[1][0])
    arrows = _gradient_arrows(points, coords, grad_f, grad_g, length=0.4 * reach)
    if bounds is None:  # a square around the points that holds every arrow
        ends = np.vstack([coords, *(a[:, :2] + a[:, 2:] for a in arrows.values() if a.size)])
        lo = np.minimum(centre - reach, ends.min(axis=0, initial=np.inf) - 0.1 * reach)
        hi = np.maximum(centre + reach, ends.max(axis=0, initial=-np.inf) + 0.1 * reach)
        bounds = ((float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1])))
    (x_lo, x_hi), (y_lo, y_hi) = bounds
    gx, gy = grid(bounds, resolution)
    z, c = on_grid(func, gx, gy), on_grid(g, gx, gy)
    fig, ax = figure(7, 7)
    cs = ax.contourf(gx, gy, z, levels=25, cmap="coolwarm", alpha=0.85)
    fig.colorbar(cs, ax=ax, label="f")
    ax.contour(gx, gy, c, levels=[0], colors="black", linewidths=2.2)
    ax.plot([], [], color="black", lw=2.2, label="constraint g = 0 (solid)")
    if points:
        ax.plot([], [], "--", color="0.2", lw=0.9, label="contour of f through each point (dashed)")
    for p, xy in zip(points, coords, strict=True):
        ax.contour(gx, gy, z, levels=[float(p.value)], colors="0.2", linewidths=0.9,
                   linestyles="--")  # fmt: skip
        marker = {"maximum": "^", "minimum": "v"}.get(p.kind, "o")
        ax.plot(*xy, marker, ms=10, mec="black", zorder=6,
                color={"maximum": "#c0392b", "minimum": "#2471a3"}.get(p.kind, "0.6"),
                label=p.kind)  # fmt: skip
        dg = grad_g(xy)
        if p.multipliers and np.all(np.isfinite(dg)):
            size = float(np.linalg.norm(dg))
            side = np.array([-dg[1], dg[0]]) / (size or 1.0)  # across ∇g: clear of the arrows
            ax.annotate(_multiplier(p.multipliers[0]), xy, textcoords="offset points",
                        xytext=tuple(24 * side), ha="center", va="center", fontsize="small",
                        bbox={"boxstyle": "round", "fc": "white", "ec": "0.6", "alpha": 0.85},
                        zorder=7)  # fmt: skip
    styles = {"∇g": ("#f7dc6f", 0.016), "∇f": ("#1b2631", 0.007)}  # ∇f narrower, on top
    for name in ("∇g", "∇f"):
        a = arrows[name]
        if a.size:
            colour, width = styles[name]
            ax.quiver(a[:, 0], a[:, 1], a[:, 2], a[:, 3], angles="xy", scale_units="xy",
                      scale=1, color=colour, width=width, edgecolor="black", linewidth=0.5,
                      zorder=5, label=name)  # fmt: skip
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(
        unique.values(),
        unique.keys(),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=3,
        fontsize="small",
    )  # below the axes: clear of the points and arrows
    ax.set(xlabel=names[0], ylabel=names[1], aspect="equal", xlim=(x_lo, x_hi), ylim=(y_lo, y_hi))
    if title is None:
        title = (
            "Lagrange multipliers: where a contour of f (dashed) touches the constraint "
            "g = 0 (solid), ∇f and ∇g are parallel: ∇f = λ∇g"
        )
    ax.set_title(wrap(title, 62))
    return fig


KIND_MARKS = {
    "minimum": ("v", "#2471a3", "minimum: every eigenvalue of H > 0"),
    "maximum": ("^", "#c0392b", "maximum: every eigenvalue of H < 0"),
    "saddle": ("X", "#e67e22", "saddle: eigenvalues of both signs"),
    "degenerate": ("D", "#95a5a6", "degenerate: an eigenvalue is 0 (test inconclusive)"),
}
"""How :func:`stationary_points` draws each kind of point: (marker, colour, legend label)."""

_CURVE_LABELS = {
    "minimum": "minimum: f″ > 0",
    "maximum": "maximum: f″ < 0",
    "degenerate": "degenerate: f″ = 0 (test inconclusive)",
}  # a function of one variable: its Hessian is f″


def _stationary_axes(f: Any, points: Sequence[Any]) -> list[str]:
    """The variables of the figure: the points', else f's in alphabetical order."""
    for p in points:
        if not hasattr(p, "point") or not hasattr(p, "kind") or not hasattr(p, "coordinates"):
            raise TypeError(
                f"points must be StationaryPoint records (mc.stationary_points), got {p!r:.60}"
            )
        if p.kind not in KIND_MARKS:
            raise ValueError(f"points: unknown kind {p.kind!r}; expected one of "
                             f"{', '.join(KIND_MARKS)}")  # fmt: skip
    if points:
        names = [str(k) for k in points[0].point]
        if any([str(k) for k in p.point] != names for p in points):
            raise ValueError("points must all have the same variables, in the same order")
        return names
    import sympy

    if isinstance(f, str):
        from mvcalc import symbolic

        f = symbolic.parse(f)
    if isinstance(f, sympy.Basic):
        return sorted(str(s) for s in f.free_symbols)
    return ["x", "y"]  # a callable with no points to name its variables: f(p) of p = (x, y)


def _stationary_bounds(coords: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """A region around the points, ``n`` rows (lo, hi): square in 2-D, at least 2 wide."""
    if not coords.size:
        return np.array([[-2.0, 2.0]] * n)
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    centre = 0.5 * (lo + hi)
    reach = max(1.0, 0.75 * float(np.max(hi - lo)))
    return np.column_stack([centre - reach, centre + reach])


def _checked_bounds(bounds: Any, n: int) -> NDArray[np.float64]:
    """``bounds`` as ``n`` rows (lo, hi) of finite floats with lo < hi."""
    from mvcalc._validate import finite_float

    rows = [bounds] if n == 1 and len(bounds) == 2 and np.ndim(bounds) == 1 else list(bounds)
    if len(rows) != n or any(len(r) != 2 for r in rows):
        want = "(x_lo, x_hi)" if n == 1 else "((x_lo, x_hi), (y_lo, y_hi))"
        raise ValueError(f"bounds must be {want}, got {bounds!r}")
    out = np.array([[finite_float(a, "bounds"), finite_float(b, "bounds")] for a, b in rows])
    if np.any(out[:, 0] >= out[:, 1]):
        raise ValueError(f"bounds must have lo < hi on each axis, got {bounds!r}")
    return out


def _shown_levels(z: NDArray[np.float64]) -> NDArray[np.float64] | int:
    """Contour levels spanning the bulk of f's values (2nd to 98th percentile), so that a
    function that grows fast at the edges (x³) still shows its shape near the points."""
    finite = z[np.isfinite(z)]
    if finite.size < 2:
        return 25
    lo, hi = np.percentile(finite, [2, 98])
    if not hi > lo:
        lo, hi = float(finite.min()), float(finite.max())
    return np.linspace(lo, hi, 25) if hi > lo else 25


def stationary_points(
    f: Any,
    points: Sequence[Any],
    *,
    bounds: Any = None,
    resolution: int = 300,
    title: str | None = None,
) -> Figure:
    """Where ∇f = 0, over the contours of f, each point marked by its kind.

    Minima are blue triangles pointing down, maxima red triangles pointing up, saddles orange
    crosses — with the contour of f through each saddle dashed, crossing itself there, as
    contours do at a saddle — and degenerate points (a zero eigenvalue of the Hessian: the
    second-derivative test says nothing) grey diamonds. For a function of one variable the
    figure is the curve y = f(x) with the points on it.

    Parameters
    ----------
    f : str, sympy.Expr or callable
        The function of one or two variables (a callable of two takes the point ``p`` and
        reads ``p[0]``, ``p[1]``).
    points : sequence of StationaryPoint
        What :func:`mvcalc.stationary_points` returned; their variables name the axes, in
        order. When the list may not be complete (its ``complete`` is False), the title says so.
    bounds : ((x_lo, x_hi), (y_lo, y_hi)) or (x_lo, x_hi), optional
        The region drawn; by default a square around the points (at least 2 wide).
    resolution : int, optional
        Grid points along each axis (2 to 2000).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import mvcalc as mc
    >>> points = mc.stationary_points("x**3 - 3*x + y**2")
    >>> fig = mc.plots.stationary_points("x**3 - 3*x + y**2", points, resolution=60)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['minimum: every eigenvalue of H > 0', 'saddle: eigenvalues of both signs', \
'contour of f through each saddle (dashed)']
    """
    resolution = check_resolution(resolution)
    names = _stationary_axes(f, points)
    if len(names) not in (1, 2):
        raise ValueError(f"stationary_points draws functions of one or two variables, got "
                         f"{names}")  # fmt: skip
    coords = np.array([p.coordinates() for p in points]).reshape(-1, len(names))
    box = (_stationary_bounds(coords, len(names)) if bounds is None
           else _checked_bounds(bounds, len(names)))  # fmt: skip
    if len(names) == 1:
        fig, ax = _stationary_curve(f, names[0], points, coords, box, resolution)
    else:
        fig, ax = _stationary_contours(f, names, points, coords, box, resolution)
    if title is None:
        title = "Stationary points of f: where ∇f = 0, each classified by the eigenvalues of " \
                "the Hessian H"  # fmt: skip
        if not points:
            title += " (none found)"
        if getattr(points, "complete", True) is False:
            title += "\n(the list may not hold all of them: see its note)"
    ax.set_title(wrap(title, 64))
    return fig


def _by_kind(points: Sequence[Any], coords: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
    """The points' coordinates grouped by kind, in the order of KIND_MARKS."""
    out = {}
    for kind in KIND_MARKS:
        rows = [xy for p, xy in zip(points, coords, strict=True) if p.kind == kind]
        if rows:
            out[kind] = np.array(rows)
    return out


def _stationary_contours(
    f: Any,
    names: list[str],
    points: Sequence[Any],
    coords: NDArray[np.float64],
    box: NDArray[np.float64],
    resolution: int,
) -> tuple[Figure, Any]:
    func, _ = _planar(f, names, "f")
    bounds = ((float(box[0, 0]), float(box[0, 1])), (float(box[1, 0]), float(box[1, 1])))
    gx, gy = grid(bounds, resolution)
    z = on_grid(func, gx, gy)
    fig, ax = figure(7, 7.6)
    levels = _shown_levels(z)
    cs = ax.contourf(gx, gy, z, levels=levels, cmap="coolwarm", alpha=0.9, extend="both")
    ax.contour(gx, gy, z, levels=levels, colors="black", linewidths=0.3, alpha=0.35)
    fig.colorbar(cs, ax=ax, label="f", format="%.3g")
    groups = _by_kind(points, coords)
    for kind, rows in groups.items():
        marker, colour, label = KIND_MARKS[kind]
        ax.plot(rows[:, 0], rows[:, 1], marker, color=colour, mec="black", ms=12, zorder=6,
                ls="none", label=label)  # fmt: skip
    saddles = sorted({float(p.value) for p in points if p.kind == "saddle"})
    if saddles and np.any(np.isfinite(z)):
        ax.contour(gx, gy, z, levels=saddles, colors="0.1", linewidths=1.1, linestyles="--")
        ax.plot(
            [], [], "--", color="0.1", lw=1.1, label="contour of f through each saddle (dashed)"
        )
    if groups:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize="small")
    ax.set(xlabel=names[0], ylabel=names[1], aspect="equal", xlim=bounds[0], ylim=bounds[1])
    return fig, ax


def _stationary_curve(
    f: Any,
    name: str,
    points: Sequence[Any],
    coords: NDArray[np.float64],
    box: NDArray[np.float64],
    resolution: int,
) -> tuple[Figure, Any]:
    import sympy

    if isinstance(f, str | sympy.Basic):
        from mvcalc import symbolic
        from mvcalc._numeric import numeric_function

        expr = symbolic.parse(f) if isinstance(f, str) else f
        extra = sorted(str(s) for s in expr.free_symbols if str(s) != name)
        if extra:
            raise ValueError(f"f must be a function of {name} only, but it has {', '.join(extra)}")
        symbol = next((s for s in expr.free_symbols if str(s) == name), sympy.Symbol(name))
        compiled = numeric_function(expr, [symbol])

        def func(x: Any) -> Any:
            return compiled(x) + 0.0 * x

    elif callable(f):
        func = f
    else:
        raise TypeError(
            f"f must be callable, maths text or a SymPy expression, got {type(f).__name__}"
        )
    xs = np.linspace(box[0, 0], box[0, 1], resolution)
    ys = _values(func, xs)
    fig, ax = figure(7, 5.6)
    ax.plot(xs, ys, color="0.2", lw=1.6, label=f"y = f({name})")
    ax.axhline(0.0, color="0.6", lw=0.6)
    for kind, rows in _by_kind(points, coords).items():
        marker, colour, label = KIND_MARKS[kind]
        label = _CURVE_LABELS.get(kind, label)
        at = rows[:, 0]
        ax.plot(at, _values(func, at), marker, color=colour, mec="black", ms=12, zorder=6,
                ls="none", label=label)  # fmt: skip
    levels = _shown_levels(ys)
    if isinstance(levels, np.ndarray):
        pad = 0.1 * (levels[-1] - levels[0])
        ax.set_ylim(levels[0] - pad, levels[-1] + pad)
    ax.set(xlabel=name, ylabel=f"f({name})", xlim=(box[0, 0], box[0, 1]))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize="small")
    return fig, ax
