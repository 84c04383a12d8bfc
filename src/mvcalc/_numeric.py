"""SymPy expressions as NumPy functions, by walking the expression tree.

``sympy.lambdify`` would generate Python source and execute it; mvcalc never executes text, so
expressions from the safe parser are evaluated here node by node instead. Because every node maps
to a NumPy function, the result also works on complex arrays (the complex step) and on mvcalc's
dual numbers (automatic differentiation).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy

_FUNCTIONS: dict[Any, Callable[..., Any]] = {
    sympy.sin: np.sin,
    sympy.cos: np.cos,
    sympy.tan: np.tan,
    sympy.sec: lambda t: 1 / np.cos(t),
    sympy.csc: lambda t: 1 / np.sin(t),
    sympy.cot: lambda t: 1 / np.tan(t),
    sympy.asin: np.arcsin,
    sympy.acos: np.arccos,
    sympy.atan: np.arctan,
    sympy.sinh: np.sinh,
    sympy.cosh: np.cosh,
    sympy.tanh: np.tanh,
    sympy.asinh: np.arcsinh,
    sympy.acosh: np.arccosh,
    sympy.atanh: np.arctanh,
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.Abs: np.abs,
    sympy.sign: np.sign,
}


def numeric_function(expr: sympy.Expr, variables: Sequence[sympy.Symbol]) -> Callable[..., Any]:
    """A NumPy function of ``variables`` that evaluates ``expr``.

    Raises ValueError for a free symbol not in ``variables`` or a function mvcalc cannot map.

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> f = numeric_function(sympy.sin(x) ** 2 + x / 2, [x])
    >>> float(f(0.0)), f([0.0, 2.0]).shape
    (0.0, (2,))
    """
    symbols = list(variables)
    missing = expr.free_symbols - set(symbols)
    if missing:
        names = ", ".join(sorted(str(s) for s in missing))
        raise ValueError(f"the expression has symbols with no value: {names}")
    _check(expr)

    def f(*args: Any) -> Any:
        if len(args) != len(symbols):
            raise TypeError(f"expected {len(symbols)} argument(s), got {len(args)}")
        env = {s: (np.asarray(a) if isinstance(a, list | tuple) else a)
               for s, a in zip(symbols, args, strict=True)}  # fmt: skip
        return _evaluate(expr, env)

    return f


def _check(expr: sympy.Basic) -> None:
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Function) and node.func not in _FUNCTIONS:
            raise ValueError(f"cannot evaluate {node.func} numerically")


def _evaluate(node: sympy.Basic, env: dict[sympy.Symbol, Any]) -> Any:
    if node.is_Symbol:
        return env[node]
    if node.is_Number or node.is_NumberSymbol:
        return float(node)
    if node is sympy.zoo or node is sympy.nan:
        return float("nan")
    args = [_evaluate(a, env) for a in node.args]
    if node.is_Add:
        total = args[0]
        for a in args[1:]:
            total = total + a
        return total
    if node.is_Mul:
        product = args[0]
        for a in args[1:]:
            product = product * a
        return product
    if node.is_Pow:
        exponent = node.args[1]
        if exponent == sympy.Rational(1, 2):
            return np.sqrt(args[0])
        if exponent == -1:
            return 1 / args[0]
        if exponent.is_Integer:
            return args[0] ** int(exponent)
        return args[0] ** args[1]
    return _FUNCTIONS[node.func](*args)
