"""The taylor page: f and its Taylor polynomial Pₙ about x₀, how far apart they are, a rigorous
bound on that distance over an interval, and the radius of convergence.

Pₙ is :func:`mvcalc.taylor`'s, with exact coefficients f⁽ᵏ⁾(x₀)/k! at an exact x₀ (the dragged
float, rounded to three decimals, as a rational). The bound is
:meth:`mvcalc.series.TaylorSeries.remainder_bound`: Lagrange's remainder with max |f⁽ⁿ⁺¹⁾| bounded
by interval arithmetic (rigorous), or, for a function the interval evaluator does not know, the
maximum on a grid (an estimate, and said so). The radius is
:meth:`mvcalc.series.TaylorSeries.radius_of_convergence`, the root test on 40 terms of the
series, shown only when the same test on 60 terms agrees (for a pair of complex singularities the
estimates wander, and an entire function such as exp(−x²) can look finite). It has an action of
its own, with a soft time limit, because SymPy's series can take seconds where everything else
takes milliseconds.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from mvcalc.lab._api import Expression, expression, integer, jsonable, number

if TYPE_CHECKING:
    import sympy

    from mvcalc.series import RemainderBound, TaylorSeries

__all__ = ["ACTIONS", "MAX_ORDER", "exact_point", "radius", "view"]

SAMPLES = 401  # points drawn along f and Pₙ
MAX_ORDER = 10  # the order slider's end
R_RANGE = (0.01, 10.0)  # the interval's half-width r
SPAN_RANGE = (0.1, 200.0)  # the drawn x range's length
WINDOW = 100.0  # the drawn x range lies within ±WINDOW
RADIUS_SECONDS = 3.0  # SymPy's series for the radius may take this long, then "unknown"
RADIUS_TERMS = (40, 60)  # the root test on this many terms of the series, twice
MAX_SHOWN = 400  # characters of the exact polynomial sent to the page


def exact_point(x0: float) -> sympy.Rational:
    """The expansion point used for a dragged ``x0``: rounded to three decimals, exactly.

    Parameters
    ----------
    x0 : float
        The point as the page sends it.

    Returns
    -------
    sympy.Rational
        The decimal with three places as an exact rational (mc.taylor needs an exact x₀ to give
        exact coefficients; a short one keeps SymPy's arithmetic quick).

    Examples
    --------
    >>> exact_point(0.1234), exact_point(-1.0), exact_point(2 / 3)
    (123/1000, -1, 667/1000)
    """
    import sympy

    return sympy.Rational(str(round(float(x0), 3)))


@lru_cache(maxsize=256)
def _series(e: Expression, x0: sympy.Rational, order: int) -> TaylorSeries:
    from mvcalc.series import taylor

    return taylor(e.expr, x0, order)


@lru_cache(maxsize=256)
def _bound(e: Expression, x0: sympy.Rational, order: int, r: float) -> RemainderBound:
    x = float(x0)
    return _series(e, x0, order).remainder_bound(x - r, x + r)


def _text(polynomial: Any) -> str | None:
    """The exact polynomial as the page shows it (``^`` for powers), or None when too long."""
    import sympy

    shown = sympy.sstr(polynomial).replace("**", "^")
    return shown if len(shown) <= MAX_SHOWN else None


def view(body: dict[str, Any]) -> dict[str, Any]:
    """Everything the page draws for f, the point x₀, the order n and the interval's half-width r.

    Parameters
    ----------
    body : dict
        ``f`` (maths text in x, default ``log(1 + x)``), ``x0`` (default 0, within the drawn
        range; rounded to three decimals, see :func:`exact_point`), ``order`` (0 to 10, default
        3), ``r`` (the bound's interval is [x₀ − r, x₀ + r]; 0.01 to 10, default 0.5), ``lo``
        and ``hi`` (the drawn x range, default −3 and 3).

    Returns
    -------
    dict
        ``f``, ``x0`` (the point used), ``x0_exact`` (it as a fraction), ``order``, ``r``,
        ``xs``, ``fx`` (f along the range, None where undefined), ``px`` (Pₙ), ``err``
        (|f − Pₙ|), ``fx0``, ``coefficients`` (c_k of (x − x₀)^k, as floats),
        ``polynomial`` (exact, in powers of (x − x₀); None when very long), and ``bound``:
        ``value`` (None when f⁽ⁿ⁺¹⁾ has no finite bound there), ``interval``, ``actual``
        (the largest |f − Pₙ| on a grid of 4001 points), ``derivative`` (the bound used for
        max |f⁽ⁿ⁺¹⁾|), ``rigorous``.

    Examples
    --------
    >>> answer = view({"f": "exp(x)", "x0": 0, "order": 4, "r": 1})
    >>> answer["coefficients"][:3], answer["polynomial"]
    ([1.0, 1.0, 0.5], 'x^4/24 + x^3/6 + x^2/2 + x + 1')
    >>> b = answer["bound"]
    >>> b["rigorous"], b["interval"], round(b["value"], 6), b["actual"] <= b["value"]
    (True, [-1.0, 1.0], 0.022652, True)
    """
    e = expression(body, "f", ("x",), default="log(1 + x)")
    lo = number(body, "lo", -3.0, low=-WINDOW, high=WINDOW)
    hi = number(body, "hi", 3.0, low=-WINDOW, high=WINDOW)
    if not SPAN_RANGE[0] <= hi - lo <= SPAN_RANGE[1]:
        raise ValueError(f"hi − lo must be from {SPAN_RANGE[0]:g} to {SPAN_RANGE[1]:g}, "
                         f"got lo = {lo:g}, hi = {hi:g}")  # fmt: skip
    x0_asked = number(body, "x0", 0.0, low=lo, high=hi)
    order = integer(body, "order", 3, 0, MAX_ORDER)
    r = number(body, "r", 0.5, low=R_RANGE[0], high=R_RANGE[1])
    point = exact_point(x0_asked)
    series = _series(e, point, order)
    remainder = _bound(e, point, order, r)
    with np.errstate(all="ignore"):
        xs = np.linspace(lo, hi, SAMPLES)
        fx = np.asarray(series.f(xs), dtype=float) * np.ones_like(xs)
        px = np.asarray(series(xs), dtype=float)
        err = np.abs(fx - px)
    bound = remainder.bound
    curves: dict[str, Any] = jsonable({"xs": xs, "fx": fx, "px": px, "err": err}, digits=7)
    answer: dict[str, Any] = jsonable({
        "f": e.text,
        "x0": float(point),
        "x0_exact": str(point),
        "order": order,
        "r": r,
        "lo": lo,
        "hi": hi,
        **curves,
        "fx0": series.value,
        "coefficients": [float(c) for c in series.coefficients],
        "polynomial": _text(series.centered_polynomial),
        "bound": {
            "value": bound,
            "interval": list(remainder.interval),
            "actual": remainder.actual,
            "derivative": remainder.derivative_bound,
            "rigorous": remainder.rigorous,
        },
    })  # fmt: skip
    return answer


class _Late(BaseException):
    """The soft time limit of :func:`_soft_limit` ran out (a BaseException, so that no
    ``except Exception`` inside SymPy swallows it)."""


def _late(signum: int, frame: Any) -> None:
    raise _Late


@contextmanager
def _soft_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`_Late` in this block after ``seconds`` (SIGALRM). Only on the main thread
    of a Unix process whose real-time timer is free, as in the lab's worker processes;
    elsewhere there is no limit but the lab's own."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _late)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@lru_cache(maxsize=256)
def _radius(e: Expression, x0: sympy.Rational) -> tuple[str, float | None, str]:
    """The library's estimate from 40 terms, kept only when the one from 60 terms agrees; none
    when f is not even differentiable 10 times at x₀ (a series of sqrt(x) about 0 has no
    integer powers, and the root test would read its zeros as R = ∞)."""
    try:
        with _soft_limit(RADIUS_SECONDS):
            try:
                series = _series(e, x0, MAX_ORDER)
            except ValueError as exc:
                return "none", None, f"f has no Taylor series about this x₀: {exc}"
            estimates = [series.radius_of_convergence(terms) for terms in RADIUS_TERMS]
    except _Late:
        return "unknown", None, (f"SymPy's series of f about this x₀ took longer than "
                                 f"{RADIUS_SECONDS:g} s: no estimate")  # fmt: skip
    except (ValueError, ArithmeticError) as exc:
        return "unknown", None, f"no estimate: {exc}"
    low, high = RADIUS_TERMS
    first, second = estimates
    if math.isinf(first) and math.isinf(second):
        return "infinite", None, (f"the coefficients of {low} and of {high} terms fall faster "
                                  "than any geometric sequence")  # fmt: skip
    if math.isfinite(first) and math.isfinite(second) and abs(first - second) <= 0.02 * first:
        return "finite", first, f"the root test on {low} and on {high} terms agrees"
    return "unknown", None, (f"the root test disagrees with itself: {first:.4g} from {low} terms, "
                             f"{second:.4g} from {high}")  # fmt: skip


def radius(body: dict[str, Any]) -> dict[str, Any]:
    """The radius of convergence of f's Taylor series about x₀, where the library's estimate is
    steady: the root test on 40 and on 60 terms agree within 2 %, or both say infinite.

    Parameters
    ----------
    body : dict
        ``f`` (maths text in x, default ``log(1 + x)``) and ``x0`` (default 0, from −100 to 100;
        rounded to three decimals, see :func:`exact_point`).

    Returns
    -------
    dict
        ``x0`` (the point used), ``kind`` (``"finite"``, ``"infinite"``, ``"unknown"``, or
        ``"none"`` when f is not differentiable 10 times at x₀),
        ``radius`` (a number when finite, else None) and ``message`` (how it was found, or
        why it was not).

    Examples
    --------
    >>> answer = radius({"f": "log(x)", "x0": 2})
    >>> answer["kind"], round(answer["radius"], 6)
    ('finite', 2.0)
    >>> radius({"f": "exp(x)", "x0": 0})["kind"]
    'infinite'
    >>> radius({"f": "1/(1 + x^2)", "x0": 1.25})["kind"]    # the true radius is |1.25 ± i| = 1.6
    'unknown'
    >>> radius({"f": "sqrt(x)", "x0": 0})["kind"]
    'none'
    """
    e = expression(body, "f", ("x",), default="log(1 + x)")
    point = exact_point(number(body, "x0", 0.0, low=-WINDOW, high=WINDOW))
    kind, value, message = _radius(e, point)
    answer: dict[str, Any] = jsonable(
        {"x0": float(point), "kind": kind, "radius": value, "message": message}
    )
    return answer


ACTIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {"view": view, "radius": radius}
