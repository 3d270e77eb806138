"""Rules the input readers share, written once (code review): a need level 1–8 as users.csv, the volume history and
a demand table read it (``level_cells``), and the one table of Swedish header words every reader takes its own
columns' words from (``table_words.SWEDISH_HEADER_WORDS``)."""

from __future__ import annotations

import pandas as pd
import pytest

from resmodel.budget.inyear_checks import (
    ACTUALS_COLUMNS,
    CHANGE_COLUMNS,
    FRAME_COLUMNS,
    SWEDISH_HEADERS,
    check_actuals,
)
from resmodel.errors import InputError
from resmodel.forecast.frame import DS, ID, Y
from resmodel.io.dictionary import TARIFF, USERS
from resmodel.io.series import (
    HISTORY_COLUMNS,
    SWEDISH_SERIES_HEADERS,
    level_cells,
    level_text,
    read_demand_table,
    read_users_ages,
    read_volume_history,
)
from resmodel.io.tables import type_table
from resmodel.table_words import SWEDISH_HEADER_WORDS, swedish_headers


def test_a_level_cell_is_a_whole_number_1_to_8_or_empty():
    text = level_text(pd.Series(["3", " Nivå 8", "", None, "3.0", "0", "9", "x", "3.5", "Totalt"]))
    levels, bad = level_cells(text)
    assert levels.dtype == "Int64"
    assert levels.tolist()[:5] == [3, 8, pd.NA, pd.NA, 3]
    assert bad.tolist() == [False] * 5 + [True] * 5
    assert levels[bad].isna().all()  # a cell that is no level is no level in the output either


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _history(tmp_path, level: str):
    return _write(tmp_path, "history.csv", "month,service,level,volume\n"
                  + "".join(f"2024-{m:02d},daglig_verksamhet,{level},10\n" for m in range(1, 4)))


def _users(tmp_path, level: str):
    return _write(tmp_path, "users.csv", f"user_id,service,level,birth_year\nU1,daglig_verksamhet,{level},1990\n")


def _demand(tmp_path, level: str):
    """A demand table whose level service is fine and whose other service's row holds ``level``."""
    return _write(tmp_path, "demand.csv", "month,service,level,volume\n2025-01,bostad_vuxna,2,5\n"
                  f"2025-01,daglig_verksamhet,{level},10\n")


READERS = {"history": (_history, read_volume_history), "users": (_users, read_users_ages),
           "demand": (_demand, read_demand_table)}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("cell", ["0", "9", "x", "3.5", "12345678"])
def test_every_level_reader_refuses_a_cell_that_is_no_level_at_its_row(tmp_path, reader, cell):
    """The demand table's reader had no range check: level 9 of a service the plan did not ask for passed."""
    write, read = READERS[reader]
    path = write(tmp_path, cell)
    with pytest.raises(InputError) as err:
        read(path, path.name)
    text = str(err.value)
    assert f"{path.name}, row " in text and "column 'level'" in text and "1–8" in text


@pytest.mark.parametrize("reader", READERS)
def test_every_level_reader_reads_a_case_systems_level_as_its_number(tmp_path, reader):
    write, read = READERS[reader]
    path = write(tmp_path, "Nivå 3")
    levels = read(path, path.name)["level"]
    assert 3 in {int(v) for v in levels.dropna()}


def test_a_demand_tables_bad_level_is_told_as_its_reader_tells_it(tmp_path):
    path = _demand(tmp_path, "Nivå 9")
    with pytest.raises(InputError) as err:
        read_demand_table(path, "demand.csv")
    assert str(err.value).startswith("demand.csv, row 3, column 'level'")
    assert "'9' is not a need level" in str(err.value)
    assert "a whole number 1–8, or empty for a service without levels" in str(err.value)


def test_a_yearly_forecast_given_as_demand_is_left_to_the_header_check(tmp_path):
    """volume_forecast_yearly.csv has level 'total' and no month: its header is told (give the monthly file), not
    its level."""
    path = _write(tmp_path, "y.csv", "year,service,level,volume,months\n2025,daglig_verksamhet,total,1000,12\n")
    assert read_demand_table(path, "y.csv")["level"].tolist() == ["total"]


# one table of Swedish header words


def test_each_reader_takes_every_word_of_its_columns_from_the_one_table():
    assert SWEDISH_SERIES_HEADERS == swedish_headers((*HISTORY_COLUMNS, ID, DS, Y))
    assert SWEDISH_HEADERS == swedish_headers({*ACTUALS_COLUMNS, *FRAME_COLUMNS, *CHANGE_COLUMNS})
    assert SWEDISH_SERIES_HEADERS["tjänst"] == SWEDISH_HEADER_WORDS["tjänst"] == "service"
    assert SWEDISH_HEADERS["månad"] == SWEDISH_SERIES_HEADERS["månad"] == "month"


def test_the_in_year_reader_knows_a_word_the_series_reader_knew():
    """'Manad' (månad without the ring) was read by the volume history, not by the in-year actuals."""
    actuals = pd.DataFrame([["2024", "1", "lss", "100", "5"]], columns=["År", "Manad", "Område", "Kostnad", "Antal"],
                           index=[2], dtype="string")
    with pytest.raises(InputError) as err:
        check_actuals(actuals, "a.csv")
    assert "År → year, Manad → month, Område → area, Kostnad → cost, Antal → volume" in str(err.value)


@pytest.mark.parametrize(("schema", "header", "target"), [
    (TARIFF, "År", "year"), (USERS, "Behovsniva", "level"), (USERS, "Tjanst", "service"),
])
def test_a_data_table_knows_a_word_another_reader_knew(schema, header, target):
    """'År' was the in-year tables' word, 'Behovsniva' and 'Tjanst' the volume history's: the data tables did not
    name the column to rename them to."""
    columns = [header if c.name == target else c.name for c in schema.columns]
    raw = pd.DataFrame([["x"] * len(columns)], columns=columns, index=[2], dtype="string")
    with pytest.raises(InputError) as err:
        type_table(raw, schema, "t.csv")
    assert f"Fix: '{header}' is '{target}' here: rename it to '{target}'" in str(err.value)


def test_a_word_is_never_a_column_of_a_table_that_lacks_it():
    actuals = pd.DataFrame([["2024", "1", "lss", "100", "5", "DV01"]],
                           columns=[*ACTUALS_COLUMNS, "Enhet"], index=[2], dtype="string")
    with pytest.raises(InputError) as err:
        check_actuals(actuals, "a.csv")
    assert "Swedish" not in str(err.value)  # 'Enhet' is unit_id of a data table, no column of the actuals
