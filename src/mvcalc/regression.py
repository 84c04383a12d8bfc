"""Least squares: the Gaussian, χ², straight lines, and non-linear fits.

This is the course's regression week. A model ``f(x, *params)`` is fitted to data ``(x, y)`` with
uncertainties σ by minimising

.. math:: χ^2(p) = \\sum_i \\left(\\frac{y_i - f(x_i; p)}{σ_i}\\right)^2 ,

whose gradient is :math:`∂χ^2/∂p = -2 J^\\top W r` with residuals :math:`r = y - f`, the Jacobian
:math:`J = ∂f/∂p` and weights :math:`W = \\mathrm{diag}(1/σ^2)`. Three methods are offered:

* ``"steepest-descent"`` — the course's algorithm, :math:`δp = -\\text{aggression} · ∂χ^2/∂p`;
* ``"gauss-newton"`` — :math:`δp = (J^\\top W J)^{-1} J^\\top W r`, halved until χ² falls;
* ``"levenberg-marquardt"`` (the default) — Gauss–Newton blended with steepest descent by a
  damping parameter that adapts to how well the linear model predicts χ².

Errors and covariances follow :func:`scipy.optimize.curve_fit`: with ``sigma`` given they are
absolute, :math:`(J^\\top W J)^{-1}`; without, they are scaled by the reduced χ² (χ² / (N − p)).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mvcalc._validate import finite_float, positive_float, positive_int
from mvcalc.results import FitResult, LinearFit

__all__ = [
    "METHODS",
    "NAMED_MODELS",
    "NamedModel",
    "chi_squared",
    "fit",
    "gaussian",
    "gaussian_jacobian",
    "linear_fit",
]

FloatArray = NDArray[np.float64]
Model = Callable[..., ArrayLike]
METHODS = ("levenberg-marquardt", "gauss-newton", "steepest-descent")
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

    Examples
    --------
    >>> import mvcalc as mc
    >>> float(mc.gaussian(0.0, 0.0, 1.0))  # 1 / sqrt(2π)
    0.3989422804014327
    """
    mu = finite_float(mu, "mu")
    sigma = finite_float(sigma, "sigma")
    if sigma == 0:
        raise ValueError("sigma must be non-zero")
    return _gaussian(np.asarray(x, dtype=np.float64), mu, sigma)


def _gaussian(x: FloatArray, mu: float, sigma: float) -> FloatArray:
    u = (x - mu) / sigma
    return np.asarray(np.exp(-0.5 * u * u) / (sigma * _SQRT_2PI))


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


# Models whose exact Jacobians the project knows, used when fit() is called without ``jac``.
_KNOWN_JACOBIANS: dict[Callable[..., Any], Callable[..., Any]] = {gaussian: gaussian_jacobian}


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
_KNOWN_JACOBIANS.update({m.function: m.jacobian for m in NAMED_MODELS.values()})


# ------------------------------------------------------------------------------------------------
# χ²
# ------------------------------------------------------------------------------------------------


def chi_squared(
    model: Model,
    params: ArrayLike,
    x: ArrayLike,
    y: ArrayLike,
    sigma: ArrayLike | None = None,
) -> float:
    """χ² = Σ ((y − model(x, *params)) / σ)², the misfit of a model to data.

    Parameters
    ----------
    model : callable
        ``model(x, *params)`` returning an array shaped like ``y``.
    params : array_like, shape (p,)
    x : array_like
    y : array_like, shape (N,)
    sigma : array_like, shape (N,), optional
        The uncertainty of each ``y``; 1 when omitted (then χ² is the sum of squared residuals,
        as in the course).

    Returns
    -------
    float

    Examples
    --------
    >>> import mvcalc as mc
    >>> line = lambda x, m, c: m * x + c
    >>> mc.chi_squared(line, [2.0, 1.0], [0, 1, 2], [1, 3, 6])
    1.0
    >>> mc.chi_squared(line, [2.0, 1.0], [0, 1, 2], [1, 3, 6], sigma=[1, 1, 2])
    0.25
    """
    problem = _Problem(model, x, y, sigma, params, jac=None)
    r = problem.residuals(problem.p0)
    return float(r @ r)


# ------------------------------------------------------------------------------------------------
# Straight lines, in closed form
# ------------------------------------------------------------------------------------------------


def linear_fit(x: ArrayLike, y: ArrayLike, sigma: ArrayLike | None = None) -> LinearFit:
    """Fit y = slope · x + intercept by (weighted) least squares, in closed form.

    Parameters
    ----------
    x, y : array_like, shape (N,)
        At least two points, with at least two distinct x.
    sigma : array_like, shape (N,), optional
        Uncertainties of ``y`` (positive). Weights are 1/σ².

    Returns
    -------
    LinearFit
        ``slope``, ``intercept``, their standard errors, ``chi2``, ``r_squared``,
        ``covariance`` and ``dof``.

    Notes
    -----
    With weights :math:`w_i = 1/σ_i^2`, weighted means :math:`\\bar x, \\bar y` and
    :math:`S_{xx} = \\sum w_i (x_i - \\bar x)^2`,

    .. math:: \\text{slope} = \\frac{\\sum w_i (x_i - \\bar x)(y_i - \\bar y)}{S_{xx}}, \\quad
              \\text{intercept} = \\bar y - \\text{slope} \\, \\bar x,

    .. math:: \\operatorname{var}(\\text{slope}) = \\frac{1}{S_{xx}}, \\quad
              \\operatorname{var}(\\text{intercept}) = \\frac{1}{\\sum w_i} +
              \\frac{\\bar x^2}{S_{xx}} .

    As in :func:`scipy.optimize.curve_fit`, these are absolute when ``sigma`` is given; without
    it they are multiplied by the reduced χ², which makes the slope's error equal
    :func:`scipy.stats.linregress`'s ``stderr``.

    Examples
    --------
    >>> import mvcalc as mc
    >>> line = mc.linear_fit([0, 1, 2, 3], [1.1, 2.9, 5.2, 6.8])
    >>> round(line.slope, 3), round(line.intercept, 3)
    (1.94, 1.09)
    >>> round(line.r_squared, 4)
    0.9956
    """
    xa = _vector(x, "x")
    ya = _vector(y, "y")
    if xa.shape != ya.shape:
        raise ValueError(f"x and y must have the same length, got {xa.size} and {ya.size}")
    if xa.size < 2:
        raise ValueError(f"x and y must hold at least 2 points to fit a line, got {xa.size}")
    w = np.ones_like(ya) if sigma is None else 1 / _sigma(sigma, ya.size) ** 2
    S = w.sum()
    x_bar = (w @ xa) / S
    y_bar = (w @ ya) / S
    dx = xa - x_bar
    Sxx = w @ (dx * dx)
    if not Sxx > 0:
        raise ValueError("x must hold at least two distinct values to fit a line")
    slope = (w @ (dx * (ya - y_bar))) / Sxx
    intercept = y_bar - slope * x_bar
    resid = ya - (slope * xa + intercept)
    chi2 = float(w @ (resid * resid))
    ss_tot = float(w @ ((ya - y_bar) ** 2))
    r_squared = 1 - chi2 / ss_tot if ss_tot > 0 else float("nan")
    cov = np.array([[1 / Sxx, -x_bar / Sxx], [-x_bar / Sxx, 1 / S + x_bar**2 / Sxx]])
    dof = xa.size - 2
    if sigma is None:
        cov = cov * (chi2 / dof) if dof > 0 else np.full((2, 2), np.inf)
    errors = np.sqrt(np.diag(cov))
    return LinearFit(
        slope=float(slope),
        intercept=float(intercept),
        slope_error=float(errors[0]),
        intercept_error=float(errors[1]),
        chi2=chi2,
        r_squared=float(r_squared),
        covariance=cov,
        dof=dof,
    )


# ------------------------------------------------------------------------------------------------
# Non-linear least squares
# ------------------------------------------------------------------------------------------------


class _Problem:
    """Data, weights and model of a fit, with weighted residuals and Jacobians.

    Everything is in the weighted form: r = (y − f) / σ and J = (∂f/∂p) / σ, so that
    χ² = r·r, ∂χ²/∂p = −2 Jᵀr and the Gauss–Newton matrix is JᵀJ.
    """

    def __init__(
        self,
        model: Model,
        x: ArrayLike,
        y: ArrayLike,
        sigma: ArrayLike | None,
        p0: ArrayLike,
        jac: Callable[..., ArrayLike] | None,
    ) -> None:
        if not callable(model):
            raise TypeError(f"model must be callable as model(x, *params), got {model!r}")
        if jac is not None and not callable(jac):
            raise TypeError(f"jac must be callable as jac(x, *params) or None, got {jac!r}")
        self.model = model
        self.x = _finite_array(x, "x")
        self.y = _vector(y, "y")
        if self.x.ndim == 0 or self.x.shape[-1] != self.y.size:
            raise ValueError(
                f"x and y must have the same number of points, got x of shape {self.x.shape} "
                f"and y of length {self.y.size}"
            )
        self.sigma = None if sigma is None else _sigma(sigma, self.y.size)
        self.inv_sigma = np.ones(0) if self.sigma is None else 1 / self.sigma
        self.p0 = _vector(p0, "p0")
        n_params = _count_parameters(model)
        if n_params is not None and n_params != self.p0.size:
            raise ValueError(
                f"p0 must hold {n_params} values, one per parameter of the model, "
                f"got {self.p0.size}"
            )
        self.jac = jac if jac is not None else _KNOWN_JACOBIANS.get(model)
        # how ∂f/∂p is found: given or known exactly, else by automatic differentiation, and
        # by finite differences only if the model uses something AD cannot follow
        if jac is not None:
            self.jacobian_kind = "exact (jac given)"
        elif self.jac is not None:
            self.jacobian_kind = "exact (known model)"
        else:
            self.jacobian_kind = (
                "forward differences while iterating; automatic differentiation for the covariance"
            )
        self.nfev = 0
        self.njev = 0
        self._last: tuple[FloatArray, FloatArray] = (np.empty(0), np.empty(0))
        self._last_residuals: tuple[FloatArray, FloatArray] = (np.empty(0), np.empty(0))

    def evaluate(self, p: FloatArray) -> FloatArray:
        """f(x; p), checked for shape; the last evaluation is kept for forward differences."""
        self.nfev += 1
        f = np.asarray(self.model(self.x, *p), dtype=np.float64)
        if f.shape != self.y.shape:
            if f.size == self.y.size:
                f = f.reshape(self.y.shape)
            else:
                raise ValueError(
                    f"model must return one value per point, shape {self.y.shape}, got {f.shape}"
                )
        self._last = (p.copy(), f)
        return f

    def residuals(self, p: FloatArray) -> FloatArray:
        """r = (y − f(x; p)) / σ (the last one is remembered, not recomputed)."""
        last_p, last_r = self._last_residuals
        if np.array_equal(last_p, p):
            return last_r
        with np.errstate(all="ignore"):
            r = self.y - self.evaluate(p)
            if self.sigma is not None:
                r *= self.inv_sigma
        self._last_residuals = (p.copy(), r)
        return r

    def _autodiff_jacobian(self, p: FloatArray) -> FloatArray | None:
        """∂f/∂p by forward-mode AD through the model; None (and finite differences from then
        on) if the model uses an operation dual numbers do not support."""
        from mvcalc.autodiff import jacobian

        try:
            with np.errstate(all="ignore"):
                J = np.asarray(jacobian(lambda q: self.model(self.x, *q))(p), dtype=np.float64)
        except (TypeError, ValueError) as exc:
            self.jacobian_kind = f"finite differences (automatic differentiation failed: {exc})"
            return None
        if J.shape != (self.y.size, p.size):
            J = J.reshape(self.y.size, p.size)
        self.nfev += 1
        if self.sigma is not None:
            J *= self.inv_sigma[:, None]
        return J

    def jacobian(self, p: FloatArray, *, central: bool = False) -> FloatArray:
        """J = (∂f/∂p) / σ, shape (N, n_params).

        Exact when the model's Jacobian is given or known. Otherwise, while iterating, forward
        differences as MINPACK takes them (n_params evaluations, relative error ~ √eps: ample
        for choosing a step, and cheaper than AD on large data); and for the covariance that is
        reported (``central``), automatic differentiation through the model — or central
        differences (error ~ eps^(2/3)) if the model uses something AD cannot follow.
        """
        self.njev += 1
        eps = np.finfo(float).eps
        if central and self.jac is None and "automatic" in self.jacobian_kind:
            J = self._autodiff_jacobian(p)
            if J is not None:
                return J
        with np.errstate(all="ignore"):
            if self.jac is not None:
                J = np.asarray(self.jac(self.x, *p), dtype=np.float64)
                if J.shape != (self.y.size, p.size):
                    raise ValueError(
                        f"jac must return shape (N, n_params) = ({self.y.size}, {p.size}), "
                        f"got {J.shape}"
                    )
            elif central:
                J = np.empty((self.y.size, p.size), order="F")  # columns contiguous
                for j in range(p.size):
                    up, down = p.copy(), p.copy()
                    h = eps ** (1 / 3) * max(abs(p[j]), 1.0)
                    up[j] += h
                    down[j] -= h
                    np.subtract(self.evaluate(up), self.evaluate(down), out=J[:, j])
                    J[:, j] /= up[j] - down[j]
            else:
                J = np.empty((self.y.size, p.size), order="F")
                last_p, last_f = self._last
                f0 = last_f if np.array_equal(last_p, p) else self.evaluate(p)
                for j in range(p.size):
                    up = p.copy()
                    up[j] += np.sqrt(eps) * max(abs(p[j]), 1.0)
                    np.subtract(self.evaluate(up), f0, out=J[:, j])
                    J[:, j] /= up[j] - p[j]
            if self.sigma is not None:
                J *= self.inv_sigma[:, None]
            return J


def fit(
    model: Model,
    x: ArrayLike,
    y: ArrayLike,
    p0: ArrayLike,
    *,
    sigma: ArrayLike | None = None,
    method: str = "levenberg-marquardt",
    jac: Callable[..., ArrayLike] | None = None,
    aggression: float | None = None,
    tol: float = 1.49012e-8,
    max_iter: int | None = None,
) -> FitResult:
    """Fit ``model(x, *params)`` to data by minimising χ².

    Parameters
    ----------
    model : callable
        ``model(x, *params)`` returning one value per point, as in
        :func:`scipy.optimize.curve_fit`.
    x : array_like
        The independent variable (its last axis runs over the N points).
    y : array_like, shape (N,)
        The data.
    p0 : array_like, shape (p,)
        The starting parameters.
    sigma : array_like, shape (N,), optional
        Uncertainties of ``y`` (positive); errors are then absolute. When omitted, σ = 1 and
        errors are scaled by the reduced χ².
    method : {"levenberg-marquardt", "gauss-newton", "steepest-descent"}, optional
        See the module notes.
    jac : callable, optional
        ``jac(x, *params)`` returning ∂f/∂p with shape (N, p). When omitted, the exact
        derivatives are used for models the project knows (:func:`gaussian`); for others, forward
        differences steer the iterations (as MINPACK does) and the reported covariance comes
        from automatic differentiation through the model (:mod:`mvcalc.autodiff`), or from
        central differences if the model uses an operation AD cannot follow.
        ``FitResult.jacobian`` says which.
    aggression : float, optional
        Steepest descent only: the fixed step multiplier of δp = −aggression · ∂χ²/∂p (the
        course uses 2000 on the heights). When omitted, the step adapts (it doubles after a step
        that lowers χ² and halves until one does).
    tol : float, optional
        Converged when an accepted step changes χ² by less than ``tol`` relative to χ², or the
        parameters by less than ``tol`` relative to their size (MINPACK's default tolerance).
    max_iter : int, optional
        Iteration limit; default 100 for Levenberg–Marquardt and Gauss–Newton, 10,000 for
        steepest descent.

    Returns
    -------
    FitResult
        ``params``, ``errors``, ``covariance``, ``chi2``, ``path`` (every iterate, ``path[0]`` is
        ``p0``), ``nit``, ``converged`` and ``message``.

    Notes
    -----
    Iterations never return NaN silently: if χ² or the parameters become non-finite, or χ²
    grows without bound, the fit stops at the last finite iterate with ``converged=False``.

    References
    ----------
    .. [1] J. J. Moré, "The Levenberg–Marquardt algorithm: implementation and theory",
       *Numerical Analysis*, Lecture Notes in Mathematics 630, Springer, 1978.
    .. [2] H. B. Nielsen, "Damping parameter in Marquardt's method", IMM-REP-1999-05, DTU, 1999.

    Examples
    --------
    >>> import mvcalc as mc
    >>> x, y = mc.datasets.heights()
    >>> result = mc.fit(mc.gaussian, x, y, p0=[155, 6])
    >>> result.params.round(2)
    array([178.52,   7.55])
    >>> bool(result.converged), result.nit < 20
    (True, True)
    >>> sd = mc.fit(mc.gaussian, x, y, [155, 6], method="steepest-descent",
    ...             aggression=2000, max_iter=50)
    >>> sd.params.round(2), sd.nit       # the course's numbers; converged before step 50
    (array([178.52,   7.55]), 48)
    """
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}")
    problem = _Problem(model, x, y, sigma, p0, jac)
    n_points, n_params = problem.y.size, problem.p0.size
    if n_points < n_params:
        raise ValueError(
            f"y must hold at least as many points as there are parameters ({n_params}), "
            f"got {n_points}"
        )
    tol = positive_float(tol, "tol")
    if max_iter is None:
        max_iter = 10_000 if method == "steepest-descent" else 100
    max_iter = positive_int(max_iter, "max_iter")
    if aggression is not None:
        if method != "steepest-descent":
            raise ValueError("aggression applies to method='steepest-descent' only")
        aggression = positive_float(aggression, "aggression")

    r0 = problem.residuals(problem.p0)
    chi2_0 = float(r0 @ r0)
    if not math.isfinite(chi2_0):
        raise ValueError(f"p0 gives a non-finite χ² ({chi2_0}); choose a starting point nearer")

    # Overflow in a trial step is expected and handled: such a step has a non-finite χ².
    with np.errstate(over="ignore", invalid="ignore"):
        if method == "steepest-descent":
            path, converged, message = _steepest_descent(problem, aggression, tol, max_iter)
        elif method == "gauss-newton":
            path, converged, message = _gauss_newton(problem, tol, max_iter)
        else:
            path, converged, message = _levenberg_marquardt(problem, tol, max_iter)

    params = path[-1]
    r = problem.residuals(params)
    chi2 = float(r @ r)
    covariance = _covariance(problem, params, chi2)
    return FitResult(
        params=params.copy(),
        errors=np.sqrt(np.diag(covariance)),
        covariance=covariance,
        chi2=chi2,
        path=np.array(path),
        nit=len(path) - 1,
        converged=converged,
        status="converged" if converged else _status(message),
        message=message,
        method=method,
        nfev=problem.nfev,
        njev=problem.njev,
        jacobian=problem.jacobian_kind,
    )


def _status(message: str) -> str:  # interim: the drivers will return their status
    if "max_iter" in message:
        return "max-iter"
    if "non-finite" in message or "not finite" in message:
        return "non-finite"
    return "diverged"


_DIVERGED = 1e12  # χ² this many times its starting value counts as growing without bound


def _steepest_descent(
    problem: _Problem, aggression: float | None, tol: float, max_iter: int
) -> tuple[list[FloatArray], bool, str]:
    """The course's steepest descent on χ²: δp = −aggression · ∂χ²/∂p."""
    p = problem.p0.copy()
    r = problem.residuals(p)
    chi2 = chi2_start = float(r @ r)
    path = [p.copy()]
    adaptive = aggression is None
    if aggression is None:  # start from 1 / trace(Hessian) ≈ 1 / (2 tr JᵀJ): a safe first step
        J0 = problem.jacobian(p)
        aggression = 1 / max(2 * float(np.sum(J0 * J0)), np.finfo(float).tiny)
    for _ in range(max_iter):
        J = problem.jacobian(p)
        grad = -2 * J.T @ r  # ∂χ²/∂p = −2 Jᵀ r
        if not np.all(np.isfinite(grad)):
            return path, False, "stopped: the gradient of χ² became non-finite"
        while True:
            step = -aggression * grad  # δp = −aggression ∂χ²/∂p
            p_new = p + step
            r_new = problem.residuals(p_new)
            chi2_new = float(r_new @ r_new)
            if not adaptive or chi2_new <= chi2:
                break
            aggression /= 2
            if np.linalg.norm(step) <= tol * tol * (np.linalg.norm(p) + tol):
                return path, True, "converged: no step along the gradient lowers χ²"
        if not (math.isfinite(chi2_new) and np.all(np.isfinite(p_new))):
            return path, False, "stopped: χ² or the parameters became non-finite (step too large?)"
        if chi2_new > _DIVERGED * max(chi2_start, np.finfo(float).tiny):
            return path, False, "stopped: χ² is growing without bound (aggression too large?)"
        # A small change in χ² says little when steps are fixed and slow, so only the step counts.
        small_step = np.linalg.norm(step) <= tol * (np.linalg.norm(p) + tol)
        p, r, chi2 = p_new, r_new, chi2_new
        path.append(p.copy())
        if adaptive:
            aggression *= 2
        if small_step:
            return path, True, "converged: the step in the parameters is below tol"
    return path, False, f"stopped: reached max_iter = {max_iter} iterations"


def _gauss_newton(
    problem: _Problem, tol: float, max_iter: int
) -> tuple[list[FloatArray], bool, str]:
    """Gauss–Newton, δp = (JᵀJ)⁻¹ Jᵀ r, with the step halved until χ² does not rise."""
    p = problem.p0.copy()
    r = problem.residuals(p)
    chi2 = float(r @ r)
    path = [p.copy()]
    for _ in range(max_iter):
        J = problem.jacobian(p)
        step = np.linalg.lstsq(J, r, rcond=None)[0]  # solves JᵀJ δp = Jᵀr stably
        if not np.all(np.isfinite(step)):
            return path, False, "stopped: the Gauss–Newton step is not finite"
        for _halving in range(60):
            p_new = p + step
            r_new = problem.residuals(p_new)
            chi2_new = float(r_new @ r_new)
            if math.isfinite(chi2_new) and chi2_new <= chi2:
                break
            step = step / 2
        else:
            return path, True, "converged: no Gauss–Newton step lowers χ²"
        small_step = np.linalg.norm(step) <= tol * (np.linalg.norm(p) + tol)
        small_change = chi2 - chi2_new <= tol * chi2
        p, r, chi2 = p_new, r_new, chi2_new
        path.append(p.copy())
        if small_step or small_change or chi2 == 0:
            return path, True, "converged: the change in χ² or in the parameters is below tol"
    return path, False, f"stopped: reached max_iter = {max_iter} iterations"


def _levenberg_marquardt(
    problem: _Problem, tol: float, max_iter: int
) -> tuple[list[FloatArray], bool, str]:
    """Levenberg–Marquardt with Marquardt's scaling and Nielsen's damping update.

    Each trial step solves (JᵀJ + λ D²) δp = Jᵀr, with D² the largest diag(JᵀJ) seen so far:
    small λ gives the Gauss–Newton step, large λ a short steepest-descent step. A step is
    accepted only if it lowers χ², so χ² never rises along the path; λ then shrinks by how well
    the linear model predicted the fall, and otherwise grows.
    """
    p = problem.p0.copy()
    r = problem.residuals(p)
    chi2 = float(r @ r)
    path = [p.copy()]
    D2 = np.zeros(p.size)
    lam = 0.1  # the first damping, relative to the scaling D²
    nu = 2.0
    for _ in range(max_iter):
        J = problem.jacobian(p)
        A = J.T @ J  # JᵀJ: Gauss–Newton's approximation to ½ ∂²χ²/∂p²
        g = J.T @ r  # Jᵀr = −½ ∂χ²/∂p
        if not (np.all(np.isfinite(A)) and np.all(np.isfinite(g))):
            return path, False, "stopped: the Jacobian is not finite"
        D2 = np.maximum(D2, np.diag(A))
        D2_safe = np.where(D2 > 0, D2, 1.0)
        if float(np.max(np.abs(g) / np.sqrt(D2_safe))) <= np.finfo(float).eps * math.sqrt(chi2):
            return path, True, "converged: the gradient of χ² is zero to machine precision"
        # scale by diag(JᵀJ) once per Jacobian, to tame the condition of the trial solves
        d = np.sqrt(np.where(np.diag(A) > 0, np.diag(A), 1.0))
        A_scaled, g_scaled, D2_scaled = A / np.outer(d, d), g / d, D2_safe / (d * d)
        while True:
            step = _solve_damped(A_scaled, g_scaled, lam * D2_scaled) / d
            p_new = p + step
            r_new = problem.residuals(p_new)
            chi2_new = float(r_new @ r_new)
            # predicted fall of χ² from the linear model: δpᵀ(2Jᵀr − JᵀJ δp) = δpᵀ(g + λD²δp)
            predicted = float(step @ (g + lam * D2_safe * step))
            actual = chi2 - chi2_new if math.isfinite(chi2_new) else -math.inf
            rho = actual / predicted if predicted > 0 else -1.0
            if rho > 0:
                lam *= max(1 / 5, 1 - (2 * rho - 1) ** 3)  # Nielsen, floor 1/5 (tuned)
                nu = 2.0
                break
            lam *= nu
            nu *= 2
            if lam > 1e16 or np.linalg.norm(step) <= np.finfo(float).eps * np.linalg.norm(p):
                return path, True, "converged: no step lowers χ² (a minimum to machine precision)"
        small_step = np.linalg.norm(step) <= tol * (np.linalg.norm(p) + tol)
        small_change = actual <= tol * chi2 and predicted <= tol * chi2
        p, r, chi2 = p_new, r_new, chi2_new
        path.append(p.copy())
        if small_step or small_change or chi2 == 0:
            return path, True, "converged: the change in χ² or in the parameters is below tol"
    return path, False, f"stopped: reached max_iter = {max_iter} iterations"


def _solve_damped(A: FloatArray, g: FloatArray, damping: FloatArray) -> FloatArray:
    """Solve (A + diag(damping)) δ = g; least squares if that matrix is singular."""
    M = A.copy()
    M.flat[:: M.shape[0] + 1] += damping
    try:
        return np.asarray(np.linalg.solve(M, g))
    except np.linalg.LinAlgError:
        return np.asarray(np.linalg.lstsq(M, g, rcond=None)[0])


def _covariance(problem: _Problem, params: FloatArray, chi2: float) -> FloatArray:
    """curve_fit's covariance: inv(JᵀWJ), scaled by χ²/(N − p) when sigma was not given."""
    n_points, n_params = problem.y.size, params.size
    J = problem.jacobian(params, central=True)
    inf = np.full((n_params, n_params), np.inf)
    if not np.all(np.isfinite(J)):
        return inf
    # inverse through the eigen-decomposition of JᵀJ; a singular one (a parameter the data
    # cannot determine) gives infinite errors, as in curve_fit, rather than NaN
    eigenvalues, V = np.linalg.eigh(J.T @ J)
    if eigenvalues[-1] <= 0 or eigenvalues[0] <= np.finfo(float).eps * n_params * eigenvalues[-1]:
        return inf
    cov = (V / eigenvalues) @ V.T
    if problem.sigma is None:
        dof = n_points - n_params
        if dof <= 0:
            return inf
        cov = cov * (chi2 / dof)
    return np.asarray(cov)


# ------------------------------------------------------------------------------------------------
# Validation helpers
# ------------------------------------------------------------------------------------------------


def _finite_array(value: ArrayLike, name: str) -> FloatArray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from exc
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    return arr


def _vector(value: ArrayLike, name: str) -> FloatArray:
    arr = _finite_array(value, name)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    return arr


def _sigma(value: ArrayLike, n: int) -> FloatArray:
    s = _finite_array(value, "sigma")
    if s.ndim == 0:
        s = np.full(n, float(s))
    if s.shape != (n,):
        raise ValueError(f"sigma must hold one uncertainty per point ({n}), got shape {s.shape}")
    if np.any(s <= 0):
        raise ValueError("sigma must be positive")
    return s


def _count_parameters(model: Model) -> int | None:
    """The number of parameters after x in ``model``'s signature, or None if it takes *args."""
    try:
        signature = inspect.signature(model)
    except (TypeError, ValueError):
        return None
    positional = []
    for param in signature.parameters.values():
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            return None
        if param.kind in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            positional.append(param)
    return max(len(positional) - 1, 0)
