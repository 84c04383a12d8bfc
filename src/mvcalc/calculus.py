"""Numerical derivatives, from rise over run to Richardson extrapolation, with checked errors.

The course starts from the gradient as "rise over run", (f(x + h) − f(x)) / h, and lets h shrink.
On a computer h cannot shrink for ever: the *truncation* error of the formula falls with h, but
the *round-off* error of subtracting two nearly equal numbers grows like ε|f|/h. This module
offers the classic formulas, each with an estimate of its own error and checks of that estimate:

========== ============================================== ============== ==============
method      formula                                        truncation     evaluations
========== ============================================== ============== ==============
forward     (f(x + h) − f(x)) / h                          O(h)           7
backward    (f(x) − f(x − h)) / h                          O(h)           7
central     (f(x + h) − f(x − h)) / 2h                     O(h²)          9
complex     Im f(x + ih) / h   (no subtraction at all)     O(h²)          7
richardson  central differences at h₀, h₀/2, h₀/4, …       O(h^(2k))      15 or more
            extrapolated to h → 0 (the default)
========== ============================================== ============== ==============

The formula needs one or two evaluations; the others check it. Where a check fails the result
says so — ``ok=False``, a ``message`` saying why, and an ``error`` of ``inf`` — and the value is
only a best guess. Below, d(s) is the formula at step s, φ = (√5 − 1)/2 ≈ 0.618, ε = 2⁻⁵²,
X = max(|x|, 1), and the slack factor 8 allows for f rounding more than the model says.

**Round-off.** Each value of f is trusted to ε(|f| + X·|f'|), the second term being what
rounding x costs (sin(w·x) rounds w·x), with |f'| near x taken as |d(h)| + 4|d(2h) − d(h)|
(one-sided), |d(h)| + |S(2h)| (central; S below) or |Dₖ| + |S(hₖ)| (Richardson). A quotient at
step s so carries r(s) = ε (|f(x + s)| + |f(x)| + 2X|f'|) / |s| (one-sided) or
ε (|f(x + s)| + |f(x − s)| + 2X|f'|) / 2s (central).

**Forward, backward, central** (the value is d(h)). The error estimate is
c·max(|d(2h) − d(h)|, 2|d(h) − d(h/2)|) + 2r(h) + r(2h) + r(h/2) + m + ε|d(h)|, with c = 2 for
the one-sided O(h) formulas (whose error at h is about either difference) and c = 1 for central
differences (about a third of the first, four thirds of the second) — two differences, since a
higher-order term can cancel the leading one in either but not in both — and m the largest miss
of the parabola test below (round-off beyond the model shows there). It is vouched for only when

* the ratio (d(2h) − d(h)) / (d(h) − d(h/2)) lies in 1.6–2.5 or 3.2–5 (one-sided: h or h²
  leading) or in 3.2–5 or 12.8–20 (central: h² or h⁴), each difference allowed ±8 round-offs;
* the quotients at the steps φh and h/√3 (one-sided) or φh (central), off the powers of two, lie
  within 2 % of |d(2h) − d(h)|, plus 8 times the round-off carried through, of the parabola in s
  (central: in s²) through d(h/2), d(h), d(2h) — a step that aliases an oscillation rarely
  passes this and the ratio test together; central differences test S(s)/s the same way;
* the two sides agree. One-sided formulas compare the quotient on the other side, d(−h): the
  jump J = (d(h) − d(−h)) − 2(d(2h) − d(h)) must satisfy |J| ≤ 2C + 4ρ, with
  C = |d(2h) − d(h)| + |d(h) − d(h/2)| and ρ the four round-offs (|J| > 8C + 4ρ is reported as
  a kink; where f is not finite at x ∓ h, the one-sided derivative is all there is). Central
  differences extrapolate S(s) = (f(x + s) − 2f(x) + f(x − s)) / s, the difference of the
  one-sided quotients, to s → 0 twice: L₁ = 2S(h/2) − S(h), L₂ = 2S(h) − S(2h); they need
  |L₁| ≤ |L₁ − L₂| + ρ, and |L₁| > 4(|L₁ − L₂| + ρ) is a kink.

**Complex step** (the value is Im f(x + ih)/h). It evaluates f at x + ih, x + 2ih, x − ih,
x + is and at the real points x, x ± s, with s = 10⁻⁶X. The error estimate is
|d(2h) − d(h)| + 2ε(|d(h)| + |Re f(x + ih)|/X) + 2εX·|f''|, the last term because f rounds its
argument, with |f''| from (f(x + s) − 2f(x) + f(x − s))/s² plus its round-off. It is vouched for
when f(x − ih) is the conjugate of f(x + ih) within 4ε(…); when the value lies within its error
estimate, plus a tenth of |D − I| and 8 round-offs, of (D + I)/2, where D is the real central
difference at s and I = Im f(x + is)/s (for f analytic they err by ±f'''s²/6, so their mean is
f' to O(s⁴)); and when (f(x + s) + f(x − s))/2 + Re f(x + is) − 2f(x), which is O(s⁴) for f
analytic, stays within a tenth of |(f(x + s) + f(x − s))/2 − Re f(x + is)| and 8 round-offs
(else the one-sided derivatives differ: a kink). Code that takes abs, real or conj of its
argument, or picks a branch by comparing (max(x, 0)), fails one of these.

**Richardson** (the default). Central differences Dₖ = d(hₖ) at hₖ = h₀/2ᵏ go into Neville's
tableau T[k, j] = T[k, j−1] + (T[k, j−1] − T[k−1, j−1]) / (4ʲ − 1), j ≤ 6, whose round-off
bounds R[k, j] follow the same weights from R[k, 0] = r(hₖ). An entry's error estimate is its
larger distance to the less accurate neighbours T[k, j−1] and T[k−1, j−1], each plus that
neighbour's R, plus 2R[k, j] + ε|T[k, j]|. An entry counts only where the tableau is consistent
over several levels: each of the last max(j − 1, 3) levels up to k must show successive
differences shrinking as a power of h — the ratio (Dᵢ₋₁ − Dᵢ₋₂) / (Dᵢ − Dᵢ₋₁) in 2.5–102.4
(h² to h⁶), or the same ratio of the column T[·, 1] in 10–409.6 (near a zero of f''', where the
h² term is small), each difference allowed ±2 round-offs. The counted entry with the smallest
estimate wins; the steps keep halving until no smaller step can beat it (its estimate ≤ 4r(hₖ))
or three levels bring nothing better, at most 30 levels from the first at which f is finite at
x ± h (before that, the step shrinks 16-fold per level, down to 10⁻²⁰X). Aliasing — steps that
skip whole periods of an oscillation — can make a window of levels look smooth, so a level
that breaks the pattern after the winner's window discards the winner, and the winner must pass
two more tests, at the steps φh and h/√3 with h its finest level's step (two unrelated
irrationals: n·φ is nearly whole for Fibonacci n): |d(ch) − T| ≤ |a|h² + |b|h⁴ + its estimate
+ 2(r(ch) + r(h) + r(2h)), with a and b from d(h) − T = ah² + bh⁴ and d(2h) − T = 4ah² + 16bh⁴;
if either fails, it is dropped and the halving goes on. The one-sided
derivatives are compared on the same evaluations plus f(x): Lₖ = 2S(hₖ) − S(hₖ₋₁) estimates
f'(x+) − f'(x−), and Qₖ = S(hₖ)/hₖ ≈ f'' + f⁗hₖ²/12 must converge as Dₖ does (the same ratio
tests, the last three levels in a row; at a kink, or for x·sin(1/x) at 0, it grows like 1/h).
The result is vouched for when both hold and |Lₖ| ≤ |Lₖ − Lₖ₋₁| plus the round-off of both; f is
reported not differentiable when |Lₖ| > 4 (max(|Lₖ − Lₖ₋₁|, |Lₖ₋₁ − Lₖ₋₂|) plus the round-off
of the three); when neither is clear six levels after the value has settled, the result is not
vouched for. The halving also stops where f(x ± hₖ) = f(x) exactly after larger steps saw f
change: the steps are below f's resolution (a staircase, such as (x + 10⁸) − 10⁸). Where f(x)
itself is not finite there is no derivative, and no search.

No finite set of evaluations can rule out every function: an oscillation whose period divides
every step taken, or a kink closer to x than the smallest step, looks smooth to any difference
formula. The checks make such coincidences rare; Richardson, which tries many steps, is the
method to trust, and a single-step method can only check the step it is given. The round-off
model is the other limit: code that adds a constant much larger than x inside (sin(t + 1000)
near t = 0 rounds t + 1000) carries more round-off than ε(|f| + X|f'|), and its bound can come
out a few times too small at the tiny steps of the single-step methods or the last digits of
Richardson; write such a function in a variable that carries the magnitude (sin(u) at u = 1000).
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

# Richardson: the first step is h₀ = _H0·max(|x|, 1). An irrational multiple of 0.1, so that no
# frequency of the form integer·π or integer (sin(320πx), sin(1000x)) makes every level skip
# whole periods of the oscillation at once.
_H0 = 0.1 / math.sqrt(2)
_LEVELS = 30  # levels counted from the first at which f is finite at x ± h
_LEVEL_CAP = 64  # levels in all, domain search included
_SEARCH = 1 / 16  # the step's factor per level while f is not finite at x ± h anywhere yet
_SMALLEST = 1e-20  # the search gives up below this step (times max(|x|, 1))
_COLUMNS = 6  # the highest extrapolation j
_MIN_RUN = 3  # consecutive consistent ratios before a tableau entry counts
_WAIT = 6  # levels to wait, once the value is settled, for the one-sided test to decide
_CHECK = (math.sqrt(5) - 1) / 2  # φ
# The checks' steps off the powers of two, as fractions of h: two unrelated irrationals, since
# n·φ is nearly whole for the Fibonacci numbers n (34φ ≈ 21.01), so that a step that skips n
# periods of an oscillation could skip about nφ as well (and n·φ² = n − n·φ just as much)
_CHECKS = (_CHECK, 1 / math.sqrt(3))
_BANDS_EVEN = ((2.5, 102.4),)  # ratios 4, 16, 64 (h², h⁴, h⁶) and between
_BANDS_FOURTH = ((10.0, 409.6),)  # the same once the h² term is gone: 16, 64, 256
_BAND_ONE_SIDED = ((1.6, 2.5), (3.2, 5.0))  # ratios 2 or 4 (h or h²)
_BAND_TWO_SIDED = ((3.2, 5.0), (12.8, 20.0))  # ratios 4 or 16 (h² or h⁴)
_SLACK = 8  # the single-step order checks allow this many times the round-off model
_COMPLEX_NEAR = 1e-6  # the complex step's checks use this step too (times max(|x|, 1))

# why a result is not vouched for
_OK, _KINK, _UNSETTLED, _DOMAIN, _F0, _UNDECIDED, _ORDER, _NOT_ANALYTIC, _NOT_FINITE = range(9)


@dataclass(frozen=True)
class DerivativeResult:
    """A numerical derivative with an estimate of its error, and whether it could be checked.

    Attributes
    ----------
    value : float or ndarray
        The estimate of f'(x) (when ``ok`` is False, only a best guess; NaN when there is none).
    error : float or ndarray
        A bound on |value − f'(x)|, checked as the module notes say; ``inf`` where not ``ok``.
    h : float or ndarray
        The step used (for Richardson, the smallest step of the chosen extrapolation).
    nfev : int
        Calls of f (each on the whole array x).
    method : str
    ok : bool or ndarray of bool
        Whether the error estimate passed its checks (one per point for array x). False at a
        kink, where f is not finite on both sides, where the steps cannot resolve f, …
    message : str
        What was checked, or why a point is not ``ok``.
    """

    value: Any
    error: Any
    h: Any
    nfev: int
    method: str
    ok: Any
    message: str


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


class _Calls:
    """f on real points shaped like the caller's x, flattened, with the calls counted."""

    def __init__(self, f: Callable[..., Any], shape: tuple[int, ...]) -> None:
        self.f, self.shape, self.count = f, shape, 0

    def __call__(self, points: Any) -> FloatArray:
        self.count += 1
        out = _evaluate(self.f, points.reshape(self.shape))
        if np.iscomplexobj(out):
            if np.any(out.imag != 0):
                raise ValueError("f must return real values for real x (it returned complex ones)")
            out = out.real
        try:
            return np.asarray(out, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise ValueError(f"f must return numbers, got {out.dtype} values") from None


def _as_callable(f: Any) -> Callable[..., Any]:
    """A callable f as it is; maths text in one variable through the safe parser."""
    if callable(f):
        return f  # type: ignore[no-any-return]
    from mvcalc import symbolic
    from mvcalc._numeric import as_function  # TypeError unless f is text

    try:
        g, names = as_function(f, "f")
        count = len(symbolic.parse_many(f))
    except ValueError as exc:
        raise ValueError(f"f is not maths text this function can use: {exc}") from None
    if count != 1:
        raise ValueError(f"f must be one expression, got a list of {count}: {f!r}")
    if names is None or len(names) != 1:
        raise ValueError(
            f"f must be maths text in exactly one variable, got {f!r} in "
            f"{len(names or [])} variables ({', '.join(names or [])})"
        )
    return g


def _vector_function(text: str, n: int) -> Callable[..., Any]:
    """Maths text as a function of the vector of its variables (alphabetical), for n of them."""
    from mvcalc._numeric import as_function

    g, names = as_function(text, "f")
    assert names is not None
    if len(names) != n:
        raise ValueError(
            f"x must give one value per variable of f ({', '.join(names)}), got {n} values"
        )
    return (lambda v: g(v[0])) if n == 1 else g


def derivative(
    f: Callable[..., Any] | str,
    x: ArrayLike,
    *,
    method: str = "richardson",
    h: ArrayLike | None = None,
    full_output: bool = False,
) -> Any:
    """The derivative f'(x) of a function of one variable, by finite differences.

    Parameters
    ----------
    f : callable or str
        A function of one real variable written with NumPy, so that ``f(array)`` acts
        element-wise (``method="complex"`` also needs it to accept complex input), or maths text
        in exactly one variable, such as ``"x^2*sin(x)"``, read by the safe parser.
    x : float or array_like
        Where to differentiate; an array gives the derivative at each point.
    method : {"richardson", "central", "forward", "backward", "complex"}, optional
        See the module notes. Richardson extrapolation (the default) is the most accurate and
        the most robust: it shrinks its steps until its tableau is consistent.
    h : float or array_like, optional
        The step (for Richardson, the largest step). By default √ε·max(|x|, 1) for forward and
        backward differences, ε^(1/3)·max(|x|, 1) for central ones, 10⁻²⁰·max(|x|, 1) for the
        complex step, and 0.1·max(|x|, 1)/√2 for Richardson.
    full_output : bool, optional
        Return a :class:`DerivativeResult`, with the error bound and whether it could be checked
        (``ok``, ``message``), instead of the value alone. A caller who needs to trust the number
        should ask for it: the value alone does not say when f has a kink at x, is not defined
        on both sides, or varies faster than the steps can resolve.

    Returns
    -------
    float or ndarray or DerivativeResult

    Raises
    ------
    TypeError
        When f is neither callable nor text, or x is not numeric.
    ValueError
        When x or h is not finite, h not positive, the method unknown, f's text not one
        expression in one variable, or f not element-wise.

    Notes
    -----
    Every method checks its own error estimate on a few more evaluations (see the module notes)
    and says so in ``ok``; where a check fails, ``error`` is ``inf`` and ``message`` says why —
    at a kink, "the one-sided derivatives differ". The checks catch aliasing (steps that skip
    whole periods of sin(1000x)), poles and kinks within reach of the steps and points at the
    edge of f's domain, but no finite set of evaluations can rule out every function:
    an oscillation whose period divides every step taken, or a kink closer to x than the
    smallest step, looks smooth to any difference formula. Richardson, which tries many steps,
    is the method to trust; the single-step methods can only check the step they are given.
    Where f is not defined on both sides (``log`` near 0), Richardson shrinks its steps until
    they fit; the result is NaN, with an infinite error, only when none does.

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
    >>> bool(abs(r.value - np.e) <= r.error), r.ok, r.nfev
    (True, True, 7)
    >>> mc.derivative(lambda t: t**3, [1.0, 2.0], method="complex")
    array([ 3., 12.])
    >>> mc.derivative("x^2*sin(x)", 0.0)
    0.0
    >>> r = mc.derivative(lambda t: np.sin(1000 * t), 1.0, full_output=True)
    >>> r.ok, bool(abs(r.value - 1000 * np.cos(1000.0)) <= r.error < 1e-6)
    (True, True)
    >>> kink = mc.derivative(np.abs, 0.0, full_output=True)
    >>> kink.ok, kink.error
    (False, inf)
    >>> print(kink.message)
    the one-sided derivatives differ at x = 0.0: f'(x−) ≈ -1, f'(x+) ≈ 1 (not differentiable)
    """
    func = _as_callable(f)
    from mvcalc._validate import finite_array, memory, one_of, positive_array

    method = one_of(method, METHODS, "method")
    xa = finite_array(x, "x")
    memory(xa.size * 8.0 * 64, "derivative at this many points")
    scale = np.maximum(np.abs(xa), 1.0)
    if h is None:
        default = {"forward": EPS**0.5, "backward": EPS**0.5, "central": EPS ** (1 / 3),
                   "complex": 1e-20, "richardson": _H0}[method]  # fmt: skip
        ha = default * scale
    else:
        ha = positive_array(h, "h")
        try:
            ha = np.broadcast_to(ha, xa.shape).copy()
        except ValueError:
            raise ValueError(
                f"h must be one positive number or one per point of x (shape {xa.shape}), "
                f"got shape {ha.shape}"
            ) from None

    flat_x, flat_h = xa.reshape(-1), ha.reshape(-1)
    with np.errstate(all="ignore"):
        if method == "richardson":
            calls = _Calls(func, xa.shape)
            value, error, h_used, reason, info = _richardson(calls, flat_x, flat_h)
            nfev = calls.count
        elif method == "complex":
            value, error, h_used, reason, info = _complex_step(func, flat_x, flat_h, xa.shape)
            nfev = 7
        else:
            calls = _Calls(func, xa.shape)
            value, error, h_used, reason, info = _one_step(calls, flat_x, flat_h, method)
            nfev = calls.count
    ok = reason == _OK
    message = _message(method, flat_x, flat_h, reason, info)
    value, error, h_used = (np.reshape(a, xa.shape) for a in (value, error, h_used))
    if xa.ndim == 0:
        value, error, h_used, ok = float(value), float(error), float(h_used), bool(ok[0])
    else:
        ok = ok.reshape(xa.shape)
    if full_output:
        return DerivativeResult(value=value, error=error, h=h_used, nfev=nfev, method=method,
                                ok=ok, message=message)  # fmt: skip
    return value


def _agree(a: Any, ta: Any, b: Any, tb: Any, bands: tuple[tuple[float, float], ...]) -> Any:
    """Where a ≈ r·b for some ratio r in one of the bands, a and b each within ± its allowance."""
    b_low, b_high = b - tb, b + tb
    out = np.zeros(np.shape(a), dtype=bool)
    for lo, hi in bands:  # {r·y : r in [lo, hi], y in [b_low, b_high]} is one interval
        p_min = np.where(b_low >= 0, lo * b_low, hi * b_low)
        p_max = np.where(b_high >= 0, hi * b_high, lo * b_high)
        out |= (a - ta <= p_max) & (a + ta >= p_min)
    return out & np.isfinite(a) & np.isfinite(b) & np.isfinite(ta) & np.isfinite(tb)


def _richardson(calls: _Calls, x: Any, h0: Any) -> tuple[Any, Any, Any, Any, dict[str, Any]]:
    """Central differences at h₀/2ᵏ in Neville's tableau, halving until it is consistent.

    Each level k adds two evaluations, f(x ± hₖ), and one row of the tableau. The module notes
    give the rules; here they are in order, for every point of x at once.
    """
    n = x.size
    ax = np.maximum(np.abs(x), 1.0)  # the scale of x, as for the default steps
    f0 = calls(x)
    f0_ok = np.isfinite(f0)
    best_v, best_e = np.full(n, np.nan), np.full(n, np.inf)
    best_h, best_k = np.full(n, np.nan), np.full(n, -1)
    best_D, best_N = np.full(n, np.nan), np.full(n, np.nan)  # D and its round-off at best_h
    best_S = np.full(n, np.nan)
    best_D2, best_N2 = np.full(n, np.nan), np.full(n, np.nan)  # the same at 2·best_h
    any_v, any_e, any_h = np.full(n, np.nan), np.full(n, np.inf), np.full(n, np.nan)
    first = np.full(n, -1)  # the first level at which D is finite
    h_first, h_last = np.full(n, np.nan), np.full(n, np.nan)
    run, even_run, waited = np.zeros(n, dtype=int), np.zeros(n, dtype=int), np.zeros(n, dtype=int)
    resolved = np.zeros(n, dtype=bool)  # some step has seen f change
    reason = np.where(f0_ok, _UNSETTLED, _F0)
    active = f0_ok.copy()  # where f(x) is not finite, there is no derivative to look for
    step = np.array(h0, dtype=np.float64)
    side_plus, side_minus = np.full(n, np.nan), np.full(n, np.nan)
    T_prev = R_prev = np.empty((0, n))
    hist: dict[str, Any] = {}
    for k in range(_LEVEL_CAP):
        if not np.any(active):
            break
        if k > 0:  # halve the step; divide it by 16 while searching for f's domain
            step = step * np.where(first >= 0, 0.5, _SEARCH)
        hk = (x + step) - x  # exactly representable steps
        fp, fm = calls(x + hk), calls(x - hk)
        D = (fp - fm) / (2 * hk)
        S = (fp - 2 * f0 + fm) / hk  # ≈ f''·hₖ: |D| + |S| bounds |f'| near x, roughly
        N = EPS * (np.abs(fp) + np.abs(fm) + 2 * ax * (np.abs(D) + np.abs(S))) / (2 * hk)
        finite = np.isfinite(D) & np.isfinite(N) & (hk > 0)
        new = active & finite & (first < 0)
        first[new], h_first[new] = k, hk[new]
        # f(x ± hₖ) = f(x) exactly, after larger steps saw f change: the steps are below f's
        # resolution (a staircase such as (x + 10⁸) − 10⁸), where every quotient is 0
        flat = finite & (fp == f0) & (fm == f0)
        lost = flat & resolved
        resolved |= finite & ~flat
        h_last[active] = hk[active]

        # one more row of the tableau, with round-off bounds and error estimates
        cols = min(k, _COLUMNS) + 1
        T, R, E = np.empty((cols, n)), np.empty((cols, n)), np.full((cols, n), np.inf)
        T[0], R[0] = D, N
        if k >= 1:
            E[0] = np.abs(D - T_prev[0]) + R_prev[0] + 2 * N
        for j in range(1, cols):
            c = 4.0**j - 1
            T[j] = T[j - 1] + (T[j - 1] - T_prev[j - 1]) / c
            R[j] = R[j - 1] * (1 + 1 / c) + R_prev[j - 1] / c
            e = np.maximum(np.abs(T[j] - T[j - 1]) + R[j - 1],
                           np.abs(T[j] - T_prev[j - 1]) + R_prev[j - 1])  # fmt: skip
            E[j] = e + 2 * R[j]
        E = np.where(np.isfinite(T) & np.isfinite(E), E + EPS * np.abs(T), np.inf)

        # consistency: successive differences of the Dₖ shrink as a power of h, level after level
        # — or, where the h² term is small and an h⁴ term of the other sign still matters (near
        # a zero of f‴), those of the first extrapolated column T[k, 1] do
        if k >= 2:
            regular = _agree(hist["D1"] - hist["D2"], 2 * (hist["N1"] + hist["N2"]),
                             D - hist["D1"], 2 * (N + hist["N1"]), _BANDS_EVEN)  # fmt: skip
            if k >= 3:
                regular |= _agree(hist["C1"] - hist["C2"], 2 * (hist["RC1"] + hist["RC2"]),
                                  T[1] - hist["C1"], 2 * (R[1] + hist["RC1"]),
                                  _BANDS_FOURTH)  # fmt: skip
            run = np.where(regular, run + 1, 0)
            # a level that breaks the pattern after the best entry's window discredits it: the
            # window may have looked smooth only because its steps skipped whole periods
            broken = active & (best_k >= 0) & (run == 0)
            best_v[broken], best_e[broken], best_k[broken] = np.nan, np.inf, -1
        if k >= 1:
            hist.update(C2=hist.get("C1"), RC2=hist.get("RC1"), C1=T[1], RC1=R[1])
        needed = np.maximum(np.arange(cols) - 1, _MIN_RUN)[:, None]
        counted = np.where(run[None, :] >= needed, E, np.inf)
        j_best = np.argmin(counted, axis=0)
        e_k = counted[j_best, np.arange(n)]
        better = active & (e_k < best_e)
        best_v[better], best_e[better] = T[j_best, np.arange(n)][better], e_k[better]
        best_h[better], best_k[better] = hk[better], k
        best_D[better], best_N[better], best_S[better] = D[better], N[better], S[better]
        if k >= 1:
            best_D2[better], best_N2[better] = hist["D1"][better], hist["N1"][better]
        j_any = np.argmin(E, axis=0)
        e_any = E[j_any, np.arange(n)]
        better = active & (e_any < any_e)
        any_v[better], any_e[better], any_h[better] = (
            T[j_any, np.arange(n)][better],
            e_any[better],
            hk[better],
        )

        # the one-sided derivatives: L = 2S(hₖ) − S(hₖ₋₁) estimates f'(x+) − f'(x−)
        NS = (
            EPS * (np.abs(fp) + 2 * np.abs(f0) + np.abs(fm) + 4 * ax * (np.abs(D) + np.abs(S))) / hk
        )
        # and the even part: Q = S/h ≈ f'' + f⁗h²/12 + … converges like D where f is smooth
        # (at a kink, or for x·sin(1/x) at 0, it grows like 1/h instead)
        Q, NQ = S / hk, NS / hk
        CQ = NCQ = None  # Q's first extrapolated column
        if k >= 1:
            CQ, NCQ = Q + (Q - hist["Q1"]) / 3, NQ * 4 / 3 + hist["NQ1"] / 3
        if k >= 2:
            even = _agree(hist["Q1"] - hist["Q2"], 2 * (hist["NQ1"] + hist["NQ2"]),
                          Q - hist["Q1"], 2 * (NQ + hist["NQ1"]), _BANDS_EVEN)  # fmt: skip
            if k >= 3:
                even |= _agree(hist["CQ1"] - hist["CQ2"], 2 * (hist["NCQ1"] + hist["NCQ2"]),
                               CQ - hist["CQ1"], 2 * (NCQ + hist["NCQ1"]),
                               _BANDS_FOURTH)  # fmt: skip
            even_run = np.where(even, even_run + 1, 0)
        hist.update(Q2=hist.get("Q1"), NQ2=hist.get("NQ1"), Q1=Q, NQ1=NQ)
        hist.update(CQ2=hist.get("CQ1"), NCQ2=hist.get("NCQ1"), CQ1=CQ, NCQ1=NCQ)
        kink = smooth = np.zeros(n, dtype=bool)
        if k >= 1:
            L, NL = 2 * S - hist["S1"], 2 * NS + hist["NS1"]
            plus, minus = D + S / 2, D - S / 2  # the forward and backward quotients at hₖ
            ext_plus, ext_minus = 2 * plus - hist["P1"], 2 * minus - hist["M1"]
            if k >= 3:
                change = np.maximum(np.abs(L - hist["L1"]), np.abs(hist["L1"] - hist["L2"]))
                noise = NL + hist["NL1"] + hist["NL2"]
                kink = np.isfinite(change) & np.isfinite(noise) & (np.abs(L) > 4 * (change + noise))
                smooth = np.abs(L) <= np.abs(L - hist["L1"]) + NL + hist["NL1"]
                smooth &= even_run >= _MIN_RUN
            hist.update(L2=hist.get("L1"), NL2=hist.get("NL1"), L1=L, NL1=NL)
            side_plus[active], side_minus[active] = ext_plus[active], ext_minus[active]
        else:
            plus, minus = D + S / 2, D - S / 2

        # who stops here, and why
        exhausted = (
            ((first >= 0) & (k - first >= _LEVELS - 1))
            | ((first < 0) & (step < _SMALLEST * ax))
            | (k == _LEVEL_CAP - 1)
            | ~(hk > 0)
            | lost
        )
        settled = (best_k >= 0) & (
            (best_e <= 4 * np.where(finite, N, 0)) | (k - best_k >= 3) | exhausted
        )
        # A last check at two steps off the powers of two, φ and 1/√3 of the best's: aliasing
        # (steps that skip whole periods) can make every level of a window look smooth, but
        # not these. A smaller step must land no further from the value than the trend of the
        # best's own D at h and 2h allows.
        stop_ok = active & settled & f0_ok & smooth & ~kink
        if np.any(stop_ok):
            passed = stop_ok.copy()
            # D(s) − T ≈ a·s² + b·s⁴ on [φh, h], with a·h² and b·h⁴ solved from D(h) and
            # D(2h); where they nearly cancel at h (near a zero of f‴) D(φh) need not be closer
            at_h, at_2h = best_D - best_v, best_D2 - best_v
            truncation = np.abs(16 * at_h - at_2h) / 12 + np.abs(at_2h - 4 * at_h) / 12
            for fraction in _CHECKS:
                hv = (x + np.where(stop_ok, best_h, hk) * fraction) - x
                fpv, fmv = calls(x + hv), calls(x - hv)
                Dv = (fpv - fmv) / (2 * hv)
                slope = np.abs(Dv) + np.abs(best_S)
                Nv = EPS * (np.abs(fpv) + np.abs(fmv) + 2 * ax * slope) / (2 * hv)
                allowed = truncation + best_e + 2 * (Nv + best_N + best_N2)
                passed &= np.abs(Dv - best_v) <= allowed
            fooled = stop_ok & ~passed
            best_v[fooled], best_e[fooled], best_k[fooled], run[fooled] = np.nan, np.inf, -1, 0
            stop_ok &= passed
        found = best_k >= 0
        settled &= found
        # settled but neither smooth nor a kink: a few more levels may tell, then give up
        waited = np.where(settled & f0_ok & ~stop_ok & ~kink, waited + 1, 0)
        exhausted |= waited > _WAIT
        stop_kink = active & (settled | exhausted) & f0_ok & kink
        stop_f0 = active & (settled | exhausted) & ~f0_ok
        stop_end = active & exhausted & ~(stop_ok | stop_kink | stop_f0)
        reason[stop_ok], reason[stop_kink], reason[stop_f0] = _OK, _KINK, _F0
        unsettled = np.where(first < 0, _DOMAIN, _UNSETTLED)
        reason[stop_end] = np.where(found, _UNDECIDED, unsettled)[stop_end]
        active &= ~(stop_ok | stop_kink | stop_f0 | stop_end)

        hist.update(
            D2=hist.get("D1"), N2=hist.get("N1"), D1=D, N1=N, S1=S, NS1=NS, P1=plus, M1=minus
        )
        T_prev, R_prev = T, R

    found = best_k >= 0
    value = np.where(found, best_v, any_v)
    error = np.where(reason == _OK, best_e, np.inf)
    h_used = np.where(found, best_h, np.where(np.isfinite(any_h), any_h, h_last))
    info = {"h_first": h_first, "h_last": h_last, "plus": side_plus, "minus": side_minus, "f0": f0}
    return value, error, h_used, reason, info


def _parabola_check(t: list[Any], d: list[Any], r: list[Any]) -> tuple[Any, Any]:
    """Whether d[3:] lie on the parabola through (t[i], d[i]), i < 3, and by how much they miss.

    A point passes when it misses by at most 2 % of |d[2] − d[1]| plus _SLACK times the
    round-off r carried through the interpolation weights.
    """
    passed = np.ones(np.shape(d[0]), dtype=bool)
    worst = np.zeros(np.shape(d[0]))
    for t_c, d_c, r_c in zip(t[3:], d[3:], r[3:], strict=True):
        weights = [
            (t_c - t[1]) * (t_c - t[2]) / ((t[0] - t[1]) * (t[0] - t[2])),
            (t_c - t[0]) * (t_c - t[2]) / ((t[1] - t[0]) * (t[1] - t[2])),
            (t_c - t[0]) * (t_c - t[1]) / ((t[2] - t[0]) * (t[2] - t[1])),
        ]
        predicted = sum(w * di for w, di in zip(weights, d[:3], strict=True))
        allowance = r_c + sum(np.abs(w) * ri for w, ri in zip(weights, r[:3], strict=True))
        miss = np.abs(d_c - predicted)
        passed &= miss <= 0.02 * np.abs(d[2] - d[1]) + _SLACK * allowance
        worst = np.maximum(worst, miss)
    return passed, worst


def _one_step(
    calls: _Calls, x: Any, h: Any, method: str
) -> tuple[Any, Any, Any, Any, dict[str, Any]]:
    """Forward, backward or central differences at h, checked at other steps and the other side."""
    ax = np.maximum(np.abs(x), 1.0)  # the scale of x, as for the default steps
    g1 = (x + h) - x  # round the steps so that x ± g is exactly representable
    # h/2, h, 2h, then the checks' steps off the powers of two
    fractions = (0.5, 1.0, 2.0, *(_CHECKS if method != "central" else _CHECKS[:1]))
    steps = [(x + q * g1) - x for q in fractions]
    f0 = calls(x)
    if method == "central":
        pairs = [(calls(x + g), calls(x - g)) for g in steps]
        d = [(fp - fm) / (2 * g) for (fp, fm), g in zip(pairs, steps, strict=True)]
        # S(s) = (f(x + s) − 2f(x) + f(x − s)) / s, the one-sided quotients' difference
        S = [(fp - 2 * f0 + fm) / g for (fp, fm), g in zip(pairs, steps, strict=True)]
        slope = np.abs(d[1]) + np.abs(S[2])  # about the largest |f'| on [x − 2h, x + 2h]
        r = [
            EPS * (np.abs(fp) + np.abs(fm) + 2 * ax * slope) / (2 * g)
            for (fp, fm), g in zip(pairs, steps, strict=True)
        ]
        # truncation ≈ (D(2h) − D(h))/3 ≈ (4/3)(D(h) − D(h/2)): the larger of three and one
        # and a half times these (an h⁴ term can cancel the h² term in one, not in both)
        truncation = np.maximum(np.abs(d[2] - d[1]), 2 * np.abs(d[1] - d[0]))
        error = truncation + 2 * r[1] + r[2] + r[0] + EPS * np.abs(d[1])
        bands = _BAND_TWO_SIDED
        powers = [g**2 for g in steps]  # D(s) is a series in s²
        L1, L2 = 2 * S[0] - S[1], 2 * S[1] - S[2]  # S extrapolated to s → 0: f'(x+) − f'(x−)
        NS_all = [  # round-off of S(s): 2r(s) from f(x ± s), 2ε(|f(x)| + |x·f'|)/s from f(x)
            2 * ri + 2 * EPS * (np.abs(f0) + ax * slope) / g for ri, g in zip(r, steps, strict=True)
        ]
        NS = NS_all[:3]
        noise = (2 * NS[0] + NS[1]) + (2 * NS[1] + NS[2])
        kink = np.abs(L1) > 4 * (np.abs(L1 - L2) + noise)
        sides_agree = np.abs(L1) <= np.abs(L1 - L2) + noise
        plus, minus = d[1] + S[1] / 2, d[1] - S[1] / 2
    else:
        sign = 1.0 if method == "forward" else -1.0
        signed = [sign * g for g in steps]
        values = [calls(x + g) for g in signed]
        d = [(v - f0) / g for v, g in zip(values, signed, strict=True)]
        slope = np.abs(d[1]) + 4 * np.abs(d[2] - d[1])  # about the largest |f'| on [x, x + 2h]
        r = [
            EPS * (np.abs(v) + np.abs(f0) + 2 * ax * slope) / g
            for v, g in zip(values, steps, strict=True)
        ]
        # truncation ≈ d(2h) − d(h) ≈ 2(d(h) − d(h/2)): take the larger, twice (an h² term
        # can cancel the h term in one of the differences, not in both)
        truncation = np.maximum(np.abs(d[2] - d[1]), 2 * np.abs(d[1] - d[0]))
        error = 2 * truncation + 2 * r[1] + r[2] + r[0] + EPS * np.abs(d[1])
        bands = _BAND_ONE_SIDED
        powers = signed  # d(s) is a series in s
        # the quotient on the other side, at x ∓ h, should continue this side's trend:
        # d(−h) ≈ d(h) − 2(d(2h) − d(h))
        g_other = (x - sign * g1) - x
        f_other = calls(x + g_other)
        d_other = (f_other - f0) / g_other
        r_other = EPS * (np.abs(f_other) + np.abs(f0) + 2 * ax * slope) / np.abs(g_other)
        jump = (d[1] - d_other) - 2 * (d[2] - d[1])
        change = np.abs(d[2] - d[1]) + np.abs(d[1] - d[0])
        noise = r[0] + r[1] + r[2] + r_other
        kink = np.isfinite(d_other) & (np.abs(jump) > 8 * change + 4 * noise)
        sides_agree = ~np.isfinite(d_other) | (np.abs(jump) <= 2 * change + 4 * noise)
        plus, minus = (d[1], d_other) if method == "forward" else (d_other, d[1])
    needed = np.isfinite(f0) & np.isfinite(d[0]) & np.isfinite(d[1]) & np.isfinite(d[2])
    # Round-off in f can be larger than the model says (sin(u) near a root, u = 3x + 6, is
    # rounded to ε·|u|): the order checks allow _SLACK times the model; the error estimate
    # itself rests on the measured difference d(2h) − d(h).
    ordered = _agree(
        d[2] - d[1], _SLACK * (r[1] + r[2]), d[1] - d[0], _SLACK * (r[0] + r[1]), bands
    )
    # The quotients at steps off the powers of two lie on the parabola (in s, or in s² for
    # central differences) through d(h/2), d(h), d(2h): a step that aliases an oscillation
    # rarely passes these tests as well. How far they miss measures the round-off that f
    # really has (more than the model where f's own arithmetic cancels): it joins the error.
    on_parabola, miss = _parabola_check(powers, d, r)
    ordered &= on_parabola
    error = error + miss
    if method == "central":  # the even part too: S(s)/s = f'' + f''''·s²/12 + … is in s²
        even = [Si / g for Si, g in zip(S, steps, strict=True)]
        noise_even = [Ni / g for Ni, g in zip(NS_all, steps, strict=True)]
        even_ok = _parabola_check(powers, even, noise_even)[0]
    else:
        even_ok = np.ones(np.shape(x), dtype=bool)
    reason = np.select(
        [~np.isfinite(f0), ~needed, ~ordered, kink, ~sides_agree, ~even_ok],
        [_F0, _NOT_FINITE, _ORDER, _KINK, _ORDER, _ORDER],
        default=_OK,
    )
    error = np.where(reason == _OK, error, np.inf)
    info = {"plus": plus, "minus": minus, "f0": f0}
    return d[1], error, np.abs(g1), reason, info


def _complex_step(
    f: Callable[..., Any], x: Any, h: Any, shape: tuple[int, ...]
) -> tuple[Any, Any, Any, Any, dict[str, Any]]:
    """Im f(x + ih)/h: no subtraction, so h can be tiny and round-off never grows."""

    def at(z: Any) -> Any:
        try:
            with warnings.catch_warnings():  # math.sin(complex) drops the imaginary part, warning
                warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
                out = np.asarray(f(z.reshape(shape)))
        except TypeError as exc:
            raise ValueError(f"method='complex' needs f to accept complex input: {exc}") from None
        if not (np.iscomplexobj(out) and out.shape == shape):
            raise ValueError(
                "method='complex' needs f to accept complex input and return complex output "
                "element-wise (does f call math.* or take a real part?)"
            )
        return out.reshape(-1)

    scale = np.maximum(np.abs(x), 1.0)
    near = (x + _COMPLEX_NEAR * scale) - x  # s, exactly representable
    f1, f2, f_conj, f_near = (at(x + 1j * s) for s in (h, 2 * h, -h, near))
    f0, f_right, f_left = (at(x + s + 0j).real for s in (0.0, near, -near))
    d1, d2 = f1.imag / h, f2.imag / (2 * h)
    d_conj = f_conj.imag / -h  # f(x − ih) = conj f(x + ih) when f is analytic at x
    # Each value of f is trusted to ε(|f| + max(|x|, 1)·|f'|), as for the real methods.
    trust = EPS * (np.abs(f0) + np.abs(f_right) + np.abs(f_left) + 3 * scale * np.abs(d1))
    # The curvature f'' from (f(x + s) − 2f(x) + f(x − s))/s², its round-off included: f rounds
    # its argument (sin(w·x) computes w·x to ε), so the value is f' at a point up to
    # ε·max(|x|, 1) away, off by that times f''.
    curvature = np.abs(f_right - 2 * f0 + f_left) / near**2 + 2 * trust / near**2
    # Nothing is subtracted between evaluations, but f's own arithmetic can cancel inside the
    # imaginary part (x³ − 2x near 3x² = 2): allow ε times the size of f per unit of x as well.
    noise = EPS * (np.abs(d1) + np.abs(f1.real) / scale)
    error = np.abs(d2 - d1) + 2 * noise + 2 * EPS * scale * curvature
    # The checks, at a small step s: for f analytic at x, the real central difference and
    # Im f(x + is)/s err by opposite amounts, ±f'''s²/6, so their mean is f'(x) to O(s⁴) and
    # the value must be that close; likewise (f(x + s) + f(x − s))/2 and Re f(x + is) err by
    # ±f''s²/2, so they add up to 2f(x) to O(s⁴). Code that takes abs, real or conj of its
    # argument (|x − 1| + x²) or picks a branch by comparing (max(x, 0)) fails one of them, or
    # f(x − ih) = conj f(x + ih); a step h too large for f misses the first by its true error.
    real_d = (f_right - f_left) / (2 * near)
    imag_d = f_near.imag / near
    spread = np.abs(real_d - imag_d)  # ≈ |f'''|s²/3; the O(s⁴) terms stay well below it
    allowed = error + 0.1 * spread + _SLACK * (trust / near + noise)
    analytic = (np.abs(d1 - d_conj) <= 4 * noise) & (np.abs(d1 - (real_d + imag_d) / 2) <= allowed)
    mean = (f_right + f_left) / 2
    even = np.abs(mean + f_near.real - 2 * f0)
    kink = even > 0.1 * np.abs(mean - f_near.real) + _SLACK * (trust + EPS * np.abs(f_near.real))
    plus, minus = (f_right - f0) / near, (f0 - f_left) / near
    finite = np.isfinite(d1) & np.isfinite(d2) & np.isfinite(d_conj) & np.isfinite(real_d)
    finite &= np.isfinite(imag_d) & np.isfinite(curvature)
    reason = np.select([~finite, ~analytic, kink], [_NOT_FINITE, _NOT_ANALYTIC, _KINK], default=_OK)
    error = np.where(reason == _OK, error, np.inf)
    info = {"plus": plus, "minus": minus, "f0": f0}
    return d1, error, np.asarray(h, dtype=np.float64), reason, info


def _why(code: int, method: str, x: float, h: float, info: dict[str, Any], i: int) -> str:
    """Why a point is not ok, in words."""
    at = f"x = {x!r}"
    if code == _KINK:
        left, right = info["minus"][i] + 0.0, info["plus"][i] + 0.0  # no "-0"
        return (f"the one-sided derivatives differ at {at}: f'(x−) ≈ {left:.6g}, "
                f"f'(x+) ≈ {right:.6g} (not differentiable)")  # fmt: skip
    if code == _F0:
        return f"f({x!r}) is {info['f0'][i]}, not a finite number: no derivative at {at}"
    if code == _DOMAIN:
        return (f"f is not finite on both sides of {at} for any step tried, down to "
                f"{info['h_last'][i]:.3g}: x is outside f's domain or at its edge")  # fmt: skip
    if code == _UNSETTLED:
        return (f"the difference quotients at {at} did not settle as the step shrank from "
                f"{info['h_first'][i]:.3g} to {info['h_last'][i]:.3g}: f varies faster than "
                f"these steps resolve, or is not differentiable there")  # fmt: skip
    if code == _UNDECIDED:
        return (f"the one-sided quotients at {at} neither agree nor settle down to "
                f"h = {info['h_last'][i]:.3g} (f'(x−) ≈ {info['minus'][i]:.6g}, "
                f"f'(x+) ≈ {info['plus'][i]:.6g}): f may not be differentiable there")  # fmt: skip
    if code == _ORDER:
        return (f"the {method} quotients at {at} do not behave as the formula's order says "
                f"at the steps around h = {h:.3g}: the error estimate does not hold there (f "
                f"varies on a scale below h, or h is lost in round-off; try another h or "
                f"method='richardson')")  # fmt: skip
    if code == _NOT_ANALYTIC:
        return (f"the complex step at {at} disagrees with f(x − ih) or with real differences: "
                f"f is not analytic there (a kink, a branch, or abs/real/conj inside), so the "
                f"complex step does not apply")  # fmt: skip
    return f"f is not finite at the points the {method} formula needs around {at} (h = {h:.3g})"


def _message(method: str, x: Any, h: Any, reason: Any, info: dict[str, Any]) -> str:
    """One line for a point; for an array, a count and the first three failures."""
    bad = np.flatnonzero(reason != _OK)
    if bad.size == 0:
        checked = {
            "richardson": "the tableau is consistent over five or more steps and at two steps "
            "between, and the one-sided derivatives agree",
            "complex": "f(x − ih) is the conjugate of f(x + ih), and real differences agree "
            "with the value and with each other",
        }.get(method, "the quotients at h/2, h, 2h and two steps between shrink as the "
              "formula's order says and the two sides agree")  # fmt: skip
        return f"ok: {checked}" if x.size == 1 else f"ok at all {x.size} points: {checked}"
    words = [_why(int(reason[i]), method, float(x[i]), float(h[i]), info, int(i)) for i in bad[:3]]
    if x.size == 1:
        return words[0]
    more = f"; and {bad.size - 3} more" if bad.size > 3 else ""
    listed = "; ".join(f"[{i}] {w}" for i, w in zip(bad[:3], words, strict=False))
    return f"not ok at {bad.size} of {x.size} points: {listed}{more}"


def difference_jacobian(
    f: Callable[..., Any] | str,
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
    f : callable or str
        ``f(x)`` for a 1-D float array x, returning a scalar or an array of any shape; or maths
        text, read by the safe parser, a function of the vector of its variables in
        alphabetical order (``"x*y, sin(x)"``: two values of (x, y)).
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
    >>> np.allclose(difference_jacobian("x*y, sin(x)", [1.0, 2.0], method="central"), J)
    True
    """
    from mvcalc._validate import finite_array, finite_vector, function, one_of

    method = one_of(method, ("forward", "central"), "method")
    xa = finite_vector(x, "x")
    if isinstance(f, str):
        f = _vector_function(f, xa.size)
    function(f, "f", "f(x), or maths text")
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
    f: Callable[..., Any] | str,
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
    f : callable or str
        A function of one variable written with NumPy (complex-capable for the complex step),
        or maths text in one variable, read by the safe parser.
    x : float
        The point.
    exact : float, optional
        The true derivative; by default Richardson extrapolation, whose error is far below any
        finite difference studied here.
    h : array_like, optional
        The steps; default 10⁻¹⁶ … 1 (times max(|x|, 1)), 97 of them.
    label : str, optional
        The function's name for the figure (for maths text, by default the text).

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
    >>> mc.calculus.step_size_study("exp(x)", 1.0).label      # maths text names itself
    'exp(x)'
    """
    from mvcalc._validate import finite_array, finite_float

    if isinstance(f, str) and label == "f":
        label = f
    f = _as_callable(f)
    x = finite_float(x, "x")
    scale = max(abs(x), 1.0)
    hs = np.logspace(-16, 0, 97) * scale if h is None else finite_array(h, "h")
    if hs.ndim != 1 or hs.size < 2 or not np.all(hs > 0):
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
