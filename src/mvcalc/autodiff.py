"""Exact derivatives of NumPy code by forward-mode automatic differentiation.

A :class:`Dual` number carries a value and, beside it, the partial derivatives of that value with
respect to every input: ``value`` has some shape S and ``partials`` the shape S + (k,). Each NumPy
operation on duals applies the chain rule locally — the derivative of each operation sits beside
the operation in the tables below — so a function written with NumPy, run once on duals seeded
with the identity, returns its value and its whole Jacobian (vector mode)::

    sin:      value sin(v),   partials cos(v) · ∂v
    multiply: value a·b,      partials ∂a·b + a·∂b

:func:`grad`, :func:`jacobian` and :func:`hessian` compose like JAX's: ``hessian(f)`` is
``jacobian(grad(f))``, by nesting duals — the inner dual's value is itself a dual of the outer
pass. Each pass has a tag, so that a value from an outer pass is a constant to an inner one
(the "perturbation confusion" of nested forward mode).

Operations NumPy offers but this module does not know raise ``TypeError`` naming them: a
derivative is never dropped silently. As in every forward-mode AD, the chain rule is applied to
the program as written: ``np.sqrt(x - x)`` has derivative ∞ · 0 = NaN at every x, although the
expression is the constant 0.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mvcalc import _functions
from mvcalc._validate import finite_point

__all__ = ["Dual", "grad", "hessian", "jacobian", "supported"]

FloatArray = NDArray[np.float64]
_tags = itertools.count(1)
_np: Any = np  # NumPy's stubs do not know that its functions dispatch to Dual


class Dual:
    """An array of values with the partial derivatives of each value beside it.

    Parameters
    ----------
    value : ndarray (or Dual, when nested)
        Values, shape S.
    partials : ndarray (or Dual, when nested)
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

    __slots__ = ("partials", "tag", "value")
    __array_priority__ = 1000

    def __init__(self, value: Any, partials: Any, tag: int) -> None:
        self.value = value
        self.partials = partials
        self.tag = tag

    # ---------------------------------------------------------------- NumPy protocols
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if kwargs.get("out") is not None:
            raise TypeError(f"mvcalc.autodiff: numpy.{ufunc.__name__} with out= is not supported")
        if kwargs.get("where", True) is not True:
            raise TypeError(f"mvcalc.autodiff: numpy.{ufunc.__name__} with where= is not supported")
        inputs = tuple(_lift_object_array(a) for a in inputs)
        if method == "reduce":
            axis, keepdims = kwargs.get("axis", 0), kwargs.get("keepdims", False)
            if ufunc is np.add:
                return _sum(inputs[0], axis=axis, keepdims=keepdims)
            if ufunc is np.multiply:
                return _prod(inputs[0], axis=axis, keepdims=keepdims)
        if method != "__call__":
            raise TypeError(f"mvcalc.autodiff: numpy.{ufunc.__name__}.{method} is not supported")
        if ufunc in _VALUE_ONLY:
            return ufunc(*[_value(a) for a in inputs], **kwargs)
        rule = _UFUNC_RULES.get(ufunc)
        if rule is None:
            raise TypeError(
                f"mvcalc.autodiff: numpy.{ufunc.__name__} is not supported for dual numbers"
            )
        return rule(*inputs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        handler = _FUNCTIONS.get(func)
        if handler is None:
            name = f"{func.__module__}.{func.__name__}".replace("numpy._core", "numpy")
            raise TypeError(f"mvcalc.autodiff: {name} is not supported for dual numbers")
        return handler(*args, **kwargs)

    # ---------------------------------------------------------------- array behaviour
    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.value) if not isinstance(self.value, Dual) else self.value.shape)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def T(self) -> Any:
        return _transpose(self)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d dual number")
        return self.shape[0]

    def __iter__(self) -> Iterator[Dual]:
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, index: Any) -> Dual:
        if isinstance(index, Dual) or (
            isinstance(index, tuple) and any(isinstance(i, Dual) for i in index)
        ):
            raise TypeError("mvcalc.autodiff: indexing with a dual number is not supported")
        key = index if isinstance(index, tuple) else (index,)
        # the partials carry one more axis, at the end: keep an Ellipsis from swallowing it
        partial_key = (*key, slice(None)) if any(k is Ellipsis for k in key) else index
        return Dual(self.value[index], self.partials[partial_key], self.tag)

    def __setitem__(self, index: Any, value: Any) -> None:
        raise TypeError(
            "mvcalc.autodiff: assigning into a dual array is not supported; "
            "build arrays with np.stack, np.concatenate or np.where"
        )

    def reshape(self, *shape: Any) -> Any:
        return _reshape(self, shape[0] if len(shape) == 1 else shape)

    def ravel(self) -> Any:
        return _reshape(self, (-1,))

    flatten = ravel

    def transpose(self, *axes: Any) -> Any:
        return _transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    def sum(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _mean(self, axis=axis, keepdims=keepdims)

    def prod(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _prod(self, axis=axis, keepdims=keepdims)

    def dot(self, other: Any) -> Any:
        return _dot(self, other)

    def copy(self) -> Dual:
        return Dual(self.value * 1, self.partials * 1, self.tag)

    def __float__(self) -> float:
        raise TypeError(
            "mvcalc.autodiff: float() of a dual number would drop its derivative "
            "(math.* functions and assignment into float arrays do this; use numpy functions)"
        )

    def __complex__(self) -> complex:
        raise TypeError("mvcalc.autodiff: complex() of a dual number is not supported")

    def __bool__(self) -> bool:
        return bool(self.value)

    def __repr__(self) -> str:
        return f"Dual(value={self.value!r}, partials={self.partials!r}, tag={self.tag})"

    # ---------------------------------------------------------------- operators
    def __add__(self, o: Any) -> Any:
        return _np.add(self, o)

    def __radd__(self, o: Any) -> Any:
        return _np.add(o, self)

    def __sub__(self, o: Any) -> Any:
        return _np.subtract(self, o)

    def __rsub__(self, o: Any) -> Any:
        return _np.subtract(o, self)

    def __mul__(self, o: Any) -> Any:
        return _np.multiply(self, o)

    def __rmul__(self, o: Any) -> Any:
        return _np.multiply(o, self)

    def __truediv__(self, o: Any) -> Any:
        return _np.true_divide(self, o)

    def __rtruediv__(self, o: Any) -> Any:
        return _np.true_divide(o, self)

    def __pow__(self, o: Any) -> Any:
        return _np.power(self, o)

    def __rpow__(self, o: Any) -> Any:
        return _np.power(o, self)

    def __matmul__(self, o: Any) -> Any:
        return _np.matmul(self, o)

    def __rmatmul__(self, o: Any) -> Any:
        return _np.matmul(o, self)

    def __neg__(self) -> Any:
        return _np.negative(self)

    def __pos__(self) -> Dual:
        return self

    def __abs__(self) -> Any:
        return _np.absolute(self)

    def __lt__(self, o: Any) -> Any:
        return _np.less(self, o)

    def __le__(self, o: Any) -> Any:
        return _np.less_equal(self, o)

    def __gt__(self, o: Any) -> Any:
        return _np.greater(self, o)

    def __ge__(self, o: Any) -> Any:
        return _np.greater_equal(self, o)

    def __eq__(self, o: object) -> Any:
        return _np.equal(self, o)

    def __ne__(self, o: object) -> Any:
        return _np.not_equal(self, o)

    __hash__ = None  # type: ignore[assignment]


# ------------------------------------------------------------------------------------------
# Helpers: values, partials, constants
# ------------------------------------------------------------------------------------------


def _value(a: Any) -> Any:
    return a.value if isinstance(a, Dual) else a


def _tag(*args: Any) -> int:
    """The innermost pass among the arguments; duals of other passes are constants to it."""
    return max(a.tag for a in args if isinstance(a, Dual))


def _parts(a: Any, tag: int) -> tuple[Any, Any]:
    """(value, partials or None): a dual of an outer pass is a constant of this one."""
    if isinstance(a, Dual) and a.tag == tag:
        return a.value, a.partials
    return a, None


def _k(*args: Any) -> int:
    return int(max(a.partials.shape[-1] for a in args if isinstance(a, Dual)))


def _expand(d: Any) -> Any:
    """A derivative of shape S ready to multiply partials of shape S + (k,)."""
    return d[..., None] if np.ndim(d) or isinstance(d, Dual) else d


def _broadcast_partials(p: Any, shape: tuple[int, ...]) -> Any:
    k = p.shape[-1]
    if tuple(p.shape) == (*shape, k):
        return p
    return np.broadcast_to(p, (*shape, k))


def _shape(v: Any) -> tuple[int, ...]:
    return v.shape if isinstance(v, Dual) else np.shape(v)


def _lift_object_array(a: Any) -> Any:
    """np.array([dual, dual, ...]) gives an object array: turn it back into one dual."""
    if isinstance(a, np.ndarray) and a.dtype == object:
        items = [x for x in a.flat if isinstance(x, Dual)]
        if items:
            tag, k = max(x.tag for x in items), _k(*items)
            flat = [_constant(x, tag, k) if not (isinstance(x, Dual) and x.tag == tag) else x
                    for x in a.flat]  # fmt: skip
            values = np.stack([x.value for x in flat]) if flat else np.empty(0)
            partials = np.stack([x.partials for x in flat])
            return Dual(_reshape_any(values, a.shape), _reshape_any(partials, (*a.shape, k)), tag)
    return a


def _reshape_any(v: Any, shape: tuple[int, ...]) -> Any:
    return v.reshape(shape)


def _constant(c: Any, tag: int, k: int) -> Dual:
    """A constant as a dual of pass ``tag`` (zero partials)."""
    if isinstance(c, np.ndarray) and c.dtype == object:
        lifted = _lift_object_array(c)
        if isinstance(lifted, Dual):
            return lifted if lifted.tag == tag else _constant_value(lifted, tag, k)
    return _constant_value(c, tag, k)


def _constant_value(c: Any, tag: int, k: int) -> Dual:
    value = c if isinstance(c, Dual) else np.asarray(c, dtype=np.float64)
    return Dual(value, np.zeros((*_shape(value), k)), tag)


# ------------------------------------------------------------------------------------------
# Ufuncs: each rule is the value and, beside it, the local derivative (the chain rule).
# ------------------------------------------------------------------------------------------


def _unary(function: Callable[[Any, Any], tuple[Any, Any]]) -> Callable[[Any], Dual]:
    """Build a rule from f(v, y) → (y, dy/dv): the partials are dy/dv · ∂v."""

    def rule(a: Any) -> Dual:
        v, p = a.value, a.partials
        y, dy = function(v, None)
        return Dual(y, _expand(dy) * p, a.tag)

    return rule


def _elementwise(numpy_function: Any, derivative: Callable[[Any, Any], Any]) -> Callable[..., Dual]:
    def f(v: Any, _: Any) -> tuple[Any, Any]:
        y = numpy_function(v)
        return y, derivative(v, y)

    return _unary(f)


LN2, LN10 = math.log(2), math.log(10)

#: d f(v)/dv from v and y = f(v), for each unary ufunc. The elementary functions of maths text
#: (sin, exp, arctanh, …) come from the one table, mvcalc._functions; the rest are NumPy's own.
_UNARY: dict[Any, Callable[[Any, Any], Any]] = {
    **_functions.ad_rules(),
    np.negative: lambda v, y: -np.ones_like(_value_float(v)),
    np.positive: lambda v, y: np.ones_like(_value_float(v)),
    np.square: lambda v, y: 2 * v,  # d(v²) = 2v
    np.reciprocal: lambda v, y: -(y * y),  # d(1/v) = −1/v²
    np.expm1: lambda v, y: y + 1,
    np.exp2: lambda v, y: y * LN2,
    np.log1p: lambda v, y: 1 / (1 + v),
    np.log2: lambda v, y: 1 / (v * LN2),
    np.log10: lambda v, y: 1 / (v * LN10),
    np.fabs: lambda v, y: np.sign(v),
    np.deg2rad: lambda v, y: np.full_like(_value_float(v), math.pi / 180),
    np.rad2deg: lambda v, y: np.full_like(_value_float(v), 180 / math.pi),
}
# piecewise-constant functions: their derivative is 0 wherever it exists
_STEP_FUNCTIONS = (*_functions.step_functions(), np.floor, np.ceil, np.rint, np.trunc)
# functions of the values alone (tests and comparisons): no derivative to carry
_VALUE_ONLY = {np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
               np.isfinite, np.isnan, np.isinf, np.signbit, np.logical_and, np.logical_or,
               np.logical_not, np.logical_xor}  # fmt: skip


def _value_float(v: Any) -> Any:
    """A float array shaped like v (v may itself be a dual of an outer pass)."""
    return np.zeros(_shape(v))


def _step_rule(function: Any) -> Callable[[Any], Dual]:
    def rule(a: Any) -> Dual:
        return Dual(function(a.value), a.partials * 0, a.tag)

    return rule


def _add(a: Any, b: Any) -> Dual:
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    y = va + vb
    shape = _shape(y)
    if pa is None:
        return Dual(y, _broadcast_partials(pb, shape), tag)  # ∂(c + b) = ∂b
    if pb is None:
        return Dual(y, _broadcast_partials(pa, shape), tag)  # ∂(a + c) = ∂a
    return Dual(y, _broadcast_partials(pa + pb, shape), tag)  # ∂(a + b) = ∂a + ∂b


def _subtract(a: Any, b: Any) -> Dual:
    return _add(a, np.negative(b) if isinstance(b, Dual) else -np.asarray(b, dtype=float))


def _multiply(a: Any, b: Any) -> Dual:
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    y = va * vb
    shape = _shape(y)
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
        return _multiply(a, 1 / np.asarray(vb, dtype=float) if not isinstance(vb, Dual) else 1 / vb)
    y = va / vb
    shape = _shape(y)
    # quotient rule: ∂(a/b) = (∂a − (a/b)·∂b) / b
    minus = -_expand(y) * pb if pa is None else pa - _expand(y) * pb
    return Dual(y, _broadcast_partials(minus / _expand(vb), shape), tag)


def _power(a: Any, b: Any) -> Dual:
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    if pb is None:  # power rule: ∂(aⁿ) = n aⁿ⁻¹ ∂a
        n = vb if isinstance(vb, Dual) else np.asarray(vb, dtype=float)
        y = va**n
        partials = _expand(n * va ** (n - 1)) * pa
        return Dual(y, _broadcast_partials(partials, _shape(y)), tag)
    y = va**vb
    if pa is None:  # exponential: ∂(cᵇ) = cᵇ ln c ∂b
        partials = _expand(y * np.log(va)) * pb
    else:  # general power: ∂(aᵇ) = aᵇ (b/a ∂a + ln a ∂b)
        partials = _expand(y * vb / va) * pa + _expand(y * np.log(va)) * pb
    return Dual(y, _broadcast_partials(partials, _shape(y)), tag)


def _extremum(pick: Any) -> Callable[[Any, Any], Dual]:
    """maximum/minimum: the derivative of whichever argument wins (the first on a tie)."""

    def rule(a: Any, b: Any) -> Dual:
        tag, k = _tag(a, b), _k(a, b)
        a, b = _as_dual(a, tag, k), _as_dual(b, tag, k)
        first = pick(a.value, b.value)
        y = np.where(first, a.value, b.value)
        partials = np.where(_expand(first), a.partials, b.partials)
        return Dual(y, _broadcast_partials(partials, _shape(y)), tag)

    return rule


def _arctan2(a: Any, b: Any) -> Dual:
    tag, k = _tag(a, b), _k(a, b)
    a, b = _as_dual(a, tag, k), _as_dual(b, tag, k)
    y = np.arctan2(a.value, b.value)
    r2 = a.value * a.value + b.value * b.value  # ∂ atan2(a, b) = (b ∂a − a ∂b)/(a² + b²)
    partials = (_expand(b.value / r2) * a.partials) - (_expand(a.value / r2) * b.partials)
    return Dual(y, _broadcast_partials(partials, _shape(y)), tag)


def _hypot(a: Any, b: Any) -> Dual:
    return np.sqrt(a * a + b * b)  # type: ignore[no-any-return]


def _as_dual(a: Any, tag: int, k: int) -> Dual:
    return a if isinstance(a, Dual) and a.tag == tag else _constant(a, tag, k)


def _matmul(a: Any, b: Any) -> Dual:
    """∂(a @ b) = ∂a @ b + a @ ∂b, batched over the k inputs."""
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    y = va @ vb
    terms = []
    if pa is not None:  # (k, *S_a) @ b gives (k, *S_y) whether a is a vector or a matrix
        terms.append(np.moveaxis(pa, -1, 0) @ vb)
    if pb is not None:
        PB = np.moveaxis(pb, -1, 0)  # (k, *S_b)
        if _shape(vb) and len(_shape(vb)) == 1:
            if len(_shape(va)) > 2:
                raise TypeError("mvcalc.autodiff: matmul of a >2-D array with a dual vector")
            terms.append(PB @ (_transpose(va) if isinstance(va, Dual) else np.asarray(va).T))
        else:
            terms.append(va @ PB)
    total = terms[0] if len(terms) == 1 else terms[0] + terms[1]
    return Dual(y, np.moveaxis(total, 0, -1), tag)


_UFUNC_RULES: dict[Any, Callable[..., Dual]] = {
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
    np.matmul: _matmul,
}
_UFUNC_RULES.update({f: _elementwise(f, d) for f, d in _UNARY.items()})
_UFUNC_RULES.update({f: _step_rule(f) for f in _STEP_FUNCTIONS})


def _method(ufunc: Any) -> Callable[[Dual], Any]:
    def method(self: Dual) -> Any:
        return ufunc(self)

    return method


# NumPy's loops over object arrays call a method named after the ufunc on each element
for _ufunc in [*_UNARY, *_STEP_FUNCTIONS]:
    setattr(Dual, _ufunc.__name__, _method(_ufunc))
Dual.conjugate = lambda self: self  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------
# Array functions
# ------------------------------------------------------------------------------------------


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(a % ndim if ndim else a for a in axes)


def _sum(a: Any, axis: Any = None, keepdims: bool = False, **kwargs: Any) -> Any:
    if not isinstance(a, Dual):
        return np.sum(a, axis=axis, keepdims=keepdims)
    axes = _axes(axis, a.ndim)
    value = a.value.sum(axis=axes, keepdims=keepdims)
    return Dual(value, a.partials.sum(axis=axes, keepdims=keepdims), a.tag)  # ∂Σ = Σ∂


def _mean(a: Any, axis: Any = None, keepdims: bool = False, **kwargs: Any) -> Any:
    if not isinstance(a, Dual):
        return np.mean(a, axis=axis, keepdims=keepdims)
    count = math.prod(a.shape[i] for i in _axes(axis, a.ndim))
    return _sum(a, axis=axis, keepdims=keepdims) / count


def _prod(a: Any, axis: Any = None, keepdims: bool = False, **kwargs: Any) -> Any:
    """∂Πᵢaᵢ = Σᵢ (Π_{j≠i} aⱼ) ∂aᵢ, with the other factors from prefix and suffix products
    (no division, so a zero factor is handled exactly)."""
    if not isinstance(a, Dual):
        return np.prod(a, axis=axis, keepdims=keepdims)
    if axis is None:
        result = _prod(_reshape(a, (-1,)), axis=0)
        return _reshape(result, (1,) * a.ndim) if keepdims else result
    if isinstance(axis, tuple):
        raise TypeError("mvcalc.autodiff: numpy.prod over several axes is not supported")
    moved = _moveaxis(a, axis % a.ndim, -1)
    n = moved.shape[-1]
    items = [moved[..., i] for i in range(n)]
    prefix: list[Any] = [None] * n
    suffix: list[Any] = [None] * n
    running: Any = 1.0
    for i in range(n):
        prefix[i], running = running, running * items[i]
    total, running = running, 1.0
    for i in range(n - 1, -1, -1):
        suffix[i], running = running, running * items[i]
    partials = sum(_expand(_value(prefix[i] * suffix[i])) * items[i].partials for i in range(n))
    result = Dual(_value(total), partials, a.tag) if n else _constant(1.0, a.tag, _k(a))
    if keepdims:
        result = _expand_dims(result, axis % a.ndim)
    return result


def _dot(a: Any, b: Any, out: Any = None) -> Any:
    if np.ndim(_value(a)) == 0 or np.ndim(_value(b)) == 0:
        return np.multiply(a, b)
    return np.matmul(a, b)


def _inner(a: Any, b: Any) -> Any:
    return np.sum(a * b, axis=-1)


def _outer(a: Any, b: Any, out: Any = None) -> Any:
    return np.multiply(_reshape_dual_or_array(a, (-1, 1)), _reshape_dual_or_array(b, (1, -1)))


def _reshape_dual_or_array(a: Any, shape: Any) -> Any:
    return _reshape(a, shape) if isinstance(a, Dual) else np.reshape(a, shape)


def _reshape(a: Any, shape: Any, order: str = "C", **kwargs: Any) -> Any:
    if not isinstance(a, Dual):
        return np.reshape(a, shape)
    shape = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    value = a.value.reshape(shape)
    return Dual(value, a.partials.reshape((*_shape(value), a.partials.shape[-1])), a.tag)


def _ravel(a: Any, order: str = "C") -> Any:
    return _reshape(a, (-1,))


def _transpose(a: Any, axes: Any = None) -> Any:
    if not isinstance(a, Dual):
        return np.transpose(a, axes)
    order = tuple(range(a.ndim))[::-1] if axes is None else tuple(x % a.ndim for x in axes)
    return Dual(a.value.transpose(order), a.partials.transpose((*order, a.ndim)), a.tag)


def _moveaxis(a: Any, source: int, destination: int) -> Any:
    if not isinstance(a, Dual):
        return np.moveaxis(a, source, destination)
    n = a.ndim
    value = np.moveaxis(a.value, source % n, destination % n)
    return Dual(value, np.moveaxis(a.partials, source % n, destination % n), a.tag)


def _swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    order = list(range(a.ndim))
    order[axis1 % a.ndim], order[axis2 % a.ndim] = order[axis2 % a.ndim], order[axis1 % a.ndim]
    return _transpose(a, order)


def _expand_dims(a: Any, axis: int) -> Any:
    if not isinstance(a, Dual):
        return np.expand_dims(a, axis)
    axis = axis % (a.ndim + 1)
    return Dual(np.expand_dims(a.value, axis), np.expand_dims(a.partials, axis), a.tag)


def _squeeze(a: Any, axis: Any = None) -> Any:
    shape = a.shape
    axes = [i for i, s in enumerate(shape) if s == 1] if axis is None else _axes(axis, len(shape))
    return _reshape(a, tuple(s for i, s in enumerate(shape) if i not in axes))


def _broadcast_to(a: Any, shape: Any, subok: bool = False) -> Any:
    if not isinstance(a, Dual):
        return np.broadcast_to(a, shape)
    shape = tuple(shape)
    return Dual(np.broadcast_to(a.value, shape),
                np.broadcast_to(a.partials, (*shape, a.partials.shape[-1])), a.tag)  # fmt: skip


def _duals(arrays: Sequence[Any]) -> tuple[list[Dual], int]:
    items = [_lift_object_array(x) for x in arrays]
    tag = _tag(*items)
    k = _k(*[x for x in items if isinstance(x, Dual) and x.tag == tag])
    return [_as_dual(x, tag, k) for x in items], tag


def _stack(arrays: Sequence[Any], axis: int = 0, **kwargs: Any) -> Dual:
    duals, tag = _duals(arrays)
    ndim = duals[0].ndim + 1
    value = np.stack([d.value for d in duals], axis=axis)
    partials = np.stack([d.partials for d in duals], axis=axis % ndim)
    return Dual(value, partials, tag)


def _concatenate(arrays: Sequence[Any], axis: int | None = 0, **kwargs: Any) -> Dual:
    duals, tag = _duals(arrays)
    if axis is None:
        duals = [_reshape(d, (-1,)) for d in duals]
        axis = 0
    ndim = duals[0].ndim
    value = np.concatenate([d.value for d in duals], axis=axis)
    partials = np.concatenate([d.partials for d in duals], axis=axis % ndim)
    return Dual(value, partials, tag)


def _vstack(arrays: Sequence[Any], **kwargs: Any) -> Dual:
    duals, _ = _duals(arrays)
    return _concatenate([_reshape(d, (1, -1)) if d.ndim == 1 else d for d in duals], axis=0)


def _hstack(arrays: Sequence[Any], **kwargs: Any) -> Dual:
    duals, _ = _duals(arrays)
    return _concatenate(duals, axis=0 if duals[0].ndim == 1 else 1)


def _where(condition: Any, a: Any, b: Any) -> Any:
    condition = _value(condition)
    if not (isinstance(a, Dual) or isinstance(b, Dual)):
        return np.where(condition, a, b)
    tag, k = _tag(a, b), _k(a, b)
    a, b = _as_dual(a, tag, k), _as_dual(b, tag, k)
    value = np.where(condition, a.value, b.value)
    partials = np.where(_expand(np.asarray(condition)), a.partials, b.partials)
    return Dual(value, _broadcast_partials(partials, _shape(value)), tag)


def _clip(a: Any, a_min: Any, a_max: Any, **kwargs: Any) -> Any:
    out = a
    if a_min is not None:
        out = np.maximum(out, a_min)
    if a_max is not None:
        out = np.minimum(out, a_max)
    return out


def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    if ord not in (None, 2, "fro") or (axis is not None and ord == "fro"):
        raise TypeError(f"mvcalc.autodiff: numpy.linalg.norm with ord={ord!r} is not supported")
    return np.sqrt(_sum(x * x, axis=axis, keepdims=keepdims))


def _trace(a: Any, **kwargs: Any) -> Any:
    n = min(a.shape[0], a.shape[1])
    return sum(a[i, i] for i in range(n))


def _cumsum(a: Any, axis: Any = None, **kwargs: Any) -> Any:
    if axis is None:
        a, axis = _reshape(a, (-1,)), 0
    axis = axis % a.ndim
    return Dual(np.cumsum(a.value, axis=axis), np.cumsum(a.partials, axis=axis), a.tag)


def _shape_of(a: Any) -> tuple[int, ...]:
    return tuple(a.shape)


_FUNCTIONS: dict[Any, Callable[..., Any]] = {
    np.sum: _sum,
    np.mean: _mean,
    np.prod: _prod,
    np.dot: _dot,
    np.inner: _inner,
    np.outer: _outer,
    np.reshape: _reshape,
    np.ravel: _ravel,
    np.transpose: _transpose,
    np.moveaxis: _moveaxis,
    np.swapaxes: _swapaxes,
    np.expand_dims: _expand_dims,
    np.squeeze: _squeeze,
    np.broadcast_to: _broadcast_to,
    np.stack: _stack,
    np.concatenate: _concatenate,
    np.vstack: _vstack,
    np.hstack: _hstack,
    np.where: _where,
    np.clip: _clip,
    np.linalg.norm: _norm,
    np.trace: _trace,
    np.cumsum: _cumsum,
    np.shape: _shape_of,
    np.ndim: lambda a: a.ndim,
    np.size: lambda a, axis=None: a.size if axis is None else a.shape[axis],
    np.atleast_1d: lambda a: _reshape(a, (1,)) if a.ndim == 0 else a,
    np.zeros_like: lambda a, **kw: np.zeros(a.shape),
    np.ones_like: lambda a, **kw: np.ones(a.shape),
    np.copy: lambda a, **kw: a.copy(),
}


def supported() -> list[str]:
    """The NumPy functions and ufuncs that dual numbers support, by name.

    Examples
    --------
    >>> from mvcalc import autodiff
    >>> "sin" in autodiff.supported() and "matmul" in autodiff.supported()
    True
    """
    names = {getattr(f, "__name__", str(f)) for f in [*_UFUNC_RULES, *_VALUE_ONLY, *_FUNCTIONS]}
    return sorted(names)


# ------------------------------------------------------------------------------------------
# The transforms: grad, jacobian, hessian
# ------------------------------------------------------------------------------------------


def _seed(x: Any, name: str = "x") -> tuple[Dual, bool]:
    """x as a dual whose partials are the identity: ∂xᵢ/∂xⱼ = δᵢⱼ. Returns (dual, was_scalar)."""
    tag = next(_tags)
    if isinstance(x, Dual):  # nested: the values are duals of an outer pass
        if x.ndim > 1:
            raise ValueError(f"{name} must be a scalar or a 1-D array, got shape {x.shape}")
        n = x.size if x.ndim else 1
        eye = np.eye(n) if x.ndim else np.ones(1)
        return Dual(x, eye, tag), x.ndim == 0
    arr = finite_point(x, name)
    eye = np.eye(arr.size) if arr.ndim else np.ones(1)
    return Dual(arr, eye, tag), arr.ndim == 0


def _run(f: Callable[..., Any], x: Any) -> tuple[Any, Any, bool, int]:
    """f on seeded duals: (value, partials (shape out + (n,)), scalar input?, tag)."""
    seeded, scalar = _seed(x)
    out = _lift_object_array(f(seeded))
    if isinstance(out, list | tuple):
        out = _stack(out) if any(isinstance(o, Dual) for o in out) else np.asarray(out)
    if isinstance(out, Dual) and out.tag == seeded.tag:
        return out.value, out.partials, scalar, seeded.tag
    if isinstance(out, Dual) and out.tag > seeded.tag:
        raise ValueError("f returned a dual of an inner differentiation: nest the transforms")
    # f does not depend on x (a constant, or a value of an outer pass): the derivative is 0
    k = seeded.partials.shape[-1]
    value = out if isinstance(out, Dual) else np.asarray(out, dtype=np.float64)
    return value, np.zeros((*_shape(value), k)), scalar, seeded.tag


def _check_callable(f: Any) -> None:
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")


def grad(f: Callable[..., Any]) -> Callable[..., Any]:
    """The gradient ∇f of a scalar function, exactly, by forward-mode AD.

    Parameters
    ----------
    f : callable
        f(x) → scalar, written with NumPy, for x a 1-D array (or a scalar).

    Returns
    -------
    callable
        g(x) → ndarray of shape (n,), or a float when x is a scalar (then g = f').

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> g = mc.grad(lambda v: v[0] ** 2 * np.sin(v[1]))
    >>> g([3.0, 0.0])
    array([0., 9.])
    >>> mc.grad(np.sin)(0.0)
    1.0
    """
    _check_callable(f)

    @functools.wraps(f)
    def g(x: ArrayLike) -> Any:
        value, partials, scalar, _ = _run(f, x)
        if _shape(value) != ():
            raise ValueError(
                f"f must return a scalar for grad, got shape {_shape(value)}; use jacobian"
            )
        if scalar:
            d = partials[0]
            return d if isinstance(d, Dual) else float(d)
        return partials

    return g


def jacobian(f: Callable[..., Any]) -> Callable[..., Any]:
    """The Jacobian of f, exactly, in one forward pass (vector mode).

    Parameters
    ----------
    f : callable
        f(x) → array (or scalar), written with NumPy.

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
    """
    _check_callable(f)

    @functools.wraps(f)
    def J(x: ArrayLike) -> Any:
        _, partials, scalar, _ = _run(f, x)
        return partials[..., 0] if scalar else partials

    return J


def hessian(f: Callable[..., Any]) -> Callable[..., Any]:
    """The Hessian of a scalar function: the Jacobian of its gradient, by nesting duals.

    Parameters
    ----------
    f : callable
        f(x) → scalar, for x a 1-D array (or a scalar, giving f'').

    Returns
    -------
    callable
        H(x) → ndarray of shape (n, n), symmetric for smooth f.

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
    inner = jacobian(grad(f))

    @functools.wraps(f)
    def H(x: ArrayLike) -> Any:
        return inner(x)

    return H
