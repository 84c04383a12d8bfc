"""Tests of mvcalc.sandpit: the floors (sandpit_surface), the game (Sandpit), their old names.

Oracles: the hand-written J and H against automatic differentiation (mc.grad, mc.hessian) and
central differences; the deepest point against SciPy's L-BFGS-B from a grid of starts.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize as scipy_minimize

import mvcalc as mc
from mvcalc import steps
from mvcalc.sandpit import GameOver, Sandpit, gradient_descent_step, hybrid_step, load_strategy

SCENARIOS = mc.sandpit.SCENARIOS
(X0, X1), (Y0, Y1) = mc.sandpit.BOUNDS


@functools.cache
def floor(scenario: str, seed: int) -> mc.sandpit.SandpitSurface:
    return mc.sandpit.sandpit_surface(scenario, seed)


def as_function(surface):
    return lambda p: surface.depth(p[0], p[1])


points = st.tuples(st.floats(X0, X1), st.floats(Y0, Y1))
seeds = st.integers(0, 10**6)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SCENARIOS), seeds, points)
def test_jacobian_and_hessian_match_automatic_differentiation(scenario, seed, point):
    surface = floor(scenario, seed)
    p = np.array(point)
    np.testing.assert_allclose(surface.jacobian(*point), mc.grad(as_function(surface))(p),
                               rtol=1e-10, atol=1e-12)  # fmt: skip
    np.testing.assert_allclose(surface.hessian(*point), mc.hessian(as_function(surface))(p),
                               rtol=1e-9, atol=1e-11)  # fmt: skip


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_jacobian_and_hessian_match_central_differences(scenario):
    surface = floor(scenario, 4)
    h = 1e-5
    rng = np.random.default_rng(0)
    for x, y in rng.uniform([X0, Y0], [X1, Y1], size=(20, 2)):
        dfdx = (surface.depth(x + h, y) - surface.depth(x - h, y)) / (2 * h)
        dfdy = (surface.depth(x, y + h) - surface.depth(x, y - h)) / (2 * h)
        np.testing.assert_allclose(surface.jacobian(x, y), [dfdx, dfdy], rtol=1e-6, atol=1e-7)
        dJdx = (surface.jacobian(x + h, y) - surface.jacobian(x - h, y)) / (2 * h)
        dJdy = (surface.jacobian(x, y + h) - surface.jacobian(x, y - h)) / (2 * h)
        np.testing.assert_allclose(surface.hessian(x, y), np.column_stack([dJdx, dJdy]),
                                   rtol=1e-5, atol=1e-5)  # fmt: skip


def test_arrays_broadcast_like_scalars():
    surface = floor("rocks", 2)
    xs, ys = np.meshgrid(np.linspace(X0, X1, 5), np.linspace(Y0, Y1, 4))
    depth, J, H = surface.depth(xs, ys), surface.jacobian(xs, ys), surface.hessian(xs, ys)
    assert depth.shape == (4, 5) and J.shape == (4, 5, 2) and H.shape == (4, 5, 2, 2)
    for i, j in itertools.product(range(4), range(5)):
        assert depth[i, j] == surface.depth(xs[i, j], ys[i, j])
        np.testing.assert_array_equal(J[i, j], surface.jacobian(xs[i, j], ys[i, j]))
        np.testing.assert_array_equal(H[i, j], surface.hessian(xs[i, j], ys[i, j]))


def local_minima(surface, n=9, m=7):
    """Distinct local minima found by L-BFGS-B (SciPy) from an n × m grid of starts."""
    found = []
    for x, y in itertools.product(np.linspace(X0, X1, n), np.linspace(Y0, Y1, m)):
        r = scipy_minimize(as_function(surface), [x, y], jac=lambda p: surface.jacobian(*p),
                           method="L-BFGS-B", bounds=mc.sandpit.BOUNDS,
                           options={"ftol": 1e-15, "gtol": 1e-10})  # fmt: skip
        if all(np.hypot(*(r.x - q)) > 1e-3 for q, _ in found):
            found.append((r.x, float(r.fun)))
    return found


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_phone_lies_at_the_deepest_point(scenario, seed):
    surface = floor(scenario, seed)
    x, y = surface.minimum
    deepest = min(f for _, f in local_minima(surface))
    assert surface.depth(x, y) <= deepest + 1e-9  # no start of SciPy's finds anything deeper
    assert np.abs(surface.jacobian(x, y)).max() < 1e-8  # flat there
    assert np.all(np.linalg.eigvalsh(surface.hessian(x, y)) > 0)  # a true minimum
    assert X0 < x < X1 and Y0 < y < Y1
    assert surface.depth(x, y) < 0  # the floor is below the sand


def interior_minima(surface):
    return [(p, f) for p, f in local_minima(surface, 13, 9)
            if X0 + 1e-6 < p[0] < X1 - 1e-6 and Y0 + 1e-6 < p[1] < Y1 - 1e-6]  # fmt: skip


def test_each_scenario_is_what_it_says():
    for seed in range(3):
        assert len(interior_minima(floor("bowl", seed))) == 1  # one smooth minimum
        many = interior_minima(floor("multiple-minima", seed))
        assert len(many) >= 3  # several wells
        depths = sorted(f for _, f in many)
        assert depths[1] - depths[0] > 0.3  # one clearly deepest
        assert len(interior_minima(floor("rocks", seed))) >= 8  # a field of small dips
        well = floor("narrow-well", seed)
        x, y = well.minimum
        # deep and narrow: 0.45 away (three widths) the floor is already ≥ 2 higher
        rim = [well.depth(x + 0.45 * math.cos(t), y + 0.45 * math.sin(t)) for t in range(6)]
        assert min(rim) - well.depth(x, y) > 2


@given(st.sampled_from(SCENARIOS), seeds)
@settings(max_examples=10, deadline=None)
def test_a_seed_fixes_the_floor_and_the_noise(scenario, seed):
    a, b = Sandpit(scenario, seed, mode="jacobian"), Sandpit(scenario, seed, mode="jacobian")
    assert a.surface == b.surface
    for x, y in [(0.1, 0.2), (-2.0, 1.5), (2.5, -1.9)]:
        assert a.probe(x, y) == b.probe(x, y)


def test_seeds_move_the_minimum_and_none_picks_one():
    minima = {floor(s, seed).minimum for s in SCENARIOS for seed in range(5)}
    assert len(minima) == 20
    random = Sandpit("bowl")
    assert isinstance(random.seed, int) and random.surface == floor("bowl", random.seed)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_probe_within_reach_of_the_phone_wins(scenario):
    game = Sandpit(scenario, 3)
    (mx, my), r = game.surface.minimum, game.surface.win_radius
    outside = (mx + 1.01 * r, my) if mx + 1.01 * r <= X1 else (mx - 1.01 * r, my)
    assert not game.probe(*outside).won
    assert not game.won
    inside = game.probe(mx, my - 0.99 * r)
    assert inside.won and game.won and game.score == inside.number == game.count
    game.probe(0.0, 0.0)
    assert game.score == inside.number  # the score is the first win's count


def test_win_radius_is_exact():
    game = Sandpit("bowl", 5)
    (mx, my), r = game.surface.minimum, game.surface.win_radius
    for angle in np.linspace(0, 2 * np.pi, 9):
        assert game.probe(mx + 0.999 * r * np.cos(angle), my + 0.999 * r * np.sin(angle)).won
        assert not game.probe(mx + 1.001 * r * np.cos(angle), my + 1.001 * r * np.sin(angle)).won


@given(st.lists(points, min_size=1, max_size=8))
@settings(deadline=None, max_examples=30)
def test_probes_read_the_floor_and_are_counted(where):
    game = Sandpit("multiple-minima", 8)
    for k, (x, y) in enumerate(where, start=1):
        p = game.probe(x, y)
        assert (p.number, p.x, p.y, p.jacobian) == (k, x, y, None)
        assert p.depth == game.surface.depth(x, y)
    assert game.count == len(where)
    assert game.best is not None and game.best.depth == min(p.depth for p in game.probes)


def test_jacobian_mode_reads_the_slope_exactly_except_on_rocks():
    game = Sandpit("bowl", 2, mode="jacobian")
    p = game.probe(1.0, -1.0)
    np.testing.assert_array_equal(p.jacobian, game.surface.jacobian(1.0, -1.0))
    rocks = Sandpit("rocks", 2, mode="jacobian", max_probes=4003)
    true = rocks.surface.jacobian(1.0, -1.0)
    readings = np.array([rocks.probe(1.0, -1.0).jacobian for _ in range(4000)])
    assert np.all(readings[:, 0] != true[0])
    sigma = rocks.surface.slope_noise
    assert sigma > 0
    np.testing.assert_allclose(readings.mean(axis=0), true, atol=5 * sigma / np.sqrt(4000))
    np.testing.assert_allclose(readings.std(axis=0), sigma, rtol=0.1)
    assert {rocks.probe(1.0, -1.0).depth for _ in range(3)} == {rocks.surface.depth(1.0, -1.0)}


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"scenario": "moon"}, ValueError, "scenario must be one of"),
        ({"scenario": 3}, ValueError, "scenario"),
        ({"seed": -1}, ValueError, "seed must be non-negative"),
        ({"seed": 1.5}, TypeError, "seed must be an integer"),
        ({"mode": "hessian"}, ValueError, "mode must be one of"),
        ({"max_probes": 0}, ValueError, "max_probes"),
    ],
)
def test_bad_games_are_refused(kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        Sandpit(**kwargs)


@pytest.mark.parametrize(
    ("x", "y", "error", "fragment"),
    [
        (3.01, 0.0, ValueError, "x must lie in the pit"),
        (0.0, -2.5, ValueError, "y must lie in the pit"),
        (math.nan, 0.0, ValueError, "x must be finite"),
        (0.0, math.inf, ValueError, "y must be finite"),
        ("1", 0.0, TypeError, "x must be a real number"),
        (0.0, True, TypeError, "y must be a real number"),
    ],
)
def test_bad_probes_are_refused_and_lose_nothing(x, y, error, fragment):
    game = Sandpit("bowl", 1)
    game.probe(0.5, 0.5)
    with pytest.raises(error, match=fragment):
        game.probe(x, y)
    with pytest.raises(error, match=fragment):
        Sandpit("bowl", 1, mode="workers").workers(x, y)
    assert game.count == 1  # the game goes on


def test_the_probe_limit_and_reveal_end_the_game():
    game = Sandpit("bowl", 1, max_probes=2)
    game.probe(0, 0)
    game.probe(1, 1)
    with pytest.raises(GameOver, match="probe limit"):
        game.probe(2, 1)
    game = Sandpit("bowl", 1)
    game.probe(0, 0)
    game.reveal()
    with pytest.raises(GameOver, match="revealed"):
        game.probe(1, 1)
    assert game.count == 1


def test_reveal_draws_the_true_floor():
    game = Sandpit("multiple-minima", 6)
    floor_ = game.reveal(nx=61, ny=41, levels=9)
    assert floor_.depth.shape == (41, 61) and len(floor_.levels) == 9
    xs, ys = np.meshgrid(floor_.x, floor_.y)
    np.testing.assert_array_equal(floor_.depth, game.surface.depth(xs, ys))
    assert floor_.minimum == game.surface.minimum
    assert floor_.minimum_depth == game.surface.depth(*game.surface.minimum) < floor_.depth.min()
    spread = floor_.depth.max() - floor_.depth.min()
    for level, lines in zip(floor_.levels, floor_.contours, strict=True):
        assert lines, f"no contour at {level}"
        for line in lines:  # every vertex lies on its level, up to the grid's interpolation
            on = game.surface.depth(line[:, 0], line[:, 1])
            assert np.abs(on - level).max() < 0.02 * spread
    with pytest.raises(ValueError, match="nx and ny"):
        Sandpit("bowl", 1).reveal(nx=1)


# ------------------------------------------------------------------------------------------
# Workers
# ------------------------------------------------------------------------------------------


def test_gradient_descent_workers_step_along_minus_gamma_j():
    game = Sandpit("multiple-minima", 2, mode="workers")
    walk = game.workers(1.0, 1.0, "gradient-descent", aggression=0.05)
    assert walk.completed and len(walk.probes) == 6 and game.count == 6
    for here, there in itertools.pairwise(walk.probes):
        step = -0.05 * game.surface.jacobian(here.x, here.y)
        assert (there.x, there.y) == pytest.approx((here.x + step[0], here.y + step[1]))
        assert there.depth < here.depth  # small steps go downhill


def test_newton_workers_step_by_minus_h_inverse_j_and_find_the_bowls_bottom():
    game = Sandpit("bowl", 4, mode="workers")
    mx, my = game.surface.minimum
    hessian = mc.hessian(as_function(game.surface))  # an independent H, by AD
    walk = game.workers(mx + 0.8, my - 0.5, "newton")
    for here, there in itertools.pairwise(walk.probes):
        J = mc.grad(as_function(game.surface))(np.array([here.x, here.y]))
        step = np.linalg.solve(hessian(np.array([here.x, here.y])), -J)
        assert (there.x, there.y) == pytest.approx((here.x + step[0], here.y + step[1]))
    assert walk.completed and walk.probes[-1].won
    assert math.hypot(walk.probes[-1].x - mx, walk.probes[-1].y - my) < 1e-8  # quadratic


def test_hybrid_is_newton_in_a_bowl_and_downhill_elsewhere():
    surface = floor("multiple-minima", 0)
    step = hybrid_step(0.1)
    rng = np.random.default_rng(1)
    kinds = set()
    for x, y in rng.uniform([X0, Y0], [X1, Y1], size=(200, 2)):
        J, H = surface.jacobian(x, y), surface.hessian(x, y)
        got = step(surface.depth(x, y), J, H)
        if np.all(np.linalg.eigvalsh(H) > 0):
            np.testing.assert_allclose(H @ got, -J, atol=1e-12)
            kinds.add("newton")
        else:
            np.testing.assert_allclose(got, gradient_descent_step(0.1)(0.0, J, H))
            kinds.add("descent")
    assert kinds == {"newton", "descent"}  # both arms were exercised


@pytest.mark.parametrize(
    ("strategy", "fragment"),
    [
        (lambda f, J, H: 1 / 0, "the strategy raised ZeroDivisionError: division by zero"),
        (lambda f, J, H: [np.nan, 0.0], "not finite"),
        (lambda f, J, H: [1.0, 2.0, 3.0], "shape (3,), not (2,)"),
        (lambda f, J, H: "far", "the strategy returned str, not an array of numbers"),
    ],
)
def test_a_failing_strategy_stops_the_workers_with_a_message(strategy, fragment):
    game = Sandpit("bowl", 1, mode="workers")
    walk = game.workers(0.0, 0.0, strategy)
    assert not walk.completed and fragment in walk.message
    assert walk.message.startswith("the workers stopped at step 1")
    assert len(walk.probes) == 1 and game.count == 1  # the start was a probe; nothing is lost
    assert game.workers(0.0, 0.0, "hybrid").completed  # the game goes on


def test_workers_stop_at_the_edge_of_the_pit():
    game = Sandpit("bowl", 1, mode="workers")
    walk = game.workers(2.5, 1.5, lambda f, J, H: np.array([1.0, 0.0]))
    assert not walk.completed and "would leave the pit" in walk.message
    assert [(p.x, p.y) for p in walk.probes] == [(2.5, 1.5), (3.0, 1.5)]


def test_workers_respect_the_probe_limit():
    game = Sandpit("bowl", 1, mode="workers", max_probes=3)
    walk = game.workers(0.0, 0.0, "gradient-descent")
    assert len(walk.probes) == 3 and not walk.completed and "probe limit" in walk.message
    with pytest.raises(GameOver):
        game.workers(0.0, 0.0)


def test_bad_worker_arguments_are_refused():
    game = Sandpit("bowl", 1, mode="workers")
    with pytest.raises(ValueError, match="strategy must be one of"):
        game.workers(0.0, 0.0, "random-walk")
    with pytest.raises(TypeError, match="strategy must be a name or a callable"):
        game.workers(0.0, 0.0, 42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="aggression must be positive"):
        game.workers(0.0, 0.0, "gradient-descent", aggression=-1)
    with pytest.raises(ValueError, match="steps"):
        game.workers(0.0, 0.0, steps=0)
    assert game.count == 0


def test_load_strategy(tmp_path):
    good = tmp_path / "good.py"
    good.write_text("def half(f, J, H):\n    return -0.5 * J\n")
    name, step = load_strategy(f"{good}:half")
    assert name == "half"
    np.testing.assert_array_equal(step(0.0, np.array([2.0, 4.0]), np.eye(2)), [-1.0, -2.0])
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('no')\n")
    cases = [
        (f"{good}", "FILE.py:FUNC"),
        (f"{good}:1x", "FILE.py:FUNC"),
        (f"{tmp_path / 'missing.py'}:f", "does not exist"),
        (f"{good}:other", "has no function 'other'"),
        (f"{broken}:f", "failed to import: RuntimeError: no"),
    ]
    for spec, fragment in cases:
        with pytest.raises(ValueError, match=fragment):
            load_strategy(spec)
    with pytest.raises(TypeError, match="strategy must be a string"):
        load_strategy(3)  # type: ignore[arg-type]


def test_the_readmes_strategy_runs_as_documented(tmp_path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    code = re.search(r"```python\n# mine.py\n(.*?)```", readme, re.S)
    assert code is not None
    (tmp_path / "mine.py").write_text(code.group(1))
    name, strategy = load_strategy(f"{tmp_path / 'mine.py'}:careful_newton")
    game = Sandpit("rocks", 5, mode="workers")
    walk = game.workers(1.0, 1.0, strategy)
    assert walk.completed and walk.strategy == name == "careful_newton"
    for here, there in itertools.pairwise(walk.probes):
        assert math.hypot(there.x - here.x, there.y - here.y) <= 0.5 + 1e-12


def gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie, ended but not yet reaped, counts)."""
    try:
        return "State:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True


def wait_until_gone(pid: int) -> bool:
    for _ in range(100):
        if gone(pid):
            return True
        time.sleep(0.02)
    return False


linux = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")


@linux
def test_a_strategy_that_never_answers_stops_the_workers_not_the_game(tmp_path):
    pid_file = tmp_path / "pid"

    def stuck(f, J, H):
        pid_file.write_text(str(os.getpid()))
        while True:  # as if it looped for ever
            pass

    threads = threading.active_count()
    game = Sandpit("bowl", 1, mode="workers")
    start = time.perf_counter()
    walk = game.workers(0.0, 0.0, stuck, timeout=0.2)
    elapsed = time.perf_counter() - start
    assert not walk.completed and walk.message.endswith("the strategy took longer than 0.2 s")
    assert 0.2 <= elapsed < 5 and len(walk.probes) == 1
    pid = int(pid_file.read_text())
    assert pid != os.getpid() and wait_until_gone(pid)  # it ran apart, and was killed
    assert threading.active_count() == threads  # and no thread was left behind
    quick = game.workers(0.0, 0.0, lambda f, J, H: -0.1 * J, timeout=0.2)
    assert quick.completed
    with pytest.raises(ValueError, match="timeout must be positive"):
        game.workers(0.0, 0.0, stuck, timeout=0)
    with pytest.raises(ValueError, match="walk_timeout must be positive"):
        game.workers(0.0, 0.0, stuck, walk_timeout=-1)


def test_a_walk_has_a_time_limit_as_well_as_each_step():
    def dawdle(f, J, H):
        time.sleep(0.3)
        return -0.1 * J

    game = Sandpit("bowl", 1, mode="workers")
    start = time.perf_counter()
    walk = game.workers(1.0, 1.0, dawdle, timeout=1.0, walk_timeout=1.0)
    elapsed = time.perf_counter() - start
    assert not walk.completed and walk.message.endswith("the walk took longer than 1 s")
    assert 2 <= len(walk.probes) <= 4  # steps of 0.3 s fit into 1 s three times at most
    assert 1.0 <= elapsed < 5
    for here, there in itertools.pairwise(walk.probes):  # the steps taken are the strategy's
        step = -0.1 * np.array(here.jacobian)
        assert (there.x, there.y) == pytest.approx((here.x + step[0], here.y + step[1]))


@linux
def test_a_file_strategy_runs_in_a_fresh_process_even_from_a_thread(tmp_path):
    (tmp_path / "mine.py").write_text(
        "import os\n"
        "def tell(f, J, H):\n"
        f"    with open({str(tmp_path / 'who')!r}, 'a') as out:\n"
        "        print(os.getpid(), os.getppid(), file=out)\n"
        "    return -0.1 * J\n"
    )
    name, strategy = load_strategy(f"{tmp_path / 'mine.py'}:tell")
    game = Sandpit("rocks", 2, mode="workers")
    walks: list = []
    worker = threading.Thread(target=lambda: walks.append(game.workers(0.5, -0.5, strategy)))
    worker.start()  # as the web server runs it: from a thread, in a process with threads
    worker.join(60)
    (walk,) = walks
    assert walk.completed and walk.strategy == name == "tell" and len(walk.probes) == 6
    for here, there in itertools.pairwise(walk.probes):
        step = -0.1 * np.array(here.jacobian)
        assert (there.x, there.y) == pytest.approx((here.x + step[0], here.y + step[1]))
    ((pid, parent),) = {tuple(map(int, line.split())) for line in (tmp_path / "who").read_text()
                        .splitlines()}  # fmt: skip
    assert pid != os.getpid() and parent != os.getpid()  # forked by the fork server, not by us
    assert wait_until_gone(pid)
    in_process = game.workers(0.5, -0.5, strategy, timeout=None, walk_timeout=None)
    assert in_process.completed  # no limits: it runs here
    assert f"{os.getpid()} " in (tmp_path / "who").read_text()


def test_a_file_that_fails_to_load_in_the_fresh_process_is_reported(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text("def half(f, J, H):\n    return -0.5 * J\n")
    _, strategy = load_strategy(f"{path}:half")
    game = Sandpit("bowl", 1, mode="workers")

    def walk_from_a_thread(**limits):
        walks: list = []
        worker = threading.Thread(target=lambda: walks.append(game.workers(0, 0, strategy,
                                                                           **limits)))  # fmt: skip
        worker.start()
        worker.join(60)
        return walks[0]

    path.write_text("raise RuntimeError('changed')\n")  # edited after the server started
    walk = walk_from_a_thread()
    assert not walk.completed and "could not be loaded" in walk.message
    assert "failed to import: RuntimeError: changed" in walk.message
    path.write_text("import time\ntime.sleep(60)\n")  # now its import never ends
    start = time.perf_counter()
    walk = walk_from_a_thread(walk_timeout=1.0)
    assert walk.message.endswith("the strategy's process did not start within 1 s")
    assert time.perf_counter() - start < 5


def test_a_strategy_that_ends_its_process_is_reported():
    game = Sandpit("bowl", 1, mode="workers")
    walk = game.workers(0.0, 0.0, lambda f, J, H: os._exit(3))
    assert not walk.completed
    assert walk.message.endswith("step 1: the strategy's process ended (exit code 3)")
    assert game.workers(0.0, 0.0, lambda f, J, H: -0.1 * J).completed


def test_strategy_processes_are_bounded(monkeypatch):
    from mvcalc import _isolation

    monkeypatch.setattr(_isolation, "_SLOTS", threading.BoundedSemaphore(1))
    monkeypatch.setattr(_isolation, "MAX_PROCESSES", 1)
    game = Sandpit("bowl", 1, mode="workers")
    with _isolation.StrategyProcess(lambda f, J, H: -J, step_timeout=5, walk_timeout=30) as busy:
        np.testing.assert_array_equal(busy(0.0, np.ones(2), np.eye(2)), [-1.0, -1.0])
        walk = game.workers(0.0, 0.0, lambda f, J, H: -0.1 * J, walk_timeout=0.3)
        assert not walk.completed and "1 strategy is running already" in walk.message
    assert game.workers(0.0, 0.0, lambda f, J, H: -0.1 * J).completed  # the slot is free


# ------------------------------------------------------------------------------------------
# One topic module: the old names still work, and the web lab is a leaf
# ------------------------------------------------------------------------------------------


def test_the_lab_and_datasets_names_are_the_sandpit_module_s():
    import mvcalc.lab

    for name in mvcalc.lab.__all__:
        assert getattr(mvcalc.lab, name) is getattr(mc.sandpit, name), name
    assert set(mvcalc.lab.__all__) == {
        "MODES", "SCENARIOS", "STRATEGIES", "GameOver", "Probe", "Reveal", "Sandpit", "Workers",
        "gradient_descent_step", "hybrid_step", "load_strategy", "newton_step",
    }  # fmt: skip
    assert mc.lab.gradient_descent_step is steps.gradient_descent_step
    assert mc.datasets.sandpit_surface is mc.sandpit.sandpit_surface
    assert mc.datasets.SandpitSurface is mc.sandpit.SandpitSurface
    assert mc.datasets.SANDPIT_BOUNDS == mc.sandpit.BOUNDS == ((-3.0, 3.0), (-2.0, 2.0))
    assert mc.datasets.SANDPIT_SCENARIOS == mc.sandpit.SCENARIOS
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = mc.datasets.nothing


def test_the_engine_and_the_figures_do_not_load_the_web_lab():
    code = (
        "import sys, mvcalc.datasets\n"
        "print('mvcalc.sandpit' in sys.modules)\n"
        "import mvcalc.sandpit, mvcalc.plots\n"
        "print(' '.join(m for m in ('mvcalc.lab', 'starlette', 'uvicorn') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["False", ""]
