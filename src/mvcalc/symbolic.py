"""Exact differentiation of maths written as text: a safe parser, SymPy underneath, rules explained.

Text such as ``"x^2*sin(x)"`` is read by :func:`parse`, which walks Python's own syntax tree of the
text (``ast.parse``) and accepts only the node types and names listed below, building SymPy objects
directly. Nothing is ever executed: there is no call of Python's evaluator on the text and no
SymPy string conversion, so ``"__import__('os')"`` is an error, not a program. Limits on length,
nesting, the size of numbers and of powers keep every refusal quick.

:func:`explain` then differentiates as a teacher writes it on the board, naming the rule used at
each step — constant, power, sum, constant multiple, product, quotient, chain, exponential, general
power, and the special functions (exp, log, sin, cos, …).
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "Derivation",
    "Step",
    "diff",
    "explain",
    "hessian",
    "jacobian",
    "parse",
    "parse_many",
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
MAX_RESULT_DIGITS = 1000  # digits of any number the parser builds

_ALLOWED_CHARACTERS = re.compile(r"[0-9A-Za-z_\s+\-*/^().,]*")


def _sigmoid(x: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-x))


def _log(x: sympy.Expr, base: sympy.Expr | None = None) -> sympy.Expr:
    return sympy.log(x) if base is None else sympy.log(x, base)


#: name → (SymPy constructor, allowed numbers of arguments)
FUNCTIONS: dict[str, tuple[Callable[..., Any], tuple[int, ...]]] = {
    "sin": (sympy.sin, (1,)),
    "cos": (sympy.cos, (1,)),
    "tan": (sympy.tan, (1,)),
    "sec": (sympy.sec, (1,)),
    "csc": (sympy.csc, (1,)),
    "cot": (sympy.cot, (1,)),
    "asin": (sympy.asin, (1,)),
    "acos": (sympy.acos, (1,)),
    "atan": (sympy.atan, (1,)),
    "arcsin": (sympy.asin, (1,)),
    "arccos": (sympy.acos, (1,)),
    "arctan": (sympy.atan, (1,)),
    "sinh": (sympy.sinh, (1,)),
    "cosh": (sympy.cosh, (1,)),
    "tanh": (sympy.tanh, (1,)),
    "asinh": (sympy.asinh, (1,)),
    "acosh": (sympy.acosh, (1,)),
    "atanh": (sympy.atanh, (1,)),
    "exp": (sympy.exp, (1,)),
    "log": (_log, (1, 2)),
    "ln": (sympy.log, (1,)),
    "sqrt": (sympy.sqrt, (1,)),
    "cbrt": (sympy.cbrt, (1,)),
    "abs": (sympy.Abs, (1,)),
    "sign": (sympy.sign, (1,)),
    "sigmoid": (_sigmoid, (1,)),
}

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
    """Read a maths expression into SymPy, safely.

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
        comprehensions, statements — and for input over the limits: more than 1000 characters,
        nesting deeper than 50, numbers of more than 30 digits, powers beyond 1000 or results of
        more than 1000 digits. Every refusal is quick; nothing in the text is executed.
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
    """Turns an accepted syntax tree into SymPy, refusing everything else."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.nodes = 0

    def build(self, node: ast.AST, depth: int = 0) -> sympy.Expr:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ValueError(f"text: the expression has more than {MAX_NODES} parts")
        if depth > MAX_TREE_DEPTH:
            raise ValueError(f"text: the expression is nested deeper than {MAX_TREE_DEPTH}")
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.build(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            left = self.build(node.left, depth + 1)
            right = self.build(node.right, depth + 1)
            if isinstance(node.op, ast.Pow):
                return self._power(left, right, node)
            operation = _BINARY.get(type(node.op))
            if operation is None:
                raise _refuse(f"the operator {type(node.op).__name__}", node)
            return self._bounded(operation(left, right), node)
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

    def _name(self, node: ast.Name) -> sympy.Expr:
        name = node.id
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise _refuse(f"the function name {name!r} without an argument", node)
        if name.startswith("_") or len(name) > 32 or not name.isascii():
            raise _refuse(f"the name {name!r} (letters, digits and _ only, up to 32)", node)
        return sympy.Symbol(name)

    def _call(self, node: ast.Call, depth: int) -> sympy.Expr:
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
        args = [self.build(arg, depth + 1) for arg in node.args]
        return self._bounded(constructor(*args), node)

    def _power(self, base: sympy.Expr, exponent: sympy.Expr, node: ast.AST) -> sympy.Expr:
        if exponent.is_number:
            if not exponent.is_real:
                raise _refuse("a non-real exponent", node)
            if abs(exponent) > MAX_EXPONENT:
                raise _refuse(f"a power with exponent beyond ±{MAX_EXPONENT}", node)
            if base.is_Number and base != 0:
                digits = float(abs(exponent)) * math.log10(max(abs(float(base)), 1e-300))
                if abs(digits) > MAX_RESULT_DIGITS:
                    raise _refuse(f"a power of more than {MAX_RESULT_DIGITS} digits", node)
        return self._bounded(sympy.Pow(base, exponent), node)

    @staticmethod
    def _bounded(value: Any, node: ast.AST) -> sympy.Expr:
        """Refuse numbers grown too large (a long chain of products, say)."""
        if isinstance(value, sympy.Rational):
            if max(abs(value.p), abs(value.q)).bit_length() > MAX_RESULT_DIGITS * 3.33:
                raise _refuse(f"a number of more than {MAX_RESULT_DIGITS} digits", node)
        if not isinstance(value, sympy.Expr):
            raise _refuse("this construct", node)
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
        return sympy.Rational(Fraction(expr).numerator, Fraction(expr).denominator)
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
    out = [_symbol(v, name) for v in variables]
    if not out:
        raise ValueError(f"{name} must name at least one variable")
    if len(set(out)) != len(out):
        raise ValueError(f"{name} must not repeat a variable")
    return out


def diff(expr: str | sympy.Expr, *variables: str | sympy.Symbol) -> sympy.Expr:
    """Differentiate exactly; several variables differentiate in turn (∂²f/∂x∂y, …).

    Parameters
    ----------
    expr : str or sympy.Expr
        Text is read by :func:`parse`.
    *variables : str or sympy.Symbol
        With none, the expression's only variable (an error if it has several).

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.diff("x**2*sin(x)")
    x**2*cos(x) + 2*x*sin(x)
    >>> symbolic.diff("x^2*y^3", "x", "y")
    6*x*y**2
    """
    f = _expression(expr)
    if not variables:
        free = sorted(f.free_symbols, key=str)
        if len(free) > 1:
            names = ", ".join(map(str, free))
            raise ValueError(f"variables: the expression has several ({names}); name one")
        return sympy.Integer(0) if not free else sympy.diff(f, free[0])
    return sympy.diff(f, *[_symbol(v, "variables") for v in variables])


def jacobian(exprs: str | Sequence[str | sympy.Expr], variables: Any) -> sympy.Matrix:
    """The Jacobian matrix J[i, j] = ∂fᵢ/∂xⱼ of a list of expressions.

    Parameters
    ----------
    exprs : str or sequence of (str or sympy.Expr)
        A comma-separated string (``"u*v, u+v"``) or a list.
    variables : str or sequence
        ``"u,v"`` or ``["u", "v"]`` or Symbols: the columns' order.

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
        functions = [_expression(e, "exprs") for e in exprs]
    else:
        raise TypeError(f"exprs must be a string or a list of expressions, got {type(exprs)}")
    if not functions:
        raise ValueError("exprs must hold at least one expression")
    xs = _symbols(variables)
    return sympy.Matrix([[sympy.diff(f, x) for x in xs] for f in functions])


def hessian(expr: str | sympy.Expr, variables: Any) -> sympy.Matrix:
    """The Hessian matrix H[i, j] = ∂²f/∂xᵢ∂xⱼ.

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
    return sympy.Matrix([[sympy.diff(f, a, b) for b in xs] for a in xs])


def total_derivative(
    expr: str | sympy.Expr,
    t: str | sympy.Symbol,
    mapping: Mapping[Any, Any],
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
        ``{x: x_of_t, ...}``; keys are names or Symbols, values are expressions in t.

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
    substitutions = {_symbol(k, "mapping"): _expression(v, "mapping") for k, v in mapping.items()}
    if ts in substitutions:
        raise ValueError("mapping must not give t in terms of itself")
    total = sympy.diff(f, ts).subs(substitutions)
    for x, x_of_t in substitutions.items():
        total += sympy.diff(f, x).subs(substitutions) * sympy.diff(x_of_t, ts)
    return total


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
_FUNCTION_RULES = {
    sympy.exp: "exp", sympy.log: "log", sympy.sin: "sin", sympy.cos: "cos", sympy.tan: "tan",
    sympy.sec: "sec", sympy.csc: "csc", sympy.cot: "cot", sympy.asin: "asin",
    sympy.acos: "acos", sympy.atan: "atan", sympy.sinh: "sinh", sympy.cosh: "cosh",
    sympy.tanh: "tanh", sympy.asinh: "asinh", sympy.acosh: "acosh", sympy.atanh: "atanh",
    sympy.Abs: "abs", sympy.sign: "sign",
}  # fmt: skip


def explain(expr: str | sympy.Expr, variable: str | sympy.Symbol | None = None) -> Derivation:
    """Differentiate step by step, naming the rule used at each step.

    Parameters
    ----------
    expr : str or sympy.Expr
    variable : str or sympy.Symbol, optional
        Default: the expression's only variable.

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
        free = sorted(f.free_symbols, key=str)
        if len(free) > 1:
            raise ValueError("variable: the expression has several variables; name one")
        x = free[0] if free else sympy.Symbol("x")
    else:
        x = _symbol(variable)
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
