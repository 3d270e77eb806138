"""Why each candidate of a premises plan is in it or not — the plan table's ``reason`` column (docs/planning.md §4):
found by pricing the plan with one decision changed, by making the plan again without an opened premises, and, under an
investment ceiling, without the ceiling. Pure: it takes the plan's result and its inputs (``planning_run`` wires it).

    told = reasons(result, peak, base, candidates, costs, limit_s=30.0, max_plans=6)"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from resmodel.budget.indices import year_spans
from resmodel.planning.premises import (
    ALL_LEVELS,
    NOT_OPENED,
    PLAN_FOUND,
    PlanCosts,
    PlanResult,
    evaluate_plan,
    external_prices,
    interchangeable_keys,
    level_ranges,
    optimise_plan,
)


def reasons(result: PlanResult, peak, base, candidates: pd.DataFrame, costs: PlanCosts, limit_s: float,
            max_plans: int) -> pd.Series:
    """Why each candidate is in the plan or not, found by pricing the plan with that one decision
    changed: an opened premises — the first year its levels lack places, what leaving it out costs (the plan made
    again without it) or the interchangeable candidate that would take its place, a neighbouring year that
    costs the same and, where the investment ceiling moved it, the year it would open without the ceiling; one left
    out that would add cost (and why: a place dearer than buying one, or no shortage at its levels), one the ceiling
    keeps out (the plan made again without the ceiling opens it, or opening it would lower the cost but break the
    ceiling), or one that cannot open. The opened premises are told first: a plan made again without one that opens
    a left-out candidate at the same cost makes that one's reason a tie in cost."""
    chosen = result.plan["open_year"].astype(int)
    earliest = result.plan["earliest_possible"].astype(int)
    keys = pd.Series(interchangeable_keys(candidates), index=candidates.index, dtype=object)
    unmet, total = result.yearly["unmet"].sum(), result.yearly["discounted_sek"].sum()
    free = _ceiling_free(result, peak, base, candidates, costs, limit_s)
    one_offs = result.yearly.set_index("year")["one_off_sek"]  # the plan's one-off costs by year
    replans = [0]  # plans made again so far (max_plans at most), each with limit_s a solve
    ties: dict = {}  # a left-out candidate → (an opened one, its year, the year the plan made again without it opens it)
    out = {}
    for idx in [*candidates.index[chosen.ne(NOT_OPENED).to_numpy()], *candidates.index[chosen.eq(NOT_OPENED).to_numpy()]]:
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
                                 (replans, max_plans, limit_s), twins, ties)) \
                + _timing_tie(result, peak, base, candidates, costs, idx) \
                + _ceiling_moved(result, free, candidates, costs, one_offs, idx)
        else:
            out[idx] = _left_out(result, free, candidates, costs, one_offs, idx, (more_unmet, more_cost), twins,
                                 ties.get(idx))
    return pd.Series({idx: out[idx] for idx in candidates.index}, dtype="string")


def _left_out(result, free, candidates: pd.DataFrame, costs: PlanCosts, one_offs: pd.Series, idx,
              priced: tuple[float, float], twins: pd.Series, tie: tuple | None) -> str:
    """Why a candidate the plan does not open stays out (``priced``: more unmet and more cost of opening it from its
    earliest year, the rest of the plan as chosen): the investment ceiling only where it binds — the plan made again
    without the ceiling (``free``) opens it, or opening it would lower the cost but break the ceiling in that year —
    else 'not needed': with an interchangeable one opened instead, in a tie in cost with an opened one (``tie``: the
    plan made again without that one opens this one at the same cost), or why it would only add cost; an opening in
    its earliest year that would break the ceiling says so."""
    chosen, earliest = result.plan["open_year"].astype(int), result.plan["earliest_possible"].astype(int)
    start, (more_unmet, more_cost) = int(earliest[idx]), priced
    one_off, ceiling = float(candidates.at[idx, "one_off_cost_sek"]), costs.investment_ceiling
    above = ceiling is not None and one_off > ceiling + 1e-6
    head = "its one-off cost is above the investment ceiling" if above else "the investment ceiling keeps it out"
    if free is not None and int(free.plan.at[idx, "open_year"]) != NOT_OPENED:
        return f"{head}: " + _without_ceiling(result, free, candidates, costs, one_offs, idx)
    spent = float(one_offs.get(start, 0.0))
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
    partner = None if tie is None else candidates.at[tie[0], "premises_id"]
    breaks = ceiling is not None and not above and spent + one_off > ceiling + 1e-6  # the ceiling forbids that year
    return "not needed: " + (
        f"the plan opens {_names(candidates, rivals, chosen)} instead, alike in places, levels and costs "
        "(interchangeable: the tie is broken by availability, then list order); opening it as well from its "
        if rivals else f"a tie in cost with {partner} in {tie[1]} — planned again without {partner}, the plan would "
        f"open it in {tie[2]} at the same cost; opening it as well from its " if tie else "opening it from its ") + (
        f"earliest year ({start}) would add {more_cost:,.0f} SEK") + (
        f" (and would break the investment ceiling in {start})" if breaks else "") + (
        "" if rivals or tie else _why_not_needed(result, candidates, costs, idx, start)) + (
        f"; its one-off cost ({one_off:,.0f} SEK) is above the investment ceiling as well, so it could not open"
        if above else "")


def _ceiling_free(result, peak, base, candidates: pd.DataFrame, costs: PlanCosts, limit_s: float):
    """The plan made again without the investment ceiling, when it leaves less unmet or costs less than the plan:
    the ceiling then binds, and the premises it moves or keeps out can be told so. None when there is no ceiling,
    when it does not bind, or when the plan cannot be made again within ``limit_s`` a solve."""
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


def _without_ceiling(result, free, candidates: pd.DataFrame, costs: PlanCosts, one_offs: pd.Series, idx) -> str:
    """'without the ceiling the plan would open it in 2033 (not 2032) and L-DV-NY1 in 2032 (not 2033), 441,000 SEK
    less; in 2033 the plan's one-off costs are 3,000,000 SEK, and its 2,000,000 would bring them above the ceiling
    (3,000,000)' — the last part where the year it would open without the ceiling has no room for its one-off."""
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
    spent = float(one_offs.get(new, 0.0))
    one_off = float(candidates.at[idx, "one_off_cost_sek"])
    if new == NOT_OPENED or one_off <= 0 or one_off > costs.investment_ceiling + 1e-6 or \
            spent + one_off <= costs.investment_ceiling + 1e-6:  # none above the ceiling alone: said before
        return told
    return (f"{told}; in {new} the plan's one-off costs are {spent:,.0f} SEK, and its {one_off:,.0f} would bring "
            f"them above the ceiling ({costs.investment_ceiling:,.0f})")


def _ceiling_moved(result, free, candidates: pd.DataFrame, costs: PlanCosts, one_offs: pd.Series, idx) -> str:
    """'; the investment ceiling brings it forward: without the ceiling the plan would open it in 2033 (not 2032) …'
    for an opened premises whose year the ceiling moved (docs/planning.md §2: earlier when a later opening would
    breach the ceiling); '' when the plan without the ceiling opens it in the same year, or the ceiling does not
    bind (``free`` None)."""
    if free is None:
        return ""
    year, new = int(result.plan.at[idx, "open_year"]), int(free.plan.at[idx, "open_year"])
    if new == year:
        return ""
    moved = "holds it back" if new != NOT_OPENED and new < year else "brings it forward" if new != NOT_OPENED \
        else "brings it in"
    return f"; the investment ceiling {moved}: " + _without_ceiling(result, free, candidates, costs, one_offs, idx)


def _difference(unmet: float, cost: float) -> str:
    """'80.3 more user-years without a place', '600,000 SEK more', '… SEK less' or 'the same cost' (unmet users
    carry no cost, so more of them is said before any cost)."""
    if unmet > 1e-6:
        return f"{unmet:,.1f} more user-years without a place"
    return f"{cost:,.0f} SEK more" if cost >= 0.5 else f"{-cost:,.0f} SEK less" if cost <= -0.5 else "the same cost"


def _planned_without(result, peak, base, candidates: pd.DataFrame, costs: PlanCosts, idx,
                     kept: tuple[float, float], replanning: tuple[list[int], int, float], twins: pd.Series,
                     ties: dict) -> str:
    """What leaving an opened premises out costs: the plan made again without it (the true difference, with what it
    does instead) and, where it differs, with the rest of the plan kept as chosen (``kept``: more unmet, more cost) —
    an upper bound that can overstate the premises' value many times, and all that is said once ``replanning``'s count
    of plans made again (with its most and its seconds per solve) has reached the most. At the same cost the plan
    made again is a tie: the candidates it opens instead are noted in ``ties``, and those alike in places, levels and
    costs (``twins``) are named interchangeable, as the other reasons name them."""
    as_chosen = f"with the rest of the plan kept as chosen, {_difference(*kept)}"
    replans, max_plans, limit_s = replanning
    if replans[0] >= max_plans:
        return (f"left out, {as_chosen} (an upper bound: the plan is made again for the first {max_plans} "
                "opened premises only, to keep the run short)")
    replans[0] += 1
    again = optimise_plan(peak, base, candidates.drop(index=idx), costs, time_limit_s=limit_s)
    if again.status not in PLAN_FOUND:
        return f"left out, {as_chosen} (an upper bound: the plan could not be made again without it)"
    more = (again.yearly["unmet"].sum() - result.yearly["unmet"].sum(),
            again.yearly["discounted_sek"].sum() - result.yearly["discounted_sek"].sum())
    told = (f"planned again without it: {_difference(*more)}, "
            + _changes(candidates, result.plan["open_year"], again.plan["open_year"])
            + (" (the best plan found in the solver's time)" if again.status == "Time limit" else "")
            + (_tie_without(result, again, candidates, idx, twins, ties) if more[0] <= 1e-6 and abs(more[1]) < 0.5
               else ""))  # 'the same cost' (_difference)
    same = abs(more[0] - kept[0]) <= 1e-6 and abs(more[1] - kept[1]) <= 0.5 + 1e-9 * abs(kept[1])
    return told if same else f"{told}; {as_chosen}"


def _tie_without(result, again, candidates: pd.DataFrame, idx, twins: pd.Series, ties: dict) -> str:
    """A plan made again without ``idx`` at the same cost: each candidate it opens that the plan does not is noted in
    ``ties`` (its reason is then a tie in cost with ``idx``); '; interchangeable with …' for the candidates it moves or
    opens that are alike in places, levels and costs (review: L-DV-2028-68's plan made again opened L-DV-2029-68 in its
    year 'at the same cost' without a word of the two being alike)."""
    before, after = result.plan["open_year"].astype(int), again.plan["open_year"].astype(int)
    moved = after.index[after.ne(before.reindex(after.index)).to_numpy()]
    for other in moved[before[moved].eq(NOT_OPENED).to_numpy()]:
        ties.setdefault(other, (idx, int(before[idx]), int(after[other])))
    alike = _by_availability(twins & twins.index.isin(moved), result.plan["earliest_possible"].astype(int))
    return (f"; interchangeable with {_names(candidates, alike)} (same places, levels and costs): the tie is broken by "
            "availability, then list order") if alike else ""


def _changes(candidates: pd.DataFrame, before: pd.Series, after: pd.Series, shown: int = 3) -> str:
    """How a plan made again differs from the plan for the candidates both hold: 'instead it would open S2 in 2031',
    '… open S1 in 2027 (not 2026) and not open X'; or that the rest is unchanged."""
    opens, drops = [], []
    for idx in after.index[after.ne(before.reindex(after.index)).to_numpy()]:
        name, new, old = candidates.at[idx, "premises_id"], int(after[idx]), int(before[idx])
        if new == NOT_OPENED:
            drops.append(str(name))
        else:
            opens.append(f"{name} in {new}" + ("" if old == NOT_OPENED else f" (not {old})"))
    told = ([f"open {listed(opens, shown)}"] if opens else []) + ([f"not open {listed(drops, shown)}"] if drops else [])
    return "instead it would " + " and ".join(told) if told else "with the rest of the plan unchanged"


def listed(items: list[str], shown: int) -> str:
    """'A', 'A and B', 'A, B and C', 'A, B, C and 2 more'."""
    if len(items) > shown:
        return ", ".join(items[:shown]) + f" and {len(items) - shown} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _timing_tie(result, peak, base, candidates: pd.DataFrame, costs: PlanCosts, idx) -> str:
    """'; opening it in 2031 instead costs the same …' when the year before or after its opening year, the rest of
    the plan as chosen, leaves as much unmet at the same cost (within the ceiling): a tie the plan's year does not
    decide. Ties that need other premises moved too are not looked for (docs/planning.md §5)."""
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
    low, high = level_ranges(candidates.loc[[idx]])[0]
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
    low, high = level_ranges(candidates.loc[[idx]])[0]
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
    earlier = f" in {year_spans(tuple(sorted(lacking)))} and, with the plan's other openings, again" if lacking else ""
    return f"{what}{earlier} from {first}" + (f": {told}" if told else "") + (
        f" (it opens earlier, in {year})" if year < first else "")
