"""Tests of mvcalc.plots: the figures render and show what they claim."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

import mvcalc as mc


@pytest.fixture(scope="module")
def history():
    x, y = mc.datasets.heart_curve(60)
    return mc.Network([1, 5, 2], seed=0).train(x, y, iterations=400, seed=0, record_every=50)


def test_training_curves_renders_and_shows_the_training(history):
    fig = mc.plots.training_curves(history)
    assert isinstance(fig, Figure)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"

    ax, ax_cost = fig.axes
    assert ax.get_xlim() == (0.0, 1.0) and ax.get_ylim() == (0.0, 1.0)
    assert ax.get_aspect() == 1.0
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["target", "during training", "step 400"]
    # one faint curve per recorded step before the last, each closed (N + 1 points)
    (faint,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    segments = faint.get_segments()
    assert len(segments) == len(history.outputs) - 1
    np.testing.assert_allclose(segments[0][:-1], history.outputs[0].T)
    # the bold final curve is the network's last output
    lines = {line.get_label(): line for line in ax.get_lines()}
    final = lines["step 400"]
    assert final.get_linewidth() > 2 * faint.get_linewidth()[0]
    np.testing.assert_allclose(final.get_xydata()[:-1], history.outputs[-1].T)
    target = lines["target"]
    np.testing.assert_allclose(target.get_xydata()[:-1], history.y.T)
    # the cost panel, on a log scale, and the final cost in the title
    assert ax_cost.get_yscale() == "log"
    np.testing.assert_allclose(ax_cost.get_lines()[0].get_ydata(), history.cost)
    assert f"{history.final_cost:.4g}" in fig.get_suptitle()


def test_training_curves_marks_an_early_stop():
    net = mc.Network([1, 2], activation="relu", seed=0)
    net.weights[0], net.biases[0] = [[1.0], [1.0]], [[0.0], [0.0]]
    history = net.train([[1e100]], [[1e150], [1e150]], iterations=5, noise=0.0)
    assert not history.converged
    assert "stopped early" in mc.plots.training_curves(history).get_suptitle()


def test_training_curves_rejects_bad_input(history):
    with pytest.raises(TypeError, match="history must be a TrainingHistory"):
        mc.plots.training_curves({"cost": [1.0]})  # type: ignore[arg-type]
    x = np.linspace(0, 1, 5).reshape(1, 5)
    one_output = mc.Network([1, 1], seed=0).train(x, x, iterations=1)
    with pytest.raises(ValueError, match="2 outputs"):
        mc.plots.training_curves(one_output)
