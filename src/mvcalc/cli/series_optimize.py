"""``mvcalc taylor``, ``newton``, ``minimize``, ``lagrange`` and ``stationary``: series and
optimisation."""

from __future__ import annotations

import argparse
import math
import re
import textwrap
from pathlib import Path
from typing import Any

from mvcalc.cli._args import (
    Parser,
    Subparsers,
    UsageError,
    figure_path,
    finite_float,
    inline,
    int_at_least,
    names,
    pair,
    save,
    show,
    vector,
)
from mvcalc.optimize import METHODS


def add(sub: Subparsers[Parser]) -> None:
    """Add ``taylor``, ``newton``, ``minimize``, ``lagrange`` and ``stationary``."""
    t = sub.add_parser("taylor", help="Taylor series, how good it is, and its figure",
                       description="Expand a function in a Taylor series about a point, bound "
                       "the error over an interval, and draw the approximations.")  # fmt: skip
    t.add_argument("expression", help='e.g. "exp(x)"; several variables allow order ≤ 2')
    t.add_argument("--at", required=True, metavar="X0", help="the point: 0, or 1,2 in n-D")
    t.add_argument("--order", type=int_at_least(0, 100), default=4, help="default: 4, at most 100")
    t.add_argument("--interval", type=pair, default=None, metavar="A,B",
                   help="where to bound the error (default: X0 ± 1)")  # fmt: skip
    t.add_argument("--out", type=figure_path, default=None,
                   help="figure file (none is drawn without it)")  # fmt: skip
    t.set_defaults(run=run_taylor)

    n = sub.add_parser("newton", help="solve f(x) = 0 by Newton–Raphson",
                       description="Solve f(x) = 0 (or a system 'f1, f2') by Newton–Raphson, "
                       "printing every iterate; failures are named.")  # fmt: skip
    n.add_argument("expression", help='e.g. "x**3-2*x+2", or "x+y-3, x*y-2"')
    n.add_argument("--x0", type=vector, required=True, metavar="X0",
                   help="start, e.g. -2 or sqrt(2); for a system 1,2")  # fmt: skip
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
    m.add_argument("--x0", type=vector, required=True, metavar="X0",
                   help="e.g. -1.2,1 or pi/4,1")  # fmt: skip
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
                   help='constraints g = 0, e.g. "x**2+y**2-1" or "x^2+y^2=1" (several: '
                   '"g1, g2")')  # fmt: skip
    g.add_argument("--vars", type=names, default=None, metavar="x,y",
                   help="variables (default: all, alphabetical)")  # fmt: skip
    g.add_argument("--out", type=figure_path, default=None, help="figure file (2 variables)")
    g.set_defaults(run=run_lagrange)

    s = sub.add_parser("stationary", help="every stationary point of f, classified by the Hessian",
                       description="Solve ∇f = 0 exactly when SymPy can (saying so when the list "
                       "may not be complete), and classify each point by the eigenvalues of the "
                       "Hessian: minimum, maximum, saddle or degenerate.")  # fmt: skip
    s.add_argument("expression", help='f, e.g. "x**3 - 3*x + y**2"')
    s.add_argument("--vars", type=names, default=None, metavar="x,y",
                   help="variables (default: all, alphabetical)")  # fmt: skip
    s.add_argument("--out", type=figure_path, default=None,
                   help="figure file (one or two variables)")  # fmt: skip
    s.set_defaults(run=run_stationary)


def run_taylor(args: argparse.Namespace) -> int:
    """The polynomial in powers of (x − x₀), its coefficients, its error bound and radius, and
    the figure (with --out)."""
    import sympy

    from mvcalc import plots, symbolic
    from mvcalc.series import taylor

    expr = symbolic.parse(args.expression)
    at = [symbolic.parse(v) for v in args.at.split(",")]
    if any(v.free_symbols or not v.is_real for v in at):
        raise UsageError(f"argument --at: expected real numbers, got {args.at!r}")
    x0: Any = at[0] if len(at) == 1 else at
    if len(expr.free_symbols) > 2 and args.out is not None:
        raise UsageError("argument --out: the figure is drawn for one or two variables")
    series = taylor(expr, x0, args.order)
    variables = [sympy.Symbol(v) for v in series.variables]
    powers = " and ".join(_offset(v, a) for v, a in zip(variables, at, strict=False))
    show(f"P{args.order} = ", _as_written(series.centered_polynomial, variables, at),
         order="rev-grlex")  # fmt: skip
    expanded = inline(series.polynomial)
    if any(a != 0 for a in at) and len(expanded) <= 80:
        print(f"     = {expanded}   (multiplied out)")
    if series.multivariate:
        print(f"gradient at x0 = {series.gradient}")
        if series.hessian is not None:
            print(f"Hessian at x0  = {series.hessian.tolist()}")
        if len(series.variables) == 2:
            if args.out is not None:
                save(plots.taylor_2d(expr, series.x0), args.out)
            _no_figure(args.out)
        return 0
    print(f"coefficients of {powers}^k, k = 0…{args.order}:  "
          + ", ".join(sympy.sstr(c) for c in series.coefficients))  # fmt: skip
    a, b = args.interval or (series.x0 - 1.0, series.x0 + 1.0)
    r = series.remainder_bound(a, b)
    kind = "rigorous" if r.rigorous else "estimated"
    print(f"on [{a:g}, {b:g}]: |f − P{args.order}| ≤ {r.bound:.6g} ({kind} Lagrange bound); "
          f"largest actual error {r.actual:.6g}")  # fmt: skip
    try:
        radius = series.radius_of_convergence()
        print(
            f"radius of convergence ≈ {radius:.4g} (estimated from 40 terms)"
            if math.isfinite(radius)
            else "radius of convergence: infinite (the series converges everywhere)"
        )
    except (ValueError, NotImplementedError):
        pass
    if args.out is not None:
        save(plots.taylor_approximations(expr, float(series.x0), args.order, interval=(a, b)),
             args.out)  # fmt: skip
    _no_figure(args.out)
    return 0


def _offset(variable: Any, x0: Any) -> str:
    """``(x - 1)``, ``(x + 1)``, or ``x`` about 0: the base of the powers, as printed."""
    import sympy

    if x0 == 0:
        return str(variable)
    text = inline(sympy.Add(variable, -x0, evaluate=False))
    return "(" + re.sub(r"\bpi\b", "π", text) + ")"


def _as_written(centered: Any, variables: list[Any], at: list[Any]) -> Any:
    """The centred polynomial with each (xᵢ − x₀ᵢ) as one symbol, so that the printer keeps the
    powers of (x − x₀) whole (printed in ascending degree, as the course writes the series)."""
    import sympy

    shifted = {v: sympy.Symbol(_offset(v, a)) for v, a in zip(variables, at, strict=True)}
    return sympy.expand(
        centered.xreplace({v: shifted[v] + a for v, a in zip(variables, at, strict=True)})
    )


def _wrapped(message: str) -> str:
    """A long message in lines of at most 100 characters, indented under the status."""
    kept = message.replace(" = ", "\xa0=\xa0")  # "γ = 0.1" stays on one line
    lines = textwrap.fill(kept, width=100, initial_indent=" " * 8, subsequent_indent=" " * 8,
                          break_on_hyphens=False)  # fmt: skip
    return lines.replace("\xa0", " ")


def _no_figure(out: Path | None) -> None:
    """Say how to get the figure when none was asked for."""
    if out is None:
        print("(no figure drawn: add --out FILE.png to draw one)")


def run_newton(args: argparse.Namespace) -> int:
    """Every iterate of Newton–Raphson with f(x) and f′(x) beside it, the status, and the
    tangents' figure."""
    import numpy as np

    from mvcalc import plots
    from mvcalc.optimize import newton_raphson

    x0 = args.x0[0] if len(args.x0) == 1 else args.x0
    result = newton_raphson(args.expression, x0, tol=args.tol, max_iter=args.max_iter)
    if result.path.ndim == 1:
        f, fprime = _scalar_and_derivative(args.expression)
        print(f"{'step':>5}  {'x':>24}  {'f(x)':>18}  {'f′(x)':>18}")
        modified = False
        for k, x in enumerate(result.path):
            fx, dx = f(x), fprime(x)
            line = f"{k:>5}  {x:>24.17g}  {fx:>18.10g}  {dx:>18.10g}"
            if k + 1 < result.path.size and fx != 0 and dx != 0:
                m = (x - result.path[k + 1]) * dx / fx  # the multiple of f/f′ that was taken
                if round(m) >= 2 and abs(m - round(m)) < 1e-6:
                    line += f"   next: x − {round(m)}·f(x)/f′(x)"
                    modified = True
            print(line)
        print("each step: x(next) = x − f(x)/f′(x)"
              + (", or x − m·f(x)/f′(x) where marked (a root of multiplicity m)" if modified
                 else ""))  # fmt: skip
    else:
        from mvcalc._numeric import as_function

        system, _ = as_function(args.expression)
        print(f"{'step':>5}  x, then f(x)")
        for k, x in enumerate(result.path):
            fx = np.asarray(system(x), dtype=float)
            print(f"{k:>5}  x = {np.array2string(x, precision=10)},  f(x) = "
                  f"{np.array2string(fx, precision=6)}")  # fmt: skip
        print("each step: x(next) = x − J(x)⁻¹ f(x), J the Jacobian")
    print(f"result  x = {result.x}, f(x) = {result.fun}")
    print(f"status  {result.status}")
    print(_wrapped(result.message))
    if args.out is not None:
        if result.path.ndim != 1:
            raise UsageError("argument --out: the figure is drawn for one equation in one unknown")
        save(plots.newton_tangents(args.expression, result), args.out)
    return 0 if result.converged else 1


def _scalar_and_derivative(text: str) -> tuple[Any, Any]:
    """f and its exact derivative f′ (by SymPy) as functions of a float, for the table."""
    from mvcalc import symbolic
    from mvcalc._numeric import numeric_function

    expr = symbolic.parse(text)
    variable = symbolic.only_variable(expr)
    f = numeric_function(expr, [variable])
    fprime = numeric_function(symbolic.diff(expr, variable), [variable])
    return (lambda x: float(f(float(x)))), (lambda x: float(fprime(float(x))))


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
    print(_wrapped(result.message))
    if args.out is not None:
        if result.path.ndim != 2 or result.path.shape[1] != 2:
            raise UsageError("argument --out: the figure is drawn for functions of two variables")
        save(plots.descent_paths(args.expression, {args.method: result}), args.out)
    return 0 if result.converged else 1


def run_lagrange(args: argparse.Namespace) -> int:
    """The constrained stationary points, classified, and their figure."""
    import sympy

    from mvcalc import plots, symbolic
    from mvcalc.optimize import lagrange

    f = symbolic.parse(args.expression)
    gs = symbolic.parse_equations(args.subject_to)  # "x^2+y^2=1" is x^2+y^2-1 = 0
    variables = args.vars or sorted({str(s) for e in [f, *gs] for s in e.free_symbols})
    points = lagrange(f, gs, args.vars)  # without --vars: all, alphabetical
    if not points:
        print("no stationary points found")
    for p in points:
        where = ", ".join(f"{k} = {v}" for k, v in p.point.items())
        lambdas = ", ".join(f"λ{i + 1} = {v}" for i, v in enumerate(p.multipliers))
        print(f"{p.kind:<8} at {where}:  f = {p.value} ≈ {float(p.value):.10g}  ({lambdas})")
    if args.out is not None:
        if len(variables) != 2 or len(gs) != 1:
            raise UsageError("argument --out: the figure is drawn for f(x, y) with one constraint")
        save(plots.lagrange_points(args.expression, sympy.sstr(gs[0]), points), args.out)
    return 0


def _number_text(value: Any, name: str = "") -> str:
    """A coordinate or value as printed: ``x = -1`` exact when short, else ``x ≈ 1.322070427``."""
    import sympy

    if isinstance(value, sympy.Basic) and not value.atoms(sympy.Float):
        text = sympy.sstr(value)
        if len(text) <= 24:
            return f"{name} = {text}" if name else text
    return f"{name} ≈ {float(value):.10g}" if name else f"≈ {float(value):.10g}"


def run_stationary(args: argparse.Namespace) -> int:
    """Every stationary point, its kind and the Hessian's eigenvalues there, whether the list
    is complete, and the figure."""
    import sympy

    from mvcalc import plots, symbolic
    from mvcalc.optimize import stationary_points

    f = symbolic.parse(args.expression)
    variables = args.vars or sorted(str(s) for s in f.free_symbols)
    if args.out is not None and len(variables) > 2:
        raise UsageError("argument --out: the figure is drawn for f of one or two variables")
    gradient = [symbolic.diff(f, v) for v in variables]
    points = stationary_points(f, args.vars)  # without --vars: all, alphabetical
    if len(gradient) == 1:
        print(f"f′ = {sympy.sstr(gradient[0])}")
    else:
        print(f"∇f = ({', '.join(sympy.sstr(g) for g in gradient)})")
    for p in points:
        where = ", ".join(_number_text(v, k) for k, v in p.point.items())
        if len(variables) == 1:  # H is f″
            curvature = _number_text(p.eigenvalues[0], "f″")
        else:
            curvature = "eigenvalues of H: " + ", ".join(_number_text(v) for v in p.eigenvalues)
        print(f"{p.kind:<10} at {where}:  {_number_text(p.value, 'f')}  ({curvature})")
    if points.complete:
        print(f"all {len(points)} stationary points, exactly: ∇f = 0 was solved in full"
              if points else "no stationary points: ∇f = 0 has no real solution")  # fmt: skip
    else:
        if not points:
            print("no stationary points found")
        print(textwrap.fill(f"the list may not be complete: {points.note}", width=100))
    if args.out is not None:
        save(plots.stationary_points(f, points), args.out)
    return 0
