"""The data sets of the course."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from mvcalc._validate import positive_int

__all__ = ["heart_curve"]


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
    t = np.arange(n) / n
    s = 2 * np.pi * t
    X = 16 * np.sin(s) ** 3
    Y = 13 * np.cos(s) - 5 * np.cos(2 * s) - 2 * np.cos(3 * s) - np.cos(4 * s)
    y = (np.vstack([X, Y]) / 20 + 1) / 2
    return t.reshape(1, n), y
