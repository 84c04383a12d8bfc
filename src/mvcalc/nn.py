"""A small feed-forward neural network trained by the multivariate chain rule.

This is the course's backpropagation assignment made into a tool. The notation follows the course:
layer ``l`` holds a weight matrix ``W(l)`` of shape ``(n_l, n_{l-1})`` and a bias column ``b(l)``
of shape ``(n_l, 1)``; the data are stored column-wise, so the input ``a(0) = x`` has shape
``(n_0, N)`` for ``N`` training examples and the output ``a(L)`` has shape ``(n_L, N)``::

    z(l) = W(l) a(l-1) + b(l)          a(l) = σ(z(l))          C = ||a(L) - y||² / N

The backward pass in :meth:`Network.jacobians` is written line by line as the chain-rule factors

    ∂C/∂a(L) = 2 (a(L) - y) / N,   ∂a/∂z = σ'(z),   ∂z/∂a(l-1) = W(l),   ∂z/∂W(l) = a(l-1),
    ∂z/∂b(l) = 1,

so each line of code can be read against an equation of the course.

Speed comes from doing each of those things once: all parameters live in one flat vector (the
lists ``weights`` and ``biases`` are views into it), every intermediate array is preallocated, and
one training step is one forward pass, one backward pass and one vectorised update.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, SupportsIndex, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mvcalc._progress import Progress
from mvcalc._validate import (
    finite_array,
    finite_float,
    generator,
    memory,
    nonnegative_int,
    positive_float,
)
from mvcalc.calculus import difference_jacobian
from mvcalc.results import GradientCheck, TrainingHistory

__all__ = ["ACTIVATIONS", "Activation", "ForwardPass", "Network"]

FloatArray = NDArray[np.float64]


# --------------------------------------------------------------------------------------------
# Activation functions σ and their derivatives σ'. Each writes into a preallocated ``out``.
# The derivative receives both z and a = σ(z), so that it can use whichever is cheaper.
# --------------------------------------------------------------------------------------------


def _sigmoid(z: FloatArray, out: FloatArray) -> None:
    # σ(z) = 1 / (1 + exp(-z))
    np.negative(z, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)


def _sigmoid_prime(z: FloatArray, a: FloatArray, out: FloatArray) -> None:
    # σ'(z) = σ(z) (1 - σ(z)) = a (1 - a)
    np.subtract(1.0, a, out=out)
    out *= a


def _tanh(z: FloatArray, out: FloatArray) -> None:
    # σ(z) = tanh(z)
    np.tanh(z, out=out)


def _tanh_prime(z: FloatArray, a: FloatArray, out: FloatArray) -> None:
    # σ'(z) = 1 - tanh²(z) = 1 - a²
    np.multiply(a, a, out=out)
    np.subtract(1.0, out, out=out)


def _relu(z: FloatArray, out: FloatArray) -> None:
    # σ(z) = max(z, 0)
    np.maximum(z, 0.0, out=out)


def _relu_prime(z: FloatArray, a: FloatArray, out: FloatArray) -> None:
    # σ'(z) = 1 where z > 0, else 0 (the subgradient 0 is taken at z = 0)
    np.greater(z, 0.0, out=out, casting="unsafe")


@dataclass(frozen=True)
class Activation:
    """An activation function σ with its derivative σ', both writing into preallocated arrays."""

    name: str
    function: Callable[[FloatArray, FloatArray], None]
    derivative: Callable[[FloatArray, FloatArray, FloatArray], None]


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_prime),
    "tanh": Activation("tanh", _tanh, _tanh_prime),
    "relu": Activation("relu", _relu, _relu_prime),
}


class ForwardPass(NamedTuple):
    """Every weighted sum and activation of a forward pass, indexed by layer.

    ``a[l]`` is a(l) for l = 0..L, with ``a[0] = x``. ``z[l]`` is z(l) for l = 1..L; layer 0 has no
    weighted sum, so ``z[0]`` is x as well, which keeps ``z[l]`` and ``a[l]`` on the same index.
    """

    z: list[FloatArray]
    a: list[FloatArray]


class _ParameterList(Sequence[FloatArray]):
    """The live weights (or biases) of a network: views into its flat parameter vector.

    Reading an item gives the array itself, so in-place changes (``net.weights[0][:] = 0``)
    change the network. Assigning an item copies the new values into place after checking
    the shape, so ``net.weights[0] = W`` changes the network too.
    """

    def __init__(self, arrays: list[FloatArray], kind: str) -> None:
        self._arrays = arrays
        self._kind = kind

    @overload
    def __getitem__(self, index: SupportsIndex) -> FloatArray: ...
    @overload
    def __getitem__(self, index: slice) -> list[FloatArray]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> FloatArray | list[FloatArray]:
        return self._arrays[index]

    def __setitem__(self, index: SupportsIndex, value: ArrayLike) -> None:
        i = range(len(self._arrays))[index]  # negative indices too; IndexError when out of range
        self._arrays[i][...] = self._check(i, value)

    def assign_all(self, values: Sequence[ArrayLike]) -> None:
        """Copy a whole list of new values into place, checking every one before changing any."""
        values = list(values)
        if len(values) != len(self._arrays):
            raise ValueError(
                f"{self._kind} must be a list of {len(self._arrays)} arrays, got {len(values)}"
            )
        checked = [self._check(i, v) for i, v in enumerate(values)]
        for target, new in zip(self._arrays, checked, strict=True):
            target[...] = new

    def _check(self, index: int, value: ArrayLike) -> FloatArray:
        target = self._arrays[index]
        new = np.asarray(value, dtype=np.float64)
        if new.shape != target.shape:
            raise ValueError(
                f"{self._kind}[{index}] must have shape {target.shape}, got {new.shape}"
            )
        if not np.all(np.isfinite(new)):
            raise ValueError(f"{self._kind}[{index}] must be finite")
        return new

    def __len__(self) -> int:
        return len(self._arrays)

    def __iter__(self) -> Iterator[FloatArray]:
        return iter(self._arrays)

    def __repr__(self) -> str:
        return f"[{', '.join(repr(a) for a in self._arrays)}]"


class _Workspace:
    """Preallocated arrays for N examples: every z(l), a(l) and the backward-pass buffers."""

    def __init__(self, sizes: Sequence[int], n: int) -> None:
        self.n = n
        self.z = [np.empty((k, n)) for k in sizes]
        self.a = [np.empty((k, n)) for k in sizes]
        self.da_dz = [np.empty((k, n)) for k in sizes]
        self.dC_dz = [np.empty((k, n)) for k in sizes]
        self.dC_da = [np.empty((k, n)) for k in sizes]
        # a(L) − y for the cost, apart from the backward pass's buffers: computing C never
        # touches what backpropagation uses, and backpropagation never needs C computed first
        self.residual = np.empty((sizes[-1], n))
        # ∂z/∂b = 1: summing ∂C/∂z over the N examples is a product with a column of ones.
        self.ones = np.ones((n, 1))


class Network:
    """A fully connected feed-forward network, trained by backpropagation.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths ``[n0, n1, ..., nL]``: ``n0`` inputs, ``nL`` outputs, at least two layers.
    activation : {"sigmoid", "tanh", "relu"}, optional
        The activation σ used in every layer (the course uses the sigmoid, the default).
    seed : int or numpy.random.Generator, optional
        Seeds the initialisation. As in the course, every weight and bias is drawn from a
        standard normal distribution and divided by 2.

    Attributes
    ----------
    sizes : tuple of int
        The layer widths.
    weights, biases : sequence of ndarray
        ``weights[l-1]`` is W(l) with shape ``(n_l, n_{l-1})`` and ``biases[l-1]`` is b(l) with
        shape ``(n_l, 1)``. They are the live parameters: changing them changes the network.
    activation : str
        The name of the activation function.

    Notes
    -----
    With σ applied element-wise, the network computes

    .. math:: a^{(l)} = σ(z^{(l)}), \\quad z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)},
              \\quad C = \\frac{1}{N} \\lVert a^{(L)} - y \\rVert^2 .

    References
    ----------
    .. [1] M. P. Deisenroth, A. A. Faisal, C. S. Ong, *Mathematics for Machine Learning*,
       Cambridge University Press, 2020, §5.6 (backpropagation).

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> net = mc.Network([1, 6, 7, 2], seed=0)
    >>> x, y = mc.datasets.heart_curve()
    >>> net(x).shape
    (2, 100)
    >>> dW, db = net.jacobians(x, y)
    >>> [w.shape for w in dW]
    [(6, 1), (7, 6), (2, 7)]
    >>> net.gradient_check(x, y).ok
    True
    """

    def __init__(
        self,
        sizes: Sequence[int],
        *,
        activation: str = "sigmoid",
        seed: int | np.random.Generator | None = None,
    ) -> None:
        self.sizes = _validate_sizes(sizes)
        if not isinstance(activation, str):
            raise TypeError(f"activation must be a string, got {type(activation).__name__}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        self.activation = activation
        self._sigma = ACTIVATIONS[activation]
        rng = generator(seed, "seed")

        # All parameters in one flat vector θ = (W1, b1, W2, b2, ...); weights and biases are views.
        shapes: list[tuple[int, int]] = []
        for n_prev, n in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            shapes += [(n, n_prev), (n, 1)]
        self._shapes = shapes
        self._theta: FloatArray = np.empty(sum(r * c for r, c in shapes))
        views = _split(self._theta, shapes)
        self._W, self._b = views[0::2], views[1::2]
        self._weights = _ParameterList(self._W, "weights")
        self._biases = _ParameterList(self._b, "biases")
        # The course's initialisation: standard normal / 2, layer by layer, W then b.
        for view in views:
            view[...] = rng.standard_normal(view.shape) / 2
        # Which parameter array (W1, b1, W2, ...) each element of θ belongs to.
        self._owner = np.repeat(np.arange(len(shapes)), [r * c for r, c in shapes])
        self._workspaces: dict[int, _Workspace] = {}

    # ----------------------------------------------------------------------------------------
    @property
    def weights(self) -> _ParameterList:
        """W(1), ..., W(L): the live weight matrices (assigning copies into place)."""
        return self._weights

    @weights.setter
    def weights(self, values: Sequence[ArrayLike]) -> None:
        self._weights.assign_all(values)

    @property
    def biases(self) -> _ParameterList:
        """b(1), ..., b(L): the live bias columns (assigning copies into place)."""
        return self._biases

    @biases.setter
    def biases(self, values: Sequence[ArrayLike]) -> None:
        self._biases.assign_all(values)

    @property
    def n_layers(self) -> int:
        """The number of weight layers L (the input layer is not counted)."""
        return len(self.sizes) - 1

    @property
    def n_parameters(self) -> int:
        """The total number of weights and biases."""
        return int(self._theta.size)

    def __repr__(self) -> str:
        return f"Network({list(self.sizes)}, activation={self.activation!r})"

    def __getstate__(self) -> dict[str, Any]:
        """What pickling and copying keep: the sizes, the activation and θ. (Copied as they are,
        the weights and biases would stop being views of θ, and training would not move them.)"""
        return {"sizes": self.sizes, "activation": self.activation, "theta": self._theta.copy()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["sizes"], activation=state["activation"], seed=0)  # type: ignore[misc]
        self._theta[...] = state["theta"]

    # ----------------------------------------------------------------------------------------
    def _workspace(self, n: int) -> _Workspace:
        ws = self._workspaces.get(n)
        if ws is None:
            cells = n * (5 * sum(self.sizes) + self.sizes[-1])  # 5 arrays a layer, the residual
            memory(8.0 * cells, f"{n} examples through {list(self.sizes)}")
            if len(self._workspaces) >= 4:  # bounded: keep the most recent few batch sizes
                self._workspaces.pop(next(iter(self._workspaces)))
            ws = self._workspaces[n] = _Workspace(self.sizes, n)
        return ws

    def _forward(self, x: FloatArray, ws: _Workspace) -> FloatArray:
        """The forward pass into the workspace; returns a(L)."""
        z, a, W, b, sigma = ws.z, ws.a, self._W, self._b, self._sigma.function
        a[0] = x
        for l in range(1, len(self.sizes)):
            # z(l) = W(l) a(l-1) + b(l)
            np.dot(W[l - 1], a[l - 1], out=z[l])
            z[l] += b[l - 1]
            # a(l) = σ(z(l))
            sigma(z[l], a[l])
        return a[-1]

    def _backward(
        self, y: FloatArray, ws: _Workspace, dW: list[FloatArray], db: list[FloatArray]
    ) -> None:
        """The backward pass after :meth:`_forward`: writes ∂C/∂W(l), ∂C/∂b(l) into dW, db."""
        z, a, da_dz, dC_dz, dC_da = ws.z, ws.a, ws.da_dz, ws.dC_dz, ws.dC_da
        L = len(self.sizes) - 1
        # ∂C/∂a(L) = 2 (a(L) - y) / N
        np.subtract(a[L], y, out=dC_da[L])
        dC_da[L] *= 2.0 / ws.n
        for l in range(L, 0, -1):
            # ∂a/∂z = σ'(z(l))
            self._sigma.derivative(z[l], a[l], da_dz[l])
            # ∂C/∂z(l) = ∂C/∂a(l) ∂a/∂z
            np.multiply(dC_da[l], da_dz[l], out=dC_dz[l])
            # ∂C/∂W(l) = ∂C/∂z(l) ∂z/∂W(l),    with ∂z/∂W(l) = a(l-1)
            np.dot(dC_dz[l], a[l - 1].T, out=dW[l - 1])
            # ∂C/∂b(l) = ∂C/∂z(l) ∂z/∂b(l),    with ∂z/∂b(l) = 1, summed over the examples
            np.dot(dC_dz[l], ws.ones, out=db[l - 1])
            if l > 1:
                # ∂C/∂a(l-1) = ∂z/∂a(l-1)ᵀ ∂C/∂z(l),    with ∂z/∂a(l-1) = W(l)
                np.dot(self._W[l - 1].T, dC_dz[l], out=dC_da[l - 1])

    @staticmethod
    def _cost(a_L: FloatArray, y: FloatArray, ws: _Workspace) -> float:
        # C = ||a(L) - y||² / N
        r = np.subtract(a_L, y, out=ws.residual).ravel()
        return float(np.dot(r, r)) / ws.n

    # ----------------------------------------------------------------------------------------
    def forward(self, x: ArrayLike) -> ForwardPass:
        """Run the network on ``x`` and return every weighted sum z(l) and activation a(l).

        Parameters
        ----------
        x : array_like, shape (n0, N)
            N inputs, one per column.

        Returns
        -------
        ForwardPass
            ``(z, a)``: lists indexed by layer, ``a[0] = x`` and ``a[L]`` the output
            (``z[0]`` is also x, since layer 0 has no weighted sum).

        Examples
        --------
        >>> import mvcalc as mc
        >>> net = mc.Network([1, 3, 2], seed=1)
        >>> z, a = net.forward([[0.0, 0.5, 1.0]])
        >>> [arr.shape for arr in a]
        [(1, 3), (3, 3), (2, 3)]
        >>> bool(((a[-1] > 0) & (a[-1] < 1)).all())  # a sigmoid output lies in (0, 1)
        True
        """
        xa = self._check_x(x)
        ws = _Workspace(self.sizes, xa.shape[1])  # fresh arrays: the caller keeps them
        with np.errstate(over="ignore"):
            self._forward(xa.copy(), ws)
        ws.z[0] = ws.a[0]
        return ForwardPass(z=ws.z, a=ws.a)

    def __call__(self, x: ArrayLike) -> FloatArray:
        """The network's output a(L) for inputs ``x`` of shape ``(n0, N)``.

        Examples
        --------
        >>> import mvcalc as mc
        >>> mc.Network([2, 4, 1], seed=0)([[0.0, 1.0], [1.0, 0.0]]).shape
        (1, 2)
        """
        return self.forward(x).a[-1]

    def cost(self, x: ArrayLike, y: ArrayLike) -> float:
        """The cost C = ||a(L) − y||² / N of the network on the data ``(x, y)``.

        Parameters
        ----------
        x : array_like, shape (n0, N)
        y : array_like, shape (nL, N)

        Returns
        -------
        float

        Examples
        --------
        >>> import numpy as np
        >>> import mvcalc as mc
        >>> net = mc.Network([1, 2], seed=0)
        >>> x = np.array([[0.0, 1.0]])
        >>> y = net(x)
        >>> net.cost(x, y)
        0.0
        """
        xa, ya = self._check_xy(x, y)
        ws = self._workspace(xa.shape[1])
        with np.errstate(over="ignore"):
            return self._cost(self._forward(xa, ws), ya, ws)

    def jacobians(self, x: ArrayLike, y: ArrayLike) -> tuple[list[FloatArray], list[FloatArray]]:
        """The Jacobians ∂C/∂W(l) and ∂C/∂b(l) of the cost, for every layer.

        One forward pass and one backward pass (backpropagation) give them all.

        Parameters
        ----------
        x : array_like, shape (n0, N)
        y : array_like, shape (nL, N)

        Returns
        -------
        dW, db : list of ndarray
            Shaped like ``weights`` and ``biases``: ``dW[l-1]`` is ∂C/∂W(l).

        Notes
        -----
        With δ(l) = ∂C/∂z(l), the chain rule gives

        .. math:: δ^{(L)} = \\frac{2}{N}(a^{(L)} - y) \\odot σ'(z^{(L)}), \\quad
                  δ^{(l-1)} = (W^{(l)\\top} δ^{(l)}) \\odot σ'(z^{(l-1)}),

        .. math:: \\frac{∂C}{∂W^{(l)}} = δ^{(l)} a^{(l-1)\\top}, \\quad
                  \\frac{∂C}{∂b^{(l)}} = δ^{(l)} \\mathbf{1}.

        Examples
        --------
        >>> import numpy as np
        >>> import mvcalc as mc
        >>> net = mc.Network([1, 1], seed=0)   # a single sigmoid neuron
        >>> x, y = np.array([[1.0]]), np.array([[0.0]])
        >>> dW, db = net.jacobians(x, y)
        >>> a = net(x)[0, 0]
        >>> bool(np.isclose(db[0][0, 0], 2 * a * a * (1 - a)))  # 2(a − y) σ'(z) · 1
        True
        """
        xa, ya = self._check_xy(x, y)
        ws = self._workspace(xa.shape[1])
        grad = np.empty_like(self._theta)  # fresh: the caller keeps the result
        views = _split(grad, self._shapes)
        dW, db = views[0::2], views[1::2]
        with np.errstate(over="ignore"):
            self._forward(xa, ws)
            self._backward(ya, ws, dW, db)
        return dW, db

    def gradient_check(
        self, x: ArrayLike, y: ArrayLike, *, h: float = 1e-6, rtol: float = 1e-5
    ) -> GradientCheck:
        """Compare :meth:`jacobians` with central differences of the cost.

        Each parameter θᵢ is nudged by ±h and ∂C/∂θᵢ ≈ (C(θ + h eᵢ) − C(θ − h eᵢ)) / 2h.

        Parameters
        ----------
        x : array_like, shape (n0, N)
        y : array_like, shape (nL, N)
        h : float, optional
            The finite-difference step.
        rtol : float, optional
            The check passes when every difference is within ``rtol`` of the largest
            Jacobian entry (plus a few times the truncation and round-off error).

        Returns
        -------
        GradientCheck
            ``analytic`` and ``numeric`` as flat vectors (W1, b1, W2, b2, ...),
            ``max_abs_error``, ``max_rel_error`` and ``ok``.

        Examples
        --------
        >>> import numpy as np
        >>> import mvcalc as mc
        >>> net = mc.Network([2, 3, 1], activation="tanh", seed=0)
        >>> rng = np.random.default_rng(0)
        >>> x, y = rng.normal(size=(2, 5)), rng.normal(size=(1, 5))
        >>> check = net.gradient_check(x, y)
        >>> check.ok, check.max_abs_error < 1e-8
        (True, True)
        """
        xa, ya = self._check_xy(x, y)
        h = positive_float(h, "h")
        rtol = positive_float(rtol, "rtol")
        dW, db = self.jacobians(xa, ya)
        analytic = np.concatenate([g.ravel() for pair in zip(dW, db, strict=True) for g in pair])
        ws = self._workspace(xa.shape[1])
        theta = self._theta
        saved = theta.copy()

        def cost_at(t: FloatArray) -> float:
            theta[...] = t
            return self._cost(self._forward(xa, ws), ya, ws)

        try:
            with np.errstate(over="ignore"):
                numeric = difference_jacobian(cost_at, saved, method="central", h=h)
        finally:
            theta[...] = saved
        diff = np.abs(analytic - numeric)
        scale = max(float(np.max(np.abs(analytic), initial=0.0)), 1e-300)
        c0 = self.cost(xa, ya)
        # Round-off in a central difference is about eps·C/h; allow a generous multiple of it.
        tolerance = rtol * scale + 100 * np.finfo(float).eps * max(c0, 1.0) / h
        return GradientCheck(
            analytic=analytic,
            numeric=numeric,
            max_abs_error=float(diff.max(initial=0.0)),
            max_rel_error=float(diff.max(initial=0.0)) / scale,
            ok=bool(np.all(diff <= tolerance)),
        )

    # ----------------------------------------------------------------------------------------
    def train(
        self,
        x: ArrayLike,
        y: ArrayLike,
        *,
        iterations: int = 10000,
        aggression: float = 7.0,
        noise: float = 1.0,
        seed: int | np.random.Generator | None = None,
        record_every: int = 100,
        progress: bool = False,
    ) -> TrainingHistory:
        """Train by the course's stochastic steepest descent.

        Each step computes every Jacobian J by backpropagation, multiplies each parameter's
        Jacobian by its own random factor ``(1 + noise · ξ)`` with ξ ~ N(0, 1), and moves the
        parameter by ``−aggression`` times that.

        Parameters
        ----------
        x : array_like, shape (n0, N)
        y : array_like, shape (nL, N)
        iterations : int, optional
            The number of steps (0 is allowed and records the starting point).
        aggression : float, optional
            The step-size multiplier (the course's name for the learning rate).
        noise : float, optional
            The spread of the random factor; 0 gives plain steepest descent.
        seed : int or numpy.random.Generator, optional
            Seeds the noise.
        record_every : int, optional
            Record the cost and the network's output every this many steps (and at the end).
        progress : bool, optional
            Show a progress bar on standard error when it is a terminal.

        Returns
        -------
        TrainingHistory
            ``steps``, ``cost`` and ``outputs`` at each recorded step, ``initial_cost``,
            ``final_cost``, ``iterations`` done, ``seconds``, ``converged``, ``status`` and
            ``message``.

        Notes
        -----
        If the cost becomes non-finite, training stops, the parameters are put back to the last
        step whose cost was finite, and ``status`` is ``"non-finite"``. A run whose final cost
        is above its first is ``"diverged"``. A network whose output ends the same for every
        input while the targets vary has learned nothing — its units dead (relu off for every
        input) or saturated (σ' ≈ 0), so no gradient reaches them — and is ``"stalled"``, never
        ``"converged"`` even though its gradient vanishes; the message says which layer and what
        to change. Otherwise the status is ``"converged"`` only when
        the gradient of the cost has vanished, max |∂C/∂θᵢ|·max(|θᵢ|, 1) ≤ 10⁻⁸·C (a test that
        can under-claim near a perfect fit, never over-claim), and ``"max-iter"`` when the
        steps simply ran out — the usual outcome of the course's fixed number of steps.

        Examples
        --------
        >>> import mvcalc as mc
        >>> x, y = mc.datasets.heart_curve()
        >>> net = mc.Network([1, 6, 7, 2], seed=0)
        >>> history = net.train(x, y, iterations=2000, seed=0, record_every=500)
        >>> history.steps.tolist()
        [0, 500, 1000, 1500, 2000]
        >>> bool(history.final_cost < history.initial_cost)
        True
        """
        xa, ya = self._check_xy(x, y)
        iterations = nonnegative_int(iterations, "iterations")
        record_every = nonnegative_int(record_every, "record_every")
        if record_every == 0:
            raise ValueError("record_every must be a positive integer, got 0")
        aggression = finite_float(aggression, "aggression")
        noise = finite_float(noise, "noise")
        if noise < 0:
            raise ValueError(f"noise must be non-negative, got {noise}")
        rng = generator(seed, "seed")

        ws = self._workspace(xa.shape[1])
        theta, owner, n_arrays = self._theta, self._owner, len(self._shapes)
        grad = np.empty_like(theta)
        views = _split(grad, self._shapes)
        dW, db = views[0::2], views[1::2]
        previous = theta.copy()  # θ of the last step whose cost was finite

        steps: list[int] = []
        costs: list[float] = []
        outputs: list[FloatArray] = []
        bar = Progress(iterations, "training", enabled=progress)
        message = f"completed {iterations} iterations"
        finite = True
        k = 0
        start = time.perf_counter()
        with np.errstate(over="ignore", invalid="ignore"):
            while True:
                a_L = self._forward(xa, ws)
                cost = self._cost(a_L, ya, ws)
                if not math.isfinite(cost):
                    finite = False
                    if k == 0:
                        message = f"the cost is {cost} at the starting parameters; nothing changed"
                        break
                    theta[...] = previous
                    message = (
                        f"stopped at step {k}: the cost became non-finite ({cost}); "
                        f"parameters kept from step {k - 1}, the last with a finite cost"
                    )
                    k -= 1
                    break
                if k % record_every == 0 or k == iterations:
                    steps.append(k)
                    costs.append(cost)
                    outputs.append(a_L.copy())
                    bar.update(k, f"cost {cost:.4g}")
                if k == iterations:
                    break
                previous[...] = theta
                self._backward(ya, ws, dW, db)
                # J ← J (1 + noise ξ), one ξ ~ N(0, 1) per parameter array;  θ ← θ − aggression J
                # (drawn as aggression (1 + noise ξ) ~ N(aggression, |aggression| noise))
                factor = rng.normal(aggression, abs(aggression) * noise, n_arrays)
                step = factor[owner]  # each element of θ takes its array's factor
                step *= grad
                theta -= step
                k += 1
            seconds = time.perf_counter() - start
            if not steps or steps[-1] != k:  # stopped early: record where the parameters are
                a_L = self._forward(xa, ws)
                steps.append(k)
                costs.append(self._cost(a_L, ya, ws))
                outputs.append(a_L.copy())
            status, message = self._training_status(xa, ya, ws, finite, costs, message,
                                                    aggression)  # fmt: skip
        bar.close()
        return TrainingHistory(
            steps=np.array(steps, dtype=np.int64),
            cost=np.array(costs),
            outputs=outputs,
            x=xa.copy(),
            y=ya.copy(),
            iterations=k,
            seconds=seconds,
            converged=status == "converged",
            status=status,
            message=message,
        )

    def _training_status(
        self,
        x: FloatArray,
        y: FloatArray,
        ws: _Workspace,
        finite: bool,
        costs: list[float],
        message: str,
        aggression: float,
    ) -> tuple[str, str]:
        """Why training stopped: a non-finite cost, a cost that rose ("diverged"), a network
        whose outputs no longer depend on its input ("stalled": dead or saturated units), a
        vanished gradient (scale-aware: max |∂C/∂θᵢ|·max(|θᵢ|, 1) ≤ 10⁻⁸·C), or simply the
        last step ("max-iter")."""
        if not finite:
            return "non-finite", message
        flat = self._flat_outputs(x, y, aggression)
        if len(costs) > 1 and costs[-1] > costs[0]:
            rose = f"{message}, but the cost rose from {costs[0]:.6g} to {costs[-1]:.6g}"
            if flat is None:
                return "diverged", f"{rose}: the steps are too large (try a smaller aggression)"
            return "diverged", f"{rose}, and {flat}"
        if flat is not None:
            return "stalled", f"{message}, but {flat}"
        dW, db = self.jacobians(x, y)
        gradient = np.concatenate([g.ravel() for pair in zip(dW, db, strict=True) for g in pair])
        relative = float(np.max(np.abs(gradient) * np.maximum(np.abs(self._theta), 1.0)))
        if relative <= 1e-8 * costs[-1] or costs[-1] == 0.0:
            return "converged", f"{message}: the cost's gradient vanished (a minimum)"
        return "max-iter", f"{message}; the gradient of the cost is not yet zero"

    def _flat_outputs(self, x: FloatArray, y: FloatArray, aggression: float) -> str | None:
        """Why the network has learned nothing, in words, when an output is the same for every
        input while its targets are not (its spread over the inputs at most 10⁻³ of the
        targets', the inputs not all the same); else None. Names the first layer whose units
        pass no gradient back — relu units off for every input ("dead"), sigmoid or tanh units
        with σ'(z) < 10⁻⁶ for every input ("saturated") — and hints at what to change."""
        if not np.any(np.ptp(x, axis=1) > 0):
            return None  # one input, repeated: no network can tell its examples apart
        z, a = self.forward(x)
        target = np.ptp(y, axis=1)
        flat = (target > 0) & (np.ptp(a[-1], axis=1) <= 1e-3 * target)
        if not flat.any():
            return None
        level = a[-1].mean(axis=1)
        if flat[target > 0].all():
            where = ", ".join(f"{v:.3g}" for v in level)
            text = f"the network's output is the same for every input (a(L) ≈ ({where}))"
            units = np.ones(self.sizes[-1], dtype=bool)  # look for a layer blocked throughout
        else:
            which = ", ".join(f"{i + 1} (≈ {level[i]:.3g})" for i in np.flatnonzero(flat))
            text = f"output {which} of the network is the same for every input"
            units = flat  # look at those output units only
        text += ": it has learned nothing of how y depends on x"
        dead = "dead (z ≤ 0 for every input, so relu passes nothing back)"
        saturated = (f"saturated (σ'(z) < 1e-6 for every input, so {self.activation} passes "
                     "almost nothing back)")  # fmt: skip
        what = dead if self.activation == "relu" else saturated
        L = len(self.sizes) - 1
        for l in range(1, L + 1):
            slope = np.empty_like(z[l])
            self._sigma.derivative(z[l], a[l], slope)
            blocked = np.all(np.abs(slope) < 1e-6, axis=1)
            if l == L and not units.all():
                if blocked[units].all():
                    text += f"; its unit in the output layer is {what}"
                break
            if blocked.all():
                layer = "the output layer" if l == L else f"hidden layer {l}"
                text += f"; every unit of {layer} is {what}"
                break
        text += f": try a smaller aggression than {aggression:g}"
        if self.activation != "sigmoid" and np.all((y >= 0) & (y <= 1)):
            text += (", or activation 'sigmoid', whose outputs lie in (0, 1) like these "
                     "targets")  # fmt: skip
        return text

    # ----------------------------------------------------------------------------------------
    def _check_x(self, x: ArrayLike, name: str = "x") -> FloatArray:
        xa = _as_float_2d(x, name)
        if xa.shape[0] != self.sizes[0]:
            raise ValueError(
                f"{name} must have shape (n0, N) = ({self.sizes[0]}, N) for this network, "
                f"got {xa.shape}"
            )
        return xa

    def _check_xy(self, x: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
        xa = self._check_x(x)
        ya = _as_float_2d(y, "y")
        if ya.shape != (self.sizes[-1], xa.shape[1]):
            raise ValueError(
                f"y must have shape (nL, N) = ({self.sizes[-1]}, {xa.shape[1]}) to match x of "
                f"shape {xa.shape}, got {ya.shape}"
            )
        return xa, ya


# --------------------------------------------------------------------------------------------
# Parameter views
# --------------------------------------------------------------------------------------------


def _split(flat: FloatArray, shapes: Sequence[tuple[int, int]]) -> list[FloatArray]:
    """Views of consecutive pieces of ``flat`` with the given shapes."""
    views, start = [], 0
    for r, c in shapes:
        views.append(flat[start : start + r * c].reshape(r, c))
        start += r * c
    return views


# --------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------


def _validate_sizes(sizes: Any) -> tuple[int, ...]:
    if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence | np.ndarray):
        raise TypeError(f"sizes must be a sequence of layer widths, got {type(sizes).__name__}")
    out = []
    for i, s in enumerate(sizes):
        if isinstance(s, bool) or not isinstance(s, int | np.integer):
            raise TypeError(f"sizes[{i}] must be an integer, got {s!r}")
        if s < 1:
            raise ValueError(f"sizes[{i}] must be a positive layer width, got {s}")
        out.append(int(s))
    if len(out) < 2:
        raise ValueError(f"sizes must list at least two layers (inputs and outputs), got {out}")
    n_parameters = sum(m * (n + 1) for n, m in itertools.pairwise(out))
    memory(8.0 * 6 * n_parameters, f"a network of sizes {out}")  # θ, ∇θ and training copies
    return tuple(out)


def _as_float_2d(value: ArrayLike, name: str) -> FloatArray:
    arr = finite_array(value, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D with one example per column, got shape {arr.shape}")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} must hold at least one example (column), got shape {arr.shape}")
    return arr
