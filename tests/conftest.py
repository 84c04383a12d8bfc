"""Test configuration: property-based tests are reproducible in CI; the browser tests share one
lab server and one Chromium.

Locally hypothesis explores new examples on every run (and remembers failures); with ``CI`` set,
as the project's CI does, each run draws the same examples, so a red build is never luck.

The session's ``server`` (``mvcalc lab`` in a subprocess) and ``browser`` fixtures start when a
test first asks for them; a module may override them with its own (``test_lab_browser.py``
serves the sandpit). The pages' helpers are in ``browser.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import matplotlib
import pytest
from hypothesis import settings
from playwright.sync_api import Browser, sync_playwright

pytest.register_assert_rewrite("browser", "lab_server")  # their asserts explain themselves too

from browser import CHROMIUM_FLAGS, chromium_path, url_of  # noqa: E402

matplotlib.use("Agg")  # figures render without a display

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """The URL (``http://127.0.0.1:PORT/``) of one ``mvcalc lab --no-browser`` in a subprocess,
    for the session's browser tests; terminated at the end."""
    command = [sys.executable, "-m", "mvcalc.cli", "lab", "--no-browser"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield url_of(process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # reported by the failing test already; do not hang
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, through Playwright, for the session's browser tests."""
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()
