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
    """f with its Taylor polynomials P₀ … Pₙ, and the error of Pₙ with the Lagrange bound.

    Orders that add nothing are drawn once and labelled together: for cos(x) about 0 the odd
    terms are 0, so the legend reads "P0 = P1", "P2 = P3", "P4". f is drawn first, solid black;
    the polynomials are drawn over it, dashed, in colours of a qualitative map, the highest
    order boldest, so that it stays visible where it hugs f.

    Parameters
    ----------
    f : str or sympy.Expr (or callable)
        Text gives exact coefficients and a rigorous bound. A callable's coefficients are
        numeric: where one is only tiny, not exactly 0, the orders are labelled "≈".
    x0 : float
    order : int
    interval : (a, b), optional
        Where to measure the error and the bound (default x0 ± 1); the plot spans a bit more.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Left: f (black) and the polynomials; right: |f − Pₙ| on a log scale with the bound.

    Examples
    --------
    >>> import mvcalc as mc
    >>> fig = mc.plots.taylor_approximations("cos(x)", 0, 4)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:4]
    ['f', 'P0 = P1', 'P2 = P3', 'P4']
    >>> fig.axes[1].get_yscale()
    'log'
    """
    from mvcalc.series import taylor

    a, b = interval if interval is not None else (float(x0) - 1.0, float(x0) + 1.0)
    if not a < b:
        raise ValueError(f"interval must be (a, b) with a < b, got {interval}")
    top = taylor(f, x0, order)
    centre = float(top.x0)
    span = b - a
    xs = np.linspace(min(a, centre) - 0.25 * span, max(b, centre) + 0.25 * span, 600)
    with np.errstate(all="ignore"):
        fx = np.asarray(top.f(xs), dtype=np.float64)
    fig = Figure(figsize=(11, 4.8), layout="constrained")
    ax, ax_err = fig.subplots(1, 2)
    finite = fx[np.isfinite(fx)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    pad = 0.15 * max(high - low, 1e-9)
    ax.axvspan(a, b, color="0.92", zorder=0, label="interval")
    ax.plot(xs, fx, color="black", lw=3.2, label="f", zorder=2)
    groups = _distinct_orders(top.coefficients, reach=max(abs(a - centre), abs(b - centre), 1.0))
    floats = np.array([float(c) for c in top.coefficients])
    for i, (members, exact) in enumerate(groups):
        colour, dashes = _style(i)
        last = i == len(groups) - 1
        label = (" = " if exact else " ≈ ").join(f"P{k}" for k in members)
        ax.plot(xs, _partial_sum(floats[: members[-1] + 1], xs - centre), color=colour,
                lw=2.4 if last else 1.6, dashes=dashes, zorder=3 + i, label=label)  # fmt: skip
    ax.plot([centre], [top.value], "o", color="black", mec="white", zorder=4 + len(groups),
            label="x₀")  # fmt: skip
    ax.set(ylim=(low - pad, high + pad), xlabel="x", ylabel="y")
    merged = any(len(members) > 1 for members, _ in groups)
    handles, labels = ax.get_legend_handles_labels()
    order_of = ["f", *(lb for lb in labels if lb.startswith("P")), "x₀", "interval"]
    ax.legend([handles[labels.index(lb)] for lb in order_of], order_of, loc="best",
              fontsize="small", ncol=2,
              title="Pₖ = Pₖ₊₁: the (x − x₀)ᵏ⁺¹ term is 0" if merged else None,
              title_fontsize="small")  # fmt: skip
    ax.grid(alpha=0.3)
    inside = np.linspace(a, b, 600)
    with np.errstate(all="ignore"):
        err = np.abs(np.asarray(top.f(inside), dtype=np.float64) - top(inside))
    floor = 1e-17 * max(1.0, float(np.max(np.abs(finite))) if finite.size else 1.0)
    ax_err.semilogy(inside, np.maximum(err, floor), color=_style(len(groups) - 1)[0], lw=1.8,
                    label=f"|f − P{order}|")  # fmt: skip
    bound = top.remainder_bound(a, b)
    if np.isfinite(bound.bound) and bound.bound > 0:
        kind = "rigorous" if bound.rigorous else "estimated"
        ax_err.axhline(bound.bound, color="black", ls="--",
                       label=f"Lagrange bound ({kind}) {bound.bound:.3g}")  # fmt: skip
        seen = err[np.isfinite(err)]
        ceiling = max(bound.bound, float(seen.max()) if seen.size else 0.0)
        ax_err.set_ylim(top=3.0 * ceiling)  # the bound's line clear of the frame
    ax_err.set(xlabel="x", ylabel="|error|")
    ax_err.legend(loc="lower right", fontsize="small")
    ax_err.grid(alpha=0.3, which="both")
    if title is None:
        name = f if isinstance(f, str) else (str(f) if hasattr(f, "free_symbols") else "f")
        title = f"Taylor series of {name} about x₀ = {centre:g}"
    fig.suptitle(title)
    return fig


#: Colours that separate (Okabe and Ito's palette, safe for colour-blind eyes), never pale.
_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7B3294"]
_DASHES: list[tuple[float, ...]] = [(6.0, 2.5), (2.0, 1.5), (8.0, 2.0, 2.0, 2.0)]


def _style(i: int) -> tuple[str, tuple[float, ...]]:
    """The colour and dash pattern of the i-th curve drawn (colours first, then patterns)."""
    return _COLOURS[i % len(_COLOURS)], _DASHES[(i // len(_COLOURS)) % len(_DASHES)]


def _distinct_orders(coefficients: Any, reach: float) -> list[tuple[list[int], bool]]:
    """Orders grouped where a coefficient adds nothing: [([0, 1], True), ([2, 3], True), …].

    Pₖ equals Pₖ₋₁ exactly when cₖ is exactly 0 (``True``: "="). A numeric coefficient that is
    not 0 but negligible, |cₖ|·rᵏ ≤ 10⁻¹² of the largest term over the reach r, joins the group
    with ``False`` ("≈"): the tiny value is the method's error, not a term one could see.
    """
    import sympy

    sizes = [abs(float(c)) * reach**k for k, c in enumerate(coefficients)]
    largest = max(sizes) if sizes else 0.0
    groups: list[tuple[list[int], bool]] = []
    for k, c in enumerate(coefficients):
        exactly = (c.is_zero is True) if isinstance(c, sympy.Basic) else c == 0
        negligible = exactly or sizes[k] <= 1e-12 * largest
        if groups and negligible:
            members, exact = groups[-1]
            groups[-1] = ([*members, k], exact and bool(exactly))
        else:
            groups.append(([k], True))
    return groups


def _partial_sum(coefficients: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Σ cₖ dᵏ by Horner's rule."""
    total: np.ndarray = np.zeros_like(d) + coefficients[-1]
    for c in coefficients[-2::-1]:
        total = total * d + c
    return total


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
        ax.contour(gx, gy, values, levels=levels[::2], colors="white", linewidths=0.5, alpha=0.6,
                   linestyles="solid")  # fmt: skip
        ax.plot(*point, "o", color="black", mec="white", mew=1.5, ms=9)  # not a star: no minimum
        ax.set(title=name, xlabel="x", aspect="equal")
    axes[0].set_ylabel("y")
    fig.colorbar(cs, ax=list(axes), label="value")
    where = f"({point[0]:.6g}, {point[1]:.6g})"
    fig.suptitle(
        f"Taylor approximations of f about x₀ = {where} (●); white lines: the contours of f "
        "itself, for comparison"
    )
    return fig
