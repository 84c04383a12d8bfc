"""Interval arithmetic with outward rounding: rigorous enclosures of a function's range.

An interval is a pair ``(lo, hi)`` of floats. Each operation here returns an interval that
contains every value the operation takes on its argument intervals: the floats computed at the
ends (or at the extremes inside) are widened outward by a few units in the last place
(:func:`outward`), more than the error of the operation, so that rounding can never make an
enclosure miss the truth. When no finite enclosure is known — a pole or a domain edge inside the
interval, a value that is not a number — :class:`NotBounded` is raised; the caller's honest
answer is then "unbounded" (``inf``), never a number below the truth.

The elementary functions' rules (:func:`sin`, :func:`tan`, …) are read through the table of
:mod:`mvcalc._functions`; :mod:`mvcalc.series` uses them for its rigorous remainder bounds.

Examples
--------
>>> lo, hi = sin(0.0, 3.0)          # sin over [0, 3] is [0, 1]
>>> lo <= 0.0 and 1.0 <= hi and hi - lo < 1.0 + 1e-12
True
"""

from __future__ import annotations

import math
from collections.abc import Callable

Interval = tuple[float, float]

EPS = 2.0**-52  # the gap between 1 and the next float
_ULPS = 4 * EPS  # the widening: more than the error of an operation correctly rounded to 1 ulp
_TINY = 1e-300  # and an absolute part, for results near zero or subnormal
_MAX = 1.7976931348623157e308
_BIG = 1e8  # beyond this |x|, the position of a pole of tan (π/2 + kπ) is not resolved well


class NotBounded(Exception):
    """No finite enclosure is known: a pole or a domain edge inside, or NaN."""


def outward(lo: float, hi: float, rel: float = _ULPS) -> Interval:
    """``(lo, hi)`` widened by ``rel`` relative and a tiny absolute amount (infinities kept).

    Examples
    --------
    >>> lo, hi = outward(1.0, 2.0)
    >>> lo < 1.0 and hi > 2.0
    True
    """
    if math.isnan(lo) or math.isnan(hi):
        raise NotBounded
    if lo == math.inf:  # the whole interval lies beyond the largest float
        lo = _MAX
    elif lo != -math.inf:
        lo = lo - (rel * abs(lo) + _TINY)
    if hi == -math.inf:
        hi = -_MAX
    elif hi != math.inf:
        hi = hi + (rel * abs(hi) + _TINY)
    return lo, hi


def constant(value: float) -> Interval:
    """An interval holding a real constant given to the nearest float (``float(pi)``)."""
    if not math.isfinite(value):
        raise NotBounded
    return outward(value, value)


def add(items: list[Interval]) -> Interval:
    """The sum of intervals (each end summed exactly rounded by ``math.fsum``)."""
    return outward(_sum([a for a, _ in items], -1), _sum([b for _, b in items], +1))


def _sum(values: list[float], side: int) -> float:
    if any(math.isnan(v) for v in values):
        raise NotBounded
    infinite = [v for v in values if math.isinf(v)]
    if infinite:
        # +inf and -inf together: the sum is unknown; take the safe side
        return infinite[0] if len(set(infinite)) == 1 else side * math.inf
    try:
        return math.fsum(values)
    except OverflowError:
        return side * math.inf


def mul(items: list[Interval]) -> Interval:
    """The product of intervals, widened after each factor (0 · ∞ taken as 0)."""
    lo, hi = items[0]
    for c, d in items[1:]:
        products = [lo * c, lo * d, hi * c, hi * d]
        products = [0.0 if math.isnan(p) else p for p in products]  # 0 · ∞
        lo, hi = outward(min(products), max(products))
    return lo, hi


def reciprocal(a: float, b: float) -> Interval:
    """1/x over [a, b]; unbounded when the interval holds 0."""
    if a <= 0.0 <= b:
        raise NotBounded
    return outward(1.0 / b, 1.0 / a)


def _pow(v: float, n: int) -> float:
    try:
        return v**n
    except OverflowError:
        return math.inf if v > 0 or n % 2 == 0 else -math.inf


def power(box: Interval, p: int, q: int) -> Interval:
    """x^(p/q) over ``box`` (q > 0, p/q in lowest terms), as SymPy means it for real x.

    Integer powers follow their sign pattern; a negative power of an interval holding 0 is
    unbounded. A fractional power is real for x ≥ 0 only (SymPy's principal root), so a box
    reaching below 0 has no enclosure.

    Examples
    --------
    >>> lo, hi = power((-2.0, 1.0), 2, 1)
    >>> lo <= 0.0 and 4.0 <= hi < 4.0 + 1e-12
    True
    """
    a, b = box
    if q == 1:
        if p == 0:
            return (1.0, 1.0)
        if p < 0:
            if a <= 0.0 <= b:
                raise NotBounded
            return reciprocal(*power(box, -p, 1))
        if p % 2 == 0:
            ends = [_pow(abs(a), p), _pow(abs(b), p)]
            return outward(0.0 if a <= 0.0 <= b else min(ends), max(ends))
        return outward(_pow(a, p), _pow(b, p))
    if a < 0.0 or (p < 0 and a == 0.0):
        raise NotBounded
    if (p, q) == (1, 2):
        return outward(math.sqrt(a), math.sqrt(b))  # correctly rounded
    exponent = p / q  # rounded: x^e differs from x^(p/q) by a factor exp(ln x · δe)
    logs = [abs(math.log(v)) for v in (a, b) if 0.0 < v < math.inf]
    rel = _ULPS + 2 * EPS * abs(exponent) * max(logs, default=0.0)
    ends = [_real_pow(a, exponent), _real_pow(b, exponent)]
    return outward(min(ends), max(ends), rel)


def _real_pow(v: float, exponent: float) -> float:
    try:
        return float(v**exponent)
    except OverflowError:
        return math.inf
    except ZeroDivisionError:
        return math.inf


# ------------------------------------------------------------------------------------------
# The elementary functions' rules: f(a, b) → an interval holding f([a, b])
# ------------------------------------------------------------------------------------------


def _guarded(
    g: Callable[[float], float], overflow: Callable[[float], float]
) -> Callable[[float], float]:
    def value(v: float) -> float:
        try:
            return g(v)
        except OverflowError:
            return overflow(v)

    return value


_exp = _guarded(math.exp, lambda v: math.inf)
_sinh = _guarded(math.sinh, lambda v: math.copysign(math.inf, v))
_cosh = _guarded(math.cosh, lambda v: math.inf)


def increasing(g: Callable[[float], float]) -> Callable[[float, float], Interval]:
    """The rule of a function increasing on the whole real line."""

    def rule(a: float, b: float) -> Interval:
        return outward(g(a), g(b))

    return rule


def exp(a: float, b: float) -> Interval:
    """e^x: increasing (``inf`` beyond the range of floats)."""
    return outward(_exp(a), _exp(b))


def log(a: float, b: float) -> Interval:
    """ln x: increasing on x > 0; no enclosure when the box reaches 0 or below."""
    if not a > 0.0:
        raise NotBounded
    return outward(math.log(a), math.log(b))


def _peaks(a: float, b: float, offset: float) -> list[float]:
    """±1 for each extreme of a sinusoid with extremes at offset + kπ (value (−1)^k) near [a, b].

    The box is first widened by a relative 10⁻⁹, far more than the error of the float π, so
    that an extreme at an end is never missed (an extra one only widens the enclosure).
    """
    margin = 1e-9 * (1.0 + max(abs(a), abs(b)))
    k = math.ceil((a - margin - offset) / math.pi)
    values = []
    while offset + k * math.pi <= b + margin:
        values.append(1.0 if k % 2 == 0 else -1.0)
        k += 1
    return values


def _sinusoid(g: Callable[[float], float], offset: float) -> Callable[[float, float], Interval]:
    def rule(a: float, b: float) -> Interval:
        if not (math.isfinite(a) and math.isfinite(b)) or b - a >= 2 * math.pi:
            return (-1.0, 1.0)
        if max(abs(a), abs(b)) > _BIG:
            return (-1.0, 1.0)
        values = [g(a), g(b), *_peaks(a, b, offset)]
        lo, hi = outward(min(values), max(values))
        return max(lo, -1.0), min(hi, 1.0)

    return rule


sin = _sinusoid(math.sin, math.pi / 2)
sin.__doc__ = "sin x: the ends, and ±1 at each peak inside."
cos = _sinusoid(math.cos, 0.0)
cos.__doc__ = "cos x: the ends, and ±1 at each peak inside."


def _pole_inside(a: float, b: float, offset: float) -> bool:
    """Whether a pole offset + kπ lies in [a, b] (widened; True too when it cannot be told)."""
    if not (math.isfinite(a) and math.isfinite(b)) or max(abs(a), abs(b)) > _BIG:
        return True
    if b - a >= math.pi:
        return True
    margin = 1e-9 * (1.0 + max(abs(a), abs(b)))
    k = math.ceil((a - margin - offset) / math.pi)
    return offset + k * math.pi <= b + margin


def tan(a: float, b: float) -> Interval:
    """tan x: increasing between its poles at π/2 + kπ; none inside, or no enclosure."""
    if _pole_inside(a, b, math.pi / 2):
        raise NotBounded
    return outward(math.tan(a), math.tan(b))


def cot(a: float, b: float) -> Interval:
    """cot x = 1/tan x: decreasing between its poles at kπ; none inside, or no enclosure."""
    if _pole_inside(a, b, 0.0):
        raise NotBounded
    return outward(1.0 / math.tan(b), 1.0 / math.tan(a))


def sec(a: float, b: float) -> Interval:
    """sec x = 1/cos x, from the enclosure of cos (unbounded where cos may vanish)."""
    return reciprocal(*cos(a, b))


def csc(a: float, b: float) -> Interval:
    """csc x = 1/sin x, from the enclosure of sin (unbounded where sin may vanish)."""
    return reciprocal(*sin(a, b))


def _on(lo: float, hi: float, g: Callable[[float], float], rising: bool,
        open_ends: bool = False) -> Callable[[float, float], Interval]:  # fmt: skip
    """The rule of a monotone function defined on [lo, hi] (or (lo, hi) when open)."""

    def rule(a: float, b: float) -> Interval:
        outside = (a <= lo or b >= hi) if open_ends else (a < lo or b > hi)
        if outside:
            raise NotBounded
        return outward(g(a), g(b)) if rising else outward(g(b), g(a))

    return rule


asin = _on(-1.0, 1.0, math.asin, rising=True)
acos = _on(-1.0, 1.0, math.acos, rising=False)
atanh = _on(-1.0, 1.0, math.atanh, rising=True, open_ends=True)
acosh = _on(1.0, math.inf, math.acosh, rising=True)
atan = increasing(math.atan)
sinh = increasing(_sinh)
tanh = increasing(math.tanh)
asinh = increasing(math.asinh)


def cosh(a: float, b: float) -> Interval:
    """cosh x: smallest (1) at 0, growing both ways."""
    low = 1.0 if a <= 0.0 <= b else min(_cosh(a), _cosh(b))
    return outward(low, max(_cosh(a), _cosh(b)))


def absolute(a: float, b: float) -> Interval:
    """|x|: 0 when the box holds 0, else the ends."""
    low = 0.0 if a <= 0.0 <= b else min(abs(a), abs(b))
    return outward(low, max(abs(a), abs(b)))


def sign(a: float, b: float) -> Interval:
    """sign x ∈ {−1, 0, 1}, non-decreasing: exactly [sign a, sign b]."""
    return (math.copysign(1.0, a) if a != 0.0 else 0.0, math.copysign(1.0, b) if b != 0.0 else 0.0)


def dirac_delta(a: float, b: float) -> Interval:
    """δ(x) and its derivatives (which appear in the derivatives of sign and abs): 0 away from
    0, and no enclosure on a box that holds 0."""
    if a <= 0.0 <= b:
        raise NotBounded
    return (0.0, 0.0)
