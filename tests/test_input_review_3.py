"""A diff review of the day's input-reading changes: rent headers of compound words lost their conversion advice (1),
a parameter group file with a description at its top was read as one leaf missing 'values', and dates written
straight under a leaf were told to be removed (2), an Excel serial was offered as a date its column refuses (3), and a
title row with a note at its right end was told as columns without a header (4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from resmodel.errors import InputError
from resmodel.io.dictionary import TABLES
from resmodel.io.parameters import load_tree
from resmodel.io.tables import read_table
from tests.clirun import planning_app
from tests.test_fuzz_review_2 import _workbook
from tests.test_premises_review_2 import header_error

ROOT = Path(__file__).resolve().parents[1]
USERS = (ROOT / "data" / "demokommun" / "users.csv").read_text(encoding="utf-8").splitlines()[:6]


@pytest.fixture(scope="module")
def app():
    return planning_app()


# ---------------------------------------------------------------- 1. rent headers of compound words
@pytest.mark.parametrize(("header", "told", "factors"), [
    ("Lokalhyra (kr/mån)", "a monthly rent", "× 12 for a year"),
    ("Hyreskostnad per månad", "a monthly rent", "× 12 for a year"),
    ("Kvadratmeterhyra", "a rent per m²", "× the premises' area in m²"),
    ("kvmhyra", "a rent per m²", "× the premises' area in m²"),
    ("Månadshyran (tkr)", "a monthly rent in thousands of kronor", "× 1 000 and × 12 for a year"),
    ("Hyresbelopp (kr/kvm)", "a rent per m²", "× the premises' area in m²")])
def test_a_rent_header_of_compound_words_is_told_how_to_convert(app, tmp_path, header, told, factors):
    """'Lokalhyra (kr/mån)' was 'unknown column … no free-text or comment column' and 'annual_rent_sek is missing':
    a rent word had to stand on its own."""
    stderr = header_error(app, tmp_path, header, rent_column=False)
    assert f"'{header}' looks like {told}, but resmodel reads the yearly rent in SEK of the whole premises in " \
           f"annual_rent_sek: convert its values ({factors}), then rename the column to 'annual_rent_sek'" in stderr
    assert "free-text" not in stderr and "required column 'annual_rent_sek' is missing" not in stderr


@pytest.mark.parametrize("header", ["Hyrestid (mån)", "Hyresperiod (månad)", "Hyresavtal (mån)", "Hyresfri tid (mån)",
                                    "Hyreshöjning (kr/mån)", "Hyresvärd kvm"])
def test_a_word_of_the_lease_or_of_a_change_to_the_rent_is_no_rent(app, tmp_path, header):
    """A word starting with 'hyres' is a rent unless it names the lease's length, agreement or parties, a rent-free
    time or a change to the rent: none of them is a rent's amount to convert into annual_rent_sek."""
    stderr = header_error(app, tmp_path, header)
    assert f"unknown column '{header}'" in stderr and "looks like a" not in stderr


# ---------------------------------------------------------------- 2. what a parameter file is
LEAF = 'description: "PO-pålägg — payroll overhead"\nunit: share of wages\nreference: SKR\n'


def tree_problems(tmp_path: Path, text: str, name: str = "po_rate.yaml") -> list[str]:
    """The problems loading a parameter tree of one file, ``text``, gives (as the CLI prints them)."""
    root = tmp_path / "parameters"
    (root / "payroll").mkdir(parents=True)
    (root / "payroll" / name).write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_tree(root, "parameters")
    return [str(p) for p in error.value.problems]


def group(top: str) -> str:
    """A group file of two leaves (staff_cost.yaml's form) with ``top`` above them."""
    leaf = "  " + LEAF.replace("\n", "\n  ") + "values:\n    2024-01-01: 0.3\n"
    return top + "holiday_pay_per_leave_day:\n" + leaf + "sick_pay:\n" + leaf


def test_a_group_file_with_a_description_is_told_once(tmp_path):
    """It was read as one leaf: 'missing values', 'unknown key' for each leaf, 'lacks unit', 'lacks reference'."""
    (problem,) = tree_problems(tmp_path, group('description: "Personalkostnader — staff cost add-ons"\n'))
    assert problem == ("parameters/payroll/po_rate.yaml, line 1, at 'description': 'description' at the top of a group "
                       "of leaves. Expected only the group's leaves, each with its own description, unit and reference. "
                       "Fix: move the description into a comment (a line starting with #)")


def test_a_group_file_with_a_unit_is_told_to_give_each_leaf_its_own(tmp_path):
    (problem,) = tree_problems(tmp_path, group("unit: share of wages\n"))
    assert problem.startswith("parameters/payroll/po_rate.yaml, line 1, at 'unit': 'unit' at the top of a group")
    assert problem.endswith("Fix: give each leaf its own 'unit:' and remove this line (a comment, #, may keep a note)")


def test_the_group_without_its_description_loads(tmp_path):
    root = tmp_path / "parameters"
    (root / "payroll").mkdir(parents=True)
    (root / "payroll" / "staff.yaml").write_text("# Personalkostnader — staff cost add-ons\n" + group(""),
                                                 encoding="utf-8")
    assert set(load_tree(root, "parameters").parameters) == {"payroll.staff.holiday_pay_per_leave_day",
                                                             "payroll.staff.sick_pay"}


def test_dates_straight_under_a_leaf_are_told_to_go_under_values(tmp_path):
    """They were 'unknown key '2013-01-01' … remove or rename the key' each, an instruction to delete the data."""
    (problem,) = tree_problems(tmp_path, LEAF + "2013-01-01: 0.3846\n2024-01-01: 0.4504\n")
    assert problem == ("parameters/payroll/po_rate.yaml, line 4, at '2013-01-01': parameter 'payroll.po_rate' has dated "
                       "values straight under it, not under 'values:' (2013-01-01, 2024-01-01). Expected the leaf's "
                       "values under 'values:', keyed by valid-from date, e.g. '2024-01-01: 0.074'. Fix: put the dated "
                       "values under 'values:' — add a line 'values:' above them and indent each date under it")


def test_dates_not_indented_under_values_are_told_to_be_indented(tmp_path):
    """'values:' with the dates below it but not indented: three problems, one of them 'remove or rename'."""
    (problem,) = tree_problems(tmp_path, LEAF + "values:\n2024-01-01: 0.45\n")
    assert problem.endswith("Fix: put the dated values under 'values:' — indent each date under the line 'values:'")


def test_parameters_md_quotes_the_messages(tmp_path):
    """docs/parameters.md's sentence on what a file is quotes both messages."""
    text = " ".join((ROOT / "docs" / "parameters.md").read_text(encoding="utf-8").split())
    (grouped,) = tree_problems(tmp_path / "g", group("description: x\n"))
    (dated,) = tree_problems(tmp_path / "d", LEAF + "2024-01-01: 0.45\n")
    for quoted, message in (("'description' at the top of a group of leaves", grouped),
                            ("move the description into a comment (a line starting with #)", grouped),
                            ("put the dated values under 'values:'", dated)):
        assert quoted in text and quoted in message


# ---------------------------------------------------------------- 3. an Excel serial the column cannot hold
def users_problems(path: Path) -> list:
    with pytest.raises(InputError) as error:
        read_table(path, TABLES["users"], path.name)
    return error.value.problems


def with_start_date(path: Path, start_date: str) -> Path:
    """The demo's first users with the first one's start_date (the 8th column) set to ``start_date``."""
    cells = USERS[1].split(",")
    cells[7] = start_date
    path.write_text("\n".join([USERS[0], ",".join(cells), *USERS[2:]]) + "\n", encoding="utf-8")
    return path


def test_an_excel_serial_is_offered_only_as_a_date_of_the_columns_years(tmp_path):
    """20231 was told 'it looks like an Excel date serial, 1955-05-22', which start_date (1970–2100) refuses."""
    (problem,) = users_problems(with_start_date(tmp_path / "u.csv", "20231"))
    assert (problem.problem, problem.fix) == ("'20231' is not a valid date", "write the date as YYYY-MM-DD")
    (problem,) = users_problems(with_start_date(tmp_path / "u.csv", "45236"))
    assert problem.problem == "'45236' is not a valid date: it looks like an Excel date serial, 2023-11-06"


# ---------------------------------------------------------------- 4. a title row with a note above the header
TITLE = "row 1 has 2 cells but row 2 has 9: row 1 looks like a title above the header in row 2"


@pytest.mark.parametrize("title", ["Brukarlista 2024,,,,,,,,Källa: Procapita", "Brukarlista,,,,,,,,export 2024-07-01"])
def test_a_title_row_with_a_note_is_told_as_a_title(tmp_path, title):
    """It was told 'column B (the 2nd) has values but no header … (merged header cells?)'."""
    path = tmp_path / "u.csv"
    path.write_text("\n".join([title, *USERS]) + "\n", encoding="utf-8")
    (problem,) = users_problems(path)
    assert str(problem) == (f"u.csv, row 1: {TITLE}. Expected the column names in row 1. Fix: delete the rows above "
                            "row 2 (a title or a note) so that the header is row 1")


def test_a_workbook_title_row_with_a_note_is_told_as_a_title(tmp_path):
    header = USERS[0].split(",")
    path = _workbook(tmp_path / "u.xlsx", [["Brukarlista 2024", *[None] * 7, "Källa: Procapita"], header,
                                           USERS[1].split(",")])
    (problem,) = users_problems(path)
    assert problem.problem == TITLE


@pytest.mark.parametrize("rows", [["a,,c", "x,y,z"], ["a,,c", "1,2,3"], ["user_id,service,,level", "U1,x,y,z"]])
def test_a_header_with_an_empty_cell_is_still_told_so(tmp_path, rows):
    """A header row filling more than half the cells of the row below is no title: its empty cell is told."""
    path = tmp_path / "t.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    (problem,) = users_problems(path)
    assert "has values but no header: its cell in row 1 is empty (merged header cells?)" in problem.problem


@pytest.mark.parametrize("header", ["Lokalhyra", "Hyreskostnad", "Lokalhyra kr"])
def test_a_rent_header_that_says_no_form_is_told_to_be_the_rent(app, tmp_path, header):
    """'Lokalhyra' alone was an unknown column to remove ('no free-text or comment column') beside 'required column
    annual_rent_sek is missing': the user was told to delete their rent."""
    stderr = header_error(app, tmp_path, header, rent_column=False)
    assert f"'{header}' looks like the rent: resmodel reads the yearly rent in SEK of the whole premises" in stderr
    assert "rename the column to 'annual_rent_sek'" in stderr
    assert "free-text" not in stderr and "required column 'annual_rent_sek' is missing" not in stderr


def test_a_plain_rent_header_beside_annual_rent_sek_is_told_to_keep_one(app, tmp_path):
    """With annual_rent_sek in the file, 'Lokalhyra' is a second rent column: keep one, not rename it."""
    stderr = header_error(app, tmp_path, "Lokalhyra")
    assert "unknown column 'Lokalhyra'" in stderr and "rename the column to 'annual_rent_sek'" not in stderr


@pytest.mark.parametrize("header", ["rent_note", "Hyresnivå kommentar"])
def test_a_comment_on_the_rent_is_not_told_to_be_the_rent(app, tmp_path, header):
    """Diff review: a comment column beside a rent word was told 'looks like the rent: rename … to annual_rent_sek'."""
    stderr = header_error(app, tmp_path, header, rent_column=False)
    assert "looks like the rent" not in stderr and "required column 'annual_rent_sek' is missing" in stderr
