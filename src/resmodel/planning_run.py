"""Wire the premises plan (``planning.premises``) to a scenario and a demand table: today's places
and unit costs from the scenario's base-year run, the demand's peak per year (and level), the plan,
the options it is compared with, the places it makes usable month by month (for the queue), the
warnings a planner needs and each candidate's reason (worded by ``planning.reasons``; docs/planning.md).
``resmodel plan-premises`` parses, reads, prints and writes around it.

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
from resmodel.planning.reasons import listed, reasons

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


def cost_notes(inputs: ScenarioInputs, own: float | None, external: float | None, no_external: bool) -> list[str]:
    """Notes on the unit costs used: the scenario's averages, or the option that replaced them; the scenario's external
    price with its day price, as the plan costs it by each plan year's days (``PlanCosts.external_days``)."""
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
                         f"{inputs.base_days} days, costed by each plan year's days"))
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
    level_months = demand_by_level(demand, service, demand_source, demand_column) if by_level else None
    peak = yearly_peak(monthly if level_months is None else level_months)
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
        reason=lambda t: reasons(result, peak, base, candidates, costs, min(RESOLVE_LIMIT_S, time_limit_s / 4),
                                 RESOLVE_MAX_PLANS).reindex(t.index))
    plan_table.insert(0, "service", service)  # the projection checks it, with or without the manifest beside it
    plan_table.insert(1, "demand_model", demand_model(demand, service))  # the projection compares its own
    return PlanRun(result=result, plan=plan_table, options=options,
                   yearly=_stack(options),
                   by_level=_stack({n: _with_demand(t, peak) for n, t in levels.items()}) if by_level else None,
                   capacity=_capacity_months(monthly.index, level_months, base, candidates, result, demand_column,
                                             service), warnings=warnings,
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
    one-off is years of its yardstick: the one-off is charged in full, the rent and the savings it buys only to the
    demand's last year, so there the choice leans toward premises without a one-off cost (docs/planning.md §5: 200 000
    rent + 1.5 MSEK one-off against 500 000 rent, both needed from 2030, opens the first on demand to 2034 and the
    second on the same demand cut at 2030). The yardstick is the rent, what the premises costs a year; for a rent-free
    premises the yearly saving its places bring, places × (external price − running cost per place), and none without
    an external price (review: a rent-free premises was warned whenever it opened, its one-off 'infinite years')."""
    from resmodel.planning.premises import NOT_OPENED, year_shares

    years = result.yearly["year"].to_numpy()
    left = pd.Series(year_shares(years, costs)[::-1].cumsum()[::-1], index=years)  # years from each year to the end
    opened = result.plan[result.plan["open_year"].ne(NOT_OPENED) & result.plan["decided_year"].isna()]
    open_year = opened["open_year"].astype(int)
    one_off = candidates.loc[opened.index, "one_off_cost_sek"].astype(float)
    rent = candidates.loc[opened.index, "annual_rent_sek"].astype(float)
    saving = (candidates.loc[opened.index, "places"].astype(float)
              * (external_prices(open_year.to_numpy(), costs) - costs.own_cost_per_place)
              if costs.external_price is not None else pd.Series(np.nan, index=opened.index))
    yardstick = rent.where(rent > 0, saving.where(saving > 0))  # NaN: rent-free with no external price to weigh
    years_of = one_off / yardstick
    remaining = open_year.map(left)
    late = opened.index[(one_off > 0).to_numpy() & (remaining < years_of - 1e-9).to_numpy()]
    if late.empty:
        return None
    told = [f"{candidates.at[i, 'premises_id']} in {int(open_year[i])} ({one_off[i]:,.0f} SEK one-off, "
            f"{years_of[i]:.1f} years of " + ("its rent" if rent[i] > 0 else "the saving its places bring") +
            f"; {remaining[i]:g} year{'s' if remaining[i] != 1 else ''} of the plan left)" for i in late]
    free = " (for a rent-free premises, the yearly saving its places bring: places × (external price − running cost))" \
        if rent[late].eq(0).any() else ""
    return (f"{display}: the plan opens {listed(told, 3)} with a one-off cost larger than its rent{free} over the "
            f"plan's years left, to {int(years[-1])}: the one-off is charged in full but the rent and savings it buys "
            "only to the demand's last year, so near the end the plan leans toward premises without a one-off cost — "
            "check the choice on a forecast that runs longer, or with the one-off spread into the rent over its lease")


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


def _capacity_months(months: pd.Index, level_months: pd.DataFrame | None, base, candidates: pd.DataFrame, result,
                     demand_column: str, service: str) -> pd.DataFrame:
    """The places the plan makes usable, month by month, in the format `resmodel queue --capacity`
    reads: own places plus the external places it buys in the year, less own places that stand free in the month
    while some of its users lack a place (they suit none of those users' levels) — so the queue on the service's
    total sees the plan's shortfall in each month (``level_months``: the demand by level; None on totals, where no
    place is stranded).
    Each row names the service and demand column it was planned for, so a copied file still refuses a queue of
    another service."""
    from resmodel.planning.premises import stranded_places

    table = result.yearly.set_index("year")
    index = pd.DatetimeIndex(months)
    usable = (table["places"] + table["external_places"]).reindex(index.year).to_numpy()
    if level_months is not None:
        usable = usable - stranded_places(level_months, base, candidates, result.plan["open_year"]).to_numpy()
    usable = usable.round(6)
    return pd.DataFrame({"month": index.strftime("%Y-%m"), "places": usable, "planned_for": demand_column,
                         "service": service})


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
