"""What every page of the lab shares: reading requests, checking their fields, answering errors,
the lab's sessions, and running the mathematics in a worker process with a time limit.

The pages' mathematics (:mod:`mvcalc.lab.topics`) are plain functions from a checked JSON object to
a JSON object. The server never runs them on its event loop: :func:`compute` hands one to a
thread, which hands it to one of :mod:`mvcalc._budget`'s worker processes and waits at most
:data:`TIME_LIMIT` seconds for the answer (a worker that overruns is killed). Text a learner types
is read there by the safe parser (:func:`expression`), so an expression that is costly to read,
differentiate or expand costs the server nothing but a killed process and a clear message.
"""

from __future__ import annotations

import asyncio
import json
import math
import secrets
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import anyio
import anyio.to_thread
import numpy as np
from numpy.typing import NDArray
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from mvcalc import _budget
from mvcalc._validate import bounded_int, finite_float, one_of

__all__ = [
    "MAX_BODY",
    "TIME_LIMIT",
    "BadRequest",
    "Expression",
    "LabSession",
    "LabSessions",
    "choice",
    "compute",
    "error_response",
    "expression",
    "integer",
    "jsonable",
    "number",
    "read_body",
    "text",
]

MAX_BODY = 4096  # bytes of a request's body
MAX_NESTING = 8  # JSON arrays and objects inside each other
MAX_TEXT = 200  # characters of maths text
TIME_LIMIT = 5.0  # seconds of work one request may cause
MAX_COMPUTING = 4  # requests worked on at once (each in a worker process); others wait
COOKIE = "mvcalc_lab"
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


class BadRequest(Exception):
    """A request the lab refuses, with its status code and a message for the page."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def error_response(message: str, status: int) -> JSONResponse:
    """``{"error": message}`` with a 4xx (or 5xx) status and the security headers."""
    return JSONResponse({"error": message}, status_code=status, headers=SECURITY_HEADERS)


# ------------------------------------------------------------------------------------------
# Reading a body
# ------------------------------------------------------------------------------------------


def _nesting(raw: bytes) -> int:
    """How deep JSON arrays and objects nest in ``raw`` (brackets inside strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


async def read_body(request: Request) -> dict[str, Any]:
    """The request's body: a JSON object of at most :data:`MAX_BODY` bytes, nested at most
    :data:`MAX_NESTING` deep, without NaN or Infinity; else :class:`BadRequest`."""
    raw = b""
    try:
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY:
                raise BadRequest(f"the body is larger than {MAX_BODY} bytes", 413)
    except ClientDisconnect:  # the client went, or was cut off for being too slow
        raise BadRequest("the body did not arrive", 400) from None
    if _nesting(raw) > MAX_NESTING:
        raise BadRequest(f"the body nests arrays or objects more than {MAX_NESTING} deep")
    try:
        body = json.loads(raw or b"{}", parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadRequest(f"the body is not valid JSON: {str(exc)[:200]}") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


# ------------------------------------------------------------------------------------------
# Checking fields (in the worker: a ValueError or TypeError names the field)
# ------------------------------------------------------------------------------------------


def number(
    body: dict[str, Any],
    key: str,
    default: float | None = None,
    *,
    low: float = -1e6,
    high: float = 1e6,
) -> float:
    """``body[key]`` as a finite float in [low, high] (``default`` when absent).

    Examples
    --------
    >>> number({"x": 2}, "x"), number({}, "h", 0.5)
    (2.0, 0.5)
    >>> number({"x": 1e9}, "x")
    Traceback (most recent call last):
    ...
    ValueError: x must be from -1e+06 to 1e+06, got 1000000000.0
    """
    value = body.get(key, default)
    if value is None:
        raise ValueError(f"{key} is required")
    if isinstance(value, bool):
        raise TypeError(f"{key} must be a number, got {value!r}")
    v = finite_float(value, key)
    if not low <= v <= high:
        raise ValueError(f"{key} must be from {low:g} to {high:g}, got {v!r}")
    return v


def integer(body: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    """``body[key]`` as an integer in [low, high] (``default`` when absent).

    Examples
    --------
    >>> integer({"order": 3}, "order", 2, 0, 10), integer({}, "order", 2, 0, 10)
    (3, 2)
    """
    value = body.get(key, default)
    if isinstance(value, bool):
        raise TypeError(f"{key} must be an integer, got {value!r}")
    return bounded_int(value, low, high, key)


def text(body: dict[str, Any], key: str, default: str | None = None) -> str:
    """``body[key]`` as maths text: a string of at most :data:`MAX_TEXT` characters.

    Examples
    --------
    >>> text({"f": "sin(x)"}, "f")
    'sin(x)'
    """
    value = body.get(key, default)
    if value is None:
        raise ValueError(f"{key} is required")
    if not isinstance(value, str):
        raise TypeError(f"{key} must be a string, got {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"{key} is longer than {MAX_TEXT} characters")
    if not value.strip():
        raise ValueError(f"{key} is empty: type a function, e.g. sin(x)")
    return value


def choice(body: dict[str, Any], key: str, choices: Sequence[str], default: str) -> str:
    """``body[key]``, one of ``choices`` (``default`` when absent).

    Examples
    --------
    >>> choice({"method": "newton"}, "method", ("newton", "hybrid"), "hybrid")
    'newton'
    """
    value = body.get(key, default)
    if not isinstance(value, str):
        raise TypeError(f"{key} must be a string, got {type(value).__name__}")
    return one_of(value, tuple(choices), key)


@dataclass(frozen=True)
class Expression:
    """Maths text read by the safe parser: the SymPy expression, its variables (in the order
    asked for) and a NumPy function of them."""

    text: str
    expr: Any
    variables: tuple[str, ...]
    f: Callable[..., Any]


@lru_cache(maxsize=256)
def _read(source: str, variables: tuple[str, ...]) -> Expression:
    import sympy

    from mvcalc._numeric import numeric_function
    from mvcalc.symbolic import parse

    expr = parse(source)
    names = sorted(str(s) for s in expr.free_symbols)
    extra = [n for n in names if n not in variables]
    if extra:
        wanted = " and ".join(variables)
        raise ValueError(
            f"{', '.join(extra)} {'is' if len(extra) == 1 else 'are'} not a variable here: "
            f"write a function of {wanted} only"
        )
    symbols = [sympy.Symbol(v) for v in variables]
    return Expression(source, expr, variables, numeric_function(expr, symbols))


def expression(body: dict[str, Any], key: str, variables: Sequence[str] = ("x",),
               default: str | None = None) -> Expression:  # fmt: skip
    """``body[key]`` read as maths text in ``variables`` by the safe parser (nothing is
    evaluated as code), cached per worker process.

    Examples
    --------
    >>> e = expression({"f": "x^2 + 1"}, "f")
    >>> e.expr, float(e.f(2.0))
    (x**2 + 1, 5.0)
    >>> expression({"f": "x*y"}, "f")
    Traceback (most recent call last):
    ...
    ValueError: f: y is not a variable here: write a function of x only
    """
    source = text(body, key, default)
    try:
        return _read(source.strip(), tuple(variables))
    except ValueError as exc:
        raise ValueError(f"{key}: {exc}") from None


# ------------------------------------------------------------------------------------------
# Answers: JSON has no NaN or infinity; curves need only 7 significant digits
# ------------------------------------------------------------------------------------------


def jsonable(value: Any, digits: int | None = None) -> Any:
    """``value`` with NumPy arrays and numbers as lists and floats, and every non-finite float
    as None; with ``digits``, floats rounded to that many significant digits.

    Examples
    --------
    >>> import numpy as np
    >>> jsonable({"y": np.array([1.0, np.inf, np.nan]), "n": np.int64(3)})
    {'y': [1.0, None, None], 'n': 3}
    >>> jsonable([np.pi, 1e-300], digits=4)
    [3.142, 1e-300]
    >>> jsonable(np.array([[np.pi, -2e-320], [np.nan, 123456.0]]), digits=3)
    [[3.14, -2e-320], [None, 123000.0]]
    """
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iub":
            return value.tolist()
        if value.dtype.kind == "f":
            return _floats(value, digits)
        return jsonable(value.tolist(), digits)
    if isinstance(value, list) and len(value) > 8 and all(type(v) is float for v in value):
        return _floats(np.array(value), digits)  # a long list of numbers: as an array, at once
    if isinstance(value, dict):
        return {str(k): jsonable(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, digits) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            return None
        return float(f"{v:.{digits}g}") if digits is not None else v
    return value


def _floats(a: NDArray[np.float64], digits: int | None) -> Any:
    """A float array as (nested) lists, rounded to ``digits`` significant digits, with None for
    every value that is not finite: vectorised, for the long curves the pages draw."""
    finite = np.isfinite(a)
    if digits is not None:
        with np.errstate(all="ignore"):
            size = np.floor(np.log10(np.abs(np.where(finite & (a != 0), a, 1.0))))
            scale = 10.0 ** (digits - 1 - size)
            rounded = np.round(a * scale) / scale
        a = np.where(np.isfinite(rounded), rounded, a)  # beyond the range of scale: as it is
    if finite.all():
        return a.tolist()
    shown = a.astype(object)
    shown[~finite] = None
    return shown.tolist()


# ------------------------------------------------------------------------------------------
# Running the mathematics off the event loop, in a worker process, with a time limit
# ------------------------------------------------------------------------------------------

_computing: anyio.CapacityLimiter | None = None


def _limiter() -> anyio.CapacityLimiter:
    global _computing
    if _computing is None:
        _computing = anyio.CapacityLimiter(MAX_COMPUTING)
    return _computing


def _run(fn: Callable[[dict[str, Any]], Any], body: dict[str, Any], limit: float) -> Any:
    try:
        return _budget.run(fn, body, time_limit=limit)
    except _budget.TooCostly as exc:
        if exc.seconds is None:
            raise BadRequest(f"this needed too much memory: {exc}", 422) from None
        raise BadRequest(
            f"this took longer than the lab's limit of {limit:g} s and was stopped: "
            "try a simpler expression, a lower order or a smaller interval",
            422,
        ) from None


async def compute(
    fn: Callable[[dict[str, Any]], Any], body: dict[str, Any], limit: float = TIME_LIMIT
) -> Any:
    """``fn(body)`` in a worker process, waited for in a thread, stopped after ``limit``
    seconds (:class:`BadRequest` 422); at most :data:`MAX_COMPUTING` at once."""
    return await anyio.to_thread.run_sync(_run, fn, body, limit, limiter=_limiter())


# ------------------------------------------------------------------------------------------
# Sessions: a cookie names a browser's session; each takes its requests one at a time
# ------------------------------------------------------------------------------------------


@dataclass
class LabSession:
    """A browser's session: its lock (one request at a time) and its training job, if any."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    job: Any = None


class LabSessions:
    """The sessions, at most ``limit`` of them (the least recently used is dropped first)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._sessions: OrderedDict[str, LabSession] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, request: Request) -> tuple[str, LabSession, bool]:
        """The request's session (a new one when its cookie names none): token, session,
        whether it is new."""
        token = request.cookies.get(COOKIE, "")
        if token in self._sessions:
            self._sessions.move_to_end(token)
            return token, self._sessions[token], False
        token = secrets.token_urlsafe(18)
        session = self._sessions[token] = LabSession()
        while len(self._sessions) > self.limit:
            _, dropped = self._sessions.popitem(last=False)
            if dropped.job is not None:
                dropped.job.cancel()
        return token, session, True

    def find(self, request: Request) -> LabSession | None:
        """The request's session, or None (never makes one)."""
        return self._sessions.get(request.cookies.get(COOKIE, ""))

    @staticmethod
    def answer(response: Response, token: str, new: bool) -> Response:
        """``response``, setting the session's cookie when the session is new."""
        if new:
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        return response
