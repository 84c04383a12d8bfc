"""The sandpit's web app: Starlette on uvicorn, serving its own page and a small JSON API.

Routes (all JSON bodies; every error is a 4xx JSON object ``{"error": "..."}``):

========================  ===============================================================
``GET /``                 the game's page; ``/static/*`` its script, style sheet and icon
``GET /api/config``       scenarios, modes, strategies, the pit's bounds, the defaults
``POST /api/new``         ``{scenario, seed, mode}``: a new game for this browser session
``GET /api/state``        the session's game
``POST /api/probe``       ``{x, y}``: one probe (and the game, less its list of probes)
``POST /api/workers``     ``{x, y, strategy, aggression}``: workers walk from (x, y)
``POST /api/reveal``      the hidden floor (grid, contours, the deepest point); ends the game
========================  ===============================================================

Hardening: the Host header must name the served address (an IP literal or ``localhost`` with the
served port, or the name given to ``--host``), against DNS rebinding; POST bodies must be JSON
objects under 4 kB with the expected fields; the number of sessions (least recently used go
first) and of probes per game are bounded; strategies come only from the command line, never
from a request.
"""

from __future__ import annotations

import ipaddress
import json
import math
import secrets
import socket
import threading
import webbrowser
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mvcalc.datasets import SANDPIT_BOUNDS
from mvcalc.lab.sandpit import (
    MODES,
    SCENARIOS,
    STRATEGIES,
    GameOver,
    Probe,
    Sandpit,
    Strategy,
    Workers,
)

__all__ = ["create_app", "serve"]

STATIC = Path(__file__).parent / "static"
COOKIE = "mvcalc_sandpit"
MAX_BODY = 4096
MAX_SEED = 2**31 - 1
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Awaitable[None]]  # fmt: skip


class BadRequest(Exception):
    """A request the API refuses, with its status code and a message for the page."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


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


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=SECURITY_HEADERS)


class _Guard:
    """ASGI middleware: refuse foreign Host headers; add security headers to every response."""

    def __init__(self, app: ASGIApp, port: int | None, names: frozenset[str]) -> None:
        self.app, self.port, self.names = app, port, names

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if self.port is not None and not host_allowed(host, self.port, self.names):
            await _error(f"Host header {host!r} does not name this server", 421)(
                scope, receive, send
            )
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()
                         if k.encode() not in present]  # fmt: skip
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _body(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise BadRequest("the body must be JSON (Content-Type: application/json)", 415)
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise BadRequest(f"the body is larger than {MAX_BODY} bytes", 413)
    try:
        body = json.loads(raw or b"{}", parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _number(body: dict[str, Any], key: str, default: float | None = None) -> float:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequest(f"{key} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise BadRequest(f"{key} must be finite, got {value!r}")
    return float(value)


def _choice(body: dict[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = body.get(key, default)
    if value not in allowed:
        raise BadRequest(f"{key} must be one of {list(allowed)}, got {value!r}")
    return str(value)


def _seed(body: dict[str, Any]) -> int | None:
    value = body.get("seed")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        raise BadRequest(f"seed must be an integer from 0 to {MAX_SEED}, or null; got {value!r}")
    return value


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
) -> Starlette:
    """The sandpit web app.

    Parameters
    ----------
    scenario, seed, mode : optional
        The defaults the page starts with.
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

    Returns
    -------
    starlette.applications.Starlette

    Examples
    --------
    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app(port=8000), base_url="http://127.0.0.1:8000")
    >>> client.post("/api/new", json={"scenario": "bowl", "seed": 1}).json()["count"]
    0
    >>> client.post("/api/probe", json={"x": 99, "y": 0}).json()
    {'error': 'x must lie in the pit, -3.0 <= x <= 3.0, got 99.0'}
    """
    if scenario not in SCENARIOS:
        raise ValueError(f"scenario must be one of {list(SCENARIOS)}, got {scenario!r}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)}, got {mode!r}")
    strategies: dict[str, Strategy | str] = {name: name for name in STRATEGIES}
    if strategy is not None:
        strategies[strategy[0]] = strategy[1]
    sessions: OrderedDict[str, Sandpit] = OrderedDict()

    def game_of(request: Request) -> Sandpit:
        token = request.cookies.get(COOKIE, "")
        if token not in sessions:
            raise BadRequest("no game in this session: start one with POST /api/new", 409)
        sessions.move_to_end(token)
        return sessions[token]

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    async def config(request: Request) -> Response:
        return JSONResponse({
            "scenarios": list(SCENARIOS),
            "modes": list(MODES),
            "strategies": list(strategies),
            "bounds": SANDPIT_BOUNDS,
            "defaults": {"scenario": scenario, "seed": seed, "mode": mode},
        })  # fmt: skip

    async def new(request: Request) -> Response:
        body = await _body(request)
        game = Sandpit(_choice(body, "scenario", SCENARIOS, scenario), _seed(body),
                       mode=_choice(body, "mode", MODES, mode), max_probes=max_probes)  # fmt: skip
        token = request.cookies.get(COOKIE) or ""
        if token not in sessions:
            token = secrets.token_urlsafe(18)
        sessions[token] = game
        sessions.move_to_end(token)
        while len(sessions) > max_sessions:
            sessions.popitem(last=False)
        response = JSONResponse(_state(game))
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        return response

    async def state(request: Request) -> Response:
        return JSONResponse(_state(game_of(request)))

    async def probe(request: Request) -> Response:
        body = await _body(request)
        game = game_of(request)
        if game.mode == "workers":
            raise BadRequest("in workers mode a click starts workers: POST /api/workers")
        p = game.probe(_number(body, "x"), _number(body, "y"))
        return JSONResponse({"probe": _probe(p), "state": _state(game, probes=False)})

    async def workers(request: Request) -> Response:
        body = await _body(request)
        game = game_of(request)
        if game.mode != "workers":
            raise BadRequest(f"workers walk only in workers mode; this game is in {game.mode} mode")
        name = _choice(body, "strategy", tuple(strategies), "hybrid")
        aggression = _number(body, "aggression", 0.1)
        if not 0 < aggression <= 100:
            raise BadRequest(f"aggression must be in (0, 100], got {aggression}")
        walk = game.workers(_number(body, "x"), _number(body, "y"), strategies[name],
                            aggression=aggression)  # fmt: skip
        return JSONResponse({"workers": _walk(walk), "state": _state(game, probes=False)})

    async def reveal(request: Request) -> Response:
        game = game_of(request)
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
            return _error(str(exc), exc.status)
        if isinstance(exc, GameOver):
            return _error(str(exc), 409)
        if isinstance(exc, HTTPException):
            return _error(exc.detail, exc.status_code)
        return _error(str(exc), 400)  # ValueError / TypeError from the engine: bad input

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/api/config", config),
            Route("/api/new", new, methods=["POST"]),
            Route("/api/state", state),
            Route("/api/probe", probe, methods=["POST"]),
            Route("/api/workers", workers, methods=["POST"]),
            Route("/api/reveal", reveal, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        exception_handlers={
            BadRequest: bad_request,
            GameOver: bad_request,
            ValueError: bad_request,
            TypeError: bad_request,
            HTTPException: bad_request,
        },
    )
    app.add_middleware(_Guard, port=port, names=host_names)
    return app


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
    **game: Any,
) -> None:
    """Serve the sandpit on ``host:port`` (port 0: a free one) until interrupted.

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
    **game
        ``scenario``, ``seed``, ``mode``, ``strategy``: passed to :func:`create_app`.

    Examples
    --------
    >>> serve(host="256.0.0.1", open_browser=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: host '256.0.0.1', port 0: cannot listen there (...)
    """
    import uvicorn

    sock = _bind(host, port)
    port = sock.getsockname()[1]
    try:
        ipaddress.ip_address(host)
        names: frozenset[str] = frozenset()
    except ValueError:
        names = frozenset({host.lower()})
    app = create_app(port=port, host_names=names, **game)
    shown = sock.getsockname()[0]
    shown = "127.0.0.1" if shown in ("0.0.0.0", "::") else shown
    url = f"http://{f'[{shown}]' if ':' in shown else shown}:{port}/"
    announce(f"mvcalc sandpit: playing at {url}  (Ctrl+C stops)")
    if open_browser:
        threading.Timer(0.3, webbrowser.open, args=(url,)).start()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    server.run(sockets=[sock])
