"""Levenberg–Marquardt in mvcalc against scipy.optimize.curve_fit (MINPACK), in one process.

Two problems, each fitted from the same start by both, best time of ``--repeats`` runs:

* **heights** — the course's Gaussian fit to the heights histogram (100 bins), from μ = 155, σ = 6;
* **synthetic** — y = a·exp(−b·x) + c with Gaussian noise on 10⁵ points, from (1, 1, 0).

Each is run twice: with the exact Jacobian given to both, and without one (mvcalc then uses its
exact Gaussian derivatives on the heights and central differences on the synthetic problem;
MINPACK uses forward differences). Iterations are Jacobian evaluations for MINPACK (``njev``;
without a Jacobian, estimated as nfev / (p + 1)) and accepted steps for mvcalc. Target: no more
iterations and no slower. The script reports; it never fails on a missed target.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import scipy
from scipy import optimize

import mvcalc as mc
from _timing import best_of  # benchmarks/ is on the path when a script runs
from mvcalc.regression import gaussian_jacobian


def decay(x: np.ndarray, a: float, b: float, c: float) -> np.ndarray:
    return a * np.exp(-b * x) + c


def decay_jacobian(x: np.ndarray, a: float, b: float, c: float) -> np.ndarray:
    e = np.exp(-b * x)
    return np.stack([e, -a * x * e, np.ones_like(x)], axis=1)


def compare(name: str, model, jac, x, y, p0, repeats: int) -> list[tuple]:
    rows = []
    for with_jac in (True, False):
        kwargs = {"jac": jac} if with_jac else {}

        def mvcalc_fit(kwargs=kwargs):
            return mc.fit(model, x, y, p0, **kwargs)

        def scipy_fit(kwargs=kwargs):
            return optimize.curve_fit(model, x, y, p0=p0, full_output=True, **kwargs)

        t_mine, mine = best_of(repeats, mvcalc_fit)

        t_ref, ref = best_of(repeats, scipy_fit)
        info = ref[2]
        its = info["njev"] if with_jac else info["nfev"] / (len(p0) + 1)
        chi2_ref = float(np.sum(info["fvec"] ** 2))
        label = f"{name}, {'exact Jacobian' if with_jac else 'no Jacobian given'}"
        rows.append((label, t_mine, mine.nit, mine.chi2, t_ref, its, chi2_ref))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--points", type=int, default=100_000)
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.points < 3:
        parser.error("--repeats must be >= 1 and --points >= 3")

    rng = np.random.default_rng(0)
    xs = np.linspace(0, 10, args.points)
    ys = decay(xs, 3.0, 0.4, 0.2) + rng.normal(0, 0.05, xs.size)
    x_h, y_h = mc.datasets.heights()

    print(f"mvcalc {mc.__version__} Levenberg–Marquardt vs SciPy {scipy.__version__} curve_fit")
    rows = compare("heights (N = 100)", mc.gaussian, gaussian_jacobian, x_h, y_h, [155, 6],
                   args.repeats)  # fmt: skip
    rows += compare(f"synthetic (N = {args.points:,})", decay, decay_jacobian, xs, ys, [1, 1, 0],
                    args.repeats)  # fmt: skip
    print()
    print("| problem | mvcalc ms | mvcalc iterations | curve_fit ms | curve_fit iterations "
          "| time ratio | χ² mvcalc / curve_fit |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    verdicts = []
    for label, t_mine, its_mine, chi2_mine, t_ref, its_ref, chi2_ref in rows:
        print(f"| {label} | {t_mine * 1e3:.2f} | {its_mine} | {t_ref * 1e3:.2f} | {its_ref:g} "
              f"| {t_mine / t_ref:.2f}x | {chi2_mine / chi2_ref:.9f} |")  # fmt: skip
        verdicts.append((label, its_mine <= its_ref, t_mine <= t_ref))
    print()
    for label, fewer, faster in verdicts:
        print(f"{'PASS' if fewer else 'MISS'}: {label}: no more iterations than curve_fit")
        print(f"{'PASS' if faster else 'MISS'}: {label}: no slower than curve_fit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
