"""A reference solution of the first assignment (the exercise contract of issue 14), written
as a learner of the course would: one function per Jacobian, each running the forward pass.

The network is 1-6-7-2 with sigmoid activations; C = Σ‖a⁽³⁾ − y‖² / N; x has shape (1, N), y
(2, N); W = [W1, W2, W3], b = [b1, b2, b3].
"""

import numpy as np


def sigma(z):
    return 1 / (1 + np.exp(-z))


def d_sigma(z):
    s = sigma(z)
    return s * (1 - s)


def forward(x, W, b):
    a0 = x
    z1 = W[0] @ a0 + b[0]
    a1 = sigma(z1)
    z2 = W[1] @ a1 + b[1]
    a2 = sigma(z2)
    z3 = W[2] @ a2 + b[2]
    a3 = sigma(z3)
    return a0, z1, a1, z2, a2, z3, a3


def _deltas(x, y, W, b):
    """∂C/∂z for each layer, from the output back (the chain rule)."""
    a0, z1, a1, z2, a2, z3, a3 = forward(x, W, b)
    n = x.shape[1]  # ∂C/∂a(3) = 2 (a(3) − y) / N
    d3 = 2 * (a3 - y) / n * d_sigma(z3)
    d2 = (W[2].T @ d3) * d_sigma(z2)
    d1 = (W[1].T @ d2) * d_sigma(z1)
    return (a0, a1, a2), (d1, d2, d3)


def J_W3(x, y, W, b):
    a, d = _deltas(x, y, W, b)
    return d[2] @ a[2].T


def J_b3(x, y, W, b):
    _, d = _deltas(x, y, W, b)
    return np.sum(d[2], axis=1, keepdims=True)


def J_W2(x, y, W, b):
    a, d = _deltas(x, y, W, b)
    return d[1] @ a[1].T


def J_b2(x, y, W, b):
    _, d = _deltas(x, y, W, b)
    return np.sum(d[1], axis=1, keepdims=True)


def J_W1(x, y, W, b):
    a, d = _deltas(x, y, W, b)
    return d[0] @ a[0].T


def J_b1(x, y, W, b):
    _, d = _deltas(x, y, W, b)
    return np.sum(d[0], axis=1, keepdims=True)
