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

__all__ = [
    "END_MARKS",
    "MAX_RESOLUTION",
    "end_mark",
    "figure",
    "grid",
    "mark_ends",
    "on_grid",
    "resolution",
    "wrap",
]

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


def mark_ends(
    ax: Axes, start: Any, end: Any, end_label: str, *, marker: str = "*", colour: str = "gold"
) -> None:
    """Mark the start of a path with a white square and its end (a gold star unless told).

    Examples
    --------
    >>> fig, ax = figure(4, 3)
    >>> mark_ends(ax, (0, 0), (1, 2), "end")
    >>> [line.get_label() for line in ax.get_lines()]
    ['start', 'end']
    """
    ax.plot(*start, "s", color="white", mec="black", ms=9, label="start")
    ax.plot(*end, marker, color=colour, mec="black", ms=15 if marker == "*" else 11,
            label=end_label)  # fmt: skip


END_MARKS = {
    "converged": ("*", "gold", "minimum found"),
    "saddle": ("X", "#e67e22", "saddle point, not a minimum"),
    "maximum": ("^", "#c0392b", "maximum, not a minimum"),
}
"""How the end of a minimiser's path is drawn, by the result's status: (marker, colour, label).

Only ``"converged"`` (a certified minimum) earns the gold star; any other status is drawn by
:func:`end_mark` as a white circle that names the status.
"""


def end_mark(status: str) -> tuple[str, str, str]:
    """The marker, colour and legend label for where a minimiser stopped with ``status``.

    Examples
    --------
    >>> end_mark("converged")
    ('*', 'gold', 'minimum found')
    >>> end_mark("saddle")[2]
    'saddle point, not a minimum'
    >>> end_mark("max-iter")
    ('o', 'white', 'stopped (max-iter): no minimum claimed')
    """
    if status in END_MARKS:
        return END_MARKS[status]
    return "o", "white", f"stopped ({status}): no minimum claimed"


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters (existing line breaks kept).

    A title longer than its figure is cut off at the edges; wrapped, constrained layout makes
    room for every line.

    Examples
    --------
    >>> print(wrap("cycling: the iterates repeat with period 2 without converging", 30))
    cycling: the iterates repeat
    with period 2 without
    converging
    """
    import textwrap

    return "\n".join(
        textwrap.fill(line, width, break_on_hyphens=False) or line for line in text.split("\n")
    )
