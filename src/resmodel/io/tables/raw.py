"""``read_raw``: a CSV or the first sheet of an .xlsx file as text cells indexed by spreadsheet row, with
located format errors (not a file, wrong type, not UTF-8, a stray quote, rows of the wrong width) — the one
entry point that turns a file into cells, before any column is known; the workbook's side is in ``excel``, the
layout checks both share in ``layout``."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import pandas as pd

from resmodel.errors import InputError, Location
from resmodel.io.tables.decimal_comma import swedish_numbers
from resmodel.io.tables.excel import read_excel
from resmodel.io.tables.layout import (
    check_header,
    refuse_headerless_column,
    refuse_title_above_header,
    without_blank_rows,
    without_headerless_columns,
)
from resmodel.io.tables.messages import SEE_DATA_DICTIONARY
from resmodel.io.tables.raw_refusals import refuse_error_values, refuse_total_rows
from resmodel.io.text import read_utf8


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
    refuse_error_values(frame, display)
    refuse_total_rows(frame, display)
    return frame


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
        return read_excel(path, display)
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
        rows = swedish_numbers(_csv_rows(text, display, ";"), display)
    header = [h.strip() for h in rows[0]]
    while len(header) > 1 and header[-1] == "":  # empty columns after the table (',,' at line ends)
        header.pop()
    if len(header) == 1 and "\t" in header[0]:
        raise InputError.at(
            Location(file=display, row=1), "the header is one cell separated by a tab",
            "cells separated by ',' (or ';' as Swedish Excel writes them)",
            "save as 'CSV UTF-8' or as Excel .xlsx, not as tab-separated text",
        )
    refuse_title_above_header(rows, display)
    check_header(header, display)
    for i, r in enumerate(rows[1:], start=2):
        if (len(r) < len(header) or any(c.strip() for c in r[len(header):])) and any(c.strip() for c in r):
            refuse_headerless_column(i, r, rows[0], len(header), display)
            raise InputError.at(
                Location(file=display, row=i), f"row has {len(r)} cells but the header has {len(header)}",
                f"the same number of '{separator}'-separated cells on every row",
                f"check for a missing or extra '{separator}', or quote cells that contain '{separator}'",
            )
    header, body = without_headerless_columns(header, rows[1:], display)
    frame = without_blank_rows(body, header)
    frame.attrs["decimal_comma"] = separator == ";"  # its numbers were written with ',' (messages say so)
    return frame


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
