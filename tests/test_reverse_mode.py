"""Tests of reverse-mode automatic differentiation (mvcalc.autodiff: grad, value_and_grad, vjp,
reverse-mode jacobian, hessian, and their nesting).

Oracles, none of them the code under test:

- SymPy's exact derivatives of random expression trees built twice, as NumPy code and as SymPy
  expressions (vector intermediates, sums, max, where, indexing among the operations);
- forward mode (dual numbers), a separate implementation of the chain rule, on the same trees;
- central differences written in this file;
- the course's hand-written backpropagation, ``Network.jacobians``;
- closed forms worked out by hand (ties in max, zero factors in prod, long loops).
"""

from __future__ import annotations

import itertools
import math
import re
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import mvcalc as mc

# --------------------------------------------------------------------------------------------
# Central differences, written here (independent of mvcalc.calculus)
# --------------------------------------------------------------------------------------------


def central_gradient(phi: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    """∂φ/∂x by central differences with steps ε^(1/3)·max(1, |xᵢ|), shaped like x."""
    x = np.array(x, dtype=float)
    g = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        h = 6e-6 * max(1.0, abs(x[idx]))
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        g[idx] = (phi(up) - phi(down)) / (up[idx] - down[idx])
    return g


def central_jacobian(f: Callable[[np.ndarray], Any], x: np.ndarray) -> np.ndarray:
    """∂f/∂x by central differences, shaped f(x).shape + x.shape (as mc.jacobian)."""
    x = np.array(x, dtype=float)
    columns = []
    for idx in np.ndindex(x.shape):
        h = 6e-6 * max(1.0, abs(x[idx]))
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        columns.append((np.asarray(f(up)) - np.asarray(f(down))) / (up[idx] - down[idx]))
    value_shape = np.shape(f(x))
    return np.moveaxis(np.array(columns), 0, -1).reshape(*value_shape, *x.shape)


def tree_central_gradient(phi: Callable[[Any], float], params: Any) -> Any:
    """∂φ/∂(each array of a dict or tuple of arrays), by central differences."""
    keys = list(params) if isinstance(params, dict) else list(range(len(params)))

    def with_leaf(key: Any, leaf: np.ndarray) -> Any:
        if isinstance(params, dict):
            return {**params, key: leaf}
        return type(params)(leaf if k == key else params[k] for k in keys)

    grads = {
        k: central_gradient(lambda leaf, k=k: phi(with_leaf(k, leaf)), params[k]) for k in keys
    }
    return grads if isinstance(params, dict) else type(params)(grads[k] for k in keys)


def assert_close(got: Any, want: Any, rtol: float, scale_atol: float = 0.0) -> None:
    """Elementwise relative agreement, with an absolute floor of ``scale_atol · max|want|`` for
    entries that cancel to (near) zero."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape
    atol = scale_atol * max(1.0, float(np.max(np.abs(want), initial=0.0)))
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


# --------------------------------------------------------------------------------------------
# 1. Random expression trees R³ → R or R³, built as NumPy code and as SymPy expressions
# --------------------------------------------------------------------------------------------
#
# A node computes a scalar or a 3-vector. Its SymPy side is an expression or a tuple of three.
# Its kinks are functions of the point whose zeros are places where the node is not
# differentiable (a tie in max, the threshold of where, |0|): examples too close to one are
# skipped, since there neither differences nor SymPy nor AD promise anything.

XS = sp.symbols("x0:3", real=True)
W3 = np.array([1.0, -0.5, 2.0])  # turns a scalar into a vector: s · W3
W3_SYM = (sp.Integer(1), sp.Rational(-1, 2), sp.Integer(2))
M3 = np.array([[1.0, 0.5, -1.0], [0.0, 2.0, 0.25], [-0.5, 1.0, 1.0]])
M3_SYM = sp.Matrix(
    [[1, sp.Rational(1, 2), -1], [0, 2, sp.Rational(1, 4)], [sp.Rational(-1, 2), 1, 1]]
)
MASK = np.array([True, False, True])
THRESHOLD = 0.25  # where(u > 1/4, …)


class Node(NamedTuple):
    f: Callable[[Any], Any]  # v ↦ a scalar or a (3,) array
    e: Any  # sympy.Expr, or a tuple of three
    kinks: tuple[Callable[[Any], Any], ...]


def _is_vec(e: Any) -> bool:
    return isinstance(e, tuple)


def _vec(node: Node) -> Node:
    """The node as a vector: a scalar s becomes s · W3."""
    if _is_vec(node.e):
        return node
    f = node.f
    return Node(lambda v: f(v) * W3, tuple(node.e * w for w in W3_SYM), node.kinks)


def _zip(op: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
    """op applied elementwise with broadcasting, on SymPy scalars or triples."""
    if _is_vec(a) or _is_vec(b):
        aa = a if _is_vec(a) else (a,) * 3
        bb = b if _is_vec(b) else (b,) * 3
        return tuple(op(p, q) for p, q in zip(aa, bb, strict=True))
    return op(a, b)


def _map(op: Callable[[Any], Any], a: Any) -> Any:
    return tuple(op(p) for p in a) if _is_vec(a) else op(a)


def _max_kinks(node: Node) -> tuple[Callable[[Any], Any], ...]:
    e, f = node.e, node.f
    pairs = [(i, j) for i in range(3) for j in range(i + 1, 3) if e[i] != e[j]]
    if not pairs:
        return ()
    return (lambda v: np.array([f(v)[i] - f(v)[j] for i, j in pairs]),)


LEAVES = st.sampled_from(
    [
        Node(lambda v: v, XS, ()),
        Node(lambda v: v[0], XS[0], ()),
        Node(lambda v: v[1], XS[1], ()),
        Node(lambda v: v[2], XS[2], ()),
        Node(lambda v: 0.5, sp.Rational(1, 2), ()),
        Node(
            lambda v: np.array([0.5, -1.0, 2.0]),
            (sp.Rational(1, 2), sp.Integer(-1), sp.Integer(2)),
            (),
        ),
    ]
)

# elementwise functions with bounded derivatives on all of R (no poles, no domain edges), so
# every example is a fair one; abs and clip have kinks, recorded
UNARY: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "exp": (np.exp, sp.exp),
    "sin": (np.sin, sp.sin),
    "cos": (np.cos, sp.cos),
    "tanh": (np.tanh, sp.tanh),
    "arctan": (np.arctan, sp.atan),
    "arcsinh": (np.arcsinh, sp.asinh),
    "square": (np.square, lambda e: e**2),
    "cube": (lambda u: u**3, lambda e: e**3),
    "negative": (np.negative, lambda e: -e),
    "expm1": (np.expm1, lambda e: sp.exp(e) - 1),
    "log(1+u²)": (lambda u: np.log(1 + u * u), lambda e: sp.log(1 + e**2)),
    "log1p(u²)": (lambda u: np.log1p(u * u), lambda e: sp.log(1 + e**2)),
    "sqrt(1+u²)": (lambda u: np.sqrt(1 + u * u), lambda e: sp.sqrt(1 + e**2)),
    "1/(1+u²)": (lambda u: np.reciprocal(1 + u * u), lambda e: 1 / (1 + e**2)),
    "sigmoid": (lambda u: 1 / (1 + np.exp(-u)), lambda e: 1 / (1 + sp.exp(-e))),
    "hypot(u, 1)": (lambda u: np.hypot(u, 1.0), lambda e: sp.sqrt(e**2 + 1)),
    "logaddexp(u, 0)": (lambda u: np.logaddexp(u, 0.0), lambda e: sp.log(sp.exp(e) + 1)),
    "abs": (np.abs, sp.Abs),
    "clip": (
        lambda u: np.clip(u, -0.8, 0.8),
        lambda e: sp.Max(sp.Rational(-4, 5), sp.Min(e, sp.Rational(4, 5))),
    ),
}

BINARY: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any, Any], Any]]] = {
    "+": (lambda a, b: a + b, lambda a, b: a + b),
    "-": (lambda a, b: a - b, lambda a, b: a - b),
    "*": (lambda a, b: a * b, lambda a, b: a * b),
    "/": (lambda a, b: a / (1 + b * b), lambda a, b: a / (1 + b**2)),
    "maximum": (np.maximum, sp.Max),
    "minimum": (np.minimum, sp.Min),
    "arctan2": (
        lambda a, b: np.arctan2(a, 1.5 + b * b),
        lambda a, b: sp.atan2(a, sp.Rational(3, 2) + b**2),
    ),
    "power": (
        lambda a, b: np.power(1 + a * a, np.tanh(b)),
        lambda a, b: (1 + a**2) ** sp.tanh(b),
    ),
}

# vector → scalar
REDUCE: dict[str, tuple[Callable[[Any], Any], Callable[[tuple[Any, ...]], Any]]] = {
    "sum": (np.sum, lambda u: sp.Add(*u)),
    "mean": (np.mean, lambda u: sp.Add(*u) / 3),
    "max": (np.max, lambda u: sp.Max(*u)),
    "min": (lambda u: u.min(), lambda u: sp.Min(*u)),
    "index 1": (lambda u: u[1], lambda u: u[1]),
    "index -1": (lambda u: u[-1], lambda u: u[2]),
    "mask sum": (lambda u: np.sum(u[MASK]), lambda u: u[0] + u[2]),
    "var": (np.var, lambda u: sum((p - sp.Add(*u) / 3) ** 2 for p in u) / 3),
    "norm": (np.linalg.norm, lambda u: sp.sqrt(sum(p**2 for p in u))),
}

# vector → vector
RESHAPE: dict[str, tuple[Callable[[Any], Any], Callable[[tuple[Any, ...]], Any]]] = {
    "fancy [2, 0, 0]": (lambda u: u[np.array([2, 0, 0])], lambda u: (u[2], u[0], u[0])),
    "reverse": (lambda u: u[::-1], lambda u: u[::-1]),
    "cumsum": (np.cumsum, lambda u: (u[0], u[0] + u[1], u[0] + u[1] + u[2])),
    "M @ u": (lambda u: M3 @ u, lambda u: tuple(M3_SYM * sp.Matrix(u))),
    "u @ M": (lambda u: u @ M3, lambda u: tuple(sp.Matrix(u).T * M3_SYM)),
    "reshape/T": (lambda u: np.reshape(u, (3, 1)).T[0], lambda u: u),
    "outer row sums": (
        lambda u: np.sum(np.outer(u, W3), axis=1),
        lambda u: tuple(p * sp.Add(*W3_SYM) for p in u),
    ),
}

# two vectors → a vector or a scalar
COMBINE: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any, Any], Any]]] = {
    "dot": (np.dot, lambda a, b: sum(p * q for p, q in zip(a, b, strict=True))),
    "stack": (
        lambda a, b: np.stack([a[0], b[1], a[2] * b[2]]),
        lambda a, b: (a[0], b[1], a[2] * b[2]),
    ),
    "concatenate": (lambda a, b: np.concatenate([a[:2], b[2:]]), lambda a, b: (*a[:2], b[2])),
    "hstack/vstack": (
        lambda a, b: np.vstack([a, b]).sum(axis=0) + np.hstack([a[:1], b[1:]]),
        lambda a, b: (2 * a[0] + b[0], a[1] + 2 * b[1], a[2] + 2 * b[2]),
    ),
}


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    def unary(t: tuple[str, Node]) -> Node:
        name, c = t
        np_f, sp_f = UNARY[name]
        f, kinks = c.f, c.kinks
        if name == "abs":
            kinks = (*kinks, lambda v: np.ravel(f(v)))
        if name == "clip":
            kinks = (*kinks, lambda v: np.concatenate([np.ravel(f(v)) - 0.8, np.ravel(f(v)) + 0.8]))
        return Node(lambda v: np_f(f(v)), _map(sp_f, c.e), kinks)

    def binary(t: tuple[Node, str, Node]) -> Node:
        a, name, b = t
        np_f, sp_f = BINARY[name]
        fa, fb = a.f, b.f
        kinks = a.kinks + b.kinks
        if name in {"maximum", "minimum"}:  # ties between different expressions are kinks
            different = _zip(lambda p, q: p != q, a.e, b.e)
            mask = np.array(different if _is_vec(different) else (different,) * 3, dtype=bool)
            if mask.any():
                kinks = (*kinks, lambda v: np.broadcast_to(fa(v) - fb(v), (3,))[mask])
        return Node(lambda v: np_f(fa(v), fb(v)), _zip(sp_f, a.e, b.e), kinks)

    def reduce(t: tuple[str, Node]) -> Node:
        name, c = t
        c = _vec(c)
        np_f, sp_f = REDUCE[name]
        f, kinks = c.f, c.kinks
        if name in {"max", "min"}:
            kinks = kinks + _max_kinks(c)
        if name == "norm":
            kinks = (*kinks, lambda v: np.linalg.norm(f(v)))
        return Node(lambda v: np_f(f(v)), sp_f(c.e), kinks)

    def reshape(t: tuple[str, Node]) -> Node:
        name, c = t
        c = _vec(c)
        np_f, sp_f = RESHAPE[name]
        f = c.f
        return Node(lambda v: np_f(f(v)), sp_f(c.e), c.kinks)

    def combine(t: tuple[Node, str, Node]) -> Node:
        a, name, b = t
        a, b = _vec(a), _vec(b)
        np_f, sp_f = COMBINE[name]
        fa, fb = a.f, b.f
        return Node(lambda v: np_f(fa(v), fb(v)), sp_f(a.e, b.e), a.kinks + b.kinks)

    def where(t: tuple[Node, Node, Node]) -> Node:
        c, a, b = t
        fc, fa, fb = c.f, a.f, b.f
        quarter = sp.Rational(1, 4)
        if any(_is_vec(n.e) for n in (c, a, b)):
            cc, aa, bb = (n.e if _is_vec(n.e) else (n.e,) * 3 for n in (c, a, b))
            expr: Any = tuple(
                sp.Piecewise((p, k > quarter), (q, True))
                for k, p, q in zip(cc, aa, bb, strict=True)
            )
        else:
            expr = sp.Piecewise((a.e, c.e > quarter), (b.e, True))
        kinks = (*c.kinks, *a.kinks, *b.kinks, lambda v: np.ravel(fc(v)) - THRESHOLD)
        return Node(lambda v: np.where(fc(v) > THRESHOLD, fa(v), fb(v)), expr, kinks)

    return st.one_of(
        st.tuples(st.sampled_from(sorted(UNARY)), children).map(unary),
        st.tuples(children, st.sampled_from(sorted(BINARY)), children).map(binary),
        st.tuples(st.sampled_from(sorted(REDUCE)), children).map(reduce),
        st.tuples(st.sampled_from(sorted(RESHAPE)), children).map(reshape),
        st.tuples(children, st.sampled_from(sorted(COMBINE)), children).map(combine),
        st.tuples(children, children, children).map(where),
    )


TREES = st.recursive(LEAVES, _extend, max_leaves=10)
OFFSETS = np.array([0.0123, -0.0234, 0.0345])  # keeps hypothesis's favourite x0 = x1 = x2 away
POINTS = st.tuples(*[st.floats(-1.5, 1.5)] * 3).map(lambda t: np.array(t) + OFFSETS)


def sympy_value(expr: Any, point: np.ndarray) -> float:
    """expr at the point, to 20 digits; NaN where SymPy cannot give a real number."""
    try:
        z = complex(sp.sympify(expr).evalf(subs=dict(zip(XS, point, strict=True)), n=20))
    except (ZeroDivisionError, TypeError, ValueError):
        return math.nan
    return z.real if abs(z.imag) <= 1e-12 * max(1.0, abs(z.real)) else math.nan


def usable(point: np.ndarray, node: Node, numbers: list[float]) -> bool:
    """Far enough from every kink, and every oracle value a finite, moderate real number."""
    with np.errstate(all="ignore"):
        for kink in node.kinks:
            if np.any(np.abs(kink(point)) < 1e-5):
                return False
    return all(math.isfinite(w) and abs(w) < 1e10 for w in numbers)


def scalar_tree(node: Node) -> Node:
    """The tree as f: R³ → R (a vector is weighted and summed)."""
    if not _is_vec(node.e):
        return node
    f = node.f
    weights = (sp.Rational(3, 10), sp.Rational(-11, 10), sp.Rational(7, 10))
    return Node(
        lambda v: np.sum(f(v) * np.array([0.3, -1.1, 0.7])),
        sum(p * w for p, w in zip(node.e, weights, strict=True)),
        node.kinks,
    )


SECOND_ORDER_OPS = 60  # SymPy's second derivatives of larger trees cost seconds each
TREE_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


@TREE_SETTINGS
@given(TREES, POINTS)
def test_random_tree_gradient_matches_sympy_and_forward_mode(node, point):
    tree = scalar_tree(node)
    assume(sp.sympify(tree.e).free_symbols)
    want = [sympy_value(sp.diff(tree.e, s), point) for s in XS]
    assume(usable(point, tree, [*want, sympy_value(tree.e, point)]))
    with np.errstate(all="ignore"):
        value, got = mc.value_and_grad(tree.f)(point)
        forward = mc.jacobian(tree.f, mode="forward")(point)
    assert isinstance(value, float)
    assert value == pytest.approx(sympy_value(tree.e, point), rel=1e-12, abs=1e-12)
    assert got.shape == (3,)
    assert_close(got, want, rtol=1e-9, scale_atol=1e-10)
    assert_close(got, forward, rtol=1e-9, scale_atol=1e-12)


@TREE_SETTINGS
@given(TREES, POINTS)
def test_random_tree_jacobian_matches_sympy_and_forward_mode(node, point):
    tree = _vec(node)
    assume(any(sp.sympify(c).free_symbols for c in tree.e))
    want = [[sympy_value(sp.diff(component, s), point) for s in XS] for component in tree.e]
    assume(usable(point, tree, [w for row in want for w in row]))
    with np.errstate(all="ignore"):
        got = mc.jacobian(tree.f, mode="reverse")(point)
        forward = mc.jacobian(tree.f, mode="forward")(point)
    assert got.shape == (3, 3)
    assert_close(got, want, rtol=1e-9, scale_atol=1e-10)
    assert_close(got, forward, rtol=1e-9, scale_atol=1e-12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(TREES, POINTS)
def test_random_tree_hessian_matches_sympy_and_forward_over_forward(node, point):
    tree = scalar_tree(node)
    assume(sp.count_ops(tree.e) <= SECOND_ORDER_OPS)
    want = [[sympy_value(sp.diff(tree.e, a, b), point) for b in XS] for a in XS]
    assume(usable(point, tree, [w for row in want for w in row]))
    with np.errstate(all="ignore"):
        got = mc.hessian(tree.f)(point)
        fwd_fwd = mc.jacobian(mc.jacobian(tree.f, mode="forward"), mode="forward")(point)
    assert got.shape == (3, 3)
    assert_close(got, want, rtol=1e-8, scale_atol=1e-9)
    assert_close(got, fwd_fwd, rtol=1e-12, scale_atol=1e-12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(TREES, st.floats(-1.2, 1.2))
def test_random_tree_second_derivative_by_reverse_over_reverse(node, t0):
    """g(t) = F(t, 0.7 − t, t²) for a random tree F; grad(grad(g)) against SymPy's g'', by the
    chain rule: g'' = v'ᵀ ∇²F v' + ∇F · v'' with v' = (1, −1, 2t), v'' = (0, 0, 2)."""
    tree = scalar_tree(node)
    assume(sp.count_ops(tree.e) <= SECOND_ORDER_OPS)
    f = tree.f

    def g(s):
        return f(np.stack([s, 0.7 - s, s * s]))

    point = np.array([t0, 0.7 - t0, t0 * t0])
    gradient = [sympy_value(sp.diff(tree.e, s), point) for s in XS]
    H = [[sympy_value(sp.diff(tree.e, a, b), point) for b in XS] for a in XS]
    assume(usable(point, tree, [*gradient, *(h for row in H for h in row)]))
    dv = np.array([1.0, -1.0, 2 * t0])
    want = dv @ np.array(H) @ dv + 2 * gradient[2]
    with np.errstate(all="ignore"):
        got = mc.grad(mc.grad(g))(t0)
    assert isinstance(got, float)
    scale = np.abs(dv) @ np.abs(np.array(H)) @ np.abs(dv) + 2 * abs(gradient[2])
    assert got == pytest.approx(want, rel=1e-8, abs=1e-9 * max(1.0, scale))


# --------------------------------------------------------------------------------------------
# 2. A multilayer perceptron with a numerically stable softmax cross-entropy
# --------------------------------------------------------------------------------------------


def mlp_params(sizes: list[int], seed: int, scale: float = 1.0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    params = {}
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{i}"] = rng.normal(0.0, scale / math.sqrt(n_in), (n_in, n_out))
        params[f"b{i}"] = rng.normal(0.0, 0.1, (n_out,))
    return params


def mlp_loss(params: Any, X: np.ndarray, labels: np.ndarray) -> Any:
    """Mean softmax cross-entropy of a tanh MLP; logits are shifted by their row maximum and the
    normaliser is computed as a log-sum-exp, so large logits neither overflow nor lose the loss."""
    p = (
        params
        if isinstance(params, dict)
        else dict(zip(("W1", "b1", "W2", "b2", "W3", "b3"), params, strict=True))
    )
    h = np.tanh(X @ p["W1"] + p["b1"])
    h = np.tanh(h @ p["W2"] + p["b2"])
    z = h @ p["W3"] + p["b3"]
    shifted = z - np.max(z, axis=1, keepdims=True)
    log_norm = np.log(np.sum(np.exp(shifted), axis=1))
    picked = shifted[np.arange(len(labels)), labels]  # fancy indexing: one logit per row
    decay = 1e-3 * sum(np.sum(p[k] ** 2) for k in ("W1", "W2", "W3"))
    return np.mean(log_norm - picked) + decay


def mlp_data(seed: int, n: int = 32) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4)), rng.integers(0, 3, size=n)


@pytest.mark.parametrize(("structure", "scale"), [("dict", 1.0), ("tuple", 1.0), ("dict", 3.0)])
def test_mlp_gradient_matches_central_differences(structure, scale):
    params = mlp_params([4, 16, 16, 3], seed=7, scale=scale)
    if structure == "tuple":
        params = tuple(params.values())
    X, labels = mlp_data(seed=8)
    value, g = mc.value_and_grad(mlp_loss)(params, X, labels)
    assert isinstance(value, float) and math.isfinite(value)
    assert value == pytest.approx(float(mlp_loss(params, X, labels)), rel=1e-14)
    assert type(g) is type(params)
    want = tree_central_gradient(lambda p: float(mlp_loss(p, X, labels)), params)
    keys = list(params) if isinstance(params, dict) else range(len(params))
    for k in keys:
        assert g[k].shape == params[k].shape
        assert_close(g[k], want[k], rtol=1e-6, scale_atol=1e-8)


def test_mlp_loss_with_huge_logits_stays_finite():
    """Logits of ±1000: exp would overflow without the max shift; the gradient of the loss is
    then that of a hard max, softmax(z) − onehot, which is exact to rounding."""
    X, labels = mlp_data(seed=3, n=5)
    params = mlp_params([4, 16, 16, 3], seed=4, scale=1.0)
    params["W3"] = params["W3"] * 0.0
    params["b3"] = np.array([1000.0, -1000.0, 0.0])
    g = mc.grad(mlp_loss)(params, X, labels)
    onehot = np.eye(3)[labels]
    softmax = np.array([1.0, 0.0, 0.0])  # exp(−1000) and exp(−2000) underflow to 0
    np.testing.assert_allclose(g["b3"], np.mean(softmax - onehot, axis=0), rtol=1e-12, atol=0)
    assert all(np.all(np.isfinite(v)) for v in g.values())


# --------------------------------------------------------------------------------------------
# 3. The course's network: Network.jacobians (hand-written backprop) == mc.grad of the cost
# --------------------------------------------------------------------------------------------

ACTIVATIONS = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh}


def network_cost(
    params: dict[str, list[Any]], x: np.ndarray, y: np.ndarray, activation: str = "sigmoid"
) -> Any:
    """C = Σ‖a(L) − y‖² / N with a(l) = σ(W(l) a(l−1) + b(l)), written with NumPy."""
    sigma = ACTIVATIONS[activation]
    a = x
    for W, b in zip(params["W"], params["b"], strict=True):
        a = sigma(W @ a + b)
    return np.sum((a - y) ** 2) / x.shape[1]


def assert_backprop_matches_autodiff(net: Any, x: np.ndarray, y: np.ndarray) -> None:
    dW, db = net.jacobians(x, y)
    params = {"W": list(net.weights), "b": list(net.biases)}
    value, g = mc.value_and_grad(network_cost)(params, x, y, net.activation)
    assert value == pytest.approx(net.cost(x, y), rel=1e-12)
    assert isinstance(g["W"], list) and len(g["W"]) == len(dW)
    scale = max(float(np.max(np.abs(d))) for d in [*dW, *db])
    for got, want in zip(g["W"] + g["b"], dW + db, strict=True):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * scale)


def test_course_network_backprop_equals_reverse_mode():
    x, y = mc.datasets.heart_curve()
    net = mc.Network([1, 6, 7, 2], seed=0)
    assert net.activation == "sigmoid"
    assert [w.shape for w in net.weights] == [(6, 1), (7, 6), (2, 7)]
    assert [b.shape for b in net.biases] == [(6, 1), (7, 1), (2, 1)]
    assert_backprop_matches_autodiff(net, x, y)


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=5),
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 12),
    activation=st.sampled_from(sorted(ACTIVATIONS)),
)
def test_random_network_backprop_equals_reverse_mode(sizes, seed, n, activation):
    rng = np.random.default_rng(seed)
    net = mc.Network(sizes, activation=activation, seed=rng)
    x = rng.uniform(-2, 2, size=(sizes[0], n))
    y = rng.uniform(0, 1, size=(sizes[-1], n))
    assert_backprop_matches_autodiff(net, x, y)


# --------------------------------------------------------------------------------------------
# 4. Every covered operation, against central differences (off kinks)
# --------------------------------------------------------------------------------------------
#
# Each case is f(*arrays) with the shapes and ranges of its traced arguments. The test draws
# the arrays and a random cotangent w shaped like f's value, and compares the reverse-mode
# pullback of w (wᵀJ, for each argument) with central differences of Σ w·f.


class Case(NamedTuple):
    f: Callable[..., Any]
    specs: tuple[tuple[tuple[int, ...], float, float], ...]  # (shape, low, high) per argument


def case(f: Callable[..., Any], *shapes: Any, lo: float = -1.0, hi: float = 1.0) -> Case:
    """f's traced arguments have these shapes (a bare shape, or (shape, low, high))."""
    specs = tuple(s if len(s) == 3 and isinstance(s[0], tuple) else (s, lo, hi) for s in shapes)
    return Case(f, specs)


_CONSTANTS = np.random.default_rng(2024)
BINARY_UFUNCS = {  # ufunc, range of a, range of b
    "add": (np.add, -1.0, 1.0, -1.0, 1.0),
    "subtract": (np.subtract, -1.0, 1.0, -1.0, 1.0),
    "multiply": (np.multiply, -1.0, 1.0, -1.0, 1.0),
    "true_divide": (np.true_divide, -1.0, 1.0, 0.5, 2.0),
    "power": (np.power, 0.5, 2.0, -1.5, 1.5),
    "float_power": (np.float_power, 0.5, 2.0, -1.5, 1.5),
    "maximum": (np.maximum, -1.0, 1.0, -1.0, 1.0),
    "minimum": (np.minimum, -1.0, 1.0, -1.0, 1.0),
    "fmax": (np.fmax, -1.0, 1.0, -1.0, 1.0),
    "fmin": (np.fmin, -1.0, 1.0, -1.0, 1.0),
    "arctan2": (np.arctan2, -1.0, 1.0, 0.3, 1.5),
    "hypot": (np.hypot, 0.3, 1.5, -1.5, -0.3),
    "logaddexp": (np.logaddexp, -1.0, 1.0, -1.0, 1.0),
}
BROADCASTS = {  # both traced: broadcasting in each direction, and in both at once
    "(2,3)·(3,)": ((2, 3), (3,)),
    "(3,)·(2,3)": ((3,), (2, 3)),
    "(2,1)·(1,3)": ((2, 1), (1, 3)),
    "(4,1,3)·(2,1)": ((4, 1, 3), (2, 1)),
    "()·(2,3)": ((), (2, 3)),
    "(2,3)·()": ((2, 3), ()),
    "(3,)·(3,)": ((3,), (3,)),
}
CASES: dict[str, Case] = {}
for _name, (_u, _alo, _ahi, _blo, _bhi) in BINARY_UFUNCS.items():
    for _label, (_sa, _sb) in BROADCASTS.items():
        CASES[f"{_name} {_label}"] = case(_u, (_sa, _alo, _ahi), (_sb, _blo, _bhi))
    _ca = _CONSTANTS.uniform(_alo, _ahi, (2, 3))
    _cb = _CONSTANTS.uniform(_blo, _bhi, (2, 3))
    CASES[f"{_name} const(2,3)·traced(3,)"] = case(
        lambda b, u=_u, c=_ca: u(c, b), ((3,), _blo, _bhi)
    )
    CASES[f"{_name} traced(2,1)·const(2,3)"] = case(
        lambda a, u=_u, c=_cb: u(a, c), ((2, 1), _alo, _ahi)
    )

C23 = np.array([[0.3, -1.2, 0.7], [1.1, 0.4, -0.6]])
CASES.update(
    {
        "operator a + b": case(lambda a, b: a + b, (2, 3), (3,)),
        "operator a - b": case(lambda a, b: a - b, (2, 3), (3,)),
        "operator a * b": case(lambda a, b: a * b, (2, 3), (2, 1)),
        "operator a / b": case(lambda a, b: a / b, (2, 3), ((3,), 0.5, 2.0)),
        "operator a ** b": case(lambda a, b: a**b, ((2, 3), 0.5, 2.0), (3,)),
        "operator a ** 3": case(lambda a: a**3, (2, 3)),
        "operator 2 ** a": case(lambda a: 2.0**a, (2, 3)),
        "operator 1.5 - a": case(lambda a: 1.5 - a, (2, 3)),
        "operator 2 / a": case(lambda a: 2.0 / a, ((2, 3), 0.5, 2.0)),
        "operator -a, +a": case(lambda a: -a + (+a) * 3, (2, 3)),
        "operator const - a": case(lambda a: C23 - a, (3,)),
        "operator const * a": case(lambda a: C23 * a, (2, 1)),
        "operator const / a": case(lambda a: C23 / a, ((3,), 0.5, 2.0)),
        "builtin abs": case(lambda a: abs(a), (2, 3)),
        "builtin sum over axis 0": case(lambda a: sum(a), (4, 3)),
        "builtin max of 0-d": case(lambda a: max(a[0], a[1]) * a[2], (3,)),
    }
)

UNARY_UFUNCS = {
    "sin": (np.sin, -2.0, 2.0),
    "cos": (np.cos, -2.0, 2.0),
    "tan": (np.tan, -1.2, 1.2),
    "arcsin": (np.arcsin, -0.9, 0.9),
    "arccos": (np.arccos, -0.9, 0.9),
    "arctan": (np.arctan, -2.0, 2.0),
    "sinh": (np.sinh, -2.0, 2.0),
    "cosh": (np.cosh, -2.0, 2.0),
    "tanh": (np.tanh, -2.0, 2.0),
    "arcsinh": (np.arcsinh, -2.0, 2.0),
    "arccosh": (np.arccosh, 1.2, 3.0),
    "arctanh": (np.arctanh, -0.9, 0.9),
    "exp": (np.exp, -2.0, 2.0),
    "log": (np.log, 0.2, 3.0),
    "absolute": (np.absolute, -1.0, 1.0),
    "abs": (np.abs, -1.0, 1.0),
    "fabs": (np.fabs, -1.0, 1.0),
    "sqrt": (np.sqrt, 0.2, 3.0),
    "cbrt positive": (np.cbrt, 0.2, 2.0),
    "cbrt negative": (np.cbrt, -2.0, -0.2),
    "negative": (np.negative, -1.0, 1.0),
    "positive": (np.positive, -1.0, 1.0),
    "square": (np.square, -2.0, 2.0),
    "reciprocal": (np.reciprocal, 0.5, 2.0),
    "expm1": (np.expm1, -2.0, 2.0),
    "exp2": (np.exp2, -2.0, 2.0),
    "log1p": (np.log1p, -0.5, 2.0),
    "log2": (np.log2, 0.2, 3.0),
    "log10": (np.log10, 0.2, 3.0),
    "deg2rad": (np.deg2rad, -90.0, 90.0),
    "rad2deg": (np.rad2deg, -2.0, 2.0),
}
for _name, (_u, _lo, _hi) in UNARY_UFUNCS.items():
    CASES[f"unary {_name}"] = case(_u, ((2, 3), _lo, _hi))
# piecewise-constant functions: zero derivative, so d/da [step(a) · a] = step(a)
for _u in (np.sign, np.floor, np.ceil, np.rint, np.trunc):
    CASES[f"step {_u.__name__}(a) · a"] = case(lambda a, u=_u: u(a) * a, ((2, 3), -2.3, 2.3))

C34 = _CONSTANTS.normal(size=(3, 4))
CASES.update(
    {
        "matmul (2,3)@(3,4)": case(np.matmul, (2, 3), (3, 4)),
        "matmul (3,)@(3,4)": case(np.matmul, (3,), (3, 4)),
        "matmul (2,3)@(3,)": case(np.matmul, (2, 3), (3,)),
        "matmul (3,)@(3,)": case(np.matmul, (3,), (3,)),
        "matmul (5,2,3)@(3,4)": case(np.matmul, (5, 2, 3), (3, 4)),
        "matmul (5,2,3)@(5,3,4)": case(np.matmul, (5, 2, 3), (5, 3, 4)),
        "matmul (1,2,3)@(4,3,2)": case(np.matmul, (1, 2, 3), (4, 3, 2)),
        "matmul (2,3)@(4,3,2)": case(np.matmul, (2, 3), (4, 3, 2)),
        "operator @": case(lambda a, b: a @ b, (2, 3), (3, 4)),
        "operator const @ a": case(lambda a: C23 @ a, (3, 2)),
        "operator a @ const": case(lambda a: a @ C34, (2, 3)),
        "operator a @ const vector": case(lambda a: a @ C34[:, 0], (2, 3)),
        "dot 2-D 2-D": case(np.dot, (2, 3), (3, 4)),
        "dot 1-D 1-D": case(np.dot, (3,), (3,)),
        "dot 2-D 1-D": case(np.dot, (2, 3), (3,)),
        "dot 1-D 2-D": case(np.dot, (3,), (3, 4)),
        "dot 0-d 2-D": case(np.dot, (), (2, 3)),
        "dot method": case(lambda a, b: a.dot(b), (2, 3), (3,)),
        "inner 1-D": case(np.inner, (3,), (3,)),
        "inner 2-D": case(np.inner, (2, 3), (4, 3)),  # (2, 4): every row with every row
        "inner 2-D same shape": case(np.inner, (2, 3), (2, 3)),  # (2, 2), not the (2,) diagonal
        "inner 2-D 1-D": case(np.inner, (2, 3), (3,)),
        "outer": case(np.outer, (3,), (4,)),
        "outer flattens": case(np.outer, (2, 2), (3,)),
        "outer with a constant": case(lambda a: np.outer(C23[0], a), (4,)),
    }
)

R = (2, 3, 4)
CASES.update(
    {
        "sum": case(np.sum, R),
        "sum axis 0": case(lambda a: np.sum(a, axis=0), R),
        "sum axis 1 keepdims": case(lambda a: np.sum(a, axis=1, keepdims=True), R),
        "sum axis -1": case(lambda a: np.sum(a, axis=-1), R),
        "sum axis (0, 2)": case(lambda a: np.sum(a, axis=(0, 2)), R),
        "sum axis (0, 2) keepdims": case(lambda a: np.sum(a, axis=(0, 2), keepdims=True), R),
        "sum method": case(lambda a: a.sum(axis=1), R),
        "add.reduce": case(lambda a: np.add.reduce(a, axis=1), R),
        "mean": case(np.mean, R),
        "mean axis 1": case(lambda a: np.mean(a, axis=1), R),
        "mean axis (0, 2) keepdims": case(lambda a: np.mean(a, axis=(0, 2), keepdims=True), R),
        "mean method": case(lambda a: a.mean(axis=-1), R),
        "max": case(np.max, R),
        "max axis 0": case(lambda a: np.max(a, axis=0), R),
        "max axis -1 keepdims": case(lambda a: np.max(a, axis=-1, keepdims=True), R),
        "max axis (0, 1)": case(lambda a: np.max(a, axis=(0, 1)), R),
        "max method": case(lambda a: a.max(axis=1), R),
        "amax": case(lambda a: np.amax(a, axis=2), R),
        "maximum.reduce": case(lambda a: np.maximum.reduce(a, axis=0), R),
        "min": case(np.min, R),
        "min axis 1 keepdims": case(lambda a: np.min(a, axis=1, keepdims=True), R),
        "min method": case(lambda a: a.min(axis=0), R),
        "amin": case(lambda a: np.amin(a, axis=-1), R),
        "minimum.reduce": case(lambda a: np.minimum.reduce(a, axis=2), R),
        "prod": case(np.prod, (R, 0.5, 1.5)),
        "prod axis 0": case(lambda a: np.prod(a, axis=0), (R, 0.5, 1.5)),
        "prod axis 2 keepdims": case(lambda a: np.prod(a, axis=2, keepdims=True), (R, -1.5, 1.5)),
        "prod odd length": case(lambda a: np.prod(a, axis=1), ((4, 7), -1.5, 1.5)),
        "prod method": case(lambda a: a.prod(axis=1), R),
        "multiply.reduce": case(lambda a: np.multiply.reduce(a, axis=1), R),
        "cumsum": case(np.cumsum, (3, 4)),
        "cumsum axis 0": case(lambda a: np.cumsum(a, axis=0), (3, 4)),
        "cumsum axis 1": case(lambda a: np.cumsum(a, axis=1), (3, 4)),
        "cumsum method": case(lambda a: a.cumsum(axis=-1), (3, 4)),
        "var": case(np.var, (3, 4)),
        "var axis 0": case(lambda a: np.var(a, axis=0), (3, 4)),
        "var axis 1 ddof 1 keepdims": case(
            lambda a: np.var(a, axis=1, ddof=1, keepdims=True), (3, 4)
        ),
        "var method": case(lambda a: a.var(axis=1), (3, 4)),
        "std": case(np.std, (3, 4)),
        "std axis 1": case(lambda a: np.std(a, axis=1), (3, 4)),
        "std axis 0 ddof 1": case(lambda a: np.std(a, axis=0, ddof=1), (3, 4)),
        "std method": case(lambda a: a.std(), (3, 4)),
        "norm vector": case(np.linalg.norm, (5,)),
        "norm vector ord 2": case(lambda a: np.linalg.norm(a, ord=2), (5,)),
        "norm Frobenius": case(np.linalg.norm, (3, 4)),
        "norm fro": case(lambda a: np.linalg.norm(a, "fro"), (3, 4)),
        "norm axis 1": case(lambda a: np.linalg.norm(a, axis=1), (3, 4)),
        "norm axis 0 keepdims": case(lambda a: np.linalg.norm(a, axis=0, keepdims=True), (3, 4)),
        "trace": case(np.trace, (3, 4)),
        "trace tall": case(np.trace, (4, 3)),
    }
)

CASES.update(
    {
        "reshape": case(lambda a: np.reshape(a, (6, 4)), R),
        "reshape -1": case(lambda a: np.reshape(a, -1), R),
        "reshape method args": case(lambda a: a.reshape(4, 6), R),
        "reshape method tuple": case(lambda a: a.reshape((3, -1)), R),
        "ravel": case(np.ravel, R),
        "ravel method": case(lambda a: a.ravel(), R),
        "flatten": case(lambda a: a.flatten(), R),
        "transpose": case(np.transpose, R),
        "transpose axes": case(lambda a: np.transpose(a, (2, 0, 1)), R),
        "transpose method": case(lambda a: a.transpose(1, 0, 2), R),
        ".T": case(lambda a: a.T, (2, 3)),
        "moveaxis": case(lambda a: np.moveaxis(a, 0, -1), R),
        "swapaxes": case(lambda a: np.swapaxes(a, 0, 2), R),
        "expand_dims": case(lambda a: np.expand_dims(a, 1), (2, 3)),
        "expand_dims tuple": case(lambda a: np.expand_dims(a, (0, 3)), (2, 3)),
        "squeeze": case(np.squeeze, (2, 1, 3, 1)),
        "squeeze axis": case(lambda a: np.squeeze(a, axis=1), (2, 1, 3)),
        "broadcast_to (3,)→(4,3)": case(lambda a: np.broadcast_to(a, (4, 3)), (3,)),
        "broadcast_to (2,1)→(2,5)": case(lambda a: np.broadcast_to(a, (2, 5)), (2, 1)),
        "copy": case(lambda a: np.copy(a) * a, (2, 3)),
        "copy method": case(lambda a: a.copy() * a, (2, 3)),
        "atleast_1d": case(np.atleast_1d, ()),
        "index int": case(lambda a: a[1], (4, 5)),
        "index pair": case(lambda a: a[-1, 2], (4, 5)),
        "slice strided": case(lambda a: a[:, ::2], (4, 5)),
        "slice reversed, newaxis": case(lambda a: a[1:3, None, ::-1], (4, 5)),
        "ellipsis": case(lambda a: a[..., 2], (2, 4, 5)),
        "fancy repeated": case(lambda a: a[[0, 0, 3]], (4, 5)),
        "fancy array repeated": case(lambda a: a[np.array([2, 2, 0, 2])], (4,)),
        "fancy pairs repeated": case(lambda a: a[[0, 1, 1, 1], [4, 4, 2, 4]], (4, 5)),
        "fancy columns repeated": case(lambda a: a[:, [1, 1, 0]], (4, 5)),
        "fancy 2-D index": case(lambda a: a[np.array([[0, 1], [1, 1]])], (4, 5)),
        "boolean mask 2-D": case(lambda a: a[C23 > 0], (2, 3)),
        "boolean mask from the values": case(lambda a: a[a > 0] ** 2, (4, 5)),
        "boolean mask of rows": case(lambda a: a[np.array([True, False, True, True])], (4, 5)),
        "boolean mask of columns": case(
            lambda a: a[:, np.array([True, False, True, False, True])], (4, 5)
        ),
        "concatenate axis 0": case(lambda a, b: np.concatenate([a, b]), (2, 3), (4, 3)),
        "concatenate axis 1": case(lambda a, b: np.concatenate([a, b], axis=1), (2, 3), (2, 2)),
        "concatenate axis -1": case(lambda a, b: np.concatenate((a, b), axis=-1), (2, 3), (2, 2)),
        "concatenate axis None": case(lambda a, b: np.concatenate([a, b], axis=None), (2, 3), (4,)),
        "concatenate with a constant": case(lambda a: np.concatenate([C23, a, C23]), (1, 3)),
        "stack axis 0": case(lambda a, b, c: np.stack([a, b, c]), (2, 3), (2, 3), (2, 3)),
        "stack axis 1": case(lambda a, b: np.stack([a, b], axis=1), (2, 3), (2, 3)),
        "stack axis -1": case(lambda a, b: np.stack([a, C23, b], axis=-1), (2, 3), (2, 3)),
        "vstack 1-D": case(lambda a, b: np.vstack([a, b]), (3,), (3,)),
        "vstack 2-D": case(lambda a, b: np.vstack([a, C23, b]), (2, 3), (1, 3)),
        "hstack 1-D": case(lambda a, b: np.hstack([a, b]), (3,), (2,)),
        "hstack 2-D": case(lambda a, b: np.hstack([a, b]), (2, 3), (2, 1)),
        "np.array of traced": case(lambda a: np.array([a[0] * a[1], a[2], np.sum(a)]), (3,)),
        "where": case(lambda a, b: np.where(C23 > 0, a, b), (2, 3), (2, 3)),
        "where broadcasting": case(lambda a, b: np.where(C23 > 0, a, b), (3,), (2, 1)),
        "where from the values": case(lambda a: np.where(a > 0, a**2, -a), (2, 3)),
        "where a constant branch": case(lambda b: np.where(C23 > 0, 1.0, b), (2, 3)),
        "clip": case(lambda a: np.clip(a, -0.5, 0.5), (3, 4)),
        "clip array bounds": case(lambda a: np.clip(a, C23 - 0.6, C23 + 0.6), (2, 3)),
        "clip no lower": case(lambda a: np.clip(a, None, 0.3), (3, 4)),
        "clip no upper": case(lambda a: np.clip(a, -0.3, None), (3, 4)),
        "clip method": case(lambda a: a.clip(-0.5, 0.5), (3, 4)),
    }
)


@pytest.mark.parametrize("name", sorted(CASES))
def test_operation_matches_central_differences(name):
    f, specs = CASES[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    args = tuple(np.asarray(rng.uniform(lo, hi, shape)) for shape, lo, hi in specs)
    value = np.asarray(f(*args), dtype=float)
    w = rng.normal(size=value.shape)
    out, pullback = mc.vjp(lambda t: f(*t), args)
    np.testing.assert_allclose(out, value, rtol=1e-14, atol=1e-14)
    got = pullback(w)
    assert isinstance(got, tuple) and len(got) == len(args)
    want = tree_central_gradient(lambda t: float(np.sum(w * np.asarray(f(*t)))), args)
    for g, expected, a in zip(got, want, args, strict=True):
        assert np.shape(g) == a.shape
        assert isinstance(g, float) if a.ndim == 0 else isinstance(g, np.ndarray)
        assert_close(g, expected, rtol=1e-6, scale_atol=1e-8)
    if len(args) == 1 and value.ndim == 0:  # a scalar of one argument: grad too
        assert_close(w * mc.grad(f)(args[0]), want[0], rtol=1e-6, scale_atol=1e-8)


# Exact rules where differences cannot look: ties, repeated indices, masks, zero factors


def test_max_and_min_share_the_derivative_equally_among_ties():
    assert mc.grad(np.max)(np.array([1.0, 3.0, 3.0, -2.0])).tolist() == [0.0, 0.5, 0.5, 0.0]
    assert mc.grad(np.min)(np.array([2.0, -1.0, 5.0, -1.0])).tolist() == [0.0, 0.5, 0.0, 0.5]
    assert mc.grad(np.amax)(np.full(4, 7.0)).tolist() == [0.25] * 4
    assert mc.grad(lambda v: v.max())(np.array([[2.0, 1.0], [2.0, 2.0]])).tolist() == [
        [1 / 3, 0.0],
        [1 / 3, 1 / 3],
    ]
    a = np.array([[1.0, 4.0, 4.0], [2.0, 2.0, 2.0], [5.0, 0.0, -1.0]])
    _, pullback = mc.vjp(lambda m: np.max(m, axis=1, keepdims=True), a)
    np.testing.assert_allclose(
        pullback(np.array([[6.0], [9.0], [3.0]])),
        [[0.0, 3.0, 3.0], [3.0, 3.0, 3.0], [3.0, 0.0, 0.0]],
        rtol=1e-15,
    )
    _, pullback = mc.vjp(lambda m: np.maximum.reduce(m, axis=0), a.T)
    np.testing.assert_allclose(
        pullback(np.array([6.0, 9.0, 3.0])).T,
        [[0.0, 3.0, 3.0], [3.0, 3.0, 3.0], [3.0, 0.0, 0.0]],
        rtol=1e-15,
    )


def test_a_tie_of_a_value_with_itself_has_derivative_one():
    """max(t, t) = t: however the tie is split, the parts add up to 1."""
    assert mc.grad(lambda t: np.max(np.stack([t, t])))(0.7) == 1.0
    assert mc.grad(lambda t: np.maximum(t, t) + np.minimum(t, t))(0.7) == 2.0
    assert mc.grad(lambda t: np.clip(t, t, t))(0.7) == 1.0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from([-1.0, 0.0, 2.0, 2.0, 3.0]), min_size=1, max_size=12),
    st.sampled_from([np.max, np.min, np.amax, np.amin]),
)
def test_max_gradient_is_a_fair_share_among_winners(values, reduce):
    x = np.array(values)
    g = mc.grad(reduce)(x)
    winners = x == reduce(x)
    assert g.shape == x.shape
    assert np.sum(g) == pytest.approx(1.0, rel=1e-15)
    np.testing.assert_array_equal(g[~winners], 0.0)
    np.testing.assert_allclose(g[winners], 1.0 / np.count_nonzero(winners), rtol=1e-15)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(st.just(n), st.lists(st.integers(-n, n - 1), min_size=1, max_size=15))
    ),
    st.integers(0, 2**32 - 1),
)
def test_repeated_fancy_indices_accumulate(n_index, seed):
    n, index = n_index
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=n), rng.normal(size=len(index))
    want = np.zeros(n)
    for k, i in enumerate(index):  # each read of x[i] sends its own w back
        want[i] += w[k]
    got = mc.grad(lambda v: np.sum(w * v[np.array(index)]))(x)
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)
    got_list = mc.grad(lambda v: np.sum(w * v[list(index)]))(x)
    np.testing.assert_allclose(got_list, want, rtol=1e-14, atol=1e-15)


def test_repeated_index_pairs_accumulate_in_two_dimensions():
    rows, cols = np.array([0, 2, 0, 0, 1]), np.array([1, 2, 1, 1, 0])
    w = np.array([1.0, 10.0, 100.0, 1000.0, 5.0])
    got = mc.grad(lambda m: np.sum(w * m[rows, cols]))(np.ones((3, 3)))
    np.testing.assert_array_equal(got, [[0.0, 1101.0, 0.0], [5.0, 0.0, 0.0], [0.0, 0.0, 10.0]])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=12), st.integers(0, 2**32 - 1))
def test_boolean_masks_send_the_derivative_to_the_selected_places(mask, seed):
    mask = np.array(mask)
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=mask.size), rng.normal(size=int(mask.sum()))
    got = mc.grad(lambda v: np.sum(w * np.sin(v[mask])))(x)
    want = np.zeros(mask.size)
    want[np.flatnonzero(mask)] = w * np.cos(x[mask])
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.0, 1.0, -2.0, 3.0, 0.5]), min_size=1, max_size=9))
def test_prod_with_zero_factors_is_exact(values):
    """∂/∂xᵢ Π x = Π_{j≠i} xⱼ exactly, also where some factors are 0 (no division by x)."""
    x = np.array(values)
    want = np.array([np.prod(np.delete(x, i)) for i in range(x.size)])
    np.testing.assert_array_equal(mc.grad(np.prod)(x), want)
    matrix = np.stack([x, x[::-1]])
    _, pullback = mc.vjp(lambda m: np.prod(m, axis=1), matrix)
    got = pullback(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(got[0], want)
    np.testing.assert_array_equal(got[1], 2 * want[::-1])


def test_step_functions_have_zero_derivative():
    x = np.array([-1.7, -0.2, 0.4, 1.5, 2.6])
    for step in (np.sign, np.floor, np.ceil, np.rint, np.trunc):
        g = mc.grad(lambda v, s=step: np.sum(s(v) * 3.0))(x)
        np.testing.assert_array_equal(g, np.zeros(5))


# Keyword arguments of the covered functions: honoured, or refused with a TypeError that names
# itself, never ignored (an ignored where=, initial=, order= or out= is a wrong answer given
# silently)

M34 = np.array([[True, False, True, True], [False, True, True, False], [True, True, False, True]])


def _into_out(reduce: Callable[..., Any], shape: tuple[int, ...]) -> Callable[[Any], Any]:
    """f that reads its result from the out= array it passed, as NumPy code may."""

    def f(v: Any) -> Any:
        buffer = np.zeros(shape)
        reduce(v, buffer)
        return buffer * v[0, 0]  # × v[0, 0]: the value is traced whatever happened to buffer

    return f


KEYWORD_CASES: dict[str, Callable[[Any], Any]] = {
    "sum where=": lambda v: np.sum(v, where=M34),
    "mean where=": lambda v: np.mean(v, where=M34),
    "var where=": lambda v: np.var(v, where=M34),
    "prod where=": lambda v: np.prod(v, where=M34),
    "min where= initial=": lambda v: np.min(v, where=M34, initial=10.0),
    "sum initial=": lambda v: np.sum(v, initial=5.0),
    "prod initial=": lambda v: np.prod(v, initial=2.0),
    "max initial=": lambda v: np.max(v, axis=0, initial=1.0),
    "maximum.reduce initial=": lambda v: np.maximum.reduce(v, axis=0, initial=1.0),
    "reshape order=F": lambda v: np.reshape(v, (2, 6), order="F"),
    "ravel order=F": lambda v: np.ravel(v, order="F"),
    "flatten F": lambda v: v.flatten("F"),
    "trace offset=": lambda v: np.trace(v, offset=1),
    "trace of a 3-D array": lambda v: np.trace(np.stack([v, 2 * v])),
    "trace axis1= axis2=": lambda v: np.trace(np.stack([v, 2 * v]), axis1=1, axis2=2),
    "moveaxis with lists": lambda v: np.moveaxis(np.stack([v, 2 * v]), [0, 1], [2, 0]),
    "sum dtype=int": lambda v: np.sum(v * 3, dtype=int),
    "cumsum dtype=int": lambda v: np.cumsum(v * 3, dtype=int),
    "sum out=": _into_out(lambda v, out: np.sum(v, axis=0, out=out), (4,)),
    "mean out=": _into_out(lambda v, out: np.mean(v, axis=0, out=out), (4,)),
    "max out=": _into_out(lambda v, out: np.max(v, axis=1, out=out), (3,)),
    "prod out=": _into_out(lambda v, out: np.prod(v, axis=0, out=out), (4,)),
    "cumsum out=": _into_out(lambda v, out: np.cumsum(v, axis=0, out=out), (3, 4)),
    "concatenate out=": _into_out(lambda v, out: np.concatenate([v, v], out=out), (6, 4)),
    "dot out=": _into_out(lambda v, out: np.dot(v, np.ones(4), out=out), (3,)),
}


@pytest.mark.parametrize("name", sorted(KEYWORD_CASES))
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_keyword_arguments_are_honoured_or_refused(name, mode):
    f = KEYWORD_CASES[name]
    x = np.array([[0.35, -1.2, 0.8, 1.45], [0.6, 1.15, -0.45, 0.25], [-0.9, 0.7, 1.3, -0.15]])
    want = np.asarray(f(x), dtype=float)
    try:
        if mode == "reverse":
            value, pullback = mc.vjp(f, x)
        else:
            value, _ = mc.jvp(f, x, np.ones_like(x))
            J = mc.jacobian(f, mode="forward")(x)
    except TypeError as error:  # a refusal: it must say what it refuses
        assert str(error).startswith("mvcalc.autodiff:"), error
        return
    assert np.shape(value) == want.shape
    np.testing.assert_allclose(value, want, rtol=1e-14, atol=1e-14)
    w = np.random.default_rng(5).normal(size=want.shape)
    expected = central_gradient(lambda t: float(np.sum(w * np.asarray(f(t), dtype=float))), x)
    got = pullback(w) if mode == "reverse" else np.tensordot(w, J, axes=w.ndim)
    assert_close(got, expected, rtol=1e-6, scale_atol=1e-8)


# --------------------------------------------------------------------------------------------
# 5. The transforms' contracts
# --------------------------------------------------------------------------------------------


def test_grad_of_a_number_is_a_float():
    for x in (0.3, 2, np.float64(0.3), np.array(0.3), np.array([[0.3]])[0, 0]):
        g = mc.grad(lambda t: t**3 + np.sin(t))(x)
        assert isinstance(g, float)
        assert g == pytest.approx(3 * float(x) ** 2 + math.cos(float(x)), rel=1e-15)
    value, g = mc.value_and_grad(np.exp)(1.0)
    assert isinstance(value, float) and isinstance(g, float)
    assert value == g == pytest.approx(math.e, rel=1e-15)


@pytest.mark.parametrize("shape", [(1,), (5,), (2, 3), (2, 3, 4), (1, 1, 2, 1)])
def test_grad_of_an_array_has_its_shape(shape):
    x = np.linspace(-1.0, 1.0, math.prod(shape)).reshape(shape)
    before = x.copy()
    value, g = mc.value_and_grad(lambda a: np.sum(a**2 * np.cos(a)))(x)
    assert isinstance(value, float)
    assert isinstance(g, np.ndarray) and g.shape == shape and g.dtype == np.float64
    np.testing.assert_allclose(g, 2 * x * np.cos(x) - x**2 * np.sin(x), rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(x, before)  # the input is left alone


def test_plain_lists_of_numbers_are_one_array():
    g = mc.grad(lambda v: v[0] * v[1] ** 2)([2.0, 3.0])
    assert isinstance(g, np.ndarray) and g.tolist() == [9.0, 12.0]
    g = mc.grad(lambda m: np.sum(m * m))([[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(g, np.ndarray) and g.tolist() == [[2.0, 4.0], [6.0, 8.0]]


def test_pytrees_come_back_in_their_structure():
    def loss(p):
        return np.sum(p["w"] @ p["x"]) * p["s"] + np.sum(p["parts"][0] ** 2) + p["parts"][1]

    params = {
        "w": np.ones((2, 3)),
        "x": np.arange(3.0),
        "s": 2.0,
        "parts": [np.array([1.0, -1.0]), 0.5],
    }
    value, g = mc.value_and_grad(loss)(params)
    assert value == pytest.approx(2 * 2 * 3.0 + 2.0 + 0.5)
    assert set(g) == {"w", "x", "s", "parts"}
    assert isinstance(g["s"], float) and g["s"] == 6.0
    assert isinstance(g["parts"], list) and isinstance(g["parts"][1], float)
    np.testing.assert_array_equal(g["w"], 2 * np.broadcast_to(np.arange(3.0), (2, 3)))
    np.testing.assert_array_equal(g["x"], [4.0, 4.0, 4.0])
    np.testing.assert_array_equal(g["parts"][0], [2.0, -2.0])
    assert g["parts"][1] == 1.0

    t = mc.grad(lambda p: np.sum(p[0] * p[1]))((np.array([1.0, 2.0]), np.array([3.0, 4.0])))
    assert isinstance(t, tuple) and [a.tolist() for a in t] == [[3.0, 4.0], [1.0, 2.0]]
    lst = mc.grad(lambda p: np.sum(p[0]) * p[1])([np.array([1.0, 2.0]), np.array(3.0)])
    assert isinstance(lst, list) and lst[0].tolist() == [3.0, 3.0] and lst[1] == 3.0


def test_gradients_are_fresh_writable_arrays():
    """Even where the backward pass made broadcast views, the caller gets arrays of its own."""
    g = mc.grad(lambda p: np.sum(p["a"]) + np.sum(p["b"]))({"a": np.zeros(3), "b": np.zeros(3)})
    assert g["a"] is not g["b"] and g["a"].flags.writeable
    g["a"][0] = 5.0
    assert g["a"].tolist() == [5.0, 1.0, 1.0] and g["b"].tolist() == [1.0, 1.0, 1.0]
    big = mc.grad(np.sum)(np.zeros(100_000))
    assert big.flags.writeable
    big[0] = 2.0
    assert big[1] == 1.0 and big.sum() == 100_001.0


def test_extra_arguments_are_passed_through_and_not_differentiated():
    def f(x, a, *, b):
        return a * x**2 + b * x

    assert mc.grad(f)(3.0, 2.0, b=5.0) == 2 * 2.0 * 3.0 + 5.0
    value, g = mc.value_and_grad(lambda x, a, b: np.sum(a * x**2) + b)(
        np.array([1.0, 2.0]), 3.0, b=0.5
    )
    assert value == 15.5 and g.tolist() == [6.0, 12.0]
    out, pullback = mc.vjp(f, np.array([1.0, 2.0]), 3.0, b=1.0)
    np.testing.assert_array_equal(out, [4.0, 14.0])
    np.testing.assert_array_equal(pullback(np.array([1.0, 1.0])), [7.0, 13.0])


def vector_function(x: Any) -> Any:
    """R^(2×3) → R^(4,): mixes every kind of operation."""
    m = np.tanh(x) @ np.array([[1.0, 0.5], [-0.3, 2.0], [0.7, -1.0]])
    return np.concatenate([np.ravel(m * m[::-1]), np.array([np.max(x) * np.sum(x), 1.0])])[:4]


def test_vjp_pullback_equals_rows_of_the_forward_jacobian():
    x = np.array([[0.2, -0.5, 0.9], [1.3, -0.1, 0.4]])
    value, pullback = mc.vjp(vector_function, x)
    np.testing.assert_allclose(value, vector_function(x), rtol=1e-15)
    J = mc.jacobian(vector_function, mode="forward")(x)
    assert J.shape == (4, 2, 3)
    for i in range(4):
        e = np.zeros(4)
        e[i] = 1.0
        row = pullback(e)
        assert row.shape == (2, 3)
        np.testing.assert_allclose(row, J[i], rtol=1e-13, atol=1e-15)
    w = np.array([0.5, -2.0, 1.5, 3.0])
    np.testing.assert_allclose(pullback(w), np.tensordot(w, J, axes=1), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(pullback(w), pullback(w), rtol=0)  # the tape can be replayed


def test_vjp_of_a_matrix_valued_function():
    def f(v):
        return np.outer(v, np.sin(v))

    x = np.array([0.3, -1.1, 2.0])
    value, pullback = mc.vjp(f, x)
    assert value.shape == (3, 3)
    J = mc.jacobian(f, mode="forward")(x)
    w = np.arange(9.0).reshape(3, 3)
    np.testing.assert_allclose(pullback(w), np.tensordot(w, J, axes=2), rtol=1e-13)
    with pytest.raises(ValueError, match="w must have the shape"):
        pullback(np.ones(9))


def test_jvp_equals_jacobian_times_v():
    x = np.array([[0.2, -0.5, 0.9], [1.3, -0.1, 0.4]])
    v = np.array([[1.0, 0.0, -2.0], [0.5, 3.0, 1.0]])
    value, tangent = mc.jvp(vector_function, x, v)
    np.testing.assert_allclose(value, vector_function(x), rtol=1e-15)
    J_reverse = mc.jacobian(vector_function, mode="reverse")(x)
    np.testing.assert_allclose(tangent, np.tensordot(J_reverse, v, axes=2), rtol=1e-13)
    np.testing.assert_allclose(
        tangent, central_jacobian(vector_function, x).reshape(4, 6) @ v.ravel(), rtol=1e-6
    )


JACOBIAN_FUNCTIONS = {
    "m < n": (lambda v: np.array([np.sum(v**2), np.prod(np.cos(v))]), np.linspace(-1, 1, 6)),
    "m > n": (
        lambda v: np.concatenate([np.sin(v), v**3, np.outer(v, v).ravel()]),
        np.array([0.3, -0.7]),
    ),
    "m == n": (lambda v: np.cumsum(np.exp(v)) / (1 + v**2), np.array([0.1, 0.5, -0.4])),
    "scalar x": (lambda t: np.array([t, t**2, np.sin(t)]), 0.7),
    "scalar f": (lambda v: np.linalg.norm(v) * np.max(v), np.array([1.0, -2.0, 0.5])),
    "matrix to matrix": (
        lambda m: m @ m.T - np.mean(m),
        np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 3.0]]),
    ),
}


@pytest.mark.parametrize("name", sorted(JACOBIAN_FUNCTIONS))
def test_jacobian_modes_agree(name):
    f, x = JACOBIAN_FUNCTIONS[name]
    shape = np.shape(f(x)) + np.shape(x)
    results = {mode: mc.jacobian(f, mode=mode)(x) for mode in ("auto", "forward", "reverse")}
    for J in results.values():
        assert np.shape(J) == shape
    np.testing.assert_allclose(results["reverse"], results["forward"], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(results["auto"], results["forward"], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(
        results["reverse"], central_jacobian(f, np.asarray(x, float)), rtol=1e-6, atol=1e-8
    )


def test_auto_mode_remembers_its_choice_per_input_shape():
    calls = []

    def f(v):
        calls.append(v.shape)
        return np.array([np.sum(v * v)])

    J = mc.jacobian(f)
    first = J(np.ones(5))  # m = 1 < n = 5: learns that reverse wins, from the recorded pass
    assert len(calls) == 1
    calls.clear()
    second = J(np.full(5, 2.0))
    assert len(calls) == 1  # remembered: no second probe
    np.testing.assert_array_equal(first, [[2.0] * 5])
    np.testing.assert_array_equal(second, [[4.0] * 5])
    np.testing.assert_array_equal(J(np.array([3.0])), [[6.0]])  # another shape, its own choice


SYMBOLIC_HESSIAN_CASES = [
    (
        lambda v: v[0] ** 2 * v[1] + np.exp(v[1] * v[2]) + np.sin(v[0]) * np.log(1 + v[2] ** 2),
        lambda x, y, z: x**2 * y + sp.exp(y * z) + sp.sin(x) * sp.log(1 + z**2),
    ),
    (
        lambda v: np.sum((1 - v[:-1]) ** 2 + 100 * (v[1:] - v[:-1] ** 2) ** 2),
        lambda x, y, z: (1 - x) ** 2 + 100 * (y - x**2) ** 2 + (1 - y) ** 2 + 100 * (z - y**2) ** 2,
    ),
    (
        lambda v: np.log(np.sum(np.exp(v))) + np.linalg.norm(v) * np.tanh(v[0]),
        lambda x, y, z: (
            sp.log(sp.exp(x) + sp.exp(y) + sp.exp(z)) + sp.sqrt(x**2 + y**2 + z**2) * sp.tanh(x)
        ),
    ),
    (
        lambda v: np.prod(v) / (1 + np.dot(v, v)) + np.arctan2(v[0], v[1] + 3),
        lambda x, y, z: x * y * z / (1 + x**2 + y**2 + z**2) + sp.atan2(x, y + 3),
    ),
]


@pytest.mark.parametrize("index", range(len(SYMBOLIC_HESSIAN_CASES)))
def test_hessian_equals_forward_over_forward_and_sympy(index):
    f, expr_of = SYMBOLIC_HESSIAN_CASES[index]
    x = np.array([0.4, -0.8, 1.3])
    expr = expr_of(*XS)
    want = np.array(
        [
            [float(sp.diff(expr, a, b).evalf(subs=dict(zip(XS, x, strict=True)), n=20)) for b in XS]
            for a in XS
        ]
    )
    H = mc.hessian(f)(x)
    assert H.shape == (3, 3)
    fwd_fwd = mc.jacobian(mc.jacobian(f, mode="forward"), mode="forward")(x)
    np.testing.assert_allclose(H, fwd_fwd, rtol=1e-12, atol=1e-12 * np.max(np.abs(want)))
    np.testing.assert_allclose(H, want, rtol=1e-10, atol=1e-12 * np.max(np.abs(want)))
    rev_rev = mc.jacobian(mc.grad(f), mode="reverse")(x)  # reverse over reverse, too
    np.testing.assert_allclose(rev_rev, want, rtol=1e-10, atol=1e-12 * np.max(np.abs(want)))


def test_hessian_of_a_matrix_argument_has_shape_x_by_x():
    x = np.array([[0.5, -1.0], [2.0, 0.3], [1.0, 1.0]])
    H = mc.hessian(lambda m: np.sum(np.sin(m)) + np.sum(m) ** 2)(x)
    assert H.shape == (3, 2, 3, 2)
    want = 2 * np.ones((6, 6)) - np.diag(np.sin(x).ravel())
    np.testing.assert_allclose(H.reshape(6, 6), want, rtol=1e-14)


T = sp.Symbol("t", real=True)
SECOND_DERIVATIVE_CASES = [
    (lambda t: t**5, T**5),
    (lambda t: np.exp(np.sin(t)), sp.exp(sp.sin(T))),
    (lambda t: np.tanh(t) * t**2, sp.tanh(T) * T**2),
    (lambda t: 1 / (1 + t**2), 1 / (1 + T**2)),
    (lambda t: np.arctan(t) * np.log1p(t**2), sp.atan(T) * sp.log(1 + T**2)),
    (lambda t: np.sqrt(1 + t**2) ** 3, (1 + T**2) ** sp.Rational(3, 2)),
    (lambda t: np.sum(np.stack([t, 2 * t, t * t]) ** 3), T**3 + 8 * T**3 + T**6),
    (lambda t: np.max(np.array([t**2, 1 - t])) * t, sp.Max(T**2, 1 - T) * T),
]


@pytest.mark.parametrize("index", range(len(SECOND_DERIVATIVE_CASES)))
def test_reverse_over_reverse_matches_sympy(index):
    f, expr = SECOND_DERIVATIVE_CASES[index]
    for t0 in (-1.3, 0.4, 1.7):
        want = float(sp.diff(expr, T, 2).evalf(subs={T: t0}, n=20))
        got = mc.grad(mc.grad(f))(t0)
        assert isinstance(got, float)
        assert got == pytest.approx(want, rel=1e-11, abs=1e-12)
    third = float(sp.diff(expr, T, 3).evalf(subs={T: 0.4}, n=20))
    assert mc.grad(mc.grad(mc.grad(f)))(0.4) == pytest.approx(third, rel=1e-10, abs=1e-11)


CONSTANT_FUNCTIONS = {
    "a number": lambda x: 3.0,
    "an array": lambda x: np.ones(2),
    "a function of constants": lambda x: np.sum(np.sin(np.arange(3.0))),
    "compares x only": lambda x: 1.0 if np.sum(x) > 0 else 2.0,
    "x times zero": lambda x: np.sum(x) * 0.0,
}


@pytest.mark.parametrize("name", sorted(CONSTANT_FUNCTIONS))
def test_a_function_that_ignores_x_has_zero_derivatives(name):
    f = CONSTANT_FUNCTIONS[name]
    x = np.array([[0.5, -1.0], [2.0, 0.3]])
    out_shape = np.shape(f(x))
    for mode in ("auto", "forward", "reverse"):
        J = mc.jacobian(f, mode=mode)(x)
        np.testing.assert_array_equal(J, np.zeros(out_shape + x.shape))
    _, pullback = mc.vjp(f, x)
    np.testing.assert_array_equal(pullback(np.ones(out_shape)), np.zeros(x.shape))
    if out_shape == ():
        np.testing.assert_array_equal(mc.grad(f)(x), np.zeros(x.shape))
        np.testing.assert_array_equal(mc.hessian(f)(x), np.zeros(x.shape + x.shape))
        g = mc.grad(lambda p: f(p[0]))((x, np.ones(3)))
        assert isinstance(g, tuple)
        np.testing.assert_array_equal(g[0], np.zeros(x.shape))
        np.testing.assert_array_equal(g[1], np.zeros(3))
        assert mc.grad(lambda t: f(x))(1.0) == 0.0


def test_unused_parts_of_a_pytree_get_zeros():
    g = mc.grad(lambda p: np.sum(p["a"] ** 2))({"a": np.array([1.0, 2.0]), "b": np.ones((2, 2))})
    np.testing.assert_array_equal(g["a"], [2.0, 4.0])
    np.testing.assert_array_equal(g["b"], np.zeros((2, 2)))


def test_python_control_flow_on_traced_values():
    def f(x):
        n = 0
        while np.sum(x * x) < 10.0:  # a data-dependent loop
            x = x * 1.5
            n += 1
        if x[0] > 0:  # a data-dependent branch
            return np.sum(x**3) + n
        return np.sum(np.sin(x))

    for x0 in (np.array([0.3, -0.2]), np.array([-0.3, 0.2])):
        n = math.ceil(math.log(10.0 / np.sum(x0 * x0)) / (2 * math.log(1.5)))
        y = x0 * 1.5**n  # what the loop left: the derivative is that of a fixed scaling
        want = 3 * y**2 * 1.5**n if x0[0] > 0 else np.cos(y) * 1.5**n
        np.testing.assert_allclose(mc.grad(f)(x0), want, rtol=1e-13)


def test_a_loop_of_ten_thousand_operations():
    """A tape 10 000 operations deep: no recursion limit, and the product of 10 000 factors."""

    def f(x):
        for _ in range(10_000):
            x = x + 1e-4 * np.sin(x)
        return np.sum(x)

    x0 = np.array([0.3, 2.0])
    x, want = x0.copy(), np.ones(2)
    for _ in range(10_000):  # dx_{k+1}/dx_k = 1 + 1e-4 cos(x_k), multiplied along the way
        want *= 1 + 1e-4 * np.cos(x)
        x = x + 1e-4 * np.sin(x)
    value, g = mc.value_and_grad(f)(x0)
    assert value == pytest.approx(np.sum(x), rel=1e-14)
    np.testing.assert_allclose(g, want, rtol=1e-11)


REFUSED = [
    (lambda v: np.sum(np.sort(v)), "numpy.sort"),
    (lambda v: np.sum(np.fft.fft(v).real), "numpy.fft.fft"),
    (lambda v: np.einsum("i,i->", v, v), "numpy.einsum"),
    (lambda v: float(v[0]), "float()"),
    (lambda v: math.sin(v[0]), "float()"),
    (lambda v: v[0].item(), "item()"),
    (lambda v: np.sum(v.tolist()), "tolist()"),
    (lambda v: int(v[0]), "int()"),
    (lambda v: np.sum(np.exp(v, out=np.empty(3))), "out="),
    (lambda v: v.__setitem__(0, 1.0), "assigning into a traced value array"),
    (lambda v: np.sum(np.cumprod(v)), "numpy.cumprod"),
    (lambda v: np.sum(np.add.accumulate(v)), "numpy.add.accumulate"),
    (lambda v: np.sum(np.linalg.inv(np.outer(v, v) + np.eye(3))), "numpy.linalg.inv"),
]


@pytest.mark.parametrize(("f", "name"), REFUSED, ids=[name for _, name in REFUSED])
def test_unsupported_operations_are_refused_by_name(f, name):
    message = "mvcalc.autodiff: .*" + re.escape(name)
    with pytest.raises(TypeError, match=message):
        mc.grad(f)(np.array([0.5, 1.5, -0.3]))
    with pytest.raises(TypeError, match=message):
        mc.vjp(f, np.array([0.5, 1.5, -0.3]))
    with pytest.raises(TypeError, match=message):
        mc.jacobian(lambda v: np.stack([f(v), v[0]]), mode="reverse")(np.array([0.5, 1.5, -0.3]))
    with pytest.raises(TypeError, match=message):  # reverse over reverse
        mc.grad(mc.grad(lambda t: f(np.stack([t, t, t]))))(0.5)


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="f must return a scalar"):
        mc.grad(lambda v: v * 2)(np.ones(2))
    with pytest.raises(ValueError, match="f must return a scalar"):
        mc.value_and_grad(np.sin)(np.ones(2))
    with pytest.raises(ValueError, match=r"x\[1\] must be finite"):
        mc.grad(lambda p: np.sum(p[0]))((np.ones(2), np.array([np.nan])))
    with pytest.raises(TypeError, match="f must be callable"):
        mc.value_and_grad(3.0)
    with pytest.raises(TypeError, match="f must be callable"):
        mc.vjp(None, 1.0)


# --------------------------------------------------------------------------------------------
# 6. Memory: a gradient of n inputs costs O(n) memory, not O(n²)
# --------------------------------------------------------------------------------------------


def test_gradient_memory_is_linear_in_the_number_of_inputs():
    n = 200_000
    x = np.linspace(-1.0, 1.0, n)
    w = np.linspace(0.5, 1.5, n)

    def loss(v):
        h = np.tanh(v * w) ** 2 + np.where(v > 0, v, 0.1 * v)
        pairs = v[::2] * v[1::2]
        return np.mean(h) + np.sum(pairs) / n + np.max(v) + v @ w / n

    tracemalloc.start()
    try:
        g = mc.grad(loss)(x)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert g.shape == (n,)
    # a few dozen arrays of n floats; an n × n Jacobian would be 320 GB
    assert peak < 100 * n * 8
    expected = (2 * np.tanh(x * w) * (1 - np.tanh(x * w) ** 2) * w + np.where(x > 0, 1.0, 0.1)) / n
    expected[::2] += x[1::2] / n
    expected[1::2] += x[::2] / n
    expected[-1] += 1.0
    expected += w / n
    np.testing.assert_allclose(g, expected, rtol=1e-12, atol=1e-18)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_third_derivative_of_a_square_at_zero_is_zero_not_nan(mode):
    # the power rule's a⁰ = 1 step: 0 · 0⁻¹ must not turn into NaN
    if mode == "reverse":
        d3 = mc.grad(mc.grad(mc.grad(lambda x: x**2 + x**3)))
    else:
        d3 = mc.jacobian(mc.jacobian(mc.jacobian(lambda x: x**2 + x**3, mode="forward"),
                                     mode="forward"), mode="forward")  # fmt: skip
    assert float(d3(0.0)) == 6.0  # (x³)‴ = 6, (x²)‴ = 0
