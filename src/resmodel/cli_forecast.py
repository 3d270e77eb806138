"""Forecasting commands for the main CLI: ``backtest``, ``forecast``, ``nowcast`` and ``queue``.

Each command parses its options, calls the core, prints a table and writes its files
atomically. User mistakes raise ``ResmodelError``; the main entry point turns them into a
located message and exit status 2."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from resmodel.budget.areas import SERVICE_LABELS
from resmodel.errors import InputError, Location, Problem, ProblemCollector, Warning_, did_you_mean
from resmodel.io.pnr import check_option_for_pnr
from resmodel.io.writers import check_output_folder, workbook_writer

PathOpt = Annotated[Path, typer.Option(help="output folder (new, empty, or an earlier output of the same command, "
                                            "which is replaced)")]
# the files each command writes: an existing --out folder may hold only these (io.writers.check_output_folder)
BACKTEST_OUTPUTS = ("backtest_metrics.csv", "backtest_cv.csv", "backtest_levels.csv", "backtest.xlsx", "backtest.png",
                    "manifest.json")
FORECAST_OUTPUTS = ("volume_forecast.csv", "volume_forecast_yearly.csv", "volume_forecast.xlsx", "volume_forecast.png",
                    "forecast.csv", "manifest.json")
FORECAST_FILE = Path("results/forecast") / FORECAST_OUTPUTS[0]  # forecast's default --out, queue's --demand example
NOWCAST_OUTPUTS = ("nowcast.csv", "nowcast_sums.csv", "nowcast.xlsx", "nowcast_backtest.csv",
                   "nowcast_backtest_detail.csv", "nowcast.png", "manifest.json")
QUEUE_OUTPUTS = ("queue_monthly.csv", "queue_quarterly.csv", "queue_waits.csv", "queue.xlsx", "manifest.json")
MAX_RECENT = 36  # nowcast --recent: the service months shown and backtested, as the API's recent
QUEUE_RATES = ("exit_rate", "aiv_rate", "aiviv_rate", "aiviv_resume_rate")  # QueueParams' fields, as --exit-rate …


def _warn(warnings: list[Warning_], limit: int = 15) -> None:
    """Print the warnings; the same one for several series (file and message alike) once, naming them all."""
    groups: dict[tuple, list[Warning_]] = {}
    for w in warnings:
        groups.setdefault((w.check, w.location.file, w.location.row, w.location.column, w.message), []).append(w)
    merged = [ws[0] if len(ws) == 1 else replace(ws[0], location=replace(ws[0].location, path="', '".join(
        dict.fromkeys(str(w.location.path) for w in ws if w.location.path)) or None)) for ws in groups.values()]
    for w in merged[:limit]:
        typer.echo(f"warning: {w}", err=True)
    if len(merged) > limit:
        typer.echo(f"warning: … and {len(merged) - limit} more", err=True)


def _unused_columns(data, series: Path) -> list[Warning_]:
    """A warning for the extra (exogenous) columns of a generic series file: no model these commands run
    uses them (ARIMA and the demographic model take them from Python, forecasting.md §3)."""
    from resmodel.forecast.frame import DS, ID, Y

    extra = [c for c in data.frame.columns if c not in (ID, DS, Y)]
    if data.from_history or not extra:
        return []
    return [Warning_("columns_unused", Location(str(series), row=1, column=extra[0]),
                     f"column(s) {', '.join(extra)} are checked but not used: no model of the command line takes "
                     "exogenous regressors (from Python, ARIMA(exog=…) and the demographic model do; "
                     "docs/forecasting.md §3)")]


def _positive_option(option: str, value: int | None) -> None:
    """A whole-number option that, when given, must be ≥ 1 (leave it out for the default)."""
    if value is not None and value < 1:
        raise InputError.at(Location(path=option), f"{option} {value} is not a positive whole number",
                            "a whole number ≥ 1", f"raise {option}, or leave it out for the default")


def _count(v: float) -> str:
    """A count for a message: 100,000 or 450.5."""
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def _table(frame: pd.DataFrame) -> None:
    typer.echo(frame.to_string(index=False, float_format=lambda v: f"{v:,.2f}", na_rep="–"))


def _png_writer(fig):
    import matplotlib.pyplot as plt

    def write(path: Path) -> None:
        fig.savefig(path, format="png", dpi=110, metadata={"Software": None})
        plt.close(fig)
    return write


def _figure(n_panels: int, width: float = 11.0, height: float = 3.2):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(n_panels, 1, figsize=(width, height * n_panels), squeeze=False)


def _inputs_for(series: dict, from_history: bool, population: Path | None, users: Path | None,
                flows: Path | None, months: pd.DatetimeIndex | None):
    """Demographic drivers and flows keyed by series id (service or service|level), with the warnings of reading
    them (a flows table whose stock is of another scale than the series': statistician review, finding 7)."""
    from resmodel.forecast.interface import age_shares_from_users, demographic_drivers, flows_scale_warnings
    from resmodel.io.series import read_flows, read_population, read_users_ages

    drivers, flow_map, warns = {}, {}, []
    if (population or flows) and not from_history:
        raise InputError.at(Location(path="--population/--flows"),
                            "population and flows apply to a volume history (month, service, level, volume)",
                            "a volume history file with --population or --flows", "drop the option")
    uids = sorted(series)
    services = sorted({u.split("|")[0] for u in uids})
    if population:
        pop = read_population(population)
        shares = None
        if users:
            ages = read_users_ages(users)
            shares = age_shares_from_users(ages, sorted(pop["age_band"].unique()), int(months[-1].year))
        by_service, warns = demographic_drivers(pop, shares, services, months)
        drivers = {u: by_service[u.split("|")[0]] for u in uids}
    if flows:
        f = read_flows(flows)
        for u in uids:
            service, _, level = u.partition("|")
            g = f[f["service"] == service]
            if level:
                g = g[g["level"] == int(level)]
            if len(g):
                flow_map[u] = g.groupby("year", as_index=False).sum(numeric_only=True)
                history = pd.DataFrame({"month": pd.DatetimeIndex(series[u].ds), "volume": series[u].y})
                warns += flows_scale_warnings(u, flow_map[u], history, str(flows))
    return drivers, flow_map, warns


DEFAULT_BACKTEST_MODELS = "naive,snaive,drift,ets,arima,theta,comb,demographic,stockflow,select,auto"


def _inputs_used(requested: list[str], population: Path | None, users: Path | None,
                 flows: Path | None) -> tuple[Path | None, Path | None, Path | None]:
    """The population, users and flows files a backtest's models use (demographic, stockflow, and select among
    them), each one no model uses warned and left unread: `--models naive --population …` was refused for users
    outside the age bands that no requested model needed (diff review)."""
    uses = {"demographic": {"demographic", "select"}, "stockflow": {"stockflow", "select"}}
    unused = [(option, model) for option, path, model in (("--population", population, "demographic"),
                                                           ("--users", users, "demographic"),
                                                           ("--flows", flows, "stockflow"))
              if path is not None and not uses[model] & {n.lower() for n in requested}]
    if unused:
        _warn([Warning_("option_ignored", Location(path=option), f"{option} has no effect: none of the models "
                        f"backtested ({', '.join(requested)}) uses it — it feeds the {model} model (and select) — "
                        "so it is not read") for option, model in unused])
    left_out = {option for option, _ in unused}
    return tuple(None if option in left_out else path  # type: ignore[return-value]
                 for option, path in (("--population", population), ("--users", users), ("--flows", flows)))
EXIT_AGE_RANGE = (50, 100)  # --exit-age: a sensible age limit in years (daily activity: 67, F0401)


def _check_model_inputs(requested: list[str], drivers: dict, flows: Path | None, flow_map: dict,
                        uids: list[str]) -> None:
    """Models named with --models whose inputs are missing are errors (the default list skips them)."""
    from resmodel.forecast.forecaster import make_model

    for name in ("demographic", "stockflow"):
        if name not in requested:
            continue
        where = Location(path=f"--models {name}")
        if name == "demographic" and not drivers:
            make_model(name, where=where)  # raises: names the model and --population
        if name == "stockflow" and not flow_map:
            if flows is None:
                make_model(name, where=where)  # raises: names the model and --flows
            shown = ", ".join(uids[:5]) + (" …" if len(uids) > 5 else "")
            raise InputError.at(Location(str(flows), column="service", path=where.path),
                                f"the flows file has no flows for any series of the backtest ({shown})",
                                "flows rows whose service (and level, with --by-level) match the series",
                                "give the flows of these services, or leave stockflow out of --models")


def _parse_models(text: str, freq: str, driver: bool, flows: dict) -> list:
    from resmodel.forecast.forecaster import make_model, model_name

    names = [model_name(n).strip() for n in text.split(",") if n.strip()]
    if "naive" not in names:
        names.insert(0, "naive")
    return [make_model(n, freq, driver="population" if driver else None, flows=flows or None,
                       where=Location(path=f"--models {n}")) for n in dict.fromkeys(names)]


def backtest(
    ctx: typer.Context,
    series: Annotated[Path, typer.Option(help="series file: unique_id,ds,y or a volume history")],
    h: Annotated[int | None, typer.Option(
        metavar="PERIODS", help="horizon in periods (default 12 monthly, 1 yearly)")] = None,
    windows: Annotated[int | None, typer.Option(help="rolling origins (default up to 8)")] = None,
    step: Annotated[int | None, typer.Option(
        metavar="PERIODS", help="periods between origins (default 6 monthly, 1 yearly)")] = None,
    models: Annotated[str | None, typer.Option(
        help="comma-separated models (naive, snaive, drift, ets, arima, theta, comb, demographic, stockflow, select, "
        "auto); naive is always included. Default: all of them, demographic and stockflow only with --population "
        "and --flows, snaive only for monthly series; a model named here whose input is missing is an error")] = None,
    by_level: Annotated[bool, typer.Option("--by-level", help="volume history: one series per level")] = False,
    population: Annotated[Path | None, typer.Option(
        help="population by age band and year, each year's value as at 1 July (for 31 December counts enter the mean of "
        "that year's and the year before's; docs/forecasting.md, population.csv) — demographic model")] = None,
    users: Annotated[Path | None, typer.Option(help="users.csv with birth years (age structure)")] = None,
    flows: Annotated[Path | None, typer.Option(help="yearly flows table (stock–flow model)")] = None,
    out: PathOpt = Path("results/backtest"),
) -> None:
    """Rolling-origin backtest: MAPE, MASE, bias and interval coverage per series and model, against naive."""
    from resmodel.forecast.anomalies import suspicious_warnings
    from resmodel.forecast.crossval import MIN_POINTS
    from resmodel.forecast.forecaster import Forecaster
    from resmodel.forecast.frame import DS, FREQ_NAMES, ID, MONTHLY, format_ds, split_series
    from resmodel.io.manifest import manifest_writer
    from resmodel.io.series import csv_writer, read_series, write_atomically

    check_output_folder(out, BACKTEST_OUTPUTS)
    for option, value in (("--h", h), ("--windows", windows), ("--step", step)):
        _positive_option(option, value)
    if models is not None:
        for name in models.split(","):
            check_option_for_pnr(name, "--models")
            if not name.strip():
                raise InputError.at(Location(path="--models"), "an empty model name in --models",
                                    "model names separated by single commas, e.g. naive,ets,auto",
                                    "remove the extra comma, or leave --models out for all models")

    data = read_series(series, by_level=by_level)
    _warn(data.warnings + _unused_columns(data, series) + suspicious_warnings(data.frame, data.freqs, str(series)))
    if by_level and not data.from_history:
        _warn([Warning_("option_ignored", Location(path="--by-level"), "--by-level has no effect: it splits a "
                        "volume history (month, service, level, volume) by level, and this is a unique_id, ds, y file")])
    all_series = {s.uid: s for s in split_series(data.frame, data.freqs)}
    requested = list(dict.fromkeys(n.strip() for n in (models or DEFAULT_BACKTEST_MODELS).split(",")))
    population, users, flows = _inputs_used(requested, population, users, flows)
    months = None
    if population:
        months = pd.DatetimeIndex(sorted(data.frame[DS].unique()))
    drivers, flow_map, warns = _inputs_for(all_series, data.from_history, population, users, flows, months)
    if models is not None:  # a model named on the command line must get its inputs
        _check_model_inputs(requested, drivers, flows, flow_map, sorted(all_series))
    cvs, tables, level_tables = [], [], []
    fallback_windows: dict[tuple[str, str], int] = {}
    autos = {}  # the auto model backtested per frequency, to say when its origins never reached its preferred model
    for freq in sorted(set(data.freqs.values())):
        uids = sorted(u for u, f in data.freqs.items() if f == freq)
        g_h = h or (12 if freq == MONTHLY else 1)
        g_step = step or (6 if freq == MONTHLY else 1)
        fits = {u: (len(all_series[u].y) - g_h - MIN_POINTS) // g_step + 1 for u in uids}
        feasible = min(fits.values())
        g_windows = windows or max(1, min(8, feasible))
        names = [n for n in requested if not ((n == "demographic" and not drivers) or (n == "stockflow" and not flow_map)
                                              or (n == "snaive" and freq != MONTHLY))]
        if models is not None and "snaive" in requested and freq != MONTHLY:  # named, yet left out: say so
            warns.append(Warning_("model_skipped", Location(str(series), path="--models snaive"),
                                  f"snaive repeats last year's month: it has no season to repeat on the "
                                  f"{FREQ_NAMES[freq]} series ({', '.join(uids[:3])}{' …' if len(uids) > 3 else ''}), "
                                  "so it is left out there (naive is the same forecast)"))
        chosen = _parse_models(",".join(names), freq, bool(drivers), flow_map)
        autos[freq] = next((m for m in chosen if m.name == "auto"), None)
        frame = data.frame[data.frame[ID].isin(uids)]
        if drivers:
            frame = frame.assign(population=[drivers[u][d] for u, d in zip(frame[ID], frame[DS], strict=True)])
        fc = Forecaster(chosen, source=str(series))
        cv = fc.cross_validation(frame, h=g_h, n_windows=g_windows, step=g_step, freqs=data.freqs)
        warns += fc.warnings
        fallback_windows.update(fc.fallback_windows)
        ev = fc.evaluate(cv)
        ev.insert(1, "frequency", FREQ_NAMES[freq])
        ev.insert(2, "h", g_h)
        tables.append(ev)
        cvs.append(cv.assign(ds=format_ds(cv["ds"], freq), cutoff=format_ds(cv["cutoff"], freq)))
        if data.from_history and not by_level:  # the level split forecast writes, scored level by level
            level_tables.append(_level_split_metrics(series, cv, [m.name for m in chosen]))
        if windows is None and g_windows < 8:
            typer.echo(f"note: {FREQ_NAMES[freq]} series allow only {_plural(g_windows, 'window')} with h={g_h}, "
                       f"step={g_step}" + _limiting_series(fits, all_series), err=True)
        short = list(dict.fromkeys(w.message.split(" needs at least")[0] for w in fc.warnings
                                   if w.check == "short_series" and w.location.path in uids))
        if windows is None and short:  # the earliest origins have too little history for these models
            need = max(m.min_length_for(freq, g_h) for m in chosen)  # the largest single need covers the ensembles'
            fitted = (min(len(all_series[u].y) for u in uids) - g_h - need) // g_step + 1
            typer.echo(f"note: {', '.join(short)} {'falls' if len(short) == 1 else 'fall'} back to naive at the "
                       f"earliest origins ({FREQ_NAMES[freq]} "
                       "history too short there; the warnings below say in how many windows), so their rows are "
                       "partly or wholly naive's"
                       + (f"; --windows {fitted} backtests only origins where every model is fitted" if fitted >= 1
                          else "; no origin has enough history for every model"), err=True)
    metrics = pd.concat(tables, ignore_index=True)
    cv_all = pd.concat(cvs, ignore_index=True)
    shown = metrics[["unique_id", "model", "windows", "mape", "mape_mean", "mase", "relative_mase", "bias", "bias_pct",
                     "coverage_80", "coverage_95", "model_used"]].rename(
        columns={"relative_mase": "mase/naive", "coverage_80": "cov80%", "coverage_95": "cov95%", "bias_pct": "bias%",
                 "mape": "mape%", "mape_mean": "mape_mean%"})
    _table(shown)
    horizons = " and ".join(f"h = {h} {'month' if f == 'monthly' else 'year'}{'s' if h != 1 else ''}"
                            for f, h in metrics[["frequency", "h"]].drop_duplicates().itertuples(index=False))
    typer.echo("(mape%: mean absolute error in % of the actual; mape_mean%: the same for each window's average over "
               f"its horizon ({horizons}) — over 12 months or one year, how far off next year's average was, what a "
               "budget uses; mase: mean absolute error over the in-sample naive error at the season's lag (12 months; 1 for "
               "yearly series and for training spans of 12 months or less); mase/naive below 1: better than the "
               "naive model; bias: mean of forecast − "
               "actual in the series' units, bias% of the actual total; cov80%/cov95%: held-out values inside the "
               "80 %/95 % intervals — 70–90 % counts as calibrated for 80 %; model_used: what made the forecasts, "
               "fallbacks included; all over the held-out points of every window — mase over the windows whose "
               "training data are not flat)")
    _echo_flat_windows(metrics)
    if not by_level:  # forecast forecasts the series backtested here (by level it splits a service total instead)
        _echo_untested_default(metrics, autos, all_series, data.freqs, requested)
    metrics = _with_judgement(metrics, fallback_windows)
    _echo_best(metrics, data.from_history, fallback_windows)
    _echo_verdict(metrics, fallback_windows=fallback_windows)
    levels = pd.concat(level_tables, ignore_index=True) if level_tables else pd.DataFrame()
    if len(levels):
        typer.echo("By level, as resmodel forecast splits a service total (the mix of the twelve months before the "
                   "origin), against each level's own naive forecast (its last value)" + (
                       "; with --flows, resmodel forecast splits by the stock–flow mix instead, which this does not "
                       "score" if flows else "") + ":")
        by_service = {(m, uid): fallback_windows.get((m, uid.split("|")[0]), 0)  # a level row is its service's
                      for m, uid in zip(levels["model"], levels["unique_id"], strict=True)}
        _echo_verdict(levels, "level split of ", by_service, notes=False)
        _echo_flat_windows(levels, "level split: ")
    fig = _backtest_figure(metrics)
    files = write_atomically(out, {"backtest_metrics.csv": csv_writer(metrics), "backtest_cv.csv": csv_writer(cv_all),
                                   "backtest.xlsx": workbook_writer({"Mått — metrics": metrics,
                                                                  "Fönster — windows": cv_all,
                                                                  **({"Nivåer — levels": levels} if len(levels)
                                                                     else {})}),
                                   **({"backtest_levels.csv": csv_writer(levels)} if len(levels) else {}),
                                   "backtest.png": _png_writer(fig),
                                   "manifest.json": manifest_writer(ctx.info_name, ctx.params)}, BACKTEST_OUTPUTS)
    _warn(warns)
    typer.echo(f"wrote {', '.join(files)} to {out}")


def _plural(n: int, noun: str) -> str:
    """'1 window', '3 windows'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _limiting_series(fits: dict[str, int], all_series: dict) -> str:
    """For the window note of series of unequal length: which series set the window count (the shortest)."""
    lengths = {u: len(all_series[u].y) for u in fits}
    if len(set(lengths.values())) < 2:
        return ""
    fewest = min(fits.values())
    short = [u for u in fits if fits[u] == fewest]
    named = ", ".join(short[:3]) + (f" and {len(short) - 3} more" if len(short) > 3 else "")
    return (f" — set by the shortest series ({named}: {lengths[short[0]]} points); every series of the file gets "
            "that many, so backtest the longer ones in a file of their own for more")


def _with_judgement(metrics: pd.DataFrame, fallback_windows: dict[tuple[str, str], int]) -> pd.DataFrame:
    """The metrics with what the printed verdict reads besides them, so the file says it too: in how many windows
    the model's fallback made the forecast, and whether its coverage rests on enough origins to be judged."""
    from resmodel.forecast.metrics import MIN_COVERAGE_ORIGINS

    return metrics.assign(
        fallback_windows=[fallback_windows.get((m, u), 0) for m, u in zip(metrics["model"], metrics["unique_id"],
                                                                          strict=True)],
        coverage_judged=metrics["windows"] >= MIN_COVERAGE_ORIGINS)


def _unfitted(metrics: pd.DataFrame, fallback_windows: dict[tuple[str, str], int]) -> np.ndarray:
    """Per metrics row: whether the model's fallback made every forecast of the row (nothing of the model to judge).
    A model other than select/auto whose model_used never names it, or any model whose fallback forecast every
    window (``fallback_windows``: select and auto choosing naive are not fallbacks)."""
    own = [_used_models(m) for m in metrics["model_used"].astype(str)]
    return np.array([(name not in ("select", "auto") and name not in parts)
                     or fallback_windows.get((name, uid), 0) >= windows
                     for name, uid, windows, parts in zip(metrics["model"], metrics["unique_id"], metrics["windows"],
                                                          own, strict=True)], dtype=bool)


def _used_models(model_used: str) -> set[str]:
    """The models a metrics row's ``model_used`` names: 'drift×3, ets×1' → {'drift', 'ets'}."""
    return {part.split("×")[0].strip() for part in model_used.split(",")}


def _default_horizon(freq: str) -> int:
    """The horizon ``resmodel forecast`` uses for a unique_id,ds,y series when --h is left out: 12 months, 2 years."""
    from resmodel.forecast.frame import MONTHLY

    return 12 if freq == MONTHLY else 2


def _echo_untested_default(metrics: pd.DataFrame, autos: dict, all_series: dict, freqs: dict[str, str],
                           requested: list[str]) -> None:
    """A note per series whose backtest origins never reached the model ``auto`` prefers (``comb`` on monthly series,
    ``forecaster.default_model``) while the forecast on the whole series would use it: auto's rows then score
    select's choices, not the forecast ``resmodel forecast`` makes (a planner's 72-month series: auto 'drift×7,
    ets×1' in the backtest, comb in the forecast, and nothing said so). The whole series' choice is auto's own
    (``AutoSelect.choose``, at the forecast's default horizon), made only for the series where no origin used it."""
    from resmodel.forecast.frame import MONTHLY

    rows = metrics[metrics["model"] == "auto"]
    for uid, used in zip(rows["unique_id"], rows["model_used"].astype(str), strict=True):
        auto = autos.get(freqs[uid])
        if auto is None or not auto.prefer or _used_models(used) & set(auto.prefer):
            continue
        s = all_series[uid]
        full = auto.choose(s, _default_horizon(s.freq)).model.name
        if full not in auto.prefer:
            continue
        scored = (f"{full}'s own rows score it" if full in requested
                  else f"add {full} to --models to backtest it (--models {','.join([*requested, full])})")
        whole = _plural(len(s.y), "month" if s.freq == MONTHLY else "year")
        typer.echo(f"note: {uid}: auto at these backtest origins is select's choice ({used}), never {full} — the "
                   f"history before them is too short for {full}, or it could not be fitted there; the forecast on "
                   f"the whole {whole} uses {full}, which auto's rows do not score: {scored}", err=True)


def _echo_best(metrics: pd.DataFrame, from_history: bool, fallback_windows: dict[tuple[str, str], int]) -> None:
    """Per series, the model with the lowest MASE, and whether its 80 % intervals are calibrated. Rows its fallback
    made wholly are left out (they are naive's numbers); ties go to the simpler model (naive first)."""
    from resmodel.forecast.forecaster import MODEL_NAMES
    from resmodel.forecast.metrics import CALIBRATED_80, MIN_COVERAGE_ORIGINS

    fitted = metrics[np.isfinite(metrics["mase"]) & ~_unfitted(metrics, fallback_windows)]
    order = fitted["model"].map(lambda m: MODEL_NAMES.index(m) if m in MODEL_NAMES else len(MODEL_NAMES))
    ranked = fitted.assign(_order=order).sort_values(["unique_id", "mase", "_order"], kind="stable")
    best = ranked.groupby("unique_id", sort=False).head(1)
    if best.empty or metrics["model"].nunique() < 2:
        return
    lo, hi = CALIBRATED_80

    def coverage(r) -> str:
        if not np.isfinite(r.coverage_80):
            return ""
        if r.windows < MIN_COVERAGE_ORIGINS:
            return f", too few backtest origins to judge coverage ({r.windows})"
        return f", 80 % intervals cover {r.coverage_80:.0f} %" + ("" if lo <= r.coverage_80 <= hi else " — not calibrated")

    typer.echo("Lowest MASE per series" + (" (to forecast a service with its model: resmodel forecast --model auto "
               "--model <service>=<model>)" if from_history else "") + ": " + "; ".join(
        f"{r.unique_id} {r.model} ({r.relative_mase:.2f} of naive's{coverage(r)})" for r in best.itertuples()))


def _level_split_metrics(series: Path, cv: pd.DataFrame, models: list[str]) -> pd.DataFrame:
    """The metrics of the level split of each model's service-total forecasts (forecast.levelsplit), per level
    series with the level's own naive as the baseline; empty when the history has no levels."""
    from resmodel.forecast.frame import split_series
    from resmodel.forecast.levelsplit import level_split_cv
    from resmodel.forecast.metrics import evaluate
    from resmodel.io.series import read_series

    by_level = read_series(series, by_level=True)
    level_frame = by_level.frame[by_level.frame["unique_id"].str.contains("|", regex=False)]
    split = level_split_cv(cv, level_frame, models)
    if split.empty:
        return split
    ids = set(split["unique_id"])
    level_series = {s.uid: s for s in split_series(level_frame, by_level.freqs) if s.uid in ids}
    return evaluate(split, level_series, ["naive", *[m for m in models if m != "naive"]])


def _echo_flat_windows(metrics: pd.DataFrame, levels: str = "") -> None:
    """A note per series whose MASE leaves out windows with flat training data (nothing to scale by) — for the level
    split (``levels``, its prefix) one note naming them all, as a service's few users leave many levels flat; a
    series with none left is told 'not comparable' by the verdict."""
    table = metrics.loc[metrics["mase_windows"].between(1, metrics["windows"] - 1),
                        ["unique_id", "windows", "mase_windows"]].drop_duplicates()
    why = "flat training data (no change from period to period), so there is nothing to scale by"
    if levels and len(table):
        typer.echo(f"note: {levels}mase over fewer windows, the others having {why}: " + ", ".join(
            f"{uid} {used} of {windows}" for uid, windows, used in table.itertuples(index=False)), err=True)
        return
    for uid, windows, used in table.itertuples(index=False):
        typer.echo(f"note: {uid}: mase over {used} of {windows} windows — the other {windows - used} had {why}",
                   err=True)


def _echo_verdict(metrics: pd.DataFrame, prefix: str = "",
                  fallback_windows: dict[tuple[str, str], int] | None = None, notes: bool = True) -> None:
    """One line on each non-naive model: on how many series it beats naive and covers as it should — not judged
    where its fallback made every forecast (``_unfitted``), nor its coverage on fewer than MIN_COVERAGE_ORIGINS
    backtest origins; ``notes``: then the notes on how far coverage can be read (once per backtest)."""
    from resmodel.forecast.metrics import CALIBRATED_80, MIN_COVERAGE_ORIGINS, verdict

    unfitted_rows = _unfitted(metrics, fallback_windows or {})
    for name in dict.fromkeys(metrics["model"]):
        if name == "naive":
            continue
        v = verdict(metrics, name)
        rows = (metrics["model"] == name).to_numpy()
        unfitted = list(metrics.loc[rows & unfitted_rows, "unique_id"])
        if unfitted:
            v = v[~v["unique_id"].isin(unfitted)]
            typer.echo(f"{prefix}{name}: not fitted on {', '.join(unfitted)} (its fallback, naive, made every "
                       "forecast; the warnings below say why), so not judged there")
            if v.empty:
                continue
        comparable = np.isfinite(v["relative_mase"].to_numpy(dtype=float))
        flat = ", ".join(v.loc[~comparable, "unique_id"])  # naive's MASE undefined or 0: nothing to scale against
        n = int(comparable.sum())
        ratios = list(zip(v["unique_id"], v["relative_mase"], v["beats_naive"], strict=True))
        worse = ", ".join(f"{u} {r:.2f}" for u, r, b in ratios if not b and np.isfinite(r))
        judged = v[v["judged_80"]]
        off = ", ".join(f"{u} {c:.1f} %" for u, c, ok in zip(judged["unique_id"], judged["coverage_80"],
                                                            judged["calibrated_80"], strict=True) if not ok)
        few = v[~v["judged_80"]]
        coverage = (f"80 % intervals cover {CALIBRATED_80[0]:.0f}–{CALIBRATED_80[1]:.0f} % on "
                    f"{int(judged['calibrated_80'].sum())} of {len(judged)}" + (f" (not: {off})" if off else "")
                    if len(judged) else "")
        if len(few):
            counts = ", ".join(str(p) for p in sorted(set(few["windows"])))
            coverage += ("; " if coverage else "") + (
                f"too few backtest origins to judge coverage ({counts}; fewer than {MIN_COVERAGE_ORIGINS})"
                + (f" on {', '.join(few['unique_id'])}" if len(judged) else ""))
        parts = [f"beats naive on {int(v['beats_naive'].sum())} of {n} series" + (f" (not: {worse})" if worse else "")
                 if n else "", f"not comparable with naive on {flat} (naive's MASE undefined: the series does not "
                 "change)" if flat else "", coverage]
        typer.echo(f"{prefix}{name}: " + "; ".join(part for part in parts if part))
    if not notes:
        return
    judged_any = metrics["windows"] >= MIN_COVERAGE_ORIGINS
    few = int(metrics.loc[judged_any, "windows"].min()) if judged_any.any() else 8
    if few < 8:
        typer.echo(f"note: coverage rests on {_plural(few, 'origin')} per series, and one origin's errors move "
                   f"together: a calibrated 80 % interval can well fall outside {CALIBRATED_80[0]:.0f}–"
                   f"{CALIBRATED_80[1]:.0f} % at this size, so read the coverage as a rough guide "
                   "(docs/forecast-accuracy.md §1)")
    if not judged_any.all():
        typer.echo(f"note: coverage is not judged on fewer than {MIN_COVERAGE_ORIGINS} backtest origins: the points of "
                   "one origin move together, and on fewer independent draws a calibrated 80 % interval lands in "
                   "70–90 % at most 41 % of the time (never on 3), so \"not calibrated\" would say nothing "
                   "(docs/forecasting.md §2)")


def _backtest_figure(metrics: pd.DataFrame):
    fig, axes = _figure(2, height=3.6)
    uids = list(dict.fromkeys(metrics["unique_id"]))
    names = list(dict.fromkeys(metrics["model"]))
    width = 0.8 / max(1, len(names))
    x = np.arange(len(uids))
    for i, name in enumerate(names):
        m = metrics[metrics["model"] == name].set_index("unique_id").reindex(uids)
        axes[0, 0].bar(x + i * width, m["relative_mase"], width, label=name)
        axes[1, 0].bar(x + i * width, m["coverage_80"], width, label=name)
    axes[0, 0].axhline(1.0, color="black", lw=0.8)
    axes[0, 0].set_ylabel("MASE / naive MASE")
    axes[0, 0].set_title("Backtest: error relative to the naive model (below 1 = better than naive)")
    axes[1, 0].axhspan(70, 90, color="0.9", zorder=0, label="70–90 %")
    axes[1, 0].set_ylabel("80 % interval coverage (%)")
    axes[1, 0].set_ylim(0, 105)
    for ax in axes[:, 0]:
        ax.set_xticks(x + 0.4 - width / 2, uids, rotation=20, ha="right", fontsize=8)
    axes[0, 0].legend(ncol=min(8, len(names)), fontsize=8)
    fig.tight_layout()
    return fig


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
    from resmodel.forecast.forecaster import Forecaster, make_model
    from resmodel.forecast.frame import MAX_PROBLEMS, format_ds
    from resmodel.forecast.interface import (
        age_shares_from_users,
        forecast_volumes,
        user_ages_by_level,
        yearly_volumes,
    )
    from resmodel.forecast.interval_notes import intervals_note
    from resmodel.forecast.stockflow import DEFAULT_EXIT_AGE
    from resmodel.io.manifest import manifest_writer
    from resmodel.io.series import (
        csv_writer,
        read_flows,
        read_population,
        read_series,
        read_users_ages,
        read_volume_history,
        write_atomically,
    )

    check_output_folder(out, FORECAST_OUTPUTS)
    _positive_option("--h", h)
    if exit_age is not None and not EXIT_AGE_RANGE[0] <= exit_age <= EXIT_AGE_RANGE[1]:
        raise InputError.at(Location(path="--exit-age"), f"--exit-age {exit_age} is outside "
                            f"{EXIT_AGE_RANGE[0]}–{EXIT_AGE_RANGE[1]}",
                            f"an age in years from {EXIT_AGE_RANGE[0]} to {EXIT_AGE_RANGE[1]} "
                            f"(daily activity ends at {DEFAULT_EXIT_AGE}, F0401)",
                            "correct --exit-age, or leave it out for 67")

    spec, default = _parse_spec(model or [])
    data = read_series(series)
    _warn(data.warnings + _unused_columns(data, series) + ([] if data.from_history else  # forecast_volumes: its own
                                           suspicious_warnings(data.frame, data.freqs, str(series))))
    if exit_age is not None and not (data.from_history and flows and users):
        _warn([Warning_("option_ignored", Location(path="--exit-age"),
                        f"--exit-age {exit_age} has no effect: the age exit is used only by the stock–flow level mix "
                        "of a volume history given --flows and --users")])
    if data.from_history:
        history = read_volume_history(series)
        if default:
            spec = {**dict.fromkeys(sorted(history["service"].unique()), default), **spec}
        _warn(_unused_demography(spec, population, users, flows))
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
        totals = yearly[yearly["level"] == "total"].drop(columns=["level", "volume_lo_95", "volume_hi_95"])
        typer.echo("Average volume per month by year (i snitt per månad, day-weighted as the projection; lo/hi: "
                   "the average of the monthly 80 % bounds, wider than an 80 % interval of the year's average — "
                   "about 86 % for the first year of a random walk; levels summed; months: forecast months in "
                   "the year):")
        _table(totals[totals["year"] <= totals["year"].min() + 4])
        partial = totals.loc[totals["months"] < 12, ["year", "months"]].drop_duplicates()
        typer.echo("(the first five years; every year by level is in volume_forecast_yearly.csv, every month in "
                   "volume_forecast.csv" + "".join(f"; {y} has {m} forecast month{'s' if m != 1 else ''}, averaged over {'those' if m != 1 else 'it'} only"
                                                   for y, m in partial.itertuples(index=False))
                   + f". How far to trust the intervals: resmodel backtest --series {series} — "
                   "docs/forecast-accuracy.md)")
        _echo_level_mix(result.level_mix, history)
        used = set(result.table["model_used"])
        fig = _forecast_figure(history, result.table)
        files = write_atomically(out, {"volume_forecast.csv": csv_writer(table),
                                       "volume_forecast_yearly.csv": csv_writer(yearly),
                                       "volume_forecast.xlsx": workbook_writer({"Per månad — monthly": table,
                                                                             "Per år — yearly": yearly.assign(
                                           level=[int(v) if str(v).isdigit() else v for v in yearly["level"]])}),
                                       "volume_forecast.png": _png_writer(fig),
                                       "manifest.json": manifest_writer(ctx.info_name, ctx.params)}, FORECAST_OUTPUTS)
        _warn(result.warnings)
    else:
        if spec:
            raise InputError.at(Location(path="--model"), "per-service models apply to a volume history",
                                "a single model name for a unique_id,ds,y file", "write e.g. --model ets")
        given = [name for name, value in (("--population", population), ("--flows", flows), ("--users", users))
                 if value is not None]
        if given:  # as backtest: the demographic and stock–flow drivers are keyed by a history's services
            raise InputError.at(Location(path="/".join(given)), f"{', '.join(given)} {'applies' if len(given) == 1 else 'apply'} to a volume history "
                                "(month, service, level, volume)", "a volume history file with them",
                                f"drop {', '.join(given)}, or forecast the volume history")
        parts, warns, found = [], [], []
        for freq in sorted(set(data.freqs.values())):
            uids = [u for u, f in data.freqs.items() if f == freq]
            fc = Forecaster([make_model(default or "auto", freq, where=Location(path="--model"))], source=str(series))
            try:
                with _horizon_is_the_option():
                    res = fc.forecast(data.frame[data.frame["unique_id"].isin(uids)], h or _default_horizon(freq),
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
        _table(table)
        files = write_atomically(out, {"forecast.csv": csv_writer(table),
                                       "manifest.json": manifest_writer(ctx.info_name, ctx.params)},
                                 FORECAST_OUTPUTS)
        _warn(warns)
    own = sorted({m for m in [default, *spec.values()] if isinstance(m, str) and m not in ("auto", "select")} & used)
    if own:  # only auto's (and select's) intervals are calibrated by their own backtest; said of the models that ran
        inputs = "".join(f" --{name} {path}" for name, path, model in (
            ("population", population, "demographic"), ("users", users, "demographic"), ("flows", flows, "stockflow"))
            if path and model in own)  # the tables those models need in the backtest too
        typer.echo(intervals_note(own, result.table if data.from_history else None,
                                   history if data.from_history else None)
                   + f"; how often they held in the past: resmodel backtest --series {series}{inputs} --models "
                   f"{','.join(dict.fromkeys(['naive', *own]))} (on the demo history most of ETS's and ARIMA's 80 % "
                   "intervals were too narrow; docs/forecast-accuracy.md §1)", err=True)
    typer.echo(f"wrote {', '.join(files)} to {out}")


@contextmanager
def _horizon_is_the_option():
    """Errors the core locates at its horizon argument ('h', 'horizon_months') name the --h option."""
    try:
        yield
    except InputError as exc:
        raise InputError([replace(p, location=Location(path="--h")) if p.location.path in ("h", "horizon_months")
                          else p for p in exc.problems]) from None


@contextmanager
def _in_the_triangle_file(triangle: Path):
    """Errors the nowcast core locates at 'triangle' (the data as a whole) name the file."""
    try:
        yield
    except InputError as exc:
        raise InputError([replace(p, location=replace(p.location, file=str(triangle)))
                          if p.location.path == "triangle" and p.location.file is None else p
                          for p in exc.problems]) from None


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
    fig, axes = _figure(len(services), height=2.4)
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


def _refuse_long_completion(invoices: pd.DataFrame, when: pd.Timestamp, triangle: Path, as_of_given: bool) -> None:
    """Exit 2 before the quadratic completion runs when it would complete more than MAX_SERVICE_MONTHS months
    (``completion_span``; the API answers a 422 alike — the CLI ran 19 s and wrote 2 533 months for one invoice of
    1990-01 reported in 2200-12)."""
    from resmodel.forecast.nowcast_checks import MAX_SERVICE_MONTHS, completion_span

    too_long = completion_span(invoices, when)
    if too_long is None:
        return
    span, first = too_long
    latest = first + pd.DateOffset(months=MAX_SERVICE_MONTHS - 1)
    end = f"--as-of {when:%Y-%m}" if as_of_given else f"the last reporting month {when:%Y-%m}"
    raise InputError.at(Location(str(triangle), path="--as-of" if as_of_given else None),
                        f"the service months to complete span {span} months, from the first service month "
                        f"{first:%Y-%m} to {end}",
                        f"at most {MAX_SERVICE_MONTHS} (30 years) from the first service month to the month completed, "
                        f"here up to {latest:%Y-%m}", "correct a reporting or service month typed wrong, or give the "
                        "last years' invoices (ten years are plenty for the reporting pattern)"
                        + (", or an earlier --as-of" if as_of_given else ""))


def nowcast(
    ctx: typer.Context,
    triangle: Annotated[Path, typer.Option(help="invoices: service_month, reporting_month, cases/amount_sek")],
    value: Annotated[str, typer.Option(
        metavar="COLUMN", help="column to complete: amount_sek or cases")] = "amount_sek",
    as_of: Annotated[str | None, typer.Option(
        metavar="MONTH", help="complete as known at this month YYYY-MM (default: last)")] = None,
    recent: Annotated[int, typer.Option(
        metavar="MONTHS", help="recent service months to show and backtest, 1–36 (as the API)")] = 6,
    origins: Annotated[int, typer.Option(help="backtest origins (past months)")] = 12,
    out: PathOpt = Path("results/nowcast"),
) -> None:
    """Complete recent months of a late-reporting invoice triangle (chain ladder) and backtest it."""
    from resmodel.forecast.frame import month_fix
    from resmodel.forecast.nowcast_checks import STATE_RATE
    from resmodel.forecast.nowcast_report import as_of_month, nowcast_findings, nowcast_report, sums_to_print
    from resmodel.io.manifest import manifest_writer
    from resmodel.io.parameters import national_parameter
    from resmodel.io.series import csv_writer, read_triangle, write_atomically

    check_output_folder(out, NOWCAST_OUTPUTS)

    when = None
    if as_of:
        _check_as_of_year(as_of)
        when = pd.to_datetime(as_of, format="%Y-%m", errors="coerce")
        if pd.isna(when):
            raise InputError.at(Location(path="--as-of"), f"'{as_of}' is not a month", "YYYY-MM", month_fix(as_of))
    if not 1 <= recent <= MAX_RECENT:  # as the API's recent (Click's own 'Invalid value' has not our form)
        raise InputError.at(Location(path="--recent"), f"--recent {recent} is outside 1–{MAX_RECENT}",
                            f"a whole number of service months from 1 to {MAX_RECENT} (three years)",
                            "correct --recent, or leave it out for the last 6 months")
    _positive_option("--origins", origins)
    invoices = read_triangle(triangle, value)
    when = as_of_month(invoices, when, Location(str(triangle), path="--as-of"))
    _refuse_long_completion(invoices, when, triangle, as_of is not None)
    with _in_the_triangle_file(triangle):
        report = nowcast_report(invoices, value, when, recent, origins)
    where = {"triangle": Location(str(triangle)), "origins": Location(str(triangle), path="--origins"),
             "amount": Location(str(triangle), column="amount_sek")}
    cases = _cases_beside(triangle) if value == "amount_sek" else None
    _warn([Warning_(check, where[source], text) for check, source, text in nowcast_findings(
        report, invoices, value, when, origins, cases,
        lambda rows: f"invoice rows {', '.join(str(r + 1) for r in rows)} below the header",
        national_parameter(STATE_RATE) if cases is not None else None)], limit=50)
    result = report.months
    shown = result.tail(recent).assign(service_month=lambda d: d["service_month"].dt.strftime("%Y-%m"))
    typer.echo(f"Nowcast of '{value}' as known at {result['service_month'].max():%Y-%m} (lo/hi: the intervals of "
               "the nowcast, the completed amount; still_to_come: the invoices yet to arrive, *tillkommande*, = "
               "nowcast − reported, the amount to accrue):")
    columns = ["service_month", "reported", "completeness", "method", "nowcast", "lo-80", "hi-80", "lo-95", "hi-95",
               "still_to_come"]
    amounts = [c for c in columns[4:] + ["reported"] if value == "amount_sek"]  # SEK in whole kronor
    _table(shown[columns].assign(**{c: shown[c].map(lambda v: f"{v:,.0f}") for c in amounts}))
    sums = report.sums.set_index("sum_of", drop=False)
    for key in sums_to_print(report):
        _echo_nowcast_total(sums.loc[key], value, report.described[key])
    if report.no_backtest:
        typer.echo("\nBacktest: none — the invoice history is too short for one (the warning says why)")
    else:
        typer.echo("\nBacktest (mean absolute % error against the settled amount):")
        _table(report.backtest)
        _echo_nowcast_coverage(report.coverage_80, len(report.backtest_detail), report.origins_used)
    fig = _nowcast_figure(result, value)
    out_table = result.assign(service_month=result["service_month"].dt.strftime("%Y-%m"))
    detail = report.backtest_detail
    det = detail.assign(service_month=detail["service_month"].dt.strftime("%Y-%m"),
                        origin=detail["origin"].dt.strftime("%Y-%m"))
    files = write_atomically(out, {"nowcast.csv": csv_writer(out_table),
                                   "nowcast_sums.csv": csv_writer(report.sums),
                                   "nowcast.xlsx": workbook_writer({
                                       "Summor — sums": _valued(report.sums, value),
                                       "Per tjänstemånad — months": _valued(out_table, value),
                                       "Backtest": pd.DataFrame({"note": [report.no_backtest]})
                                       if report.no_backtest else report.backtest}),
                                   "nowcast_backtest.csv": csv_writer(report.backtest),
                                   "nowcast_backtest_detail.csv": csv_writer(det), "nowcast.png": _png_writer(fig),
                                   "manifest.json": manifest_writer(ctx.info_name, ctx.params)},
                             NOWCAST_OUTPUTS)
    typer.echo(f"wrote {', '.join(files)} to {out}")


def _check_as_of_year(as_of: str) -> None:
    """--as-of's year within the years of the invoice triangle's months (1990–2200, as the API's as_of): a year
    outside is a typing mistake, told as one rather than as a month after the invoices (or, past pandas' dates in
    2262, as no month at all)."""
    from resmodel.io.series import TRIANGLE

    column = TRIANGLE.column("reporting_month")
    first, last = int(column.minimum), int(column.maximum)
    year = re.match(r"\s*(\d+)\s*-", as_of)
    if year and not first <= int(year[1]) <= last:
        raise InputError.at(Location(path="--as-of"), f"'{as_of.strip()}' is not a month of {first}–{last}",
                            f"YYYY-MM with a year from {first} to {last}, as the invoices' months",
                            "correct the year, or leave --as-of out for the last reporting month")


def _cases_beside(triangle: Path) -> pd.DataFrame | None:
    """The triangle's cases, read as --value cases would read them, for the amount-per-case check of an amount
    nowcast; None when the column cannot be read so (empty, as it may be when the amounts are completed)."""
    from resmodel.errors import ResmodelError
    from resmodel.io.series import read_triangle

    try:
        return read_triangle(triangle, "cases")
    except ResmodelError:
        return None


def _valued(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """The frame marked with the value it counts (its workbook then shows SEK in whole kronor)."""
    frame = frame.copy()
    frame.attrs["value"] = value
    return frame


def _echo_nowcast_total(total: pd.Series, value: str, what: str) -> None:
    """Service months together: reported, nowcast and the part still to come (*tillkommande*, to accrue:
    *periodisera*) with its intervals; the months' errors are correlated, so these are not summed intervals."""
    unit = " SEK" if value == "amount_sek" else f" {value}"
    span = f"{total['first_month']}–{total['last_month']}, {total['months']} months"
    typer.echo(f"Sum of {what} ({span}): reported {total['reported']:,.0f}{unit}, nowcast {total['nowcast']:,.0f}; "
               f"still to come {total['still_to_come']:,.0f}{unit}, 80 % interval {total['still_to_come_lo-80']:,.0f}–"
               f"{total['still_to_come_hi-80']:,.0f}, 95 % {total['still_to_come_lo-95']:,.0f}–"
               f"{total['still_to_come_hi-95']:,.0f}")


def _echo_nowcast_coverage(covered: float, nowcasts: int, origins: int) -> None:
    """One line judging the nowcast's 80 % intervals by how often they held the settled amount; with fewer
    than 8 origins (whose nowcasts err together) the judgement is only a rough guide, and says so."""
    from resmodel.forecast.metrics import CALIBRATED_80
    from resmodel.forecast.nowcast_report import coverage_reading

    lo, hi = CALIBRATED_80
    typer.echo(f"80 % intervals held the settled amount in {covered:.1f} % of the {nowcasts} backtest nowcasts "
               f"(nominal 80 %; {lo:.0f}–{hi:.0f} % counts as calibrated): {coverage_reading(covered, origins)} "
               "(docs/forecast-accuracy.md §5)")


def _nowcast_figure(result: pd.DataFrame, value: str):
    fig, axes = _figure(1, height=3.6)
    ax = axes[0, 0]
    r = result.tail(24)
    ax.fill_between(r["service_month"], r["lo-95"], r["hi-95"], color="tab:blue", alpha=0.15, lw=0, label="95 %")
    ax.fill_between(r["service_month"], r["lo-80"], r["hi-80"], color="tab:blue", alpha=0.3, lw=0, label="80 %")
    ax.plot(r["service_month"], r["nowcast"], color="tab:blue", label="nowcast")
    ax.plot(r["service_month"], r["reported"], color="black", ls="--", label="reported so far")
    ax.set_title("Fakturor per tjänstemånad — invoices per service month: reported so far and completed (nowcast)",
                 fontsize=9, loc="left")
    ax.set_ylabel("SEK" if value == "amount_sek" else value, fontsize=8)
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}".replace(",", "\u202f"))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


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


def refuse_missing_forecast(demand: Path) -> None:
    """A --demand naming the volume forecast `resmodel forecast` writes, before it is written, is refused with the
    command that writes it: queue's and plan-premises' examples read results/forecast/volume_forecast.csv, which a
    new folder does not have, and 'check the path' did not say so (new-user walk, finding 5)."""
    if demand.name != FORECAST_OUTPUTS[0] or demand.exists():
        return
    raise InputError.at(Location(file=str(demand)), "file not found", "an existing CSV or .xlsx file: the volume "
                        f"forecast `resmodel forecast` writes ({FORECAST_FILE.as_posix()} unless its --out says "
                        "otherwise)", "run `resmodel forecast --series <your volume history>` first, which writes it; or check "
                        "the path and file name")


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
    from resmodel.forecast.frame import month_ranges
    from resmodel.forecast.queue import (
        TOTAL_NOTE,
        QueueState,
        capacity_notes,
        excess_start_note,
        fee_note,
        outside_demand_note,
        rate_note,
        simulate_queue,
        start_note,
        waiting_note,
    )
    from resmodel.io.manifest import manifest_writer
    from resmodel.io.series import csv_writer, read_capacity, read_demand_table, write_atomically
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
    if sum(x is not None for x in (capacity, places, scenario)) != 1:
        raise InputError.at(Location(path="--capacity/--places/--scenario"),
                            "give one of a capacity file, --places or --scenario",
                            "exactly one of --capacity FILE, --places N, --scenario FILE", "choose one")
    identity, loaded = None, None
    if scenario is not None:
        from resmodel.run import load

        loaded = load(scenario)
        cap_values, identity = _scenario_places(loaded, scenario, service, months)
        staff = False
    elif capacity is not None:
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
        cap_values = cap.to_numpy()
    else:
        staff = False
        cap_values = np.full(len(months), float(places))
    if users_per_fte is not None and not staff:
        _warn([Warning_("option_ignored", Location(path="--users-per-fte"),
                        f"--users-per-fte {users_per_fte:g} has no effect: the capacity is given as places "
                        "(it converts a staff_fte column of a --capacity file)")])
    if initial_executed is not None:
        if initial_executed > cap_values[0]:
            raise InputError.at(Location(path="--initial-executed"),
                                f"{_count(initial_executed)} executed users exceed the capacity of "
                                f"{_count(cap_values[0])} in {months[0]:%Y-%m}",
                                f"at most {_count(cap_values[0])} users already served at the start",
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
    _warn([Warning_(check, given, text) for check, text in capacity_notes(result)])
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
        _table(shown.assign(**{c: shown[c].map(lambda v: f"{v:,.0f}") for c in shown.columns if c.endswith("_sek")}))
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
        _warn([Warning_("plan_demand_differs", Location(str(capacity), path="--capacity"),
                        f"the premises plan was made from a demand file with other contents "
                        f"(its manifest.json: '{made_from.get('file')}', sha256 {made_from['sha256'][:12]}…) than "
                        f"the {demand} queued here (sha256 {queued[:12]}…): the queue shows the consequences of a "
                        "plan made for other volumes — plan again on this demand file (resmodel plan-premises "
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
    """Add the forecasting commands to the main CLI."""
    app.command("backtest")(backtest)
    app.command("forecast")(forecast)
    app.command("nowcast")(nowcast)
    app.command("queue")(queue)
