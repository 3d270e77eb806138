"""The scenario's capacity block: each service's places by projected year (a number, steps by year, today's
premises, places added, a premises plan), where the users above them go, and the notes that report how demand meets
the places — and, without the block, where demand passes today's places."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from resmodel.budget.areas import area_of
from resmodel.budget.projection import CapacityLimit
from resmodel.errors import InputError
from resmodel.projection_run.names import EXTERNAL, LSS, OWN, SFB
from resmodel.projection_run.premises_plan import planned_premises
from resmodel.projection_run.projected_services import not_projected
from resmodel.projection_run.volumes import projected_services_of
from resmodel.scenario.projection import CapacitySettings, ResolvedProjection, resolve

if TYPE_CHECKING:
    from resmodel.projection_run.setup import ProjectionSetup


WAITING = "waiting"  # capacity.<service>.overflow: the users above the places wait (no service takes them)


def scenario_capacity(loaded, service: str) -> CapacityLimit | None:
    """A service's places by projected year from a scenario's ``projection.capacity`` (None when it gives
    the service none) — what ``resmodel queue --scenario`` simulates the queue against."""
    resolved = resolve(loaded.chain)
    if resolved is None or service not in resolved.settings.capacity:
        return None
    first = loaded.scenario.base_date.year + 1
    last = first + resolved.settings.horizon_years - 1
    _, services, _, held = projected_services_of(loaded, resolved, first, last)
    limits, _ = capacity_limits(loaded, resolved, services, held, first, last)
    return next(c for c in limits if c.service == service)


def capacity_limits(loaded, resolved: ResolvedProjection, services: Sequence[str], held: Collection[str],
                    first: int, last: int, volume_models: Mapping[str, str] | None = None
                    ) -> tuple[tuple[CapacityLimit, ...], list[str]]:
    """The scenario's ``capacity`` block as places per projected year — a number, steps by year, or
    today's places of the service's premises, plus places added from a projected year on — and notes
    on shared premises. Located errors for a service or overflow that cannot have or take places: not
    projected, priced by the assistance rules, a lump line held at its base volume (``held``), another
    report area, or a service with places of its own. With ``volume_models`` (service → the model that
    projects it), a premises plan made on another forecast model is noted."""
    limits, notes = [], []
    limited = resolved.settings.capacity
    for service, c in limited.items():
        key = f"capacity.{service}"
        for path, named in ((key, service), (f"{key}.overflow", c.overflow)):
            if named == WAITING and path != key:
                continue
            if named in (SFB, LSS, OWN):
                raise InputError.at(resolved.location(path), f"'{named}' is priced by the assistance rules, "
                                    "which have no places", "a service priced per user or place (e.g. "
                                    f"daglig_verksamhet, bostad_vuxna, {EXTERNAL})",
                                    "remove it from capacity" if path == key else f"use {WAITING} or {EXTERNAL}")
            if named not in services:
                if path != key and named.casefold() in (WAITING, "väntar", "vantar", "vänta", "kö"):
                    raise InputError.at(resolved.location(path), f"overflow '{named}'", f"{WAITING} or a service",
                                        f"write {WAITING} (lower case, English)")
                not_projected(resolved, named, path, services, also=(WAITING,) if path != key else ())
            if named in held:
                raise InputError.at(resolved.location(path), f"'{named}' is a lump line of other_services.csv held "
                                    "at its base volume, which has no places and no price per user",
                                    "a service priced per user or place", "remove it from capacity"
                                    if path == key else f"use {WAITING}, or a service priced per place")
        if c.overflow != WAITING:
            if c.overflow in limited:
                raise InputError.at(resolved.location(f"{key}.overflow"), f"the users above {service}'s places go "
                                    f"to '{c.overflow}', which has places of its own",
                                    f"a service without places (e.g. {EXTERNAL}), or {WAITING}",
                                    "send them to a service without places, or let them wait")
            own_units = set(loaded.data.units["service"].astype(str)) - {EXTERNAL}
            if c.overflow in own_units:
                raise InputError.at(resolved.location(f"{key}.overflow"), f"'{c.overflow}' is served in the board's "
                                    f"own units, at their own price and for their own users: the users above "
                                    f"{service}'s places cannot be costed there", f"{EXTERNAL} (places bought at a "
                                    f"day price), a bought service of other_services.csv, or {WAITING}",
                                    f"use {EXTERNAL} for housing, or let them wait")
            own, other = (area_of(x, {}, resolved.location(key)) for x in (service, c.overflow))
            if own != other:
                raise InputError.at(resolved.location(f"{key}.overflow"), f"the users above {service}'s places "
                                    f"would be costed as {c.overflow} in area {other}, while the frame counts them "
                                    f"in {own}", f"a service of the area {own} (e.g. {EXTERNAL} for LSS housing), "
                                    f"or {WAITING}", f"choose a service of {own}, or let them wait")
        by_year = _places_by_year(loaded, resolved, service, c, first, last, notes)
        premises = planned_premises(loaded, resolved, service, c, first, last, notes, (volume_models or {}).get(service))
        for pp in premises:
            for y in range(pp.open_year, last + 1):
                by_year[y] += pp.places
        limits.append(CapacityLimit(service, by_year, None if c.overflow == WAITING else c.overflow, premises))
    return tuple(limits), notes


def _places_by_year(loaded, resolved: ResolvedProjection, service: str, c: CapacitySettings, first: int, last: int,
                    notes: list[str]) -> dict[int, float]:
    """One service's places in each projected year from its ``places`` and ``added`` (located errors;
    notes on shared premises and on years after the horizon are appended to ``notes``)."""
    from resmodel.allocation.places import places_by_service
    from resmodel.planning_run import service_places
    from resmodel.services import UNIT_SERVICE_OF_USER

    key = f"capacity.{service}"
    years = range(first, last + 1)
    if c.places is None:
        raise InputError.at(resolved.location(key), f"{service} has no places", "'places:' — a number, "
                            "{year: places} or premises — in this file or the one it extends",
                            f"add places under capacity.{service}")
    if c.places == "premises":
        if UNIT_SERVICE_OF_USER.get(service, service) not in set(places_by_service(loaded.data)["service"]):
            raise InputError.at(resolved.location(f"{key}.places"), f"{service}'s units use no premises",
                                "a service whose units have a premises_id in units.csv (premises.csv gives "
                                "its places)", "give the places as a number instead")
        today, shared = service_places(loaded, service, "give the places as a number instead")
        notes += [f"capacity.{service}: {n}" for n in shared]
        by_year = dict.fromkeys(years, today)
    elif isinstance(c.places, dict):
        steps = sorted(c.places)
        if steps[0] > first:
            raise InputError.at(resolved.location(f"{key}.places"),
                                f"the places start in {steps[0]}, after the first projected year {first}",
                                f"a first year at or before {first} (each year's places hold until the next)",
                                f"add {first}: <today's places>, or put today's places first and later ones "
                                "under 'added'")
        by_year = {y: float(c.places[max(k for k in steps if k <= y)]) for y in years}
    else:
        by_year = dict.fromkeys(years, float(c.places))
    early = [y for y in c.added if y < first]
    if early:
        raise InputError.at(resolved.location(f"{key}.added"), f"places added in {early[0]}, before the first "
                            f"projected year {first}", f"years from {first} on (places open before it are part "
                            "of 'places' — with 'premises', of today's premises)",
                            "count them in 'places', or move them to the year they open")
    late = sorted(y for y in [*c.added, *(c.places if isinstance(c.places, dict) else ())] if y > last)
    if late:
        notes.append(f"capacity.{service}: places in {', '.join(map(str, late))}, after the projected years "
                     f"{first}–{last}, are not in this projection")
    for year, change in sorted(c.added.items()):
        for y in years:
            if y >= year:
                by_year[y] += change
    low = min(by_year, key=by_year.get)
    if by_year[low] < 0:
        raise InputError.at(resolved.location(f"{key}.added"),
                            f"the places closed leave {service} {by_year[low]:,.1f} places in {low}",
                            "places ≥ 0 in every year", "close fewer places")
    return by_year


def capacity_notes(setup: ProjectionSetup, result) -> list[str]:
    """One note per service with places: how many places, where the users above them go, from which
    month, how many at the most and in user-years (from the result's rows)."""
    notes = []
    m, y = result.monthly, result.yearly
    inputs = setup.case.inputs
    premium = {e.service: e.new_place_premium for e in inputs.external}
    for limit in inputs.capacity:
        c = setup.settings.settings.capacity[limit.service]
        reason = f" ({c.reason})" if c.reason else ""
        over = y[(y["service"] == limit.service) & (y["measure"] == "over_capacity")].set_index("period")["value"]
        monthly = m[(m["service"] == limit.service) & (m["measure"] == "over_capacity")].set_index("period")["value"]
        counts = sorted(set(limit.places.values()))
        places = (f"{counts[0]:,.0f} places" if len(counts) == 1 else
                  f"{limit.places[inputs.base_year + 1]:,.0f}–{limit.places[inputs.base_year + inputs.years]:,.0f} "
                  "places")
        parts = (["today's premises", *(["those added"] if c.added else [])] if c.places == "premises" else []) \
            + (["the plan's premises"] if limit.premises else [])
        places += (f" ({', '.join(parts[:-1])} and {parts[-1]})" if len(parts) > 1 else f" ({parts[0]})" if
                   c.places == "premises" else " (including the plan's premises)" if parts else "")
        if limit.overflow is None:
            where = ("wait as decisions not executed: no cost in the projection, but decisions waiting over three "
                     "months are reported to IVO and risk a sanction fee — their waiting times and the fee exposure: "
                     f"resmodel queue --demand <volume forecast> --service {limit.service} --scenario <this "
                     "scenario> (docs/forecasting.md §4)")
        else:
            p = premium.get(limit.overflow)
            where = f"are served as {limit.overflow} at its price" + (
                "" if p is None else f" (beyond its existing stock as new places, day price +{p:.0%})" if p > 0 else
                " (external.new_place_premium is 0: new places cost what existing ones do)")
        if (monthly > 0.005).any():
            first, peak = monthly[monthly > 0.005].index[0], over.idxmax()
            text = (f"{limit.service}{reason}: {places}; demand is above them from {first} — {over[peak]:,.1f} users a month "
                    f"on average in {peak}, {over.sum():,.1f} user-years over {over.index[0]}–{over.index[-1]}; the "
                    f"users above them {where}")
        else:
            text = f"{limit.service}{reason}: {places}; demand stays within them in every projected month"
        if limit.premises:
            at = y[(y["service"] == limit.service) & (y["period"] == y["period"].max())].set_index("measure")["value"]
            text += (f"; in {y['period'].max()} {at['plan_users']:,.1f} users a month on average are in the plan's "
                     f"premises and {max(at['places'] - at['volume'], 0.0):,.1f} places stand free")
        notes.append(text)
    return notes


def places_today(loaded) -> dict[str, float]:
    """Today's places per projected (user) service: the capacity of the premises its units use."""
    from resmodel.allocation.places import places_by_service
    from resmodel.services import UNIT_SERVICE_OF_USER

    table = places_by_service(loaded.data).set_index("service")["places"]
    return {sv: float(table[unit_sv]) for sv, unit_sv in {**{s: s for s in table.index}, **UNIT_SERVICE_OF_USER}.items()
            if unit_sv in table.index and table[unit_sv] > 0}


def places_passed_notes(volumes: pd.DataFrame, places: Mapping[str, float], capped: Collection[str]) -> list[str]:
    """A note for each service whose projected volume (a year's monthly average) passes today's places while the
    scenario sets no ``capacity`` for it: the projection then costs every user as if the premises grew with them
    (premises cost per user), which a planner should know is an assumption, not a plan."""
    notes = []
    yearly = volumes.groupby(volumes.index.str[:4]).mean()
    for sv, n in places.items():
        if sv in capped or sv not in yearly.columns:
            continue
        over = yearly.loc[yearly[sv] > n, sv]
        if len(over):
            first = volumes.index[(volumes[sv] > n).to_numpy()][0]  # a capacity block counts from this month
            notes.append(f"{sv}: the projected volume's yearly average passes today's {n:,.0f} places in "
                         f"{over.index[0]} (the first month above them: {first}; {yearly[sv].iloc[-1]:,.1f} a month "
                         f"on average in {yearly.index[-1]}); without "
                         f"projection.capacity.{sv} every user is costed as if the premises grew with them — to see "
                         "the users who would wait or a premises plan, set it (scenarios/capacity_limit.yaml, "
                         "premises_plan.yaml; docs/projection.md, \"Places\")")
    return notes
