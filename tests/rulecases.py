"""Runner for rule cases written as data: inputs, parameter values, expected outputs, tolerance.

Each case builds a tiny municipality, takes the demo parameter snapshot on its date with the
case's parameter values set, runs the engine and the reference implementation, and compares
every expected unit measure (both implementations must match the hand-checked number)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml

from resmodel.allocation.engine import Municipality, allocate
from resmodel.allocation.reference import reference_units
from resmodel.io.parameters import load_parameters

ROOT = Path(__file__).resolve().parents[1]
UNIT_COLUMNS = ["unit_id", "name", "service", "regi", "section", "premises_id", "housing_type", "day_staff",
                "evening_staff", "night_awake_staff", "night_sleeping_staff"]
USER_COLUMNS = ["user_id", "service", "unit_id", "level", "weekly_hours", "day_price", "birth_year", "start_date",
                "level_assessed"]
_TREE = None


def _tree():
    global _TREE
    if _TREE is None:
        _TREE = load_parameters(ROOT / "data" / "demokommun" / "parameters")
    return _TREE


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for column in frame.columns:
        if frame[column].isna().all():
            frame[column] = frame[column].astype(object)
    return frame


def run_case(case: dict) -> None:
    snapshot = _tree().snapshot(dt.date.fromisoformat(str(case["date"])))
    values = {}
    for path, value in case.get("parameters", {}).items():
        values[path] = [value[lvl] for lvl in range(1, 9)] if isinstance(value, dict) else float(value)
    snapshot = snapshot.with_values(values)
    premises = pd.DataFrame(case.get("premises", []),
                            columns=["premises_id", "kind", "capacity", "annual_rent", "min_level", "max_level"])
    units = _frame(case["units"], UNIT_COLUMNS)
    users = _frame(case["users"], USER_COLUMNS)
    users["level"] = users["level"].astype("Float64")
    staff = pd.DataFrame(case.get("staff", []), columns=["unit_id", "role", "fte"])
    data = Municipality(premises, units, users, staff)
    result = allocate(data, snapshot)
    engine = result.units.set_index("unit_id")
    reference = reference_units(data, snapshot, result.constants).set_index("unit_id")
    tolerance = float(case.get("tolerance", 0.01))
    failures = []
    for unit_id, expected in case["expect"].items():
        for measure, value in expected.items():
            got = float(engine.at[unit_id, measure])
            if abs(got - value) > tolerance:
                failures.append(f"{unit_id}.{measure}: engine {got:.4f}, expected {value}")
            if measure in reference.columns and abs(float(reference.at[unit_id, measure]) - value) > tolerance:
                failures.append(f"{unit_id}.{measure}: reference {reference.at[unit_id, measure]:.4f}, expected {value}")
    if failures:
        raise AssertionError("\n".join(failures))


class RuleFile(pytest.File):
    def collect(self):
        doc = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            merged = {**doc.get("defaults", {}), **case}
            merged["parameters"] = {**doc.get("defaults", {}).get("parameters", {}), **case.get("parameters", {})}
            yield RuleItem.from_parent(self, name=case["name"], case=merged)


class RuleItem(pytest.Item):
    def __init__(self, *, case: dict, **kwargs):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self):
        run_case(self.case)

    def reportinfo(self):
        return self.path, 0, f"rule case: {self.name}"
