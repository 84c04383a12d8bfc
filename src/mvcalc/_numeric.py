"""SymPy expressions as NumPy functions, by walking the expression tree; exact numbers as floats.

``sympy.lambdify`` would generate Python source and execute it; mvcalc never executes text, so
expressions from the safe parser are evaluated here node by node instead. Because every node maps
to a NumPy function, the result also works on complex arrays (the complex step) and on mvcalc's
dual numbers (automatic differentiation).

Constant parts of the expression (``pi**2/6``) are evaluated once, exactly by SymPy and then
rounded; one that is not a real number, or beyond the range of a float (``pi**1000``), makes
:func:`numeric_function` refuse the expression with a ValueError in mvcalc's words. Plain Python
numbers given to the function become NumPy floats, so that overflow gives ``inf`` (as in NumPy)
rather than Python's OverflowError. :func:`real_float` turns an exact SymPy number into a float
with the same care, and :func:`as_function` turns maths text or a callable into a callable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mpmath  # type: ignore[import-untyped]
import numpy as np
import sympy

from mvcalc._functions import by_sympy

#: SymPy function class → the NumPy function that evaluates it, from the one table
#: of elementary functions (:mod:`mvcalc._functions`)
_FUNCTIONS: dict[Any, Callable[..., Any]] = {
    cls: entry.numpy for cls, entry in by_sympy().items() if entry.numpy is not None
}

_FLOAT_MAX = sympy.Float(float(np.finfo(np.float64).max))
Compiled = Callable[[list[Any]], Any]


def _shown(value: sympy.Basic, width: int = 60) -> str:
    text = str(sympy.sstr(value))
    return text if len(text) <= width else text[: width - 1] + "…"


def approx(value: sympy.Expr, digits: int = 3) -> str:
    """A real SymPy number in a few significant digits, however large: ``1.41e+497``.

    Examples
    --------
    >>> import sympy
    >>> approx(sympy.pi**1000), approx(sympy.Integer(10) ** 29), approx(sympy.Rational(1, 3))
    ('1.41e+497', '1.0e+29', '0.333')
    """
    return str(mpmath.nstr(sympy.N(value, digits + 5)._to_mpmath(4 * digits + 20), digits))


def shown(value: sympy.Expr, width: int = 24) -> str:
    """A number as text for a message: as written when short, else in a few digits.

    Examples
    --------
    >>> import sympy
    >>> shown(sympy.pi / 7), shown(sympy.Integer(10) ** 29)
    ('pi/7', '1.0e+29')
    """
    text = str(sympy.sstr(value))
    if len(text) <= width:
        return text
    if isinstance(value, sympy.Expr) and value.is_real and value.is_finite:
        return approx(value)
    return text[: width - 1] + "…"


def real_float(value: Any, name: str = "f", where: str = "") -> float:
    """An exact SymPy number as a float, or a ValueError in mvcalc's words.

    Parameters
    ----------
    value : sympy.Expr
        A number (no free symbols).
    name : str, optional
        What the number is, for messages (``"f"``, ``"df/dx"``).
    where : str, optional
        Where it was taken, for messages (``"x = 0"``).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        "f is undefined at x = 0" (a division by zero, ``zoo`` or ``nan``), "f is not real at
        x = -1" (a complex value), "f overflows at x = 1000" (beyond the range of a float).

    Examples
    --------
    >>> import sympy
    >>> real_float(sympy.pi / 4)
    0.7853981633974483
    >>> real_float(sympy.exp(1000), "f", "x = 1000")
    Traceback (most recent call last):
    ValueError: f overflows at x = 1000: its value ≈ 1.97e+434 is beyond the range of a float
    >>> real_float(sympy.sqrt(-2), "f", "x = -2")
    Traceback (most recent call last):
    ValueError: f is not real at x = -2: its value sqrt(2)*I is complex
    """
    at = f" at {where}" if where else ""
    if not isinstance(value, sympy.Basic):
        if isinstance(value, int):
            value = sympy.Integer(value)
        elif isinstance(value, float):
            value = sympy.Float(value)
    if not isinstance(value, sympy.Expr) or value.free_symbols:
        raise ValueError(f"{name}{at} is not a number: {_shown(value)}")
    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ValueError(f"{name} is undefined{at}")
    try:
        real, imag = sympy.N(value, 20, chop=True).as_real_imag()
    except (TypeError, ValueError, ArithmeticError):
        raise ValueError(f"{name}{at} cannot be evaluated numerically: {_shown(value)}") from None
    if not (real.is_Number and imag.is_Number):
        raise ValueError(f"{name}{at} cannot be evaluated numerically: {_shown(value)}")
    if imag != 0:
        raise ValueError(f"{name} is not real{at}: its value {_shown(value)} is complex")
    if real is sympy.nan or not real.is_finite:
        raise ValueError(f"{name} is undefined{at}")
    if abs(real) > _FLOAT_MAX:
        raise ValueError(
            f"{name} overflows{at}: its value ≈ {approx(real)} is beyond the range of a float"
        )
    return float(real)


def numeric_function(
    expr: Any, variables: Sequence[sympy.Symbol], *, name: str = "f"
) -> Callable[..., Any]:
    """A NumPy function of ``variables`` that evaluates ``expr`` (an expression or a matrix).

    Raises ValueError for a free symbol not in ``variables``, a function mvcalc cannot map, or a
    constant part that is not a real float (``pi**1000`` overflows; ``log(-2)`` is complex).

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> f = numeric_function(sympy.sin(x) ** 2 + x / 2, [x])
    >>> float(f(0.0)), f([0.0, 2.0]).shape
    (0.0, (2,))
    >>> numeric_function(sympy.pi**1000 * x, [x])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: f's constant pi**1000 overflows: its value ≈ 1.41e+497 is beyond the range ...
    """
    symbols = list(variables)
    missing = expr.free_symbols - set(symbols)
    if missing:
        names = ", ".join(sorted(str(s) for s in missing))
        raise ValueError(f"the expression has symbols with no value: {names}")
    index = {s: i for i, s in enumerate(symbols)}
    evaluate: Compiled
    if isinstance(expr, sympy.MatrixBase):
        shape = expr.shape
        parts = [_compile(e, index, name) for e in expr]

        def stacked(env: list[Any]) -> Any:
            values = np.broadcast_arrays(*[np.asarray(p(env)) for p in parts])
            return np.stack(values).reshape(shape + values[0].shape)

        evaluate = stacked
    else:
        evaluate = _compile(expr, index, name)

    def f(*args: Any) -> Any:
        if len(args) != len(symbols):
            raise TypeError(f"expected {len(symbols)} argument(s), got {len(args)}")
        return evaluate([_argument(a) for a in args])

    return f


def _argument(a: Any) -> Any:
    """Lists become arrays; plain Python numbers become NumPy floats (inf on overflow, as NumPy
    does, not Python's OverflowError); anything else (arrays, duals) is used as it is."""
    if isinstance(a, list | tuple):
        return np.asarray(a)
    if isinstance(a, int | float | np.integer) and not isinstance(a, bool):
        try:
            return np.float64(a)
        except OverflowError:  # an int beyond the range of a float
            return np.float64(np.inf if a > 0 else -np.inf)
    return a


def _constant(node: sympy.Expr, name: str) -> Any:
    """A constant part of the expression as a float, once, or a ValueError saying why not."""
    if node is sympy.zoo or node is sympy.nan or node.has(sympy.zoo, sympy.nan):
        return float("nan")  # undefined: NaN, which the callers' finiteness checks report
    if node.is_Number:
        if node is sympy.oo or node is -sympy.oo:
            return float(node)
        if abs(node) <= _FLOAT_MAX:
            return float(node)
    return real_float(node, f"{name}'s constant {_shown(node)}")


def _compile(node: sympy.Basic, index: dict[sympy.Symbol, int], name: str) -> Compiled:
    """The function of the variables' values that evaluates ``node``, built once."""
    if node.is_Symbol:
        i = index[node]
        return lambda env: env[i]
    if not node.free_symbols:
        value = _constant(node, name)
        return lambda env: value
    if isinstance(node, sympy.Function) and node.func not in _FUNCTIONS:
        raise ValueError(f"cannot evaluate {node.func} numerically")
    parts = [_compile(a, index, name) for a in node.args]
    if node.is_Add:

        def add(env: list[Any]) -> Any:
            total = parts[0](env)
            for p in parts[1:]:
                total = total + p(env)
            return total

        return add
    if node.is_Mul:

        def multiply(env: list[Any]) -> Any:
            product = parts[0](env)
            for p in parts[1:]:
                product = product * p(env)
            return product

        return multiply
    if node.is_Pow:
        base, power = parts
        exponent = node.args[1]
        if exponent == sympy.Rational(1, 2):
            return lambda env: np.sqrt(base(env))
        if exponent == -1:
            return lambda env: 1 / base(env)
        if exponent.is_Integer:
            n = int(exponent)
            return lambda env: base(env) ** n
        return lambda env: base(env) ** power(env)
    function = _FUNCTIONS.get(node.func)
    if function is None:
        raise ValueError(f"cannot evaluate {node.func} numerically")
    return lambda env: function(*[p(env) for p in parts])


def as_function(f: Any, name: str = "f") -> tuple[Callable[[Any], Any], list[str] | None]:
    """A callable of one argument (scalar or vector) from a callable or maths text.

    Text with one variable gives a function of a scalar; with several, a function of the vector
    of the variables in alphabetical order; a comma-separated list gives a vector function.
    Returns the function and, for text, the variable names.

    Parameters
    ----------
    f : callable or str
        A function, returned as it is, or maths text read by :func:`mvcalc.symbolic.parse_many`.
    name : str, optional
        What to call ``f`` in messages.

    Returns
    -------
    function : callable
    names : list of str or None
        The variables of the text, in order; None for a callable.

    Raises
    ------
    TypeError
        If ``f`` is neither callable nor a string.
    ValueError
        If the text is refused by the parser or has no variable.

    Examples
    --------
    >>> from mvcalc._numeric import as_function
    >>> g, names = as_function("x*y + y")
    >>> names, float(g([2.0, 3.0]))
    (['x', 'y'], 9.0)
    >>> h, names = as_function("x^2, 3*x")
    >>> names, h(2.0).tolist()
    (['x'], [4.0, 6.0])
    """
    if callable(f):
        return f, None
    if not isinstance(f, str):
        raise TypeError(f"{name} must be callable or maths text, got {type(f).__name__}")
    from mvcalc import symbolic

    exprs = symbolic.parse_many(f)
    symbols = sorted(set().union(*(e.free_symbols for e in exprs)), key=str)
    if not symbols:
        raise ValueError(f"{name} must depend on at least one variable, got {f!r}")
    numeric = numeric_function(sympy.Matrix(exprs) if len(exprs) > 1 else exprs[0], symbols)
    names = [str(s) for s in symbols]
    n = len(symbols)
    if len(exprs) > 1:
        parts = [numeric_function(e, symbols) for e in exprs]
        if n == 1:
            return (lambda x: np.stack([np.asarray(p(x)) * 1.0 for p in parts])), names
        return (lambda v: np.stack([p(*[v[i] for i in range(n)]) + 0.0 * v[0]
                                    for p in parts])), names  # fmt: skip
    if n == 1:
        return numeric, names
    return (lambda v: numeric(*[v[i] for i in range(n)])), names
