"""An API integrator's walk: the limits, warnings, schema and refusals a client of the HTTP API relies on — each
finding's request answered as docs/api.md says (POST /nowcasts' 30-year limit, the plans' '[check] where: message'
warnings, JSON Schema bounds, the demand columns, the queue's capacity months and fee states)."""

from __future__ import annotations

import ast
import re

import numpy as np
import pandas as pd
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

def test_a_reporting_month_centuries_after_the_service_month_is_refused_before_the_completion(api, monkeypatch):
    """One invoice of 1990-01 reported in 2200-12 answered 2 532 completed months and an invented 'open' amount of
    12 655 SEK after 20 s: its service months alone span one month. Refused before the completion starts (the
    completion, if called, fails the test — no clock, which a busy machine would make flaky)."""
    import resmodel.forecast.nowcast_report as report

    def completion_started(*_args, **_kwargs):
        raise AssertionError("the nowcast was computed before the span was checked")

    monkeypatch.setattr(report, "nowcast_report", completion_started)
    response = api.post("/nowcasts", json={"invoices": [invoice("1990-01", "2200-12")]})
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]["problems"]
    assert problem["loc"] == ["body", "invoices"]
    assert problem["msg"].startswith("the service months to complete span 2532 months: the nowcast completes every "
                                     "month from the first service month 1990-01 to the last reporting month 2200-12. "
                                     "Expected at most 360 (30 years)")
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


# 2. the plans' warnings in the schema's form '[check] where: message', and apart as warning_items

LINE = re.compile(r"\[[a-z_]+\] (body|body\.[a-z_]+(\[\d+\]\.[a-z_]+)?): .+", re.DOTALL)
MONTHS = pd.date_range("2025-01", periods=72, freq="MS").strftime("%Y-%m")


def demand(start: float, end: float) -> list[dict]:
    return [{"month": m, "volume": float(v)} for m, v in zip(MONTHS, np.linspace(start, end, 72), strict=True)]


def assert_in_the_schemas_form(body: dict) -> list[tuple[str, str]]:
    """Every line '[check] where: message', each the line of its item; the items' (check, where)."""
    items = body["warning_items"]
    assert len(items) == len(body["warnings"]) > 0
    for text, item in zip(body["warnings"], items, strict=True):
        assert LINE.fullmatch(text), text
        assert text == f"[{item['check']}] {item['where']}: {item['message']}"
    return [(i["check"], i["where"]) for i in items]


def test_a_premises_plans_warnings_name_their_check_and_where(api):
    """'no plan meets all demand: …' and 'body.demand_column: the plan is for the lower bound …' were sentences."""
    response = api.post("/premises-plans", json={
        "scenario": "base", "service": "bostad_vuxna", "demand": demand(1000, 1800), "demand_column": "volume_lo_80",
        "no_external": True, "candidates": [{"premises_id": "N1", "places": 25, "annual_rent_sek": 834_000,
                                             "one_off_cost_sek": 1e6, "earliest_year": 2030, "source": "x"}]})
    assert response.status_code == 200, response.text
    body = response.json()
    found = assert_in_the_schemas_form(body)
    assert ("plan_for_lower_bound", "body.demand_column") in found
    assert ("premises_plan", "body.candidates") in found  # the late one-off cost, its source split off
    assert ("premises_plan", "body.demand") in found  # a demand far from adult housing's users
    unmet = next(i for i in body["warning_items"] if i["message"].startswith("no plan meets all demand"))
    assert (unmet["check"], unmet["where"]) == ("premises_plan", "body.candidates")


def test_a_shift_plans_warnings_take_the_commands_check_names(api):
    """'1 attendance row(s) off the 30-minute grid …' was a sentence; the command's workbook names them
    shift_attendance and shift_plan."""
    attendance = [{"user_id": "U0342", "weekday": "mon", "start": "09:10", "end": "12:00", "level": 8},
                  {"user_id": "U0342", "weekday": "sat", "start": "09:00", "end": "12:00"}]
    response = api.post("/shift-plans", json={"scenario": "base", "unit_ids": ["DV001"], "attendance": attendance})
    assert response.status_code == 200, response.text
    body = response.json()
    found = assert_in_the_schemas_form(body)
    assert ("shift_attendance", "body.attendance") in found and ("shift_plan", "body") in found
    grid = next(i for i in body["warning_items"] if "off the 30-minute grid" in i["message"])
    assert grid["check"] == "shift_plan" and "row 0 of attendance" in grid["message"]
    assert any(i["message"].startswith("1 attendance row(s) on sat (first: row 1)") for i in body["warning_items"]
               if i["where"] == "body.attendance")


def test_a_scenarios_warning_lines_keep_their_form_and_are_items_at_the_scenario(monkeypatch, tmp_path):
    base = ROOT / "scenarios" / "base.yaml"
    (tmp_path / "slip.yaml").write_text(
        f"name: slip\npurpose: review\nextends: {base}\nparameters:\n  daglig_verksamhet.staff_ratio:\n    - value: "
        "{1: 0.14, 2: 0.20, 3: 0.29, 4: 0.38, 5: 0.49, 6: 0.64, 7: 0.99, 8: 13.9}\n      from: 2024-01-01\n"
        "      reason: slip\n", encoding="utf-8")
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(tmp_path))
    body = TestClient(app).post("/premises-plans", json={
        "scenario": "slip", "service": "daglig_verksamhet", "demand": demand(1000, 1420),
        "candidates": [{"premises_id": "N1", "places": 25, "annual_rent_sek": 834_000}]}).json()
    first = body["warning_items"][0]
    assert (first["check"], first["where"]) == ("implausible_change", "body.scenario")
    assert body["warnings"][0] == f"[implausible_change] {first['message']}"
    assert first["message"].startswith(f"{tmp_path.name}/slip.yaml, line ")
    assert len(body["warning_items"]) == len(body["warnings"])


# 3. the schema's bounds are JSON Schema's words

def test_no_bound_in_the_schema_is_written_in_pydantics_words(api):
    """Candidate.earliest_year was {"type": "integer", "ge": 1990, "le": 2200}: no JSON Schema keyword."""
    found = []

    def walk(node, path):
        if isinstance(node, dict):
            found.extend(f"{path}/{key}" for key in ("ge", "le", "gt", "lt") if key in node
                         and not isinstance(node[key], dict))  # a property of that name would be a dict
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}/{i}")

    schema = api.get("/openapi.json").json()
    walk(schema, "")
    assert found == []
    candidate = schema["components"]["schemas"]["Candidate"]["properties"]
    assert candidate["earliest_year"]["anyOf"][0] == {"type": "integer", "minimum": 1990, "maximum": 2200}
    assert candidate["min_level"]["anyOf"][0] == {"type": "integer", "minimum": 1, "maximum": 8}


def premises(api, **body):
    return api.post("/premises-plans", json={"scenario": "base", "service": "daglig_verksamhet",
                                             "demand": demand(1000, 1420), "candidates": [
                                                 {"premises_id": "N1", "places": 25, "annual_rent_sek": 834_000}],
                                             **body})


def test_the_bounds_still_hold_and_a_premises_demand_level_is_one_to_eight(api):
    too_early = premises(api, candidates=[{"premises_id": "N1", "places": 25, "annual_rent_sek": 1,
                                           "earliest_year": 1989.0, "min_level": 1, "max_level": 9}])
    assert too_early.status_code == 422
    assert [p["loc"] for p in too_early.json()["detail"]["problems"]] == [
        ["body", "candidates", 0, "earliest_year"], ["body", "candidates", 0, "max_level"]]
    level = premises(api, demand=[{"month": "2025-01", "level": 9, "volume": 5.0}])
    assert level.status_code == 422
    [problem] = level.json()["detail"]["problems"]
    assert problem["loc"] == ["body", "demand", 0, "level"] and "less than or equal to 8" in problem["msg"]


# 4. one list of demand columns for both endpoints

@pytest.mark.parametrize("path", ["/premises-plans", "/queues"])
def test_a_demand_column_no_forecast_has_is_refused_by_both_endpoints_alike(api, path):
    """/premises-plans planned for 'volume_hi_99' (its capacity labelled so) while /queues refused it."""
    body = ({"scenario": "base", "service": "daglig_verksamhet", "demand": demand(1000, 1420),
             "candidates": [{"premises_id": "N1", "places": 25, "annual_rent_sek": 834_000}]} if path == "/premises-plans"
            else {"service": "daglig_verksamhet", "demand": demand(100, 120), "places": 110})
    response = api.post(path, json={**body, "demand_column": "volume_hi_99"})
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]["problems"]
    assert problem["loc"] == ["body", "demand_column"]
    assert problem["msg"].startswith("Input should be 'volume', 'volume_lo_80', 'volume_hi_80', 'volume_lo_95' or "
                                     "'volume_hi_95'. Expected one of the values listed. Fix: ")


# 5. the queue's capacity months outside the demand, and a repeated fee state

def queue(api, **body):
    return api.post("/queues", json={"service": "daglig_verksamhet", **body})


def test_capacity_months_outside_the_demand_are_named_in_a_note(api):
    capacity = [{"month": f"2025-{m:02d}", "places": 10.0} for m in range(1, 13)]
    response = queue(api, demand=[{"month": "2025-03", "volume": 5.0}], capacity=capacity)
    assert response.status_code == 200, response.text
    assert ("the capacity's months 2025-01 – 2025-02, 2025-04 – 2025-12 are outside the demand's months (2025-03): "
            "the queue runs over the demand's months only") in "\n".join(response.json()["notes"])
    same = queue(api, demand=[{"month": "2025-03", "volume": 5.0}], capacity=capacity[2:3])
    assert not any("outside the demand" in n for n in same.json()["notes"])


def test_a_fee_state_named_twice_is_refused(api):
    response = queue(api, demand=[{"month": "2025-03", "volume": 5.0}], places=3.0, fee_states=["new", "new"])
    assert response.status_code == 422, response.text
    assert response.json()["detail"]["problems"] == [{"loc": ["body", "fee_states"], "msg": "new named more than once. "
                                                      "Expected each of new, aiv and aiviv at most once. Fix: name "
                                                      "each state once"}]


# 6. the longest initial wait, defined once

def test_the_longest_initial_wait_is_the_queue_modules(api):
    """MAX_WAIT_MONTHS was defined in api/queues.py and in cli_forecast.py: the API takes the core's."""
    from resmodel.forecast import queue as core

    defined = [path.name for path in (ROOT / "api").glob("*.py")
               if any(isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "MAX_WAIT_MONTHS"
                                                           for t in node.targets)
                      for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))]
    assert defined == [] and core.MAX_WAIT_MONTHS == 240
    schema = api.get("/openapi.json").json()["components"]["schemas"]["QueueRequest"]
    assert schema["properties"]["initial_waiting"]["maxItems"] == core.MAX_WAIT_MONTHS + 1


# polish: a pattern said in words

def test_a_service_or_premises_id_off_its_pattern_says_what_is_allowed(api):
    response = premises(api, service="daglig_verksamhät",
                        candidates=[{"premises_id": "Lokal ö", "places": 25, "annual_rent_sek": 1}])
    said = {tuple(p["loc"]): p["msg"] for p in response.json()["detail"]["problems"]}
    assert "Expected lower-case letters a–z and '_' only (no å, ä, ö, capitals, digits or spaces): resmodel's " \
           "service keys are " in said[("body", "service")] and "daglig_verksamhet" in said[("body", "service")]
    assert "Expected letters A–Z and a–z, digits, '_' and '-' only (no å, ä, ö, spaces or other signs)" in said[
        ("body", "candidates", 0, "premises_id")]
    assert "the form the pattern gives" not in response.text
