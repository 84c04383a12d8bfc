"""``mvcalc grade`` and ``mvcalc course``: the course's exercises, for learners and teachers.

``mvcalc course [DIR]`` writes the course's eight notebooks into DIR (default
``./mvcalc-course``), never over a learner's work. ``mvcalc grade ASSIGNMENT PATH ...`` checks
learners' notebooks or ``.py`` files, each run in a process of its own with a time and a memory
limit (:mod:`mvcalc.exercises._grade`), and prints one line per exercise and "k/n correct";
``--csv FILE`` writes one row per file, for a teacher's class.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from mvcalc.cli._args import Parser, Subparsers, UsageError, positive_float
from mvcalc.exercises import ASSIGNMENTS

__all__ = ["MAX_TIMEOUT", "add", "notebooks", "run_course", "run_grade"]

#: The longest --timeout accepted (seconds): an hour per file.
MAX_TIMEOUT = 3600.0


def add(sub: Subparsers[Parser]) -> None:
    """Add ``grade`` and ``course``."""
    g = sub.add_parser(
        "grade",
        help="check a learner's notebook or .py file, exercise by exercise",
        description=(
            "Check the exercises of ASSIGNMENT in each PATH, a learner's .py file or .ipynb "
            "notebook (its code cells). The learner's code runs in a process of its own with a "
            "time limit and a memory limit, so that a hang, a crash or an exit in it is reported "
            "and never stops the grader. Each function is checked on random inputs against "
            "mvcalc's verified implementations. Prints one line per exercise (✓, or 'not yet' "
            "and what to change), then 'k/n correct'. Exit status: 0 when every exercise of "
            "every file is correct, 1 when some are not, 2 for a mistake in the command line."
        ),
    )
    g.add_argument("assignment", choices=ASSIGNMENTS, metavar="ASSIGNMENT",
                   help="one of %(choices)s")  # fmt: skip
    g.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                   help="a .py file or an .ipynb notebook (several for a class)")  # fmt: skip
    g.add_argument("--timeout", type=positive_float, default=60.0, metavar="SECONDS",
                   help="the time each file's code may take, in all (default: 60)")  # fmt: skip
    g.add_argument("--csv", type=Path, default=None, metavar="FILE",
                   help="also write one row per file: path, 1/0 per exercise, correct, total, "
                   "error")  # fmt: skip
    g.set_defaults(run=run_grade)

    c = sub.add_parser(
        "course",
        help="write the course's notebooks into a folder, to work through",
        description=(
            "Write the course's notebooks — six weeks and the two assignments — into DIR "
            "(default: ./mvcalc-course). A notebook already there is kept: your work is never "
            "overwritten, unless --force is given."
        ),
    )
    c.add_argument("directory", nargs="?", type=Path, default=Path("mvcalc-course"),
                   metavar="DIR", help="where to write them (default: mvcalc-course)")  # fmt: skip
    c.add_argument("--force", action="store_true",
                   help="overwrite the notebooks already in DIR (losing that work)")  # fmt: skip
    c.set_defaults(run=run_course)


# --------------------------------------------------------------------------------------------
# mvcalc grade
# --------------------------------------------------------------------------------------------


def run_grade(args: argparse.Namespace) -> int:
    """Grade every file; print each report; write the CSV; 0 when all are correct."""
    from mvcalc.exercises import exercises
    from mvcalc.exercises._grade import grade, read_units

    if args.timeout > MAX_TIMEOUT:
        raise UsageError(f"argument --timeout: at most {MAX_TIMEOUT:g} s, got {args.timeout:g}")
    for path in args.paths:  # every file readable before any is graded
        try:
            read_units(path)
        except ValueError as exc:
            raise UsageError(str(exc).removeprefix("path: ")) from None
    if args.csv is not None:
        if args.csv.suffix.lower() != ".csv":
            raise UsageError(f"argument --csv: expected a file name ending in .csv, got "
                             f"{str(args.csv)!r}")  # fmt: skip
        if not args.csv.parent.is_dir():
            raise UsageError(f"argument --csv: no folder {str(args.csv.parent)!r} to write "
                             "it in")  # fmt: skip
    names = list(exercises(args.assignment))
    several = len(args.paths) > 1
    rows = []
    all_correct = 0
    for i, path in enumerate(args.paths):
        report = grade(args.assignment, path, timeout=args.timeout)
        if several:
            print(("\n" if i else "") + f"== {path} ==")
        print(report.text(), flush=True)
        all_correct += report.all_correct
        ok = {v.name: v.ok for v in report.verdicts}
        rows.append([str(path), *(int(ok.get(n, False)) for n in names), report.correct,
                     report.total, report.error or ""])  # fmt: skip
    if several:
        print(f"\n{all_correct}/{len(args.paths)} files with every exercise correct")
    if args.csv is not None:
        try:
            with open(args.csv, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["path", *names, "correct", "total", "error"])
                writer.writerows(rows)
        except OSError as exc:
            raise UsageError(f"cannot write {str(args.csv)!r}: {exc.strerror or exc}") from exc
        print(f"grades written to {args.csv}")
    return 0 if all_correct == len(args.paths) else 1


# --------------------------------------------------------------------------------------------
# mvcalc course
# --------------------------------------------------------------------------------------------


def notebooks() -> list[Traversable]:
    """The course's notebooks shipped with mvcalc, by name.

    Returns
    -------
    list of importlib.resources.abc.Traversable
        The ``.ipynb`` files of :mod:`mvcalc.notebooks`, sorted by name.

    Examples
    --------
    >>> from mvcalc.cli.grade import notebooks
    >>> all(nb.name.endswith(".ipynb") for nb in notebooks())
    True
    """
    folder = resources.files("mvcalc.notebooks")
    found = [p for p in folder.iterdir() if p.name.endswith(".ipynb") and p.is_file()]
    return sorted(found, key=lambda p: p.name)


def run_course(args: argparse.Namespace) -> int:
    """Copy the notebooks into the folder, keeping any already there."""
    shipped = notebooks()
    target: Path = args.directory
    if not shipped:
        raise UsageError("this installation of mvcalc has no notebooks (reinstall mvcalc)")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{str(target)!r} is a file, not a folder")
    written: list[Path] = []
    replaced: list[Path] = []
    kept: list[Path] = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for notebook in shipped:
            destination = target / notebook.name
            if destination.exists() and not args.force:
                kept.append(destination)
                continue
            (replaced if destination.exists() else written).append(destination)
            destination.write_bytes(notebook.read_bytes())
    except OSError as exc:
        raise UsageError(f"cannot write in {str(target)!r}: {exc.strerror or exc}") from exc
    for path in written:
        print(f"wrote     {path}")
    for path in replaced:
        print(f"replaced  {path} (--force)")
    for path in kept:
        print(f"kept      {path} (it is already there: your work is never overwritten; "
              "--force replaces it)")  # fmt: skip
    print(f"\nopen them in JupyterLab:  jupyter lab {target}   (or `make course` in mvcalc's "
          "source folder)")  # fmt: skip
    if importlib.util.find_spec("jupyterlab") is None:
        print("  JupyterLab is not installed here: pip install 'mvcalc[course]'")
    example = shipped[0]
    print(f"check your work from the shell:  mvcalc grade {_assignment(example)} "
          f"{target / example.name}")  # fmt: skip
    return 0


def _assignment(notebook: Traversable) -> str:
    """The assignment a notebook's metadata names (``{"mvcalc": {"assignment": …}}``)."""
    try:
        name = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["mvcalc"]["assignment"]
    except (OSError, ValueError, KeyError, TypeError):
        return "ASSIGNMENT"
    return name if name in ASSIGNMENTS else "ASSIGNMENT"
