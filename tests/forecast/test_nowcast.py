"""Nowcasting a late-reporting invoice triangle (chain ladder / Bornhuetter–Ferguson, Mack errors)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.errors import InputError
from resmodel.forecast.nowcast import backtest_nowcast, build_triangle, development, nowcast

PATTERN = np.array([0.0, 0.50, 0.25, 0.10, 0.08, 0.05, 0.02])  # share reported at lags 0–6 months


def synthetic(n_months: int = 60, noise: float = 0.03, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Invoices with a known reporting pattern, and the true (complete) amount per service month."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2020-01-01", periods=n_months, freq="MS")
    truth = pd.Series(1000 * 1.005 ** np.arange(n_months), index=months)
    rows = []
    for m, total in truth.items():
        for lag, share in enumerate(PATTERN):
            rep = m + pd.DateOffset(months=lag)
            if share > 0 and rep <= months[-1]:
                rows.append((m, rep, total * share * (1 + rng.normal(0, noise))))
    inv = pd.DataFrame(rows, columns=["service_month", "reporting_month", "amount_sek"])
    realised = inv.groupby("service_month")["amount_sek"].sum()
    # the truth includes what is still to come, at its expected value
    future = pd.Series({m: t * PATTERN[months[-1].to_period("M").ordinal - m.to_period("M").ordinal + 1:].sum()
                        for m, t in truth.items()})
    return inv, (realised.reindex(months, fill_value=0) + future).rename("truth")


def test_triangle_is_cumulative_and_unknown_cells_are_empty():
    inv, _ = synthetic(12, noise=0.0)
    tri = build_triangle(inv, "amount_sek")
    assert tri.cumulative.shape == (12, 12)
    assert np.isnan(tri.cumulative[-1, 1]) and tri.cumulative[-1, 0] == 0
    np.testing.assert_allclose(tri.cumulative[0, :7], 1000 * np.cumsum(PATTERN))


def test_development_recovers_the_known_reporting_pattern():
    inv, _ = synthetic(60, noise=0.0)
    dev = development(build_triangle(inv, "amount_sek"))
    np.testing.assert_allclose(dev.completeness[1:7], np.cumsum(PATTERN)[1:7], rtol=1e-9)
    assert dev.completeness[0] == 0.0 and dev.completeness[7:].min() == pytest.approx(1.0)


def test_completed_totals_are_close_to_the_truth():
    """Stated tolerance: each of the six most recent months within 5 %, their sum within 2 %."""
    inv, truth = synthetic()
    out = nowcast(build_triangle(inv, "amount_sek")).set_index("service_month").tail(6)
    err = (out["nowcast"] - truth.tail(6)).abs() / truth.tail(6)
    assert err.max() < 0.05
    assert abs(out["nowcast"].sum() / truth.tail(6).sum() - 1) < 0.02
    assert out["method"].tolist() == ["chain_ladder"] * 5 + [
        "bornhuetter_ferguson"]
    assert np.all(out["lo-80"] <= out["nowcast"]) and np.all(out["nowcast"] <= out["hi-80"])
    assert np.all(out["hi-95"] - out["lo-95"] >= out["hi-80"] - out["lo-80"])
    reported_err = (out["reported"] - truth.tail(6)).abs() / truth.tail(6)
    assert reported_err.iloc[-1] == 1.0  # the last month has nothing reported yet


def test_backtest_beats_last_reported_as_final():
    inv, _ = synthetic(72, seed=1)
    detail, summary = backtest_nowcast(inv, "amount_sek", origins=12, recent_months=6)
    total = summary[summary["lag"] == "sum of recent months"].iloc[0]
    assert total["mape_nowcast"] < total["mape_last_reported"] / 10
    by_lag = summary[summary["lag"] != "sum of recent months"]
    assert (by_lag["mape_nowcast"] < by_lag["mape_last_reported"]).iloc[:5].all()
    assert detail["origin"].nunique() == 12


def test_too_short_history_for_a_backtest_is_an_error():
    inv, _ = synthetic(14)
    with pytest.raises(InputError, match="too short for a backtest"):
        backtest_nowcast(inv, "amount_sek")
