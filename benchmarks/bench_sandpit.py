"""The sandpit's probe round trip on loopback: p50 and p99 over 1,000 probes. Target: p99 < 20 ms.

``mvcalc sandpit --no-browser`` runs in its own process, as a player's would; this process is the
browser: one keep-alive HTTP/1.1 connection, a JSON POST per probe, the answer read and parsed.
Each scenario plays one game of 1,000 probes at random points (the game's limit), after a
warm-up game. For scale, the same connection also times ``GET /api/config`` (a small constant
answer, the server's floor) and ``POST /api/workers`` (a start and five steps: six probes).
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

import numpy as np

import mvcalc.sandpit


class Browser:
    """One keep-alive connection that speaks the page's JSON."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.headers = {"Host": f"127.0.0.1:{port}", "Content-Type": "application/json"}
        self.cookie = ""

    def call(self, method: str, path: str, body: object = None) -> dict[str, object]:
        headers = dict(self.headers, Cookie=self.cookie) if self.cookie else self.headers
        payload = None if body is None else json.dumps(body)
        self.conn.request(method, path, body=payload, headers=headers)
        response = self.conn.getresponse()
        data = json.loads(response.read())
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: {response.status} {data}")
        cookie = response.getheader("set-cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        return dict(data)


def latencies(n: int, call: Callable[[int], object]) -> np.ndarray:
    out = np.empty(n)
    for k in range(n):
        start = time.perf_counter()
        call(k)
        out[k] = time.perf_counter() - start
    return out * 1e3  # ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=1000, help="per game (at most 1000)")
    args = parser.parse_args()
    n = min(max(args.probes, 10), 1000)
    server = subprocess.Popen([sys.executable, "-m", "mvcalc.cli", "sandpit", "--no-browser"],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert server.stdout is not None
        match = re.search(r":(\d+)/", server.stdout.readline())
        if match is None:
            print("the server did not start", file=sys.stderr)
            return 1
        browser = Browser(int(match.group(1)))
        rng = np.random.default_rng(0)
        (x0, x1), (y0, y1) = mvcalc.sandpit.BOUNDS
        points = rng.uniform([x0, y0], [x1, y1], size=(n, 2)).tolist()

        def probe(k: int) -> object:
            return browser.call("POST", "/api/probe", {"x": points[k][0], "y": points[k][1]})

        browser.call("POST", "/api/new", {"seed": 1})
        latencies(min(n, 200), probe)  # warm-up
        rows: list[tuple[str, np.ndarray]] = [
            ("GET /api/config (floor)", latencies(n, lambda k: browser.call("GET", "/api/config")))
        ]
        for scenario in mvcalc.sandpit.SCENARIOS:
            for mode in ("depth", "jacobian"):
                browser.call("POST", "/api/new", {"scenario": scenario, "seed": 1, "mode": mode})
                rows.append((f"probe: {scenario}, {mode}", latencies(n, probe)))
        browser.call("POST", "/api/new", {"scenario": "bowl", "seed": 1, "mode": "workers"})

        def workers(k: int) -> object:
            x, y = points[k]
            return browser.call("POST", "/api/workers", {"x": x, "y": y, "strategy": "hybrid"})

        rows.append(("workers: 6 probes (hybrid)", latencies(n // 6, workers)))
    finally:
        server.terminate()
        server.wait(timeout=10)

    floor = np.percentile(rows[0][1], 50)
    print(f"sandpit probe round trip on loopback, {n} requests per row (ms)\n")
    print(f"{'request':<34} {'p50':>7} {'p99':>7} {'max':>7} {'p50 / floor':>12}")
    worst = 0.0
    for name, times in rows:
        p50, p99 = np.percentile(times, [50, 99])
        worst = max(worst, p99) if name.startswith("probe") else worst
        print(f"{name:<34} {p50:7.2f} {p99:7.2f} {times.max():7.2f} {p50 / floor:11.1f}x")
    verdict = "met" if worst < 20 else "MISSED"
    print(f"\nworst probe p99: {worst:.2f} ms (target < 20 ms: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
