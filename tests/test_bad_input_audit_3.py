"""Messages of the third bad-input audit (findings 4–8): each names the file and line or row, what was expected
and the fix, exits 2 and writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.clirun import run_main
from tests.conftest import ROOT

BASE = ROOT / "scenarios" / "base.yaml"
DEMO = ROOT / "data" / "demokommun"
NUMBER = "198001011239"  # the 12-digit form of a personal identity number: never echoed


def cli(monkeypatch, capsys, *args) -> tuple[int, str]:
    """Exit status and everything `resmodel *args` printed."""
    code, out, err = run_main(monkeypatch, capsys, *args)
    return code, out + err


def scenario(folder: Path, **replace: str) -> Path:
    """The demo's base scenario in ``folder``, its data and frame paths absolute, with lines replaced (key → line)."""
    lines = BASE.read_text(encoding="utf-8").replace("../data/demokommun", str(DEMO)).splitlines()
    for key, line in replace.items():
        lines = [line if text.strip().startswith(f"{key}:") else text for text in lines]
    path = folder / "scenario.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def refused_without_writing(monkeypatch, capsys, tmp_path: Path, scenario_file: Path) -> str:
    """The message of `resmodel run` on a scenario it refuses, having checked it exits 2 and writes no results."""
    out = tmp_path / "out"
    code, said = cli(monkeypatch, capsys, "run", scenario_file, "--out", out)
    assert code == 2 and "Traceback" not in said, said
    assert not out.exists()
    return said


def test_a_change_whose_value_is_a_list_is_shown_as_written_at_the_value_line(monkeypatch, capsys, tmp_path):
    """'value: [0.06]' was shown as the parsed Python ("[{'value': [0.06], 'from': datetime.date(2024, 1, 1), …")
    and located at the parameter's key, two lines above the value."""
    child = tmp_path / "child.yaml"
    child.write_text(f"name: child\npurpose: test\nextends: {BASE}\nparameters:\n  working_time.sick_leave_rate:\n"
                     "    - value: [0.06]\n      from: 2024-01-01\n      reason: t\n", encoding="utf-8")
    said = refused_without_writing(monkeypatch, capsys, tmp_path, child)
    assert "child.yaml, line 6, at 'parameters.working_time.sick_leave_rate[0].value'" in said, said
    assert "has the value [0.06], of a form it cannot take" in said, said
    assert "datetime" not in said and "{'value'" not in said, said
    assert "Expected a number, or a mapping of levels 1–8 for a level table" in said, said


def test_a_long_value_of_the_wrong_form_is_named_by_its_size(monkeypatch, capsys, tmp_path):
    """A list too long to show is named as a list of so many entries, not cut off mid-Python."""
    child = tmp_path / "child.yaml"
    child.write_text(f"name: child\npurpose: test\nextends: {BASE}\nparameters:\n  working_time.sick_leave_rate:\n"
                     f"    - value: [{', '.join(['0.061'] * 30)}]\n", encoding="utf-8")
    said = refused_without_writing(monkeypatch, capsys, tmp_path, child)
    assert "line 6" in said and "has the value a list of 30 entries, of a form it cannot take" in said, said


@pytest.mark.parametrize(("key", "what"), [("data", "data folder"), ("parameters_dir", "parameter folder")])
def test_a_folder_key_naming_a_file_says_it_is_a_file(monkeypatch, capsys, tmp_path, key, what):
    """'data: base.yaml' was told "data folder 'base.yaml' not found" beside the file of that name."""
    (tmp_path / "base.yaml").write_text("not a folder\n", encoding="utf-8")
    path = scenario(tmp_path, data="data: base.yaml") if key == "data" else scenario(tmp_path)
    if key == "parameters_dir":
        path.write_text(path.read_text(encoding="utf-8") + "parameters_dir: base.yaml\n", encoding="utf-8")
    said = refused_without_writing(monkeypatch, capsys, tmp_path, path)
    line = path.read_text(encoding="utf-8").splitlines().index(f"{key}: base.yaml") + 1
    assert f"scenario.yaml, line {line}, at '{key}': 'base.yaml' is a file, not a {what}" in said, said
    assert "not found" not in said, said


def test_a_folder_key_naming_nothing_is_still_not_found(monkeypatch, capsys, tmp_path):
    """A missing folder keeps its message: only a file is told it is a file."""
    said = refused_without_writing(monkeypatch, capsys, tmp_path, scenario(tmp_path, data="data: nowhere"))
    assert "data folder 'nowhere' not found" in said, said


def test_a_manifest_resmodel_did_not_write_is_said_to_be_one(monkeypatch, capsys, tmp_path):
    """With a manifest.json in the folder the refusal said the folder was 'without the manifest.json resmodel writes',
    as if there were none."""
    out = tmp_path / "o2"
    out.mkdir()
    (out / "manifest.json").write_text("{}\n", encoding="utf-8")
    (out / "resultat.csv").write_text("mine\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, said = cli(monkeypatch, capsys, "run", BASE, "--out", out)
    assert code == 2 and "o2, at '--out'" in said, said
    assert "named like this command's outputs but with a manifest.json resmodel did not write" in said, said
    assert "without the manifest.json" not in said, said
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_without_a_manifest_none_is_said_to_be_there(monkeypatch, capsys, tmp_path):
    """A folder with no manifest.json is not told of one."""
    out = tmp_path / "o2"
    out.mkdir()
    (out / "resultat.csv").write_text("mine\n", encoding="utf-8")
    code, said = cli(monkeypatch, capsys, "run", BASE, "--out", out)
    assert code == 2 and "without the manifest.json" in said and "the manifest.json there" not in said, said


@pytest.mark.parametrize(("key", "line", "shown"), [
    ("data", f"data: {NUMBER}", "'data:'"),
    ("data", f"data: '{NUMBER[:8]}-{NUMBER[8:]}'", "'data:'"),
    ("frame", f"  frame: {NUMBER}/frame.yaml", "'frame:'"),
    ("seed", f"seed: 1\ntariff: {NUMBER}.csv", "'tariff:'"),
    ("seed", f"seed: 1\nextends: {NUMBER}.yaml", "'extends:'"),
])
def test_a_path_like_an_identity_number_gets_the_paths_advice(monkeypatch, capsys, tmp_path, key, line, shown):
    """A scenario's path was told to be replaced by a pseudonymous id ('U00042'); on the command line the same path
    is told to rename the file or folder."""
    said = refused_without_writing(monkeypatch, capsys, tmp_path, scenario(tmp_path, **{key: line}))
    assert "scenario.yaml, line" in said and "looks like a Swedish personal identity number" in said, said
    assert "Expected file and folder names without personal identity numbers" in said, said
    assert f"rename the file or folder whose name holds the number, and correct {shown}" in said, said
    assert "pseudonymous id" not in said and NUMBER not in said and NUMBER[8:] not in said, said


def test_a_text_like_an_identity_number_keeps_the_ids_advice(monkeypatch, capsys, tmp_path):
    """Only path keys get the path advice: a purpose holding a number is still told to replace it."""
    said = refused_without_writing(monkeypatch, capsys, tmp_path, scenario(tmp_path, purpose=f"purpose: '{NUMBER}'"))
    assert "replace the value with a pseudonymous id" in said and NUMBER not in said, said


def test_a_nul_byte_in_a_utf8_csv_is_named_at_its_row(monkeypatch, capsys, tmp_path):
    """A cell 'U00\\x002' in a UTF-8 users.csv was called 'UTF-16 text (or binary)' at row 1, with the advice to save
    as 'CSV UTF-8', which the file already was."""
    data = tmp_path / "data"
    shutil.copytree(DEMO, data)
    users = data / "users.csv"
    users.write_bytes(users.read_bytes().replace(b"U0002,", b"U00\x002,", 1))
    row = next(i for i, line in enumerate(users.read_bytes().split(b"\n"), start=1) if b"\x00" in line)
    path = scenario(tmp_path, data=f"data: {data}")
    said = refused_without_writing(monkeypatch, capsys, tmp_path, path)
    assert f"users.csv, row {row}: the row holds a NUL character (a binary zero) at character 4" in said, said
    assert "UTF-16" not in said and "delete the character" in said, said


def test_utf16_without_a_byte_order_mark_is_still_called_utf16(tmp_path):
    """The letters of UTF-16 are spaced by NULs: such a file is still told it is UTF-16, not of a stray NUL."""
    from resmodel.errors import InputError
    from resmodel.io.text import read_utf8

    path = tmp_path / "users.csv"
    path.write_bytes("user_id,service\nU0001,daglig_verksamhet\n".encode("utf-16-le"))
    with pytest.raises(InputError, match="file is UTF-16 text"):
        read_utf8(path, "users.csv", "CSV", "save as 'CSV UTF-8'", as_row=True)


def test_a_nul_byte_in_a_yaml_file_is_named_at_its_line(monkeypatch, capsys, tmp_path):
    """A YAML file is named by line, as its other errors are."""
    path = scenario(tmp_path)
    path.write_bytes(path.read_bytes().replace(b"purpose: ", b"purpose: \x00", 1))
    said = refused_without_writing(monkeypatch, capsys, tmp_path, path)
    assert "scenario.yaml, line 2: the line holds a NUL character (a binary zero) at character 10" in said, said
