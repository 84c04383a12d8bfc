"""Speed of the course's backpropagation task: mvcalc against its peers, in one process.

The task is the course's first assignment: a 1-6-7-2 sigmoid network, N = 100 points of the
heart curve, float64, 10,000 steps of stochastic steepest descent with aggression 7 and noise 1
(each of the six Jacobians scaled by its own factor 1 + noise·ξ, ξ ~ N(0, 1), each step).

Implementations, each timed over the same task, best of ``--repeats`` runs after a warm-up:

* **mvcalc** — ``Network.train`` (plain NumPy: one forward and one backward pass a step,
  preallocated buffers).
* **course structure** — the course notebook's layout re-implemented: six Jacobian functions, each
  re-running the forward pass and forming its chain-rule product with plain NumPy expressions.
* **PyTorch eager** — autograd (``cost.backward()``) each step; one thread, since the arrays are
  tiny and threads only add overhead.
* **JAX, compiled loop** — ``jax.grad`` inside ``lax.fori_loop`` inside ``jax.jit``, the noise drawn
  inside the loop from a split key; compile time is excluded (reported apart).

PyTorch and JAX rows appear only when they are installed (``make bench`` installs the ``bench``
extra). The script reports; it never fails on a missed target.
"""

from __future__ import annotations

import argparse
import itertools
import platform
import sys
import time
from dataclasses import dataclass

import numpy as np

import mvcalc as mc
from _timing import best_of  # benchmarks/ is on the path when a script runs

SIZES = (1, 6, 7, 2)
AGGRESSION = 7.0
NOISE = 1.0


@dataclass
class Row:
    name: str
    seconds: float  # best of the repeats, for `steps` steps
    final_cost: float
    note: str = ""


def initial_parameters(seed: int = 0) -> list[np.ndarray]:
    """W1, b1, W2, b2, W3, b3 drawn as in the course: standard normal / 2."""
    rng = np.random.default_rng(seed)
    params = []
    for n_prev, n in itertools.pairwise(SIZES):
        params += [rng.standard_normal((n, n_prev)) / 2, rng.standard_normal((n, 1)) / 2]
    return params


# ------------------------------------------------------------------------------------------------
# mvcalc
# ------------------------------------------------------------------------------------------------


def bench_mvcalc(x: np.ndarray, y: np.ndarray, steps: int, repeats: int) -> Row:
    """``mvcalc.Network.train`` on the task, from the same initial parameters as the others."""

    def run(n: int) -> float:
        net = mc.Network(SIZES, seed=0)
        for l, (W, b) in enumerate(zip(*[iter(initial_parameters())] * 2, strict=True)):
            net.weights[l], net.biases[l] = W, b
        history = net.train(
            x, y, iterations=n, aggression=AGGRESSION, noise=NOISE, seed=1, record_every=n or 1
        )
        return history.final_cost

    run(200)
    seconds, cost = best_of(repeats, lambda: run(steps))
    return Row("mvcalc (NumPy)", seconds, cost)


# ------------------------------------------------------------------------------------------------
# The course notebook's structure
# ------------------------------------------------------------------------------------------------


def bench_course(x: np.ndarray, y: np.ndarray, steps: int, repeats: int) -> Row:
    """Six Jacobian functions, each re-running the forward pass, as in the course notebook."""

    def sigma(z):
        return 1 / (1 + np.exp(-z))

    def d_sigma(z):
        return np.cosh(z / 2) ** (-2) / 4

    def run(n: int) -> float:
        W1, b1, W2, b2, W3, b3 = initial_parameters()

        def network_function(a0):
            z1 = W1 @ a0 + b1
            a1 = sigma(z1)
            z2 = W2 @ a1 + b2
            a2 = sigma(z2)
            z3 = W3 @ a2 + b3
            a3 = sigma(z3)
            return a0, z1, a1, z2, a2, z3, a3

        def cost(x, y):
            return np.linalg.norm(network_function(x)[-1] - y) ** 2 / x.size

        def J_W3(x, y):
            a0, z1, a1, z2, a2, z3, a3 = network_function(x)
            J = 2 * (a3 - y)
            J = J * d_sigma(z3)
            J = J @ a2.T / x.size
            return J

        def J_b3(x, y):
            a0, z1, a1, z2, a2, z3, a3 = network_function(x)
            J = 2 * (a3 - y)
            J = J * d_sigma(z3)
            J = np.sum(J, axis=1, keepdims=True) / x.size
            return J

        def J_W2(x, y):
            a0, z1, a1, z2, a2, z3, a3 = network_function(x)
            J = 2 * (a3 - y)
            J = J * d_sigma(z3)
            J = (J.T @ W3).T
            J = J * d_sigma(z2)
            J = J @ a1.T / x.size
            return J

        def J_b2(x, y):
            a0, z1, a1, z2, a2, z3, a3 = network_function(x)
            J = 2 * (a3 - y)
            J = J * d_sigma(z3)
            J = (J.T @ W3).T
            J = J * d_sigma(z2)
            J = np.sum(J, axis=1, keepdims=True) / x.size
            return J

        def J_W1(x, y):
            a0, z1, a1, z2, a2, z3, a3 = network_function(x)
            J = 2 * (a3 - y)
            J = J * d_sigma(z3)
            J = (J.T @ W3).T
            J = J * d_sigma(z2)
            J = (J.T @ W2).T
            J = J * d_sigma(z1)
            J = J @ a0.T / x.size
            return J

        def J_b1(x, y):
            a0, z1, a1, z2, a2, z3, a3 = network_function(x)
            J = 2 * (a3 - y)
            J = J * d_sigma(z3)
            J = (J.T @ W3).T
            J = J * d_sigma(z2)
            J = (J.T @ W2).T
            J = J * d_sigma(z1)
            J = np.sum(J, axis=1, keepdims=True) / x.size
            return J

        rng = np.random.default_rng(1)
        for _ in range(n):
            j_W1 = J_W1(x, y) * (1 + rng.standard_normal() * NOISE)
            j_b1 = J_b1(x, y) * (1 + rng.standard_normal() * NOISE)
            j_W2 = J_W2(x, y) * (1 + rng.standard_normal() * NOISE)
            j_b2 = J_b2(x, y) * (1 + rng.standard_normal() * NOISE)
            j_W3 = J_W3(x, y) * (1 + rng.standard_normal() * NOISE)
            j_b3 = J_b3(x, y) * (1 + rng.standard_normal() * NOISE)
            W1 = W1 - j_W1 * AGGRESSION
            b1 = b1 - j_b1 * AGGRESSION
            W2 = W2 - j_W2 * AGGRESSION
            b2 = b2 - j_b2 * AGGRESSION
            W3 = W3 - j_W3 * AGGRESSION
            b3 = b3 - j_b3 * AGGRESSION
        # the course's cost divides by x.size = N, the same as mvcalc's ||a - y||² / N
        return float(cost(x, y))

    run(200)
    seconds, cost = best_of(repeats, lambda: run(steps))
    return Row("course structure (NumPy)", seconds, cost)


# ------------------------------------------------------------------------------------------------
# PyTorch eager
# ------------------------------------------------------------------------------------------------


def bench_torch(x: np.ndarray, y: np.ndarray, steps: int, repeats: int) -> Row | str:
    """Autograd each step, parameters updated in place under ``no_grad``."""
    try:
        import torch
    except ImportError:
        return "PyTorch not installed — `make bench` installs the bench extra"
    torch.set_num_threads(1)
    xt = torch.tensor(x, dtype=torch.float64)
    yt = torch.tensor(y, dtype=torch.float64)
    n_examples = x.shape[1]

    def run(n: int) -> float:
        params = [torch.tensor(p, requires_grad=True) for p in initial_parameters()]
        gen = torch.Generator().manual_seed(1)
        for _ in range(n):
            a = xt
            for W, b in zip(params[0::2], params[1::2], strict=True):
                a = torch.sigmoid(W @ a + b)
            cost = ((a - yt) ** 2).sum() / n_examples
            cost.backward()
            factors = 1 + NOISE * torch.randn(len(params), generator=gen, dtype=torch.float64)
            with torch.no_grad():
                for p, f in zip(params, factors, strict=True):
                    p -= AGGRESSION * f * p.grad
                    p.grad = None
        with torch.no_grad():
            a = xt
            for W, b in zip(params[0::2], params[1::2], strict=True):
                a = torch.sigmoid(W @ a + b)
            return float(((a - yt) ** 2).sum() / n_examples)

    run(200)
    seconds, cost = best_of(repeats, lambda: run(steps))
    return Row(f"PyTorch {torch.__version__} eager autograd", seconds, cost, "1 thread")


# ------------------------------------------------------------------------------------------------
# JAX, whole loop compiled
# ------------------------------------------------------------------------------------------------


def bench_jax(x: np.ndarray, y: np.ndarray, steps: int, repeats: int) -> Row | str:
    """``jax.grad`` inside ``lax.fori_loop`` inside ``jit``; compile time excluded."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return "JAX not installed — `make bench` installs the bench extra"
    jax.config.update("jax_enable_x64", True)
    xj, yj = jnp.asarray(x), jnp.asarray(y)
    n_examples = x.shape[1]

    def cost(params, x, y):
        a = x
        for W, b in zip(params[0::2], params[1::2], strict=True):
            a = jax.nn.sigmoid(W @ a + b)
        return jnp.sum((a - y) ** 2) / n_examples

    grad = jax.grad(cost)

    @jax.jit
    def train(params, key, n):
        def step(_, state):
            params, key = state
            key, sub = jax.random.split(key)
            factors = 1 + NOISE * jax.random.normal(sub, (len(params),), dtype=jnp.float64)
            grads = grad(params, xj, yj)
            params = tuple(
                p - AGGRESSION * factors[i] * g
                for i, (p, g) in enumerate(zip(params, grads, strict=True))
            )
            return params, key

        params, _ = jax.lax.fori_loop(0, n, step, (params, key))
        return params, cost(params, xj, yj)

    params0 = tuple(jnp.asarray(p) for p in initial_parameters())
    key = jax.random.PRNGKey(1)
    start = time.perf_counter()
    jax.block_until_ready(train(params0, key, steps))  # compiles (n is traced: one compile)
    compile_seconds = time.perf_counter() - start

    def run() -> float:
        _, final = jax.block_until_ready(train(params0, key, steps))
        return float(final)

    seconds, final_cost = best_of(repeats, run)
    return Row(
        f"JAX {jax.__version__} jit(fori_loop)",
        seconds,
        final_cost,
        f"first call incl. compile {compile_seconds:.2f} s",
    )


# ------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if args.steps < 1 or args.repeats < 1:
        parser.error("--steps and --repeats must be positive")

    x, y = mc.datasets.heart_curve(100)
    print(
        f"Backpropagation: {'-'.join(map(str, SIZES))} sigmoid network, N = {x.shape[1]}, "
        f"{args.steps:,} steps, aggression {AGGRESSION:g}, noise {NOISE:g}, float64; "
        f"best of {args.repeats}"
    )
    print(
        f"Python {platform.python_version()}, NumPy {np.__version__}, mvcalc {mc.__version__}, "
        f"{platform.machine()}"
    )
    rows: list[Row] = []
    for bench in (bench_mvcalc, bench_course, bench_torch, bench_jax):
        result = bench(x, y, args.steps, args.repeats)
        if isinstance(result, str):
            print(f"  ({result})")
        else:
            rows.append(result)

    mine = rows[0].seconds
    print()
    print("| implementation | µs/step | steps/s | final cost | mvcalc speed-up | note |")
    print("|---|---:|---:|---:|---:|---|")
    for row in rows:
        us = row.seconds / args.steps * 1e6
        print(
            f"| {row.name} | {us:,.1f} | {args.steps / row.seconds:,.0f} | {row.final_cost:.4g} "
            f"| {row.seconds / mine:.2f}x | {row.note} |"
        )
    print()
    by_name = {row.name.split()[0]: row for row in rows}
    if "JAX" in by_name:
        ratio = mine / by_name["JAX"].seconds
        verdict = "PASS" if ratio <= 1.5 else "MISS"
        print(f"{verdict}: mvcalc within 1.5x of JAX's compiled loop (mvcalc/JAX = {ratio:.2f})")
    if "PyTorch" in by_name:
        ratio = by_name["PyTorch"].seconds / mine
        verdict = "PASS" if ratio >= 10 else "MISS"
        print(
            f"{verdict}: mvcalc at least 10x faster than PyTorch eager "
            f"(PyTorch/mvcalc = {ratio:.1f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
