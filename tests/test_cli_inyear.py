"""`resmodel inyear`: full-year forecast per area from the demo's year-to-date actuals."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from tests.conftest import ROOT

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
