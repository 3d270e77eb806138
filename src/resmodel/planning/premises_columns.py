"""What each column of the premises plan's yearly, per-level and capacity tables holds, with its unit: the
API's response schema is made from these (the plan's own rows from the premises_plan.csv schema), as
docs/planning.md describes the CSVs of ``resmodel plan-premises``."""

from __future__ import annotations

_FLOWS = {
    "demand": "users with a decision: the year's highest month of the demand (user-years)",
    "served_own": "users served in own premises (user-years)",
    "external_places": "external places bought (place-years)",
    "waiting": "users left waiting (case-years; only with a waiting cost)",
    "unmet": "demand no allowed source can meet (user-years; too early for any premises, or a level none suits)",
}

YEARLY = {
    "option": "no_new_premises, decided_only (when some premises are decided) or plan",
    "year": "the year",
    "months": "months of the year the demand covers: 12, or fewer in a partial first or last year, whose rent and "
              "running costs are for those months only (one-off costs in full)",
    "demand": _FLOWS["demand"],
    "base_places": "today's places (the scenario's premises)",
    "new_places": "places of the premises opened by the year",
    "places": "base_places + new_places",
    "served_own": _FLOWS["served_own"],
    "external_places": _FLOWS["external_places"],
    "waiting": _FLOWS["waiting"],
    "unmet": _FLOWS["unmet"],
    "free_places": "own places standing free (places − served_own)",
    "rent_new_sek": "rent of the premises opened, SEK a year",
    "one_off_sek": "one-off costs of the premises opening in the year, SEK",
    "own_running_sek": "served_own × running cost per user-year, SEK",
    "external_sek": "external_places × external price, SEK",
    "waiting_cost_sek": "waiting × waiting cost, SEK",
    "total_sek": "the year's costs above together, SEK",
    "discounted_sek": "total_sek discounted to the first year at discount_rate, SEK",
}

BY_LEVEL = {
    "option": YEARLY["option"],
    "year": "the year",
    "level": "need level 1–8",
    **_FLOWS,
}

CAPACITY = {
    "month": "the month, YYYY-MM",
    "places": "places the plan makes usable: own places plus external places bought, less own places standing "
              "free while some demand waits or is unmet (they suit none of those users' levels)",
    "planned_for": "the demand column the plan was made for (volume, or a bound such as volume_hi_80)",
    "service": "the service the plan was made for (a queue of another service is refused)",
}
