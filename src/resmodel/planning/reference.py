"""Reference for the premises plan: try every plan. Exponential in the number of candidates, so only
for small cases — it is what makes ``premises.optimise_plan`` checkable (tests, bench)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from resmodel.planning.premises import NOT_OPENED, PlanCosts, earliest_open_year, evaluate_plan


def brute_force_plan(demand: pd.Series | pd.DataFrame, base: float | pd.DataFrame, candidates: pd.DataFrame,
                     costs: PlanCosts) -> tuple[float, float, int]:
    """Every plan (each candidate not opened or opened in an allowed year; a decided one in its year)
    priced by ``evaluate_plan``, those breaking the investment ceiling left out: the least unmet
    demand any plan leaves, the least discounted cost among the plans leaving that little, and the
    number of plans tried. (inf, inf, n) when no plan keeps to the ceiling."""
    years = list(demand.index)
    earliest = earliest_open_year(candidates, years[0])
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
