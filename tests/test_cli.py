"""Tests of the ``mvcalc`` command line."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

import mvcalc as mc
from mvcalc.cli import main


def test_backprop_reports_the_libraries_numbers_and_writes_the_figure(tmp_path, capsys):
    out = tmp_path / "sub" / "bp.png"
    status = main(
        ["backprop", "--iterations", "300", "--hidden", "4", "--seed", "3", "--out", str(out)]
    )
    captured = capsys.readouterr()
    assert status == 0
    assert captured.err == ""  # no progress bar when stderr is not a terminal
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    rng = np.random.default_rng(3)
    x, y = mc.datasets.heart_curve()
    want = mc.Network([1, 4, 2], seed=rng).train(x, y, iterations=300, seed=rng)
    initial = float(re.search(r"initial cost\s+(\S+)", captured.out).group(1))
    final = float(re.search(r"final cost\s+(\S+)", captured.out).group(1))
    assert initial == pytest.approx(want.initial_cost, rel=1e-5)
    assert final == pytest.approx(want.final_cost, rel=1e-5)
    assert re.search(r"time\s+[\d.]+ s for 300 steps \([\d,]+ steps/s\)", captured.out)
    assert "1-4-2 (18 parameters, sigmoid)" in captured.out


def test_backprop_svg_and_other_activation(tmp_path, capsys):
    out = tmp_path / "bp.svg"
    assert main(["backprop", "--iterations", "5", "--activation", "tanh", "--out", str(out)]) == 0
    assert out.read_text().lstrip().startswith("<?xml")
    assert "tanh" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--iterations", "-5"], "--iterations: expected an integer >= 0, got -5"),
        (["--hidden", "6", "0"], "--hidden: expected an integer >= 1, got 0"),
        (["--aggression", "fast"], "--aggression: expected a number, got 'fast'"),
        (["--noise", "nan"], "--noise: expected a finite number"),
        (["--activation", "softmax"], "--activation: invalid choice: 'softmax'"),
        (["--seed", "x"], "--seed: expected an integer"),
        (["--out", "figure.txt"], "--out: expected a file name ending in .png, .svg, .pdf"),
        (["--unknown"], "unrecognized arguments: --unknown"),
    ],
)
def test_backprop_rejects_bad_arguments_in_one_line(args, fragment, tmp_path, capsys):
    status = main(["backprop", *args])
    captured = capsys.readouterr()
    assert status == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert fragment in lines[0]
    assert "Traceback" not in captured.err


def test_unwritable_output_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    status = main(["backprop", "--iterations", "1", "--out", str(blocker / "x.png")])
    captured = capsys.readouterr()
    assert status == 2
    assert len(captured.err.strip().splitlines()) == 1
    assert "cannot write" in captured.err


def test_console_script_runs_and_fails_cleanly(tmp_path):
    """The installed ``mvcalc`` entry point, as a user would run it."""
    exe = [sys.executable, "-m", "mvcalc.cli"]
    ok = subprocess.run(
        [*exe, "backprop", "--iterations", "10", "--out", "b.png"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "b.png").exists()
    bad = subprocess.run(
        [*exe, "backprop", "--hidden", "0"], capture_output=True, text=True, timeout=120
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    missing = subprocess.run([*exe], capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
