"""CSV as Swedish Excel writes it (';' between cells, decimal comma, spaces between thousands) reads as
the same table as a comma-separated file; and a workbook whose table is on another sheet names it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from resmodel.errors import InputError
from resmodel.io.tables import _swedish_number, read_raw
from resmodel.run import load, run
from tests.conftest import ROOT


def _swedish(value: str) -> str:
    """A cell as Swedish Excel exports it: decimal comma, a no-break space between thousands."""
    whole, _, fraction = value.partition(".")
    digits = whole.removeprefix("-")
    if not digits.isdigit() or not (fraction == "" or fraction.isdigit()):
        return value
    sign = "−" if whole.startswith("-") else ""
    return sign + f"{int(digits):,}".replace(",", "\u00a0") + ("," + fraction if fraction else "")


@pytest.mark.parametrize("cell, read", [
    ("1,5", "1.5"), ("0,074", "0.074"), ("1 120 000,0", "1120000.0"), ("1\u00a0120\u00a0000", "1120000"),
    ("−12,5", "-12.5"), ("-3", "-3"), ("42", "42"), (" 7,25 ", "7.25"),
    ("DV001", "DV001"), ("08:30", "08:30"), ("2024-07-01", "2024-07-01"), ("Grupp 1 000", "Grupp 1 000"),
    ("1,5x", "1,5x"), ("12 34", "12 34"), ("1,2,3", "1,2,3"), ("900101-2389", "900101-2389"),
])
def test_swedish_number_cells(cell, read):
    assert _swedish_number(cell) == read


def test_swedish_excel_csv_gives_identical_results(tmp_path, demo_result):
    """The demo's users, staff and premises written with ';', decimal commas and thousands spaces."""
    data = _demo_copy(tmp_path)
    for table in ("users", "staff", "premises"):
        frame = pd.read_csv(data / f"{table}.csv", dtype=str, keep_default_na=False)
        frame = frame.apply(lambda column: column.map(_swedish))
        frame.to_csv(data / f"{table}.csv", sep=";", index=False)
    assert "\u00a0" in (data / "premises.csv").read_text(encoding="utf-8")  # rents have thousands
    assert ";" in (data / "staff.csv").read_text(encoding="utf-8").splitlines()[0]
    scenario = _scenario(tmp_path)
    result = run(load(scenario))
    pd.testing.assert_frame_equal(result.allocation.units, demo_result.allocation.units)


def test_windows_1252_csv_gives_identical_results(tmp_path, demo_result):
    """Swedish Excel's plain 'CSV (semikolonavgränsad)': ';', decimal commas and Windows-1252 bytes."""
    data = _demo_copy(tmp_path)
    for table in ("units", "users", "staff", "premises"):
        frame = pd.read_csv(data / f"{table}.csv", dtype=str, keep_default_na=False)
        frame = frame.apply(lambda column: column.map(lambda cell: _swedish(cell).replace("−", "-")))
        frame.to_csv(data / f"{table}.csv", sep=";", index=False, encoding="cp1252")
    assert b"K\xf6pta" in (data / "units.csv").read_bytes()  # 'ö' as one byte: not UTF-8
    scenario = _scenario(tmp_path)
    result = run(load(scenario))
    pd.testing.assert_frame_equal(result.allocation.units, demo_result.allocation.units)


def test_windows_1252_letters_before_dashes_and_quotes_are_read_as_written(tmp_path):
    """A review: 'två–tre' and 'Trä”' in Windows-1252 had been taken for UTF-8 pairs and refused as mixed."""
    names = ["Korttid två–tre dygn", "Boende ”Trä”", "Stöd på”plats”", "Ärende – Å\u00a0Ö"]
    path = tmp_path / "t.csv"
    path.write_bytes(("id;namn\n" + "".join(f"U{i};{n}\n" for i, n in enumerate(names))).encode("cp1252"))
    assert read_raw(path, "t.csv")["namn"].tolist() == names


@pytest.mark.parametrize("content, problem", [
    ("id;namn\nA;Köpta\n".encode() + b"B;utf\xf6rare\n", "it mixes UTF-8 characters with other bytes"),
    (b"id;namn\nA;x\nB;\x81\n", "file is not UTF-8 text"),  # 0x81: undefined in Windows-1252 too
    # UTF-16 has no UTF-8 sequence either, but read as Windows-1252 its letters come out spaced by NULs,
    # past every check — an identity number in a header was echoed in an 'unknown column' message
    ("id,19900101-2389\nA,x\n".encode("utf-16"), "file is UTF-16 text"),
    ("id,19900101-2389\nA,x\n".encode("utf-16-be"), "file is UTF-16 text"),  # no byte-order mark: 'valid' UTF-8
    ("id,19900101-2389\nA,x\n".encode("utf-16-le"), "file is UTF-16 text"),
])
def test_a_file_in_neither_encoding_is_refused_at_the_bad_byte(tmp_path, content, problem):
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"t\.csv, row [13]") as err:
        read_raw(path, "t.csv")
    assert problem in str(err.value)


def test_a_bad_number_in_a_semicolon_file_is_located(tmp_path):
    data = _demo_copy(tmp_path)
    (data / "staff.csv").write_text("unit_id;role;fte\nDV001;omsorgspedagog;2,25\nDV001;aktivitetsledare;5,0 st\n",
                                    encoding="utf-8")
    scenario = _scenario(tmp_path)
    with pytest.raises(InputError) as err:
        load(scenario)
    text = str(err.value)
    assert "staff.csv, row 3, column 'fte'" in text and "'5,0 st' is not a number" in text
    assert "row 2" not in text  # the column's other cells are still read as the numbers they are


def test_a_row_with_a_missing_cell_names_the_semicolon(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a;b;c\n1;2;3\n4;5\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 3.*row has 2 cells but the header has 3.*';'-separated"):
        read_raw(path, "t.csv")


def test_semicolon_table_reads_as_the_comma_table(tmp_path):
    comma, semicolon = tmp_path / "c.csv", tmp_path / "s.csv"
    comma.write_text("id,amount,note\nA,1234567.5,x\nB,-0.25,\"a, b\"\n", encoding="utf-8")
    semicolon.write_text("id;amount;note\nA;1 234 567,5;x\nB;−0,25;a, b\n", encoding="utf-8")
    pd.testing.assert_frame_equal(read_raw(semicolon, "s.csv"), read_raw(comma, "c.csv"))


def _demo_copy(tmp_path: Path) -> Path:
    """A copy of the demo municipality's data folder to change a table of."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "demokommun", data)
    return data


def _scenario(tmp_path: Path) -> Path:
    """A scenario on the copy ``_demo_copy`` made."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\npurpose: a changed table\ndata: data\nbase_date: 2024-07-01\nseed: 1\n")
    return scenario


def _staff_workbook(data: Path, sheets: dict[str, pd.DataFrame]) -> None:
    (data / "staff.csv").unlink()
    with pd.ExcelWriter(data / "staff.xlsx") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)


def test_a_table_on_another_sheet_is_one_problem_naming_it(tmp_path):
    data = _demo_copy(tmp_path)
    staff = pd.read_csv(data / "staff.csv")
    _staff_workbook(data, {"Instruktioner": pd.DataFrame({"Info": ["Bemanning 2024"]}), "Personal": staff})
    scenario = _scenario(tmp_path)
    with pytest.raises(InputError) as err:
        load(scenario)
    assert len(err.value.problems) == 1
    assert ("the table is on the sheet 'Personal', but the first sheet, 'Instruktioner', is read" in str(err.value)
            and "Fix: move the sheet 'Personal' first" in str(err.value))


def test_a_column_problem_on_the_first_sheet_has_no_sheet_hint(tmp_path):
    data = _demo_copy(tmp_path)
    staff = pd.read_csv(data / "staff.csv").rename(columns={"fte": "ftes"})
    _staff_workbook(data, {"Bemanning": staff, "Anteckningar": pd.DataFrame({"not": ["x"]})})
    scenario = _scenario(tmp_path)
    with pytest.raises(InputError) as err:
        load(scenario)
    assert "unknown column 'ftes'" in str(err.value) and "sheet" not in str(err.value)


def test_a_two_column_semicolon_header_with_a_comma_is_told_apart_by_its_rows(tmp_path):
    """Code review: 'id;kommentar, fri text' splits into two cells either way; the rows decide."""
    path = tmp_path / "t.csv"
    path.write_text("id;kommentar, fri text\nA;1,5\nB;ny, från mars\n", encoding="utf-8")
    assert list(read_raw(path, "t.csv").columns) == ["id", "kommentar, fri text"]
    comma = tmp_path / "c.csv"
    comma.write_text("a;b,c\n1,2\n3,4\n", encoding="utf-8")  # a comma file with a ';' in a header cell
    assert list(read_raw(comma, "c.csv").columns) == ["a;b", "c"]


@pytest.mark.parametrize("cell, message", [
    ("1.100", "row 3, column 'places': '1.100' in a file with ';' between cells: its '.' may separate thousands "
              "(1100) or be a decimal point (1,100)"),
    ("1.250.000", "row 3, column 'places': '1.250.000' in a file with ';' between cells: its dots separate "
                  "thousands"),
])
def test_a_dot_between_groups_of_three_digits_in_a_semicolon_file_is_refused(tmp_path, cell, message):
    """Persona review: '1.100' places in a ';' file were read as 1.1 places, without a word."""
    path = tmp_path / "capacity.csv"
    path.write_text(f"month;places\n2025-01;1 100\n2025-02;{cell}\n2025-03;0.074\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_raw(path, "capacity.csv")
    assert str(exc.value).startswith(f"capacity.csv, {message}")
    path.write_text("month;places\n2025-01;1 100\n2025-02;0.074\n", encoding="utf-8")  # a leading 0: a decimal
    assert read_raw(path, "capacity.csv")["places"].tolist() == ["1100", "0.074"]


def test_messages_on_a_swedish_file_show_and_ask_for_the_decimal_comma(tmp_path):
    """Section-manager review: a ';' file's '4,5' was echoed as '4.5', and the fix asked for a decimal point."""
    from resmodel.io.dictionary import USERS
    from resmodel.io.tables import read_table

    path = tmp_path / "users.csv"
    path.write_text("user_id;service;unit_id;level;weekly_hours;day_price;birth_year;start_date;level_assessed\n"
                    "U1;daglig_verksamhet;DV001;4,5;25 h;;1990;2015-03-01;2024-01-15\n"
                    "U2;daglig_verksamhet;DV001;3;12,5;;1990;2015-03-01;2024-01-15\n"
                    "U1;daglig_verksamhet;DV001;3;400,5;;1990;2015-03-01;2024-01-15\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(path, USERS, "users.csv")
    text = str(err.value)
    assert "'4,5' is not a whole number" in text
    assert ("'25 h' is not a number. Expected a number (decimal comma ',', as in this ';' file) from 0 to 336. "
            "Fix: write a plain number with ',' as decimal comma and no units") in text
    assert "value 400,5 is above 336" in text
    assert "row 4, column 'user_id': duplicate id 'U1' (first in row 2)" in text


@pytest.mark.parametrize(("sheets", "where"), [
    ({"Personal": None, "Anteckningar": pd.DataFrame({"namn": ["Anna"], "personnummer": ["19121212-1212"]})},
     "staff.xlsx, sheet 'Anteckningar', row 2, column 'B'"),
    ({"Personal": None, "Lista": pd.DataFrame({"nummer": [191212121212]})}, "staff.xlsx, sheet 'Lista', row 2, column 'A'"),
    ({"Personal": None, "19121212-1212": pd.DataFrame({"x": [1]})}, "staff.xlsx, column '(sheet name)'"),
])
def test_a_personal_identity_number_on_a_sheet_not_read_refuses_the_workbook(tmp_path, sheets, where):
    """Personal-data audit: only the first sheet was scanned, so a workbook carrying a list of identity numbers on
    a second sheet was loaded; the file is an input whether or not its other sheets are read."""
    from resmodel.errors import PersonalDataError

    data = _demo_copy(tmp_path)
    staff = pd.read_csv(data / "staff.csv")
    _staff_workbook(data, {name: staff if frame is None else frame for name, frame in sheets.items()})
    scenario = _scenario(tmp_path)
    with pytest.raises(PersonalDataError) as err:
        load(scenario)
    assert where in str(err.value) and "1212" not in str(err.value).replace(where, "")


def test_amounts_and_dates_on_other_sheets_are_not_taken_for_identity_numbers(tmp_path):
    data = _demo_copy(tmp_path)
    staff = pd.read_csv(data / "staff.csv")
    # review: a reference or timestamp stored as a number (202403150012) refused the workbook
    notes = pd.DataFrame({"belopp": [1_101_300_000, 1206643841.66, 202403150012],
                          "datum": ["2024-01-01 1500 kr", "2024-12-31", "x"]})
    _staff_workbook(data, {"Personal": staff, "Anteckningar": notes})
    scenario = _scenario(tmp_path)
    assert load(scenario).data.staff.shape[0] == staff.shape[0]


def test_a_hidden_first_sheet_is_refused_not_read(tmp_path):
    """Data-steward walkthrough: a hidden 'gammal_export' first sheet was read (level 7, 10 h) while Excel showed the
    visible 'users' sheet (level 2, 30 h); run said nothing."""
    from openpyxl import load_workbook

    data = _demo_copy(tmp_path)
    staff = pd.read_csv(data / "staff.csv")
    _staff_workbook(data, {"gammal_export": staff.assign(fte=staff["fte"] * 2), "Personal": staff})
    wb = load_workbook(data / "staff.xlsx")
    wb["gammal_export"].sheet_state = "hidden"
    wb.save(data / "staff.xlsx")
    scenario = _scenario(tmp_path)
    with pytest.raises(InputError) as err:
        load(scenario)
    assert "staff.xlsx: the first sheet is hidden" in str(err.value) and "move 'Personal' first" in str(err.value)


def test_a_filled_xlsx_column_without_a_header_is_refused_as_the_csv_is(tmp_path):
    """Data-steward walkthrough: clearing a header cell dropped its column silently in .xlsx (refused in CSV), and a
    personal identity number in such a column was never scanned."""
    from openpyxl import load_workbook

    data = _demo_copy(tmp_path)
    _staff_workbook(data, {"Personal": pd.read_csv(data / "staff.csv")})
    wb = load_workbook(data / "staff.xlsx")
    wb.active.cell(row=3, column=wb.active.max_column + 2, value="850312-2387")
    wb.save(data / "staff.xlsx")
    scenario = _scenario(tmp_path)
    with pytest.raises(InputError) as err:
        load(scenario)
    assert "staff.xlsx, row 3: column " in str(err.value) and "has values but no header" in str(err.value)
    assert "2387" not in str(err.value)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_spreadsheet_error_value_is_refused_in_any_column(tmp_path, suffix):
    """Data-steward walkthrough: '#N/A' of a failed VLOOKUP in units.csv's section and '#REF!' in a name were read
    as text and shown in enheter.csv."""
    data = _demo_copy(tmp_path)
    units = pd.read_csv(data / "units.csv", dtype=str, keep_default_na=False)
    units.loc[2, "section"] = "#N/A"
    units.loc[5, "section"] = "#N/A"
    (data / "units.csv").unlink()
    if suffix == ".csv":
        units.to_csv(data / "units.csv", index=False)
    else:
        units.to_excel(data / "units.xlsx", index=False)
    scenario = _scenario(tmp_path)
    with pytest.raises(InputError) as err:
        load(scenario)
    assert f"units{suffix}, row 4, column 'section': the cell holds the spreadsheet error #N/A (and 1 more rows)" \
        in str(err.value)


def test_a_total_row_under_the_table_is_told_to_be_deleted(tmp_path):
    """Data-steward walkthrough: 'Summa,,49.5' under staff.csv was told to fill in 'role'."""
    data = _demo_copy(tmp_path)
    lines = (data / "staff.csv").read_text(encoding="utf-8").splitlines()
    (data / "staff.csv").write_text("\n".join([*lines, "Summa,,49.5"]) + "\n", encoding="utf-8")
    scenario = _scenario(tmp_path)
    with pytest.raises(InputError) as err:
        load(scenario)
    assert f"staff.csv, row {len(lines) + 1}, column 'unit_id': row {len(lines) + 1} looks like a total row ('Summa')" \
        in str(err.value) and "Fix: delete the total row" in str(err.value)


def test_a_database_exports_forms_of_a_day_are_read_as_that_day():
    """Data-steward walkthrough: '2024-07-01 00:00:00', '2024-07-01T00:00:00' and '20240701' (unambiguous, common
    in database exports) were refused; a time other than midnight still is (a timestamp, not a day)."""
    from resmodel.io.tables import Column, TableSchema, type_table

    schema = TableSchema("t", "t", (Column("d", "date", "a date"),))
    raw = pd.DataFrame({"d": ["2024-07-01", "2024-07-01 00:00:00", "2024-07-01T00:00:00", "20240701"]},
                       dtype="object", index=[2, 3, 4, 5])
    assert set(type_table(raw, schema, "t.csv")["d"]) == {pd.Timestamp("2024-07-01")}
    with pytest.raises(InputError, match="row 2, column 'd': '2024-07-01 12:30' is not a valid date"):
        type_table(pd.DataFrame({"d": ["2024-07-01 12:30"]}, dtype="object", index=[2]), schema, "t.csv")


def test_a_merged_title_above_an_xlsx_header_is_told_as_a_title(tmp_path):
    """Data-steward walkthrough: a merged 'Personal 2024' title across row 1 gave an unknown column and a missing
    column for each of the table's columns, where the CSV says row 1 looks like a title."""
    from openpyxl import Workbook

    data = _demo_copy(tmp_path)
    staff = pd.read_csv(data / "staff.csv", dtype=str, keep_default_na=False)
    (data / "staff.csv").unlink()
    wb = Workbook()
    wb.active.append(["Personal 2024"])
    wb.active.append(list(staff.columns))
    for row in staff.itertuples(index=False):
        wb.active.append(list(row))
    wb.active.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(staff.columns))
    wb.save(data / "staff.xlsx")
    with pytest.raises(InputError) as err:
        load(_scenario(tmp_path))
    assert len(err.value.problems) == 1
    assert f"staff.xlsx, row 1: row 1 has one cell but row 2 has {len(staff.columns)}: row 1 looks like a title " \
        "above the header in row 2" in str(err.value) and "Personal 2024" not in str(err.value)


def test_a_level_written_as_a_case_system_exports_it_reads_as_its_number(tmp_path, demo_result):
    """Data-steward walkthrough: 'Nivå 3' (as case systems export a level) was refused while 3, 03 and 3.0 read."""
    data = _demo_copy(tmp_path)
    users = pd.read_csv(data / "users.csv", dtype=str, keep_default_na=False)
    has_level = users["level"] != ""
    # 'Niva\u030a': å decomposed, as a macOS export may write it (diff review)
    users.loc[has_level, "level"] = [("Nivå {}", "nivå: {}", "NIVA {}", "level{}", "Niva\u030a {}")[i % 5].format(v)
                                     for i, v in enumerate(users.loc[has_level, "level"])]
    users.to_csv(data / "users.csv", index=False)
    result = run(load(_scenario(tmp_path)))
    pd.testing.assert_series_equal(result.allocation.users["level"], demo_result.allocation.users["level"])
    assert result.allocation.units["net_cost"].sum() == pytest.approx(demo_result.allocation.units["net_cost"].sum())


@pytest.mark.parametrize("cell, message", [("Nivå", "'Nivå' is not a number"), ("Nivå 9", "value 9 is above 8"),
                                           ("Nivå 3b", "'3b' is not a number")])
def test_a_level_word_without_a_level_number_is_still_refused(tmp_path, cell, message):
    data = _demo_copy(tmp_path)
    users = pd.read_csv(data / "users.csv", dtype=str, keep_default_na=False)
    row = int((users["level"] != "").idxmax())
    users.loc[row, "level"] = cell
    users.to_csv(data / "users.csv", index=False)
    with pytest.raises(InputError) as err:
        load(_scenario(tmp_path))
    assert f"users.csv, row {row + 2}, column 'level': {message}" in str(err.value)
