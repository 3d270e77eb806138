"""validate, project and POST /projections read each file of the scenario chain once: run.load, check_projection and
build_setup each read the chain again (code review: repeated reading)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import resmodel.io.scenario as scenario_io
from tests.scenario_files import SC

EXPANSION = SC / "expansion.yaml"  # extends base.yaml: a chain of two files, with an inline frame over a frame file


def _counting(monkeypatch, module, name: str) -> Counter:
    """Each file ``module.name(path, display)`` reads, counted by its resolved path."""
    read, counts = getattr(module, name), Counter()

    def counted(path: Path, display: str):
        counts[Path(path).resolve()] += 1
        return read(path, display)

    monkeypatch.setattr(module, name, counted)
    return counts


@pytest.fixture
def chain_reads(monkeypatch) -> Counter:
    """How often each scenario file is read (``io.scenario._read_scenario_yaml``, read_chain's reader)."""
    return _counting(monkeypatch, scenario_io, "_read_scenario_yaml")


def _once_each(paths) -> Counter:
    """Each of ``paths`` read once."""
    return Counter({Path(p).resolve(): 1 for p in paths})


def test_validate_reads_each_scenario_file_once(chain_reads):
    from resmodel.cli import app

    result = CliRunner().invoke(app, ["validate", str(EXPANSION)])
    assert result.exit_code == 0, result.output
    assert chain_reads == _once_each([SC / "base.yaml", EXPANSION])


def test_project_reads_each_scenario_file_once(chain_reads, tmp_path):
    from resmodel.cli import app

    result = CliRunner().invoke(app, ["project", str(EXPANSION), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert chain_reads == _once_each([SC / "base.yaml", EXPANSION])


def test_api_projection_reads_each_scenario_file_once(chain_reads, monkeypatch):
    from api.main import app

    monkeypatch.setenv("RESMODEL_SCENARIOS", str(SC))
    answer = TestClient(app).post("/projections", json={"scenario": "expansion"})
    assert answer.status_code == 200, answer.text
    assert chain_reads == _once_each([SC / "base.yaml", EXPANSION])
