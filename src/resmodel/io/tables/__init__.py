"""Tabular inputs (CSV or Excel) read against a declared data dictionary.

Every cell is checked for type, range and allowed values; problems are reported with file,
row (spreadsheet numbering, header = row 1) and column, all at once, and nothing is run.

    table = read_table(path, schema)          # typed columns in schema order, index = spreadsheet row
    table = type_table(raw, schema, display)  # the same checks on text cells in memory (a request body)

This package exposes what the other readers, the commands, the API and the tests use; each module does one
job: schema (the dictionary's Column and TableSchema), raw (a file's text cells) with excel (workbooks),
layout (title rows, header cells and blank rows, alike in CSV and .xlsx), decimal_comma (Swedish numbers) and
raw_refusals (total rows, error values), headers (the header against the schema) with units (a header's
bracketed unit), columns (each column typed and checked) with values (allowed values as written), services
(service names), cell_fixes (a refused cell's fix) and excel_dates (date serials), reader (read_table,
type_table), references (ids across tables) and messages (what every message shares)."""

from resmodel.forecast.frame import parse_month  # re-exported: the month columns of io tables
from resmodel.io.tables.cell_fixes import shown_sek, whole_sek
from resmodel.io.tables.decimal_comma import _swedish_number  # a test reads one cell with it
from resmodel.io.tables.excel_dates import EXCEL_EPOCH, EXCEL_SERIALS
from resmodel.io.tables.headers import (
    MANY_UNKNOWN_COLUMNS,
    SWEDISH_COLUMN_NAMES,
    header_key,
    same_target_fixes,
)
from resmodel.io.tables.messages import MAX_PROBLEMS, SEE_DATA_DICTIONARY
from resmodel.io.tables.raw import read_raw
from resmodel.io.tables.reader import read_table, require_rows, type_table
from resmodel.io.tables.references import check_references, one_slip_apart
from resmodel.io.tables.schema import ID_RULE, Column, TableSchema
from resmodel.io.tables.services import other_service_of, service_key
from resmodel.io.tables.units import convert_fix, hours_of_full_time, other_unit
from resmodel.io.tables.values import LEVEL_WORDS, VALUE_NAMES, allowed_spelling, without_prefix_words
from resmodel.table_words import is_total_word  # re-exported: the series reader's total rows

__all__ = [
    "EXCEL_EPOCH", "EXCEL_SERIALS", "ID_RULE", "LEVEL_WORDS", "MANY_UNKNOWN_COLUMNS", "MAX_PROBLEMS",
    "SEE_DATA_DICTIONARY", "SWEDISH_COLUMN_NAMES", "VALUE_NAMES", "Column", "TableSchema", "_swedish_number",
    "allowed_spelling", "check_references", "convert_fix", "header_key", "hours_of_full_time",
    "is_total_word", "one_slip_apart", "other_service_of", "other_unit", "parse_month", "read_raw",
    "read_table", "require_rows", "same_target_fixes", "service_key", "shown_sek", "type_table", "whole_sek",
    "without_prefix_words",
]
