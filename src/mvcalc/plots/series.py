"""Figures of Taylor series: approximations of rising order with their error, and in 2-D."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from mvcalc.plots._grid import grid
from mvcalc.plots._grid import resolution as check_resolution

__all__ = ["taylor_2d", "taylor_approximations"]


def taylor_approximations(
    f: Any,
    x0: float,
    order: int,
    *,
    interval: tuple[float, float] | None = None,
    title: str | None = None,
) -> Figure:
    """f with its Taylor approximations of orders 0..n, and their errors with the Lagrange bound.

    Parameters
    ----------
    f : str or sympy.Expr (or callable)
        Text gives exact coefficients and a rigorous bound.
    x0 : float
    order : int
    interval : (a, b), optional
        Where to measure the error and the bound (default x0 ± 1); the plot spans a bit more.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Left: f (black) and P₀ … Pₙ; right: |f − Pₙ| on a log scale with the bound.

    Examples
    --------
    >>> import mvcalc as mc
    >>> fig = mc.plots.taylor_approximations("exp(x)", 0, 4, interval=(0, 1))
    >>> fig.axes[1].get_yscale()
    'log'
    """
    from mvcalc.series import taylor

    a, b = interval if interval is not None else (float(x0) - 1.0, float(x0) + 1.0)
    if not a < b:
        raise ValueError(f"interval must be (a, b) with a < b, got {interval}")
    series = [taylor(f, x0, k) for k in range(order + 1)]
    top = series[-1]
    span = b - a
    xs = np.linspace(min(a, x0) - 0.25 * span, max(b, x0) + 0.25 * span, 600)
    with np.errstate(all="ignore"):
        fx = np.asarray(top.f(xs), dtype=np.float64)
    fig = Figure(figsize=(11, 4.8), layout="constrained")
    ax, ax_err = fig.subplots(1, 2)
    finite = fx[np.isfinite(fx)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    pad = 0.15 * max(high - low, 1e-9)
    colours = [_colour(k / max(order, 1)) for k in range(order + 1)]
    for k, (p, colour) in enumerate(zip(series, colours, strict=True)):
        ax.plot(xs, p(xs), color=colour, lw=1.3, label=f"order {k}")
    ax.plot(xs, fx, color="black", lw=2.4, label="f", zorder=5)
    ax.plot([float(x0)], [top.value], "o", color="black", zorder=6)
    ax.axvspan(a, b, color="0.9", zorder=0, label="interval")
    ax.set(ylim=(low - pad, high + pad), xlabel="x", ylabel="y")
    ax.legend(loc="best", fontsize="small", ncol=2)
    ax.grid(alpha=0.3)
    inside = np.linspace(a, b, 600)
    with np.errstate(all="ignore"):
        err = np.abs(np.asarray(top.f(inside), dtype=np.float64) - top(inside))
    floor = 1e-17 * max(1.0, float(np.max(np.abs(finite))) if finite.size else 1.0)
    ax_err.semilogy(inside, np.maximum(err, floor), color=colours[-1], lw=1.8,
                    label=f"|f − P{order}|")  # fmt: skip
    bound = top.remainder_bound(a, b)
    if np.isfinite(bound.bound) and bound.bound > 0:
        kind = "rigorous" if bound.rigorous else "estimated"
        ax_err.axhline(bound.bound, color="#c0392b", ls="--",
                       label=f"Lagrange bound ({kind}) {bound.bound:.3g}")  # fmt: skip
    ax_err.set(xlabel="x", ylabel="|error|")
    ax_err.legend(loc="best", fontsize="small")
    ax_err.grid(alpha=0.3, which="both")
    if title is None:
        name = f if isinstance(f, str) else (str(f) if hasattr(f, "free_symbols") else "f")
        title = f"Taylor series of {name} about x₀ = {float(x0):g}"
    fig.suptitle(title)
    return fig


def _colour(t: float) -> Any:
    """A colour from viridis for t in [0, 1] (early orders dark, late orders bright)."""
    from matplotlib import colormaps

    return colormaps["viridis"](0.1 + 0.8 * t)


def taylor_2d(
    f: Any,
    x0: Sequence[float],
    *,
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
    resolution: int = 120,
) -> Figure:
    """Contours of f(x, y) beside its linear and quadratic approximations about x₀.

    Examples
    --------
    >>> import mvcalc as mc
    >>> fig = mc.plots.taylor_2d("sin(x)*cos(y)", [0.5, 0.5], resolution=30)
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['f', 'linear (order 1)', 'quadratic (order 2)']
    """
    from mvcalc.series import taylor

    point = np.asarray(x0, dtype=np.float64)
    if point.shape != (2,):
        raise ValueError(f"x0 must be a point (x, y), got {x0!r}")
    resolution = check_resolution(resolution)
    gx, gy = grid(bounds or ((point[0] - 1, point[0] + 1), (point[1] - 1, point[1] + 1)),
                  resolution)  # fmt: skip
    points = np.stack([gx, gy], axis=-1)
    quadratic = taylor(f, point, 2)
    linear = taylor(f, point, 1)
    with np.errstate(all="ignore"):
        values = np.asarray(quadratic.f(points), dtype=np.float64)
    surfaces = [values, linear(points), quadratic(points)]
    finite = values[np.isfinite(values)]
    if not finite.size:
        raise ValueError("f must be finite somewhere in bounds to draw its contours")
    levels = np.linspace(float(finite.min()), float(finite.max()), 21)
    fig = Figure(figsize=(13, 4.3), layout="constrained")
    axes = fig.subplots(1, 3, sharex=True, sharey=True)
    for ax, z, name in zip(axes, surfaces, ["f", "linear (order 1)", "quadratic (order 2)"],
                           strict=True):  # fmt: skip
        cs = ax.contourf(gx, gy, z, levels=levels, cmap="viridis", extend="both")
        ax.contour(gx, gy, values, levels=levels[::2], colors="white", linewidths=0.5, alpha=0.6)
        ax.plot(*point, "*", color="gold", mec="black", ms=14)
        ax.set(title=name, xlabel="x", aspect="equal")
    axes[0].set_ylabel("y")
    fig.colorbar(cs, ax=list(axes), label="value")
    fig.suptitle("White lines: contours of f itself, for comparison; ★ the expansion point")
    return fig
