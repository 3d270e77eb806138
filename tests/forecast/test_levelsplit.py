"""The level split's backtest: a service total's forecast times the level mix of the twelve months before the
origin, scored against each level, with the level's own last value as the naive baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.forecast.levelsplit import level_split_cv


def _levels() -> pd.DataFrame:
    months = pd.date_range("2020-01-01", periods=24, freq="MS")
    one = np.arange(24, dtype=float) + 10      # level 1: 10, 11, …, 33
    two = np.full(24, 30.0)                    # level 2: 30 every month
    return pd.concat([pd.DataFrame({"unique_id": "dv|1", "ds": months, "y": one}),
                      pd.DataFrame({"unique_id": "dv|2", "ds": months, "y": two}),
                      pd.DataFrame({"unique_id": "sfb", "ds": months, "y": 5.0})], ignore_index=True)


def _cv(cutoff: str, forecast: float) -> pd.DataFrame:
    ds = pd.date_range(pd.Timestamp(cutoff) + pd.DateOffset(months=1), periods=2, freq="MS")
    rows = pd.DataFrame({"unique_id": "dv", "ds": ds, "cutoff": pd.Timestamp(cutoff), "y": 0.0,
                         "drift": forecast, "naive": 60.0})
    for model, point in (("drift", forecast), ("naive", 60.0)):
        rows[f"{model}-lo-80"], rows[f"{model}-hi-80"] = point - 10, point + 10
        rows[f"{model}-model_used"] = model
    return pd.concat([rows, rows.assign(unique_id="sfb")], ignore_index=True)


def test_each_level_gets_the_total_forecast_times_its_share_of_the_twelve_months_before_the_origin():
    out = level_split_cv(_cv("2020-12-01", 100.0), _levels(), ["naive", "drift"]).set_index(["unique_id", "ds"])
    assert set(out.index.get_level_values("unique_id")) == {"dv|1", "dv|2"}  # sfb has no levels
    share_one = np.mean(np.arange(12) + 10) / (np.mean(np.arange(12) + 10) + 30)  # 15.5 / 45.5
    first = pd.Timestamp("2021-01-01")
    assert out.loc[("dv|1", first), "drift"] == pytest.approx(100 * share_one)
    assert out.loc[("dv|2", first), "drift-hi-80"] == pytest.approx(110 * (1 - share_one))
    assert out.loc[("dv|1", first), "y"] == 22.0 and out.loc[("dv|2", first), "y"] == 30.0  # what each level had
    assert out.loc[("dv|1", first), "naive"] == 21.0  # the level's own last value at the origin (2020-12)
    assert out.loc[("dv|1", first), "naive-lo-80"] == pytest.approx(21.0 - 10 * share_one)


def test_a_service_without_volume_before_the_origin_is_left_out():
    levels = _levels()
    levels.loc[levels["unique_id"].str.startswith("dv"), "y"] = 0.0
    assert level_split_cv(_cv("2020-12-01", 100.0), levels, ["naive", "drift"]).empty


def test_backtest_of_a_volume_history_scores_the_level_split(cli, tmp_path):
    from tests.forecast.conftest import FIXTURES

    res = cli(["backtest", "--series", FIXTURES / "history_valid.csv", "--models", "naive,drift", "--out", tmp_path])
    assert res.exit_code == 0, res.stderr
    levels = pd.read_csv(tmp_path / "backtest_levels.csv")
    assert set(levels["unique_id"]) == {"daglig_verksamhet|1", "daglig_verksamhet|2"}
    assert set(levels["model"]) == {"naive", "drift"}
    assert "level split of drift: beats naive on" in res.stdout


def test_backtest_of_a_history_of_service_totals_only_has_no_level_split(cli, tmp_path):
    """Economist walkthrough: a history with the level column empty on every row (service totals, as the docs
    allow) crashed the backtest with a KeyError in the level split."""
    from tests.forecast.conftest import FIXTURES

    history = pd.read_csv(FIXTURES / "history_valid.csv", dtype=str, keep_default_na=False)
    totals = history.assign(volume=pd.to_numeric(history["volume"])).groupby(["month", "service"], as_index=False)[
        "volume"].sum().assign(level="")[["month", "service", "level", "volume"]]
    totals.to_csv(tmp_path / "totals.csv", index=False)
    res = cli(["backtest", "--series", tmp_path / "totals.csv", "--models", "naive,drift", "--out", tmp_path / "bt"])
    assert res.exit_code == 0, res.stderr
    assert set(pd.read_csv(tmp_path / "bt" / "backtest_metrics.csv")["unique_id"]) == set(totals["service"])
    assert not (tmp_path / "bt" / "backtest_levels.csv").exists() and "level split" not in res.stdout
