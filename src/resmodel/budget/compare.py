"""Scenario comparison (issue 4 item 4): differences per year and area, and a waterfall that
attributes the difference to drivers by sequential substitution — starting from scenario A, the
inputs of one driver group at a time are replaced by B's, in a fixed order, and each step's change
is that driver's contribution. The steps add up to B − A exactly; the order is stated because
interactions are attributed to the later driver."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from resmodel.budget.case import BudgetCase, BudgetResult, run_budget
from resmodel.budget.frame import CostWeightedIndexation
from resmodel.budget.projection import TOTAL
from resmodel.errors import InputError, Location

#: driver → (label, the ProjectionInputs fields it owns, the extension keys it owns)
DRIVERS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "volume": ("Volym — volumes", ("volumes",), ()),
    "capacity": ("Platser — places and planned premises", ("capacity",), ()),
    # base-year unit costs carry the base-year parameters (salaries.*, staffing, prices): a salary change shows here
    # and, for assistance's costs per hour, under the assistance rules; the wage step is the wage index only
    # (economist cycle: 'Löner — wages' read 0.0 for salaries +1 %)
    "level_mix": ("Enhetskostnader och nivåmix — base-year unit costs (salaries, staffing, prices) and level mix",
                  ("unit_costs", "level_mix_drift", "level_mix_services"), ("level_mix_drift",)),
    "wages": ("Löneindex och sjukfrånvaro — wage index and sick leave",
              ("wage_growth", "sick_leave", "sick_leave_base"), ("wage_growth", "sick_leave")),
    "prices": ("Priser — prices, rents, external day prices", ("price_growth", "rent_growth", "external"),
               ("price_growth", "rent_growth")),
    "assistance": ("Assistansregler — assistance rules, costs per hour and the state rate", ("assistance",), ()),
    "other": ("Övrigt — one-off adjustments and service mapping", ("adjustments", "service_areas"), ()),
    "frame": ("Ramregler — the council's frame rules", (), ()),
}
DRIVER_ORDER = tuple(DRIVERS)
_SAME = ("base_year", "years", "start_year")


def _paired(a: BudgetResult, b: BudgetResult, keys: list[str], rows: pd.Series) -> pd.DataFrame:
    """The yearly rows ``rows`` selects (a mask over a result's yearly table) of both results side by side on
    ``keys``: value_a, value_b (NaN where one result has no such row)."""
    def pick(result: BudgetResult) -> pd.DataFrame:
        return result.yearly[rows(result.yearly)][[*keys, "value"]]

    return pick(a).merge(pick(b), on=keys, how="outer", suffixes=("_a", "_b"), sort=False)


def _with_difference(merged: pd.DataFrame, a: BudgetResult, b: BudgetResult) -> pd.DataFrame:
    merged["difference"] = merged["value_b"] - merged["value_a"]
    merged.insert(0, "scenario_a", a.scenario)
    merged.insert(1, "scenario_b", b.scenario)
    return merged.reset_index(drop=True)


def compare(a: BudgetResult, b: BudgetResult, measures: tuple[str, ...] = ("net_cost", "frame", "deviation"),
            ) -> pd.DataFrame:
    """Per year, area and measure: value_a, value_b and difference = B − A (areas in report order)."""
    merged = _paired(a, b, ["period", "area", "measure"],
                     lambda t: (t["service"] == TOTAL) & t["measure"].isin(measures))
    if merged[["value_a", "value_b"]].isna().any().any():
        def years(r: BudgetResult) -> str:
            p = r.yearly["period"].astype(int)
            return f"{p.min()}–{p.max()}"

        raise InputError.at(Location(path="compare"), f"'{a.scenario}' covers {years(a)} and '{b.scenario}' "
                            f"{years(b)} (or other areas)", "scenarios over the same horizon",
                            f"give '{b.scenario}' the horizon_years of '{a.scenario}'")
    return _with_difference(merged, a, b)


def compare_services(a: BudgetResult, b: BudgetResult, measures: tuple[str, ...] = ("volume", "net_cost")
                     ) -> pd.DataFrame:
    """Per year, service and measure: value_a, value_b and difference = B − A — where a difference in an
    area's total comes from (a forecast of other volumes shows here service by service)."""
    merged = _paired(a, b, ["period", "service", "area", "measure"],
                     lambda t: (t["service"] != TOTAL) & t["measure"].isin(measures))
    return _with_difference(merged.fillna({"value_a": 0.0, "value_b": 0.0}), a, b)  # a service in one only


#: base-year measures per unit a section manager compares between scenarios: the gap with both of its sides (the
#: roster's FTE and cost beside the need's), so a gap that moves with the roster shows why; the allocation's parts
#: beside it, so that its change reconciles (section-manager walk: +256 176 SEK of allocation against +226 103 of
#: staff cost, the rest one user's other costs, not in the table)
UNIT_MEASURES = ("allocation", "net_cost", "staff_cost", "premises_cost", "other_cost", "purchase_cost", "revenue",
                 "users", "direct_hours", "total_hours", "fte_required",
                 "fte_roster", "roster_cost", "staffing_gap_fte", "staffing_gap_sek")  # hours: what a level change moves


def compare_units(units_a: pd.DataFrame, units_b: pd.DataFrame, name_a: str, name_b: str,
                  measures: tuple[str, ...] = UNIT_MEASURES) -> pd.DataFrame:
    """Per unit and measure, the base-year allocation's value_a, value_b and difference = B − A
    (units in A's order, matched on unit_id; a unit in one scenario only has the other's value empty and its whole
    value as the difference, as `compare` prints it — diff review: the console said +3 759 tkr, the CSV nothing)."""
    keys = ["unit_id", "name", "service", "section"]

    def long(units: pd.DataFrame) -> pd.DataFrame:
        return units[["unit_id", *measures]].melt(id_vars="unit_id", var_name="measure", value_name="value")

    merged = long(units_a).merge(long(units_b), on=["unit_id", "measure"], how="outer", suffixes=("_a", "_b"),
                                 sort=False)
    labels = pd.concat([units_a[keys], units_b[keys]]).drop_duplicates("unit_id").set_index("unit_id")
    for column in keys[:0:-1]:  # a unit renamed or moved between the scenarios keeps A's labels
        merged.insert(1, column, merged["unit_id"].map(labels[column]))
    order = {u: i for i, u in enumerate(units_a["unit_id"])}
    merged["_unit"] = merged["unit_id"].map(order).fillna(len(order))
    merged["_measure"] = merged["measure"].map({m: i for i, m in enumerate(measures)})
    merged = merged.sort_values(["_unit", "unit_id", "_measure"], kind="stable").drop(columns=["_unit", "_measure"])
    merged["difference"] = merged["value_b"].fillna(0.0) - merged["value_a"].fillna(0.0)
    merged.insert(0, "scenario_a", name_a)
    merged.insert(1, "scenario_b", name_b)
    return merged.reset_index(drop=True)


#: the scenario-file setting behind each compared input, as messages name it
_SETTING = {"base_year": "base_date (its year)", "years": "projection.horizon_years",
            "start_year": "projection.horizon_years (its first year)"}


def check_comparable(a: BudgetCase, b: BudgetCase) -> None:
    """Two scenarios compare only over the same base year and horizon."""
    for name in _SAME:
        va, vb = getattr(a.inputs, name), getattr(b.inputs, name)
        if va != vb:
            raise InputError.at(Location(path=f"scenario.{name}"), f"{_SETTING[name]} differs: {va} in "
                                f"{a.scenario}, {vb} in {b.scenario}", "scenarios over the same base year and horizon",
                                f"give '{b.scenario}' the {_SETTING[name]} of '{a.scenario}'")


def _substitute(current: BudgetCase, target: BudgetCase, driver: str) -> BudgetCase:
    if driver == "frame":
        return dataclasses.replace(current, frame=target.frame)
    _, fields, ext_keys = DRIVERS[driver]
    changes = {f: getattr(target.inputs, f) for f in fields}
    if driver == "volume":
        # services that exist only in B bring their base unit cost with their volume (removed ones leave)
        uc_cur, uc_tgt = current.inputs.unit_costs, target.inputs.unit_costs
        new = uc_tgt[~uc_tgt["service"].isin(uc_cur["service"])]
        keep = uc_cur[uc_cur["service"].isin(target.inputs.volumes.columns)]
        changes["unit_costs"] = pd.concat([keep, new], ignore_index=True)
    extensions = dict(current.inputs.extensions)
    for key in list(extensions) + list(target.inputs.extensions):
        owned = key in ext_keys or (driver == "prices" and key.startswith("external_price_growth"))
        if owned:
            if key in target.inputs.extensions:
                extensions[key] = target.inputs.extensions[key]
            else:
                extensions.pop(key, None)
    changes["extensions"] = extensions
    return dataclasses.replace(current, inputs=dataclasses.replace(current.inputs, **changes))


def _net_of_frame(driver: str, measure: str, case: BudgetCase) -> str:
    """What of the frame a deviation step carries with it: volume and places move the volume compensation, and
    wages and prices the frame's index when it follows them (``cost_weighted``) — the frame rules come last, so
    A's frame is in force — so the step is the cost's change net of the frame's (economist walkthrough: the wage
    step of +1 pp wages was −12.2 MSEK, +257.7 of cost less +245.5 of the frame's indexation, and said nothing)."""
    if measure != "deviation":
        return ""
    if driver in ("volume", "capacity"):
        return " (net of the frame's volume compensation)"
    weight = {"wages": "wage_weight", "prices": "price_weight"}.get(driver)
    indexation = case.frame.indexation
    if weight and isinstance(indexation, CostWeightedIndexation) and getattr(indexation, weight) > 0:
        return " (net of the frame's indexation)"
    return ""


def waterfall(a: BudgetCase, b: BudgetCase, measure: str = "deviation", area: str = TOTAL,
              year: int | None = None, runner: Callable[[BudgetCase], BudgetResult] = run_budget) -> pd.DataFrame:
    """Waterfall from A to B for one measure (default the board's deviation) in ``year`` or summed
    over the horizon: a start row, one row per driver in DRIVER_ORDER, an end row."""
    check_comparable(a, b)
    start = runner(a)
    years = start.series(measure, area=area).index
    value = start.value(measure, area, year, where="compare.year")
    period = str(year) if year is not None else f"{years[0]}–{years[-1]}"
    rows = [{"step": 0, "driver": "start", "label": f"{a.scenario}", "value": value, "cumulative": value}]
    current = a
    for i, driver in enumerate(DRIVER_ORDER, start=1):
        current = _substitute(current, b, driver)
        new = runner(current).value(measure, area, year)
        label = DRIVERS[driver][0] + _net_of_frame(driver, measure, current)
        rows.append({"step": i, "driver": driver, "label": label, "value": new - value, "cumulative": new})
        value = new
    end = runner(b).value(measure, area, year)
    if not np.isclose(value, end, rtol=1e-9, atol=1e-3):
        raise AssertionError(f"waterfall does not close: {value} after all substitutions vs {end}")  # a bug, not input
    rows.append({"step": len(rows), "driver": "end", "label": f"{b.scenario}", "value": end, "cumulative": end})
    table = pd.DataFrame(rows)
    table.insert(1, "period", period)
    table.insert(2, "measure", measure)
    table.insert(3, "area", area)
    return table



@dataclasses.dataclass(frozen=True)
class Compared:
    """One scenario in a comparison: its name, case, projection and base-year unit table."""

    name: str
    case: BudgetCase
    result: BudgetResult
    units: pd.DataFrame


def compare_scenarios(scenarios: list[Compared], measure: str = "deviation", year: int | None = None,
                      area: str = TOTAL) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Every scenario after the first against the first (the reference): the differences per year, area
    and measure, the waterfall of ``measure`` by driver (in ``area``, default the board), each unit's base-year measures, and volume and net
    cost per year and service — the tables of `resmodel compare` and ``POST /comparisons``, with
    scenario_a/scenario_b columns."""
    ref = scenarios[0]
    diffs, falls, units, services = [], [], [], []
    for other in scenarios[1:]:
        diffs.append(compare(ref.result, other.result))
        services.append(compare_services(ref.result, other.result))
        units.append(compare_units(ref.units, other.units, ref.name, other.name))
        fall = waterfall(ref.case, other.case, measure=measure, area=area, year=year)
        fall.insert(0, "scenario_b", other.name)
        fall.insert(0, "scenario_a", ref.name)
        falls.append(fall)
    return (pd.concat(diffs, ignore_index=True), pd.concat(falls, ignore_index=True),
            pd.concat(units, ignore_index=True), pd.concat(services, ignore_index=True))
