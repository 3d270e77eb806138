"""Bad input found by a second fuzzing review (tests/h5): messages that did not locate or explain the problem, and one
silent slip (an area's frame in tkr projected as a 320 MSEK overspend with exit 0). Each is now a located error that
says what was meant."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import app as api
from resmodel.cli import app
from tests.clirun import invoke
from tests.conftest import ROOT, projection_scenario

DEMO = ROOT / "data" / "demokommun"


def _data(tmp_path: Path) -> Path:
    """A copy of the demo data to edit."""
    data = tmp_path / "data"
    shutil.copytree(DEMO, data)
    return data


def _edit(path: Path, old: str, new: str) -> None:
    """Replace one piece of a file's text (it must be there: a test that edits nothing tests nothing)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


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


def test_a_named_leaf_with_value_for_values_is_one_problem(tmp_path):
    text = "po_rate:\n  description: PO\n  unit: share of wages\n  reference: SKR\n  value:\n    2024-01-01: 0.45\n"
    (problem,) = _tree_problems(tmp_path, "rates.yaml", text)
    assert str(problem.location) == "parameters/payroll/rates.yaml, line 5, at 'po_rate.value'"
    assert problem.problem == "parameter 'payroll.rates.po_rate' is missing 'values' (it has 'value')"
