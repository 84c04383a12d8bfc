"""The course's notebooks, executed from top to bottom in a Jupyter kernel, in two states.

* **As shipped**: every cell runs without an error, and every check cell answers "not yet" (the
  learner has written nothing, so nothing may be ✓).
* **With the reference solutions**: the source of every cell tagged ``exercise`` is replaced by
  code that binds the names that cell defines to those of ``tests/solutions/<assignment>.py``;
  every cell runs, every check cell shows only ✓ and "k/k correct", and figures are drawn.

Every notebook in ``src/mvcalc/notebooks`` is tested, so a new one is picked up as it appears, and
each must have its reference solution: a missing one fails, it is never skipped.

The kernel is ipykernel's "python3" in this virtualenv (jupyter_client starts it with this
interpreter), with ``MPLBACKEND=Agg``: a notebook must turn on inline figures itself
(``%matplotlib inline``), so that it draws in any environment.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from nbclient import NotebookClient

import mvcalc
from mvcalc.exercises import ASSIGNMENTS, exercises

NOTEBOOK_DIR = Path(mvcalc.__file__).parent / "notebooks"
SOLUTIONS = Path(__file__).parent / "solutions"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]

#: The file names are fixed by issue 14, each with its assignment.
EXPECTED = {
    "1-Backpropagation.ipynb": "backprop",
    "2-FittingDistribution.ipynb": "heights",
    "week1-Derivatives.ipynb": "week1",
    "week2-Jacobians-and-Hessians.ipynb": "week2",
    "week3-Chain-rule-and-networks.ipynb": "week3",
    "week4-Taylor-series.ipynb": "week4",
    "week5-Optimisation.ipynb": "week5",
    "week6-Least-squares.ipynb": "week6",
}

CELL_TIMEOUT = 120  # seconds for one cell; a notebook as a whole takes well under 30 s
CHECK_CALL = re.compile(r"exercises\.check\(")
SUMMARY = re.compile(r"^(\d+)/(\d+) correct$")
# the one line a cell that waits for the learner's functions prints while they are unfinished
UNFINISHED = re.compile(r"\b(finish|complete)\b.*\bfirst\b", re.IGNORECASE)


def read(path: Path) -> Any:
    return nbformat.read(path, as_version=4)


def assignment_of(nb: Any) -> str:
    return str(nb.metadata["mvcalc"]["assignment"])


def code_cells(nb: Any) -> list[Any]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def is_exercise(cell: Any) -> bool:
    return "exercise" in cell.metadata.get("tags", [])


def is_check(cell: Any) -> bool:
    """A check cell shows the learner its verdicts: it calls ``mc.exercises.check`` and does not
    ask for silence (a cell that asks ``show=False`` only decides whether to draw)."""
    return bool(CHECK_CALL.search(cell.source)) and "show=False" not in cell.source


def is_guarded(cell: Any) -> bool:
    """A cell that uses the learner's functions only once they are right (it asks
    ``mc.exercises.check(..., show=False)`` first)."""
    return bool(CHECK_CALL.search(cell.source)) and "show=False" in cell.source


def draws(cell: Any) -> bool:
    return any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))


def parse(source: str) -> ast.Module:
    """A cell's code, its IPython magics (``%matplotlib inline``) turned into Python as the
    kernel turns them."""
    return ast.parse(TransformerManager().transform_cell(source))


def defined_names(source: str) -> list[str]:
    """The names a cell binds at its top level (functions, classes, assignments)."""
    names: list[str] = []
    for node in parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def checked_names(source: str) -> list[tuple[str, ...]]:
    """The arguments of each ``….exercises.check("assignment", "name", …)`` call in a cell."""
    calls = []
    for node in ast.walk(parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "check"
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "exercises"
        ):
            calls.append(tuple(ast.literal_eval(arg) for arg in node.args))
    return calls


def text_output(cell: Any) -> str:
    """What a cell printed (its streams and its text results)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def execute(nb: Any, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run every cell in a fresh kernel; an error in any cell fails with its traceback."""
    monkeypatch.setenv("MPLBACKEND", "Agg")  # the kernel inherits it
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        startup_timeout=120,
        resources={"metadata": {"path": str(workdir)}},
    )
    return client.execute()


def solution_source(path: Path, names: list[str]) -> str:
    """A cell that binds ``names`` to the reference solution's functions."""
    lines = [
        "import runpy as _runpy",
        f"_solution = _runpy.run_path({str(path)!r})",
        *(f"{name} = _solution[{name!r}]" for name in names),
        "del _runpy, _solution",
    ]
    return "\n".join(lines)


def with_solutions(nb: Any, name: str) -> Any:
    """The notebook with each exercise cell replaced by the reference solution's functions."""
    assignment = assignment_of(nb)
    path = SOLUTIONS / f"{assignment}.py"
    if not path.is_file():
        pytest.fail(
            f"{name} is assignment {assignment!r}, but there is no reference solution "
            f"tests/solutions/{assignment}.py: every shipped notebook must have one"
        )
    solution = path.read_text(encoding="utf-8")
    offered = set(defined_names(solution))
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not is_exercise(cell):
            continue
        names = defined_names(cell.source)
        missing = [n for n in names if n not in offered]
        assert not missing, (
            f"{name}: exercise cell {index} defines {missing}, which "
            f"tests/solutions/{assignment}.py does not define"
        )
        cell.source = solution_source(path, names)
    return nb


# ------------------------------------------------------------------------------------------
# The notebooks as files: the conventions the harness and the grader rely on
# ------------------------------------------------------------------------------------------


def test_every_notebook_of_the_course_is_shipped() -> None:
    """The eight notebooks of issue 14, under their fixed names, and nothing else."""
    assert sorted(p.name for p in NOTEBOOKS) == sorted(EXPECTED)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_follows_the_conventions(path: Path) -> None:
    """Its assignment in the metadata, outputs cleared, a stub and a check for every exercise."""
    nb = read(path)
    nbformat.validate(nb)
    assignment = assignment_of(nb)
    assert assignment in ASSIGNMENTS
    assert EXPECTED.get(path.name) == assignment, f"{path.name} is not assignment {assignment!r}"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in code_cells(nb):  # committed with outputs cleared
        assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]

    table = exercises(assignment)
    stubs = [name for cell in code_cells(nb) if is_exercise(cell)
             for name in defined_names(cell.source)]  # fmt: skip
    missing = [name for name in table if name not in stubs]
    assert not missing, f"{path.name}: no exercise cell defines {missing}"

    checked: set[str] = set()
    for cell in code_cells(nb):
        for args in checked_names(cell.source):
            assert args and args[0] == assignment, f"{path.name}: check{args} in a {assignment}"
            assert set(args[1:]) <= set(table), f"{path.name}: check{args}: unknown exercise"
            checked |= set(args[1:]) if len(args) > 1 else set(table)
    unchecked = [name for name in table if name not in checked]
    assert not unchecked, f"{path.name}: no check cell checks {unchecked}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_each_exercise_cell_is_followed_by_its_check(path: Path) -> None:
    """A learner who completes an exercise cell finds, in the next code cell, its check."""
    nb = read(path)
    cells = code_cells(nb)
    for index, cell in enumerate(cells):
        if not is_exercise(cell):
            continue
        exercise_names = set(defined_names(cell.source)) & set(exercises(assignment_of(nb)))
        following = cells[index + 1] if index + 1 < len(cells) else None
        assert following is not None and is_check(following), (
            f"{path.name}: exercise cell defining {sorted(exercise_names)} is not followed by a "
            "check cell"
        )
        calls = checked_names(following.source)
        named = {name for args in calls for name in args[1:]}
        everything = any(len(args) == 1 for args in calls)
        assert everything or exercise_names <= named, (
            f"{path.name}: the check after {sorted(exercise_names)} checks {sorted(named)}"
        )


def test_the_harness_reads_cells() -> None:
    """The harness's own parts, on known cells: the names a cell defines and those it checks."""
    source = 'def d_sigma(z):\n    return None\nN = 3\nmc.exercises.check("backprop", "d_sigma")'
    assert defined_names(source) == ["d_sigma", "N"]
    assert checked_names(source) == [("backprop", "d_sigma")]
    assert checked_names("mc.exercises.check('heights')") == [("heights",)]
    assert not is_check(nbformat.v4.new_code_cell('r = mc.exercises.check("x", show=False)'))


# ------------------------------------------------------------------------------------------
# The notebooks executed
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_as_shipped_every_check_says_not_yet(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A learner who opens the notebook and runs it all: no error, and "not yet" everywhere."""
    nb = execute(read(path), tmp_path, monkeypatch)
    checks = [cell for cell in code_cells(nb) if is_check(cell)]
    assert checks, f"{path.name} has no check cell"
    for cell in code_cells(nb):
        assert cell.execution_count is not None, f"not executed: {cell.source[:60]}"
    for cell in checks:
        shown = text_output(cell)
        assert "not yet" in shown, f"{path.name}: {cell.source!r} printed {shown!r}"
        assert "✓" not in shown, f"{path.name}: {cell.source!r} printed {shown!r}"
        last = shown.strip().splitlines()[-1]
        match = SUMMARY.match(last)
        assert match and match[1] == "0", f"{path.name}: {cell.source!r} ended with {last!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_with_the_reference_solutions_every_check_passes(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A learner who has solved everything: only ✓, and the cells that wait for the learner's
    functions draw with them."""
    nb = execute(with_solutions(read(path), path.name), tmp_path, monkeypatch)
    for cell in code_cells(nb):
        assert cell.execution_count is not None, f"not executed: {cell.source[:60]}"
    checks = [cell for cell in code_cells(nb) if is_check(cell)]
    assert checks, f"{path.name} has no check cell"
    for cell in checks:
        lines = text_output(cell).strip().splitlines()
        assert lines, f"{path.name}: {cell.source!r} printed nothing"
        match = SUMMARY.match(lines[-1])
        assert match, f"{path.name}: {cell.source!r} ended with {lines[-1]!r}"
        verdicts = lines[:-1]
        assert verdicts and all(line.endswith("✓") for line in verdicts), (
            f"{path.name}: {cell.source!r} printed {lines!r}"
        )
        assert match[1] == match[2] == str(len(verdicts)), lines
    for cell in code_cells(nb):  # no cell says that an exercise is unfinished
        shown = text_output(cell)
        assert not UNFINISHED.search(shown), (cell.source[:60], shown)
    assert any(draws(cell) for cell in code_cells(nb)), f"{path.name} drew no figure"
    guarded = [cell for cell in code_cells(nb) if is_guarded(cell)]
    if guarded:  # the cells that wait for the learner's functions draw with them
        assert any(draws(cell) for cell in guarded), f"{path.name}: no guarded cell drew"
