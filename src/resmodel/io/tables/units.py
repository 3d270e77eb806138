"""The unit a header brackets ('Årshyra (tkr)') against its column's unit: whether it is the column's own, and
how to convert the values when it is not (× 1 000 for tkr, a share of full time as hours a week) — never a
rename alone, which would read thousands of kronor as kronor."""

from __future__ import annotations

import re
import unicodedata

from resmodel.io.tables.schema import Column
from resmodel.limits import FULL_TIME_WEEK_HOURS

#: a unit in brackets after an export's header that is the column's own unit (by the dictionary's unit): only such a
#: header is told to be renamed as it is — 'Årshyra (tkr)' renamed to annual_rent took 17.7 MSEK of rent out of a
#: board's cost without a word (steward re-walk)
UNIT_SPELLINGS = {
    "SEK": {"kr", "sek", "kronor"},
    "SEK/year": {"kr", "sek", "kronor", "kr/år", "sek/år", "kr per år"},
    "SEK/day": {"kr", "sek", "kronor", "kr/dygn", "sek/dygn", "kr per dygn"},
    "hours/week": {"tim/v", "h/v", "tim/vecka", "timmar/vecka", "h/vecka", "tim per vecka", "timmar per vecka",
                   "h/week"},
    "FTE": {"åa", "årsarbetare", "fte"},
    "places": {"st", "antal", "platser"},
    "months": {"mån", "mån.", "månader", "months"},
}
#: what to do with the values of a header bracketing thousands or millions of kronor, in a column of kronor
MONEY_CONVERSIONS = {"tkr": "multiply its values by 1 000 (they are thousands of kronor)",
                     "mkr": "multiply its values by 1 000 000 (they are millions of kronor)",
                     "msek": "multiply its values by 1 000 000 (they are millions of kronor)"}

#: units of a share of a whole (an FTE is one full-time post): a cell '80 %' in such a column is 0.8 of it
SHARE_UNITS = frozenset({"FTE"})
#: the unit of a column of hours a week, where a percentage is a share of a full-time week, not a share to keep
WEEKLY_HOURS_UNIT = "hours/week"


def _bracketed_unit(name: str) -> str | None:
    """The unit a header brackets at its end ('Årshyra (tkr)' → 'tkr'), lower case; None without one."""
    found = re.search(r"\(([^()]*)\)\s*$", unicodedata.normalize("NFC", str(name)))
    return found.group(1).strip().lower() if found else None


def other_unit(name: str, column: Column) -> str | None:
    """The unit a header standing for ``column`` brackets when it is not the column's own ('tkr' of 'Årshyra (tkr)'
    for a column in SEK); None when it brackets the column's unit, its own name ('Slut (end)', resmodel's workbook
    labels) or none."""
    bracket = _bracketed_unit(name)
    own = bracket is not None and bracket.replace(" ", "_") == column.name
    return None if bracket is None or own or bracket in UNIT_SPELLINGS.get(column.unit, set()) else bracket


def hours_of_full_time(percent: float, decimal_comma: bool = False) -> str:
    """The hours a week a percentage of full time stands for, as a fix says it ('30 (75 % of a 40-hour week)'), with
    decimal commas for a ';' file."""
    text = f"{percent * FULL_TIME_WEEK_HOURS / 100:g} ({percent:g} % of a {FULL_TIME_WEEK_HOURS}-hour week)"
    return text.replace(".", ",") if decimal_comma else text


def _conversion(unit: str, column: Column) -> str:
    """How to bring the values of a header bracketing ``unit`` into ``column``'s unit. A percentage is a share (÷ 100)
    only in a column of a share (FTE); over hours a week it is a share of full time, whose hours are to be written
    — 0.75 for '75 %' read as 0.75 hours a week cut a new board's daily-activity cost from 68.9 to 14.8 MSEK."""
    if unit == "%" and column.unit == WEEKLY_HOURS_UNIT:
        return (f"they are percent of full time, so write each as the hours a week it stands for, e.g. "
                f"{hours_of_full_time(75)}; a board whose full-time week is shorter takes its own")
    if unit == "%" and column.unit in SHARE_UNITS:
        return "divide its values by 100 (0.75 for 75 %)"
    money = re.sub(r"\s*(?:/|per\s+)(?:år|ar|year|yr)$", "", unit)  # 'tkr/år' over a yearly amount is tkr
    money = money if column.unit in ("SEK", "SEK/year") or column.unit.endswith("/year") else unit
    if money in MONEY_CONVERSIONS and column.unit.startswith("SEK"):
        return MONEY_CONVERSIONS[money]
    return f"give its values in {column.unit or 'its own unit'}"


def convert_fix(name: str, column: Column, unit: str) -> str:
    """The fix for a header of ``column`` bracketing another ``unit``: convert its values (× 1 000 for tkr), then
    rename it — never renamed as it is, which would read thousands of kronor as kronor."""
    convert = _conversion(unit, column)
    return (f"'{name}' may be '{column.name}' ({column.description}" + (f", in {column.unit}" if column.unit else "")
            + f"), but '({unit})' says its values are in another unit: {convert}, then rename it to '{column.name}'")
