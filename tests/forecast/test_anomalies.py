"""Values a forecast should not start or learn from unseen: a partial last month and a lone typing slip are
warned of; trends, seasons and the demo's histories are not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.forecast.anomalies import suspicious_values
from resmodel.forecast.frame import Series
from resmodel.io.series import read_series
from tests.forecast.conftest import FIXTURES, ROOT


def _series(y, freq: str = "M", uid: str = "dv") -> Series:
    y = np.asarray(y, dtype=float)
    ds = pd.date_range("2019-01-01", periods=len(y), freq="MS" if freq == "M" else "YS")
    return Series(uid, freq, ds, y, pd.DataFrame(index=range(len(y))))


def _growing(n: int = 60) -> np.ndarray:
    rng = np.random.default_rng(7)
    return 700 + 2.0 * np.arange(n) + rng.normal(0, 3, n)


def test_a_partial_last_month_is_found_with_what_the_months_before_lead_to():
    y = _growing()
    expected = y[-2] + np.median(np.diff(y)[-13:-1])  # the month before plus the typical change of the 12 before
    y[-1] = 0.3 * y[-1]  # exported before most of it was booked
    (found,) = suspicious_values([_series(y)])
    assert (found.kind, found.period, found.value) == ("last", "2023-12", pytest.approx(y[-1]))
    assert found.reference == pytest.approx(expected)
    assert found.change == pytest.approx(y[-1] / expected - 1)
    assert "70 % below" in found.message() and "remove the row if the period is not complete" in found.message()


def test_a_lone_typing_slip_is_found_between_its_neighbours():
    y = _growing()
    y[20] = 3.2 * y[20]  # '1002,5' among values near 311
    (found,) = suspicious_values([_series(y)])
    assert (found.kind, found.period) == ("spike", "2020-09")
    assert found.reference == pytest.approx((y[19] + y[21]) / 2)
    assert "above both its neighbours" in found.message()


@pytest.mark.parametrize("y", [
    _growing(),                                                         # a steady trend
    700 * 1.08 ** np.arange(12),                                        # yearly growth of 8 %, as a yearly series
    np.r_[np.full(30, 400.0), np.full(30, 520.0)],                      # a step that lasts (a new unit) is no spike
    np.full(40, 5.0),                                                   # a constant series
    np.r_[_growing(60)[:-1], _growing(60)[-1] * 0.85],                  # a 15 % fall: within what a month can do
])
def test_trends_steps_and_modest_changes_are_not_flagged(y):
    assert suspicious_values([_series(y, "Y" if len(y) == 12 else "M")]) == []


def test_a_series_too_short_to_have_a_spread_is_not_judged():
    assert suspicious_values([_series([300, 310, 320, 330, 340, 350, 100])]) == []


@pytest.mark.parametrize("path, by_level", [(ROOT / "data" / "demokommun" / "volume_history.csv", False),
                                            (ROOT / "data" / "demokommun" / "volume_history.csv", True),
                                            (ROOT / "data" / "series" / "state_hourly_rate.csv", False)])
def test_the_shipped_histories_raise_nothing(path, by_level):
    from resmodel.forecast.frame import split_series

    data = read_series(path, by_level=by_level)
    assert suspicious_values(split_series(data.frame, data.freqs)) == []


def _partial_history(tmp_path):
    history = pd.read_csv(FIXTURES / "history_valid.csv")
    last = history["month"].max()
    history.loc[(history["month"] == last) & (history["service"] == "daglig_verksamhet"), "volume"] *= 0.3
    history.to_csv(tmp_path / "partial.csv", index=False)
    return tmp_path / "partial.csv", last


def test_forecast_and_backtest_warn_of_a_partial_last_month(cli, tmp_path):
    path, last = _partial_history(tmp_path)
    for command in (["forecast", "--series", path, "--model", "naive", "--out", tmp_path / "f"],
                    ["backtest", "--series", path, "--models", "naive", "--out", tmp_path / "b"]):
        res = cli(command)
        assert res.exit_code == 0, res.stderr
        warned = [line for line in res.stderr.splitlines() if "[suspicious_value]" in line]
        assert len(warned) == 1 and "partial.csv, at 'daglig_verksamhet'" in warned[0], res.stderr
        assert f"the last value, {last}:" in warned[0]


def test_the_api_forecast_warns_of_a_typing_slip():
    from fastapi.testclient import TestClient

    from api.main import app

    y = _growing(30)
    y[10] *= 3
    series = [{"unique_id": "dv", "ds": f"{d:%Y-%m}", "y": float(v)}
              for d, v in zip(pd.date_range("2022-01-01", periods=30, freq="MS"), y, strict=True)]
    body = TestClient(app).post("/forecasts", json={"series": series, "h": 3, "model": "naive"}).json()
    assert [w for w in body["warnings"] if w.startswith("[suspicious_value]") and "2022-11:" in w], body["warnings"]


def _summer(n: int, dip: float, seed: int = 1) -> np.ndarray:
    y = 300 + np.random.default_rng(seed).normal(0, 2, n)
    y[np.arange(n) % 12 == 6] *= dip  # every July (the series starts in January)
    return y


@pytest.mark.parametrize("dip", [0.5, 0.35])
def test_a_summer_dip_every_year_is_the_season_not_a_slip_nor_a_partial_month(dip):
    """Review: a July at half of June and August gave a 'typing slip?' every year and 'partial month?' whenever
    the data ended in July."""
    assert suspicious_values([_series(_summer(43, dip))]) == []  # ends in July
    assert suspicious_values([_series(_summer(44, dip))]) == []  # ends in August


def test_a_partial_month_after_seasonal_years_is_still_found():
    y = _summer(45, 0.5)
    y[-1] *= 0.3  # September, which has no dip
    assert [(f.kind, f.period) for f in suspicious_values([_series(y)])] == [("last", "2022-09")]


def test_a_slip_in_the_month_before_the_last_does_not_make_the_last_suspicious():
    y = _growing(40)
    y[-2] *= 3
    assert [(f.kind, f.period) for f in suspicious_values([_series(y)])] == [("spike", "2022-03")]
