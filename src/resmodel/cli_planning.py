"""Planning command for the main CLI: ``plan-premises`` — which candidate premises to open, and when.

Parses the options, reads the demand and the candidates, takes today's places and unit costs from a
scenario (or from options), calls the optimiser and writes the plan atomically. User mistakes
raise ``ResmodelError``; the main entry point turns them into a located message and exit status 2."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from resmodel.errors import InputError, Location

PLAN_OUTPUTS = ("premises_plan.csv", "premises_yearly.csv", "capacity_plan.csv")
#: the sanction fee's central value per month waited (public_parameters.md, RÅ 2010 not 93), for the note
FEE_PER_MONTH = 36_400


def _non_negative(option: str, value: float | None) -> None:
    if value is not None and not (np.isfinite(value) and value >= 0):
        raise InputError.at(Location(path=option), f"{option} {value:g} is not a number ≥ 0",
                            "SEK (or places) as a number ≥ 0", f"correct {option}, or leave it out")


def _scenario_defaults(scenario: Path, service: str) -> tuple[float, float, float | None, list[str]]:
    """Today's places, the running cost per user-year (staff and other costs, base year) and, for
    adult housing, the external place price per year, from a scenario's base-year run."""
    from resmodel.cli_forecast import _premises_places
    from resmodel.run import load, run
    from resmodel.services import UNIT_SERVICE_OF_USER

    places = _premises_places(scenario, service)
    services = run(load(scenario)).services.set_index("service")
    unit_service = UNIT_SERVICE_OF_USER.get(service, service)
    users = float(services.at[unit_service, "users"])
    own = float(services.at[unit_service, "staff_cost"] + services.at[unit_service, "other_cost"]) / users
    notes = [f"today's places from the premises of {scenario}: {places:,.0f}",
             f"running cost per user-year (staff and other costs, base year, average of {users:,.0f} users): "
             f"{own:,.0f} SEK"]
    external = None
    if service == "bostad_vuxna" and "externa_platser" in services.index and services.at["externa_platser", "users"]:
        ext = services.loc["externa_platser"]
        external = float(ext["purchase_cost"] + ext["other_cost"]) / float(ext["users"])
        notes.append(f"external place price per year (externa_platser, base year average): {external:,.0f} SEK")
    return places, own, external, notes


def plan_premises(
    demand: Annotated[Path, typer.Option(help="volume forecast (month, service, volume), e.g. from resmodel forecast")],
    service: Annotated[str, typer.Option(help="service whose premises are planned")],
    candidates: Annotated[Path, typer.Option(help="candidate premises CSV/XLSX (docs/planning.md)")],
    demand_column: Annotated[str, typer.Option(
        help="demand column: volume, or an interval bound such as volume_hi_80 (plan for high demand)")] = "volume",
    scenario: Annotated[Path | None, typer.Option(
        help="scenario giving today's places and the unit costs (base-year run)")] = None,
    places: Annotated[float | None, typer.Option(help="today's places (instead of --scenario)")] = None,
    own_cost_per_place: Annotated[float | None, typer.Option(
        help="running cost per user-year in own premises, SEK (default with --scenario: its base-year average)")] = None,
    external_price: Annotated[float | None, typer.Option(
        help="price per external place-year, SEK (default for bostad_vuxna with --scenario; otherwise none)")] = None,
    no_external: Annotated[bool, typer.Option(help="allow no external places")] = False,
    max_external: Annotated[float | None, typer.Option(help="external places available per year")] = None,
    waiting_cost: Annotated[float | None, typer.Option(
        help="cost per case-year left waiting, SEK (default: nobody may wait)")] = None,
    investment_ceiling: Annotated[float | None, typer.Option(help="one-off costs allowed per year, SEK")] = None,
    discount_rate: Annotated[float, typer.Option(help="yearly discount rate for the total")] = 0.0,
    out: Annotated[Path, typer.Option(help="output folder (new, empty, or an earlier output of the same command, "
                                           "which is replaced)")] = Path("results/premises_plan"),
) -> None:
    """Premises plan: which candidate premises to open and when, at the least cost (MIP, CBC)."""
    from resmodel.forecast.queue import demand_from_table
    from resmodel.io.candidates import check_candidate_years, read_candidates
    from resmodel.io.pnr import check_option_for_pnr
    from resmodel.io.series import csv_writer, write_atomically
    from resmodel.io.tables import read_raw
    from resmodel.io.writers import check_output_folder
    from resmodel.planning.premises import PlanCosts, evaluate_plan, optimise_plan, yearly_peak

    check_output_folder(out, PLAN_OUTPUTS)
    check_option_for_pnr(service, "--service")
    for option, value in (("--places", places), ("--own-cost-per-place", own_cost_per_place),
                          ("--external-price", external_price), ("--max-external", max_external),
                          ("--waiting-cost", waiting_cost), ("--investment-ceiling", investment_ceiling)):
        _non_negative(option, value)
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
    notes: list[str] = []
    if scenario is not None:
        places, default_own, default_external, notes = _scenario_defaults(scenario, service)
        own_cost_per_place = default_own if own_cost_per_place is None else own_cost_per_place
        if external_price is None and not no_external:
            external_price = default_external
    if own_cost_per_place is None:
        raise InputError.at(Location(path="--own-cost-per-place"), "no running cost per user-year in own premises",
                            "--own-cost-per-place SEK, or --scenario to take the base-year average",
                            "add --own-cost-per-place (staff and other costs per user and year)")
    if no_external:
        external_price = None
    if max_external is not None and external_price is None:
        raise InputError.at(Location(path="--max-external"), "--max-external without an external price",
                            "--external-price with it", "add --external-price, or drop --max-external")

    monthly = demand_from_table(read_raw(demand, str(demand)), service, str(demand), column=demand_column)
    peak = yearly_peak(monthly)
    years = peak.index
    table = read_candidates(candidates, service, str(candidates))
    check_candidate_years(table, int(years[0]), int(years[-1]), str(candidates))
    base = pd.Series(float(places), index=years)
    costs = PlanCosts(own_cost_per_place=own_cost_per_place, external_price=external_price,
                      max_external=max_external, waiting_cost=waiting_cost,
                      investment_ceiling=investment_ceiling, discount_rate=discount_rate)
    _check_feasible(peak, base, table, costs, str(candidates))
    result = optimise_plan(peak, base, table, costs)
    if result.status != "Optimal":
        hint = (" --investment-ceiling may leave too little room to open the premises in time; raise it"
                if investment_ceiling is not None else "")
        raise InputError.at(Location(path="--candidates"), f"the solver found no plan (status {result.status})",
                            "candidates, costs and limits that allow demand to be met",
                            f"check the limits{';' + hint if hint else ''}")

    none_open = pd.Series(0, index=table.index)
    options = {"no_new_premises": evaluate_plan(peak, base, table, none_open, costs)}
    if table["decided_year"].notna().any():
        options["decided_only"] = evaluate_plan(peak, base, table, table["decided_year"].fillna(0).astype(int), costs)
    options["plan"] = result.yearly
    yearly = pd.concat([t.assign(option=name) for name, t in options.items()], ignore_index=True)
    yearly = yearly[["option", *[c for c in yearly.columns if c != "option"]]]
    plan = _plan_table(result.plan)
    capacity = _capacity_months(monthly.index, result.yearly.set_index("year")["places"])

    for note in notes:
        typer.echo(f"note: {note}", err=True)
    _echo(service, demand_column, plan, options, costs)
    files = write_atomically(out, {"premises_plan.csv": csv_writer(plan), "premises_yearly.csv": csv_writer(yearly),
                                   "capacity_plan.csv": csv_writer(capacity)}, PLAN_OUTPUTS)
    column = f" --demand-column {demand_column}" if demand_column != "volume" else ""
    typer.echo(f"wrote {', '.join(files)} to {out}; the queue under the plan, month by month: resmodel queue "
               f"--demand {demand} --service {service}{column} --capacity {out / 'capacity_plan.csv'}")


def _check_feasible(peak: pd.Series, base: pd.Series, table: pd.DataFrame, costs, display: str) -> None:
    """Demand no allowed source can cover even with every candidate open as early as it can is a
    user-side problem: say in which year, by how much, and what would allow a plan."""
    from resmodel.planning.premises import earliest_open_year, evaluate_plan

    earliest = earliest_open_year(table, int(peak.index[0])).where(lambda s: s <= peak.index[-1], 0)
    best = evaluate_plan(peak, base, table, earliest, costs)
    short = best[best["unmet"] > 1e-9]
    if not short.empty:
        first = short.iloc[0]
        raise InputError.at(Location(display, path=f"year {int(first['year'])}"),
                            f"peak demand {first['demand']:,.1f} exceeds {first['places']:,.1f} places even with "
                            f"every candidate open as early as it can (short by {first['unmet']:,.1f}"
                            + (f", and {len(short) - 1} later years" if len(short) > 1 else "") + ")",
                            "enough places, or another way to meet demand",
                            "add candidates or bring them forward, allow external places (--external-price), "
                            f"or let cases wait at a cost (--waiting-cost; the sanction fee's central value is "
                            f"{FEE_PER_MONTH * 12:,} SEK per case-year)")


def _plan_table(plan: pd.DataFrame) -> pd.DataFrame:
    """The candidates with the plan's decision, opened first (by year), then the rest."""
    out = plan[["premises_id", "places", "annual_rent_sek", "one_off_cost_sek", "earliest_possible",
                "decided_year", "open_year"]].copy()
    out["decision"] = np.where(out["decided_year"].notna(), "decided",
                               np.where(out["open_year"] > 0, "open", "not opened"))
    out["open_year"] = out["open_year"].where(out["open_year"] > 0).astype("Int64")
    order = out["open_year"].fillna(10_000).astype(int)
    return out.assign(_order=order).sort_values(["_order", "premises_id"], kind="stable").drop(columns="_order")


def _capacity_months(months: pd.Index, places_by_year: pd.Series) -> pd.DataFrame:
    """Places month by month under the plan, in the format `resmodel queue --capacity` reads."""
    index = pd.DatetimeIndex(months)
    return pd.DataFrame({"month": index.strftime("%Y-%m"), "places": places_by_year.reindex(index.year).to_numpy()})


def _echo(service: str, column: str, plan: pd.DataFrame, options: dict[str, pd.DataFrame], costs) -> None:
    typer.echo(f"Premises plan for {service} (demand: peak month of each year, {column}; SEK in base-year prices)")
    shown = plan[plan["decision"] != "not opened"]
    if shown.empty:
        typer.echo("  no candidate is worth opening: today's places and the other sources meet demand more cheaply")
    else:
        typer.echo(shown.to_string(index=False, float_format=lambda v: f"{v:,.0f}", na_rep="–"))
    skipped = int((plan["decision"] == "not opened").sum())
    if skipped:
        typer.echo(f"  ({skipped} candidates not opened; all in premises_plan.csv)")
    yearly = options["plan"][["year", "demand", "places", "served_own", "external_places", "waiting", "free_places",
                              "total_sek"]]
    typer.echo("\nThe plan year by year:")
    typer.echo(yearly.to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    typer.echo("\nOptions compared (sums over the horizon, SEK" +
               (f", discounted at {costs.discount_rate:g} a year" if costs.discount_rate else "") + "):")
    parts = ["rent_new_sek", "one_off_sek", "own_running_sek", "external_sek", "waiting_cost_sek"]
    rows = []
    for name, table in options.items():
        factor = table["discounted_sek"] / table["total_sek"].where(table["total_sek"] != 0, 1.0)
        sums = {c: float((table[c] * factor).sum()) for c in parts}
        short = table[table["unmet"] > 1e-9]
        verdict = (f"not feasible: {short['unmet'].iloc[0]:,.1f} places short in {int(short['year'].iloc[0])}"
                   if not short.empty else f"{table['discounted_sek'].sum():,.0f}")
        rows.append({"option": name, **{c.removesuffix("_sek"): v for c, v in sums.items()}, "total": verdict})
    typer.echo(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:,.0f}"))
    typer.echo("(own running cost: staff and other costs of the users served in own premises, the same in every "
               "feasible option when nobody is bought out or waits)")


def register(app: typer.Typer) -> None:
    """Add the planning command to the main CLI."""
    app.command("plan-premises")(plan_premises)
