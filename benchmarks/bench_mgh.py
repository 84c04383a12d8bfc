"""The 18 Moré–Garbow–Hillstrom problems: mvcalc.minimize against SciPy's BFGS and trust-exact.

For each problem, from its standard start (tests/mgh_problems.py): whether each method solved it
(f within 10⁻⁸·(1 + |f*|) of the known minimum, whatever the method says about itself), what
mvcalc's status is, and how many evaluations each needed — of f, of the gradient and of the
Hessian, counted separately. Every method gets the same exact derivatives: SciPy is handed
mvcalc's automatic-differentiation gradient (and, for trust-exact, Hessian) and otherwise runs
with its defaults. mvcalc's counts include the probes that certify a minimum.

Evaluations are counted by wrapping f: a call with plain numbers is an f evaluation, one with
dual numbers a gradient pass, one with nested duals a Hessian pass. Wall time is reported as a
ratio to SciPy BFGS's, measured in the same process.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import optimize as sopt

import mvcalc as mc
from mvcalc.autodiff import Dual

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from mgh_problems import PROBLEMS, Problem


@dataclass
class Counts:
    f: int = 0
    g: int = 0
    h: int = 0


@dataclass
class Run:
    solved: bool
    fun: float
    counts: Counts
    seconds: float
    status: str = ""


def counted(problem: Problem, counts: Counts) -> Callable[[Any], Any]:
    def f(x: Any) -> Any:
        if isinstance(x, Dual):
            if isinstance(x.value, Dual):
                counts.h += 1
            else:
                counts.g += 1
        else:
            counts.f += 1
        return problem(x)

    return f


def run_mvcalc(problem: Problem) -> Run:
    counts = Counts()
    f = counted(problem, counts)
    start = time.perf_counter()
    r = mc.minimize(f, list(problem.x0))
    seconds = time.perf_counter() - start
    return Run(problem.solved(r.fun), float(r.fun), counts, seconds, r.status)


def run_scipy(problem: Problem, method: str) -> Run:
    counts = Counts()
    f = counted(problem, counts)
    grad, hess = mc.grad(f), mc.hessian(f)
    options: dict[str, Any] = {"jac": grad}
    if method == "trust-exact":
        options["hess"] = hess
    start = time.perf_counter()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            r = sopt.minimize(lambda v: float(f(v)), problem.x0, method=method, **options)
            fun, status = float(r.fun), "success" if r.success else "failure"
        except (ValueError, np.linalg.LinAlgError) as exc:
            fun, status = float("nan"), type(exc).__name__
    seconds = time.perf_counter() - start
    return Run(problem.solved(fun), fun, counts, seconds, status)


def main() -> int:
    peers = ("BFGS", "trust-exact")
    header = f"{'problem':<22}{'mvcalc hybrid':>30}" + "".join(f"{p:>26}" for p in peers)
    print("Solved (✓) and evaluations f/g/H, from the standard starts; mvcalc's status in brackets")
    print(header)
    totals = {name: [0, Counts(), 0.0] for name in ("mvcalc", *peers)}

    def cell(r: Run) -> str:
        mark = "✓" if r.solved else "✗"
        return f"{mark} {r.counts.f}/{r.counts.g}/{r.counts.h}"

    for problem in PROBLEMS:
        runs = {"mvcalc": run_mvcalc(problem)} | {p: run_scipy(problem, p) for p in peers}
        for name, r in runs.items():
            total = totals[name]
            total[0] += r.solved
            total[1].f += r.counts.f
            total[1].g += r.counts.g
            total[1].h += r.counts.h
            total[2] += r.seconds
        ours = runs["mvcalc"]
        row = f"{problem.number:>2} {problem.name:<19}{cell(ours) + f' [{ours.status}]':>30}"
        print(row + "".join(f"{cell(runs[p]):>26}" for p in peers))
    print("-" * len(header))
    line = f"{'total solved, f/g/H':<22}"
    for name in ("mvcalc", *peers):
        solved, c, _ = totals[name]
        line += f"{f'{solved}/18  {c.f}/{c.g}/{c.h}':>{30 if name == 'mvcalc' else 26}}"
    print(line)
    base = totals["BFGS"][2]
    print("wall time relative to SciPy BFGS: " + ", ".join(
        f"{name} {totals[name][2] / base:.2f}" for name in ("mvcalc", *peers)))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
