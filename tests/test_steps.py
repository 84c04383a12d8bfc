"""Tests of mvcalc.steps: the step rules against their formulas, the trust-region step against
the conditions that characterise it (and brute force), and the check of a user's step."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import mvcalc as mc
from mvcalc import steps

finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


@st.composite
def problems(draw, *, definite=None):
    """(J, H): a gradient and a symmetric Hessian of n = 1 to 4 variables, with controlled
    eigenvalues; ``definite=True`` gives H positive definite, False indefinite or negative."""
    n = draw(st.integers(1, 4))
    J = draw(arrays(np.float64, n, elements=finite))
    q, _ = np.linalg.qr(draw(arrays(np.float64, (n, n), elements=st.floats(-1, 1))) + 3 * np.eye(n))
    size = st.floats(0.1, 10)
    lam = np.array([draw(size) for _ in range(n)])
    if definite is False:
        lam[0] = -lam[0]
    elif definite is None:
        lam *= np.array([draw(st.sampled_from([-1.0, 1.0])) for _ in range(n)])
    H = q @ np.diag(lam) @ q.T
    return J, (H + H.T) / 2


@settings(max_examples=60, deadline=None)
@given(problems(), st.floats(1e-3, 100))
def test_gradient_descent_step_is_minus_gamma_J(problem, gamma):
    J, H = problem
    np.testing.assert_array_equal(steps.gradient_descent_step(gamma)(1.0, J, H), -gamma * J)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_newton_step_solves_H_delta_equals_minus_J(problem):
    J, H = problem
    step = steps.newton_step(0.0, J, H)
    np.testing.assert_allclose(step, np.linalg.solve(H, -J), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(H @ step, -J, atol=1e-9 * max(1.0, np.abs(J).max()))


def test_newton_step_of_one_variable_and_a_singular_hessian():
    assert float(steps.newton_step(0.0, 3.0, 6.0)) == -0.5
    with pytest.raises(np.linalg.LinAlgError):
        steps.newton_step(0.0, np.array([1.0, 1.0]), np.array([[1.0, 1.0], [1.0, 1.0]]))


@settings(max_examples=80, deadline=None)
@given(problems(), st.floats(1e-3, 10))
def test_hybrid_step_is_newton_in_a_bowl_else_downhill(problem, gamma):
    J, H = problem
    step = steps.hybrid_step(gamma)(0.0, J, H)
    if np.all(np.linalg.eigvalsh(H) > 0):
        np.testing.assert_allclose(step, np.linalg.solve(H, -J), rtol=1e-10, atol=1e-10)
    else:
        np.testing.assert_array_equal(step, -gamma * J)


def test_the_lab_uses_the_same_rules():
    assert mc.lab.gradient_descent_step is steps.gradient_descent_step
    assert mc.lab.newton_step is steps.newton_step
    assert mc.lab.hybrid_step is steps.hybrid_step
    assert {"gradient_descent_step", "newton_step", "hybrid_step"} <= set(mc.lab.__all__)


# --------------------------------------------------------------------------------------------
# The trust-region step
# --------------------------------------------------------------------------------------------


def _model(J, H, step):
    return float(J @ step + 0.5 * step @ H @ step)


@settings(max_examples=150, deadline=None)
@given(problems(), st.floats(1e-3, 100), st.data())
def test_trust_region_step_meets_the_more_sorensen_conditions(problem, radius, data):
    J, H = problem
    n = J.size
    scale = np.array([data.draw(st.floats(0.1, 10)) for _ in range(n)])
    r = steps.trust_region_step(J, H, radius, scale)
    D = np.diag(scale)
    length = float(np.linalg.norm(scale * r.step))
    assert length <= radius * (1 + 1e-9)  # feasible
    assert r.shift >= 0
    shifted = H + r.shift * D @ D  # positive semi-definite: the step is a global minimiser
    scaled = shifted / np.outer(scale, scale)
    assert np.linalg.eigvalsh(scaled)[0] >= -1e-8 * max(1.0, np.abs(scaled).max())
    assert r.decrease == pytest.approx(-_model(J, H, r.step), rel=1e-9, abs=1e-12)
    if r.shift > 1e-10:  # the shift is used only on the boundary, where (H + μD²)δ = −J
        assert length == pytest.approx(radius, rel=1e-6)
        residual = shifted @ r.step + J
        near_hard_case = np.linalg.eigvalsh(shifted)[0] < 1e-8 * max(1.0, np.abs(shifted).max())
        if not near_hard_case:
            np.testing.assert_allclose(residual, 0, atol=1e-6 * max(1.0, np.abs(J).max()))
    # brute force: no feasible point of 400 random ones has a lower model
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    trial = rng.normal(size=(400, n))
    trial *= (radius * rng.uniform(0, 1, (400, 1)) ** (1 / n)) / np.linalg.norm(
        trial, axis=1, keepdims=True
    )
    trial /= scale  # points with ‖D δ‖ ≤ radius
    best = min(_model(J, H, t) for t in trial)
    assert _model(J, H, r.step) <= best + 1e-9 * max(1.0, abs(best))


@settings(max_examples=80, deadline=None)
@given(problems(definite=True), st.floats(1e-3, 10))
def test_trust_region_step_is_newton_where_it_fits(problem, gamma):
    J, H = problem
    newton = np.linalg.solve(H, -J)
    r = steps.trust_region_step(J, H, 1.01 * max(float(np.linalg.norm(newton)), 1e-12))
    assume(np.linalg.norm(J) > 0)
    np.testing.assert_allclose(r.step, newton, rtol=1e-9, atol=1e-12)
    assert r.shift == 0.0 and not r.boundary
    # ... which is the course's hybrid step in a bowl
    np.testing.assert_allclose(r.step, steps.hybrid_step(gamma)(0.0, J, H), rtol=1e-9, atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(problems())
def test_a_small_trust_region_gives_the_steepest_descent_direction(problem):
    J, H = problem
    assume(np.linalg.norm(J) > 1e-3)
    r = steps.trust_region_step(J, H, 1e-9)
    cosine = -(r.step @ J) / (np.linalg.norm(r.step) * np.linalg.norm(J))
    assert cosine > 1 - 1e-6  # the hybrid's other branch: −γJ, with γ = 1/μ
    np.testing.assert_allclose(r.step, -J / r.shift, rtol=1e-5, atol=1e-6 * np.abs(r.step).max())


def test_the_hard_case_follows_negative_curvature():
    r = steps.trust_region_step(np.zeros(2), np.diag([2.0, -4.0]), 3.0)
    np.testing.assert_allclose(np.abs(r.step), [0.0, 3.0], atol=1e-12)
    assert r.decrease == pytest.approx(2.0 * 9.0) and r.shift == pytest.approx(4.0)
    flat = steps.trust_region_step(np.array([1.0, 0.0]), np.diag([1.0, 0.0]), 10.0)
    np.testing.assert_allclose(flat.step, [-1.0, 0.0], atol=1e-12)  # no wandering along y


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((np.ones(2), np.eye(2), 0.0), ValueError, "radius must be positive"),
        ((np.ones(2), np.eye(3), 1.0), ValueError, "H must be 2 × 2"),
        ((np.ones(2), np.eye(2), 1.0, [1.0, -1.0]), ValueError, "scale must hold 2 positive"),
        ((np.array([np.nan, 1.0]), np.eye(2), 1.0), ValueError, "J must be finite"),
        ((np.ones(2), "H", 1.0), TypeError, "H must be a number or an array"),
    ],
)
def test_trust_region_step_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        steps.trust_region_step(*args)


@pytest.mark.parametrize("maker", [steps.gradient_descent_step, steps.hybrid_step])
@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan")])
def test_step_rules_reject_a_bad_aggression(maker, bad):
    with pytest.raises(ValueError, match="aggression"):
        maker(bad)


# --------------------------------------------------------------------------------------------
# The user's step, checked
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        (lambda f, J, H: 1 / 0, "the strategy raised ZeroDivisionError: division by zero"),
        (lambda f, J, H: [0.0, 0.0, 0.0], "the strategy returned shape (3,), not (2,)"),
        (lambda f, J, H: [np.inf, 0.0], "the strategy returned a step that is not finite"),
        (lambda f, J, H: None, "the strategy returned shape (), not (2,)"),
        (lambda f, J, H: {"a": 1}, "the strategy returned dict, not an array of numbers"),
        (lambda f, J, H: exec("raise SystemExit"), "the strategy raised SystemExit"),
        (lambda f, J, H: exec("raise ValueError('x' * 1000)"), "xxx..."),
    ],
)
def test_checked_step_says_why_a_step_is_unusable(rule, reason):
    step, why = steps.checked_step(rule, 0.0, np.ones(2), np.eye(2))
    assert step is None and why is not None and reason in why
    assert len(why) < 400


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.integers(1, 5), elements=finite), st.floats(0.01, 10))
def test_checked_step_passes_a_good_step_through(J, gamma):
    step, why = steps.checked_step(steps.gradient_descent_step(gamma), 1.0, J, np.eye(J.size))
    assert why is None
    np.testing.assert_array_equal(step, -gamma * J)
    assert steps.check_step(step, J.shape) is None
    assert steps.check_step(step, (J.size + 1,)) is not None
