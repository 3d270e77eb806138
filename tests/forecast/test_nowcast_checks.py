"""An invoice amount far beyond its lag's usual level, and a row sent twice, are warned of by `resmodel nowcast`
and POST /nowcasts alike (integrator review: the demo triangle with its newest row × 1 000 gave a nowcast of
15.6 bn SEK instead of 75 MSEK, warnings [])."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.main import app
from resmodel.forecast.nowcast_checks import median_of_others, triangle_warnings
from resmodel.io.series import read_triangle
from tests.conftest import ROOT
from tests.forecast.conftest import run_cli

TRIANGLE = ROOT / "data" / "demokommun" / "invoice_triangle.csv"


def demo_rows() -> list[dict]:
    with TRIANGLE.open(encoding="utf-8") as f:
        return [{"service_month": r["service_month"], "reporting_month": r["reporting_month"],
                 "amount_sek": float(r["amount_sek"])} for r in csv.DictReader(f)]


def warned(rows: list[dict]) -> list[str]:
    response = TestClient(app).post("/nowcasts", json={"invoices": rows})
    assert response.status_code == 200, response.text
    return response.json()["warnings"]


def test_the_leave_one_out_median_is_the_median_of_the_others():
    rng = np.random.default_rng(0)
    for n in range(2, 12):
        x = rng.integers(0, 9, n).astype(float)
        assert np.allclose(median_of_others(x), [np.median(np.delete(x, i)) for i in range(n)])


@pytest.mark.parametrize("value", ["amount_sek", "cases"])
def test_the_demo_triangle_gives_no_warning_at_any_month(value):
    """Its retroactive batches (0.6 MSEK at lag 18, 22 × that lag's median) are no mistake."""
    invoices = read_triangle(TRIANGLE, value)
    for as_of in invoices["reporting_month"].unique():
        assert triangle_warnings(invoices, value, as_of, str) == [], as_of


def test_an_amount_a_thousand_times_too_large_is_warned_of_at_its_row():
    rows = demo_rows()
    rows[-1] = {**rows[-1], "amount_sek": rows[-1]["amount_sek"] * 1000}
    warnings = warned(rows)
    far = [w for w in warnings if w.startswith("[amount_far_above_lag] body.invoices: ")]
    assert len(far) == 1 and f"body.invoices[{len(rows) - 1}] (service month 2024-11, lag 1)" in far[0]
    assert "1,301 × the median 5,605,617 SEK" in far[0]


def test_a_row_sent_twice_is_warned_of():
    rows = demo_rows()
    rows.append(rows[-1])
    warnings = warned(rows)
    assert [w for w in warnings if w.startswith("[repeated_invoice_row] body.invoices: ")] == [
        f"[repeated_invoice_row] body.invoices: body.invoices[{len(rows) - 2}], body.invoices[{len(rows) - 1}] (service month "
        "2024-11, reported 2024-12, 7,290,650.00 SEK, 2 times): rows that repeat another exactly, summed as separate "
        "invoices (rows of the same two months are increments). If they are one invoice exported twice, remove the "
        "repeats; if they are separate invoices of the same amount, nothing is wrong"]
    assert not any(w.startswith("[amount_far_above_lag] body.invoices: ") for w in warnings)  # twice a month's lag 1 is not 10 ×


def test_the_cli_warns_of_the_same_rows(tmp_path):
    frame = pd.read_csv(TRIANGLE)
    frame.loc[frame.index[-1], "amount_sek"] *= 1000
    frame = pd.concat([frame, frame.tail(1)])
    path = tmp_path / "invoices.csv"
    frame.to_csv(path, index=False)
    result = run_cli(["nowcast", "--triangle", path, "--out", tmp_path / "out"])
    assert result.exit_code == 0, result.stderr
    n = len(frame)
    assert f"[amount_far_above_lag] {path}: invoice rows {n - 1}, {n} below the header" in result.stderr
    assert f"[repeated_invoice_row] {path}: invoice rows {n - 1}, {n} below the header" in result.stderr


def test_a_huge_amount_at_a_lag_whose_other_months_bring_nothing_is_warned_of():
    """Diff review: with a full-grid export's zero rows at lags 25–36, 4 bn SEK at one of them passed unwarned (the
    rule needed the lag's median above 0); the nowcast's amount to accrue went from 288 to 582 MSEK."""
    rows = demo_rows()
    months = pd.period_range("2015-01", "2020-12", freq="M")
    zeros = [{"service_month": str(m), "reporting_month": str(m + lag), "amount_sek": 0.0}
             for m in months for lag in range(25, 37) if m + lag <= pd.Period("2024-12", freq="M")]
    assert warned(rows + zeros) == []  # the zero rows alone are no mistake
    bad = [dict(r) for r in zeros]
    at = next(i for i, r in enumerate(bad) if r["service_month"] == "2020-05" and r["reporting_month"] == "2022-11")
    bad[at]["amount_sek"] = 4e9
    far = [w for w in warned(rows + bad) if w.startswith("[amount_far_above_lag] body.invoices: ")]
    assert len(far) == 1 and "(service month 2020-05, lag 30)" in far[0] and "a median of 0" in far[0]
