"""Figures of the neural network: the course's curves of training progress."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

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
        if history.status == "non-finite":
            title += " (stopped early: the cost became non-finite)"
        elif history.status == "diverged":
            title += " (the cost rose: steps too large)"
    fig.suptitle(title)
    return fig
