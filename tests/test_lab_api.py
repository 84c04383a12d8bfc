"""The lab's shared machinery: pages served, every page's API refusing bad input with a 4xx JSON
error, the worker processes' time limit, sessions, and the live training's job stream (through
Starlette's TestClient, and through the real server on 127.0.0.1 for streams that close).

Each page's own mathematics is tested in ``test_lab_<page>.py``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

import mvcalc as mc
from lab_server import Tab, serving
from mvcalc.lab import _api, _pages
from mvcalc.lab.server import create_app
from mvcalc.lab.topics import ACTIONS, PAGES, backprop

PORT = 8124
BASE = f"http://127.0.0.1:{PORT}"
HOSTILE = [
    "__import__('os').system('true')",
    "x.__class__",
    "lambda: 1",
    "x**x**x**x**x**x**99",
    "1e999999",
    "factorial(10**9)",
    "(" * 150 + "x" + ")" * 150,
    "x" * 200,
    "exp(exp(exp(exp(exp(x)))))" * 6,
    "open('/etc/passwd')",
    "",
    "   ",
]


def client(**kwargs: Any) -> TestClient:
    return TestClient(create_app(port=PORT, **kwargs), base_url=BASE)


@pytest.fixture(scope="module")
def api() -> TestClient:
    return client()


def actions() -> list[tuple[str, str]]:
    return [(page, action) for page, table in ACTIONS.items() for action in table]


# ------------------------------------------------------------------------------------------
# Pages
# ------------------------------------------------------------------------------------------


def test_the_home_page_links_every_page_and_each_is_served(api):
    home = api.get("/")
    assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in home.headers["content-security-policy"]
    for page in PAGES:
        assert f'href="/{page}"' in home.text
        served = api.get(f"/{page}")
        assert served.status_code == 200, page
        assert served.headers["content-type"].startswith("text/html")
        if page != "sandpit":  # the sandpit keeps its own ids
            assert 'data-testid="figure"' in served.text, page
            assert 'data-testid="try"' in served.text, page
            assert '<meta name="viewport"' in served.text, page
        for asset in ("/static/lab.js", "/static/lab.css", f"/static/{page}.js"):
            if asset in served.text:
                assert api.get(asset).status_code == 200, asset


def test_an_unknown_page_or_action_is_a_404_json_error(api):
    for path in ("/nowhere", "/static/nothing.js"):
        answer = api.get(path)
        assert answer.status_code == 404 and "error" in answer.json()
    answer = api.post("/api/derivative/nothing", json={})
    assert answer.status_code == 404 and "nothing" in answer.json()["error"]
    answer = api.post("/api/nowhere/view", json={})
    assert answer.status_code == 404


# ------------------------------------------------------------------------------------------
# Bad input on every action: a 4xx JSON error naming the problem, never a 500
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("page", "action"), actions())
def test_every_action_refuses_malformed_bodies(api, page, action):
    path = f"/api/{page}/{action}"
    for raw, fragment in [
        (b"[1, 2]", "object"),
        (b"nonsense", "not valid JSON"),
        (b'{"x": NaN}', "not valid JSON"),
        (b"[" * 20 + b"]" * 20, "nests"),
        (b'{"f": "' + b"x" * 5000 + b'"}', "larger than"),
    ]:
        answer = api.post(path, content=raw, headers={"content-type": "application/json"})
        assert 400 <= answer.status_code < 500, (path, raw[:20], answer.text)
        assert fragment in answer.json()["error"], (path, answer.json())
    answer = api.post(path, content=b"{}", headers={"content-type": "text/plain"})
    assert answer.status_code == 415
    answer = api.post(path, json={}, headers={"origin": "http://evil.example"})
    assert answer.status_code == 403
    answer = api.post(path, json={}, headers={"host": "evil.example:8124"})
    assert answer.status_code == 421


@pytest.mark.parametrize(("page", "action"), actions())
def test_every_action_refuses_hostile_text_in_every_field(api, page, action):
    # every string field an action might read, given hostile text: never a 500, never run
    for text in HOSTILE:
        body = {key: text for key in ("f", "g", "f1", "f2", "constraint", "expression", "hidden")}
        answer = api.post(f"/api/{page}/{action}", json=body)
        assert answer.status_code < 500, (page, action, text, answer.text)
        if answer.status_code >= 400:
            assert answer.json()["error"], (page, action, text)


@pytest.mark.parametrize(("page", "action"), actions())
def test_every_action_refuses_wrong_types_with_a_4xx(api, page, action):
    for value in (None, True, [], {}, "text", -1e308, 10**400, [1, [2, [3]]]):
        body = {key: value for key in ("x", "y", "x0", "h", "order", "window", "mu", "sigma",
                                       "aggression", "steps", "seed", "start", "r")}  # fmt: skip
        answer = api.post(f"/api/{page}/{action}", json=body)
        assert answer.status_code < 500, (page, action, value, answer.text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.dictionaries(
        st.sampled_from(["f", "x", "h", "lo", "hi"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.floats(allow_nan=False),
            st.integers(),
            st.text(max_size=30),
        ),
        max_size=5,
    )
)
def test_random_bodies_are_answered_without_a_500(body):
    answer = _SHARED.post("/api/derivative/view", json=body)
    assert answer.status_code < 500, (body, answer.text)
    if answer.status_code == 200:
        data = answer.json()
        assert np.isfinite(data["slope"]) and np.isfinite(data["fx"])


_SHARED = client()


def test_work_over_the_time_limit_is_stopped_with_a_422():
    async def slow() -> Any:
        return await _api.compute(time.sleep, 30, limit=0.5)  # type: ignore[arg-type]

    import anyio

    begun = time.monotonic()
    with pytest.raises(_api.BadRequest) as caught:
        anyio.run(slow)
    assert caught.value.status == 422 and "0.5 s" in str(caught.value)
    assert time.monotonic() - begun < 20  # the worker was killed, not waited for


def test_read_expressions_name_their_field_and_are_never_run():
    with pytest.raises(ValueError, match=r"^g: "):
        _api.expression({"g": "__import__('os')"}, "g")
    with pytest.raises(ValueError, match="y is not a variable"):
        _api.expression({"f": "x + y"}, "f", ("x",))
    e = _api.expression({"f": "2x + y^2"}, "f", ("x", "y"))
    assert float(e.f(1.0, 3.0)) == 11.0


# ------------------------------------------------------------------------------------------
# Sessions
# ------------------------------------------------------------------------------------------


def test_sessions_get_a_strict_cookie_and_are_bounded():
    c = client(max_sessions=3)
    answer = c.post("/api/backprop/preview", json={"steps": 100})
    cookie = answer.headers["set-cookie"]
    assert "mvcalc_lab=" in cookie and "httponly" in cookie.lower()
    assert "samesite=strict" in cookie.lower()
    # a started job belongs to the first session; three newer sessions push it out
    first = client(max_sessions=3)
    job = first.post("/api/backprop/start", json={"steps": 100}).json()["job"]
    for _ in range(3):
        other = TestClient(first.app, base_url=BASE)
        assert other.post("/api/backprop/preview", json={}).status_code == 200
    gone = first.get(f"/api/backprop/stream?job={job}")
    assert gone.status_code == 409 and "start one first" in gone.json()["error"]


# ------------------------------------------------------------------------------------------
# The live training
# ------------------------------------------------------------------------------------------


def events(lines: Iterator[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(event, data) pairs of a Server-Sent Events stream."""
    kind = "message"
    for line in lines:
        if line.startswith("event:"):
            kind = line[6:].strip()
        elif line.startswith("data:"):
            yield kind, json.loads(line[5:])
            kind = "message"


def test_the_live_training_ends_exactly_where_network_train_does(api):
    settings_ = {"hidden": "5 4", "aggression": 6, "noise": 0.8, "seed": 9, "steps": 3000,
                 "pace": 0}  # fmt: skip
    start = api.post("/api/backprop/start", json=settings_).json()
    steps, costs, curves, final = [], [], [], None
    with api.stream("GET", f"/api/backprop/stream?job={start['job']}") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for kind, data in events(response.iter_lines()):
            if kind == "update":
                steps.append(data["step"])
                costs += data["costs"]
                curves += data["curves"]
            if kind == "done":
                final = data
                break
    # the oracle: one call of Network.train with the same stream of random numbers, as
    # `mvcalc backprop` makes it
    x, y = mc.datasets.heart_curve(100)
    rng = np.random.default_rng(9)
    net = mc.Network([1, 5, 4, 2], seed=rng)
    history = net.train(x, y, iterations=3000, aggression=6, noise=0.8, seed=rng, record_every=100)
    assert final is not None and final["step"] == 3000
    assert final["cost"] == pytest.approx(history.final_cost, rel=1e-6)
    recorded = dict(costs)
    for step, cost in zip(history.steps[1:], history.cost[1:], strict=True):
        assert recorded[int(step)] == pytest.approx(cost, rel=1e-6)
    np.testing.assert_allclose(final["output"], net(x), rtol=1e-6)
    assert start["cost"] == pytest.approx(history.initial_cost, rel=1e-6)
    assert steps == sorted(steps) and len(steps) >= 2
    assert [s for s, _ in curves] == list(range(100, 3001, 100))[: len(curves)]
    assert final["status"] == history.status == "max-iter"


def test_a_rising_cost_is_called_diverged_not_converged(api):
    start = api.post("/api/backprop/start", json={"aggression": 100, "steps": 400, "pace": 0,
                                                  "seed": 1}).json()  # fmt: skip
    with api.stream("GET", f"/api/backprop/stream?job={start['job']}") as response:
        done = next(data for kind, data in events(response.iter_lines()) if kind == "done")
    assert done["status"] in ("diverged", "non-finite", "stalled")
    assert done["status"] != "converged" and done["message"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"hidden": "6 x"}, "widths"),
        ({"hidden": [0]}, "from 1 to 64"),
        ({"hidden": [6, 7, 8, 9, 10]}, "1 to 4"),
        ({"hidden": [6.5]}, "integer"),
        ({"steps": 0}, "steps"),
        ({"steps": 10**7}, "steps"),
        ({"aggression": -1}, "aggression"),
        ({"noise": "lots"}, "noise"),
        ({"seed": -3}, "seed"),
        ({"pace": 7}, "pace"),
        ({"learning_rate": 1}, "unknown setting"),
    ],
)
def test_training_settings_are_checked(api, body, fragment):
    for path in ("/api/backprop/start", "/api/backprop/preview"):
        answer = api.post(path, json=body)
        assert answer.status_code == 400 and fragment in answer.json()["error"], answer.json()


def test_pause_stop_and_a_stream_for_no_job_are_json_errors():
    c = client()
    assert c.post("/api/backprop/pause", json={"paused": True}).status_code == 409
    assert c.get("/api/backprop/stream?job=nothing").status_code == 409
    job = c.post("/api/backprop/start", json={"steps": 100}).json()["job"]
    assert c.post("/api/backprop/pause", json={"paused": "yes"}).status_code == 400
    assert c.get("/api/backprop/stream?job=another").status_code == 409
    assert c.post("/api/backprop/stop", json={}).json() == {"stopped": True}
    assert c.get(f"/api/backprop/stream?job={job}").status_code == 409


def test_jobs_are_bounded_and_a_closed_stream_frees_its_job():
    big = {"steps": backprop.MAX_STEPS, "pace": 200}
    with serving() as port:
        tabs = [Tab(port) for _ in range(_pages.MAX_JOBS + 1)]
        streams = []
        for tab in tabs[:-1]:
            status, started = tab.post("/api/backprop/start", big)
            assert status == 200
            conn, response = tab.stream(started["job"])
            assert tab.next_update(response)["step"] > 0
            streams.append((conn, response))
        # every slot is taken: the next learner is told so, in JSON
        status, refused = tabs[-1].post("/api/backprop/start", big)
        assert status == 503 and "running already" in refused["error"]
        # a page goes away: its stream closes, its job stops and frees the slot
        conn, response = streams.pop()
        response.close()
        conn.close()
        for _ in range(100):
            status, started = tabs[-1].post("/api/backprop/start", big)
            if status == 200:
                break
            time.sleep(0.1)
        assert status == 200, started
        for conn, _ in streams:
            conn.close()


def test_pausing_holds_the_step_and_one_learners_job_does_not_hold_up_anothers():
    with serving() as port:
        trainer, other = Tab(port), Tab(port)
        status, started = trainer.post("/api/backprop/start", {"steps": 200_000, "pace": 0})
        conn, response = trainer.stream(started["job"])
        first = trainer.next_update(response)["step"]
        # while the training runs flat out, another learner's requests are answered
        slowest = 0.0
        for x in np.linspace(-2, 2, 15):
            begun = time.monotonic()
            status, data = other.post("/api/derivative/view", {"f": "sin(x)", "x": float(x)})
            slowest = max(slowest, time.monotonic() - begun)
            assert status == 200 and data["slope"] == pytest.approx(np.cos(x), abs=1e-12)
        assert slowest < 5.0  # answered, not queued behind the job (a generous bound: CI noise)
        later = trainer.next_update(response)["step"]
        assert later > first  # the job went on meanwhile
        status, paused = trainer.post("/api/backprop/pause", {"paused": True})
        assert status == 200
        time.sleep(0.5)
        _, again = trainer.post("/api/backprop/pause", {"paused": True})
        assert again["step"] == paused["step"] or again["step"] - paused["step"] <= 20_000
        held = again["step"]
        time.sleep(0.5)
        _, still = trainer.post("/api/backprop/pause", {"paused": False})
        assert still["step"] == held  # nothing trained while paused
        # the updates sent before the pause may still wait unread in the socket: read on
        assert any(trainer.next_update(response)["step"] > held for _ in range(10_000))
        conn.close()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["lab", "--port", "70000"], "--port"),
        (["lab", "--host", "256.0.0.1", "--no-browser"], "cannot listen there"),
        (["lab", "--frobnicate"], "unrecognized arguments"),
    ],
)
def test_mvcalc_lab_refuses_bad_arguments_in_one_line(args, fragment, capsys):
    from mvcalc.cli import main

    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and "\n" not in err


def test_every_path_checks_the_host_header(api):
    for path in ["/", *[f"/{page}" for page in PAGES], "/static/lab.js"]:
        answer = api.get(path, headers={"host": "rebound.example:8124"})
        assert answer.status_code == 421, path


def test_the_time_limit_of_a_request_is_the_servers_to_choose(capsys):
    quick = client(time_limit=0.5)
    slow = {"f": "y + x*y + x^2", "g": "x^2 + y^2 = 2"}  # SymPy's solve takes seconds here
    begun = time.monotonic()
    answer = quick.post("/api/lagrange/view", json=slow)
    assert answer.status_code == 422 and "0.5 s" in answer.json()["error"]
    assert time.monotonic() - begun < 4.5  # stopped at its limit, not the default 5 s
    assert quick.post("/api/derivative/view", json={"f": "x^2"}).status_code == 200
    with pytest.raises(ValueError, match="time_limit"):
        create_app(time_limit=0)
    from mvcalc.cli import main

    assert main(["lab", "--time-limit", "0"]) == 2
    assert "--time-limit" in capsys.readouterr().err
