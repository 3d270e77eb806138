"""Demo candidate premises for the premises plan (``premises_candidates.csv``), daily activity and adult
LSS housing.

- The six premises the board has ordered for delivery in 2026–2027 (F0343; premises needs plan
  2025–2034, F0474): three deliverable in 2026 and three in 2027 (assumption: "by 2026–2027" split
  evenly); five for need levels 1–6 and one for levels 6–8, the mix of the demo's existing premises
  (34 and 6).
- Further premises at the current pace of two a year (F0500: 50 users a year, about 25 per new
  premises), 2028–2034, one of each level range a year, so that the plan can choose the range.

Each has 25 places (F0500) and the rent per place of the demo's existing premises of its level range
(median of premises.csv) × 25. No one-off cost: the sources give none, and the premises are rented
from the municipal landlord, whose fit-out is in the rent (F0345).

Adult LSS housing (``bostad_vuxna``) gets three illustrative candidates, so that a planner can try the plan on
housing too: no source names new LSS homes, so each is a median home of the demo's own of its kind and level
range (places and rent per place of premises.csv), with a lead time of 24 months (an assumption: planning and
building a home takes about two years) and, as for daily activity, no one-off cost."""

from __future__ import annotations

import pandas as pd

PLACES_PER_NEW_PREMISES = 25  # F0500
ORDERED = ((2026, 1, 6), (2026, 1, 6), (2026, 1, 6), (2027, 1, 6), (2027, 1, 6), (2027, 6, 8))  # F0343
FURTHER_YEARS = range(2028, 2035)  # F0500 pace, through the needs plan's horizon (F0474)
LEVEL_RANGES = ((1, 6), (6, 8))    # the ranges of the demo's daily-activity premises
#: illustrative adult-housing candidates: id, kind of the demo's premises it copies, its level range
HOUSING = (("L-GB-NY1", "gruppbostad", 1, 7), ("L-GB-NY2", "gruppbostad", 6, 8), ("L-SB-NY1", "servicebostad", 1, 5))
HOUSING_LEAD_TIME_MONTHS = 24  # assumption: about two years to plan and build a home


def premises_candidates(premises: pd.DataFrame) -> pd.DataFrame:
    """The candidate table, rents derived from the demo's existing daily-activity premises."""
    dv = premises[premises["kind"] == "dv_lokal"]
    per_place = (dv["annual_rent"] / dv["capacity"]).groupby([dv["min_level"], dv["max_level"]]).median()
    rows = []

    def add(pid: str, year: int, low: int, high: int, source: str) -> None:
        rows.append({"premises_id": pid, "service": "daglig_verksamhet", "places": PLACES_PER_NEW_PREMISES,
                     "annual_rent_sek": round(float(per_place[low, high]) * PLACES_PER_NEW_PREMISES, -3),
                     "one_off_cost_sek": 0.0, "earliest_year": year, "lead_time_months": None,
                     "decided_year": None, "min_level": low, "max_level": high,
                     "source": f"{source}; places F0500; rent = median rent per place of the demo's dv_lokal "
                               f"premises for levels {low}-{high} x places; no one-off cost (landlord fit-out "
                               "in rent, F0345)"})

    for n, (year, low, high) in enumerate(ORDERED, start=1):
        add(f"L-DV-NY{n}", year, low, high, "F0343 ordered premises (delivery 2026-2027)")
    for year in FURTHER_YEARS:
        for low, high in LEVEL_RANGES:
            add(f"L-DV-{year}-{low}{high}", year, low, high, "further premises at the pace of two a year (F0500)")
    table = pd.DataFrame([*rows, *_housing_candidates(premises)])
    years = ["earliest_year", "lead_time_months", "decided_year"]
    return table.astype(dict.fromkeys(years, "Int64"))  # whole numbers, empty where not given


def _housing_candidates(premises: pd.DataFrame) -> list[dict]:
    """The illustrative adult-housing candidates: each a median home of the demo's premises of its kind and levels."""
    rows = []
    for pid, kind, low, high in HOUSING:
        alike = premises[(premises["kind"] == kind) & (premises["min_level"] == low) & (premises["max_level"] == high)]
        places = int(alike["capacity"].median())
        rows.append({"premises_id": pid, "service": "bostad_vuxna", "places": places,
                     "annual_rent_sek": round(float((alike["annual_rent"] / alike["capacity"]).median()) * places, -3),
                     "one_off_cost_sek": 0.0, "earliest_year": None, "lead_time_months": HOUSING_LEAD_TIME_MONTHS,
                     "decided_year": None, "min_level": low, "max_level": high,
                     "source": f"illustrative (no source names new LSS homes): places and rent per place = median of "
                               f"the demo's {kind} premises for levels {low}-{high}; lead time 24 months and no "
                               "one-off cost are assumptions"})
    return rows
