"""Tests of mvcalc.regression, with SciPy (curve_fit, linregress, norm) as the oracle."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

import mvcalc as mc
from mvcalc.regression import NAMED_MODELS, gaussian_jacobian

X_H, Y_H = mc.datasets.heights()


def decay(x, a, b, c):
    return a * np.exp(-b * x) + c


def central_jacobian(f, x, p, h=1e-6):
    p = np.asarray(p, dtype=float)
    cols = []
    for j in range(p.size):
        step = h * max(abs(p[j]), 1.0)
        up, down = p.copy(), p.copy()
        up[j] += step
        down[j] -= step
        cols.append((f(x, *up) - f(x, *down)) / (2 * step))
    return np.stack(cols, axis=1)


# --------------------------------------------------------------------------------------------
# gaussian, its Jacobian, chi_squared
# --------------------------------------------------------------------------------------------


@given(
    x=st.floats(-50, 50),
    mu=st.floats(-20, 20),
    sigma=st.floats(0.05, 30),
)
def test_gaussian_is_the_normal_density(x, mu, sigma):
    assert float(mc.gaussian(x, mu, sigma)) == pytest.approx(
        stats.norm.pdf(x, mu, sigma), rel=1e-12, abs=1e-300
    )


def test_gaussian_jacobian_matches_sympy_and_differences():
    xs, m, s = sp.symbols("x mu sigma")
    f = sp.exp(-((xs - m) ** 2) / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi))
    dmu = sp.lambdify((xs, m, s), sp.diff(f, m), "numpy")
    dsigma = sp.lambdify((xs, m, s), sp.diff(f, s), "numpy")
    x = np.linspace(160, 200, 17)
    J = gaussian_jacobian(x, 178.0, 7.0)
    np.testing.assert_allclose(J[:, 0], dmu(x, 178.0, 7.0), rtol=1e-12, atol=1e-18)
    np.testing.assert_allclose(J[:, 1], dsigma(x, 178.0, 7.0), rtol=1e-12, atol=1e-18)
    np.testing.assert_allclose(J, central_jacobian(mc.gaussian, x, [178.0, 7.0]), rtol=1e-6)


def test_gaussian_rejects_bad_parameters():
    with pytest.raises(ValueError, match="sigma must be non-zero"):
        mc.gaussian([1.0], 0.0, 0.0)
    with pytest.raises(ValueError, match="mu must be finite"):
        mc.gaussian([1.0], np.nan, 1.0)
    with pytest.raises(TypeError, match="sigma must be a real number"):
        mc.gaussian([1.0], 0.0, "1")


@given(st.lists(st.tuples(st.floats(-10, 10), st.floats(-10, 10), st.floats(0.1, 5)),
                min_size=1, max_size=20))  # fmt: skip
def test_chi_squared_is_the_weighted_sum_of_squares(rows):
    x, y, s = (np.array(c) for c in zip(*rows, strict=True))
    want = sum(((yi - (2 * xi - 1)) / si) ** 2 for xi, yi, si in rows)
    line = NAMED_MODELS["line"].function
    assert mc.chi_squared(line, [2, -1], x, y, s) == pytest.approx(want, rel=1e-12, abs=1e-12)
    plain = sum((yi - (2 * xi - 1)) ** 2 for xi, yi, _ in rows)
    assert mc.chi_squared(line, [2, -1], x, y) == pytest.approx(plain, rel=1e-12, abs=1e-12)


# --------------------------------------------------------------------------------------------
# linear_fit
# --------------------------------------------------------------------------------------------


@settings(max_examples=60)
@given(
    n=st.integers(3, 40),
    slope=st.floats(-5, 5),
    intercept=st.floats(-5, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_linear_fit_matches_linregress(n, slope, intercept, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-10, 10, n)
    y = slope * x + intercept + rng.normal(0, 1, n)
    assume(np.ptp(x) > 1e-3)
    ours = mc.linear_fit(x, y)
    ref = stats.linregress(x, y)
    assert ours.slope == pytest.approx(ref.slope, rel=1e-9, abs=1e-11)
    assert ours.intercept == pytest.approx(ref.intercept, rel=1e-9, abs=1e-11)
    assert ours.slope_error == pytest.approx(ref.stderr, rel=1e-8, abs=1e-12)
    assert ours.intercept_error == pytest.approx(ref.intercept_stderr, rel=1e-8, abs=1e-12)
    assert ours.r_squared == pytest.approx(ref.rvalue**2, rel=1e-9, abs=1e-12)
    assert ours.chi2 == pytest.approx(np.sum((y - ref.slope * x - ref.intercept) ** 2), rel=1e-9)
    assert ours.dof == n - 2


@settings(max_examples=40)
@given(n=st.integers(3, 30), seed=st.integers(0, 2**32 - 1))
def test_weighted_linear_fit_matches_curve_fit_with_absolute_sigma(n, seed):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0, 10, n))
    assume(np.ptp(x) > 1e-3)
    sigma = rng.uniform(0.1, 2.0, n)
    y = 1.5 * x - 2 + rng.normal(0, sigma)
    ours = mc.linear_fit(x, y, sigma=sigma)
    p, cov = optimize.curve_fit(lambda x, m, c: m * x + c, x, y, sigma=sigma, absolute_sigma=True)
    design = np.stack([x, np.ones_like(x)], axis=1) / sigma[:, None]
    np.testing.assert_allclose([ours.slope, ours.intercept], p, rtol=1e-5, atol=1e-7)
    # curve_fit iterates to a tolerance; the closed form is exact, like a weighted lstsq solve
    exact = np.linalg.lstsq(design, y / sigma, rcond=None)[0]
    np.testing.assert_allclose([ours.slope, ours.intercept], exact, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(ours.covariance, cov, rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(ours.covariance, np.linalg.inv(design.T @ design), rtol=1e-9)
    assert ours.slope_error == pytest.approx(np.sqrt(cov[0, 0]), rel=1e-5)
    assert ours.chi2 == pytest.approx(
        np.sum(((y - exact[0] * x - exact[1]) / sigma) ** 2), rel=1e-9
    )


def test_linear_fit_two_points_and_bad_input():
    two = mc.linear_fit([0, 1], [1, 3])
    assert (two.slope, two.intercept) == pytest.approx((2, 1))
    assert two.slope_error == np.inf and np.isnan(two.reduced_chi2)
    with pytest.raises(ValueError, match="x and y must have the same length"):
        mc.linear_fit([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="at least 2 points"):
        mc.linear_fit([1], [1])
    with pytest.raises(ValueError, match="two distinct values"):
        mc.linear_fit([1, 1, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="y must be finite"):
        mc.linear_fit([1, 2, 3], [1, np.nan, 3])
    with pytest.raises(ValueError, match="sigma must be positive"):
        mc.linear_fit([1, 2, 3], [1, 2, 3], sigma=[1, 0, 1])
    with pytest.raises(ValueError, match="sigma must hold one uncertainty per point"):
        mc.linear_fit([1, 2, 3], [1, 2, 3], sigma=[1, 1])
    with pytest.raises(TypeError, match="x must be an array of numbers"):
        mc.linear_fit(["a", "b"], [1, 2])


# --------------------------------------------------------------------------------------------
# fit: the assignment, and curve_fit as the oracle
# --------------------------------------------------------------------------------------------


def test_the_assignments_steepest_descent():
    result = mc.fit(mc.gaussian, X_H, Y_H, [155, 6], method="steepest-descent",
                    aggression=2000, max_iter=50)  # fmt: skip
    assert result.params[0] == pytest.approx(178.52, abs=0.005)
    assert result.params[1] == pytest.approx(7.55, abs=0.005)
    assert result.nit <= 50
    np.testing.assert_array_equal(result.path[0], [155, 6])
    assert len(result.path) == result.nit + 1
    # every step is δp = −aggression ∂χ²/∂p, with ∂χ²/∂p = −2 Σ (y − f) ∂f/∂p
    for k in (0, 1, 10):
        p = result.path[k]
        grad = -2 * (Y_H - mc.gaussian(X_H, *p)) @ gaussian_jacobian(X_H, *p)
        np.testing.assert_allclose(result.path[k + 1] - p, -2000 * grad, rtol=1e-10)


@pytest.mark.parametrize("method", ["levenberg-marquardt", "gauss-newton", "steepest-descent"])
def test_heights_fit_matches_curve_fit(method):
    ref, cov = optimize.curve_fit(mc.gaussian, X_H, Y_H, p0=[155, 6])
    result = mc.fit(mc.gaussian, X_H, Y_H, [155, 6], method=method)
    assert result.converged, result.message
    np.testing.assert_allclose(result.params, ref, rtol=1e-6)
    np.testing.assert_allclose(result.errors, np.sqrt(np.diag(cov)), rtol=1e-4)
    np.testing.assert_allclose(result.covariance, cov, rtol=1e-4, atol=1e-6 * np.abs(cov).max())
    assert result.chi2 == pytest.approx(np.sum((Y_H - mc.gaussian(X_H, *ref)) ** 2), rel=1e-8)
    np.testing.assert_array_equal(result.path[0], [155, 6])


def test_levenberg_marquardt_is_robust_from_far_starts():
    ref, _ = optimize.curve_fit(mc.gaussian, X_H, Y_H, p0=[178, 7])
    for p0 in ([140, 3], [190, 20], [155, 6], [200, 40]):
        for method in ("levenberg-marquardt", "gauss-newton"):
            result = mc.fit(mc.gaussian, X_H, Y_H, p0, method=method)
            assert result.converged, (p0, method, result.message)
            np.testing.assert_allclose(result.params, ref, rtol=1e-6, err_msg=f"{p0} {method}")


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(8, 60))
def test_weighted_fits_match_curve_fit_with_absolute_sigma(seed, n):
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 5, n)
    sigma = rng.uniform(0.05, 0.3, n)
    y = decay(x, 2.0, 0.8, 0.5) + rng.normal(0, sigma)
    try:
        ref, cov = optimize.curve_fit(decay, x, y, p0=[1, 1, 0], sigma=sigma, absolute_sigma=True)
    except RuntimeError:
        assume(False)
    result = mc.fit(decay, x, y, [1, 1, 0], sigma=sigma)
    assert result.converged
    # Both stop at a tolerance: agree to a small fraction of a standard error, at a χ² as low.
    errors = np.sqrt(np.diag(cov))
    assert np.all(np.abs(result.params - ref) <= 1e-3 * errors + 1e-9)
    assert result.chi2 <= mc.chi_squared(decay, ref, x, y, sigma) * (1 + 1e-7)
    np.testing.assert_allclose(result.errors, errors, rtol=1e-3)
    unweighted_ref, unweighted_cov = optimize.curve_fit(decay, x, y, p0=[1, 1, 0])
    unweighted = mc.fit(decay, x, y, [1, 1, 0])
    unweighted_errors = np.sqrt(np.diag(unweighted_cov))
    assert np.all(np.abs(unweighted.params - unweighted_ref) <= 1e-3 * unweighted_errors + 1e-9)
    np.testing.assert_allclose(unweighted.errors, unweighted_errors, rtol=1e-3)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    p0=st.tuples(st.floats(0.1, 5), st.floats(0.05, 3), st.floats(-2, 2)),
)
def test_levenberg_marquardt_never_raises_chi2(seed, p0):
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 6, 40)
    y = decay(x, 3.0, 0.6, -0.4) + rng.normal(0, 0.05, x.size)
    result = mc.fit(decay, x, y, list(p0))
    chi2 = [mc.chi_squared(decay, p, x, y) for p in result.path]
    assert all(b <= a for a, b in itertools.pairwise(chi2))
    np.testing.assert_allclose(result.path[0], p0)
    assert len(result.path) == result.nit + 1


def test_exact_and_numerical_jacobians_agree():
    exact = mc.fit(mc.gaussian, X_H, Y_H, [160, 10])  # uses gaussian_jacobian
    numeric = mc.fit(lambda x, m, s: mc.gaussian(x, m, s), X_H, Y_H, [160, 10])
    given_jac = mc.fit(mc.gaussian, X_H, Y_H, [160, 10], jac=gaussian_jacobian)
    np.testing.assert_allclose(numeric.params, exact.params, rtol=1e-8)
    np.testing.assert_allclose(given_jac.params, exact.params, rtol=1e-12)
    np.testing.assert_allclose(numeric.errors, exact.errors, rtol=1e-5)


def test_iteration_count_is_no_more_than_minpacks_on_the_heights():
    _, _, info, _, _ = optimize.curve_fit(mc.gaussian, X_H, Y_H, p0=[155, 6], full_output=True,
                                          jac=gaussian_jacobian)  # fmt: skip
    assert mc.fit(mc.gaussian, X_H, Y_H, [155, 6]).nit <= info["njev"]


def test_divergence_stops_with_the_last_finite_parameters():
    x = np.linspace(0, 10, 20)
    y = 3 * x + 1
    line = NAMED_MODELS["line"].function
    result = mc.fit(line, x, y, [0, 0], method="steepest-descent", aggression=10.0, max_iter=500)
    assert not result.converged
    assert "without bound" in result.message or "non-finite" in result.message
    assert np.all(np.isfinite(result.params))
    assert np.all(np.isfinite(result.path))


def test_iteration_limit_is_reported():
    result = mc.fit(mc.gaussian, X_H, Y_H, [155, 6], method="steepest-descent",
                    aggression=100, max_iter=5)  # fmt: skip
    assert not result.converged and "max_iter" in result.message
    assert result.nit == 5


def test_zero_residual_fit():
    x = np.linspace(0, 1, 10)
    result = mc.fit(decay, x, decay(x, 1.0, 2.0, 3.0), [1.2, 1.5, 2.5])
    np.testing.assert_allclose(result.params, [1, 2, 3], rtol=1e-8)
    assert result.chi2 < 1e-20


# --------------------------------------------------------------------------------------------
# Named models
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(NAMED_MODELS))
def test_named_model_jacobians_and_guesses(name):
    model = NAMED_MODELS[name]
    true = {"line": [2.0, -1.0], "gaussian": [1.0, 0.7, 3.0], "exponential": [1.5, -0.4],
            "poly2": [0.5, -1.0, 2.0]}[name]  # fmt: skip
    x = np.linspace(-2, 3, 50)
    y = model.function(x, *true)
    np.testing.assert_allclose(
        model.jacobian(x, *true), central_jacobian(model.function, x, true), rtol=1e-6, atol=1e-8
    )
    result = mc.fit(model.function, x, y, model.guess(x, y), jac=model.jacobian)
    np.testing.assert_allclose(result.params, true, rtol=1e-6, atol=1e-8)


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"y": Y_H[:-1]}, ValueError, "x and y must have the same number of points"),
        ({"y": np.where(X_H > 170, np.nan, Y_H)}, ValueError, "y must be finite"),
        ({"x": np.where(X_H > 170, np.inf, X_H)}, ValueError, "x must be finite"),
        ({"p0": [155, 6, 1]}, ValueError, "p0 must hold 2 values"),
        ({"p0": [155]}, ValueError, "p0 must hold 2 values"),
        ({"p0": [[155, 6]]}, ValueError, "p0 must be 1-D"),
        ({"sigma": np.zeros_like(Y_H)}, ValueError, "sigma must be positive"),
        ({"sigma": -np.ones_like(Y_H)}, ValueError, "sigma must be positive"),
        ({"sigma": np.ones(3)}, ValueError, "sigma must hold one uncertainty per point"),
        ({"method": "newton"}, ValueError, "method must be one of"),
        ({"aggression": 10.0}, ValueError, "aggression applies to"),
        ({"tol": 0.0}, ValueError, "tol must be positive"),
        ({"max_iter": 0}, ValueError, "max_iter must be a positive integer"),
        ({"model": "gaussian"}, TypeError, "model must be callable"),
        ({"jac": np.ones((2, 2))}, TypeError, "jac must be callable"),
        ({"jac": lambda x, m, s: np.ones((3, 2))}, ValueError, "jac must return shape"),
        ({"model": lambda x, m, s: np.ones(5)}, ValueError, "model must return one value"),
    ],
)
def test_fit_rejects_bad_input(kwargs, error, match):
    args = {"model": mc.gaussian, "x": X_H, "y": Y_H, "p0": [155, 6], **kwargs}
    with pytest.raises(error, match=match):
        mc.fit(args.pop("model"), args.pop("x"), args.pop("y"), args.pop("p0"), **args)


def test_fit_needs_as_many_points_as_parameters():
    with pytest.raises(ValueError, match="at least as many points as there are parameters"):
        mc.fit(decay, [0.0, 1.0], [1.0, 2.0], [1, 1, 1])
    with pytest.raises(ValueError, match="non-finite χ²"):
        mc.fit(lambda x, a: np.exp(a * x), [1.0, 800.0], [1.0, 2.0], [1.0])


# --------------------------------------------------------------------------------------------
# The heights data
# --------------------------------------------------------------------------------------------


def test_heights_histogram():
    x, density = mc.datasets.heights()
    assert x.shape == density.shape == (100,)
    np.testing.assert_allclose(x, 50 + 2.5 * np.arange(100) + 1.25)
    assert np.sum(density) * 2.5 == pytest.approx(1.0, rel=1e-14)
    freqs = [0.031, 0.013, 0.023, 0.064, 0.065, 0.126, 0.132, 0.127, 0.113, 0.091, 0.105,
             0.050, 0.018, 0.018, 0.018, 0.001, 0.0]  # fmt: skip
    lefts = 160 + 2.5 * np.arange(17)
    for left, f in zip(lefts, freqs, strict=True):
        (i,) = np.flatnonzero(np.isclose(x, left + 1.25))
        assert density[i] == pytest.approx(f / (sum(freqs) * 2.5), rel=1e-12)
    outside = (x < 160) | (x > 202.5)
    assert np.all(density[outside] == 0)


def test_how_the_jacobian_was_found_is_reported():
    import math

    x = np.linspace(0, 4, 30)
    y = decay(x, 2.0, 0.5, 0.3)
    assert mc.fit(mc.gaussian, X_H, Y_H, [160, 8]).jacobian == "exact (known model)"
    given_jac = mc.fit(mc.gaussian, X_H, Y_H, [160, 8], jac=gaussian_jacobian)
    assert given_jac.jacobian == "exact (jac given)"
    ad = mc.fit(decay, x, y + 0.01 * np.sin(7 * x), [1, 1, 0])
    assert "automatic differentiation for the covariance" in ad.jacobian

    # the covariance from AD equals the one from the exact Jacobian, to rounding
    def decay_jacobian(x, a, b, c):
        e = np.exp(-b * x)
        return np.stack([e, -a * x * e, np.ones_like(x)], axis=1)

    exact = mc.fit(decay, x, y + 0.01 * np.sin(7 * x), [1, 1, 0], jac=decay_jacobian)
    np.testing.assert_allclose(ad.covariance, exact.covariance, rtol=1e-6)

    def scalar_math(x, a, b, c):  # math.exp cannot carry dual numbers: finite differences
        return np.array([a * math.exp(-b * t) + c for t in x])

    fallback = mc.fit(scalar_math, x, y, [1, 1, 0])
    assert fallback.jacobian.startswith("finite differences (automatic differentiation failed")
    np.testing.assert_allclose(fallback.params, [2.0, 0.5, 0.3], rtol=1e-6)
