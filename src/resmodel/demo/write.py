"""Writing the demo municipality: loads the local parameters, generates, writes CSVs atomically."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from resmodel.demo.budget_inputs import generate_budget_inputs
from resmodel.demo.forecast_inputs import generate_forecast_inputs
from resmodel.demo.generate import BASE_DATE, generate
from resmodel.demo.planning_inputs import premises_candidates
from resmodel.demo.shift_inputs import DEMO_UNIT, POOLED_UNITS, demo_attendance, demo_roster
from resmodel.io.parameters import load_parameters
from resmodel.io.writers import write_csv

DEMO_PARAMETER_DATE = dt.date(BASE_DATE.year, 7, 1)
BUDGET_SEED = 2024  # the seed docs/forecast-accuracy.md (in-year section) documents


def demo_tables(folder: Path, seed: int) -> dict:
    """Generate the demo tables (municipality, volume history, population, flows, invoice triangle,
    candidate premises, a unit's attendance and roster) with the parameters in ``folder/parameters`` (in memory)."""
    tree = load_parameters(folder / "parameters", str(folder / "parameters"))
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


def write_demo(folder: Path, seed: int) -> list[str]:
    """Write each table as <name>.csv in ``folder`` (temp file, then rename)."""
    tables = demo_tables(folder, seed)
    names = []
    for name, table in tables.items():
        tmp = folder / f".{name}.csv.tmp"
        write_csv(table, tmp)
        tmp.replace(folder / f"{name}.csv")
        names.append(f"{name}.csv")
    return names
