"""A planner's bad-input sweep of the nowcast (findings of 2026-12): an export cut at a service month, and one
service month's full reversal (a credit) in the development factors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from resmodel.forecast.nowcast_report import nowcast_report
from tests.forecast.conftest import run_cli

SHARES = [0.05, 0.5, 0.25, 0.1, 0.05, 0.03, 0.02]  # the share of a month's amount reported at lags 0–6


def invoices(first: str = "2022-01", last: str = "2024-12", seed: int = 4) -> pd.DataFrame:
    """Three years of service months of about 2 MSEK each, reported over seven months, as known at ``last``."""
    rng = np.random.default_rng(seed)
    end = pd.Timestamp(last)
    rows = []
    for month in pd.date_range(first, end, freq="MS"):
        ultimate = 2_000_000 * (1 + rng.normal(0, 0.03))
        for lag, share in enumerate(SHARES):
            reported = month + pd.DateOffset(months=lag)
            if reported <= end:
                rows.append((month, reported, round(ultimate * share * (1 + rng.normal(0, 0.05)), 2)))
    return pd.DataFrame(rows, columns=["service_month", "reporting_month", "amount_sek"])


def write(frame: pd.DataFrame, path):
    frame.assign(**{c: frame[c].dt.strftime("%Y-%m") for c in ("service_month", "reporting_month")}).to_csv(
        path, index=False)
    return path


def test_service_months_without_rows_at_lags_mostly_reported_are_refused_as_a_cut_export(tmp_path):
    """Finding 2: an export filtered on service month ≤ 2024-08 was nowcast with 2024-09 at 0.2 MSEK (≈ 2 MSEK
    its neighbours), as Bornhuetter–Ferguson completes a month with nothing reported by (1 − 0.90) × the prior."""
    inv = invoices()
    cut = inv[inv["service_month"] <= "2024-08"]
    path = write(cut, tmp_path / "cut.csv")
    res = run_cli(["nowcast", "--triangle", path, "--out", tmp_path / "out"])
    assert res.exit_code == 2 and not (tmp_path / "out").exists()
    assert f"{path}, at 'triangle': service months 2024-09, 2024-10 and 2024-11 have no invoice row" in res.stderr
    assert "90 %, 80 % and 55 % of a month's amount has usually arrived (at a lag of 3, 2 and 1 months)" in res.stderr
    assert "an export cut at a service month" in res.stderr


def test_the_newest_month_without_rows_and_a_month_of_zero_rows_are_completed(tmp_path):
    """Below 50 % expected (the as-of month itself) a month may have no row yet; a month whose rows are 0 is
    completed by Bornhuetter–Ferguson, as docs/forecasting.md §5 says."""
    inv = invoices()
    newest = inv[inv["service_month"] < "2024-12"]
    report = nowcast_report(newest, "amount_sek", pd.Timestamp("2024-12"))
    last = report.months.iloc[-1]
    assert last["service_month"] == pd.Timestamp("2024-12") and last["reported"] == 0
    assert last["method"] == "bornhuetter_ferguson"
    zero = pd.concat([inv[inv["service_month"] != "2024-10"],
                      pd.DataFrame({"service_month": [pd.Timestamp("2024-10")],
                                    "reporting_month": [pd.Timestamp("2024-10")], "amount_sek": [0.0]})])
    month = nowcast_report(zero, "amount_sek", pd.Timestamp("2024-12")).months.set_index("service_month").loc[pd.Timestamp("2024-10")]
    assert month["reported"] == 0 and month["method"] == "bornhuetter_ferguson"
