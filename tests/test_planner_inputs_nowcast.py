"""A planner's bad-input sweep of the nowcast (findings of 2026-12): an export cut at a service month, and one
service month's full reversal (a credit) in the development factors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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


def with_credit(inv: pd.DataFrame, month: str, reported: str, share: float) -> pd.DataFrame:
    """``inv`` with a credit of ``share`` of what ``month`` had been invoiced, reported at ``reported``."""
    credit = -share * inv.loc[inv["service_month"] == month, "amount_sek"].sum()
    row = pd.DataFrame({"service_month": [pd.Timestamp(month)], "reporting_month": [pd.Timestamp(reported)],
                        "amount_sek": [credit]})
    return pd.concat([inv, row], ignore_index=True)


def test_one_old_months_full_reversal_is_left_out_of_the_factors_and_named():
    """Finding 3: a full credit of 2023-02 at 2024-03 (lag 13) made that factor 0.957, applied to every open
    month: 2024-06 became 'complete' at 1.046, below its reported amount, and the six months' accrual fell from
    3.68 to 3.13 MSEK. Left out of the factors (a weight of 0, as MackChainLadder's weights allow), the open
    months are completed as without the reversal, and a warning names the month, the credit and its effect."""
    inv = invoices()
    plain = nowcast_report(inv, "amount_sek", pd.Timestamp("2024-12"))
    report = nowcast_report(with_credit(inv, "2023-02", "2024-03", 1.0), "amount_sek", pd.Timestamp("2024-12"))
    recent, before = report.months.tail(12), plain.months.tail(12)
    np.testing.assert_allclose(recent["nowcast"], before["nowcast"], rtol=1e-9)
    assert (recent["completeness"] <= 1 + 1e-12).all()
    shown = report.sums.set_index("sum_of").loc["shown"]
    assert shown["still_to_come"] == pytest.approx(plain.sums.set_index("sum_of").loc["shown", "still_to_come"])
    [(check, text)] = report.credits
    assert check == "reversal_left_out" and "service month 2023-02 (net -2,0" in text and "at 2024-03, lag 13" in text
    assert "it would have changed the nowcast of the open months by -5" in text
    assert plain.credits == ()


def test_a_factor_below_1_from_one_partial_credit_is_named_and_no_month_above_1_is_complete():
    """Finding 3: 'complete' was given to any completeness ≥ 1, though a complete month has its reported amount as
    nowcast; a partial credit (10 %) is kept in the factors, but the factor below 1 it alone makes is named."""
    report = nowcast_report(with_credit(invoices(), "2023-02", "2024-03", 0.10), "amount_sek", pd.Timestamp("2024-12"))
    months = report.months
    above = months[months["completeness"] > 1 + 1e-12]
    assert len(above) and (above["method"] == "chain_ladder").all() and (above["nowcast"] < above["reported"]).all()
    assert (months.loc[months["method"] == "complete", "completeness"] == 1).all()
    open_sum = report.sums.set_index("sum_of").loc["open"]
    assert open_sum["months"] == len(months[(months["completeness"] - 1).abs() > 1e-12])
    [(check, text)] = report.credits
    assert check == "credit_in_factors" and "from lag 12 to 13 is 0.99" in text
    assert "service month 2023-02's credit of -2" in text and "at reporting month 2024-03" in text


def invoiced(inv: pd.DataFrame, month: str, reported: str, amount: float) -> pd.DataFrame:
    """``inv`` with an invoice (or a credit, below 0) of ``amount`` for ``month`` at ``reported``."""
    row = pd.DataFrame({"service_month": [pd.Timestamp(month)], "reporting_month": [pd.Timestamp(reported)],
                        "amount_sek": [amount]})
    return pd.concat([inv, row], ignore_index=True)


@pytest.mark.parametrize("case", ["97 % credit of a recent month", "full credit, re-invoiced above 5 %"])
def test_a_month_reversed_at_some_lag_is_left_out_of_the_prior_and_the_intervals_too(case):
    """Review finding 1: a month reversed (almost) in full that does not end at 0 stayed a chain-ladder month, in the
    prior's six months (the newest month's nowcast fell by about a sixth) and in Mack's (2008) ŝ² (its 10 MSEK
    of increments on an ultimate of a few hundred thousand made the newest month's 80 % interval and the accrual's
    several times wider). A month at 5 % or less of its peak at any lag is left out of the factors from then on,
    of the prior and of ŝ², and is itself completed as a month of the size it now reports."""
    inv = invoices()
    plain = nowcast_report(inv, "amount_sek", pd.Timestamp("2024-12"))
    if case.startswith("97"):  # 97 % of what 2024-08 has by lag 3 credited then; lag 4 brings it back to 8 %
        had = inv.loc[(inv["service_month"] == "2024-08") & (inv["reporting_month"] <= "2024-11"), "amount_sek"].sum()
        changed = invoiced(inv, "2024-08", "2024-11", -0.97 * had)
    else:  # nothing left at lag 10 (2023-03), then a re-invoice of 6 % at lag 12
        changed = invoiced(with_credit(inv, "2023-03", "2024-01", 1.0), "2023-03", "2024-03", 120_000.0)
    report = nowcast_report(changed, "amount_sek", pd.Timestamp("2024-12"))
    month = pd.Timestamp("2024-08" if case.startswith("97") else "2023-03")
    own = report.months.set_index("service_month").loc[month]
    peak = changed.loc[(changed["service_month"] == month) & (changed["amount_sek"] > 0), "amount_sek"].sum()
    assert own["reported"] > 0.05 * peak  # not reversed at the end, only at some lag
    newest, before = report.months.iloc[-1], plain.months.iloc[-1]
    assert newest["method"] == "bornhuetter_ferguson"
    assert newest["nowcast"] == pytest.approx(before["nowcast"], rel=0.02)
    # within a quarter (another month among the prior's six changes τ²), not 14–18 times as wide as before the fix
    assert newest["hi-80"] - newest["lo-80"] == pytest.approx(before["hi-80"] - before["lo-80"], rel=0.25)
    width = {name: r.sums.set_index("sum_of").loc["open", "hi-80"] - r.sums.set_index("sum_of").loc["open", "lo-80"]
             for name, r in (("plain", plain), ("changed", report))}
    assert width["changed"] == pytest.approx(width["plain"], rel=0.25)
    # the reversed month: what it now reports, scaled up as a month of that size, with an interval of that size
    assert own["method"] != "bornhuetter_ferguson"
    assert own["nowcast"] == pytest.approx(own["reported"] / own["completeness"], rel=1e-12)
    assert own["hi-80"] - own["lo-80"] < 0.1 * (before["hi-80"] - before["lo-80"])
    [(check, text)] = report.credits
    assert check == "reversal_left_out" and f"service month {month:%Y-%m} (net -" in text
    assert "of the months whose mean is the Bornhuetter–Ferguson prior and of the variances of the intervals" in text
    shown = report.sums.set_index("sum_of").loc["open"]  # the warning's interval is the accrual's, as printed
    assert ("the 80 % interval of what is still to come of the open months from "
            f"{shown['still_to_come_lo-80']:,.0f}–{shown['still_to_come_hi-80']:,.0f} to ") in text
    assert "the Bornhuetter–Ferguson prior (the level of a month) from " in text


def test_a_triangle_path_that_is_no_regular_file_is_said_to_be_what_it_is(tmp_path):
    """Review finding 3: `--triangle /dev/null` said "file not found" for a path that exists: a device, a named pipe
    or a folder is named as such (exit 2, nothing written)."""
    import os

    pipe = tmp_path / "invoices.csv"
    os.mkfifo(pipe)
    for path, said in (("/dev/null", "this is not a regular file but a device"),
                       (pipe, "this is not a regular file but a named pipe"), (tmp_path, "this is a folder, not a file")):
        res = run_cli(["nowcast", "--triangle", path, "--out", tmp_path / "out"])
        assert res.exit_code == 2 and f"{path}: {said}" in res.stderr and "not found" not in res.stderr
        assert not (tmp_path / "out").exists()
