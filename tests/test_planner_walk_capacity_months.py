"""Planner walk (2026-12-07), finding 1: capacity_plan.csv held each year's places as at the year's peak per level,
so the queue on it saw a level range's shortfall only in that month — levels 7–8 short in every month of
2025-08 – 2026-12 gave a queue from 2025-12 only, and the sanction-fee exposure came out about a fifth. Now the own
places that stand free while some users lack a place are found month by month."""

from __future__ import annotations

import pandas as pd

from resmodel.planning.premises import PlanCosts
from resmodel.planning_run import premises_plan

SERVICE = "daglig_verksamhet"
MONTHS = pd.period_range("2025-01", "2025-12", freq="M").astype(str)
#: users of level 8 by month; levels 7–8 have 10 places, so months above 10 lack places
LEVEL_8 = [8, 9, 10, 11, 12, 11, 10, 9, 11, 10, 8, 8]
LEVEL_1 = 50.0


def _plan(level_1: float = LEVEL_1, places_1_6: float = 60.0):
    demand = pd.DataFrame({"month": [*MONTHS, *MONTHS], "service": SERVICE,
                           "level": ["1"] * 12 + ["8"] * 12, "volume": [level_1] * 12 + LEVEL_8})
    base = pd.DataFrame({"min_level": [1, 7], "max_level": [6, 8], "places": [places_1_6, 10.0]})
    candidates = pd.DataFrame({"premises_id": ["L-78"], "service": SERVICE, "places": [10], "annual_rent_sek": [1e6],
                               "one_off_cost_sek": [0.0], "earliest_year": [2030], "lead_time_months": [None],
                               "decided_year": [None], "min_level": [7], "max_level": [8], "source": ["test"]})
    return premises_plan(demand, SERVICE, candidates, PlanCosts(own_cost_per_place=250_000.0), base, "volume",
                         "demand", "candidates")


def test_the_capacity_file_sees_a_level_ranges_shortfall_in_each_month_it_lasts():
    capacity = _plan().capacity.set_index("month")["places"]
    # a month short at level 8 can use 60 places (50 of level 1, the 10 of levels 7–8): the 10 other places of
    # levels 1–6 stand free; a month without shortage has all 70
    expected = [60.0 if users > 10 else 70.0 for users in LEVEL_8]
    assert capacity.tolist() == expected
    shortfall = [max(0.0, LEVEL_1 + users - places) for users, places in zip(LEVEL_8, expected, strict=True)]
    assert shortfall == [max(0.0, users - 10.0) for users in LEVEL_8]  # the queue on the total sees each month's


def test_the_plan_itself_still_counts_the_peak_months_users_without_a_place():
    yearly = _plan().yearly.query("option == 'plan'").set_index("year")
    assert yearly.loc[2025, "unmet"] == 2.0  # the year's peak of level 8 (12) against its 10 places


def test_a_levels_flows_add_up_to_its_demand_exactly():
    """Finding 2: CBC reports a solution to about eight digits, so served_own of a fully served year was 1366.028 in
    one plan and 1366.0281 in another of a demand of 1366.02805, and a reason said '440,973 SEK less' for a year's
    rent of 441,000. Each level's flows now add up to its demand, the remainder in its own places."""
    level_1 = 1366.02804595854  # the walk's demand, more digits than CBC's solution file holds
    by_level = _plan(level_1, 1400.0).by_level.query("option == 'plan'")
    demand = pd.Series([level_1, max(LEVEL_8)], index=[1, 8])
    for row in by_level.itertuples():
        total = row.served_own + row.external_places + row.waiting + row.unmet
        assert total == round(float(demand[row.level]), 6), row
