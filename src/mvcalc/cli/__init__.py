"""The ``mvcalc`` command line: argument parsing and printing only.

Each command is a thin layer over the library, in one module per group of commands
(:mod:`~mvcalc.cli.course`, :mod:`~mvcalc.cli.fit`, :mod:`~mvcalc.cli.symbolic`,
:mod:`~mvcalc.cli.series_optimize`, :mod:`~mvcalc.cli.sandpit`, :mod:`~mvcalc.cli.grade`): it
parses and checks its arguments, calls the public API, prints a short report and writes a figure.

Two kinds of failure are told apart:

* the user's mistake — a bad argument found by argparse, by the CLI (:class:`UsageError`), or
  by mvcalc's own argument checks (a ``ValueError``/``TypeError`` raised in mvcalc's source) —
  is one line on standard error and exit status 2, never a traceback;
* anything else — an unexpected exception from inside the library, NumPy or SymPy — is a bug:
  the traceback, a line asking for a bug report, and exit status 1.

Building the parser imports neither SymPy, matplotlib nor the lab, so ``mvcalc --help`` is fast;
each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import sys
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from mvcalc._budget import time_limit
from mvcalc.cli import course, fit, grade, sandpit, series_optimize, symbolic
from mvcalc.cli._args import Parser, UsageError, positive_float

__all__ = ["UsageError", "build_parser", "main"]

#: mvcalc's source folder: a ValueError or TypeError raised by code in it is an argument check.
_SOURCE = Path(__file__).resolve().parent.parent


def build_parser() -> Parser:
    """The ``mvcalc`` argument parser, with one sub-command per topic.

    Returns
    -------
    argparse.ArgumentParser
        Its sub-commands carry their handler as the default ``run``.

    Examples
    --------
    >>> from mvcalc.cli import build_parser
    >>> args = build_parser().parse_args(["diff", "x**2", "--wrt", "x"])
    >>> args.command, args.wrt, args.time_limit
    ('diff', 'x', 10.0)
    """
    from mvcalc import __version__

    parser = Parser(
        prog="mvcalc",
        description="The multivariate calculus of machine learning, verified.",
    )
    parser.add_argument("--version", action="version", version=f"mvcalc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    course.add(sub)
    fit.add(sub)
    symbolic.add(sub)
    series_optimize.add(sub)
    sandpit.add(sub)
    grade.add(sub)
    for command in sub.choices.values():  # every command: one budget for its symbolic work
        if command.get_default("serves"):  # a server: a budget for each request instead
            command.add_argument("--time-limit", type=positive_float, default=5.0,
                                 metavar="SECONDS", help="the most time the mathematics of one "
                                 "request may take on the lab's pages (default: 5)")  # fmt: skip
            continue
        command.add_argument(
            "--time-limit",
            type=positive_float,
            default=10.0,
            metavar="SECONDS",
            help="the most time symbolic work (SymPy) may take, in all (default: 10)",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``mvcalc`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The words after ``mvcalc``.

    Returns
    -------
    int
        0 on success; 1 when a method did not converge or on a bug in mvcalc (with its
        traceback); 2 for a mistake in the command line (one line on stderr); 130 when
        interrupted.

    Examples
    --------
    >>> main(["backprop", "--iterations", "-1"])  # the error goes to stderr as one line
    2
    """
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(_expressions_not_options(parser, words))
    except SystemExit as exc:  # --help, --version, or a usage error already reported
        return exc.code if isinstance(exc.code, int) else 2
    try:
        # a server's requests have limits of their own: one block for its whole life would leave
        # them no time at all after the first --time-limit seconds
        serves = getattr(args, "serves", False)
        limit = contextlib.nullcontext() if serves else time_limit(args.time_limit)
        with warnings.catch_warnings(), limit:
            warnings.simplefilter("ignore")  # NumPy's and SymPy's warnings never reach the terminal
            status: int = args.run(args)
    except UsageError as exc:
        return _fail(args.command, str(exc))
    except (ValueError, TypeError) as exc:
        if _raised_by_mvcalc(exc.__traceback__):
            return _fail(args.command, str(exc))
        return _bug(words)
    except (OverflowError, FloatingPointError):
        return _fail(args.command, "a number became too large for a float (overflow)")
    except ZeroDivisionError:
        return _fail(args.command, "a division by zero: the input is undefined there")
    except MemoryError:
        return _fail(args.command, "not enough memory for this request: choose smaller sizes")
    except RecursionError:
        return _fail(args.command, "the input is nested too deeply")
    except KeyboardInterrupt:
        print(f"mvcalc {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`mvcalc … | head`): stop quietly, as cat does
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception:
        return _bug(words)
    return status


def _raised_by_mvcalc(tb: TracebackType | None) -> bool:
    """Whether the innermost frame of a traceback is in mvcalc's own source (an argument check),
    rather than in NumPy, SymPy, the standard library or a user's function."""
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    try:
        path = Path(tb.tb_frame.f_code.co_filename).resolve()
    except (OSError, ValueError):  # e.g. "<string>"
        return False
    return path.is_relative_to(_SOURCE)


def _fail(command: str, message: str) -> int:
    """One line on standard error, exit status 2."""
    line = " ".join(message.split())  # one line, whatever the message held
    print(f"mvcalc {command}: error: {line}", file=sys.stderr)
    return 2


def _bug(words: list[str]) -> int:
    """An unexpected exception: its traceback, a request for a bug report, exit status 1."""
    from mvcalc import __version__

    traceback.print_exc(file=sys.stderr)
    command = shlex.join(["mvcalc", *words])
    print(
        f"mvcalc: internal error: this is a bug in mvcalc, not a mistake in your input. Please "
        f"report it to the mvcalc developers with the command line ({command}), the version "
        f"(mvcalc {__version__}) and the traceback above.",
        file=sys.stderr,
    )
    return 1


def _expressions_not_options(parser: argparse.ArgumentParser, words: list[str]) -> list[str]:
    """Let an expression start with a minus sign: ``mvcalc minimize "-x**2"``.

    argparse takes any word that starts with "-" for an option. A word that starts with a single
    "-" but is not one of the options any command defines is maths (``-x**2``, ``-sin(x)``), so
    it is given a leading space, which argparse reads as a value and the parser ignores.
    """
    known = {"--"}
    stack = [parser]
    while stack:
        p = stack.pop()
        for action in p._actions:
            known.update(action.option_strings)
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())
    out = []
    for word in words:
        is_option = word.split("=", 1)[0] in known or word.startswith("--")
        if word.startswith("-") and not is_option:
            word = " " + word
        out.append(word)
    return out
