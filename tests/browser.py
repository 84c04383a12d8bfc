"""What the browser tests share: Debian's Chromium for Playwright, the URL a served lab announces,
which console messages count as errors, a page opened in a context of its own that collects its
JavaScript errors, and the checks and screenshots the pages' tests make.

The session's ``server`` (``mvcalc lab`` in a subprocess) and ``browser`` fixtures are in
``conftest.py``; a module may define its own, as ``test_lab_browser.py`` does its server.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

SCREENSHOTS = Path(__file__).resolve().parents[1] / "out" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    """Debian's chromium (``make test`` installs it), or ``$MVCALC_CHROMIUM``."""
    path = os.environ.get("MVCALC_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium; "
                    "or set MVCALC_CHROMIUM to a Chromium binary")  # fmt: skip
    return path


def is_error(text: str, kind: str) -> bool:
    """A console error, except Chromium's note on a 4xx answer the test asked for (and checks)."""
    return kind == "error" and not re.match(r"Failed to load resource: .* status of 4\d\d", text)


def url_of(process: subprocess.Popen[str]) -> str:
    """The URL ``mvcalc lab`` or ``mvcalc sandpit`` (started with ``--no-browser``, its output
    piped) says it serves at, on its first line; the test fails if it says none."""
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/\S*", line)
    if match is None:
        process.kill()
        pytest.fail(f"no URL from {shlex.join(process.args)}: {line!r} "
                    f"{process.communicate()[1]!r}")  # fmt: skip
    return match.group(0)


def watch(page: Page) -> list[str]:
    """The page's JavaScript errors from now on (uncaught exceptions and console errors, but
    for :func:`is_error`'s exception), as a list that grows as they happen."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on(
        "console",
        lambda m: errors.append(f"console: {m.text}") if is_error(m.text, m.type) else None,
    )
    return errors


def open_page(browser: Browser, url: str, width: int = 1280, height: int | None = None, *,
              mobile: bool = False) -> tuple[Page, list[str]]:  # fmt: skip
    """``url`` in a new context ``width`` CSS pixels wide, and the list of the page's errors
    (:func:`watch`); :func:`close` closes it.

    ``height`` is 800 on a desktop, and a phone's 844 at a width of 500 or less; ``mobile`` makes
    the context a phone's: a touch screen, the mobile viewport, two device pixels a CSS one.
    """
    if height is None:
        height = 800 if width > 500 else 844
    phone = {"device_scale_factor": 2, "has_touch": True, "is_mobile": True} if mobile else {}
    page = browser.new_context(viewport={"width": width, "height": height}, **phone).new_page()
    errors = watch(page)
    page.goto(url)
    return page, errors


def close(page: Page, errors: list[str]) -> None:
    """Close the page's context; then any JavaScript error it had fails the test."""
    page.context.close()
    assert errors == [], errors


def fits(page: Page, width: int) -> None:
    """Nothing on the page scrolls sideways at ``width`` CSS pixels."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    """A screenshot, ``out/screenshots/<name>.png`` (the whole page, or what is in view)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)
