"""Start-up time of ``import mvcalc`` and of the ``mvcalc`` command, from start to exit.

Targets: ``python -c "import mvcalc"`` ≤ 0.25 s, ``mvcalc --help`` ≤ 0.4 s and
``mvcalc diff "x**2*sin(x)"`` ≤ 0.8 s. Each command runs in a fresh process; the figure is the
best wall time of several runs (the least disturbed by other work on the machine). For scale, the
same table times the peers that set the floor: a bare interpreter, ``import numpy`` and
``import sympy``. Then ``python -X importtime`` shows where the time of ``--help`` and of ``diff``
goes: the modules with the largest cumulative import times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PYTHON = sys.executable
SCRIPT = Path(PYTHON).with_name("mvcalc")  # the console script next to this interpreter
MVCALC = [str(SCRIPT)] if SCRIPT.exists() else [PYTHON, "-m", "mvcalc.cli"]
ENV = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1"}

# (label, command, target seconds or None for a peer)
CASES: list[tuple[str, list[str], float | None]] = [
    ("python -c pass (floor)", [PYTHON, "-c", "pass"], None),
    ("import numpy (peer)", [PYTHON, "-c", "import numpy"], None),
    ("import sympy (peer)", [PYTHON, "-c", "import sympy"], None),
    ("import mvcalc", [PYTHON, "-c", "import mvcalc"], 0.25),
    ("mvcalc --help", [*MVCALC, "--help"], 0.4),
    ('mvcalc diff "x**2*sin(x)"', [*MVCALC, "diff", "x**2*sin(x)"], 0.8),
]

# what -X importtime is run on: the same work as the commands above, in one process each
PROBES = {
    "mvcalc --help": "from mvcalc.cli import main; main(['--help'])",
    'mvcalc diff "x**2*sin(x)"': "from mvcalc.cli import main; main(['diff', 'x**2*sin(x)'])",
}


def wall_times(command: list[str], repeats: int) -> list[float]:
    """Seconds from start to exit of ``command``, ``repeats`` times (it must succeed)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, env=ENV, check=True, capture_output=True, timeout=120)
        times.append(time.perf_counter() - start)
    return times


def import_times(code: str) -> list[tuple[int, int, str]]:
    """``python -X importtime -c code``: (self µs, cumulative µs, module) per module."""
    done = subprocess.run([PYTHON, "-X", "importtime", "-c", code], env=ENV, check=True,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((int(own), int(cumulative), name.rstrip()))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="runs per command (default: 7)")
    parser.add_argument("--top", type=int, default=8, help="import-time rows shown (default: 8)")
    args = parser.parse_args()

    print(f"start-up, best of {args.repeats} fresh processes (wall time, start to exit)")
    print(f"{'command':<28}{'best':>9}{'median':>9}{'target':>9}  verdict")
    for label, command, target in CASES:
        times = wall_times(command, args.repeats)
        best, median = min(times), statistics.median(times)
        shown = f"{target:9.2f}" if target is not None else f"{'—':>9}"
        verdict = "" if target is None else ("ok" if best <= target else "OVER TARGET")
        print(f"{label:<28}{best:9.3f}{median:9.3f}{shown}  {verdict}")

    for label, code in PROBES.items():
        rows = import_times(code)
        print()
        print(f"python -X importtime, {label}: the {args.top} largest cumulative import times")
        print(f"{'cumulative ms':>14}{'self ms':>9}  module")
        top = sorted(rows, key=lambda row: row[1], reverse=True)[: args.top]
        for own, cumulative, name in top:
            print(f"{cumulative / 1000:14.1f}{own / 1000:9.1f}  {name}")


if __name__ == "__main__":
    main()
