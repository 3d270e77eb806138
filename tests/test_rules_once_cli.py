"""Rules written once (code review): the CLI's "does this parameter take a path", the shift plan's roster warnings
of the planned units, and the spreadsheet row of a NUL character in a CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pytest
import typer
import typer.main

from resmodel.cli import _check_paths, _Command, _Commands
from resmodel.errors import InputError


def _pair_command():
    """A command whose option takes a pair of paths (tuple[Path, Path]), built as resmodel builds its commands."""
    pair_app = typer.Typer(cls=_Commands)

    @pair_app.command(cls=_Command)
    def pair(files: Annotated[tuple[Path, Path], typer.Option(help="two files")], name: str = "x") -> None:
        """Take two files."""

    @pair_app.command(cls=_Command)
    def other() -> None:
        """A second command, so that the first is called by its name."""

    return typer.main.get_command(pair_app).commands["pair"]


def test_an_option_of_paths_is_a_file_in_help_and_checked_as_a_path():
    """--help's FILE and the path check read one rule: an option of a tuple of paths was checked as paths but shown
    as FILES (the last word of its name), as the two rules had drifted."""
    command = _pair_command()
    files = next(p for p in command.params if p.name == "files")
    name = next(p for p in command.params if p.name == "name")
    assert files.metavar == "FILE" and name.metavar == "NAME"
    with pytest.raises(InputError, match="the path given to --files is longer than the file system allows"):
        _check_paths(command, ["--files", "b" * 300, "a.csv"])
    _check_paths(command, ["--name", "n" * 300])  # not a path: no error


ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demokommun"


def _warning(check: str, *units: str):
    """A run's warning of ``check`` concerning ``units``."""
    from resmodel.errors import Location, Warning_

    return Warning_(check, Location(file="staff.csv", row=2), f"{check} of {'+'.join(units) or 'none'}", units)


def test_the_roster_warnings_of_the_planned_units_are_kept_in_order():
    """A roster_implausible warning is kept when it concerns a planned unit (one of several too); other checks and
    other units' rosters are not the plan's."""
    from resmodel.shift_run import roster_warnings

    warnings = [_warning("roster_implausible", "DV002"), _warning("roster_implausible", "DV001", "DV003"),
                _warning("level_mix", "DV001"), _warning("roster_implausible", "DV001"),
                _warning("roster_implausible")]
    assert roster_warnings(warnings, ["DV001"]) == [warnings[1], warnings[3]]
    assert roster_warnings(warnings, ["DV002", "DV003"]) == warnings[:2]
    assert roster_warnings(warnings, ["DV009"]) == []


def test_the_cli_and_the_api_choose_the_roster_warnings_by_the_one_rule(monkeypatch, tmp_path):
    """`resmodel shift-plan` and POST /shift-plans filtered the run's warnings each by its own copy of the rule:
    both show what shift_run.roster_warnings gives them."""
    from types import SimpleNamespace

    import resmodel.shift_run
    from api.shift_plans import _roster_lines
    from tests.clirun import invoke, shift_app

    chosen = _warning("roster_implausible", "DV001")
    seen = []
    monkeypatch.setattr(resmodel.shift_run, "roster_warnings", lambda ws, ids: seen.append(list(ids)) or [chosen])
    assert _roster_lines(SimpleNamespace(warnings=[]), ["DV001"]) == [str(chosen)]
    code, _, stderr = invoke(shift_app(), "shift-plan", "--unit", "DV001", "--attendance",
                             DEMO / "attendance_DV001.csv", "--scenario", ROOT / "scenarios" / "base.yaml",
                             "--out", tmp_path / "out")
    assert code == 0 and f"warning: {chosen}" in stderr, stderr
    assert seen == [["DV001"], ["DV001"]]


def _read_error(tmp_path, text: str, name: str = "t.csv") -> str:
    """The message read_raw gives for a CSV of ``text`` (UTF-8)."""
    from resmodel.io.tables import read_raw

    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(InputError) as exc:
        read_raw(path, name)
    return str(exc.value)


@pytest.mark.parametrize("sep", [",", ";"])
def test_a_nul_after_a_cell_of_several_lines_is_at_the_row_a_spreadsheet_shows(tmp_path, sep):
    """A quoted cell over three lines in row 2 put a NUL in row 3 at 'row 5' (text lines were counted): the row is
    the CSV record, header = row 1, the same row the reader's other messages name there."""
    head = f"unit_id{sep}comment{sep}fte\nDV001{sep}\"first line\nsecond line\r\nthird\"{sep}1\n"
    said = _read_error(tmp_path, head + f"DV002{sep}ok\x00{sep}2\n")
    assert "t.csv, row 3: the row holds a NUL character (a binary zero) at character 9" in said, said
    other = _read_error(tmp_path, head + f"DV002{sep}ok{sep}2{sep}x{sep}y\n")  # too many cells, at the same row
    assert "t.csv, row 3:" in other, other


def test_a_nul_inside_a_cell_of_several_lines_is_at_the_row_the_cell_opens_on(tmp_path):
    """The row is the one the cell begins in, and the character is counted from that row's start (line breaks too)."""
    said = _read_error(tmp_path, "unit_id,comment\nDV001,\"one\ntwo\x00\"\nDV002,x\n")
    assert "t.csv, row 2: the row holds a NUL character (a binary zero) at character 15" in said, said


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_byte_that_is_not_utf8_after_a_cell_of_several_lines_is_at_its_spreadsheet_row(tmp_path, bom):
    """As the NUL: a bad byte's row counted text lines (row 5 here), and a BOM shifted the count by its 3 bytes."""
    from resmodel.io.tables import read_raw

    path = tmp_path / "t.csv"
    path.write_bytes(bom + "unit_id,comment\nDV001,\"så\nandra\nrad\"\nDV002,".encode() + b"\xff\xfe\n")
    with pytest.raises(InputError) as exc:
        read_raw(path, "t.csv")
    assert "t.csv, row 3: file is not UTF-8 text" in str(exc.value), str(exc.value)
