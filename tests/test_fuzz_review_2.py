"""Bad input found by a second fuzzing review (tests/h5): messages that did not locate or explain the problem, and one
silent slip (an area's frame in tkr projected as a 320 MSEK overspend with exit 0). Each is now a located error that
says what was meant."""

from __future__ import annotations

import shutil
from pathlib import Path

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
