"""What the 2-D pages share: a function sampled on a grid, and its contour lines (contourpy).

Examples
--------
>>> import numpy as np
>>> xs, ys, z = sample(lambda x, y: x**2 + y**2, (-1, 1), (-1, 1), 41)
>>> lines = contours(xs, ys, z, [0.25])
>>> radius = np.hypot(*np.array(lines[0][0]).T)
>>> bool(np.allclose(radius, 0.5, atol=2e-3))
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["MAX_GRID", "contours", "levels", "sample", "window"]

MAX_GRID = 201  # points along each side of a grid
FloatArray = NDArray[np.float64]


def window(body: dict[str, Any], default: tuple[float, float, float, float]) -> tuple[
        tuple[float, float], tuple[float, float]]:  # fmt: skip
    """The drawn window ``[xmin, xmax, ymin, ymax]`` from ``body["window"]`` (checked: finite,
    each side from 1e-6 to 1e6 long, within ±1e6).

    Examples
    --------
    >>> window({}, (-2, 2, -1, 1))
    ((-2.0, 2.0), (-1.0, 1.0))
    >>> window({"window": [0, 0, 0, 1]}, (-2, 2, -1, 1))
    Traceback (most recent call last):
    ...
    ValueError: window must be [xmin, xmax, ymin, ymax] with xmin < xmax and ymin < ymax
    """
    from mvcalc._validate import finite_float

    raw = body.get("window", list(default))
    if not isinstance(raw, list) or len(raw) != 4:
        raise ValueError("window must be [xmin, xmax, ymin, ymax]")
    a, b, c, d = (finite_float(v, "window") if not isinstance(v, bool) else float("nan")
                  for v in raw)  # fmt: skip
    if not (a < b and c < d):
        raise ValueError("window must be [xmin, xmax, ymin, ymax] with xmin < xmax and ymin < ymax")
    if max(abs(a), abs(b), abs(c), abs(d)) > 1e6 or min(b - a, d - c) < 1e-6:
        raise ValueError("window's sides must be from 1e-6 to 1e6 long, within ±1e6")
    return (a, b), (c, d)


def sample(
    f: Callable[..., Any],
    xlim: Sequence[float],
    ylim: Sequence[float],
    n: int = 81,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``f(x, y)`` on an n × n grid over the window: xs, ys and z (z[i, j] = f(xs[j], ys[i]));
    values that are not finite are NaN."""
    n = max(2, min(int(n), MAX_GRID))
    xs = np.linspace(float(xlim[0]), float(xlim[1]), n)
    ys = np.linspace(float(ylim[0]), float(ylim[1]), n)
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        z = np.asarray(f(X, Y), dtype=np.float64) * np.ones_like(X)
    z[~np.isfinite(z)] = np.nan
    return xs, ys, z


def levels(z: FloatArray, n: int = 14, *, around: float | None = None) -> FloatArray:
    """``n`` contour levels spread over the finite values of z by quantile (so that a steep
    rim does not take every level); with ``around``, that value is among them."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.array([])
    qs = np.quantile(finite, np.linspace(0.02, 0.98, n))
    if around is not None and np.isfinite(around):
        qs = np.append(qs, around)
    return np.unique(qs)


def contours(
    xs: FloatArray, ys: FloatArray, z: FloatArray, heights: Sequence[float] | FloatArray
) -> list[list[list[list[float]]]]:
    """The contour lines of z at each height: for each height, a list of polylines, each a list
    of [x, y] points (rounded to 5 significant digits)."""
    from contourpy import contour_generator

    generator = contour_generator(xs, ys, np.ma.masked_invalid(z))
    out = []
    for h in heights:
        lines = generator.lines(float(h))
        out.append([[[float(f"{p:.5g}") for p in point] for point in np.asarray(line)]
                    for line in lines if len(line) > 1])  # fmt: skip
    return out
