"""``POST /runs``: the base-year allocation of a shipped scenario, per service and per unit (as
`resmodel run`'s summary and enheter.csv)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field, create_model

from api.fields import ScenarioFile, ScenarioHash, ScenarioName, Version
from api.problems import RequestBody, without_server_paths
from api.scenarios import SCENARIO_NAME, load_scenario, nfc, project_folder, scenario_error
from resmodel import __version__
from resmodel.errors import ResmodelError
from resmodel.report import ID_LABELS, MEASURE_LABELS, MEASURE_NOTES
from resmodel.run import run
from resmodel.warning_order import ordered, severity, warning_lines

router = APIRouter()


class RunRequest(RequestBody):
    """The shipped scenario to run for its base year (as `resmodel run`)."""

    scenario: str = SCENARIO_NAME


#: every measure of a run, described with the workbook's Swedish label and English gloss (and its heading's note);
#: amounts are SEK for the base year, hours per year, users the count on the base date — a whole number, as in
#: enheter.csv
_MEASURES = {key: (int if key == "users" else float, Field(description=label + (
    " — per year" if ("kr" in label or "timmar" in label) and "per år" not in label else "")
    + (f" — {MEASURE_NOTES[key]}" if key in MEASURE_NOTES else "")))
             for key, label in MEASURE_LABELS.items()}
ServiceRow = create_model("ServiceRow", __doc__="One service's (*insats*) base-year figures, by the users' service: "
                          "users, staff hours, FTE (årsarbetare), costs, the allocated budget (*resursfördelning*) and "
                          "the staffing gap (roster − need, negative = understaffed); SEK and hours a year.",
                          service=(str, Field(description=ID_LABELS["service"])), **_MEASURES)
UnitRow = create_model("UnitRow", __doc__="One unit's (*enhet*) base-year figures, as enheter.csv and the Enheter "
                       "sheet: users, staff hours, FTE (årsarbetare), costs, the allocated budget "
                       "(*resursfördelning*) and the staffing gap (roster − need, negative = understaffed); SEK and "
                       "hours a year.", **{key: (str, Field(description=ID_LABELS[key]))
                                           for key in ("unit_id", "name", "service", "regi", "section")}, **_MEASURES)


class RunWarning(BaseModel):
    """One data-quality warning of the run (the run went on) with its parts apart: the same finding as the line of
    'warnings' at the same place."""

    check: str = Field(description="the warning's name (implausible_change, capacity_exceeded, "
                       "stale_level_assessment, …; docs/data-dictionary.md)")
    severity: int = Field(description="the check's place in the order the CLI lists warnings in, 0 the most "
                          "serious (a parameter or roster slip that moves a figure by millions) — the order of "
                          "'warnings'")
    location: str = Field(description="the file and row, column or line it is at (paths relative to the project)")
    message: str = Field(description="what was found and what the run did")
    units: list[str] = Field(description="the units (unit_id) the warning concerns, for a section manager's filter")


class RunResponse(BaseModel):
    """A scenario's base-year allocation (*resursfördelning*): per service and per unit the users, staff hours,
    FTE, costs, allocated budget and staffing gap, with the hashes of the inputs and the data-quality warnings."""

    resmodel_version: Version
    scenario: ScenarioName
    scenario_file: ScenarioFile
    scenario_hash: ScenarioHash
    base_date: str = Field(description="the date the base-year snapshot of the parameters is taken at")
    input_hashes: dict[str, str] = Field(description="sha256 of what the figures rest on besides the scenario: "
                                         "'data' (the municipality's tables, and a tariff the scenario prices by) and 'parameters' (the parameter "
                                         "snapshot), as the run's manifest.json — two answers differ only if "
                                         "one of these or the scenario hash does")
    services: list[ServiceRow] = Field(description="per service, by the users' service (the personal-assistance "
                                       "units' roster is shared among LSS and SFB users), as `resmodel run` prints them — without its total "
                                       "row, which is their sum")
    units: list[UnitRow] = Field(description="per unit, as enheter.csv and the Enheter sheet: a section manager's "
                                 "need against roster (staffing_gap_* = roster − need; negative = understaffed)")
    warnings: list[str] = Field(description="every data-quality warning, '[check] file, location: message' (paths "
                                "relative to the project), most serious check first as `resmodel run` orders them "
                                "(a slipped parameter before 1 497 old level assessments); the workbook's sheet "
                                "'Varningar' has the same")
    warning_items: list[RunWarning] = Field(description="the same warnings, in the same order, with their check, "
                                            "severity, location and units apart, for a client that filters or flags")
    warning_summary: list[str] = Field(description="the warnings as `resmodel run` prints them on the console: most "
                                       "serious check first, a check with more than three warnings as one line "
                                       "with its count and first locations, the starter kit's values as one line "
                                       "— every warning is in 'warnings'")


@router.post("/runs", response_model=RunResponse)
def create_run(request: RunRequest) -> RunResponse:
    """The base-year allocation: hours, FTE, cost, allocated budget and staffing gap per service and unit."""
    from resmodel.projection_run import check_projection_for_run

    loaded = load_scenario(request.scenario)
    try:
        check_projection_for_run(loaded)  # a scenario's projection block is refused here as `resmodel run` does
        result = run(loaded)
    except ResmodelError as exc:
        raise scenario_error(exc) from None
    project = project_folder()
    warnings = ordered(result.warnings)
    return RunResponse(resmodel_version=__version__, scenario=result.loaded.scenario.name,
                       scenario_file=nfc(request.scenario),
                       scenario_hash=result.loaded.scenario.content_hash,
                       base_date=result.loaded.scenario.base_date.isoformat(),
                       input_hashes={"data": result.loaded.data_hash, "parameters": result.loaded.parameter_hash},
                       services=[ServiceRow(**r) for r in result.services.to_dict(orient="records")],
                       units=[UnitRow(**r) for r in result.allocation.units.to_dict(orient="records")],
                       warnings=[without_server_paths(str(w), project) for w in warnings],
                       warning_items=[RunWarning(check=w.check, severity=severity(w.check),
                                                 location=without_server_paths(str(w.location), project),
                                                 message=without_server_paths(w.message, project), units=list(w.units))
                                      for w in warnings],
                       warning_summary=[without_server_paths(line, project) for line in warning_lines(
                           warnings, result.loaded, "in 'warnings' (and `resmodel run`'s workbook, sheet 'Varningar')")])
