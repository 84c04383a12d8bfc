"""Figures of the neural network: the course's curves of training progress."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from mvcalc.plots._grid import wrap
from mvcalc.results import TrainingHistory

__all__ = ["training_curves"]


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
    constant = _constant_output(history)
    if constant:  # the curve has shrunk to one point: draw the point, on the frame if need be
        ax.plot(*history.outputs[-1][:, :1], "X", color="#c0392b", mec="black", ms=14,
                clip_on=False, zorder=5,
                label="the same output for every input")  # fmt: skip
    (x_lo, x_hi), (y_lo, y_hi) = _limits(history)
    ax.set(xlim=(x_lo, x_hi), ylim=(y_lo, y_hi), xlabel="output 1", ylabel="output 2",
           aspect="equal")  # fmt: skip
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
        findings, hints = [], []
        if history.status == "non-finite":
            findings.append("stopped early: the cost became non-finite")
            hints.append("a smaller aggression")
        elif history.status == "diverged" or history.final_cost > history.initial_cost:
            findings.append("the cost rose: the steps are too large")
            hints.append("a smaller aggression")
        if constant:
            findings.append("a dead or saturated network: its output is the same for every input")
            hints = ["a smaller aggression", "sigmoid outputs for targets in [0, 1]"]
        if findings:
            title += "\n" + "; ".join(findings) + ". Try " + ", or ".join(hints) + "."
    fig.suptitle(wrap(title, 110))
    return fig


def _constant_output(history: TrainingHistory) -> bool:
    """Whether the final output is one point for every input (a dead or saturated network).

    Constant when each output's spread over the inputs is below a millionth of the target's
    spread (and the target does vary): the curve has collapsed to a point.
    """
    final = np.asarray(history.outputs[-1], dtype=np.float64)
    target = np.asarray(history.y, dtype=np.float64)
    if final.shape[1] < 2 or not np.all(np.isfinite(final)):
        return False
    spread = float(np.max(np.ptp(final, axis=1)))
    return spread <= 1e-6 * float(np.max(np.ptp(target, axis=1))) and bool(np.ptp(target) > 0)


def _limits(history: TrainingHistory) -> tuple[tuple[float, float], tuple[float, float]]:
    """The unit square, widened to hold the target and the final output (up to 1 beyond it)."""
    points = np.hstack([history.y, history.outputs[-1]])
    points = np.clip(points[:, np.all(np.isfinite(points), axis=0)], -1.0, 2.0)
    lo = np.minimum(points.min(axis=1, initial=0.0), 0.0)
    hi = np.maximum(points.max(axis=1, initial=1.0), 1.0)
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))
