"""Matplotlib figures for each topic of the course.

Every function takes data or a result, draws on a new :class:`~matplotlib.figure.Figure` (not on
pyplot's global state) and returns it; nothing is saved or shown unless you ask::

    fig = mc.plots.training_curves(history)
    fig.savefig("backprop.png", dpi=150)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from mvcalc.calculus import StepSizeStudy
from mvcalc.lab.sandpit import Sandpit, Workers
from mvcalc.results import FitResult, LinearFit, Result, TrainingHistory

__all__ = [
    "chi2_contours",
    "descent_paths",
    "histogram_fit",
    "lagrange_points",
    "linear_fit",
    "model_fit",
    "newton_tangents",
    "sandpit",
    "step_size_error",
    "taylor_2d",
    "taylor_approximations",
    "training_curves",
]

ABOVE = "#d35400"  # where the model lies above the data
BELOW = "#2471a3"  # where the model lies below the data


def training_curves(history: TrainingHistory, *, title: str | None = None) -> Figure:
    """The course's "series of curves showing the progress of training".

    The target curve, the network's output curve at every recorded step drawn faint (later steps
    darker), and the final curve bold, on equal axes over the unit square; a second panel shows
    the cost against the step on a log scale.

    Parameters
    ----------
    history : TrainingHistory
        What :meth:`mvcalc.Network.train` returned, for a network with two outputs.
    title : str, optional
        Replaces the default title (which gives the final cost).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import mvcalc as mc
    >>> x, y = mc.datasets.heart_curve()
    >>> history = mc.Network([1, 6, 7, 2], seed=0).train(x, y, iterations=500, seed=0)
    >>> fig = mc.plots.training_curves(history)
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['output 1', 'step']
    """
    if not isinstance(history, TrainingHistory):
        raise TypeError(f"history must be a TrainingHistory, got {type(history).__name__}")
    if history.y.shape[0] != 2:
        raise ValueError(
            f"history must come from a network with 2 outputs to draw a curve, "
            f"got {history.y.shape[0]}"
        )
    fig = Figure(figsize=(10, 5), layout="constrained")
    ax, ax_cost = fig.subplots(1, 2, width_ratios=[1.2, 1])

    def closed(curve: np.ndarray) -> np.ndarray:  # join the last point back to the first
        return np.hstack([curve, curve[:, :1]])

    target = closed(history.y)
    ax.plot(*target, color="0.55", lw=6, alpha=0.45, solid_capstyle="round", label="target")
    if len(history.outputs) > 1:
        segments = [closed(out).T for out in history.outputs[:-1]]
        shade = np.linspace(0.15, 0.6, len(segments))
        faint = LineCollection(segments, colors=[(0.12, 0.47, 0.71, s) for s in shade], lw=0.8)
        ax.add_collection(faint)
        ax.plot([], [], color=(0.12, 0.47, 0.71, 0.4), lw=0.8, label="during training")
    final = closed(history.outputs[-1])
    ax.plot(*final, color="#c0392b", lw=2.2, label=f"step {history.iterations:,}")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="output 1", ylabel="output 2", aspect="equal")
    ax.legend(loc="lower right", fontsize="small")
    ax.grid(alpha=0.25)

    ax_cost.semilogy(history.steps, history.cost, color="#c0392b", marker=".", ms=3)
    ax_cost.set(xlabel="step", ylabel="cost  C = ‖a(L) − y‖² / N")
    ax_cost.grid(alpha=0.3, which="both")

    if title is None:
        title = (
            f"Backpropagation: cost {history.initial_cost:.4g} → {history.final_cost:.4g} "
            f"after {history.iterations:,} steps"
        )
        if not history.converged:
            title += " (stopped early)"
    fig.suptitle(title)
    return fig


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

    fig = Figure(figsize=(8, 4.8), layout="constrained")
    ax = fig.subplots()
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
    path: ArrayLike,
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
        The iterates (``fit(...).path``); a ``FitResult`` is accepted too.
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
    """
    from mvcalc.regression import chi_squared

    if isinstance(path, FitResult):
        path = path.path
    pts = np.asarray(path, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2 or pts.shape[0] < 1:
        raise ValueError(f"path must have shape (k, 2) for two parameters, got {pts.shape}")
    if not np.all(np.isfinite(pts)):
        raise ValueError("path must be finite")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    if bounds is None:
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        span = np.maximum(hi - lo, 0.1 * np.maximum(np.abs(hi), 1.0))
        lo, hi = lo - 0.15 * span, hi + 0.15 * span
    else:
        lo, hi = np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])
        if not np.all(hi > lo):
            raise ValueError(f"bounds must be (low, high) pairs with low < high, got {bounds}")
    g0 = np.linspace(lo[0], hi[0], resolution)
    g1 = np.linspace(lo[1], hi[1], resolution)
    chi2 = np.empty((resolution, resolution))
    with np.errstate(all="ignore"):
        for i, b in enumerate(g1):
            for j, a in enumerate(g0):
                chi2[i, j] = chi_squared(model, [a, b], x, y, sigma) if b != 0 else np.nan
    finite = chi2[np.isfinite(chi2) & (chi2 > 0)]
    fig = Figure(figsize=(7, 5.5), layout="constrained")
    ax = fig.subplots()
    if finite.size:
        levels = np.geomspace(finite.min(), finite.max(), 25)
        cs = ax.contourf(g0, g1, chi2, levels=levels, norm=LogNorm(), cmap="viridis_r")
        ax.contour(g0, g1, chi2, levels=levels[::3], colors="white", linewidths=0.4, alpha=0.6)
        fig.colorbar(cs, ax=ax, label="χ²", format="%.2g")
    ax.plot(pts[:, 0], pts[:, 1], "-o", color="#c0392b", ms=3, lw=1.2, label="path")
    ax.plot(*pts[0], "s", color="white", mec="black", ms=9, label="start")
    ax.plot(*pts[-1], "*", color="gold", mec="black", ms=15, label="end")
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
    label = "\n".join(
        f"{n} = {v:.5g} ± {e:.2g}"
        for n, v, e in zip(names, result.params, result.errors, strict=True)
    )
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


def step_size_error(study: StepSizeStudy, *, title: str | None = None) -> Figure:
    """Error of finite differences against the step h, on log-log axes.

    Rise over run made quantitative: as h shrinks, the truncation error falls (slope 1 for
    forward differences, 2 for central ones) until round-off, growing like ε/h, takes over. The
    best step of each formula is marked, with the step theory predicts (√ε and ε^(1/3)) as a dashed
    line. The complex step, which subtracts nothing, has no round-off wall.

    Parameters
    ----------
    study : StepSizeStudy
        What :func:`mvcalc.calculus.step_size_study` returned.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> fig = mc.plots.step_size_error(mc.calculus.step_size_study(np.exp, 1.0))
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_yscale()
    ('log', 'log')
    """
    if not isinstance(study, StepSizeStudy):
        raise TypeError(f"study must be a StepSizeStudy, got {type(study).__name__}")
    colours = {"forward": "#c0392b", "central": "#2471a3", "complex step": "#27ae60"}
    labels = {"forward": "forward: truncation ∝ h", "central": "central: truncation ∝ h²",
              "complex step": "complex step: ∝ h², nothing subtracted"}  # fmt: skip
    fig = Figure(figsize=(7.5, 5.2), layout="constrained")
    ax = fig.subplots()
    # an error of exactly 0 cannot sit on a log axis: draw it at half an ulp of f'(x), the
    # resolution of the answer; steps so small that x + h == x give no estimate (a gap)
    floor = 0.5 * np.spacing(max(abs(study.exact), np.finfo(float).tiny))
    for name, errors in study.errors.items():
        shown = np.where(np.isfinite(errors), np.maximum(errors, floor), np.nan)
        colour = colours.get(name, "0.3")
        ax.loglog(study.h, shown, "-", color=colour, lw=1.6, label=labels.get(name, name))
        i = int(np.argmin(np.abs(study.h - study.best_h[name])))
        ax.plot(study.h[i], shown[i], "o", color=colour, ms=7, mec="black")
    for name, h_opt in study.theory_h.items():
        ax.axvline(h_opt, color=colours[name], ls="--", lw=0.9, alpha=0.7)
    ax.plot([], [], "o", color="white", mec="black", label="best step measured")
    ax.plot([], [], "--", color="0.4", lw=0.9, label="best step in theory: √ε, ε^(1/3)")
    ax.set(xlabel="step h", ylabel="|error| of the derivative  (round-off ∝ ε/h on the left)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="lower right", fontsize="small")
    if title is None:
        title = f"Rise over run: error against step for {study.label} at x = {study.x:g}"
    ax.set_title(title)
    return fig


# --------------------------------------------------------------------------------------------
# Series and optimisation
# --------------------------------------------------------------------------------------------


def _function(f: Any) -> Callable[[Any], Any]:
    from mvcalc.optimize import as_function

    return as_function(f)[0]


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
    (x_lo, x_hi), (y_lo, y_hi) = bounds or ((point[0] - 1, point[0] + 1),
                                            (point[1] - 1, point[1] + 1))  # fmt: skip
    gx, gy = np.meshgrid(np.linspace(x_lo, x_hi, resolution), np.linspace(y_lo, y_hi, resolution))
    grid = np.stack([gx, gy], axis=-1)
    quadratic = taylor(f, point, 2)
    linear = taylor(f, point, 1)
    with np.errstate(all="ignore"):
        values = np.asarray(quadratic.f(grid), dtype=np.float64)
    surfaces = [values, linear(grid), quadratic(grid)]
    finite = values[np.isfinite(values)]
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
    fig = Figure(figsize=(8, 5), layout="constrained")
    ax = fig.subplots()
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
    func = _function(f)
    every = np.vstack(list(paths.values()))
    if bounds is None:
        lo, hi = every.min(axis=0), every.max(axis=0)
        pad = 0.2 * np.maximum(hi - lo, 0.5)
        bounds = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))
    (x_lo, x_hi), (y_lo, y_hi) = bounds
    gx, gy = np.meshgrid(np.linspace(x_lo, x_hi, resolution), np.linspace(y_lo, y_hi, resolution))
    with np.errstate(all="ignore"):
        z = np.asarray(func(np.stack([gx, gy])), dtype=np.float64)
    fig = Figure(figsize=(7.5, 6), layout="constrained")
    ax = fig.subplots()
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
    ax.plot(*first[0], "s", color="white", mec="black", ms=9, label="start")
    ended = next(iter(results.values()))  # a star says "minimum" only where one was certified
    ax.plot(*first[-1], "*", color="gold", mec="black", ms=15,
            label="minimum found" if ended.converged else f"stopped: {ended.status}")  # fmt: skip
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
    func, g = _function(f), _function(constraint)
    coords = np.array([p.coordinates() for p in points]) if points else np.zeros((0, 2))
    if coords.size and coords.shape[1] != 2:
        raise ValueError("lagrange_points draws functions of two variables")
    if bounds is None:
        centre = coords.mean(axis=0) if coords.size else np.zeros(2)
        reach = max(1.5 * float(np.max(np.abs(coords - centre))) if coords.size else 2.0, 1.0)
        bounds = ((centre[0] - reach, centre[0] + reach), (centre[1] - reach, centre[1] + reach))
    (x_lo, x_hi), (y_lo, y_hi) = bounds
    gx, gy = np.meshgrid(np.linspace(x_lo, x_hi, resolution), np.linspace(y_lo, y_hi, resolution))
    with np.errstate(all="ignore"):
        z = np.asarray(func(np.stack([gx, gy])), dtype=np.float64)
        c = np.asarray(g(np.stack([gx, gy])), dtype=np.float64)
    fig = Figure(figsize=(7, 6), layout="constrained")
    ax = fig.subplots()
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


def sandpit(
    game: Sandpit,
    walks: Sequence[Workers] = (),
    *,
    resolution: int = 241,
    title: str | None = None,
) -> Figure:
    """The sandpit's hidden floor with a game's probes, −J arrows and workers' paths.

    A teacher's view: it shows the floor without ending the game (``Sandpit.reveal`` ends it).

    Parameters
    ----------
    game : mvcalc.lab.Sandpit
    walks : sequence of mvcalc.lab.Workers, optional
        Workers' walks to draw as paths.
    resolution : int, optional
        Grid points along x.
    title : str, optional

    Examples
    --------
    >>> import mvcalc as mc
    >>> game = mc.lab.Sandpit("multiple-minima", seed=2, mode="jacobian")
    >>> _ = game.probe(0.0, 0.0), game.probe(1.0, -1.0)
    >>> fig = mc.plots.sandpit(game, resolution=61)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['probes (2)', '−J, downhill', 'the phone (deepest point)', 'within reach']
    """
    if not isinstance(game, Sandpit):
        raise TypeError(f"game must be an mvcalc.lab.Sandpit, got {type(game).__name__}")
    if not all(isinstance(w, Workers) for w in walks):
        raise TypeError("walks must be a sequence of mvcalc.lab.Workers")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    surface = game.surface
    (x0, x1), (y0, y1) = surface.bounds
    ny = max(2, round(resolution * (y1 - y0) / (x1 - x0)))
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, ny))
    fig = Figure(figsize=(8.5, 6), layout="constrained")
    ax = fig.subplots()
    cs = ax.contourf(gx, gy, surface.depth(gx, gy), levels=24, cmap="YlGnBu_r")
    fig.colorbar(cs, ax=ax, label="depth f(x, y)  (lower is deeper)", format="%.1f")
    palette = ["#1f5f8b", "#8e44ad", "#c0392b", "#16a085", "#2c3e50"]
    colour_of: dict[str, str] = {}
    for walk in walks:
        new = walk.strategy not in colour_of
        colour = colour_of.setdefault(walk.strategy, palette[len(colour_of) % len(palette)])
        ax.plot([p.x for p in walk.probes], [p.y for p in walk.probes], "-", color=colour,
                lw=1.8, label=f"workers: {walk.strategy}" if new else None)  # fmt: skip
    probes = game.probes
    if probes:
        colours = ["#1e7a3c" if p.won else "#4a3219" for p in probes]
        ax.scatter([p.x for p in probes], [p.y for p in probes], s=22, c=colours, zorder=3,
                   edgecolors="white", linewidths=0.6, label=f"probes ({len(probes)})")  # fmt: skip
        sloped = [p for p in probes if p.jacobian is not None]
        if sloped and game.mode == "jacobian":  # the readings the player saw as arrows
            J = np.array([p.jacobian for p in sloped])
            ax.quiver([p.x for p in sloped], [p.y for p in sloped], -J[:, 0], -J[:, 1],
                      color="#b03a2e", angles="xy", width=0.004, zorder=4,
                      label="−J, downhill")  # fmt: skip
    mx, my = surface.minimum
    ax.plot(mx, my, "*", color="gold", mec="black", ms=16, zorder=5,
            label="the phone (deepest point)")  # fmt: skip
    t = np.linspace(0, 2 * np.pi, 100)
    r = surface.win_radius
    ax.plot(mx + r * np.cos(t), my + r * np.sin(t), "--", color="#d35400", lw=1.5,
            label="within reach")  # fmt: skip
    ax.set(xlabel="x", ylabel="y", xlim=(x0, x1), ylim=(y0, y1), aspect="equal")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncols=3, fontsize="small",
              frameon=False)  # fmt: skip
    score = f"found in {game.score} probes" if game.won else f"{game.count} probes, not found yet"
    ax.set_title(title or f"Sandpit: {surface.scenario}, seed {surface.seed} — {score}")
    return fig
