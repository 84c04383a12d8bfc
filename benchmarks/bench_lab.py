"""The lab on loopback: p50 and p99 latency of each page's interaction, and the live training's
steps a second against the library's own ``Network.train``. Target: p99 < 50 ms per interaction.

``mvcalc lab --no-browser`` runs in its own process, as a learner's would; this process is the
browser: one keep-alive HTTP/1.1 connection per page, a JSON POST per interaction (what the page
sends while a point, a slider or a start is dragged or clicked), the answer read and parsed. Each
interaction is warmed up (its first call reads and compiles the learner's expression) and then
timed ``--repeats`` times at points that change on every call, as a drag does.

The live training runs at full speed (``pace`` 0) for ``--steps`` steps; its rate is the steps
divided by the time from opening the stream to its last event, against ``Network.train`` for the
same network, data, seed and steps in this process.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import mvcalc as mc


class Tab:
    """One keep-alive connection with the page's cookie, speaking its JSON."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def headers(self) -> dict[str, str]:
        h = {"Host": f"127.0.0.1:{self.port}", "Content-Type": "application/json"}
        return dict(h, Cookie=self.cookie) if self.cookie else h

    def post(self, path: str, body: object) -> dict[str, Any]:
        self.conn.request("POST", path, body=json.dumps(body), headers=self.headers())
        response = self.conn.getresponse()
        data = json.loads(response.read())
        if response.status != 200:
            raise RuntimeError(f"POST {path} {body}: {response.status} {data}")
        cookie = response.getheader("set-cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        return dict(data)


def wave(k: int, lo: float, hi: float, digits: int = 4) -> float:
    """The k-th point of a drag between lo and hi, rounded as the page rounds it: a new point on
    every call (k times the golden ratio, modulo 1), so that no answer is served from a cache
    until the rounding runs out of places (as a slider of few positions does)."""
    return round(lo + (hi - lo) * ((k * 0.6180339887498949) % 1.0), digits)


#: page, action, what is dragged or clicked, the body of the k-th call
INTERACTIONS: list[tuple[str, str, str, Callable[[int], dict[str, Any]]]] = [
    ("derivative", "view", "drag x", lambda k: {"f": "sin(x)", "x": wave(k, -2.5, 2.5), "h": 0.1}),
    ("derivative", "view", "slide h", lambda k: {"f": "exp(x)", "h": 10 ** -wave(k, 0.5, 15)}),
    ("taylor", "view", "drag x0",
     lambda k: {"f": "log(1+x)", "x0": wave(k, -0.5, 1.5), "order": 5, "r": 0.5}),
    ("taylor", "view", "change the order",
     lambda k: {"f": "sin(x)", "x0": 0, "order": k % 11, "r": 1}),
    ("backprop", "preview", "change seed", lambda k: {"hidden": "6 7", "seed": k % 50}),
    ("newton", "equation", "click x0",
     lambda k: {"f": "x^3 - 2x + 2", "lo": -2.5, "hi": 2, "x0": wave(k, -2.4, 1.9)}),
    ("newton", "system", "click a start",
     lambda k: {"f1": "x^2 + y^2 - 4", "f2": "x - y", "start": [wave(k, -2.5, 2.5), 0.7]}),
    ("descent", "paths", "click a start",
     lambda k: {"f": "x^2 + 10y^2", "start": [wave(k, -2.5, 2.5), 1.5], "gamma": 0.05}),
    ("descent", "paths", "slide the step",
     lambda k: {"f": "x^2 + 10y^2", "start": [2.0, 1.5], "gamma": 10 ** -wave(k, 1, 3)}),
    ("lagrange", "view", "slide c (a new c)",
     lambda k: {"f": "x*y", "g": "x^2 + y^2 = 1", "c": wave(k, -1, 1, 2)}),
    ("heights", "chi2", "drag mu", lambda k: {"mu": wave(k, 160, 200), "sigma": 7.5}),
    ("heights", "paths", "click a start",
     lambda k: {"mu0": wave(k, 150, 200), "sigma0": 6.0, "aggression": 2000}),
]  # fmt: skip


def interactions(port: int, repeats: int) -> list[tuple[str, str, float, float, float]]:
    rows = []
    for page, action, what, body in INTERACTIONS:
        tab = Tab(port)
        path = f"/api/{page}/{action}"
        for k in range(5):  # warm-up: the expression read and compiled, the workers started
            tab.post(path, body(k))
        times = np.empty(repeats)
        for k in range(repeats):
            begun = time.perf_counter()
            tab.post(path, body(k + 5))
            times[k] = (time.perf_counter() - begun) * 1e3
        rows.append((page, what, *np.percentile(times, [50, 99]).tolist(), float(times.max())))
    return rows


def training(port: int, steps: int) -> tuple[float, float]:
    """Steps a second: the live training's, and Network.train's in this process."""
    settings = {"hidden": "6 7", "seed": 0, "steps": steps, "pace": 0}
    tab = Tab(port)
    job = tab.post("/api/backprop/start", settings)["job"]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", f"/api/backprop/stream?job={job}", headers=tab.headers())
    begun = time.perf_counter()
    response = conn.getresponse()
    final = None
    while True:
        line = response.fp.readline().decode()
        if not line:
            break
        if line.startswith("event: done"):
            final = json.loads(response.fp.readline().decode()[5:])
            break
    live = time.perf_counter() - begun
    conn.close()
    if final is None or final["step"] != steps:
        raise RuntimeError(f"the live training did not finish: {final}")
    x, y = mc.datasets.heart_curve(100)
    rng = np.random.default_rng(0)
    net = mc.Network([1, 6, 7, 2], seed=rng)
    begun = time.perf_counter()
    net.train(x, y, iterations=steps, seed=rng)
    alone = time.perf_counter() - begun
    return steps / live, steps / alone


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300, help="timed calls per interaction")
    parser.add_argument("--steps", type=int, default=100_000, help="steps of the live training")
    args = parser.parse_args()
    command = [sys.executable, "-m", "mvcalc.cli", "lab", "--no-browser"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", server.stdout.readline())
        if match is None:
            raise RuntimeError("mvcalc lab did not say where it serves")
        port = int(match.group(1))
        print(f"mvcalc lab on loopback, {args.repeats} calls per interaction after 5 warm-up "
              "calls; target p99 < 50 ms")  # fmt: skip
        print(f"{'page':<11} {'interaction':<22} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  target")
        worst = 0.0
        for page, what, p50, p99, top in interactions(port, args.repeats):
            worst = max(worst, p99)
            verdict = "met" if p99 < 50 else "NOT met"
            print(f"{page:<11} {what:<22} {p50:8.1f} {p99:8.1f} {top:8.1f}  {verdict}")
        print(f"worst p99: {worst:.1f} ms ({'met' if worst < 50 else 'NOT met'})")
        live, alone = training(port, args.steps)
        print(f"live training: {live:,.0f} steps/s streamed; Network.train alone: {alone:,.0f} "
              f"steps/s; ratio {live / alone:.2f}")  # fmt: skip
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
