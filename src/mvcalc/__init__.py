"""mvcalc: the multivariate calculus of machine learning, as software.

The public API is re-exported here; see DESIGN.md for the contract.

Examples
--------
>>> import mvcalc as mc
>>> x, y = mc.datasets.heart_curve()
>>> mc.Network([1, 6, 7, 2], seed=0).cost(x, y) > 0
True
"""

from mvcalc import autodiff, calculus, datasets, lab, optimize, plots, regression, series, symbolic
from mvcalc.autodiff import grad, hessian, jacobian
from mvcalc.calculus import DerivativeResult, derivative
from mvcalc.nn import Network
from mvcalc.optimize import gradient_descent, lagrange, minimize, newton_raphson
from mvcalc.regression import chi_squared, fit, gaussian, linear_fit
from mvcalc.results import FitResult, GradientCheck, LinearFit, Result, TrainingHistory
from mvcalc.series import TaylorSeries, taylor

__version__ = "0.1.0"

__all__ = [
    "DerivativeResult",
    "FitResult",
    "GradientCheck",
    "LinearFit",
    "Network",
    "Result",
    "TaylorSeries",
    "TrainingHistory",
    "__version__",
    "autodiff",
    "calculus",
    "chi_squared",
    "datasets",
    "derivative",
    "fit",
    "gaussian",
    "grad",
    "gradient_descent",
    "hessian",
    "jacobian",
    "lab",
    "lagrange",
    "linear_fit",
    "minimize",
    "newton_raphson",
    "optimize",
    "plots",
    "regression",
    "series",
    "symbolic",
    "taylor",
]
