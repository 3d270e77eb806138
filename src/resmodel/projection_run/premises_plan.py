"""A premises plan a scenario costs (capacity.<service>.plan): read and checked against the service,
the scenario's years and places and the forecast model it was made on, with notes on how it was made and what it
opens."""

from __future__ import annotations

from pathlib import Path

from resmodel.budget.projection import PlannedPremises
from resmodel.errors import InputError, Location
from resmodel.projection_run.paths import check_table_path, plan_path
from resmodel.scenario.projection import CapacitySettings, ResolvedProjection, resolve


def plan_record(loaded, service: str) -> dict | None:
    """The premises plan a scenario gives a service, as {file, sha256} for a manifest; None without one."""
    from resmodel.io.manifest import file_record

    resolved = resolve(loaded.chain)
    if resolved is None or getattr(resolved.settings.capacity.get(service), "plan", None) is None:
        return None
    return file_record(plan_path(resolved, service))


def planned_premises(loaded, resolved: ResolvedProjection, service: str, c: CapacitySettings, first: int, last: int,
                   notes: list[str], model: str | None = None) -> tuple[PlannedPremises, ...]:
    """The premises a service's plan (``capacity.<service>.plan``) opens within the projected years, with
    notes on them and on how the plan was made; located errors for a premises opening before the first
    projected year (and, by the helpers, for the file and its manifest)."""
    from resmodel.io.premises_plan import plan_years, read_premises_plan
    from resmodel.io.scenario import display_path

    if c.plan is None:
        return ()
    path = _plan_file(loaded, resolved, service, c)
    display = display_path(path)
    rows, made_for, made_on = read_premises_plan(path, display)
    if made_for and made_for != (service,):  # a plan copied without its manifest still says its service
        raise InputError.at(resolved.location(f"capacity.{service}.plan"), f"the plan '{display}' was made for "
                            f"{', '.join(made_for)} (its column 'service')", f"a premises plan of {service}",
                            f"make one: resmodel plan-premises --service {service} …, or move the plan under "
                            f"capacity.{made_for[0]}")
    notes += _plan_origin_notes(resolved, service, c, path, display, checked=bool(made_for))
    if model is not None and made_on and made_on != (model,):  # the plan's openings answer another demand path
        notes.append(f"capacity.{service}.plan: the plan was made on a {'+'.join(made_on)} forecast of the demand "
                     f"(its column 'demand_model'), this projection forecasts {service} with {model}: its premises may "
                     f"open too early or too late for this demand; plan on the same model (resmodel forecast --model "
                     f"{service}={model}, then plan-premises) or project with it (projection.volumes)")
    years = plan_years(path)
    if years is not None and years[1] < last:
        notes.append(f"capacity.{service}.plan: the plan covers {years[0]}–{years[1]} (its premises_yearly.csv); no "
                     f"premises are planned for {years[1] + 1}–{last}, so demand above the places then is beyond the "
                     "plan, not its verdict — plan over the whole projection to see what it would open")
    for idx in rows.index[(rows["open_year"] < first).to_numpy()][:1]:
        raise InputError.at(Location(display, row=int(idx), column="open_year"),
                            f"{rows.at[idx, 'premises_id']} opens in {rows.at[idx, 'open_year']}, before the first "
                            f"projected year {first}", f"opening years from {first} on (a premises open before it "
                            "is part of today's places)", f"make the plan on this scenario's years, or count the "
                            f"premises in capacity.{service}.places and remove its row")
    late = rows[rows["open_year"] > last]
    within = rows[rows["open_year"] <= last]
    premises = tuple(PlannedPremises(str(r.premises_id), float(r.places), int(r.open_year), float(r.annual_rent_sek),
                                     float(r.one_off_cost_sek)) for r in within.itertuples())
    if premises:
        years = sorted({pp.open_year for pp in premises})
        opened = ", ".join(f"{y} +{sum(pp.places for pp in premises if pp.open_year == y):,.10g}" for y in years)
        notes.append(f"capacity.{service}.plan: '{display}' opens {len(premises)} premises with "
                     f"{sum(pp.places for pp in premises):,.10g} places ({opened}); they are costed at their rent, "
                     f"{sum(pp.annual_rent for pp in premises) / 1e6:,.1f} MSEK a year in base-year prices once all "
                     "are open, from January of each opening year at the rent index, and their one-off costs, "
                     f"{sum(pp.one_off for pp in premises) / 1e6:,.1f} MSEK in base-year prices, in the opening years "
                     f"at the price index; the users above {service}'s other places are in them and carry no "
                     "per-user premises cost (rows plan_users, plan_rent, plan_one_off); staff and other costs "
                     "follow the users, so a premises' fixed staffing from its first day is not in them")
    else:
        notes.append(f"capacity.{service}.plan: '{display}' opens no premises in {first}–{last}")
    if len(late):
        notes.append(f"capacity.{service}.plan: {', '.join(late['premises_id'])} of '{display}' open after "
                     f"{last} and are not in this projection")
    return premises


def _plan_file(loaded, resolved: ResolvedProjection, service: str, c: CapacitySettings) -> Path:
    """The plan's path, checked: a file, a table, of a service whose units have premises (located at the
    scenario key)."""
    from resmodel.allocation.places import places_by_service
    from resmodel.services import UNIT_SERVICE_OF_USER

    key = f"capacity.{service}.plan"
    path = plan_path(resolved, service)
    check_table_path(resolved, key, c.plan, path, "premises_plan.csv", "resmodel plan-premises wrote "
                      "(docs/planning.md)", f"make the plan first: resmodel plan-premises --service {service} …",
                      "plan file")
    if UNIT_SERVICE_OF_USER.get(service, service) not in set(places_by_service(loaded.data)["service"]):
        raise InputError.at(resolved.location(key), f"{service}'s units use no premises, so a premises plan "
                            "cannot be costed against their premises cost", "a plan of a service whose units "
                            "have premises (daglig_verksamhet, bostad_vuxna, …)",
                            "give the new places under 'added' instead")
    return path


def _plan_origin_notes(resolved: ResolvedProjection, service: str, c: CapacitySettings, path: Path,
                       display: str, checked: bool) -> list[str]:
    """How the plan was made, from plan-premises' manifest beside it: a located error for a plan of another
    service; notes when that cannot be checked (nor was by the plan's own service column, ``checked``), when it
    was made for another demand column or on other places than the scenario's, and when the service also has
    places under 'added'."""
    from resmodel.io.premises_plan import plan_options

    options, unreadable = plan_options(path)
    options = options or {}
    made_for = options.get("service") if isinstance(options.get("service"), str) else None
    if made_for is not None and made_for != service:
        raise InputError.at(resolved.location(f"capacity.{service}.plan"), f"the plan '{display}' was made for "
                            f"{made_for} (its manifest.json)", f"a premises plan of {service}", f"make one: resmodel "
                            f"plan-premises --service {service} …, or move the plan under capacity.{made_for}")
    notes = []
    if made_for is None and not checked:
        notes.append(f"capacity.{service}.plan: " + (unreadable or f"no manifest.json of plan-premises beside "
                     f"'{display}'") + f", so it is not checked that the plan was made for {service}")
    column = options.get("demand_column")
    if isinstance(column, str) and column != "volume":
        notes.append(f"capacity.{service}.plan: the plan was made for the demand column {column}; the projection "
                     "serves the central forecast, so the plan's headroom shows as free places and their rent")
    if c.added:
        notes.append(f"capacity.{service}: places under both 'added' and 'plan' — a premises of the plan that is "
                     "also under 'added' counts twice")
    planned_on, scenario_on = options.get("places"), None if c.places == "premises" else c.places
    if made_for is not None and planned_on != scenario_on:
        def said(on):
            return "today's premises" if on is None else f"places {on:,.10g}" if isinstance(on, int | float) \
                else f"places {on}"

        notes.append(f"capacity.{service}.plan: the plan was made on {said(planned_on)} (plan-premises --places), "
                     f"this scenario has {said(scenario_on)}: its premises may open too early or too late for them")
    return notes
