"""A planner's bad-input sweep of the forecasting inputs (findings of 2026-12): totals inside a series table."""

from __future__ import annotations

import math
import unicodedata

import pytest
from openpyxl import Workbook

from resmodel.errors import InputError
from resmodel.forecast.forecaster import make_model
from resmodel.io.series import CAPACITY, read_series, read_triangle, read_users_ages
from resmodel.limits import MAX_SERIES_VALUE, MAX_TABLE_NUMBER, MAX_VOLUME
from tests.forecast.conftest import ROOT, run_cli

MONTHS = [f"{2020 + i // 12}-{i % 12 + 1:02d}" for i in range(30)]


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def history(total: str | None = "Totalt", summed: bool = True) -> list[str]:
    """A volume history of two services; after each month a row of the service ``total`` (their sum, or not)."""
    lines = ["month,service,level,volume"]
    for i, m in enumerate(MONTHS):
        dv, kv = 20.0 + i, 10.0 + i / 2
        lines += [f"{m},daglig_verksamhet,,{dv}", f"{m},korttidsvistelse,,{kv}"]
        if total:
            lines.append(f"{m},{total},,{dv + kv if summed else 3 * dv}")
    return lines


def problems(exc: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_a_total_row_after_each_month_in_the_service_column_is_refused_as_counted_twice(tmp_path):
    with pytest.raises(InputError) as exc:
        read_series(write(tmp_path / "h.csv", history()))
    [message] = problems(exc)
    assert "row 4, column 'service'" in message and "'Totalt' is the sum of the other series in every month" in message
    assert "30 rows: 4, 7, 10, …" in message and "counted twice" in message and "delete the rows of 'Totalt'" in message


def test_a_series_named_total_that_is_no_sum_is_refused_with_a_rename_hint(tmp_path):
    with pytest.raises(InputError) as exc:
        read_series(write(tmp_path / "h.csv", history("total", summed=False)))
    [message] = problems(exc)
    assert "row 4, column 'service'" in message and "'total' (30 rows: 4, 7, 10, …) is named like a total" in message
    assert "it is not the sum of the others here" in message and "rename it" in message
    assert "looks like a total row" not in message


def test_a_series_named_total_in_the_id_column_is_one_problem_not_a_total_row(tmp_path):
    lines = ["unique_id,ds,y", *(f"dv,{m},{100 + i}" for i, m in enumerate(MONTHS)),
             *(f"total,{m},{300 + i}" for i, m in enumerate(MONTHS))]
    with pytest.raises(InputError) as exc:
        read_series(write(tmp_path / "g.csv", lines))
    [message] = problems(exc)
    assert "row 32, column 'unique_id'" in message and "'total' (30 rows: 32, 33, 34, …) is named like a total" in message
    renamed = [line.replace("total,", "total_boende,") for line in lines]
    assert set(read_series(write(tmp_path / "g2.csv", renamed)).freqs) == {"dv", "total_boende"}


def test_a_table_of_one_series_named_like_a_total_is_read_as_nothing_can_be_counted_twice(tmp_path):
    """Review finding 2: a file of one series 'Totalt' (the board's total, forecast on its own) was refused as
    "named like a total of the other series", though there were none; POST /forecasts with one unique_id 'total'
    too (it reads the rows with series_from_raw). Total-named series are judged only beside other series."""
    import pandas as pd

    from resmodel.io.series import series_from_raw

    single = write(tmp_path / "single.csv", ["unique_id,ds,y", *(f"Totalt,{m},{100 + i}" for i, m in enumerate(MONTHS))])
    res = run_cli(["forecast", "--series", single, "--out", tmp_path / "out"])
    assert res.exit_code == 0, res.stderr
    assert set(pd.read_csv(tmp_path / "out" / "forecast.csv")["unique_id"]) == {"Totalt"}
    rows = pd.DataFrame({"unique_id": "total", "ds": MONTHS, "y": [str(100.0 + i) for i in range(len(MONTHS))]})
    assert set(series_from_raw(rows, "series").freqs) == {"total"}  # as POST /forecasts reads its body
    services = write(tmp_path / "h.csv", [line for line in history() if "Totalt" in line or line.startswith("month")])
    res = run_cli(["forecast", "--series", services, "--out", tmp_path / "vol"])
    assert res.exit_code == 0, res.stderr
    assert set(pd.read_csv(tmp_path / "vol" / "volume_forecast.csv")["service"]) == {"Totalt"}


@pytest.mark.parametrize("excel", [False, True])
def test_a_bottom_total_row_in_the_second_column_is_a_total_row_not_an_empty_month(tmp_path, excel):
    lines = history(None) + [",Summa,,1234.5"]
    if excel:
        wb = Workbook()
        for line in lines:
            wb.active.append([float(c) if c.replace(".", "").isdigit() and "-" not in c else (c or None)
                              for c in line.split(",")])
        path = tmp_path / "h.xlsx"
        wb.save(path)
    else:
        path = write(tmp_path / "h.csv", lines)
    with pytest.raises(InputError) as exc:
        read_series(path)
    [message] = problems(exc)
    assert "row 62, column 'service': row 62 looks like a total row ('Summa')" in message
    assert "is not a month" not in message


def test_a_level_subtotal_per_month_is_refused_once(tmp_path):
    lines = ["month,service,level,volume"]
    for m in MONTHS:
        lines += [f"{m},daglig_verksamhet,1,10", f"{m},daglig_verksamhet,2,12", f"{m},daglig_verksamhet,Totalt,22"]
    with pytest.raises(InputError) as exc:
        read_series(write(tmp_path / "h.csv", lines))
    [message] = problems(exc)
    assert "row 4, column 'level'" in message and "marks a subtotal of the service's levels (and 29 more rows)" in message


def _power(value: float) -> str:
    """10¹² for 1e12, as the docs write a limit."""
    exponent = round(math.log10(value))
    assert value == 10.0 ** exponent
    return "10" + str(exponent).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def test_the_docs_state_each_tables_value_limit_as_the_code_enforces_it(tmp_path):
    """Finding 4: docs/data-dictionary.md said 10¹², docs/forecasting.md §8 10¹⁵, and a series of 1.2e12 was forecast
    while a triangle refused 5e12. Each table has one limit; §8 states each, as the code enforces it."""
    errors = (ROOT / "docs" / "forecasting.md").read_text(encoding="utf-8").split("## 8. Errors and warnings")[1]
    stated = " ".join(errors.split("one limit per table:")[1].split("—,")[0].split())
    places, staff = CAPACITY.column("places").maximum, CAPACITY.column("staff_fte").maximum
    def count(v: float) -> str:
        return f"{v:,.0f}".replace(",", " ")

    assert stated == (f"a series file's values up to {_power(MAX_SERIES_VALUE)} in magnitude (as POST /forecasts takes "
                      f"them); a volume history's `volume` up to {count(MAX_VOLUME)} a row (users, cases or places a "
                      "month); the numbers of the invoice triangle, population and flows up to "
                      f"{_power(MAX_TABLE_NUMBER)} in magnitude (as the data dictionary's tables); capacity `places` "
                      f"up to {count(places)} and `staff_fte` up to {count(staff)}")
    big = 1.2 * MAX_TABLE_NUMBER
    assert read_series(write(tmp_path / "g.csv", ["unique_id,ds,y", *(f"a,{m},{big}" for m in MONTHS)])).frame["y"].max() == big
    with pytest.raises(InputError, match="not a finite number up to 1e"):
        read_series(write(tmp_path / "g2.csv", ["unique_id,ds,y", *(f"a,{m},{2 * MAX_SERIES_VALUE}" for m in MONTHS)]))
    with pytest.raises(InputError, match="is too large"):
        read_series(write(tmp_path / "h.csv", ["month,service,volume", *(f"{m},a,{MAX_VOLUME + 1}" for m in MONTHS)]))
    with pytest.raises(InputError, match="beyond any figure of a board"):
        read_triangle(write(tmp_path / "t.csv", ["service_month,reporting_month,amount_sek", f"2024-01,2024-01,{big}"]),
                      "amount_sek")


def test_a_level_written_niva_3_is_read_in_the_volume_history_as_in_users_csv(tmp_path):
    """Finding 6: 'Nivå 3' was refused in a volume history while users.csv and flows.csv read it (NFC or not)."""
    decomposed = unicodedata.normalize("NFD", "Nivå")
    lines = ["month,service,level,volume", *(f"{m},daglig_verksamhet,{w} {k},{10 + k}" for m in MONTHS
                                             for k, w in ((1, "Nivå"), (2, decomposed), (3, "nivå:")))]
    data = read_series(write(tmp_path / "h.csv", lines), by_level=True)
    assert set(data.freqs) == {"daglig_verksamhet|1", "daglig_verksamhet|2", "daglig_verksamhet|3"}
    users = write(tmp_path / "users.csv", ["service,level,birth_year", "daglig_verksamhet,Nivå 3,1990",
                                           f"daglig_verksamhet,{decomposed} 2,1985"])
    assert list(read_users_ages(users)["level"]) == [3, 2]


def test_users_ages_read_a_service_spelt_as_users_csv_may_spell_it(tmp_path):
    """Code review 6, finding 1: 'Daglig verksamhet' in users.csv (read so by the users table) was kept as written
    by the forecast's age reader, so the level split lost its users' ages and their age exit without a word."""
    users = write(tmp_path / "users.csv", ["service,level,birth_year", "Daglig verksamhet,3,1990",
                                           " daglig_verksamhet ,2,1985", "Bostad med särskild service för vuxna,,1970"])
    assert list(read_users_ages(users)["service"]) == ["daglig_verksamhet", "daglig_verksamhet", "bostad_vuxna"]


def test_model_names_are_read_whatever_their_case():
    """Finding 6: `--model ETS` was an unknown model."""
    from resmodel.cli_backtest import _parse_models
    from resmodel.cli_forecast import _parse_spec

    assert type(make_model("ETS")).__name__ == type(make_model("ets")).__name__
    assert _parse_spec(["ETS", "daglig_verksamhet=Naive", "korttidsvistelse=2025:10"]) == (
        {"daglig_verksamhet": "naive", "korttidsvistelse": {2025: 10.0}}, "ets")
    assert [m.name for m in _parse_models("Naive, THETA", "M", False, {})] == ["naive", "theta"]


def test_a_constant_series_is_not_comparable_with_naive_rather_than_not_beating_it(tmp_path):
    """Finding 6: on a series that does not change naive's MASE is undefined; the verdict said 'not (no naive MASE)'."""
    series = write(tmp_path / "g.csv", ["unique_id,ds,y", *(f"konstant,{m},42" for m in MONTHS)])
    res = run_cli(["backtest", "--series", series, "--models", "drift", "--out", tmp_path / "out"])
    assert res.exit_code == 0, res.stderr
    assert ("drift: not comparable with naive on konstant (naive's MASE undefined: the series does not change)"
            in res.stdout)
    assert "no naive MASE" not in res.stdout and "beats naive on" not in res.stdout


def test_a_gap_of_several_periods_and_missing_capacity_months_are_named_in_full(tmp_path):
    """Finding 6: '2020-09 is missing before 2020-11' when 2020-10 was missing too; 'no capacity for 2025-05' when
    2025-06 was missing too."""
    kept = [m for m in MONTHS if m not in ("2020-09", "2020-10", "2021-03")]
    with pytest.raises(InputError) as exc:
        read_series(write(tmp_path / "g.csv", ["unique_id,ds,y", *(f"a,{m},1" for m in kept)]))
    assert "gap in series 'a': 2020-09 – 2020-10 are missing before 2020-11 (and 2021-03 later)" in problems(exc)[0]
    with pytest.raises(InputError) as exc:
        read_series(write(tmp_path / "y.csv", ["unique_id,ds,y", *(f"a,{y},1" for y in (2010, 2011, 2014, 2015))]))
    assert "gap in series 'a': 2012 – 2013 are missing before 2014" in problems(exc)[0]
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    demand = write(tmp_path / "demand.csv", ["month,service,volume", *(f"{m},dv,10" for m in months)])
    capacity = write(tmp_path / "cap.csv", ["month,places", *(f"{m},20" for m in months if m not in
                                                              ("2025-05", "2025-06", "2025-09"))])
    res = run_cli(["queue", "--demand", demand, "--service", "dv", "--capacity", capacity, "--out", tmp_path / "q"])
    assert res.exit_code == 2 and "no capacity for 2025-05 – 2025-06, 2025-09" in res.stderr


@pytest.mark.parametrize(("header", "written", "meant"), [
    ("month,service,level,volume", lambda y, m: f"{['jan', 'feb', 'mar'][m - 1]} {y}", "jan 2020 → 2020-01"),
    ("month,service,level,volume", lambda y, m: f"{y}{m:02d}", "202001 → 2020-01"),
    ("unique_id,ds,y", lambda y, m: f"{['jan', 'feb', 'mar'][m - 1]}-{y % 100}", "jan-20 → 2020-01"),
])
def test_months_written_with_names_or_as_yyyymm_are_one_line_with_the_conversion(tmp_path, header, written, meant):
    """Finding 6: 'jan 2024', 'jan-24' (Excel's re-save of a CSV's 2024-01) and '202401' got a line per row."""
    rows = [(y, m) for y in (2020, 2021) for m in (1, 2, 3)]
    body = ([f"{written(y, m)},daglig_verksamhet,,10" for y, m in rows] if header.startswith("month")
            else [f"a,{written(y, m)},10" for y, m in rows])
    with pytest.raises(InputError) as exc:
        read_series(write(tmp_path / "h.csv", [header, *body]))
    [message] = problems(exc)
    assert "row 2" in message and f"6 rows write the month another way ({meant}, " in message
    assert "write each month as YYYY-MM" in message


def test_series_names_that_differ_in_inner_spaces_or_unicode_form_are_one_series(tmp_path):
    """Finding 6: '  Boende för  äldre Öst ' and 'Boende för äldre Öst' were two series (one of a single point, too
    short to forecast); spaces around a name were already ignored, runs inside now read as one space."""
    name = "Boende för äldre Öst"
    typed = ["  Boende för  äldre Öst ", unicodedata.normalize("NFD", name), "Boende\tför äldre\u00a0Öst"]
    lines = ["unique_id,ds,y", *(f'"{typed[i % 3]}",{m},{100 + i}' for i, m in enumerate(MONTHS))]
    data = read_series(write(tmp_path / "g.csv", lines))
    assert list(data.freqs) == [name] and len(data.frame) == len(MONTHS)


def test_a_series_path_that_is_a_device_is_said_to_be_one():
    """Review finding 3, for every reader of the forecasting inputs: /dev/null is a device, not 'file not found'."""
    from pathlib import Path

    with pytest.raises(InputError, match="/dev/null: this is not a regular file but a device"):
        read_series(Path("/dev/null"))
    with pytest.raises(InputError, match="not a regular file but a device"):
        read_users_ages(Path("/dev/null"))
