"""validate, run, POST /runs, project and POST /projections accept and refuse the same scenarios, since one
function (projection_run.volume_sources) decides each service's volume source for the check and the projection
(code review: a history cut in the autumn with every service in a forecast file was refused by validate, run and
POST /runs for a history end that project never needed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.main import app
from resmodel.projection_run import scenario_capacity
from resmodel.run import load

from .clirun import invoke, planning_app, run_main

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demokommun"
CUT_AT = "2024-09"  # a history cut in the autumn: three months short of the base year's December
HISTORY_END = "the volume history ends in 2024-09"


def _data(folder: Path, cut: bool) -> Path:
    """A copy of the demo's data folder, its volume history cut after CUT_AT when ``cut``."""
    shutil.copytree(DEMO, folder)
    if cut:
        history = pd.read_csv(DEMO / "volume_history.csv", dtype=str, keep_default_na=False)
        history[history["month"] <= CUT_AT].to_csv(folder / "volume_history.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    """The cut data folder and the forecast `resmodel forecast --model drift` wrote from its history."""
    root = tmp_path_factory.mktemp("parity")
    data = _data(root / "cut", cut=True)
    code, _, err = invoke(planning_app(), "forecast", "--series", data / "volume_history.csv", "--model", "drift",
                          "--out", root / "fc")
    assert code == 0, err
    return {"cut": data, "forecast": root / "fc" / "volume_forecast.csv"}


def _scenario(folder: Path, data: Path, extra: str = "") -> Path:
    """A child of scenarios/base.yaml on ``data`` with ``extra`` lines in its projection block."""
    folder.mkdir(exist_ok=True)
    path = folder / "mine.yaml"
    path.write_text(f"name: mine\npurpose: budget on the forecast reviewed in October\n"
                    f"extends: {ROOT / 'scenarios' / 'base.yaml'}\ndata: {data}\nprojection:\n" + extra)
    return path


def _outcomes(monkeypatch, capsys, path: Path, out: Path) -> dict[str, tuple[int, str, str]]:
    """Each command's (exit status or HTTP status, its output, its errors) for the scenario at ``path``; a refusal
    writes nothing."""
    outcomes = {}
    for command in ("validate", "run", "project"):
        folder = out / command
        code, stdout, err = run_main(monkeypatch, capsys, command, path,
                                     *(("--out", folder) if command != "validate" else ()))
        assert code == 0 or not folder.exists(), command
        outcomes[command] = (code, stdout, err)
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(path.parent))
    client = TestClient(app)
    for route in ("/runs", "/projections"):
        response = client.post(route, json={"scenario": path.stem})
        problems = response.json()["detail"]["problems"] if response.status_code != 200 else []
        outcomes[route] = (response.status_code, response.text, "\n".join(p["msg"] for p in problems))
    return outcomes


def _accepted_alike(outcomes: dict[str, tuple[int, str, str]]) -> None:
    """Every command accepts the scenario."""
    assert {k: code for k, (code, _, _) in outcomes.items()} == {
        "validate": 0, "run": 0, "project": 0, "/runs": 200, "/projections": 200}, outcomes


def _refused_alike(outcomes: dict[str, tuple[int, str, str]], message: str) -> None:
    """Every command refuses the scenario, each with ``message`` among its errors."""
    assert {k: code for k, (code, _, _) in outcomes.items()} == {
        "validate": 2, "run": 2, "project": 2, "/runs": 422, "/projections": 422}, outcomes
    assert all(message in err for _, _, err in outcomes.values()), outcomes


def test_a_history_cut_in_the_autumn_with_every_service_in_the_forecast_file_is_accepted_by_all(
        made, tmp_path, monkeypatch, capsys):
    path = _scenario(tmp_path / "s", made["cut"], f"  volume_forecast: {made['forecast']}\n")
    outcomes = _outcomes(monkeypatch, capsys, path, tmp_path)
    _accepted_alike(outcomes)
    assert "volumes of 8 services from a forecast file" in outcomes["validate"][1]
    assert "refuses a block that project would refuse" not in outcomes["run"][2]
    models = json.loads((tmp_path / "project" / "manifest.json").read_text())["volume_models"]
    assert {sv for sv, m in models.items() if m == "forecast file: drift"} == {
        "boendestod", "bostad_barn", "bostad_vuxna", "daglig_verksamhet", "externa_platser",
        "personlig_assistans_lss", "personlig_assistans_sfb", "sarskilt_boende_sol"}


def test_a_history_cut_without_a_forecast_file_is_refused_by_all_with_the_same_message(
        made, tmp_path, monkeypatch, capsys):
    path = _scenario(tmp_path / "s", made["cut"], "  horizon_years: 10\n")
    _refused_alike(_outcomes(monkeypatch, capsys, path, tmp_path), HISTORY_END)


def test_a_forecast_file_without_one_service_leaves_it_to_the_history_and_is_refused_by_all(
        made, tmp_path, monkeypatch, capsys):
    """The file gives seven services; boendestod is forecast from the history, which ends before December."""
    fc = pd.read_csv(made["forecast"], dtype=str, keep_default_na=False)
    partial = tmp_path / "partial" / "volume_forecast.csv"
    partial.parent.mkdir()
    fc[fc["service"] != "boendestod"].to_csv(partial, index=False)
    path = _scenario(tmp_path / "s", made["cut"], f"  volume_forecast: {partial}\n")
    _refused_alike(_outcomes(monkeypatch, capsys, path, tmp_path), HISTORY_END)


def test_the_model_of_a_service_in_the_forecast_file_needs_no_inputs(made, tmp_path, monkeypatch, capsys):
    """default_model demographic without population.csv: no service is forecast by it when the file gives them
    all, so project runs — and validate asked for population.csv."""
    data = _data(tmp_path / "data", cut=False)
    (data / "population.csv").unlink()
    path = _scenario(tmp_path / "s", data, f"  volume_forecast: {made['forecast']}\n  default_model: demographic\n")
    _accepted_alike(_outcomes(monkeypatch, capsys, path, tmp_path))


def test_a_lump_line_the_forecast_file_gives_is_not_held_at_its_base_volume(made, tmp_path, monkeypatch, capsys):
    """ovriga_lss has no history but rows in the file: its volume is the file's, so places on it are no places on
    a line held at its base volume — validate (and queue --scenario) refused them as such while project took them."""
    fc = pd.read_csv(made["forecast"], dtype=str, keep_default_na=False)
    lump = pd.DataFrame({"service": "ovriga_lss", "level": "", "month": sorted(fc["month"].unique())})
    given = pd.concat([fc, lump.assign(**dict.fromkeys(fc.columns[3:-1], "1"), model_used="drift")])
    path = tmp_path / "lump" / "volume_forecast.csv"
    path.parent.mkdir()
    given[fc.columns].to_csv(path, index=False)
    scenario = _scenario(tmp_path / "s", _data(tmp_path / "data", cut=False),
                         f"  volume_forecast: {path}\n  capacity:\n    ovriga_lss: {{places: 1}}\n")
    outcomes = _outcomes(monkeypatch, capsys, scenario, tmp_path)
    _accepted_alike(outcomes)
    assert "places for ovriga_lss" in outcomes["validate"][1]
    assert scenario_capacity(load(scenario), "ovriga_lss").places[2025] == 1  # resmodel queue --scenario's places
