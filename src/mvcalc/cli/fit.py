"""``mvcalc fit``: a named model, or one written as a formula, fitted to two columns of a CSV
file."""

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
from mvcalc.regression import METHODS, MODEL_ALIASES, NAMED_MODELS

_CANONICAL = [name for name in NAMED_MODELS if name not in MODEL_ALIASES]


def add(sub: Subparsers[Parser]) -> None:
    """Add ``fit``."""
    aliases = "; ".join(f"{old} is the old name of {new}" for old, new in MODEL_ALIASES.items())
    p = sub.add_parser(
        "fit",
        help="fit a model to the columns of a CSV file",
        description=(
            "Fit a model to two columns of a CSV file (with a header row) by least squares; "
            "print the parameters with their standard errors (for a fit that converged), χ² "
            "and reduced χ², and draw it with --out. Models: "
            + "; ".join(f"{n}: {NAMED_MODELS[n].formula}" for n in _CANONICAL)
            + f" ({aliases}: three parameters, where mvcalc.gaussian has two); or a formula in "
            'x, such as "a*exp(-b*x) + c", whose other names are the parameters, in '
            "alphabetical order, starting from 1 unless --p0 says otherwise."
        ),
    )
    p.add_argument("data", type=Path, metavar="DATA.csv")
    p.add_argument(
        "--model",
        required=True,
        metavar="MODEL",
        help=f'{", ".join(_CANONICAL)}, or a formula in x such as "a*exp(-b*x) + c"',
    )
    p.add_argument("--x-column", default="x", metavar="NAME", help="default: x")
    p.add_argument("--y-column", default="y", metavar="NAME", help="default: y")
    p.add_argument("--sigma-column", default=None, metavar="NAME", help="uncertainties of y")
    p.add_argument(
        "--p0",
        nargs="+",
        type=number_list,
        default=None,
        metavar="V",
        help="starting parameters, numbers or maths (default: a guess from the data for a named "
        "model, 1 for each parameter of a formula)",
    )
    p.add_argument("--method", choices=METHODS, default="levenberg-marquardt")
    p.add_argument("--out", type=figure_path, default=None,
                   help="figure file (none is drawn without it)")  # fmt: skip
    p.set_defaults(run=run_fit)


def run_fit(args: argparse.Namespace) -> int:
    """Read the columns, fit, print the parameters (with their errors when the fit converged)
    and χ², draw the fit with --out."""
    import numpy as np

    from mvcalc import plots
    from mvcalc.datasets import read_csv
    from mvcalc.regression import fit, model_from_text

    written = args.model.strip() not in NAMED_MODELS
    if written:
        try:
            model = model_from_text(args.model)
        except ValueError as exc:
            raise UsageError(
                f"argument --model: {exc} (or name a model: {', '.join(_CANONICAL)})"
            ) from None
    else:
        model = NAMED_MODELS[args.model.strip()]
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
    if args.model.strip() in MODEL_ALIASES:
        print(f"        (--model {args.model.strip()} is the old name of {model.name}: area × the "
              "normal density,\n        three parameters; mvcalc.gaussian is the density alone, "
              "with two)")  # fmt: skip
    if written:
        start = ", ".join(f"{n} = {v:g}" for n, v in zip(model.parameters, p0, strict=True))
        given = "from --p0" if args.p0 is not None else "1 for each: --p0 sets a better start"
        print(f"        parameters in alphabetical order; start {start} ({given})")
    width = max(len(n) for n in model.parameters)
    for name, value, error in zip(model.parameters, result.params, result.errors, strict=True):
        shown = f" ± {error:.3g}" if result.converged else ""
        print(f"  {name:<{width}} = {value:.8g}{shown}")
    reduced = f"{result.chi2 / dof:.6g}" if dof > 0 else "undefined (no degrees of freedom)"
    print(f"χ²      {result.chi2:.6g}   reduced χ² {reduced}   (dof {dof})")
    if result.converged:
        errors_kind = "absolute (from sigma)" if sigma is not None else "scaled by the reduced χ²"
        print(f"errors  {errors_kind}")
    else:
        print(f"errors  not shown: the fit did not converge ({result.status}); away from the best "
              "fit, standard errors\n        describe nothing")  # fmt: skip
    print(f"status  {result.status} ({result.nit} iterations, {result.nfev} model evaluations)")
    print(f"        {result.message}")
    if not result.converged:
        print(f"warning: the fit did not converge: {result.message}", file=sys.stderr)
    if args.out is not None:
        fig = plots.model_fit(
            x, y, model.function, result, sigma=sigma, names=model.parameters,
            xlabel=args.x_column, ylabel=args.y_column,
            title=model.formula if written else f"{model.name}: {model.formula}",
        )  # fmt: skip
        save(fig, args.out)
    else:
        print("(no figure drawn: add --out FILE.png to draw one)")
    return 0
