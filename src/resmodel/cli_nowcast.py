"""The ``nowcast`` command: completes the recent months of a late-reporting invoice triangle and backtests it.

It parses its options, calls the core, prints a table and writes its files atomically. User mistakes raise
``ResmodelError``; the main entry point turns them into a located message and exit status 2."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from resmodel.cli_series_common import (
    PathOpt,
    check_positive_option,
    echo_table,
    echo_warnings,
    panel_figure,
    png_writer,
)
from resmodel.errors import InputError, Location, Warning_
from resmodel.io.writers import check_output_folder, workbook_writer

# the files nowcast writes: an existing --out folder may hold only these (io.writers.check_output_folder)
NOWCAST_OUTPUTS = ("nowcast.csv", "nowcast_sums.csv", "nowcast.xlsx", "nowcast_backtest.csv",
                   "nowcast_backtest_detail.csv", "nowcast.png", "manifest.json")
MAX_RECENT = 36  # nowcast --recent: the service months shown and backtested, as the API's recent


@contextmanager
def _in_the_triangle_file(triangle: Path):
    """Errors the nowcast core locates at 'triangle' (the data as a whole) name the file."""
    try:
        yield
    except InputError as exc:
        raise InputError([replace(p, location=replace(p.location, file=str(triangle)))
                          if p.location.path == "triangle" and p.location.file is None else p
                          for p in exc.problems]) from None


def _refuse_long_completion(invoices: pd.DataFrame, when: pd.Timestamp, triangle: Path, as_of_given: bool) -> None:
    """Exit 2 before the quadratic completion runs when it would complete more than MAX_SERVICE_MONTHS months
    (``completion_span``; the API answers a 422 alike — the CLI ran 19 s and wrote 2 533 months for one invoice of
    1990-01 reported in 2200-12)."""
    from resmodel.forecast.nowcast_checks import MAX_SERVICE_MONTHS, completion_span

    too_long = completion_span(invoices, when)
    if too_long is None:
        return
    span, first = too_long
    latest = first + pd.DateOffset(months=MAX_SERVICE_MONTHS - 1)
    end = f"--as-of {when:%Y-%m}" if as_of_given else f"the last reporting month {when:%Y-%m}"
    raise InputError.at(Location(str(triangle), path="--as-of" if as_of_given else None),
                        f"the service months to complete span {span} months, from the first service month "
                        f"{first:%Y-%m} to {end}",
                        f"at most {MAX_SERVICE_MONTHS} (30 years) from the first service month to the month completed, "
                        f"here up to {latest:%Y-%m}", "correct a reporting or service month typed wrong, or give the "
                        "last years' invoices (ten years are plenty for the reporting pattern)"
                        + (", or an earlier --as-of" if as_of_given else ""))


def nowcast(
    ctx: typer.Context,
    triangle: Annotated[Path, typer.Option(help="invoices: service_month, reporting_month, cases/amount_sek")],
    value: Annotated[str, typer.Option(
        metavar="COLUMN", help="column to complete: amount_sek or cases")] = "amount_sek",
    as_of: Annotated[str | None, typer.Option(
        metavar="MONTH", help="complete as known at this month YYYY-MM (default: last)")] = None,
    recent: Annotated[int, typer.Option(
        metavar="MONTHS", help="recent service months to show and backtest, 1–36 (as the API)")] = 6,
    origins: Annotated[int, typer.Option(help="backtest origins (past months)")] = 12,
    out: PathOpt = Path("results/nowcast"),
) -> None:
    """Complete recent months of a late-reporting invoice triangle (chain ladder) and backtest it."""
    from resmodel.forecast.frame import month_fix, parse_month
    from resmodel.forecast.nowcast_checks import STATE_RATE
    from resmodel.forecast.nowcast_report import as_of_month, nowcast_findings, nowcast_report, sums_to_print
    from resmodel.io.manifest import manifest_writer
    from resmodel.io.parameters import national_parameter
    from resmodel.io.series import csv_writer, read_triangle, write_atomically

    check_output_folder(out, NOWCAST_OUTPUTS)

    when = None
    if as_of:
        _check_as_of_year(as_of)
        when = parse_month(pd.Series([as_of])).iloc[0]  # as the invoices' months and POST /nowcasts' as_of are read
        if pd.isna(when):
            raise InputError.at(Location(path="--as-of"), f"'{as_of}' is not a month", "YYYY-MM", month_fix(as_of))
    if not 1 <= recent <= MAX_RECENT:  # as the API's recent (Click's own 'Invalid value' has not our form)
        raise InputError.at(Location(path="--recent"), f"--recent {recent} is outside 1–{MAX_RECENT}",
                            f"a whole number of service months from 1 to {MAX_RECENT} (three years)",
                            "correct --recent, or leave it out for the last 6 months")
    check_positive_option("--origins", origins)
    invoices = read_triangle(triangle, value)
    when = as_of_month(invoices, when, Location(str(triangle), path="--as-of"))
    _refuse_long_completion(invoices, when, triangle, as_of is not None)
    with _in_the_triangle_file(triangle):
        report = nowcast_report(invoices, value, when, recent, origins)
    where = {"triangle": Location(str(triangle)), "origins": Location(str(triangle), path="--origins"),
             "amount": Location(str(triangle), column="amount_sek")}
    cases = _cases_beside(triangle) if value == "amount_sek" else None
    echo_warnings([Warning_(check, where[source], text) for check, source, text in nowcast_findings(
        report, invoices, value, when, origins, cases,
        lambda rows: f"invoice rows {', '.join(str(r + 1) for r in rows)} below the header",
        national_parameter(STATE_RATE) if cases is not None else None)], limit=50)
    result = report.months
    shown = result.tail(recent).assign(service_month=lambda d: d["service_month"].dt.strftime("%Y-%m"))
    typer.echo(f"Nowcast of '{value}' as known at {result['service_month'].max():%Y-%m} (lo/hi: the intervals of "
               "the nowcast, the completed amount; still_to_come: the invoices yet to arrive, *tillkommande*, = "
               "nowcast − reported, the amount to accrue):")
    columns = ["service_month", "reported", "completeness", "method", "nowcast", "lo-80", "hi-80", "lo-95", "hi-95",
               "still_to_come"]
    amounts = [c for c in columns[4:] + ["reported"] if value == "amount_sek"]  # SEK in whole kronor
    echo_table(shown[columns].assign(**{c: shown[c].map(lambda v: f"{v:,.0f}") for c in amounts}))
    sums = report.sums.set_index("sum_of", drop=False)
    for key in sums_to_print(report):
        _echo_nowcast_total(sums.loc[key], value, report.described[key])
    if report.no_backtest:
        typer.echo("\nBacktest: none — the invoice history is too short for one (the warning says why)")
    else:
        typer.echo("\nBacktest (mean absolute % error against the settled amount):")
        echo_table(report.backtest)
        _echo_nowcast_coverage(report.coverage_80, len(report.backtest_detail), report.origins_used)
    fig = _nowcast_figure(result, value)
    out_table = result.assign(service_month=result["service_month"].dt.strftime("%Y-%m"))
    detail = report.backtest_detail
    det = detail.assign(service_month=detail["service_month"].dt.strftime("%Y-%m"),
                        origin=detail["origin"].dt.strftime("%Y-%m"))
    files = write_atomically(out, {"nowcast.csv": csv_writer(out_table),
                                   "nowcast_sums.csv": csv_writer(report.sums),
                                   "nowcast.xlsx": workbook_writer({
                                       "Summor — sums": _valued(report.sums, value),
                                       "Per tjänstemånad — months": _valued(out_table, value),
                                       "Backtest": pd.DataFrame({"note": [report.no_backtest]})
                                       if report.no_backtest else report.backtest}),
                                   "nowcast_backtest.csv": csv_writer(report.backtest),
                                   "nowcast_backtest_detail.csv": csv_writer(det),
                                   "nowcast.png": png_writer(fig),
                                   "manifest.json": manifest_writer(ctx.info_name, ctx.params)},
                             NOWCAST_OUTPUTS)
    typer.echo(f"wrote {', '.join(files)} to {out}")


def _check_as_of_year(as_of: str) -> None:
    """--as-of's year within the years of the invoice triangle's months (1990–2200, as the API's as_of): a year
    outside is a typing mistake, told as one rather than as a month after the invoices (or, past pandas' dates in
    2262, as no month at all)."""
    from resmodel.io.series import TRIANGLE

    column = TRIANGLE.column("reporting_month")
    first, last = int(column.minimum), int(column.maximum)
    year = re.match(r"\s*(\d+)\s*-", as_of)
    if year and not first <= int(year[1]) <= last:
        raise InputError.at(Location(path="--as-of"), f"'{as_of.strip()}' is not a month of {first}–{last}",
                            f"YYYY-MM with a year from {first} to {last}, as the invoices' months",
                            "correct the year, or leave --as-of out for the last reporting month")


def _cases_beside(triangle: Path) -> pd.DataFrame | None:
    """The triangle's cases, read as --value cases would read them, for the amount-per-case check of an amount
    nowcast; None when the column cannot be read so (empty, as it may be when the amounts are completed)."""
    from resmodel.errors import ResmodelError
    from resmodel.io.series import read_triangle

    try:
        return read_triangle(triangle, "cases")
    except ResmodelError:
        return None


def _valued(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """The frame marked with the value it counts (its workbook then shows SEK in whole kronor)."""
    frame = frame.copy()
    frame.attrs["value"] = value
    return frame


def _echo_nowcast_total(total: pd.Series, value: str, what: str) -> None:
    """Service months together: reported, nowcast and the part still to come (*tillkommande*, to accrue:
    *periodisera*) with its intervals; the months' errors are correlated, so these are not summed intervals."""
    unit = " SEK" if value == "amount_sek" else f" {value}"
    span = f"{total['first_month']}–{total['last_month']}, {total['months']} months"
    typer.echo(f"Sum of {what} ({span}): reported {total['reported']:,.0f}{unit}, nowcast {total['nowcast']:,.0f}; "
               f"still to come {total['still_to_come']:,.0f}{unit}, 80 % interval {total['still_to_come_lo-80']:,.0f}–"
               f"{total['still_to_come_hi-80']:,.0f}, 95 % {total['still_to_come_lo-95']:,.0f}–"
               f"{total['still_to_come_hi-95']:,.0f}")


def _echo_nowcast_coverage(covered: float, nowcasts: int, origins: int) -> None:
    """One line judging the nowcast's 80 % intervals by how often they held the settled amount; with fewer
    than 8 origins (whose nowcasts err together) the judgement is only a rough guide, and says so."""
    from resmodel.forecast.metrics import CALIBRATED_80
    from resmodel.forecast.nowcast_report import coverage_reading

    lo, hi = CALIBRATED_80
    typer.echo(f"80 % intervals held the settled amount in {covered:.1f} % of the {nowcasts} backtest nowcasts "
               f"(nominal 80 %; {lo:.0f}–{hi:.0f} % counts as calibrated): {coverage_reading(covered, origins)} "
               "(docs/forecast-accuracy.md §5)")


def _nowcast_figure(result: pd.DataFrame, value: str):
    fig, axes = panel_figure(1, height=3.6)
    ax = axes[0, 0]
    r = result.tail(24)
    ax.fill_between(r["service_month"], r["lo-95"], r["hi-95"], color="tab:blue", alpha=0.15, lw=0, label="95 %")
    ax.fill_between(r["service_month"], r["lo-80"], r["hi-80"], color="tab:blue", alpha=0.3, lw=0, label="80 %")
    ax.plot(r["service_month"], r["nowcast"], color="tab:blue", label="nowcast")
    ax.plot(r["service_month"], r["reported"], color="black", ls="--", label="reported so far")
    ax.set_title("Fakturor per tjänstemånad — invoices per service month: reported so far and completed (nowcast)",
                 fontsize=9, loc="left")
    ax.set_ylabel("SEK" if value == "amount_sek" else value, fontsize=8)
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}".replace(",", "\u202f"))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def register(app: typer.Typer) -> None:
    """Add the ``nowcast`` command to the main CLI."""
    app.command("nowcast")(nowcast)
