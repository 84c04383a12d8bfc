"""Timing shared by the benchmark scripts."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def best_of(repeats: int, run: Callable[[], T]) -> tuple[float, T]:
    """Run ``run`` ``repeats`` (≥ 1) times; the best wall-clock time and the last result."""
    times, results = [], []
    for _ in range(max(repeats, 1)):
        start = time.perf_counter()
        results.append(run())
        times.append(time.perf_counter() - start)
    return min(times), results[-1]
