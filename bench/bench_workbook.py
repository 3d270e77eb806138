"""Benchmark of the workbook writer (performance review finding 3): `write_workbook` on the sheets of
`resmodel run scenarios/base.yaml`, and on the same sheets with every table's rows repeated eight times, against
the earlier writer (a type check per cell while appending rows, every cell formatted to size its column, and
each column's number format set afterwards by walking its cells), re-enacted here, in the same run.

Run:  python bench/bench_workbook.py [--scale 8] [--repeat 3]
Prints a markdown table (for docs/benchmarks.md). Both writers must write the same bytes (asserted)."""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

import pandas as pd
from timing import median_time, recorded_calls

import resmodel.run as run_module
from resmodel.io import writers
from resmodel.report import years_as_numbers

ROOT = Path(__file__).resolve().parents[1]


def earlier_column_width(heading: str, values: pd.Series) -> int:
    """The column width as the earlier writer computed it: every value formatted."""
    shown = [len(f"{v:,.0f}" if isinstance(v, float) else str(v)) for v in values]
    longest_word = max((len(word) for word in heading.split()), default=0)
    return min(writers.MAX_WIDTH, max([*shown, min(len(heading), writers.HEADING_WIDTH), longest_word]) + 2)


def earlier_add_sheet(wb, name: str, sheet: writers.Sheet) -> None:
    """One sheet as the earlier writer added it: rows appended cell by cell, formats set by walking each column."""
    from openpyxl.utils import get_column_letter

    frame = years_as_numbers(sheet.frame)
    ws = wb.create_sheet(title=name[:31])
    ws.append([int(c) if re.fullmatch(r"(19|20|21)\d\d", str(c)) else str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        ws.append([writers._cell(v) for v in row])
    writers._style_headings(ws, frame, sheet.notes)
    for i, column in enumerate(frame.columns, start=1):
        fmt = sheet.formats.get(column)
        if fmt:
            rows = ws.iter_rows(min_row=2, max_row=len(frame) + 1, min_col=i, max_col=i)
            for (cell,), row_format in zip(rows, [fmt] * len(frame) if isinstance(fmt, str) else fmt, strict=True):
                cell.number_format = row_format
    writers._wrap_multi_line_cells(ws, frame)
    ws.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}2"
    if len(frame.columns):
        ws.auto_filter.ref = ws.dimensions


def earlier_write_workbook(sheets, path: Path) -> None:
    """`write_workbook` with the earlier sheet code (the module's functions swapped for the call)."""
    add_sheet, column_width = writers._add_sheet, writers._column_width
    writers._add_sheet, writers._column_width = earlier_add_sheet, earlier_column_width
    try:
        writers.write_workbook(sheets, path)
    finally:
        writers._add_sheet, writers._column_width = add_sheet, column_width


def run_sheets() -> dict[str, writers.Sheet]:
    """The sheets `resmodel run scenarios/base.yaml` writes, recorded from a run in this process."""
    loaded = run_module.load(ROOT / "scenarios" / "base.yaml")
    with tempfile.TemporaryDirectory() as tmp, recorded_calls(run_module, "write_workbook") as calls:
        run_module.write_outputs(run_module.run(loaded), Path(tmp) / "out")
    return {name: writers.Sheet(*spec) for name, spec in calls[0][0][0].items()}


def scaled(sheets: dict[str, writers.Sheet], factor: int) -> dict[str, writers.Sheet]:
    """Every table's rows repeated ``factor`` times (per-row formats with them)."""
    def rows(sheet: writers.Sheet) -> writers.Sheet:
        formats = {c: f if isinstance(f, str) else list(f) * factor for c, f in sheet.formats.items()}
        return sheet._replace(frame=pd.concat([sheet.frame] * factor, ignore_index=True), formats=formats)
    return {name: rows(sheet) for name, sheet in sheets.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sheets = run_sheets()
    print(f"Workbook writer benchmark — load average at start {' / '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("| workbook | cells | earlier writer (s) | now (s) | ratio |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for label, factor in (("`resmodel run scenarios/base.yaml`", 1), (f"the same, rows × {args.scale}", args.scale)):
            workbook = scaled(sheets, factor) if factor > 1 else sheets
            old, new = Path(tmp) / "earlier.xlsx", Path(tmp) / "now.xlsx"
            t_old = median_time(lambda w=workbook, p=old: earlier_write_workbook(w, p), args.repeat)[0]
            t_new = median_time(lambda w=workbook, p=new: writers.write_workbook(w, p), args.repeat)[0]
            assert old.read_bytes() == new.read_bytes(), f"{label}: the writers wrote different bytes"
            cells = sum(s.frame.size + len(s.frame.columns) for s in workbook.values())
            print(f"| {label} | {cells:,} | {t_old:.2f} | {t_new:.2f} | {t_old / t_new:.2f}× |")
    print(f"\nBoth writers wrote the same bytes (asserted); median of {args.repeat}. "
          f"Load average at the end {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
