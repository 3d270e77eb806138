"""`resmodel shift-plan` after a section manager's walkthrough (unit DV052 of the demo): the warnings kept in
the outputs, a decimal comma that split a cell, impossible roster shifts, Excel's midnight, and messages
that quote what was typed and say what a bad cell most likely is. Inputs are small copies of hers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from resmodel.errors import InputError
from resmodel.io.shifts import read_attendance, read_roster

HEADER = "user_id,weekday,start,end,level\n"
ROSTER_HEADER = "staff_id,weekday,start,end,break_start,break_end\n"


def written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problem_of(read, path: Path):
    with pytest.raises(InputError) as err:
        read(path)
    assert len(err.value.problems) == 1, err.value.problems
    return err.value.problems[0]


# --- finding 2: a decimal comma in a ','-separated file ---------------------------------------------------

def test_a_decimal_comma_that_split_a_cell_is_named_not_the_cell_it_moved(tmp_path):
    path = written(tmp_path, "a.csv", HEADER + "U0282,mon,8,30,14:00,\n")
    problem = problem_of(read_attendance, path)
    assert problem.location.row == 2
    assert problem.problem.startswith("row has 6 cells but the header has 5 (the extra ones empty): '8,30' looks "
                                      "like a time or number written with a decimal comma")
    assert "('14:00' is not a number, in column 'level')" in problem.problem
    assert "write times as HH:MM (08:30, not 8,30)" in problem.fix and "';' between cells" in problem.fix


def test_a_roster_row_split_by_a_decimal_comma_is_named_too(tmp_path):
    path = written(tmp_path, "r.csv", ROSTER_HEADER + "S1,mon,7,30,16:00,,\n")
    problem = problem_of(read_roster, path)
    assert "row has 7 cells but the header has 6" in problem.problem and "'7,30'" in problem.problem


def test_a_row_as_long_as_the_header_keeps_its_own_message(tmp_path):
    path = written(tmp_path, "a.csv", HEADER + "U0282,mon,8 am,14:00,\n")
    problem = problem_of(read_attendance, path)
    assert problem.location.column == "start" and problem.problem == "'8 am' is not a time of day"


# --- finding 4 and Excel cells: midnight, a fraction of a day, a date ----------------------------------

def workbook(tmp_path: Path, header: list[str], *rows: list, formats: dict[str, str] | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    path = tmp_path / "schedule.xlsx"
    book.save(path)
    return path


def test_excel_midnight_in_a_time_formatted_end_cell_is_24_00(tmp_path):
    # Excel keeps a typed 24:00 as the serial 1.0; under tt:mm it shows 00:00 and reads as 1900-01-01 00:00
    path = workbook(tmp_path, ROSTER_HEADER.strip().split(","), ["S1", "mån", dt.time(16), dt.datetime(1900, 1, 1)],
                    formats={"C2": "hh:mm", "D2": "hh:mm"})
    roster = read_roster(path)
    assert (roster.at[2, "start"], roster.at[2, "end"]) == (960, 1440)


def test_a_later_time_on_excels_first_day_is_not_taken_for_midnight(tmp_path):
    path = workbook(tmp_path, ROSTER_HEADER.strip().split(","),
                    ["S1", "mån", dt.time(16), dt.datetime(1900, 1, 1, 12)], formats={"D2": "hh:mm"})
    assert "holds a date" in problem_of(read_roster, path).problem


def test_a_date_and_time_cell_is_told_to_hold_the_time_alone(tmp_path):
    path = workbook(tmp_path, ["user_id", "weekday", "start", "end"],
                    ["U0282", "mon", dt.datetime(2024, 3, 25, 9), dt.time(14)], formats={"C2": "hh:mm"})
    problem = problem_of(read_attendance, path)
    assert "holds a date" in problem.problem and problem.fix.startswith("type the time alone into the cell")


def test_a_fraction_of_a_day_in_a_general_cell_is_read_out(tmp_path):
    path = workbook(tmp_path, ["user_id", "weekday", "start", "end"], ["U0282", "mon", 0.375, dt.time(14)])
    problem = problem_of(read_attendance, path)
    assert problem.problem == "'0.375' is not a time of day: it is a number, and 0.375 of a day is 09:00"
    assert problem.fix == "format the cell as a time (tt:mm)"


def test_an_end_at_00_00_is_told_to_be_24_00(tmp_path):
    path = workbook(tmp_path, ROSTER_HEADER.strip().split(","), ["S1", "mån", dt.time(16), dt.time(0)])
    problem = problem_of(read_roster, path)
    assert problem.problem == "ends at 00:00, not after its start 16:00"
    assert problem.fix.startswith("write 24:00 for midnight")


# --- what was typed, and what it most likely is -------------------------------------------------------

def test_a_semicolon_file_is_quoted_as_typed(tmp_path):
    path = written(tmp_path, "a.csv", "user_id;weekday;start;end;level\nU0282;mon;8,5;14,0;\n")
    with pytest.raises(InputError) as err:
        read_attendance(path)
    start, end = err.value.problems
    assert start.problem == "'8,5' is not a time of day: it is a number; as hours, 8,5 is 08:30"
    assert end.problem.startswith("'14,0' is not a time of day") and end.fix == "write the time as HH:MM, e.g. 14:00"


def test_a_range_typed_into_one_cell_is_named_at_that_cell(tmp_path):
    path = written(tmp_path, "a.csv", HEADER + "U0282,mon,09:00–14:00,,\n")
    problem = problem_of(read_attendance, path)
    assert (problem.location.row, problem.location.column) == (2, "start")
    assert problem.problem == "'09:00–14:00' is not a time of day: a range typed into one cell"
    assert problem.fix == "write 09:00 in 'start' and 14:00 in 'end'"


def test_a_weekday_with_a_full_stop_is_read(tmp_path):
    path = written(tmp_path, "a.csv", HEADER + "U0282,mån.,09:00,14:00,\nU0282,Tis.,09:00,14:00,\n")
    assert read_attendance(path)["weekday"].tolist() == ["mon", "tue"]
