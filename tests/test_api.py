"""The API runs a shipped scenario and reports user mistakes as 4xx, never 500."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import app
from tests.conftest import ROOT


def client(monkeypatch) -> TestClient:
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
    return TestClient(app)


def test_run_base(monkeypatch):
    response = client(monkeypatch).post("/runs", json={"scenario": "base"})
    assert response.status_code == 200
    body = response.json()
    assert body["scenario"] == "base" and len(body["scenario_hash"]) == 64
    services = {row["service"]: row for row in body["services"]}
    assert services["daglig_verksamhet"]["users"] == 1030


def test_unknown_scenario_is_404(monkeypatch):
    response = client(monkeypatch).post("/runs", json={"scenario": "nope"})
    assert response.status_code == 404 and response.json()["detail"]["loc"] == ["body", "scenario"]


def test_bad_name_is_422(monkeypatch):
    response = client(monkeypatch).post("/runs", json={"scenario": "../etc/passwd"})
    assert response.status_code == 422


def test_broken_scenario_is_422_with_location(monkeypatch, tmp_path):
    (tmp_path / "bad.yaml").write_text(f"name: bad\npurpose: x\nextends: {ROOT / 'scenarios' / 'base.yaml'}\n"
                                       "parameters:\n  working_time.sick_leev_rate: 0.05\n")
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(tmp_path))
    response = TestClient(app).post("/runs", json={"scenario": "bad"})
    assert response.status_code == 422
    problems = response.json()["detail"]["problems"]
    assert "bad.yaml, line 5" in problems[0] and "sick_leave_rate" in problems[0]
