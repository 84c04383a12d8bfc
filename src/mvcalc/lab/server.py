"""The lab's web app: Starlette on uvicorn, serving its own pages and a small JSON API.

The home page, the topics' pages and their API are :mod:`mvcalc.lab._pages`; this module holds
the sandpit's API, the hardening every path shares, and the server. The sandpit's routes (all
JSON bodies; every error is a 4xx JSON object ``{"error": "..."}``):

========================  ===============================================================
``GET /sandpit``          the game's page; ``/static/*`` its script, style sheet and icon
``GET /api/config``       scenarios, modes, strategies, the pit's bounds, the defaults, and
                          whether this browser has a game to resume (``resumable``)
``POST /api/new``         ``{scenario, seed, mode}``: a new game for this browser session
``GET /api/state``        the session's game
``POST /api/probe``       ``{x, y}``: one probe (and the game, less its list of probes)
``POST /api/workers``     ``{x, y, strategy, aggression}``: workers walk from (x, y)
``POST /api/reveal``      ``{}``: the hidden floor (grid, contours, the deepest point); ends
                          the game
========================  ===============================================================

Hardening:

* the Host header must name the served address (an IP literal or ``localhost`` with the served
  port, or the name given to ``--host``), against DNS rebinding (421);
* every POST must come from the page itself — an ``Origin`` other than the served origin, or a
  browser's ``Sec-Fetch-Site`` other than ``same-origin``, is refused (403) — and must be JSON
  (415): a form on another site, or on another port of this machine, cannot play or end a game;
* bodies are JSON objects under 4 kB, nested at most 8 deep, with checked fields: any bad input
  is a 4xx answer, never a 500;
* the number of sessions (least recently used go first) and of probes per game are bounded; a
  session's requests are taken one at a time;
* the pages' mathematics, and maths text typed on them, run in worker processes with a time
  limit (:func:`mvcalc.lab._api.compute`), never on the event loop;
* the user's strategy (from the command line only, never from a request) runs in a process of
  its own, off the event loop, with a time limit per step and per walk, and is killed when it
  overruns (:mod:`mvcalc._isolation`); the other sessions do not wait for it;
* the server gives each request 10 s to arrive whole (headers and body), closes idle
  connections after 5 s, cuts off a client that does not read its answer, and holds at most
  64 connections.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import secrets
import socket
import threading
import webbrowser
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.to_thread
import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from uvicorn.protocols.http.h11_impl import H11Protocol

from mvcalc import _budget
from mvcalc._isolation import FileStrategy, warm_up
from mvcalc._validate import bounded_int, finite_float, one_of, positive_float
from mvcalc.lab import _pages
from mvcalc.lab._api import (
    MAX_COMPUTING,
    SECURITY_HEADERS,
    TIME_LIMIT,
    BadRequest,
    LabSessions,
    error_response,
    read_body,
)
from mvcalc.sandpit import BOUNDS as SANDPIT_BOUNDS
from mvcalc.sandpit import (
    MODES,
    SCENARIOS,
    STRATEGIES,
    GameOver,
    Probe,
    Sandpit,
    Strategy,
    Workers,
)

__all__ = ["MAX_SEED", "create_app", "origin_allowed", "serve"]

STATIC = Path(__file__).parent / "static"
COOKIE = "mvcalc_sandpit"
MAX_SEED = 2**31 - 1
MAX_AGGRESSION = 100.0
STEP_TIMEOUT = 2.0  # seconds a user's strategy may take for a step
WALK_TIMEOUT = 10.0  # and for a walk
REQUEST_TIMEOUT = 10.0  # seconds for a request to arrive whole
KEEP_ALIVE = 5  # seconds an idle connection is kept
MAX_CONNECTIONS = 64
GRACE = 2  # seconds open requests (a training's stream) get to end when the server stops
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Awaitable[None]]  # fmt: skip


# ------------------------------------------------------------------------------------------
# Checking requests
# ------------------------------------------------------------------------------------------


def host_allowed(host_header: str, port: int, names: frozenset[str] = frozenset()) -> bool:
    """Whether a Host header names this server: ``localhost``, an IP literal or one of
    ``names``, with the served port. A DNS-rebinding attack arrives under its own domain name.

    Examples
    --------
    >>> host_allowed("127.0.0.1:8000", 8000), host_allowed("localhost:8000", 8000)
    (True, True)
    >>> host_allowed("evil.example:8000", 8000), host_allowed("127.0.0.1:8001", 8000)
    (False, False)
    """
    name, sep, port_text = host_header.rpartition(":")
    if not sep or not port_text.isdigit() or int(port_text) != port:
        return False
    name = name.lower()
    if name == "localhost" or name in names:
        return True
    try:
        ipaddress.ip_address(name[1:-1] if name.startswith("[") and name.endswith("]") else name)
    except ValueError:
        return False
    return True


def origin_allowed(headers: Mapping[str, str]) -> bool:
    """Whether a state-changing request comes from the page this server served.

    A browser names the page that sends a POST in ``Origin``: it must be this server's own
    origin, ``http://`` and the Host header (another port of the same machine is another
    origin). A browser that sends no ``Origin`` still sends ``Sec-Fetch-Site``, which must say
    ``same-origin``. A request with neither comes from a program, not from a web page.

    Parameters
    ----------
    headers : mapping of str to str
        The request's headers, names in lower case.

    Returns
    -------
    bool

    Examples
    --------
    >>> origin_allowed({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000"})
    True
    >>> origin_allowed({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:9000"})
    False
    >>> origin_allowed({"host": "127.0.0.1:8000", "sec-fetch-site": "same-site"})
    False
    >>> origin_allowed({"host": "127.0.0.1:8000"})  # curl, a script, the benchmark
    True
    """
    origin = headers.get("origin")
    if origin is not None:
        return origin.lower() == f"http://{headers.get('host', '')}".lower()
    return headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


class _Guard:
    """ASGI middleware: refuse foreign Host headers, and POSTs from other origins or not in
    JSON; add security headers to every response."""

    def __init__(self, app: ASGIApp, port: int | None, names: frozenset[str]) -> None:
        self.app, self.port, self.names = app, port, names

    def refusal(self, scope: Scope) -> JSONResponse | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if self.port is not None and not host_allowed(host, self.port, self.names):
            return error_response(f"Host header {host!r} does not name this server", 421)
        if scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            if not origin_allowed(headers):
                origin = headers.get("origin", headers.get("sec-fetch-site"))
                return error_response(f"requests from {origin!r} may not change anything here", 403)
            kind = headers.get("content-type", "").split(";")[0].strip().lower()
            if kind != "application/json":
                return error_response("the body must be JSON (Content-Type: application/json)", 415)
        return None

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()
                         if k.encode() not in present]  # fmt: skip
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _seed(value: Any) -> int | None:
    return None if value is None else bounded_int(value, 0, MAX_SEED, "seed")


# ------------------------------------------------------------------------------------------
# JSON views of the game
# ------------------------------------------------------------------------------------------


def _probe(p: Probe) -> dict[str, Any]:
    return {"number": p.number, "x": p.x, "y": p.y, "depth": p.depth,
            "jacobian": p.jacobian, "won": p.won}  # fmt: skip


def _state(game: Sandpit, *, probes: bool = True) -> dict[str, Any]:
    """The game for the page; without ``probes`` (the page keeps its own list) it stays small."""
    best = game.best
    state = {
        "scenario": game.scenario,
        "seed": game.seed,
        "mode": game.mode,
        "bounds": game.bounds,
        "count": game.count,
        "max_probes": game.max_probes,
        "won": game.won,
        "score": game.score,
        "revealed": game.revealed,
        "last": _probe(game.last) if game.last is not None else None,
        "best": _probe(best) if best is not None else None,
    }
    if probes:
        state["probes"] = [_probe(p) for p in game.probes]
    return state


def _walk(w: Workers) -> dict[str, Any]:
    return {"strategy": w.strategy, "probes": [_probe(p) for p in w.probes],
            "completed": w.completed, "message": w.message}  # fmt: skip


def _rounded(values: Any) -> Any:
    return [_rounded(v) for v in values] if hasattr(values, "__len__") else round(float(values), 5)


# ------------------------------------------------------------------------------------------
# The app
# ------------------------------------------------------------------------------------------


@dataclass
class _Session:
    """A browser's game; its lock takes the session's requests one at a time."""

    game: Sandpit
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def create_app(
    *,
    scenario: str = "bowl",
    seed: int | None = None,
    mode: str = "depth",
    strategy: tuple[str, Strategy] | None = None,
    port: int | None = None,
    host_names: frozenset[str] = frozenset(),
    max_sessions: int = 64,
    max_probes: int = 1000,
    step_timeout: float = STEP_TIMEOUT,
    walk_timeout: float = WALK_TIMEOUT,
    time_limit: float = TIME_LIMIT,
) -> Starlette:
    """The lab's web app: its pages, their API and the sandpit's.

    Parameters
    ----------
    scenario, seed, mode : optional
        The defaults the page starts with; ``seed`` from 0 to 2**31 − 1 (:data:`MAX_SEED`).
    strategy : (name, next_step), optional
        The user's own strategy, loaded from the command line (see
        :func:`mvcalc.lab.load_strategy`); it joins the built-in ones.
    port : int, optional
        The served port: requests whose Host header does not name it are refused (421).
        None turns the check off (for an app mounted elsewhere).
    host_names : frozenset of str, optional
        Host names besides ``localhost`` and IP literals that name this server.
    max_sessions, max_probes : int, optional
        Bounds on the games held (least recently used dropped first) and on each game.
    step_timeout, walk_timeout : float, optional
        Seconds the user's strategy may take for one step, and for one walk of the workers;
        it runs in a process of its own, killed when it overruns either.
    time_limit : float, optional
        Seconds the mathematics of one request of the lab's pages may take (its worker process
        is killed after that, and the page is told so: 422).

    Returns
    -------
    starlette.applications.Starlette

    Raises
    ------
    ValueError, TypeError
        If a default or a bound is out of range.

    Examples
    --------
    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app(port=8000), base_url="http://127.0.0.1:8000")
    >>> client.post("/api/new", json={"scenario": "bowl", "seed": 1}).json()["count"]
    0
    >>> client.post("/api/probe", json={"x": 99, "y": 0}).json()
    {'error': 'x must lie in the pit, -3.0 <= x <= 3.0, got 99.0'}
    >>> create_app(seed=3_000_000_000)
    Traceback (most recent call last):
    ...
    ValueError: seed must be an integer from 0 to 2147483647, got 3000000000
    """
    scenario = one_of(scenario, SCENARIOS, "scenario")
    mode = one_of(mode, MODES, "mode")
    seed = _seed(seed)
    step_timeout = positive_float(step_timeout, "step_timeout")
    walk_timeout = positive_float(walk_timeout, "walk_timeout")
    time_limit = positive_float(time_limit, "time_limit")
    # the pages' mathematics runs in worker processes: they start with it imported, and as
    # many stay waiting as may be busy at once
    _budget.prepare(("mvcalc.lab.topics",), idle=_pages.MAX_JOBS + MAX_COMPUTING)
    strategies: dict[str, Strategy | str] = {name: name for name in STRATEGIES}
    if strategy is not None:
        strategies[strategy[0]] = strategy[1]
    sessions: OrderedDict[str, _Session] = OrderedDict()

    def token_of(request: Request) -> str:
        return request.cookies.get(COOKIE, "")

    def session_of(request: Request) -> _Session:
        token = token_of(request)
        if token not in sessions:
            raise BadRequest("no game in this session: start one with POST /api/new", 409)
        sessions.move_to_end(token)
        return sessions[token]

    async def config(request: Request) -> Response:
        session = sessions.get(token_of(request))
        return JSONResponse({
            "scenarios": list(SCENARIOS),
            "modes": list(MODES),
            "strategies": list(strategies),
            "bounds": SANDPIT_BOUNDS,
            "defaults": {"scenario": scenario, "seed": seed, "mode": mode},
            "resumable": session is not None and not session.game.revealed,
        })  # fmt: skip

    async def new(request: Request) -> Response:
        body = await read_body(request)
        game = Sandpit(one_of(body.get("scenario", scenario), SCENARIOS, "scenario"),
                       _seed(body.get("seed")), mode=one_of(body.get("mode", mode), MODES, "mode"),
                       max_probes=max_probes)  # fmt: skip
        token = token_of(request)
        if token in sessions:
            session = sessions[token]
            async with session.lock:  # after the session's walk, if one is under way
                session.game = game
        else:
            token = secrets.token_urlsafe(18)
            sessions[token] = _Session(game)
        sessions.move_to_end(token)
        while len(sessions) > max_sessions:
            sessions.popitem(last=False)
        response = JSONResponse(_state(game))
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        return response

    async def state(request: Request) -> Response:
        return JSONResponse(_state(session_of(request).game))

    async def probe(request: Request) -> Response:
        body = await read_body(request)
        session = session_of(request)
        async with session.lock:
            game = session.game
            if game.mode == "workers":
                raise BadRequest("in workers mode a click starts workers: POST /api/workers")
            p = game.probe(finite_float(body.get("x"), "x"), finite_float(body.get("y"), "y"))
            return JSONResponse({"probe": _probe(p), "state": _state(game, probes=False)})

    async def workers(request: Request) -> Response:
        body = await read_body(request)
        session = session_of(request)
        async with session.lock:
            game = session.game
            if game.mode != "workers":
                raise BadRequest(
                    f"workers walk only in workers mode; this game is in {game.mode} mode"
                )
            name = one_of(body.get("strategy", "hybrid"), tuple(strategies), "strategy")
            aggression = positive_float(body.get("aggression", 0.1), "aggression")
            if aggression > MAX_AGGRESSION:
                raise BadRequest(f"aggression must be in (0, {MAX_AGGRESSION:g}], got {aggression}")
            rule = strategies[name]
            walk_of = functools.partial(
                game.workers,
                finite_float(body.get("x"), "x"),
                finite_float(body.get("y"), "y"),
                rule,
                aggression=aggression,
                timeout=step_timeout,
                walk_timeout=walk_timeout,
            )
            # the user's strategy runs in a process of its own; this thread waits for it, the
            # event loop (and every other session) does not
            walk = await anyio.to_thread.run_sync(walk_of) if callable(rule) else walk_of()
            return JSONResponse({"workers": _walk(walk), "state": _state(game, probes=False)})

    async def reveal(request: Request) -> Response:
        await read_body(request)
        session = session_of(request)
        async with session.lock:
            game = session.game
            floor = game.reveal()
            return JSONResponse({
                "x": _rounded(floor.x),
                "y": _rounded(floor.y),
                "depth": _rounded(floor.depth),
                "levels": _rounded(floor.levels),
                "contours": [[_rounded(line) for line in lines] for lines in floor.contours],
                "minimum": floor.minimum,
                "minimum_depth": floor.minimum_depth,
                "win_radius": floor.win_radius,
                "state": _state(game),
            })  # fmt: skip

    async def bad_request(request: Request, exc: Exception) -> Response:
        if isinstance(exc, BadRequest):
            return error_response(str(exc), exc.status)
        if isinstance(exc, GameOver):
            return error_response(str(exc), 409)
        if isinstance(exc, HTTPException):
            return error_response(exc.detail, exc.status_code)
        return error_response(str(exc), 400)  # ValueError / TypeError / OverflowError: bad input

    async def server_error(request: Request, exc: Exception) -> Response:
        # a bug, not the input
        return error_response(f"the server failed: {type(exc).__name__}", 500)

    app = Starlette(
        routes=[
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
            Route("/api/config", config),
            Route("/api/new", new, methods=["POST"]),
            Route("/api/state", state),
            Route("/api/probe", probe, methods=["POST"]),
            Route("/api/workers", workers, methods=["POST"]),
            Route("/api/reveal", reveal, methods=["POST"]),
            *_pages.routes(LabSessions(max_sessions), time_limit),
        ],
        exception_handlers={
            BadRequest: bad_request,
            GameOver: bad_request,
            ValueError: bad_request,
            TypeError: bad_request,
            OverflowError: bad_request,
            HTTPException: bad_request,
            Exception: server_error,
        },
    )
    app.add_middleware(_Guard, port=port, names=host_names)
    return app


# ------------------------------------------------------------------------------------------
# The server: uvicorn's h11 protocol with deadlines and a bound on connections
# ------------------------------------------------------------------------------------------

_TOO_MANY = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n"
    b"connection: close\r\ncontent-length: 33\r\n\r\n"
    b'{"error": "too many connections"}'
)


class _Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request to arrive whole (headers and
    body: a client that sends them slowly, or promises a body and sends none, is cut off), a
    deadline for a client to read what it is sent, and a cap on connections.

    uvicorn's own ``timeout_keep_alive`` runs only between requests and restarts with every
    byte received, so it does not stop a slow client; ``limit_concurrency`` answers 503 to
    requests but keeps idle sockets open. Subclasses set the two class attributes.
    """

    request_timeout: float = REQUEST_TIMEOUT
    max_connections: int = MAX_CONNECTIONS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._deadline: asyncio.TimerHandle | None = None
        self._write_deadline: asyncio.TimerHandle | None = None
        self._awaited: object = None
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            transport.write(_TOO_MANY)
            transport.close()
            return
        self._arm()

    def _arm(self) -> None:
        """Start the clock for the next request to arrive whole."""
        self._disarm()
        self._awaited = self.cycle  # the request before the one awaited
        self._deadline = self.loop.call_later(self.request_timeout, self._cut_off)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _cut_off(self) -> None:
        self._deadline = self._write_deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and (self.cycle is None or self.cycle.response_complete):
            self._arm()  # the first bytes of a new request on a kept-alive connection
        super().data_received(data)

    def handle_events(self) -> None:
        super().handle_events()
        cycle = self.cycle
        if cycle is not None and cycle is not self._awaited and not cycle.more_body:
            self._disarm()  # the request is here, whole

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._write_deadline is None:
            self._write_deadline = self.loop.call_later(self.request_timeout, self._cut_off)

    def resume_writing(self) -> None:
        if self._write_deadline is not None:
            self._write_deadline.cancel()
            self._write_deadline = None
        super().resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._write_deadline is not None:
            self._write_deadline.cancel()
            self._write_deadline = None
        super().connection_lost(exc)


def _server(
    app: Starlette,
    *,
    request_timeout: float = REQUEST_TIMEOUT,
    keep_alive: int = KEEP_ALIVE,
    max_connections: int = MAX_CONNECTIONS,
) -> uvicorn.Server:
    """A uvicorn server for ``app`` with the deadlines and the bound on connections."""
    protocol = type("Protocol", (_Protocol,), {"request_timeout": request_timeout,
                                               "max_connections": max_connections})  # fmt: skip
    config = uvicorn.Config(app, http=protocol, log_level="warning", lifespan="off",
                            timeout_keep_alive=keep_alive,
                            timeout_graceful_shutdown=GRACE)  # fmt: skip
    return uvicorn.Server(config)


def _bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)  # connections wait from now on, before uvicorn starts accepting
    except OSError as exc:
        raise ValueError(f"host {host!r}, port {port}: cannot listen there ({exc})") from None
    return sock


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    open_browser: bool = True,
    announce: Callable[[str], None] = print,
    page: str = "",
    **game: Any,
) -> None:
    """Serve the lab (the sandpit among its pages) on ``host:port`` (port 0: a free one) until
    interrupted.

    Parameters
    ----------
    host : str, optional
        The address to listen on; 127.0.0.1 (this machine only) unless told otherwise.
    port : int, optional
        0 picks a free port.
    open_browser : bool, optional
        Open the page in the default browser.
    announce : callable, optional
        Receives the line with the URL (default: print it).
    page : str, optional
        The page announced and opened: ``""`` the lab's home page, ``"sandpit"`` the game.
    **game
        ``scenario``, ``seed``, ``mode``, ``strategy``, ``time_limit``: passed to
        :func:`create_app`.

    Raises
    ------
    ValueError, TypeError
        If the address cannot be listened on, or a default is out of range (nothing is served).

    Examples
    --------
    >>> serve(host="256.0.0.1", open_browser=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: host '256.0.0.1', port 0: cannot listen there (...)
    >>> serve(open_browser=False, seed=3_000_000_000)
    Traceback (most recent call last):
    ...
    ValueError: seed must be an integer from 0 to 2147483647, got 3000000000
    """
    sock = _bind(host, port)
    try:
        port = sock.getsockname()[1]
        try:
            ipaddress.ip_address(host)
            names: frozenset[str] = frozenset()
        except ValueError:
            names = frozenset({host.lower()})
        app = create_app(port=port, host_names=names, **game)
    except BaseException:
        sock.close()
        raise
    strategy = game.get("strategy")
    if strategy is not None and isinstance(strategy[1], FileStrategy):
        threading.Thread(target=warm_up, name="mvcalc-warm-up", daemon=True).start()
    shown = sock.getsockname()[0]
    shown = "127.0.0.1" if shown in ("0.0.0.0", "::") else shown
    url = f"http://{f'[{shown}]' if ':' in shown else shown}:{port}/{page}"
    if page == "sandpit":
        announce(f"mvcalc sandpit: playing at {url}  (Ctrl+C stops)")
    else:
        announce(f"mvcalc lab: open {url}  (Ctrl+C stops)")
    if open_browser:
        threading.Timer(0.3, webbrowser.open, args=(url,)).start()
    _server(app).run(sockets=[sock])
