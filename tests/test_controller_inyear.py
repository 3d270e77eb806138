"""`resmodel inyear` on the exports a controller actually gets (controller's walkthrough): months not yet booked
or invoiced late, tkr mixed with SEK, a result report's signs, months and headers written another way."""

from __future__ import annotations

import sys
import warnings

import pandas as pd
import pytest

from resmodel.budget import inyear as iy
from resmodel.budget import inyear_checks as checks
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
    t = checks.check_actuals(pd.read_csv(ACTUALS))
    assert [w for k in range(1, 13) for w in iy.off_rate_months(t, 2024, k)] == []


def test_a_double_booked_month_is_named_too():
    t = pd.read_csv(ACTUALS)
    sel = _in(t, 2024, "lss_boende", [5])
    t.loc[sel, "cost"] = t.loc[sel, "cost"] * 2
    (warning,) = iy.off_rate_months(checks.check_actuals(t, "a.csv"), 2024, 8, "a.csv")
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
                           ["the frame of lss_boende 2024", "tkr and SEK mixed?", "between 1/30 and 30 times",
                            "tkr × 1 000"],
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


# ------------------------------------------------------------------ review of the checks (9dd9943, 6bb4280)
# The checks above must not refuse legitimate data: an odd past year, an area booked centrally, a central reserve.

ADMIN = "forvaltningsovergripande"


def _small_admin(table, one_off):
    """The administration at 1/20 (about 0.55 MSEK a month) with a one-off income in 2021-12 (a state grant booked
    centrally): −7 MSEK makes 2021's net negative, −5.9 MSEK near 0."""
    admin = table["area"] == ADMIN
    table.loc[admin, "cost"] = table.loc[admin, "cost"] / 20
    table.loc[_in(table, 2021, ADMIN, [12]), "cost"] = one_off


def _small_admin_frames(tmp_path, factor=1 / 20):
    frames = pd.read_csv(FRAMES)
    frames.loc[frames["area"] == ADMIN, "frame"] *= factor
    frames.to_csv(tmp_path / "frames.csv", index=False)
    return tmp_path / "frames.csv"


@pytest.mark.parametrize("one_off, net", [(-7.0e6, "-1.1"), (-5.9e6, "0.0")])
def test_a_past_year_with_a_one_off_income_is_left_out_of_the_profile_with_a_warning(tmp_path, monkeypatch, capsys,
                                                                                      one_off, net):
    """Review: 2021's one-off made the whole forecast refused — 'the sign flips … export 2021 with the same signs'
    (−7 MSEK) or '1/150 of the area's median year's … tkr × 1 000' (−5.9 MSEK) — fixes that would corrupt data."""
    actuals = _actuals(tmp_path, lambda t: _small_admin(t, one_off))
    out = tmp_path / "o"
    _run(monkeypatch, "--actuals", actuals, "--frames", _small_admin_frames(tmp_path), "--year", 2024, "--month", 8,
         "--out", out)
    err = capsys.readouterr().err
    assert "error:" not in err and "sign flips" not in err and "tkr" not in err
    # the file runs area by area: forvaltningsovergripande 2021-12 is spreadsheet row 2 + 5 × 72 + 2 × 12 + 11 = 397
    assert (f"warning: [inyear.year_left_out] {actuals}, row 397, column 'cost': {ADMIN} 2021: month 12 "
            f"({one_off / 1e6:,.1f} MSEK) of net income leaves a net cost of {net} MSEK") in err
    assert "The forecast leaves 2021 out of the area's seasonal profile, spread and past errors" in err
    row = pd.read_csv(out / "helarsprognos.csv").set_index("area").loc[ADMIN]
    # the run rate of 0.6 MSEK a month carried on, the interval as narrow as the area's other years make it
    assert 7.0e6 < row["forecast"] < 8.5e6 and row["hi"] - row["lo"] < 0.05 * row["forecast"]


def test_only_the_years_the_forecast_uses_are_judged(tmp_path, monkeypatch, capsys):
    """An export with 2019 in a result report's signs: 2024's forecast (profile from 2021–2023) does not use it;
    2021's (profile from 2019–2020) does, and is refused."""
    actuals = _actuals(tmp_path, lambda t: t.__setitem__("cost", t["cost"].where(~_in(t, 2019), -t["cost"])))
    _run(monkeypatch, "--actuals", actuals, "--frames", FRAMES, "--year", 2024, "--month", 8, "--out", tmp_path / "o")
    assert "error:" not in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        _run(monkeypatch, "--actuals", actuals, "--frames", FRAMES, "--year", 2021, "--month", 8,
             "--out", tmp_path / "out")
    assert exc.value.code == 2
    assert_located_refusal(capsys.readouterr().err, "a.csv, row 2, column 'cost'",
                           ["lss_boende 2019: the net cost is negative in every month", "2020–2024 are positive",
                            "the sign flips between years"], tmp_path / "out")


def test_a_year_fifty_times_smaller_is_a_warning_without_tkr_advice(tmp_path, monkeypatch, capsys):
    """Only about 1 000× (tkr among SEK) is refused; a year 1/50 of the others is said, and no 'tkr × 1 000' offered."""
    actuals = _actuals(tmp_path, lambda t: t.__setitem__("cost", t["cost"].where(~_in(t, 2022, ADMIN), t["cost"] / 50)))
    _run(monkeypatch, "--actuals", actuals, "--frames", FRAMES, "--year", 2024, "--month", 8, "--out", tmp_path / "o")
    err = capsys.readouterr().err
    assert "error:" not in err and "tkr" not in err
    # forvaltningsovergripande 2022-01 is spreadsheet row 2 + 5 × 72 + 3 × 12 = 398
    assert f"warning: [inyear.year_off_scale] {actuals}, row 398, column 'cost': {ADMIN} 2022: the monthly net cost " \
           "(median 223,968 in absolute value) is 1/52 of the median of 2021–2024 (11,646,450)" in err


def test_a_one_off_income_that_makes_the_cost_to_date_negative_is_not_called_a_sign_error(tmp_path, monkeypatch,
                                                                                          capsys):
    """Review: a retroactive reimbursement in March (net cost to date −43 MSEK) was told 'export the amounts with the
    opposite sign', which would turn every other month negative; the two sign checks are now one."""
    def reimbursement(t):
        to_date = _in(t, 2024, "personlig_assistans", range(1, 9))
        t.loc[_in(t, 2024, "personlig_assistans", [3]), "cost"] = -t.loc[to_date, "cost"].sum()

    err = _refused(monkeypatch, capsys, tmp_path, _actuals(tmp_path, reimbursement))
    # personlig_assistans 2024-03 is spreadsheet row 206 + 2 = 208
    assert_located_refusal(err, "a.csv, row 208, column 'cost'",
                           ["personlig_assistans 2024: the net cost of months 1–8 is -43.4 MSEK, negative, while its "
                            "frame is 562.1 MSEK: month 3 (-369.2 MSEK) outweighs the other months' cost",
                            "a one-off income", "keep the signs"], tmp_path / "out")
    assert "opposite sign" not in err and err.count("error:") == 1


def test_a_frame_three_times_the_net_cost_is_a_warning_with_one_decimal(tmp_path, monkeypatch, capsys):
    """Review: a central reserve (nämndreserv) in the administration's frame, 3.2 × its 2024 frame, was refused as
    'tkr and SEK mixed? … 3 times … tkr × 1 000'."""
    out = tmp_path / "o"
    _run(monkeypatch, "--actuals", ACTUALS, "--frames", _small_admin_frames(tmp_path, 3.2), "--year", 2024,
         "--month", 8, "--out", out)
    err = capsys.readouterr().err
    assert "error:" not in err and "tkr" not in err
    assert f"warning: [inyear.frame_off_forecast] {tmp_path / 'frames.csv'}, row 37, column 'frame': the frame of " \
           f"{ADMIN} 2024 (474,710,358) is 3.1 times its forecast net cost (154,403,435" in err
    assert "a central reserve (nämndreserv) held in the area" in err
    assert pd.read_csv(out / "helarsprognos.csv").set_index("area").loc[ADMIN, "deviation"] > 300e6


def test_a_frame_fifty_times_the_net_cost_is_refused_without_tkr_advice(tmp_path, monkeypatch, capsys):
    err = _refused(monkeypatch, capsys, tmp_path, ACTUALS, _small_admin_frames(tmp_path, 50))
    assert_located_refusal(err, "frames.csv, row 37, column 'frame'",
                           [f"the frame of {ADMIN} 2024", "is 48 times its forecast net cost",
                            "frames and actuals in different units or areas?", "between 1/30 and 30 times"],
                           tmp_path / "out")
    assert "tkr" not in err


def _new_admin(table, zero_rows=True):
    """The administration only from 2024-03: no earlier years, its January and February at 0 (or left out)."""
    keep = ~((table["area"] == ADMIN) & (table["year"] < 2024))
    table.drop(table.index[~keep], inplace=True)
    first = _in(table, 2024, ADMIN, [1, 2])
    if zero_rows:
        table.loc[first, "cost"] = 0.0
    else:
        table.drop(table.index[first], inplace=True)


@pytest.mark.parametrize("zero_rows", [True, False], ids=["months-at-zero", "months-left-out"])
def test_an_area_that_starts_in_march_is_forecast_from_its_own_months(tmp_path, monkeypatch, capsys, zero_rows):
    """Review: an area new in March 2024 was refused — 'months 1, 2 booked at 0 … not yet booked?' with the months at
    0, 'month 1 is missing … add the missing month (0 if nothing was booked)' without them."""
    actuals = _actuals(tmp_path, lambda t: _new_admin(t, zero_rows))
    out = tmp_path / "o"
    _run(monkeypatch, "--actuals", actuals, "--frames", FRAMES, "--year", 2024, "--month", 8, "--out", out)
    err = capsys.readouterr().err
    assert f"note: {ADMIN} in {actuals} starts in March 2024 (no cost in months 1, 2): its run rate is taken from " \
           "months 3–8 and carried on; the months before count as 0" in err and "error:" not in err
    table = pd.read_csv(out / "helarsprognos.csv").set_index("area")
    admin, demo = table.loc[ADMIN], pd.read_csv(ACTUALS)
    booked = demo.loc[_in(demo, 2024, ADMIN, range(3, 9)), "cost"]
    assert admin["cost_to_date"] == booked.sum()
    # no earlier year: a flat profile, the run rate of its six months for the last four
    assert admin["forecast"] == pytest.approx(booked.sum() * (1 + 4 / 6))
    # the other areas as without the new area: its missing history does not drop the others' past errors
    _run(monkeypatch, "--actuals", _actuals(tmp_path, lambda t: t.drop(t.index[t["area"] == ADMIN], inplace=True),
                                            "without.csv"),
         "--frames", _small_admin_frames(tmp_path, 0), "--year", 2024, "--month", 8, "--out", tmp_path / "without")
    without = pd.read_csv(tmp_path / "without" / "helarsprognos.csv").set_index("area")
    others = [a for a in without.index if a not in (ADMIN, "total")]
    pd.testing.assert_frame_equal(table.loc[others], without.loc[others])
    assert set(pd.read_csv(out / "backtest.csv")["year"]) == {2020, 2021, 2022, 2023}


def test_a_new_area_still_needs_its_months_after_the_start_booked(tmp_path, monkeypatch, capsys):
    def gap(table):
        _new_admin(table)
        table.loc[_in(table, 2024, ADMIN, [5]), "cost"] = 0.0

    err = _refused(monkeypatch, capsys, tmp_path, _actuals(tmp_path, gap))
    assert f"{ADMIN} 2024: month 5 booked at 0, among months with cost — not yet booked?" in err
    assert "months 1, 2" not in err


def test_an_area_with_cost_last_year_does_not_start_again_at_its_first_booked_month(tmp_path, monkeypatch, capsys):
    """January and February at 0 in an area that cost 156 MSEK in 2023 are months not booked, not a start."""
    actuals = _actuals(tmp_path, lambda t: t.__setitem__("cost", t["cost"].where(~_in(t, 2024, ADMIN, [1, 2]), 0.0)))
    err = _refused(monkeypatch, capsys, tmp_path, actuals)
    assert f"{ADMIN} 2024: months 1, 2 booked at 0, among months with cost — not yet booked?" in err


def test_an_area_that_starts_after_the_forecast_month_is_forecast_zero_with_a_note(tmp_path, monkeypatch, capsys):
    out = tmp_path / "o"
    _run(monkeypatch, "--actuals", _actuals(tmp_path, lambda t: _new_admin(t, False)), "--frames", FRAMES,
         "--year", 2024, "--month", 2, "--out", out)
    err = capsys.readouterr().err
    assert "starts in March 2024 (no cost in months 1, 2): after --month 2, so it is forecast 0 as at month 2" in err
    assert "has no cost in months" not in err
    admin = pd.read_csv(out / "helarsprognos.csv").set_index("area").loc[ADMIN]
    assert admin[["cost_to_date", "forecast", "sd"]].tolist() == [0.0, 0.0, 0.0]
