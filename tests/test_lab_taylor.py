"""The lab's taylor page: its API through Starlette's TestClient, checked against oracles that do
not go through the server (SymPy's own series and derivatives, mpmath in 30 digits, and
mc.taylor called directly), and the page itself in Debian's Chromium driven by Playwright.

Screenshots go to ``out/screenshots/lab-taylor-*.png``.
"""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Iterator
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page, expect
from starlette.testclient import TestClient

import mvcalc as mc
from browser import close, fits, open_page, shot
from mvcalc.lab.server import create_app

PORT = 8000
X = sympy.Symbol("x")


@pytest.fixture(scope="module")
def api() -> TestClient:
    return TestClient(create_app(port=PORT), base_url=f"http://127.0.0.1:{PORT}")


def view(api: TestClient, **body: Any) -> dict[str, Any]:
    response = api.post("/api/taylor/view", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def oracle(text: str, x0: sympy.Rational, order: int) -> sympy.Expr:
    """Pₙ by SymPy's own series (text read by SymPy, not by mvcalc's parser)."""
    f = sympy.sympify(text, locals={"x": X})
    return sympy.series(f, X, x0, order + 1).removeO()


def true_max_error(text: str, x0: sympy.Rational, order: int, r: float) -> float:
    """max |f − Pₙ| over [x₀ − r, x₀ + r], in 30 digits at 2001 points and the ends."""
    f = sympy.sympify(text, locals={"x": X})
    p = oracle(text, x0, order)
    fm = sympy.lambdify(X, f, "mpmath")
    pm = sympy.lambdify(X, p, "mpmath")
    with mpmath.workdps(30):
        a = mpmath.mpf(x0.p) / x0.q
        points = [a - r + 2 * mpmath.mpf(r) * i / 2000 for i in range(2001)]
        return float(max(abs(fm(t) - pm(t)) for t in points))


def grid_lagrange(text: str, x0: float, order: int, r: float) -> float:
    """max |f⁽ⁿ⁺¹⁾| on a grid of the interval · rⁿ⁺¹/(n+1)!: what a tight bound is near."""
    f = sympy.sympify(text, locals={"x": X})
    d = sympy.lambdify(X, sympy.diff(f, X, order + 1), "numpy")
    ts = np.linspace(x0 - r, x0 + r, 4001)
    top = float(np.max(np.abs(np.asarray(d(ts), dtype=float) * np.ones_like(ts))))
    return top * r ** (order + 1) / math.factorial(order + 1)


# ------------------------------------------------------------------------------------------
# The API
# ------------------------------------------------------------------------------------------

CASES = [
    ("sin(x)", 0.0, 0, 1.0),
    ("sin(x)", 0.5, 10, 1.5),
    ("exp(x)", 0.0, 3, 1.0),
    ("exp(x)", -1.0, 10, 2.0),
    ("log(1+x)", 0.0, 3, 0.5),
    ("log(1+x)", 0.25, 10, 0.5),
    ("1/(1+x^2)", 0.0, 10, 0.5),
    ("1/(1+x^2)", 0.5, 0, 1.0),
    ("sqrt(x)", 1.0, 3, 0.5),
    ("sqrt(x)", 1.0, 10, 0.75),
]


@pytest.mark.parametrize(("f", "x0", "order", "r"), CASES)
def test_the_bound_holds_and_is_tight(api: TestClient, f: str, x0: float, order: int,
                                      r: float) -> None:  # fmt: skip
    answer = view(api, f=f, x0=x0, order=order, r=r, lo=-3, hi=3)
    exact = sympy.Rational(str(x0))
    truth = true_max_error(f.replace("^", "**"), exact, order, r)
    b = answer["bound"]
    assert b["rigorous"] is True
    assert b["interval"] == [x0 - r, x0 + r]
    assert b["value"] >= truth  # the bound is never below the true error
    grid = grid_lagrange(f.replace("^", "**"), x0, order, r)
    assert grid * (1 - 1e-9) <= b["value"] <= grid * 1.05  # and it is Lagrange's, tightly
    assert b["actual"] == pytest.approx(truth, rel=1e-3, abs=1e-14)
    # Pₙ as drawn, and its coefficients, against SymPy's series and derivatives
    p = sympy.lambdify(X, oracle(f.replace("^", "**"), exact, order), "numpy")
    xs = np.array(answer["xs"])
    inside = np.abs(xs - x0) <= r
    assert np.allclose(np.array(answer["px"])[inside], p(xs[inside]), rtol=1e-6, atol=1e-9)
    g = sympy.sympify(f.replace("^", "**"), locals={"x": X})
    expected = [float(sympy.diff(g, X, k).subs(X, exact) / sympy.factorial(k))
                for k in range(order + 1)]  # fmt: skip
    assert answer["coefficients"] == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert answer["x0"] == x0 and answer["order"] == order


def test_the_answer_matches_the_library_called_directly(api: TestClient) -> None:
    answer = view(api, f="exp(x) * cos(x)", x0=0.4, order=6, r=0.8)
    series = mc.taylor("exp(x)*cos(x)", sympy.Rational(2, 5), 6)
    bound = series.remainder_bound(0.4 - 0.8, 0.4 + 0.8)
    assert answer["bound"]["value"] == bound.bound  # sent unrounded
    assert answer["bound"]["derivative"] == bound.derivative_bound
    assert answer["fx0"] == pytest.approx(series.value, rel=1e-6)
    assert answer["polynomial"] == sympy.sstr(series.centered_polynomial).replace("**", "^")
    assert answer["x0_exact"] == "2/5"


def test_x0_is_rounded_to_a_short_fraction(api: TestClient) -> None:
    answer = view(api, f="x^2", x0=0.12345, order=1)
    assert (answer["x0"], answer["x0_exact"]) == (0.123, "123/1000")
    assert answer["coefficients"] == pytest.approx([0.123**2, 2 * 0.123], rel=1e-15)


def test_no_finite_bound_across_a_pole_or_a_kink(api: TestClient) -> None:
    pole = view(api, f="1/(1-x)", x0=0.5, order=2, r=0.75)  # the interval holds x = 1
    assert pole["bound"]["value"] is None and pole["bound"]["derivative"] is None
    kink = view(api, f="abs(x)", x0=0.5, order=1, r=1)  # f'' = 2 δ(x) on [−0.5, 1.5]
    assert kink["bound"]["value"] is None
    smooth = view(api, f="abs(x)", x0=0.5, order=1, r=0.25)  # no kink inside: f − P₁ = 0
    assert smooth["bound"]["value"] is not None and smooth["bound"]["value"] < 1e-250
    on = [e for x, e in zip(smooth["xs"], smooth["err"], strict=True) if 0.25 <= x <= 0.75]
    assert on and max(on) == 0


@pytest.mark.parametrize(
    ("f", "x0", "kind", "radius"),
    [
        ("1/(1-x)", 0, "finite", 1.0),
        ("1/(1+x^2)", 0, "finite", 1.0),
        ("log(x)", 2, "finite", 2.0),
        ("log(1+x)", 0.5, "finite", 1.5),
        ("sqrt(x+2)", 0.5, "finite", 2.5),
        ("exp(x)", 0, "infinite", None),
        ("sin(x)", 0.5, "infinite", None),
        ("sqrt(x)", 0, "none", None),  # a branch point: no Taylor series at all
        ("abs(x)", 0, "none", None),
        ("log(x)", -1, "none", None),  # not even defined there
    ],
)
def test_the_radius_of_convergence(api: TestClient, f: str, x0: float, kind: str,
                                   radius: float | None) -> None:  # fmt: skip
    response = api.post("/api/taylor/radius", json={"f": f, "x0": x0})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["kind"] == kind, answer
    if radius is None:
        assert answer["radius"] is None
    else:
        assert answer["radius"] == pytest.approx(radius, rel=2e-3)
    assert answer["message"]


def test_an_unsteady_radius_is_not_shown(api: TestClient) -> None:
    # 1/(1 + x²) about 1.25: the singularities ±i are |1.25 ± i| = 1.60 away; the root test
    # on 40 terms says 1.12, on 60 terms 1.53, so the page says it does not know
    truth = math.hypot(1.25, 1.0)
    direct = [mc.taylor("1/(1+x^2)", sympy.Rational(5, 4), 0).radius_of_convergence(n)
              for n in (40, 60)]  # fmt: skip
    assert abs(direct[0] - direct[1]) > 0.02 * direct[0] and abs(direct[0] - truth) > 0.1
    answer = api.post("/api/taylor/radius", json={"f": "1/(1+x^2)", "x0": 1.25}).json()
    assert answer["kind"] == "unknown" and answer["radius"] is None
    assert "disagrees" in answer["message"]


BAD = [
    ({"f": "__import__('os')"}, "cannot read"),
    ({"f": "1e999999"}, "too large"),
    ({"f": "factorial(10**9)"}, "not a function mvcalc knows"),
    ({"f": "x**x**x**x**x**x**99"}, "not differentiable"),
    ({"f": "!@#$%^&*" * 25}, "cannot read"),  # 200 characters of junk
    ({"f": "x+" * 100 + "x"}, "longer than 200"),
    ({"f": "q" * 200}, "at most 32"),
    ({"f": ")(" * 100}, "cannot read"),
    ({"f": 3}, "f must be a string"),
    ({"f": ""}, "f is empty"),
    ({"f": "x*y"}, "y is not a variable"),
    ({"f": "log(x)", "x0": -1}, "not real"),
    ({"f": "sin(x)/x", "x0": 0}, "not differentiable"),
    ({"x0": "one"}, "x0"),
    ({"x0": None}, "x0 is required"),
    ({"x0": True}, "x0 must be a number"),
    ({"x0": [1]}, "x0"),
    ({"x0": 5}, "x0 must be from -3 to 3"),
    ({"order": 11}, "order"),
    ({"order": -1}, "order"),
    ({"order": 2.5}, "order"),
    ({"order": "3"}, "order"),
    ({"order": False}, "order must be an integer"),
    ({"r": 0}, "r must be from 0.01 to 10"),
    ({"r": 1e300}, "r must be from"),
    ({"r": {"a": 1}}, "r"),
    ({"lo": 2, "hi": 1}, "hi − lo"),
    ({"lo": -1e9}, "lo must be from"),
    ({"hi": "3"}, "hi"),
]


@pytest.mark.parametrize(("body", "words"), BAD)
def test_bad_input_to_view_is_refused_with_a_reason(api: TestClient, body: dict[str, Any],
                                                    words: str) -> None:  # fmt: skip
    response = api.post("/api/taylor/view", json=body)
    assert response.status_code == 400, response.text
    assert words in response.json()["error"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"f": "__import__('os')"}, "cannot read"),
        ({"f": "factorial(10**9)"}, "not a function mvcalc knows"),
        ({"f": 7}, "f must be a string"),
        ({"x0": 1e9}, "x0 must be from -100 to 100"),
        ({"x0": "2"}, "x0"),
    ],
)
def test_bad_input_to_radius_is_refused_with_a_reason(api: TestClient, body: dict[str, Any],
                                                      words: str) -> None:  # fmt: skip
    response = api.post("/api/taylor/radius", json=body)
    assert response.status_code == 400, response.text
    assert words in response.json()["error"]


@pytest.mark.parametrize("action", ["view", "radius"])
@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"[]", "must be a JSON object"),
        (b'"sin(x)"', "must be a JSON object"),
        (b"3", "must be a JSON object"),
        (b"{", "not valid JSON"),
        (b'{"x0": NaN}', "not a number"),
        (b'{"f": "x", "x0": Infinity}', "not a number"),
    ],
)
def test_bodies_that_are_not_json_objects_are_refused(api: TestClient, action: str, raw: bytes,
                                                      words: str) -> None:  # fmt: skip
    response = api.post(f"/api/taylor/{action}", content=raw,
                        headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 400
    assert words in response.json()["error"]


def test_work_beyond_the_time_limit_is_a_422(api: TestClient) -> None:
    response = api.post(
        "/api/taylor/view", json={"f": "exp(exp(exp(exp(exp(exp(x))))))", "order": 10}
    )
    assert response.status_code == 422
    assert "longer than the lab's limit" in response.json()["error"]
    assert view(api, f="sin(x)")["bound"]["value"] > 0  # and the lab works on


EXAMPLES = ["sin(x)", "exp(x)", "log(1 + x)", "sqrt(x + 4)", "1/(1 - x)", "x^3 - 2x", "abs(x)",
            "cos(x) * x", "atan(x)"]  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    f=st.sampled_from(EXAMPLES),
    x0=st.floats(-3, 3),
    order=st.integers(0, 10),
    r=st.floats(0.01, 3),
)
def test_random_settings_give_a_bound_or_a_reason(api: TestClient, f: str, x0: float,
                                                  order: int, r: float) -> None:  # fmt: skip
    response = api.post("/api/taylor/view", json={"f": f, "x0": x0, "order": order, "r": r})
    assert response.status_code in (200, 400), response.text
    answer = response.json()
    if response.status_code == 400:
        assert answer["error"]
        return
    b = answer["bound"]
    if b["value"] is not None and b["actual"] is not None:
        scale = max([1.0] + [abs(v) for v in answer["fx"] if v is not None])
        assert b["actual"] <= b["value"] * (1 + 1e-9) + 1e-12 * scale  # beyond it: rounding


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.dictionaries(
        st.sampled_from(["f", "x0", "order", "r", "lo", "hi", "other"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(-(10**6), 10**6),
            st.floats(allow_nan=False, allow_infinity=False),
            st.text(max_size=40),
            st.lists(st.integers(), max_size=3),
        ),
    ),
    action=st.sampled_from(["view", "radius"]),
)
def test_random_bodies_never_break_the_server(api: TestClient, body: dict[str, Any],
                                              action: str) -> None:  # fmt: skip
    response = api.post(f"/api/taylor/{action}", json=body)
    assert response.status_code in (200, 400, 422), response.text
    if response.status_code != 200:
        assert response.json()["error"]


def test_how_long_an_interaction_takes(api: TestClient) -> None:
    """Printed, not asserted: the time of a view request after warm-up."""
    body = {"f": "log(1 + x)", "x0": 0.0, "order": 3, "r": 0.5}
    for _ in range(3):
        view(api, **body)
    again, dragged, ordered = [], [], []
    for i in range(15):
        begun = time.perf_counter()
        view(api, **body)
        again.append(time.perf_counter() - begun)
        begun = time.perf_counter()
        view(api, **{**body, "x0": round(0.05 * (i + 1), 2)})
        dragged.append(time.perf_counter() - begun)
    for n in range(11):
        begun = time.perf_counter()
        view(api, **{**body, "x0": 1.0, "order": n})
        ordered.append(time.perf_counter() - begun)
    for name, times in (("same settings (cached)", again), ("a new x0", dragged),
                        ("a new order", ordered)):  # fmt: skip
        ms = sorted(1e3 * t for t in times)
        print(f"taylor view, {name}: median {statistics.median(ms):.1f} ms, max {ms[-1]:.1f} ms")
    assert len(again) == len(dragged) == 15


# ------------------------------------------------------------------------------------------
# The page in Chromium
# ------------------------------------------------------------------------------------------


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    page, errors = open_page(browser, server + "taylor")
    yield page
    close(page, errors)  # any JavaScript error fails the test


def shown_bound(page: Page) -> float:
    """The number the bound readout starts with."""
    return float(page.get_by_test_id("bound").inner_text().split()[0])


def expect_bound(page: Page, f: str, x0: sympy.Rational, order: int, r: float) -> None:
    """The readout shows the library's bound, rounded up to 4 digits."""
    true = mc.taylor(f, x0, order).remainder_bound(float(x0) - r, float(x0) + r).bound
    ends = rf"\[{re.escape(fmt(float(x0) - r))},\s{re.escape(fmt(float(x0) + r))}\]"
    expect(page.get_by_test_id("bound")).to_have_text(re.compile(rf"^\S+\son\s{ends}$"))
    for _ in range(50):  # the readout may still show the last answer for a moment
        if true * (1 - 1e-12) <= shown_bound(page) <= true * (1 + 1e-3):
            break
        page.wait_for_timeout(100)
    assert true * (1 - 1e-12) <= shown_bound(page) <= true * (1 + 1e-3), (shown_bound(page), true)


def fmt(v: float) -> str:
    """A short number as the page writes it (Lab.fmt with 4 digits, − for minus)."""
    text = f"{float(f'{v:.4g}'):g}"
    return text.replace("-", "−")


def figure_point(page: Page, x: float, lo: float = -3, hi: float = 3) -> tuple[float, float]:
    """Where on the screen the figure shows x (at mid-height), read from its frame."""
    figure = page.get_by_test_id("figure")
    box = figure.bounding_box()
    assert box is not None
    left, inner, width = figure.evaluate(
        """s => { const f = s.querySelector("rect.frame");
                  return [f.x.baseVal.value, f.width.baseVal.value, s.viewBox.baseVal.width]; }"""
    )
    scale = box["width"] / width
    return box["x"] + (left + (x - lo) / (hi - lo) * inner) * scale, box["y"] + box["height"] / 2


def test_a_learner_types_sets_the_order_and_drags(page: Page) -> None:
    expect(page.get_by_test_id("try")).to_contain_text("Try:")
    expect(page.get_by_test_id("error")).to_have_text("")
    expect_bound(page, "log(1+x)", sympy.Integer(0), 3, 0.5)
    expect(page.get_by_test_id("convergence")).to_have_text("≈ 1", timeout=10_000)
    assert page.locator("#curve path.series").count() >= 2  # f and Pₙ are drawn

    # type a function and press Enter
    page.get_by_test_id("expression").fill("exp(x)")
    page.get_by_test_id("expression").press("Enter")
    expect_bound(page, "exp(x)", sympy.Integer(0), 3, 0.5)
    expect(page.get_by_test_id("polynomial")).to_have_text("P₃(x) = 1 + x + 0.5x² + 0.1667x³")
    expect(page.get_by_test_id("convergence")).to_have_text("∞", timeout=10_000)

    # the order, by the keyboard
    page.get_by_test_id("order").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#order-out")).to_have_text("5")
    expect_bound(page, "exp(x)", sympy.Integer(0), 5, 0.5)

    # drag x0 from 0 to 1.5 on the figure
    page.mouse.move(*figure_point(page, 0.0))
    page.mouse.down()
    for x in (0.5, 1.0, 1.5):
        page.mouse.move(*figure_point(page, x), steps=3)
    page.mouse.up()
    expect(page.get_by_test_id("x0-used")).to_have_text("1.5 = 3/2")
    expect_bound(page, "exp(x)", sympy.Rational(3, 2), 5, 0.5)
    expect(page.get_by_test_id("bound-kind")).to_have_text("rigorous")
    expect(page.get_by_test_id("error")).to_have_text("")
    shot(page, "lab-taylor-drag", full_page=False)


def test_the_keyboard_reaches_everything(page: Page) -> None:
    expect(page.get_by_test_id("convergence")).to_have_text("≈ 1", timeout=10_000)
    page.get_by_role("link", name="← mvcalc lab").focus()
    page.keyboard.press("Tab")
    focused = "document.activeElement.dataset.testid"
    assert page.evaluate(focused) == "figure"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.get_by_test_id("x0-used")).to_have_text("0.6 = 3/5")
    expect_bound(page, "log(1+x)", sympy.Rational(3, 5), 3, 0.5)
    order = []
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(page.evaluate(focused))
    assert order == ["expression", "x0", "order", "radius", "lo", "hi"]
    # the half-width slider: End is its largest value, 3
    page.get_by_test_id("radius").focus()
    page.keyboard.press("End")
    expect(page.locator("#radius-out")).to_have_text("3")
    expect(page.get_by_test_id("bound")).to_have_text("∞ on [−2.4, 3.6]")  # x = −1 is inside
    expect(page.get_by_test_id("bound-note")).to_contain_text("No finite bound")
    # the plot's range, typed, with Enter: the x0 slider follows it
    page.get_by_test_id("hi").fill("8")
    page.get_by_test_id("hi").press("Enter")
    expect(page.get_by_test_id("x0")).to_have_attribute("max", "8")
    page.get_by_test_id("x0").focus()
    page.keyboard.press("End")
    expect(page.get_by_test_id("x0-used")).to_have_text("8")
    expect(page.get_by_test_id("bound")).to_contain_text(re.compile(r"^[0-9.e-]+\son\s\[5,\s11\]$"))


def test_a_refused_expression_is_explained_then_cleared(page: Page) -> None:
    error = page.get_by_test_id("error")
    expect_bound(page, "log(1+x)", sympy.Integer(0), 3, 0.5)
    field = page.get_by_test_id("expression")
    field.fill("sin(x")
    field.press("Enter")
    expect(error).to_contain_text("never closed")
    expect(page.get_by_test_id("bound")).to_have_text("–")
    field.fill("__import__('os')")
    field.press("Enter")
    expect(error).to_contain_text("cannot read")
    field.fill("sin(x)/x")  # read, but with no Taylor series about 0
    field.press("Enter")
    expect(error).to_contain_text("not differentiable")
    field.fill("sin(x)")
    field.press("Enter")
    expect(error).to_have_text("")
    expect_bound(page, "sin(x)", sympy.Integer(0), 3, 0.5)


def test_the_page_on_a_phone(browser: Browser, server: str) -> None:
    page, errors = open_page(browser, server + "taylor", 390, mobile=True)
    expect_bound(page, "log(1+x)", sympy.Integer(0), 3, 0.5)
    expect(page.get_by_test_id("convergence")).to_have_text("≈ 1", timeout=10_000)
    fits(page, 390)
    for testid in ("figure", "errors"):
        box = page.get_by_test_id(testid).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert box["width"] > 300
    # a tap on the figure moves x0
    page.get_by_test_id("figure").tap(position=tap_position(page, 1.0))
    expect(page.get_by_test_id("x0-used")).to_have_text("1")
    expect_bound(page, "log(1+x)", sympy.Integer(1), 3, 0.5)
    expect(page.get_by_test_id("convergence")).to_have_text("≈ 2", timeout=10_000)
    fits(page, 390)
    shot(page, "lab-taylor-phone")
    close(page, errors)


def tap_position(page: Page, x: float) -> dict[str, float]:
    """Playwright's position (from the figure's corner) of x at mid-height."""
    X, Y = figure_point(page, x)
    box = page.get_by_test_id("figure").bounding_box()
    assert box is not None
    return {"x": X - box["x"], "y": Y - box["y"]}


def test_the_desktop_screenshot(page: Page) -> None:
    page.get_by_test_id("expression").fill("1/(1+x^2)")
    page.get_by_test_id("expression").press("Enter")
    page.get_by_test_id("order").fill("8")
    expect(page.locator("#order-out")).to_have_text("8")
    expect_bound(page, "1/(1+x^2)", sympy.Integer(0), 8, 0.5)
    expect(page.get_by_test_id("convergence")).to_have_text("≈ 1", timeout=10_000)
    # f, Pₙ, the band Pₙ ± bound, and x₀ ± R = ±1 as two dotted lines, each named in the legend
    for colour, count in (("--c1", 1), ("--c2", 1), ("--c3", 2), ("--c4", 2)):
        assert page.locator(f'#curve path.series[stroke="var({colour})"]').count() == count
    expect(page.locator("#curve text.legend")).to_have_text(["f", "P₈", "P₈ ± bound", "x₀ ± R"])
    fits(page, 1280)
    shot(page, "lab-taylor-desktop")
