"""mvcalc: the multivariate calculus of machine learning, as software.

The public API is re-exported here; see DESIGN.md for the contract. The light parts (NumPy only)
are imported at once; the heavy ones — figures (matplotlib), the web lab (Starlette), and the
symbolic parts (SymPy) — load on first use, so that ``import mvcalc`` stays fast.

Examples
--------
>>> import mvcalc as mc
>>> x, y = mc.datasets.heart_curve()
>>> mc.Network([1, 6, 7, 2], seed=0).cost(x, y) > 0
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mvcalc import autodiff, calculus, datasets, optimize, regression
from mvcalc.autodiff import grad, hessian, jacobian, jvp, value_and_grad, vjp
from mvcalc.calculus import DerivativeResult, derivative
from mvcalc.nn import Network
from mvcalc.optimize import (
    gradient_descent,
    lagrange,
    minimize,
    newton_raphson,
    stationary_points,
)
from mvcalc.regression import chi_squared, fit, gaussian, linear_fit
from mvcalc.results import FitResult, GradientCheck, LinearFit, Result, TrainingHistory

if TYPE_CHECKING:  # for type checkers; at run time these load on first use (__getattr__)
    from mvcalc import exercises, lab, plots, sandpit, series, symbolic
    from mvcalc.series import TaylorSeries, taylor

__version__ = "0.1.0"

# name -> (module, attribute or None for the module itself)
_LAZY: dict[str, tuple[str, str | None]] = {
    "exercises": ("mvcalc.exercises", None),
    "lab": ("mvcalc.lab", None),
    "plots": ("mvcalc.plots", None),
    "sandpit": ("mvcalc.sandpit", None),
    "series": ("mvcalc.series", None),
    "symbolic": ("mvcalc.symbolic", None),
    "taylor": ("mvcalc.series", "taylor"),
    "TaylorSeries": ("mvcalc.series", "TaylorSeries"),
}


def __getattr__(name: str) -> Any:
    """Load the heavy parts of the API on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'mvcalc' has no attribute {name!r}")
    module_name, attribute = _LAZY[name]
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


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
    "exercises",
    "fit",
    "gaussian",
    "grad",
    "gradient_descent",
    "hessian",
    "jacobian",
    "jvp",
    "lab",
    "lagrange",
    "linear_fit",
    "minimize",
    "newton_raphson",
    "optimize",
    "plots",
    "regression",
    "sandpit",
    "series",
    "stationary_points",
    "symbolic",
    "taylor",
    "value_and_grad",
    "vjp",
]
