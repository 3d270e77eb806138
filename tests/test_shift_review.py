"""`resmodel shift-plan` after a section manager's walkthrough (unit DV052 of the demo): the warnings kept in
the outputs, a decimal comma that split a cell, impossible roster shifts, Excel's midnight, and messages
that quote what was typed and say what a bad cell most likely is. Inputs are small copies of hers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
import typer

from resmodel.cli_shifts import register
from resmodel.errors import InputError
from resmodel.io.shifts import read_attendance, read_attendances, read_roster
from resmodel.planning.shifts import ShiftRules
from resmodel.shift_run import roster_rule_warnings, unit_attendance
from tests.clirun import invoke

BASE = Path(__file__).resolve().parents[1] / "scenarios" / "base.yaml"
#: her attendance for the Easter week, as Swedish Excel saved it: BOM, ';', CRLF, seconds, Swedish weekdays
EASTER = ("\ufeffuser_id;weekday;start;end;level\r\n" + "".join(f"{row}\r\n" for row in (
    "U0282;onsdag;09:00:00;14:00:00;", "U0480;tisdag;09:00:00;14:00:00;", "U0480;torsdag;09:00:00;14:00:00;",
    "U0659;tisdag;08:30:00;15:30:00;", "U0659;onsdag;08:30:00;15:30:00;", "U0659;torsdag;08:30:00;15:30:00;",
    "U0842;tisdag;08:30:00;13:30:00;", "U0999;tisdag;08:00:00;14:00:00;", "U0999;onsdag;08:00:00;14:00:00;",
    "U0999;torsdag;08:00:00;14:00:00;", "U1133;tisdag;09:00:00;14:00:00;", "U1133;onsdag;09:00:00;14:00:00;",
    "U1133;torsdag;09:00:00;14:00:00;", "U9001;onsdag;10:00:00;15:00:00;4", "U9001;torsdag;10:00:00;15:00:00;4")))
#: the unit's staff schedule: S1 and S2 every weekday, S3 Monday to Wednesday
ROSTER = "staff_id,weekday,start,end,break_start,break_end\n" + "".join(
    f"S1,{d},07:30,16:00,11:30,12:00\n" for d in ("mon", "tue", "wed", "thu", "fri")) + "".join(
    f"S2,{d},08:30,15:30,12:00,12:30\n" for d in ("mon", "tue", "wed", "thu", "fri")) + "".join(
    f"S3,{d},09:00,14:00,,\n" for d in ("mon", "tue", "wed"))
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


# --- finding 1: the warnings are in the outputs, not only on the terminal -------------------------------

@pytest.fixture(scope="module")
def easter(tmp_path_factory):
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # a second command keeps typer's subcommand syntax
    folder = tmp_path_factory.mktemp("easter")
    attendance, roster = written(folder, "att.csv", EASTER), written(folder, "roster.csv", ROSTER)
    runs = []
    for name in ("out", "again"):
        code, stdout, stderr = invoke(app, "shift-plan", "--unit", "DV052", "--attendance", attendance, "--roster",
                                      roster, "--scenario", BASE, "--out", folder / name)
        assert code == 0, stderr
        runs.append((folder / name, stdout, stderr))
    return runs


def test_the_printed_warnings_are_in_the_manifest_and_the_varningar_sheet(easter):
    out, _, stderr = easter[0]
    printed = [line.removeprefix("warning: ") for line in stderr.splitlines() if line.startswith("warning: ")]
    assert len(printed) == 3 and "(U9001)" in printed[0] and "U0659 21 h against 35 h" in printed[1]
    assert "5 roster shift(s) on mon, fri, when no user attends" in printed[2]
    assert json.loads((out / "manifest.json").read_text())["warnings"] == printed
    sheets = pd.read_excel(out / "shift_plan.xlsx", sheet_name=None)
    assert list(sheets)[-1] == "Varningar"
    listed = sheets["Varningar"]
    assert listed["meddelande (message)"].tolist() == printed
    assert set(listed["enheter (units)"]) == {"DV052"}
    assert listed["kontroll (check)"].tolist() == ["shift_attendance", "shift_attendance", "shift_plan"]


def test_the_outputs_with_warnings_are_the_same_on_a_second_run(easter):
    (first, _, _), (again, _, _) = easter
    for name in ("manifest.json", "shift_plan.xlsx"):
        assert (first / name).read_bytes() == (again / name).read_bytes(), name


def test_one_staff_hour_is_singular(easter):
    _, stdout, _ = easter[0]
    assert "1 staff short at most, 1 staff-hour\n" in stdout and "1 staff-hours" not in stdout
    assert "2 staff short at most, 5 staff-hours" in stdout


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


# --- finding 3: roster shifts the rules do not allow ------------------------------------------------------

def rule_warnings(tmp_path: Path, rows: str) -> list[str]:
    return roster_rule_warnings(read_roster(written(tmp_path, "r.csv", ROSTER_HEADER + rows)), ShiftRules(),
                                "r.csv")


def test_a_whole_day_shift_is_longer_than_the_rules_allow_and_its_break_is_counted(tmp_path):
    long, stretch = rule_warnings(tmp_path, "S1,mon,00:00,24:00,12:00,12:30\n")
    assert long.startswith("1 roster shift(s) longer than the longest shift of the rules "
                           "(shift_rules.max_shift_hours, 10 h;")
    assert "first: S1 on mon 00:00–24:00, 24 h, row 2 of r.csv" in long and "Arbetstidslagen 13 §" in long
    assert "first: S1 on mon 00:00–12:00, 12 h of work before its break, row 2 of r.csv" in stretch
    assert "no break" not in stretch


def test_rows_of_one_person_that_follow_on_each_other_are_one_shift(tmp_path):
    long, stretch = rule_warnings(tmp_path, "S1,mon,07:30,16:00,11:30,12:00\nS1,mon,16:00,20:00,,\n")
    assert "first: S1 on mon 07:30–20:00, 12.5 h, rows 2 and 3 of r.csv" in long
    assert "13 §" not in long  # 12.5 h leaves the 11 hours of rest
    assert "first: S1 on mon 12:00–20:00, 8 h of work after its break, rows 2 and 3 of r.csv" in stretch
    # two people, or rows without a staff_id, are two shifts
    assert rule_warnings(tmp_path, "S1,mon,07:30,16:00,11:30,12:00\nS2,mon,16:00,20:00,,\n") == []
    assert rule_warnings(tmp_path, ",mon,07:30,16:00,11:30,12:00\n,mon,16:00,20:00,,\n") == []


def test_a_night_split_at_midnight_is_one_shift(tmp_path):
    (stretch,) = rule_warnings(tmp_path, "N1,mon,21:30,24:00,,\nN1,tue,00:00,07:00,,\n")
    assert "first: N1 on mon 21:30–tue 07:00, 9.5 h of work with no break, rows 2 and 3 of r.csv" in stretch


def test_a_shift_within_the_rules_gives_no_warning(tmp_path):
    assert rule_warnings(tmp_path, "S1,mon,07:30,16:00,11:30,12:00\nS1,tue,08:00,13:00,,\n") == []


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


# --- the join to users.csv: an id in the wrong case, hours to two decimals ----------------------------------

def joined(demo_loaded, tmp_path: Path, rows: str):
    table = read_attendances([written(tmp_path, "a.csv", HEADER + rows)])
    return unit_attendance(demo_loaded.data.users, demo_loaded.data.units, ["DV052"], table)


def test_a_user_id_in_lower_case_is_suggested_in_upper_case(demo_loaded, tmp_path):
    with pytest.raises(InputError) as err:
        joined(demo_loaded, tmp_path, "u0282,mon,09:00,14:00,\n")
    assert err.value.problems[0].fix.startswith("did you mean 'U0282'? correct the id")
    _, warnings = joined(demo_loaded, tmp_path, "u0282,mon,09:00,14:00,3\n")
    assert any("(u0282, users.csv has U0282)" in w for w in warnings)


def test_attended_hours_are_shown_to_two_decimals(demo_loaded, tmp_path):
    _, warnings = joined(demo_loaded, tmp_path, "U0282,mon,09:00,13:50,\n")
    assert any("U0282 4.83 h against 15 h" in w for w in warnings), warnings


def test_a_shift_over_13_hours_is_said_even_when_another_is_named_first(tmp_path):
    """Docs review: X1 at 12.5 h named first, X3 at 24 h after it — no word of the daily rest."""
    long, *_ = rule_warnings(tmp_path, "X1,mon,07:30,20:00,11:30,12:00\nX3,tis,00:00,24:00,12:00,12:30\n")
    assert "first: X1" in long and "1 of them over 13 h, which leaves less than the 11 hours of daily rest" in long


@pytest.mark.parametrize(("cell", "meant", "hours"), [("16.3", "16:30", "16:18"), ("8,3", "08:30", "08:18")])
def test_a_time_whose_last_zero_was_lost_is_told_as_that_time(tmp_path, cell, meant, hours):
    """Section-manager walk: '16.3' was told 'write 16:18' — off the half-hour grid, refused on the next run — when
    16.30 with its zero dropped by a number cell is what a Swedish roster means."""
    sep = ";" if "," in cell else ","
    path = written(tmp_path, "a.csv", HEADER.replace(",", sep) + sep.join(["U0282", "mon", "08:00", cell, ""]) + "\n")
    problem = problem_of(read_attendance, path)
    assert problem.problem == (f"'{cell}' is not a time of day: it is a number; as hours, {cell} is {hours}, off the "
                               f"half-hour grid — or {cell}0, {meant}, with its last zero lost")
    assert problem.fix.startswith(f"write {meant} if that is the time")


def test_a_roster_given_as_the_attendance_and_back_is_said_as_that():
    """Section-manager walk: an attendance file given as --roster was 'unknown column user_id … remove the column'."""
    from resmodel.io.shifts import read_roster

    demo = Path(__file__).resolve().parents[1] / "data" / "demokommun"
    with pytest.raises(InputError) as error:
        read_roster(demo / "attendance_DV001.csv")
    (problem,) = error.value.problems
    assert problem.problem.startswith("this file has 'user_id': it looks like the attendance schedule")
    assert "--attendance" in problem.fix and "remove" not in problem.fix
    with pytest.raises(InputError) as error:
        read_attendance(demo / "roster_DV001.csv")
    assert error.value.problems[0].problem.startswith("this file has 'staff_id': it looks like the staff roster")


def test_a_roster_without_staff_ids_given_as_the_attendance_is_told_by_its_breaks(tmp_path):
    """Re-walk: staff_id is optional in a roster, so one without it, given as --attendance, was 'did you mean start?'
    for break_start and 'user_id is missing'."""
    path = written(tmp_path, "r.csv", "weekday,start,end,break_start,break_end\nmon,08:00,16:00,12:00,12:30\n")
    with pytest.raises(InputError) as error:
        read_attendance(path)
    (problem,) = error.value.problems
    assert problem.problem.startswith("this file has 'break_start': it looks like the staff roster")
