"""Tests of mvcalc.regression, with SciPy (curve_fit, linregress, norm) as the oracle."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

import mvcalc as mc
from mvcalc.regression import NAMED_MODELS, gaussian_jacobian
from mvcalc.results import STATUSES

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


def test_gaussian_is_differentiable_by_automatic_differentiation():
    x = np.linspace(150, 200, 11)
    p = np.array([178.0, 7.0])
    J = mc.jacobian(lambda q: mc.gaussian(x, *q))(p)  # forward-mode duals through gaussian
    np.testing.assert_allclose(J, gaussian_jacobian(x, *p), rtol=1e-13, atol=1e-18)
    m, s, t = sp.symbols("m s t")
    f = sp.exp(-((t - m) ** 2) / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi))
    d2 = float(sp.diff(f, s, 2).subs({t: 170.0, m: 178.0, s: 7.0}))
    assert mc.hessian(lambda q: mc.gaussian(170.0, *q))(p)[1, 1] == pytest.approx(d2, rel=1e-12)
    assert mc.derivative(lambda v: mc.gaussian(v, 0.0, 1.0), 1.0) == pytest.approx(
        -math.exp(-0.5) / math.sqrt(2 * math.pi), rel=1e-10
    )
    with pytest.raises(ValueError, match="sigma must be non-zero"):  # checked under AD too
        mc.jacobian(lambda q: mc.gaussian(x, q[0], 0 * q[1]))(p)


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
    with pytest.raises(TypeError, match="x must be a number or an array of numbers"):
        mc.linear_fit(["a", "b"], [1, 2])


# --------------------------------------------------------------------------------------------
# fit: helpers (independent of mvcalc's own derivatives)
# --------------------------------------------------------------------------------------------


def decay_jacobian(x, a, b, c):  # written by hand: ∂f/∂a, ∂f/∂b, ∂f/∂c
    e = np.exp(-b * x)
    return np.stack([e, -a * x * e, np.ones_like(x)], axis=1)


def cosines(J, r):
    """MINPACK's cosines |J_jᵀ r| / (‖J_j‖ ‖r‖), computed here from a given J."""
    return np.abs(J.T @ r) / (np.linalg.norm(J, axis=0) * np.linalg.norm(r))


TOL = 1.49012e-8  # fit's default tol


# --------------------------------------------------------------------------------------------
# fit: the assignment, and curve_fit as the oracle
# --------------------------------------------------------------------------------------------


def test_the_assignments_steepest_descent():
    result = mc.fit(mc.gaussian, X_H, Y_H, [155, 6], method="steepest-descent",
                    aggression=2000, max_iter=50)  # fmt: skip
    assert result.params[0] == pytest.approx(178.52, abs=0.005)
    assert result.params[1] == pytest.approx(7.55, abs=0.005)
    np.testing.assert_array_equal(result.path[0], [155, 6])
    assert len(result.path) == result.nit + 1
    # every step is δp = −aggression ∂χ²/∂p, with ∂χ²/∂p = −2 Σ (y − f) ∂f/∂p
    for k in (0, 1, 10, 49):
        p = result.path[k]
        grad = -2 * (Y_H - mc.gaussian(X_H, *p)) @ gaussian_jacobian(X_H, *p)
        np.testing.assert_allclose(result.path[k + 1] - p, -2000 * grad, rtol=1e-10,
                                   atol=4 * np.finfo(float).eps * np.abs(p).max())  # fmt: skip
    # fifty fixed steps do not reach a stationary point, and the result says so
    p = result.params
    assert cosines(gaussian_jacobian(X_H, *p), Y_H - mc.gaussian(X_H, *p)).max() > TOL
    assert result.status == "max-iter" and result.nit == 50 and not result.converged


def test_the_course_descent_converges_when_allowed_to():
    result = mc.fit(mc.gaussian, X_H, Y_H, [155, 6], method="steepest-descent", aggression=2000)
    p = result.params
    assert result.status == "converged"
    assert cosines(gaussian_jacobian(X_H, *p), Y_H - mc.gaussian(X_H, *p)).max() <= TOL
    assert (round(p[0], 2), round(p[1], 2)) == (178.52, 7.55)


@pytest.mark.parametrize("method", ["levenberg-marquardt", "gauss-newton", "steepest-descent"])
def test_heights_fit_matches_curve_fit(method):
    ref, cov = optimize.curve_fit(mc.gaussian, X_H, Y_H, p0=[155, 6])
    result = mc.fit(mc.gaussian, X_H, Y_H, [155, 6], method=method)
    assert result.status == "converged", result.message
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
            assert result.status == "converged", (p0, method, result.message)
            np.testing.assert_allclose(result.params, ref, rtol=1e-6, err_msg=f"{p0} {method}")


def exact_residuals(x, y, p):
    """y − decay(x, *p) in 50-digit arithmetic (floats convert to it exactly)."""
    import mpmath

    a, b, c = (mpmath.mpf(v) for v in p)
    with mpmath.workdps(50):
        return np.array([float(mpmath.mpf(yi) - (a * mpmath.exp(-b * mpmath.mpf(xi)) + c))
                         for xi, yi in zip(x, y, strict=True)])  # fmt: skip


def exact_covariance(x, y, p, sigma=None):
    """The covariance at p from the hand-written Jacobian, inverted in 50-digit arithmetic."""
    import mpmath

    w = np.ones_like(y) if sigma is None else 1 / np.asarray(sigma)
    with mpmath.workdps(50):
        J = mpmath.matrix((decay_jacobian(x, *p) * w[:, None]).tolist())
        cov = (J.T * J) ** -1
        if sigma is None:
            chi2 = sum(mpmath.mpf(v) ** 2 for v in y - decay(x, *p))
            cov = cov * chi2 / (x.size - p.size)
        return np.array(cov.tolist(), dtype=float)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(8, 60))
def test_weighted_fits_match_curve_fit_with_absolute_sigma(seed, n):
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 5, n)
    sigma = rng.uniform(0.05, 0.3, n)
    y = decay(x, 2.0, 0.8, 0.5) + rng.normal(0, sigma)
    try:
        weighted = optimize.curve_fit(decay, x, y, p0=[1, 1, 0], sigma=sigma, absolute_sigma=True)
        unweighted = optimize.curve_fit(decay, x, y, p0=[1, 1, 0])
    except RuntimeError:
        assume(False)
    for weights, (ref, cov) in ((sigma, weighted), (None, unweighted)):
        result = mc.fit(decay, x, y, [1, 1, 0], sigma=weights)
        assert result.status == "converged"
        # Both stop at a tolerance: agree to a small fraction of a standard error, at a χ² as low
        errors = np.sqrt(np.diag(cov))
        assert np.all(np.abs(result.params - ref) <= 1e-3 * errors + 1e-9)
        assert result.chi2 <= mc.chi_squared(decay, ref, x, y, weights) * (1 + 1e-7)
        # the errors: curve_fit's, at its slightly different point; exactly, at ours
        np.testing.assert_allclose(result.errors, errors, rtol=1e-2)
        exact = exact_covariance(x, y, result.params, weights)
        np.testing.assert_allclose(
            result.covariance, exact, rtol=1e-7, atol=1e-12 * abs(exact).max()
        )


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
    # a step is accepted only if χ² falls (or, at the very end, does not rise beyond rounding)
    assert all(b <= a * (1 + 1e-12) for a, b in itertools.pairwise(chi2))
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
    # MINPACK asked for the same optimality test (gtol; its ftol and xtol stop earlier, at
    # points that are not stationary to gtol, so they are switched off)
    _, _, info, _, ier = optimize.curve_fit(
        mc.gaussian, X_H, Y_H, p0=[155, 6], full_output=True, jac=gaussian_jacobian,
        gtol=TOL, ftol=0, xtol=0,
    )  # fmt: skip
    assert ier == 4  # converged by the cosine test
    assert mc.fit(mc.gaussian, X_H, Y_H, [155, 6]).nit <= info["njev"]


# --------------------------------------------------------------------------------------------
# fit: the convergence contract and the statuses
# --------------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    p0=st.tuples(st.floats(-10, 10), st.floats(-3, 5), st.floats(-5, 5)),
    method=st.sampled_from(["levenberg-marquardt", "gauss-newton", "steepest-descent"]),
    budget=st.integers(5, 400),
)
def test_converged_means_stationary(seed, p0, method, budget):
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 6, 25)
    y = decay(x, 3.0, 0.6, -0.4) + rng.normal(0, 0.05, x.size)
    try:
        result = mc.fit(decay, x, y, list(p0), method=method, max_nfev=budget)
    except ValueError as exc:  # a start whose χ² overflows is refused, with the reason
        assert "non-finite χ²" in str(exc)
        return
    assert result.status in STATUSES
    assert np.all(np.isfinite(result.path)) and len(result.path) == result.nit + 1
    if result.converged:
        p = result.params
        J = decay_jacobian(x, *p)
        if "to rounding" not in result.message:
            assert cosines(J, y - decay(x, *p)).max() <= TOL * 1.01
        else:  # the claim that the gradient is rounding error, checked in 50-digit arithmetic
            exact = exact_residuals(x, y, p)
            noise = np.abs(J).T @ np.abs(y - decay(x, *p) - exact)
            noise /= np.linalg.norm(J, axis=0) * np.linalg.norm(exact)
            assert np.all(cosines(J, exact) <= TOL + 2 * noise)
    else:
        assert result.status in ("max-iter", "stalled", "non-finite", "diverged",
                                 "zero-derivative")  # fmt: skip


def test_a_wrong_jacobian_stalls_and_never_claims_convergence():
    x = np.linspace(0, 6, 40)
    y = decay(x, 3.0, 0.6, -0.4) + 0.05 * np.sin(9 * x)

    def wrong(x, a, b, c):  # ∂f/∂b with the wrong sign: steps go uphill in b
        J = decay_jacobian(x, a, b, c)
        J[:, 1] *= -1
        return J

    for method in ("levenberg-marquardt", "gauss-newton"):
        result = mc.fit(decay, x, y, [2.0, 1.0, 0.0], jac=wrong, method=method)
        p = result.params
        assert not result.converged, method
        assert result.status in ("stalled", "max-iter"), (method, result.message)
        assert cosines(decay_jacobian(x, *p), y - decay(x, *p)).max() > 1e-3


def test_statuses_of_each_way_of_stopping():
    x = np.linspace(0, 10, 20)
    line = NAMED_MODELS["line"].function
    grows = mc.fit(line, x, 3 * x + 1, [0, 0], method="steepest-descent", aggression=10.0,
                   max_iter=500)  # fmt: skip
    assert grows.status in ("diverged", "non-finite") and not grows.converged
    assert np.all(np.isfinite(grows.params)) and np.all(np.isfinite(grows.path))
    overflow = mc.fit(lambda x, b: np.exp(b * x), x, np.exp(0.3 * x), [0.1],
                      method="steepest-descent", aggression=1e6)  # fmt: skip
    assert overflow.status == "non-finite" and np.all(np.isfinite(overflow.path))
    limited = mc.fit(mc.gaussian, X_H, Y_H, [155, 6], method="steepest-descent",
                     aggression=100, max_iter=5)  # fmt: skip
    assert limited.status == "max-iter" and limited.nit == 5
    ignored = mc.fit(lambda x, a, b: a * x, x, 2 * x + np.sin(x), [1.0, 1.0])  # b is unused
    assert ignored.status == "zero-derivative" and not ignored.converged
    y = 2 * x + np.sin(x)
    assert ignored.params[0] == pytest.approx((x @ y) / (x @ x), rel=1e-9)  # least squares a·x
    assert np.isinf(ignored.errors[1]) and np.isfinite(ignored.errors[0])


def test_zero_residual_fit():
    x = np.linspace(0, 1, 10)
    result = mc.fit(decay, x, decay(x, 1.0, 2.0, 3.0), [1.2, 1.5, 2.5])
    np.testing.assert_allclose(result.params, [1, 2, 3], rtol=1e-8)
    assert result.chi2 < 1e-20
    assert result.status == "converged"


def test_a_model_with_no_minimum_runs_out_of_its_default_budget():
    calls = []

    def constant(x, b):  # χ² = N e^(2b) falls for ever as b → −∞
        calls.append(b)
        return np.exp(b) + 0 * x

    x = np.linspace(0, 1, 10)
    result = mc.fit(constant, x, np.zeros(10), [0.0])
    assert result.status == "max-iter" and "max_nfev = 400" in result.message
    # 200·(p + 1) evaluations; an AD Jacobian (one pass of the model on dual numbers) is one
    assert len(calls) <= 200 * (1 + 1) + 1  # + the covariance's Jacobian
    assert result.nfev == len(calls)


@pytest.mark.parametrize("jac", [None, "forward", "central"])
def test_the_budget_counts_every_model_evaluation(jac):
    calls = []

    def counted(x, a, b, c):
        calls.append(1)
        return decay(x, a, b, c)

    x = np.linspace(0, 6, 30)
    y = decay(x, 3.0, 0.6, -0.4) + 0.05 * np.cos(5 * x)
    result = mc.fit(counted, x, y, [10.0, 3.0, 2.0], jac=jac, max_nfev=12)
    assert result.status == "max-iter" and not result.converged
    # the budget bounds the iterations; the covariance's Jacobian comes after (one AD pass)
    assert len(calls) <= 12 + 1
    assert result.nfev == len(calls)


# --------------------------------------------------------------------------------------------
# fit: the rounding level of the cosines
# --------------------------------------------------------------------------------------------


def exact_line_fit(x, y):
    """The least-squares line through (x, y), in exact rational arithmetic (floats → Fractions)."""
    xs, ys = [Fraction(v) for v in x], [Fraction(v) for v in y]
    n = len(xs)
    sx, sy = sum(xs), sum(ys)
    sxx, sxy = sum(v * v for v in xs), sum(a * b for a, b in zip(xs, ys, strict=True))
    slope = (n * sxy - sx * sy) / (n * sxx - sx * sx)
    return slope, (sy - slope * sx) / n


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    noise=st.sampled_from([0.0, 1e-15, 1e-13, 1e-10, 1e-6]),
    scale=st.floats(1e-3, 1e3),
)
def test_rounding_floor_bounds_the_cosines_at_exact_minimisers(seed, noise, scale):
    from mvcalc.regression.fit import _Problem, _rounding_floor

    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0, 10, 12))
    y = scale * (1.5 * x - 2.0) * (1 + noise * rng.normal(size=x.size)) + scale * noise
    slope, intercept = exact_line_fit(x, y)
    p = np.array([float(slope), float(intercept)])  # the exact minimiser, rounded
    line = NAMED_MODELS["line"].function
    problem = _Problem(line, x, y, None, p, None)
    r = problem.residuals(p)
    assume(np.any(r != 0))
    J = problem.jacobian(p)
    # at the exact minimiser the cosines are rounding error, and within the estimate of it
    assert np.all(cosines(J, r) <= _rounding_floor(problem, p, r, J))
    # and a displacement far above rounding is not mistaken for it
    for j in range(2):
        q = p.copy()
        q[j] += 1e-6 * (abs(q[j]) + scale)
        r_q = problem.residuals(q)
        J_q = problem.jacobian(q)
        assert cosines(J_q, r_q)[j] > 10 * _rounding_floor(problem, q, r_q, J_q)[j]


def test_nearly_exact_data_converge_to_rounding():
    # data that a line fits to 15 digits: the cosines cannot be computed below ~1e-4 here
    x = np.linspace(1, 10, 15)
    y = 1.5 * x - 2.0 + 1e-15 * np.sin(3 * x)
    result = mc.fit(NAMED_MODELS["line"].function, x, y, [1.0, 1.0])
    slope, intercept = exact_line_fit(x, y)
    assert result.status == "converged"
    np.testing.assert_allclose(result.params, [float(slope), float(intercept)], rtol=1e-12)


# --------------------------------------------------------------------------------------------
# fit: the covariance, from the SVD of J
# --------------------------------------------------------------------------------------------


def test_covariance_of_an_ill_conditioned_model_matches_exact_arithmetic():
    # a cubic in x ∈ [100, 1000]: JᵀJ has condition ~1e23, beyond double precision
    x = np.linspace(100, 1000, 40)
    rng = np.random.default_rng(1)
    y = 2 - 0.01 * x + 3e-5 * x**2 - 1e-8 * x**3 + rng.normal(0, 0.01, x.size)

    def cubic(x, b1, b2, b3, b4):
        return b1 + b2 * x + b3 * x**2 + b4 * x**3

    result = mc.fit(cubic, x, y, [1.0, 0.0, 0.0, 0.0])
    assert result.status == "converged"
    X = sp.Matrix([[sp.Rational(v) ** k for k in range(4)] for v in x])  # exact design matrix
    Y = sp.Matrix([sp.Rational(v) for v in y])
    XtX_inv = (X.T * X).inv()
    beta = XtX_inv * X.T * Y
    residual = Y - X * beta
    s2 = (residual.T * residual)[0] / (x.size - 4)
    exact = np.array((XtX_inv * s2).evalf(30).tolist(), dtype=float)
    np.testing.assert_allclose(result.params, np.array(beta.evalf(30), dtype=float).ravel(),
                               rtol=1e-7)  # fmt: skip
    np.testing.assert_allclose(result.errors, np.sqrt(np.diag(exact)), rtol=1e-6)
    np.testing.assert_allclose(result.covariance, exact, rtol=1e-6, atol=0)


def test_parameters_the_data_cannot_tell_apart_get_infinite_errors():
    x = np.linspace(0, 5, 20)
    y = 3 * x + 0.1 * np.sin(4 * x)
    result = mc.fit(lambda x, a, b, c: (a + b) * x + c, x, y, [1.0, 1.0, 0.0])
    assert result.status == "converged"  # χ² is stationary; a + b is determined, a and b not
    assert result.params[0] + result.params[1] == pytest.approx(np.polyfit(x, y, 1)[0], rel=1e-9)
    assert np.isinf(result.errors[0]) and np.isinf(result.errors[1])
    assert np.isfinite(result.errors[2])
    # as curve_fit counts them, N − 3 degrees of freedom (linregress: N − 2)
    line = stats.linregress(x, y)
    dof_ratio = (x.size - 2) / (x.size - 3)
    assert result.errors[2] == pytest.approx(line.intercept_stderr * math.sqrt(dof_ratio), rel=1e-6)


# --------------------------------------------------------------------------------------------
# fit: how ∂f/∂p is found
# --------------------------------------------------------------------------------------------


def test_how_the_jacobian_was_found_is_reported():
    x = np.linspace(0, 4, 30)
    y = decay(x, 2.0, 0.5, 0.3) + 0.01 * np.sin(7 * x)
    assert mc.fit(mc.gaussian, X_H, Y_H, [160, 8]).jacobian_method == "exact (known model)"
    given_jac = mc.fit(mc.gaussian, X_H, Y_H, [160, 8], jac=gaussian_jacobian)
    assert given_jac.jacobian_method == "exact (jac given)"
    ad = mc.fit(decay, x, y, [1, 1, 0])
    assert ad.jacobian_method == "automatic differentiation"
    exact = mc.fit(decay, x, y, [1, 1, 0], jac=decay_jacobian)
    np.testing.assert_allclose(ad.params, exact.params, rtol=1e-9)
    np.testing.assert_allclose(ad.covariance, exact.covariance, rtol=1e-9)
    for jac in ("forward", "central"):
        differences = mc.fit(decay, x, y, [1, 1, 0], jac=jac)
        assert differences.jacobian_method.startswith(f"{jac} differences")
        assert differences.jacobian_method.endswith("automatic differentiation for the covariance")
        assert differences.status == "converged"
        np.testing.assert_allclose(differences.params, exact.params, rtol=1e-7)
        np.testing.assert_allclose(differences.covariance, exact.covariance, rtol=1e-7)


@pytest.mark.parametrize("sigma", [None, 1e-3 + 0.1 * Y_H])
def test_a_wrapper_of_a_known_model_gets_automatic_differentiation_with_the_same_fit(sigma):
    known = mc.fit(mc.gaussian, X_H, Y_H, [160, 8], sigma=sigma)
    # a wrapper is not mc.gaussian itself (the look-up is by identity): AD, exact too
    wrapped = mc.fit(lambda x, m, s: mc.gaussian(x, m, s), X_H, Y_H, [160, 8], sigma=sigma)
    assert known.jacobian_method == "exact (known model)"
    assert wrapped.jacobian_method == "automatic differentiation"
    assert known.status == wrapped.status == "converged"
    np.testing.assert_allclose(wrapped.params, known.params, rtol=1e-10)
    np.testing.assert_allclose(wrapped.errors, known.errors, rtol=1e-10)
    np.testing.assert_allclose(wrapped.chi2, known.chi2, rtol=1e-10)
    scale = np.abs(known.jacobian).max()
    np.testing.assert_allclose(wrapped.jacobian, known.jacobian, rtol=1e-10, atol=1e-12 * scale)
    # and both agree with curve_fit, given the hand-written derivatives
    absolute = sigma is not None
    ref, cov = optimize.curve_fit(mc.gaussian, X_H, Y_H, p0=[160, 8], sigma=sigma,
                                  absolute_sigma=absolute, jac=gaussian_jacobian)  # fmt: skip
    np.testing.assert_allclose(wrapped.params, ref, rtol=1e-6)  # curve_fit stops on ftol
    np.testing.assert_allclose(wrapped.errors, np.sqrt(np.diag(cov)), rtol=1e-5)
    ref_chi2 = mc.chi_squared(mc.gaussian, ref, X_H, Y_H, sigma)
    assert wrapped.chi2 <= ref_chi2 * (1 + 1e-12)


@pytest.mark.parametrize("sigma", [None, "given"])
@pytest.mark.parametrize("jac", [None, "forward", "central", "hand"])
def test_the_result_holds_the_unweighted_jacobian_the_covariance_came_from(jac, sigma):
    a, b, c, t = sp.symbols("a b c t")
    model = a * sp.exp(-b * t) + c
    exact = sp.lambdify((t, a, b, c), [sp.diff(model, v) for v in (a, b, c)], "numpy")
    x = np.linspace(0, 4, 30)
    y = decay(x, 2.0, 0.5, 0.3) + 0.01 * np.sin(7 * x)
    s = 0.01 * (1 + x) if sigma == "given" else None
    result = mc.fit(decay, x, y, [1, 1, 0], sigma=s,
                    jac=decay_jacobian if jac == "hand" else jac)  # fmt: skip
    assert result.status == "converged"
    J = result.jacobian
    assert J.shape == (x.size, 3)
    oracle = np.stack(np.broadcast_arrays(*exact(x, *result.params)), axis=1)
    np.testing.assert_allclose(J, oracle, rtol=1e-12, atol=1e-14)  # ∂f/∂p, not divided by σ
    w = np.ones_like(x) if s is None else 1 / s**2
    cov = np.linalg.inv(J.T @ (w[:, None] * J))
    if s is None:
        cov *= result.chi2 / (x.size - 3)
    np.testing.assert_allclose(result.covariance, cov, rtol=1e-9)


def test_the_result_holds_the_central_difference_jacobian_when_ad_cannot_follow():
    x = np.linspace(0, 4, 30)
    y = decay(x, 2.0, 0.5, 0.3) + 0.01 * np.cos(5 * x)

    def scalar_math(x, a, b, c):  # math.exp cannot carry dual numbers
        return np.array([a * math.exp(-b * t) + c for t in x])

    result = mc.fit(scalar_math, x, y, [1, 1, 0])
    assert result.jacobian_method.endswith("central differences for the covariance")
    np.testing.assert_allclose(result.jacobian, decay_jacobian(x, *result.params), rtol=1e-8,
                               atol=1e-10)  # fmt: skip


def test_models_automatic_differentiation_cannot_follow():
    x = np.linspace(0, 4, 30)
    y = decay(x, 2.0, 0.5, 0.3) + 0.01 * np.cos(5 * x)

    def scalar_math(x, a, b, c):  # math.exp cannot carry dual numbers: differences instead
        return np.array([a * math.exp(-b * t) + c for t in x])

    fallback = mc.fit(scalar_math, x, y, [1, 1, 0])
    assert fallback.jacobian_method.startswith(
        "forward differences (automatic differentiation failed"
    )
    assert fallback.jacobian_method.endswith("central differences for the covariance")
    assert fallback.status == "converged"
    ref, cov = optimize.curve_fit(decay, x, y, p0=[1, 1, 0], jac=decay_jacobian)
    np.testing.assert_allclose(fallback.params, ref, rtol=1e-7)
    np.testing.assert_allclose(fallback.errors, np.sqrt(np.diag(cov)), rtol=1e-6)
    with pytest.raises(ValueError, match="jac='autodiff': automatic differentiation cannot"):
        mc.fit(scalar_math, x, y, [1, 1, 0], jac="autodiff")


def test_a_derivative_ad_gets_wrong_in_the_limit_is_taken_by_differences():
    # d(x**b)/db = x**b · log x is 0 · (−∞) = NaN at x = 0 to AD; 0 in the limit
    x = np.linspace(0, 3, 20)
    y = 2.0 * x**1.5 + 0.01 * np.sin(5 * x)
    result = mc.fit(lambda x, a, b: a * x**b, x, y, [1.0, 1.0])
    assert "forward differences where it was not finite" in result.jacobian_method
    assert result.status == "converged"
    with np.errstate(divide="ignore", invalid="ignore"):
        ref, _ = optimize.curve_fit(lambda x, a, b: a * x**b, x, y, p0=[1.0, 1.0])
    np.testing.assert_allclose(result.params, ref, rtol=1e-6)


def test_the_curvature_of_the_model_is_exact():
    from mvcalc.regression.fit import _Problem

    x = np.linspace(0.5, 3, 7)
    a, b, c = sp.symbols("a b c")
    t = sp.Symbol("t")
    p, v = np.array([2.0, 0.7, -0.3]), np.array([0.3, -0.2, 0.5])
    problem = _Problem(decay, x, decay(x, *p), None, p, None)
    k = problem.second_derivative(p, v)
    for xi, ki in zip(x, k, strict=True):
        f = (a * sp.exp(-b * xi) + c).subs({a: p[0] + t * v[0], b: p[1] + t * v[1],
                                            c: p[2] + t * v[2]})  # fmt: skip
        assert ki == pytest.approx(float(sp.diff(f, t, 2).subs(t, 0)), rel=1e-12)


# --------------------------------------------------------------------------------------------
# Named models
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(NAMED_MODELS))
def test_named_model_jacobians_and_guesses(name):
    model = NAMED_MODELS[name]
    true = {"line": [2.0, -1.0], "gaussian": [1.0, 0.7, 3.0], "exponential": [1.5, -0.4],
            "poly2": [0.5, -1.0, 2.0], "scaled-gaussian": [1.0, 0.7, 3.0]}[name]  # fmt: skip
    x = np.linspace(-2, 3, 50)
    y = model.function(x, *true)
    np.testing.assert_allclose(
        model.jacobian(x, *true), central_jacobian(model.function, x, true), rtol=1e-6, atol=1e-8
    )
    result = mc.fit(model.function, x, y, model.guess(x, y), jac=model.jacobian)
    np.testing.assert_allclose(result.params, true, rtol=1e-6, atol=1e-8)
    assert result.status == "converged"


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
        ({"xtol": -1.0}, ValueError, "xtol must be positive"),
        ({"max_iter": 0}, ValueError, "max_iter must be a positive integer"),
        ({"max_nfev": 0}, ValueError, "max_nfev must be a positive integer"),
        ({"max_nfev": 2.5}, TypeError, "max_nfev must be an integer"),
        ({"model": "gaussian"}, ValueError, "is ambiguous"),  # the density, or area × it?
        ({"model": 3}, TypeError, "model must be callable"),
        ({"jac": np.ones((2, 2))}, TypeError, "jac must be callable"),
        ({"jac": "backward"}, ValueError, "jac must be one of"),
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
