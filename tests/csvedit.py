"""Broken-input test helpers: corrupt a copy of a CSV file (row = spreadsheet row, header = row 1) and
check that the CLI refused it with one located message and wrote nothing."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

VALID_DATA = Path(__file__).parent / "broken" / "_valid" / "data"


def edit_csv(source: Path, target: Path, row: int | None = None, column: str | None = None, value: str | None = None,
             *, keep_rows=None, append: int | None = None, add_column: str | None = None) -> Path:
    """Write ``source`` to ``target`` with one cell replaced, only some rows kept, a row appended
    again (its spreadsheet row number) or a column added."""
    with open(source, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if row is not None:
        rows[row - 1][rows[0].index(column)] = value
    if keep_rows is not None:
        rows = [r for i, r in enumerate(rows, start=1) if i == 1 or i in keep_rows]
    if append is not None:
        rows.append(rows[append - 1])
    if add_column is not None:
        rows = [r + [add_column if i == 0 else "x"] for i, r in enumerate(rows)]
    with open(target, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return target


def insert_empty_row(path: Path, at: int) -> Path:
    """Rewrite a CSV with an empty row (',,,,') as spreadsheet row ``at``; the rows from there on move down one."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows.insert(at - 1, [""] * len(rows[0]))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def assert_located_refusal(err: str, where: str, texts, out: Path) -> None:
    """A user mistake: one located error line with Expected and Fix, no traceback, no output."""
    assert "Traceback" not in err and err.startswith("error: ")
    assert where in err and "Expected" in err and "Fix:" in err, err
    for text in texts:
        assert text in err, err
    assert not out.exists()


def valid_data_with(folder: Path, table: str, old: str, new: str) -> Path:
    """A copy of the tiny valid municipality's data in ``folder``/data with ``old`` replaced by ``new`` in
    ``table``.csv (the text must occur)."""
    data = folder / "data"
    shutil.copytree(VALID_DATA, data)
    path = data / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {table}.csv"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return data
