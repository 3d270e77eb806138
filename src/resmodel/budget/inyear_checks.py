"""The in-year forecast's table checks (``resmodel inyear``, docs/budget.md §7): the monthly actuals, the frames and
the known volume changes, each on its own and against each other, every problem located by file, row and column.

Apart from the method (``budget.inyear``) so that a command checks its tables once: ``prepare`` checks the three
and returns them as ``InYearInputs``, which the forecast and its backtest take. The checks that need the method
(seasonal profile, run rate: ``check_booked``, ``check_signs_and_scale``, ``check_frame_scale``,
``off_rate_months``) stay with it."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resmodel.budget.areas import AREA_KEYS, suggest
from resmodel.budget.cells import (
    blank,
    check_header,
    decimal_point,
    floats,
    not_a,
    plain_number,
    repeated_rows,
    sheet_rows,
    shown,
)
from resmodel.errors import InputError, Location, ProblemCollector
from resmodel.forecast.frame import MAX_PROBLEMS, month_written_otherwise
from resmodel.table_words import ascii_digit_cells, is_total_word, swedish_headers

ACTUALS_COLUMNS = ("year", "month", "area", "cost", "volume")
FRAME_COLUMNS = ("year", "area", "frame")
CHANGE_COLUMNS = ("year", "month", "area", "volume_change", "known_year", "known_month")
AMOUNT_COLUMNS = ("cost", "volume", "frame", "volume_change")  # the numeric value columns of the three tables
DOCS = "docs/budget.md, section 7"
def loc(file: str | None, row: int | None = None, column: str | None = None) -> Location:
    """A cell's location in one of the three tables."""
    return Location(file=file, row=row, column=column)


def years_text(years: Sequence[int]) -> str:
    """2019–2024 for consecutive years, else 2019, 2021, 2024."""
    years = sorted(set(years))
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))


#: the in-year tables' columns as a Swedish export heads them, and the name each has here: the one table of Swedish
#: header words (table_words) for these columns, compared lower-cased and stripped (as ``_header`` folds a header)
SWEDISH_HEADERS = swedish_headers({*ACTUALS_COLUMNS, *FRAME_COLUMNS, *CHANGE_COLUMNS})


def _header(table: pd.DataFrame, columns: tuple[str, ...], file: str | None) -> pd.DataFrame:
    """The table with a column named as here but for case and surrounding spaces ('Year ') read as that column;
    a header in Swedish ('År', 'Månad', 'Område') is one problem naming the header to write, not one per column."""
    folded = {c: unicodedata.normalize("NFC", str(c).strip().lower()) for c in table.columns}
    counts = pd.Series(list(folded.values()), dtype=object).value_counts()
    table = table.rename(columns={c: f for c, f in folded.items()
                                  if c != f and f in columns and f not in table.columns and counts[f] == 1})
    swedish = {c: SWEDISH_HEADERS[f] for c, f in folded.items() if SWEDISH_HEADERS.get(f) in columns}
    if swedish:
        raise InputError.at(loc(file, 1), "the header names the columns in Swedish ("
                            + ", ".join(f"'{c}'" for c in swedish) + ")", "the header " + ",".join(columns)
                            + f" ({DOCS})", "rename the columns: " + ", ".join(f"{c} → {n}" for c, n in swedish.items()))
    return table


_RANGES = {"year": (1900, 2200), "month": (1, 12)}  # a year outside is a typing mistake (20224), not a plan


def _not_in_range(values: np.ndarray, noun: str) -> np.ndarray:
    """Which cells are no whole ``noun`` (year, month) within ``_RANGES``: empty, text, a fraction or outside —
    the one rule for a year and a month in all three tables."""
    low, high = _RANGES[noun]
    return ~np.isfinite(values) | (values != np.round(values)) | (values < low) | (values > high)


def _area_problem(cell: object, where: Location, problems: ProblemCollector) -> None:
    """A cell that is no report area key, added to ``problems`` naming the keys and the nearest one — the one
    message for an area in all three tables."""
    if shown(cell) not in AREA_KEYS:
        problems.add(where, f"unknown report area '{shown(cell)}'", "one of " + ", ".join(AREA_KEYS),
                     f"correct the area ({suggest(str(cell), AREA_KEYS)})")


def _month_problem(t: pd.DataFrame, written: np.ndarray, converted: pd.Series, rows: Sequence[int],
                   file: str | None, problems: ProblemCollector) -> None:
    """One problem for every month cell written as a date or a name, with the conversion, at its first row."""
    if not written.any():
        return
    cells = t.loc[written, "month"].astype(str).str.strip()
    examples = ", ".join(f"'{c}' → {int(converted[i])}" for i, c in cells.drop_duplicates().head(3).items())
    first = int(np.flatnonzero(written)[0])
    problems.add(loc(file, rows[first], "month"), f"{int(written.sum())} row{'s' if written.sum() > 1 else ''} "
                 f"write the month as a date or a name ({examples}{', …' if cells.nunique() > 3 else ''})",
                 "the month number 1–12 (the year is in its own column)",
                 "write the month number 1–12 in the column 'month' (in Excel: =MONTH(cell) of a date)")


def check_actuals(actuals: pd.DataFrame, file: str | None = None,
                  as_at: tuple[int, int] | None = None) -> pd.DataFrame:
    """Validate the actuals table (every problem located by row and column) and sort it; indexed by spreadsheet
    row. With ``as_at`` (year, month), the rows of that year after that month booked at 0 are months not yet
    booked: left out (not checked, never used), their months named in ``attrs["unbooked"]``. So are the months of a
    year before a new area starts (``area_starts``, in ``attrs["started"]``): 0 or missing, they are no gap."""
    actuals = _header(actuals, ACTUALS_COLUMNS, file)
    check_header(actuals, ACTUALS_COLUMNS, file, "one row per year, month and area", docs=DOCS)
    problems = ProblemCollector()
    rows, t = sheet_rows(actuals), actuals.reset_index(drop=True)
    # a year or month in another script's digits ('２０２５') read as ASCII, as every month reader reads it
    year, month = (floats(ascii_digit_cells(t[c])) for c in ("year", "month"))
    cost, volume = (floats(t[c]) for c in ("cost", "volume"))
    empty_cost, empty_volume = blank(t["cost"]), blank(t["volume"])
    keyless = blank(t["month"]) & blank(t["area"])
    total = is_total_word(t["area"]).to_numpy(dtype=bool)
    converted = month_written_otherwise(t["month"], month_only=True)  # as a forecast series reads them
    not_year, not_month = _not_in_range(year, "year"), _not_in_range(month, "month")
    written = not_month & converted.notna().to_numpy(dtype=bool)
    _month_problem(t, written, converted, rows, file, problems)
    for i, r in enumerate(rows):
        if total[i]:  # 'Summa' in the area column: the total row it is, not four problems
            problems.add(loc(file, r, "area"), f"row {r} looks like a total row ('{shown(t['area'].iat[i]).strip()}')",
                         "one row per year, month and area (the forecast makes its own totals)", "delete the total row")
            continue
        if keyless[i] and not np.isfinite(year[i]):  # 'Summa' under a ledger export: one problem, not three
            problems.add(loc(file, r), f"row '{shown(t['year'].iat[i])}' has no month and no area — a total or "
                         "comment row?", "one row per year, month and area, nothing else",
                         "remove the row (the forecast makes its own totals)")
            continue
        if not_year[i]:
            problems.add(loc(file, r, "year"), not_a(t['year'].iat[i], "a year"), "a year such as 2024",
                         "correct the year")
        if not_month[i] and not written[i]:
            problems.add(loc(file, r, "month"), f"'{shown(t['month'].iat[i])}' is not a month",
                         "a whole number 1–12", "correct the month")
        _area_problem(t["area"].iat[i], loc(file, r, "area"), problems)
        if empty_cost[i]:
            problems.add(loc(file, r, "cost"), "the cost is empty", "the month's net cost in SEK",
                         "fill in the month's net cost (0 if nothing was booked)")
        elif not np.isfinite(cost[i]):
            problems.add(loc(file, r, "cost"), not_a(t['cost'].iat[i], "an amount"),
                         f"the month's net cost in SEK, a number with {decimal_point(actuals)}",
                         plain_number(actuals))
        if not empty_volume[i] and not np.isfinite(volume[i]):
            problems.add(loc(file, r, "volume"), not_a(t['volume'].iat[i], "a number"),
                         f"the month's average volume, a number ≥ 0 with {decimal_point(actuals)} "
                         "(0 or empty for an area without a volume measure)", plain_number(actuals))
        elif volume[i] < 0:
            problems.add(loc(file, r, "volume"), "negative volume", "a volume ≥ 0", "correct the volume")
        if len(problems.problems) > MAX_PROBLEMS:  # one more, so that the cap can say where the rest begin
            break
    problems.cap(MAX_PROBLEMS, loc(file))  # the rest said, not cut off unsaid (in-year walk: 25 of 40 rows)
    problems.raise_if_any()
    t = pd.DataFrame({"year": year.astype(int), "month": month.astype(int), "area": t["area"].astype(str),
                      "cost": cost, "volume": np.where(empty_volume, 0.0, volume)})
    unbooked = (t["year"] == as_at[0]) & (t["month"] > as_at[1]) & (t["cost"] == 0) if as_at else t["year"] < 0
    months_unbooked = sorted(set(t.loc[unbooked, "month"]))
    kept = ~unbooked.to_numpy()
    t, empty_volume = t[kept].reset_index(drop=True), empty_volume[kept]
    rows = [r for r, keep in zip(rows, kept, strict=True) if keep]
    for row, first, (y, m, a) in repeated_rows(zip(t["year"], t["month"], t["area"], strict=True), rows):
        problems.add(loc(file, row), f"{a} {y}-{m:02d} appears twice (rows {first} and {row})",
                     "one row per year, month and area", "merge the two rows into one (costs are not summed)")
    problems.raise_if_any()
    starts = area_starts(t)
    start_of = t.join(starts.rename("start"), on=["area", "year"])["start"].fillna(1)
    kept = (t["month"] >= start_of).to_numpy()  # the months before an area starts: not booked, not used
    t, empty_volume = t[kept].reset_index(drop=True), empty_volume[kept]
    rows = [r for r, keep in zip(rows, kept, strict=True) if keep]
    _check_gaps(t, starts, file)
    _check_volume_measure(t, empty_volume, rows, file)
    t.index = pd.Index(rows)
    t = t.sort_values(["area", "year", "month"], kind="mergesort")
    t.attrs["unbooked"] = months_unbooked
    t.attrs["started"] = starts.to_dict()
    return t


def area_starts(t: pd.DataFrame) -> pd.Series:
    """The month an area starts in, by (area, year), where it starts after January: its first month with cost, in
    a year when it had none the year before while another area booked months before it (the export covers them).
    Its months before (0 or left out) are no unbooked months but months before the area existed."""
    booked = t[t["cost"] != 0]
    first = booked.groupby(["area", "year"])["month"].min()
    earliest = booked.groupby("year")["month"].min()  # of any area: the months the export covers
    had_cost = set(zip(booked["area"], booked["year"] + 1, strict=True))
    new = [(a, y) not in had_cost and m > earliest[y] for (a, y), m in first.items()]
    return first[np.array(new, dtype=bool)]


def _check_gaps(t: pd.DataFrame, starts: pd.Series, file: str | None) -> None:
    """An area's months of a year consecutive from January, or from the month it starts in (``area_starts``)."""
    gaps = ProblemCollector()  # every area and year with a gap, in one report
    for (y, a), g in t.groupby(["year", "area"]):
        months, start = sorted(g["month"]), int(starts.get((a, y), 1))
        if months != list(range(start, start + len(months))):
            gap = next(m for m in range(start, 13) if m not in months)
            gaps.add(Location(file=file, path=f"{a}.{y}-{gap:02d}"),
                     f"{a} {y}: month {gap} is missing while later months are present",
                     "consecutive months from January (or from the month a new area starts in)",
                     "add the missing month (0 if nothing was booked); for an earlier year the export starts in the "
                     "middle of, leave that year out instead")
    gaps.raise_if_any()


def _check_volume_measure(t: pd.DataFrame, empty: np.ndarray, rows: Sequence[int], file: str | None) -> None:
    """Within one area and year the volume is given in every month or in none (a run rate per
    volume unit cannot use a month without volume); ``rows``: the spreadsheet row of each row of ``t``."""
    problems = ProblemCollector()
    for (y, a), g in t.groupby(["year", "area"], sort=True):
        zero = g.index[(g["volume"] == 0).to_numpy()]
        if len(zero) and len(zero) < len(g):
            i = int(zero[0])
            what = "empty" if empty[i] else "0"
            problems.add(loc(file, rows[i], "volume"), f"the volume is {what} while other months of {a} {y} have a volume",
                         f"a volume > 0 in every month of {a} {y} (0 or empty in every month only for an area "
                         "without a volume measure)", "fill in the month's average volume")
    problems.raise_if_any()


def check_frames(frames: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Validate the yearly frame per area (year, area, frame): one row per year and area, frame ≥ 0."""
    frames = _header(frames, FRAME_COLUMNS, file)
    check_header(frames, FRAME_COLUMNS, file, "one row per year and area: year, area, frame (SEK)", docs=DOCS)
    rows, t = sheet_rows(frames), frames.reset_index(drop=True).copy()
    problems = ProblemCollector()
    for r, a in zip(rows, t["area"], strict=True):
        _area_problem(a, loc(file, r, "area"), problems)
    problems.raise_if_any()
    _whole_numbers(t, ("year",), rows, file)
    amounts, empty = floats(t["frame"]), blank(t["frame"])
    for i, r in enumerate(rows):
        where = loc(file, r, "frame")
        if empty[i]:
            problems.add(where, "the frame is empty", "the year's frame in SEK", "fill in the frame (0 if none)")
        elif not np.isfinite(amounts[i]):
            problems.add(where, not_a(t['frame'].iat[i], "an amount"),
                         f"the year's frame in SEK, a number with {decimal_point(frames)}", plain_number(frames))
        elif amounts[i] < 0:
            problems.add(where, f"negative frame {amounts[i]:g}", "a frame ≥ 0 SEK",
                         "correct the frame (a frame, kommunbidrag, is never negative)")
    problems.raise_if_any()
    t["frame"] = amounts
    for row, first, (year, area) in repeated_rows(zip(t["year"], t["area"], strict=True), rows):
        problems.add(loc(file, row), f"{area} {year} appears twice (rows {first} and {row})",
                     "one frame per year and area", "remove one of the two rows (frames are not summed)")
    problems.raise_if_any()
    t.index = pd.Index(rows)  # the spreadsheet rows, for check_frame_scale's messages
    return t


def check_frame_coverage(frames: pd.DataFrame, actuals: pd.DataFrame, year: int, file: str | None = None) -> None:
    """Every area with actuals in ``year`` needs a frame row for that year (a missing one is not 0)."""
    problems = ProblemCollector()
    have = set(frames.loc[frames["year"] == year, "area"])
    for area in AREA_KEYS:
        if area in set(actuals.loc[actuals["year"] == year, "area"]) and area not in have:
            problems.add(loc(file), f"no frame for {area} {year}",
                         f"a row year, area, frame for every area with actuals in {year}",
                         f"add the row '{year},{area},<frame in SEK>' (0 if the area has no frame)")
    problems.raise_if_any()


def _whole_numbers(t: pd.DataFrame, columns: tuple[str, ...], rows: Sequence[int], file: str | None) -> None:
    """Convert columns of a table read as text to integers in place; the first bad cell is located
    (``rows``: the spreadsheet row of each row of ``t``)."""
    for c in columns:
        values = floats(ascii_digit_cells(t[c]))  # a year in another script's digits, as check_actuals reads it
        bad = ~np.isfinite(values) | (values != np.round(values))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError.at(loc(file, rows[i], c), f"'{shown(t[c].iat[i])}' is not a whole number",
                                f"a whole number ({c})", f"correct the {c}")
        noun = c.removeprefix("known_")
        low, high = _RANGES[noun]
        outside = _not_in_range(values, noun)
        if outside.any():  # a year of 20224 had been read and its change silently never applied
            i = int(np.flatnonzero(outside)[0])
            raise InputError.at(loc(file, rows[i], c), f"'{shown(t[c].iat[i])}' is not a {noun}",
                                f"a whole number {low}–{high}", f"correct the {c}")
        t[c] = values.astype(int)


def check_changes(changes: pd.DataFrame | None, file: str | None = None) -> pd.DataFrame:
    """Validate known volume changes: effective (year, month), area, change, and when it became known."""
    if changes is not None:
        changes = _header(changes, CHANGE_COLUMNS, file)
        check_header(changes, CHANGE_COLUMNS, file, None, docs=DOCS)  # a header-only file: no changes known
    if changes is None or len(changes) == 0:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "volume_change" else int if c != "area" else str)
                             for c in CHANGE_COLUMNS})
    rows, t = sheet_rows(changes), changes.reset_index(drop=True).copy()
    _whole_numbers(t, ("year", "month", "known_year", "known_month"), rows, file)
    problems = ProblemCollector()
    for r, a in zip(rows, t["area"], strict=True):
        _area_problem(a, loc(file, r, "area"), problems)
    change, empty = floats(t["volume_change"]), blank(t["volume_change"])
    for i in np.flatnonzero(~np.isfinite(change)):
        problems.add(loc(file, rows[i], "volume_change"),
                     "the volume change is empty" if empty[i] else not_a(t['volume_change'].iat[i], "a number"),
                     "the change in volume (users/places, negative for a closure), a number with "
                     f"{decimal_point(changes)}", "fill in the change" if empty[i] else plain_number(changes))
    late = t["known_year"] * 12 + t["known_month"] > t["year"] * 12 + t["month"]
    for i in np.flatnonzero(late.to_numpy()):
        problems.add(loc(file, rows[i], "known_month"), "change known only after it takes effect",
                     "a known date on or before the effective month", "correct the dates")
    problems.raise_if_any()
    t["volume_change"] = change
    t.index = pd.Index(rows)  # the spreadsheet rows, for check_against_actuals' messages
    return t


def check_against_actuals(t: pd.DataFrame, fr: pd.DataFrame, ch: pd.DataFrame, year: int, file: str | None = None,
                          frames_file: str | None = None, changes_file: str | None = None) -> None:
    """What the actuals make wrong in the other inputs: a frame for an area with no actuals in ``year`` (an export
    that left it out would drop its frame from the board), a volume change on an area without volumes (it would
    be added to the run rate's 1 a month), and volumes in earlier years but none in ``year`` (the profile would
    be per user and the run rate plain cost)."""
    problems = ProblemCollector()
    this_year = t[t["year"] == year]
    framed = fr[(fr["year"] == year) & (fr["frame"] > 0)]
    for area, frame in zip(framed["area"], framed["frame"], strict=True):
        if area not in set(this_year["area"]):
            problems.add(Location(file=frames_file, path=f"{area}.{year}"), f"a frame for {area} {year} "
                         f"({frame / 1e6:,.1f} MSEK) but no actuals for {area} in {year} ({file or 'the actuals'})",
                         f"actuals for every area with a frame in {year}", f"add {area}'s months to the actuals (an "
                         "export that left the area out?), or remove its frame row")
    volume = t.groupby(["area", "year"])["volume"].sum()
    for area in sorted(set(this_year["area"])):
        earlier = [y for (a, y), v in volume.items() if a == area and y < year and v > 0]
        if earlier and volume.get((area, year), 0.0) == 0:
            problems.add(Location(file=file, path=f"{area}.{year}", column="volume"), f"{area} has volumes in "
                         f"{years_text(earlier)} but none in {year}", f"volumes in {year} too (the forecast is "
                         "cost per user), or in no year (a plain cost run rate)", f"fill in {area}'s volumes for "
                         f"{year}, or clear them in the earlier years")
    for row, area, y in zip(ch.index, ch["area"], ch["year"], strict=True):
        if volume.get((area, int(y)), volume.get((area, year), 0.0)) == 0:
            problems.add(Location(file=changes_file, row=int(row), column="area"), f"a volume change for {area}, "
                         "which has no volumes in the actuals", "changes only for areas with a volume measure",
                         "remove the row (an area without volumes is forecast as a cost run rate), or add "
                         f"{area}'s volumes to the actuals")
    problems.raise_if_any()


def check_year(actuals: pd.DataFrame, year: int, file: str | None = None) -> None:
    """The year to forecast must be one the (checked) actuals have."""
    years = sorted(int(y) for y in actuals["year"].unique())
    if year not in years:
        raise InputError.at(Location(file=file), f"no actuals for {year}; the file has the years {years_text(years)}",
                            f"monthly actuals for {year}", f"forecast one of {years_text(years)} (--year), "
                            f"or add the months of {year} to the file")


@dataclass(frozen=True)
class InYearInputs:
    """The three tables of one command, each checked once (``prepare``), as the forecast and its backtest take them;
    the file names are for their messages."""

    actuals: pd.DataFrame  # ``check_actuals``: sorted, indexed by spreadsheet row, attrs "unbooked" and "started"
    frames: pd.DataFrame  # ``check_frames``, indexed by spreadsheet row
    changes: pd.DataFrame  # ``check_changes``, indexed by spreadsheet row (empty when none are known)
    as_at: tuple[int, int] | None = None  # the (year, month) the actuals were read as at (``check_actuals``)
    file: str | None = None
    frames_file: str | None = None
    changes_file: str | None = None


def prepare(actuals: pd.DataFrame, frames: pd.DataFrame, changes: pd.DataFrame | None = None,
            as_at: tuple[int, int] | None = None, file: str | None = None, frames_file: str | None = None,
            changes_file: str | None = None) -> InYearInputs:
    """Check the three tables once per command, so that the forecast, its backtest and the command's notes share
    them: the frames, the changes, then the actuals (``as_at`` as in ``check_actuals``)."""
    checked_frames = check_frames(frames, frames_file)
    checked_changes = check_changes(changes, changes_file)
    checked_actuals = check_actuals(actuals, file, as_at=as_at)
    return InYearInputs(checked_actuals, checked_frames, checked_changes, as_at, file, frames_file, changes_file)
