"""Reading a municipality's data folder (premises, units, users, staff roster) with cross-checks.

Each table may be CSV or Excel (.xlsx). Besides per-cell validation, the rules that tie tables
together are checked here (ids exist, service fits the unit, required columns per service)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from resmodel.allocation.engine import Municipality
from resmodel.allocation.staff_cost import SERVICE_ROLES
from resmodel.errors import InputError, Location, PersonalDataError, ProblemCollector, Warning_
from resmodel.io.candidates import HIGH_PER_PLACE_SEK, LOW_PER_PLACE_SEK
from resmodel.io.dictionary import PREMISES, STAFF, UNITS, USERS
from resmodel.io.tables import (
    MAX_PROBLEMS,
    SEE_DATA_DICTIONARY,
    TableSchema,
    check_references,
    hours_of_full_time,
    read_table,
    require_rows,
    shown_sek,
    whole_sek,
)
from resmodel.limits import FULL_TIME_WEEK_HOURS
from resmodel.services import HOUSING_SERVICES, HOUSING_TYPES, LEVEL_SERVICES, UNIT_SERVICE_OF_USER

STALE_ASSESSMENT_DAYS = 730
DV_MAX_WEEKLY_HOURS = FULL_TIME_WEEK_HOURS  # a full working week; daily activity is scheduled within it
#: a service whose users' median weekly_hours is at most this has its hours written as shares of full time (0.75 for
#: 75 %): no board's middle daily-activity or assistance user has an hour a week or less — the demo's lowest
#: medians are 16 (assistance LSS) and 25 (daily activity), its lowest single values 3 and 10 — while a median
#: leaves a few users with genuinely short hours alone
SHARE_OF_FULL_TIME_MEDIAN = 1
#: SEK a day: above the highest need level's cost of almost 12 MSEK a year (F0155, ≈ 33 000 a day) with a margin —
#: a monthly or yearly price typed as the day price
MAX_DAY_PRICE = 40_000
#: SEK a day: a tenth of the demo's cheapest external place (4 780, users.csv; its 28 range to 9 530, and bought LSS
#: housing costs thousands a day) — a price typed in tkr (4.5 for 4 500) is far under it, as any tkr price is up to
#: MAX_DAY_PRICE (40 tkr), while 500 SEK a day (182 500 a year) is under any place a board buys by the day
MIN_DAY_PRICE = 500
#: daily activity (LSS 9 § 10, people of working age) and adult housing are adults' services: a start more than
#: two years before coming of age is a mistyped birth year or start date (section-manager walk of the demo)
ADULT_SERVICE_MIN_START_AGE = 16
#: state assistance (assistansersättning, SFB 51 kap.) needs basic needs of more than this many hours a week on average
#: (docs/sources/public_parameters.md: "Eligibility for the state compensation requires more than 20 hours a week of
#: basic needs"): an SFB case granted this or fewer hours in all is a slip — LSS assistance typed as SFB, or hours a
#: day — which the run would price as the municipality's share of a state case without a word
SFB_MIN_BASIC_NEEDS_HOURS = 20
#: the rows an SFB-hours warning names (the count says how many more)
SFB_ROWS_NAMED = 5
HOURS_SERVICES = ("daglig_verksamhet", "personlig_assistans_sfb", "personlig_assistans_lss")  # use weekly_hours
#: the services of the units whose users' need is in weekly_hours (a housing unit's is not)
HOURS_UNIT_SERVICES = tuple(sorted({UNIT_SERVICE_OF_USER[s] for s in HOURS_SERVICES}))


#: the tables' names in Swedish (the data dictionary's), as a board's files may be called: told to be renamed
SWEDISH_TABLE_NAMES = {"premises": ("lokaler",), "units": ("enheter", "verksamheter"), "users": ("brukare",),
                       "staff": ("personal", "bemanning")}


def _find(folder: Path, stem: str, display_folder: str) -> tuple[Path, str]:
    """The table's one file, CSV or .xlsx; both at once is an error (which one is meant?)."""
    found = [suffix for suffix in (".csv", ".xlsx") if (folder / f"{stem}{suffix}").is_file()]
    if len(found) == 2:
        raise InputError.at(Location(file=f"{display_folder}/{stem}.xlsx"),
                            f"the data folder has both {stem}.csv and {stem}.xlsx",
                            f"one {stem} table, as CSV or as .xlsx",
                            "remove or rename the file that is not current")
    if found:
        return folder / f"{stem}{found[0]}", f"{display_folder}/{stem}{found[0]}"
    raise InputError.at(
        Location(file=f"{display_folder}/{stem}.csv"), f"the data folder has no '{stem}' table",
        f"a file {stem}.csv or {stem}.xlsx in {display_folder}", _missing_table_fix(folder, stem),
    )


def _missing_table_fix(folder: Path, stem: str) -> str:
    """The fix for a missing table: rename the file that holds it under its Swedish name or in other letter case
    (brukare.csv, Users.CSV) — 'add the users table' sent a board with brukare.csv looking for what to add."""
    names = {stem, *SWEDISH_TABLE_NAMES.get(stem, ())}
    near = sorted(f.name for f in folder.iterdir()
                  if f.is_file() and f.suffix.lower() in (".csv", ".xlsx") and f.stem.lower() in names)
    if len(near) == 1:
        return f"found {near[0]}: rename it to {stem}{Path(near[0]).suffix.lower()} (resmodel reads each table by this name)"
    if near:
        return (f"found {' and '.join(near)}: rename the current one to {stem}.csv or {stem}.xlsx, and remove the "
                "others")
    return f"add the {stem} table ({SEE_DATA_DICTIONARY})"


def table_files(folder: Path, display_folder: str) -> dict[str, str]:
    """Each table's file as messages show it (premises, units, users, staff); call after reading."""
    return {schema.name: _find(folder, schema.name, display_folder)[1] for schema in (PREMISES, UNITS, USERS, STAFF)}


def _read(folder: Path, schema: TableSchema, display_folder: str) -> tuple[pd.DataFrame, str]:
    path, display = _find(folder, schema.name, display_folder)
    return read_table(path, schema, display), display


#: problems listed from each data table when several have problems (four tables: at most 44 lines)
PROBLEMS_PER_TABLE = 10


def _read_all(folder: Path, display_folder: str) -> list[tuple[pd.DataFrame, str]]:
    """The four tables (premises, units, users, staff) and their files, each read even when one before it has
    problems, so that one run names every file's problems, not one file per run — each file's first
    PROBLEMS_PER_TABLE, so that one file's many cannot hide the next file's (steward re-walk: the 25-problem cap
    over all of them left staff.xlsx out); an identity number stops the reading at once."""
    problems, tables = ProblemCollector(), []
    for schema in (PREMISES, UNITS, USERS, STAFF):
        try:
            tables.append(_read(folder, schema, display_folder))
        except PersonalDataError:
            raise
        except InputError as exc:
            found = ProblemCollector()
            found.problems.extend(exc.problems)
            found.cap(PROBLEMS_PER_TABLE, Location(exc.problems[0].location.file or display_folder))
            problems.problems.extend(found.problems)
    problems.raise_if_any()
    return tables


def read_municipality(folder: Path, display_folder: str, base_date: dt.date) -> Municipality:
    """Read and cross-validate all four tables; raises one InputError listing every problem found."""
    if not folder.is_dir():
        raise InputError.at(Location(file=display_folder), "data folder not found", "a folder with premises, units, "
                            "users and staff tables", "check the scenario's 'data:' path (relative to the scenario file)")
    (premises, premises_file), (units, units_file), (users, users_file), (staff, staff_file) = _read_all(
        folder, display_folder)
    fix = "fill in the table (did the export stop after the header?)"
    require_rows(units, units_file, "one row per unit", fix)
    if units["premises_id"].notna().any():
        require_rows(premises, premises_file, "one row per premises (lokal) the units use", fix)
    require_rows(users, users_file, "one row per user (brukare)", fix)
    if (units["regi"] == "egen").any():
        require_rows(staff, staff_file, "the roster of the in-house units, one row per unit and role", fix)
    unnamed_premises = set(premises["premises_id"].dropna()) - set(units["premises_id"].dropna())
    unnamed_units = set(units["unit_id"].dropna()) - set(users["unit_id"].dropna()) - set(staff["unit_id"].dropna())
    check_references(units, "premises_id", premises["premises_id"], units_file, "premises", premises_file,
                     unnamed_premises)
    check_references(users, "unit_id", units["unit_id"], users_file, "unit", units_file, unnamed_units)
    check_references(staff, "unit_id", units["unit_id"], staff_file, "unit", units_file, unnamed_units)
    problems = ProblemCollector()
    _check_premises(premises, premises_file, problems)
    _check_units(units, units_file, problems)
    _check_users(users, units, users_file, base_date, problems)
    regi = staff["unit_id"].map(dict(zip(units["unit_id"], units["regi"], strict=True)))
    problems.add_rows(staff.index[(regi != "egen").to_numpy()], 5, lambda row: (
        Location(staff_file, row=row, column="unit_id"),
        f"roster row for unit '{staff.at[row, 'unit_id']}', which is run by an external provider",
        "roster rows only for units with regi 'egen'", "remove the row or correct the unit id"))
    _check_staff(staff, staff_file, problems)
    problems.cap(MAX_PROBLEMS, Location(display_folder))
    problems.raise_if_any()
    return Municipality(premises, units, users, staff)


def _check_staff(staff: pd.DataFrame, file: str, problems: ProblemCollector) -> None:
    """One roster row per unit and role, as the data dictionary says: a repeated pair would be added
    up silently, and is more often a copied row than two rows meant to be summed."""
    repeated = staff.duplicated(["unit_id", "role"], keep="first")
    def problem(row: int) -> tuple[Location, str, str, str]:
        unit, role = staff.at[row, "unit_id"], staff.at[row, "role"]
        first = int(staff.index[((staff["unit_id"] == unit) & (staff["role"] == role)).to_numpy()][0])
        return (Location(file, row=row, column="role"), f"unit '{unit}', role '{role}' appears again "
                f"(first on row {first})", "one row per unit and role",
                "merge the rows into one (add their FTE) or correct the unit or role")

    problems.add_rows(staff.index[repeated.to_numpy()], 5, problem)


def _check_premises(premises: pd.DataFrame, file: str, problems: ProblemCollector) -> None:
    bad = premises["min_level"] > premises["max_level"]
    problems.add_rows(premises.index[bad.to_numpy()], 5, lambda row: (
        Location(file, row=row, column="min_level"), "min_level is above max_level",
        "min_level ≤ max_level", "swap or correct the two level bounds"))


def _check_units(units: pd.DataFrame, file: str, problems: ProblemCollector) -> None:
    staffed = units["service"].isin(["daglig_verksamhet", *HOUSING_SERVICES])
    problems.add_rows(units.index[(staffed & (units["regi"] != "egen")).to_numpy()], 5, lambda row: (
        Location(file, row=row, column="regi"),
        f"{units.at[row, 'service']} unit with regi 'extern'",
        "regi 'egen' for daily-activity and housing units (bought places belong to service 'externa_platser')",
        "set regi to 'egen' or move the unit's users to an externa_platser unit"))
    problems.add_rows(units.index[(staffed & units["premises_id"].isna()).to_numpy()], 5, lambda row: (
        Location(file, row=row, column="premises_id"), "the unit has no premises",
        "a premises_id for every daily-activity and housing unit", "fill in the premises the unit uses"))
    housing = units["service"].isin(HOUSING_SERVICES)
    for column in ("housing_type", "day_staff", "evening_staff", "night_awake_staff", "night_sleeping_staff"):
        problems.add_rows(units.index[(housing & units[column].isna()).to_numpy()], 5, lambda row, column=column: (
            Location(file, row=row, column=column), f"housing unit without '{column}'",
            f"'{column}' for every housing unit" + ("" if column == "housing_type" else " (0 if none)"),
            f"fill in '{column}'" + (" (one of " + ", ".join(HOUSING_TYPES) + ")" if column == "housing_type" else "")))


def _column_absent(users: pd.DataFrame, needed: pd.Series, column: str, file: str, what: str,
                   problems: ProblemCollector) -> bool:
    """One problem, not one per row, when no user has a value in a column that some need (the column deleted
    or left empty): True when it was added."""
    if needed.sum() < 2 or users[column].notna().any():
        return False
    problems.add(Location(file, row=1, column=column), f"no user has a value in '{column}' (is the column missing "
                 "or empty?)", what, f"add the column '{column}' to the header row and fill it in")
    return True


def _check_users(users: pd.DataFrame, units: pd.DataFrame, file: str, base_date: dt.date,
                 problems: ProblemCollector) -> None:
    unit_service = users["unit_id"].map(dict(zip(units["unit_id"], units["service"], strict=True)))
    expected = users["service"].map(UNIT_SERVICE_OF_USER)
    problems.add_rows(users.index[(unit_service != expected).to_numpy()], 5, lambda row: (
        Location(file, row=row, column="unit_id"),
        f"a {users.at[row, 'service']} user in unit '{users.at[row, 'unit_id']}', which provides {unit_service[row]}",
        f"a unit providing {expected[row]}", "correct the unit id or the user's service"))
    level_service = users["service"].isin(LEVEL_SERVICES)
    if not _column_absent(users, level_service, "level", file, "each daily-activity and housing user's need level "
                          "1–8 (nivåbedömning)", problems):
        problems.add_rows(users.index[(level_service & users["level"].isna()).to_numpy()], 5, lambda row: (
            Location(file, row=row, column="level"), f"a {users.at[row, 'service']} user without a level",
            "a need level 1–8 (nivåbedömning)", "fill in the user's assessed level"))
    problems.add_rows(users.index[(~level_service & users["level"].notna()).to_numpy()], 5, lambda row: (
        Location(file, row=row, column="level"),
        f"a level given for a {users.at[row, 'service']} user, where levels are not used",
        "an empty level for external places and personal assistance",
        "clear the cell (levels apply to daily activity and housing)"))
    needs_hours = users["service"].isin(HOURS_SERVICES)
    if not _column_absent(users, needs_hours, "weekly_hours", file, "hours per week of each daily-activity and "
                          "personal-assistance user (tidsomfattning)", problems):
        problems.add_rows(users.index[(needs_hours & users["weekly_hours"].isna()).to_numpy()], 5, lambda row: (
            Location(file, row=row, column="weekly_hours"),
            f"a {users.at[row, 'service']} user without weekly hours",
            "hours per week (daily activity: scheduled attendance; assistance: granted hours)",
            "fill in weekly_hours"))
    ext = users["service"] == "externa_platser"
    problems.add_rows(users.index[(ext & users["day_price"].isna()).to_numpy()], 5, lambda row: (
        Location(file, row=row, column="day_price"), "an external place without a day price",
        "the price per day (dygnspris) in SEK", "fill in day_price"))
    born_later = users["birth_year"] > users["start_date"].dt.year
    problems.add_rows(users.index[born_later.to_numpy()], 5, lambda row: (
        Location(file, row=row, column="birth_year"),
        f"birth year {users.at[row, 'birth_year']:g} is after the start date {users.at[row, 'start_date'].date()}",
        "a birth year on or before the year the decision was first executed",
        "correct the birth year or the start date"))
    year_end = dt.date(base_date.year, 12, 31)
    late = users["start_date"] > pd.Timestamp(year_end)
    problems.add_rows(users.index[late.to_numpy()], 5, lambda row: (
        Location(file, row=row, column="start_date"),
        f"start date {users.at[row, 'start_date'].date()} is after the base year {base_date.year}",
        f"a start date on or before {year_end}", "correct the date or remove users who have not started"))
    assessed_late = users["level_assessed"] > pd.Timestamp(year_end)
    problems.add_rows(users.index[assessed_late.to_numpy()], 5, lambda row: (
        Location(file, row=row, column="level_assessed"),
        f"level assessment date {users.at[row, 'level_assessed'].date()} is after the base year {base_date.year}",
        f"the date of the latest assessment on or before {year_end}, whose level is in the 'level' column",
        f"correct the date (the year?); a user reassessed after {base_date.year}: give the level and date in force "
        "in the base year, or move the scenario's base_date (compared with a scenario at another base date, every "
        "unit then moves by the wages and prices in force at each)"))


def data_quality_warnings(data: Municipality, base_date: dt.date, files: dict[str, str]) -> list[Warning_]:
    """Named, non-fatal checks: over-capacity premises, unsuitable levels, units in premises of another kind,
    stale level assessments, unused premises, units without a roster, and implausible or ignored user values.
    ``files``: each table's file as messages show it (``table_files``)."""
    users_file = files["users"]
    warnings: list[Warning_] = []
    users, units, premises = data.users, data.units, data.premises
    premises_of_user = users["unit_id"].map(dict(zip(units["unit_id"], units["premises_id"], strict=True)))
    counts = premises_of_user.value_counts()
    capacity = premises.set_index("premises_id")["capacity"]
    for pid, n in counts.items():
        if pid in capacity.index and n > capacity[pid]:
            warnings.append(Warning_("capacity_exceeded", Location(file=files["premises"], path=str(pid)),
                                     f"{n} users in premises with capacity {capacity[pid]:g}: the run costs them "
                                     "as they are; correct the capacity in premises.csv or the users' unit_id if "
                                     "either is wrong",
                                     tuple(sorted(units.loc[units["premises_id"] == pid, "unit_id"]))))
    bounds = premises.set_index("premises_id")[["min_level", "max_level"]]
    lo = premises_of_user.map(bounds["min_level"])
    hi = premises_of_user.map(bounds["max_level"])
    unsuitable = users["level"].notna() & ((users["level"] < lo) | (users["level"] > hi))
    for row in users.index[unsuitable.fillna(False).to_numpy(dtype=bool)]:
        warnings.append(Warning_("level_not_suitable", Location(file=users_file, row=int(row), column="level"),
                                 f"level {users.at[row, 'level']:g} outside the premises' levels {lo[row]:g}–{hi[row]:g}",
                                 (str(users.at[row, "unit_id"]),)))
    warnings += _unused_and_unstaffed(data, files)
    warnings += _low_rents(premises, units, files["premises"])
    warnings += _implausible_user_values(users, users_file)
    warnings += _premises_kind_mismatches(units, premises, files["units"])
    return warnings + _stale_assessments(users, base_date, users_file)


def _stale_assessments(users: pd.DataFrame, base_date: dt.date, users_file: str) -> list[Warning_]:
    """Level users whose latest assessment is missing or over STALE_ASSESSMENT_DAYS old, one warning each; one
    warning in all when no level user has a date (the optional column left out or empty: 440 identical lines hid
    the rest, steward walk)."""
    level_users = users["service"].isin(LEVEL_SERVICES)
    assessed = pd.to_datetime(users["level_assessed"])
    if level_users.sum() >= 2 and assessed[level_users].isna().all():
        return [Warning_("stale_level_assessment", Location(file=users_file, column="level_assessed"),
                         f"no user has a level assessment date (is the column 'level_assessed' missing or empty?): the "
                         f"{int(level_users.sum())} daily-activity and housing users' levels are used as they are, "
                         "unchecked for age; add the column with the date of each user's latest assessment "
                         "(nivåbedömning)")]
    age_days = (pd.Timestamp(base_date) - assessed).dt.days
    stale = level_users & (assessed.isna() | (age_days > STALE_ASSESSMENT_DAYS))
    return [Warning_("stale_level_assessment", Location(file=users_file, row=int(row), column="level_assessed"),
                     ("no level assessment date (the cell is empty)" if pd.isna(assessed[row]) else
                      f"no level assessment within {STALE_ASSESSMENT_DAYS} days of {base_date}")
                     + ": the level is used as it is; reassess it, or fill in the date of the latest assessment",
                     (str(users.at[row, "unit_id"]),)) for row in users.index[np.asarray(stale, dtype=bool)]]


def _premises_kind_mismatches(units: pd.DataFrame, premises: pd.DataFrame, units_file: str) -> list[Warning_]:
    """A daily-activity unit in premises not of kind dv_lokal, or a housing unit whose housing_type is not its
    premises' kind: a unit put in the wrong premises (a slipped premises_id) is costed with their rent and levels
    without a word (steward walk: DV01 in a group home's premises)."""
    kind = units["premises_id"].map(dict(zip(premises["premises_id"], premises["kind"], strict=True)))
    housing = units["service"].isin(HOUSING_SERVICES)
    expected = units["housing_type"].where(housing, "dv_lokal").where(housing | (units["service"] == "daglig_verksamhet"))
    odd = expected.notna() & kind.notna() & (kind != expected)
    return [Warning_("premises_kind_mismatch", Location(file=units_file, row=int(i), column="premises_id"),
                     f"a {units.at[i, 'service']} unit" + (f" with housing_type '{expected[i]}'" if housing[i] else "")
                     + f" in premises '{units.at[i, 'premises_id']}' of kind '{kind[i]}' (expected kind "
                     f"'{expected[i]}'): the run costs the unit with these premises' rent and levels; correct the "
                     "unit's premises_id" + (" or housing_type" if housing[i] else "") + ", or the premises' kind in "
                     "premises.csv", (str(units.at[i, "unit_id"]),))
            for i in units.index[odd.to_numpy(dtype=bool)]]


def _unused_and_unstaffed(data: Municipality, files: dict[str, str]) -> list[Warning_]:
    """Premises no unit uses (their rent is in no cost), units with neither users nor roster rows (costed as
    vacant), own units with users but no roster rows (their whole need shows as a gap), and roster roles the
    unit's service does not use."""
    users, units, premises, staff = data.users, data.units, data.premises, data.staff
    used, rostered = set(units["premises_id"].dropna()), set(staff["unit_id"])  # once: per row it was quadratic
    found = [Warning_("premises_unused", Location(file=files["premises"], path=str(pid)),
                      f"no unit uses these premises: their rent ({rent:,.0f} SEK/year) is in no unit's cost")
             for pid, rent in zip(premises["premises_id"], premises["annual_rent"], strict=True)
             if pid not in used]
    empty = units[~units["unit_id"].isin(users["unit_id"]) & ~units["unit_id"].isin(staff["unit_id"])]
    found += [Warning_("unit_empty", Location(file=files["units"], path=str(uid)),
                       f"unit '{uid}' has no users and no roster rows, yet its fixed hours, fixed costs and a share of "
                       "its premises' rent are costed (as a vacant unit): a misspelt unit_id, or a unit not yet "
                       "open? Remove the row if it is not a unit of the base year", (str(uid),))
              for uid in empty["unit_id"]]
    own = units[(units["regi"] == "egen") & units["unit_id"].isin(users["unit_id"])]
    found += [Warning_("no_roster", Location(file=files["staff"], path=str(uid)),
                       f"unit '{uid}' has users but no roster rows: its whole need shows as a staffing gap", (str(uid),))
              for uid in own["unit_id"] if uid not in rostered]
    service = staff["unit_id"].map(dict(zip(units["unit_id"], units["service"], strict=True)))
    foreign = [i for i in staff.index if staff.at[i, "role"] not in SERVICE_ROLES.get(service[i], ())]
    found += [Warning_("role_not_of_service", Location(file=files["staff"], row=int(i), column="role"),
                       f"role '{staff.at[i, 'role']}' in a {service[i]} unit, whose required staff are "
                       + ", ".join(SERVICE_ROLES.get(service[i], ())) + ": its FTE count against the unit's need",
                       (str(staff.at[i, "unit_id"]),)) for i in foreign]
    return found


def _low_rents(premises: pd.DataFrame, units: pd.DataFrame, premises_file: str) -> list[Warning_]:
    """A rent above 0 but under LOW_PER_PLACE_SEK a place a year, as the premises candidates are checked: typed in
    tkr (1 120 for 1 120 000) it costs the premises a thousandth of their rent without a word (new-board walk: the
    parameter files and other_services.csv had floors, the premises' rent none). 0 is taken as meant. The tkr
    reading is offered only where it is a rent a place may have (at most HIGH_PER_PLACE_SEK)."""
    places = premises["capacity"].astype(float)
    rent = premises["annual_rent"].astype(float)
    per_place = rent / places.where(places > 0)
    low = places.gt(0) & rent.gt(0) & per_place.lt(LOW_PER_PLACE_SEK)
    return [Warning_("rent_implausible", Location(file=premises_file, row=int(i), column="annual_rent"),
                     f"a rent of {rent[i]:,.10g} SEK a year for {places[i]:g} places is {per_place[i]:,.4g} SEK "
                     f"a place, under {LOW_PER_PLACE_SEK:,} (the demo's premises rent from about 20,000 SEK a place a "
                     "year) — " + (f"written in tkr? amounts are in SEK: {shown_sek(rent[i])} tkr is {whole_sek(rent[i] * 1e3)}; "
                                   if per_place[i] * 1e3 <= HIGH_PER_PLACE_SEK else
                                   "very low for premises: check the rent and the places; ")
                     + "correct the cell, or leave it if the rent is right",
                     tuple(sorted(units.loc[units["premises_id"] == premises.at[i, "premises_id"], "unit_id"])))
            for i in premises.index[low.to_numpy(dtype=bool)]]


def _implausible_user_values(users: pd.DataFrame, users_file: str) -> list[Warning_]:
    """Values the model ignores for the user's service, and daily-activity hours outside a working week."""
    found = []
    for column, services in (("weekly_hours", HOURS_SERVICES), ("day_price", ("externa_platser",))):
        ignored = users[column].notna() & ~users["service"].isin(services)
        found += [Warning_("value_ignored", Location(file=users_file, row=int(i), column=column),
                           f"{column} given for a {users.at[i, 'service']} user, where it is not used (only "
                           + ", ".join(services) + ")", (str(users.at[i, "unit_id"]),))
                  for i in users.index[ignored.to_numpy()]]
    dear = (users["service"] == "externa_platser") & (users["day_price"] > MAX_DAY_PRICE)
    found += [Warning_("day_price_implausible", Location(file=users_file, row=int(i), column="day_price"),
                       f"an external place at {users.at[i, 'day_price']:,.0f} SEK a day, "
                       f"{users.at[i, 'day_price'] * 365 / 1e6:,.1f} MSEK a year (above {MAX_DAY_PRICE:,} a day, "
                       "more than the highest need level costs, F0155): a monthly or yearly price typed as the day "
                       "price? The run costs it as given", (str(users.at[i, "unit_id"]),))
              for i in users.index[dear.fillna(False).to_numpy(dtype=bool)]]
    return (found + _cheap_day_prices(users, users_file) + _adult_age_and_hours(users, users_file)
            + _sfb_hours_below_eligibility(users, users_file))


def _sfb_hours_below_eligibility(users: pd.DataFrame, users_file: str) -> list[Warning_]:
    """One warning for the SFB cases with at most SFB_MIN_BASIC_NEEDS_HOURS weekly_hours, which state assistance
    cannot have: each was priced as the municipality's share of a state case without a word (15 or 18 hours a week
    of LSS assistance typed as SFB, or hours a day). Left to the shares-of-full-time warning when the
    service's median says the whole column is shares."""
    hours = users["weekly_hours"].where(users["service"] == "personlig_assistans_sfb")
    low = hours.le(SFB_MIN_BASIC_NEEDS_HOURS)
    if not low.any() or hours.median() <= SHARE_OF_FULL_TIME_MEDIAN:
        return []
    rows = users.index[low.to_numpy(dtype=bool)]
    named = ", ".join(f"row {i} ({users.at[i, 'user_id']}, {hours[i]:g} h)" for i in rows[:SFB_ROWS_NAMED])
    more = f" and {len(rows) - SFB_ROWS_NAMED} more" if len(rows) > SFB_ROWS_NAMED else ""
    return [Warning_("weekly_hours_implausible", Location(file=users_file, row=int(rows[0]), column="weekly_hours"),
                     f"{len(rows)} personlig_assistans_sfb {'user has' if len(rows) == 1 else 'users have'} "
                     f"weekly_hours of at most {SFB_MIN_BASIC_NEEDS_HOURS} — {named}{more}: state assistance "
                     f"(assistansersättning, SFB 51 kap.) requires basic needs of more than {SFB_MIN_BASIC_NEEDS_HOURS} "
                     "hours a week on average, so such a case cannot have it. LSS assistance typed as SFB (the "
                     "municipality pays all its hours: service personlig_assistans_lss), or hours a day in "
                     "weekly_hours (18 a day is 126 a week)? Correct the service or the hours; the run prices each "
                     "as given, as the municipality's share of a state case",
                     tuple(sorted(users.loc[rows, "unit_id"].astype(str).unique())))]


def _cheap_day_prices(users: pd.DataFrame, users_file: str) -> list[Warning_]:
    """External places under MIN_DAY_PRICE a day (0 is taken as meant): a price typed in tkr (4,5 for 4 500) cost a
    new board's place 1 647 SEK a year instead of 1.6 MSEK without a word (new-board re-walk). The tkr reading is
    offered only where it is a day price at all (at most MAX_DAY_PRICE)."""
    price = users["day_price"].astype(float)
    cheap = (users["service"] == "externa_platser") & price.gt(0) & price.lt(MIN_DAY_PRICE)
    return [Warning_("day_price_implausible", Location(file=users_file, row=int(i), column="day_price"),
                     f"an external place at {price[i]:,.10g} SEK a day (under {MIN_DAY_PRICE:,} a day; the demo's "
                     "external places cost from 4,780) — "
                     + (f"written in tkr? day_price is in SEK: {shown_sek(price[i])} tkr is {whole_sek(price[i] * 1e3)} SEK a "
                        "day; " if price[i] * 1e3 <= MAX_DAY_PRICE else "very low for a day of a bought place: ")
                     + "correct the cell, or leave it if the price is right. The run costs it as given",
                     (str(users.at[i, "unit_id"]),))
            for i in users.index[cheap.fillna(False).to_numpy(dtype=bool)]]


def _adult_age_and_hours(users: pd.DataFrame, users_file: str) -> list[Warning_]:
    """Adults' services started before adult age, and daily-activity hours outside a working week."""
    found = []
    adult = users["service"].isin(["daglig_verksamhet", "bostad_vuxna"])
    young = adult & (users["start_date"].dt.year - users["birth_year"] < ADULT_SERVICE_MIN_START_AGE)
    found += [Warning_("start_before_adult_age", Location(file=users_file, row=int(i), column="start_date"),
                       f"a {users.at[i, 'service']} user (born {users.at[i, 'birth_year']:g}) whose decision was first "
                       f"executed on {users.at[i, 'start_date'].date()}, at about "
                       f"{users.at[i, 'start_date'].year - users.at[i, 'birth_year']:g} years old: an adults' service "
                       f"(from {ADULT_SERVICE_MIN_START_AGE} at the earliest); correct the birth year or the start date "
                       "— the run does not use the start date", (str(users.at[i, "unit_id"]),))
              for i in users.index[young.fillna(False).to_numpy(dtype=bool)]]
    return found + _hours_as_shares(users, users_file) + _daily_activity_hours(users, users_file)


def _daily_activity_hours(users: pd.DataFrame, users_file: str) -> list[Warning_]:
    """Daily-activity users with 0 or more than a working week of hours, one warning each — those with more as one
    warning for the service when they are most of its users: hours written as percent of full time under a plain
    weekly_hours header (75 for 30 hours) gave a new board 385 warnings each saying 'a typing mistake' (re-walk)."""
    hours = users["weekly_hours"].where(users["service"] == "daglig_verksamhet")
    above = hours.gt(DV_MAX_WEEKLY_HOURS)
    percent = bool(2 * above.sum() > hours.notna().sum())
    odd = hours.eq(0) | (above & (not percent))
    return (_hours_as_percent(users, above, users_file) if percent else []) + _hours_as_a_share(hours, users, users_file) + [
        Warning_("weekly_hours_implausible", Location(file=users_file, row=int(i), column="weekly_hours"),
                 f"a daily-activity user with {hours[i]:g} hours a week (expected above 0 and at most a working week, "
                 f"{DV_MAX_WEEKLY_HOURS} h): the run allocates them as given; correct weekly_hours if it is a typing "
                 "mistake", (str(users.at[i, "unit_id"]),))
        for i in users.index[odd.to_numpy(dtype=bool)]]


def _hours_as_a_share(hours: pd.Series, users: pd.DataFrame, users_file: str) -> list[Warning_]:
    """Daily-activity users with more than 0 and under one hour a week, one warning each, when the service's median is
    above SHARE_OF_FULL_TIME_MEDIAN (below, _hours_as_shares says it once for the column): one user's 30 hours typed as
    0.75 cut their cost by 77 % without a word (bad-input fuzz). One hour a week can be a schedule; under one is no
    day's attendance."""
    if not hours.median() > SHARE_OF_FULL_TIME_MEDIAN:
        return []
    low = hours.gt(0) & hours.lt(1)
    return [Warning_("weekly_hours_implausible", Location(file=users_file, row=int(i), column="weekly_hours"),
                     f"a daily-activity user with {hours[i]:g} hours a week: a share of full time ({hours[i]:g} of a "
                     f"{FULL_TIME_WEEK_HOURS}-hour week is {hours[i] * FULL_TIME_WEEK_HOURS:g} hours)? weekly_hours is "
                     "hours a week; the run allocates them as given", (str(users.at[i, "unit_id"]),))
            for i in users.index[low.to_numpy(dtype=bool)]]


def _hours_as_percent(users: pd.DataFrame, above: pd.Series, users_file: str) -> list[Warning_]:
    """One warning for the daily-activity users ``above`` a working week, most of the service's: their hours written
    as percent of full time, with the factor that makes them hours (FULL_TIME_WEEK_HOURS / 100)."""
    median = users.loc[above, "weekly_hours"].median()
    return [Warning_("weekly_hours_implausible", Location(file=users_file, row=int(users.index[above][0]),
                                                          column="weekly_hours"),
                     f"{above.sum()} of the {(users['service'] == 'daglig_verksamhet').sum()} daglig_verksamhet users "
                     f"have more weekly_hours than a working week ({DV_MAX_WEEKLY_HOURS} h), median {median:g}: percent "
                     f"of full time? {median:g} % is {median * FULL_TIME_WEEK_HOURS / 100:g} hours of a "
                     f"{FULL_TIME_WEEK_HOURS}-hour week: if the whole column is percent, multiply it by "
                     f"{FULL_TIME_WEEK_HOURS / 100:g} (rows already in hours stay as they are; a board "
                     "whose full-time week is shorter takes its own); the run allocates them as given",
                     tuple(sorted(users.loc[above, "unit_id"].astype(str).unique())))]


def _hours_as_shares(users: pd.DataFrame, users_file: str) -> list[Warning_]:
    """One warning per hours service whose weekly_hours have a median of at most SHARE_OF_FULL_TIME_MEDIAN: hours
    written as shares of full time (0.75 for 75 %) pass every range, and a new board's daily activity was costed at
    a fifth of its cost (new-board walk)."""
    hours = users[users["service"].isin(HOURS_SERVICES) & users["weekly_hours"].notna()]
    found = []
    for service, rows in hours.groupby("service"):
        median = rows["weekly_hours"].median()
        if median <= SHARE_OF_FULL_TIME_MEDIAN:
            found.append(Warning_(
                "weekly_hours_implausible", Location(file=users_file, row=int(rows.index[0]), column="weekly_hours"),
                f"the {len(rows)} {service} users' weekly_hours have a median of {median:g} hours a week: hours "
                f"written as shares of full time (0.75 for 75 %)? weekly_hours is hours a week, e.g. "
                f"{hours_of_full_time(75)}; the run allocates them as given",
                tuple(sorted(rows["unit_id"].astype(str).unique()))))
    return found
