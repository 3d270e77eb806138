"""``POST /forecasts``: forecast any long table sent as JSON (as ``resmodel forecast`` does a
series file), with 80 % and 95 % intervals and the model used; problems at their JSON path."""

from __future__ import annotations

import json
import math
import re
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter
from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from api.fields import Notes, Version
from api.problems import BodyWording, RequestBody, one_problem, problem_response
from resmodel import __version__
from resmodel.errors import InputError, Location, Problem, ProblemCollector, ResmodelError, shown

router = APIRouter()
TABLE = "body.series"  # the source name the readers put in locations

#: estimated seconds of computing per 100 periods of one series, by frequency and model, on one idle core of the
#: 2-core server the API was measured on (2026-12-07): auto took 3.6 s for a 120-month series at h 12, 4.4 s at
#: h 60 and 17.4 s at 480 months; comb 2.3 s and select 1.2 s at 120 months (3.4 and 3.8 s at 240); a 20-year
#: series 0.2–0.4 s with auto, select or comb; arima 0.6 s at 480 months; ets and theta under 0.2 s at any length
SECONDS_PER_100_PERIODS = {
    "M": {"auto": 4.0, "comb": 2.0, "select": 2.0, "arima": 0.2, "ets": 0.05, "theta": 0.05},
    "Y": {"auto": 1.5, "comb": 2.0, "select": 2.0, "arima": 0.1, "ets": 0.1, "theta": 0.2},
}
OTHER_MODELS = 0.02  # naive, snaive, drift: no fitting
#: the most computing a request may be estimated at (seconds on an idle core): a request above it is refused before
#: it starts, as it would outlast a reverse proxy's timeout (often 60 s) on a busy 2-core server and run on unseen
#: after the client gave up (a running forecast is not cancelled). The demo's eight ten-year services with auto: 38 s
MAX_FORECAST_SECONDS = 45
#: models of docs/forecasting.md §1 this endpoint cannot run: they need a population or flows table
NOT_SERVED = ("demographic", "stockflow")


def served_hint(name: str) -> str:
    """The 'did you mean' of an unknown model name among the models this endpoint runs: 'stockflw' was offered
    'stockflow', which the endpoint then refused (diff review)."""
    from resmodel.forecast.forecaster import model_hint

    hint = model_hint(name)
    return "" if any(f"'{m}'" in hint for m in NOT_SERVED) else hint


def _text_or_whole_number(example: str, quoted: str):
    """The validator of a field that may come as a string or a whole number (2015), read as text; a value of another
    type is told the field's own ``example`` and how to quote it (a series name was given period examples: walk)."""
    def read(value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise PydanticCustomError("text_type", "{value} is neither text nor a whole number. Expected " + example
                                      + ". Fix: write the value in quotes, e.g. " + quoted,
                                      {"value": shown(json.dumps(value), 40)})
        return value
    return read


TextOrWholeNumber = Annotated[str, BeforeValidator(_text_or_whole_number(
    "a string, or a whole number such as 2015", '"2015" or "2015-01"')),
                              WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}]})]
#: a series name: at most 100 characters, said in the schema too (WithJsonSchema replaces what Field adds)
SeriesName = Annotated[str, BeforeValidator(_text_or_whole_number(
    "a string, or a whole number: a series name", '"daglig_verksamhet" or "U00042"')),
                       WithJsonSchema({"anyOf": [{"type": "string", "maxLength": 100}, {"type": "integer"}]})]


class SeriesPoint(RequestBody):
    """One row of the long table to forecast: one series' value in one period (as a row of the series file
    `resmodel forecast` reads; docs/forecasting.md)."""

    unique_id: SeriesName = Field(max_length=100, description="series name (a pseudonymous id; personal "
                                  "identity numbers are refused)")
    ds: TextOrWholeNumber = Field(description="period: YYYY (yearly, also as a number) or YYYY-MM (monthly)")
    y: float = Field(allow_inf_nan=False, le=1e15, json_schema_extra={"minimum": 0}, description="value for the "
                     "period (≥ 0; a negative value is refused with its row named)")


class ForecastRequest(RequestBody):
    """The series to forecast, as one long table, the horizon in each series' own periods (months or years)
    and the model (docs/forecasting.md §1)."""

    series: list[SeriesPoint] = Field(min_length=1, max_length=10_000, description="the long table, one row per "
                                      "series and period, as in docs/forecasting.md (series file format)")
    h: int = Field(ge=1, le=240, description="periods to forecast after each series' last period")
    model: str = Field("auto", max_length=40, description="a model name of docs/forecasting.md §1 (default: 'auto', the "
                       "ETS/ARIMA/Theta mean on monthly series, per-series selection on yearly; 'select' "
                       "selects on both); the demographic and stock–flow models need inputs this endpoint does not take")


class ForecastRow(BaseModel):
    """One forecast period of one series: the point forecast and its 80 % and 95 % prediction intervals, in
    the series' own unit (that of y), and the model that made them."""

    unique_id: str = Field(description="the series, as sent")
    ds: str = Field(description="the forecast period: YYYY-MM for a monthly, YYYY for a yearly series")
    forecast: float = Field(description="the point forecast, in the series' unit (y's)")
    lo_80: float = Field(description="lower bound of the 80 % prediction interval, in y's unit")
    hi_80: float = Field(description="upper bound of the 80 % prediction interval, in y's unit")
    lo_95: float = Field(description="lower bound of the 95 % prediction interval, in y's unit")
    hi_95: float = Field(description="upper bound of the 95 % prediction interval, in y's unit")
    model_used: str = Field(description="the model that produced the numbers (the fallback for too short a series)")


class WarningItem(BaseModel):
    """One data-quality warning (the forecast still ran) with its check, series and message apart: the same
    finding as a line of 'warnings', for a client that flags series."""

    check: str = Field(description="the warning's name (short_series, suspicious_value, horizon_beyond_history, "
                       "…; docs/forecasting.md §8)")
    series: str | None = Field(description="the unique_id of the series concerned (null: the request as a whole)")
    message: str = Field(description="what was found and what the run did")


class ForecastResponse(BaseModel):
    """The forecasts of every series sent, h periods each, with the model asked for and the data-quality
    warnings (docs/forecasting.md §8)."""

    resmodel_version: Version
    model: str = Field(description="the model asked for, as the models are named ('auto' unless the request named "
                       "one; 'ETS' or ' ets' is 'ets'); model_used of each row says what made it")
    forecasts: list[ForecastRow] = Field(description="h rows per series: monthly series first, then yearly, each "
                                         "sorted by unique_id")
    warning_items: list[WarningItem] = Field(description="the same warnings with their check and series apart, "
                                             "for a client that flags series (e.g. those that fell back to naive)")
    warnings: list[str] = Field(description="'[check] where: message' — fallbacks for short series, suspicious "
                                "values, horizons beyond the history (docs/forecasting.md §8)")
    notes: Notes


#: the core's problems in the words of a request (no endpoint-specific words)
WORDING = BodyWording({}, {})


def _json_problem(p: Problem) -> dict[str, Any]:
    """A reader's problem at its JSON path: rows of the table as body.series[i].field, the model
    and horizon at body.model and body.h, series-wide problems at body.series with the series name."""
    loc = p.location
    msg = WORDING.message(p)
    if loc.row is not None:
        return {"loc": ["body", "series", loc.row, loc.column or "unique_id"], "msg": msg,
                **({"series": loc.path} if loc.path and not _MORE_ROWS.match(p.problem) else {})}
    if loc.file is None and loc.path in ("model", "h"):  # request arguments; series problems name the table
        return {"loc": ["body", loc.path], "msg": msg}
    return {"loc": ["body", "series"], "msg": msg, **({"series": loc.path} if loc.path else {})}


def _refuse_renamed_ids(raw: pd.DataFrame) -> None:
    """A unique_id the readers would read as another name (spaces at either end, a tab or run of spaces inside,
    an accent typed as a separate character: Unicode NFD) is refused at its first row, so that the answer's
    unique_id is always the name sent and two names the readers would merge never meet as one series."""
    from resmodel.io.series import series_ids

    sent = raw["unique_id"]
    read = series_ids(sent)
    odd = sent[(sent != read).to_numpy()].drop_duplicates()
    if odd.empty:
        return
    spaced = sent.str.replace(r"\s+", " ", regex=True).str.strip() != sent
    problems = [{"loc": ["body", "series", int(i), "unique_id"], "series": sent[i],
                 "msg": (f"the series name {sent[i]!r} has spaces at its start or end, or a tab, a no-break space or "
                         f"a run of spaces inside: it would be read as {read[i]!r}" if spaced[i] else f"the series name {sent[i]!r} "
                         "has an accent sent as a character of its own (Unicode NFD): it would be read with the "
                         "accented letter as one character (NFC)") + ". Expected a name without spaces at either end, "
                 "single spaces inside, in Unicode NFC, so that the answer names the series as it was sent and no "
                 f"two names are read as one. Fix: send it as {read[i]!r} on every row"}
                for i in odd.index[:5]]
    if len(odd) > 5:
        problems.append({"loc": ["body", "series"], "msg": f"{len(odd) - 5} more series names, from row "
                         f"{int(odd.index[5])} on, would be read as another name (only the first 5 are listed). "
                         "Expected names as the readers read them. Fix: trim the names and send them in Unicode NFC"})
    raise problem_response(422, problems)


def estimated_seconds(frame: pd.DataFrame, freqs: dict[str, str], model: str) -> float:
    """Seconds of computing a forecast of ``frame``'s series with ``model`` is estimated at on an idle core:
    each series' periods / 100 × its frequency's SECONDS_PER_100_PERIODS."""
    periods = frame.groupby("unique_id").size()
    rate = periods.index.map(lambda uid: SECONDS_PER_100_PERIODS[freqs[uid]].get(model, OTHER_MODELS))
    return float((periods.to_numpy() * rate.to_numpy(dtype=float)).sum() / 100)


def _refuse_over_budget(frame: pd.DataFrame, freqs: dict[str, str], model: str) -> None:
    """A request estimated above MAX_FORECAST_SECONDS is a 422 at body.series before any series is fitted, with
    the estimate and how many series a request of these may hold."""
    seconds = estimated_seconds(frame, freqs, model)
    if seconds <= MAX_FORECAST_SECONDS:
        return
    series = frame["unique_id"].nunique()
    per_request = math.floor(MAX_FORECAST_SECONDS / (seconds / series))
    split = (f"split the series into {math.ceil(series / per_request)} requests of at most {per_request} series "
             "each" if per_request else "send a shorter history (the last ten years, 120 months, are plenty)")
    raise one_problem(422, ["body", "series"], f"this request is estimated at {seconds:,.0f} s of computing on an "
                      f"idle core ({series} series, {len(frame)} periods, model '{model}'), and a request runs on to "
                      "the end even when the client has given up. Expected an estimate of at most "
                      f"{MAX_FORECAST_SECONDS} s (docs/api.md, 'Run time'). Fix: {split}, choose a cheaper model "
                      "(theta or ets: about 0.05 s per 100 monthly periods), or forecast the batch with "
                      "`resmodel forecast`")


#: the line counting further rows with one problem (ProblemCollector.add_rows): it covers rows of several series
_MORE_ROWS = re.compile(r"^\d+ more rows, from this one on")


@router.post("/forecasts", response_model=ForecastResponse)
def create_forecast(request: ForecastRequest) -> ForecastResponse:
    """Forecast every series ``h`` periods ahead; series of each frequency get the model built for it."""
    from resmodel.forecast import Forecaster, make_model
    from resmodel.forecast.anomalies import suspicious_warnings
    from resmodel.forecast.forecaster import MODEL_NAMES, model_name
    from resmodel.forecast.frame import MAX_PROBLEMS, format_ds
    from resmodel.io.pnr import check_frame_for_pnr, looks_like_pnr
    from resmodel.io.series import SERIES_IDS, series_from_raw

    if looks_like_pnr(request.model):
        raise one_problem(422, ["body", "model"], "the model name looks like a personal identity number; it is "
                          "not shown here. Expected a model name of docs/forecasting.md §1. Fix: use e.g. 'auto'")
    name = model_name(request.model)
    if name in NOT_SERVED:
        raise one_problem(422, ["body", "model"], f"the {name} model needs a population or flows table, "
                          "which this endpoint does not take. Fix: use another model, or `resmodel forecast` "
                          "with --population/--flows")
    if name not in MODEL_NAMES:  # the models this endpoint runs, not every model name (integrator walk)
        raise one_problem(422, ["body", "model"], f"unknown model '{shown(name, 40)}'. Expected one of "
                          + ", ".join(m for m in MODEL_NAMES if m not in NOT_SERVED) + " (the demographic and "
                          f"stock–flow models need inputs this endpoint does not take). Fix: {served_hint(name)}"
                          "use one of the listed model names")
    raw = pd.DataFrame([{k: str(v) for k, v in point.model_dump().items()} for point in request.series])
    rows, warnings = [], []
    try:
        check_frame_for_pnr(raw, TABLE, first_row=0, numeric=("y",), ids=SERIES_IDS)
        _refuse_renamed_ids(raw)
        data = series_from_raw(raw, TABLE)
        _refuse_over_budget(data.frame, data.freqs, name)
        warnings += suspicious_warnings(data.frame, data.freqs, TABLE)
        found: list = []  # the problems of every frequency's series, reported together
        for freq in sorted(set(data.freqs.values())):
            uids = [u for u, f in data.freqs.items() if f == freq]
            model = make_model(request.model, freq, where=Location(path="model"))
            fc = Forecaster([model], source=TABLE)
            try:
                out = fc.forecast(data.frame[data.frame["unique_id"].isin(uids)], request.h, freqs=data.freqs)
            except InputError as exc:
                found += exc.problems
                continue
            n = model.name
            out = out.assign(ds=format_ds(out["ds"], freq))
            rows += [ForecastRow(unique_id=r[0], ds=r[1], forecast=r[2], lo_80=r[3], hi_80=r[4], lo_95=r[5],
                                 hi_95=r[6], model_used=r[7])
                     for r in out[["unique_id", "ds", n, f"{n}-lo-80", f"{n}-hi-80", f"{n}-lo-95", f"{n}-hi-95",
                                   f"{n}-model_used"]].itertuples(index=False)]
            warnings += fc.warnings
        if found:  # each frequency's problems were capped alone: cap them together
            problems = ProblemCollector(found)
            problems.cap(MAX_PROBLEMS, Location(file=TABLE))
            problems.raise_if_any()
    except ResmodelError as exc:
        raise problem_response(422, [_json_problem(p) for p in exc.problems]) from None
    items = [WarningItem(check=w.check, series=w.location.path, message=w.message) for w in warnings]
    return ForecastResponse(resmodel_version=__version__, model=name, forecasts=rows,
                            warning_items=items, warnings=[str(w) for w in warnings],
                            notes=_interval_notes(name, {r.model_used for r in rows}))


def _interval_notes(model: str, used: set[str]) -> list[str]:
    """How the intervals of the model asked for were formed, as `resmodel forecast` notes it when the model ran: only
    auto's and select's are widened by their own backtest (API review: the note on drift's was dropped)."""
    from resmodel.forecast.interval_notes import intervals_note

    if model in ("auto", "select") or model not in used:
        return []
    return [intervals_note([model], None, None).removeprefix("note: ") + "; how often they held in the past: "
            "`resmodel backtest` on the series (docs/forecast-accuracy.md §1)"]
