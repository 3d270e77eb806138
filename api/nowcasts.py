"""``POST /nowcasts``: complete the recent service months of a state-assistance invoice triangle sent as
JSON (as ``resmodel nowcast`` does a triangle file): per month and summed (the amount still to come, to
accrue), with intervals and the backtest against 'last reported as final'; problems at their JSON path."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import pandas as pd
from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.fields import Version
from api.problems import BodyWording, RequestBody, one_problem, problem_response
from api.records import json_records
from resmodel import __version__
from resmodel.errors import Location, ResmodelError
from resmodel.forecast.nowcast_checks import MAX_SERVICE_MONTHS, STATE_RATE, completion_span
from resmodel.io.parameters import national_parameter

router = APIRouter()
INVOICES = "body.invoices"  # the source name the reader puts in locations
BODY = BodyWording({INVOICES: "invoices"}, {"--value cases": '"value": "cases"', "--value amount_sek": '"value": "amount_sek"',
                                            "--as-of": "as_of", "--origins": "origins", "--recent": "recent", "--value": "value"})


class InvoiceRow(RequestBody):
    """One row of the state-assistance invoice triangle: what was invoiced for a service month in a reporting
    month — an increment, not a running total (rows of the same two months are summed), as a row of
    invoice_triangle.csv (docs/forecasting.md)."""

    service_month: str = Field(max_length=20, description="month the assistance was given, YYYY-MM")
    reporting_month: str = Field(max_length=20, description="month the invoice was received, YYYY-MM (on or "
                                 "after the service month)")
    amount_sek: float | None = Field(None, allow_inf_nan=False, ge=-1e12, le=1e12, description="invoiced amount "
                                     "in SEK (negative for a credit); needed on every row when value is amount_sek")
    cases: float | None = Field(None, allow_inf_nan=False, ge=-1e9, le=1e9, description="case-months invoiced "
                                "(negative for a credit); needed on every row when value is cases")


class NowcastRequest(RequestBody):
    """The invoices to complete (service month × reporting month), the column to complete (SEK or
    case-months), the month they are known at, and how many recent months to sum and past months to backtest."""

    invoices: list[InvoiceRow] = Field(min_length=1, max_length=20_000, description="the invoice triangle: one row "
                                       "per invoice (or per service and reporting month), every service month from "
                                       "the first to the last, as in docs/forecasting.md §5 (the triangle file)")
    value: Literal["amount_sek", "cases"] = Field("amount_sek", description="the column to complete")
    as_of: str | None = Field(None, pattern=r"^\d{4}-(\d{1,2}|\d{2}-01)$", description="complete as known at this "
                              "month, YYYY-MM or its first day YYYY-MM-01 as the invoices' months (null: the last "
                              "reporting month); later invoices are left out")
    recent: int = Field(6, ge=1, le=36, description="the recent service months summed as 'shown' and backtested")
    origins: int = Field(12, ge=1, le=36, description="backtest origins (past months to nowcast again; each "
                         "completes the triangle again, so 36 keep the answer within seconds)")


class NowcastMonth(BaseModel):
    """One service month completed as known at as_of: reported so far, the completed (final) amount with its
    80 % and 95 % intervals, and what is still to come (*tillkommande fakturor*) — in the unit of value: SEK
    (amount_sek) or case-months (cases)."""

    service_month: str = Field(description="the month the service was given, YYYY-MM")
    lag: int = Field(description="months of reporting since the service month")
    reported: float = Field(description="reported so far")
    completeness: float = Field(description="expected share reported by this lag (1: complete)")
    method: str = Field(description="chain_ladder, bornhuetter_ferguson (mostly unreported months) or complete")
    nowcast: float = Field(description="the completed (final) amount")
    still_to_come: float = Field(description="nowcast − reported: invoices yet to arrive (tillkommande)")
    se: float = Field(description="standard error of the nowcast (Mack 1993; a Bornhuetter–Ferguson month's: "
                      "Mack 2008)")
    lo_80: float = Field(description="lower bound of the nowcast's 80 % interval (of the completed amount)")
    hi_80: float = Field(description="upper bound of the nowcast's 80 % interval")
    lo_95: float = Field(description="lower bound of the nowcast's 95 % interval")
    hi_95: float = Field(description="upper bound of the nowcast's 95 % interval")


class NowcastSum(BaseModel):
    """A group of service months summed — the recent months shown, every open month (the amount to accrue,
    *periodisera*) or one year's open months — with intervals of the completed amount and of what is still to
    come, from the covariance of the months' errors; in the unit of value (SEK or case-months)."""

    sum_of: str = Field(description="'shown' (the recent months), 'open' (every month not yet complete: the "
                        "amount to accrue) or 'year YYYY' (that year's open months)")
    description: str = Field(description="what the group of months is, in words")
    first_month: str = Field(description="the group's first service month, YYYY-MM")
    last_month: str = Field(description="the group's last service month, YYYY-MM")
    months: int = Field(description="service months in the group")
    reported: float = Field(description="reported so far over the group's months")
    nowcast: float = Field(description="their completed (final) amount")
    still_to_come: float = Field(description="nowcast − reported: what is still to be invoiced — the amount to accrue")
    se: float = Field(description="standard error of the sum, with the covariance of its months (Mack's total "
                      "reserve error)")
    lo_80: float = Field(description="lower bound of the 80 % interval of nowcast (the completed amount)")
    hi_80: float = Field(description="upper bound of the 80 % interval of nowcast")
    lo_95: float = Field(description="lower bound of the 95 % interval of nowcast")
    hi_95: float = Field(description="upper bound of the 95 % interval of nowcast")
    still_to_come_lo_80: float = Field(description="lower bound of the 80 % interval of still_to_come (what to "
                                       "accrue): lo_80 − reported")
    still_to_come_hi_80: float = Field(description="upper bound of the 80 % interval of still_to_come")
    still_to_come_lo_95: float = Field(description="lower bound of the 95 % interval of still_to_come")
    still_to_come_hi_95: float = Field(description="upper bound of the 95 % interval of still_to_come")


SUM_ROW = "sum of recent months"  # the backtest's row of the sum (its 'lag' in the core's table)


class NowcastBacktestRow(BaseModel):
    """How the method did on these invoices: months nowcast again as known at past months (origins) against the
    amounts since settled, per lag and for the sum of the recent months, beside taking the last reported amount
    as final; errors and coverage in %."""

    row: Literal["lag", "sum of recent months"] = Field(description="a row per lag, and one for the sum of the "
                                                         "recent months")
    lag: int | None = Field(description="months of reporting at the origin (null on the sum's row)")
    origins: int = Field(description="backtest origins the row averages over")
    mape_nowcast: float | None = Field(description="mean absolute % error of the nowcast against the settled "
                                       "amount, over months settled above 0 (null: none was)")
    mape_last_reported: float | None = Field(description="the same for 'last reported as final'")
    coverage_80: float = Field(description="% of settled amounts inside the 80 % interval")
    coverage_95: float = Field(description="% of settled amounts inside the 95 % interval")


class NowcastResponse(BaseModel):
    """The invoice triangle completed as known at as_of (docs/forecasting.md §5): every service month, the sums
    to accrue and the backtest; amounts in the unit of value (SEK or case-months)."""

    resmodel_version: Version
    value: str = Field(description="the column completed: amount_sek (SEK) or cases (case-months)")
    as_of: str = Field(description="the month the triangle was completed at")
    months: list[NowcastMonth] = Field(description="every service month, oldest first")
    sums: list[NowcastSum] = Field(description="groups of months summed with the covariance of their errors: "
                                   "'shown', 'open' and one 'year YYYY' per year with open months")
    backtest: list[NowcastBacktestRow] = Field(description="by lag and for the sum of the recent months; empty when "
                                               "the history is too short for a backtest (a warning says so)")
    backtest_origins: int = Field(description="the origins the data allowed (at most 'origins'; 0: no backtest)")
    backtest_coverage_80: float | None = Field(description="% of backtest nowcasts whose 80 % interval held the "
                                               "settled amount (70–90 counts as calibrated); null: no backtest")
    backtest_coverage_reading: str | None = Field(description="how to read the 80 % intervals from that coverage, "
                                                  "as `resmodel nowcast` prints it: conservative (above 90), "
                                                  "understated (below 70) or about as wide as the errors need; "
                                                  "null: no backtest")
    warnings: list[str] = Field(description="'[check] where: message', as `resmodel nowcast` prints them: no backtest "
                                "(no_backtest), fewer origins than asked (origins_limited), intervals the invoices are "
                                "too short to estimate (interval_not_estimated), credits that move the development "
                                "factors or the prior (a month reversed in full left out: reversal_left_out; a month "
                                "of the prior fallen by more than 30 %: prior_month_credited; a factor below 1 from "
                                "one credit: credit_in_factors), an amount far beyond its lag's usual level "
                                "(amount_far_above_lag), rows sent twice (repeated_invoice_row), naming the rows, and "
                                "amounts too small per case for SEK (amount_per_case_low: tkr?) "
                                "(docs/forecasting.md §5)")


def _dashless(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON objects with the interval columns as Python names (lo-80 → lo_80)."""
    return json_records(frame.rename(columns=lambda c: c.replace("-", "_")))


def _raw(request: NowcastRequest) -> pd.DataFrame:
    """The invoice rows as a table of text cells, as a triangle file's (index = the row's position)."""
    return pd.DataFrame([{k: "" if v is None else str(v) for k, v in row.model_dump().items()}
                         for row in request.invoices], dtype="object")


def _cases(request: NowcastRequest) -> pd.DataFrame | None:
    """The rows' cases read as value 'cases' would read them, for the amount-per-case check of an amount nowcast;
    None when they cannot be read so (missing on some row, as they may be when the amounts are completed)."""
    from resmodel.io.series import triangle_from_raw

    try:
        return triangle_from_raw(_raw(request), "cases", INVOICES)
    except ResmodelError:
        return None


def _invoices(request: NowcastRequest) -> pd.DataFrame:
    """The invoice rows typed and checked as a triangle file is (index = the row's position in the request)."""
    from resmodel.io.series import triangle_from_raw

    if all(getattr(row, request.value) is None for row in request.invoices):
        other = "cases" if request.value == "amount_sek" else "amount_sek"
        raise one_problem(422, ["body", "invoices"], f"no invoice row has a value in '{request.value}' (value is "
                          f"'{request.value}'). Expected '{request.value}' on every row. Fix: give it, or set "
                          f"value to '{other}' to complete that column")
    return triangle_from_raw(_raw(request), request.value, INVOICES)


def _refuse_long_completion(invoices: pd.DataFrame, when: pd.Timestamp, as_of_given: bool) -> None:
    """A 422 before the quadratic completion runs when it would complete more than MAX_SERVICE_MONTHS months
    (``completion_span``)."""
    too_long = completion_span(invoices, when)
    if too_long is None:
        return
    span, first = too_long
    latest = first + pd.DateOffset(months=MAX_SERVICE_MONTHS - 1)
    end, where = ((f"as_of {when:%Y-%m}", ["body", "as_of"]) if as_of_given
                  else (f"the last reporting month {when:%Y-%m}", ["body", "invoices"]))
    raise one_problem(422, where, f"the service months to complete span {span} months: the nowcast completes every "
                      f"month from the first service month {first:%Y-%m} to {end}. Expected at most {MAX_SERVICE_MONTHS} (30 years) from "
                      f"the first service month to as_of (default: the last reporting month), here up to "
                      f"{latest:%Y-%m}. Fix: correct a reporting or service month typed wrong, send the last years' "
                      "invoices (ten years are plenty for the reporting pattern)"
                      + (", or an earlier as_of" if as_of_given else ""))


@router.post("/nowcasts", response_model=NowcastResponse)
def create_nowcast(request: NowcastRequest) -> NowcastResponse:
    """Complete every service month of the triangle as known at ``as_of``, sum the recent and the open months,
    and backtest the method on the same invoices."""
    from resmodel.errors import Warning_
    from resmodel.forecast.frame import month_fix, parse_month
    from resmodel.forecast.nowcast_report import (
        as_of_month,
        coverage_reading,
        nowcast_findings,
        nowcast_report,
    )

    as_of = None
    if request.as_of is not None:
        as_of = parse_month(pd.Series([request.as_of])).iloc[0]  # as the invoices' months are read
        if pd.isna(as_of) or not 1990 <= as_of.year <= 2200:  # the years of the triangle's months
            fix = month_fix(request.as_of) if pd.isna(as_of) else "correct the year"
            raise one_problem(422, ["body", "as_of"], f"'{request.as_of}' is not a month of 1990–2200. Expected "
                              f"YYYY-MM with a month 01–12. Fix: {fix}")
    try:
        invoices = _invoices(request)
        when = as_of_month(invoices, as_of, Location(path="--as-of"))
        _refuse_long_completion(invoices, when, as_of is not None)
        report = nowcast_report(invoices, request.value, when, request.recent, request.origins)
    except ResmodelError as exc:  # the core's problems of the data as a whole are the invoices'
        raise problem_response(422, [BODY.json_problem(replace(p, location=Location(INVOICES))
                                                       if p.location.path == "triangle" else p)
                                     for p in exc.problems]) from None
    where = {"triangle": INVOICES, "origins": "body.origins", "amount": f"{INVOICES}[*].amount_sek"}
    cases = _cases(request) if request.value == "amount_sek" else None
    found = nowcast_findings(report, invoices, request.value, when, request.origins, cases,
                             lambda rows: ", ".join(f"{INVOICES}[{r}]" for r in rows),
                             national_parameter(STATE_RATE) if cases is not None else None)
    warnings = [str(Warning_(check, Location(where[source]), text)) for check, source, text in found]
    sums = report.sums.assign(description=report.sums["sum_of"].map(report.described))
    return NowcastResponse(
        resmodel_version=__version__, value=request.value, as_of=f"{when:%Y-%m}",
        months=[NowcastMonth(**r) for r in _dashless(report.months)],
        sums=[NowcastSum(**r) for r in _dashless(sums)],
        backtest=[NowcastBacktestRow(**{**r, "row": SUM_ROW if r["lag"] == SUM_ROW else "lag",
                                        "lag": None if r["lag"] == SUM_ROW else int(r["lag"])})
                  for r in _dashless(report.backtest)],
        backtest_origins=report.origins_used, backtest_coverage_80=report.coverage_80,
        backtest_coverage_reading=None if report.coverage_80 is None else coverage_reading(report.coverage_80,
                                                                                           report.origins_used),
        warnings=warnings)
