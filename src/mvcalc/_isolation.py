"""A user's strategy run in a process of its own, with time limits, killed when it overruns.

A strategy ``next_step(f, J, H)`` is the user's code: it may loop for ever, sleep, or hold a core.
A thread running it can never be stopped; a process can. :class:`StrategyProcess` runs one walk's
strategy in a child process: each step must come back within ``step_timeout`` seconds and the
whole walk (start-up included) within ``walk_timeout``; a child that misses either deadline is
killed (SIGKILL) at once, and the child also arms an alarm of its own, so that it ends even if
nobody is left to kill it. At most :data:`MAX_PROCESSES` children run at a time.

How the child is made. In a process that runs a single thread (a script) it is forked from it:
a millisecond or two. In a process with threads — the web server — a fork could copy a lock that
another thread holds; there a strategy loaded from a file (:class:`FileStrategy`, what
``mvcalc sandpit --strategy FILE.py:FUNC`` uses) is sent, by its file and name, to a child of
multiprocessing's fork server: a clean, single-threaded process started once (:func:`warm_up`),
whose children start in some 10 ms and never inherit the server's threads or sockets. Any other
callable (a lambda, a closure) cannot be sent by name: it is forked all the same where ``fork``
exists, and sent to a ``spawn`` child where it does not.
"""

from __future__ import annotations

import contextlib
import importlib.util
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mvcalc._validate import positive_float
from mvcalc.steps import checked_step

__all__ = [
    "MAX_PROCESSES",
    "FileStrategy",
    "StrategyFailed",
    "StrategyProcess",
    "warm_up",
]

MAX_PROCESSES = 4
_SLOTS = threading.BoundedSemaphore(MAX_PROCESSES)


class StrategyFailed(Exception):
    """The strategy gave no usable step; the message says why, in words for the page."""


# ------------------------------------------------------------------------------------------
# A strategy from a file, which a fresh process can load again
# ------------------------------------------------------------------------------------------


class FileStrategy:
    """The function ``name`` of the Python file ``path``, loaded (and so run) on creation.

    It pickles as its path and name: a process that unpickles it loads the file again.

    Parameters
    ----------
    path : str or path-like
        The user's file, ``.py``.
    name : str
        The function's name in it.
    shown : str, optional
        The file as the user wrote it, for messages (default: ``path``).

    Raises
    ------
    ValueError
        If the file does not exist or fails to import, or the function is missing.

    Examples
    --------
    >>> import tempfile, pathlib, pickle
    >>> import numpy as np
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mine.py"
    >>> _ = path.write_text("def careful(f, J, H):\\n    return -0.05 * J\\n")
    >>> rule = FileStrategy(path, "careful")
    >>> rule.__name__, pickle.loads(pickle.dumps(rule))(0.0, np.array([2.0, 0.0]), np.eye(2))
    ('careful', array([-0.1, -0. ]))
    """

    def __init__(self, path: str | os.PathLike[str], name: str, shown: str | None = None) -> None:
        self.path = Path(path).resolve()
        self.__name__ = name
        self.shown = str(path) if shown is None else shown
        self.function = self._load()

    def _load(self) -> Callable[..., ArrayLike]:
        shown, name = self.shown, self.__name__
        if not self.path.is_file():
            raise ValueError(f"strategy file {shown!r} does not exist")
        spec = importlib.util.spec_from_file_location(f"_mvcalc_strategy_{self.path.stem}",
                                                      self.path)  # fmt: skip
        if spec is None or spec.loader is None:
            raise ValueError(f"strategy file {shown!r} cannot be imported")
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # the user's file: report what went wrong in one line
            message = f"strategy file {shown!r} failed to import: {type(exc).__name__}: {exc}"
            raise ValueError(message) from None
        function = getattr(module, name, None)
        if not callable(function):
            raise ValueError(f"strategy file {shown!r} has no function {name!r}")
        return function  # type: ignore[no-any-return]

    def __call__(self, f: float, J: NDArray[np.float64], H: NDArray[np.float64]) -> ArrayLike:
        return self.function(f, J, H)

    def __reduce__(self) -> tuple[Any, tuple[str, str, str]]:
        return FileStrategy, (str(self.path), self.__name__, self.shown)

    def __repr__(self) -> str:
        return f"FileStrategy({self.shown!r}, {self.__name__!r})"


# ------------------------------------------------------------------------------------------
# The child process
# ------------------------------------------------------------------------------------------


def _child(conn: Any, payload: Any, alarm: float | None) -> None:
    """The child's loop: load the strategy, then answer (f, J, H) with a step until told to stop."""
    if alarm is not None and hasattr(signal, "setitimer"):
        # the kernel ends this process when the walk's time is up, even if its parent is gone
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_REAL, alarm)
    try:
        strategy = pickle.loads(payload) if isinstance(payload, bytes) else payload
    except Exception as exc:  # e.g. the user's file fails to load in this process
        conn.send(("error", f"the strategy could not be loaded: {type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if request is None:
            return
        f, J, H = request
        step, problem = checked_step(strategy, f, J, H, shape=(2,))
        conn.send(("step", step) if problem is None else ("error", problem))


_PRELOADED = False
_PRELOAD_LOCK = threading.Lock()


def _forkserver() -> Any:
    """multiprocessing's fork-server context, set to import this module (and so NumPy) once.

    As multiprocessing does by default, the fork server also imports the main module (as
    ``__mp_main__``): a script that runs strategies from a thread guards its top level with
    ``if __name__ == "__main__":``.
    """
    global _PRELOADED
    ctx = multiprocessing.get_context("forkserver")
    with _PRELOAD_LOCK:
        if not _PRELOADED:
            ctx.set_forkserver_preload(["__main__", __name__])
            _PRELOADED = True
    return ctx


def _context(strategy: Callable[..., ArrayLike]) -> tuple[Any, Any]:
    """The multiprocessing context for ``strategy``, and what to hand the child.

    ``fork`` where it is safe (this process runs one thread) or the only way (a callable that
    cannot be sent by name); the fork server for a file's strategy in a process with threads
    (the web server); ``spawn`` where there is no fork.
    """
    methods = multiprocessing.get_all_start_methods()
    by_name = isinstance(strategy, FileStrategy)
    if "fork" in methods and (threading.active_count() == 1 or not by_name):
        return multiprocessing.get_context("fork"), strategy
    if by_name and "forkserver" in methods:
        return _forkserver(), pickle.dumps(strategy)
    try:
        return multiprocessing.get_context("spawn"), pickle.dumps(strategy)
    except Exception as exc:
        raise StrategyFailed(
            f"the strategy cannot be sent to a process of its own ({type(exc).__name__}); "
            "define it in a file and load it with load_strategy"
        ) from None


def _nothing() -> None:
    """A child with nothing to do: once it has run, the fork server is ready."""


def warm_up(timeout: float = 60.0) -> None:
    """Start the fork server now and wait until it is ready (its imports take a second or
    two), so that the first walk need not wait. For a process with threads that will run
    strategies from files — the web server, which calls it from a thread of its own.

    Parameters
    ----------
    timeout : float, optional
        Seconds to wait at most.

    Examples
    --------
    >>> warm_up()  # later walks start in milliseconds
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        process = _forkserver().Process(target=_nothing, name="mvcalc-warm-up", daemon=True)
        process.start()
        process.join(positive_float(timeout, "timeout"))
        if process.is_alive():
            process.kill()
            process.join()
        process.close()


class StrategyProcess:
    """One walk's strategy, run in a child process with a deadline per step and per walk.

    Call it like the strategy: ``rule(f, J, H)`` returns a usable step (shape (2,), finite) or
    raises :class:`StrategyFailed` with the reason — the strategy raised, returned something
    unusable, or missed a deadline (the child is then killed). The child starts at the first
    call; :meth:`close` (or leaving the ``with`` block) ends it. A closed or failed process
    answers no more.

    Parameters
    ----------
    strategy : callable
        ``next_step(f, J, H)``.
    step_timeout : float or None
        Seconds each step may take.
    walk_timeout : float or None
        Seconds the whole walk may take, from this object's creation: the child's start-up
        (which loads a strategy's file) and every step.

    Examples
    --------
    >>> import numpy as np
    >>> with StrategyProcess(lambda f, J, H: -0.1 * J, step_timeout=5, walk_timeout=10) as rule:
    ...     rule(0.0, np.array([1.0, 2.0]), np.eye(2))
    array([-0.1, -0.2])
    """

    def __init__(
        self,
        strategy: Callable[..., ArrayLike],
        *,
        step_timeout: float | None,
        walk_timeout: float | None,
    ) -> None:
        self.strategy = strategy
        self.step_timeout = step_timeout
        self.walk_timeout = walk_timeout
        self.deadline = None if walk_timeout is None else time.monotonic() + walk_timeout
        self.pid: int | None = None
        self._process: Any = None
        self._conn: Any = None
        self._slot = False
        self._failed: str | None = None

    def __enter__(self) -> StrategyProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _limit(self) -> tuple[float | None, str]:
        """Seconds the next wait may last, and what to say if it runs out."""
        left = None if self.deadline is None else max(0.0, self.deadline - time.monotonic())
        if self.step_timeout is not None and (left is None or self.step_timeout <= left):
            return self.step_timeout, f"the strategy took longer than {self.step_timeout:g} s"
        if left is None:
            return None, ""
        return left, f"the walk took longer than {self.walk_timeout:g} s"

    def _fail(self, message: str) -> StrategyFailed:
        self._failed = message
        self.close()
        return StrategyFailed(message)

    def _answer(self, starting: bool = False) -> NDArray[np.float64] | None:
        seconds, overrun = self._limit()
        if starting and self.deadline is not None:  # start-up is ours: the walk's time bounds it
            seconds = max(0.0, self.deadline - time.monotonic())
            overrun = f"the strategy's process did not start within {self.walk_timeout:g} s"
        try:
            ready = self._conn.poll(seconds)
            if not ready:
                raise self._fail(overrun)
            kind, value = self._conn.recv()
        except (EOFError, OSError):
            self._process.join(1)
            code = self._process.exitcode
            raise self._fail(f"the strategy's process ended (exit code {code})") from None
        if kind == "error":
            raise self._fail(str(value))
        return None if kind == "ready" else np.asarray(value, dtype=np.float64)

    def _start(self) -> None:
        seconds, _ = self._limit()
        if not _SLOTS.acquire(timeout=seconds):
            many = "1 strategy is" if MAX_PROCESSES == 1 else f"{MAX_PROCESSES} strategies are"
            raise self._fail(f"{many} running already, the most at once: try again")
        self._slot = True
        ctx, payload = _context(self.strategy)
        alarm = None if self.deadline is None else self.deadline - time.monotonic() + 1.0
        self._conn, child = ctx.Pipe()
        process = ctx.Process(target=_child, args=(child, payload, alarm),
                              name="mvcalc-strategy", daemon=True)  # fmt: skip
        try:
            process.start()
        except Exception as exc:  # e.g. the system allows no more processes
            raise self._fail(f"the strategy's process could not start: {exc}") from None
        finally:
            child.close()
        self._process, self.pid = process, process.pid
        self._answer(starting=True)  # "ready", or the reason it is not

    def __call__(
        self, f: float, J: NDArray[np.float64], H: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        if self._failed is not None:
            raise StrategyFailed(self._failed)
        if self._process is None:
            self._start()
        try:
            self._conn.send((float(f), np.asarray(J, dtype=np.float64),
                             np.asarray(H, dtype=np.float64)))  # fmt: skip
        except OSError:
            raise self._fail("the strategy's process ended") from None
        step = self._answer()
        assert step is not None
        return step

    def close(self) -> None:
        """End the child (asked first, killed if it does not go at once) and free its slot."""
        process, conn = self._process, self._conn
        if process is not None:
            if process.is_alive() and self._failed is None:
                with contextlib.suppress(OSError):
                    conn.send(None)
                process.join(0.2)
            if process.is_alive():
                process.kill()
            process.join(5)
            with contextlib.suppress(ValueError):
                process.close()
            self._process = None
        if conn is not None:
            conn.close()
            self._conn = None
        if self._slot:
            self._slot = False
            _SLOTS.release()
        if self._failed is None:
            self._failed = "the strategy's process is closed"
