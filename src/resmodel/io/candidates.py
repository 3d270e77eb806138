"""Candidate premises (*lokalalternativ*) for the premises plan: read, validate, filter by service."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from resmodel.errors import InputError, Location, did_you_mean
from resmodel.io.tables import Column, TableSchema, read_table, require_rows

CANDIDATES = TableSchema("premises_candidates", "Lokalalternativ — candidate premises a plan may open", (
    Column("premises_id", "id", "candidate's id", unique=True),
    Column("service", "str", "service the premises would house (user service key)"),
    Column("places", "int", "places it adds (whole places)", "places", minimum=0, maximum=10_000, above_minimum=True),
    Column("annual_rent_sek", "float", "yearly rent once open (base-year prices)", "SEK", minimum=0, maximum=1e9),
    Column("one_off_cost_sek", "float", "one-off cost in the opening year (fit-out, furnishing, start-up)",
           "SEK", required=False, minimum=0, maximum=1e10),
    Column("earliest_year", "int", "first year it can open (empty: the plan's first year)", required=False,
           minimum=1990, maximum=2200),
    Column("lead_time_months", "float", "months from the decision (start of the plan's first year) to "
           "opening", "months", required=False, minimum=0, maximum=240),
    Column("decided_year", "int", "already decided: opens in this year whatever the plan says (empty: the "
           "plan decides)", required=False, minimum=1990, maximum=2200),
    Column("min_level", "int", "lowest need level it suits (empty with max_level: plan on totals)", "level",
           required=False, minimum=1, maximum=8),
    Column("max_level", "int", "highest need level it suits", "level", required=False, minimum=1, maximum=8),
    Column("source", "str", "where the figures come from (facts.csv id, offer, estimate)", required=False),
))


def read_candidates(path: Path, service: str, display: str | None = None) -> pd.DataFrame:
    """The candidates of ``service`` in a file (index = spreadsheet row), checked and with defaults
    filled in (``prepare_candidates``)."""
    display = display or str(path)
    table = read_table(path, CANDIDATES, display)
    require_rows(table, display, "one row per candidate premises", "add the candidates")
    return prepare_candidates(table, service, display)


def prepare_candidates(table: pd.DataFrame, service: str, display: str) -> pd.DataFrame:
    """The rows of ``service`` from a typed candidates table (the columns of ``CANDIDATES``; rows are
    named by the index in messages), checked, with defaults filled in: no one-off cost, no lead time.
    A table without rows for the service is an error naming the services it has."""
    repeated = table["premises_id"].duplicated()
    for idx in table.index[repeated.to_numpy()][:1]:
        first = table.index[table["premises_id"].eq(table.at[idx, "premises_id"]).to_numpy()][0]
        raise InputError.at(Location(display, row=int(idx), column="premises_id"),
                            f"duplicate id '{table.at[idx, 'premises_id']}' (first on row {first})",
                            "each premises_id once", "give the candidate its own id, or remove the repeat")
    services = table["service"].str.strip()
    misspelt = services.ne(service) & services.map(lambda v: bool(did_you_mean(v, [service], cutoff=0.85)))
    misspelt &= services.eq(service).any()  # with no row of the service, the typo may be in --service instead
    for idx in table.index[misspelt.to_numpy()][:1]:  # a typo would drop the candidate without a word
        raise InputError.at(Location(display, row=int(idx), column="service"),
                            f"service '{services[idx]}' is almost '{service}', the service planned",
                            f"'{service}' for a candidate of this plan, or another service's key",
                            f"did you mean '{service}'? Correct the spelling")
    rows = table[services.eq(service).to_numpy()].copy()
    if rows.empty:
        known = sorted(table["service"].str.strip().unique())
        raise InputError.at(Location(display, column="service", path=service), f"no candidates for '{service}'",
                            "rows whose service is " + repr(service) + " (the file has " + ", ".join(known) + ")",
                            did_you_mean(service, known) + "add candidates for the service, or choose the service "
                            "to plan accordingly (and check the spelling of both)")
    _check_levels(rows, display)
    rows["one_off_cost_sek"] = rows["one_off_cost_sek"].astype(float).fillna(0.0)
    rows["lead_time_months"] = rows["lead_time_months"].astype(float).fillna(0.0)
    for col in ("earliest_year", "decided_year", "min_level", "max_level"):
        rows[col] = pd.to_numeric(rows[col]).astype("Int64")
    return rows


def check_candidate_years(candidates: pd.DataFrame, first_year: int, last_year: int, display: str,
                          first_month: int = 1) -> None:
    """Decided years must fall in the plan's years (a premises open before it belongs in today's
    places; one after it does not matter to the plan) and agree with the row's own earliest year and
    lead time, counted from the demand's ``first_month`` (a contradiction there is a mistake in the file,
    not something to choose between)."""
    from resmodel.planning.premises import lead_time_year

    decided = candidates["decided_year"]
    outside = decided.notna() & ((decided < first_year) | (decided > last_year))
    for idx in candidates.index[outside.to_numpy()][:1]:
        after = decided[idx] > last_year
        raise InputError.at(Location(display, row=int(idx), column="decided_year"),
                            f"decided year {decided[idx]} is outside the plan's years {first_year}–{last_year} "
                            "(the years of the --demand file)", f"a year from {first_year} to {last_year}",
                            ("is --demand a history rather than a forecast? The plan needs a forecast "
                             "(`resmodel forecast`); otherwise leave out a premises that opens after it ends"
                             if after else "count a premises that is already open in today's places (the "
                             "scenario's premises, or --places) and leave it out of the candidates"))
    earliest = candidates["earliest_year"].fillna(first_year).astype(int)
    by_lead = pd.Series(lead_time_year(candidates["lead_time_months"].fillna(0).to_numpy(float), first_year,
                                       first_month), index=candidates.index)
    for column, limit in (("earliest_year", earliest), ("lead_time_months", by_lead)):
        early = decided.notna() & (decided < limit)
        for idx in candidates.index[early.to_numpy()][:1]:
            what = (f"row's earliest year {limit[idx]}" if column == "earliest_year"
                    else f"row's lead time of {candidates.at[idx, 'lead_time_months']:g} months (open "
                         f"{limit[idx]} at the earliest)")
            raise InputError.at(Location(display, row=int(idx), column="decided_year"),
                                f"decided year {decided[idx]} is before the {what}",
                                "a decided year no earlier than the premises can open",
                                f"correct the decided year, or empty '{column}' (a decided premises needs neither)")


def _check_levels(rows: pd.DataFrame, display: str) -> None:
    """Level ranges: on every candidate or on none (a plan is by level or on totals), min ≤ max."""
    has = rows["min_level"].notna() | rows["max_level"].notna()
    if not has.any():
        return
    for idx in rows.index[~has.to_numpy()][:1]:
        raise InputError.at(Location(display, row=int(idx), column="min_level"), "a candidate without a level range "
                            "where other candidates have one", "min_level and max_level on every candidate of the "
                            "service, or on none (a plan on totals)", "fill in the levels the premises suit")
    for col in ("min_level", "max_level"):
        for idx in rows.index[rows[col].isna().to_numpy()][:1]:
            raise InputError.at(Location(display, row=int(idx), column=col), "half a level range",
                                "both min_level and max_level", f"fill in {col}")
    for idx in rows.index[(rows["min_level"].astype(float) > rows["max_level"].astype(float)).to_numpy()][:1]:
        raise InputError.at(Location(display, row=int(idx), column="min_level"),
                            f"min_level {int(rows.at[idx, 'min_level'])} is above max_level "
                            f"{int(rows.at[idx, 'max_level'])}",
                            "min_level ≤ max_level", "swap the two")
