"""The examples under each command's --help: every command has one, and each line parses as its command
would parse it, naming files that exist in the repository (or that an earlier command writes)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import typer.main

from resmodel.cli import app
from resmodel.cli_examples import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
GROUP = typer.main.get_command(app)
WRITTEN_BY_ANOTHER_COMMAND = ("results/",)  # e.g. queue reads what forecast wrote
OUTPUTS = {"out", "init.folder"}  # options and arguments naming a folder the command writes


def test_every_command_has_examples_and_no_example_names_an_unknown_command():
    assert set(EXAMPLES) == set(GROUP.commands)


@pytest.mark.parametrize(("name", "line"), [(n, line) for n, lines in EXAMPLES.items() for _, line in lines])
def test_an_example_parses_and_names_existing_files(name, line, monkeypatch):
    monkeypatch.chdir(ROOT)
    words = shlex.split(line)
    assert words[:2] == ["resmodel", name]
    command = GROUP.commands[name]
    ctx = command.make_context(name, words[2:])
    values = [v for k, v in ctx.params.items() if k not in OUTPUTS and f"{name}.{k}" not in OUTPUTS]
    paths = [p for v in values for p in (v if isinstance(v, list | tuple) else [v]) if isinstance(p, Path)]
    missing = [str(p) for p in paths if not p.exists() and not str(p).startswith(WRITTEN_BY_ANOTHER_COMMAND)]
    assert missing == []
    assert paths or name in ("demo", "init")  # every other example reads the demo's files


def test_help_shows_the_examples():
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["shift-plan", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "resmodel shift-plan --unit DV001 --attendance data/demokommun/attendance_DV001.csv" in result.output
