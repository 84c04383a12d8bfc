"""χ² and non-linear least squares: the problem, one driver, its step rules, the covariance.

A model ``f(x, *params)`` is fitted to data ``(x, y)`` with
uncertainties σ by minimising

.. math:: χ^2(p) = \\sum_i \\left(\\frac{y_i - f(x_i; p)}{σ_i}\\right)^2 ,

whose gradient is :math:`∂χ^2/∂p = -2 J^\\top W r` with residuals :math:`r = y - f`, the Jacobian
:math:`J = ∂f/∂p` and weights :math:`W = \\mathrm{diag}(1/σ^2)`. Three methods are offered:

* ``"steepest-descent"`` — the course's algorithm, :math:`δp = -\\text{aggression} · ∂χ^2/∂p`;
* ``"gauss-newton"`` — :math:`δp = (J^\\top W J)^{-1} J^\\top W r`, halved until χ² falls;
* ``"levenberg-marquardt"`` (the default) — MINPACK's: Gauss–Newton blended with steepest descent
  inside a trust region that adapts to how well the linear model predicts χ², with the
  parameters scaled by the column norms of J; its damped steps also follow the curvature of the
  model (geodesic acceleration, from automatic differentiation).

The three share one driver: the same Jacobians (exact, automatic differentiation, or
differences with steps relative to each parameter), the same evaluation budget, and one
convergence contract: ``converged`` only when χ² is stationary, every column of J orthogonal to
the residual to within ``tol`` (MINPACK's scale-free cosine test) — never because a line search,
a trust region or a budget ran out; those end with another status (:data:`STATUSES
<mvcalc.results.STATUSES>`).

Errors and covariances follow :func:`scipy.optimize.curve_fit`: with ``sigma`` given they are
absolute, :math:`(J^\\top W J)^{-1}`; without, they are scaled by the reduced χ² (χ² / (N − p)).
Both come from the singular value decomposition of J, never from the eigenvalues of JᵀJ
(which square its condition number).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mvcalc._validate import (
    finite_array,
    finite_vector,
    function,
    memory,
    one_of,
    positive_float,
    positive_int,
)
from mvcalc.calculus import difference_jacobian
from mvcalc.regression._common import FloatArray, Model, count_parameters, sigma_vector
from mvcalc.regression.models import (
    KNOWN_JACOBIANS,
    MODEL_ALIASES,
    NAMED_MODELS,
    NamedModel,
    model_from_text,
)
from mvcalc.results import FitResult

__all__ = ["COURSE_AGGRESSION", "JACOBIANS", "METHODS", "chi_squared", "fit"]

METHODS = ("levenberg-marquardt", "gauss-newton", "steepest-descent")

#: The course's fixed step multiplier for steepest descent on the heights' χ² (its assignment's
#: ``aggression = 2000``); ``mvcalc heights`` uses it when no --aggression is given.
COURSE_AGGRESSION = 2000.0


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
    model : callable or str
        ``model(x, *params)`` returning an array shaped like ``y``, or a model by name or as
        maths, as :func:`fit` takes it (``"a*x + b"``: parameters a, b).
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
# Non-linear least squares: the problem (data, weights, model, Jacobians, the evaluation budget)
# ------------------------------------------------------------------------------------------------

_EPS = float(np.finfo(float).eps)
#: The ways of finding ∂f/∂p that ``fit(jac=...)`` accepts by name.
JACOBIANS = ("autodiff", "forward", "central")
_JAC_SIGNATURE = "jac(x, *params), or one of 'autodiff', 'forward', 'central'"


class _Mode(enum.Enum):
    """How the problem finds ∂f/∂p."""

    EXACT = "exact"  # jac given, or a model whose derivatives the project knows
    AUTODIFF = "automatic differentiation"  # forward-mode AD through the model, exact
    FORWARD = "forward differences"  # mvcalc.calculus.difference_jacobian, relative steps
    CENTRAL = "central differences"


class _OutOfBudget(Exception):
    """The next evaluation would exceed the fit's evaluation budget (``max_nfev``)."""


def _named(model: object) -> NamedModel | None:
    """The named model (``"exponential"``) or the model written as maths (``"a*exp(b*x)"``) that
    a string stands for; None for anything else (a callable)."""
    if not isinstance(model, str):
        return None
    if model in MODEL_ALIASES:
        raise ValueError(
            f"model {model!r} is ambiguous here: pass mvcalc.gaussian (the normal density, "
            f"parameters mu, sigma) or '{MODEL_ALIASES[model]}' (area × that density)"
        )
    if model.strip() in NAMED_MODELS:
        return NAMED_MODELS[model.strip()]
    return model_from_text(model)


class _Problem:
    """Data, weights and model of a fit, with weighted residuals and Jacobians.

    Everything is in the weighted form: r = (y − f) / σ and J = (∂f/∂p) / σ, so that
    χ² = r·r, ∂χ²/∂p = −2 Jᵀr and the Gauss–Newton matrix is JᵀJ.

    The Jacobian is found in one of the four :class:`_Mode` s: exact (``jac`` given, or a model
    in :data:`~mvcalc.regression.models.KNOWN_JACOBIANS`), automatic differentiation, or forward
    or central differences (:func:`mvcalc.calculus.difference_jacobian`, relative steps). The
    mode and the events that changed it are plain fields; :meth:`describe` derives the text of
    ``FitResult.jacobian_method`` from them. Every evaluation is charged to a budget: one per
    model evaluation, one per exact or AD Jacobian, and one per model evaluation inside a
    Jacobian by differences.
    """

    def __init__(
        self,
        model: Model,
        x: ArrayLike,
        y: ArrayLike,
        sigma: ArrayLike | None,
        p0: ArrayLike,
        jac: Callable[..., ArrayLike] | str | None,
    ) -> None:
        named = _named(model)
        given = callable(jac)
        written = named is not None and named.name not in NAMED_MODELS  # a formula, as text
        if named is not None:  # a model by name, or written as maths: its exact Jacobian
            model = named.function
            jac = named.jacobian if jac is None else jac
        self.model = function(model, "model", "model(x, *params) or maths text")
        if isinstance(jac, str):
            one_of(jac, JACOBIANS, "jac")
        elif jac is not None:
            function(jac, "jac", _JAC_SIGNATURE)
        self.x = finite_array(x, "x")
        self.y = finite_vector(y, "y")
        if self.x.ndim == 0 or self.x.shape[-1] != self.y.size:
            raise ValueError(
                f"x and y must have the same number of points, got x of shape {self.x.shape} "
                f"and y of length {self.y.size}"
            )
        self.sigma = None if sigma is None else sigma_vector(sigma, self.y.size)
        self.inv_sigma = np.ones(0) if self.sigma is None else 1 / self.sigma
        self.p0 = finite_vector(p0, "p0")
        if named is not None and len(named.parameters) != self.p0.size:
            raise ValueError(
                f"p0 must hold {len(named.parameters)} values, one per parameter of the model "
                f"({', '.join(named.parameters)}), got {self.p0.size}"
            )
        n_params = count_parameters(model)
        if n_params is not None and n_params != self.p0.size:
            raise ValueError(
                f"p0 must hold {n_params} values, one per parameter of the model, "
                f"got {self.p0.size}"
            )
        # the Jacobians and the duals of AD hold a few (N, p) arrays at a time
        memory(8.0 * 8 * self.y.size * (self.p0.size + 1), "this fit's Jacobians")
        self.jac: Callable[..., ArrayLike] | None = None
        self.jac_given = given  # exact because the caller gave jac (else a known model)
        self.exact_source = (
            "jac given" if given
            else "SymPy's derivatives of the formula" if written
            else "known model"
        )  # fmt: skip
        if callable(jac):
            self.mode, self.jac = _Mode.EXACT, jac
        elif jac is None and model in KNOWN_JACOBIANS:
            self.mode, self.jac = _Mode.EXACT, KNOWN_JACOBIANS[model]
        elif jac == "forward":
            self.mode = _Mode.FORWARD
        elif jac == "central":
            self.mode = _Mode.CENTRAL
        else:
            self.mode = _Mode.AUTODIFF
        self.requested = self.mode  # as the fit began
        self.strict_autodiff = jac == "autodiff"  # asked for by name: no silent fallback
        self.ad_failure: str | None = None  # why AD could not follow the model, if it could not
        self.ad_patched = False  # AD gave a non-finite entry somewhere; differences stood in
        self.ad_second_failed = False  # nested AD (for the curvature of the model) failed
        self.central_to_verify = False  # forward differences gave way to central ones at the end
        self.covariance_mode: _Mode | None = None  # when the covariance used another mode
        self.budget = math.inf
        self.spent = 0
        self.nfev = 0
        self.njev = 0
        self._last_f: tuple[FloatArray, FloatArray] = (np.empty(0), np.empty(0))
        self._last_r: tuple[FloatArray, FloatArray] = (np.empty(0), np.empty(0))
        self._last_J: tuple[FloatArray, _Mode | None, FloatArray, FloatArray] = (
            np.empty(0), None, np.empty(0), np.empty(0)
        )  # fmt: skip

    # ---------------------------------------------------------------- evaluations
    def _charge(self, cost: int) -> None:
        if self.spent + cost > self.budget:
            raise _OutOfBudget
        self.spent += cost

    def evaluate(self, p: FloatArray, *, charge: bool = True) -> FloatArray:
        """f(x; p), checked for shape (one evaluation of the budget)."""
        last_p, last_f = self._last_f
        if np.array_equal(last_p, p):
            return last_f
        if charge:
            self._charge(1)
        self.nfev += 1
        with np.errstate(all="ignore"):
            f = np.asarray(self.model(self.x, *p), dtype=np.float64)
        if f.shape != self.y.shape:
            if f.size != self.y.size:
                raise ValueError(
                    f"model must return one value per point, shape {self.y.shape}, got {f.shape}"
                )
            f = f.reshape(self.y.shape)
        self._last_f = (p.copy(), f)
        return f

    def residuals(self, p: FloatArray) -> FloatArray:
        """r = (y − f(x; p)) / σ (the last one is remembered, not recomputed)."""
        last_p, last_r = self._last_r
        if np.array_equal(last_p, p):
            return last_r
        with np.errstate(all="ignore"):
            r = self.y - self.evaluate(p)
            if self.sigma is not None:
                r *= self.inv_sigma
        self._last_r = (p.copy(), r)
        return r

    def weighted(self, J: FloatArray) -> FloatArray:
        """(∂f/∂p) / σ, row by row."""
        if self.sigma is None:
            return J
        with np.errstate(all="ignore"):
            return J * self.inv_sigma[:, None]

    def jacobian(
        self, p: FloatArray, *, mode: _Mode | None = None, charge: bool = True
    ) -> FloatArray:
        """J = (∂f/∂p) / σ, shape (N, n_params), in the problem's mode (or ``mode``)."""
        self.unweighted_jacobian(p, mode=mode, charge=charge)
        return self._last_J[3]  # the weighted form of the one just found (or remembered)

    def unweighted_jacobian(
        self, p: FloatArray, *, mode: _Mode | None = None, charge: bool = True
    ) -> FloatArray:
        """∂f/∂p, shape (N, n_params), in the problem's mode (or ``mode``); the last one is
        remembered, with its weighted form."""
        mode = self.mode if mode is None else mode
        last_p, last_mode, last_J, _ = self._last_J
        if last_mode is mode and np.array_equal(last_p, p):
            return last_J
        n = p.size
        with np.errstate(all="ignore"):
            if mode is _Mode.EXACT:
                assert self.jac is not None
                if charge:
                    self._charge(1)
                J = np.asarray(self.jac(self.x, *p), dtype=np.float64)
                if J.shape != (self.y.size, n):
                    raise ValueError(
                        f"jac must return shape (N, n_params) = ({self.y.size}, {n}), got {J.shape}"
                    )
            elif mode is _Mode.AUTODIFF:
                J_ad = self._autodiff(p, charge=charge)
                if J_ad is None:  # AD cannot follow the model: differences from now on
                    return self.unweighted_jacobian(p, charge=charge)
                J = J_ad
                if not np.all(np.isfinite(J)) and np.all(np.isfinite(self.evaluate(p))):
                    # e.g. d(x**b)/db = x**b·log x at x = 0 is 0·(−∞) to AD, 0 in the limit
                    J = self._differences(p, _Mode.FORWARD, charge=charge)
                    self.ad_patched = True
            else:
                J = self._differences(p, mode, charge=charge)
        self.njev += 1
        self._last_J = (p.copy(), mode, J, self.weighted(J))
        return J

    def _autodiff(self, p: FloatArray, *, charge: bool, quiet: bool = False) -> FloatArray | None:
        """∂f/∂p by forward-mode AD (one evaluation of the budget), or None if AD cannot
        follow the model — then the problem switches to forward differences (unless
        ``quiet``)."""
        from mvcalc.autodiff import jacobian

        if charge:
            self._charge(1)
        self.nfev += 1
        try:
            with np.errstate(all="ignore"):
                J = np.asarray(jacobian(lambda q: self.model(self.x, *q), mode="forward")(p),
                               dtype=np.float64)  # fmt: skip
        except (TypeError, ValueError, AttributeError) as exc:
            if self.strict_autodiff:
                raise ValueError(
                    f"jac='autodiff': automatic differentiation cannot follow the model ({exc})"
                ) from exc
            self.ad_failure = str(exc)
            if not quiet:
                self.mode = _Mode.FORWARD
            return None
        return J.reshape(self.y.size, p.size)

    def second_derivative(self, p: FloatArray, v: FloatArray) -> FloatArray | None:
        """∂²f/∂t² of f(p + t v) at t = 0, weighted by 1/σ, exactly by nested forward-mode AD
        (one evaluation of the budget); None where AD cannot follow the model, or when the
        Jacobian is by differences (the fit is then MINPACK's, without curvature)."""
        if self.mode in (_Mode.FORWARD, _Mode.CENTRAL) or self.ad_second_failed:
            return None
        from mvcalc.autodiff import jacobian

        self._charge(1)
        self.nfev += 1
        try:
            with np.errstate(all="ignore"):
                f = lambda t: self.model(self.x, *(p + t * v))  # noqa: E731
                curve = jacobian(jacobian(f, mode="forward"), mode="forward")
                k = np.asarray(curve(0.0), dtype=np.float64).reshape(self.y.shape)
        except (TypeError, ValueError):
            self.ad_second_failed = True
            return None
        return k if self.sigma is None else k * self.inv_sigma

    def _differences(self, p: FloatArray, mode: _Mode, *, charge: bool) -> FloatArray:
        """∂f/∂p by :func:`mvcalc.calculus.difference_jacobian` (relative steps)."""
        n = p.size
        method = "forward" if mode is _Mode.FORWARD else "central"
        if charge:
            self._charge(n if method == "forward" else 2 * n)
        f0 = self.evaluate(p, charge=False) if method == "forward" else None
        return difference_jacobian(
            lambda q: self.evaluate(q, charge=False), p, method=method, f0=f0
        ).reshape(self.y.size, n)

    def covariance_jacobian(self, p: FloatArray) -> FloatArray:
        """The most accurate ∂f/∂p available at p, unweighted: exact, AD, or else central
        differences (not charged to the budget, which bounds the iterations)."""
        if self.mode in (_Mode.EXACT, _Mode.AUTODIFF):
            return self.unweighted_jacobian(p, charge=False)
        if self.ad_failure is None:
            J = self._autodiff(p, charge=False, quiet=True)
            if J is not None and np.all(np.isfinite(J)):
                self.njev += 1
                self.covariance_mode = _Mode.AUTODIFF
                return J
        self.covariance_mode = _Mode.CENTRAL
        return self.unweighted_jacobian(p, mode=_Mode.CENTRAL, charge=False)

    def switch_to_central(self) -> None:
        """Central differences from now on (forward ones cannot resolve the optimality test)."""
        if self.mode is _Mode.FORWARD:
            self.mode = _Mode.CENTRAL
            self.central_to_verify = True

    def describe(self) -> str:
        """How ∂f/∂p was found, for ``FitResult.jacobian_method`` (derived from the fields)."""
        if self.requested is _Mode.EXACT:
            text = f"exact ({self.exact_source})"
        elif self.requested is _Mode.AUTODIFF and self.ad_failure is not None:
            text = f"forward differences (automatic differentiation failed: {self.ad_failure})"
        else:
            text = self.requested.value
        if self.central_to_verify:
            text += " (central ones near the solution, to verify the optimality test)"
        if self.ad_patched:
            text += " (forward differences where it was not finite)"
        if self.covariance_mode is not None:
            text += f"; {self.covariance_mode.value} for the covariance"
        return text


# ------------------------------------------------------------------------------------------------
# Stationarity: MINPACK's cosine test, and the rounding level of the cosines
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stationarity:
    """How far χ² is from stationary at a point, measured scale-free.

    ``cosines[j]`` is the cosine of the angle between column j of J and the residual,
    |J_jᵀ r| / (‖J_j‖ ‖r‖) (MINPACK's ``gtol`` test): zero at a stationary point, and unchanged
    by any rescaling of the parameters or of the data. ``floor[j]`` is the size the cosine can
    have from rounding alone (see :func:`_rounding_floor`). A column that is exactly zero has
    no direction: ∂f/∂p_j underflowed, or the model ignores p_j; no cosine can be computed for
    it, so such a point is never called stationary (the fit reports "zero-derivative").
    """

    cosines: FloatArray
    floor: FloatArray
    zero_columns: NDArray[np.bool_]
    tol: float
    zero_residual: bool
    norms: FloatArray  # ‖J_j‖, for the caller's scaling

    def __post_init__(self) -> None:
        largest = float(np.max(self.cosines)) if self.cosines.size else 0.0
        # every cosine that can be computed is within tol (or its rounding level)
        within = bool(np.all(self.cosines <= np.maximum(self.tol, self.floor)))
        stationary = self.zero_residual or (within and not np.any(self.zero_columns))
        object.__setattr__(self, "largest", largest)
        object.__setattr__(self, "within", within)
        object.__setattr__(self, "stationary", stationary)
        # stationary only because the cosines are within their rounding level
        by_rounding = stationary and not self.zero_residual and largest > self.tol
        object.__setattr__(self, "by_rounding", by_rounding)

    largest: float = field(init=False)
    within: bool = field(init=False)
    stationary: bool = field(init=False)
    by_rounding: bool = field(init=False)

    def describe(self) -> str:
        if self.zero_residual:
            return "the residual is zero"
        if np.any(self.zero_columns):
            which = ", ".join(f"p[{j}]" for j in np.flatnonzero(self.zero_columns))
            return (
                f"∂f/∂p is exactly zero for {which} (underflow, or a parameter the model "
                f"ignores), so stationarity cannot be verified"
            )
        if self.by_rounding:
            return (
                f"χ² is stationary to rounding: the largest cosine between a column of J and the "
                f"residual, {self.largest:.2g}, is within its rounding level "
                f"{float(np.max(self.floor)):.2g}"
            )
        relation = "≤" if self.stationary else ">"
        return (
            f"the largest cosine between a column of J and the residual is {self.largest:.2g} "
            f"{relation} tol = {self.tol:.2g}"
        )


def _length(r: FloatArray) -> float:
    """‖r‖: the plain root of the sum of squares where it neither underflows nor overflows."""
    squares = float(r @ r)
    if 1e-290 < squares < 1e290:
        return math.sqrt(squares)
    return float(_norms(r))


def _norms(A: FloatArray) -> FloatArray:
    """The Euclidean norm of each column (of a vector, if 1-D), without underflow or overflow
    in the squares: a column with entries beyond 1e±150 is divided by its largest entry first."""
    big = np.max(np.abs(A), axis=0)
    if np.all((big > 1e-150) & (big < 1e150)):  # the squares are safe: the plain sum
        return np.asarray(np.sqrt(np.einsum("i...,i...->...", A, A)))
    safe = np.where(big > 0, big, 1.0)
    return np.asarray(big * np.sqrt(np.sum((A / safe) ** 2, axis=0)))


def _stationarity(problem: _Problem, p: FloatArray, r: FloatArray, J: FloatArray,
                  tol: float) -> _Stationarity:  # fmt: skip
    rnorm = _length(r)
    norms = _norms(J)
    zero_columns = norms == 0
    if rnorm == 0:
        zeros = np.zeros(p.size)
        return _Stationarity(zeros, zeros, zero_columns, tol, True, norms)
    if np.all((norms > 1e-150) & (norms < 1e150)) and 1e-150 < rnorm < 1e150:
        cosines = np.abs(J.T @ r) / (norms * rnorm)
    else:  # from unit vectors, so that tiny or huge entries neither underflow nor overflow
        big = np.max(np.abs(J), axis=0)
        units = J / np.where(big > 0, big, 1.0)
        unit_norms = _norms(units)
        safe = np.where(unit_norms > 0, unit_norms, 1.0)
        cosines = np.where(zero_columns, 0.0, np.abs(units.T @ (r / rnorm)) / safe)
    # The floor matters only where a cosine exceeds tol, and it is at most 2 max(u) / ‖r‖:
    # computed in full only when some cosine lies between the two.
    if np.all(cosines <= tol):
        floor = np.zeros(p.size)
    else:
        u = _residual_rounding(problem, p, r, J)
        bound = 2 * float(np.max(u)) / rnorm
        if np.any((cosines > tol) & (cosines <= bound)):
            floor = _rounding_floor(problem, p, r, J, u)
        else:
            floor = np.full(p.size, bound)  # an upper bound on it, and below the cosines
    return _Stationarity(cosines, floor, zero_columns, tol, False, norms)


def _rounding_floor(
    problem: _Problem, p: FloatArray, r: FloatArray, J: FloatArray, u: FloatArray | None = None
) -> FloatArray:
    """The rounding level of the cosines: 2 √(Σᵢ J_ij² uᵢ²) / (‖J_j‖ ‖r‖), uᵢ the size of the
    rounding error in rᵢ.

    The cosine |J_jᵀ r| / (‖J_j‖‖r‖) is computed from a residual that carries rounding error,
    r̂ = r + e, so at a true stationary point (J_jᵀr = 0) it is |J_jᵀ e| / (‖J_j‖‖r‖), not 0.
    The error in rᵢ = (yᵢ − fᵢ)/σᵢ is a few units of ε = 2⁻⁵² times

    * |fᵢ|/σᵢ ≤ |yᵢ|/σᵢ + |rᵢ|, for the rounding of the model's value (and |rᵢ| for the
      subtraction and the division by σᵢ);
    * Σ_k |J_ik p_k|: the parameters are floats, stored to within ε|p_k|, which moves fᵢ by up
      to ε Σ_k |J_ik p_k| — and the same sum measures how much the model's intermediate results
      (a·exp(−b·x) + c with a ≈ −c, exp(b/x), x**b, ...) amplify their own rounding, since each
      is a function of the p_k.

    So uᵢ = ε (|yᵢ|/σᵢ + |rᵢ| + Σ_k |J_ik||p_k|), counting each source as one full rounding. The
    eᵢ have either sign, so J_jᵀe, a sum of N of them, is about its root-sum-square
    √(Σᵢ J_ij² uᵢ²); the factor 2 covers the spread of such a sum. (The bound for errors all
    aligned with J_j, Σᵢ |J_ij| uᵢ, is up to √N larger: it would call points stationary whose
    gradient is measurably not zero.)

    The floor is far below ``tol`` unless the residual itself is at the rounding level of the
    model's values — data the model fits to 13 digits, as NIST's Lanczos1 — where no cosine can
    be computed better. ``tests/test_regression.py`` checks it both ways: at exact minimisers of
    linear problems (exact rational arithmetic) the computed cosines are below it, at points
    displaced by more than rounding they are far above it, and where a fit claims stationarity
    by it, the cosines recomputed from 50-digit residuals are within the rounding actually
    present.
    """
    if u is None:
        u = _residual_rounding(problem, p, r, J)
    big = np.max(np.abs(J), axis=0)
    units = J / np.where(big > 0, big, 1.0)  # columns scaled to avoid underflow
    norms = _norms(units)
    spread = _norms(units * u[:, None])  # √(Σᵢ J_ij² uᵢ²), in the same scaling
    return np.asarray(2 * spread / (np.where(norms > 0, norms, 1.0) * float(_norms(r))))


def _residual_rounding(
    problem: _Problem, p: FloatArray, r: FloatArray, J: FloatArray
) -> FloatArray:
    """uᵢ, the size of the rounding error in each weighted residual (see _rounding_floor)."""
    y = np.abs(problem.y) if problem.sigma is None else np.abs(problem.y) * problem.inv_sigma
    return np.asarray(_EPS * (y + np.abs(r) + np.abs(J) @ np.abs(p)))


# ------------------------------------------------------------------------------------------------
# The scaled linear model at a point: SVD of J·D⁻¹, the Gauss–Newton and Levenberg–Marquardt steps
# ------------------------------------------------------------------------------------------------


class _LinearModel:
    """The least-squares model ‖r − J δ‖² at a point, in scaled variables z = D δ.

    D holds the running maximum of the column norms of J (MINPACK's ``diag``, mode 1), so the
    steps do not depend on the units of the parameters. With J D⁻¹ = U S Vᵀ and c = Uᵀ r, the
    damped step min ‖r − J D⁻¹ z‖² + λ‖z‖² is z(λ) = V diag(s / (s² + λ)) c, and the Gauss–Newton
    step (λ = 0) drops singular values below ε·max(N, p)·s₁, as a pseudo-inverse does.
    """

    def __init__(self, J: FloatArray, D: FloatArray, r: FloatArray) -> None:
        self.D = D
        self.U, self.s, self.Vt = np.linalg.svd(J / D, full_matrices=False)
        self.c = self.U.T @ r
        cutoff = self.s[0] * _EPS * max(J.shape)
        self.kept = self.s > cutoff if self.s[0] > 0 else np.zeros(self.s.size, dtype=bool)
        coef = np.zeros_like(self.s)
        coef[self.kept] = self.c[self.kept] / self.s[self.kept]
        self.gauss_newton = self.Vt.T @ coef  # scaled: the step in p is gauss_newton / D
        self.gradient_norm = float(np.linalg.norm(self.s * self.c))  # ‖(J D⁻¹)ᵀ r‖

    def damped(self, lam: float) -> FloatArray:
        """The coefficients (in V's basis) of z(λ)."""
        if lam == 0:
            coef = np.zeros_like(self.s)
            coef[self.kept] = self.c[self.kept] / self.s[self.kept]
            return coef
        return self.s * self.c / (self.s**2 + lam)

    def levenberg_marquardt(self, delta: float, lam: float) -> tuple[float, FloatArray]:
        """λ ≥ 0 with ‖z(λ)‖ within 10 % of the trust radius Δ (or λ = 0 if the Gauss–Newton step
        fits), and the coefficients of z(λ) — MINPACK's ``lmpar``, on the SVD.

        ‖z(λ)‖ falls monotonically with λ; Newton's method on 1/‖z(λ)‖ − 1/Δ (Hebden, Moré),
        kept inside a bracket [lo, hi] that shrinks, finds λ in a few steps.
        """
        coef = self.damped(0.0)
        norm = float(np.linalg.norm(coef))
        if norm <= 1.1 * delta:
            return 0.0, coef
        s2 = self.s**2
        # ‖z(λ)‖ ≤ ‖(JD⁻¹)ᵀr‖ / λ, so λ = ‖(JD⁻¹)ᵀr‖ / Δ is large enough
        hi = self.gradient_norm / delta
        lo = 0.0
        if np.all(self.kept):  # full rank: a Newton step from λ = 0 undershoots (convexity)
            slope0 = float(np.sum(coef**2 / s2)) / norm  # −d‖z‖/dλ at λ = 0
            lo = (norm - delta) / slope0 if slope0 > 0 else 0.0
        lam = min(max(lam, lo), hi)
        for _ in range(30):
            if lam <= 0:
                lam = max(1e-3 * hi, np.finfo(float).tiny)
            coef = self.s * self.c / (s2 + lam)
            norm = float(np.linalg.norm(coef))
            phi = norm - delta
            if abs(phi) <= 0.1 * delta or norm == 0:
                break
            if phi > 0:
                lo = max(lo, lam)
            else:
                hi = min(hi, lam)
            slope = float(np.sum(coef**2 / (s2 + lam))) / norm  # −d‖z‖/dλ
            lam = lam + (phi / slope) * (norm / delta) if slope > 0 else hi
            if not lo < lam < hi:  # Newton left the bracket: bisect (geometrically, if we can)
                lam = math.sqrt(lo * hi) if lo > 0 else (lo + hi) / 2
        return lam, coef

    def step(self, coef: FloatArray) -> FloatArray:
        """The step in the parameters, δ = D⁻¹ V coef."""
        return np.asarray(self.Vt.T @ coef / self.D)

    def predicted_norm(self, coef: FloatArray) -> float:
        """‖J δ‖ for the step with these coefficients."""
        return float(np.linalg.norm(self.s * coef))


# ------------------------------------------------------------------------------------------------
# Step rules: each takes one accepted step from a point, or says why it cannot
# ------------------------------------------------------------------------------------------------


@dataclass
class _Point:
    p: FloatArray
    r: FloatArray
    chi2: float


@dataclass
class _Step:
    """What a step rule did: ``point`` is the new iterate (None if there is none), ``status`` is
    "" for an accepted step, else "stalled", "non-finite" or "diverged", with ``message``."""

    point: _Point | None
    status: str = ""
    message: str = ""
    negligible: bool = False  # accepted, but χ² fell by no more than its rounding


def _evaluate(problem: _Problem, p: FloatArray) -> _Point:
    r = problem.residuals(p)
    with np.errstate(over="ignore", invalid="ignore"):
        chi2 = float(r @ r)
    return _Point(p, r, chi2)


def _finite(point: _Point) -> bool:
    return math.isfinite(point.chi2) and bool(np.isfinite(point.p).all())


class _LevenbergMarquardt:
    """MINPACK's Levenberg–Marquardt (``lmder``): a trust region of radius Δ in the scaled
    variables z = Dδ; each trial solves the damped problem for the λ that fits the region, and
    the region grows or shrinks by how well the linear model predicted the fall of χ²."""

    FACTOR = 100.0  # the first radius, relative to ‖D p0‖ (MINPACK's default)

    def __init__(self) -> None:
        self.delta: float | None = None
        self.lam = 0.0

    def reset(self) -> None:
        self.delta, self.lam = None, 0.0

    def step(self, problem: _Problem, here: _Point, model: _LinearModel) -> _Step:
        fnorm = _length(here.r)  # ‖r‖ without underflow in the squares
        xnorm = float(np.linalg.norm(model.D * here.p))
        first = self.delta is None
        if self.delta is None:
            self.delta = self.FACTOR * xnorm if xnorm > 0 else self.FACTOR
        while True:
            self.lam, coef = model.levenberg_marquardt(self.delta, self.lam)
            pnorm = float(np.linalg.norm(coef))
            if first:
                self.delta = min(self.delta, pnorm)
            total = coef
            if self.lam > 0:  # a damped step: let it follow the model's curvature
                total = coef + 0.5 * self._acceleration(problem, here, model, coef, pnorm)
            trial = _evaluate(problem, here.p + model.step(total))
            fnorm1 = _length(trial.r) if _finite(trial) else math.inf
            # relative actual and predicted falls of χ², as MINPACK scales them
            actred = 1 - (fnorm1 / fnorm) ** 2 if 0.1 * fnorm1 < fnorm else -1.0
            t1 = model.predicted_norm(coef) / fnorm
            t2 = math.sqrt(self.lam) * pnorm / fnorm
            prered = t1 * t1 + 2 * t2 * t2
            dirder = -(t1 * t1 + t2 * t2)
            ratio = actred / prered if prered > 0 else 0.0
            if ratio <= 0.25:  # poor agreement: shrink the region
                shrink = 0.5 if actred >= 0 else 0.5 * dirder / (dirder + 0.5 * actred)
                if 0.1 * fnorm1 >= fnorm or shrink < 0.1:
                    shrink = 0.1
                self.delta = shrink * min(self.delta, pnorm / 0.1)
                self.lam /= shrink
            elif self.lam == 0 or ratio >= 0.75:  # good agreement: let it grow
                self.delta = pnorm / 0.5
                self.lam /= 2
            if ratio >= 1e-4 and _finite(trial) and fnorm1 < fnorm:
                negligible = abs(actred) <= _EPS and prered <= _EPS
                return _Step(trial, negligible=negligible)
            # no measurable fall is possible: the region is at the rounding level of p, or the
            # predicted and actual falls are at the rounding level of χ²
            if self.delta <= _EPS * xnorm:
                return _Step(None, "stalled", "no step lowers χ² (the trust region shrank to "
                             "the rounding level of the parameters)")  # fmt: skip
            if abs(actred) <= _EPS and prered <= _EPS:
                return _Step(None, "stalled", "no step lowers χ² (the falls it predicts are "
                             "below the rounding level of χ²)")  # fmt: skip

    def _acceleration(
        self, problem: _Problem, here: _Point, model: _LinearModel, coef: FloatArray, pnorm: float
    ) -> FloatArray:
        """Geodesic acceleration (Transtrum and Sethna): the second-order correction a to the
        step v, in the coefficients of V, or zeros when it is not available or not small.

        Along δ = v + a/2 the residual is r − Jδ − ½ k, k = ∂²f/∂t² of f(p + t v) at t = 0;
        a minimises ‖J a + k‖² + λ‖D a‖², with the same damping as v. It bends the step along a
        curved valley, where the linear model alone would allow only short steps. k comes
        exactly from nested forward-mode AD (no differences); it is used only when
        2‖D a‖ ≤ 0.75 ‖D v‖, where the second-order expansion can be trusted.
        """
        zeros = np.zeros_like(coef)
        k = problem.second_derivative(here.p, model.step(coef))
        if k is None or not np.all(np.isfinite(k)):
            return zeros
        uk = model.U.T @ k
        acc = -model.s * uk / (model.s**2 + self.lam)
        return acc if 2 * float(np.linalg.norm(acc)) <= 0.75 * pnorm else zeros


class _GaussNewton:
    """Gauss–Newton, δ = J⁺ r (the least-squares solution of J δ = r, by the SVD), halved until
    χ² falls."""

    def reset(self) -> None:
        pass

    def step(self, problem: _Problem, here: _Point, model: _LinearModel) -> _Step:
        z = model.gauss_newton
        xnorm = float(np.linalg.norm(model.D * here.p))
        t = 1.0
        for _ in range(60):  # 2⁻⁶⁰ is below the rounding level of any step
            if t * float(np.linalg.norm(z)) <= _EPS * xnorm:
                break
            trial = _evaluate(problem, here.p + t * z / model.D)
            if _finite(trial) and trial.chi2 < here.chi2:
                return _Step(trial, negligible=here.chi2 - trial.chi2 <= _EPS * here.chi2)
            t /= 2
        return _Step(None, "stalled", "no Gauss–Newton step lowers χ², even halved down to the "
                     "rounding level of the parameters")  # fmt: skip


class _SteepestDescent:
    """The course's steepest descent: δp = −aggression · ∂χ²/∂p, with ∂χ²/∂p = −2 Jᵀr.

    With a fixed aggression every step is taken as it is (the course's algorithm); without one,
    the aggression adapts: it doubles after a step that lowers χ², and halves until one does.
    """

    def __init__(self, aggression: float | None) -> None:
        self.fixed = aggression is not None
        self.aggression = aggression

    def reset(self) -> None:
        pass

    def step(self, problem: _Problem, here: _Point, J: FloatArray) -> _Step:
        grad = -2 * J.T @ here.r  # ∂χ²/∂p = −2 Jᵀ r
        if self.aggression is None:  # 1 / trace of the Hessian ≈ 1 / (2 tr JᵀJ): a safe start
            self.aggression = 1 / max(2 * float(np.sum(J * J)), np.finfo(float).tiny)
        if self.fixed:
            trial = _evaluate(problem, here.p - self.aggression * grad)  # δp = −aggression ∂χ²/∂p
            if not _finite(trial):
                return _Step(None, "non-finite", "χ² or the parameters became non-finite "
                             "(aggression too large?)")  # fmt: skip
            return _Step(trial)
        xnorm = float(np.linalg.norm(here.p))
        for _ in range(2100):  # from the largest float to the smallest, at worst
            if self.aggression * float(np.linalg.norm(grad)) <= _EPS * xnorm:
                break
            trial = _evaluate(problem, here.p - self.aggression * grad)
            if _finite(trial) and trial.chi2 < here.chi2:
                self.aggression *= 2
                return _Step(trial, negligible=here.chi2 - trial.chi2 <= _EPS * here.chi2)
            self.aggression /= 2
        return _Step(None, "stalled", "no step along the gradient lowers χ², even one at the "
                     "rounding level of the parameters")  # fmt: skip


# ------------------------------------------------------------------------------------------------
# The driver, shared by the three methods
# ------------------------------------------------------------------------------------------------

#: χ² this many times its starting value counts as growing without bound ("diverged").
_CHI2_GROWTH_LIMIT = 1e12


@dataclass
class _Outcome:
    path: list[FloatArray]
    status: str
    message: str


def _iterate(
    problem: _Problem,
    method: str,
    aggression: float | None,
    tol: float,
    xtol: float,
    max_iter: int | None,
) -> _Outcome:
    """Steps of ``method`` from p0 until χ² is stationary, no step lowers it, or a limit.

    After every accepted step: J at the new point, then the tests, in order — stationary
    (every cosine ≤ tol, or within its rounding level, or r = 0) *and* settled (the
    Gauss–Newton step is below ``xtol`` relative to the parameters, in the scaled norm, so that
    the parameters are as accurate as the data allow) → "converged"; the iteration limit →
    "max-iter"; then the step rule, which may report "stalled" (no step lowers χ²: converged
    only if the point is stationary), "non-finite" or "diverged". The evaluation budget is
    checked before every evaluation ("max-iter").
    """
    here = _evaluate(problem, problem.p0)
    start_chi2 = here.chi2
    path = [here.p.copy()]
    rule: _LevenbergMarquardt | _GaussNewton | _SteepestDescent
    if method == "levenberg-marquardt":
        rule = _LevenbergMarquardt()
    elif method == "gauss-newton":
        rule = _GaussNewton()
    else:
        rule = _SteepestDescent(aggression)
    D: FloatArray | None = None
    negligible_before = False
    polished = 0
    try:
        while True:
            J = problem.jacobian(here.p)
            if not np.all(np.isfinite(J)):
                return _Outcome(path, "non-finite", "stopped: the Jacobian is not finite at the "
                                "last parameters")  # fmt: skip
            test = _stationarity(problem, here.p, here.r, J, tol)
            if test.zero_residual:
                return _Outcome(path, "converged", f"converged: {test.describe()}")
            if np.all(test.zero_columns):
                return _Outcome(path, "zero-derivative", f"stopped: {test.describe()}; no step")
            norms = test.norms
            D = np.where(norms > 0, norms, 1.0) if D is None else np.maximum(D, norms)
            model = _LinearModel(J, D, here.r)
            settled = method == "steepest-descent" or _settled(model, here.p, xtol)
            if test.within and settled and np.any(test.zero_columns):
                return _Outcome(path, "zero-derivative", f"stopped: {test.describe()}")
            if test.stationary and settled:
                if problem.mode is _Mode.FORWARD:
                    confirmed = _confirm(problem, here, tol, rule)
                    if confirmed is None:  # differences too coarse to tell: on, with central
                        negligible_before, polished = False, 0
                        continue
                    test = confirmed
                return _Outcome(path, "converged", f"converged: {test.describe()}")
            if max_iter is not None and len(path) - 1 >= max_iter:
                return _Outcome(path, "max-iter", f"stopped: reached max_iter = {max_iter} "
                                f"iterations; {test.describe()}")  # fmt: skip
            if negligible_before:
                taken = _Step(None, "stalled", "χ² fell by no more than its rounding error")
            elif isinstance(rule, _SteepestDescent):
                taken = rule.step(problem, here, J)
            else:
                taken = rule.step(problem, here, model)
            negligible_before = taken.negligible
            if taken.status == "stalled" and polished < 3 and method != "steepest-descent":
                polish = _polish(problem, here, J, model, test)
                if polish is not None:  # the Gauss–Newton step, trusted below χ²'s rounding
                    polished += 1
                    here = polish
                    path.append(here.p.copy())
                    continue
            if taken.status == "stalled":
                if problem.mode is _Mode.FORWARD:
                    confirmed = _confirm(problem, here, tol, rule)
                    if confirmed is None:  # on, with central differences and a fresh start
                        negligible_before, polished = False, 0
                        continue
                    test = confirmed
                if test.stationary:  # nothing lowers χ², and it is stationary: a minimum
                    return _Outcome(path, "converged", f"converged: {test.describe()}")
                if test.within:  # stationary but for columns of zeros
                    return _Outcome(path, "zero-derivative", f"stopped: {test.describe()}")
                return _Outcome(path, "stalled", f"stalled: {taken.message}, yet "
                                f"{test.describe()}")  # fmt: skip
            if taken.point is None:
                return _Outcome(path, taken.status, f"stopped: {taken.message}")
            if taken.point.chi2 > _CHI2_GROWTH_LIMIT * max(start_chi2, np.finfo(float).tiny):
                return _Outcome(path, "diverged", "stopped: χ² is growing without bound "
                                "(aggression too large?)")  # fmt: skip
            here = taken.point
            path.append(here.p.copy())
    except _OutOfBudget:
        return _Outcome(path, "max-iter", f"stopped: used the budget of max_nfev = "
                        f"{problem.budget:g} evaluations")  # fmt: skip


def _polish(
    problem: _Problem, here: _Point, J: FloatArray, model: _LinearModel, test: _Stationarity
) -> _Point | None:
    """The Gauss–Newton step from a point where the step rule stalled, if the fall of χ² it
    predicts is below the rounding level of χ² itself — None otherwise.

    Near a minimum a step lowers χ² by about ‖Pr‖² (P projects onto the range of J), while the
    computed χ² is uncertain by up to 4 Σ |rᵢ| uᵢ. Once the first is below the second, no step
    can be *seen* to lower χ² and a trust region or a line search shrinks to nothing, although
    the gradient, computed far more accurately, is not yet zero (the cosines can be ~√ε where
    their own rounding level is ~ε). The linear model is then exact to well within rounding, so
    its minimiser is taken on trust: accepted if χ² does not rise by more than its rounding.
    """
    z = model.gauss_newton
    if not np.any(z):
        return None
    u = _residual_rounding(problem, here.p, here.r, J)
    noise = 4 * float(np.abs(here.r) @ u) + _EPS * here.chi2  # generous: every error aligned
    # the fall the linear model predicts, and (for directions the pseudo-inverse dropped) the
    # fall along the best single column, cos²·χ²: both must be below χ²'s rounding
    predicted = max(float(np.sum(model.c[model.kept] ** 2)), test.largest**2 * here.chi2)
    if predicted > 4 * noise:  # a measurable fall was predicted and did not happen
        return None
    trial = _evaluate(problem, here.p + z / model.D)
    return trial if _finite(trial) and trial.chi2 <= here.chi2 + 2 * noise else None


def _settled(model: _LinearModel, p: FloatArray, xtol: float) -> bool:
    """Whether the Gauss–Newton step from p is below ``xtol`` relative to p, in the scaled norm
    ‖D·‖ (MINPACK's ``xtol`` measure): the parameters are then as accurate as one more step
    could make them."""
    step = float(np.linalg.norm(model.gauss_newton))
    return step <= xtol * float(np.linalg.norm(model.D * p)) or step == 0


def _confirm(
    problem: _Problem,
    here: _Point,
    tol: float,
    rule: _LevenbergMarquardt | _GaussNewton | _SteepestDescent,
) -> _Stationarity | None:
    """The stationarity test again, with central differences, where forward ones said stop.

    A forward difference errs by about √ε relative — as much as ``tol`` itself — so its cosines
    cannot be trusted to decide. Central differences err by about ε^(2/3). From here on the
    iteration uses them (the step rule restarts); the test is returned if they confirm it,
    None if not.
    """
    J = problem.jacobian(here.p, mode=_Mode.CENTRAL)
    problem.switch_to_central()
    rule.reset()
    central = _stationarity(problem, here.p, here.r, J, tol)
    return central if central.stationary else None


# ------------------------------------------------------------------------------------------------
# fit
# ------------------------------------------------------------------------------------------------


def fit(
    model: Model,
    x: ArrayLike,
    y: ArrayLike,
    p0: ArrayLike,
    *,
    sigma: ArrayLike | None = None,
    method: str = "levenberg-marquardt",
    jac: Callable[..., ArrayLike] | str | None = None,
    aggression: float | None = None,
    tol: float = 1.49012e-8,
    xtol: float = 1.49012e-8,
    max_iter: int | None = None,
    max_nfev: int | None = None,
) -> FitResult:
    """Fit ``model(x, *params)`` to data by minimising χ².

    Parameters
    ----------
    model : callable or str
        ``model(x, *params)`` returning one value per point, as in
        :func:`scipy.optimize.curve_fit`; or the name of a model of ``mvcalc fit``
        (:data:`~mvcalc.regression.NAMED_MODELS`: ``"line"``, ``"exponential"``, ``"poly2"``,
        ``"scaled-gaussian"``); or a formula in x, such as ``"a*exp(-b*x) + c"``, read by the
        safe parser, whose other names are the parameters in alphabetical order
        (:func:`~mvcalc.regression.model_from_text`). Named and written models come with their
        exact Jacobian.
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
    jac : callable or {"autodiff", "forward", "central"}, optional
        How ∂f/∂p is found. A callable ``jac(x, *params)`` returns it, shape (N, p). When
        omitted: the exact derivatives for models the project knows (:func:`gaussian`, the
        named models; recognised by the function object itself, so a wrapper such as
        ``lambda x, m, s: mc.gaussian(x, m, s)`` is not recognised and gets automatic
        differentiation, which is exact too), else automatic differentiation through the model
        (forward mode,
        :mod:`mvcalc.autodiff`: exact, and the cost of a few model evaluations), falling back to
        forward differences if the model uses an operation AD cannot follow. ``"autodiff"``
        insists on AD (ValueError if it cannot follow the model); ``"forward"`` and
        ``"central"`` choose differences (:func:`mvcalc.calculus.difference_jacobian`, steps
        relative to each parameter). Forward differences are checked with central ones before
        convergence is claimed. ``FitResult.jacobian_method`` says what was used.
    aggression : float, optional
        Steepest descent only: the fixed step multiplier of δp = −aggression · ∂χ²/∂p (the
        course uses 2000 on the heights). When omitted, the step adapts (it doubles after a step
        that lowers χ² and halves until one does).
    tol : float, optional
        The optimality tolerance: converged when the cosine of the angle between every column
        of J and the residual is at most ``tol`` (MINPACK's ``gtol`` test; scale-free), or the
        residual is zero.
    xtol : float, optional
        Levenberg–Marquardt and Gauss–Newton iterate on, after the cosines pass, until the
        Gauss–Newton step is below ``xtol`` relative to the parameters (in the scaled norm of
        MINPACK's ``xtol``), so that the parameters are as accurate as the data allow.
    max_iter : int, optional
        A limit on the iterations (accepted steps); none by default.
    max_nfev : int, optional
        The evaluation budget: model evaluations, where a Jacobian by differences counts its
        evaluations and an exact or AD Jacobian counts as one. Default 200·(p + 1), as MINPACK's
        ``lmdif`` (steepest descent, which needs many small steps, may need more).

    Returns
    -------
    FitResult
        ``params``, ``errors``, ``covariance``, ``chi2``, ``path`` (every iterate, ``path[0]`` is
        ``p0``), ``nit``, ``converged``, ``status`` (one of :data:`mvcalc.results.STATUSES`),
        ``message``, ``nfev``, ``njev``, ``jacobian`` (∂f/∂p at ``params``, shape (N, p),
        unweighted: the matrix the covariance was computed from) and ``jacobian_method`` (how
        it was found).

    Notes
    -----
    ``converged`` is True only when χ² is stationary: every cosine is at most ``tol``, or at
    the level of its own rounding error (a residual at the rounding level of the model's values,
    where no cosine can be computed more accurately), or the residual is zero. Otherwise the
    status says why the fit stopped: ``"stalled"`` (no step lowers χ², yet the gradient is not
    zero), ``"max-iter"`` (``max_iter`` or ``max_nfev`` ran out), ``"non-finite"``,
    ``"diverged"`` or ``"zero-derivative"`` (a column of J is exactly zero — underflow, or a
    parameter the model ignores — so no cosine can be computed for it). Iterations never return
    NaN: the fit stops at the last finite iterate.

    Levenberg–Marquardt is MINPACK's ``lmder`` (trust region, ``diag`` scaling by the running
    maximum of the column norms of J), solved on the SVD of the scaled J, with two additions:
    its damped steps follow the curvature of the model along the step (geodesic acceleration,
    the second derivative from nested AD), which shortens long curved valleys; and near the
    end, where the fall of χ² a step promises is below the rounding error of χ² itself (so
    that no step can be *seen* to lower it), the Gauss–Newton step is taken on trust, at most
    three times, since the gradient is still computed accurately there. χ² never rises along
    the path by more than its rounding.

    The covariance comes from the singular value decomposition of J (with its columns scaled to
    unit length, which is exact in powers of two): V S⁻² Vᵀ, dropping singular values below
    ε·max(N, p)·s₁ as :func:`scipy.optimize.curve_fit` does; a parameter the data do not
    determine (in the span of a dropped direction) gets an infinite error. J is exact here
    (given, known or AD), or else from central differences; ``FitResult.jacobian`` holds it.

    References
    ----------
    .. [1] J. J. Moré, "The Levenberg–Marquardt algorithm: implementation and theory",
       *Numerical Analysis*, Lecture Notes in Mathematics 630, Springer, 1978.
    .. [2] J. J. Moré, B. S. Garbow, K. E. Hillstrom, *User Guide for MINPACK-1*, Argonne
       National Laboratory report ANL-80-74, 1980.
    .. [3] M. K. Transtrum, J. P. Sethna, "Improvements to the Levenberg–Marquardt algorithm for
       nonlinear least-squares minimization", arXiv:1201.5885, 2012.

    Examples
    --------
    >>> import mvcalc as mc
    >>> x, y = mc.datasets.heights()
    >>> result = mc.fit(mc.gaussian, x, y, p0=[155, 6])
    >>> result.params.round(2)
    array([178.52,   7.55])
    >>> result.status, result.nit < 20
    ('converged', True)
    >>> sd = mc.fit(mc.gaussian, x, y, [155, 6], method="steepest-descent",
    ...             aggression=2000, max_iter=50)
    >>> sd.params.round(2), sd.nit, sd.status   # the course's numbers, not yet stationary
    (array([178.52,   7.55]), 50, 'max-iter')
    >>> mc.fit(mc.gaussian, x, y, [155, 6], method="steepest-descent", aggression=2000).status
    'converged'

    A model may be written as maths; its parameters are its names other than x, alphabetically:

    >>> t = [0.0, 1.0, 2.0, 3.0, 4.0]
    >>> counts = [5.0, 3.2, 2.3, 1.8, 1.6]
    >>> decay = mc.fit("a*exp(-b*x) + c", t, counts, p0=[1, 1, 1])
    >>> decay.status, decay.params.round(3), decay.jacobian_method
    ('converged', array([3.656, 0.678, 1.344]), "exact (SymPy's derivatives of the formula)")
    """
    method = one_of(method, METHODS, "method")
    problem = _Problem(model, x, y, sigma, p0, jac)
    n_points, n_params = problem.y.size, problem.p0.size
    if n_points < n_params:
        raise ValueError(
            f"y must hold at least as many points as there are parameters ({n_params}), "
            f"got {n_points}"
        )
    tol = positive_float(tol, "tol")
    xtol = positive_float(xtol, "xtol")
    if max_iter is not None:
        max_iter = positive_int(max_iter, "max_iter")
    if max_nfev is None:
        max_nfev = 200 * (n_params + 1)
    problem.budget = positive_int(max_nfev, "max_nfev")
    if aggression is not None:
        if method != "steepest-descent":
            raise ValueError("aggression applies to method='steepest-descent' only")
        aggression = positive_float(aggression, "aggression")

    r0 = problem.residuals(problem.p0)
    with np.errstate(over="ignore", invalid="ignore"):
        chi2_0 = float(r0 @ r0)
    if not math.isfinite(chi2_0):
        raise ValueError(f"p0 gives a non-finite χ² ({chi2_0}); choose a starting point nearer")

    # Overflow in a trial step is expected and handled: such a step has a non-finite χ².
    with np.errstate(all="ignore"):
        outcome = _iterate(problem, method, aggression, tol, xtol, max_iter)
    problem.budget = math.inf  # the budget bounds the iterations; what follows is one J
    params = outcome.path[-1]
    r = problem.residuals(params)
    chi2 = float(r @ r)
    J = problem.covariance_jacobian(params)  # ∂f/∂p, unweighted
    covariance = _covariance(problem, J, chi2)
    return FitResult(
        params=params.copy(),
        errors=np.sqrt(np.diag(covariance)),
        covariance=covariance,
        chi2=chi2,
        path=np.array(outcome.path),
        nit=len(outcome.path) - 1,
        converged=outcome.status == "converged",
        status=outcome.status,
        message=outcome.message,
        method=method,
        nfev=problem.nfev,
        njev=problem.njev,
        jacobian=J,
        jacobian_method=problem.describe(),
    )


def _covariance(problem: _Problem, J_unweighted: FloatArray, chi2: float) -> FloatArray:
    """curve_fit's covariance, (JᵀWJ)⁺ by the SVD of W^½J, scaled by χ²/(N − p) without sigma
    (J = ∂f/∂p at the fitted parameters, W = diag(1/σ²))."""
    with np.errstate(all="ignore"):  # an error too large for a float is infinite
        return _covariance_from(problem, problem.weighted(J_unweighted), chi2)


def _covariance_from(problem: _Problem, J: FloatArray, chi2: float) -> FloatArray:
    """The covariance from the weighted Jacobian J = (∂f/∂p) / σ."""
    n_points, n_params = J.shape
    inf = np.full((n_params, n_params), np.inf)
    if not np.all(np.isfinite(J)):
        return inf
    # Columns scaled to unit length by powers of two (exact), so that the relative cutoff
    # measures the conditioning of the problem, not the units of its parameters.
    _, exponents = np.frexp(_norms(J))
    scale = np.ldexp(1.0, exponents)  # the power of two at each column's norm (1 for a zero)
    _, s, Vt = np.linalg.svd(J / scale, full_matrices=False)
    if not s[0] > 0:
        return inf
    kept = s > _EPS * max(J.shape) * s[0]
    cov = (Vt[kept].T / s[kept] ** 2) @ Vt[kept] / np.outer(scale, scale)
    if problem.sigma is None:
        dof = n_points - n_params
        if dof <= 0:
            return inf
        cov = cov * (chi2 / dof)
    # a parameter with a component along a dropped direction is not determined by the data
    undetermined = np.any(np.abs(Vt[~kept]) > math.sqrt(_EPS), axis=0)
    cov[undetermined, :] = np.inf
    cov[:, undetermined] = np.inf
    return np.asarray(cov)
