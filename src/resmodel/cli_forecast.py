"""The ``forecast`` command: volume forecasts with prediction intervals, of a volume history or of a
unique_id,ds,y file.

It parses its options, calls the core, prints a table and writes its files atomically. User mistakes raise
``ResmodelError``; the main entry point turns them into a located message and exit status 2."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from resmodel.budget.areas import SERVICE_LABELS
from resmodel.cli_series_common import (
    FORECAST_FILE,
    FORECAST_OUTPUTS,
    PathOpt,
    check_positive_option,
    default_horizon,
    echo_table,
    echo_warnings,
    panel_figure,
    png_writer,
    unused_columns,
)
from resmodel.errors import InputError, Location, ProblemCollector, Warning_
from resmodel.io.pnr import check_option_for_pnr
from resmodel.io.writers import check_output_folder, workbook_writer

EXIT_AGE_RANGE = (50, 100)  # --exit-age: a sensible age limit in years (daily activity: 67, F0401)


def _parse_spec(items: list[str]) -> tuple[dict, str | None]:
    """``service=model``, ``service=volume`` or ``service=2025:1050,2026:1100``; a bare name is the default model."""
    from resmodel.forecast.forecaster import MODEL_NAMES, model_name

    spec, default = {}, None
    for item in items:
        key, sep, value = item.partition("=")
        key, value = (model_name(key), value) if not sep else (key, model_name(value))  # 'ETS' is ets
        check_option_for_pnr(item, "--model")
        where = Location(path=f"--model {item}")
        if not sep:
            if not key.strip():  # an unset script variable ('--model ""') ran auto with exit 0 (bad-input audit)
                raise InputError.at(Location(path="--model"), "an empty model name in --model",
                                    "a model name (" + ", ".join(MODEL_NAMES) + ") or service=model",
                                    "give the model, or leave --model out for the default (auto)")
            if default is not None and default != key.strip():
                raise InputError.at(Location(path="--model"), f"two default models, '{default}' and '{key.strip()}'",
                                    "one --model without a service (the default), and service=model for the others",
                                    f"keep one, or write e.g. --model {default} --model "
                                    f"<service>={key.strip()}")
            default = key.strip()
            continue
        if key.strip() in spec:
            raise InputError.at(where, f"service '{key.strip()}' is given twice", "one --model per service",
                                "keep one of them")
        value = value.strip()
        if value in MODEL_NAMES or value.isidentifier():
            spec[key.strip()] = value
            continue
        try:
            if ":" in value:
                spec[key.strip()] = {int(y): float(v) for y, v in (p.split(":") for p in value.split(","))}
            else:
                spec[key.strip()] = float(value)
        except ValueError:
            raise InputError.at(where, f"'{value}' is not a model, a volume or year:volume pairs",
                                "service=ets, service=1050 or service=2025:1050,2026:1100",
                                "correct the --model option") from None
    return spec, default


def _unused_demography(spec: dict, population: Path | None, users: Path | None, flows: Path | None) -> list:
    """--population and --users that no requested model uses: auto never picks the demographic model (it made the
    selection worse, docs/forecasting.md §1), so a forecast given them only for that would silently not follow them."""
    demographic = bool({"demographic", "select"} & {v for v in spec.values() if isinstance(v, str)})  # select may pick it
    unused = [o for o, given in (("--population", population), ("--users", users and not flows)) if given]
    if demographic or not unused:
        return []
    return [Warning_("option_ignored", Location(path=" and ".join(unused)),
                     f"{' and '.join(unused)} {'have' if len(unused) > 1 else 'has'} no effect: only the demographic "
                     "model uses the population (and the users' ages, which --flows also uses for the level mix), and "
                     "the default forecast (auto) never chooses it; ask for it by name: --model demographic, or "
                     "--model <service>=demographic")]


def forecast(
    ctx: typer.Context,
    series: Annotated[Path, typer.Option(help="volume history (month,service,level,volume) or unique_id,ds,y file")],
    h: Annotated[int | None, typer.Option(
        metavar="PERIODS", help="horizon in periods (default for a volume history: through December of "
                                             "the tenth year after its last, as a ten-year projection needs — 120 "
                                             "months from a December; for a unique_id,ds,y file: 12 months for "
                                             "monthly, 2 years for yearly series)")] = None,
    model: Annotated[list[str] | None, typer.Option(
        help="model for all series (default auto; naive, snaive, drift, ets, arima, theta, comb, demographic, "
             "stockflow, select, auto) or per service: service=ets, service=1050, service=2025:1050,2026:1100; "
             "repeat the option for several")] = None,
    population: Annotated[Path | None, typer.Option(
        help="population by age band and year, each year's value as at 1 July (for 31 December counts enter the mean of "
        "that year's and the year before's; docs/forecasting.md, population.csv) — demographic model")] = None,
    users: Annotated[Path | None, typer.Option(help="users.csv with birth years (age structure)")] = None,
    flows: Annotated[Path | None, typer.Option(help="yearly flows (stock–flow model and level mix)")] = None,
    exit_age: Annotated[int | None, typer.Option(
        help=f"age at which users leave daily activity, {EXIT_AGE_RANGE[0]}–{EXIT_AGE_RANGE[1]} (default 67, F0401); "
        "used by the stock–flow level mix with --flows and --users")] = None,
    out: PathOpt = FORECAST_FILE.parent,
) -> None:
    """Forecast volumes with prediction intervals per service and level (or per series)."""
    from resmodel.forecast.anomalies import suspicious_warnings
    from resmodel.forecast.interval_notes import intervals_note
    from resmodel.forecast.stockflow import DEFAULT_EXIT_AGE
    from resmodel.io.series import read_series

    check_output_folder(out, FORECAST_OUTPUTS)
    check_positive_option("--h", h)
    if exit_age is not None and not EXIT_AGE_RANGE[0] <= exit_age <= EXIT_AGE_RANGE[1]:
        raise InputError.at(Location(path="--exit-age"), f"--exit-age {exit_age} is outside "
                            f"{EXIT_AGE_RANGE[0]}–{EXIT_AGE_RANGE[1]}",
                            f"an age in years from {EXIT_AGE_RANGE[0]} to {EXIT_AGE_RANGE[1]} "
                            f"(daily activity ends at {DEFAULT_EXIT_AGE}, F0401)",
                            "correct --exit-age, or leave it out for 67")

    spec, default = _parse_spec(model or [])
    data = read_series(series)
    echo_warnings(data.warnings + unused_columns(data, series)
                  + ([] if data.from_history else  # forecast_volumes: its own
                     suspicious_warnings(data.frame, data.freqs, str(series))))
    if exit_age is not None and not (data.from_history and flows and users):
        echo_warnings([Warning_("option_ignored", Location(path="--exit-age"),
                                f"--exit-age {exit_age} has no effect: the age exit is used only by the "
                                "stock–flow level mix of a volume history given --flows and --users")])
    if data.from_history:
        files, used, volumes, history = _forecast_history(ctx, series, spec, default, population, users, flows,
                                                          exit_age, h, out)
    else:
        files, used = _forecast_series(ctx, series, data, spec, default, population, users, flows, h, out)
        volumes = history = None
    own = sorted({m for m in [default, *spec.values()] if isinstance(m, str) and m not in ("auto", "select")} & used)
    if own:  # only auto's (and select's) intervals are calibrated by their own backtest; said of the models that ran
        inputs = "".join(f" --{name} {path}" for name, path, model in (
            ("population", population, "demographic"), ("users", users, "demographic"), ("flows", flows, "stockflow"))
            if path and model in own)  # the tables those models need in the backtest too
        typer.echo(intervals_note(own, volumes, history)
                   + f"; how often they held in the past: resmodel backtest --series {series}{inputs} --models "
                   f"{','.join(dict.fromkeys(['naive', *own]))} (on the demo history most of ETS's and ARIMA's 80 % "
                   "intervals were too narrow; docs/forecast-accuracy.md §1)", err=True)
    typer.echo(f"wrote {', '.join(files)} to {out}")


def _forecast_history(ctx: typer.Context, series: Path, spec: dict, default: str | None, population: Path | None,
                      users: Path | None, flows: Path | None, exit_age: int | None, h: int | None,
                      out: Path) -> tuple[list[str], set[str], pd.DataFrame, pd.DataFrame]:
    """Forecast a volume history per service and level (``forecast_volumes``), print the yearly averages and write
    the volume forecast; the files written, the models used, the monthly forecast and the history, which the
    note on the intervals reads."""
    from resmodel.forecast.interface import (
        age_shares_from_users,
        forecast_volumes,
        user_ages_by_level,
        yearly_volumes,
    )
    from resmodel.forecast.stockflow import DEFAULT_EXIT_AGE
    from resmodel.io.manifest import manifest_writer
    from resmodel.io.series import (
        csv_writer,
        read_flows,
        read_population,
        read_users_ages,
        read_volume_history,
        write_atomically,
    )

    history = read_volume_history(series)
    if default:
        spec = {**dict.fromkeys(sorted(history["service"].unique()), default), **spec}
    echo_warnings(_unused_demography(spec, population, users, flows))
    pop = read_population(population) if population else None
    ages = read_users_ages(users) if users else None
    base_year = int(history["month"].max().year)
    demographic = [sv for sv, m in spec.items() if m in ("demographic", "select")]  # select may pick it
    shares = age_shares_from_users(ages[ages["service"].isin(demographic)], sorted(pop["age_band"].unique()),
                                   base_year) if (pop is not None and ages is not None) else None
    with _horizon_is_the_option():
        result = forecast_volumes(
            history, spec, h or 120 + 12 - int(history["month"].max().month), population=pop, age_shares=shares,
            flows=read_flows(flows) if flows else None,
            user_ages=user_ages_by_level(ages, base_year) if (ages is not None and flows) else None,
            exit_age=DEFAULT_EXIT_AGE if exit_age is None else exit_age, source=str(series),
            spec_where="--model {service}")
    table = result.table.assign(month=result.table["month"].dt.strftime("%Y-%m"))
    yearly = yearly_volumes(result.table)
    _echo_yearly(yearly, series)
    _echo_level_mix(result.level_mix, history)
    used = set(result.table["model_used"])
    fig = _forecast_figure(history, result.table)
    files = write_atomically(out, {"volume_forecast.csv": csv_writer(table),
                                   "volume_forecast_yearly.csv": csv_writer(yearly),
                                   "volume_forecast.xlsx": workbook_writer({"Per månad — monthly": table,
                                                                         "Per år — yearly": yearly.assign(
                                       level=[int(v) if str(v).isdigit() else v for v in yearly["level"]])}),
                                   "volume_forecast.png": png_writer(fig),
                                   "manifest.json": manifest_writer(ctx.info_name, ctx.params)}, FORECAST_OUTPUTS)
    echo_warnings(result.warnings)
    return files, used, result.table, history


def _echo_yearly(yearly: pd.DataFrame, series: Path) -> None:
    """The first five years' average volume per month of the service totals, and which years are partial."""
    totals = yearly[yearly["level"] == "total"].drop(columns=["level", "volume_lo_95", "volume_hi_95"])
    typer.echo("Average volume per month by year (i snitt per månad, day-weighted as the projection; lo/hi: "
               "the average of the monthly 80 % bounds, wider than an 80 % interval of the year's average — "
               "about 86 % for the first year of a random walk; levels summed; months: forecast months in "
               "the year):")
    echo_table(totals[totals["year"] <= totals["year"].min() + 4])
    partial = totals.loc[totals["months"] < 12, ["year", "months"]].drop_duplicates()
    typer.echo("(the first five years; every year by level is in volume_forecast_yearly.csv, every month in "
               "volume_forecast.csv" + "".join(f"; {y} has {m} forecast month{'s' if m != 1 else ''}, averaged "
                                               f"over {'those' if m != 1 else 'it'} only"
                                               for y, m in partial.itertuples(index=False))
               + f". How far to trust the intervals: resmodel backtest --series {series} — "
               "docs/forecast-accuracy.md)")


def _forecast_series(ctx: typer.Context, series: Path, data, spec: dict, default: str | None,
                     population: Path | None, users: Path | None, flows: Path | None, h: int | None,
                     out: Path) -> tuple[list[str], set[str]]:
    """Forecast a unique_id,ds,y file's series with one model, print and write the forecast; the files written and
    the models used. Per-service models and the demographic and stock–flow inputs, a volume history's, are
    refused."""
    from resmodel.forecast.forecaster import Forecaster, make_model
    from resmodel.forecast.frame import MAX_PROBLEMS, format_ds
    from resmodel.io.manifest import manifest_writer
    from resmodel.io.series import csv_writer, write_atomically

    if spec:
        raise InputError.at(Location(path="--model"), "per-service models apply to a volume history",
                            "a single model name for a unique_id,ds,y file", "write e.g. --model ets")
    given = [name for name, value in (("--population", population), ("--flows", flows), ("--users", users))
             if value is not None]
    if given:  # as backtest: the demographic and stock–flow drivers are keyed by a history's services
        raise InputError.at(Location(path="/".join(given)), f"{', '.join(given)} "
                            f"{'applies' if len(given) == 1 else 'apply'} to a volume history "
                            "(month, service, level, volume)", "a volume history file with them",
                            f"drop {', '.join(given)}, or forecast the volume history")
    parts, warns, found = [], [], []
    for freq in sorted(set(data.freqs.values())):
        uids = [u for u, f in data.freqs.items() if f == freq]
        fc = Forecaster([make_model(default or "auto", freq, where=Location(path="--model"))], source=str(series))
        try:
            with _horizon_is_the_option():
                res = fc.forecast(data.frame[data.frame["unique_id"].isin(uids)], h or default_horizon(freq),
                                  freqs=data.freqs)
        except InputError as exc:  # the monthly series' problems and the yearly ones, reported together
            found += exc.problems
            continue
        warns += fc.warnings
        parts.append(res.assign(ds=format_ds(res["ds"], freq)))
    if found:  # each frequency's problems were capped alone: cap them together
        problems = ProblemCollector(found)
        problems.cap(MAX_PROBLEMS, Location(str(series)))
        problems.raise_if_any()
    table = pd.concat(parts, ignore_index=True)
    used = set(table[f"{default or 'auto'}-model_used"])
    echo_table(table)
    files = write_atomically(out, {"forecast.csv": csv_writer(table),
                                   "manifest.json": manifest_writer(ctx.info_name, ctx.params)},
                             FORECAST_OUTPUTS)
    echo_warnings(warns)
    return files, used


@contextmanager
def _horizon_is_the_option():
    """Errors the core locates at its horizon argument ('h', 'horizon_months') name the --h option."""
    try:
        yield
    except InputError as exc:
        raise InputError([replace(p, location=Location(path="--h")) if p.location.path in ("h", "horizon_months")
                          else p for p in exc.problems]) from None


def _echo_level_mix(level_mix: dict[str, str], history: pd.DataFrame) -> None:
    """One line saying how each level service's total was split by level: the stock–flow projected mix, or
    the mix of the last twelve months, kept (``VolumeForecast.level_mix``) — of all its months when the service's
    history is shorter (a six-month history is not split by twelve months)."""
    if not level_mix:
        return
    by_flows = sorted(s for s, how in level_mix.items() if how == "stockflow")
    frozen = sorted(s for s, how in level_mix.items() if how != "stockflow")
    months = history[history["service"].isin(frozen)].groupby("service")["month"].nunique().clip(upper=12)
    spans = {n: sorted(months.index[months == n]) for n in sorted(months.unique(), reverse=True)}
    parts = ([f"the stock–flow projected mix ({', '.join(by_flows)})"] if by_flows else []) + [
        ("the mix of the last twelve months" if n == 12 else "the mix of the history's only month" if n == 1 else
         f"the mix of all {n} months of the history") + f", kept ({', '.join(services)})"
        for n, services in spans.items()]
    typer.echo(f"Levels: the service totals are split by {' and by '.join(parts)}.")


def _forecast_figure(history: pd.DataFrame, table: pd.DataFrame):
    services = sorted(table["service"].unique())
    fig, axes = panel_figure(len(services), height=2.4)
    hist = history.groupby(["service", "month"], as_index=False)["volume"].sum()
    fc = table.groupby(["service", "month"], as_index=False)[["volume", "volume_lo_80", "volume_hi_80",
                                                              "volume_lo_95", "volume_hi_95"]].sum()
    for ax, service in zip(axes[:, 0], services, strict=True):
        hs, fs = hist[hist["service"] == service], fc[fc["service"] == service]
        used = table.loc[table["service"] == service, "model_used"].iloc[0]
        ax.plot(hs["month"], hs["volume"], color="black", lw=1, label="history")
        ax.fill_between(fs["month"], fs["volume_lo_95"], fs["volume_hi_95"], color="tab:blue", alpha=0.15, lw=0,
                        label="95 % interval")
        ax.fill_between(fs["month"], fs["volume_lo_80"], fs["volume_hi_80"], color="tab:blue", alpha=0.3, lw=0,
                        label="80 % interval")
        ax.plot(fs["month"], fs["volume"], color="tab:blue", lw=1, label="forecast")
        label = f"{SERVICE_LABELS[service]} ({service}; " if service in SERVICE_LABELS else f"{service} ("
        ax.set_title(f"{label}model: {used})", fontsize=9, loc="left")
        ax.set_ylabel("volym per månad\n(volume a month)", fontsize=8)
    axes[0, 0].legend(fontsize=7, loc="upper left", frameon=False)
    fig.tight_layout()
    return fig


def register(app: typer.Typer) -> None:
    """Add the ``forecast`` command to the main CLI."""
    app.command("forecast")(forecast)
