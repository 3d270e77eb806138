"""The fix a message gives for a refused cell whose reason can be named: a percentage in a column of FTE or
hours a week, a value that is another table's service or names several allowed values, an id written as a name
— kept apart from the typing (``columns``) so that each fix's wording is in one place."""

from __future__ import annotations

import pandas as pd

from resmodel.errors import did_you_mean, percent_text_fraction
from resmodel.io.tables.messages import SEE_DATA_DICTIONARY
from resmodel.io.tables.schema import Column
from resmodel.io.tables.services import other_service_of
from resmodel.io.tables.units import SHARE_UNITS, WEEKLY_HOURS_UNIT, hours_of_full_time
from resmodel.io.tables.values import folded_value, named_values


def whole_sek(amount: float) -> str:
    """An amount in whole kronor as a user may type it in any of resmodel's files: spaces between thousands
    ('480 000'), never ',' — read as a decimal comma in a ';' file, so '480,000' typed as a hint showed it was 480
    again (data-steward walk)."""
    return f"{amount:,.0f}".replace(",", " ")


def shown_sek(amount: float) -> str:
    """An amount as read, in a hint beside ``whole_sek``: spaces between thousands, a decimal point kept (4.5)."""
    return f"{amount:,.10g}".replace(",", " ")


def share_fix(cell: str, col: Column, decimal_comma: bool) -> str | None:
    """For a percentage ('80 %', '80%') in a column of a share (an FTE): the share to write; in a column of hours a
    week: the hours of that share of full time (not the share, which reads as under an hour); with a decimal comma
    in a ';' file as the user writes there; None for any other cell or column."""
    share = percent_text_fraction(cell)
    if share is None or col.unit not in (*SHARE_UNITS, WEEKLY_HOURS_UNIT):
        return None
    if col.unit == WEEKLY_HOURS_UNIT:
        return (f"'{cell.strip()}' is a share of full time: write the hours a week, "
                f"{hours_of_full_time(float(share) * 100, decimal_comma)} — a board whose full-time week is shorter "
                "takes its own")
    share = share.replace(".", ",") if decimal_comma else share
    return f"write {share} ({cell.strip().rstrip('%').strip()} % = {share} {col.unit})"


def unknown_value_fix(value: str, col: Column) -> str:
    """The fix for a value not among the column's allowed ones: a service that other_services.csv costs (a short
    stay) is told to go there — 'use one of the allowed values' had a board relabel short stays as bostad_barn,
    costed as a full year of housing (new-board walk), and its premises with it, whose row left behind was warned
    premises_unused (re-walk); any other value is pointed at the allowed values."""
    other = other_service_of(value) if col.name == "service" else None
    if other is not None and other not in (col.allowed or ()):
        return ((f"'{value}' is {other}: it" if value != other else other)
                + " is costed in the projection as volume × average cost from other_services.csv, not from units "
                "and users: remove these rows (a unit's users' and roster rows with it, and its premises' row in "
                f"premises.csv if no other unit uses them) and give {other} a line in other_services.csv, whose "
                f"average cost includes the premises' rent (table other_services; {SEE_DATA_DICTIONARY}; and "
                "the repository's docs/projection.md, 'Other services') — not another service's value, which would cost it as "
                "that service")
    named = named_values(folded_value(pd.Series([value], dtype="string")).iloc[0], col.allowed or ())
    if len(named) > 1:
        return (f"'{value}' may be " + " or ".join(f"'{k}'" for k in named) + ", so it is not read as either: write "
                f"the one meant ({SEE_DATA_DICTIONARY})")
    return did_you_mean(value, col.allowed or ()) + f"use one of the allowed values ({SEE_DATA_DICTIONARY})"


def id_fix(col: Column, named: bool) -> str:
    """The fix for an id with spaces or symbols: the id's characters, and where a readable name goes — the table's
    'name' column, or (an id naming another table's row) the id that table gives it; a unit id written as its name
    ('Dagis Ö 1') was told only which characters to use (new-board walk)."""
    fix = "use only those characters in ids (write å, ä, ö as a, a, o; no spaces)"
    if named:
        return fix + "; keep the readable name in the 'name' column and give the row a short id (e.g. DV01)"
    if col.references:
        table, column = col.references.split(".")
        return fix + f"; use the id the {table} table gives in its {column} column"
    return fix
