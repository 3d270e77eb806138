"""Messages that help a user find the fix: Swedish column names, impossible dates, a folder given
as a scenario, and identity numbers outside tables."""

from __future__ import annotations

import datetime as dt

import pytest

from resmodel.errors import InputError, Location, PersonalDataError
from resmodel.io.municipality import read_municipality
from resmodel.io.tables import Column, TableSchema, read_table
from tests.csvedit import valid_data_with

SCHEMA = TableSchema("t", "test", (Column("level", "int", "need level"), Column("start_date", "date", "a date")))


def test_a_swedish_column_name_is_translated_in_the_fix(tmp_path):
    (tmp_path / "t.csv").write_text("nivå,start_date\n3,2024-01-01\n")
    with pytest.raises(InputError) as err:
        read_table(tmp_path / "t.csv", SCHEMA, "t.csv")
    assert "Fix: 'nivå' is 'level' here: rename" in str(err.value)


@pytest.mark.parametrize("text, problem, fix", [
    ("2024-13-01", "'2024-13-01' is not a valid date (no such month or day)", "check the month (01–12) and the day"),
    ("1/3/2024", "'1/3/2024' is not a valid date.", "write the date as YYYY-MM-DD"),
])
def test_an_impossible_date_is_told_apart_from_a_wrongly_written_one(tmp_path, text, problem, fix):
    (tmp_path / "t.csv").write_text(f"level,start_date\n3,{text}\n")
    with pytest.raises(InputError) as err:
        read_table(tmp_path / "t.csv", SCHEMA, "t.csv")
    assert problem in str(err.value) and f"Fix: {fix}" in str(err.value)


def test_extends_naming_a_folder_says_it_is_a_folder(tmp_path):
    from resmodel.io.scenario import read_chain

    (tmp_path / "data").mkdir()
    (tmp_path / "s.yaml").write_text("name: s\npurpose: t\nextends: data\n")
    with pytest.raises(InputError, match="'.*data' is a folder, not a scenario file") as err:
        read_chain(tmp_path / "s.yaml")
    assert "line 3" in str(err.value)


def test_an_identity_number_in_a_yaml_value_is_called_a_value():
    from resmodel.io.pnr import check_value_for_pnr

    with pytest.raises(PersonalDataError) as err:
        check_value_for_pnr("Ärende 19121212-1212", Location(file="s.yaml", line=2))
    assert "this value looks like a Swedish personal identity number" in str(err.value)
    assert "1212" not in str(err.value)


def test_a_housing_unit_without_housing_type_is_told_the_allowed_forms(tmp_path):
    """housing_type is text: '0 if none' (the staff columns' advice) would be wrong for it."""
    data = valid_data_with(tmp_path, "units", ",L-GB1,gruppbostad,", ",L-GB1,,")
    with pytest.raises(InputError) as err:
        read_municipality(data, "data", dt.date(2024, 7, 1))
    text = str(err.value)
    assert "housing unit without 'housing_type'" in text and "(0 if none)" not in text
    assert "Fix: fill in 'housing_type' (one of gruppbostad, servicebostad, barnboende)" in text


def test_a_column_name_in_other_case_or_with_spaces_is_read_as_the_column(tmp_path):
    """Section-manager review: 'User_ID' was refused without a hint; case and surrounding spaces do not matter."""
    (tmp_path / "t.csv").write_text("LEVEL, Start_Date \n3,2024-01-01\n")
    table = read_table(tmp_path / "t.csv", SCHEMA, "t.csv")
    assert table.iloc[0]["level"] == 3 and str(table.iloc[0]["start_date"])[:10] == "2024-01-01"


@pytest.mark.parametrize(("typed", "meant"), [("dv001", "DV001"), ("DV1", "DV001"), ("DV01", "DV001"),
                                              ("sb01", "SB001")])
def test_did_you_mean_sets_case_and_leading_zeros_aside(typed, meant):
    """Section-manager walkthrough: shift-plan --unit dv001 suggested SB001 and DV01 suggested DV071."""
    from resmodel.errors import did_you_mean

    units = ["DV001", "DV002", "DV071", "SB001", "SB002", "GB001"]
    assert did_you_mean(typed, units) == f"did you mean '{meant}'? "


def test_a_yaml_date_with_a_time_of_day_is_refused_not_cut():
    """Fuzzing review: base_date 2024-07-01T10:00:00 ran as 2024-07-01 without a word; midnight is the date."""
    from resmodel.io.yamlio import parse_yaml

    assert str(parse_yaml("base_date: 2024-07-01 00:00:00\n", "s.yaml").data["base_date"]) == "2024-07-01"
    with pytest.raises(InputError) as err:
        parse_yaml("name: x\nbase_date: 2024-07-01T10:00:00\n", "s.yaml")
    assert "s.yaml, line 2, at 'base_date'" in str(err.value) and "write the date alone, 2024-07-01" in str(err.value)


def test_did_you_mean_suggests_nothing_when_several_are_as_close():
    """Review: 'DV' suggested DV009, the last of nine equally close ids."""
    from resmodel.errors import did_you_mean

    assert did_you_mean("DV", [f"DV00{i}" for i in range(1, 10)]) == ""


def test_a_csv_row_spanning_lines_is_counted_as_one_row_in_the_quote_message(tmp_path):
    """Review: the unclosed-quote error gave a physical line where every other message gives a row."""
    from resmodel.io.tables import read_raw

    text = 'a,b\n"x\ny",2\n"' + "z" * 140_000 + "\n"
    (tmp_path / "t.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_raw(tmp_path / "t.csv", "t.csv")
    assert err.value.problems[0].location.row == 3 and "never closed" in str(err.value)


@pytest.mark.parametrize(("text", "line", "code", "column"), [
    ("name: x\nparameters:\n  reason: pasted \x1b[31mred\n", 3, "001B", 18),  # a terminal's colour code
    ("name: x\n# a comment \x07\n", 2, "0007", 13),
    ("name: x\npurpose: \x9f\n", 2, "009F", 10),
])
def test_a_raw_control_character_in_a_yaml_file_is_refused_at_its_line(text, line, code, column):
    """Docs-truth check: scenarios.md promises a control character pasted from a terminal is refused at its line;
    unescaped it was 'malformed YAML (unacceptable character #x001b …, position 130)' with no line."""
    from resmodel.io.yamlio import parse_yaml

    with pytest.raises(InputError) as caught:
        parse_yaml(text, "s.yaml")
    assert str(caught.value).startswith(f"s.yaml, line {line}: the text holds a control character (U+{code}) at "
                                        f"character {column} of the line"), str(caught.value)


def test_a_table_path_that_is_a_device_is_said_to_be_one_by_every_reader():
    """Review: '/dev/null' as a table (candidates, top-down, a municipality's users) said 'file not found'."""
    from pathlib import Path

    schema = TableSchema("t", "a table", [Column("a", "int", "a number")])
    with pytest.raises(InputError, match=r"^cand\.csv: this is not a regular file but a device"):
        read_table(Path("/dev/null"), schema, "cand.csv")
