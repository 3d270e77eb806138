"""`resmodel inyear`: full-year forecast per area from the demo's year-to-date actuals."""

from __future__ import annotations

import csv
import shutil
import sys

import pandas as pd
import pytest

from tests.conftest import ROOT
from tests.csvedit import assert_located_refusal, edit_csv, insert_empty_row

DEMO = ROOT / "data" / "demokommun"


def _run(monkeypatch, *args):
    from resmodel.cli import main

    monkeypatch.setattr(sys, "argv", ["resmodel", "inyear", *map(str, args)])
    main()


def test_inyear_forecast_per_area_with_frame_and_backtest(tmp_path, monkeypatch, capsys):
    out = tmp_path / "iy"
    _run(monkeypatch, "--actuals", DEMO / "budget_actuals.csv", "--frames", DEMO / "budget_frames.csv",
         "--changes", DEMO / "budget_changes.csv", "--year", 2024, "--month", 8, "--out", out)
    table = pd.read_csv(out / "helarsprognos.csv")
    assert set(table["area"]) >= {"lss_boende", "daglig_verksamhet", "personlig_assistans", "total"}
    assert (table["frame"] > 0).all() and (table["lo"] <= table["forecast"]).all() and (table["forecast"] <= table["hi"]).all()
    total = table.set_index("area").loc["total"]
    assert total["deviation"] == pytest.approx(total["frame"] - total["forecast"])
    backtest = pd.read_csv(out / "backtest.csv")
    assert set(backtest["year"]) == {2020, 2021, 2022, 2023}
    assert "board error by month" in capsys.readouterr().out


def test_inyear_bad_frame_file_is_located_and_writes_nothing(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "frames.csv"
    bad.write_text("year,area,frame\n20x4,lss_boende,1\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        _run(monkeypatch, "--actuals", DEMO / "budget_actuals.csv", "--frames", bad, "--year", 2024, "--month", 8,
             "--out", tmp_path / "out")
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "frames.csv, row 2, column 'year'" in err and "Fix:" in err
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ broken input files
# Each case corrupts one demo file (row = spreadsheet row, header = row 1); the CLI must exit 2
# with a located message (file, row, column), never a traceback, and write nothing.


ACTUALS, FRAMES, CHANGES = (DEMO / f"budget_{n}.csv" for n in ("actuals", "frames", "changes"))
ALL_ROWS = range(1, 1000)
BROKEN = [
    # (id, file to corrupt, edit, extra CLI args, where, texts that must appear)
    ("cost-decimal-comma", "actuals", dict(row=64, column="cost", value="80271404,5"), (),
     "actuals.csv, row 64, column 'cost'",
     ["'80271404,5' is not an amount", "'.' as decimal point"]),
    ("cost-text", "actuals", dict(row=64, column="cost", value="abc"), (),
     "actuals.csv, row 64, column 'cost'",
     ["'abc' is not an amount"]),
    ("cost-empty", "actuals", dict(row=64, column="cost", value=""), (), "actuals.csv, row 64, column 'cost'",
     ["the cost is empty"]),
    ("cost-thousands-spaces", "actuals", dict(row=64, column="cost", value="80 271 404"), (),
     "actuals.csv, row 64, column 'cost'",
     ["'80 271 404' is not an amount", "no spaces"]),
    ("volume-decimal-comma", "actuals", dict(row=64, column="volume", value="552,3"), (),
     "actuals.csv, row 64, column 'volume'",
     ["'552,3' is not a number", "'.' as decimal point"]),
    ("volume-text", "actuals", dict(row=64, column="volume", value="abc"), (),
     "actuals.csv, row 64, column 'volume'",
     ["'abc' is not a number"]),
    ("volume-empty-among-volumes", "actuals", dict(row=64, column="volume", value=""), (),
     "actuals.csv, row 64, column 'volume'",
     ["the volume is empty while other months of lss_boende 2024 have a volume"]),
    ("actuals-unknown-column", "actuals", dict(add_column="note"), (), "actuals.csv, row 1, column 'note'",
     ["unknown column 'note'", "year, month, area, cost, volume"]),
    ("actuals-header-only", "actuals", dict(keep_rows=[]), (),
     "actuals.csv, row 2", ["the file has a header but no rows"]),
    ("year-not-in-actuals", "actuals", dict(keep_rows=ALL_ROWS), ("--year", 1900), "actuals.csv",
     ["no actuals for 1900", "the file has the years 2019–2024"]),
    ("frame-missing-area-year", "frames", dict(keep_rows=[r for r in ALL_ROWS if r != 7]), (), "frames.csv",
     ["no frame for lss_boende 2024"]),
    ("frames-header-only", "frames", dict(keep_rows=[]), (),
     "frames.csv, row 2", ["the file has a header but no rows"]),
    ("frame-duplicate-row", "frames", dict(append=7), (), "frames.csv, row 38",
     ["lss_boende 2024 appears twice (rows 7 and 38)"]),
    ("actuals-duplicate-row", "actuals", dict(append=7), (), "actuals.csv, row 434",
     ["lss_boende 2019-06 appears twice (rows 7 and 434)", "costs are not summed"]),
    ("frame-negative", "frames", dict(row=7, column="frame", value="-1050903759"), (),
     "frames.csv, row 7, column 'frame'",
     ["negative frame"]),
    ("frame-decimal-comma", "frames", dict(row=7, column="frame", value="1050,9"), (),
     "frames.csv, row 7, column 'frame'",
     ["'1050,9' is not an amount", "'.' as decimal point"]),
    ("frames-unknown-column", "frames", dict(add_column="note"), (),
     "frames.csv, row 1, column 'note'", ["unknown column 'note'"]),
    ("change-month-14", "changes", dict(row=2, column="month", value="14"), (),
     "changes.csv, row 2, column 'month'",
     ["'14' is not a month", "1–12"]),
    ("change-known-month-0", "changes", dict(row=2, column="known_month", value="0"), (),
     "changes.csv, row 2, column 'known_month'",
     ["'0' is not a month"]),
    ("change-decimal-comma", "changes", dict(row=2, column="volume_change", value="1,5"), (),
     "changes.csv, row 2, column 'volume_change'",
     ["'1,5' is not a number", "'.' as decimal point"]),
]


@pytest.mark.parametrize("name, which, edit, args, where, texts", BROKEN, ids=[c[0] for c in BROKEN])
def test_inyear_broken_input_is_located_and_writes_nothing(tmp_path, monkeypatch, capsys, name, which, edit, args,
                                                           where, texts):
    files = {"actuals": ACTUALS, "frames": FRAMES, "changes": CHANGES}
    files[which] = edit_csv(files[which], tmp_path / f"{which}.csv", **edit)
    cli_args = {"--year": 2024, "--month": 8}
    cli_args.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(SystemExit) as exc:
        _run(monkeypatch, "--actuals", files["actuals"], "--frames", files["frames"], "--changes", files["changes"],
             *[x for kv in cli_args.items() for x in kv], "--out", tmp_path / "out")
    assert exc.value.code == 2
    assert_located_refusal(capsys.readouterr().err, where, texts, tmp_path / "out")


# ------------------------------------------------------------------ empty rows inside a table
# An empty row (',,,,' in CSV, an empty row in Excel) is skipped like in every other table, and
# the rows after it keep their spreadsheet numbers in messages.


def _as_xlsx(source, target, empty_row: int):
    """An .xlsx copy of a CSV with nothing in spreadsheet row ``empty_row`` (as Excel leaves it)."""
    from openpyxl import Workbook

    with open(source, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows.insert(empty_row - 1, None)
    workbook = Workbook()
    for r, cells in enumerate(rows, start=1):
        for c, value in enumerate(cells or [], start=1):
            workbook.active.cell(row=r, column=c, value=value if r == 1 else _number_or_text(value))
    workbook.save(target)
    return target


def _number_or_text(value: str):
    """A cell as Excel would hold it: a number where the text is one."""
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def _outputs(monkeypatch, out, actuals, frames, changes):
    _run(monkeypatch, "--actuals", actuals, "--frames", frames, "--changes", changes, "--year", 2024, "--month", 8,
         "--out", out)
    return {name: pd.read_csv(out / name) for name in ("helarsprognos.csv", "backtest.csv")}


def test_an_empty_row_inside_the_csv_files_is_skipped(tmp_path, monkeypatch):
    expected = _outputs(monkeypatch, tmp_path / "plain", ACTUALS, FRAMES, CHANGES)
    files = {which: insert_empty_row(shutil.copy(source, tmp_path / f"{which}.csv"), at)
             for which, source, at in (("actuals", ACTUALS, 100), ("frames", FRAMES, 10), ("changes", CHANGES, 4))}
    assert ",,,,\n" in files["actuals"].read_text(encoding="utf-8")
    got = _outputs(monkeypatch, tmp_path / "gap", files["actuals"], files["frames"], files["changes"])
    for name, table in expected.items():
        pd.testing.assert_frame_equal(got[name], table)


def test_an_empty_row_inside_the_xlsx_files_is_skipped(tmp_path, monkeypatch):
    expected = _outputs(monkeypatch, tmp_path / "plain", ACTUALS, FRAMES, CHANGES)
    actuals = _as_xlsx(ACTUALS, tmp_path / "actuals.xlsx", empty_row=100)
    frames = _as_xlsx(FRAMES, tmp_path / "frames.xlsx", empty_row=10)
    got = _outputs(monkeypatch, tmp_path / "gap", actuals, frames, CHANGES)
    for name, table in expected.items():
        pd.testing.assert_frame_equal(got[name], table)


AFTER_EMPTY_ROW = [
    # (id, file, edit of the original file, empty row inserted at, where (the row as the file now has it), texts)
    ("cost-text", "actuals", dict(row=64, column="cost", value="abc"), 5,
     "actuals.csv, row 65, column 'cost'", ["'abc' is not an amount"]),
    ("volume-empty-among-volumes", "actuals", dict(row=64, column="volume", value=""), 5,
     "actuals.csv, row 65, column 'volume'", ["the volume is empty while other months"]),
    ("actuals-duplicate-row", "actuals", dict(append=7), 5, "actuals.csv, row 435",
     ["lss_boende 2019-06 appears twice (rows 8 and 435)"]),
    ("frame-negative", "frames", dict(row=7, column="frame", value="-1"), 3,
     "frames.csv, row 8, column 'frame'", ["negative frame"]),
    ("frame-area", "frames", dict(row=7, column="area", value="lss_boend"), 3,
     "frames.csv, row 8, column 'area'", ["unknown report area 'lss_boend'"]),
    ("frame-year", "frames", dict(row=7, column="year", value="20x4"), 3,
     "frames.csv, row 8, column 'year'", ["'20x4' is not a whole number"]),
    ("frame-duplicate-row", "frames", dict(append=7), 3, "frames.csv, row 39",
     ["lss_boende 2024 appears twice (rows 8 and 39)"]),
    ("change-month-14", "changes", dict(row=3, column="month", value="14"), 2,
     "changes.csv, row 4, column 'month'", ["'14' is not a month"]),
    ("change-volume-text", "changes", dict(row=3, column="volume_change", value="abc"), 2,
     "changes.csv, row 4, column 'volume_change'", ["'abc' is not a number"]),
    ("change-area", "changes", dict(row=3, column="area", value="lss_boend"), 2,
     "changes.csv, row 4, column 'area'", ["unknown report area 'lss_boend'"]),
    ("change-known-late", "changes", dict(row=3, column="known_year", value="2030"), 2,
     "changes.csv, row 4, column 'known_month'", ["change known only after it takes effect"]),
]


@pytest.mark.parametrize("name, which, edit, at, where, texts", AFTER_EMPTY_ROW, ids=[c[0] for c in AFTER_EMPTY_ROW])
def test_a_bad_cell_after_an_empty_row_names_its_spreadsheet_row(tmp_path, monkeypatch, capsys, name, which, edit,
                                                                 at, where, texts):
    files = {"actuals": ACTUALS, "frames": FRAMES, "changes": CHANGES}
    files[which] = insert_empty_row(edit_csv(files[which], tmp_path / f"{which}.csv", **edit), at)
    with pytest.raises(SystemExit) as exc:
        _outputs(monkeypatch, tmp_path / "out", files["actuals"], files["frames"], files["changes"])
    assert exc.value.code == 2
    assert_located_refusal(capsys.readouterr().err, where, texts, tmp_path / "out")


def test_a_bad_cell_after_an_empty_xlsx_row_names_its_spreadsheet_row(tmp_path, monkeypatch, capsys):
    frames = _as_xlsx(edit_csv(FRAMES, tmp_path / "frames.csv", row=7, column="frame", value="-1"),
                      tmp_path / "frames.xlsx", empty_row=3)
    with pytest.raises(SystemExit):
        _outputs(monkeypatch, tmp_path / "out", ACTUALS, frames, CHANGES)
    assert_located_refusal(capsys.readouterr().err, "frames.xlsx, row 8, column 'frame'", ["negative frame"],
                           tmp_path / "out")


def test_an_incomplete_earlier_year_is_left_out_of_the_backtest_with_a_note(tmp_path, monkeypatch, capsys):
    """Economist review: 2023 with only January–June made the run fail in the backtest, at 'inyear.…2023-07',
    with advice to forecast from an earlier month."""
    actuals = pd.read_csv(DEMO / "budget_actuals.csv")
    cut = actuals[~((actuals["year"] == 2023) & (actuals["month"] > 6))]
    cut.to_csv(tmp_path / "a.csv", index=False)
    out = tmp_path / "iy"
    _run(monkeypatch, "--actuals", tmp_path / "a.csv", "--frames", DEMO / "budget_frames.csv",
         "--year", 2024, "--month", 9, "--out", out)
    captured = capsys.readouterr()
    assert "2023 in " in captured.err and "is not complete (12 months in every area it has), so the backtest leaves it out" \
        in captured.err
    assert 2023 not in set(pd.read_csv(out / "backtest.csv")["year"])


def test_a_total_row_under_the_actuals_is_one_problem(tmp_path, monkeypatch, capsys):
    actuals = tmp_path / "actuals.csv"
    actuals.write_text(ACTUALS.read_text(encoding="utf-8") + "Summa,,,2716700000,\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        _run(monkeypatch, "--actuals", actuals, "--frames", FRAMES, "--year", 2024, "--month", 8,
             "--out", tmp_path / "out")
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert_located_refusal(err, "actuals.csv, row 434", ["row 434 looks like a total row ('Summa')",
                                                         "delete the total row"], tmp_path / "out")
    assert err.count("error:") == 1  # not also 'not a month' and 'unknown report area'


def test_actuals_after_the_forecast_month_are_named_as_not_used(tmp_path, monkeypatch, capsys):
    _run(monkeypatch, "--actuals", ACTUALS, "--frames", FRAMES, "--year", 2024, "--month", 8,
         "--out", tmp_path / "out")
    err = capsys.readouterr().err
    assert "actuals.csv has months 9–12 of 2024, which this forecast from month 8 does not use" in err
    assert "--month 12" in err
    cut = edit_csv(ACTUALS, tmp_path / "to_august.csv",
                   keep_rows=[i for i, line in enumerate(ACTUALS.read_text(encoding="utf-8").splitlines(), start=1)
                              if not line.startswith("2024,") or int(line.split(",")[1]) <= 8])
    _run(monkeypatch, "--actuals", cut, "--frames", FRAMES, "--year", 2024, "--month", 8, "--out", tmp_path / "o2")
    assert "does not use" not in capsys.readouterr().err


def test_actuals_of_the_forecast_year_only_say_what_the_method_cannot_learn(tmp_path, monkeypatch, capsys):
    lines = ACTUALS.read_text(encoding="utf-8").splitlines()
    this_year = edit_csv(ACTUALS, tmp_path / "a.csv", keep_rows=[i for i, line in enumerate(lines, start=1)
                                                                 if line.startswith("2024,")])
    frames = edit_csv(FRAMES, tmp_path / "f.csv", keep_rows=[i for i, line in enumerate(
        FRAMES.read_text(encoding="utf-8").splitlines(), start=1) if line.startswith("2024,")])
    _run(monkeypatch, "--actuals", this_year, "--frames", frames, "--year", 2024, "--month", 12, "--out", tmp_path / "o")
    assert "no complete year before 2024, so the seasonal profile is flat" in capsys.readouterr().err
    _run(monkeypatch, "--actuals", ACTUALS, "--frames", FRAMES, "--year", 2024, "--month", 12, "--out", tmp_path / "o2")
    assert "seasonal profile is flat" not in capsys.readouterr().err


def test_a_bad_number_in_a_swedish_semicolon_file_is_fixed_in_that_file_format(tmp_path, monkeypatch, capsys):
    """Review: a bad cell in a ';' file with decimal commas was told to use '.' as decimal point — which would
    break every other number of the file."""
    lines = ACTUALS.read_text(encoding="utf-8").splitlines()
    swedish = [line.replace(",", ";").replace(".", ",") for line in lines]
    swedish[2] = swedish[2].rsplit(";", 2)[0] + ";abc;" + swedish[2].rsplit(";", 1)[1]
    (tmp_path / "a.csv").write_text("\n".join(swedish) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        _run(monkeypatch, "--actuals", tmp_path / "a.csv", "--frames", FRAMES, "--year", 2024, "--month", 8,
             "--out", tmp_path / "out")
    err = capsys.readouterr().err
    assert "a.csv, row 3, column 'cost': 'abc' is not an amount" in err
    assert "',' as decimal point (as in this ';' file)" in err and "'.' as decimal point" not in err


def test_the_forecast_folder_has_a_manifest_with_the_inputs_hashes(tmp_path, monkeypatch):
    """New-user walkthrough: inyear was the only command without a manifest.json (which inputs made these numbers?)."""
    import hashlib
    import json

    _run(monkeypatch, "--actuals", ACTUALS, "--frames", FRAMES, "--year", 2024, "--month", 8, "--out", tmp_path / "o")
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "inyear" and manifest["options"]["month"] == 8
    assert manifest["options"]["actuals"]["sha256"] == hashlib.sha256(ACTUALS.read_bytes()).hexdigest()


def test_an_area_without_cost_to_date_is_forecast_zero_with_a_note_not_nan(tmp_path, monkeypatch, capsys):
    """Fuzzing review: an area whose cost was 0 every month leaked numpy's 0/0 warnings and left its interval
    empty without a word."""
    import warnings

    actuals = pd.read_csv(DEMO / "budget_actuals.csv")
    actuals.loc[actuals["area"] == "ovriga_lss", "cost"] = 0.0
    actuals.to_csv(tmp_path / "a.csv", index=False)
    out = tmp_path / "iy"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning (invalid value in divide) fails the test
        _run(monkeypatch, "--actuals", tmp_path / "a.csv", "--frames", DEMO / "budget_frames.csv", "--year", 2024,
             "--month", 5, "--out", out)
    row = pd.read_csv(out / "helarsprognos.csv").set_index("area").loc["ovriga_lss"]
    assert row[["forecast", "sd", "lo", "hi"]].tolist() == [0.0, 0.0, 0.0, 0.0]
    err = capsys.readouterr().err
    assert "note: ovriga_lss in " in err and "has no cost in months 1–5 of 2024, so the forecast is 0" in err


def test_each_table_is_checked_once_per_command(tmp_path, monkeypatch):
    """Code review: the command checked the frames and changes itself, the forecast checked all three again, the
    command the actuals once more and the backtest all three a fourth time."""
    from resmodel.budget import inyear, inyear_checks

    calls = {}
    for name in ("check_actuals", "check_frames", "check_changes"):
        def counted(*args, _check=getattr(inyear_checks, name), _name=name, **kwargs):
            calls[_name] = calls.get(_name, 0) + 1
            return _check(*args, **kwargs)
        for module in (inyear_checks, inyear):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, counted)
    _outputs(monkeypatch, tmp_path / "out", ACTUALS, FRAMES, CHANGES)
    assert calls == {"check_actuals": 1, "check_frames": 1, "check_changes": 1}


def test_with_one_complete_year_the_forecast_is_written_without_a_backtest(tmp_path, monkeypatch, capsys):
    """The backtest's rule (two complete years) is the core's (inyear.backtest_years), not the command's own."""
    actuals = pd.read_csv(ACTUALS)
    actuals[actuals["year"] >= 2023].to_csv(tmp_path / "a.csv", index=False)
    out = tmp_path / "out"
    _run(monkeypatch, "--actuals", tmp_path / "a.csv", "--frames", FRAMES, "--year", 2024, "--month", 6, "--out", out)
    assert sorted(p.name for p in out.iterdir()) == ["helarsprognos.csv", "manifest.json"]
    assert "backtest" not in capsys.readouterr().out
