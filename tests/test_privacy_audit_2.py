"""Privacy audit (2026-12-07): a header differing only in case ('User_ID', read as user_id) switched off the ids'
identity-number rule, so 8503121234 (a date, a wrong check digit) reached brukare.csv and the workbook; the same
folding gap refused a 10-digit amount under 'Average_Cost' as personal data; a birth year typed 8503121234 was
echoed in its message."""

from __future__ import annotations

from pathlib import Path

import pytest

from resmodel.errors import InputError, PersonalDataError
from resmodel.io.candidates import read_candidates
from resmodel.io.dictionary import TABLES
from resmodel.io.other_services import read_other_services
from resmodel.io.shifts import read_attendance
from resmodel.io.tables import read_table

from .scenario_files import DEMO

NUMBER = "8503121234"  # begins with a date, check digit wrong: refused as an id, accepted as an amount


def _edited(tmp_path: Path, name: str, header: tuple[str, str], cell: tuple[str, str]) -> Path:
    """The demo's table ``name`` with one header renamed and one cell's text replaced (each must be there)."""
    lines = (DEMO / name).read_text(encoding="utf-8").splitlines()
    assert header[0] in lines[0] and cell[0] in lines[1], (lines[0], lines[1])
    lines[0] = lines[0].replace(header[0], header[1], 1)
    lines[1] = lines[1].replace(cell[0], cell[1], 1)
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_id_column_whose_header_differs_in_case_is_an_id_column(tmp_path):
    first_user = (DEMO / "users.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    path = _edited(tmp_path, "users.csv", ("user_id", "User_ID"), (first_user, NUMBER))
    with pytest.raises(PersonalDataError) as error:
        read_table(path, TABLES["users"], path.name)
    assert "row 2, column 'User_ID'" in str(error.value) and NUMBER not in str(error.value)


def test_the_attendance_and_the_candidates_alike(tmp_path):
    first = (DEMO / "attendance_DV001.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    path = _edited(tmp_path, "attendance_DV001.csv", ("user_id", "User_ID"), (first, NUMBER))
    with pytest.raises(PersonalDataError):
        read_attendance(path)
    first = (DEMO / "premises_candidates.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    path = _edited(tmp_path, "premises_candidates.csv", ("premises_id", "Premises_ID"), (first, NUMBER))
    with pytest.raises(PersonalDataError):
        read_candidates(path, "daglig_verksamhet")


def test_a_ten_digit_amount_under_a_capitalised_header_is_an_amount(tmp_path):
    cost = (DEMO / "other_services.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[3]
    _edited(tmp_path, "other_services.csv", ("average_cost", "Average_Cost"), (f",{cost},", ",1101300000,"))
    table, _ = read_other_services(tmp_path)
    assert table is not None and 1101300000 in table["average_cost"].tolist()


def test_a_birth_year_typed_as_a_personal_number_is_not_echoed(tmp_path):
    path = _edited(tmp_path, "users.csv", ("birth_year", "birth_year"), (",1961,", f",{NUMBER},"))
    with pytest.raises(InputError) as error:
        read_table(path, TABLES["users"], path.name)
    assert NUMBER not in str(error.value) and "(not shown: it looks like a personal identity number)" in str(
        error.value)


def test_a_folder_named_like_a_personal_number_is_not_shown_in_a_path(tmp_path, monkeypatch):
    """A data folder outside the working folder is shown by its absolute path: /tmp/…/19121212-1212/data/… reached
    stderr and the workbook's Varningar and Parametrar sheets of a run that typed no such number."""
    from resmodel.io.scenario import PNR_PART, display_path

    folder = tmp_path / "19121212-1212" / "data"
    folder.mkdir(parents=True)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    shown = display_path(folder / "premises.csv")
    assert "19121212" not in shown and shown.endswith(f"{PNR_PART}/data/premises.csv") and "not shown" in PNR_PART
    monkeypatch.chdir(tmp_path)
    assert display_path(folder / "premises.csv") == f"{PNR_PART}/data/premises.csv"
    assert display_path(work / "U0001-plan.csv") == "work/U0001-plan.csv"  # an ordinary name stays


def test_other_services_is_read_from_xlsx_as_the_other_tables_are(tmp_path):
    """The data dictionary says each table may be CSV or .xlsx; other_services.xlsx was passed over without a word."""
    import pandas as pd

    csv = pd.read_csv(DEMO / "other_services.csv", dtype=str, keep_default_na=False)
    csv.to_excel(tmp_path / "other_services.xlsx", index=False)
    table, display = read_other_services(tmp_path)
    expected, _ = read_other_services(DEMO)
    assert display.endswith("other_services.xlsx") and table is not None
    assert table["average_cost"].tolist() == expected["average_cost"].tolist()
    (tmp_path / "other_services.csv").write_text((DEMO / "other_services.csv").read_text(encoding="utf-8"))
    with pytest.raises(InputError, match="both other_services.csv and other_services.xlsx"):
        read_other_services(tmp_path)
