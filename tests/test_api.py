"""The API runs a shipped scenario and reports user mistakes as 4xx, never 500."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
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


def test_projection_without_a_projection_block_is_422_with_location(monkeypatch, tmp_path):
    (tmp_path / "plain.yaml").write_text(f"name: plain\npurpose: x\ndata: {ROOT / 'data' / 'demokommun'}\n"
                                         "base_date: 2024-07-01\nseed: 1\n")
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(tmp_path))
    response = TestClient(app).post("/projections", json={"scenario": "plain"})
    assert response.status_code == 422
    assert "projection" in response.json()["detail"]["problems"][0]


def test_too_many_draws_is_422(monkeypatch):
    response = client(monkeypatch).post("/projections", json={"scenario": "base", "draws": 10_001})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "draws"]
