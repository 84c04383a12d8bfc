"""``mvcalc taylor``, ``newton``, ``minimize`` and ``lagrange``: series and optimisation."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from mvcalc.cli._args import (
    Parser,
    Subparsers,
    UsageError,
    figure_path,
    finite_float,
    int_at_least,
    names,
    pair,
    save,
    show,
    vector,
)
from mvcalc.optimize import METHODS


def add(sub: Subparsers[Parser]) -> None:
    """Add ``taylor``, ``newton``, ``minimize`` and ``lagrange``."""
    t = sub.add_parser("taylor", help="Taylor series, how good it is, and its figure",
                       description="Expand a function in a Taylor series about a point, bound "
                       "the error over an interval, and draw the approximations.")  # fmt: skip
    t.add_argument("expression", help='e.g. "exp(x)"; several variables allow order ≤ 2')
    t.add_argument("--at", required=True, metavar="X0", help="the point: 0, or 1,2 in n-D")
    t.add_argument("--order", type=int_at_least(0, 100), default=4, help="default: 4, at most 100")
    t.add_argument("--interval", type=pair, default=None, metavar="A,B",
                   help="where to bound the error (default: X0 ± 1)")  # fmt: skip
    t.add_argument("--out", type=figure_path, default=Path("taylor.png"), help="figure file")
    t.set_defaults(run=run_taylor)

    n = sub.add_parser("newton", help="solve f(x) = 0 by Newton–Raphson",
                       description="Solve f(x) = 0 (or a system 'f1, f2') by Newton–Raphson, "
                       "printing every iterate; failures are named.")  # fmt: skip
    n.add_argument("expression", help='e.g. "x**3-2*x+2", or "x+y-3, x*y-2"')
    n.add_argument("--x0", type=vector, required=True, metavar="X0", help="start, e.g. -2")
    n.add_argument("--tol", type=finite_float, default=1e-12)
    n.add_argument(
        "--max-iter",
        type=int_at_least(1, 100_000),
        default=100,
        help="default: 100, at most 100,000",
    )
    n.add_argument("--out", type=figure_path, default=None, help="figure file (scalar f)")
    n.set_defaults(run=run_newton)

    m = sub.add_parser("minimize", help="minimise f by Newton, hybrid or gradient descent",
                       description="Minimise a function of one or more variables from a start, "
                       "with exact gradients and Hessians.")  # fmt: skip
    m.add_argument("expression", help='e.g. "(1-x)**2+100*(y-x**2)**2"')
    m.add_argument("--x0", type=vector, required=True, metavar="X0", help="e.g. -1.2,1")
    m.add_argument("--method", choices=METHODS, default="hybrid")
    m.add_argument("--aggression", type=finite_float, default=0.1, help="γ, gradient descent")
    m.add_argument(
        "--max-iter",
        type=int_at_least(1, 100_000),
        default=1000,
        help="default: 1000, at most 100,000",
    )
    m.add_argument("--out", type=figure_path, default=None, help="figure file (2 variables)")
    m.set_defaults(run=run_minimize)

    g = sub.add_parser("lagrange", help="constrained stationary points by Lagrange multipliers",
                       description="Find where ∇f = λ∇g on g = 0, exactly when SymPy can, and "
                       "classify each point with the bordered Hessian.")  # fmt: skip
    g.add_argument("expression", help='f, e.g. "x*y"')
    g.add_argument("--subject-to", required=True, metavar="G",
                   help='constraints g = 0, e.g. "x**2+y**2-1" (several: "g1, g2")')  # fmt: skip
    g.add_argument("--vars", type=names, default=None, metavar="x,y",
                   help="variables (default: all, alphabetical)")  # fmt: skip
    g.add_argument("--out", type=figure_path, default=None, help="figure file (2 variables)")
    g.set_defaults(run=run_lagrange)


def run_taylor(args: argparse.Namespace) -> int:
    """The polynomial, its coefficients, its error bound and radius, and the figure."""
    import sympy

    from mvcalc import plots, symbolic
    from mvcalc.series import taylor

    expr = symbolic.parse(args.expression)
    at = [symbolic.parse(v) for v in args.at.split(",")]
    if any(v.free_symbols or not v.is_real for v in at):
        raise UsageError(f"argument --at: expected real numbers, got {args.at!r}")
    x0: Any = at[0] if len(at) == 1 else at
    series = taylor(expr, x0, args.order)
    show(f"P{args.order} = ", series.polynomial)
    if series.multivariate:
        print(f"gradient at x0 = {series.gradient}")
        if series.hessian is not None:
            print(f"Hessian at x0  = {series.hessian.tolist()}")
        if len(series.variables) == 2:
            save(plots.taylor_2d(expr, series.x0), args.out)
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
    save(plots.taylor_approximations(expr, float(series.x0), args.order, interval=(a, b)),
         args.out)  # fmt: skip
    return 0


def run_newton(args: argparse.Namespace) -> int:
    """Every iterate of Newton–Raphson, the status, and the tangents' figure."""
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
        save(plots.newton_tangents(args.expression, result), args.out)
    return 0 if result.converged else 1


def run_minimize(args: argparse.Namespace) -> int:
    """The minimiser's result and status (never "a minimum" unless it converged)."""
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
        save(plots.descent_paths(args.expression, {args.method: result}), args.out)
    return 0 if result.converged else 1


def run_lagrange(args: argparse.Namespace) -> int:
    """The constrained stationary points, classified, and their figure."""
    from mvcalc import plots, symbolic
    from mvcalc.optimize import lagrange

    f = symbolic.parse(args.expression)
    gs = symbolic.parse_many(args.subject_to)
    variables = args.vars or sorted({str(s) for e in [f, *gs] for s in e.free_symbols})
    points = lagrange(f, gs, variables)
    if not points:
        print("no stationary points found")
    for p in points:
        where = ", ".join(f"{k} = {v}" for k, v in p.point.items())
        lambdas = ", ".join(f"λ{i + 1} = {v}" for i, v in enumerate(p.multipliers))
        print(f"{p.kind:<8} at {where}:  f = {p.value} ≈ {float(p.value):.10g}  ({lambdas})")
    if args.out is not None:
        if len(variables) != 2 or len(gs) != 1:
            raise UsageError("argument --out: the figure is drawn for f(x, y) with one constraint")
        save(plots.lagrange_points(args.expression, args.subject_to, points), args.out)
    return 0
