"""`resmodel inyear`: full-year forecast per area from the demo's year-to-date actuals."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from tests.conftest import ROOT
from tests.csvedit import assert_located_refusal, edit_csv

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
