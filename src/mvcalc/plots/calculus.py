"""Figures of derivatives: the error of rise over run against the step."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from mvcalc.calculus import StepSizeStudy
from mvcalc.plots._grid import figure

__all__ = ["step_size_error"]


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
    fig, ax = figure(7.5, 5.2)
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
