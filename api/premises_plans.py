"""``POST /premises-plans``: which candidate premises to open, when and for which need levels, for a
shipped scenario and a demand sent as JSON (as ``resmodel plan-premises``, docs/planning.md);
problems at their JSON path."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter
from pydantic import BaseModel, BeforeValidator, Field

from api.fields import DemandColumn, Notes, ScenarioFile, ScenarioHash, ScenarioName, Version, Warnings
from api.problems import (
    PLAIN_ID,
    SERVICE_KEY,
    BodyWording,
    RequestBody,
    one_problem,
    problem_response,
    without_server_paths,
)
from api.records import json_records, row_model
from api.scenarios import (
    SCENARIO_NAME,
    load_scenario,
    nfc,
    project_folder,
    scenario_error,
    scenario_warning_lines,
)
from api.warning_items import WarningItem, answer_warnings, located
from resmodel import __version__
from resmodel.errors import ProblemCollector, ResmodelError, shown
from resmodel.planning import premises_columns

router = APIRouter()
DEMAND, CANDIDATES = "body.demand", "body.candidates"  # the source names the checks put in locations
#: the CLI's words in shared messages, as this endpoint's
WORDING = {"(the years of the --demand file)": "(the years of the demand)",
           "is --demand a history rather than a forecast? The plan needs a forecast (`resmodel forecast`)":
           "is the demand a history rather than a forecast? The plan needs a forecast (POST /forecasts)",
           "give --demand the forecast of the history (resmodel forecast writes volume_forecast.csv)":
           "send the forecast of the history as the demand (POST /forecasts forecasts it)",
           "(the scenario's premises, or --places)": "(the scenario's premises)",
           "give --places and --own-cost-per-place for this service":
           "plan a service whose units have premises (this endpoint takes today's places from the scenario)",
           "--own-cost-per-place": "own_cost_per_place", "--external-price": "external_price",
           "--max-external": "max_external", "--waiting-cost": "waiting_cost",
           "--investment-ceiling": "investment_ceiling", "--service": "service",
           "in today's places (--places)": "in the scenario's premises", "(--no-external)": "(no_external)",
           "a forecast with a level column (resmodel forecast writes one for level services)":
           "a level on every demand row (a forecast by level, as resmodel forecast writes for level services)"}
BODY = BodyWording({DEMAND: "demand", CANDIDATES: "candidates"}, {**WORDING, "--scenario": "scenario"})
#: candidates × years of demand a request may plan: the programme's size, which the solver's time grows with. On the
#: 2-core server (2026-12-07; 8 level ranges, a waiting cost and an investment ceiling, the hardest form) 1 000
#: took 4–9 s of computing (100 × 10, 40 × 25, 20 × 50, 200 × 5 years), 2 000 16 s, and 10 000 (200 × 50) ran
#: into the solver's time limit twice, 4 minutes, while the request ran on after any client had given up
MAX_CANDIDATE_YEARS = 1_000
#: the solver's seconds per solve in a request (the CLI's 120 s would hold a request many minutes: up to three solves
#: for the plan, and the reasons' at most six plans made again with a quarter of it a solve; docs/api.md, "Run time")
API_SOLVER_LIMIT_S = 20.0


class DemandPoint(RequestBody):
    """One month's demand for the service planned: users with a decision (*beslut*) in the month, in total or,
    for a plan by level range, for one need level."""

    month: str = Field(max_length=10, description="month YYYY-MM")
    level: int | None = Field(None, ge=1, le=8, description="need level 1–8; on every row (a plan by level range) or "
                              "none")
    volume: float = Field(ge=0, le=1e6, allow_inf_nan=False, description="demand in the month: users with a "
                          "decision (a forecast's volume, or an interval bound for a high-demand case)")
    service: str | None = Field(None, max_length=40, description="the service the row is a demand of, as a "
                                "volume forecast's rows name it (optional; when given, the request's service)")
    model_used: str | None = Field(None, max_length=100, description="the forecast model that made the volume "
                                   "(a volume forecast's or POST /forecasts' model_used; optional): the plan's "
                                   "demand_model, which a projection compares with its own")


def _whole(value: Any) -> Any:
    """25.0 as 25: a whole number as a JSON float (a plan's own CSV writes places 25.0) is the whole number."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


#: a whole number, also written as a float without a fraction (strict otherwise: no "25", no 25.5)
WholeNumber = Annotated[int, BeforeValidator(_whole)]
#: a year a candidate may open, and a need level it suits: their bounds inside the type, before the validator, so
#: that the schema of an optional one says minimum and maximum (a Field's ge/le beside '| None', or after the
#: validator, rendered as 'ge'/'le', which are no JSON Schema words)
OpeningYear = Annotated[int, Field(ge=1990, le=2200), BeforeValidator(_whole)]
NeedLevel = Annotated[int, Field(ge=1, le=8), BeforeValidator(_whole)]


class Candidate(RequestBody):
    """A candidate premises the plan may open — or one already decided (decided_year): its places, its rent and
    one-off cost (SEK, base-year prices), when it can open and which need levels it suits."""

    premises_id: str = Field(max_length=100, pattern=PLAIN_ID, description="candidate's id")
    places: WholeNumber = Field(gt=0, le=10_000, description="whole places it adds (25 or 25.0)")
    annual_rent_sek: float = Field(ge=0, le=1e9, allow_inf_nan=False, description="rent once open, SEK a year "
                                   "(base-year prices)")
    one_off_cost_sek: float = Field(0.0, ge=0, le=1e10, allow_inf_nan=False, description="one-off cost in the "
                                    "opening year (fit-out, furnishing, start-up), SEK")
    earliest_year: OpeningYear | None = Field(None, description="the first year it can open (null: "
                                      "from the lead time, or the first year)")
    lead_time_months: float | None = Field(None, ge=0, le=240, allow_inf_nan=False, description="months from "
                                           "decision to opening (null: none)")
    decided_year: OpeningYear | None = Field(None, description="already decided: opens this year")
    min_level: NeedLevel | None = Field(None, description="need levels it suits (both or neither, on every "
                                  "candidate or on none)")
    max_level: NeedLevel | None = Field(None, description="the highest need level it suits (with min_level)")
    source: str | None = Field(None, max_length=500, description="where the figures come from")


class PlanRequest(RequestBody):
    """The premises plan to make: a shipped scenario (today's places and the default costs), the service, its
    monthly demand, the candidate premises and the costs and limits the plan weighs (SEK, base-year prices)."""

    scenario: str = SCENARIO_NAME
    service: str = Field(max_length=40, pattern=SERVICE_KEY, description="service whose premises are planned, "
                         "e.g. daglig_verksamhet")
    demand: list[DemandPoint] = Field(min_length=1, max_length=20_000, description="monthly demand, consecutive "
                                      "months (per level for a plan by level range)")
    demand_column: DemandColumn = Field("volume", description=(
        "the forecast column the demand's volumes were taken from (volume, or a bound such as volume_hi_80)"
        "; it labels the plan's capacity as planned_for, so that POST /queues can tell a plan made for another "
        "demand"))
    candidates: list[Candidate] = Field(min_length=1, max_length=200, description="the candidate premises, at "
                                        "most 200, and at most 1 000 candidates × years of demand (20 over 50 "
                                        "years, 100 over 10; docs/api.md, 'Run time')")
    own_cost_per_place: float | None = Field(None, ge=0, le=1e9, allow_inf_nan=False,
                                             description="running cost (staff and other) "
                                             "per user-year served in own premises, SEK (default: the "
                                             "scenario's base-year average)")
    external_price: float | None = Field(None, ge=0, le=1e9, allow_inf_nan=False, description="SEK per external "
                                         "place-year (default for bostad_vuxna: the scenario's; otherwise none)")
    no_external: bool = Field(False, description="allow no external places")
    max_external: float | None = Field(None, ge=0, le=1e6, allow_inf_nan=False, description="external places "
                                       "available per year (null: as many as needed, at external_price)")
    waiting_cost: float | None = Field(None, ge=0, le=1e9, allow_inf_nan=False, description="SEK per case-year "
                                       "left waiting (default: nobody may wait)")
    investment_ceiling: float | None = Field(None, ge=0, le=1e12, allow_inf_nan=False,
                                             description="one-off costs allowed per year, SEK")
    discount_rate: float = Field(0.0, ge=0, le=0.5, allow_inf_nan=False, description="yearly discount rate "
                                 "for the plan's total cost (0.03 for 3 %)")


def _plan_row() -> type[BaseModel]:
    """A row of the plan: the columns of premises_plan.csv as its schema describes them (io/premises_plan.py)."""
    from resmodel.io.premises_plan import PREMISES_PLAN

    kinds = {c.name: {"int": int, "float": float}.get(c.kind, str) for c in PREMISES_PLAN.columns}
    return row_model("PremisesPlanRow", "One candidate premises in the plan: whether and when it opens and why — a "
                     "row of premises_plan.csv, which a scenario's projection.capacity.<service>.plan reads.",
                     {c.name: c.description for c in PREMISES_PLAN.columns}, kinds,
                     frozenset(c.name for c in PREMISES_PLAN.columns if not c.required))


#: the tables' columns that are not numbers (premises_columns describes each with its unit)
KINDS = {"option": str, "year": int, "months": int, "level": int, "month": str, "planned_for": str, "service": str}
PlanRow = _plan_row()
PlanYear = row_model("PremisesPlanYear", "One option and year: demand, places, how the demand is served (own "
                     "premises, external places, waiting, unmet) and the year's costs in SEK — the plan beside "
                     "opening nothing and, when some premises are decided, opening only those.",
                     premises_columns.YEARLY, KINDS)
PlanLevel = row_model("PremisesPlanLevel", "One option, year and need level of a plan by level range: the "
                      "level's demand and how it is served (user-years).", premises_columns.BY_LEVEL, KINDS)
PlanCapacity = row_model("PremisesPlanCapacity", "One month's places the plan makes usable — a row of the "
                         "capacity POST /queues takes — with the demand column and service it was planned for.",
                         premises_columns.CAPACITY, KINDS)


class PlanResponse(BaseModel):
    """The least-cost premises plan (*lokalplan*, docs/planning.md) for the demand: which candidates open when
    (and for which levels), its yearly flows and costs (SEK) beside opening nothing, and the places it makes
    usable month by month — the capacity POST /queues takes."""

    resmodel_version: Version
    scenario: ScenarioName
    scenario_file: ScenarioFile
    scenario_hash: ScenarioHash
    service: str = Field(description="the service planned for")
    status: str = Field(description="the solver's status: 'Optimal' (the least-cost plan under the rules), or "
                        "'Time limit' for the best plan found in the solver's time. It does not say whether the "
                        "demand is met: the yearly rows' 'unmet' and a warning do")
    plan: list[PlanRow] = Field(description="one row per candidate: open_year (null = not opened), decision, "
                                "reason; min_level and max_level only in a plan by level range")
    yearly: list[PlanYear] = Field(description="per option (no_new_premises, decided_only, plan) and year: "
                                   "demand, places, served_own, external_places, waiting, unmet, costs")
    by_level: list[PlanLevel] = Field(description="per option, year and level (a plan by level range only)")
    capacity: list[PlanCapacity] = Field(description="month, places the plan makes usable (for the queue), "
                                         "planned_for (the demand column the plan was made for), service")
    notes: Notes
    warnings: Warnings
    warning_items: list[WarningItem] = Field(description="the same warnings, in the same order, with their check, "
                                             "where and message apart, for a client that filters or flags")


#: the checks of this endpoint's own warnings: the plan's findings (demand before or off the base year, demand no
#: plan meets, no candidate in time, a late one-off cost, the solver's time limit), and a plan for a lower bound
PLAN_CHECK, LOWER_BOUND_CHECK = "premises_plan", "plan_for_lower_bound"


def _refuse_large_programme(request: PlanRequest) -> None:
    """More than MAX_CANDIDATE_YEARS candidates × years of demand is a 422 at body.candidates before anything runs."""
    years = len({d.month[:4] for d in request.demand if d.month[:4].isdigit()})
    size = len(request.candidates) * years
    if size > MAX_CANDIDATE_YEARS:
        raise one_problem(422, ["body", "candidates"], f"{len(request.candidates)} candidates over {years} years of "
                          f"demand are {size:,} candidate-years to plan. Expected at most {MAX_CANDIDATE_YEARS:,} "
                          "(the solver's time grows fast with them, and a request runs on to the end even when the "
                          "client has given up; docs/api.md, 'Run time'). Fix: plan the candidates that are real "
                          f"options (at most {MAX_CANDIDATE_YEARS // years} over these years), or fewer years at a "
                          "time (ten, as a forecast gives), or use `resmodel plan-premises`")


def _refuse_other_services(request: PlanRequest) -> None:
    """Demand rows that name another service than the one planned are a 422 at each (at most five): another
    service's demand planned against this one's places and costs answered a plan without a word (API review)."""
    other = [(i, d.service) for i, d in enumerate(request.demand) if d.service is not None and d.service != request.service]
    if other:
        raise problem_response(422, [{"loc": ["body", "demand", i, "service"], "msg": f"the demand row is of "
                                      f"'{shown(service, 40)}', but the plan is of '{request.service}'. Expected the "
                                      "demand of the service planned. Fix: send that service's demand rows (a "
                                      "volume forecast's rows of it), or plan the service the demand is of"}
                                     for i, service in other[:5]]
                               + ([{"loc": ["body", "demand"], "msg": f"{len(other) - 5} more demand rows, from row "
                                    f"{other[5][0]} on, name another service (only the first 5 are listed). Expected "
                                    "the demand of the service planned. Fix: send that service's demand rows"}]
                                  if len(other) > 5 else []))


@router.post("/premises-plans", response_model=PlanResponse, response_model_exclude_unset=True)
def create_premises_plan(request: PlanRequest) -> PlanResponse:
    """The least-cost premises plan over the months of the demand, compared with opening nothing."""
    from resmodel.io.candidates import CANDIDATES as SCHEMA
    from resmodel.io.candidates import amount_warnings, prepare_candidates
    from resmodel.io.pnr import check_frame_for_pnr
    from resmodel.planning.premises import PlanCosts
    from resmodel.planning_run import (
        cost_notes,
        lower_bound_warning,
        premises_plan,
        raise_candidate_problems,
        scenario_inputs,
    )
    from resmodel.run import run

    _refuse_large_programme(request)
    if request.no_external and request.external_price is not None:
        raise one_problem(422, ["body", "no_external"], "no_external with an external_price. Expected one of them. "
                          "Fix: drop external_price, or no_external")
    loaded = load_scenario(request.scenario)
    try:
        result = run(loaded)
    except ResmodelError as exc:
        raise scenario_error(exc) from None
    project = project_folder()
    try:
        inputs = scenario_inputs(loaded, result, request.service, request.scenario)
    except ResmodelError as exc:  # a service without premises: at the service, without the server's paths
        raise problem_response(422, [{"loc": ["body", "service"], "msg": without_server_paths(BODY.message(p), project)}
                                     for p in exc.problems]) from None
    columns = [c.name for c in SCHEMA.columns]
    candidates = pd.DataFrame([{**c.model_dump(), "service": request.service} for c in request.candidates])[columns]
    _refuse_other_services(request)
    demand = pd.DataFrame([{"month": d.month, "service": request.service,
                            "level": "" if d.level is None else str(d.level), "volume": str(d.volume),
                            "model_used": d.model_used or ""} for d in request.demand])
    by_level = bool(candidates["min_level"].notna().any())
    own = inputs.own_cost_per_place if request.own_cost_per_place is None else request.own_cost_per_place
    external = None if request.no_external else (
        inputs.external_price if request.external_price is None else request.external_price)
    if request.max_external is not None and external is None:
        raise one_problem(422, ["body", "max_external"], "max_external without an external price. Expected "
                          "external_price with it. Fix: add external_price, or drop max_external")
    scenario_price = request.external_price is None and external is not None  # a day price × each year's days
    costs = PlanCosts(own_cost_per_place=own, external_price=external, max_external=request.max_external,
                      waiting_cost=request.waiting_cost, investment_ceiling=request.investment_ceiling,
                      discount_rate=request.discount_rate, external_days=inputs.base_days if scenario_price else None)
    try:
        check_frame_for_pnr(candidates[["premises_id", "source"]].astype("string"), CANDIDATES, first_row=0,
                            ids={"premises_id"})
        check_frame_for_pnr(demand[["month", "level", "model_used"]], DEMAND, first_row=0)
        problems = ProblemCollector()  # every problem of the candidates in one answer: level ranges and decided years
        table = prepare_candidates(candidates, request.service, CANDIDATES, problems)
        raise_candidate_problems(problems, table, demand, request.service, "volume", DEMAND, CANDIDATES)
        plan = premises_plan(demand, request.service, table, costs, inputs.groups if by_level else inputs.places,
                             "volume", DEMAND, CANDIDATES,  # the rows' field; demand_column only labels the plan
                             base_year=loaded.scenario.base_date.year, time_limit_s=API_SOLVER_LIMIT_S,
                             base_users=inputs.users)
    except ResmodelError as exc:
        raise problem_response(422, [BODY.json_problem(p) for p in exc.problems]) from None
    return PlanResponse(resmodel_version=__version__, scenario=loaded.scenario.name,
                        scenario_file=nfc(request.scenario),
                        scenario_hash=loaded.scenario.content_hash, service=request.service,
                        status=plan.result.status, plan=json_records(plan.plan), yearly=json_records(plan.yearly),
                        by_level=json_records(plan.by_level) if plan.by_level is not None else [],
                        capacity=json_records(plan.capacity.assign(planned_for=request.demand_column)),
                        notes=[BODY.worded(n) for n in (*inputs.notes, *cost_notes(
                            inputs, request.own_cost_per_place, request.external_price, request.no_external),
                            *plan.notes)],
                        **answer_warnings(scenario_warning_lines(loaded), [
                            *(WarningItem(check=w.check, where=f"body.candidates[{w.location.row}].{w.location.column}",
                                          message=BODY.worded(w.message)) for w in amount_warnings(table, CANDIDATES)),
                            *(located(PLAN_CHECK, BODY.worded(w), (CANDIDATES, DEMAND)) for w in plan.warnings),
                            *(WarningItem(check=LOWER_BOUND_CHECK, where="body.demand_column", message=w)
                              for w in filter(None, [lower_bound_warning(request.demand_column)]))]))
