"""Demand tables for `queue` and `plan-premises` (review of the demand input): identity numbers are
refused before anything is echoed, rows that would be counted twice, impossible levels and
impossible volumes are located errors, and the demand per need level is checked like the total."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from resmodel.errors import InputError, PersonalDataError
from resmodel.forecast.demand import demand_by_level, demand_from_table
from resmodel.io.series import read_demand_table
from tests.forecast.conftest import ROOT, run_cli

PNR = "19121212-1212"  # Skatteverket's test number: a valid date and check digit
HISTORY = ROOT / "data" / "demokommun" / "volume_history.csv"


def _file(tmp_path: Path, lines: list[str]) -> Path:
    """A demand CSV (header first); rows are numbered from 2 as in a spreadsheet."""
    path = tmp_path / "fc.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _demand(tmp_path: Path, lines: list[str], service: str = "dv", by_level: bool = False):
    """Read the file as `resmodel queue` does and take the demand of ``service``."""
    path = _file(tmp_path, lines)
    take = demand_by_level if by_level else demand_from_table
    return take(read_demand_table(path, "fc.csv"), service, "fc.csv")


def _refused(tmp_path: Path, lines: list[str], where: str, message: str, service: str = "dv",
             by_level: bool = False) -> str:
    """The error text, after checking that it starts at ``where`` and says ``message``."""
    with pytest.raises(InputError, match=message) as err:
        _demand(tmp_path, lines, service, by_level)
    assert str(err.value).startswith(where), str(err.value)
    return str(err.value)


# 1. identity numbers: refused at the cell, never repeated

@pytest.mark.parametrize(("lines", "where"), [
    (["month,service,volume", f"2025-01,{PNR},5"], "fc.csv, row 2, column 'service'"),  # was: "Expected one of <pnr>"
    (["month,service,volume", f"2025-01,dv,{PNR}"], "fc.csv, row 2, column 'volume'"),  # was: "'<pnr>' is not a valid"
    (["month,service,volume", "2025-01,dv,191212121212"], "fc.csv, row 2, column 'volume'"),  # as a register number
    (["month,service,volume,note", f"2025-01,dv,5,{PNR}"], "fc.csv, row 2, column 'note'"),  # was: silently ignored
    (["month,service,level,volume", "2025-01,dv,1212121212,5"], "fc.csv, row 2, column 'level'"),  # 10 digits
    (["month,service,volume", f"{PNR},dv,5"], "fc.csv, row 2, column 'month'"),
])
def test_an_identity_number_anywhere_in_the_demand_file_is_refused_without_showing_it(tmp_path, lines, where):
    with pytest.raises(PersonalDataError, match="personal identity number") as err:
        _demand(tmp_path, lines)
    text = str(err.value)
    assert text.startswith(where), text
    assert PNR not in text and "19121212" not in text and "1212121212" not in text


def test_long_decimals_of_a_forecast_are_not_taken_for_identity_numbers(tmp_path):
    demand = _demand(tmp_path, ["month,service,volume,volume_hi_80",
                                "2025-01,dv,1694.868905674316,1812.212121212121"])
    assert demand.tolist() == [1694.868905674316]


# 2. rows that would be counted twice

@pytest.mark.parametrize(("lines", "where", "message"), [
    (["month,service,volume", "2025-01,dv,5", "2025-02,dv,6", "2025-01,dv,5"],
     "fc.csv, row 4, column 'month', at 'dv'", r"month 2025-01 of service 'dv' appears twice \(first on row 2\)"),
    (["month,service,volume", "2025-01,dv,5", "2025-01-01,dv,5"],  # the same month written as its first day
     "fc.csv, row 3, column 'month', at 'dv'", "month 2025-01 of service 'dv' appears twice"),
    (["month,service,level,volume", "2025-01,dv,1,5", "2025-01,dv,2,5", "2025-01,dv,1,5"],
     "fc.csv, row 4, column 'month', at 'dv'", r"month 2025-01, level 1, of service 'dv' appears twice \(first on row 2\)"),
    (["month,service,level,volume", "2025-01,dv,,10", "2025-01,dv,1,4", "2025-01,dv,2,6"],
     "fc.csv, row 2, column 'level', at 'dv'", r"the level is empty, but other rows of service 'dv' have levels \(e.g. row 3\)"),
    (["month,service,level,volume", "2025-01,dv,1,4", "2025-01,dv,2,6", "2025-01,dv,,10"],
     "fc.csv, row 4, column 'level', at 'dv'", "the level is empty, but other rows"),
])
def test_rows_that_would_be_summed_twice_are_located(tmp_path, lines, where, message):
    text = _refused(tmp_path, lines, where, message)
    assert "Expected one row per month" in text or "or on none (totals only)" in text
    assert "Fix:" in text


def test_a_duplicate_in_another_service_does_not_stop_this_one(tmp_path):
    demand = _demand(tmp_path, ["month,service,volume", "2025-01,dv,5", "2025-01,other,1", "2025-01,other,1"])
    assert demand.tolist() == [5.0]


# 3. need levels

@pytest.mark.parametrize("level", ["0", "9", "6.5", "x", "-1"])
def test_a_level_that_is_not_a_whole_number_1_to_8_is_located(tmp_path, level):
    lines = ["month,service,level,volume", "2025-01,dv,1,5", f"2025-01,dv,{level},5"]
    _refused(tmp_path, lines, "fc.csv, row 3, column 'level', at 'dv'", f"'{level}' is not a need level")


def test_levels_written_as_decimals_and_empty_levels_of_other_services_are_accepted():
    table = pd.DataFrame({"month": ["2025-01", "2025-01", "2025-01"], "service": ["dv", "dv", "bs"],
                          "level": [1.0, 2.0, None], "volume": [4.0, 6.0, 3.0]})
    assert demand_from_table(table, "dv").tolist() == [10.0]
    assert demand_from_table(table, "bs").tolist() == [3.0]
    assert demand_by_level(table, "dv").columns.tolist() == [1, 2]


def test_a_level_missing_in_a_month_is_not_summed_as_no_demand(tmp_path):
    lines = ["month,service,level,volume", "2025-01,dv,1,5", "2025-01,dv,2,5", "2025-02,dv,1,5",
             "2025-03,dv,1,5", "2025-03,dv,2,5"]
    _refused(tmp_path, lines, "fc.csv, row 3, column 'level', at 'dv'",
             "level 2 covers 2025-01–2025-03 without 2025-02, but level 1 covers 2025-01–2025-03")


# 4. demand per need level

def _by_level_lines(last_month: dict[int, str], levels=range(1, 9)) -> list[str]:
    """A forecast of dv per level from 2025-01 to each level's last month (default 2028-12), plus bs totals."""
    lines = ["service,level,month,volume,volume_hi_80"]
    for level in levels:
        for month in pd.date_range("2025-01", last_month.get(level, "2028-12"), freq="MS"):
            lines.append(f"dv,{level},{month:%Y-%m},{10 * level},{12 * level}")
    lines += [f"bs,,{month:%Y-%m},7,8" for month in pd.date_range("2025-01", "2028-12", freq="MS")]
    return lines


def test_demand_by_level_is_one_column_per_level_indexed_by_month(tmp_path):
    wide = _demand(tmp_path, _by_level_lines({}), by_level=True)  # bs, with empty levels, is left alone
    assert wide.columns.tolist() == list(range(1, 9))
    assert isinstance(wide.index, pd.DatetimeIndex) and wide.index.name == "month"
    assert len(wide) == 48 and wide.iloc[0].tolist() == [10.0 * level for level in range(1, 9)]
    total = demand_from_table(read_demand_table(tmp_path / "fc.csv"), "dv", "fc.csv")
    pd.testing.assert_series_equal(wide.sum(axis=1), total, check_names=False)
    hi = demand_by_level(read_demand_table(tmp_path / "fc.csv"), "dv", "fc.csv", column="volume_hi_80")
    assert hi[8].iloc[0] == 96.0


@pytest.mark.parametrize(("lines", "service"), [
    (["month,service,volume", "2025-01,dv,5"], "dv"),  # no level column
    (["month,service,level,volume", "2025-01,dv,,5", "2025-01,lv,1,5"], "dv"),  # the service's levels are empty
])
def test_demand_by_level_refuses_a_table_without_levels(tmp_path, lines, service):
    text = _refused(tmp_path, lines, f"fc.csv, column 'level', at '{service}'", "no demand per need level",
                    service, by_level=True)
    assert "Expected a forecast with a level column (resmodel forecast writes one for level services)" in text
    assert "leave min_level and max_level of the candidates empty to plan on totals" in text


def test_demand_by_level_refuses_levels_over_different_months(tmp_path):
    text = _refused(tmp_path, _by_level_lines({7: "2026-12"}), "fc.csv, row ", "level 7 covers 2025-01–2026-12, "
                    "but levels 1, 2, 3, 4, 5, 6, 8 cover 2025-01–2028-12", by_level=True)
    assert "column 'level', at 'dv'" in text


@pytest.mark.parametrize(("lines", "message"), [
    (["month,service,level,volume", "2025-01,dv,1,5", "2025-01,dv,1,5"], "appears twice"),
    # an empty or non-numeric level of the service crashed: "Cannot mask with non-boolean array"
    (["month,service,level,volume", "2025-01,dv,1,5", "2025-01,dv,,5"], "the level is empty"),
    (["month,service,level,volume", "2025-01,dv,1,5", "2025-01,dv,x,5"], "'x' is not a need level"),
    (["month,service,level,volume", "2025-01,dv,1,5", "2025-01,dv,6.5,5"], "'6.5' is not a need level"),
])
def test_demand_by_level_applies_the_checks_of_the_total(tmp_path, lines, message):
    _refused(tmp_path, lines, "fc.csv, row 3", message, by_level=True)


# 5. impossible volumes

@pytest.mark.parametrize(("value", "message"), [
    ("inf", "'inf' is not a valid volume"),
    ("-inf", "'-inf' is not a valid volume"),
    ("1e400", "'1e400' is not a valid volume"),
    ("nan", "'nan' is not a valid volume"),
    ("", "empty is not a valid volume"),
    ("1000000.5", "the volume is above 1,000,000"),
])
def test_a_volume_that_is_not_a_finite_number_up_to_a_million_is_located(tmp_path, value, message):
    lines = ["month,service,volume", "2025-01,dv,5", f"2025-02,dv,{value}"]
    text = _refused(tmp_path, lines, "fc.csv, row 3, column 'volume', at 'dv'", message)
    assert "Expected a number from 0 to 1,000,000" in text


def test_a_month_whose_levels_add_up_to_more_than_a_million_is_located(tmp_path):
    lines = ["month,service,level,volume", "2025-01,dv,1,5", "2025-01,dv,2,5", "2025-02,dv,1,600000",
             "2025-02,dv,2,600000"]
    _refused(tmp_path, lines, "fc.csv, row 4, column 'volume', at 'dv'",
             "the demand of 2025-02, summed over the levels, is 1,200,000, above 1,000,000")
    assert _demand(tmp_path, lines[:3]).tolist() == [10.0]  # a million a month is allowed


def test_a_million_exactly_is_allowed(tmp_path):
    assert _demand(tmp_path, ["month,service,volume", "2025-01,dv,1000000"]).tolist() == [1_000_000.0]


# the demo data still works for every service

def test_every_service_of_the_demo_history_gives_its_demand():
    raw = read_demand_table(HISTORY)
    for service in sorted(raw["service"].unique()):
        total = demand_from_table(raw, service, str(HISTORY))
        assert len(total) == 120 and total.index.name == "month", service
        if service in ("bostad_barn", "bostad_vuxna", "daglig_verksamhet"):
            wide = demand_by_level(raw, service, str(HISTORY))
            assert wide.columns.tolist() == list(range(1, 9)), service
            pd.testing.assert_series_equal(wide.sum(axis=1), total, check_names=False)


# through the command

def test_queue_refuses_a_demand_file_with_an_identity_number_and_writes_nothing(tmp_path):
    demand = _file(tmp_path, ["month,service,volume,note", "2025-01,daglig_verksamhet,100,", f"2025-02,daglig_verksamhet,"
                              f"100,{PNR}"])
    out = tmp_path / "q"
    res = run_cli(["queue", "--demand", demand, "--service", "daglig_verksamhet", "--places", "90", "--out", out])
    assert res.exit_code == 2
    assert f"error: {demand}, row 3, column 'note': this cell looks like a Swedish personal identity number" in res.stderr
    assert PNR not in res.stdout + res.stderr and "19121212" not in res.stdout + res.stderr
    assert not out.exists()


def test_a_misspelt_demand_column_is_told_the_close_one(tmp_path):
    path = _file(tmp_path, ["month,service,volume,volume_hi_80", "2025-01,dv,10,12"])
    with pytest.raises(InputError) as err:
        demand_from_table(read_demand_table(path, "fc.csv"), "dv", "fc.csv", column="volume_hi80")
    assert "Fix: did you mean 'volume_hi_80'? correct --demand-column" in str(err.value)
