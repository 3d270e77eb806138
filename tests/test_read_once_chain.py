"""validate, project and POST /projections read each file of the scenario chain once, and a projection check reads
the frame file once: run.load, check_projection and build_setup each read the chain again, and every message located
in the frame read the frame YAML again (code review: repeated reading)."""

from __future__ import annotations

import gc
import weakref
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import resmodel.io.frame_file as frame_file
import resmodel.io.scenario as scenario_io
from tests.scenario_files import SC, child

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


@pytest.fixture
def frame_reads(monkeypatch) -> Counter:
    """How often each frame file is read (``io.frame_file.read_yaml``)."""
    return _counting(monkeypatch, frame_file, "read_yaml")


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


def test_check_projection_reads_the_frame_file_once(frame_reads, tmp_path):
    from resmodel.projection_run import check_projection
    from resmodel.run import load

    # three frame entries dated after the horizon: three warnings located in the frame, each asking where its key was set
    path = child(tmp_path, "late", "projection:\n  frame:\n    supplements:\n" + "".join(
        f"      - {{area: lss_boende, year: {year}, amount: 1000000}}\n" for year in (2090, 2091, 2092)),
        parent=EXPANSION)
    loaded = load(path)
    frame_reads.clear()  # what load read is not the check's
    _, warnings = check_projection(loaded)
    assert sum(w.check == "beyond_horizon" and "supplements" in str(w) for w in warnings) == 3
    assert frame_reads == _once_each([SC.parent / "data" / "demokommun" / "frame.yaml"])


def test_build_setup_reads_the_frame_file_once(frame_reads):
    from resmodel.projection_run import build_setup
    from resmodel.run import load, run

    loaded = load(EXPANSION)
    build_setup(loaded, run(loaded))
    assert frame_reads == _once_each([SC.parent / "data" / "demokommun" / "frame.yaml"])


def test_a_frame_read_once_is_let_go_with_its_scenario(tmp_path):
    from resmodel.projection_run import check_projection
    from resmodel.run import load

    loaded = load(child(tmp_path, "inline", "projection:\n  frame:\n    base: {lss_boende: 1}\n", parent=EXPANSION))
    check_projection(loaded, warn=False)
    files = [weakref.ref(src) for src in loaded.chain]
    del loaded
    gc.collect()
    assert [ref() for ref in files] == [None] * len(files)
