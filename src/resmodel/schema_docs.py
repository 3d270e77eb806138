"""Generated reference documents: the scenario JSON Schema and the data dictionary.

`python -m resmodel.schema_docs [FOLDER]` rewrites FOLDER (default docs)/scenario.schema.json and data-dictionary.md;
tests fail when the committed files drift from the schemas in code."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from resmodel.io.candidates import CANDIDATES
from resmodel.io.candidates import SWEDISH_HEADERS as CANDIDATE_HEADERS
from resmodel.io.dictionary import OTHER_SERVICES, TABLES, TARIFF
from resmodel.io.premises_plan import PREMISES_PLAN
from resmodel.io.shifts import ATTENDANCE, ROSTER
from resmodel.io.tables import ID_RULE, SWEDISH_COLUMN_NAMES, VALUE_NAMES, TableSchema
from resmodel.scenario.schema import ScenarioFile


def scenario_schema() -> str:
    schema = ScenarioFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "resmodel scenario file"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def data_dictionary() -> str:
    lines = ["# Data dictionary", "",
             "Generated from the table schemas in `src/resmodel/io/` (dictionary.py, candidates.py, premises_plan.py, shifts.py) by "
             "`python -m resmodel.schema_docs`; do not edit by hand.",
             "Tables are CSV (UTF-8, or Windows-1252 as Swedish Excel's plain 'CSV (semikolonavgränsad)' writes",
             "it; header in row 1) or Excel `.xlsx` (first sheet), not both at",
             "once (a folder holding `users.csv` and `users.xlsx` is refused: which one is current?). A CSV has",
             "',' between cells and '.' as decimal point, or — as Swedish Excel saves 'CSV UTF-8' — ';' between",
             "cells, a decimal comma and spaces between thousands (`1 120 000,50`): in a ';' file the number cells",
             "of a column of numbers (at least half its filled cells) are read as numbers, text columns as typed.",
             "A number beyond 10¹² (or 'inf') is refused as a typing mistake: no count or amount of a board is that large",
             "(the forecasting inputs' own limits: docs/forecasting.md §8).",
             "A date is YYYY-MM-DD; a database export's `2024-07-01 00:00:00` and `20240701` are read as that day.",
             "The first sheet of an `.xlsx` must be visible, every filled column must have a header, and a cell",
             "holding a spreadsheet error (`#N/A`, `#REF!` …) or a total row ('Summa', 'Totalt') is refused at its row;",
             "so is a formula with no value saved with it (a workbook written by a script or an export tool and never",
             "calculated: open and save it in Excel, or replace the formulas by their values), and a row hidden or",
             "filtered out (resmodel reads every row: delete the rows that are not to be read, such as leavers); a hidden",
             "column is read like any other, and one the table does not have is told that it is hidden.",
             "A whole number shown with leading zeros by its number format (`000`: 7 shown as 007) is read as shown;",
             "a number stored as text in a number column, as Swedish Excel may keep it (`5,0`, `1 120 000,50`), is",
             "read as the number, as in a ';' file — but not `1,120`, which may be 1.12 or an English 1 120: a",
             "text cell has no locale to tell, so it is refused (make the cell a number). A value of a column with allowed values (`service`, `role`,",
             "`regi`, `kind` …) is read as the allowed value it spells with capitals, å, ä, ö, é and spaces or",
             "hyphens for '_' (`Stödpedagog` is `stodpedagog`, `Daglig verksamhet` `daglig_verksamhet`), and a name",
             "in the words of the law or of a case system, spelt so, as the one of its values the column allows; a",
             "name of two values the column allows (a user's `Personlig assistans`: SFB or LSS) is refused, naming both:",
             "", *_value_names(), "",
             "Sheets after the first are not read, but a personal identity number on them refuses the workbook",
             "(text cells fully; numbers only as a 12-digit register number with a valid check digit).",
             "Rows in error",
             "messages are spreadsheet rows: the header is row 1.",
             f"An id (type `id`: `unit_id`, `user_id` …) holds only {ID_RULE.replace(';', ',')} — no spaces",
             "(`DV01`, `U005-dv`); write å, ä, ö as a, a, o, and keep a unit's readable name in `units`' `name`",
             "column. The same id is written the same way in every table that names it.",
             "Ids are pseudonymous; a cell that looks like a",
             "Swedish personal identity number is refused: written with '-' (or an en dash, or '--') or '+' before the last four",
             "digits (the date part also with '.', '/' or spaces between year, month and day: 1912.12.12-1212), or",
             "as an id of 10 or 12 digits that begins with a date, whatever its check digit (a mistyped number is",
             "still personal data); in a text cell a 10-digit number only with a valid check digit; in a number",
             "column only a 12-digit number beginning 18, 19 or 20 (10-digit amounts are amounts). So a note",
             "'kostnad 1206643841 kr' in a text cell is refused when its last digit happens to check (about one",
             "10-digit number in 140): write it with spaces between thousands (1 206 643 841). A date and a time",
             "run together ('20240315 1430', '202407010000') read as a number and are refused in text; write",
             "2024-03-15 14:30. Only cells (and sheet names) are checked: an .xlsx file's cell comments and",
             "document properties are not read, and should hold no personal data either.",
             "",
             "A header that differs from a column's name only in case or surrounding spaces (`User_ID`) is read as",
             "that column. A header in an export's Swedish (the column *Swedish header* below) is not read as the",
             "column, but refused with the column to rename it to: it is compared in lower case, with '-' and",
             "spaces as '_' and a unit in brackets at its end left out, so `Brukar-ID`, `brukar id` and",
             "`Tidsomfattning (tim/v)` are `brukar_id`, `brukar_id` and `tidsomfattning` (`premises_candidates`'",
             "headers alike: `Årshyra (kr)` is `annual_rent_sek`'s Swedish header, `Årshyra (tkr)` is told to be",
             "multiplied by 1 000 first). A bracketed",
             "unit other than the column's own (`Årshyra (tkr)`, `Sysselsättningsgrad (%)`) is told to be converted",
             "first (× 1 000, ÷ 100, or into the unit above; a percentage over hours a week, `Tidsomfattning (%)`,",
             "is a share of full time, to be written as hours: 75 % of a 40-hour week is 30), never to be renamed",
             "as it is. Each table's",
             "*One row per* line names the columns that together must be unique: a second row with the same",
             "values is refused.", ""]
    for schema in (*TABLES.values(), TARIFF, OTHER_SERVICES, CANDIDATES, PREMISES_PLAN, ATTENDANCE, ROSTER):
        lines += [f"## `{schema.name}`", "", schema.description, "", *_row_identity(schema),
                  "| column | type | unit | required | allowed / range | Swedish header | description |",
                  "|---|---|---|---|---|---|---|"]
        swedish = _swedish_headers(schema)
        for c in schema.columns:
            allowed = ", ".join(c.allowed) if c.allowed else c.range_text()
            if c.unique:
                allowed = (allowed + "; " if allowed else "") + "unique"
            if c.references:
                allowed = (allowed + "; " if allowed else "") + f"must exist in {c.references}"
            lines.append(f"| `{c.name}` | {c.kind} | {c.unit} | {'yes' if c.required else 'no'} | {allowed} | "
                         f"{swedish.get(c.name, '')} | {c.description} |")
        lines.append("")
    return "\n".join(lines)


def _value_names() -> list[str]:
    """The names read as allowed values (VALUE_NAMES), one list item per set of values they may be."""
    names: dict[tuple[str, ...], list[str]] = {}
    for name, keys in VALUE_NAMES.items():
        names.setdefault(keys, []).append(f"`{name}`")
    return [f"- {', '.join(written)}: " + " or ".join(f"`{key}`" for key in keys) for keys, written in names.items()]


def _row_identity(schema: TableSchema) -> list[str]:
    """The table's 'One row per' line (the columns that together are unique), none for a table without."""
    names = schema.row_identity()
    if not names:
        return []
    together = " (together unique)" if len(names) > 1 else ""
    return ["One row per " + " and ".join(f"`{n}`" for n in names) + together + ".", ""]


def _swedish_headers(schema: TableSchema) -> dict[str, str]:
    """The Swedish headers recognised for each column of the table, as the lookup writes them (the candidates'
    own list as well for premises_candidates, whose reader looks there first)."""
    names = dict(SWEDISH_COLUMN_NAMES)
    if schema is CANDIDATES:
        names.update(CANDIDATE_HEADERS)
    columns = {c.name for c in schema.columns}
    found: dict[str, list[str]] = {}
    for header, column in sorted(names.items()):
        if column in columns and header != column:
            found.setdefault(column, []).append(f"`{header}`")
    return {column: ", ".join(headers) for column, headers in found.items()}


USAGE = ("usage: python -m resmodel.schema_docs [FOLDER]\n\n"
         "Rewrites FOLDER/scenario.schema.json and FOLDER/data-dictionary.md from the schemas in code "
         "(FOLDER: an existing folder, default docs).\n")


def main(docs: Path) -> None:
    """Write the two generated documents into the folder ``docs``."""
    (docs / "scenario.schema.json").write_text(scenario_schema(), encoding="utf-8")
    (docs / "data-dictionary.md").write_text(data_dictionary(), encoding="utf-8")


def command(args: list[str]) -> int:
    """The command line: --help/-h prints the usage; a folder that is not there, an option or a second argument is
    refused with exit status 2 and nothing written ('--help' was taken for a folder and crashed)."""
    if any(a in ("-h", "--help") for a in args):
        sys.stdout.write(USAGE)
        return 0
    if len(args) > 1 or (args and args[0].startswith("-")):
        given = f"{len(args)} arguments given" if len(args) > 1 else f"'{args[0]}' is not an option of this command"
        sys.stderr.write(USAGE + f"error: {given}. Expected at most one argument, the folder to write into. Fix: give "
                         "the docs folder alone, e.g. `python -m resmodel.schema_docs docs`\n")
        return 2
    docs = Path(args[0] if args else "docs")
    if not docs.is_dir():
        state = "is a file, not a folder" if docs.exists() else "does not exist" + ("" if args else " here")
        sys.stderr.write(f"error: '{docs}' {state}. Expected an existing folder to write scenario.schema.json and "
                         "data-dictionary.md into. Fix: run it from the repository's root (docs is the default), or "
                         "give an existing folder\n")
        return 2
    main(docs)
    return 0


if __name__ == "__main__":
    sys.exit(command(sys.argv[1:]))
