"""Planner and integrator review of the nowcast (and of the forecast commands' messages it found): a partial credit
in a month of the Bornhuetter–Ferguson prior is warned of with its effect, amounts in thousands of kronor are
told by their amount per case, --recent is checked in the project's form, and POST /nowcasts answers its warnings
as the other endpoints do, with the command's reading of the coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.main import app
from resmodel.forecast.nowcast import build_triangle, credit_warnings, nowcast
from resmodel.forecast.nowcast_checks import STATE_RATE, amount_per_case, state_hourly_rate
from resmodel.io.parameters import national_parameter
from resmodel.io.series import read_triangle
from tests.conftest import ROOT
from tests.forecast.conftest import run_cli

TRIANGLE = ROOT / "data" / "demokommun" / "invoice_triangle.csv"


def _demo() -> pd.DataFrame:
    return pd.read_csv(TRIANGLE, dtype={"service_month": str, "reporting_month": str})


def _with_credit(share: float) -> pd.DataFrame:
    """The demo triangle with a credit row of ``share`` of what 2024-10 had been invoiced, reported at 2024-12."""
    t = _demo()
    total = t.loc[t["service_month"] == "2024-10", "amount_sek"].sum()
    credit = pd.DataFrame({"service_month": ["2024-10"], "reporting_month": ["2024-12"], "cases": [0],
                           "amount_sek": [-round(share * total)]})
    return pd.concat([t, credit], ignore_index=True)


def _invoices(t: pd.DataFrame, value: str = "amount_sek") -> pd.DataFrame:
    return pd.DataFrame({"service_month": pd.to_datetime(t["service_month"]),
                         "reporting_month": pd.to_datetime(t["reporting_month"]), value: t[value].astype(float)})


def test_a_large_partial_credit_in_a_month_of_the_prior_is_warned_of_with_its_effect():
    """Finding 2: a credit of 60 % of 2024-10 at 2024-12 moved the 2024-12 nowcast by 1.2 MSEK and widened its
    80 % interval 4×, without a word."""
    tri = build_triangle(_invoices(_with_credit(0.6)), "amount_sek")
    said = [text for check, text in credit_warnings(tri) if check == "prior_month_credited"]
    assert len(said) == 1
    assert said[0].startswith("service month 2024-10 (6,600,440 at its highest, 3,686,865 at 2024-12: −44 %) has "
                              "fallen by more than 30 % from the highest amount invoiced")
    last = nowcast(tri).iloc[-1]
    assert f"instead of {last['nowcast']:,.0f}" in said[0]  # the BF month's nowcast as kept
    assert "Left out, the prior would be 12,599,367 instead of 11,264,662" in said[0]
    assert "28,695,182–33,374,285 instead of 24,759,200–34,910,984" in said[0]


@pytest.mark.parametrize("share", [0.0, 0.45])  # 0.45: the month falls ~20 % from its peak, under the 30 %
def test_the_demo_and_a_small_credit_give_no_prior_warning(share):
    tri = build_triangle(_invoices(_with_credit(share)), "amount_sek")
    assert not [c for c, _ in credit_warnings(tri) if c == "prior_month_credited"]


RATE = national_parameter(STATE_RATE)


def test_amounts_in_thousands_are_told_by_their_amount_per_case():
    """Finding 3: the demo triangle in tkr was read as SEK ('still to come 32,633 SEK') without a word."""
    t = _demo()
    cases = _invoices(t, "cases")
    as_of = pd.Timestamp("2024-12-01")
    assert amount_per_case(_invoices(t), cases, as_of, RATE) == []  # 26 460 SEK a case
    tkr = _invoices(t.assign(amount_sek=t["amount_sek"] / 1000))
    (check, text), = amount_per_case(tkr, cases, as_of, RATE)
    rate, year = state_hourly_rate(RATE, pd.Timestamp("2015-01-01"))
    assert check == "amount_per_case_low" and (rate, year) == (284.0, 2015)  # the parameter tree's value
    assert text.startswith("the invoices average 26.46 SEK per case (1,219,216 SEK over 46,077 cases), less than "
                           "one hour of state assistance (284.00 SEK an hour in 2015")
    assert "thousands of kronor (tkr)" in text
    assert amount_per_case(tkr, None, as_of, RATE) == []  # no cases beside the amounts: nothing to judge by


def test_the_command_and_the_api_warn_of_amounts_in_thousands(tmp_path):
    t = _demo()
    t.assign(amount_sek=t["amount_sek"] / 1000).to_csv(tmp_path / "tkr.csv", index=False)
    res = run_cli(["nowcast", "--triangle", tmp_path / "tkr.csv", "--origins", "2", "--out", tmp_path / "n"])
    assert res.exit_code == 0, res.stderr
    assert f"warning: [amount_per_case_low] {tmp_path / 'tkr.csv'}, column 'amount_sek': the invoices average 26.46" \
        in res.stderr
    rows = [{"service_month": s, "reporting_month": r, "amount_sek": a / 1000, "cases": c}
            for s, r, c, a in t.itertuples(index=False)]
    body = TestClient(app).post("/nowcasts", json={"invoices": rows, "origins": 2}).json()
    assert any(w.startswith("[amount_per_case_low] body.invoices[*].amount_sek: the invoices average 26.46")
               for w in body["warnings"]), body["warnings"]


@pytest.mark.parametrize("recent", ["0", "37"])
def test_recent_out_of_range_is_refused_at_the_option_in_the_projects_form(tmp_path, recent):
    """Finding 5: --recent 0 printed Click's 'Error: Invalid value'."""
    res = run_cli(["nowcast", "--triangle", TRIANGLE, "--recent", recent, "--out", tmp_path / "n"])
    assert res.exit_code == 2 and not (tmp_path / "n").exists()
    assert f"error: at '--recent': --recent {recent} is outside 1–36" in res.stderr


def test_the_api_answers_nowcast_warnings_as_the_other_endpoints_and_reads_the_coverage():
    """Finding 6: 'check: body.invoices[763] …' where the other endpoints answer '[check] …', and the command's
    reading of the coverage ('wider than the errors need: read them as conservative') was not passed."""
    t = _with_credit(0.6)
    rows = [{"service_month": s, "reporting_month": r, "amount_sek": float(a)}
            for s, r, _, a in t.itertuples(index=False)]
    body = TestClient(app).post("/nowcasts", json={"invoices": rows}).json()
    assert body["warnings"] and all(w.startswith("[") for w in body["warnings"]), body["warnings"]
    assert any(w.startswith("[prior_month_credited] body.invoices: service month 2024-10") for w in body["warnings"])
    assert body["backtest_coverage_80"] > 90
    assert body["backtest_coverage_reading"] == "wider than the errors need: read them as conservative"


def test_a_short_history_is_said_to_be_split_by_all_its_months(tmp_path):
    """Finding 5: a six-month history was said to be 'split by the mix of the last twelve months'."""
    h = pd.read_csv(ROOT / "data" / "demokommun" / "volume_history.csv")
    h[(h["month"] >= "2024-07") & (h["service"] == "bostad_vuxna")].to_csv(tmp_path / "h.csv", index=False)
    res = run_cli(["forecast", "--series", tmp_path / "h.csv", "--model", "naive", "--out", tmp_path / "f"])
    assert res.exit_code == 0, res.stderr
    assert "Levels: the service totals are split by the mix of all 6 months of the history, kept (bostad_vuxna)." \
        in res.stdout and "twelve" not in res.stdout


def test_one_model_falling_back_is_said_in_the_singular(tmp_path):
    """Finding 5: 'auto fall back', 'snaive fall back'."""
    months = pd.period_range("2020-01", "2024-12", freq="M").astype(str)
    path = tmp_path / "h.csv"
    pd.DataFrame({"unique_id": "dv", "ds": months, "y": 40 + 0.3 * np.arange(len(months))}).to_csv(path, index=False)
    res = run_cli(["backtest", "--series", path, "--models", "naive,ets", "--out", tmp_path / "b"])
    assert res.exit_code == 0, res.stderr
    assert "note: ets falls back to naive at the earliest origins" in res.stderr


def test_the_demo_triangle_gives_no_new_warning():
    invoices = read_triangle(TRIANGLE, "amount_sek")
    assert credit_warnings(build_triangle(invoices, "amount_sek")) == []
    assert amount_per_case(invoices, read_triangle(TRIANGLE, "cases"), invoices["reporting_month"].max(), RATE) == []
