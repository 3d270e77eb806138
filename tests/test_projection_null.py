"""`projection: null` in a child scenario lifts the projection block it inherits, and `run` says so when the
block is what it refuses: a section manager's scenario on a copied data folder of the four tables (section
manager walk: refused for the volume history only `project` reads, and `projection: null` was ignored)."""

from __future__ import annotations

import shutil
from pathlib import Path

from resmodel.io.scenario import read_chain
from resmodel.scenario.projection import resolve

from .clirun import run_main

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demokommun"


def _own_data(tmp_path: Path) -> Path:
    """A data folder with the four tables a run reads and the parameters — no volume history, no frame."""
    data = tmp_path / "data_min"
    data.mkdir()
    for table in ("premises", "units", "users", "staff"):
        shutil.copy(DEMO / f"{table}.csv", data / f"{table}.csv")
    shutil.copytree(DEMO / "parameters", data / "parameters")
    return data


def _child(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(f"name: mine\npurpose: my users after the autumn's changes\nextends: {ROOT / 'scenarios' / 'base.yaml'}\n"
                    f"data: {_own_data(tmp_path)}\n" + extra)
    return path


def test_run_refuses_the_inherited_block_and_says_how_to_lift_it(tmp_path, monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "run", _child(tmp_path), "--out", tmp_path / "out")
    assert code == 2 and not (tmp_path / "out").exists()
    assert "no volume history for the projection" in err
    assert "run computes no projection" in err and "'projection: null' in this file" in err


def test_projection_null_runs_the_allocation_without_the_parent_block(tmp_path, monkeypatch, capsys):
    path = _child(tmp_path, "projection: null\n")
    assert resolve(read_chain(path)) is None
    code, out, _ = run_main(monkeypatch, capsys, "run", path, "--out", tmp_path / "out")
    assert code == 0 and (tmp_path / "out" / "enheter.csv").exists()
    code, _, err = run_main(monkeypatch, capsys, "project", path, "--out", tmp_path / "proj")
    assert code == 2 and "mine.yaml, line 5" in err and "'projection: null' lifts" in err


def test_a_block_after_the_null_is_the_projection_alone(tmp_path):
    """A grandchild's block after a child's null is merged from nothing: the root's keys are not inherited."""
    child = _child(tmp_path, "projection: null\n")
    grandchild = tmp_path / "again.yaml"
    grandchild.write_text(f"name: again\npurpose: a short projection\nextends: {child.name}\n"
                          "projection:\n  horizon_years: 3\n")
    resolved = resolve(read_chain(grandchild))
    assert resolved.settings.horizon_years == 3 and set(resolved.set_by) == {"horizon_years"}
    assert resolved.settings.frame is None  # base.yaml's frame was lifted with its block
    assert len(resolved.chain) == 1


def test_compare_with_a_scenario_without_projection_gives_the_units_alone(tmp_path, monkeypatch, capsys):
    """Re-walk: with the four tables and 'projection: null', compare refused, so a section manager had no per-unit
    before/after; now it writes each unit's base-year measures — hours among them — and says what it leaves out."""
    import pandas as pd

    path = _child(tmp_path, "projection: null\n")
    users = pd.read_csv(tmp_path / "data_min" / "users.csv", dtype=str, keep_default_na=False)
    row = users.index[users["unit_id"] == "DV002"][0]
    users.loc[row, "level"] = str(int(users.loc[row, "level"]) + 2)
    users.to_csv(tmp_path / "data_min" / "users.csv", index=False)
    out = tmp_path / "cmp"
    code, stdout, err = run_main(monkeypatch, capsys, "compare", ROOT / "scenarios" / "base.yaml", path, "--out", out,
                                 "--year", 2099)
    assert code == 0 and "the base-year units only" in err
    assert "--year not used (they choose the projection's tables)" in err  # code review: options were ignored unsaid
    assert sorted(p.name for p in out.iterdir()) == ["jamforelse.xlsx", "jamforelse_enheter.csv", "manifest.json"]
    units = pd.read_csv(out / "jamforelse_enheter.csv")
    moved = units[units["difference"].abs() > 1e-6]
    assert set(moved["unit_id"]) == {"DV002"}
    assert {"direct_hours", "total_hours", "allocation"} <= set(moved["measure"])
    assert "1 of 165 units change" in stdout
