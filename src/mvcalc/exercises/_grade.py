"""``mvcalc grade``: a learner's file run in a process of its own, and checked there.

Running the learner's code is this module's purpose, and the one place where mvcalc executes
code it did not write: a learner's ``.py`` file, or the code cells of their ``.ipynb``
notebook, is compiled and executed — never ``eval``-ed text from elsewhere, and never in the
grader's own process. It runs in a fresh Python process (``python -m mvcalc.exercises._grade``)
that the grader can always stop:

* a **time limit** (``timeout``, 60 s by default) for all the learner's code: their cells or
  file, then the checks that call their functions. An alarm in the child cuts a function that
  loops for ever, so the other exercises are still checked; a child that does not stop (a loop
  in C, an alarm swallowed) is killed, with every process it started;
* a **memory limit** (:data:`MEMORY_LIMIT` of address space beyond what the grader itself
  uses), so that a runaway allocation is a ``MemoryError`` in the learner's code;
* **output** the learner's code prints is discarded (none of it reaches the grader's terminal),
  files it writes are capped at :data:`FILE_LIMIT` bytes, standard input is empty, and
  matplotlib draws with the Agg backend (no windows open).

The checks run in the child, on the learner's functions, and send their verdicts back one by
one as lines of JSON; so a hang, a crash (a segmentation fault, ``os.abort``), ``sys.exit`` or
``os._exit`` in the learner's code becomes a "not yet" with what happened and where — "did not
finish in 60 s", "called sys.exit(3)", "raised NameError … (code cell 4, line 2)" — and never
an exception in the grader.

From a notebook, the code cells are taken in order. A cell that calls ``exercises.check`` (the
notebook's check cells, and cells that draw with the learner's functions once they are right)
is not run, unless it is the learner's and defines a function; the exercises it names are
checked there — where the learner saw their feedback, before a later cell of the notebook
could rebind a name their functions use — and an exercise no check cell names is checked at
the end. A cell magic other than ``%%time``, ``%%timeit`` or ``%%capture`` is left out; line
magics (``%matplotlib``, ``!pip``) become ``pass``. The learner's cells are those tagged
``exercise`` (every cell, in a notebook without the tag); an exception in another cell — the
notebook's own code — is not held against them.
Cells are numbered as "code cell K", counting the notebook's code cells from 1.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mvcalc._validate import one_of, positive_float
from mvcalc.exercises import ASSIGNMENTS, Report, Verdict

__all__ = ["FILE_LIMIT", "MEMORY_LIMIT", "SUFFIXES", "Unit", "grade", "read_units"]

#: The address space the learner's code may add to the grader's own (bytes).
MEMORY_LIMIT = 2 << 30
#: The largest file the learner's code may write (bytes).
FILE_LIMIT = 64 << 20
#: The largest learner's file the grader reads (bytes): a notebook with its figures saved.
READ_LIMIT = 64 << 20
#: The files the grader takes.
SUFFIXES = (".py", ".ipynb")
#: The seconds a child may take to start (a fresh Python importing NumPy and mvcalc), and
#: how long after the time limit the child is given to report before it is killed.
STARTUP_LIMIT = 60.0
GRACE = 2.0
_POLL = 0.02

_CHECK_CALL = re.compile(r"\bexercises\s*\.\s*check\s*\(|^\s*check\s*\(\s*['\"]", re.MULTILINE)
_DEFINES = re.compile(r"^\s*def\s", re.MULTILINE)
# check("backprop", "J_W3", "J_b3", ...): the assignment, then the names asked for
_CHECK_NAMES = re.compile(r"""\bcheck\s*\(\s*(['"])(\w+)\1((?:\s*,\s*(['"])\w+\4)*)""")
_HARMLESS_CELL_MAGICS = ("time", "timeit", "capture")


@dataclass(frozen=True)
class Unit:
    """A piece of the learner's code run as one: a ``.py`` file, or a notebook's code cell.

    ``filename`` is what it is compiled under (``<learner>``, ``<learner cell K>``), so that
    :func:`mvcalc.exercises.describe` can say where an exception came from; ``own`` says whether
    the learner wrote it (a ``.py`` file, a cell tagged ``exercise``, any cell of a notebook
    without such tags).
    """

    filename: str
    source: str
    where: str
    own: bool = True
    #: a check cell's calls: (assignment, names); no names means all the exercises
    checks: tuple[tuple[str, tuple[str, ...]], ...] = ()


# --------------------------------------------------------------------------------------------
# Reading the learner's file
# --------------------------------------------------------------------------------------------


def read_units(path: str | os.PathLike[str]) -> list[Unit]:
    """The learner's code in ``path``: the whole ``.py`` file, or a notebook's code cells.

    Parameters
    ----------
    path : str or path-like
        A ``.py`` file or an ``.ipynb`` notebook (read as JSON: no Jupyter needed).

    Returns
    -------
    list of Unit

    Raises
    ------
    ValueError
        If the file is missing, unreadable, too large, not ``.py``/``.ipynb``, or not a
        notebook; the message names the path.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> cells = [
    ...     {"cell_type": "markdown", "metadata": {}, "source": "# Week 1"},
    ...     {"cell_type": "code", "metadata": {"tags": ["exercise"]}, "outputs": [],
    ...      "source": ["%matplotlib inline\\n", "def f(x):\\n", "    return 2 * x"]},
    ...     {"cell_type": "code", "metadata": {}, "outputs": [],
    ...      "source": "mc.exercises.check('week1', 'f')"},
    ... ]
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "work.ipynb").write_text(json.dumps({"cells": cells, "nbformat": 4}))
    >>> [(u.filename, u.own, u.checks) for u in read_units(folder / "work.ipynb")]
    [('<learner cell 1>', True, ()), ('<learner cell 2>', False, (('week1', ('f',)),))]
    >>> print(read_units(folder / "work.ipynb")[0].source)
    pass  # %matplotlib inline
    def f(x):
        return 2 * x
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file name, got {type(path).__name__}")
    file = Path(path)
    shown = repr(str(path))
    if file.suffix.lower() not in SUFFIXES:
        raise ValueError(f"path: {shown} is not a .py file or an .ipynb notebook")
    try:
        size = file.stat().st_size
        if not file.is_file():
            raise ValueError(f"path: {shown} is not a file")
        if size > READ_LIMIT:
            raise ValueError(
                f"path: {shown} is {size >> 20} MiB, more than the {READ_LIMIT >> 20} MiB the "
                "grader reads"
            )
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"path: cannot read {shown}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"path: {shown} is not UTF-8 text") from None
    if file.suffix.lower() == ".py":
        return [Unit("<learner>", text, "your file")]
    return _cells(text, shown)


def _cells(text: str, shown: str) -> list[Unit]:
    """The code cells of a notebook's JSON (nbformat 4, or 3's worksheets)."""
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"path: {shown} is not a notebook (invalid JSON at line {exc.lineno})"
        ) from None
    if not isinstance(notebook, dict):
        raise ValueError(f"path: {shown} is not a notebook (no cells)")
    cells = notebook.get("cells")
    if cells is None and isinstance(notebook.get("worksheets"), list) and notebook["worksheets"]:
        cells = notebook["worksheets"][0].get("cells")  # nbformat 3
    if not isinstance(cells, list):
        raise ValueError(f"path: {shown} is not a notebook (no cells)")
    code = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
    tagged = any("exercise" in _tags(c) for c in code)
    units = []
    for k, cell in enumerate(code, start=1):
        source = cell.get("source", cell.get("input", ""))
        if isinstance(source, list):
            source = "".join(str(line) for line in source)
        if not isinstance(source, str):
            raise ValueError(f"path: {shown} is not a notebook (code cell {k} has no source)")
        name, where = f"<learner cell {k}>", f"code cell {k}"
        own = not tagged or "exercise" in _tags(cell)
        is_check = bool(_CHECK_CALL.search(source))
        checks = _checks(source) if is_check else ()
        if is_check and not (own and _DEFINES.search(source)):
            # a check cell, or one that draws with the learner's functions: not run
            units.append(Unit(name, "", where, own=False, checks=checks))
            continue
        python = _python(source)
        if python is not None:  # a learner's cell with a check call in it is run all the same
            units.append(Unit(name, python, where, own, checks))
    return units


def _tags(cell: dict[str, Any]) -> list[str]:
    metadata = cell.get("metadata")
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def _checks(source: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The checks a check cell asks for: ``(assignment, names)`` for each call."""
    return tuple(
        (m.group(2), tuple(re.findall(r"['\"](\w+)['\"]", m.group(3))))
        for m in _CHECK_NAMES.finditer(source)
    )


def _python(source: str) -> str | None:
    """A cell's source as plain Python, or None for a cell magic that is not Python
    (``%%bash``)."""
    lines = source.splitlines()
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        magic = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
        if magic not in _HARMLESS_CELL_MAGICS:
            return None
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            line = line[: len(line) - len(stripped)] + "pass  # " + stripped
        out.append(line)
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# The grader's side
# --------------------------------------------------------------------------------------------


def grade(assignment: str, path: str | os.PathLike[str], *, timeout: float = 60.0) -> Report:
    """Check a learner's ``.py`` file or ``.ipynb`` notebook, run in a process of its own.

    Parameters
    ----------
    assignment : str
        ``"backprop"``, ``"heights"`` or ``"week1"`` … ``"week6"``.
    path : str or path-like
        The learner's file.
    timeout : float, optional
        The seconds all the learner's code may take: their file or cells, then their functions
        under the checks (default 60).

    Returns
    -------
    Report
        One verdict per exercise; ``error`` says what went wrong with the code as a whole (an
        exception, a hang, a crash, an exit), if anything did.

    Raises
    ------
    ValueError
        For an unknown assignment, or a file that cannot be read (see :func:`read_units`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> work = pathlib.Path(tempfile.mkdtemp()) / "work.py"
    >>> _ = work.write_text('''
    ... import numpy as np
    ... def chi_squared(mu, sig, x, y):
    ...     f = np.exp(-(x - mu)**2 / (2 * sig**2)) / (sig * np.sqrt(2 * np.pi))
    ...     return np.sum((y - f)**2)
    ... ''')
    >>> print(grade("heights", work, timeout=20))
    chi_squared  ✓
    d_chi_squared  not yet: d_chi_squared is not defined yet
    steepest_step  not yet: steepest_step is not defined yet
    1/3 correct
    """
    one_of(assignment, ASSIGNMENTS, "assignment")
    timeout = positive_float(timeout, "timeout")
    units = read_units(path)
    return _run(assignment, units, timeout, Path(path).resolve().parent)


def _run(assignment: str, units: Sequence[Unit], timeout: float, folder: Path) -> Report:
    """Run the child on ``units``, wait for it (killing it on overrun), read its report."""
    from mvcalc.exercises import exercises

    names = list(exercises(assignment))
    with tempfile.TemporaryDirectory(prefix="mvcalc-grade-") as scratch:
        payload = Path(scratch, "payload.json")
        results = Path(scratch, "results.jsonl")
        payload.write_text(
            json.dumps(
                {
                    "assignment": assignment,
                    "timeout": timeout,
                    "units": [dataclasses.asdict(u) for u in units],
                    "folder": str(folder),
                }
            ),
            encoding="utf-8",
        )
        results.touch()
        with open(Path(scratch, "stderr.txt"), "w+b") as stderr:
            returncode, events, killed = _wait(
                # -P: the learner's folder goes on sys.path only once the grader has loaded
                [sys.executable, "-P", "-m", "mvcalc.exercises._grade", str(payload), str(results)],
                results,
                stderr,
                timeout,
                folder if folder.is_dir() else Path(scratch),
            )
            stderr.seek(0)
            crash_log = stderr.read(1 << 16).decode("utf-8", "replace")
    return _report(assignment, names, timeout, returncode, events, killed, crash_log)


def _environment() -> dict[str, str]:
    """The child's environment: this mvcalc first on the path, one thread, no windows."""
    import mvcalc

    env = dict(os.environ)
    source = str(Path(mvcalc.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH")) if p)
    env.update(
        MPLBACKEND="Agg",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONIOENCODING="utf-8",
    )
    return env


def _wait(
    command: list[str], results: Path, stderr: Any, timeout: float, folder: Path
) -> tuple[int, list[dict[str, Any]], str | None]:
    """Run ``command``; stop it when it overruns. Returns its exit status, the events it
    reported, and why it was killed (None when it ended by itself)."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        cwd=folder,
        env=_environment(),
        start_new_session=True,  # its own process group: killing it kills what it started
    )
    started = time.monotonic()
    deadline = started + STARTUP_LIMIT
    ready = False
    killed = None
    try:
        while process.poll() is None:
            if not ready and _read(results):
                ready = True
                deadline = time.monotonic() + timeout + GRACE
            if time.monotonic() > deadline:
                killed = "running" if ready else "starting"
                break
            time.sleep(_POLL)
    finally:
        _kill_group(process.pid)
        process.wait()
    return process.returncode, _read(results), killed


def _kill_group(pid: int) -> None:
    """SIGKILL the child's process group: the child and whatever it started."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _read(results: Path) -> list[dict[str, Any]]:
    """The complete JSON lines the child has written so far."""
    try:
        text = results.read_text(encoding="utf-8")
    except OSError:
        return []
    events = []
    for line in text.splitlines(keepends=True):
        if not line.endswith("\n"):
            break  # being written
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            break
        if isinstance(event, dict):
            events.append(event)
    return events


_SIGNALS = {
    "SIGSEGV": "a segmentation fault",
    "SIGABRT": "an abort",
    "SIGBUS": "a bus error",
    "SIGFPE": "a floating-point exception",
    "SIGILL": "an illegal instruction",
    "SIGKILL": "a kill (out of memory?)",
}


def _ending(returncode: int, crash_log: str) -> tuple[str, str]:
    """How the child ended without reporting — a signal (with where faulthandler saw it), or an
    exit status — as what happened and its detail."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        detail = f"{_SIGNALS.get(name, name)} ({name})"
        where = re.search(r'File "<learner(?: cell (\d+))?>", line (\d+)(?: in (\S+))?', crash_log)
        if where:
            cell, line, function = where.groups()
            inside = f", in {function}" if function and not function.startswith("<") else ""
            place = f"code cell {cell}, line {line}" if cell else f"line {line} of your code"
            detail += f" at {place}{inside}"
        return "crashed the Python process", detail
    if "Traceback (most recent call last)" in crash_log and "<learner" not in crash_log:
        last = crash_log.strip().splitlines()[-1]  # the grader's own failure: say so
        return "was not graded", f"the grader failed ({last}); please report it"
    return "ended the Python process", f"exit status {returncode}: does it call os._exit?"


def _report(
    assignment: str,
    names: list[str],
    timeout: float,
    returncode: int,
    events: list[dict[str, Any]],
    killed: str | None,
    crash_log: str,
) -> Report:
    """The report from the child's events, and how it ended."""
    report = Report(assignment)
    verdicts: dict[str, Verdict] = {}
    checking = None
    error = None
    done = False
    for event in events:
        kind = event.get("event")
        if kind == "ran":
            error = event.get("error") or None
        elif kind == "start":
            checking = str(event.get("name"))
        elif kind == "verdict":
            name = str(event.get("name"))
            verdicts[name] = Verdict(name, bool(event.get("ok")), str(event.get("feedback", "")))
            checking = None
        elif kind == "done":
            done = True
    reason = "not checked"
    if killed == "starting":
        error = "the grader could not start Python to run your code (it took too long)"
        reason = "not checked: the grader could not start"
    elif not done:
        if killed:
            what, detail = f"did not finish in {timeout:g} s", ""
        elif returncode == 0 and not events:
            what, detail = "ended the grader's process before it ran", ""
        else:
            what, detail = _ending(returncode, crash_log)
        detail = f": {detail}" if detail else ""
        if checking is not None:
            verdicts[checking] = Verdict(checking, False, f"{what} while it was checked{detail}")
            error = error or f"{what} while {checking} was checked{detail}"
            reason = f"not checked: your code {what} while {checking} was checked"
        else:
            error = error or f"{what}{detail}"
            reason = f"not checked: your code {what}"
    for name in names:
        report.verdicts.append(verdicts.get(name) or Verdict(name, False, reason))
    report.error = error
    return report


# --------------------------------------------------------------------------------------------
# The child's side
# --------------------------------------------------------------------------------------------


class _OutOfTime(BaseException):
    """The alarm: the learner's code has used its time (a BaseException, so that the learner's
    ``except Exception`` does not swallow it)."""


class _Discard:
    """Where the learner's printing goes: nowhere (a text stream that keeps nothing)."""

    encoding = "utf-8"
    errors = "replace"

    def write(self, text: str) -> int:
        return len(text)

    def writelines(self, lines: Any) -> None:
        for _ in lines:
            pass

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("the grader's output has no file descriptor")


def _limits() -> None:
    """Memory, file-size and core-dump limits for the child (where the system has them)."""
    try:
        import resource
    except ImportError:  # not a Unix: the time limit still holds
        return
    try:
        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        used = 512 << 20
    for limit, value in (
        (resource.RLIMIT_AS, used + MEMORY_LIMIT),
        (resource.RLIMIT_FSIZE, FILE_LIMIT),
        (resource.RLIMIT_CORE, 0),
    ):
        try:
            _, hard = resource.getrlimit(limit)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(limit, (value, hard))
        except (OSError, ValueError):
            pass
    if hasattr(signal, "SIGXFSZ"):  # a file too large: an OSError in the code, not a kill
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _alarm(seconds: float) -> None:
    """Raise :class:`_OutOfTime` in ``seconds`` (at once when none are left)."""
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3))


def _disarm() -> None:
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, 0.0)


def _on_alarm(signum: int, frame: Any) -> None:
    raise _OutOfTime


def _exit_text(exc: SystemExit) -> str:
    code = exc.code
    return "called sys.exit()" if code is None else f"called sys.exit({code!r})"


def _child(payload_path: str, results_path: str) -> None:
    """Run the learner's code and the checks; report each step as a line of JSON."""
    import builtins
    import faulthandler
    import warnings

    payload = json.loads(Path(payload_path).read_text(encoding="utf-8"))
    out = open(results_path, "a", encoding="utf-8")  # kept open to the end

    def emit(**event: Any) -> None:
        out.write(json.dumps(event) + "\n")
        out.flush()

    from mvcalc.exercises import describe, exercises, run_checks

    assignment = payload["assignment"]
    timeout = float(payload["timeout"])
    table = exercises(assignment)  # the checks load before the learner's code runs
    faulthandler.enable(file=sys.__stderr__ or sys.stderr)
    _limits()
    warnings.simplefilter("ignore")
    sys.stdout = sys.stderr = _Discard()
    sys.argv = ["learner"]
    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _on_alarm)
    namespace: dict[str, Any] = {
        "__name__": "__learner__",
        "__builtins__": builtins,
        "display": lambda *args, **kwargs: None,  # IPython's, for notebooks that call it
    }
    if payload.get("folder"):
        sys.path.insert(0, payload["folder"])  # the learner's own modules, beside their file
    emit(event="ready")
    deadline = time.monotonic() + timeout
    units = payload["units"]
    names = list(table)
    # each exercise is checked where the notebook's last check cell for it runs (so that a
    # later cell of the notebook's own cannot change what the check sees), else at the end
    when = dict.fromkeys(names, len(units))
    for i, unit in enumerate(units):
        for graded, asked in unit["checks"]:
            if graded == assignment:
                when.update(dict.fromkeys([n for n in asked or names if n in when], i))
    memory = f"; the grader lets your code use {MEMORY_LIMIT >> 30} GiB"
    checked: set[str] = set()

    def check(name: str) -> None:
        emit(event="start", name=name)
        budget = (deadline - time.monotonic()) / (len(names) - len(checked))
        try:
            if budget <= 0:
                raise _OutOfTime
            _alarm(budget)
            verdict = run_checks(assignment, namespace, (name,)).verdicts[0]
            _disarm()
        except _OutOfTime:
            _disarm()
            if budget > 0:
                spent = f"did not finish in {budget:.2g} s, its share of the {timeout:g} s limit"
            else:
                spent = f"not checked: your code used all of its {timeout:g} s"
            verdict = Verdict(name, False, f"{spent}: is there an endless loop?")
        except SystemExit as exc:
            _disarm()
            verdict = Verdict(name, False, _exit_text(exc) + " while it was checked")
        except BaseException as exc:
            _disarm()
            text = describe(exc) + (memory if isinstance(exc, MemoryError) else "")
            verdict = Verdict(name, False, text)
        checked.add(name)
        emit(event="verdict", name=name, ok=verdict.ok, feedback=verdict.feedback)

    errors: list[str] = []
    for i, unit in enumerate(units):
        try:
            _alarm(deadline - time.monotonic())
            code = compile(unit["source"], unit["filename"], "exec")
            exec(code, namespace)  # the learner's code: this process exists to run it
            _disarm()
        except _OutOfTime:
            _disarm()
            what = f"did not finish in {timeout:g} s"
            emit(event="ran", error=f"{what} ({unit['where']}): is there an endless loop, or a "
                                    "long computation?")  # fmt: skip
            for name in names:
                if name not in checked:
                    emit(event="verdict", name=name, ok=False,
                         feedback=f"not checked: your code {what}")  # fmt: skip
            emit(event="done")
            out.close()
            os._exit(0)
        except SyntaxError as exc:
            _disarm()
            if unit["own"]:
                errors.append(f"has a syntax error: {exc.msg} ({unit['where']}, line {exc.lineno})")
        except SystemExit as exc:
            _disarm()
            errors.append(_exit_text(exc) + f" ({unit['where']})")
            break
        except BaseException as exc:
            _disarm()
            if unit["own"]:
                errors.append(describe(exc) + (memory if isinstance(exc, MemoryError) else ""))
        for name in names:
            if when[name] == i and name not in checked:
                check(name)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    emit(event="ran", error=errors[0] + more if errors else None)
    for name in names:  # those no check cell asked for, or left when the code exited
        if name not in checked:
            check(name)
    emit(event="done")
    out.close()
    os._exit(0)  # not sys.exit: the learner's threads and atexit hooks must not hold it open


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])
