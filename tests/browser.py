"""What the browser tests share: Debian's Chromium for Playwright, and which console messages
count as errors."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

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
