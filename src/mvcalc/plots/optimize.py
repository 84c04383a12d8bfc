"""Figures of optimisation: Newton's tangents, descent paths on contours, Lagrange's tangencies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from mvcalc.plots._grid import figure, grid, mark_ends, on_grid
from mvcalc.plots._grid import resolution as check_resolution
from mvcalc.results import Result

__all__ = ["descent_paths", "lagrange_points", "newton_tangents"]


def _function(f: Any) -> Callable[[Any], Any]:
    from mvcalc._numeric import as_function

    return as_function(f)[0]


def newton_tangents(f: Any, result: Result, *, title: str | None = None) -> Figure:
    """Newton–Raphson's iterations drawn as tangent lines running down to the axis.

    Examples
    --------
    >>> import mvcalc as mc
    >>> r = mc.newton_raphson("x**3 - 2*x + 2", -2)
    >>> fig = mc.plots.newton_tangents("x**3 - 2*x + 2", r)
    >>> fig.axes[0].get_legend() is not None
    True
    """
    if not isinstance(result, Result):
        raise TypeError(f"result must be a Result, got {type(result).__name__}")
    path = np.asarray(result.path, dtype=np.float64)
    if path.ndim != 1:
        raise ValueError("newton_tangents draws scalar equations only")
    func = _function(f)
    lo, hi = float(path.min()), float(path.max())
    span = max(hi - lo, 1.0)
    xs = np.linspace(lo - 0.3 * span, hi + 0.3 * span, 600)
    with np.errstate(all="ignore"):
        fx = np.asarray(func(xs), dtype=np.float64)
    fig, ax = figure(8, 5)
    ax.axhline(0, color="0.4", lw=0.8)
    ax.plot(xs, fx, color="black", lw=2, label="f(x)")
    for k in range(len(path) - 1):
        x_k, x_next = path[k], path[k + 1]
        y_k = float(np.asarray(func(x_k)))
        ax.plot([x_k, x_next], [y_k, 0.0], "-", color="#c0392b", lw=1,
                label="tangent at each iterate" if k == 0 else None)  # fmt: skip
        ax.plot([x_next, x_next], [0.0, float(np.asarray(func(x_next)))], ":", color="0.5", lw=0.8)
    ax.plot(path, [float(np.asarray(func(p))) for p in path], "o", color="#c0392b", ms=5,
            label="iterates")  # fmt: skip
    for k, p in enumerate(path[: min(len(path), 3)]):  # later iterates crowd the root
        ax.annotate(f"x{k}", (p, 0), textcoords="offset points", xytext=(0, -14), ha="center",
                    fontsize="small")  # fmt: skip
    finite = fx[np.isfinite(fx)]
    if finite.size:
        pad = 0.1 * (finite.max() - finite.min() + 1e-9)
        ax.set_ylim(finite.min() - pad, finite.max() + pad)
    ax.set(xlabel="x", ylabel="f(x)")
    ax.legend(loc="best", fontsize="small")
    ax.grid(alpha=0.3)
    ax.set_title(title or f"Newton–Raphson: {result.message} after {result.nit} steps")
    return fig


def descent_paths(
    f: Any,
    results: dict[str, Result],
    *,
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
    resolution: int = 200,
    title: str | None = None,
) -> Figure:
    """Optimisers' paths on a contour map of f(x, y).

    Examples
    --------
    >>> import mvcalc as mc
    >>> r = mc.minimize("(1-x)**2 + 100*(y-x**2)**2", [-1.2, 1.0])
    >>> fig = mc.plots.descent_paths("(1-x)**2 + 100*(y-x**2)**2", {"hybrid": r}, resolution=40)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['hybrid (26 points)', 'start', 'minimum found']
    """
    if not results or not all(isinstance(r, Result) for r in results.values()):
        raise TypeError("results must be a non-empty dict of name → Result")
    paths = {name: np.asarray(r.path, dtype=np.float64) for name, r in results.items()}
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
    for (name, p), colour in zip(paths.items(), colours * 3, strict=False):
        ax.plot(
            p[:, 0], p[:, 1], "-o", color=colour, ms=3, lw=1.3, label=f"{name} ({len(p)} points)"
        )
    first = next(iter(paths.values()))
    ended = next(iter(results.values()))  # a star says "minimum" only where one was certified
    mark_ends(ax, first[0], first[-1],
              "minimum found" if ended.converged else f"stopped: {ended.status}")  # fmt: skip
    ax.set(xlabel="x", ylabel="y", xlim=(x_lo, x_hi), ylim=(y_lo, y_hi))
    ax.legend(loc="best", fontsize="small")
    ax.set_title(title or "Descent paths on the contours of f")
    return fig


def lagrange_points(
    f: Any,
    constraint: Any,
    points: Sequence[Any],
    *,
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
    resolution: int = 300,
    title: str | None = None,
) -> Figure:
    """The constraint curve g(x, y) = 0 over the contours of f, the tangency points marked.

    At each constrained extremum a contour of f touches the curve: ∇f ∥ ∇g.

    Examples
    --------
    >>> import mvcalc as mc
    >>> pts = mc.lagrange("x*y", "x**2 + y**2 - 1", "x,y")
    >>> fig = mc.plots.lagrange_points("x*y", "x**2 + y**2 - 1", pts, resolution=60)
    >>> sorted({t.get_text() for t in fig.axes[0].get_legend().get_texts()})
    ['constraint g = 0', 'maximum', 'minimum']
    """
    resolution = check_resolution(resolution)
    func, g = _function(f), _function(constraint)
    coords = np.array([p.coordinates() for p in points]) if points else np.zeros((0, 2))
    if coords.size and coords.shape[1] != 2:
        raise ValueError("lagrange_points draws functions of two variables")
    if bounds is None:
        centre = coords.mean(axis=0) if coords.size else np.zeros(2)
        reach = max(1.5 * float(np.max(np.abs(coords - centre))) if coords.size else 2.0, 1.0)
        bounds = ((centre[0] - reach, centre[0] + reach), (centre[1] - reach, centre[1] + reach))
    (x_lo, x_hi), (y_lo, y_hi) = bounds
    gx, gy = grid(bounds, resolution)
    z, c = on_grid(func, gx, gy), on_grid(g, gx, gy)
    fig, ax = figure(7, 6)
    cs = ax.contourf(gx, gy, z, levels=25, cmap="coolwarm", alpha=0.85)
    fig.colorbar(cs, ax=ax, label="f")
    ax.contour(gx, gy, c, levels=[0], colors="black", linewidths=2.2)
    ax.plot([], [], color="black", lw=2.2, label="constraint g = 0")
    for p, xy in zip(points, coords, strict=True):
        level = float(p.value)
        ax.contour(gx, gy, z, levels=[level], colors="0.2", linewidths=0.8, linestyles="--")
        marker = {"maximum": "^", "minimum": "v"}.get(p.kind, "o")
        ax.plot(*xy, marker, ms=12, mec="black",
                color={"maximum": "#c0392b", "minimum": "#2471a3"}.get(p.kind, "0.6"),
                label=p.kind)  # fmt: skip
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(unique.values(), unique.keys(), loc="best", fontsize="small")
    ax.set(xlabel="x", ylabel="y", aspect="equal", xlim=(x_lo, x_hi), ylim=(y_lo, y_hi))
    ax.set_title(title or "Lagrange multipliers: contours of f touching g = 0 (dashed)")
    return fig
