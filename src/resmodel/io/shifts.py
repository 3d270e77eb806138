"""Attendance schedules (*beläggningsschema*) and staff schedules (*arbetsschema*) for the shift plan:
read, validate, and turn clock times and weekday names into minutes and ``WEEKDAYS`` keys.

Both tables are typed by ``read_table`` (identity numbers refused, unknown columns named) and then
checked row by row here: times as HH:MM (or HH.MM) from 00:00 to 24:00, an end after the start,
no overlapping rows for the same person on the same day, a roster break inside its shift."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector
from resmodel.io.tables import LEVEL_WORDS, Column, TableSchema, read_table, require_rows
from resmodel.planning.shifts import DAY_MINUTES, WEEKDAYS, clock

ATTENDANCE = TableSchema("attendance", "Beläggningsschema — when each user of a unit is present, per weekday", (
    Column("user_id", "id", "pseudonymous user id (as users.csv)"),
    Column("weekday", "str", "day of the week: mon … sun (or mån … sön, or 1–7)"),
    Column("start", "str", "arrival, HH:MM"),
    Column("end", "str", "departure, HH:MM (24:00 for midnight)"),
    Column("level", "int", "need level 1–8 (empty: the user's level in users.csv; give it for a user not yet "
           "there, or to test a changed level)", "level", required=False, minimum=1, maximum=8,
           prefix_words=LEVEL_WORDS),
    Column("unit_id", "id", "the user's unit when several units are planned together (empty: the unit in "
           "users.csv)", required=False),
))

ROSTER = TableSchema("roster", "Arbetsschema — the unit's staff shifts in a typical week, one row per shift", (
    Column("staff_id", "id", "pseudonymous staff id (empty allowed; with it, overlapping shifts are refused)",
           required=False),
    Column("weekday", "str", "day of the week: mon … sun (or mån … sön, or 1–7)"),
    Column("start", "str", "shift start, HH:MM"),
    Column("end", "str", "shift end, HH:MM (24:00 for midnight)"),
    Column("break_start", "str", "start of the unpaid break (rast), HH:MM (empty: no break)", required=False),
    Column("break_end", "str", "end of the break, HH:MM", required=False),
))

_DAY_NAMES = {name: key for key, names in zip(WEEKDAYS, (
    ("mon", "monday", "må", "mån", "måndag", "1"), ("tue", "tuesday", "ti", "tis", "tisdag", "2"),
    ("wed", "wednesday", "on", "ons", "onsdag", "3"), ("thu", "thursday", "to", "tor", "tors", "torsdag", "4"),
    ("fri", "friday", "fr", "fre", "fredag", "5"), ("sat", "saturday", "lö", "lör", "lördag", "6"),
    ("sun", "sunday", "sö", "sön", "söndag", "7")), strict=True) for name in names}
_CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})([:.]00)?")  # seconds only as :00 (a CSV saved from Excel)


def _minutes(text: str | None) -> float:
    """HH:MM or HH.MM (or HH:MM:00) as minutes after midnight, NaN when it is not a time from 00:00 to 24:00."""
    if text is None or pd.isna(text):
        return np.nan
    match = _CLOCK.fullmatch(str(text).strip())
    if not match:
        return np.nan
    hours, minutes = int(match.group(1)), int(match.group(2))
    value = hours * 60 + minutes
    return float(value) if minutes < 60 and value <= DAY_MINUTES else np.nan


def _parse_common(table: pd.DataFrame, display: str, problems: ProblemCollector,
                  time_columns: tuple[str, ...]) -> pd.DataFrame:
    """Weekday keys and minute columns in place of the text; bad cells go to ``problems``."""
    out = table.copy()
    day = table["weekday"].str.strip().str.lower().map(_DAY_NAMES)
    problems.add_rows(table.index[day.isna().to_numpy()], 5, lambda row: (
        Location(display, row=row, column="weekday"), f"unknown weekday '{table.at[row, 'weekday']}'",
        "mon, tue, wed, thu, fri, sat or sun (Swedish mån … sön, or 1–7 with Monday 1)", "correct the weekday"))
    out["weekday"] = day
    for column in time_columns:
        text = table[column]
        minutes = text.map(_minutes)
        bad = text.notna() & minutes.isna()
        problems.add_rows(table.index[bad.to_numpy()], 5, lambda row, column=column, text=text: (
            Location(display, row=row, column=column), f"'{text[row]}' is not a time of day"
            + (" (the cell holds a date: Excel stores a date with the time)"
               if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(text[row]).strip()) else ""),
            "a time HH:MM or HH.MM from 00:00 to 24:00, e.g. 08:30",
            "write the time as HH:MM (in Excel: format the cell as a time, tt:mm, or as text)"))
        out[column] = minutes
    ends = out["end"] <= out["start"]
    problems.add_rows(table.index[ends.to_numpy()], 5, lambda row: (
        Location(display, row=row, column="end"),
        f"ends at {table.at[row, 'end']}, not after its start {table.at[row, 'start']}",
        "an end later the same day than the start", "correct the times; split a row that runs past midnight at "
        "24:00 and give the rest on the next day"))
    return out


def _check_overlaps(table: pd.DataFrame, person: str, display: str, what: str,
                    problems: ProblemCollector) -> None:
    """Two rows of the same person on the same day must not overlap in time."""
    rows = table[table[person].notna().to_numpy()].sort_values([person, "weekday", "start"], kind="stable")
    same = rows[person].eq(rows[person].shift()) & rows["weekday"].eq(rows["weekday"].shift())
    overlap = same & (rows["start"] < rows["end"].shift())
    previous = pd.Series(rows.index, index=rows.index).shift()
    problems.add_rows(rows.index[overlap.to_numpy()], 5, lambda row: (
        Location(display, row=row, column="start"),
        f"{person} '{rows.at[row, person]}' has two {what} on {rows.at[row, 'weekday']} that overlap (rows "
        f"{int(previous[row])} and {row})",
        f"one {what[:-1]} at a time for each " + ("user" if person == "user_id" else "staff member"),
        "correct the times, or join the two rows"))


def read_attendance(path: Path | str, display: str | None = None) -> pd.DataFrame:
    """The attendance schedule: user_id, weekday (``WEEKDAYS`` key), start and end (minutes), level
    (float, NaN when empty); index = spreadsheet row."""
    display = display or str(path)
    table = read_table(Path(path), ATTENDANCE, display)
    require_rows(table, display, "one row per user and weekday present (user_id, weekday, start, end)",
                 "add the users' attendance")
    return prepare_attendance(table, display)


def read_attendances(paths: list[Path]) -> pd.DataFrame:
    """Several attendance files (one per unit, say) as one table, each row named by ``source`` (the
    file) and ``row`` (its spreadsheet row) for later messages."""
    tables = [read_attendance(path).assign(source=str(path)).rename_axis("row").reset_index() for path in paths]
    return pd.concat(tables, ignore_index=True)


def prepare_attendance(table: pd.DataFrame, display: str) -> pd.DataFrame:
    """``read_attendance``'s checks and conversions on a table already typed by ``ATTENDANCE`` (rows
    named by the index in messages)."""
    problems = ProblemCollector()
    out = _parse_common(table, display, problems, ("start", "end"))
    problems.raise_if_any()
    _check_overlaps(out, "user_id", display, "attendances", problems)
    problems.raise_if_any()
    return out


def read_roster(path: Path | str, display: str | None = None) -> pd.DataFrame:
    """The staff schedule as shifts: staff_id, weekday, start, end, break_start (NaN: none), break_end,
    work_minutes, staff (1 per row); index = spreadsheet row."""
    display = display or str(path)
    table = read_table(Path(path), ROSTER, display)
    require_rows(table, display, "one row per staff shift (weekday, start, end)", "add the unit's shifts")
    return prepare_roster(table, display)


def prepare_roster(table: pd.DataFrame, display: str) -> pd.DataFrame:
    """``read_roster``'s checks and conversions on a table already typed by ``ROSTER``."""
    problems = ProblemCollector()
    out = _parse_common(table, display, problems, ("start", "end", "break_start", "break_end"))
    problems.raise_if_any()
    half = out["break_start"].isna() != out["break_end"].isna()
    problems.add_rows(out.index[half.to_numpy()], 5, lambda row: (
        Location(display, row=row, column="break_end" if pd.isna(out.at[row, "break_end"]) else "break_start"),
        "a break with only one of its times", "both break_start and break_end, or neither",
        "give the break's start and end, or leave both empty"))
    both = out["break_start"].notna() & out["break_end"].notna()
    backwards = both & (out["break_end"] <= out["break_start"])
    problems.add_rows(out.index[backwards.to_numpy()], 5, lambda row: (
        Location(display, row=row, column="break_end"),
        f"break {table.at[row, 'break_start']}–{table.at[row, 'break_end']} ends "
        + ("when it starts" if out.at[row, "break_end"] == out.at[row, "break_start"] else "before it starts"),
        "a break end after its start", "correct the break times (or leave both empty for no break)"))
    outside = both & ~backwards & ((out["break_start"] <= out["start"]) | (out["break_end"] >= out["end"]))
    problems.add_rows(out.index[outside.to_numpy()], 5, lambda row: (
        Location(display, row=row, column="break_start"),
        f"break {table.at[row, 'break_start']}–{table.at[row, 'break_end']} is not inside the shift "
        f"{table.at[row, 'start']}–{table.at[row, 'end']}", "a break that starts after the shift starts and "
        "ends before it ends", "correct the break times"))
    problems.raise_if_any()
    _check_overlaps(out, "staff_id", display, "shifts", problems)
    problems.raise_if_any()
    brk = (out["break_end"] - out["break_start"]).fillna(0.0)
    out["break_minutes"] = brk
    out["work_minutes"] = (out["end"] - out["start"] - brk).astype(int)
    out["staff"] = 1
    return out


def check_slot_grid(table: pd.DataFrame, columns: tuple[str, ...], slot_minutes: int, display: str) -> None:
    """Shift times off the slot grid cannot be compared slot by slot: refuse them, naming the first."""
    for column in columns:
        values = table[column]
        off = values.notna() & (values % slot_minutes != 0)
        for row in table.index[off.to_numpy()][:1]:
            raise InputError.at(Location(display, row=int(row), column=column),
                                f"{column} {clock(values[row])} is not on the {slot_minutes}-minute grid",
                                f"times on whole {slot_minutes}-minute slots (e.g. 07:00, 07:{slot_minutes:02d})"
                                if slot_minutes < 60 else "times on whole hours",
                                "round the time to the grid" + (", or use --slot-minutes 15" if slot_minutes > 15
                                                                  else ""))
