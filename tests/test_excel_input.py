"""Tables may be given as Excel workbooks: the same data as .xlsx gives the same results."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd

from resmodel.run import load, run
from tests.conftest import ROOT


def test_users_as_xlsx_give_identical_results(tmp_path, demo_result):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "demokommun", data)
    users = pd.read_csv(data / "users.csv", dtype=str, keep_default_na=False)
    (data / "users.csv").unlink()
    users.to_excel(data / "users.xlsx", index=False)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\npurpose: xlsx input\ndata: data\nbase_date: 2024-07-01\nseed: 1\n")
    result = run(load(scenario))
    np.testing.assert_allclose(result.allocation.units["net_cost"], demo_result.allocation.units["net_cost"])


def test_a_table_given_both_as_csv_and_xlsx_is_refused(tmp_path):
    import pytest

    from resmodel.errors import InputError

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "demokommun", data)
    pd.read_csv(data / "users.csv", dtype=str, keep_default_na=False).to_excel(data / "users.xlsx", index=False)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\npurpose: both\ndata: data\nbase_date: 2024-07-01\nseed: 1\n")
    with pytest.raises(InputError, match="has both users.csv and users.xlsx"):
        load(scenario)


def test_a_decimal_comma_number_stored_as_text_in_excel_is_read_and_a_word_refused(tmp_path):
    """New-user walkthrough: '32,5' typed into a text cell was told to be written with '.' — which Swedish Excel
    turns into a date or text. It is read as 32.5, as a ';' CSV reads it (new-board walk finding 6); a word is
    still refused."""
    import pytest
    from openpyxl import Workbook

    from resmodel.errors import InputError
    from resmodel.io.tables import Column, TableSchema, read_table

    schema = TableSchema("t", "test", (Column("unit_id", "id", "unit"), Column("weekly_hours", "float", "hours")))
    wb = Workbook()
    wb.active.append(["unit_id", "weekly_hours"])
    wb.active.append(["U1", "32,5"])  # a text cell
    wb.active.append(["U2", "tio"])
    wb.save(tmp_path / "t.xlsx")
    with pytest.raises(InputError) as err:
        read_table(tmp_path / "t.xlsx", schema, "t.xlsx")
    (problem,) = err.value.problems
    assert problem.location.row == 3 and "'.' as decimal point" in problem.fix


def test_an_id_kept_as_a_number_with_leading_zeros_reads_as_excel_shows_it(tmp_path):
    """Data-steward walkthrough: ids typed 007 into cells formatted '000' are the number 7 in the file; they were read
    as '7', so they no longer matched '007' in the other tables."""
    from openpyxl import Workbook

    from resmodel.io.tables import Column, TableSchema, read_table

    schema = TableSchema("t", "test", (Column("user_id", "id", "user"), Column("weekly_hours", "float", "hours")))
    wb = Workbook()
    wb.active.append(["user_id", "weekly_hours"])
    for user_id, hours, id_format, hours_format in [(7, 30, "000", "General"), (12, 25, "0000", "000"),
                                                    (8, 10, "General", '"FTE "0')]:
        wb.active.append([user_id, hours])
        wb.active.cell(row=wb.active.max_row, column=1).number_format = id_format
        wb.active.cell(row=wb.active.max_row, column=2).number_format = hours_format
    wb.save(tmp_path / "t.xlsx")
    table = read_table(tmp_path / "t.xlsx", schema, "t.xlsx")
    assert table["user_id"].tolist() == ["007", "0012", "8"]
    assert table["weekly_hours"].tolist() == [30.0, 25.0, 10.0]


def _with_formula(path, cached: str | None) -> None:
    """A users.xlsx whose first user's level is the formula =1+2, with ``cached`` saved as its value (None: none
    saved, as openpyxl and export tools write a formula)."""
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["user_id", "service", "level", "weekly_hours", "unit_id", "birth_year"])
    wb.active.append(["U0001", "daglig_verksamhet", "=1+2", 30, "DV001", 1990])
    wb.save(path)
    if cached is not None:  # as Excel saves a calculated formula
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        sheet = "xl/worksheets/sheet1.xml"
        saved = '<c r="C2" t="str"><f>1+2</f><v></v>' if cached == "" else f'<c r="C2"><f>1+2</f><v>{cached}</v>'
        parts[sheet] = parts[sheet].replace(b'<c r="C2"><f>1+2</f><v />', saved.encode())
        with zipfile.ZipFile(path, "w") as z:
            for name, data in parts.items():
                z.writestr(name, data)


def test_a_formula_without_a_saved_value_is_refused_at_its_cell(tmp_path):
    """Bad-input audit: openpyxl reads an uncalculated formula as empty — a premises plan's one-off costs became 0
    without a word, and a user's level 'missing'. Refused at the cell, with the way to store the values."""
    import pytest

    from resmodel.errors import InputError
    from resmodel.io.tables import read_raw

    _with_formula(tmp_path / "users.xlsx", None)
    with pytest.raises(InputError) as err:
        read_raw(tmp_path / "users.xlsx", "users.xlsx")
    text = str(err.value)
    assert "users.xlsx, row 2, column 'level': the cell holds a formula with no value saved with it" in text
    assert "open the file in Excel (or LibreOffice) and save it" in text and "1+2" not in text
    _with_formula(tmp_path / "saved.xlsx", "3")
    assert read_raw(tmp_path / "saved.xlsx", "saved.xlsx")["level"].tolist() == ["3"]
    _with_formula(tmp_path / "empty.xlsx", "")  # review: =IF(…;"";…) calculated to '' was refused as unsaved
    assert read_raw(tmp_path / "empty.xlsx", "empty.xlsx")["level"].tolist() == [""]


def test_a_workbook_that_cannot_be_read_is_not_called_corrupt(tmp_path, monkeypatch):
    """Code review: every exception of load_workbook was 're-save the file from Excel', a permission problem too."""
    import openpyxl
    import pytest

    from resmodel.errors import InputError
    from resmodel.io.tables import read_raw

    pd.DataFrame({"user_id": ["U1"]}).to_excel(tmp_path / "users.xlsx", index=False)

    def locked(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(openpyxl, "load_workbook", locked)
    with pytest.raises(InputError) as err:
        read_raw(tmp_path / "users.xlsx", "users.xlsx")
    text = str(err.value)
    assert "users.xlsx: the file cannot be read (Permission denied)" in text and "re-save" not in text
