"""Forecasting benchmarks (not timed tests): run with ``python bench/bench_forecast.py [timing|intervals]``.

timing     — wall time of the default ``auto`` backtest (8 origins, h = 12) and of a 120-month
             forecast on a synthetic 120-month series, and of a nowcast with its backtest.
intervals  — the interval comparison behind ``auto``'s widening rule (docs/forecasting.md §1):
             80 % coverage of the chosen model's intervals unscaled, scaled both ways and widened
             only, on 32 synthetic monthly series of known processes. Takes several minutes.
selection  — ``auto`` with 3 inner origins 6 months apart (the default) against 6 origins 3 months
             apart on other seeds of the same processes: MASE, MASE / naive, 80 % coverage.
             Takes about ten minutes.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from resmodel.forecast import Forecaster, make_model
from resmodel.forecast.crossval import run_model, training_lengths
from resmodel.forecast.ensemble import AutoSelect
from resmodel.forecast.forecaster import default_candidates
from resmodel.forecast.frame import Series
from resmodel.forecast.metrics import mase_scale
from resmodel.forecast.models import z_value
from resmodel.forecast.nowcast import backtest_nowcast, build_triangle, nowcast

KINDS = ("rw", "llt", "ar", "count")


def synthetic(kind: str, seed: int, n: int = 120) -> np.ndarray:
    """A monthly series of a known process: random walk with drift, local linear trend, AR(1)
    around a trend, or Poisson counts; each with a random seasonal pattern."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    seas = np.tile(rng.normal(0, 1, 12), n // 12 + 1)[:n] * rng.uniform(0, 15)
    if kind == "rw":
        y = 500 + np.cumsum(rng.normal(rng.uniform(-1, 4), rng.uniform(2, 8), n))
    elif kind == "llt":
        y = 400 + np.cumsum(np.cumsum(rng.normal(0, 0.3, n)) + rng.uniform(0, 5)) + rng.normal(0, 5, n)
    elif kind == "ar":
        e = np.zeros(n)
        for i in range(1, n):
            e[i] = 0.7 * e[i - 1] + rng.normal(0, 6)
        y = 300 + rng.uniform(0, 3) * t + e
    else:
        lam = np.maximum(5 + 0.05 * t + np.cumsum(rng.normal(0, 0.3, n)), 1)
        y = rng.poisson(lam).astype(float)
        seas = seas * 0.05
    return np.maximum(y + seas, 0)


def _series(y: np.ndarray, uid: str = "s") -> Series:
    return Series(uid, "M", pd.date_range("2015-01-01", periods=len(y), freq="MS"), y, pd.DataFrame(index=range(len(y))))


def _coverage(job: tuple[str, int]) -> list[tuple[str, str, float]]:
    kind, seed = job
    y = synthetic(kind, seed)
    s = _series(y)
    auto = AutoSelect(default_candidates("M"))
    out = []
    for n in training_lengths(len(y), 12, 8, 6):
        train = s.head(n)
        choice = auto.choose(train, 12)
        fit = run_model(choice.model, train, 12, (80,)).fit
        sigma = (fit.hi[80] - fit.mean) / z_value(80)
        actual = y[n:n + 12]
        r = choice.interval_scale or 1.0
        for name, scale in (("unscaled", 1.0), ("scaled both ways", r), ("widened only", max(1.0, r))):
            out.append((kind, name, float(np.mean(np.abs(actual - fit.mean) <= scale * sigma * z_value(80)))))
    return out


def intervals() -> None:
    jobs = [(k, s) for k in KINDS for s in range(8)]
    with ProcessPoolExecutor(2) as ex:
        rows = [r for part in ex.map(_coverage, jobs) for r in part]
    df = pd.DataFrame(rows, columns=["process", "intervals", "coverage"])
    print((df.pivot_table(index="process", columns="intervals", values="coverage") * 100).round(1))
    print((df.groupby("intervals")["coverage"].mean() * 100).round(1))


def _selection(job: tuple[str, int]) -> list[tuple]:
    kind, seed = job
    y = synthetic(kind, seed + 100)
    s = _series(y)
    naive = default_candidates("M")[0]
    out = []
    for windows, step in ((3, 6), (6, 3)):
        auto = AutoSelect(default_candidates("M"), windows=windows, step=step)
        for n in training_lengths(len(y), 12, 8, 6):
            train, actual, scale = s.head(n), y[n:n + 12], mase_scale(y[:n], 12)
            fit = auto.predict(train, 12, (80,))
            base = run_model(naive, train, 12, (80,)).fit
            out.append((f"{windows} origins, step {step}", float(np.mean(np.abs(actual - fit.mean)) / scale),
                        float(np.mean(np.abs(actual - base.mean)) / scale),
                        float(np.mean((actual >= fit.lo[80]) & (actual <= fit.hi[80])))))
    return out


def selection() -> None:
    jobs = [(k, s) for k in KINDS for s in range(8)]
    with ProcessPoolExecutor(2) as ex:
        rows = [r for part in ex.map(_selection, jobs) for r in part]
    df = pd.DataFrame(rows, columns=["inner backtest", "mase", "naive_mase", "coverage_80"])
    g = df.groupby("inner backtest").mean()
    g["mase/naive"] = g["mase"] / g["naive_mase"]
    print(g.round(3))


def timing() -> None:
    y = synthetic("llt", 1)
    df = pd.DataFrame({"unique_id": "s", "ds": pd.date_range("2015-01-01", periods=120, freq="MS"), "y": y})
    t0 = time.perf_counter()
    Forecaster([make_model("auto")]).cross_validation(df, h=12, n_windows=8, step=6)
    t1 = time.perf_counter()
    Forecaster([make_model("auto")]).forecast(df, h=120)
    t2 = time.perf_counter()
    rng = np.random.default_rng(0)
    months = pd.date_range("2015-01-01", periods=120, freq="MS")
    pattern = np.array([0.0, 0.5, 0.25, 0.1, 0.08, 0.05, 0.02])
    inv = pd.DataFrame([(m, m + pd.DateOffset(months=lag), 1000 * p * rng.lognormal(0, 0.03))
                        for m in months for lag, p in enumerate(pattern) if p and m + pd.DateOffset(months=lag) <= months[-1]],
                       columns=["service_month", "reporting_month", "amount_sek"])
    t3 = time.perf_counter()
    nowcast(build_triangle(inv, "amount_sek"))
    backtest_nowcast(inv, "amount_sek")
    t4 = time.perf_counter()
    print(f"auto backtest, 1 series × 8 origins: {t1 - t0:.2f} s")
    print(f"auto forecast, 120 months: {t2 - t1:.2f} s")
    print(f"nowcast 120 × 120 triangle with 12-origin backtest: {t4 - t3:.2f} s")


if __name__ == "__main__":
    {"timing": timing, "intervals": intervals, "selection": selection}[sys.argv[1] if len(sys.argv) > 1 else "timing"]()
