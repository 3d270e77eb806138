"""Benchmark of the suspicious-value check (forecast/anomalies.py, code review h21 #5): ``suspicious_values`` with
its cheap spike tests first against the loop it replaced, which computed the other changes' spread (a median) for
every point — kept as the reference in tests/forecast/test_anomalies_cheap_first.py — in the same run, on seeded
monthly series of 300 points (Poisson, mean 300, as the review's reproducer) with spikes and partial last months
planted. Both must find the same values (asserted).

Run:  python bench/bench_anomalies.py [--series 200] [--points 300] [--repeat 3]
Prints a markdown table of median times and the ratio (reference / now)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from timing import median_time

from resmodel.forecast.anomalies import suspicious_values
from resmodel.forecast.frame import Series

ROOT = Path(__file__).resolve().parents[1]


def reference() -> Callable:
    """The loop that computed every point's spread, from the test suite (which asserts the two equal)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.forecast.test_anomalies_cheap_first import reference_suspicious_values

    return reference_suspicious_values


def monthly_series(count: int, points: int, seed: int = 0) -> list[Series]:
    """``count`` monthly series of ``points`` Poisson(300) values, each with two spikes and every third with a
    partial last month."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2000-01-01", periods=points, freq="MS")
    out = []
    for i in range(count):
        y = rng.poisson(300, points).astype(float)
        y[rng.integers(1, points - 1, 2)] *= 3.2
        if i % 3 == 0:
            y[-1] *= 0.3
        out.append(Series(f"s{i}", "M", ds, y, pd.DataFrame(index=range(points))))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=200, help="monthly series")
    parser.add_argument("--points", type=int, default=300, help="points per series")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (the median)")
    args = parser.parse_args()
    series = monthly_series(args.series, args.points)
    print(f"Suspicious values — load average at start {' / '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    t_ref, expected = median_time(lambda: reference()(series), args.repeat)
    t_now, found = median_time(lambda: suspicious_values(series), args.repeat)
    assert found == expected, "the cheap-first check found other values than the reference"
    print("| what | every point's spread (reference, s) | cheap tests first (s) | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| `suspicious_values`, {args.series} monthly series × {args.points} points | {t_ref:.3f} | {t_now:.3f} "
          f"| {t_ref / t_now:.0f}× |")
    print(f"\nThe same {len(found)} values found by both (asserted); medians of {args.repeat} runs. "
          f"Load average at the end {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
