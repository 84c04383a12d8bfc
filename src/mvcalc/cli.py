"""The ``mvcalc`` command line.

Each command is a thin layer over the library: it parses and checks its arguments, calls the
public API, prints a short report and writes a figure. Any bad input ends in one line on
standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import io
import math
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from mvcalc._budget import time_limit

__all__ = ["main"]

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


class UsageError(Exception):
    """A problem with the command line, reported as one line and exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line on stderr (no usage block) and exit status 2.

    Values such as ``-1.2,1`` (a start point) are values, not options.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-[0-9.][0-9.,eE+-]*$")

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
    print(f"status        {history.status} ({history.message})")
    _save(plots.training_curves(history), args.out)
    if history.status in ("diverged", "non-finite"):
        print(f"warning: {history.message}", file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------------------------
# mvcalc heights
# --------------------------------------------------------------------------------------------


def _add_heights(sub: argparse._SubParsersAction[_Parser]) -> None:
    from mvcalc.regression import METHODS

    p = sub.add_parser(
        "heights",
        help="fit a Gaussian to the course's heights by descent on χ²",
        description=(
            "The course's second assignment: fit a Gaussian to the histogram of adult heights by "
            "minimising χ², and draw the fit and the path across the χ² landscape."
        ),
    )
    p.add_argument("--method", choices=METHODS, default="steepest-descent")
    p.add_argument("--mu0", type=_finite_float, default=155.0, help="starting μ (default: 155)")
    p.add_argument("--sigma0", type=_finite_float, default=6.0, help="starting σ (default: 6)")
    p.add_argument(
        "--aggression",
        type=_finite_float,
        default=None,
        help="steepest descent's step multiplier (default: 2000, the course's)",
    )
    p.add_argument("--steps", type=_int_at_least(1), default=50, help="iteration limit")
    p.add_argument("--out-dir", type=Path, default=Path("out"), help="where the figures go")
    p.set_defaults(run=_run_heights)


def _run_heights(args: argparse.Namespace) -> int:
    from mvcalc import datasets, plots
    from mvcalc.regression import fit, gaussian

    if args.sigma0 == 0:
        raise UsageError("argument --sigma0: must be non-zero")
    aggression = args.aggression
    if args.method == "steepest-descent" and aggression is None:
        aggression = 2000.0
    x, y = datasets.heights()
    result = fit(
        gaussian, x, y, [args.mu0, args.sigma0], method=args.method,
        aggression=aggression, max_iter=args.steps,
    )  # fmt: skip
    print(f"method  {args.method}" + (f", aggression {aggression:g}" if aggression else ""))
    print(f"{'step':>5}  {'μ':>12}  {'σ':>12}  {'χ²':>12}")
    shown = sorted({0, 1, 2, *range(10, result.nit, 10), result.nit})
    for k in shown:
        mu, sigma = result.path[k]
        print(f"{k:>5}  {mu:12.6f}  {sigma:12.6f}  {_chi2(x, y, mu, sigma):12.6g}")
    mu_err, sigma_err = result.errors
    print(f"result  μ = {result.params[0]:.4f} ± {mu_err:.2g} cm, "
          f"σ = {result.params[1]:.4f} ± {sigma_err:.2g} cm, χ² = {result.chi2:.6g}")  # fmt: skip
    print(f"status  {result.status} ({result.nit} steps, {result.nfev} model evaluations)")
    print(f"        {result.message}")
    if result.status == "max-iter":
        print(f"        (--steps {args.steps} was the limit; raise it to go on)")
    title = f"Heights: μ = {result.params[0]:.2f} cm, σ = {result.params[1]:.2f} cm"
    fig = plots.histogram_fit(x, y, gaussian, result.params, xlabel="height (cm)", title=title)
    _save(fig, args.out_dir / "heights_fit.png")
    _save(plots.chi2_contours(gaussian, x, y, result.path), args.out_dir / "heights_chi2.png")
    return 0


def _chi2(x: object, y: object, mu: float, sigma: float) -> float:
    from mvcalc.regression import chi_squared, gaussian

    return chi_squared(gaussian, [mu, sigma], x, y)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# mvcalc fit
# --------------------------------------------------------------------------------------------


def _add_fit(sub: argparse._SubParsersAction[_Parser]) -> None:
    from mvcalc.regression import METHODS, NAMED_MODELS

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
        type=_number_list,
        default=None,
        metavar="V",
        help="starting parameters (default: a guess from the data)",
    )
    p.add_argument("--method", choices=METHODS, default="levenberg-marquardt")
    p.add_argument("--out", type=_figure_path, default=Path("fit.png"), help="figure file")
    p.set_defaults(run=_run_fit)


def _number_list(text: str) -> list[float]:
    """One number, or several separated by commas."""
    return [_finite_float(part) for part in text.split(",") if part.strip()]


def _read_columns(path: Path, names: list[str]) -> list[list[float]]:
    """The named columns of a CSV file with a header row, as floats (UsageError if not)."""
    import csv

    limit = 64 << 20  # 64 MiB: a data file, not a stream (/dev/zero) or a disk image
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            text = handle.read(limit + 1)
        if len(text) > limit:
            raise UsageError(f"{path}: larger than {limit >> 20} MiB; mvcalc fit reads data files "
                             "up to that size")  # fmt: skip
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except FileNotFoundError:
        raise UsageError(f"no such file: {str(path)!r}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {str(path)!r}: {exc}") from None
    except csv.Error as exc:
        raise UsageError(f"{path}: not a valid CSV file: {exc}") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise UsageError(f"{path}: the file is empty (expected a header row and data)")
    header = [cell.strip() for cell in rows[0]]
    twice = sorted({name for name in header if header.count(name) > 1})
    if twice:
        raise UsageError(f"{path}: the header names {', '.join(map(repr, twice))} more than once")
    indices = []
    for name in names:
        if name not in header:
            raise UsageError(f"{path}: no column {name!r}; the columns are {', '.join(header)}")
        indices.append(header.index(name))
    columns: list[list[float]] = [[] for _ in names]
    for line_no, row in enumerate(rows[1:], start=2):
        for column, index, name in zip(columns, indices, names, strict=True):
            cell = row[index].strip() if index < len(row) else ""
            try:
                value = float(cell)
            except ValueError:
                raise UsageError(
                    f"{path}, line {line_no}, column {name!r}: {cell!r} is not a number"
                ) from None
            if value != value or value in (float("inf"), float("-inf")):
                raise UsageError(f"{path}, line {line_no}, column {name!r}: {cell!r} is not finite")
            column.append(value)
    return columns


def _run_fit(args: argparse.Namespace) -> int:
    import numpy as np

    from mvcalc import plots
    from mvcalc.regression import NAMED_MODELS, fit

    model = NAMED_MODELS[args.model]
    names = [args.x_column, args.y_column]
    if args.sigma_column is not None:
        names.append(args.sigma_column)
    columns = _read_columns(args.data, names)
    x, y = np.array(columns[0]), np.array(columns[1])
    sigma = np.array(columns[2]) if args.sigma_column is not None else None
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
    _save(fig, args.out)
    return 0


# --------------------------------------------------------------------------------------------
# mvcalc diff / jacobian / hessian / derivative-error
# --------------------------------------------------------------------------------------------


def _names(text: str) -> list[str]:
    """Comma-separated variable names: "u,v" → ["u", "v"]."""
    names = [part.strip() for part in text.split(",")]
    for name in names:
        if not name.isidentifier() or name.startswith("_"):
            raise argparse.ArgumentTypeError(f"expected names like u,v, got {text!r}")
        if names.count(name) > 1:
            raise argparse.ArgumentTypeError(f"{name} is given twice in {text!r}")
    return names


def _point(text: str) -> dict[str, str]:
    """Assignments "x=1.5,y=pi/2" → {"x": "1.5", "y": "pi/2"} (values parsed safely later)."""
    point = {}
    for part in text.split(","):
        name, eq, value = part.partition("=")
        if not eq or not name.strip().isidentifier() or not value.strip():
            raise argparse.ArgumentTypeError(
                f"expected name=value pairs like x=1,y=2, got {text!r}"
            )
        if name.strip() in point:
            raise argparse.ArgumentTypeError(f"{name.strip()} is given twice in {text!r}")
        point[name.strip()] = value.strip()
    return point


def _values(
    point: dict[str, str], needed: set[object], allowed: set[object] | None = None
) -> dict[object, object]:
    """Substitutions for SymPy from --at, each value parsed safely and checked to be a number.

    Every name in ``needed`` must be given; a name outside ``allowed`` (default: ``needed``) is
    refused, so that a misspelt or constant name is never silently ignored.
    """
    allowed = needed if allowed is None else allowed | needed
    import sympy

    from mvcalc import symbolic

    subs: dict[object, object] = {}
    variables = sorted(str(s) for s in allowed)
    for name, text in point.items():
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


def _pretty(expr: object) -> str:
    import sympy

    return str(sympy.pretty(expr, use_unicode=True))


def _inline(expr: object) -> str:
    """The pretty form when it fits on one line, else SymPy's plain one-line form."""
    import sympy

    pretty = _pretty(expr)
    return pretty if "\n" not in pretty else sympy.sstr(expr)


def _show(label: str, expr: object) -> None:
    """Print 'label expr', aligning a multi-line pretty form under the label."""
    lines = _pretty(expr).splitlines()
    pad = " " * len(label)
    middle = len(lines) // 2
    for i, line in enumerate(lines):
        print((label if i == middle else pad) + line)


def _number(value: object) -> str:
    import sympy

    v = sympy.N(value, 15)
    return f"{float(v):.15g}" if v.is_real else str(v)


def _add_symbolic(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser(
        "diff",
        help="differentiate an expression, step by step if asked",
        description="Differentiate a maths expression exactly (parsed safely, never evaluated).",
    )
    p.add_argument("expression", help='e.g. "x**2*sin(x)" (^ also means power)')
    p.add_argument(
        "--wrt", default=None, metavar="VAR", help="the variable (default: the only one)"
    )
    p.add_argument("--steps", action="store_true", help="show the rules used, step by step")
    p.add_argument("--at", type=_point, default=None, metavar="x=1.5", help="evaluate there")
    p.add_argument("--latex", action="store_true", help="also print LaTeX")
    p.set_defaults(run=_run_diff)

    for name, what in (("jacobian", "the Jacobian of a list of expressions"),
                       ("hessian", "the Hessian of an expression")):  # fmt: skip
        q = sub.add_parser(name, help=what, description=f"Compute {what} exactly.")
        q.add_argument("expression", help='e.g. "u*v, u+v"' if name == "jacobian" else '"x**2*y"')
        q.add_argument("--vars", type=_names, required=True, metavar="u,v", help="the variables")
        q.add_argument("--at", type=_point, default=None, metavar="u=1,v=2", help="evaluate there")
        q.add_argument("--latex", action="store_true", help="also print LaTeX")
        q.set_defaults(run=_run_matrix, kind=name)

    e = sub.add_parser(
        "derivative-error",
        help="how the error of rise over run depends on the step h",
        description=(
            "Differentiate numerically with forward, central and complex-step differences over a "
            "range of steps h, compare with the exact derivative, and draw error against h."
        ),
    )
    e.add_argument("expression", help='a function of one variable, e.g. "exp(x)"')
    e.add_argument("--at", required=True, metavar="X", help="the point, e.g. 1 or x=1")
    e.add_argument("--out", type=_figure_path, default=Path("h.png"), help="figure file")
    e.set_defaults(run=_run_derivative_error)


def _run_diff(args: argparse.Namespace) -> int:
    import sympy

    from mvcalc import symbolic

    expr = symbolic.parse(args.expression)
    if args.wrt is None:
        free = sorted(expr.free_symbols, key=str)
        if len(free) > 1:
            names = ", ".join(map(str, free))
            raise UsageError(f"the expression has several variables ({names}): choose with --wrt")
        variable = free[0] if free else sympy.Symbol("x")
    else:
        if not args.wrt.isidentifier():
            raise UsageError(f"argument --wrt: expected a variable name, got {args.wrt!r}")
        variable = sympy.Symbol(args.wrt)
    result = symbolic.diff(expr, variable)
    subs = None if args.at is None else _values(args.at, result.free_symbols | expr.free_symbols)
    _show("f = ", expr)
    _show(f"df/d{variable} = ", result)
    if args.steps:
        print()
        print(symbolic.explain(expr, variable).text())
    if subs is not None:
        at = symbolic.evaluate(result, {str(k): v for k, v in subs.items()},
                               name=f"df/d{variable}")  # fmt: skip
        print(f"at {at.where}:  df/d{variable} = {_inline(at.exact)} ≈ {at.value:.15g}")
    if args.latex:
        print(symbolic.explain(expr, variable).latex() if args.steps else sympy.latex(result))
    return 0


def _run_matrix(args: argparse.Namespace) -> int:
    import sympy

    from mvcalc import symbolic

    variables = [sympy.Symbol(n) for n in args.vars]
    exprs = symbolic.parse_many(args.expression)
    free = set().union(*(e.free_symbols for e in exprs))
    unknown = [str(v) for v in variables if v not in free]
    if unknown:
        raise UsageError(
            f"argument --vars: {', '.join(unknown)} does not appear in the expression "
            f"(its variables: {', '.join(sorted(map(str, free))) or 'none'})"
        )
    if args.kind == "jacobian":
        matrix = symbolic.jacobian(exprs, variables)
        shown, label = sympy.Matrix(exprs), "J = "
    else:
        if len(exprs) != 1:
            raise UsageError("the Hessian is of one expression; got a list")
        expr = exprs[0]
        matrix = symbolic.hessian(expr, variables)
        shown, label = expr, "H = "
    subs = None if args.at is None else _values(args.at, matrix.free_symbols, set(variables))
    _show("f = ", shown)
    _show(label, matrix)
    if subs is not None:
        at = symbolic.evaluate(matrix, {str(k): v for k, v in subs.items()}, name=label[0])
        print(f"at {at.where}:")
        _show("    ", at.exact)
        print("  ≈ " + str(at.value.tolist()))
    if args.latex:
        print(sympy.latex(matrix))
    return 0


def _run_derivative_error(args: argparse.Namespace) -> int:
    import numpy as np
    import sympy

    from mvcalc import plots, symbolic
    from mvcalc._numeric import numeric_function
    from mvcalc.calculus import derivative, step_size_study

    expr = symbolic.parse(args.expression)
    free = sorted(expr.free_symbols, key=str)
    if len(free) > 1:
        raise UsageError("derivative-error takes a function of one variable")
    variable = free[0] if free else sympy.Symbol("x")
    name, _, text = args.at.rpartition("=")
    if name and name.strip() != str(variable):
        raise UsageError(
            f"argument --at: {name.strip()} is not the variable of the expression ({variable})"
        )
    at = symbolic.parse(text)
    if at.free_symbols or not at.is_real:
        raise UsageError(f"argument --at: expected a real number, got {args.at!r}")
    point = {str(variable): at}
    x0 = symbolic.evaluate(at, {}, simplify=False, name=f"the point {args.at!r}").value
    f = numeric_function(expr, [variable])
    symbolic.evaluate(expr, point, simplify=False, name="f")  # defined, real and finite there
    exact = symbolic.evaluate(symbolic.diff(expr, variable), point, simplify=False,
                              name="f'").value  # fmt: skip
    study = step_size_study(f, x0, exact=exact, label=args.expression)
    print(f"f({variable}) = {args.expression},  f'({x0:g}) = {exact:.17g} (exact)")
    print(f"{'method':<14}{'best h':>10}{'smallest error':>16}{'h in theory':>14}")
    for name, errors in study.errors.items():
        theory = study.theory_h.get(name)
        shown = f"{theory:14.2e}" if theory is not None else f"{'—':>14}"
        print(f"{name:<14}{study.best_h[name]:10.1e}{np.nanmin(errors):16.2e}{shown}")
    best = derivative(f, x0, full_output=True)
    if best.ok:
        print(f"Richardson:    f'({x0:g}) ≈ {best.value:.17g} ± {best.error:.1e} "
              f"(actual error {abs(best.value - exact):.1e}, {best.nfev} evaluations)")  # fmt: skip
    else:
        print(f"Richardson:    not vouched for: {best.message}")
        if math.isfinite(best.value):
            print(f"               best guess f'({x0:g}) ≈ {best.value:.17g} (no error "
                  f"bound; actual error {abs(best.value - exact):.1e}, {best.nfev} "
                  "evaluations)")  # fmt: skip
        else:
            print("               no estimate")
    _save(plots.step_size_error(study), args.out)
    return 0


# --------------------------------------------------------------------------------------------
# mvcalc taylor / newton / minimize / lagrange
# --------------------------------------------------------------------------------------------


def _pair(text: str) -> tuple[float, float]:
    parts = [p for p in text.split(",") if p.strip()]
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"expected two numbers like 0,1, got {text!r}")
    a, b = (_finite_float(p) for p in parts)
    if not a < b:
        raise argparse.ArgumentTypeError(f"expected a < b, got {text!r}")
    return a, b


def _vector(text: str) -> list[float]:
    values = _number_list(text)
    if not values:
        raise argparse.ArgumentTypeError(f"expected numbers like -1.2,1, got {text!r}")
    return values


def _add_series_and_optimisation(sub: argparse._SubParsersAction[_Parser]) -> None:
    from mvcalc.optimize import METHODS

    t = sub.add_parser("taylor", help="Taylor series, how good it is, and its figure",
                       description="Expand a function in a Taylor series about a point, bound "
                       "the error over an interval, and draw the approximations.")  # fmt: skip
    t.add_argument("expression", help='e.g. "exp(x)"; several variables allow order ≤ 2')
    t.add_argument("--at", required=True, metavar="X0", help="the point: 0, or 1,2 in n-D")
    t.add_argument("--order", type=_int_at_least(0), default=4, help="default: 4")
    t.add_argument("--interval", type=_pair, default=None, metavar="A,B",
                   help="where to bound the error (default: X0 ± 1)")  # fmt: skip
    t.add_argument("--out", type=_figure_path, default=Path("taylor.png"), help="figure file")
    t.set_defaults(run=_run_taylor)

    n = sub.add_parser("newton", help="solve f(x) = 0 by Newton–Raphson",
                       description="Solve f(x) = 0 (or a system 'f1, f2') by Newton–Raphson, "
                       "printing every iterate; failures are named.")  # fmt: skip
    n.add_argument("expression", help='e.g. "x**3-2*x+2", or "x+y-3, x*y-2"')
    n.add_argument("--x0", type=_vector, required=True, metavar="X0", help="start, e.g. -2")
    n.add_argument("--tol", type=_finite_float, default=1e-12)
    n.add_argument("--max-iter", type=_int_at_least(1), default=100)
    n.add_argument("--out", type=_figure_path, default=None, help="figure file (scalar f)")
    n.set_defaults(run=_run_newton)

    m = sub.add_parser("minimize", help="minimise f by Newton, hybrid or gradient descent",
                       description="Minimise a function of one or more variables from a start, "
                       "with exact gradients and Hessians.")  # fmt: skip
    m.add_argument("expression", help='e.g. "(1-x)**2+100*(y-x**2)**2"')
    m.add_argument("--x0", type=_vector, required=True, metavar="X0", help="e.g. -1.2,1")
    m.add_argument("--method", choices=METHODS, default="hybrid")
    m.add_argument("--aggression", type=_finite_float, default=0.1, help="γ, gradient descent")
    m.add_argument("--max-iter", type=_int_at_least(1), default=1000)
    m.add_argument("--out", type=_figure_path, default=None, help="figure file (2 variables)")
    m.set_defaults(run=_run_minimize)

    g = sub.add_parser("lagrange", help="constrained stationary points by Lagrange multipliers",
                       description="Find where ∇f = λ∇g on g = 0, exactly when SymPy can, and "
                       "classify each point with the bordered Hessian.")  # fmt: skip
    g.add_argument("expression", help='f, e.g. "x*y"')
    g.add_argument("--subject-to", required=True, metavar="G",
                   help='constraints g = 0, e.g. "x**2+y**2-1" (several: "g1, g2")')  # fmt: skip
    g.add_argument("--vars", type=_names, default=None, metavar="x,y",
                   help="variables (default: all, alphabetical)")  # fmt: skip
    g.add_argument("--out", type=_figure_path, default=None, help="figure file (2 variables)")
    g.set_defaults(run=_run_lagrange)


def _run_taylor(args: argparse.Namespace) -> int:
    import sympy

    from mvcalc import plots, symbolic
    from mvcalc.series import taylor

    expr = symbolic.parse(args.expression)
    at = [symbolic.parse(v) for v in args.at.split(",")]
    if any(v.free_symbols or not v.is_real for v in at):
        raise UsageError(f"argument --at: expected real numbers, got {args.at!r}")
    x0: Any = at[0] if len(at) == 1 else at
    series = taylor(expr, x0, args.order)
    _show(f"P{args.order} = ", series.polynomial)
    if series.multivariate:
        print(f"gradient at x0 = {series.gradient}")
        if series.hessian is not None:
            print(f"Hessian at x0  = {series.hessian.tolist()}")
        if len(series.variables) == 2:
            _save(plots.taylor_2d(expr, series.x0), args.out)
        return 0
    print("coefficients  " + ", ".join(sympy.sstr(c) for c in series.coefficients))
    a, b = args.interval or (series.x0 - 1.0, series.x0 + 1.0)
    r = series.remainder_bound(a, b)
    kind = "rigorous" if r.rigorous else "estimated"
    print(f"on [{a:g}, {b:g}]: |f − P{args.order}| ≤ {r.bound:.6g} ({kind} Lagrange bound); "
          f"largest actual error {r.actual:.6g}")  # fmt: skip
    try:
        radius = series.radius_of_convergence()
        print(
            f"radius of convergence ≈ {radius:.6g}"
            if math.isfinite(radius)
            else "radius of convergence: infinite (the series converges everywhere)"
        )
    except (ValueError, NotImplementedError):
        pass
    _save(plots.taylor_approximations(expr, float(series.x0), args.order, interval=(a, b)),
          args.out)  # fmt: skip
    return 0


def _run_newton(args: argparse.Namespace) -> int:
    from mvcalc import plots
    from mvcalc.optimize import newton_raphson

    x0 = args.x0[0] if len(args.x0) == 1 else args.x0
    result = newton_raphson(args.expression, x0, tol=args.tol, max_iter=args.max_iter)
    print(f"{'step':>5}  x")
    for k, x in enumerate(result.path):
        print(f"{k:>5}  {x:.17g}" if result.path.ndim == 1 else f"{k:>5}  {x}")
    print(f"result  x = {result.x}, f(x) = {result.fun}")
    print(f"status  {result.status}")
    print(f"        {result.message}")
    if args.out is not None:
        if result.path.ndim != 1:
            raise UsageError("argument --out: the figure is drawn for one equation in one unknown")
        _save(plots.newton_tangents(args.expression, result), args.out)
    return 0 if result.converged else 1


def _run_minimize(args: argparse.Namespace) -> int:
    from mvcalc import plots
    from mvcalc.optimize import minimize

    x0 = args.x0[0] if len(args.x0) == 1 else args.x0
    result = minimize(args.expression, x0, method=args.method, aggression=args.aggression,
                      max_iter=args.max_iter)  # fmt: skip
    print(f"method  {args.method}")
    print(f"start   x = {result.path[0]}")
    print(f"result  x = {result.x}, f(x) = {result.fun:.10g} after {result.nit} steps")
    verdict = "a minimum" if result.converged else "no minimum claimed"
    print(f"status  {result.status}: {verdict}")  # the status, never "converged" unless it is
    print(f"        {result.message}")
    if args.out is not None:
        if result.path.ndim != 2 or result.path.shape[1] != 2:
            raise UsageError("argument --out: the figure is drawn for functions of two variables")
        _save(plots.descent_paths(args.expression, {args.method: result}), args.out)
    return 0 if result.converged else 1


def _run_lagrange(args: argparse.Namespace) -> int:
    from mvcalc import plots, symbolic
    from mvcalc.optimize import lagrange

    f = symbolic.parse(args.expression)
    gs = symbolic.parse_many(args.subject_to)
    names = args.vars or sorted({str(s) for e in [f, *gs] for s in e.free_symbols})
    points = lagrange(f, gs, names)
    if not points:
        print("no stationary points found")
    for p in points:
        where = ", ".join(f"{k} = {v}" for k, v in p.point.items())
        lambdas = ", ".join(f"λ{i + 1} = {v}" for i, v in enumerate(p.multipliers))
        print(f"{p.kind:<8} at {where}:  f = {p.value} ≈ {float(p.value):.10g}  ({lambdas})")
    if args.out is not None:
        if len(names) != 2 or len(gs) != 1:
            raise UsageError("argument --out: the figure is drawn for f(x, y) with one constraint")
        _save(plots.lagrange_points(args.expression, args.subject_to, points), args.out)
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
    _add_heights(sub)
    _add_fit(sub)
    _add_symbolic(sub)
    _add_series_and_optimisation(sub)
    _add_sandpit(sub)
    for command in sub.choices.values():  # every command: one budget for its symbolic work
        command.add_argument(
            "--time-limit",
            type=_positive_float,
            default=10.0,
            metavar="SECONDS",
            help="the most time symbolic work (SymPy) may take, in all (default: 10)",
        )
    return parser


def _positive_float(text: str) -> float:
    value = _finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _add_sandpit(sub: argparse._SubParsersAction[_Parser]) -> None:
    from mvcalc.sandpit import MODES, SCENARIOS

    s = sub.add_parser("sandpit", help="play the sandpit game in your browser",
                       description="Find the deepest point of a hidden sandpit floor by probing "
                       "its depth or slope, or by sending workers with a strategy. Served on "
                       "this machine only (127.0.0.1) unless --host says otherwise.")  # fmt: skip
    s.add_argument("--scenario", choices=SCENARIOS, default="bowl", help="default: bowl")
    s.add_argument("--seed", type=_int_at_least(0), default=None, help="default: random")
    s.add_argument("--mode", choices=MODES, default="depth", help="default: depth")
    s.add_argument("--strategy", default=None, metavar="FILE.py:FUNC",
                   help="your own next_step(f, J, H) -> step, for the workers")  # fmt: skip
    s.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine only)")
    s.add_argument("--port", type=_int_at_least(0), default=0, help="default: 0, a free port")
    s.add_argument("--no-browser", action="store_true", help="do not open a browser")
    s.set_defaults(run=_run_sandpit)


def _run_sandpit(args: argparse.Namespace) -> int:
    from mvcalc.lab.server import serve
    from mvcalc.sandpit import load_strategy

    if args.port > 65535:
        raise UsageError(f"--port must be at most 65535, got {args.port}")
    strategy = load_strategy(args.strategy) if args.strategy is not None else None
    serve(host=args.host, port=args.port, open_browser=not args.no_browser,
          announce=lambda line: print(line, flush=True), scenario=args.scenario,
          seed=args.seed, mode=args.mode, strategy=strategy)  # fmt: skip
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``mvcalc`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit status.

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
        with warnings.catch_warnings(), time_limit(args.time_limit):
            warnings.simplefilter("ignore")  # NumPy's and SymPy's warnings never reach the terminal
            status: int = args.run(args)
    except (UsageError, ValueError, TypeError) as exc:
        return _fail(args.command, str(exc))
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
    return status


def _fail(command: str, message: str) -> int:
    """One line on standard error, exit status 2."""
    line = " ".join(message.split())  # one line, whatever the message held
    print(f"mvcalc {command}: error: {line}", file=sys.stderr)
    return 2


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


if __name__ == "__main__":
    sys.exit(main())
