"""The workbook writer sizes float columns arithmetically and builds its cells column by column (performance
review finding 3): the widths are those of formatting every value, and the number formats keep the numbering
they had when they were set column by column after the rows (so the files stay byte for byte as they were)."""

from __future__ import annotations

import re
import zipfile

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from resmodel.io.writers import HEADING_WIDTH, MAX_WIDTH, Sheet, _float_lengths, write_workbook

EDGES = [0.0, -0.0, 0.4, -0.4, 0.5, 1.5, 2.5, 9.5, 99.5, 999.5, 999.4999, 1000.0, -999999.5, 123456789.6,
         999999999999999.4, 1e15, 1e22, 1e23, -1e300, np.nan, np.inf, -np.inf, 5e-324]


def test_float_lengths_are_those_of_formatting_each_value():
    rng = np.random.default_rng(7)
    values = np.concatenate([EDGES, rng.normal(0, 1, 5000) * 10.0 ** rng.integers(-3, 18, 5000)])
    assert _float_lengths(values).tolist() == [len(f"{v:,.0f}") for v in values]


def test_columns_are_as_wide_as_their_widest_value_formatted(tmp_path):
    frame = pd.DataFrame({
        "belopp": [1.0, np.nan, -12345678.9],  # the widest value last, negative, with a missing one before it
        "andel": [0.25, 0.5, 0.75],
        "namn": ["a", "en längre text", None],
        "blandat": [1.5, "text", 1234567.0],  # an object column: floats in it shown as whole parts too
        "antal": [1, 22, 333],
    })
    write_workbook({"Blad": Sheet(frame, {"belopp": "#,##0", "andel": "0.00"})}, tmp_path / "b.xlsx")
    ws = load_workbook(tmp_path / "b.xlsx")["Blad"]
    for letter, column in zip("ABCDE", frame.columns, strict=True):
        shown = [len(f"{v:,.0f}" if isinstance(v, float) else str(v)) for v in frame[column]]
        expected = min(MAX_WIDTH, max([*shown, min(len(column), HEADING_WIDTH), len(column)]) + 2)
        assert ws.column_dimensions[letter].width == expected, column
    assert [c.number_format for c in ws["A"][1:]] == ["#,##0"] * 3
    assert ws["B2"].value == 0.25 and ws["A3"].value is None and ws["D3"].value == "text"


def test_number_formats_are_numbered_column_by_column(tmp_path):
    # row by row the formats would be met as 0.0, 0.0000, 0.000; column by column as 0.0, 0.000, 0.0000
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    write_workbook({"Blad": Sheet(frame, {"a": ["0.0", "0.000"], "b": ["0.0000", "0.0"]})}, tmp_path / "f.xlsx")
    styles = zipfile.ZipFile(tmp_path / "f.xlsx").read("xl/styles.xml").decode()
    assert re.findall(r'numFmtId="(\d+)" formatCode="([^"]+)"', styles) == [
        ("164", "0.0"), ("165", "0.000"), ("166", "0.0000")]
    ws = load_workbook(tmp_path / "f.xlsx")["Blad"]
    assert [[c.number_format for c in row] for row in ws.iter_rows(min_row=2)] == [["0.0", "0.0000"], ["0.000", "0.0"]]
