"""The section manager's shift plan for one daily-activity unit (model.md §5): the unit's attendance
schedule joined to its users' need levels, the staff needed per slot, the least-hours shift plan, the
actual staff schedule against both, and the weekly figures set beside the unit's allocation.

Works on in-memory tables and a loaded scenario (its users, parameters and base-year allocation);
the CLI and the API read the files and write the results."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, did_you_mean
from resmodel.io.shifts import clock
from resmodel.planning.shifts import (
    SHIFTS_FOUND,
    ShiftRules,
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
    """Everything ``resmodel shift-plan`` reports for one unit."""

    unit_id: str
    rules: ShiftRules
    need: pd.DataFrame          # per weekday and slot: users, need, planned (and actual) staff
    plan: pd.DataFrame          # the least-hours shifts
    summary: pd.DataFrame       # per weekday and the week
    comparison: pd.DataFrame    # weekly figures beside the allocation: hours, FTE, SEK
    short: pd.DataFrame | None  # the roster's understaffed periods (None without a roster)
    statuses: dict[str, str]
    warnings: list[str]


def shift_rules(snapshot, slot_minutes: int = 30, min_staff: int = 1) -> ShiftRules:
    """The snapshot's shift rules (``shift_rules.*``, hours) in minutes on a ``slot_minutes`` grid; a rule
    that cannot be planned with is a located error at its parameter."""
    def minutes(name: str) -> int:
        return int(round(snapshot[f"shift_rules.{name}"] * 60))

    rules = ShiftRules(slot_minutes=slot_minutes, min_shift_minutes=minutes("min_shift_hours"),
                       max_shift_minutes=minutes("max_shift_hours"),
                       max_work_without_break=minutes("max_work_without_break"),
                       break_minutes=minutes("break_hours"),
                       min_work_around_break=minutes("min_work_around_break"), min_staff=min_staff)
    for field, problem in rules.problems()[:1]:
        if field in ("slot_minutes", "min_staff"):
            raise InputError.at(Location(path=f"--{field.replace('_', '-')}"), problem,
                                "15, 30 or 60 minutes" if field == "slot_minutes" else "0 or more staff",
                                f"correct --{field.replace('_', '-')}")
        path = "shift_rules." + {"min_shift_minutes": "min_shift_hours", "max_shift_minutes": "max_shift_hours",
                                 "break_minutes": "break_hours"}.get(field, field)
        trace = snapshot.trace(path)
        raise InputError.at(trace.location or Location(path=path), problem,
                            f"shift rules in whole {slot_minutes}-minute slots that allow a shift with one break",
                            f"correct '{path}' (in a scenario's parameters block, or the parameter file), or "
                            "choose another --slot-minutes")
    return rules


def unit_attendance(users: pd.DataFrame, units: pd.DataFrame, unit_id: str, attendance: pd.DataFrame,
                    display: str) -> tuple[pd.DataFrame, list[str]]:
    """``attendance`` (read_attendance) with every row's need level: the row's own, else the user's
    level in ``users``. Refuses a unit that is not daily activity and a user with no level to use;
    warns about users listed elsewhere, changed levels, users of the unit without attendance, and
    attended hours far from the time extent in users.csv."""
    known = units.set_index("unit_id")["service"]
    if unit_id not in known.index:
        raise InputError.at(Location(path="--unit"), f"unknown unit '{unit_id}'", "a unit_id of units.csv",
                            did_you_mean(unit_id, sorted(known.index)) + "correct --unit")
    if known[unit_id] != SERVICE:
        raise InputError.at(Location(path="--unit"), f"unit '{unit_id}' is {known[unit_id]}, not daily activity",
                            "a daily-activity unit (daglig_verksamhet): its need per slot is the staff ratio of "
                            "the users present", "choose a daily-activity unit; housing is staffed by shifts "
                            "around the clock (bostad_vuxna.shifts) and is not planned by attendance")
    own = users[users["service"].eq(SERVICE).to_numpy()].drop_duplicates("user_id").set_index("user_id")
    table = attendance.copy()
    listed = table["user_id"].map(own["level"])
    missing = table["level"].isna() & listed.isna()
    for row in table.index[missing.to_numpy()][:1]:
        user = table.at[row, "user_id"]
        where = "has no need level there" if user in own.index else "is not a daily-activity user in users.csv"
        raise InputError.at(Location(display, row=int(row), column="level"),
                            f"user '{user}' {where} and the row gives none", "a level 1–8 in the row, or the user "
                            "with a level in users.csv", "fill in 'level' for this user (a new user, or a "
                            "changed assessment)")
    warnings = []
    changed = table["level"].notna() & listed.notna() & table["level"].ne(listed)
    if changed.any():
        first = table.index[changed.to_numpy()][0]
        warnings.append(f"{display}: {_count(table.loc[changed, 'user_id'].unique())} with a level other than in "
                        f"users.csv (first: '{table.at[first, 'user_id']}' level {int(table.at[first, 'level'])}"
                        f", users.csv {int(listed[first])}, row {first}); the plan uses the attendance file's")
    table["level"] = table["level"].fillna(listed).astype(int)
    elsewhere = table["user_id"].map(own["unit_id"])
    other = elsewhere.notna() & elsewhere.ne(unit_id)
    if other.any():
        ids = sorted(table.loc[other, "user_id"].unique())
        warnings.append(f"{display}: {_count(ids)} in another unit in users.csv ({_names(ids)}); planned here")
    new = sorted(table.loc[listed.isna().to_numpy(), "user_id"].unique())
    if new:
        warnings.append(f"{display}: {_count(new)} not among the daily-activity users of users.csv ({_names(new)}), "
                        "planned at the level in the file (check the id if the user is not new)")
    unit_users = own.index[own["unit_id"].eq(unit_id).to_numpy()]
    absent = sorted(set(unit_users) - set(table["user_id"]))
    if absent:
        warnings.append(f"{display}: {_count(absent)} of {unit_id} in users.csv without attendance "
                        f"({_names(absent)}); the plan has no need for them")
    attended = (table["end"] - table["start"]).groupby(table["user_id"]).sum() / 60.0
    extent = own["weekly_hours"].reindex(attended.index)
    far = extent.notna() & ((attended - extent).abs() > np.maximum(1.0, HOURS_TOLERANCE * extent))
    if far.any():
        ids = list(attended.index[far.to_numpy()])
        warnings.append(f"{display}: {_count(ids)} attend hours far from their time extent in users.csv (" + ", ".join(
            f"{u} {attended[u]:g} h against {extent[u]:g} h" for u in ids[:5]) + (", …" if len(ids) > 5 else "")
            + "); the plan follows the attendance, the allocation users.csv")
    return table, warnings


def _count(ids) -> str:
    return f"{len(ids)} user" + ("" if len(ids) == 1 else "s")


def _names(ids: list[str]) -> str:
    return ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")


def shift_plan(attendance: pd.DataFrame, roster: pd.DataFrame | None, unit: pd.Series, staff_ratio: np.ndarray,
               rules: ShiftRules, constants, time_limit_s: int = 60) -> ShiftRun:
    """Need, plan, roster comparison and weekly figures for one unit. ``attendance`` has a level on
    every row (``unit_attendance``); ``unit`` is the unit's row of the base-year allocation;
    ``constants`` the allocation's (open weeks, available hours per FTE, cost per FTE)."""
    off = attendance[((attendance["start"] % rules.slot_minutes) + (attendance["end"] % rules.slot_minutes)).gt(0)
                     .to_numpy()]
    warnings = []
    if not off.empty:
        first = off.iloc[0]
        warnings.append(f"{len(off)} attendance row(s) off the {rules.slot_minutes}-minute grid (first on row "
                        f"{off.index[0]}: {clock(first['start'])}–{clock(first['end'])}); a user counts in every slot "
                        "their attendance touches, so the need is rounded outwards (a smaller --slot-minutes "
                        "follows the times more closely)")
    need = slot_need(attendance, staff_ratio, rules)
    statuses, plan = plan_shifts(need, rules, time_limit_s)  # on the users' hours, whatever the roster
    failed = {d: s for d, s in statuses.items() if s not in SHIFTS_FOUND}
    if failed:  # every need can be covered by enough shifts; a failure is the solver's
        raise RuntimeError(f"the shift plan could not be solved ({failed})")
    slow = [d for d, s in statuses.items() if s == "Time limit"]
    if slow:
        warnings.append(f"the solver stopped at its time limit on {', '.join(slow)}: the plan covers the need, "
                        "but fewer hours may be possible")
    if roster is not None:
        need = widen_to(need, roster, rules)
    need = need.assign(planned=coverage(plan, need, rules))
    short = None
    if roster is not None:
        need["actual"] = coverage(roster, need, rules)
        short = short_periods(need)
        long = roster[(roster["break_minutes"].eq(0) & (roster["work_minutes"] > rules.max_work_without_break))
                      .to_numpy()]
        if not long.empty:
            warnings.append(f"{len(long)} roster shift(s) longer than {rules.max_work_without_break / 60:g} h without "
                            f"a break (Arbetstidslagen 15 §), first on row {long.index[0]}")
    summary = day_summary(need, plan, roster, rules)
    comparison = _comparison(need, summary, unit, constants, rules)
    return ShiftRun(str(unit["unit_id"]), rules, need, plan, summary, comparison, short, statuses, warnings)


def _comparison(need: pd.DataFrame, summary: pd.DataFrame, unit: pd.Series, constants,
                rules: ShiftRules) -> pd.DataFrame:
    """Weekly staff hours of the need, the plan and the roster beside the allocation's, each also as
    full-time staff on the schedule (÷ contract hours a week, everyone present), per year (× open
    weeks), in FTE (÷ available hours per FTE: the staff it takes all year, leave and sickness
    covered) and SEK (× cost per FTE). The staff.csv row is the other way round: employed FTE, their
    contract hours a week and the hours they deliver in a year."""
    week = summary.set_index("weekday").loc["week"]
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
    rows.append(("allocation_total", "Fördelning, totalt — the allocation's hours with indirect time and fixed "
                 "hours", unit["total_hours"] / weeks))
    table = pd.DataFrame(rows, columns=["measure", "label", "hours_per_week"])
    table["full_time_staff"] = table["hours_per_week"] / contract
    table["hours_per_year"] = table["hours_per_week"] * weeks
    table["fte"] = table["hours_per_year"] / awt
    table["cost_sek"] = table["fte"] * cost_per_fte
    staff_csv = pd.DataFrame([("staff_csv", "Anställda enligt staff.csv — the unit's employed FTE: their contract "
                               "hours a week, and the hours they deliver in a year after leave and sickness",
                               unit["fte_roster"] * contract, unit["fte_roster"], unit["fte_roster"] * awt,
                               unit["fte_roster"], unit["roster_cost"])], columns=table.columns)
    return pd.concat([table, staff_csv], ignore_index=True)



def need_grid(need: pd.DataFrame) -> pd.DataFrame:
    """The slot table as a grid a manager reads like a schedule: one row per time slot of the week's
    longest day, per weekday the staff needed, planned and (with a roster) on the roster."""
    from resmodel.planning.charts import DAY_LABELS

    measures = [c for c in ("staff_needed", "planned", "actual") if c in need]
    words = {"staff_needed": "behov", "planned": "plan", "actual": "schema"}
    wide = need.pivot(index="slot_start", columns="weekday", values=measures)
    days = [d for d in DAY_LABELS if d in set(need["weekday"])]
    wide = wide.reindex(columns=pd.MultiIndex.from_product([measures, days])).fillna(0).astype(int)
    wide.columns = [f"{DAY_LABELS[d]} {words[m]}" for m, d in wide.columns]
    order = [f"{DAY_LABELS[d]} {words[m]}" for d in days for m in measures]
    return wide[order].rename_axis("slot_start").reset_index()
