"""Exact derivatives of NumPy code by forward-mode automatic differentiation.

A :class:`Dual` number carries a value and, beside it, the partial derivatives of that value with
respect to every input: ``value`` has some shape S and ``partials`` the shape S + (k,). Each NumPy
operation on duals applies the chain rule locally — the derivative of each operation sits beside
the operation in the tables below, as in a micrograd engine::

    sin:      value sin(v),   partials cos(v) · ∂v
    multiply: value a·b,      partials ∂a·b + a·∂b
    matmul:   value a @ b,    partials ∂a @ b + a @ ∂b

Seeded with the identity (∂xᵢ/∂xⱼ = δᵢⱼ, so k = n), one run of a function on duals returns its
value and its whole Jacobian: *vector mode*, one pass of ``f`` whatever n is, every partial
derivative carried by NumPy broadcasting along the last axis (no Python loop over elements).

NumPy functions reach the rules through NumPy's own protocols: ``__array_ufunc__`` (``np.sin(d)``,
``d * 2``, ``A @ d``, ``np.maximum(d, 0)``) and ``__array_function__`` (``np.sum``, ``np.where``,
``np.stack``, ``np.linalg.norm``, …). ``np.array([d0, d1])`` is not dispatched by NumPy: it builds
an object array of duals, which every rule here (and :func:`jacobian`, on what ``f`` returns)
turns back into one dual; :func:`array` and ``np.stack`` build one directly, and faster.

The transforms compose like JAX's ``grad``, ``jacfwd`` and ``hessian``:

* ``grad(f)(x)`` — shape (n,), or a float f'(x) for a scalar x; ``f`` must return a scalar.
* ``jacobian(f)(x)`` — shape ``f(x).shape + x.shape`` (as ``jax.jacfwd``): (m, n) for
  f: Rⁿ → Rᵐ, (n,) for a scalar f, (m,) for a scalar x, a float when both are scalars.
* ``hessian(f)(x)`` — ``jacobian(grad(f))``, by *nesting* duals (forward over forward): the
  outer pass's duals become the values of the inner pass's duals, and every rule is written with
  NumPy operations that dispatch again. Each pass has a tag, so that a dual of an outer pass is
  a constant to an inner one (no "perturbation confusion"); grad(grad(grad(f))) works the same.

Choices at the points where a derivative does not exist: ``abs``, ``sign``, ``floor``, ``ceil``,
``rint``, ``trunc`` and ``round`` have derivative 0 there (|v|' = sign(v), so 0 at 0);
``maximum``/``minimum``, ``max``/``min`` and ``clip`` take the derivative of the winning argument,
the first one on a tie; ``where`` takes the branch it selects. As in every forward-mode AD, the
chain rule is applied to the program as written: ``np.sqrt(x - x)`` has derivative ∞ · 0 = NaN
at every x, although the expression is the constant 0.

Operations this module does not know — an unsupported ufunc (``np.bitwise_and``), ufunc method
(``np.add.reduceat``), option (``out=``, ``where=``) or function (``np.fft.fft``,
``np.linalg.svd``, ``np.sort``) — raise ``TypeError`` naming them: a derivative is never dropped
silently. So do ``float(d)`` and ``math.sin(d)``, which would drop it; :func:`supported` lists
what is known.

Examples
--------
>>> import numpy as np
>>> import mvcalc as mc
>>> f = lambda v: np.sin(v[0]) * np.exp(v[1]) + np.sum(v**2)
>>> mc.grad(f)([0.0, 0.0])
array([1., 0.])
>>> mc.hessian(f)([0.0, 0.0])
array([[2., 1.],
       [1., 2.]])
"""

from __future__ import annotations

import itertools
import math
import reprlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Dual", "array", "grad", "hessian", "jacobian", "supported"]

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
        Which differentiation pass this dual belongs to; a dual of another pass is a constant.

    Notes
    -----
    Duals behave as read-only NumPy arrays: ufuncs, operators, indexing, ``len``, iteration over
    the first axis, ``.shape``, ``.T``, ``.reshape`` and the array functions listed by
    :func:`supported`. Comparisons return plain boolean arrays of the values. ``float(d)``
    raises ``TypeError``: it would drop the derivative.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.autodiff import Dual
    >>> x = Dual(np.array(2.0), np.array([1.0]), tag=1)   # x = 2, dx/dx = 1
    >>> y = np.sin(x) * x
    >>> bool(np.isclose(y.partials[0], np.cos(2) * 2 + np.sin(2)))
    True
    >>> v = Dual(np.array([1.0, 2.0]), np.eye(2), tag=1)
    >>> (v @ v).partials          # ∇(v·v) = 2v
    array([2., 4.])
    >>> v > 1.5
    array([False,  True])
    """

    __slots__ = ("partials", "tag", "value")
    __array_priority__ = 1000

    def __init__(self, value: Any, partials: Any, tag: int) -> None:
        self.value = value
        self.partials = partials
        self.tag = tag

    # ---------------------------------------------------------------- NumPy protocols
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        name = f"numpy.{ufunc.__name__}"
        inputs = tuple(_lift_object_array(a) for a in inputs)
        if method == "__call__":
            _check_options(name, **kwargs)
            if ufunc in _VALUE_ONLY:
                return ufunc(*[_value(a) for a in inputs])
            rule = _UFUNC_RULES.get(ufunc)
            if rule is None:
                raise TypeError(f"mvcalc.autodiff: {name} is not supported for dual numbers")
            return rule(*inputs)
        method_rule = _UFUNC_METHODS.get((ufunc, method))
        if method_rule is not None:
            return method_rule(*inputs, **kwargs)
        if method == "outer" and ufunc.nin == 2 and (ufunc in _UFUNC_RULES or ufunc in _VALUE_ONLY):
            _check_options(f"{name}.outer", **kwargs)
            a, b = inputs
            a = _reshape_any(a, (*_shape(a), *(1,) * len(_shape(b))))
            return ufunc(a, b)
        raise TypeError(f"mvcalc.autodiff: {name}.{method} is not supported for dual numbers")

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        handler = _FUNCTIONS.get(func)
        if handler is None:
            raise TypeError(f"mvcalc.autodiff: {_name(func)} is not supported for dual numbers")
        return handler(*args, **kwargs)

    # ---------------------------------------------------------------- array behaviour
    @property
    def shape(self) -> tuple[int, ...]:
        """The shape S of the values."""
        return _shape(self.value)

    @property
    def ndim(self) -> int:
        """The number of dimensions of the values."""
        return len(self.shape)

    @property
    def size(self) -> int:
        """The number of values."""
        return math.prod(self.shape)

    @property
    def dtype(self) -> np.dtype[np.float64]:
        """float64, the type of the values."""
        return np.dtype(np.float64)

    @property
    def T(self) -> Dual:
        """The transpose, as ``ndarray.T``."""
        return _transpose(self)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d dual number")
        return self.shape[0]

    def __iter__(self) -> Iterator[Dual]:
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, index: Any) -> Dual:
        key = index if isinstance(index, tuple) else (index,)
        if any(isinstance(k, Dual) for k in key):
            raise TypeError("mvcalc.autodiff: indexing with a dual number is not supported")
        # the partials carry one more axis, at the end: keep an Ellipsis from swallowing it
        partial_key = (*key, slice(None)) if any(k is Ellipsis for k in key) else index
        return Dual(self.value[index], self.partials[partial_key], self.tag)

    def __setitem__(self, index: Any, value: Any) -> None:
        raise TypeError(
            "mvcalc.autodiff: assigning into a dual array is not supported; "
            "build arrays with np.stack, np.concatenate or np.where"
        )

    def reshape(self, *shape: Any, order: str = "C") -> Dual:
        """The same values in another shape, as ``ndarray.reshape``."""
        return _reshape(self, shape[0] if len(shape) == 1 else shape, order=order)

    def ravel(self) -> Dual:
        """The values as a 1-D dual."""
        return _reshape(self, (-1,))

    flatten = ravel

    def transpose(self, *axes: Any) -> Dual:
        """The axes permuted, as ``ndarray.transpose``."""
        return _transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    def swapaxes(self, axis1: int, axis2: int) -> Dual:
        """Two axes interchanged."""
        return _swapaxes(self, axis1, axis2)

    def squeeze(self, axis: Any = None) -> Dual:
        """Axes of length one removed."""
        return _squeeze(self, axis)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Dual:
        """The diagonal, as ``np.diagonal``."""
        return _diagonal(self, offset, axis1, axis2)

    def trace(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Dual:
        """The sum of the diagonal, as ``np.trace``."""
        return _trace(self, offset, axis1, axis2)

    def sum(self, axis: Any = None, keepdims: bool = False) -> Dual:
        """Σ over ``axis``: ∂Σv = Σ∂v."""
        return _sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Dual:
        """The mean over ``axis``."""
        return _mean(self, axis=axis, keepdims=keepdims)

    def prod(self, axis: Any = None, keepdims: bool = False) -> Dual:
        """Π over ``axis``, exact when a factor is zero."""
        return _prod(self, axis=axis, keepdims=keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Dual:
        """The largest value over ``axis``, with the partials of the (first) largest."""
        return _max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Dual:
        """The smallest value over ``axis``, with the partials of the (first) smallest."""
        return _min(self, axis=axis, keepdims=keepdims)

    def cumsum(self, axis: Any = None) -> Dual:
        """Running sums, as ``np.cumsum``."""
        return _cumsum(self, axis=axis)

    def cumprod(self, axis: Any = None) -> Dual:
        """Running products, as ``np.cumprod``."""
        return _cumprod(self, axis=axis)

    def clip(self, min: Any = None, max: Any = None) -> Dual:  # noqa: A002 - NumPy's names
        """Values limited to [min, max], as ``np.clip``."""
        return _clip(self, min, max)

    def dot(self, other: Any) -> Any:
        """The dot product, as ``np.dot``."""
        return _dot(self, other)

    def copy(self) -> Dual:
        """A copy (duals are never modified in place, so this is rarely needed)."""
        return Dual(_np.copy(self.value), _np.copy(self.partials), self.tag)

    def astype(self, dtype: Any, **kwargs: Any) -> Dual:
        """Itself for ``float``/``float64``; any other type would lose the derivative."""
        if _is_float64(dtype):
            return self
        raise TypeError(f"mvcalc.autodiff: astype({dtype!r}) of a dual number is not supported")

    @property
    def real(self) -> Dual:
        """Itself: the values are real."""
        return self

    def conjugate(self) -> Dual:
        """Itself: the values are real."""
        return self

    conj = conjugate

    def __float__(self) -> float:
        raise TypeError(
            "mvcalc.autodiff: float() of a dual number would drop its derivative "
            "(math.* functions and assignment into float arrays do this; use numpy functions)"
        )

    def __int__(self) -> int:
        raise TypeError("mvcalc.autodiff: int() of a dual number would drop its derivative")

    def __complex__(self) -> complex:
        raise TypeError("mvcalc.autodiff: complex() of a dual number is not supported")

    def __bool__(self) -> bool:
        return bool(self.value)

    def __repr__(self) -> str:
        return f"Dual(value={self.value!r}, partials={self.partials!r}, tag={self.tag})"

    # NumPy's loops over object arrays (np.array of duals) call these
    def __floor__(self) -> Any:
        return _np.floor(self)

    def __ceil__(self) -> Any:
        return _np.ceil(self)

    def __trunc__(self) -> Any:
        return _np.trunc(self)

    def __round__(self, ndigits: int | None = None) -> Any:
        return _round(self, ndigits or 0)

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

    def __floordiv__(self, o: Any) -> Any:
        return _np.floor_divide(self, o)

    def __rfloordiv__(self, o: Any) -> Any:
        return _np.floor_divide(o, self)

    def __mod__(self, o: Any) -> Any:
        return _np.remainder(self, o)

    def __rmod__(self, o: Any) -> Any:
        return _np.remainder(o, self)

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
# Helpers: values, partials, constants, options
# ------------------------------------------------------------------------------------------


def _name(func: Any) -> str:
    module = getattr(func, "__module__", None) or "numpy"
    name = f"{module}.{getattr(func, '__name__', repr(func))}"
    return name.replace("numpy._core.", "numpy.").replace("numpy.core.", "numpy.")


def _is_float64(dtype: Any) -> bool:
    try:
        return bool(np.dtype(dtype) == np.float64)
    except TypeError:
        return False


_DEFAULT_OPTIONS = {"where": True, "subok": True, "casting": "same_kind", "order": "K"}


def _check_options(name: str, **options: Any) -> None:
    """Refuse options that would change what is computed (out=, where=, dtype=int, …)."""
    for key, val in options.items():
        if val is None or val is np._NoValue:
            continue
        default = _DEFAULT_OPTIONS.get(key)
        if isinstance(val, bool | str) and val == default:
            continue
        if key == "dtype" and _is_float64(val):
            continue
        raise TypeError(f"mvcalc.autodiff: {name} with {key}= is not supported for dual numbers")


def _shape(v: Any) -> tuple[int, ...]:
    try:
        return tuple(v.shape)
    except AttributeError:
        return tuple(np.shape(v))


def _value(a: Any) -> Any:
    return a.value if isinstance(a, Dual) else a


def _primal(a: Any) -> Any:
    """The plain float values under every level of nesting."""
    while isinstance(a, Dual):
        a = a.value
    return a


def _tag(*args: Any) -> int:
    """The innermost pass among the arguments; duals of other passes are constants to it."""
    return max(a.tag for a in args if isinstance(a, Dual))


def _parts(a: Any, tag: int) -> tuple[Any, Any]:
    """(value, partials or None): a dual of an outer pass is a constant of this one."""
    if isinstance(a, Dual):
        if a.tag == tag:
            return a.value, a.partials
        return a, None
    if isinstance(a, list | tuple):
        return np.asarray(a, dtype=np.float64), None
    return a, None


def _k(*args: Any) -> int:
    return int(max(a.partials.shape[-1] for a in args if isinstance(a, Dual)))


def _expand(d: Any) -> Any:
    """A derivative of shape S ready to multiply partials of shape S + (k,)."""
    return d[..., None] if isinstance(d, Dual) or np.ndim(d) else d


def _broadcast_partials(p: Any, shape: tuple[int, ...]) -> Any:
    if _shape(p)[:-1] == shape:
        return p
    return _np.broadcast_to(p, (*shape, p.shape[-1]))


def _reshape_any(v: Any, shape: tuple[int, ...]) -> Any:
    return v.reshape(shape) if isinstance(v, Dual | np.ndarray) else np.reshape(v, shape)


def _lift_object_array(a: Any) -> Any:
    """np.array([dual, dual, ...]) gives an object array: turn it back into one dual."""
    if not (isinstance(a, np.ndarray) and a.dtype == object):
        return a
    items = list(a.flat)
    duals = [x for x in items if isinstance(x, Dual)]
    if not duals:
        return a
    tag = _tag(*duals)
    k = _k(*[d for d in duals if d.tag == tag])
    flat = [_as_dual(x, tag, k) for x in items]
    values = _np.stack([x.value for x in flat])
    partials = _np.stack([x.partials for x in flat])
    return Dual(_reshape_any(values, a.shape), _reshape_any(partials, (*a.shape, k)), tag)


def _as_dual(a: Any, tag: int, k: int) -> Dual:
    """a as a dual of pass ``tag``: itself, or a constant (zero partials)."""
    if isinstance(a, Dual) and a.tag == tag:
        return a
    a = _lift_object_array(a)
    if isinstance(a, Dual) and a.tag == tag:
        return a
    value = a if isinstance(a, Dual) else np.asarray(a, dtype=np.float64)
    return Dual(value, np.zeros((*_shape(value), k)), tag)


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple) as a tuple of non-negative axes, checked."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, tuple | list) else (axis,)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(a, ndim)
        out.append(a % ndim)
    return tuple(out)


# ------------------------------------------------------------------------------------------
# Ufuncs: each rule is the value and, beside it, the local derivative (the chain rule).
# ------------------------------------------------------------------------------------------


def _unary(function: Any, derivative: Callable[[Any, Any], Any]) -> Callable[[Dual], Dual]:
    """The rule for y = function(v): partials dy/dv · ∂v."""

    def rule(a: Dual) -> Dual:
        y = function(a.value)
        return Dual(y, _expand(derivative(a.value, y)) * a.partials, a.tag)

    return rule


LN2, LN10 = math.log(2), math.log(10)

# ufunc: its derivative dy/dv, from the input v and the output y
_UNARY: dict[Any, Callable[[Any, Any], Any]] = {
    np.negative: lambda v, y: -1.0,  # d(−v) = −1
    np.positive: lambda v, y: 1.0,  # d(+v) = 1
    np.square: lambda v, y: 2 * v,  # d(v²) = 2v
    np.sqrt: lambda v, y: 0.5 / y,  # d√v = 1/(2√v)
    np.cbrt: lambda v, y: 1 / (3 * y * y),  # d∛v = 1/(3∛v²)
    np.reciprocal: lambda v, y: -(y * y),  # d(1/v) = −1/v²
    np.exp: lambda v, y: y,  # d eᵛ = eᵛ
    np.expm1: lambda v, y: y + 1,  # d(eᵛ − 1) = eᵛ
    np.exp2: lambda v, y: y * LN2,  # d 2ᵛ = 2ᵛ ln 2
    np.log: lambda v, y: 1 / v,  # d ln v = 1/v
    np.log1p: lambda v, y: 1 / (1 + v),  # d ln(1 + v) = 1/(1 + v)
    np.log2: lambda v, y: 1 / (v * LN2),  # d log₂ v = 1/(v ln 2)
    np.log10: lambda v, y: 1 / (v * LN10),  # d log₁₀ v = 1/(v ln 10)
    np.sin: lambda v, y: np.cos(v),  # d sin v = cos v
    np.cos: lambda v, y: -np.sin(v),  # d cos v = −sin v
    np.tan: lambda v, y: 1 + y * y,  # d tan v = 1 + tan² v
    np.arcsin: lambda v, y: 1 / np.sqrt(1 - v * v),  # d asin v = 1/√(1 − v²)
    np.arccos: lambda v, y: -1 / np.sqrt(1 - v * v),  # d acos v = −1/√(1 − v²)
    np.arctan: lambda v, y: 1 / (1 + v * v),  # d atan v = 1/(1 + v²)
    np.sinh: lambda v, y: np.cosh(v),  # d sinh v = cosh v
    np.cosh: lambda v, y: np.sinh(v),  # d cosh v = sinh v
    np.tanh: lambda v, y: 1 - y * y,  # d tanh v = 1 − tanh² v
    np.arcsinh: lambda v, y: 1 / np.sqrt(v * v + 1),  # d asinh v = 1/√(v² + 1)
    np.arccosh: lambda v, y: 1 / np.sqrt(v * v - 1),  # d acosh v = 1/√(v² − 1)
    np.arctanh: lambda v, y: 1 / (1 - v * v),  # d atanh v = 1/(1 − v²)
    np.absolute: lambda v, y: np.sign(v),  # d|v| = sign(v), taken as 0 at v = 0
    np.fabs: lambda v, y: np.sign(v),  # the same
    np.deg2rad: lambda v, y: math.pi / 180,
    np.rad2deg: lambda v, y: 180 / math.pi,
}
# piecewise-constant functions: their derivative is 0 wherever it exists (and taken as 0 at jumps)
_STEP_FUNCTIONS = (np.sign, np.floor, np.ceil, np.rint, np.trunc)
# functions of the values alone (tests and comparisons): no derivative to carry
_VALUE_ONLY = {np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
               np.isfinite, np.isnan, np.isinf, np.signbit, np.logical_and, np.logical_or,
               np.logical_not, np.logical_xor}  # fmt: skip


def _step_rule(function: Any) -> Callable[[Dual], Dual]:
    def rule(a: Dual) -> Dual:
        return Dual(function(a.value), np.zeros(_shape(a.partials)), a.tag)  # ∂ = 0

    return rule


def _add(a: Any, b: Any) -> Dual:
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    y = va + vb
    if pa is None:
        partials = pb  # ∂(c + b) = ∂b
    elif pb is None:
        partials = pa  # ∂(a + c) = ∂a
    else:
        partials = pa + pb  # ∂(a + b) = ∂a + ∂b
    return Dual(y, _broadcast_partials(partials, _shape(y)), tag)


def _subtract(a: Any, b: Any) -> Dual:
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    y = va - vb
    if pa is None:
        partials = -pb  # ∂(c − b) = −∂b
    elif pb is None:
        partials = pa  # ∂(a − c) = ∂a
    else:
        partials = pa - pb  # ∂(a − b) = ∂a − ∂b
    return Dual(y, _broadcast_partials(partials, _shape(y)), tag)


def _multiply(a: Any, b: Any) -> Dual:
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    y = va * vb
    if pa is None:
        partials = _expand(va) * pb  # ∂(c·b) = c ∂b
    elif pb is None:
        partials = pa * _expand(vb)  # ∂(a·c) = ∂a c
    else:
        partials = pa * _expand(vb) + _expand(va) * pb  # product rule: ∂a·b + a·∂b
    return Dual(y, _broadcast_partials(partials, _shape(y)), tag)


def _divide(a: Any, b: Any) -> Dual:
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    y = va / vb
    if pb is None:
        partials = pa / _expand(vb)  # ∂(a/c) = ∂a / c
    else:  # quotient rule: ∂(a/b) = (∂a − (a/b)·∂b) / b
        q = _expand(y) * pb
        partials = (-q if pa is None else pa - q) / _expand(vb)
    return Dual(y, _broadcast_partials(partials, _shape(y)), tag)


def _power(a: Any, b: Any) -> Dual:
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    if not isinstance(vb, Dual):
        vb = np.asarray(vb, dtype=np.float64)
    if not isinstance(va, Dual):
        va = np.asarray(va, dtype=np.float64)
    y = va**vb
    partials = None
    if pa is not None:  # power rule: ∂(aᵇ) = b aᵇ⁻¹ ∂a  (0 when b = 0, even at a = 0)
        da = _where_zero(vb, vb, lambda: vb * va ** (vb - 1))
        partials = _expand(da) * pa
    if pb is not None:  # exponential: ∂(aᵇ) = aᵇ ln a ∂b  (0 where aᵇ = 0: a = 0, b > 0)
        db = _where_zero(y, va, lambda: y * np.log(va))
        term = _expand(db) * pb
        partials = term if partials is None else partials + term
    return Dual(y, _broadcast_partials(partials, _shape(y)), tag)


def _where_zero(test: Any, base: Any, derivative: Callable[[], Any]) -> Any:
    """derivative(), but 0 where ``test`` is 0 (avoiding 0·∞ at the edge of a power rule)."""
    zero = _primal(test) == 0
    if not np.any(zero):
        return derivative()
    with np.errstate(divide="ignore", invalid="ignore"):
        return _np.where(zero, 0.0, derivative())


def _extremum(ufunc: Any, first_wins: Any) -> Callable[[Any, Any], Dual]:
    """maximum/minimum: the derivative of whichever argument wins (the first on a tie)."""

    def rule(a: Any, b: Any) -> Dual:
        tag, k = _tag(a, b), _k(a, b)
        a, b = _as_dual(a, tag, k), _as_dual(b, tag, k)
        y = ufunc(a.value, b.value)
        first = first_wins(_primal(a.value), _primal(b.value))
        partials = _np.where(_expand(first), a.partials, b.partials)
        return Dual(y, _broadcast_partials(partials, _shape(y)), tag)

    return rule


def _binary(function: Any, d_first: Any, d_second: Any) -> Callable[[Any, Any], Dual]:
    """The rule for y = function(a, b): partials ∂y/∂a · ∂a + ∂y/∂b · ∂b."""

    def rule(a: Any, b: Any) -> Dual:
        tag = _tag(a, b)
        (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
        y = function(va, vb)
        partials = None
        if pa is not None:
            partials = _expand(d_first(va, vb, y)) * pa
        if pb is not None:
            term = _expand(d_second(va, vb, y)) * pb
            partials = term if partials is None else partials + term
        return Dual(y, _broadcast_partials(partials, _shape(y)), tag)

    return rule


# ufunc: (∂y/∂a, ∂y/∂b), from the inputs a, b and the output y
_BINARY: dict[Any, tuple[Callable[[Any, Any, Any], Any], Callable[[Any, Any, Any], Any]]] = {
    np.arctan2: (lambda a, b, y: b / (a * a + b * b), lambda a, b, y: -a / (a * a + b * b)),
    np.hypot: (lambda a, b, y: a / y, lambda a, b, y: b / y),  # ∂√(a² + b²) = (a∂a + b∂b)/y
    np.logaddexp: (lambda a, b, y: np.exp(a - y), lambda a, b, y: np.exp(b - y)),
    np.logaddexp2: (lambda a, b, y: np.exp2(a - y), lambda a, b, y: np.exp2(b - y)),
}


def _matmul(a: Any, b: Any) -> Dual:
    """∂(a @ b) = ∂a @ b + a @ ∂b, all k partials through the same (batched) product."""
    tag = _tag(a, b)
    (va, pa), (vb, pb) = _parts(a, tag), _parts(b, tag)
    if not isinstance(va, Dual):
        va = np.asarray(va, dtype=np.float64)
    if not isinstance(vb, Dual):
        vb = np.asarray(vb, dtype=np.float64)
    y = va @ vb  # NumPy checks the shapes
    k = (pa if pa is not None else pb).shape[-1]
    out_shape = (*_shape(y), k)
    na, nb = len(_shape(va)), len(_shape(vb))
    partials = None
    if nb <= 2:
        if pa is not None:  # ∂a @ b: ∂a is (…, n, k); (…, k, n) @ b is (…, k, p) or (…, k)
            term = _np.swapaxes(pa, -1, -2) @ vb
            partials = term if nb == 1 else _np.swapaxes(term, -1, -2)
        if pb is not None:  # a @ ∂b: ∂b's columns and k side by side, one product a @ (n, p·k)
            term = _reshape_any(va @ _reshape_any(pb, (_shape(vb)[0], -1)), out_shape)
            partials = term if partials is None else partials + term
    else:  # b is a stack of matrices: k becomes a batch axis beside the matrix axes
        a2 = va if na >= 2 else _reshape_any(va, (1, -1))
        if pa is not None:
            pa2 = pa if na >= 2 else _reshape_any(pa, (1, *_shape(pa)))
            partials = _np.moveaxis(pa2, -1, -3) @ _np.expand_dims(vb, -3)
        if pb is not None:
            term = _np.expand_dims(a2, -3) @ _np.moveaxis(pb, -1, -3)
            partials = term if partials is None else partials + term
        partials = _reshape_any(_np.moveaxis(partials, -3, -1), out_shape)
    return Dual(y, partials, tag)


_UFUNC_RULES: dict[Any, Callable[..., Dual]] = {
    np.add: _add,
    np.subtract: _subtract,
    np.multiply: _multiply,
    np.true_divide: _divide,
    np.power: _power,
    np.float_power: _power,
    np.maximum: _extremum(np.maximum, np.greater_equal),
    np.fmax: _extremum(np.fmax, np.greater_equal),
    np.minimum: _extremum(np.minimum, np.less_equal),
    np.fmin: _extremum(np.fmin, np.less_equal),
    np.matmul: _matmul,
}
_UFUNC_RULES.update({f: _unary(f, d) for f, d in _UNARY.items()})
_UFUNC_RULES.update({f: _step_rule(f) for f in _STEP_FUNCTIONS})
_UFUNC_RULES.update({f: _binary(f, *d) for f, d in _BINARY.items()})


def _object_loop_method(ufunc: Any) -> Callable[..., Any]:
    def method(self: Dual, *others: Any) -> Any:
        return ufunc(self, *others)

    method.__name__ = ufunc.__name__
    method.__doc__ = f"numpy.{ufunc.__name__} of the dual (NumPy's object arrays call this)."
    return method


# NumPy's loops over object arrays call a method named after the ufunc on each element
for _ufunc in [*_UNARY, *_BINARY]:
    if not hasattr(Dual, _ufunc.__name__):
        setattr(Dual, _ufunc.__name__, _object_loop_method(_ufunc))


# ------------------------------------------------------------------------------------------
# Reductions and scans
# ------------------------------------------------------------------------------------------


def _to_last_axis(a: Dual, axis: Any) -> tuple[Dual, tuple[int, ...]]:
    """The reduced axes moved to the end and merged into one: (a', reduced axes)."""
    axes = _axes(axis, a.ndim)
    kept = [i for i in range(a.ndim) if i not in axes]
    order = (*kept, *axes)
    moved = a if order == tuple(range(a.ndim)) else _transpose(a, order)
    n = math.prod(a.shape[i] for i in axes)
    if len(axes) != 1:
        moved = _reshape(moved, (*[a.shape[i] for i in kept], n))
    return moved, axes


def _keepdims(result: Dual, shape: tuple[int, ...], axes: tuple[int, ...]) -> Dual:
    return _reshape(result, tuple(1 if i in axes else s for i, s in enumerate(shape)))


def _sum(
    a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
    **options: Any,
) -> Any:  # fmt: skip
    _check_options("numpy.sum", dtype=dtype, out=out, **options)
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.sum(a, axis=axis, keepdims=keepdims)
    axes = _axes(axis, a.ndim)
    value = _np.sum(a.value, axis=axes, keepdims=keepdims)
    return Dual(value, _np.sum(a.partials, axis=axes, keepdims=keepdims), a.tag)  # ∂Σ = Σ∂


def _mean(
    a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
    **options: Any,
) -> Any:  # fmt: skip
    _check_options("numpy.mean", dtype=dtype, out=out, **options)
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.mean(a, axis=axis, keepdims=keepdims)
    count = math.prod(a.shape[i] for i in _axes(axis, a.ndim))
    return _sum(a, axis=axis, keepdims=keepdims) / count


def _var(
    a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: float = 0,
    keepdims: bool = False, **options: Any,
) -> Any:  # fmt: skip
    _check_options("numpy.var", dtype=dtype, out=out, **options)
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.var(a, axis=axis, ddof=ddof, keepdims=keepdims)
    count = math.prod(a.shape[i] for i in _axes(axis, a.ndim))
    centred = a - _mean(a, axis=axis, keepdims=True)
    return _sum(centred * centred, axis=axis, keepdims=keepdims) / (count - ddof)


def _std(
    a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: float = 0,
    keepdims: bool = False, **options: Any,
) -> Any:  # fmt: skip
    _check_options("numpy.std", dtype=dtype, out=out, **options)
    return _np.sqrt(_var(a, axis=axis, ddof=ddof, keepdims=keepdims))


def _inclusive_products(v: Any) -> Any:
    """Running products along the last axis, v₀, v₀v₁, v₀v₁v₂, …, without division.

    Plain values use np.cumprod; duals (nested passes) a log-depth scan of multiplications
    (Hillis–Steele), so that the derivatives follow.
    """
    if not isinstance(v, Dual):
        return np.cumprod(v, axis=-1)
    n, step = v.shape[-1], 1
    while step < n:
        v = _concatenate([v[..., :step], v[..., step:] * v[..., :-step]], axis=-1)
        step *= 2
    return v


def _exclusive_products(v: Any) -> Any:
    """Products of the elements before each one along the last axis: 1, v₀, v₀v₁, …"""
    ones = np.ones((*_shape(v)[:-1], 1))
    return _np.concatenate([ones, _inclusive_products(v[..., :-1])], axis=-1)


def _prod(
    a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
    **options: Any,
) -> Any:  # fmt: skip
    """∂Πᵢaᵢ = Σᵢ (Π_{j≠i} aⱼ) ∂aᵢ, with the other factors from prefix and suffix products
    (no division, so a zero factor is exact)."""
    _check_options("numpy.prod", dtype=dtype, out=out, **options)
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.prod(a, axis=axis, keepdims=keepdims)
    moved, axes = _to_last_axis(a, axis)
    v, p = moved.value, moved.partials
    if _shape(v)[-1] == 0:
        result = Dual(np.ones(_shape(v)[:-1]), np.zeros(_shape(p)[:-2] + _shape(p)[-1:]), a.tag)
    else:
        others = _exclusive_products(v) * _exclusive_products(v[..., ::-1])[..., ::-1]
        partials = _np.sum(_expand(others) * p, axis=-2)  # Σᵢ (Π_{j≠i} vⱼ) ∂vᵢ
        result = Dual(_np.prod(v, axis=-1), partials, a.tag)
    return _keepdims(result, a.shape, axes) if keepdims else result


def _extreme(name: str, arg: Any, reduce: Any) -> Callable[..., Any]:
    """max/min: the value and partials of the (first) winning element."""

    def rule(
        a: Any, axis: Any = None, out: Any = None, keepdims: bool = False, **options: Any
    ) -> Any:
        _check_options(f"numpy.{name}", out=out, **options)
        a = _lift_object_array(a)
        if not isinstance(a, Dual):
            return reduce(a, axis=axis, keepdims=keepdims)
        moved, axes = _to_last_axis(a, axis)
        index = arg(_primal(moved.value), axis=-1)[..., None]
        value = _take_along_axis(moved.value, index, axis=-1)[..., 0]
        partials = _take_along_axis(moved.partials, index[..., None], axis=-2)[..., 0, :]
        result = Dual(value, partials, a.tag)
        return _keepdims(result, a.shape, axes) if keepdims else result

    return rule


_max = _extreme("max", np.argmax, np.max)
_min = _extreme("min", np.argmin, np.min)


def _cumsum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    _check_options("numpy.cumsum", dtype=dtype, out=out)
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.cumsum(a, axis=axis)
    if axis is None:
        a, axis = _reshape(a, (-1,)), 0
    (axis,) = _axes(axis, a.ndim)
    return Dual(_np.cumsum(a.value, axis=axis), _np.cumsum(a.partials, axis=axis), a.tag)


def _cumprod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    """Running products by a scan of dual multiplications (exact with zeros)."""
    _check_options("numpy.cumprod", dtype=dtype, out=out)
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.cumprod(a, axis=axis)
    if axis is None:
        a, axis = _reshape(a, (-1,)), 0
    (axis,) = _axes(axis, a.ndim)
    moved = _moveaxis(a, axis, -1)
    n, step = moved.shape[-1], 1
    while step < n:
        moved = _concatenate([moved[..., :step], moved[..., step:] * moved[..., :-step]], -1)
        step *= 2
    return _moveaxis(moved, -1, axis)


def _reduce_method(ufunc: Any, reduce: Any) -> Callable[..., Any]:
    def method(a: Any, axis: Any = 0, keepdims: bool = False, **options: Any) -> Any:
        _check_options(f"numpy.{ufunc.__name__}.reduce", **options)
        return reduce(a, axis=axis, keepdims=keepdims)

    return method


def _accumulate_method(ufunc: Any, scan: Any) -> Callable[..., Any]:
    def method(a: Any, axis: Any = 0, **options: Any) -> Any:
        _check_options(f"numpy.{ufunc.__name__}.accumulate", **options)
        return scan(a, axis=axis)

    return method


_UFUNC_METHODS: dict[tuple[Any, str], Callable[..., Any]] = {
    (np.add, "reduce"): _reduce_method(np.add, _sum),
    (np.multiply, "reduce"): _reduce_method(np.multiply, _prod),
    (np.maximum, "reduce"): _reduce_method(np.maximum, _max),
    (np.minimum, "reduce"): _reduce_method(np.minimum, _min),
    (np.add, "accumulate"): _accumulate_method(np.add, _cumsum),
    (np.multiply, "accumulate"): _accumulate_method(np.multiply, _cumprod),
}


# ------------------------------------------------------------------------------------------
# Products, shapes and assembly
# ------------------------------------------------------------------------------------------


def _dot(a: Any, b: Any, out: Any = None) -> Any:
    _check_options("numpy.dot", out=out)
    a, b = _lift_object_array(a), _lift_object_array(b)
    na, nb = len(_shape(a)), len(_shape(b))
    if na == 0 or nb == 0:
        return _np.multiply(a, b)
    if na > 2 or nb > 2:
        raise TypeError("mvcalc.autodiff: numpy.dot of arrays of more than 2-D is not supported")
    return _np.matmul(a, b)


def _inner(a: Any, b: Any) -> Any:
    a, b = _lift_object_array(a), _lift_object_array(b)
    na, nb = len(_shape(a)), len(_shape(b))
    if na == 0 or nb == 0:
        return _np.multiply(a, b)
    if nb > 2:
        raise TypeError("mvcalc.autodiff: numpy.inner with a >2-D second argument")
    return _np.matmul(a, b if nb == 1 else _np.swapaxes(b, 0, 1))


def _outer(a: Any, b: Any, out: Any = None) -> Any:
    _check_options("numpy.outer", out=out)
    a, b = _lift_object_array(a), _lift_object_array(b)
    return _np.multiply(_reshape_any(a, (-1, 1)), _reshape_any(b, (1, -1)))


def _reshape(
    a: Any, shape: Any = None, order: str = "C", *, newshape: Any = None, copy: Any = None
) -> Any:
    if order != "C":
        raise TypeError("mvcalc.autodiff: numpy.reshape with order= is not supported")
    shape = newshape if shape is None else shape
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.reshape(a, shape)
    shape = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    value = _reshape_any(a.value, shape)
    return Dual(value, _reshape_any(a.partials, (*_shape(value), a.partials.shape[-1])), a.tag)


def _ravel(a: Any, order: str = "C") -> Any:
    return _reshape(a, (-1,), order=order)


def _transpose(a: Any, axes: Any = None) -> Any:
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.transpose(a, axes)
    ndim = a.ndim
    order = tuple(range(ndim))[::-1] if axes is None else _axes(tuple(axes), ndim)
    if sorted(order) != list(range(ndim)):
        raise ValueError(f"axes {axes!r} are not a permutation of the {ndim} axes")
    value = _np.transpose(a.value, order)
    return Dual(value, _np.transpose(a.partials, (*order, ndim)), a.tag)


def _moveaxis(a: Any, source: Any, destination: Any) -> Any:
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.moveaxis(a, source, destination)
    source, destination = _axes(source, a.ndim), _axes(destination, a.ndim)
    value = _np.moveaxis(a.value, source, destination)
    return Dual(value, _np.moveaxis(a.partials, source, destination), a.tag)


def _swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.swapaxes(a, axis1, axis2)
    (i,), (j,) = _axes(axis1, a.ndim), _axes(axis2, a.ndim)
    order = list(range(a.ndim))
    order[i], order[j] = order[j], order[i]
    return _transpose(a, order)


def _expand_dims(a: Any, axis: Any) -> Any:
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.expand_dims(a, axis)
    axes = _axes(axis, a.ndim + (len(axis) if isinstance(axis, tuple | list) else 1))
    return Dual(_np.expand_dims(a.value, axes), _np.expand_dims(a.partials, axes), a.tag)


def _squeeze(a: Any, axis: Any = None) -> Any:
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.squeeze(a, axis)
    shape = a.shape
    if axis is None:
        axes = tuple(i for i, s in enumerate(shape) if s == 1)
    else:
        axes = _axes(axis, len(shape))
        if any(shape[i] != 1 for i in axes):
            raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    return _reshape(a, tuple(s for i, s in enumerate(shape) if i not in axes))


def _broadcast_to(a: Any, shape: Any, subok: bool = False) -> Any:
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.broadcast_to(a, shape)
    shape = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    value = _np.broadcast_to(a.value, shape)
    return Dual(value, _np.broadcast_to(a.partials, (*shape, a.partials.shape[-1])), a.tag)


def _diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.diagonal(a, offset, axis1, axis2)
    (i,), (j,) = _axes(axis1, a.ndim), _axes(axis2, a.ndim)
    value = _np.diagonal(a.value, offset, i, j)
    # NumPy puts the diagonal last: after k for the partials, so it moves in front of k
    partials = _np.swapaxes(_np.diagonal(a.partials, offset, i, j), -1, -2)
    return Dual(value, partials, a.tag)


def _trace(
    a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None, out: Any = None
) -> Any:
    _check_options("numpy.trace", dtype=dtype, out=out)
    return _sum(_diagonal(a, offset, axis1, axis2), axis=-1)


def _take_along_axis(arr: Any, indices: Any, axis: Any = -1) -> Any:
    arr = _lift_object_array(arr)
    if not isinstance(arr, Dual):
        return np.take_along_axis(arr, indices, axis=axis)
    if axis is None:
        arr, axis = _reshape(arr, (-1,)), 0
    (axis,) = _axes(axis, arr.ndim)
    value = _np.take_along_axis(arr.value, indices, axis=axis)
    partials = _np.take_along_axis(arr.partials, np.asarray(indices)[..., None], axis=axis)
    return Dual(value, partials, arr.tag)


def _duals(arrays: Sequence[Any]) -> tuple[list[Dual], int]:
    items = [_lift_object_array(x) for x in arrays]
    tag = _tag(*items)
    k = _k(*[x for x in items if isinstance(x, Dual) and x.tag == tag])
    return [_as_dual(x, tag, k) for x in items], tag


def _stack(
    arrays: Sequence[Any], axis: int = 0, out: Any = None, **options: Any
) -> Any:  # fmt: skip
    _check_options("numpy.stack", out=out, **options)
    arrays = list(arrays)
    if not any(isinstance(_lift_object_array(x), Dual) for x in arrays):
        return np.stack(arrays, axis=axis)
    duals, tag = _duals(arrays)
    (axis,) = _axes(axis, duals[0].ndim + 1)
    value = _np.stack([d.value for d in duals], axis=axis)
    return Dual(value, _np.stack([d.partials for d in duals], axis=axis), tag)


def _concatenate(
    arrays: Sequence[Any], axis: int | None = 0, out: Any = None, **options: Any
) -> Any:  # fmt: skip
    _check_options("numpy.concatenate", out=out, **options)
    arrays = list(arrays)
    if not any(isinstance(_lift_object_array(x), Dual) for x in arrays):
        return np.concatenate(arrays, axis=axis)
    duals, tag = _duals(arrays)
    if axis is None:
        duals, axis = [_reshape(d, (-1,)) for d in duals], 0
    (axis,) = _axes(axis, duals[0].ndim)
    value = _np.concatenate([d.value for d in duals], axis=axis)
    return Dual(value, _np.concatenate([d.partials for d in duals], axis=axis), tag)


def _vstack(arrays: Sequence[Any], **options: Any) -> Any:
    duals, _ = _duals(list(arrays))
    return _concatenate([_reshape(d, (1, -1)) if d.ndim <= 1 else d for d in duals], 0, **options)


def _hstack(arrays: Sequence[Any], **options: Any) -> Any:
    duals, _ = _duals(list(arrays))
    duals = [_reshape(d, (1,)) if d.ndim == 0 else d for d in duals]
    return _concatenate(duals, axis=0 if duals[0].ndim == 1 else 1, **options)


_NOTHING: Any = object()


def _where(condition: Any, x: Any = _NOTHING, y: Any = _NOTHING) -> Any:
    condition = np.asarray(_primal(_lift_object_array(condition)), dtype=bool)
    if x is _NOTHING and y is _NOTHING:
        return np.nonzero(condition)
    x, y = _lift_object_array(x), _lift_object_array(y)
    if not (isinstance(x, Dual) or isinstance(y, Dual)):
        return np.where(condition, x, y)
    tag, k = _tag(x, y), _k(x, y)
    x, y = _as_dual(x, tag, k), _as_dual(y, tag, k)
    value = _np.where(condition, x.value, y.value)  # each branch's partials where it is chosen
    partials = _np.where(condition[..., None], x.partials, y.partials)
    return Dual(value, _broadcast_partials(partials, _shape(value)), tag)


def _clip(
    a: Any, a_min: Any = None, a_max: Any = None, out: Any = None, *, min: Any = None,  # noqa: A002
    max: Any = None, **options: Any,  # noqa: A002
) -> Any:  # fmt: skip
    _check_options("numpy.clip", out=out, **options)
    low = a_min if a_min is not None and a_min is not np._NoValue else min
    high = a_max if a_max is not None and a_max is not np._NoValue else max
    out_ = _lift_object_array(a)
    if low is not None and low is not np._NoValue:
        out_ = _np.maximum(out_, low)
    if high is not None and high is not np._NoValue:
        out_ = _np.minimum(out_, high)
    return out_


def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A002
    x = _lift_object_array(x)
    if not isinstance(x, Dual):
        return np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    vector = isinstance(axis, int | np.integer) or (axis is None and x.ndim == 1)
    vector = vector or (isinstance(axis, tuple | list) and len(axis) == 1)
    matrix = (axis is None and x.ndim == 2) or (isinstance(axis, tuple | list) and len(axis) == 2)
    if ord is None or (ord == 2 and vector) or (ord == "fro" and matrix):
        return _np.sqrt(_sum(x * x, axis=axis, keepdims=keepdims))  # √Σx²
    if vector and ord == 1:
        return _sum(_np.absolute(x), axis=axis, keepdims=keepdims)
    if vector and ord == np.inf:
        return _max(_np.absolute(x), axis=axis, keepdims=keepdims)
    if vector and isinstance(ord, int | float) and ord > 0 and math.isfinite(ord):
        return _sum(_np.absolute(x) ** ord, axis=axis, keepdims=keepdims) ** (1 / ord)
    raise TypeError(f"mvcalc.autodiff: numpy.linalg.norm with ord={ord!r} is not supported")


def _diff(a: Any, n: int = 1, axis: int = -1, **options: Any) -> Any:
    _check_options("numpy.diff", **options)
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.diff(a, n=n, axis=axis)
    (axis,) = _axes(axis, a.ndim)
    head = (slice(None),) * axis
    for _ in range(n):
        a = a[(*head, slice(1, None))] - a[(*head, slice(None, -1))]
    return a


def _round(a: Any, decimals: int = 0, out: Any = None) -> Any:
    _check_options("numpy.round", out=out)
    a = _lift_object_array(a)
    if not isinstance(a, Dual):
        return np.round(a, decimals)
    return Dual(_np.round(a.value, decimals), np.zeros(_shape(a.partials)), a.tag)  # ∂ = 0


def _value_only(function: Any) -> Callable[..., Any]:
    """A function of the values alone (indices, tests): no derivative to carry."""

    def rule(*args: Any, **kwargs: Any) -> Any:
        return function(*[_primal(_lift_object_array(a)) for a in args], **kwargs)

    return rule


def _like(function: Any) -> Callable[..., Any]:
    """zeros_like and co.: a constant array shaped like the dual."""

    def rule(a: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs.pop("subok", None)
        return function(_primal(_lift_object_array(a)), *args, **kwargs)

    return rule


_FUNCTIONS: dict[Any, Callable[..., Any]] = {
    np.sum: _sum,
    np.mean: _mean,
    np.var: _var,
    np.std: _std,
    np.prod: _prod,
    np.max: _max,
    np.amax: _max,
    np.min: _min,
    np.amin: _min,
    np.cumsum: _cumsum,
    np.cumprod: _cumprod,
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
    np.diagonal: _diagonal,
    np.trace: _trace,
    np.take_along_axis: _take_along_axis,
    np.stack: _stack,
    np.concatenate: _concatenate,
    np.vstack: _vstack,
    np.hstack: _hstack,
    np.where: _where,
    np.clip: _clip,
    np.linalg.norm: _norm,
    np.diff: _diff,
    np.round: _round,
    np.around: _round,
    np.copy: lambda a, **kw: _lift_object_array(a).copy(),
    np.shape: lambda a: _shape(_lift_object_array(a)),
    np.ndim: lambda a: len(_shape(_lift_object_array(a))),
    np.size: lambda a, axis=None: np.size(_primal(_lift_object_array(a)), axis),
    np.atleast_1d: lambda *arrays: (
        _reshape(arrays[0], (1,)) if len(arrays) == 1 and np.ndim(arrays[0]) == 0
        else arrays[0] if len(arrays) == 1
        else [_np.atleast_1d(a) for a in arrays]
    ),  # fmt: skip
    np.zeros_like: _like(np.zeros_like),
    np.ones_like: _like(np.ones_like),
    np.full_like: _like(np.full_like),
    np.empty_like: _like(np.zeros_like),
    np.argmax: _value_only(np.argmax),
    np.argmin: _value_only(np.argmin),
    np.nonzero: _value_only(np.nonzero),
    np.isclose: _value_only(np.isclose),
    np.allclose: _value_only(np.allclose),
}


def supported() -> list[str]:
    """The NumPy functions and ufuncs that dual numbers support, by name.

    Returns
    -------
    list of str
        Sorted names: ufuncs (``sin``, ``matmul``, ``less``, …) and array functions (``sum``,
        ``where``, ``stack``, ``norm``, …).

    Examples
    --------
    >>> from mvcalc import autodiff
    >>> "sin" in autodiff.supported() and "matmul" in autodiff.supported()
    True
    >>> "sort" in autodiff.supported()
    False
    """
    names = {getattr(f, "__name__", str(f)) for f in [*_UFUNC_RULES, *_VALUE_ONLY, *_FUNCTIONS]}
    return sorted(names)


def array(items: Any) -> Any:
    """An array from (nested) lists of duals and numbers: one :class:`Dual`, as ``np.stack``.

    ``np.array([d0, d1])`` builds an object array of duals instead (NumPy does not let other
    types take over ``np.array``); every operation here accepts one, but this is faster.

    Parameters
    ----------
    items : dual, number, array, or (nested) list or tuple of them
        Elements of equal shape at each level.

    Returns
    -------
    Dual or ndarray
        A dual when any element is one, else a float array.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.autodiff import Dual, array
    >>> x = Dual(np.array([1.0, 2.0]), np.eye(2), tag=1)
    >>> y = array([x[0] * x[1], 3.0])
    >>> y.value, y.partials
    (array([2., 3.]), array([[2., 1.],
           [0., 0.]]))
    """
    if isinstance(items, Dual):
        return items
    if isinstance(items, list | tuple):
        parts = [array(item) for item in items]
        if any(isinstance(p, Dual) for p in parts):
            return _stack(parts)
        return np.asarray(parts, dtype=np.float64)
    lifted = _lift_object_array(np.asarray(items) if not isinstance(items, np.ndarray) else items)
    return lifted if isinstance(lifted, Dual) else np.asarray(lifted, dtype=np.float64)


# ------------------------------------------------------------------------------------------
# The transforms: grad, jacobian, hessian
# ------------------------------------------------------------------------------------------


def _seed(x: Any) -> tuple[Dual, bool]:
    """x as a dual whose partials are the identity: ∂xᵢ/∂xⱼ = δᵢⱼ. Returns (dual, was_scalar)."""
    tag = next(_tags)
    if isinstance(x, list | tuple) and any(isinstance(i, Dual) for i in x):
        x = array(x)
    if isinstance(x, np.ndarray) and x.dtype == object:
        x = _lift_object_array(x)
    if isinstance(x, Dual):  # nested: the values are duals of an outer pass
        if x.ndim > 1:
            raise ValueError(f"x must be a scalar or a 1-D array, got shape {x.shape}")
        return Dual(x, np.eye(x.size) if x.ndim else np.ones(1), tag), x.ndim == 0
    what = f"x must be a real number or a 1-D array of real numbers, got {reprlib.repr(x)}"
    try:
        arr = np.asarray(x)
        if arr.dtype.kind not in "biufO":
            raise TypeError(what)
        arr = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise TypeError(what) from None
    if arr.ndim > 1:
        raise ValueError(f"x must be a scalar or a 1-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"x must be finite, got {reprlib.repr(x)}")
    return Dual(arr, np.eye(arr.size) if arr.ndim else np.ones(1), tag), arr.ndim == 0


def _run(f: Callable[..., Any], x: Any) -> tuple[Any, Any, bool]:
    """f on seeded duals: (value, partials (shape out + (n,)), scalar input?)."""
    seeded, scalar = _seed(x)
    out = f(seeded)
    if isinstance(out, list | tuple):
        out = array(out)
    out = _lift_object_array(out)
    k = seeded.partials.shape[-1]
    if isinstance(out, Dual) and out.tag == seeded.tag:
        value, partials = out.value, out.partials
    elif isinstance(out, Dual) and out.tag > seeded.tag:
        raise ValueError("f returned a dual number of an unfinished inner differentiation")
    else:  # f does not depend on x (a constant, or a value of an outer pass): derivative 0
        try:
            value = out if isinstance(out, Dual) else np.asarray(out, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"f must return a real number or an array of them, got {reprlib.repr(out)}"
            ) from None
        partials = np.zeros((*_shape(value), k))
    if isinstance(partials, np.ndarray) and not partials.flags.writeable:
        partials = partials.copy()  # a broadcast view: give the caller an array of its own
    return value, partials, scalar


def _check_callable(f: Any) -> None:
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")


def _transform(
    g: Callable[..., Any], f: Callable[..., Any], kind: str, returns: str
) -> Callable[..., Any]:
    """Name and document the function a transform returns."""
    name = getattr(f, "__name__", type(f).__name__)
    g.__name__ = g.__qualname__ = f"{kind}({name})"
    g.__doc__ = (
        f"The {kind} of ``{name}`` at x, exactly, by forward-mode automatic differentiation.\n\n"
        "Parameters\n----------\n"
        "x : float or array_like of shape (n,)\n    The point: finite real numbers.\n\n"
        f"Returns\n-------\n{returns}\n"
    )
    return g


def _scalar_or_array(d: Any) -> Any:
    if isinstance(d, np.ndarray) and d.ndim == 0:
        return float(d)
    return d


def grad(f: Callable[..., Any]) -> Callable[..., Any]:
    """The gradient ∇f of a scalar function, exactly, by forward-mode AD (one pass of f).

    Parameters
    ----------
    f : callable
        f(x) → scalar, written with NumPy, for x a 1-D array (or a scalar).

    Returns
    -------
    callable
        g(x) → ndarray of shape (n,), or a float f'(x) when x is a scalar.

    Raises
    ------
    TypeError
        From g, when x is not real numbers, or f uses an operation duals do not support.
    ValueError
        From g, when x is not finite or not 1-D, or f's output is not a scalar.

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

    def g(x: ArrayLike) -> Any:
        value, partials, scalar = _run(f, x)
        if _shape(value) != ():
            raise ValueError(
                f"f must return a scalar for grad, got an output of shape {_shape(value)}; "
                "use jacobian for vector outputs"
            )
        return _scalar_or_array(partials[0]) if scalar else partials

    return _transform(
        g, f, "gradient", "ndarray of shape (n,), or float\n    ∂f/∂xᵢ; f'(x) for a scalar x."
    )


def jacobian(f: Callable[..., Any]) -> Callable[..., Any]:
    """The Jacobian of f, exactly, in one forward pass of f (vector mode).

    Parameters
    ----------
    f : callable
        f(x) → array (or scalar), written with NumPy, for x a 1-D array (or a scalar).

    Returns
    -------
    callable
        J(x) → ndarray of shape ``f(x).shape + x.shape``, as ``jax.jacfwd``: (m, n) for
        f: Rⁿ → Rᵐ, (n,) for a scalar f, (m,) for a scalar x; a float when both are scalars.

    Raises
    ------
    TypeError
        From J, when x is not real numbers, or f uses an operation duals do not support.
    ValueError
        From J, when x is not finite or not 1-D.

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> J = mc.jacobian(lambda v: np.array([v[0] * v[1], v[0] + v[1]]))
    >>> J([1.0, 2.0])
    array([[2., 1.],
           [1., 1.]])
    >>> mc.jacobian(lambda v: np.sum(v**2))([1.0, 2.0])   # scalar f: shape (n,)
    array([2., 4.])
    >>> mc.jacobian(lambda t: np.stack([t, t**2]))(3.0)   # scalar x: shape (m,)
    array([1., 6.])
    """
    _check_callable(f)

    def J(x: ArrayLike) -> Any:
        _, partials, scalar = _run(f, x)
        return _scalar_or_array(partials[..., 0]) if scalar else partials

    return _transform(
        J, f, "Jacobian",
        "ndarray of shape f(x).shape + x.shape, or float\n    ∂fᵢ/∂xⱼ (a float when f and x "
        "are scalars).",
    )  # fmt: skip


def hessian(f: Callable[..., Any]) -> Callable[..., Any]:
    """The Hessian of a scalar function: the Jacobian of its gradient, by nesting duals.

    ``hessian(f)`` is ``jacobian(grad(f))``: the outer pass's duals are the values of the
    inner pass's, so every second derivative comes out of one run of f on nested duals.

    Parameters
    ----------
    f : callable
        f(x) → scalar, for x a 1-D array (or a scalar, giving f'').

    Returns
    -------
    callable
        H(x) → ndarray of shape (n, n), symmetric for smooth f; a float f''(x) for a scalar x.

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> H = mc.hessian(lambda v: v[0] ** 2 * v[1] + np.exp(v[1]))
    >>> H([1.0, 0.0])
    array([[0., 2.],
           [2., 1.]])
    >>> mc.hessian(lambda t: t**3)(2.0)
    12.0
    """
    _check_callable(f)
    inner = jacobian(grad(f))

    def H(x: ArrayLike) -> Any:
        return inner(x)

    return _transform(
        H, f, "Hessian", "ndarray of shape (n, n), or float\n    ∂²f/∂xᵢ∂xⱼ; f''(x) for a scalar x."
    )
