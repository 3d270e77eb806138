"""``POST /forecasts``: forecast any long table sent as JSON (as ``resmodel forecast`` does a
series file), with 80 % and 95 % intervals and the model used; problems at their JSON path."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter
from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from api.fields import Version
from api.problems import BodyWording, RequestBody, one_problem, problem_response
from resmodel import __version__
from resmodel.errors import InputError, Location, Problem, ProblemCollector, ResmodelError

router = APIRouter()
TABLE = "body.series"  # the source name the readers put in locations


def _text_or_whole_number(value: Any) -> Any:
    """A name or period may come as a string or a whole number (2015); it is read as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise PydanticCustomError("text_type", "expected a string (or a whole number such as 2015). Fix: write "
                                  "the value in quotes")
    return value


TextOrWholeNumber = Annotated[str, BeforeValidator(_text_or_whole_number),
                              WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}]})]
#: a series name: at most 100 characters, said in the schema too (WithJsonSchema replaces what Field adds)
SeriesName = Annotated[str, BeforeValidator(_text_or_whole_number),
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
    model: str = Field(description="the model asked for ('auto' unless the request named one); model_used of each "
                       "row says what made it")
    forecasts: list[ForecastRow] = Field(description="h rows per series: monthly series first, then yearly, each "
                                         "sorted by unique_id")
    warning_items: list[WarningItem] = Field(description="the same warnings with their check and series apart, "
                                             "for a client that flags series (e.g. those that fell back to naive)")
    warnings: list[str] = Field(description="'[check] where: message' — fallbacks for short series, suspicious "
                                "values, horizons beyond the history (docs/forecasting.md §8)")


#: the core's problems in the words of a request (no endpoint-specific words)
WORDING = BodyWording({}, {})


def _json_problem(p: Problem) -> dict[str, Any]:
    """A reader's problem at its JSON path: rows of the table as body.series[i].field, the model
    and horizon at body.model and body.h, series-wide problems at body.series with the series name."""
    loc = p.location
    msg = WORDING.message(p)
    if loc.row is not None:
        return {"loc": ["body", "series", loc.row, loc.column or "unique_id"], "msg": msg,
                **({"series": loc.path} if loc.path else {})}
    if loc.file is None and loc.path in ("model", "h"):  # request arguments; series problems name the table
        return {"loc": ["body", loc.path], "msg": msg}
    return {"loc": ["body", "series"], "msg": msg, **({"series": loc.path} if loc.path else {})}


@router.post("/forecasts", response_model=ForecastResponse)
def create_forecast(request: ForecastRequest) -> ForecastResponse:
    """Forecast every series ``h`` periods ahead; series of each frequency get the model built for it."""
    from resmodel.forecast import Forecaster, make_model
    from resmodel.forecast.anomalies import suspicious_warnings
    from resmodel.forecast.frame import MAX_PROBLEMS, format_ds
    from resmodel.io.pnr import check_frame_for_pnr, looks_like_pnr
    from resmodel.io.series import SERIES_IDS, series_from_raw

    if looks_like_pnr(request.model):
        raise one_problem(422, ["body", "model"], "the model name looks like a personal identity number; it is "
                          "not shown here. Expected a model name of docs/forecasting.md §1. Fix: use e.g. 'auto'")
    if request.model in ("demographic", "stockflow"):
        raise one_problem(422, ["body", "model"], f"the {request.model} model needs a population or flows table, "
                          "which this endpoint does not take. Fix: use another model, or `resmodel forecast` "
                          "with --population/--flows")
    raw = pd.DataFrame([{k: str(v) for k, v in point.model_dump().items()} for point in request.series])
    rows, warnings = [], []
    try:
        check_frame_for_pnr(raw, TABLE, first_row=0, numeric=("y",), ids=SERIES_IDS)
        data = series_from_raw(raw, TABLE)
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
    return ForecastResponse(resmodel_version=__version__, model=request.model, forecasts=rows,
                            warning_items=items, warnings=[str(w) for w in warnings])
