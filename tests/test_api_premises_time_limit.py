"""POST /premises-plans gives the solver the API's time per solve, not the CLI's 120 s (integrator review: a request
within the size limits ran 252 s after its client had given up)."""

from __future__ import annotations

import pandas as pd

import resmodel.planning.premises as premises
from api.premises_plans import API_SOLVER_LIMIT_S


def test_the_api_gives_the_solver_its_own_time_limit(monkeypatch):
    from fastapi.testclient import TestClient

    from api.main import app

    limits = []
    solve = premises.optimise_plan

    def recording(*args, **kwargs):
        limits.append(kwargs.get("time_limit_s"))
        return solve(*args, **kwargs)

    monkeypatch.setattr(premises, "optimise_plan", recording)
    months = pd.date_range("2025-01", periods=36, freq="MS").strftime("%Y-%m")
    body = {"scenario": "base", "service": "daglig_verksamhet",
            "demand": [{"month": m, "volume": 1200 + 5 * i} for i, m in enumerate(months)],
            "candidates": [{"premises_id": "N1", "places": 25, "annual_rent_sek": 834000},
                           {"premises_id": "N2", "places": 25, "annual_rent_sek": 834000}]}
    response = TestClient(app).post("/premises-plans", json=body)
    assert response.status_code == 200, response.text
    assert limits and all(limit is not None and limit <= API_SOLVER_LIMIT_S for limit in limits)
    assert API_SOLVER_LIMIT_S < 120
