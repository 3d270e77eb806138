"""``POST /projections``: net cost, frame and deviation per report area and year, with optional
seeded Monte Carlo percentiles (as ``resmodel project``)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.fields import Notes, ScenarioFile, ScenarioHash, ScenarioName, Version, Year
from api.problems import RequestBody, one_problem, without_server_paths
from api.scenarios import SCENARIO_NAME, load_scenario, nfc, project_folder, scenario_error
from resmodel import __version__
from resmodel.errors import ResmodelError
from resmodel.run import run

router = APIRouter()


class ProjectionRequest(RequestBody):
    """The shipped scenario to project over its horizon (it needs a council frame: GET /scenarios' 'projection'),
    with optional Monte Carlo draws from its projection.uncertainty block; the same seed gives the same answer."""

    scenario: str = SCENARIO_NAME
    draws: int = Field(0, ge=0, le=10_000, description="Monte Carlo draws (0 = deterministic only); the "
                       "scenario's projection.uncertainty block gives the distributions")
    seed: int | None = Field(None, ge=0, le=2**32 - 1, description="Monte Carlo seed (default: the scenario's seed)")


class AreaYear(BaseModel):
    """One report area's (or the board's, 'total') net cost, frame (*kommunbidrag*) and deviation
    (*budgetavvikelse* = frame − net cost, negative = overspend) in one year: SEK a year, current prices."""

    year: Year
    area: str = Field(description="report area (the annual report's rows), or 'total' for the board")
    net_cost: float = Field(description="net cost, SEK per year (current prices)")
    frame: float = Field(description="the council's frame (kommunbidrag), SEK per year (current prices)")
    deviation: float = Field(description="frame − net cost, SEK per year (negative = overspend, budgetavvikelse)")


class VolumeModel(BaseModel):
    """What made one service's projected volumes — a forecast from its history, a volume the scenario fixes, its
    base-year volume held, or a forecast file — so that a reader can tell a forecast from an assumption."""

    service: str = Field(description="the service (insats)")
    model_used: str = Field(description="a forecast model's name (with the fallback used), 'override' (the "
                            "scenario's projection.volumes fixes a volume of a service with history), 'fixed' (of "
                            "one without), 'base volume' (held at its other_services.csv level: no history to "
                            "forecast from) or 'forecast file: <its model>' — with what the scenario puts on top, "
                            "as `resmodel project` and the Volymmodeller sheet show it: ' + volume_growth <rate>' "
                            "(' before <year>' when a stated volume takes over) and ' + volume_changes' (planned "
                            "changes of places, projection.volume_changes), e.g. 'drift + volume_changes'")


class ServiceYear(BaseModel):
    """One measure of one service (*insats*) — or of a report area's total — in one year: the volumes and costs
    behind an area's net cost (as prognos_tjanster.csv); amounts SEK a year, current prices."""

    year: Year
    service: str = Field(description="service (insats), or 'total' for an area's total")
    area: str = Field(description="the report area the service belongs to")
    measure: str = Field(description="volume (users or cases, mean of the months; the own provider's: hours), "
                         "hours, staff_cost, premises_cost, other_cost, revenue, adjustment, gross_cost, net_cost (SEK "
                         "per year); on the area totals also frame, its parts frame_* and deviation; for a service "
                         "with places (projection.capacity) also demand, places and over_capacity (users, mean of "
                         "the months), with a premises plan plan_users (users in its premises), plan_rent (SEK "
                         "per year, part of premises_cost) and plan_one_off (SEK, part of adjustment), and on "
                         "the service taking users above another's places overflow_in")
    value: float = Field(description="the measure's value, in the unit the measure names")


class Percentiles(BaseModel):
    """The spread over the Monte Carlo draws of one report area's net cost, frame or deviation in one year: the
    mean and percentiles, SEK a year, current prices. Each measure's percentiles are of its own draws: the
    deviation's of frame − net cost in each draw, not the difference of the other two's percentiles."""

    year: Year
    area: str = Field(description="report area, or 'total' for the board")
    measure: str = Field(description="net_cost, frame or deviation (SEK per year)")
    mean: float = Field(description="the mean of the draws, SEK per year (as every percentile)")
    p05: float = Field(description="5th percentile of the draws")
    p10: float = Field(description="10th percentile of the draws")
    p25: float = Field(description="25th percentile of the draws")
    p50: float = Field(description="the median of the draws (not the deterministic figure of 'years')")
    p75: float = Field(description="75th percentile of the draws")
    p90: float = Field(description="90th percentile of the draws")
    p95: float = Field(description="95th percentile of the draws")


class ProjectionResponse(BaseModel):
    """A scenario's budget projection over its horizon (as `resmodel project`, docs/projection.md): net cost,
    frame and deviation per report area and year from the base year on, the services behind them, what made
    their volumes and, with draws, the percentiles."""

    resmodel_version: Version
    scenario: ScenarioName
    scenario_file: ScenarioFile
    scenario_hash: ScenarioHash
    years: list[AreaYear] = Field(description="the deterministic projection per report area and year (amounts "
                                  "in SEK, current prices), as prognos_per_ar.csv")
    base_year: list[AreaYear] = Field(description="the base year per area as the model computes it (the run's net "
                                      "cost and other_services.csv against the base frame): the balance the "
                                      "projection starts from; prognos_per_ar.csv's rows of kind base_year")
    services: list[ServiceYear] = Field(description="per year, service and measure, as prognos_tjanster.csv")
    volume_models: list[VolumeModel] = Field(description="per service, what made its projected volumes")
    input_hashes: dict[str, str] = Field(description="sha256 of what the figures rest on besides the scenario: "
                                         "'data', 'parameters', 'frame', and where the scenario names them "
                                         "'volume_forecast' and 'premises_plan <service>' — so that two answers "
                                         "can be told apart when a file changed")
    notes: Notes
    draws: int = Field(description="Monte Carlo draws made (0: the deterministic projection only)")
    seed: int | None = Field(description="the seed of the draws (null without draws)")
    percentiles: list[Percentiles] = Field(description="per year, area and measure; empty without draws")


def input_hashes(manifest: dict) -> dict[str, str]:
    """The hashes of a projection's manifest by input: data, parameters, frame, a forecast file, premises plans."""
    hashes = {"data": manifest["data_hash"], "parameters": manifest["parameter_hash"], "frame": manifest["frame_hash"]}
    if manifest.get("volume_forecast", {}).get("sha256"):
        hashes["volume_forecast"] = manifest["volume_forecast"]["sha256"]
    hashes.update({f"premises_plan {service}": record["sha256"]
                   for service, record in manifest.get("premises_plans", {}).items() if record.get("sha256")})
    return hashes


@router.post("/projections", response_model=ProjectionResponse)
def create_projection(request: ProjectionRequest) -> ProjectionResponse:
    """Net cost, frame and deviation per report area and year over the scenario's horizon."""
    from resmodel.budget import montecarlo
    from resmodel.projection_run import (
        base_year_by_area,
        build_setup,
        projection_manifest,
        run_setup,
        shown_volume_models,
        uncertainty_spec,
        yearly_by_area,
    )

    if request.seed is not None and not request.draws:
        raise one_problem(422, ["body", "seed"], "a seed without draws has no effect. Expected draws > 0 with a "
                          "seed. Fix: add draws (e.g. 1000) or remove the seed")
    loaded = load_scenario(request.scenario)
    seed = (loaded.scenario.seed if request.seed is None else request.seed) if request.draws else None
    try:
        base = run(loaded)
        setup = build_setup(loaded, base)
        result = run_setup(setup)
    except ResmodelError as exc:
        raise scenario_error(exc) from None
    mc = None
    if request.draws:
        if setup.settings.settings.uncertainty is None:
            raise one_problem(422, ["body", "draws"], f"scenario '{request.scenario}' has no projection.uncertainty "
                              "block to draw from. Fix: send draws 0, or add the block (docs/budget.md §4)")
        try:
            mc = montecarlo.run(setup.case, uncertainty_spec(setup), draws=request.draws, seed=seed)
        except ResmodelError as exc:
            raise scenario_error(exc) from None
    percentiles = []
    if mc is not None:
        t = mc.table
        t = t[(t["service"] == "total") & t["measure"].isin(["net_cost", "frame", "deviation"])]
        percentiles = [Percentiles(year=int(r.period), area=r.area, measure=r.measure, mean=r.mean, p05=r.p05,
                                   p10=r.p10, p25=r.p25, p50=r.p50, p75=r.p75, p90=r.p90, p95=r.p95)
                       for r in t.itertuples(index=False)]
    years = [AreaYear(year=int(r.year), area=r.area, net_cost=r.net_cost, frame=r.frame, deviation=r.deviation)
             for r in yearly_by_area(result).itertuples(index=False)]
    base_year = [AreaYear(year=int(r.year), area=r.area, net_cost=r.net_cost, frame=r.frame, deviation=r.deviation)
                 for r in base_year_by_area(setup, result).itertuples(index=False)]
    services = [ServiceYear(year=int(r.period), service=r.service, area=r.area, measure=r.measure, value=r.value)
                for r in result.yearly.itertuples(index=False)]
    models = [VolumeModel(service=r.service, model_used=r.model_used)
              for r in shown_volume_models(setup).itertuples(index=False)]
    return ProjectionResponse(resmodel_version=__version__, scenario=loaded.scenario.name,
                              scenario_file=nfc(request.scenario),
                              scenario_hash=loaded.scenario.content_hash, years=years, base_year=base_year,
                              services=services,
                              volume_models=models, input_hashes=input_hashes(projection_manifest(base.manifest, setup)),
                              notes=[without_server_paths(n, project_folder()) for n in
                                     [*result.notes, *(n for n in (mc.notes if mc else ()) if n not in result.notes)]],
                              draws=request.draws, seed=seed, percentiles=percentiles)
