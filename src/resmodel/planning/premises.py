"""Premises plan (*lokalplan*, model.md §5): which candidate premises to open, in which year and
for which need levels, so that forecast demand is met at the least cost — rent and one-off costs of
new premises, the running cost of users served in own premises, external places bought, and (if
allowed) a cost per case left waiting. A mixed integer programme solved with CBC through PuLP;
``evaluate_plan`` prices any given plan by the same rules, so that options can be compared.

Yearly model: a premises opened in year t gives its places from 1 January of t (in the first year, from
the demand's first month) for the rest of the horizon; each year's demand is the peak month of that year
(per level when planning by level); all amounts are in base-year prices, discounted to the first year at
``discount_rate``. A first or last year the demand covers only in part (a forecast from July) has its
running costs — rent, own running cost, external places, waiting — for the months covered only.

By level: premises suit a range of need levels (``min_level``–``max_level``, as premises.csv);
a user of level l can be served in any premises whose range holds l. On totals (no levels) the
demand is one column, ``ALL_LEVELS``, and every premises serves it; the plan's cost is then checked
against a plain greedy rule (``evaluate_plan``) and brute force in the tests."""

from __future__ import annotations

import calendar
import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

NOT_OPENED = 0  # open_year of a candidate the plan does not open
#: solver outcomes with a plan: proven least-cost, or the best found when the time limit stopped the search
PLAN_FOUND = ("Optimal", "Time limit")
ALL_LEVELS = 0  # the single demand column of a plan on totals


@dataclass(frozen=True)
class PlanCosts:
    """Unit costs and limits of a premises plan (SEK, base-year prices), and the months the demand covers
    in its first and last year (lead times count from the first month; a partial year's running costs are
    pro-rated)."""

    own_cost_per_place: float            # staff and other running cost per user-year served in own premises
    external_price: float | None = None  # per external place-year; None = no external places
    max_external: float | None = None    # external places available per year; None = no limit
    waiting_cost: float | None = None    # per case-year left waiting; None = nobody may wait
    investment_ceiling: float | None = None  # one-off costs allowed per year; None = no ceiling
    discount_rate: float = 0.0
    first_month: int = 1                 # the month (1–12) the demand starts in its first year
    last_month: int = 12                 # the month it ends in its last year
    #: the days of the year the external price was counted over (a scenario's base year: a day price × 366 in 2024);
    #: each plan year's price is then the day price × that year's days. None: the same price every year (as typed)
    external_days: int | None = None


def external_prices(years: np.ndarray, costs: PlanCosts) -> np.ndarray:
    """The external price of a place in each year: the price as given, or, counted over ``external_days``, its day
    price × the year's days (as the projection costs external places), so a 2024 price is not 366 days in 2025."""
    price = np.full(len(years), costs.external_price or 0.0)
    if costs.external_days is None:
        return price
    days = np.array([366 if calendar.isleap(int(y)) else 365 for y in years], dtype=float)
    return price * days / costs.external_days


@dataclass
class PlanResult:
    """The optimised plan: one row per candidate (``open_year`` 0 when not opened), the yearly table
    of the plan, the same per level, the solver status and the objective (discounted total cost);
    ``unmet_at_earliest``: the user-years unmet with every candidate open as early as it can, the least any
    plan leaves without a ceiling (more unmet in the plan means the ceiling held openings back)."""

    plan: pd.DataFrame
    yearly: pd.DataFrame
    by_level: pd.DataFrame
    status: str
    objective: float
    unmet_at_earliest: float = 0.0


def yearly_peak(demand: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """Peak month per calendar year (month-indexed in, year-indexed out; per column for a frame)."""
    index = pd.DatetimeIndex(demand.index)
    values = demand.set_axis(index.year, axis=0)
    return values.astype(float).groupby(level=0).max()


def lead_time_year(lead_months: np.ndarray, first_year: int, first_month: int = 1) -> np.ndarray:
    """The first year a premises can open after a lead time counted from the demand's first month: the
    next 1 January after the lead time ends (openings are yearly), or the first year with no lead time.
    A decision in July 2025 with 12 months' lead time opens in July 2026, so on the yearly model in 2027."""
    lead = np.asarray(lead_months, dtype=float)
    months_from_january = np.where(lead > 0, first_month - 1 + lead, 0.0)
    return first_year + np.ceil(months_from_january / 12.0).astype(int)


def year_shares(years: np.ndarray, costs: PlanCosts) -> np.ndarray:
    """The share of each year the demand covers: 1, or months/12 in a partial first or last year, whose
    rent and running costs are for those months only (one-off costs are paid whole)."""
    months = np.full(len(years), 12.0)
    months[0] -= costs.first_month - 1
    months[-1] -= 12 - costs.last_month
    return months / 12.0


def earliest_open_year(candidates: pd.DataFrame, first_year: int, first_month: int = 1) -> pd.Series:
    """First year each candidate can open: its ``earliest_year`` (default the first year), and no
    sooner than ``lead_time_months`` after the demand's first month (``lead_time_year``); a decided
    candidate opens in its ``decided_year``."""
    lead = candidates["lead_time_months"].fillna(0).to_numpy(float)
    by_lead = lead_time_year(lead, first_year, first_month)
    given = candidates["earliest_year"].fillna(first_year).to_numpy(float).astype(int)
    earliest = pd.Series(np.maximum(by_lead, given), index=candidates.index, name="earliest_year")
    decided = candidates["decided_year"].notna()
    earliest[decided] = candidates.loc[decided, "decided_year"].astype(int)
    return earliest


def _discount(years: np.ndarray, rate: float) -> np.ndarray:
    return (1.0 + rate) ** -(years - years[0]).astype(float)


def _levels(demand: pd.Series | pd.DataFrame) -> pd.DataFrame:
    return demand.to_frame(ALL_LEVELS) if isinstance(demand, pd.Series) else demand


def level_ranges(candidates: pd.DataFrame) -> list[tuple[int, int]]:
    """Each candidate's (min_level, max_level); (ALL_LEVELS, ALL_LEVELS) when planning on totals."""
    if "min_level" not in candidates.columns or candidates["min_level"].isna().all():
        return [(ALL_LEVELS, ALL_LEVELS)] * len(candidates)
    return list(zip(candidates["min_level"].astype(int), candidates["max_level"].astype(int), strict=True))


def _base_groups(base: float | pd.DataFrame) -> pd.DataFrame:
    """Today's places by level range: a number (totals) becomes one all-level group."""
    if isinstance(base, pd.DataFrame):
        return base[["min_level", "max_level", "places"]].astype({"min_level": int, "max_level": int})
    return pd.DataFrame({"min_level": [ALL_LEVELS], "max_level": [ALL_LEVELS], "places": [float(base)]})


def _active(open_years: pd.Series, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate × year: open in or before the year; opening in the year."""
    opened = open_years.to_numpy()[:, None]
    return (opened != NOT_OPENED) & (opened <= years[None, :]), opened == years[None, :]


def _yearly(demand: pd.DataFrame, base_places: float, candidates: pd.DataFrame, open_years: pd.Series,
            flows: pd.DataFrame, costs: PlanCosts) -> pd.DataFrame:
    """The yearly table from the flows per level (served_own, external_places, waiting, unmet); the costs of
    a partial first or last year for its ``months`` only."""
    years = demand.index.to_numpy()
    active, opening = _active(open_years, years)
    share = year_shares(years, costs)
    new = candidates["places"].to_numpy(float) @ active
    # sums of up to eight per-level flows, each within the solver's tolerance (about 1e-6): to 4 decimals, so its
    # noise (1294.99999 for 1 295 full places) is gone; a ten-thousandth of a user-year is below any decision
    sums = flows.groupby("year")[["served_own", "external_places", "waiting", "unmet"]].sum().reindex(years).round(4)
    table = pd.DataFrame({"year": years, "months": np.rint(share * 12).astype(int),
                          "demand": demand.sum(axis=1).to_numpy(float),
                          "base_places": base_places, "new_places": new, "places": base_places + new})
    table = pd.concat([table, sums.reset_index(drop=True)], axis=1)
    table["free_places"] = (table["places"] - table["served_own"]).round(4) + 0.0  # no -0.0
    table["rent_new_sek"] = candidates["annual_rent_sek"].to_numpy(float) @ active * share
    table["one_off_sek"] = candidates["one_off_cost_sek"].to_numpy(float) @ opening
    table["own_running_sek"] = table["served_own"] * costs.own_cost_per_place * share
    table["external_sek"] = table["external_places"] * external_prices(years, costs) * share
    table["waiting_cost_sek"] = table["waiting"] * (costs.waiting_cost or 0.0) * share
    parts = ["rent_new_sek", "one_off_sek", "own_running_sek", "external_sek", "waiting_cost_sek"]
    table["total_sek"] = table[parts].sum(axis=1)
    table["discounted_sek"] = table["total_sek"] * _discount(years, costs.discount_rate)
    return table


def _greedy_flows(demand: pd.Series, places: np.ndarray, costs: PlanCosts) -> pd.DataFrame:
    """Totals: demand met from the cheapest allowed source first (own places up to capacity,
    external places up to their limit, waiting) — the reference the programme must agree with."""
    n = len(places)
    sources = [("served_own", np.full(n, costs.own_cost_per_place), places)]
    if costs.external_price is not None:
        limit = np.inf if costs.max_external is None else costs.max_external
        sources.append(("external_places", external_prices(demand.index.to_numpy(), costs), np.full(n, limit)))
    if costs.waiting_cost is not None:
        sources.append(("waiting", np.full(n, costs.waiting_cost), np.full(n, np.inf)))
    prices = np.vstack([price for _name, price, _limit in sources])
    limits = np.vstack([limit for _name, _price, limit in sources])
    order = np.argsort(prices, axis=0, kind="stable")  # per year (a day price moves with the year's days); own first
    remaining = demand.to_numpy(float).copy()
    taken, cols = np.zeros_like(prices), np.arange(n)
    for rank in range(len(sources)):
        pick = order[rank]
        taken[pick, cols] = np.minimum(remaining, limits[pick, cols])
        remaining = remaining - taken[pick, cols]
    flows = {"served_own": 0.0, "external_places": 0.0, "waiting": 0.0}
    flows.update({name: taken[pos] for pos, (name, _price, _limit) in enumerate(sources)})
    return pd.DataFrame({"year": demand.index, "level": ALL_LEVELS, **flows, "unmet": remaining})


def evaluate_plan(demand: pd.Series | pd.DataFrame, base: float | pd.DataFrame, candidates: pd.DataFrame,
                  open_years: pd.Series, costs: PlanCosts) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The yearly table and the table per level of a given plan (``open_years`` per candidate, 0 =
    not opened), with the demand no allowed source covers as ``unmet`` (a plan with unmet demand is
    not feasible). On totals the greedy rule; by level a linear programme with the openings fixed."""
    groups = _base_groups(base)
    if isinstance(demand, pd.Series) and len(groups) == 1 and set(level_ranges(candidates)) <= {(ALL_LEVELS, ALL_LEVELS)}:
        years = demand.index.to_numpy()
        active, _ = _active(open_years, years)
        places = float(groups["places"].sum()) + candidates["places"].to_numpy(float) @ active
        flows = _greedy_flows(demand, places, costs)
        return _yearly(_levels(demand), float(groups["places"].sum()), candidates, open_years, flows, costs), flows
    status, _, flows, _ = _solve(_levels(demand), groups, candidates, costs, fixed=open_years)
    if status != "Optimal":  # cannot happen with unmet demand allowed, unless the solver fails
        raise RuntimeError(f"the solver could not price a fixed plan (status {status})")
    return _yearly(_levels(demand), float(groups["places"].sum()), candidates, open_years, flows, costs), flows


def places_by_range(base: float | pd.DataFrame, candidates: pd.DataFrame, open_years: pd.Series,
                    year: int) -> dict[tuple[int, int], float]:
    """Own places in ``year`` by the level range they suit: today's plus the candidates opened by then."""
    out: dict[tuple[int, int], float] = {}
    for row in _base_groups(base).itertuples(index=False):
        out[row.min_level, row.max_level] = out.get((row.min_level, row.max_level), 0.0) + float(row.places)
    opened = (open_years.to_numpy() != NOT_OPENED) & (open_years.to_numpy() <= year)
    for key, places, is_open in zip(level_ranges(candidates), candidates["places"].to_numpy(float), opened, strict=True):
        if is_open:
            out[key] = out.get(key, 0.0) + places
    return out


def shortage(demand: pd.Series, places: dict[tuple[int, int], float]) -> tuple[tuple[int, ...], float, float]:
    """The need levels whose demand most exceeds the places that suit any of them — by the deficiency
    form of Hall's theorem that excess is the demand own places cannot take. Returns (levels, their
    demand, those places); the smallest such set, so a shortage shared by levels 7 and 8 is named as
    both, not as whichever the solver happened to leave unserved."""
    levels = [int(level) for level in demand.index]
    best: tuple[float, tuple[int, ...], float, float] = (0.0, (), 0.0, 0.0)
    for size in range(1, len(levels) + 1):
        for subset in itertools.combinations(levels, size):
            wanted = float(demand[list(subset)].sum())
            suiting = sum(p for (low, high), p in places.items() if any(low <= level <= high for level in subset))
            if wanted - suiting > best[0] + 1e-9:
                best = (wanted - suiting, subset, wanted, suiting)
    return best[1], best[2], best[3]


def stranded_places(monthly: pd.DataFrame, base: float | pd.DataFrame, candidates: pd.DataFrame,
                    open_years: pd.Series) -> pd.Series:
    """Own places of the plan that stand free in a month while some users of that month lack a place — they suit
    none of their levels — month by month (``monthly``: demand by level, month-indexed): the places less the most
    users they can take, by ``shortage``; 0 where every user has an own place. The queue on the service's total
    sees the plan's shortfall each month, not only at the peak of each level (planner walk: levels 7–8 short in
    every month of 2025-08 – 2026-12, the queue saw none before 2025-12)."""
    out = pd.Series(0.0, index=monthly.index)
    for month, demand in monthly.iterrows():
        places = places_by_range(base, candidates, open_years, pd.Timestamp(month).year)
        _levels_short, wanted, suiting = shortage(demand, places)
        if wanted - suiting > 1e-6:
            out[month] = sum(places.values()) - (float(demand.sum()) - (wanted - suiting))
    return out.clip(lower=0.0)


def interchangeable_keys(candidates: pd.DataFrame) -> list[tuple | None]:
    """Per candidate a key shared by the candidates alike in places, level range, rent and one-off cost and not
    decided — any plan can swap two of them without changing its cost; None for a decided candidate."""
    key = candidates[["places", "annual_rent_sek", "one_off_cost_sek"]].assign(levels=level_ranges(candidates))
    free = candidates["decided_year"].isna().to_numpy()
    return [tuple(row) if is_free else None for row, is_free in zip(key.itertuples(index=False), free, strict=True)]


def _identical_runs(candidates: pd.DataFrame, earliest: pd.Series) -> list[tuple[int, int]]:
    """Pairs (i, j) of interchangeable candidates (``interchangeable_keys``), i able to open no later than j
    (then file order): the plan opens i no later than j. This removes ties — the plan takes the
    earliest-available (then first-listed) candidate on every machine — without changing the optimum."""
    chains: dict[tuple, list[int]] = {}
    for pos, key in enumerate(interchangeable_keys(candidates)):
        if key is not None:
            chains.setdefault(key, []).append(pos)
    pairs = []
    for members in chains.values():
        ordered = sorted(members, key=lambda pos: (int(earliest.iloc[pos]), pos))
        pairs.extend(zip(ordered, ordered[1:], strict=False))
    return pairs


def _solve(demand: pd.DataFrame, groups: pd.DataFrame, candidates: pd.DataFrame, costs: PlanCosts,
           fixed: pd.Series | None = None, max_unmet: float | None = None, minimise_unmet: bool = False,
           time_limit_s: float = 120.0):
    """Build and solve the programme. ``fixed`` openings (per candidate, 0 = not opened) turn it into
    a linear programme that prices that plan, with unmet demand allowed at a cost above every source.
    Otherwise the openings are decided: with ``minimise_unmet`` the objective is the demand left
    unmet; with ``max_unmet`` at most that much may stay unmet (at that cost); else all of it is met.
    Returns (status, open years, flows per year and level, objective)."""
    import pulp

    years = [int(y) for y in demand.index]
    levels = [int(level) for level in demand.columns]
    ranges = level_ranges(candidates)
    earliest = earliest_open_year(candidates, years[0], costs.first_month)
    discount = dict(zip(years, _discount(np.array(years), costs.discount_rate), strict=True))
    share = dict(zip(years, year_shares(np.array(years), costs), strict=True))
    model = pulp.LpProblem("premises_plan", pulp.LpMinimize)

    by_candidate: list[list[tuple[int, object]]] = []  # (year, binary variable or a fixed 1)
    for pos in range(len(candidates)):
        if fixed is not None:
            year = int(fixed.iloc[pos])
            by_candidate.append([(year, 1)] if year != NOT_OPENED else [])
            continue
        decided = candidates["decided_year"].iloc[pos]
        allowed = [int(decided)] if pd.notna(decided) else [y for y in years if y >= earliest.iloc[pos]]
        by_candidate.append([(y, pulp.LpVariable(f"open_{pos}_{y}", cat="Binary")) for y in allowed])
        if pd.notna(decided):
            model += by_candidate[pos][0][1] == 1, f"decided_{pos}"
        elif by_candidate[pos]:
            model += pulp.lpSum(v for _y, v in by_candidate[pos]) <= 1, f"once_{pos}"
    active = {(pos, y): pulp.lpSum(v for t, v in options if t <= y)
              for pos, options in enumerate(by_candidate) for y in years}
    if fixed is None:
        for i, j in _identical_runs(candidates, earliest):
            for y in years:
                model += active[i, y] >= active[j, y], f"order_{i}_{j}_{y}"

    group_keys = sorted({*zip(groups["min_level"], groups["max_level"], strict=True), *ranges})
    base_of = groups.groupby(["min_level", "max_level"])["places"].sum().to_dict()
    external = dict(zip(years, external_prices(np.array(years), costs), strict=True))
    unmet_cost = 2.0 * max(costs.own_cost_per_place, max(external.values()), costs.waiting_cost or 0.0) + 1.0
    places = candidates["places"].to_numpy(float)
    rent = candidates["annual_rent_sek"].to_numpy(float)
    one_off = candidates["one_off_cost_sek"].to_numpy(float)
    objective, flow_vars, unmet_vars = [], {}, []
    unmet_allowed = fixed is not None or minimise_unmet or max_unmet is not None
    for y in years:
        served = {(lv, g): pulp.LpVariable(f"own_{y}_{lv}_{g[0]}_{g[1]}", lowBound=0)
                  for lv in levels for g in group_keys if g[0] <= lv <= g[1]}
        external_total = []
        for lv in levels:
            cover = [v for (level, _g), v in served.items() if level == lv]
            cost = costs.own_cost_per_place * pulp.lpSum(cover)
            ext = wait = unmet = None
            if costs.external_price is not None:
                ext = pulp.LpVariable(f"external_{y}_{lv}", lowBound=0)
                cover.append(ext)
                external_total.append(ext)
                cost += external[y] * ext
            if costs.waiting_cost is not None:
                wait = pulp.LpVariable(f"waiting_{y}_{lv}", lowBound=0)
                cover.append(wait)
                cost += costs.waiting_cost * wait
            if unmet_allowed:
                unmet = pulp.LpVariable(f"unmet_{y}_{lv}", lowBound=0)
                cover.append(unmet)
                unmet_vars.append(unmet)
                if not minimise_unmet:  # never leave more unmet than needed, though it saves running cost;
                    # undiscounted, so that no plan pays to push unavoidable unmet demand into later years
                    objective.append(unmet_cost * unmet)
            model += pulp.lpSum(cover) == float(demand.at[y, lv]), f"demand_{y}_{lv}"
            objective.append(discount[y] * share[y] * cost)
            flow_vars[y, lv] = ([v for (level, _g), v in served.items() if level == lv], ext, wait, unmet)
        if costs.max_external is not None and external_total:
            model += pulp.lpSum(external_total) <= costs.max_external, f"external_limit_{y}"
        for g in group_keys:
            capacity = base_of.get(g, 0.0) + pulp.lpSum(places[p] * active[p, y]
                                                         for p in range(len(candidates)) if ranges[p] == g)
            model += pulp.lpSum(v for (_lv, key), v in served.items() if key == g) <= capacity, f"cap_{y}_{g[0]}_{g[1]}"
        opening_cost = pulp.lpSum(one_off[p] * v for p, options in enumerate(by_candidate) for t, v in options if t == y)
        objective.append(discount[y] * (share[y] * pulp.lpSum(rent[p] * active[p, y] for p in range(len(candidates)))
                                        + opening_cost))
        if costs.investment_ceiling is not None and fixed is None:
            model += opening_cost <= costs.investment_ceiling, f"ceiling_{y}"
    if minimise_unmet:
        model += pulp.lpSum(unmet_vars)
    else:
        if max_unmet is not None:
            model += pulp.lpSum(unmet_vars) <= max_unmet, "unmet_limit"
        model += pulp.lpSum(objective)
    model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s, threads=1))
    status = pulp.LpStatus[model.status]
    if status != "Optimal":  # PuLP says 'Optimal' also for a plan found before the time limit: see below
        return status, None, None, math.nan

    def value(v) -> float:
        return 0.0 if v is None else float(v.value() or 0.0)

    chosen = pd.Series(NOT_OPENED, index=candidates.index, name="open_year", dtype=int)
    for pos, options in enumerate(by_candidate):
        for year, var in options:
            if (var if isinstance(var, int) else (var.value() or 0.0)) > 0.5:
                chosen.iloc[pos] = year
    flows = pd.DataFrame([{"year": y, "level": lv, "served_own": sum(value(v) for v in own),
                           "external_places": value(ext), "waiting": value(wait), "unmet": value(unmet)}
                          for (y, lv), (own, ext, wait, unmet) in flow_vars.items()])
    numbers = ["served_own", "external_places", "waiting", "unmet"]
    flows[numbers] = flows[numbers].round(6).clip(lower=0.0) + 0.0  # the solver's 1e-9 noise, and no -0.0
    # a level's flows add up to its demand exactly, the rounding's remainder in its own places: two plans that serve
    # a year alike give the same served_own to the last decimal (planner walk: 1366.028 against 1366.0281 of a demand
    # of 1366.02805 put 27 SEK of noise in a reason's '440,973 SEK less', for 441,000)
    wanted = np.array([float(demand.at[y, lv]) for y, lv in flow_vars])
    others = flows[["external_places", "waiting", "unmet"]].sum(axis=1).to_numpy()
    flows["served_own"] = np.where(flows["served_own"] > 0, np.clip(wanted - others, 0.0, None), 0.0).round(6) + 0.0
    if model.sol_status != pulp.constants.LpSolutionOptimal:  # e.g. stopped at the time limit with a plan
        status = "Time limit"
    return status, chosen, flows, float(pulp.value(model.objective))


def optimise_plan(demand: pd.Series | pd.DataFrame, base: float | pd.DataFrame, candidates: pd.DataFrame,
                  costs: PlanCosts, time_limit_s: float = 120.0) -> PlanResult:
    """The least-cost plan (see the module docstring). ``demand`` is indexed by year: a series of
    totals, or a frame with one column per need level; ``base`` is today's places (a number), or by
    level range a frame with min_level, max_level, places. ``candidates`` has places,
    annual_rent_sek, one_off_cost_sek, earliest_year, lead_time_months, decided_year (a decided
    candidate opens in that year, which must lie in the horizon) and, by level, min_level and
    max_level.

    Demand that no allowed source can meet under any plan (too early for any candidate, a level no
    premises suits) stays ``unmet``: the plan first leaves as little unmet as any plan can, then
    minimises cost. The status is PuLP's ('Optimal', 'Infeasible', …), or 'Time limit' for the best plan
    found when the solver's time ran out (then not proven least-cost); only a plan found has tables."""
    levels = _levels(demand)
    groups = _base_groups(base)
    earliest = earliest_open_year(candidates, int(levels.index[0]), costs.first_month)
    within = earliest.where(earliest <= levels.index[-1], NOT_OPENED)
    at_earliest = evaluate_plan(demand, base, candidates, within, costs)[1]["unmet"].sum()
    # the least unmet is a sum of flows rounded to 6 decimals (evaluate_plan): each may be 5e-7 off
    tolerance = 1e-9 * max(1.0, float(levels.to_numpy().sum())) + 1e-6 * levels.size
    solve = dict(time_limit_s=time_limit_s)
    status = "Not Solved"
    if at_earliest <= tolerance:
        status, chosen, _, _ = _solve(levels, groups, candidates, costs, **solve)
    if status not in PLAN_FOUND:  # some demand must stay unmet (or a ceiling forbids opening in time): least first
        least, first = at_earliest, "Optimal"
        if costs.investment_ceiling is not None:
            first, _, _, least = _solve(levels, groups, candidates, costs, minimise_unmet=True, **solve)
        if first in PLAN_FOUND:
            status, chosen, _, _ = _solve(levels, groups, candidates, costs, max_unmet=least + tolerance, **solve)
            status = "Time limit" if "Time limit" in (first, status) and status in PLAN_FOUND else status
        else:
            status = first
    if status not in PLAN_FOUND:
        empty = pd.DataFrame()
        return PlanResult(candidates.assign(earliest_possible=earliest, open_year=NOT_OPENED), empty, empty,
                          status, math.nan, float(at_earliest))
    # the flows of the chosen openings, priced again as a fixed plan: free of the solver's integer gap
    # and by the same rule as the options the plan is compared with
    yearly, flows = evaluate_plan(demand, base, candidates, chosen, costs)
    return PlanResult(plan=candidates.assign(earliest_possible=earliest, open_year=chosen), yearly=yearly,
                      by_level=flows, status=status, objective=float(yearly["discounted_sek"].sum()),
                      unmet_at_earliest=float(at_earliest))
