"""The data dictionary of the municipality's tabular inputs (one schema per file).

docs/data-dictionary.md is generated from these schemas; a test fails when they drift."""

from __future__ import annotations

from resmodel.budget.areas import SERVICE_AREA
from resmodel.io.tables import LEVEL_WORDS, Column, TableSchema
from resmodel.services import HOUSING_TYPES, REGI, UNIT_SERVICES, USER_SERVICES

#: services costed as volume × average cost in a bottom-up projection (every service the board's
#: report areas know, except those the engine costs from units and users and the own provider's gap)
OTHER_SERVICE_KEYS = tuple(s for s in SERVICE_AREA if s not in USER_SERVICES and s != "personlig_assistans_egen_utforare")

PREMISES = TableSchema(
    "premises",
    "Lokaler — premises the board rents, with capacity, net rent and the levels they suit",
    (
        Column("premises_id", "id", "pseudonymous premises id", unique=True),
        Column("kind", "str", "premises type", allowed=("dv_lokal", *HOUSING_TYPES)),
        Column("capacity", "int", "places (users/residents) the premises can take", "places", minimum=0),
        Column("annual_rent", "float", "net annual rent paid by the board", "SEK/year", minimum=0),
        Column("min_level", "int", "lowest need level the premises suit", "level", minimum=1, maximum=8,
               prefix_words=LEVEL_WORDS),
        Column("max_level", "int", "highest need level the premises suit", "level", minimum=1, maximum=8,
               prefix_words=LEVEL_WORDS),
    ),
)

UNITS = TableSchema(
    "units",
    "Verksamheter — units led by a section manager, each providing one service",
    (
        Column("unit_id", "id", "pseudonymous unit id", unique=True),
        Column("name", "str", "unit name shown in reports"),
        Column("service", "str", "service the unit provides", allowed=tuple(UNIT_SERVICES)),
        Column("regi", "str", "egen = run by the board, extern = bought from a provider", allowed=REGI),
        Column("section", "str", "section (sektion) the unit belongs to"),
        Column("premises_id", "id", "premises the unit operates in: required for daily-activity and housing units, empty for external/assistance units",
               required=False, references="premises.premises_id"),
        Column("housing_type", "str", "housing form: required for housing units (bostad_vuxna, bostad_barn), empty for others", required=False, allowed=HOUSING_TYPES),
        Column("day_staff", "float", "staff on duty per day shift: required for housing units (0 if none)", "persons", required=False, minimum=0),
        Column("evening_staff", "float", "staff on duty per evening shift: required for housing units (0 if none)", "persons", required=False, minimum=0),
        Column("night_awake_staff", "float", "awake night staff (vaken natt): required for housing units (0 if none)", "persons", required=False, minimum=0),
        Column("night_sleeping_staff", "float", "sleeping night staff (sovande jour): required for housing units (0 if none)", "persons", required=False, minimum=0),
    ),
)

USERS = TableSchema(
    "users",
    "Brukare — users with their service, unit, need level and time extent (pseudonymous ids only)",
    (
        Column("user_id", "id", "pseudonymous user id (never a personal identity number); one row per user and "
               "service: a person with daily activity and housing has two rows, each with its own id (U005-dv, "
               "U005-bo)", unique=True,
               duplicate_fix="remove the duplicate row; for a user in two services (daily activity and housing), "
                             "give each service's row its own id, e.g. U005-dv and U005-bo: each row is costed in its "
                             "own service"),
        Column("service", "str", "the user's service (insats); personal assistance with assistansersättning (SFB, "
               "the municipality pays the first 20 hours a week) is personlig_assistans_sfb, assistance the "
               "municipality finances alone under LSS personlig_assistans_lss", allowed=tuple(USER_SERVICES)),
        Column("unit_id", "id", "unit that executes the decision", references="units.unit_id"),
        Column("level", "int", "assessed need level (nivå) 1–8; required for daily activity and housing ('Nivå 3' "
               "reads as 3)", "level", required=False, minimum=1, maximum=8, prefix_words=LEVEL_WORDS),
        Column("weekly_hours", "float",
               "daily activity: scheduled hours per week (tidsomfattning, in hours: 75 % of full time is 30 of a 40-hour week); personal assistance: granted hours per week (up to 336 with two assistants around the clock; an SFB case with 20 or fewer is warned, weekly_hours_implausible: state assistance needs more than 20 hours a week of basic needs)",
               "hours/week", required=False, minimum=0, maximum=336),
        Column("day_price", "float", "external places: price per day (dygnspris) in SEK, not tkr (under 500 or above "
               "40 000 a day is warned, day_price_implausible)", "SEK/day", required=False, minimum=0),
        Column("birth_year", "int", "birth year (age structure for forecasts)", "year", minimum=1900, maximum=2030),
        Column("start_date", "date", "date the decision was first executed", minimum=1970, maximum=2100),
        Column("level_assessed", "date", "date of the latest level assessment (nivåbedömning)", required=False,
               minimum=1990, maximum=2100),
    ),
)

STAFF = TableSchema(
    "staff",
    "Bemanning — the actual staff roster per unit and role, in full-time equivalents; from an HR export (one row "
    "per employee), add up the employees' FTE per unit and role into one row",
    (
        Column("unit_id", "id", "unit the staff work in", references="units.unit_id"),
        Column("role", "str", "role (befattning)",
               allowed=("omsorgspedagog", "aktivitetsledare", "stodpedagog", "stodassistent", "personlig_assistent")),
        Column("fte", "float", "full-time equivalents (årsarbetare): 0.75 for a 75 % post, not 75", "FTE", minimum=0),
    ),
    key=("unit_id", "role"),  # refused twice by municipality._check_staff
)

TABLES = {"premises": PREMISES, "units": UNITS, "users": USERS, "staff": STAFF}

TARIFF = TableSchema(
    "tariff",
    "Nivåpriser — a level price list per day by housing type, usable as the allocation key; level 0 = base "
    "amount (grundpeng) added to every level's price",
    (
        Column("year", "int", "year the prices apply", "year", minimum=1990, maximum=2100),
        Column("housing_type", "str", "housing form", allowed=HOUSING_TYPES),
        Column("level", "int", "need level (0 = base amount)", "level", minimum=0, maximum=8,
               prefix_words=LEVEL_WORDS),
        Column("price_per_day", "float", "price per resident and day", "SEK/day", minimum=0),
        Column("source", "str", "where the price comes from", required=False),
    ),
)

OTHER_SERVICES = TableSchema(
    "other_services",
    "Övriga insatser — services the board runs besides the engine's unit-and-user services, costed in the "
    "projection as volume × average net cost (optional file `other_services.csv` or `.xlsx` in the data folder; "
    "docs/projection.md, \"Other services\"). A service with a series in volume_history.csv is forecast; otherwise its "
    "volume stays at `volume` (a lump such as administration has volume 1)",
    (
        Column("service", "str", "service key; its report area follows from the key (docs/budget.md §2)",
               allowed=OTHER_SERVICE_KEYS, unique=True),
        Column("volume_unit", "str", "what one unit of volume is: persons, places; 'lump' or 'klumpsumma' for a "
               "lump line (volume 1, its whole net cost); hours, days or visits (timmar, dygn, besök) for a price per "
               "unit"),
        Column("volume", "float", "base-year volume (average per month; the average cost is per unit of it)",
               "volume unit", minimum=0, above_minimum=True),
        Column("average_cost", "float", "net cost per volume unit and year at base-year prices, in SEK (above 0 "
               "but under 10 000 for a person or place, or under 100 000 for a lump line, it is warned as a sum in "
               "tkr; a unit of hours, days or visits has no such floor)",
               "SEK/volume unit/year", minimum=0),
        Column("source", "str", "ids of docs/sources/facts.csv (F0123) or a public source of the volume and the cost"),
        Column("status", "str", "how far the figures are published",
               allowed=("fact", "derived", "reconstructed", "illustrative")),
        Column("note", "str", "derivation and assumptions", required=False),
    ),
)
