"""A new board loading its own exported tables into the `resmodel init` kit (an economist setting up a 900-user
board): percent-of-full-time hours, services costed elsewhere, ids, free-text columns, Swedish file names, numbers
stored as text in a workbook, the kit's own data dictionary and identity numbers on a note sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from resmodel.errors import InputError
from resmodel.io.dictionary import STAFF, USERS
from resmodel.io.municipality import data_quality_warnings, read_municipality, table_files
from resmodel.io.starter import write_starter_kit
from resmodel.io.tables import read_table, type_table
from tests.conftest import ROOT

BASE_DATE = dt.date(2024, 7, 1)


@pytest.fixture()
def kit(tmp_path) -> Path:
    """A fresh starter kit, as `resmodel init` writes it."""
    write_starter_kit(tmp_path / "kit", "kit")
    return tmp_path / "kit"


def _edit(path: Path, old: str, new: str) -> None:
    """Replace one piece of a kit table's text (which must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _refusal(data: Path) -> InputError:
    """The error reading the data folder gives."""
    with pytest.raises(InputError) as err:
        read_municipality(data, "data", BASE_DATE)
    return err.value


def _warnings(data: Path, check: str) -> list:
    """The data-quality warnings of one check on the data folder."""
    municipality = read_municipality(data, "data", BASE_DATE)
    return [w for w in data_quality_warnings(municipality, BASE_DATE, table_files(data, "data")) if w.check == check]


# finding 1: 'Tidsomfattning (%)' was told to be divided by 100, and 0.75 hours a week passed every check


def test_a_percent_header_over_weekly_hours_is_told_to_give_hours_not_a_share():
    raw = pd.DataFrame([["U1", "daglig_verksamhet", "DV01", "3", "75 %", "", "1990", "2015-03-01", ""]],
                       columns=[c.name if c.name != "weekly_hours" else "Tidsomfattning (%)" for c in USERS.columns],
                       index=[2], dtype="string")
    with pytest.raises(InputError) as err:
        type_table(raw, USERS, "users.csv")
    fix = err.value.problems[0].fix
    assert "write each as the hours a week it stands for, e.g. 30 (75 % of a 40-hour week)" in fix, fix
    assert "divide its values by 100" not in fix and "then rename it to 'weekly_hours'" in fix


def test_a_percent_header_over_a_share_is_still_told_to_divide_by_100():
    raw = pd.DataFrame([["DV01", "omsorgspedagog", "80"]], columns=["unit_id", "role", "Sysselsättningsgrad (%)"],
                       index=[2], dtype="string")
    with pytest.raises(InputError) as err:
        type_table(raw, STAFF, "staff.csv")
    assert "divide its values by 100 (0.75 for 75 %)" in err.value.problems[0].fix


@pytest.mark.parametrize(("cell", "separator", "told"), [
    ("75 %", ",", "'75 %' is a share of full time: write the hours a week, 30 (75 % of a 40-hour week)"),
    ("62,5 %", ";", "'62,5 %' is a share of full time: write the hours a week, 25 (62,5 % of a 40-hour week)"),
])
def test_a_percent_cell_in_weekly_hours_is_told_the_hours(tmp_path, cell, separator, told):
    header = separator.join(c.name for c in USERS.columns)
    row = separator.join(["U1", "daglig_verksamhet", "DV01", "3", f'"{cell}"' if separator == "," else cell, "",
                          "1990", "2015-03-01", ""])
    (tmp_path / "users.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(tmp_path / "users.csv", USERS, "users.csv")
    assert err.value.problems[0].fix.startswith(told), err.value.problems[0].fix


def test_daily_activity_hours_written_as_shares_of_full_time_are_warned(kit):
    users = kit / "data" / "users.csv"
    for hours, share in (("2,30", "2,0.75"), ("4,25", "4,0.62"), ("6,35", "6,0.87"), ("1,20", "1,0.5")):
        _edit(users, f",{hours},,", f",{share},,")
    found = _warnings(kit / "data", "weekly_hours_implausible")
    assert len(found) == 1, found
    assert found[0].location.row == 2 and found[0].location.column == "weekly_hours"
    assert "the 4 daglig_verksamhet users' weekly_hours have a median of 0.685 hours a week" in found[0].message
    assert "hours written as shares of full time" in found[0].message and found[0].units == ("DV01", "DV02")


def test_one_daily_activity_user_with_hours_as_a_share_is_warned_at_the_row(kit):
    """Bad-input fuzz: one user's 30 hours typed as 0.75 passed the median check and cut their cost by 77 %."""
    users = kit / "data" / "users.csv"
    _edit(users, ",2,30,,", ",2,0.75,,")
    found = _warnings(kit / "data", "weekly_hours_implausible")
    assert len(found) == 1, found
    row = users.read_text(encoding="utf-8").splitlines().index(
        next(line for line in users.read_text(encoding="utf-8").splitlines() if ",2,0.75,," in line)) + 1
    assert (found[0].location.row, found[0].location.column) == (row, "weekly_hours")
    assert found[0].message.startswith("a daily-activity user with 0.75 hours a week: a share of full time (0.75 of "
                                       "a 40-hour week is 30 hours)?")


def test_a_few_short_hours_among_full_ones_are_not_taken_for_shares(kit):
    users = kit / "data" / "users.csv"
    _edit(users, ",20,,2001", ",1,,2001")  # one user scheduled an hour a week; the median stays 27.5
    assert _warnings(kit / "data", "weekly_hours_implausible") == []


def test_the_kit_and_the_demo_have_no_hours_warning(kit, demo_result):
    assert _warnings(kit / "data", "weekly_hours_implausible") == []
    assert [w for w in demo_result.warnings if w.check == "weekly_hours_implausible"] == []



# finding 2: a short stay in units.csv or users.csv was told 'use one of the allowed values', inviting bostad_barn


@pytest.mark.parametrize(("table", "old", "new", "row", "told"), [
    ("units.csv", "BB01,Barnboende 1,bostad_barn,", "BB01,Korttidshem 1,korttidsvistelse,", 6,
     "korttidsvistelse is costed in the projection as volume × average cost from other_services.csv"),
    ("users.csv", "U008,bostad_barn,", "U008,Korttidshem,", 9,
     "'Korttidshem' is korttidsvistelse: it is costed in the projection as volume × average cost"),
    ("users.csv", "U008,bostad_barn,", "U008,Avlösarservice,", 9, "'Avlösarservice' is avlosning: it is costed"),
])
def test_a_service_costed_in_other_services_is_told_to_go_there(kit, table, old, new, row, told):
    _edit(kit / "data" / table, old, new)
    problem = next(p for p in _refusal(kit / "data").problems if p.location.column == "service")
    assert problem.location.file == f"data/{table}" and problem.location.row == row
    assert told in problem.fix and "remove these rows" in problem.fix, problem.fix
    assert "a line in other_services.csv" in problem.fix and "use one of the allowed values" not in problem.fix
    # re-walk finding 5: the short-stay home's premises row left behind was warned premises_unused on the next run
    assert "and its premises' row in premises.csv if no other unit uses them" in problem.fix
    assert "whose average cost includes the premises' rent" in problem.fix


def test_an_unknown_service_that_is_no_other_service_keeps_the_allowed_values_fix(kit):
    _edit(kit / "data" / "users.csv", "U008,bostad_barn,", "U008,bostad_bar,")
    problem = next(p for p in _refusal(kit / "data").problems if p.location.column == "service")
    assert problem.fix == ("did you mean 'bostad_barn'? use one of the allowed values (see data-dictionary.md, which "
                           "resmodel init writes beside your README, or docs/data-dictionary.md in the resmodel "
                           "repository)")


def test_the_kit_readme_lists_other_services_csv(kit):
    readme = (kit / "README.md").read_text(encoding="utf-8")
    assert "| `other_services.csv` (optional; not in the kit) |" in readme and "korttidsvistelse" in readme


# finding 3: the id characters were documented nowhere, and a unit id written as its name got no word of 'name'


def test_a_unit_id_written_as_its_name_is_told_where_the_name_goes(kit):
    for table in ("units.csv", "users.csv", "staff.csv"):
        _edit(kit / "data" / table, "DV01,", "Dagis Ö 1,")
    problems = {p.location.file: p for p in _refusal(kit / "data").problems}
    units, users = problems["data/units.csv"], problems["data/users.csv"]
    assert units.problem == "id contains spaces or symbols"
    assert "letters a–z or A–Z without å, ä, ö; digits, '-' or '_'" in units.expected
    assert units.fix.endswith("keep the readable name in the 'name' column and give the row a short id (e.g. DV01)")
    assert users.fix.endswith("use the id the units table gives in its unit_id column") and "'name'" not in users.fix


def test_a_user_id_with_a_space_is_told_the_characters_only(kit):
    _edit(kit / "data" / "users.csv", "U008,", "U 008,")
    problem = _refusal(kit / "data").problems[0]
    assert problem.fix == "use only those characters in ids (write å, ä, ö as a, a, o; no spaces)"


def test_the_id_characters_are_documented_in_the_data_dictionary_and_the_kit_readme(kit):
    from resmodel.schema_docs import data_dictionary

    assert "holds only letters a–z or A–Z without å, ä, ö, digits, '-' or '_' — no spaces" in data_dictionary()
    assert "hold only letters a–z or A–Z without å, ä, ö, digits, '-' and\n'_' — no spaces" in (
        kit / "README.md").read_text(encoding="utf-8")


# finding 4: 'Kommentar' was told to be renamed — to nothing resmodel reads


def test_a_comment_column_is_told_to_be_removed_not_renamed(kit):
    units = kit / "data" / "units.csv"
    lines = units.read_text(encoding="utf-8").splitlines()
    units.write_text("\n".join([lines[0] + ",Kommentar", *(line + ",ny 2023" for line in lines[1:])]) + "\n",
                     encoding="utf-8")
    problem = _refusal(kit / "data").problems[0]
    assert problem.location.column == "Kommentar" and "rename" not in problem.fix
    assert problem.fix.startswith("remove the column: resmodel reads no free-text or comment column here"), problem.fix


def test_a_comment_column_of_a_table_with_a_note_column_is_told_to_move_into_it(tmp_path):
    from resmodel.io.dictionary import OTHER_SERVICES

    (tmp_path / "other_services.csv").write_text(
        "service,volume_unit,volume,average_cost,source,status,Kommentar\n"
        "korttidsvistelse,persons,40,450000,F0119,illustrative,x\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(tmp_path / "other_services.csv", OTHER_SERVICES, "other_services.csv")
    assert err.value.problems[0].fix.startswith("remove the column, or move a remark into the 'note' column")


def test_a_budget_table_comment_column_gets_the_same_fix():
    from resmodel.budget.cells import check_header

    table = pd.DataFrame({"year": [2024], "area": ["lss_boende"], "frame": [1.0], "Kommentar": ["x"]})
    with pytest.raises(InputError) as err:
        check_header(table, ("year", "area", "frame"), "frames.csv", None)
    assert err.value.problems[0].fix.startswith("remove the column: resmodel reads no free-text or comment column")


def test_a_column_near_a_known_one_is_still_told_to_be_renamed(kit):
    _edit(kit / "data" / "users.csv", "weekly_hours", "weekly_hour")
    fix = _refusal(kit / "data").problems[0].fix
    assert fix.startswith("did you mean 'weekly_hours'? rename or remove the column"), fix


# finding 5: brukare.csv beside no users.csv was told 'the data folder has no users table … add the users table'


@pytest.mark.parametrize(("english", "swedish"), [("users.csv", "brukare.csv"), ("units.csv", "Enheter.csv"),
                                                  ("staff.csv", "personal.CSV"), ("premises.csv", "lokaler.csv")])
def test_a_table_under_its_swedish_name_is_told_to_be_renamed(kit, english, swedish):
    data = kit / "data"
    (data / english).rename(data / swedish)
    problem = next(p for p in _refusal(data).problems if p.location.file == f"data/{english}")
    assert problem.fix == f"found {swedish}: rename it to {english} (resmodel reads each table by this name)"


def test_a_missing_table_without_a_swedish_file_is_told_to_be_added(kit):
    (kit / "data" / "users.csv").unlink()
    assert _refusal(kit / "data").problems[0].fix == ("add the users table (see data-dictionary.md, which resmodel init "
                                                      "writes beside your README, or docs/data-dictionary.md in the "
                                                      "resmodel repository)")


# finding 6: a text cell '5,0' of a level was refused in users.xlsx while a ';' users.csv read it as 5


def test_numbers_stored_as_text_read_alike_in_a_workbook_and_a_semicolon_csv(kit):
    users = pd.read_csv(kit / "data" / "users.csv", dtype=str, keep_default_na=False)
    users.loc[0, "level"], users.loc[1, "weekly_hours"] = "5,0", "32,5"
    users.loc[8, "day_price"] = "4 500,50"
    workbook, semicolon = kit / "users.xlsx", kit / "users.csv"
    users.to_excel(workbook, index=False)  # text cells: a number Swedish Excel keeps as text
    users.to_csv(semicolon, sep=";", index=False)
    from_excel = read_table(workbook, USERS, "users.xlsx")
    pd.testing.assert_frame_equal(from_excel, read_table(semicolon, USERS, "users.csv"))
    assert (from_excel.at[2, "level"], from_excel.at[3, "weekly_hours"], from_excel.at[10, "day_price"]) == (
        5, 32.5, 4500.5)


def test_a_half_level_stored_as_text_in_a_workbook_is_refused_as_in_a_csv(kit):
    users = pd.read_csv(kit / "data" / "users.csv", dtype=str, keep_default_na=False)
    users.loc[0, "level"] = "4,5"
    users.to_excel(kit / "users.xlsx", index=False)
    with pytest.raises(InputError) as err:
        read_table(kit / "users.xlsx", USERS, "users.xlsx")
    assert err.value.problems[0].problem == "'4,5' is not a whole number"


# finding 7: the kit README pointed to 'the resmodel repository's docs/data-dictionary.md', which a board lacks


def test_the_kit_holds_the_data_dictionary_its_readme_points_to(kit):
    from resmodel.schema_docs import data_dictionary

    copy = (kit / "data-dictionary.md").read_text(encoding="utf-8")
    generated = data_dictionary()
    assert generated == (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    title, _, rest = generated.partition("\n")  # the kit's copy says under its title where the docs/ pages are
    assert copy.startswith(f"{title}\n\nThe `docs/…` pages named below are in the resmodel repository's docs/ folder")
    assert copy.endswith(rest) and len(copy.splitlines()) == len(generated.splitlines()) + 2
    readme = (kit / "README.md").read_text(encoding="utf-8")
    assert "`data-dictionary.md`, beside this README" in readme and "repository's docs/data-dictionary.md" not in readme


# finding 8: an identity number in a note on a second sheet was told 'replace the value with a pseudonymous id'


def _workbook_with(path: Path, notes: pd.DataFrame, sheet: str = "Anteckningar") -> None:
    """users.xlsx: the kit's users on the first sheet, ``notes`` on a second."""
    with pd.ExcelWriter(path) as writer:
        pd.read_csv(path.parent / "users.csv", dtype=str, keep_default_na=False).to_excel(
            writer, sheet_name="users", index=False)
        notes.to_excel(writer, sheet_name=sheet, index=False)
    (path.parent / "users.csv").unlink()


@pytest.mark.parametrize("value", ["ring anhörig, pnr 19121212-1212", 191212121212])
def test_an_identity_number_in_a_note_sheet_is_told_to_be_removed(kit, value):
    from resmodel.errors import PersonalDataError

    _workbook_with(kit / "data" / "users.xlsx", pd.DataFrame({"anteckning": [value]}))
    with pytest.raises(PersonalDataError) as err:
        read_municipality(kit / "data", "data", BASE_DATE)
    problem = err.value.problems[0]
    assert problem.location.file == "data/users.xlsx, sheet 'Anteckningar'" and problem.location.row == 2
    assert problem.fix.startswith("remove the number from the sheet, or delete the sheet if it is a note")
    assert "pseudonymous id" not in problem.fix and "1212" not in str(err.value)


def test_an_identity_number_as_a_sheet_name_is_told_to_rename_the_sheet(kit):
    from resmodel.errors import PersonalDataError

    _workbook_with(kit / "data" / "users.xlsx", pd.DataFrame({"x": [1]}), sheet="19121212-1212")
    with pytest.raises(PersonalDataError) as err:
        read_municipality(kit / "data", "data", BASE_DATE)
    assert err.value.problems[0].fix == "rename the sheet" and "1212" not in str(err.value)


# re-walk finding 1: a day price in tkr ('4,5' for 4 500 SEK) cost an external place 1 647 SEK a year without a word


@pytest.mark.parametrize(("price", "told"), [
    ("4.5", "4.5 tkr is 4 500 SEK a day; correct the cell"),
    ("120", "very low for a day of a bought place: correct the cell"),  # 120 tkr would be no day price either
])
def test_a_day_price_under_the_floor_is_warned_with_the_tkr_reading_where_it_fits(kit, price, told):
    _edit(kit / "data" / "users.csv", "EXT,,,4500,", f"EXT,,,{price},")
    (found,) = _warnings(kit / "data", "day_price_implausible")
    assert (found.location.row, found.location.column, found.units) == (10, "day_price", ("EXT",))
    assert f"an external place at {price} SEK a day (under 500 a day" in found.message and told in found.message
    assert ("tkr" in found.message) == (price == "4.5")


def test_the_kit_and_the_demo_day_prices_are_not_warned(kit, demo_result):
    assert _warnings(kit / "data", "day_price_implausible") == []
    assert [w for w in demo_result.warnings if w.check == "day_price_implausible"] == []


# re-walk finding 2: weekly_hours as percent of full time under a plain header gave one 'typing mistake' per user


def test_daily_activity_hours_mostly_above_a_week_are_told_to_be_percent_of_full_time(kit):
    users = kit / "data" / "users.csv"
    for hours, percent in (("2,30", "2,75"), ("4,25", "4,62.5"), ("6,35", "6,100")):
        _edit(users, f",{hours},,", f",{percent},,")
    (found,) = _warnings(kit / "data", "weekly_hours_implausible")
    assert (found.location.row, found.location.column, found.units) == (2, "weekly_hours", ("DV01", "DV02"))
    assert found.message.startswith("3 of the 4 daglig_verksamhet users have more weekly_hours than a working week "
                                    "(40 h), median 75: percent of full time? 75 % is 30 hours of a 40-hour week: "
                                    "if the whole column is percent, multiply it by 0.4"), found.message


def test_a_single_daily_activity_user_above_a_week_is_still_warned_at_its_row(kit):
    _edit(kit / "data" / "users.csv", ",2,30,,", ",2,75,,")
    (found,) = _warnings(kit / "data", "weekly_hours_implausible")
    assert found.location.row == 2 and found.message.startswith("a daily-activity user with 75 hours a week")
    assert "percent of full time" not in found.message


# re-walk finding 4: a genuinely cheap rent was asked 'written in tkr? 54,000 tkr is 54,000,000' (900 000 SEK a place)


@pytest.mark.parametrize(("cell", "told", "not_told"), [
    ("60,54000", "very low for premises: check the rent and the places; correct the cell", "tkr"),
    ("20,600", "written in tkr? amounts are in SEK: 600 tkr is 600 000; correct the cell", "very low"),
])
def test_a_low_rent_is_read_as_tkr_only_where_that_is_a_rent_a_place_may_have(kit, cell, told, not_told):
    _edit(kit / "data" / "premises.csv", "L-DV1,dv_lokal,20,600000,", f"L-DV1,dv_lokal,{cell},")
    (found,) = _warnings(kit / "data", "rent_implausible")
    assert (found.location.row, found.location.column, found.units) == (2, "annual_rent", ("DV01", "DV02"))
    assert told in found.message and not_told not in found.message, found.message


# re-walk finding 6: messages sent a board with the installed package to docs/data-dictionary.md, which it lacks


def test_messages_name_the_kits_data_dictionary_the_same_way(kit):
    from resmodel.io.tables import SEE_DATA_DICTIONARY

    _edit(kit / "data" / "users.csv", "U008,bostad_barn,", "U008,bostad_bar,")
    (kit / "data" / "premises.csv").write_text("\n", encoding="utf-8")
    fixes = [p.fix for p in _refusal(kit / "data").problems]
    assert len(fixes) == 2 and all(f"({SEE_DATA_DICTIONARY})" in fix for fix in fixes), fixes
    assert SEE_DATA_DICTIONARY.startswith("see data-dictionary.md, which resmodel init writes beside your README")
    assert (kit / "data-dictionary.md").is_file()


# re-walk finding 6: `project` could not be reached from the kit's own files (no projection block, no frame)


def test_the_kits_commented_projection_block_runs_project_once_uncommented(kit, tmp_path):
    import re

    import yaml

    from resmodel.cli import app
    from tests.clirun import invoke

    scenario = kit / "scenarios" / "base.yaml"
    text = scenario.read_text(encoding="utf-8")
    assert "projection" not in yaml.safe_load(text)  # commented out: init, validate and run are as before
    assert "\n# projection:\n" in text and (kit / "data" / "frame.yaml").is_file()
    scenario.write_text(re.sub(r"(?m)^# (?=projection:|  )", "", text), encoding="utf-8")
    code, out, err = invoke(app, "project", scenario, "--out", tmp_path / "p")
    assert code == 0, err
    assert re.search(r"(?m)^\s+2029\s+[\d.]+\s+0\.0\s", out), out  # five years, the frame's 0s as given


# re-walk finding 7: roster_implausible blamed a housing unit's users' weekly_hours, which housing users lack


@pytest.mark.parametrize(("old", "new", "unit", "hours"), [
    ("DV01,omsorgspedagog,0.25", "DV01,omsorgspedagog,15", "DV01", True),
    ("SB01,stodassistent,3.0", "SB01,stodassistent,30", "SB01", False),
])
def test_a_roster_far_above_its_need_names_weekly_hours_only_where_the_users_have_them(kit, old, new, unit, hours):
    from resmodel.run import load, run

    _edit(kit / "data" / "staff.csv", old, new)
    (found,) = [w for w in run(load(kit / "scenarios" / "base.yaml")).warnings if w.check == "roster_implausible"]
    assert found.units == (unit,) and "Or the need too low: " in found.message
    assert ("weekly_hours" in found.message) == hours, found.message
    assert "a level table or hours the scenario changed" in found.message


def test_an_unknown_columns_fix_speaks_to_the_board_not_of_bugs(kit):
    _edit(kit / "data" / "users.csv", "weekly_hours", "weekly_hour")
    fix = _refusal(kit / "data").problems[0].fix
    assert fix == "did you mean 'weekly_hours'? rename or remove the column", fix


def test_the_data_dictionary_states_the_day_price_bounds_the_warning_uses():
    from resmodel.io.municipality import MAX_DAY_PRICE, MIN_DAY_PRICE

    said = f"under {MIN_DAY_PRICE:,} or above {MAX_DAY_PRICE:,} a day is warned".replace(",", " ")
    assert said in USERS.column("day_price").description
