"""Exact derivatives of NumPy code: automatic differentiation, forward and reverse.

A function written with NumPy is run on boxes that follow its operations, and the chain rule is
applied to each — so the derivatives are exact, to rounding, at the cost of a few evaluations.

- **Reverse mode** (:mod:`mvcalc.autodiff.reverse`) records the operations and then sends
  derivatives from the output back to the inputs: backpropagation. The gradient of a scalar
  costs a few evaluations of f whatever the number of inputs — a million weights cost about as
  much as one. :func:`grad`, :func:`value_and_grad` and :func:`vjp` work this way.
- **Forward mode** (:mod:`mvcalc.autodiff.forward`) carries derivatives along with the values
  (dual numbers). It wins for few inputs: :func:`jvp`, and the Jacobian of f: Rⁿ → Rᵐ with
  n ≤ m (as :func:`mvcalc.fit` needs).

The transforms compose, as JAX's do: :func:`hessian` is the forward-mode Jacobian of the
reverse-mode gradient, and ``grad(grad(f))`` is the second derivative of f: R → R. What a
transform cannot follow (``math.sin`` on a traced value, an operation without a rule) raises
``TypeError`` naming it; a derivative is never dropped silently.

Examples
--------
>>> import numpy as np
>>> import mvcalc as mc
>>> loss = lambda w: np.sum(np.tanh(w) ** 2)
>>> mc.grad(loss)(np.zeros(1_000_000)).shape       # one backward pass, not a million
(1000000,)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from mvcalc import _validate
from mvcalc.autodiff import forward, reverse
from mvcalc.autodiff._box import Box, lift, new_tag, shape_of
from mvcalc.autodiff.forward import Dual
from mvcalc.autodiff.reverse import Traced

__all__ = [
    "Box",
    "Dual",
    "Traced",
    "grad",
    "hessian",
    "jacobian",
    "jvp",
    "primal",
    "supported",
    "value_and_grad",
    "vjp",
]

MODES = ("auto", "forward", "reverse")
_np: Any = np  # NumPy's stubs do not know that its functions dispatch to boxes


def supported() -> list[str]:
    """The NumPy functions and ufuncs that both modes differentiate, by name.

    Examples
    --------
    >>> from mvcalc import autodiff
    >>> {"sin", "matmul", "max", "where"} <= set(autodiff.supported())
    True
    """
    from mvcalc.autodiff._box import VALUE_ONLY

    def names(table: dict[Any, Any]) -> set[str]:
        return {getattr(f, "__name__", str(f)) for f in table}

    both = (names(Dual.UFUNCS) & names(Traced.UFUNCS)) | names(dict.fromkeys(VALUE_ONLY))
    return sorted(both | (names(Dual.FUNCTIONS) & names(Traced.FUNCTIONS)))


def primal(x: Any) -> Any:
    """The plain value inside a (possibly nested) box of a differentiation pass.

    Library code uses it to check the values it is given while it is being differentiated.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc import autodiff
    >>> float(autodiff.primal(autodiff.Traced(np.array(2.5), tag=10**9)))
    2.5
    """
    while isinstance(x, Box):
        x = x.value
    array = np.asarray(x)
    return array[()] if array.ndim == 0 else x


# ------------------------------------------------------------------------------------------
# Inputs: arrays, or (for the reverse-mode transforms) tuples, lists and dicts of arrays
# ------------------------------------------------------------------------------------------


def _check_callable(f: Any) -> None:
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")


def _array(x: Any, name: str) -> Any:
    """x as a finite float array (of any shape), or a box of an outer pass as it is."""
    return x if isinstance(x, Box) else _validate.finite_array(x, name)


def _is_tree(x: Any) -> bool:
    """A dict, or a tuple/list holding arrays or dicts (a list of plain numbers, or of lists of
    numbers, is one array)."""
    if isinstance(x, dict):
        return True
    return isinstance(x, tuple | list) and any(
        isinstance(item, np.ndarray | Box | dict | tuple)
        or (isinstance(item, list) and _is_tree(item))
        for item in x
    )


def _flatten(x: Any, name: str) -> tuple[list[Any], Callable[[list[Any]], Any]]:
    """The arrays in x, and how to put arrays back in x's structure."""
    if isinstance(x, dict):
        keys = list(x)
        parts = [_flatten(x[k], f"{name}[{k!r}]") for k in keys]
    elif _is_tree(x):
        keys = list(range(len(x)))
        parts = [_flatten(item, f"{name}[{i}]") for i, item in enumerate(x)]
    else:
        return [_array(x, name)], lambda leaves: leaves[0]
    sizes = [len(leaves) for leaves, _ in parts]

    def rebuild(leaves: list[Any]) -> Any:
        items, start = [], 0
        for (_, build), size in zip(parts, sizes, strict=True):
            items.append(build(leaves[start : start + size]))
            start += size
        if isinstance(x, dict):
            return dict(zip(keys, items, strict=True))
        return type(x)(items) if isinstance(x, tuple) else items

    return [leaf for leaves, _ in parts for leaf in leaves], rebuild


def _output(out: Any) -> Any:
    """f's result as one box or array (lists of boxes are stacked)."""
    out = lift(out)
    if isinstance(out, list | tuple) and any(isinstance(o, Box) for o in out):
        return lift(np.array(out, dtype=object)) if out else out
    return out


class _Recorded(NamedTuple):
    """One run of f on traced inputs."""

    out: Any  # what f returned (a Traced of this pass, or a constant)
    inputs: list[Traced]
    rebuild: Callable[[list[Any]], Any]  # arrays back into x's structure
    tag: int
    tape: list[Traced]

    @property
    def value(self) -> Any:
        on_tape = isinstance(self.out, Traced) and self.out.tag == self.tag
        return self.out.value if on_tape else self.out

    def pull(self, cotangent: Any) -> list[Any]:
        """∂C/∂input for every input, from ∂C/∂out (zeros where f does not depend on it)."""
        out = self.out
        if isinstance(out, Traced) and out.tag == self.tag:
            grads = reverse.backward(out, cotangent, self.inputs, self.tape)
        else:  # f does not depend on x (a constant, or a value of an outer pass)
            grads = [None] * len(self.inputs)
        result: list[Any] = []
        for g, x in zip(grads, self.inputs, strict=True):
            if g is None:
                g = np.zeros(x.shape)
            elif not isinstance(g, Box):  # the user's own writable array of x's shape
                g = np.asarray(g, dtype=np.float64)
                if g.shape != x.shape:
                    g = np.broadcast_to(g, x.shape)
                if not g.flags.writeable or g.base is not None or any(g is r for r in result):
                    g = g.copy()
            result.append(g)
        return result


def _trace(f: Callable[..., Any], x: Any, args: Any, kwargs: Any, name: str = "x") -> _Recorded:
    """Run f once on traced inputs, recording what it does."""
    leaves, rebuild = _flatten(x, name)
    tag = new_tag()
    with reverse.recording(tag) as tape:
        inputs = [Traced(leaf, tag) for leaf in leaves]
        out = _output(f(rebuild(inputs), *args, **kwargs))
    if isinstance(out, Box) and out.tag > tag:
        raise ValueError("f returned a value of an inner differentiation: nest the transforms")
    return _Recorded(out, inputs, rebuild, tag, tape)


def _plain(value: Any) -> Any:
    """A 0-d array as a float; arrays and boxes as they are."""
    if isinstance(value, Box):
        return value
    array = np.asarray(value, dtype=np.float64)
    return float(array) if array.ndim == 0 else array


def _value_and_grad(f: Callable[..., Any], x: Any, args: Any, kwargs: Any,
                    what: str) -> tuple[Any, Any]:  # fmt: skip
    run = _trace(f, x, args, kwargs)
    value = run.value
    if shape_of(value) != ():
        raise ValueError(
            f"f must return a scalar for {what}, got shape {shape_of(value)}; use jacobian or vjp"
        )
    return _plain(value), _shaped_like_x(x, run, run.pull(_ONE))


_ONE = np.ones(())


def _shaped_like_x(x: Any, run: _Recorded, grads: list[Any]) -> Any:
    """The derivatives in x's structure; a number for a number."""
    if not _is_tree(x):
        return _plain(grads[0]) if shape_of(grads[0]) == () else grads[0]
    return run.rebuild([_plain(g) if shape_of(g) == () else g for g in grads])


# ------------------------------------------------------------------------------------------
# The transforms
# ------------------------------------------------------------------------------------------


def grad(f: Callable[..., Any]) -> Callable[..., Any]:
    """The gradient ∇f of a scalar function, exactly, by reverse-mode AD (backpropagation).

    f runs once while its operations are recorded; one backward pass then gives every
    ∂f/∂xᵢ. The cost is a few evaluations of f, however many inputs there are.

    Parameters
    ----------
    f : callable
        f(x, *args, **kwargs) → scalar, written with NumPy. x is a number, an array of any
        shape, or a tuple, list or dict of arrays (a model's parameters); f is differentiated
        with respect to x only.

    Returns
    -------
    callable
        g(x, *args, **kwargs) → ∇f(x), shaped like x: a float when x is a number (then g = f'),
        an array shaped like x, or the same tuple/list/dict of arrays.

    See Also
    --------
    value_and_grad : f(x) and ∇f(x) from the same pass.
    jacobian : for f with several outputs; hessian : second derivatives.

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> g = mc.grad(lambda v: v[0] ** 2 * np.sin(v[1]))
    >>> g([3.0, 0.0])
    array([0., 9.])
    >>> mc.grad(np.sin)(0.0)
    1.0
    >>> loss = lambda p, x: np.sum((p["w"] * x + p["b"]) ** 2)
    >>> mc.grad(loss)({"w": 1.0, "b": 0.5}, np.array([1.0, 2.0]))
    {'w': 13.0, 'b': 8.0}
    """
    _check_callable(f)

    @functools.wraps(f)
    def g(x: Any, *args: Any, **kwargs: Any) -> Any:
        return _value_and_grad(f, x, args, kwargs, "grad")[1]

    return g


def value_and_grad(f: Callable[..., Any]) -> Callable[..., Any]:
    """f(x) and its gradient ∇f(x) from one recorded pass (reverse mode).

    Parameters
    ----------
    f : callable
        As for :func:`grad`.

    Returns
    -------
    callable
        h(x, *args, **kwargs) → (f(x), ∇f(x)), the gradient shaped like x.

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> value, gradient = mc.value_and_grad(lambda w: np.sum(w**3))(np.array([1.0, 2.0]))
    >>> value, gradient
    (9.0, array([ 3., 12.]))
    """
    _check_callable(f)

    @functools.wraps(f)
    def h(x: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        return _value_and_grad(f, x, args, kwargs, "value_and_grad")

    return h


def vjp(f: Callable[..., Any], x: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    """f(x) and its pullback: w ↦ wᵀ J, the vector–Jacobian product (reverse mode).

    f runs once; each call of the pullback is one backward pass through what was recorded.

    Parameters
    ----------
    f : callable
        f(x, *args, **kwargs) → array (any shape), written with NumPy.
    x : number, array, or tuple/list/dict of arrays
        Where to differentiate.

    Returns
    -------
    value : ndarray or float
        f(x).
    pullback : callable
        pullback(w) → Σᵢ wᵢ ∂fᵢ/∂x, shaped like x, for w shaped like f(x).

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> value, pullback = mc.vjp(lambda v: np.array([v[0] * v[1], v[0] + v[1]]), [2.0, 3.0])
    >>> value
    array([6., 5.])
    >>> pullback(np.array([1.0, 0.0]))        # the first row of the Jacobian
    array([3., 2.])
    """
    _check_callable(f)
    run = _trace(f, x, args, kwargs)
    out_shape = shape_of(run.value)

    def pullback(w: Any) -> Any:
        w = _array(w, "w")
        if shape_of(w) != out_shape:
            raise ValueError(f"w must have the shape of f(x), {out_shape}, got {shape_of(w)}")
        return _shaped_like_x(x, run, run.pull(w))

    return _plain(run.value), pullback


def jvp(f: Callable[..., Any], x: Any, v: Any) -> tuple[Any, Any]:
    """f(x) and the directional derivative J v, in one forward pass (forward mode).

    Parameters
    ----------
    f : callable
        f(x) → array (any shape), written with NumPy.
    x : number or array
        Where to differentiate.
    v : number or array
        The direction, shaped like x.

    Returns
    -------
    value, tangent : ndarray or float
        f(x) and J v = d/dt f(x + t v) at t = 0.

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> mc.jvp(lambda p: np.array([p[0] * p[1], np.sin(p[0])]), [0.0, 2.0], [1.0, 0.0])
    (array([0., 0.]), array([2., 1.]))
    """
    _check_callable(f)
    x, v = _array(x, "x"), _array(v, "v")
    if shape_of(v) != shape_of(x):
        raise ValueError(f"v must have the shape of x, {shape_of(x)}, got {shape_of(v)}")
    value, partials = forward.run(f, forward.seed(x, v[..., None]))
    return _plain(value), _plain(partials[..., 0])


def _jacobian_forward(f: Callable[..., Any], x: Any) -> Any:
    """All n columns in one pass: the partials carry the identity through f (vector mode)."""
    n = math.prod(shape_of(x))
    _validate.memory(8.0 * n * n, "the forward-mode Jacobian (n partials beside each value)")
    value, partials = forward.run(f, forward.seed(x, np.eye(n).reshape((*shape_of(x), n))))
    return _np_reshape(partials, (*shape_of(value), *shape_of(x)))


def _jacobian_reverse(run: _Recorded, x: Any) -> Any:
    """One backward pass per output: row i is the gradient of fᵢ."""
    value = run.value
    m, n = math.prod(shape_of(value)), math.prod(shape_of(x))
    _validate.memory(8.0 * m * n, "the Jacobian")
    rows = []
    for i in range(m):
        w = np.zeros(m)
        w[i] = 1.0
        rows.append(run.pull(w.reshape(shape_of(value)))[0])
    if not rows:
        return np.zeros((*shape_of(value), *shape_of(x)))
    return _np_reshape(_np.stack(rows), (*shape_of(value), *shape_of(x)))


def _np_reshape(a: Any, shape: tuple[int, ...]) -> Any:
    return _np.reshape(a, shape)


def jacobian(f: Callable[..., Any], mode: str = "auto") -> Callable[..., Any]:
    """The Jacobian of f, exactly, by forward or reverse mode.

    Parameters
    ----------
    f : callable
        f(x) → array (or scalar), written with NumPy.
    mode : {"auto", "forward", "reverse"}, optional
        ``"forward"`` carries all n input directions through one pass (best when n ≤ m);
        ``"reverse"`` records f once and runs one backward pass per output (best when m < n).
        ``"auto"`` (default) chooses by shape: forward when the inputs are no more than the
        outputs, reverse otherwise. It learns m from the first call at each input shape (by a
        recorded pass, which it then uses when reverse wins) and remembers the choice.

    Returns
    -------
    callable
        J(x) → ndarray of shape ``f(x).shape + x.shape``, as ``jax.jacfwd``: (m, n) for
        f: Rⁿ → Rᵐ, (n,) for a scalar f, (m,) for a scalar x.

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> J = mc.jacobian(lambda v: np.array([v[0] * v[1], v[0] + v[1]]))
    >>> J([1.0, 2.0])
    array([[2., 1.],
           [1., 1.]])
    >>> mc.jacobian(lambda v: np.sum(v**2), mode="reverse")([1.0, 2.0, 3.0])
    array([2., 4., 6.])
    """
    _check_callable(f)
    mode = _validate.one_of(mode, MODES, "mode")
    chosen: dict[tuple[int, ...], str] = {}  # auto: the mode chosen at each input shape

    @functools.wraps(f)
    def J(x: Any) -> Any:
        x = _array(x, "x")
        shape = shape_of(x)
        first = "forward" if math.prod(shape) <= 1 else ""  # one input: forward, whatever m
        how = mode if mode != "auto" else chosen.get(shape, first)
        if how == "forward":
            return _plain(_jacobian_forward(f, x))
        run = _trace(f, x, (), {})
        if how == "":  # auto, first call at this shape: compare the sizes
            outputs = math.prod(shape_of(run.value))
            how = chosen[shape] = "forward" if math.prod(shape) <= outputs else "reverse"
            if how == "forward":
                return _plain(_jacobian_forward(f, x))
        return _plain(_jacobian_reverse(run, x))

    return J


def hessian(f: Callable[..., Any]) -> Callable[..., Any]:
    """The Hessian of a scalar function: forward mode over the reverse-mode gradient.

    One recorded pass of f on dual numbers carries the n directions of the forward pass
    through the backward pass of :func:`grad`, so the cost is about n times that of a
    gradient (JAX's ``jacfwd(grad(f))``).

    Parameters
    ----------
    f : callable
        f(x) → scalar, for x a number (giving f'') or an array.

    Returns
    -------
    callable
        H(x) → ndarray of shape x.shape + x.shape, (n, n) for a vector; symmetric for smooth f.

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> H = mc.hessian(lambda v: v[0] ** 2 * v[1] + np.exp(v[1]))
    >>> H([1.0, 0.0])
    array([[0., 2.],
           [2., 1.]])
    """
    _check_callable(f)
    inner = jacobian(grad(f), mode="forward")

    @functools.wraps(f)
    def H(x: Any) -> Any:
        return inner(x)

    return H
