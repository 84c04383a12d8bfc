"""The figures teach the right thing (issue 16): what each one must show, checked.

Newton's tangents land on a visible axis y = 0; a minimiser's end is named by its status (a
saddle is a saddle, never "minimum found"); Lagrange's figure draws the constraint as labelled
and ∇f ∥ ∇g at each point; Taylor's figure tells coinciding orders apart; a dead network is said
to be dead. The oracles are SymPy (derivatives, gradients, series) and the data themselves.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.quiver import Quiver

import mvcalc as mc
from mvcalc.results import STATUSES, Result, TrainingHistory

X, Y = sympy.symbols("x y", real=True)


def _rendered(fig):
    """Draw the figure (constrained layout runs) and return its renderer."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _inside_figure(fig, artist, renderer) -> bool:
    box, frame = artist.get_window_extent(renderer), fig.bbox
    return (box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1 and box.y0 >= frame.y0 - 1
            and box.y1 <= frame.y1 + 1)  # fmt: skip


def _cross(a, b) -> float:
    """The z-component of a × b for vectors in the plane (0 when parallel)."""
    return float(a[0] * b[1] - a[1] * b[0])


def _legend(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def _sympy_of(text: str) -> tuple[sympy.Expr, sympy.Symbol]:
    expr = sympy.sympify(text.replace("^", "**"))
    (x,) = expr.free_symbols
    return expr, x


# --------------------------------------------------------------------------------------------
# Newton–Raphson's tangents
# --------------------------------------------------------------------------------------------

NEWTON_CASES = [
    ("x^3-2*x+2", 0.0, "cycling"),  # the figure
    ("x^3-2*x+2", -2.0, "converged"),
    ("cos(x)-x", 1.0, "converged"),
    ("(x-3)^3", 2.5, "converged"),  # a triple root: modified steps longer than the tangent's
    ("atan(x)", 1.5, "diverged"),
]


@pytest.mark.parametrize(("text", "x0", "status"), NEWTON_CASES)
def test_newton_axes_hold_y0_and_every_tangents_zero(text, x0, status):
    r = mc.newton_raphson(text, x0)
    assert r.status == status
    expr, x = _sympy_of(text)
    f = sympy.lambdify(x, expr)
    df = sympy.lambdify(x, sympy.diff(expr, x))
    iterates = r.path[:-1]
    zeros = np.array([p - f(p) / df(p) for p in iterates])  # each tangent's zero, by SymPy
    ax = mc.plots.newton_tangents(text, r).axes[0]
    x_lo, x_hi = ax.get_xlim()
    y_lo, y_hi = ax.get_ylim()
    assert y_lo < 0 < y_hi  # the axis, where the tangents land
    assert np.all((x_lo <= zeros) & (zeros <= x_hi))
    assert np.all((x_lo <= r.path) & (r.path <= x_hi))
    values = np.array([f(p) for p in r.path])
    assert np.all((y_lo <= values) & (values <= y_hi))
    (axis,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("y = 0")]
    assert axis.get_ydata()[0] == 0
    (landings,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("tangent meets y = 0")]
    np.testing.assert_allclose(landings.get_xdata(), zeros, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(landings.get_ydata(), 0.0)
    assert ("root found" in _legend(ax)) == (status == "converged")


@pytest.mark.parametrize(("text", "x0", "status"), NEWTON_CASES[:4])
def test_newton_tangents_are_tangent(text, x0, status):
    r = mc.newton_raphson(text, x0)
    expr, x = _sympy_of(text)
    f = sympy.lambdify(x, expr)
    df = sympy.lambdify(x, sympy.diff(expr, x))
    ax = mc.plots.newton_tangents(text, r).axes[0]
    tangents = [ln for ln in ax.get_lines() if ln.get_color() == "#c0392b"
                and ln.get_marker() in ("None", "") and ln.get_linestyle() == "-"]  # fmt: skip
    assert len(tangents) == r.nit
    for line, p in zip(tangents, r.path, strict=False):
        (x0_, y0_), (x1_, y1_) = line.get_xydata()
        assert x0_ == pytest.approx(p) and y0_ == pytest.approx(f(p), abs=1e-15)
        assert y1_ == 0
        assert x1_ == pytest.approx(p - f(p) / df(p), rel=1e-12, abs=1e-15)
        if abs(x1_ - x0_) > 1e-4 * max(1.0, abs(p)):  # long enough to measure its slope
            assert (y1_ - y0_) / (x1_ - x0_) == pytest.approx(df(p), rel=1e-9)


def test_newton_cycle_is_named_on_the_axis():
    r = mc.newton_raphson("x^3-2*x+2", 0)
    ax = mc.plots.newton_tangents("x^3-2*x+2", r).axes[0]
    names = {t.get_text(): t.xy for t in ax.texts if t.get_text()}
    assert names.keys() == {"x0 = x2", "x1"}
    assert names["x0 = x2"] == (0.0, 0.0) and names["x1"] == (1.0, 0.0)
    assert "cycling" in ax.get_title()


def test_newton_distinct_iterates_are_never_named_as_one():
    r = mc.newton_raphson("atan(x)", 1.5)  # 1.5, −1.69, 2.32, …: close on the figure, not equal
    ax = mc.plots.newton_tangents("atan(x)", r).axes[0]
    for text in (t.get_text() for t in ax.texts if " = " in t.get_text()):
        ks = [int(name[1:]) for name in text.split(" = ")]
        assert np.ptp(r.path[ks]) <= 1e-9 * np.max(np.abs(r.path[ks]))


def test_newton_multiple_root_shows_the_longer_step():
    r = mc.newton_raphson("(x-3)^3", 2.5)
    assert "multiplicity 3" in r.message
    ax = mc.plots.newton_tangents("(x-3)^3", r).axes[0]
    assert any("longer step" in label for label in _legend(ax))
    plain = mc.newton_raphson("x^3-2*x+2", -2)
    assert not any("longer step" in lb for lb in _legend(mc.plots.newton_tangents(
        "x^3-2*x+2", plain).axes[0]))  # fmt: skip


def test_newton_flat_tangent_never_meets_the_axis():
    r = mc.newton_raphson("x^2+1", 0)
    assert r.status == "zero-derivative"
    ax = mc.plots.newton_tangents("x^2+1", r).axes[0]
    (flat,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("flat tangent")]
    np.testing.assert_array_equal(flat.get_ydata(), 1.0)  # f(0) = 1, slope 0
    low, high = ax.get_ylim()
    assert low < 0 < high and "root found" not in _legend(ax)


def test_newton_tangents_of_a_callable_use_its_derivative():
    def f(x):
        return np.cos(x) - x

    r = mc.newton_raphson(f, 1.0)
    ax = mc.plots.newton_tangents(f, r).axes[0]
    (landings,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("tangent meets")]
    expected = [p - f(p) / (-np.sin(p) - 1) for p in r.path[:-1]]
    np.testing.assert_allclose(landings.get_xdata(), expected, rtol=1e-8)


def test_newton_title_is_never_cut_off():
    r = mc.newton_raphson("x^3-2*x+2", 0)
    fig = mc.plots.newton_tangents("x^3-2*x+2", r)
    renderer = _rendered(fig)
    title = fig.axes[0].title
    assert _inside_figure(fig, title, renderer)
    assert r.message in " ".join(title.get_text().split())  # the whole message, wrapped
    words = "iteration limit: " + "no root here; " * 20
    long = Result(x=0.0, fun=2.0, path=np.array([0.0, 1.0]), nit=1, converged=False,
                  status="max-iter", message=words)  # fmt: skip
    fig = mc.plots.newton_tangents("x^3-2*x+2", long)
    renderer = _rendered(fig)
    assert _inside_figure(fig, fig.axes[0].title, renderer)
    fig = mc.plots.newton_tangents("x^3-2*x+2", r, title="a title of my own " * 12)
    assert _inside_figure(fig, fig.axes[0].title, _rendered(fig))


def test_newton_draws_a_bounded_number_of_tangents():
    r = mc.newton_raphson("x^2+1", 0.5)  # no real root: 100 wandering steps
    assert r.status == "max-iter" and r.nit == 100
    ax = mc.plots.newton_tangents("x^2+1", r).axes[0]
    tangents = [ln for ln in ax.get_lines() if ln.get_color() == "#c0392b"
                and ln.get_marker() in ("None", "") and ln.get_linestyle() == "-"]  # fmt: skip
    assert len(tangents) == mc.plots.optimize.MAX_TANGENTS
    assert any("first 50 of 100" in label for label in _legend(ax))


# --------------------------------------------------------------------------------------------
# Descent paths: the end is what the status says
# --------------------------------------------------------------------------------------------


def test_minimize_saddle_is_drawn_and_named_as_a_saddle():
    text = "x^3-3*x+y^2"
    r = mc.minimize(text, [-0.5, 1], method="newton")
    assert r.status == "saddle"
    expr = X**3 - 3 * X + Y**2  # the oracle: a saddle where the Hessian has both signs
    at = {X: r.x[0], Y: r.x[1]}
    eigenvalues = np.linalg.eigvalsh(np.array(sympy.hessian(expr, (X, Y)).subs(at), float))
    assert eigenvalues.min() < 0 < eigenvalues.max()
    fig = mc.plots.descent_paths(text, {"newton": r}, resolution=30)
    ax = fig.axes[0]
    labels = _legend(ax)
    assert "minimum found" not in labels
    assert "saddle point, not a minimum" in labels
    (end,) = [ln for ln in ax.get_lines() if ln.get_label() == "saddle point, not a minimum"]
    np.testing.assert_allclose(end.get_xydata()[0], r.x)
    assert end.get_marker() != "*"  # the star is kept for minima
    assert "saddle" in ax.get_title() and "minimum found" not in ax.get_title()


@pytest.mark.parametrize("status", sorted(STATUSES))
def test_descent_end_label_follows_the_status(status):
    path = np.array([[1.0, 1.0], [0.5, 0.2], [0.1, 0.0]])
    r = Result(x=path[-1], fun=0.01, path=path, nit=2, converged=status == "converged",
               status=status, message=f"{status}: made up for the test")  # fmt: skip
    ax = mc.plots.descent_paths("x^2+y^2", [r], resolution=10).axes[0]
    end = _legend(ax)[-1]
    if status == "converged":
        assert end == "minimum found"
    else:
        assert "minimum found" not in end
        assert "not a minimum" in end or "no minimum" in end
        words = {"saddle": "saddle", "maximum": "maximum"}.get(status, status)
        assert words in end


def test_minimize_maximum_is_named_as_a_maximum():
    r = mc.minimize("-(x^2+y^2)", [0.3, 0.2], method="newton")
    assert r.status == "maximum"
    labels = _legend(mc.plots.descent_paths("-(x^2+y^2)", r, resolution=20).axes[0])
    assert "maximum, not a minimum" in labels and "minimum found" not in labels


def test_descent_paths_takes_a_list_a_dict_or_one_result():
    f = "x^2+10*y^2"
    runs = [mc.minimize(f, [1, 1], method=m) for m in ("hybrid", "gradient-descent")]
    as_list = mc.plots.descent_paths(f, runs, resolution=20).axes[0]
    paths = [ln for ln in as_list.get_lines() if ln.get_label().endswith(" points)")]
    assert [ln.get_label().split(" (")[0] for ln in paths] == ["path 1", "path 2"]
    for line, r in zip(paths, runs, strict=True):
        np.testing.assert_array_equal(line.get_xydata(), r.path)
    ends = [lb for lb in _legend(as_list) if lb.startswith("path 1:") or lb.startswith("path 2:")]
    assert runs[0].status == "converged" and runs[1].status not in ("converged", "saddle")
    assert ends == ["path 1: minimum found",
                    f"path 2: stopped ({runs[1].status}): no minimum claimed"]  # fmt: skip
    assert _legend(as_list).count("start") == 1  # one start, shared
    as_dict = mc.plots.descent_paths(f, dict(zip(["a", "b"], runs, strict=True)), resolution=20)
    assert [lb for lb in _legend(as_dict.axes[0]) if lb.startswith("a (")] == ["a (2 points)"]
    one = mc.plots.descent_paths(f, runs[0], resolution=20).axes[0]
    assert "minimum found" in _legend(one)
    for bad in ([], {}, [1], "x", None):
        with pytest.raises(TypeError, match="results must be"):
            mc.plots.descent_paths(f, bad, resolution=20)


# --------------------------------------------------------------------------------------------
# Lagrange: the constraint as labelled, ∇f ∥ ∇g
# --------------------------------------------------------------------------------------------

LAGRANGE_CASES = [
    ("x*y", "x^2+y^2-1", X * Y, X**2 + Y**2 - 1),
    ("x+y", "x^2+y^2-1", X + Y, X**2 + Y**2 - 1),
    ("x*y^2", "x^2+y^2-3", X * Y**2, X**2 + Y**2 - 3),
    ("x^2+y^2", "x+y-1", X**2 + Y**2, X + Y - 1),
]


def _arrows(ax) -> dict[str, Quiver]:
    return {q.get_label(): q for q in ax.collections if isinstance(q, Quiver)}


@pytest.mark.parametrize(("f", "g", "f_expr", "g_expr"), LAGRANGE_CASES)
def test_lagrange_gradients_are_drawn_parallel(f, g, f_expr, g_expr):
    points = mc.lagrange(f, g, "x,y")
    ax = mc.plots.lagrange_points(f, g, points, resolution=40).axes[0]
    arrows = _arrows(ax)
    assert set(arrows) == {"∇f", "∇g"}
    grad_f = [sympy.lambdify((X, Y), sympy.diff(f_expr, v)) for v in (X, Y)]
    grad_g = [sympy.lambdify((X, Y), sympy.diff(g_expr, v)) for v in (X, Y)]
    origins = {name: q.XY for name, q in arrows.items()}
    vectors = {name: np.column_stack([q.U, q.V]) for name, q in arrows.items()}
    x_lo, x_hi = ax.get_xlim()
    y_lo, y_hi = ax.get_ylim()
    for p in points:
        xy = p.coordinates()
        exact_f = np.array([d(*xy) for d in grad_f], dtype=float)
        exact_g = np.array([d(*xy) for d in grad_g], dtype=float)
        (i,) = np.flatnonzero(np.all(np.isclose(origins["∇g"], xy), axis=1))
        drawn_g = vectors["∇g"][i]
        assert _cross(drawn_g, exact_g) == pytest.approx(0, abs=1e-9 * np.linalg.norm(drawn_g))
        assert drawn_g @ exact_g > 0
        tip = xy + drawn_g
        assert x_lo <= tip[0] <= x_hi and y_lo <= tip[1] <= y_hi
        at_f = np.flatnonzero(np.all(np.isclose(origins["∇f"], xy), axis=1))
        if np.linalg.norm(exact_f) < 1e-12:  # λ = 0: f itself is stationary, no arrow
            assert at_f.size == 0 and float(p.multipliers[0]) == 0
            continue
        drawn_f = vectors["∇f"][at_f[0]]
        # parallel: ∇f = λ∇g, pointing as the sign of λ says
        assert _cross(drawn_f, drawn_g) == pytest.approx(
            0, abs=1e-9 * np.linalg.norm(drawn_f) * np.linalg.norm(drawn_g)
        )
        assert np.sign(drawn_f @ drawn_g) == np.sign(float(p.multipliers[0]))
        lam = abs(float(p.multipliers[0])) * np.linalg.norm(exact_g) / np.linalg.norm(exact_f)
        assert lam == pytest.approx(1.0)  # the oracle agrees that ∇f = λ∇g here
        ratio = np.linalg.norm(drawn_f) / np.linalg.norm(drawn_g)
        expected = np.linalg.norm(exact_f) / np.linalg.norm(exact_g)
        assert ratio == pytest.approx(np.clip(expected, 0.25, 4.0))  # |λ|, within [1/4, 4]
    assert len(arrows["∇g"].U) == len(points)


def test_lagrange_constraint_is_drawn_as_labelled():
    points = mc.lagrange("x*y", "x^2+y^2-1", "x,y")
    ax = mc.plots.lagrange_points("x*y", "x^2+y^2-1", points, resolution=80).axes[0]
    title = " ".join(ax.get_title().split())
    assert "contour of f (dashed)" in title and "g = 0 (solid)" in title
    assert "∇f = λ∇g" in title
    handles = dict(zip(*reversed(ax.get_legend_handles_labels()), strict=True))
    assert handles["constraint g = 0 (solid)"].get_linestyle() == "-"
    assert handles["contour of f through each point (dashed)"].get_linestyle() == "--"
    # the solid black contour lies on x² + y² = 1; the dashed ones are f's levels at the points
    contours = [c for c in ax.collections if hasattr(c, "levels") and c.filled is False]
    solid = [c for c in contours if list(c.levels) == [0.0]]
    assert len(solid) == 1
    vertices = np.vstack([path.vertices for path in solid[0].get_paths()])
    np.testing.assert_allclose(np.hypot(*vertices.T), 1.0, atol=2e-3)
    dashed = sorted(float(c.levels[0]) for c in contours if c is not solid[0])
    assert dashed == pytest.approx(sorted(float(p.value) for p in points))
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == ["λ = -1/2", "λ = -1/2", "λ = 1/2", "λ = 1/2"]


def test_lagrange_legend_and_title_fit_in_the_figure():
    points = mc.lagrange("x+y", "x^2+y^2-1", "x,y")
    fig = mc.plots.lagrange_points("x+y", "x^2+y^2-1", points, resolution=30)
    renderer = _rendered(fig)
    ax = fig.axes[0]
    assert _inside_figure(fig, ax.title, renderer)
    assert _inside_figure(fig, ax.get_legend(), renderer)
    assert sorted(t.get_text() for t in ax.texts) == ["λ = -√2/2", "λ = √2/2"]


def test_lagrange_figure_of_callables_and_of_an_equation():
    points = mc.lagrange("x*y", "x^2+y^2-1", "x,y")
    fig = mc.plots.lagrange_points(lambda p: p[0] * p[1], lambda p: p[0] ** 2 + p[1] ** 2 - 1,
                                   points, resolution=30)  # fmt: skip
    arrows = _arrows(fig.axes[0])
    for xy, u, v in zip(arrows["∇f"].XY, arrows["∇f"].U, arrows["∇f"].V, strict=True):
        exact = np.array([xy[1], xy[0]])  # ∇(xy) = (y, x)
        assert _cross([u, v], exact) == pytest.approx(0, abs=1e-7) and [u, v] @ exact > 0
    equation = sympy.Eq(X**2 + Y**2, 1)
    fig = mc.plots.lagrange_points(X * Y, equation, points, resolution=30)
    np.testing.assert_allclose(_arrows(fig.axes[0])["∇g"].U, arrows["∇g"].U)
    with pytest.raises(ValueError, match="function of x, y only"):
        mc.plots.lagrange_points("x*y*z", "x^2+y^2-1", points, resolution=10)
    with pytest.raises(TypeError, match="constraint must be"):
        mc.plots.lagrange_points("x*y", 3, points, resolution=10)


# --------------------------------------------------------------------------------------------
# Taylor: orders that coincide are named together, in colours that separate
# --------------------------------------------------------------------------------------------


def _polynomial_lines(ax):
    return [ln for ln in ax.get_lines() if ln.get_label().startswith("P")]


def _relative_luminance(colour) -> float:
    r, g, b = to_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_taylor_cos_names_coinciding_orders_together():
    fig = mc.plots.taylor_approximations("cos(x)", 0, 4)
    ax = fig.axes[0]
    lines = _polynomial_lines(ax)
    assert [ln.get_label() for ln in lines] == ["P0 = P1", "P2 = P3", "P4"]
    for line in lines:  # each curve is its polynomial, by SymPy's series
        k = int(line.get_label().split()[-1][1:])
        poly = sympy.lambdify(X, sympy.series(sympy.cos(X), X, 0, k + 1).removeO())
        xs, ys = line.get_data()
        np.testing.assert_allclose(ys, poly(np.asarray(xs)) + 0 * np.asarray(xs), atol=1e-13)
    (f,) = [ln for ln in ax.get_lines() if ln.get_label() == "f"]
    top = lines[-1]
    assert top.get_zorder() > f.get_zorder()  # P4 drawn over f, not hidden beneath
    assert top.get_linestyle() == "--"  # dashed: f shows between the dashes
    assert top.get_linewidth() >= max(ln.get_linewidth() for ln in lines)
    colours = [to_rgb(ln.get_color()) for ln in lines]
    for i, a in enumerate(colours):
        assert _relative_luminance(a) < 0.6  # no pale lime
        for b in colours[i + 1 :]:
            assert np.linalg.norm(np.subtract(a, b)) > 0.3  # colours that separate
    assert "is 0" in ax.get_legend().get_title().get_text()


def test_taylor_exp_has_no_coinciding_orders():
    ax = mc.plots.taylor_approximations("exp(x)", 1, 3).axes[0]
    assert [ln.get_label() for ln in _polynomial_lines(ax)] == ["P0", "P1", "P2", "P3"]
    assert not ax.get_legend().get_title().get_text()


def test_taylor_of_a_callable_groups_its_zero_coefficients():
    ax = mc.plots.taylor_approximations(np.cos, 0.0, 4).axes[0]
    assert [ln.get_label() for ln in _polynomial_lines(ax)] == ["P0 = P1", "P2 = P3", "P4"]


@settings(max_examples=12, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=2, max_size=6))
def test_taylor_groups_follow_the_zero_coefficients(coefficients):
    assume(any(coefficients[1:]))  # a constant has no variable to expand in
    text = " + ".join(f"({c})*x^{k}" for k, c in enumerate(coefficients))
    order = len(coefficients) - 1
    ax = mc.plots.taylor_approximations(text, 0, order, interval=(-1, 1)).axes[0]
    expected: list[list[int]] = []
    for k, c in enumerate(coefficients):  # a new curve wherever a term is added
        if k == 0 or c != 0:
            expected.append([k])
        else:
            expected[-1].append(k)
    labels = [ln.get_label() for ln in _polynomial_lines(ax)]
    assert labels == [" = ".join(f"P{k}" for k in group) for group in expected]


# --------------------------------------------------------------------------------------------
# Training curves: a dead or saturated network is said to be one
# --------------------------------------------------------------------------------------------


def test_dead_network_is_said_plainly():
    x, y = mc.datasets.heart_curve()
    rng = np.random.default_rng(0)
    net = mc.Network([1, 6, 7, 2], activation="relu", seed=rng)
    history = net.train(x, y, seed=rng, iterations=3000)
    final = history.outputs[-1]
    assert np.ptp(final, axis=1).max() < 1e-9  # the oracle: every input, the same output
    assert history.final_cost > history.initial_cost
    fig = mc.plots.training_curves(history)
    title = " ".join(fig.get_suptitle().split())
    assert "dead or saturated" in title and "the cost rose" in title
    assert "smaller aggression" in title and "sigmoid" in title
    ax = fig.axes[0]
    (point,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("the same output")]
    np.testing.assert_allclose(point.get_xydata()[0], final[:, 0])
    assert not point.get_clip_on()  # visible even on the frame


def test_healthy_training_has_no_such_warning():
    x, y = mc.datasets.heart_curve(60)
    history = mc.Network([1, 5, 2], seed=0).train(x, y, iterations=300, seed=0)
    assert np.ptp(history.outputs[-1], axis=1).min() > 1e-3
    fig = mc.plots.training_curves(history)
    assert "dead" not in fig.get_suptitle()
    assert not any(ln.get_label().startswith("the same") for ln in fig.axes[0].get_lines())


def test_training_curves_widen_to_an_output_off_the_unit_square():
    x, y = mc.datasets.heart_curve(20)
    outside = np.tile([[-0.5], [1.5]], (1, 20))  # tanh outputs can leave [0, 1]
    history = TrainingHistory(steps=np.array([0, 10]), cost=np.array([0.3, 0.9]),
                              outputs=[y.copy(), outside], x=x, y=y, iterations=10, seconds=0.1,
                              converged=False, status="max-iter", message="made up")  # fmt: skip
    ax = mc.plots.training_curves(history).axes[0]
    assert ax.get_xlim()[0] <= -0.5 and ax.get_ylim()[1] >= 1.5
    assert "the cost rose" in mc.plots.training_curves(history).get_suptitle()


# --------------------------------------------------------------------------------------------
# Other figures: a star means a certified minimum, nothing else
# --------------------------------------------------------------------------------------------


def test_chi2_contours_names_the_end_by_the_fits_status():
    x, y = mc.datasets.heights()
    done = mc.fit(mc.gaussian, x, y, [170, 8])
    short = mc.fit(mc.gaussian, x, y, [155, 6], method="steepest-descent", aggression=2000,
                   max_iter=20)  # fmt: skip
    assert done.status == "converged" and short.status == "max-iter"
    cases = [(done, "minimum of χ² found", True),
             (short, "stopped (max-iter): no minimum claimed", False)]  # fmt: skip
    for result, label, star in cases:
        ax = mc.plots.chi2_contours(mc.gaussian, x, y, result, resolution=12).axes[0]
        (end,) = [ln for ln in ax.get_lines() if ln.get_label() == label]
        np.testing.assert_allclose(end.get_xydata()[0], result.params)
        assert (end.get_marker() == "*") == star
    ax = mc.plots.chi2_contours(mc.gaussian, x, y, done.path, resolution=12).axes[0]
    (end,) = [ln for ln in ax.get_lines() if ln.get_label() == "end"]  # a bare path: no claim
    assert end.get_marker() != "*"


def test_taylor_2d_marks_the_expansion_point_without_a_star():
    fig = mc.plots.taylor_2d("sin(x)*cos(y)", [0.5, 0.25], resolution=12)
    for ax in fig.axes[:3]:
        (point,) = [ln for ln in ax.get_lines() if ln.get_marker() != "None"]
        np.testing.assert_array_equal(point.get_xydata()[0], [0.5, 0.25])
        assert point.get_marker() != "*"
    assert "x₀ = (0.5, 0.25)" in fig.get_suptitle()
