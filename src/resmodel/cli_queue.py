"""The ``queue`` command: simulates decisions not executed against a capacity — the queue, waiting times,
IVO's quarterly counts and the sanction-fee exposure.

It parses its options, calls the core, prints a table and writes its files atomically. User mistakes raise
``ResmodelError``; the main entry point turns them into a located message and exit status 2."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
import pandas as pd
import typer

from resmodel.cli_series_common import (
    PathOpt,
    echo_table,
    echo_warnings,
    refuse_missing_forecast,
)
from resmodel.errors import InputError, Location, Problem, Warning_, did_you_mean
from resmodel.io.pnr import check_option_for_pnr
from resmodel.io.writers import check_output_folder, workbook_writer

if TYPE_CHECKING:  # resmodel.run is imported only when a scenario is given
    from resmodel.run import LoadedScenario

# the files queue writes: an existing --out folder may hold only these (io.writers.check_output_folder)
QUEUE_OUTPUTS = ("queue_monthly.csv", "queue_quarterly.csv", "queue_waits.csv", "queue.xlsx", "manifest.json")
QUEUE_RATES = ("exit_rate", "aiv_rate", "aiviv_rate", "aiviv_resume_rate")  # QueueParams' fields, as --exit-rate …


def _parse_ages(text: str | None) -> list[float]:
    """--initial-waiting as counts by months waited (index = months)."""
    from resmodel.forecast.queue import MAX_WAIT_MONTHS
    from resmodel.limits import MAX_VOLUME

    if not text:
        return []
    out: dict[int, float] = {}
    try:
        for part in text.split(","):
            age, count = part.split(":")
            out[int(age)] = out.get(int(age), 0.0) + float(count)
    except ValueError:
        raise InputError.at(Location(path="--initial-waiting"), f"'{text}' is not a list of age:count",
                            "months waited:count pairs, e.g. 0:10,2:5,7:3", "correct the option") from None
    for age, count in out.items():
        if not 0 <= age <= MAX_WAIT_MONTHS:
            raise InputError.at(Location(path="--initial-waiting"), f"a wait of {age} months",
                                f"months waited from 0 to {MAX_WAIT_MONTHS} (20 years)", "correct the option")
        if not (np.isfinite(count) and 0 <= count <= MAX_VOLUME):
            raise InputError.at(Location(path="--initial-waiting"), f"{count:g} decisions waiting {age} months",
                                f"a number of decisions from 0 to {MAX_VOLUME:,}", "correct the option")
    arr = np.zeros(max(out) + 1)
    for a, c in out.items():
        arr[a] = c
    return arr.tolist()


def _scenario_places(loaded, scenario: Path, service: str, months: pd.DatetimeIndex) -> tuple[np.ndarray, dict]:
    """A service's places month by month from a scenario: its ``projection.capacity`` when it has one for
    the service (each projected year's places; months before the first and after the last projected
    year take those years' places), else today's places of the premises its units use. With the
    scenario's identity for the manifest."""
    from resmodel.planning_run import service_places
    from resmodel.projection_run import plan_record, scenario_capacity
    from resmodel.run import scenario_identity

    limit = scenario_capacity(loaded, service)
    if limit is not None:
        plan = plan_record(loaded, service)
        years = sorted(limit.places)
        by_month = np.array([limit.places[min(max(m.year, years[0]), years[-1])] for m in months], dtype=float)
        changes = ", ".join(f"{limit.places[y]:,.0f} from {y}" for i, y in enumerate(years)
                            if i == 0 or limit.places[y] != limit.places[years[i - 1]])
        typer.echo(f"places from the scenario's projection.capacity ({service}): {changes}")
        return by_month, {**scenario_identity(loaded), **({"premises_plans": {service: plan}} if plan else {})}
    places, notes = service_places(loaded, service, "give --places or --capacity for this service")
    typer.echo(f"places from the premises of {scenario}: {places:,.0f} ({service})")
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    changes = _scenario_volume_changes(scenario, service)
    if changes:
        typer.echo(f"note: the scenario's projection.volume_changes for {service} ({changes}) change the projected "
                   "volume, not the places: for new premises, give the places month by month in a --capacity file "
                   "(docs/forecasting.md §4; resmodel plan-premises writes one, docs/planning.md), or give the "
                   "scenario a projection.capacity (docs/projection.md, \"Places\")", err=True)
    return np.full(len(months), places), scenario_identity(loaded)


def _exit_rate_hint(loaded, service: str) -> str:
    """The monthly exit rate the scenario's flows.csv gives the service over its last three years (the yearly
    outflows over the stock at the start of the year r, as the stock–flow model estimates it, as the monthly
    rate 1 − (1 − r)^(1/12) that leaves the same share after twelve months), as a suggestion for --exit-rate;
    '' without a scenario or such flows."""
    from resmodel.forecast.stockflow import estimate_flow_params
    from resmodel.io.series import read_flows
    from resmodel.projection_run.names import FLOWS_FILE

    if loaded is None:
        return ""
    path = Path(loaded.scenario.data) / FLOWS_FILE
    if not path.is_file():
        return ""
    flows = read_flows(path)
    rows = flows[flows["service"] == service]
    estimate = estimate_flow_params(rows, int(rows["year"].max())) if len(rows) else None
    if estimate is None or not estimate.rates["rate"].sum() > 0:
        return ""
    yearly = float(estimate.rates["rate"].sum())
    rate = 1 - (1 - min(yearly, 1.0)) ** (1 / 12)
    years = f"{estimate.years[0]}–{estimate.years[-1]}"
    return (f"; the scenario's flows.csv gives {service} {rate:.4f} a month ({rate * 100:.2f} %: its yearly outflows "
            f"over the stock at the start of the year, {years}, {yearly * 100:.2f} %, as a monthly rate) — "
            f"e.g. --exit-rate {rate:.4f}")


def _scenario_volume_changes(scenario: Path, service: str) -> str:
    """The scenario's volume changes of ``service``, as text ('' when none or no projection block)."""
    from resmodel.io.scenario import read_chain
    from resmodel.scenario.projection import resolve

    resolved = resolve(read_chain(scenario))
    if resolved is None:
        return ""
    return ", ".join(f"{c.change:+g} from {c.from_year}" for c in resolved.settings.volume_changes
                     if c.service == service)


def queue(
    ctx: typer.Context,
    demand: Annotated[Path, typer.Option(help="volume forecast or history (month, service, volume)")],
    service: Annotated[str, typer.Option(help="service whose demand is simulated")],
    demand_column: Annotated[str, typer.Option(
        help="demand column: volume, or an interval bound such as volume_hi_80 (a high-demand case)")] = "volume",
    capacity: Annotated[Path | None, typer.Option(help="CSV month,places or month,staff_fte")] = None,
    places: Annotated[float | None, typer.Option(help="constant places instead of a capacity file")] = None,
    scenario: Annotated[Path | None, typer.Option(
        help="scenario whose projection.capacity gives the service's places by year, or else whose premises "
        "give today's places (instead of --places)")] = None,
    users_per_fte: Annotated[float | None, typer.Option(
        metavar="USERS", help="users one FTE supports (with staff_fte)")] = None,
    exit_rate: Annotated[float, typer.Option(help="monthly share of executed users who end")] = 0.0,
    aiv_rate: Annotated[float, typer.Option(help="monthly share starting an AIV interruption (place released)")] = 0.0,
    aiviv_rate: Annotated[float, typer.Option(help="monthly share starting an AIViV absence (place kept)")] = 0.0,
    aiviv_resume_rate: Annotated[float, typer.Option(help="monthly share of AIViV users resuming")] = 0.0,
    fee_states: Annotated[str, typer.Option(
        help="states whose cases over three months count in the sanction-fee exposure: new, aiv, aiviv "
        "(comma-separated; new,aiv leaves out AIViV absences, the user's own)")] = "new,aiv,aiviv",
    initial_executed: Annotated[float | None, typer.Option(
        metavar="USERS",
        help="executed users at the start (default: the first month's demand, up to capacity; 0 for an empty start)")] = None,
    initial_waiting: Annotated[str | None, typer.Option(
        metavar="AGE:COUNT,…", help="new decisions waiting at the start, age:count,…")] = None,
    out: PathOpt = Path("results/queue"),
) -> None:
    """Simulate decisions not executed: queue, waiting times, quarterly >3-month counts, fee exposure."""
    from resmodel.forecast.demand import demand_months
    from resmodel.forecast.queue import (
        TOTAL_NOTE,
        QueueState,
        capacity_notes,
        count_text,
        excess_start_note,
        fee_note,
        rate_note,
        simulate_queue,
        start_note,
        waiting_note,
    )
    from resmodel.io.manifest import manifest_writer
    from resmodel.io.series import csv_writer, read_demand_table, write_atomically
    from resmodel.limits import MAX_VOLUME

    check_output_folder(out, QUEUE_OUTPUTS)
    service = service.strip()  # ' daglig_verksamhet', as a pasted or quoted name comes
    check_option_for_pnr(service, "--service")
    if users_per_fte is not None and not (np.isfinite(users_per_fte) and users_per_fte > 0):
        raise InputError.at(Location(path="--users-per-fte"), f"--users-per-fte {users_per_fte:g} is not a positive number",
                            "users one full-time employee supports, a number > 0", "correct --users-per-fte")
    if users_per_fte is not None and users_per_fte > 1000:
        raise InputError.at(Location(path="--users-per-fte"), f"--users-per-fte {users_per_fte:g} users per FTE",
                            "users one full-time employee supports, at most 1 000", "correct --users-per-fte")
    for option, v in (("--places", places), ("--initial-executed", initial_executed)):
        if v is not None and not (np.isfinite(v) and 0 <= v <= MAX_VOLUME):
            raise InputError.at(Location(path=option), f"{option} {v:g} is negative" if v < 0 else f"{option} is {v:g}",
                                f"a number from 0 to {MAX_VOLUME:,}" + (" (0 for an empty start)"
                                                                      if option == "--initial-executed" else ""),
                                f"correct {option}")
    params = _queue_params(exit_rate, aiv_rate, aiviv_rate, aiviv_resume_rate, fee_states)
    waiting = _parse_ages(initial_waiting)
    refuse_missing_forecast(demand)
    dem = demand_months(read_demand_table(demand, str(demand)), service, demand_column, str(demand))
    months = pd.DatetimeIndex(dem.index)
    cap_values, staff, loaded, identity = _capacity_by_month(capacity, places, scenario, service, months, demand,
                                                             demand_column, users_per_fte)
    if users_per_fte is not None and not staff:
        echo_warnings([Warning_("option_ignored", Location(path="--users-per-fte"),
                                f"--users-per-fte {users_per_fte:g} has no effect: the capacity is given as "
                                "places (it converts a staff_fte column of a --capacity file)")])
    if initial_executed is not None:
        if initial_executed > cap_values[0]:
            raise InputError.at(Location(path="--initial-executed"),
                                f"{count_text(initial_executed)} executed users exceed the capacity of "
                                f"{count_text(cap_values[0])} in {months[0]:%Y-%m}",
                                f"at most {count_text(cap_values[0])} users already served at the start",
                                "lower --initial-executed (or leave it out to fill the places demand can fill)")
        initial = QueueState(executed=initial_executed, new=waiting)
    else:
        initial = QueueState.filled(dem.iloc[0], cap_values[0], waiting)
        note = None if initial_waiting else start_note(months, dem.iloc[0], cap_values[0],
                                                       "--initial-waiting months:count")
        if note:
            typer.echo(f"note: {note}", err=True)
    excess = excess_start_note(months, dem.iloc[0], initial, "--initial-executed and --initial-waiting")
    if excess:
        typer.echo(f"note: {excess}", err=True)
    result = simulate_queue(months, cap_values, demand=dem.to_numpy(), params=params, initial=initial)
    given = Location(str(capacity)) if capacity is not None else Location(
        path="--places" if places is not None else "--scenario")
    echo_warnings([Warning_(check, given, text) for check, text in capacity_notes(result)])
    typer.echo(f"Ej verkställda beslut — decisions not executed, {service} (demand: {demand_column}): quarterly "
               f"report to IVO (waiting more than {params.report_after_months} months) and särskild avgift — "
               "sanction-fee exposure (SEK)")
    quiet = result.quarterly.select_dtypes("number").abs().sum(axis=1).le(1e-9)  # nobody over the limit or fee
    shown = result.quarterly[~quiet]
    if result.quarterly.empty:
        typer.echo("No quarter ends within the horizon, so there is no quarterly count.")
    elif quiet.all():
        typer.echo(f"No quarter of {result.quarterly['quarter'].iloc[0]} – {result.quarterly['quarter'].iloc[-1]} has "
                   f"anyone waiting over {params.report_after_months} months (queue_quarterly.csv has every quarter).")
    else:
        shown = shown.drop(columns=["complete", "count_month"])  # a partial quarter is said below the table
        echo_table(shown.assign(**{c: shown[c].map(lambda v: f"{v:,.0f}") for c in shown.columns
                                   if c.endswith("_sek")}))
    if quiet.any() and not quiet.all():
        typer.echo(f"({int(quiet.sum())} of {len(quiet)} quarters with nobody waiting over "
                   f"{params.report_after_months} months are not shown; queue_quarterly.csv has every quarter)")
    partial = result.quarterly[~result.quarterly["complete"] & ~quiet]  # a hidden quarter needs no note
    for _, row in partial.iterrows():
        typer.echo(f"({row['quarter']} is partial: the horizon ends within it, so its counts are taken at the end of "
                   f"{row['count_month']})")
    typer.echo("\nWhole horizon: " + "; ".join(
        f"{k} " + ("–" if not np.isfinite(v) else f"{v:,.0f}" if k.endswith("_sek") else f"{v:,.1f}")
        for k, v in result.summary.items()))
    waiting = waiting_note(result.summary)
    if waiting:
        typer.echo(f"({waiting})")
    note = rate_note(params, {name: _option(name) for name in QUEUE_RATES})
    if note:
        typer.echo(f"note: {note}" + ("" if any((exit_rate, aiv_rate, aiviv_rate, aiviv_resume_rate))
                                      else _exit_rate_hint(loaded, service)))
    fees = fee_note(params, result, "--fee-states new,aiv")
    if fees:
        typer.echo(f"note: {fees}")
    typer.echo(f"note: {TOTAL_NOTE}")
    monthly = result.monthly.assign(month=result.monthly["month"].dt.strftime("%Y-%m"))
    files = write_atomically(out, {"queue_monthly.csv": csv_writer(monthly),
                                   "queue_quarterly.csv": csv_writer(result.quarterly),
                                   "queue_waits.csv": csv_writer(result.waits),
                                   "queue.xlsx": workbook_writer({"Sammanfattning — summary": _queue_summary(
                                       service, demand, demand_column, capacity, places, scenario, params, result,
                                       users_per_fte if staff else None),
                                                               "Kvartal — quarterly (IVO)": result.quarterly,
                                                               "Månad — monthly": monthly,
                                                               "Väntetider — waits": result.waits}),
                                   "manifest.json": manifest_writer(ctx.info_name, ctx.params, identity)},
                             QUEUE_OUTPUTS)
    typer.echo(f"wrote {', '.join(files)} to {out}")


def _capacity_by_month(capacity: Path | None, places: float | None, scenario: Path | None, service: str,
                       months: pd.DatetimeIndex, demand: Path, demand_column: str,
                       users_per_fte: float | None) -> tuple[np.ndarray, bool, LoadedScenario | None, dict | None]:
    """The places of each month from the one capacity given (--capacity, --places or --scenario); whether they are
    a staff_fte column's, converted by --users-per-fte; and the scenario loaded and its identity for the
    manifest (None without a scenario)."""
    if sum(x is not None for x in (capacity, places, scenario)) != 1:
        raise InputError.at(Location(path="--capacity/--places/--scenario"),
                            "give one of a capacity file, --places or --scenario",
                            "exactly one of --capacity FILE, --places N, --scenario FILE", "choose one")
    if scenario is not None:
        from resmodel.run import load

        loaded = load(scenario)
        cap_values, identity = _scenario_places(loaded, scenario, service, months)
        return cap_values, False, loaded, identity
    if capacity is not None:
        cap_values, staff = _capacity_file(capacity, service, months, demand, demand_column, users_per_fte)
        return cap_values, staff, None, None
    return np.full(len(months), float(places)), False, None, None


def _capacity_file(capacity: Path, service: str, months: pd.DatetimeIndex, demand: Path, demand_column: str,
                   users_per_fte: float | None) -> tuple[np.ndarray, bool]:
    """A --capacity file's places for each month of the demand, and whether they are its staff_fte column's: a
    plan of another service, or a file lacking a month of the demand, is refused; a plan made from another demand
    file or --demand-column is warned about, and the file's months outside the demand's noted."""
    from resmodel.forecast.frame import month_ranges
    from resmodel.forecast.queue import outside_demand_note
    from resmodel.io.series import read_capacity

    cap = read_capacity(capacity, users_per_fte)
    planned_for = cap.attrs.get("planned_for")
    _check_plan_service(capacity, cap.attrs["service"], service)
    _check_plan_demand(capacity, demand)
    if planned_for and planned_for != demand_column:  # a plan for another demand than the one queued
        typer.echo(f"warning: {capacity} is the capacity of a premises plan made for --demand-column "
                   f"{planned_for}, but this queue runs on {demand_column}: use the same column (or plan again) "
                   "so the queue shows that plan's consequences", err=True)
    staff = cap.attrs.get("column") == "staff_fte"
    outside = outside_demand_note(pd.DatetimeIndex(cap.index), pd.DatetimeIndex(months))
    if outside:
        typer.echo(f"note: {capacity}: {outside}", err=True)
    cap = cap.reindex(months)
    if cap.isna().any():
        raise InputError.at(Location(str(capacity), column="month"),
                            f"no capacity for {month_ranges(cap.index[cap.isna().to_numpy()])}",
                            f"capacity for every month {months[0]:%Y-%m}–{months[-1]:%Y-%m}",
                            "add the missing months")
    return cap.to_numpy(), staff


def _check_plan_service(capacity: Path, planned_service: str, service: str) -> None:
    """A plan-premises capacity file is of the service its ``service`` column names (or, in a file written before
    it had one, its manifest.json beside it): queueing another service's demand on it is refused."""
    from resmodel.io.premises_plan import plan_options

    made_for, where = planned_service, "its 'service' column"
    if not made_for:
        options, _ = plan_options(capacity)
        made_for, where = (options or {}).get("service"), "its manifest.json"
    if isinstance(made_for, str) and made_for and made_for != service:
        raise InputError.at(Location(str(capacity), path="--capacity"), f"the capacity of a premises plan made for "
                            f"{made_for} ({where}), but this queue is of {service}",
                            f"the capacity of a plan of {service}", f"queue {made_for} on it, or make a plan of "
                            f"{service}: resmodel plan-premises --service {service} …")


def _check_plan_demand(capacity: Path, demand: Path) -> None:
    """Warn when the premises plan beside ``capacity`` was made from another demand file than the one queued (its
    manifest.json records the demand file's sha256): the queue would show the consequences of a plan made for
    other volumes, typically an old plan kept after a new forecast."""
    from resmodel.io.manifest import file_record
    from resmodel.io.premises_plan import plan_options

    options, _ = plan_options(capacity)
    made_from = (options or {}).get("demand")
    if not (isinstance(made_from, dict) and isinstance(made_from.get("sha256"), str)):
        return
    queued = file_record(demand)["sha256"]  # as the plan's manifest recorded its demand file
    if made_from["sha256"] != queued:
        echo_warnings([Warning_("plan_demand_differs", Location(str(capacity), path="--capacity"),
                                "the premises plan was made from a demand file with other contents "
                                f"(its manifest.json: '{made_from.get('file')}', "
                                f"sha256 {made_from['sha256'][:12]}…) than the {demand} queued here "
                                f"(sha256 {queued[:12]}…): the queue shows the consequences of a plan made "
                                "for other volumes — plan again on this demand file (resmodel plan-premises "
                                f"--demand {demand} …) or queue the demand the plan was made from")])


def _queue_params(exit_rate: float, aiv_rate: float, aiviv_rate: float, aiviv_resume_rate: float,
                  fee_states: str):
    """The queue's rates and fee states from the options, checked before any input is read or noted on by
    ``QueueParams.validate`` — the rules (each rate 0–1, exit + AIV + AIViV at most 1) are the core's alone — with
    its problems located at the options (``_at_options``)."""
    from resmodel.forecast.queue import QueueParams

    params = QueueParams(exit_rate=exit_rate, aiv_rate=aiv_rate, aiviv_rate=aiviv_rate,
                         aiviv_resume_rate=aiviv_resume_rate)
    try:
        params.validate()
    except InputError as exc:
        raise InputError([_at_options(p, params) for p in exc.problems]) from None
    return replace(params, fee_states=_fee_states(fee_states))


def _at_options(problem: Problem, params) -> Problem:
    """A problem ``QueueParams.validate`` located at a field (queue.exit_rate) or at the rates together (queue),
    located at the option(s) instead and naming the option with the value as given: '--exit-rate 2 is outside
    0–1'; the rates' sum with its value."""
    field = (problem.location.path or "").removeprefix("queue").lstrip(".")
    if field in QUEUE_RATES:
        value, option = getattr(params, field), _option(field)
        return replace(problem, location=Location(path=option),
                       problem=problem.problem.replace(f"{field} = {value}", f"{option} {value:.12g}"),  # 1.0000001, not 1
                       expected=f"{problem.expected} (e.g. 0.004 for 0.4 % a month)",
                       fix=problem.fix.replace(field, option))
    if not field:  # the exit, AIV and AIViV rates together
        total = params.exit_rate + params.aiv_rate + params.aiviv_rate
        return replace(problem, location=Location(path="/".join(_option(f) for f in QUEUE_RATES[:3])),
                       problem=f"{problem.problem} ({total:.12g})")
    return problem


def _option(field: str) -> str:
    """A QueueParams field as its option: exit_rate → --exit-rate."""
    return f"--{field.replace('_', '-')}"


def _fee_states(text: str) -> tuple[str, ...]:
    """``--fee-states`` as a tuple of queue states, each known (a typo is named with the states to choose from)."""
    from resmodel.forecast.queue import CATEGORIES

    states = tuple(dict.fromkeys(s.strip().lower() for s in text.split(",") if s.strip()))
    unknown = [s for s in states if s not in CATEGORIES]
    if unknown or not states:
        raise InputError.at(Location(path="--fee-states"),
                            f"'{unknown[0]}' is not a queue state" if unknown else "--fee-states names no state",
                            f"one or more of {', '.join(CATEGORIES)}, comma-separated",
                            (did_you_mean(unknown[0], CATEGORIES) if unknown else "")
                            + "write e.g. --fee-states new,aiv (AIViV absences left out of the exposure)")
    return states


def _queue_summary(service: str, demand: Path, demand_column: str, capacity: Path | None, places: float | None,
                   scenario: Path | None, params, result, users_per_fte: float | None = None) -> pd.DataFrame:
    """The workbook's first sheet: what the queue was run on and its whole-horizon figures, so that a
    central run can be told from a high-demand one without the terminal."""
    given = (f"capacity file {capacity}" + (f" (staff_fte × {users_per_fte:g} users per FTE)" if users_per_fte else "")
             if capacity is not None else f"{places:,.10g} places" if places is not None else f"scenario {scenario}")
    rows = [("Insats — service", service), ("Efterfrågan — demand", f"{demand} (column {demand_column})"),
            ("Kapacitet — capacity", given), *((f"Andel per månad — {_option(name)[2:]}", getattr(params, name)) for name in QUEUE_RATES),
            ("Avgiftsgrundande — fee states", ", ".join(params.fee_states)),
            *((f"Hela perioden — {key}", round(float(value), 0 if key.endswith("_sek") else 2))
              for key, value in result.summary.items())]
    return pd.DataFrame({"uppgift — item": [r[0] for r in rows], "värde — value": [r[1] for r in rows]})


def register(app: typer.Typer) -> None:
    """Add the ``queue`` command to the main CLI."""
    app.command("queue")(queue)
