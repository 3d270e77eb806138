"""shift-plan (CLI and API) carries the scenario's parameter slips, as run, project, compare and plan-premises do:
its yearly FTE rest on the working time and staff ratios a slip moves (API parity review finding 3: a level-8
ratio of 13.9 for 1.39 planned shifts without a word)."""

from __future__ import annotations

import json
from pathlib import Path

from .clirun import run_main

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demokommun"


def _slipped(tmp_path: Path) -> Path:
    path = tmp_path / "slip.yaml"
    path.write_text(f"name: slip\npurpose: a sick leave of 6 % typed 0.0006\n"
                    f"extends: {ROOT / 'scenarios' / 'base.yaml'}\nparameters:\n  working_time.sick_leave_rate: 0.0006\n")
    return path


def test_the_cli_prints_and_records_the_slip(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    code, _, err = run_main(monkeypatch, capsys, "shift-plan", "--unit", "DV001", "--attendance",
                            DEMO / "attendance_DV001.csv", "--scenario", _slipped(tmp_path), "--out", out)
    assert code == 0 and "warning: [implausible_change]" in err and "sick_leave_rate" in err
    assert any("implausible_change" in w for w in json.loads((out / "manifest.json").read_text())["warnings"])


def test_the_api_answers_the_slip_first(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from api.main import app

    from .test_api_shift_plans import ATTENDANCE

    _slipped(tmp_path)
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(tmp_path))
    answer = TestClient(app).post("/shift-plans", json={"scenario": "slip", "unit_ids": ["DV001"],
                                                       "attendance": ATTENDANCE})
    assert answer.status_code == 200, answer.text
    assert answer.json()["warnings"][0].startswith("[implausible_change]")
