"""What the regression modules share: array types, the uncertainties σ, and a model's arity."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mvcalc._validate import positive_array

FloatArray = NDArray[np.float64]
Model = Callable[..., ArrayLike]


def sigma_vector(value: ArrayLike, n: int) -> FloatArray:
    """The uncertainties σ of n points: positive, one per point (a scalar applies to all)."""
    s = positive_array(value, "sigma")
    if s.ndim == 0:
        s = np.full(n, float(s))
    if s.shape != (n,):
        raise ValueError(f"sigma must hold one uncertainty per point ({n}), got shape {s.shape}")
    return s


def count_parameters(model: Model) -> int | None:
    """The number of parameters after x in ``model``'s signature, or None if it takes *args."""
    try:
        signature = inspect.signature(model)
    except (TypeError, ValueError):
        return None
    positional = []
    for param in signature.parameters.values():
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            return None
        if param.kind in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            positional.append(param)
    return max(len(positional) - 1, 0)
