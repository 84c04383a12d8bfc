"""Reverse mode: record the operations, then apply the chain rule from the output backwards.

This is backpropagation, for any function written with NumPy. Run once on :class:`Traced`
inputs, f records each operation it performs: the value it made and, beside it, how to send a
derivative back to the operation's inputs — its *vector–Jacobian product*. For y = f(a, b) and a
cost C that depends on y, the chain rule gives

    ∂C/∂a = ∂C/∂y · ∂y/∂a,        ∂C/∂b = ∂C/∂y · ∂y/∂b,

so each rule below takes g = ∂C/∂y and returns ∂C/∂a (and ∂C/∂b)::

    sin:       g → g · cos(a)
    multiply:  g → (g · b,  g · a)
    matmul:    g → (g @ bᵀ, aᵀ @ g)
    sum:       g → g copied back over the summed axes

:func:`backward` visits the recorded operations from the output to the inputs, each after every
operation that used its value, and adds up what comes back along each path (the multivariate
chain rule: an input used twice receives two terms). The whole gradient of a scalar costs a few
evaluations of f, however many inputs there are; the memory is that of the values recorded.

The rules are written with NumPy functions, so they can themselves be differentiated: forward
mode over reverse mode gives the Hessian, reverse over reverse a second derivative.

Operations without a rule raise ``TypeError`` naming them, and so does turning a traced value into
a Python float: a derivative is never dropped silently. Comparisons and ``bool`` look at the
values, so Python's ``if`` and ``while`` work as they would on arrays.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from mvcalc.autodiff._box import (
    Box,
    _fancy,
    axes_of,
    kept_shape,
    lift,
    primitives,
    scatter_add,
    shape_of,
    unbroadcast,
)
from mvcalc.autodiff.forward import STEP_FUNCTIONS, UNARY

__all__ = ["Traced", "backward"]

_np: Any = np  # NumPy's stubs do not know that its functions dispatch to Traced
Link = tuple["Traced", Callable[[Any], Any]]
_sequence = itertools.count()
#: the values each recording pass has made, in the order made (see :func:`recording`)
_tapes: dict[int, list[Traced]] = {}


class Traced(Box):
    """A value on the tape of one reverse pass, with how to send derivatives to its inputs.

    Parameters
    ----------
    value : ndarray (or a box of an outer pass, when nested)
        The value.
    tag : int
        Which differentiation pass this value belongs to.
    parents : tuple of (Traced, callable)
        The traced inputs of the operation that made the value, each with its vector–Jacobian
        product: g = ∂C/∂value ↦ the term of ∂C/∂input that passes through this operation.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.autodiff.reverse import Traced, backward
    >>> x = Traced(np.array(2.0), tag=10**9)
    >>> y = np.sin(x) * x
    >>> [dx] = backward(y, np.array(1.0), [x])
    >>> bool(np.isclose(dx, np.cos(2) * 2 + np.sin(2)))
    True
    """

    __slots__ = ("parents", "seq")
    noun: ClassVar[str] = "traced value"
    where: ClassVar[str] = "in reverse mode"

    def __init__(self, value: Any, tag: int, parents: tuple[Link, ...] = ()) -> None:
        self.value = value
        self.tag = tag
        self.parents = parents
        self.seq = next(_sequence)  # made after everything it was made from
        tape = _tapes.get(tag)
        if tape is not None:
            tape.append(self)

    def __getitem__(self, index: Any) -> Traced:
        if isinstance(index, Box) or (
            isinstance(index, tuple) and any(isinstance(i, Box) for i in index)
        ):
            raise TypeError("mvcalc.autodiff: indexing with a traced value is not supported")
        shape = self.shape
        # indexing: the derivative goes back to the positions read (twice if read twice)
        return Traced(self.value[index], self.tag,
                      ((self, lambda g: _scattered(g, index, shape)),))  # fmt: skip

    def copy(self) -> Traced:
        return self  # a traced value is never changed in place

    def __repr__(self) -> str:
        return f"Traced(value={self.value!r}, tag={self.tag})"


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------


def _tag(*args: Any) -> int:
    """The innermost reverse pass among the arguments; other boxes are constants to it."""
    return max(a.tag for a in args if isinstance(a, Traced))


def _on(a: Any, tag: int) -> bool:
    return isinstance(a, Traced) and a.tag == tag


def _primal(a: Any, tag: int) -> Any:
    return a.value if isinstance(a, Traced) and a.tag == tag else a


# ------------------------------------------------------------------------------------------
# Ufuncs: the value and, beside it, the vector–Jacobian product (g = ∂C/∂y)
# ------------------------------------------------------------------------------------------


def _elementwise(ufunc: Any, derivative: Callable[[Any, Any], Any]) -> Callable[[Any], Traced]:
    """y = f(v): ∂C/∂v = g · f'(v), with f' from the table forward mode reads too."""

    def rule(a: Any) -> Traced:
        v = a.value
        y = ufunc(v)

        def vjp(g: Any) -> Any:
            d = derivative(v, y)
            if (
                _fresh(d, v, y)
                and isinstance(g, np.ndarray | np.generic)
                and g.shape in (d.shape, ())
            ):
                return np.multiply(g, d, out=d)  # d was made just now: reuse its memory
            return g * d

        return Traced(y, a.tag, ((a, vjp),))

    return rule


#: arrays from this many elements up are worth saving a copy of (below it, checking costs more)
_LARGE = 1 << 12


def _fresh(d: Any, *values: Any) -> bool:
    """Whether d is a large array of its own, made by the rule just now (not a recorded value)."""
    return (
        type(d) is np.ndarray
        and d.size >= _LARGE
        and d.base is None
        and d.dtype == np.float64
        and d.flags.writeable
        and all(d is not x for x in values)
    )


def _step(ufunc: Any) -> Callable[[Any], Traced]:
    """A piecewise-constant function: its derivative is 0, so nothing flows back."""
    return lambda a: Traced(ufunc(a.value), a.tag)


Rule = Callable[[Any, Any, Any, Any], Any]


def _power_slope(a: Any, b: Any) -> Any:
    """∂(aᵇ)/∂a = b aᵇ⁻¹, and exactly 0 for a constant b = 0 (a⁰ = 1), also at a = 0 where
    0 · 0⁻¹ would be NaN: the third derivative of x² at 0 is then 0, as it should be."""
    if isinstance(b, (int, float, np.number)) and b == 0:
        return 0.0 * a
    return b * a ** (b - 1)


#: y = f(a, b): (∂C/∂a, ∂C/∂b) from g = ∂C/∂y, before summing over broadcast axes
_BINARY: dict[Any, tuple[Rule, Rule]] = {
    np.add: (lambda g, a, b, y: g, lambda g, a, b, y: g),
    np.subtract: (lambda g, a, b, y: g, lambda g, a, b, y: -g),
    np.multiply: (lambda g, a, b, y: g * b, lambda g, a, b, y: g * a),
    np.true_divide: (lambda g, a, b, y: g / b, lambda g, a, b, y: -g * y / b),
    np.power: (lambda g, a, b, y: g * _power_slope(a, b), lambda g, a, b, y: g * y * np.log(a)),
    np.maximum: (lambda g, a, b, y: g * (a >= b), lambda g, a, b, y: g * (a < b)),
    np.minimum: (lambda g, a, b, y: g * (a <= b), lambda g, a, b, y: g * (a > b)),
    np.arctan2: (
        lambda g, a, b, y: g * b / (a * a + b * b),
        lambda g, a, b, y: -g * a / (a * a + b * b),
    ),
    np.hypot: (lambda g, a, b, y: g * a / y, lambda g, a, b, y: g * b / y),
    np.logaddexp: (lambda g, a, b, y: g * np.exp(a - y), lambda g, a, b, y: g * np.exp(b - y)),
}
_BINARY[np.float_power] = _BINARY[np.power]
_BINARY[np.fmax] = _BINARY[np.maximum]
_BINARY[np.fmin] = _BINARY[np.minimum]


def _binary(ufunc: Any, d_a: Rule, d_b: Rule) -> Callable[[Any, Any], Traced]:
    def rule(a: Any, b: Any) -> Traced:
        ta = a.tag if isinstance(a, Traced) else 0
        tb = b.tag if isinstance(b, Traced) else 0
        tag = ta if ta >= tb else tb  # the innermost pass; the other operand is a constant
        va = a.value if ta == tag else a
        vb = b.value if tb == tag else b
        y = ufunc(va, vb)

        # broadcasting used an operand at many places: sum what comes back from them
        def to_a(g: Any) -> Any:
            return unbroadcast(d_a(g, va, vb, y), shape_of(va))

        def to_b(g: Any) -> Any:
            return unbroadcast(d_b(g, va, vb, y), shape_of(vb))

        if ta == tag:
            return Traced(y, tag, ((a, to_a), (b, to_b)) if tb == tag else ((a, to_a),))
        return Traced(y, tag, ((b, to_b),))

    return rule


def _matmul(a: Any, b: Any) -> Traced:
    """y = a @ b: ∂C/∂a = g @ bᵀ and ∂C/∂b = aᵀ @ g (with vectors read as rows or columns)."""
    tag = _tag(a, b)
    va, vb = _primal(a, tag), _primal(b, tag)
    na, nb = len(shape_of(va)), len(shape_of(vb))
    if (na == 1 and nb > 2) or (nb == 1 and na > 2):
        raise TypeError("mvcalc.autodiff: matmul of a >2-D array with a vector is not supported")
    y = va @ vb

    def d_a(g: Any) -> Any:
        if nb == 1:  # a·b or A b: ∂C/∂A = g bᵀ (an outer product), ∂C/∂a = g b
            return g * vb if na == 1 else _np.expand_dims(g, -1) * vb
        if na == 1:  # a B: ∂C/∂a = B g
            return vb @ g
        return unbroadcast(g @ _np.swapaxes(vb, -1, -2), shape_of(va))

    def d_b(g: Any) -> Any:
        if na == 1:  # a·b or a B: ∂C/∂b = g a, ∂C/∂B = a gᵀ
            return g * va if nb == 1 else _np.expand_dims(va, -1) * g
        if nb == 1:  # A b: ∂C/∂b = Aᵀ g
            return g @ va
        return unbroadcast(_np.swapaxes(va, -1, -2) @ g, shape_of(vb))

    links: list[Link] = []
    if _on(a, tag):
        links.append((a, d_a))
    if _on(b, tag):
        links.append((b, d_b))
    return Traced(y, tag, tuple(links))


_UFUNC_RULES: dict[Any, Callable[..., Any]] = {
    **{f: _elementwise(f, d) for f, d in UNARY.items()},
    **{f: _step(f) for f in STEP_FUNCTIONS},
    **{f: _binary(f, d_a, d_b) for f, (d_a, d_b) in _BINARY.items()},
    np.matmul: _matmul,
}


# ------------------------------------------------------------------------------------------
# Array functions
# ------------------------------------------------------------------------------------------


def _sum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
         **kwargs: Any) -> Traced:  # fmt: skip
    """y = Σ a over axes: every summed element receives g (copied back over the axes)."""
    v, shape = a.value, a.shape
    if axis is None:  # the common case, kept short
        kept = (1,) * len(shape)
        y = v.sum() if isinstance(v, np.ndarray) else _np.sum(v, keepdims=keepdims)
        if keepdims and isinstance(v, np.ndarray):
            y = y.reshape(kept)
    else:
        axes = axes_of(axis, len(shape))
        kept = kept_shape(shape, axes)
        y = _np.sum(v, axis=axes, keepdims=keepdims)
    return Traced(y, a.tag, ((a, lambda g: _spread(g, kept, shape)),))


def _spread(g: Any, kept: tuple[int, ...], shape: tuple[int, ...]) -> Any:
    """g copied back over the summed axes: a copy for small arrays (cheaper to make), a
    read-only view of g for large ones (no memory)."""
    if isinstance(g, np.ndarray | np.generic) and math.prod(shape) <= 1 << 16:
        out = np.empty(shape)
        out[...] = g.reshape(kept)
        return out
    return _np.broadcast_to(_np.reshape(g, kept), shape)


def _extreme(pick: Any) -> Callable[..., Traced]:
    """y = max (or min) over axes: g goes to the winner, shared equally among ties."""

    def rule(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False,
             **kwargs: Any) -> Traced:  # fmt: skip
        v, shape = a.value, a.shape
        axes = axes_of(axis, len(shape))
        kept = kept_shape(shape, axes)
        top = pick(v, axis=axes, keepdims=True)
        winners = v == top  # the values decide, as Python's max would
        share = winners / np.sum(winners, axis=axes, keepdims=True)
        reduced = tuple(s for i, s in enumerate(shape) if i not in axes)
        y = top if keepdims else _np.reshape(top, reduced)
        return Traced(y, a.tag, ((a, lambda g: _np.reshape(g, kept) * share),))

    return rule


def _reshape(a: Any, shape: Any, order: str = "C", **kwargs: Any) -> Traced:
    old = a.shape
    y = _np.reshape(a.value, shape)
    return Traced(y, a.tag, ((a, lambda g: _np.reshape(g, old)),))


def _transpose(a: Any, axes: Any = None) -> Traced:
    n = a.ndim
    order = tuple(range(n))[::-1] if axes is None else tuple(int(x) % n for x in axes)
    back = tuple(np.argsort(order))
    return Traced(_np.transpose(a.value, order), a.tag,
                  ((a, lambda g: _np.transpose(g, back)),))  # fmt: skip


def _broadcast_to(a: Any, shape: Any, subok: bool = False) -> Traced:
    old = a.shape
    y = _np.broadcast_to(a.value, shape)
    return Traced(y, a.tag, ((a, lambda g: unbroadcast(g, old)),))


def _pieces(arrays: Sequence[Any]) -> tuple[list[Any], int]:
    items = [lift(x) for x in arrays]
    return items, _tag(*items)


def _along(axis: int, ndim: int, index: Any) -> tuple[Any, ...]:
    """The index that picks ``index`` along ``axis`` and everything along the other axes."""
    return (*(slice(None),) * axis, index, *(slice(None),) * (ndim - axis - 1))


def _stack(arrays: Sequence[Any], axis: int = 0, **kwargs: Any) -> Traced:
    """y = stack(a₀, a₁, …): each aᵢ receives its slice of g."""
    items, tag = _pieces(arrays)
    y = _np.stack([_primal(x, tag) for x in items], axis=axis)
    ndim = len(shape_of(y))
    axis = axis % ndim
    links = tuple((x, _picker(_along(axis, ndim, i))) for i, x in enumerate(items) if _on(x, tag))
    return Traced(y, tag, links)


def _picker(index: Any) -> Callable[[Any], Any]:
    return lambda g: g[index]


def _concatenate(arrays: Sequence[Any], axis: int | None = 0, **kwargs: Any) -> Traced:
    """y = concatenate(a₀, a₁, …): each aᵢ receives the part of g it filled."""
    items, tag = _pieces(arrays)
    if axis is None:
        items, axis = [_np.reshape(x, (-1,)) for x in items], 0
    y = _np.concatenate([_primal(x, tag) for x in items], axis=axis)
    ndim = len(shape_of(y))
    axis = axis % ndim
    links, start = [], 0
    for x in items:
        stop = start + shape_of(x)[axis]
        if _on(x, tag):
            links.append((x, _picker(_along(axis, ndim, slice(start, stop)))))
        start = stop
    return Traced(y, tag, tuple(links))


def _where(condition: Any, a: Any, b: Any) -> Any:
    """y = where(c, a, b): g goes to a where c holds and to b elsewhere."""
    while isinstance(condition, Box):
        condition = condition.value
    if not (isinstance(a, Traced) or isinstance(b, Traced)):
        return _np.where(condition, a, b)
    tag = _tag(a, b)
    va, vb = _primal(a, tag), _primal(b, tag)
    y = _np.where(condition, va, vb)
    links: list[Link] = []
    if _on(a, tag):
        links.append((a, lambda g: unbroadcast(_np.where(condition, g, 0.0), shape_of(va))))
    if _on(b, tag):
        links.append((b, lambda g: unbroadcast(_np.where(condition, 0.0, g), shape_of(vb))))
    return Traced(y, tag, tuple(links))


def _cumsum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Traced:
    """y = running sums: each aᵢ is in every later sum, so it receives the sum of g from i on."""
    if axis is None:
        a, axis = _reshape(a, (-1,)), 0
    axis = int(axis) % a.ndim
    flip = _along(axis, a.ndim, slice(None, None, -1))
    y = _np.cumsum(a.value, axis=axis)
    return Traced(y, a.tag, ((a, lambda g: _np.cumsum(g[flip], axis=axis)[flip]),))


def _scatter_add(g: Traced, index: Any, shape: tuple[int, ...]) -> Traced:
    """The rule for indexing, itself differentiable (for reverse over reverse)."""
    y = scatter_add(g.value, index, shape)
    return Traced(y, g.tag, ((g, lambda h: h[index]),))


Traced.UFUNCS = _UFUNC_RULES


def _operator(ufunc: Any, swap: bool = False) -> Callable[[Traced, Any], Any]:
    """``a + b`` and the like straight to the rule (NumPy's dispatch costs more than the rule
    for small arrays); through NumPy when the other operand is a box of another kind."""
    rule = _UFUNC_RULES[ufunc]

    def op(self: Traced, o: Any) -> Any:
        if type(o) is not Traced and (
            isinstance(o, Box) or (isinstance(o, np.ndarray) and o.dtype == object)
        ):
            return ufunc(o, self) if swap else ufunc(self, o)
        return rule(o, self) if swap else rule(self, o)

    return op


for _name, _ufunc in [("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
                      ("truediv", np.true_divide), ("pow", np.power)]:  # fmt: skip
    setattr(Traced, f"__{_name}__", _operator(_ufunc))
    setattr(Traced, f"__r{_name}__", _operator(_ufunc, swap=True))
Traced.__neg__ = _UFUNC_RULES[np.negative]  # type: ignore[method-assign]
Traced.scatter = staticmethod(_scatter_add)
Traced.FUNCTIONS = primitives(
    sum=_sum,
    extreme=_extreme,
    reshape=_reshape,
    transpose=_transpose,
    broadcast_to=_broadcast_to,
    stack=_stack,
    concatenate=_concatenate,
    where=_where,
    cumsum=_cumsum,
    copy=lambda a, **kw: a,
)


# ------------------------------------------------------------------------------------------
# The backward pass
# ------------------------------------------------------------------------------------------


def _topological_order(out: Traced) -> list[Traced]:
    """Every value that ``out`` depends on, each after the values it was made from."""
    found = {id(out): out}
    stack = [out]
    while stack:  # without recursion: a loop in f can make a long chain
        for parent, _ in stack.pop().parents:
            if id(parent) not in found:
                found[id(parent)] = parent
                stack.append(parent)
    return sorted(found.values(), key=_made)  # the order in which f made them


_made = operator.attrgetter("seq")


class recording:  # lower case: used as a function, in a with statement
    """The tape of pass ``tag``: every value the pass makes while the block runs, in order.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.autodiff.reverse import Traced, recording
    >>> with recording(10**9) as tape:
    ...     x = Traced(np.array(2.0), tag=10**9)
    ...     y = x * x + 1.0
    >>> len(tape)          # x, x·x and x·x + 1
    3
    """

    __slots__ = ("tag", "tape")

    def __init__(self, tag: int) -> None:
        self.tag = tag
        self.tape: list[Traced] = []

    def __enter__(self) -> list[Traced]:
        _tapes[self.tag] = self.tape
        return self.tape

    def __exit__(self, *exc: object) -> None:
        del _tapes[self.tag]


def backward(out: Traced, cotangent: Any, inputs: Sequence[Traced],
             tape: list[Traced] | None = None) -> list[Any]:  # fmt: skip
    """∂C/∂input for each input, from ∂C/∂out = ``cotangent``, by the chain rule backwards.

    Parameters
    ----------
    out : Traced
        The value f produced.
    cotangent : array_like
        ∂C/∂out, shaped like ``out`` (1 for the gradient of a scalar).
    inputs : sequence of Traced
        The values f was given.
    tape : list of Traced, optional
        What :func:`recording` recorded while f ran; without it the values ``out`` depends on
        are found from ``out``.

    Returns
    -------
    list
        ∂C/∂input for each input (``cotangent · ∂out/∂input``), or None for an input that
        ``out`` does not depend on.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.autodiff.reverse import Traced, backward
    >>> x = Traced(np.array([1.0, 2.0]), tag=10**9)
    >>> backward(np.sum(x * x), np.array(1.0), [x])
    [array([2., 4.])]
    """
    grads: dict[int, Any] = {id(out): cotangent}
    owned: set[int] = set()  # sums made here: new arrays that the next term may be added into
    order = tape if tape is not None else _topological_order(out)
    for node in reversed(order):  # from the output towards the inputs
        if not node.parents:  # an input, or a constant
            continue
        g = grads.pop(id(node), None)
        if g is None:
            continue
        if isinstance(g, _Scattered):
            g = g.dense()
        for parent, vjp in node.parents:
            term = vjp(g)
            key = id(parent)
            if key not in grads:
                grads[key] = term
            else:  # a value used on several paths: the derivatives along them add up
                grads[key] = _add_up(grads[key], term, key in owned)
                if isinstance(grads[key], np.ndarray):
                    owned.add(key)
    return [g.dense() if isinstance(g, _Scattered) else g for g in map(grads.get, map(id, inputs))]


class _Scattered:
    """zeros(shape) with g added at index — the derivative that indexing sends back — not yet
    written out, so that adding it to another derivative touches only the positions read."""

    __slots__ = ("g", "index", "shape")

    def __init__(self, g: Any, index: Any, shape: tuple[int, ...]) -> None:
        self.g, self.index, self.shape = g, index, shape

    def dense(self) -> Any:
        return scatter_add(self.g, self.index, self.shape)

    def add_into(self, total: np.ndarray) -> np.ndarray:
        if _fancy(self.index):
            np.add.at(total, self.index, self.g)
        else:
            total[self.index] += self.g
        return total


def _scattered(g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    if isinstance(g, np.ndarray) and g.size >= _LARGE:
        return _Scattered(g, index, shape)
    return scatter_add(g, index, shape)  # a box of an outer pass: its own rule records it


def _add_up(total: Any, term: Any, owned: bool) -> Any:
    """total + term, into ``total`` when this pass made it (no other reference to it exists)."""
    if isinstance(total, _Scattered):
        total, term = term, total
        owned = False
    if isinstance(term, _Scattered):
        if isinstance(total, _Scattered):
            return term.add_into(total.dense())
        if isinstance(total, np.ndarray) and owned:
            return term.add_into(total)
        if isinstance(total, np.ndarray | np.generic):
            return term.add_into(np.array(total, dtype=np.float64))
        return total + term.dense()
    if owned and isinstance(term, np.ndarray | np.generic | float):
        return np.add(total, term, out=total)
    return total + term
