"""Demo candidate premises for the premises plan (``premises_candidates.csv``).

The six daily-activity premises the board has ordered for delivery in 2026–2027 (F0343, premises
needs plan 2025–2034, F0474), entered as candidates so that the plan says which of them the forecast
needs and when: 25 places each (F0500: about 25 users per new premises), the rent of the demo's
existing daily-activity premises per place (median of premises.csv), three deliverable in 2026 and
three in 2027. No one-off cost: the sources give none, and the premises are rented from the
municipal landlord, whose fit-out is in the rent (F0345)."""

from __future__ import annotations

import pandas as pd

PLACES_PER_NEW_PREMISES = 25  # F0500
# the six ordered premises (F0343), "by 2026–2027": three a year (assumption)
DELIVERY_YEARS = (2026, 2026, 2026, 2027, 2027, 2027)


def premises_candidates(premises: pd.DataFrame) -> pd.DataFrame:
    """The candidate table, rents derived from the demo's existing daily-activity premises."""
    dv = premises[premises["kind"] == "dv_lokal"]
    rent_per_place = float((dv["annual_rent"] / dv["capacity"]).median())
    rent = round(rent_per_place * PLACES_PER_NEW_PREMISES, -3)
    rows = [{
        "premises_id": f"L-DV-NY{n}", "service": "daglig_verksamhet", "places": PLACES_PER_NEW_PREMISES,
        "annual_rent_sek": rent, "one_off_cost_sek": 0.0, "earliest_year": year, "lead_time_months": None,
        "decided_year": None,
        "source": "F0343 ordered premises (delivery 2026-2027); places F0500; rent = median rent per place "
                  "of the demo's dv_lokal premises x places; no one-off cost (landlord fit-out in rent, F0345)",
    } for n, year in enumerate(DELIVERY_YEARS, start=1)]
    return pd.DataFrame(rows)
