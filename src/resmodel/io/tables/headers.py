"""A table's header against its schema: the Swedish or near-spelt name of a column ('Brukar-ID' is user_id), a
header in the wrong row, a table on another sheet, and the unknown and missing columns — told as one list with
the column each header may stand for, before any cell is typed, so that an export's column is named for what
it holds."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector, did_you_mean
from resmodel.io.pnr import looks_like_pnr
from resmodel.io.tables.messages import SEE_DATA_DICTIONARY
from resmodel.io.tables.schema import KNOWN_TABLES, Column, TableSchema
from resmodel.io.tables.units import convert_fix, other_unit
from resmodel.table_words import RENAME_OR_REMOVE, SWEDISH_HEADER_WORDS, unknown_column_fix

MAX_UNKNOWN_COLUMNS = 5  # unknown columns named one by one; the rest in one line

#: more unknown columns than this, most of them named as months or years: a table laid out wide (one column per
#: month), not an export's extra columns (Kostnadsställe, Telefon, Adress …, which the wide advice misread)
MANY_UNKNOWN_COLUMNS = 12
#: a header naming a month or a year ('2024-03', '2024', 'jan 2024', 'mars')
_PERIOD_HEADER = re.compile(r"\s*(?:\d{4}(?:[-/. ]?\d{1,2})?|(?:jan|feb|mar|apr|maj|may|jun|jul|aug|sep|okt|oct|nov|dec)"
                            r"[a-zåäö]*\.?(?:\s*\d{2,4})?|\d{1,2}[-/.]\d{4})\s*", re.IGNORECASE)

#: column names as a Swedish export may head them, and the dictionary's name for each: the one table of Swedish header
#: words (table_words), compared as ``header_key`` writes a header; the reader names the column to rename such a
#: header to (it does not rename it itself), in the tables that have that column
SWEDISH_COLUMN_NAMES = SWEDISH_HEADER_WORDS


def header_key(name: object) -> str:
    """A header as the Swedish-name lookup compares it: Unicode NFC, lower case, a unit in brackets at the end
    dropped, '-' and spaces as '_' ('Tidsomfattning (tim/v)' → tidsomfattning, 'Brukar-ID' → brukar_id); å, ä
    and ö kept."""
    text = unicodedata.normalize("NFC", str(name)).strip().lower()
    text = re.sub(r"\s*\([^()]*\)$", "", text).strip()
    return re.sub(r"[\s\-]+", "_", text)


def table_on_another_sheet(raw: pd.DataFrame, schema: TableSchema, display: str) -> None:
    """A workbook whose first sheet lacks required columns that another sheet has: one problem naming
    that sheet, instead of a column problem for each of them."""
    required = {c.name for c in schema.columns if c.required}
    if required <= set(raw.columns):
        return
    for name, header in raw.attrs.get("other_headers", {}).items():
        if required <= set(header) and not looks_like_pnr(name) and not looks_like_pnr(raw.attrs["first_sheet"]):
            raise InputError.at(Location(file=display), f"the table is on the sheet '{name}', but the first sheet, "
                                f"'{raw.attrs['first_sheet']}', is read", f"the {schema.name} table on the first sheet",
                                f"move the sheet '{name}' first (or delete '{raw.attrs['first_sheet']}')")


#: file formats read outside the data dictionary's tables, by the columns that make them out
OTHER_FORMATS = {
    "a series file (unique_id, ds, y), as forecast and backtest read with --series": frozenset({"unique_id", "ds", "y"}),
    "a volume history or a volume forecast (month, service, level, volume)": frozenset({"month", "service", "volume"}),
}


def another_table(raw: pd.DataFrame, schema: TableSchema, display: str) -> None:
    """A table of another kind given for this one (a series file as --triangle, the population as --flows) is told
    so once — it was told to remove each of its columns as a comment column (bad-input audit, finding 4)."""
    columns = {str(c).strip().lower() for c in raw.columns}
    if schema.required() <= columns:
        return
    kinds = {f"the table '{t.name}' ({t.description})": t.required() for t in KNOWN_TABLES.values()
             if t.name != schema.name} | OTHER_FORMATS
    own = {c.name for c in schema.columns}  # a kind whose columns this table has too (a roster's in attendance) is no
    matches = [(len(required), kind) for kind, required in kinds.items()  # sign of another file
               if len(required) >= 2 and required <= columns and not required <= own]
    if matches:
        kind = max(matches)[1]
        raise InputError.at(Location(display, row=1), f"the table has the columns of {kind}, not of the table "
                            f"'{schema.name}'", f"the {schema.name} table ({schema.description}) with the columns "
                            + ", ".join(c.name for c in schema.columns if c.required),
                            "check that the right file was given for it")


def header_lower_down(raw: pd.DataFrame, schema: TableSchema, display: str) -> None:
    """Refuse a table whose header is not in row 1 but in one of the next rows (a title or note above it, as
    reports often have): row 1 names none of the required columns, that row names at least half of them."""
    required = {c.name for c in schema.columns if c.required}
    if not required or required & {str(c).strip().lower() for c in raw.columns}:
        return
    for row, values in raw.head(10).iterrows():
        found = required & {str(v).strip().lower() for v in values if pd.notna(v)}
        if 2 * len(found) >= len(required):
            raise InputError.at(Location(display, row=1), f"the header is in row {row}, not in row 1",
                                "the column names in row 1 (" + ", ".join(c.name for c in schema.columns
                                                                          if c.required) + ")",
                                f"delete the rows above row {row} (a title or a note) so that the header is row 1")


def _column_hint(name: str, columns: dict[str, Column], present: Collection[str]) -> tuple[str | None, str | None]:
    """(the column an unknown header stands for, or None; its fix, None without a hint): a Swedish export's name
    for a column of the table ('Brukar-ID' is user_id), else a near spelling of one ('weekly_hour'). A header whose
    bracketed unit is not the column's ('Årshyra (tkr)', 'Tidsomfattning (tim/mån)') is told to convert its values
    before it is renamed, never to be renamed as it is. A column's own name with a bracket ('Start (start)', as
    resmodel's workbooks label it) stands for that column."""
    key = header_key(name)
    target = SWEDISH_COLUMN_NAMES.get(key, key if key in columns else None)
    unit = other_unit(name, columns[target]) if target in columns else None
    if target in columns and target in present:
        return None, (f"'{name}' is not the column '{target}', which the table has: rename it to the column it "
                      "holds, or remove it" if unit else
                      f"'{name}' looks like '{target}', which the table also has: remove one of the two")
    if unit:
        return target, convert_fix(name, columns[target], unit)
    if target in columns:
        return target, f"'{name}' is '{target}' here: rename it to '{target}'"
    near = did_you_mean(name, sorted(columns))
    if not near and target is not None:  # a Swedish word of another table's column: 'antal' (volume) in the triangle
        return None, (f"'{name}' stands for '{target}' in other tables, which this one does not have: rename it to "
                      f"the column it holds ({', '.join(sorted(columns))}), or remove it")
    return None, (near + RENAME_OR_REMOVE) if near else None


def same_target_fixes(targets: dict[str, str | None]) -> dict[str, str]:
    """Header → fix for headers that stand for the same column (``targets``: header → its column or None): each told
    to be renamed to it ('Årshyra (kr)' and 'Hyra (SEK)') would give two columns of one name — keep one."""
    by_target: dict[str, list[str]] = {}
    for name, target in targets.items():
        if target:
            by_target.setdefault(target, []).append(name)
    fixes = {}
    for target, names in by_target.items():
        if len(names) > 1:
            listed = " and ".join(f"'{n}'" for n in names)
            fixes |= dict.fromkeys(names, f"{listed} both look like '{target}': keep the one that holds it, rename it "
                                          f"to '{target}' (converting its values if its bracket names another unit), "
                                          "and remove the other")
    return fixes


def unknown_columns(raw: pd.DataFrame, schema: TableSchema, display: str, problems: ProblemCollector) -> set[str]:
    """One problem for each unknown column with a hint (the column it may stand for) and for the first few
    others, the rest of the others in one line — said to be a table laid out wide only when there are many.
    Returns the columns the hints name, whose 'missing' problem the hint says already."""
    known = {c.name for c in schema.columns}
    unknown = [str(name) for name in raw.columns if name not in known]
    hints = {name: _column_hint(name, {c.name: c for c in schema.columns}, raw.columns) for name in unknown}
    for name, fix in same_target_fixes({name: target for name, (target, _) in hints.items()}).items():
        hints[name] = (hints[name][0], fix)
    plain = [name for name in unknown if hints[name][1] is None]
    expected = "only the columns " + ", ".join(sorted(known))
    hidden = raw.attrs.get("hidden_columns", set())
    for name in unknown:
        if hints[name][1] or name in plain[:MAX_UNKNOWN_COLUMNS]:
            fix = hints[name][1] or unknown_column_fix(name, known)
            problems.add(Location(display, row=1, column=name), f"unknown column '{name}' in table '{schema.name}'"
                         + (" (the column is hidden in Excel)" if name in hidden else ""), expected,
                         f"unhide it to see it (Excel: select the columns beside it, right-click, Unhide), then "
                         f"{fix[0].lower()}{fix[1:]}" if name in hidden else fix)
    rest = plain[MAX_UNKNOWN_COLUMNS:]
    if rest:  # a pivot's 59 month columns: listed in one line, not 59
        names = ", ".join(rest[:3]) + (", …" if len(rest) > 3 else "")
        periods = sum(bool(_PERIOD_HEADER.fullmatch(name)) for name in unknown)
        wide = len(unknown) > MANY_UNKNOWN_COLUMNS and periods * 2 > len(unknown)
        problems.add(Location(display, row=1, column=rest[0]), f"{len(rest)} more unknown columns ({names}) in "
                     f"table '{schema.name}'", expected,
                     "remove them (a table laid out wide, one column per month, is written one row per value)" if wide
                     else f"rename each to the column it holds ({SEE_DATA_DICTIONARY}), or remove it")
    return {target for target, _ in hints.values() if target}
