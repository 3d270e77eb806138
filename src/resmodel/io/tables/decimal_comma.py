"""Numbers as Swedish Excel writes them — a decimal comma, thousands apart by a space, '−' for minus — read as
the plain numbers the columns parse: a ';'-separated file's number columns, and an .xlsx's numbers stored as
text; an ambiguous '1.100' is refused rather than guessed."""

from __future__ import annotations

import re

import pandas as pd

from resmodel.errors import InputError, Location
from resmodel.io.pnr import check_value_for_pnr

#: a number as Swedish Excel writes it: decimal comma, optional space (or no-break space) between
#: thousands, '−' or '-' for minus — e.g. '1 234 567,50', '0,074', '−12,5'
_SWEDISH_NUMBER = re.compile(r"\s*[-\u2212]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,\d+)?\s*")


def swedish_numbers(rows: list[list[str]], display: str) -> list[list[str]]:
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


def swedish_numbers_as_text(cells: pd.Series) -> pd.Series:
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
