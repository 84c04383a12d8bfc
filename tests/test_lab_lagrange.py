"""The lab's Lagrange page: its API through Starlette's TestClient (the points checked against
SymPy's own solution of the Lagrange system and SciPy's constrained minimisation, written out
here), and the page in headless Chromium (`mvcalc lab` served in a subprocess).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page, expect
from scipy.optimize import minimize
from starlette.testclient import TestClient

import mvcalc as mc
from browser import close, fits, open_page, shot
from mvcalc.lab.server import create_app

PORT = 8000
X, Y, LAM = sympy.symbols("x y lam", real=True)

# (f and g as the page's text, f and g - c as SymPy reads Python, written out independently)
EXACT = {
    "x + y on the circle": ("x + y", "x^2 + y^2 = 1", "x + y", "x**2 + y**2 - 1"),
    "x y on the circle": ("x*y", "x^2 + y^2 = 1", "x*y", "x**2 + y**2 - 1"),
    "x³ on the circle": ("x^3", "x^2 + y^2 = 1", "x**3", "x**2 + y**2 - 1"),
    "y on a cubic curve": ("y", "y^2 = x^3 - x", "y", "y**2 - x**3 + x"),
    "x y on a line": ("x*y", "x + y = 2", "x*y", "x + y - 2"),
    "x² + 2y² on a line, g alone": ("x^2 + 2y^2", "x + y - 1", "x**2 + 2*y**2", "x + y - 1"),
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(port=PORT), base_url=f"http://127.0.0.1:{PORT}")


def view(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/lagrange/view", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def oracle(f_text: str, g_text: str, c: float = 0.0) -> list[tuple[float, float, float]]:
    """(x, y, λ) of every real solution of ∇f = λ∇g, g = c, by SymPy's solve, sorted."""
    f = sympy.sympify(f_text, locals={"x": X, "y": Y})
    g = sympy.sympify(g_text, locals={"x": X, "y": Y}) - sympy.nsimplify(c)
    equations = [sympy.diff(f, X) - LAM * sympy.diff(g, X),
                 sympy.diff(f, Y) - LAM * sympy.diff(g, Y), g]  # fmt: skip
    found = []
    for s in sympy.solve(equations, [X, Y, LAM], dict=True):
        values = [complex(sympy.N(s[v], 30)) for v in (X, Y, LAM)]
        if all(abs(v.imag) < 1e-20 for v in values):
            found.append(tuple(v.real for v in values))
    return sorted(found)


def gradients(f_text: str, g_text: str, x: float, y: float) -> tuple[np.ndarray, np.ndarray]:
    """∇f and ∇g at (x, y), by SymPy, as floats."""
    f = sympy.sympify(f_text, locals={"x": X, "y": Y})
    g = sympy.sympify(g_text, locals={"x": X, "y": Y})
    at = {X: x, Y: y}
    return (np.array([float(sympy.diff(f, v).subs(at)) for v in (X, Y)]),
            np.array([float(sympy.diff(g, v).subs(at)) for v in (X, Y)]))  # fmt: skip


# ------------------------------------------------------------------------------------------
# The API
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", EXACT, ids=list(EXACT))
def test_the_points_are_sympys_solutions_of_the_lagrange_system(client, case):
    f, g, f_py, g_py = EXACT[case]
    answer = view(client, f=f, g=g)
    got = sorted((p["x"], p["y"], p["lambda"]) for p in answer["points"])
    expected = oracle(f_py, g_py)
    assert len(got) == len(expected) > 0
    np.testing.assert_allclose(got, expected, atol=1e-9)
    assert answer["search"] == "exact" and "exactly" in answer["note"]
    for p in answer["points"]:
        grad_f, grad_g = gradients(f_py, g_py, p["x"], p["y"])
        np.testing.assert_allclose(p["grad_f"], grad_f, atol=1e-9)
        np.testing.assert_allclose(p["grad_g"], grad_g, atol=1e-9)
        # the arrows' data: ∇f = λ∇g, so the two are parallel (their cross product is 0)
        np.testing.assert_allclose(grad_f, p["lambda"] * grad_g, atol=1e-9)
        assert abs(p["grad_f"][0] * p["grad_g"][1] - p["grad_f"][1] * p["grad_g"][0]) < 1e-9
        f_here = float(sympy.sympify(f_py).subs({"x": p["x"], "y": p["y"]}))
        assert p["value"] == pytest.approx(f_here, abs=1e-12)
        assert abs(float(sympy.sympify(g_py).subs({"x": p["x"], "y": p["y"]}))) < 1e-12


@pytest.mark.parametrize(
    ("f", "f_py", "kinds"),
    [
        ("x + y", "x + y", ["maximum", "minimum"]),
        ("x*y", "x*y", ["maximum", "maximum", "minimum", "minimum"]),
        ("x^3", "x**3", ["maximum", "unknown", "unknown", "minimum"]),
    ],
)
def test_kinds_on_the_unit_circle_agree_with_f_along_it(client, f, f_py, kinds):
    """Walking the circle a little either way from each point: lower both ways is a maximum,
    higher both ways a minimum; up one way and down the other is neither (the bordered
    Hessian's test cannot decide there, and the library says "unknown")."""
    answer = view(client, f=f, g="x^2 + y^2 = 1")
    assert [p["kind"] for p in answer["points"]] == kinds
    along = sympy.lambdify(sympy.Symbol("t"), sympy.sympify(f_py).subs(
        {"x": sympy.cos(sympy.Symbol("t")), "y": sympy.sin(sympy.Symbol("t"))}))  # fmt: skip
    for p in answer["points"]:
        t0 = math.atan2(p["y"], p["x"])
        here, left, right = (float(along(t0 + d)) for d in (0.0, -1e-3, 1e-3))
        side = {"maximum": left < here > right, "minimum": left > here < right,
                "unknown": (left - here) * (right - here) < 0}  # fmt: skip
        assert side[p["kind"]], (p, left, here, right)


def test_numeric_points_are_scipys_constrained_maximum_and_minimum(client):
    answer = view(client, f="exp(x) + y", g="x^2 + y^2 = 1")
    assert answer["search"] == "numeric"
    assert "numeric search" in answer["note"] and "may not be all" in answer["note"]
    circle = {"type": "eq", "fun": lambda v: v[0] ** 2 + v[1] ** 2 - 1}
    by_kind = {p["kind"]: p for p in answer["points"]}
    for kind, sign in (("maximum", -1.0), ("minimum", 1.0)):
        best = min(
            (minimize(lambda v, s=sign: s * (math.exp(v[0]) + v[1]), start, method="SLSQP",
                      constraints=[circle], tol=1e-14) for start in ([1, 0], [0, -1], [-1, 1])),
            key=lambda r: r.fun,
        )  # fmt: skip
        p = by_kind[kind]
        np.testing.assert_allclose([p["x"], p["y"]], best.x, atol=1e-6)
        assert p["value"] == pytest.approx(sign * best.fun, abs=1e-9)
        grad_f = np.array([math.exp(p["x"]), 1.0])
        np.testing.assert_allclose(grad_f, p["lambda"] * np.array([2 * p["x"], 2 * p["y"]]),
                                   atol=1e-8)  # fmt: skip
        assert p["exact"] is False


def test_the_level_c_moves_the_points_and_lambda_is_the_rate_of_the_best_f(client):
    """g = c: x² + y² = 1 + c. λ at the maximum is d f*/d c (checked by differences), and the
    points are SymPy's for that c."""
    answers = {c: view(client, f="x + y", g="x^2 + y^2 = 1", c=c) for c in (0.2, 0.3, 0.4)}
    middle = answers[0.3]
    assert middle["constraint"] == "x^2 + y^2 - 13/10 = 0"
    got = sorted((p["x"], p["y"], p["lambda"]) for p in middle["points"])
    np.testing.assert_allclose(got, oracle("x + y", "x**2 + y**2 - 1", 0.3), atol=1e-12)
    best = {c: a["points"][0]["value"] for c, a in answers.items()}
    assert middle["points"][0]["kind"] == "maximum"
    rate = (best[0.4] - best[0.2]) / 0.2
    assert rate == pytest.approx(middle["points"][0]["lambda"], rel=2e-3)


def test_contours_curve_and_window(client):
    answer = view(client, f="x*y", g="x^2 + y^2 = 1", aspect=1.6)
    x0, x1, y0, y1 = answer["window"]
    assert (x1 - x0) / (y1 - y0) == pytest.approx(1.6)  # one scale on both axes
    for p in answer["points"]:
        assert x0 < p["x"] < x1 and y0 < p["y"] < y1
    curve = np.array([q for line in answer["curve"] for q in line])
    np.testing.assert_allclose(np.hypot(curve[:, 0], curve[:, 1]), 1.0, atol=2e-3)
    assert len(answer["levels"]) == len(answer["contours"]) > 5
    for level, lines in zip(answer["levels"], answer["contours"], strict=True):
        for line in lines:
            pts = np.array(line)
            np.testing.assert_allclose(pts[:, 0] * pts[:, 1], level, atol=5e-3)
    for p in answer["points"]:  # the contour of f through each point: f is f(p) along it
        pts = np.array([q for line in p["touching"] for q in line])
        np.testing.assert_allclose(pts[:, 0] * pts[:, 1], p["value"], atol=5e-3)
    # a window the page keeps (the slider) stays, unless a point leaves it
    kept = view(client, f="x*y", g="x^2 + y^2 = 1", c=0.5, window=[-3, 3, -2, 2])
    assert kept["window"] == [-3, 3, -2, 2]
    moved = view(client, f="x*y", g="x^2 + y^2 = 1", c=9, window=[-1, 1, -1, 1])
    assert all(moved["window"][0] < p["x"] < moved["window"][1] for p in moved["points"])


def test_a_constraint_without_points_is_answered_with_a_message(client):
    answer = view(client, f="x + y", g="x^2 + y^2 = -1")
    assert answer["points"] == [] and answer["curve"] == []
    assert answer["search"] == "none" and answer["note"].startswith("No point found")


def test_a_constant_f_lists_what_the_library_found_and_says_it_may_not_be_all(client):
    answer = view(client, f="1", g="x^2 + y^2 = 1")  # every point of the circle is stationary
    assert 0 < len(answer["points"]) <= 24
    assert answer["search"] == "numeric" and "may not be all" in answer["note"]
    for p in answer["points"]:
        assert p["x"] ** 2 + p["y"] ** 2 == pytest.approx(1.0)
        assert p["kind"] == "unknown" and abs(p["lambda"]) < 1e-9


def test_the_answer_matches_the_library_called_directly(client):
    answer = view(client, f="x^2 y", g="x^2 + y^2 = 3")
    points = mc.lagrange("x**2*y", "x**2 + y**2 - 3", "x,y")
    assert [(p["kind"], p["x"], p["y"], p["value"], p["lambda"]) for p in answer["points"]] == [
        (p.kind, float(p.point["x"]), float(p.point["y"]), float(p.value),
         float(p.multipliers[0])) for p in points]  # fmt: skip
    assert [p["text"]["x"] for p in answer["points"]] == ["-√2", "√2", "0", "0", "-√2", "√2"]


NOT_EQUATIONS = [
    ({"g": "x^2 + y^2 < 1"}, "inequalities are not available"),
    ({"g": "x^2 + y^2 <= 1"}, "inequalities are not available"),
    ({"g": "x = y = 1"}, "two '=' in one equation"),
    ({"g": "x + y = 1, x = y"}, "type one constraint"),
    ({"g": "3 = 1"}, "has neither x nor y"),
    ({"g": "x + z = 1"}, "z is not a variable here"),
    ({"f": "x^2", "g": "x = 1"}, "do not use y"),
]
HOSTILE = ["__import__('os')", "1e999999", "factorial(10**9)", "x" * 201,
           "%$#@!{}[]" * 22, "", "   ", "lambda: 1"]  # fmt: skip
BAD_FIELDS = [
    ({"f": 3}, "f must be a string"),
    ({"g": ["x"]}, "g must be a string"),
    ({"c": "one"}, "c must be a real number"),
    ({"c": True}, "c must be a number"),
    ({"c": None}, "c is required"),
    ({"c": 10.5}, "c must be from -10 to 10"),
    ({"aspect": 0}, "aspect must be from 0.25 to 4"),
    ({"window": [0, 0, 0, 1]}, "xmin < xmax"),
    ({"window": "all"}, "window must be [xmin, xmax, ymin, ymax]"),
    ({"window": [0, 1, 0]}, "window must be [xmin, xmax, ymin, ymax]"),
    ({"window": [0, 1e7, 0, 1]}, "within ±1e6"),
]


@pytest.mark.parametrize(("body", "fragment"), NOT_EQUATIONS + BAD_FIELDS)
def test_bad_fields_get_a_400_naming_the_problem(client, body, fragment):
    response = client.post("/api/lagrange/view", json={"f": "x*y", "g": "x + y = 2", **body})
    assert response.status_code == 400, response.text
    assert fragment in response.json()["error"]


@pytest.mark.parametrize("field", ["f", "g"])
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_refused_with_a_message(client, field, hostile):
    body = {"f": "x*y", "g": "x + y = 2", field: hostile}
    response = client.post("/api/lagrange/view", json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error.startswith(f"{field} ") or error.startswith(f"{field}:"), error


def test_a_costly_expression_is_stopped_with_a_422(client):
    response = client.post("/api/lagrange/view", json={"f": "x**x**x**x**x**x**99", "g": "x+y=1"})
    assert response.status_code == 422
    assert "took longer than the lab's limit" in response.json()["error"]


@pytest.mark.parametrize(
    ("content", "status", "fragment"),
    [
        (b"[]", 400, "must be a JSON object"),
        (b'"x^2"', 400, "must be a JSON object"),
        (b"3", 400, "must be a JSON object"),
        (b"null", 400, "must be a JSON object"),
        (b"{f: x}", 400, "not valid JSON"),
        (b'{"c": NaN}', 400, "not valid JSON"),
        (b'{"f": "' + b"x+" * 2100 + b'x"}', 413, "larger than 4096 bytes"),
    ],
)
def test_bodies_that_are_not_a_small_json_object_are_refused(client, content, status, fragment):
    response = client.post("/api/lagrange/view", content=content,
                           headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == status
    assert fragment in response.json()["error"]


def test_an_unknown_action_is_a_404(client):
    response = client.post("/api/lagrange/solve", json={})
    assert response.status_code == 404 and "no action 'solve'" in response.json()["error"]


SMALL = st.integers(-3, 3)


@settings(max_examples=15, deadline=None)
@given(a=SMALL, b=SMALL, d=SMALL, p=st.integers(1, 3), line=st.booleans(),
       c=st.sampled_from([-0.5, -0.2, 0.0, 0.3, 1.0]))  # fmt: skip
def test_random_problems_answer_points_where_grad_f_is_lambda_grad_g(client, a, b, d, p, line, c):
    """A quadratic f on a line, or a linear f on an ellipse (problems SymPy solves quickly: a
    quadratic f on an ellipse can take it longer than the lab's 5 s)."""
    f = f"{a}*x + {b}*y + {d}*x*y + x^2" if line else f"{a}*x + {b}*y"
    g = f"x + {p}*y = 1" if line else f"x^2 + {p}*y^2 = 2"
    response = client.post("/api/lagrange/view", json={"f": f, "g": g, "c": c})
    assert response.status_code == 200, response.text
    answer = response.json()
    g_py = f"x + {p}*y - 1" if line else f"x**2 + {p}*y**2 - 2"
    if line or (a, b) != (0, 0):  # (f = 0 has ∇f = 0·∇g everywhere: no finite list to compare)
        expected = oracle(f.replace("^", "**"), g_py, c)
        got = sorted((q["x"], q["y"], q["lambda"]) for q in answer["points"])
        np.testing.assert_allclose(np.reshape(got, (-1, 3)), np.reshape(expected, (-1, 3)),
                                   atol=1e-9)  # fmt: skip
    for q in answer["points"]:
        grad_f, grad_g = gradients(f.replace("^", "**"), g_py, q["x"], q["y"])
        np.testing.assert_allclose(grad_f, q["lambda"] * grad_g, atol=1e-7)
        level = float(sympy.sympify(g_py).subs({"x": q["x"], "y": q["y"]}))
        assert level == pytest.approx(c, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet="xy+-*/^()=<1.e ,sqrt", max_size=30), st.booleans())
def test_random_text_never_gives_a_500(client, words, as_f):
    body = {"f": words, "g": "x + y = 1"} if as_f else {"f": "x*y", "g": words}
    response = client.post("/api/lagrange/view", json=body)
    assert response.status_code in (200, 400, 422), response.text
    if response.status_code != 200:
        assert response.json()["error"]


def test_asking_again_is_cached_and_the_time_is_printed(client, capsys):
    body = {"f": "x*y", "g": "x^2 + y^2 = 1", "c": 0.1}
    first = view(client, **body)
    times = []
    for _ in range(30):
        begun = time.perf_counter()
        again = view(client, **body)
        times.append(time.perf_counter() - begun)
        assert again == first
    with capsys.disabled():
        print(f"\nlagrange view, asked again: median {statistics.median(times) * 1e3:.1f} ms, "
              f"slowest {max(times) * 1e3:.1f} ms of {len(times)}")  # fmt: skip


# ------------------------------------------------------------------------------------------
# The page in Chromium
# ------------------------------------------------------------------------------------------


def open_lagrange(browser: Browser, server: str, width: int = 1280, *,
                  mobile: bool = False) -> tuple[Page, list[str]]:  # fmt: skip
    page, errors = open_page(browser, server + "lagrange", width, mobile=mobile)
    expect(page.get_by_test_id("point-2")).to_be_visible(timeout=15_000)
    return page, errors


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    page, errors = open_lagrange(browser, server)
    yield page
    close(page, errors)  # any JavaScript error fails the test


def library(f: str, g: str) -> list[Any]:
    return list(mc.lagrange(f, g, "x,y"))


def shown(v: float, digits: int) -> str:
    """v as the page's fmt writes it: significant digits, a real minus sign."""
    return str(float(f"{v:.{digits}g}")).removesuffix(".0").replace("-", "−")


def test_a_learners_path_by_mouse(page: Page):
    # the first example: x + y on the unit circle, its maximum chosen
    first = library("x + y", "x^2 + y^2 = 1")
    expect(page.get_by_test_id("try")).to_contain_text("Try:")
    expect(page.get_by_test_id("sel-kind")).to_have_text("maximum")
    expect(page.get_by_test_id("sel-lambda")).to_have_text(
        f"√2/2 ≈ {shown(float(first[0].multipliers[0]), 6)}")  # fmt: skip
    expect(page.get_by_test_id("note")).to_contain_text("2 points. SymPy solved")
    expect(page.get_by_test_id("error")).to_have_text("")

    # type f and g, Enter: x²y on x² + y² = 3 has six points
    page.get_by_test_id("f").fill("x^2 y")
    page.get_by_test_id("g").fill("x^2 + y^2 = 3")
    page.get_by_test_id("g").press("Enter")
    expect(page.get_by_test_id("points").locator("tbody tr")).to_have_count(6)
    expect(page.get_by_test_id("constraint")).to_have_text("x^2 + y^2 − 3 = 0")
    points = library("x^2*y", "x^2 + y^2 = 3")
    rows = page.get_by_test_id("points").locator("tbody tr")
    for i, p in enumerate(points):
        cells = rows.nth(i).locator("td")
        expect(cells.nth(5)).to_have_text(p.kind)
        expect(cells.nth(3)).to_have_text(shown(float(p.value), 4))

    # the list: click the fifth point, a minimum; the readings are the library's
    page.get_by_test_id("point-5").click()
    expect(page.get_by_test_id("point-5")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("sel-kind")).to_have_text(points[4].kind)
    expect(page.get_by_test_id("sel-f")).to_have_text(shown(float(points[4].value), 8))
    expect(page.get_by_test_id("sel-point")).to_have_text(
        f"(−√2, −1) ≈ ({shown(float(points[4].point['x']), 5)}, −1)")  # fmt: skip
    lam = float(points[4].multipliers[0])
    expect(page.get_by_test_id("sel-lambda")).to_have_text(shown(lam, 8))
    gx, gy = 2 * float(points[4].point["x"]), 2 * float(points[4].point["y"])
    expect(page.get_by_test_id("sel-gradg")).to_have_text(f"({shown(gx, 4)}, {shown(gy, 4)})")
    expect(page.get_by_test_id("sel-lgradg")).to_have_text(
        f"({shown(lam * gx, 4)}, {shown(lam * gy, 4)})")  # fmt: skip

    # the figure: the chosen dot is the big one; a click next to the second dot chooses it
    figure = page.get_by_test_id("figure")
    dots = figure.locator("circle:has(title)")
    expect(dots).to_have_count(6)
    assert dots.nth(4).get_attribute("r") == "7.5"
    box = dots.nth(1).bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2 + 4, box["y"] + box["height"] / 2 - 3)
    expect(page.get_by_test_id("point-2")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("sel-f")).to_have_text(shown(float(points[1].value), 8))
    assert dots.nth(1).get_attribute("r") == "7.5"
    assert figure.locator("polygon").count() == 2 * 6 - 2  # two arrows a point; ∇f = 0 at two

    # an example with an unclassified point, and the slider for c
    page.get_by_test_id("preset").select_option("circle-cube")
    expect(page.get_by_test_id("points").locator("tbody tr")).to_have_count(4)
    expect(page.get_by_test_id("point-2")).to_have_text("2 ?")
    page.get_by_test_id("point-2").click()
    expect(page.get_by_test_id("sel-kind")).to_have_text("unknown: the test cannot decide")
    expect(page.get_by_test_id("sel-gradf")).to_have_text("(0, 0)")
    page.get_by_test_id("preset").select_option("circle-sum")
    expect(page.get_by_test_id("sel-kind")).to_have_text("maximum")
    page.get_by_test_id("c").fill("0.5")
    expect(page.get_by_test_id("constraint")).to_have_text("x^2 + y^2 − 3/2 = 0")
    moved = library("x + y", "x^2 + y^2 = 3/2")
    assert sympy.sstr(moved[0].value) == "sqrt(3)"
    expect(page.get_by_test_id("sel-f")).to_have_text(f"√3 ≈ {shown(float(moved[0].value), 6)}")
    page.get_by_test_id("preset").select_option("circle-product")
    expect(page.get_by_test_id("points").locator("tbody tr")).to_have_count(4)
    shot(page, "lab-lagrange-desktop")


def test_the_keyboard_path(page: Page):
    page.get_by_test_id("preset").select_option("circle-product")
    expect(page.get_by_test_id("points").locator("tbody tr")).to_have_count(4)
    points = library("x*y", "x^2 + y^2 = 1")
    focused = []
    for _ in range(12):  # Tab from the top reaches the figure, then the list's buttons
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.dataset.testid || ''"))
        if focused[-1] == "figure":
            break
    assert focused[-1] == "figure", focused
    # the cross starts at the middle; right and down by a tenth of the window, then Enter
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    expect(page.get_by_test_id("figure").locator(".cursor")).to_have_count(1)
    page.keyboard.press("Enter")
    lower_right = next(i for i, p in enumerate(points) if p.point["x"] > 0 > p.point["y"])
    chosen = page.get_by_test_id(f"point-{lower_right + 1}")
    expect(chosen).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("sel-point")).to_have_text("(√2/2, −√2/2) ≈ (0.70711, −0.70711)")
    expect(page.get_by_test_id("sel-kind")).to_have_text("minimum")
    # Tab on to the list, Enter chooses
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.testid") == "point-2"
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("point-2")).to_have_attribute("aria-pressed", "true")
    assert sympy.sstr(points[1].multipliers[0]) == "1/2"
    expect(page.get_by_test_id("sel-lambda")).to_have_text("1/2 ≈ 0.5")
    # the slider, by the keyboard: c = 0.1 solves x y on x² + y² = 1.1
    page.get_by_test_id("c").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("constraint")).to_have_text("x^2 + y^2 − 11/10 = 0")
    expect(page.get_by_test_id("sel-f")).to_have_text("11/20 ≈ 0.55")
    # the f field: Enter applies what was typed
    page.get_by_test_id("f").focus()
    page.keyboard.press("Control+a")
    page.keyboard.type("x - y")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("points").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("preset")).to_have_value("")


def test_refusals_are_shown_and_cleared(page: Page):
    page.get_by_test_id("g").fill("x^2 + y^2 < 1")
    page.get_by_test_id("apply").click()
    expect(page.get_by_test_id("error")).to_contain_text("inequalities are not available")
    expect(page.get_by_test_id("note")).to_contain_text("still show the last points")
    page.get_by_test_id("g").fill("x^2 + y^2 = 1, x = y")
    page.get_by_test_id("g").press("Enter")
    expect(page.get_by_test_id("error")).to_contain_text("type one constraint")
    page.get_by_test_id("f").fill("__import__('os')")
    page.get_by_test_id("f").press("Enter")
    expect(page.get_by_test_id("error")).to_contain_text("f: cannot read")
    # a constraint with no real point: no points, and the page says so
    page.get_by_test_id("f").fill("x + y")
    page.get_by_test_id("g").fill("x^2 + y^2 = -1")
    page.get_by_test_id("g").press("Enter")
    expect(page.get_by_test_id("note")).to_contain_text("No point found")
    expect(page.get_by_test_id("error")).to_have_text("")
    expect(page.get_by_test_id("points").locator("tbody tr")).to_have_count(0)
    expect(page.get_by_test_id("sel-kind")).to_have_text("–")
    # the numeric search is named as the library's method, with its caveat
    page.get_by_test_id("preset").select_option("numeric")
    expect(page.get_by_test_id("note")).to_contain_text("may not be all of them")


def test_the_page_at_phone_width(browser: Browser, server: str):
    page, errors = open_lagrange(browser, server, 390, mobile=True)
    try:
        fits(page, 390)
        figure = page.get_by_test_id("figure").bounding_box()
        assert figure is not None and figure["x"] >= 0 and figure["x"] + figure["width"] <= 390
        assert figure["width"] > 340
        page.get_by_test_id("preset").select_option("circle-cube")
        expect(page.get_by_test_id("points").locator("tbody tr")).to_have_count(4)
        page.get_by_test_id("point-3").tap()
        expect(page.get_by_test_id("sel-kind")).to_have_text("unknown: the test cannot decide")
        fits(page, 390)
        table = page.get_by_test_id("points").bounding_box()
        assert table is not None and table["x"] + table["width"] <= 390
        shot(page, "lab-lagrange-phone")
    finally:
        page.context.close()
    assert errors == [], errors
