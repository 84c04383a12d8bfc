"""``mvcalc diff``, ``jacobian``, ``hessian`` and ``derivative-error``: exact derivatives, and
how far rise over run is from them."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from mvcalc.cli._args import (
    Parser,
    Subparsers,
    UsageError,
    figure_path,
    inline,
    names,
    point,
    save,
    show,
    values,
)


def add(sub: Subparsers[Parser]) -> None:
    """Add ``diff``, ``jacobian``, ``hessian`` and ``derivative-error``."""
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
    p.add_argument("--at", type=point, default=None, metavar="x=1.5", help="evaluate there")
    p.add_argument("--latex", action="store_true", help="also print LaTeX")
    p.set_defaults(run=run_diff)

    for name, what in (("jacobian", "the Jacobian of a list of expressions"),
                       ("hessian", "the Hessian of an expression")):  # fmt: skip
        q = sub.add_parser(name, help=what, description=f"Compute {what} exactly.")
        q.add_argument("expression", help='e.g. "u*v, u+v"' if name == "jacobian" else '"x**2*y"')
        q.add_argument("--vars", type=names, required=True, metavar="u,v", help="the variables")
        q.add_argument("--at", type=point, default=None, metavar="u=1,v=2", help="evaluate there")
        q.add_argument("--latex", action="store_true", help="also print LaTeX")
        q.set_defaults(run=run_matrix, kind=name)

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
    e.add_argument("--out", type=figure_path, default=Path("h.png"), help="figure file")
    e.set_defaults(run=run_derivative_error)


def run_diff(args: argparse.Namespace) -> int:
    """The derivative, its steps, its value at a point, its LaTeX."""
    import sympy

    from mvcalc import symbolic

    expr = symbolic.parse(args.expression)
    if args.wrt is None:
        try:
            variable = symbolic.only_variable(expr)
        except ValueError as exc:
            raise UsageError(f"{exc}: choose with --wrt") from None
    else:
        if not args.wrt.isidentifier():
            raise UsageError(f"argument --wrt: expected a variable name, got {args.wrt!r}")
        variable = sympy.Symbol(args.wrt)
    result = symbolic.diff(expr, variable)
    subs = None if args.at is None else values(args.at, result.free_symbols | expr.free_symbols)
    show("f = ", expr)
    show(f"df/d{variable} = ", result)
    if args.steps:
        print()
        print(symbolic.explain(expr, variable).text())
    if subs is not None:
        at = symbolic.evaluate(result, {str(k): v for k, v in subs.items()},
                               name=f"df/d{variable}")  # fmt: skip
        print(f"at {at.where}:  df/d{variable} = {inline(at.exact)} ≈ {at.value:.15g}")
    if args.latex:
        print(symbolic.explain(expr, variable).latex() if args.steps else sympy.latex(result))
    return 0


def run_matrix(args: argparse.Namespace) -> int:
    """The Jacobian or the Hessian, and its value at a point."""
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
    subs = None if args.at is None else values(args.at, matrix.free_symbols, set(variables))
    show("f = ", shown)
    show(label, matrix)
    if subs is not None:
        at = symbolic.evaluate(matrix, {str(k): v for k, v in subs.items()}, name=label[0])
        print(f"at {at.where}:")
        show("    ", at.exact)
        print("  ≈ " + str(at.value.tolist()))
    if args.latex:
        print(sympy.latex(matrix))
    return 0


def run_derivative_error(args: argparse.Namespace) -> int:
    """Forward, central and complex-step errors against h, beside the exact derivative."""
    import numpy as np

    from mvcalc import plots, symbolic
    from mvcalc._numeric import numeric_function
    from mvcalc.calculus import derivative, step_size_study

    expr = symbolic.parse(args.expression)
    try:
        variable = symbolic.only_variable(expr)
    except ValueError as exc:
        raise UsageError(f"derivative-error takes a function of one variable; {exc}") from None
    name, _, text = args.at.rpartition("=")
    if name and name.strip() != str(variable):
        raise UsageError(
            f"argument --at: {name.strip()} is not the variable of the expression ({variable})"
        )
    at = symbolic.parse(text)
    if at.free_symbols or not at.is_real:
        raise UsageError(f"argument --at: expected a real number, got {args.at!r}")
    where = {str(variable): at}
    x0 = symbolic.evaluate(at, {}, simplify=False, name=f"the point {args.at!r}").value
    f = numeric_function(expr, [variable])
    symbolic.evaluate(expr, where, simplify=False, name="f")  # defined, real and finite there
    exact = symbolic.evaluate(symbolic.diff(expr, variable), where, simplify=False,
                              name="f'").value  # fmt: skip
    study = step_size_study(f, x0, exact=exact, label=args.expression)
    print(f"f({variable}) = {args.expression},  f'({x0:g}) = {exact:.17g} (exact)")
    print(f"{'method':<14}{'best h':>10}{'smallest error':>16}{'h in theory':>14}")
    for method, errors in study.errors.items():
        theory = study.theory_h.get(method)
        shown = f"{theory:14.2e}" if theory is not None else f"{'—':>14}"
        print(f"{method:<14}{study.best_h[method]:10.1e}{np.nanmin(errors):16.2e}{shown}")
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
    save(plots.step_size_error(study), args.out)
    return 0
