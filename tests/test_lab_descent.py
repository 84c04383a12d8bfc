"""The descent page: its API through Starlette's TestClient, checked against the library called
directly, closed forms and SciPy; and the page in Debian's Chromium (Playwright).

The server runs the library with f as a callable and its symbolic gradient; the tests call
:func:`mvcalc.gradient_descent` and :func:`mvcalc.minimize` on the maths text, which the library
differentiates by itself (automatic differentiation): the same walks by another road.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import scipy.optimize
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page, Position, expect
from starlette.testclient import TestClient

import mvcalc as mc
from browser import close, fits, open_page, shot
from mvcalc.lab.server import create_app
from mvcalc.results import STATUSES

PORT = 8000
BASE = f"http://127.0.0.1:{PORT}"
METHODS = ("gradient-descent", "newton", "hybrid")
BOWL = "x^2 + 10y^2"
ROSENBROCK = "(1-x)^2 + 100(y-x^2)^2"
HIMMELBLAU = "(x^2+y-11)^2 + (x+y^2-7)^2"
SADDLE = "x^2 - y^2"
MINIMA = "sin(x)cos(y) + (x^2+y^2)/10"
PRESETS = {  # f: the window the page draws it in
    BOWL: (-3.0, 3.0, -2.4, 2.4),
    ROSENBROCK: (-2.0, 2.0, -1.0, 3.0),
    SADDLE: (-2.0, 2.0, -2.0, 2.0),
    MINIMA: (-6.0, 6.0, -6.0, 6.0),
    HIMMELBLAU: (-6.0, 6.0, -6.0, 6.0),
}
VALUES = {  # each preset written again in Python, to check f at the start
    BOWL: lambda x, y: x**2 + 10 * y**2,
    ROSENBROCK: lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    SADDLE: lambda x, y: x**2 - y**2,
    MINIMA: lambda x, y: math.sin(x) * math.cos(y) + (x**2 + y**2) / 10,
    HIMMELBLAU: lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
}
HIMMELBLAU_MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186),
                     (3.584428, -1.848126)]  # fmt: skip


# ------------------------------------------------------------------------------------------
# The API
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(port=PORT), base_url=BASE)


def walk(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/descent/paths", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def library(f: str, start: list[float], method: str, gamma: float, cap: int) -> Any:
    """The same walk, by the library called directly on the maths text."""
    if method == "gradient-descent":
        return mc.gradient_descent(f, start, aggression=gamma, max_iter=cap)
    return mc.minimize(f, start, method=method, max_iter=cap)


CASES = [
    (BOWL, [-2.5, 1.5], 0.079),
    (BOWL, [2.0, 1.0], 0.12),
    (ROSENBROCK, [-1.2, 1.0], 0.001),
    (SADDLE, [1.5, 0.05], 0.079),
    (MINIMA, [1.0, 1.0], 0.3),
    (HIMMELBLAU, [0.0, 0.0], 0.01),
]


@pytest.mark.parametrize(("f", "start", "gamma"), CASES)
def test_each_walk_is_the_librarys(client: TestClient, f: str, start: list[float],
                                   gamma: float) -> None:  # fmt: skip
    answer = walk(client, f=f, start=start, gamma=gamma, max_steps=200)
    assert answer["start"] == start and answer["gamma"] == gamma and answer["max_steps"] == 200
    assert answer["f_start"] == pytest.approx(VALUES[f](*start), rel=1e-12, abs=1e-12)
    assert list(answer["methods"]) == list(METHODS)
    for method in METHODS:
        shown = answer["methods"][method]
        truth = library(f, start, method, gamma, 200)
        assert shown["status"] == truth.status, (method, shown["message"])
        assert shown["message"] == truth.message
        assert shown["converged"] is truth.converged
        assert shown["steps"] == truth.nit
        assert shown["capped"] == (truth.status == "max-iter")
        path = np.array(shown["path"], dtype=float)
        assert path.shape == (truth.nit + 1, 2)
        np.testing.assert_allclose(path, truth.path, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(shown["x"], truth.x, rtol=1e-9, atol=1e-12)
        assert shown["fun"] == pytest.approx(float(truth.fun), rel=1e-9, abs=1e-12)


def test_gradient_descent_on_the_bowl_is_the_closed_form(client: TestClient) -> None:
    # on x² + 10y², x ← x − γ∇f multiplies x by 1 − 2γ and y by 1 − 20γ at every step
    gamma, start = 0.04, [2.0, -1.0]
    path = np.array(walk(client, f=BOWL, start=start, gamma=gamma)["methods"]["gradient-descent"]
                    ["path"], dtype=float)  # fmt: skip
    k = np.arange(len(path))
    expected = np.column_stack([start[0] * (1 - 2 * gamma) ** k, start[1] * (1 - 20 * gamma) ** k])
    np.testing.assert_allclose(path, expected, rtol=1e-6, atol=1e-12)


def test_the_known_minima(client: TestClient) -> None:
    bowl = walk(client, f=BOWL, start=[-2.5, 1.5], gamma=0.079)["methods"]
    for method in METHODS:
        assert bowl[method]["status"] == "converged"
        np.testing.assert_allclose(bowl[method]["x"], [0.0, 0.0], atol=1e-7)
    rosenbrock = walk(client, f=ROSENBROCK, start=[-1.2, 1.0], gamma=0.001)["methods"]
    for method in ("newton", "hybrid"):
        assert rosenbrock[method]["status"] == "converged"
        np.testing.assert_allclose(rosenbrock[method]["x"], [1.0, 1.0], atol=1e-7)
    # Newton takes one step to the minimiser of a quadratic: x = −A⁻¹b, by NumPy
    newton = walk(client, f="x^2 + x*y + 2y^2 - 3x + y", start=[4.0, -3.0])["methods"]["newton"]
    A = np.array([[2.0, 1.0], [1.0, 4.0]])
    np.testing.assert_allclose(newton["x"], np.linalg.solve(A, [3.0, -1.0]), atol=1e-12)
    assert newton["steps"] == 1 and newton["status"] == "converged"


def test_the_hybrid_on_himmelblau_agrees_with_scipy(client: TestClient) -> None:
    for start in ([0.0, 0.0], [-1.0, 4.0], [-4.0, -1.0], [2.0, -3.0]):
        hybrid = walk(client, f=HIMMELBLAU, start=start)["methods"]["hybrid"]
        assert hybrid["status"] == "converged"
        assert min(math.dist(hybrid["x"], m) for m in HIMMELBLAU_MINIMA) < 1e-5
        scipy_min = scipy.optimize.minimize(
            lambda v: (v[0] ** 2 + v[1] - 11) ** 2 + (v[0] + v[1] ** 2 - 7) ** 2, start,
            method="BFGS", options={"gtol": 1e-10})  # fmt: skip
        assert hybrid["fun"] <= scipy_min.fun + 1e-9


def test_gamma_beyond_two_over_lambda_max_diverges_on_the_bowl(client: TestClient) -> None:
    lam = np.linalg.eigvalsh(np.array([[2.0, 0.0], [0.0, 20.0]]))  # the Hessian of x² + 10y²
    limit = 2 / lam[-1]
    assert limit == pytest.approx(0.1)
    below = walk(client, f=BOWL, start=[2.0, 1.0], gamma=0.9 * limit)["methods"]
    assert below["gradient-descent"]["status"] == "converged"
    at = walk(client, f=BOWL, start=[2.0, 1.0], gamma=limit)["methods"]["gradient-descent"]
    assert at["status"] == "cycling" and not at["converged"]
    above = walk(client, f=BOWL, start=[2.0, 1.0], gamma=1.2 * limit)["methods"]
    gd = above["gradient-descent"]
    assert gd["status"] == "diverged" and not gd["converged"]
    assert "oscillate ever wider" in gd["message"] and "2/λ = 0.1" in gd["message"]
    ys = np.array(gd["path"], dtype=float)[:, 1]
    assert np.all(np.sign(ys[1:]) == -np.sign(ys[:-1]))  # every step overshoots the valley
    assert abs(ys[-1]) > 1e6 * abs(ys[0])
    assert above["newton"]["status"] == above["hybrid"]["status"] == "converged"  # no γ there


def test_a_saddle_is_never_called_a_minimum(client: TestClient) -> None:
    x, y = sympy.symbols("x y")
    hessian = sympy.hessian(x**2 - y**2, (x, y))
    assert sorted(hessian.eigenvals()) == [-2, 2]  # (0, 0) is a saddle point
    on_axis = walk(client, f=SADDLE, start=[1.5, 0.0])["methods"]
    for method in ("gradient-descent", "newton"):
        assert on_axis[method]["status"] == "saddle" and not on_axis[method]["converged"]
        np.testing.assert_allclose(on_axis[method]["x"], [0.0, 0.0], atol=1e-7)
        assert "not a minimum" in on_axis[method]["message"]
    at_saddle = walk(client, f=SADDLE, start=[0.0, 0.0])["methods"]
    for method in METHODS:
        assert at_saddle[method]["status"] != "converged"
        assert at_saddle[method]["converged"] is False
    assert at_saddle["hybrid"]["status"] == "diverged"  # it goes on downhill, for ever


def test_a_walk_that_reaches_the_cap_says_so(client: TestClient) -> None:
    gd = walk(client, f=ROSENBROCK, start=[-1.2, 1.0], gamma=0.001,
              max_steps=5)["methods"]["gradient-descent"]  # fmt: skip
    assert gd["status"] == "max-iter" and gd["capped"] and gd["cap"] == 5
    assert gd["steps"] == 5 and len(gd["path"]) == 6
    assert "max_iter = 5" in gd["message"]


def test_the_contours_are_level_sets(client: TestClient) -> None:
    response = client.post(
        "/api/descent/surface", json={"f": "x^2 + y^2", "window": [-2, 2, -2, 2]}
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["window"] == [-2.0, 2.0, -2.0, 2.0]
    assert answer["low"] == 0.0 and answer["high"] == 8.0  # the grid holds 0 and the corners
    assert len(answer["levels"]) == len(answer["contours"]) >= 8
    for level, lines in zip(answer["levels"], answer["contours"], strict=True):
        for line in lines:
            radius = np.hypot(*np.array(line, dtype=float).T)
            inside = np.all(np.abs(np.array(line)) < 2 - 1e-9, axis=1)  # away from the frame
            np.testing.assert_allclose(radius[inside], math.sqrt(level), rtol=2e-2)
    bowl = client.post("/api/descent/surface", json={"f": BOWL}).json()
    assert bowl["window"] == [-3.0, 3.0, -2.0, 2.0]  # the default window
    assert bowl["low"] == 0.0 and bowl["high"] == 9.0 + 40.0


HOSTILE = [
    "__import__('os')",
    "x**x**x**x**x**x**99",
    "1e999999",
    "factorial(10**9)",
    "x" * 200,
    "(" * 199 + "x",
    "x" * 201,
    "x + z",
    "",
    "lambda: 0",
]


@pytest.mark.parametrize("f", HOSTILE)
@pytest.mark.parametrize("action", ["surface", "paths"])
def test_hostile_expressions_are_refused(client: TestClient, action: str, f: str) -> None:
    response = client.post(f"/api/descent/{action}", json={"f": f, "start": [1.5, 0.5]})
    if f == "x**x**x**x**x**x**99":  # readable; undefined at the start and overflowing the grid
        if action == "surface":
            assert response.status_code == 200
            return
        assert response.status_code == 400
        assert "f is not defined at the start (1.5, 0.5)" in response.json()["error"]
        return
    assert 400 <= response.status_code < 500, response.text
    assert re.match(r"^f\b", response.json()["error"])  # the message names the field


BAD_FIELDS: list[tuple[str, dict[str, Any], str]] = [
    ("paths", {"start": "a"}, "start must be [x, y]"),
    ("paths", {"start": [1.0]}, "start must be [x, y]"),
    ("paths", {"start": [1, 2, 3]}, "start must be [x, y]"),
    ("paths", {"start": ["1", 2]}, "start x must be a real number"),
    ("paths", {"start": [True, 2]}, "start x must be a number"),
    ("paths", {"start": [0, 1e9]}, "start y must be from"),
    ("paths", {"start": [0, None]}, "start y is required"),
    ("paths", {"gamma": 0}, "gamma must be from 0.0001 to 10"),
    ("paths", {"gamma": -0.1}, "gamma must be from"),
    ("paths", {"gamma": 11}, "gamma must be from"),
    ("paths", {"gamma": "0.1"}, "gamma must be a real number"),
    ("paths", {"gamma": False}, "gamma must be a number"),
    ("paths", {"gamma": None}, "gamma is required"),
    ("paths", {"max_steps": 0}, "max_steps must be an integer from 1 to 500"),
    ("paths", {"max_steps": 501}, "max_steps must be an integer from 1 to 500"),
    ("paths", {"max_steps": 2.5}, "max_steps must be an integer"),
    ("paths", {"max_steps": True}, "max_steps must be an integer"),
    ("paths", {"f": 3}, "f must be a string"),
    ("paths", {"f": ["x"]}, "f must be a string"),
    ("paths", {"f": "log(x) + y^2", "start": [-1, 0]}, "f is not defined at the start"),
    ("surface", {"window": "all"}, "window must be [xmin, xmax, ymin, ymax]"),
    ("surface", {"window": [0, 1, 0]}, "window must be [xmin, xmax, ymin, ymax]"),
    ("surface", {"window": [1, 0, 0, 1]}, "xmin < xmax"),
    ("surface", {"window": [0, 1, "a", 2]}, "window must be a real number"),
    ("surface", {"window": [0, 1, True, 2]}, "window must be"),
    ("surface", {"window": [0, 1e7, 0, 1]}, "window's sides"),
    ("surface", {"f": None}, "f is required"),
]


@pytest.mark.parametrize(("action", "body", "words"), BAD_FIELDS)
def test_bad_fields_are_refused_by_name(client: TestClient, action: str, body: dict[str, Any],
                                        words: str) -> None:  # fmt: skip
    response = client.post(f"/api/descent/{action}", json=body)
    assert response.status_code == 400, response.text
    assert words in response.json()["error"]


@pytest.mark.parametrize("action", ["surface", "paths"])
@pytest.mark.parametrize("raw", [b"[]", b'"x"', b"3", b"null", b"{nope", b'{"gamma": NaN}',
                                 b'{"gamma": Infinity}', b"\xff\xfe"])  # fmt: skip
def test_bodies_that_are_not_objects_are_refused(client: TestClient, action: str,
                                                 raw: bytes) -> None:  # fmt: skip
    response = client.post(f"/api/descent/{action}", content=raw,
                           headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 400
    assert "body" in response.json()["error"]


def test_an_unknown_action_is_refused(client: TestClient) -> None:
    response = client.post("/api/descent/solve", json={})
    assert response.status_code == 404
    assert "no action 'solve'" in response.json()["error"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    preset=st.sampled_from(sorted(PRESETS)),
    u=st.floats(0, 1),
    v=st.floats(0, 1),
    log_gamma=st.floats(-3, 0),
    cap=st.integers(1, 60),
)
def test_any_start_gives_an_honest_answer(client: TestClient, preset: str, u: float, v: float,
                                          log_gamma: float, cap: int) -> None:  # fmt: skip
    a, b, c, d = PRESETS[preset]
    start = [a + u * (b - a), c + v * (d - c)]
    answer = walk(client, f=preset, start=start, gamma=10**log_gamma, max_steps=cap)
    for method in METHODS:
        shown = answer["methods"][method]
        assert shown["status"] in STATUSES
        assert shown["converged"] == (shown["status"] == "converged")
        assert shown["capped"] == (shown["status"] == "max-iter")
        assert 0 <= shown["steps"] <= cap and len(shown["path"]) == shown["steps"] + 1
        assert shown["path"][0] == pytest.approx(start, rel=1e-6)
        assert all(p is None or math.isfinite(p) for point in shown["path"] for p in point)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(max_size=30)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
MATHS = st.text(alphabet="xy+-*/^()0123456789.esincoqrtlgab ", max_size=40)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    action=st.sampled_from(["surface", "paths"]),
    body=st.fixed_dictionaries({}, optional={
        "f": st.one_of(JSONISH, MATHS),
        "start": JSONISH, "gamma": JSONISH, "max_steps": JSONISH, "window": JSONISH}),
)  # fmt: skip
def test_random_bodies_never_break_the_server(client: TestClient, action: str,
                                              body: dict[str, Any]) -> None:  # fmt: skip
    response = client.post(f"/api/descent/{action}", json=body)
    assert response.status_code in (200, 400, 422), response.text
    if response.status_code != 200:
        assert response.json()["error"]


# ------------------------------------------------------------------------------------------
# The page in Chromium
# ------------------------------------------------------------------------------------------


def open_descent(browser: Browser, server: str, width: int = 1280, *,
                 mobile: bool = False) -> tuple[Page, list[str]]:  # fmt: skip
    page, errors = open_page(browser, server + "descent", width, mobile=mobile)
    expect(page.get_by_test_id("status-newton")).to_have_text("converged")  # the first walks
    return page, errors


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    page, errors = open_descent(browser, server)
    yield page
    close(page, errors)  # any JavaScript error fails the test


def numbers(text: str) -> list[float]:
    """The numbers in a reading as the page writes them ("(−1.5, 2e-9)")."""
    return [float(s) for s in re.findall(r"-?[\d.]+(?:e-?\d+)?", text.replace("−", "-"))]


def map_position(page: Page, x: float, y: float) -> Position:
    """Where the point (x, y) of the map is, in CSS pixels from the map's corner."""
    svg = page.get_by_test_id("figure")
    frame = svg.locator("rect.frame")
    box = [float(frame.get_attribute(k) or "nan") for k in ("x", "y", "width", "height")]
    view = [float(v) for v in (svg.get_attribute("viewBox") or "").split()]
    width = svg.evaluate("s => s.clientWidth")
    scale = width / view[2]
    window = numbers(page.get_by_test_id("window").input_value())
    fx = (x - window[0]) / (window[1] - window[0])
    fy = (window[3] - y) / (window[3] - window[2])
    return {"x": (box[0] + fx * box[2]) * scale, "y": (box[1] + fy * box[3]) * scale}


def posted(info: Any) -> dict[str, Any]:
    """The body of the request the action sent (a request sent before it, still waiting for its
    answer, is not this one: hence requests, not responses, are awaited)."""
    body: dict[str, Any] = info.value.post_data_json
    info.value.response()  # its answer has arrived
    return body


def check_readings(page: Page, body: dict[str, Any]) -> None:
    """The page's results are the library's for the walks the page asked for."""
    for method in METHODS:
        truth = library(body["f"], body["start"], method, body["gamma"], body["max_steps"])
        status = page.get_by_test_id(f"status-{method}")
        expect(status).to_contain_text(truth.status)
        if truth.status == "max-iter":
            cap = body["max_steps"]
            if method == "hybrid":  # it counts the steps it tries, and keeps fewer
                expect(status).to_contain_text(
                    f"stopped at the cap of {cap} tries ({truth.nit} kept)"
                )
            else:
                expect(status).to_contain_text(f"stopped at the cap of {cap} steps")
        expect(page.get_by_test_id(f"steps-{method}")).to_have_text(str(truth.nit))
        expect(page.get_by_test_id(f"message-{method}")).to_have_text(truth.message)
        end = numbers(page.get_by_test_id(f"end-{method}").inner_text())
        np.testing.assert_allclose(end, truth.x, rtol=1e-4, atol=1e-300)
        fend = numbers(page.get_by_test_id(f"fend-{method}").inner_text())[0]
        assert fend == pytest.approx(float(truth.fun), rel=1e-5, abs=1e-300)


def test_a_click_shows_the_three_walks(page: Page) -> None:
    with page.expect_request(lambda r: "/api/descent/paths" in r.url) as info:
        page.get_by_test_id("figure").click(position=map_position(page, 1.5, -1.0))
    body = posted(info)
    assert body["f"] == BOWL and body["gamma"] == 0.079 and body["max_steps"] == 200
    assert body["start"] == pytest.approx([1.5, -1.0], abs=0.03)
    expect(page.get_by_test_id("start")).to_have_text(
        f"({body['start'][0]:g}, {body['start'][1]:g})".replace("-", "−")
    )
    x0, y0 = body["start"]
    assert numbers(page.get_by_test_id("f-start").inner_text())[0] == pytest.approx(
        x0**2 + 10 * y0**2, rel=1e-5
    )
    check_readings(page, body)
    # a marker per step of each walk, in its own colour, all inside the window here
    titles = page.get_by_test_id("figure").locator("circle > title").all_text_contents()
    for label, method in [("gradient descent", "gradient-descent"), ("Newton", "newton"),
                          ("hybrid", "hybrid")]:  # fmt: skip
        steps = int(page.get_by_test_id(f"steps-{method}").inner_text())
        assert sum(t.startswith(f"{label}, step ") for t in titles) == steps
    assert page.get_by_test_id("figure").locator("path.contour").count() > 10
    shot(page, "lab-descent-desktop")

    # a lower cap: gradient descent needs more than 50 steps here, and the page says it stopped
    with page.expect_request(lambda r: "/api/descent/paths" in r.url) as info:
        page.get_by_test_id("max-steps").select_option("50")
    body = posted(info)
    assert body["max_steps"] == 50 and body["start"] == pytest.approx([1.5, -1.0], abs=0.03)
    expect(page.get_by_test_id("status-gradient-descent")).to_have_text(
        "max-iter: stopped at the cap of 50 steps"
    )
    check_readings(page, body)

    # the presets: Newton from (0, 0) on Himmelblau climbs to a maximum; the hybrid does not
    with page.expect_request(lambda r: "/api/descent/paths" in r.url) as info:
        page.get_by_test_id("preset").select_option("himmelblau")
    body = posted(info)
    assert body["f"] == HIMMELBLAU and body["start"] == [0, 0]
    expect(page.get_by_test_id("status-newton")).to_have_text("maximum")
    expect(page.get_by_test_id("status-hybrid")).to_have_text("converged")
    check_readings(page, body)


def test_the_keyboard_picks_a_start_and_changes_gamma(page: Page) -> None:
    def tab_to(testid: str) -> None:
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.dataset.testid") == testid:
                return
        pytest.fail(f"Tab never reached {testid}")

    tab_to("figure")  # the map: the cross starts at the start, (−2.5, 1.5)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    with page.expect_request(lambda r: "/api/descent/paths" in r.url) as info:
        page.keyboard.press("Enter")
    body = posted(info)
    # each arrow moves a hundredth of the window (6 × 4.8), Shift a tenth
    assert body["start"] == pytest.approx([-2.5 + 3 * 0.06, 1.5 - 0.48], abs=1e-9)
    check_readings(page, body)

    tab_to("gamma")  # γ: 10^−1.1 = 0.079; four steps right is 10^−0.9 = 0.13 > 2/λ = 0.1
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    with page.expect_request(
        lambda r: "/api/descent/paths" in r.url and (r.post_data_json or {}).get("gamma") == 0.13
    ) as info:
        page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("gamma-value")).to_have_text("0.13")
    body = posted(info)
    expect(page.get_by_test_id("status-gradient-descent")).to_have_text("diverged")
    expect(page.get_by_test_id("message-gradient-descent")).to_contain_text("2/λ = 0.1")
    check_readings(page, body)

    tab_to("animate")  # the replay, step by step, then all of it again
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("animate")).to_have_text("Stop the replay")
    expect(page.get_by_test_id("shown")).to_have_text(re.compile(r"^\d+$"))
    expect(page.get_by_test_id("shown")).to_have_text("all", timeout=15_000)
    expect(page.get_by_test_id("animate")).to_have_text("Replay step by step")


def test_refusals_are_shown_and_cleared(page: Page) -> None:
    error = page.get_by_test_id("error")
    expect(error).to_have_text("")
    f = page.get_by_test_id("expression")
    f.fill("x + z")
    f.press("Enter")
    expect(error).to_contain_text("z is not a variable here")
    expect(page.get_by_test_id("status-newton")).to_have_text("–")
    f.fill("__import__('os')")
    f.press("Enter")
    expect(error).to_contain_text("cannot read")
    f.fill("log(x) + y^2")  # fine, but not at the start (−2.5, 1.5)
    f.press("Enter")
    expect(error).to_contain_text("f is not defined at the start (-2.5, 1.5)")
    expect(page.get_by_test_id("preset")).to_have_value("own")
    f.fill(SADDLE)
    f.press("Enter")
    expect(error).to_have_text("")
    expect(page.get_by_test_id("preset")).to_have_value("saddle")
    expect(page.get_by_test_id("status-newton")).to_have_text("saddle")  # not "converged"
    # |x| + |y|: no Hessian for Newton, and the hybrid tries more steps than it keeps
    with page.expect_request(lambda r: "/api/descent/paths" in r.url) as info:
        f.fill("abs(x) + abs(y)")
        f.press("Enter")
    body = posted(info)
    expect(page.get_by_test_id("status-newton")).to_have_text("zero-derivative")
    expect(page.get_by_test_id("status-hybrid")).to_contain_text("stopped at the cap of 200 tries")
    check_readings(page, body)
    window = page.get_by_test_id("window")
    window.fill("2, 1, 0, 1")
    window.press("Enter")
    expect(error).to_contain_text("xmin < xmax")
    window.fill("-2, 2, -2, 2")
    window.press("Enter")
    expect(error).to_have_text("")


def test_the_page_on_a_phone(browser: Browser, server: str) -> None:
    page, errors = open_descent(browser, server, 390, mobile=True)
    fits(page, 390)
    figure = page.get_by_test_id("figure").bounding_box()
    panel = page.locator("aside.panel").bounding_box()
    results = page.get_by_test_id("results").bounding_box()
    assert figure is not None and panel is not None and results is not None
    assert figure["x"] >= 0 and figure["x"] + figure["width"] <= 390 and figure["width"] > 340
    assert panel["y"] >= figure["y"] + figure["height"]  # one column: map, controls, results
    assert results["y"] >= panel["y"] + panel["height"]
    with page.expect_request(lambda r: "/api/descent/paths" in r.url) as info:
        page.get_by_test_id("figure").tap(position=map_position(page, -1.0, -1.5))
    body = posted(info)
    assert body["start"] == pytest.approx([-1.0, -1.5], abs=0.05)
    check_readings(page, body)
    fits(page, 390)
    shot(page, "lab-descent-phone")
    close(page, errors)
