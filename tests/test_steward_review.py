"""Data-steward onboarding walk (her own municipality on the starter kit): the console's warnings most serious
first and grouped, PO and annual leave shipped as template values, premises of the wrong kind, a missing
level_assessed column, advice for a dated share, identity numbers in free text, assessments after the base
year, and template values in `resmodel params`."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from resmodel.cli import app
from resmodel.errors import InputError, PersonalDataError
from resmodel.io.municipality import read_municipality
from resmodel.io.parameters import load_tree, national_parameter_root
from resmodel.run import load
from tests.clirun import invoke
from tests.conftest import ROOT
from tests.csvedit import VALID_DATA, valid_data_with


@pytest.fixture()
def kit(tmp_path) -> Path:
    assert invoke(app, "init", tmp_path / "kit")[0] == 0
    return tmp_path / "kit"


def _valid_board(tmp_path: Path, table: str | None = None, old: str = "", new: str = "") -> Path:
    """The tiny valid board in tmp_path, ``old`` replaced by ``new`` in ``table``.csv; its scenario's path."""
    if table is None:
        shutil.copytree(VALID_DATA, tmp_path / "data")
    else:
        valid_data_with(tmp_path, table, old, new)
    shutil.copy(VALID_DATA.parent / "base.yaml", tmp_path / "base.yaml")
    return tmp_path / "base.yaml"


def _warning_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning: ")]


def test_run_prints_the_serious_warnings_first_and_many_of_a_kind_as_one_line(kit):
    """Finding 1: 74 stale assessments filled the ten lines run printed; the roster in percent and the 20 template
    files were '… and 83 more'. Now: roster, the template summary project prints, then one stale line."""
    staff = kit / "data" / "staff.csv"
    staff.write_text(staff.read_text().replace("DV01,omsorgspedagog,0.25", "DV01,omsorgspedagog,15"))
    users = kit / "data" / "users.csv"
    users.write_text(re.sub(r",20\d\d-\d\d-\d\d\n", ",2019-01-01\n", users.read_text()))  # 8 level users: stale
    code, _, err = invoke(app, "run", kit / "scenarios" / "base.yaml", "--out", kit / "out")
    assert code == 0, err
    lines = _warning_lines(err)
    assert len(lines) == 3, err
    assert lines[0].startswith("warning: [roster_implausible] ") and "staff.csv, row 2, column 'fte': unit 'DV01'" \
        in lines[0]
    assert lines[1].startswith("warning: [template_parameter] 24 parameter file(s) are marked as the demo "
                               "municipality's values (template: true)")
    assert "data/parameters/payroll/po_rate.yaml" in lines[1] and "delete its 'template: true' line" in lines[1]
    assert lines[2].startswith("warning: [stale_level_assessment] 8 warnings; the first at ")
    assert "users.csv, row 2, column 'level_assessed': no level assessment within 730 days" in lines[2]
    assert "the others at row 3 (DV01), row 4 (DV02), row 5 (DV02), row 6 (GB01) and 3 more — every one in the workbook's sheet 'Varningar'" \
        in lines[2]
    kept = pd.read_excel(kit / "out" / "resmodel_base.xlsx", sheet_name="Varningar")
    assert len(kept) == 1 + 24 + 8  # the workbook and the manifest keep every warning
    assert json.loads((kit / "out" / "manifest.json").read_text())["warnings"] == 33


def test_validate_orders_and_groups_as_run_does(kit):
    users = kit / "data" / "users.csv"
    users.write_text(re.sub(r",20\d\d-\d\d-\d\d\n", ",2019-01-01\n", users.read_text()))
    code, _, err = invoke(app, "validate", kit / "scenarios" / "base.yaml")
    lines = _warning_lines(err)
    assert code == 0 and [line.split("]")[0] for line in lines] == ["warning: [template_parameter",
                                                                     "warning: [stale_level_assessment"], err
    assert "every one in `resmodel run`'s workbook, sheet 'Varningar'" in lines[1]


def test_the_demo_still_prints_its_three_capacity_warnings_in_full():
    """README: 'The base run prints three capacity_exceeded warnings' — a check with three is not grouped, and the
    demo has no unit in premises of another kind."""
    code, _, err = invoke(app, "validate", ROOT / "scenarios" / "base.yaml")
    lines = _warning_lines(err)
    assert code == 0 and len(lines) == 3, err
    assert all(line.startswith("warning: [capacity_exceeded] data/demokommun/premises.csv, at 'L-DV0")
               for line in lines)


def test_the_kit_ships_payroll_overhead_and_annual_leave_as_template_values(kit):
    """Finding 2: PO (one board's 2024 ledger ratio) and 25 leave days (the legal minimum) came unflagged from the
    national files, and the kit's README called PO a national figure."""
    national = load_tree(national_parameter_root()).parameters
    local = load_tree(kit / "data" / "parameters", "data/parameters", known=national).parameters
    for path in ("payroll.po_rate", "working_time.annual_leave_days"):
        assert local[path].template_line is not None, path
        assert (local[path].values, local[path].unit, local[path].reference) == \
               (national[path].values, national[path].unit, national[path].reference), path  # figures unchanged
    code, _, err = invoke(app, "validate", kit / "scenarios" / "base.yaml")
    assert code == 0 and "data/parameters/payroll/po_rate.yaml" in err
    readme = (kit / "README.md").read_text(encoding="utf-8")
    assert "National figures (payroll overhead" not in readme and "`payroll/po_rate.yaml`" in readme


def test_a_board_without_its_own_po_and_leave_days_is_told_the_bundled_ones_are_not_its(kit):
    """A board made before the kit shipped PO and leave days (or that deleted its copies) ran on one board's ledger PO
    and the legal minimum leave without a word; now the bundled leaves warn, and say to add the board's own file."""
    (kit / "data" / "parameters" / "payroll" / "po_rate.yaml").unlink()
    wt = kit / "data" / "parameters" / "working_time.yaml"
    wt.write_text(wt.read_text(encoding="utf-8").split("annual_leave_days:\n")[0], encoding="utf-8")
    code, _, err = invoke(app, "run", kit / "scenarios" / "base.yaml", "--out", kit / "out")
    assert code == 0, err
    line = next(line for line in _warning_lines(err) if "your parameters folder does not set" in line)
    assert "payroll/po_rate.yaml, working_time.yaml" in line and "delete its 'template: true'" not in line, line
    bundled = [w for w in load(kit / "scenarios" / "base.yaml").warnings if w.check == "template_parameter"
               and str(w.location.file).startswith("resmodel/parameters/")]
    assert [w.location.file for w in bundled] == ["resmodel/parameters/payroll/po_rate.yaml",
                                                  "resmodel/parameters/working_time.yaml"]
    assert "add it as payroll/po_rate.yaml in your parameters folder" in bundled[0].message
    assert "for working_time.annual_leave_days," in bundled[1].message
    code, _, err = invoke(app, "run", ROOT / "scenarios" / "base.yaml", "--out", kit / "demo_out")
    assert code == 0 and "template_parameter" not in err  # the demo sets both itself


def test_a_board_file_with_the_retired_holiday_pay_leaf_is_told_what_replaced_it(kit):
    """A board's staff_cost.yaml from before holiday pay followed the leave days names the old leaf: refused at its
    line with the new leaf's name and rate, not only 'not read by resmodel'."""
    file = kit / "data" / "parameters" / "staff_cost.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("holiday_pay_per_leave_day:", "holiday_pay_supplement:"),
                    encoding="utf-8")
    code, _, err = invoke(app, "validate", kit / "scenarios" / "base.yaml")
    assert code == 2 and "data/parameters/staff_cost.yaml, line 1" in err, err
    assert "'staff_cost.holiday_pay_supplement' is not read by resmodel" in err
    assert "replace the leaf by 'holiday_pay_per_leave_day' with 0.00605" in err, err


def test_params_marks_the_values_still_template(kit):
    """Finding 14: the Parametrar sheet marked template values, `resmodel params` did not."""
    code, out, _ = invoke(app, "params", kit / "scenarios" / "base.yaml", "--grep", "working_time")
    marked = [line.split(" = ")[0] for line in out.splitlines() if "[template: true" in line]
    assert code == 0 and marked == ["working_time.annual_leave_days", "working_time.sick_leave_rate",
                                    "working_time.training_days"], out
    code, out, _ = invoke(app, "params", ROOT / "scenarios" / "base.yaml", "--grep", "working_time")
    assert code == 0 and "working_time.sick_leave_rate" in out and "template" not in out  # the demo's own


@pytest.mark.parametrize("table, old, new, row, said", [
    ("units", "DV02,Daglig verksamhet 2,daglig_verksamhet,egen,DV sektion,L-DV1,",
     "DV02,Daglig verksamhet 2,daglig_verksamhet,egen,DV sektion,L-GB1,", 3,
     "a daglig_verksamhet unit in premises 'L-GB1' of kind 'gruppbostad' (expected kind 'dv_lokal')"),
    ("units", "SB01,Servicebostad 1,bostad_vuxna,egen,Bostad sektion,L-SB1,servicebostad,",
     "SB01,Servicebostad 1,bostad_vuxna,egen,Bostad sektion,L-SB1,gruppbostad,", 5,
     "a bostad_vuxna unit with housing_type 'gruppbostad' in premises 'L-SB1' of kind 'servicebostad'"),
])
def test_a_unit_in_premises_of_another_kind_is_warned(tmp_path, table, old, new, row, said):
    """Finding 4: premises' kind was read nowhere: DV01 in a group home's premises validated ok."""
    loaded = load(_valid_board(tmp_path, table, old, new))
    found = [w for w in loaded.warnings if w.check == "premises_kind_mismatch"]
    assert len(found) == 1 and (found[0].location.row, found[0].location.column) == (row, "premises_id")
    assert said in found[0].message


def test_the_valid_board_has_no_premises_of_another_kind(tmp_path):
    assert not [w for w in load(_valid_board(tmp_path)).warnings if w.check == "premises_kind_mismatch"]


def test_a_missing_level_assessed_column_is_one_warning(tmp_path):
    """Finding 7: without the optional column, 440 identical 'the cell is empty' lines."""
    path = _valid_board(tmp_path)
    users = tmp_path / "data" / "users.csv"
    pd.read_csv(users, dtype=str, keep_default_na=False).drop(columns="level_assessed").to_csv(users, index=False)
    stale = [w for w in load(path).warnings if w.check == "stale_level_assessment"]
    assert len(stale) == 1 and (stale[0].location.row, stale[0].location.column) == (None, "level_assessed")
    assert "no user has a level assessment date" in stale[0].message and "the 8 daily-activity and housing" \
        in stale[0].message


def test_one_empty_assessment_cell_is_still_warned_at_its_row(tmp_path):
    path = _valid_board(tmp_path, "users", "2024-01-15\n", "\n")
    stale = [w for w in load(path).warnings if w.check == "stale_level_assessment"]
    assert [(w.location.row, "the cell is empty" in w.message) for w in stale] == [(2, True)]


def test_a_dated_share_is_not_told_to_use_wage_or_price_growth(tmp_path):
    """Finding 8: indirect_share changed from 2025 was told indices.wage_growth/price_growth, which grow money."""
    from resmodel.projection_run import dated_changes_not_projected

    base = _valid_board(tmp_path)
    child = tmp_path / "plan.yaml"
    child.write_text("name: plan\npurpose: t\nextends: base.yaml\nparameters:\n  daglig_verksamhet.indirect_share:\n"
                     "    - {value: 0.10, from: 2025-01-01, reason: ny planeringsmodell}\n"
                     "  salaries.stodassistent: [{value: 34000, from: 2026-01-01, reason: lönesatsning}]\n")
    assert base.exists()
    found = {w.message.split(" ")[0]: w.message for w in dated_changes_not_projected(load(child), 2030)}
    share = found["daglig_verksamhet.indirect_share"]
    assert "wage_growth" not in share and "price_growth" not in share
    assert "(share of direct hours) is not money" in share and "projection block's adjustments" in share
    assert "indices.wage_growth (salaries)" in found["salaries.stodassistent"]  # money keeps its index advice


def _first_problem(data: Path, error: type[InputError]):
    """The first problem of reading ``data`` at the base date 2024-07-01, which must raise ``error``; and the whole
    message."""
    with pytest.raises(error) as err:
        read_municipality(data, "data", dt.date(2024, 7, 1))
    return err.value.problems[0], str(err.value)


def test_an_identity_number_in_a_name_is_to_be_removed_not_replaced_by_an_id(tmp_path):
    """Finding 10: a pnr in a name or notes cell was told 'replace the value with a pseudonymous id'."""
    data = valid_data_with(tmp_path, "units", "GB01,Gruppbostad 1,", "GB01,Gruppbostad 1 (kontakt 8112289874),")
    problem, err = _first_problem(data, PersonalDataError)
    assert (problem.location.row, problem.location.column) == (4, "name")
    assert problem.fix.startswith("remove the number from the text, or clear the value") and "pseudonymous" not in problem.fix
    assert "8112289874" not in err


def test_an_identity_number_as_an_id_is_still_to_be_replaced_by_a_pseudonymous_one(tmp_path):
    data = valid_data_with(tmp_path, "users", "U005,", "19121212-1212,")
    with pytest.raises(PersonalDataError) as err:
        read_municipality(data, "data", dt.date(2024, 7, 1))
    assert err.value.problems[0].fix.startswith("replace the value with a pseudonymous id")


def test_a_level_assessed_after_the_base_year_is_refused_as_a_start_date_is(tmp_path):
    """Finding 12: level_assessed 2025-03-01 with base date 2024-07-01 passed silently (and so never stale)."""
    data = valid_data_with(tmp_path, "users", "2024-01-15\n", "2025-03-01\n")
    problem, _ = _first_problem(data, InputError)
    assert (problem.location.row, problem.location.column) == (2, "level_assessed")
    assert "level assessment date 2025-03-01 is after the base year 2024" in problem.problem
    assert "on or before 2024-12-31" in problem.expected


def test_a_level_assessed_later_in_the_base_year_passes(tmp_path):
    data = valid_data_with(tmp_path, "users", "2024-01-15\n", "2024-10-01\n")
    assert len(read_municipality(data, "data", dt.date(2024, 7, 1)).users) == 12


def test_warnings_whose_locations_do_not_tell_them_apart_are_each_printed():
    """Second diff review: the tariff scenario's six tariff_missing_price warnings all name the tariff file, and the
    grouped line hid five of them (the largest gap, gruppbostad level 8 with 12 residents, among them); a path-only
    location read 'the others at at 'L-DV040''."""
    from resmodel.cli import warning_lines
    from resmodel.errors import Location, Warning_

    code, _, err = invoke(app, "validate", ROOT / "scenarios" / "tariff_stockholm.yaml")
    tariff = [line for line in _warning_lines(err) if "[tariff_missing_price]" in line]
    assert code == 0 and len(tariff) == 6 and any("gruppbostad level 8 (12 residents)" in line for line in tariff)
    many = [Warning_("capacity_exceeded", Location(file="premises.csv", path=f"L-{n}"), f"premises {n} is full")
            for n in range(5)]
    [line] = warning_lines(many, None, "in the workbook")
    assert "the others at 'L-1', 'L-2'" in line and "at at" not in line


def test_holiday_pay_per_leave_day_typed_as_the_agreements_percent_is_refused(kit, tmp_path):
    """AB writes '0,605 %'; typed 0.605 the supplement was 126 % of salary and the board's cost doubled with exit 0
    (diff review). The leaf's unit has its own range, and the hint says it looks like a percentage; a scenario
    naming the old leaf is told what replaced it, as a parameter file is."""
    file = kit / "data" / "parameters" / "staff_cost.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("2020-01-01: 0.00605", "2020-01-01: 0.605"),
                    encoding="utf-8")
    code, _, err = invoke(app, "validate", kit / "scenarios" / "base.yaml")
    assert code == 2 and "staff_cost.yaml, line" in err and "is above 0.01" in err, err
    assert "0.605 looks like a percentage: write 0.00605" in err
    scenario = tmp_path / "old.yaml"
    scenario.write_text(f"name: old\npurpose: old leaf\nextends: {ROOT / 'scenarios' / 'base.yaml'}\nparameters:\n"
                        "  staff_cost.holiday_pay_supplement: 0.0155\n", encoding="utf-8")
    code, _, err = invoke(app, "validate", scenario)
    assert code == 2 and "unknown parameter 'staff_cost.holiday_pay_supplement'" in err
    assert "replace the leaf by 'holiday_pay_per_leave_day' with 0.00605" in err, err
