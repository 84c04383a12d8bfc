"""The progress bar draws on a terminal and stays quiet elsewhere."""

from __future__ import annotations

import io

from mvcalc._progress import Progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_draws_on_a_terminal():
    stream = FakeTerminal()
    bar = Progress(10, "training", stream=stream)
    bar.update(10, "cost 0.5")
    bar.close()
    text = stream.getvalue()
    assert "training" in text and "10/10" in text and "cost 0.5" in text
    assert text.endswith("\n")


def test_quiet_when_not_a_terminal_or_disabled():
    pipe = io.StringIO()
    bar = Progress(10, "training", stream=pipe)
    bar.update(5)
    bar.close()
    assert pipe.getvalue() == ""
    tty = FakeTerminal()
    off = Progress(10, "training", enabled=False, stream=tty)
    off.update(10)
    off.close()
    assert tty.getvalue() == ""
