"""Rows and cells ``read_raw`` refuses in any table before its columns are typed: a total row under the table
('Summa', 'Totalt') and a spreadsheet error value (#N/A) — either would otherwise be read as data or as
text."""

from __future__ import annotations

import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector
from resmodel.table_words import is_total_word

#: the period columns and the columns naming a series of the forecasting's series-like tables (a series file, a
#: volume history, a demand table): a total word may stand in any of them, not only in the first column
SERIES_PERIODS = ("ds", "month", "service_month", "reporting_month")
SERIES_NAMES = ("unique_id", "service", "level")


def _total_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Which cells of the columns looked at hold a total word, on the rows that are totals. In a series-like table
    (a period column and a column naming series) every period and name column is looked at, and a row is a
    total when none of its period cells holds a period ('2024-01,Totalt,,…' is a series named 'Totalt', for the
    series reader to judge); elsewhere the first column, whatever the row holds, and any column of a row whose
    first cell is empty (a 'Totalt' under the names beside an empty id column: data-steward walk, told to fill in
    the id)."""
    names = {str(c).strip().lower(): c for c in frame.columns}
    periods = [names[c] for c in SERIES_PERIODS if c in names]
    looked = list(dict.fromkeys([frame.columns[0], *periods, *(names[c] for c in SERIES_NAMES if c in names)]))
    if not periods or len(looked) == len(periods):  # no column naming series: the first cell says it
        words = pd.DataFrame({c: is_total_word(frame[c]) for c in frame.columns}, index=frame.index)
        empty_first = frame.iloc[:, 0].fillna("").str.strip().eq("").to_numpy()
        total = words.iloc[:, 0].to_numpy() | (empty_first & words.iloc[:, 1:].any(axis=1).to_numpy())
        return words[total]
    words = pd.DataFrame({c: is_total_word(frame[c]) for c in looked}, index=frame.index)
    no_period = pd.DataFrame({c: words[c] | frame[c].fillna("").str.strip().eq("") for c in periods}).all(axis=1)
    return words[words.any(axis=1) & no_period]


def refuse_total_rows(frame: pd.DataFrame, display: str) -> None:
    """A row that says 'Summa' (or 'Totalt' …) is a total under the table, not a row of it: told so, instead of a
    missing value in each of its empty cells."""
    if frame.empty:
        return
    totals = _total_rows(frame)
    if len(totals):
        row = int(totals.index[0])
        column = totals.columns[totals.iloc[0].to_numpy()][0]
        raise InputError.at(Location(file=display, row=row, column=str(column)),
                            f"row {row} looks like a total row ('{str(frame.at[row, column]).strip()}')"
                            + (f" (and {len(totals) - 1} more rows)" if len(totals) > 1 else ""),
                            "the table's rows only (resmodel sums them itself)", "delete the total row"
                            + ("s" if len(totals) > 1 else ""))


#: the error values Excel writes into a cell whose formula failed (kept as text by a CSV or a cached xlsx value)
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"})


def refuse_error_values(frame: pd.DataFrame, display: str) -> None:
    """One problem per column holding a spreadsheet error value, at its first row."""
    problems = ProblemCollector()
    for column in frame.columns:
        hits = frame.index[frame[column].fillna("").str.strip().str.upper().isin(EXCEL_ERRORS).to_numpy()]
        if len(hits):
            problems.add(Location(file=display, row=int(hits[0]), column=str(column)),
                         f"the cell holds the spreadsheet error {frame.at[hits[0], column].strip()}"
                         + (f" (and {len(hits) - 1} more rows)" if len(hits) > 1 else ""),
                         "a value: a formula that failed (a lookup that found nothing) has none",
                         "correct the formula or type the value in the spreadsheet, then save again")
    problems.raise_if_any()
