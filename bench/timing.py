"""Timing helpers shared by the benchmarks: the median of repeated runs, and every call a function
makes to a patched one, with its duration."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def median_time(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """(median seconds over ``repeats`` runs of ``fn``, the last run's result)."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


@contextmanager
def recorded_calls(owner: Any, name: str) -> Iterator[list[tuple[tuple, dict, float, Any]]]:
    """Within the block, every call of ``owner.name`` as (args, kwargs, seconds, result)."""
    calls: list[tuple[tuple, dict, float, Any]] = []
    original = getattr(owner, name)

    def recorded(*args, **kwargs):
        start = time.perf_counter()
        out = original(*args, **kwargs)
        calls.append((args, kwargs, time.perf_counter() - start, out))
        return out

    setattr(owner, name, recorded)
    try:
        yield calls
    finally:
        setattr(owner, name, original)
