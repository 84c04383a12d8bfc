"""Draw the README's pictures of the lab: `mvcalc lab` served, each page in headless Chromium
at 1280 × 800, after a learner's first moves; written to ``docs/images/lab-<page>.png``.

Run from the repository's root: ``.venv/bin/python docs/lab_screenshots.py`` (needs Debian's
chromium, as the browser tests do).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

IMAGES = Path(__file__).resolve().parent / "images"


def click(page: Page, test_id: str, fx: float, fy: float) -> None:
    """Click the drawing at a fraction (fx, fy) of its width and height."""
    box = page.get_by_test_id(test_id).bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])


def moves(page: Page, name: str) -> None:
    """A learner's first moves on each page."""
    if name == "derivative":
        page.get_by_test_id("h").fill("-0.5")
        page.get_by_test_id("h").dispatch_event("input")
    elif name == "taylor":
        page.get_by_test_id("order").fill("5")
        page.get_by_test_id("order").dispatch_event("input")
    elif name == "sandpit":
        page.get_by_test_id("mode").select_option("jacobian")
        for fx, fy in ((0.2, 0.3), (0.7, 0.6), (0.45, 0.5), (0.6, 0.3)):
            click(page, "sandpit", fx, fy)
            time.sleep(0.4)
    elif name == "backprop":
        page.get_by_test_id("pace").select_option("0")
        page.get_by_test_id("train").click()
        page.get_by_test_id("status").filter(has_text="max-iter").wait_for(timeout=30_000)
    elif name == "newton":
        page.get_by_test_id("preset").select_option(index=1)
        click(page, "figure", 0.55, 0.4)
        time.sleep(0.5)
        page.get_by_test_id("end-button").click()
    elif name in ("descent", "heights"):
        click(page, "figure" if name == "descent" else "landscape", 0.8, 0.2)
        time.sleep(1.0)
        if name == "heights":
            page.get_by_test_id("frame").press("End")
    time.sleep(1.0)


def main() -> int:
    command = [sys.executable, "-m", "mvcalc.cli", "lab", "--no-browser"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        match = re.search(r"http://127\.0\.0\.1:\d+/", server.stdout.readline())
        assert match is not None, "mvcalc lab did not say where it serves"
        url = match.group(0)
        IMAGES.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for name in ("home", "derivative", "taylor", "sandpit", "backprop", "newton",
                         "descent", "lagrange", "heights"):  # fmt: skip
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.goto(url + ("" if name == "home" else name))
                time.sleep(1.5)
                moves(page, name)
                page.mouse.move(0, 0)
                page.screenshot(path=IMAGES / f"lab-{name}.png")
                print(f"docs/images/lab-{name}.png")
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
