"""Argument checks shared by the public functions.

Each raises ``TypeError`` for a wrong type and ``ValueError`` for a wrong value, with a message
that names the argument and says what was expected.
"""

from __future__ import annotations

import math
import reprlib
from typing import Any

import numpy as np


def _short(value: Any, limit: int = 60) -> str:
    """A repr for an error message, cut to ``limit`` characters (a huge list stays one line)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    text = reprlib.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_int(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | np.integer)


def nonnegative_int(value: Any, name: str) -> int:
    """``value`` as an int ≥ 0."""
    if not _is_int(value):
        raise TypeError(f"{name} must be an integer, got {_short(value)}")
    if value < 0:
        raise ValueError(f"{name} must be non-negative, got {_short(value)}")
    return int(value)


def positive_int(value: Any, name: str) -> int:
    """``value`` as an int ≥ 1."""
    if not _is_int(value):
        raise TypeError(f"{name} must be an integer, got {_short(value)}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {_short(value)}")
    return int(value)


def finite_float(value: Any, name: str) -> float:
    """``value`` as a finite float."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a real number, got {_short(value)}")
    try:
        result = float(value)
    except OverflowError:  # an int too large for a float
        digits = int(int(value).bit_length() * math.log10(2)) + 1
        raise ValueError(
            f"{name} must be finite, got an integer of about {digits} digits"
        ) from None
    if not math.isfinite(result):
        raise ValueError(f"{name} must be finite, got {_short(value)}")
    return result


def positive_float(value: Any, name: str) -> float:
    """``value`` as a finite float > 0."""
    v = finite_float(value, name)
    if v <= 0:
        raise ValueError(f"{name} must be positive, got {_short(value)}")
    return v


def generator(seed: Any, name: str) -> np.random.Generator:
    """A NumPy Generator from ``seed`` (an int ≥ 0, a Generator, or None)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and not _is_int(seed):
        raise TypeError(f"{name} must be an int, a numpy Generator or None, got {_short(seed)}")
    if seed is not None and seed < 0:
        raise ValueError(f"{name} must be non-negative, got {seed}")
    return np.random.default_rng(seed)


def finite_array(value: Any, name: str) -> np.ndarray:
    """``value`` as a float array of any shape, every entry finite."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except OverflowError:  # an int too large for a float
        raise ValueError(f"{name} must be finite, got a number too large for a float") from None
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a number or an array of numbers, got {_short(value)}"
        ) from None
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    return arr


def finite_vector(value: Any, name: str) -> np.ndarray:
    """``value`` as a non-empty 1-D float array, every entry finite."""
    arr = finite_array(value, name)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    return arr


def finite_point(value: Any, name: str) -> np.ndarray:
    """``value`` as a finite scalar (0-D) or a non-empty 1-D float array: a start or a point."""
    arr = finite_array(value, name)
    if arr.ndim > 1:
        raise ValueError(f"{name} must be a number or 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    return arr


def one_of(value: Any, choices: tuple[str, ...] | list[str], name: str) -> str:
    """``value`` as one of the strings ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {_short(value)}")
    return value


def function(value: Any, name: str, signature: str) -> Any:
    """``value`` if it is callable; ``signature`` says how it will be called."""
    if not callable(value):
        raise TypeError(f"{name} must be callable as {signature}, got {type(value).__name__}")
    return value


#: The most memory one request may ask for; larger requests are refused before allocating.
MAX_BYTES = 1 << 30


def memory(nbytes: float, what: str) -> None:
    """Refuse a request that would need more than :data:`MAX_BYTES` of memory."""
    if nbytes > MAX_BYTES:
        raise ValueError(
            f"{what} would need about {_size(nbytes)} of memory, more than the "
            f"{_size(MAX_BYTES)} mvcalc allows for one request; choose smaller sizes"
        )


def _size(nbytes: float) -> str:
    for unit, scale in (("TiB", 2.0**40), ("GiB", 2.0**30), ("MiB", 2.0**20)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes:.0f} bytes"


def positive_array(value: Any, name: str) -> np.ndarray:
    """``value`` as a float array of any shape, every entry finite and > 0."""
    arr = finite_array(value, name)
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be positive")
    return arr


def bounded_int(value: Any, low: int, high: int, name: str) -> int:
    """``value`` as an int with ``low`` ≤ value ≤ ``high``."""
    if not _is_int(value):
        raise TypeError(f"{name} must be an integer from {low} to {high}, got {_short(value)}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, got {_short(value)}")
    return int(value)


def identifier(value: Any, name: str) -> str:
    """``value`` as a name such as ``x`` (a Python identifier not starting with ``_``)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a name such as 'x', got {_short(value)}")
    if not value.isidentifier() or value.startswith("_"):
        raise ValueError(f"{name} must be a name such as 'x', got {_short(value)}")
    return value
