"""Section-manager command for the main CLI: ``shift-plan`` — staff needed per time slot from a
unit's attendance schedule, the least-hours shift plan that covers it, and the actual staff schedule
against both (model.md §5, docs/shift-plan.md).

Reads the scenario (users' levels, parameters, base-year allocation), the attendance and the
roster, calls ``shift_run``, prints the result and writes it atomically. User mistakes raise
``ResmodelError``; the main entry point turns them into a located message and exit status 2."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

#: the scenario used when --scenario is not given: the shipped example, relative to the current folder
DEFAULT_SCENARIO = Path("scenarios/base.yaml")
SHIFT_OUTPUTS = ("shift_need.csv", "shift_plan.csv", "shift_summary.csv", "shift_comparison.csv",
                 "roster_short.csv", "shift_pooling.csv", "shift_chart.png", "shift_plan.xlsx", "manifest.json")


def shift_plan(
    ctx: typer.Context,
    unit: Annotated[list[str], typer.Option(help="daily-activity unit (unit_id of units.csv); repeat it to plan "
                                                 "units staffed together, e.g. in the same premises")],
    attendance: Annotated[list[Path], typer.Option(help="attendance schedule CSV/XLSX: user_id, weekday, start, end "
                                                        "[, level, unit_id] (docs/shift-plan.md); repeat it for "
                                                        "one file per unit")],
    scenario: Annotated[Path, typer.Option(help="scenario giving the users' levels, the parameters and the "
                                                "allocation")] = DEFAULT_SCENARIO,
    roster: Annotated[Path | None, typer.Option(help="the staff schedule CSV/XLSX: weekday, start, end "
                                                     "[, staff_id, break_start, break_end]")] = None,
    slot_minutes: Annotated[int, typer.Option(help="length of a time slot: 15, 30 or 60 minutes (60 only with shift "
                                                   "rules in whole hours; the default break is 30 minutes)")] = 30,
    min_staff: Annotated[int, typer.Option(help="fewest staff on duty while any user is present")] = 1,
    out: Annotated[Path | None, typer.Option(help="output folder (default results/shift_plan/<unit>[+<unit>…]; new, "
                                                  "empty, or an earlier output of this command, which is "
                                                  "replaced)")] = None,
) -> None:
    """Shift plan for a unit (or units staffed together): staff needed per slot, the least-hours shifts
    (integer programme, CBC), and the roster against both."""
    from resmodel.allocation.engine import constants
    from resmodel.errors import InputError, Location, Warning_
    from resmodel.io.manifest import command_manifest
    from resmodel.io.pnr import check_option_for_pnr
    from resmodel.io.series import csv_writer, write_atomically
    from resmodel.io.shifts import check_slot_grid, read_attendances, read_roster
    from resmodel.io.writers import check_output_folder, write_json, write_workbook
    from resmodel.planning.charts import shift_chart_png
    from resmodel.run import load, run
    from resmodel.shift_run import check_units, roster_warnings, shift_rules, unit_attendance
    from resmodel.shift_run import shift_plan as plan_units
    from resmodel.warning_order import scenario_warnings, warning_lines

    for unit_id in unit:
        check_option_for_pnr(unit_id, "--unit")
    out = out or Path("results/shift_plan") / "+".join(unit)
    check_output_folder(out, SHIFT_OUTPUTS)
    if slot_minutes not in (15, 30, 60):
        raise InputError.at(Location(path="--slot-minutes"), f"--slot-minutes {slot_minutes}", "15, 30 or 60",
                            "choose one of 15, 30 or 60")
    if not 0 <= min_staff <= 50:
        raise InputError.at(Location(path="--min-staff"), f"--min-staff {min_staff}", "a whole number from 0 to 50",
                            "correct --min-staff")
    if scenario == DEFAULT_SCENARIO and not scenario.exists():
        raise InputError.at(Location(path="--scenario"), f"the default scenario '{DEFAULT_SCENARIO}' (used when "
                            f"--scenario is not given) is not in the current folder",
                            "a scenario file giving the users' levels, the parameters and the allocation",
                            "pass --scenario YOUR_SCENARIO.yaml, or run from the folder that holds "
                            f"{DEFAULT_SCENARIO}")
    loaded = load(scenario)
    check_units(loaded.data.units, unit)
    rules = shift_rules(loaded.snapshot, slot_minutes, min_staff)
    table, warnings = unit_attendance(loaded.data.users, loaded.data.units, unit, read_attendances(attendance))
    shifts = None
    if roster is not None:
        shifts = read_roster(roster, str(roster))
        check_slot_grid(shifts, ("start", "end", "break_start", "break_end"), slot_minutes, str(roster))
    base_run = run(loaded)
    units = base_run.allocation.units
    rows = units.set_index("unit_id").loc[unit].reset_index()
    plan = plan_units(table, shifts, rows, loaded.snapshot.levels("daglig_verksamhet.staff_ratio"), rules,
                      constants(loaded.snapshot), roster_source=str(roster))
    # the need rests on the parameters: their slips and starter-kit values, grouped as run prints them (API review)
    slips = scenario_warnings(loaded)
    rosters = roster_warnings(base_run.warnings, unit)
    printed = [*warning_lines(slips, loaded, "in the workbook's sheet 'Varningar'"),
               *(str(w) for w in [*rosters, *warnings, *plan.warnings])]
    for warning in printed:
        typer.echo(f"warning: {warning}", err=True)
    # the command's own warnings name their file and row in the message; as run's, each concerns the units planned
    listed = [*slips, *rosters, *(Warning_(check, Location(), text, tuple(unit)) for check, texts in
                                      (("shift_attendance", warnings), ("shift_plan", plan.warnings)) for text in texts)]
    _echo(plan, loaded.snapshot["working_time.contract_hours_per_week"])
    writers = {"shift_need.csv": csv_writer(_with_clock(plan.need, ("slot_start", "slot_end"))),
               "shift_plan.csv": csv_writer(_with_clock(plan.plan, ("start", "end", "break_start", "break_end"))),
               "shift_summary.csv": csv_writer(plan.summary),
               "shift_comparison.csv": csv_writer(plan.comparison)}
    if plan.pooling is not None:
        writers["shift_pooling.csv"] = csv_writer(plan.pooling)
    if plan.short is not None:
        writers["roster_short.csv"] = csv_writer(_with_clock(plan.short, ("start", "end")))
    workbook = _workbook(plan, listed)
    writers["shift_plan.xlsx"] = lambda path: write_workbook(workbook, path)
    png = shift_chart_png(plan.need, "+".join(plan.unit_ids))
    writers["shift_chart.png"] = lambda path: path.write_bytes(png)
    manifest = {**command_manifest(ctx.info_name, ctx.params, base_run.manifest), "warnings": printed}
    writers["manifest.json"] = lambda path: write_json(manifest, path)
    files = write_atomically(out, writers, SHIFT_OUTPUTS)
    typer.echo(f"wrote {', '.join(files)} to {out}")


def _with_clock(table: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    from resmodel.io.shifts import clock

    return table.assign(**{c: table[c].map(clock) for c in columns})


#: the workbook's column labels: the Swedish term and an English gloss, as the run's workbook (report.py)
WORKBOOK_LABELS = {
    "weekday": "Veckodag (weekday)", "slot_start": "Tid (slot start)", "start": "Start (start)",
    "end": "Slut (end)", "break_start": "Rast från (break start)", "break_end": "Rast till (break end)",
    "work_minutes": "Arbetstid, minuter (work minutes, break excluded)", "staff": "Antal personal (staff)",
    "need_hours": "Behov, personaltimmar (need, staff-hours)", "plan_hours": "Plan, personaltimmar (plan hours)",
    "plan_shifts": "Plan, pass (plan shifts)", "roster_hours": "Schema, personaltimmar (roster hours)",
    "roster_shifts": "Schema, pass (roster shifts)",
    "understaffed_hours": "Underbemanning, personaltimmar (understaffed hours)",
    "understaffed_slots": "Underbemannade tidsluckor (understaffed slots)",
    "overstaffed_hours": "Överbemanning, personaltimmar (overstaffed hours)",
    "roster_hours_without_users": "Schema utan brukare, timmar (roster hours with no user present)",
    "measure": "Mått (measure)", "label": "Beskrivning (description)",
    "hours_per_week": "Timmar per vecka (hours a week)", "full_time_staff": "Heltidsanställda i arbete (full-time staff at work)",
    "hours_per_year": "Timmar per år (hours a year)", "fte": "Årsarbetare (FTE)", "cost_sek": "Kostnad, kr (SEK a year)",
    "units": "Enheter (units)", "plan_fte": "Plan, årsarbetare (plan FTE)",
    "plan_cost_sek": "Plan, kostnad kr (plan SEK a year)", "short_by": "Saknas högst, personal (staff short at most)",
    "staff_hours": "Saknade personaltimmar (staff-hours short)",
}


def _sheet(table: pd.DataFrame, formats: dict[str, str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """A table with Swedish column labels and weekday names (the CSVs keep the keys), its formats relabelled."""
    from resmodel.planning.shifts import DAY_LABELS

    days = {**DAY_LABELS, "week": "hela veckan"}
    shown = table.assign(weekday=table["weekday"].map(lambda d: days.get(d, d))) if "weekday" in table else table
    return (shown.rename(columns=WORKBOOK_LABELS),
            {WORKBOOK_LABELS.get(column, column): f for column, f in formats.items()})


def _workbook(plan, warnings: list) -> dict[str, tuple[pd.DataFrame, dict[str, str]]]:
    """The results as sheets with Swedish names and column labels, for the manager who works in Excel; the
    ``warnings`` last, in a Varningar sheet as ``resmodel run``'s workbook has them (empty when there are none)."""
    from resmodel.report import warnings_table
    from resmodel.shift_run import need_grid

    sheets = {"Veckan": _sheet(plan.summary, {}),
              "Jämförelse": _sheet(plan.comparison, {"hours_per_week": "0.0", "hours_per_year": "#,##0",
                                                      "full_time_staff": "0.00", "fte": "0.00", "cost_sek": "#,##0"}),
              "Per halvtimme" if plan.rules.slot_minutes == 30 else "Per tidslucka": _sheet(
                  _with_clock(need_grid(plan.need), ("slot_start",)), {}),
              "Bemanningsplan": _sheet(_with_clock(plan.plan, ("start", "end", "break_start", "break_end")), {})}
    if plan.pooling is not None:
        sheets["Samplanering"] = _sheet(plan.pooling, {"need_hours": "0.00", "plan_hours": "0.00", "plan_fte": "0.00",
                                                       "plan_cost_sek": "#,##0"})
    if plan.short is not None:
        sheets["Underbemanning"] = _sheet(_with_clock(plan.short, ("start", "end")), {})
    sheets["Varningar"] = (warnings_table(warnings), {})
    return sheets


def _echo(plan, contract_hours: float) -> None:
    from resmodel.io.shifts import clock

    rules = plan.rules
    typer.echo(f"Shift plan for {' + '.join(plan.unit_ids)} ({rules.slot_minutes}-minute slots; shifts "
               f"{rules.min_shift_minutes / 60:g}–{rules.max_shift_minutes / 60:g} h, a {rules.break_minutes}-minute "
               f"break in shifts over {rules.max_work_without_break_minutes / 60:g} h of work)\n")
    typer.echo("Per weekday, staff-hours:")
    typer.echo(plan.summary.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    typer.echo("\nThe least-hours plan (staff on each shift):")
    for day, shifts in plan.plan.groupby("weekday", sort=False):
        parts = [f"{s.staff}× {clock(s.start)}–{clock(s.end)}" + (f" (rast {clock(s.break_start)})"
                 if not pd.isna(s.break_start) else "") for s in shifts.itertuples()]
        typer.echo(f"  {day}: " + ", ".join(parts))
    if plan.pooling is not None:
        pooled = plan.pooling.set_index("units")
        saving, apart = pooled.loc["saving"], pooled.loc["apart"]
        typer.echo(f"\nStaffed together, the {len(plan.unit_ids)} units need {saving['plan_hours']:,.1f} fewer staff-hours "
                   f"a week than each on its own ({pooled.at['together', 'plan_hours']:,.1f} against "
                   f"{apart['plan_hours']:,.1f} in the least-hours plans; {saving['plan_fte']:,.2f} FTE, "
                   f"{saving['plan_cost_sek'] / 1000:,.0f} tkr (thousand SEK) a year). This assumes staff can move between the "
                   "units during the day:")
        typer.echo(plan.pooling.to_string(index=False, formatters={
            "need_hours": "{:,.1f}".format, "plan_hours": "{:,.1f}".format, "plan_fte": "{:,.2f}".format,
            "plan_cost_sek": "{:,.0f}".format}))
    typer.echo(f"\nWeekly figures beside the allocation: hours a week; the same as full-time staff at work "
               f"(÷ {contract_hours:g}); hours a year (× open weeks); the FTE it takes to deliver them all year, leave "
               "and sickness covered; SEK a year:")
    shown = plan.comparison.drop(columns="label")
    formats = {"hours_per_week": "{:,.1f}", "full_time_staff": "{:,.2f}", "hours_per_year": "{:,.0f}",
               "fte": "{:,.2f}", "cost_sek": "{:,.0f}"}
    typer.echo(shown.to_string(index=False, formatters={c: f.format for c, f in formats.items()}))
    typer.echo("(staff_csv is the other way round: the FTE employed, and the hours they deliver after leave and "
               "sickness, per open week and a year)")
    figures = plan.comparison.set_index("measure")
    if "roster" in figures.index and "staff_csv" in figures.index:
        gap = figures.at["roster", "fte"] - figures.at["staff_csv", "fte"]
        closed = plan.closed
        typer.echo(f"The schedule takes {figures.at['roster', 'fte']:,.2f} FTE to keep staffed all year"
                   + (f" if every open week is like this one, with nothing on {', '.join(closed)} (see the warning)"
                      if closed else "") + f"; "
                   f"{figures.at['staff_csv', 'fte']:,.2f} are employed: "
                   + (f"{gap:,.2f} FTE (about {gap * figures.at['roster', 'hours_per_year'] / figures.at['roster', 'fte']:,.0f}"
                      " hours a year) must come from substitutes or extra hours." if gap > 0.005 else
                      f"{-gap:,.2f} FTE more than the schedule uses." if gap < -0.005 else "they match."))
    elif "plan" in figures.index and "staff_csv" in figures.index:  # no roster: the plan against the staff employed
        gap = figures.at["plan", "fte"] - figures.at["staff_csv", "fte"]
        typer.echo(f"The least-hours plan takes {figures.at['plan', 'fte']:,.2f} FTE to keep staffed all year; "
                   f"{figures.at['staff_csv', 'fte']:,.2f} are employed (staff.csv): "
                   + (f"{gap:,.2f} FTE short of even the least-hours plan." if gap > 0.005 else
                      f"{-gap:,.2f} FTE more than the plan needs for the users' time" + (
                          f" (the allocation, with indirect and fixed hours, is {figures.at['allocation_total', 'fte']:,.2f}"
                          " FTE)" if "allocation_total" in figures.index else "") + "; give --roster to see your "
                      "schedule against the need slot by slot." if gap < -0.005 else "they match."))
    if plan.short is not None:
        if plan.short.empty:
            typer.echo("\nThe roster covers the need in every slot.")
        else:
            worst = plan.short.sort_values(["staff_hours", "short_by"], ascending=False, kind="stable").head(5)
            typer.echo(f"\nThe roster falls short in {len(plan.short)} period(s), "
                       f"{plan.short['staff_hours'].sum():,.1f} staff-hours a week; the largest:")
            for s in worst.itertuples():
                typer.echo(f"  {s.weekday} {clock(s.start)}–{clock(s.end)}: {s.short_by} staff short at most, "
                           f"{s.staff_hours:g} staff-hour" + ("" if s.staff_hours == 1 else "s"))


def register(app: typer.Typer) -> None:
    """Add the shift-plan command to the main CLI."""
    app.command("shift-plan")(shift_plan)
