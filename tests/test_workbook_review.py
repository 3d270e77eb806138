"""Section-manager review of the run's workbook (results/base/resmodel_base.xlsx read with openpyxl, beside
enheter.csv): the workbook gives the CSV's numbers, and counts are whole."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from resmodel.io.writers import write_csv, write_workbook
from resmodel.report import MEASURE_LABELS
from resmodel.run import summary_table, write_outputs

UNIT_MEASURES = [key for key in MEASURE_LABELS if key != "users"]


@pytest.fixture(scope="module")
def outputs(demo_result, tmp_path_factory):
    """The demo's run outputs, written once: the folder and the workbook opened with openpyxl."""
    folder = tmp_path_factory.mktemp("run") / "base"
    write_outputs(demo_result, folder)
    return folder, load_workbook(folder / "resmodel_base.xlsx")


def sheet_frame(wb, name: str) -> pd.DataFrame:
    """A sheet as a table headed by its first row, as pandas or Power Query reads it."""
    rows = list(wb[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_the_workbook_holds_the_csvs_numbers_not_their_float_noise(outputs):
    """Finding 1: Enheter stored 830.0000000000003 where enheter.csv has 830.0; both now round to 15 digits."""
    folder, wb = outputs
    csv = pd.read_csv(folder / "enheter.csv")
    sheet = sheet_frame(wb, "Enheter")
    for key in UNIT_MEASURES:
        assert sheet[MEASURE_LABELS[key]].astype(float).tolist() == csv[key].tolist(), key
    fixed = sheet[MEASURE_LABELS["fixed_hours"]]
    assert fixed.iloc[0] == 830 and repr(float(fixed.iloc[0])) == "830.0"


def test_one_rounding_for_the_csv_and_the_workbook(tmp_path):
    """Finding 1, any workbook: a sum's noise (0.1 + 0.2) is read back as the CSV writes it."""
    frame = pd.DataFrame({"hours": [0.1 + 0.2, 830.0000000000003, -0.0]})
    write_csv(frame, tmp_path / "t.csv")
    write_workbook({"t": (frame, {})}, tmp_path / "t.xlsx")
    cells = [row[0] for row in load_workbook(tmp_path / "t.xlsx")["t"].iter_rows(min_row=2, values_only=True)]
    assert cells == pd.read_csv(tmp_path / "t.csv")["hours"].tolist() == [0.3, 830.0, 0.0]


def test_counts_are_whole_numbers_in_the_csvs_the_sheets_and_the_console(outputs, demo_result):
    """Finding 2: the console printed 'users 15.0 … 2,100.0' and enheter.csv 'users 19.0'."""
    folder, wb = outputs
    for name in ("enheter.csv", "brukare.csv"):
        text = pd.read_csv(folder / name, dtype=str)["users"]
        assert text.str.fullmatch(r"\d+").all(), name
    assert pd.read_csv(folder / "enheter.csv", dtype=str).loc[0, "users"] == "19"
    users = MEASURE_LABELS["users"]
    for name in ("Sammanfattning", "Enheter", "Brukare"):
        column = [c.value for c in wb[name][1]].index(users) + 1
        cells = [row[column - 1] for row in wb[name].iter_rows(min_row=2)]
        assert all(isinstance(c.value, int) and c.number_format == "#,##0" for c in cells), name
    summary = summary_table(demo_result)
    assert summary.loc["total", "users"] == "2,100" and summary.loc["bostad_barn", "users"] == "15"
    printed = summary.to_string(float_format=lambda v: f"{v:,.1f}")  # as the CLI prints it
    assert "2,100.0" not in printed and "2,100 " in printed
