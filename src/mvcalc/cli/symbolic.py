"""``mvcalc diff``, ``jacobian``, ``hessian``, ``total-derivative`` and ``derivative-error``:
exact derivatives, what they say, and how far rise over run is from them."""

from __future__ import annotations

import argparse
import math
from typing import Any

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

_WRITING = (
    "Maths is written as learners write it: 3x^2 + 2x, (x+1)(x-1), 2 sin(x), x y (a product), "
    "θ, λ, x² and √x; a name such as xy is one variable."
)


def add(sub: Subparsers[Parser]) -> None:
    """Add ``diff``, ``jacobian``, ``hessian``, ``total-derivative`` and ``derivative-error``."""
    p = sub.add_parser(
        "diff",
        help="differentiate an expression, step by step if asked",
        description="Differentiate a maths expression exactly (parsed safely, never evaluated). "
        "Variables are real: the derivative of abs(x) is sign(x), and at a corner (abs(x) at "
        "x = 0) the derivative is said not to exist. " + _WRITING,
    )
    p.add_argument("expression", help='e.g. "x^2 sin(x)" (^ and ** both mean power)')
    p.add_argument(
        "--wrt", default=None, metavar="VAR", help="the variable (default: the only one)"
    )
    p.add_argument("--steps", action="store_true", help="show the rules used, step by step")
    p.add_argument("--at", type=point, default=None, metavar="x=1.5", help="evaluate there")
    p.add_argument("--latex", action="store_true", help="also print LaTeX")
    p.set_defaults(run=run_diff)

    for name, what, example, more in (
        ("jacobian", "the Jacobian of a list of expressions", '"u*v, u+v"',
         "A square Jacobian's determinant is printed, and at a point its eigenvalues."),
        ("hessian", "the Hessian of an expression", '"x^2*y"',
         "Its determinant and eigenvalues are printed; at a point given with --at, what they "
         "say: a minimum, a maximum, a saddle, or an inconclusive (degenerate) test."),
    ):  # fmt: skip
        q = sub.add_parser(name, help=what,
                           description=f"Compute {what} exactly. {more} " + _WRITING)  # fmt: skip
        q.add_argument("expression", help=f"e.g. {example}")
        q.add_argument("--vars", type=names, default=None, metavar="u,v",
                       help="the variables, in order (default: all, alphabetical)")  # fmt: skip
        q.add_argument("--at", type=point, default=None, metavar="u=1,v=2", help="evaluate there")
        q.add_argument("--latex", action="store_true", help="also print LaTeX")
        q.set_defaults(run=run_matrix, kind=name)

    t = sub.add_parser(
        "total-derivative",
        help="df/dt by the multivariate chain rule, term by term",
        description="Differentiate f(x, y, …) with respect to t when its variables depend on t: "
        "df/dt = Σ ∂f/∂xᵢ · dxᵢ/dt (+ ∂f/∂t), each term shown. " + _WRITING,
    )
    t.add_argument("expression", help='f, e.g. "x*y"')
    t.add_argument(
        "--sub", action="append", required=True, metavar="x=cos(t)",
        help="how a variable depends on t; repeat it, or separate with commas: "
        '"x=cos(t), y=sin(t)"',
    )  # fmt: skip
    t.add_argument("--wrt", default=None, metavar="T",
                   help="the variable t (default: the one the substitutions use)")  # fmt: skip
    t.add_argument("--at", type=point, default=None, metavar="t=pi/4", help="evaluate there")
    t.set_defaults(run=run_total_derivative)

    e = sub.add_parser(
        "derivative-error",
        help="how the error of rise over run depends on the step h",
        description=(
            "Differentiate numerically with forward, central and complex-step differences over a "
            "range of steps h, compare with the exact derivative, and draw error against h "
            "(the figure only with --out)."
        ),
    )
    e.add_argument("expression", help='a function of one variable, e.g. "exp(x)"')
    e.add_argument("--at", required=True, metavar="X", help="the point, e.g. 1 or x=1")
    e.add_argument("--out", type=figure_path, default=None,
                   help="write the figure of error against h to this file")  # fmt: skip
    e.set_defaults(run=run_derivative_error)


def _variable(text: str, option: str) -> Any:
    """A variable name as the parser reads it (θ is theta), or a UsageError naming the option."""
    import sympy

    from mvcalc import symbolic

    try:
        read = symbolic.parse(text)
    except ValueError:
        read = None
    if not isinstance(read, sympy.Symbol):
        raise UsageError(f"argument {option}: expected a variable name, got {text!r}")
    return read


def _names_read(at: dict[str, str]) -> dict[str, str]:
    """--at with each name as the parser reads it (θ=1 gives theta)."""
    import sympy

    from mvcalc import symbolic

    out = {}
    for name, value in at.items():
        try:
            read = symbolic.parse(name)
        except ValueError:
            read = None
        out[read.name if isinstance(read, sympy.Symbol) else name] = value
    return out


def _point_of(
    at: dict[str, str], needed: set[Any], allowed: set[Any] | None = None
) -> dict[str, Any]:
    """--at as {name: exact value}, every needed variable given, no unknown one."""
    subs = values(_names_read(at), needed, allowed)
    return {str(k): v for k, v in subs.items()}


def _not_there(expr: Any, variable: Any) -> UsageError:
    import sympy

    names = ", ".join(sorted(str(s) for s in expr.free_symbols))
    verb = "depends" if len(expr.free_symbols) == 1 else "depend"
    return UsageError(
        f"{sympy.sstr(expr)} does not depend on {variable} (its variables: {names}): its "
        f"derivative with respect to {variable} is 0 unless {names} {verb} on {variable}; if "
        f"so, say how with mvcalc total-derivative"
    )


def run_diff(args: argparse.Namespace) -> int:
    """The derivative, a simpler form, its steps, its value at a point, its LaTeX."""
    import sympy

    from mvcalc import symbolic

    expr = symbolic.parse(args.expression)
    if args.wrt is None:
        try:
            variable = symbolic.only_variable(expr)
        except ValueError as exc:
            raise UsageError(f"{exc}: choose with --wrt") from None
    else:
        variable = _variable(args.wrt, "--wrt")
        if expr.free_symbols and variable not in expr.free_symbols:
            raise _not_there(expr, variable)
    at = None if args.at is None else _point_of(args.at, expr.free_symbols | {variable})
    result = symbolic.diff(expr, variable)
    d = "∂" if len(expr.free_symbols) > 1 else "d"
    label = f"{d}f/{d}{inline(variable)}"
    show("f = ", expr)
    show(f"{label} = ", result)
    if len(sympy.sstr(result)) <= 400:
        tidy = symbolic.simpler(result)
        if tidy != result:
            show(" " * len(label) + " = ", tidy)
    if args.steps:
        print()
        print(symbolic.explain(expr, variable).text())
    if at is not None:
        try:
            value = symbolic.derivative_at(expr, at, variable)
        except symbolic.NotDifferentiable as exc:
            print(str(exc))
        else:
            print(f"at {value.where}:  {label} = {inline(value.exact)} ≈ {value.value:.15g}")
    if args.latex:
        print(symbolic.explain(expr, variable).latex() if args.steps else sympy.latex(result))
    return 0


def _floats(numbers: Any) -> str:
    return ", ".join(f"{v:.6g}" for v in numbers)


def _exact_and_float(value: Any) -> str:
    """``2`` for an integer, ``1 - √5 ≈ -1.23607`` otherwise."""
    if value.is_Integer:
        return inline(value)
    number = complex(value.evalf(20))
    approx = f"{number.real:.6g}" if number.imag == 0 else f"{number:.6g}"
    return f"{inline(value)} ≈ {approx}"


def run_matrix(args: argparse.Namespace) -> int:
    """The Jacobian or the Hessian, its determinant and eigenvalues, and what they say."""
    import sympy

    from mvcalc import symbolic

    exprs = symbolic.parse_many(args.expression)
    free = set().union(*(e.free_symbols for e in exprs))
    if args.vars is None:
        variables = sorted(free, key=str)
        if not variables:
            raise UsageError("the expression has no variable to differentiate with respect to")
    else:
        variables = [_variable(n, "--vars") for n in args.vars]
        unknown = [str(v) for v in variables if v not in free]
        if unknown:
            raise UsageError(
                f"argument --vars: {', '.join(unknown)} does not appear in the expression "
                f"(its variables: {', '.join(sorted(map(str, free))) or 'none'})"
            )
    order = ", ".join(inline(v) for v in variables)
    if args.kind == "jacobian":
        matrix = symbolic.jacobian(exprs, variables)
        shown, label, meaning = sympy.Matrix(exprs), "J", "J[i, j] = ∂fᵢ/∂xⱼ"
    else:
        if len(exprs) != 1:
            raise UsageError("the Hessian is of one expression; got a list")
        matrix = symbolic.hessian(exprs[0], variables)
        shown, label, meaning = exprs[0], "H", "H[i, j] = ∂²f/∂xᵢ∂xⱼ"
    needed = free if args.kind == "hessian" else matrix.free_symbols  # the test needs all
    at = None if args.at is None else _point_of(args.at, needed, set(variables))
    show("f = ", shown)
    how = "" if args.vars is not None else " (alphabetical; choose another order with --vars)"
    print(f"variables: {order}{how}")
    show(f"{label} = ", matrix)
    print(f"    {meaning}")
    square = matrix.shape[0] == matrix.shape[1]
    if square:
        show(f"det {label} = ", symbolic.determinant(matrix))
    if args.kind == "hessian" and at is None:
        _eigenvalues_everywhere(matrix)
    if at is not None:
        value = symbolic.evaluate(matrix, at, name=label)
        print(f"at {value.where}:")
        show("    ", value.exact)
        print("  ≈ " + str(value.value.tolist()))
        if args.kind == "hessian":
            _second_derivative_test(exprs[0], at, variables)
        elif square:
            _jacobian_at(value.exact)
    if args.latex:
        print(sympy.latex(matrix))
    return 0


def _eigenvalues_everywhere(h: Any) -> None:
    """The Hessian's eigenvalues as formulas (two variables, or a constant Hessian), and, when
    H is the same at every point, what it says about f everywhere."""
    from mvcalc import symbolic

    if h.shape[0] > 2 and h.free_symbols:
        print("eigenvalues of H: give a point with --at (as formulas they are too long to read)")
        return
    found = symbolic.eigenvalues(h)
    if found is None:
        print("eigenvalues of H: no closed form; give a point with --at")
        return
    print("eigenvalues of H: " + ",  ".join(inline(v) for v in found))
    if h.free_symbols:
        print("    what they say depends on the point: at a stationary point (∇f = 0), all "
              "positive is a minimum, all negative a maximum, both signs a saddle; give one "
              "with --at")  # fmt: skip
        return
    positive = sum(1 for v in found if v.is_positive)
    negative = sum(1 for v in found if v.is_negative)
    n = h.shape[0]
    if positive == n:
        says = "positive definite: f is convex, and a stationary point is its minimum"
    elif negative == n:
        says = "negative definite: f is concave, and a stationary point is its maximum"
    elif positive and negative:
        says = "indefinite: a stationary point is a saddle"
    else:
        says = "singular (an eigenvalue is 0): the second-derivative test cannot decide"
    print(f"    H is the same at every point, and {says}")


def _second_derivative_test(expr: Any, at: dict[str, Any], variables: list[Any]) -> None:
    from mvcalc import symbolic

    test = symbolic.second_derivative_test(expr, at, variables)
    exact = (
        ",  ".join(_exact_and_float(v) for v in test.eigenvalues)
        if test.eigenvalues is not None
        else "≈ " + _floats(test.values)
    )
    print(f"  eigenvalues of H: {exact}")
    print(f"  gradient ∇f = ({', '.join(inline(g) for g in test.gradient)})")
    print(f"  {test.kind}: {test.text()}")


def _jacobian_at(j: Any) -> None:
    import numpy as np

    from mvcalc import symbolic

    det = symbolic.determinant(j)
    if det == 0:
        print("  det J = 0: J is singular here (the map flattens space near this point, and "
              "has no local inverse)")  # fmt: skip
    else:
        print(f"  det J = {_exact_and_float(det)}: J is invertible here; near this "
              f"point the map scales areas (volumes) by |det J|")  # fmt: skip
    found = symbolic.eigenvalues(j)
    if found is not None and all(len(inline(v)) <= 40 for v in found):
        print("  eigenvalues of J: " + ",  ".join(_exact_and_float(v) for v in found))
    else:
        numbers = np.linalg.eigvals(np.array(j.tolist(), dtype=float))
        print("  eigenvalues of J ≈ " + ", ".join(f"{v:.6g}" for v in np.sort_complex(numbers)))


def _assignments(texts: list[str]) -> dict[str, str]:
    """--sub values: "x=cos(t)", or several "x=cos(t), y=sin(t)" (commas inside brackets
    belong to the expression)."""
    out: dict[str, str] = {}
    for text in texts:
        parts, depth, start = [], 0, 0
        for i, ch in enumerate(text):
            depth += (ch == "(") - (ch == ")")
            if ch == "," and depth == 0:
                parts.append(text[start:i])
                start = i + 1
        parts.append(text[start:])
        for part in parts:
            name, eq, value = part.partition("=")
            if not eq or not name.strip() or not value.strip():
                raise UsageError(f"argument --sub: expected name=expression like x=cos(t), "
                                 f"got {part.strip()!r}")  # fmt: skip
            key = str(_variable(name.strip(), "--sub"))
            if key in out:
                raise UsageError(f"argument --sub: {key} is given twice")
            out[key] = value.strip()
    return out


def run_total_derivative(args: argparse.Namespace) -> int:
    """The chain rule written out term by term, and the value at a point."""
    from mvcalc import symbolic

    expr = symbolic.parse(args.expression)
    mapping = {name: symbolic.parse(text) for name, text in _assignments(args.sub).items()}
    given = set(mapping)
    if args.wrt is not None:
        t = _variable(args.wrt, "--wrt")
    else:
        used = sorted({str(s) for v in mapping.values() for s in v.free_symbols} - given)
        if len(used) != 1:
            which = ", ".join(used) if used else "no variable"
            raise UsageError(f"give the variable with --wrt (the substitutions use {which})")
        t = _variable(used[0], "--wrt")
    missing = sorted(str(s) for s in expr.free_symbols if str(s) not in given and s != t)
    if missing:
        verb = "depends" if len(missing) == 1 else "depend"
        raise UsageError(
            f"argument --sub: say how {', '.join(missing)} {verb} on {t} (or, if not at all, "
            f"differentiate with mvcalc diff --wrt {t})"
        )
    record = symbolic.total_derivative(expr, t, mapping, full_output=True)
    print(record.text())
    if args.at is not None:
        point = _point_of(args.at, {t})
        value = symbolic.evaluate(record.simplified, point, name=f"df/d{t}")
        print(f"at {value.where}:  df/d{t} = {inline(value.exact)} ≈ {value.value:.15g}")
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
    exact = symbolic.derivative_at(expr, where, variable).value  # or why there is none
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
    if args.out is not None:
        save(plots.step_size_error(study), args.out)
    else:
        print("(no figure written: give --out FILE.png to draw error against h)")
    return 0
