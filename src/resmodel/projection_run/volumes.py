"""The projected services' monthly volumes: where each comes from (volume_sources — the forecast file, a
model on the history, a fixed volume, or the base volume held), then the scenario's per-year overrides, growth and
changes laid over them, with notes saying what was done."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from resmodel.budget.volumes import from_long
from resmodel.errors import InputError, Problem, Warning_
from resmodel.forecast.interface import SpecValue
from resmodel.io.other_services import read_other_services
from resmodel.projection_run.forecast_file import read_forecast_file
from resmodel.projection_run.history import (
    history_display,
    history_end,
    history_for,
    history_scale_warnings,
    model_inputs,
)
from resmodel.projection_run.names import HISTORY_FILE, LSS
from resmodel.projection_run.plausibility import override_scale_warnings
from resmodel.projection_run.projected_services import (
    check_service_keys,
    own_provider_projected,
    service_base_volumes,
)
from resmodel.projection_run.uncertainty import volume_spread_notes
from resmodel.projection_run.years import projected_months
from resmodel.scenario.projection import ResolvedProjection


def _joined_horizon_notes(warnings: list[Warning_], months: int) -> list[str]:
    """The forecast's warnings as notes, its horizon-beyond-history ones (one per service) in one line."""
    beyond = [w for w in warnings if w.check == "horizon_beyond_history"]
    notes = [str(w) for w in warnings if w.check != "horizon_beyond_history"]
    if len(beyond) == 1:
        notes.append(str(beyond[0]))
    elif beyond:
        notes.append(f"[horizon_beyond_history] {beyond[0].location.file}: the horizon ({months} months) is longer "
                     "than the history of " + ", ".join(str(w.location.path) for w in beyond)
                     + ": the forecast extrapolates the models far beyond what the data show")
    return notes


@dataclass(frozen=True)
class VolumeSources:
    """Where each projected service's monthly volume comes from, decided once by ``volume_sources`` for the
    projection (``monthly_volumes``) and for its checks (``check_projection``, ``scenario_capacity``), so that validate,
    run and POST /runs accept what project accepts (code review: a history cut in the autumn, every service in the
    forecast file, was refused by validate and run for a history end project never needed)."""

    from_file: tuple[str, ...]          # the forecast file's services (projection.volume_forecast) not in volumes
    spec: Mapping[str, SpecValue]       # the services with a history: their model name, or the override of volumes
    fixed: Mapping[str, float | dict]   # the services without a history whose volume projection.volumes fixes
    held: tuple[str, ...]               # other_services.csv's lump lines without a history: held at their base volume

    @property
    def models(self) -> dict[str, str]:
        """The services forecast by a model from the history (a per-year override over its forecast, ``over_forecast``,
        by the default model), which must reach the base year's December and find the model's inputs."""
        return {sv: v for sv, v in self.spec.items() if isinstance(v, str)}


def volume_sources(settings, services: Collection[str], known: Collection[str], base_volumes: Collection[str],
                   file_services: Collection[str], first: int) -> VolumeSources:
    """Each projected service's volume source: the forecast file for its services (``file_services``) that
    projection.volumes does not name, else a model or the override on the volume history when it has the service
    (``known``), else the fixed volume of projection.volumes, else the base volume of other_services.csv
    (``base_volumes``, its lump lines)."""
    from_file = tuple(sv for sv in file_services if sv not in settings.volumes)
    over = over_forecast(settings, first)
    spec = {sv: settings.default_model if sv in over else settings.volumes.get(sv, settings.default_model)
            for sv in services if sv in known and sv not in from_file}
    fixed = {sv: v for sv, v in settings.volumes.items() if sv not in known}
    held = tuple(sv for sv in base_volumes if sv not in known and sv not in fixed and sv not in from_file)
    return VolumeSources(from_file, spec, fixed, held)


def over_forecast(settings, first: int) -> dict[str, bool]:
    """The services whose per-year override in ``volumes`` lies over their forecast — it starts after the first
    projected year ``first`` (the forecast fills the years before) or carries on by the forecast's trend after its
    last year (``volume_after_override: trend``) — with whether it does the latter. Economists plan 'the section
    plan for 2026–28, then the trend' (economist walkthrough); an override from ``first`` that holds is as before."""
    trend = {sv for sv, after in settings.volume_after_override.items() if after == "trend"}
    return {sv: sv in trend for sv, v in settings.volumes.items()
            if isinstance(v, dict) and v and (min(v) > first or sv in trend)}


def override_over_forecast(forecast: pd.Series, by_year: Mapping[int, float], trend: bool) -> pd.Series:
    """A per-year override laid over a monthly forecast (index 'YYYY-MM'): the forecast before its first year, each
    year's volume from January until the next year given, and after its last year that volume — held, or with
    ``trend`` moved as the forecast moves from its average in that year (day-weighted, as the yearly tables average
    months) — its growth and its months' shape."""
    years = np.asarray([int(m[:4]) for m in forecast.index])
    named = sorted(by_year)
    step = np.searchsorted(named, years, side="right") - 1  # the named year in force, −1 before the first
    out = forecast.to_numpy(dtype=float).copy()
    out[step >= 0] = [float(by_year[named[i]]) for i in step[step >= 0]]
    last = years == named[-1]
    days = np.asarray([pd.Period(m, "M").days_in_month for m in forecast.index], dtype=float)  # as the years average
    level = float(np.average(forecast.to_numpy(dtype=float)[last], weights=days[last])) if last.any() else 0.0
    after = years > named[-1]
    if trend and level > 0:
        out[after] = float(by_year[named[-1]]) * forecast.to_numpy(dtype=float)[after] / level
    return pd.Series(out, index=forecast.index, name=forecast.name)


def _over_forecast_problems(resolved: ResolvedProjection, first: int, known: Collection[str]) -> list[Problem]:
    """A per-year override that needs its service's forecast (over_forecast) for a service with no volume history,
    and a volume_after_override for a service without a per-year override."""
    s, problems = resolved.settings, []
    for sv, trend in over_forecast(s, first).items():
        if sv in known:
            continue
        start = min(s.volumes[sv])
        if start > first:
            problems.append(Problem(resolved.location(f"volumes.{sv}"), f"the override starts in {start} but the "
                                    f"projection starts in {first}, and {sv} has no volume history to forecast the "
                                    "years before from", f"a volume for {first} and later years, or a volume history",
                                    f"add {first}: <volume>, or add the service's series to {HISTORY_FILE}"))
        elif trend:
            problems.append(Problem(resolved.location(f"volume_after_override.{sv}"), f"'trend' for {sv}, which has "
                                    "no volume history to forecast a trend from", "'trend' for a service with a volume "
                                    "history", f"remove it (the last volume is kept), or add the service's series to "
                                    f"{HISTORY_FILE}"))
    for sv in s.volume_after_override:
        if not isinstance(s.volumes.get(sv), dict):
            problems.append(Problem(resolved.location(f"volume_after_override.{sv}"), f"{sv} has no per-year "
                                    "override in projection.volumes", "a service given {year: volume} in volumes",
                                    f"give volumes.{sv} as {{year: volume}}, or remove the entry"))
    return problems


def check_over_forecast(resolved: ResolvedProjection, first: int, known: Collection[str]) -> None:
    """Raise the located problems of _over_forecast_problems, all at once."""
    problems = _over_forecast_problems(resolved, first, known)
    if problems:
        raise InputError(problems)


def projected_services_of(loaded, resolved: ResolvedProjection, first: int, last: int):
    """(other_services.csv table or None, the projected services, the volume history or None, the lump
    lines held at their base volume — volume_sources, after the forecast file), with the scenario's service names
    checked."""
    other, _ = read_other_services(Path(loaded.scenario.data))
    base_volumes = dict.fromkeys(other["service"], 1.0) if other is not None else {}
    services = sorted({*loaded.data.users["service"].astype(str), *base_volumes})  # engine users > 0 ⇔ in users.csv
    check_service_keys(resolved, services, own_provider_projected(loaded))
    history = history_for(loaded, resolved, services, base_volumes)
    known = set(history["service"]) if history is not None else set()
    given = read_forecast_file(loaded, resolved, services, projected_months(first, last), [], history,
                               service_base_volumes(loaded, other))
    held = volume_sources(resolved.settings, services, known, base_volumes,
                          given.volumes.columns if given is not None else (), first).held
    return other, services, history, held


def monthly_volumes(loaded, resolved: ResolvedProjection, services: list[str], first: int, last: int,
             base_year_volumes: Mapping[str, float],
             lss_hours_per_case: float = 0.0, base_volumes: Mapping[str, float] | None = None,
             users: Mapping[str, float] | None = None, base_days: int = 365, uncertainty=None,
             ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Monthly volumes per service: forecast from the history, fixed by the scenario, or — for a
    service without history — held at ``base_volumes`` (other_services.csv), then the scenario's
    growth and changes; forecast services are checked against their ``users`` count (history_vs_users), and their
    forecast intervals against the ``uncertainty`` spec's volume draws; fixed volumes and a forecast file's are checked
    against ``base_year_volumes`` (service_base_volumes). ``lss_hours_per_case`` are hours over the base year's
    ``base_days``."""
    from resmodel.forecast.interface import forecast_volumes

    base_volumes = base_volumes or {}

    s = resolved.settings
    notes: list[str] = [f"projection.volumes: {w.message}"
                        for w in override_scale_warnings(loaded, resolved, base_year_volumes)]
    check_service_keys(resolved, services, own_provider_projected(loaded))
    history = history_for(loaded, resolved, services, base_volumes)
    known = sorted(history["service"].astype(str).unique()) if history is not None else []
    notes += [str(w) for w in (history.attrs.get("warnings", []) if history is not None else [])]  # unknown_service
    months = pd.Index(projected_months(first, last))
    given = read_forecast_file(loaded, resolved, services, list(months), notes, history, base_year_volumes)
    check_over_forecast(resolved, first, known)
    over = {sv: trend for sv, trend in over_forecast(s, first).items() if sv in services}
    sources = volume_sources(s, services, known, base_volumes, given.volumes.columns if given else (), first)
    from_file, spec, forecast = sources.from_file, sources.spec, sources.models
    held = {sv: base_volumes[sv] for sv in sources.held}
    fixed = {**sources.fixed, **held}
    if held:
        notes.append("volume held at its base-year level in other_services.csv, as there is no history to forecast "
                     "from: " + ", ".join(sorted(held)))
    models = pd.DataFrame({"service": pd.Series(dtype=object), "model_used": pd.Series(dtype=object)})
    wide = pd.DataFrame(index=months)
    observed: list[str] = []  # projected months the history has actuals for: growth and changes leave them be
    forecast_services: set[str] = set()  # the services whose observed months are actuals
    if history is not None and spec:
        source = history_display(loaded)
        last_hist = (history_end(history, first, source) if forecast  # fixed volumes need no recent history
                     else history["month"].max().to_period("M"))
        hist = history[history["service"].isin(list(spec))]
        notes += [str(w) for w in history_scale_warnings(
            hist, {sv: n for sv, n in (users or {}).items() if sv in forecast}, first - 1, source)]
        inputs = model_inputs(loaded, resolved, forecast, int(last_hist.year))
        try:
            fc = forecast_volumes(hist, spec, (pd.Period(f"{last}-12", "M") - last_hist).n, source=source,
                                  spec_where="projection.volumes.{service}", **inputs)
        except InputError as exc:  # a problem with an override: point at the scenario file that set it
            raise InputError([replace(p, location=resolved.location(p.location.path.removeprefix("projection.")))
                              if p.location.file is None and (p.location.path or "").startswith("projection.")
                              else p for p in exc.problems]) from None
        notes += _joined_horizon_notes(fc.warnings, (pd.Period(f"{last}-12", "M") - last_hist).n)
        table = fc.table.groupby(["service", "month"], as_index=False)["volume"].sum()
        table["month"] = pd.to_datetime(table["month"]).dt.strftime("%Y-%m")
        wide = from_long(table, service="service", period="month", value="volume").reindex(months)
        wide, observed = _observed_months(wide, hist[hist["service"].isin(list(forecast))])
        forecast_services = set(forecast)
        if observed:  # a history that runs into the projection (actuals of this spring): its months are used
            notes.append(f"volumes of {observed[0]}–{observed[-1]} are the volume history's actuals ({source} runs "
                         "past the base year); the forecast starts after them")
        models = fc.table.groupby("service", as_index=False)["model_used"].first()
        notes += volume_spread_notes(fc.table, uncertainty, first - 1)
        for sv, trend in over.items():  # the override over the forecast, after the history's actuals
            wide[sv] = override_over_forecast(wide[sv], s.volumes[sv], trend)
            years, model = sorted(s.volumes[sv]), models.loc[models["service"] == sv, "model_used"].iat[0]
            models.loc[models["service"] == sv, "model_used"] = \
                f"{model} → override {years[0]}–{years[-1]} → {'trend' if trend else 'held'}"
            after = ("" if years[-1] >= last else f"after {years[-1]} its {s.volumes[sv][years[-1]]:g} " + (
                "moves on as the forecast moves from its average in that year (volume_after_override: trend)" if trend
                else "is kept (volume_after_override: trend would carry the forecast's growth on from it)"))
            before = f"before {years[0]} the forecast ({model})" if years[0] > first else ""
            if before or after:  # an override of every projected year needs no word
                notes.append(f"projection.volumes.{sv}: " + "; ".join(p for p in (before, after) if p))
    for sv in from_file:
        wide[sv] = given.volumes[sv].to_numpy()
    for sv, v in fixed.items():
        if isinstance(v, dict):
            ys = sorted(v)
            wide[sv] = [float(v[ys[max(np.searchsorted(ys, int(m[:4]), side="right") - 1, 0)]]) for m in months]
        else:
            wide[sv] = float(v)
    actual = np.isin(np.asarray(months), observed)
    t = np.arange(len(months)) + 1.0
    planned = planned_volume_from(s, services, first)
    for sv, g in s.volume_growth.items():
        kept = (actual & (sv in forecast_services)) | (np.asarray(months) >= planned.get(sv, "9999-99"))
        wide[sv] = wide[sv] * np.where(kept, 1.0, (1.0 + g) ** (t / 12.0))
    notes += [f"projection.volumes.{sv} states the volume from {start}: " + (
        f"projection.volume_growth.{sv} ({s.volume_growth[sv]:g}) does not grow it, " if sv in s.volume_growth
        else "") + "the Monte Carlo volume draws and the tornado's volume driver leave it be (write a grown "
        "plan in volumes to plan growth)" for sv, start in planned.items() if sv in s.volume_growth or uncertainty]
    weeks = base_days / 7.0  # the weeks lss_hours_per_case were counted over
    for i, c in enumerate(s.volume_changes):
        change = c.change
        if c.hours_per_week is not None:
            if c.service != LSS or lss_hours_per_case <= 0:
                raise InputError.at(resolved.location(f"volume_changes[{i}].hours_per_week"),
                                    f"hours_per_week given for '{c.service}'",
                                    f"hours_per_week only on {LSS} changes", "remove hours_per_week")
            change = c.change * c.hours_per_week * weeks / lss_hours_per_case
            notes.append(f"volume change {c.service}: {c.change:+g} cases of {c.hours_per_week:g} h/week "
                         f"= {change:+.1f} cases of the base-year average size ({lss_hours_per_case:,.0f} h/yr)")
        mask = np.array([int(m[:4]) >= c.from_year for m in months]) & ~(actual & (c.service in forecast_services))
        wide.loc[mask, c.service] = wide.loc[mask, c.service] + change
        notes.append(f"volume change {c.service} {c.change:+g} from {c.from_year}" + (f": {c.reason}" if c.reason else ""))
    negative = wide[services].lt(0)
    if negative.to_numpy().any():
        sv = negative.any().idxmax()
        month = negative[sv].idxmax()
        i = next((i for i, c in enumerate(s.volume_changes) if c.service == sv), None)
        raise InputError.at(resolved.location("volume_changes" if i is None else f"volume_changes[{i}].change"),
                            f"the volume changes make {sv}'s volume negative from {month} "
                            f"({wide.at[month, sv]:,.1f})", "changes that leave every volume ≥ 0",
                            f"reduce the change for {sv}, or move it to a year its volume can take")
    models = pd.concat([models, pd.DataFrame({"service": list(fixed),
                                              "model_used": ["base volume" if sv in held else "fixed" for sv in fixed]}),
                        pd.DataFrame({"service": from_file,
                                      "model_used": [f"forecast file: {given.models[sv]}" for sv in from_file]})],
                       ignore_index=True)
    return wide[services], models.sort_values("service", ignore_index=True), notes


def planned_volume_from(settings, services: Collection[str], first: int) -> dict[str, str]:
    """Service → the first month (YYYY-MM) of the volume the scenario states in ``volumes`` (a number: every month;
    {year: volume}: from January of its first year, held or trended after its last): a plan is the volume meant, so
    volume_growth and the volume shocks do not move it (economist walk: 450 planned became 485 with 5 % growth)."""
    return {sv: f"{max(min(v), first) if isinstance(v, dict) else first}-01" for sv, v in settings.volumes.items()
            if sv in services and not isinstance(v, str) and (v or not isinstance(v, dict))}


def _observed_months(wide: pd.DataFrame, history: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The projected months the history has actuals for (levels summed) set to those actuals; the months set."""
    observed = history.assign(month=history["month"].dt.strftime("%Y-%m")).groupby(
        ["month", "service"])["volume"].sum().unstack("service")
    observed = observed.loc[observed.index.isin(wide.index)]
    for service in observed.columns:
        wide.loc[observed.index, service] = observed[service].to_numpy()
    return wide, list(observed.index)
