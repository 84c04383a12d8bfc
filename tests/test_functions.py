"""The one table of elementary functions (mvcalc._functions) and the interval rules it holds.

Oracles: mpmath's interval arithmetic (``mpmath.iv``) at 50 digits, mpmath at 40 digits at the
ends of monotone pieces, and Taylor remainders measured with mpmath on exact SymPy polynomials
(coefficients computed here, not by mvcalc).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import mvcalc as mc
from mvcalc import _functions, _interval, _numeric, autodiff, series, symbolic

X = sympy.Symbol("x")
REAL = sympy.Dummy("x", real=True)


# ------------------------------------------------------------------------------------------
# One table, read by every feature
# ------------------------------------------------------------------------------------------


def test_the_parser_reads_the_table():
    assert set(symbolic.FUNCTIONS) == set(_functions.BY_NAME)
    for name, (constructor, counts) in symbolic.FUNCTIONS.items():
        entry = _functions.BY_NAME[name]
        assert constructor is entry.constructor
        assert counts == (entry.arities if name == entry.name else (1,))


def test_numeric_ad_and_explain_read_the_table():
    classes = set(_functions.by_sympy())
    assert set(_numeric._FUNCTIONS) == classes
    assert set(symbolic._FUNCTION_RULES) == classes
    for ufunc, rule in _functions.ad_rules().items():
        assert autodiff.forward.UNARY[ufunc] is rule
    assert np.sign in autodiff.forward.STEP_FUNCTIONS


@pytest.mark.parametrize("name", sorted(symbolic.FUNCTIONS))
def test_every_parser_function_has_an_interval_rule(name):
    """Each name, and its first two derivatives, go through the interval evaluator."""
    texts = [f"{name}(x)", f"{name}(x, 2)"] if 2 in symbolic.FUNCTIONS[name][1] else [f"{name}(x)"]
    for text in texts:
        expr = symbolic.parse(text).xreplace({X: REAL})
        for k in range(3):
            series._compile(sympy.diff(expr, REAL, k), REAL)  # _Unsupported would fail here


@pytest.mark.parametrize("name", sorted(_functions.BY_NAME))
def test_every_entry_evaluates_like_sympy(name):
    """The NumPy function of each SymPy class agrees with SymPy at a point of its domain."""
    entry = _functions.BY_NAME[name]
    t = {"acosh": 1.7}.get(entry.name, 0.4)
    expr = symbolic.parse(f"{name}(x)")
    f = _numeric.numeric_function(expr, [X])
    assert float(f(t)) == pytest.approx(float(expr.subs(X, sympy.Rational(str(t))).evalf(30)))


def test_a_class_without_its_rules_is_refused():
    with pytest.raises(TypeError, match="lacks interval"):
        _functions.Elementary("f", "sin", np.sin, None, None, "f")


# ------------------------------------------------------------------------------------------
# Interval rules against mpmath
# ------------------------------------------------------------------------------------------

mpmath.iv.dps = 50
#: mpmath's interval functions that are tight (its tan, sec, csc and cot are not: over
#: [-1, 1.4] its tan starts at -4.95, below tan(-1) = -1.56)
IV = {"sin": mpmath.iv.sin, "cos": mpmath.iv.cos, "exp": mpmath.iv.exp, "log": mpmath.iv.log,
      "abs": mpmath.iv.fabs}  # fmt: skip

#: the others: monotone on their domains (cosh: on each side of 0), or between their poles with
#: extremes at known points (sec, csc)
MONOTONE = {"asin": mpmath.asin, "acos": mpmath.acos, "atan": mpmath.atan, "sinh": mpmath.sinh,
            "cosh": mpmath.cosh, "tanh": mpmath.tanh, "asinh": mpmath.asinh,
            "acosh": mpmath.acosh, "atanh": mpmath.atanh, "sign": mpmath.sign,
            "tan": mpmath.tan, "cot": mpmath.cot, "sec": mpmath.sec, "csc": mpmath.csc}  # fmt: skip
#: (poles, extremes) of the trigonometric ones, as offsets of kπ
TRIG = {"tan": (0.5, None), "cot": (0.0, None), "sec": (0.5, 0.0), "csc": (0.0, 0.5)}

DOMAIN = {"asin": (-1, 1), "acos": (-1, 1), "atanh": (-0.999999, 0.999999), "acosh": (1, 50),
          "log": (1e-300, 1e6), "sinh": (-800, 800), "cosh": (-800, 800),
          "exp": (-800, 800)}  # fmt: skip


def _points(offset, a, b):
    """The points (offset + k)π in [a, b], at 40 digits."""
    k = mpmath.ceil(mpmath.mpf(a) / mpmath.pi - offset)
    found = []
    while (offset + k) * mpmath.pi <= b:
        found.append((offset + k) * mpmath.pi)
        k += 1
    return found


def _oracle(name, a, b):
    """The exact range of the function over [a, b], at 40+ digits: (lo, hi) as mpf."""
    if name in IV:
        r = IV[name](mpmath.iv.mpf([a, b]))
        return mpmath.mpf(r.a), mpmath.mpf(r.b)
    g = MONOTONE[name]
    with mpmath.workdps(40):
        values = [g(mpmath.mpf(a)), g(mpmath.mpf(b))]
        if name == "cosh" and a <= 0 <= b:
            values.append(mpmath.mpf(1))
        if name in TRIG:
            poles, extremes = TRIG[name]
            if _points(poles, a, b):
                return -mpmath.inf, mpmath.inf
            if extremes is not None:
                values += [g(t) for t in _points(extremes, a, b)]
        return min(values), max(values)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(set(IV) | set(MONOTONE))),
    u=st.floats(0, 1),
    width=st.floats(0, 1),
    scale=st.sampled_from([1e-6, 0.1, 1.0, 4.0]),
)
def test_interval_rules_contain_the_range(name, u, width, scale):
    lo_d, hi_d = DOMAIN.get(name, (-20.0, 20.0))
    a = lo_d + u * (hi_d - lo_d)
    b = min(a + width * scale, hi_d)
    rule = _functions.BY_NAME[name].interval
    assert rule is not None
    try:
        lo, hi = rule(a, b)
    except _interval.NotBounded:
        return  # "unbounded" is always a true answer (near poles and domain edges)
    true_lo, true_hi = _oracle(name, a, b)
    assert mpmath.isfinite(true_lo) and mpmath.isfinite(true_hi), "a pole was missed"
    slack = mpmath.mpf(10) ** -40 * (1 + abs(true_lo) + abs(true_hi))  # iv's own widening
    assert mpmath.mpf(lo) <= true_lo + slack, (a, b, lo, true_lo)
    assert mpmath.mpf(hi) >= true_hi - slack, (a, b, hi, true_hi)


@pytest.mark.parametrize(
    ("name", "a", "b"),
    [("sin", 0.1, 3.0), ("cos", -1.0, 2.0), ("tan", -1.0, 1.4), ("sec", -1.0, 1.0),
     ("csc", 0.5, 3.0), ("cot", 0.5, 3.0), ("asin", -1.0, 1.0), ("acos", -0.5, 1.0),
     ("atan", -5.0, 5.0), ("sinh", -2.0, 3.0), ("cosh", -2.0, 3.0), ("tanh", -2.0, 3.0),
     ("asinh", -2.0, 3.0), ("acosh", 1.0, 3.0), ("atanh", -0.9, 0.9), ("exp", -2.0, 3.0),
     ("log", 0.5, 3.0), ("abs", -2.0, 3.0), ("sign", -2.0, 3.0)],
)  # fmt: skip
def test_interval_rules_are_finite_and_tight_inside_the_domain(name, a, b):
    rule = _functions.BY_NAME[name].interval
    assert rule is not None
    lo, hi = rule(a, b)
    true_lo, true_hi = _oracle(name, a, b)
    assert mpmath.mpf(lo) <= true_lo and mpmath.mpf(hi) >= true_hi
    assert float(true_lo - lo) < 1e-12 * (1 + abs(true_lo))
    assert float(hi - true_hi) < 1e-12 * (1 + abs(true_hi))


@pytest.mark.parametrize(
    ("name", "a", "b"),
    [("tan", 1.0, 2.0), ("sec", 1.0, 2.0), ("csc", -0.5, 0.5), ("cot", 3.0, 3.2),
     ("log", -1.0, 1.0), ("log", 0.0, 1.0), ("asin", 0.5, 1.5), ("acosh", 0.5, 2.0),
     ("atanh", 0.5, 1.0)],
)  # fmt: skip
def test_interval_rules_refuse_poles_and_domain_edges(name, a, b):
    rule = _functions.BY_NAME[name].interval
    assert rule is not None
    with pytest.raises(_interval.NotBounded):
        rule(a, b)


def test_sums_are_rigorous_under_cancellation():
    """1e16 + 1 − 1e16 = 1: summing the ends in floats one by one would give 0."""
    lo, hi = _interval.add([(1e16, 1e16), (1.0, 1.0), (-1e16, -1e16)])
    assert lo <= 1.0 <= hi


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(-50, 50),
    width=st.floats(0, 20),
    exponent=st.sampled_from([(2, 1), (3, 1), (-1, 1), (-2, 1), (5, 1), (1, 2), (1, 3), (-3, 2)]),
)
def test_powers_contain_mpmath_intervals(a, width, exponent):
    p, q = exponent
    b = a + width
    try:
        lo, hi = _interval.power((a, b), p, q)
    except _interval.NotBounded:
        tiny = min(abs(a), abs(b))
        underflow = tiny == 0 or abs(p) * math.log10(tiny) < -280  # x^|p| rounds to 0
        # refused only where it must be, or where x^|p| underflows and 1/0 is all one knows
        assert (q > 1 and a < 0) or (p < 0 and (a <= 0 <= b or underflow))
        return
    box = mpmath.iv.mpf([a, b])
    r = box**p if q == 1 else mpmath.iv.exp(mpmath.iv.log(box) * mpmath.iv.mpf(p) / q)
    true_lo, true_hi = mpmath.mpf(r.a), mpmath.mpf(r.b)
    assert mpmath.mpf(lo) <= true_lo + mpmath.mpf(10) ** -40 * (1 + abs(true_lo))
    assert mpmath.mpf(hi) >= true_hi - mpmath.mpf(10) ** -40 * (1 + abs(true_hi))


def test_powers_and_reciprocals_near_zero_stay_rigorous():
    # 1/x² on [1e-200, 1] is [1, 1e400]: x² underflows to 0, so no finite enclosure (the old
    # code returned an interval ending at 1, far below 1e400)
    with pytest.raises(_interval.NotBounded):
        _interval.power((1e-200, 1.0), -2, 1)
    lo, hi = _interval.power((1e300, 1e300), 1, 3)
    true = mpmath.cbrt(mpmath.mpf(1e300))
    assert mpmath.mpf(lo) <= true <= mpmath.mpf(hi)


# ------------------------------------------------------------------------------------------
# remainder_bound ≥ the true maximum error, for every function the parser accepts
# ------------------------------------------------------------------------------------------

#: text, x0, order, intervals (each inside the domain; None: the bound may be infinite)
REMAINDER_CASES = [
    ("sin(x)", 0.3, 3, [(-1.0, 1.0), (0.2, 2.5)]),
    ("cos(x)", 0.3, 3, [(-1.0, 1.0), (0.2, 2.5)]),
    ("tan(x)", 0.2, 3, [(-1.0, 1.0), (0.0, 0.5)]),
    ("sec(x)", 0.2, 3, [(-1.0, 1.0)]),
    ("csc(x)", 1.0, 3, [(0.5, 2.0)]),
    ("cot(x)", 1.0, 3, [(0.5, 2.0)]),
    ("asin(x)", 0.0, 3, [(-0.5, 0.5), (0.1, 0.8)]),
    ("arcsin(x)", 0.0, 2, [(-0.5, 0.5)]),
    ("acos(x)", 0.0, 3, [(-0.5, 0.5)]),
    ("arccos(x)", 0.1, 2, [(-0.5, 0.5)]),
    ("atan(x)", 0.5, 3, [(-2.0, 2.0)]),
    ("arctan(x)", 0.5, 2, [(-2.0, 2.0)]),
    ("sinh(x)", 0.5, 3, [(-2.0, 2.0)]),
    ("cosh(x)", 0.5, 3, [(-2.0, 2.0)]),
    ("tanh(x)", 0.5, 3, [(-2.0, 2.0)]),
    ("asinh(x)", 0.5, 3, [(-2.0, 2.0)]),
    ("acosh(x)", 2.0, 3, [(1.5, 3.0)]),
    ("atanh(x)", 0.0, 3, [(-0.5, 0.5)]),
    ("exp(x)", 0.0, 4, [(-2.0, 2.0)]),
    ("log(x)", 1.0, 3, [(0.5, 2.0)]),
    ("ln(x)", 1.0, 2, [(0.5, 2.0)]),
    ("log(x, 2)", 1.0, 3, [(0.5, 2.0)]),
    ("sqrt(x)", 1.0, 3, [(0.25, 3.0)]),
    ("cbrt(x)", 1.0, 3, [(0.25, 3.0)]),
    ("abs(x)", 0.5, 1, [(0.2, 1.0), (-1.0, 1.0)]),
    ("sign(x)", 0.5, 1, [(0.1, 1.0), (-1.0, 1.0)]),
    ("sigmoid(x)", 0.0, 3, [(-3.0, 3.0)]),
]
CROSSING_A_KINK = {("abs(x)", (-1.0, 1.0)), ("sign(x)", (-1.0, 1.0))}


def test_the_cases_cover_every_parser_name():
    covered = {text.split("(")[0] for text, *_ in REMAINDER_CASES}
    assert covered == set(symbolic.FUNCTIONS)


def _true_max_error(text, x0, order, a, b):
    """max |f − Pₙ| on 2001 points of [a, b]: Pₙ's coefficients by SymPy here, all in mpmath."""
    expr = symbolic.parse(text).xreplace({X: REAL})
    centre = sympy.Rational(repr(x0))
    coefficients, d = [], expr
    for k in range(order + 1):
        coefficients.append(sympy.nsimplify(d.subs(REAL, centre)) / sympy.factorial(k))
        d = sympy.diff(d, REAL)
    f = sympy.lambdify(REAL, expr, modules="mpmath")
    c = [mpmath.mpf(sympy.N(ck, 40)) for ck in coefficients]
    worst = mpmath.mpf(0)
    with mpmath.workdps(40):
        for t in np.linspace(a, b, 2001):
            u = mpmath.mpf(float(t))
            p = sum(ck * (u - mpmath.mpf(x0)) ** k for k, ck in enumerate(c))
            worst = max(worst, abs(f(u) - p))
    return worst


@pytest.mark.parametrize(
    ("text", "x0", "order", "interval"),
    [(t, x0, n, iv) for t, x0, n, ivs in REMAINDER_CASES for iv in ivs],
)
def test_remainder_bound_is_never_below_the_true_error(text, x0, order, interval):
    a, b = interval
    r = mc.taylor(text, x0, order).remainder_bound(a, b)
    assert r.rigorous
    truth = _true_max_error(text, x0, order, a, b)
    assert r.bound >= truth, (r.bound, truth)
    if (text, interval) not in CROSSING_A_KINK:
        assert math.isfinite(r.bound)  # a finite bound where the function is smooth


def test_sign_across_zero_has_an_infinite_bound():
    """The old grid estimate said 0 here; the truth is |sign(x) − 1| = 2 for x < 0."""
    r = mc.taylor("sign(x)", 0.5, 1).remainder_bound(-1, 1)
    assert r.rigorous and r.bound == math.inf and r.actual == pytest.approx(2.0)
