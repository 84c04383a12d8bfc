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

import csv
import importlib
import io
import math
import os
from collections.abc import Sequence
from pathlib import Path
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
    "read_csv",
    "sandpit_surface",
]

#: The largest CSV file :func:`read_csv` reads, in bytes: a data file, not a stream
#: (``/dev/zero``) or a disk image.
CSV_LIMIT = 64 << 20

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


def read_csv(
    path: str | os.PathLike[str], columns: Sequence[str]
) -> tuple[NDArray[np.float64], ...]:
    """The named columns of a CSV file with a header row, as arrays of floats.

    Parameters
    ----------
    path : str or path-like
        A UTF-8 text file (a byte-order mark is allowed) of at most :data:`CSV_LIMIT` bytes
        (64 MiB), read with Python's :mod:`csv` module. Its first non-blank row names the
        columns; blank rows are skipped (line numbers in messages are the file's own).
    columns : sequence of str
        The names of the columns wanted, in the order wanted.

    Returns
    -------
    tuple of ndarray
        One 1-D float array per name in ``columns``, in that order.

    Raises
    ------
    ValueError
        The file is missing, unreadable, larger than the limit, not valid CSV or empty; the
        header names a column more than once; a wanted column is absent; or a cell of a wanted
        column is not a finite number (the message gives the file, the line and the column).
    TypeError
        ``columns`` is not a sequence of strings.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from mvcalc.datasets import read_csv
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     data = pathlib.Path(folder) / "d.csv"
    ...     _ = data.write_text("x,y,note\\n1,2.5,a\\n\\n2,-1e3,b\\n")
    ...     read_csv(data, ["y", "x"])
    (array([   2.5, -1000. ]), array([1., 2.]))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     data = pathlib.Path(folder) / "bad.csv"
    ...     _ = data.write_text("x,y\\n1,2\\n3,inf\\n")
    ...     read_csv(data, ["x", "y"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: ...bad.csv, line 3, column 'y': 'inf' is not finite
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path: expected a file name, got {type(path).__name__}")
    if isinstance(columns, str) or not isinstance(columns, Sequence):
        raise TypeError("columns: expected a sequence of column names like ['x', 'y']")
    if not all(isinstance(name, str) for name in columns):
        raise TypeError("columns: expected column names (strings)")
    if not columns:
        raise ValueError("columns: expected at least one column name")
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            text = handle.read(CSV_LIMIT + 1)
        if len(text) > CSV_LIMIT:
            raise ValueError(f"{path}: larger than {CSV_LIMIT >> 20} MiB; mvcalc reads data "
                             "files up to that size")  # fmt: skip
        reader = csv.reader(io.StringIO(text, newline=""))
        # each non-blank row with the number of its (last) line in the file
        rows = [(row, reader.line_num) for row in reader if any(cell.strip() for cell in row)]
    except FileNotFoundError:
        raise ValueError(f"no such file: {str(path)!r}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {str(path)!r}: {exc}") from None
    except csv.Error as exc:
        raise ValueError(f"{path}: not a valid CSV file: {exc}") from None
    if not rows:
        raise ValueError(f"{path}: the file is empty (expected a header row and data)")
    header = [cell.strip() for cell in rows[0][0]]
    twice = sorted({name for name in header if header.count(name) > 1})
    if twice:
        raise ValueError(f"{path}: the header names {', '.join(map(repr, twice))} more than once")
    indices = []
    for name in columns:
        if name not in header:
            raise ValueError(f"{path}: no column {name!r}; the columns are {', '.join(header)}")
        indices.append(header.index(name))
    values: list[list[float]] = [[] for _ in columns]
    for row, line_no in rows[1:]:
        for column, index, name in zip(values, indices, columns, strict=True):
            cell = row[index].strip() if index < len(row) else ""
            try:
                value = float(cell)
            except ValueError:
                raise ValueError(
                    f"{path}, line {line_no}, column {name!r}: {cell!r} is not a number"
                ) from None
            if not math.isfinite(value):
                raise ValueError(f"{path}, line {line_no}, column {name!r}: {cell!r} is not finite")
            column.append(value)
    return tuple(np.array(column, dtype=np.float64) for column in values)
