"""What the two modes of automatic differentiation share.

A :class:`Box` is an array-like value that NumPy hands back to mvcalc: forward mode's
:class:`~mvcalc.autodiff.forward.Dual` (a value with its partial derivatives beside it) and
reverse mode's :class:`~mvcalc.autodiff.reverse.Traced` (a value with the operations that made
it). Both take part in NumPy's protocols (``__array_ufunc__``, ``__array_function__``), so that a
function written with NumPy runs on them unchanged.

Passes nest (``hessian`` is forward mode over reverse mode; ``grad(grad(f))`` is reverse over
reverse). Every pass draws a *tag* from one counter, so a later (inner) pass has a larger tag.
When an operation meets boxes of several passes, the innermost pass — the largest tag — handles
it, and boxes of outer passes are constants to it; their own arithmetic is then handed on to the
outer pass by NumPy's dispatch. This keeps the passes from confusing their perturbations.

The composite functions below (``mean``, ``clip``, ``linalg.norm`` …) are written with the
primitives both modes differentiate, so they are defined once, for both.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import numpy as np

_np: Any = np  # NumPy's stubs do not know that its functions dispatch to boxes
_counter = itertools.count(1)


def new_tag() -> int:
    """A tag for a new differentiation pass, larger than every tag before it."""
    return next(_counter)


# ufuncs of the values alone (tests and comparisons): no derivative to carry
VALUE_ONLY = {np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
              np.isfinite, np.isnan, np.isinf, np.signbit, np.logical_and, np.logical_or,
              np.logical_not, np.logical_xor}  # fmt: skip


def function_name(func: Any) -> str:
    """``numpy.linalg.svd`` for the function, as a user would write it."""
    module = getattr(func, "__module__", None) or "numpy"
    name = getattr(func, "__name__", str(func))
    module = module.replace("numpy._core.multiarray", "numpy").replace("numpy._core", "numpy")
    module = module.replace(".fromnumeric", "").replace(".numeric", "").replace(".shape_base", "")
    return f"{module}.{name}"


class Box:
    """An array-like value of one differentiation pass; see the module's notes.

    Subclasses give ``UFUNCS`` and ``FUNCTIONS`` (the NumPy operations they differentiate),
    ``noun`` (how messages name one of them), ``__getitem__`` and ``scatter_add``.
    """

    __slots__ = ("tag", "value")
    __array_priority__ = 1000
    UFUNCS: ClassVar[dict[Any, Callable[..., Any]]] = {}
    FUNCTIONS: ClassVar[dict[Any, Callable[..., Any]]] = {}
    noun: ClassVar[str] = "traced value"
    where: ClassVar[str] = "here"
    scatter: ClassVar[Callable[[Any, Any, tuple[int, ...]], Any]]

    tag: int
    value: Any

    # ---------------------------------------------------------------- NumPy protocols
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method == "__call__" and not kwargs:  # the common case, kept short
            box = self
            for a in inputs:
                if isinstance(a, Box):
                    if a.tag > box.tag:
                        box = a
                elif isinstance(a, np.ndarray) and a.dtype == object:
                    break
            else:
                rule = box.UFUNCS.get(ufunc)
                if rule is not None:
                    return rule(*inputs)
        name = ufunc.__name__
        if kwargs.get("out") is not None:
            raise TypeError(f"mvcalc.autodiff: numpy.{name} with out= is not supported")
        if kwargs.get("where", True) is not True:
            raise TypeError(f"mvcalc.autodiff: numpy.{name} with where= is not supported")
        inputs = tuple(lift(a) for a in inputs)
        if method == "reduce" and ufunc in _REDUCTIONS:
            for key, value in kwargs.items():
                if key not in ("axis", "keepdims") and not _harmless(key, value, None):
                    raise TypeError(
                        f"mvcalc.autodiff: numpy.{name}.reduce with {key}= is not supported"
                    )
            axis, keepdims = kwargs.get("axis", 0), kwargs.get("keepdims", False)
            return _REDUCTIONS[ufunc](inputs[0], axis=axis, keepdims=keepdims)
        if method != "__call__":
            raise TypeError(f"mvcalc.autodiff: numpy.{name}.{method} is not supported")
        if ufunc in VALUE_ONLY:
            return ufunc(*[a.value if isinstance(a, Box) else a for a in inputs], **kwargs)
        box = innermost(inputs, self)
        rule = box.UFUNCS.get(ufunc)
        if rule is None:
            raise TypeError(f"mvcalc.autodiff: numpy.{name} is not supported {box.where}")
        return rule(*inputs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        box = innermost(args, self)
        if kwargs:
            box = innermost(kwargs.values(), box)
        handler = box.FUNCTIONS.get(func)
        if handler is None:
            raise TypeError(f"mvcalc.autodiff: {function_name(func)} is not supported {box.where}")
        positional, keywords = ARGUMENTS.get(func, (len(args), frozenset()))
        if len(args) > positional or any(k not in keywords for k in kwargs):
            refuse_arguments(func, args, kwargs, positional, keywords)
        return handler(*args, **kwargs)

    # ---------------------------------------------------------------- array behaviour
    @property
    def shape(self) -> tuple[int, ...]:
        return shape_of(self.value)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def dtype(self) -> np.dtype[Any]:
        return np.dtype(np.float64)

    @property
    def T(self) -> Any:
        return _np.transpose(self)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError(f"len() of a 0-d {self.noun}")
        return self.shape[0]

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, index: Any) -> Any:  # pragma: no cover - each mode has its own
        raise NotImplementedError

    def __setitem__(self, index: Any, value: Any) -> None:
        raise TypeError(
            f"mvcalc.autodiff: assigning into a {self.noun} array is not supported; "
            "build arrays with np.stack, np.concatenate or np.where"
        )

    def reshape(self, *shape: Any, **kwargs: Any) -> Any:
        return _np.reshape(self, shape[0] if len(shape) == 1 else shape, **kwargs)

    def ravel(self, order: str = "C") -> Any:
        return _np.ravel(self, order)

    def flatten(self, order: str = "C") -> Any:
        return _np.ravel(self, order)

    def transpose(self, *axes: Any) -> Any:
        return _np.transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    def sum(self, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        return _np.sum(self, axis, *args, **kwargs)

    def mean(self, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        return _np.mean(self, axis, *args, **kwargs)

    def prod(self, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        return _np.prod(self, axis, *args, **kwargs)

    def max(self, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        return _np.max(self, axis, *args, **kwargs)

    def min(self, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        return _np.min(self, axis, *args, **kwargs)

    def var(self, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        return _np.var(self, axis, *args, **kwargs)

    def std(self, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        return _np.std(self, axis, *args, **kwargs)

    def cumsum(self, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        return _np.cumsum(self, axis, *args, **kwargs)

    def clip(self, a_min: Any = None, a_max: Any = None, *args: Any, **kwargs: Any) -> Any:
        return _np.clip(self, a_min, a_max, *args, **kwargs)

    def dot(self, other: Any, *args: Any, **kwargs: Any) -> Any:
        return _np.dot(self, other, *args, **kwargs)

    def astype(self, dtype: Any, **kwargs: Any) -> Any:
        if np.dtype(dtype).kind != "f":
            raise TypeError(f"mvcalc.autodiff: astype({dtype!r}) of a {self.noun} would drop its "
                            "derivative")  # fmt: skip
        return self

    def __float__(self) -> float:
        raise TypeError(
            f"mvcalc.autodiff: float() of a {self.noun} would drop its derivative "
            "(math.* functions and assignment into float arrays do this; use numpy functions)"
        )

    def __int__(self) -> int:
        raise TypeError(f"mvcalc.autodiff: int() of a {self.noun} would drop its derivative")

    def __complex__(self) -> complex:
        raise TypeError(f"mvcalc.autodiff: complex() of a {self.noun} is not supported")

    def item(self, *args: Any) -> Any:
        raise TypeError(f"mvcalc.autodiff: item() of a {self.noun} would drop its derivative")

    def tolist(self) -> Any:
        raise TypeError(f"mvcalc.autodiff: tolist() of a {self.noun} would drop its derivative")

    def __bool__(self) -> bool:
        return bool(self.value)

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

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return _np.absolute(self)

    # comparisons look at the values only, so that Python's control flow works on boxes
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

    def conjugate(self) -> Any:
        return self


def add_ufunc_methods(ufuncs: Any) -> None:
    """NumPy's loops over object arrays call a method named after the ufunc on each element."""

    def method(ufunc: Any) -> Callable[[Box], Any]:
        return lambda self: ufunc(self)

    for ufunc in ufuncs:
        if not hasattr(Box, ufunc.__name__):
            setattr(Box, ufunc.__name__, method(ufunc))


# ------------------------------------------------------------------------------------------
# Helpers used by both modes
# ------------------------------------------------------------------------------------------


def innermost(args: Any, default: Box | None = None) -> Box:
    """The box of the innermost pass among ``args`` (looking one level into lists)."""
    best = default
    for a in args:
        items = a if isinstance(a, list | tuple) else (a,)
        for item in items:
            if isinstance(item, Box) and (best is None or item.tag > best.tag):
                best = item
    if best is None:
        raise TypeError("mvcalc.autodiff: no traced value among the arguments")
    return best


def lift(a: Any) -> Any:
    """``np.array([box, box, …])`` gives an object array: turn it back into one box."""
    if isinstance(a, np.ndarray) and a.dtype == object:
        items = list(a.flat)
        if any(isinstance(x, Box) for x in items):
            return _np.reshape(_np.stack(items), a.shape)
    return a


def shape_of(v: Any) -> tuple[int, ...]:
    """The shape of an array, a number or a box."""
    if isinstance(v, np.ndarray | np.generic | Box):
        return v.shape
    return tuple(np.shape(v))


def axes_of(axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple) as a tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(int(a) % ndim if ndim else int(a) for a in axes)


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of a reduction over ``axes`` with keepdims=True."""
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``g`` over the axes that broadcasting added or stretched, back to ``shape``.

    The chain rule through broadcasting: an input used at many positions of the output
    collects the derivative from all of them.
    """
    g_shape = shape_of(g)
    if g_shape == shape:
        return g
    lead = len(g_shape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and g_shape[i + lead] != 1
    )
    if axes:
        g = _np.sum(g, axis=axes, keepdims=True)
    return _np.reshape(g, shape)


def _fancy(index: Any) -> bool:
    """Whether ``index`` holds integer arrays (which may repeat a position)."""
    if isinstance(index, slice | int):
        return False
    key = index if isinstance(index, tuple) else (index,)
    return any(isinstance(k, list | np.ndarray) and np.asarray(k).dtype.kind in "iu" for k in key)


def scatter_add(g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    """zeros(shape) with ``g`` added at ``index``: the vector–Jacobian product of indexing.

    A position that ``index`` names twice collects both derivatives.

    Examples
    --------
    >>> import numpy as np
    >>> scatter_add(np.array([1.0, 2.0]), np.array([0, 0]), (3,))
    array([3., 0., 0.])
    """
    if isinstance(g, Box):
        return type(g).scatter(g, index, shape)
    out = np.zeros(shape)
    if _fancy(index):
        np.add.at(out, index, g)
    else:
        out[index] = g
    return out


# ------------------------------------------------------------------------------------------
# Composite functions: written with the primitives, so both modes differentiate them
# ------------------------------------------------------------------------------------------


def _count(a: Any, axis: Any) -> int:
    return math.prod(a.shape[i] for i in axes_of(axis, a.ndim))


def _mean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
          keepdims: bool = False, **kwargs: Any) -> Any:  # fmt: skip
    return _np.sum(a, axis=axis, keepdims=keepdims) / _count(a, axis)


def _var(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: int = 0,
         keepdims: bool = False, **kwargs: Any) -> Any:  # fmt: skip
    centred = a - _np.mean(a, axis=axis, keepdims=True)
    return _np.sum(centred * centred, axis=axis, keepdims=keepdims) / (_count(a, axis) - ddof)


def _std(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: int = 0,
         keepdims: bool = False, **kwargs: Any) -> Any:  # fmt: skip
    return _np.sqrt(_var(a, axis=axis, ddof=ddof, keepdims=keepdims))


def _prod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
          keepdims: bool = False, **kwargs: Any) -> Any:  # fmt: skip
    """Π by halving: pair the factors and multiply, log₂ n times (exact with a zero factor)."""
    if axis is None:
        result = _prod(_np.reshape(a, (-1,)), axis=0)
        return _np.reshape(result, (1,) * a.ndim) if keepdims else result
    if isinstance(axis, tuple):
        raise TypeError("mvcalc.autodiff: numpy.prod over several axes is not supported")
    axis = int(axis) % a.ndim
    x = _np.moveaxis(a, axis, -1)
    if x.shape[-1] == 0:
        x = np.ones((*x.shape[:-1], 1))
    while x.shape[-1] > 1:
        if x.shape[-1] % 2:
            x = _np.concatenate([x, np.ones((*x.shape[:-1], 1))], axis=-1)
        x = x[..., 0::2] * x[..., 1::2]
    result = x[..., 0]
    return _np.expand_dims(result, axis) if keepdims else result


def _clip(a: Any, a_min: Any = None, a_max: Any = None, out: Any = None, **kwargs: Any) -> Any:
    if out is not None:
        raise TypeError("mvcalc.autodiff: numpy.clip with out= is not supported")
    if a_min is not None:
        a = _np.maximum(a, a_min)
    if a_max is not None:
        a = _np.minimum(a, a_max)
    return a


def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    shape = shape_of(x)
    matrix = (axis is None and len(shape) == 2) or (isinstance(axis, tuple) and len(axis) == 2)
    if ord not in (None, 2, "fro") or (ord == 2 and matrix) or (ord == "fro" and not matrix):
        raise TypeError(f"mvcalc.autodiff: numpy.linalg.norm with ord={ord!r} is not supported")
    return _np.sqrt(_np.sum(x * x, axis=axis, keepdims=keepdims))


def _dot(a: Any, b: Any, out: Any = None) -> Any:
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return _np.multiply(a, b)
    if np.ndim(b) > 2:
        raise TypeError("mvcalc.autodiff: numpy.dot with a >2-D second argument is not supported")
    return _np.matmul(a, b)


def _inner(a: Any, b: Any) -> Any:
    """Σₖ a[…, k] b[…, k] over the last axes, for every pair of the other positions."""
    sa, sb = shape_of(a), shape_of(b)
    if not sa or not sb:
        return _np.multiply(a, b)
    if len(sa) == len(sb) == 1:
        return _np.sum(a * b)
    rows = _np.reshape(a, (-1, sa[-1])) @ _np.transpose(_np.reshape(b, (-1, sb[-1])))
    return _np.reshape(rows, (*sa[:-1], *sb[:-1]))


def _outer(a: Any, b: Any, out: Any = None) -> Any:
    return _np.multiply(_np.reshape(a, (-1, 1)), _np.reshape(b, (1, -1)))


def _ravel(a: Any, order: str = "C") -> Any:
    return _np.reshape(a, (-1,))


def _moveaxis(a: Any, source: Any, destination: Any) -> Any:
    n = len(shape_of(a))
    sources = [int(x) % n for x in np.atleast_1d(source)]
    destinations = [int(x) % n for x in np.atleast_1d(destination)]
    if len(sources) != len(destinations):
        raise ValueError("numpy.moveaxis: source and destination must have the same length")
    order = [i for i in range(n) if i not in sources]
    for d, s in sorted(zip(destinations, sources, strict=True)):
        order.insert(d, s)
    return _np.transpose(a, order)


def _swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    n = np.ndim(a)
    order = list(range(n))
    order[axis1 % n], order[axis2 % n] = order[axis2 % n], order[axis1 % n]
    return _np.transpose(a, order)


def _expand_dims(a: Any, axis: Any) -> Any:
    axes = axis if isinstance(axis, tuple) else (axis,)
    shape = list(shape_of(a))
    n = len(shape) + len(axes)
    for ax in sorted(int(x) % n for x in axes):
        shape.insert(ax, 1)
    return _np.reshape(a, tuple(shape))


def _squeeze(a: Any, axis: Any = None) -> Any:
    shape = shape_of(a)
    axes = [i for i, s in enumerate(shape) if s == 1] if axis is None else axes_of(axis, len(shape))
    return _np.reshape(a, tuple(s for i, s in enumerate(shape) if i not in axes))


def _atleast_1d(a: Any) -> Any:
    return _np.reshape(a, (1,)) if np.ndim(a) == 0 else a


def _vstack(arrays: Any, **kwargs: Any) -> Any:
    rows = [_np.reshape(x, (1, -1)) if np.ndim(x) <= 1 else x for x in arrays]
    return _np.concatenate(rows, axis=0)


def _hstack(arrays: Any, **kwargs: Any) -> Any:
    items = [_atleast_1d(x) for x in arrays]
    return _np.concatenate(items, axis=0 if np.ndim(items[0]) == 1 else 1)


def _trace(a: Any, *args: Any, **kwargs: Any) -> Any:  # offset 0, axes 0 and 1 (checked)
    if len(shape_of(a)) != 2:
        raise TypeError("mvcalc.autodiff: numpy.trace of an array that is not 2-D is not supported")
    n = min(a.shape[0], a.shape[1])
    i = np.arange(n)
    return _np.sum(a[i, i])


COMPOSITES: dict[Any, Callable[..., Any]] = {
    np.mean: _mean,
    np.var: _var,
    np.std: _std,
    np.prod: _prod,
    np.clip: _clip,
    np.linalg.norm: _norm,
    np.dot: _dot,
    np.inner: _inner,
    np.outer: _outer,
    np.ravel: _ravel,
    np.moveaxis: _moveaxis,
    np.swapaxes: _swapaxes,
    np.expand_dims: _expand_dims,
    np.squeeze: _squeeze,
    np.atleast_1d: _atleast_1d,
    np.vstack: _vstack,
    np.hstack: _hstack,
    np.trace: _trace,
    np.shape: shape_of,
    np.ndim: lambda a: len(shape_of(a)),
    np.size: lambda a, axis=None: math.prod(shape_of(a)) if axis is None else shape_of(a)[axis],
    np.zeros_like: lambda a, *args, **kw: np.zeros(shape_of(a)),
    np.ones_like: lambda a, *args, **kw: np.ones(shape_of(a)),
}


def primitives(
    *,
    sum: Callable[..., Any],  # the rule for numpy.sum
    extreme: Callable[[Any], Callable[..., Any]],
    reshape: Callable[..., Any],
    transpose: Callable[..., Any],
    broadcast_to: Callable[..., Any],
    stack: Callable[..., Any],
    concatenate: Callable[..., Any],
    where: Callable[..., Any],
    cumsum: Callable[..., Any],
    copy: Callable[..., Any],
) -> dict[Any, Callable[..., Any]]:
    """A mode's table of NumPy functions: the composites, and its rule for each primitive.

    Every mode gives a rule for the same primitives; everything else is composed of them.
    ``extreme(np.max)`` makes the rule for max (and ``extreme(np.min)`` for min).
    """
    return {
        **COMPOSITES,
        np.sum: sum,
        np.max: extreme(np.max),
        np.amax: extreme(np.max),
        np.min: extreme(np.min),
        np.amin: extreme(np.min),
        np.reshape: reshape,
        np.transpose: transpose,
        np.broadcast_to: broadcast_to,
        np.stack: stack,
        np.concatenate: concatenate,
        np.where: where,
        np.cumsum: cumsum,
        np.copy: copy,
    }


_AXIS_KEEPDIMS = frozenset({"axis", "keepdims"})

#: The arguments the rules follow, for each NumPy function: how many may be given by position,
#: and which by keyword. Any other argument (``out=``, ``where=``, ``initial=``, ``order="F"``,
#: an integer ``dtype`` …) is refused by name unless it has NumPy's default effect: a rule never
#: ignores what the caller asked for.
ARGUMENTS: dict[Any, tuple[int, frozenset[str]]] = {
    np.sum: (2, _AXIS_KEEPDIMS),
    np.mean: (2, _AXIS_KEEPDIMS),
    np.prod: (2, _AXIS_KEEPDIMS),
    np.max: (2, _AXIS_KEEPDIMS),
    np.amax: (2, _AXIS_KEEPDIMS),
    np.min: (2, _AXIS_KEEPDIMS),
    np.amin: (2, _AXIS_KEEPDIMS),
    np.var: (2, frozenset({"axis", "keepdims", "ddof"})),
    np.std: (2, frozenset({"axis", "keepdims", "ddof"})),
    np.cumsum: (2, frozenset({"axis"})),
    np.reshape: (2, frozenset({"shape"})),
    np.ravel: (1, frozenset()),
    np.transpose: (2, frozenset({"axes"})),
    np.moveaxis: (3, frozenset({"source", "destination"})),
    np.swapaxes: (3, frozenset({"axis1", "axis2"})),
    np.expand_dims: (2, frozenset({"axis"})),
    np.squeeze: (2, frozenset({"axis"})),
    np.broadcast_to: (2, frozenset({"shape"})),
    np.stack: (2, frozenset({"axis"})),
    np.concatenate: (2, frozenset({"axis"})),
    np.vstack: (1, frozenset()),
    np.hstack: (1, frozenset()),
    np.where: (3, frozenset()),
    np.clip: (3, frozenset({"a_min", "a_max"})),
    np.linalg.norm: (4, frozenset({"ord", "axis", "keepdims"})),
    np.dot: (2, frozenset()),
    np.inner: (2, frozenset()),
    np.outer: (2, frozenset()),
    np.trace: (1, frozenset()),
    np.copy: (1, frozenset()),
    np.atleast_1d: (1, frozenset()),
}


_NO_VALUE = getattr(np, "_NoValue", None)  # NumPy's marker for an argument not given


def _harmless(key: str, value: Any, default: Any = _NO_VALUE) -> bool:
    """Whether an argument the rules do not follow asks for NumPy's default behaviour anyway."""
    if key == "dtype":
        return value is None or np.dtype(value).kind == "f"
    if key in ("copy", "casting", "subok"):
        return True  # boxes are never changed in place, and hold floats
    if value is default or value is _NO_VALUE or (key == "out" and value is None):
        return True
    if isinstance(value, bool | int | str) and not isinstance(default, np.ndarray):
        return bool(value == default) or (key, value) in (("where", True), ("order", "C"))
    return False


def refuse_arguments(func: Any, args: Any, kwargs: Any, positional: int,
                     keywords: frozenset[str]) -> None:  # fmt: skip
    """Raise TypeError naming the first argument of ``func`` that the rules cannot follow."""
    import inspect

    name = function_name(func)
    parameters = inspect.signature(func).parameters
    names = list(parameters)
    if len(args) > len(names):
        raise TypeError(f"mvcalc.autodiff: {name} with {len(args)} positional arguments")
    given = dict(zip(names[positional:], args[positional:], strict=False))
    for key, value in {**given, **kwargs}.items():
        default = parameters[key].default if key in parameters else _NO_VALUE
        if key not in keywords and not _harmless(key, value, default):
            raise TypeError(f"mvcalc.autodiff: {name} with {key}= is not supported")


_REDUCTIONS: dict[Any, Callable[..., Any]] = {
    np.add: lambda a, axis, keepdims: _np.sum(a, axis=axis, keepdims=keepdims),
    np.multiply: lambda a, axis, keepdims: _np.prod(a, axis=axis, keepdims=keepdims),
    np.maximum: lambda a, axis, keepdims: _np.max(a, axis=axis, keepdims=keepdims),
    np.minimum: lambda a, axis, keepdims: _np.min(a, axis=axis, keepdims=keepdims),
}
