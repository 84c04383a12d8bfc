"""A reference solution of the second assignment (the exercise contract of issue 14).

The model is the normalised Gaussian f(x; μ, σ) and χ² = Σ (y − f)².
"""

import numpy as np


def f(x, mu, sig):
    return np.exp(-((x - mu) ** 2) / (2 * sig**2)) / np.sqrt(2 * np.pi) / sig


def chi_squared(mu, sig, x, y):
    return np.sum((y - f(x, mu, sig)) ** 2)


def d_chi_squared(mu, sig, x, y):
    r = y - f(x, mu, sig)
    df_dmu = f(x, mu, sig) * (x - mu) / sig**2
    df_dsig = f(x, mu, sig) * ((x - mu) ** 2 / sig**3 - 1 / sig)
    return np.array([-2 * np.sum(r * df_dmu), -2 * np.sum(r * df_dsig)])


def steepest_step(mu, sig, x, y, aggression):
    d_mu, d_sig = d_chi_squared(mu, sig, x, y)
    return mu - aggression * d_mu, sig - aggression * d_sig
