"""Forecast accuracy: MAPE, MASE (Hyndman & Koehler 2006, scaled by the in-sample seasonal-naive
error of each training window), bias and prediction-interval coverage, per series and model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from resmodel.forecast.frame import ID, Series, Y


def mase_scale(y_train: np.ndarray, m: int) -> float:
    """Mean absolute seasonal difference of the training data (lag m; lag 1 if too short)."""
    if len(y_train) <= m:
        m = 1
    if len(y_train) <= m:
        return float("nan")
    return float(np.mean(np.abs(y_train[m:] - y_train[:-m])))


def mape(y: np.ndarray, yhat: np.ndarray) -> float:
    """Mean absolute percentage error over non-zero actuals (NaN if all actuals are zero)."""
    nz = y != 0
    return float(np.mean(np.abs((y[nz] - yhat[nz]) / y[nz])) * 100) if nz.any() else float("nan")


def coverage(y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Share (%) of actuals inside [lo, hi]."""
    return float(np.mean((y >= lo) & (y <= hi)) * 100)


def scales_for(cv: pd.DataFrame, series: dict[str, Series]) -> np.ndarray:
    """MASE scale of each cross-validation row: seasonal-naive error of its window's training data."""
    keys = cv[[ID, "cutoff"]].drop_duplicates()
    table = {}
    for uid, cutoff in keys.itertuples(index=False):
        s = series[uid]
        n = int(s.ds.searchsorted(pd.Timestamp(cutoff), side="right"))
        table[(uid, pd.Timestamp(cutoff))] = mase_scale(s.y[:n], s.season)
    return np.array([table[(u, pd.Timestamp(c))] for u, c in zip(cv[ID], cv["cutoff"], strict=True)])


def evaluate(cv: pd.DataFrame, series: dict[str, Series], models: Sequence[str], levels: Sequence[int] = (80, 95),
             baseline: str = "naive") -> pd.DataFrame:
    """One row per series and model: windows, points, MAPE, MASE, bias (forecast − actual, mean and
    % of actuals), the error of each window's horizon average (``mape_mean``), interval coverage, the baseline's MASE, the ratio and whether the model beats it,
    and which models actually produced the numbers (fallbacks show here). MASE leaves out the windows whose
    training data are flat (nothing to scale by; ``mase_windows`` counts the others): one flat origin of a
    yearly rate fixed for years made the whole series' MASE undefined (methods audit)."""
    scale = scales_for(cv, series)
    rows = []
    for uid, idx in cv.groupby(ID, sort=True).indices.items():
        g = cv.iloc[idx]
        y = g[Y].to_numpy(dtype=float)
        sc = scale[idx]
        scalable = np.isfinite(sc) & (sc > 0)
        mase_windows = int(g.loc[scalable, "cutoff"].nunique())
        stats = {}
        for name in models:
            yhat = g[name].to_numpy(dtype=float)
            err = yhat - y
            scaled = np.abs(err[scalable]) / sc[scalable]
            used = g.groupby("cutoff")[f"{name}-model_used"].first().value_counts()
            row = {
                ID: uid, "model": name, "windows": int(g["cutoff"].nunique()), "points": len(g),
                "mape": mape(y, yhat),
                "mase": float(np.mean(scaled)) if len(scaled) and np.all(np.isfinite(scaled)) else float("nan"),
                "mase_windows": mase_windows,
                "bias": float(np.mean(err)),
                "bias_pct": float(err.sum() / y.sum() * 100) if y.sum() else float("nan"),
                "mape_mean": _mape_of_means(g, name),
            }
            for lv in levels:
                row[f"coverage_{lv}"] = coverage(y, g[f"{name}-lo-{lv}"].to_numpy(), g[f"{name}-hi-{lv}"].to_numpy())
            row["model_used"] = ", ".join(f"{m}×{c}" if len(used) > 1 else m for m, c in used.sort_index().items())
            stats[name] = row
        base = stats.get(baseline)
        for name in models:
            row = stats[name]
            row[f"{baseline}_mase"] = base["mase"] if base else float("nan")
            row["relative_mase"] = row["mase"] / base["mase"] if base and base["mase"] else float("nan")
            row["beats_naive"] = bool(base is not None and name != baseline and row["mase"] < base["mase"])
            rows.append(row)
    return pd.DataFrame(rows)


def _mape_of_means(g: pd.DataFrame, name: str) -> float:
    """The error of each window's average over its horizon (what a budget year uses: next year's average
    volume, not each month's), in % of the actual average, over the windows."""
    means = g.groupby("cutoff")[[Y, name]].mean()
    actual = means[Y].to_numpy(dtype=float)
    if np.any(actual == 0):
        return float("nan")
    return float(np.mean(np.abs(means[name].to_numpy(dtype=float) - actual) / np.abs(actual)) * 100)


CALIBRATED_80 = (70.0, 90.0)  # where a calibrated 80 % interval's coverage falls in a backtest of this size
# fewest backtest origins on which coverage is judged: the points of one origin move together, so a series'
# coverage rests on about one independent draw per origin; below 7 a calibrated 80 % interval (independent draws,
# binomial) lands in 70–90 % at most 41 % of the time (0 % at 3, 41 % at 4 and 5, 39 % at 6), at 7–19 draws in
# 51–77 % (64 % at 7, 63 % at 8, 77 % at 10), so on fewer origins "not calibrated" would be the likelier verdict
MIN_COVERAGE_ORIGINS = 7


def verdict(metrics: pd.DataFrame, model: str) -> pd.DataFrame:
    """For ``model``, per series: its MASE relative to naive, whether it beats naive, its 80 %
    coverage and whether that lies in ``CALIBRATED_80`` — the two questions a user asks of a backtest.
    ``judged_80`` is False where the series has fewer than ``MIN_COVERAGE_ORIGINS`` backtest origins
    (``calibrated_80`` is then False but says nothing)."""
    rows = metrics[metrics["model"] == model]
    lo, hi = CALIBRATED_80
    judged = (rows["windows"] >= MIN_COVERAGE_ORIGINS).to_numpy()
    return pd.DataFrame({
        ID: rows[ID].to_numpy(), "model": model, "relative_mase": rows["relative_mase"].to_numpy(),
        "beats_naive": rows["beats_naive"].to_numpy(), "coverage_80": rows["coverage_80"].to_numpy(),
        "points": rows["points"].to_numpy(), "windows": rows["windows"].to_numpy(), "judged_80": judged,
        "calibrated_80": rows["coverage_80"].between(lo, hi).to_numpy() & judged,
    })
