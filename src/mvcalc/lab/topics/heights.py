"""The heights page: the course's second assignment, fitting a Gaussian to a histogram by χ².

The data are :func:`mvcalc.datasets.heights` (bin centres and densities), the model is
:func:`mvcalc.gaussian`, χ² is :func:`mvcalc.chi_squared` and the three paths across the χ²
landscape are :func:`mvcalc.fit`'s — steepest descent with the course's fixed aggression,
Gauss–Newton and Levenberg–Marquardt — with their own statuses and messages. The page only draws.

Three actions: :func:`landscape` (the data and the χ² contours, computed once per worker),
:func:`chi2` (the Gaussian and χ² for one μ, σ) and :func:`paths` (the three fits from a start).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mvcalc.lab._api import integer, jsonable, number
from mvcalc.regression import COURSE_AGGRESSION

__all__ = ["ACTIONS", "chi2", "landscape", "paths"]

FloatArray = NDArray[np.float64]

WINDOW = (140.0, 220.0, 2.0, 30.0)  # the landscape drawn: μ from 140 to 220 cm, σ from 2 to 30 cm
GRID = (81, 71)  # χ² is computed at this many μ and σ (once per worker process)
N_LEVELS = 16  # contour levels, spaced evenly in log χ²
CURVE = (130.0, 230.0, 401)  # where the Gaussian is drawn: from, to, points
START = (155.0, 6.0)  # the course's start
MU_LIMIT = 1000.0  # |μ| the actions accept (cm)
SIGMA_LIMIT = 1000.0  # σ the actions accept (cm)
AGGRESSION_LIMITS = (1.0, 1e6)  # steepest descent's aggression
SD_STEPS = (1, 500, 200)  # steepest descent's iteration limit: least, most, default
OTHER_STEPS = 100  # Gauss–Newton's and Levenberg–Marquardt's iteration limit
METHODS = ("steepest-descent", "gauss-newton", "levenberg-marquardt")


@lru_cache(maxsize=1)
def _data() -> tuple[FloatArray, FloatArray]:
    from mvcalc.datasets import heights

    x, y = heights()
    return x, y


def _chi2(mu: float, sigma: float) -> float:
    from mvcalc.regression import chi_squared, gaussian

    x, y = _data()
    return float(chi_squared(gaussian, [mu, sigma], x, y))


def _mu(body: dict[str, Any], key: str, default: float) -> float:
    return number(body, key, default, low=-MU_LIMIT, high=MU_LIMIT)


def _sigma(body: dict[str, Any], key: str, default: float) -> float:
    """A width: positive, at most :data:`SIGMA_LIMIT`."""
    value = number(body, key, default, low=-math.inf, high=math.inf)
    if value <= 0:
        raise ValueError(f"{key} must be positive (it is a width, in cm), got {value:g}")
    if value > SIGMA_LIMIT:
        raise ValueError(f"{key} must be at most {SIGMA_LIMIT:g} cm, got {value:g}")
    return value


@lru_cache(maxsize=1)
def _landscape() -> dict[str, Any]:
    """The data and χ²'s contours over :data:`WINDOW`, computed once (a few tenths of a second)."""
    from mvcalc.lab.topics._plane import contours

    x, y = _data()
    mus = np.linspace(WINDOW[0], WINDOW[1], GRID[0])
    sigmas = np.linspace(WINDOW[2], WINDOW[3], GRID[1])
    z = np.array([[_chi2(float(m), float(s)) for m in mus] for s in sigmas])
    low, high = float(np.min(z)), float(np.max(z))
    heights = np.geomspace(low * 1.08, high * 0.97, N_LEVELS)
    answer: dict[str, Any] = jsonable({
        "x": x,
        "y": y,
        "width": float(x[1] - x[0]),
        "window": list(WINDOW),
        "levels": heights,
        "contours": contours(mus, sigmas, z, heights),
        "lowest": low,
        "highest": high,
        "start": list(START),
        "aggression": COURSE_AGGRESSION,
        "steps": {"default": SD_STEPS[2], "most": SD_STEPS[1], "others": OTHER_STEPS},
        "curve": list(CURVE[:2]),
    }, digits=7)  # fmt: skip
    return answer


def landscape(body: dict[str, Any]) -> dict[str, Any]:
    """The data and the χ² landscape the page draws (the same for every request).

    Parameters
    ----------
    body : dict
        Nothing is read from it.

    Returns
    -------
    dict
        ``x``, ``y`` (bin centres in cm and densities), ``width`` (of a bin), ``window``
        (``[μmin, μmax, σmin, σmax]`` of the landscape), ``levels`` (χ² of each contour, spaced
        evenly in log χ²), ``contours`` (for each level, polylines of ``[μ, σ]`` points),
        ``lowest`` and ``highest`` (χ² on the grid), ``start`` (the course's μ₀, σ₀),
        ``aggression`` (the course's), ``steps`` (iteration limits) and ``curve`` (the range
        :func:`chi2` draws the Gaussian over).

    Examples
    --------
    >>> answer = landscape({})
    >>> len(answer["x"]), answer["width"], answer["window"]
    (100, 2.5, [140.0, 220.0, 2.0, 30.0])
    >>> answer["aggression"], len(answer["levels"]) == len(answer["contours"])
    (2000.0, True)
    """
    return _landscape()


def chi2(body: dict[str, Any]) -> dict[str, Any]:
    """The Gaussian for μ and σ, its value at each bin centre, and χ² against the heights.

    Parameters
    ----------
    body : dict
        ``mu`` (cm, default 155, |μ| ≤ 1000) and ``sigma`` (cm, default 6, from above 0 to 1000).

    Returns
    -------
    dict
        ``mu``, ``sigma``, ``chi2`` (:func:`mvcalc.chi_squared` of :func:`mvcalc.gaussian`),
        ``xs`` and ``ys`` (the Gaussian from 130 to 230 cm) and ``at_bins`` (the Gaussian at
        each bin centre, the values χ² compares with the bars).

    Examples
    --------
    >>> answer = chi2({"mu": 178.5, "sigma": 7.55})
    >>> round(answer["chi2"], 7), len(answer["xs"]), len(answer["at_bins"])
    (0.0004393, 401, 100)
    >>> chi2({"mu": 178.5, "sigma": 0})
    Traceback (most recent call last):
    ...
    ValueError: sigma must be positive (it is a width, in cm), got 0
    """
    from mvcalc.regression import gaussian

    mu = _mu(body, "mu", START[0])
    sigma = _sigma(body, "sigma", START[1])
    x, _ = _data()
    xs = np.linspace(*CURVE[:2], CURVE[2])
    with np.errstate(all="ignore"):
        ys = np.asarray(gaussian(xs, mu, sigma), dtype=np.float64)
        at_bins = np.asarray(gaussian(x, mu, sigma), dtype=np.float64)
    answer: dict[str, Any] = jsonable({"mu": mu, "sigma": sigma, "chi2": _chi2(mu, sigma)})
    answer.update(jsonable({"xs": xs, "ys": ys, "at_bins": at_bins}, digits=7))
    return answer


def paths(body: dict[str, Any]) -> dict[str, Any]:
    """The three fits of the Gaussian from one start: their paths, statuses and results.

    Each is :func:`mvcalc.fit` with ``method`` ``"steepest-descent"`` (with ``aggression``, at
    most ``steps`` iterations, and evaluations enough for them), ``"gauss-newton"`` and
    ``"levenberg-marquardt"`` (at most 100 iterations each). A start where the model underflows
    gets the library's status (``"zero-derivative"``), not an error.

    Parameters
    ----------
    body : dict
        ``mu0`` (cm, default 155, |μ₀| ≤ 1000), ``sigma0`` (cm, default 6, above 0 and at most
        1000), ``aggression`` (default 2000, the course's; from 1 to 10⁶) and ``steps`` (steepest
        descent's iteration limit, an integer from 1 to 500, default 200).

    Returns
    -------
    dict
        ``start`` (``[μ₀, σ₀]``), ``chi2`` (χ² there), ``aggression``, ``steps`` and ``methods``:
        for each method, ``path`` (every iterate ``[μ, σ]``, the start first), ``nit``,
        ``status``, ``converged``, ``message``, ``params`` (the last iterate), ``chi2`` (χ²
        there) and ``nfev``.

    Examples
    --------
    >>> answer = paths({"mu0": 155, "sigma0": 6, "steps": 50})
    >>> sd = answer["methods"]["steepest-descent"]
    >>> sd["status"], sd["nit"], len(sd["path"]), [round(p, 2) for p in sd["params"]]
    ('max-iter', 50, 51, [178.52, 7.55])
    >>> lm = answer["methods"]["levenberg-marquardt"]
    >>> lm["status"], [round(p, 2) for p in lm["params"]]
    ('converged', [178.52, 7.55])
    >>> paths({"mu0": 400, "sigma0": 1})["methods"]["gauss-newton"]["status"]
    'zero-derivative'
    """
    mu0 = _mu(body, "mu0", START[0])
    sigma0 = _sigma(body, "sigma0", START[1])
    aggression = number(body, "aggression", COURSE_AGGRESSION, low=-math.inf, high=math.inf)
    if not AGGRESSION_LIMITS[0] <= aggression <= AGGRESSION_LIMITS[1]:
        raise ValueError(
            f"aggression must be from {AGGRESSION_LIMITS[0]:g} to {AGGRESSION_LIMITS[1]:g}, "
            f"got {aggression:g}"
        )
    steps = integer(body, "steps", SD_STEPS[2], SD_STEPS[0], SD_STEPS[1])
    methods = {method: _fit(method, mu0, sigma0, aggression, steps) for method in METHODS}
    answer: dict[str, Any] = jsonable({
        "start": [mu0, sigma0],
        "chi2": _chi2(mu0, sigma0),
        "aggression": aggression,
        "steps": steps,
        "methods": methods,
    })  # fmt: skip
    return answer


@lru_cache(maxsize=64)
def _fit(method: str, mu0: float, sigma0: float, aggression: float, steps: int) -> dict[str, Any]:
    """One method's fit from (μ₀, σ₀), as the page shows it (remembered: asking again, as the
    page does when the aggression goes back to a value it had, costs nothing)."""
    from mvcalc.regression import fit, gaussian

    x, y = _data()
    if method == "steepest-descent":
        # a fixed aggression costs two evaluations a step (χ² and J): enough for every step
        result = fit(gaussian, x, y, [mu0, sigma0], method=method, aggression=aggression,
                     max_iter=steps, max_nfev=2 * steps + 2)  # fmt: skip
    else:
        result = fit(gaussian, x, y, [mu0, sigma0], method=method, max_iter=OTHER_STEPS)
    return {
        "path": jsonable(result.path, digits=9),
        "nit": result.nit,
        "status": result.status,
        "converged": bool(result.converged),
        "message": result.message,
        "params": jsonable(result.params),
        "chi2": jsonable(result.chi2),
        "nfev": result.nfev,
    }


ACTIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "landscape": landscape,
    "chi2": chi2,
    "paths": paths,
}
