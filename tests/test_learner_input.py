"""What a learner writes and reads (issue 16): maths as it is written by hand, refusals in the
learner's words, real variables, derivatives that exist or are said not to, the rules a learner
would use, the chain rule term by term, and what the Jacobian and the Hessian say.

The oracle is SymPy, applied to expressions built here independently of mvcalc's parser (with
real symbols where the variables are real), and, for what a Hessian says, the 2×2 test by the
determinant and the trace.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import mvcalc as mc
from mvcalc import symbolic
from mvcalc.cli import main

X, Y, T = sp.symbols("x y t")
RX = sp.Symbol("x", real=True)

# --------------------------------------------------------------------------------------------
# Products written side by side, Greek letters, printed signs
# --------------------------------------------------------------------------------------------

READINGS = {
    "3*x^2+2x": 3 * X**2 + 2 * X,
    "2x": 2 * X,
    "(x+1)(x-1)": (X + 1) * (X - 1),
    "2 sin(x)": 2 * sp.sin(X),
    "2sin(x)": 2 * sp.sin(X),
    "x y": X * Y,
    "xy": sp.Symbol("xy"),
    "x2": sp.Symbol("x2"),
    "x(x+1)": X * (X + 1),
    "sin(x)cos(x)": sp.sin(X) * sp.cos(X),
    "sin(x) cos(x)": sp.sin(X) * sp.cos(X),
    "2 pi r": 2 * sp.pi * sp.Symbol("r"),
    "2(x+1)": 2 * (X + 1),
    "(x+1)x": (X + 1) * X,
    "-2x^2": -2 * X**2,
    "x^2 y": X**2 * Y,
    "1/2 x": X / 2,
    "e^(2x)": sp.exp(2 * X),
    "1.5x": sp.Rational(3, 2) * X,
    "2e-3x": sp.Rational(1, 500) * X,
    "θ^2 + φ": sp.Symbol("theta") ** 2 + sp.Symbol("phi"),
    "2θ": 2 * sp.Symbol("theta"),
    "πr²": sp.pi * sp.Symbol("r") ** 2,
    "rθ": sp.Symbol("r") * sp.Symbol("theta"),
    "λ₁ + x_1": sp.Symbol("lambda_1") + sp.Symbol("x_1"),
    "lambda": sp.Symbol("lambda"),
    "μ σ": sp.Symbol("mu") * sp.Symbol("sigma"),
    "x²+y²": X**2 + Y**2,
    "x⁻¹": 1 / X,
    "√x": sp.sqrt(X),
    "√(x+1)": sp.sqrt(X + 1),
    "2√2": 2 * sp.sqrt(2),
    "2⋅x − 3÷y": 2 * X - 3 / Y,
    "x·y×2": 2 * X * Y,
}


@pytest.mark.parametrize("text", list(READINGS), ids=list(READINGS))
def test_maths_as_learners_write_it(text):
    assert symbolic.parse(text) == READINGS[text]


ATOMS = st.sampled_from(["x", "y", "z", "pi", "sin(x)", "exp(y)", "(x+1)", "(2-y)", "θ", "sqrt(z)"])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["", "3", "0.5", "12"]), st.lists(ATOMS, min_size=1, max_size=5),
       st.lists(st.sampled_from(["", " "]), min_size=5, max_size=5))  # fmt: skip
def test_a_product_side_by_side_is_the_product_with_stars(number, atoms, gaps):
    """A leading number and factors side by side read as the product written with *."""
    pieces = [number] if number else []
    text = number
    for atom, gap in zip(atoms, gaps, strict=False):
        # two names side by side need a space (xy is one name), and so does a name after a number
        # that would run into it (2e is 2·e, but "2" "exp" must not become one token "2exp")
        needs_space = text and (text[-1].isalnum() or text[-1] == "_") and atom[0].isalpha()
        text += (" " if needs_space else gap) + atom
        pieces.append(atom)
    assert symbolic.parse(text) == symbolic.parse("*".join(pieces)), text


def test_the_greek_letters_the_output_prints_are_read_back():
    """Every Greek name SymPy prints as a letter is read from that letter (and π is pi)."""
    for name in set(symbolic.GREEK.values()) - {"pi"}:
        printed = sp.pretty(sp.Symbol(name), use_unicode=True)
        assert symbolic.parse(printed) == sp.Symbol(name), (name, printed)
        assert symbolic.parse(f"2{printed}^2") == 2 * sp.Symbol(name) ** 2
    assert symbolic.parse("π") == sp.pi
    assert symbolic.parse(sp.pretty(sp.Symbol("lambda_1"), use_unicode=True)) == sp.Symbol(
        "lambda_1"
    )
    assert symbolic.diff("sin(θ)^2", "θ") == sp.diff(sp.sin(sp.Symbol("theta")) ** 2,
                                                      sp.Symbol("theta"))  # fmt: skip


REFUSALS = [
    # text, what the message must say, the position it must point at (1-based)
    ("sin x", "write sin(…) with parentheses", 1),
    ("sin^2(x)", "write sin(x)^2", 1),
    ("e^2x", "write ^(2x) if the power is 2x, or ^2*x", 2),
    ("1/2x", "write /(2x) if the divisor is 2x, or /2*x", 2),
    ("x^2sin(x)", "ambiguous", 2),
    ("x 2", "a number after 'x'", 3),
    ("(x+1)2", "a number after ')'", 6),
    ("2 3", "two numbers in a row", 3),
    ("foo(x)", "'foo' is not a function mvcalc knows", 1),
    ("x^^2", "two operators in a row, '^' then '^'", 3),
    ("3x^2+", "ends with '+'", 5),
    ("*x", "'*' at the start", 1),
    ("(x+1", "this '(' is never closed", 1),
    ("x+1)", "this ')' has no '(' before it", 4),
    ("()", "empty parentheses", 1),
    ("x = 1", "'=' makes an equation", 3),
    ("x, y", "a comma: one expression is expected here", 2),
    ("|x|", "write abs(x) for |x|", 1),
    ("[x+1]", "square brackets are not used", 1),
    ("x!", "factorials are not available", 2),
    ("x < 1", "inequalities are not available", 3),
    ("3,5", "write a decimal with a point", 2),
    ("_x", "a name starts with a letter", 1),
    ("for + x", "reserves", 1),
    ("x" * 40, "at most 32 characters", 1),
    ("√", "√ needs something after it", 1),
    ("√x²", "write √(x^2) or (√x)^2", 1),
    ("x^1001", "exponent beyond", 1),  # the power that starts there
]


@pytest.mark.parametrize(("text", "phrase", "position"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals_speak_the_learners_language_and_point_at_the_place(text, phrase, position):
    with pytest.raises(symbolic.ParseError) as caught:
        symbolic.parse(text)
    message = str(caught.value)
    assert message.startswith('cannot read "'), message
    assert phrase in message, message
    assert caught.value.position == position, message
    assert message.endswith(f"(at position {position})"), message
    for jargon in ("text:", "not allowed", "invalid", "SyntaxError", "literal", "Call", "ast"):
        assert jargon not in message, message


def test_the_issues_inputs_are_read():
    """The issue's examples: "invalid decimal literal" and "calling anything but a named
    function not allowed" were the answers; now they are products."""
    assert symbolic.diff("3*x^2+2x") == 6 * X + 2
    assert symbolic.diff("(x+1)(x-1)") == 2 * X


def test_a_parse_error_travels_between_processes_intact():
    import pickle

    error = symbolic.ParseError("x^^2", "two operators in a row", 3)
    again = pickle.loads(pickle.dumps(error))
    assert (again.text, again.reason, again.position, str(again)) == (
        "x^^2", "two operators in a row", 3, str(error))  # fmt: skip


# --------------------------------------------------------------------------------------------
# Equations where they make sense: constraints
# --------------------------------------------------------------------------------------------


def test_an_equation_is_its_left_side_minus_its_right_side():
    assert symbolic.parse_equations("x^2+y^2=1") == [X**2 + Y**2 - 1]
    assert symbolic.parse_equations("2x == y, x + y") == [2 * X - Y, X + Y]
    assert symbolic.parse_equations("x² + y² = 1") == [X**2 + Y**2 - 1]
    with pytest.raises(symbolic.ParseError, match="two '=' in one equation"):
        symbolic.parse_equations("x = y = 1")
    with pytest.raises(symbolic.ParseError, match="nothing after this '='"):
        symbolic.parse_equations("x =")


def test_lagrange_takes_an_equation_and_finds_its_own_variables():
    want = mc.lagrange("x*y", "x**2 + y**2 - 1", "x,y")
    for got in (mc.lagrange("x*y", "x^2+y^2=1"), mc.lagrange("x*y", ["x^2 + y^2 = 1"])):
        assert [(p.kind, p.value, p.point) for p in got] == [
            (p.kind, p.value, p.point) for p in want
        ]
    # the oracle: the maximum of x + 2y on x² + y² = 5 is at (1, 2), by Cauchy–Schwarz
    (top, bottom) = mc.lagrange("x + 2y", "x^2 + y^2 = 5")
    assert top.point == {"x": 1, "y": 2} and top.value == 5 and bottom.value == -5


def test_an_equation_where_an_expression_is_wanted_is_refused_clearly():
    for call in (lambda: mc.minimize("x^2 = 1", 1.0), lambda: symbolic.diff("x^2 = 1")):
        with pytest.raises(ValueError, match="'=' makes an equation"):
            call()


def test_the_lagrange_command_reads_an_equation(capsys):
    assert main(["lagrange", "x*y", "--subject-to", "x^2+y^2=1"]) == 0
    out = capsys.readouterr().out
    assert out.count("maximum") == 2 and out.count("minimum") == 2
    assert "f = 1/2" in out and "f = -1/2" in out


# --------------------------------------------------------------------------------------------
# Real variables; a derivative at a point exists or is said not to
# --------------------------------------------------------------------------------------------


def test_variables_are_real():
    assert symbolic.diff("abs(x)") == sp.sign(X)
    assert symbolic.diff("abs(x^2 - 1)") == sp.diff(sp.Abs(RX**2 - 1), RX).subs(RX, X)
    assert symbolic.diff("abs(x)*y", "x") == Y * sp.sign(X)
    for text in ("abs(x)", "abs(sin(x))*x", "sqrt(x^2)", "abs(x)^3"):
        result = symbolic.diff(text)
        assert not result.has(sp.re, sp.im, sp.Derivative), (text, result)
    assert symbolic.parse("x").is_real is None  # the parser's x is SymPy's plain x


ABS_PIECES = st.sampled_from(["x", "x - 1", "sin(x)", "x^2 - 2", "2*x + 1"])


@settings(max_examples=40, deadline=None)
@given(
    ABS_PIECES, st.sampled_from(["", "x*", "exp(x)*", "3*"]), st.fractions(-3, 3, max_denominator=5)
)
def test_derivatives_of_abs_agree_with_sympys_for_real_x(inside, factor, at):
    text = f"{factor}abs({inside})"
    got = symbolic.diff(text)
    want = sp.diff(sp.sympify(text.replace("^", "**"), locals={"x": RX}), RX).subs(RX, X)
    assert not got.has(sp.re, sp.im)
    point = sp.Rational(at.numerator, at.denominator)
    assert sp.N(got.subs(X, point) - want.subs(X, point), 30) == 0


def one_sided_slopes(expr, x0):
    """The oracle: the one-sided limits of the difference quotient, by SymPy."""
    h = sp.Symbol("h", positive=True)
    f = sp.sympify(expr.replace("^", "**"), locals={"x": RX})
    quotient = (f.subs(RX, x0 + h) - f.subs(RX, x0)) / h
    right = sp.limit(quotient, h, 0, "+")
    left = sp.limit((f.subs(RX, x0 - h) - f.subs(RX, x0)) / (-h), h, 0, "+")
    return left, right


KINKS = [
    ("abs(x)", "0"),
    ("x*abs(x)", "0"),
    ("abs(sin(x))", "pi"),
    ("abs(x^2 - 2)", "sqrt(2)"),
    ("abs(x)^3", "0"),
    ("abs(x - 1) + abs(x + 1)", "1"),
    ("abs(x - 1) + abs(x + 1)", "0"),
    ("x^2*abs(x) + x", "0"),
    ("abs(x)", "2"),
    ("x*sqrt(abs(x))", "0"),
]


@pytest.mark.parametrize(("expr", "at"), KINKS, ids=[f"{e} at {a}" for e, a in KINKS])
def test_a_derivative_at_a_kink_exists_exactly_when_the_one_sided_slopes_agree(expr, at):
    x0 = sp.sympify(at)
    left, right = one_sided_slopes(expr, x0)
    if left.is_finite and right.is_finite and sp.simplify(left - right) == 0:
        got = symbolic.derivative_at(expr, {"x": at})
        assert sp.simplify(got.exact - right) == 0
        assert got.value == pytest.approx(float(right), abs=1e-15)
    else:
        wanted = re.escape(f"not differentiable at x = {at}")
        with pytest.raises(symbolic.NotDifferentiable, match=wanted):
            symbolic.derivative_at(expr, {"x": at})


def test_jumps_and_vertical_tangents_have_no_derivative():
    with pytest.raises(symbolic.NotDifferentiable, match="not continuous"):
        symbolic.derivative_at("sign(x)", {"x": 0})
    with pytest.raises(symbolic.NotDifferentiable, match="grows without bound"):
        symbolic.derivative_at("cbrt(x)", {"x": 0})
    with pytest.raises(ValueError, match="f is undefined at x = 0"):
        symbolic.derivative_at("1/x", {"x": 0})
    with pytest.raises(symbolic.NotDifferentiable, match=r"f \(in x\) is not differentiable"):
        symbolic.derivative_at("abs(x)*y", {"x": 0, "y": 1}, "x")
    assert symbolic.derivative_at("abs(x)*y", {"x": 0, "y": 0}, "x").exact == 0


def test_diff_command_at_a_kink_and_beside_it(capsys):
    assert main(["diff", "abs(x)"]) == 0
    out = capsys.readouterr().out
    assert "df/dx = sign(x)" in out and "re(" not in out and "im(" not in out
    assert main(["diff", "abs(x)", "--at", "x=2"]) == 0  # the issue's RecursionError
    assert "at x = 2:  df/dx = 1 ≈ 1" in capsys.readouterr().out
    assert main(["diff", "abs(x)", "--at", "x=0"]) == 0
    out = capsys.readouterr().out
    assert "not differentiable at x = 0" in out and "nan" not in out
    assert "-1 from the left and 1 from the right" in out


# --------------------------------------------------------------------------------------------
# explain: the rules a learner uses, the result simplified, nothing silent
# --------------------------------------------------------------------------------------------


def test_x_exp_minus_x_squared_is_a_product_and_a_chain_not_a_quotient():
    d = symbolic.explain("x*exp(-x^2)", "x")
    rules = [s.rule for s in d.steps]
    assert rules == ["product", "power", "chain", "exp", "constant multiple", "power"]
    want = sp.diff(X * sp.exp(-(X**2)), X)
    assert sp.simplify(d.result - want) == 0
    assert d.simplified == (1 - 2 * X**2) * sp.exp(-(X**2))
    assert d.text().splitlines()[-1] == "= (1 - 2*x**2)*exp(-x**2)"
    assert "exp(x**2)" not in d.text()  # no 1/exp(x²) anywhere


@pytest.mark.parametrize(
    ("text", "first"),
    [("sin(x)/x", "quotient"), ("x/(x+1)", "quotient"), ("exp(x)/x^2", "quotient"),
     ("x^2*exp(-x)", "product"), ("sin(x)*exp(-3x)", "product"), ("x*2^(-x)", "product")],
)  # fmt: skip
def test_a_quotient_is_what_the_learner_wrote_as_a_division(text, first):
    d = symbolic.explain(text, "x")
    assert d.steps[0].rule == first
    assert sp.simplify(d.result - sp.diff(symbolic.parse(text), X)) == 0
    assert sp.simplify(d.simplified - d.result) == 0


def test_explain_says_when_nothing_depends_on_the_variable():
    with pytest.raises(ValueError, match=r"x\*y does not depend on t .*total_derivative"):
        symbolic.explain("x*y", "t")
    assert symbolic.explain("5", "x").result == 0  # a constant: the constant rule
    assert main(["diff", "x*y", "--wrt", "t"]) == 2


def test_partial_derivatives_are_written_with_a_curly_d(capsys):
    assert symbolic.explain("x^2*y", "x").text().startswith("∂/∂x [x**2*y]")
    assert symbolic.explain("x^2", "x").text().startswith("d/dx [x**2]")
    assert "\\partial" in symbolic.explain("x^2*y", "x").latex()
    assert main(["diff", "x^2 y", "--wrt", "y", "--at", "x=2,y=1"]) == 0
    out = capsys.readouterr().out
    assert "∂f/∂y = " in out and "at x = 2, y = 1:  ∂f/∂y = 4" in out
    assert main(["diff", "x^3"]) == 0
    assert "df/dx = " in capsys.readouterr().out


# --------------------------------------------------------------------------------------------
# The multivariate chain rule, term by term
# --------------------------------------------------------------------------------------------

PATHS = [
    ("x*y", {"x": "cos(t)", "y": "sin(t)"}),
    ("x^2*y + exp(t)*x", {"x": "cos(t)", "y": "t^3"}),
    ("sqrt(x^2 + y^2 + z^2)", {"x": "t", "y": "2t", "z": "t^2"}),
    ("r^2", {"r": "sqrt(1 + t^2)"}),
]


@pytest.mark.parametrize(("f", "mapping"), PATHS, ids=[p[0] for p in PATHS])
def test_the_chain_rule_terms_are_sympys(f, mapping):
    expr = symbolic.parse(f)
    subs = {sp.Symbol(k): symbolic.parse(v) for k, v in mapping.items()}
    record = symbolic.total_derivative(f, "t", mapping, full_output=True)
    assert [str(c.variable) for c in record.terms] == sorted(mapping)
    for c in record.terms:
        assert sp.simplify(c.partial - sp.diff(expr, c.variable)) == 0
        assert sp.simplify(c.rate - sp.diff(subs[c.variable], T)) == 0
        assert sp.simplify(c.term - c.partial.subs(subs) * c.rate) == 0
    whole = sp.diff(expr.subs(subs), T)  # the oracle: substitute first, then differentiate
    assert sp.simplify(record.result - whole) == 0
    assert sp.simplify(record.simplified - whole) == 0
    assert sp.simplify(sum(c.term for c in record.terms) + record.direct - whole) == 0
    # the old return is still the expression
    assert symbolic.total_derivative(f, "t", mapping) == record.result


def test_the_chain_rule_refuses_a_variable_given_through_another():
    with pytest.raises(ValueError, match="uses y, which depends on t too"):
        symbolic.total_derivative("x*y", "t", {"x": "y + t", "y": "t"})


def test_the_total_derivative_command(capsys):
    argv = ["total-derivative", "x*y", "--sub", "x=cos(t), y=sin(t)", "--at", "t=pi/4"]
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].strip() == "= ∂f/∂x · dx/dt + ∂f/∂y · dy/dt"
    assert out[2].strip() == "= (y)·(-sin(t)) + (x)·(cos(t))"
    assert out[-2].strip() == "= cos(2*t)"
    assert out[-1] == "at t = pi/4:  df/dt = 0 ≈ 0"
    assert main(["total-derivative", "x^2", "--sub", "x=log(t, 2)", "--wrt", "t"]) == 0
    want = sp.diff(sp.log(T, 2) ** 2, T)
    last = capsys.readouterr().out.splitlines()[-1].strip().removeprefix("= ")
    assert sp.simplify(symbolic.parse(last) - want) == 0
    assert main(["total-derivative", "x*y", "--sub", "x=t"]) == 2  # how does y depend on t?
    assert "say how y depends on t" in capsys.readouterr().err
    assert main(["total-derivative", "x*y", "--sub", "x=t*s", "--sub", "y=t"]) == 2
    assert "--wrt" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Jacobian and Hessian: variables inferred, determinant, eigenvalues and what they say
# --------------------------------------------------------------------------------------------


def test_variables_are_inferred_in_alphabetical_order():
    r, theta = sp.symbols("r theta")
    exprs = [r * sp.cos(theta), r * sp.sin(theta)]
    assert symbolic.jacobian("r cos(θ), r sin(θ)") == sp.Matrix(exprs).jacobian([r, theta])
    f = X**2 * Y + sp.sin(Y)
    assert symbolic.hessian("x^2 y + sin(y)") == sp.hessian(f, (X, Y))
    assert symbolic.hessian("x^2*y", "y,x") == sp.hessian(f - sp.sin(Y), (Y, X))


def test_matrix_commands_print_the_determinant_and_eigenvalues(capsys):
    assert main(["jacobian", "r cos(θ), r sin(θ)"]) == 0
    out = capsys.readouterr().out
    assert "variables: r, θ (alphabetical" in out and "det J = r" in out
    assert main(["hessian", "x^2 + x*y + y^2"]) == 0
    out = capsys.readouterr().out
    eigen = sorted(sp.Matrix([[2, 1], [1, 2]]).eigenvals())
    assert f"eigenvalues of H: {eigen[0]},  {eigen[1]}" in out
    assert "det H = 3" in out and "positive definite" in out and "∂²f/∂xᵢ∂xⱼ" in out
    assert main(["jacobian", "u*v, u+v", "--at", "u=1,v=2"]) == 0
    out = capsys.readouterr().out
    assert "≈ [[2.0, 1.0], [1.0, 1.0]]" in out  # J at (1, 2): [[v, u], [1, 1]]
    assert "det J = 1" in out and "invertible" in out


def test_the_hessian_command_names_the_saddle_of_the_issue(capsys):
    """minimize "x^3-3*x+y^2" --x0 -0.5,1 --method newton ends at (−1, 0): a saddle."""
    assert main(["hessian", "x^3-3x+y^2", "--at", "x=-1,y=0"]) == 0
    out = capsys.readouterr().out
    assert "eigenvalues of H: -6,  2" in out
    assert "saddle: ∇f = 0 and H has eigenvalues of both signs" in out
    assert main(["hessian", "x^2*y", "--at", "x=1,y=1"]) == 0
    out = capsys.readouterr().out
    assert "not stationary" in out and "1 - √5 ≈ -1.23607" in out


COEFFICIENTS = st.fractions(min_value=-4, max_value=4, max_denominator=3)


@settings(max_examples=40, deadline=None)
@given(COEFFICIENTS, COEFFICIENTS, COEFFICIENTS, COEFFICIENTS, COEFFICIENTS)
def test_the_second_derivative_test_agrees_with_the_determinant_and_trace(a, b, c, d, e):
    """f = a x² + b xy + c y² + d x + e y: at its stationary point, det H > 0 with a > 0 is a
    minimum, with a < 0 a maximum; det H < 0 a saddle; det H = 0 inconclusive."""
    q = [sp.Rational(v.numerator, v.denominator) for v in (a, b, c, d, e)]
    f = q[0] * X**2 + q[1] * X * Y + q[2] * Y**2 + q[3] * X + q[4] * Y
    text = " + ".join(f"({v})*{m}" for v, m in zip(q, ["x^2", "x*y", "y^2", "x", "y"],
                                                       strict=True))  # fmt: skip
    solutions = sp.solve([sp.diff(f, X), sp.diff(f, Y)], [X, Y], dict=True)
    if not solutions or len(solutions[0]) < 2:  # a line of stationary points, or none
        point = {"x": 0, "y": 0}
        stationary = sp.diff(f, X).subs({X: 0, Y: 0}) == 0 and sp.diff(f, Y).subs({X: 0, Y: 0}) == 0
    else:
        point = {"x": solutions[0][X], "y": solutions[0][Y]}
        stationary = True
    test = symbolic.second_derivative_test(text, point, "x,y")
    det = 4 * q[0] * q[2] - q[1] ** 2
    trace = 2 * q[0] + 2 * q[2]
    if not stationary:
        want = "not stationary"
    elif det > 0:
        want = "minimum" if trace > 0 else "maximum"
    elif det < 0:
        want = "saddle"
    else:
        want = "degenerate"
    assert test.kind == want, (text, point)
    oracle = np.linalg.eigvalsh(np.array(sp.hessian(f, (X, Y)).tolist(), dtype=float))
    np.testing.assert_allclose(test.values, oracle, atol=1e-12)


def test_the_second_derivative_test_decides_signs_exactly():
    """Eigenvalues 0 and 2 + 10⁻²⁰: a float would call the first 0 and the second 2; the test
    counts signs exactly, so ε² x² + y² at 0 is a minimum and x⁴ + y² is degenerate."""
    tiny = symbolic.second_derivative_test("10^(-20) x^2 + y^2", {"x": 0, "y": 0})
    assert tiny.kind == "minimum" and tiny.signs == (2, 0, 0)
    flat = symbolic.second_derivative_test("x^4 + y^2", {"x": 0, "y": 0})
    assert flat.kind == "degenerate" and flat.signs == (1, 0, 1)
    assert "inconclusive" in flat.text()
    three = symbolic.second_derivative_test("x^2 + y^2 + z^2 - x*y*z", {"x": 0, "y": 0, "z": 0})
    assert three.kind == "minimum" and three.eigenvalues == [2, 2, 2]


def test_determinant_and_eigenvalues_are_sympys():
    m = sp.Matrix([[2, 1, 0], [1, 3, 1], [0, 1, 4]])
    assert symbolic.determinant(m) == m.det()
    got = symbolic.eigenvalues(m)
    want = sorted((k for k, n in m.eigenvals().items() for _ in range(n)), key=sp.N)
    assert [sp.simplify(g - w) for g, w in zip(got, want, strict=True)] == [0, 0, 0]
    with pytest.raises(ValueError, match="square"):
        symbolic.determinant(sp.Matrix([[1, 2]]))


# --------------------------------------------------------------------------------------------
# derivative-error: a figure only when asked
# --------------------------------------------------------------------------------------------


def test_derivative_error_writes_no_figure_unless_asked(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["derivative-error", "exp(x)", "--at", "1"]) == 0
    out = capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []
    assert "no figure written" in out and "--out" in out
    value = float(re.search(r"f'\(1\) = (\S+) \(exact\)", out).group(1))
    assert Fraction(value) == Fraction(float(sp.E))
