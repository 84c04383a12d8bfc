"""The ``mvcalc`` command line.

Each command is a thin layer over the library: it parses and checks its arguments, calls the
public API, prints a short report and writes a figure. Any bad input ends in one line on
standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

__all__ = ["main"]

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


class UsageError(Exception):
    """A problem with the command line, reported as one line and exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line on stderr (no usage block) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


# --------------------------------------------------------------------------------------------
# Argument types: each raises ArgumentTypeError with a message that says what was expected.
# --------------------------------------------------------------------------------------------


def _int_at_least(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected an integer >= {low}, got {value}")
        return value

    parse.__name__ = f"integer >= {low}"
    return parse


def _finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _figure_path(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() not in FIGURE_SUFFIXES:
        raise argparse.ArgumentTypeError(
            f"expected a file name ending in {', '.join(FIGURE_SUFFIXES)}, got {text!r}"
        )
    return path


def _save(fig: object, path: Path) -> None:
    from matplotlib.figure import Figure

    assert isinstance(fig, Figure)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=150)
    except OSError as exc:
        raise UsageError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc
    print(f"figure written to {path}")


# --------------------------------------------------------------------------------------------
# mvcalc backprop
# --------------------------------------------------------------------------------------------


def _add_backprop(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser(
        "backprop",
        help="train the course's network to draw the heart curve",
        description=(
            "Train a 1-n1-...-2 network on the course's heart curve by stochastic steepest "
            "descent, with Jacobians from the chain rule, and draw the progress of training."
        ),
    )
    p.add_argument(
        "--hidden",
        nargs="+",
        type=_int_at_least(1),
        default=[6, 7],
        metavar="N",
        help="hidden layer widths (default: 6 7)",
    )
    p.add_argument("--iterations", type=_int_at_least(0), default=10000, help="default: 10000")
    p.add_argument("--aggression", type=_finite_float, default=7.0, help="default: 7")
    p.add_argument("--noise", type=_finite_float, default=1.0, help="default: 1")
    p.add_argument("--seed", type=_int_at_least(0), default=0, help="default: 0")
    p.add_argument("--points", type=_int_at_least(1), default=100, help="points on the curve")
    p.add_argument("--activation", choices=["sigmoid", "tanh", "relu"], default="sigmoid", help="σ")
    p.add_argument("--record-every", type=_int_at_least(1), default=100, metavar="K")
    p.add_argument("--out", type=_figure_path, default=Path("backprop.png"), help="figure file")
    p.set_defaults(run=_run_backprop)


def _run_backprop(args: argparse.Namespace) -> int:
    import numpy as np

    from mvcalc import datasets, plots
    from mvcalc.nn import Network

    x, y = datasets.heart_curve(args.points)
    rng = np.random.default_rng(args.seed)  # one stream: the initialisation, then the noise
    sizes = [1, *args.hidden, 2]
    net = Network(sizes, activation=args.activation, seed=rng)
    history = net.train(
        x,
        y,
        iterations=args.iterations,
        aggression=args.aggression,
        noise=args.noise,
        seed=rng,
        record_every=args.record_every,
        progress=True,
    )
    print(
        f"network       {'-'.join(map(str, sizes))} ({net.n_parameters} parameters, "
        f"{args.activation})"
    )
    print(f"initial cost  {history.initial_cost:.6g}")
    print(f"final cost    {history.final_cost:.6g}")
    print(
        f"time          {history.seconds:.3f} s for {history.iterations:,} steps "
        f"({history.steps_per_second:,.0f} steps/s)"
    )
    if not history.converged:
        print(f"warning: {history.message}", file=sys.stderr)
    _save(plots.training_curves(history), args.out)
    return 0


# --------------------------------------------------------------------------------------------


def build_parser() -> _Parser:
    """The ``mvcalc`` argument parser, with one sub-command per topic."""
    from mvcalc import __version__

    parser = _Parser(
        prog="mvcalc",
        description="The multivariate calculus of machine learning, verified.",
    )
    parser.add_argument("--version", action="version", version=f"mvcalc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    _add_backprop(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``mvcalc`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit status.

    Examples
    --------
    >>> main(["backprop", "--iterations", "-1"])  # the error goes to stderr as one line
    2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already reported
        return exc.code if isinstance(exc.code, int) else 2
    try:
        status: int = args.run(args)
    except (UsageError, ValueError, TypeError) as exc:
        print(f"mvcalc {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"mvcalc {args.command}: interrupted", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
