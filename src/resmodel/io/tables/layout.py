"""The shape of a sheet's rows, as CSV and .xlsx files share it: a title above the header, a column named
twice, a filled column without a header, blank rows left after the table — each refused at its spreadsheet row
and column, or dropped when it holds nothing; used by both the CSV reader (``raw``) and the workbook reader
(``excel``) so that one file says the same whichever way it was saved."""

from __future__ import annotations

import re

import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector
from resmodel.io.pnr import check_value_for_pnr
from resmodel.io.tables.messages import SEE_DATA_DICTIONARY


def refuse_headerless_column(i: int, row: list[str], header_row: list[str], width: int, display: str) -> None:
    """Row ``i`` has a value right of the header whose own cell in row 1 is there but empty (a header row ending in
    ',' one name short): said as a column without a header, not as a row with too many cells."""
    extra = next((j for j in range(width, len(row)) if row[j].strip()), None)
    if extra is None or extra >= len(header_row):
        return
    raise InputError.at(*headerless_column(extra, i, display))


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st: a column's position as a message says it."""
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def headerless_column(j: int, row: int, display: str) -> tuple[Location, str, str, str]:
    """The problem of column ``j`` (0-based), which holds a value on ``row`` but has an empty header cell: named by its
    spreadsheet letter and position, as a CSV opened in Excel shows it too (merged header cells leave one empty)."""
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(j + 1)
    return (Location(file=display, row=row), f"column {letter} (the {_ordinal(j + 1)}) has values but no header: its "
            f"cell in row 1 is empty (merged header cells?)", "a header for every filled column",
            f"give column {letter} its header in row 1, the name of the column it holds ({SEE_DATA_DICTIONARY}), or "
            "delete its values if it is not part of the table")


def filled(row: list) -> int:
    """How many cells of a row hold something."""
    return sum(1 for c in row if str(c).strip())


def refuse_title_above_header(rows: list[list], display: str) -> None:
    """Row 1 a title above the header in one of rows 2–11 — that row names columns, at least twice as many as row 1
    fills ('Brukarlista 2024,,,,,,,,Källa: Procapita' above nine names) — refused as such before any check of its
    columns: the note's empty cells were told as columns without a header (merged header cells?) (review)."""
    title = filled(rows[0])
    below = next(((i, r) for i, r in enumerate(rows[1:11], start=2)
                  if 2 * title <= filled(r) and _looks_like_a_header(r)), None)
    if below is not None:
        _refuse_title_row(*below, title, display)


def _refuse_title_row(i: int, row: list, title: int, display: str) -> None:
    """Row 1 fills ``title`` cells and row ``i`` names columns: a report's title above the table, not a header of
    its own (the title is not echoed: it may hold anything)."""
    raise InputError.at(
        Location(file=display, row=1), f"row 1 has {'one cell' if title == 1 else f'{title} cells'} but row {i} has "
        f"{filled(row)}: row 1 looks like a title above the header in row {i}",
        "the column names in row 1", f"delete the rows above row {i} (a title or a note) so that the header is row 1",
    )


def _looks_like_a_header(row: list[str]) -> bool:
    """Two or more cells, every one text that is not a number: column names, not a data row."""
    cells = [c.strip() for c in row if c.strip()]
    return len(cells) > 1 and not any(re.fullmatch(r"[-+\u2212]?[\d\s.,]+", c) for c in cells)


def without_blank_rows(body: list[list], header: list[str]) -> pd.DataFrame:
    """The data rows as strings, indexed by spreadsheet row; rows with no content (the empty rows
    Excel leaves after a table, or ',,,,' lines) are left out, and the rows after them keep their numbers."""
    kept = [(i, [str(c) for c in r[: len(header)]]) for i, r in enumerate(body, start=2)
            if any(str(c).strip() for c in r)]
    frame = pd.DataFrame([r for _, r in kept], columns=header, dtype="string")
    frame.index = pd.Index([i for i, _ in kept], dtype="int64")
    return frame


def without_headerless_columns(header: list[str], body: list[list], display: str) -> tuple[list[str], list[list]]:
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
            problems.add(*headerless_column(j, first, display))
    problems.raise_if_any()
    kept = [j for j, name in enumerate(header) if name != ""]
    return [header[j] for j in kept], [[r[j] for j in kept if j < len(r)] for r in body]


def check_header(header: list[str], display: str) -> None:
    """A column named twice is refused (an empty header cell is without_headerless_columns' to judge)."""
    seen = set()
    for name in header:
        if name and name in seen:
            check_value_for_pnr(name, Location(file=display, row=1, column="(header)"))  # never echo one
            raise InputError.at(
                Location(file=display, row=1, column=name), f"column '{name}' appears twice in the header",
                "each column once", "remove or rename one of the two columns",
            )
        seen.add(name)
