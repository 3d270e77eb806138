"""`resmodel shift-plan`: the demo run and its files, determinism, and located errors with nothing
written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.clirun import invoke, shift_app

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demokommun"
BASE = ROOT / "scenarios" / "base.yaml"
ATTENDANCE, ROSTER = DEMO / "attendance_DV001.csv", DEMO / "roster_DV001.csv"


@pytest.fixture(scope="module")
def app():
    return shift_app()


def run_demo(app, out: Path, *extra):
    return invoke(app, "shift-plan", "--unit", "DV001", "--attendance", ATTENDANCE, "--roster", ROSTER,
                  "--scenario", BASE, "--out", out, *extra)


@pytest.fixture(scope="module")
def demo_out(app, tmp_path_factory):
    out = tmp_path_factory.mktemp("shift") / "DV001"
    code, stdout, stderr = run_demo(app, out)
    assert code == 0, stderr
    return out, stdout


def test_demo_writes_every_file_and_the_printed_week_matches_them(demo_out):
    out, stdout = demo_out
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["shift_need.csv", "shift_plan.csv", "shift_summary.csv", "shift_comparison.csv", "roster_short.csv",
         "shift_chart.png", "shift_plan.xlsx", "manifest.json"])
    summary = pd.read_csv(out / "shift_summary.csv").set_index("weekday")
    plan = pd.read_csv(out / "shift_plan.csv")
    need = pd.read_csv(out / "shift_need.csv")
    assert summary.at["week", "plan_hours"] == pytest.approx((plan["work_minutes"] * plan["staff"]).sum() / 60)
    assert summary.at["week", "need_hours"] == pytest.approx(need["staff_needed"].sum() / 2)
    assert (need["planned"] >= need["staff_needed"]).all()
    assert plan["start"].str.fullmatch(r"\d\d:\d\d").all()
    short = pd.read_csv(out / "roster_short.csv")
    assert short["staff_hours"].sum() == pytest.approx(summary.at["week", "understaffed_hours"])
    assert f"falls short in {len(short)} period(s)" in stdout
    assert (out / "shift_chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the slots span the roster too: its first shift starts at 07:30, half an hour before the first user
    first = need[need["weekday"].eq("mon")].iloc[0]
    assert (first["slot_start"], first["staff_needed"], first["actual"]) == ("07:30", 0, 3)


def test_the_workbook_has_the_figures_in_swedish_sheets(demo_out):
    out, _ = demo_out
    sheets = pd.read_excel(out / "shift_plan.xlsx", sheet_name=None)
    assert list(sheets) == ["Veckan", "Jämförelse", "Per halvtimme", "Bemanningsplan", "Underbemanning",
                            "Varningar"]
    grid = sheets["Per halvtimme"].set_index("Tid (slot start)")
    need = pd.read_csv(out / "shift_need.csv")
    tuesday = need[need["weekday"].eq("tue")].set_index("slot_start")
    assert grid.loc[tuesday.index, "tisdag behov"].tolist() == tuesday["staff_needed"].tolist()
    assert grid.loc[tuesday.index, "tisdag schema"].tolist() == tuesday["actual"].tolist()
    week = sheets["Veckan"].set_index("Veckodag (weekday)").loc["hela veckan"]
    summary = pd.read_csv(out / "shift_summary.csv").set_index("weekday")
    assert week["Plan, personaltimmar (plan hours)"] == summary.at["week", "plan_hours"]
    # every column has a Swedish label with an English gloss, weekdays in Swedish; the CSVs keep the keys
    assert all(" (" in str(c) for sheet in sheets.values() for c in sheet.columns if "behov" not in str(c)
               and "plan" != str(c).split()[-1] and "schema" not in str(c))
    assert sheets["Bemanningsplan"]["Veckodag (weekday)"].iloc[0] == "måndag" and "weekday" in summary.index.name


def test_two_runs_give_identical_files(app, demo_out, tmp_path):
    first, _ = demo_out
    code, _, stderr = run_demo(app, tmp_path / "again")
    assert code == 0, stderr
    for path in first.iterdir():
        assert (tmp_path / "again" / path.name).read_bytes() == path.read_bytes(), path.name


def test_without_a_roster_there_is_no_comparison_with_it(app, tmp_path):
    code, stdout, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", ATTENDANCE,
                                  "--scenario", BASE, "--out", tmp_path / "o", "--slot-minutes", "15")
    assert code == 0, stderr
    assert not (tmp_path / "o" / "roster_short.csv").exists()
    need = pd.read_csv(tmp_path / "o" / "shift_need.csv")
    assert "actual" not in need.columns
    assert (pd.to_datetime(need["slot_end"], format="%H:%M") - pd.to_datetime(need["slot_start"], format="%H:%M")
            ).dt.total_seconds().eq(15 * 60).all()


def edited(tmp_path: Path, source: Path, row: int, column: str, value: str) -> Path:
    table = pd.read_csv(source, dtype=str, keep_default_na=False)
    table.loc[row - 2, column] = value
    path = tmp_path / source.name
    table.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(("which", "row", "column", "value", "message"), [
    ("attendance", 3, "weekday", "monday-ish", "unknown weekday 'monday-ish'"),
    ("attendance", 4, "start", "8 am", "'8 am' is not a time of day"),
    ("attendance", 5, "end", "07:00", "not after its start"),
    ("attendance", 2, "user_id", "19121212-1212", "personal identity number"),
    ("attendance", 6, "level", "9", "above 8"),
    ("roster", 3, "break_end", "", "only one of its times"),
    ("roster", 4, "break_start", "06:00", "not inside the shift"),
    ("roster", 5, "start", "07:45", "not on the 30-minute grid"),
    ("roster", 7, "staff_id", "P01", "overlap"),
])
def test_bad_files_are_refused_at_their_row_and_nothing_is_written(app, tmp_path, which, row, column, value,
                                                                 message):
    attendance = edited(tmp_path, ATTENDANCE, row, column, value) if which == "attendance" else ATTENDANCE
    roster = edited(tmp_path, ROSTER, row, column, value) if which == "roster" else ROSTER
    out = tmp_path / "out"
    code, _, error = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", attendance, "--roster", roster,
                            "--scenario", BASE, "--out", out)
    assert code == 2
    assert message in error
    if "identity" not in message:
        assert f"row {row}" in error
    assert not out.exists()


def test_swedish_weekdays_and_dotted_times_are_read(app, tmp_path):
    table = pd.read_csv(ATTENDANCE, dtype=str, keep_default_na=False)
    swedish = table.assign(weekday=table["weekday"].map({"mon": "måndag", "tue": "tis", "wed": "3", "thu": "Tor",
                                                         "fri": "fredag"}),
                           start=table["start"].str.replace(":", "."))
    path = tmp_path / "a.csv"
    swedish.to_csv(path, index=False)
    code, _, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", path, "--scenario", BASE,
                             "--out", tmp_path / "sv")
    assert code == 0, stderr
    code, _, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", ATTENDANCE, "--scenario", BASE,
                             "--out", tmp_path / "en")
    assert (tmp_path / "sv" / "shift_need.csv").read_bytes() == (tmp_path / "en" / "shift_need.csv").read_bytes()


@pytest.mark.parametrize(("args", "message"), [
    (["--slot-minutes", "20"], "15, 30 or 60"),
    (["--min-staff", "-1"], "0 to 50"),
    (["--unit", "DV9999"], "unknown unit 'DV9999'"),
    (["--unit", "19121212-1212"], "personal identity number"),
])
def test_bad_options_are_refused(app, tmp_path, args, message):
    base = {"--unit": "DV001", "--attendance": str(ATTENDANCE), "--scenario": str(BASE),
            "--out": str(tmp_path / "o")}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    code, _, error = invoke(app, "shift-plan", *[x for kv in base.items() for x in kv])
    assert code == 2 and message in error
    assert not (tmp_path / "o").exists()


def test_an_excel_attendance_with_time_cells_reads_as_the_csv(app, tmp_path):
    """Excel keeps a typed 08:30 as a time of day; it must read as the CSV's text does."""
    import datetime as dt

    from openpyxl import Workbook

    table = pd.read_csv(ATTENDANCE, dtype=str, keep_default_na=False)
    book = Workbook()
    sheet = book.active
    sheet.append(list(table.columns))
    for row in table.itertuples(index=False):
        sheet.append([row.user_id, row.weekday, dt.time(int(row.start[:2]), int(row.start[3:])),
                      dt.time(int(row.end[:2]), int(row.end[3:])), None])
    book.save(tmp_path / "a.xlsx")
    for name, path in (("xlsx", tmp_path / "a.xlsx"), ("csv", ATTENDANCE)):
        code, _, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", path, "--scenario", BASE,
                                 "--out", tmp_path / name)
        assert code == 0, stderr
    assert (tmp_path / "xlsx" / "shift_need.csv").read_bytes() == (tmp_path / "csv" / "shift_need.csv").read_bytes()


def test_the_plan_does_not_depend_on_the_roster(app, demo_out, tmp_path):
    out, _ = demo_out
    code, _, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", ATTENDANCE, "--scenario", BASE,
                             "--out", tmp_path / "alone")
    assert code == 0, stderr
    assert (tmp_path / "alone" / "shift_plan.csv").read_bytes() == (out / "shift_plan.csv").read_bytes()


def test_off_grid_times_and_unknown_users_are_planned_with_a_warning(app, tmp_path):
    table = pd.read_csv(ATTENDANCE, dtype=str, keep_default_na=False)
    table.loc[0, "start"] = "09:15"
    table.loc[1, ["user_id", "level"]] = ["NEWUSER", "7"]
    path = tmp_path / "a.csv"
    table.to_csv(path, index=False)
    result = CliRunner().invoke(app, ["shift-plan", "--unit", "DV001", "--attendance", str(path), "--scenario",
                                      str(BASE), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    end = table.loc[0, "end"]
    assert f"1 attendance row(s) off the 30-minute grid (first: row 2 of {path}, 09:15–{end})" in result.stderr
    assert f"{path}: 1 user not among the daily-activity users of users.csv (NEWUSER)" in result.stderr


def test_two_units_staffed_together(app, tmp_path):
    out = tmp_path / "pooled"
    code, stdout, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--unit", "DV002", "--attendance", ATTENDANCE,
                                  "--attendance", DEMO / "attendance_DV002.csv", "--scenario", BASE, "--out", out)
    assert code == 0, stderr
    pooled = pd.read_csv(out / "shift_pooling.csv").set_index("units")
    assert list(pooled.index) == ["DV001", "DV002", "apart", "together", "saving"]
    assert f"need {pooled.at['saving', 'plan_hours']:,.1f} fewer staff-hours a week" in stdout
    assert "Samplanering" in pd.read_excel(out / "shift_plan.xlsx", sheet_name=None)
    need = pd.read_csv(out / "shift_need.csv")
    assert (need["staff_needed"] <= need["staff_needed_apart"]).all()
    code, _, error = invoke(app, "shift-plan", "--unit", "DV001", "--unit", "DV001", "--attendance", ATTENDANCE,
                            "--scenario", BASE, "--out", tmp_path / "twice")
    assert code == 2 and "named twice" in error


def test_one_units_roster_against_two_units_is_flagged(app, tmp_path):
    result = CliRunner().invoke(app, ["shift-plan", "--unit", "DV001", "--unit", "DV002", "--attendance",
                                      str(ATTENDANCE), "--attendance", str(DEMO / "attendance_DV002.csv"),
                                      "--roster", str(ROSTER), "--scenario", str(BASE), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "the roster is compared with the need of DV001, DV002 together" in result.stderr


def test_an_excel_date_in_a_time_cell_is_explained(app, tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["user_id", "weekday", "start", "end"])
    sheet.append(["U0147", "måndag", dt.datetime(2024, 1, 1, 8, 30), dt.time(14, 30)])
    book.save(tmp_path / "a.xlsx")
    code, _, error = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", tmp_path / "a.xlsx", "--scenario",
                            BASE, "--out", tmp_path / "o")
    assert code == 2 and "row 2" in error and "holds a date" in error and "type the time alone" in error


@pytest.mark.parametrize("variant", ["cr", "trailing_commas", "excel_24"])
def test_files_from_other_spreadsheet_habits_read_as_the_plain_csv(app, tmp_path, variant):
    """Old-Mac CR line endings, empty columns after the table, Excel's 24:00 (a duration cell)."""
    rows = [["user_id", "weekday", "start", "end"], ["U0147", "mon", "16:00", "24:00"]]
    plain = tmp_path / "plain.csv"
    plain.write_text("\n".join(",".join(r) for r in rows) + "\n")
    if variant == "excel_24":
        import datetime as dt

        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(rows[0])
        sheet.append(["U0147", "mon", dt.time(16, 0), dt.timedelta(days=1)])
        sheet["D2"].number_format = "[h]:mm"
        other = tmp_path / "other.xlsx"
        book.save(other)
    else:
        other = tmp_path / "other.csv"
        other.write_text("\r".join(",".join(r) for r in rows) + "\r" if variant == "cr"
                         else "\n".join(",".join(r) + ",," for r in rows) + "\n")
    for name, path in (("plain", plain), ("other", other)):
        code, _, error = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", path, "--scenario", BASE,
                                "--out", tmp_path / name)
        assert code == 0, error
    assert (tmp_path / "other" / "shift_need.csv").read_bytes() == (tmp_path / "plain" / "shift_need.csv").read_bytes()


def test_a_level_that_looks_like_an_identity_number_is_not_repeated(app, tmp_path):
    table = pd.read_csv(ATTENDANCE, dtype=str, keep_default_na=False)
    table.loc[0, "level"] = "8112189876"
    table.to_csv(tmp_path / "a.csv", index=False)
    code, _, error = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", tmp_path / "a.csv", "--scenario",
                            BASE, "--out", tmp_path / "o")
    assert code == 2 and "8112189876" not in error and "not shown" in error


def test_a_missing_default_scenario_says_it_was_the_default(app, tmp_path, monkeypatch):
    # run from a folder without scenarios/base.yaml: the message says the default was used and how to name one;
    # not the folder's path, which the identity-number check never saw (audit: a folder 'w_19121212-1212')
    tmp_path = tmp_path / "w_19121212-1212"
    tmp_path.mkdir()
    monkeypatch.chdir(tmp_path)
    code, _, error = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", ATTENDANCE, "--out", tmp_path / "o")
    assert code == 2
    assert error.startswith("at '--scenario': the default scenario 'scenarios/base.yaml' (used when --scenario is "
                            "not given) is not in the current folder. Expected")
    assert "1212" not in error and "Fix: pass --scenario YOUR_SCENARIO.yaml" in error
    assert list(tmp_path.iterdir()) == []


def test_the_fte_the_roster_takes_is_set_against_the_employed(demo_out):
    """Section-manager review: the terminal showed 8.13 and 7.25 FTE and left the conclusion to the reader."""
    _, stdout = demo_out
    assert ("The schedule takes 8.13 FTE to keep staffed all year; 7.25 are employed: 0.88 FTE (about 1,465 hours "
            "a year) must come from substitutes or extra hours.") in stdout


def test_weekend_attendance_is_questioned(app, tmp_path):
    """Section-manager review: a 'lördag' typed for a Friday passed silently and added a Saturday shift."""
    attendance = edited(tmp_path, ATTENDANCE, 2, "weekday", "lördag")
    code, _, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", attendance, "--scenario", BASE,
                             "--out", tmp_path / "o")
    assert code == 0 and "1 attendance row(s) on sat (first: row 2); is the unit open then?" in stderr


def test_a_roster_shift_on_a_day_without_users_is_questioned(app, tmp_path):
    """Section-manager walkthrough: a roster shift typed on 'lör' passed silently; its hours showed only as a
    Saturday row of the summary."""
    roster = edited(tmp_path, ROSTER, 3, "weekday", "lör")
    code, _, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", ATTENDANCE, "--roster", roster,
                             "--scenario", BASE, "--out", tmp_path / "o")
    assert code == 0 and "1 roster shift(s) on sat, when no user attends (first on row 3 of" in stderr, stderr
    code, _, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", ATTENDANCE, "--roster", ROSTER,
                             "--scenario", BASE, "--out", tmp_path / "o2")
    assert code == 0 and "when no user attends" not in stderr


def test_a_kit_with_demo_parameters_says_so_in_the_shift_plan(app, tmp_path):
    """Section-manager review: shift-plan hid the starter kit's template warnings that run prints."""
    from resmodel.cli import app as main_app

    kit = tmp_path / "kit"
    assert invoke(main_app, "init", kit)[0] == 0
    attendance = tmp_path / "a.csv"
    attendance.write_text("user_id,weekday,start,end\nU001,mon,08:00,14:00\nU002,mon,09:00,15:00\n")
    code, _, stderr = invoke(app, "shift-plan", "--unit", "DV01", "--attendance", attendance,
                             "--scenario", kit / "scenarios" / "base.yaml", "--out", tmp_path / "o")
    # one line naming the files, as run prints it (the workbook's Varningar sheet keeps each leaf)
    assert code == 0 and stderr.count("[template_parameter]") == 1 and "daglig_verksamhet/staff_ratio.yaml" in stderr


@pytest.mark.parametrize("factor, refused", [(4, False), (100, True)])
def test_a_roster_in_percent_is_warned_or_refused_in_the_shift_plan_as_in_run(app, tmp_path, factor, refused):
    """Section-manager walkthrough: staff.csv FTE written as percent printed '725.00 are employed' without a word."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DEMO, data)
    staff = pd.read_csv(data / "staff.csv", dtype=str)
    dv001 = staff["unit_id"] == "DV001"
    staff.loc[dv001, "fte"] = (staff.loc[dv001, "fte"].astype(float) * factor).astype(str)
    staff.to_csv(data / "staff.csv", index=False)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\npurpose: percent roster\ndata: data\nbase_date: 2024-07-01\nseed: 1\n")
    code, _, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", ATTENDANCE, "--scenario", scenario,
                             "--out", tmp_path / "o")
    if refused:
        assert code == 2 and "staff.csv, row 2, column 'fte': unit 'DV001' has 725.0 FTE in staff.csv (rows 2, 3)" \
            in stderr and not (tmp_path / "o").exists()
    else:
        assert code == 0 and "[roster_implausible]" in stderr and "unit 'DV001' has 29.0 FTE" in stderr


def test_every_rule_off_the_slot_grid_is_named_in_one_error(app, tmp_path):
    """A 60-minute grid refused the 30-minute break, and only once that was set the 90 minutes around it: two runs to
    learn two rules (docs-truth check). Both come in one error now, each at its line, and nothing is written."""
    code, _, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", ATTENDANCE, "--slot-minutes", "60",
                             "--out", tmp_path / "out")
    assert code == 2 and not (tmp_path / "out").exists()
    assert "at 'shift_rules.break_hours': 30 minutes is not a positive whole number of 60-minute slots" in stderr
    assert "at 'shift_rules.min_work_around_break': 90 minutes is not a positive whole number" in stderr, stderr


def test_a_roster_break_that_takes_most_of_the_shift_is_warned_in_the_run(app, tmp_path):
    """A break typed 08:00–15:30 in a 07:30–16:00 shift leaves 1 hour of work: warned by the command and kept in
    the manifest (robustness review; the check existed but nothing called it)."""
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER.read_text(encoding="utf-8").replace("P01,mon,07:30,16:00,11:30,12:00",
                                                                 "P01,mon,07:30,16:00,08:00,15:30", 1),
                      encoding="utf-8")
    code, _, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", ATTENDANCE, "--roster", roster,
                             "--scenario", BASE, "--out", tmp_path / "out")
    assert code == 0, stderr
    assert ("1 roster break(s) leaving less than the rules' 1.5 h of work on a side of it "
            "(shift_rules.min_work_around_break), first: row 2 of") in stderr
    assert "the row counts 1 h of work" in stderr
    manifest = (tmp_path / "out" / "manifest.json").read_text(encoding="utf-8")
    assert "roster break(s) leaving less than" in manifest
    # a one-hour lunch is an hour off, not a slip (second diff review: every such lunch was warned)
    lunch = tmp_path / "lunch.csv"
    lunch.write_text(ROSTER.read_text(encoding="utf-8").replace("11:30,12:00", "11:30,12:30"), encoding="utf-8")
    code, _, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", ATTENDANCE, "--roster", lunch,
                             "--scenario", BASE, "--out", tmp_path / "lunch_out")
    assert code == 0 and "roster break(s)" not in stderr, stderr


def test_without_a_roster_the_plan_is_set_against_the_employed(app, tmp_path):
    """Section-manager walk: without --roster the staff_csv row (7.25 employed) stood beside the plan's 5.33 FTE with
    no sentence; the conclusion is now said, with the allocation's total beside it."""
    code, stdout, stderr = invoke(app, "shift-plan", "--unit", "DV001", "--attendance", ATTENDANCE,
                                  "--scenario", BASE, "--out", tmp_path / "o")
    assert code == 0, stderr
    table = pd.read_csv(tmp_path / "o" / "shift_comparison.csv").set_index("measure")["fte"]
    plan, employed, total = table["plan"], table["staff_csv"], table["allocation_total"]
    assert employed > plan
    assert (f"The least-hours plan takes {plan:,.2f} FTE to keep staffed all year; {employed:,.2f} are employed "
            f"(staff.csv): {employed - plan:,.2f} FTE more than the plan needs for the users' time (the allocation, with "
            f"indirect and fixed hours, is {total:,.2f} FTE)") in stdout
    assert "The schedule takes" not in stdout
