"""The first assignment, "Backpropagation": its exercises and their checks.

The network is 1-6-7-2 with sigmoid activations σ and the cost C = Σ‖a⁽³⁾ − y‖² / N; x has
shape (1, N), y (2, N); ``W = [W1, W2, W3]`` and ``b = [b1, b2, b3]``, the biases columns of
shapes (6, 1), (7, 1), (2, 1). The learner writes

* ``d_sigma(z)``: σ′(z);
* ``J_W3(x, y, W, b)``, ``J_b3``, ``J_W2``, ``J_b2``, ``J_W1``, ``J_b1``: each ∂C/∂ of that
  parameter, in the parameter's shape.

Each check runs the learner's function on the course's heart-curve data with the course's
initial network, then on random networks (random weights and biases, a random number N of
examples), and compares what comes back with :meth:`mvcalc.Network.jacobians` for the same
weights and biases. When the numbers are wrong, the check computes what each common mistake
would give — the σ′ factor of a layer left out, σ′ taken at a rather than z, the 2 or the 1/N
of ∂C/∂a⁽³⁾ left out, a⁽ˡ⁾ used where a⁽ˡ⁻¹⁾ belongs, the mean taken instead of the sum — and
names the mistake the numbers match. A Jacobian is checked on its own: while it runs, the
name ``d_sigma`` in the learner's code is the verified σ′, so that a mistake in ``d_sigma``
is reported once, by its own check.

Examples
--------
>>> import numpy as np
>>> from mvcalc.exercises import backprop
>>> list(backprop.EXERCISES)
['d_sigma', 'J_W3', 'J_b3', 'J_W2', 'J_b2', 'J_W1', 'J_b1']
>>> def d_sigma(z):
...     s = 1 / (1 + np.exp(-z))
...     return s
>>> backprop.EXERCISES["d_sigma"]({"d_sigma": d_sigma}).line()
'd_sigma  not yet: returned σ(z), not its derivative σ′(z) = σ(z)(1 − σ(z))'
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mvcalc.datasets import heart_curve
from mvcalc.exercises import Check, Verdict
from mvcalc.exercises._feedback import call, compare, on_draws, verified_helpers
from mvcalc.nn import ACTIVATIONS, Network

__all__ = ["EXERCISES", "SIZES"]

FloatArray = NDArray[np.float64]

#: The assignment's network: 1 input, hidden layers of 6 and 7 neurons, 2 outputs.
SIZES = (1, 6, 7, 2)
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _sup(layer: int) -> str:
    """``⁽³⁾`` for layer 3."""
    return f"⁽{str(layer).translate(_SUPERSCRIPT)}⁾"


# --------------------------------------------------------------------------------------------
# The networks the checks use, with their verified Jacobians
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Draw:
    """One network and data set: the inputs of a check, and mvcalc's answers for them."""

    label: str  # "" for the course's data, else how the draw is named in feedback
    x: FloatArray
    y: FloatArray
    W: tuple[FloatArray, ...]
    b: tuple[FloatArray, ...]
    z: tuple[FloatArray, ...]  # z[l] for l = 1..3 (z[0] is x)
    a: tuple[FloatArray, ...]  # a[l] for l = 0..3
    dW: tuple[FloatArray, ...]  # the verified ∂C/∂W(l), from Network.jacobians
    db: tuple[FloatArray, ...]

    @property
    def n(self) -> int:
        return int(self.x.shape[1])


def _draw(label: str, net: Network, x: FloatArray, y: FloatArray) -> _Draw:
    z, a = net.forward(x)
    dW, db = net.jacobians(x, y)
    return _Draw(
        label, x, y, tuple(w.copy() for w in net.weights), tuple(v.copy() for v in net.biases),
        tuple(z), tuple(a), tuple(dW), tuple(db),
    )  # fmt: skip


@functools.cache
def _draws() -> tuple[_Draw, ...]:
    """The course's heart curve through the course's initial network, then three random
    networks with N = 13, 5 and 23 examples (never 1, 2, 6 or 7, so that a sum over the wrong
    axis cannot hide behind a shape that happens to match)."""
    x, y = heart_curve(100)
    draws = [_draw("", Network(SIZES, seed=0), x, y)]
    rng = np.random.default_rng(20240614)
    for n in (13, 5, 23):
        net = Network(SIZES, seed=rng)
        net.weights = [rng.standard_normal(w.shape) for w in net.weights]
        net.biases = [rng.standard_normal(v.shape) / 2 for v in net.biases]
        xr = rng.uniform(-1.0, 1.0, (1, n))
        yr = rng.uniform(0.0, 1.0, (2, n))
        draws.append(_draw(f"on a random network with N = {n} examples", net, xr, yr))
    return tuple(draws)


def _sigma(z: FloatArray) -> FloatArray:
    out = np.empty_like(z)
    ACTIVATIONS["sigmoid"].function(z, out)
    return out


def _sigma_prime(z: FloatArray) -> FloatArray:
    """σ′(z), by mvcalc's network code."""
    z = np.asarray(z, dtype=np.float64)
    work = np.atleast_1d(z)
    out = np.empty_like(work)
    ACTIVATIONS["sigmoid"].derivative(work, _sigma(work), out)
    return out.reshape(z.shape)


def _d_sigma(z: Any) -> Any:
    """The verified ``d_sigma``, put in place of the learner's while a Jacobian is checked."""
    return _sigma_prime(np.asarray(z, dtype=np.float64))


# --------------------------------------------------------------------------------------------
# What the common mistakes give
# --------------------------------------------------------------------------------------------


def _mistaken(
    d: _Draw,
    *,
    skip: frozenset[int] = frozenset(),
    at_a: frozenset[int] = frozenset(),
    two: bool = True,
    divisor: float | None = None,
    own_activation: bool = False,
) -> dict[str, FloatArray]:
    """The Jacobians backpropagation gives with one mistake, keyed "W1", "b1", ….

    ``skip``: the layers whose σ′ factor is left out; ``at_a``: the layers whose σ′ is taken
    at a = σ(z) instead of z; ``two``: whether the 2 of ∂C/∂a⁽³⁾ is there; ``divisor``: what
    ∂C/∂a⁽³⁾ is divided by (N when right); ``own_activation``: ∂C/∂W⁽ˡ⁾ formed with a⁽ˡ⁾
    instead of a⁽ˡ⁻¹⁾.
    """
    out: dict[str, FloatArray] = {}
    with np.errstate(all="ignore"):
        dC_da = (2.0 if two else 1.0) * (d.a[3] - d.y) / (d.n if divisor is None else divisor)
        for l in (3, 2, 1):
            da_dz = _sigma_prime(d.a[l] if l in at_a else d.z[l])
            dC_dz = dC_da if l in skip else dC_da * da_dz
            out[f"W{l}"] = dC_dz @ (d.a[l] if own_activation else d.a[l - 1]).T
            out[f"b{l}"] = np.sum(dC_dz, axis=1, keepdims=True)
            dC_da = d.W[l - 1].T @ dC_dz
    return out


def _mistakes(kind: str, l: int, d: _Draw) -> dict[str, FloatArray]:
    """The named mistakes for ∂C/∂W⁽ˡ⁾ (``kind`` "W") or ∂C/∂b⁽ˡ⁾ (``kind`` "b")."""
    key = f"{kind}{l}"
    want = (d.dW if kind == "W" else d.db)[l - 1]
    found: dict[str, FloatArray] = {}
    for k in range(l, 4):
        if k == l:
            why = f"∂a{_sup(k)}/∂z{_sup(k)} = σ′(z{_sup(k)})"
        else:
            why = f"the chain back from the output passes through ∂a{_sup(k)}/∂z{_sup(k)}"
        found[f"the σ′(z{_sup(k)}) factor is missing ({why})"] = _mistaken(d, skip=frozenset({k}))[
            key
        ]
    if l < 3:
        found["every σ′ factor is missing: each layer the chain passes through contributes "
              "σ′(z) to it"] = _mistaken(d, skip=frozenset(range(l, 4)))[key]  # fmt: skip
    for layers in [frozenset(range(l, 4)), *(frozenset({k}) for k in range(l, 4))]:
        where = "" if len(layers) > 1 else f" in layer {min(layers)}"
        found[f"σ′ is taken at a = σ(z) instead of at z{where}: ∂a/∂z = σ′(z), so pass z to "
              "d_sigma"] = _mistaken(d, at_a=layers)[key]  # fmt: skip
    found[
        f"the sign is wrong: ∂C/∂a{_sup(3)} = 2(a{_sup(3)} − y)/N, not 2(y − a{_sup(3)})/N"
    ] = -want
    found[f"is half the right value: the 2 of ∂C/∂a{_sup(3)} = 2(a{_sup(3)} − y)/N is "
          "missing"] = _mistaken(d, two=False)[key]  # fmt: skip
    found[f"is N times too large (N = {d.n}): the 1/N of C = Σ‖a{_sup(3)} − y‖²/N is missing "
          "(N is x.shape[1], the number of examples)"] = _mistaken(d, divisor=1.0)[key]  # fmt: skip
    found[f"the 2 and the 1/N of ∂C/∂a{_sup(3)} = 2(a{_sup(3)} − y)/N are both missing"] = (
        _mistaken(d, two=False, divisor=1.0)[key]
    )
    if d.n != 100:
        found[f"divides by 100, not by N = x.shape[1] (here N = {d.n})"] = _mistaken(
            d, divisor=100.0
        )[key]
    if kind == "W":
        message = (f"uses a{_sup(l)} where a{_sup(l - 1)} belongs: ∂z{_sup(l)}/∂W{_sup(l)} = "
                   f"a{_sup(l - 1)}, the layer's input")  # fmt: skip
        found[message] = _mistaken(d, own_activation=True)[key]
    else:
        found[f"is the mean over the N = {d.n} examples: ∂C/∂b{_sup(l)} is their sum (the 1/N "
              f"is already in ∂C/∂a{_sup(3)})"] = want / d.n  # fmt: skip
    return found


def _shape_hints(kind: str, l: int, d: _Draw) -> dict[tuple[int, ...], str]:
    """What a wrong shape of ∂C/∂W⁽ˡ⁾ or ∂C/∂b⁽ˡ⁾ usually means."""
    rows, n = SIZES[l], d.n
    if kind == "W":
        return {
            (rows, n): f"it still has one column per example: ∂C/∂W{_sup(l)} is the matrix "
            f"product (∂C/∂z{_sup(l)}) a{_sup(l - 1)}ᵀ, which sums over the examples",
        }
    return {
        (rows,): "a bias's Jacobian is a column: sum with axis=1, keepdims=True",
        (rows, n): f"sum ∂C/∂z{_sup(l)} over the N examples (axis=1, keepdims=True): the "
        "bias is the same for every example",
        (1, n): "the sum is over the wrong axis: sum over the examples, axis=1",
        (n,): "the sum is over the wrong axis: sum over the examples, axis=1, keepdims=True",
        (): "the sum is over everything: sum over the examples only (axis=1, keepdims=True)",
    }


# --------------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------------


def _on_draws(name: str, verdict: Callable[[_Draw], Verdict]) -> Verdict:
    """The first failing verdict over the draws (labelled with the draw), else ✓."""
    return on_draws(name, _draws(), verdict)


def _check_d_sigma(namespace: Mapping[str, Any]) -> Verdict:
    function = namespace["d_sigma"]
    rng = np.random.default_rng(7)

    def verdict(d: _Draw) -> Verdict:
        for z in (d.z[1], d.z[3], rng.uniform(-6.0, 6.0, 9), np.float64(rng.uniform(-3, 3))):
            got = call(function, z)
            with np.errstate(all="ignore"):
                s = _sigma(np.atleast_1d(z)).reshape(np.shape(z))
                mistakes = {
                    "returned σ(z), not its derivative σ′(z) = σ(z)(1 − σ(z))": s,
                    "computes z(1 − z): σ′(z) = σ(z)(1 − σ(z)), with σ(z) where z is": z * (1 - z),
                    "returned 1 − σ(z): σ′(z) = σ(z)(1 − σ(z))": 1 - s,
                    "computes σ(z)(1 + σ(z)): σ′(z) = σ(z)(1 − σ(z))": s * (1 + s),
                }
            hint = "d_sigma acts element-wise: return an array shaped like z"
            v = compare("d_sigma", got, _sigma_prime(np.asarray(z)), mistakes=mistakes,
                        shapes={(): hint})  # fmt: skip
            if not v.ok:
                return v
        return v

    return _on_draws("d_sigma", verdict)


def _jacobian_check(kind: str, l: int) -> Check:
    name = f"J_{kind}{l}"
    what = "weight matrix" if kind == "W" else "bias column"

    def check(namespace: Mapping[str, Any]) -> Verdict:
        function = namespace[name]

        def verdict(d: _Draw) -> Verdict:
            got = call(function, d.x, d.y, list(d.W), list(d.b))
            want = (d.dW if kind == "W" else d.db)[l - 1]
            v = compare(name, got, want, mistakes=_mistakes(kind, l, d),
                        shapes=_shape_hints(kind, l, d))  # fmt: skip
            hinted = np.shape(got) in _shape_hints(kind, l, d)
            if not v.ok and v.feedback.startswith("returned shape") and not hinted:
                return Verdict(name, False, f"{v.feedback} (the shape of the {what} "
                                            f"{kind}{_sup(l)})")  # fmt: skip
            return v

        with verified_helpers(function, {"d_sigma": _d_sigma}):
            return _on_draws(name, verdict)

    check.__name__ = f"check_{name}"
    check.__doc__ = f"Check ``{name}(x, y, W, b)``: ∂C/∂{kind}{_sup(l)}, shaped like {kind}{l}."
    return check


#: The exercises, in the order of the assignment: name → check.
EXERCISES: dict[str, Check] = {
    "d_sigma": _check_d_sigma,
    "J_W3": _jacobian_check("W", 3),
    "J_b3": _jacobian_check("b", 3),
    "J_W2": _jacobian_check("W", 2),
    "J_b2": _jacobian_check("b", 2),
    "J_W1": _jacobian_check("W", 1),
    "J_b1": _jacobian_check("b", 1),
}
