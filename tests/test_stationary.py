"""Tests of mc.stationary_points, ``mvcalc stationary`` and its figure.

Oracles, independent of the code under test: SymPy's own Hessian evaluated by NumPy at each point
(its eigenvalues decide the kind), SciPy's root finder and bracketing solvers for where ∇f = 0,
NumPy's polynomial roots, hand-derived answers, and exact rank tests for quadratics.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize as sopt

import mvcalc as mc
from mvcalc import optimize
from mvcalc.cli import main

KINDS = {"minimum", "maximum", "saddle", "degenerate"}


def oracle(text):
    """f, its gradient and Hessian as NumPy functions, built by SymPy alone (not mvcalc)."""
    expr = sympy.sympify(text)
    xs = sorted(expr.free_symbols, key=str)
    grad = [sympy.diff(expr, x) for x in xs]
    f = sympy.lambdify(xs, expr, "numpy")
    g = sympy.lambdify(xs, grad, "numpy")
    h = sympy.lambdify(xs, sympy.hessian(expr, xs), "numpy")
    return f, (lambda p: np.array(g(*p), dtype=float)), (lambda p: np.array(h(*p), dtype=float))


def kind_from(eigenvalues, flat=1e-9):
    """The second-derivative test, from eigenvalues computed by NumPy."""
    eigenvalues = np.asarray(eigenvalues)
    if np.all(eigenvalues > flat):
        return "minimum"
    if np.all(eigenvalues < -flat):
        return "maximum"
    if np.any(eigenvalues > flat) and np.any(eigenvalues < -flat):
        return "saddle"
    return "degenerate"


def check_against_oracle(text, points):
    """Every point: ∇f = 0 there, its kind and eigenvalues as NumPy finds them from SymPy's
    Hessian, its value f(point)."""
    f, g, h = oracle(text)
    for p in points:
        x = p.coordinates()
        assert np.max(np.abs(g(x))) <= 1e-9 * max(1.0, np.max(np.abs(h(x)))), (text, p)
        eigenvalues = np.linalg.eigvalsh(h(x))
        assert p.kind == kind_from(eigenvalues), (text, p, eigenvalues)
        ours = np.array([float(v) for v in p.eigenvalues])
        np.testing.assert_allclose(np.sort(ours), eigenvalues, rtol=1e-9, atol=1e-9)
        assert float(p.value) == pytest.approx(float(f(*x)), rel=1e-12, abs=1e-12)
        assert p.multipliers == []


def scipy_roots(text, box=3.0, per_axis=7):
    """Where ∇f = 0, by SciPy's root finder from a grid of starts over [−box, box]ⁿ."""
    _, g, h = oracle(text)
    n = len(sympy.sympify(text).free_symbols)
    found = []
    for start in itertools.product(np.linspace(-box, box, per_axis), repeat=n):
        with np.errstate(all="ignore"):
            r = sopt.root(g, np.array(start), jac=h, method="hybr", tol=1e-14)
        if r.success and np.all(np.isfinite(r.x)) and np.max(np.abs(g(r.x))) < 1e-10:
            if not any(np.allclose(r.x, q, atol=1e-7) for q in found):
                found.append(r.x)
    return found


# --------------------------------------------------------------------------------------------
# Exact answers
# --------------------------------------------------------------------------------------------


def test_the_course_example_exactly():
    points = mc.stationary_points("x**3 - 3*x + y**2")
    assert isinstance(points, list) and points.complete and points.note == ""
    assert [(p.point, p.kind, p.value) for p in points] == [
        ({"x": -1, "y": 0}, "saddle", 2),
        ({"x": 1, "y": 0}, "minimum", -2),
    ]
    assert [p.eigenvalues for p in points] == [(-6, 2), (2, 6)]
    assert all(p.exact and isinstance(p.point["x"], sympy.Integer) for p in points)
    check_against_oracle("x**3 - 3*x + y**2", points)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # f = x³ + y³ − 3xy: ∇f = (3x² − 3y, 3y² − 3x) vanishes at (0, 0) and (1, 1)
        ("x**3 + y**3 - 3*x*y", [((0, 0), "saddle"), ((1, 1), "minimum")]),
        # x·y·e^(−x²−y²): (0, 0) and (±1/√2, ±1/√2); the exponential never vanishes
        (
            "x*y*exp(-x**2 - y**2)",
            [((0, 0), "saddle")]
            + [
                ((a / math.sqrt(2), b / math.sqrt(2)), "maximum" if a == b else "minimum")
                for a in (-1, 1)
                for b in (-1, 1)
            ],
        ),
        # x² + y² + z² − xyz: the origin, and (±2, ±2, ±2) with xyz = 8
        (
            "x**2 + y**2 + z**2 - x*y*z",
            [((0, 0, 0), "minimum")]
            + [(s, "saddle") for s in itertools.product((-2, 2), repeat=3) if np.prod(s) > 0],
        ),
        ("x**4 + y**2", [((0, 0), "degenerate")]),  # the test cannot tell: a minimum
        ("x**3 + y**2", [((0, 0), "degenerate")]),  # nor here: no extremum at all
        ("-x**4 - y**4", [((0, 0), "degenerate")]),  # nor here: a maximum
        ("x**3 - 3*x", [((-1,), "maximum"), ((1,), "minimum")]),
        ("1/(1 + x**2 + y**2)", [((0, 0), "maximum")]),  # a denominator that never vanishes
    ],
)
def test_hand_derived_points(text, want):
    points = mc.stationary_points(text)
    assert points.complete, points.note
    got = sorted((tuple(p.coordinates()), p.kind) for p in points)
    want = sorted((tuple(float(c) for c in xy), kind) for xy, kind in want)
    assert len(got) == len(want)
    for (xy, kind), (xy_want, kind_want) in zip(got, want, strict=True):
        np.testing.assert_allclose(xy, xy_want, atol=1e-14)
        assert kind == kind_want
    assert all(p.exact for p in points)
    check_against_oracle(text, points)


@pytest.mark.parametrize(
    "text",
    [
        "x**4/4 - x**2 + x/3 + y**2",  # three real roots of a cubic: Cardano's formula holds i
        "x**6 - 3*x**4 + x + y**2",  # a quintic with no solution in radicals
        "x**4 - 5*x**2 + x + y**3/3 + y**2",
        "x**2*y - y**3 + x",
        "x**4 + y**4 - 4*x*y + x",
    ],
)
def test_polynomial_lists_are_complete_and_right(text):
    points = mc.stationary_points(text)
    assert points.complete, points.note
    assert all(p.exact for p in points)
    check_against_oracle(text, points)
    roots = scipy_roots(text)
    assert roots, "the oracle found no stationary point"
    for r in roots:  # every point SciPy finds is in the list: complete, as claimed
        assert any(np.allclose(r, p.coordinates(), atol=1e-7) for p in points), (r, points)
    assert len(points) == len(roots)


def test_a_quintic_has_every_real_root():
    text = "x**6 - 3*x**4 + x + y**2"  # ∂f/∂x = 6x⁵ − 12x³ + 1
    roots = np.roots([6, 0, -12, 0, 0, 1])
    real = np.sort(roots[np.abs(roots.imag) < 1e-12].real)
    points = mc.stationary_points(text)
    np.testing.assert_allclose([p.coordinates()[0] for p in points], real, rtol=1e-12)
    kinds = ["minimum" if 30 * x**4 - 36 * x**2 > 0 else "saddle" for x in real]
    assert [p.kind for p in points] == kinds


def test_variables_order_and_sympy_input():
    x, y = sympy.symbols("x y")
    points = mc.stationary_points(x**3 - 3 * x + y**2, "y,x")
    assert [list(p.point) for p in points] == [["y", "x"], ["y", "x"]]
    assert [p.point["x"] for p in points] == [-1, 1]
    assert [p.kind for p in points] == ["saddle", "minimum"]
    assert mc.stationary_points("(θ - 1)**2", ["θ"])[0].point == {"theta": 1}


def test_no_stationary_points():
    for text in ("x + y", "x**3 + x + y", "exp(x) + y"):
        points = mc.stationary_points(text)
        assert points == [] and points.complete, text


# --------------------------------------------------------------------------------------------
# Infinitely many points: refused, never looped on
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("(x - y)**2", "x = y"),
        ("x**2*y**2", "x = 0"),
        ("(x**2 + y**2 - 1)**2", "sqrt(1 - x**2)"),
        ("sin(x + y)", "x = "),
        ("x**2 + 0*y", None),  # y does not appear in f: named as such
        ("x*y*z", "x = 0 and y = 0"),
    ],
)
def test_families_of_points_are_refused(text, where):
    if where is None:
        with pytest.raises(ValueError, match="do not appear"):
            mc.stationary_points(text, "x,y")
        return
    with pytest.raises(ValueError, match="infinitely many stationary points") as error:
        mc.stationary_points(text)
    assert where in str(error.value)
    assert "\n" not in str(error.value)


def test_a_complex_family_is_searched_not_refused():
    # ∇f = 0 where x² + y² = 0: complex lines y = ±ix, but the only real point is the origin
    points = mc.stationary_points("(x**2 + y**2)**2")
    assert not points.complete and "complex" in points.note
    assert [(p.point, p.kind) for p in points] == [({"x": 0, "y": 0}, "degenerate")]


# --------------------------------------------------------------------------------------------
# Beyond polynomials: not claimed complete; the numeric fallback and its time limit
# --------------------------------------------------------------------------------------------


def test_periodic_function_says_so():
    points = mc.stationary_points("sin(x) + y**2")
    assert not points.complete
    assert "periodic in x (period 2*pi)" in points.note
    assert {"x": sympy.pi / 2, "y": 0} in [p.point for p in points]
    for p in points:
        assert math.cos(p.coordinates()[0]) == pytest.approx(0, abs=1e-12)
    check_against_oracle("sin(x) + y**2", points)


def test_sympy_misses_a_root_the_search_finds():
    # e^x = 6x has two real roots; SymPy's LambertW gives one (the principal branch)
    points = mc.stationary_points("exp(x) - 3*x**2 + y**2")
    want = [sopt.brentq(lambda x: math.exp(x) - 6 * x, *b, xtol=1e-15) for b in ((0, 1), (2, 3))]
    np.testing.assert_allclose([p.coordinates()[0] for p in points], want, rtol=1e-12)
    assert [p.kind for p in points] == ["saddle", "minimum"]
    assert not points.complete and "not a system of polynomial equations" in points.note
    assert points[0].exact and not points[1].exact
    check_against_oracle("exp(x) - 3*x**2 + y**2", points)


def test_numeric_fallback_when_sympy_cannot_solve():
    points = mc.stationary_points("x*sin(x) + y**2")  # sin(x) + x·cos(x) = 0: no closed form
    assert not points.complete and "SymPy could not solve" in points.note
    root = sopt.brentq(lambda x: math.sin(x) + x * math.cos(x), 1.5, 2.5, xtol=1e-15)
    np.testing.assert_allclose(
        [p.coordinates()[0] for p in points], [-root, 0.0, root], rtol=1e-12, atol=1e-15
    )
    assert [p.kind for p in points] == ["saddle", "minimum", "saddle"]
    assert points[1].exact and points[1].point == {"x": 0, "y": 0}  # recognised, then verified
    check_against_oracle("x*sin(x) + y**2", points)


def test_numeric_root_at_a_multiple_root_is_recognised_and_degenerate():
    # x − sin(x) = 0 has a triple root at 0: Newton stops short of it, the point is exact
    points = mc.stationary_points("x**2/2 + cos(x) + y**2")
    assert [(p.point, p.kind, p.exact) for p in points] == [({"x": 0, "y": 0}, "degenerate", True)]


def test_time_limit_falls_back_on_the_numeric_search():
    text = "x**6 + y**6 + z**6 + x**3*y**2*z - 7*x*y*z**2 + 3*x**2*y + y*z - x"
    points = mc.stationary_points(text, time_limit=1)
    assert not points.complete and "time limit (1 s)" in points.note
    assert points and all(p.kind in KINDS and not p.exact for p in points)
    check_against_oracle(text, points)


def test_at_most_max_points_are_listed(monkeypatch):
    monkeypatch.setattr(optimize, "MAX_POINTS", 3)
    points = mc.stationary_points("x**3 - 3*x + y**3 - 3*y")  # four points
    assert len(points) == 3 and not points.complete and "more than 3" in points.note


def test_lagrange_marks_exact_points_as_exact():
    assert all(p.exact and p.eigenvalues == () for p in mc.lagrange("x*y", "x**2 + y**2 - 1"))


# --------------------------------------------------------------------------------------------
# Random quadratics: one point, whose kind the matrix's eigenvalues decide
# --------------------------------------------------------------------------------------------


@st.composite
def quadratics(draw):
    n = draw(st.integers(1, 3))
    entries = st.integers(-4, 4)
    upper = [[draw(entries) for _ in range(n)] for _ in range(n)]
    A = np.array([[upper[min(i, j)][max(i, j)] for j in range(n)] for i in range(n)])
    b = np.array([draw(entries) for _ in range(n)])
    return A, b


@settings(max_examples=30, deadline=None)
@given(quadratics())
def test_random_quadratics(case):
    A, b = case
    n = len(b)
    xs = sympy.symbols(f"x0:{n}")
    v = sympy.Matrix(xs)
    f = (v.T * sympy.Matrix(A) * v)[0] / 2 + (sympy.Matrix(b).T * v)[0]
    assume(f.free_symbols >= set(xs))  # no variable cancelled out
    rank = sympy.Matrix(A).rank()
    if rank < n:  # ∇f = Ax + b = 0: a line or plane of solutions, or none
        if sympy.Matrix.hstack(sympy.Matrix(A), sympy.Matrix(b)).rank() == rank:
            with pytest.raises(ValueError, match="infinitely many"):
                mc.stationary_points(f)
        else:
            points = mc.stationary_points(f)
            assert points == [] and points.complete
        return
    (p,) = mc.stationary_points(f)
    np.testing.assert_allclose(p.coordinates(), np.linalg.solve(A, -b), atol=1e-12)
    eigenvalues = np.linalg.eigvalsh(A)
    assert p.kind == kind_from(eigenvalues)
    np.testing.assert_allclose([float(e) for e in p.eigenvalues], eigenvalues, atol=1e-9)
    assert p.exact and all(isinstance(c, sympy.Rational) for c in p.point.values())


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((42,), {}, TypeError, "f must be maths text"),
        (("",), {}, ValueError, "empty"),
        (("3",), {}, ValueError, "f must depend on a variable"),
        (("x**2 + y**2", "x,x"), {}, ValueError, "distinct names"),
        (("x**2", "z"), {}, ValueError, "do not appear"),
        (("x**2 + y**2", "x"), {}, ValueError, "missing"),
        (("x**2", 5), {}, TypeError, "variables must be text"),
        (("x**2",), {"starts": 0}, ValueError, "starts"),
        (("x**2",), {"time_limit": -1}, ValueError, "time_limit"),
        (("abs(x) + y**2",), {}, ValueError, "twice differentiable"),
    ],
)
def test_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        mc.stationary_points(*args, **kwargs)


# --------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------


def test_stationary_command(tmp_path, capsys):
    out_file = tmp_path / "s.png"
    assert main(["stationary", "x**3 - 3*x + y**2", "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "∇f = (3*x**2 - 3, 2*y)" in out
    assert "saddle     at x = -1, y = 0:  f = 2  (eigenvalues of H: -6, 2)" in out
    assert "minimum    at x = 1, y = 0:  f = -2  (eigenvalues of H: 2, 6)" in out
    assert "all 2 stationary points, exactly" in out
    assert out_file.read_bytes()[:4] == b"\x89PNG"


def test_stationary_command_says_when_the_list_may_be_incomplete(capsys):
    assert main(["stationary", "x*sin(x)", "--vars", "x"]) == 0
    out = capsys.readouterr().out
    assert "f′ = x*cos(x) + sin(x)" in out
    assert "minimum    at x = 0:  f = 0  (f″ = 2)" in out
    assert "maximum    at x ≈ 2.028757838" in out  # sin(x) + x·cos(x) = 0, f″ < 0
    assert "the list may not be complete: SymPy could not solve" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["stationary", "x +"], "cannot read"),
        (["stationary", "(x - y)**2"], "infinitely many stationary points"),
        (["stationary", "x**2 + y**2", "--vars", "x,y,z"], "do not appear"),
        (["stationary", "x*y*z**2", "--out", "f.png"], "one or two variables"),
        (["stationary", "x**2", "--out", "f.txt"], "--out"),
    ],
)
def test_stationary_command_rejects_bad_input_in_one_line(argv, fragment, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert fragment in captured.err and "Traceback" not in captured.err


# --------------------------------------------------------------------------------------------
# The figure
# --------------------------------------------------------------------------------------------


def test_figure_marks_each_point_by_its_kind():
    text = "x*y*exp(-x**2 - y**2)"
    points = mc.stationary_points(text)
    ax = mc.plots.stationary_points(text, points, resolution=50).axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    kinds = [mc.plots.optimize.KIND_MARKS[k][2] for k in ("minimum", "maximum", "saddle")]
    assert labels == [*kinds, "contour of f through each saddle (dashed)"]
    drawn = {}
    for line in ax.get_lines():
        if line.get_label() in labels:
            drawn[line.get_label()] = np.column_stack([line.get_xdata(), line.get_ydata()])
    for kind in ("minimum", "maximum", "saddle"):
        want = np.array([p.coordinates() for p in points if p.kind == kind])
        got = drawn[mc.plots.optimize.KIND_MARKS[kind][2]]
        np.testing.assert_allclose(got[np.lexsort(got.T)], want[np.lexsort(want.T)])
    (x_lo, x_hi), (y_lo, y_hi) = ax.get_xlim(), ax.get_ylim()
    assert all(x_lo < p.coordinates()[0] < x_hi and y_lo < p.coordinates()[1] < y_hi
               for p in points)  # fmt: skip


def test_figure_draws_the_contour_through_a_saddle():
    points = mc.stationary_points("x**3 - 3*x + y**2")
    fig = mc.plots.stationary_points("x**3 - 3*x + y**2", points, resolution=80)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "contour of f through each saddle (dashed)" in labels
    levels = [c.levels.tolist() for c in fig.axes[0].collections if hasattr(c, "levels")]
    assert [2.0] in levels  # f(−1, 0) = 2


def test_figure_of_one_variable_and_of_a_callable():
    points = mc.stationary_points("x**3 - 3*x")
    ax = mc.plots.stationary_points("x**3 - 3*x", points, resolution=40).axes[0]
    marks = {line.get_label(): (line.get_xdata(), line.get_ydata()) for line in ax.get_lines()}
    xs, ys = marks["maximum: f″ < 0"]  # in one variable, H is f″
    assert (xs.tolist(), ys.tolist()) == ([-1.0], [2.0])
    points = mc.stationary_points("x**2 - y**2")
    fig = mc.plots.stationary_points(lambda p: p[0] ** 2 - p[1] ** 2, points, resolution=30,
                                     bounds=((-1, 1), (-2, 2)))  # fmt: skip
    assert fig.axes[0].get_xlim() == (-1.0, 1.0) and fig.axes[0].get_ylim() == (-2.0, 2.0)


def test_figure_title_says_when_the_list_may_be_incomplete():
    points = mc.stationary_points("sin(x) + y**2")
    fig = mc.plots.stationary_points("sin(x) + y**2", points, resolution=30)
    assert "may not hold all of them" in fig.axes[0].get_title()
    fig = mc.plots.stationary_points("x + y", mc.stationary_points("x + y"), resolution=30)
    assert "(none found)" in fig.axes[0].get_title().replace("\n", " ")


def test_figure_bad_input():
    with pytest.raises(ValueError, match="one or two variables"):
        mc.plots.stationary_points("x*y*z", [], resolution=10)
    with pytest.raises(TypeError, match="StationaryPoint"):
        mc.plots.stationary_points("x*y", [(0, 0)], resolution=10)
    with pytest.raises(ValueError, match="bounds"):
        mc.plots.stationary_points("x*y", [], bounds=((1, 0), (0, 1)), resolution=10)
    with pytest.raises(ValueError, match="resolution"):
        mc.plots.stationary_points("x*y", [], resolution=1)
