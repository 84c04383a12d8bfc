"""Tests of mvcalc.nn: the network, its chain-rule Jacobians and the course's training loop.

Oracles: a plain NumPy forward pass written here, central differences computed here, SymPy's exact
derivatives of a small network's cost, and derivatives worked out by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import mvcalc as mc
from mvcalc.nn import Network

SIGMA = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
}


def reference_forward(net: Network, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """z(l), a(l) by the textbook formulas, independently of the library's buffers."""
    sigma = SIGMA[net.activation]
    zs, activations = [x], [x]
    for W, b in zip(net.weights, net.biases, strict=True):
        zs.append(W @ activations[-1] + b)
        activations.append(sigma(zs[-1]))
    return zs, activations


def reference_cost(net: Network, x: np.ndarray, y: np.ndarray) -> float:
    a_L = reference_forward(net, x)[1][-1]
    return float(np.sum((a_L - y) ** 2) / x.shape[1])


def central_differences(net: Network, x: np.ndarray, y: np.ndarray, h: float = 1e-6):
    """∂C/∂θ for every weight and bias, nudging the live parameters in place."""
    out = []
    for params in (net.weights, net.biases):
        grads = []
        for p in params:
            g = np.empty_like(p)
            for idx in np.ndindex(p.shape):
                saved = p[idx]
                p[idx] = saved + h
                c_plus = reference_cost(net, x, y)
                p[idx] = saved - h
                c_minus = reference_cost(net, x, y)
                p[idx] = saved
                g[idx] = (c_plus - c_minus) / (2 * h)
            grads.append(g)
        out.append(grads)
    return out[0], out[1]


@st.composite
def networks_and_data(draw):
    sizes = draw(st.lists(st.integers(1, 5), min_size=2, max_size=5))
    activation = draw(st.sampled_from(sorted(SIGMA)))
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(1, 7))
    rng = np.random.default_rng(seed)
    net = Network(sizes, activation=activation, seed=rng)
    x = rng.uniform(-2, 2, size=(sizes[0], n))
    y = rng.uniform(-1, 1, size=(sizes[-1], n))
    return net, x, y


# --------------------------------------------------------------------------------------------
# Forward pass and cost
# --------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(networks_and_data())
def test_forward_matches_textbook_formulas(case):
    net, x, y = case
    z, a = net.forward(x)
    z_ref, a_ref = reference_forward(net, x)
    assert len(z) == len(a) == len(net.sizes)
    for got, want in zip(a, a_ref, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    for got, want in zip(z[1:], z_ref[1:], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(net(x), a_ref[-1], rtol=1e-12, atol=1e-15)
    assert net.cost(x, y) == pytest.approx(reference_cost(net, x, y), rel=1e-12, abs=1e-15)


def test_forward_returns_arrays_the_caller_owns():
    net = Network([1, 3, 2], seed=0)
    x = np.array([[0.1, 0.2]])
    first = net.forward(x)
    kept = first.a[-1].copy()
    net.forward(np.array([[5.0, -5.0]]))
    np.testing.assert_array_equal(first.a[-1], kept)
    first.a[0][0, 0] = 99.0
    assert x[0, 0] == 0.1  # the input was copied, not aliased


def test_initialisation_is_standard_normal_over_two_and_seeded():
    sizes = [3, 40, 50, 2]
    net = Network(sizes, seed=123)
    rng = np.random.default_rng(123)
    for W, b in zip(net.weights, net.biases, strict=True):
        np.testing.assert_array_equal(W, rng.standard_normal(W.shape) / 2)
        np.testing.assert_array_equal(b, rng.standard_normal(b.shape) / 2)
    theta = np.concatenate([p.ravel() for p in [*net.weights, *net.biases]])
    assert np.std(theta) == pytest.approx(0.5, rel=0.1)
    same = Network(sizes, seed=123)
    for w1, w2 in zip(net.weights, same.weights, strict=True):
        np.testing.assert_array_equal(w1, w2)
    assert [W.shape for W in net.weights] == [(40, 3), (50, 40), (2, 50)]
    assert [b.shape for b in net.biases] == [(40, 1), (50, 1), (2, 1)]
    assert net.n_parameters == 40 * 3 + 40 + 50 * 40 + 50 + 2 * 50 + 2


def test_weights_and_biases_are_live_parameters():
    net = Network([1, 2, 1], seed=0)
    x = np.array([[0.3, 0.7]])
    before = net(x).copy()
    net.weights[1][...] = 0.0  # in place
    np.testing.assert_allclose(net(x), 1 / (1 + np.exp(-net.biases[1])) * np.ones((1, 2)))
    net.weights[1] = [[1.0, -1.0]]  # item assignment copies into place
    np.testing.assert_array_equal(net.weights[1], [[1.0, -1.0]])
    assert not np.allclose(net(x), before)
    with pytest.raises(ValueError, match=r"weights\[1\] must have shape \(1, 2\)"):
        net.weights[1] = [[1.0, 2.0, 3.0]]
    with pytest.raises(ValueError, match=r"biases\[0\] must be finite"):
        net.biases[0] = [[np.nan], [0.0]]
    # assigning whole lists copies into place too, all checked before any is changed
    net.biases = [[[0.5], [0.25]], [[-1.0]]]
    np.testing.assert_array_equal(net.biases[0], [[0.5], [0.25]])
    assert net(x)[0, 0] != before[0, 0]
    kept = net.weights[0].copy()
    with pytest.raises(ValueError, match=r"weights\[1\] must have shape"):
        net.weights = [np.zeros((2, 1)), np.zeros((2, 2))]
    np.testing.assert_array_equal(net.weights[0], kept)
    with pytest.raises(ValueError, match="weights must be a list of 2 arrays"):
        net.weights = [np.zeros((2, 1))]
    net.weights[-1] = [[2.0, 2.0]]
    np.testing.assert_array_equal(net.weights[1], [[2.0, 2.0]])
    # training moves the same arrays the user holds
    W0 = net.weights[0]
    net.train(x, np.array([[0.2, 0.9]]), iterations=3, seed=0)
    assert W0 is net.weights[0]
    assert len(net.weights) == 2 and len(list(net.biases)) == 2


# --------------------------------------------------------------------------------------------
# Jacobians
# --------------------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(networks_and_data())
def test_jacobians_match_central_differences(case):
    net, x, y = case
    if net.activation == "relu":  # central differences are wrong within h of a kink
        z = reference_forward(net, x)[0][1:]
        assume(min(np.min(np.abs(zl)) for zl in z) > 1e-4)
    dW, db = net.jacobians(x, y)
    nW, nb = central_differences(net, x, y)
    for got, want in zip([*dW, *db], [*nW, *nb], strict=True):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_jacobians_match_sympy_exactly():
    """A 2-2-1 sigmoid network's cost written in SymPy and differentiated symbolically."""
    net = Network([2, 2, 1], seed=7)
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    y = np.array([[0.2, 0.8, 0.4]])
    w1 = sp.Matrix(2, 2, sp.symbols("w1_0:4"))
    b1 = sp.Matrix(2, 1, sp.symbols("b1_0:2"))
    w2 = sp.Matrix(1, 2, sp.symbols("w2_0:2"))
    b2 = sp.Matrix(1, 1, sp.symbols("b2_0:1"))

    def sigma(m):
        return m.applyfunc(lambda t: 1 / (1 + sp.exp(-t)))

    X = sp.Matrix(x.tolist())
    a1 = sigma(w1 * X + b1 * sp.ones(1, 3))
    a2 = sigma(w2 * a1 + b2 * sp.ones(1, 3))
    cost = sum((a2[0, k] - sp.Float(y[0, k])) ** 2 for k in range(3)) / 3
    values = {}
    for sym, val in [(w1, net.weights[0]), (b1, net.biases[0]), (w2, net.weights[1]),
                     (b2, net.biases[1])]:  # fmt: skip
        for s, v in zip(sym, val.ravel(), strict=True):
            values[s] = float(v)
    dW, db = net.jacobians(x, y)
    for sym, got in [(w1, dW[0]), (b1, db[0]), (w2, dW[1]), (b2, db[1])]:
        want = np.array([float(sp.diff(cost, s).evalf(subs=values)) for s in sym])
        np.testing.assert_allclose(got.ravel(), want, rtol=1e-12, atol=1e-15)
    assert net.cost(x, y) == pytest.approx(float(cost.evalf(subs=values)), rel=1e-12)


def test_tiny_network_by_hand():
    """1-1-1 sigmoid network, one example: every chain-rule factor worked out on paper."""
    net = Network([1, 1, 1], seed=0)
    w1, b1, w2, b2 = 0.5, -0.25, -1.5, 0.75
    net.weights[0], net.biases[0] = [[w1]], [[b1]]
    net.weights[1], net.biases[1] = [[w2]], [[b2]]
    x, y = 2.0, 0.3

    def s(t):
        return 1 / (1 + math.exp(-t))

    z1 = w1 * x + b1  # 0.75
    a1 = s(z1)
    z2 = w2 * a1 + b2
    a2 = s(z2)
    dC_da2 = 2 * (a2 - y)  # N = 1
    da2_dz2 = a2 * (1 - a2)
    dC_dz2 = dC_da2 * da2_dz2
    dC_dw2, dC_db2 = dC_dz2 * a1, dC_dz2 * 1
    dC_da1 = dC_dz2 * w2
    dC_dz1 = dC_da1 * a1 * (1 - a1)
    dC_dw1, dC_db1 = dC_dz1 * x, dC_dz1

    dW, db = net.jacobians([[x]], [[y]])
    assert dW[1][0, 0] == pytest.approx(dC_dw2, rel=1e-14)
    assert db[1][0, 0] == pytest.approx(dC_db2, rel=1e-14)
    assert dW[0][0, 0] == pytest.approx(dC_dw1, rel=1e-14)
    assert db[0][0, 0] == pytest.approx(dC_db1, rel=1e-14)
    assert net.cost([[x]], [[y]]) == pytest.approx((a2 - y) ** 2, rel=1e-14)


def test_jacobians_returns_fresh_arrays():
    x, y = mc.datasets.heart_curve(10)
    net = Network([1, 4, 2], seed=0)
    dW, _ = net.jacobians(x, y)
    kept = dW[0].copy()
    net.weights[0][...] += 1.0
    net.jacobians(x, y)
    np.testing.assert_array_equal(dW[0], kept)


def test_batch_size_changes_are_handled():
    net = Network([1, 3, 2], seed=0)
    for n in [5, 1, 17, 5, 2, 3, 4, 6]:  # more sizes than the workspace cache holds
        x, y = mc.datasets.heart_curve(n)
        dW, _ = net.jacobians(x, y)
        nW, _ = central_differences(net, x, y)
        np.testing.assert_allclose(dW[0], nW[0], rtol=1e-5, atol=1e-8)


# --------------------------------------------------------------------------------------------
# Gradient check
# --------------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(networks_and_data())
def test_gradient_check_agrees_with_independent_differences(case):
    net, x, y = case
    if net.activation == "relu":
        z = reference_forward(net, x)[0][1:]
        assume(min(np.min(np.abs(zl)) for zl in z) > 1e-4)
    check = net.gradient_check(x, y)
    assert check.ok
    nW, nb = central_differences(net, x, y)
    flat = np.concatenate([g.ravel() for pair in zip(nW, nb, strict=True) for g in pair])
    np.testing.assert_allclose(check.numeric, flat, rtol=1e-6, atol=1e-9)
    assert check.max_abs_error == pytest.approx(np.max(np.abs(check.analytic - check.numeric)))


def test_gradient_check_catches_a_wrong_backward_pass():
    class Broken(Network):
        def _backward(self, y, ws, dW, db):
            super()._backward(y, ws, dW, db)
            dW[0] *= 1.01  # a 1 % error in one layer's Jacobian

    x, y = mc.datasets.heart_curve(20)
    check = Broken([1, 3, 2], seed=0).gradient_check(x, y)
    assert not check.ok
    assert check.max_rel_error > 1e-4


# --------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------


def test_training_status_says_when_the_cost_rose():
    x, y = mc.datasets.heart_curve()
    rng = np.random.default_rng(0)
    net = Network([1, 6, 7, 2], seed=rng)
    history = net.train(x, y, seed=rng, aggression=200, iterations=3000, record_every=3000)
    assert history.final_cost > history.initial_cost
    assert history.status == "diverged" and not history.converged
    assert "aggression" in history.message


def test_training_status_converged_only_where_the_gradient_vanishes():
    # One sigmoid unit, two identical inputs with targets 0.2 and 0.8: the best output is 0.5,
    # reached at bias 0 whatever the weight (the input is 0), where ∂C/∂b = 0 exactly.
    net = Network([1, 1], seed=0)
    net.biases[0][...] = 0.0
    x, y = np.zeros((1, 2)), np.array([[0.2, 0.8]])
    at_minimum = net.train(x, y, iterations=3, noise=0.0)
    assert at_minimum.status == "converged" and at_minimum.final_cost == pytest.approx(0.09)
    net.biases[0][...] = 1.0  # away from it, a few steps cannot reach it
    assert net.train(x, y, iterations=3, noise=0.0).status == "max-iter"


def test_training_draws_the_heart():
    """The course's task at the CLI's defaults (seed 0: one stream for init, then noise)."""
    x, y = mc.datasets.heart_curve()
    rng = np.random.default_rng(0)
    net = Network([1, 6, 7, 2], seed=rng)
    history = net.train(x, y, seed=rng)
    assert history.status == "max-iter" and not history.converged  # still learning, honestly
    assert history.iterations == 10000
    assert history.final_cost < 0.01
    assert history.initial_cost > 0.1
    assert history.final_cost == pytest.approx(reference_cost(net, x, y), rel=1e-12)
    np.testing.assert_allclose(history.outputs[-1], reference_forward(net, x)[1][-1])
    assert history.steps.tolist() == list(range(0, 10001, 100))
    assert len(history.outputs) == len(history.cost) == 101


def test_one_noisy_step_follows_the_course_rule():
    """θ ← θ − aggression · J · (1 + noise ξ), one ξ ~ N(0, 1) per parameter array."""
    x, y = mc.datasets.heart_curve(30)
    net = Network([1, 3, 4, 2], seed=1)
    before_W = [W.copy() for W in net.weights]
    before_b = [b.copy() for b in net.biases]
    dW, db = net.jacobians(x, y)
    aggression, noise = 3.0, 0.7
    net.train(x, y, iterations=1, aggression=aggression, noise=noise, seed=42)
    xi = np.random.default_rng(42).standard_normal(2 * len(dW))  # W1, b1, W2, b2, ...
    for l in range(len(dW)):
        want_W = before_W[l] - aggression * dW[l] * (1 + noise * xi[2 * l])
        want_b = before_b[l] - aggression * db[l] * (1 + noise * xi[2 * l + 1])
        np.testing.assert_allclose(net.weights[l], want_W, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(net.biases[l], want_b, rtol=1e-13, atol=1e-15)


def test_noise_free_training_is_steepest_descent():
    x, y = mc.datasets.heart_curve(25)
    net = Network([1, 4, 2], activation="tanh", seed=5)
    twin = Network([1, 4, 2], activation="tanh", seed=5)
    history = net.train(x, y, iterations=40, aggression=0.5, noise=0.0, record_every=1)
    costs = []
    for _ in range(40):
        costs.append(reference_cost(twin, x, y))
        dW, db = twin.jacobians(x, y)
        for p, g in zip([*twin.weights, *twin.biases], [*dW, *db], strict=True):
            p -= 0.5 * g
    costs.append(reference_cost(twin, x, y))
    np.testing.assert_allclose(history.cost, costs, rtol=1e-10)
    for a, b in zip(net.weights, twin.weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def test_training_is_reproducible_with_a_seed():
    x, y = mc.datasets.heart_curve(40)
    runs = []
    for _ in range(2):
        net = Network([1, 5, 2], seed=3)
        runs.append(net.train(x, y, iterations=300, seed=9, record_every=50))
    np.testing.assert_array_equal(runs[0].cost, runs[1].cost)
    different = Network([1, 5, 2], seed=3).train(x, y, iterations=300, seed=10, record_every=50)
    assert not np.array_equal(runs[0].cost, different.cost)


@given(iterations=st.integers(0, 60), record_every=st.integers(1, 25))
@settings(max_examples=30, deadline=None)
def test_recording_schedule(iterations, record_every):
    x, y = mc.datasets.heart_curve(8)
    net = Network([1, 2, 2], seed=0)
    history = net.train(x, y, iterations=iterations, record_every=record_every, seed=0)
    want = sorted(set(range(0, iterations + 1, record_every)) | {iterations})
    assert history.steps.tolist() == want
    assert len(history.outputs) == len(history.cost) == len(want)
    assert all(o.shape == (2, 8) for o in history.outputs)
    assert history.iterations == iterations


def test_divergence_stops_and_keeps_the_last_finite_parameters():
    net = Network([1, 1], activation="relu", seed=0)
    net.weights[0], net.biases[0] = [[1.0]], [[0.0]]
    # C = (1e100 − 1e150)² ≈ 1e300 is finite; one step makes W ≈ 2e250 and the cost overflows.
    history = net.train([[1e100]], [[1e150]], iterations=10, aggression=1.0, noise=0.0)
    assert not history.converged
    assert "non-finite" in history.message and "step 1" in history.message
    assert history.iterations == 0
    np.testing.assert_array_equal(net.weights[0], [[1.0]])
    assert np.isfinite(history.cost).all()


def test_non_finite_starting_cost_is_reported():
    net = Network([1, 1], activation="relu", seed=0)
    net.weights[0], net.biases[0] = [[1.0]], [[0.0]]
    history = net.train([[1e200]], [[0.0]], iterations=5)
    assert not history.converged
    assert "starting parameters" in history.message
    np.testing.assert_array_equal(net.weights[0], [[1.0]])


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sizes", "error", "match"),
    [
        ([1], ValueError, "at least two layers"),
        ([1, 0, 2], ValueError, r"sizes\[1\] must be a positive"),
        ([1, -3], ValueError, r"sizes\[1\]"),
        ([1, 2.5], TypeError, r"sizes\[1\] must be an integer"),
        ("12", TypeError, "sizes must be a sequence"),
        (3, TypeError, "sizes must be a sequence"),
    ],
)
def test_bad_sizes(sizes, error, match):
    with pytest.raises(error, match=match):
        Network(sizes)


def test_bad_activation_and_seed():
    with pytest.raises(ValueError, match="activation must be one of"):
        Network([1, 2], activation="softmax")
    with pytest.raises(TypeError, match="activation must be a string"):
        Network([1, 2], activation=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="seed"):
        Network([1, 2], seed="zero")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="seed"):
        Network([1, 2], seed=-1)


def test_mismatched_shapes_name_x_and_y():
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=r"x must have shape \(n0, N\) = \(2, N\)"):
        net.cost(np.zeros((3, 4)), np.zeros((1, 4)))
    with pytest.raises(ValueError, match=r"y must have shape .*\(1, 4\).*got \(1, 5\)"):
        net.jacobians(np.zeros((2, 4)), np.zeros((1, 5)))
    with pytest.raises(ValueError, match=r"y must have shape"):
        net.train(np.zeros((2, 4)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="x must be 2-D"):
        net(np.zeros(4))
    with pytest.raises(ValueError, match="x must be finite"):
        net(np.array([[np.nan], [0.0]]))
    with pytest.raises(TypeError, match="x must be a number or an array of numbers"):
        net([["a"], ["b"]])
    with pytest.raises(ValueError, match="at least one example"):
        net(np.zeros((2, 0)))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"iterations": -1}, ValueError, "iterations must be non-negative"),
        ({"iterations": 2.5}, TypeError, "iterations must be an integer"),
        ({"record_every": 0}, ValueError, "record_every must be a positive"),
        ({"aggression": float("nan")}, ValueError, "aggression must be finite"),
        ({"noise": "1"}, TypeError, "noise must be a real number"),
        ({"seed": 1.5}, TypeError, "seed"),
    ],
)
def test_bad_training_arguments(kwargs, error, match):
    x, y = mc.datasets.heart_curve(5)
    net = Network([1, 2, 2], seed=0)
    before = net.weights[0].copy()
    with pytest.raises(error, match=match):
        net.train(x, y, **kwargs)
    np.testing.assert_array_equal(net.weights[0], before)  # nothing lost


def test_bad_gradient_check_step():
    x, y = mc.datasets.heart_curve(5)
    with pytest.raises(ValueError, match="h must be positive"):
        Network([1, 2], seed=0).gradient_check(x, y, h=0.0)


def test_a_network_too_large_for_memory_is_refused_before_allocating():
    with pytest.raises(ValueError, match=r"would need about .* GiB of memory"):
        Network([1, 100_000, 100_000, 2])
    net = Network([1, 64, 64, 2], seed=0)
    with pytest.raises(ValueError, match=r"10,000,000 examples|10000000 examples"):
        net.cost(np.zeros((1, 10_000_000)), np.zeros((2, 10_000_000)))


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_copied_network_trains_like_the_original(how):
    # weights and biases are views of θ: a copy must keep them so, or training moves nothing
    import copy
    import pickle

    x, y = mc.datasets.heart_curve(30)
    net = mc.Network([1, 4, 2], seed=5)
    twin = pickle.loads(pickle.dumps(net)) if how == "pickle" else copy.deepcopy(net)
    assert [w.tolist() for w in twin.weights] == [w.tolist() for w in net.weights]
    a = net.train(x, y, iterations=50, seed=1)
    b = twin.train(x, y, iterations=50, seed=1)
    assert b.final_cost == a.final_cost < a.initial_cost
    assert [w.tolist() for w in twin.weights] == [w.tolist() for w in net.weights]
