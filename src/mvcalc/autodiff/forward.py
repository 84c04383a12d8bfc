"""Forward mode: dual numbers carry the partial derivatives beside the values.

A :class:`Dual` number carries a value and, beside it, the partial derivatives of that value with
respect to every input: ``value`` has some shape S and ``partials`` the shape S + (k,). Each NumPy
operation on duals applies the chain rule locally — the derivative of each operation sits beside
the operation in the tables below — so a function written with NumPy, run once on duals seeded
with the identity, returns its value and its whole Jacobian (vector mode)::

    sin:      value sin(v),   partials cos(v) · ∂v
    multiply: value a·b,      partials ∂a·b + a·∂b

The cost grows with the number k of inputs carried: forward mode wins for few inputs and many
outputs (a tall Jacobian, a directional derivative ``jvp``); reverse mode
(:mod:`mvcalc.autodiff.reverse`) wins for a scalar of many inputs (a gradient).

Operations NumPy offers but this module does not know raise ``TypeError`` naming them: a
derivative is never dropped silently. As in every AD, the chain rule is applied to the program
as written: ``np.sqrt(x - x)`` has derivative ∞ · 0 = NaN at every x, although the expression is
the constant 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from mvcalc import _functions
from mvcalc.autodiff._box import (
    Box,
    add_ufunc_methods,
    axes_of,
    lift,
    new_tag,
    primitives,
    shape_of,
)
from mvcalc.autodiff._box import scatter_add as _scatter

__all__ = ["Dual", "run", "seed"]

_np: Any = np  # NumPy's stubs do not know that its functions dispatch to Dual


class Dual(Box):
    """An array of values with the partial derivatives of each value beside it.

    Parameters
    ----------
    value : ndarray (or a box of an outer pass, when nested)
        Values, shape S.
    partials : ndarray (or a box of an outer pass, when nested)
        ∂value/∂(each of k inputs), shape S + (k,).
    tag : int
        Which differentiation pass this dual belongs to.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.autodiff import Dual
    >>> x = Dual(np.array(2.0), np.array([1.0]), tag=1)   # x = 2, dx/dx = 1
    >>> y = np.sin(x) * x
    >>> bool(np.isclose(y.partials[0], np.cos(2) * 2 + np.sin(2)))
    True
    """

    __slots__ = ("partials",)
    noun: ClassVar[str] = "dual number"
    where: ClassVar[str] = "for dual numbers"

    def __init__(self, value: Any, partials: Any, tag: int) -> None:
        self.value = value
        self.partials = partials
        self.tag = tag

    def __getitem__(self, index: Any) -> Dual:
        if isinstance(index, Box) or (
            isinstance(index, tuple) and any(isinstance(i, Box) for i in index)
        ):
            raise TypeError("mvcalc.autodiff: indexing with a dual number is not supported")
        return Dual(self.value[index], self.partials[_partial_key(index)], self.tag)

    def copy(self) -> Dual:
        return Dual(self.value * 1, self.partials * 1, self.tag)

    def __repr__(self) -> str:
        return f"Dual(value={self.value!r}, partials={self.partials!r}, tag={self.tag})"


def _partial_key(index: Any) -> Any:
    """The index into partials (one more axis, at the end) that ``index`` makes of values."""
    key = index if isinstance(index, tuple) else (index,)
    # keep an Ellipsis from swallowing the partials' last axis
    return (*key, slice(None)) if any(k is Ellipsis for k in key) else index


# ------------------------------------------------------------------------------------------
# Helpers: values, partials, constants
# ------------------------------------------------------------------------------------------


def _tag(*args: Any) -> int:
    """The innermost pass among the duals; boxes of other passes are constants to it."""
    return max(a.tag for a in args if isinstance(a, Dual))


def _parts(a: Any, tag: int) -> tuple[Any, Any]:
    """(value, partials or None): a box of another pass is a constant of this one."""
    if isinstance(a, Dual) and a.tag == tag:
        return a.value, a.partials
    return a, None


def _k(*args: Any) -> int:
    return int(max(a.partials.shape[-1] for a in args if isinstance(a, Dual)))


def _expand(d: Any) -> Any:
    """A derivative of shape S ready to multiply partials of shape S + (k,)."""
    return d[..., None] if isinstance(d, Box) or np.ndim(d) else d


def _broadcast_partials(p: Any, shape: tuple[int, ...]) -> Any:
    k = p.shape[-1]
    if tuple(p.shape) == (*shape, k):
        return p
    return _np.broadcast_to(p, (*shape, k))


def _constant(c: Any, tag: int, k: int) -> Dual:
    """A constant as a dual of pass ``tag`` (zero partials)."""
    value = c if isinstance(c, Box) else np.asarray(c, dtype=np.float64)
    return Dual(value, np.zeros((*shape_of(value), k)), tag)


def _as_dual(a: Any, tag: int, k: int) -> Dual:
    return a if isinstance(a, Dual) and a.tag == tag else _constant(lift(a), tag, k)


def _float(c: Any) -> Any:
    return c if isinstance(c, Box) else np.asarray(c, dtype=np.float64)


# ------------------------------------------------------------------------------------------
# Ufuncs: each rule is the value and, beside it, the local derivative (the chain rule).
# ------------------------------------------------------------------------------------------


def _elementwise(numpy_function: Any, derivative: Callable[[Any, Any], Any]) -> Callable[..., Dual]:
    """The rule of y = f(v): the partials are f'(v) · ∂v."""

    def rule(a: Any) -> Dual:
        v = a.value
        y = numpy_function(v)
        return Dual(y, _expand(derivative(v, y)) * a.partials, a.tag)

    return rule


LN2, LN10 = math.log(2), math.log(10)


def _zeros_like(v: Any) -> Any:
    """A float array shaped like v (v may itself be a box of an outer pass)."""
    return np.zeros(shape_of(v))


#: d f(v)/dv from v and y = f(v), for each unary ufunc. The elementary functions of maths text
#: (sin, exp, arctanh, …) come from the one table, mvcalc._functions; the rest are NumPy's own.
#: Reverse mode reads the same table: its rule for f is g · f'(v).
UNARY: dict[Any, Callable[[Any, Any], Any]] = {
    **_functions.ad_rules(),
    np.negative: lambda v, y: _zeros_like(v) - 1,
    np.positive: lambda v, y: _zeros_like(v) + 1,
    np.square: lambda v, y: 2 * v,  # d(v²) = 2v
    np.reciprocal: lambda v, y: -(y * y),  # d(1/v) = −1/v²
    np.expm1: lambda v, y: y + 1,
    np.exp2: lambda v, y: y * LN2,
    np.log1p: lambda v, y: 1 / (1 + v),
    np.log2: lambda v, y: 1 / (v * LN2),
    np.log10: lambda v, y: 1 / (v * LN10),
    np.fabs: lambda v, y: np.sign(v),
    np.deg2rad: lambda v, y: _zeros_like(v) + math.pi / 180,
    np.rad2deg: lambda v, y: _zeros_like(v) + 180 / math.pi,
}
#: piecewise-constant functions: their derivative is 0 wherever it exists
STEP_FUNCTIONS = (*_functions.step_functions(), np.floor, np.ceil, np.rint, np.trunc)


def _step_rule(function: Any) -> Callable[[Any], Dual]:
    def rule(a: Any) -> Dual:
        return Dual(function(a.value), a.partials * 0, a.tag)

    return rule


def _add(a: Any, b: Any) -> Dual:
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    y = va + vb
    shape = shape_of(y)
    if pa is None:
        return Dual(y, _broadcast_partials(pb, shape), tag)  # ∂(c + b) = ∂b
    if pb is None:
        return Dual(y, _broadcast_partials(pa, shape), tag)  # ∂(a + c) = ∂a
    return Dual(y, _broadcast_partials(pa + pb, shape), tag)  # ∂(a + b) = ∂a + ∂b


def _subtract(a: Any, b: Any) -> Dual:
    return _add(a, np.negative(b) if isinstance(b, Box) else -np.asarray(b, dtype=float))


def _multiply(a: Any, b: Any) -> Dual:
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    y = va * vb
    shape = shape_of(y)
    if pa is None:
        return Dual(y, _broadcast_partials(_expand(va) * pb, shape), tag)  # ∂(c·b) = c ∂b
    if pb is None:
        return Dual(y, _broadcast_partials(pa * _expand(vb), shape), tag)  # ∂(a·c) = ∂a c
    partials = pa * _expand(vb) + _expand(va) * pb  # product rule: ∂a·b + a·∂b
    return Dual(y, _broadcast_partials(partials, shape), tag)


def _divide(a: Any, b: Any) -> Dual:
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    if pb is None:  # a / c = a · (1/c)
        return _multiply(a, 1 / _float(vb))
    y = va / vb
    shape = shape_of(y)
    # quotient rule: ∂(a/b) = (∂a − (a/b)·∂b) / b
    minus = -_expand(y) * pb if pa is None else pa - _expand(y) * pb
    return Dual(y, _broadcast_partials(minus / _expand(vb), shape), tag)


def _power(a: Any, b: Any) -> Dual:
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    if pb is None:  # power rule: ∂(aⁿ) = n aⁿ⁻¹ ∂a
        n = _float(vb)
        y = va**n
        # a⁰ = 1 has derivative 0 everywhere, at a = 0 too (where 0 · 0⁻¹ would be NaN): this is
        # what keeps the third derivative of x² at 0 a number under nested forward mode
        slope = 0.0 * va if np.ndim(n) == 0 and n == 0 else n * va ** (n - 1)
        partials = _expand(slope) * pa
        return Dual(y, _broadcast_partials(partials, shape_of(y)), tag)
    y = va**vb
    if pa is None:  # exponential: ∂(cᵇ) = cᵇ ln c ∂b
        partials = _expand(y * np.log(va)) * pb
    else:  # general power: ∂(aᵇ) = aᵇ (b/a ∂a + ln a ∂b)
        partials = _expand(y * vb / va) * pa + _expand(y * np.log(va)) * pb
    return Dual(y, _broadcast_partials(partials, shape_of(y)), tag)


def _extremum(pick: Any) -> Callable[[Any, Any], Dual]:
    """maximum/minimum: the derivative of whichever argument wins (the first on a tie)."""

    def rule(a: Any, b: Any) -> Dual:
        tag, k = _tag(a, b), _k(a, b)
        a, b = _as_dual(a, tag, k), _as_dual(b, tag, k)
        first = pick(a.value, b.value)
        y = np.where(first, a.value, b.value)
        partials = np.where(_expand(first), a.partials, b.partials)
        return Dual(y, _broadcast_partials(partials, shape_of(y)), tag)

    return rule


def _arctan2(a: Any, b: Any) -> Dual:
    tag, k = _tag(a, b), _k(a, b)
    a, b = _as_dual(a, tag, k), _as_dual(b, tag, k)
    y = np.arctan2(a.value, b.value)
    r2 = a.value * a.value + b.value * b.value  # ∂ atan2(a, b) = (b ∂a − a ∂b)/(a² + b²)
    partials = (_expand(b.value / r2) * a.partials) - (_expand(a.value / r2) * b.partials)
    return Dual(y, _broadcast_partials(partials, shape_of(y)), tag)


def _hypot(a: Any, b: Any) -> Dual:
    return np.sqrt(a * a + b * b)  # type: ignore[no-any-return]


def _logaddexp(a: Any, b: Any) -> Dual:
    top = np.maximum(a, b)  # log(eᵃ + eᵇ) = m + log(e^(a−m) + e^(b−m)), m = max(a, b)
    return top + np.log(np.exp(a - top) + np.exp(b - top))  # type: ignore[no-any-return]


def _matmul(a: Any, b: Any) -> Dual:
    """∂(a @ b) = ∂a @ b + a @ ∂b, batched over the k inputs."""
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    y = va @ vb
    terms = []
    if pa is not None:  # (k, *S_a) @ b gives (k, *S_y) whether a is a vector or a matrix
        terms.append(_np.moveaxis(pa, -1, 0) @ vb)
    if pb is not None:
        PB = _np.moveaxis(pb, -1, 0)  # (k, *S_b)
        if len(shape_of(vb)) == 1:
            if len(shape_of(va)) > 2:
                raise TypeError("mvcalc.autodiff: matmul of a >2-D array with a dual vector")
            terms.append(PB @ _np.transpose(va))
        else:
            terms.append(va @ PB)
    total = terms[0] if len(terms) == 1 else terms[0] + terms[1]
    return Dual(y, _np.moveaxis(total, 0, -1), tag)


_UFUNC_RULES: dict[Any, Callable[..., Any]] = {
    np.add: _add,
    np.subtract: _subtract,
    np.multiply: _multiply,
    np.true_divide: _divide,
    np.power: _power,
    np.float_power: _power,
    np.maximum: _extremum(np.greater_equal),
    np.fmax: _extremum(np.greater_equal),
    np.minimum: _extremum(np.less_equal),
    np.fmin: _extremum(np.less_equal),
    np.arctan2: _arctan2,
    np.hypot: _hypot,
    np.logaddexp: _logaddexp,
    np.matmul: _matmul,
}
_UFUNC_RULES.update({f: _elementwise(f, d) for f, d in UNARY.items()})
_UFUNC_RULES.update({f: _step_rule(f) for f in STEP_FUNCTIONS})
add_ufunc_methods([*UNARY, *STEP_FUNCTIONS])


# ------------------------------------------------------------------------------------------
# Array functions: the partials follow the values (their last axis stays last)
# ------------------------------------------------------------------------------------------


def _sum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
         **kwargs: Any) -> Any:  # fmt: skip
    axes = axes_of(axis, a.ndim)
    value = a.value.sum(axis=axes, keepdims=keepdims)
    return Dual(value, a.partials.sum(axis=axes, keepdims=keepdims), a.tag)  # ∂Σ = Σ∂


def _extreme(pick: Any) -> Callable[..., Any]:
    """max/min over axes: the derivative of the winner, shared equally among ties."""

    def rule(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False,
             **kwargs: Any) -> Any:  # fmt: skip
        axes = axes_of(axis, a.ndim)
        top = pick(a.value, axis=axes, keepdims=True)
        winners = a.value == top  # the primal values decide
        share = winners / np.sum(winners, axis=axes, keepdims=True)
        partials = (a.partials * share[..., None]).sum(axis=axes, keepdims=keepdims)
        value = top if keepdims else _np.reshape(top, partials.shape[:-1])
        return Dual(value, partials, a.tag)

    return rule


def _reshape(a: Any, shape: Any, order: str = "C", **kwargs: Any) -> Any:
    shape = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    value = a.value.reshape(shape)
    return Dual(value, a.partials.reshape((*shape_of(value), a.partials.shape[-1])), a.tag)


def _transpose(a: Any, axes: Any = None) -> Any:
    order = tuple(range(a.ndim))[::-1] if axes is None else tuple(x % a.ndim for x in axes)
    return Dual(a.value.transpose(order), a.partials.transpose((*order, a.ndim)), a.tag)


def _broadcast_to(a: Any, shape: Any, subok: bool = False) -> Any:
    shape = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    return Dual(_np.broadcast_to(a.value, shape),
                _np.broadcast_to(a.partials, (*shape, a.partials.shape[-1])), a.tag)  # fmt: skip


def _duals(arrays: Sequence[Any]) -> tuple[list[Dual], int]:
    items = [lift(x) for x in arrays]
    tag = _tag(*items)
    k = _k(*[x for x in items if isinstance(x, Dual) and x.tag == tag])
    return [_as_dual(x, tag, k) for x in items], tag


def _stack(arrays: Sequence[Any], axis: int = 0, **kwargs: Any) -> Dual:
    duals, tag = _duals(arrays)
    ndim = duals[0].ndim + 1
    value = _np.stack([d.value for d in duals], axis=axis)
    partials = _np.stack([d.partials for d in duals], axis=axis % ndim)
    return Dual(value, partials, tag)


def _concatenate(arrays: Sequence[Any], axis: int | None = 0, **kwargs: Any) -> Dual:
    duals, tag = _duals(arrays)
    if axis is None:
        duals = [_reshape(d, (-1,)) for d in duals]
        axis = 0
    ndim = duals[0].ndim
    value = _np.concatenate([d.value for d in duals], axis=axis)
    partials = _np.concatenate([d.partials for d in duals], axis=axis % ndim)
    return Dual(value, partials, tag)


def _where(condition: Any, a: Any, b: Any) -> Any:
    condition = condition.value if isinstance(condition, Box) else condition
    if not (isinstance(a, Dual) or isinstance(b, Dual)):
        return np.where(condition, a, b)
    tag, k = _tag(a, b), _k(a, b)
    a, b = _as_dual(a, tag, k), _as_dual(b, tag, k)
    value = np.where(condition, a.value, b.value)
    partials = np.where(_expand(np.asarray(condition)), a.partials, b.partials)
    return Dual(value, _broadcast_partials(partials, shape_of(value)), tag)


def _cumsum(a: Any, axis: Any = None, **kwargs: Any) -> Any:
    if axis is None:
        a, axis = _reshape(a, (-1,)), 0
    axis = axis % a.ndim
    return Dual(_np.cumsum(a.value, axis=axis), _np.cumsum(a.partials, axis=axis), a.tag)


def _scatter_add(g: Dual, index: Any, shape: tuple[int, ...]) -> Dual:
    """zeros(shape) with ``g`` added at ``index`` (reverse mode's rule for indexing, on duals)."""
    partials = _scatter(g.partials, _partial_key(index), (*shape, g.partials.shape[-1]))
    return Dual(_scatter(g.value, index, shape), partials, g.tag)


Dual.scatter = staticmethod(_scatter_add)

Dual.UFUNCS = _UFUNC_RULES
Dual.FUNCTIONS = primitives(
    sum=_sum,
    extreme=_extreme,
    reshape=_reshape,
    transpose=_transpose,
    broadcast_to=_broadcast_to,
    stack=_stack,
    concatenate=_concatenate,
    where=_where,
    cumsum=_cumsum,
    copy=lambda a, **kw: a.copy(),
)


# ------------------------------------------------------------------------------------------
# One forward pass
# ------------------------------------------------------------------------------------------


def seed(x: Any, directions: Any) -> Dual:
    """x as a dual of a new pass, with ``directions`` (shape x.shape + (k,)) as its partials.

    The identity (``directions`` = I) gives the whole Jacobian in one pass (vector mode); one
    direction v gives the directional derivative J v.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.autodiff import forward
    >>> d = forward.seed(np.array([1.0, 2.0]), np.eye(2))
    >>> (d * d).partials
    array([[2., 0.],
           [0., 4.]])
    """
    return Dual(x, directions, new_tag())


def run(f: Callable[..., Any], seeded: Dual) -> tuple[Any, Any]:
    """f on seeded duals: (value, partials of shape value.shape + (k,)).

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.autodiff import forward
    >>> value, partials = forward.run(np.sin, forward.seed(np.array(0.0), np.ones(1)))
    >>> float(value), partials.tolist()
    (0.0, [1.0])
    """
    out = lift(f(seeded))
    if isinstance(out, list | tuple):
        out = lift(np.array(out, dtype=object)) if any(isinstance(o, Box) for o in out) else out
    if isinstance(out, Dual) and out.tag == seeded.tag:
        return out.value, out.partials
    if isinstance(out, Box) and out.tag > seeded.tag:
        raise ValueError("f returned a value of an inner differentiation: nest the transforms")
    # f does not depend on x (a constant, or a value of an outer pass): the derivative is 0
    k = seeded.partials.shape[-1]
    value = out if isinstance(out, Box) else np.asarray(out, dtype=np.float64)
    return value, np.zeros((*shape_of(value), k))
