"""POST /comparisons of scenarios of which one has no projection block (none, or one lifted by 'projection: null')
answers as `resmodel compare` does: each unit's base-year measures — jamforelse_enheter.csv's rows and values, at
full precision — the warnings the CLI prints, and a note that the comparison is units-only (API parity: the API
refused such scenarios with a 422 while the CLI compared their units)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.main import app
from resmodel.io.writers import write_csv
from tests.clirun import run_main
from tests.conftest import BASE, ROOT

c = TestClient(app)
#: daily activity's level-8 staff ratio typed as 13.9 for 1.39: a parameter slip both must warn of
SLIP = ("parameters:\n  daglig_verksamhet.staff_ratio:\n    - value: {1: 0.14, 2: 0.20, 3: 0.29, 4: 0.38, 5: 0.49, "
        "6: 0.64, 7: 0.99, 8: 13.9}\n      from: 2024-01-01\n      reason: slip\n")


def _four_tables(project: Path) -> Path:
    """A data folder of the four tables a run reads and the parameters, with one DV002 user two levels up."""
    data = project / "data_min"
    data.mkdir()
    for table in ("premises", "units", "users", "staff"):
        shutil.copy(ROOT / "data" / "demokommun" / f"{table}.csv", data / f"{table}.csv")
    shutil.copytree(ROOT / "data" / "demokommun" / "parameters", data / "parameters")
    users = pd.read_csv(data / "users.csv", dtype=str, keep_default_na=False)
    row = users.index[users["unit_id"] == "DV002"][0]
    users.loc[row, "level"] = str(int(users.loc[row, "level"]) + 2)
    users.to_csv(data / "users.csv", index=False)
    return data


@pytest.fixture()
def folder(monkeypatch, tmp_path) -> Path:
    """A project: its scenario folder (the API's) holds the demo's base, 'mine' (the four tables, 'projection: null'
    and a parameter slip) and 'plain' (the four tables, no projection block at all); the working folder is the
    project, so the CLI's paths and the API's read alike."""
    data = _four_tables(tmp_path)
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "base.yaml").write_text(f"name: base\npurpose: the demo\nextends: {BASE}\n", encoding="utf-8")
    (folder / "mine.yaml").write_text(f"name: mine\npurpose: my users after the autumn\nextends: base.yaml\n"
                                      f"data: {data}\nprojection: null\n{SLIP}", encoding="utf-8")
    (folder / "plain.yaml").write_text(f"name: plain\npurpose: the four tables\ndata: {data}\n"
                                       "base_date: 2024-07-01\nseed: 1\n", encoding="utf-8")
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(folder))
    monkeypatch.chdir(tmp_path)
    return folder


def test_units_only_answer_is_the_clis_csv_warnings_and_manifest(folder, monkeypatch, capsys, tmp_path):
    code, _, err = run_main(monkeypatch, capsys, "compare", folder / "base.yaml", folder / "mine.yaml",
                            "--out", tmp_path / "cmp")
    assert code == 0
    response = c.post("/comparisons", json={"scenarios": ["base", "mine"]})
    assert response.status_code == 200, response.text
    body = response.json()
    write_csv(pd.DataFrame(body["units"]), tmp_path / "api.csv")  # as the CLI writes its tables
    assert (tmp_path / "api.csv").read_bytes() == (tmp_path / "cmp" / "jamforelse_enheter.csv").read_bytes()
    assert "DV002" in {u["unit_id"] for u in body["units"] if u["difference"]}  # the moved user (and the slip)
    manifest = json.loads((tmp_path / "cmp" / "manifest.json").read_text(encoding="utf-8"))
    assert body["units_only"] == manifest["units_only"] == "no projection block in mine: each unit's base-year " \
        "measures only"
    assert body["without_projection"] == ["mine"]
    assert body["notes"] == ["mine has no projection block ('projection: null' or none): the base-year units only "
                             "— differences, services and waterfall are empty"]
    assert body["differences"] == body["services"] == body["waterfall"] == []
    # the CLI's "warning: 'mine' (not in 'base'): …" (data warnings the reference has not) is the API's "(not in
    # 'base') …", after the scenario's own; where every one of many is, each in its own words
    printed = {name: [line.removeprefix(f"warning: '{name}': ") if line.startswith(f"warning: '{name}': ") else
                      line.removeprefix(f"warning: '{name}' ").replace("'): ", "') ", 1).replace(
                          f"every one in `resmodel run`'s workbook of '{name}', sheet 'Varningar'",
                          "every one in POST /runs' warnings of the scenario")
                      for line in err.splitlines() if line.startswith(f"warning: '{name}'")] for name in ("base", "mine")}
    assert body["warnings"] == printed and printed["mine"][0].startswith("[implausible_change] scenarios/mine.yaml")
    runs = {name: c.post("/runs", json={"scenario": name}).json() for name in ("base", "mine")}
    assert body["input_hashes"] == {name: run["input_hashes"] for name, run in runs.items()}
    assert body["scenario_hashes"] == {name: run["scenario_hash"] for name, run in runs.items()}
    assert body["scenario_files"] == {"base": "base", "mine": "mine"}


def test_every_scenario_without_a_block_is_named_and_the_waterfalls_options_said_unused(folder):
    body = c.post("/comparisons", json={"scenarios": ["base", "mine", "plain"], "year": 2099,
                                        "area": "daglig_verksamhet"}).json()
    assert body["without_projection"] == ["mine", "plain"]
    assert body["units_only"] == "no projection block in mine, plain: each unit's base-year measures only"
    assert body["notes"] == ["mine, plain have no projection block ('projection: null' or none): the base-year units "
                             "only — differences, services and waterfall are empty; year, area not used (they "
                             "choose the projection's tables)"]
    assert {u["scenario_b"] for u in body["units"]} == {"mine", "plain"}


def test_the_cli_names_every_scenario_without_a_block_too(folder, monkeypatch, capsys, tmp_path):
    code, _, err = run_main(monkeypatch, capsys, "compare", *(folder / f"{n}.yaml" for n in ("base", "mine", "plain")),
                            "--out", tmp_path / "cmp", "--measure", "frame")
    assert code == 0
    assert ("note: mine, plain have no projection block ('projection: null' or none): the base-year units only — no "
            "yearly differences or waterfall; --measure not used (they choose the projection's tables)") in err


def test_a_full_comparison_says_it_is_not_units_only(monkeypatch):
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
    body = c.post("/comparisons", json={"scenarios": ["base", "no_indexation"]}).json()
    assert body["units_only"] is None and body["without_projection"] == [] and body["notes"] == []
    assert body["differences"] and body["waterfall"] and body["units"]


def test_units_only_mistakes_are_located_before_anything_runs(folder, monkeypatch):
    from api import comparisons

    calls = []
    monkeypatch.setattr(comparisons, "run", lambda *a: calls.append(a))
    (folder / "mine_copy.yaml").write_text((folder / "mine.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    twice = c.post("/comparisons", json={"scenarios": ["base", "mine", "mine_copy"]})
    problem = twice.json()["detail"]["problems"][0]
    assert twice.status_code == 422 and problem["loc"] == ["body", "scenarios", 2]
    assert "named 'mine' (its name:) like the earlier 'mine'" in problem["msg"]
    # a block of its own after the null, whose rate only the composed block's check refuses: 422, not a 500
    (folder / "odd.yaml").write_text("name: odd\npurpose: x\nextends: mine.yaml\nprojection:\n  level_mix_drift: 5\n",
                                     encoding="utf-8")
    odd = c.post("/comparisons", json={"scenarios": ["base", "odd"]})
    problem = odd.json()["detail"]["problems"][0]
    assert odd.status_code == 422 and problem["loc"] == ["body", "scenarios", 1]
    assert "scenarios/odd.yaml, line 5" in problem["msg"] and "the rate 5 is above 0.5" in problem["msg"]
    assert calls == []
