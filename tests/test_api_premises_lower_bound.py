"""POST /premises-plans warns about a plan made for a forecast's lower bound as `resmodel plan-premises` does
(docs/planning.md §3): a demand_column of volume_lo_80 answered 200 with no warning (API parity)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.main import app
from resmodel.planning.premises import PlanCosts
from resmodel.planning_run import premises_plan
from tests.conftest import ROOT

SERVICE = "daglig_verksamhet"
MONTHS = pd.date_range("2025-01", periods=72, freq="MS").strftime("%Y-%m")
VOLUMES = np.linspace(1000, 1420, 72)


@pytest.fixture(scope="module")
def api():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
        yield TestClient(app)


def post(api, demand_column: str) -> dict:
    """A plan of the demo's daily activity on three candidates, its demand labelled ``demand_column``."""
    response = api.post("/premises-plans", json={
        "scenario": "base", "service": SERVICE, "demand_column": demand_column,
        "demand": [{"month": m, "volume": float(v)} for m, v in zip(MONTHS, VOLUMES, strict=True)],
        "candidates": [{"premises_id": f"N{i}", "places": 25, "annual_rent_sek": 834_000} for i in range(1, 4)]})
    assert response.status_code == 200, response.text
    return response.json()


def cli_warning(column: str) -> str:
    """The plan's own lower-bound warning (the one resmodel plan-premises prints) for a demand in ``column``."""
    demand = pd.DataFrame({"month": MONTHS, "service": SERVICE, column: VOLUMES})
    candidates = pd.DataFrame({"premises_id": ["N1"], "places": [25], "annual_rent_sek": [834_000.0],
                               "one_off_cost_sek": [0.0], "earliest_year": [None], "lead_time_months": [None],
                               "decided_year": [None], "min_level": [None], "max_level": [None]})
    plan = premises_plan(demand, SERVICE, candidates, PlanCosts(own_cost_per_place=269_367), 1295.0, column)
    return next(w for w in plan.warnings if "lower bound" in w)


@pytest.mark.parametrize("column", ["volume_lo_80", "volume_lo_95"])
def test_a_plan_for_a_lower_bound_is_warned_at_demand_column_with_the_clis_words(api, column):
    warnings = post(api, column)["warnings"]
    located = [w for w in warnings if w.startswith("[plan_for_lower_bound] body.demand_column: ")]
    assert located == [f"[plan_for_lower_bound] body.demand_column: {cli_warning(column)}"]
    assert f"the lower bound of the {column[-2:]} % interval ({column}): places for a low-demand case" in located[0]


@pytest.mark.parametrize("column", ["volume", "volume_hi_80"])
def test_a_plan_for_the_forecast_or_an_upper_bound_is_not(api, column):
    assert not any("lower bound" in w for w in post(api, column)["warnings"])
