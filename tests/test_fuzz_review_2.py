"""Bad input found by a second fuzzing review: messages that did not locate or explain the problem, and one
silent slip (an area's frame in tkr projected as a 320 MSEK overspend with exit 0). Each is now a located error that
says what was meant."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import app as api
from resmodel.cli import app
from tests.clirun import invoke
from tests.conftest import ROOT, projection_scenario
from tests.scenario_files import demo_copy as _data
from tests.scenario_files import edit as _edit

DEMO = ROOT / "data" / "demokommun"


# ---------------------------------------------------------------- 1. an area's frame in tkr
def _frame_in_tkr(tmp_path: Path) -> Path:
    """The demo data with daily activity's base frame typed in tkr (320 900 for 320 900 000)."""
    data = _data(tmp_path)
    _edit(data / "frame.yaml", "daglig_verksamhet: 320900000 ", "daglig_verksamhet: 320900 ")
    return data


def test_an_area_frame_in_tkr_is_refused_by_project_and_nothing_is_written(tmp_path):
    data = _frame_in_tkr(tmp_path)
    out = tmp_path / "out"
    code, _, message = invoke(app, "project", projection_scenario(tmp_path, data, 2), "--out", out)
    assert code == 2 and not out.exists(), message
    assert f"{data / 'frame.yaml'}, line 9, at 'frame.base.daglig_verksamhet'" in message
    assert ("the base frame of daglig_verksamhet, 320,900, is 0.001 times its base-year net cost of 320,942,823 SEK: "
            "written in tkr? 320,900 tkr is 320,900,000 SEK") in message
    assert "Fix: write daglig_verksamhet: 320900000;" in message


def test_an_area_frame_in_tkr_is_refused_by_post_projections(tmp_path, monkeypatch):
    data = _frame_in_tkr(tmp_path)
    folder = tmp_path / "scenarios"
    folder.mkdir()
    projection_scenario(folder, data, 2)
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(folder))
    response = TestClient(api).post("/projections", json={"scenario": "s"})
    assert response.status_code == 422, response.text
    (problem,) = response.json()["detail"]["problems"]
    assert "frame.yaml, line 9, at 'frame.base.daglig_verksamhet'" in problem["msg"]
    assert "written in tkr? 320,900 tkr is 320,900,000 SEK" in problem["msg"]


# ---------------------------------------------------------------- 2. a leaf's 'values' misspelt or missing
LEAF_HEAD = "description: PO-pålägg — payroll overhead\nunit: share of wages\nreference: SKR\n"


def _tree_problems(tmp_path: Path, name: str, text: str) -> list:
    """The problems load_tree reports for a parameter folder holding the one file ``name``."""
    from resmodel.errors import InputError
    from resmodel.io.parameters import load_tree

    root = tmp_path / "parameters"
    (root / "payroll").mkdir(parents=True)
    (root / "payroll" / name).write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_tree(root, "parameters")
    return error.value.problems


@pytest.mark.parametrize("word", ["value", "Values", "värden"])
def test_a_misspelt_values_key_is_one_problem_at_its_line(tmp_path, word):
    text = f"{LEAF_HEAD}{word}:\n  2013-01-01: 0.3846\n  2024-01-01: 0.4504\n"
    (problem,) = _tree_problems(tmp_path, "po_rate.yaml", text)
    assert str(problem.location) == f"parameters/payroll/po_rate.yaml, line 4, at '{word}'"
    assert problem.problem == f"parameter 'payroll.po_rate' is missing 'values' (it has '{word}')"
    assert problem.fix == f"did you mean 'values'? rename '{word}:' to 'values:'"


def test_a_leaf_without_values_is_one_problem_at_the_leaf(tmp_path):
    (problem,) = _tree_problems(tmp_path, "po_rate.yaml", LEAF_HEAD)
    assert str(problem.location) == "parameters/payroll/po_rate.yaml, line 1"
    assert problem.problem == "parameter 'payroll.po_rate' is missing 'values'"
    assert "keyed by valid-from date" in problem.expected


def test_an_empty_value_is_told_empty_not_none(tmp_path):
    """Fuzz review 2, item 7: '2024-01-01:' with nothing after it was reported as value 'None'."""
    (problem,) = _tree_problems(tmp_path, "po_rate.yaml", f"{LEAF_HEAD}values:\n  2024-01-01:\n")
    assert problem.problem == "the value of 'payroll.po_rate' is empty" and "None" not in str(problem)
    assert problem.fix.startswith("write the value after the date")


def test_a_named_leaf_with_value_for_values_is_one_problem(tmp_path):
    text = "po_rate:\n  description: PO\n  unit: share of wages\n  reference: SKR\n  value:\n    2024-01-01: 0.45\n"
    (problem,) = _tree_problems(tmp_path, "rates.yaml", text)
    assert str(problem.location) == "parameters/payroll/rates.yaml, line 5, at 'po_rate.value'"
    assert problem.problem == "parameter 'payroll.rates.po_rate' is missing 'values' (it has 'value')"


# ---------------------------------------------------------------- 3. a header cell left empty
def _schema():
    from resmodel.io.tables import Column, TableSchema

    return TableSchema("t", "test", (Column("unit_id", "id", "unit"), Column("weekly_hours", "float", "hours"),
                                     Column("level", "int", "level", required=False)))


def _workbook(path: Path, rows: list[list], merge: str | None = None) -> Path:
    """An .xlsx of ``rows`` on its first sheet, with the header cells ``merge`` merged (e.g. 'B1:C1')."""
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    if merge:
        wb.active.merge_cells(merge)
    wb.save(path)
    return path


def _read_problem(path: Path):
    """The one problem read_table reports for ``path``."""
    from resmodel.errors import InputError
    from resmodel.io.tables import read_table

    with pytest.raises(InputError) as error:
        read_table(path, _schema(), path.name)
    (problem,) = error.value.problems
    return problem


@pytest.mark.parametrize("merge, letter, position", [("A1:B1", "B", "2nd"), ("B1:C1", "C", "3rd")])
def test_merged_header_cells_name_the_column_by_its_letter(tmp_path, merge, letter, position):
    path = _workbook(tmp_path / "t.xlsx", [["unit_id", "level", "weekly_hours"], ["U1", 3, 30], ["U2", 4, 20]],
                     merge=merge)
    problem = _read_problem(path)
    assert str(problem.location) == "t.xlsx, row 2"
    assert problem.problem == (f"column {letter} (the {position}) has values but no header: its cell in row 1 is "
                               "empty (merged header cells?)")
    assert problem.fix.startswith(f"give column {letter} its header in row 1")


def test_a_csv_column_with_values_but_no_header_is_named_by_its_letter(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("unit_id,,weekly_hours\nU1,,30\nU2,x,20\n", encoding="utf-8")
    problem = _read_problem(path)
    assert str(problem.location) == "t.csv, row 3" and problem.problem.startswith("column B (the 2nd) has values")


@pytest.mark.parametrize("name, write", [
    ("t.xlsx", lambda p: _workbook(p, [[None, "unit_id", "weekly_hours"], [None, "U1", 30], [None, "U2", 20]])),
    ("t.csv", lambda p: p.write_text("unit_id,,weekly_hours,,level\nU1,,30,,3\nU2, ,20,,4\n", encoding="utf-8")),
])
def test_an_empty_column_without_a_header_is_skipped(tmp_path, name, write):
    from resmodel.io.tables import read_table

    path = tmp_path / name
    write(path)
    table = read_table(path, _schema(), name)
    assert list(table["unit_id"]) == ["U1", "U2"] and list(table["weekly_hours"]) == [30.0, 20.0]


# ---------------------------------------------------------------- 4. Excel date serials
def _dated_schema():
    from resmodel.io.tables import Column, TableSchema

    return TableSchema("t", "test", (Column("unit_id", "id", "unit"), Column("start_date", "date", "start"),
                                     Column("month", "month", "month", required=False)))


def _dated_problems(path: Path) -> list:
    from resmodel.errors import InputError
    from resmodel.io.tables import read_table

    with pytest.raises(InputError) as error:
        read_table(path, _dated_schema(), path.name)
    return error.value.problems


def test_an_excel_date_serial_in_a_csv_is_read_as_the_date_it_is(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("unit_id,start_date,month\nU1,45236,2024-01\nU2,2024-01-01,45231\nU3,12345,2024-02\n",
                    encoding="utf-8")
    serial, other, month = _dated_problems(path)  # by column, then row
    assert str(serial.location) == "t.csv, row 2, column 'start_date'"
    assert serial.problem == "'45236' is not a valid date: it looks like an Excel date serial, 2023-11-06"
    assert serial.fix == ("format the column as a date in Excel (yyyy-mm-dd), or write each date as YYYY-MM-DD (this "
                          "one 2023-11-06)")
    assert (str(other.location), other.problem) == ("t.csv, row 4, column 'start_date'", "'12345' is not a valid date")
    assert month.problem == "'45231' is not a valid month: it looks like an Excel date serial, 2023-11-01"
    assert month.fix.endswith("(this one 2023-11)")


def test_an_excel_date_column_without_a_date_format_is_read_as_its_serial_and_told(tmp_path):
    path = _workbook(tmp_path / "t.xlsx", [["unit_id", "start_date"], ["U1", 45236], ["U2", 45236.375]])
    first, second = _dated_problems(path)
    assert first.problem.endswith("it looks like an Excel date serial, 2023-11-06")
    assert second.problem == "'45236.375' is not a valid date: it looks like an Excel date serial, 2023-11-06"


# ---------------------------------------------------------------- 5. a backtest's fix for the h given
@pytest.mark.parametrize("points, args, expected, fix", [
    # the fix had been computed for h = 1: 'give the series at least 4 points' under 'Expected at least 8'
    (3, ("--h", "5"), "at least 8 points", "give the series at least 8 points, or leave it out of the backtest"),
    (4, ("--h", "5"), "at least 8 points", "give the series at least 8 points, or use a horizon of at most 1 period"),
    (4, ("--h", "5", "--windows", "3"), "at least 10 points",
     "give the series at least 10 points, or use one window with a horizon of at most 1 period"),
    (6, ("--h", "2", "--windows", "9"), "at least 13 points",
     "give the series at least 13 points, or use at most 2 windows with h=2 and step=1"),
    (7, ("--h", "2", "--windows", "3"), "at least 7 points", None),  # fits: no error
])
def test_a_backtest_too_long_for_its_series_says_what_fits_for_the_h_given(tmp_path, points, args, expected, fix):
    series = tmp_path / "y.csv"
    series.write_text("unique_id,ds,y\n" + "".join(f"a,{2010 + i},{100 + i}\n" for i in range(points)),
                      encoding="utf-8")
    out = tmp_path / "out"
    code, _, message = invoke(app, "backtest", "--series", series, *args, "--out", out)
    if fix is None:
        assert code == 0, message
        return
    assert code == 2 and not out.exists(), message
    assert f"Expected {expected} (each window needs 3 training points). Fix: {fix}" in message


# ---------------------------------------------------------------- 6. a month's fix echoes the month meant
TRIANGLE = DEMO / "invoice_triangle.csv"


@pytest.mark.parametrize("typed, fix", [
    ("2024/06", "write the month as 2024-06"), ("06/2024", "write the month as 2024-06"),
    ("juni 2024", "write the month as 2024-06"), ("2024.6", "write the month as 2024-06"),
    ("2024-13", "write the month as YYYY-MM, such as 2024-06"),  # no month 13: no month is implied
    ("abc", "write the month as YYYY-MM, such as 2024-06"),
])
def test_nowcast_as_of_fix_names_the_month_typed(tmp_path, typed, fix):
    out = tmp_path / "out"
    code, _, message = invoke(app, "nowcast", "--triangle", TRIANGLE, "--as-of", typed, "--out", out)
    assert code == 2 and not out.exists(), message
    assert message == f"at '--as-of': '{typed}' is not a month. Expected YYYY-MM. Fix: {fix}"


def _api_message(route: str, body: dict) -> str:
    """The one problem's message of a 422 answer."""
    response = TestClient(api).post(route, json=body)
    assert response.status_code == 422, response.text
    (problem,) = response.json()["detail"]["problems"]
    return problem["msg"]


def test_the_api_month_fixes_name_the_month_typed_or_none():
    invoices = [{"service_month": "2024-01", "reporting_month": "2024-01", "amount_sek": 5}]
    assert _api_message("/nowcasts", {"invoices": invoices, "as_of": "2024-13"}).endswith(
        "Fix: write the month as YYYY-MM, such as 2024-06")
    assert _api_message("/nowcasts", {"invoices": invoices, "as_of": "1989-05"}).endswith("Fix: correct the year")
    queue = {"service": "daglig_verksamhet", "demand": [{"month": "2024-01", "volume": 3}]}
    assert _api_message("/queues", {**queue, "capacity": [{"month": "2024/01", "places": 5}]}).endswith(
        "Fix: write the month as 2024-01")
    # the schema's own month pattern (a month field of the request body) names the month typed too
    assert _api_message("/nowcasts", {"invoices": invoices, "as_of": "2024/06"}).endswith(
        "Fix: write the month as 2024-06")
    # a month in the wrong years is echoed as typed, not as '1-01'
    message = _api_message("/queues", {"service": "daglig_verksamhet", "demand": [{"month": "0001-01", "volume": 3}],
                                       "places": 5})
    assert "the month '0001-01' is outside the years" in message, message


# ---------------------------------------------------------------- 7. a scenario's number: what to write
@pytest.mark.parametrize("body, where, expected, fix", [
    ('seed: "abc"\n', "line 4, at 'seed'", "Expected seed: random seed for everything stochastic, 0 to 2³²−1",
     "Fix: write a whole number from 0 to 4294967295, e.g. 42"),
    ("projection:\n  horizon_years: 0\n", "line 5, at 'projection.horizon_years'",
     "Expected horizon_years: number of projected years after the base year",
     "Fix: write a whole number from 1 to 30, e.g. 10"),
    ("projection:\n  adjustments:\n    - {service: daglig_verksamhet, year: 2027.5, amount: -3000000}\n",
     "line 6, at 'projection.adjustments[0].year'", "Expected year: the projected year it falls in",
     "Fix: write a whole number"),
    # second diff review: a factor of at least 1 was told 'write 0.015', an optional bounded number 'correct the value'
    ("projection:\n  own_provider_rate_factor: 1.5\n", "line 5, at 'projection.own_provider_rate_factor'",
     "Expected own_provider_rate_factor: own provider's compensation", "Fix: write a number from 1 to 1.12, e.g. 1"),
    ("projection:\n  volume_changes:\n    - {service: personlig_assistans_lss, from_year: 2026, change: 2, "
     "hours_per_week: 0}\n", "line 6, at 'projection.volume_changes[0].hours_per_week'",
     "Expected hours_per_week: LSS assistance only", "Fix: write a number above 0 to 168"),
])
def test_a_scenario_number_out_of_form_says_what_to_write(tmp_path, body, where, expected, fix):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"name: s\npurpose: fuzz\nextends: {ROOT / 'scenarios' / 'base.yaml'}\n{body}",
                        encoding="utf-8")
    code, _, message = invoke(app, "validate", scenario)
    assert code == 2, message
    assert f"s.yaml, {where}: " in message and expected in message and message.endswith(fix), message
