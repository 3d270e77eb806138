"""An API integrator's review (2026-12-07): work the API cannot finish in reasonable time is refused up front,
media types are checked before the body is read, the OpenAPI document declares every error status, HEAD
/version answers, and POST /forecasts returns each series' name as it was sent."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.forecasts import MAX_FORECAST_SECONDS, estimated_seconds
from api.main import app
from api.premises_plans import MAX_CANDIDATE_YEARS
from tests.conftest import ROOT

c = TestClient(app)


def yearly(uid: str, n: int = 6) -> list[dict]:
    return [{"unique_id": uid, "ds": str(2015 + i), "y": 300.0 + i} for i in range(n)]


def monthly(uid: str, n: int = 120) -> list[dict]:
    return [{"unique_id": uid, "ds": f"{2010 + i // 12}-{i % 12 + 1:02d}", "y": 100.0 + i % 12} for i in range(n)]


# --- finding 1: a budget per request ---------------------------------------------------------------------------

def test_a_forecast_request_above_the_budget_is_refused_before_it_starts():
    """Twelve ten-year monthly series with auto (about 50 s of computing) ran to the end after the client gave
    up; now a 422 at body.series with the estimate and how to split."""
    body = {"h": 12, "series": [row for s in range(12) for row in monthly(f"s{s}")]}
    response = c.post("/forecasts", json=body)
    assert response.status_code == 422, response.text
    problem = response.json()["detail"]["problems"][0]
    assert problem["loc"] == ["body", "series"]
    assert "estimated at 58 s" in problem["msg"] and "2 requests of at most 9 series" in problem["msg"]


def test_the_demo_services_and_cheap_models_stay_within_the_budget():
    """Eight ten-year monthly series (the demo's services) with auto, and a 10 000-row request with theta."""
    import pandas as pd

    def frame(series: int, n: int) -> tuple[pd.DataFrame, dict]:
        rows = pd.DataFrame([r for s in range(series) for r in monthly(f"s{s}", n)])
        return rows, dict.fromkeys(rows["unique_id"], "M")

    assert estimated_seconds(*frame(8, 120), "auto") <= MAX_FORECAST_SECONDS
    assert estimated_seconds(*frame(83, 120), "theta") <= MAX_FORECAST_SECONDS
    assert estimated_seconds(*frame(83, 120), "naive") <= MAX_FORECAST_SECONDS


def test_one_series_too_long_for_the_budget_is_told_to_send_a_shorter_history():
    rows = monthly("long", 1200)  # 100 years of months with auto: about 48 s
    response = c.post("/forecasts", json={"h": 1, "series": rows})
    assert response.status_code == 422, response.text
    assert "send a shorter history" in response.json()["detail"]["problems"][0]["msg"]


def test_a_premises_plan_above_the_candidate_years_is_refused_before_anything_runs(monkeypatch):
    """200 candidates over 50 years (within the schema's limits) ran 252 s into the solver's time limit."""
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
    demand = [{"month": f"{2025 + i // 12}-{i % 12 + 1:02d}", "volume": 100.0} for i in range(12 * 11)]
    candidates = [{"premises_id": f"C{i}", "places": 10, "annual_rent_sek": 1e6} for i in range(100)]
    response = c.post("/premises-plans", json={"scenario": "base", "service": "daglig_verksamhet",
                                               "demand": demand, "candidates": candidates})
    assert response.status_code == 422, response.text
    problem = response.json()["detail"]["problems"][0]
    assert problem["loc"] == ["body", "candidates"]
    assert "100 candidates over 11 years of demand are 1,100 candidate-years" in problem["msg"]
    assert f"at most {MAX_CANDIDATE_YEARS // 11} over these years" in problem["msg"]


# --- finding 3: unique_id as sent ------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "reason"), [("a ", "spaces at its start or end"), (" a", "spaces at its start"),
                                              ("x\t", "a tab"), ("a\u030a", "Unicode NFD")])
def test_a_series_name_the_readers_would_change_is_refused_at_its_row(name, reason):
    """'a ', ' a', 'x\\t' and NFD 'å' came back as 'a', 'a', 'x' and NFC 'å' although the schema says 'as sent'."""
    response = c.post("/forecasts", json={"h": 1, "model": "naive", "series": yearly(name)})
    assert response.status_code == 422, response.text
    problem = response.json()["detail"]["problems"][0]
    assert problem["loc"] == ["body", "series", 0, "unique_id"] and problem["series"] == name
    assert reason in problem["msg"]


def test_two_names_differing_by_a_space_are_not_a_duplicate_date():
    """'a' and 'a ' gave 'date 2000 appears more than once in series 'a''."""
    response = c.post("/forecasts", json={"h": 1, "model": "naive", "series": yearly("a") + yearly("a ")})
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]["problems"]
    assert [p["loc"] for p in problems] == [["body", "series", 6, "unique_id"]]
    assert "more than once" not in response.text


def test_a_name_is_returned_exactly_as_sent():
    name = "Boende för äldre Öst"
    response = c.post("/forecasts", json={"h": 1, "model": "naive", "series": yearly(name)})
    assert response.status_code == 200, response.text
    assert {row["unique_id"] for row in response.json()["forecasts"]} == {name}


# --- finding 4: media types ------------------------------------------------------------------------------------

@pytest.mark.parametrize("media", ["text/json", "application/x-json", "text/plain", "application/xml"])
def test_another_media_type_is_a_415_even_with_a_valid_body(media):
    response = c.post("/forecasts", content=b'{"h": 1, "model": "naive", "series": []}',
                      headers={"content-type": media})
    assert response.status_code == 415, response.text
    assert response.json()["detail"]["problems"][0]["loc"] == ["body"]


def test_the_media_type_is_checked_before_the_body_is_parsed():
    """text/plain with a repeated key gave the duplicate-key 422."""
    response = c.post("/runs", content=b'{"scenario": "base", "scenario": "x"}', headers={"content-type": "text/plain"})
    assert response.status_code == 415, response.text


@pytest.mark.parametrize("media", ["application/json", "application/ld+json", "application/json; charset=utf-8",
                                   "Application/JSON"])
def test_json_media_types_are_read(media):
    body = b'{"h": 1, "model": "naive", "series": [{"unique_id": "a", "ds": 2015, "y": 1}, ' \
           b'{"unique_id": "a", "ds": 2016, "y": 2}, {"unique_id": "a", "ds": 2017, "y": 3}]}'
    response = c.post("/forecasts", content=body, headers={"content-type": media})
    assert response.status_code == 200, response.text


# --- finding 6: OpenAPI and HEAD /version ----------------------------------------------------------------------

def test_every_operation_declares_405_and_500_with_the_problem_body():
    paths = app.openapi()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            for status in ("405", "500"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ProblemBody"}, (method, path, status)


def test_version_has_a_described_schema_and_answers_head():
    schema = app.openapi()["paths"]["/version"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/VersionResponse"}
    got, head = c.get("/version"), c.head("/version")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == got.headers["content-length"]
    assert head.headers["content-type"] == got.headers["content-type"] == "application/json"


# --- findings 8, 9 ---------------------------------------------------------------------------------------------

def test_the_more_rows_line_is_not_tagged_with_one_series():
    """40 series with a negative value each: the sixth problem '35 more rows…' carried 'series': 's5'."""
    rows = [{"unique_id": f"s{i}", "ds": str(2015 + j), "y": -1.0 if j == 0 else 1.0} for i in range(40)
            for j in range(3)]
    problems = c.post("/forecasts", json={"h": 1, "model": "naive", "series": rows}).json()["detail"]["problems"]
    assert [p.get("series") for p in problems] == ["s0", "s1", "s2", "s3", "s4", None]
    assert problems[-1]["msg"].startswith("35 more rows")


@pytest.mark.parametrize("model", [" auto", "AUTO", "Naive"])
def test_the_model_is_echoed_as_the_models_are_named(model):
    response = c.post("/forecasts", json={"h": 1, "model": model, "series": yearly("a")})
    assert response.status_code == 200, response.text
    assert response.json()["model"] == model.strip().lower()


def test_two_unknown_fields_are_fields():
    msg = c.post("/forecasts", json={"series": yearly("a"), "h": 1, "modle": "x", "hh": 2}).json()["detail"][
        "problems"][0]["msg"]
    assert msg.startswith("unknown fields 'modle', 'hh'") and "remove the fields" in msg


# --- findings 5, 7: the scenario file and its folder --------------------------------------------------------

def test_a_copied_scenario_is_echoed_by_its_file_and_named_in_a_comparison(monkeypatch, tmp_path):
    """base.yaml copied to bås.yaml answered "scenario": "base" only; /comparisons said 'named 'base' like an
    earlier one' without saying which."""
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(tmp_path))
    for name in ("base", "bås"):  # the same file twice, as a copy keeps its name:
        (tmp_path / f"{name}.yaml").write_text(f"name: base\npurpose: x\nextends: {ROOT / 'scenarios' / 'base.yaml'}\n")
    body = c.post("/runs", json={"scenario": "bås"}).json()
    assert (body["scenario"], body["scenario_file"]) == ("base", "bås")
    msg = c.post("/comparisons", json={"scenarios": ["base", "bås"]}).json()["detail"]["problems"][0]["msg"]
    assert "scenario file 'bås' is named 'base' (its name:) like the earlier 'base'" in msg


def test_a_missing_scenario_folder_is_said_in_the_list(monkeypatch, tmp_path):
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(tmp_path / "nowhere"))
    body = c.get("/scenarios").json()
    assert body["scenarios"] == [] and "is not a folder on the server" in body["notes"][0]
    assert str(tmp_path) not in body["notes"][0]
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
    assert c.get("/scenarios").json()["notes"] == []


def test_a_body_without_a_content_type_is_a_415_that_says_so():
    """Diff review: api.md said such a body is read as JSON, but it was answered 422 'the body is not a JSON
    object' though it was one."""
    from fastapi.testclient import TestClient

    from api.main import app

    response = TestClient(app).post("/runs", content=b'{"scenario": "base"}')
    assert response.status_code == 415, response.text
    assert "sent without a Content-Type" in response.text and "Content-Type: application/json" in response.text
