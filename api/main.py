"""Small HTTP API over resmodel (FastAPI): run a shipped scenario and get its per-service summary
(``POST /runs``), or project its net cost, frame and deviation per report area and year, with
optional Monte Carlo percentiles (``POST /projections``).

Settings come from the environment: RESMODEL_SCENARIOS (folder of scenario files, default
./scenarios). User mistakes are 4xx with the location of the problem; the model version is in
every response."""

from __future__ import annotations

import os
from pathlib import Path

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
