"""Shared fixtures for the budget tests: the 2024 top-down dataset, the reference case built on
it, and a small hand-sized case."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from resmodel.budget import volumes as vol
from resmodel.budget.areas import AREA_KEYS
from resmodel.budget.case import BudgetCase
from resmodel.budget.frame import load_frame
from resmodel.budget.periods import Horizon
from resmodel.budget.projection import AssistanceParams, ExternalPlacesParams, ProjectionInputs
from resmodel.budget.reference_case import reference_case
from resmodel.budget.topdown import TopDownData

ROOT = Path(__file__).resolve().parents[2]
TOPDOWN = ROOT / "data" / "topdown_2024"


def load_topdown() -> TopDownData:
    """The Malmö FSN 2024 top-down dataset as shipped in data/topdown_2024."""
    frame = load_frame(yaml.safe_load((TOPDOWN / "frame.yaml").read_text(encoding="utf-8")), "frame.yaml")
    return TopDownData(
        year=2024,
        services=pd.read_csv(TOPDOWN / "services.csv"),
        items=pd.read_csv(TOPDOWN / "items.csv"),
        frame=frame,
        files={"services": "data/topdown_2024/services.csv", "items": "data/topdown_2024/items.csv"},
    )


@pytest.fixture(scope="session")
def topdown() -> TopDownData:
    return load_topdown()


@pytest.fixture(scope="session")
def targets() -> pd.DataFrame:
    return pd.read_csv(TOPDOWN / "targets.csv")


@pytest.fixture(scope="session")
def ref_case(topdown) -> BudgetCase:
    return reference_case(topdown)


def small_case(years: int = 3, scenario: str = "small") -> BudgetCase:
    """Seven services over a short horizon, every rule present; frame with volume compensation."""
    h = Horizon(2025, years)
    unit_costs = pd.DataFrame({
        "service": ["daglig_verksamhet", "bostad_vuxna", "forvaltningsovergripande", "boendestod"],
        "volume": [1000.0, 500.0, 1.0, 900.0],
        "staff_cost": [200e6, 600e6, 10e6, 90e6],
        "premises_cost": [30e6, 50e6, 0.0, 5e6],
        "other_cost": [20e6, 30e6, 5e6, 10e6],
        "revenue": [10e6, 10e6, 0.0, 0.0],
    })
    volumes = vol.grown(
        {"daglig_verksamhet": 1000, "bostad_vuxna": 500, "forvaltningsovergripande": 1, "boendestod": 900,
         "personlig_assistans_sfb": 435, "personlig_assistans_lss": 140,
         "personlig_assistans_egen_utforare": 263_560, "externa_platser": 28},
        {"daglig_verksamhet": 0.05, "externa_platser": 0.10, "boendestod": 0.08}, h)
    inputs = ProjectionInputs(
        scenario, 2024, volumes, unit_costs, wage_growth={y: 0.035 for y in range(2025, 2025 + years)},
        price_growth=0.02, rent_growth=0.015, years=years,
        assistance=AssistanceParams(lss_hours_per_case=8000, lss_cost_per_hour=363.54,
                                    own_provider_cost_per_hour=363.54, state_rate_extension=0.0185),
        external=(ExternalPlacesParams(price_per_day=5246.975, existing_places=25, new_place_premium=0.2,
                                       turnover=0.1),),
    )
    frame = load_frame({
        "base_year": 2024, "base": {a: 1.5e8 for a in AREA_KEYS},
        "indexation": {"kind": "fixed", "growth": 0.03},
        "volume_compensation": [{"service": "daglig_verksamhet", "amount_per_user": 240000},
                                {"service": "boendestod", "amount_per_user": 105000}],
        "expansion": [{"area": "lss_boende", "year": 2026, "amount": 9e6}],
    })
    return BudgetCase(inputs, frame)


@pytest.fixture()
def small() -> BudgetCase:
    return small_case()
