"""A planner's bad-input sweep of the forecasting inputs (findings of 2026-12): totals inside a series table."""

from __future__ import annotations

import math

import pytest
from openpyxl import Workbook

from resmodel.errors import InputError
from resmodel.forecast.interface import MAX_VOLUME
from resmodel.io.series import CAPACITY, read_series, read_triangle
from resmodel.limits import MAX_SERIES_VALUE, MAX_TABLE_NUMBER
from tests.forecast.conftest import ROOT

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
