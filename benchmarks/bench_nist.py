"""mvcalc.fit against scipy.optimize.curve_fit (MINPACK) on the NIST StRD nonlinear problems.

Every problem in the data directory (default: the 19 of lower and average difficulty in
``tests/data/nist/``) is fitted from both of NIST's starts, with default settings, by

* mvcalc — Levenberg–Marquardt with AD Jacobians (the default);
* mvcalc, ``jac="forward"`` — the same with forward differences, as MINPACK's ``lmdif``;
* ``curve_fit`` — SciPy's defaults (``lmdif``: forward differences, 200·(p + 1) evaluations).

A fit is solved when every parameter matches the certified value to a log relative error (LRE)
of at least 4; "errors" counts solved fits whose standard errors match the certified ones to an
LRE of 4. "false" counts fits that claim convergence (mvcalc: ``converged``; curve_fit: no
exception) at a point that is neither the certified one nor as good. Evaluations: ``nfev`` is
model evaluations (an AD Jacobian, one pass of the model on dual numbers, counts as one;
differences count theirs); ``njev`` is Jacobians. Times are the best of ``--repeats`` runs, in
one process. The script reports; it never fails on a missed target.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy
from scipy import optimize

import mvcalc as mc

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import nist  # tests/nist.py: the .dat reader and the models


def best_time(repeats: int, run: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def run_mvcalc(problem: nist.Problem, model, p0, repeats: int, **kwargs) -> dict:
    seconds, result = best_time(repeats, lambda: mc.fit(model, problem.x, problem.y, p0, **kwargs))
    assert isinstance(result, mc.FitResult)
    lre = float(nist.lre(result.params, problem.certified).min())
    as_good = result.chi2 <= problem.certified_rss * (1 + 1e-9)
    return {
        "lre": lre,
        "errors": float(nist.lre(result.errors, problem.certified_errors).min()),
        "status": result.status,
        "false": result.converged and lre < nist.SOLVED_LRE and not as_good,
        "nit": result.nit,
        "nfev": result.nfev,
        "njev": result.njev,
        "seconds": seconds,
    }


def run_curve_fit(problem: nist.Problem, model, p0, repeats: int) -> dict:
    def fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # OptimizeWarning, overflow in trial steps
            with np.errstate(all="ignore"):
                try:
                    return optimize.curve_fit(model, problem.x, problem.y, p0=p0,
                                              full_output=True)  # fmt: skip
                except RuntimeError as exc:  # maxfev reached
                    return exc

    seconds, out = best_time(repeats, fit)
    if isinstance(out, RuntimeError):
        return {"lre": 0.0, "errors": 0.0, "status": "failed", "false": False, "nfev": None,
                "seconds": seconds}  # fmt: skip
    params, cov, info, _, _ = out
    lre = float(nist.lre(params, problem.certified).min())
    rss = float(np.sum(info["fvec"] ** 2))
    with np.errstate(invalid="ignore"):
        errors = np.sqrt(np.diag(cov))
    return {
        "lre": lre,
        "errors": float(nist.lre(errors, problem.certified_errors).min()),
        "status": "ok",
        "false": lre < nist.SOLVED_LRE and rss > problem.certified_rss * (1 + 1e-9),
        "nfev": int(info["nfev"]),
        "seconds": seconds,
    }


def summary(label: str, rows: list[dict]) -> str:
    solved = [r for r in rows if r["lre"] >= nist.SOLVED_LRE]
    errors = sum(r["errors"] >= nist.SOLVED_LRE for r in solved)
    false = sum(r["false"] for r in rows)
    nfev = sum(r["nfev"] or 0 for r in rows)
    seconds = sum(r["seconds"] for r in rows)
    return (f"| {label} | {len(solved)} / {len(rows)} | {errors} | {false} | {nfev} "
            f"| {seconds * 1e3:.0f} |")  # fmt: skip


def main(argv: list[str] | None = None, extra_models: dict | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=nist.DATA, help="NIST .dat files")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    models = {**nist.MODELS, **(extra_models or {})}
    names = sorted(p.stem for p in args.data_dir.glob("*.dat") if p.stem in models)
    if not names:
        parser.error(f"no NIST .dat file with a known model in {args.data_dir}")

    print(f"mvcalc {mc.__version__} fit vs SciPy {scipy.__version__} curve_fit, "
          f"NIST StRD, {len(names)} problems × 2 starts")  # fmt: skip
    print()
    print("| problem | start | mvcalc LRE | errors LRE | status | nit | nfev | njev | ms "
          "| forward-diff LRE | nfev | curve_fit LRE | errors LRE | nfev | ms |")  # fmt: skip
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    ours, forward, theirs = [], [], []
    for name in names:
        problem = nist.read(name, args.data_dir)
        model = models[name]
        for start, p0 in enumerate(problem.starts, start=1):
            a = run_mvcalc(problem, model, p0, args.repeats)
            b = run_mvcalc(problem, model, p0, args.repeats, jac="forward")
            c = run_curve_fit(problem, model, p0, args.repeats)
            ours.append(a)
            forward.append(b)
            theirs.append(c)
            c_nfev = "—" if c["nfev"] is None else c["nfev"]
            print(f"| {name} | {start} | {a['lre']:.1f} | {a['errors']:.1f} | {a['status']} "
                  f"| {a['nit']} | {a['nfev']} | {a['njev']} | {a['seconds'] * 1e3:.1f} "
                  f"| {b['lre']:.1f} | {b['nfev']} | {c['lre']:.1f} | {c['errors']:.1f} "
                  f"| {c_nfev} | {c['seconds'] * 1e3:.1f} |")  # fmt: skip
    print()
    print("| method | solved (LRE ≥ 4) | errors LRE ≥ 4 | false convergence | evaluations | ms |")
    print("|---|---:|---:|---:|---:|---:|")
    print(summary("mvcalc (AD Jacobians)", ours))
    print(summary('mvcalc, jac="forward"', forward))
    print(summary("curve_fit (lmdif)", theirs))
    t_ours = sum(r["seconds"] for r in ours)
    t_theirs = sum(r["seconds"] for r in theirs)
    print()
    print(f"time ratio mvcalc / curve_fit: {t_ours / t_theirs:.2f}x (all fits, best of "
          f"{args.repeats})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
