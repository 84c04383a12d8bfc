"""Tests of the sandpit's web app: the JSON API through Starlette's TestClient, and the real
server (`mvcalc sandpit`, uvicorn on a socket) for the Host-header check and the command line."""

from __future__ import annotations

import http.client
import itertools
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from starlette.testclient import TestClient

from mvcalc.cli import main
from mvcalc.lab import Sandpit
from mvcalc.lab.server import STATIC, create_app, host_allowed

PORT = 8123
BASE = f"http://127.0.0.1:{PORT}"


def client(**kwargs) -> TestClient:
    return TestClient(create_app(port=PORT, **kwargs), base_url=BASE)


@pytest.fixture
def api() -> TestClient:
    c = client()
    assert (
        c.post("/api/new", json={"scenario": "bowl", "seed": 3, "mode": "depth"}).status_code == 200
    )
    return c


def test_config_lists_the_choices():
    config = client(scenario="rocks", seed=5, mode="jacobian").get("/api/config").json()
    assert config["scenarios"] == ["bowl", "multiple-minima", "rocks", "narrow-well"]
    assert config["modes"] == ["depth", "jacobian", "workers"]
    assert config["strategies"] == ["gradient-descent", "newton", "hybrid"]
    assert config["defaults"] == {"scenario": "rocks", "seed": 5, "mode": "jacobian"}
    assert config["bounds"] == [[-3.0, 3.0], [-2.0, 2.0]]


def test_a_game_through_the_api_matches_the_engine(api):
    truth = Sandpit("bowl", 3)
    first = api.post("/api/probe", json={"x": 1.25, "y": -0.5}).json()
    assert first["probe"] == {"number": 1, "x": 1.25, "y": -0.5, "won": False, "jacobian": None,
                              "depth": float(truth.surface.depth(1.25, -0.5))}  # fmt: skip
    state = api.post("/api/probe", json={"x": 0, "y": 0}).json()["state"]
    assert state["count"] == 2 and state["last"]["number"] == 2
    assert state["best"]["depth"] == min(truth.surface.depth(1.25, -0.5), truth.surface.depth(0, 0))
    mx, my = truth.surface.minimum
    won = api.post("/api/probe", json={"x": mx, "y": my}).json()
    assert won["probe"]["won"] and won["state"]["won"] and won["state"]["score"] == 3
    assert api.get("/api/state").json()["count"] == 3


def test_the_session_cookie_is_strict_and_http_only():
    response = client().post("/api/new", json={})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert response.json()["scenario"] == "bowl" and isinstance(response.json()["seed"], int)


def test_sessions_are_separate_and_bounded():
    app = create_app(port=PORT, max_sessions=2)
    players = [TestClient(app, base_url=BASE) for _ in range(3)]
    for k, player in enumerate(players):
        player.post("/api/new", json={"seed": k})
        player.post("/api/probe", json={"x": 0, "y": 0})
    assert [p.get("/api/state").status_code for p in players[1:]] == [200, 200]
    assert [p.get("/api/state").json()["seed"] for p in players[1:]] == [1, 2]
    gone = players[0].get("/api/state")  # the least recently used game was dropped
    assert gone.status_code == 409 and "no game" in gone.json()["error"]


def test_jacobian_mode_reads_the_slope():
    c = client()
    c.post("/api/new", json={"scenario": "multiple-minima", "seed": 4, "mode": "jacobian"})
    reading = c.post("/api/probe", json={"x": -1, "y": 1}).json()["probe"]
    surface = Sandpit("multiple-minima", 4).surface
    np.testing.assert_array_equal(reading["jacobian"], surface.jacobian(-1, 1))


def test_workers_through_the_api_including_a_users_strategy():
    def careful(f, J, H):
        return -0.1 * J

    def broken(f, J, H):
        raise RuntimeError("my bug")

    c = client(strategy=("careful", careful))
    c.post("/api/new", json={"scenario": "bowl", "seed": 2, "mode": "workers"})
    assert "careful" in c.get("/api/config").json()["strategies"]
    walk = c.post("/api/workers", json={"x": 1, "y": 1, "strategy": "careful"}).json()
    surface = Sandpit("bowl", 2).surface
    points = walk["workers"]["probes"]
    assert len(points) == 6 and walk["workers"]["completed"] and walk["state"]["count"] == 6
    for here, there in itertools.pairwise(points):
        step = -0.1 * surface.jacobian(here["x"], here["y"])
        assert [there["x"], there["y"]] == pytest.approx([here["x"] + step[0], here["y"] + step[1]])
    newton = c.post("/api/workers", json={"x": -1, "y": 0.5, "strategy": "newton"}).json()
    assert newton["workers"]["strategy"] == "newton"

    c = client(strategy=("broken", broken))
    c.post("/api/new", json={"mode": "workers"})
    walk = c.post("/api/workers", json={"x": 1, "y": 1, "strategy": "broken"})
    assert walk.status_code == 200  # the workers stop; the server does not
    assert not walk.json()["workers"]["completed"]
    assert "RuntimeError: my bug" in walk.json()["workers"]["message"]


def test_reveal_sends_the_floor_and_ends_the_game(api):
    api.post("/api/probe", json={"x": 0.5, "y": 0.5})
    floor = api.post("/api/reveal", json={}).json()
    truth = Sandpit("bowl", 3)
    xs, ys = np.meshgrid(floor["x"], floor["y"])
    np.testing.assert_allclose(floor["depth"], truth.surface.depth(xs, ys), atol=1e-5)
    assert floor["minimum"] == list(truth.surface.minimum)
    assert floor["state"]["revealed"] and floor["state"]["count"] == 1
    assert len(floor["contours"]) == len(floor["levels"])
    after = api.post("/api/probe", json={"x": 0, "y": 0})
    assert after.status_code == 409 and "revealed" in after.json()["error"]


@pytest.mark.parametrize(
    ("path", "body", "status", "fragment"),
    [
        ("/api/probe", {"x": 3.5, "y": 0}, 400, "x must lie in the pit"),
        ("/api/probe", {"x": 0}, 400, "y must be a number"),
        ("/api/probe", {"x": "0", "y": 0}, 400, "x must be a number"),
        ("/api/probe", {"x": True, "y": 0}, 400, "x must be a number"),
        ("/api/probe", [1, 2], 400, "must be a JSON object"),
        ("/api/new", {"scenario": "moon"}, 400, "scenario must be one of"),
        ("/api/new", {"mode": "hessian"}, 400, "mode must be one of"),
        ("/api/new", {"seed": -1}, 400, "seed must be an integer"),
        ("/api/new", {"seed": 2**40}, 400, "seed must be an integer"),
        ("/api/new", {"seed": 1.5}, 400, "seed must be an integer"),
        ("/api/workers", {"x": 0, "y": 0}, 400, "only in workers mode"),
    ],
)
def test_bad_requests_get_a_4xx_json_error_and_lose_nothing(api, path, body, status, fragment):
    api.post("/api/probe", json={"x": 0.25, "y": 0.25})
    response = api.post(path, json=body)
    assert response.status_code == status
    assert fragment in response.json()["error"]
    state = api.get("/api/state").json()
    assert (state["count"], state["seed"]) == (1, 3)  # the game is as it was


def test_malformed_bodies_are_refused(api):
    post = api.post
    bad_json = post("/api/probe", content=b"{x: 1}", headers={"content-type": "application/json"})
    assert bad_json.status_code == 400 and "not valid JSON" in bad_json.json()["error"]
    nan = post("/api/probe", content=b'{"x": NaN, "y": 0}',
               headers={"content-type": "application/json"})  # fmt: skip
    assert nan.status_code == 400 and "NaN is not a number" in nan.json()["error"]
    huge = post("/api/probe", content=b'{"x": 1e400, "y": 0}',
                headers={"content-type": "application/json"})  # fmt: skip
    assert huge.status_code == 400 and "x must be finite" in huge.json()["error"]
    form = post("/api/probe", content=b"x=1&y=0",
                headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert form.status_code == 415 and "must be JSON" in form.json()["error"]
    big = post("/api/probe", content=b" " * 5000, headers={"content-type": "application/json"})
    assert big.status_code == 413
    assert api.get("/api/state").json()["count"] == 0


def test_workers_arguments_are_checked():
    c = client()
    c.post("/api/new", json={"mode": "workers"})
    cases = [
        ({"x": 0, "y": 0, "strategy": "__import__('os')"}, "strategy must be one of"),
        ({"x": 0, "y": 0, "aggression": 0}, "aggression must be in (0, 100]"),
        ({"x": 0, "y": 0, "aggression": "1"}, "aggression must be a number"),
        ({"x": 9, "y": 0}, "x must lie in the pit"),
    ]
    for body, fragment in cases:
        response = c.post("/api/workers", json=body)
        assert response.status_code == 400 and fragment in response.json()["error"]
    probe = c.post("/api/probe", json={"x": 0, "y": 0})
    assert probe.status_code == 400 and "POST /api/workers" in probe.json()["error"]
    assert c.get("/api/state").json()["count"] == 0


def test_probe_limit_is_a_409():
    c = client(max_probes=2)
    c.post("/api/new", json={})
    for _ in range(2):
        assert c.post("/api/probe", json={"x": 0, "y": 0}).status_code == 200
    over = c.post("/api/probe", json={"x": 0, "y": 0})
    assert over.status_code == 409 and "probe limit" in over.json()["error"]


def test_no_game_and_unknown_routes_are_json_errors():
    c = client()
    assert c.post("/api/probe", json={"x": 0, "y": 0}).status_code == 409
    missing = c.get("/api/nothing")
    assert missing.status_code == 404 and missing.json() == {"error": "Not Found"}
    wrong = c.get("/api/probe")
    assert wrong.status_code == 405 and "error" in wrong.json()
    assert c.get("/static/nothing.js").status_code == 404


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        (f"127.0.0.1:{PORT}", True),
        (f"localhost:{PORT}", True),
        (f"LOCALHOST:{PORT}", True),
        (f"[::1]:{PORT}", True),
        (f"192.168.1.20:{PORT}", True),  # an address, as with --host 0.0.0.0
        (f"attacker.example:{PORT}", False),  # DNS rebinding arrives by name
        (f"127.0.0.1:{PORT + 1}", False),
        ("127.0.0.1", False),
        ("", False),
        (f"localhost.attacker.example:{PORT}", False),
    ],
)
def test_the_host_header_must_name_this_server(host, allowed):
    response = client().get("/api/config", headers={"host": host})
    assert (response.status_code == 200) is allowed
    if not allowed:
        assert response.status_code == 421 and "Host header" in response.json()["error"]
    assert host_allowed(host, PORT) is allowed


def test_a_host_name_given_on_the_command_line_is_allowed():
    assert host_allowed(f"mybox.local:{PORT}", PORT, frozenset({"mybox.local"}))
    assert not host_allowed(f"other.local:{PORT}", PORT, frozenset({"mybox.local"}))


def test_the_page_and_its_assets_are_served_locally_with_a_strict_policy():
    c = client()
    page = c.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    for test_id in ("sandpit", "probe-count", "depth"):
        assert f'data-testid="{test_id}"' in page.text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
    assert {"/static/sandpit.js", "/static/sandpit.css", "/static/favicon.svg"} <= set(assets)
    for asset in assets:
        assert c.get(asset).status_code == 200
    for path in Path(STATIC).iterdir():  # no CDN, no remote fonts: nothing leaves the machine
        text = path.read_text()
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text.replace(
            "http://www.w3.org/2000/svg", "")), path.name  # fmt: skip


# ------------------------------------------------------------------------------------------
# The real server: `mvcalc sandpit` on a socket
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served() -> Iterator[int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "mvcalc.cli", "sandpit", "--no-browser", "--scenario", "rocks"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, (line, process.stderr.read() if process.poll() is not None else "")
        yield int(match.group(1))
    finally:
        process.terminate()
        process.wait(timeout=10)


def request(port: int, method: str, path: str, host: str, body: object = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": host, "Content-Type": "application/json"}
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    response = conn.getresponse()
    data = json.loads(response.read())
    conn.close()
    return response.status, data


def test_the_served_app_refuses_a_rebound_host(served):
    status, data = request(served, "GET", "/api/config", f"attacker.example:{served}")
    assert status == 421 and "Host header" in data["error"]
    status, data = request(served, "GET", "/api/config", f"127.0.0.1:{served}")
    assert status == 200 and data["defaults"]["scenario"] == "rocks"
    status, data = request(served, "POST", "/api/probe", f"localhost:{served}", {"x": 0, "y": 0})
    assert status == 409 and "no game" in data["error"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--port", "70000"], "--port must be at most 65535"),
        (["--port", "-1"], "expected an integer >= 0"),
        (["--host", "256.1.1.1"], "cannot listen there"),
        (["--scenario", "moon"], "invalid choice"),
        (["--mode", "hessian"], "invalid choice"),
        (["--seed", "x"], "expected an integer"),
        (["--strategy", "nowhere.py:f"], "does not exist"),
        (["--strategy", "no-colon"], "FILE.py:FUNC"),
    ],
)
def test_the_command_line_refuses_bad_arguments_in_one_line(args, fragment, capsys):
    assert main(["sandpit", "--no-browser", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert fragment in err
