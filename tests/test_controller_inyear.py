"""`resmodel inyear` on the exports a controller actually gets (controller's walkthrough): months not yet booked
or invoiced late, tkr mixed with SEK, a result report's signs, months and headers written another way."""

from __future__ import annotations

import sys
import warnings

import pandas as pd
import pytest

from resmodel.budget import inyear as iy
from tests.conftest import ROOT
from tests.csvedit import assert_located_refusal

DEMO = ROOT / "data" / "demokommun"
ACTUALS, FRAMES, CHANGES = (DEMO / f"budget_{n}.csv" for n in ("actuals", "frames", "changes"))


def _run(monkeypatch, *args):
    from resmodel.cli import main

    monkeypatch.setattr(sys, "argv", ["resmodel", "inyear", *map(str, args)])
    main()


def _refused(monkeypatch, capsys, tmp_path, actuals, frames=FRAMES, month=8) -> str:
    """The CLI's message for inputs it must refuse (exit 2, nothing written)."""
    with pytest.raises(SystemExit) as exc:
        _run(monkeypatch, "--actuals", actuals, "--frames", frames, "--year", 2024, "--month", month,
             "--out", tmp_path / "out")
    assert exc.value.code == 2
    return capsys.readouterr().err


def _actuals(tmp_path, edit, name="a.csv"):
    """A copy of the demo actuals changed by ``edit`` (a function of the table; row i is spreadsheet row i + 2)."""
    table = pd.read_csv(ACTUALS)
    edit(table)
    table.to_csv(tmp_path / name, index=False)
    return tmp_path / name


def _in(table, year, area=None, months=None):
    sel = table["year"] == year
    if area is not None:
        sel &= table["area"] == area
    if months is not None:
        sel &= table["month"].isin(months)
    return sel


# ------------------------------------------------------------------ finding 1: months not booked, late invoices


def test_months_booked_at_zero_up_to_the_forecast_month_are_refused_at_their_row(tmp_path, monkeypatch, capsys):
    """Controller: September–October exported at cost 0 with their volumes gave a 541.8 MSEK 'surplus', exit 0."""
    actuals = _actuals(tmp_path, lambda t: t.__setitem__("cost", t["cost"].where(~_in(t, 2024, months=[9, 10]), 0.0)))
    err = _refused(monkeypatch, capsys, tmp_path, actuals, month=10)
    # lss_boende 2024-09 is spreadsheet row 62 + 8 = 70
    assert_located_refusal(err, "a.csv, row 70, column 'cost'",
                           ["lss_boende 2024: months 9, 10 booked at 0 with a volume of 556.8, 556.4",
                            "not yet booked?", "--month 8", "still_to_come"], tmp_path / "out")
    assert err.count("error:") == 6  # one per area, the administration's (no volume measure) too


def test_a_month_at_zero_where_the_earlier_years_booked_nothing_either_is_accepted(tmp_path):
    """A month the profile itself has at 0 (billed another month in every year) is a pattern, not a missing booking."""
    table = pd.read_csv(ACTUALS)
    july = (table["area"] == "ovriga_lss") & (table["month"] == 7)
    table.loc[july, "cost"] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # its 0 / 0 residual had made the area's interval NaN
        f = iy.forecast(table, pd.read_csv(FRAMES), 2024, 8).set_index("area")
    assert f.loc["ovriga_lss", "forecast"] > f.loc["ovriga_lss", "cost_to_date"] > 0
    assert f.loc["ovriga_lss", "lo"] < f.loc["ovriga_lss", "forecast"] < f.loc["ovriga_lss", "hi"]


def _late(table):
    """Personal assistance's July and August 2024 at 85 % and 65 % of their cost (invoices still to come)."""
    for month, share in ((7, 0.85), (8, 0.65)):
        sel = _in(table, 2024, "personlig_assistans", [month])
        table.loc[sel, "cost"] = table.loc[sel, "cost"] * share


def test_late_invoices_are_named_with_area_months_and_size(tmp_path, monkeypatch, capsys):
    """Controller: July and August at 85 % / 65 % moved the forecast by 38 MSEK with no note."""
    _run(monkeypatch, "--actuals", _actuals(tmp_path, _late), "--frames", FRAMES, "--changes", CHANGES,
         "--year", 2024, "--month", 8, "--out", tmp_path / "o")
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, err
    # personal assistance July 2024 is spreadsheet row 212
    assert "a.csv, row 212, column 'cost': personlig_assistans 2024: months 7 (-12 %, -6.2 MSEK), 8 (-32 %, " \
           "-15.3 MSEK)" in warnings[0]
    assert "not yet booked or accrued? the forecast treats them as final" in warnings[0]


def test_the_demo_history_raises_no_off_rate_warning_in_2024():
    """The threshold (5 σ, at least 10 %) is not crossed by the demo's own months, from any month-end of 2024."""
    t = iy.check_actuals(pd.read_csv(ACTUALS))
    assert [w for k in range(1, 13) for w in iy.off_rate_months(t, 2024, k)] == []


def test_a_double_booked_month_is_named_too():
    t = pd.read_csv(ACTUALS)
    sel = _in(t, 2024, "lss_boende", [5])
    t.loc[sel, "cost"] = t.loc[sel, "cost"] * 2
    (warning,) = iy.off_rate_months(iy.check_actuals(t, "a.csv"), 2024, 8, "a.csv")
    assert warning.location.row == 62 + 4 and "lss_boende 2024: month 5 (+" in warning.message
    assert "booked twice" in warning.message


def test_months_after_the_forecast_month_exported_at_zero_are_left_out_with_a_note(tmp_path, monkeypatch, capsys):
    """Controller: September–December exported with cost and volume 0 were refused with 'the volume is 0 … fill
    in', though the forecast from August never uses them."""
    def unbooked(table):
        later = _in(table, 2024, months=[9, 10, 11, 12])
        table.loc[later, ["cost", "volume"]] = 0.0

    out = tmp_path / "o"
    _run(monkeypatch, "--actuals", _actuals(tmp_path, unbooked), "--frames", FRAMES, "--changes", CHANGES,
         "--year", 2024, "--month", 8, "--out", out)
    err = capsys.readouterr().err
    assert "has months 9–12 of 2024 booked at 0: months after --month 8 look unbooked, so they are not used" in err
    assert "give --month 12" not in err
    _run(monkeypatch, "--actuals", ACTUALS, "--frames", FRAMES, "--changes", CHANGES, "--year", 2024, "--month", 8,
         "--out", tmp_path / "demo")
    pd.testing.assert_frame_equal(pd.read_csv(out / "helarsprognos.csv"),
                                  pd.read_csv(tmp_path / "demo" / "helarsprognos.csv"))


# ------------------------------------------------------------------ finding 2: tkr and SEK mixed


def test_frames_in_tkr_are_refused_at_the_frame_row(tmp_path, monkeypatch, capsys):
    """Controller: frames in tkr gave a deviation of −2 736.4 MSEK, exit 0."""
    frames = pd.read_csv(FRAMES)
    frames["frame"] = frames["frame"] / 1000
    frames.to_csv(tmp_path / "frames.csv", index=False)
    err = _refused(monkeypatch, capsys, tmp_path, ACTUALS, tmp_path / "frames.csv")
    assert_located_refusal(err, "frames.csv, row 7, column 'frame'",
                           ["the frame of lss_boende 2024", "tkr and SEK mixed?", "between a third and three times"],
                           tmp_path / "out")


def test_one_year_of_actuals_in_tkr_is_refused(tmp_path, monkeypatch, capsys):
    """Controller: 2024 in tkr among earlier years in SEK, exit 0."""
    actuals = _actuals(tmp_path, lambda t: t.__setitem__("cost", t["cost"].where(~_in(t, 2024), t["cost"] / 1000)))
    err = _refused(monkeypatch, capsys, tmp_path, actuals)
    assert_located_refusal(err, "a.csv, row 62, column 'cost'",
                           ["lss_boende 2024: the monthly net cost", "tkr and SEK mixed?", "tkr × 1 000"],
                           tmp_path / "out")


# ------------------------------------------------------------------ finding 3: a result report's signs


def test_an_export_with_every_cost_negative_is_refused(tmp_path, monkeypatch, capsys):
    """Controller: all costs negated gave a board surplus of +5 437.6 MSEK and a flat seasonal profile, exit 0."""
    actuals = _actuals(tmp_path, lambda t: t.__setitem__("cost", -t["cost"]))
    err = _refused(monkeypatch, capsys, tmp_path, actuals)
    assert_located_refusal(err, "a.csv, row 62, column 'cost'",
                           ["lss_boende 2024: the net cost of months 1–8 is -705.1 MSEK, negative, while its frame "
                            "is 1,050.9 MSEK", "costs positive, income negative"], tmp_path / "out")


def test_a_year_with_the_opposite_sign_is_refused(tmp_path, monkeypatch, capsys):
    actuals = _actuals(tmp_path, lambda t: t.__setitem__("cost", t["cost"].where(~_in(t, 2024), -t["cost"])))
    err = _refused(monkeypatch, capsys, tmp_path, actuals)
    assert_located_refusal(err, "a.csv, row 62, column 'cost'",
                           ["lss_boende 2024: the net cost is negative", "2019–2023 are positive",
                            "the sign flips between years"], tmp_path / "out")


# ------------------------------------------------------------------ finding 4: months, headers and totals


@pytest.mark.parametrize("written, shown", [(lambda y, m: f"{y}-{m:02d}", "'2019-01' → 1"),
                                            (lambda y, m: f"{y}{m:02d}", "'201901' → 1"),
                                            (lambda y, m: ["januari", "februari", "mars", "april", "maj", "juni", "juli",
                                                           "augusti", "september", "oktober", "november",
                                                           "december"][m - 1], "'januari' → 1")])
def test_months_written_as_dates_or_names_are_one_message(tmp_path, monkeypatch, capsys, written, shown):
    actuals = _actuals(tmp_path, lambda t: t.__setitem__("month", [written(y, m) for y, m in
                                                                   zip(t["year"], t["month"], strict=True)]))
    err = _refused(monkeypatch, capsys, tmp_path, actuals)
    assert_located_refusal(err, "a.csv, row 2, column 'month'", ["432 rows write the month as a date or a name",
                                                                 shown, "write the month number 1–12"],
                           tmp_path / "out")
    assert err.count("error:") == 1


def test_capitalised_headers_are_read_and_swedish_ones_named_in_one_message(tmp_path, monkeypatch, capsys):
    lines = ACTUALS.read_text(encoding="utf-8").splitlines()
    (tmp_path / "cap.csv").write_text("\n".join(["Year,Month,Area,Cost,Volume", *lines[1:]]) + "\n", encoding="utf-8")
    frames = FRAMES.read_text(encoding="utf-8").splitlines()
    (tmp_path / "f.csv").write_text("\n".join(["YEAR, Area ,Frame", *frames[1:]]) + "\n", encoding="utf-8")
    _run(monkeypatch, "--actuals", tmp_path / "cap.csv", "--frames", tmp_path / "f.csv", "--year", 2024,
         "--month", 8, "--out", tmp_path / "o")
    assert (tmp_path / "o" / "helarsprognos.csv").exists()
    capsys.readouterr()
    (tmp_path / "sv.csv").write_text("\n".join(["År,Månad,Område,Kostnad,Volym", *lines[1:]]) + "\n", encoding="utf-8")
    err = _refused(monkeypatch, capsys, tmp_path, tmp_path / "sv.csv")
    assert_located_refusal(err, "sv.csv, row 1", ["the header names the columns in Swedish",
                                                  "År → year, Månad → month, Område → area, Kostnad → cost, "
                                                  "Volym → volume"], tmp_path / "out")
    assert err.count("error:") == 1


def test_a_total_in_the_area_column_is_one_message(tmp_path, monkeypatch, capsys):
    actuals = tmp_path / "a.csv"
    actuals.write_text(ACTUALS.read_text(encoding="utf-8") + ",,Summa,2752300000,\n", encoding="utf-8")
    err = _refused(monkeypatch, capsys, tmp_path, actuals)
    assert_located_refusal(err, "a.csv, row 434, column 'area'", ["row 434 looks like a total row ('Summa')",
                                                                  "delete the total row"], tmp_path / "out")
    assert err.count("error:") == 1
