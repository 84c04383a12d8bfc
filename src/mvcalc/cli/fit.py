"""``mvcalc fit``: a named model fitted to two columns of a CSV file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mvcalc.cli._args import (
    Parser,
    Subparsers,
    UsageError,
    figure_path,
    number_list,
    save,
)
from mvcalc.regression import METHODS, NAMED_MODELS


def add(sub: Subparsers[Parser]) -> None:
    """Add ``fit``."""
    p = sub.add_parser(
        "fit",
        help="fit a model to the columns of a CSV file",
        description=(
            "Fit a model to two columns of a CSV file (with a header row) by least squares; "
            "print the parameters with their standard errors, χ² and reduced χ², and draw it. "
            "Models: " + "; ".join(f"{m.name}: {m.formula}" for m in NAMED_MODELS.values())
        ),
    )
    p.add_argument("data", type=Path, metavar="DATA.csv")
    p.add_argument("--model", choices=list(NAMED_MODELS), required=True)
    p.add_argument("--x-column", default="x", metavar="NAME", help="default: x")
    p.add_argument("--y-column", default="y", metavar="NAME", help="default: y")
    p.add_argument("--sigma-column", default=None, metavar="NAME", help="uncertainties of y")
    p.add_argument(
        "--p0",
        nargs="+",
        type=number_list,
        default=None,
        metavar="V",
        help="starting parameters (default: a guess from the data)",
    )
    p.add_argument("--method", choices=METHODS, default="levenberg-marquardt")
    p.add_argument("--out", type=figure_path, default=Path("fit.png"), help="figure file")
    p.set_defaults(run=run_fit)


def run_fit(args: argparse.Namespace) -> int:
    """Read the columns, fit, print the parameters with their errors and χ², draw the fit."""
    import numpy as np

    from mvcalc import plots
    from mvcalc.datasets import read_csv
    from mvcalc.regression import fit

    model = NAMED_MODELS[args.model]
    names = [args.x_column, args.y_column]
    if args.sigma_column is not None:
        names.append(args.sigma_column)
    columns = read_csv(args.data, names)
    x, y = columns[0], columns[1]
    sigma = columns[2] if args.sigma_column is not None else None
    n_params = len(model.parameters)
    if x.size < n_params:
        raise UsageError(
            f"{args.data}: {x.size} data points, fewer than the {n_params} parameters of "
            f"the {model.name} model"
        )
    if np.ptp(x) == 0:
        raise UsageError(
            f"{args.data}: column {args.x_column!r} has no spread (every value is {x[0]:g}), so "
            f"the {model.name} model cannot be determined"
        )
    if sigma is not None and np.any(sigma <= 0):
        raise UsageError(f"{args.data}: column {args.sigma_column!r} must hold positive values")
    if args.p0 is None:
        p0 = model.guess(x, y)
    else:
        p0 = np.array([v for group in args.p0 for v in group])
        if p0.size != n_params:
            raise UsageError(
                f"argument --p0: the {model.name} model has {n_params} parameters "
                f"({', '.join(model.parameters)}), got {p0.size} values"
            )
    result = fit(model.function, x, y, p0, sigma=sigma, method=args.method, jac=model.jacobian)
    dof = x.size - n_params
    print(f"model   {model.name}: {model.formula}   ({x.size} points, {args.method})")
    width = max(len(n) for n in model.parameters)
    for name, value, error in zip(model.parameters, result.params, result.errors, strict=True):
        print(f"  {name:<{width}} = {value:.8g} ± {error:.3g}")
    reduced = f"{result.chi2 / dof:.6g}" if dof > 0 else "undefined (no degrees of freedom)"
    print(f"χ²      {result.chi2:.6g}   reduced χ² {reduced}   (dof {dof})")
    errors_kind = "absolute (from sigma)" if sigma is not None else "scaled by the reduced χ²"
    print(f"errors  {errors_kind}")
    print(f"status  {result.status} ({result.nit} iterations, {result.nfev} model evaluations)")
    print(f"        {result.message}")
    if not result.converged:
        print(f"warning: the fit did not converge: {result.message}", file=sys.stderr)
    fig = plots.model_fit(
        x, y, model.function, result, sigma=sigma, names=model.parameters,
        xlabel=args.x_column, ylabel=args.y_column, title=f"{model.name}: {model.formula}",
    )  # fmt: skip
    save(fig, args.out)
    return 0
