"""The API runs a shipped scenario and reports user mistakes as 4xx, never 500."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.main import app
from tests.conftest import ROOT


def client(monkeypatch) -> TestClient:
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
    return TestClient(app)


def post_own_scenario(monkeypatch, folder, route: str, name: str, text: str, **body):
    """Write scenario ``name`` into ``folder``, serve that folder and post it to ``route``."""
    (folder / f"{name}.yaml").write_text(text)
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(folder))
    return TestClient(app).post(route, json={"scenario": name, **body})


def test_run_base(monkeypatch):
    response = client(monkeypatch).post("/runs", json={"scenario": "base"})
    assert response.status_code == 200
    body = response.json()
    assert body["scenario"] == "base" and len(body["scenario_hash"]) == 64
    from resmodel.run import load  # the hashes the run's manifest.json records

    loaded = load(ROOT / "scenarios" / "base.yaml")
    assert body["input_hashes"] == {"data": loaded.data_hash, "parameters": loaded.parameter_hash}
    services = {row["service"]: row for row in body["services"]}
    assert services["daglig_verksamhet"]["users"] == 1030
    # the warnings `resmodel run` prints, with paths relative to the project, never the server's
    assert len(body["warnings"]) == 3 and all(w.startswith("[capacity_exceeded] data/demokommun/premises.csv")
                                              for w in body["warnings"])


def test_unknown_scenario_is_404(monkeypatch):
    response = client(monkeypatch).post("/runs", json={"scenario": "nope"})
    detail = response.json()["detail"]
    assert response.status_code == 404 and detail["problems"][0]["loc"] == ["body", "scenario"]
    assert detail["resmodel_version"]


def test_bad_name_is_422(monkeypatch):
    response = client(monkeypatch).post("/runs", json={"scenario": "../etc/passwd"})
    assert response.status_code == 422


def test_broken_scenario_is_422_with_location(monkeypatch, tmp_path):
    response = post_own_scenario(monkeypatch, tmp_path, "/runs", "bad",
                                 f"name: bad\npurpose: x\nextends: {ROOT / 'scenarios' / 'base.yaml'}\n"
                                 "parameters:\n  working_time.sick_leev_rate: 0.05\n")
    assert response.status_code == 422
    problems = response.json()["detail"]["problems"]
    assert "bad.yaml, line 5" in problems[0]["msg"] and "sick_leave_rate" in problems[0]["msg"]


def test_broken_scenario_message_does_not_show_server_paths(monkeypatch, tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    response = post_own_scenario(monkeypatch, folder, "/runs", "bad", "name: bad\npurpose: x\ndata: ../data\n")
    msg = response.json()["detail"]["problems"][0]["msg"]
    assert response.status_code == 422 and str(tmp_path) not in msg
    assert msg.startswith("scenarios/bad.yaml, line 1: the scenario chain sets no base_date")


def test_projection_matches_the_library_and_adds_up(monkeypatch, demo_loaded, demo_result):
    from resmodel.projection_run import project, yearly_by_area

    response = client(monkeypatch).post("/projections", json={"scenario": "base"})
    assert response.status_code == 200, response.text
    body = response.json()
    years = pd.DataFrame(body["years"])
    expected = yearly_by_area(project(demo_loaded, demo_result))
    assert len(years) == len(expected) and set(years["year"]) == set(range(2025, 2035))
    np.testing.assert_allclose(years["deviation"], expected["deviation"].to_numpy())
    for _, g in years.groupby("year"):
        areas, total = g[g["area"] != "total"], g[g["area"] == "total"].iloc[0]
        assert areas["deviation"].sum() == pytest.approx(total["deviation"])
        assert total["frame"] - total["net_cost"] == pytest.approx(total["deviation"])
    assert {m["service"]: m["model_used"] for m in body["volume_models"]}["daglig_verksamhet"] == "drift"
    assert body["percentiles"] == [] and body["draws"] == 0 and body["seed"] is None


def test_projection_percentiles_are_seeded_and_ordered(monkeypatch):
    c = client(monkeypatch)
    first = c.post("/projections", json={"scenario": "base", "draws": 30, "seed": 7}).json()
    again = c.post("/projections", json={"scenario": "base", "draws": 30, "seed": 7}).json()
    assert first["percentiles"] == again["percentiles"] and first["seed"] == 7
    p = pd.DataFrame(first["percentiles"])
    assert set(p["measure"]) == {"net_cost", "frame", "deviation"} and "total" in set(p["area"])
    assert (p["p05"] <= p["p50"]).all() and (p["p50"] <= p["p95"]).all()
    assert (p.loc[p["measure"] == "net_cost", "p95"] > p.loc[p["measure"] == "net_cost", "p05"]).any()
    # API consumer walkthrough: the percentiles' Monte Carlo precision, which project --draws prints, was left out
    assert any(n.startswith("Monte Carlo precision with 30 draws") for n in first["notes"])


def test_projection_without_a_projection_block_is_422_with_location(monkeypatch, tmp_path):
    response = post_own_scenario(monkeypatch, tmp_path, "/projections", "plain",
                                 f"name: plain\npurpose: x\ndata: {ROOT / 'data' / 'demokommun'}\n"
                                 "base_date: 2024-07-01\nseed: 1\n")
    assert response.status_code == 422
    assert "projection" in response.json()["detail"]["problems"][0]["msg"]


def test_too_many_draws_is_422(monkeypatch):
    response = client(monkeypatch).post("/projections", json={"scenario": "base", "draws": 10_001})
    assert response.status_code == 422 and response.json()["detail"]["problems"][0]["loc"] == ["body", "draws"]


RATE = [{"unique_id": "rate", "ds": 2012 + i, "y": 280 + 5 * i + (i % 3)} for i in range(13)]
MONTHLY = [{"unique_id": "dv", "ds": f"{2015 + i // 12}-{i % 12 + 1:02d}", "y": 900 + 2 * i + 10 * (i % 12 == 6)}
           for i in range(72)]


def test_forecasts_of_yearly_and_monthly_series_with_intervals():
    from resmodel.forecast import Forecaster, make_model

    response = TestClient(app).post("/forecasts", json={"series": MONTHLY + RATE, "h": 3})
    assert response.status_code == 200, response.text
    rows = pd.DataFrame(response.json()["forecasts"])
    assert list(rows.loc[rows["unique_id"] == "rate", "ds"]) == ["2025", "2026", "2027"]
    assert list(rows.loc[rows["unique_id"] == "dv", "ds"]) == ["2021-01", "2021-02", "2021-03"]
    assert ((rows["lo_95"] <= rows["lo_80"]) & (rows["lo_80"] <= rows["forecast"])
            & (rows["forecast"] <= rows["hi_80"]) & (rows["hi_80"] <= rows["hi_95"])).all()
    # the same numbers as the library's forecaster with the yearly model
    df = pd.DataFrame(RATE).assign(ds=lambda d: d["ds"].astype(str))
    expected = Forecaster([make_model("auto", "Y")]).forecast(df, 3)
    np.testing.assert_allclose(rows.loc[rows["unique_id"] == "rate", "forecast"], expected["auto"])


@pytest.mark.parametrize(("change", "loc", "message"), [
    (lambda s: s[:5] + [{**s[5], "y": -3}] + s[6:], ["body", "series", 5, "y"], "negative"),
    (lambda s: s[:5] + s[6:], ["body", "series", 5, "ds"], "gap in series 'rate'"),
    (lambda s: s + [s[-1]], ["body", "series", 13, "ds"], "date 2024 appears more than once"),
    (lambda s: [{**p, "unique_id": "19121212-1212"} for p in s], ["body", "series", 0, "unique_id"],
     "personal identity number"),
])
def test_bad_series_are_422_at_their_json_path(change, loc, message):
    response = TestClient(app).post("/forecasts", json={"series": change(RATE), "h": 2})
    assert response.status_code == 422
    problem = response.json()["detail"]["problems"][0]
    assert problem["loc"] == loc and message in problem["msg"], problem
    assert "19121212" not in response.text  # a refused identity number is never echoed


@pytest.mark.parametrize("model", ["prophet", "stockflow"])
def test_unusable_model_is_422_at_body_model(model):
    response = TestClient(app).post("/forecasts", json={"series": RATE, "h": 2, "model": model})
    assert response.status_code == 422 and response.json()["detail"]["problems"][0]["loc"] == ["body", "model"]


PNR = "19121212-1212"  # Skatteverket's published test identity number


@pytest.mark.parametrize("body", [
    {"series": [{**p, "ds": PNR} if i == 2 else p for i, p in enumerate(RATE)], "h": 2},
    {"series": [{**p, "y": 191212121212} if i == 2 else p for i, p in enumerate(RATE)], "h": 2},
    {"series": [{**p, "unique_id": 191212121212} for p in RATE], "h": 2},
])
def test_identity_numbers_anywhere_in_a_series_are_refused_and_not_echoed(body):
    response = TestClient(app).post("/forecasts", json=body)
    assert response.status_code == 422, response.text
    assert "121212" not in response.text and response.json()["detail"]["resmodel_version"]
    msg = response.json()["detail"]["problems"][0]["msg"]  # a request's words, not a file's
    assert msg.startswith(("this value looks like", "this amount has the 12-digit form")), msg
    assert ("before sending the request" in msg or "check the value" in msg) and "file" not in msg and "cell" not in msg


def test_scenario_name_that_looks_like_an_identity_number_is_not_echoed(monkeypatch):
    response = client(monkeypatch).post("/runs", json={"scenario": "191212121212"})
    assert response.status_code == 422 and "121212" not in response.text


@pytest.mark.parametrize(("body", "loc", "message"), [
    ({"series": [{**p, "ds": str(1600 + i)} for i, p in enumerate(RATE)], "h": 2}, ["body", "series", 0, "ds"],
     "'1600' is outside the years 1900–2200"),
    ({"series": RATE[:1] + [{**p, "ds": f"{p['ds']}-01"} for p in RATE[1:]], "h": 2}, ["body", "series", 1, "ds"],
     "mixes yearly and monthly"),
    ({"series": RATE, "h": 240}, ["body", "h"], "runs past 2260"),
    ({"series": [{**p, "unique_id": "h"} for p in RATE[:2]], "h": 1}, ["body", "series"], "series 'h' has 2 point"),
    ({"series": [{**p, "y": 1e200} for p in RATE], "h": 2}, ["body", "series", 0, "y"], "less than or equal"),
])
def test_more_bad_series_are_located(body, loc, message):
    response = TestClient(app).post("/forecasts", json=body)
    assert response.status_code == 422, response.text
    problem = response.json()["detail"]["problems"][0]
    assert problem["loc"] == loc and message in problem["msg"], problem


def test_infinite_values_are_refused():
    body = '{"h": 2, "series": [' + ",".join(f'{{"unique_id": "a", "ds": "{2000 + i}", "y": Infinity}}'
                                             for i in range(6)) + "]}"
    response = TestClient(app).post("/forecasts", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"]["problems"][0]["loc"][-1] == "y"


def test_projection_seed_and_missing_uncertainty_are_located(monkeypatch, tmp_path):
    response = client(monkeypatch).post("/projections", json={"scenario": "base", "draws": 5, "seed": -1})
    assert response.status_code == 422 and response.json()["detail"]["problems"][0]["loc"] == ["body", "seed"]
    data = ROOT / "data" / "demokommun"
    response = post_own_scenario(monkeypatch, tmp_path, "/projections", "certain",
                                 f"name: certain\npurpose: x\ndata: {data}\nbase_date: 2024-07-01\nseed: 1\n"
                                 f"projection:\n  horizon_years: 2\n  default_model: drift\n  frame: {data / 'frame.yaml'}\n",
                                 draws=5)
    assert response.status_code == 422, response.text
    problem = response.json()["detail"]["problems"][0]
    assert problem["loc"] == ["body", "draws"] and "send draws 0" in problem["msg"]
    assert TestClient(app).post("/projections", json={"scenario": "certain"}).status_code == 200


@pytest.mark.parametrize(("route", "body", "loc", "message"), [
    ("/projections", {"scenario": "base", "draw": 1000}, ["body", "draw"], "unknown field 'draw'. Expected only: scenario, draws, seed"),
    ("/forecasts", {"series": RATE, "h": 1, "modle": "naive"}, ["body", "modle"], "unknown field 'modle'"),
    ("/forecasts", {"series": [{**RATE[0], "note": "x"}] + RATE[1:], "h": 1}, ["body", "series", 0, "note"], "unknown field 'note'"),
    ("/forecasts", {"series": RATE, "h": "3"}, ["body", "h"], "Expected a whole number"),
    ("/forecasts", {"series": RATE, "h": True}, ["body", "h"], "Expected a whole number"),
    ("/forecasts", {"series": [{**p, "y": str(p["y"])} for p in RATE], "h": 1}, ["body", "series", 0, "y"], "Expected a number"),
    ("/forecasts", {"series": [{**p, "ds": None} for p in RATE], "h": 1}, ["body", "series", 0, "ds"], "is neither text nor a whole number. Expected a string"),
    ("/projections", {"scenario": "base", "draws": True}, ["body", "draws"], "Expected a whole number"),
    ("/projections", {"scenario": "base", "seed": 7}, ["body", "seed"], "a seed without draws has no effect"),
    ("/runs", {"scenario": "a" * 300}, ["body", "scenario"], "at most 100 characters"),
    ("/forecasts", {"series": RATE, "h": 1, "model": "x" * 5000}, ["body", "model"], "at most 40 characters"),
    ("/forecasts", {"series": RATE, "h": 1, "y" * 500: 1}, ["body", "y" * 100 + "…"], "unknown field 'yyyyyyyy"),
    ("/runs", {}, ["body", "scenario"], "the field 'scenario' is missing"),
])
def test_mistyped_fields_and_loose_types_are_422_not_silently_used(monkeypatch, route, body, loc, message):
    """A typo in a field name, a number sent as a string or true for 1 is an error, not a default."""
    response = client(monkeypatch).post(route, json=body)
    assert response.status_code == 422, response.text
    problem = response.json()["detail"]["problems"][0]
    assert problem["loc"] == loc and message in problem["msg"] and "Fix:" in problem["msg"], problem


@pytest.mark.parametrize("body", [
    {"series": RATE, "h": 1, "model": PNR},
    {"series": [{**p, "unique_id": "19121212 1212"} for p in RATE], "h": 1},
    {"series": RATE, "h": 1, PNR: 1},
])
def test_identity_numbers_in_any_field_or_key_are_refused_and_not_echoed(body):
    response = TestClient(app).post("/forecasts", json=body)
    assert response.status_code == 422, response.text
    assert "121212" not in response.text


def test_decimal_values_are_not_taken_for_identity_numbers():
    """1694.868905674316 has twelve decimals, and 1206643841.66 (a frame in SEK from /projections)
    ten whole digits, that would pass the date and check-digit test."""
    values = [1600.5, 1650.25, 1694.868905674316, 1710, 1206643841.66, 1206643841, 1731.5]
    body = {"h": 1, "series": [{"unique_id": "a", "ds": 2015 + i, "y": v} for i, v in enumerate(values)]}
    response = TestClient(app).post("/forecasts", json=body)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("method", "path", "content", "headers", "status", "message"), [
    ("GET", "/forecasts", None, {}, 405, "GET is not allowed here"),
    ("POST", "/nothing", None, {}, 404, "no such endpoint"),
    ("POST", "/runs", b'{"scenario": "\xff"}', {"content-type": "application/json"}, 400, "UTF-8"),
    ("POST", "/forecasts", b'{"h": ' + b"9" * 5000 + b"}", {"content-type": "application/json"}, 400, "digits"),
    ("POST", "/runs", b"[" * 100_000, {"content-type": "application/json"}, 400, "nested"),
    ("POST", "/runs", b'{"scenario": ', {"content-type": "application/json"}, 422, "not valid JSON"),
    ("POST", "/runs", b'{"scenario": "base"}', {"content-type": "text/plain"}, 415, "Content-Type: application/json"),
])
def test_routing_and_body_errors_have_the_one_error_shape(method, path, content, headers, status, message):
    response = TestClient(app).request(method, path, content=content, headers=headers)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert message in detail["problems"][0]["msg"] and detail["resmodel_version"]
    assert detail["problems"][0]["loc"] == (["body"] if status in (400, 415, 422) else [])


def test_unknown_scenario_lists_the_scenarios_there(monkeypatch):
    msg = client(monkeypatch).post("/runs", json={"scenario": "nope"}).json()["detail"]["problems"][0]["msg"]
    assert "base, capacity_limit, expansion" in msg and "RESMODEL_SCENARIOS" in msg


def test_a_mistake_in_every_row_gives_a_bounded_list_of_problems():
    body = {"series": [{**p, "y": "1"} for p in RATE * 3], "h": 1}
    problems = TestClient(app).post("/forecasts", json=body).json()["detail"]["problems"]
    assert len(problems) == 21 and "19 more problems" in problems[-1]["msg"]


def test_a_request_cannot_turn_its_own_error_into_a_500():
    """A lone surrogate in a value the message repeats was a UnicodeEncodeError (500); a 20 000-character
    value was repeated in full. Both are now shown escaped and cut."""
    client = TestClient(app, raise_server_exceptions=False)
    body = '{"h": 3, "model": "naive", "series": [{"unique_id": "a", "ds": "\\ud800", "y": 1}]}'
    response = client.post("/forecasts", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422 and "'\\\\ud800' is not a period" in response.text
    response = client.post("/forecasts", json={"h": 3, "series": [{"unique_id": "a", "ds": "x" * 20_000, "y": 1}]})
    assert response.status_code == 422 and len(response.text) < 1000 and "x" * 40 + "…" in response.text


@pytest.mark.parametrize("route, body", [
    ("/runs", '{"scenario": "base", "\\udc80": 1}'),
    ("/forecasts", '{"h": 3, "series": [{"unique_id": "a", "ds": "2024", "y": 1, "modle\\udc80": 2}]}'),
    ("/queues", '{"service": "x", "places": 1, "\\ud83d": 2}'),
])
def test_an_unknown_field_name_with_a_lone_surrogate_is_a_422_at_its_path(monkeypatch, route, body):
    """API consumer walkthrough: a field name cut in the middle of an emoji (a lone surrogate) was a 500."""
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
    response = TestClient(app, raise_server_exceptions=False).post(route, content=body,
                                                                   headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    problem = response.json()["detail"]["problems"][0]
    assert "unknown field" in problem["msg"] and "\\ud" in problem["loc"][-1] + problem["msg"]


def test_a_fault_of_resmodels_own_is_a_500_in_the_problem_shape_without_a_traceback(monkeypatch):
    """The one error shape holds for a fault of the model's own too (a client reads one shape)."""
    import api.runs

    def broken(*args, **kwargs):
        raise RuntimeError("an internal fault")

    from api.main import create_app

    monkeypatch.setattr(api.runs, "run", broken)
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
    monkeypatch.setenv("RESMODEL_CORS_ORIGINS", "https://intra.example")
    response = TestClient(create_app(), raise_server_exceptions=False).post(
        "/runs", json={"scenario": "base"}, headers={"Origin": "https://intra.example"})
    assert response.status_code == 500
    problem = response.json()["detail"]["problems"][0]
    assert problem["loc"] == [] and "a fault of its own, not of the request" in problem["msg"]
    assert "Traceback" not in response.text and "an internal fault" not in response.text
    # diff review: an exception handler answers outside CORS, so a page on another origin could not read it
    assert response.headers.get("access-control-allow-origin") == "https://intra.example"


def test_projection_notes_show_no_server_paths(monkeypatch, tmp_path):
    """A premises plan outside the project folder is named in the notes by its last folder and file."""
    outside = tmp_path / "else where" / "plans"  # a space: the note quotes the path, which is cut to its end
    outside.mkdir(parents=True)
    (outside / "premises_plan.csv").write_text(
        "premises_id,places,annual_rent_sek,open_year,decision\nA,25,800000,2027,open\n")
    folder = tmp_path / "project" / "served"
    folder.mkdir(parents=True)
    response = post_own_scenario(monkeypatch, folder, "/projections", "planned", (
        f"name: planned\npurpose: test\nextends: {ROOT / 'scenarios' / 'base.yaml'}\nprojection:\n  capacity:\n"
        f"    daglig_verksamhet: {{places: premises, plan: '{outside / 'premises_plan.csv'}'}}\n"))
    assert response.status_code == 200, response.text
    notes = " ".join(response.json()["notes"])
    assert "'plans/premises_plan.csv' opens 1 premises" in notes and str(tmp_path) not in notes
    assert "else where" not in notes


def test_a_missing_plan_at_a_server_path_with_spaces_is_shown_by_its_last_folder_and_file(monkeypatch, tmp_path):
    folder = tmp_path / "project" / "served"  # the project folder is tmp_path / "project"
    folder.mkdir(parents=True)
    missing = tmp_path / "kommun x" / "lokal planer" / "nope.csv"
    response = post_own_scenario(monkeypatch, folder, "/projections", "planned", (
        f"name: planned\npurpose: test\nextends: {ROOT / 'scenarios' / 'base.yaml'}\nprojection:\n  capacity:\n"
        f"    daglig_verksamhet: {{places: premises, plan: '{missing}'}}\n"))
    assert response.status_code == 422
    message = str(response.json())
    assert "'lokal planer/nope.csv'" in message and str(tmp_path) not in message and "kommun x" not in message


@pytest.mark.parametrize("from_root", [False, True])
def test_a_bad_row_of_a_forecast_file_at_a_server_path_with_spaces_shows_no_server_path(monkeypatch, tmp_path,
                                                                                        from_root):
    """Fuzz review: a located error's file was cut by a text pattern that stops at the first space; a later
    review: with the server's working folder '/' the shown path was relative, and so not cut."""
    outside = tmp_path / "Delade filer" / "LSS prognos"
    outside.mkdir(parents=True)
    (outside / "volume_forecast.csv").write_text("month,service,level,volume\n2025-01,boendestod,,-5\n")
    folder = tmp_path / "project" / "served"
    folder.mkdir(parents=True)
    if from_root:
        monkeypatch.chdir("/")
    response = post_own_scenario(monkeypatch, folder, "/projections", "from_file", (
        f"name: from_file\npurpose: test\nextends: {ROOT / 'scenarios' / 'base.yaml'}\nprojection:\n"
        f"  volume_forecast: '{outside / 'volume_forecast.csv'}'\n"))
    message = str(response.json())
    assert response.status_code == 422 and "LSS prognos/volume_forecast.csv, row 2, column 'volume'" in message
    assert "Delade filer" not in message and str(tmp_path).lstrip("/") not in message


def test_a_projection_answer_carries_the_hashes_of_its_input_files(monkeypatch, tmp_path):
    """Fuzz review: two answers after a forecast file changed had the same scenario hash and nothing else."""
    folder = tmp_path / "project" / "served"
    folder.mkdir(parents=True)
    forecast = tmp_path / "fc" / "volume_forecast.csv"
    forecast.parent.mkdir()
    months = pd.period_range("2025-01", "2034-12", freq="M").strftime("%Y-%m")
    pd.DataFrame({"month": months, "service": "boendestod", "volume": 990.0}).to_csv(forecast, index=False)
    body = (f"name: ff\npurpose: test\nextends: {ROOT / 'scenarios' / 'base.yaml'}\nprojection:\n"
            f"  volume_forecast: '{forecast}'\n")
    first = post_own_scenario(monkeypatch, folder, "/projections", "ff", body)
    assert first.status_code == 200, first.text
    hashes = first.json()["input_hashes"]
    assert set(hashes) == {"data", "parameters", "frame", "volume_forecast"}
    assert hashes["volume_forecast"] == hashlib.sha256(forecast.read_bytes()).hexdigest()
    forecast.write_text(forecast.read_text().replace("990.0", "995.0"))
    second = post_own_scenario(monkeypatch, folder, "/projections", "ff", body)
    assert second.json()["input_hashes"]["volume_forecast"] != hashes["volume_forecast"]
    assert second.json()["scenario_hash"] == first.json()["scenario_hash"]


def test_server_paths_with_spaces_in_folder_names_are_cut_whole(tmp_path):
    """API review: '/tmp/h6_srv2/resmodel data/kommun x/dk/premises.csv' came back as 'h6_srv2/resmodel data/kommun
    x/dk/premises.csv' in warnings (the pattern stopped at the first space)."""
    from api.problems import without_server_paths

    folder = tmp_path / "resmodel data" / "kommun x" / "dk"
    folder.mkdir(parents=True)
    text = f"[capacity_exceeded] {folder}/premises.csv, at 'L-DV029': 34 users; see {folder}/units.csv"
    shown = without_server_paths(text, ROOT)
    assert shown == "[capacity_exceeded] dk/premises.csv, at 'L-DV029': 34 users; see dk/units.csv"
    assert without_server_paths(f"{ROOT}/scenarios/base.yaml, line 3: ratio 5/7", ROOT) == \
        "scenarios/base.yaml, line 3: ratio 5/7"


@pytest.mark.parametrize("text, loc", [
    ('{"scenario": "base", "draws": 0, "draws": 200}', ["body", "draws"]),
    ('{"series": [{"unique_id": "a", "ds": "2020", "y": 1, "y": 2}], "h": 1}', ["body", "series", 0, "y"]),
])
def test_a_field_given_twice_in_one_object_is_refused_at_its_path(monkeypatch, text, loc):
    """Integrator review: {"draws": 0, "draws": 200} ran with 200 draws without a word (the last value wins)."""
    route = "/projections" if "scenario" in text else "/forecasts"
    response = client(monkeypatch).post(route, content=text, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]["problems"]
    assert [p["loc"] for p in problems] == [loc]
    assert f"the field '{loc[-1]}' is given twice in one object" in problems[0]["msg"] and "Fix:" in problems[0]["msg"]


def test_a_body_that_is_not_json_still_gets_the_endpoint_own_message(monkeypatch):
    response = client(monkeypatch).post("/runs", content="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and "is not valid JSON" in response.json()["detail"]["problems"][0]["msg"]


def test_every_field_of_the_schema_is_described():
    """Integrator review: several OpenAPI fields (forecast bounds, nowcast sums, hashes, versions) had no
    description, so a generated client or a BI connector could not tell what or in which unit they are."""
    schemas = TestClient(app).get("/openapi.json").json()["components"]["schemas"]
    undescribed = {name: [f for f, v in schema.get("properties", {}).items() if not v.get("description")]
                   for name, schema in schemas.items() if name not in ("HTTPValidationError", "ValidationError")}
    assert {name: fields for name, fields in undescribed.items() if fields} == {}


def test_every_short_series_of_a_batch_is_reported_at_once():
    """Integrator review: a batch of 50 series was answered one problem per round trip (the first short series
    stopped the check, and the yearly series were not looked at after a monthly one)."""
    series = ([{"unique_id": u, "ds": str(2020 + i), "y": 1.0} for u in ("a", "b") for i in range(2)]
              + [{"unique_id": "m", "ds": f"2020-{i + 1:02d}", "y": 1.0} for i in range(2)])
    response = TestClient(app).post("/forecasts", json={"series": series, "h": 2, "model": "naive"})
    assert response.status_code == 422
    problems = response.json()["detail"]["problems"]
    assert sorted(p["series"] for p in problems) == ["a", "b", "m"]
    assert all("has 2 point(s)" in p["msg"] for p in problems)


def test_the_series_schema_says_what_the_server_checks():
    """Integrator review: a client generated from the schema let negative y and 200-character ids through."""
    point = TestClient(app).get("/openapi.json").json()["components"]["schemas"]["SeriesPoint"]["properties"]
    assert point["y"]["minimum"] == 0
    assert {"type": "string", "maxLength": 100} in point["unique_id"]["anyOf"]


def test_fields_given_twice_are_capped_and_an_unknown_route_stays_a_404(monkeypatch):
    body = "{" + ", ".join(f'"k{i}": 1, "k{i}": 2' for i in range(30)) + "}"
    response = client(monkeypatch).post("/runs", content=body, headers={"Content-Type": "application/json"})
    problems = response.json()["detail"]["problems"]
    assert response.status_code == 422 and len(problems) == 21 and "and 10 more fields given twice" in problems[-1]["msg"]
    response = client(monkeypatch).post("/nope", content='{"a": 1, "a": 2}', headers={"Content-Type": "application/json"})
    assert response.status_code == 404


def test_forecast_warnings_come_with_their_check_and_series_apart():
    """Integrator review: to flag series that fell back to naive, a client had to parse '[short_series]
    body.series, at 'b': …' out of text."""
    series = ([{"unique_id": "a", "ds": str(2015 + i), "y": 100.0 + i} for i in range(5)]
              + [{"unique_id": "b", "ds": f"2020-{i + 1:02d}", "y": 5.0} for i in range(12)])
    body = TestClient(app).post("/forecasts", json={"series": series, "h": 2, "model": "ets"}).json()
    items = {(w["check"], w["series"]) for w in body["warning_items"]}
    assert {("short_series", "a"), ("short_series", "b")} <= items
    assert len(body["warning_items"]) == len(body["warnings"])


def test_snaive_on_a_yearly_series_says_it_is_the_naive_forecast():
    """Fuzzing review: model 'snaive' on a yearly series answered model_used 'naive' with no warning."""
    body = {"series": [{"unique_id": "r", "ds": 2010 + i, "y": 200 + i} for i in range(10)], "h": 3, "model": "snaive"}
    answer = TestClient(app).post("/forecasts", json=body).json()
    assert {r["model_used"] for r in answer["forecasts"]} == {"naive"}
    assert [(w["check"], w["series"]) for w in answer["warning_items"]] == [("no_season", "r")]


def test_a_utf16_body_is_refused_as_docs_api_says():
    """Fuzzing review: Python's JSON parser reads UTF-16, so a UTF-16 body ran though docs/api.md promises a 400."""
    response = TestClient(app).post("/runs", content='{"scenario": "base"}'.encode("utf-16"),
                                    headers={"content-type": "application/json"})
    assert response.status_code == 400 and "not UTF-8" in response.json()["detail"]["problems"][0]["msg"]


def test_a_series_id_that_is_a_bare_date_and_serial_is_refused_unechoed():
    body = {"series": [{"unique_id": "8001011234", "ds": 2010 + i, "y": 1 + i} for i in range(8)], "h": 1}
    response = TestClient(app).post("/forecasts", json=body)
    assert response.status_code == 422 and "8001011234" not in response.text and "identity number" in response.text


def test_a_trailing_slash_is_a_404_problem_not_a_redirect():
    """Integrator walkthrough: POST /runs/ answered 307 to http://<internal host>/runs behind a TLS proxy."""
    response = TestClient(app).post("/runs/", json={"scenario": "base"}, follow_redirects=False)
    assert response.status_code == 404 and response.json()["detail"]["problems"][0]["loc"] == []


def test_the_scenario_name_pattern_means_the_same_in_a_javascript_client(monkeypatch):
    """API consumer walkthrough: the schema's ^[\\w\\-]+$ refused 'förändring' in JavaScript (ASCII \\w) while the
    server (Unicode \\w) listed and ran it; the letters are now spelt out."""
    import re

    schema = client(monkeypatch).get("/openapi.json").json()
    pattern = schema["components"]["schemas"]["RunRequest"]["properties"]["scenario"]["pattern"]
    assert "\\w" not in pattern and "\\d" not in pattern
    assert re.fullmatch(pattern, "förändring_2025-Å") and not re.fullmatch(pattern, "../base")


def test_a_query_string_is_refused_and_not_echoed(monkeypatch):
    """Audit: '?user=19121212-1212' was accepted silently (200), and a server's access log keeps the URL."""
    c = client(monkeypatch)
    for response in (c.get("/scenarios?user=19121212-1212"),
                     c.post("/runs?scenario=19121212-1212", json={"scenario": "base"})):
        assert response.status_code == 422 and response.json()["detail"]["problems"][0]["loc"] == ["query"]
        assert "1212" not in response.text and "Fix: send the values in the body" in response.text
    assert c.get("/scenarios").status_code == 200


@pytest.mark.parametrize(("route", "body", "headers"), [
    ("/runs", {"scenario": "8001011234"}, {}),  # a mistyped number (check digit wrong) as a scenario name
    ("/runs", {"scenario": "base", "8001011234": 1}, {}),  # as an unknown field's name
    ("/forecasts", {"series": [{"unique_id": "a", "ds": "8001011234", "y": 1.0}], "h": 1}, {}),  # as a month
    ("/runs", b'{"scenario": "base"}', {"content-type": "text/x-19121212-1212"}),  # in a media type (a 415)
])
def test_no_error_answer_repeats_an_identity_number(monkeypatch, route, body, headers):
    """Audit: these were quoted back ('no scenario '8001011234'', 'the body is sent as 'text/x-19121212-1212'')."""
    c = client(monkeypatch)
    response = (c.post(route, content=body, headers=headers) if isinstance(body, bytes)
                else c.post(route, json=body, headers=headers))
    assert 400 <= response.status_code < 500, response.text
    assert "8001011234" not in response.text and "1212" not in response.text, response.text


def test_a_run_refuses_a_projection_block_the_cli_run_refuses(monkeypatch, tmp_path):
    """POST /runs answered 200 for a scenario whose projection names an unknown service; `resmodel run` refuses it."""
    text = (f"name: odd\npurpose: x\nextends: {ROOT / 'scenarios' / 'base.yaml'}\n"
            "projection:\n  volumes:\n    daglig_verksamheten: {2025: 1000}\n")
    response = post_own_scenario(monkeypatch, tmp_path, "/runs", "odd", text)
    assert response.status_code == 422, response.text
    assert "daglig_verksamheten" in response.text


@pytest.mark.parametrize("name", ["x" * 32 + "8001011235", "y" * 92 + "8001011235"])
def test_a_long_name_ending_in_an_identity_number_leaves_no_part_of_it_at_the_cut(monkeypatch, name):
    """Review: names were cut to length before the number was masked, so '…80010112…' (a birth date and two serial
    digits) was left at the cut of the message and of the location."""
    response = client(monkeypatch).post("/runs", json={"scenario": "base", name: 1})
    assert response.status_code == 422 and "800101" not in response.text, response.text
