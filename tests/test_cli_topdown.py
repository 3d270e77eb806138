"""`resmodel topdown`: a board with only aggregates reproduces its published 2024 figures."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from tests.conftest import ROOT


def _run(monkeypatch, *args):
    from resmodel.cli import main

    monkeypatch.setattr(sys, "argv", ["resmodel", "topdown", *map(str, args)])
    main()


def test_topdown_cli_reconciles_the_shipped_board(tmp_path, monkeypatch, capsys):
    _run(monkeypatch, ROOT / "data" / "topdown_2024", "--out", tmp_path / "td")
    checked = pd.read_csv(tmp_path / "td" / "avstamning.csv")
    assert checked["within"].all() and len(checked) >= 9
    areas = pd.read_csv(tmp_path / "td" / "omraden.csv").set_index("area")
    assert areas.loc["total", "deviation"] == pytest.approx(areas.loc["total", "frame"] - areas.loc["total", "net_cost"])
    assert "published targets within tolerance" in capsys.readouterr().out


def test_topdown_missing_folder_is_located(tmp_path, monkeypatch, capsys):
    with pytest.raises(SystemExit) as exc:
        _run(monkeypatch, tmp_path / "nowhere", "--out", tmp_path / "out")
    assert exc.value.code == 2 and "top-down folder not found" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
