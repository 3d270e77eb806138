"""Small HTTP API over resmodel (FastAPI): run a shipped scenario and get its per-service summary.

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
from resmodel.run import load, run

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


@app.get("/version")
def version() -> dict[str, str]:
    return {"resmodel_version": __version__}


@app.post("/runs", response_model=RunResponse)
def create_run(request: RunRequest) -> RunResponse:
    path = scenario_folder() / f"{request.scenario}.yaml"
    if not path.is_file():
        raise HTTPException(404, {"loc": ["body", "scenario"], "msg": f"no scenario '{request.scenario}'",
                                  "resmodel_version": __version__})
    try:
        result = run(load(path))
    except ResmodelError as exc:
        raise HTTPException(422, {"loc": ["body", "scenario"], "problems": [str(p) for p in exc.problems],
                                  "resmodel_version": __version__}) from None
    rows = result.services[["service", "users", "fte_required", "fte_roster", "staffing_gap_fte", "net_cost",
                            "allocation"]].to_dict(orient="records")
    return RunResponse(resmodel_version=__version__, scenario=result.loaded.scenario.name,
                       scenario_hash=result.loaded.scenario.content_hash, services=[ServiceRow(**r) for r in rows])
