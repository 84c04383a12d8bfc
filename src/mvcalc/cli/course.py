"""``mvcalc backprop`` and ``mvcalc heights``: the course's two assignments."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from mvcalc.cli._args import (
    Parser,
    Subparsers,
    UsageError,
    figure_path,
    finite_float,
    int_at_least,
    save,
)
from mvcalc.regression import COURSE_AGGRESSION, METHODS


def add(sub: Subparsers[Parser]) -> None:
    """Add ``backprop`` and ``heights``."""
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
        type=int_at_least(1, 10_000),
        default=[6, 7],
        metavar="N",
        help="hidden layer widths (default: 6 7)",
    )
    p.add_argument(
        "--iterations",
        type=int_at_least(0, 1_000_000),
        default=10000,
        help="default: 10000 (at most 1,000,000)",
    )
    p.add_argument("--aggression", type=finite_float, default=7.0, help="default: 7")
    p.add_argument("--noise", type=finite_float, default=1.0, help="default: 1")
    p.add_argument("--seed", type=int_at_least(0), default=0, help="default: 0")
    p.add_argument(
        "--points",
        type=int_at_least(1, 1_000_000),
        default=100,
        help="points on the curve (default: 100, at most 1,000,000)",
    )
    p.add_argument("--activation", choices=["sigmoid", "tanh", "relu"], default="sigmoid", help="σ")
    p.add_argument("--record-every", type=int_at_least(1), default=100, metavar="K")
    p.add_argument("--out", type=figure_path, default=None,
                   help="figure file (none is drawn without it)")  # fmt: skip
    p.set_defaults(run=run_backprop)

    h = sub.add_parser(
        "heights",
        help="fit a Gaussian to the course's heights by descent on χ²",
        description=(
            "The course's second assignment: fit a Gaussian to the histogram of adult heights by "
            "minimising χ², and draw the fit and the path across the χ² landscape."
        ),
    )
    h.add_argument("--method", choices=METHODS, default="steepest-descent")
    h.add_argument("--mu0", type=finite_float, default=155.0, help="starting μ (default: 155)")
    h.add_argument("--sigma0", type=finite_float, default=6.0, help="starting σ (default: 6)")
    h.add_argument(
        "--aggression",
        type=finite_float,
        default=None,
        help=f"steepest descent's step multiplier (default: {COURSE_AGGRESSION:g}, the course's)",
    )
    h.add_argument(
        "--steps",
        type=int_at_least(1, 1_000_000),
        default=50,
        help="iteration limit (default: 50, at most 1,000,000)",
    )
    h.add_argument("--out-dir", type=Path, default=None,
                   help="where the two figures go (none are drawn without it)")  # fmt: skip
    h.set_defaults(run=run_heights)


def run_backprop(args: argparse.Namespace) -> int:
    """Train the network, print the costs and the speed, draw the training curves."""
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
    print(f"status        {history.status}")
    print(_wrapped(history.message, 14))
    if args.out is not None:
        save(plots.training_curves(history), args.out)
    else:
        print("(no figure drawn: add --out FILE.png to draw one)")
    if history.status in ("diverged", "non-finite", "stalled"):
        hints = [f"a smaller --aggression than {args.aggression:g}"]
        if args.activation != "sigmoid":
            hints.append("--activation sigmoid (outputs in (0, 1), like the heart curve's)")
        print("verdict       the network has not learned the curve; try " + ", or ".join(hints))
        print(f"warning: {history.message}", file=sys.stderr)
        return 1
    return 0


def _wrapped(message: str, indent: int) -> str:
    """A long message in lines of at most 100 characters, indented."""
    pad = " " * indent
    kept = message.replace(" = ", "\xa0=\xa0")  # "μ = 178" stays on one line
    return textwrap.fill(kept, width=100, initial_indent=pad, subsequent_indent=pad,
                         break_on_hyphens=False).replace("\xa0", " ")  # fmt: skip


def run_heights(args: argparse.Namespace) -> int:
    """Fit the Gaussian, print the path and the result, draw the fit and the χ² landscape."""
    from mvcalc import datasets, plots
    from mvcalc.regression import chi_squared, fit, gaussian

    if args.sigma0 == 0:
        raise UsageError("argument --sigma0: must be non-zero")
    aggression = args.aggression
    if args.method == "steepest-descent" and aggression is None:
        aggression = COURSE_AGGRESSION
    x, y = datasets.heights()
    result = fit(
        gaussian, x, y, [args.mu0, args.sigma0], method=args.method,
        aggression=aggression, max_iter=args.steps,
    )  # fmt: skip
    print(f"method  {args.method}" + (f", aggression {aggression:g}" if aggression else ""))
    print(f"{'step':>5}  {'μ':>12}  {'σ':>12}  {'χ²':>12}")
    shown = sorted(k for k in {0, 1, 2, *range(10, result.nit, 10), result.nit} if k <= result.nit)
    for k in shown:
        mu, sigma = result.path[k]
        print(
            f"{k:>5}  {mu:12.6f}  {sigma:12.6f}  {chi_squared(gaussian, [mu, sigma], x, y):12.6g}"
        )
    mu_err, sigma_err = result.errors if result.converged else (None, None)
    print(f"result  μ = {result.params[0]:.4f}{_error(mu_err)} cm, "
          f"σ = {result.params[1]:.4f}{_error(sigma_err)} cm, χ² = {result.chi2:.6g}")  # fmt: skip
    if not result.converged:
        print(f"        no ± errors: the fit has not converged ({result.status}), so μ and σ are "
              "not yet the best fit, and\n        errors computed here would describe "
              "nothing")  # fmt: skip
    print(f"status  {result.status} ({result.nit} steps, {result.nfev} model evaluations)")
    print(_wrapped(result.message, 8))
    if result.status == "max-iter":
        print(f"        (--steps {args.steps} was the limit; raise it to go on)")
    if args.out_dir is None:
        print("(no figures drawn: add --out-dir DIR to draw the fit and the χ² landscape)")
        return 0
    title = f"Heights: μ = {result.params[0]:.2f} cm, σ = {result.params[1]:.2f} cm"
    fig = plots.histogram_fit(x, y, gaussian, result.params, xlabel="height (cm)", title=title)
    save(fig, args.out_dir / "heights_fit.png")
    save(plots.chi2_contours(gaussian, x, y, result), args.out_dir / "heights_chi2.png")
    return 0


def _error(error: float | None) -> str:
    """`` ± 0.19`` for a converged fit's standard error; nothing otherwise."""
    return "" if error is None else f" ± {error:.2g}"
