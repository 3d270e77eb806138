"""Explaining a reported unit number: the reference computation's steps with the parameters
(path, valid-from date, value, source) that produced it, checked against the engine's figure."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

import pandas as pd

from resmodel.allocation.reference import Step, unit_reference
from resmodel.errors import InputError, Location, Warning_, did_you_mean
from resmodel.io.parameters import SLIP_CHECKS
from resmodel.params.tree import Resolved
from resmodel.report import GAP_SHOWN_FTE, MEASURE_LABELS
from resmodel.run import RunResult
from resmodel.services import SFB_CAP

EXPLAINABLE = ("net_cost", "allocation", "total_cost", "staff_cost", "total_hours", "fte_required", "premises_cost", "other_cost",
               "purchase_cost", "revenue", "direct_hours", "fixed_hours", "indirect_hours", "fte_roster", "roster_cost",
               "staffing_gap_fte", "staffing_gap_sek", "sfb_municipal_share", "own_provider_gap")
#: measures of the assistance rules only: for another unit they are 0 by definition, not an explanation (diff review)
ASSISTANCE_MEASURES = ("sfb_municipal_share", "own_provider_gap")
#: the run's warnings that a parameter's value may be a slip or the starter kit's: an explanation resting on that
#: parameter repeats them (controller re-walk, finding 2: 8: 13.9 for 1.39 was explained as '(agrees)', unsaid)
PARAMETER_CHECKS = (*SLIP_CHECKS, "template_parameter")
#: why a measure that no line gives is 0 for a unit, by measure: (line label, reason); {service: reason} where the
#: reason differs by service (controller re-walk, finding 4: 'reported 0.00 (agrees)' with no line)
ZERO_BECAUSE = {
    "purchase_cost": ("purchases", "none — the unit's own staff does the work (regi egen)"),
    "revenue": ("revenue", {"personlig_assistans": "none — the state pays a private provider its compensation beyond "
                                                   "20 h/week of an SFB case itself",
                            "*": "none — only the own assistance provider's SFB cases bring state compensation"}),
    "premises_cost": ("premises cost", "none — the unit has no premises_id in units.csv"),
    "fixed_hours": ("fixed hours", "none — personal assistance has no fixed unit hours, only the cases' hours"),
    "indirect_hours": ("indirect hours", "none — only daily activity has an indirect share "
                                         "(daglig_verksamhet.indirect_share); the other services' need is all in the "
                                         "hours above"),
    "other_cost": ("other costs", {"externa_platser": "none — the day price covers them",
                                   "*": "none — the purchase covers them"}),
    "fte_roster": ("roster FTE", "none — the unit has no rows in staff.csv"),
    "roster_cost": ("roster cost", "none — the unit has no rows in staff.csv"),
    "staffing_gap_fte": ("staffing gap in FTE", "none — the unit has no staff of its own and no rows in staff.csv"),
    "staffing_gap_sek": ("staffing gap in SEK", "none — the unit has no staff of its own and no rows in staff.csv"),
}


@dataclass(frozen=True)
class Explanation:
    unit_id: str
    measure: str
    reported: float
    recomputed: float
    steps: list[Step]
    parameters: list[Resolved]
    decimals: int = 2                     # the decimals of the line the measure is the result of
    warnings: tuple[Warning_, ...] = ()   # the run's PARAMETER_CHECKS warnings on the parameters listed


def parameter_warnings(warnings, paths: list[str]) -> tuple[Warning_, ...]:
    """The warnings of PARAMETER_CHECKS whose message or location names one of ``paths`` (a whole path: a scenario
    override is located at 'parameters.<path>', a template file's warning lists its leaves)."""
    if not paths:
        return ()
    named = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, paths)) + r")(?!\w|\.\w)")
    return tuple(w for w in warnings if w.check in PARAMETER_CHECKS and named.search(f"{w.location} {w.message}"))


def _zero_step(measure: str, service: str, value: float) -> Step:
    """The line of a measure that is 0 by definition for the unit, saying why."""
    label, reasons = ZERO_BECAUSE[measure]
    reason = reasons if isinstance(reasons, str) else reasons.get(service, reasons["*"])
    return Step(label, reason, value, measures=(measure,))


def _measure_hint(measure: str) -> str:
    """The fix for an unknown measure (section-manager walk): a workbook's Swedish label ('resursfördelning')
    names its key, a part of a key ('fte') lists the keys holding it, else the closest key."""
    typed = measure.strip().lower()
    swedish = {key: MEASURE_LABELS[key].split("(")[0].split(",")[0].strip().lower() for key in EXPLAINABLE}
    long_enough = len(typed) >= 3  # 'a' is in nearly every label and key: only the closest key is said then
    named = [key for key, label in swedish.items() if long_enough and typed in label]
    if named:
        return "; ".join(f"'{swedish[key]}' is --measure {key}" for key in named)
    holding = [key for key in EXPLAINABLE if long_enough and typed in key]
    if holding:
        return f"measures with '{typed}' in their name: {', '.join(holding)}"
    return did_you_mean(measure, EXPLAINABLE) + "choose a listed measure"


def explain_unit(result: RunResult, unit_id: str, measure: str) -> Explanation:
    """Recompute ``measure`` of one unit from its listed parts; reported and recomputed must agree."""
    units = result.allocation.units.set_index("unit_id")
    if unit_id not in units.index:
        prefix = units.index.to_series().str.extract(r"^(\D*)", expand=False)
        kinds = ", ".join(group.index[0] if len(group) == 1 else f"{p or '(digits)'}… ({len(group)})"
                          for p, group in prefix.groupby(prefix, sort=True))
        raise InputError.at(Location(path=f"--unit {unit_id}"), f"unknown unit '{unit_id}'",
                            "a unit_id from the units table (ids are case-sensitive)",
                            (did_you_mean(unit_id, units.index) or f"the {len(units)} units' ids are {kinds}: ")
                            + "see units.csv or the Enheter sheet of `resmodel run`")
    if measure not in EXPLAINABLE:
        raise InputError.at(Location(path=f"--measure {measure}"), f"measure '{measure}' cannot be explained",
                            "one of " + ", ".join(EXPLAINABLE), _measure_hint(measure))
    _refuse_assistance_measure(units, unit_id, measure)
    loaded = result.loaded
    trace = unit_reference(loaded.data, loaded.snapshot, result.allocation.constants, unit_id, loaded.tariff)
    lines = [step for step in trace.steps if measure in step.measures]
    steps = trace.steps if lines else [*trace.steps, _zero_step(measure, str(units.at[unit_id, "service"]),
                                                               trace.measures[measure])]
    paths = sorted({p for step in steps for p in step.parameters})
    return Explanation(unit_id, measure, float(units.at[unit_id, measure]), trace.measures[measure], steps,
                       [loaded.snapshot.trace(p) for p in paths], lines[-1].decimals if lines else 2,
                       parameter_warnings(result.warnings, paths))


def in_short(unit: pd.Series, measure: str) -> str | None:
    """A plain sentence of what a staffing gap or a unit's net cost/allocation comes to, for the line after explain's
    header (section-manager walk: every measure opened on the same 50 lines of 13-digit operands); None for the
    other measures, whose parts say it. ``unit``: the unit's row of the run's unit table."""
    name = unit.name
    if measure in ("staffing_gap_fte", "staffing_gap_sek"):
        gap, sek = float(unit["staffing_gap_fte"]), float(unit["staffing_gap_sek"]) / 1000
        if not float(unit["fte_required"]) and not float(unit["fte_roster"]):
            return f"{name} has no staff of its own and needs none (its places or cases are bought): no gap"
        state = ("understaffed" if gap <= -GAP_SHOWN_FTE else "overstaffed" if gap >= GAP_SHOWN_FTE else
                 "staffed as its users need")
        said = f": {abs(gap):,.2f} FTE {state}, {abs(sek):,.1f} tkr a year of staff cost " + (
            "below" if sek < 0 else "above") + " the need" if state != "staffed as its users need" else f": {state}"
        return (f"{name} employs {float(unit['fte_roster']):,.2f} FTE (staff.csv) against the "
                f"{float(unit['fte_required']):,.2f} FTE its users' need levels require" + said)
    if measure in ("net_cost", "allocation"):
        parts = [(label, float(unit[key]) / 1000) for key, label in (
            ("staff_cost", "staff"), ("premises_cost", "premises"), ("other_cost", "other costs"),
            ("purchase_cost", "purchases"), ("revenue", "revenue")) if abs(float(unit[key])) >= 0.5]
        terms = " ".join(("− " if label == "revenue" else "+ ") + f"{label} {value:,.1f}" for label, value in parts)
        net = f"{float(unit['net_cost']) / 1000:,.1f} tkr a year = " + terms.removeprefix("+ ") + " (tkr)"
        if measure == "net_cost":
            return f"{name}'s net cost: {net}" if parts else None
        allocation = float(unit["allocation"])
        if abs(allocation - float(unit["net_cost"])) <= 0.5:  # the derived key: the allocation is the net cost
            return f"{name}'s allocation (resursfördelning): {net}" if parts else None
        return (f"{name}'s allocation (resursfördelning): {allocation / 1000:,.1f} tkr a year, by the scenario's tariff "
                "(its prices for the priced residents with their premises, the need-based cost for any without a "
                f"price: the 'allocation' line below); its net cost is {net}")
    return None


def _refuse_assistance_measure(units, unit_id: str, measure: str) -> None:
    """A personal-assistance measure of another unit, or the own provider's gap of a unit that is not the own
    provider, is refused: 0 by definition is no explanation (diff review; controller re-walk, finding 4)."""
    service, own = str(units.at[unit_id, "service"]), units.at[unit_id, "regi"] == "egen"
    assistance = service.startswith("personlig_assistans")
    gap = measure == "own_provider_gap"
    if measure not in ASSISTANCE_MEASURES or (assistance and (own or not gap)):
        return
    fitting = units["service"].str.startswith("personlig_assistans") & ((units["regi"] == "egen") | (not gap))
    raise InputError.at(Location(path=f"--measure {measure}"), f"measure '{measure}' is a personal-assistance "
                        f"measure{' of the own provider' if gap else ''}; unit '{unit_id}' is {service}"
                        + (" bought from another provider (regi extern)" if assistance else ""),
                        f"{'the own provider' if gap else 'a personal-assistance unit'} "
                        f"({', '.join(units.index[fitting])}) for {measure}",
                        f"give {'that unit' if fitting.sum() == 1 else 'one of those units'}, or another measure for "
                        "this one")


@dataclass(frozen=True)
class BudgetExplanation:
    """How one area's deviation in one projected year is made up, checked against the reported figure."""

    year: int
    area: str
    reported_deviation: float
    recomputed_deviation: float
    services: object  # DataFrame: service, measure parts for the year, and per-unit cost vs the base year
    frame_parts: dict[str, float]
    indices: list[Resolved]
    notes: tuple[str, ...]
    places: object = None  # DataFrame: service, demand, places, over_capacity[, plan_*] (services with places), or None


COST_PARTS = ("staff_cost", "premises_cost", "other_cost", "adjustment")
#: a service with places (projection.capacity): why its volume is what it is, and the rent of a plan's premises
PLACES_MEASURES = ("demand", "places", "over_capacity", "plan_users", "plan_rent", "plan_one_off")
FRAME_PARTS = ("frame_base", "frame_demographic", "frame_volume", "frame_expansion", "frame_supplement")


#: rules whose projected cost is another quantity than the base year's unit cost (the municipality's share of
#: state assistance; a provider's financing gap): no factor against the base year is shown for them
NOT_COMPARABLE = ("sfb", "own_provider")


def _base_year_rows(yearly, unit_costs, base_frame: dict[str, float], base_year: int):
    """The base year in the projection's long rows (period, service, area, measure, value): each service's
    base-year volume and costs (the unit costs the projection starts from: the engine and other_services.csv),
    the base frame as frame_base, the frame and the deviation per area and for the board, as `project` prints
    its 'base' row (audit: explain refused the year `project` shows)."""
    import pandas as pd

    from resmodel.budget.projection import TOTAL

    area_of = dict(zip(yearly["service"], yearly["area"], strict=False))
    costs = unit_costs.assign(area=unit_costs["service"].map(area_of), adjustment=0.0)
    costs["net_cost"] = costs["staff_cost"] + costs["premises_cost"] + costs["other_cost"] - costs["revenue"]
    measures = ["volume", *COST_PARTS, "revenue", "net_cost"]
    services = costs.melt(id_vars=["service", "area"], value_vars=measures, var_name="measure")
    areas = sorted(set(yearly["area"]) - {TOTAL})
    net = costs.groupby("area")["net_cost"].sum().reindex(areas, fill_value=0.0)
    frame = pd.Series({a: float(base_frame.get(a, 0.0)) for a in areas})
    totals = pd.DataFrame({"area": [*areas, TOTAL, *areas, TOTAL, *areas, TOTAL],
                           "measure": ["frame_base"] * (len(areas) + 1) + ["frame"] * (len(areas) + 1)
                           + ["deviation"] * (len(areas) + 1),
                           "value": [*frame, frame.sum(), *frame, frame.sum(), *(frame - net),
                                     frame.sum() - net.sum()]}).assign(service=TOTAL)
    return pd.concat([services, totals], ignore_index=True).assign(period=str(base_year))


def in_force_during(tree, path: str, year: int) -> list:
    """A leaf's value on 1 January of ``year`` and at each date in the year it changes (a scenario's 25 hours
    from 2026-07-01), as explain lists the rules in force: a changed 20-hour rule was not among them (economist
    re-walk 2, finding 4); none when the tree has no such leaf."""
    if path not in tree.parameters:
        return []
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    starts = {d for d, _ in tree.parameters[path].values}
    for ov in (ov for ov in tree.overrides if ov.path == path):
        starts |= {ov.start} | ({ov.end + dt.timedelta(days=1)} if ov.end else set())
    found = [tree.resolve(path, start)]
    for on in sorted(d for d in starts if start < d <= end):
        now = tree.resolve(path, on)
        if now.value != found[-1].value:  # valid from the change (a file value back after an override ends)
            found.append(replace(now, valid_from=on))
    return found


def explain_budget(budget, unit_costs, tree, year: int, area: str,
                   rules: dict[str, str] | None = None, base_year: int | None = None,
                   base_frame: dict[str, float] | None = None) -> BudgetExplanation:
    """Deviation = frame parts − Σ services (staff + premises + other + adjustment − revenue); each
    service's cost per volume unit is shown against its base-year unit cost, with the indices of the year,
    and a service with places its demand, places and users above them (its volume is what was served).
    ``rules``: service → the rule that prices it (budget.projection.RULE_NOTES); a service whose rule
    prices another quantity than the base year's cost gets no factor. With ``base_year`` and ``base_frame``
    (the frame config's base per area) the base year is explained too: its base frame against the net cost of
    the base-year run and other_services.csv, as `project`'s base row."""
    import pandas as pd

    from resmodel.budget.projection import TOTAL

    yearly = budget.yearly
    years = sorted(int(p) for p in yearly["period"].unique())
    areas = sorted(set(yearly["area"]) - {TOTAL})
    if base_year is not None and base_frame is not None:
        years = [base_year, *years]
        if year == base_year:
            yearly = _base_year_rows(yearly, unit_costs, base_frame, base_year)
    if year not in years:
        raise InputError.at(Location(path=f"--year {year}"), f"year {year} is not in the projection",
                            f"a year from {years[0]} to {years[-1]}", "choose a projected year"
                            + (f" or the base year {base_year}" if base_year in years else ""))
    if area not in areas and area != TOTAL:
        raise InputError.at(Location(path=f"--area {area}"), f"unknown area '{area}'",
                            "one of " + ", ".join(areas + [TOTAL]), did_you_mean(area, [*areas, TOTAL])
                            + "choose a report area")
    rows = yearly[(yearly["period"].astype(int) == year) & ((yearly["area"] == area) | (area == TOTAL))]
    per_service = rows[rows["service"] != TOTAL].pivot_table(index="service", columns="measure", values="value",
                                                             aggfunc="sum", fill_value=0.0)
    in_year = yearly[yearly["period"].astype(int) == year]
    totals = in_year[(in_year["service"] == TOTAL) & (in_year["area"] == area)].groupby("measure")["value"].sum()
    base = unit_costs.set_index("service")
    table = pd.DataFrame(index=per_service.index)
    table["volume"] = per_service.get("volume", 0.0)
    for part in (*COST_PARTS, "revenue", "net_cost"):
        table[part] = per_service.get(part, 0.0)
    base_cost = (base["staff_cost"] + base["premises_cost"] + base["other_cost"]).reindex(table.index)
    base_volume = base["volume"].reindex(table.index)
    table["cost_per_unit"] = (table["net_cost"] + table["revenue"]) / table["volume"].where(table["volume"] > 0)
    table["base_cost_per_unit"] = base_cost / base_volume.where(base_volume > 0)
    table["factor_vs_base"] = table["cost_per_unit"] / table["base_cost_per_unit"]
    is_base = year == base_year  # the base year's costs are the run's own: no rule, index or projection note applies
    unlike = [] if is_base else [sv for sv in table.index if (rules or {}).get(sv) in NOT_COMPARABLE]
    table.loc[unlike, "factor_vs_base"] = float("nan")  # e.g. SFB: the 20-hour share against all hours' cost
    net = float((table["staff_cost"] + table["premises_cost"] + table["other_cost"] + table["adjustment"]
                 - table["revenue"]).sum())
    frame_parts = {part: float(totals.get(part, 0.0)) for part in FRAME_PARTS}
    on = dt.date(year, 1, 1)
    indices = [] if is_base else [tree.resolve(p, on) for p in ("indices.wage_growth", "indices.price_growth",
                                                                "personlig_assistans.state_hourly_rate")
                                  if p in tree.parameters] + in_force_during(tree, SFB_CAP, year)
    notes = tuple(n for n in budget.notes if n.startswith(f"base year {base_year}")) if is_base else budget.notes
    limited = rows[rows["measure"].isin(PLACES_MEASURES)]
    shown = [m for m in PLACES_MEASURES if m in set(limited["measure"])]
    places = (limited.pivot_table(index="service", columns="measure", values="value", aggfunc="sum")
              .reindex(columns=shown).fillna(dict.fromkeys(PLACES_MEASURES[3:], 0.0)).rename_axis(columns=None).reset_index()
              if len(limited) else None)
    return BudgetExplanation(year, area, float(totals.get("deviation", 0.0)), sum(frame_parts.values()) - net,
                             table.reset_index(), frame_parts, indices, notes, places)


@dataclass(frozen=True)
class FrameTerms:
    """Why a year's frame is what it is: the frame index I_y with the yearly growth it compounds, and each
    volume-compensation rule's (volume − reference) × amount × I_y in the area (docs/budget.md §2)."""

    index: float
    growth: list[tuple[int, str, float]]  # (year, how the growth is made: '0.77 × 0.031 + 0.23 × 0.02', growth)
    base: float                           # the area's base frame (the board's: the sum), base-year prices
    rules: list[dict[str, object]]        # service, area, basis, volume, reference, amount, active, term


def frame_terms(case, year: int, area: str) -> FrameTerms:
    """The frame index of a projected ``year`` and the volume-compensation terms of ``area`` ('total': all), from
    the same functions the frame is computed with (budget.frame), for the deterministic run."""
    from resmodel.budget.areas import AREA_KEYS
    from resmodel.budget.case import prepare_case, yearly_arrays
    from resmodel.budget.frame import CostWeightedIndexation, frame_growth, frame_index, volume_rule_parts
    from resmodel.budget.projection import TOTAL, Shocks, shocked_growth

    pc = prepare_case(case)
    p, setup, config = pc.projection, pc.frame, case.frame
    shocks = Shocks.neutral(len(p.services), p.horizon.years)
    costs, _ = yearly_arrays(pc, shocks)
    wage = shocked_growth(p.wage_growth, shocks.wage_growth, p)
    price = shocked_growth(p.price_growth, shocks.price_growth, p)
    column = list(setup.years).index(year)
    index = float(frame_index(setup, wage, price, p.index_offset)[0, column])
    growth = frame_growth(setup, wage, price)[0]
    steps = []
    for t in range(config.base_year + 1, year + 1):
        i = t - config.base_year - 1
        how = (f"{config.indexation.wage_weight:g} × {wage[0, i]:.6g} wage + {config.indexation.price_weight:g} × "
               f"{price[0, i]:.6g} price" if isinstance(config.indexation, CostWeightedIndexation) else f"{growth[i]:.6g}")
        steps.append((t, how, float(growth[i])))
    rules = []
    volumes = costs.get("granted_volume", costs["volume"])
    for rule, a, ref, (vol, active) in zip(config.volume_compensation, setup.rule_area, setup.rule_reference,
                                           volume_rule_parts(setup, volumes), strict=True):
        if area not in (TOTAL, AREA_KEYS[a]):
            continue
        on = bool(active[column])
        volume = float(vol[0, column])
        rules.append({"service": rule.service, "area": AREA_KEYS[a], "basis": rule.basis, "volume": volume,
                      "reference": ref, "amount": rule.amount_per_user, "active": on,
                      "term": rule.amount_per_user * index * (volume - ref) if on else 0.0})
    base = sum(config.base.values()) if area == TOTAL else config.base.get(area, 0.0)
    return FrameTerms(index, steps, float(base), rules)
