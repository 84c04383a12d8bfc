"""The NIST StRD nonlinear-regression problems: a reader for their .dat files and the models.

NIST's Statistical Reference Datasets (public domain) give, for each problem, the model, two
starting vectors, the certified parameters with their standard deviations, the certified residual
sum of squares, and the data. The files in ``tests/data/nist/`` are the 19 problems of lower and
average difficulty, as NIST distributes them; :data:`MODELS` holds each model as a NumPy function
written from the model lines of its file (``model(x, *b)``, as :func:`mvcalc.fit` takes it).

A fit is scored as NIST suggests, by the log relative error of each parameter,
LRE = −log10(|estimate − certified| / |certified|), and counts as solved when the smallest LRE
over the parameters is at least 4.

Used by ``tests/test_nist.py`` and ``benchmarks/bench_nist.py``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data" / "nist"
SOLVED_LRE = 4.0  # NIST's bar: every parameter to at least 4 correct digits


# --------------------------------------------------------------------------------------------
# The models, from the files' model lines
# --------------------------------------------------------------------------------------------


def misra1a(x, b1, b2):  # y = b1*(1-exp[-b2*x])
    return b1 * (1 - np.exp(-b2 * x))


def chwirut(x, b1, b2, b3):  # y = exp[-b1*x]/(b2+b3*x)
    return np.exp(-b1 * x) / (b2 + b3 * x)


def lanczos(x, b1, b2, b3, b4, b5, b6):  # y = b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)
    return b1 * np.exp(-b2 * x) + b3 * np.exp(-b4 * x) + b5 * np.exp(-b6 * x)


def gauss(x, b1, b2, b3, b4, b5, b6, b7, b8):
    # y = b1*exp(-b2*x) + b3*exp(-(x-b4)**2/b5**2) + b6*exp(-(x-b7)**2/b8**2)
    return (
        b1 * np.exp(-b2 * x)
        + b3 * np.exp(-((x - b4) ** 2) / b5**2)
        + b6 * np.exp(-((x - b7) ** 2) / b8**2)
    )


def danwood(x, b1, b2):  # y = b1*x**b2
    return b1 * x**b2


def misra1b(x, b1, b2):  # y = b1 * (1-(1+b2*x/2)**(-2))
    return b1 * (1 - (1 + b2 * x / 2) ** (-2))


def kirby2(x, b1, b2, b3, b4, b5):  # y = (b1 + b2*x + b3*x**2) / (1 + b4*x + b5*x**2)
    return (b1 + b2 * x + b3 * x**2) / (1 + b4 * x + b5 * x**2)


def hahn1(x, b1, b2, b3, b4, b5, b6, b7):
    # y = (b1+b2*x+b3*x**2+b4*x**3) / (1+b5*x+b6*x**2+b7*x**3)
    return (b1 + b2 * x + b3 * x**2 + b4 * x**3) / (1 + b5 * x + b6 * x**2 + b7 * x**3)


def nelson(x, b1, b2, b3):  # log[y] = b1 - b2*x1 * exp[-b3*x2]; x = (x1, x2)
    return b1 - b2 * x[0] * np.exp(-b3 * x[1])


def mgh17(x, b1, b2, b3, b4, b5):  # y = b1 + b2*exp[-x*b4] + b3*exp[-x*b5]
    return b1 + b2 * np.exp(-x * b4) + b3 * np.exp(-x * b5)


def misra1c(x, b1, b2):  # y = b1 * (1-(1+2*b2*x)**(-.5))
    return b1 * (1 - (1 + 2 * b2 * x) ** (-0.5))


def misra1d(x, b1, b2):  # y = b1*b2*x*((1+b2*x)**(-1))
    return b1 * b2 * x * ((1 + b2 * x) ** (-1))


def roszman1(x, b1, b2, b3, b4):  # y = b1 - b2*x - arctan[b3/(x-b4)]/pi
    return b1 - b2 * x - np.arctan(b3 / (x - b4)) / math.pi


def enso(x, b1, b2, b3, b4, b5, b6, b7, b8, b9):
    # y = b1 + b2*cos(2*pi*x/12) + b3*sin(2*pi*x/12) + b5*cos(2*pi*x/b4) + b6*sin(2*pi*x/b4)
    #        + b8*cos(2*pi*x/b7) + b9*sin(2*pi*x/b7)
    w = 2 * math.pi * x
    return (
        b1
        + b2 * np.cos(w / 12)
        + b3 * np.sin(w / 12)
        + b5 * np.cos(w / b4)
        + b6 * np.sin(w / b4)
        + b8 * np.cos(w / b7)
        + b9 * np.sin(w / b7)
    )


#: Each problem's model; Nelson's response is log(y) (:func:`read` takes the log).
MODELS: dict[str, Callable[..., np.ndarray]] = {
    "Misra1a": misra1a,
    "Chwirut2": chwirut,
    "Chwirut1": chwirut,
    "Lanczos3": lanczos,
    "Gauss1": gauss,
    "Gauss2": gauss,
    "DanWood": danwood,
    "Misra1b": misra1b,
    "Kirby2": kirby2,
    "Hahn1": hahn1,
    "Nelson": nelson,
    "MGH17": mgh17,
    "Lanczos1": lanczos,
    "Lanczos2": lanczos,
    "Gauss3": gauss,
    "Misra1c": misra1c,
    "Misra1d": misra1d,
    "Roszman1": roszman1,
    "ENSO": enso,
}
LOG_RESPONSE = {"Nelson"}  # the model is for log(y)


# --------------------------------------------------------------------------------------------
# The .dat format
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One NIST StRD problem: data, starts and certified results."""

    name: str
    difficulty: str  # "Lower", "Average" or "Higher"
    x: np.ndarray  # (N,), or (k, N) with k predictors
    y: np.ndarray  # (N,): the response the model is fitted to (log y for Nelson)
    starts: tuple[np.ndarray, np.ndarray]
    certified: np.ndarray
    certified_errors: np.ndarray
    certified_rss: float

    @property
    def n_params(self) -> int:
        return int(self.certified.size)


_LINES = re.compile(r"^\s*(Starting Values|Certified Values|Data)\s+\(lines\s+(\d+)\s+to\s+(\d+)\)",
                    re.IGNORECASE)  # fmt: skip


def parse(text: str, name: str, *, log_response: bool = False) -> Problem:
    """Read a NIST StRD nonlinear-regression .dat file.

    The header says on which lines the starting values, certified values and data are; those
    line numbers are used as written (1-based, inclusive).
    """
    lines = text.splitlines()
    spans: dict[str, tuple[int, int]] = {}
    for line in lines[:15]:
        if match := _LINES.match(line):
            spans[match.group(1).lower()] = (int(match.group(2)), int(match.group(3)))
    if set(spans) != {"starting values", "certified values", "data"}:
        raise ValueError(f"{name}: the header does not give the three line ranges")
    first, last = spans["certified values"]
    starts1, starts2, certified, errors = [], [], [], []
    rss = math.nan
    for line in lines[first - 1 : last]:
        if match := re.match(r"^\s*b\d+\s*=\s*(.*)$", line):
            start1, start2, value, error = (float(v) for v in match.group(1).split())
            starts1.append(start1)
            starts2.append(start2)
            certified.append(value)
            errors.append(error)
        elif line.strip().startswith("Residual Sum of Squares:"):
            rss = float(line.split(":")[1])
    first, last = spans["data"]
    table = np.array([[float(v) for v in line.split()] for line in lines[first - 1 : last]])
    difficulty = next(
        (w for line in lines[:40] for w in ("Lower", "Average", "Higher") if f"{w} Level" in line),
        "",
    )
    y = table[:, 0]
    x = table[:, 1] if table.shape[1] == 2 else table[:, 1:].T.copy()
    return Problem(
        name=name,
        difficulty=difficulty,
        x=x,
        y=np.log(y) if log_response else y,
        starts=(np.array(starts1), np.array(starts2)),
        certified=np.array(certified),
        certified_errors=np.array(errors),
        certified_rss=rss,
    )


def read(name: str, directory: Path = DATA) -> Problem:
    """The problem ``name`` (e.g. "Hahn1") from ``directory/name.dat``."""
    text = (directory / f"{name}.dat").read_text()
    return parse(text, name, log_response=name in LOG_RESPONSE)


def lre(estimate: np.ndarray, certified: np.ndarray) -> np.ndarray:
    """The log relative error of each estimate, capped at 15 (an exact match)."""
    estimate = np.asarray(estimate, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(estimate - certified) / np.abs(certified)
        out = -np.log10(rel)
    return np.where(np.isfinite(estimate), np.minimum(np.nan_to_num(out, posinf=15.0), 15.0), 0.0)
