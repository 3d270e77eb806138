"""What a front-end for economists needs from the API: the scenarios there, per-unit run results, the
per-service projection, comparisons, the declared error shape and CORS for an intranet page."""

from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.main import app, create_app
from tests.conftest import ROOT


@pytest.fixture
def client(monkeypatch) -> TestClient:
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
    return TestClient(app)


def test_the_scenarios_are_listed_with_what_each_can_do(client, monkeypatch, tmp_path):
    listed = {s["scenario"]: s for s in client.get("/scenarios").json()["scenarios"]}
    assert set(listed) == {p.stem for p in (ROOT / "scenarios").glob("*.yaml")}
    base = listed["base"]
    assert base["purpose"] and base["extends"] is None and base["projection"] and base["problems"] == []
    assert base["scenario_hash"] == client.post("/runs", json={"scenario": "base"}).json()["scenario_hash"]
    assert all(s["extends"] == "base.yaml" for name, s in listed.items() if name != "base" and s["extends"])
    # a file with a problem is listed with it (located, no server path), not left out
    (tmp_path / "ok.yaml").write_text("name: ok\npurpose: runs only\ndata: data\n")
    (tmp_path / "broken.yaml").write_text("name: broken\npurpose: x\nextends: missing.yaml\n")
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(tmp_path))
    listed = {s["scenario"]: s for s in TestClient(app).get("/scenarios").json()["scenarios"]}
    assert listed["ok"]["problems"] == [] and not listed["ok"]["projection"] and not listed["ok"]["uncertainty"]
    assert len(listed["broken"]["problems"]) == 1 and "missing.yaml" in listed["broken"]["problems"][0]
    assert str(tmp_path.parent) not in listed["broken"]["problems"][0]


def test_a_run_gives_every_unit_as_enheter_csv(client, demo_result):
    body = client.post("/runs", json={"scenario": "base"}).json()
    units = pd.DataFrame(body["units"])
    expected = demo_result.allocation.units
    assert list(units.columns) == list(expected.columns) and len(units) == len(expected)
    pd.testing.assert_frame_equal(units, expected.astype({c: object for c in expected.select_dtypes("string")}),
                                  check_dtype=False)
    services = pd.DataFrame(body["services"]).set_index("service")
    assert services["net_cost"].sum() == pytest.approx(units["net_cost"].sum())
    assert body["base_date"] == "2024-07-01"


def test_a_projection_gives_the_per_service_table_and_ordered_percentiles(client):
    body = client.post("/projections", json={"scenario": "base", "draws": 40, "seed": 3}).json()
    services = pd.DataFrame(body["services"])
    years = pd.DataFrame(body["years"])
    totals = services[services["service"].eq("total") & services["measure"].eq("net_cost")]
    by_area = years[years["area"].ne("total")].set_index(["year", "area"])["net_cost"]
    assert totals.set_index(["year", "area"])["value"].reindex(by_area.index).to_numpy() == pytest.approx(
        by_area.to_numpy())
    base = pd.DataFrame(body["base_year"]).set_index("area")
    assert set(base["year"]) == {2024} and base.loc["total", "net_cost"] == pytest.approx(
        base.drop(index="total")["net_cost"].sum())
    bands = pd.DataFrame(body["percentiles"])[["p05", "p10", "p25", "p50", "p75", "p90", "p95"]].to_numpy()
    assert (bands[:, :-1] <= bands[:, 1:] + 1e-6).all()


def test_a_comparison_matches_the_projections_and_its_waterfall_closes(client):
    body = client.post("/comparisons", json={"scenarios": ["base", "wage_above_state_rate"]}).json()
    answers = {name: client.post("/projections", json={"scenario": name}).json()
               for name in ("base", "wage_above_state_rate")}
    assert body["input_hashes"] == {name: answer["input_hashes"] for name, answer in answers.items()}
    a, b = (pd.DataFrame(answers[name]["years"]) for name in ("base", "wage_above_state_rate"))
    diff = pd.DataFrame(body["differences"])
    board = diff[diff["area"].eq("total") & diff["measure"].eq("deviation")].set_index("year")["difference"]
    expected = (b[b["area"].eq("total")].set_index("year")["deviation"]
                - a[a["area"].eq("total")].set_index("year")["deviation"])
    assert board.to_numpy() == pytest.approx(expected.reindex(board.index).to_numpy())
    fall = pd.DataFrame(body["waterfall"])
    assert set(fall["measure"]) == {"deviation"} and set(fall["area"]) == {"total"}  # what the steps are of
    steps = fall[~fall["driver"].isin(["start", "end"])]["value"].sum()
    assert fall["value"].iloc[0] + steps == pytest.approx(fall["value"].iloc[-1])
    assert set(body["scenario_hashes"]) == {"base", "wage_above_state_rate"}
    assert {u["unit_id"] for u in body["units"]} >= {"DV001"}
    services = pd.DataFrame(body["services"])  # per service: they add up to the board's net cost difference
    net = services[services["measure"].eq("net_cost")].groupby("year")["difference"].sum()
    board_net = diff[diff["area"].eq("total") & diff["measure"].eq("net_cost")].set_index("year")["difference"]
    assert net.to_numpy() == pytest.approx(board_net.reindex(net.index).to_numpy())


@pytest.mark.parametrize("body, loc, message", [
    ({"scenarios": ["base"]}, ["body", "scenarios"], "at least 2 items"),
    ({"scenarios": ["base", "base"]}, ["body", "scenarios", 1], "like the earlier 'base'"),
    ({"scenarios": ["base", "no_indexation"], "year": 2040}, ["body", "year"], "a year from 2025 to 2034"),
    ({"scenarios": ["base", "nope"]}, ["body", "scenarios", 1], "no scenario 'nope'"),
    # never a file outside the scenario folder (a code review read one with an absolute or '..' path)
    ({"scenarios": ["base", "/etc/hosts"]}, ["body", "scenarios", 1], "should match pattern"),
    ({"scenarios": ["base", "../../scenarios/base"]}, ["body", "scenarios", 1], "should match pattern"),
    ({"scenarios": ["base", "x" * 300]}, ["body", "scenarios", 1], "at most 100 characters"),
    ({"scenarios": ["base", "no_indexation"], "measure": "cost"}, ["body", "measure"], "deviation"),
])
def test_comparison_mistakes_are_located(client, body, loc, message):
    response = client.post("/comparisons", json=body)
    problem = response.json()["detail"]["problems"][0]
    assert response.status_code in (404, 422) and problem["loc"] == loc and message in problem["msg"]


def test_the_scenario_loader_refuses_paths_whatever_the_endpoint_checked(client):
    from fastapi import HTTPException

    from api.scenarios import load_scenario

    for name in ("../scenarios/base", "/etc/hosts", "base.yaml", "a b"):
        with pytest.raises(HTTPException) as err:
            load_scenario(name, ["body", "x"])
        assert err.value.status_code == 422 and err.value.detail["problems"][0]["loc"] == ["body", "x"]


def test_odd_files_in_the_folder_are_listed_with_their_problem_never_a_500(monkeypatch, tmp_path):
    (tmp_path / "ok.yaml").write_text("name: ok\npurpose: runs only\ndata: data\n")
    (tmp_path / "min plan.yaml").write_text("name: min_plan\npurpose: x\n")
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    (tmp_path / "19900101-2389.yaml").write_text("name: x\npurpose: x\n")
    (tmp_path / "utökning.yaml").write_text("name: utokning\npurpose: x\ndata: data\n")  # å ä ö as in the CLI
    (tmp_path / "dir.yaml").mkdir()
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(tmp_path))
    api = TestClient(app)
    response = api.get("/scenarios")
    assert response.status_code == 200, response.text
    listed = {s["scenario"]: s for s in response.json()["scenarios"]}
    assert set(listed) == {"ok", "min plan", "loop", "utökning", "dir"} and "19900101" not in response.text
    assert listed["utökning"]["problems"] == [] and "is a folder" in listed["dir"]["problems"][0]
    assert "cannot be sent as a scenario name" in listed["min plan"]["problems"][0]
    assert "cannot be read" in listed["loop"]["problems"][0]
    missing = api.post("/runs", json={"scenario": "nope"})
    assert missing.status_code == 404 and "19900101" not in missing.text and "min plan" not in missing.text
    assert "'dir'" not in missing.text and "utökning" in missing.text
    for name, text in (("loop", "is a link to nowhere (or to itself)"), ("dir", "is a folder")):
        answer = api.post("/runs", json={"scenario": name})  # listed with its problem: that problem, not a 404
        assert answer.status_code == 422 and text in answer.json()["detail"]["problems"][0]["msg"], answer.text


def test_the_schema_declares_the_one_error_shape_everywhere(client):
    schema = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "404", "422"):
                ref = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ProblemBody"), (method, path, status)


def test_cors_only_for_the_configured_origins(monkeypatch):
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
    preflight = {"Origin": "https://intranat.kommun.se", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "Content-Type"}
    assert "access-control-allow-origin" not in TestClient(app).options("/runs", headers=preflight).headers
    monkeypatch.setenv("RESMODEL_CORS_ORIGINS", "https://intranat.kommun.se, https://annan.kommun.se")
    configured = TestClient(create_app())
    allowed = configured.options("/runs", headers=preflight)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://intranat.kommun.se"
    other = configured.options("/runs", headers={**preflight, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    # API consumer walkthrough: behind a login proxy a page sends its cookie or an Authorization header
    login = configured.options("/runs", headers={**preflight, "Access-Control-Request-Headers": "Authorization"})
    assert login.status_code == 200 and login.headers["access-control-allow-credentials"] == "true"


def test_a_data_folder_outside_the_project_is_not_shown_as_a_server_path(monkeypatch, tmp_path):
    """A docs check: with data: /elsewhere/d2 the 422 and the run's warnings showed the absolute path."""
    import shutil

    data = tmp_path / "elsewhere" / "d2"
    shutil.copytree(ROOT / "data" / "demokommun", data)
    folder = tmp_path / "server" / "scenarios"
    folder.mkdir(parents=True)
    base = (ROOT / "scenarios" / "base.yaml").read_text().replace("../data/demokommun", str(data))
    (folder / "base.yaml").write_text(base)
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(folder))
    ok = TestClient(app).post("/runs", json={"scenario": "base"})
    assert ok.status_code == 200 and ok.json()["warnings"]
    assert all(str(tmp_path) not in w and w.startswith("[capacity_exceeded] d2/premises.csv")
               for w in ok.json()["warnings"])
    lines = (data / "staff.csv").read_text().splitlines()
    (data / "staff.csv").write_text("\n".join([lines[0], lines[1].rsplit(",", 1)[0] + ",many", *lines[2:]]) + "\n")
    broken = TestClient(app).post("/runs", json={"scenario": "base"})
    assert broken.status_code == 422 and str(tmp_path) not in broken.text and "d2/staff.csv, row 2" in broken.text


def test_a_comparison_with_an_unknown_last_scenario_answers_before_running_the_others(monkeypatch):
    """Integrator review: five scenarios were run (3 s) before the sixth name was found unknown; and the list of
    unknown fields stopped at five without saying so."""
    from fastapi.testclient import TestClient

    from api.main import app
    from resmodel import projection_run

    monkeypatch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
    calls = []
    monkeypatch.setattr(projection_run, "build_setup", lambda *a: calls.append(a))
    client = TestClient(app)
    response = client.post("/comparisons", json={"scenarios": ["base", "high_volume_growth", "nosuch"]})
    assert response.status_code == 404 and response.json()["detail"]["problems"][0]["loc"] == ["body", "scenarios", 2]
    assert calls == []  # nothing was projected
    extra = client.post("/projections", json={"scenario": "base", **{f"x{i}": 1 for i in range(7)}})
    assert extra.status_code == 422 and "and 2 more" in extra.text



def test_a_comparisons_waterfall_for_one_area_adds_up_to_that_areas_difference(client):
    """Review: the CLI gained --area, the API kept the board's waterfall only."""
    body = client.post("/comparisons", json={"scenarios": ["base", "high_volume_growth"], "area": "daglig_verksamhet",
                                             "year": 2027, "measure": "net_cost"}).json()
    fall = [s for s in body["waterfall"] if s["driver"] not in ("start", "end")]
    moved = next(d for d in body["differences"] if d["year"] == 2027 and d["area"] == "daglig_verksamhet"
                 and d["measure"] == "net_cost")
    assert {s["area"] for s in body["waterfall"]} == {"daglig_verksamhet"}
    assert sum(s["value"] for s in fall) == pytest.approx(moved["difference"], abs=1.0) and moved["difference"] > 1e5


def test_a_scenario_file_named_in_decomposed_unicode_is_listed_and_run_by_its_composed_name(monkeypatch, tmp_path):
    """Integrator walkthrough: 'årsbudget.yaml' copied from a Mac (NFD: 'a' + a combining ring) was listed as not
    sendable, 404 by the typed name and 422 by the listed one."""
    import unicodedata

    from fastapi.testclient import TestClient

    from api.main import app

    name = "årsbudget"
    text = (ROOT / "scenarios" / "base.yaml").read_text(encoding="utf-8").replace("name: base", f"name: {name}")
    text = text.replace("../data/demokommun", str(ROOT / "data" / "demokommun"))  # the data and the frame file
    (tmp_path / f"{unicodedata.normalize('NFD', name)}.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(tmp_path))
    client = TestClient(app)
    listed = client.get("/scenarios").json()["scenarios"]
    assert [(s["scenario"], s["problems"]) for s in listed] == [(name, [])]
    assert client.post("/runs", json={"scenario": name}).status_code == 200


def test_scenarios_over_other_years_are_located_at_the_one_that_differs(monkeypatch, tmp_path):
    """Integrator walkthrough: the problem of a third scenario with a shorter horizon was at 'scenarios', the list,
    so a front-end could not mark which of the names to change."""
    text = (ROOT / "scenarios" / "base.yaml").read_text(encoding="utf-8").replace("../data", str(ROOT / "data"))
    (tmp_path / "base.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "copy.yaml").write_text(text.replace("name: base", "name: copy"), encoding="utf-8")
    (tmp_path / "short.yaml").write_text(text.replace("name: base", "name: short")
                                         .replace("horizon_years: 10", "horizon_years: 5"), encoding="utf-8")
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(tmp_path))
    response = TestClient(app).post("/comparisons", json={"scenarios": ["base", "copy", "short"]})
    assert response.status_code == 422, response.text
    problem = response.json()["detail"]["problems"][0]
    assert problem["loc"] == ["body", "scenarios", 2] and "projection.horizon_years differs: 10 in base, 5 in short" in problem["msg"]
