"""Reading series inputs: Excel date cells as months, levels checked against the service, and one
clear message per service month whose invoice credits exceed what was invoiced (review findings)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl import Workbook

from resmodel.errors import InputError
from resmodel.io.series import read_capacity, read_series, read_triangle, read_volume_history
from tests.forecast.conftest import ROOT

TRIANGLE = ROOT / "data" / "demokommun" / "invoice_triangle.csv"


def write_xlsx(path, header, rows):
    """A one-sheet workbook as Excel writes it: date cells are datetimes."""
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def history_rows(service="personlig_assistans_sfb", level=None, n=24, day=1):
    return [[dt.datetime(2015 + i // 12, i % 12 + 1, day), service, level, 100.0 + i] for i in range(n)]


def problems(exc: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in exc.value.problems]


# 1. Excel date cells in month columns


def test_excel_date_cells_are_months_in_the_volume_history(tmp_path):
    path = write_xlsx(tmp_path / "h.xlsx", ["month", "service", "level", "volume"],
                      history_rows() + history_rows("daglig_verksamhet", 3))
    h = read_volume_history(path)
    assert list(h["month"].iloc[:2]) == [pd.Timestamp("2015-01-01"), pd.Timestamp("2015-02-01")]
    assert h["month"].max() == pd.Timestamp("2016-12-01")
    data = read_series(path, by_level=True)
    assert data.from_history and set(data.freqs) == {"personlig_assistans_sfb", "daglig_verksamhet|3"}


def test_first_of_month_text_with_midnight_is_a_month(tmp_path):
    months = [f"2020-{m:02d}-01 00:00:00" if m % 2 else f"2020-{m:02d}-01" for m in range(1, 13)]
    path = write_csv(tmp_path / "h.csv", ["month,service,level,volume"]
                     + [f"{m},personlig_assistans_sfb,,10" for m in months])
    assert list(read_volume_history(path)["month"]) == list(pd.date_range("2020-01-01", periods=12, freq="MS"))


def test_a_date_that_is_not_the_first_of_a_month_is_a_located_error(tmp_path):
    rows = history_rows()
    rows[4][0] = dt.datetime(2015, 5, 15)
    path = write_xlsx(tmp_path / "h.xlsx", ["month", "service", "level", "volume"], rows)
    with pytest.raises(InputError) as exc:
        read_volume_history(path)
    (msg,) = problems(exc)
    assert "h.xlsx, row 6, column 'month'" in msg and "'2015-05-15' is not a month" in msg
    assert "YYYY-MM" in msg and "first-of-month date" in msg


def test_more_than_ten_bad_months_say_how_many_more(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["month,service,level,volume"]
                     + [f"2020/{m:02d},personlig_assistans_sfb,,10" for m in range(1, 13)] + ["2021-01,x,,1"] * 2
                     + [f"2021-{m:02d}-15,personlig_assistans_sfb,,10" for m in range(1, 4)])
    with pytest.raises(InputError) as exc:
        read_volume_history(path)
    msgs = problems(exc)
    assert len(msgs) == 11
    assert "row 12, column 'month'" in msgs[-1] and "5 more rows" in msgs[-1] and "first 10" in msgs[-1]


def test_excel_dates_in_triangle_and_capacity(tmp_path):
    tri = write_xlsx(tmp_path / "t.xlsx", ["service_month", "reporting_month", "cases"],
                     [[dt.datetime(2024, 1, 1), dt.datetime(2024, m, 1), 10] for m in (1, 2, 3)])
    t = read_triangle(tri, "cases")
    assert t["reporting_month"].tolist() == list(pd.date_range("2024-01-01", periods=3, freq="MS"))
    cap = write_xlsx(tmp_path / "c.xlsx", ["month", "places"], [[dt.datetime(2025, m, 1), 50] for m in (1, 2)])
    assert list(read_capacity(cap, None).index) == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01")]
    bad = write_xlsx(tmp_path / "c2.xlsx", ["month", "places"], [[dt.datetime(2025, 1, 31), 50]])
    with pytest.raises(InputError) as exc:
        read_capacity(bad, None)
    assert "c2.xlsx, row 2, column 'month'" in str(exc.value) and "first-of-month date" in str(exc.value)


# 2. levels checked against the service


def test_empty_level_on_a_level_service_with_levels_is_an_error(tmp_path):
    rows = history_rows("daglig_verksamhet", 1, 12) + history_rows("daglig_verksamhet", 2, 12)
    rows[13][2] = None
    path = write_xlsx(tmp_path / "h.xlsx", ["month", "service", "level", "volume"], rows)
    with pytest.raises(InputError) as exc:
        read_volume_history(path)
    (msg,) = problems(exc)
    assert "h.xlsx, row 15, column 'level', at 'daglig_verksamhet'" in msg and "the level is empty" in msg


def test_level_on_a_service_without_levels_is_an_error(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["month,service,level,volume"]
                     + [f"2020-{m:02d},personlig_assistans_sfb,{1 if m == 3 else ''},10" for m in range(1, 13)])
    with pytest.raises(InputError) as exc:
        read_volume_history(path)
    (msg,) = problems(exc)
    assert "h.csv, row 4, column 'level', at 'personlig_assistans_sfb'" in msg and "has no levels" in msg


def test_level_service_given_only_as_totals_is_accepted(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["month,service,level,volume"]
                     + [f"2020-{m:02d},bostad_vuxna,,10" for m in range(1, 13)])
    h = read_volume_history(path)
    assert len(h) == 12 and h["level"].isna().all()


def test_level_outside_one_to_eight_is_an_error(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["month,service,level,volume", "2020-01,bostad_barn,0,1",
                                          "2020-01,bostad_barn,9,1", "2020-01,bostad_barn,2.5,1"])
    with pytest.raises(InputError) as exc:
        read_volume_history(path)
    msgs = problems(exc)
    assert [m.split(":")[0] for m in msgs] == [f"{tmp_path / 'h.csv'}, row {r}, column 'level', at 'bostad_barn'"
                                               for r in (2, 3, 4)]


# 3. invoice triangle


def test_one_negative_cell_gives_one_message_naming_the_service_month(tmp_path):
    t = pd.read_csv(TRIANGLE, dtype=str)
    t.loc[0, "amount_sek"] = "-" + t.loc[0, "amount_sek"]
    t.to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(InputError) as exc:
        read_triangle(tmp_path / "t.csv", "amount_sek")
    (msg,) = problems(exc)
    assert msg.startswith(f"{tmp_path / 't.csv'}, row 2, column 'amount_sek'")
    assert "service month 2015-01" in msg and "reporting month 2015-02" in msg and f"-{t.loc[0, 'amount_sek'][1:]}" in msg


def test_credit_listed_before_its_invoice_in_the_same_pair_is_summed_first(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["service_month,reporting_month,cases", "2024-01,2024-02,-5",
                                          "2024-01,2024-02,8", "2024-02,2024-02,3", "2024-02,2024-03,-4",
                                          "2024-02,2024-04,-1"])
    with pytest.raises(InputError) as exc:
        read_triangle(path, "cases")
    (msg,) = problems(exc)  # 2024-01 nets to 3; 2024-02 goes below zero at 2024-03 and stays there
    assert "row 5, column 'cases'" in msg and "service month 2024-02" in msg and "reporting month 2024-03" in msg
    assert "falls to -1 " in msg


def test_only_the_chosen_value_column_is_checked(tmp_path):
    t = pd.read_csv(TRIANGLE, dtype=str)
    t.loc[3, "cases"] = "n/a"
    t.to_csv(tmp_path / "t.csv", index=False)
    out = read_triangle(tmp_path / "t.csv", "amount_sek")
    assert list(out.columns) == ["service_month", "reporting_month", "amount_sek"] and len(out) == len(t)
    with pytest.raises(InputError) as exc:
        read_triangle(tmp_path / "t.csv", "cases")
    assert "row 5, column 'cases'" in str(exc.value) and "'n/a' is not a number" in str(exc.value)
    # the unused column keeps the amounts' identity-number rule: a 10-digit amount is an amount
    t.loc[3, "cases"], t.loc[4, "amount_sek"] = "4", "1212121212"
    t.to_csv(tmp_path / "t.csv", index=False)
    assert len(read_triangle(tmp_path / "t.csv", "cases")) == len(read_triangle(tmp_path / "t.csv", "amount_sek"))


def test_nowcast_of_amounts_runs_despite_a_bad_cases_cell(cli, tmp_path):
    t = pd.read_csv(TRIANGLE, dtype=str)
    t.loc[3, "cases"] = "n/a"
    t.to_csv(tmp_path / "t.csv", index=False)
    res = cli(["nowcast", "--triangle", tmp_path / "t.csv", "--value", "amount_sek", "--out", tmp_path / "out"])
    assert res.exit_code == 0, res.stderr
    assert "Nowcast of 'amount_sek'" in res.stdout and len(pd.read_csv(tmp_path / "out" / "nowcast.csv")) > 0


def test_a_period_outside_the_years_says_so(tmp_path):
    path = write_csv(tmp_path / "s.csv", ["unique_id,ds,y", "a,2240-01,1", "a,2024-13,1"])
    with pytest.raises(InputError) as exc:
        read_series(path)
    text = str(exc.value)
    assert "row 2, column 'ds', at 'a': '2240-01' is outside the years 1900–2200" in text
    assert "row 3, column 'ds', at 'a': '2024-13' is not a period" in text


def test_an_identity_number_in_a_volume_history_is_refused_unshown(tmp_path):
    from resmodel.errors import PersonalDataError

    path = write_csv(tmp_path / "h.csv", ["month,service,level,volume", "19121212-1212,daglig_verksamhet,1,10"])
    with pytest.raises(PersonalDataError) as exc:
        read_volume_history(path)
    assert "h.csv, row 2, column 'month'" in str(exc.value) and "1212" not in str(exc.value).split("h.csv")[1]


@pytest.mark.parametrize(("rows", "expected"), [
    (["2024-01,2024-02,5", "2024-03,2024-04,6"],
     "row 3, column 'service_month': service month 2024-03 follows 2024-01 with no invoice for 2024-02."),
    (["2024-01,2024-02,5", "2024-02,2024-03,6", "2150-01,2150-02,1"],
     "row 4, column 'service_month': service month 2150-01 follows 2024-02 with no invoice for 2024-03 – 2149-12."),
    (["2024-01,2024-02,5", "2024-02,2024-03,6", "2024-01,2150-02,1"],
     "row 4, column 'reporting_month': reporting month 2150-02 follows 2024-03 with no invoice for 2024-04 – "
     "2150-01."),
    # a stray early month is located at its own row, not at the month after the gap (29th note's known limit)
    (["2024-01,2024-02,5", "2019-01,2024-02,1", "2024-02,2024-03,6", "2024-03,2024-04,3"],
     "row 3, column 'service_month': service month 2019-01 comes before a gap: the next, 2024-01, follows it with no "
     "invoice for 2019-02 – 2023-12."),
])
def test_a_month_without_invoices_inside_the_triangle_is_a_located_error(tmp_path, rows, expected):
    """Fuzz review: a service month without invoices was taken as complete at 0, and one stray row in 2150 made
    1 500 empty months to complete, with exit 0."""
    path = write_csv(tmp_path / "t.csv", ["service_month,reporting_month,cases", *rows])
    with pytest.raises(InputError) as exc:
        read_triangle(path, "cases")
    assert expected in str(exc.value)


def test_a_quiet_reporting_month_is_a_zero_increment(tmp_path):
    """Code review: a month in which nothing arrived was refused, though the triangle reads it as nothing added."""
    path = write_csv(tmp_path / "t.csv", ["service_month,reporting_month,cases", "2024-01,2024-02,5",
                                          "2024-02,2024-02,4", "2024-02,2024-04,1", "2024-03,2024-04,3"])
    assert len(read_triangle(path, "cases")) == 4  # nothing reported in 2024-03


def test_the_newest_service_months_may_have_no_invoice_yet(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["service_month,reporting_month,cases", "2024-01,2024-02,5",
                                          "2024-01,2024-03,1", "2024-02,2024-03,4"])  # 2024-03: nothing yet
    assert len(read_triangle(path, "cases")) == 3


@pytest.mark.parametrize(("header", "where", "fix"), [
    ("month,service,level,volym", "column 'volym'", "rename the column 'volym' to 'volume'"),
    ("month,servce,level,volume", "column 'servce'", "rename the column 'servce' to 'service'"),
    ("month,service,level,antal", "column 'volume'", "add the column 'volume'"),
])
def test_a_volume_history_header_with_one_wrong_column_names_that_column(tmp_path, header, where, fix):
    """Persona review: a typo in 'volume' was reported as a missing 'unique_id' (the other format)."""
    path = write_csv(tmp_path / "v.csv", [header, "2024-01,daglig_verksamhet,1,10"])
    with pytest.raises(InputError) as exc:
        read_series(path)
    assert problems(exc) == [f"{path}, row 1, {where}: required column '{fix.split()[-1].strip(chr(39))}' of a "
                             f"volume history is missing. Expected a header month,service,level,volume "
                             f"(docs/forecasting.md §6). Fix: {fix}"]


def test_a_yearly_series_written_as_first_of_year_dates_is_told_to_write_years(tmp_path):
    """Persona review: 2016-01-01, 2017-01-01, … read as months with gaps; the fix said to add months."""
    path = write_csv(tmp_path / "y.csv", ["unique_id,ds,y", *[f"a,{y}-01-01,{y - 2000}" for y in range(2016, 2023)]])
    with pytest.raises(InputError) as exc:
        read_series(path)
    assert problems(exc)[0].endswith("Fix: for a yearly series write each period as the year alone (2016, not "
                                     "2016-01-01)")
    with_gap = write_csv(tmp_path / "g.csv", ["unique_id,ds,y", *[f"a,{y}-01-01,1" for y in (2016, 2017, 2019, 2020)]])
    with pytest.raises(InputError) as exc:  # review finding: a yearly gap as well got the monthly advice
        read_series(with_gap)
    assert problems(exc)[0].endswith("write each period as the year alone (2016, not 2016-01-01)")
    gap = write_csv(tmp_path / "m.csv", ["unique_id,ds,y", "a,2016-01,1", "a,2016-02,1", "a,2016-04,1"])
    with pytest.raises(InputError) as exc:  # a real gap in a monthly series keeps its fix
        read_series(gap)
    assert problems(exc)[0].endswith("Fix: add the missing periods (use 0 if the volume really was zero)")


def test_a_decimal_comma_in_a_comma_separated_file_points_to_the_semicolon_format(tmp_path):
    path = write_csv(tmp_path / "d.csv", ["unique_id,ds,y", 'a,2016,"40300,5"', "a,2017,5"])
    with pytest.raises(InputError) as exc:
        read_series(path)
    assert problems(exc) == [f"{path}, row 2, column 'y', at 'a': value '40300,5' has a decimal comma. Expected a "
                             "number with '.' as decimal point (decimal commas are read in a CSV file with ';' between "
                             "cells, as Swedish Excel saves 'CSV UTF-8'). Fix: write the number with '.', or save the "
                             "file from Excel as 'CSV UTF-8' with ';' between cells"]
    thousands = write_csv(tmp_path / "t.csv", ["unique_id,ds,y", 'a,2016,"40,300"', 'a,2017,"1,250,000"'])
    with pytest.raises(InputError) as exc:  # review finding: '40,300' is as likely forty thousand three hundred
        read_series(thousands)
    assert [m.split(": ", 1)[1].split(". Fix: ")[1].split(" (")[0] for m in problems(exc)] == [
        "write 40300 if the comma separates thousands, or 40.300 if it is a decimal comma",
        "write 1250000 if the comma separates thousands"]
    swedish = write_csv(tmp_path / "s.csv", ["unique_id;ds;y", "a;2016;40300,5", "a;2017;5"])
    assert read_series(swedish).frame["y"].tolist() == [40300.5, 5.0]  # which the fix offers


def test_an_all_zero_invoice_column_says_so_and_points_to_the_other_one(tmp_path):
    lines = TRIANGLE.read_text(encoding="utf-8").splitlines()
    zeroed = write_csv(tmp_path / "t.csv", [lines[0], *[",".join(r.split(",")[:3] + ["0"]) for r in lines[1:]]])
    with pytest.raises(InputError) as exc:
        read_triangle(zeroed, "amount_sek")
    assert problems(exc) == [f"{zeroed}, column 'amount_sek': amount_sek is 0 on every row: there is nothing to "
                             "complete. Expected amount_sek above 0 for the invoiced service months. Fix: check that "
                             "amount_sek holds the invoiced amounts, or complete cases instead (--value cases)"]
    assert len(read_triangle(zeroed, "cases")) == len(lines) - 1


def test_a_year_missing_from_flows_is_named_even_where_the_stocks_join_up(tmp_path):
    """Persona review: with 2021 deleted and 2022 starting where 2020 ended, the message said 2022 'does not start
    where the previous year ended (872)' — it does; the year is missing."""
    from resmodel.io.series import read_flows

    head = ("year,service,level,stock_start,inflow_new_decisions,inflow_school_leavers,inflow_moves_in,"
            "outflow_age_exit,outflow_work_studies,outflow_moves_out,outflow_deaths,stock_end")
    path = write_csv(tmp_path / "f.csv", [head, "2020,boendestod,,860,20,0,0,0,0,8,0,872",
                                          "2022,boendestod,,872,20,0,0,0,0,8,0,884"])
    with pytest.raises(InputError) as exc:
        read_flows(path)
    assert problems(exc) == [f"{path}, row 3, column 'year', at 'boendestod': year 2021 is missing between 2020 and "
                             "2022. Expected a row for every year from the first to the last, per service and level. "
                             "Fix: add the row for 2021"]


def test_a_birth_year_out_of_range_is_called_so(tmp_path):
    from resmodel.io.series import read_users_ages

    path = write_csv(tmp_path / "u.csv", ["user_id,service,level,birth_year", "U1,daglig_verksamhet,1,1850",
                                          "U2,daglig_verksamhet,1,19x0"])
    with pytest.raises(InputError) as exc:
        read_users_ages(path)
    assert [p.split(": ", 1)[1].split(". Expected")[0] for p in problems(exc)] == [
        "birth year 1850 is outside 1900–2100", "'19x0' is not a year"]


def test_an_age_band_with_an_en_dash_is_told_to_use_a_hyphen(tmp_path):
    from resmodel.io.series import read_population

    path = write_csv(tmp_path / "p.csv", ["year,age_band,population,kind", "2024,0\u20136,100,observed"])
    with pytest.raises(InputError) as exc:
        read_population(path)
    assert problems(exc)[0].endswith("Fix: write '0-6' with a hyphen '-'")


def test_a_workbook_with_a_title_above_the_header_says_where_the_header_is(tmp_path):
    """Persona review: a title row above the header gave a list of unknown and missing columns."""
    path = write_xlsx(tmp_path / "c.xlsx", ["Kapacitet 2025"], [[], ["month", "places"], ["2025-01", 1100]])
    with pytest.raises(InputError) as exc:
        read_capacity(path, None)
    assert problems(exc) == [f"{path}, row 1: row 1 has one cell but row 3 has 2: row 1 looks like a title above the "
                             "header in row 3. Expected the column names in row 1. Fix: delete the rows above row 3 (a "
                             "title or a note) so that the header is row 1"]


def test_a_csv_with_a_title_above_the_header_is_told_so_not_about_cell_counts(tmp_path):
    """API review: a title row above a CSV's header gave 'row has 2 cells but the header has 1 … check for a
    missing or extra ','"; the title is not echoed (it may hold anything)."""
    path = write_csv(tmp_path / "c.csv", ["Kapacitet 19121212-1212", "month,places", "2025-01,100"])
    with pytest.raises(InputError) as exc:
        read_capacity(path, None)
    assert problems(exc) == [f"{path}, row 1: row 1 has one cell but row 2 has 2: row 1 looks like a title above the "
                             "header in row 2. Expected the column names in row 1. Fix: delete the rows above row 2 (a "
                             "title or a note) so that the header is row 1"]


def test_capacity_above_the_largest_places_is_refused_at_its_row(tmp_path):
    """API review: the API and --places refuse more than 1 000 000 places; a capacity file took 1e7."""
    path = write_csv(tmp_path / "c.csv", ["month,places", "2025-01,100", "2025-02,1e7"])
    with pytest.raises(InputError) as exc:
        read_capacity(path, None)
    assert problems(exc)[0].startswith(f"{path}, row 3, column 'places': value 1e7 is above 1e+06")


def test_a_missing_column_name_is_not_taken_for_a_title_row(tmp_path):
    """Review: 'month,' over '2025-01,100' was called a title row, whose fix deletes the real header."""
    path = write_csv(tmp_path / "c.csv", ["month,", "2025-01,100"])
    with pytest.raises(InputError) as exc:
        read_capacity(path, None)
    assert "title" not in problems(exc)[0] and "column B (the 2nd) has values but no header" in problems(exc)[0]


def test_a_one_digit_month_is_read_alike_by_every_reader(tmp_path):
    """'2024-3' (Excel drops the leading zero of a text month) was a month in a volume history, a demand or a
    triangle file but not a period in a series file: one rule now, the month it plainly is."""
    lines = ["unique_id,ds,y"] + [f"a,2024-{m},{10 + m}" for m in range(1, 13)]
    padded = ["unique_id,ds,y"] + [f"a,2024-{m:02d},{10 + m}" for m in range(1, 13)]
    one_digit = read_series(write_csv(tmp_path / "one.csv", lines)).frame
    two_digit = read_series(write_csv(tmp_path / "two.csv", padded)).frame
    pd.testing.assert_frame_equal(one_digit, two_digit)
    with pytest.raises(InputError) as exc:
        read_series(write_csv(tmp_path / "bad.csv", ["unique_id,ds,y", "a,2024-13,1", "a,2024-123,1"]))
    assert [p.location.row for p in exc.value.problems] == [2, 3]


@pytest.mark.parametrize(("reader", "header", "kind"), [
    (lambda p: read_triangle(p, "cases"), "unique_id,ds,y\na,2024-01,5\n", "a series file (unique_id, ds, y)"),
    (lambda p: read_triangle(p, "cases"), "month,service,level,volume\n2024-01,daglig_verksamhet,1,5\n",
     "a volume history or a volume forecast"),
])
def test_a_file_of_another_kind_is_named_for_what_it_is(tmp_path, reader, header, kind):
    """Bad-input audit, finding 4: a series file given as --triangle was told to remove unique_id, ds and y as
    comment columns; it is told once that it holds another kind of table."""
    path = tmp_path / "t.csv"
    path.write_text(header, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        reader(path)
    (problem,) = exc.value.problems
    assert problem.problem.startswith(f"the table has the columns of {kind}") and "'invoice_triangle'" in problem.problem


def test_the_population_and_the_flows_given_for_each_other_are_named(tmp_path):
    from resmodel.io.series import read_flows, read_population

    demo = ROOT / "data" / "demokommun"
    with pytest.raises(InputError) as exc:
        read_population(demo / "flows.csv")
    assert "the columns of the table 'flows'" in str(exc.value) and "not of the table 'population'" in str(exc.value)
    with pytest.raises(InputError) as exc:
        read_flows(demo / "population.csv")
    assert "the columns of the table 'population'" in str(exc.value)
