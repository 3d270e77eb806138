"""POST /runs gives users as whole numbers, as enheter.csv now does, and the roster FTE's heading note (workbook
review: counts showed as 19.0; i3's note on the API)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]


def test_users_are_whole_numbers_and_roster_fte_says_what_it_is(monkeypatch):
    from api.main import app

    monkeypatch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
    client = TestClient(app)
    answer = client.post("/runs", json={"scenario": "base"}).json()
    assert all(type(row["users"]) is int for row in [*answer["services"], *answer["units"]])
    described = client.get("/openapi.json").json()["components"]["schemas"]["UnitRow"]["properties"]
    assert "not shift-plan's week schedule" in described["fte_roster"]["description"]
