"""A roster headed with resmodel's own workbook labels ('Slut (end)', 'Rast från (break start)') is told to rename
each header to its column — not that '(end)' is another unit, nor to remove 'Start (start)' (shift-plan review)."""

from __future__ import annotations

from pathlib import Path

from .clirun import run_main

DEMO = Path(__file__).resolve().parents[1] / "data" / "demokommun"
LABELS = {"Personal": "staff_id", "Veckodag (weekday)": "weekday", "Start (start)": "start", "Slut (end)": "end",
          "Rast från (break start)": "break_start", "Rast till (break end)": "break_end"}


def test_workbook_labels_as_roster_headers_are_told_their_columns(tmp_path, monkeypatch, capsys):
    lines = (DEMO / "roster_DV001.csv").read_text().splitlines()
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join([",".join(LABELS), *lines[1:]]) + "\n")
    code, _, err = run_main(monkeypatch, capsys, "shift-plan", "--unit", "DV001", "--attendance",
                            DEMO / "attendance_DV001.csv", "--roster", roster, "--out", tmp_path / "out")
    assert code == 2 and not (tmp_path / "out").exists()
    for label, column in LABELS.items():
        assert f"Fix: '{label}' is '{column}' here: rename it to '{column}'" in err, label
    assert "another unit" not in err and "remove the column" not in err
