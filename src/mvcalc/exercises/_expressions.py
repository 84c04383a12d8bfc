"""Checking a learner's answer written as maths text: a derivative, a Jacobian, a Hessian.

A week exercise may ask for an expression rather than a program: the learner's function returns
text such as ``"3x^2 cos(x) - x^3 sin(x)"`` (or a list of rows of such texts for a matrix). The
text is read only by the safe parser (:func:`mvcalc.symbolic.parse`; nothing is executed), then
compared with the verified answer twice:

* **numerically**, at random points from a fixed-seed generator: this is what names a mistake —
  each mistake the check knows is an expression too, and an answer that agrees with one of them
  at every point is that mistake ("the inner derivative is missing"); otherwise the feedback
  says where the answer and the right one differ, and by how much;
* **symbolically**, once the numbers agree: SymPy must show that the difference simplifies to 0,
  with the variables real. An answer that agrees at every point but that SymPy cannot show equal
  is not passed; the feedback says so.

Examples
--------
>>> import sympy
>>> from mvcalc.exercises._expressions import compare_expression
>>> x = sympy.Symbol("x")
>>> want = sympy.diff(x**3 * sympy.cos(x), x)
>>> compare_expression("d_product", "3x^2 cos(x) - x^3 sin(x)", want, [x]).ok
True
>>> print(compare_expression("d_product", "3x^2 cos(x)", want, [x],
...       mistakes={"a term of the product rule is missing": 3 * x**2 * sympy.cos(x)}).feedback)
a term of the product rule is missing
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy

from mvcalc import _budget, symbolic
from mvcalc._numeric import numeric_function
from mvcalc.exercises import Verdict

__all__ = ["compare_expression", "compare_matrix", "read_expression"]

#: random points at which answers are compared
POINTS = 9
#: seconds SymPy may take to show that an answer equals the right one
SECONDS = 10.0
_RTOL, _ATOL = 1e-9, 1e-12


class _Unreadable(Exception):
    """The learner's answer is not maths text the checks can use; the message says why."""


def read_expression(answer: Any, variables: Sequence[sympy.Symbol], what: str = "answer",
                    hint: str = "") -> sympy.Expr:  # fmt: skip
    """The learner's answer as a SymPy expression in ``variables`` (matched by name).

    Text is read by :func:`mvcalc.symbolic.parse`; a number or a SymPy expression is written
    out and read the same way. Raises ``ValueError`` with a message for the learner, ending
    with ``hint`` when the answer uses a variable it should not.

    Examples
    --------
    >>> import sympy
    >>> from mvcalc.exercises._expressions import read_expression
    >>> read_expression("2x cos(x^2)", [sympy.Symbol("x")])
    2*x*cos(x**2)
    >>> read_expression("2t", [sympy.Symbol("x")])
    Traceback (most recent call last):
    ValueError: the answer uses t, but it should be written in x only
    """
    v = variables[0].name if variables else "x"
    example = f"such as '3*{v}^2'"
    if isinstance(answer, bool) or answer is None:
        raise ValueError(f"returned {answer!r}, expected the {what} as text, {example}")
    if isinstance(answer, int | float | np.integer | np.floating):
        text = repr(float(answer)) if isinstance(answer, float | np.floating) else str(answer)
    elif isinstance(answer, sympy.Basic):
        text = sympy.sstr(answer)
    elif isinstance(answer, str):
        text = answer
    else:
        raise ValueError(f"returned {type(answer).__name__}, expected the {what} as text, "
                         f"{example}")  # fmt: skip
    if not text.strip():
        raise ValueError(f"returned empty text, expected the {what}")
    try:
        expr = symbolic.parse(text)
    except ValueError as exc:  # ParseError: already in the learner's words
        raise ValueError(str(exc)) from None
    names = {v.name: v for v in variables}
    unknown = sorted(s.name for s in expr.free_symbols if s.name not in names)
    if unknown:
        allowed = ", ".join(names)
        message = (f"the {what} uses {', '.join(unknown)}, but it should be written in "
                   f"{allowed} only")  # fmt: skip
        glued = [u for u in unknown if set(u) <= set(names) and len(u) > 1]
        if glued:
            product = "*".join(glued[0])
            message += f" ({glued[0]} is one name: write the product as {product})"
        raise ValueError(message + hint)
    return expr.xreplace({s: names[s.name] for s in expr.free_symbols})


def _points(variables: Sequence[sympy.Symbol], box: tuple[float, float], seed: int
            ) -> list[np.ndarray]:  # fmt: skip
    rng = np.random.default_rng(seed)
    return [rng.uniform(box[0], box[1], POINTS) for _ in variables]


def _values(expr: sympy.Expr, variables: Sequence[sympy.Symbol], points: list[np.ndarray]
            ) -> np.ndarray:  # fmt: skip
    f = numeric_function(expr, list(variables), name="the answer")
    with np.errstate(all="ignore"):
        out = np.asarray(f(*points), dtype=np.float64)
    return np.broadcast_to(out, points[0].shape).copy()


def _close(got: np.ndarray, want: np.ndarray) -> bool:
    scale = max(float(np.max(np.abs(want), initial=0.0)), 1e-300)
    return bool(np.all(np.abs(got - want) <= _ATOL + _RTOL * scale))


def _vanishes(difference: sympy.Expr) -> bool:
    """Whether SymPy shows ``difference`` is 0, its variables real (module level: it may run
    in a worker under a time limit)."""
    real = {s: sympy.Symbol(s.name, real=True) for s in difference.free_symbols}
    d = difference.xreplace(real)
    if sympy.expand(d) == 0:
        return True
    return bool(sympy.simplify(d) == 0)


def _same(got: sympy.Expr, want: sympy.Expr) -> bool:
    difference = got - want
    if difference == 0:
        return True
    try:
        cheap = sympy.count_ops(difference) <= 60
        return _budget.run(_vanishes, difference, time_limit=SECONDS, cheap=cheap)
    except ValueError:  # TooCostly: SymPy could not decide in time
        return False


def _where(variables: Sequence[sympy.Symbol], points: list[np.ndarray], i: int) -> str:
    names = ", ".join(v.name for v in variables)
    values = ", ".join(f"{p[i]:.4g}" for p in points)
    return f"{names} = {values}" if len(variables) == 1 else f"({names}) = ({values})"


def compare_expression(
    name: str,
    answer: Any,
    want: sympy.Expr,
    variables: Sequence[sympy.Symbol],
    *,
    mistakes: Mapping[str, sympy.Expr] | None = None,
    what: str = "derivative",
    hint: str = "",
    box: tuple[float, float] = (-2.0, 2.0),
    seed: int = 0,
) -> Verdict:
    """The verdict on an expression the learner wrote, against the verified ``want``.

    Parameters
    ----------
    name : str
        The exercise.
    answer : str or sympy.Expr or number
        What the learner's function returned.
    want : sympy.Expr
        The right answer, in ``variables``.
    variables : sequence of sympy.Symbol
        The variables the answer may use.
    mistakes : mapping of str to sympy.Expr, optional
        Known wrong answers, each named by the mistake that gives it.
    what : str, optional
        What the answer is, for the feedback ("derivative").
    hint : str, optional
        Added to the feedback when the answer uses a variable it should not.
    box : (float, float), optional
        The random points are drawn uniformly from this interval, in every variable.
    seed : int, optional

    Returns
    -------
    Verdict

    Examples
    --------
    >>> import sympy
    >>> from mvcalc.exercises._expressions import compare_expression
    >>> x = sympy.Symbol("x")
    >>> compare_expression("d", "-cos(x)", sympy.cos(x), [x]).feedback
    'has the wrong sign'
    """
    try:
        got = read_expression(answer, variables, what, hint)
        points = _points(variables, box, seed)
        want_values = _values(want, variables, points)
        got_values = _values(got, variables, points)
    except ValueError as exc:
        return Verdict(name, False, str(exc))
    finite = np.isfinite(want_values)
    bad = finite & ~np.isfinite(got_values)
    if np.any(bad):
        i = int(np.argmax(bad))
        return Verdict(name, False, f"is not defined at {_where(variables, points, i)}, where "
                                    f"the {what} is {want_values[i]:.6g}")  # fmt: skip
    got_values, want_values = got_values[finite], want_values[finite]
    kept = [p[finite] for p in points]
    if _close(got_values, want_values):
        if _same(got, want):
            return Verdict(name, True)
        return Verdict(name, False, f"agrees with the {what} at {POINTS} random points, but "
                                    f"SymPy cannot show that it is the same expression: write "
                                    f"it out more plainly")  # fmt: skip
    for mistake, wrong in (mistakes or {}).items():
        wrong_values = _values(wrong, variables, points)[finite]
        if _close(got_values, wrong_values):
            return Verdict(name, False, mistake)
    if _close(-got_values, want_values):
        return Verdict(name, False, "has the wrong sign")
    difference = np.abs(got_values - want_values)
    i = int(np.argmax(difference))
    at = _where(variables, kept, i)
    return Verdict(name, False, f"is not the {what}: at {at} it gives {got_values[i]:.6g}, "
                                f"the {what} is {want_values[i]:.6g}")  # fmt: skip


def _rows(answer: Any, what: str) -> list[list[Any]]:
    if isinstance(answer, sympy.MatrixBase):
        return [list(answer.row(i)) for i in range(answer.rows)]
    if isinstance(answer, np.ndarray) and answer.ndim == 2:
        return [list(row) for row in answer]
    if not isinstance(answer, list | tuple) or not all(isinstance(r, list | tuple) for r in answer):
        got = "None" if answer is None else type(answer).__name__
        raise _Unreadable(f"returned {got}, expected the {what} as a list of rows of text, "
                          f"such as [['2*x', 'y'], ['0', 'cos(y)']]")  # fmt: skip
    return [list(r) for r in answer]


def compare_matrix(
    name: str,
    answer: Any,
    want: sympy.Matrix,
    variables: Sequence[sympy.Symbol],
    *,
    labels: Callable[[int, int], str],
    mistakes: Mapping[str, sympy.Matrix] | None = None,
    what: str = "Jacobian",
    rows_are: str = "one row per function",
    box: tuple[float, float] = (-2.0, 2.0),
    seed: int = 0,
) -> Verdict:
    """The verdict on a matrix of expressions (a list of rows of text), against ``want``.

    Parameters
    ----------
    name : str
    answer : list of lists of str, or sympy.Matrix
    want : sympy.Matrix
    variables : sequence of sympy.Symbol
    labels : callable
        ``labels(i, j)`` names entry [i][j] for the feedback (``"∂u/∂y"``).
    mistakes : mapping of str to sympy.Matrix, optional
        Known wrong matrices, each named by its mistake.
    what : str, optional
        "Jacobian" or "Hessian", for the feedback.
    rows_are : str, optional
        What a row holds, for the feedback on a wrong shape.
    box : (float, float), optional
    seed : int, optional

    Returns
    -------
    Verdict

    Examples
    --------
    >>> import sympy
    >>> from mvcalc.exercises._expressions import compare_matrix
    >>> x, y = sympy.symbols("x y")
    >>> J = sympy.Matrix([[y, x], [1, 1]])
    >>> label = lambda i, j: f"[{i}][{j}]"
    >>> compare_matrix("J", [["y", "x"], ["1", "1"]], J, [x, y], labels=label).ok
    True
    >>> compare_matrix("J", [["y", "1"], ["x", "1"]], J, [x, y], labels=label).feedback
    'has rows and columns swapped (the transpose): one row per function'
    """
    m, n = want.shape
    try:
        rows = _rows(answer, what)
    except _Unreadable as exc:
        return Verdict(name, False, str(exc))
    shape = (len(rows), max((len(r) for r in rows), default=0))
    if shape != (m, n) or any(len(r) != n for r in rows):
        lengths = sorted({len(r) for r in rows})
        counted = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
        got = f"{counted} of {' or '.join(map(str, lengths))} entries" if rows else "no rows"
        swapped = " (the transpose?)" if shape == (n, m) and m != n else ""
        return Verdict(name, False, f"returned {got}{swapped}; expected {m} rows of {n} "
                                    f"entries: {rows_are}")  # fmt: skip
    points = _points(variables, box, seed)
    got_matrix: list[list[sympy.Expr]] = []
    got_values = np.empty((m, n, POINTS))
    want_values = np.empty((m, n, POINTS))
    for i in range(m):
        got_matrix.append([])
        for j in range(n):
            try:
                entry = read_expression(rows[i][j], variables, "entry")
                got_values[i, j] = _values(entry, variables, points)
            except ValueError as exc:
                return Verdict(name, False, f"entry [{i}][{j}] ({labels(i, j)}): {exc}")
            got_matrix[i].append(entry)
            want_values[i, j] = _values(want[i, j], variables, points)
    finite = np.all(np.isfinite(want_values), axis=(0, 1))
    got_values, want_values = got_values[..., finite], want_values[..., finite]
    kept = [p[finite] for p in points]
    if not np.all(np.isfinite(got_values)):
        i, j, k = (int(a[0]) for a in np.nonzero(~np.isfinite(got_values)))
        return Verdict(name, False, f"entry [{i}][{j}] ({labels(i, j)}) is not defined at "
                                    f"{_where(variables, kept, k)}")  # fmt: skip
    if _close(got_values, want_values):
        for i in range(m):
            for j in range(n):
                if not _same(got_matrix[i][j], want[i, j]):
                    return Verdict(name, False, f"entry [{i}][{j}] ({labels(i, j)}) agrees at "
                                                f"{POINTS} random points, but SymPy cannot show "
                                                f"that it is the same expression: write it out "
                                                f"more plainly")  # fmt: skip
        return Verdict(name, True)
    if m == n and _close(got_values.swapaxes(0, 1), want_values):
        return Verdict(name, False, f"has rows and columns swapped (the transpose): {rows_are}")
    for mistake, wrong in (mistakes or {}).items():
        wrong_values = np.stack([np.stack([_values(wrong[i, j], variables, points)
                                           for j in range(n)]) for i in range(m)])  # fmt: skip
        if _close(got_values, wrong_values[..., finite]):
            return Verdict(name, False, mistake)
    if _close(-got_values, want_values):
        return Verdict(name, False, "has the wrong sign")
    wrong = [
        (i, j) for i in range(m) for j in range(n)
        if not _close(got_values[i, j], want_values[i, j])
    ]  # fmt: skip
    i, j = wrong[0]
    k = int(np.argmax(np.abs(got_values[i, j] - want_values[i, j])))
    others = f" ({len(wrong) - 1} other entries are wrong too)" if len(wrong) > 1 else ""
    if len(wrong) == 2:
        others = " (1 other entry is wrong too)"
    return Verdict(
        name,
        False,
        f"entry [{i}][{j}] ({labels(i, j)}) is not right: at {_where(variables, kept, k)} it "
        f"gives {got_values[i, j, k]:.6g}, it should be {want_values[i, j, k]:.6g}{others}",
    )
