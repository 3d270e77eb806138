"""``read_table`` and ``type_table``: a table read and validated against its schema as one step (identity
numbers, header, every cell), returning typed columns in schema order indexed by spreadsheet row, with every
problem reported at once; and ``require_rows`` for a file with a header but no rows."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector
from resmodel.io.pnr import check_frame_for_pnr
from resmodel.io.tables.columns import parse_column
from resmodel.io.tables.headers import (
    another_table,
    header_lower_down,
    table_on_another_sheet,
    unknown_columns,
)
from resmodel.io.tables.messages import MAX_PROBLEMS
from resmodel.io.tables.raw import read_raw
from resmodel.io.tables.schema import TableSchema


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
    table_on_another_sheet(raw, schema, display)
    header_lower_down(raw, schema, display)
    another_table(raw, schema, display)
    problems = ProblemCollector()
    meant = unknown_columns(raw, schema, display, problems)
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
        out[col.name] = parse_column(raw[col.name], col, display, problems, raw.attrs.get("decimal_comma", False),
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
