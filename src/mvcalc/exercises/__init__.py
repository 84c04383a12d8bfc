"""The course's exercises, checked: behind ``mvcalc grade`` and the notebooks' check cells.

Each assignment — ``backprop``, ``heights``, ``week1`` … ``week6`` — is a module of this package
with a table ``EXERCISES``: the name of a function the learner writes, and its check. A check
calls the learner's function on random inputs (random networks, random points — not only the
course's values) and compares what comes back with mvcalc's verified implementations; it returns
a :class:`Verdict`: ✓, or "not yet" with feedback specific enough to act on (the shape expected;
a missing σ′ factor, a transposed result, a missing 1/N, a wrong sign, named as such when the
numbers show it; otherwise the largest difference and where).

In a notebook, a check cell calls :func:`check` on the functions the notebook defines::

    import mvcalc as mc
    mc.exercises.check("backprop", "J_W3")

From the shell, ``mvcalc grade backprop work.ipynb`` runs a learner's file in a process of its
own, with time and memory limits, and checks it the same way (:func:`grade`).

Examples
--------
>>> from mvcalc import exercises
>>> exercises.ASSIGNMENTS[:2]
('backprop', 'heights')
>>> v = exercises.Verdict("d_sigma", ok=False, feedback="returned shape (3,), expected (4,)")
>>> v.line()
'd_sigma  not yet: returned shape (3,), expected (4,)'
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mvcalc._validate import one_of

__all__ = ["ASSIGNMENTS", "Check", "Report", "Verdict", "check", "exercises"]

ASSIGNMENTS = ("backprop", "heights", "week1", "week2", "week3", "week4", "week5", "week6")


@dataclass(frozen=True)
class Verdict:
    """The outcome of one exercise: ✓, or "not yet" and what to change.

    Examples
    --------
    >>> from mvcalc.exercises import Verdict
    >>> Verdict("chi_squared", ok=True).line()
    'chi_squared  ✓'
    """

    name: str
    ok: bool
    feedback: str = ""

    def line(self) -> str:
        """One line: the name, then ✓ or "not yet: …"."""
        return f"{self.name}  ✓" if self.ok else f"{self.name}  not yet: {self.feedback}"


@dataclass
class Report:
    """The verdicts on one assignment, in the order of its exercises.

    Examples
    --------
    >>> from mvcalc.exercises import Report, Verdict
    >>> r = Report("heights", [Verdict("chi_squared", True), Verdict("d_chi_squared", False, "x")])
    >>> r.correct, r.total
    (1, 2)
    >>> print(r.text().splitlines()[-1])
    1/2 correct
    """

    assignment: str
    verdicts: list[Verdict] = field(default_factory=list)
    error: str | None = None  # the learner's code as a whole failed (it did not run, or hung)

    @property
    def correct(self) -> int:
        return sum(v.ok for v in self.verdicts)

    @property
    def total(self) -> int:
        return len(self.verdicts)

    @property
    def all_correct(self) -> bool:
        return self.error is None and self.total > 0 and self.correct == self.total

    def text(self) -> str:
        """One line per exercise, then "k/n correct"."""
        lines = [v.line() for v in self.verdicts]
        if self.error:
            lines.insert(0, f"your code: {self.error}")
        return "\n".join([*lines, f"{self.correct}/{self.total} correct"])

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:  # short: a check cell has printed the lines already
        return f"<Report {self.assignment}: {self.correct}/{self.total} correct>"


#: A check: given the learner's names (a notebook's globals, or a file's), its verdict.
Check = Callable[[Mapping[str, Any]], Verdict]


def exercises(assignment: str) -> dict[str, Check]:
    """The exercises of an assignment, in order: name → check.

    Examples
    --------
    >>> from mvcalc import exercises
    >>> list(exercises.exercises("heights"))
    ['chi_squared', 'd_chi_squared', 'steepest_step']
    """
    one_of(assignment, ASSIGNMENTS, "assignment")
    module = importlib.import_module(f"mvcalc.exercises.{assignment}")
    table: dict[str, Check] = module.EXERCISES
    return table


def run_checks(assignment: str, namespace: Mapping[str, Any], names: tuple[str, ...] = ()
               ) -> Report:  # fmt: skip
    """The verdicts on ``names`` (default: every exercise) among the learner's ``namespace``."""
    table = exercises(assignment)
    for name in names:
        if name not in table:
            raise ValueError(
                f"names: {assignment} has no exercise {name!r}; its exercises are {list(table)}"
            )
    report = Report(assignment)
    for name in names or tuple(table):
        if not callable(namespace.get(name)):
            what = "is not defined yet" if name not in namespace else "is not a function"
            report.verdicts.append(Verdict(name, False, f"{name} {what}"))
            continue
        try:
            report.verdicts.append(table[name](namespace))
        except Exception as exc:  # a check never takes the learner's notebook down
            report.verdicts.append(Verdict(name, False, describe(exc)))
    return report


def describe(exc: BaseException) -> str:
    """An exception from the learner's code, in one line, with the line of their code it came
    from where the traceback shows one.

    The learner's code is recognised by its file name: a notebook's cell (``<ipython-input-…>``
    or ``…/ipykernel_…/….py``), or what :func:`grade` compiles it under — ``<learner>`` for a
    ``.py`` file, ``<learner cell K>`` for the K-th code cell of a notebook.

    Examples
    --------
    >>> from mvcalc.exercises import describe
    >>> try:
    ...     1 / 0
    ... except ZeroDivisionError as exc:
    ...     print(describe(exc))      # from the learner's code, the line is added (test_grade)
    raised ZeroDivisionError: division by zero
    """
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        filename = code.co_filename
        inside = "" if code.co_name.startswith("<") else f", in {code.co_name}"
        if filename.startswith("<learner cell "):
            cell = filename[len("<learner cell ") :].rstrip(">")
            where = f" (code cell {cell}, line {tb.tb_lineno}{inside})"
        elif filename.startswith("<learner"):
            where = f" (line {tb.tb_lineno} of your code{inside})"
        elif filename.startswith("<ipython-input") or "/ipykernel_" in filename:
            where = f" (line {tb.tb_lineno} of its cell{inside})"
        tb = tb.tb_next
    if isinstance(exc, MemoryError):
        return f"ran out of memory (MemoryError){where}"
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"raised {type(exc).__name__}{': ' + text if text else ''}{where}"


def check(assignment: str, *names: str, namespace: Mapping[str, Any] | None = None,
          show: bool = True) -> Report:  # fmt: skip
    """Check the learner's functions: the check cell of a notebook.

    Parameters
    ----------
    assignment : str
        ``"backprop"``, ``"heights"`` or ``"week1"`` … ``"week6"``.
    *names : str
        The exercises to check (default: all of the assignment's).
    namespace : mapping, optional
        Where the learner's functions are (default: the caller's globals — the notebook).
    show : bool, optional
        Print the report (default True).

    Returns
    -------
    Report
        One verdict per exercise.

    Examples
    --------
    >>> import mvcalc as mc
    >>> report = mc.exercises.check("heights", "chi_squared", namespace={}, show=False)
    >>> report.verdicts[0].line()
    'chi_squared  not yet: chi_squared is not defined yet'
    """
    one_of(assignment, ASSIGNMENTS, "assignment")
    if namespace is None:
        frame = inspect.currentframe()
        caller = frame.f_back if frame is not None else None
        namespace = caller.f_globals if caller is not None else {}
    report = run_checks(assignment, namespace, names)
    if show:
        print(report.text())
    return report


def grade(assignment: str, path: Any, *, timeout: float = 60.0) -> Report:
    """Check a learner's ``.py`` file or ``.ipynb`` notebook, run in a process of its own.

    See :func:`mvcalc.exercises._grade.grade` (the time and memory limits, what becomes of a
    hang, a crash or an exit) and ``mvcalc grade``.

    Examples
    --------
    >>> from mvcalc import exercises
    >>> try:
    ...     exercises.grade("backprop", "work.docx")
    ... except ValueError as exc:
    ...     print(exc)
    path: 'work.docx' is not a .py file or an .ipynb notebook
    """
    from mvcalc.exercises._grade import grade as _grade

    return _grade(assignment, path, timeout=timeout)
