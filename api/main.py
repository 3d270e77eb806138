"""Small HTTP API over resmodel (FastAPI): run a shipped scenario and get its per-service summary
(``POST /runs``), or project its net cost, frame and deviation per report area and year, with
optional Monte Carlo percentiles (``POST /projections``), or forecast any series sent as a long
table (``POST /forecasts``).

Settings come from the environment: RESMODEL_SCENARIOS (folder of scenario files, default
./scenarios). User mistakes are 4xx with the location of the problem; the model version is in
every response."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from resmodel import __version__
from resmodel.errors import ResmodelError
from resmodel.run import LoadedScenario, load, run

app = FastAPI(title="resmodel", version=__version__)


def scenario_folder() -> Path:
    return Path(os.environ.get("RESMODEL_SCENARIOS", "scenarios"))


class RunRequest(BaseModel):
    scenario: str = Field(description="name of a scenario file in the scenario folder, without .yaml",
                          pattern=r"^[A-Za-z0-9_\-]+$")


class ServiceRow(BaseModel):
    service: str
    users: float
    fte_required: float
    fte_roster: float
    staffing_gap_fte: float
    net_cost: float
    allocation: float


class RunResponse(BaseModel):
    resmodel_version: str
    scenario: str
    scenario_hash: str
    services: list[ServiceRow]


class ProjectionRequest(BaseModel):
    scenario: str = Field(description="name of a scenario file in the scenario folder, without .yaml",
                          pattern=r"^[A-Za-z0-9_\-]+$")
    draws: int = Field(0, ge=0, le=10_000, description="Monte Carlo draws (0 = deterministic only); the "
                       "scenario's projection.uncertainty block gives the distributions")
    seed: int | None = Field(None, description="Monte Carlo seed (default: the scenario's seed)")


class AreaYear(BaseModel):
    year: int
    area: str = Field(description="report area (the annual report's rows), or 'total' for the board")
    net_cost: float
    frame: float = Field(description="the council's frame (kommunbidrag)")
    deviation: float = Field(description="frame − net cost (negative = overspend, budgetavvikelse)")


class VolumeModel(BaseModel):
    service: str
    model_used: str


class Percentiles(BaseModel):
    year: int
    area: str
    measure: str
    mean: float
    p05: float
    p50: float
    p95: float


class ProjectionResponse(BaseModel):
    resmodel_version: str
    scenario: str
    scenario_hash: str
    years: list[AreaYear]
    volume_models: list[VolumeModel]
    notes: list[str]
    draws: int
    seed: int | None
    percentiles: list[Percentiles] = Field(description="per year, area and measure; empty without draws")


def _unprocessable(exc: ResmodelError) -> HTTPException:
    return HTTPException(422, {"loc": ["body", "scenario"], "problems": [str(p) for p in exc.problems],
                               "resmodel_version": __version__})


def _load(name: str) -> LoadedScenario:
    """A shipped scenario by name: 404 when there is none, 422 with located problems when it is broken."""
    path = scenario_folder() / f"{name}.yaml"
    if not path.is_file():
        raise HTTPException(404, {"loc": ["body", "scenario"], "msg": f"no scenario '{name}'",
                                  "resmodel_version": __version__})
    try:
        return load(path)
    except ResmodelError as exc:
        raise _unprocessable(exc) from None


@app.get("/version")
def version() -> dict[str, str]:
    return {"resmodel_version": __version__}


@app.post("/runs", response_model=RunResponse)
def create_run(request: RunRequest) -> RunResponse:
    loaded = _load(request.scenario)
    try:
        result = run(loaded)
    except ResmodelError as exc:
        raise _unprocessable(exc) from None
    rows = result.services[["service", "users", "fte_required", "fte_roster", "staffing_gap_fte", "net_cost",
                            "allocation"]].to_dict(orient="records")
    return RunResponse(resmodel_version=__version__, scenario=result.loaded.scenario.name,
                       scenario_hash=result.loaded.scenario.content_hash, services=[ServiceRow(**r) for r in rows])


@app.post("/projections", response_model=ProjectionResponse)
def create_projection(request: ProjectionRequest) -> ProjectionResponse:
    """Net cost, frame and deviation per report area and year over the scenario's horizon."""
    from resmodel.budget import montecarlo
    from resmodel.projection_run import build_setup, run_setup, uncertainty_spec, yearly_by_area

    loaded = _load(request.scenario)
    seed = (loaded.scenario.seed if request.seed is None else request.seed) if request.draws else None
    try:
        setup = build_setup(loaded, run(loaded))
        result = run_setup(setup)
        mc = montecarlo.run(setup.case, uncertainty_spec(setup), draws=request.draws, seed=seed) \
            if request.draws else None
    except ResmodelError as exc:
        raise _unprocessable(exc) from None
    percentiles = []
    if mc is not None:
        t = mc.table
        t = t[(t["service"] == "total") & t["measure"].isin(["net_cost", "frame", "deviation"])]
        percentiles = [Percentiles(year=int(r.period), area=r.area, measure=r.measure, mean=r.mean, p05=r.p05,
                                   p50=r.p50, p95=r.p95) for r in t.itertuples(index=False)]
    years = [AreaYear(year=int(r.year), area=r.area, net_cost=r.net_cost, frame=r.frame, deviation=r.deviation)
             for r in yearly_by_area(result).itertuples(index=False)]
    models = [VolumeModel(service=r.service, model_used=r.model_used)
              for r in setup.volume_models.itertuples(index=False)]
    return ProjectionResponse(resmodel_version=__version__, scenario=loaded.scenario.name,
                              scenario_hash=loaded.scenario.content_hash, years=years, volume_models=models,
                              notes=list(result.notes), draws=request.draws, seed=seed, percentiles=percentiles)


class SeriesPoint(BaseModel):
    unique_id: str = Field(description="series name (a pseudonymous id; personal identity numbers are refused)")
    ds: str | int = Field(description="period: YYYY (yearly, also as a number) or YYYY-MM (monthly)")
    y: float = Field(description="value for the period (≥ 0)")


class ForecastRequest(BaseModel):
    series: list[SeriesPoint] = Field(min_length=1, max_length=100_000, description="the long table, one row per "
                                      "series and period, as in docs/forecasting.md (series file format)")
    h: int = Field(ge=1, le=240, description="periods to forecast after each series' last period")
    model: str = Field("auto", description="a model name of docs/forecasting.md §1 (default: per-series "
                       "selection); the demographic and stock–flow models need inputs this endpoint does not take")


class ForecastRow(BaseModel):
    unique_id: str
    ds: str
    forecast: float
    lo_80: float
    hi_80: float
    lo_95: float
    hi_95: float
    model_used: str = Field(description="the model that produced the numbers (the fallback for too short a series)")


class ForecastResponse(BaseModel):
    resmodel_version: str
    model: str
    forecasts: list[ForecastRow]
    warnings: list[str]


def _request_problems(exc: ResmodelError, table: str) -> HTTPException:
    """422 with each problem at its JSON path: rows of ``table`` as body.<table>[i].<field>."""
    problems = []
    for p in exc.problems:
        loc = p.location
        path = ["body", table, loc.row, loc.column or "unique_id"] if loc.row is not None else \
            ["body", loc.path] if loc.path in ("model", "h") else ["body", table]
        problems.append({"loc": path, "msg": f"{p.problem}. Expected {p.expected}. Fix: {p.fix}",
                         **({"series": loc.path} if loc.path not in (None, "model", "h") else {})})
    return HTTPException(422, {"problems": problems, "resmodel_version": __version__})


@app.post("/forecasts", response_model=ForecastResponse)
def create_forecast(request: ForecastRequest) -> ForecastResponse:
    """Forecast every series of the table ``h`` periods ahead with 80 % and 95 % intervals (series of
    each frequency with the model built for it, as ``resmodel forecast`` does)."""
    from resmodel.errors import Location
    from resmodel.forecast import Forecaster, make_model
    from resmodel.forecast.frame import format_ds, validate_long
    from resmodel.io.pnr import check_value_for_pnr

    if request.model in ("demographic", "stockflow"):
        raise HTTPException(422, {"problems": [{"loc": ["body", "model"], "msg": f"the {request.model} model needs a "
                                                "population or flows table, which this endpoint does not take. Fix: "
                                                "use another model, or `resmodel forecast` with --population/--flows"}],
                                  "resmodel_version": __version__})
    table = pd.DataFrame([point.model_dump() for point in request.series]).astype({"ds": str})
    rows, warnings = [], []
    try:
        for i, uid in enumerate(table["unique_id"]):
            check_value_for_pnr(uid, Location("body.series", row=i, column="unique_id"))
        _, freqs = validate_long(table, source="body.series")
        for freq in sorted(set(freqs.values())):
            model = make_model(request.model, freq, where=Location(path="model"))
            fc = Forecaster([model], source="body.series")
            part = table[table["unique_id"].str.strip().isin([u for u, f in freqs.items() if f == freq])]
            out = fc.forecast(part, request.h, freqs=freqs)
            n = model.name
            out = out.assign(ds=format_ds(out["ds"], freq))
            rows += [ForecastRow(unique_id=r[0], ds=r[1], forecast=r[2], lo_80=r[3], hi_80=r[4], lo_95=r[5],
                                 hi_95=r[6], model_used=r[7])
                     for r in out[["unique_id", "ds", n, f"{n}-lo-80", f"{n}-hi-80", f"{n}-lo-95", f"{n}-hi-95",
                                   f"{n}-model_used"]].itertuples(index=False)]
            warnings += [str(w) for w in fc.warnings]
    except ResmodelError as exc:
        raise _request_problems(exc, "series") from None
    return ForecastResponse(resmodel_version=__version__, model=request.model, forecasts=rows, warnings=warnings)
