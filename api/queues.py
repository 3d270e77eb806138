"""``POST /queues``: the queue of decisions not executed (*ej verkställda beslut*) for a demand and the places
sent as JSON — a forecast's months and a premises plan's ``capacity`` as POST /premises-plans answers it (as
``resmodel queue``, docs/forecasting.md §4); problems at their JSON path."""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
import pandas as pd
from fastapi import APIRouter
from pydantic import BaseModel, Field, create_model, field_validator
from pydantic_core import PydanticCustomError

from api.fields import DemandColumn, Notes, Version
from api.problems import SERVICE_KEY, BodyWording, RequestBody, one_problem, problem_response
from api.records import json_records, row_model
from resmodel import __version__
from resmodel.errors import ResmodelError, shown
from resmodel.forecast import queue_columns
from resmodel.forecast.queue import MAX_WAIT_MONTHS, outside_demand_note
from resmodel.io.writers import tidy_float

router = APIRouter()
DEMAND, CAPACITY = "body.demand", "body.capacity"  # the source names the checks put in locations
BODY = BodyWording({DEMAND: "demand", CAPACITY: "capacity"}, {})
FROM_FORECASTS = BodyWording({DEMAND: "forecasts", CAPACITY: "capacity"}, {})
MAX_MONTHS = 600  # months a request may simulate: 50 years answer in a few seconds


class DemandPoint(RequestBody):
    """One month's demand for the service queued: users with a decision (*beslut*), in total or for one need
    level (the levels of a month are summed)."""

    month: str = Field(max_length=10, description="month YYYY-MM")
    level: int | None = Field(None, ge=1, le=8, description="need level 1–8 (levels of a month are summed; "
                              "on every row or on none)")
    volume: float = Field(ge=0, le=1e6, allow_inf_nan=False, description="users with a decision in the month (a "
                          "forecast's volume, or an interval bound such as volume_hi_80 for a high-demand case)")


class ForecastPoint(RequestBody):
    """A row of POST /forecasts' answer, sent on as it came."""

    unique_id: str = Field(max_length=100, description="the service, or 'service|level' for one level (levels of a "
                           "month are summed)")
    ds: str = Field(max_length=10, description="month YYYY-MM")
    forecast: float = Field(ge=0, le=1e6, allow_inf_nan=False, description="the point forecast (users)")
    lo_80: float | None = Field(None, ge=0, le=1e6, allow_inf_nan=False, description="80 % lower bound")
    hi_80: float | None = Field(None, ge=0, le=1e6, allow_inf_nan=False, description="80 % upper bound")
    lo_95: float | None = Field(None, ge=0, le=1e6, allow_inf_nan=False, description="95 % lower bound")
    hi_95: float | None = Field(None, ge=0, le=1e6, allow_inf_nan=False, description="95 % upper bound")
    model_used: str | None = Field(None, max_length=100, description="as POST /forecasts answers it (not used)")


#: demand_column → the column of a POST /forecasts row that holds it (every DemandColumn)
FORECAST_COLUMN: dict[str, str] = {"volume": "forecast", "volume_lo_80": "lo_80", "volume_hi_80": "hi_80",
                                   "volume_lo_95": "lo_95", "volume_hi_95": "hi_95"}


class CapacityPoint(RequestBody):
    """The places the service has in one month — as places, or as staff FTE that users_per_fte turns into
    places; a POST /premises-plans answer's capacity rows can be sent as they came."""

    month: str = Field(max_length=10, description="month YYYY-MM")
    places: float | None = Field(None, ge=0, le=1e6, allow_inf_nan=False, description="places available in the "
                                 "month (or staff_fte)")
    staff_fte: float | None = Field(None, ge=0, le=1e5, allow_inf_nan=False, description="staff in full-time "
                                    "equivalents in the month, instead of places: places = staff_fte × users_per_fte")
    planned_for: str | None = Field(None, max_length=40, description="the demand column a premises plan was made "
                                    "for (POST /premises-plans gives it; a note when it is not demand_column)")
    service: str | None = Field(None, max_length=40, pattern=SERVICE_KEY, description="the service a premises "
                                "plan was made for (POST "
                                "/premises-plans gives it; refused when it is not the service queued)")


class QueueRequest(RequestBody):
    """The queue to simulate for one service: its monthly demand (rows, or a POST /forecasts answer's rows), its
    places (month by month, or the same every month), the monthly rates of exits, interruptions (AIV) and
    absences (AIViV), the states the sanction-fee exposure counts and the queue at the start."""

    service: str = Field(max_length=40, pattern=SERVICE_KEY, description="the service queued, e.g. "
                         "daglig_verksamhet (names it in messages)")
    demand: list[DemandPoint] | None = Field(None, min_length=1, max_length=20_000, description="monthly demand, "
                                             "consecutive months (per level or in total); or give forecasts")
    forecasts: list[ForecastPoint] | None = Field(None, min_length=1, max_length=20_000, description="instead of "
                                                  "demand: POST /forecasts' 'forecasts' rows as they came, for this "
                                                  "service (unique_id the service or 'service|level'); "
                                                  "demand_column picks forecast (volume) or a bound (volume_hi_80 "
                                                  "→ hi_80)")
    demand_column: DemandColumn = Field("volume", description=(
        "the forecast column the demand's volumes were taken from (volume, or a bound such as volume_hi_80)"
        "; a capacity planned for another column gets a note"))
    capacity: list[CapacityPoint] | None = Field(None, min_length=1, max_length=5_000, description="places month "
                                                 "by month, for every month of the demand (a premises plan's "
                                                 "capacity, or staff_fte with users_per_fte); or give places")
    places: float | None = Field(None, ge=0, le=1e6, allow_inf_nan=False, description="the same places every "
                                 "month, instead of capacity")
    users_per_fte: float | None = Field(None, gt=0, le=1000, allow_inf_nan=False, description="users one "
                                        "full-time employee supports (with capacity given as staff_fte)")
    exit_rate: float = Field(0.0, ge=0, le=1, allow_inf_nan=False, description="monthly share of executed users "
                             "whose decision ends (0.004: 0.4 % a month)")
    aiv_rate: float = Field(0.0, ge=0, le=1, allow_inf_nan=False, description="monthly share starting an AIV "
                            "interruption (avbrott i verkställighet: the place is released)")
    aiviv_rate: float = Field(0.0, ge=0, le=1, allow_inf_nan=False, description="monthly share starting an AIViV "
                              "absence (the place is kept)")
    aiviv_resume_rate: float = Field(0.0, ge=0, le=1, allow_inf_nan=False, description="monthly share of AIViV "
                                     "users resuming")
    fee_states: list[Literal["new", "aiv", "aiviv"]] = Field(
        ["new", "aiv", "aiviv"], min_length=1, max_length=3, description="states whose cases over three months "
        "count in the sanction-fee exposure (new decisions, AIV, AIViV); [\"new\", \"aiv\"] leaves out AIViV "
        "absences, the user's own with the place kept")
    initial_executed: float | None = Field(None, ge=0, le=1e6, allow_inf_nan=False, description="users served at "
                                           "the start (null: the first month's demand, up to its places)")
    initial_waiting: list[Annotated[float, Field(ge=0, le=1e6, allow_inf_nan=False)]] = Field(
        default_factory=list, max_length=MAX_WAIT_MONTHS + 1, description="new decisions waiting at the start by "
        "months waited: [waited 0 months, 1 month, …]")

    @field_validator("fee_states")
    @classmethod
    def _fee_states_once(cls, states: list[str]) -> list[str]:
        """A state named twice is a 422: ["new", "new"] was taken as ["new"] without a word (integrator walk)."""
        repeated = sorted({s for s in states if states.count(s) > 1})
        if repeated:
            raise PydanticCustomError("repeated_fee_state", "{repeated} named more than once. Expected each of "
                                      "new, aiv and aiviv at most once. Fix: name each state once",
                                      {"repeated": ", ".join(repeated)})
        return states


#: the queue tables' columns that are not numbers (queue_columns describes each with its unit)
KINDS = {"month": str, "quarter": str, "count_month": str, "category": str, "complete": bool}
QueueMonth = row_model("QueueMonth", "One simulated month: demand, places, users in service, the month's flows and "
                       "the queue by state (new decisions, AIV, AIViV) at its end, with those over three months; "
                       "counts are expected cases, fractional.", queue_columns.MONTHLY, KINDS)
QueueQuarter = row_model("QueueQuarter", "One quarter as reported to IVO (the Health and Social Care "
                         "Inspectorate) and the council: the cases not executed for more than three months at its "
                         "last month's end (count_month), its flows and the sanction-fee (*särskild avgift*) "
                         "exposure, SEK: min, central, max.",
                         queue_columns.QUARTERLY, KINDS)
QueueWait = row_model("QueueWait", "How many decisions were executed after a given wait over the horizon, by "
                      "category (a new decision, or an interrupted execution resumed).", queue_columns.WAITS, KINDS)
QueueSummary = create_model("QueueSummary", __doc__="The whole horizon in one row: executions, mean wait, cases "
                            "over three months, the sanction-fee exposure in SEK and the cases still waiting at the "
                            "end.", **{c: (float | None, Field(description=d))
                                       for c, d in queue_columns.SUMMARY.items()})


class QueueResponse(BaseModel):
    """The simulated queue of decisions not executed (*ej verkställda beslut*) for the service: month by month,
    per quarter as reported to IVO with the sanction-fee (*särskild avgift*) exposure in SEK, the waits and the
    horizon's summary (docs/forecasting.md §4); counts are expected cases, fractional."""

    resmodel_version: Version
    service: str = Field(description="the service queued, as sent")
    monthly: list[QueueMonth] = Field(description="per month: demand, capacity, executed, the queue by state "
                                      "(new decisions, AIV, AIViV), those over three months, flows")
    quarterly: list[QueueQuarter] = Field(description="the IVO quarter-end counts (over_3m_*), the quarter's "
                                          "flows and the sanction-fee (särskild avgift) exposure in SEK: "
                                          "min, central, max")
    waits: list[QueueWait] = Field(description="executions by category and months waited")
    summary: QueueSummary = Field(description="the whole horizon: executions, mean wait (null when nobody was "
                                  "executed), cases over three months, exposure, still waiting at the end")
    notes: Notes


def _capacity(request: QueueRequest, months: pd.DatetimeIndex) -> tuple[np.ndarray, str | None]:
    """Places for every month of the demand: constant, or from the capacity rows (each month once), given as
    places or as staff FTE × users per FTE (as a capacity file of ``resmodel queue``); with a note naming the
    capacity's months outside the demand's, which the queue does not simulate."""
    from resmodel.forecast.frame import FIRST_YEAR, LAST_YEAR, month_fix, parse_month
    from resmodel.forecast.queue import capacity_from_staff

    if (request.capacity is None) == (request.places is None):
        raise one_problem(422, ["body"], "give capacity or places. Expected exactly one of them. Fix: send a "
                          "premises plan's capacity (month, places), or places for the same places every month")
    if request.places is not None:
        return np.full(len(months), request.places), None
    staff = request.capacity[0].staff_fte is not None
    for i, c in enumerate(request.capacity):
        if c.service is not None and c.service != request.service:
            raise one_problem(422, ["body", "capacity", i, "service"], f"the capacity of a premises plan made for "
                              f"{c.service[:40]}, but this queue is of {request.service}. Expected the capacity of a "
                              f"plan of {request.service}. Fix: queue {c.service[:40]} on it, or make a plan of "
                              f"{request.service} (POST /premises-plans)")
        if (c.places is None) == (c.staff_fte is None) or (c.staff_fte is not None) != staff:
            raise one_problem(422, ["body", "capacity", i], "give places or staff_fte" + (
                f" as the first row does ({'staff_fte' if staff else 'places'})" if i else "") + ". Expected one of "
                "the two on every row, the same on all. Fix: send places, or staff_fte with users_per_fte")
    if staff and request.users_per_fte is None:
        raise one_problem(422, ["body", "users_per_fte"], "the capacity is given as staff_fte but not how many users "
                          "one FTE supports. Expected users_per_fte, a number > 0. Fix: add users_per_fte")
    parsed = parse_month(pd.Series([c.month for c in request.capacity]))
    for i, month in enumerate(parsed):
        if pd.isna(month) or not FIRST_YEAR <= month.year <= LAST_YEAR:
            fix = month_fix(request.capacity[i].month) if pd.isna(month) else "correct the year"
            raise one_problem(422, ["body", "capacity", i, "month"], f"'{request.capacity[i].month}' is not a month "
                              f"of {FIRST_YEAR}–{LAST_YEAR}. Expected YYYY-MM. Fix: {fix}")
    repeated = np.flatnonzero(parsed.duplicated().to_numpy())
    if len(repeated):
        raise one_problem(422, ["body", "capacity", int(repeated[0]), "month"], f"{parsed[repeated[0]]:%Y-%m} "
                          "appears twice. Expected one row per month. Fix: remove the repeated month")
    values = (capacity_from_staff([c.staff_fte for c in request.capacity], request.users_per_fte) if staff
              else [c.places for c in request.capacity])
    places = pd.Series(values, index=pd.DatetimeIndex(parsed)).reindex(months)
    if places.isna().any():
        first = places.index[places.isna().to_numpy()][0]
        raise one_problem(422, ["body", "capacity"], f"no places for {first:%Y-%m}. Expected places for every month "
                          f"of the demand, {months[0]:%Y-%m}–{months[-1]:%Y-%m}. Fix: add the missing months")
    return places.to_numpy(), outside_demand_note(pd.DatetimeIndex(parsed), months)


def _located(request: QueueRequest, problem) -> dict:
    """A problem of the demand at its JSON path: in the demand rows, or in the forecast rows' own columns."""
    if request.forecasts is None:
        return BODY.json_problem(problem)
    out = FROM_FORECASTS.json_problem(problem)
    names = {"month": "ds", "level": "unique_id", "volume": FORECAST_COLUMN[request.demand_column]}
    if len(out["loc"]) == 4 and out["loc"][3] in names:
        out["loc"] = [*out["loc"][:3], names[out["loc"][3]]]
    return out


def _refuse_identity_numbers(forecasts: list[ForecastPoint]) -> None:
    """A forecast row's unique_id (its parts, by the id rule) or model_used that looks like a personal identity
    number is refused at its path before any message could quote it (model_used is not read, but it was sent)."""
    from resmodel.io.pnr import id_looks_like_pnr

    for i, f in enumerate(forecasts):
        found = next((name for name, bad in (("unique_id", any(id_looks_like_pnr(p) for p in f.unique_id.split("|"))),
                                             ("model_used", f.model_used is not None and id_looks_like_pnr(f.model_used)))
                      if bad), None)
        if found:
            raise one_problem(422, ["body", "forecasts", i, found], "this value looks like a Swedish personal "
                              "identity number (personnummer); it is not shown here. Expected the series and model "
                              "names of a POST /forecasts answer. Fix: send the rows as POST /forecasts answered them")


def _demand_rows(request: QueueRequest) -> pd.DataFrame:
    """The demand as text rows (month, service, level, volume): the demand rows, or the forecast rows of this
    service with the column demand_column names (a forecast of another series or without that bound is refused)."""
    if (request.demand is None) == (request.forecasts is None):
        raise one_problem(422, ["body"], "give demand or forecasts. Expected exactly one of them. Fix: send the "
                          "demand rows (month, volume), or the 'forecasts' of a POST /forecasts answer")
    if request.demand is not None:
        return pd.DataFrame([{"month": d.month, "service": request.service,
                              "level": "" if d.level is None else str(d.level), "volume": str(d.volume)}
                             for d in request.demand])
    column = FORECAST_COLUMN[request.demand_column]
    _refuse_identity_numbers(request.forecasts)
    rows = []
    for i, f in enumerate(request.forecasts):
        service, _, level = f.unique_id.partition("|")
        if service != request.service:
            raise one_problem(422, ["body", "forecasts", i, "unique_id"], f"'{shown(f.unique_id)}' is not a series "
                              f"of {request.service}. Expected unique_id '{request.service}' or "
                              f"'{request.service}|<level>'. Fix: send only this service's forecast rows")
        value = getattr(f, column)
        if value is None:
            raise one_problem(422, ["body", "forecasts", i, column], f"the row has no {column}, which demand_column "
                              f"'{request.demand_column}' takes. Expected {column} on every row. Fix: send the rows "
                              "with their bounds, as POST /forecasts answers them")
        rows.append({"month": f.ds, "service": service, "level": level, "volume": str(value)})
    return pd.DataFrame(rows)


def _service_notes(service: str) -> list[str]:
    """The service queued is only a name here (the demand rows carry none): a name that is not one of resmodel's
    keys is queued with a note, with the key it may have meant ('dagligverksamhet' → daglig_verksamhet) — not
    refused, since a board's own services (kontaktperson_lss, korttidsvistelse_barn) are near a key too and
    ``resmodel queue`` runs them on their demand rows (diff review)."""
    from resmodel.budget.areas import SERVICE_AREA
    from resmodel.errors import did_you_mean
    from resmodel.services import USER_SERVICES

    known = sorted({*SERVICE_AREA, *USER_SERVICES})
    if service in known:
        return []
    hint = did_you_mean(service, known).removesuffix(" ")
    return [f"'{service}' is not one of resmodel's service keys" + (f" ({hint})" if hint else "")
            + ": it only names this queue (a board's own service; check the spelling otherwise)"]


@router.post("/queues", response_model=QueueResponse)
def create_queue(request: QueueRequest) -> QueueResponse:
    """Simulate the months of the demand against the places: queue, waits, quarterly counts, fee exposure."""
    from resmodel.forecast.demand import demand_from_table
    from resmodel.forecast.queue import (
        TOTAL_NOTE,
        QueueParams,
        QueueState,
        capacity_notes,
        excess_start_note,
        fee_note,
        rate_note,
        simulate_queue,
        start_note,
        waiting_note,
    )
    from resmodel.io.pnr import check_frame_for_pnr

    notes = _service_notes(request.service)
    rows = _demand_rows(request)
    try:
        check_frame_for_pnr(rows[["month"]], DEMAND, first_row=0)
        if request.capacity is not None:
            check_frame_for_pnr(pd.DataFrame({"month": [c.month for c in request.capacity],
                                              "planned_for": [c.planned_for or "" for c in request.capacity]}),
                                CAPACITY, first_row=0)
        demand = demand_from_table(rows, request.service, DEMAND)
    except ResmodelError as exc:
        raise problem_response(422, [_located(request, p) for p in exc.problems]) from None
    months = pd.DatetimeIndex(demand.index)
    if len(months) > MAX_MONTHS:
        raise one_problem(422, ["body", "forecasts" if request.forecasts else "demand"], f"the demand spans {len(months)} months ({months[0]:%Y-%m}–"
                          f"{months[-1]:%Y-%m}). Expected at most {MAX_MONTHS} (50 years; the simulation is quadratic "
                          "in the months). Fix: send the months to plan for, or use `resmodel queue`")
    capacity, outside = _capacity(request, months)
    if request.initial_executed is not None and request.initial_executed > capacity[0]:
        raise one_problem(422, ["body", "initial_executed"], f"{request.initial_executed:,.10g} users served at the "
                          f"start exceed the {capacity[0]:,.10g} places of {months[0]:%Y-%m}. Expected at most the "
                          "places. Fix: lower initial_executed, or leave it null to fill the places demand can fill")
    params = QueueParams(exit_rate=request.exit_rate, aiv_rate=request.aiv_rate, aiviv_rate=request.aiviv_rate,
                         aiviv_resume_rate=request.aiviv_resume_rate, fee_states=tuple(request.fee_states))
    try:  # the rates' rules are the core's alone (each 0–1 is also the schema's bound): the CLI checks them alike
        params.validate()
    except ResmodelError as exc:
        p = exc.problems[0]
        field = (p.location.path or "").removeprefix("queue").lstrip(".")
        total = request.exit_rate + request.aiv_rate + request.aiviv_rate
        raise one_problem(422, ["body", field] if field else ["body"], f"{p.problem}"
                          + ("" if field else f" ({total:.12g})") + f". Expected {p.expected}. Fix: {p.fix}") from None
    waiting = list(request.initial_waiting)
    initial = (QueueState(executed=request.initial_executed, new=waiting) if request.initial_executed is not None
               else QueueState.filled(demand.iloc[0], capacity[0], waiting))
    start = (None if request.initial_executed is not None or waiting else  # the CLI's note on the first month
             start_note(months, float(demand.iloc[0]), float(capacity[0]), "initial_waiting (counts by months waited)"))
    result = simulate_queue(months, capacity, demand=demand.to_numpy(), params=params, initial=initial)
    names = {name: name for name in ("exit_rate", "aiv_rate", "aiviv_rate", "aiviv_resume_rate")}
    ignored = (None if request.users_per_fte is None or (request.capacity and request.capacity[0].staff_fte is not None)
               else f"users_per_fte {request.users_per_fte:g} has no effect: the capacity is given as places (it "
               "converts a capacity given as staff_fte)")
    planned = sorted({c.planned_for for c in request.capacity or [] if c.planned_for} - {request.demand_column})
    other_plan = (f"the capacity is a premises plan made for {', '.join(planned)}, but this queue runs on "
                  f"{request.demand_column}: send the same demand_column (or plan again) so the queue shows that "
                  "plan's consequences") if planned else None
    excess = excess_start_note(months, float(demand.iloc[0]), initial, "initial_executed and initial_waiting")
    notes += [n for n in (rate_note(params, names), waiting_note(result.summary),
                          fee_note(params, result, 'fee_states ["new", "aiv"]'), ignored, other_plan, outside, start,
                          excess, TOTAL_NOTE) if n]
    notes += [f"{check}: {text}" for check, text in capacity_notes(result)]  # a capacity below those served, or 0
    return QueueResponse(resmodel_version=__version__, service=request.service, monthly=json_records(result.monthly),
                         quarterly=json_records(result.quarterly), waits=json_records(result.waits),
                         summary=QueueSummary(**{k: tidy_float(float(v)) if np.isfinite(v) else None
                                                 for k, v in result.summary.items()}), notes=notes)
