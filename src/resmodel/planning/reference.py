"""References for the planning programmes: try every plan. Exponential in the number of candidates
(premises) or shift types (shifts), so only for small cases — they make ``premises.optimise_plan``
and ``shifts.plan_day`` checkable (tests, bench)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from resmodel.planning.premises import NOT_OPENED, PlanCosts, earliest_open_year, evaluate_plan
from resmodel.planning.shifts import DAY_MINUTES, ShiftRules, cover_matrix, shift_types


def brute_force_plan(demand: pd.Series | pd.DataFrame, base: float | pd.DataFrame, candidates: pd.DataFrame,
                     costs: PlanCosts) -> tuple[float, float, int]:
    """Every plan (each candidate not opened or opened in an allowed year; a decided one in its year)
    priced by ``evaluate_plan``, those breaking the investment ceiling left out: the least unmet
    demand any plan leaves, the least discounted cost among the plans leaving that little, and the
    number of plans tried. (inf, inf, n) when no plan keeps to the ceiling."""
    years = list(demand.index)
    earliest = earliest_open_year(candidates, years[0], costs.first_month)
    choices = []
    for pos in range(len(candidates)):
        decided = candidates["decided_year"].iloc[pos]
        choices.append([int(decided)] if pd.notna(decided) else
                       [NOT_OPENED, *[y for y in years if y >= earliest.iloc[pos]]])
    results, tried = [], 0
    for combo in itertools.product(*choices):
        tried += 1
        yearly, _ = evaluate_plan(demand, base, candidates, pd.Series(combo, index=candidates.index), costs)
        if costs.investment_ceiling is not None and yearly["one_off_sek"].max() > costs.investment_ceiling + 1e-6:
            continue
        results.append((yearly["unmet"].sum(), yearly["discounted_sek"].sum()))
    if not results:
        return np.inf, np.inf, tried
    least_unmet = min(u for u, _ in results)
    return least_unmet, min(c for u, c in results if u <= least_unmet + 1e-6), tried


def brute_force_shifts(need: np.ndarray, slot_starts: np.ndarray, rules: ShiftRules,
                       max_nodes: int = 2_000_000) -> tuple[int, int, int]:
    """Exhaustive search over every shift type the rules allow that can work one of the slots (without
    ``plan_day``'s reduction to useful types): at the first slot still short of
    ``need``, try each type that works it (every covering plan holds one of them), depth first,
    pruning branches that cannot beat the best plan found (each staff-slot still missing needs at
    least one more worked slot, and the largest shortfall as many more shifts). Returns (least
    working minutes, fewest shifts at that, search nodes)."""
    slot = rules.slot_minutes
    reach = rules.max_shift_minutes - slot  # every shift that can work one of the slots
    first, last = max(0, int(slot_starts[0]) - reach), min(DAY_MINUTES, int(slot_starts[-1]) + slot + reach)
    types = shift_types(first, last, rules)
    covers = cover_matrix(types, slot_starts, rules).astype(int)
    work = types["work_minutes"].to_numpy(dtype=int)
    best = [(np.iinfo(np.int64).max, 0)]
    nodes = [0]

    def search(covered: np.ndarray, minutes: int, shifts: int) -> None:
        nodes[0] += 1
        if nodes[0] > max_nodes:
            raise ValueError(f"more than {max_nodes} search nodes: too large for the reference")
        short = np.maximum(need - covered, 0)
        if (minutes + int(short.sum()) * slot, shifts + int(short.max(initial=0))) >= best[0]:
            return
        if not short.any():
            best[0] = (minutes, shifts)
            return
        t = int(np.flatnonzero(short)[0])
        for i in np.flatnonzero(covers[:, t]):
            search(covered + covers[i], minutes + int(work[i]), shifts + 1)

    search(np.zeros(len(need), dtype=int), 0, 0)
    return int(best[0][0]), int(best[0][1]), nodes[0]
