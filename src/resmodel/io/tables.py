"""Tabular inputs (CSV or Excel) read against a declared data dictionary.

Every cell is checked for type, range and allowed values; problems are reported with file,
row (spreadsheet numbering, header = row 1) and column, all at once, and nothing is run."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import stat
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector, did_you_mean, percent_text_fraction
from resmodel.forecast.frame import (
    parse_month,  # re-exported: the month columns of io tables
)
from resmodel.io.pnr import (
    check_frame_for_pnr,
    check_sheet_name_for_pnr,
    check_unread_cell_for_pnr,
    check_value_for_pnr,
    id_looks_like_pnr,
    looks_like_pnr,
)
from resmodel.io.text import read_utf8
from resmodel.limits import FULL_TIME_WEEK_HOURS, MAX_TABLE_NUMBER
from resmodel.table_words import RENAME_OR_REMOVE, SWEDISH_HEADER_WORDS, is_total_word, unknown_column_fix

MAX_PROBLEMS = 25
#: where a message sends a board for the tables' columns: the installed package has no docs/ folder, the kit has a copy
SEE_DATA_DICTIONARY = ("see data-dictionary.md, which resmodel init writes beside your README, or "
                       "docs/data-dictionary.md in the resmodel repository")
MAX_UNKNOWN_COLUMNS = 5  # unknown columns named one by one; the rest in one line

#: the words a case system writes before a need level ('Nivå 3'); a level column reads the number after them
LEVEL_WORDS = ("nivå", "niva", "level")

#: more unknown columns than this, most of them named as months or years: a table laid out wide (one column per
#: month), not an export's extra columns (Kostnadsställe, Telefon, Adress …, which the wide advice misread)
MANY_UNKNOWN_COLUMNS = 12
#: a header naming a month or a year ('2024-03', '2024', 'jan 2024', 'mars')
_PERIOD_HEADER = re.compile(r"\s*(?:\d{4}(?:[-/. ]?\d{1,2})?|(?:jan|feb|mar|apr|maj|may|jun|jul|aug|sep|okt|oct|nov|dec)"
                            r"[a-zåäö]*\.?(?:\s*\d{2,4})?|\d{1,2}[-/.]\d{4})\s*", re.IGNORECASE)

#: column names as a Swedish export may head them, and the dictionary's name for each: the one table of Swedish header
#: words (table_words), compared as ``header_key`` writes a header; the reader names the column to rename such a
#: header to (it does not rename it itself), in the tables that have that column
SWEDISH_COLUMN_NAMES = SWEDISH_HEADER_WORDS

#: a unit in brackets after an export's header that is the column's own unit (by the dictionary's unit): only such a
#: header is told to be renamed as it is — 'Årshyra (tkr)' renamed to annual_rent took 17.7 MSEK of rent out of a
#: board's cost without a word (steward re-walk)
UNIT_SPELLINGS = {
    "SEK": {"kr", "sek", "kronor"},
    "SEK/year": {"kr", "sek", "kronor", "kr/år", "sek/år", "kr per år"},
    "SEK/day": {"kr", "sek", "kronor", "kr/dygn", "sek/dygn", "kr per dygn"},
    "hours/week": {"tim/v", "h/v", "tim/vecka", "timmar/vecka", "h/vecka", "tim per vecka", "timmar per vecka",
                   "h/week"},
    "FTE": {"åa", "årsarbetare", "fte"},
    "places": {"st", "antal", "platser"},
    "months": {"mån", "mån.", "månader", "months"},
}
#: what to do with the values of a header bracketing thousands or millions of kronor, in a column of kronor
MONEY_CONVERSIONS = {"tkr": "multiply its values by 1 000 (they are thousands of kronor)",
                     "mkr": "multiply its values by 1 000 000 (they are millions of kronor)",
                     "msek": "multiply its values by 1 000 000 (they are millions of kronor)"}

#: units of a share of a whole (an FTE is one full-time post): a cell '80 %' in such a column is 0.8 of it
SHARE_UNITS = frozenset({"FTE"})
#: the unit of a column of hours a week, where a percentage is a share of a full-time week, not a share to keep
WEEKLY_HOURS_UNIT = "hours/week"


def header_key(name: object) -> str:
    """A header as the Swedish-name lookup compares it: Unicode NFC, lower case, a unit in brackets at the end
    dropped, '-' and spaces as '_' ('Tidsomfattning (tim/v)' → tidsomfattning, 'Brukar-ID' → brukar_id); å, ä
    and ö kept."""
    text = unicodedata.normalize("NFC", str(name)).strip().lower()
    text = re.sub(r"\s*\([^()]*\)$", "", text).strip()
    return re.sub(r"[\s\-]+", "_", text)


#: the characters of an id, as a pattern and as messages and the data dictionary say them
ID_PATTERN = r"[A-Za-z0-9_\-]+"
ID_RULE = "letters a–z or A–Z without å, ä, ö; digits, '-' or '_'"


@dataclass(frozen=True)
class Column:
    """One column of a data dictionary: name, type, unit, allowed values, bounds, required."""

    name: str
    kind: str  # "id", "str", "int", "float", "date", "month"
    description: str
    unit: str = ""
    required: bool = True
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    above_minimum: bool = False  # the minimum itself is refused: values must be above it (> 0)
    duplicate_fix: str = "remove the duplicate row or give it its own id"  # what to do about a repeated unique value
    unique: bool = False
    references: str | None = None  # "table.column" that this column must match
    prefix_words: tuple[str, ...] = ()  # words an export writes before the value ('Nivå 3'), read past

    def expected(self) -> str:
        if self.allowed:
            return "one of " + ", ".join(repr(a) for a in self.allowed)
        kind = {
            "id": f"a pseudonymous id ({ID_RULE})",
            "str": "text",
            "int": "a whole number",
            "float": "a number (decimal point '.')",
            "date": "a date YYYY-MM-DD",
            "month": "a month written YYYY-MM (or a first-of-month date YYYY-MM-01)",
        }[self.kind]
        if self.minimum is not None and self.maximum is not None:
            return kind + (f" above {self.minimum:g}, at most {self.maximum:g}" if self.above_minimum
                           else f" from {self.minimum:g} to {self.maximum:g}")
        if self.minimum is not None:
            return kind + f" {'>' if self.above_minimum else '≥'} {self.minimum:g}"
        return kind

    def range_text(self) -> str:
        """The allowed range as the data dictionary shows it: '0–10000', '≥ 0', '> 0' (empty without bounds)."""
        low = "" if self.minimum is None else f"{'> ' if self.above_minimum else ''}{self.minimum:g}"
        if self.minimum is not None and self.maximum is not None:
            return f"{low}, ≤ {self.maximum:g}" if self.above_minimum else f"{low}–{self.maximum:g}"
        if self.minimum is not None:
            return low if self.above_minimum else f"≥ {low}"
        return ""


@dataclass(frozen=True)
class TableSchema:
    """A named table in the data dictionary."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # columns that together name one row (a repeated combination is refused by its reader)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def row_identity(self) -> tuple[str, ...]:
        """The columns whose values name one row, for the data dictionary: the key, else the unique columns."""
        return self.key or tuple(c.name for c in self.columns if c.unique)


def _csv_rows(text: str, display: str, delimiter: str = ",") -> list[list[str]]:
    """The CSV's rows (universal newlines: CR-only files from old Macs). A stray '"' opens a quoted cell that runs
    on through the rest of the file until the csv module's cell limit stops it: located at the row it opens on."""
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as exc:
        start = len(rows) + 1  # a spreadsheet row, as every other location of the table (a quoted cell may span lines)
        if "field limit" not in str(exc):
            raise InputError.at(Location(file=display, row=start), "the row cannot be read as CSV",
                                "cells separated by ',' (or ';'), text in pairs of double quotes",
                                "save the table again as 'CSV UTF-8' or as Excel .xlsx") from None
        raise InputError.at(Location(file=display, row=start), "a double quote (\") opens a cell here that is "
                            "never closed, so the rest of the file reads as one cell", "quotes in pairs around a "
                            "cell (\"a, b\"), or none", f"remove the stray '\"' on row {start}, or close it") from None
    return rows


def read_raw(path: Path, display: str) -> pd.DataFrame:
    """Read a CSV or the first sheet of an .xlsx file as strings, with located format errors; a spreadsheet's
    error value in any cell (#N/A of a failed lookup) is refused, as it would otherwise be read as text."""
    frame = _read_raw(path, display)
    _refuse_error_values(frame, display)
    _refuse_total_rows(frame, display)
    return frame


#: the period columns and the columns naming a series of the forecasting's series-like tables (a series file, a
#: volume history, a demand table): a total word may stand in any of them, not only in the first column
SERIES_PERIODS = ("ds", "month", "service_month", "reporting_month")
SERIES_NAMES = ("unique_id", "service", "level")


def _total_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Which cells of the columns looked at hold a total word, on the rows that are totals. In a series-like table
    (a period column and a column naming series) every period and name column is looked at, and a row is a
    total when none of its period cells holds a period ('2024-01,Totalt,,…' is a series named 'Totalt', for the
    series reader to judge); elsewhere the first column, whatever the row holds."""
    names = {str(c).strip().lower(): c for c in frame.columns}
    periods = [names[c] for c in SERIES_PERIODS if c in names]
    looked = list(dict.fromkeys([frame.columns[0], *periods, *(names[c] for c in SERIES_NAMES if c in names)]))
    if not periods or len(looked) == len(periods):  # no column naming series: the first cell says it
        words = is_total_word(frame.iloc[:, 0]).to_frame(frame.columns[0])
        return words[words.any(axis=1)]
    words = pd.DataFrame({c: is_total_word(frame[c]) for c in looked}, index=frame.index)
    no_period = pd.DataFrame({c: words[c] | frame[c].fillna("").str.strip().eq("") for c in periods}).all(axis=1)
    return words[words.any(axis=1) & no_period]


def _refuse_total_rows(frame: pd.DataFrame, display: str) -> None:
    """A row that says 'Summa' (or 'Totalt' …) is a total under the table, not a row of it: told so, instead of a
    missing value in each of its empty cells."""
    if frame.empty:
        return
    totals = _total_rows(frame)
    if len(totals):
        row = int(totals.index[0])
        column = totals.columns[totals.iloc[0].to_numpy()][0]
        raise InputError.at(Location(file=display, row=row, column=str(column)),
                            f"row {row} looks like a total row ('{str(frame.at[row, column]).strip()}')"
                            + (f" (and {len(totals) - 1} more rows)" if len(totals) > 1 else ""),
                            "the table's rows only (resmodel sums them itself)", "delete the total row"
                            + ("s" if len(totals) > 1 else ""))


#: the error values Excel writes into a cell whose formula failed (kept as text by a CSV or a cached xlsx value)
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"})


def _refuse_error_values(frame: pd.DataFrame, display: str) -> None:
    """One problem per column holding a spreadsheet error value, at its first row."""
    problems = ProblemCollector()
    for column in frame.columns:
        hits = frame.index[frame[column].fillna("").str.strip().str.upper().isin(EXCEL_ERRORS).to_numpy()]
        if len(hits):
            problems.add(Location(file=display, row=int(hits[0]), column=str(column)),
                         f"the cell holds the spreadsheet error {frame.at[hits[0], column].strip()}"
                         + (f" (and {len(hits) - 1} more rows)" if len(hits) > 1 else ""),
                         "a value: a formula that failed (a lookup that found nothing) has none",
                         "correct the formula or type the value in the spreadsheet, then save again")
    problems.raise_if_any()


_SPECIAL_FILES = {stat.S_IFCHR: "a device", stat.S_IFBLK: "a device", stat.S_IFIFO: "a named pipe",
                  stat.S_IFSOCK: "a socket"}


def _read_raw(path: Path, display: str) -> pd.DataFrame:
    if path.is_dir():
        raise InputError.at(Location(file=display), "this is a folder, not a file", "a CSV or .xlsx file",
                            "name the file inside the folder")
    if path.exists() and not path.is_file():  # /dev/null, a named pipe: said for what it is, not 'not found'
        kind = _SPECIAL_FILES.get(stat.S_IFMT(path.stat().st_mode), "something other than a file")
        raise InputError.at(Location(file=display), f"this is not a regular file but {kind}", "a CSV or .xlsx file",
                            "give the path of the CSV or .xlsx file itself")
    if not path.is_file():
        raise InputError.at(
            Location(file=display), "file not found", "an existing CSV or .xlsx file", "check the path and file name"
        )
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_excel(path, display)
    if suffix != ".csv":
        raise InputError.at(
            Location(file=display), f"unsupported file type '{suffix}'", "a .csv or .xlsx file",
            "save the table as CSV UTF-8 or Excel .xlsx",
        )
    text = read_utf8(path, display, "CSV", "save as 'CSV UTF-8' or as Excel .xlsx", as_row=True, bom=True,
                     windows_1252=True)
    rows = _csv_rows(text, display)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError.at(
            Location(file=display, row=1), "the file is empty or has no header row",
            "a header row naming the columns", f"add the header row ({SEE_DATA_DICTIONARY})",
        )
    separator = ","
    if _semicolon_separated(text, rows[0]):  # Swedish Excel's CSV: ';' between cells, decimal comma
        separator = ";"
        rows = _swedish_numbers(_csv_rows(text, display, ";"), display)
    header = [h.strip() for h in rows[0]]
    while len(header) > 1 and header[-1] == "":  # empty columns after the table (',,' at line ends)
        header.pop()
    if len(header) == 1 and "\t" in header[0]:
        raise InputError.at(
            Location(file=display, row=1), "the header is one cell separated by a tab",
            "cells separated by ',' (or ';' as Swedish Excel writes them)",
            "save as 'CSV UTF-8' or as Excel .xlsx, not as tab-separated text",
        )
    _refuse_title_above_header(rows, display)
    _check_header(header, display)
    for i, r in enumerate(rows[1:], start=2):
        if (len(r) < len(header) or any(c.strip() for c in r[len(header):])) and any(c.strip() for c in r):
            _refuse_headerless_column(i, r, rows[0], len(header), display)
            raise InputError.at(
                Location(file=display, row=i), f"row has {len(r)} cells but the header has {len(header)}",
                f"the same number of '{separator}'-separated cells on every row",
                f"check for a missing or extra '{separator}', or quote cells that contain '{separator}'",
            )
    header, body = _without_headerless_columns(header, rows[1:], display)
    frame = _without_blank_rows(body, header)
    frame.attrs["decimal_comma"] = separator == ";"  # its numbers were written with ',' (messages say so)
    return frame


def _refuse_headerless_column(i: int, row: list[str], header_row: list[str], width: int, display: str) -> None:
    """Row ``i`` has a value right of the header whose own cell in row 1 is there but empty (a header row ending in
    ',' one name short): said as a column without a header, not as a row with too many cells."""
    extra = next((j for j in range(width, len(row)) if row[j].strip()), None)
    if extra is None or extra >= len(header_row):
        return
    raise InputError.at(*_headerless_column(extra, i, display))


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st: a column's position as a message says it."""
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _headerless_column(j: int, row: int, display: str) -> tuple[Location, str, str, str]:
    """The problem of column ``j`` (0-based), which holds a value on ``row`` but has an empty header cell: named by its
    spreadsheet letter and position, as a CSV opened in Excel shows it too (merged header cells leave one empty)."""
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(j + 1)
    return (Location(file=display, row=row), f"column {letter} (the {_ordinal(j + 1)}) has values but no header: its "
            f"cell in row 1 is empty (merged header cells?)", "a header for every filled column",
            f"give column {letter} its header in row 1, the name of the column it holds ({SEE_DATA_DICTIONARY}), or "
            "delete its values if it is not part of the table")


def _filled(row: list) -> int:
    """How many cells of a row hold something."""
    return sum(1 for c in row if str(c).strip())


def _refuse_title_above_header(rows: list[list], display: str) -> None:
    """Row 1 a title above the header in one of rows 2–11 — that row names columns, at least twice as many as row 1
    fills ('Brukarlista 2024,,,,,,,,Källa: Procapita' above nine names) — refused as such before any check of its
    columns: the note's empty cells were told as columns without a header (merged header cells?) (review)."""
    title = _filled(rows[0])
    below = next(((i, r) for i, r in enumerate(rows[1:11], start=2)
                  if 2 * title <= _filled(r) and _looks_like_a_header(r)), None)
    if below is not None:
        _refuse_title_row(*below, title, display)


def _refuse_title_row(i: int, row: list, title: int, display: str) -> None:
    """Row 1 fills ``title`` cells and row ``i`` names columns: a report's title above the table, not a header of
    its own (the title is not echoed: it may hold anything)."""
    raise InputError.at(
        Location(file=display, row=1), f"row 1 has {'one cell' if title == 1 else f'{title} cells'} but row {i} has "
        f"{_filled(row)}: row 1 looks like a title above the header in row {i}",
        "the column names in row 1", f"delete the rows above row {i} (a title or a note) so that the header is row 1",
    )


def _looks_like_a_header(row: list[str]) -> bool:
    """Two or more cells, every one text that is not a number: column names, not a data row."""
    cells = [c.strip() for c in row if c.strip()]
    return len(cells) > 1 and not any(re.fullmatch(r"[-+\u2212]?[\d\s.,]+", c) for c in cells)


#: a number as Swedish Excel writes it: decimal comma, optional space (or no-break space) between
#: thousands, '−' or '-' for minus — e.g. '1 234 567,50', '0,074', '−12,5'
_SWEDISH_NUMBER = re.compile(r"\s*[-\u2212]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,\d+)?\s*")


def _semicolon_separated(text: str, comma_header: list[str]) -> bool:
    """Whether the file is ';'-separated: its header splits into more cells at ';' than at ',' (quotes
    respected), so that a header cell with a comma in it ('kommentar, fri text') does not hide the ';';
    on a tie, whichever separator gives more of the first rows the header's number of cells, and if that
    ties too, ';' when a ','-split column name holds a ';' (a name with ';' in it is rarer than one with ',')."""
    lines = text.splitlines()[:21]
    semicolon_header = next(csv.reader(lines[:1], delimiter=";"), [])
    if len(semicolon_header) != len(comma_header) or len(comma_header) < 2:
        return len(semicolon_header) > max(len(comma_header), 1)

    def fitting(delimiter: str) -> int:
        return sum(len(row) == len(comma_header) for row in csv.reader(lines[1:], delimiter=delimiter))

    semicolon, comma = fitting(";"), fitting(",")
    return semicolon > comma or (semicolon == comma and any(";" in cell for cell in comma_header))


def _swedish_numbers(rows: list[list[str]], display: str) -> list[list[str]]:
    """The rows of a ';' file with the number cells of its number columns as plain numbers. A column is
    one of numbers when at least half its filled cells are numbers; its odd cell ('5,0 st') is left as
    typed, for its own located error. Text columns are left as typed ('Grupp 1,5'). A '.' between groups
    of three digits ('1.100') is refused: beside decimal commas it may be a thousands separator."""
    width = max((len(r) for r in rows), default=0)
    body = rows[1:]
    for j in range(width):
        cells = [r[j] for r in body if j < len(r) and r[j].strip()]
        converted = [_swedish_number(c) for c in cells]
        numbers = sum(1 for c in converted if _PLAIN_NUMBER_TEXT.fullmatch(c))
        if cells and 2 * numbers >= len(cells):
            for i, r in enumerate(body, start=2):
                if j < len(r) and _DOT_THOUSANDS.fullmatch(r[j]):
                    _refuse_dot_thousands(r[j].strip(), Location(file=display, row=i, column=rows[0][j].strip()
                                                                 if j < len(rows[0]) else None))
                if j < len(r):
                    r[j] = _swedish_number(r[j])
    return rows


def _refuse_dot_thousands(cell: str, where: Location) -> None:
    """A number of a ';' file with '.' between groups of three digits: a thousands separator (1.250.000 can be
    nothing else) or, with one '.', maybe a decimal point — either way not how Swedish Excel writes it."""
    check_value_for_pnr(cell, where)  # never echoed if it is one
    plain = cell.replace(".", "")
    decimal = cell.replace(".", ",") if cell.count(".") == 1 else None
    raise InputError.at(where, f"'{cell}' in a file with ';' between cells: " + (
                            f"its '.' may separate thousands ({plain}) or be a decimal point ({decimal})" if decimal
                            else "its dots separate thousands"),
                        "numbers as Swedish Excel writes them: a decimal comma, thousands apart by a space or not "
                        "at all (1100, 1 100, 1,1)",
                        f"write {plain}" + (f" or {decimal}, as the number is meant" if decimal else ""))


#: '1.100', '25.000', '1.250.000': beside decimal commas a '.' between groups of three digits is ambiguous
_DOT_THOUSANDS = re.compile(r"\s*-?[1-9]\d{0,2}(?:\.\d{3})+\s*")


_PLAIN_NUMBER_TEXT = re.compile(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*")


def _swedish_number(cell: str) -> str:
    """A cell of a ';'-separated file: a number with decimal comma and thousands spaces as the
    plain number the columns read ('1 234,5' → '1234.5'); any other cell unchanged."""
    if _SWEDISH_NUMBER.fullmatch(cell) is None:
        return cell
    return re.sub(r"[ \u00a0\u202f]", "", cell.strip()).replace(",", ".").replace("\u2212", "-")


def _swedish_numbers_as_text(cells: pd.Series) -> pd.Series:
    """A number column's cells of a workbook with the numbers Swedish Excel stores as text ('5,0', '1 120 000,50') as
    plain numbers, read as a ';' file's are — a text cell '5,0' of a level was refused in an .xlsx while a ';' CSV
    read it as 5 (new-board walk); any other cell unchanged (a number cell is never written with a comma), and so is
    one with exactly three digits after a lone comma."""
    swedish = cells.str.fullmatch(_SWEDISH_NUMBER.pattern).fillna(False).astype(bool)
    # '1,120' may be 1.12 or an English 1 120: a text cell has no locale to tell, so it is left to be refused (diff
    # review: read as 1.12, an English export's thousands were a thousandth)
    swedish &= ~cells.str.fullmatch(r"\s*[-\u2212]?[1-9]\d{0,2},\d{3}\s*").fillna(False).astype(bool)  # 0,125: a decimal
    converted = (cells.str.replace(r"[ \u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
                 .str.replace("\u2212", "-", regex=False))
    return cells.where(~swedish, converted)


def _without_blank_rows(body: list[list], header: list[str]) -> pd.DataFrame:
    """The data rows as strings, indexed by spreadsheet row; rows with no content (the empty rows
    Excel leaves after a table, or ',,,,' lines) are left out, and the rows after them keep their numbers."""
    kept = [(i, [str(c) for c in r[: len(header)]]) for i, r in enumerate(body, start=2)
            if any(str(c).strip() for c in r)]
    frame = pd.DataFrame([r for _, r in kept], columns=header, dtype="string")
    frame.index = pd.Index([i for i, _ in kept], dtype="int64")
    return frame


def _without_headerless_columns(header: list[str], body: list[list], display: str) -> tuple[list[str], list[list]]:
    """The header and rows without the columns whose header cell is empty and that hold nothing (a blank column left
    in the sheet: no data to lose). Such a column with values is refused, named by its spreadsheet letter: merged
    header cells leave the second empty, and 'unknown column \'\'' said neither which column nor why."""
    blank = [j for j, name in enumerate(header) if name == ""]
    if not blank:
        return header, body
    problems = ProblemCollector()
    for j in blank:
        first = next((i for i, r in enumerate(body, start=2) if j < len(r) and str(r[j]).strip()), None)
        if first is not None:
            problems.add(*_headerless_column(j, first, display))
    problems.raise_if_any()
    kept = [j for j, name in enumerate(header) if name != ""]
    return [header[j] for j in kept], [[r[j] for j in kept if j < len(r)] for r in body]


def _check_header(header: list[str], display: str) -> None:
    """A column named twice is refused (an empty header cell is _without_headerless_columns' to judge)."""
    seen = set()
    for name in header:
        if name and name in seen:
            check_value_for_pnr(name, Location(file=display, row=1, column="(header)"))  # never echo one
            raise InputError.at(
                Location(file=display, row=1, column=name), f"column '{name}' appears twice in the header",
                "each column once", "remove or rename one of the two columns",
            )
        seen.add(name)


#: a number format that shows a whole number with leading zeros only: 000 (one with text, "FTE "0, is kept as the
#: number: a number column under it would otherwise read as text)
_ZERO_PADDED = re.compile(r"0+")


def _excel_text(value, number_format: str | None = None) -> str:
    """A cell as the text a CSV would hold: dates as YYYY-MM-DD, times of day and durations as HH:MM
    (Excel keeps a typed 08:30 as a time, which str() would write 08:30:00, and 24:00 as a duration); a whole
    number formatted with leading zeros (an id 007 kept as the number 7 under format 000) as Excel shows it."""
    if value is None:
        return ""
    padded = _ZERO_PADDED.fullmatch(number_format or "")
    if padded and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return f"{value:0{len(padded.group())}d}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M" if not value.second else "%H:%M:%S")
    if isinstance(value, dt.timedelta):  # a duration-formatted cell ([h]:mm), e.g. 24:00
        minutes = round(value.total_seconds() / 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    return str(value)


def _check_other_sheets_for_pnr(wb, display: str) -> None:
    """The sheets after the first are not read, but the file is an input: a personal identity number on any of
    them (or as a sheet's name) refuses it as one on the first would. Numbers are tested as amounts, text fully."""
    from openpyxl.utils import get_column_letter

    for sheet in wb.worksheets:
        check_sheet_name_for_pnr(sheet.title, Location(file=display, column="(sheet name)"))
    for sheet in wb.worksheets[1:]:
        where = f"{display}, sheet '{sheet.title}'"
        for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            for c, value in enumerate(row, start=1):
                check_unread_cell_for_pnr(value, Location(file=where, row=r, column=get_column_letter(c)))


def _refuse_formulas_without_values(path: Path, display: str, header: list[str], unset: set[tuple[int, int]]
                                    ) -> None:
    """Formula cells of the first sheet that carry no saved value: openpyxl reads them as empty — a workbook
    written by a script or an export tool, never calculated, gave a premises plan one-off costs of 0 without a
    word (bad-input audit). Refused at each such cell, ``unset`` the (row, column) positions, 0-based, that read
    with no value and no saved text (a formula that calculated '' has one); the formula is not echoed."""
    if not unset:
        return
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        found = [(r, c) for r, row in enumerate(wb.worksheets[0].iter_rows(values_only=True))
                 for c, value in enumerate(row) if (r, c) in unset and _is_formula(value)]
    finally:
        wb.close()
    problems = ProblemCollector()
    problems.add_rows(list(range(len(found))), 5, lambda i: (
        Location(file=display, row=found[i][0] + 1, column=header[found[i][1]].strip()
                 if found[i][1] < len(header) and header[found[i][1]].strip() else get_column_letter(found[i][1] + 1)),
        "the cell holds a formula with no value saved with it (the file was written by a program that does not "
        "calculate), so it would be read as empty", "a value, or a formula Excel has calculated and saved",
        "open the file in Excel (or LibreOffice) and save it, so that the values are stored; or replace the "
        "formulas by their values"))
    problems.raise_if_any()


def _is_formula(value) -> bool:
    """Whether a cell read with data_only=False holds a formula ('=…', or an array formula object)."""
    return (isinstance(value, str) and value.startswith("=") and len(value) > 1) or type(value).__name__ in (
        "ArrayFormula", "DataTableFormula")


def _read_excel(path: Path, display: str) -> pd.DataFrame:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:  # no read permission, a file another program has locked: not a corrupt workbook
        raise InputError.at(Location(file=display), f"the file cannot be read ({exc.strerror or type(exc).__name__})",
                            "an Excel workbook you may read", "check the file's permissions, or close the program "
                            "that holds it open, and run again") from None
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise InputError.at(
            Location(file=display), f"cannot open the Excel file ({type(exc).__name__})",
            "a valid .xlsx workbook", "re-save the file from Excel as .xlsx",
        ) from None
    ws = wb.worksheets[0]
    if getattr(ws, "sheet_state", "visible") != "visible":  # Excel shows another sheet; the first is the one read
        visible = next((s.title for s in wb.worksheets if getattr(s, "sheet_state", "visible") == "visible"), None)
        wb.close()
        raise InputError.at(Location(file=display), "the first sheet is hidden, and the first sheet is the one read",
                            "the table on the first sheet, visible", "delete the hidden sheet, or move "
                            + (f"'{visible}'" if visible else "the table's sheet") + " first (Excel: unhide it to see it)")
    cells = [[(c.value, getattr(c, "number_format", None), getattr(c, "data_type", "n")) for c in row]
             for row in ws.iter_rows()]
    rows = [[_excel_text(value, number_format) for value, number_format, _ in row] for row in cells]
    # no value and not a saved text: a formula Excel calculated to '' is saved as text ('str'), read as None too
    unset = {(r, c) for r, row in enumerate(cells) for c, (value, _, kind) in enumerate(row)
             if value is None and kind == "n"}
    other_headers = {sheet.title: [_excel_text(v).strip() for v in next(sheet.iter_rows(values_only=True), ())]
                     for sheet in wb.worksheets[1:]}
    try:
        _check_other_sheets_for_pnr(wb, display)
    finally:
        wb.close()
    _refuse_formulas_without_values(path, display, rows[0] if rows else [], unset)
    if not rows:
        raise InputError.at(
            Location(file=display, row=1), "the first sheet is empty", "a header row naming the columns",
            "put the table on the first sheet, header in row 1",
        )
    header = [h.strip() for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    _refuse_title_above_header(rows, display)  # told as in a CSV
    _check_header(header, display)
    titled = _filled(header) == 1  # one cell in row 1 (a merged title) and no header below it
    for i, r in enumerate([] if titled else rows[1:], start=2):  # a filled cell right of the header: a cleared header
        extra = next((j for j in range(len(header), len(r)) if str(r[j]).strip()), None)
        if extra is not None:
            raise InputError.at(*_headerless_column(extra, i, display))
    header, body = _without_headerless_columns(header, rows[1:], display)
    frame = _without_blank_rows(body, header)
    frame.attrs["first_sheet"] = ws.title
    frame.attrs["other_headers"] = other_headers  # a table on another sheet is named, not 'missing columns'
    return frame


def _table_on_another_sheet(raw: pd.DataFrame, schema: TableSchema, display: str) -> None:
    """A workbook whose first sheet lacks required columns that another sheet has: one problem naming
    that sheet, instead of a column problem for each of them."""
    required = {c.name for c in schema.columns if c.required}
    if required <= set(raw.columns):
        return
    for name, header in raw.attrs.get("other_headers", {}).items():
        if required <= set(header) and not looks_like_pnr(name) and not looks_like_pnr(raw.attrs["first_sheet"]):
            raise InputError.at(Location(file=display), f"the table is on the sheet '{name}', but the first sheet, "
                                f"'{raw.attrs['first_sheet']}', is read", f"the {schema.name} table on the first sheet",
                                f"move the sheet '{name}' first (or delete '{raw.attrs['first_sheet']}')")


def _echoed(text: str) -> str:
    """A cell's value for a message, unless it could be a personal identity number (a 10-digit
    number in a numeric column passes the amount-tolerant check, but must not be repeated back) — by the ids' strict
    rule, whatever its check digit: a birth year or a level typed 8503121234 is no amount to show (privacy audit; the
    API masks them alike)."""
    return "(not shown: it looks like a personal identity number)" if id_looks_like_pnr(text) else text


def without_prefix_words(text: pd.Series, words: tuple[str, ...] = LEVEL_WORDS) -> pd.Series:
    """'Nivå 3', 'nivå: 3' as a case system exports them: the number after the word (the cell in Unicode NFC, so
    that an 'å' written as 'a' and a ring reads the same) — every table's level column reads them alike."""
    pattern = "|".join(re.escape(w) for w in words)
    return text.astype("string").str.normalize("NFC").str.replace(rf"(?i)^(?:{pattern})\s*:?\s*(?=\d)", "",
                                                                  regex=True)


def _share_fix(cell: str, col: Column, decimal_comma: bool) -> str | None:
    """For a percentage ('80 %', '80%') in a column of a share (an FTE): the share to write; in a column of hours a
    week: the hours of that share of full time (not the share, which reads as under an hour); with a decimal comma
    in a ';' file as the user writes there; None for any other cell or column."""
    share = percent_text_fraction(cell)
    if share is None or col.unit not in (*SHARE_UNITS, WEEKLY_HOURS_UNIT):
        return None
    if col.unit == WEEKLY_HOURS_UNIT:
        return (f"'{cell.strip()}' is a share of full time: write the hours a week, "
                f"{hours_of_full_time(float(share) * 100, decimal_comma)} — a board whose full-time week is shorter "
                "takes its own")
    share = share.replace(".", ",") if decimal_comma else share
    return f"write {share} ({cell.strip().rstrip('%').strip()} % = {share} {col.unit})"


#: what a board calls a service besides its key and its label in the report areas (budget.areas.SERVICE_LABELS):
#: the home a short stay is spent in
SERVICE_WORDS = {"korttidshem": "korttidsvistelse"}


def service_key(text: str) -> str:
    """A service as written ('Avlösarservice', 'Särskilt boende SoL') in the form of a service key, folded as the
    allowed values are (``folded_value``: one fold for both — the two differed on é and Unicode form, diff review)."""
    return str(folded_value(pd.Series([text], dtype="string")).iloc[0])


def other_service_of(value: str) -> str | None:
    """The key of other_services.csv a service value names — by key, by its Swedish label or a board's word for it
    ('korttidshem' is korttidsvistelse); None for any other value."""
    from resmodel.budget.areas import SERVICE_LABELS
    from resmodel.io.dictionary import OTHER_SERVICE_KEYS  # imported here: the dictionary imports this module

    words = {**{service_key(SERVICE_LABELS[k].split(" — ")[0]): k for k in OTHER_SERVICE_KEYS},
             **SERVICE_WORDS, **{k: k for k in OTHER_SERVICE_KEYS}}
    return words.get(service_key(value))


def _unknown_value_fix(value: str, col: Column) -> str:
    """The fix for a value not among the column's allowed ones: a service that other_services.csv costs (a short
    stay) is told to go there — 'use one of the allowed values' had a board relabel short stays as bostad_barn,
    costed as a full year of housing (new-board walk), and its premises with it, whose row left behind was warned
    premises_unused (re-walk); any other value is pointed at the allowed values."""
    other = other_service_of(value) if col.name == "service" else None
    if other is not None and other not in (col.allowed or ()):
        return ((f"'{value}' is {other}: it" if value != other else other)
                + " is costed in the projection as volume × average cost from other_services.csv, not from units "
                "and users: remove these rows (a unit's users' and roster rows with it, and its premises' row in "
                f"premises.csv if no other unit uses them) and give {other} a line in other_services.csv, whose "
                f"average cost includes the premises' rent (table other_services; {SEE_DATA_DICTIONARY}; and "
                "the repository's docs/projection.md, 'Other services') — not another service's value, which would cost it as "
                "that service")
    named = named_values(folded_value(pd.Series([value], dtype="string")).iloc[0], col.allowed or ())
    if len(named) > 1:
        return (f"'{value}' may be " + " or ".join(f"'{k}'" for k in named) + ", so it is not read as either: write "
                f"the one meant ({SEE_DATA_DICTIONARY})")
    return did_you_mean(value, col.allowed or ()) + f"use one of the allowed values ({SEE_DATA_DICTIONARY})"


def _id_fix(col: Column, named: bool) -> str:
    """The fix for an id with spaces or symbols: the id's characters, and where a readable name goes — the table's
    'name' column, or (an id naming another table's row) the id that table gives it; a unit id written as its name
    ('Dagis Ö 1') was told only which characters to use (new-board walk)."""
    fix = "use only those characters in ids (write å, ä, ö as a, a, o; no spaces)"
    if named:
        return fix + "; keep the readable name in the 'name' column and give the row a short id (e.g. DV01)"
    if col.references:
        table, column = col.references.split(".")
        return fix + f"; use the id the {table} table gives in its {column} column"
    return fix


#: names of allowed values in the words of the law or of a case system, and the values each may be: read as the one
#: of them a column allows ('Assistansersättning' is a user's personlig_assistans_sfb, a unit's personlig_assistans);
#: where a column allows more than one (a user's 'Personlig assistans': SFB or LSS) it is refused, naming them —
#: every row of official names was refused without a suggestion (new-board re-walk)
VALUE_NAMES = {
    "Bostad med särskild service för vuxna": ("bostad_vuxna",),  # LSS 9 § 9
    **dict.fromkeys(("Bostad med särskild service för barn", "Bostad med särskild service för barn och ungdomar",
                     "Bostad för barn och ungdomar"), ("bostad_barn",)),  # LSS 9 § 8
    **dict.fromkeys(("Daglig verksamhet LSS", "Daglig verksamhet enligt LSS"), ("daglig_verksamhet",)),  # LSS 9 § 10
    "Assistansersättning": ("personlig_assistans_sfb", "personlig_assistans"),  # SFB 51 kap.
    "Personlig assistans enligt LSS": ("personlig_assistans_lss", "personlig_assistans"),
    "Personlig assistans enligt SFB": ("personlig_assistans_sfb", "personlig_assistans"),
    "Personlig assistans": ("personlig_assistans_sfb", "personlig_assistans_lss"),
    **dict.fromkeys(("Privat", "Privat regi", "Enskild", "Enskild regi", "Extern regi"), ("extern",)),
    **dict.fromkeys(("Egen regi", "Kommunal", "Kommunal regi"), ("egen",)),
}


def folded_value(text: pd.Series) -> pd.Series:
    """Cells as allowed values are spelt: Unicode NFC (a macOS copy's decomposed 'ö' is the composed one), blanks at
    the ends dropped, lower case, å/ä/ö/é as a/a/o/e, spaces and hyphens as '_'."""
    return (text.str.normalize("NFC").str.strip().str.lower().str.translate(str.maketrans("åäöé", "aaoe"))
            .str.replace(r"[\s\-]+", "_", regex=True))


#: VALUE_NAMES as cells are compared with them, folded
_FOLDED_NAMES = dict(zip(folded_value(pd.Series(list(VALUE_NAMES), dtype="string")), VALUE_NAMES.values(), strict=True))


def named_values(folded: str, allowed: Collection[str]) -> list[str]:
    """The allowed values a folded cell may name by VALUE_NAMES: one is read as it, several are refused naming them."""
    return [k for k in _FOLDED_NAMES.get(folded, ()) if k in allowed]


def allowed_spelling(text: pd.Series, allowed: Collection[str]) -> pd.Series:
    """Each cell as the allowed value it spells with capitals, å/ä/ö/é and spaces or hyphens for '_'
    ('Stödpedagog' → stodpedagog, 'Personlig assistent' → personlig_assistent) or names by VALUE_NAMES ('Privat' is
    extern), else as written: a board's export writes the role or service as people say it, and the reader told it
    to retype every row (new-board walk)."""
    folded = folded_value(text)
    names = {name: keys[0] for name in _FOLDED_NAMES if len(keys := named_values(name, allowed)) == 1}
    read = folded.where(folded.isin(allowed), folded.map(names))
    return read.where(read.isin(allowed), text)


def _parse_column(raw: pd.Series, col: Column, display: str, problems: ProblemCollector,
                  decimal_comma: bool = False, named: bool = False) -> pd.Series:
    """One column typed and checked; ``decimal_comma``: the file is Swedish Excel's ';' CSV, whose numbers were
    read from '4,5' to '4.5', so messages show and ask for the comma the user wrote; ``named``: the table has a
    'name' column, where a readable name belongs instead of in an id."""
    text = raw.fillna("").str.strip()
    if col.prefix_words:
        text = without_prefix_words(text, col.prefix_words)
    empty = text == ""
    if col.required:
        problems.add_rows(text.index[empty.to_numpy()], 5, lambda row: (
            Location(display, row=row, column=col.name), "the cell is empty", col.expected(),
            f"fill in '{col.name}' ({col.description})"))
    if col.kind in ("id", "str"):
        if col.allowed:  # 'Stödpedagog', 'personlig assistent' as an export writes them are the keys they spell
            text = text.where(text.isin(col.allowed), allowed_spelling(text, col.allowed))
        out = text.where(~empty, None)
        if col.allowed:
            bad = ~empty & ~text.isin(col.allowed)
            problems.add_rows(text.index[bad.to_numpy()], 5, lambda row: (
                Location(display, row=row, column=col.name), f"unknown value '{text[row]}'", col.expected(),
                _unknown_value_fix(text[row], col)))
        if col.kind == "id":
            bad = ~empty & ~text.str.fullmatch(ID_PATTERN).fillna(False)
            problems.add_rows(text.index[bad.to_numpy()], 5, lambda row: (
                Location(display, row=row, column=col.name), "id contains spaces or symbols", col.expected(),
                _id_fix(col, named)))
        return out
    if col.kind in ("int", "float"):
        expected = col.expected().replace("(decimal point '.')", "(decimal comma ',', as in this ';' file)") \
            if decimal_comma else col.expected()
        typed = text.str.replace(".", ",", regex=False) if decimal_comma else text  # as the user wrote it
        excel = display.lower().endswith(".xlsx")
        plain = _swedish_numbers_as_text(text) if excel else text
        numbers = pd.to_numeric(plain.where(~empty, None), errors="coerce")
        numbers = numbers.mask(numbers.abs().eq(float("inf")))  # 'inf' is no number a table can hold
        bad = ~empty & numbers.isna()

        def not_a_number(row: int) -> tuple[Location, str, str, str]:
            share = _share_fix(str(typed[row]), col, decimal_comma)
            if share:
                fix = share
            elif excel and re.fullmatch(r"\s*-?\d[\d\s]*,\d+\s*", str(text[row])):  # a number stored as text
                fix = ("the cell holds text, not a number: in Excel make it a number (type it again in a cell "
                       "formatted as Number, or Data › Text to Columns)")
            else:
                fix = ("write a plain number with " + ("',' as decimal comma" if decimal_comma else
                                                        "'.' as decimal point") + " and no units")
            return Location(display, row=row, column=col.name), f"'{typed[row]}' is not a number", expected, fix

        problems.add_rows(text.index[bad.to_numpy()], 5, not_a_number)
        huge = numbers.abs().gt(MAX_TABLE_NUMBER).fillna(False).astype(bool)
        problems.add_rows(text.index[huge.to_numpy()], 5, lambda row: (
            Location(display, row=row, column=col.name), f"value {_echoed(typed[row])} is beyond any figure of a "
            f"board (more than {MAX_TABLE_NUMBER:.0e})", expected, "correct the value (a typing mistake?)"))
        numbers = numbers.mask(huge)
        if col.kind == "int":
            frac = numbers.notna() & (numbers != numbers.round())
            problems.add_rows(text.index[frac.to_numpy()], 5, lambda row: (
                Location(display, row=row, column=col.name), f"'{typed[row]}' is not a whole number", expected,
                "write a whole number"))
        if col.minimum is not None:
            low = numbers.notna() & ((numbers <= col.minimum) if col.above_minimum else (numbers < col.minimum))
            below = "not above" if col.above_minimum else "below"
            problems.add_rows(text.index[low.to_numpy()], 5, lambda row: (
                Location(display, row=row, column=col.name), f"value {_echoed(typed[row])} is {below} {col.minimum:g}",
                expected, f"correct the value; '{col.name}' {'must be above' if col.above_minimum else 'cannot be below'} "
                f"{col.minimum:g}"))
        if col.maximum is not None:
            high = numbers.notna() & (numbers > col.maximum)
            problems.add_rows(text.index[high.to_numpy()], 5, lambda row: (
                Location(display, row=row, column=col.name), f"value {_echoed(typed[row])} is above {col.maximum:g}",
                expected, f"correct the value; '{col.name}' cannot exceed {col.maximum:g}"))
        return numbers.astype("float64")
    if col.kind in ("date", "month"):
        if col.kind == "date":  # a database export's forms of the same day: 2024-07-01 00:00:00, 20240701
            day = (text.str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00(\.0+)?)?$", r"\1", regex=True)
                   .str.replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True))
            parsed = pd.to_datetime(day.where(~empty, None), format="%Y-%m-%d", errors="coerce")
        else:
            parsed = parse_month(text.where(~empty, None))
        bad = ~empty & parsed.isna()
        how = "YYYY-MM-DD" if col.kind == "date" else "YYYY-MM, e.g. 2024-03"
        well_formed = text.str.fullmatch(r"\d{4}-\d{2}(-\d{2})?").fillna(False)
        a_date = pd.to_datetime(text.where(well_formed, None), format="mixed", errors="coerce").notna()

        def problem(row: int) -> tuple[Location, str, str, str]:
            where = Location(display, row=row, column=col.name)
            if col.kind == "month" and a_date[row]:  # a real date, not on the first of its month
                return (where, f"'{text[row]}' is a date within a month, not a month", col.expected(),
                        f"write the month as {text[row][:7]}")
            if well_formed[row]:
                return (where, f"'{text[row]}' is not a valid {col.kind} (no such month or day)", col.expected(),
                        "check the month (01–12) and the day")
            serial = excel_serial_date(text[row])
            if serial is not None and _in_years(serial.year, col):
                meant = serial.isoformat() if col.kind == "date" else serial.isoformat()[:7]
                return (where, f"'{text[row]}' is not a valid {col.kind}: it looks like an Excel date serial, "
                        f"{serial.isoformat()}", col.expected(),
                        f"format the column as a date in Excel (yyyy-mm-dd), or write each {col.kind} as {how} (this "
                        f"one {meant})")
            return where, f"'{text[row]}' is not a valid {col.kind}", col.expected(), f"write the {col.kind} as {how}"

        unread = text.index[bad.to_numpy()]
        if col.kind == "month" and len(unread):  # 'jan-21', '201501': one line with the conversion, as series say
            # imported here: the forecast package loads its models
            from resmodel.forecast.frame import month_name_problem

            named, written, rewrite = month_name_problem(text, unread)
            if len(named):
                problems.add(Location(display, row=int(named[0]), column=col.name), written, col.expected(), rewrite)
            unread = unread.difference(named)
        problems.add_rows(unread, 5, problem)
        if col.minimum is not None or col.maximum is not None:
            years = parsed.dt.year
            out_of_range = parsed.notna() & (
                ((years < col.minimum) if col.minimum is not None else False)
                | ((years > col.maximum) if col.maximum is not None else False)
            )
            problems.add_rows(text.index[out_of_range.to_numpy()], 5, lambda row: (
                Location(display, row=row, column=col.name), f"date {text[row]} is out of range",
                f"a year from {col.minimum:g} to {col.maximum:g}", "correct the date (check the year)"))
        return parsed
    raise ValueError(f"unknown column kind {col.kind}")


#: Excel's day 0 (its serial 1 is 1900-01-01, counting the 1900-02-29 it believes in) and the serials taken for dates:
#: 1950-01-01 to 2100-12-31 (18 264 to 73 415) — a whole number of days there in a date column is a date cell Excel
#: lost the format of, not a typo
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIALS = ((dt.date(1950, 1, 1) - EXCEL_EPOCH).days, (dt.date(2100, 12, 31) - EXCEL_EPOCH).days)
_SERIAL = re.compile(r"\s*(\d{5})(?:\.\d*)?\s*")


def excel_serial_date(cell: str) -> dt.date | None:
    """The day an Excel date serial in a date or month cell stands for ('45236' → 2023-11-06; a fraction is the time
    of day), or None for a cell that is no plausible serial: a date column without a date format shows the number."""
    found = _SERIAL.fullmatch(cell)
    if found is None or not EXCEL_SERIALS[0] <= int(found.group(1)) <= EXCEL_SERIALS[1]:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(found.group(1)))


def _in_years(year: int, col: Column) -> bool:
    """A year within a date or month column's own bounds (col.minimum to col.maximum, either open): an Excel serial
    is offered as a date only where the column takes its year — 20231 is 1955-05-22, which start_date (1970–2100)
    refuses (review: it was told to write it)."""
    return (col.minimum is None or year >= col.minimum) and (col.maximum is None or year <= col.maximum)


def _header_lower_down(raw: pd.DataFrame, schema: TableSchema, display: str) -> None:
    """Refuse a table whose header is not in row 1 but in one of the next rows (a title or note above it, as
    reports often have): row 1 names none of the required columns, that row names at least half of them."""
    required = {c.name for c in schema.columns if c.required}
    if not required or required & {str(c).strip().lower() for c in raw.columns}:
        return
    for row, values in raw.head(10).iterrows():
        found = required & {str(v).strip().lower() for v in values if pd.notna(v)}
        if 2 * len(found) >= len(required):
            raise InputError.at(Location(display, row=1), f"the header is in row {row}, not in row 1",
                                "the column names in row 1 (" + ", ".join(c.name for c in schema.columns
                                                                          if c.required) + ")",
                                f"delete the rows above row {row} (a title or a note) so that the header is row 1")




def _bracketed_unit(name: str) -> str | None:
    """The unit a header brackets at its end ('Årshyra (tkr)' → 'tkr'), lower case; None without one."""
    found = re.search(r"\(([^()]*)\)\s*$", unicodedata.normalize("NFC", str(name)))
    return found.group(1).strip().lower() if found else None


def other_unit(name: str, column: Column) -> str | None:
    """The unit a header standing for ``column`` brackets when it is not the column's own ('tkr' of 'Årshyra (tkr)'
    for a column in SEK); None when it brackets the column's unit, its own name ('Slut (end)', resmodel's workbook
    labels) or none."""
    bracket = _bracketed_unit(name)
    own = bracket is not None and bracket.replace(" ", "_") == column.name
    return None if bracket is None or own or bracket in UNIT_SPELLINGS.get(column.unit, set()) else bracket


def hours_of_full_time(percent: float, decimal_comma: bool = False) -> str:
    """The hours a week a percentage of full time stands for, as a fix says it ('30 (75 % of a 40-hour week)'), with
    decimal commas for a ';' file."""
    text = f"{percent * FULL_TIME_WEEK_HOURS / 100:g} ({percent:g} % of a {FULL_TIME_WEEK_HOURS}-hour week)"
    return text.replace(".", ",") if decimal_comma else text


def _conversion(unit: str, column: Column) -> str:
    """How to bring the values of a header bracketing ``unit`` into ``column``'s unit. A percentage is a share (÷ 100)
    only in a column of a share (FTE); over hours a week it is a share of full time, whose hours are to be written
    — 0.75 for '75 %' read as 0.75 hours a week cut a new board's daily-activity cost from 68.9 to 14.8 MSEK."""
    if unit == "%" and column.unit == WEEKLY_HOURS_UNIT:
        return (f"they are percent of full time, so write each as the hours a week it stands for, e.g. "
                f"{hours_of_full_time(75)}; a board whose full-time week is shorter takes its own")
    if unit == "%" and column.unit in SHARE_UNITS:
        return "divide its values by 100 (0.75 for 75 %)"
    money = re.sub(r"\s*(?:/|per\s+)(?:år|ar|year|yr)$", "", unit)  # 'tkr/år' over a yearly amount is tkr
    money = money if column.unit in ("SEK", "SEK/year") or column.unit.endswith("/year") else unit
    if money in MONEY_CONVERSIONS and column.unit.startswith("SEK"):
        return MONEY_CONVERSIONS[money]
    return f"give its values in {column.unit or 'its own unit'}"


def convert_fix(name: str, column: Column, unit: str) -> str:
    """The fix for a header of ``column`` bracketing another ``unit``: convert its values (× 1 000 for tkr), then
    rename it — never renamed as it is, which would read thousands of kronor as kronor."""
    convert = _conversion(unit, column)
    return (f"'{name}' may be '{column.name}' ({column.description}" + (f", in {column.unit}" if column.unit else "")
            + f"), but '({unit})' says its values are in another unit: {convert}, then rename it to '{column.name}'")


def _column_hint(name: str, columns: dict[str, Column], present: Collection[str]) -> tuple[str | None, str | None]:
    """(the column an unknown header stands for, or None; its fix, None without a hint): a Swedish export's name
    for a column of the table ('Brukar-ID' is user_id), else a near spelling of one ('weekly_hour'). A header whose
    bracketed unit is not the column's ('Årshyra (tkr)', 'Tidsomfattning (tim/mån)') is told to convert its values
    before it is renamed, never to be renamed as it is. A column's own name with a bracket ('Start (start)', as
    resmodel's workbooks label it) stands for that column."""
    key = header_key(name)
    target = SWEDISH_COLUMN_NAMES.get(key, key if key in columns else None)
    unit = other_unit(name, columns[target]) if target in columns else None
    if target in columns and target in present:
        return None, (f"'{name}' is not the column '{target}', which the table has: rename it to the column it "
                      "holds, or remove it" if unit else
                      f"'{name}' looks like '{target}', which the table also has: remove one of the two")
    if unit:
        return target, convert_fix(name, columns[target], unit)
    if target in columns:
        return target, f"'{name}' is '{target}' here: rename it to '{target}'"
    near = did_you_mean(name, sorted(columns))
    return None, (near + RENAME_OR_REMOVE) if near else None


def same_target_fixes(targets: dict[str, str | None]) -> dict[str, str]:
    """Header → fix for headers that stand for the same column (``targets``: header → its column or None): each told
    to be renamed to it ('Årshyra (kr)' and 'Hyra (SEK)') would give two columns of one name — keep one."""
    by_target: dict[str, list[str]] = {}
    for name, target in targets.items():
        if target:
            by_target.setdefault(target, []).append(name)
    fixes = {}
    for target, names in by_target.items():
        if len(names) > 1:
            listed = " and ".join(f"'{n}'" for n in names)
            fixes |= dict.fromkeys(names, f"{listed} both look like '{target}': keep the one that holds it, rename it "
                                          f"to '{target}' (converting its values if its bracket names another unit), "
                                          "and remove the other")
    return fixes


def _unknown_columns(raw: pd.DataFrame, schema: TableSchema, display: str, problems: ProblemCollector) -> set[str]:
    """One problem for each unknown column with a hint (the column it may stand for) and for the first few
    others, the rest of the others in one line — said to be a table laid out wide only when there are many.
    Returns the columns the hints name, whose 'missing' problem the hint says already."""
    known = {c.name for c in schema.columns}
    unknown = [str(name) for name in raw.columns if name not in known]
    hints = {name: _column_hint(name, {c.name: c for c in schema.columns}, raw.columns) for name in unknown}
    for name, fix in same_target_fixes({name: target for name, (target, _) in hints.items()}).items():
        hints[name] = (hints[name][0], fix)
    plain = [name for name in unknown if hints[name][1] is None]
    expected = "only the columns " + ", ".join(sorted(known))
    for name in unknown:
        if hints[name][1] or name in plain[:MAX_UNKNOWN_COLUMNS]:
            problems.add(Location(display, row=1, column=name), f"unknown column '{name}' in table '{schema.name}'",
                         expected, hints[name][1] or unknown_column_fix(name, known))
    rest = plain[MAX_UNKNOWN_COLUMNS:]
    if rest:  # a pivot's 59 month columns: listed in one line, not 59
        names = ", ".join(rest[:3]) + (", …" if len(rest) > 3 else "")
        periods = sum(bool(_PERIOD_HEADER.fullmatch(name)) for name in unknown)
        wide = len(unknown) > MANY_UNKNOWN_COLUMNS and periods * 2 > len(unknown)
        problems.add(Location(display, row=1, column=rest[0]), f"{len(rest)} more unknown columns ({names}) in "
                     f"table '{schema.name}'", expected,
                     "remove them (a table laid out wide, one column per month, is written one row per value)" if wide
                     else f"rename each to the column it holds ({SEE_DATA_DICTIONARY}), or remove it")
    return {target for target, _ in hints.values() if target}


def read_table(path: Path, schema: TableSchema, display: str | None = None,
               amounts: Collection[str] = ()) -> pd.DataFrame:
    """Read and validate one table; returns typed columns in schema order, index = spreadsheet row.
    ``amounts``: columns read as text that still hold amounts (the identity-number check treats
    them as the numbers they are)."""
    display = display or str(path)
    return type_table(read_raw(path, display), schema, display, amounts)


def type_table(raw: pd.DataFrame, schema: TableSchema, display: str, amounts: Collection[str] = ()) -> pd.DataFrame:
    """``read_table``'s checks and typing on a table of text cells already in memory (a request body
    as well as a file): identity numbers, unknown and missing columns, each cell against its column.
    Rows are named by ``raw``'s index in messages."""
    check_frame_for_pnr(raw, display,
                        numeric={*amounts, *(c.name for c in schema.columns if c.kind in ("int", "float"))},
                        ids={c.name for c in schema.columns if c.kind == "id"})
    known = {c.name for c in schema.columns}
    folded = pd.Series([str(c).strip().lower() for c in raw.columns])
    raw = raw.rename(columns={c: f for c, f in zip(raw.columns, folded, strict=True)  # 'User_ID ' is user_id
                              if c not in known and f in known and f not in raw.columns and (folded == f).sum() == 1})
    _table_on_another_sheet(raw, schema, display)
    _header_lower_down(raw, schema, display)
    problems = ProblemCollector()
    meant = _unknown_columns(raw, schema, display, problems)
    for col in schema.columns:
        if col.required and col.name not in raw.columns and col.name not in meant:
            problems.add(Location(display, row=1, column=col.name), f"required column '{col.name}' is missing",
                         f"a column '{col.name}': {col.description}", "add the column to the header row")
    problems.raise_if_any()
    out = {}
    for col in schema.columns:
        if col.name not in raw.columns:
            out[col.name] = pd.Series([None] * len(raw), index=raw.index, dtype="object")
            continue
        out[col.name] = _parse_column(raw[col.name], col, display, problems, raw.attrs.get("decimal_comma", False),
                                      named=col.unique and "name" in known)
        if col.unique:  # on the parsed values: ids that differ only in surrounding spaces are the same id
            parsed = out[col.name]
            dup = parsed.duplicated(keep="first") & parsed.notna()
            problems.add_rows(raw.index[dup.to_numpy()], 5, lambda row, parsed=parsed, col=col: (
                Location(display, row=row, column=col.name), f"duplicate id '{parsed[row]}' (first in row "
                f"{parsed.index[(parsed == parsed[row]).to_numpy()][0]})", f"each '{col.name}' to appear once",
                col.duplicate_fix))
        if len(problems.problems) > MAX_PROBLEMS:  # more than the limit: cap() then says there are more
            break
    problems.cap(MAX_PROBLEMS, Location(display))
    problems.raise_if_any()
    return pd.DataFrame(out, index=raw.index)


def require_rows(table: pd.DataFrame, display: str, expected: str, fix: str) -> None:
    """A file with a header but no data rows is a located error at row 2 (a broken export, not an
    empty board, and better said here than by a later, misleading message)."""
    if table.empty:
        raise InputError.at(Location(display, row=2), "the file has a header but no rows", expected, fix)


def one_slip_apart(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one character added, dropped or changed — not one digit for another, which makes
    another id ('DV003' and 'DV03' are a slip apart; 'DV003' and 'DV004' are two units)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        return len(diff) == 1 and not (diff[0][0].isdigit() and diff[0][1].isdigit())
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def check_references(child: pd.DataFrame, column: str, parent_ids: pd.Series, display: str,
                     parent_name: str, parent_display: str | None = None, unnamed: Collection[str] = ()) -> None:
    """Every value of ``child[column]`` must exist among ``parent_ids``; report the rows that don't. An unknown id
    one slip apart from a parent id that no table names (``unnamed``; 'DV003' here, 'DV03' there) points at that
    parent row as well (``parent_ids`` indexed by its spreadsheet rows, in ``parent_display``): the typo may be
    there."""
    known = set(parent_ids.dropna())
    values = child[column]
    bad = values.notna() & ~values.isin(known)
    if bad.any():
        def fix(value: str) -> str:
            # a slip of case or leading zeros ('dv1' for 'DV001') is suggested; ids one digit apart are different units
            own = did_you_mean(value, known, cutoff=1.0) + f"add '{value}' to the {parent_name} table or correct the id"
            twins = [(int(row), str(pid)) for row, pid in parent_ids.items()
                     if str(pid) in unnamed and one_slip_apart(value, str(pid))]
            if parent_display and len(twins) == 1:
                row, twin = twins[0]
                return f"{own}; or, if {parent_display} row {row}'s '{twin}' (named by no row) is this one, correct it there"
            return own

        problems = ProblemCollector()
        problems.add_rows(child.index[bad.to_numpy()], MAX_PROBLEMS, lambda row: (
            Location(display, row=row, column=column), f"'{values[row]}' is not a known {parent_name}",
            f"an id listed in the {parent_name} table", fix(str(values[row]))))
        problems.raise_if_any()
