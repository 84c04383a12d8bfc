"""Gradients at machine-learning scale: mvcalc's reverse mode, jax.grad and torch.autograd.

The function is the one of issue 13,

    f(v) = Σᵢ vᵢ² sin vᵢ + Σᵢ tanh(vᵢ vᵢ₊₁),

written three times (NumPy for mvcalc, jax.numpy, torch), in float64. For n = 10, 10³, 10⁵, 10⁶:
the time of one evaluation of f in NumPy, of ``mc.grad(f)``, of ``jax.jit(jax.grad(f))`` (input
already on the device, compile time reported separately) and of PyTorch's eager autograd
(``f(v).backward()`` on a leaf made from the NumPy array without a copy; with its default
threads and with one thread, the faster counting), each the best of several runs, in one
process. The gradients are compared with each other and with the exact gradient written by hand.

The goals of issue 13 are printed with the figures measured: at n = 10⁶, grad costs at most 5×
one evaluation and at most 2× PyTorch; at n = 10, it is within 10× of jax.grad under jit. The
memory line gives the peak that tracemalloc sees during one gradient at n = 10⁶, in arrays of n
floats, beside the number of operations recorded: O(operations × n), not O(n²).

Run: ``python benchmarks/bench_grad.py`` (``make bench`` runs it). ``--markdown`` prints the table
for the README.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

import mvcalc as mc
from _timing import best_of  # benchmarks/ is on the path when a script runs
from mvcalc.autodiff import reverse

SIZES = (10, 1_000, 100_000, 1_000_000)


def f_numpy(v: Any) -> Any:
    return np.sum(v**2 * np.sin(v)) + np.sum(np.tanh(v[:-1] * v[1:]))


def exact_gradient(v: np.ndarray) -> np.ndarray:
    g = 2 * v * np.sin(v) + v**2 * np.cos(v)
    s = 1 - np.tanh(v[:-1] * v[1:]) ** 2
    g[:-1] += s * v[1:]
    g[1:] += s * v[:-1]
    return g


def repeats_for(n: int) -> int:
    return max(15, min(2000, 2_000_000 // max(n, 1)))


def batch(run: Callable[[], Any], n: int) -> tuple[float, Any]:
    """Best time per call, timing batches of calls for small n (a call is microseconds)."""
    calls = max(1, 20_000 // max(n, 1))

    def many() -> Any:
        for _ in range(calls - 1):
            run()
        return run()

    t, result = best_of(max(3, repeats_for(n) // calls), many)
    return t / calls, result


def peers() -> dict[str, Any]:
    found: dict[str, Any] = {}
    try:
        import jax
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)

        def f_jax(v: Any) -> Any:
            return jnp.sum(v**2 * jnp.sin(v)) + jnp.sum(jnp.tanh(v[:-1] * v[1:]))

        found["jax"] = (jax, jnp, jax.jit(jax.grad(f_jax)))
    except ImportError as exc:
        print(f"# JAX skipped: {exc}", file=sys.stderr)
    try:
        import torch

        def f_torch(v: Any) -> Any:
            return torch.sum(v**2 * torch.sin(v)) + torch.sum(torch.tanh(v[:-1] * v[1:]))

        def torch_grad(x: np.ndarray) -> np.ndarray:
            v = torch.from_numpy(x).requires_grad_()
            f_torch(v).backward()
            return v.grad.numpy()  # type: ignore[union-attr]

        found["torch"] = (torch, torch_grad)
    except ImportError as exc:
        print(f"# PyTorch skipped: {exc}", file=sys.stderr)
    return found


def memory_at(n: int) -> tuple[float, int]:
    """Peak memory of one gradient (in arrays of n floats) and the operations recorded."""
    x = np.linspace(-1.0, 1.0, n)
    g = mc.grad(f_numpy)
    g(x)  # warm up
    before = next(reverse._sequence)
    tracemalloc.start()
    g(x)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    operations = next(reverse._sequence) - before - 1
    return peak / (8.0 * n), operations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print the README's table")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args(argv)
    found = peers()
    g = mc.grad(f_numpy)
    rows = []
    for n in args.sizes:
        x = np.linspace(-1.0, 1.0, n)
        exact = exact_gradient(x)
        t_eval, _ = batch(lambda x=x: f_numpy(x), n)
        t_mc, got = batch(lambda x=x: g(x), n)
        err = float(np.max(np.abs(got - exact)) / np.max(np.abs(exact)))
        row: dict[str, Any] = {"n": n, "eval": t_eval, "mvcalc": t_mc, "err": err}
        if "jax" in found:
            _, jnp, gj = found["jax"]
            xj = jnp.asarray(x)
            start = time.perf_counter()
            gj(xj).block_until_ready()
            row["jax compile"] = time.perf_counter() - start
            row["jax"], gjx = batch(lambda xj=xj, gj=gj: gj(xj).block_until_ready(), n)
            row["jax err"] = float(np.max(np.abs(np.asarray(gjx) - exact)) / np.max(np.abs(exact)))
        if "torch" in found:  # its default threads and one thread: the faster counts
            torch, torch_grad = found["torch"]
            default_threads, best = torch.get_num_threads(), np.inf
            for threads in sorted({default_threads, 1}):
                torch.set_num_threads(threads)
                t_torch, gt = batch(lambda x=x, tg=torch_grad: tg(x), n)
                best = min(best, t_torch)
            torch.set_num_threads(default_threads)
            row["torch"] = best
            row["torch err"] = float(np.max(np.abs(gt - exact)) / np.max(np.abs(exact)))
        rows.append(row)

    def ms(t: float | None) -> str:
        return "—" if t is None else (f"{t * 1e3:.3f}" if t < 0.01 else f"{t * 1e3:.1f}")

    threads = found["torch"][0].get_num_threads() if "torch" in found else None
    print(f"# f(v) = Σ v² sin v + Σ tanh(vᵢ vᵢ₊₁), float64; {os.cpu_count()} cores; "
          f"PyTorch: the faster of {threads} threads and 1")  # fmt: skip
    head = ("| n | NumPy f(x) ms | mvcalc grad ms | grad / f | JAX jit grad ms (compile) | "
            "PyTorch autograd ms | mvcalc / JAX | mvcalc / PyTorch |")  # fmt: skip
    print(head)
    print("|---:" * 8 + "|")
    for r in rows:
        jax_t, torch_t = r.get("jax"), r.get("torch")
        jax_cell = f"{ms(jax_t)} ({r['jax compile'] * 1e3:.0f})" if jax_t else "—"
        print(f"| {r['n']:,} | {ms(r['eval'])} | {ms(r['mvcalc'])} | "
              f"{r['mvcalc'] / r['eval']:.1f} | {jax_cell} | {ms(torch_t)} | "
              f"{r['mvcalc'] / jax_t:.1f} | " if jax_t else "— | ", end="")  # fmt: skip
        print(f"{r['mvcalc'] / torch_t:.2f} |" if torch_t else "— |")
    if not args.markdown:
        print()
        for r in rows:
            errs = ", ".join(f"{k} {r[k]:.1e}" for k in ("err", "jax err", "torch err") if k in r)
            print(f"n = {r['n']:,}: largest relative error against the exact gradient: {errs}")
    biggest, smallest = rows[-1], rows[0]
    print()
    print(f"goal: at n = {biggest['n']:,}, grad ≤ 5× f: "
          f"{biggest['mvcalc'] / biggest['eval']:.1f}× — "
          f"{'met' if biggest['mvcalc'] <= 5 * biggest['eval'] else 'NOT met'}")  # fmt: skip
    if "torch" in biggest:
        r = biggest["mvcalc"] / biggest["torch"]
        print(f"goal: at n = {biggest['n']:,}, grad ≤ 2× PyTorch: {r:.2f}× — "
              f"{'met' if r <= 2 else 'NOT met'}")  # fmt: skip
    if "jax" in smallest:
        r = smallest["mvcalc"] / smallest["jax"]
        print(f"goal: at n = {smallest['n']:,}, grad ≤ 10× jax.grad (jit): {r:.1f}× — "
              f"{'met' if r <= 10 else 'NOT met'}")  # fmt: skip
    arrays, operations = memory_at(biggest["n"])
    print(f"memory: at n = {biggest['n']:,} the peak during one grad is {arrays:.0f} arrays of n "
          f"floats, for {operations} recorded operations: O(operations × n), not O(n²) "
          f"(which would be {biggest['n']:,} arrays)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
