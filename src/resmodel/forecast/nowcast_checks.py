"""Checks of an invoice triangle before it is completed, shared by ``resmodel nowcast`` and ``POST /nowcasts``:
an amount far beyond what its lag usually brings (a figure keyed in kronor instead of thousands, a misplaced
decimal), a row that exactly repeats another (an export that doubled a row) and amounts far too small per case
for kronor (a file in thousands, tkr). All are completed as sent — rows of the same two months are increments,
summed — so the nowcast and the amount to accrue carry them in full; the warnings name the rows to check
(docs/forecasting.md §5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from resmodel.forecast.frame import month_number
from resmodel.params.tree import Parameter

#: an amount (a service month's invoices at one lag, summed) above this many times the median of the other
#: service months' amounts at that lag, and above a whole service month's usual amount, is far beyond its lag's
#: usual level. The second condition spares the retroactive batches that reach a late lag now and then (the demo's
#: 0.6 MSEK at lag 18 is 22 × that lag's median, a twentieth of a month's 12 MSEK)
FAR_ABOVE = 10
#: other service months at the lag needed for their median to judge by
MIN_OTHERS = 3
#: the national parameter whose value is the floor of a plausible amount per case: one hour of state assistance
STATE_RATE = "personlig_assistans.state_hourly_rate"
#: findings listed in one warning, and rows named in one finding; the rest are counted
LISTED = 5
ROWS_NAMED = 3


#: the most service months a nowcast completes (from the first service month known at as_of to as_of): the completion
#: is quadratic in them, and 30 years is more history than any development pattern needs
MAX_SERVICE_MONTHS = 360


def completion_span(invoices: pd.DataFrame, when: pd.Timestamp) -> tuple[int, pd.Timestamp] | None:
    """(months to complete, first service month) when a triangle known at ``when`` would complete more than
    MAX_SERVICE_MONTHS months — one invoice of 1990-01 reported in 2200-12 completed 2 532 months and an invented
    'open' amount after 20 s (integrator walk) —, else None; the CLI and the API say it in their own words."""
    known = invoices.loc[invoices["reporting_month"] <= when, "service_month"]
    if known.empty:  # nothing known at as_of: the core says so
        return None
    first = known.min()
    span = (when.year - first.year) * 12 + when.month - first.month + 1
    return (span, first) if span > MAX_SERVICE_MONTHS else None


def median_of_others(values: np.ndarray) -> np.ndarray:
    """For each of two or more elements, the median of the other elements (the leave-one-out median), from one
    sort."""
    n = len(values)
    order = np.argsort(values, kind="stable")
    s = values[order]
    k = np.arange(n)  # each element's position in the sorted values
    m = n - 1  # the others: the sorted values without position k, r_j = s[j] for j < k, else s[j + 1]
    lo, hi = (m - 1) // 2, m // 2
    others = (np.where(lo < k, s[lo], s[lo + 1]) + np.where(hi < k, s[hi], s[hi + 1])) / 2
    out = np.empty(n)
    out[order] = others
    return out


def _rows(rows: list, where: Callable[[list], str]) -> str:
    """The first ROWS_NAMED rows as the caller names them, and how many more."""
    more = f" and {len(rows) - ROWS_NAMED} more rows" if len(rows) > ROWS_NAMED else ""
    return where(rows[:ROWS_NAMED]) + more


def _lag_cells(known: pd.DataFrame, value: str) -> pd.DataFrame:
    """The triangle's increments: one row per service month and lag, the amount summed and its rows listed."""
    cells = known.assign(lag=month_number(known["reporting_month"]) - month_number(known["service_month"]),
                         row=known.index)
    return cells.groupby(["service_month", "lag"], as_index=False, sort=True).agg(
        amount=(value, "sum"), rows=("row", list))


def far_above_lag(known: pd.DataFrame, value: str, where: Callable[[list], str]) -> list[tuple[str, str]]:
    """A warning ``amount_far_above_lag`` for each service month whose amount at a lag is more than FAR_ABOVE
    times the median of the other service months' amounts at that lag (sizes compared, credits too; at least
    MIN_OTHERS others) and more than the median of the service months' reported totals; where the others' median
    is 0 (a lag that usually brings nothing, as the zero rows of a full-grid export), more than FAR_ABOVE times
    that total (review: 4 bn SEK at such a lag passed unwarned)."""
    cells = _lag_cells(known, value)
    size = cells["amount"].abs().to_numpy(dtype=float)
    month = float(cells.groupby("service_month")["amount"].sum().abs().median())
    usual = np.full(len(cells), np.nan)
    for _, idx in cells.groupby("lag").indices.items():
        if len(idx) > MIN_OTHERS:
            usual[idx] = median_of_others(size[idx])
    far = (((usual > 0) & (size > FAR_ABOVE * usual) & (size > month))  # NaN (too few others) compares False
           | ((usual == 0) & (size > FAR_ABOVE * month)))
    found = cells[far].assign(usual=usual[far])
    if found.empty:
        return []
    unit = " SEK" if value == "amount_sek" else f" {value}"
    listed = [f"{_rows(r.rows, where)} (service month {r.service_month:%Y-%m}, lag {r.lag}): {r.amount:,.0f}{unit}, "
              + (f"{abs(r.amount) / r.usual:,.0f} × the median {r.usual:,.0f}{unit} of the other service months at "
                 "that lag" if r.usual > 0 else "where the other service months at that lag have a median of 0")
              for r in found.head(LISTED).itertuples()]
    more = f"; and {len(found) - LISTED} more" if len(found) > LISTED else ""
    return [("amount_far_above_lag", f"{'; '.join(listed)}{more} — more than {FAR_ABOVE} × its lag's usual "
             f"level and more than a service month's usual total ({month:,.0f}{unit}), as a figure "
             + ("keyed in kronor instead of thousands or " if value == "amount_sek" else "") + "with a misplaced "
             "decimal would be. It is "
             "completed as sent, so the nowcast and the amount to accrue carry it in full: check the row against "
             "the invoice, and correct it if it is a mistake (docs/forecasting.md §5)")]


def repeated_rows(known: pd.DataFrame, value: str, where: Callable[[list], str]) -> list[tuple[str, str]]:
    """A warning ``repeated_invoice_row`` for rows that exactly repeat another (the same service month,
    reporting month and non-zero amount): summed as separate invoices, which an export that doubled a row
    would also give."""
    keys = ["service_month", "reporting_month", value]
    twice = known[known.duplicated(keys, keep=False) & (known[value] != 0)]
    if twice.empty:
        return []
    groups = twice.assign(row=twice.index).groupby(keys, sort=True)["row"].agg(list).reset_index()
    unit = " SEK" if value == "amount_sek" else f" {value}"
    listed = [f"{_rows(g.row, where)} (service month {g.service_month:%Y-%m}, reported {g.reporting_month:%Y-%m}, "
              f"{g[2]:,.2f}{unit}, {len(g.row)} times)" for g in groups.head(LISTED).itertuples(index=False)]
    more = f"; and {len(groups) - LISTED} more" if len(groups) > LISTED else ""
    return [("repeated_invoice_row", f"{'; '.join(listed)}{more}: rows that repeat another exactly, summed as "
             "separate invoices (rows of the same two months are increments). If they are one invoice exported "
             "twice, remove the repeats; if they are separate invoices of the same amount, nothing is wrong")]


def state_hourly_rate(leaf: Parameter, on: pd.Timestamp) -> tuple[float, int]:
    """The state hourly rate in force at ``on`` (its first value for an earlier month) as ``leaf``, the national
    parameter STATE_RATE, holds it (public_parameters.md), not indexed: the floor of a plausible amount per case,
    with its year."""
    valid_from, rate = leaf.key_in_force(dt.date(on.year, on.month, 1)) or leaf.values[0]
    return float(rate), valid_from.year


def amount_per_case(amounts: pd.DataFrame, cases: pd.DataFrame | None, as_of: pd.Timestamp, state_rate: Parameter,
                    column: str = "amount_sek") -> list[tuple[str, str]]:
    """A warning ``amount_per_case_low`` when the invoices known at ``as_of`` average less than one hour of state
    assistance per case (the hourly rate in force at the first service month, the lowest of the triangle's): a
    case-month of state assistance is invoiced at more than 20 hours a week, so amounts that small are thousands
    of kronor (tkr) read as kronor — the nowcast and the amount to accrue would be in tkr labelled SEK (review:
    'still to come 32,633 SEK'). ``cases`` are the same invoices' case counts (None: not given, no check);
    ``state_rate`` the national parameter STATE_RATE, read by the caller; ``column`` names the amount column as the caller's user writes it."""
    if cases is None:
        return []
    known = amounts["reporting_month"] <= as_of
    total, count = float(amounts.loc[known, "amount_sek"].sum()), float(cases.loc[known, "cases"].sum())
    if not (total > 0 and count > 0):
        return []
    rate, year = state_hourly_rate(state_rate, amounts.loc[known, "service_month"].min())
    per_case = total / count
    if per_case >= rate:
        return []
    return [("amount_per_case_low", f"the invoices average {per_case:,.2f} SEK per case ({total:,.0f} SEK over "
             f"{count:,.0f} cases), less than one hour of state assistance ({rate:,.2f} SEK an hour in {year}: "
             f"{STATE_RATE}, public_parameters.md) — a case-month of state assistance is invoiced at more than 20 hours "
             f"a week. Are the amounts in thousands of kronor (tkr)? The nowcast and the amount to accrue are in the "
             f"unit of {column}, so read them as tkr, or multiply {column} by 1 000 and run again "
             "(docs/forecasting.md §5)")]


def triangle_warnings(invoices: pd.DataFrame, value: str, as_of: pd.Timestamp,
                      where: Callable[[list], str]) -> list[tuple[str, str]]:
    """(check, message) for the invoices known at ``as_of`` (those the triangle is built from): amounts far
    beyond their lag's usual level, and exactly repeated rows; ``where`` names a list of rows ('rows 3 and 9')
    as the caller's input names them."""
    known = invoices[invoices["reporting_month"] <= as_of]
    return far_above_lag(known, value, where) + repeated_rows(known, value, where)
