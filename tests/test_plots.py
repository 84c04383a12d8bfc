"""Tests of mvcalc.plots: the figures render and show what they claim."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

import mvcalc as mc


@pytest.fixture(scope="module")
def history():
    x, y = mc.datasets.heart_curve(60)
    return mc.Network([1, 5, 2], seed=0).train(x, y, iterations=400, seed=0, record_every=50)


def test_training_curves_renders_and_shows_the_training(history):
    fig = mc.plots.training_curves(history)
    assert isinstance(fig, Figure)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"

    ax, ax_cost = fig.axes
    assert ax.get_xlim() == (0.0, 1.0) and ax.get_ylim() == (0.0, 1.0)
    assert ax.get_aspect() == 1.0
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["target", "during training", "step 400"]
    # one faint curve per recorded step before the last, each closed (N + 1 points)
    (faint,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    segments = faint.get_segments()
    assert len(segments) == len(history.outputs) - 1
    np.testing.assert_allclose(segments[0][:-1], history.outputs[0].T)
    # the bold final curve is the network's last output
    lines = {line.get_label(): line for line in ax.get_lines()}
    final = lines["step 400"]
    assert final.get_linewidth() > 2 * faint.get_linewidth()[0]
    np.testing.assert_allclose(final.get_xydata()[:-1], history.outputs[-1].T)
    target = lines["target"]
    np.testing.assert_allclose(target.get_xydata()[:-1], history.y.T)
    # the cost panel, on a log scale, and the final cost in the title
    assert ax_cost.get_yscale() == "log"
    np.testing.assert_allclose(ax_cost.get_lines()[0].get_ydata(), history.cost)
    assert f"{history.final_cost:.4g}" in fig.get_suptitle()


def test_training_curves_marks_an_early_stop():
    net = mc.Network([1, 2], activation="relu", seed=0)
    net.weights[0], net.biases[0] = [[1.0], [1.0]], [[0.0], [0.0]]
    history = net.train([[1e100]], [[1e150], [1e150]], iterations=5, noise=0.0)
    assert history.status == "non-finite"
    assert "stopped early" in mc.plots.training_curves(history).get_suptitle()


def test_training_curves_does_not_call_a_full_run_an_early_stop(history):
    assert history.status == "max-iter"  # the usual outcome: the steps ran out
    assert "stopped early" not in mc.plots.training_curves(history).get_suptitle()


def test_training_curves_says_when_the_cost_rose():
    x, y = mc.datasets.heart_curve()
    rng = np.random.default_rng(0)
    net = mc.Network([1, 6, 7, 2], seed=rng)
    history = net.train(x, y, seed=rng, aggression=200, iterations=3000, record_every=1000)
    assert history.status == "diverged"
    assert "the cost rose" in mc.plots.training_curves(history).get_suptitle()


def test_training_curves_rejects_bad_input(history):
    with pytest.raises(TypeError, match="history must be a TrainingHistory"):
        mc.plots.training_curves({"cost": [1.0]})  # type: ignore[arg-type]
    x = np.linspace(0, 1, 5).reshape(1, 5)
    one_output = mc.Network([1, 1], seed=0).train(x, x, iterations=1)
    with pytest.raises(ValueError, match="2 outputs"):
        mc.plots.training_curves(one_output)


# --------------------------------------------------------------------------------------------
# Regression figures
# --------------------------------------------------------------------------------------------


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def test_histogram_fit_colours_the_misfit_by_sign():
    x, y = mc.datasets.heights()
    params = [178.5, 7.55]
    fig = mc.plots.histogram_fit(x, y, mc.gaussian, params, xlabel="height (cm)")
    assert _png(fig)[:4] == b"\x89PNG"
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["model", "data", "model above data", "model below data"]
    data, above, below = ax.containers
    model_at_bins = mc.gaussian(x, *params)
    # the data bars have the data's heights
    np.testing.assert_allclose([b.get_height() for b in data], y)
    # each coloured bar spans the gap between data and model, on the right side
    for bars, sign in ((above, 1), (below, -1)):
        for bar in bars:
            i = int(np.argmin(np.abs(x - (bar.get_x() + bar.get_width() / 2))))
            gap = model_at_bins[i] - y[i]
            assert np.sign(gap) == sign or gap == 0
            assert bar.get_height() == pytest.approx(abs(gap), rel=1e-12, abs=1e-15)
            assert bar.get_y() == pytest.approx(min(model_at_bins[i], y[i]), abs=1e-15)
    assert len(above) + len(below) == x.size
    chi2 = mc.chi_squared(mc.gaussian, params, x, y)
    assert any(f"χ² = {chi2:.4g}" == t.get_text() for t in ax.texts)
    lo, hi = ax.get_xlim()
    assert lo < 160 and hi > 200 and hi - lo < 100  # zoomed onto the data


def test_chi2_contours_draws_the_path():
    x, y = mc.datasets.heights()
    result = mc.fit(mc.gaussian, x, y, [155, 6], method="steepest-descent", aggression=2000,
                    max_iter=50)  # fmt: skip
    fig = mc.plots.chi2_contours(mc.gaussian, x, y, result, resolution=30)
    assert _png(fig)[:4] == b"\x89PNG"
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_allclose(lines["path"].get_xydata(), result.path)
    np.testing.assert_allclose(lines["start"].get_xydata()[0], [155, 6])
    assert result.status == "max-iter"  # 50 steps: the end is not claimed as the minimum
    end = lines["stopped (max-iter): no minimum claimed"]
    np.testing.assert_allclose(end.get_xydata()[0], result.params)
    assert end.get_marker() != "*"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("μ", "σ")
    assert len(fig.axes) == 2  # with a χ² colour bar
    assert fig.axes[1].get_ylabel() == "χ²"
    with pytest.raises(ValueError, match="path must have shape"):
        mc.plots.chi2_contours(mc.gaussian, x, y, [1, 2, 3])
    with pytest.raises(ValueError, match="bounds must be"):
        mc.plots.chi2_contours(mc.gaussian, x, y, result.path, bounds=((1, 0), (1, 2)))


def test_linear_fit_figure_shows_line_and_residuals():
    x = np.arange(8.0)
    y = 0.5 * x - 1 + np.array([0.1, -0.2, 0.15, 0.0, -0.1, 0.2, -0.05, 0.1])
    sigma = np.full(8, 0.2)
    line = mc.linear_fit(x, y, sigma=sigma)
    fig = mc.plots.linear_fit(x, y, line, sigma=sigma)
    assert _png(fig)[:4] == b"\x89PNG"
    ax, ax_res = fig.axes
    (fitted,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("y = ")]
    xs, ys = fitted.get_data()
    np.testing.assert_allclose(ys, line.slope * np.asarray(xs) + line.intercept)
    residuals = ax_res.containers[0].lines[0].get_ydata()
    np.testing.assert_allclose(residuals, y - (line.slope * x + line.intercept))
    assert f"r² = {line.r_squared:.4f}" in ax.get_title()
    with pytest.raises(TypeError, match="fit must be a LinearFit"):
        mc.plots.linear_fit(x, y, (1.0, 2.0))  # type: ignore[arg-type]


def test_model_fit_figure():
    x = np.linspace(0, 3, 25)
    y = 2 * np.exp(-0.7 * x)

    def decay(x, a, b):
        return a * np.exp(-b * x)

    result = mc.fit(decay, x, y, [1, 1])
    fig = mc.plots.model_fit(x, y, decay, result, names=["a", "b"])
    assert _png(fig)[:4] == b"\x89PNG"
    ax = fig.axes[0]
    (curve,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("a = ")]
    xs, ys = curve.get_data()
    np.testing.assert_allclose(ys, decay(np.asarray(xs), *result.params))
    assert "b = 0.7" in curve.get_label()
    with pytest.raises(ValueError, match="names must hold 2 names"):
        mc.plots.model_fit(x, y, decay, result, names=["a"])


# --------------------------------------------------------------------------------------------
# Series and optimisation figures
# --------------------------------------------------------------------------------------------


def test_taylor_approximations_figure():
    fig = mc.plots.taylor_approximations("exp(x)", 0, 3, interval=(0, 1))
    assert _png(fig)[:4] == b"\x89PNG"
    ax, ax_err = fig.axes
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert {"f", "P0", "P1", "P2", "P3"} <= set(lines)  # exp adds a term at every order
    xs, ys = lines["P2"].get_data()
    np.testing.assert_allclose(ys, 1 + np.asarray(xs) + np.asarray(xs) ** 2 / 2, rtol=1e-12)
    bound = mc.taylor("exp(x)", 0, 3).remainder_bound(0, 1).bound
    (bound_line,) = [ln for ln in ax_err.get_lines() if ln.get_label().startswith("Lagrange")]
    assert bound_line.get_ydata()[0] == pytest.approx(bound)
    assert ax_err.get_yscale() == "log"
    assert "exp(x)" in fig.get_suptitle()


def test_taylor_2d_figure():
    fig = mc.plots.taylor_2d("sin(x)*cos(y)", [0.5, 0.5], resolution=20)
    assert _png(fig)[:4] == b"\x89PNG"
    assert [ax.get_title() for ax in fig.axes[:3]] == ["f", "linear (order 1)",
                                                        "quadratic (order 2)"]  # fmt: skip
    with pytest.raises(ValueError, match="x0 must be a point"):
        mc.plots.taylor_2d("x*y", [1.0, 2.0, 3.0])


def test_newton_tangents_figure():
    r = mc.newton_raphson("x**3 - 2*x + 2", -2)
    fig = mc.plots.newton_tangents("x**3 - 2*x + 2", r)
    ax = fig.axes[0]
    (points,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("iterates")]
    np.testing.assert_allclose(points.get_xdata(), r.path)
    tangents = [ln for ln in ax.get_lines() if ln.get_color() == "#c0392b" and ln.get_marker()
                in ("None", "")]  # fmt: skip
    assert len(tangents) == r.nit
    first = tangents[0].get_xydata()
    assert first[1, 1] == 0 and first[1, 0] == pytest.approx(r.path[1])  # meets the axis at x1
    with pytest.raises(ValueError, match="scalar equations"):
        mc.plots.newton_tangents("x+y-3, x*y-2", mc.newton_raphson("x+y-3, x*y-2", [0.0, 5.0]))


def test_descent_paths_and_lagrange_figures():
    f = "(1-x)**2 + 100*(y-x**2)**2"
    r = mc.minimize(f, [-1.2, 1.0])
    fig = mc.plots.descent_paths(f, {"hybrid": r}, resolution=30)
    ax = fig.axes[0]
    (path,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("hybrid")]
    np.testing.assert_allclose(path.get_xydata(), r.path)
    with pytest.raises(TypeError, match="results must be"):
        mc.plots.descent_paths(f, {})
    points = mc.lagrange("x*y", "x**2 + y**2 - 1", "x,y")
    fig = mc.plots.lagrange_points("x*y", "x**2 + y**2 - 1", points, resolution=40)
    ax = fig.axes[0]
    maxima = [ln for ln in ax.get_lines() if ln.get_label() == "maximum"]
    assert len(maxima) == 2
    for ln in maxima:
        x, y = ln.get_xydata()[0]
        assert x * y == pytest.approx(0.5) and x**2 + y**2 == pytest.approx(1.0)


def test_sandpit_figure_shows_the_floor_probes_arrows_and_walks():
    game = mc.lab.Sandpit("rocks", 3, mode="jacobian")
    for x, y in [(-2.0, 1.0), (0.5, -0.5), (2.0, 1.5)]:
        game.probe(x, y)
    fig = mc.plots.sandpit(game, resolution=61)
    ax = fig.axes[0]
    (dots,) = [c for c in ax.collections if c.get_label().startswith("probes")]
    np.testing.assert_array_equal(dots.get_offsets(), [[p.x, p.y] for p in game.probes])
    (arrows,) = [c for c in ax.collections if c.get_label() == "−J, downhill"]
    np.testing.assert_array_equal(arrows.U, [-p.jacobian[0] for p in game.probes])
    np.testing.assert_array_equal(arrows.V, [-p.jacobian[1] for p in game.probes])
    (star,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("the phone")]
    np.testing.assert_allclose(star.get_xydata()[0], game.surface.minimum)
    (reach,) = [ln for ln in ax.get_lines() if ln.get_label() == "within reach"]
    distance = np.hypot(*(reach.get_xydata() - game.surface.minimum).T)
    np.testing.assert_allclose(distance, game.surface.win_radius)
    assert not game.revealed and "3 probes, not found yet" in ax.get_title()

    workers = mc.lab.Sandpit("bowl", 1, mode="workers")
    walks = [workers.workers(2.0, 1.0, "newton"), workers.workers(-2.0, -1.0, "newton"),
             workers.workers(0.0, 1.5, "gradient-descent")]  # fmt: skip
    ax = mc.plots.sandpit(workers, walks, resolution=31).axes[0]
    paths = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-"]  # not the star or the circle
    assert len(paths) == 3
    for line, walk in zip(paths, walks, strict=True):
        np.testing.assert_array_equal(line.get_xydata(), [[p.x, p.y] for p in walk.probes])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels.count("workers: newton") == 1 and "workers: gradient-descent" in labels
    assert not any(c.get_label() == "−J, downhill" for c in ax.collections)  # no arrows here
    with pytest.raises(TypeError, match="game must be"):
        mc.plots.sandpit("bowl")
    with pytest.raises(TypeError, match="walks must be"):
        mc.plots.sandpit(workers, [1])
    with pytest.raises(ValueError, match="resolution"):
        mc.plots.sandpit(workers, resolution=1)


def test_every_figure_is_reexported_from_its_topic_module():
    from mvcalc.plots import calculus, nn, optimize, regression, sandpit_game, series

    topics = {
        calculus: ["step_size_error"],
        nn: ["training_curves"],
        regression: ["chi2_contours", "histogram_fit", "linear_fit", "model_fit"],
        series: ["taylor_2d", "taylor_approximations"],
        optimize: ["descent_paths", "lagrange_points", "newton_tangents", "stationary_points"],
        sandpit_game: ["sandpit"],
    }
    names = [name for listed in topics.values() for name in listed]
    assert sorted(names) == sorted(n for n in mc.plots.__all__ if n.islower())
    for module, listed in topics.items():
        assert sorted(module.__all__) == sorted(listed)
        for name in listed:
            assert getattr(mc.plots, name) is getattr(module, name)
            assert callable(getattr(mc.plots, name))  # not hidden by a submodule of that name


@pytest.mark.parametrize(("bad", "error"), [(1, ValueError), (10**6, ValueError),
                                            (True, TypeError), (30.0, TypeError)])  # fmt: skip
def test_figures_on_a_grid_reject_a_bad_resolution(bad, error):
    f = "x**2 + y**2"
    r = mc.minimize(f, [1.0, 1.0])
    x, y = mc.datasets.heights()
    calls = [
        lambda: mc.plots.chi2_contours(mc.gaussian, x, y, [[170.0, 7.0]], resolution=bad),
        lambda: mc.plots.taylor_2d("x*y", [0.0, 0.0], resolution=bad),
        lambda: mc.plots.descent_paths(f, {"hybrid": r}, resolution=bad),
        lambda: mc.plots.lagrange_points(f, "x + y - 1", [], resolution=bad),
        lambda: mc.plots.sandpit(mc.sandpit.Sandpit("bowl", 1), resolution=bad),
    ]
    for call in calls:
        with pytest.raises(error, match="resolution must be an integer from 2 to 2000"):
            call()


def test_taylor_2d_refuses_a_function_undefined_everywhere_in_bounds():
    with pytest.raises(ValueError, match="f must be finite somewhere"):
        mc.plots.taylor_2d("log(x) + y", [0.5, 0.5], bounds=((-2, -1), (-2, -1)), resolution=5)


def test_chi2_contours_grid_matches_chi_squared_point_by_point():
    x, y = mc.datasets.heights()
    fig = mc.plots.chi2_contours(mc.gaussian, x, y, [[170.0, 6.0], [180.0, 8.0]],
                                 bounds=((170, 180), (6, 8)), resolution=3)  # fmt: skip
    (filled,) = [c for c in fig.axes[0].collections if c.get_array() is not None][:1]
    # the colour scale spans the χ² of the grid's corners and centre, computed here directly
    corners = [
        mc.chi_squared(mc.gaussian, [m, s], x, y) for m in (170, 175, 180) for s in (6, 7, 8)
    ]
    lo, hi = filled.norm.vmin, filled.norm.vmax
    assert lo == pytest.approx(min(corners), rel=1e-12) and hi == pytest.approx(
        max(corners), rel=1e-12
    )
