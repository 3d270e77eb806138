"""Data-steward onboarding walk (her own municipality on the starter kit): the console's warnings most serious
first and grouped, PO and annual leave shipped as template values, premises of the wrong kind, a missing
level_assessed column, advice for a dated share, identity numbers in free text, assessments after the base
year, and template values in `resmodel params`."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from resmodel.cli import app
from resmodel.errors import PersonalDataError
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


def test_params_marks_the_values_still_template(kit):
    """Finding 14: the Parametrar sheet marked template values, `resmodel params` did not."""
    code, out, _ = invoke(app, "params", kit / "scenarios" / "base.yaml", "--grep", "working_time")
    marked = [line.split(" = ")[0] for line in out.splitlines() if "[template: true" in line]
    assert code == 0 and marked == ["working_time.annual_leave_days", "working_time.sick_leave_rate",
                                    "working_time.training_days"], out
    code, out, _ = invoke(app, "params", ROOT / "scenarios" / "base.yaml", "--grep", "working_time")
    assert code == 0 and "working_time.sick_leave_rate" in out and "template" not in out  # the demo's own


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


def test_an_identity_number_in_a_name_is_to_be_removed_not_replaced_by_an_id(tmp_path):
    """Finding 10: a pnr in a name or notes cell was told 'replace the value with a pseudonymous id'."""
    data = valid_data_with(tmp_path, "units", "GB01,Gruppbostad 1,", "GB01,Gruppbostad 1 (kontakt 8112289874),")
    with pytest.raises(PersonalDataError) as err:
        read_municipality(data, "data", dt.date(2024, 7, 1))
    problem = err.value.problems[0]
    assert (problem.location.row, problem.location.column) == (4, "name")
    assert problem.fix.startswith("remove the number from the text, or clear the value") and "pseudonymous" not in problem.fix
    assert "8112289874" not in str(err.value)


def test_an_identity_number_as_an_id_is_still_to_be_replaced_by_a_pseudonymous_one(tmp_path):
    data = valid_data_with(tmp_path, "users", "U005,", "19121212-1212,")
    with pytest.raises(PersonalDataError) as err:
        read_municipality(data, "data", dt.date(2024, 7, 1))
    assert err.value.problems[0].fix.startswith("replace the value with a pseudonymous id")
