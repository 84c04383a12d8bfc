"""Result records returned by mvcalc's iterative methods.

They are plain frozen dataclasses: print them, compare them, pull fields out by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["FitResult", "GradientCheck", "LinearFit", "Result", "TrainingHistory"]


@dataclass(frozen=True)
class TrainingHistory:
    """What :meth:`mvcalc.Network.train` did.

    Attributes
    ----------
    steps : ndarray of int
        The steps at which the cost and output were recorded (0 is the starting point).
    cost : ndarray of float
        The cost C = ||a(L) − y||² / N at each recorded step.
    outputs : list of ndarray
        The network's output a(L), shape (nL, N), at each recorded step.
    x, y : ndarray
        The training data.
    iterations : int
        The number of steps taken.
    seconds : float
        Wall-clock time of the training loop.
    converged : bool
        False when training had to stop early (the cost became non-finite).
    message : str
        What happened, in words.
    """

    steps: NDArray[np.int64]
    cost: NDArray[np.float64]
    outputs: list[NDArray[np.float64]] = field(repr=False)
    x: NDArray[np.float64] = field(repr=False)
    y: NDArray[np.float64] = field(repr=False)
    iterations: int
    seconds: float
    converged: bool
    message: str

    @property
    def initial_cost(self) -> float:
        """The cost before the first step."""
        return float(self.cost[0])

    @property
    def final_cost(self) -> float:
        """The cost after the last step taken."""
        return float(self.cost[-1])

    @property
    def steps_per_second(self) -> float:
        """Training speed (``inf`` when no time was measurable)."""
        return self.iterations / self.seconds if self.seconds > 0 else float("inf")


@dataclass(frozen=True)
class GradientCheck:
    """Backpropagation's Jacobians beside central differences (:meth:`Network.gradient_check`).

    Attributes
    ----------
    analytic, numeric : ndarray
        ∂C/∂θ from backpropagation and from central differences, flattened in the order
        W(1), b(1), W(2), b(2), ...
    max_abs_error : float
        The largest absolute difference.
    max_rel_error : float
        ``max_abs_error`` divided by the largest analytic entry.
    ok : bool
        Whether every difference is within the tolerance.
    """

    analytic: NDArray[np.float64] = field(repr=False)
    numeric: NDArray[np.float64] = field(repr=False)
    max_abs_error: float
    max_rel_error: float
    ok: bool


@dataclass(frozen=True)
class LinearFit:
    """A straight line y = slope · x + intercept fitted by (weighted) least squares.

    Attributes
    ----------
    slope, intercept : float
        The best-fit line.
    slope_error, intercept_error : float
        Their standard errors (``inf`` when they cannot be estimated).
    chi2 : float
        χ² = Σ ((y − line) / σ)² at the fit (σ = 1 when no sigma was given).
    r_squared : float
        The coefficient of determination, 1 − SS_res / SS_tot (weighted when sigma is given).
    covariance : ndarray, shape (2, 2)
        The covariance of (slope, intercept).
    dof : int
        Degrees of freedom, N − 2.
    """

    slope: float
    intercept: float
    slope_error: float
    intercept_error: float
    chi2: float
    r_squared: float
    covariance: NDArray[np.float64] = field(repr=False)
    dof: int

    @property
    def reduced_chi2(self) -> float:
        """χ² / (N − 2), or ``nan`` with no degrees of freedom."""
        return self.chi2 / self.dof if self.dof > 0 else float("nan")


@dataclass(frozen=True)
class FitResult:
    """A non-linear least-squares fit (:func:`mvcalc.fit`).

    Attributes
    ----------
    params : ndarray
        The fitted parameters.
    errors : ndarray
        Their standard errors, ``sqrt(diag(covariance))``.
    covariance : ndarray
        As :func:`scipy.optimize.curve_fit` gives it: ``inv(JᵀWJ)`` when sigma is given
        (absolute), scaled by the reduced χ² when it is not; ``inf`` when it cannot be estimated.
    chi2 : float
        χ² at ``params``.
    path : ndarray, shape (nit + 1, n_params)
        Every iterate; ``path[0]`` is p0.
    nit : int
        Iterations (accepted steps).
    converged : bool
        Whether a convergence test was met.
    message : str
        Why the method stopped.
    method : str
        The method used.
    nfev, njev : int
        Model and Jacobian evaluations (finite differences count as model evaluations).
    jacobian : str
        How ∂f/∂p was found: given, known exactly, automatic differentiation, or finite
        differences (with the reason AD could not follow the model).
    """

    params: NDArray[np.float64]
    errors: NDArray[np.float64]
    covariance: NDArray[np.float64] = field(repr=False)
    chi2: float
    path: NDArray[np.float64] = field(repr=False)
    nit: int
    converged: bool
    message: str
    method: str = ""
    nfev: int = 0
    njev: int = 0
    jacobian: str = ""


@dataclass(frozen=True)
class Result:
    """What an iterative method did (:func:`mvcalc.newton_raphson`, :func:`mvcalc.minimize`, ...).

    Attributes
    ----------
    x : float or ndarray
        The last iterate (the last finite one, if the method had to stop).
    fun : float or ndarray
        f at ``x``: the residual for root finding, the value for minimisation.
    path : ndarray, shape (nit + 1,) or (nit + 1, n)
        Every iterate; ``path[0]`` is the start.
    nit : int
        Iterations taken.
    converged : bool
        Whether the convergence test was met.
    message : str
        Why the method stopped, by name: converged, zero derivative, cycling, divergence,
        iteration limit, ...
    """

    x: Any
    fun: Any
    path: NDArray[np.float64] = field(repr=False)
    nit: int
    converged: bool
    message: str
