"""A real time limit on symbolic work: SymPy runs in a worker process that is killed on overrun.

SymPy's ``simplify``, ``solve``, ``series``, ``expand`` and repeated ``diff`` can run for minutes
or fill the memory on a small input, and a thread running them can never be stopped. :func:`run`
therefore calls the function in a worker process and waits at most the time limit for the
answer; a worker that overruns is killed (SIGKILL) and :class:`TooCostly` is raised. Workers are
reused: a call costs about 0.1 ms more than in this process (sending the expressions there and
the answer back), and the first call starts the worker (about 10 ms). Work the caller knows to be
small (``cheap=True``) runs here directly, at no cost at all.

The limit for a call is, in order:

1. its ``time_limit=`` argument (within an enclosing :func:`time_limit` block, the smaller of
   the two);
2. inside a ``with time_limit(seconds):`` block, the time left of that block — every call in the
   block shares one deadline, which is what ``mvcalc --time-limit`` uses;
3. otherwise the module-wide limit, :func:`set_time_limit` (default
   :data:`DEFAULT_TIME_LIMIT`, 10 s).

A worker may also use at most :data:`MEMORY_LIMIT` bytes of memory beyond what it starts with
(where the system allows setting it); running out of it is also :class:`TooCostly`.

How workers are made: forked from this process (fast: SymPy is loaded already) while this
process runs one thread; from multiprocessing's fork server when it runs several (a web server),
so that no other thread's locks are copied into the worker; spawned where there is no fork. In a
daemonic process, which may not have children, the work runs here without a limit.
"""

from __future__ import annotations

import contextlib
import contextvars
import multiprocessing
import os
import pickle
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from mvcalc._validate import positive_float

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "MEMORY_LIMIT",
    "TooCostly",
    "get_time_limit",
    "run",
    "set_time_limit",
    "shutdown",
    "time_limit",
]

T = TypeVar("T")

DEFAULT_TIME_LIMIT = 10.0  # seconds of symbolic work per call, unless told otherwise
MEMORY_LIMIT = 2 << 30  # bytes a worker may add to its size at start (2 GiB)
RESULT_LIMIT = 64 << 20  # bytes of a pickled answer (64 MiB)
_MAX_IDLE = 2  # workers kept waiting for the next call
_START_TIMEOUT = 120.0  # seconds a new worker may take to start (a fresh interpreter, spawned)


class TooCostly(ValueError):
    """Symbolic work that overran its time limit (or its memory) and was stopped.

    A ``ValueError``: the input asked for more work than allowed, and the command line reports
    it like any other bad input, in one line. ``seconds`` is the limit that was exceeded (None
    when memory ran out).

    Examples
    --------
    >>> from mvcalc._budget import TooCostly
    >>> issubclass(TooCostly, ValueError)
    True
    """

    def __init__(self, message: str, seconds: float | None = None) -> None:
        super().__init__(message)
        self.seconds = seconds

    def __reduce__(self) -> tuple[Any, ...]:
        return TooCostly, (str(self), self.seconds)


def _overrun(seconds: float) -> TooCostly:
    return TooCostly(
        f"the symbolic work took longer than {seconds:g} s; simplify the expression or raise "
        "the time limit (--time-limit, or time_limit= in Python)",
        seconds,
    )


def _out_of_memory() -> TooCostly:
    return TooCostly(
        f"the symbolic work needed more than {MEMORY_LIMIT >> 20} MiB of memory; simplify the "
        "expression"
    )


# ------------------------------------------------------------------------------------------
# The limits
# ------------------------------------------------------------------------------------------

_default_limit = DEFAULT_TIME_LIMIT
# the innermost time_limit block of this thread or task: (deadline on time.monotonic, seconds)
_block: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar(
    "mvcalc_time_limit", default=None
)


def get_time_limit() -> float:
    """The module-wide time limit of a call, in seconds.

    Examples
    --------
    >>> from mvcalc import _budget
    >>> _budget.get_time_limit()
    10.0
    """
    return _default_limit


def set_time_limit(seconds: float) -> float:
    """Set the module-wide time limit of a call (seconds > 0); returns the previous one.

    Examples
    --------
    >>> from mvcalc import _budget
    >>> previous = _budget.set_time_limit(30)
    >>> _budget.get_time_limit(), previous
    (30.0, 10.0)
    >>> _ = _budget.set_time_limit(previous)
    """
    global _default_limit
    previous, _default_limit = _default_limit, positive_float(seconds, "seconds")
    return previous


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """A block whose symbolic work, all calls together, may take at most ``seconds``.

    Each call in the block may use the time the block has left; once it is spent, the next
    call raises :class:`TooCostly` at once. Blocks nest: an inner block never outlasts the
    outer one. The block belongs to the thread (or asyncio task) that enters it.

    Examples
    --------
    >>> from mvcalc import _budget, symbolic
    >>> with _budget.time_limit(5):
    ...     symbolic.diff("x**3")
    3*x**2
    """
    seconds = positive_float(seconds, "seconds")
    deadline = time.monotonic() + seconds
    outer = _block.get()
    if outer is not None and outer[0] < deadline:
        deadline, seconds = outer
    token = _block.set((deadline, seconds))
    try:
        yield
    finally:
        _block.reset(token)


def _limit(argument: float | None) -> tuple[float, float]:
    """The seconds this call may take, and the limit to name if it takes longer."""
    block = _block.get()
    if argument is not None:
        argument = positive_float(argument, "time_limit")
    if block is None:
        seconds = _default_limit if argument is None else argument
        return seconds, seconds
    left = block[0] - time.monotonic()
    if argument is not None and argument <= left:
        return argument, argument
    return left, block[1]


# ------------------------------------------------------------------------------------------
# The workers
# ------------------------------------------------------------------------------------------

_IN_WORKER = False  # True in a worker: work runs inline, the parent holds the limit


def _memory_cap() -> None:
    """Let this process grow by at most MEMORY_LIMIT bytes of address space (Linux)."""
    try:
        import resource

        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = size + MEMORY_LIMIT
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        if soft == resource.RLIM_INFINITY or cap < soft:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):  # no /proc, no resource module: no cap
        pass


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent ends, even mid-computation (SIGKILL)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker ends at its next read instead
        pass


def _serve(conn: Any) -> None:
    """A worker's loop: receive (function, args, kwargs), answer ("ok" | "raise", value)."""
    global _IN_WORKER
    _IN_WORKER = True
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent()
    _memory_cap()
    conn.send_bytes(b"ready")
    while True:
        try:
            fn, args, kwargs = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):  # the parent is gone
            return
        try:
            answer: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except MemoryError:
            answer = ("memory", None)
        except RecursionError:
            answer = ("raise", ValueError("the expression is nested too deeply for SymPy"))
        except Exception as exc:
            answer = ("raise", exc)
        data = _packed(answer)
        try:
            conn.send_bytes(data)
        except (OSError, ValueError):
            return
        if answer[0] == "memory":
            return  # a fresh worker next time, not a fragmented one


def _packed(answer: tuple[str, Any]) -> bytes:
    """The answer pickled; if it cannot be (or, for an exception, cannot be unpickled again),
    what it was, as text."""
    kind, value = answer
    try:
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        if kind == "raise":
            pickle.loads(data)  # an exception class that cannot be rebuilt is sent as text
        return data
    except MemoryError:
        return pickle.dumps(("memory", None))
    except RecursionError:
        return pickle.dumps(("raise", "the result is nested too deeply to be sent back"))
    except Exception as exc:
        if kind == "raise":
            return pickle.dumps(("raise", f"{type(value).__name__}: {value}"))
        return pickle.dumps(("unpicklable", f"{type(exc).__name__}: {exc}"))


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self) -> None:
        ctx = _context()
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), name="mvcalc-sympy", daemon=True)
        self.owner = os.getpid()
        _workers.add(self)  # so that a forked worker closes its copy of our end (see below)
        try:
            try:
                self.process.start()
            finally:
                child.close()
            ready = self.conn.poll(_START_TIMEOUT) and self.conn.recv_bytes() == b"ready"
        except (OSError, EOFError):  # e.g. the system allows no more processes
            ready = False
        if not ready:
            self.kill()
            raise TooCostly("the worker process for symbolic work could not start")

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            if self.process.is_alive():
                self.process.kill()
            self.process.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()


_PRELOADED = False
_PRELOAD = ["mvcalc._budget", "mvcalc.symbolic", "mvcalc.series"]


def prepare(modules: tuple[str, ...] = (), idle: int | None = None) -> None:
    """Tune the workers for a long-running server: ``modules`` are imported once by the fork
    server (when it has not started yet), so that every worker it forks has them; ``idle``
    workers (at least the default, 2) are kept waiting between calls rather than ended.

    Examples
    --------
    >>> from mvcalc import _budget
    >>> _budget.prepare(("mvcalc.optimize",), idle=2)
    """
    global _MAX_IDLE
    for module in modules:
        if module not in _PRELOAD:
            _PRELOAD.append(module)
    if idle is not None:
        _MAX_IDLE = max(_MAX_IDLE, int(idle))


def _context() -> Any:
    """fork while this process has one thread; the fork server when it has more; else spawn."""
    global _PRELOADED
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        if not _PRELOADED:  # the server imports these once; every worker it forks has them
            ctx.set_forkserver_preload(list(_PRELOAD))
            _PRELOADED = True
        return ctx
    return multiprocessing.get_context("spawn")


_idle: list[_Worker] = []
_workers: weakref.WeakSet[_Worker] = weakref.WeakSet()  # every worker of this process
_lock = threading.Lock()


def _forget_workers() -> None:
    """In a forked child: the parent's workers are the parent's; never talk to them.

    The child's copies of the parent's ends of the pipes are closed, so that a worker sees the
    end of its pipe (and ends) when its parent ends, whichever processes were forked since —
    among them the worker itself, which inherits its own parent's end.
    """
    global _lock
    _lock = threading.Lock()
    with contextlib.suppress(Exception):  # a set another thread was changing at the fork
        for worker in list(_workers):
            with contextlib.suppress(Exception):
                worker.conn.close()
    _workers.clear()
    _idle.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_workers)


def _take() -> _Worker:
    with _lock:
        while _idle:
            worker = _idle.pop()
            if worker.owner == os.getpid() and worker.process.is_alive():
                return worker
    return _Worker()


def _give_back(worker: _Worker) -> None:
    with _lock:
        if len(_idle) < _MAX_IDLE and worker.owner == os.getpid():
            _idle.append(worker)
            return
    worker.kill()


def shutdown() -> None:
    """End the idle workers (they also end on their own when this process exits).

    Examples
    --------
    >>> from mvcalc import _budget
    >>> _budget.shutdown()
    """
    with _lock:
        workers = list(_idle)
        _idle.clear()
    for worker in workers:
        worker.kill()


def _daemonic() -> bool:
    return bool(multiprocessing.current_process().daemon)


# ------------------------------------------------------------------------------------------
# run
# ------------------------------------------------------------------------------------------


def run(
    fn: Callable[..., T],
    /,
    *args: Any,
    time_limit: float | None = None,
    cheap: bool = False,
    **kwargs: Any,
) -> T:
    """``fn(*args, **kwargs)``, stopped when it takes longer than the time limit.

    Parameters
    ----------
    fn : callable
        A function importable by name (module level: it is sent to the worker by pickling), as
        are its arguments and its result. Exceptions it raises are raised here.
    *args, **kwargs
        Its arguments.
    time_limit : float, optional
        Seconds (> 0); see the module's notes for the default and for ``with time_limit``.
    cheap : bool, optional
        The caller knows the work is small: run it in this process (no worker, no cost). The
        deadline of an enclosing :func:`time_limit` block is still checked first.

    Returns
    -------
    The function's result.

    Raises
    ------
    TooCostly
        The work took longer than the limit (the worker is killed), or ran out of memory, or
        no time was left in the enclosing block.

    Examples
    --------
    >>> import sympy
    >>> from mvcalc import _budget
    >>> x = sympy.Symbol("x")
    >>> _budget.run(sympy.expand, (x + 1) ** 3, time_limit=5)
    x**3 + 3*x**2 + 3*x + 1
    >>> _budget.run(sympy.factorint, 2**61 - 1, time_limit=5)
    {2305843009213693951: 1}
    """
    seconds, named = _limit(time_limit)
    if seconds <= 0:
        raise _overrun(named)
    if cheap or _IN_WORKER or _daemonic():
        try:
            return fn(*args, **kwargs)
        except RecursionError:
            raise ValueError("the expression is nested too deeply for SymPy") from None
    try:
        request = pickle.dumps((fn, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    except RecursionError:
        raise ValueError("the expression is nested too deeply for SymPy") from None
    worker = _take()
    try:
        worker.conn.send_bytes(request)
        if not worker.conn.poll(seconds):
            raise _overrun(named)
        data = worker.conn.recv_bytes(RESULT_LIMIT)
    except TooCostly:
        worker.kill()
        raise
    except (EOFError, OSError):  # the worker died (memory, a signal) or its answer is too big
        worker.process.join(1)
        code = worker.process.exitcode
        worker.kill()
        if code is None:
            raise TooCostly(
                f"the result of the symbolic work is larger than {RESULT_LIMIT >> 20} MiB; "
                "simplify the expression"
            ) from None
        raise TooCostly(
            f"the symbolic work's process ended (exit code {code}), probably out of memory; "
            "simplify the expression"
        ) from None
    except BaseException:  # KeyboardInterrupt, say: the work must not go on without us
        worker.kill()
        raise
    kind, value = pickle.loads(data)
    if kind == "memory":
        worker.kill()
        raise _out_of_memory()
    _give_back(worker)
    if kind == "raise":
        if isinstance(value, BaseException):
            raise value
        raise ValueError(value)
    if kind == "unpicklable":
        raise TypeError(f"the result of {getattr(fn, '__name__', fn)!r} cannot be sent: {value}")
    return value  # type: ignore[no-any-return]
