"""Tests of mvcalc.symbolic: the safe parser, exact derivatives and the rules explained.

The oracle is SymPy itself, applied to expression trees built independently of the parser.
"""

from __future__ import annotations

import math
import operator
import time
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mvcalc import symbolic

X, Y = sp.symbols("x y")

# --------------------------------------------------------------------------------------------
# Random expressions, built twice: as text for the parser and as a SymPy tree for the oracle
# --------------------------------------------------------------------------------------------

LEAVES = st.sampled_from(
    [("x", X), ("y", Y), ("2", sp.Integer(2)), ("3", sp.Integer(3)), ("0.5", sp.Rational(1, 2)),
     ("pi", sp.pi), ("x", X)]
)  # fmt: skip
OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
FUNCS = {"exp": sp.exp, "sin": sp.sin, "cos": sp.cos, "tanh": sp.tanh, "log": sp.log,
         "sqrt": sp.sqrt, "atan": sp.atan}  # fmt: skip


def _extend(children):
    binary = st.tuples(children, st.sampled_from(sorted(OPERATORS)), children).map(
        lambda t: (f"({t[0][0]}) {t[1]} ({t[2][0]})", OPERATORS[t[1]](t[0][1], t[2][1]))
    )
    power = st.tuples(children, st.sampled_from(["^", "**"]), st.integers(2, 3)).map(
        lambda t: (f"({t[0][0]}){t[1]}{t[2]}", t[0][1] ** t[2])
    )
    call = st.tuples(st.sampled_from(sorted(FUNCS)), children).map(
        lambda t: (f"{t[0]}({t[1][0]})", FUNCS[t[0]](t[1][1]))
    )
    return binary | power | call


EXPRESSIONS = st.recursive(LEAVES, _extend, max_leaves=7)
POINTS = [(0.7, 1.3), (1.1, 0.6), (1.45, 1.05)]


def numerically_equal(a: sp.Expr, b: sp.Expr) -> bool | None:
    """Whether a and b agree at three points (skipping points where either is not finite);
    None when there is no point to compare at."""
    compared = 0
    for px, py in POINTS:
        va = complex(sp.N(a.subs({X: px, Y: py}), 20))
        vb = complex(sp.N(b.subs({X: px, Y: py}), 20))
        if not (math.isfinite(abs(va)) and math.isfinite(abs(vb))):
            continue
        compared += 1
        if abs(va - vb) > 1e-9 * max(1.0, abs(va), abs(vb)):
            return False
    return True if compared else None


def test_the_numeric_comparison_can_fail():
    assert not numerically_equal(sp.sin(X), sp.cos(X))
    assert not numerically_equal(X**2 * Y, X * Y**2)
    assert numerically_equal(sp.sin(X) ** 2 + sp.cos(X) ** 2, sp.Integer(1))
    assert numerically_equal(sp.log(-1 - X**2), sp.log(-2 - X**2)) is False  # complex: compared
    assert numerically_equal(sp.zoo * X, X) is None


def usable(expr: sp.Expr) -> bool:
    return not expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo)


@settings(max_examples=250, deadline=None)
@given(EXPRESSIONS)
def test_parse_and_diff_agree_with_sympy_on_random_expressions(pair):
    text, built = pair
    assume(usable(built))
    parsed = symbolic.parse(text)
    same = numerically_equal(parsed, built)
    assume(same is not None)  # nowhere finite: the example says nothing
    assert same
    for variable in (X, Y):
        got = symbolic.diff(text, str(variable))
        want = sp.diff(built, variable)
        assert numerically_equal(got, want) is not False, (text, got, want)


@settings(max_examples=120, deadline=None)
@given(EXPRESSIONS)
def test_explain_reaches_sympys_derivative(pair):
    _, built = pair
    assume(usable(built))
    if built.free_symbols and X not in built.free_symbols:  # said, not a silent 0
        with pytest.raises(ValueError, match="does not depend on x"):
            symbolic.explain(built, "x")
        return
    derivation = symbolic.explain(built, "x")
    same = numerically_equal(derivation.result, sp.diff(built, X))
    assume(same is not None)
    assert same
    assert derivation.steps and derivation.steps[0].expression == built
    assert all(step.rule for step in derivation.steps)


# --------------------------------------------------------------------------------------------
# explain: the rule names a teacher would use
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("x**2*sin(x)", ["product", "power", "sin"]),
        ("sin(x)/x", ["quotient", "sin", "power"]),
        ("sin(x**2)", ["chain", "sin", "power"]),
        ("x**5", ["power"]),
        ("2**x", ["exponential"]),
        ("3*x**2", ["constant multiple", "power"]),
        ("x + x**2", ["sum", "power", "power"]),
        ("log(x)", ["log"]),
        ("exp(3*x)", ["chain", "exp", "constant multiple", "power"]),
        ("x**x", ["general power", "product", "power", "log"]),
        ("7", ["constant"]),
        ("(x + 1)**3", ["chain", "power", "sum", "constant", "power"]),
        ("2**(x**2)", ["chain", "exponential", "power"]),
    ],
)
def test_explain_names_the_rules(text, rules):
    derivation = symbolic.explain(text, "x")
    assert [s.rule for s in derivation.steps] == rules
    assert sp.simplify(derivation.result - sp.diff(symbolic.parse(text), X)) == 0
    text_form = derivation.text()
    assert text_form.splitlines()[0] == f"d/dx [{sp.sstr(symbolic.parse(text))}]"
    assert rules[0] in text_form
    latex = derivation.latex()
    assert latex.startswith("\\begin{aligned}") and latex.endswith("\\end{aligned}")
    assert "\\frac{d}{dx}" in latex


def test_the_chain_rules_outer_step_is_taken_with_respect_to_the_inside():
    derivation = symbolic.explain("sin(x**2)", "x")
    chain, outer, inner = derivation.steps
    assert (chain.rule, outer.rule, inner.rule) == ("chain", "sin", "power")
    assert outer.with_respect_to == X**2 and outer.result == sp.cos(X**2)
    assert chain.result == inner.result * outer.result  # dy/dx = dy/du · du/dx
    assert "d/d(x**2) [sin(x**2)] = cos(x**2)" in derivation.text()
    assert "\\frac{d}{d\\left(x^{2}\\right)}" in derivation.latex()


def test_explain_chooses_the_only_variable_and_refuses_ambiguity():
    assert symbolic.explain("t**2").variable == sp.Symbol("t")
    with pytest.raises(ValueError, match="variable"):
        symbolic.explain("x*y")


# --------------------------------------------------------------------------------------------
# diff, jacobian, hessian, total_derivative
# --------------------------------------------------------------------------------------------


def test_diff_forms():
    assert symbolic.diff("x^3") == 3 * X**2
    assert symbolic.diff("x^2*y^3", "x", "y") == 6 * X * Y**2
    assert symbolic.diff(X * sp.sin(X), X) == sp.diff(X * sp.sin(X), X)
    assert symbolic.diff("5") == 0
    assert symbolic.diff("y^2", "x") == 0
    with pytest.raises(ValueError, match="several"):
        symbolic.diff("x*y")
    with pytest.raises(ValueError, match="variables must be a variable name"):
        symbolic.diff("x", "2x")
    with pytest.raises(TypeError, match="expr must be a string or a SymPy expression"):
        symbolic.diff(["x"], "x")


def test_jacobian_and_hessian_match_sympy():
    u, v = sp.symbols("u v")
    exprs = [u * v, u + v, sp.exp(u) * sp.sin(v)]
    got = symbolic.jacobian("u*v, u + v, exp(u)*sin(v)", "u,v")
    assert got == sp.Matrix(exprs).jacobian([u, v])
    assert symbolic.jacobian(exprs, [u, v]) == got
    f = X**2 * Y + sp.sin(X * Y)
    difference = symbolic.hessian("x^2*y + sin(x*y)", ["x", "y"]) - sp.hessian(f, (X, Y))
    assert sp.simplify(difference) == sp.zeros(2, 2)
    assert symbolic.hessian("x**2*y", "x,y") == sp.Matrix([[2 * Y, 2 * X], [2 * X, 0]])
    with pytest.raises(ValueError, match="variables must name at least one"):
        symbolic.hessian("x", [])
    with pytest.raises(ValueError, match="variables must not repeat"):
        symbolic.jacobian("x", "x,x")


def test_total_derivative_is_the_chain_rule():
    t = sp.Symbol("t")
    f = "x**2*y + exp(t)*x"
    mapping = {"x": "cos(t)", "y": "t^3"}
    got = symbolic.total_derivative(f, "t", mapping)
    substituted = symbolic.parse(f).subs({X: sp.cos(t), Y: t**3})
    assert sp.simplify(got - sp.diff(substituted, t)) == 0
    with pytest.raises(ValueError, match="mapping"):
        symbolic.total_derivative(f, "t", {})
    with pytest.raises(ValueError, match="mapping must not give t"):
        symbolic.total_derivative(f, "t", {"t": "x"})


# --------------------------------------------------------------------------------------------
# parse: what is accepted
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x^2 + 2*x + 1", X**2 + 2 * X + 1),
        ("x**2", X**2),
        ("-x", -X),
        ("+x", X),
        ("0.1*x", X / 10),
        ("1e-3", sp.Rational(1, 1000)),
        ("2.5e2", sp.Integer(250)),
        ("e^x", sp.exp(X)),
        ("exp(x)", sp.exp(X)),
        ("ln(x) + log(x, 2)", sp.log(X) + sp.log(X, 2)),
        ("sqrt(x) + cbrt(x)", sp.sqrt(X) + sp.cbrt(X)),
        ("abs(x)", sp.Abs(X)),
        ("pi*r^2", sp.pi * sp.Symbol("r") ** 2),
        ("sigmoid(x)", 1 / (1 + sp.exp(-X))),
        ("arctan(x)", sp.atan(X)),
        ("x_1 + x2", sp.Symbol("x_1") + sp.Symbol("x2")),
        ("  x  ", X),
    ],
)
def test_parse_accepts_ordinary_maths(text, expected):
    assert sp.simplify(symbolic.parse(text) - expected) == 0


def test_parse_many():
    assert symbolic.parse_many("u*v, u+v") == [sp.Symbol("u") * sp.Symbol("v"),
                                               sp.Symbol("u") + sp.Symbol("v")]  # fmt: skip
    assert symbolic.parse_many("x") == [X]


# --------------------------------------------------------------------------------------------
# parse: hostile input. None may run code; every refusal is a quick ValueError.
# --------------------------------------------------------------------------------------------

SENTINEL = Path("/tmp/mvcalc_pwned_sentinel")

HOSTILE = [
    f"__import__('os').system('touch {SENTINEL}')",
    "__import__",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "x.real",
    "lambda: 1",
    "lambda x: x",
    "[x for x in y]",
    "(x for x in y)",
    "{x for x in y}",
    "f'{x}'",
    "'abc'",
    "b'abc'",
    "import os",
    "x = 1",
    "x := 1",
    "(x := 1)",
    "exec('1')",
    "eval('1')",
    "open('/etc/passwd')",
    "globals()",
    "getattr(x, 'y')",
    "a if b else c",
    "x < y",
    "x and y",
    "not x",
    "*x",
    "x;y",
    "x[0]",
    "{}",
    "[]",
    "x, y",
    "sin(x, y)",
    "sin()",
    "sin(x=1)",
    "sin",
    "_x + 1",
    "__builtins__",
    "x" * 40,
    "True",
    "None",
    "x @ y",
    "x // y",
    "x % y",
    "x << 2",
    "~x",
    "",
    "   ",
    "x +",
    "x" + "+x" * 600,
    "(" * 200 + "x" + ")" * 200,
    "-" * 900 + "x",
    "9**9**9**9",
    "10**100000",
    "2^9999999",
    "2**(2**(2**(2**(2**2))))",
    "x**10001",
    "1" * 500,
    "1e999",
    "1e-5000",
    "10**999 * 10**999",
    "(10**900)*(10**900)*(10**900)",
    "\N{CYRILLIC SMALL LETTER A}",
    "x\x00",
    "x\\\ny",
    "__import__\t('os')",
]


@pytest.mark.parametrize("text", HOSTILE, ids=[repr(h)[:40] for h in HOSTILE])
def test_hostile_input_is_refused_quickly_and_runs_nothing(text):
    SENTINEL.unlink(missing_ok=True)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r'^cannot read "'):
        symbolic.parse(text)
    assert time.perf_counter() - start < 2.0
    assert not SENTINEL.exists()


@pytest.mark.parametrize("text", ["x, __import__('os')", "u*v, lambda: 1", ""])
def test_hostile_lists_are_refused(text):
    with pytest.raises(ValueError, match=r'^cannot read "'):
        symbolic.parse_many(text)


def test_builtin_names_are_only_variables():
    """A name is a Symbol and nothing else: "open" or "exec" alone is a harmless variable."""
    for name in ("open", "exec", "print", "os"):
        assert symbolic.parse(name) == sp.Symbol(name)
    with pytest.raises(ValueError, match="'open' is not a function mvcalc knows"):
        symbolic.parse("open(x)")


def test_non_string_input_is_a_type_error():
    with pytest.raises(TypeError, match="text must be a string"):
        symbolic.parse(b"x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="text must be a string"):
        symbolic.parse(None)  # type: ignore[arg-type]


def test_limits_are_just_above_ordinary_use():
    assert symbolic.parse("x^1000") == X**1000
    assert symbolic.parse("2^100") == 2**100
    assert symbolic.parse("(" * 50 + "x" + ")" * 50) == X
    assert symbolic.parse("1" * 30) == int("1" * 30)
    assert symbolic.parse("+".join(["x"] * 200)) == 200 * X
    assert symbolic.parse("x^500*y^500") == X**500 * Y**500  # total degree 1000: the bound
    assert symbolic.parse("10^300") == 10**300  # numbers up to 10^300: the bound
    assert symbolic.parse("(2*x)^996") == 2**996 * X**996
    with pytest.raises(ValueError, match="total degree 1,001"):
        symbolic.parse("x^500*y^501")
    with pytest.raises(ValueError, match="more than 300 digits"):
        symbolic.parse("10^300*10")


# --------------------------------------------------------------------------------------------
# evaluate and substitute: a point, exactly and as a float (the oracle: SymPy's subs and N)
# --------------------------------------------------------------------------------------------

RATIONAL_POINTS = st.tuples(
    st.fractions(min_value=-3, max_value=3, max_denominator=7),
    st.fractions(min_value=-3, max_value=3, max_denominator=7),
)


@settings(max_examples=120, deadline=None)
@given(EXPRESSIONS, RATIONAL_POINTS)
def test_evaluate_agrees_with_sympy_or_says_why_not(pair, point):
    _, built = pair
    assume(usable(built))
    values = {X: sp.Rational(point[0].numerator, point[0].denominator),
              Y: sp.Rational(point[1].numerator, point[1].denominator)}  # fmt: skip
    want = complex(sp.N(built.subs(values), 30))
    named = {str(k): v for k, v in values.items()}
    try:
        got = symbolic.evaluate(built, named, simplify=False)
    except ValueError as exc:
        message = str(exc)
        assert message.startswith("f "), message
        assert "x = " in message and "y = " in message
        if "not real" in message:
            assert abs(want.imag) > 1e-12 * max(1.0, abs(want))
        elif "undefined" in message:
            assert not math.isfinite(abs(want)) or built.subs(values).has(sp.zoo, sp.nan)
        else:
            assert "overflows" in message and abs(want) > 1e300
        return
    assert got.exact == built.xreplace(values)
    assert got.value == pytest.approx(want.real, rel=1e-12, abs=1e-300)
    assert abs(want.imag) <= 1e-12 * max(1.0, abs(want))
    assert got.where == f"x = {values[X]}, y = {values[Y]}"


def test_evaluate_simplifies_and_evaluates_matrices():
    r = symbolic.evaluate("sin(x)^2 + cos(x)^2", {"x": "pi/7"})
    assert r.exact == 1 and r.value == 1.0
    h = symbolic.hessian("x**2*y", "x,y")
    m = symbolic.evaluate(h, {"x": 1, "y": "1/2"})
    assert m.exact == sp.Matrix([[1, 2], [2, 0]])
    assert m.value.tolist() == [[1.0, 2.0], [2.0, 0.0]]
    kept = symbolic.evaluate("sin(x)^2 + cos(x)^2", {"x": 1}, simplify=False)
    assert kept.exact == sp.sin(1) ** 2 + sp.cos(1) ** 2


@pytest.mark.parametrize(
    ("expr", "point", "message"),
    [
        ("1/x", {"x": 0}, "df/dx is undefined at x = 0"),
        ("log(x)", {"x": -2}, "df/dx is not real at x = -2"),
        ("exp(x)", {"x": 710}, "df/dx overflows at x = 710"),
    ],
)
def test_evaluate_names_the_expression_and_the_point(expr, point, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        symbolic.evaluate(expr, point, name="df/dx")


@settings(max_examples=80, deadline=None)
@given(EXPRESSIONS, RATIONAL_POINTS)
def test_substitute_is_xreplace_within_the_bounds(pair, point):
    _, built = pair
    values = {X: sp.Rational(point[0].numerator, point[0].denominator),
              Y: sp.Rational(point[1].numerator, point[1].denominator)}  # fmt: skip
    assert symbolic.substitute(built, values) == built.xreplace(values)


# --------------------------------------------------------------------------------------------
# numeric_function: the SymPy tree as NumPy (the oracle: SymPy's N at the same point)
# --------------------------------------------------------------------------------------------


@settings(max_examples=120, deadline=None)
@given(EXPRESSIONS)
def test_numeric_function_agrees_with_sympy(pair):
    from mvcalc._numeric import numeric_function

    _, built = pair
    assume(usable(built))
    try:
        f = numeric_function(built, [X, Y])
    except ValueError as exc:  # a constant part that is no real float: said so
        assert "overflows" in str(exc) or "not real" in str(exc)
        return
    for px, py in POINTS:
        want = complex(sp.N(built.subs({X: px, Y: py}), 30))
        if not math.isfinite(abs(want)) or abs(want.imag) > 1e-12 * max(1.0, abs(want)):
            continue
        with np.errstate(all="ignore"):
            got = f(px, py)
        assert got == pytest.approx(want.real, rel=1e-9, abs=1e-12), (built, px, py)


def test_numeric_function_takes_arrays_and_matrices():
    from mvcalc._numeric import numeric_function

    f = numeric_function(sp.Matrix([[X * Y, sp.pi], [sp.sin(X), Y]]), [X, Y])
    values = f(np.array([0.0, 1.0]), np.array([2.0, 3.0]))
    assert values.shape == (2, 2, 2)
    np.testing.assert_allclose(values[0, 1], [np.pi, np.pi])
    np.testing.assert_allclose(values[1, 0], np.sin([0.0, 1.0]))


# --------------------------------------------------------------------------------------------
# time limits on ordinary input: the answers do not change
# --------------------------------------------------------------------------------------------


def test_every_long_running_function_takes_a_time_limit():
    t = sp.Symbol("t")
    assert symbolic.diff("x^3", time_limit=5) == 3 * X**2
    assert symbolic.jacobian("x*y, x+y", "x,y", time_limit=5) == sp.Matrix([[Y, X], [1, 1]])
    assert symbolic.hessian("x^2*y", "x,y", time_limit=5) == sp.hessian(X**2 * Y, (X, Y))
    got = symbolic.total_derivative("x*y", "t", {"x": "t", "y": "t^2"}, time_limit=5)
    assert sp.expand(got) == 3 * t**2
    assert symbolic.explain("x*sin(x)", "x", time_limit=5).result == sp.diff(X * sp.sin(X), X)
    assert symbolic.evaluate("x^2", {"x": 3}, time_limit=5).value == 9.0
    with symbolic.time_limit(5):
        assert symbolic.diff("x^4") == 4 * X**3


def test_the_worker_path_gives_the_answers_of_this_process():
    """Expressions too large for the in-process path: the worker's answers are SymPy's."""
    text = "exp(sin(x*y)**3 + cos(x + y)**2)*atan(x/y)*log(1 + x**2 + y**4)*tanh(x*y)"
    f = symbolic.parse(text)
    assert not symbolic._cheap([f], 2, 4)
    got = symbolic.hessian(f, "x,y")
    want = sp.hessian(f, (X, Y))
    assert all(numerically_equal(got[k], want[k]) for k in range(4))
    assert symbolic.diff(f, "x", "y") == sp.diff(f, X, Y)
    assert symbolic.jacobian([f, f * X], "x,y") == sp.Matrix([f, f * X]).jacobian([X, Y])
