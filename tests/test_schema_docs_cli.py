"""`python -m resmodel.schema_docs`: --help prints the usage (it crashed with FileNotFoundError
'--help/scenario.schema.json'), a folder that is not there is refused with exit status 2 and nothing written, and no
argument still writes docs/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from resmodel.schema_docs import command, data_dictionary, scenario_schema
from tests.conftest import ROOT

USAGE = "usage: python -m resmodel.schema_docs [FOLDER]"


def module(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The module run as the docs tell (python -m), from ``cwd``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    return subprocess.run([sys.executable, "-m", "resmodel.schema_docs", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_prints_the_usage_and_writes_nothing(tmp_path, flag):
    result = module(flag, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(USAGE) and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_does_not_exist_is_refused_with_exit_2(tmp_path):
    result = module(str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"error: '{tmp_path / 'nowhere'}' does not exist. Expected an existing folder" in result.stderr
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(("args", "told"), [
    (["a", "b"], "error: 2 arguments given. Expected at most one argument"),
    (["--out"], "error: '--out' is not an option of this command"),
    ([], "error: 'docs' does not exist here. Expected an existing folder"),  # run outside the repository
])
def test_other_misuse_is_refused_with_the_usage_and_nothing_written(tmp_path, capsys, monkeypatch, args, told):
    monkeypatch.chdir(tmp_path)
    assert command(args) == 2
    assert told in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_no_argument_writes_docs_and_a_folder_argument_writes_there(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    assert command([]) == 0
    assert (tmp_path / "docs" / "data-dictionary.md").read_text(encoding="utf-8") == data_dictionary()
    assert (tmp_path / "docs" / "scenario.schema.json").read_text(encoding="utf-8") == scenario_schema()
    other = tmp_path / "other"
    shutil.copytree(tmp_path / "docs", other)
    (other / "data-dictionary.md").write_text("stale", encoding="utf-8")
    assert command([str(other)]) == 0
    assert (other / "data-dictionary.md").read_text(encoding="utf-8") == data_dictionary()
