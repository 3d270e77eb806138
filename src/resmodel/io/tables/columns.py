"""One column's cells typed and checked against its ``Column``: empty, allowed values, ids, numbers (bounds,
whole numbers, figures beyond any board's), dates and months (Excel serials, month names) — every problem
located at its spreadsheet row and collected, never raised one by one."""

from __future__ import annotations

import re

import pandas as pd

from resmodel.errors import Location, ProblemCollector
from resmodel.forecast.frame import parse_month
from resmodel.io.pnr import id_looks_like_pnr
from resmodel.io.tables.cell_fixes import id_fix, share_fix, unknown_value_fix
from resmodel.io.tables.decimal_comma import swedish_numbers_as_text
from resmodel.io.tables.excel_dates import excel_serial_date
from resmodel.io.tables.schema import ID_PATTERN, Column
from resmodel.io.tables.values import allowed_spelling, without_prefix_words
from resmodel.limits import MAX_TABLE_NUMBER
from resmodel.table_words import ascii_digit_cells


def _echoed(text: str) -> str:
    """A cell's value for a message, unless it could be a personal identity number (a 10-digit
    number in a numeric column passes the amount-tolerant check, but must not be repeated back) — by the ids' strict
    rule, whatever its check digit: a birth year or a level typed 8503121234 is no amount to show (privacy audit; the
    API masks them alike)."""
    return "(not shown: it looks like a personal identity number)" if id_looks_like_pnr(text) else text


def parse_column(raw: pd.Series, col: Column, display: str, problems: ProblemCollector,
                  decimal_comma: bool = False, named: bool = False) -> pd.Series:
    """One column typed and checked; ``decimal_comma``: the file is Swedish Excel's ';' CSV, whose numbers were
    read from '4,5' to '4.5', so messages show and ask for the comma the user wrote; ``named``: the table has a
    'name' column, where a readable name belongs instead of in an id."""
    text = raw.fillna("").str.strip()
    if col.prefix_words:
        text = without_prefix_words(text, col.prefix_words)
    empty = text == ""
    if col.required:
        problems.add_rows(text.index[empty.to_numpy()], 5, lambda row: (
            Location(display, row=row, column=col.name), "the cell is empty", col.expected(),
            f"fill in '{col.name}' ({col.description})"))
    if col.kind in ("id", "str"):
        if col.allowed:  # 'Stödpedagog', 'personlig assistent' as an export writes them are the keys they spell
            text = text.where(text.isin(col.allowed), allowed_spelling(text, col.allowed))
        out = text.where(~empty, None)
        if col.allowed:
            bad = ~empty & ~text.isin(col.allowed)
            problems.add_rows(text.index[bad.to_numpy()], 5, lambda row: (
                Location(display, row=row, column=col.name), f"unknown value '{text[row]}'", col.expected(),
                unknown_value_fix(text[row], col)))
        if col.kind == "id":
            bad = ~empty & ~text.str.fullmatch(ID_PATTERN).fillna(False)
            problems.add_rows(text.index[bad.to_numpy()], 5, lambda row: (
                Location(display, row=row, column=col.name), "id contains spaces or symbols", col.expected(),
                id_fix(col, named)))
        return out
    if col.kind in ("int", "float"):
        expected = col.expected().replace("(decimal point '.')", "(decimal comma ',', as in this ';' file)") \
            if decimal_comma else col.expected()
        typed = text.str.replace(".", ",", regex=False) if decimal_comma else text  # as the user wrote it
        excel = display.lower().endswith(".xlsx")
        plain = swedish_numbers_as_text(text) if excel else text
        numbers = pd.to_numeric(plain.where(~empty, None), errors="coerce")
        numbers = numbers.mask(numbers.abs().eq(float("inf")))  # 'inf' is no number a table can hold
        bad = ~empty & numbers.isna()

        def not_a_number(row: int) -> tuple[Location, str, str, str]:
            share = share_fix(str(typed[row]), col, decimal_comma)
            if share:
                fix = share
            elif excel and re.fullmatch(r"\s*-?\d[\d\s]*,\d+\s*", str(text[row])):  # a number stored as text
                fix = ("the cell holds text, not a number: in Excel make it a number (type it again in a cell "
                       "formatted as Number, or Data › Text to Columns)")
            else:
                fix = ("write a plain number with " + ("',' as decimal comma" if decimal_comma else
                                                        "'.' as decimal point") + " and no units")
            return Location(display, row=row, column=col.name), f"'{typed[row]}' is not a number", expected, fix

        problems.add_rows(text.index[bad.to_numpy()], 5, not_a_number)
        huge = numbers.abs().gt(MAX_TABLE_NUMBER).fillna(False).astype(bool)
        problems.add_rows(text.index[huge.to_numpy()], 5, lambda row: (
            Location(display, row=row, column=col.name), f"value {_echoed(typed[row])} is beyond any figure of a "
            f"board (more than {MAX_TABLE_NUMBER:.0e})", expected, "correct the value (a typing mistake?)"))
        numbers = numbers.mask(huge)
        if col.kind == "int":
            frac = numbers.notna() & (numbers != numbers.round())
            problems.add_rows(text.index[frac.to_numpy()], 5, lambda row: (
                Location(display, row=row, column=col.name), f"'{typed[row]}' is not a whole number", expected,
                "write a whole number"))
        if col.minimum is not None:
            low = numbers.notna() & ((numbers <= col.minimum) if col.above_minimum else (numbers < col.minimum))
            below = "not above" if col.above_minimum else "below"
            problems.add_rows(text.index[low.to_numpy()], 5, lambda row: (
                Location(display, row=row, column=col.name), f"value {_echoed(typed[row])} is {below} {col.minimum:g}",
                expected, f"correct the value; '{col.name}' {'must be above' if col.above_minimum else 'cannot be below'} "
                f"{col.minimum:g}"))
        if col.maximum is not None:
            high = numbers.notna() & (numbers > col.maximum)
            problems.add_rows(text.index[high.to_numpy()], 5, lambda row: (
                Location(display, row=row, column=col.name), f"value {_echoed(typed[row])} is above {col.maximum:g}",
                expected, f"correct the value; '{col.name}' cannot exceed {col.maximum:g}"))
        return numbers.astype("float64")
    if col.kind in ("date", "month"):
        text = ascii_digit_cells(text)  # '2021-0１' is 2021-01, as parse_month reads it (integrator walk)
        if col.kind == "date":  # a database export's forms of the same day: 2024-07-01 00:00:00, 20240701
            day = (text.str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00(\.0+)?)?$", r"\1", regex=True)
                   .str.replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True))
            parsed = pd.to_datetime(day.where(~empty, None), format="%Y-%m-%d", errors="coerce")
        else:
            parsed = parse_month(text.where(~empty, None))
        bad = ~empty & parsed.isna()
        how = "YYYY-MM-DD" if col.kind == "date" else "YYYY-MM, e.g. 2024-03"
        well_formed = text.str.fullmatch(r"\d{4}-\d{2}(-\d{2})?").fillna(False)
        a_date = pd.to_datetime(text.where(well_formed, None), format="mixed", errors="coerce").notna()

        def problem(row: int) -> tuple[Location, str, str, str]:
            where = Location(display, row=row, column=col.name)
            if col.kind == "month" and a_date[row]:  # a real date, not on the first of its month
                return (where, f"'{text[row]}' is a date within a month, not a month", col.expected(),
                        f"write the month as {text[row][:7]}")
            if well_formed[row]:
                return (where, f"'{text[row]}' is not a valid {col.kind} (no such month or day)", col.expected(),
                        "check the month (01–12) and the day")
            serial = excel_serial_date(text[row])
            if serial is not None and _in_years(serial.year, col):
                meant = serial.isoformat() if col.kind == "date" else serial.isoformat()[:7]
                return (where, f"'{text[row]}' is not a valid {col.kind}: it looks like an Excel date serial, "
                        f"{serial.isoformat()}", col.expected(),
                        f"format the column as a date in Excel (yyyy-mm-dd), or write each {col.kind} as {how} (this "
                        f"one {meant})")
            return where, f"'{text[row]}' is not a valid {col.kind}", col.expected(), f"write the {col.kind} as {how}"

        unread = text.index[bad.to_numpy()]
        if col.kind == "month" and len(unread):  # 'jan-21', '201501': one line with the conversion, as series say
            # imported here: the forecast package loads its models
            from resmodel.forecast.frame import month_name_problem

            named, written, rewrite = month_name_problem(text, unread)
            if len(named):
                problems.add(Location(display, row=int(named[0]), column=col.name), written, col.expected(), rewrite)
            unread = unread.difference(named)
        problems.add_rows(unread, 5, problem)
        if col.minimum is not None or col.maximum is not None:
            years = parsed.dt.year
            out_of_range = parsed.notna() & (
                ((years < col.minimum) if col.minimum is not None else False)
                | ((years > col.maximum) if col.maximum is not None else False)
            )
            problems.add_rows(text.index[out_of_range.to_numpy()], 5, lambda row: (
                Location(display, row=row, column=col.name), f"date {text[row]} is out of range",
                f"a year from {col.minimum:g} to {col.maximum:g}", "correct the date (check the year)"))
        return parsed
    raise ValueError(f"unknown column kind {col.kind}")


def _in_years(year: int, col: Column) -> bool:
    """A year within a date or month column's own bounds (col.minimum to col.maximum, either open): an Excel serial
    is offered as a date only where the column takes its year — 20231 is 1955-05-22, which start_date (1970–2100)
    refuses (review: it was told to write it)."""
    return (col.minimum is None or year >= col.minimum) and (col.maximum is None or year <= col.maximum)
