"""The scaffolding the figures share: grids over a rectangle, functions on them, markers.

Every contour map of mvcalc.plots is drawn over a :func:`grid` of a rectangle; functions given
as text or callables are evaluated on it by :func:`on_grid`; the start and end of a path are
marked by :func:`mark_ends`. Private: the figures are the public part.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import NDArray

from mvcalc._validate import bounded_int

__all__ = ["MAX_RESOLUTION", "figure", "grid", "mark_ends", "on_grid", "resolution"]

Bounds = tuple[tuple[float, float], tuple[float, float]]
Grid = NDArray[np.float64]

MAX_RESOLUTION = 2000
"""The most grid points along one axis (4 million points in all): a bound on time and memory."""


def resolution(value: Any, name: str = "resolution") -> int:
    """``value`` as a number of grid points along an axis, from 2 to :data:`MAX_RESOLUTION`.

    Examples
    --------
    >>> resolution(40)
    40
    >>> resolution(1)
    Traceback (most recent call last):
    ...
    ValueError: resolution must be an integer from 2 to 2000, got 1
    """
    return bounded_int(value, 2, MAX_RESOLUTION, name)


def grid(bounds: Bounds, nx: int, ny: int | None = None) -> tuple[Grid, Grid]:
    """The points of an ``nx`` × ``ny`` grid over ``((x_lo, x_hi), (y_lo, y_hi))``.

    Returns ``(gx, gy)``, each of shape ``(ny, nx)`` (rows are y, as contour plots want them);
    ``ny`` defaults to ``nx``.

    Examples
    --------
    >>> gx, gy = grid(((0, 1), (0, 2)), 3, 2)
    >>> gx
    array([[0. , 0.5, 1. ],
           [0. , 0.5, 1. ]])
    >>> gy[:, 0]
    array([0., 2.])
    """
    (x_lo, x_hi), (y_lo, y_hi) = bounds
    gx, gy = np.meshgrid(
        np.linspace(x_lo, x_hi, nx), np.linspace(y_lo, y_hi, nx if ny is None else ny)
    )
    return gx, gy


def on_grid(func: Callable[[Any], Any], gx: Grid, gy: Grid) -> Grid:
    """``func(np.stack([gx, gy]))`` as a float array; overflow and NaN pass without warnings.

    The functions of two variables that :func:`mvcalc._numeric.as_function` makes take the point
    as one array whose first axis holds (x, y).

    Examples
    --------
    >>> gx, gy = grid(((0, 1), (0, 1)), 2)
    >>> on_grid(lambda p: p[0] + 10 * p[1], gx, gy)
    array([[ 0.,  1.],
           [10., 11.]])
    """
    with np.errstate(all="ignore"):
        return np.asarray(func(np.stack([gx, gy])), dtype=np.float64)


def figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A new figure (not pyplot's) of the given size in inches, with one set of axes.

    Examples
    --------
    >>> fig, ax = figure(4, 3)
    >>> fig.get_size_inches().tolist(), len(fig.axes)
    ([4.0, 3.0], 1)
    """
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def mark_ends(ax: Axes, start: Any, end: Any, end_label: str) -> None:
    """Mark the start of a path with a white square and its end with a gold star.

    Examples
    --------
    >>> fig, ax = figure(4, 3)
    >>> mark_ends(ax, (0, 0), (1, 2), "end")
    >>> [line.get_label() for line in ax.get_lines()]
    ['start', 'end']
    """
    ax.plot(*start, "s", color="white", mec="black", ms=9, label="start")
    ax.plot(*end, "*", color="gold", mec="black", ms=15, label=end_label)
