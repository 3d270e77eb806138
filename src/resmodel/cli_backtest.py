"""The ``backtest`` command: a rolling-origin backtest of the forecasting models, per series and model against naive.

It parses its options, calls the core, prints the metrics and the verdict on each model and writes its files
atomically. User mistakes raise ``ResmodelError``; the main entry point turns them into a located message and
exit status 2."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from resmodel.cli_series_common import (
    PathOpt,
    check_positive_option,
    default_horizon,
    echo_table,
    echo_warnings,
    panel_figure,
    png_writer,
    unused_columns,
)
from resmodel.errors import InputError, Location, Warning_
from resmodel.io.pnr import check_option_for_pnr
from resmodel.io.writers import check_output_folder, workbook_writer

# the files backtest writes: an existing --out folder may hold only these (io.writers.check_output_folder)
BACKTEST_OUTPUTS = ("backtest_metrics.csv", "backtest_cv.csv", "backtest_levels.csv", "backtest.xlsx", "backtest.png",
                    "manifest.json")
DEFAULT_BACKTEST_MODELS = "naive,snaive,drift,ets,arima,theta,comb,demographic,stockflow,select,auto"


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
        echo_warnings([Warning_("option_ignored", Location(path=option),
                                f"{option} has no effect: none of the models backtested "
                                f"({', '.join(requested)}) uses it — it feeds the {model} model (and "
                                "select) — so it is not read")
                       for option, model in unused])
    left_out = {option for option, _ in unused}
    return tuple(None if option in left_out else path  # type: ignore[return-value]
                 for option, path in (("--population", population), ("--users", users), ("--flows", flows)))


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
    from resmodel.forecast.crossval import SHORT_SERIES, windows_that_fit
    from resmodel.forecast.forecaster import Forecaster
    from resmodel.forecast.frame import DS, FREQ_NAMES, ID, MONTHLY, format_ds, split_series
    from resmodel.io.manifest import manifest_writer
    from resmodel.io.series import csv_writer, read_series, write_atomically

    check_output_folder(out, BACKTEST_OUTPUTS)
    for option, value in (("--h", h), ("--windows", windows), ("--step", step)):
        check_positive_option(option, value)
    if models is not None:
        for name in models.split(","):
            check_option_for_pnr(name, "--models")
            if not name.strip():
                raise InputError.at(Location(path="--models"), "an empty model name in --models",
                                    "model names separated by single commas, e.g. naive,ets,auto",
                                    "remove the extra comma, or leave --models out for all models")

    data = read_series(series, by_level=by_level)
    echo_warnings(data.warnings + unused_columns(data, series)
                  + suspicious_warnings(data.frame, data.freqs, str(series)))
    if by_level and not data.from_history:
        echo_warnings([Warning_("option_ignored", Location(path="--by-level"),
                                "--by-level has no effect: it splits a volume history (month, service, "
                                "level, volume) by level, and this is a unique_id, ds, y file")])
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
        fits = {u: windows_that_fit(len(all_series[u].y), g_h, g_step) for u in uids}
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
        short = list(dict.fromkeys(w.model for w in fc.warnings
                                   if w.check == SHORT_SERIES and w.location.path in uids))
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
    echo_table(shown)
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
                                   "backtest.png": png_writer(fig),
                                   "manifest.json": manifest_writer(ctx.info_name, ctx.params)}, BACKTEST_OUTPUTS)
    echo_warnings(warns)
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
        full = auto.choose(s, default_horizon(s.freq)).model.name
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
    fig, axes = panel_figure(2, height=3.6)
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


def register(app: typer.Typer) -> None:
    """Add the ``backtest`` command to the main CLI."""
    app.command("backtest")(backtest)
