"""``POST /comparisons``: two or more shipped scenarios against the first, as ``resmodel compare``:
the differences per year, area and measure, the waterfall by driver, and each unit's base-year figures — or, when a
scenario has no projection block (none, or one lifted by 'projection: null'), the units alone, as the CLI writes
them."""

from __future__ import annotations

from typing import Literal

import pandas as pd
from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.fields import Version, Year
from api.problems import RequestBody, one_problem
from api.projections import input_hashes
from api.scenarios import (
    SentName,
    load_scenario,
    new_data_warning_lines,
    nfc,
    scenario_error,
    scenario_warning_lines,
)
from resmodel import __version__
from resmodel.budget.areas import AREA_KEYS
from resmodel.errors import ResmodelError
from resmodel.run import LoadedScenario, run

router = APIRouter()


class ComparisonRequest(RequestBody):
    """The scenarios to compare — two to six that GET /scenarios lists, the first the reference (A) each of the
    others (B) is compared with — and the measure, year and report area the waterfall splits by driver."""

    scenarios: list[SentName] = Field(
        min_length=2, max_length=6, description="two to six scenario names (as GET /scenarios lists them); the first "
        "is the reference the others are compared with")
    measure: Literal["deviation", "net_cost", "frame"] = Field("deviation", description="the waterfall's measure")
    year: int | None = Field(None, ge=1900, le=2200, description="the waterfall's year (default: summed over the "
                             "horizon)")
    area: Literal[AREA_KEYS + ("total",)] = Field("total", description="the waterfall's report area (default: the "
                                                  "board, 'total'), as `resmodel compare --area`")


class Pair(BaseModel):
    """The two scenarios a comparison row is of, each by its own name (its 'name:', as scenario_hashes' keys)."""

    scenario_a: str = Field(description="the reference A: the first scenario sent, by its own name ('name:')")
    scenario_b: str = Field(description="the scenario B compared with it, by its own name ('name:')")


class Difference(Pair):
    """One report area's (or the board's, 'total') net cost, frame (*kommunbidrag*) or deviation
    (*budgetavvikelse* = frame − net cost, negative = overspend) in one year in scenarios A and B, and B − A:
    SEK a year, current prices. A positive difference is B costing more (net_cost), getting more (frame) or
    ending better (deviation)."""

    year: Year
    area: str = Field(description="report area, or 'total' for the board")
    measure: str = Field(description="net_cost, frame or deviation (SEK per year)")
    value_a: float = Field(description="the measure in scenario A")
    value_b: float = Field(description="the measure in scenario B")
    difference: float = Field(description="value_b − value_a")


class ServiceDifference(Difference):
    """One service's (*insats*) volume or net cost in one year in scenarios A and B, and B − A: where a report
    area's difference comes from. Volume is users, cases or places as a mean of the year's months (the own
    provider's assistance: hours a year), net cost SEK a year in current prices; a service in one scenario
    only counts 0 in the other."""

    service: str = Field(description="the service (insats)")
    area: str = Field(description="the service's report area")
    measure: str = Field(description="volume (a month on average) or net_cost (SEK per year)")


class WaterfallStep(Pair):
    """One step of the waterfall (*vattenfall*, as vattenfall.csv) from scenario A to B for one measure and
    report area, SEK: the start (A's value); one step per driver group, B's inputs of that group put in A's
    place in a fixed order, each step the change it makes (interactions go to the later driver); and the end
    (B's value). The steps add up to end − start."""

    measure: str = Field(description="the measure the waterfall splits: deviation, net_cost or frame (SEK)")
    area: str = Field(description="the report area it is of ('total': the board)")
    step: int = Field(description="the step's place in the waterfall, from 0 (start)")
    period: str = Field(description="the year, or the years summed ('2025–2034')")
    driver: str = Field(description="start, volume, capacity, level_mix, wages, prices, assistance, other, frame, end")
    label: str = Field(description="the driver in Swedish with an English gloss (the scenario's name on start and "
                       "end)")
    value: float = Field(description="the start and end values, or the driver's contribution, SEK: of the year, or "
                         "summed over the years of 'period' (unlike 'differences', which are per year)")
    cumulative: float = Field(description="start plus the steps up to this one (SEK, as 'value')")


class UnitDifference(Pair):
    """One unit's (*enhet*) base-year measure in scenarios A and B, and B − A: the allocated budget, costs and
    staffing of POST /runs' units, so a section manager sees what a scenario changes for the unit. Units are
    matched on unit_id, in A's order; a unit whose name, service or section differs in B keeps A's."""

    unit_id: str = Field(description="the unit's id (units.csv)")
    name: str = Field(description="the unit's name")
    service: str = Field(description="the unit's service")
    section: str = Field(description="the section (sektion) the unit belongs to")
    measure: str = Field(description="a base-year measure of POST /runs' units: allocation, net_cost, staff_cost, "
                         "premises_cost, other_cost, purchase_cost, revenue (allocation = the four costs − revenue with the derived "
                         "key; a tariff prices it otherwise), "
                         "roster_cost, staffing_gap_sek (SEK a year); users; direct_hours, total_hours (hours a "
                         "year); or fte_required, fte_roster, staffing_gap_fte (FTE, årsarbetare); staffing_gap_* = "
                         "roster − need, negative = understaffed")
    value_a: float | None = Field(description="the measure in scenario A, in its unit (null when the unit is in "
                                  "scenario B only)")
    value_b: float | None = Field(description="the measure in scenario B, in its unit (null when the unit is in "
                                  "scenario A only)")
    difference: float | None = Field(description="value_b − value_a (null when the unit is in one scenario only)")


class ComparisonResponse(BaseModel):
    """What each scenario changes against the first (the reference A): per year, report area and measure, per
    service, by driver (the waterfall) and per unit — with each scenario's hash and input hashes, so that two
    answers can be told apart when a file changed. When a scenario has no projection block (none, or one lifted by
    'projection: null': a section manager's scenario of the four tables), the comparison is of the units alone, as
    `resmodel compare` writes it: ``units_only`` says so and differences, services and waterfall are empty."""

    resmodel_version: Version
    scenario_files: dict[str, str] = Field(description="by scenario name (its 'name:'), the file it was read from as "
                                           "sent: the file name without .yaml (Unicode NFC), as GET /scenarios lists it")
    scenario_hashes: dict[str, str] = Field(description="each scenario's hash, by name")
    input_hashes: dict[str, dict[str, str]] = Field(description="by scenario name, the sha256 of what its figures "
                                                    "rest on besides the scenario, as POST /projections' "
                                                    "input_hashes ('data', 'parameters', 'frame', …); in a units-only "
                                                    "comparison, which projects nothing, as POST /runs' ('data', "
                                                    "'parameters')")
    units_only: str | None = Field(description="null when every scenario has a projection block; otherwise the "
                                   "comparison is of each unit's base-year measures only, and this says which "
                                   "scenarios have none, as `resmodel compare` writes it in manifest.json's "
                                   "'units_only': 'no projection block in mine: each unit's base-year measures only'")
    without_projection: list[str] = Field(description="the scenarios (by name) with no projection block — none, or "
                                          "one lifted by 'projection: null' — that make the comparison units-only; "
                                          "empty when every scenario has one")
    notes: list[str] = Field(description="how to read the answer: in a units-only comparison, what it leaves out and "
                             "which of measure, year and area the request sent that it does not use (as `resmodel "
                             "compare` notes --measure, --year and --area); empty otherwise")
    differences: list[Difference] = Field(description="per year, area and measure: each scenario against the first "
                                          "(empty when units_only)")
    services: list[ServiceDifference] = Field(description="volume and net cost per year and service in both: where "
                                              "an area's difference comes from (empty when units_only)")
    waterfall: list[WaterfallStep] = Field(description="per compared scenario: start, one step per driver, end; "
                                           "the steps add up to end − start (empty when units_only)")
    units: list[UnitDifference] = Field(description="each unit's base-year measures in both scenarios: the rows of "
                                        "`resmodel compare`'s jamforelse_enheter.csv, units-only or not")
    warnings: dict[str, list[str]] = Field(description="by scenario name, what its figures rest on that may be a "
                                           "mistake, most serious first as `resmodel compare` prints them: a "
                                           "parameter value that looks like a slip (implausible_change, "
                                           "level_table_decreasing: 13.9 typed for 1.39), the starter kit's values "
                                           "(template_parameter, one line) and the projection's named checks (a "
                                           "base-year gap against the frame, a one-off of implausible size …); "
                                           "'[check] where: message', an empty list when there is none. The data's "
                                           "own warnings are POST /runs'")


@router.post("/comparisons", response_model=ComparisonResponse)
def create_comparison(request: ComparisonRequest) -> ComparisonResponse:
    """What each scenario changes against the first: per year and area, by driver, and per unit — the units alone
    when a scenario has no projection block."""
    from resmodel.budget import compare as cmp
    from resmodel.projection_run import build_setup, projection_manifest, run_setup

    every = [load_scenario(name, ["body", "scenarios", i]) for i, name in enumerate(request.scenarios)]  # all
    _check_distinct(every, request.scenarios)  # found, readable and named apart before any is run (answers fast)
    files = {loaded.scenario.name: nfc(name) for loaded, name in zip(every, request.scenarios, strict=True)}
    without = [loaded.scenario.name for i, loaded in enumerate(every) if not _projects(loaded, i)]
    if without:
        return _units_only(request, every, without, files)
    compared, hashes, inputs, warnings, runs = [], {}, {}, {}, []
    for i, loaded in enumerate(every):
        try:
            base = run(loaded)
            runs.append(base)
            setup = build_setup(loaded, base)
            compared.append(cmp.Compared(loaded.scenario.name, setup.case, run_setup(setup), base.allocation.units))
        except ResmodelError as exc:
            raise scenario_error(exc, ["body", "scenarios", i]) from None
        try:  # over the first's years, or located at this scenario
            cmp.check_comparable(compared[0].case, compared[-1].case)
        except ResmodelError as exc:
            p = exc.problems[0]
            raise one_problem(422, ["body", "scenarios", i], p.sentence()) from None
        hashes[loaded.scenario.name] = loaded.scenario.content_hash
        inputs[loaded.scenario.name] = input_hashes(projection_manifest(base.manifest, setup))
        warnings[loaded.scenario.name] = scenario_warning_lines(loaded, setup) + new_data_warning_lines(runs[0], base)
    try:
        diff, fall, units, services = cmp.compare_scenarios(compared, measure=request.measure, year=request.year,
                                                            area=request.area)
    except ResmodelError as exc:  # a year outside the horizon, or scenarios over different years
        p = exc.problems[0]
        field = "year" if p.location.path == "compare.year" else "scenarios"
        raise one_problem(422, ["body", field], p.sentence()) from None
    diff = diff.rename(columns={"period": "year"}).astype({"year": int})
    services = services.rename(columns={"period": "year"}).astype({"year": int})
    return ComparisonResponse(resmodel_version=__version__, scenario_files=files, scenario_hashes=hashes,
                              input_hashes=inputs, units_only=None, without_projection=[], notes=[],
                              differences=diff.to_dict(orient="records"),
                              services=services.to_dict(orient="records"),
                              waterfall=fall.to_dict(orient="records"),
                              units=_records(units), warnings=warnings)


def _check_distinct(every: list[LoadedScenario], sent: list[str]) -> None:
    """A 422 at the later of two files of one 'name:': the answer keys each scenario by that name."""
    for i, loaded in enumerate(every):
        earlier = [n for n, seen in zip(sent[:i], every, strict=False) if seen.scenario.name == loaded.scenario.name]
        if earlier:
            raise one_problem(422, ["body", "scenarios", i], f"scenario file '{sent[i]}' is named "
                              f"'{loaded.scenario.name}' (its name:) like the earlier '{earlier[0]}'; the answer keys "
                              "each scenario by that name. Expected scenarios with distinct names. Fix: compare "
                              "different scenarios, or give a copied file a name: of its own")


def _projects(loaded: LoadedScenario, i: int) -> bool:
    """Whether scenario ``i`` has a projection block, as `resmodel compare` decides it (a block that is not a
    mapping is a 422 at its name)."""
    from resmodel.io.scenario import projects

    try:
        return projects(loaded.scenario.chain[-1])  # the scenario's own file, its chain's last
    except ResmodelError as exc:
        raise scenario_error(exc, ["body", "scenarios", i]) from None


def _units_only(request: ComparisonRequest, every: list[LoadedScenario], without: list[str],
                files: dict[str, str]) -> ComparisonResponse:
    """The comparison when a scenario has no projection block: each unit's base-year measures against the first's,
    as `resmodel compare` writes jamforelse_enheter.csv, with the run's warnings and input hashes (API parity: the
    API refused what the CLI compared)."""
    from resmodel.budget.compare_units_only import units_against_first, units_only_note, units_only_text

    results = []
    for i, loaded in enumerate(every):
        try:
            results.append(run(loaded))
        except ResmodelError as exc:
            raise scenario_error(exc, ["body", "scenarios", i]) from None
    names = [loaded.scenario.name for loaded in every]
    unused = [f for f in ("measure", "year", "area") if f in request.model_fields_set and getattr(request, f) is not None]
    return ComparisonResponse(
        resmodel_version=__version__, scenario_files=files,
        scenario_hashes={loaded.scenario.name: loaded.scenario.content_hash for loaded in every},
        input_hashes={loaded.scenario.name: {"data": loaded.data_hash, "parameters": loaded.parameter_hash}
                      for loaded in every},
        units_only=units_only_text(without), without_projection=without,
        notes=[units_only_note(without, "differences, services and waterfall are empty", unused)],
        differences=[], services=[], waterfall=[],
        units=_records(units_against_first([r.allocation.units for r in results], names)),
        warnings={loaded.scenario.name: scenario_warning_lines(loaded) + new_data_warning_lines(results[0], result)
                  for loaded, result in zip(every, results, strict=True)})


def _records(units: pd.DataFrame) -> list[dict]:
    """The unit rows as JSON records, a value missing in one scenario as null."""
    return units.astype(object).where(units.notna(), None).to_dict(orient="records")
