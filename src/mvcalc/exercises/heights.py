"""The second assignment, "Fitting the distribution of heights data": its exercises and checks.

The model is the normalised Gaussian f(x; μ, σ) = exp(−(x − μ)²/(2σ²)) / (σ√(2π)) and
χ² = Σ (y − f)². The learner writes

* ``chi_squared(mu, sig, x, y)``: χ²;
* ``d_chi_squared(mu, sig, x, y)``: the array [∂χ²/∂μ, ∂χ²/∂σ];
* ``steepest_step(mu, sig, x, y, aggression)``: the new ``(mu, sig)`` after one step of
  steepest descent, (μ, σ) − aggression · ∇χ².

Each check runs the learner's function on the course's heights at the course's start
(μ, σ) = (155, 6), then on random data sets (a random number of points, random μ and σ), and
compares what comes back with mvcalc: χ² from :func:`mvcalc.chi_squared` with
:func:`mvcalc.gaussian`, its gradient by reverse-mode automatic differentiation
(:func:`mvcalc.grad` of that χ²). When the numbers are wrong, the check computes what each
common mistake would give — the square or the −2 left out, the normalisation 1/(σ√(2π))
forgotten, the −1/σ term of ∂f/∂σ forgotten, a step uphill, the step returned instead of the
new point — and names the one the numbers match. ``steepest_step`` is checked on its own:
while it runs, the name ``d_chi_squared`` in the learner's code is the verified gradient.

Examples
--------
>>> import numpy as np
>>> from mvcalc.exercises import heights
>>> list(heights.EXERCISES)
['chi_squared', 'd_chi_squared', 'steepest_step']
>>> def chi_squared(mu, sig, x, y):
...     f = np.exp(-((x - mu) ** 2) / (2 * sig**2)) / (sig * np.sqrt(2 * np.pi))
...     return np.sum(y - f)
>>> heights.EXERCISES["chi_squared"]({"chi_squared": chi_squared}).line()
'chi_squared  not yet: is Σ(y − f), not Σ(y − f)²: the square is missing'
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mvcalc.autodiff import grad
from mvcalc.datasets import heights
from mvcalc.exercises import Check, Verdict
from mvcalc.exercises._feedback import call, compare, on_draws, verified_helpers
from mvcalc.regression import COURSE_AGGRESSION, chi_squared, gaussian

__all__ = ["EXERCISES"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class _Draw:
    """One data set and point (μ, σ): the inputs of a check."""

    label: str  # "" for the course's data, else how the draw is named in feedback
    x: FloatArray
    y: FloatArray
    mu: float
    sig: float
    aggression: float

    @property
    def n(self) -> int:
        return int(self.x.size)


@functools.cache
def _draws() -> tuple[_Draw, ...]:
    """The course's heights at the course's start, then three random data sets.

    A random draw's aggression is chosen so that the step moves (μ, σ) by about 1 to 3: far
    more than the checks' tolerance, so that a learner's step that does nothing cannot pass.
    """
    x, y = heights()
    draws = [_Draw("", x, y, 155.0, 6.0, COURSE_AGGRESSION)]
    rng = np.random.default_rng(20240614)
    for n in (17, 9, 31):
        centre, width = rng.uniform(-20.0, 60.0), rng.uniform(2.0, 12.0)
        xr = np.sort(rng.uniform(centre - 3 * width, centre + 3 * width, n))
        yr = np.abs(gaussian(xr, centre, width) + rng.normal(0.0, 0.01 / width, n))
        mu, sig = centre + rng.uniform(-1.0, 1.0) * width, width * rng.uniform(0.6, 1.6)
        size = float(np.linalg.norm(_gradient(mu, sig, xr, yr)))
        aggression = rng.uniform(1.0, 3.0) / size
        draws.append(_Draw(f"on a random data set of {n} points at μ = {mu:.4g}, σ = {sig:.4g}",
                           xr, yr, mu, sig, aggression))  # fmt: skip
    return tuple(draws)


# --------------------------------------------------------------------------------------------
# mvcalc's answers, and what the common mistakes give
# --------------------------------------------------------------------------------------------


def _chi2(mu: float, sig: float, x: FloatArray, y: FloatArray) -> float:
    """χ² of the Gaussian, by mvcalc."""
    return chi_squared(gaussian, [mu, sig], x, y)


def _gradient(mu: float, sig: float, x: Any, y: Any) -> FloatArray:
    """[∂χ²/∂μ, ∂χ²/∂σ], by reverse-mode automatic differentiation of χ² written with
    :func:`mvcalc.gaussian`."""
    xa, ya = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def chi2(p: Any) -> Any:
        return np.sum((ya - gaussian(xa, p[0], p[1])) ** 2)

    return np.asarray(grad(chi2)(np.array([mu, sig], dtype=np.float64)), dtype=np.float64)


def _d_chi_squared(mu: Any, sig: Any, x: Any, y: Any) -> FloatArray:
    """The verified ``d_chi_squared``, put in place of the learner's while ``steepest_step``
    is checked."""
    return _gradient(float(mu), float(sig), x, y)


def _parts(d: _Draw) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """f, the residual y − f, ∂f/∂μ and ∂f/∂σ at the draw's (μ, σ) (for the mistakes only)."""
    f = gaussian(d.x, d.mu, d.sig)
    u = d.x - d.mu
    return f, d.y - f, f * u / d.sig**2, f * (u**2 / d.sig**3 - 1 / d.sig)


def _unnormalised(x: FloatArray, mu: float, sig: float) -> FloatArray:
    return np.asarray(np.exp(-((x - mu) ** 2) / (2 * sig**2)), dtype=np.float64)


def _chi2_mistakes(d: _Draw) -> dict[str, Any]:
    f, r, _, _ = _parts(d)
    want = _chi2(d.mu, d.sig, d.x, d.y)
    without_two = np.exp(-((d.x - d.mu) ** 2) / d.sig**2) / (d.sig * np.sqrt(2 * np.pi))
    return {
        "is Σ(y − f), not Σ(y − f)²: the square is missing": np.sum(r),
        f"is the mean over the {d.n} points: χ² is their sum": want / d.n,
        "is √χ²: χ² = Σ(y − f)² has no square root": np.sqrt(want),
        "f lacks the normalisation 1/(σ√(2π)) of the Gaussian": np.sum(
            (d.y - _unnormalised(d.x, d.mu, d.sig)) ** 2
        ),
        "f's exponent lacks the 2 of −(x − μ)²/(2σ²)": np.sum((d.y - without_two) ** 2),
        "f uses σ² where σ belongs in 1/(σ√(2π))": np.sum((d.y - f / d.sig) ** 2),
    }


def _gradient_mistakes(d: _Draw) -> dict[str, Any]:
    f, r, _, _ = _parts(d)
    want = _gradient(d.mu, d.sig, d.x, d.y)
    g = np.exp(-((d.x - d.mu) ** 2) / (2 * d.sig**2))  # the unnormalised Gaussian
    u = d.x - d.mu
    return {
        "the −2 of ∂χ²/∂p = −2 Σ (y − f) ∂f/∂p is missing": want / -2,
        "is half the right value: the 2 of ∂χ²/∂p = −2 Σ (y − f) ∂f/∂p is missing": want / 2,
        "the order is swapped: return [∂χ²/∂μ, ∂χ²/∂σ]": want[::-1],
        "∂χ²/∂μ has the wrong sign: ∂f/∂μ = f (x − μ)/σ²": np.array([-want[0], want[1]]),
        "∂χ²/∂σ has the wrong sign: ∂f/∂σ = f ((x − μ)²/σ³ − 1/σ)": np.array([want[0], -want[1]]),
        "∂f/∂σ lacks the −1/σ term, which comes from the normalisation 1/σ": np.array(
            [want[0], -2 * np.sum(r * f * u**2 / d.sig**3)]
        ),
        "f lacks the normalisation 1/(σ√(2π)) of the Gaussian": np.array(
            [
                -2 * np.sum((d.y - g) * g * u / d.sig**2),
                -2 * np.sum((d.y - g) * g * u**2 / d.sig**3),
            ]
        ),
        "f lacks the normalisation 1/(σ√(2π)) of the Gaussian, where ∂f/∂σ's −1/σ comes from": (
            np.array(
                [
                    -2 * np.sum((d.y - g) * g * u / d.sig**2),
                    -2 * np.sum((d.y - g) * g * (u**2 / d.sig**3 - 1 / d.sig)),
                ]
            )
        ),
        "has the wrong sign: ∂χ²/∂p = −2 Σ (y − f) ∂f/∂p, the minus from ∂(y − f)/∂p = −∂f/∂p": (
            -want
        ),
        f"is the gradient of the mean over the {d.n} points: χ² is their sum": want / d.n,
    }


def _step_mistakes(d: _Draw) -> dict[str, Any]:
    g = _gradient(d.mu, d.sig, d.x, d.y)
    p = np.array([d.mu, d.sig])
    step = d.aggression * g
    mu1 = d.mu - step[0]
    sequential = np.array([mu1, d.sig - d.aggression * _gradient(mu1, d.sig, d.x, d.y)[1]])
    return {
        "steps uphill: the new (μ, σ) is (μ, σ) − aggression × ∇χ²": p + step,
        "returns the step, not the new (μ, σ): add the step to (μ, σ)": -step,
        "returns the step uphill, not the new (μ, σ): the new (μ, σ) is (μ, σ) − aggression "
        "× ∇χ²": step,
        "does not multiply the gradient by aggression": p - g,
        "divides the gradient by aggression: multiply by it": p - g / d.aggression,
        "returns (σ, μ): the order is (new μ, new σ)": (p - step)[::-1],
        "σ's step uses the gradient at the new μ: take both derivatives at the old (μ, σ) "
        "first, then move both": sequential,
    }


# --------------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------------


def _on_draws(name: str, verdict: Callable[[_Draw], Verdict]) -> Verdict:
    """The first failing verdict over the draws (labelled with the draw), else ✓."""
    return on_draws(name, _draws(), verdict)


def _check_chi_squared(namespace: Mapping[str, Any]) -> Verdict:
    function = namespace["chi_squared"]

    def verdict(d: _Draw) -> Verdict:
        got = call(function, d.mu, d.sig, d.x, d.y)
        return compare("chi_squared", got, _chi2(d.mu, d.sig, d.x, d.y),
                       mistakes=_chi2_mistakes(d),
                       shapes={(d.n,): "χ² is one number: sum the squared residuals"})  # fmt: skip

    return _on_draws("chi_squared", verdict)


def _check_d_chi_squared(namespace: Mapping[str, Any]) -> Verdict:
    function = namespace["d_chi_squared"]
    hint = "return the array [∂χ²/∂μ, ∂χ²/∂σ]: two numbers"

    def verdict(d: _Draw) -> Verdict:
        got = call(function, d.mu, d.sig, d.x, d.y)
        return compare("d_chi_squared", got, _gradient(d.mu, d.sig, d.x, d.y),
                       mistakes=_gradient_mistakes(d),
                       shapes={(2, d.n): "sum over the points: " + hint, (): hint,
                               (1,): hint})  # fmt: skip

    return _on_draws("d_chi_squared", verdict)


def _check_steepest_step(namespace: Mapping[str, Any]) -> Verdict:
    function = namespace["steepest_step"]
    hint = "return the new (mu, sig), two numbers"

    def verdict(d: _Draw) -> Verdict:
        got = call(function, d.mu, d.sig, d.x, d.y, d.aggression)
        want = np.array([d.mu, d.sig]) - d.aggression * _gradient(d.mu, d.sig, d.x, d.y)
        return compare("steepest_step", got, want, mistakes=_step_mistakes(d),
                       shapes={(): hint, (1,): hint, (2, 2): hint})  # fmt: skip

    with verified_helpers(function, {"d_chi_squared": _d_chi_squared}):
        return _on_draws("steepest_step", verdict)


#: The exercises, in the order of the assignment: name → check.
EXERCISES: dict[str, Check] = {
    "chi_squared": _check_chi_squared,
    "d_chi_squared": _check_d_chi_squared,
    "steepest_step": _check_steepest_step,
}
