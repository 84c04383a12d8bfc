"""The data sets of the course.

The sandpit's floors, once here, are now :mod:`mvcalc.sandpit` (with the game that reads them);
``SandpitSurface``, ``sandpit_surface``, ``SANDPIT_SCENARIOS`` and ``SANDPIT_BOUNDS`` are still
reachable from here, loaded on first use (so ``import mvcalc.datasets`` stays light).

Examples
--------
>>> import mvcalc as mc
>>> mc.datasets.sandpit_surface is mc.sandpit.sandpit_surface
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from mvcalc._validate import memory, positive_int

if TYPE_CHECKING:  # for type checkers; at run time these load on first use (__getattr__)
    from mvcalc.sandpit import BOUNDS as SANDPIT_BOUNDS
    from mvcalc.sandpit import SCENARIOS as SANDPIT_SCENARIOS
    from mvcalc.sandpit import SandpitSurface, sandpit_surface

__all__ = [
    "SANDPIT_BOUNDS",
    "SANDPIT_SCENARIOS",
    "SandpitSurface",
    "heart_curve",
    "heights",
    "sandpit_surface",
]

# name here -> its name in mvcalc.sandpit, where the sandpit's floors live
_SANDPIT = {
    "SANDPIT_BOUNDS": "BOUNDS",
    "SANDPIT_SCENARIOS": "SCENARIOS",
    "SandpitSurface": "SandpitSurface",
    "sandpit_surface": "sandpit_surface",
}


def __getattr__(name: str) -> Any:
    """The sandpit's floors, loaded from :mod:`mvcalc.sandpit` on first use (PEP 562)."""
    if name not in _SANDPIT:
        raise AttributeError(f"module 'mvcalc.datasets' has no attribute {name!r}")
    value = getattr(importlib.import_module("mvcalc.sandpit"), _SANDPIT[name])
    globals()[name] = value  # later look-ups skip this function
    return value


def heart_curve(n: int = 100) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The heart-shaped curve the course's network learns to draw.

    With t = k/n for k = 0, ..., n−1 and s = 2πt,

    .. math:: X = 16 \\sin^3 s, \\qquad Y = 13 \\cos s - 5 \\cos 2s - 2 \\cos 3s - \\cos 4s,

    both divided by 20 and then mapped v → (v + 1)/2, which puts the curve inside the unit square
    where a sigmoid output layer can reach it.

    Parameters
    ----------
    n : int, optional
        The number of points (default 100, the course's).

    Returns
    -------
    x : ndarray, shape (1, n)
        The parameter t, one example per column.
    y : ndarray, shape (2, n)
        The points (X, Y) of the curve.

    Examples
    --------
    >>> import mvcalc as mc
    >>> x, y = mc.datasets.heart_curve()
    >>> x.shape, y.shape
    ((1, 100), (2, 100))
    >>> y[:, 0]                     # t = 0: X = 0, Y = (13 - 5 - 2 - 1)/20 = 0.25
    array([0.5  , 0.625])
    >>> bool((y >= 0).all() and (y <= 1).all())
    True
    """
    n = positive_int(n, "n")
    memory(8.0 * 6 * n, f"{n:,} points of the heart curve")
    t = np.arange(n) / n
    s = 2 * np.pi * t
    X = 16 * np.sin(s) ** 3
    Y = 13 * np.cos(s) - 5 * np.cos(2 * s) - 2 * np.cos(3 * s) - np.cos(4 * s)
    y = (np.vstack([X, Y]) / 20 + 1) / 2
    return t.reshape(1, n), y


# The course's histogram of adult heights: relative frequencies of the 17 non-empty bins of width
# 2.5 cm whose left edges are 160, 162.5, ..., 200 cm.
_HEIGHT_FREQUENCIES = (0.031, 0.013, 0.023, 0.064, 0.065, 0.126, 0.132, 0.127, 0.113,
                       0.091, 0.105, 0.050, 0.018, 0.018, 0.018, 0.001, 0.0)  # fmt: skip


def heights() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The course's histogram of adult heights, as a probability density.

    100 bins of width 2.5 cm with left edges 50, 52.5, ..., 297.5 cm. All are empty except the 17
    whose left edges are 160, 162.5, ..., 200 cm, which hold the relative frequencies of the
    course's data (0.031, 0.013, 0.023, 0.064, 0.065, 0.126, 0.132, 0.127, 0.113, 0.091, 0.105,
    0.050, 0.018, 0.018, 0.018, 0.001, 0). The frequencies are normalised to unit area (divided
    by their sum times the bin width), so the histogram can be compared with a probability
    density such as :func:`mvcalc.gaussian`.

    Returns
    -------
    x : ndarray, shape (100,)
        Bin centres in cm (left edge + 1.25).
    density : ndarray, shape (100,)
        Probability density per cm.

    Notes
    -----
    Source: the height-distribution assignment of Imperial College London's *Mathematics for
    Machine Learning: Multivariate Calculus* course (Coursera); the frequencies are the
    assignment's histogram, rounded to three decimals as it gives them. The zero padding from
    50 cm to 300 cm is the course's too: it puts the data on a wide, regular grid, so that a fit
    starting far from the data (μ = 155 cm) still sees the empty bins where the model must fall
    to zero.

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> x, density = mc.datasets.heights()
    >>> x[:3], float(x[-1])
    (array([51.25, 53.75, 56.25]), 298.75)
    >>> float(np.sum(density) * 2.5)   # unit area
    1.0
    """
    left = 50 + 2.5 * np.arange(100, dtype=np.float64)
    frequency = np.zeros(100)
    first = int((160 - 50) / 2.5)
    frequency[first : first + len(_HEIGHT_FREQUENCIES)] = _HEIGHT_FREQUENCIES
    density: NDArray[np.float64] = frequency / (frequency.sum() * 2.5)
    return left + 1.25, density
