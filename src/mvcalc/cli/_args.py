"""What every command shares: the parser class, argument types, and printing helpers.

Nothing here imports NumPy-heavy modules, SymPy or matplotlib at import time: building the
parser must stay fast (``mvcalc --help``). The helpers that need SymPy import it when called.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import re
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn, overload

from mvcalc import _validate

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")

#: The type of ``parser.add_subparsers(...)``, which each command module adds its commands to.
Subparsers = argparse._SubParsersAction  # argparse has no public name for it


class UsageError(Exception):
    """A problem with the command line, reported as one line and exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but an error is one line on stderr (no usage block) and exit status 2.

    Values such as ``-1.2,1`` (a start point) are values, not options.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-[0-9.][0-9.,eE+-]*$")

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


class LazyChoices(Sequence[str]):
    """A tuple of choices that lives in a heavier module, loaded only when argparse looks at it.

    argparse reads ``choices`` when it checks a value given on the command line, formats an
    error, or shows the command's own help: never while the parser is built, as long as the
    argument has a ``metavar``. So ``mvcalc --help`` does not load the module.
    """

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self._name = name

    def _values(self) -> tuple[str, ...]:
        values: tuple[str, ...] = getattr(importlib.import_module(self._module), self._name)
        return values

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._values()[index]

    def __len__(self) -> int:
        return len(self._values())

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __contains__(self, value: object) -> bool:
        return value in self._values()


# --------------------------------------------------------------------------------------------
# Argument types: each raises ArgumentTypeError with a message that says what was expected.
# --------------------------------------------------------------------------------------------


def int_at_least(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argument type: an integer ``>= low`` (and ``<= high``, the documented upper bound)."""
    wanted = f"an integer >= {low}" if high is None else f"an integer from {low} to {high:,}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text[:40]!r}") from None
        shown = str(value) if abs(value) < 10**30 else f"a number of {len(text.strip())} digits"
        if value < low:
            raise argparse.ArgumentTypeError(f"expected an integer >= {low}, got {shown}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"expected an integer <= {high}, got {shown}")
        return value

    parse.__name__ = wanted
    return parse


def _number(text: str) -> float:
    """A number written as a decimal (``-1.5e3``) or as maths (``sqrt(2/3)``, ``pi/4``, ``2^10``).

    Plain decimals are read directly; anything else goes through mvcalc's safe parser (never
    eval, within its size and time limits) and must come out a real, finite number. Raises
    ArgumentTypeError saying what was expected.
    """
    try:
        return _decimal(text)
    except ValueError:
        pass
    items = _parsed(text, "a number")
    if len(items) != 1:
        raise argparse.ArgumentTypeError(
            f"expected one number, got {len(items)} in {text.strip()[:40]!r}"
        )
    return _value(items[0], text)


def _decimal(text: str) -> float:
    """A plain decimal, checked finite; ValueError for anything that is not a decimal."""
    value = float(text)
    try:
        return _validate.finite_float(value, "the number")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a finite number, got {text.strip()[:40]!r}"
        ) from None


def _parsed(text: str, wanted: str) -> list[Any]:
    """The comma-separated expressions of ``text``, by the safe parser."""
    from mvcalc import symbolic

    try:
        return symbolic.parse_many(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"expected {wanted}, got {text.strip()[:40]!r} ({_reason(exc)}; numbers are "
            "written like 0.5, -2 or pi/4)"
        ) from None


def _value(expr: Any, text: str) -> float:
    """The value of a parsed numeric expression as a float, checked real and finite."""
    from mvcalc import symbolic
    from mvcalc._budget import TooCostly

    shown = repr(text.strip()[:40])
    if expr.free_symbols:
        names = ", ".join(sorted(str(s) for s in expr.free_symbols))
        raise argparse.ArgumentTypeError(
            f"expected a number, got {shown} (it has the variable {names}; numbers are written "
            "like 0.5, -2 or pi/4)"
        )
    try:
        return float(symbolic.evaluate(expr, {}, simplify=False, name=shown).value)
    except TooCostly:
        raise argparse.ArgumentTypeError(f"{shown} takes too long to evaluate") from None
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a real, finite number: {exc}") from None


def _reason(exc: Exception) -> str:
    """The parser's message without its ``text:`` prefix."""
    message = str(exc)
    return message[len("text: ") :] if message.startswith("text: ") else message


def finite_float(text: str) -> float:
    """An argument type: a finite number, written as a decimal or as maths (``pi/4``)."""
    return _number(text)


def positive_float(text: str) -> float:
    """An argument type: a finite number > 0."""
    value = finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def figure_path(text: str) -> Path:
    """An argument type: a file name with a figure's suffix."""
    path = Path(text)
    if path.suffix.lower() not in FIGURE_SUFFIXES:
        raise argparse.ArgumentTypeError(
            f"expected a file name ending in {', '.join(FIGURE_SUFFIXES)}, got {text!r}"
        )
    return path


def number_list(text: str) -> list[float]:
    """One number, or several separated by commas; each a decimal or maths (``pi/4,1``)."""
    parts = [part for part in text.split(",") if part.strip()]
    try:
        return [_decimal(part) for part in parts]
    except ValueError:  # not all plain decimals: maths, read as one comma-separated list
        pass
    return [_value(e, text) for e in _parsed(text, "numbers like -1.2,1")]


def vector(text: str) -> list[float]:
    """At least one number: ``-1.2,1`` or ``pi/4,sqrt(2)``."""
    values = number_list(text)
    if not values:
        raise argparse.ArgumentTypeError(f"expected numbers like -1.2,1, got {text!r}")
    return values


def pair(text: str) -> tuple[float, float]:
    """An interval ``a,b`` with a < b (each a decimal or maths: ``0,pi``)."""
    values = number_list(text)
    if len(values) != 2:
        raise argparse.ArgumentTypeError(f"expected two numbers like 0,1, got {text!r}")
    a, b = values
    if not a < b:
        raise argparse.ArgumentTypeError(f"expected a < b, got {text!r}")
    return a, b


def names(text: str) -> list[str]:
    """Comma-separated variable names: "u,v" → ["u", "v"]."""
    out = [part.strip() for part in text.split(",")]
    for name in out:
        if not name.isidentifier() or name.startswith("_"):
            raise argparse.ArgumentTypeError(f"expected names like u,v, got {text!r}")
        if out.count(name) > 1:
            raise argparse.ArgumentTypeError(f"{name} is given twice in {text!r}")
    return out


def point(text: str) -> dict[str, str]:
    """Assignments "x=1.5,y=pi/2" → {"x": "1.5", "y": "pi/2"} (values parsed safely later)."""
    out = {}
    for part in text.split(","):
        name, eq, value = part.partition("=")
        if not eq or not name.strip().isidentifier() or not value.strip():
            raise argparse.ArgumentTypeError(
                f"expected name=value pairs like x=1,y=2, got {text!r}"
            )
        if name.strip() in out:
            raise argparse.ArgumentTypeError(f"{name.strip()} is given twice in {text!r}")
        out[name.strip()] = value.strip()
    return out


def values(
    at: dict[str, str], needed: set[object], allowed: set[object] | None = None
) -> dict[object, object]:
    """Substitutions for SymPy from --at, each value parsed safely and checked to be a number.

    Every name in ``needed`` must be given; a name outside ``allowed`` (default: ``needed``) is
    refused, so that a misspelt or constant name is never silently ignored.
    """
    import sympy

    from mvcalc import symbolic

    allowed = needed if allowed is None else allowed | needed
    subs: dict[object, object] = {}
    variables = sorted(str(s) for s in allowed)
    for name, text in at.items():
        if sympy.Symbol(name) not in allowed:
            if name in ("pi", "E", "e", "I", "oo"):
                raise UsageError(f"argument --at: {name} is a constant, not a variable")
            which = ", ".join(variables) if variables else "none"
            raise UsageError(
                f"argument --at: {name} is not a variable of the expression (its variables: "
                f"{which})"
            )
        value = symbolic.parse(text)
        if value.free_symbols or not value.is_number or not value.is_real:
            raise UsageError(f"argument --at: {name}={text} is not a real number")
        subs[sympy.Symbol(name)] = value
    missing = sorted(str(s) for s in needed if s not in subs)
    if missing:
        raise UsageError(f"argument --at: give a value for {', '.join(missing)}")
    return subs


# --------------------------------------------------------------------------------------------
# Printing and saving
# --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _without_units() -> Iterator[None]:
    """While pretty-printing, let SymPy's printer skip loading ``sympy.physics.units``.

    SymPy's pretty printer imports ``sympy.physics.units`` (about 0.1–0.2 s, a third of
    ``mvcalc diff``'s run) only to ask whether a factor is a ``Quantity``. The parser never
    builds one, so while no module has loaded the units, a stand-in whose ``Quantity`` nothing
    is an instance of gives the same answer; it is removed afterwards, so a later real import
    loads the real module.
    """
    name = "sympy.physics.units"
    if name in sys.modules:
        yield
        return
    stand_in = types.ModuleType(name, "a stand-in while mvcalc's CLI pretty-prints")
    stand_in.Quantity = type("Quantity", (), {})  # type: ignore[attr-defined]
    sys.modules[name] = stand_in
    try:
        yield
    finally:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]


def pretty(expr: object, order: str | None = None) -> str:
    """SymPy's pretty (Unicode) form; ``order="rev-lex"`` puts the lowest powers first."""
    import sympy

    with _without_units():
        return str(sympy.pretty(expr, use_unicode=True, order=order))


def inline(expr: object) -> str:
    """The pretty form when it fits on one line, else SymPy's plain one-line form."""
    import sympy

    text = pretty(expr)
    return text if "\n" not in text else sympy.sstr(expr)


def show(label: str, expr: object, order: str | None = None) -> None:
    """Print 'label expr', aligning a multi-line pretty form under the label."""
    lines = pretty(expr, order).splitlines()
    pad = " " * len(label)
    middle = len(lines) // 2
    for i, line in enumerate(lines):
        print((label if i == middle else pad) + line)


def save(fig: object, path: Path) -> None:
    """Write a matplotlib figure; a file that cannot be written is the user's problem."""
    from matplotlib.figure import Figure

    assert isinstance(fig, Figure)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=150)
    except OSError as exc:
        raise UsageError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc
    print(f"figure written to {path}")
