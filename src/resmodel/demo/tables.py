"""The demo municipality's tables, generated in memory from its local parameters (``resmodel demo`` writes them)."""

from __future__ import annotations

import datetime as dt

from resmodel.demo.budget_inputs import generate_budget_inputs
from resmodel.demo.forecast_inputs import generate_forecast_inputs
from resmodel.demo.generate import BASE_DATE, generate
from resmodel.demo.planning_inputs import premises_candidates
from resmodel.demo.shift_inputs import DEMO_UNIT, POOLED_UNITS, demo_attendance, demo_roster
from resmodel.params.tree import ParameterTree

DEMO_PARAMETER_DATE = dt.date(BASE_DATE.year, 7, 1)
BUDGET_SEED = 2024  # the seed docs/forecast-accuracy.md (in-year section) documents


def demo_tables(tree: ParameterTree, seed: int) -> dict:
    """Generate the demo tables (municipality, volume history, population, flows, invoice triangle,
    candidate premises, a unit's attendance and roster) with the demo's local parameters ``tree``."""
    tables = generate(seed, tree.snapshot(DEMO_PARAMETER_DATE))
    tables.update(generate_forecast_inputs(tables["volume_history"], seed))
    tables["premises_candidates"] = premises_candidates(tables["premises"])
    for unit_id in POOLED_UNITS:
        tables[f"attendance_{unit_id}"] = demo_attendance(tables["users"], seed, unit_id)
    tables[f"roster_{DEMO_UNIT}"] = demo_roster()
    budget = generate_budget_inputs(BUDGET_SEED)
    tables.update({"budget_actuals": budget["actuals"], "budget_frames": budget["frames"],
                   "budget_changes": budget["known_changes"]})
    return tables

