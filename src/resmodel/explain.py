"""Explaining a reported unit number: the reference computation's steps with the parameters
(path, valid-from date, value, source) that produced it, checked against the engine's figure."""

from __future__ import annotations

from dataclasses import dataclass

from resmodel.allocation.reference import Step, unit_reference
from resmodel.errors import InputError, Location
from resmodel.params.tree import Resolved
from resmodel.run import RunResult

EXPLAINABLE = ("net_cost", "total_cost", "staff_cost", "total_hours", "fte_required", "premises_cost", "other_cost",
               "purchase_cost", "revenue", "direct_hours", "fixed_hours", "indirect_hours")


@dataclass(frozen=True)
class Explanation:
    unit_id: str
    measure: str
    reported: float
    recomputed: float
    steps: list[Step]
    parameters: list[Resolved]


def explain_unit(result: RunResult, unit_id: str, measure: str) -> Explanation:
    """Recompute ``measure`` of one unit from its listed parts; reported and recomputed must agree."""
    units = result.allocation.units.set_index("unit_id")
    if unit_id not in units.index:
        close = [u for u in units.index if u.lower().startswith(unit_id.lower()[:3])][:5]
        raise InputError.at(Location(path=f"--unit {unit_id}"), f"unknown unit '{unit_id}'",
                            "a unit_id from the units table", "use one of: " + ", ".join(close or units.index[:5]))
    if measure not in EXPLAINABLE:
        raise InputError.at(Location(path=f"--measure {measure}"), f"measure '{measure}' cannot be explained",
                            "one of " + ", ".join(EXPLAINABLE), "choose a listed measure")
    loaded = result.loaded
    trace = unit_reference(loaded.data, loaded.snapshot, result.allocation.constants, unit_id)
    paths = sorted({p for step in trace.steps for p in step.parameters})
    return Explanation(unit_id, measure, float(units.at[unit_id, measure]), trace.measures[measure], trace.steps,
                       [loaded.snapshot.trace(p) for p in paths])
