"""Exact differentiation of maths written as text: a safe parser, SymPy underneath, rules explained.

Text such as ``"x^2*sin(x)"`` is read by :func:`parse`, which walks Python's own syntax tree of the
text (``ast.parse``) and accepts only the node types and names listed below, building SymPy objects
directly. Nothing is ever executed: there is no call of Python's evaluator on the text and no
SymPy string conversion, so ``"__import__('os')"`` is an error, not a program. Limits on the text
and on what it builds — the size of every number and the total degree, checked before SymPy builds
them — keep every refusal quick and every accepted expression of bounded size.

:func:`explain` then differentiates as a teacher writes it on the board, naming the rule used at
each step — constant, power, sum, constant multiple, product, quotient, chain, exponential, general
power, and the special functions (exp, log, sin, cos, …).

Time limits: SymPy's work on a small expression can still explode (the third derivative of
tan(tan(…(x)…)), ``simplify`` of a nest at π/7). :func:`diff`, :func:`jacobian`, :func:`hessian`,
:func:`total_derivative`, :func:`explain` and :func:`evaluate` therefore run SymPy in a worker
process that is killed when it overruns, raising :class:`TooCostly` (a ``ValueError``); small input
runs here directly, at no cost. Each takes ``time_limit=`` (seconds); ``with time_limit(s):``
gives a block of calls one shared deadline (``mvcalc --time-limit``), and :func:`set_time_limit`
sets the default for every call (10 s).
"""

from __future__ import annotations

import ast
import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from mvcalc import _budget, _functions
from mvcalc._budget import TooCostly, get_time_limit, set_time_limit, time_limit
from mvcalc._validate import finite_float

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "Derivation",
    "Evaluation",
    "Step",
    "TooCostly",
    "diff",
    "evaluate",
    "explain",
    "get_time_limit",
    "hessian",
    "jacobian",
    "only_variable",
    "parse",
    "parse_many",
    "set_time_limit",
    "substitute",
    "time_limit",
    "total_derivative",
]

# --------------------------------------------------------------------------------------------
# What the parser accepts. Everything not listed here is refused.
# --------------------------------------------------------------------------------------------

MAX_LENGTH = 1000  # characters of input
MAX_DEPTH = 50  # nesting of parentheses
MAX_TREE_DEPTH = 250  # nesting of the syntax tree (a sum of many terms is a deep chain)
MAX_NODES = 500  # nodes of the syntax tree
MAX_DIGITS = 30  # digits of one number literal
MAX_EXPONENT = 1000  # |n| in a numeric power x^n
MAX_RESULT_DIGITS = 300  # numbers the parser builds: numerator and denominator up to 10^300
MAX_DEGREE = 1000  # total degree of what the parser builds (products add, powers multiply)
MAX_VALUE_DIGITS = 1000  # numbers built by substituting a point (evaluate, taylor's x0)
MAX_VARIABLES = 100  # variables of jacobian, hessian, total_derivative; rows of jacobian
MAX_DIFFERENTIATIONS = 100  # variables given to one call of diff

#: Work below this estimate runs in this process; above it, in a worker under the time limit
#: (see :func:`_cheap`): no cost for ordinary small input, and at most about 0.2 s of SymPy
#: (measured over random expressions of the parser's grammar, with SymPy's cache cleared).
CHEAP_WORK = 400

_ALLOWED_CHARACTERS = re.compile(r"[0-9A-Za-z_\s+\-*/^().,]*")


#: name → (SymPy constructor, allowed numbers of arguments), from the one table of
#: elementary functions (:mod:`mvcalc._functions`)
FUNCTIONS: dict[str, tuple[Callable[..., Any], tuple[int, ...]]] = _functions.parser_names()

#: names that stand for constants
CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "e": sympy.E, "E": sympy.E}

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}

_REFUSED: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambda functions",
    ast.ListComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.JoinedStr: "f-strings",
    ast.Compare: "comparisons",
    ast.BoolOp: "logical operators",
    ast.IfExp: "conditional expressions",
    ast.Starred: "starred arguments",
    ast.NamedExpr: "assignments",
    ast.Tuple: "tuples (use parse_many for a list of expressions)",
    ast.List: "lists",
    ast.Dict: "dictionaries",
    ast.Set: "sets",
}


def _refuse(what: str, node: ast.AST | None = None) -> ValueError:
    where = f" (at column {node.col_offset + 1})" if isinstance(node, ast.expr) else ""
    return ValueError(f"text: {what} not allowed{where}")


def parse(text: str) -> sympy.Expr:
    """Read a maths expression into SymPy, safely and within size limits.

    Accepted: numbers (``2``, ``0.5``, ``1e-3``; decimals become exact fractions), variables
    (letters, digits and ``_``, up to 32 characters, not starting with ``_``), ``+ − * /``,
    powers ``^`` or ``**``, parentheses, the functions in :data:`FUNCTIONS` and the constants
    ``pi`` and ``e``.

    Parameters
    ----------
    text : str

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ValueError
        For anything else — attribute access, subscripts, unknown functions, strings, lambdas,
        comprehensions, statements — and for input over the limits, which bound both the text
        and what it builds:

        - the text: at most 1000 characters (:data:`MAX_LENGTH`), 500 parts, parentheses
          nested 50 deep, number literals of 30 digits;
        - numeric exponents of at most ±1000 (:data:`MAX_EXPONENT`);
        - every number the expression builds — each literal, and each result of arithmetic
          on numbers, such as ``(10**29)**1000`` — at most 10^300 in numerator and
          denominator (:data:`MAX_RESULT_DIGITS`, 300 digits, about the range of a float).
          Powers are checked from their base and exponent *before* SymPy computes them;
        - a total degree of at most 1000 (:data:`MAX_DEGREE`): products add degrees, powers
          multiply them, and a function of the variables (``sin(x)``, ``x^y``) counts as one
          variable, so ``x^1000`` is accepted and ``(x^1000)^1000`` or ``x^600*y^600`` are not.

        Every refusal is quick; nothing in the text is executed.
    TypeError
        If ``text`` is not a string.

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.parse("x^2*sin(x) + 1.5")
    x**2*sin(x) + 3/2
    >>> symbolic.parse("__import__('os')")
    Traceback (most recent call last):
    ValueError: text: character "'" at position 12 not allowed
    >>> try:
    ...     symbolic.parse("(x^1000)^1000")
    ... except ValueError as error:
    ...     print(error)
    text: an expression of total degree 1,000,000 (the limit is 1000)
    not allowed (at column 1)
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    tree = _syntax_tree(text)
    return _Builder(text).build(tree.body)


def parse_many(text: str) -> list[sympy.Expr]:
    """Read a comma-separated list of expressions, such as ``"u*v, u + v"``.

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.parse_many("u*v, u + v")
    [u*v, u + v]
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    tree = _syntax_tree(text)
    items = tree.body.elts if isinstance(tree.body, ast.Tuple) else [tree.body]
    if not items:
        raise ValueError("text: expected at least one expression")
    builder = _Builder(text)
    return [builder.build(item) for item in items]


def _syntax_tree(text: str) -> ast.Expression:
    """Python's syntax tree of ``text``, after the checks that must come before parsing."""
    if len(text) > MAX_LENGTH:
        raise ValueError(f"text: {len(text)} characters is over the limit of {MAX_LENGTH}")
    if not text.strip():
        raise ValueError("text: the expression is empty")
    if _ALLOWED_CHARACTERS.fullmatch(text) is None:
        for i, ch in enumerate(text):
            if not _ALLOWED_CHARACTERS.fullmatch(ch):
                raise ValueError(f"text: character {ch!r} at position {i + 1} not allowed")
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth > MAX_DEPTH:
            raise ValueError(f"text: parentheses nested deeper than {MAX_DEPTH}")
    for run in re.findall(r"\d+", text):
        if len(run) > MAX_DIGITS:
            raise ValueError(f"text: a number with more than {MAX_DIGITS} digits")
    try:
        tree = ast.parse(text.strip().replace("^", "**"), mode="eval")
    except SyntaxError as exc:
        column = f" at column {exc.offset}" if exc.offset else ""
        raise ValueError(f"text: not a valid expression{column}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ValueError("text: the expression is too complex") from None
    return tree


class _Builder:
    """Turns an accepted syntax tree into SymPy, refusing everything else.

    Alongside each SymPy object it keeps the total degree of what the text built so far
    (:meth:`_build` returns both), and it checks the size of every number before SymPy
    is asked to build it: a power is refused from its base and exponent alone, so that
    ``(10**29)**1000`` never becomes a 29 000-digit integer, and sums and products, cheap to
    build, are checked as soon as they are built.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.nodes = 0

    def build(self, node: ast.AST) -> sympy.Expr:
        expr, _ = self._build(node, 0)
        return expr

    def _build(self, node: ast.AST, depth: int) -> tuple[sympy.Expr, float]:
        """The SymPy object for ``node`` and its total degree."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ValueError(f"text: the expression has more than {MAX_NODES} parts")
        if depth > MAX_TREE_DEPTH:
            raise ValueError(f"text: the expression is nested deeper than {MAX_TREE_DEPTH}")
        if isinstance(node, ast.Constant):
            return _checked(self._number(node), node), 0.0
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand, degree = self._build(node.operand, depth + 1)
            return (-operand if isinstance(node.op, ast.USub) else operand), degree
        if isinstance(node, ast.BinOp):
            left, d_left = self._build(node.left, depth + 1)
            right, d_right = self._build(node.right, depth + 1)
            if isinstance(node.op, ast.Pow):
                return self._power(left, right, d_left, node)
            operation = _BINARY.get(type(node.op))
            if operation is None:
                raise _refuse(f"the operator {type(node.op).__name__}", node)
            additive = isinstance(node.op, ast.Add | ast.Sub)
            degree = max(d_left, d_right) if additive else d_left + d_right
            _check_degree(degree, node)
            return _checked(operation(left, right), node), degree
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        for kind, description in _REFUSED.items():
            if isinstance(node, kind):
                raise _refuse(description, node)
        raise _refuse(f"{type(node).__name__} expressions", node)

    def _number(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _refuse(f"the literal {type(value).__name__}", node)
        source = ast.get_source_segment(self.text.strip().replace("^", "**"), node) or repr(value)
        if not math.isfinite(float(value)):
            raise _refuse("a number too large to represent", node)
        if isinstance(value, int):
            return sympy.Integer(value)
        exponent = re.search(r"[eE]([+-]?\d+)", source)
        if exponent and abs(int(exponent.group(1))) > 300:
            raise _refuse("a number with an exponent beyond ±300", node)
        fraction = Fraction(source)  # exact: 0.1 is 1/10, not the nearest binary double
        return sympy.Rational(fraction.numerator, fraction.denominator)

    def _name(self, node: ast.Name) -> tuple[sympy.Expr, float]:
        name = node.id
        if name in CONSTANTS:
            return CONSTANTS[name], 0.0
        if name in FUNCTIONS:
            raise _refuse(f"the function name {name!r} without an argument", node)
        if name.startswith("_") or len(name) > 32 or not name.isascii():
            raise _refuse(f"the name {name!r} (letters, digits and _ only, up to 32)", node)
        return sympy.Symbol(name), 1.0

    def _call(self, node: ast.Call, depth: int) -> tuple[sympy.Expr, float]:
        if not isinstance(node.func, ast.Name):
            raise _refuse("calling anything but a named function", node)
        name = node.func.id
        if name not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise _refuse(f"the function {name!r} (known: {known})", node)
        if node.keywords:
            raise _refuse("keyword arguments", node)
        constructor, counts = FUNCTIONS[name]
        if len(node.args) not in counts:
            wanted = " or ".join(map(str, counts))
            raise ValueError(f"text: {name} takes {wanted} argument(s), got {len(node.args)}")
        built = [self._build(arg, depth + 1) for arg in node.args]
        args = [expr for expr, _ in built]
        if name in ("sqrt", "cbrt"):  # powers in SymPy: a root of a number may factor it
            _check_power_digits(args[0], sympy.Rational(1, 2 if name == "sqrt" else 3), node)
        degree = 1.0 if any(d > 0 for _, d in built) else 0.0  # f(x) counts as one variable
        return _checked(constructor(*args), node), degree

    def _power(
        self, base: sympy.Expr, exponent: sympy.Expr, base_degree: float, node: ast.AST
    ) -> tuple[sympy.Expr, float]:
        if not exponent.is_number:
            return _checked(sympy.Pow(base, exponent), node), 1.0  # x^y counts as one variable
        if not exponent.is_real:
            raise _refuse("a non-real exponent", node)
        size = abs(exponent) if exponent.is_Rational else _magnitude(exponent)
        if size > MAX_EXPONENT:
            raise _refuse(f"a power with exponent beyond ±{MAX_EXPONENT}", node)
        degree = base_degree * float(size)
        _check_degree(degree, node)
        if exponent.is_Rational:
            _check_power_digits(base, exponent, node)
        return _checked(sympy.Pow(base, exponent), node), degree


def _magnitude(number: sympy.Expr) -> float:
    """|number| as a float (inf if it cannot be had): for the size of an irrational exponent."""
    try:
        value = float(abs(number).evalf(15))
    except (TypeError, ValueError, OverflowError):
        return math.inf
    return value if math.isfinite(value) else math.inf


def _amount(value: float) -> str:
    return f"{value:,.0f}" if value < 1e15 else f"{value:.3g}"


def _check_degree(degree: float, node: ast.AST) -> None:
    if degree > MAX_DEGREE:
        raise _refuse(
            f"an expression of total degree {_amount(degree)} (the limit is {MAX_DEGREE})", node
        )


def _power_digits(number: sympy.Rational, exponent: sympy.Rational) -> float:
    """About how many digits SymPy's numbers have while it computes ``number ** exponent``.

    An integer power raises numerator and denominator. For a root, SymPy raises the number to
    the exponent's numerator (modulo the denominator) and factors the result, and a fraction's
    denominator is first rewritten with the exponent's complement, (p/q)^(1/n) =
    p^(1/n)·q^((n−1)/n)/q; so ``7^(998/999)`` works on 7^998 and ``(1/7)^(1/999)`` on 7^998.
    """
    a, b = int(exponent.p), int(exponent.q)
    p, q = abs(int(number.p)), int(number.q)
    if a < 0:
        p, q, a = q, p, -a
    log_p, log_q = math.log10(max(p, 1)), math.log10(max(q, 1))
    if b == 1:
        return max(log_p, log_q) * a
    digits = log_p * (a % b + a // b)
    if q > 1:
        k = a // b + 1
        digits += log_q * (k * b - a + k)
    return digits


def _raised_digits(base: sympy.Expr, exponent: sympy.Rational) -> float:
    """About how many digits the numbers SymPy builds for ``base ** exponent`` have.

    SymPy raises the rational factors of the base (2 in 2*x, 3 in sqrt(3) = 3**(1/2)) and
    leaves sums and functions alone: (x + 1/3)**1000 builds no number.
    """
    total = 0.0
    for factor in base.args if base.is_Mul else (base,):
        if factor.is_Rational:
            total += _power_digits(factor, exponent)
        elif factor.is_Pow and factor.base.is_Rational and factor.exp.is_Rational:
            total += _power_digits(factor.base, factor.exp * exponent)
    return total


def _check_power_digits(base: sympy.Expr, exponent: sympy.Rational, node: ast.AST) -> None:
    digits = _raised_digits(base, exponent)
    if digits > MAX_RESULT_DIGITS + 1e-9:
        raise _refuse(
            f"a power that makes a number of about {_amount(digits)} digits (the limit is "
            f"{MAX_RESULT_DIGITS})",
            node,
        )


def _fresh_numbers(value: sympy.Expr) -> Iterable[sympy.Rational]:
    """The numbers SymPy may have just made in ``value``: the number itself, or its
    coefficient, or a sum's constant term and coefficients (sums and products are flat)."""
    if value.is_Rational:
        yield value
    elif value.is_Mul:
        yield from (a for a in value.args if a.is_Rational)
    elif value.is_Add or value.is_Pow:
        for term in value.args:
            if term.is_Rational:
                yield term
            elif term.is_Mul:
                yield from (a for a in term.args if a.is_Rational)


_LIMIT = 10**MAX_RESULT_DIGITS


def _checked(value: Any, node: ast.AST) -> sympy.Expr:
    """Refuse what is not an expression, and numbers grown too large (a long chain of products,
    say: cheap to build, but too large to print or to take a root of)."""
    if not isinstance(value, sympy.Expr):
        raise _refuse("this construct", node)
    for number in _fresh_numbers(value):
        if max(abs(int(number.p)), int(number.q)) > _LIMIT:
            raise _refuse(f"a number of more than {MAX_RESULT_DIGITS} digits", node)
    return value


# --------------------------------------------------------------------------------------------
# diff, jacobian, hessian, total derivative
# --------------------------------------------------------------------------------------------


def _expression(expr: Any, name: str = "expr") -> sympy.Expr:
    if isinstance(expr, str):
        return parse(expr)
    if isinstance(expr, sympy.Expr):
        return expr
    if isinstance(expr, int | float) and not isinstance(expr, bool):
        fraction = Fraction(finite_float(expr, name) if isinstance(expr, float) else expr)
        if max(abs(fraction.numerator), fraction.denominator) > _LIMIT:
            raise ValueError(f"{name}: a number of more than {MAX_RESULT_DIGITS} digits")
        return sympy.Rational(fraction.numerator, fraction.denominator)
    raise TypeError(f"{name} must be a string or a SymPy expression, got {type(expr).__name__}")


def _symbol(variable: Any, name: str = "variable") -> sympy.Symbol:
    if isinstance(variable, sympy.Symbol):
        return variable
    if isinstance(variable, str):
        text = variable.strip()
        if (
            not text.isidentifier()
            or text.startswith("_")
            or text in FUNCTIONS
            or text in CONSTANTS
        ):
            raise ValueError(f"{name} must be a variable name, got {variable!r}")
        return sympy.Symbol(text)
    raise TypeError(f"{name} must be a name or a SymPy Symbol, got {type(variable).__name__}")


def _symbols(variables: Any, name: str = "variables") -> list[sympy.Symbol]:
    if isinstance(variables, str):
        variables = [v for v in variables.split(",") if v.strip()]
    if isinstance(variables, sympy.Symbol):
        variables = [variables]
    if not isinstance(variables, Iterable):
        raise TypeError(f"{name} must be a list of names, got {type(variables).__name__}")
    items = list(itertools.islice(variables, MAX_VARIABLES + 1))
    if len(items) > MAX_VARIABLES:
        raise ValueError(f"{name}: more than {MAX_VARIABLES} variables; the limit is "
                         f"{MAX_VARIABLES}")  # fmt: skip
    out = [_symbol(v, name) for v in items]
    if not out:
        raise ValueError(f"{name} must name at least one variable")
    if len(set(out)) != len(out):
        raise ValueError(f"{name} must not repeat a variable")
    return out


def _shape(expr: sympy.Basic, cap: int = 64) -> tuple[int, int] | None:
    """The number of nodes of ``expr``'s tree and its depth, or None beyond ``cap`` nodes."""
    stack = [(expr, 1)]
    nodes = depth = 0
    while stack:
        node, level = stack.pop()
        nodes += 1
        if nodes > cap:
            return None
        depth = max(depth, level)
        stack.extend((arg, level + 1) for arg in node.args)
    return nodes, depth


def _cheap(exprs: Iterable[sympy.Basic], derivatives: int, entries: int = 1) -> bool:
    """Whether differentiating is surely quick enough to run in this process.

    The estimate, nodes × (depth + 1)^derivatives summed over the expressions and multiplied
    by the number of entries, follows how derivatives grow: the chain rule copies the inside
    once per level of nesting (tan(tan(tan(x))) grows fast), the product rule once per factor.
    Only small input passes (:data:`CHEAP_WORK`); the rest goes to a worker process, where the
    time limit holds.
    """
    total = 0
    for expr in exprs:
        shape = _shape(expr)
        if shape is None:
            return False
        nodes, depth = shape
        total += nodes * (depth + 1) ** min(derivatives, 8)
        if derivatives > 8 or total * entries > CHEAP_WORK:
            return False
    return True


def diff(
    expr: str | sympy.Expr,
    *variables: str | sympy.Symbol,
    time_limit: float | None = None,
) -> sympy.Expr:
    """Differentiate exactly; several variables differentiate in turn (∂²f/∂x∂y, …).

    Parameters
    ----------
    expr : str or sympy.Expr
        Text is read by :func:`parse`.
    *variables : str or sympy.Symbol
        With none, the expression's only variable (an error if it has several). At most
        :data:`MAX_DIFFERENTIATIONS` (100).
    time_limit : float, optional
        Seconds the work may take (default: see :func:`time_limit`).

    Returns
    -------
    sympy.Expr

    Raises
    ------
    TooCostly
        If the work takes longer than the time limit (a ``ValueError``).

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.diff("x**2*sin(x)")
    x**2*cos(x) + 2*x*sin(x)
    >>> symbolic.diff("x^2*y^3", "x", "y")
    6*x*y**2
    """
    f = _expression(expr)
    if len(variables) > MAX_DIFFERENTIATIONS:
        raise ValueError(f"variables: {len(variables)} differentiations; the limit is "
                         f"{MAX_DIFFERENTIATIONS}")  # fmt: skip
    if not variables:
        if not f.free_symbols:
            return sympy.Integer(0)
        xs = [only_variable(f)]
    else:
        xs = [_symbol(v, "variables") for v in variables]
    return _budget.run(sympy.diff, f, *xs, time_limit=time_limit, cheap=_cheap([f], len(xs)))


def _jacobian(functions: list[sympy.Expr], xs: list[sympy.Symbol]) -> sympy.Matrix:
    return sympy.Matrix([[sympy.diff(f, x) for x in xs] for f in functions])


def _hessian(f: sympy.Expr, xs: list[sympy.Symbol]) -> sympy.Matrix:
    first = [sympy.diff(f, a) for a in xs]
    return sympy.Matrix([[sympy.diff(g, b) for b in xs] for g in first])


def jacobian(
    exprs: str | Sequence[str | sympy.Expr],
    variables: Any,
    *,
    time_limit: float | None = None,
) -> sympy.Matrix:
    """The Jacobian matrix J[i, j] = ∂fᵢ/∂xⱼ of a list of expressions.

    Parameters
    ----------
    exprs : str or sequence of (str or sympy.Expr)
        A comma-separated string (``"u*v, u+v"``) or a list; at most :data:`MAX_VARIABLES`
        (100) of them.
    variables : str or sequence
        ``"u,v"`` or ``["u", "v"]`` or Symbols: the columns' order; at most
        :data:`MAX_VARIABLES` (100).
    time_limit : float, optional
        Seconds the work may take (default: see :func:`time_limit`).

    Returns
    -------
    sympy.Matrix, shape (len(exprs), len(variables))

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.jacobian("u*v, u + v", "u,v")
    Matrix([
    [v, u],
    [1, 1]])
    """
    if isinstance(exprs, str):
        functions = parse_many(exprs)
    elif isinstance(exprs, Sequence):
        if len(exprs) > MAX_VARIABLES:
            raise ValueError(f"exprs: {len(exprs)} expressions; the limit is {MAX_VARIABLES}")
        functions = [_expression(e, "exprs") for e in exprs]
    else:
        raise TypeError(f"exprs must be a string or a list of expressions, got {type(exprs)}")
    if not functions:
        raise ValueError("exprs must hold at least one expression")
    if len(functions) > MAX_VARIABLES:
        raise ValueError(f"exprs: {len(functions)} expressions; the limit is {MAX_VARIABLES}")
    xs = _symbols(variables)
    return _budget.run(_jacobian, functions, xs, time_limit=time_limit,
                       cheap=_cheap(functions, 1, len(xs)))  # fmt: skip


def hessian(
    expr: str | sympy.Expr, variables: Any, *, time_limit: float | None = None
) -> sympy.Matrix:
    """The Hessian matrix H[i, j] = ∂²f/∂xᵢ∂xⱼ.

    Parameters
    ----------
    expr : str or sympy.Expr
    variables : str or sequence
        ``"x,y"`` or ``["x", "y"]`` or Symbols; at most :data:`MAX_VARIABLES` (100).
    time_limit : float, optional
        Seconds the work may take (default: see :func:`time_limit`).

    Returns
    -------
    sympy.Matrix, shape (len(variables), len(variables))

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.hessian("x**2*y", "x,y")
    Matrix([
    [2*y, 2*x],
    [2*x,   0]])
    """
    f = _expression(expr)
    xs = _symbols(variables)
    return _budget.run(_hessian, f, xs, time_limit=time_limit,
                       cheap=_cheap([f], 2, len(xs) ** 2))  # fmt: skip


def _total_derivative(
    f: sympy.Expr, ts: sympy.Symbol, substitutions: dict[sympy.Symbol, sympy.Expr]
) -> sympy.Expr:
    total = sympy.diff(f, ts).subs(substitutions)
    for x, x_of_t in substitutions.items():
        total += sympy.diff(f, x).subs(substitutions) * sympy.diff(x_of_t, ts)
    return total


def total_derivative(
    expr: str | sympy.Expr,
    t: str | sympy.Symbol,
    mapping: Mapping[Any, Any],
    *,
    time_limit: float | None = None,
) -> sympy.Expr:
    """df/dt when f's variables depend on t: Σᵢ ∂f/∂xᵢ · dxᵢ/dt + ∂f/∂t.

    "Differentiate with respect to anything": the multivariate chain rule of the course.

    Parameters
    ----------
    expr : str or sympy.Expr
        f(x₁, …, xₙ, t).
    t : str or sympy.Symbol
        The variable to differentiate with respect to.
    mapping : mapping
        ``{x: x_of_t, ...}``; keys are names or Symbols, values are expressions in t; at most
        :data:`MAX_VARIABLES` (100) of them.
    time_limit : float, optional
        Seconds the work may take (default: see :func:`time_limit`).

    Returns
    -------
    sympy.Expr
        The total derivative, written in terms of t.

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.total_derivative("x*y", "t", {"x": "cos(t)", "y": "sin(t)"})
    -sin(t)**2 + cos(t)**2
    """
    f = _expression(expr)
    ts = _symbol(t, "t")
    if not isinstance(mapping, Mapping) or not mapping:
        raise ValueError("mapping must be a non-empty mapping {x: x_of_t, ...}")
    if len(mapping) > MAX_VARIABLES:
        raise ValueError(f"mapping: {len(mapping)} variables; the limit is {MAX_VARIABLES}")
    substitutions = {_symbol(k, "mapping"): _expression(v, "mapping") for k, v in mapping.items()}
    if ts in substitutions:
        raise ValueError("mapping must not give t in terms of itself")
    cheap = _cheap([f, *substitutions.values()], 1, len(substitutions) + 1)
    return _budget.run(_total_derivative, f, ts, substitutions, time_limit=time_limit,
                       cheap=cheap)  # fmt: skip


# --------------------------------------------------------------------------------------------
# evaluate: an expression at a point, exactly and as a float, with sizes bounded
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """An expression (or a matrix of them) at a point (made by :func:`evaluate`).

    Attributes
    ----------
    exact : sympy.Expr or sympy.Matrix
        The exact value (simplified, if asked).
    value : float or ndarray
        The same as floats, each checked to be real and finite.
    where : str
        The point as text: ``"x = 1, y = pi/2"``.
    """

    exact: Any
    value: Any
    where: str


def _point(point: Any, needed: set[sympy.Symbol]) -> dict[sympy.Symbol, sympy.Expr]:
    """The point's values as exact real numbers, one for each variable in ``needed``."""
    if not isinstance(point, Mapping):
        raise TypeError(f"point must be a mapping {{name: value}}, got {type(point).__name__}")
    if len(point) > MAX_VARIABLES:
        raise ValueError(f"point: {len(point)} values; the limit is {MAX_VARIABLES}")
    values: dict[sympy.Symbol, sympy.Expr] = {}
    for key, raw in point.items():
        symbol = _symbol(key, "point")
        value = _expression(raw, f"point: {symbol}")
        if value.free_symbols or not value.is_number or value.is_real is not True:
            raise ValueError(f"point: {symbol} = {raw!r} is not a real number")
        values[symbol] = value
    missing = sorted(str(s) for s in needed if s not in values)
    if missing:
        raise ValueError(f"point: give a value for {', '.join(missing)}")
    return values


def substitute(expr: Any, values: Mapping[sympy.Symbol, sympy.Expr], where: str = "") -> Any:
    """``expr`` with numbers put for its symbols, refusing numbers of more than 1000 digits.

    Like SymPy's ``xreplace``, the tree is rebuilt from the leaves, and each power is checked
    from its base and exponent before SymPy computes it: ``x**y`` at y = 10**29 is refused at
    once instead of filling the memory. This is the substitution :func:`evaluate` and
    :func:`mvcalc.taylor` use; it does no other work, so it needs no time limit.

    Parameters
    ----------
    expr : sympy.Expr or sympy.Matrix
    values : mapping
        ``{Symbol: number}``.
    where : str, optional
        The point as text, for messages.

    Returns
    -------
    sympy.Expr or sympy.Matrix

    Raises
    ------
    ValueError
        If a number built would have more than :data:`MAX_VALUE_DIGITS` (1000) digits.

    Examples
    --------
    >>> import sympy
    >>> from mvcalc import symbolic
    >>> x, y = sympy.symbols("x y")
    >>> symbolic.substitute(x**y + 1, {x: sympy.Integer(2), y: sympy.Integer(10)})
    1025
    >>> try:
    ...     symbolic.substitute(x**y, {x: 2, y: sympy.Integer(10**29)}, "y = 10**29")
    ... except ValueError as error:
    ...     print(error)
    the expression cannot be evaluated at y = 10**29: a power there makes a number
    of about 3.01e+28 digits (the limit is 1000)
    """
    values = {_symbol(k, "values"): _expression(v, "values") for k, v in values.items()}
    memo: dict[sympy.Basic, sympy.Basic] = {}
    at = f" at {where}" if where else ""

    def walk(node: sympy.Basic) -> sympy.Basic:
        if node in memo:
            return memo[node]
        if node.is_Symbol:
            new = values.get(node, node)
        elif isinstance(node, sympy.Derivative) and node.free_symbols & values.keys():
            # SymPy could not take this derivative (abs or sign of a complex variable):
            # putting a number in for its variable would differentiate with respect to it
            raise ValueError(
                f"the expression cannot be evaluated{at}: it holds a derivative SymPy could not "
                f"take, {sympy.sstr(node)}"
            )
        elif not node.args:
            new = node
        else:
            args = [walk(a) for a in node.args]
            if all(a is b for a, b in zip(args, node.args, strict=True)):
                new = node
            else:
                if node.is_Pow and args[1].is_Rational:
                    digits = _raised_digits(args[0], args[1])
                    if digits > MAX_VALUE_DIGITS:
                        raise ValueError(
                            f"the expression cannot be evaluated{at}: a power there makes a "
                            f"number of about {_amount(digits)} digits (the limit is "
                            f"{MAX_VALUE_DIGITS})"
                        )
                new = node.func(*args)
                for number in _fresh_numbers(new) if isinstance(new, sympy.Expr) else ():
                    if max(abs(int(number.p)), int(number.q)) > _VALUE_LIMIT:
                        raise ValueError(
                            f"the expression cannot be evaluated{at}: it makes a number of "
                            f"more than {MAX_VALUE_DIGITS} digits"
                        )
        memo[node] = new
        return new

    if isinstance(expr, sympy.MatrixBase):
        return sympy.Matrix(expr.shape[0], expr.shape[1], [walk(e) for e in expr])
    return walk(expr)


_VALUE_LIMIT = 10**MAX_VALUE_DIGITS


def _evaluate(
    expr: Any, values: dict[sympy.Symbol, sympy.Expr], simplify: bool, name: str, where: str
) -> Evaluation:
    from mvcalc._numeric import real_float

    exact = substitute(expr, values, where)
    if isinstance(exact, sympy.MatrixBase):
        if simplify:
            exact = exact.applyfunc(sympy.simplify)
        rows, cols = exact.shape
        value: Any = np.array(
            [[real_float(exact[i, j], f"{name}[{i}, {j}]", where) for j in range(cols)]
             for i in range(rows)]
        )  # fmt: skip
    else:
        if simplify:
            exact = sympy.simplify(exact)
        value = real_float(exact, name, where)
    return Evaluation(exact=exact, value=value, where=where)


def evaluate(
    expr: Any,
    point: Mapping[Any, Any],
    *,
    simplify: bool = True,
    name: str = "f",
    time_limit: float | None = None,
) -> Evaluation:
    """An expression at a point: its exact value and its value as a float, both checked.

    Parameters
    ----------
    expr : str, sympy.Expr or sympy.Matrix
    point : mapping
        ``{"x": 1, "y": "pi/2"}``: a value for every variable of ``expr``. Values are numbers,
        SymPy numbers or maths text (read by :func:`parse`), and must be real.
    simplify : bool, optional
        Simplify the exact value (SymPy's ``simplify``).
    name : str, optional
        What to call the expression in messages (``"df/dx"``).
    time_limit : float, optional
        Seconds the work may take (default: see :func:`time_limit`).

    Returns
    -------
    Evaluation
        ``.exact``, ``.value`` (float, or an array for a matrix) and ``.where``.

    Raises
    ------
    ValueError
        If a value is missing or not a real number; if the expression is undefined there
        ("f is undefined at x = 0"), not real ("f is not real at x = -1") or beyond the range
        of a float ("f overflows at x = 1000"); if a number the evaluation builds would have
        more than :data:`MAX_VALUE_DIGITS` (1000) digits — ``x**y`` at y = 10**29 is refused
        before it is computed.
    TooCostly
        If the work takes longer than the time limit.

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> r = symbolic.evaluate("x**2*sin(y)", {"x": 3, "y": "pi/6"})
    >>> r.exact, r.value, r.where
    (9/2, 4.5, 'x = 3, y = pi/6')
    >>> symbolic.evaluate("1/x", {"x": 0})
    Traceback (most recent call last):
    ValueError: f is undefined at x = 0
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    from mvcalc._numeric import shown

    target: Any = expr if isinstance(expr, sympy.MatrixBase) else _expression(expr)
    values = _point(point, set(target.free_symbols))
    where = ", ".join(f"{k} = {shown(v)}" for k, v in values.items())
    entries = list(target) if isinstance(target, sympy.MatrixBase) else [target]
    small = all(v.is_Rational and max(abs(int(v.p)), int(v.q)) < 10**6 for v in values.values())
    cheap = not simplify and small and _cheap(entries, 0)
    return _budget.run(_evaluate, target, values, bool(simplify), name, where,
                       time_limit=time_limit, cheap=cheap)  # fmt: skip


# --------------------------------------------------------------------------------------------
# explain: the rules, step by step
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One use of a rule: the derivative of ``expression`` is ``result``.

    ``depth`` is how far inside the whole derivation the step sits (0 for the outermost).
    ``with_respect_to`` is None for a derivative with respect to the derivation's variable; in
    the chain rule, the outer function's step is taken with respect to its inner argument u
    (d sin(u)/du = cos(u)), and ``with_respect_to`` is that u.
    """

    rule: str
    expression: sympy.Expr
    result: sympy.Expr
    depth: int = 0
    with_respect_to: sympy.Expr | None = None


@dataclass(frozen=True)
class Derivation:
    """A derivative worked out rule by rule (:func:`explain`)."""

    expression: sympy.Expr
    variable: sympy.Symbol
    steps: list[Step] = field(repr=False)
    result: sympy.Expr

    def text(self) -> str:
        """The derivation as indented plain text, one rule a line."""
        x = self.variable
        width = max((len(s.rule) for s in self.steps), default=0) + 6
        lines = [f"d/d{x} [{sympy.sstr(self.expression)}]"]
        for s in self.steps:
            rule = f"{s.rule} rule:" if s.rule in _RULES_NAMED_RULE else f"{s.rule}:"
            wrt = x if s.with_respect_to is None else f"({sympy.sstr(s.with_respect_to)})"
            lines.append(
                f"{'  ' * (s.depth + 1)}{rule:<{width}} d/d{wrt} [{sympy.sstr(s.expression)}]"
                f" = {sympy.sstr(s.result)}"
            )
        lines.append(f"= {sympy.sstr(self.result)}")
        return "\n".join(lines)

    def latex(self) -> str:
        """The derivation as a LaTeX ``aligned`` block, the rule named beside each line."""
        x = sympy.latex(self.variable)
        rows = []
        for s in self.steps:
            rule = f"{s.rule} rule" if s.rule in _RULES_NAMED_RULE else s.rule
            wrt = (
                x
                if s.with_respect_to is None
                else rf"\left({sympy.latex(s.with_respect_to)}\right)"
            )
            rows.append(
                rf"\frac{{d}}{{d{wrt}}}\left({sympy.latex(s.expression)}\right) &= "
                rf"{sympy.latex(s.result)} && \text{{{rule}}}"
            )
        rows.append(rf"\frac{{d}}{{d{x}}}\left({sympy.latex(self.expression)}\right) &= "
                    rf"{sympy.latex(self.result)}")  # fmt: skip
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


_RULES_NAMED_RULE = {"constant", "power", "sum", "constant multiple", "product", "quotient",
                     "chain", "general power"}  # fmt: skip
#: explain's rule name for each SymPy function class, from the one table (_functions.py)
_FUNCTION_RULES: dict[Any, str] = {
    cls: entry.rule for cls, entry in _functions.by_sympy().items() if entry.rule is not None
}


def explain(
    expr: str | sympy.Expr,
    variable: str | sympy.Symbol | None = None,
    *,
    time_limit: float | None = None,
) -> Derivation:
    """Differentiate step by step, naming the rule used at each step.

    Parameters
    ----------
    expr : str or sympy.Expr
    variable : str or sympy.Symbol, optional
        Default: the expression's only variable.
    time_limit : float, optional
        Seconds the work may take (default: see :func:`time_limit`).

    Returns
    -------
    Derivation
        ``.steps`` (outermost rule first), ``.result`` (equal to SymPy's derivative),
        ``.text()`` and ``.latex()``.

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> d = symbolic.explain("x**2*sin(x)", "x")
    >>> [s.rule for s in d.steps]
    ['product', 'power', 'sin']
    >>> d.result
    x**2*cos(x) + 2*x*sin(x)
    >>> print(d.text())
    d/dx [x**2*sin(x)]
      product rule:  d/dx [x**2*sin(x)] = x**2*cos(x) + 2*x*sin(x)
        power rule:  d/dx [x**2] = 2*x
        sin:         d/dx [sin(x)] = cos(x)
    = x**2*cos(x) + 2*x*sin(x)
    """
    f = _expression(expr)
    if variable is None:
        x = only_variable(f)
    else:
        x = _symbol(variable)
    return _budget.run(_explain, f, x, time_limit=time_limit, cheap=_cheap([f], 1))


def _explain(f: sympy.Expr, x: sympy.Symbol) -> Derivation:
    steps: list[Step] = []
    result = _derive(f, x, steps, 0)
    return Derivation(expression=f, variable=x, steps=steps, result=result)


def _derive(f: sympy.Expr, x: sympy.Symbol, steps: list[Step], depth: int) -> sympy.Expr:
    """d f/dx, appending the steps (outer first) and returning the derivative."""
    slot = len(steps)
    steps.append(Step("", f, f, depth))  # filled in below, after the inner steps are known

    def done(rule: str, result: sympy.Expr) -> sympy.Expr:
        steps[slot] = Step(rule, f, result, depth)
        return result

    if not f.has(x):
        return done("constant", sympy.Integer(0))
    if f == x:
        return done("power", sympy.Integer(1))
    if f.is_Add:
        return done("sum", sympy.Add(*[_derive(a, x, steps, depth + 1) for a in f.args]))
    if f.is_Mul:
        constant, variable_part = f.as_independent(x, as_Add=False)
        if constant != 1:
            return done("constant multiple", constant * _derive(variable_part, x, steps, depth + 1))
        numerator, denominator = f.as_numer_denom()
        if denominator.has(x) and numerator != 1:
            u_prime = _derive(numerator, x, steps, depth + 1)
            v_prime = _derive(denominator, x, steps, depth + 1)
            return done("quotient", (u_prime * denominator - numerator * v_prime) / denominator**2)
        u, *rest = f.args
        v = sympy.Mul(*rest)
        u_prime = _derive(u, x, steps, depth + 1)
        v_prime = _derive(v, x, steps, depth + 1)
        return done("product", u_prime * v + u * v_prime)
    if f.is_Pow:
        base, exponent = f.args
        if not exponent.has(x):
            if base == x:
                return done("power", exponent * x ** (exponent - 1))
            outer = exponent * base ** (exponent - 1)
            steps.append(Step("power", f, outer, depth + 1, with_respect_to=base))
            return done("chain", outer * _derive(base, x, steps, depth + 1))
        if not base.has(x):
            outer = f * sympy.log(base)
            if exponent == x:
                return done("exponential", outer)
            steps.append(Step("exponential", f, outer, depth + 1, with_respect_to=exponent))
            return done("chain", outer * _derive(exponent, x, steps, depth + 1))
        inner = exponent * sympy.log(base)  # f = exp(g log b): logarithmic differentiation
        return done("general power", f * _derive(inner, x, steps, depth + 1))
    if isinstance(f, sympy.Function) and len(f.args) == 1 and f.func in _FUNCTION_RULES:
        (u,) = f.args
        dummy = sympy.Dummy("u")
        outer = sympy.diff(f.func(dummy), dummy).subs(dummy, u)
        rule = _FUNCTION_RULES[f.func]
        if u == x:
            return done(rule, outer)
        # chain rule: the outer function's own rule is a step of its own, then the inside
        steps.append(Step(rule, f.func(u), outer, depth + 1, with_respect_to=u))
        return done("chain", outer * _derive(u, x, steps, depth + 1))
    return done("sympy", sympy.diff(f, x))  # anything else: SymPy's derivative, unexplained


def only_variable(expr: str | sympy.Expr, name: str = "expression") -> sympy.Symbol:
    """The one variable of an expression: its only free symbol, or ``x`` if it has none.

    Parameters
    ----------
    expr : str or sympy.Expr
        The expression (a string is parsed with :func:`parse`).
    name : str, optional
        What to call it in the error message (default ``"expression"``).

    Returns
    -------
    sympy.Symbol
        Its free symbol; ``x`` for a constant.

    Raises
    ------
    ValueError
        It has several free symbols (the message names them).

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.only_variable("t**2 + sin(t)")
    t
    >>> symbolic.only_variable("pi/2")
    x
    >>> symbolic.only_variable("x*y", "f")
    Traceback (most recent call last):
    ...
    ValueError: the f has several variables (x, y)
    """
    f = _expression(expr)
    free = sorted(f.free_symbols, key=str)
    if len(free) > 1:
        raise ValueError(f"the {name} has several variables ({', '.join(map(str, free))})")
    return free[0] if free else sympy.Symbol("x")
