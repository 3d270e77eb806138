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

PLAN_OUTPUTS = ("premises_plan.csv", "premises_yearly.csv", "premises_by_level.csv", "capacity_plan.csv")
#: the sanction fee's central value per month waited (public_parameters.md, RÅ 2010 not 93), for the note
FEE_PER_MONTH = 36_400


def _non_negative(option: str, value: float | None) -> None:
    if value is not None and not (np.isfinite(value) and value >= 0):
        raise InputError.at(Location(path=option), f"{option} {value:g} is not a number ≥ 0",
                            "SEK (or places) as a number ≥ 0", f"correct {option}, or leave it out")


def _scenario_defaults(scenario: Path, service: str):
    """Today's places (in total and by level range), the running cost per user-year (staff and other
    costs, base year) and, for adult housing, the external place price per year, from a scenario's
    base-year run; and notes saying so."""
    from resmodel.allocation.places import places_by_level_range
    from resmodel.cli_forecast import _premises_places
    from resmodel.run import load, run
    from resmodel.services import UNIT_SERVICE_OF_USER

    places = _premises_places(scenario, service, instead="--places and --own-cost-per-place")
    result = run(load(scenario))
    services = result.services.set_index("service")
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
    groups = places_by_level_range(result.loaded.data, unit_service)
    return places, groups, own, external, notes


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
    no_external: Annotated[bool, typer.Option("--no-external", help="allow no external places")] = False,
    max_external: Annotated[float | None, typer.Option(help="external places available per year")] = None,
    waiting_cost: Annotated[float | None, typer.Option(
        help="cost per case-year left waiting, SEK (default: nobody may wait)")] = None,
    investment_ceiling: Annotated[float | None, typer.Option(help="one-off costs allowed per year, SEK")] = None,
    discount_rate: Annotated[float, typer.Option(help="yearly discount rate for the total")] = 0.0,
    out: Annotated[Path, typer.Option(help="output folder (new, empty, or an earlier output of the same command, "
                                           "which is replaced)")] = Path("results/premises_plan"),
) -> None:
    """Premises plan: which candidate premises to open and when, at the least cost (MIP, CBC)."""
    from resmodel.forecast.queue import demand_by_level, demand_from_table
    from resmodel.io.candidates import check_candidate_years, read_candidates
    from resmodel.io.pnr import check_option_for_pnr
    from resmodel.io.series import csv_writer, read_demand_table, write_atomically
    from resmodel.io.writers import check_output_folder
    from resmodel.planning.premises import PLAN_FOUND, PlanCosts, evaluate_plan, optimise_plan, yearly_peak

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
    table = read_candidates(candidates, service, str(candidates))
    by_level = bool(table["min_level"].notna().any())
    if by_level and scenario is None:
        raise InputError.at(Location(str(candidates), column="min_level"), "candidates by level range with --places",
                            "--scenario, whose premises give today's places by level range",
                            "give --scenario instead of --places, or leave min_level and max_level empty to plan "
                            "on totals")
    notes: list[str] = []
    groups = None
    if scenario is not None:
        places, groups, default_own, default_external, notes = _scenario_defaults(scenario, service)
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
    _check_alternatives_dearer(own_cost_per_place, external_price, waiting_cost, scenario is not None)

    raw = read_demand_table(demand, str(demand))
    monthly = demand_from_table(raw, service, str(demand), column=demand_column)
    peak = yearly_peak(demand_by_level(raw, service, str(demand), demand_column) if by_level else monthly)
    years = peak.index
    check_candidate_years(table, int(years[0]), int(years[-1]), str(candidates))
    base = groups if by_level else float(places)
    costs = PlanCosts(own_cost_per_place=own_cost_per_place, external_price=external_price,
                      max_external=max_external, waiting_cost=waiting_cost,
                      investment_ceiling=investment_ceiling, discount_rate=discount_rate)
    _check_decided_within_ceiling(table, investment_ceiling, str(candidates))
    result = optimise_plan(peak, base, table, costs)
    if result.status not in PLAN_FOUND:  # with the decided premises within the ceiling a plan always exists
        raise InputError.at(Location(str(candidates)), f"the solver stopped without a plan (status {result.status})",
                            "a plan within the solver's time limit (120 s)",
                            "plan fewer candidates at a time (one service, the candidates that are real options)")

    fixed = {"no_new_premises": pd.Series(0, index=table.index)}
    if table["decided_year"].notna().any():
        fixed["decided_only"] = table["decided_year"].fillna(0).astype(int)
    evaluated = {name: evaluate_plan(peak, base, table, plan, costs) for name, plan in fixed.items()}
    options = {name: tables[0] for name, tables in evaluated.items()} | {"plan": result.yearly}
    levels = {name: tables[1] for name, tables in evaluated.items()} | {"plan": result.by_level}
    yearly = _stack(options)
    level_table = _stack({name: _with_demand(t, peak) for name, t in levels.items()}) if by_level else None
    plan = _plan_table(result.plan, investment_ceiling)
    capacity = _capacity_months(monthly.index, result.yearly)

    for note in notes:
        typer.echo(f"note: {note}", err=True)
    unmet = _unmet_warning(result, peak, base, table, costs, str(candidates))
    if unmet:
        typer.echo(f"warning: {unmet}", err=True)
    if result.status == "Time limit":
        typer.echo("warning: the solver's time limit (120 s) ran out: the plan shown is the best found, not proven the "
                   "least costly (a rerun may differ); plan fewer candidates or fewer years at a time", err=True)
    _echo(service, demand_column, plan, options, costs)
    if by_level:
        _echo_levels(level_table, groups)
    writers = {"premises_plan.csv": csv_writer(plan), "premises_yearly.csv": csv_writer(yearly)}
    if by_level:
        writers["premises_by_level.csv"] = csv_writer(level_table)
    files = write_atomically(out, writers | {"capacity_plan.csv": csv_writer(capacity)}, PLAN_OUTPUTS)
    column = f" --demand-column {demand_column}" if demand_column != "volume" else ""
    typer.echo(f"wrote {', '.join(files)} to {out}; the queue under the plan, month by month: resmodel queue "
               f"--demand {demand} --service {service}{column} --capacity {out / 'capacity_plan.csv'}")


def _check_decided_within_ceiling(table: pd.DataFrame, ceiling: float | None, display: str) -> None:
    """Decided premises must open whatever the ceiling: their one-off costs in a year above it leave no plan."""
    if ceiling is None:
        return
    decided = table[table["decided_year"].notna()]
    by_year = decided.groupby("decided_year")["one_off_cost_sek"].sum()
    for year, total in by_year[by_year > ceiling].items():
        rows = ", ".join(str(int(r)) for r in decided.index[decided["decided_year"].eq(year).to_numpy()])
        raise InputError.at(Location(display, column="decided_year", path=f"rows {rows}"),
                            f"the premises decided for {int(year)} have one-off costs of {total:,.0f} SEK, above "
                            f"--investment-ceiling {ceiling:,.0f}", "decided one-off costs within the ceiling in "
                            "each year", "raise --investment-ceiling, or move a decided premises to another year")


def _stack(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One table with an ``option`` column first."""
    out = pd.concat([t.assign(option=name) for name, t in tables.items()], ignore_index=True)
    return out[["option", *[c for c in out.columns if c != "option"]]]


def _with_demand(flows: pd.DataFrame, peak: pd.DataFrame) -> pd.DataFrame:
    demand = peak.stack().rename("demand").rename_axis(["year", "level"]).reset_index()
    out = demand.merge(flows, on=["year", "level"], how="left", validate="one_to_one")
    return out.sort_values(["year", "level"], kind="stable").reset_index(drop=True)


def _echo_levels(level_table: pd.DataFrame, groups: pd.DataFrame) -> None:
    ranges = ", ".join(f"levels {r.min_level}–{r.max_level}: {r.places:,.0f}" for r in groups.itertuples())
    typer.echo(f"\nToday's places by level range: {ranges}")
    plan = level_table[level_table["option"] == "plan"]
    last = plan[plan["year"] == plan["year"].max()]
    typer.echo(f"Last year of the plan ({int(last['year'].iloc[0])}) by need level:")
    typer.echo(last[["level", "demand", "served_own", "external_places", "waiting", "unmet"]].to_string(
        index=False, float_format=lambda v: f"{v:,.1f}"))


def _check_alternatives_dearer(own: float, external: float | None, waiting: float | None,
                               defaulted: bool) -> None:
    """External places and waiting must cost more than a user in own premises: the plan keeps today's users
    in their places only then (a cheaper alternative would empty today's premises, which the law and the
    users' homes do not allow)."""
    for option, value in (("--external-price", external), ("--waiting-cost", waiting)):
        if value is not None and value <= own:
            source = " (the scenario's base-year average)" if defaulted else ""
            raise InputError.at(Location(path=option), f"{option} {value:,.0f} SEK is not above the running cost of "
                                f"a user in own premises, {own:,.0f} SEK a year{source}: the plan would move today's "
                                "users out of their premises", f"{option} above {own:,.0f}",
                                f"raise {option} (for waiting: a penalty reflecting the board's policy, not just the "
                                "sanction fee), or lower --own-cost-per-place if it is too high")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _unmet_warning(result, peak, base, table: pd.DataFrame, costs, display: str) -> str | None:
    """Demand that no plan can meet (too early for any candidate, or at levels no premises suits, with
    no external places or waiting allowed): where first, which levels lack places, how much, and what
    would allow more."""
    from resmodel.planning.premises import places_by_range, shortage

    yearly = result.yearly
    short = yearly[yearly["unmet"] > 1e-6]
    if short.empty:
        return None
    first = short.iloc[0]
    year = int(first["year"])
    where = ""
    if isinstance(peak, pd.DataFrame):
        levels, wanted, suiting = shortage(peak.loc[year], places_by_range(base, table, result.plan["open_year"], year))
        if levels:
            names = f"{levels[0]}–{levels[-1]}" if list(levels) == list(range(levels[0], levels[-1] + 1)) else \
                ", ".join(map(str, levels))
            where = (f" (need level{'s' if len(levels) > 1 else ''} {names}: {wanted:,.1f} users at the peak against "
                     f"{suiting:,.1f} places that suit them)")
    ceiling = costs.investment_ceiling is not None
    return (f"{display}: no plan{' within --investment-ceiling' if ceiling else ''} meets all demand: in {year} "
            f"{first['unmet']:,.1f} users have no place{where} even with every candidate open as early as it can"
            f"{' within the ceiling' if ceiling else ''} ({short['unmet'].sum():,.1f} user-years in "
            f"{_plural(len(short), 'year')}; column 'unmet'). They would wait. To plan for them, add candidates or "
            "bring them forward" + (", raise --investment-ceiling" if ceiling else "") +
            ", allow external places (--external-price), or let cases wait at a cost (--waiting-cost, above the "
            "running cost of a place; for reference, the sanction fee's central value is "
            f"{FEE_PER_MONTH * 12:,} SEK per case-year)")


def _plan_table(plan: pd.DataFrame, ceiling: float | None) -> pd.DataFrame:
    """The candidates with the plan's decision, opened first (by year), then the rest; a candidate
    whose one-off cost exceeds the investment ceiling can never open and says so."""
    levels = ["min_level", "max_level"] if plan["min_level"].notna().any() else []
    out = plan[["premises_id", *levels, "places", "annual_rent_sek", "one_off_cost_sek", "earliest_possible",
                "decided_year", "open_year"]].copy()
    above = out["one_off_cost_sek"] > ceiling if ceiling is not None else False
    out["decision"] = np.where(out["decided_year"].notna(), "decided",
                               np.where(out["open_year"] > 0, "open",
                                        np.where(above, "not opened: one-off above the ceiling", "not opened")))
    out["open_year"] = out["open_year"].where(out["open_year"] > 0).astype("Int64")
    order = out["open_year"].fillna(10_000).astype(int)
    return out.assign(_order=order).sort_values(["_order", "premises_id"], kind="stable").drop(columns="_order")


def _capacity_months(months: pd.Index, yearly: pd.DataFrame) -> pd.DataFrame:
    """The places the plan makes usable, month by month, in the format `resmodel queue --capacity`
    reads: own places plus the external places it buys, less own places that stand free while some
    demand goes unmet or waits (they suit none of those users' levels). So the queue sees the same
    shortfall as the plan's peak month."""
    table = yearly.set_index("year")
    stranded = table["free_places"].where((table["unmet"] + table["waiting"]) > 1e-6, 0.0)
    usable = (table["places"] + table["external_places"] - stranded).round(6)
    index = pd.DatetimeIndex(months)
    return pd.DataFrame({"month": index.strftime("%Y-%m"), "places": usable.reindex(index.year).to_numpy()})


def _echo(service: str, column: str, plan: pd.DataFrame, options: dict[str, pd.DataFrame], costs) -> None:
    typer.echo(f"Premises plan for {service} (demand: peak month of each year, {column}; SEK in base-year prices)")
    opened = plan["decision"].isin(["open", "decided"])
    if not opened.any():
        typer.echo("  no candidate opens: none lowers the cost" +
                   (", and none can take the unmet demand in time (see the warning)"
                    if options["plan"]["unmet"].sum() > 1e-6 else " of meeting demand"))
    else:
        shown = plan[opened].astype(object).where(plan[opened].notna(), "–")
        money = ("annual_rent_sek", "one_off_cost_sek")

        def cell(v, thousands: bool) -> str:
            return v if isinstance(v, str) else f"{v:,.0f}" if thousands else f"{v:.0f}"
        typer.echo(shown.to_string(index=False, formatters={c: (lambda v, t=c in money: cell(v, t))
                                                             for c in shown.columns}))
    if (~opened).any():
        typer.echo(f"  ({_plural(int((~opened).sum()), 'candidate')} not opened; all in premises_plan.csv)")
    yearly = options["plan"][["year", "demand", "places", "served_own", "external_places", "waiting", "unmet",
                              "free_places", "total_sek"]]
    typer.echo("\nThe plan year by year:")
    typer.echo(yearly.to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    typer.echo("\nOptions compared (sums over the horizon, SEK" +
               (f", discounted at {costs.discount_rate:g} a year" if costs.discount_rate else "") + "):")
    parts = ["rent_new_sek", "one_off_sek", "own_running_sek", "external_sek", "waiting_cost_sek"]
    rows = []
    for name, table in options.items():
        factor = table["discounted_sek"] / table["total_sek"].where(table["total_sek"] != 0, 1.0)
        sums = {c: float((table[c] * factor).sum()) for c in parts}
        short = table[table["unmet"] > 1e-6]
        rows.append({"option": name, **{c.removesuffix("_sek"): v for c, v in sums.items()},
                     "total": table["discounted_sek"].sum(),
                     "unmet": (f"{short['unmet'].sum():,.1f} user-years from {int(short['year'].iloc[0])}"
                               if not short.empty else "none")})
    typer.echo(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:,.0f}"))
    typer.echo("(own_running: staff and other costs of the users served in own premises; unmet: demand no allowed "
               "source meets — those users are not in the costs, so compare totals only between options that "
               "leave the same demand unmet)")


def register(app: typer.Typer) -> None:
    """Add the planning command to the main CLI."""
    app.command("plan-premises")(plan_premises)
