"""Every command that writes results writes a manifest.json saying what they rest on: the file-based
commands record their options, each input file's sha256 and, where a scenario was read, its run's hashes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
import typer

from resmodel.cli_backtest import register as register_backtest
from resmodel.cli_forecast import register as register_forecast
from resmodel.cli_nowcast import register as register_nowcast
from resmodel.cli_planning import register as register_planning
from resmodel.cli_queue import register as register_queue
from resmodel.cli_shifts import register as register_shifts
from tests.clirun import invoke

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demokommun"
BASE = ROOT / "scenarios" / "base.yaml"


@pytest.fixture(scope="module")
def app():
    app = typer.Typer()
    for register in (register_backtest, register_forecast, register_nowcast, register_queue, register_planning,
                     register_shifts):
        register(app)
    return app


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_forecast_records_its_options_and_the_series_hash(app, tmp_path):
    series = tmp_path / "history.csv"  # one service's rows: the manifest, not the forecast, is under test
    pd.read_csv(DEMO / "volume_history.csv").query("service == 'daglig_verksamhet'").to_csv(series, index=False)
    out = tmp_path / "fc"
    code, _, stderr = invoke(app, "forecast", "--series", series, "--model", "daglig_verksamhet=ets", "--h", 24,
                             "--out", out)
    assert code == 0, stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command"] == "forecast" and manifest["resmodel_version"]
    assert manifest["options"]["series"] == {"file": str(series), "sha256": _sha(series)}
    assert manifest["options"]["model"] == ["daglig_verksamhet=ets"] and manifest["options"]["h"] == 24
    assert "out" not in manifest["options"] and "scenario" not in manifest
    # another history gives another hash: the manifest tells the two forecasts apart
    table = pd.read_csv(series)
    table.loc[0, "volume"] += 1
    table.to_csv(series, index=False)
    code, _, stderr = invoke(app, "forecast", "--series", series, "--model", "daglig_verksamhet=ets", "--h", 24,
                             "--out", out)
    assert code == 0, stderr
    assert json.loads((out / "manifest.json").read_text())["options"]["series"]["sha256"] == _sha(series) != \
        manifest["options"]["series"]["sha256"]


def test_commands_that_read_a_scenario_record_its_run_hashes(app, tmp_path, demo_result):
    code, _, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", DEMO / "attendance_DV001.csv",
                             "--scenario", BASE, "--out", tmp_path / "s")
    assert code == 0, stderr
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    for key in ("scenario_hash", "parameter_hash", "data_hash"):
        assert manifest["scenario"][key] == demo_result.manifest[key], key
    assert manifest["options"]["unit"] == ["DV001"] and manifest["options"]["slot_minutes"] == 30
    assert manifest["options"]["attendance"][0]["sha256"] == _sha(DEMO / "attendance_DV001.csv")
    assert manifest["options"]["roster"] is None


def test_the_version_the_manifests_record_is_printed_by_version():
    from typer.testing import CliRunner

    from resmodel import __version__
    from resmodel.cli import app as main_app

    result = CliRunner().invoke(main_app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"resmodel {__version__}"


def test_a_folder_hash_tells_a_moved_file_boundary_apart(tmp_path):
    """Review: path and bytes were hashed back to back, so a folder with 'ab' holding 'c' and one with 'a'
    holding 'bc' had the same hash — a changed folder a manifest would not tell apart."""
    from resmodel.io.manifest import hash_files

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    (first / "ab").write_bytes(b"c")
    (second / "a").write_bytes(b"bc")
    assert hash_files([first / "ab"], first) != hash_files([second / "a"], second)
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "ab").write_bytes(b"c")
    assert hash_files([copy / "ab"], copy) == hash_files([first / "ab"], first)
