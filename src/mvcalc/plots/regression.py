"""Figures of least squares: a histogram fit, χ² contours with a path, fits with residuals."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from mvcalc.plots._grid import figure, grid, mark_ends
from mvcalc.plots._grid import resolution as check_resolution
from mvcalc.results import FitResult, LinearFit

ABOVE = "#d35400"  # where the model lies above the data
BELOW = "#2471a3"  # where the model lies below the data

__all__ = ["chi2_contours", "histogram_fit", "linear_fit", "model_fit"]


def histogram_fit(
    x: ArrayLike,
    y: ArrayLike,
    model: Callable[..., ArrayLike],
    params: ArrayLike,
    *,
    sigma: ArrayLike | None = None,
    xlabel: str = "x",
    ylabel: str = "density",
    title: str | None = None,
    zoom: bool = True,
) -> Figure:
    """A histogram with a fitted model, the misfit coloured by its sign, and χ² on the plot.

    Each bar is the data; where the model (evaluated at the bin centre) lies above the bar the
    gap is filled in one colour, where it lies below in another, so the eye sees where the fit
    over- and under-shoots. The smooth model curve is drawn on top.

    Parameters
    ----------
    x, y : array_like, shape (N,)
        Bin centres (equally spaced) and heights.
    model : callable
        ``model(x, *params)``.
    params : array_like
        The parameters to draw, for instance ``fit(...).params``.
    sigma : array_like, optional
        Uncertainties of ``y``, used for χ² (1 when omitted, as in :func:`mvcalc.chi_squared`).
    xlabel, ylabel, title : str, optional
    zoom : bool, optional
        Limit the x axis to where the data or the model are non-negligible.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import mvcalc as mc
    >>> x, y = mc.datasets.heights()
    >>> fig = mc.plots.histogram_fit(x, y, mc.gaussian, [178.5, 7.55], xlabel="height (cm)")
    >>> fig.axes[0].get_xlabel()
    'height (cm)'
    """
    from mvcalc.regression import chi_squared

    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.ndim != 1 or xa.shape != ya.shape or xa.size < 2:
        raise ValueError(
            f"x and y must be 1-D of the same length (at least 2), got {xa.shape} and {ya.shape}"
        )
    pa = np.atleast_1d(np.asarray(params, dtype=np.float64))
    chi2 = chi_squared(model, pa, xa, ya, sigma)
    width = float(np.median(np.diff(xa)))
    at_bins = np.asarray(model(xa, *pa), dtype=np.float64).reshape(xa.shape)

    fig, ax = figure(8, 4.8)
    ax.bar(xa, ya, width=width, color="0.82", edgecolor="0.55", lw=0.6, label="data")
    above = at_bins > ya
    low, high = np.minimum(at_bins, ya), np.maximum(at_bins, ya)
    ax.bar(xa[above], (high - low)[above], bottom=low[above], width=width, color=ABOVE,
           alpha=0.45, lw=0, label="model above data")  # fmt: skip
    ax.bar(xa[~above], (high - low)[~above], bottom=low[~above], width=width, color=BELOW,
           alpha=0.45, lw=0, label="model below data")  # fmt: skip
    fine = np.linspace(xa[0] - width / 2, xa[-1] + width / 2, 800)
    curve = np.asarray(model(fine, *pa), dtype=np.float64).reshape(fine.shape)
    ax.plot(fine, curve, color="black", lw=1.8, label="model")
    if zoom:
        scale = max(float(np.max(np.abs(ya))), float(np.max(np.abs(curve))), 1e-300)
        keep = (np.abs(ya) > 1e-3 * scale) | (np.abs(at_bins) > 1e-3 * scale)
        if keep.any():
            lo, hi = xa[keep].min() - 3 * width, xa[keep].max() + 3 * width
            ax.set_xlim(lo, hi)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.text(0.02, 0.96, f"χ² = {chi2:.4g}", transform=ax.transAxes, va="top", fontsize=11,
            bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})  # fmt: skip
    ax.legend(loc="upper right", fontsize="small")
    ax.grid(alpha=0.25, axis="y")
    if title is None:
        title = "Fit: " + ", ".join(f"p{i} = {v:.4g}" for i, v in enumerate(pa))
    ax.set_title(title)
    return fig


def chi2_contours(
    model: Callable[..., ArrayLike],
    x: ArrayLike,
    y: ArrayLike,
    path: ArrayLike | FitResult,
    *,
    sigma: ArrayLike | None = None,
    names: Sequence[str] = ("μ", "σ"),
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
    resolution: int = 120,
    title: str | None = None,
) -> Figure:
    """χ² over a grid of two parameters, with an optimiser's path drawn on it.

    The assignment's figure: contours of χ²(p₀, p₁) on a logarithmic colour scale, the path of
    the fit as joined dots, its start and end marked.

    Parameters
    ----------
    model : callable
        ``model(x, p0, p1)``.
    x, y : array_like
        The data.
    path : array_like, shape (k, 2), or FitResult
        The iterates (``fit(...).path``), their end marked "end"; or the ``FitResult`` itself,
        whose end is then a gold star "minimum of χ² found" only when its status is
        ``"converged"``, and otherwise names the status.
    sigma : array_like, optional
        Uncertainties of ``y``.
    names : pair of str, optional
        Axis labels for the two parameters.
    bounds : ((lo0, hi0), (lo1, hi1)), optional
        The grid; by default the path's extent with a margin.
    resolution : int, optional
        Grid points along each axis.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import mvcalc as mc
    >>> x, y = mc.datasets.heights()
    >>> result = mc.fit(mc.gaussian, x, y, [155, 6], method="steepest-descent",
    ...                 aggression=2000, max_iter=50)
    >>> fig = mc.plots.chi2_contours(mc.gaussian, x, y, result.path, resolution=40)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['path', 'start', 'end']
    >>> result.status
    'max-iter'
    >>> fig = mc.plots.chi2_contours(mc.gaussian, x, y, result, resolution=40)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][-1]
    'stopped (max-iter): no minimum claimed'
    """
    from mvcalc.regression import chi_squared

    status = path.status if isinstance(path, FitResult) else None
    if isinstance(path, FitResult):
        path = path.path
    pts = np.asarray(path, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2 or pts.shape[0] < 1:
        raise ValueError(f"path must have shape (k, 2) for two parameters, got {pts.shape}")
    if not np.all(np.isfinite(pts)):
        raise ValueError("path must be finite")
    resolution = check_resolution(resolution)
    if bounds is None:
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        span = np.maximum(hi - lo, 0.1 * np.maximum(np.abs(hi), 1.0))
        lo, hi = lo - 0.15 * span, hi + 0.15 * span
    else:
        lo, hi = np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])
        if not np.all(hi > lo):
            raise ValueError(f"bounds must be (low, high) pairs with low < high, got {bounds}")
    g0, g1 = grid(((lo[0], hi[0]), (lo[1], hi[1])), resolution)
    chi2 = np.full(g0.shape, np.nan)  # σ = 0 (a parameter of 0 on the second axis) stays NaN
    with np.errstate(all="ignore"):
        for index, (a, b) in enumerate(zip(g0.flat, g1.flat, strict=True)):
            if b != 0:
                chi2.flat[index] = chi_squared(model, [a, b], x, y, sigma)
    finite = chi2[np.isfinite(chi2) & (chi2 > 0)]
    fig, ax = figure(7, 5.5)
    if finite.size and finite.max() > finite.min():  # a flat landscape has no contours to draw
        levels = np.geomspace(finite.min(), finite.max(), 25)
        cs = ax.contourf(g0, g1, chi2, levels=levels, norm=LogNorm(), cmap="viridis_r")
        ax.contour(g0, g1, chi2, levels=levels[::3], colors="white", linewidths=0.4, alpha=0.6)
        fig.colorbar(cs, ax=ax, label="χ²", format="%.2g")
    ax.plot(pts[:, 0], pts[:, 1], "-o", color="#c0392b", ms=3, lw=1.2, label="path")
    if status is None:  # a bare path: where it ends, no claim about what is there
        mark_ends(ax, pts[0], pts[-1], "end", marker="D", colour="white")
    elif status == "converged":
        mark_ends(ax, pts[0], pts[-1], "minimum of χ² found")
    else:
        mark_ends(ax, pts[0], pts[-1], f"stopped ({status}): no minimum claimed", marker="o",
                  colour="white")  # fmt: skip
    ax.set(xlabel=names[0], ylabel=names[1], xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))
    ax.legend(loc="best", fontsize="small")
    if title is None:
        title = (
            f"χ² and the path of the fit: {len(pts) - 1} steps to "
            f"({pts[-1, 0]:.4g}, {pts[-1, 1]:.4g})"
        )
    ax.set_title(title)
    return fig


def linear_fit(
    x: ArrayLike,
    y: ArrayLike,
    fit: LinearFit,
    *,
    sigma: ArrayLike | None = None,
    xlabel: str = "x",
    ylabel: str = "y",
    title: str | None = None,
) -> Figure:
    """Data with error bars, the fitted line, and the residuals beneath.

    Parameters
    ----------
    x, y : array_like, shape (N,)
    fit : LinearFit
        What :func:`mvcalc.linear_fit` returned for these data.
    sigma : array_like, optional
        Uncertainties of ``y``, drawn as error bars.
    xlabel, ylabel, title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import mvcalc as mc
    >>> x, y = [0, 1, 2, 3], [1.1, 2.9, 5.2, 6.8]
    >>> fig = mc.plots.linear_fit(x, y, mc.linear_fit(x, y))
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['y', 'residual']
    """
    if not isinstance(fit, LinearFit):
        raise TypeError(f"fit must be a LinearFit, got {type(fit).__name__}")
    label = (
        f"y = ({fit.slope:.4g} ± {fit.slope_error:.2g}) x + "
        f"({fit.intercept:.4g} ± {fit.intercept_error:.2g})"
    )
    if title is None:
        title = f"Linear fit: χ² = {fit.chi2:.4g}, r² = {fit.r_squared:.4f}"
    return _data_fit_residuals(
        x, y, lambda t: fit.slope * t + fit.intercept, label, sigma, xlabel, ylabel, title
    )


def model_fit(
    x: ArrayLike,
    y: ArrayLike,
    model: Callable[..., ArrayLike],
    result: FitResult,
    *,
    sigma: ArrayLike | None = None,
    names: Sequence[str] | None = None,
    xlabel: str = "x",
    ylabel: str = "y",
    title: str | None = None,
) -> Figure:
    """Data with error bars, a fitted model curve, and the residuals beneath.

    Parameters
    ----------
    x, y : array_like, shape (N,)
    model : callable
        ``model(x, *params)``.
    result : FitResult
        What :func:`mvcalc.fit` returned for these data.
    sigma : array_like, optional
        Uncertainties of ``y``, drawn as error bars.
    names : sequence of str, optional
        Parameter names for the legend.
    xlabel, ylabel, title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> x = np.linspace(0, 2, 20)
    >>> y = 3 * np.exp(-1.5 * x)
    >>> decay = lambda x, a, b: a * np.exp(b * x)
    >>> fig = mc.plots.model_fit(x, y, decay, mc.fit(decay, x, y, [1, -1]), names=["a", "b"])
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['y', 'residual']
    """
    if not isinstance(result, FitResult):
        raise TypeError(f"result must be a FitResult, got {type(result).__name__}")
    names = [f"p{i}" for i in range(result.params.size)] if names is None else list(names)
    if len(names) != result.params.size:
        raise ValueError(f"names must hold {result.params.size} names, got {len(names)}")
    label = "\n".join(  # errors belong to converged fits only
        f"{n} = {v:.5g}" + (f" ± {e:.2g}" if result.converged else "")
        for n, v, e in zip(names, result.params, result.errors, strict=True)
    ) + ("" if result.converged else f"\n(not converged: {result.status})")
    if title is None:
        title = f"Fit by {result.method or 'least squares'}: χ² = {result.chi2:.4g}"

    def curve(t: np.ndarray) -> np.ndarray:
        return np.asarray(model(t, *result.params), dtype=np.float64).reshape(t.shape)

    return _data_fit_residuals(x, y, curve, label, sigma, xlabel, ylabel, title)


def _data_fit_residuals(
    x: ArrayLike,
    y: ArrayLike,
    curve: Callable[[np.ndarray], np.ndarray],
    label: str,
    sigma: ArrayLike | None,
    xlabel: str,
    ylabel: str,
    title: str,
) -> Figure:
    """Data with error bars and a fitted curve above, the residuals y − curve(x) below."""
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.ndim != 1 or xa.shape != ya.shape:
        raise ValueError(f"x and y must be 1-D of the same length, got {xa.shape} and {ya.shape}")
    err = None if sigma is None else np.asarray(sigma, dtype=np.float64)
    fig = Figure(figsize=(7, 6), layout="constrained")
    ax, ax_res = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    ax.errorbar(xa, ya, yerr=err, fmt="o", ms=4, color="#2c3e50", capsize=2, label="data")
    fine = np.linspace(xa.min(), xa.max(), 400)
    ax.plot(fine, curve(fine), color="#c0392b", lw=2, label=label)
    ax.set(ylabel=ylabel, title=title)
    ax.legend(loc="best", fontsize="small")
    ax.grid(alpha=0.3)
    ax_res.axhline(0, color="#c0392b", lw=1)
    ax_res.errorbar(xa, ya - curve(xa), yerr=err, fmt="o", ms=3, color="#2c3e50", capsize=2)
    ax_res.set(xlabel=xlabel, ylabel="residual")
    ax_res.grid(alpha=0.3)
    return fig
