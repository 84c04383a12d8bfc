"""The lab's Newton–Raphson page: its API through Starlette's TestClient, checked against an
independent Newton iteration (SymPy's derivatives), the library called directly and SciPy; bad
input refused with a 4xx; and the page itself in Debian's Chromium (mouse, keyboard, the two
equations, a refused expression, a phone's width)."""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import scipy.optimize
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Locator, Page, expect
from starlette.testclient import TestClient

import mvcalc as mc
from browser import close, fits, open_page, shot
from mvcalc.lab.server import create_app
from mvcalc.results import STATUSES

PORT = 8131
X = sympy.Symbol("x")


@pytest.fixture(scope="module")
def api() -> TestClient:
    return TestClient(create_app(port=PORT), base_url=f"http://127.0.0.1:{PORT}")


def post(api: TestClient, action: str, body: Any) -> Any:
    response = api.post(f"/api/newton/{action}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def sympy_newton(text: str, x0: float, steps: int) -> list[float]:
    """x ← x − f(x)/f′(x), ``steps`` times, with SymPy's f and f′ (the oracle)."""
    expr = sympy.sympify(text)
    f = sympy.lambdify(X, expr, "math")
    df = sympy.lambdify(X, sympy.diff(expr, X), "math")
    xs = [float(x0)]
    for _ in range(steps):
        xs.append(xs[-1] - f(xs[-1]) / df(xs[-1]))
    return xs


# ------------------------------------------------------------------------------------------
# One equation
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "x0"),
    [
        ("x**2 - 2", 1.0),
        ("x**3 - 2*x + 2", -2.0),
        ("cos(x) - x", 1.0),
        ("exp(x) - 3", 0.0),
        ("atan(x)", 1.2),
    ],
)
def test_a_converging_path_is_newtons_iteration(api: TestClient, text: str, x0: float) -> None:
    answer = post(api, "equation", {"f": text, "x0": x0})
    assert answer["status"] == "converged" and answer["name"] == "converged"
    path = answer["path"]
    n = answer["nit"]
    assert len(path["x"]) == n + 1 and path["x"][0] == x0
    assert path["x"] == pytest.approx(sympy_newton(text, x0, n), rel=1e-12, abs=1e-14)
    expr = sympy.sympify(text)
    df = sympy.lambdify(X, sympy.diff(expr, X), "math")
    f = sympy.lambdify(X, expr, "math")
    assert path["dfx"] == pytest.approx([df(x) for x in path["x"]], rel=1e-12)
    assert path["fx"] == pytest.approx([f(x) for x in path["x"]], rel=1e-12, abs=1e-15)
    # each tangent meets the axis at the next iterate (plain Newton steps)
    assert path["meets"][:-1] == pytest.approx(path["x"][1:], rel=1e-12, abs=1e-15)
    root = float(sympy.nsolve(expr, X, path["x"][-1]))
    assert answer["root"] == pytest.approx(root, rel=1e-12, abs=1e-15)
    assert answer["residuals"] == pytest.approx([abs(v) for v in path["fx"]])


@pytest.mark.parametrize(
    ("text", "x0", "lo", "hi"),
    [
        ("x^2 - 2", 1, -1, 3),
        ("x^3 - 2x + 2", 0, -2.5, 2),
        ("atan(x)", 1.5, -6, 6),
        ("x*exp(-x)", 2, -1, 12),
        ("x^2 - 1", 0, -2, 2),
        ("cos(x)", 0, -4, 4),
        ("x^2 + 1", 0.5, -3, 3),
        ("(x - 1)^2", 3, -0.5, 3.5),
    ],
)
def test_the_path_is_the_librarys(api: TestClient, text: str, x0: float, lo: float,
                                  hi: float) -> None:  # fmt: skip
    answer = post(api, "equation", {"f": text, "x0": x0, "lo": lo, "hi": hi})
    direct = mc.newton_raphson(text, x0, max_iter=50)
    assert answer["path"]["x"] == pytest.approx(np.atleast_1d(direct.path).tolist(), rel=1e-13)
    assert (answer["status"], answer["message"], answer["nit"]) == (
        direct.status, direct.message, direct.nit)  # fmt: skip
    assert answer["explain"] and answer["name"]
    # f sampled over the window, as NumPy has it
    xs = np.linspace(lo, hi, 401)
    assert answer["xs"] == pytest.approx(xs.tolist(), rel=1e-6, abs=1e-12)
    y = sympy.lambdify(X, sympy.sympify(text.replace("^", "**").replace("2x", "2*x")), "numpy")
    assert answer["ys"] == pytest.approx((np.asarray(y(xs)) * np.ones_like(xs)).tolist(),
                                         rel=1e-6, abs=1e-12)  # fmt: skip


def test_each_failure_is_named(api: TestClient) -> None:
    cycle = post(api, "equation", {"f": "x^3 - 2x + 2", "x0": 0})
    assert cycle["status"] == "cycling" and cycle["name"] == "cycling"
    assert cycle["path"]["x"] == [0.0, 1.0, 0.0]  # 0 → 1 → 0: f(0)/f′(0) = 2/−2, f(1)/f′(1) = 1/1
    assert cycle["explain"] == STATUSES["cycling"] and cycle["message"].startswith("cycling")

    runaway = post(api, "equation", {"f": "atan(x)", "x0": 1.5})
    assert runaway["status"] == "diverged" and runaway["name"] == "divergence"
    sizes = [abs(x) for x in runaway["path"]["x"]]
    assert all(b > a for a, b in itertools.pairwise(sizes))  # each step further out
    assert runaway["root"] is None and not runaway["converged"]

    for text in ("x^2 - 1", "cos(x)"):  # f′(0) = 0: the tangent at x₀ = 0 is flat
        flat = post(api, "equation", {"f": text, "x0": 0})
        assert flat["status"] == "zero-derivative" and flat["name"] == "zero derivative"
        assert flat["path"]["x"] == [0.0] and flat["path"]["meets"] == [None]
        assert "zero derivative" in flat["message"]

    for text, x0 in (("x^2 + 1", 0.5), ("x*exp(-x)", 2)):  # no real root; a root left behind
        limit = post(api, "equation", {"f": text, "x0": x0, "max_iter": 30})
        assert limit["status"] == "max-iter" and limit["name"] == "iteration limit"
        assert limit["nit"] == 30 and "max_iter = 30" in limit["message"]


def test_a_double_root_is_converged_by_the_longer_step(api: TestClient) -> None:
    answer = post(api, "equation", {"f": "(x - 1)^2", "x0": 3})
    assert answer["status"] == "converged" and answer["root"] == 1.0
    assert "multiplicity 2" in answer["message"]
    path, meets = answer["path"]["x"], answer["path"]["meets"]
    assert path[:6] == [3.0, 2.0, 1.5, 1.25, 1.125, 1.0625]  # halving the distance each time
    assert meets[5] == pytest.approx(1.03125) and path[6] == 1.0  # twice the tangent's step


def test_without_a_start_only_the_curve(api: TestClient) -> None:
    answer = post(api, "equation", {"f": "sin(x)", "lo": 0, "hi": math.pi})
    assert answer["path"] is None and answer["status"] is None and answer["x0"] is None
    assert answer["ys"] == pytest.approx(np.sin(np.linspace(0, math.pi, 401)).tolist(), abs=1e-7)
    default = post(api, "equation", {})
    assert default["f"] == "x^2 - 2" and (default["lo"], default["hi"]) == (-3.0, 3.0)


@settings(max_examples=25, deadline=None)
@given(
    text=st.sampled_from(
        [
            "x**2 - 2",
            "x**3 - 2*x + 2",
            "atan(x)",
            "x*exp(-x)",
            "cos(x)",
            "x**2 + 1",
            "sin(x) - x/2",
            "exp(x) - 5",
        ]
    ),
    x0=st.floats(-5, 5, allow_nan=False),
)
def test_any_start_gives_the_librarys_named_outcome(api: TestClient, text: str,
                                                    x0: float) -> None:  # fmt: skip
    response = api.post("/api/newton/equation", json={"f": text, "x0": x0, "lo": -5, "hi": 5})
    assert response.status_code == 200, response.text
    answer = json.loads(response.text, parse_constant=pytest.fail)  # no NaN, no Infinity
    # the library with the same exact derivative (SymPy's, as text): the same path, even where
    # Newton's map is chaotic (x² + 1) and rounding differences would grow
    fprime = str(sympy.diff(sympy.sympify(text), X))
    direct = mc.newton_raphson(text, x0, fprime=fprime, max_iter=50)
    assert (answer["status"], answer["message"]) == (direct.status, direct.message)
    assert answer["status"] in STATUSES
    assert answer["path"]["x"] == pytest.approx(np.atleast_1d(direct.path).tolist(), rel=1e-12)
    assert answer["path"]["dfx"][0] == pytest.approx(
        float(sympy.diff(sympy.sympify(text), X).subs(X, x0)), rel=1e-12, abs=1e-300
    )


# ------------------------------------------------------------------------------------------
# Two equations
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("f1", "f2", "start"),
    [
        ("x^2 + y^2 - 4", "x - y", [1, 0.5]),
        ("x^2 - y - 1", "y^2 - x - 1", [1, 0.5]),
        ("x^2 - y - 1", "y^2 - x - 1", [-1.2, 1.5]),
        ("sin(x) - y", "x^2 + y^2 - 1", [2, 2]),
        ("x^2 + y^2 - 4", "x*y - 1", [2, 1]),
    ],
)
def test_a_system_root_is_scipys(api: TestClient, f1: str, f2: str, start: list[float]) -> None:
    answer = post(api, "system", {"f1": f1, "f2": f2, "start": start})
    assert answer["status"] == "converged" and answer["name"] == "converged"
    x, y = sympy.symbols("x y")
    exprs = [sympy.sympify(t.replace("^", "**")) for t in (f1, f2)]
    F = sympy.lambdify([(x, y)], exprs, "math")
    oracle = scipy.optimize.fsolve(F, start, xtol=1e-13)
    assert answer["root"] == pytest.approx(oracle.tolist(), rel=1e-9, abs=1e-12)
    path = answer["path"]
    assert [path["x"][0], path["y"][0]] == start
    direct = mc.newton_raphson(f"{f1}, {f2}", start, max_iter=50)
    assert np.column_stack([path["x"], path["y"]]) == pytest.approx(direct.path, rel=1e-12)
    assert answer["message"] == direct.message and answer["nit"] == direct.nit
    values = np.array([F(p) for p in zip(path["x"], path["y"], strict=True)])
    assert answer["residuals"] == pytest.approx(np.hypot(*values.T).tolist(), abs=1e-12)
    # each zero curve lies where its equation holds (to the grid's resolution)
    for lines, e in zip(answer["zero"], exprs, strict=True):
        g = sympy.lambdify([(x, y)], e, "math")
        points = [p for line in lines for p in line]
        assert points and max(abs(g(p)) for p in points) < 0.02


def test_a_singular_jacobian_and_no_common_root(api: TestClient) -> None:
    # on the line x = y at the origin the Jacobian [[2x, 2y], [1, −1]] is 0 in its first row
    flat = post(api, "system", {"start": [0, 0]})
    assert flat["status"] == "zero-derivative" and flat["name"] == "zero derivative"
    assert flat["nit"] == 0 and flat["root"] is None and "singular" in flat["message"]
    # the line x + y = 3 misses the unit circle (its distance from 0 is 3/√2 > 1)
    apart = post(api, "system", {"f1": "x^2 + y^2 - 1", "f2": "x + y - 3", "start": [0.5, 0.2],
                                 "max_iter": 40})  # fmt: skip
    assert not apart["converged"] and apart["status"] in ("max-iter", "diverged", "cycling")
    assert apart["name"] != "converged" and apart["root"] is None


def test_a_system_without_a_start_draws_its_zero_curves(api: TestClient) -> None:
    answer = post(api, "system", {"f1": "x^2 + y^2 - 1", "f2": "y", "window": [-2, 2, -1.5, 1.5]})
    assert answer["path"] is None and answer["window"] == [-2.0, 2.0, -1.5, 1.5]
    circle = np.array([p for line in answer["zero"][0] for p in line])
    assert np.hypot(*circle.T) == pytest.approx(np.ones(len(circle)), abs=2e-3)
    axis = np.array([p for line in answer["zero"][1] for p in line])
    assert np.abs(axis[:, 1]).max() < 1e-9 and axis[:, 0].min() <= -1.99


def test_no_false_zero_curve_across_a_pole(api: TestClient) -> None:
    # tan(x) = y has no solution with |y| ≤ 3 for x between atan(3) ≈ 1.249 and π − atan(3);
    # contouring alone draws a false line at the pole x = π/2, where tan leaps from +∞ to −∞
    answer = post(api, "system", {"f1": "tan(x) - y", "f2": "x + y"})
    points = np.array([p for line in answer["zero"][0] for p in line])
    assert len(points) > 100
    assert not np.any((points[:, 0] > math.atan(3) + 0.02) & (points[:, 0] < math.pi - 1.27))
    assert np.abs(np.tan(points[:, 0]) - points[:, 1]).max() < 0.05  # what is left is true
    none = post(api, "system", {"f1": "1/(x^2 + y^2 - 1)", "f2": "x"})  # never 0: no curve
    assert none["zero"][0] == [] and none["zero"][1] != []


@settings(max_examples=20, deadline=None)
@given(st.floats(-3, 3, allow_nan=False), st.floats(-3, 3, allow_nan=False))
def test_any_start_of_a_system_is_answered(api: TestClient, x: float, y: float) -> None:
    response = api.post("/api/newton/system", json={"f1": "x^2 - y - 1", "f2": "y^2 - x - 1",
                                                   "start": [x, y]})  # fmt: skip
    assert response.status_code == 200, response.text
    answer = json.loads(response.text, parse_constant=pytest.fail)
    assert answer["status"] in STATUSES
    if answer["converged"]:  # one of the four roots: x = y = (1 ± √5)/2, (0, −1), (−1, 0)
        golden = (1 + 5**0.5) / 2
        roots = [(golden, golden), (1 - golden, 1 - golden), (0, -1), (-1, 0)]
        assert min(math.dist(answer["root"], r) for r in roots) < 1e-9


# ------------------------------------------------------------------------------------------
# Bad input: a 4xx whose message names the problem, never a 500
# ------------------------------------------------------------------------------------------

JUNK = "".join("x+*/)(^!,;"[i % 10] for i in range(200))
BAD = [
    ("equation", {"f": "__import__('os')", "x0": 1}, "cannot read"),
    ("equation", {"f": "x**x**x**x**x**x**99", "x0": 2}, "not finite"),
    ("equation", {"f": "1e999999", "x0": 1}, "too large"),
    ("equation", {"f": "factorial(10**9)", "x0": 1}, "factorial"),
    ("equation", {"f": JUNK, "x0": 1}, "cannot read"),
    ("equation", {"f": JUNK + "x", "x0": 1}, "longer than 200"),
    ("equation", {"f": "x*y", "x0": 1}, "y is not a variable"),
    ("equation", {"f": "", "x0": 1}, "f is empty"),
    ("equation", {"f": 5, "x0": 1}, "f must be a string"),
    ("equation", {"f": None}, "f is required"),
    ("equation", {"f": "1/x", "x0": 0}, "not finite at x0"),
    ("equation", {"f": "sqrt(x)", "x0": -1}, "not finite at x0"),
    ("equation", {"x0": "one"}, "x0"),
    ("equation", {"x0": True}, "x0 must be a number"),
    ("equation", {"x0": [1]}, "x0"),
    ("equation", {"x0": 1e7}, "x0 must be from"),
    ("equation", {"lo": 2, "hi": 1}, "lo must be below hi"),
    ("equation", {"lo": "a"}, "lo"),
    ("equation", {"hi": 1e9}, "hi must be from"),
    ("equation", {"x0": 1, "max_iter": 0}, "max_iter"),
    ("equation", {"x0": 1, "max_iter": 101}, "max_iter"),
    ("equation", {"x0": 1, "max_iter": 2.5}, "max_iter"),
    ("equation", {"x0": 1, "max_iter": True}, "max_iter"),
    ("system", {"f1": "__import__('os')", "start": [1, 1]}, "f1: cannot read"),
    ("system", {"f2": "x + z"}, "f2: z is not a variable"),
    ("system", {"f1": "sin(x", "start": [1, 1]}, "never closed"),
    ("system", {"f1": "factorial(10**9)"}, "factorial"),
    ("system", {"f2": "1e999999"}, "too large"),
    ("system", {"f1": JUNK + "x"}, "longer than 200"),
    ("system", {"f1": "1/x", "start": [0, 1]}, "not finite at (0, 1)"),
    ("system", {"start": [1]}, "start must be [x, y]"),
    ("system", {"start": [1, 2, 3]}, "start must be [x, y]"),
    ("system", {"start": "1, 2"}, "start must be [x, y]"),
    ("system", {"start": {"x": 1, "y": 2}}, "start must be [x, y]"),
    ("system", {"start": [1, "a"]}, "start"),
    ("system", {"start": [1, True]}, "start must be a number"),
    ("system", {"start": [1e300, 0]}, "start must be from"),
    ("system", {"window": [0, 0, 0, 1]}, "window"),
    ("system", {"window": [0, 1]}, "window"),
    ("system", {"window": ["a", 1, 0, 1]}, "window"),
    ("system", {"window": [-1e7, 1e7, 0, 1]}, "window"),
    ("system", {"start": [1, 1], "max_iter": 1000}, "max_iter"),
]


@pytest.mark.parametrize(("action", "body", "words"), BAD)
def test_bad_input_is_refused_by_name(api: TestClient, action: str, body: dict[str, Any],
                                      words: str) -> None:  # fmt: skip
    response = api.post(f"/api/newton/{action}", json=body)
    assert 400 <= response.status_code < 500, response.text
    assert words in response.json()["error"]


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"x^2"', b"null", b"3", b"{", b'{"x0": NaN}',
                                 b"\xff\xfe"])  # fmt: skip
@pytest.mark.parametrize("action", ["equation", "system"])
def test_bodies_that_are_not_objects_are_refused(api: TestClient, action: str, raw: bytes) -> None:
    response = api.post(f"/api/newton/{action}", content=raw,
                        headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 400
    assert re.search(r"JSON object|not valid JSON|not a number", response.json()["error"])


def test_unknown_actions_and_huge_bodies(api: TestClient) -> None:
    response = api.post("/api/newton/solve", json={})
    assert response.status_code == 404 and "no action 'solve'" in response.json()["error"]
    response = api.post("/api/newton/equation", json={"f": "x" * 5000})
    assert response.status_code == 413 and "larger than" in response.json()["error"]


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=60), st.sampled_from(["equation", "system"]))
def test_any_text_is_answered_without_a_500(api: TestClient, junk: str, action: str) -> None:
    body = {"f": junk, "x0": 0.5} if action == "equation" else {"f1": junk, "start": [0.5, 0.5]}
    response = api.post(f"/api/newton/{action}", json=body)
    assert response.status_code in (200, 400, 422), response.text
    if response.status_code == 200:
        assert response.json()["status"] in STATUSES
    else:
        assert response.json()["error"]


# ------------------------------------------------------------------------------------------
# The page in Chromium
# ------------------------------------------------------------------------------------------


def open_newton(browser: Browser, server: str, width: int, height: int) -> tuple[Page, list[str]]:
    page, errors = open_page(browser, server + "newton", width, height)
    # the first answer of a fresh server waits for its worker process to start
    expect(page.get_by_test_id("figure")).to_contain_text("pick x₀", timeout=30_000)
    return page, errors


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    page, errors = open_newton(browser, server, 1280, 860)
    yield page
    close(page, errors)  # any JavaScript error fails the test


def number(locator: Locator) -> float:
    """A readout as a float (the page writes − for minus)."""
    return float(locator.inner_text().replace("−", "-"))


def click_at(page: Page, x: float, y: float, xlim: tuple[float, float],
             ylim: tuple[float, float]) -> None:  # fmt: skip
    """Click the figure at the data point (x, y), its axes spanning xlim × ylim."""
    figure = page.get_by_test_id("figure")
    width, height, shown = figure.evaluate(
        "s => [s.viewBox.baseVal.width, s.viewBox.baseVal.height, s.clientWidth]"
    )
    scale = shown / width  # CSS pixels per drawing unit
    left, right, top, bottom = 56, 14, 14, 40  # the Plot's margins
    px = left + (x - xlim[0]) / (xlim[1] - xlim[0]) * (width - left - right)
    py = top + (ylim[1] - y) / (ylim[1] - ylim[0]) * (height - top - bottom)
    figure.click(position={"x": px * scale, "y": py * scale})


def test_a_learner_picks_x0_by_mouse_and_steps(page: Page) -> None:
    expect(page.get_by_test_id("try")).to_contain_text("pick a start")
    expect(page.get_by_test_id("step-button")).to_be_disabled()
    expect(page.get_by_test_id("expression")).to_have_value("x^2 - 2")
    click_at(page, 1.2, 0.0, (-1, 3), (-3, 8))  # y is not used in one equation
    expect(page.get_by_test_id("k")).to_have_text(re.compile(r"^0 of \d+$"))
    x0 = number(page.get_by_test_id("x0"))
    assert abs(x0 - 1.2) < 0.05  # where the click landed, to the pixel
    direct = mc.newton_raphson("x^2 - 2", x0, max_iter=50)
    path = np.atleast_1d(direct.path)
    expect(page.get_by_test_id("status")).to_contain_text("more steps")
    for k in (1, 2):
        page.get_by_test_id("step-button").click()
        expect(page.get_by_test_id("k")).to_have_text(f"{k} of {direct.nit}")
        assert number(page.get_by_test_id("xk")) == pytest.approx(path[k], rel=1e-11)
        assert number(page.get_by_test_id("fk")) == pytest.approx(path[k] ** 2 - 2, rel=1e-3)
        expect(page.get_by_test_id("table").locator("tbody tr")).to_have_count(k + 1)
    expect(page.get_by_test_id("root")).to_have_text("–")  # not before the last step
    page.get_by_test_id("end-button").click()
    expect(page.get_by_test_id("k")).to_have_text(f"{direct.nit} of {direct.nit}")
    expect(page.get_by_test_id("status")).to_contain_text("converged")
    expect(page.get_by_test_id("status")).to_contain_text(direct.message)
    assert number(page.get_by_test_id("root")) == pytest.approx(math.sqrt(2), rel=1e-11)
    rows = page.get_by_test_id("table").locator("tbody tr")
    expect(rows).to_have_count(direct.nit + 1)
    assert float(rows.nth(1).locator("td").nth(1).inner_text()) == pytest.approx(path[1], rel=1e-8)
    page.get_by_test_id("reset-button").click()
    expect(page.get_by_test_id("k")).to_have_text(f"0 of {direct.nit}")
    page.get_by_test_id("play-button").click()  # plays to the end by itself
    expect(page.get_by_test_id("status")).to_contain_text("converged", timeout=10_000)
    expect(page.get_by_test_id("play-button")).to_have_text("Play")
    page.get_by_test_id("preset").select_option(label="cycling: x^3 − 2x + 2 from x₀ = 0")
    page.get_by_test_id("end-button").click()
    shot(page, "lab-newton-desktop")


def test_the_keyboard_picks_and_steps(page: Page) -> None:
    page.get_by_role("link", name="← mvcalc lab").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("figure")).to_be_focused()
    for _ in range(10):  # the cross starts in the middle, x = 1; each press moves it 4/100
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("x0")).to_have_text("1.4")
    direct = mc.newton_raphson("x^2 - 2", 1.4, max_iter=50)
    for _ in range(12):  # Tab on to the Step button: every control on the way is reachable
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "step-button":
            break
    expect(page.get_by_test_id("step-button")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    expect(page.get_by_test_id("k")).to_have_text(f"2 of {direct.nit}")
    assert number(page.get_by_test_id("xk")) == pytest.approx(direct.path[2], rel=1e-11)
    for _ in range(direct.nit - 2):
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("status")).to_contain_text("converged")
    expect(page.get_by_test_id("reset-button")).to_be_focused()  # Step is done: focus moves on


@pytest.mark.parametrize(
    ("preset", "text", "x0", "name"),
    [
        ("cycling: x^3 − 2x + 2 from x₀ = 0", "x^3 - 2x + 2", 0, "cycling"),
        ("divergence: atan(x) from x₀ = 1.5", "atan(x)", 1.5, "divergence"),
        ("zero derivative: cos(x) from x₀ = 0", "cos(x)", 0, "zero derivative"),
        ("no real root: x^2 + 1 from x₀ = 0.5", "x^2 + 1", 0.5, "iteration limit"),
    ],
)
def test_each_preset_shows_its_failure_by_name(page: Page, preset: str, text: str, x0: float,
                                               name: str) -> None:  # fmt: skip
    page.get_by_test_id("preset").select_option(label=preset)
    expect(page.get_by_test_id("expression")).to_have_value(text)
    direct = mc.newton_raphson(text, x0, max_iter=50)
    expect(page.get_by_test_id("k")).to_have_text(f"0 of {direct.nit}")
    if direct.nit:
        expect(page.get_by_test_id("status")).not_to_contain_text(name)
        page.get_by_test_id("end-button").click()
    status = page.get_by_test_id("status")
    expect(status).to_contain_text(name)
    expect(status).to_contain_text(direct.message)
    expect(page.get_by_test_id("root")).to_have_text("–")
    expect(page.get_by_test_id("figure")).to_contain_text(name)


def test_two_equations(page: Page) -> None:
    page.get_by_test_id("mode").select_option("system")
    expect(page.get_by_test_id("f1")).to_have_value("x^2 + y^2 - 4")
    expect(page.get_by_test_id("expression")).to_be_hidden()
    expect(page.get_by_test_id("figure")).to_contain_text("pick a start")  # the system's figure
    click_at(page, 1.0, 0.5, (-3, 3), (-3, 3))
    expect(page.get_by_test_id("k")).to_have_text(re.compile(r"^0 of \d+$"))
    start = [float(v) for v in re.findall(r"-?[\d.]+", page.get_by_test_id("x0").inner_text()
                                          .replace("−", "-"))]  # fmt: skip
    assert math.dist(start, (1.0, 0.5)) < 0.08
    page.get_by_test_id("end-button").click()
    expect(page.get_by_test_id("status")).to_contain_text("converged")
    root = scipy.optimize.fsolve(lambda v: [v[0] ** 2 + v[1] ** 2 - 4, v[0] - v[1]], start)
    shown = page.get_by_test_id("root").inner_text()
    assert shown == f"({float(f'{root[0]:.6g}'):g}, {float(f'{root[1]:.6g}'):g})"
    page.get_by_test_id("preset").select_option(label="singular Jacobian: from (0, 0)")
    expect(page.get_by_test_id("status")).to_contain_text("zero derivative")
    expect(page.get_by_test_id("status")).to_contain_text("the Jacobian is singular")
    # the one-equation mode keeps its own state
    page.get_by_test_id("mode").select_option("equation")
    expect(page.get_by_test_id("expression")).to_have_value("x^2 - 2")


def test_a_refused_expression_is_shown_and_cleared(page: Page) -> None:
    error = page.get_by_test_id("error")
    expect(error).to_have_text("")
    page.get_by_test_id("expression").fill("__import__('os')")
    page.get_by_test_id("expression").press("Enter")
    expect(error).to_contain_text("cannot read")
    page.get_by_test_id("expression").fill("x^3 - 5")
    page.get_by_test_id("expression").press("Enter")
    expect(error).to_have_text("")
    expect(page.get_by_test_id("preset")).to_have_value("custom")
    page.get_by_test_id("mode").select_option("system")
    page.get_by_test_id("f2").fill("x + z")
    page.get_by_test_id("f2").press("Enter")
    expect(error).to_contain_text("z is not a variable")


def test_the_page_fits_a_phone(browser: Browser, server: str) -> None:
    page, errors = open_newton(browser, server, 390, 844)
    page.get_by_test_id("preset").select_option(label="divergence: atan(x) from x₀ = 1.5")
    page.get_by_test_id("step-button").click()
    page.get_by_test_id("step-button").click()
    page.get_by_test_id("step-button").click()
    expect(page.get_by_test_id("k")).to_have_text("3 of 7")
    fits(page, 390)
    shot(page, "lab-newton-phone")
    page.get_by_test_id("mode").select_option("system")
    page.get_by_test_id("preset").select_option(label="two parabolas, from (1, 0.5)")
    page.get_by_test_id("end-button").click()
    expect(page.get_by_test_id("status")).to_contain_text("converged")
    fits(page, 390)
    shot(page, "lab-newton-phone-system")
    close(page, errors)
