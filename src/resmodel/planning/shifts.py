"""Shift plan (*bemanningsplan*, model.md §5): from an attendance schedule (*beläggningsschema*:
which users are present per weekday and time), the staff needed in each time slot, and the set of
shifts that covers that need with the fewest working hours, then the fewest shifts — an integer programme
(set covering, Dantzig 1954) solved with CBC through PuLP. ``coverage`` counts the staff an actual
schedule puts in each slot, so that the plan and the roster can be compared slot by slot.

Need in a slot = staff present for the users present: Σ staff_ratio[level] over the users whose
attendance overlaps the slot (the daily-activity ratio of model.md §2 is staff per user present),
rounded up to whole staff, and at least ``min_staff`` while any user is present.

Shifts start and end on the slot grid; a shift longer than ``max_work_without_break_minutes``
includes one unpaid break (*rast*, Arbetstidslagen 15 §) placed anywhere that leaves no stretch of
work longer than that and at least ``min_work_around_break_minutes`` of work on each side; staff on
break do not count. Times are minutes after midnight; weekdays are
``WEEKDAYS`` keys. Each weekday is planned on its own (weekly contracts are outside the model)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: the days a daily-activity unit is open in a typical week
WORKDAYS = WEEKDAYS[:5]
#: Swedish names of the weekdays, for headings and sheets
DAY_LABELS = dict(zip(WEEKDAYS, ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
                      strict=True))
DAY_MINUTES = 24 * 60
OPTIMAL, LEAST_HOURS, TIME_LIMIT = "Optimal", "Least hours", "Time limit"
#: solver outcomes with a plan: proven least hours and fewest shifts; least hours, fewest shifts not proven
#: within the time limit; a covering plan whose hours were not proven least when the time limit stopped it
SHIFTS_FOUND = (OPTIMAL, LEAST_HOURS, TIME_LIMIT)


def clock(minutes: float) -> str:
    """Minutes after midnight as HH:MM (empty for NaN: no break)."""
    if pd.isna(minutes):
        return ""
    return f"{int(minutes) // 60:02d}:{int(minutes) % 60:02d}"


@dataclass(frozen=True)
class ShiftRules:
    """Slot grid and shift rules, all in minutes (``ShiftRules.problems`` says what is wrong, if anything)."""

    slot_minutes: int = 30
    min_shift_minutes: int = 180
    max_shift_minutes: int = 600
    max_work_without_break_minutes: int = 300
    break_minutes: int = 30
    min_work_around_break_minutes: int = 90
    min_staff: int = 1

    def problems(self) -> list[tuple[str, str]]:
        """(field, problem) for each rule that cannot be planned with; empty when the rules are usable."""
        out = []
        slot = self.slot_minutes
        if slot <= 0 or DAY_MINUTES % slot:
            out.append(("slot_minutes", f"a slot of {slot} minutes does not divide the day"))
            return out
        for name in ("min_shift_minutes", "max_shift_minutes", "max_work_without_break_minutes",
                     "break_minutes", "min_work_around_break_minutes"):
            value = getattr(self, name)
            if value > DAY_MINUTES:  # typed in minutes where hours were meant (a 45-hour break)
                out.append((name, f"{value / 60:g} hours is more than a day"))
            elif value <= 0 or value % slot:
                out.append((name, f"{value:g} minutes is not a positive whole number of {slot}-minute slots"))
        if not out and self.min_shift_minutes > self.max_shift_minutes:
            out.append(("min_shift_minutes", f"the shortest shift ({self.min_shift_minutes} min) is longer than "
                        f"the longest ({self.max_shift_minutes} min)"))
        if not out and self.min_work_around_break_minutes > self.max_work_without_break_minutes:
            out.append(("min_work_around_break_minutes", f"at least {self.min_work_around_break_minutes} min of work "
                        f"on each side of a break, but at most {self.max_work_without_break_minutes} min in a row"))
        if not out and self.max_shift_minutes > self.max_work_without_break_minutes and (
                self.break_minutes + 2 * self.min_work_around_break_minutes > self.max_shift_minutes):
            out.append(("break_minutes", f"no shift can hold its break: {self.break_minutes} min of break and "
                        f"{self.min_work_around_break_minutes} min of work on each side exceed the longest shift "
                        f"({self.max_shift_minutes} min)"))
        if not out and self.max_shift_minutes > 2 * self.max_work_without_break_minutes + self.break_minutes:
            out.append(("max_shift_minutes", f"a {self.max_shift_minutes}-minute shift needs more than one break "
                        f"(at most {self.max_work_without_break_minutes} min of work in a row, one "
                        f"{self.break_minutes}-minute break)"))
        if self.min_staff < 0:
            out.append(("min_staff", f"min_staff {self.min_staff} is negative"))
        return out


def slot_grid(start: int, end: int, slot: int) -> tuple[int, int]:
    """The slot grid's first slot start at or before ``start`` and last slot end at or after ``end`` (minutes), so
    that whole slots of ``slot`` minutes from midnight cover the span."""
    return int(start) // slot * slot, -(-int(end) // slot) * slot


def slot_need(attendance: pd.DataFrame, staff_ratio: np.ndarray, rules: ShiftRules) -> pd.DataFrame:
    """Staff needed per weekday and slot, from ``attendance`` (weekday, start, end in minutes, level
    1–8, and optionally user_id: a user on two rows that touch one slot — a day split at 10:15 — counts
    once there; without it every row is a user). Slots run from each weekday's first arrival to its last
    departure; weekdays without attendance have no rows. Columns: weekday, slot_start, slot_end,
    users_present, staff_need_exact (Σ ratio of the users present), staff_needed (whole staff)."""
    frames = []
    slot = rules.slot_minutes
    for day in WEEKDAYS:
        rows = attendance[attendance["weekday"].eq(day).to_numpy()]
        if rows.empty:
            continue
        first, last = slot_grid(rows["start"].min(), rows["end"].max(), slot)
        starts = np.arange(first, last, slot)
        present = (rows["start"].to_numpy()[:, None] < starts[None, :] + slot) & (
            rows["end"].to_numpy()[:, None] > starts[None, :])
        level = rows["level"].to_numpy(dtype=int)
        if "user_id" in rows.columns:  # presence per user: any of the user's rows in the slot
            user = pd.factorize(rows["user_id"], sort=True)[0]
            present = pd.DataFrame(present).groupby(user).max().to_numpy()
            level = pd.Series(level).groupby(user).max().to_numpy()  # one level per user (the reader checks)
        ratio = staff_ratio[level - 1]
        exact = np.round(ratio @ present, 9)  # 0.57, not 0.5700000000000001
        users = present.sum(axis=0)
        needed = np.ceil(exact).astype(int)
        needed = np.where(users > 0, np.maximum(needed, rules.min_staff), 0)
        frames.append(pd.DataFrame({"weekday": day, "slot_start": starts, "slot_end": starts + slot,
                                    "users_present": users, "staff_need_exact": exact, "staff_needed": needed}))
    columns = ["weekday", "slot_start", "slot_end", "users_present", "staff_need_exact", "staff_needed"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def shift_types(first: int, last: int, rules: ShiftRules) -> pd.DataFrame:
    """Every shift the rules allow within [first, last) minutes, with its break if it needs one:
    columns start, end, break_start and break_end (NaN: none), work_minutes."""
    slot, brk = rules.slot_minutes, rules.break_minutes
    rows = []
    for length in range(rules.min_shift_minutes, rules.max_shift_minutes + 1, slot):
        for start in range(first, last - length + 1, slot):
            if length <= rules.max_work_without_break_minutes:
                rows.append((start, start + length, math.nan, math.nan, length))
                continue
            least, most = rules.min_work_around_break_minutes, rules.max_work_without_break_minutes
            for before in range(least, length - brk - least + 1, slot):
                after = length - before - brk
                if before <= most and after <= most:
                    rows.append((start, start + length, start + before, start + before + brk, length - brk))
    return pd.DataFrame(rows, columns=["start", "end", "break_start", "break_end", "work_minutes"])


def cover_matrix(types: pd.DataFrame, slot_starts: np.ndarray, rules: ShiftRules) -> np.ndarray:
    """(shift type × slot) true where a staff member on that shift works the whole slot (not on break)."""
    start, end = types["start"].to_numpy()[:, None], types["end"].to_numpy()[:, None]
    slots = slot_starts[None, :]
    on_shift = (start <= slots) & (slots + rules.slot_minutes <= end)
    brk, brk_end = types["break_start"].to_numpy()[:, None], types["break_end"].to_numpy()[:, None]
    on_break = (brk < slots + rules.slot_minutes) & (slots < brk_end)  # NaN compares false: no break
    return on_shift & ~on_break


def solve_seconds(time_limit_s: float, seconds_left: Callable[[], float] | None) -> int:
    """Seconds for the next solve: ``time_limit_s``, or what ``seconds_left()`` says is left of the caller's
    budget if that is less — at least one, so a late solve still returns a plan. The caller owns the clock."""
    if seconds_left is None:
        return max(1, round(time_limit_s))
    return max(1, round(min(time_limit_s, seconds_left())))


def plan_day(need: np.ndarray, slot_starts: np.ndarray, rules: ShiftRules,
             time_limit_s: float = 60, seconds_left: Callable[[], float] | None = None) -> tuple[str, pd.DataFrame]:
    """Least-hours shifts covering ``need`` (whole staff per slot starting at ``slot_starts``, one
    weekday), then the fewest shifts among those: two solves, the second held to the first's hours.
    Shifts may start before the first slot or end after the last one (within the day) when the rules
    make them longer than the need. Returns (status, shifts: start, end, break_start, break_end,
    work_minutes, staff); the status is ``OPTIMAL``, ``LEAST_HOURS`` (hours proven least, fewest shifts
    not proven within the time limit), ``TIME_LIMIT`` (a covering plan, hours not proven least) or the
    solver's word for a failure."""
    import pulp  # heavy; only planning needs it

    empty = pd.DataFrame(columns=["start", "end", "break_start", "break_end", "work_minutes", "staff"])
    if not need.any():
        return OPTIMAL, empty
    slot = rules.slot_minutes
    types, covers = useful_types(need, slot_starts, rules)
    if types.empty:
        return "Infeasible", empty
    model = pulp.LpProblem("shifts", pulp.LpMinimize)
    x = [pulp.LpVariable(f"x{i}", lowBound=0, cat="Integer") for i in range(len(types))]
    work_slots = (types["work_minutes"].to_numpy() // slot).astype(int)
    hours = pulp.lpSum(int(w) * v for w, v in zip(work_slots, x, strict=True))
    for t in np.flatnonzero(need > 0):
        model += pulp.lpSum(x[i] for i in np.flatnonzero(covers[:, t])) >= int(need[t])
    model.setObjective(hours)
    model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=solve_seconds(time_limit_s, seconds_left), threads=1))
    if pulp.LpStatus[model.status] != "Optimal":  # PuLP says 'Optimal' also for a plan found before the limit
        return pulp.LpStatus[model.status], empty
    first_pass = np.array([round(v.value() or 0) for v in x], dtype=int)
    if model.sol_status != pulp.constants.LpSolutionOptimal:
        return TIME_LIMIT, _chosen(types, first_pass)
    model += hours <= int(work_slots @ first_pass)
    model.setObjective(pulp.lpSum(x))
    model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=solve_seconds(time_limit_s, seconds_left), threads=1,
                                  warmStart=True))
    if pulp.LpStatus[model.status] != "Optimal":  # cannot happen: the first plan is feasible; keep it
        return LEAST_HOURS, _chosen(types, first_pass)
    staff = np.array([round(v.value() or 0) for v in x], dtype=int)
    if staff.sum() > first_pass.sum():  # a time-limited second pass that found nothing better
        staff = first_pass
    proven = model.sol_status == pulp.constants.LpSolutionOptimal
    return (OPTIMAL if proven else LEAST_HOURS), _chosen(types, staff)


def shift_span(slot_starts: np.ndarray, rules: ShiftRules) -> tuple[int, int]:
    """The minutes any shift that works one of the slots can lie in: the longest shift before the first
    slot to the longest shift after the last, within the day."""
    reach = rules.max_shift_minutes - rules.slot_minutes
    return (max(0, int(slot_starts[0]) - reach),
            min(DAY_MINUTES, int(slot_starts[-1]) + rules.slot_minutes + reach))


def useful_types(need: np.ndarray, slot_starts: np.ndarray, rules: ShiftRules) -> tuple[pd.DataFrame, np.ndarray]:
    """The shift types worth a variable, with their cover matrix over the slots: every type the rules
    allow that works at least one needed slot, and of types working the same needed slots only the
    one with the least work, then the least time outside the slots (the first such): any plan using
    another can swap it for that one at no more hours and the same number of shifts."""
    types = shift_types(*shift_span(slot_starts, rules), rules)
    covers = cover_matrix(types, slot_starts, rules)
    pattern = covers[:, need > 0]
    keep = pattern.any(axis=1)
    keys = pd.Series([row.tobytes() for row in np.packbits(pattern, axis=1)], index=types.index)
    outside = ((int(slot_starts[0]) - types["start"]).clip(lower=0)
               + (types["end"] - int(slot_starts[-1]) - rules.slot_minutes).clip(lower=0))
    order = pd.DataFrame({"key": keys, "work": types["work_minutes"], "outside": outside})[keep]
    best = (order.sort_values(["key", "work", "outside"], kind="stable").drop_duplicates("key")
            .index.sort_values())
    return types.loc[best].reset_index(drop=True), covers[best.to_numpy()]


def _chosen(types: pd.DataFrame, staff: np.ndarray) -> pd.DataFrame:
    return types[staff > 0].assign(staff=staff[staff > 0]).sort_values(
        ["start", "end", "break_start"]).reset_index(drop=True)


def plan_shifts(need: pd.DataFrame, rules: ShiftRules, time_limit_s: float = 60,
                seconds_left: Callable[[], float] | None = None) -> tuple[dict[str, str], pd.DataFrame]:
    """``plan_day`` for each weekday of ``slot_need``'s table; returns (status per weekday, shifts with
    a weekday column)."""
    statuses, frames = {}, []
    for day in WEEKDAYS:
        rows = need[need["weekday"].eq(day).to_numpy()]
        if rows.empty:
            continue
        status, shifts = plan_day(rows["staff_needed"].to_numpy(dtype=int), rows["slot_start"].to_numpy(dtype=int),
                                  rules, time_limit_s, seconds_left)
        statuses[day] = status
        frames.append(shifts.assign(weekday=day))
    columns = ["weekday", "start", "end", "break_start", "break_end", "work_minutes", "staff"]
    shifts = pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    return statuses, shifts.astype({"start": int, "end": int, "work_minutes": int, "staff": int})


def coverage(shifts: pd.DataFrame, need: pd.DataFrame, rules: ShiftRules) -> np.ndarray:
    """Staff working each slot of ``need`` (weekday, slot_start) under ``shifts`` (weekday, start, end,
    break_start, break_end, staff); a shift counts in a slot it works whole, not in one it only touches
    or breaks in."""
    out = np.zeros(len(need), dtype=int)
    for day in WEEKDAYS:
        rows = need["weekday"].eq(day).to_numpy()
        day_shifts = shifts[shifts["weekday"].eq(day).to_numpy()]
        if not rows.any() or day_shifts.empty:
            continue
        covers = cover_matrix(day_shifts, need["slot_start"].to_numpy(dtype=int)[rows], rules)
        out[rows] = day_shifts["staff"].to_numpy(dtype=int) @ covers
    return out


def day_summary(need: pd.DataFrame, planned: pd.DataFrame, roster: pd.DataFrame | None,
                rules: ShiftRules) -> pd.DataFrame:
    """Per weekday and for the week: hours of need (whole staff × slot), the plan's working hours, the
    roster's, and the roster's understaffed and overstaffed staff-hours within the slots users are
    present. ``roster``: shifts as ``planned`` (staff 1 per row), or None."""
    hours = rules.slot_minutes / 60.0
    table = need.assign(planned=coverage(planned, need, rules))
    grouped = {"need_hours": table.groupby("weekday")["staff_needed"].sum() * hours}
    grouped["plan_hours"] = (planned["work_minutes"] * planned["staff"]).groupby(planned["weekday"]).sum() / 60.0
    grouped["plan_shifts"] = planned.groupby("weekday")["staff"].sum()
    if roster is not None:
        table["actual"] = coverage(roster, need, rules)
        short = (table["staff_needed"] - table["actual"]).clip(lower=0)
        extra = (table["actual"] - table["staff_needed"]).clip(lower=0).where(table["users_present"] > 0, 0)
        grouped["roster_hours"] = (roster["work_minutes"] * roster["staff"]).groupby(roster["weekday"]).sum() / 60.0
        grouped["roster_shifts"] = roster.groupby("weekday")["staff"].sum()
        grouped["understaffed_hours"] = short.groupby(table["weekday"]).sum() * hours
        grouped["understaffed_slots"] = (short > 0).groupby(table["weekday"]).sum()
        grouped["overstaffed_hours"] = extra.groupby(table["weekday"]).sum() * hours
        grouped["roster_hours_without_users"] = grouped["roster_hours"].sub(
            (table["actual"] * table["users_present"].gt(0)).groupby(table["weekday"]).sum() * hours, fill_value=0.0)
    days = [d for d in WEEKDAYS if d in set(table["weekday"]) | set(planned["weekday"])
            | (set(roster["weekday"]) if roster is not None else set())]
    summary = pd.DataFrame({k: v.reindex(days) for k, v in grouped.items()}).fillna(0.0)
    counts = [c for c in ("plan_shifts", "roster_shifts", "understaffed_slots") if c in summary]
    summary[counts] = summary[counts].astype(int)
    summary.index.name = "weekday"
    summary.loc["week"] = summary.sum()
    return summary.reset_index()


def short_periods(need: pd.DataFrame) -> pd.DataFrame:
    """Runs of consecutive slots where ``actual`` staff fall short of ``staff_needed``, per weekday:
    weekday, start, end (minutes), short_by (most staff missing), staff_hours missing."""
    short = (need["staff_needed"] - need["actual"]).clip(lower=0).to_numpy()
    day = need["weekday"].to_numpy()
    starts, ends = need["slot_start"].to_numpy(), need["slot_end"].to_numpy()
    rows = []
    for i in np.flatnonzero(short > 0):
        if rows and rows[-1][0] == day[i] and rows[-1][2] == starts[i]:
            rows[-1][2], rows[-1][3] = ends[i], max(rows[-1][3], short[i])
            rows[-1][4] += short[i] * (ends[i] - starts[i]) / 60.0
        else:
            rows.append([day[i], starts[i], ends[i], short[i], short[i] * (ends[i] - starts[i]) / 60.0])
    return pd.DataFrame(rows, columns=["weekday", "start", "end", "short_by", "staff_hours"])


def widen_to(need: pd.DataFrame, shifts: pd.DataFrame, rules: ShiftRules) -> pd.DataFrame:
    """``need`` with zero-need slots added on each weekday so that it spans ``shifts`` too (a roster
    that starts before the first user arrives, or works a day no user comes, is then shown slot by slot)."""
    frames = []
    slot = rules.slot_minutes
    for day in WEEKDAYS:
        rows = need[need["weekday"].eq(day).to_numpy()]
        day_shifts = shifts[shifts["weekday"].eq(day).to_numpy()]
        if day_shifts.empty:
            frames.append(rows)
            continue
        first, last = slot_grid(day_shifts["start"].min(), day_shifts["end"].max(), slot)
        if not rows.empty:
            first, last = min(first, int(rows["slot_start"].min())), max(last, int(rows["slot_end"].max()))
        starts = np.arange(first, last, slot)
        full = pd.DataFrame({"weekday": day, "slot_start": starts, "slot_end": starts + slot})
        full = full.merge(rows, on=["weekday", "slot_start", "slot_end"], how="left")
        counts = [c for c in need.columns if c in ("users_present", "staff_needed", "staff_needed_apart")]
        frames.append(full.fillna({"staff_need_exact": 0.0, **dict.fromkeys(counts, 0)}).astype(
            dict.fromkeys(counts, int)))
    return pd.concat(frames, ignore_index=True)
