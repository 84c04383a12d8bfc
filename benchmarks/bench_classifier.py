"""How far mvcalc's reverse mode scales: a classifier trained with mc.value_and_grad.

The README's example beyond the course: a two-layer network (tanh hidden layer, softmax output,
cross-entropy written with the max subtracted) on points of three interleaved spirals. A training
step is one ``value_and_grad`` and one update of the four parameter arrays. The same step in
PyTorch (eager autograd) and JAX (``jit(value_and_grad)``, compile time excluded) is timed in the
same process, float64 everywhere, over a grid of hidden widths and numbers of points.

The table gives milliseconds per step (best of several batches of steps) and mvcalc's time over
the faster peer: where that ratio stays small a learner loses little by staying with NumPy; where
it grows, that is the point to move to PyTorch or JAX. PyTorch runs with its default threads and
with one thread; the faster is shown.

Run: ``python benchmarks/bench_classifier.py`` (``make bench`` runs it).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np

import mvcalc as mc
from _timing import best_of  # benchmarks/ is on the path when a script runs

K = 3  # classes


def spirals(points: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    per_class = points // K
    labels = np.repeat(np.arange(K), per_class)
    r = np.tile(np.linspace(0.05, 1.0, per_class), K)
    t = np.concatenate([np.linspace(0, 4, per_class) + 4 * c for c in range(K)])
    t = t + rng.normal(0, 0.2, t.size)
    return np.column_stack([r * np.sin(t), r * np.cos(t)]), labels


def loss(params: Any, X: Any, labels: Any) -> Any:
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(labels)), labels].mean()


def start(hidden: int) -> list[np.ndarray]:
    rng = np.random.default_rng(1)
    return [rng.normal(0, 1, (2, hidden)), np.zeros(hidden),
            rng.normal(0, 0.1, (hidden, K)), np.zeros(K)]  # fmt: skip


def mvcalc_step() -> Any:
    value_and_grad = mc.value_and_grad(loss)

    def step(params: list[np.ndarray], X: np.ndarray, labels: np.ndarray) -> Any:
        value, grads = value_and_grad(params, X, labels)
        return [p - 0.5 * g for p, g in zip(params, grads, strict=True)], value

    return step


def torch_step() -> Any:
    import torch

    def step(params: list[Any], X: Any, labels: Any) -> Any:
        W1, b1, W2, b2 = params
        h = torch.tanh(X @ W1 + b1)
        value = torch.nn.functional.cross_entropy(h @ W2 + b2, labels)
        grads = torch.autograd.grad(value, params)
        with torch.no_grad():
            new = [(p - 0.5 * g).requires_grad_() for p, g in zip(params, grads, strict=True)]
        return new, value

    def convert(params: list[np.ndarray], X: np.ndarray, labels: np.ndarray) -> Any:
        return ([torch.from_numpy(p.copy()).requires_grad_() for p in params],
                torch.from_numpy(X), torch.from_numpy(labels))  # fmt: skip

    return step, convert, torch


def jax_step() -> Any:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)

    def jloss(params: Any, X: Any, labels: Any) -> Any:
        W1, b1, W2, b2 = params
        logits = jnp.tanh(X @ W1 + b1) @ W2 + b2
        log_p = jax.nn.log_softmax(logits, axis=1)
        return -jnp.mean(log_p[jnp.arange(labels.shape[0]), labels])

    vg = jax.value_and_grad(jloss)

    @jax.jit
    def step(params: Any, X: Any, labels: Any) -> Any:
        value, grads = vg(params, X, labels)
        return [p - 0.5 * g for p, g in zip(params, grads, strict=True)], value

    return step, jnp


def per_step(step: Any, params: Any, X: Any, labels: Any, steps: int, sync: Any = None) -> float:
    def run() -> Any:
        p = params
        for _ in range(steps):
            p, value = step(p, X, labels)
        if sync is not None:
            sync(value)
        return value

    run()  # warm up (and compile)
    t, _ = best_of(3, run)
    return t / steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, nargs="+", default=[16, 64, 256, 1024])
    parser.add_argument("--points", type=int, nargs="+", default=[300, 3_000, 30_000])
    args = parser.parse_args(argv)
    try:
        t_step, t_convert, torch = torch_step()
    except ImportError as exc:
        print(f"# PyTorch skipped: {exc}", file=sys.stderr)
        torch = None
    try:
        j_step, jnp = jax_step()
    except ImportError as exc:
        print(f"# JAX skipped: {exc}", file=sys.stderr)
        jnp = None
    m_step = mvcalc_step()
    print("| hidden | points | parameters | mvcalc ms/step | PyTorch ms/step | JAX jit ms/step | "
          "mvcalc / fastest peer |")  # fmt: skip
    print("|---:" * 7 + "|")
    for hidden in args.hidden:
        for points in args.points:
            X, labels = spirals(points)
            params = start(hidden)
            n_params = sum(p.size for p in params)
            work = hidden * points
            steps = max(2, min(200, 2_000_000 // work))
            t_mc = per_step(m_step, params, X, labels, steps)
            peers = []
            cells = []
            if torch is not None:
                best = np.inf
                default_threads = torch.get_num_threads()
                for threads in sorted({default_threads, 1}):
                    torch.set_num_threads(threads)
                    tp, tX, tl = t_convert(params, X, labels)
                    best = min(best, per_step(t_step, tp, tX, tl, steps))
                torch.set_num_threads(default_threads)
                peers.append(best)
                cells.append(f"{best * 1e3:.3f}")
            else:
                cells.append("—")
            if jnp is not None:
                jp = [jnp.asarray(p) for p in params]
                jX, jl = jnp.asarray(X), jnp.asarray(labels)
                tj = per_step(j_step, jp, jX, jl, steps, sync=lambda v: v.block_until_ready())
                peers.append(tj)
                cells.append(f"{tj * 1e3:.3f}")
            else:
                cells.append("—")
            ratio = f"{t_mc / min(peers):.1f}" if peers else "—"
            print(f"| {hidden:,} | {points:,} | {n_params:,} | {t_mc * 1e3:.3f} | "
                  f"{' | '.join(cells)} | {ratio} |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
