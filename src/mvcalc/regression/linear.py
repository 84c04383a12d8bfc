"""Straight lines by weighted least squares, in closed form."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from mvcalc._validate import finite_vector
from mvcalc.regression._common import sigma_vector
from mvcalc.results import LinearFit

__all__ = ["linear_fit"]


def linear_fit(x: ArrayLike, y: ArrayLike, sigma: ArrayLike | None = None) -> LinearFit:
    """Fit y = slope · x + intercept by (weighted) least squares, in closed form.

    Parameters
    ----------
    x, y : array_like, shape (N,)
        At least two points, with at least two distinct x.
    sigma : array_like, shape (N,), optional
        Uncertainties of ``y`` (positive). Weights are 1/σ².

    Returns
    -------
    LinearFit
        ``slope``, ``intercept``, their standard errors, ``chi2``, ``r_squared``,
        ``covariance`` and ``dof``.

    Notes
    -----
    With weights :math:`w_i = 1/σ_i^2`, weighted means :math:`\\bar x, \\bar y` and
    :math:`S_{xx} = \\sum w_i (x_i - \\bar x)^2`,

    .. math:: \\text{slope} = \\frac{\\sum w_i (x_i - \\bar x)(y_i - \\bar y)}{S_{xx}}, \\quad
              \\text{intercept} = \\bar y - \\text{slope} \\, \\bar x,

    .. math:: \\operatorname{var}(\\text{slope}) = \\frac{1}{S_{xx}}, \\quad
              \\operatorname{var}(\\text{intercept}) = \\frac{1}{\\sum w_i} +
              \\frac{\\bar x^2}{S_{xx}} .

    As in :func:`scipy.optimize.curve_fit`, these are absolute when ``sigma`` is given; without
    it they are multiplied by the reduced χ², which makes the slope's error equal
    :func:`scipy.stats.linregress`'s ``stderr``.

    Examples
    --------
    >>> import mvcalc as mc
    >>> line = mc.linear_fit([0, 1, 2, 3], [1.1, 2.9, 5.2, 6.8])
    >>> round(line.slope, 3), round(line.intercept, 3)
    (1.94, 1.09)
    >>> round(line.r_squared, 4)
    0.9956
    """
    xa = finite_vector(x, "x")
    ya = finite_vector(y, "y")
    if xa.shape != ya.shape:
        raise ValueError(f"x and y must have the same length, got {xa.size} and {ya.size}")
    if xa.size < 2:
        raise ValueError(f"x and y must hold at least 2 points to fit a line, got {xa.size}")
    w = np.ones_like(ya) if sigma is None else 1 / sigma_vector(sigma, ya.size) ** 2
    S = w.sum()
    x_bar = (w @ xa) / S
    y_bar = (w @ ya) / S
    dx = xa - x_bar
    Sxx = w @ (dx * dx)
    if not Sxx > 0:
        raise ValueError("x must hold at least two distinct values to fit a line")
    slope = (w @ (dx * (ya - y_bar))) / Sxx
    intercept = y_bar - slope * x_bar
    resid = ya - (slope * xa + intercept)
    chi2 = float(w @ (resid * resid))
    ss_tot = float(w @ ((ya - y_bar) ** 2))
    r_squared = 1 - chi2 / ss_tot if ss_tot > 0 else float("nan")
    cov = np.array([[1 / Sxx, -x_bar / Sxx], [-x_bar / Sxx, 1 / S + x_bar**2 / Sxx]])
    dof = xa.size - 2
    if sigma is None:
        cov = cov * (chi2 / dof) if dof > 0 else np.full((2, 2), np.inf)
    errors = np.sqrt(np.diag(cov))
    return LinearFit(
        slope=float(slope),
        intercept=float(intercept),
        slope_error=float(errors[0]),
        intercept_error=float(errors[1]),
        chi2=chi2,
        r_squared=float(r_squared),
        covariance=cov,
        dof=dof,
    )
