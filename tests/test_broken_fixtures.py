"""The broken-fixture suite: one deliberately broken input per error message (tests/broken/).

Each case in tests/broken/cases.yaml is run through the real CLI entry point (``resmodel.cli.main``)
in-process, on a copy of the tiny valid municipality tests/broken/_valid/ with the case's folder
copied over it and its declared patches applied. For every case the CLI must exit with status 2,
print exactly one located ``error:`` line naming the file and line/row (and column where
relevant; only the file for whole-file problems, the option for command-line ones), what was
expected and a ``Fix:``, never a traceback, and write nothing."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from resmodel.cli import main

BROKEN = Path(__file__).parent / "broken"
VALID = BROKEN / "_valid"
PARAMETERS = "data/parameters"
CASES = yaml.safe_load((BROKEN / "cases.yaml").read_text(encoding="utf-8"))
COMMANDS = ("run", "validate", "explain", "params")
CASE_KEYS = {"name", "command", "scenario", "args", "patch", "where", "scope", "expect", "errors", "never_shown", "xfail"}
#: what ``where`` must name: a line or row (the default), only a file or folder, or a command-line option
SCOPES = {"cell": r"^\S.*, (line|row) \d+", "file": r"^[^,]+\S(, column '[^']+')?$", "option": r"at '--"}


def _copy_valid(work: Path, touches_parameters: bool) -> None:
    """Copy _valid/ to ``work``; its parameter folder is linked, not copied, unless the case changes it
    (fewer files to copy and delete keeps the suite fast)."""
    shutil.copytree(VALID, work, ignore=None if touches_parameters else shutil.ignore_patterns("parameters"))
    if not touches_parameters:
        try:
            (work / PARAMETERS).symlink_to(VALID / PARAMETERS, target_is_directory=True)
        except OSError:  # no symlinks (e.g. Windows without developer mode)
            shutil.copytree(VALID / PARAMETERS, work / PARAMETERS)


def _apply_patch(root: Path, patch: dict) -> None:
    """Apply one declared change to a file of the case copy (line/row numbers are 1-based)."""
    path = root / patch["file"]
    if patch.get("remove"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
        return
    if "content" in patch:
        path.write_text(patch["content"], encoding="utf-8")
        return
    lines = path.read_text(encoding="utf-8").splitlines()
    number = patch.get("row", patch.get("line"))
    if "append" in patch:
        lines.append(patch["append"])
    elif "insert" in patch:
        lines.insert(number - 1, patch["insert"])
    elif "text" in patch:
        assert 1 <= number <= len(lines), f"{patch['file']} has no line {number}"
        lines[number - 1] = patch["text"]
    else:
        raise AssertionError(f"unknown patch {patch}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _files(root: Path) -> dict[str, bytes | None]:
    """Every file and folder below ``root`` with its content (None for folders)."""
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


def test_every_fixture_folder_has_a_case():
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)), "duplicate case names in cases.yaml"
    folders = {p.name for p in BROKEN.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    assert folders == set(names), f"folders without a case: {folders - set(names)}; cases without a folder: {set(names) - folders}"
    assert len(names) >= 30


def test_valid_municipality_is_valid(tmp_path, monkeypatch, capsys):
    """The starting point must pass strictly (no warnings), or the cases would test nothing."""
    work = tmp_path / "valid"
    shutil.copytree(VALID, work)
    monkeypatch.chdir(work)
    (work / "strict.yaml").write_text("name: strict\npurpose: valid and strict\nextends: base.yaml\nstrict: true\n")
    monkeypatch.setattr(sys, "argv", ["resmodel", "run", "strict.yaml", "--out", "out"])
    main()
    captured = capsys.readouterr()
    assert "warning" not in captured.err, captured.err
    assert (work / "out" / "manifest.json").is_file()


def _param(case: dict):
    """A case with ``xfail: <reason>`` documents a known gap; strict, so fixing it flags the case."""
    marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
    return pytest.param(case, id=case["name"], marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_broken_fixture(case, tmp_path, monkeypatch, capsys):
    assert set(case) <= CASE_KEYS, f"unknown keys in cases.yaml: {set(case) - CASE_KEYS}"
    assert case["command"] in COMMANDS
    assert re.search(SCOPES[case.get("scope", "cell")], case["where"]), f"'where' does not fit scope: {case['where']}"
    work = tmp_path / "case"
    _copy_valid(work, touches_parameters=(BROKEN / case["name"] / PARAMETERS).exists()
                or any(p["file"].startswith(PARAMETERS) for p in case.get("patch", [])))
    shutil.copytree(BROKEN / case["name"], work, dirs_exist_ok=True)
    for patch in case.get("patch", []):
        _apply_patch(work, patch)
    monkeypatch.chdir(work)  # file names in messages are relative to the working directory
    before = _files(work)
    out_existed = (work / "out").exists()

    argv = ["resmodel", case["command"], case.get("scenario", "scenario.yaml"), *case.get("args", [])]
    if case["command"] == "run":
        argv += ["--out", "out"]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        main()
    captured = capsys.readouterr()
    output = captured.out + captured.err

    assert exit_info.value.code == 2, output
    assert "Traceback" not in output
    errors = [line for line in captured.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == case.get("errors", 1), captured.err
    located = [line for line in errors if case["where"] in line]
    assert located, f"no error located at {case['where']!r}:\n{captured.err}"
    message = located[0]
    for text in case["expect"]:
        assert text in message, f"{text!r} not in {message!r}"
    assert ". Expected " in message and ". Fix: " in message, message

    # nothing written: no output folder, no default results/ folder, no file changed or added
    assert (work / "out").exists() == out_existed
    assert not (work / "results").exists()
    assert _files(work) == before

    for secret in case.get("never_shown", []):
        assert secret not in output
        assert secret.replace("-", "") not in output


@pytest.mark.parametrize("args", [
    ["run"],
    ["inyear", "--frames", "frames.csv"],
    ["run", "base.yaml", "--bogus"],
    ["frobnicate"],
], ids=["missing-argument", "missing-option", "unknown-option", "unknown-command"])
def test_usage_errors_exit_2_without_traceback(args, tmp_path, monkeypatch, capsys):
    work = tmp_path / "case"
    _copy_valid(work, touches_parameters=False)
    monkeypatch.chdir(work)
    before = _files(work)
    monkeypatch.setattr(sys, "argv", ["resmodel", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    captured = capsys.readouterr()
    assert exit_info.value.code == 2
    assert "Error:" in captured.err and "Traceback" not in captured.out + captured.err
    assert _files(work) == before
