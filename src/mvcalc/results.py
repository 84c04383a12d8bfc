"""Result records returned by mvcalc's iterative methods.

They are plain frozen dataclasses: print them, compare them, pull fields out by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["STATUSES", "FitResult", "GradientCheck", "LinearFit", "Result", "TrainingHistory"]

#: Why an iterative method stopped: a fixed vocabulary, shared by every result record.
#: ``converged`` is the only success; ``converged=True`` if and only if ``status == "converged"``.
STATUSES = {
    "converged": "the optimality condition holds (scale-aware)",
    "max-iter": "the iteration or evaluation budget ran out first",
    "stalled": "no step makes progress, yet the optimality condition does not hold",
    "diverged": "the iterates or values grow without bound",
    "saddle": "a stationary point where the Hessian has eigenvalues of both signs",
    "maximum": "a stationary point where the Hessian is negative definite",
    "linear-convergence": "the iterates converge only linearly (a multiple root)",
    "cycling": "the iterates repeat without converging",
    "zero-derivative": "the derivative (or Jacobian, or Hessian) is zero or singular: no step",
    "non-finite": "a value, step or parameter became NaN or infinite",
    "failed": "a user-supplied step rule raised or returned an unusable step",
}


def _check_status(record: Any) -> None:
    """The contract of every result: a known status, and success only as ``converged``."""
    if record.status not in STATUSES:
        raise ValueError(f"status must be one of {sorted(STATUSES)}, got {record.status!r}")
    if bool(record.converged) != (record.status == "converged"):
        raise ValueError(f"converged={record.converged} contradicts status={record.status!r}")


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
        True only when the cost's gradient vanished (scale-aware); a run that simply used up
        its iterations has ``status="max-iter"``.
    status : str
        Why training stopped, one of :data:`STATUSES`.
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
    status: str
    message: str

    def __post_init__(self) -> None:
        _check_status(self)

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
        True only when χ² is stationary: every column of J is orthogonal to the residual to
        within ``tol`` (MINPACK's cosine test), or to within the rounding error of those cosines
        themselves, or the residual is zero. A column of J that is exactly zero (a parameter the
        model ignores, or an underflow) gives ``status="zero-derivative"`` instead.
    status : str
        Why the method stopped, one of :data:`STATUSES`.
    message : str
        Why the method stopped, in words.
    method : str
        The method used.
    nfev, njev : int
        Model and Jacobian evaluations (finite differences count as model evaluations).
    jacobian : ndarray, shape (N, n_params)
        The Jacobian J = ∂f/∂p of the model at ``params``, unweighted (not divided by σ): the
        matrix the covariance was computed from (exact, automatic differentiation, or central
        differences). Like every other ``.jacobian`` in the package, a matrix, not a description.
    jacobian_method : str
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
    status: str
    message: str
    method: str = ""
    nfev: int = 0
    njev: int = 0
    jacobian: NDArray[np.float64] = field(default_factory=lambda: np.empty((0, 0)), repr=False)
    jacobian_method: str = ""

    def __post_init__(self) -> None:
        _check_status(self)


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
        True only when the optimality condition holds, measured relative to the sizes of f and
        x (a root: a negligible residual; a minimum: a negligible gradient and no negative
        curvature seen).
    status : str
        Why the method stopped, one of :data:`STATUSES` ("converged", "max-iter", "stalled",
        "diverged", "saddle", ...). Test on this, not on the wording of ``message``.
    message : str
        Why the method stopped, in words.
    """

    x: Any
    fun: Any
    path: NDArray[np.float64] = field(repr=False)
    nit: int
    converged: bool
    status: str
    message: str

    def __post_init__(self) -> None:
        _check_status(self)
