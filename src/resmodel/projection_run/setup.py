"""The projection set up from a loaded scenario and its base-year run — unit costs, volumes, indices, the
assistance rules' parameters, capacity and frame as a BudgetCase — and run through the budget core
(docs/projection.md)."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from resmodel.budget.case import BudgetCase, BudgetResult, run_budget
from resmodel.budget.frame import check_base_year, check_compensated_services, load_frame
from resmodel.budget.indices import percent, year_spans
from resmodel.budget.projection import AssistanceParams, ExternalPlacesParams, ProjectionInputs
from resmodel.budget.topdown import unit_costs_from_averages
from resmodel.errors import InputError, Location, Warning_
from resmodel.io.frame_file import frame_document, frame_words
from resmodel.io.other_services import low_cost_warnings, read_other_services
from resmodel.projection_run.capacity import (
    capacity_limits,
    capacity_notes,
    places_passed_notes,
    places_today,
)
from resmodel.projection_run.costs import base_net_costs, services_at_observed_sick_leave, unit_costs
from resmodel.projection_run.dated_changes import dated_changes_not_projected
from resmodel.projection_run.frame import (
    check_area_frame_units,
    check_base_frame_scale,
    check_frame_growth,
    frame_area_scale_warnings,
    frame_errors_located,
    frame_year_warnings,
)
from resmodel.projection_run.names import (
    EXTERNAL,
    HISTORY_FILE,
    INDEX_PATHS,
    LSS,
    LSS_PRICE,
    OWN,
    SFB,
    SICK_LEAVE,
    STATE_RATE,
)
from resmodel.projection_run.plausibility import (
    adjustment_warnings,
    implausible_rate_warnings,
    parameter_slip_notes,
)
from resmodel.projection_run.projected_services import service_base_volumes
from resmodel.projection_run.replaced_lists import replaced_list_warnings
from resmodel.projection_run.uncertainty import own_provider_draw, uncertainty_block
from resmodel.projection_run.volumes import monthly_volumes, planned_volume_from
from resmodel.projection_run.years import (
    RATES_BY_YEAR,
    check_rates_by_year,
    check_years,
    growth_by_year,
    sick_leave_by_year,
)
from resmodel.scenario.projection import ResolvedProjection, resolve
from resmodel.services import SFB_CAP
from resmodel.warning_order import template_notes


@dataclass(frozen=True)
class ProjectionSetup:
    """Everything a projection needs besides the core: the case and where its inputs came from."""

    case: BudgetCase
    settings: ResolvedProjection
    volume_models: pd.DataFrame   # service, model_used
    notes: tuple[str, ...] = ()   # forecast warnings, extrapolated state-rate years, volume changes
    frame_hash: str = ""          # sha256 of the composed council frame (it may live outside the data folder)
    state_rate_extrapolated: tuple[int, ...] = ()  # years the tree carries the state rate's uplift forward
    warnings: tuple[Warning_, ...] = ()  # the named checks among the notes (list_replaced, implausible_rate …)


def _settings(loaded) -> ResolvedProjection:
    chain = loaded.chain
    resolved = resolve(chain)
    if resolved is None:
        last = chain[-1]
        lifting = [s for s in chain if isinstance(s.doc.data, dict) and "projection" in s.doc.data]
        if lifting:  # 'projection: null' lifted the blocks of the scenarios it extends
            raise InputError.at(lifting[-1].doc.location("projection"), "'projection: null' lifts the projection "
                                "block of the scenarios this one extends, so there is nothing to project",
                                "a 'projection:' block after the last 'projection: null' of the chain",
                                "remove 'projection: null' to project with the inherited block, or give a block here")
        raise InputError.at(Location(file=last.display, line=1), "the scenario has no 'projection:' block",
                            "a 'projection:' block in the scenario or a scenario it extends",
                            "add one — a scenario of `resmodel init` has a minimal block commented out at its end and "
                            "data/frame.yaml beside it; docs/projection.md, \"Minimum for your own board\", says what "
                            "it needs (the resmodel repository's scenarios/base.yaml has a full one)")
    return resolved


def build_setup(loaded, result) -> ProjectionSetup:
    """The budget case of a loaded scenario and its base-year engine result. The uncertainty block is checked
    here too, with or without draws: a scenario validate refuses is not projected by another command."""
    resolved = _settings(loaded)
    uncertainty = uncertainty_block(resolved)
    s = resolved.settings
    tree = loaded.tree
    base_year = loaded.scenario.base_date.year
    first, last = base_year + 1, base_year + s.horizon_years
    observed_sick, services = services_at_observed_sick_leave(loaded, result)
    engine = services.set_index("service")
    other, other_file = read_other_services(Path(loaded.scenario.data))  # once: passed to what compares with it
    base_year_volumes = service_base_volumes(loaded, other)
    costs = unit_costs(services)
    base_volumes: dict[str, float] = {}
    if other is not None:
        averages = other[["service", "volume", "average_cost"]]
        costs = pd.concat([costs, unit_costs_from_averages(averages.reset_index(drop=True), file=other_file)],
                          ignore_index=True)
        base_volumes = dict(zip(other["service"], other["volume"].astype(float), strict=True))
    generic = [sv for sv in costs["service"] if sv not in (SFB, LSS, EXTERNAL)]
    volume_services = sorted([*generic, *[sv for sv in (EXTERNAL, LSS, SFB) if sv in engine.index
                                          and engine.at[sv, "users"] > 0]])
    days = 366 if calendar.isleap(base_year) else 365
    users = loaded.data.users
    lss_cases = float(engine.at[LSS, "users"]) if LSS in engine.index else 0.0
    lss_hours = float(users.loc[users["service"] == LSS, "weekly_hours"].sum()) * days / 7.0
    check_years(resolved, first, last)
    volumes, models, notes = monthly_volumes(loaded, resolved, volume_services, first, last, base_year_volumes,
                                      lss_hours / lss_cases if lss_cases else 0.0, base_volumes,
                                      engine.loc[engine["users"] > 0, "users"].to_dict(), days, uncertainty)
    notes += places_passed_notes(volumes, places_today(loaded), set(s.capacity))
    assistance, extrapolated = None, []
    if SFB in engine.index or LSS in engine.index:
        lss_bought = float(engine.at[LSS, "purchase_cost"]) if LSS in engine.index else 0.0  # at providers' prices
        # the own staff's cost in two parts, as every service's (budget.md §1): staff cost follows wages and sick
        # leave, the rest of the net cost less purchases (other cost) follows prices
        lss_staff = float(engine.at[LSS, "staff_cost"]) if LSS in engine.index else 0.0
        lss_other = float(engine.at[LSS, "net_cost"]) - lss_bought - lss_staff if LSS in engine.index else 0.0
        own_hours = float(engine.at[SFB, "total_hours"]) if SFB in engine.index else 0.0
        own_staff = float(engine.at[SFB, "staff_cost"]) if SFB in engine.index else 0.0
        own_other = float(engine.at[SFB, "other_cost"]) if SFB in engine.index else 0.0
        sfb_cases = float(engine.at[SFB, "users"]) if SFB in engine.index else 0.0
        cap = float(loaded.snapshot[SFB_CAP])
        cap_by_month = [float(tree.resolve(SFB_CAP, dt.date(y, m, 1)).value) for y in range(first, last + 1)
                        for m in range(1, 13)]
        if any(c != cap for c in cap_by_month):
            steps = [(i, c) for i, c in enumerate(cap_by_month) if c != (cap_by_month[i - 1] if i else cap)]
            notes.append(f"{SFB_CAP}: the 20-hour rule's municipal hours per week change during the horizon — "
                         f"{cap:g} h at the base date, " + ", ".join(
                             f"{c:g} h from {first + i // 12}-{i % 12 + 1:02d}" for i, c in steps))
        rates = {}
        for y in range(base_year, last + 1):
            try:
                r = tree.resolve(STATE_RATE, dt.date(y, 1, 1))  # one leaf: only its own index must reach y
            except InputError:
                if s.extensions.get("state_rate") is None:
                    raise
                break  # the core extends the rate by the scenario's declared growth (flagged)
            rates[y] = float(r.value)
            extrapolated = list(r.extrapolated_years) or extrapolated
        if extrapolated:
            span = year_spans(tuple(extrapolated))  # a scenario's uplift for 2029 alone breaks the run
            uplift = tree.parameters[tree.parameters[STATE_RATE].indexation]  # the tree carries its last rate
            notes.append(f"{STATE_RATE}: the state rate's yearly uplift ({uplift.path}) has no data for {span}: "
                         f"{percent(float(uplift.values[-1][1]))} a year carried (the index's last rate with extend: last; "
                         "flagged as an assumption)")
        assistance = AssistanceParams(
            lss_hours_per_case=lss_hours / lss_cases if lss_cases else 0.0, hours_base_days=days,
            lss_cost_per_hour=lss_staff / lss_hours if lss_hours else 0.0,
            lss_other_cost_per_hour=lss_other / lss_hours if lss_hours else 0.0,
            lss_purchase_cost_per_hour=lss_bought / lss_hours if lss_hours else 0.0,
            own_provider_cost_per_hour=own_staff / own_hours if own_hours else 0.0,
            own_provider_other_cost_per_hour=own_other / own_hours if own_hours else 0.0,
            sfb_case_hours=tuple(users.loc[users["service"] == SFB, "weekly_hours"].astype(float)),  # capped each
            sfb_cap_hours_per_week=cap, sfb_cap_by_month=tuple(cap_by_month) if any(c != cap for c in cap_by_month)
            else (),
            own_provider_rate_factor=s.own_provider_rate_factor,
            state_rate=pd.Series(rates), state_rate_extension=s.extensions.get("state_rate"),
            lss_service=LSS if LSS in volume_services else None)
        price, rate = (tree.parameters.get(path) for path in (LSS_PRICE, STATE_RATE))
        if lss_bought and price is not None and price.indexation != rate.indexation:
            notes.append(f"{LSS}: bought hours are projected with the state hourly rate's index "
                         f"({rate.indexation}), not {LSS_PRICE}'s own ({price.indexation})")
        if own_hours and sfb_cases and SFB in volumes:
            volumes[OWN] = volumes[SFB] * (own_hours / sfb_cases)
            notes.append(f"{OWN}: the own provider's hours are projected from the SFB cases, at the base year's "
                         f"{own_hours / sfb_cases:,.0f} h per case" + own_provider_draw(uncertainty))
        if own_hours and s.own_provider_rate_factor != 1.0:  # the engine's base year knows the standard rate only
            extra = own_hours * rates.get(base_year, 0.0) * (s.own_provider_rate_factor - 1.0)
            notes.append(f"projection.own_provider_rate_factor {s.own_provider_rate_factor:g} raises the own provider's "
                         f"compensation from {base_year + 1}; the base year {base_year} (and a frame built on it) is "
                         f"the run's, at the standard rate. If the provider already had the higher rate in "
                         f"{base_year}, its gap there is {extra / 1e6:,.1f} MSEK smaller than shown, and "
                         f"{base_year + 1}'s fall in net cost is that rate, not a saving of the year")
    external = ()
    if EXTERNAL in volume_services:
        places = float(engine.at[EXTERNAL, "users"])
        price = float(engine.at[EXTERNAL, "purchase_cost"] + engine.at[EXTERNAL, "other_cost"]) / (places * days)
        external = (ExternalPlacesParams(service=EXTERNAL, price_per_day=price, existing_places=places,
                                         new_place_premium=s.external.new_place_premium,
                                         turnover=s.external.turnover),)

    held = tuple(models.loc[models["model_used"] == "base volume", "service"])
    planned = planned_volume_from(s, volume_services, first)
    if OWN in volumes and SFB in planned:  # the own provider's hours follow the SFB cases
        planned[OWN] = planned[SFB]
    capacity, shared = capacity_limits(loaded, resolved, volume_services, held, first, last,
                                       dict(zip(models["service"], models["model_used"], strict=True)))
    notes += shared
    years = range(base_year + 1, last + 1)
    ext: dict[str, float] = {}
    growth = {}
    for name, path in INDEX_PATHS.items():
        series, extension = growth_by_year(tree, path, years, s.extensions.get(name))
        growth[name] = series
        if extension is not None:
            ext[name] = extension
    if s.rent_growth is None:  # the price index's data, then a declared rent extension, else the price index's
        growth["rent_growth"] = growth["price_growth"]
        rent_ext = s.extensions.get("rent_growth", ext.get("price_growth"))
    else:
        growth["rent_growth"], rent_ext = s.rent_growth, s.extensions.get("rent_growth")
    if rent_ext is not None:
        ext["rent_growth"] = rent_ext
    sick = sick_leave_by_year(tree, first, last)

    param_file = {n: tree.parameters[p].file for n, p in INDEX_PATHS.items()}
    check_rates_by_year(resolved, first, last)
    for name in RATES_BY_YEAR:
        if name in resolved.set_by:
            param_file[name] = resolved.set_by[name].display
    for a in s.adjustments:
        notes.append(f"one-off {a.service} {a.year}: {a.amount:+,.0f} SEK" + (f" — {a.reason}" if a.reason else ""))
    adjustments = pd.DataFrame([a.model_dump(include={"service", "year", "amount"}) for a in s.adjustments],
                               columns=["service", "year", "amount"])
    inputs = ProjectionInputs(
        scenario=loaded.scenario.name, base_year=base_year, volumes=volumes,
        unit_costs=costs.sort_values("service", ignore_index=True),
        wage_growth=growth["wage_growth"], price_growth=growth["price_growth"], rent_growth=growth["rent_growth"],
        rent_follows_price=s.rent_growth is None, years=s.horizon_years, sick_leave=sick,
        sick_leave_base=observed_sick, adjustments=adjustments,
        level_mix_drift=s.level_mix_drift, assistance=assistance, external=external, extensions=ext,
        capacity=capacity,
        fixed_volume_services=held,
        planned_volume_from=planned,
        sources={**param_file, "volumes": str(Path(loaded.scenario.data) / HISTORY_FILE),
                 "state_rate": tree.parameters[STATE_RATE].file, "sick_leave": tree.parameters[SICK_LEAVE].file,
                 **({"other_services": other_file} if other is not None else {}),
                 **({"capacity": resolved.set_by["capacity"].display} if "capacity" in resolved.set_by else {})},
    )
    data, file, line_of = frame_document(resolved)
    with frame_errors_located(resolved):
        frame = load_frame(data, file, prefix="frame", line_of=line_of, word_of=frame_words(resolved))
        check_base_year(frame, base_year, file, line_of)
        check_compensated_services(frame, {*volume_services, *([OWN] if SFB in volume_services else [])}, file,
                                   line_of)
    inputs = replace(inputs, sources={**inputs.sources, "frame": file})
    case = BudgetCase(inputs, frame)
    base_net = float(base_net_costs(costs).sum())
    base_frame = float(sum(frame.base.values()))
    check_base_frame_scale(base_frame, base_net, file, line_of)
    check_area_frame_units(frame, costs, inputs.service_areas, resolved)
    start = (f"base year {base_year}: frame {base_frame / 1e6:,.1f} MSEK against a net cost of {base_net / 1e6:,.1f} "
             f"MSEK (the engine{' and other_services.csv' if other is not None else ''}), a deviation of {(base_frame - base_net) / 1e6:+,.1f} MSEK "
             "that the projected years start from")
    frame_hash = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    warnings = [*replaced_list_warnings(resolved), *check_frame_growth(frame, file, resolved, last),
                *frame_year_warnings(frame, resolved, last),
                *frame_area_scale_warnings(frame, costs, inputs.service_areas, resolved),
                *dated_changes_not_projected(loaded, last), *implausible_rate_warnings(loaded, resolved, data),
                *adjustment_warnings(resolved, case), *(low_cost_warnings(other, other_file) if other is not None else [])]
    notes += [str(w) for w in warnings]
    return ProjectionSetup(case, resolved, models, tuple(dict.fromkeys([*template_notes(loaded.warnings),
                                                                         *parameter_slip_notes(loaded), start, *notes])),
                           frame_hash, tuple(extrapolated), tuple(warnings))


def build_case(loaded, result) -> BudgetCase:
    """The budget case alone, for compare's waterfall and the Monte Carlo."""
    return build_setup(loaded, result).case


def run_setup(setup: ProjectionSetup) -> BudgetResult:
    """The core run on the setup's case, its notes followed by the setup's and the capacity notes (once each)."""
    out = run_budget(setup.case)
    return replace(out, notes=tuple(dict.fromkeys([*out.notes, *setup.notes, *capacity_notes(setup, out)])))


def project(loaded, result) -> BudgetResult:
    """Projection, frame and deviation of a loaded scenario (see the package docstring, resmodel.projection_run)."""
    return run_setup(build_setup(loaded, result))
