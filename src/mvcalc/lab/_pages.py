"""The lab's pages and their API: the home page, one page per topic, ``POST /api/<page>/<action>``
and the live training's job stream.

========================================  =====================================================
``GET /``                                 the home page, linking every topic
``GET /<page>``                           a topic's page (:data:`mvcalc.lab.topics.PAGES`)
``POST /api/<page>/<action>``             that page's mathematics
                                          (:data:`mvcalc.lab.topics.ACTIONS`), run in a worker
                                          process with a time limit
``POST /api/backprop/start``              a new training for this session (the old one stops)
``GET /api/backprop/stream?job=ID``       the training, as Server-Sent Events, while it is read
``POST /api/backprop/pause``              ``{"paused": true | false}``
``POST /api/backprop/stop``               ``{}``: the session's training stops
========================================  =====================================================

Training runs only while its page reads the stream: when the page goes away, the stream closes
and the job stops after the slice it is training. Each session has at most one job; at most
:data:`MAX_JOBS` run at once, each at most :data:`mvcalc.lab.topics.backprop.MAX_STEPS` steps.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from mvcalc import _budget
from mvcalc.lab._api import TIME_LIMIT, BadRequest, LabSessions, compute, read_body
from mvcalc.lab.topics import ACTIONS, PAGES, backprop

__all__ = ["MAX_JOBS", "TrainingJob", "routes"]

STATIC = Path(__file__).parent / "static"
MAX_JOBS = 4  # trainings running at once, over all sessions
UNCLAIMED = 15.0  # seconds a started job waits for its page to read the stream
SLICE_LIMIT = 10.0  # seconds one slice of training may take in its worker before it is killed
PING = 5.0  # seconds between keep-alive comments while a job is paused


class TrainingJob:
    """One session's training: its state (kept in the worker's answers), whether it is paused,
    stopped or done. Holds one of the :data:`MAX_JOBS` slots from its start until it ends."""

    def __init__(self, state: dict[str, Any], slots: list[TrainingJob]) -> None:
        self.id = secrets.token_urlsafe(9)
        self.state = state
        self.slots = slots
        self.running = asyncio.Event()  # set: training; clear: paused
        self.running.set()
        self.stopped = False
        self.streamed = False
        self.done = False
        slots.append(self)
        asyncio.get_running_loop().call_later(UNCLAIMED, self._unclaimed)

    def _unclaimed(self) -> None:
        if not self.streamed:
            self.cancel()

    def cancel(self) -> None:
        """Stop the job (its stream ends after the slice under way) and free its slot."""
        self.stopped = True
        self.running.set()  # wake a paused stream so that it ends
        if self in self.slots:
            self.slots.remove(self)

    async def events(self) -> AsyncIterator[str]:
        """The stream: an ``update`` event per slice, ``done`` at the end, ``stopped`` when
        stopped; comments keep a paused stream alive."""
        self.streamed = True
        try:
            yield "retry: 2000\n\n"
            while not self.stopped:
                if not self.running.is_set():
                    try:
                        await asyncio.wait_for(self.running.wait(), PING)
                    except TimeoutError:
                        yield ": paused\n\n"
                    continue
                begun = time.monotonic()
                self.state, update = await anyio.to_thread.run_sync(_slice, self.state)
                yield f"event: update\ndata: {json.dumps(update, allow_nan=False)}\n\n"
                if update["done"]:
                    self.done = True
                    yield f"event: done\ndata: {json.dumps(update, allow_nan=False)}\n\n"
                    return
                rest = backprop.SLICE - (time.monotonic() - begun)
                if self.state["pace"] and rest > 0:
                    await asyncio.sleep(rest)  # hold the pace the page asked for
            yield 'event: stopped\ndata: {"stopped": true}\n\n'
        finally:
            self.cancel()


def _slice(state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        return _budget.run(backprop.advance, state, time_limit=SLICE_LIMIT)
    except _budget.TooCostly as exc:
        update = {"done": True, "status": "stopped", "step": state["step"], "costs": [],
                  "curves": [], "message": f"training stopped: {exc}"}  # fmt: skip
        return state, update


def routes(sessions: LabSessions, time_limit: float = TIME_LIMIT) -> list[Route]:
    """The lab's routes (besides the sandpit's), sharing ``sessions``; a request's mathematics
    may take at most ``time_limit`` seconds."""
    slots: list[TrainingJob] = []
    pages = set(PAGES)

    async def home(request: Request) -> Response:
        return FileResponse(STATIC / "home.html", media_type="text/html")

    async def page(request: Request) -> Response:
        name = request.path_params["page"]
        if name not in pages:
            raise BadRequest(f"no page {name!r}: the pages are {', '.join(sorted(pages))}", 404)
        return FileResponse(STATIC / f"{name}.html", media_type="text/html")

    async def action(request: Request) -> Response:
        name, verb = request.path_params["page"], request.path_params["action"]
        actions = ACTIONS.get(name, {})
        if verb not in actions:
            raise BadRequest(f"no action {verb!r} for page {name!r}", 404)
        body = await read_body(request)
        token, session, new = sessions.get(request)
        async with session.lock:  # a session's requests one at a time
            answer = await compute(actions[verb], body, time_limit)
        return sessions.answer(JSONResponse(answer), token, new)

    async def start(request: Request) -> Response:
        body = await read_body(request)
        token, session, new = sessions.get(request)
        async with session.lock:
            if session.job is not None:
                session.job.cancel()
                session.job = None
            if len(slots) >= MAX_JOBS:
                raise BadRequest(f"{MAX_JOBS} trainings are running already (the lab's limit): "
                                 "try again when one ends", 503)  # fmt: skip
            shown, state = await compute(backprop.start, body, time_limit)
            job = session.job = TrainingJob(state, slots)
        return sessions.answer(JSONResponse({"job": job.id, **shown}), token, new)

    def job_of(request: Request, job_id: str | None = None) -> TrainingJob:
        session = sessions.find(request)
        job: TrainingJob | None = None if session is None else session.job
        if job is None or (job_id is not None and job.id != job_id):
            raise BadRequest("no such training in this session: start one first", 409)
        return job

    async def stream(request: Request) -> Response:
        job = job_of(request, request.query_params.get("job", ""))
        if job.streamed or job.stopped:
            raise BadRequest("this training is already being read, or has ended", 409)
        headers = {"cache-control": "no-store", "x-accel-buffering": "no"}
        return StreamingResponse(job.events(), media_type="text/event-stream", headers=headers)

    async def pause(request: Request) -> Response:
        body = await read_body(request)
        paused = body.get("paused")
        if not isinstance(paused, bool):
            raise BadRequest("paused must be true or false")
        job = job_of(request)
        if paused:
            job.running.clear()
        else:
            job.running.set()
        return JSONResponse({"paused": paused, "step": job.state["step"]})

    async def stop(request: Request) -> Response:
        await read_body(request)
        session = sessions.find(request)
        if session is not None and session.job is not None:
            session.job.cancel()
            session.job = None
        return JSONResponse({"stopped": True})

    return [
        Route("/", home),
        Route("/api/backprop/start", start, methods=["POST"]),
        Route("/api/backprop/stream", stream),
        Route("/api/backprop/pause", pause, methods=["POST"]),
        Route("/api/backprop/stop", stop, methods=["POST"]),
        Route("/api/{page}/{action}", action, methods=["POST"]),
        Route("/{page}", page),
    ]
