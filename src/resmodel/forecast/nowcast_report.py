"""A nowcast as the SFB economist reads it: the completed months, the sums to accrue and the backtest,
from the invoices alone — what ``resmodel nowcast`` prints and writes and ``POST /nowcasts`` answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location
from resmodel.forecast.nowcast import (
    COMPLETE_WITHIN,
    HistoryTooShort,
    NowcastParams,
    backtest_nowcast,
    build_triangle,
    credit_warnings,
    nowcast_and_gaps,
    nowcast_totals,
    refuse_unreported_months,
)
from resmodel.params.tree import Parameter


@dataclass(frozen=True)
class NowcastReport:
    """``months``: every service month completed (nowcast per month); ``sums``: groups of months together
    (``shown``: the last ``recent`` months, ``open``: every month not yet complete — the amount to accrue —
    and ``year YYYY``: the open months of a year), with what each group is in ``described``; the backtest's
    ``detail`` and ``summary``; the origins it used and how often its 80 % intervals held the settled amount —
    or, for a history too short for a backtest, empty tables, no coverage and ``no_backtest`` saying why."""

    months: pd.DataFrame
    sums: pd.DataFrame
    described: dict[str, str]
    backtest_detail: pd.DataFrame
    backtest: pd.DataFrame
    origins_used: int
    coverage_80: float | None
    open_shown: bool  # every open month is among those shown
    no_backtest: str | None = None
    no_interval: str | None = None  # months whose intervals the invoices are too short to estimate
    credits: tuple[tuple[str, str], ...] = ()  # (check, message): credits that move the development factors


def _months_text(months: list[pd.Timestamp]) -> str:
    """2024-02 and 2024-03; 2024-01 – 2024-06 for more than two."""
    text = [f"{m:%Y-%m}" for m in months]
    return " and ".join(text) if len(text) <= 2 else f"{len(text)} service months, {text[0]} – {text[-1]}"


def as_of_month(invoices: pd.DataFrame, as_of: pd.Timestamp | None, where: Location) -> pd.Timestamp:
    """The month the nowcast is made at: ``as_of`` when the invoices' reporting months reach it, else a
    located error (``where`` names the option or field); the last reporting month when not given."""
    last, first = invoices["reporting_month"].max(), invoices["reporting_month"].min()
    if as_of is None:
        return last
    if as_of < first:
        raise InputError.at(where, f"as-of {as_of:%Y-%m} is before the first reporting month {first:%Y-%m}",
                            f"a month from {first:%Y-%m} to {last:%Y-%m}",
                            "choose a later as-of month, or leave it out for the last reporting month")
    if as_of > last:
        raise InputError.at(where, f"as-of {as_of:%Y-%m} is after the last reporting month {last:%Y-%m}",
                            f"a month up to {last:%Y-%m} (the invoices say nothing about later months)",
                            "leave the as-of month out for the last reporting month, or give the newer invoices")
    return as_of


def nowcast_report(invoices: pd.DataFrame, value: str, as_of: pd.Timestamp, recent: int = 6, origins: int = 12,
                   params: NowcastParams | None = None) -> NowcastReport:
    """Complete the triangle as known at ``as_of``, sum the groups of months and backtest on the invoices
    known then. The core's errors keep their locations: 'triangle' for the data as a whole, '--origins' for
    too few origins (the caller names its file or field)."""
    params = params or NowcastParams()
    tri = build_triangle(invoices, value, as_of)
    refuse_unreported_months(invoices, tri, params)
    result, thin = nowcast_and_gaps(tri, params)
    no_interval = None if not thin else (
        f"the intervals of {_months_text(thin)} (and of sums holding them) rest on variances these invoices are "
        "too short to estimate — a reporting lag seen in one service month only, or a level from one complete "
        "month — which are set to 0: they are too narrow, read them as the nowcast alone. More service months "
        "of invoices give them")
    no_backtest = None
    try:
        detail, summary = backtest_nowcast(invoices[invoices["reporting_month"] <= as_of], value, origins, recent,
                                           params)
    except HistoryTooShort as exc:  # the nowcast stands; it only cannot be checked on these invoices
        p = exc.problems[0]
        no_backtest = (f"no backtest: {p.problem}; a backtest needs {p.expected}. The nowcast's accuracy is not "
                       f"measured, and it knows the reporting pattern only up to a lag of {len(tri.months) - 1} "
                       f"months: amounts invoiced later than that are not in it. For a backtest: {p.fix}")
        detail = result.iloc[:0].assign(origin=pd.NaT, truth=np.nan, err_nowcast_pct=np.nan, err_reported_pct=np.nan)
        summary = pd.DataFrame(
            columns=["lag", "origins", "mape_nowcast", "mape_last_reported",
                     *(f"coverage_{lv}" for lv in params.levels)])
    shown_rows = np.arange(len(result))[-recent:]
    # every month not complete, above 1 too (a factor below 1); credits can leave gaps among them
    open_rows = np.flatnonzero(np.abs(result["completeness"].to_numpy() - 1) > COMPLETE_WITHIN)
    open_shown = set(open_rows) <= set(shown_rows)
    years = result["service_month"].dt.year.to_numpy()
    groups = [("shown", shown_rows, "the months shown" + (
              ", every service month not yet complete among them: the amount to accrue" if open_shown else "")),
              ("open", open_rows, "every service month not yet complete: the amount to accrue"),
              *((f"year {y}", open_rows[years[open_rows] == y], f"the open months of {y}")
                for y in sorted(set(years[open_rows])))]
    groups = [(key, rows if len(rows) else shown_rows[-1:], what) for key, rows, what in groups]
    totals = nowcast_totals(tri, {key: rows for key, rows, _ in groups}, params)
    sums = []
    for key, rows, _ in groups:
        total, span = totals[key], result["service_month"].iloc[rows]
        bounds = {f"still_to_come_{b}": total[b] - total["reported"] for b in ("lo-80", "hi-80", "lo-95", "hi-95")}
        sums.append({"sum_of": key, "first_month": f"{span.iloc[0]:%Y-%m}", "last_month": f"{span.iloc[-1]:%Y-%m}",
                     "months": len(rows), **total, **bounds})
    by_lag = summary[summary["lag"] != "sum of recent months"]  # every nowcast is in one lag's row
    covered = float((by_lag["coverage_80"] * by_lag["origins"]).sum() / by_lag["origins"].sum()) if len(detail) else None
    return NowcastReport(result, pd.DataFrame(sums), {key: what for key, _, what in groups}, detail, summary,
                         int(detail["origin"].nunique()), covered, open_shown, no_backtest, no_interval,
                         tuple(credit_warnings(tri, params)))


def coverage_reading(covered: float, origins: int) -> str:
    """How to read the nowcast's 80 % intervals from the share of backtest nowcasts they held (the command's line,
    the API's field): conservative, understated or about right; with fewer than 8 origins, whose nowcasts err
    together, only a rough guide."""
    from resmodel.forecast.metrics import CALIBRATED_80

    lo, hi = CALIBRATED_80
    judged = ("wider than the errors need: read them as conservative" if covered > hi else
              "narrower than the errors need: the uncertainty is understated" if covered < lo else
              "about as wide as the errors need")
    if origins < 8:
        judged += (f" — but on {origins} backtest origins only, whose nowcasts err together, so read this as a rough "
                   "guide")
    return judged


def sums_to_print(report: NowcastReport) -> list[str]:
    """The sums worth a line of their own: the months shown; every open month when some lie before them; each
    year's open months when they span more than one year."""
    years = [k for k in report.sums["sum_of"] if k.startswith("year ")]
    return ["shown", *(["open"] if not report.open_shown else []), *(years if len(years) > 1 else [])]


def nowcast_findings(report: NowcastReport, invoices: pd.DataFrame, value: str, as_of: pd.Timestamp, origins: int,
                     cases: pd.DataFrame | None, rows_named: Callable[[list], str],
                     state_rate: Parameter | None = None) -> list[tuple[str, str, str]]:
    """A nowcast's warnings as (check, source, message), in the order they are said — source 'triangle' (the
    invoices), 'origins' (the origins asked for) or 'amount' (the amounts against the cases) for each front end to
    locate: the CLI and POST /nowcasts built these six checks apart, where one could gain a check the other lacked
    (code review). ``rows_named``: invoice rows (0-based) as the front end names them; ``state_rate``: the
    national parameter the amounts per case are checked against (needed when ``cases`` are given)."""
    from resmodel.forecast.nowcast_checks import amount_per_case, triangle_warnings

    found = []
    if report.no_backtest:
        found.append(("no_backtest", "triangle", report.no_backtest))
    elif report.origins_used < origins:
        found.append(("origins_limited", "origins", f"{origins} backtest origins asked for, the data allow "
                      f"{report.origins_used}; used {report.origins_used}"))
    if report.no_interval:
        found.append(("interval_not_estimated", "triangle", report.no_interval))
    found += [(check, "triangle", text) for check, text in report.credits]  # credits that move the factors or prior
    found += [(check, "triangle", text) for check, text in triangle_warnings(invoices, value, as_of, rows_named)]
    if value == "amount_sek" and cases is not None:  # amounts in tkr read as SEK: the cases beside them say so
        found += [(check, "amount", text) for check, text in amount_per_case(invoices, cases, as_of, state_rate)]
    return found
