"""Planning command for the main CLI: ``plan-premises`` — which candidate premises to open, and when.

Parses the options, reads the demand and the candidates, takes today's places and unit costs from a
scenario (or from options), calls ``planning_run.premises_plan``, prints the plan and writes it
atomically. User mistakes raise ``ResmodelError``; the main entry point turns them into a located
message and exit status 2."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from resmodel.cli_series_common import refuse_missing_forecast
from resmodel.errors import InputError, Location, ProblemCollector, ResmodelError

PLAN_OUTPUTS = ("premises_plan.csv", "premises_yearly.csv", "premises_by_level.csv", "capacity_plan.csv",
                "premises_plan.xlsx", "manifest.json")


#: the largest value of each option, as POST /premises-plans allows (beyond them, a typing mistake that
#: the solver cannot take: 1e308 gave a traceback)
OPTION_LIMITS = {"--places": 1e6, "--own-cost-per-place": 1e9, "--external-price": 1e9, "--max-external": 1e6,
                 "--waiting-cost": 1e9, "--investment-ceiling": 1e12}


#: what each option counts (the others are SEK)
OPTION_UNITS = {"--places": "places", "--max-external": "external places a year"}


def _within_limits(option: str, value: float | None) -> None:
    high = OPTION_LIMITS[option]
    if value is not None and not (np.isfinite(value) and 0 <= value <= high):
        raise InputError.at(Location(path=option), f"{option} {value:.6g} is out of range",
                            f"{OPTION_UNITS.get(option, 'SEK')} as a number from 0 to {high:.0e}",
                            f"correct {option}, or leave it out")


def plan_premises(
    ctx: typer.Context,
    demand: Annotated[Path, typer.Option(help="volume forecast (month, service, volume), e.g. from resmodel forecast")],
    service: Annotated[str, typer.Option(help="service whose premises are planned")],
    candidates: Annotated[Path, typer.Option(help="candidate premises CSV/XLSX (docs/planning.md)")],
    demand_column: Annotated[str, typer.Option(
        help="demand column: volume, or an interval bound such as volume_hi_80 (plan for high demand)")] = "volume",
    scenario: Annotated[Path | None, typer.Option(
        help="scenario giving today's places and the unit costs (base-year run)")] = None,
    places: Annotated[float | None, typer.Option(help="today's places (instead of --scenario)")] = None,
    own_cost_per_place: Annotated[float | None, typer.Option(
        metavar="SEK",
        help="running cost per user-year in own premises, SEK (default with --scenario: its base-year average)")] = None,
    external_price: Annotated[float | None, typer.Option(
        help="price per external place-year, SEK (default for bostad_vuxna with --scenario; otherwise none)")] = None,
    no_external: Annotated[bool, typer.Option("--no-external", help="allow no external places")] = False,
    max_external: Annotated[float | None, typer.Option(
        metavar="PLACES", help="external places available per year")] = None,
    waiting_cost: Annotated[float | None, typer.Option(
        help="cost per case-year left waiting, SEK (default: nobody may wait)")] = None,
    investment_ceiling: Annotated[float | None, typer.Option(help="one-off costs allowed per year, SEK")] = None,
    discount_rate: Annotated[float, typer.Option(help="yearly discount rate for the total")] = 0.0,
    out: Annotated[Path, typer.Option(help="output folder (new, empty, or an earlier output of the same command, "
                                           "which is replaced)")] = Path("results/premises_plan"),
) -> None:
    """Premises plan: which candidate premises to open and when, at the least cost (MIP, CBC)."""
    from resmodel.io.candidates import amount_warnings, read_candidates
    from resmodel.io.pnr import check_option_for_pnr
    from resmodel.io.series import csv_writer, read_demand_table, write_atomically
    from resmodel.io.writers import check_output_folder, workbook_writer
    from resmodel.planning.premises import PlanCosts
    from resmodel.planning_run import cost_notes, premises_plan, raise_candidate_problems, scenario_inputs
    from resmodel.run import load, run
    from resmodel.warning_order import scenario_warnings, warning_lines

    check_output_folder(out, PLAN_OUTPUTS)
    check_option_for_pnr(service, "--service")
    refuse_missing_forecast(demand)
    for option, value in (("--places", places), ("--own-cost-per-place", own_cost_per_place),
                          ("--external-price", external_price), ("--max-external", max_external),
                          ("--waiting-cost", waiting_cost), ("--investment-ceiling", investment_ceiling)):
        _within_limits(option, value)
    if not (np.isfinite(discount_rate) and 0 <= discount_rate <= 0.5):
        raise InputError.at(Location(path="--discount-rate"), f"--discount-rate {discount_rate:g} is out of range",
                            "a yearly rate from 0 to 0.5 (0.03 for 3 %)", "correct --discount-rate")
    if (scenario is None) == (places is None):
        raise InputError.at(Location(path="--scenario/--places"), "give one of --scenario or --places",
                            "exactly one: a scenario (today's places and unit costs) or --places N",
                            "choose one")
    if no_external and external_price is not None:
        raise InputError.at(Location(path="--no-external"), "--no-external with --external-price",
                            "one of them", "drop --external-price, or --no-external")
    problems = ProblemCollector()
    table = read_candidates(candidates, service, str(candidates), problems)
    if problems.problems:  # every problem of the file at once: the decided years too, on the demand's years
        raise_candidate_problems(problems, table, _readable_demand(demand), service, demand_column, str(demand),
                                 str(candidates))
    by_level = bool(table["min_level"].notna().any())
    if by_level and scenario is None:
        raise InputError.at(Location(str(candidates), column="min_level"), "candidates by level range with --places",
                            "--scenario, whose premises give today's places by level range",
                            "give --scenario instead of --places, or leave min_level and max_level empty to plan "
                            "on totals")
    notes: list[str] = []
    said: list[str] = []  # the scenario's parameter slips and starter-kit values, which its unit costs rest on
    base: float | pd.DataFrame = float(places) if places is not None else 0.0
    run_manifest, external_days = None, None
    if scenario is not None:
        loaded = load(scenario)
        base_run = run(loaded)
        run_manifest = base_run.manifest
        said = warning_lines(scenario_warnings(loaded), loaded, f"in `resmodel run {scenario}`'s workbook, sheet "
                             "'Varningar'")
        inputs = scenario_inputs(loaded, base_run, service, str(scenario))
        base, notes = (inputs.groups if by_level else inputs.places), [*inputs.notes, *cost_notes(
            inputs, own_cost_per_place, external_price, no_external)]
        own_cost_per_place = inputs.own_cost_per_place if own_cost_per_place is None else own_cost_per_place
        if external_price is None and not no_external and inputs.external_price is not None:
            external_price, external_days = inputs.external_price, inputs.base_days  # a day price × each year's days
    if own_cost_per_place is None:
        raise InputError.at(Location(path="--own-cost-per-place"), "no running cost per user-year in own premises",
                            "--own-cost-per-place SEK, or --scenario to take the base-year average",
                            "add --own-cost-per-place (staff and other costs per user and year)")
    if max_external is not None and external_price is None:
        raise InputError.at(Location(path="--max-external"), "--max-external without an external price",
                            "--external-price with it", "add --external-price, or drop --max-external")
    costs = PlanCosts(own_cost_per_place=own_cost_per_place, external_price=external_price,
                      max_external=max_external, waiting_cost=waiting_cost,
                      investment_ceiling=investment_ceiling, discount_rate=discount_rate, external_days=external_days)
    plan = premises_plan(read_demand_table(demand, str(demand)), service, table, costs, base, demand_column,
                         str(demand), str(candidates),
                         base_year=loaded.scenario.base_date.year if scenario is not None else None,
                         base_users=inputs.users if scenario is not None else None)
    warnings = [*said, *map(str, amount_warnings(table, str(candidates))), *plan.warnings]
    notes = [*notes, *plan.notes]
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    sums = _option_sums(plan.options, costs)
    _echo(service, demand_column, plan.plan, plan.options, sums, costs)
    if plan.by_level is not None:
        _echo_levels(plan.by_level, base)
    writers = {"premises_plan.csv": csv_writer(plan.plan), "premises_yearly.csv": csv_writer(plan.yearly)}
    if plan.by_level is not None:
        writers["premises_by_level.csv"] = csv_writer(plan.by_level)
    writers["capacity_plan.csv"] = csv_writer(plan.capacity)
    writers["premises_plan.xlsx"] = workbook_writer({  # the same tables for Swedish Excel (a comma CSV is one column)
        "Lokalplan — plan": plan.plan, "Per år — yearly": plan.yearly,
        **({"Per nivå — by level": plan.by_level} if plan.by_level is not None else {}),
        "Kapacitet — capacity": plan.capacity, "Jämförelse — options": sums,
        "Antaganden — assumptions": _assumptions(plan, costs, base, notes, warnings)})
    writers["manifest.json"] = _manifest_writer(ctx.info_name, ctx.params, run_manifest, _resolved(plan, costs, base),
                                                warnings)
    files = write_atomically(out, writers, PLAN_OUTPUTS)
    column = f" --demand-column {demand_column}" if demand_column != "volume" else ""
    typer.echo(f"wrote {', '.join(files)} to {out}; the queue under the plan, month by month: resmodel queue "
               f"--demand {demand} --service {service}{column} --capacity {out / 'capacity_plan.csv'}; the plan in "
               f"the budget: 'projection: capacity: {service}: {{places: premises, plan: <path of "
               f"{out / 'premises_plan.csv'} from the scenario file>}}' in a scenario, then resmodel project "
               "(docs/projection.md, \"From a premises plan\")")


def _readable_demand(path: Path) -> pd.DataFrame | None:
    """The demand table, or None when it cannot be read (its own errors come when the plan reads it)."""
    from resmodel.io.series import read_demand_table

    try:
        return read_demand_table(path, str(path))
    except ResmodelError:
        return None


def _echo_levels(level_table: pd.DataFrame, groups: pd.DataFrame) -> None:
    ranges = ", ".join(f"levels {r.min_level}–{r.max_level}: {r.places:,.0f}" for r in groups.itertuples())
    typer.echo(f"\nToday's places by level range: {ranges}")
    plan = level_table[level_table["option"] == "plan"]
    last = plan[plan["year"] == plan["year"].max()]
    typer.echo(f"Last year of the plan ({int(last['year'].iloc[0])}) by need level:")
    typer.echo(last[["level", "demand", "served_own", "external_places", "waiting", "unmet"]].to_string(
        index=False, float_format=lambda v: f"{v:,.1f}"))


def _resolved(plan, costs, base: float | pd.DataFrame) -> dict:
    """The values the plan was made with, defaults resolved (the options record only what was given): the
    running cost per user-year, the external price, today's places (by level range) and the demand's months."""
    groups = base if isinstance(base, pd.DataFrame) else None
    return {"own_cost_per_place": costs.own_cost_per_place, "external_price": costs.external_price,
            "places": float(plan.yearly["base_places"].iloc[0]),
            "places_by_level_range": None if groups is None else [
                {"min_level": int(r.min_level), "max_level": int(r.max_level), "places": float(r.places)}
                for r in groups.itertuples()],
            "months": [str(plan.capacity["month"].iloc[0]), str(plan.capacity["month"].iloc[-1])]}


def _manifest_writer(command: str, params: dict, run_manifest, resolved: dict, warnings: list[str]):
    """manifest.json: the command's manifest (options as given) with the values the plan used under 'resolved' and
    the warnings the terminal shows (a candidate's rent typed in tkr is in the record of the run, not only on screen)."""
    from resmodel.io.manifest import command_manifest
    from resmodel.io.writers import json_text

    text = json_text({**command_manifest(command, params, run_manifest), "resolved": resolved, "warnings": warnings})
    return lambda path: path.write_text(text, encoding="utf-8")


def _assumptions(plan, costs, base: float | pd.DataFrame, notes: list[str], warnings: list[str]) -> pd.DataFrame:
    """The workbook's sheet of what the plan rests on — the values used (defaults resolved), today's places by
    level range — and the notes and warnings the terminal shows, so that the workbook stands on its own."""
    def amount(value: float | None, none: str) -> float | str:
        return none if value is None else float(value)

    months = plan.capacity["month"]
    rows = [("service", str(plan.capacity["service"].iloc[0]), "the service planned"),
            ("demand_column", str(plan.capacity["planned_for"].iloc[0]), "the forecast column planned for (each "
             "year's peak month)"),
            ("months", f"{months.iloc[0]}–{months.iloc[-1]}", "the demand's months (a partial first or last year "
             "is costed for its months)"),
            ("own_cost_per_place", float(costs.own_cost_per_place), "running cost per user-year in own premises, "
             "SEK"),
            ("external_price", amount(costs.external_price, "none: no external places"), "per external "
             "place-year, SEK"),
            ("max_external", amount(costs.max_external, "no limit"), "external places a year"),
            ("waiting_cost", amount(costs.waiting_cost, "none: nobody may wait"), "per case-year waited, SEK"),
            ("investment_ceiling", amount(costs.investment_ceiling, "none"), "one-off costs a year, SEK"),
            ("discount_rate", float(costs.discount_rate), "a year"),
            ("places", float(plan.yearly["base_places"].iloc[0]), "today's places")]
    if isinstance(base, pd.DataFrame):
        rows += [(f"places, levels {r.min_level}–{r.max_level}", float(r.places), "today's places suiting those "
                  "need levels") for r in base.itertuples()]
    table = [("antagande — assumption", *row) for row in rows]
    table += [("not — note", "", "", n) for n in notes] + [("varning — warning", "", "", w) for w in warnings]
    return pd.DataFrame(table, columns=["kind", "item", "value", "about"])


def _option_sums(options: dict[str, pd.DataFrame], costs) -> pd.DataFrame:
    """Per option its costs summed over the horizon (discounted, when a rate is given), the total and the
    unmet demand — the comparison the terminal shows and the workbook keeps."""
    parts = ["rent_new_sek", "one_off_sek", "own_running_sek", "external_sek", "waiting_cost_sek"]
    rows = []
    for name, table in options.items():
        factor = table["discounted_sek"] / table["total_sek"].where(table["total_sek"] != 0, 1.0)
        sums = {c: float((table[c] * factor).sum()) for c in parts}
        short = table[table["unmet"] > 1e-6]
        rows.append({"option": name, **sums, "total_sek": float(table["discounted_sek"].sum()),
                     "unmet": (f"{short['unmet'].sum():,.1f} user-years from {int(short['year'].iloc[0])}"
                               if not short.empty else "none"),
                     "discount_rate": float(costs.discount_rate)})
    return pd.DataFrame(rows)


def _echo(service: str, column: str, plan: pd.DataFrame, options: dict[str, pd.DataFrame], sums: pd.DataFrame,
          costs) -> None:
    from resmodel.planning_run import plural

    typer.echo(f"Premises plan for {service} (demand: peak month of each year, {column}; SEK in base-year prices)")
    opened = plan["decision"].isin(["open", "decided"])
    last_year = int(options["plan"]["year"].max())
    late = ~opened & plan["earliest_possible"].gt(last_year)  # cannot open within the plan's years
    if not opened.any():
        typer.echo("  no candidate opens: " + (
            f"none can open within the plan's years (the first in {int(plan['earliest_possible'].min())}, after "
            f"{last_year}; see the warning)" if late.all() else "none lowers the cost" +
            (", and none can take the unmet demand in time (see the warning)"
             if options["plan"]["unmet"].sum() > 1e-6 else " of meeting demand")
            + (f"; {plural(int(late.sum()), 'candidate')} cannot open within the plan's years" if late.any() else "")))
    else:
        shown = plan[opened].drop(columns="reason")
        shown = shown.astype(object).where(shown.notna(), "–")
        money = ("annual_rent_sek", "one_off_cost_sek")

        def cell(v, thousands: bool) -> str:
            return v if isinstance(v, str) else f"{v:,.0f}" if thousands else f"{v:.0f}"
        typer.echo(shown.to_string(index=False, formatters={c: (lambda v, t=c in money: cell(v, t))
                                                             for c in shown.columns}))
    if (~opened).any():
        later = f", {int(late.sum())} of them unable to open by {last_year}" if late.any() and opened.any() else ""
        typer.echo(f"  ({plural(int((~opened).sum()), 'candidate')} not opened{later}; premises_plan.csv says why for "
                   "each, in column 'reason')")
    partial = ["months"] if options["plan"]["months"].ne(12).any() else []  # a partial year is costed for its months
    yearly = options["plan"][["year", *partial, "demand", "places", "served_own", "external_places", "waiting",
                              "unmet", "free_places", "total_sek"]]
    typer.echo("\nThe plan year by year:")
    typer.echo(yearly.to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    typer.echo("\nOptions compared (sums over the horizon, SEK" +
               (f", discounted at {costs.discount_rate:g} a year" if costs.discount_rate else "") + "):")
    shown = sums.drop(columns="discount_rate")
    typer.echo(shown.rename(columns=lambda c: c.removesuffix("_sek")).to_string(
        index=False, float_format=lambda v: f"{v:,.0f}"))
    typer.echo("(own_running: staff and other costs of the users served in own premises; unmet: demand no allowed "
               "source meets — those users are not in the costs, so compare totals only between options that "
               "leave the same demand unmet)")


def register(app: typer.Typer) -> None:
    """Add the planning command to the main CLI."""
    app.command("plan-premises")(plan_premises)
