"""The section manager's shift plan for a daily-activity unit, or several staffed together (model.md
§5): the attendance schedules joined to the users' need levels, the staff needed per slot, the
least-hours shift plan, the actual staff schedule against both, the weekly figures set beside the
units' allocation, and — for several units — what staffing them together saves.

Works on in-memory tables and a loaded scenario (its users, parameters and base-year allocation);
the CLI and the API read the files and write the results."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector, Warning_, did_you_mean
from resmodel.planning.shifts import (
    DAY_LABELS,
    DAY_MINUTES,
    LEAST_HOURS,
    SHIFTS_FOUND,
    TIME_LIMIT,
    WEEKDAYS,
    WORKDAYS,
    ShiftRules,
    clock,
    coverage,
    day_summary,
    plan_shifts,
    short_periods,
    slot_need,
    widen_to,
)

SERVICE = "daglig_verksamhet"
#: users whose attended hours differ from users.csv's weekly_hours by more than this share (and an hour) are named
HOURS_TOLERANCE = 0.10


@dataclass(frozen=True)
class ShiftRun:
    """Everything ``resmodel shift-plan`` reports for one unit or several staffed together."""

    unit_ids: tuple[str, ...]
    rules: ShiftRules
    need: pd.DataFrame          # per weekday and slot: users, need, planned (and actual) staff
    plan: pd.DataFrame          # the least-hours shifts
    summary: pd.DataFrame       # per weekday and the week
    comparison: pd.DataFrame    # weekly figures beside the allocation: hours, FTE, SEK
    short: pd.DataFrame | None  # the roster's understaffed periods (None without a roster)
    pooling: pd.DataFrame | None  # several units: each alone, apart, together, saving (None for one unit)
    statuses: dict[str, str]
    warnings: list[str]
    closed: list[str]           # weekdays Monday–Friday with neither attendance nor roster while others have some


def shift_rules(snapshot, slot_minutes: int = 30, min_staff: int = 1) -> ShiftRules:
    """The snapshot's shift rules (``shift_rules.*``, hours) in minutes on a ``slot_minutes`` grid; each rule
    that cannot be planned with is a located error at its parameter, all in one error (a 60-minute grid refused the
    30-minute break, then, once fixed, the 90 minutes around it — docs-truth check)."""
    def minutes(name: str) -> int:
        return int(round(snapshot[f"shift_rules.{name}"] * 60))

    rules = ShiftRules(slot_minutes=slot_minutes, min_shift_minutes=minutes("min_shift_hours"),
                       max_shift_minutes=minutes("max_shift_hours"),
                       max_work_without_break_minutes=minutes("max_work_without_break"),
                       break_minutes=minutes("break_hours"),
                       min_work_around_break_minutes=minutes("min_work_around_break"), min_staff=min_staff)
    problems = ProblemCollector()
    fits = [s for s in (60, 30, 15) if s != slot_minutes and not dataclasses.replace(rules, slot_minutes=s).problems()]
    for field, problem in rules.problems():
        if field in ("slot_minutes", "min_staff"):
            problems.add(Location(path=f"--{field.replace('_', '-')}"), problem,
                         "15, 30 or 60 minutes" if field == "slot_minutes" else "0 or more staff",
                         f"correct --{field.replace('_', '-')}")
            continue
        path = "shift_rules." + {"min_shift_minutes": "min_shift_hours", "max_shift_minutes": "max_shift_hours",
                                 "break_minutes": "break_hours"}.get(field, field.removesuffix("_minutes"))
        trace = snapshot.trace(path)
        other = f", or use --slot-minutes {fits[0]}" if fits else ""
        if field == "break_minutes" and "no shift can hold its break" in problem:  # three rules together
            other = " (or shift_rules.min_work_around_break, or shift_rules.max_shift_hours)" + other
        problems.add(trace.location or Location(path=path), problem,
                     f"shift rules in hours, in whole {slot_minutes}-minute slots, that allow a shift with one break",
                     f"set '{path}' in the parameters block of a scenario (docs/shift-plan.md §4){other}")
    problems.raise_if_any()
    return rules


def check_units(units: pd.DataFrame, unit_ids: list[str]) -> None:
    """Each planned unit must be a daily-activity unit of units.csv, named once."""
    known = units.set_index("unit_id")["service"]
    for unit_id in unit_ids:
        if unit_id not in known.index:
            raise InputError.at(Location(path="--unit"), f"unknown unit '{unit_id}'", "a unit_id of units.csv",
                                did_you_mean(unit_id, sorted(known.index)) + "correct --unit")
        if known[unit_id] != SERVICE:
            raise InputError.at(Location(path="--unit"), f"unit '{unit_id}' is {known[unit_id]}, not daily activity",
                                "a daily-activity unit (daglig_verksamhet): its need per slot is the staff ratio of "
                                "the users present", "choose a daily-activity unit; housing is staffed by shifts "
                                "around the clock (bostad_vuxna.shifts) and is not planned by attendance")
    repeated = sorted({u for u in unit_ids if unit_ids.count(u) > 1})
    if repeated:
        raise InputError.at(Location(path="--unit"), f"unit '{repeated[0]}' is named twice", "each unit once",
                            "remove the repeated --unit")


def roster_warnings(warnings: list[Warning_], unit_ids: list[str]) -> list[Warning_]:
    """The run's roster_implausible warnings that concern a planned unit (its roster in staff.csv far off its need):
    the plan compares its staff with that roster, so the CLI and the API show them beside the plan."""
    return [w for w in warnings if w.check == "roster_implausible" and set(w.units) & set(unit_ids)]


def unit_attendance(users: pd.DataFrame, units: pd.DataFrame, unit_ids: list[str],
                    attendance: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``attendance`` (rows of one or more ``read_attendance`` files, with the columns ``source`` and
    ``row`` that name them) with every row's need level and unit: the row's own, else the user's in
    users.csv; a user outside the planned units counts in the only one planned (with a warning), or
    must say its unit when several are. Refuses a user with no level and a user in two files at once;
    warns about changed levels, new users, users of the units without attendance, and attended hours
    far from users.csv's time extent."""
    check_units(units, unit_ids)
    own = users[users["service"].eq(SERVICE).to_numpy()].drop_duplicates("user_id").set_index("user_id")
    table = attendance.reset_index(drop=True)
    listed = table["user_id"].map(own["level"])
    written = table["level"].notna()  # the rows that carry a level in the file (the warning names one of them)
    # a level written on some of a user's rows is the user's (a changed assessment), not that row's alone
    table["level"] = table["level"].fillna(table.groupby("user_id")["level"].transform("first"))

    def refuse(mask: pd.Series, column: str, problem, expected: str, fix: str, hint=lambda i: "") -> None:
        for i in np.flatnonzero(mask.to_numpy())[:1]:
            raise InputError.at(Location(table.at[i, "source"], row=int(table.at[i, "row"]), column=column),
                                problem(i), expected, hint(i) + fix)

    listed_ids = set(users["user_id"])

    def mistyped(i: int) -> str:  # 'u0282' for U0282: the id, not the level, is what to correct
        hint = did_you_mean(table.at[i, "user_id"], own.index)
        return hint + "correct the id (ids are compared exactly, case included), or " if hint else ""

    refuse(table["level"].isna() & listed.isna(), "level", lambda i: (
        f"user '{table.at[i, 'user_id']}' " + ("has no need level in users.csv" if table.at[i, "user_id"] in own.index
                                                else "is not a daily-activity user in users.csv")
        + " and the row gives none"), "a level 1–8 in the row, or the user with a level in users.csv",
        "fill in 'level' for this user (a new user, or a changed assessment)", lambda i: mistyped(i) + (
            "" if table.at[i, "user_id"] in listed_ids  # in users.csv, of this service or another: has not left
            else "remove the user's rows if the user has left (an attendance file copied from an earlier week), or "))
    listed_unit = table["user_id"].map(own["unit_id"])
    unit = table["unit_id"].fillna(listed_unit.where(listed_unit.isin(unit_ids)))
    refuse(table["unit_id"].notna() & ~table["unit_id"].isin(unit_ids), "unit_id", lambda i: (
        f"unit '{table.at[i, 'unit_id']}' is not among the units planned ({', '.join(unit_ids)})"),
        "one of the units given with --unit", "correct unit_id, or add the unit with --unit")
    if len(unit_ids) > 1:
        refuse(unit.isna(), "unit_id", lambda i: (
            f"user '{table.at[i, 'user_id']}' is in none of the units planned in users.csv and the row names none"),
            "the unit_id the user belongs to when several units are planned",
            "fill in 'unit_id' (one of " + ", ".join(unit_ids) + ")")
    # one user twice at the same time (in two files, or one file given twice) would count twice
    order = table.sort_values(["user_id", "weekday", "start"], kind="stable")
    same = order["user_id"].eq(order["user_id"].shift()) & order["weekday"].eq(order["weekday"].shift())
    clash = (same & (order["start"] < order["end"].shift())).reindex(table.index)
    before = pd.Series(order.index, index=order.index).shift().reindex(table.index)
    refuse(clash, "start", lambda i: (
        f"user '{table.at[i, 'user_id']}' is present in two rows that overlap on {table.at[i, 'weekday']} (the other "
        f"is row {table.at[int(before[i]), 'row']} of {table.at[int(before[i]), 'source']})"),
        "each user's attendance once", "remove the repeated rows (or the file given twice)")
    levels = table.groupby("user_id")["level"].transform(lambda v: v.nunique())

    def two_levels(i: int) -> str:
        given = table.loc[table["user_id"].eq(table.at[i, "user_id"]), "level"].dropna().unique()
        return (f"user '{table.at[i, 'user_id']}' has two different levels in the attendance ("
                + " and ".join(f"{v:g}" for v in sorted(given)) + ")")

    refuse(levels > 1, "level", two_levels, "one need level per user (the assessed level)",
           "give the same level on every row of the user, or none (users.csv's)")
    listed_units = listed_unit.notna() & table["unit_id"].isna()
    if listed_units.any() and not listed_unit[listed_units].isin(unit_ids).any():
        elsewhere = sorted(listed_unit[listed_units].unique())
        raise InputError.at(Location(path="--unit"), f"none of the attendance's users are in {', '.join(unit_ids)} "
                            f"in users.csv: they are in {', '.join(elsewhere[:5])}", "the unit(s) the attendance "
                            "belongs to", f"did you mean --unit {elsewhere[0]}? (or give unit_id on the rows of "
                            "users who are moving)")
    warnings = []
    if len(unit_ids) > 1:
        premises = units.set_index("unit_id").loc[unit_ids, "premises_id"]
        if premises.nunique() > 1:
            warnings.append("the units are in different premises (" + ", ".join(
                f"{u} {p}" for u, p in premises.items()) + "): planning them together assumes staff move between "
                "them during the day")
    changed = table["level"].notna() & listed.notna() & table["level"].ne(listed)
    if changed.any():
        i = np.flatnonzero((changed & written).to_numpy())[0]
        warnings.append(f"{table.at[i, 'source']}: {_count(table.loc[changed, 'user_id'].unique())} with a level "
                        f"other than in users.csv (first: '{table.at[i, 'user_id']}' level {int(table.at[i, 'level'])}"
                        f", users.csv {int(listed[i])}, row {table.at[i, 'row']}); the plan uses the attendance's on "
                        "all of the user's rows")
    table["level"] = table["level"].fillna(listed).astype(int)
    other = listed_unit.notna() & ~listed_unit.isin(unit_ids) & table["unit_id"].isna()
    if other.any():
        ids = sorted(table.loc[other, "user_id"].unique())
        files = ", ".join(table.loc[other, "source"].unique())
        where = ", ".join(sorted(listed_unit[other].unique()))
        warnings.append(f"{files}: {_count(ids)} in another unit in users.csv ({_names(ids)}; in {where}); planned "
                        f"in {unit_ids[0]}")
    table["unit_id"] = unit.fillna(unit_ids[0])
    unlisted = table[listed.isna().to_numpy()]
    for source, rows in unlisted.groupby("source", sort=False):
        new = sorted(rows["user_id"].unique())
        # an id that differs from a listed one only in case is that user mistyped ('u0282' for U0282)
        cased = {str(u).casefold(): u for u in own.index}
        named = [f"{u}, users.csv has {cased[u.casefold()]}" if u.casefold() in cased else u for u in new]
        warnings.append(f"{source}: {_count(new)} not among the daily-activity users of users.csv ({_names(named)}), "
                        "planned at the level in the file (check the id if the user is not new)")
    for unit_id in unit_ids:
        absent = sorted(set(own.index[own["unit_id"].eq(unit_id).to_numpy()]) - set(table["user_id"]))
        if absent:
            warnings.append(f"{_count(absent)} of {unit_id} in users.csv without attendance ({_names(absent)}); "
                            "the plan has no need for them")
    weekend = table["weekday"].isin(("sat", "sun"))
    if weekend.any():  # daily activity is a weekday service: a Saturday may be a slip for a Friday
        days = ", ".join(sorted(table.loc[weekend, "weekday"].unique(), key=("sat", "sun").index))
        files = ", ".join(table.loc[weekend, "source"].unique())
        warnings.append(f"{files}: {int(weekend.sum())} attendance row(s) on {days} (first: row "
                        f"{table.loc[weekend, 'row'].iloc[0]}); is the unit open then? The plan staffs those days too")
    attended = (table["end"] - table["start"]).groupby(table["user_id"]).sum() / 60.0
    extent = own["weekly_hours"].reindex(attended.index)
    far = extent.notna() & ((attended - extent).abs() > np.maximum(1.0, HOURS_TOLERANCE * extent))
    if far.any():
        ids = list(attended.index[far.to_numpy()])
        files = ", ".join(table.loc[table["user_id"].isin(ids), "source"].unique())
        warnings.append(f"{files}: {_count(ids)} with attended hours far from the time extent in users.csv (" + ", ".join(
            f"{u} {_hours(attended[u])} h against {_hours(extent[u])} h" for u in ids[:5]) + (", …" if len(ids) > 5 else "")
            + "); the plan follows the attendance, the allocation users.csv" + _without(closed_weekdays(table["weekday"])))
    return table, warnings


def _without(days: list[str]) -> str:
    """The hours warning's note on weekdays the attendance leaves out: a holiday week's users attend less."""
    return (f" (the attendance has nothing on {', '.join(days)}: in a week with a public holiday the users attend "
            "less than their time extent)") if days else ""


def closed_weekdays(days) -> list[str]:
    """The weekdays Monday–Friday without a row among ``days`` when others have one: a public holiday or a closed
    day, which the yearly figures (× open weeks) would count as missing from every week (section manager's walk)."""
    present = set(days)
    return [d for d in WORKDAYS if d not in present] if present & set(WORKDAYS) else []


def closed_weekday_warning(days: list[str], open_weeks: float, roster: bool) -> str:
    """The warning for ``closed_weekdays``: the yearly figures take every open week to look like this one."""
    named = ", ".join(days)
    return (f"no attendance{' and no roster' if roster else ''} on {named} while the other weekdays have some: a "
            f"public holiday or a closed day? The yearly figures (hours a year, FTE and SEK) count every one of the {open_weeks:g} open weeks as this one; plan a typical week for "
            f"the yearly figures (a unit closed on {named} every week can ignore this)")


def _count(ids) -> str:
    return f"{len(ids)} user" + ("" if len(ids) == 1 else "s")


def _names(ids: list[str]) -> str:
    return ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")


def shift_plan(attendance: pd.DataFrame, roster: pd.DataFrame | None, units: pd.DataFrame, staff_ratio: np.ndarray,
               rules: ShiftRules, constants, time_limit_s: float = 60, budget_s: float | None = None,
               roster_source: str = "the roster") -> ShiftRun:
    """Need, plan, roster comparison and weekly figures for one unit, or for several units staffed
    together (their users' need summed before rounding to whole staff, one plan for all; each unit's
    own plan beside it in ``pooling``, with the plans' FTE and cost a year). ``attendance`` has a
    level and a unit on every row (``unit_attendance``); ``units`` are the units' rows of the
    base-year allocation; ``constants`` the allocation's (open weeks, available hours per FTE, cost
    per FTE). Each solve has ``time_limit_s``; with ``budget_s`` all of them together have that much
    (then a late solve gets a second and returns the best plan it has)."""
    off = attendance[((attendance["start"] % rules.slot_minutes) + (attendance["end"] % rules.slot_minutes)).gt(0)
                     .to_numpy()]
    warnings = []
    if not off.empty:
        first = off.iloc[0]
        warnings.append(f"{len(off)} attendance row(s) off the {rules.slot_minutes}-minute grid (first: row "
                        f"{first['row']} of {first['source']}, {clock(first['start'])}–{clock(first['end'])}); a "
                        "user counts in every slot their attendance touches, so the need is rounded outwards (a "
                        "smaller --slot-minutes follows the times more closely)")
    need = slot_need(attendance, staff_ratio, rules)
    deadline = None if budget_s is None else time.monotonic() + budget_s  # the one clock: the core gets what is left
    time_limit = (time_limit_s, None if deadline is None else lambda: deadline - time.monotonic())
    statuses, plan = _solved(need, rules, time_limit, warnings, "")
    pooling = None
    unit_ids = tuple(units["unit_id"])
    if len(unit_ids) > 1:
        need, pooling = _apart(attendance, need, plan, unit_ids, staff_ratio, rules, time_limit, warnings)
    # the slot table spans the plan's shifts (a rule may make one longer than the need) and the roster's
    need = widen_to(need, plan if roster is None else pd.concat([plan, roster[plan.columns]]), rules)
    need = need.assign(planned=coverage(plan, need, rules))
    short = None
    if roster is not None:
        if len(unit_ids) > 1:
            warnings.append(f"the roster is compared with the need of {', '.join(unit_ids)} together: it must hold "
                            "the staff of all of them (one unit's roster shows the others' need as shortfall)")
        need["actual"] = coverage(roster, need, rules)
        short = short_periods(need)
        warnings += roster_rule_warnings(roster, rules, roster_source)
        idle = roster[~roster["weekday"].isin(set(attendance["weekday"])).to_numpy()]
        if not idle.empty:  # a 'lördag' typed for a Friday: hours that show only as a day row of the summary
            days = ", ".join(dict.fromkeys(idle["weekday"]))
            warnings.append(f"{len(idle)} roster shift(s) on {days}, when no user attends (first on row "
                            f"{idle.index[0]} of {roster_source}): their hours are staffing beyond the need — a "
                            "mistyped day, or a day the unit is open without users (a planning day)?" + (
                                f" The yearly figures count every one of the {constants.open_weeks:g} open weeks as "
                                "this one: a weekday without users in one week only (a bridge day) makes the need's "
                                "FTE too low — plan a typical week for them"
                                if set(idle["weekday"]) & set(WORKDAYS) else ""))
    summary = day_summary(need, plan, roster, rules)
    closed = closed_weekdays(summary["weekday"])
    if closed:
        warnings.insert(0, closed_weekday_warning(closed, constants.open_weeks, roster is not None))
    comparison = _comparison(need, summary, units, constants, rules)
    if pooling is not None:
        pooling["plan_fte"] = pooling["plan_hours"] * constants.open_weeks / constants.working_time.available_hours
        pooling["plan_cost_sek"] = pooling["plan_fte"] * constants.rates[SERVICE].cost_per_fte
        pooling = pooling.round(6)
    return ShiftRun(unit_ids, rules, need, plan, summary, comparison, short, pooling, statuses, warnings, closed)


#: the longest shift that leaves the 11 hours of daily rest in 24 of Arbetstidslagen (SFS 1982:673) 13 §
DAILY_REST_LIMIT_MINUTES = 13 * 60


def break_rule_warnings(roster: pd.DataFrame, rules: ShiftRules, source: str) -> list[str]:
    """The roster's breaks against the shift rules (``prepare_roster``'s rows): a break leaving less than
    ``shift_rules.min_work_around_break`` of work before or after it in its row — a break 08:00–15:30 in a shift
    07:30–16:00 is 7.5 hours off, unstaffed, as a typo would make it. A break merely longer than
    ``shift_rules.break_hours`` is not named: a one-hour lunch is an hour off (shift-plan.md), not a slip (review).
    One warning, naming how many rows and the first."""
    around = pd.concat([roster["break_start"] - roster["start"], roster["end"] - roster["break_end"]], axis=1).min(axis=1)
    rows = roster.index[around.lt(rules.min_work_around_break_minutes).to_numpy()]
    if not len(rows):
        return []
    first = rows[0]
    return [f"{len(rows)} roster break(s) leaving less than the rules' {rules.min_work_around_break_minutes / 60:g} h "
            f"of work on a side of it (shift_rules.min_work_around_break), first: row {first} of {source}, break "
            f"{clock(roster.at[first, 'break_start'])}–{clock(roster.at[first, 'break_end'])} in the shift "
            f"{clock(roster.at[first, 'start'])}–{clock(roster.at[first, 'end'])}: a break is time off, unstaffed and "
            f"unpaid, so the row counts {_hours(roster.at[first, 'work_minutes'] / 60)} h of work; check the break times"]


def roster_rule_warnings(roster: pd.DataFrame, rules: ShiftRules, roster_source: str) -> list[str]:
    """The roster's shifts against the shift rules, each shift as its person works it (``worked_shifts``: rows
    of one staff_id that follow on each other are one shift): longer than ``shift_rules.max_shift_hours``, and
    more work in a row than ``shift_rules.max_work_without_break`` between the breaks it has (Arbetstidslagen
    15 §). The first shift of each is named, with its rows in ``roster_source``."""
    shifts, stretches = worked_shifts(roster)
    warnings = []
    longest = rules.max_shift_minutes
    long = shifts[(shifts["end"] - shifts["start"]).gt(longest).to_numpy()]
    if not long.empty:
        first = long.iloc[0]
        span = first["end"] - first["start"]
        spans = long["end"] - long["start"]
        beyond = int(spans.gt(DAILY_REST_LIMIT_MINUTES).sum())  # any of them, not only the first named (docs review)
        rest = (f"; {beyond} of them over {DAILY_REST_LIMIT_MINUTES // 60} h, which leaves less than the 11 hours of "
                "daily rest of Arbetstidslagen 13 §" if beyond else "")
        warnings.append(f"{len(long)} roster shift(s) longer than the longest shift of the rules "
                        f"(shift_rules.max_shift_hours, {longest / 60:g} h; rows of one staff_id that follow on each "
                        f"other count as one shift), first: {_who(first)}{_span(first['start'], first['end'])}, "
                        f"{_hours(span / 60)} h, {_rows(first['rows'])} of {roster_source}{rest}")
    most = rules.max_work_without_break_minutes
    over = stretches[(stretches["end"] - stretches["start"]).gt(most).to_numpy()]
    if not over.empty:
        first = over.loc[over["shift"].map(shifts["rows"].str[0]).idxmin()]
        shift = shifts.loc[first["shift"]]
        why = ("with no break" if not shift["breaks"] else "before its break" if first["start"] == shift["start"]
               else "after its break" if first["end"] == shift["end"] else "between its breaks")
        warnings.append(f"{over['shift'].nunique()} roster shift(s) with more than {most / 60:g} h of work in a row "
                        f"(Arbetstidslagen 15 §), first: {_who(shift)}{_span(first['start'], first['end'])}, "
                        f"{_hours((first['end'] - first['start']) / 60)} h of work {why}, {_rows(shift['rows'])} of "
                        f"{roster_source}")
    return warnings + break_rule_warnings(roster, rules, roster_source)


def worked_shifts(roster: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The roster's shifts as worked, in minutes of the week (Monday 00:00 is 0): rows of one staff_id where
    one ends as the next starts (07:30–16:00 then 16:00–20:00, or 21:30–24:00 then Tuesday 00:00–07:00) are
    one shift; a row without staff_id is a shift of its own. Returns (shifts: staff_id, start, end, breaks
    (how many), rows (the spreadsheet rows, a list); stretches of work between breaks: shift, start, end)."""
    day = roster["weekday"].map({d: i * DAY_MINUTES for i, d in enumerate(WEEKDAYS)}).to_numpy(dtype=float)
    staff = roster["staff_id"] if "staff_id" in roster else pd.Series(None, index=roster.index, dtype=object)
    rows = pd.DataFrame({"person": staff.astype(object).where(staff.notna(), [f"\0{i}" for i in roster.index]),
                         "staff_id": staff, "start": day + roster["start"].to_numpy(), "end": day + roster["end"]
                         .to_numpy(), "break_start": day + roster["break_start"].to_numpy(dtype=float),
                         "break_end": day + roster["break_end"].to_numpy(dtype=float), "row": roster.index})
    rows = rows.sort_values(["person", "start"], kind="stable").reset_index(drop=True)
    rows["shift"] = (rows["person"].ne(rows["person"].shift()) | rows["start"].ne(rows["end"].shift())).cumsum() - 1
    shifts = rows.groupby("shift").agg(staff_id=("staff_id", "first"), start=("start", "min"), end=("end", "max"),
                                       breaks=("break_start", "count"), rows=("row", sorted))
    shifts = shifts.sort_values("rows", key=lambda rows: rows.str[0], kind="stable")  # in the file's order
    work = pd.concat([rows.assign(end=rows["break_start"].fillna(rows["end"])),
                      rows[rows["break_end"].notna()].assign(start=lambda r: r["break_end"])])
    work = work.sort_values(["shift", "start"], kind="stable")[["shift", "start", "end"]]
    stretch = (work["shift"].ne(work["shift"].shift()) | work["start"].ne(work["end"].shift())).cumsum()
    stretches = work.groupby(stretch.to_numpy()).agg(shift=("shift", "first"), start=("start", "min"),
                                                    end=("end", "max")).reset_index(drop=True)
    return shifts, stretches


def _who(shift: pd.Series) -> str:
    return "" if pd.isna(shift["staff_id"]) else f"{shift['staff_id']} on "


def _span(start: float, end: float) -> str:
    """Minutes of the week as 'mon 07:30–16:00', or 'mon 21:30–tue 07:00' across midnight."""
    first, last = int(start) // DAY_MINUTES, (int(end) - 1) // DAY_MINUTES
    return (f"{WEEKDAYS[first]} {clock(start - first * DAY_MINUTES)}–"
            + ("" if last == first else f"{WEEKDAYS[last]} ") + clock(end - last * DAY_MINUTES))


def _rows(rows: list) -> str:
    return f"row {rows[0]}" if len(rows) == 1 else "rows " + ", ".join(str(r) for r in rows[:-1]) + f" and {rows[-1]}"


def _hours(hours: float) -> str:
    """Hours for a message, to at most two decimals: 4.83, not 4.83333."""
    return f"{round(hours, 2):g}"


def _solved(need: pd.DataFrame, rules: ShiftRules, time_limit: tuple[float, Callable[[], float] | None], warnings: list[str],
            whose: str) -> tuple[dict[str, str], pd.DataFrame]:
    """``plan_shifts``, with a warning for a weekday stopped at the time limit (naming its hours and
    the least any plan could have); a weekday with no plan at all is a located error."""
    statuses, plan = plan_shifts(need, rules, *time_limit)
    failed = [d for d, s in statuses.items() if s not in SHIFTS_FOUND]
    if failed:  # the solver's time ran out before any covering plan: too large a problem for the limit
        coarser = " use 30-minute slots (15-minute ones make the programme about five times larger), or" \
            if rules.slot_minutes == 15 else ""
        raise InputError.at(Location(path="--slot-minutes"), f"the solver found no shift plan for "
                            f"{', '.join(failed)}{whose} (status {statuses[failed[0]]})", "an attendance schedule "
                            "the solver can plan in its time", f"{coarser} plan fewer units at a time".strip())
    hours = rules.slot_minutes / 60.0
    for day in (d for d, s in statuses.items() if s == TIME_LIMIT):
        planned = plan[plan["weekday"].eq(day).to_numpy()]
        warnings.append(
            f"the solver stopped at its time limit on {day}{whose}: the plan covers the need with "
            f"{(planned['work_minutes'] * planned['staff']).sum() / 60:g} h, and no plan can have fewer than "
            f"{need.loc[need['weekday'].eq(day), 'staff_needed'].sum() * hours:g} h (the need); fewer may be possible")
    ties = [d for d, s in statuses.items() if s == LEAST_HOURS]
    if ties:
        warnings.append(f"on {', '.join(ties)}{whose} the plan has the least hours possible, but the solver's time "
                        "ran out before it proved that no plan with those hours has fewer shifts")
    return statuses, plan


def _apart(attendance: pd.DataFrame, need: pd.DataFrame, plan: pd.DataFrame, unit_ids: tuple[str, ...],
           staff_ratio: np.ndarray, rules: ShiftRules, time_limit: tuple[float, Callable[[], float] | None],
           warnings: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each unit planned on its own: the need table gains ``staff_needed_apart`` (the units' whole-staff
    needs summed), and a table per unit and for the units apart and together: need hours, plan hours
    and shifts."""
    hours = rules.slot_minutes / 60.0
    keys = ["weekday", "slot_start"]
    apart = need[keys].assign(staff_needed_apart=0)
    rows = []
    for unit_id in unit_ids:
        own = slot_need(attendance[attendance["unit_id"].eq(unit_id).to_numpy()], staff_ratio, rules)
        _, own_plan = _solved(own, rules, time_limit, warnings, f" for {unit_id} alone")
        matched = apart[keys].merge(own[[*keys, "staff_needed"]], on=keys, how="left")["staff_needed"]
        apart["staff_needed_apart"] += matched.fillna(0).astype(int).to_numpy()
        rows.append((unit_id, own["staff_needed"].sum() * hours, (own_plan["work_minutes"] * own_plan["staff"]).sum()
                     / 60.0, int(own_plan["staff"].sum())))
    table = pd.DataFrame(rows, columns=["units", "need_hours", "plan_hours", "plan_shifts"])
    alone = table[["need_hours", "plan_hours", "plan_shifts"]].sum()
    together = (need["staff_needed"].sum() * hours, (plan["work_minutes"] * plan["staff"]).sum() / 60.0,
                int(plan["staff"].sum()))
    table.loc[len(table)] = ["apart", *alone]
    table.loc[len(table)] = ["together", *together]
    table.loc[len(table)] = ["saving", *(alone - pd.Series(together, index=alone.index))]
    table["plan_shifts"] = table["plan_shifts"].astype(int)
    return need.merge(apart, on=keys, how="left"), table


def _comparison(need: pd.DataFrame, summary: pd.DataFrame, units: pd.DataFrame, constants,
                rules: ShiftRules) -> pd.DataFrame:
    """Weekly staff hours of the need, the plan and the roster beside the allocation's, each also as
    full-time staff on the schedule (÷ contract hours a week, everyone present), per year (× open
    weeks), in FTE (÷ available hours per FTE: the staff it takes all year, leave and sickness
    covered) and SEK (× cost per FTE). The staff.csv row is the other way round: the employed FTE and
    the hours they deliver (FTE × available hours), a year and per open week. Values are rounded to six
    decimals (no float noise in the files)."""
    week = summary.set_index("weekday").loc["week"]
    unit = units[["direct_hours", "total_hours", "fte_roster", "roster_cost"]].sum()
    weeks = constants.open_weeks
    awt = constants.working_time.available_hours
    cost_per_fte = constants.rates[SERVICE].cost_per_fte
    contract = constants.working_time.hours_per_day * 5  # a full-time employee's hours a week
    slot_hours = rules.slot_minutes / 60.0
    rows = [
        ("allocation_direct", "Fördelning, direkt tid — the allocation's direct hours (users.csv time extent × "
         "staff ratio)", unit["direct_hours"] / weeks),
        ("need_exact", "Behov enligt beläggning — Σ staff ratio of the users present, per slot",
         float(need["staff_need_exact"].sum()) * slot_hours),
        ("need_whole_staff", "Behov i hela personer — the need rounded up to whole staff per slot",
         float(week["need_hours"])),
        ("plan", "Bemanningsplan — the least-hours shifts that cover the need", float(week["plan_hours"])),
    ]
    if "roster_hours" in week:
        rows.append(("roster", "Arbetsschema — the unit's staff schedule", float(week["roster_hours"])))
    rows.append(("allocation_total", "Fördelning, personaldel — the allocation's staff hours with indirect time and "
                 "fixed hours (its SEK is the staff part: the unit's allocation adds rent and other costs)",
                 unit["total_hours"] / weeks))
    table = pd.DataFrame(rows, columns=["measure", "label", "hours_per_week"])
    table["full_time_staff"] = table["hours_per_week"] / contract
    table["hours_per_year"] = table["hours_per_week"] * weeks
    table["fte"] = table["hours_per_year"] / awt
    table["cost_sek"] = table["fte"] * cost_per_fte
    staff_csv = pd.DataFrame([("staff_csv", "Anställda enligt staff.csv — the employed FTE (fte) and the hours "
                               "they deliver after leave and sickness, a year and per open week",
                               unit["fte_roster"] * awt / weeks, unit["fte_roster"] * awt / weeks / contract,
                               unit["fte_roster"] * awt, unit["fte_roster"], unit["roster_cost"])],
                             columns=table.columns)
    return pd.concat([table, staff_csv], ignore_index=True).round(6)



def need_grid(need: pd.DataFrame) -> pd.DataFrame:
    """The slot table as a grid a manager reads like a schedule: one row per time slot of any weekday,
    per weekday the staff needed (and, for several units, needed apart), planned and on the roster."""
    measures = [c for c in ("staff_needed", "staff_needed_apart", "planned", "actual") if c in need]
    words = {"staff_needed": "behov", "staff_needed_apart": "behov var för sig", "planned": "plan",
             "actual": "schema"}
    wide = need.pivot(index="slot_start", columns="weekday", values=measures)
    days = [d for d in DAY_LABELS if d in set(need["weekday"])]
    wide = wide.reindex(columns=pd.MultiIndex.from_product([measures, days])).fillna(0).astype(int)
    wide.columns = [f"{DAY_LABELS[d]} {words[m]}" for m, d in wide.columns]
    order = [f"{DAY_LABELS[d]} {words[m]}" for d in days for m in measures]
    return wide[order].rename_axis("slot_start").reset_index()
