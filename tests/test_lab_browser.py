"""The sandpit in a real browser: `mvcalc sandpit` served, headless Chromium driving the page.

Debian's ``chromium`` is driven through Playwright's ``executable_path``; ``make test`` installs it
when it is missing. Every test fails on a JavaScript error in the page. Screenshots go to
``out/screenshots/``.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from browser import close, fits, open_page, shot, url_of
from mvcalc.lab import Sandpit

SEED = 11

STRATEGY = textwrap.dedent(
    """
    import numpy as np

    def cautious(f, J, H):
        # a fifth of the way along -J, at most 0.5 long
        step = -0.2 * J
        return step * min(1.0, 0.5 / max(np.linalg.norm(step), 1e-12))
    """
)


def serve(strategy: str, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "mvcalc.cli", "sandpit", "--no-browser", "--seed", str(SEED),
               "--strategy", strategy, *args]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    strategy = tmp_path_factory.mktemp("strategy") / "mine.py"
    strategy.write_text(STRATEGY)
    process = serve(f"{strategy}:cautious")
    try:
        yield url_of(process)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    page, errors = open_page(browser, server)
    expect(page.get_by_test_id("game")).to_contain_text(f"seed {SEED}")
    yield page
    close(page, errors)  # any JavaScript error fails the test


def two(v: float) -> str:
    """v to 2 decimals as the page writes it (never "-0.00")."""
    return f"{round(float(v), 2) + 0.0:.2f}"


def state(page: Page) -> dict[str, Any]:
    """The session's game, read through the page's own cookie."""
    text = page.evaluate("fetch('/api/state').then(r => r.text())")
    return dict(json.loads(text))


def click_pit(page: Page, x: float, y: float, *, tap: bool = False) -> None:
    """Click (or tap, with a finger) the pit at the point (x, y) of the floor."""
    pit = page.get_by_test_id("sandpit")
    # Playwright's position is from the padding box's corner: the canvas's drawing area
    width, height = pit.evaluate("c => [c.clientWidth, c.clientHeight]")
    (x0, x1), (y0, y1) = Sandpit().bounds
    position = {"x": (x - x0) / (x1 - x0) * width, "y": (y1 - y) / (y1 - y0) * height}
    if tap:
        pit.tap(position=position)
    else:
        pit.click(position=position)


def test_probe_count_depth_keyboard_mode_and_reveal(page: Page) -> None:
    truth = Sandpit("bowl", SEED).surface  # the same floor, computed here
    expect(page.get_by_test_id("probe-count")).to_have_text("0")
    click_pit(page, -2.0, 1.0)
    expect(page.get_by_test_id("probe-count")).to_have_text("1")
    click_pit(page, 1.5, -1.0)
    expect(page.get_by_test_id("probe-count")).to_have_text("2")
    last = state(page)["last"]
    assert float(page.get_by_test_id("depth").inner_text()) == pytest.approx(
        float(truth.depth(last["x"], last["y"])), abs=5e-4
    )
    assert abs(last["x"] - 1.5) < 0.01 and abs(last["y"] + 1.0) < 0.01  # the click's place
    expect(page.get_by_test_id("slope")).to_have_text("–")  # depth mode reads no slope

    # the keyboard: focus the pit, move the cross from the last click, probe with Enter
    page.get_by_test_id("sandpit").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowUp")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("probe-count")).to_have_text("3")
    new = state(page)["last"]
    assert (new["x"], new["y"]) == pytest.approx((last["x"] + 0.1, last["y"] + 0.5))
    shot(page, "sandpit-depth", full_page=False)

    # jacobian mode: a new game whose probes read the slope too
    page.get_by_test_id("mode").select_option("jacobian")
    expect(page.get_by_test_id("probe-count")).to_have_text("0")
    click_pit(page, 2.0, 1.5)
    expect(page.get_by_test_id("probe-count")).to_have_text("1")
    last = state(page)["last"]
    jx, jy = truth.jacobian(last["x"], last["y"])
    expect(page.get_by_test_id("slope")).to_have_text(f"({two(jx)}, {two(jy)})")

    # reveal: the floor, the deepest point and the message; no more probes
    page.get_by_test_id("reveal").click()
    mx, my = truth.minimum
    expect(page.get_by_test_id("message")).to_contain_text(f"({two(mx)}, {two(my)})")
    expect(page.get_by_test_id("reveal")).to_be_disabled()
    shot(page, "sandpit-revealed", full_page=False)
    click_pit(page, 0.0, 0.0)
    expect(page.get_by_test_id("message")).to_contain_text("revealed")
    expect(page.get_by_test_id("probe-count")).to_have_text("1")


def test_a_reload_resumes_the_game(page: Page) -> None:
    page.get_by_test_id("scenario").select_option("rocks")
    click_pit(page, 0.5, 0.5)
    click_pit(page, -0.5, 0.5)
    expect(page.get_by_test_id("probe-count")).to_have_text("2")
    page.reload()
    expect(page.get_by_test_id("message")).to_contain_text("Welcome back")
    expect(page.get_by_test_id("probe-count")).to_have_text("2")
    expect(page.get_by_test_id("scenario")).to_have_value("rocks")
    click_pit(page, 0.0, -0.5)
    expect(page.get_by_test_id("probe-count")).to_have_text("3")


@pytest.mark.parametrize("mode", ["depth", "jacobian", "workers"])
@pytest.mark.parametrize("scenario", ["bowl", "multiple-minima", "rocks", "narrow-well"])
def test_a_probe_at_the_deepest_point_wins(page: Page, scenario: str, mode: str) -> None:
    page.get_by_test_id("mode").select_option(mode)
    page.get_by_test_id("scenario").select_option(scenario)
    expect(page.get_by_test_id("game")).to_have_text(f"{scenario}, seed {SEED}")
    expect(page.get_by_test_id("probe-count")).to_have_text("0")
    if mode == "workers":  # each click is a start and five steps; the start at the phone wins
        page.get_by_test_id("strategy").select_option("cautious")
    truth = Sandpit(scenario, SEED).surface
    away = (-truth.minimum[0] * 0.5, -truth.minimum[1] * 0.5)  # well away from the phone
    click_pit(page, *away)
    per_click = 6 if mode == "workers" else 1
    expect(page.get_by_test_id("probe-count")).to_have_text(str(per_click))
    expect(page.get_by_test_id("message")).not_to_contain_text("You found")
    click_pit(page, *truth.minimum)
    expect(page.get_by_test_id("message")).to_contain_text(
        f"You found the phone in {per_click + 1} probes"
    )


def test_workers_follow_the_strategy_from_the_command_line(page: Page) -> None:
    page.get_by_test_id("mode").select_option("workers")
    expect(page.get_by_test_id("strategy")).to_contain_text("cautious")
    page.get_by_test_id("strategy").select_option("cautious")
    click_pit(page, 2.0, -1.0)
    expect(page.get_by_test_id("probe-count")).to_have_text("6")  # the start and five steps
    probes = state(page)["probes"]
    truth = Sandpit("bowl", SEED).surface
    for here, there in itertools.pairwise(probes):
        step = -0.2 * truth.jacobian(here["x"], here["y"])
        step *= min(1.0, 0.5 / max(float((step**2).sum()) ** 0.5, 1e-12))
        assert (there["x"], there["y"]) == pytest.approx((here["x"] + step[0], here["y"] + step[1]))
    expect(page.get_by_test_id("message")).to_contain_text("5 steps of cautious")
    shot(page, "sandpit-workers", full_page=False)


CROSS = (31, 95, 139)  # the keyboard cross, #1f5f8b
STAR = (255, 210, 63)  # the phone, #ffd23f


def pixel(page: Page, x: float, y: float, dx: float = 0.0, dy: float = 0.0) -> tuple[int, ...]:
    """The pit's colour at the floor's point (x, y), moved by (dx, dy) CSS pixels."""
    (x0, x1), (y0, y1) = Sandpit().bounds
    rgb = page.evaluate(
        """([u, v, dx, dy]) => {
            const c = document.getElementById("pit");
            const k = c.width / c.clientWidth;
            const px = Math.round(u * c.width + dx * k), py = Math.round(v * c.height + dy * k);
            return Array.from(c.getContext("2d").getImageData(px, py, 1, 1).data.slice(0, 3));
        }""",
        [(x - x0) / (x1 - x0), (y1 - y) / (y1 - y0), dx, dy],
    )
    return tuple(rgb)


def near(a: tuple[int, ...], b: tuple[int, ...], tolerance: float) -> bool:
    return sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5 <= tolerance


def test_phone_width_layout(browser: Browser, server: str) -> None:
    page, errors = open_page(browser, server, 390, mobile=True)
    expect(page.get_by_test_id("probe-count")).to_have_text("0")
    pit = page.get_by_test_id("sandpit").bounding_box()
    panel = page.locator(".panel").bounding_box()
    assert pit is not None and panel is not None
    assert pit["x"] >= 0 and pit["x"] + pit["width"] <= 390  # the whole pit is on screen
    assert pit["width"] > 300
    assert panel["y"] >= pit["y"] + pit["height"]  # the panel sits below the pit
    fits(page, 390)  # nothing scrolls sideways
    expect(page.get_by_test_id("keys-hint")).to_be_hidden()  # no keyboard on a phone

    # workers mode (its options make the panel longer); a tap where the phone is wins, and the
    # win is told next to the pit, in view without scrolling
    page.get_by_test_id("mode").select_option("workers")
    expect(page.get_by_test_id("strategy")).to_be_visible()
    mx, my = Sandpit("bowl", SEED).surface.minimum
    click_pit(page, mx, my, tap=True)
    message = page.get_by_test_id("message")
    expect(message).to_contain_text("You found the phone in 1 probe!")
    assert page.evaluate("window.scrollY") == 0
    box = message.bounding_box()
    pit = page.get_by_test_id("sandpit").bounding_box()
    assert box is not None and pit is not None
    assert 0 <= box["y"] and box["y"] + box["height"] <= 844
    assert 0 <= box["y"] - (pit["y"] + pit["height"]) < 40  # right under the pit
    shot(page, "sandpit-phone-win", full_page=False)
    start = state(page)["probes"][0]
    assert start["won"] and start["number"] == 1

    # a tap shows no keyboard cross (arms of 12 CSS px); the keyboard does
    assert not near(pixel(page, start["x"], start["y"], 0, -11), CROSS, 120)
    page.get_by_test_id("sandpit").focus()
    page.keyboard.press("Shift+ArrowUp")  # the cross goes 0.5 up from the tap
    assert near(pixel(page, start["x"], start["y"] + 0.5, 0, -11), CROSS, 60)

    # reveal: the star shows over the probe that found it; the score is "1 probe"
    page.get_by_test_id("reveal").tap()
    expect(message).to_contain_text("you found it in 1 probe.")
    assert near(pixel(page, mx, my), STAR, 40)
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "sandpit-phone-revealed", full_page=False)
    shot(page, "sandpit-phone")
    close(page, errors)


def test_a_disabled_reveal_looks_and_acts_disabled(page: Page) -> None:
    reveal = page.get_by_test_id("reveal")
    style = "b => { const s = getComputedStyle(b); return [s.backgroundColor, s.color, s.cursor]; }"
    enabled = reveal.evaluate(style)
    expect(page.get_by_test_id("keys-hint")).to_be_visible()  # a desktop has a keyboard
    click_pit(page, 1.0, 1.0)
    reveal.click()
    expect(reveal).to_be_disabled()
    page.mouse.move(0, 0)
    disabled = reveal.evaluate(style)
    assert all(a != b for a, b in zip(enabled, disabled, strict=True)), (enabled, disabled)
    assert disabled[2] == "not-allowed"
    reveal.hover()
    assert reveal.evaluate(style) == disabled  # no hover look either
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    reveal.click(force=True)  # a click on it does nothing
    click_pit(page, 0.0, 0.0)  # (the pit's answer shows that events were handled)
    expect(page.get_by_test_id("message")).to_contain_text("revealed")
    assert not any(url.endswith("/api/reveal") for url in posts), posts


def test_a_first_visit_logs_no_error(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})  # no cookie yet
    page = context.new_page()
    logged: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: logged.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: logged.append(str(exc)))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(server)
    expect(page.get_by_test_id("message")).to_contain_text(f"New game: bowl, seed {SEED}")
    page.reload()  # and a return visit resumes the game, without an error either
    expect(page.get_by_test_id("message")).to_contain_text("Welcome back")
    context.close()
    assert logged == [] and failed == [], (logged, failed)


def test_a_failing_strategy_is_reported_on_the_page(browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("def broken(f, J, H):\n    raise RuntimeError('my bug')\n")
    process = serve(f"{tmp_path / 'bad.py'}:broken", "--mode", "workers")
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url_of(process))
        expect(page.get_by_test_id("mode")).to_have_value("workers")
        page.get_by_test_id("strategy").select_option("broken")
        click_pit(page, 1.0, 1.0)
        message = page.get_by_test_id("message")
        expect(message).to_contain_text(
            "stopped at step 1: the strategy raised RuntimeError: my bug"
        )
        expect(message).to_have_class(re.compile("error"))
        expect(page.get_by_test_id("probe-count")).to_have_text("1")  # the start was read
        click_pit(page, -1.0, -1.0)  # the server is still there
        expect(page.get_by_test_id("probe-count")).to_have_text("2")
        page.close()
        assert errors == []
    finally:
        process.terminate()
        process.wait(timeout=10)
