"""Premises plan (*lokalplan*, model.md §5): which candidate premises to open, and in which year,
so that forecast demand is met at the least cost — rent and one-off costs of new premises, the
running cost of users served in own premises, external places bought, and (if allowed) a cost per
case left waiting. A mixed integer programme solved with CBC through PuLP; ``evaluate_plan`` prices
any given plan by the same rules, so options can be compared and the optimum checked by brute force.

Yearly model: a premises opened in year t gives its places from 1 January of t for the rest of the
horizon; each year's demand is the peak month of that year; all amounts are in base-year prices,
discounted to the first year at ``discount_rate``."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

NOT_OPENED = 0  # open_year of a candidate the plan does not open


@dataclass(frozen=True)
class PlanCosts:
    """Unit costs and limits of a premises plan (SEK, base-year prices)."""

    own_cost_per_place: float            # staff and other running cost per user-year served in own premises
    external_price: float | None = None  # per external place-year; None = no external places
    max_external: float | None = None    # external places available per year; None = no limit
    waiting_cost: float | None = None    # per case-year left waiting; None = nobody may wait
    investment_ceiling: float | None = None  # one-off costs allowed per year; None = no ceiling
    discount_rate: float = 0.0


@dataclass
class PlanResult:
    """The optimised plan: one row per candidate (``open_year`` 0 when not opened), the yearly
    table of the plan, the solver status and the objective (discounted total cost)."""

    plan: pd.DataFrame
    yearly: pd.DataFrame
    status: str
    objective: float


def yearly_peak(demand: pd.Series) -> pd.Series:
    """Peak monthly demand per calendar year (a month-indexed series in, year-indexed out)."""
    index = pd.DatetimeIndex(demand.index)
    return pd.Series(demand.to_numpy(float), index=index.year).groupby(level=0).max().rename("demand")


def earliest_open_year(candidates: pd.DataFrame, first_year: int) -> pd.Series:
    """First year each candidate can open: its ``earliest_year`` (default the first year), and no
    sooner than ``lead_time_months`` after the start of the first year (rounded up to a whole year);
    a decided candidate opens in its ``decided_year``."""
    lead = candidates["lead_time_months"].fillna(0).to_numpy(float)
    by_lead = first_year + np.ceil(lead / 12.0).astype(int)
    given = candidates["earliest_year"].fillna(first_year).to_numpy(float).astype(int)
    earliest = pd.Series(np.maximum(by_lead, given), index=candidates.index, name="earliest_year")
    decided = candidates["decided_year"].notna()
    earliest[decided] = candidates.loc[decided, "decided_year"].astype(int)
    return earliest


def _discount(years: np.ndarray, rate: float) -> np.ndarray:
    return (1.0 + rate) ** -(years - years[0]).astype(float)


def places_by_year(base_places: pd.Series, candidates: pd.DataFrame, open_years: pd.Series) -> pd.Series:
    """Own places per year: today's places plus every candidate opened in or before that year."""
    years = base_places.index.to_numpy()
    opened = open_years.to_numpy()[:, None]
    active = (opened != NOT_OPENED) & (opened <= years[None, :])
    return base_places + candidates["places"].to_numpy(float) @ active


def evaluate_plan(demand: pd.Series, base_places: pd.Series, candidates: pd.DataFrame, open_years: pd.Series,
                  costs: PlanCosts) -> pd.DataFrame:
    """The yearly table of a given plan: demand met from the cheapest allowed source first (own
    places up to capacity, external places up to their limit, waiting), costs per year and the
    demand no allowed source covers (``unmet``; a plan with unmet demand is not feasible)."""
    years = demand.index.to_numpy()
    places = places_by_year(base_places, candidates, open_years).to_numpy(float)
    opened = open_years.to_numpy()[:, None]
    active = (opened != NOT_OPENED) & (opened <= years[None, :])
    opening = opened == years[None, :]
    sources = [("own", costs.own_cost_per_place, places)]
    if costs.external_price is not None:
        limit = np.inf if costs.max_external is None else costs.max_external
        sources.append(("external", costs.external_price, np.full(len(years), limit)))
    if costs.waiting_cost is not None:
        sources.append(("waiting", costs.waiting_cost, np.full(len(years), np.inf)))
    remaining = demand.to_numpy(float).copy()
    used = {"own": np.zeros(len(years)), "external": np.zeros(len(years)), "waiting": np.zeros(len(years))}
    unit = {name: price for name, price, _ in sources}
    for name, _price, limit in sorted(sources, key=lambda s: s[1]):  # stable: own first at equal cost
        take = np.minimum(remaining, limit)
        used[name] = take
        remaining = remaining - take
    rent = candidates["annual_rent_sek"].to_numpy(float) @ active
    one_off = candidates["one_off_cost_sek"].to_numpy(float) @ opening
    table = pd.DataFrame({
        "year": years, "demand": demand.to_numpy(float), "base_places": base_places.to_numpy(float),
        "new_places": places - base_places.to_numpy(float), "places": places,
        "served_own": used["own"], "external_places": used["external"], "waiting": used["waiting"],
        "unmet": remaining, "free_places": places - used["own"],
        "rent_new_sek": rent, "one_off_sek": one_off,
        "own_running_sek": used["own"] * unit["own"],
        "external_sek": used["external"] * unit.get("external", 0.0),
        "waiting_cost_sek": used["waiting"] * unit.get("waiting", 0.0),
    })
    cost_columns = ["rent_new_sek", "one_off_sek", "own_running_sek", "external_sek", "waiting_cost_sek"]
    table["total_sek"] = table[cost_columns].sum(axis=1)
    table["discounted_sek"] = table["total_sek"] * _discount(years, costs.discount_rate)
    return table


def _identical_runs(candidates: pd.DataFrame, earliest: pd.Series) -> list[tuple[int, int]]:
    """Pairs (i, j), j the next candidate after i with the same places, costs and earliest year,
    neither decided: the plan opens i no later than j (breaks ties between interchangeable candidates
    the same way on every machine, without changing the optimum)."""
    key = candidates[["places", "annual_rent_sek", "one_off_cost_sek"]].assign(earliest=earliest)
    free = candidates["decided_year"].isna().to_numpy()
    last: dict[tuple, int] = {}
    pairs = []
    for pos, row in enumerate(key.itertuples(index=False)):
        if not free[pos]:
            continue
        k = tuple(row)
        if k in last:
            pairs.append((last[k], pos))
        last[k] = pos
    return pairs


def optimise_plan(demand: pd.Series, base_places: pd.Series, candidates: pd.DataFrame, costs: PlanCosts,
                  time_limit_s: float = 120.0) -> PlanResult:
    """The least-cost plan (see the module docstring). ``demand`` and ``base_places`` are indexed by
    year; ``candidates`` has places, annual_rent_sek, one_off_cost_sek, earliest_year,
    lead_time_months and decided_year (a decided candidate opens in that year, which must lie in the
    horizon). The status is PuLP's ('Optimal', 'Infeasible', …)."""
    import pulp

    years = [int(y) for y in demand.index]
    earliest = earliest_open_year(candidates, years[0])
    discount = dict(zip(years, _discount(np.array(years), costs.discount_rate), strict=True))
    model = pulp.LpProblem("premises_plan", pulp.LpMinimize)
    by_candidate: list[list[tuple[int, pulp.LpVariable]]] = []
    for pos in range(len(candidates)):
        decided = candidates["decided_year"].iloc[pos]
        allowed = [int(decided)] if pd.notna(decided) else [y for y in years if y >= earliest.iloc[pos]]
        by_candidate.append([(y, pulp.LpVariable(f"open_{pos}_{y}", cat="Binary")) for y in allowed])
        if pd.notna(decided):
            model += by_candidate[pos][0][1] == 1, f"decided_{pos}"
        elif by_candidate[pos]:
            model += pulp.lpSum(v for _y, v in by_candidate[pos]) <= 1, f"once_{pos}"
    active = {(pos, y): pulp.lpSum(v for t, v in options if t <= y)
              for pos, options in enumerate(by_candidate) for y in years}
    for i, j in _identical_runs(candidates, earliest):
        for y in years:
            model += active[i, y] >= active[j, y], f"order_{i}_{j}_{y}"
    places = candidates["places"].to_numpy(float)
    rent = candidates["annual_rent_sek"].to_numpy(float)
    one_off = candidates["one_off_cost_sek"].to_numpy(float)
    objective = []
    for y in years:
        served = pulp.LpVariable(f"own_{y}", lowBound=0)
        cover = [served]
        objective.append(discount[y] * costs.own_cost_per_place * served)
        if costs.external_price is not None:
            ext = pulp.LpVariable(f"external_{y}", lowBound=0, upBound=costs.max_external)
            cover.append(ext)
            objective.append(discount[y] * costs.external_price * ext)
        if costs.waiting_cost is not None:
            wait = pulp.LpVariable(f"waiting_{y}", lowBound=0)
            cover.append(wait)
            objective.append(discount[y] * costs.waiting_cost * wait)
        capacity = float(base_places[y]) + pulp.lpSum(places[p] * active[p, y] for p in range(len(candidates)))
        model += served <= capacity, f"capacity_{y}"
        model += pulp.lpSum(cover) == float(demand[y]), f"demand_{y}"
        opening_cost = pulp.lpSum(one_off[p] * v for p, options in enumerate(by_candidate) for t, v in options if t == y)
        objective.append(discount[y] * (pulp.lpSum(rent[p] * active[p, y] for p in range(len(candidates)))
                                        + opening_cost))
        if costs.investment_ceiling is not None:
            model += opening_cost <= costs.investment_ceiling, f"ceiling_{y}"
    model += pulp.lpSum(objective)
    model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s, threads=1))
    status = pulp.LpStatus[model.status]
    chosen = pd.Series(NOT_OPENED, index=candidates.index, name="open_year", dtype=int)
    if status == "Optimal":
        for pos, options in enumerate(by_candidate):
            for year, var in options:
                if (var.value() or 0.0) > 0.5:
                    chosen.iloc[pos] = year
    plan = candidates.assign(earliest_possible=earliest, open_year=chosen)
    yearly = evaluate_plan(demand, base_places, candidates, chosen, costs)
    value = float(pulp.value(model.objective)) if status == "Optimal" else math.nan
    return PlanResult(plan=plan, yearly=yearly, status=status, objective=value)
