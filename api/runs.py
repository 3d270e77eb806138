"""``POST /runs``: the base-year allocation of a shipped scenario, per service."""

from __future__ import annotations

import os

from fastapi import APIRouter
from pydantic import BaseModel

from api.problems import RequestBody
from api.scenarios import SCENARIO_NAME, load_scenario, scenario_error, scenario_folder
from resmodel import __version__
from resmodel.errors import ResmodelError
from resmodel.run import run

router = APIRouter()


class RunRequest(RequestBody):
    scenario: str = SCENARIO_NAME


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
    warnings: list[str]  # data-quality warnings, as `resmodel run` prints them (paths relative to the project)


@router.post("/runs", response_model=RunResponse)
def create_run(request: RunRequest) -> RunResponse:
    loaded = load_scenario(request.scenario)
    try:
        result = run(loaded)
    except ResmodelError as exc:
        raise scenario_error(exc) from None
    rows = result.services[["service", "users", "fte_required", "fte_roster", "staffing_gap_fte", "net_cost",
                            "allocation"]].to_dict(orient="records")
    project = str(scenario_folder().resolve().parent) + os.sep
    return RunResponse(resmodel_version=__version__, scenario=result.loaded.scenario.name,
                       scenario_hash=result.loaded.scenario.content_hash, services=[ServiceRow(**r) for r in rows],
                       warnings=[str(w).replace(project, "") for w in result.warnings])
