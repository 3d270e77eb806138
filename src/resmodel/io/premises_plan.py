"""A premises plan as ``resmodel plan-premises`` writes it (``premises_plan.csv``), read back for the
budget projection: the premises it opens, with their places, rents, one-off costs and opening years,
and the service it was made for (from the ``manifest.json`` beside it, when there is one)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd

from resmodel.errors import InputError, Location
from resmodel.io.candidates import CANDIDATES
from resmodel.io.manifest import command_options
from resmodel.io.scenario import display_path
from resmodel.io.tables import Column, TableSchema, read_raw, require_rows, type_table

#: decisions that open a premises (``not opened`` does not)
OPENED = ("open", "decided")


PREMISES_PLAN = TableSchema("premises_plan", "Lokalplan — the premises plan `resmodel plan-premises` writes "
                            "(premises_plan.csv); `projection.capacity.<service>.plan` reads it", (
    Column("service", "str", "the service the plan was made for (checked against the scenario key it is given "
           "under; plans written before the column have none)", required=False),
    Column("demand_model", "str", "the forecast model of the demand the plan was made for (model_used of a "
           "volume forecast; empty: not known); the projection notes a plan made on another model than its own",
           required=False),
    CANDIDATES.column("premises_id"),
    Column("min_level", "int", "lowest need level it suits", "level", required=False, minimum=1, maximum=8),
    Column("max_level", "int", "highest need level it suits", "level", required=False, minimum=1, maximum=8),
    Column("places", "int", "places it adds (whole places; 0 only on a premises not opened)", "places", minimum=0,
           maximum=10_000),
    CANDIDATES.column("annual_rent_sek"),
    CANDIDATES.column("one_off_cost_sek"),
    Column("earliest_possible", "int", "first year it could open", required=False, minimum=1990, maximum=2200),
    Column("decided_year", "int", "the year it was decided to open (empty: the plan decided)", required=False,
           minimum=1990, maximum=2200),
    Column("open_year", "int", "the year it opens, from January (empty: not opened)", required=False,
           minimum=1990, maximum=2200),
    Column("decision", "str", "the plan's decision", allowed=(*OPENED, "not opened")),
    Column("reason", "str", "why", required=False),
))


class PlanFile(NamedTuple):
    """A premises plan as read back: the premises it opens, the services its ``service`` column names and the
    demand models its ``demand_model`` column names (both empty in a plan written before the columns)."""

    opened: pd.DataFrame
    services: tuple[str, ...]
    demand_models: tuple[str, ...]


def read_premises_plan(path: Path, display: str) -> PlanFile:
    """The premises a plan opens (decision ``open`` or ``decided``; index = spreadsheet row): premises_id,
    places, annual_rent_sek, one_off_cost_sek (empty: 0) and open_year; with the services and demand models
    the plan names. Located errors for a table not in the plan's format, and for a decision that contradicts
    its opening year."""
    raw = read_raw(path, display)
    _not_another_table({str(c).strip().lower() for c in raw.columns}, display)
    table = type_table(raw, PREMISES_PLAN, display)
    if "open_year" not in {str(c).strip().lower() for c in raw.columns}:  # optional cells, but a required column
        raise InputError.at(Location(display, row=1, column="open_year"), "required column 'open_year' is missing",
                            f"a column 'open_year': {PREMISES_PLAN.column('open_year').description}",
                            "use the premises_plan.csv plan-premises wrote")
    require_rows(table, display, "one row per candidate premises, as plan-premises writes them",
                 "write the plan again with resmodel plan-premises")
    for col in ("one_off_cost_sek", "earliest_possible", "decided_year", "min_level", "max_level"):
        table[col] = pd.to_numeric(table[col]).astype(float)  # an optional column left out: empty
    _check_rows(table, display)
    rows = table[table["decision"].isin(OPENED).to_numpy()][["premises_id", "places", "annual_rent_sek",
                                                             "one_off_cost_sek", "open_year"]].copy()
    rows["one_off_cost_sek"] = rows["one_off_cost_sek"].astype(float).fillna(0.0)
    rows["open_year"] = rows["open_year"].astype(int)
    return PlanFile(rows, _named(table, "service"), _named(table, "demand_model"))


def _named(table: pd.DataFrame, column: str) -> tuple[str, ...]:
    """The distinct non-empty values of an optional text column (none when the column is left out)."""
    if column not in table.columns:
        return ()
    return tuple(sorted({str(v).strip() for v in table[column].dropna() if str(v).strip()}))


def _check_rows(table: pd.DataFrame, display: str) -> None:
    """Each row as plan-premises writes it: an opening year exactly on the premises it opens, not before
    their earliest possible year, and on a decided one its decided year; places > 0; levels min ≤ max."""
    opened = table["decision"].isin(OPENED)
    decided = table["decision"].eq("decided")
    year = table["open_year"]
    checks = (
        (opened & year.isna(), "open_year", lambda i: f"decision '{table.at[i, 'decision']}' without an opening "
         "year", "the year it opens", "fill in open_year, or set the decision to 'not opened'"),
        (opened & table["places"].le(0), "places", lambda i: "a premises opened with 0 places", "places > 0 for a "
         "premises the plan opens", "give the places it adds, or set the decision to 'not opened'"),
        (~opened & year.notna(), "decision", lambda i: f"an opening year ({int(year[i])}) on a premises 'not "
         "opened'", "open or decided for a premises with an opening year", "set the decision to 'open', or empty "
         "open_year"),
        (opened & (year < table["earliest_possible"]), "open_year", lambda i: f"opening year {int(year[i])} is "
         f"before the premises' earliest possible year {int(table.at[i, 'earliest_possible'])}", "an opening year "
         "no earlier than it can open", "correct open_year, or make the plan again with plan-premises"),
        (decided.ne(table["decided_year"].notna()), "decided_year", lambda i: f"decision '{table.at[i, 'decision']}'"
         + (" with" if pd.notna(table.at[i, "decided_year"]) else " without") + " a decided year",
         "a decided year exactly on the premises decided (decision 'decided')", "make the decision and "
         "decided_year agree, or make the plan again with plan-premises"),
        (decided & year.notna() & year.ne(table["decided_year"]), "open_year", lambda i: f"opening year "
         f"{int(year[i])} on a premises decided for {int(table.at[i, 'decided_year'])}", "a decided premises "
         "opening in its decided year", "make open_year and decided_year agree"),
        (table["min_level"] > table["max_level"], "min_level", lambda i: f"levels {int(table.at[i, 'min_level'])}–"
         f"{int(table.at[i, 'max_level'])}: min above max", "min_level ≤ max_level", "correct the level range"),
    )
    for bad, column, problem, expected, fix in checks:
        for idx in table.index[bad.to_numpy()][:1]:
            raise InputError.at(Location(display, row=int(idx), column=column), problem(idx), expected, fix)


def plan_options(path: Path) -> tuple[dict | None, str | None]:
    """The options a plan was made with (``service``, ``demand_column``, ``places``, …), from the
    manifest.json plan-premises wrote beside it, and why there are none (``command_options``); a manifest
    that names no service has none either."""
    options, reason = command_options(path, "plan-premises", ("service", "demand_column", "places"))
    if options is not None and not isinstance(options.get("service"), str):
        return None, f"'{display_path(path.parent / 'manifest.json')}' names no service"
    return options, reason


def plan_years(path: Path) -> tuple[int, int] | None:
    """The first and last year a plan was made for, from the premises_yearly.csv plan-premises wrote beside it
    (None when it is not there or cannot be read: the plan is then used without this check)."""
    yearly = path.parent / "premises_yearly.csv"
    try:
        years = pd.read_csv(yearly, usecols=["year"])["year"]
    except (OSError, ValueError, pd.errors.ParserError):
        return None
    years = pd.to_numeric(years, errors="coerce").dropna()
    return (int(years.min()), int(years.max())) if len(years) else None


#: the other tables plan-premises writes (or reads), by columns only they have
_OTHER_TABLES = ((("option", "level"), "premises_by_level.csv"), (("option", "year"), "premises_yearly.csv"),
                 (("month", "places"), "capacity_plan.csv"), (("service", "earliest_year"), "candidates file"))


def _not_another_table(columns: set, display: str) -> None:
    """One clear error for plan-premises' other outputs or its candidates file in place of the plan."""
    if "decision" in columns:
        return
    for needed, name in _OTHER_TABLES:
        if set(needed) <= columns:
            fix = ("make the plan from it first (resmodel plan-premises --candidates …) and point 'plan:' at the "
                   "premises_plan.csv it writes" if name == "candidates file" else
                   "point 'plan:' at premises_plan.csv in the same folder")
            raise InputError.at(Location(display, row=1), f"this is plan-premises' {name}, not its plan"
                                if name != "candidates file" else "this is a candidates file, not a plan",
                                "the premises_plan.csv plan-premises writes: one row per candidate with its "
                                "decision and open_year", fix)
