"""Jacobians of Rⁿ → Rⁿ: mvcalc's forward-mode AD, jax.jacfwd and numdifftools, in one process.

The function is f(x) = tanh(A x) ⊙ exp(−x²/10) + sin(x), with A a fixed random n×n matrix; its
exact Jacobian, written by hand, is the oracle for the error column:

    J = diag(exp(−x²/10)) diag(1 − tanh²(A x)) A + diag(tanh(A x) ⊙ (−x/5) exp(−x²/10) + cos(x))

For n = 10 and n = 100: time per Jacobian (best of ``--repeats`` batches) and the largest absolute
error. JAX runs ``jit(jacfwd(f))`` in float64, compile time excluded; numdifftools uses its
default adaptive finite differences. Peers are skipped, with the reason, when not installed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import mvcalc as mc
from _timing import best_of  # benchmarks/ is on the path when a script runs


def make_problem(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(n)
    return rng.normal(size=(n, n)) / np.sqrt(n), rng.uniform(-1, 1, n)


def f_numpy(A: np.ndarray) -> Callable[[Any], Any]:
    def f(x: Any) -> Any:
        return np.tanh(A @ x) * np.exp(-(x**2) / 10) + np.sin(x)

    return f


def exact_jacobian(A: np.ndarray, x: np.ndarray) -> np.ndarray:
    t = np.tanh(A @ x)
    g = np.exp(-(x**2) / 10)
    return (g * (1 - t**2))[:, None] * A + np.diag(t * (-x / 5) * g + np.cos(x))


def per_call(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Seconds per call: batches long enough (≥ 20 ms) to time, best batch of ``repeats``."""
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < 0.02:
        run()
        calls += 1

    def batch() -> Any:
        out = None
        for _ in range(calls):
            out = run()
        return out

    seconds, out = best_of(repeats, batch)
    return seconds / calls, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    rows = []
    notes = []
    for n in (10, 100):
        A, x = make_problem(n)
        f = f_numpy(A)
        exact = exact_jacobian(A, x)
        J = mc.jacobian(f)
        t, out = per_call(lambda J=J, x=x: J(x), args.repeats)
        rows.append((n, f"mvcalc {mc.__version__} (forward-mode AD, NumPy)", t,
                     np.max(np.abs(out - exact))))  # fmt: skip
        try:
            import jax
            import jax.numpy as jnp

            jax.config.update("jax_enable_x64", True)
            Aj = jnp.asarray(A)

            def f_jax(v: Any, Aj: Any = Aj) -> Any:
                return jnp.tanh(Aj @ v) * jnp.exp(-(v**2) / 10) + jnp.sin(v)

            jac = jax.jit(jax.jacfwd(f_jax))
            xj = jnp.asarray(x)
            jac(xj).block_until_ready()  # compile
            t, out = per_call(lambda jac=jac, xj=xj: jac(xj).block_until_ready(), args.repeats)
            rows.append((n, f"JAX {jax.__version__} jit(jacfwd)", t,
                         np.max(np.abs(np.asarray(out) - exact))))  # fmt: skip
        except ImportError:
            notes.append("JAX not installed — `make bench` installs the bench extra")
        try:
            import numdifftools as nd

            jac_nd = nd.Jacobian(f)
            t, out = per_call(lambda jac_nd=jac_nd, x=x: jac_nd(x), max(1, args.repeats // 2))
            rows.append((n, f"numdifftools {nd.__version__} Jacobian", t,
                         np.max(np.abs(out - exact))))  # fmt: skip
        except ImportError:
            notes.append("numdifftools not installed — `make bench` installs the bench extra")

    print("Jacobian of f(x) = tanh(Ax)·exp(−x²/10) + sin(x), f: Rⁿ → Rⁿ, float64")
    for note in sorted(set(notes)):
        print(f"  ({note})")
    print()
    print("| n | implementation | µs per Jacobian | max abs error vs exact |")
    print("|---:|---|---:|---:|")
    for n, name, t, err in rows:
        print(f"| {n} | {name} | {t * 1e6:,.1f} | {err:.1e} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
