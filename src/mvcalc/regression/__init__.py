"""Least squares: the Gaussian, χ², straight lines, and non-linear fits.

This is the course's regression week, one module per concern:

* :mod:`mvcalc.regression.models` — :func:`gaussian` and its analytic Jacobian, and the named
  models of ``mvcalc fit --model NAME`` (:data:`NAMED_MODELS`: :func:`line`,
  :func:`exponential`, :func:`poly2`, :func:`scaled_gaussian`, each with its exact Jacobian,
  parameter names and a starting guess from the data), and :func:`model_from_text` for a model
  written as a formula (``--model "a*exp(-b*x) + c"``);
* :mod:`mvcalc.regression.linear` — :func:`linear_fit`, straight lines in closed form;
* :mod:`mvcalc.regression.fit` — :func:`chi_squared` and :func:`fit`: non-linear least squares
  by Levenberg–Marquardt, Gauss–Newton or steepest descent, sharing one driver, one convergence
  test and one covariance (by the SVD of J).

Every public name is re-exported here, so ``mvcalc.regression.fit`` is the function (its module
is ``sys.modules["mvcalc.regression.fit"]``).

Examples
--------
>>> import mvcalc as mc
>>> mc.regression.fit is mc.fit
True
>>> round(mc.regression.linear_fit([0, 1, 2], [1, 3, 5]).slope, 12)
2.0
"""

from __future__ import annotations

from mvcalc.regression.fit import COURSE_AGGRESSION, JACOBIANS, METHODS, chi_squared, fit
from mvcalc.regression.linear import linear_fit
from mvcalc.regression.models import (
    KNOWN_JACOBIANS,
    MODEL_ALIASES,
    NAMED_MODELS,
    NamedModel,
    exponential,
    gaussian,
    gaussian_jacobian,
    line,
    model_from_text,
    poly2,
    scaled_gaussian,
)

__all__ = [
    "COURSE_AGGRESSION",
    "JACOBIANS",
    "KNOWN_JACOBIANS",
    "METHODS",
    "MODEL_ALIASES",
    "NAMED_MODELS",
    "NamedModel",
    "chi_squared",
    "exponential",
    "fit",
    "gaussian",
    "gaussian_jacobian",
    "line",
    "linear_fit",
    "model_from_text",
    "poly2",
    "scaled_gaussian",
]
