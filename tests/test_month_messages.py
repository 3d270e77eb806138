"""Months written another way get one line with the conversion in every reader, and a date within a month is told
its month (planner walk: the triangle listed five rows of '201501 is not a valid month'; a series said 'not a period'
of 2015-01-15 where the triangle said 'a date within a month')."""

from __future__ import annotations

from pathlib import Path

from .clirun import run_main

DEMO = Path(__file__).resolve().parents[1] / "data" / "demokommun"


def test_a_triangle_with_packed_months_is_one_line_per_column_with_the_conversion(tmp_path, monkeypatch, capsys):
    lines = (DEMO / "invoice_triangle.csv").read_text().splitlines()
    packed = [lines[0]] + [",".join([*(c.replace("-", "") for c in line.split(",")[:2]), *line.split(",")[2:]])
                           for line in lines[1:]]
    triangle = tmp_path / "triangle.csv"
    triangle.write_text("\n".join(packed) + "\n")
    code, _, err = run_main(monkeypatch, capsys, "nowcast", "--triangle", triangle, "--out", tmp_path / "out")
    assert code == 2 and not (tmp_path / "out").exists()
    assert err.count("write the month another way (201501 → 2015-01") == 1
    assert "reporting_month': " in err and "is not a valid month" not in err


def test_a_series_date_within_a_month_is_told_its_month(tmp_path, monkeypatch, capsys):
    series = tmp_path / "series.csv"
    series.write_text("unique_id,ds,y\n" + "".join(f"a,2015-{m:02d}-15,{10 + m}\n" for m in range(1, 13)))
    code, _, err = run_main(monkeypatch, capsys, "forecast", "--series", series, "--out", tmp_path / "out")
    assert code == 2 and "'2015-01-15' is not a period" in err
    assert "a date within a month is no period: write the month, 2015-01" in err
