"""Attendance schedules (*beläggningsschema*) and staff schedules (*arbetsschema*) for the shift plan:
read, validate, and turn clock times and weekday names into minutes and ``WEEKDAYS`` keys.

Both tables are typed by ``type_table`` (identity numbers refused, unknown columns named) and then
checked row by row here: times as HH:MM (or HH.MM) from 00:00 to 24:00, an end after the start,
no overlapping rows for the same person on the same day, a roster break inside its shift. Messages
quote a cell as it was typed (a ';' file's '8,5', not the '8.5' it is read as), and name what a bad
time most likely is: a range in one cell, a number of hours, Excel's fraction of a day, a date."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, PersonalDataError, Problem, ProblemCollector
from resmodel.io.tables import LEVEL_WORDS, Column, TableSchema, read_raw, require_rows, type_table
from resmodel.io.text import read_utf8
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
    Column("staff_id", "id", "pseudonymous staff id, on every row or on none (with it, overlapping shifts are "
           "refused)", required=False),
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
#: a start and an end typed into one cell: '09:00–14:00', '9.00 - 14.00'
_RANGE = re.compile(r"\s*(\d{1,2}[:.]\d{2})\s*[-\u2013\u2014]\s*(\d{1,2}[:.]\d{2})\s*")
#: a plain number, with a decimal point or comma: hours ('8,5', '14') or Excel's fraction of a day ('0.375')
_NUMBER = re.compile(r"\s*\d+(?:[.,]\d+)?\s*")
#: each time column's partner, for a range typed into one of them
_PAIRS = {"start": "end", "end": "start", "break_start": "break_end", "break_end": "break_start"}


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


def _as_typed(table: pd.DataFrame, typed: pd.DataFrame | None) -> Callable[[str, int], str]:
    """(column, row) → the cell as the user typed it, for messages: ``typed``'s (a CSV's cells before a ';'
    file's '8,5' was read as '8.5'), else the table's own."""
    return lambda column, row: str((typed if typed is not None and column in typed else table).at[row, column]).strip()


def _not_a_time(cell: str, column: str, excel: bool) -> tuple[str, str]:
    """(problem, fix) for a cell that is not a time of day, saying what it most likely is: a range typed into
    one cell, a date, Excel's fraction of a day (0.375 = 09:00) or a number of hours (8,5 = 08:30)."""
    text = cell.strip()
    problem, fix = f"'{text}' is not a time of day", "write the time as HH:MM (in Excel: format the cell as a " \
        "time, tt:mm, or as text)"
    span = _RANGE.fullmatch(text)
    if span:
        opens, closes = (column, _PAIRS[column]) if column in ("start", "break_start") else (_PAIRS[column], column)
        return f"{problem}: a range typed into one cell", f"write {span[1]} in '{opens}' and {span[2]} in '{closes}'"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # formatting the cell as a time would keep the date it holds
        return (f"{problem} (the cell holds a date: Excel stores a date with the time)",
                "type the time alone into the cell (e.g. 08:30), or write it as text")
    if _NUMBER.fullmatch(text):
        number = float(text.replace(",", "."))
        if 0 < number < 1:  # a time cell Excel shows as a number: 09:00 is 0.375 of a day
            return (f"{problem}: it is a number, and {text} of a day is {clock(round(number * DAY_MINUTES))}",
                    "format the cell as a time (tt:mm)" if excel else
                    f"write {clock(round(number * DAY_MINUTES))} (in Excel: format the cell as a time, tt:mm)")
        lost_zero = re.fullmatch(r"(\d{1,2})[.,](3)", text)  # 16.30 typed in a number cell, which drops the zero
        if lost_zero and int(lost_zero[1]) < 24:
            meant = clock(int(lost_zero[1]) * 60 + 30)
            return (f"{problem}: it is a number; as hours, {text} is {clock(round(number * 60))}, off the half-hour "
                    f"grid — or {text}0, {meant}, with its last zero lost",
                    f"write {meant} if that is the time (as text or in a cell formatted as a time, tt:mm)")
        if number <= 24:
            return (f"{problem}: it is a number; as hours, {text} is {clock(round(number * 60))}",
                    f"write the time as HH:MM, e.g. {clock(round(number * 60))}"
                    + (" (in Excel: format the cell as a time, tt:mm)" if excel else ""))
    return problem, fix


def _parse_common(table: pd.DataFrame, display: str, problems: ProblemCollector,
                  time_columns: tuple[str, ...], typed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weekday keys and minute columns in place of the text; bad cells go to ``problems``, quoted as
    ``typed`` (``_typed_cells``) when given."""
    out = table.copy()
    shown = _as_typed(table, typed)
    # 'mån.' as a calendar abbreviates it, 'Må' and 'MÅN ' alike (an 'å' typed as 'a' and a ring reads as one)
    day = (table["weekday"].str.normalize("NFC").str.strip().str.lower().str.rstrip(".").str.strip()
           .map(_DAY_NAMES))
    problems.add_rows(table.index[day.isna().to_numpy()], 5, lambda row: (
        Location(display, row=row, column="weekday"), f"unknown weekday '{shown('weekday', row)}'",
        "mon, tue, wed, thu, fri, sat or sun (Swedish mån … sön, or 1–7 with Monday 1)", "correct the weekday"))
    out["weekday"] = day
    excel = display.lower().endswith(".xlsx")
    for column in time_columns:
        text = table[column]
        minutes = text.map(_minutes)
        bad = text.notna() & minutes.isna()

        def not_a_time(row: int, column: str = column) -> tuple[Location, str, str, str]:
            problem, fix = _not_a_time(shown(column, row), column, excel)
            return (Location(display, row=row, column=column), problem,
                    "a time HH:MM or HH.MM from 00:00 to 24:00, e.g. 08:30", fix)

        problems.add_rows(table.index[bad.to_numpy()], 5, not_a_time)
        out[column] = minutes
    ends = out["end"] <= out["start"]
    problems.add_rows(table.index[ends.to_numpy()], 5, lambda row: (
        Location(display, row=row, column="end"),
        f"ends at {shown('end', row)}, not after its start {shown('start', row)}",
        "an end later the same day than the start", "write 24:00 for midnight (00:00 is the start of the day)"
        if out.at[row, "end"] == 0 else "correct the times; split a row that runs past midnight at 24:00 and give "
        "the rest on the next day"))
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
    return _read_schedule(Path(path), display or str(path), ATTENDANCE, prepare_attendance,
                          "one row per user and weekday present (user_id, weekday, start, end)",
                          "add the users' attendance")


def _read_schedule(path: Path, display: str, schema: TableSchema,
                   prepare: Callable[[pd.DataFrame, str, pd.DataFrame | None], pd.DataFrame],
                   expected: str, fix: str) -> pd.DataFrame:
    """A schedule file typed by ``schema`` and checked by ``prepare``, with what only the file can tell:
    Excel's 24:00 in an end cell read as 24:00, cells quoted as typed, and a problem on a row with more
    cells than the header (8,30 in a ','-separated file) or beside a range typed into one cell said as that."""
    raw = _excel_midnights(path, read_raw(path, display))
    _refuse_other_schedule(raw, schema, display)
    typed, wide = _typed_cells(path, raw, display)
    try:
        table = type_table(raw, schema, display)
        require_rows(table, display, expected, fix)
        return prepare(table, display, typed)
    except PersonalDataError:
        raise
    except InputError as exc:
        problems = _explained(exc.problems, raw if typed is None else typed, wide, display)
        if problems == exc.problems:
            raise
        raise InputError(problems) from None


#: the column that tells each schedule from the other: an attendance names users, a roster staff
SCHEDULE_KEYS = {"attendance": (("user_id", "level"), "the attendance schedule (beläggningsschema)"),
                 "roster": (("staff_id", "break_start", "break_end"), "the staff roster (arbetsschema)")}


def _refuse_other_schedule(raw: pd.DataFrame, schema: TableSchema, display: str) -> None:
    """A file of the other schedule given in this one's place (an attendance as the roster): said as that, not as its
    columns unknown and missing (section-manager walk: 'unknown column user_id … remove the column')."""
    own_keys, own = SCHEDULE_KEYS[schema.name]
    other_keys, other = next(v for k, v in SCHEDULE_KEYS.items() if k != schema.name)
    header = {str(c).strip().lower() for c in raw.columns}
    found = [k for k in other_keys if k in header]
    if found and not header & set(own_keys):  # a roster's staff_id is optional: its breaks tell it too
        raise InputError.at(Location(display, row=1, column=found[0]),
                            f"this file has '{found[0]}': it looks like {other}, given where {own} goes",
                            f"{own} here, with its columns ({', '.join(c.name for c in schema.columns)})",
                            "give each file in its place: the attendance with --attendance, the roster with --roster")


def _excel_midnights(path: Path, raw: pd.DataFrame) -> pd.DataFrame:
    """``raw`` with an .xlsx end cell that holds 24:00 as Excel stores it under a time format (the serial 1.0,
    shown 00:00 with tt:mm, which the reader sees as the date 1900-01-01) as '24:00': the day's end, not a date."""
    ends = [c for c in raw.columns if str(c).strip().lower() == "end"]
    if path.suffix.lower() != ".xlsx" or not ends:
        return raw
    dated = raw.index[raw[ends[0]].fillna("").str.strip().str.fullmatch(r"\d{4}-\d{2}-\d{2}").to_numpy()]
    if dated.empty:
        return raw
    from openpyxl import load_workbook
    from openpyxl.utils.datetime import from_excel

    position = list(raw.columns).index(ends[0])
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        midnight = from_excel(1.0, wb.epoch)  # 1900-01-01 00:00 (1904-01-02 in the 1904 date system)
        cells = {row: values[position] if position < len(values) else None
                 for row, values in enumerate(wb.worksheets[0].iter_rows(max_row=int(dated.max()), values_only=True),
                                              start=1) if row in dated}
    finally:
        wb.close()
    out = raw.copy()  # a copy keeps the reader's notes (attrs) on the sheets
    out.loc[[row for row, value in cells.items() if value == midnight], ends[0]] = "24:00"
    return out


def _typed_cells(path: Path, raw: pd.DataFrame, display: str) -> tuple[pd.DataFrame | None, dict[int, list[str]]]:
    """A CSV's cells as typed (a ';' file's '8,5' before it is read as 8.5), indexed and headed as ``raw`` (names
    folded as the schema's), and each row with more cells than the header, all its cells (the extra ones are
    empty: ``read_raw`` refuses others); (None, {}) for a workbook, whose cells are read as they are."""
    if path.suffix.lower() != ".csv":
        return None, {}
    text = read_utf8(path, display, "CSV", "save as 'CSV UTF-8' or as Excel .xlsx", as_row=True, bom=True,
                     windows_1252=True)
    separator = ";" if raw.attrs.get("decimal_comma") else ","
    rows = list(csv.reader(io.StringIO(text, newline=None), delimiter=separator))
    names = [str(c).strip().lower() for c in raw.columns]
    width = len(names)
    typed = pd.DataFrame([(r + [""] * width)[:width] for r in rows[1:]], index=range(2, len(rows) + 1),
                         columns=names if len(set(names)) == width else raw.columns).reindex(raw.index)
    typed.attrs["separator"] = separator
    wide = {row: r for row, r in enumerate(rows[1:], start=2) if len(r) > len(rows[0]) and row in raw.index}
    if wide:
        typed.attrs["header_cells"] = len(rows[0])
    return typed, wide


def _explained(problems: list[Problem], cells: pd.DataFrame, wide: dict[int, list[str]],
               display: str) -> list[Problem]:
    """``problems`` told from the file: one problem for each row with more cells than the header in place of
    its cells' (which are read one column off), and a range typed into one cell named at that cell instead of
    its partner's (an empty end beside '09:00–14:00' in start)."""
    out, told = [], set()
    for problem in problems:
        row, column = problem.location.row, problem.location.column
        if row in wide:
            if row not in told:
                told.add(row)
                out.append(_wide_row(row, wide[row], cells.attrs, problem, display))
            continue
        partner = _PAIRS.get(column or "")
        typed = str(cells.at[row, partner]) if row in cells.index and partner in cells.columns else ""
        if _RANGE.fullmatch(typed):
            text, fix = _not_a_time(typed, partner, display.lower().endswith(".xlsx"))
            problem = Problem(Location(display, row=row, column=partner), text, "a time HH:MM in each of "
                              f"'{partner}' and '{column}'", fix)
        if problem not in out:
            out.append(problem)
    return out


def _wide_row(row: int, cells: list[str], attrs: dict, problem: Problem, display: str) -> Problem:
    """A row with more cells than the header, one of which failed: said as such, with the likely cause — in a
    ','-separated file a decimal comma (8,30) that split a cell in two and moved the cells after it on."""
    separator = attrs.get("separator", ",")
    split = next((f"{a.strip()},{b.strip()}" for a, b in pairwise(cells)
                  if re.fullmatch(r"\s*\d{1,2}\s*", a) and re.fullmatch(r"\s*\d{1,2}\s*", b)), None)
    cause = (f": '{split}' looks like a time or number written with a decimal comma and split in two at it, "
             "which moves the cells after it one column on" if split and separator == "," else "")
    where = f", in column '{problem.location.column}'" if problem.location.column else ""
    return Problem(Location(display, row=row),
                   f"row has {len(cells)} cells but the header has {attrs.get('header_cells')} (the extra ones "
                   f"empty){cause} ({problem.problem}{where})",
                   f"the same number of '{separator}'-separated cells on every row",
                   "a decimal comma splits a cell in a ','-separated file: write times as HH:MM (08:30, not 8,30) "
                   "and numbers with '.' (a file saved with ';' between cells, Swedish Excel's CSV, takes a decimal "
                   "comma in numbers, but times there too as HH:MM)"
                   if separator == "," else "check for an extra ';', or quote cells that contain ';'")


def read_attendances(paths: list[Path]) -> pd.DataFrame:
    """Several attendance files (one per unit, say) as one table, each row named by ``source`` (the
    file) and ``row`` (its spreadsheet row) for later messages."""
    tables = [read_attendance(path).assign(source=str(path)).rename_axis("row").reset_index() for path in paths]
    return pd.concat(tables, ignore_index=True)


def prepare_attendance(table: pd.DataFrame, display: str, typed: pd.DataFrame | None = None) -> pd.DataFrame:
    """``read_attendance``'s checks and conversions on a table already typed by ``ATTENDANCE`` (rows
    named by the index in messages; cells quoted as ``typed`` when given)."""
    problems = ProblemCollector()
    out = _parse_common(table, display, problems, ("start", "end"), typed)
    problems.raise_if_any()
    _check_overlaps(out, "user_id", display, "attendances", problems)
    problems.raise_if_any()
    return out


def read_roster(path: Path | str, display: str | None = None) -> pd.DataFrame:
    """The staff schedule as shifts: staff_id, weekday, start, end, break_start (NaN: none), break_end,
    work_minutes, staff (1 per row); index = spreadsheet row."""
    return _read_schedule(Path(path), display or str(path), ROSTER, prepare_roster,
                          "one row per staff shift (weekday, start, end)", "add the unit's shifts")


def prepare_roster(table: pd.DataFrame, display: str, typed: pd.DataFrame | None = None) -> pd.DataFrame:
    """``read_roster``'s checks and conversions on a table already typed by ``ROSTER`` (cells quoted as
    ``typed`` when given)."""
    problems = ProblemCollector()
    shown = _as_typed(table, typed)
    out = _parse_common(table, display, problems, ("start", "end", "break_start", "break_end"), typed)
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
        f"break {shown('break_start', row)}–{shown('break_end', row)} ends "
        + ("when it starts" if out.at[row, "break_end"] == out.at[row, "break_start"] else "before it starts"),
        "a break end after its start", "correct the break times (or leave both empty for no break)"))
    outside = both & ~backwards & ((out["break_start"] <= out["start"]) | (out["break_end"] >= out["end"]))
    problems.add_rows(out.index[outside.to_numpy()], 5, lambda row: (
        Location(display, row=row, column="break_start"),
        f"break {shown('break_start', row)}–{shown('break_end', row)} is not inside the shift "
        f"{shown('start', row)}–{shown('end', row)}", "a break that starts after the shift starts and "
        "ends before it ends", "correct the break times"))
    _check_staff_ids(out, display, problems)
    problems.raise_if_any()
    _check_overlaps(out, "staff_id", display, "shifts", problems)
    problems.raise_if_any()
    brk = (out["break_end"] - out["break_start"]).fillna(0.0)
    out["break_minutes"] = brk
    out["work_minutes"] = (out["end"] - out["start"] - brk).astype(int)
    out["staff"] = 1
    return out


def _check_staff_ids(table: pd.DataFrame, display: str, problems: ProblemCollector) -> None:
    """A staff_id on every row or on none: a row left without one where the others have one would escape the
    overlap check (the same person's two shifts at once, unnoticed) and be worked as a shift of its own."""
    staff = table["staff_id"]
    if staff.isna().all():
        return
    problems.add_rows(table.index[staff.isna().to_numpy()], 5, lambda row: (
        Location(display, row=row, column="staff_id"), "the cell is empty where other rows have a staff_id",
        "a staff_id on every row of the schedule, or on none", "fill in the staff member's id (or empty the column "
        "on every row, and overlapping shifts are no longer checked)"))


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
