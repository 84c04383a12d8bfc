"""Week 3, "The multivariate chain rule and neural networks": its exercises and checks.

The learner writes

* ``df_dt()``: d/dt of f(x, y) = x²y along x = cos t, y = sin t, as text in t (the
  multivariate chain rule: ∂f/∂x·dx/dt + ∂f/∂y·dy/dt);
* ``layer(a, W, b)``: one layer of a network in the course's column convention,
  σ(W a + b) with σ the sigmoid — a of shape (n_in, N), W (n_out, n_in), b (n_out, 1);
* ``d_cost_d_w(x, y, w, b)``: for one sigmoid neuron a = σ(w x + b) with x of shape (n, N),
  w (1, n), b (1, 1), y (1, N) and the cost C = Σ (a − y)² / N, the Jacobian ∂C/∂w, shape (1, n).

``df_dt`` is read by the safe parser and compared with
:func:`mvcalc.symbolic.total_derivative`; ``layer`` and ``d_cost_d_w`` are called on random
networks and data and compared with :class:`mvcalc.Network` (its forward pass, and its
backpropagation :meth:`~mvcalc.Network.jacobians`, which :meth:`~mvcalc.Network.gradient_check`
verifies against finite differences).

Examples
--------
>>> import numpy as np
>>> from mvcalc.exercises import week3
>>> list(week3.EXERCISES)
['df_dt', 'layer', 'd_cost_d_w']
>>> def layer(a, W, b):
...     return W @ a + b
>>> print(week3.EXERCISES["layer"]({"layer": layer}).feedback)  # doctest: +ELLIPSIS
for a of shape (3, 5), W (4, 3), b (4, 1): the sigmoid is missing: that is z = W a + b; the layer's output is σ(z)
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy

from mvcalc import symbolic
from mvcalc.exercises import Check, Verdict
from mvcalc.exercises._expressions import compare_expression
from mvcalc.exercises._feedback import LearnerError, call, compare
from mvcalc.nn import Network

__all__ = ["CHAIN", "EXERCISES"]

#: f, and x(t), y(t), of ``df_dt``, as the notebook writes them.
CHAIN = ("x^2*y", {"x": "cos(t)", "y": "sin(t)"})

_T = sympy.Symbol("t")


def _check_df_dt(namespace: Mapping[str, Any]) -> Verdict:
    name = "df_dt"
    try:
        answer = call(namespace[name])
    except LearnerError as exc:
        return Verdict(name, False, str(exc))
    f, mapping = CHAIN
    record = symbolic.total_derivative(f, "t", mapping, full_output=True)
    on_curve = {sympy.Symbol(k): symbolic.parse(v) for k, v in mapping.items()}
    terms = [c.term for c in record.terms]  # ∂f/∂x·dx/dt and ∂f/∂y·dy/dt, in t
    partials = [c.partial.xreplace(on_curve) for c in record.terms]  # ∂f/∂x and ∂f/∂y, in t
    mistakes = {
        "only the path through x: the chain rule adds ∂f/∂y · dy/dt, the path through y":
            terms[0],
        "only the path through y: the chain rule adds ∂f/∂x · dx/dt, the path through x":
            terms[1],
        "the rates dx/dt = −sin t and dy/dt = cos t are missing: each partial derivative is "
        "multiplied by its variable's rate": partials[0] + partials[1],
        "dx/dt = −sin t, not sin t: the derivative of cos is −sin":
            -terms[0] + terms[1],
    }  # fmt: skip
    return compare_expression(name, answer, record.result, [_T], mistakes=mistakes,
                              what="total derivative df/dt", box=(-3.0, 3.0),
                              hint=": put x = cos(t) and y = sin(t) into it")  # fmt: skip


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1 / (1 + np.exp(-z)))


def _network(W: np.ndarray, b: np.ndarray) -> Network:
    net = Network([W.shape[1], W.shape[0]])
    net.weights = [W]
    net.biases = [b]
    return net


def _shapes(**arrays: np.ndarray) -> str:
    return ", ".join(f"{k} {v.shape}" if i else f"for {k} of shape {v.shape}"
                     for i, (k, v) in enumerate(arrays.items()))  # fmt: skip


def _check_layer(namespace: Mapping[str, Any]) -> Verdict:
    name = "layer"
    learner = namespace[name]
    rng = np.random.default_rng(4)
    for n_in, n_out, N in ((3, 4, 5), (2, 1, 7), (5, 3, 1)):
        a = rng.standard_normal((n_in, N))
        W = rng.standard_normal((n_out, n_in))
        b = rng.standard_normal((n_out, 1))
        where = _shapes(a=a, W=W, b=b) + ": "
        try:
            got = call(learner, a, W, b)
        except LearnerError as exc:
            return Verdict(name, False, where + str(exc))
        want = _network(W, b)(a)
        z = W @ a + b
        mistakes = {
            "the sigmoid is missing: that is z = W a + b; the layer's output is σ(z)": z,
            "the bias b is missing: the layer is σ(W a + b)": _sigmoid(W @ a),
            "the sigmoid is σ(z) = 1/(1 + exp(−z)): the minus sign is missing": _sigmoid(-z),
            "that is σ′(z), not σ(z)": _sigmoid(z) * (1 - _sigmoid(z)),
        }
        verdict = compare(name, got, want, mistakes=mistakes)
        if not verdict.ok:
            return Verdict(name, False, where + verdict.feedback)
    return Verdict(name, True)


def _check_d_cost_d_w(namespace: Mapping[str, Any]) -> Verdict:
    name = "d_cost_d_w"
    learner = namespace[name]
    rng = np.random.default_rng(5)
    for n, N in ((3, 6), (2, 9), (4, 5)):
        x = rng.standard_normal((n, N))
        y = rng.uniform(0.0, 1.0, (1, N))
        w = rng.standard_normal((1, n))
        b = rng.standard_normal((1, 1))
        where = _shapes(x=x, y=y, w=w, b=b) + ": "
        try:
            got = call(learner, x, y, w, b)
        except LearnerError as exc:
            return Verdict(name, False, where + str(exc))
        net = _network(w, b)
        dW, _ = net.jacobians(x, y)
        want = dW[0]
        a = _sigmoid(w @ x + b)
        residual = 2 * (a - y) / N
        mistakes = {
            "the σ′(z) factor is missing: ∂a/∂z = σ′(z) = a(1 − a) sits between ∂C/∂a and "
            "∂z/∂w": residual @ x.T,
            "the factor ∂z/∂w = x is missing: sum (∂C/∂a)(∂a/∂z) times x over the examples":
                np.full((1, n), np.sum(residual * a * (1 - a))),
            "the factor 2 of ∂C/∂a = 2(a − y)/N is missing": want / 2,
            "uses σ(z) where σ′(z) belongs: σ′(z) = σ(z)(1 − σ(z))": (residual * a) @ x.T,
        }  # fmt: skip
        verdict = compare(name, got, want, mistakes=mistakes, factors={"N": N})
        if not verdict.ok:
            return Verdict(name, False, where + verdict.feedback)
    return Verdict(name, True)


EXERCISES: dict[str, Check] = {
    "df_dt": _check_df_dt,
    "layer": _check_layer,
    "d_cost_d_w": _check_d_cost_d_w,
}
