"""A reference solution of week 4, Taylor series and linearisation (its notebook's exercises)."""

import math

import numpy as np


def taylor_sqrt():
    # f(4) = 2, f'(4) = 1/(2·√4) = 1/4, f''(4) = −1/(4·4^(3/2)) = −1/32, divided by 2!
    return "2 + (x - 4)/4 - (x - 4)^2/64"


def taylor_value(derivatives, x0, x):
    x = np.asarray(x, dtype=float)
    return sum(d / math.factorial(k) * (x - x0) ** k for k, d in enumerate(derivatives))


def quadratic_approximation(f0, gradient, hessian, x0, x):
    dx = np.asarray(x, dtype=float) - np.asarray(x0, dtype=float)
    return f0 + gradient @ dx + 0.5 * dx @ hessian @ dx


def remainder_bound(max_derivative, n, distance):
    return max_derivative * distance ** (n + 1) / math.factorial(n + 1)
