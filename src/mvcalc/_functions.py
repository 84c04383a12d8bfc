"""The ONE table of elementary functions: every feature of mvcalc reads it.

Each :class:`Elementary` entry gives, for one function the parser accepts,

- ``name`` and ``aliases``: the names in maths text (``asin``, ``arcsin``), and how many
  arguments the name takes;
- ``sympy_name``: the SymPy function class the parser builds (``"sin"`` for ``sympy.sin``), or
  None for ``sqrt``, ``cbrt`` and ``sigmoid``, which the parser builds from other entries
  (``x**(1/2)``, ``x**(1/3)``, ``1/(1 + exp(-x))``) with ``build``;
- ``numpy``: the NumPy function that evaluates it (:mod:`mvcalc._numeric`);
- ``derivative``: d f(v)/dv from v and y = f(v), the AD rule for that NumPy function
  (:mod:`mvcalc.autodiff`, both modes); ``step`` marks a piecewise-constant function
  (derivative 0);
- ``interval``: a rigorous enclosure of f over an interval with outward rounding
  (:mod:`mvcalc._interval`), for the remainder bounds of :mod:`mvcalc.series`;
- ``rule``: the rule's name in :func:`mvcalc.symbolic.explain`.

SymPy is imported only when a SymPy part is asked for, so that AD (loaded by
``import mvcalc``) can read the table without loading SymPy.

Readers: :data:`mvcalc.symbolic.FUNCTIONS` (the parser), :data:`mvcalc._numeric._FUNCTIONS`,
``mvcalc.autodiff.forward.UNARY`` (with NumPy-only extras such as ``expm1``; reverse mode
reads it too), the interval evaluator of :mod:`mvcalc.series` and explain's rule names. Adding
a function here adds it everywhere; an entry with a SymPy class but no interval rule, NumPy
function or rule name is refused at import.

Examples
--------
>>> entry = BY_NAME["arcsin"]
>>> entry.name, entry.rule, entry.numpy.__name__
('asin', 'asin', 'arcsin')
>>> sorted(parser_names())[:4]
['abs', 'acos', 'acosh', 'arccos']
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mvcalc import _interval

Rule = Callable[[float, float], "_interval.Interval"]
Derivative = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Elementary:
    """One elementary function, as every part of mvcalc knows it (see the module's notes)."""

    name: str
    sympy_name: str | None
    numpy: Callable[..., Any] | None
    derivative: Derivative | None
    interval: Rule | None
    rule: str | None
    arities: tuple[int, ...] = (1,)
    aliases: tuple[str, ...] = ()
    step: bool = False
    build: Callable[..., Any] | None = None

    def __post_init__(self) -> None:
        if self.sympy_name is not None:
            missing = [k for k in ("numpy", "interval", "rule") if getattr(self, k) is None]
            if missing:
                raise TypeError(f"_functions: {self.name} lacks {', '.join(missing)}")
        elif self.build is None:
            raise TypeError(f"_functions: {self.name} needs a SymPy class or a build function")

    @property
    def sympy_class(self) -> Any:
        """The SymPy function class (``sympy.sin``), or None for a combination."""
        if self.sympy_name is None:
            return None
        import sympy

        return getattr(sympy, self.sympy_name)

    @property
    def constructor(self) -> Callable[..., Any]:
        """What the parser calls with the arguments' SymPy expressions."""
        return self.build if self.build is not None else self.sympy_class


def _sigmoid(x: Any) -> Any:
    import sympy

    return 1 / (1 + sympy.exp(-x))


def _log(x: Any, base: Any = None) -> Any:
    import sympy

    return sympy.log(x) if base is None else sympy.log(x, base)


def _sqrt(x: Any) -> Any:
    import sympy

    return sympy.sqrt(x)


def _cbrt(x: Any) -> Any:
    import sympy

    return sympy.cbrt(x)


def _sec(t: Any) -> Any:
    return 1 / np.cos(t)


def _csc(t: Any) -> Any:
    return 1 / np.sin(t)


def _cot(t: Any) -> Any:
    return 1 / np.tan(t)


TABLE: tuple[Elementary, ...] = (
    # name, SymPy class, NumPy, d f(v)/dv from (v, y = f(v)), interval rule, explain's rule
    Elementary("sin", "sin", np.sin, lambda v, y: np.cos(v), _interval.sin, "sin"),
    Elementary("cos", "cos", np.cos, lambda v, y: -np.sin(v), _interval.cos, "cos"),
    Elementary("tan", "tan", np.tan, lambda v, y: 1 + y * y, _interval.tan, "tan"),
    # sec, csc, cot evaluate as 1/cos, 1/sin, 1/tan: AD differentiates those, no rule needed
    Elementary("sec", "sec", _sec, None, _interval.sec, "sec"),
    Elementary("csc", "csc", _csc, None, _interval.csc, "csc"),
    Elementary("cot", "cot", _cot, None, _interval.cot, "cot"),
    Elementary("asin", "asin", np.arcsin, lambda v, y: 1 / np.sqrt(1 - v * v),
               _interval.asin, "asin", aliases=("arcsin",)),
    Elementary("acos", "acos", np.arccos, lambda v, y: -1 / np.sqrt(1 - v * v),
               _interval.acos, "acos", aliases=("arccos",)),
    Elementary("atan", "atan", np.arctan, lambda v, y: 1 / (1 + v * v),
               _interval.atan, "atan", aliases=("arctan",)),
    Elementary("sinh", "sinh", np.sinh, lambda v, y: np.cosh(v),
               _interval.sinh, "sinh"),
    Elementary("cosh", "cosh", np.cosh, lambda v, y: np.sinh(v),
               _interval.cosh, "cosh"),
    Elementary("tanh", "tanh", np.tanh, lambda v, y: 1 - y * y,
               _interval.tanh, "tanh"),
    Elementary("asinh", "asinh", np.arcsinh, lambda v, y: 1 / np.sqrt(v * v + 1),
               _interval.asinh, "asinh"),
    Elementary("acosh", "acosh", np.arccosh, lambda v, y: 1 / np.sqrt(v * v - 1),
               _interval.acosh, "acosh"),
    Elementary("atanh", "atanh", np.arctanh, lambda v, y: 1 / (1 - v * v),
               _interval.atanh, "atanh"),
    Elementary("exp", "exp", np.exp, lambda v, y: y, _interval.exp, "exp"),
    Elementary("log", "log", np.log, lambda v, y: 1 / v, _interval.log, "log",
               arities=(1, 2), aliases=("ln",), build=_log),
    Elementary("abs", "Abs", np.absolute, lambda v, y: np.sign(v),
               _interval.absolute, "abs"),  # d|v| = sign(v), taken as 0 at v = 0
    Elementary("sign", "sign", np.sign, None, _interval.sign, "sign", step=True),
    # Built by the parser from the entries above (a power, or exp): the interval evaluator and
    # explain see x**(1/2), x**(1/3) and 1/(1 + exp(-x)). sqrt and cbrt keep their NumPy
    # functions for AD; NumPy's cbrt is the real cube root, while the parsed cbrt(x) is SymPy's
    # principal root x**(1/3), real for x >= 0 only, and evaluates as that power.
    Elementary("sqrt", None, np.sqrt, lambda v, y: 0.5 / y, None, None, build=_sqrt),
    Elementary("cbrt", None, np.cbrt, lambda v, y: 1 / (3 * y * y), None, None, build=_cbrt),
    Elementary("sigmoid", None, None, None, None, None, build=_sigmoid),
)  # fmt: skip

#: every parser name (names and aliases) → its entry
BY_NAME: dict[str, Elementary] = {
    **{e.name: e for e in TABLE},
    **{alias: e for e in TABLE for alias in e.aliases},
}


@functools.cache
def by_sympy() -> dict[Any, Elementary]:
    """SymPy function class → its entry (the functions SymPy expressions are made of).

    Examples
    --------
    >>> import sympy
    >>> by_sympy()[sympy.atanh].name
    'atanh'
    """
    return {e.sympy_class: e for e in TABLE if e.sympy_name is not None}


def parser_names() -> dict[str, tuple[Callable[..., Any], tuple[int, ...]]]:
    """The parser's functions: name → (SymPy constructor, allowed numbers of arguments).

    Aliases (``arcsin``, ``ln``) take one argument.

    Examples
    --------
    >>> parser_names()["ln"][1], parser_names()["log"][1]
    ((1,), (1, 2))
    """
    names: dict[str, tuple[Callable[..., Any], tuple[int, ...]]] = {}
    for e in TABLE:
        names[e.name] = (e.constructor, e.arities)
        for alias in e.aliases:
            names[alias] = (e.constructor, (1,))
    return names


def ad_rules() -> dict[Any, Derivative]:
    """NumPy ufunc → d f(v)/dv from (v, y), for the entries that are single NumPy ufuncs.

    Examples
    --------
    >>> import numpy as np
    >>> bool(ad_rules()[np.tanh](0.5, np.tanh(0.5)) == 1 - np.tanh(0.5) ** 2)
    True
    """
    return {e.numpy: e.derivative for e in TABLE
            if isinstance(e.numpy, np.ufunc) and e.derivative is not None}  # fmt: skip


def step_functions() -> tuple[Any, ...]:
    """The entries' NumPy functions that are piecewise constant (derivative 0 where it exists).

    Examples
    --------
    >>> step_functions()
    (<ufunc 'sign'>,)
    """
    return tuple(e.numpy for e in TABLE if e.step)
