"""Numerical derivatives, from rise over run to Richardson extrapolation, with error estimates.

The course starts from the gradient as "rise over run", (f(x + h) − f(x)) / h, and lets h shrink.
On a computer h cannot shrink for ever: the *truncation* error of the formula falls with h, but
the *round-off* error of subtracting two nearly equal numbers grows like ε|f|/h. This module
offers the classic formulas, each with an estimate of its own error:

========== ============================================== ============== ==============
method      formula                                        truncation     evaluations
========== ============================================== ============== ==============
forward     (f(x + h) − f(x)) / h                          O(h)           3
backward    (f(x) − f(x − h)) / h                          O(h)           3
central     (f(x + h) − f(x − h)) / 2h                     O(h²)          4
complex     Im f(x + ih) / h   (no subtraction at all)     O(h²)          2
richardson  central differences at h, h/2, h/4, …          O(h^(2k))      ≥ 18
            extrapolated to h → 0 (the default)
========== ============================================== ============== ==============

Each estimate is the difference between the formula at h and at 2h (which measures the
truncation error, conservatively) plus the round-off bound ε (|f(x ± h)| + |f(x)|) / h.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "METHODS",
    "DerivativeResult",
    "StepSizeStudy",
    "derivative",
    "difference_jacobian",
    "step_size_study",
]

FloatArray = NDArray[np.float64]
METHODS = ("richardson", "central", "forward", "backward", "complex")
EPS = float(np.finfo(float).eps)
_LEVELS = 8  # Richardson: central differences at h0, h0/2, ..., h0/2^7


@dataclass(frozen=True)
class DerivativeResult:
    """A numerical derivative with an estimate of its error.

    Attributes
    ----------
    value : float or ndarray
        The estimate of f'(x).
    error : float or ndarray
        An estimate of |value − f'(x)|: truncation (from the formula at h and 2h) plus round-off.
    h : float or ndarray
        The step used (for Richardson, the smallest step of the chosen extrapolation).
    nfev : int
        Evaluations of f (each on the whole array x).
    method : str
    """

    value: Any
    error: Any
    h: Any
    nfev: int
    method: str


@dataclass(frozen=True)
class StepSizeStudy:
    """Errors of finite-difference formulas against the step h (:func:`step_size_study`).

    Attributes
    ----------
    h : ndarray
        The steps, log-spaced.
    errors : dict of str to ndarray
        |estimate − f'(x)| for each method at each step.
    exact : float
        The true derivative f'(x).
    x : float
        The point.
    best_h : dict of str to float
        The step with the smallest error, per method.
    theory_h : dict of str to float
        The step that balances truncation and round-off in theory: √ε for forward differences and
        ε^(1/3) for central ones (times max(|x|, 1)).
    label : str
        A name for the function, for the figure.
    """

    h: FloatArray
    errors: dict[str, FloatArray] = field(repr=False)
    exact: float
    x: float
    best_h: dict[str, float]
    theory_h: dict[str, float]
    label: str = "f"


def _evaluate(f: Callable[..., Any], x: Any, name: str = "f") -> Any:
    """f(x) as an array shaped like x; a clear error if f does not act element-wise."""
    out = np.asarray(f(x))
    if out.shape != np.shape(x):
        raise ValueError(
            f"{name} must act element-wise, returning one value per point: "
            f"got shape {out.shape} for input of shape {np.shape(x)}"
        )
    return out


def derivative(
    f: Callable[..., Any],
    x: ArrayLike,
    *,
    method: str = "richardson",
    h: ArrayLike | None = None,
    full_output: bool = False,
) -> Any:
    """The derivative f'(x) of a function of one variable, by finite differences.

    Parameters
    ----------
    f : callable
        A function of one real variable written with NumPy, so that ``f(array)`` acts
        element-wise. ``method="complex"`` also needs it to accept complex input.
    x : float or array_like
        Where to differentiate; an array gives the derivative at each point.
    method : {"richardson", "central", "forward", "backward", "complex"}, optional
        See the module notes. Richardson extrapolation (the default) is the most accurate.
    h : float or array_like, optional
        The step (for Richardson, the largest step). By default √ε·max(|x|, 1) for forward and
        backward differences, ε^(1/3)·max(|x|, 1) for central ones, 10⁻²⁰·max(|x|, 1) for the
        complex step, and 0.1·max(|x|, 1) for Richardson.
    full_output : bool, optional
        Return a :class:`DerivativeResult` with the error estimate instead of the value alone.

    Returns
    -------
    float or ndarray or DerivativeResult

    Notes
    -----
    The error estimate is honest rather than tight: on smooth functions the true error stays
    below it in practice (the test suite checks a small multiple of it over many functions and
    points). Where f is not defined on both sides (``log`` near 0), Richardson discards the
    steps that leave the domain; the result is NaN, with an infinite error, only when none fits.

    References
    ----------
    .. [1] L. F. Richardson, "The deferred approach to the limit", *Phil. Trans. R. Soc. A* 226,
       1927.
    .. [2] J. N. Lyness and C. B. Moler, "Numerical differentiation of analytic functions",
       *SIAM J. Numer. Anal.* 4, 1967 (the complex step).

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> mc.derivative(np.sin, 0.0)
    1.0
    >>> r = mc.derivative(np.exp, 1.0, method="forward", full_output=True)
    >>> bool(abs(r.value - np.e) <= r.error), r.nfev
    (True, 3)
    >>> mc.derivative(lambda t: t**3, [1.0, 2.0], method="complex")
    array([ 3., 12.])
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}")
    try:
        xa = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"x must be a real number or an array of them, got {x!r}") from None
    if not np.all(np.isfinite(xa)):
        raise ValueError("x must be finite")
    scale = np.maximum(np.abs(xa), 1.0)
    if h is None:
        default = {"forward": EPS**0.5, "backward": EPS**0.5, "central": EPS ** (1 / 3),
                   "complex": 1e-20, "richardson": 0.1}[method]  # fmt: skip
        ha = default * scale
    else:
        try:
            ha = np.broadcast_to(np.asarray(h, dtype=np.float64), xa.shape).copy()
        except (TypeError, ValueError):
            raise ValueError(
                f"h must be a positive number or one per point of x, got {h!r}"
            ) from None
        if not (np.all(np.isfinite(ha)) and np.all(ha > 0)):
            raise ValueError("h must be positive and finite")

    with np.errstate(all="ignore"):
        if method == "richardson":
            value, error, h_used, nfev = _richardson(f, xa, ha)
        elif method == "complex":
            value, error, h_used, nfev = _complex_step(f, xa, ha)
        else:
            value, error, h_used, nfev = _difference(f, xa, ha, method)

    if xa.ndim == 0:
        value, error, h_used = float(value), float(error), float(h_used)
    if full_output:
        return DerivativeResult(value=value, error=error, h=h_used, nfev=nfev, method=method)
    return value


def _roundoff(*values: Any) -> Any:
    """ε times the sum of the magnitudes: how much rounding each function value may carry."""
    return EPS * sum(np.abs(v) for v in values)


def _difference(f: Callable[..., Any], x: Any, h: Any, method: str) -> tuple[Any, Any, Any, int]:
    """Forward, backward or central differences at h and 2h; the difference estimates the error."""
    # Round the steps so that x ± h is exactly representable: the step taken is the step used.
    h = (x + h) - x
    h2 = 2 * h
    f0 = _evaluate(f, x) if method != "central" else None
    if method == "forward":
        f1, f2 = _evaluate(f, x + h), _evaluate(f, x + h2)
        d1, d2 = (f1 - f0) / h, (f2 - f0) / h2
        roundoff = _roundoff(f1, f0) / h
        nfev = 3
    elif method == "backward":
        f1, f2 = _evaluate(f, x - h), _evaluate(f, x - h2)
        d1, d2 = (f0 - f1) / h, (f0 - f2) / h2
        roundoff = _roundoff(f1, f0) / h
        nfev = 3
    else:  # central
        fp, fm = _evaluate(f, x + h), _evaluate(f, x - h)
        fp2, fm2 = _evaluate(f, x + h2), _evaluate(f, x - h2)
        d1, d2 = (fp - fm) / (2 * h), (fp2 - fm2) / (2 * h2)
        roundoff = _roundoff(fp, fm) / (2 * h)
        nfev = 4
    # truncation: an O(h) formula errs by ≈ d2 − d1 at h, an O(h²) one by ≈ (d2 − d1)/3; we take
    # twice and once the difference, and the round-off of both estimates, to stay on the safe side
    truncation = np.abs(d2 - d1) * (1.0 if method == "central" else 2.0)
    error = truncation + 2 * roundoff + EPS * np.abs(d1)
    return d1, np.where(np.isfinite(d1), error, np.inf), h, nfev


def _complex_step(f: Callable[..., Any], x: Any, h: Any) -> tuple[Any, Any, Any, int]:
    """Im f(x + ih)/h: no subtraction, so h can be tiny and round-off never grows."""
    try:
        with warnings.catch_warnings():  # math.sin(complex) drops the imaginary part, warning
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            f1 = np.asarray(f(x + 1j * h))
            f2 = np.asarray(f(x + 2j * h))
    except TypeError as exc:
        raise ValueError(f"method='complex' needs f to accept complex input: {exc}") from None
    if not (np.iscomplexobj(f1) and f1.shape == np.shape(x)):
        raise ValueError(
            "method='complex' needs f to accept complex input and return complex output "
            "element-wise (does f call math.* or take a real part?)"
        )
    d1, d2 = f1.imag / h, f2.imag / (2 * h)
    # Nothing is subtracted between evaluations, but f's own arithmetic can cancel inside the
    # imaginary part (x³ − 2x near 3x² = 2): allow ε times the size of f per unit of x as well.
    scale = np.maximum(np.abs(x), 1.0)
    error = np.abs(d2 - d1) + 2 * EPS * (np.abs(d1) + np.abs(f1.real) / scale)
    return d1, np.where(np.isfinite(d1), error, np.inf), h, 2


def _richardson(f: Callable[..., Any], x: Any, h0: Any) -> tuple[Any, Any, Any, int]:
    """Central differences at h0/2^k, extrapolated by Richardson's tableau (Neville's scheme).

    T[k, 0] is the central difference at h_k = h0/2^k, with error c₁h_k² + c₂h_k⁴ + …; each
    column eliminates the next power: T[k, j] = T[k, j−1] + (T[k, j−1] − T[k−1, j−1]) / (4^j − 1).
    An entry's error is estimated by its distance to its two neighbours of lower order or larger
    step, plus the round-off the extrapolation amplifies; the entry with the smallest estimate wins.
    """
    K = _LEVELS
    shape = np.shape(x)
    # Shrink the first step where f is undefined at x ± h0 (log near 0), so that all the levels
    # can be used; each halving costs two evaluations, counted in nfev.
    nfev = 0
    h0 = np.array(h0, dtype=np.float64)
    for _ in range(40):
        fp, fm = _evaluate(f, x + h0), _evaluate(f, x - h0)
        nfev += 2
        outside = ~(np.isfinite(fp) & np.isfinite(fm))
        if not np.any(outside):
            break
        h0 = np.where(outside, h0 / 2, h0)
    T = np.full((K, K, *shape), np.nan)
    err = np.full((K, K, *shape), np.inf)
    steps = np.empty((K, *shape))
    for k in range(K):
        hk = (x + h0 / 2**k) - x  # exactly representable steps
        steps[k] = hk
        fp, fm = _evaluate(f, x + hk), _evaluate(f, x - hk)
        T[k, 0] = (fp - fm) / (2 * hk)
        roundoff = _roundoff(fp, fm) / (2 * hk)
        if k > 0:
            err[k, 0] = np.abs(T[k, 0] - T[k - 1, 0]) + roundoff
        for j in range(1, k + 1):
            factor = 4.0**j - 1
            T[k, j] = T[k, j - 1] + (T[k, j - 1] - T[k - 1, j - 1]) / factor
            # round-off grows by the extrapolation weights, at most (1 + 2/factor) per column
            amplified = roundoff * np.prod([1 + 2 / (4.0**i - 1) for i in range(1, j + 1)])
            err[k, j] = (
                np.maximum(np.abs(T[k, j] - T[k, j - 1]), np.abs(T[k, j] - T[k - 1, j - 1]))
                + amplified
            )
    err = np.where(np.isfinite(T) & np.isfinite(err), err, np.inf)
    flat_err = err.reshape(K * K, *shape)
    best = np.argmin(flat_err, axis=0)
    flat_T = T.reshape(K * K, *shape)
    value = np.take_along_axis(flat_T, best[None, ...], axis=0)[0]
    error = np.take_along_axis(flat_err, best[None, ...], axis=0)[0] + EPS * np.abs(value)
    h_used = np.take_along_axis(steps, (best // K)[None, ...], axis=0)[0]
    error = np.where(np.isfinite(value) & np.isfinite(error), error, np.inf)
    value = np.where(np.isfinite(error), value, np.nan)
    return value, error, h_used, nfev + 2 * K


def difference_jacobian(
    f: Callable[..., Any],
    x: ArrayLike,
    *,
    method: str = "forward",
    f0: ArrayLike | None = None,
    h: ArrayLike | None = None,
) -> FloatArray:
    """The Jacobian ∂f/∂x of a vector function by finite differences, one column per variable.

    This is the project's one finite-difference Jacobian: :func:`mvcalc.fit` and
    :meth:`mvcalc.Network.gradient_check` call it.

    Parameters
    ----------
    f : callable
        ``f(x)`` for a 1-D float array x, returning a scalar or an array of any shape.
    x : array_like, shape (n,)
        Where to differentiate.
    method : {"forward", "central"}, optional
        Forward differences cost n evaluations (n + 1 without ``f0``) and err by about √ε
        relative; central ones cost 2n and err by about ε^(2/3).
    f0 : array_like, optional
        f(x), when the caller already has it (forward differences only).
    h : float or array_like, optional
        Absolute steps, one or one per variable. By default *relative* steps, as MINPACK takes
        them: √ε·|xⱼ| (forward) or ε^(1/3)·|xⱼ| (central), with the same numbers as absolute
        steps only where xⱼ = 0. A relative step stays accurate for a parameter of any size (a
        floor of 1 would make the step of a parameter of size 10⁻⁷ fifteen per cent of it).

    Returns
    -------
    ndarray, shape ``np.shape(f(x)) + (n,)``
        Each step is rounded so that x + h is exactly representable: the step taken is the step
        divided by.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.calculus import difference_jacobian
    >>> J = difference_jacobian(lambda v: np.array([v[0] * v[1], np.sin(v[0])]), [1.0, 2.0],
    ...                         method="central")
    >>> np.allclose(J, [[2.0, 1.0], [np.cos(1.0), 0.0]], atol=1e-9)
    True
    """
    if not callable(f):
        raise TypeError(f"f must be callable as f(x), got {type(f).__name__}")
    if not isinstance(method, str) or method not in ("forward", "central"):
        raise ValueError(f"method must be 'forward' or 'central', got {method!r}")
    from mvcalc._validate import finite_array, finite_vector

    xa = finite_vector(x, "x")
    n = xa.size
    if h is None:
        rel = EPS**0.5 if method == "forward" else EPS ** (1 / 3)
        steps = rel * np.where(xa != 0, np.abs(xa), 1.0)
    else:
        steps = np.broadcast_to(finite_array(h, "h"), (n,)).copy()
        if not np.all(steps > 0):
            raise ValueError("h must be positive")
    if method == "forward" and f0 is None:
        f0 = f(xa.copy())
    base = None if f0 is None else np.asarray(f0, dtype=np.float64)
    columns = []
    with np.errstate(all="ignore"):
        for j in range(n):
            up = xa.copy()
            up[j] += steps[j]
            if method == "forward":
                assert base is not None
                columns.append((np.asarray(f(up), dtype=np.float64) - base) / (up[j] - xa[j]))
            else:
                down = xa.copy()
                down[j] -= steps[j]
                rise = np.asarray(f(up), dtype=np.float64) - np.asarray(f(down), dtype=np.float64)
                columns.append(rise / (up[j] - down[j]))
    return np.stack(columns, axis=-1)


def step_size_study(
    f: Callable[..., Any],
    x: float,
    *,
    exact: float | None = None,
    h: ArrayLike | None = None,
    label: str = "f",
) -> StepSizeStudy:
    """How the error of rise over run depends on the step h.

    For each h, the forward, central and complex-step formulas are evaluated and compared with the
    true derivative. On log-log axes the error of a formula of order p falls like hᵖ (truncation)
    until round-off, growing like ε/h, takes over: the best step is where the two meet.

    Parameters
    ----------
    f : callable
        A function of one variable written with NumPy (complex-capable for the complex step).
    x : float
        The point.
    exact : float, optional
        The true derivative; by default Richardson extrapolation, whose error is far below any
        finite difference studied here.
    h : array_like, optional
        The steps; default 10⁻¹⁶ … 1 (times max(|x|, 1)), 97 of them.
    label : str, optional
        The function's name for the figure.

    Returns
    -------
    StepSizeStudy

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> study = mc.calculus.step_size_study(np.exp, 1.0, exact=np.e)
    >>> 1e-9 < study.best_h["forward"] < 1e-7      # near √ε ≈ 1.5e-8
    True
    >>> 1e-7 < study.best_h["central"] < 1e-3      # near ε^(1/3) ≈ 6e-6
    True
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating):
        raise TypeError(f"x must be a real number, got {x!r}")
    if not math.isfinite(x):
        raise ValueError(f"x must be finite, got {x}")
    x = float(x)
    scale = max(abs(x), 1.0)
    hs = np.logspace(-16, 0, 97) * scale if h is None else np.asarray(h, dtype=np.float64)
    if hs.ndim != 1 or hs.size < 2 or not np.all(hs > 0) or not np.all(np.isfinite(hs)):
        raise ValueError("h must be a 1-D array of at least two positive steps")
    if exact is None:
        exact = float(derivative(f, x))
    xs = np.full(hs.shape, x)
    errors: dict[str, FloatArray] = {}
    with np.errstate(all="ignore"):
        errors["forward"] = np.abs(derivative(f, xs, method="forward", h=hs) - exact)
        errors["central"] = np.abs(derivative(f, xs, method="central", h=hs) - exact)
        try:
            errors["complex step"] = np.abs(derivative(f, xs, method="complex", h=hs) - exact)
        except ValueError:
            pass  # f is real-only: no complex-step curve
    best_h = {}
    for name, e in errors.items():
        finite = np.where(np.isfinite(e), e, np.inf)
        best_h[name] = float(hs[int(np.argmin(finite))])
    theory_h = {"forward": EPS**0.5 * scale, "central": EPS ** (1 / 3) * scale}
    return StepSizeStudy(h=hs, errors=errors, exact=float(exact), x=x, best_h=best_h,
                         theory_h=theory_h, label=label)  # fmt: skip
