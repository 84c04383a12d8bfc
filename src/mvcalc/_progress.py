"""A dependency-free progress bar that draws only on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """A one-line progress bar on ``stream`` (standard error by default).

    It draws only when ``enabled`` and the stream is a terminal, and redraws at most ten
    times a second, so it costs nothing in a pipe, a log or a test.
    """

    def __init__(
        self, total: int, label: str, *, enabled: bool = True, stream: TextIO | None = None
    ) -> None:
        self.stream = sys.stderr if stream is None else stream
        isatty = getattr(self.stream, "isatty", None)
        self.active = bool(enabled and isatty is not None and isatty())
        self.total = max(int(total), 1)
        self.label = label
        self._start = time.perf_counter()
        self._last = -1.0

    def update(self, done: int, note: str = "") -> None:
        """Show ``done`` of ``total`` steps, with an optional note."""
        if not self.active:
            return
        now = time.perf_counter()
        if now - self._last < 0.1 and done < self.total:
            return
        self._last = now
        frac = min(max(done / self.total, 0.0), 1.0)
        width = 30
        filled = round(frac * width)
        rate = done / (now - self._start) if now > self._start else 0.0
        bar = "█" * filled + "·" * (width - filled)
        self.stream.write(f"\r{self.label} {bar} {done}/{self.total} ({rate:,.0f}/s) {note}\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        """Finish the line."""
        if self.active:
            self.stream.write("\n")
            self.stream.flush()
