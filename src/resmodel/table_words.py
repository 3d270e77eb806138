"""Words a table's cells and headers are judged by — a row of totals, a column the table does not have — shared by
the file readers in io/ and the core's own table readings (budget.inyear_checks, budget.cells), which must not import io."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from resmodel.errors import did_you_mean

#: words an export or a spreadsheet puts on a row that sums the rows above it
TOTAL_WORDS = frozenset({"summa", "summering", "total", "totalt", "totalsumma", "sum", "s:a"})


def is_total_word(cells: pd.Series) -> pd.Series:
    """Whether each cell is a total word ('Summa', ' Totalt'), case, surrounding spaces and Unicode form aside."""
    return cells.astype("string").fillna("").str.strip().str.normalize("NFC").str.lower().isin(TOTAL_WORDS)


#: the fix for an unknown column near a known one, after its 'did you mean'; never read past, as a silently ignored
#: column would be a bug (a misspelt weekly_hours read as absent)
RENAME_OR_REMOVE = "rename or remove the column"
#: the free-text columns a table may have for a remark
NOTE_COLUMNS = ("note", "reason")


def unknown_column_fix(name: str, known: Collection[str]) -> str:
    """The fix for a column the table does not have: renamed to the known column it is near ('weekly_hour'), else
    removed — 'rename' to nothing near left a board asking what its 'Kommentar' column should be called; a remark
    goes in the table's note column where it has one."""
    near = did_you_mean(name, sorted(known))
    if near:
        return near + RENAME_OR_REMOVE
    note = next((c for c in NOTE_COLUMNS if c in known), None)
    if note:
        return f"remove the column, or move a remark into the '{note}' column"
    return "remove the column: resmodel reads no free-text or comment column here"
