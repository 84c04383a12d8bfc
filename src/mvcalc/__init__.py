"""mvcalc: the multivariate calculus of machine learning, as software.

The public API is re-exported here; see DESIGN.md for the contract.

Examples
--------
>>> import mvcalc as mc
>>> x, y = mc.datasets.heart_curve()
>>> mc.Network([1, 6, 7, 2], seed=0).cost(x, y) > 0
True
"""

from mvcalc import datasets, plots
from mvcalc.nn import Network
from mvcalc.results import GradientCheck, TrainingHistory

__version__ = "0.1.0"

__all__ = [
    "GradientCheck",
    "Network",
    "TrainingHistory",
    "__version__",
    "datasets",
    "plots",
]
