"""Tests of mvcalc.autodiff: exact derivatives of NumPy code, against SymPy and differences."""

from __future__ import annotations

import operator

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import mvcalc as mc
from mvcalc.autodiff import Dual

X, Y, Z = sp.symbols("x y z")
SYMBOLS = (X, Y, Z)

# --------------------------------------------------------------------------------------------
# Random functions of three variables, built twice: as NumPy code and as a SymPy expression
# --------------------------------------------------------------------------------------------

LEAVES = st.sampled_from(
    [(lambda v: v[0], X), (lambda v: v[1], Y), (lambda v: v[2], Z),
     (lambda v: 2.0, sp.Integer(2)), (lambda v: 0.5, sp.Rational(1, 2))]
)  # fmt: skip
BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
UNARY = {
    "exp": (np.exp, sp.exp), "log": (np.log, sp.log), "sin": (np.sin, sp.sin),
    "cos": (np.cos, sp.cos), "tanh": (np.tanh, sp.tanh), "sqrt": (np.sqrt, sp.sqrt),
    "arctan": (np.arctan, sp.atan), "log1p": (np.log1p, lambda e: sp.log(1 + e)),
    "expm1": (np.expm1, lambda e: sp.exp(e) - 1),
    "cbrt": (np.cbrt, lambda e: e ** sp.Rational(1, 3)),
    "square": (np.square, lambda e: e**2), "arcsinh": (np.arcsinh, sp.asinh),
}  # fmt: skip


def _extend(children):
    def binary(t):
        (f, e), op, (g, h) = t
        return (lambda v, f=f, g=g: BINARY[op](f(v), g(v))), BINARY[op](e, h)

    def unary(t):
        name, (f, e) = t
        np_f, sp_f = UNARY[name]
        return (lambda v, f=f: np_f(f(v))), sp_f(e)

    def power(t):
        (f, e), n = t
        return (lambda v, f=f: f(v) ** n), e**n

    return (
        st.tuples(children, st.sampled_from(sorted(BINARY)), children).map(binary)
        | st.tuples(st.sampled_from(sorted(UNARY)), children).map(unary)
        | st.tuples(children, st.sampled_from([2, 3, -1, 0.5])).map(power)
    )


FUNCTIONS = st.recursive(LEAVES, _extend, max_leaves=6)
# distinct small offsets keep points off the diagonal x = y = z, where expressions such as
# sqrt(x − y) pass through a singular point (AD then gives ∞ · 0, as documented)
POINT = st.tuples(*[st.floats(0.5, 1.5)] * 3).map(
    lambda t: np.array(t) + np.array([0.0123, -0.0234, 0.0345])
)


def sympy_at(expr, point):
    try:
        return complex(expr.evalf(subs=dict(zip(SYMBOLS, point, strict=True)), n=20))
    except (ZeroDivisionError, TypeError):  # a pole, or a value SymPy cannot make a number
        return complex(np.nan)


@settings(max_examples=150, deadline=None)
@given(FUNCTIONS, POINT)
def test_grad_matches_sympy(pair, point):
    f, expr = pair
    # sqrt(x − x): SymPy sees the constant 0; AD differentiates √ at 0 (∞ · 0), a known limit
    assume(expr.free_symbols)
    want = [sympy_at(sp.diff(expr, s), point) for s in SYMBOLS]
    value = sympy_at(expr, point)
    assume(all(np.isfinite(w) and abs(w.imag) < 1e-12 and abs(w) < 1e12 for w in [*want, value]))
    with np.errstate(all="ignore"):  # an infinite derivative (cbrt at 0) is no error here
        got = mc.grad(lambda v: f(v) + 0 * v[0])(point)  # + 0·v[0]: constants become functions
    np.testing.assert_allclose(got, [w.real for w in want], rtol=1e-9, atol=1e-10)


@settings(max_examples=60, deadline=None)
@given(FUNCTIONS, POINT)
def test_hessian_matches_sympy(pair, point):
    f, expr = pair
    assume(expr.free_symbols)
    want = [[sympy_at(sp.diff(expr, a, b), point) for b in SYMBOLS] for a in SYMBOLS]
    flat = [w for row in want for w in row]
    assume(all(np.isfinite(w) and abs(w.imag) < 1e-12 and abs(w) < 1e12 for w in flat))
    with np.errstate(all="ignore"):
        got = mc.hessian(lambda v: f(v) + 0 * v[0])(point)
    assert got.shape == (3, 3)
    np.testing.assert_allclose(got, np.real(want), rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(got, got.T, rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------------------------
# R^n → R^m through array operations, against central differences
# --------------------------------------------------------------------------------------------

A = np.array([[1.0, -2.0, 0.5], [0.3, 0.0, 2.0]])


def central_jacobian(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    cols = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.stack(cols, axis=-1)


VECTOR_FUNCTIONS = {
    "matmul": lambda v: A @ np.tanh(v),
    "matmul dual@dual": lambda v: np.outer(v, v) @ v,
    "rmatmul vector": lambda v: v @ A.T,
    "dot": lambda v: np.dot(A, v) * np.dot(v, v),
    "indexing and stacking": lambda v: np.stack([v[0] * v[1], v[2] ** 2, np.sum(v[:2])]),
    "np.array of duals": lambda v: np.array([v[0] * v[1], v[0] + v[2], np.sin(v[1])]),
    "np.array then math": lambda v: np.exp(np.array([v[0], v[1] * v[2]])) * 2,
    "where": lambda v: np.where(v > 0.0, v**2, -v),
    "maximum/minimum": lambda v: np.maximum(v, 0.2) + np.minimum(v[0], v),
    "prod": lambda v: np.array([np.prod(v), np.prod(v * np.array([1.0, 0.0, 1.0]))]),
    "prod axis": lambda v: np.prod(np.reshape(np.concatenate([v, v**2]), (2, 3)), axis=0),
    "sum mean": lambda v: np.array([np.sum(v**3), np.mean(np.sin(v))]),
    "reshape transpose": lambda v: (np.outer(v, np.arange(1.0, 3.0)).T @ v).ravel(),
    "vstack hstack": lambda v: np.hstack([v, np.vstack([v, 2 * v]).sum(axis=0)]),
    "norm": lambda v: np.array([np.linalg.norm(v), np.linalg.norm(v - 1)]),
    "clip abs": lambda v: np.clip(v, -0.5, 0.5) + np.abs(v - 0.1),
    "arctan2 hypot": lambda v: np.array([np.arctan2(v[0], v[1]), np.hypot(v[1], v[2])]),
    "power of dual": lambda v: v ** v[0] + 2.0**v,
    "cumsum": lambda v: np.cumsum(v * v),
    "division": lambda v: (1 + v) / (2 + v[::-1]) - 3 / (1 + v**2),
    "logs": lambda v: np.log2(1 + v**2) + np.log10(2 + v) + np.exp2(v),
    "hyperbolic": lambda v: np.sinh(v) * np.cosh(v) + np.arccosh(3 + v) + np.arctanh(v / 3),
    "trig": lambda v: np.tan(v / 2) + np.arcsin(v / 3) + np.arccos(v / 4),
}


# small distinct offsets keep hypothesis's favourite values (0, equal coordinates) off the kinks
OFFSETS = np.array([0.0123, -0.0234, 0.0345])


@pytest.mark.parametrize("name", sorted(VECTOR_FUNCTIONS))
@settings(max_examples=15, deadline=None)
@given(x=st.tuples(*[st.floats(-1.2, 1.2)] * 3).map(lambda t: np.array(t) + OFFSETS))
def test_jacobian_matches_central_differences(name, x):
    f = VECTOR_FUNCTIONS[name]
    if name in {"where", "maximum/minimum", "clip abs"}:
        # keep away from kinks, where differences are not derivatives
        assume(np.all(np.abs(x) > 1e-3) and np.all(np.abs(x - 0.2) > 1e-3))
        assume(np.all(np.abs(np.abs(x) - 0.5) > 1e-3) and np.all(np.abs(x - 0.1) > 1e-3))
    if name == "power of dual":
        x = np.abs(x) + 0.1
    if name == "norm":  # ‖v‖ and ‖v − 1‖ have kinks at v = 0 and v = 1
        assume(np.linalg.norm(x) > 1e-3 and np.linalg.norm(x - 1) > 1e-3)
    if name == "arctan2 hypot":  # both have a kink at the origin of their arguments
        assume(np.hypot(x[0], x[1]) > 1e-3 and np.hypot(x[1], x[2]) > 1e-3)
    if name == "maximum/minimum":  # ties between v[0] and v[i] are kinks too
        assume(np.all(np.abs(x[1:] - x[0]) > 1e-3))
    J = mc.jacobian(f)(x)
    value = np.asarray(f(x))
    assert J.shape == (*value.shape, 3)
    np.testing.assert_allclose(J, central_jacobian(f, x), rtol=1e-6, atol=1e-7)


def test_prod_with_a_zero_factor_is_exact():
    g = mc.grad(np.prod)([2.0, 0.0, 3.0])
    np.testing.assert_array_equal(g, [0.0, 6.0, 0.0])


def test_vector_mode_runs_f_once():
    calls = []

    def f(v):
        calls.append(1)
        return np.tanh(A @ v)

    mc.jacobian(f)(np.ones(3))
    assert len(calls) == 1


def test_shapes_follow_jax_conventions():
    assert mc.grad(np.sin)(0.3) == pytest.approx(np.cos(0.3))
    assert isinstance(mc.grad(np.sin)(0.3), float)
    assert mc.jacobian(lambda t: np.array([t, t**2]))(3.0).tolist() == [1.0, 6.0]
    assert mc.jacobian(lambda v: np.sum(v**2))(np.array([1.0, 2.0])).tolist() == [2.0, 4.0]
    assert mc.hessian(lambda t: t**3)(2.0) == pytest.approx(12.0)
    assert mc.hessian(lambda v: np.sum(v**2))([1.0, 2.0, 3.0]).tolist() == (2 * np.eye(3)).tolist()
    assert mc.grad(lambda v: 5.0)([1.0, 2.0]).tolist() == [0.0, 0.0]  # a constant function


def test_hessian_is_jacobian_of_grad():
    def f(v):
        return np.exp(v[0] * v[1]) + np.sin(v[2]) * v[0]

    x = np.array([0.3, -0.7, 1.1])
    np.testing.assert_allclose(mc.hessian(f)(x), mc.jacobian(mc.grad(f))(x), rtol=1e-14)
    np.testing.assert_allclose(
        mc.hessian(f)(x), central_jacobian(mc.grad(f), x), rtol=1e-6, atol=1e-8
    )


def test_third_derivative_by_nesting_again():
    third = mc.grad(mc.grad(mc.grad(lambda t: t**5)))
    assert third(2.0) == pytest.approx(60 * 2.0**2)


def test_perturbations_are_not_confused():
    """d/dx [x · d/dy (x + y)] = 1: the inner derivative must not see x as its variable."""

    def outer(x):
        return x * mc.grad(lambda y: x + y)(1.0)

    assert mc.grad(outer)(3.0) == pytest.approx(1.0)


# --------------------------------------------------------------------------------------------
# What is refused, by name
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("f", "name"),
    [
        (lambda v: np.fft.fft(v).real.sum(), "numpy.fft.fft"),
        (lambda v: np.linalg.svd(np.outer(v, v))[1].sum(), "numpy.linalg.svd"),
        (lambda v: np.sort(v).sum(), "numpy.sort"),
        (lambda v: np.bitwise_and(v, 1), "numpy.bitwise_and"),
        (lambda v: np.add.accumulate(v), "numpy.add.accumulate"),
        (lambda v: np.exp(v, out=np.empty(3)), "out="),
    ],
)
def test_unsupported_operations_name_themselves(f, name):
    with pytest.raises(TypeError, match=name.replace(".", r"\.")):
        mc.jacobian(f)(np.ones(3))


@pytest.mark.parametrize(
    ("transform", "noun"),
    [(mc.grad, "traced value"), (lambda f: mc.jacobian(f, mode="forward"), "dual number")],
)
def test_leaving_numpy_is_refused(transform, noun):
    import math

    with pytest.raises(TypeError, match=f"float\\(\\) of a {noun}"):
        transform(lambda t: math.sin(t))(1.0)
    with pytest.raises(TypeError, match=f"assigning into a {noun} array"):
        transform(lambda v: v.__setitem__(0, 1.0))(np.ones(2))

    def fill(v):
        out = np.zeros(2)
        out[0] = v[0]
        return out.sum()

    # NumPy refuses to put a box into a float array itself (it sees a sequence): still an error
    with pytest.raises((TypeError, ValueError)):
        transform(fill)(np.ones(2))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: mc.grad("sin"), TypeError, "f must be callable"),
        (lambda: mc.grad(np.sin)(np.nan), ValueError, "x must be finite"),
        (lambda: mc.jacobian(np.sin, mode="sideways"), ValueError, "mode must be one of"),
        (lambda: mc.vjp(np.sin, [1.0, 2.0])[1](np.ones(3)), ValueError, "w must have the shape"),
        (lambda: mc.jvp(np.sin, [1.0, 2.0], [1.0]), ValueError, "v must have the shape of x"),
        (lambda: mc.hessian(np.sum)(np.ones(20_000)), ValueError, "memory"),
        (lambda: mc.grad(np.sum)({"a": [1.0, np.inf]}), ValueError, r"x\['a'\] must be finite"),
        (lambda: mc.grad(np.sum)("ab"), TypeError, "x must be a number or an array of numbers"),
        (lambda: mc.grad(lambda v: v * 2)(np.ones(2)), ValueError, "f must return a scalar"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_dual_array_behaviour():
    d = Dual(np.arange(6.0).reshape(2, 3), np.ones((2, 3, 1)), tag=10**9)
    assert d.shape == (2, 3) and d.ndim == 2 and d.size == 6 and len(d) == 2
    assert d.T.shape == (3, 2) and d.reshape(3, 2).shape == (3, 2) and d.ravel().shape == (6,)
    assert [row.shape for row in d] == [(3,), (3,)]
    assert d[..., None].partials.shape == (2, 3, 1, 1)
    assert d[:, None].shape == (2, 1, 3)
    assert (d > 2).tolist() == [[False, False, False], [True, True, True]]
    assert "sin" in mc.autodiff.supported()
