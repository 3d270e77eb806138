"""Output folders: results replace the whole --out folder, so a folder is only accepted when it is
new, empty, or an earlier output of the same command; anything else is a located error (exit 2)
before any work, and nothing in the folder is touched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from resmodel.errors import InputError
from resmodel.io.writers import check_output_folder, write_folder_atomically
from tests.clirun import run_main
from tests.conftest import ROOT

RATE = ROOT / "data" / "series" / "state_hourly_rate.csv"
MANIFEST = '{"resmodel_version": "0.1.0", "command": "test"}'  # what marks a folder as resmodel's output


def cli(monkeypatch, capsys, *args) -> tuple[int, str]:
    code, out, err = run_main(monkeypatch, capsys, *args)
    return code, out + err


def backtest(monkeypatch, capsys, out) -> tuple[int, str]:
    return cli(monkeypatch, capsys, "backtest", "--series", RATE, "--models", "naive", "--out", out)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command", ["run", "backtest"])
def test_a_folder_with_other_files_is_refused_and_left_alone(monkeypatch, capsys, tmp_path, command):
    out = tmp_path / "mine"
    (out / "sub").mkdir(parents=True)
    (out / "notes.txt").write_text("my notes")
    before = snapshot(out)
    if command == "run":
        code, output = cli(monkeypatch, capsys, "run", ROOT / "scenarios" / "base.yaml", "--out", out)
    else:
        code, output = backtest(monkeypatch, capsys, out)
    assert code == 2, output
    assert "notes.txt" in output and "sub/" in output and "Fix:" in output and "Traceback" not in output
    assert snapshot(out) == before and sorted(p.name for p in out.iterdir()) == ["notes.txt", "sub"]


def test_an_earlier_output_of_the_same_command_is_replaced(monkeypatch, capsys, tmp_path):
    out = tmp_path / "bt"
    assert backtest(monkeypatch, capsys, out)[0] == 0
    first = snapshot(out)
    (out / ".DS_Store").write_bytes(b"")  # a file browser's clutter does not block a re-run
    code, output = backtest(monkeypatch, capsys, out)
    assert code == 0, output
    assert snapshot(out) == first  # same inputs, same bytes
    # but another command's output is not this command's to replace
    code, output = cli(monkeypatch, capsys, "forecast", "--series", RATE, "--model", "naive", "--out", out)
    assert code == 2 and "backtest_cv.csv" in output


@pytest.mark.parametrize("where", ["a_file", "a_file/below", "."])
def test_impossible_output_folders_are_located_errors(monkeypatch, capsys, tmp_path, where):
    (tmp_path / "a_file").write_text("x")
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    code, output = backtest(monkeypatch, capsys, where)
    assert code == 2, output
    assert "at '--out'" in output and "Traceback" not in output
    assert snapshot(tmp_path) == before


def test_the_results_folder_gets_ordinary_permissions(monkeypatch, capsys, tmp_path):
    out = tmp_path / "bt"
    assert backtest(monkeypatch, capsys, out)[0] == 0
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~mask


def test_replacing_removes_optional_files_of_the_earlier_run(tmp_path):
    """A second run that writes fewer files (e.g. no percentiles) leaves no stale file behind."""
    out = tmp_path / "p"
    names = ("a.csv", "percentiler.csv", "manifest.json")
    write_folder_atomically(out, lambda t: [(t / n).write_text(MANIFEST if n == "manifest.json" else n)
                                            for n in names], names)
    write_folder_atomically(out, lambda t: [(t / "a.csv").write_text("again"), (t / "manifest.json").write_text(
        MANIFEST)], names)
    assert snapshot(out) == {"a.csv": b"again", "manifest.json": MANIFEST.encode()}


def test_patterns_name_what_may_be_replaced(tmp_path):
    out = tmp_path / "c"
    out.mkdir()
    (out / "vattenfall_hog.png").write_bytes(b"")
    (out / "manifest.json").write_text(MANIFEST)
    check_output_folder(out, ("vattenfall_*.png", "manifest.json"))
    (out / "vattenfall.txt").write_bytes(b"")
    with pytest.raises(InputError, match="vattenfall.txt"):
        check_output_folder(out, ("vattenfall_*.png", "manifest.json"))


@pytest.mark.parametrize("manifest", [None, '{"mine": 1}', "not json", "[" * 5000])
def test_files_named_like_outputs_without_resmodels_manifest_are_refused_and_left_alone(monkeypatch, capsys, tmp_path,
                                                                                       manifest):
    """A series saved as forecast.csv alone in a folder was replaced by the forecast written there (robustness
    review): names alone do not make an earlier output; resmodel's manifest.json beside them does."""
    out = tmp_path / "u"
    out.mkdir()
    (out / "forecast.csv").write_text(RATE.read_text())
    if manifest is not None:
        (out / "manifest.json").write_text(manifest)
    before = snapshot(out)
    code, said = cli(monkeypatch, capsys, "forecast", "--series", out / "forecast.csv", "--model", "naive", "--h", "2",
                     "--out", out)
    told = "without the manifest.json resmodel writes beside them" if manifest is None else \
        "with a manifest.json resmodel did not write"
    assert code == 2 and told in said, said
    assert snapshot(out) == before


@pytest.mark.parametrize("args", [
    ["demo", "--seed", "-1"],
    ["project", ROOT / "scenarios" / "base.yaml", "--draws", "5", "--seed", "-1"],
])
def test_negative_seeds_are_usage_errors(monkeypatch, capsys, tmp_path, args):
    monkeypatch.chdir(tmp_path)
    code, output = cli(monkeypatch, capsys, *args, "--out", tmp_path / "o")
    assert code == 2 and "Traceback" not in output and not (tmp_path / "o").exists()


def test_demo_needs_a_data_folder_with_parameters(monkeypatch, capsys, tmp_path):
    (tmp_path / "afile").write_text("x")
    for out in (tmp_path / "afile", tmp_path / "empty"):
        code, output = cli(monkeypatch, capsys, "demo", "--out", out)
        assert code == 2 and "parameters/" in output and "Traceback" not in output, output
    assert not (tmp_path / "empty").exists()


def test_a_link_as_output_folder_is_refused_and_an_old_sibling_is_left_alone(monkeypatch, capsys, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    code, output = backtest(monkeypatch, capsys, tmp_path / "link")
    assert code == 2 and "is a link" in output and "Traceback" not in output
    assert (tmp_path / "link").is_symlink()
    (tmp_path / ".bt.old").mkdir()  # a name the swap once used for the previous output
    (tmp_path / ".bt.old" / "keep.txt").write_text("mine")
    for _ in range(2):
        assert backtest(monkeypatch, capsys, tmp_path / "bt")[0] == 0
    assert (tmp_path / ".bt.old" / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bt.old", "bt", "link", "real"]


def test_results_that_cannot_replace_the_earlier_ones_are_a_located_error_and_the_earlier_stay(
        monkeypatch, capsys, tmp_path):
    """Code review: results open in Excel (Windows refuses the rename) or a full disk ended in a traceback, and a
    failed second rename lost the earlier results into a hidden folder."""
    out = tmp_path / "bt"
    assert backtest(monkeypatch, capsys, out)[0] == 0
    before = snapshot(out)
    real_replace, calls = os.replace, []

    def second_rename_fails(src, dst):
        calls.append(src)
        if len(calls) == 2:  # the earlier results moved aside; the new ones cannot take their place
            raise PermissionError(13, "Permission denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", second_rename_fails)
    code, output = backtest(monkeypatch, capsys, out)
    assert code == 2 and "at '--out'" in output and "the results could not be written (Permission denied)" in output
    assert "close the earlier results" in output and "Traceback" not in output
    monkeypatch.setattr(os, "replace", real_replace)
    assert snapshot(out) == before and sorted(p.name for p in tmp_path.iterdir()) == ["bt"]  # no hidden leftovers


def test_a_full_disk_while_writing_is_a_located_error_and_nothing_is_left(tmp_path):
    def write(tmp: Path) -> None:
        (tmp / "a.csv").write_text("x")
        raise OSError(28, "No space left on device", str(tmp / "b.csv"))

    with pytest.raises(InputError, match=r"could not be written \(No space left on device\)"):
        write_folder_atomically(tmp_path / "out", write, ("*.csv",))
    assert list(tmp_path.iterdir()) == []


def test_an_input_the_system_will_not_read_is_a_located_error(monkeypatch, capsys, tmp_path):
    """Code review: an unreadable users.csv (permissions, a lock) ended in a PermissionError traceback."""
    real_read = Path.read_bytes

    def locked(path: Path) -> bytes:
        if path.name == "users.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", locked)
    code, output = cli(monkeypatch, capsys, "run", ROOT / "scenarios" / "base.yaml", "--out", tmp_path / "o")
    assert code == 2 and "users.csv: the file cannot be read (Permission denied)" in output, output
    assert "Traceback" not in output and not (tmp_path / "o").exists()


def test_any_other_file_system_error_is_a_message_with_exit_status_2(monkeypatch, capsys, tmp_path):
    import resmodel.run

    def fails(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "data/demokommun/users.csv")

    monkeypatch.setattr(resmodel.run, "hash_files", fails)
    code, output = cli(monkeypatch, capsys, "run", ROOT / "scenarios" / "base.yaml", "--out", tmp_path / "o")
    assert code == 2 and output.startswith("error: data/demokommun/users.csv: the file could not be read or written "
                                           "(Permission denied)") and "Fix:" in output, output
    assert "Traceback" not in output and not (tmp_path / "o").exists()


def test_demo_tables_that_cannot_be_written_leave_the_folder_as_it_was(monkeypatch, capsys, tmp_path):
    """Code review: a folder named units.csv gave an IsADirectoryError traceback after premises.csv was replaced,
    and left .units.csv.tmp behind."""
    (tmp_path / "parameters").symlink_to(ROOT / "data" / "demokommun" / "parameters")
    (tmp_path / "premises.csv").write_text("old")
    (tmp_path / "units.csv").mkdir()
    code, output = cli(monkeypatch, capsys, "demo", "--out", tmp_path)
    assert code == 2 and "at '--out'" in output and "units.csv" in output and "Traceback" not in output, output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parameters", "premises.csv", "units.csv"]
    assert (tmp_path / "premises.csv").read_text() == "old"


def test_a_folder_that_cannot_be_written_is_refused_before_any_work(monkeypatch, capsys, tmp_path):
    """A read-only place for --out was found only when writing, after the work (45 s of forecast): now first. The
    test runs as any user, so the file system's answer is stood in for (root may write anywhere)."""
    import resmodel.io.writers as writers

    monkeypatch.setattr(writers.os, "access", lambda path, mode: Path(path) != tmp_path)
    worked = []
    monkeypatch.setattr("resmodel.run.load", lambda *a, **k: worked.append(1))
    code, said = cli(monkeypatch, capsys, "run", ROOT / "scenarios" / "base.yaml", "--out", tmp_path / "new" / "r")
    assert code == 2 and f"the output folder cannot be written: {tmp_path} takes no new files" in said, said
    assert not worked and not (tmp_path / "new").exists()
