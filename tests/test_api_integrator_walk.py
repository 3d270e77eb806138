"""An API integrator's walk: the limits, warnings, schema and refusals a client of the HTTP API relies on — each
finding's request answered as docs/api.md says (POST /nowcasts' 30-year limit, the plans' '[check] where: message'
warnings, JSON Schema bounds, the demand columns, the queue's capacity months and fee states)."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from api.main import app
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def api():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
        yield TestClient(app)


def invoice(service: str, reporting: str, amount: float = 5.0) -> dict:
    return {"service_month": service, "reporting_month": reporting, "amount_sek": amount}


# 1. POST /nowcasts: 30 years from the first service month to as_of, not only between the rows' service months

def test_a_reporting_month_centuries_after_the_service_month_is_refused_before_the_completion(api):
    """One invoice of 1990-01 reported in 2200-12 answered 2 532 completed months and an invented 'open' amount of
    12 655 SEK after 20 s: its service months alone span one month."""
    started = time.monotonic()
    response = api.post("/nowcasts", json={"invoices": [invoice("1990-01", "2200-12")]})
    assert time.monotonic() - started < 5
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]["problems"]
    assert problem["loc"] == ["body", "invoices"]
    assert problem["msg"].startswith("the nowcast would complete 2532 service months, every month from the first "
                                     "service month 1990-01 to the last reporting month 2200-12. Expected at most 360 "
                                     "(30 years)")
    assert "up to 2019-12" in problem["msg"] and "Fix: correct a reporting or service month typed wrong" in problem["msg"]


def test_an_as_of_beyond_thirty_years_is_refused_at_as_of(api):
    response = api.post("/nowcasts", json={"invoices": [invoice("1990-01", "2025-02")], "as_of": "2025-02"})
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]["problems"]
    assert problem["loc"] == ["body", "as_of"]
    assert "from the first service month 1990-01 to as_of 2025-02" in problem["msg"]
    assert "or an earlier as_of" in problem["msg"]


def test_the_limit_counts_the_months_known_at_as_of(api):
    """36 years of service months completed as known at 1990-12 complete twelve months: not refused for the later
    rows, which the completion leaves out."""
    months = [f"{year}-{month:02d}" for year in range(1990, 2026) for month in range(1, 13)]
    rows = [invoice(m, m, 100.0) for m in months]
    response = api.post("/nowcasts", json={"invoices": rows, "as_of": "1990-12"})
    assert response.status_code == 200, response.text
    assert [m["service_month"] for m in response.json()["months"]] == months[:12]
