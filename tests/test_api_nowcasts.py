"""POST /nowcasts completes an invoice triangle sent as JSON as `resmodel nowcast` does its file, and puts
every user mistake at its JSON path as a 422."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.main import app
from tests.conftest import ROOT
from tests.forecast.test_nowcast import synthetic

TRIANGLE = ROOT / "data" / "demokommun" / "invoice_triangle.csv"


def demo_invoices(value: str = "amount_sek") -> list[dict]:
    """The demo triangle's rows as the request's JSON rows (numbers as numbers)."""
    with TRIANGLE.open(encoding="utf-8") as f:
        return [{"service_month": r["service_month"], "reporting_month": r["reporting_month"], value: float(r[value])}
                for r in csv.DictReader(f)]


def synthetic_invoices(n_months: int = 60) -> tuple[list[dict], pd.Series]:
    inv, truth = synthetic(n_months, noise=0.02, seed=3)
    rows = [{"service_month": f"{s:%Y-%m}", "reporting_month": f"{r:%Y-%m}", "amount_sek": float(a)}
            for s, r, a in inv.itertuples(index=False)]
    return rows, truth


def post(body: dict):
    return TestClient(app).post("/nowcasts", json=body)


def test_the_answer_is_the_files_nowcast(tmp_path):
    """The same invoices as JSON and as the CLI's file give the same months, sums and backtest."""
    from tests.forecast.conftest import run_cli

    response = post({"invoices": demo_invoices(), "recent": 6})
    assert response.status_code == 200
    body = response.json()
    assert run_cli(["nowcast", "--triangle", str(TRIANGLE), "--out", str(tmp_path / "nc")]).exit_code == 0
    months = pd.read_csv(tmp_path / "nc" / "nowcast.csv")
    sums = pd.read_csv(tmp_path / "nc" / "nowcast_sums.csv")
    got = pd.DataFrame(body["months"])
    assert got["service_month"].tolist() == months["service_month"].tolist()
    np.testing.assert_allclose(got[["reported", "nowcast", "lo_80", "hi_95"]].to_numpy(),
                               months[["reported", "nowcast", "lo-80", "hi-95"]].to_numpy(), rtol=1e-13)  # CSV: 15 digits
    got_sums = pd.DataFrame(body["sums"])
    assert got_sums["sum_of"].tolist() == sums["sum_of"].tolist() == ["shown", "open", "year 2023", "year 2024"]
    np.testing.assert_allclose(got_sums[["still_to_come", "still_to_come_lo_80", "still_to_come_hi_95"]].to_numpy(),
                               sums[["still_to_come", "still_to_come_lo-80", "still_to_come_hi-95"]].to_numpy(),
                               rtol=1e-13)
    backtest = pd.read_csv(tmp_path / "nc" / "nowcast_backtest.csv")
    # typed: lag a whole number, null on the sum's row that 'row' names
    assert [str(r["lag"]) if r["row"] == "lag" else r["row"] for r in body["backtest"]] \
        == backtest["lag"].astype(str).tolist()
    assert all(isinstance(r["lag"], int) for r in body["backtest"] if r["row"] == "lag")
    assert body["as_of"] == "2024-12" and body["backtest_origins"] == 12 and body["warnings"] == []


def test_sums_add_up_and_the_open_months_are_those_not_complete():
    rows, _ = synthetic_invoices()
    body = post({"invoices": rows, "recent": 3}).json()
    months = pd.DataFrame(body["months"])
    sums = {s["sum_of"]: s for s in body["sums"]}
    open_months = months[months["completeness"] < 1 - 1e-12]
    assert sums["open"]["months"] == len(open_months) > 3  # open months lie before the three shown
    assert sums["open"]["first_month"] == open_months["service_month"].iloc[0]
    assert sums["open"]["still_to_come"] == pytest.approx((open_months["nowcast"] - open_months["reported"]).sum())
    assert sums["shown"]["reported"] == pytest.approx(months["reported"].tail(3).sum())
    for s in body["sums"]:
        assert s["still_to_come_lo_95"] < s["still_to_come_lo_80"] < s["still_to_come"] < s["still_to_come_hi_80"]
        assert s["still_to_come_hi_80"] < s["still_to_come_hi_95"]


def test_completed_months_are_near_the_truth_and_better_than_last_reported():
    rows, truth = synthetic_invoices()
    body = post({"invoices": rows}).json()
    months = pd.DataFrame(body["months"]).set_index("service_month")
    recent = truth.tail(6)
    nowcast = months.loc[[f"{m:%Y-%m}" for m in recent.index], "nowcast"].to_numpy()
    assert np.max(np.abs(nowcast / recent.to_numpy() - 1)) < 0.06  # the reporting pattern's noise is 2 %
    total = {r["row"]: r for r in body["backtest"]}["sum of recent months"]
    assert total["mape_nowcast"] < total["mape_last_reported"] / 5


def test_as_of_leaves_later_invoices_out():
    rows, _ = synthetic_invoices()
    early = post({"invoices": rows, "as_of": "2023-06"}).json()
    known = [r for r in rows if r["reporting_month"] <= "2023-06"]
    same = post({"invoices": known}).json()
    assert early["as_of"] == "2023-06" and early["months"][-1]["service_month"] == "2023-06"
    assert early["months"] == same["months"] and early["sums"] == same["sums"]


def test_a_one_digit_as_of_month_is_that_month():
    """'2023-6' is June 2023, as in the invoice rows and every file reader (it was refused here alone)."""
    assert post({"invoices": ROWS, "as_of": "2023-6"}).json() == post({"invoices": ROWS, "as_of": "2023-06"}).json()
    # API consumer walkthrough: invoices' months read 2023-06-01, as_of refused it
    assert post({"invoices": ROWS, "as_of": "2023-06-01"}).json() == post({"invoices": ROWS, "as_of": "2023-06"}).json()


def test_the_same_request_gives_the_same_bytes():
    rows, _ = synthetic_invoices()
    assert post({"invoices": rows}).content == post({"invoices": rows}).content


def _changed(rows: list[dict], i: int, **fields) -> list[dict]:
    return [{**r, **fields} if k == i else r for k, r in enumerate(rows)]


ROWS, _TRUTH = synthetic_invoices()


@pytest.mark.parametrize(("body", "loc", "message"), [
    ({"invoices": ROWS, "as_of": "2030-01"}, ["body", "as_of"], "after the last reporting month 2024-12"),
    ({"invoices": ROWS, "as_of": "2001-01"}, ["body", "as_of"], "before the first reporting month 2020-02"),
    ({"invoices": ROWS, "as_of": "2024-13"}, ["body", "as_of"], "is not a month"),
    ({"invoices": ROWS, "origins": 1}, ["body", "origins"], "Fix: raise origins"),
    ({"invoices": ROWS, "origins": 0}, ["body", "origins"], "greater than or equal to 1"),
    ({"invoices": ROWS, "value": "cases"}, ["body", "invoices"], "no invoice row has a value in 'cases'"),
    ({"invoices": ROWS, "value": "sek"}, ["body", "value"], "'amount_sek' or 'cases'"),
    ({"invoices": _changed(ROWS, 5, reporting_month="2019-01")}, ["body", "invoices", 5, "reporting_month"],
     "before the service month"),
    ({"invoices": _changed(ROWS, 4, service_month="2020-13")}, ["body", "invoices", 4, "service_month"],
     "not a valid month"),
    ({"invoices": _changed(ROWS, 3, amount_sek=None)}, ["body", "invoices", 3, "amount_sek"], "the value is empty"),
    ({"invoices": [r for r in ROWS if r["service_month"] != "2022-03"]}, ["body", "invoices"],
     "no invoice for 2022-03"),
    ({"invoices": [{"service_month": f"{m:%Y-%m}", "reporting_month": "2024-12", "amount_sek": 1.0}
                   for m in pd.date_range("1994-01", "2024-12", freq="MS")]}, ["body", "invoices"], "span 372 months"),
    ({"invoices": ROWS, "recnet": 3}, ["body", "recnet"], "unknown field 'recnet'"),
    ({"invoices": ROWS, "as_of": "0000-01"}, ["body", "as_of"], "is not a month of 1990–2200"),
    ({"invoices": ROWS, "as_of": "2024/12"}, ["body", "as_of"], "not a month. Expected a month written YYYY-MM"),
    ({"invoices": ROWS, "origins": 37}, ["body", "origins"], "less than or equal to 36"),
])
def test_bad_requests_are_422_at_their_json_path(body, loc, message):
    response = post(body)
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]["problems"]
    assert any(p["loc"][:len(loc)] == loc and message in p["msg"] for p in problems), problems


def test_an_identity_number_in_a_month_is_refused_and_not_echoed():
    response = post({"invoices": _changed(ROWS, 7, reporting_month="19900101-1234")})
    assert response.status_code == 422
    assert response.json()["detail"]["problems"][0]["loc"] == ["body", "invoices", 7, "reporting_month"]
    assert "1234" not in response.text
    assert "this value" in response.text and "cell" not in response.text and "the file" not in response.text


def test_a_history_too_short_for_a_backtest_is_nowcast_with_a_warning():
    response = post({"invoices": [r for r in ROWS if r["reporting_month"] <= "2020-12"]})  # the history to 2020
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["backtest"] == [] and body["backtest_origins"] == 0 and body["backtest_coverage_80"] is None
    assert len(body["warnings"]) == 1 and body["warnings"][0].startswith(
        "[no_backtest] body.invoices: no backtest: the invoice history known at ")
    assert body["months"] and all(m["nowcast"] >= m["reported"] for m in body["months"])


def test_an_all_zero_value_column_points_to_the_other_one_in_the_requests_words():
    rows = [{**r, "amount_sek": 0.0, "cases": 5.0} for r in ROWS]
    response = post({"invoices": rows})
    assert response.status_code == 422
    problem = response.json()["detail"]["problems"][0]
    assert problem["loc"] == ["body", "invoices"] and problem["msg"].endswith(
        'or complete cases instead ("value": "cases")')


def test_a_triangle_too_short_for_its_intervals_says_so():
    body = post({"invoices": [{"service_month": "2024-01", "reporting_month": "2024-02", "amount_sek": 100},
                              {"service_month": "2024-01", "reporting_month": "2024-03", "amount_sek": 50},
                              {"service_month": "2024-02", "reporting_month": "2024-03", "amount_sek": 100}]}).json()
    said = [w for w in body["warnings"] if "too short to estimate" in w]
    assert len(said) == 1 and "2024-02 and 2024-03" in said[0] and "too narrow" in said[0], body["warnings"]
    assert not [w for w in post({"invoices": ROWS}).json()["warnings"] if "too short to estimate" in w]


def test_an_old_months_full_reversal_is_named_in_the_warnings_as_the_cli_names_it():
    """The planner's reversal (a credit of a whole old service month) is left out of the factors and said."""
    from tests.test_planner_inputs_nowcast import invoices, with_credit

    inv = with_credit(invoices(), "2023-02", "2024-03", 1.0)
    rows = [{"service_month": f"{s:%Y-%m}", "reporting_month": f"{r:%Y-%m}", "amount_sek": float(a)}
            for s, r, a in inv.itertuples(index=False)]
    response = post({"invoices": rows})
    assert response.status_code == 200, response.text
    warnings = response.json()["warnings"]
    assert any(w.startswith("[reversal_left_out] body.invoices: service month 2023-02") for w in warnings), warnings
