"""The first sheet of an .xlsx workbook as the text a CSV would hold (dates, times, zero-padded ids as Excel
shows them), refusing what openpyxl would read silently wrong — a hidden first sheet, formulas never
calculated, rows hidden or filtered out — and checking the sheets not read for personal identity numbers; the tables' only module that
opens workbooks (io.shifts reopens a roster's for its times)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector
from resmodel.io.pnr import check_sheet_name_for_pnr, check_unread_cell_for_pnr
from resmodel.io.tables.layout import (
    check_header,
    filled,
    headerless_column,
    refuse_title_above_header,
    without_blank_rows,
    without_headerless_columns,
)

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


def _hidden_rows_and_columns(path: Path) -> tuple[list[int], set[int]]:
    """The rows (1-based) and columns (0-based) of the first sheet that Excel hides — rows filtered out, or either
    hidden by hand. The read-only reader has no row or column dimensions, so the workbook is opened in full, but
    only when a sheet hides anything at all."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        if not any(b'hidden="1"' in xml or b'hidden="true"' in xml for xml in map(book.read, sheets)):
            return [], set()  # each sheet's XML decompressed once
    wb = load_workbook(path)
    try:
        ws = wb.worksheets[0]
        return (sorted(r for r, dim in ws.row_dimensions.items() if dim.hidden),
                {c - 1 for dim in ws.column_dimensions.values() if dim.hidden and dim.min
                 for c in range(dim.min, (dim.max or dim.min) + 1)})
    finally:
        wb.close()


def _refuse_hidden_rows(hidden_rows: list[int], display: str, rows: list[list[str]]) -> None:
    """Rows of the table hidden in Excel are refused at each: a board that filtered out its leavers saw 10 users and
    was costed for 12 without a word (data-steward walk) — resmodel reads every row, as a CSV has no hidden ones."""
    hidden = [r for r in hidden_rows if 2 <= r <= len(rows) and any(str(c).strip() for c in rows[r - 1])]
    problems = ProblemCollector()
    problems.add_rows(hidden, 5, lambda r: (
        Location(file=display, row=r), "the row is hidden in Excel (filtered out, or hidden by hand), and resmodel "
        "reads every row", "every row of the table visible: the rows it is to read",
        "clear the filter or unhide the rows (Excel: select the sheet, right-click a row number, Unhide), then delete "
        "the rows that are not to be read, such as users who have left"))
    problems.raise_if_any()


def _is_formula(value) -> bool:
    """Whether a cell read with data_only=False holds a formula ('=…', or an array formula object)."""
    return (isinstance(value, str) and value.startswith("=") and len(value) > 1) or type(value).__name__ in (
        "ArrayFormula", "DataTableFormula")


def read_excel(path: Path, display: str) -> pd.DataFrame:
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
    hidden_rows, hidden_columns = _hidden_rows_and_columns(path)
    _refuse_hidden_rows(hidden_rows, display, rows)
    if not rows:
        raise InputError.at(
            Location(file=display, row=1), "the first sheet is empty", "a header row naming the columns",
            "put the table on the first sheet, header in row 1",
        )
    header = [h.strip() for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    refuse_title_above_header(rows, display)  # told as in a CSV
    check_header(header, display)
    titled = filled(header) == 1  # one cell in row 1 (a merged title) and no header below it
    for i, r in enumerate([] if titled else rows[1:], start=2):  # a filled cell right of the header: a cleared header
        extra = next((j for j in range(len(header), len(r)) if str(r[j]).strip()), None)
        if extra is not None:
            raise InputError.at(*headerless_column(extra, i, display))
    header, body = without_headerless_columns(header, rows[1:], display)
    frame = without_blank_rows(body, header)
    frame.attrs["first_sheet"] = ws.title
    frame.attrs["other_headers"] = other_headers  # a table on another sheet is named, not 'missing columns'
    # an unknown column hidden in Excel is told so: 'remove it' named a column the user could not see
    frame.attrs["hidden_columns"] = {h.strip() for i, h in enumerate(rows[0]) if i in hidden_columns and h.strip()}
    return frame
