"""Wire the premises plan (``planning.premises``) to a scenario and a demand table: today's places
and unit costs from the scenario's base-year run, the demand's peak per year (and level), the plan,
the options it is compared with, the places it makes usable month by month (for the queue) and the
warnings a planner needs (docs/planning.md). ``resmodel plan-premises`` parses, reads, prints and
writes around it.

    loaded = resmodel.run.load(path); inputs = scenario_inputs(loaded, run(loaded), "daglig_verksamhet")
    plan = premises_plan(demand_table, "daglig_verksamhet", candidates, costs, base, "volume")"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector, did_you_mean
from resmodel.forecast.demand import demand_months
from resmodel.forecast.queue import QueueParams
from resmodel.planning.premises import PlanCosts, PlanResult, external_prices

EXTERNAL = "externa_platser"
MAX_YEARS = 50  # a longer horizon is no premises plan, and makes the programme slow
#: the reasons make the plan again without at most this many opened premises, each solve with at most a quarter of
#: the solver's time (30 s in the CLI): a count, not a clock, so that the reasons do not depend on the machine's speed
#: (a hard instance, docs/benchmarks.md, would otherwise take the solver's whole limit once per opened premises)
RESOLVE_MAX_PLANS, RESOLVE_LIMIT_S = 6, 30.0
SOLVER_LIMIT_S = 120.0  # the solver's time per solve; the API gives less (docs/api.md, "Run time")


@dataclass(frozen=True)
class ScenarioInputs:
    """What a scenario's base-year run gives a premises plan, with notes saying where each came from."""

    places: float                 # today's places of the service (premises its units use)
    groups: pd.DataFrame          # the same by level range: min_level, max_level, premises, places
    own_cost_per_place: float     # staff and other costs per user-year, base-year average
    users: float                  # the users that average is over
    external_price: float | None  # for adult housing: externa_platser's cost per place-year
    notes: list[str]              # where the places come from
    base_days: int = 365          # the base year's days, which the external price per place-year was counted over


@dataclass
class PlanRun:
    """A premises plan with everything the CLI prints and writes."""

    result: PlanResult
    plan: pd.DataFrame                 # one row per candidate with its decision
    options: dict[str, pd.DataFrame]   # yearly table per option: no_new_premises[, decided_only], plan
    yearly: pd.DataFrame               # the options stacked, ``option`` first
    by_level: pd.DataFrame | None      # per option, year and level (plans by level only)
    capacity: pd.DataFrame             # month, places the plan makes usable
    warnings: list[str]
    notes: list[str]                   # how the plan's horizon was read (a partial first or last year)


def service_places(loaded, service: str, fix: str) -> tuple[float, list[str]]:
    """Today's places of a user service — the capacity of the premises its units use — and a note when
    some premises also host another service; ``fix`` says which options give places otherwise."""
    from resmodel.allocation.places import places_by_service
    from resmodel.services import UNIT_SERVICE_OF_USER

    unit_service = UNIT_SERVICE_OF_USER.get(service, service)
    table = places_by_service(loaded.data).set_index("service")
    if unit_service not in table.index:
        raise InputError.at(Location(path="--scenario"), f"the units of '{service}' use no premises in "
                            f"{loaded.data_display}", "a service whose units have premises: " + ", ".join(table.index),
                            did_you_mean(service, table.index) + fix)
    shared = int(table.at[unit_service, "shared_premises"])
    notes = [f"{shared} premises of {unit_service} also host another service; their places are counted in full"]
    return float(table.at[unit_service, "places"]), notes if shared else []


def scenario_inputs(loaded, result, service: str, display: str) -> ScenarioInputs:
    """Today's places (in total and by level range), the running cost per user-year and, for adult
    housing, the external place price, from a loaded scenario and its base-year run (``result``)."""
    from resmodel.allocation.places import places_by_level_range
    from resmodel.services import UNIT_SERVICE_OF_USER

    unit_service = UNIT_SERVICE_OF_USER.get(service, service)
    places, shared = service_places(loaded, service, "give --places and --own-cost-per-place for this service")
    services = result.services.set_index("service")
    users = float(services.at[unit_service, "users"])
    own = float(services.at[unit_service, "staff_cost"] + services.at[unit_service, "other_cost"]) / users
    notes = [f"today's places from the premises of {display}: {places:,.0f}", *shared]
    external = None
    if service == "bostad_vuxna" and EXTERNAL in services.index and services.at[EXTERNAL, "users"]:
        ext = services.loc[EXTERNAL]
        external = float(ext["purchase_cost"] + ext["other_cost"]) / float(ext["users"])
    return ScenarioInputs(places, places_by_level_range(loaded.data, unit_service), own, users, external, notes,
                          366 if calendar.isleap(loaded.scenario.base_date.year) else 365)


def as_typed(value: float) -> str:
    """An amount given as an option, quoted as it was typed: 834,000 and 2.5, not 2 (API review: 'external_price 2 SEK'
    for 2.5)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def cost_notes(inputs: ScenarioInputs, own: float | None, external: float | None, no_external: bool,
               per_day: bool = False) -> list[str]:
    """Notes on the unit costs used: the scenario's averages, or the option that replaced them; ``per_day`` when the
    scenario's external price is costed by each plan year's days (``PlanCosts.external_days``)."""
    average = f"{inputs.own_cost_per_place:,.0f} SEK (staff and other costs, base-year average of " \
              f"{inputs.users:,.0f} users)"
    notes = [f"running cost per user-year: {as_typed(own)} SEK from --own-cost-per-place (the scenario's is {average})"
             if own is not None else f"running cost per user-year: {average}"]
    if inputs.external_price is not None:
        price = f"{inputs.external_price:,.0f} SEK (externa_platser, base-year average)"
        notes.append("no external places (--no-external); the scenario's price per place-year is " + price
                     if no_external else
                     f"external price per place-year: {as_typed(external)} SEK from --external-price (the scenario's is "
                     f"{price})" if external is not None else f"external price per place-year: {price}" + (
                         f"; {inputs.external_price / inputs.base_days:,.0f} SEK a day over the base year's "
                         f"{inputs.base_days} days, costed by each plan year's days" if per_day else ""))
    elif external is not None:  # no scenario price to show beside it, but the option is still said (planner walk)
        notes.append(f"external price per place-year: {as_typed(external)} SEK from --external-price (the scenario "
                     "has none for this service: only adult housing's is taken from externa_platser)")
    return notes


def demand_model(demand: pd.DataFrame, service: str) -> str:
    """The forecast model(s) of ``service``'s demand rows (a volume forecast's ``model_used``, '+'-joined when
    its levels differ); empty for demand without that column (a history, a hand-made table)."""
    if "model_used" not in demand.columns:
        return ""
    rows = demand[demand["service"].astype("string").str.strip().eq(service).fillna(False).to_numpy()]
    return "+".join(sorted({str(m).strip() for m in rows["model_used"].dropna() if str(m).strip()}))


def premises_plan(demand: pd.DataFrame, service: str, candidates: pd.DataFrame, costs: PlanCosts,
                  base: float | pd.DataFrame, demand_column: str = "volume", demand_source: str | None = None,
                  candidates_source: str = "candidates", base_year: int | None = None,
                  time_limit_s: float = SOLVER_LIMIT_S, base_users: float | None = None) -> PlanRun:
    """The plan for ``service``: ``demand`` is a demand table (month, service[, level], the demand
    column), ``candidates`` the service's rows of the candidates table, ``base`` today's places (a
    number, or by level range when the candidates have level ranges), ``base_year`` the scenario's base year
    when there is one (a demand that ends by then is a history, refused), ``time_limit_s`` the solver's time per
    solve (the reasons' at most RESOLVE_MAX_PLANS plans made again a quarter of it, at most RESOLVE_LIMIT_S),
    ``base_users`` the service's users in the scenario's base-year run, which the demand's first month is checked
    against. Raises located errors for inputs no plan can take."""
    from resmodel.forecast.demand import demand_by_level
    from resmodel.io.candidates import check_candidate_years
    from resmodel.planning.premises import PLAN_FOUND, evaluate_plan, optimise_plan, yearly_peak

    by_level = isinstance(base, pd.DataFrame)
    monthly = demand_months(demand, service, demand_column, demand_source)
    first, last = monthly.index[0], monthly.index[-1]
    if first.year < 1990 or last.year - first.year + 1 > MAX_YEARS:
        raise InputError.at(Location(demand_source, path=service), f"the demand covers {first:%Y-%m}–{last:%Y-%m}",
                            f"months from 1990 on, over at most {MAX_YEARS} years (a premises plan's horizon)",
                            "plan over the forecast's years (resmodel forecast gives ten)")
    early = _history_check(first, last, base_year, demand_source, service)
    peak = yearly_peak(demand_by_level(demand, service, demand_source, demand_column) if by_level else monthly)
    costs = replace(costs, first_month=first.month, last_month=last.month)  # a partial first or last year
    check_candidate_years(candidates, int(peak.index[0]), int(peak.index[-1]), candidates_source, first.month)
    _check_alternatives_dearer(costs.own_cost_per_place, None if costs.external_price is None else
                               float(external_prices(peak.index.to_numpy(), costs).min()), costs.waiting_cost)
    _check_decided_within_ceiling(candidates, costs.investment_ceiling, candidates_source)
    result = optimise_plan(peak, base, candidates, costs, time_limit_s=time_limit_s)
    if result.status not in PLAN_FOUND:  # with the decided premises within the ceiling a plan always exists
        if result.status == "Not Solved":  # stopped by the time limit before any plan
            raise InputError.at(Location(candidates_source), "the solver stopped without a plan (status Not Solved)",
                                f"a plan within the solver's time limit ({time_limit_s:.0f} s per solve)",
                                "plan fewer candidates at a time (one service, the candidates that are real options)")
        raise InputError.at(Location(candidates_source), f"the solver found no plan (status {result.status}), "
                            "although the plan may leave demand unmet and so always has one: a numerical problem "
                            "in the solver, not a mistake in your files", "a plan",
                            "report it with the demand and candidates files; planning on --demand-column volume "
                            "or with fewer candidates may get round it meanwhile")
    fixed = {"no_new_premises": pd.Series(0, index=candidates.index)}
    if candidates["decided_year"].notna().any():
        fixed["decided_only"] = candidates["decided_year"].fillna(0).astype(int)
    evaluated = {name: evaluate_plan(peak, base, candidates, plan, costs) for name, plan in fixed.items()}
    options = {name: tables[0] for name, tables in evaluated.items()} | {"plan": result.yearly}
    levels = {name: tables[1] for name, tables in evaluated.items()} | {"plan": result.by_level}
    warnings = [w for w in (early, _demand_scale_warning(monthly, base_users, service, demand_source),
                            lower_bound_warning(demand_column),
                            _unmet_warning(result, peak, base, candidates, costs, candidates_source),
                            _none_in_time_warning(result.plan, int(peak.index[0]), int(peak.index[-1]),
                                                  candidates_source)) if w]
    late = _late_one_off_warning(result, candidates, costs, candidates_source)
    if late:
        warnings.append(late)
    if result.status == "Time limit":
        warnings.append(f"the solver's time limit ({time_limit_s:.0f} s per solve) ran out: the plan shown is the best "
                        "found, not "
                        "proven the least costly (a rerun may differ); plan fewer candidates or fewer years at a time")
    plan_table = _plan_table(result.plan).assign(
        reason=lambda t: _reasons(result, peak, base, candidates, costs,
                                  min(RESOLVE_LIMIT_S, time_limit_s / 4)).reindex(t.index))
    plan_table.insert(0, "service", service)  # the projection checks it, with or without the manifest beside it
    plan_table.insert(1, "demand_model", demand_model(demand, service))  # the projection compares its own
    return PlanRun(result=result, plan=plan_table, options=options,
                   yearly=_stack(options),
                   by_level=_stack({n: _with_demand(t, peak) for n, t in levels.items()}) if by_level else None,
                   capacity=_capacity_months(monthly.index, result.yearly, demand_column, service), warnings=warnings,
                   notes=_partial_year_notes(first, last, candidates))


def raise_candidate_problems(problems: ProblemCollector, candidates: pd.DataFrame, demand: pd.DataFrame | None,
                             service: str, demand_column: str, demand_source: str | None,
                             candidates_source: str) -> None:
    """Every problem of a candidates table at once, by row: those found in its cells, services and level ranges,
    with the decided years of the rows that passed checked against the demand's years when the demand reads (its
    own problems come when the plan reads it). Nothing when there are none."""
    from resmodel.errors import ResmodelError
    from resmodel.io.candidates import by_row, check_candidate_years

    if not problems.problems:
        return
    try:
        months = None if demand is None else demand_months(demand, service, demand_column, demand_source).index
    except ResmodelError:
        months = None
    if months is not None and len(candidates):
        check_candidate_years(candidates, months[0].year, months[-1].year, candidates_source, months[0].month,
                              problems)
    raise InputError(by_row(problems.problems))


def _history_check(first: pd.Timestamp, last: pd.Timestamp, base_year: int | None, source: str | None,
                   service: str) -> str | None:
    """A demand all in or before the scenario's base year is its history, not a forecast: refused. One that starts
    there gets a warning (premises opened before the year after it cannot be brought into the budget)."""
    if base_year is None or first.year > base_year:
        return None
    if last.year <= base_year:
        raise InputError.at(Location(source, path=service), f"the demand covers {first:%Y-%m}–{last:%Y-%m}, none "
                            f"of it after the scenario's base year {base_year}: this looks like the volume history, "
                            "not a forecast", f"a forecast of the years after {base_year}",
                            "give --demand the forecast of the history (resmodel forecast writes "
                            "volume_forecast.csv)")
    return (f"the demand starts in {first.year}, not after the scenario's base year {base_year}: premises the plan "
            f"opens before {base_year + 1} cannot be brought into the budget (project starts then); plan on a "
            "forecast from the year after the base year")


def _demand_scale_warning(monthly: pd.Series, users: float | None, service: str, source: str | None) -> str | None:
    """A demand whose first month is off the service's users in the base-year run by more than a projection's
    history may be (projection_run.scale_band): another service's demand, or another unit, planned against this
    service's places and costs (API review: daily activity's 1 136 users planned as adult housing's, 532 places)."""
    from resmodel.projection_run import SCALE_MARGIN, SCALE_SLACK, scale_band

    if users is None or users <= 0:
        return None
    first = float(monthly.iloc[0])
    low, high = scale_band(users, users)
    if low <= first <= high:
        return None
    return (f"{source + ': ' if source else ''}the demand's first month, {monthly.index[0]:%Y-%m}, has {first:,.1f} "
            f"users against {users:,.0f} users of {service} in the scenario's base-year run ({first / users:.2g} times "
            f"as many; tolerance {SCALE_MARGIN:.0%} and {SCALE_SLACK:g}): is it another service's demand, or in "
            f"another unit (hours, a total over months)? The plan sets it against {service}'s places and costs")


def lower_bound_warning(column: str, where: str | None = None) -> str | None:
    """Planning for the low end of a forecast interval: places for a low-demand case, said — by the plan and by POST
    /premises-plans for its demand_column (``where``, the field the API locates it at), one text for both."""
    bound = re.fullmatch(r"volume_lo_(\d{1,2})", column)
    if bound is None:
        return None
    return (f"{where + ': ' if where else ''}the plan is for the lower bound of the {bound[1]} % interval ({column}): "
            "places for a low-demand case, too few if demand comes out at the forecast or above; a premises decision "
            "with a lead time of years is usually planned for the upper bound (volume_hi_80) or the forecast itself "
            "(volume)")


def _none_in_time_warning(plan: pd.DataFrame, first_year: int, last_year: int, display: str) -> str | None:
    """Every candidate can open only after the plan's last year: the plan is today's places, not a choice."""
    earliest = plan["earliest_possible"].astype(int)
    if not earliest.gt(last_year).all():
        return None
    return (f"{display}: no candidate can open within the plan's years {first_year}–{last_year} (the first can open "
            f"in {int(earliest.min())}): the plan is today's places only, whatever the costs; add candidates that can "
            "open sooner, or plan on a forecast that reaches their years")


def _late_one_off_warning(result, candidates: pd.DataFrame, costs: PlanCosts, display: str) -> str | None:
    """Premises the plan opens with a one-off cost so near the horizon's end that the years left are fewer than the
    one-off is years of its rent: the one-off is charged in full, the rent and the savings it buys only to the
    demand's last year, so there the choice leans toward premises without a one-off cost (docs/planning.md §5: 200 000
    rent + 1.5 MSEK one-off against 500 000 rent, both needed from 2030, opens the first on demand to 2034 and the
    second on the same demand cut at 2030). Rent is the yardstick because it is what the premises costs a year."""
    from resmodel.planning.premises import NOT_OPENED, year_shares

    years = result.yearly["year"].to_numpy()
    left = pd.Series(year_shares(years, costs)[::-1].cumsum()[::-1], index=years)  # years from each year to the end
    opened = result.plan[result.plan["open_year"].ne(NOT_OPENED) & result.plan["decided_year"].isna()]
    one_off = candidates.loc[opened.index, "one_off_cost_sek"].astype(float)
    rent = candidates.loc[opened.index, "annual_rent_sek"].astype(float)
    rents = (one_off / rent.where(rent > 0)).fillna(np.inf)  # the one-off in years of rent (no rent: no end)
    remaining = opened["open_year"].astype(int).map(left)
    late = opened.index[(one_off > 0).to_numpy() & (remaining < rents - 1e-9).to_numpy()]
    if late.empty:
        return None
    told = [f"{candidates.at[i, 'premises_id']} in {int(opened.at[i, 'open_year'])} ({one_off[i]:,.0f} SEK one-off, "
            + (f"{rents[i]:.1f} years of its rent" if np.isfinite(rents[i]) else "no rent") +
            f"; {remaining[i]:g} year{'s' if remaining[i] != 1 else ''} of the plan left)" for i in late]
    return (f"{display}: the plan opens {_listed(told, 3)} with a one-off cost larger than its rent over the plan's "
            f"years left, to {int(years[-1])}: the one-off is charged in full but the rent and savings it buys only to "
            "the demand's last year, so near the end the plan leans toward premises without a one-off cost — check the "
            "choice on a forecast that runs longer, or with the one-off spread into the rent over its lease")


def _partial_year_notes(first: pd.Timestamp, last: pd.Timestamp, candidates: pd.DataFrame) -> list[str]:
    """Say how a first or last year the demand covers only in part is read: its rent and running costs are for
    the months covered, and lead times count from the first month (a yearly model opens on 1 January)."""
    notes = []
    months = (12 if last.year > first.year else last.month) - first.month + 1
    if first.month > 1:
        lead = (" and lead times count from it (12 months' lead time opens in "
                f"{first.year + 2} on the yearly model, which opens premises on 1 January)"
                if candidates["lead_time_months"].fillna(0).gt(0).any() else "")
        notes.append(f"the demand starts in {first:%Y-%m}: {first.year}'s rent and running costs are for its "
                     f"{months} months only (column 'months'; one-off costs in full){lead}")
    if last.month < 12 and (last.year > first.year or first.month == 1):  # one year, Jan–Jun: said here
        notes.append(f"the demand ends in {last:%Y-%m}: {last.year}'s rent and running costs are for its "
                     f"{last.month} months only (column 'months')")
    return notes


def _check_alternatives_dearer(own: float, external: float | None, waiting: float | None) -> None:
    """External places and waiting must cost more than a user in own premises: the plan keeps today's users
    in their places only then (a cheaper alternative would empty today's premises, which the law and the
    users' homes do not allow)."""
    for option, value in (("--external-price", external), ("--waiting-cost", waiting)):
        if value is not None and value <= own:
            raise InputError.at(Location(path=option), f"{option} {as_typed(value)} SEK is not above the running cost of "
                                f"a user in own premises, {own:,.0f} SEK a year: the plan would move today's "
                                "users out of their premises", f"{option} above {own:,.0f}",
                                f"raise {option}" + (" (a penalty reflecting the board's policy, not just the "
                                                     "sanction fee)" if option == "--waiting-cost" else "")
                                + ", or lower --own-cost-per-place if it is too high")


def plural(n: int, word: str) -> str:
    """'1 year', '2 years'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _unmet_warning(result, peak, base, table: pd.DataFrame, costs, display: str) -> str | None:
    """Demand that no plan can meet (too early for any candidate, or at levels no premises suits, with
    no external places or waiting allowed): where first, which levels lack places, how much, and what
    would allow more."""
    from resmodel.planning.premises import places_by_range, shortage

    yearly = result.yearly
    short = yearly[yearly["unmet"] > 1e-6]
    if short.empty:
        return None
    def lacking(year: int) -> tuple[tuple[int, ...], str]:
        """The levels whose places are too few in ``year`` and how it reads."""
        if not isinstance(peak, pd.DataFrame):
            return (), ""
        levels, wanted, suiting = shortage(peak.loc[year], places_by_range(base, table, result.plan["open_year"], year))
        if not levels:
            return (), ""
        names = str(levels[0]) if len(levels) == 1 else f"{levels[0]}–{levels[-1]}" \
            if list(levels) == list(range(levels[0], levels[-1] + 1)) else ", ".join(map(str, levels))
        return tuple(levels), (f"need level{'s' if len(levels) > 1 else ''} {names}: {wanted:,.1f} users at the peak "
                               f"against {suiting:,.1f} places that suit them")

    periods: list[list] = []  # consecutive years short at the same levels: [first, last, user-years, text of last]
    for row in short.itertuples():
        levels, text = lacking(int(row.year))
        if periods and periods[-1][1] == row.year - 1 and periods[-1][4] == levels:
            periods[-1][1:4] = [int(row.year), periods[-1][2] + row.unmet, text]
        else:
            periods.append([int(row.year), int(row.year), row.unmet, text, levels])
    first = short.iloc[0]
    year = int(first["year"])
    where = f" ({periods[0][3]})" if periods[0][3] and periods[0][1] == year else ""
    if periods[0][1] > year:  # the first shortage lasts: its last year says how far it has grown
        where = f", {periods[0][2]:,.1f} user-years over {year}–{periods[0][1]}" + (
            f" (in {periods[0][1]} {periods[0][3]})" if periods[0][3] else "")
    later = "".join(f"; {n:,.1f} user-year{'s' if round(n, 1) != 1 else ''} in {a}{f'–{b}' if b > a else ''}"
                    + (f" ({text}{f' in {b}' if b > a else ''})" if text else "") for a, b, n, text, _ in periods[1:])
    # the ceiling is named only where it held openings back: more unmet (beyond rounding) than at the earliest openings
    ceiling = costs.investment_ceiling is not None and short["unmet"].sum() > result.unmet_at_earliest + 1e-3
    remedies = ["add candidates or bring them forward"]
    if ceiling:
        remedies.append("raise --investment-ceiling")
    if costs.external_price is None:
        remedies.append("allow external places (--external-price)")
    elif costs.max_external is not None:
        remedies.append("raise --max-external")
    if costs.waiting_cost is None:
        remedies.append("let cases wait at a cost (--waiting-cost, above the running cost of a place; for "
                        f"reference, the sanction fee's central value is {QueueParams().fee_per_month * 12:,.0f} SEK "
                        "per case-year)")
    within = (" with the candidates the plan opens within --investment-ceiling" if ceiling
              else " even with every candidate open as early as it can")
    return (f"{display}: no plan{' within --investment-ceiling' if ceiling else ''} meets all demand: "
            f"{first['unmet']:,.1f} users have no place in {year}{where}{later}{within} ({short['unmet'].sum():,.1f} user-years "
            f"in {plural(len(short), 'year')}; column 'unmet'). They would wait. To plan for them: "
            + ", or ".join(remedies))


def _plan_table(plan: pd.DataFrame) -> pd.DataFrame:
    """The candidates with the plan's decision (decided, open, not opened: the reason column says why), opened
    first (by year), then the rest."""
    levels = ["min_level", "max_level"] if plan["min_level"].notna().any() else []
    out = plan[["premises_id", *levels, "places", "annual_rent_sek", "one_off_cost_sek", "earliest_possible",
                "decided_year", "open_year"]].copy()
    out["decision"] = np.where(out["decided_year"].notna(), "decided",  # values read_premises_plan takes back
                               np.where(out["open_year"] > 0, "open", "not opened"))
    out["open_year"] = out["open_year"].where(out["open_year"] > 0).astype("Int64")
    out["places"] = out["places"].astype(int)  # whole places (the candidates file allows no other)
    for money in ("annual_rent_sek", "one_off_cost_sek"):  # whole kronor as whole numbers, as typed
        if out[money].mod(1).eq(0).all():
            out[money] = out[money].astype("int64")
    order = out["open_year"].fillna(10_000).astype(int)
    return out.assign(_order=order).sort_values(["_order", "premises_id"], kind="stable").drop(columns="_order")


def _reasons(result, peak, base, candidates: pd.DataFrame, costs: PlanCosts, resolve_limit_s: float) -> pd.Series:
    """Why each candidate is in the plan or not, found by pricing the plan with that one decision
    changed: an opened premises — the first year its levels lack places, what leaving it out costs (the plan made
    again without it) or the interchangeable candidate that would take its place, a neighbouring year that
    costs the same and, where the investment ceiling moved it, the year it would open without the ceiling; one left
    out that would add cost (and why: a place dearer than buying one, or no shortage at its levels), one the ceiling
    keeps out (the plan made again without the ceiling opens it, or opening it would lower the cost but break the
    ceiling), or one that cannot open."""
    from resmodel.planning.premises import NOT_OPENED, evaluate_plan, interchangeable_keys

    chosen = result.plan["open_year"].astype(int)
    earliest = result.plan["earliest_possible"].astype(int)
    keys = pd.Series(interchangeable_keys(candidates), index=candidates.index, dtype=object)
    unmet, total = result.yearly["unmet"].sum(), result.yearly["discounted_sek"].sum()
    free = _ceiling_free(result, peak, base, candidates, costs, resolve_limit_s)
    replans = [0]  # plans made again so far (RESOLVE_MAX_PLANS at most), each with resolve_limit_s
    out = {}
    for idx in candidates.index:
        year, start = int(chosen[idx]), int(earliest[idx])
        if year == NOT_OPENED and start > int(peak.index[-1]):
            out[idx] = f"cannot open before {start}, after the plan's last year"
            continue
        other = chosen.copy()
        other[idx] = NOT_OPENED if year != NOT_OPENED else start
        yearly, flows = evaluate_plan(peak, base, candidates, other, costs)
        more_unmet, more_cost = yearly["unmet"].sum() - unmet, yearly["discounted_sek"].sum() - total
        twins = keys.map(lambda k, key=keys[idx]: key is not None and k == key) & (keys.index != idx)
        if pd.notna(candidates.at[idx, "decided_year"]):
            out[idx] = f"decided for {year}; " + _needed(result, flows, candidates, idx, year, start)
        elif year != NOT_OPENED:
            spare = _by_availability(twins & chosen.eq(NOT_OPENED) & earliest.le(year), earliest)
            out[idx] = _needed(result, flows, candidates, idx, year, start, lost=not spare) + "; " + (
                f"interchangeable with {_names(candidates, spare)} (same places, levels and costs, able to open by "
                f"{year}): left out, the plan would open {candidates.at[spare[0], 'premises_id']} in its place at "
                "the same cost — the tie is broken by availability, then list order" if spare else
                _planned_without(result, peak, base, candidates, costs, idx, (more_unmet, more_cost),
                                 (replans, resolve_limit_s))) \
                + _timing_tie(result, peak, base, candidates, costs, idx) \
                + _ceiling_moved(result, free, candidates, costs, idx)
        else:
            out[idx] = _left_out(result, free, candidates, costs, idx, (more_unmet, more_cost), twins)
    return pd.Series(out, dtype="string")


def _left_out(result, free, candidates: pd.DataFrame, costs: PlanCosts, idx, priced: tuple[float, float],
              twins: pd.Series) -> str:
    """Why a candidate the plan does not open stays out (``priced``: more unmet and more cost of opening it from its
    earliest year, the rest of the plan as chosen): the investment ceiling only where it binds — the plan made again
    without the ceiling (``free``) opens it, or opening it would lower the cost but break the ceiling in that year —
    else 'not needed' (with an interchangeable one opened instead, or why it would only add cost)."""
    from resmodel.planning.premises import NOT_OPENED

    chosen, earliest = result.plan["open_year"].astype(int), result.plan["earliest_possible"].astype(int)
    start, (more_unmet, more_cost) = int(earliest[idx]), priced
    one_off, ceiling = float(candidates.at[idx, "one_off_cost_sek"]), costs.investment_ceiling
    above = ceiling is not None and one_off > ceiling + 1e-6
    head = "its one-off cost is above the investment ceiling" if above else "the investment ceiling keeps it out"
    if free is not None and int(free.plan.at[idx, "open_year"]) != NOT_OPENED:
        return f"{head}: " + _without_ceiling(result, free, candidates, costs, idx)
    spent = float(result.yearly.set_index("year")["one_off_sek"].get(start, 0.0))
    if ceiling is not None and (more_unmet < -1e-6 or more_cost <= -0.5) and spent + one_off > ceiling + 1e-6:
        gain = (f"give {-more_unmet:,.1f} more user-years a place" if more_unmet < -1e-6 else
                f"cost {-more_cost:,.0f} SEK less")
        return (f"{head}: opening it in {start}, the rest of the plan as chosen, would {gain}, but "
                + (f"its one-off cost alone ({one_off:,.0f} SEK) is above the ceiling ({ceiling:,.0f})" if above else
                   f"would bring {start}'s one-off costs to {spent + one_off:,.0f} SEK, above the ceiling "
                   f"({ceiling:,.0f})"))
    if more_unmet < -1e-6:  # only when the solver's time ran out before the least unmet was proven
        return (f"opening it from {start} would give {-more_unmet:,.1f} more user-years a place, at "
                f"{more_cost:,.0f} SEK more")
    rivals = _by_availability(twins & chosen.ne(NOT_OPENED) & chosen.ge(start), earliest)
    return "not needed: " + (
        f"the plan opens {_names(candidates, rivals, chosen)} instead, alike in places, levels and costs "
        "(interchangeable: the tie is broken by availability, then list order); opening it as well from its "
        if rivals else "opening it from its ") + f"earliest year ({start}) would add {more_cost:,.0f} SEK" + (
        "" if rivals else _why_not_needed(result, candidates, costs, idx, start)) + (
        f"; its one-off cost ({one_off:,.0f} SEK) is above the investment ceiling as well, so it could not open"
        if above else "")


def _ceiling_free(result, peak, base, candidates: pd.DataFrame, costs: PlanCosts, limit_s: float):
    """The plan made again without the investment ceiling, when it leaves less unmet or costs less than the plan:
    the ceiling then binds, and the premises it moves or keeps out can be told so. None when there is no ceiling,
    when it does not bind, or when the plan cannot be made again within ``limit_s`` a solve."""
    from resmodel.planning.premises import PLAN_FOUND, optimise_plan

    if costs.investment_ceiling is None:
        return None
    free = optimise_plan(peak, base, candidates, replace(costs, investment_ceiling=None), time_limit_s=limit_s)
    if free.status not in PLAN_FOUND:
        return None
    fewer, saved = _gain(result, free)
    return free if fewer > 1e-6 or (fewer > -1e-6 and saved >= 0.5) else None


def _gain(result, free) -> tuple[float, float]:
    """How much better the plan without the ceiling does: fewer user-years unmet, SEK less (discounted)."""
    return (result.yearly["unmet"].sum() - free.yearly["unmet"].sum(),
            result.yearly["discounted_sek"].sum() - free.yearly["discounted_sek"].sum())


def _without_ceiling(result, free, candidates: pd.DataFrame, costs: PlanCosts, idx) -> str:
    """'without the ceiling the plan would open it in 2033 (not 2032) and L-DV-NY1 in 2032 (not 2033), 441,000 SEK
    less; in 2033 the plan's one-off costs are 3,000,000 SEK, and its 2,000,000 would bring them above the ceiling
    (3,000,000)' — the last part where the year it would open without the ceiling has no room for its one-off."""
    from resmodel.planning.premises import NOT_OPENED

    before, after = result.plan["open_year"].astype(int), free.plan["open_year"].astype(int)
    year, new = int(before[idx]), int(after[idx])
    own = "not open it" if new == NOT_OPENED else f"open it in {new}" + ("" if year == NOT_OPENED else f" (not {year})")
    rest = candidates.index != idx
    others = _changes(candidates, before[rest], after[rest])
    fewer, saved = _gain(result, free)
    others = others.removeprefix("instead it would ")
    if own.startswith("open ") and others.startswith("open "):  # 'open it in 2033 and L-DV-NY1 in 2032'
        others = others.removeprefix("open ")
    told = f"without the ceiling the plan would {own}" + (
        "" if others.startswith("with the rest") else f" {'but' if new == NOT_OPENED else 'and'} {others}") + ", " + (
        f"{fewer:,.1f} fewer user-years without a place" if fewer > 1e-6 else f"{saved:,.0f} SEK less")
    spent = float(result.yearly.set_index("year")["one_off_sek"].get(new, 0.0))
    one_off = float(candidates.at[idx, "one_off_cost_sek"])
    if new == NOT_OPENED or one_off <= 0 or one_off > costs.investment_ceiling + 1e-6 or \
            spent + one_off <= costs.investment_ceiling + 1e-6:  # none above the ceiling alone: said before
        return told
    return (f"{told}; in {new} the plan's one-off costs are {spent:,.0f} SEK, and its {one_off:,.0f} would bring "
            f"them above the ceiling ({costs.investment_ceiling:,.0f})")


def _ceiling_moved(result, free, candidates: pd.DataFrame, costs: PlanCosts, idx) -> str:
    """'; the investment ceiling brings it forward: without the ceiling the plan would open it in 2033 (not 2032) …'
    for an opened premises whose year the ceiling moved (docs/planning.md §2: earlier when a later opening would
    breach the ceiling); '' when the plan without the ceiling opens it in the same year, or the ceiling does not
    bind (``free`` None)."""
    from resmodel.planning.premises import NOT_OPENED

    if free is None:
        return ""
    year, new = int(result.plan.at[idx, "open_year"]), int(free.plan.at[idx, "open_year"])
    if new == year:
        return ""
    moved = "holds it back" if new != NOT_OPENED and new < year else "brings it forward" if new != NOT_OPENED \
        else "brings it in"
    return f"; the investment ceiling {moved}: " + _without_ceiling(result, free, candidates, costs, idx)


def _difference(unmet: float, cost: float) -> str:
    """'80.3 more user-years without a place', '600,000 SEK more', '… SEK less' or 'the same cost' (unmet users
    carry no cost, so more of them is said before any cost)."""
    if unmet > 1e-6:
        return f"{unmet:,.1f} more user-years without a place"
    return f"{cost:,.0f} SEK more" if cost >= 0.5 else f"{-cost:,.0f} SEK less" if cost <= -0.5 else "the same cost"


def _planned_without(result, peak, base, candidates: pd.DataFrame, costs: PlanCosts, idx,
                     kept: tuple[float, float], replanning: tuple[list[int], float]) -> str:
    """What leaving an opened premises out costs: the plan made again without it (the true difference, with what it
    does instead) and, where it differs, with the rest of the plan kept as chosen (``kept``: more unmet, more cost) —
    an upper bound that can overstate the premises' value many times, and all that is said once ``replanning``'s count
    of plans made again (with its seconds per solve) has reached RESOLVE_MAX_PLANS."""
    from resmodel.planning.premises import PLAN_FOUND, optimise_plan

    as_chosen = f"with the rest of the plan kept as chosen, {_difference(*kept)}"
    replans, limit_s = replanning
    if replans[0] >= RESOLVE_MAX_PLANS:
        return (f"left out, {as_chosen} (an upper bound: the plan is made again for the first {RESOLVE_MAX_PLANS} "
                "opened premises only, to keep the run short)")
    replans[0] += 1
    again = optimise_plan(peak, base, candidates.drop(index=idx), costs, time_limit_s=limit_s)
    if again.status not in PLAN_FOUND:
        return f"left out, {as_chosen} (an upper bound: the plan could not be made again without it)"
    more = (again.yearly["unmet"].sum() - result.yearly["unmet"].sum(),
            again.yearly["discounted_sek"].sum() - result.yearly["discounted_sek"].sum())
    told = (f"planned again without it: {_difference(*more)}, "
            + _changes(candidates, result.plan["open_year"], again.plan["open_year"])
            + (" (the best plan found in the solver's time)" if again.status == "Time limit" else ""))
    same = abs(more[0] - kept[0]) <= 1e-6 and abs(more[1] - kept[1]) <= 0.5 + 1e-9 * abs(kept[1])
    return told if same else f"{told}; {as_chosen}"


def _changes(candidates: pd.DataFrame, before: pd.Series, after: pd.Series, shown: int = 3) -> str:
    """How a plan made again differs from the plan for the candidates both hold: 'instead it would open S2 in 2031',
    '… open S1 in 2027 (not 2026) and not open X'; or that the rest is unchanged."""
    from resmodel.planning.premises import NOT_OPENED

    opens, drops = [], []
    for idx in after.index[after.ne(before.reindex(after.index)).to_numpy()]:
        name, new, old = candidates.at[idx, "premises_id"], int(after[idx]), int(before[idx])
        if new == NOT_OPENED:
            drops.append(str(name))
        else:
            opens.append(f"{name} in {new}" + ("" if old == NOT_OPENED else f" (not {old})"))
    told = ([f"open {_listed(opens, shown)}"] if opens else []) + ([f"not open {_listed(drops, shown)}"] if drops else [])
    return "instead it would " + " and ".join(told) if told else "with the rest of the plan unchanged"


def _listed(items: list[str], shown: int) -> str:
    """'A', 'A and B', 'A, B and C', 'A, B, C and 2 more'."""
    if len(items) > shown:
        return ", ".join(items[:shown]) + f" and {len(items) - shown} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _timing_tie(result, peak, base, candidates: pd.DataFrame, costs: PlanCosts, idx) -> str:
    """'; opening it in 2031 instead costs the same …' when the year before or after its opening year, the rest of
    the plan as chosen, leaves as much unmet at the same cost (within the ceiling): a tie the plan's year does not
    decide. Ties that need other premises moved too are not looked for (docs/planning.md §5)."""
    from resmodel.planning.premises import evaluate_plan

    year, start = int(result.plan.at[idx, "open_year"]), int(result.plan.at[idx, "earliest_possible"])
    unmet, total = result.yearly["unmet"].sum(), result.yearly["discounted_sek"].sum()
    same = []
    for other in (year - 1, year + 1):
        if not start <= other <= int(peak.index[-1]):
            continue
        moved = result.plan["open_year"].astype(int).copy()
        moved[idx] = other
        yearly, _ = evaluate_plan(peak, base, candidates, moved, costs)
        within = costs.investment_ceiling is None or yearly["one_off_sek"].max() <= costs.investment_ceiling + 1e-6
        if within and abs(yearly["unmet"].sum() - unmet) <= 1e-6 and \
                abs(yearly["discounted_sek"].sum() - total) <= 0.5 + 1e-9 * abs(total):
            same.append(str(other))
    return (f"; opening it in {' or '.join(same)} instead costs the same (a tie in timing: either year gives the "
            "plan's cost)") if same else ""


def _why_not_needed(result, candidates: pd.DataFrame, costs: PlanCosts, idx, start: int) -> str:
    """Why a candidate would only add cost: a place in it (running cost and rent) dearer than an external place or
    a case-year waiting, or no shortage at its levels from its earliest year; '' when neither."""
    from resmodel.planning.premises import _ranges

    places = float(candidates.at[idx, "places"])
    rent = float(candidates.at[idx, "annual_rent_sek"]) / places
    own = costs.own_cost_per_place
    external = None if costs.external_price is None else float(external_prices(np.array([start]), costs)[0])
    bought = [(price, what) for price, what in ((external, "an external place"),
                                                (costs.waiting_cost, "a case-year waiting")) if price is not None]
    if bought and own + rent > min(bought)[0]:
        price, what = min(bought)
        return (f": a place in it costs {own + rent:,.0f} SEK a year (running {own:,.0f} + rent {rent:,.0f}), more "
                f"than {what} ({price:,.0f})")
    low, high = _ranges(candidates.loc[[idx]])[0]
    flows = result.by_level[result.by_level["level"].between(low, high) & result.by_level["year"].ge(start)]
    if flows[["external_places", "waiting", "unmet"]].to_numpy().sum() <= 1e-6:
        levels = "" if not high else f" for its level{'s' if high > low else ''} ({low}{f'–{high}' if high > low else ''})"
        return f": own places{levels} suffice in every year from {start}"
    return ""


def _by_availability(mask: pd.Series, earliest: pd.Series) -> list:
    """The candidates in ``mask`` in the order the plan takes interchangeable ones: earliest able to open,
    then listed first."""
    rows = pd.DataFrame({"earliest": earliest[mask], "pos": np.flatnonzero(mask.to_numpy())}, index=mask.index[mask])
    return list(rows.sort_values(["earliest", "pos"], kind="stable").index)


def _names(candidates: pd.DataFrame, rows: list, open_years: pd.Series | None = None, shown: int = 3) -> str:
    """'A, B, C and 4 more', with each opening year when given: 'A in 2032, B in 2033'."""
    names = [str(candidates.at[r, "premises_id"]) + (f" in {int(open_years[r])}" if open_years is not None else "")
             for r in rows]
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")


def _needed(result, without: pd.DataFrame, candidates: pd.DataFrame, idx, year: int, start: int,
            lost: bool = True) -> str:
    """The first year an opened premises' levels lack places, and why it opens then: the first year leaving it
    out leaves users without an own place (``without``: the flows per level without it; how many with ``lost``),
    and whether its levels lacked places earlier, before it could open."""
    from resmodel.planning.premises import ALL_LEVELS, _ranges

    low, high = _ranges(candidates.loc[[idx]])[0]
    sources = ["external_places", "waiting", "unmet"]
    short = without.groupby("year")[sources].sum().sum(axis=1) - result.by_level.groupby("year")[sources].sum().sum(
        axis=1)
    needed = short[short > 1e-6]
    if needed.empty:
        return "its places are not needed within the plan's years"
    first, users = int(needed.index[0]), float(needed.iloc[0])
    plan = result.by_level[result.by_level["level"].between(low, high) & result.by_level["year"].lt(first)]
    lacking = set(plan.loc[plan[sources].sum(axis=1) > 1e-6, "year"].astype(int))
    since = first
    while since - 1 in lacking:  # the shortage at its levels that runs on into the year it is first needed
        since -= 1
    what = "own places fall short" if low == ALL_LEVELS else (
        f"its level{'s' if high > low else ''} ({low}{f'–{high}' if high > low else ''}) lack places")
    told = f"without it {users:,.1f} more users would lack an own place at the peak of {first}" if lost else ""
    if since < first:
        when = f"it can open from {start}" if year == start else f"it opens in {year}"
        return f"{what} from {since}; {when}" + (f", and {told}" if told else "")
    # an earlier shortage at its levels that ended before (with the plan's other openings) is said as such: 'from
    # 2032' alone read as the first year they lack places (planner walk: levels 7–8 of a decided 1–8 lacked from 2025)
    earlier = f" in {_spans(sorted(lacking))} and, with the plan's other openings, again" if lacking else ""
    return f"{what}{earlier} from {first}" + (f": {told}" if told else "") + (
        f" (it opens earlier, in {year})" if year < first else "")


def _spans(years: list[int]) -> str:
    """'2025–2026', '2025, 2027–2028': sorted years as runs."""
    runs: list[list[int]] = []
    for y in years:
        if runs and runs[-1][1] == y - 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in runs)


def _capacity_months(months: pd.Index, yearly: pd.DataFrame, demand_column: str, service: str) -> pd.DataFrame:
    """The places the plan makes usable, month by month, in the format `resmodel queue --capacity`
    reads: own places plus the external places it buys, less own places that stand free while some
    demand goes unmet or waits (they suit none of those users' levels). So the queue sees the same
    shortfall as the plan's peak month. Each row names the service and demand column it was planned for, so a
    copied file still refuses a queue of another service."""
    table = yearly.set_index("year")
    stranded = table["free_places"].where((table["unmet"] + table["waiting"]) > 1e-6, 0.0)
    usable = (table["places"] + table["external_places"] - stranded).round(6)
    index = pd.DatetimeIndex(months)
    return pd.DataFrame({"month": index.strftime("%Y-%m"), "places": usable.reindex(index.year).to_numpy(),
                         "planned_for": demand_column, "service": service})


def _check_decided_within_ceiling(table: pd.DataFrame, ceiling: float | None, display: str) -> None:
    """Decided premises must open whatever the ceiling: their one-off costs in a year above it leave no plan."""
    if ceiling is None:
        return
    decided = table[table["decided_year"].notna()]
    by_year = decided.groupby("decided_year")["one_off_cost_sek"].sum()
    problems = ProblemCollector()
    for year, total in by_year[by_year > ceiling].items():
        rows = [int(r) for r in decided.index[decided["decided_year"].eq(year).to_numpy()]]
        named = f"(row {rows[0]}) has" if len(rows) == 1 else f"(rows {', '.join(map(str, rows))}) have"
        problems.add(Location(display, row=rows[0], column="decided_year"),
                     f"the premises decided for {int(year)} {named} one-off "
                     f"costs of {total:,.0f} SEK, above --investment-ceiling {ceiling:,.0f}",
                     "decided one-off costs within the ceiling in each year",
                     "raise --investment-ceiling, or move a decided premises to another year")
    problems.raise_if_any()


def _stack(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One table with an ``option`` column first."""
    out = pd.concat([t.assign(option=name) for name, t in tables.items()], ignore_index=True)
    return out[["option", *[c for c in out.columns if c != "option"]]]


def _with_demand(flows: pd.DataFrame, peak: pd.DataFrame) -> pd.DataFrame:
    demand = peak.stack().rename("demand").rename_axis(["year", "level"]).reset_index()
    out = demand.merge(flows, on=["year", "level"], how="left", validate="one_to_one")
    return out.sort_values(["year", "level"], kind="stable").reset_index(drop=True)
