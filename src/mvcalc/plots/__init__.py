"""Matplotlib figures for each topic of the course, one module per topic.

Every function takes data or a result, draws on a new :class:`~matplotlib.figure.Figure` (not on
pyplot's global state) and returns it; nothing is saved or shown unless you ask::

    fig = mc.plots.training_curves(history)
    fig.savefig("backprop.png", dpi=150)

The modules: :mod:`~mvcalc.plots.calculus` (the step-size figure), :mod:`~mvcalc.plots.nn`
(training curves), :mod:`~mvcalc.plots.regression` (histogram fit, χ² contours, fits with
residuals), :mod:`~mvcalc.plots.series` (Taylor figures), :mod:`~mvcalc.plots.optimize`
(Newton's tangents, descent paths, Lagrange points, stationary points) and
:mod:`~mvcalc.plots.sandpit_game` (the sandpit's floor; named so that it does not hide the
function :func:`sandpit`). The grids, contour inputs and markers they share are in
``mvcalc.plots._grid``. Every figure is re-exported here: ``mc.plots.sandpit(game)`` and so on.

Examples
--------
>>> import mvcalc as mc
>>> mc.plots.taylor_2d is mc.plots.series.taylor_2d
True
"""

from __future__ import annotations

from mvcalc.plots.calculus import step_size_error
from mvcalc.plots.nn import training_curves
from mvcalc.plots.optimize import (
    descent_paths,
    lagrange_points,
    newton_tangents,
    stationary_points,
)
from mvcalc.plots.regression import (
    ABOVE,
    BELOW,
    chi2_contours,
    histogram_fit,
    linear_fit,
    model_fit,
)
from mvcalc.plots.sandpit_game import sandpit
from mvcalc.plots.series import taylor_2d, taylor_approximations

__all__ = [
    "ABOVE",
    "BELOW",
    "chi2_contours",
    "descent_paths",
    "histogram_fit",
    "lagrange_points",
    "linear_fit",
    "model_fit",
    "newton_tangents",
    "sandpit",
    "stationary_points",
    "step_size_error",
    "taylor_2d",
    "taylor_approximations",
    "training_curves",
]
