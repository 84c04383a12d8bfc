"""The checks of weeks 1–3 (``mvcalc.exercises.week1`` … ``week3``) and the symbolic-answer
comparison they share (``mvcalc.exercises._expressions``).

Every check must pass the reference solutions in ``tests/solutions/`` and answers that are
right but written differently, and must refuse the typical mistakes with feedback that names
them. The expected answers here come from independent oracles: SymPy's own ``diff`` (not
mvcalc's), formulas written out by hand, and NumPy's eigenvalues.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from mvcalc.exercises import run_checks, week1, week2, week3
from mvcalc.exercises._expressions import compare_expression, compare_matrix, read_expression

SOLUTIONS = Path(__file__).parent / "solutions"
x, y, t = sympy.symbols("x y t")


def verdict(assignment: Any, name: str, function: Any) -> Any:
    return assignment.EXERCISES[name]({name: function})


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


# ------------------------------------------------------------------------------------------
# The reference solutions pass; nothing written yet does not
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("week", ["week1", "week2", "week3"])
def test_the_reference_solution_passes_every_check(week: str) -> None:
    namespace = runpy.run_path(str(SOLUTIONS / f"{week}.py"))
    report = run_checks(week, namespace)
    assert report.total >= 3
    assert report.all_correct, report.text()


@pytest.mark.parametrize("week", ["week1", "week2", "week3"])
def test_a_stub_that_returns_none_is_not_yet(week: str) -> None:
    module = {"week1": week1, "week2": week2, "week3": week3}[week]
    namespace = {name: (lambda *args: None) for name in module.EXERCISES}
    report = run_checks(week, namespace)
    assert report.correct == 0
    for v in report.verdicts:
        assert "None" in v.feedback, v.line()


@pytest.mark.parametrize("week", [week1, week2, week3])
def test_an_exception_in_the_learners_code_is_reported_not_raised(week: Any) -> None:
    def broken(*args: Any) -> Any:
        return 1 / 0

    for name in week.EXERCISES:
        v = verdict(week, name, broken)
        assert not v.ok and "ZeroDivisionError" in v.feedback, v.line()


# ------------------------------------------------------------------------------------------
# Week 1
# ------------------------------------------------------------------------------------------


def test_rise_over_run_accepts_the_formula_written_differently() -> None:
    assert verdict(week1, "rise_over_run", lambda f, x, h: f(x + h) / h - f(x) / h).ok
    assert verdict(week1, "rise_over_run", lambda f, x, h: np.array([(f(x + h) - f(x)) / h])).ok


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h), "that is the central difference"),
        (lambda f, x, h: (f(x) - f(x - h)) / h, "that is the backward difference"),
        (lambda f, x, h: f(x + h) - f(x), "not divided by the run h"),
        (lambda f, x, h: (f(x + h) - f(x)) / (2 * h), "divides by 2h"),
        (lambda f, x, h: (f(x) - f(x + h)) / h, "wrong sign"),
        (lambda f, x, h: (f(x + h) - f(x)) / h + 1e-3, "largest difference"),
        (lambda f, x, h: "slope", "expected a number"),
        (lambda f, x, h: [1.0, 2.0], "expected one number"),
    ],
)
def test_rise_over_run_names_the_mistake(wrong: Any, phrase: str) -> None:
    v = verdict(week1, "rise_over_run", wrong)
    assert not v.ok and phrase in v.feedback, v.line()
    assert v.feedback.startswith("for f(x) = "), v.line()  # and where it went wrong


def test_rise_over_run_refuses_the_exact_derivative() -> None:
    exact = {"sin": np.cos, "exp": np.exp}

    def derivative(f: Any, x: float, h: float) -> float:
        return float(exact[f.__name__](x))

    v = verdict(week1, "rise_over_run", derivative)
    assert not v.ok and "exact derivative" in v.feedback, v.line()


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (
            lambda f, x, h: (f(x + h) - f(x - h)) / h,
            "divides by h: the run from x − h to x + h is 2h",
        ),
        (lambda f, x, h: (f(x + h) - f(x)) / h, "that is the forward difference"),
        (lambda f, x, h: (f(x) - f(x - h)) / h, "that is the backward difference"),
        (lambda f, x, h: f(x + h) - f(x - h), "not divided by the run 2h"),
        (lambda f, x, h: (f(x - h) - f(x + h)) / (2 * h), "wrong sign"),
    ],
)
def test_central_difference_names_the_mistake(wrong: Any, phrase: str) -> None:
    assert verdict(week1, "central_difference",
                   lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h)).ok  # fmt: skip
    v = verdict(week1, "central_difference", wrong)
    assert not v.ok and phrase in v.feedback, v.line()


def sympy_derivative(expr: sympy.Expr) -> sympy.Expr:
    """The oracle: SymPy's own diff, not mvcalc's."""
    return sympy.diff(expr, x)


@pytest.mark.parametrize(
    "answer",
    [
        "3x^2 cos(x) - x^3 sin(x)",
        "x^2 (3 cos(x) - x sin(x))",
        "3*x**2*cos(x) - x**3*sin(x)",
        "−x³ sin(x) + 3x² cos(x)",
        sympy_derivative(x**3 * sympy.cos(x)),
    ],
)
def test_d_product_accepts_every_form_of_the_derivative(answer: Any) -> None:
    assert verdict(week1, "d_product", lambda: answer).ok


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ("3x^2 cos(x)", "only u′v"),
        ("-x^3 sin(x)", "only uv′"),
        ("-3x^2 sin(x)", "u′v′ is not the derivative of a product"),
        ("3x^2 cos(x) + x^3 sin(x)", "the derivative of cos(x) is −sin(x)"),
        ("x^2 cos(x) - x^3 sin(x)", "the power rule"),
        ("-3x^2 cos(x) + x^3 sin(x)", "wrong sign"),
        ("3x^2 cos(x) - x^3 sin(x) + 1", "is not the derivative: at x = "),
        ("3t^2 cos(t)", "uses t, but it should be written in x only"),
        ("3x^2 cos x", "cannot read"),
        ("__import__('os').system('true')", "cannot read"),
        ("", "empty"),
        (["3x^2"], "expected the derivative as text"),
    ],
)
def test_d_product_names_the_mistake(answer: Any, phrase: str) -> None:
    v = verdict(week1, "d_product", lambda: answer)
    assert not v.ok and phrase in v.feedback, v.line()


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ("cos(2x) exp(sin(2x))", "the factor 2, the derivative of the innermost 2x, is missing"),
        ("2 exp(sin(2x))", "the factor cos(2x)"),
        ("exp(sin(2x))", "the factors cos(2x) and 2"),
        ("2 cos(2x)", "the outer factor exp(sin(2x)) is missing"),
        ("2 cos(x) exp(sin(2x))", "cos(x) instead of cos(2x)"),
    ],
)
def test_d_chain_names_the_mistake(answer: str, phrase: str) -> None:
    assert verdict(week1, "d_chain", lambda: str(sympy_derivative(sympy.exp(sympy.sin(2 * x))))).ok
    assert verdict(week1, "d_chain", lambda: "2 e^(sin(2x)) cos(2x)").ok
    v = verdict(week1, "d_chain", lambda: answer)
    assert not v.ok and phrase in v.feedback, v.line()


# ------------------------------------------------------------------------------------------
# Week 2
# ------------------------------------------------------------------------------------------


def forward_columns(f: Any, x: np.ndarray, h: float) -> np.ndarray:
    f0 = np.asarray(f(x))
    return np.stack([(np.asarray(f(x + h * e)) - f0) / h for e in np.eye(x.size)], axis=1)


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (lambda f, x, h: forward_columns(f, x, h).T, "rows and columns swapped"),
        (lambda f, x, h: np.repeat(((f(x + h) - f(x)) / h)[:, None], x.size, axis=1),
         "moves every variable at once"),
        (lambda f, x, h: forward_columns(f, x, h) * h, "not divided by the run h"),
        (lambda f, x, h: np.stack([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)],
                                  axis=1), "central differences"),
        (lambda f, x, h: -forward_columns(f, x, h), "wrong sign"),
        (lambda f, x, h: forward_columns(f, x, h)[:, :1], "expected (2, 2)"),
    ],
)  # fmt: skip
def test_jacobian_by_steps_names_the_mistake(wrong: Any, phrase: str) -> None:
    assert verdict(week2, "jacobian_by_steps", forward_columns).ok
    v = verdict(week2, "jacobian_by_steps", wrong)
    assert not v.ok and phrase in v.feedback, v.line()


def test_jacobian_by_steps_refuses_the_exact_jacobian() -> None:
    def exact(f: Any, p: np.ndarray, h: float) -> np.ndarray:  # the Jacobians, written by hand
        a, b = p[0], p[1]
        if f is week2._f1:
            return np.array([[2 * a * b, a**2], [np.exp(a) * np.sin(b), np.exp(a) * np.cos(b)]])
        raise AssertionError("the first function is checked first")

    v = verdict(week2, "jacobian_by_steps", exact)
    assert not v.ok and "exact Jacobian" in v.feedback, v.line()


def test_jacobian_of_f_against_sympys_own_jacobian() -> None:
    oracle = sympy.Matrix([x**2 * y, sympy.exp(x) * sympy.sin(y)]).jacobian([x, y])
    rows = [[str(e) for e in oracle.row(i)] for i in range(2)]
    assert verdict(week2, "jacobian_of_F", lambda: rows).ok
    assert verdict(week2, "jacobian_of_F", lambda: oracle).ok
    assert verdict(week2, "jacobian_of_F",
                   lambda: [["2x y", "x²"], ["e^x sin(y)", "e^x cos(y)"]]).ok  # fmt: skip


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ([["2x y", "exp(x) sin(y)"], ["x^2", "exp(x) cos(y)"]], "rows and columns swapped"),
        ([["2x y", "x^2"]], "returned 1 row of 2 entries; expected 2 rows of 2 entries"),
        ([["2x y", "x^2"], ["exp(x) sin(y)"]], "expected 2 rows of 2 entries"),
        ([["2x", "x^2"], ["exp(x) sin(y)", "exp(x) cos(y)"]],
         "entry [0][0] (∂u/∂x) is not right"),
        ([["2x y", "x^2"], ["exp(x) cos(y)", "exp(x) cos(y)"]], "entry [1][0] (∂v/∂x)"),
        ([["2xy", "x^2"], ["exp(x) sin(y)", "exp(x) cos(y)"]], "xy is one name: write the product as x*y"),  # noqa: E501
        ([["-2x y", "-x^2"], ["-exp(x) sin(y)", "-exp(x) cos(y)"]], "wrong sign"),
        ("[[2xy, x^2], [e^x sin(y), e^x cos(y)]]", "expected the Jacobian as a list of rows"),
    ],
)  # fmt: skip
def test_jacobian_of_f_names_the_mistake(answer: Any, phrase: str) -> None:
    v = verdict(week2, "jacobian_of_F", lambda: answer)
    assert not v.ok and phrase in v.feedback, v.line()


def test_hessian_of_f_against_sympys_own_hessian() -> None:
    oracle = sympy.hessian(x**3 - 3 * x * y**2 + y**4, (x, y))
    assert verdict(week2, "hessian_of_f", lambda: oracle.tolist()).ok
    mixed_missing = [[str(oracle[0, 0]), "0"], ["0", str(oracle[1, 1])]]
    v = verdict(week2, "hessian_of_f", lambda: mixed_missing)
    assert not v.ok and "mixed partial derivatives" in v.feedback, v.line()
    one_wrong = [[str(oracle[0, 0]), "6y"], [str(oracle[1, 0]), str(oracle[1, 1])]]
    v = verdict(week2, "hessian_of_f", lambda: one_wrong)
    assert not v.ok and "entry [0][1] (∂²f/∂x∂y) is not right" in v.feedback, v.line()


def kind_by_eigenvalues(H: np.ndarray) -> str:
    """The oracle: NumPy's eigenvalues, with the exact integer determinant deciding zero."""
    det = round(H[0, 0] * H[1, 1] - H[0, 1] * H[1, 0])
    if det == 0:
        return "degenerate"
    low, high = np.linalg.eigvalsh(H)
    return "saddle" if low < 0 < high else "minimum" if low > 0 else "maximum"


def test_classify_accepts_the_eigenvalue_test() -> None:
    assert verdict(week2, "classify", kind_by_eigenvalues).ok


@settings(max_examples=60, deadline=None)
@given(st.integers(-6, 6), st.integers(-6, 6), st.integers(-6, 6))
def test_the_checks_verdict_on_a_hessian_agrees_with_numpy(a: int, b: int, c: int) -> None:
    H = np.array([[a, b], [b, c]], dtype=float)
    assert week2._test(a, b, c).kind == kind_by_eigenvalues(H)


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (lambda H: "saddle" if np.linalg.det(H) < 0 else "minimum", "it is a maximum"),
        (lambda H: "minimum" if H[0, 0] > 0 else "maximum", "it is a saddle: det H < 0"),
        (lambda H: "saddle" if round(np.linalg.det(H)) <= 0 else "minimum" if H[0, 0] > 0
         else "maximum", "it is degenerate: det H = 0"),
        (lambda H: "min", "expected one of 'minimum', 'maximum', 'saddle', 'degenerate'"),
        (lambda H: 1, "returned int"),
    ],
)  # fmt: skip
def test_classify_names_the_mistake(wrong: Any, phrase: str) -> None:
    v = verdict(week2, "classify", wrong)
    assert not v.ok and phrase in v.feedback, v.line()
    assert "for H = [[" in v.feedback


# ------------------------------------------------------------------------------------------
# Week 3
# ------------------------------------------------------------------------------------------


def test_df_dt_against_sympys_own_chain() -> None:
    along = (x**2 * y).subs({x: sympy.cos(t), y: sympy.sin(t)})
    oracle = sympy.diff(along, t)
    assert verdict(week3, "df_dt", lambda: str(oracle)).ok
    assert verdict(week3, "df_dt", lambda: "cos(t)^3 - 2 cos(t) sin(t)^2").ok
    assert verdict(week3, "df_dt", lambda: "cos(t)/4 + 3cos(3t)/4").ok


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ("-2 cos(t) sin(t)^2", "only the path through x"),
        ("cos(t)^3", "only the path through y"),
        ("2 cos(t) sin(t) + cos(t)^2", "the rates dx/dt = −sin t and dy/dt = cos t are missing"),
        ("2 cos(t) sin(t)^2 + cos(t)^3", "dx/dt = −sin t, not sin t"),
        ("2 x y (-sin(t)) + x^2 cos(t)", "put x = cos(t) and y = sin(t) into it"),
    ],
)
def test_df_dt_names_the_mistake(answer: str, phrase: str) -> None:
    v = verdict(week3, "df_dt", lambda: answer)
    assert not v.ok and phrase in v.feedback, v.line()


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (lambda a, W, b: W @ a + b, "the sigmoid is missing"),
        (lambda a, W, b: sigmoid(W @ a), "the bias b is missing"),
        (lambda a, W, b: 1 / (1 + np.exp(W @ a + b)), "the minus sign is missing"),
        (lambda a, W, b: sigmoid(W @ a + b) * (1 - sigmoid(W @ a + b)), "σ′(z), not σ(z)"),
        (lambda a, W, b: sigmoid(W @ a + b).T, "returned the transpose"),
        (lambda a, W, b: sigmoid(W @ a + b)[:, :1], "expected (4, 5)"),
    ],
)
def test_layer_names_the_mistake(wrong: Any, phrase: str) -> None:
    assert verdict(week3, "layer", lambda a, W, b: sigmoid(W @ a + b)).ok
    v = verdict(week3, "layer", wrong)
    assert not v.ok and phrase in v.feedback, v.line()


def neuron_jacobian(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The oracle: ∂C/∂w by central differences of the cost, one weight at a time."""

    def cost(v: np.ndarray) -> float:
        return float(np.sum((sigmoid(v[None, :] @ x + b) - y) ** 2) / x.shape[1])

    h = 1e-6
    return np.array([[(cost(w[0] + h * e) - cost(w[0] - h * e)) / (2 * h)
                      for e in np.eye(w.shape[1])]])  # fmt: skip


def test_d_cost_d_w_agrees_with_an_independent_oracle() -> None:
    solution = runpy.run_path(str(SOLUTIONS / "week3.py"))["d_cost_d_w"]
    rng = np.random.default_rng(11)
    for n, N in ((1, 4), (3, 10), (5, 7)):
        x_, w = rng.standard_normal((n, N)), rng.standard_normal((1, n))
        y_, b = rng.uniform(0, 1, (1, N)), rng.standard_normal((1, 1))
        np.testing.assert_allclose(solution(x_, y_, w, b), neuron_jacobian(x_, y_, w, b),
                                   rtol=1e-6, atol=1e-9)  # fmt: skip


def neuron_parts(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> Any:
    a = sigmoid(w @ x + b)
    return a, 2 * (a - y) / x.shape[1]


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (lambda x, y, w, b: neuron_parts(x, y, w, b)[1] @ x.T, "the σ′(z) factor is missing"),
        (lambda x, y, w, b: (neuron_parts(x, y, w, b)[1] * neuron_parts(x, y, w, b)[0]
                             * (1 - neuron_parts(x, y, w, b)[0])) @ x.T * x.shape[1],
         "is N times too large"),
        (lambda x, y, w, b: (neuron_parts(x, y, w, b)[1] * neuron_parts(x, y, w, b)[0]
                             * (1 - neuron_parts(x, y, w, b)[0])) @ x.T / 2,
         "the factor 2 of ∂C/∂a = 2(a − y)/N is missing"),
        (lambda x, y, w, b: (neuron_parts(x, y, w, b)[1] * neuron_parts(x, y, w, b)[0]) @ x.T,
         "uses σ(z) where σ′(z) belongs"),
        (lambda x, y, w, b: ((neuron_parts(x, y, w, b)[1] * neuron_parts(x, y, w, b)[0]
                              * (1 - neuron_parts(x, y, w, b)[0])) @ x.T).T,
         "returned the transpose"),
    ],
)  # fmt: skip
def test_d_cost_d_w_names_the_mistake(wrong: Any, phrase: str) -> None:
    assert verdict(week3, "d_cost_d_w", neuron_jacobian).ok  # the oracle passes the check
    v = verdict(week3, "d_cost_d_w", wrong)
    assert not v.ok and phrase in v.feedback, v.line()


# ------------------------------------------------------------------------------------------
# The comparison of answers written as maths text
# ------------------------------------------------------------------------------------------

polynomials = st.lists(st.integers(-9, 9), min_size=2, max_size=6)


@settings(max_examples=40, deadline=None)
@given(polynomials, st.integers(0, 5))
def test_a_polynomials_derivative_passes_and_a_changed_one_does_not(
    coefficients: list[int], which: int
) -> None:
    p = sum(c * x**k for k, c in enumerate(coefficients))
    want = sympy.diff(p, x)
    assert compare_expression("d", str(sympy.expand(want)), want, [x]).ok
    assert compare_expression("d", str(sympy.factor(want)), want, [x]).ok
    k = which % len(coefficients)
    changed = want + (k + 1) * x**k  # one coefficient off
    v = compare_expression("d", str(changed), want, [x])
    assert not v.ok and "is not the derivative" in v.feedback


def test_agreement_at_the_points_is_not_enough() -> None:
    """An answer within the numeric tolerance of the right one, but a different expression, is
    refused: SymPy must show that the two are equal."""
    v = compare_expression("d", "cos(x) + 1e-14 x", sympy.cos(x), [x])
    assert not v.ok and "SymPy cannot show that it is the same expression" in v.feedback


def test_when_sympy_runs_out_of_time_the_answer_is_not_passed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mvcalc import _budget
    from mvcalc.exercises import _expressions

    def overrun(*args: Any, **kwargs: Any) -> Any:
        raise _budget.TooCostly("took too long")

    monkeypatch.setattr(_expressions._budget, "run", overrun)
    v = compare_expression("d", "2 sin(x) cos(x)", sympy.sin(2 * x), [x])
    assert not v.ok and "SymPy cannot show" in v.feedback


def test_an_answer_undefined_where_the_right_one_is_defined_is_refused() -> None:
    v = compare_expression("d", "1/(x - x)", sympy.cos(x), [x])
    assert not v.ok and "not defined at x = " in v.feedback


def test_read_expression_reads_numbers_and_sympy_and_refuses_the_rest() -> None:
    assert read_expression(3, [x]) == 3
    assert read_expression(0.5, [x]) == sympy.Rational(1, 2)
    assert read_expression(sympy.sin(x), [x]) == sympy.sin(x)
    for bad in (None, True, {"x": 1}):
        with pytest.raises(ValueError, match="expected the answer as text"):
            read_expression(bad, [x])
    with pytest.raises(ValueError, match="cannot read"):
        read_expression("exec('1')", [x])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-4, 4), min_size=4, max_size=4))
def test_compare_matrix_tells_a_transpose_from_a_wrong_entry(c: list[int]) -> None:
    want = sympy.Matrix([[c[0] * x + y, c[1] * y**2], [c[2] * x * y + 1, c[3] + x**3]])
    rows = [[str(e) for e in want.row(i)] for i in range(2)]
    label = lambda i, j: f"[{i}][{j}]"  # noqa: E731
    assert compare_matrix("J", rows, want, [x, y], labels=label).ok
    transposed = [[rows[0][0], rows[1][0]], [rows[0][1], rows[1][1]]]
    v = compare_matrix("J", transposed, want, [x, y], labels=label)
    assert not v.ok and "(the transpose)" in v.feedback  # the two off-diagonals always differ
    wrong = [[rows[0][0], rows[0][1]], [rows[1][0], f"{rows[1][1]} + y"]]
    v = compare_matrix("J", wrong, want, [x, y], labels=label)
    assert not v.ok and "entry [1][1] ([1][1]) is not right" in v.feedback
