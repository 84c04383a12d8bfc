"""Exact differentiation of maths written as text: a safe parser, SymPy underneath, rules explained.

Text such as ``"3x^2 + 2x"`` or ``"x^2*sin(x)"`` is read by :func:`parse` as a learner writes it:
products side by side (``2x``, ``(x+1)(x-1)``, ``2 sin(x)``), Greek letters (θ, λ, μ, σ, …) and the
signs of printed maths (``x²``, ``√x``, ``⋅``, ``−``). The parser first cuts the text into tokens —
numbers, names, operators, brackets — in one pass, puts ``*`` where a product is written side by
side, refuses what it cannot read with a message in the learner's words that says where
(:class:`ParseError`), and only then walks Python's own syntax tree of the result (``ast.parse``),
accepting only the node types and names listed below and building SymPy objects directly. Nothing
is ever executed: there is no call of Python's evaluator on the text and no SymPy string
conversion, so ``"__import__('os')"`` is an error, not a program. Limits on the text and on what
it builds — the size of every number and the total degree, checked before SymPy builds them —
keep every refusal quick and every accepted expression of bounded size. :func:`parse_equations`
reads ``x^2 + y^2 = 1`` as x² + y² − 1 (constraints); everywhere else ``=`` is refused.

Variables are real. The parser's symbols are plain SymPy symbols (``sympy.Symbol("x")`` is the
parser's x), and every derivative is taken as for real variables: d|x|/dx is sign(x), never a
formula in re(x) and im(x). :func:`derivative_at` decides at a point whether a derivative exists
(|x| has a corner at 0), and :func:`second_derivative_test` says what the Hessian's eigenvalues
say there (minimum, maximum, saddle, or inconclusive). Variables are matched by name, and where
none are given for a Jacobian or a Hessian they are taken in alphabetical order.

:func:`explain` then differentiates as a teacher writes it on the board, naming the rule used at
each step — constant, power, sum, constant multiple, product, quotient, chain, exponential, general
power, and the special functions (exp, log, sin, cos, …) — and :func:`total_derivative` writes
the multivariate chain rule out term by term.

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
import dataclasses
import itertools
import keyword
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
    "GREEK",
    "ChainTerm",
    "Derivation",
    "Evaluation",
    "NotDifferentiable",
    "ParseError",
    "SecondDerivativeTest",
    "Step",
    "TooCostly",
    "TotalDerivative",
    "derivative_at",
    "determinant",
    "diff",
    "eigenvalues",
    "evaluate",
    "explain",
    "get_time_limit",
    "hessian",
    "jacobian",
    "only_variable",
    "parse",
    "parse_equations",
    "parse_many",
    "second_derivative_test",
    "set_time_limit",
    "simpler",
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
MAX_NAME = 32  # characters of one name

#: Work below this estimate runs in this process; above it, in a worker under the time limit
#: (see :func:`_cheap`): no cost for ordinary small input, and at most about 0.2 s of SymPy
#: (measured over random expressions of the parser's grammar, with SymPy's cache cleared).
CHEAP_WORK = 400


#: name → (SymPy constructor, allowed numbers of arguments), from the one table of
#: elementary functions (:mod:`mvcalc._functions`)
FUNCTIONS: dict[str, tuple[Callable[..., Any], tuple[int, ...]]] = _functions.parser_names()

#: names that stand for constants
CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "e": sympy.E, "E": sympy.E}

#: Greek letters, read as the names SymPy prints as those letters (θ is ``theta``); π is the
#: constant pi
GREEK: dict[str, str] = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "µ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta",
    "Λ": "Lambda", "Ξ": "Xi", "Σ": "Sigma", "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi",
    "Ω": "Omega",
}  # fmt: skip

#: each Greek name → its letter, for showing a point as the learner wrote it (theta = pi/4 is
#: shown θ = pi/4)
_GREEK_LETTERS: dict[str, str] = {}
for _letter, _name in GREEK.items():
    _GREEK_LETTERS.setdefault(_name, _letter)
_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _display(symbol: Any) -> str:
    """A variable's name as the learner writes it: θ for theta, λ₁ for lambda_1."""
    name = str(symbol)
    match = re.fullmatch(r"([A-Za-z]+)(_?)(\d*)", name)
    if match is None or match.group(1) not in _GREEK_LETTERS or match.group(1) == "pi":
        return name
    digits = match.group(3)
    return _GREEK_LETTERS[match.group(1)] + (
        digits.translate(_SUBSCRIPT_DIGITS)
        if match.group(2) and digits
        else match.group(2) + digits
    )


#: the symbols of printed maths, read as the operators they stand for
_OPERATOR_SIGNS = {"⋅": "*", "·": "*", "×": "*", "∗": "*", "−": "-", "÷": "/", "∕": "/"}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+", strict=True))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉", "0123456789", strict=True))
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_GREEK_TAIL = re.compile(r"_?[0-9]+")
_KEYWORD_STAND_IN = "_lambda"  # Python reserves "lambda"; the parser reads it as a name

#: what a character the parser does not read means, said in the learner's words
_CHARACTER_HINTS = {
    "[": "square brackets are not used: group with ( )",
    "]": "square brackets are not used: group with ( )",
    "{": "braces are not used: group with ( )",
    "}": "braces are not used: group with ( )",
    "|": "write abs(x) for |x|",
    "!": "factorials are not available",
    "<": "inequalities are not available",
    ">": "inequalities are not available",
    "≤": "inequalities are not available",
    "≥": "inequalities are not available",
    "'": "quotes are not maths",
    '"': "quotes are not maths",
    ".": "a dot belongs only in a number such as 0.5",
    ";": "one expression at a time; separate several with commas",
    ":": "colons are not maths",
    "%": "write a percentage as a number (5% is 0.05)",
    "\\": "backslashes are not maths",
}

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


class ParseError(ValueError):
    """Maths text the parser refuses: what is wrong (``reason``) and where (``position``).

    ``str(error)`` is one line for a learner: ``cannot read "3x^^2": two operators in a row,
    '^' then '^' (at position 4)``. ``position`` counts characters of ``text`` from 1 (None
    when the whole text is at fault).
    """

    def __init__(self, text: str, reason: str, position: int | None = None) -> None:
        self.text = text
        self.reason = reason
        self.position = position
        super().__init__(_parse_message(text, reason, position))

    def __reduce__(self) -> tuple[Any, ...]:
        return (ParseError, (self.text, self.reason, self.position))


def _parse_message(text: str, reason: str, position: int | None) -> str:
    """``cannot read "<text, or the part of it around position>": reason (at position n)``."""
    shown = "".join(
        " " if ch.isspace() else ch if ch.isprintable() else "?" for ch in text
    )  # one line, character for character
    if len(shown) > 60:
        centre = 0 if position is None else position - 1
        start = max(0, min(centre - 25, len(shown) - 50))
        end = min(len(shown), start + 50)
        shown = ("…" if start else "") + shown[start:end] + ("…" if end < len(shown) else "")
    where = "" if position is None else f" (at position {position})"
    return f'cannot read "{shown}": {reason}{where}'


@dataclass(frozen=True)
class _Token:
    """One piece of maths text: its kind, how Python reads it, and where it is in the text.

    Kinds: ``number``, ``name`` (a variable or constant), ``function`` (a name in
    :data:`FUNCTIONS`), ``op`` (``+ - * / **``), ``(``, ``)``, ``,``, ``=`` and ``root``
    (the sign √, made a call of sqrt before Python reads the text). ``start`` and ``end`` are
    0-based positions in the text; ``space`` says whether whitespace came before the token;
    ``letter`` marks a name written as one letter (x, θ), which may stand before ``(`` as a
    factor, ``x(x + 1)``.
    """

    kind: str
    text: str
    start: int
    end: int
    space: bool = False
    letter: bool = False


def _operand_end(token: _Token | None) -> bool:
    return token is not None and token.kind in ("number", "name", ")")


def _operand_start(token: _Token | None) -> bool:
    return token is not None and token.kind in ("number", "name", "function", "(", "root")


def _tokens(text: str) -> list[_Token]:
    """The tokens of ``text``: numbers, names, operators and brackets, in the learner's
    notation (Unicode operators, Greek letters, superscript powers, subscripts), each checked.

    One pass over at most :data:`MAX_LENGTH` characters: linear time, bounded memory.
    """
    if len(text) > MAX_LENGTH:
        raise ParseError(text, f"it is {len(text)} characters long; the limit is {MAX_LENGTH}")
    if not text.strip():
        raise ParseError(text, "the expression is empty")
    out: list[_Token] = []
    i, n, space = 0, len(text), False

    def add(kind: str, python: str, start: int, end: int, letter: bool = False) -> None:
        nonlocal space
        out.append(_Token(kind, python, start, end, space, letter))
        space = False

    while i < n:
        ch = text[i]
        if ch.isspace():
            space = True
            i += 1
        elif (ch.isdigit() and ch.isascii()) or (ch == "." and text[i + 1 : i + 2].isdigit()):
            match = _NUMBER.match(text, i)
            assert match is not None
            if max(len(run) for run in re.findall(r"\d+", match.group())) > MAX_DIGITS:
                raise ParseError(text, f"a number with more than {MAX_DIGITS} digits", i + 1)
            add("number", match.group(), i, match.end())
            i = match.end()
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            match = _NAME.match(text, i)
            assert match is not None
            end = match.end()
            name, end = _with_subscript(text, match.group(), end)
            _check_name(text, name, i)
            kind = "function" if name in FUNCTIONS else "name"
            if name == "lambda":
                name = _KEYWORD_STAND_IN
            add(kind, name, i, end, letter=len(match.group()) == 1)
            i = end
        elif ch in GREEK:
            name = GREEK[ch]
            tail = _GREEK_TAIL.match(text, i + 1)
            end = i + 1
            if tail:
                name, end = name + tail.group(), tail.end()
            name, end = _with_subscript(text, name, end)
            _check_name(text, name, i)
            add("name", _KEYWORD_STAND_IN if name == "lambda" else name, i, end, letter=True)
            i = end
        elif ch in "+-*/^" or ch in _OPERATOR_SIGNS:
            sign = _OPERATOR_SIGNS.get(ch, ch)
            if sign == "*" and text[i + 1 : i + 2] == "*":
                add("op", "**", i, i + 2)
                i += 2
            else:
                add("op", "**" if sign == "^" else sign, i, i + 1)
                i += 1
        elif ch in "(),":
            add(ch, ch, i, i + 1)
            i += 1
        elif ch == "=":
            end = i + 2 if text[i + 1 : i + 2] == "=" else i + 1
            add("=", "=", i, end)
            i = end
        elif ch in _SUPERSCRIPTS:
            end = i
            while end < n and text[end] in _SUPERSCRIPTS:
                end += 1
            power = "".join(_SUPERSCRIPTS[c] for c in text[i:end])
            sign, digits = (power[0], power[1:]) if power[0] in "+-" else ("", power)
            if not digits.isdigit() or "-" in digits or "+" in digits:
                raise ParseError(text, f"the superscript {text[i:end]} is not a power", i + 1)
            if len(digits) > MAX_DIGITS:
                raise ParseError(text, f"a number with more than {MAX_DIGITS} digits", i + 1)
            add("op", "**", i, i)
            if sign:
                add("(", "(", i, i)
                add("op", sign, i, i)
            add("number", digits, i, end)
            if sign:
                add(")", ")", end, end)
            i = end
        elif ch == "√":
            add("root", "sqrt", i, i + 1)
            i += 1
        else:
            hint = _CHARACTER_HINTS.get(ch, "it is not part of the maths mvcalc reads")
            raise ParseError(text, f"the character {ch!r}: {hint}", i + 1)
    return _implicit_products(text, out)


def _with_subscript(text: str, name: str, end: int) -> tuple[str, int]:
    """A name followed by subscript digits (x₁, λ₂) is the name with ``_`` and the digits."""
    start = end
    while end < len(text) and text[end] in _SUBSCRIPTS:
        end += 1
    if end == start:
        return name, end
    return name + "_" + "".join(_SUBSCRIPTS[c] for c in text[start:end]), end


def _check_name(text: str, name: str, start: int) -> None:
    if name.startswith("_"):
        raise ParseError(text, f"the name {name[:40]!r}: a name starts with a letter", start + 1)
    if len(name) > MAX_NAME:
        raise ParseError(
            text, f"the name {name[:40]!r}: names have at most {MAX_NAME} characters", start + 1
        )
    if keyword.iskeyword(name) and name != "lambda":
        raise ParseError(text, f"{name!r} is a word Python reserves: choose another name",
                         start + 1)  # fmt: skip


def _implicit_products(text: str, tokens: list[_Token]) -> list[_Token]:
    """The tokens with ``*`` put where the learner multiplies by writing side by side.

    ``2x``, ``2 sin(x)``, ``(x+1)(x-1)``, ``x(x+1)`` (a one-letter name before ``(``), ``x y``
    (a space between names) are products. Refused, with the reading to write instead: a number
    after something else (``x 2``, ``(x)2``), a function without its parentheses (``sin x``,
    ``sin^2(x)``), a longer name before ``(`` that is no function (``foo(x)``), and a product
    written right after ``^`` or ``/`` (``e^2x``, ``1/2x``: which is meant is not clear).
    """
    out: list[_Token] = []
    for k, token in enumerate(tokens):
        previous = out[-1] if out else None
        if previous is not None and previous.kind == "function" and token.kind != "(":
            raise _bare_function(text, previous, token)
        if previous is not None and previous.kind == "root":
            out.pop()
            out.extend(_root(text, previous, token, tokens[k + 1] if k + 1 < len(tokens) else None))
            continue
        if _operand_end(previous) and _operand_start(token):
            assert previous is not None
            if token.kind == "number":
                if previous.kind == "number":
                    pair = text[previous.start : token.end]
                    raise ParseError(text, f"two numbers in a row, {pair!r}: write * between "
                                     "them, or no space", token.start + 1)  # fmt: skip
                raise ParseError(
                    text, f"a number after {text[previous.start:previous.end]!r}: write the number "
                    f"first (2x) or put * or ^ between them", token.start + 1,
                )  # fmt: skip
            if (
                previous.kind == "name"
                and token.kind == "("
                and not (previous.letter or previous.text in CONSTANTS)
            ):
                known = ", ".join(sorted(FUNCTIONS))
                name = text[previous.start : previous.end]
                raise ParseError(
                    text, f"{name!r} is not a function mvcalc knows (it knows {known}); for a "
                    f"product, write {name}*(…)", previous.start + 1,
                )  # fmt: skip
            if not token.space and previous.kind in ("number", "name"):
                _check_unambiguous(text, out, token)
            out.append(_Token("op", "*", token.start, token.start))
        out.append(token)
    if out and out[-1].kind == "function":
        raise _bare_function(text, out[-1], None)
    if out and out[-1].kind == "root":
        raise ParseError(text, "√ needs something after it: √x or √(x + 1)", out[-1].start + 1)
    return out


def _bare_function(text: str, function: _Token, after: _Token | None) -> ParseError:
    name = text[function.start : function.end]
    if after is not None and after.kind == "op" and after.text == "**":
        return ParseError(text, f"write {name}(x)^2 for a power of {name}, not {name}^2(x)",
                          function.start + 1)  # fmt: skip
    return ParseError(
        text,
        f"write {name}(…) with parentheses: a function's argument goes in brackets",
        function.start + 1,
    )


def _root(text: str, root: _Token, token: _Token, following: _Token | None) -> list[_Token]:
    """√(…) is sqrt(…); √x and √2 are sqrt(x) and sqrt(2); √x² is refused (√(x²) or (√x)²)."""
    if token.kind == "(":
        return [_Token("function", "sqrt", root.start, root.end, root.space), token]
    if token.kind in ("number", "name"):
        if following is not None and following.kind == "op" and following.text == "**":
            raise ParseError(text, "write √(x^2) or (√x)^2: which is meant is not clear",
                             root.start + 1)  # fmt: skip
        return [_Token("function", "sqrt", root.start, root.end, root.space),
                _Token("(", "(", token.start, token.start), token,
                _Token(")", ")", token.end, token.end)]  # fmt: skip
    raise ParseError(text, "√ needs something after it: √x or √(x + 1)", root.start + 1)


def _check_unambiguous(text: str, done: list[_Token], token: _Token) -> None:
    """Refuse a product written right after ``^`` or ``/`` without a space: ``e^2x``
    (e^(2x) or e²·x?) and ``1/2x`` (1/(2x) or x/2?)."""
    k = len(done) - 2  # the token before the number or name that the product starts from
    while (
        k >= 1
        and done[k].kind == "op"
        and done[k].text in "+-"
        and (done[k - 1].kind in ("op", "(", ",", "="))
    ):
        k -= 1  # a sign in front: e^-2x
    if k < 0 or done[k].kind != "op" or done[k].text not in ("**", "/"):
        return
    sign = text[done[k].start : done[k].end]
    first = text[done[k].end : done[-1].end].strip()
    second = {"(": "(…)", "function": f"{token.text}(…)"}.get(
        token.kind, text[token.start : token.end]
    )
    what = "the power" if done[k].text == "**" else "the divisor"
    raise ParseError(
        text, f"{sign}{first}{second} is ambiguous: write {sign}({first}{second}) if {what} is "
        f"{first}{second}, or {sign}{first}*{second}", done[k].start + 1,
    )  # fmt: skip


def _describe(token: _Token, text: str) -> str:
    return repr(text[token.start : token.end] or token.text)


def _check_structure(text: str, tokens: list[_Token], equations: bool, lists: bool) -> None:
    """Brackets balanced and nested at most :data:`MAX_DEPTH` deep; no operator without
    something on each side; commas and ``=`` where they are allowed. Each refusal says where."""
    depth = 0
    opened: list[_Token] = []
    for k, token in enumerate(tokens):
        previous = tokens[k - 1] if k else None
        following = tokens[k + 1] if k + 1 < len(tokens) else None
        if token.kind == "(":
            depth += 1
            opened.append(token)
            if depth > MAX_DEPTH:
                raise ParseError(text, f"parentheses nested deeper than {MAX_DEPTH}",
                                 token.start + 1)  # fmt: skip
            if following is not None and following.kind == ")":
                raise ParseError(text, "empty parentheses", token.start + 1)
        elif token.kind == ")":
            if depth == 0:
                raise ParseError(text, "this ')' has no '(' before it", token.start + 1)
            depth -= 1
            opened.pop()
        elif token.kind == "op":
            binary = _operand_end(previous)
            if not binary and token.text not in "+-":
                where = "at the start" if previous is None else f"after {_describe(previous, text)}"
                raise ParseError(text, f"{_describe(token, text)} {where}: something is "
                                 "missing before it", token.start + 1)  # fmt: skip
            if following is None:
                raise ParseError(text, f"the expression ends with {_describe(token, text)}: "
                                 "something is missing after it", token.start + 1)  # fmt: skip
            if following.kind == "op" and following.text not in "+-":
                raise ParseError(
                    text, f"two operators in a row, {_describe(token, text)} then "
                    f"{_describe(following, text)}: something is missing between them",
                    following.start + 1,
                )  # fmt: skip
            if not _operand_start(following) and following.kind != "op":
                raise ParseError(text, f"nothing after {_describe(token, text)}",
                                 token.start + 1)  # fmt: skip
        elif token.kind in (",", "="):
            if token.kind == "," and depth == 0 and not lists:
                raise ParseError(
                    text, "a comma: one expression is expected here (write a decimal with a "
                    "point, 2.5)", token.start + 1,
                )  # fmt: skip
            if token.kind == "=" and not equations:
                raise ParseError(
                    text, "'=' makes an equation, and an expression is expected here: for "
                    "f = g write f - g", token.start + 1,
                )  # fmt: skip
            if token.kind == "=" and depth:
                raise ParseError(text, "'=' inside parentheses", token.start + 1)
            if not _operand_end(previous) or not (
                _operand_start(following) or (following is not None and following.kind == "op")
            ):
                side = "before" if not _operand_end(previous) else "after"
                raise ParseError(text, f"nothing {side} this {token.text!r}", token.start + 1)
    if opened:
        raise ParseError(text, "this '(' is never closed", opened[-1].start + 1)


def _split(tokens: list[_Token], kind: str) -> list[list[_Token]]:
    """The tokens cut at ``kind`` (``,`` or ``=``) outside parentheses."""
    parts: list[list[_Token]] = [[]]
    depth = 0
    for token in tokens:
        depth += (token.kind == "(") - (token.kind == ")")
        if token.kind == kind and depth == 0:
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _source(tokens: list[_Token]) -> tuple[str, list[int]]:
    """The Python text of the tokens, and for each of its characters the position in the
    learner's text (for messages)."""
    pieces: list[str] = []
    positions: list[int] = []
    for token in tokens:
        if pieces:
            pieces.append(" ")
            positions.append(token.start)
        pieces.append(token.text)
        positions.extend([token.start] * len(token.text))
    return "".join(pieces), positions


def _read(text: str, *, lists: bool, equations: bool) -> list[tuple[list[_Token], ...]]:
    """The text's expressions as token lists: one per comma-separated item, each a pair
    (left, right) for an equation ``left = right``, else a 1-tuple."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    tokens = _tokens(text)
    _check_structure(text, tokens, equations, lists)
    items = _split(tokens, ",") if lists else [tokens]
    out: list[tuple[list[_Token], ...]] = []
    for item in items:
        sides = _split(item, "=")
        if len(sides) > 2:
            second = [t for t in item if t.kind == "="][1]
            raise ParseError(text, "two '=' in one equation", second.start + 1)
        out.append(tuple(sides))
    return out


def parse(text: str) -> sympy.Expr:
    """Read a maths expression into SymPy, safely and within size limits.

    What is read:

    - numbers (``2``, ``0.5``, ``1e-3``; decimals become exact fractions), ``+ − * /``, powers
      ``^`` or ``**``, parentheses, the functions in :data:`FUNCTIONS` and the constants ``pi``
      (or π) and ``e``;
    - variables: a name of letters, digits and ``_`` (up to 32 characters, starting with a
      letter) is ONE variable, so ``xy`` and ``x1`` are names; a Greek letter is a name (θ is
      ``theta``, λ is ``lambda``, as SymPy prints them), and so is a letter with subscript
      digits (x₁ is ``x_1``);
    - products written side by side, as learners write them: ``2x``, ``3x^2``, ``2 sin(x)``,
      ``(x+1)(x-1)``, ``sin(x)cos(x)``, a one-letter name before a bracket (``x(x+1)``), and a
      space between names (``x y`` is x·y). The product binds like ``*``: ``2x^2`` is 2·x²;
    - the signs of printed maths: ``⋅ · ×`` (times), ``−`` (minus), ``÷``, superscript powers
      (``x²``, ``x⁻¹``) and ``√`` (``√x``, ``√(x+1)``).

    Refused, with the way to write what was meant: a function without its brackets (``sin x``;
    ``sin^2(x)``, which is ``sin(x)^2``), a longer name before a bracket that is no function
    (``foo(x)``, which may be a misspelt function: write ``foo*(x)`` for a product), a number
    after something else (``x 2``), a product right after ``^`` or ``/`` (``e^2x``: write
    ``e^(2x)`` or ``e^2*x``; ``1/2x``: write ``1/(2x)`` or ``x/2``), ``=`` (an equation: see
    :func:`parse_equations`), and anything else.

    Parameters
    ----------
    text : str

    Returns
    -------
    sympy.Expr
        Its variables are plain SymPy symbols; mvcalc differentiates them as real variables
        (:func:`diff`).

    Raises
    ------
    ParseError
        A ``ValueError`` saying what cannot be read and where, in words for a learner (``cannot
        read "3x^^2": two operators in a row, '^' then '^' … (at position 4)``). Also for
        input over the limits, which bound both the text and what it builds:

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

        Every refusal is quick (one pass over the text, then Python's syntax tree of it, which
        is only read, never run): nothing in the text is executed.
    TypeError
        If ``text`` is not a string.

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.parse("x^2*sin(x) + 1.5")
    x**2*sin(x) + 3/2
    >>> symbolic.parse("3x^2 + 2x"), symbolic.parse("(x+1)(x-1)"), symbolic.parse("2 sin(θ)")
    (3*x**2 + 2*x, (x - 1)*(x + 1), 2*sin(theta))
    >>> symbolic.parse("__import__('os')")
    Traceback (most recent call last):
    mvcalc.symbolic.ParseError: cannot read "__import__('os')": the name '__import__': a name starts with a letter (at position 1)
    >>> try:
    ...     symbolic.parse("(x^1000)^1000")
    ... except ValueError as error:
    ...     print(error)
    cannot read "(x^1000)^1000": an expression of total degree 1,000,000 (the limit is 1000) (at position 1)
    """  # noqa: E501
    ((tokens,),) = _read(text, lists=False, equations=False)
    return _Builder(text).build(tokens)


def parse_many(text: str) -> list[sympy.Expr]:
    """Read a comma-separated list of expressions, such as ``"u*v, u + v"``.

    Each is read as by :func:`parse`.

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.parse_many("u*v, u + v")
    [u*v, u + v]
    """
    builder = _Builder(text if isinstance(text, str) else "")
    return [builder.build(tokens) for (tokens,) in _read(text, lists=True, equations=False)]


def parse_equations(text: str) -> list[sympy.Expr]:
    """Read comma-separated equations, each as the expression that is zero: ``a = b`` is a − b.

    An expression alone, g, means g = 0. This is how constraints are written
    (:func:`mvcalc.lagrange`): ``"x^2 + y^2 = 1"`` is x² + y² − 1 = 0. ``==`` is read as ``=``;
    an equation has one ``=``.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of sympy.Expr
        Left side minus right side, one per equation.

    Raises
    ------
    ParseError
        As :func:`parse`, and for ``a = b = c``.

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.parse_equations("x^2 + y^2 = 1, x + y")
    [x**2 + y**2 - 1, x + y]
    >>> symbolic.parse_equations("2x = y")
    [2*x - y]
    """
    builder = _Builder(text if isinstance(text, str) else "")
    out = []
    for sides in _read(text, lists=True, equations=True):
        if len(sides) == 1:
            out.append(builder.build(sides[0]))
        else:
            out.append(builder.difference(sides[0], sides[1]))
    return out


class _Refusal(Exception):
    """Raised inside the builder; :meth:`_Builder.build` turns it into a :class:`ParseError`
    at the node's position in the learner's text."""

    def __init__(self, what: str, node: ast.AST | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.node = node


def _refuse(what: str, node: ast.AST | None = None) -> _Refusal:
    return _Refusal(what, node)


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
        self.source = ""
        self.positions: list[int] = []
        self.nodes = 0

    def build(self, tokens: list[_Token]) -> sympy.Expr:
        expr, _ = self._tree(tokens)
        return expr

    def difference(self, left: list[_Token], right: list[_Token]) -> sympy.Expr:
        """left − right, checked as a sum is."""
        a, d_a = self._tree(left)
        b, d_b = self._tree(right)
        self._source(right)
        try:
            _check_degree(max(d_a, d_b), None)
            return _checked(a - b, None)
        except _Refusal as refusal:
            raise self._error(refusal) from None

    def _source(self, tokens: list[_Token]) -> str:
        self.source, self.positions = _source(tokens)
        return self.source

    def _tree(self, tokens: list[_Token]) -> tuple[sympy.Expr, float]:
        source = self._source(tokens)
        try:
            tree = ast.parse(source, mode="eval")
        except SyntaxError as exc:
            offset = (exc.offset or 1) - 1
            position = self.positions[min(offset, len(self.positions) - 1)] + 1
            raise ParseError(self.text, "this is not maths mvcalc can read", position) from None
        except (RecursionError, MemoryError, ValueError):
            raise ParseError(self.text, "the expression is too complex") from None
        try:
            return self._build(tree.body, 0)
        except _Refusal as refusal:
            raise self._error(refusal) from None

    def _error(self, refusal: _Refusal) -> ParseError:
        node = refusal.node
        position = None
        if isinstance(node, ast.expr) and self.positions:
            position = self.positions[min(node.col_offset, len(self.positions) - 1)] + 1
        return ParseError(self.text, refusal.what, position)

    def _build(self, node: ast.AST, depth: int) -> tuple[sympy.Expr, float]:
        """The SymPy object for ``node`` and its total degree."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _refuse(f"the expression has more than {MAX_NODES} parts")
        if depth > MAX_TREE_DEPTH:
            raise _refuse(f"the expression is nested deeper than {MAX_TREE_DEPTH}")
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
                raise _refuse("this operator is not available", node)
            additive = isinstance(node.op, ast.Add | ast.Sub)
            degree = max(d_left, d_right) if additive else d_left + d_right
            _check_degree(degree, node)
            return _checked(operation(left, right), node), degree
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        if isinstance(node, ast.Tuple):
            raise _refuse("several expressions inside one pair of parentheses", node)
        raise _refuse("this is not maths mvcalc can read", node)

    def _number(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _refuse("this is not a number", node)
        source = ast.get_source_segment(self.source, node) or repr(value)
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
        if name == _KEYWORD_STAND_IN:
            return sympy.Symbol("lambda"), 1.0
        if name in FUNCTIONS:
            raise _refuse(f"write {name}(…) with parentheses", node)
        if name.startswith("_") or len(name) > MAX_NAME or not name.isascii():
            raise _refuse(f"the name {name[:40]!r}", node)
        return sympy.Symbol(name), 1.0

    def _call(self, node: ast.Call, depth: int) -> tuple[sympy.Expr, float]:
        if not isinstance(node.func, ast.Name):
            raise _refuse("write * between the brackets for a product", node)
        name = node.func.id
        if name not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise _refuse(f"{name!r} is not a function mvcalc knows (it knows {known})", node)
        if node.keywords:
            raise _refuse("this is not maths mvcalc can read", node)
        constructor, counts = FUNCTIONS[name]
        if len(node.args) not in counts:
            wanted = " or ".join(map(str, counts))
            raise _refuse(f"{name} takes {wanted} argument(s), got {len(node.args)}", node)
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
            raise _refuse("a power with an exponent that is not a real number", node)
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


def _check_degree(degree: float, node: ast.AST | None) -> None:
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


def _check_power_digits(base: sympy.Expr, exponent: sympy.Rational, node: ast.AST | None) -> None:
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


def _checked(value: Any, node: ast.AST | None) -> sympy.Expr:
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
        try:  # the parser reads the name as in an expression: θ is theta, x₁ is x_1
            read = parse(text) if 0 < len(text) <= 2 * MAX_NAME else None
        except ValueError:
            read = None
        if not isinstance(read, sympy.Symbol):
            raise ValueError(f"{name} must be a variable name, got {variable!r}")
        return read
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


def _real_symbols(
    exprs: Iterable[Any],
) -> tuple[dict[sympy.Symbol, sympy.Symbol], dict[sympy.Symbol, sympy.Symbol]]:
    """Real stand-ins for the plain symbols of ``exprs``, and the way back.

    The parser's variables are plain SymPy symbols (so that ``sympy.Symbol("x")`` is the same
    x); derivatives are taken as for real variables, where ``|x|`` has the derivative
    ``sign(x)`` rather than a formula in ``re(x)`` and ``im(x)``. Symbols that already carry
    assumptions (``positive=True``) are kept as they are.
    """
    plain: set[sympy.Symbol] = set()
    for e in exprs:
        plain |= {s for s in e.free_symbols if type(s) is sympy.Symbol and s.is_real is None}
    forward = {s: sympy.Symbol(s.name, real=True) for s in plain}
    return forward, {v: k for k, v in forward.items()}


def _restored(value: Any, back: Mapping[sympy.Symbol, sympy.Symbol]) -> Any:
    return value.xreplace(back) if back else value


def _named(symbol: sympy.Symbol, among: Iterable[sympy.Basic]) -> sympy.Symbol:
    """The symbol of the expression that has ``symbol``'s name (whatever its assumptions), or
    ``symbol`` itself: variables are matched by name, as the learner names them."""
    for s in among:
        if isinstance(s, sympy.Symbol) and s.name == symbol.name:
            return s
    return symbol


def _free(exprs: Iterable[Any]) -> set[sympy.Symbol]:
    out: set[sympy.Symbol] = set()
    for e in exprs:
        out |= e.free_symbols
    return out


def _alphabetical(exprs: Iterable[Any]) -> list[sympy.Symbol]:
    """The variables of the expressions in alphabetical order (the one sensible default)."""
    return sorted(_free(exprs), key=lambda s: s.name)


def _diff(f: sympy.Expr, xs: list[sympy.Symbol]) -> sympy.Expr:
    forward, back = _real_symbols([f])
    result = sympy.diff(f.xreplace(forward), *[forward.get(x, x) for x in xs])
    return _restored(result, back)


def diff(
    expr: str | sympy.Expr,
    *variables: str | sympy.Symbol,
    time_limit: float | None = None,
) -> sympy.Expr:
    """Differentiate exactly; several variables differentiate in turn (∂²f/∂x∂y, …).

    Variables are real: the derivative of ``abs(x)`` is ``sign(x)``.

    Parameters
    ----------
    expr : str or sympy.Expr
        Text is read by :func:`parse`.
    *variables : str or sympy.Symbol
        With none, the expression's only variable (an error if it has several). At most
        :data:`MAX_DIFFERENTIATIONS` (100). Matched to the expression's symbols by name.
    time_limit : float, optional
        Seconds the work may take (default: see :func:`time_limit`).

    Returns
    -------
    sympy.Expr
        In the expression's own symbols. A variable the expression does not contain gives 0
        (a partial derivative); :func:`explain` says so instead.

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
    >>> symbolic.diff("abs(x)")
    sign(x)
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
        xs = [_named(_symbol(v, "variables"), f.free_symbols) for v in variables]
    return _budget.run(_diff, f, xs, time_limit=time_limit, cheap=_cheap([f], len(xs)))


def _jacobian(functions: list[sympy.Expr], xs: list[sympy.Symbol]) -> sympy.Matrix:
    forward, back = _real_symbols(functions)
    real = [forward.get(x, x) for x in xs]
    matrix = sympy.Matrix([[sympy.diff(f.xreplace(forward), x) for x in real] for f in functions])
    return _restored(matrix, back)


def _hessian(f: sympy.Expr, xs: list[sympy.Symbol]) -> sympy.Matrix:
    forward, back = _real_symbols([f])
    real = [forward.get(x, x) for x in xs]
    g = f.xreplace(forward)
    first = [sympy.diff(g, a) for a in real]
    return _restored(sympy.Matrix([[sympy.diff(d, b) for b in real] for d in first]), back)


def _variables_of(exprs: list[sympy.Expr], variables: Any) -> list[sympy.Symbol]:
    """The given variables matched by name to the expressions' symbols, or, if none are given,
    the expressions' variables in alphabetical order."""
    free = _free(exprs)
    if variables is None:
        xs = _alphabetical(exprs)
        if not xs:
            raise ValueError("variables: the expression has no variable; name them")
        if len(xs) > MAX_VARIABLES:
            raise ValueError(f"variables: more than {MAX_VARIABLES} variables; the limit is "
                             f"{MAX_VARIABLES}")  # fmt: skip
        return xs
    return [_named(x, free) for x in _symbols(variables)]


def jacobian(
    exprs: str | Sequence[str | sympy.Expr],
    variables: Any = None,
    *,
    time_limit: float | None = None,
) -> sympy.Matrix:
    """The Jacobian matrix J[i, j] = ∂fᵢ/∂xⱼ of a list of expressions.

    Parameters
    ----------
    exprs : str or sequence of (str or sympy.Expr)
        A comma-separated string (``"u*v, u+v"``) or a list; at most :data:`MAX_VARIABLES`
        (100) of them.
    variables : str or sequence, optional
        ``"u,v"`` or ``["u", "v"]`` or Symbols: the columns' order; at most
        :data:`MAX_VARIABLES` (100). Default: the expressions' variables in alphabetical order.
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
    >>> symbolic.jacobian("r*cos(θ), r*sin(θ)")  # variables r, theta: alphabetical
    Matrix([
    [cos(theta), -r*sin(theta)],
    [sin(theta),  r*cos(theta)]])
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
    xs = _variables_of(functions, variables)
    return _budget.run(_jacobian, functions, xs, time_limit=time_limit,
                       cheap=_cheap(functions, 1, len(xs)))  # fmt: skip


def hessian(
    expr: str | sympy.Expr, variables: Any = None, *, time_limit: float | None = None
) -> sympy.Matrix:
    """The Hessian matrix H[i, j] = ∂²f/∂xᵢ∂xⱼ.

    Parameters
    ----------
    expr : str or sympy.Expr
    variables : str or sequence, optional
        ``"x,y"`` or ``["x", "y"]`` or Symbols; at most :data:`MAX_VARIABLES` (100). Default:
        the expression's variables in alphabetical order.
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
    >>> symbolic.hessian("x^2 + 3y^2")
    Matrix([
    [2, 0],
    [0, 6]])
    """
    f = _expression(expr)
    xs = _variables_of([f], variables)
    return _budget.run(_hessian, f, xs, time_limit=time_limit,
                       cheap=_cheap([f], 2, len(xs) ** 2))  # fmt: skip


@dataclass(frozen=True)
class ChainTerm:
    """One term ∂f/∂xᵢ · dxᵢ/dt of the multivariate chain rule (:func:`total_derivative`).

    ``partial`` is ∂f/∂xᵢ in f's own variables, ``rate`` is dxᵢ/dt, and ``term`` is their
    product with every xⱼ written in terms of t.
    """

    variable: sympy.Symbol
    partial: sympy.Expr
    rate: sympy.Expr
    term: sympy.Expr


@dataclass(frozen=True)
class TotalDerivative:
    """df/dt = Σᵢ ∂f/∂xᵢ · dxᵢ/dt + ∂f/∂t, term by term (``total_derivative(...,
    full_output=True)``).

    Attributes
    ----------
    expression : sympy.Expr
        f.
    t : sympy.Symbol
    mapping : dict
        Each xᵢ → xᵢ(t).
    terms : list of ChainTerm
        One per xᵢ, in alphabetical order.
    direct : sympy.Expr
        ∂f/∂t with the xᵢ written in terms of t (0 when f has no t of its own).
    result : sympy.Expr
        The sum, as :func:`total_derivative` returns it.
    simplified : sympy.Expr
        A simpler form of the result, or the result itself.
    """

    expression: sympy.Expr
    t: sympy.Symbol
    mapping: dict[sympy.Symbol, sympy.Expr]
    terms: list[ChainTerm]
    direct: sympy.Expr
    result: sympy.Expr
    simplified: sympy.Expr

    def text(self) -> str:
        """The chain rule written out: the general sum, its factors, the terms, the result."""
        t = self.t
        d = "∂" if len(self.expression.free_symbols) > 1 else "d"
        given = ", ".join(f"{x} = {sympy.sstr(v)}" for x, v in self.mapping.items())
        lines = [f"d/d{t} [{sympy.sstr(self.expression)}]   with {given}"]
        names = [f"{d}f/{d}{c.variable} · d{c.variable}/d{t}" for c in self.terms]
        if self.direct != 0 or t in self.expression.free_symbols:
            names.append(f"∂f/∂{t}")
        lines.append("  = " + " + ".join(names))
        factors = [f"({sympy.sstr(c.partial)})·({sympy.sstr(c.rate)})" for c in self.terms]
        if len(names) > len(self.terms):
            factors.append(f"({sympy.sstr(sympy.diff(self.expression, t))})")
        lines.append("  = " + " + ".join(factors))
        lines.append(f"  = {sympy.sstr(self.result)}")
        if self.simplified != self.result:
            lines.append(f"  = {sympy.sstr(self.simplified)}")
        return "\n".join(lines)


def _total_derivative(
    f: sympy.Expr, ts: sympy.Symbol, substitutions: dict[sympy.Symbol, sympy.Expr]
) -> TotalDerivative:
    forward, back = _real_symbols([f, ts, *substitutions.values(), *substitutions])
    g, t = f.xreplace(forward), forward.get(ts, ts)
    subs = {forward.get(x, x): v.xreplace(forward) for x, v in substitutions.items()}
    direct = sympy.diff(g, t).subs(subs)
    total = direct
    terms = []
    for x, x_of_t in subs.items():
        partial = sympy.diff(g, x)
        rate = sympy.diff(x_of_t, t)
        term = partial.subs(subs) * rate
        total += term
        terms.append(ChainTerm(back.get(x, x), _restored(partial, back), _restored(rate, back),
                               _restored(term, back)))  # fmt: skip
    return TotalDerivative(
        expression=f, t=ts, mapping=dict(substitutions), terms=terms,
        direct=_restored(direct, back), result=_restored(total, back),
        simplified=_restored(total, back),
    )  # fmt: skip


def _simpler(expr: sympy.Expr) -> sympy.Expr:
    """A clearly simpler form of ``expr`` (common factors taken out, trigonometric identities),
    or ``expr`` itself: a form is taken only if it has at most 4/5 of the operations and no
    function the expression did not have. (SymPy's full ``simplify`` is not tried: it takes
    ten times as long and brings cosh into the derivative of sigmoid.)"""
    functions = {type(a) for a in expr.atoms(sympy.Function)}
    tried = [sympy.factor_terms(expr)]
    if expr.has(sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot):
        trig = sympy.trigsimp(expr)  # -sin(t)^2 + cos(t)^2 is cos(2t)
        tried += [trig, sympy.factor_terms(trig)]
    candidates = [c for c in tried if {type(a) for a in c.atoms(sympy.Function)} <= functions]
    if not candidates:
        return expr
    best = min(candidates, key=sympy.count_ops)
    return best if sympy.count_ops(best) <= 0.8 * sympy.count_ops(expr) else expr


#: seconds the simplification of a shown result may take; beyond, the result is shown as it is
SIMPLIFY_SECONDS = 2.0


def _tidy(expr: sympy.Expr, time_limit: float | None) -> sympy.Expr:
    """:func:`_simpler` in a worker under at most :data:`SIMPLIFY_SECONDS` (an overrun keeps
    ``expr``: a simpler form is a courtesy, never worth failing the call)."""
    seconds = SIMPLIFY_SECONDS if time_limit is None else min(time_limit, SIMPLIFY_SECONDS)
    forward, back = _real_symbols([expr])
    real = expr.xreplace(forward)
    try:
        simpler = _budget.run(_simpler, real, time_limit=seconds, cheap=_cheap([real], 1))
        return _restored(simpler, back)
    except TooCostly:
        return expr


def simpler(expr: str | sympy.Expr, *, time_limit: float | None = None) -> sympy.Expr:
    """A clearly simpler form of an expression, for showing a result, or the expression itself.

    Taking out common factors and trigonometric identities are tried, for real variables; a
    form is taken only if it has at most 4/5 of the operations and brings in no new function.
    The work stops after :data:`SIMPLIFY_SECONDS` (2 s), or ``time_limit`` if smaller, and then
    the expression is returned as it is.

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.simpler("-2*x**2*exp(-x**2) + exp(-x**2)")
    (1 - 2*x**2)*exp(-x**2)
    >>> symbolic.simpler("x**2*cos(x) + 2*x*sin(x)")  # no clearly simpler form
    x**2*cos(x) + 2*x*sin(x)
    """
    return _tidy(_expression(expr), time_limit)


def total_derivative(
    expr: str | sympy.Expr,
    t: str | sympy.Symbol,
    mapping: Mapping[Any, Any],
    *,
    full_output: bool = False,
    time_limit: float | None = None,
) -> Any:
    """df/dt when f's variables depend on t: Σᵢ ∂f/∂xᵢ · dxᵢ/dt + ∂f/∂t.

    "Differentiate with respect to anything": the multivariate chain rule of the course.

    Parameters
    ----------
    expr : str or sympy.Expr
        f(x₁, …, xₙ, t).
    t : str or sympy.Symbol
        The variable to differentiate with respect to.
    mapping : mapping
        ``{x: x_of_t, ...}``; keys are names or Symbols, values are expressions in t (not in
        the other xⱼ); at most :data:`MAX_VARIABLES` (100) of them.
    full_output : bool, optional
        Return the terms as well (a :class:`TotalDerivative`, whose ``.text()`` writes the
        chain rule out) instead of the result alone.
    time_limit : float, optional
        Seconds the work may take (default: see :func:`time_limit`).

    Returns
    -------
    sympy.Expr or TotalDerivative
        The total derivative, written in terms of t; with ``full_output=True``, the record of
        its terms.

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.total_derivative("x*y", "t", {"x": "cos(t)", "y": "sin(t)"})
    -sin(t)**2 + cos(t)**2
    >>> d = symbolic.total_derivative("x*y", "t", {"x": "cos(t)", "y": "sin(t)"},
    ...                               full_output=True)
    >>> [(c.variable, c.partial, c.rate) for c in d.terms]
    [(x, y, -sin(t)), (y, x, cos(t))]
    >>> print(d.text())
    d/dt [x*y]   with x = cos(t), y = sin(t)
      = ∂f/∂x · dx/dt + ∂f/∂y · dy/dt
      = (y)·(-sin(t)) + (x)·(cos(t))
      = -sin(t)**2 + cos(t)**2
      = cos(2*t)
    """
    f = _expression(expr)
    ts = _symbol(t, "t")
    if not isinstance(mapping, Mapping) or not mapping:
        raise ValueError("mapping must be a non-empty mapping {x: x_of_t, ...}")
    if len(mapping) > MAX_VARIABLES:
        raise ValueError(f"mapping: {len(mapping)} variables; the limit is {MAX_VARIABLES}")
    given = {_symbol(k, "mapping"): _expression(v, "mapping") for k, v in mapping.items()}
    everything = [f, *given.values()]
    ts = _named(ts, _free(everything))
    substitutions = {
        _named(x, f.free_symbols): v for x, v in sorted(given.items(), key=lambda kv: kv[0].name)
    }
    if any(x.name == ts.name for x in substitutions):
        raise ValueError("mapping must not give t in terms of itself")
    for x, v in substitutions.items():
        others = sorted(s.name for s in v.free_symbols if s in substitutions)
        if others:
            raise ValueError(
                f"mapping: {x} = {sympy.sstr(v)} uses {', '.join(others)}, which "
                f"depends on {ts} too; give each variable in terms of {ts} alone"
            )
    cheap = _cheap([f, *substitutions.values()], 1, len(substitutions) + 1)
    record = _budget.run(_total_derivative, f, ts, substitutions, time_limit=time_limit,
                         cheap=cheap)  # fmt: skip
    if not full_output:
        return record.result
    return dataclasses.replace(record, simplified=_tidy(record.result, time_limit))


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
        symbol = _named(_symbol(key, "point"), needed)
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
    where = ", ".join(f"{_display(k)} = {shown(v)}" for k, v in values.items())
    entries = list(target) if isinstance(target, sympy.MatrixBase) else [target]
    small = all(v.is_Rational and max(abs(int(v.p)), int(v.q)) < 10**6 for v in values.values())
    cheap = not simplify and small and _cheap(entries, 0)
    return _budget.run(_evaluate, target, values, bool(simplify), name, where,
                       time_limit=time_limit, cheap=cheap)  # fmt: skip


# --------------------------------------------------------------------------------------------
# At a point: the derivative where it exists, and what the Hessian says
# --------------------------------------------------------------------------------------------


class NotDifferentiable(ValueError):
    """f has no derivative at the point: a corner (the slopes from the left and the right
    differ), a jump, or a slope that grows without bound (:func:`derivative_at`)."""


#: functions whose derivative breaks where their argument is 0 (|u| has a corner there)
_KINKS = (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.DiracDelta)


def _vanishes(value: sympy.Expr) -> bool:
    if value.is_zero is not None:
        return bool(value.is_zero)
    return bool(sympy.simplify(value).is_zero)


def _kinked(exprs: Iterable[sympy.Expr], values: dict[sympy.Symbol, sympy.Expr]) -> bool:
    """Whether a function with a corner or a jump (abs, sign) meets its breaking point here."""
    for e in exprs:
        for node in sympy.preorder_traversal(e):
            if isinstance(node, _KINKS) and _vanishes(substitute(node.args[0], values)):
                return True
    return False


def _undefined(value: Any) -> bool:
    return bool(value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo))


def _finite_number(value: Any) -> bool:
    return (
        isinstance(value, sympy.Expr)
        and value.is_number
        and not _undefined(value)
        and not value.has(sympy.AccumBounds, sympy.Limit)
        and value.is_real is True
    )


def _derivative_at(
    f: sympy.Expr, x: sympy.Symbol, values: dict[sympy.Symbol, sympy.Expr], where: str,
    label: str, subject: str,
) -> Evaluation:  # fmt: skip
    from mvcalc._numeric import real_float

    forward, _ = _real_symbols([f, x])
    g, t = f.xreplace(forward), forward.get(x, x)
    point = {forward.get(k, k): v for k, v in values.items()}
    real_float(substitute(g, point, where), "f", where)  # f itself is defined there
    d = sympy.diff(g, t)
    exact = substitute(d, point, where)
    if not _kinked([g, d], point) and not _undefined(exact):
        return _evaluate(d, point, True, label, where)
    # a corner, a jump or a vertical tangent may be here: the one-sided limits decide. By the
    # mean value theorem, where f is continuous at x0 and differentiable beside it, the
    # one-sided derivatives are the one-sided limits of f'.
    others = {k: v for k, v in point.items() if k != t}
    x0 = point[t]
    g1, d1 = substitute(g, others), substitute(d, others)
    f0 = substitute(g1, {t: x0})
    try:
        sides = [sympy.limit(g1, t, x0, s) for s in "-+"]
        slopes = [sympy.limit(d1, t, x0, s) for s in "-+"]
    except (NotImplementedError, ValueError, TypeError, ArithmeticError):
        raise ValueError(
            f"whether {subject} is differentiable at {where} could not be "
            "decided (SymPy could not take the one-sided limits)"
        ) from None
    if not all(_finite_number(v) and _vanishes(v - f0) for v in sides):
        left_value, right_value = (sympy.sstr(v) for v in sides)
        tends = (
            f"it jumps: it tends to {left_value} from the left and {right_value} from the right"
            if not (_finite_number(sides[0] - sides[1]) and _vanishes(sides[0] - sides[1]))
            else f"it tends to {left_value} from both sides"
        )
        raise NotDifferentiable(
            f"{subject} is not differentiable at {where}: it is not continuous there ({tends}, "
            f"and is {sympy.sstr(f0)} there)"
        )
    left, right = slopes
    if _finite_number(left) and _finite_number(right):
        if _vanishes(left - right):
            value = sympy.simplify(left)
            return Evaluation(exact=value, value=real_float(value, label, where), where=where)
        raise NotDifferentiable(
            f"{subject} is not differentiable at {where}: its slope is {sympy.sstr(left)} from "
            f"the left and {sympy.sstr(right)} from the right (a corner)"
        )
    if any(v.has(sympy.oo, -sympy.oo, sympy.zoo) for v in slopes):
        raise NotDifferentiable(
            f"{subject} is not differentiable at {where}: its slope grows without bound there "
            "(a vertical tangent or a cusp)"
        )
    raise ValueError(f"whether {subject} is differentiable at {where} could not be decided "
                     f"(the slope near it: {sympy.sstr(left)}, {sympy.sstr(right)})")  # fmt: skip


def derivative_at(
    expr: str | sympy.Expr,
    point: Mapping[Any, Any],
    variable: str | sympy.Symbol | None = None,
    *,
    time_limit: float | None = None,
) -> Evaluation:
    """The derivative at a point, exactly, or why there is none.

    Where the expression has a corner or a jump (``abs``, ``sign``) at the point, or its
    derivative's formula is undefined there, the one-sided limits decide: equal finite slopes
    give the derivative (x·|x| has derivative 0 at 0), different ones a corner (|x| at 0),
    unbounded ones a vertical tangent (∛x at 0). Elsewhere the formula is evaluated, as
    :func:`evaluate` does.

    Parameters
    ----------
    expr : str or sympy.Expr
    point : mapping
        ``{"x": 0}``: a real value for every variable (see :func:`evaluate`).
    variable : str or sympy.Symbol, optional
        Default: the expression's only variable. With several, the partial derivative.
    time_limit : float, optional
        Seconds the work may take (default: see :func:`time_limit`).

    Returns
    -------
    Evaluation
        ``.exact``, ``.value`` and ``.where`` of df/dx at the point.

    Raises
    ------
    NotDifferentiable
        A ``ValueError``: "f is not differentiable at x = 0: its slope is -1 from the left
        and 1 from the right (a corner)".
    ValueError
        If f is undefined at the point, or a value is missing or not real.

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.derivative_at("abs(x)", {"x": 2}).exact
    1
    >>> symbolic.derivative_at("x*abs(x)", {"x": 0}).exact
    0
    >>> symbolic.derivative_at("abs(x)", {"x": 0})
    Traceback (most recent call last):
    mvcalc.symbolic.NotDifferentiable: f is not differentiable at x = 0: its slope is -1 from
    the left and 1 from the right (a corner)
    """
    from mvcalc._numeric import shown

    f = _expression(expr)
    x = only_variable(f) if variable is None else _named(_symbol(variable), f.free_symbols)
    values = _point(point, f.free_symbols | {x})
    where = ", ".join(f"{_display(k)} = {shown(v)}" for k, v in values.items())
    partial = len(f.free_symbols) > 1
    label = f"∂f/∂{_display(x)}" if partial else f"df/d{_display(x)}"
    subject = f"f (in {_display(x)})" if partial else "f"
    return _budget.run(_derivative_at, f, x, values, where, label, subject,
                       time_limit=time_limit)  # fmt: skip


def _eigenvalues(matrix: sympy.Matrix) -> list[sympy.Expr] | None:
    """The eigenvalues with their multiplicities, each simplified, in ascending order where
    they can be compared; None if SymPy finds no closed form for all of them."""
    found = matrix.eigenvals()
    if not isinstance(found, dict) or sum(found.values()) != matrix.shape[0]:
        return None
    out = [sympy.simplify(v) for v, k in found.items() for _ in range(int(k))]
    if all(v.is_number and v.is_real for v in out):
        out.sort(key=lambda v: float(sympy.N(v, 30)))
    return out


def eigenvalues(matrix: Any, *, time_limit: float | None = None) -> list[sympy.Expr] | None:
    """The eigenvalues of a square matrix, exactly, with their multiplicities.

    Parameters
    ----------
    matrix : sympy.Matrix
        Square, of numbers or of expressions.
    time_limit : float, optional
        Seconds the work may take (default: see :func:`time_limit`).

    Returns
    -------
    list of sympy.Expr or None
        Simplified, ascending when they are real numbers; None when SymPy has no closed form
        for them all (a 5×5 matrix, say).

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.eigenvalues(symbolic.hessian("x^2*y", "x,y").subs({"x": 1, "y": 1}))
    [1 - sqrt(5), 1 + sqrt(5)]
    >>> symbolic.eigenvalues(symbolic.hessian("x^2 + x*y + y^2"))
    [1, 3]
    """
    m = _square(matrix)
    forward, back = _real_symbols(list(m))
    found = _budget.run(_eigenvalues, m.xreplace(forward), time_limit=time_limit)
    return None if found is None else [_restored(v, back) for v in found]


def _determinant(matrix: sympy.Matrix) -> sympy.Expr:
    return sympy.factor_terms(sympy.simplify(matrix.det()))


def determinant(matrix: Any, *, time_limit: float | None = None) -> sympy.Expr:
    """The determinant of a square matrix, exactly, simplified.

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> symbolic.determinant(symbolic.jacobian("r*cos(θ), r*sin(θ)", "r,θ"))
    r
    """
    m = _square(matrix)
    forward, back = _real_symbols(list(m))
    return _restored(_budget.run(_determinant, m.xreplace(forward), time_limit=time_limit), back)


def _square(matrix: Any) -> sympy.Matrix:
    if not isinstance(matrix, sympy.MatrixBase):
        raise TypeError(f"matrix must be a SymPy Matrix, got {type(matrix).__name__}")
    rows, cols = matrix.shape
    if rows != cols or rows == 0:
        raise ValueError(f"matrix must be square, got shape {rows}×{cols}")
    if rows > MAX_VARIABLES:
        raise ValueError(f"matrix: {rows} rows; the limit is {MAX_VARIABLES}")
    return sympy.Matrix(matrix)


@dataclass(frozen=True)
class SecondDerivativeTest:
    """What the gradient and the Hessian say at a point (:func:`second_derivative_test`).

    Attributes
    ----------
    where : str
        The point, ``"x = 1, y = 0"``.
    gradient : sympy.Matrix
        ∇f there, exactly (a column).
    hessian : sympy.Matrix
        H there, exactly.
    eigenvalues : list of sympy.Expr or None
        H's eigenvalues exactly (ascending, with multiplicities), None without a closed form.
    values : ndarray
        The eigenvalues as floats, ascending.
    signs : tuple of int
        How many eigenvalues are positive, negative and zero, exactly: from the signs of the
        exact coefficients of H's characteristic polynomial (Descartes' rule of signs, exact
        for a symmetric matrix, whose eigenvalues are all real).
    stationary : bool
        Whether ∇f = 0 there (exactly).
    kind : str
        At a stationary point "minimum", "maximum", "saddle" or "degenerate" (an eigenvalue is
        0: the test is inconclusive); elsewhere "not stationary".
    curvature : str
        "positive definite", "negative definite", "indefinite", "positive semidefinite",
        "negative semidefinite" or "zero".
    """

    where: str
    gradient: sympy.Matrix
    hessian: sympy.Matrix
    eigenvalues: list[sympy.Expr] | None
    values: Any
    signs: tuple[int, int, int]
    stationary: bool
    kind: str
    curvature: str

    def text(self) -> str:
        """What the test says, in a sentence for a learner."""
        how = {
            "positive definite": "f curves upward in every direction",
            "negative definite": "f curves downward in every direction",
            "indefinite": "f curves up in some directions and down in others",
            "positive semidefinite": "f curves upward or not at all, depending on the direction",
            "negative semidefinite": "f curves downward or not at all, depending on the direction",
            "zero": "H is zero: the second derivatives say nothing",
        }[self.curvature]
        if self.kind == "minimum":
            return "∇f = 0 and every eigenvalue of H is positive: a local minimum"
        if self.kind == "maximum":
            return "∇f = 0 and every eigenvalue of H is negative: a local maximum"
        if self.kind == "saddle":
            return "∇f = 0 and H has eigenvalues of both signs: a saddle point"
        if self.kind == "degenerate":
            return ("∇f = 0 but an eigenvalue of H is 0: the second-derivative test is "
                    f"inconclusive (degenerate; {how})")  # fmt: skip
        return (f"∇f ≠ 0, so this is not a stationary point (neither a minimum, a maximum nor "
                f"a saddle); H is {self.curvature} here: {how}")  # fmt: skip


def _signs(coefficients: list[sympy.Expr]) -> tuple[int, int, int]:
    """(positive, negative, zero) roots of a polynomial whose roots are all real, from the
    exact signs of its coefficients (highest power first)."""
    signs = []
    for c in coefficients:
        s = sympy.sign(sympy.simplify(c))
        if not s.is_Integer:
            raise ValueError(f"the sign of {sympy.sstr(c)} cannot be decided exactly")
        signs.append(int(s))
    zero = 0
    while signs and signs[-1] == 0:
        signs.pop()
        zero += 1
    nonzero = [s for s in signs if s]
    positive = sum(1 for a, b in itertools.pairwise(nonzero) if a != b)
    return positive, len(coefficients) - 1 - zero - positive, zero


def _second_derivative_test(
    f: sympy.Expr, xs: list[sympy.Symbol], values: dict[sympy.Symbol, sympy.Expr], where: str
) -> SecondDerivativeTest:
    from mvcalc._numeric import real_float

    forward, back = _real_symbols([f, *xs])
    g = f.xreplace(forward)
    real = [forward.get(x, x) for x in xs]
    point = {forward.get(k, k): v for k, v in values.items()}
    gradient = sympy.Matrix([sympy.simplify(substitute(sympy.diff(g, x), point, where))
                             for x in real])  # fmt: skip
    first = [sympy.diff(g, a) for a in real]
    hessian = sympy.Matrix(
        [[sympy.simplify(substitute(sympy.diff(d, b), point, where)) for b in real]
         for d in first]
    )  # fmt: skip
    n = len(real)
    numbers = np.array([[real_float(hessian[i, j], f"H[{i}, {j}]", where) for j in range(n)]
                        for i in range(n)])  # fmt: skip
    for i in range(n):
        real_float(gradient[i], f"∂f/∂{xs[i]}", where)
    lam = sympy.Dummy("lambda")
    positive, negative, zero = _signs(hessian.charpoly(lam).all_coeffs())
    exact = _eigenvalues(hessian)
    if exact is not None and any(not v.is_real or len(sympy.sstr(v)) > 80 for v in exact):
        exact = None  # no readable closed form: the floats say it
    stationary = all(_vanishes(c) for c in gradient)
    curvature = (
        "zero" if zero == n else
        "positive definite" if positive == n else
        "negative definite" if negative == n else
        "indefinite" if positive and negative else
        "positive semidefinite" if positive else
        "negative semidefinite"
    )  # fmt: skip
    kind = (
        "not stationary" if not stationary else
        "minimum" if positive == n else
        "maximum" if negative == n else
        "saddle" if positive and negative else
        "degenerate"
    )  # fmt: skip
    return SecondDerivativeTest(
        where=where, gradient=_restored(gradient, back), hessian=_restored(hessian, back),
        eigenvalues=exact, values=np.linalg.eigvalsh(numbers), signs=(positive, negative, zero),
        stationary=stationary, kind=kind, curvature=curvature,
    )  # fmt: skip


def second_derivative_test(
    expr: str | sympy.Expr,
    point: Mapping[Any, Any],
    variables: Any = None,
    *,
    time_limit: float | None = None,
) -> SecondDerivativeTest:
    """What the Hessian's eigenvalues say at a point: minimum, maximum, saddle, or nothing.

    At a stationary point (∇f = 0): all eigenvalues positive, a local minimum; all negative,
    a local maximum; both signs, a saddle; a zero eigenvalue, inconclusive ("degenerate").
    At any other point the test does not apply, and the result says so, with the curvature
    that H describes there. Signs are decided exactly, never from rounded floats.

    Parameters
    ----------
    expr : str or sympy.Expr
    point : mapping
        ``{"x": 1, "y": "pi/2"}``: a real value for every variable.
    variables : str or sequence, optional
        The order of the variables (default: alphabetical).
    time_limit : float, optional
        Seconds the work may take (default: see :func:`time_limit`).

    Returns
    -------
    SecondDerivativeTest
        ``.kind``, ``.curvature``, ``.eigenvalues`` (exact), ``.values`` (floats),
        ``.gradient``, ``.hessian`` and ``.text()``.

    Examples
    --------
    >>> from mvcalc import symbolic
    >>> t = symbolic.second_derivative_test("x^3 - 3x + y^2", {"x": -1, "y": 0})
    >>> t.kind, t.eigenvalues
    ('saddle', [-6, 2])
    >>> print(t.text())
    ∇f = 0 and H has eigenvalues of both signs: a saddle point
    >>> symbolic.second_derivative_test("x^3 - 3x + y^2", {"x": 1, "y": 0}).kind
    'minimum'
    >>> symbolic.second_derivative_test("x^4 + y^2", {"x": 0, "y": 0}).kind
    'degenerate'
    """
    from mvcalc._numeric import shown

    f = _expression(expr)
    xs = _variables_of([f], variables)
    values = _point(point, set(xs) | f.free_symbols)
    where = ", ".join(f"{_display(k)} = {shown(v)}" for k, v in values.items())
    return _budget.run(_second_derivative_test, f, xs, values, where, time_limit=time_limit)


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
    """A derivative worked out rule by rule (:func:`explain`).

    ``result`` is the derivative as the rules build it; ``simplified`` is a clearly simpler
    form of it (common factors taken out, trigonometric identities), or ``result`` itself. The
    text writes ∂/∂x when the expression has several variables, d/dx when it has one.
    """

    expression: sympy.Expr
    variable: sympy.Symbol
    steps: list[Step] = field(repr=False)
    result: sympy.Expr
    simplified: sympy.Expr | None = None

    @property
    def partial(self) -> bool:
        """Whether the derivative is a partial one (the expression has several variables)."""
        return len(self.expression.free_symbols) > 1

    def text(self) -> str:
        """The derivation as indented plain text, one rule a line."""
        x = self.variable
        d = "∂" if self.partial else "d"
        width = max((len(s.rule) for s in self.steps), default=0) + 6
        lines = [f"{d}/{d}{x} [{sympy.sstr(self.expression)}]"]
        for s in self.steps:
            rule = f"{s.rule} rule:" if s.rule in _RULES_NAMED_RULE else f"{s.rule}:"
            by = f"{d}/{d}{x}" if s.with_respect_to is None else (
                f"d/d({sympy.sstr(s.with_respect_to)})")  # fmt: skip
            lines.append(
                f"{'  ' * (s.depth + 1)}{rule:<{width}} {by} [{sympy.sstr(s.expression)}]"
                f" = {sympy.sstr(s.result)}"
            )
        lines.append(f"= {sympy.sstr(self.result)}")
        if self.simplified is not None and self.simplified != self.result:
            lines.append(f"= {sympy.sstr(self.simplified)}")
        return "\n".join(lines)

    def latex(self) -> str:
        """The derivation as a LaTeX ``aligned`` block, the rule named beside each line."""
        x = sympy.latex(self.variable)
        d = r"\partial " if self.partial else "d"
        rows = []
        for s in self.steps:
            rule = f"{s.rule} rule" if s.rule in _RULES_NAMED_RULE else s.rule
            by = (
                rf"\frac{{{d}}}{{{d}{x}}}"
                if s.with_respect_to is None
                else rf"\frac{{d}}{{d\left({sympy.latex(s.with_respect_to)}\right)}}"
            )
            rows.append(
                rf"{by}\left({sympy.latex(s.expression)}\right) &= "
                rf"{sympy.latex(s.result)} && \text{{{rule}}}"
            )
        rows.append(rf"\frac{{{d}}}{{{d}{x}}}\left({sympy.latex(self.expression)}\right) &= "
                    rf"{sympy.latex(self.result)}")  # fmt: skip
        if self.simplified is not None and self.simplified != self.result:
            rows.append(rf"&= {sympy.latex(self.simplified)}")
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
        ``.simplified``, ``.text()`` and ``.latex()``.

    Raises
    ------
    ValueError
        If the expression has variables but not ``variable``: "x*y does not depend on t".
        Its derivative would be 0 only if x and y did not depend on t; when they do, the
        chain rule says how (:func:`total_derivative`).

    Notes
    -----
    The rules are those a learner uses: a quotient is a factor written as a division
    (``sin(x)/x``, ``x/(x+1)``), so ``x*exp(-x^2)`` is a product and a chain, although SymPy
    stores exp(−x²) as 1/exp(x²). Variables are real: d|u|/du = sign(u).

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
    >>> print(symbolic.explain("x*exp(-x^2)").text())
    d/dx [x*exp(-x**2)]
      product rule:  d/dx [x*exp(-x**2)] = -2*x**2*exp(-x**2) + exp(-x**2)
        power rule:  d/dx [x] = 1
        chain rule:  d/dx [exp(-x**2)] = -2*x*exp(-x**2)
          exp:       d/d(-x**2) [exp(-x**2)] = exp(-x**2)
          constant multiple rule: d/dx [-x**2] = -2*x
            power rule: d/dx [x**2] = 2*x
    = -2*x**2*exp(-x**2) + exp(-x**2)
    = (1 - 2*x**2)*exp(-x**2)
    """
    f = _expression(expr)
    if variable is None:
        x = only_variable(f)
    else:
        x = _named(_symbol(variable), f.free_symbols)
        if f.free_symbols and x not in f.free_symbols:
            names = ", ".join(sorted(s.name for s in f.free_symbols))
            verb = "depends" if len(f.free_symbols) == 1 else "depend"
            raise ValueError(
                f"{sympy.sstr(f)} does not depend on {x} (its variables: {names}), so its "
                f"derivative with respect to {x} is 0 unless {names} {verb} on {x}; if so, "
                f"give how with total_derivative (mvcalc total-derivative)"
            )
    derivation = _budget.run(_explain, f, x, time_limit=time_limit, cheap=_cheap([f], 1))
    return dataclasses.replace(derivation, simplified=_tidy(derivation.result, time_limit))


def _explain(f: sympy.Expr, x: sympy.Symbol) -> Derivation:
    steps: list[Step] = []
    result = _derive(f, x, steps, 0)
    return Derivation(expression=f, variable=x, steps=steps, result=result, simplified=result)


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
        # a quotient as the learner wrote it: factors with a negative power (x/(x+1)), not
        # exp(-u), which SymPy would call 1/exp(u)
        below = [a for a in f.args if a.is_Pow and a.exp.is_number and a.exp.is_negative]
        numerator = sympy.Mul(*[a for a in f.args if a not in below])
        denominator = sympy.Mul(*[a.base ** (-a.exp) for a in below])
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
        dummy = sympy.Dummy("u", real=True)  # real variables: d|u|/du = sign(u)
        outer = sympy.diff(f.func(dummy), dummy).subs(dummy, u)
        rule = _FUNCTION_RULES[f.func]
        if u == x:
            return done(rule, outer)
        # chain rule: the outer function's own rule is a step of its own, then the inside
        steps.append(Step(rule, f.func(u), outer, depth + 1, with_respect_to=u))
        return done("chain", outer * _derive(u, x, steps, depth + 1))
    return done("sympy", _diff(f, [x]))  # anything else: SymPy's derivative, unexplained


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
