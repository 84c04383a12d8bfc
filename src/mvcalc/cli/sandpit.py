"""``mvcalc sandpit``: the sandpit game, served on this machine."""

from __future__ import annotations

import argparse

from mvcalc.cli._args import LazyChoices, Parser, Subparsers, UsageError, int_at_least

# mvcalc.sandpit (the game engine, with contourpy) loads only when a choice is checked or shown
SCENARIOS = LazyChoices("mvcalc.sandpit", "SCENARIOS")
MODES = LazyChoices("mvcalc.sandpit", "MODES")


def add(sub: Subparsers[Parser]) -> None:
    """Add ``sandpit`` and ``lab``."""
    lab = sub.add_parser("lab", help="the course's interactive pages in your browser",
                         description="Serve the lab: a page for every topic of the course "
                         "(rise over run, Taylor series, the sandpit, backpropagation live, "
                         "Newton-Raphson, gradient descent, Lagrange multipliers, the heights "
                         "fit). Served on this machine only (127.0.0.1) unless --host says "
                         "otherwise.")  # fmt: skip
    _where(lab)
    lab.set_defaults(run=run_lab, serves=True)

    s = sub.add_parser("sandpit", help="play the sandpit game in your browser",
                       description="Find the deepest point of a hidden sandpit floor by probing "
                       "its depth or slope, or by sending workers with a strategy. Served on "
                       "this machine only (127.0.0.1) unless --host says otherwise.")  # fmt: skip
    s.add_argument("--scenario", choices=SCENARIOS, default="bowl", metavar="NAME",
                   help="one of %(choices)s (default: bowl)")  # fmt: skip
    s.add_argument(
        "--seed",
        type=int_at_least(0, 2**31 - 1),
        default=None,
        help="0 to 2147483647 (default: random)",
    )
    s.add_argument("--mode", choices=MODES, default="depth", metavar="MODE",
                   help="one of %(choices)s (default: depth)")  # fmt: skip
    s.add_argument("--strategy", default=None, metavar="FILE.py:FUNC",
                   help="your own next_step(f, J, H) -> step, for the workers")  # fmt: skip
    _where(s)
    s.set_defaults(run=run_sandpit, serves=True)


def _where(p: Parser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine only)")
    p.add_argument("--port", type=int_at_least(0, 65535), default=0, help="default: 0, a free port")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")


def run_lab(args: argparse.Namespace) -> int:
    """Serve the lab's home page until interrupted."""
    from mvcalc.lab.server import serve

    serve(host=args.host, port=args.port, open_browser=not args.no_browser,
          announce=lambda line: print(line, flush=True), time_limit=args.time_limit)  # fmt: skip
    return 0


def run_sandpit(args: argparse.Namespace) -> int:
    """Serve the lab's sandpit page until interrupted."""
    from mvcalc.lab.server import serve
    from mvcalc.sandpit import load_strategy

    if args.port > 65535:
        raise UsageError(f"--port must be at most 65535, got {args.port}")
    strategy = load_strategy(args.strategy) if args.strategy is not None else None
    serve(host=args.host, port=args.port, open_browser=not args.no_browser,
          announce=lambda line: print(line, flush=True), page="sandpit",
          time_limit=args.time_limit, scenario=args.scenario,
          seed=args.seed, mode=args.mode, strategy=strategy)  # fmt: skip
    return 0
