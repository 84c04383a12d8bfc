"""The models: the Gaussian with its analytic Jacobian, and the named models of ``mvcalc fit``.

Each named model carries its exact Jacobian, its parameter names and a starting guess computed from
the data. :data:`KNOWN_JACOBIANS` maps these functions (and :func:`gaussian`) to their exact
Jacobians; :func:`mvcalc.fit` uses it when called without ``jac``. The look-up is by the
function itself, so a wrapper such as ``lambda x, m, s: mc.gaussian(x, m, s)`` is not found
there: it gets the default, automatic differentiation, which is exact too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from mvcalc._validate import finite_float
from mvcalc.autodiff import Dual
from mvcalc.regression._common import FloatArray

__all__ = ["KNOWN_JACOBIANS", "NAMED_MODELS", "NamedModel", "gaussian", "gaussian_jacobian"]

_SQRT_2PI = math.sqrt(2 * math.pi)


# ------------------------------------------------------------------------------------------------
# The Gaussian and its derivatives
# ------------------------------------------------------------------------------------------------


def gaussian(x: ArrayLike, mu: float, sigma: float) -> FloatArray:
    """The normal probability density with mean μ and standard deviation σ.

    .. math:: f(x; μ, σ) = \\frac{1}{σ\\sqrt{2π}} \\exp\\left(-\\frac{(x - μ)^2}{2σ^2}\\right)

    Parameters
    ----------
    x : array_like
    mu, sigma : float
        The mean and the standard deviation (σ ≠ 0; a fit may wander through negative σ, where
        the formula is still evaluated as written).

    Returns
    -------
    ndarray
        f evaluated element-wise, shaped like ``x``.

    See Also
    --------
    gaussian_jacobian : its analytic derivatives ∂f/∂μ and ∂f/∂σ.

    Notes
    -----
    :mod:`mvcalc.autodiff` differentiates through it (the checks apply to the values of its
    dual numbers), so a model that calls it gets an exact Jacobian from :func:`mvcalc.fit`.

    Examples
    --------
    >>> import mvcalc as mc
    >>> float(mc.gaussian(0.0, 0.0, 1.0))  # 1 / sqrt(2π)
    0.3989422804014327
    >>> dmu = mc.jacobian(lambda p: mc.gaussian(1.0, p[0], p[1]))([0.0, 1.0])[0]
    >>> bool(abs(dmu - float(mc.gaussian(1.0, 0.0, 1.0))) < 1e-15)   # ∂f/∂μ = f·(x − μ)/σ²
    True
    """
    if any(isinstance(v, Dual) for v in (x, mu, sigma)):
        # differentiated by mvcalc.autodiff: check the values, evaluate the formula on the duals
        _check_parameters(_primal(mu), _primal(sigma))
        dual: FloatArray = _gaussian(x, mu, sigma)  # a Dual, to AD
        return dual
    mu, sigma = _check_parameters(mu, sigma)
    return np.asarray(_gaussian(np.asarray(x, dtype=np.float64), mu, sigma))


def _check_parameters(mu: Any, sigma: Any) -> tuple[float, float]:
    mu = finite_float(mu, "mu")
    sigma = finite_float(sigma, "sigma")
    if sigma == 0:
        raise ValueError("sigma must be non-zero")
    return mu, sigma


def _primal(value: Any) -> Any:
    """The plain number inside a (possibly nested) dual number of :mod:`mvcalc.autodiff`."""
    while isinstance(value, Dual):
        value = value.value
    array = np.asarray(value)
    return array[()] if array.ndim == 0 else value


def _gaussian(x: Any, mu: Any, sigma: Any) -> Any:
    """The formula, on arrays or on the dual numbers of :mod:`mvcalc.autodiff`."""
    u = (x - mu) / sigma
    return np.exp(-0.5 * u * u) / (sigma * _SQRT_2PI)


def gaussian_jacobian(x: ArrayLike, mu: float, sigma: float) -> FloatArray:
    """The derivatives of :func:`gaussian` with respect to its parameters.

    .. math:: \\frac{∂f}{∂μ} = f \\, \\frac{x - μ}{σ^2}, \\qquad
              \\frac{∂f}{∂σ} = f \\left(\\frac{(x - μ)^2}{σ^3} - \\frac{1}{σ}\\right)

    Parameters
    ----------
    x : array_like, shape (N,)
    mu, sigma : float

    Returns
    -------
    ndarray, shape (N, 2)
        Columns ∂f/∂μ and ∂f/∂σ.

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> J = mc.regression.gaussian_jacobian([1.0, 2.0], 1.0, 0.5)
    >>> J.shape
    (2, 2)
    >>> float(J[0, 0])      # ∂f/∂μ vanishes at the peak
    0.0
    """
    f = gaussian(x, mu, sigma)
    d = (np.asarray(x, dtype=np.float64) - mu).ravel()
    J = np.empty((d.size, 2))
    J[:, 0] = f.ravel() * d / sigma**2  # ∂f/∂μ = f (x − μ)/σ²
    J[:, 1] = f.ravel() * (d * d / sigma**3 - 1 / sigma)  # ∂f/∂σ = f ((x − μ)²/σ³ − 1/σ)
    return J


# Models whose exact Jacobians the project knows, used when fit() is called without ``jac``
# (looked up by identity: a wrapper of one of them gets automatic differentiation, also exact).
KNOWN_JACOBIANS: dict[Callable[..., Any], Callable[..., Any]] = {gaussian: gaussian_jacobian}


# ------------------------------------------------------------------------------------------------
# Named models for fitting a user's data (``mvcalc fit --model NAME``)
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedModel:
    """A model with its exact Jacobian, parameter names and a data-driven starting guess."""

    name: str
    formula: str
    function: Callable[..., FloatArray]
    jacobian: Callable[..., FloatArray]
    parameters: tuple[str, ...]
    guess: Callable[[FloatArray, FloatArray], FloatArray]


def _line(x: FloatArray, slope: float, intercept: float) -> FloatArray:
    return np.asarray(slope * x + intercept, dtype=np.float64)


def _line_jacobian(x: FloatArray, slope: float, intercept: float) -> FloatArray:
    return np.stack([x, np.ones_like(x)], axis=1)


def _exponential(x: FloatArray, a: float, b: float) -> FloatArray:
    return np.asarray(a * np.exp(b * x), dtype=np.float64)


def _exponential_jacobian(x: FloatArray, a: float, b: float) -> FloatArray:
    e = np.exp(b * x)
    return np.stack([e, a * x * e], axis=1)


def _poly2(x: FloatArray, a: float, b: float, c: float) -> FloatArray:
    return np.asarray((a * x + b) * x + c, dtype=np.float64)


def _poly2_jacobian(x: FloatArray, a: float, b: float, c: float) -> FloatArray:
    return np.stack([x * x, x, np.ones_like(x)], axis=1)


def _scaled_gaussian(x: FloatArray, mu: float, sigma: float, area: float) -> FloatArray:
    return area * gaussian(x, mu, sigma)


def _scaled_gaussian_jacobian(x: FloatArray, mu: float, sigma: float, area: float) -> FloatArray:
    return np.column_stack([area * gaussian_jacobian(x, mu, sigma), gaussian(x, mu, sigma)])


def _guess_line(x: FloatArray, y: FloatArray) -> FloatArray:
    fit = np.polyfit(x, y, 1) if np.ptp(x) > 0 else np.array([0.0, float(np.mean(y))])
    return np.asarray(fit, dtype=np.float64)


def _guess_exponential(x: FloatArray, y: FloatArray) -> FloatArray:
    # a straight line through log|y| when y keeps one sign, else a flat start
    if np.ptp(x) > 0 and (np.all(y > 0) or np.all(y < 0)):
        b, log_a = np.polyfit(x, np.log(np.abs(y)), 1)
        return np.array([np.sign(y[0]) * np.exp(log_a), b])
    return np.array([float(np.mean(y)) or 1.0, 0.0])


def _guess_poly2(x: FloatArray, y: FloatArray) -> FloatArray:
    if np.unique(x).size >= 3:
        return np.asarray(np.polyfit(x, y, 2), dtype=np.float64)
    return np.array([0.0, 0.0, float(np.mean(y))])


def _guess_gaussian(x: FloatArray, y: FloatArray) -> FloatArray:
    # the moments of y as a distribution over x, and its area by the trapezium rule
    weights = np.clip(y, 0, None)
    if weights.sum() > 0:
        mu = float(weights @ x / weights.sum())
        sigma = float(np.sqrt(weights @ (x - mu) ** 2 / weights.sum()))
    else:
        mu, sigma = float(np.mean(x)), float(np.std(x))
    sigma = sigma if sigma > 0 else 1.0
    order = np.argsort(x)
    area = float(np.trapezoid(y[order], x[order])) if x.size > 1 else float(y[0])
    return np.array([mu, sigma, area if area != 0 else 1.0])


NAMED_MODELS: dict[str, NamedModel] = {
    "line": NamedModel("line", "y = slope·x + intercept", _line, _line_jacobian,
                       ("slope", "intercept"), _guess_line),
    "gaussian": NamedModel("gaussian", "y = area · exp(−(x − μ)²/2σ²) / (σ√(2π))",
                           _scaled_gaussian, _scaled_gaussian_jacobian, ("mu", "sigma", "area"),
                           _guess_gaussian),
    "exponential": NamedModel("exponential", "y = a·exp(b·x)", _exponential,
                              _exponential_jacobian, ("a", "b"), _guess_exponential),
    "poly2": NamedModel("poly2", "y = a·x² + b·x + c", _poly2, _poly2_jacobian,
                        ("a", "b", "c"), _guess_poly2),
}  # fmt: skip
KNOWN_JACOBIANS.update({m.function: m.jacobian for m in NAMED_MODELS.values()})
