"""Argument checks shared by the public functions.

Each raises ``TypeError`` for a wrong type and ``ValueError`` for a wrong value, with a message
that names the argument and says what was expected.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def _is_int(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | np.integer)


def nonnegative_int(value: Any, name: str) -> int:
    """``value`` as an int ≥ 0."""
    if not _is_int(value):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be non-negative, got {value}")
    return int(value)


def positive_int(value: Any, name: str) -> int:
    """``value`` as an int ≥ 1."""
    if not _is_int(value):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def finite_float(value: Any, name: str) -> float:
    """``value`` as a finite float."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return float(value)


def positive_float(value: Any, name: str) -> float:
    """``value`` as a finite float > 0."""
    v = finite_float(value, name)
    if v <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return v


def generator(seed: Any, name: str) -> np.random.Generator:
    """A NumPy Generator from ``seed`` (an int ≥ 0, a Generator, or None)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and not _is_int(seed):
        raise TypeError(f"{name} must be an int, a numpy Generator or None, got {seed!r}")
    if seed is not None and seed < 0:
        raise ValueError(f"{name} must be non-negative, got {seed}")
    return np.random.default_rng(seed)
