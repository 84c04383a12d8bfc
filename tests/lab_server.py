"""The lab's real server in the test's own process (uvicorn on a free port of 127.0.0.1), and a
browser tab's session on it spoken in plain HTTP: what ``test_lab_api.py`` and
``test_lab_server.py`` share for what Starlette's TestClient cannot show (streams that close,
deadlines, bounds on connections)."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mvcalc._isolation import warm_up
from mvcalc.lab.server import _bind, _server, create_app

LIMITS = ("request_timeout", "keep_alive", "max_connections")  # the server's, not the app's


@contextmanager
def serving(**options: Any) -> Iterator[int]:
    """Serve ``create_app(**options)`` on a free port of 127.0.0.1, in this process: its port.

    The options named in :data:`LIMITS` go to the server (its deadlines and its bound on
    connections; the lab's own by default), the others to the app.
    """
    limits = {k: options.pop(k) for k in LIMITS if k in options}
    if "strategy" in options:
        warm_up()  # as serve() does: the fork server is up before the first walk
    sock = _bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = _server(create_app(port=port, **options), **limits)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            time.sleep(0.01)
        assert server.started
        yield port
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


class Tab:
    """A browser tab's session: a cookie, JSON from the page's own origin.

    With ``keep_alive`` its requests share one connection, :attr:`conn`, as a browser's do;
    without, each opens its own (and closes it once answered).
    """

    def __init__(self, port: int, *, keep_alive: bool = False, timeout: float = 30) -> None:
        self.port = port
        self.timeout = timeout
        self.cookie = ""
        self.conn = self.connect() if keep_alive else None

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)

    def headers(self) -> dict[str, str]:
        h = {"Host": f"127.0.0.1:{self.port}", "Content-Type": "application/json",
             "Origin": f"http://127.0.0.1:{self.port}"}  # fmt: skip
        if self.cookie:
            h["Cookie"] = self.cookie
        return h

    def call(self, method: str, path: str, body: object = None) -> tuple[int, Any]:
        """The status and the JSON of the answer to one request (its cookie kept)."""
        conn = self.conn or self.connect()
        conn.request(method, path, None if body is None else json.dumps(body), self.headers())
        response = conn.getresponse()
        data = json.loads(response.read())
        cookie = response.getheader("set-cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        if conn is not self.conn:
            conn.close()
        return response.status, data

    def post(self, path: str, body: object) -> tuple[int, Any]:
        return self.call("POST", path, body)

    def stream(self, job: str) -> tuple[http.client.HTTPConnection, Any]:
        """The live training's stream of ``job``, on a connection of its own."""
        conn = self.connect()
        conn.request("GET", f"/api/backprop/stream?job={job}", headers=self.headers())
        response = conn.getresponse()
        assert response.status == 200
        return conn, response

    @staticmethod
    def next_update(response: Any) -> dict[str, Any]:
        while True:
            line = response.fp.readline().decode()
            assert line, "the stream ended"
            if line.startswith("data:"):
                data: dict[str, Any] = json.loads(line[5:])
                return data
