"""Result records returned by mvcalc's iterative methods.

They are plain frozen dataclasses: print them, compare them, pull fields out by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

__all__ = ["GradientCheck", "TrainingHistory"]


@dataclass(frozen=True)
class TrainingHistory:
    """What :meth:`mvcalc.Network.train` did.

    Attributes
    ----------
    steps : ndarray of int
        The steps at which the cost and output were recorded (0 is the starting point).
    cost : ndarray of float
        The cost C = ||a(L) − y||² / N at each recorded step.
    outputs : list of ndarray
        The network's output a(L), shape (nL, N), at each recorded step.
    x, y : ndarray
        The training data.
    iterations : int
        The number of steps taken.
    seconds : float
        Wall-clock time of the training loop.
    converged : bool
        False when training had to stop early (the cost became non-finite).
    message : str
        What happened, in words.
    """

    steps: NDArray[np.int64]
    cost: NDArray[np.float64]
    outputs: list[NDArray[np.float64]] = field(repr=False)
    x: NDArray[np.float64] = field(repr=False)
    y: NDArray[np.float64] = field(repr=False)
    iterations: int
    seconds: float
    converged: bool
    message: str

    @property
    def initial_cost(self) -> float:
        """The cost before the first step."""
        return float(self.cost[0])

    @property
    def final_cost(self) -> float:
        """The cost after the last step taken."""
        return float(self.cost[-1])

    @property
    def steps_per_second(self) -> float:
        """Training speed (``inf`` when no time was measurable)."""
        return self.iterations / self.seconds if self.seconds > 0 else float("inf")


@dataclass(frozen=True)
class GradientCheck:
    """Backpropagation's Jacobians beside central differences (:meth:`Network.gradient_check`).

    Attributes
    ----------
    analytic, numeric : ndarray
        ∂C/∂θ from backpropagation and from central differences, flattened in the order
        W(1), b(1), W(2), b(2), ...
    max_abs_error : float
        The largest absolute difference.
    max_rel_error : float
        ``max_abs_error`` divided by the largest analytic entry.
    ok : bool
        Whether every difference is within the tolerance.
    """

    analytic: NDArray[np.float64] = field(repr=False)
    numeric: NDArray[np.float64] = field(repr=False)
    max_abs_error: float
    max_rel_error: float
    ok: bool
