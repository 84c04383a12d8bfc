"""The lab's heights page: its API checked against independent computations, and the page itself
in Debian's Chromium.

The oracles: χ² and the Gaussian by the NumPy formula written out here, the fit's end point by
:func:`scipy.optimize.curve_fit`, and each path by :func:`mvcalc.fit` called directly with the
same arguments (a different path than the server's worker and JSON). Screenshots go to
``out/screenshots/lab-heights-*.png``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page, expect
from scipy.optimize import curve_fit
from starlette.testclient import TestClient

import mvcalc as mc
from browser import close, fits, open_page, shot
from mvcalc.lab.server import create_app
from mvcalc.results import STATUSES

PORT = 8000
BASE = f"http://127.0.0.1:{PORT}"
METHODS = ("steepest-descent", "gauss-newton", "levenberg-marquardt")
X, Y = mc.datasets.heights()
# the course's frequencies (per bin of 2.5 cm, from 160 cm), as its assignment gives them
FREQUENCIES = [0.031, 0.013, 0.023, 0.064, 0.065, 0.126, 0.132, 0.127, 0.113, 0.091, 0.105,
               0.050, 0.018, 0.018, 0.018, 0.001, 0.0]  # fmt: skip


def normal(x: Any, mu: float, sigma: float) -> Any:
    """The normal density, written out here (not mvcalc's)."""
    return np.exp(-((np.asarray(x) - mu) ** 2) / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi))


def chi2_numpy(mu: float, sigma: float) -> float:
    """χ² = Σ (y − f)², the NumPy formula on the data."""
    return float(np.sum((Y - normal(X, mu, sigma)) ** 2))


def fit_directly(mu0: float, sigma0: float, method: str, aggression: float = 2000.0,
                 steps: int = 200) -> mc.FitResult:  # fmt: skip
    """mvcalc.fit with the arguments the page's paths action uses."""
    if method == "steepest-descent":
        return mc.fit(mc.gaussian, X, Y, [mu0, sigma0], method=method, aggression=aggression,
                      max_iter=steps, max_nfev=2 * steps + 2)  # fmt: skip
    return mc.fit(mc.gaussian, X, Y, [mu0, sigma0], method=method, max_iter=100)


# ------------------------------------------------------------------------------------------
# The API, through Starlette's TestClient
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api() -> Iterator[TestClient]:
    with TestClient(create_app(port=PORT), base_url=BASE) as client:
        yield client


def post(api: TestClient, action: str, body: Any) -> Any:
    response = api.post(f"/api/heights/{action}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_landscape_is_the_courses_data_and_contours_of_chi2(api):
    world = post(api, "landscape", {})
    x, y = np.array(world["x"]), np.array(world["y"])
    assert x.shape == (100,) and world["width"] == 2.5
    assert np.allclose(x, 51.25 + 2.5 * np.arange(100))
    # the non-empty bins are the course's frequencies, normalised to unit area
    frequencies = np.array(FREQUENCIES)
    assert np.allclose(y[44:61], frequencies / (frequencies.sum() * 2.5), rtol=1e-6)
    assert np.all(y[:44] == 0) and np.all(y[61:] == 0)
    assert world["window"] == [140.0, 220.0, 2.0, 30.0]
    assert world["start"] == [155.0, 6.0] and world["aggression"] == 2000.0
    levels = np.array(world["levels"])
    ratios = levels[1:] / levels[:-1]
    assert len(levels) == 16 and np.allclose(ratios, ratios[0], rtol=1e-5)  # evenly in log χ²
    # the grid's lowest χ² is above the best fit's, and near it
    best = chi2_numpy(178.5198, 7.5499)
    assert best <= world["lowest"] < 1.1 * best and levels[0] > world["lowest"]
    # every contour point has χ² (by the NumPy formula) at its level, to the grid's accuracy
    checked = 0
    for level, lines in zip(levels, world["contours"], strict=True):
        assert lines, level
        for line in lines:
            for mu, sigma in line[::5]:
                assert 140 <= mu <= 220 and 2 <= sigma <= 30
                assert chi2_numpy(mu, sigma) == pytest.approx(level, rel=0.05)
                checked += 1
    assert checked > 100


@pytest.mark.parametrize("mu, sigma", [(155, 6), (178.5, 7.55), (140, 2), (220, 30), (-999, 0.001),
                                       (1000, 1000), (0.5, 3e-3)])  # fmt: skip
def test_chi2_and_the_gaussian_match_the_numpy_formula(api, mu, sigma):
    answer = post(api, "chi2", {"mu": mu, "sigma": sigma})
    assert answer["mu"] == mu and answer["sigma"] == sigma
    assert answer["chi2"] == pytest.approx(chi2_numpy(mu, sigma), rel=1e-12)
    xs = np.array(answer["xs"])
    assert xs[0] == 130 and xs[-1] == 230 and xs.size == 401
    with np.errstate(under="ignore"):
        assert np.allclose(answer["ys"], normal(xs, mu, sigma), rtol=1e-6, atol=1e-300)
        assert np.allclose(answer["at_bins"], normal(X, mu, sigma), rtol=1e-6, atol=1e-300)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mu=st.floats(-1000, 1000), sigma=st.floats(1e-3, 1000))
def test_chi2_for_any_valid_mu_and_sigma(api, mu, sigma):
    answer = post(api, "chi2", {"mu": mu, "sigma": sigma})
    assert answer["chi2"] == pytest.approx(chi2_numpy(mu, sigma), rel=1e-10, abs=1e-300)


def test_the_fits_end_where_scipys_curve_fit_does(api):
    reference, _ = curve_fit(normal, X, Y, p0=[155, 6])
    answer = post(api, "paths", {"mu0": 155, "sigma0": 6})
    assert answer["start"] == [155, 6] and answer["chi2"] == pytest.approx(chi2_numpy(155, 6))
    assert answer["aggression"] == 2000 and answer["steps"] == 200
    for method in METHODS:
        result = answer["methods"][method]
        assert result["status"] == "converged" and result["converged"] is True, result
        assert result["params"] == pytest.approx(reference, rel=1e-6), method
        assert result["chi2"] == pytest.approx(chi2_numpy(*reference), rel=1e-6)
        assert result["path"][0] == [155, 6] and result["path"][-1] == pytest.approx(
            result["params"], rel=1e-8
        )
        assert len(result["path"]) == result["nit"] + 1


@pytest.mark.parametrize(
    "body",
    [
        {"mu0": 155, "sigma0": 6, "steps": 50},  # the course's run: not yet stationary
        {"mu0": 147, "sigma0": 7.5},
        {"mu0": 200, "sigma0": 25, "aggression": 5000},  # zig-zags
        {"mu0": 150, "sigma0": 3, "aggression": 30, "steps": 500},  # crawls
        {"mu0": 170, "sigma0": 4, "aggression": 1e6, "steps": 20},  # runs off
        {"mu0": 130, "sigma0": 0.5},  # Gauss–Newton shrinks σ onto the plain where f misses y
        {"mu0": 400, "sigma0": 1},  # f underflows at every bin: no derivative
        {"mu0": 177.5, "sigma0": 0.02},
    ],
)
def test_each_path_is_mvcalc_fits(api, body):
    answer = post(api, "paths", body)
    mu0, sigma0 = body["mu0"], body["sigma0"]
    for method in METHODS:
        shown = answer["methods"][method]
        direct = fit_directly(mu0, sigma0, method, body.get("aggression", 2000.0),
                              body.get("steps", 200))  # fmt: skip
        assert shown["status"] == direct.status and shown["message"] == direct.message
        assert shown["converged"] is bool(direct.converged) and shown["nit"] == direct.nit
        assert shown["nfev"] == direct.nfev
        assert np.allclose(shown["path"], direct.path, rtol=1e-8, atol=0)
        assert shown["params"] == pytest.approx(direct.params, rel=1e-15)
        assert shown["chi2"] == pytest.approx(chi2_numpy(*direct.params), rel=1e-9)
    if body["mu0"] == 400 or body["sigma0"] == 0.02:  # the model underflows: the library's status
        assert {answer["methods"][m]["status"] for m in METHODS} == {"zero-derivative"}
    if body.get("steps") == 50:
        sd = answer["methods"]["steepest-descent"]
        assert sd["status"] == "max-iter" and sd["nit"] == 50
        assert sd["params"] == pytest.approx([178.52, 7.55], abs=0.01)  # the course's numbers


def test_a_long_answer_stays_small(api):
    response = api.post("/api/heights/paths", json={"mu0": 150, "sigma0": 3, "aggression": 30,
                                                    "steps": 500})  # fmt: skip
    assert response.status_code == 200
    assert len(response.json()["methods"]["steepest-descent"]["path"]) == 501
    assert len(response.content) < 40_000
    assert len(api.post("/api/heights/chi2", json={"mu": 170, "sigma": 5}).content) < 12_000


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mu0=st.floats(-1000, 1000),
    sigma0=st.floats(1e-3, 1000),
    aggression=st.floats(1, 1e6),
    steps=st.integers(1, 60),
)
def test_any_valid_start_gives_the_librarys_answer_never_an_error(api, mu0, sigma0, aggression,
                                                                  steps):  # fmt: skip
    body = {"mu0": mu0, "sigma0": sigma0, "aggression": aggression, "steps": steps}
    response = api.post("/api/heights/paths", json=body)
    assert response.status_code == 200, response.text
    for method, shown in response.json()["methods"].items():
        assert shown["status"] in STATUSES
        assert shown["converged"] is (shown["status"] == "converged")
        assert shown["nit"] <= (steps if method == "steepest-descent" else 100)
        assert all(v is not None for point in shown["path"] for v in point)


HOSTILE = ["__import__('os')", "x**x**x**x**x**x**99", "1e999999", "factorial(10**9)",
           "#" * 200 + "])}{(["]  # fmt: skip

BAD = [
    ("chi2", {"mu": 170, "sigma": 0}, "sigma must be positive"),
    ("chi2", {"mu": 170, "sigma": -3}, "sigma must be positive"),
    ("chi2", {"mu": 170, "sigma": 1e308}, "sigma must be at most 1000"),
    ("chi2", {"mu": 1e9, "sigma": 5}, "mu must be from -1000 to 1000"),
    ("chi2", {"mu": "170", "sigma": 5}, "mu must be a real number"),
    ("chi2", {"mu": True, "sigma": 5}, "mu must be a number"),
    ("chi2", {"mu": None, "sigma": 5}, "mu is required"),
    ("chi2", {"mu": [170], "sigma": 5}, "mu must be a real number"),
    ("chi2", {"mu": 170, "sigma": {"value": 5}}, "sigma must be a real number"),
    ("paths", {"mu0": 155, "sigma0": 0}, "sigma0 must be positive"),
    ("paths", {"mu0": 155, "sigma0": -6}, "sigma0 must be positive"),
    ("paths", {"mu0": -1e6, "sigma0": 6}, "mu0 must be from -1000 to 1000"),
    ("paths", {"mu0": 155, "sigma0": 6, "aggression": 0}, "aggression must be from 1 to"),
    ("paths", {"mu0": 155, "sigma0": 6, "aggression": -2000}, "aggression must be from 1 to"),
    ("paths", {"mu0": 155, "sigma0": 6, "aggression": 1e7}, "aggression must be from 1 to"),
    ("paths", {"mu0": 155, "sigma0": 6, "aggression": "2000"}, "aggression must be a real"),
    ("paths", {"mu0": 155, "sigma0": 6, "steps": 0}, "steps must be an integer from 1 to 500"),
    ("paths", {"mu0": 155, "sigma0": 6, "steps": 501}, "steps must be an integer from 1 to 500"),
    ("paths", {"mu0": 155, "sigma0": 6, "steps": 2.5}, "steps must be an integer"),
    ("paths", {"mu0": 155, "sigma0": 6, "steps": True}, "steps must be an integer"),
    ("paths", {"mu0": 155, "sigma0": 6, "steps": 10**30}, "steps must be an integer from 1"),
    *[("chi2", {"mu": h, "sigma": 5}, "mu must be a real number") for h in HOSTILE],
    *[("paths", {"mu0": 155, "sigma0": h}, "sigma0 must be a real number") for h in HOSTILE],
]


@pytest.mark.parametrize("action, body, fragment", BAD)
def test_bad_fields_are_refused_with_a_message_naming_them(api, action, body, fragment):
    response = api.post(f"/api/heights/{action}", json=body)
    assert response.status_code == 400, response.text
    assert fragment in response.json()["error"]


@pytest.mark.parametrize(
    "action, content, status, fragment",
    [
        ("chi2", b'{"mu": NaN, "sigma": 5}', 400, "NaN is not a number"),
        ("paths", b'{"mu0": 155, "sigma0": Infinity}', 400, "Infinity is not a number"),
        ("chi2", b'{"mu": 1e999, "sigma": 5}', 400, "mu must be finite"),
        ("paths", b'{"mu0": 155, "sigma0": -1e999}', 400, "sigma0 must be finite"),
        ("chi2", b"[155, 6]", 400, "must be a JSON object"),
        ("paths", b'"mu0=155"', 400, "must be a JSON object"),
        ("landscape", b"3", 400, "must be a JSON object"),
        ("landscape", b"null", 400, "must be a JSON object"),
        ("chi2", b'{"mu": 155, "sigma": ', 400, "not valid JSON"),
        ("paths", b'{"mu0": "' + b"9" * 5000 + b'"}', 413, "larger than 4096 bytes"),
        ("chi2", b'{"mu": [[[[[[[[[[1]]]]]]]]]]}', 400, "nests arrays or objects"),
        ("fit", b"{}", 404, "no action 'fit' for page 'heights'"),
    ],
)
def test_malformed_bodies_and_unknown_actions_are_refused(api, action, content, status, fragment):
    response = api.post(f"/api/heights/{action}", content=content,
                        headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == status, response.text
    assert fragment in response.json()["error"]


VALUES = st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20),
                   st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
                   st.lists(st.integers(), max_size=3))  # fmt: skip


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    action=st.sampled_from(["chi2", "paths", "landscape"]),
    body=st.dictionaries(
        st.sampled_from(["mu", "sigma", "mu0", "sigma0", "aggression", "steps", "window"]),
        VALUES,
        max_size=5,
    ),
)
def test_random_bodies_get_an_answer_or_a_4xx_never_a_500(api, action, body):
    response = api.post(f"/api/heights/{action}", json=body)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.json()["error"]


# ------------------------------------------------------------------------------------------
# The page, in Debian's Chromium
# ------------------------------------------------------------------------------------------


def open_heights(browser: Browser, server: str, width: int, height: int) -> tuple[Page, list[str]]:
    page, errors = open_page(browser, server + "heights", width, height)
    # the first answer may wait for a worker to start and the landscape to be computed
    expect(page.get_by_test_id("chi2")).to_have_text(f"{chi2_numpy(155, 6):.6g}", timeout=20_000)
    return page, errors


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    page, errors = open_heights(browser, server, 1280, 860)
    yield page
    close(page, errors)  # any JavaScript error fails the test


def number(page: Page, testid: str) -> float:
    return float(page.get_by_test_id(testid).inner_text().replace("−", "-"))


def landscape_at(page: Page, mu: float, sigma: float) -> tuple[float, float]:
    """The screen position of (μ, σ) on the landscape (its frame spans the window)."""
    page.get_by_test_id("landscape").scroll_into_view_if_needed()
    box = page.locator("#landscape rect.frame").bounding_box()
    assert box is not None
    return (box["x"] + (mu - 140) / 80 * box["width"],
            box["y"] + (30 - sigma) / 28 * box["height"])  # fmt: skip


def drag_slider(page: Page, testid: str, fraction: float) -> float:
    """Drag a slider's thumb by mouse to ``fraction`` of its width; its new value."""
    slider = page.get_by_test_id(testid)
    box = slider.bounding_box()
    assert box is not None
    value = float(slider.input_value())
    lo, hi = float(slider.get_attribute("min") or 0), float(slider.get_attribute("max") or 1)
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 8 + (value - lo) / (hi - lo) * (box["width"] - 16), y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * fraction, y, steps=6)
    page.mouse.up()
    return float(slider.input_value())


def expect_following(page: Page, method: str, mu0: float, sigma0: float, **fit: Any) -> None:
    """The histogram's μ, σ and χ² are the followed method's step shown (mvcalc.fit, directly)."""
    direct = fit_directly(mu0, sigma0, method, **fit)
    text = page.get_by_test_id("frame-out").inner_text()
    frame = int(text.split(" of ")[0])
    mu, sigma = direct.path[min(frame, direct.nit)]
    assert number(page, "mu-out") == pytest.approx(mu, abs=6e-3 * max(1, abs(mu) / 100))
    assert number(page, "sigma-out") == pytest.approx(sigma, rel=1e-3)
    expect_number(page, "chi2", chi2_numpy(mu, sigma))


def expect_number(page: Page, testid: str, value: float, rel: float = 2e-6) -> None:
    """Wait (at most 5 s) for a readout to show ``value`` to six significant digits."""
    for _ in range(100):
        text = page.get_by_test_id(testid).inner_text()
        try:
            if float(text.replace("−", "-")) == pytest.approx(value, rel=rel):
                return
        except ValueError:
            pass
        page.wait_for_timeout(50)
    pytest.fail(f"{testid} shows {text!r}, not {value:.6g}")


def test_a_learner_drags_mu_and_sigma_then_watches_the_fits(page):
    expect(page.get_by_test_id("try")).to_contain_text("Try:")
    expect(page.get_by_test_id("figure")).to_be_visible()
    # drag μ and σ by mouse: χ² follows, as the NumPy formula says
    mu = drag_slider(page, "mu", 0.45)
    sigma = drag_slider(page, "sigma", 0.3)
    assert 160 < mu < 190 and 5 < sigma < 15
    expect(page.get_by_test_id("chi2")).to_have_text(f"{chi2_numpy(mu, sigma):.6g}")
    assert float(page.get_by_test_id("mu-out").inner_text()) == pytest.approx(mu, abs=0.01)
    # click a start on the landscape: the three fits, as mvcalc.fit gives them, start playing
    page.mouse.click(*landscape_at(page, 150, 20))
    expect(page.get_by_test_id("play")).to_have_text("Pause")
    mu0 = float(page.get_by_test_id("mu0").input_value())
    sigma0 = float(page.get_by_test_id("sigma0").input_value())
    assert mu0 == pytest.approx(150, abs=0.6) and sigma0 == pytest.approx(20, abs=0.3)
    for method in METHODS:
        direct = fit_directly(mu0, sigma0, method)
        expect(page.get_by_test_id(f"status-{method}")).to_have_text(direct.status)
        expect(page.get_by_test_id(f"nit-{method}")).to_have_text(str(direct.nit))
        assert number(page, f"mu-{method}") == pytest.approx(direct.params[0], abs=1e-3)
        assert number(page, f"sigma-{method}") == pytest.approx(direct.params[1], abs=1e-3)
        assert number(page, f"chi2-{method}") == pytest.approx(direct.chi2, rel=1e-4)
        expect(page.get_by_test_id(f"message-{method}")).to_have_text(direct.message)
    # it plays: the step counter moves on; pause it and step once by hand
    expect(page.get_by_test_id("frame-out")).not_to_have_text(re.compile(r"^0 of"))
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_text("Play")
    before = int(page.get_by_test_id("frame-out").inner_text().split(" of ")[0])
    page.get_by_test_id("step").click()
    expect(page.get_by_test_id("frame-out")).to_have_text(re.compile(rf"^{before + 1} of"))
    expect_following(page, "steepest-descent", mu0, sigma0)
    # follow Gauss–Newton instead, at its last step: the histogram shows its end
    page.get_by_test_id("follow").select_option("gauss-newton")
    page.get_by_test_id("frame").focus()
    page.keyboard.press("End")
    last = max(fit_directly(mu0, sigma0, m).nit for m in METHODS)
    expect(page.get_by_test_id("frame-out")).to_have_text(f"{last} of {last}")
    expect_following(page, "gauss-newton", mu0, sigma0)
    expect(page.get_by_test_id("error")).to_have_text("")
    # the landscape shows the three paths and the start
    assert page.locator("#landscape path.series").count() >= 3
    shot(page, "lab-heights-desktop")


def test_dragging_on_the_landscape_moves_mu_and_sigma_and_picks_a_start(page):
    page.get_by_test_id("aggression").fill("26")  # 5000: steepest descent zig-zags
    expect(page.get_by_test_id("aggression-out")).to_have_text("5000")
    page.mouse.move(*landscape_at(page, 160, 10))
    page.mouse.down()
    page.mouse.move(*landscape_at(page, 190, 12), steps=5)
    assert number(page, "mu-out") == pytest.approx(190, abs=0.6)
    page.mouse.up()  # and the click that ends the drag fits from there
    expect(page.get_by_test_id("nit-gauss-newton")).not_to_have_text("")
    mu0 = float(page.get_by_test_id("mu0").input_value())
    sigma0 = float(page.get_by_test_id("sigma0").input_value())
    assert mu0 == pytest.approx(190, abs=0.6) and sigma0 == pytest.approx(12, abs=0.3)
    page.get_by_test_id("play").click()  # pause
    direct = fit_directly(mu0, sigma0, "steepest-descent", aggression=5000.0)
    expect(page.get_by_test_id("status-steepest-descent")).to_have_text(direct.status)
    expect(page.get_by_test_id("result-steepest-descent")).to_contain_text("×5000")
    expect_following(page, "steepest-descent", mu0, sigma0, aggression=5000.0)


def test_keyboard_only(page):
    # Tab reaches the landscape, then the μ slider
    focused = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id"))
        if focused[-1] == "mu":
            break
    assert "landscape" in focused and focused[-1] == "mu", focused
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # 155 → 155.5
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowLeft")  # σ 6 → 5.95
    expect(page.get_by_test_id("sigma-out")).to_have_text("5.95")
    expect(page.get_by_test_id("mu-out")).to_have_text("155.5")
    expect(page.get_by_test_id("chi2")).to_have_text(f"{chi2_numpy(155.5, 5.95):.6g}")
    # back to the landscape: the cross starts at the middle (180, 16); arrows move it, Enter fits
    for _ in range(6):  # back past the playback controls (the μ slider, the follow menu, …)
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.id") == "landscape":
            break
    assert page.evaluate("document.activeElement.id") == "landscape"
    for _ in range(2):
        page.keyboard.press("Shift+ArrowLeft")  # a tenth of the width: 8 cm
    for _ in range(5):
        page.keyboard.press("ArrowDown")  # a hundredth of the height: 0.28 cm
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("mu0")).to_have_value("164.00")
    expect(page.get_by_test_id("sigma0")).to_have_value("14.60")
    for method in METHODS:
        expect(page.get_by_test_id(f"status-{method}")).to_have_text(
            fit_directly(164.0, 14.6, method).status
        )
    # pause and step with the keyboard
    page.get_by_test_id("play").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("play")).to_have_text("Play")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "step"
    before = int(page.get_by_test_id("frame-out").inner_text().split(" of ")[0])
    page.keyboard.press(" ")
    expect(page.get_by_test_id("frame-out")).to_have_text(re.compile(rf"^{before + 1} of"))
    expect_following(page, "steepest-descent", 164.0, 14.6)


def test_a_refused_start_and_an_underflowing_one(page):
    page.get_by_test_id("sigma0").fill("0")
    page.get_by_test_id("run").click()
    expect(page.get_by_test_id("error")).to_contain_text("sigma0 must be positive")
    page.get_by_test_id("sigma0").fill("")
    page.get_by_test_id("sigma0").press("Enter")
    expect(page.get_by_test_id("error")).to_contain_text("sigma0 is required")
    # a start where the Gaussian underflows at every bin: the library's status, not an error
    page.get_by_test_id("mu0").fill("400")
    page.get_by_test_id("sigma0").fill("1")
    page.get_by_test_id("run").click()
    for method in METHODS:
        expect(page.get_by_test_id(f"status-{method}")).to_have_text("zero-derivative")
        expect(page.get_by_test_id(f"message-{method}")).to_contain_text("underflow")
    expect(page.get_by_test_id("error")).to_have_text("")
    expect(page.get_by_test_id("mu-out")).to_have_text("400")
    expect(page.get_by_test_id("chi2")).to_have_text(f"{chi2_numpy(400, 1):.6g}")


def test_the_page_on_a_phone(browser, server):
    page, errors = open_heights(browser, server, 390, 844)
    fits(page, 390)
    page.get_by_test_id("landscape").scroll_into_view_if_needed()
    page.mouse.click(*landscape_at(page, 165, 5))
    expect(page.get_by_test_id("status-levenberg-marquardt")).to_have_text("converged")
    page.get_by_test_id("play").click()  # pause where it is
    expect(page.get_by_test_id("play")).to_have_text("Play")
    page.get_by_test_id("frame").focus()
    page.keyboard.press("End")  # the whole paths
    expect(page.get_by_test_id("frame-out")).to_have_text(re.compile(r"^(\d+) of \1$"))
    fits(page, 390)
    for testid in ("figure", "landscape", "results", "mu", "sigma", "play", "step"):
        box = page.get_by_test_id(testid).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, testid
    shot(page, "lab-heights-phone")
    close(page, errors)
