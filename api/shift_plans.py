"""``POST /shift-plans``: a daily-activity unit's staff need per time slot, the least-hours shift plan
that covers it and the unit's staff schedule against both, for a shipped scenario and an attendance
schedule (and optionally a roster) sent as JSON (as ``resmodel shift-plan``, docs/shift-plan.md);
problems at their JSON path."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter
from pydantic import BaseModel, Field, StringConstraints

from api.fields import ScenarioFile, ScenarioHash, ScenarioName, Version, Warnings
from api.problems import BodyWording, RequestBody, one_problem, problem_response, without_server_paths
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
from resmodel.errors import ResmodelError
from resmodel.planning import shift_columns

router = APIRouter()
ATTENDANCE, ROSTER = "body.attendance", "body.roster"  # the source names the checks put in locations
#: the CLI's options in shared messages, as this endpoint's fields
FIELDS = {"--unit": "unit_ids", "--slot-minutes": "slot_minutes", "--min-staff": "min_staff",
          "--scenario": "scenario"}
BODY = BodyWording({ATTENDANCE: "attendance", ROSTER: "roster"}, FIELDS)
#: seconds the solver has per solve (two a weekday, per plan: the group and each unit alone), and for all
#: of a request's solves together, after which each remaining solve gets a second and returns its best plan
#: (so under load a large request can come back time-limited where an idle server proves the optimum)
TIME_LIMIT_S, BUDGET_S = 20, 120


class AttendanceRow(RequestBody):
    """One user's day in the unit's attendance schedule (*beläggningsschema*): the weekday, arrival and
    departure (HH:MM)."""

    user_id: str = Field(max_length=100, description="pseudonymous user id (as users.csv; personal "
                         "identity numbers are refused)")
    weekday: str = Field(max_length=20, description="day of the week: mon … sun (or mån … sön, or 1–7)")
    start: str = Field(max_length=10, description="arrival, HH:MM")
    end: str = Field(max_length=10, description="departure, HH:MM (24:00 for midnight)")
    level: int | None = Field(None, ge=1, le=8, description="need level 1–8 (null: the user's level in the "
                              "scenario's users.csv; give it for a user not yet there, or to test a changed "
                              "level)")
    unit_id: str | None = Field(None, max_length=100, description="the user's unit when several units are "
                                "planned together (null: the unit in users.csv)")


class RosterRow(RequestBody):
    """One shift of the unit's staff schedule (*arbetsschema*) in a typical week: the weekday, start, end and
    unpaid break (*rast*), HH:MM."""

    staff_id: str | None = Field(None, max_length=100, description="pseudonymous staff id (with it, "
                                 "overlapping shifts of the same person are refused)")
    weekday: str = Field(max_length=20, description="day of the week: mon … sun (or mån … sön, or 1–7)")
    start: str = Field(max_length=10, description="shift start, HH:MM")
    end: str = Field(max_length=10, description="shift end, HH:MM (24:00 for midnight)")
    break_start: str | None = Field(None, max_length=10, description="start of the unpaid break (rast), "
                                    "HH:MM (null: no break)")
    break_end: str | None = Field(None, max_length=10, description="end of the break, HH:MM")


class ShiftPlanRequest(RequestBody):
    """The shift plan to make for one or more daily-activity units (*daglig verksamhet*) of a shipped scenario:
    their attendance schedule, optionally their staff schedule to compare, the slot length and the fewest staff
    on duty."""

    scenario: str = SCENARIO_NAME
    unit_ids: list[Annotated[str, StringConstraints(max_length=100)]] = Field(
        min_length=1, max_length=20, description="daily-activity units (unit_id of the "
                                "scenario's units.csv); several are planned as staffed together (their users' "
                                "need summed before rounding to whole staff), each alone beside it in 'pooling'")
    attendance: list[AttendanceRow] = Field(min_length=1, max_length=5000, description="the unit's "
                                            "attendance schedule (beläggningsschema): one row per user and "
                                            "weekday present")
    roster: list[RosterRow] | None = Field(None, min_length=1, max_length=2000, description="the unit's "
                                           "staff schedule (arbetsschema) in a typical week, one row per "
                                           "shift (null: no comparison)")
    slot_minutes: Literal[15, 30, 60] = Field(30, description="length of a time slot: 15, 30 or 60 minutes "
                                              "(the shift rules must be whole slots: 60 needs whole-hour "
                                              "breaks, which the shipped scenarios' 30-minute breaks are not)")
    min_staff: int = Field(1, ge=0, le=50, description="fewest staff on duty while any user is present")


#: the tables' columns that are not numbers (shift_columns describes each with its unit)
KINDS = {**dict.fromkeys(("weekday", "slot_start", "slot_end", "start", "end", "break_start", "break_end",
                          "measure", "label", "units"), str),
         **dict.fromkeys(("users_present", "staff_needed", "staff_needed_apart", "planned", "actual",
                          "work_minutes", "staff", "plan_shifts", "roster_shifts", "understaffed_slots",
                          "short_by"), int)}
OPTIONAL = shift_columns.OPTIONAL | {"break_start", "break_end"}
NeedSlot = row_model("ShiftNeedSlot", "One time slot of a weekday: the users present and the staff they need "
                     "(their staff ratios summed, rounded up to whole staff, at least min_staff), beside the "
                     "plan's staff and, with a roster, the roster's.", shift_columns.NEED, KINDS, OPTIONAL)
Shift = row_model("Shift", "One shift of the least-hours plan: the weekday, start, end and unpaid break (HH:MM), "
                  "and how many staff work it.", shift_columns.PLAN, KINDS, OPTIONAL)
ShiftSummary = row_model("ShiftSummary", "Staff-hours of one weekday, or of the week ('week'): needed, planned "
                         "and, with a roster, rostered, short of and above the need.", shift_columns.SUMMARY, KINDS,
                         OPTIONAL)
ShiftComparison = row_model("ShiftComparison", "One measure of the unit's staffing — the allocation's "
                            "(*resursfördelning*), the need's, the plan's, the roster's or the staff employed "
                            "(staff.csv) — as staff-hours a week and a year, full-time staff, FTE (*årsarbetare*) "
                            "and SEK a year.", shift_columns.COMPARISON, KINDS)
ShortPeriod = row_model("ShortPeriod", "A run of consecutive slots of a weekday in which the roster has fewer "
                        "staff than the need: the most staff missing in a slot of it and the staff-hours missing.",
                        shift_columns.SHORT, KINDS)
PoolingRow = row_model("PoolingRow", "Several units: one planned alone, their sum ('apart'), the group planned "
                       "together ('together') or the saving (apart − together) — need and plan staff-hours and "
                       "shifts a week, FTE and SEK a year.", shift_columns.POOLING, KINDS)


class ShiftPlanResponse(BaseModel):
    """The staff the daily-activity units need per time slot, the least-hours shifts that cover it and the week's
    hours beside their allocation (hours, FTE, SEK a year); with a roster, where it falls short; with several
    units, what staffing them together (*gemensam bemanning*) saves (docs/shift-plan.md)."""

    resmodel_version: Version
    scenario: ScenarioName
    scenario_file: ScenarioFile
    scenario_hash: ScenarioHash
    unit_ids: list[str] = Field(description="the units planned together, as sent")
    rules: dict[str, int] = Field(description="the shift rules used, in minutes (the scenario's "
                                  "shift_rules.*), with slot_minutes and min_staff")
    need: list[NeedSlot] = Field(description="per weekday and slot (HH:MM): users_present, "
                                 "staff_need_exact (Σ staff ratio), staff_needed (whole staff), "
                                 "staff_needed_apart (several units: each unit's whole staff, summed), "
                                 "planned, actual (with a roster)")
    plan: list[Shift] = Field(description="the least-hours shifts: weekday, start, end, "
                              "break_start and break_end (null: none), work_minutes, staff")
    summary: list[ShiftSummary] = Field(description="staff-hours per weekday and for the week ('week')")
    comparison: list[ShiftComparison] = Field(description="weekly figures beside the unit's allocation: "
                                              "hours per week and year, FTE, SEK a year")
    short: list[ShortPeriod] | None = Field(description="the roster's understaffed periods (null "
                                            "without a roster, [] when it covers the need)")
    pooling: list[PoolingRow] | None = Field(description="several units: each planned alone, 'apart' (their "
                                             "sum), 'together' and 'saving': need and plan hours, shifts, FTE "
                                             "and SEK a year (null for one unit)")
    statuses: dict[str, str] = Field(description="the solver's status per weekday: 'Optimal' (least hours, "
                                     "then fewest shifts, proven), 'Least hours' (fewest shifts not proven in "
                                     "time) or 'Time limit' (a covering plan, least hours not proven; a warning "
                                     f"gives its hours and the bound) — {TIME_LIMIT_S} s a solve, {BUDGET_S} s a "
                                     "request")
    warnings: Warnings
    warning_items: list[WarningItem] = Field(description="the same warnings, in the same order, with their check, "
                                             "where and message apart, for a client that filters or flags")


def _item(check: str, text: str) -> WarningItem:
    """A warning of the command's check (shift_attendance, shift_plan: the names its workbook gives them) at its
    source, its message in the request's words (row 3 of attendance)."""
    item = located(check, text, (ATTENDANCE, ROSTER))
    return item.model_copy(update={"message": BODY.worded(item.message.replace(ATTENDANCE, "attendance")
                                                           .replace(ROSTER, "roster"))})


def _roster_lines(result, unit_ids: list[str]) -> list[str]:
    """The run's roster_implausible warnings of the units planned (shift_run.roster_warnings), without the server's
    paths, as `resmodel shift-plan` prints them after the scenario's."""
    from resmodel.shift_run import roster_warnings

    project = project_folder()
    return [without_server_paths(str(w), project) for w in roster_warnings(result.warnings, unit_ids)]


def _typed(rows: list[BaseModel], schema, display: str) -> pd.DataFrame:
    """The rows typed and checked as ``read_table`` does a file of ``schema`` (``type_table``: identity
    numbers, empty cells, ids); index = the row's position in the request."""
    from resmodel.io.tables import type_table

    raw = pd.DataFrame([{c.name: "" if (v := getattr(r, c.name)) is None else str(v) for c in schema.columns}
                        for r in rows], dtype="object")
    return type_table(raw, schema, display)


def _rules(loaded, slot_minutes: int, min_staff: int):
    """The scenario's shift rules on the request's slot grid. A rule that is not whole slots of
    ``slot_minutes`` but is of 15 minutes is the request's (at slot_minutes); any other is the
    scenario's (at scenario, its file named without the server's paths)."""
    from resmodel.shift_run import shift_rules

    try:
        return shift_rules(loaded.snapshot, slot_minutes, min_staff)
    except ResmodelError as exc:
        try:
            shift_rules(loaded.snapshot, 15, min_staff)
            field = "slot_minutes"
        except ResmodelError:
            field = "scenario"
        project = project_folder()
        raise problem_response(422, [
            {"loc": ["body", FIELDS.get(p.location.path or "", field) if p.location.file is None else field],
             "msg": without_server_paths(BODY.worded(str(p)), project)} for p in exc.problems]) from None


def _check_unit_ids(units: pd.DataFrame, unit_ids: list[str]) -> None:
    """Each unit id checked as the CLI's --unit (check_units), its problem at its index in unit_ids (a repeated
    id at its second place)."""
    from resmodel.shift_run import check_units

    problems = []
    for i, unit_id in enumerate(unit_ids):
        try:
            check_units(units, [unit_id] * (2 if unit_id in unit_ids[:i] else 1))  # twice: its 'named twice'
        except ResmodelError as exc:
            problems += [{"loc": ["body", "unit_ids", i], "msg": BODY.message(p)} for p in exc.problems]
    if problems:
        raise problem_response(422, problems)


@router.post("/shift-plans", response_model=ShiftPlanResponse, response_model_exclude_unset=True)
def create_shift_plan(request: ShiftPlanRequest) -> ShiftPlanResponse:
    """The staff needed per slot, the least-hours shifts that cover it, and the roster against both."""
    from resmodel.allocation.engine import constants
    from resmodel.io.pnr import looks_like_pnr
    from resmodel.io.shifts import ATTENDANCE as ATTENDANCE_SCHEMA
    from resmodel.io.shifts import ROSTER as ROSTER_SCHEMA
    from resmodel.io.shifts import check_slot_grid, prepare_attendance, prepare_roster
    from resmodel.run import run
    from resmodel.shift_run import shift_plan, unit_attendance

    for i, unit_id in enumerate(request.unit_ids):
        if looks_like_pnr(unit_id):
            raise one_problem(422, ["body", "unit_ids", i], "the unit id looks like a Swedish personal identity "
                              "number (personnummer); it is not shown here. Expected a unit_id of the scenario's "
                              "units.csv. Fix: correct unit_ids")
    loaded = load_scenario(request.scenario)
    _check_unit_ids(loaded.data.units, request.unit_ids)
    rules = _rules(loaded, request.slot_minutes, request.min_staff)
    try:
        attendance = prepare_attendance(_typed(request.attendance, ATTENDANCE_SCHEMA, ATTENDANCE), ATTENDANCE)
        attendance, warnings = unit_attendance(loaded.data.users, loaded.data.units, request.unit_ids,
                                               attendance.assign(source=ATTENDANCE, row=attendance.index))
        roster = None
        if request.roster is not None:
            roster = prepare_roster(_typed(request.roster, ROSTER_SCHEMA, ROSTER), ROSTER)
            check_slot_grid(roster, ("start", "end", "break_start", "break_end"), request.slot_minutes,
                            ROSTER)
    except ResmodelError as exc:
        raise problem_response(422, [BODY.json_problem(p) for p in exc.problems]) from None
    try:
        result = run(loaded)
    except ResmodelError as exc:
        raise scenario_error(exc) from None
    units = result.allocation.units
    unit_rows = units.set_index("unit_id").loc[request.unit_ids].reset_index()
    try:
        plan = shift_plan(attendance, roster, unit_rows,
                          loaded.snapshot.levels("daglig_verksamhet.staff_ratio"), rules,
                          constants(loaded.snapshot), TIME_LIMIT_S, BUDGET_S)
    except ResmodelError as exc:  # no plan found in the solver's time: too large a request to plan here
        raise problem_response(422, [BODY.json_problem(p) for p in exc.problems]) from None
    return ShiftPlanResponse(
        resmodel_version=__version__, scenario=loaded.scenario.name,
        scenario_file=nfc(request.scenario),
        scenario_hash=loaded.scenario.content_hash, unit_ids=list(plan.unit_ids),
        rules=dataclasses.asdict(plan.rules),
        need=json_records(plan.need, ("slot_start", "slot_end")),
        plan=json_records(plan.plan, ("start", "end", "break_start", "break_end")),
        summary=json_records(plan.summary), comparison=json_records(plan.comparison),
        short=None if plan.short is None else json_records(plan.short, ("start", "end")),
        pooling=None if plan.pooling is None else json_records(plan.pooling),
        statuses=dict(plan.statuses),
        **answer_warnings([*scenario_warning_lines(loaded), *_roster_lines(result, request.unit_ids)],
                          [*(_item("shift_attendance", w) for w in warnings),
                                                     *(_item("shift_plan", w) for w in plan.warnings)]))
