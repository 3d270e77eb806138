"""A planner's walk with the municipality's own exports into the forecasting readers: a volume history whose
services are spelt as a case system writes them, Excel date serials and SCB/ISO periods, an empty cell in a ';'
file, Swedish headers and an invoice triangle by lag (findings 1–6)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from resmodel.errors import InputError
from resmodel.io.series import read_series, read_triangle, read_volume_history
from tests.forecast.conftest import run_cli


def write(path, lines):
    """A CSV file of the given lines, as a planner saves it."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems(exc: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in exc.value.problems]


def months(n=24, start=2019):
    """'2019-01', '2019-02', … for ``n`` months."""
    return [f"{start + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


def case_system_history(tmp_path, service="Daglig verksamhet", other="Ledsagarservice", n=24):
    """A ';' export with decimal commas: three levels of daily activity written 'Nivå 1', and a service without levels."""
    rows = ["month;service;level;volume"]
    for i, m in enumerate(months(n)):
        rows += [f"{m};{service};Nivå {lv};{9 + lv + i},5" for lv in (1, 2, 3)] + [f"{m};{other};;4,0"]
    return write(tmp_path / "h.csv", rows)


# 1. services spelt as a case system writes them


def test_a_case_system_history_keeps_its_level_split(tmp_path):
    """'Daglig verksamhet;Nivå 1' was refused on every row as a service without levels, told to drop the level."""
    path = case_system_history(tmp_path)
    history = read_volume_history(path)
    assert set(history["service"]) == {"daglig_verksamhet", "ledsagning"}
    assert sorted(history.loc[history["service"] == "daglig_verksamhet", "level"].unique()) == [1, 2, 3]
    assert history.attrs["warnings"] == []
    data = read_series(path, by_level=True)
    assert set(data.freqs) == {"daglig_verksamhet|1", "daglig_verksamhet|2", "daglig_verksamhet|3", "ledsagning"}
    assert data.warnings == []


def test_a_forecast_of_a_case_system_history_can_be_queued_by_its_key(tmp_path):
    """The forecast named the service as written, so 'queue --service daglig_verksamhet' found no rows."""
    path = case_system_history(tmp_path)
    res = run_cli(["forecast", "--series", path, "--h", 3, "--out", tmp_path / "f"])
    assert res.exit_code == 0, res.stderr
    table = pd.read_csv(tmp_path / "f" / "volume_forecast.csv")
    assert set(table["service"]) == {"daglig_verksamhet", "ledsagning"}
    assert set(table.loc[table["service"] == "daglig_verksamhet", "level"]) == {1, 2, 3}
    res = run_cli(["queue", "--demand", tmp_path / "f" / "volume_forecast.csv", "--service", "daglig_verksamhet",
                   "--places", 100, "--out", tmp_path / "q"])
    assert res.exit_code == 0, res.stderr


def test_levels_on_a_name_that_is_no_service_key_are_one_problem_naming_the_key(tmp_path):
    """576 lines told a misspelt service it has no levels; now one line per service cell, with the rows counted."""
    path = case_system_history(tmp_path, service="Daglig verksamhett", other="ledsagning")
    with pytest.raises(InputError) as exc:
        read_volume_history(path)
    (msg,) = problems(exc)
    assert msg.startswith(f"{path}, row 2, column 'level', at 'Daglig verksamhett': 'Daglig verksamhett' is not one "
                          "of resmodel's service keys, so it has no levels, but the level is 1, 2, 3 on 72 rows "
                          "(2, 3, 4, …)")
    assert "Fix: did you mean 'daglig_verksamhet'? write the service's key" in msg


def test_levels_on_a_service_without_levels_are_one_problem_per_service(tmp_path):
    path = write(tmp_path / "h.csv", ["month,service,level,volume"]
                 + [f"{m},hemtjanst,{1 + i % 2},10" for i, m in enumerate(months(24))])
    with pytest.raises(InputError) as exc:
        read_volume_history(path)
    (msg,) = problems(exc)
    assert ("row 2, column 'level', at 'hemtjanst': service 'hemtjanst' has no levels, but the level is 1, 2 on 24 "
            "rows (2, 3, 4, …)") in msg


def test_a_name_that_is_no_service_key_is_warned_with_the_key_it_may_mean(tmp_path):
    path = write(tmp_path / "h.csv", ["month,service,level,volume"]
                 + [f"{m},Kontaktperson SoL,,{i}" for i, m in enumerate(months(24))]
                 + [f"{m},hemtjanst,,5" for m in months(24)])
    history = read_volume_history(path)
    (warning,) = history.attrs["warnings"]
    assert (warning.check, warning.location.row, warning.location.column) == ("unknown_service", 2, "service")
    assert warning.message.startswith("'Kontaktperson SoL' (24 rows) is not one of resmodel's service keys (did you "
                                      "mean 'kontaktperson'?): forecast and backtest take it as a service of its own")
    assert "a projection leaves it out" in warning.message
    assert "daglig_verksamhet" in warning.message and "ledsagning" in warning.message
    assert read_series(path).warnings == [warning]


def test_a_total_series_alone_is_not_warned_as_an_unknown_service(tmp_path):
    path = write(tmp_path / "h.csv", ["month,service,level,volume"] + [f"{m},Totalt,,5" for m in months(24)])
    assert read_volume_history(path).attrs["warnings"] == []


# 2. Excel date serials


def excel_serial(month: str) -> int:
    return (dt.date.fromisoformat(month + "-01") - dt.date(1899, 12, 30)).days


def test_excel_serials_in_a_series_file_are_one_line_with_the_conversion(tmp_path):
    """'43466' was told, on 10 lines and a count, that it is outside the years 1900–2200: correct the year."""
    path = write(tmp_path / "s.csv", ["unique_id,ds,y"] + [f"a,{excel_serial(m)},{i}" for i, m in enumerate(months())])
    with pytest.raises(InputError) as exc:
        read_series(path)
    (msg,) = problems(exc)
    assert msg.startswith(f"{path}, row 2, column 'ds', at 'a': 24 rows hold an Excel date serial, not a period "
                          "(43466 → 2019-01-01, 43497 → 2019-02-01, 43525 → 2019-03-01, …)")
    assert "Fix: 43466 is Excel's serial for 2019-01-01: write 2019-01" in msg and "outside" not in msg


def test_excel_serials_in_a_volume_history_are_one_line_with_the_conversion(tmp_path):
    path = write(tmp_path / "h.csv", ["month,service,level,volume"]
                 + [f"{excel_serial(m)},hemtjanst,,{i}" for i, m in enumerate(months())])
    with pytest.raises(InputError) as exc:
        read_volume_history(path)
    (msg,) = problems(exc)
    assert "row 2, column 'month', at 'hemtjanst': 24 rows hold an Excel date serial, not a month" in msg
    assert "Fix: 43466 is Excel's serial for 2019-01-01: write 2019-01" in msg


# 3. SCB's and ISO periods; an unpadded month


@pytest.mark.parametrize(("cell", "meant"), [("2019M01", "2019-01"), ("2019-01-01T00:00:00", "2019-01")])
def test_scb_and_iso_periods_are_told_the_conversion(tmp_path, cell, meant):
    """They were told 'write the period as e.g. 2024 or 2024-03', as no conversion was known."""
    path = write(tmp_path / "s.csv", ["unique_id,ds,y", f"a,{cell},1", "a,2019-02,2", "a,2019-03,3", "a,2019-04,4"])
    with pytest.raises(InputError) as exc:
        read_series(path)
    (msg,) = problems(exc)
    assert f"1 row write the month another way ({cell} → {meant})" in msg


def test_an_unpadded_month_is_its_month_not_october(tmp_path):
    path = write(tmp_path / "s.csv", ["unique_id,ds,y"] + [f"a,2019-{m},{m}" for m in range(1, 13)])
    frame = read_series(path).frame
    assert list(frame["ds"].dt.month) == list(range(1, 13)) and list(frame["y"]) == list(range(1, 13))


# 4. an empty cell in a ';' file


@pytest.mark.parametrize(("reader", "header", "row", "empty", "where"), [
    (read_series, "unique_id;ds;y", "a;{m};{i},5", (5, "a;2019-05;"), "row 6, column 'y', at 'a'"),
    (read_volume_history, "month;service;level;volume", "{m};hemtjanst;;{i},5", (3, "2019-03;hemtjanst;;"),
     "row 4, column 'volume', at 'hemtjanst'")])
def test_an_empty_value_in_a_semicolon_file_asks_for_its_decimal_comma(tmp_path, reader, header, row, empty, where):
    """The ';' file writes '9,5', yet an empty cell was told to hold a number with '.' as decimal point (a series file
    and a volume history alike)."""
    lines = [header] + [row.format(m=m, i=i) for i, m in enumerate(months(12))]
    lines[empty[0]] = empty[1]
    with pytest.raises(InputError) as exc:
        reader(write(tmp_path / "s.csv", lines))
    (msg,) = problems(exc)
    assert f"{where}: value empty is not a number. Expected a number with ',' as decimal comma (as in this ';' " \
           "file)" in msg


def test_an_empty_value_in_a_comma_file_still_asks_for_a_decimal_point(tmp_path):
    lines = ["unique_id,ds,y"] + [f"a,{m},{i}.5" for i, m in enumerate(months(12))]
    lines[5] = "a,2019-05,"
    with pytest.raises(InputError) as exc:
        read_series(write(tmp_path / "s.csv", lines))
    assert "Expected a number with '.' as decimal point" in problems(exc)[0]


# 5. Swedish headers


def test_a_swedish_volume_history_header_is_told_each_column_s_name(tmp_path):
    """'månad;insats;nivå;antal' was told that 'unique_id', a column of the other format, is missing."""
    path = write(tmp_path / "h.csv", ["månad;insats;nivå;antal", "2019-01;daglig_verksamhet;1;9,5"])
    with pytest.raises(InputError) as exc:
        read_series(path)
    (msg,) = problems(exc)
    assert msg == (f"{path}, row 1, column 'månad': the header names its columns in Swedish (månad, insats, nivå, "
                   "antal), which resmodel reads in English. Expected a series file's header unique_id,ds,y "
                   "(optionally more numeric columns), or a volume history's month,service,level,volume. Fix: rename "
                   "'månad' to 'month', 'insats' to 'service', 'nivå' to 'level', 'antal' to 'volume' "
                   "(docs/forecasting.md §6)")


def test_a_swedish_series_header_is_told_the_column_it_still_lacks(tmp_path):
    path = write(tmp_path / "s.csv", ["Datum;Värde", "2019-01;9,5"])
    with pytest.raises(InputError) as exc:
        read_series(path)
    assert problems(exc)[0].endswith("Fix: rename 'Datum' to 'ds', 'Värde' to 'y', and add 'unique_id' "
                                     "(docs/forecasting.md §6)")


def test_a_swedish_level_header_beside_english_ones_is_told_to_be_level(tmp_path):
    path = write(tmp_path / "h.csv", ["month,service,Nivå,volume", "2019-01,daglig_verksamhet,1,9"])
    with pytest.raises(InputError) as exc:
        read_series(path)
    assert problems(exc) == [f"{path}, row 1, column 'Nivå': unknown column 'Nivå' in the volume history. Expected "
                             "columns month, service, level, volume. Fix: rename the column to 'level'"]


def test_a_header_of_neither_format_names_the_two_formats(tmp_path):
    path = write(tmp_path / "s.csv", ["Enhet,Kommentar,Belopp", "DV01,text,10"])
    with pytest.raises(InputError) as exc:
        read_series(path)
    (msg,) = problems(exc)
    assert "column 'Enhet': the header (Enhet, Kommentar, Belopp) is neither of the two formats a series file is " \
           "read in. Expected a series file's header unique_id,ds,y" in msg and "volume history's month," in msg
    assert "unique_id' is missing" not in msg


# 6. an invoice triangle by lag


def test_a_triangle_by_lag_is_told_the_reporting_month_it_is(tmp_path):
    """A 'lag' column was told to be removed: resmodel reads no free-text or comment column here."""
    path = write(tmp_path / "t.csv", ["service_month,lag,amount_sek"]
                 + [f"2023-{m:02d},{lag},100" for m in range(1, 7) for lag in range(3)])
    with pytest.raises(InputError) as exc:
        read_triangle(path, "amount_sek")
    (msg,) = problems(exc)
    assert msg.startswith(f"{path}, row 1, column 'lag': required column 'reporting_month' is missing")
    assert msg.endswith("Fix: write reporting_month = service_month + lag months (a lag of 0 is the service month "
                        "itself) and remove the column 'lag'")
    assert "free-text" not in msg


# diff review of the readers' change
def test_two_spellings_of_one_service_are_told_as_that_not_as_duplicate_dates(tmp_path):
    """'Korttidsvistelse' and 'Korttidshem' both read as korttidsvistelse: the file was refused five times over for
    duplicate dates it does not hold."""
    rows = ["month,service,level,volume", *(f"{m},Korttidsvistelse,,10" for m in months(3)),
            *(f"{m},Korttidshem,,3" for m in months(3))]
    with pytest.raises(InputError) as exc:
        read_volume_history(write(tmp_path / "k.csv", rows))
    (problem,) = problems(exc)
    assert "'Korttidsvistelse' (row 2) and 'Korttidshem' (row 5) both name the service korttidsvistelse" in problem
    assert "appears more than once" not in problem


@pytest.mark.parametrize(("label", "key"), [("Bostad med särskild service vuxna", "bostad_vuxna"),
                                             ("Bostad för barn och unga", "bostad_barn"),
                                             ("Egen utförare PA", "personlig_assistans_egen_utforare")])
def test_resmodels_own_service_names_read_as_their_keys(tmp_path, label, key):
    rows = ["month,service,level,volume", *(f"{m},{label},3,5" for m in months(3))] if key != \
        "personlig_assistans_egen_utforare" else ["month,service,level,volume", *(f"{m},{label},,5" for m in months(3))]
    history = read_volume_history(write(tmp_path / "h.csv", rows))
    assert set(history["service"]) == {key} and not history.attrs["warnings"]


def test_a_series_files_swedish_value_header_is_told_y(tmp_path):
    with pytest.raises(InputError) as exc:
        read_series(write(tmp_path / "s.csv", ["unique_id,ds,antal", "A,2024-01,5"]))
    assert "rename 'antal' to 'y'" in problems(exc)[0]


def test_a_mistyped_year_is_no_excel_serial(tmp_path):
    with pytest.raises(InputError) as exc:
        read_series(write(tmp_path / "s.csv", ["unique_id,ds,y", "A,2019,5", "A,20240,6"]))
    text = " ".join(problems(exc))
    assert "'20240' is not a period" in text and "serial" not in text


def _case_demand(tmp_path, spellings=("Daglig verksamhet", "Daglig verksamhet")):
    """A case system's history as queue's demand: ';', decimal commas, 'Nivå n'; the first year in one spelling."""
    rows = ["month;service;level;volume"]
    for i, m in enumerate(months(24)):
        rows += [f"{m};{spellings[i >= 12]};Nivå {lv};{10 + lv},5" for lv in (1, 2)]
    return write(tmp_path / "d.csv", rows)


def test_queue_reads_a_case_systems_history_as_forecast_does(tmp_path):
    """Re-walk: forecast read it, queue said 'no rows for service daglig_verksamhet' and, told to use 'Daglig
    verksamhet', that 'Nivå 1' is not a need level."""
    res = run_cli(["queue", "--demand", _case_demand(tmp_path), "--service", "daglig_verksamhet", "--places", "30",
                   "--out", tmp_path / "q"])
    assert res.exit_code == 0, res.stderr
    monthly = pd.read_csv(tmp_path / "q" / "queue_monthly.csv")
    assert len(monthly) == 24 and monthly["demand"].iloc[0] == pytest.approx(11.5 + 12.5)


def test_queue_refuses_two_spellings_of_one_service_instead_of_using_half(tmp_path):
    """Re-walk: with 2015–2019 spelt daglig_verksamhet and later years 'Daglig verksamhet', the queue ran on the
    first years only, without a word."""
    path = _case_demand(tmp_path, ("daglig_verksamhet", "Daglig verksamhet"))
    res = run_cli(["queue", "--demand", path, "--service", "daglig_verksamhet", "--places", "30",
                   "--out", tmp_path / "q"])
    assert res.exit_code == 2 and not (tmp_path / "q").exists()
    assert "'daglig_verksamhet' (row 2) and 'Daglig verksamhet' (row 26) both name the service" in res.stderr
