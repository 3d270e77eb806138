"""Cell helpers for the budget tables read as text (in-year actuals, top-down tables): numbers
that refuse decimal commas and thousands separators, empty cells, cells quoted in messages, and
the header check (missing and unknown columns, a header-only file)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector
from resmodel.limits import MAX_TABLE_NUMBER
from resmodel.table_words import unknown_column_fix


def decimal_point(table: pd.DataFrame) -> str:
    """How the table's numbers are written: '.' as decimal point, or ',' in a Swedish ';' file (read_raw)."""
    return "',' as decimal point (as in this ';' file)" if table.attrs.get("decimal_comma") else "'.' as decimal point"


def plain_number(table: pd.DataFrame) -> str:
    """The fix for a cell that is not a number, in the table's own number format."""
    if table.attrs.get("decimal_comma"):
        return "write a number (below 10¹²) such as 1234,5 (',' as decimal point, as in this ';' file), without units or letters"
    return "write a plain number (below 10¹²) with '.' as decimal point and no spaces, units or thousands separators"


def floats(values: pd.Series) -> np.ndarray:
    """A column read as text (or numbers) as floats; NaN where a cell is empty or not a number."""
    numbers = pd.to_numeric(pd.Series(values).astype(object), errors="coerce")
    out = numbers.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    # 'inf' is not a number a table can hold, nor 1e308 (it overflows in sums): both read as not a number
    return np.where(np.abs(out) > MAX_TABLE_NUMBER, np.nan, out)


def not_a(value: object, what: str) -> str:
    """'X' is not <what> — or, for a number too large to be one (10¹² and more, 'inf'), that it is beyond
    any figure of a board, so that '1e308' is not told to be written as a plain number."""
    number = pd.to_numeric(pd.Series([value]).astype(object), errors="coerce").iat[0]
    if pd.notna(number) and abs(number) > MAX_TABLE_NUMBER:
        return f"'{shown(value)}' is beyond any figure of a board (more than {MAX_TABLE_NUMBER:.0e})"
    return f"'{shown(value)}' is not {what}"


def blank(values: pd.Series) -> np.ndarray:
    """True where a cell is empty (missing or only spaces)."""
    values = pd.Series(values)
    return (values.isna() | values.astype(str).str.strip().eq("")).to_numpy(dtype=bool)


def shown(value: object) -> str:
    """A cell as the user wrote it ('' for an empty cell)."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def check_header(table: pd.DataFrame, columns: tuple[str, ...], file: str | None, rows: str | None,
                 optional: tuple[str, ...] = (), docs: str = "docs/budget.md") -> None:
    """Missing and unknown columns (all at once, at the header row), then a table without data rows
    (``rows`` says what rows are expected; None when a header-only file is allowed)."""
    problems = ProblemCollector()
    known = (*columns, *optional)
    for c in columns:
        if c not in table.columns:
            problems.add(Location(file=file, row=1, column=c), f"column '{c}' is missing",
                         "columns " + ", ".join(columns), f"add the column (see {docs})")
    for c in table.columns:
        if c not in known:
            problems.add(Location(file=file, row=1, column=str(c)), f"unknown column '{c}'",
                         "only the columns " + ", ".join(known),
                         unknown_column_fix(str(c), known))
    problems.raise_if_any()
    if rows is not None and len(table) == 0:
        raise InputError.at(Location(file=file, row=2), "the file has a header but no rows", rows,
                            "add the rows, or check that the right file was given")


def sheet_rows(table: pd.DataFrame) -> list[int]:
    """The spreadsheet row of each row, for messages: the index of a table read from a file (``read_raw``
    numbers rows so, header = row 1, and skips empty rows), else 2, 3, … (a 0-based index: pd.read_csv,
    a table built in code)."""
    index = table.index
    if len(index) and pd.api.types.is_integer_dtype(index) and index.min() >= 2:
        return [int(r) for r in index]
    return list(range(2, 2 + len(table)))


def repeated_rows(keys, rows: Sequence[int] | None = None) -> list[tuple[int, int, tuple]]:
    """(spreadsheet row, row of its first occurrence, key) for every repeat of a key among the rows
    of a table; ``rows`` are the rows' spreadsheet numbers (default: first data row = row 2, no gaps)."""
    first: dict = {}
    out = []
    for i, key in enumerate(keys):
        row = rows[i] if rows is not None else i + 2
        if key in first:
            out.append((row, first[key], key))
        first.setdefault(key, row)
    return out
