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
    (lambda s: s + [s[-1]], ["body", "series", 13, "ds"], "appears more than once"),
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
