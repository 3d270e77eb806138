"""Wire the budget core (resmodel.budget) to scenario files: the base-year engine's per-service
results become the unit-cost table, the parameter tree gives the index series, the state rate and
sick leave by year, the volume forecaster gives the monthly volumes, and the scenario's
``projection:`` block gives everything else (docs/projection.md).

    loaded = resmodel.run.load(path); result = resmodel.run.run(loaded)
    budget = project(loaded, result)            # BudgetResult: .yearly, .monthly, .notes
    case = build_case(loaded, result)           # BudgetCase for compare.waterfall, Monte Carlo"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic_core import PydanticUndefined

from resmodel.budget.areas import AREA_KEYS, SERVICE_AREA, area_of
from resmodel.budget.case import BudgetCase, BudgetResult, prepare_case, run_budget
from resmodel.budget.frame import (
    DemographicRule,
    ExpansionItem,
    Supplement,
    VolumeRule,
    check_base_year,
    check_compensated_services,
    load_frame,
)
from resmodel.budget.indices import percent, year_spans
from resmodel.budget.projection import (
    TOTAL,
    AssistanceParams,
    CapacityLimit,
    ExternalPlacesParams,
    PlannedPremises,
    ProjectionInputs,
)
from resmodel.budget.topdown import unit_costs_from_averages
from resmodel.budget.volumes import from_long
from resmodel.errors import InputError, Location, Problem, ProblemCollector, Warning_, did_you_mean
from resmodel.forecast.interface import SpecValue, history_suspicious_warnings
from resmodel.io.frame_file import frame_document, frame_location, frame_words
from resmodel.io.other_services import low_cost_warnings, read_other_services
from resmodel.io.parameters import SLIP_CHECKS
from resmodel.io.scenario import read_chain
from resmodel.params.tree import LEVELS, ParameterTree
from resmodel.scenario.projection import (
    MAX_HORIZON,
    Adjustment,
    CapacitySettings,
    ResolvedProjection,
    VolumeChange,
    merge,
    resolve,
    source_of,
)
from resmodel.services import SFB_CAP
from resmodel.warning_order import template_notes

SFB, LSS, OWN = "personlig_assistans_sfb", "personlig_assistans_lss", "personlig_assistans_egen_utforare"
LSS_PRICE = "personlig_assistans.lss_purchase_price_per_hour"  # what providers charge per LSS hour
EXTERNAL = "externa_platser"
STATE_RATE = "personlig_assistans.state_hourly_rate"
INDEX_PATHS = {"wage_growth": "indices.wage_growth", "price_growth": "indices.price_growth"}
SICK_LEAVE = "working_time.sick_leave_rate"
HISTORY_FILE = "volume_history.csv"
POPULATION_FILE, USERS_FILE, FLOWS_FILE = "population.csv", "users.csv", "flows.csv"  # demographic, stock–flow
# history_vs_users: users.csv is the stock on one day of the base year, the history's months are
# average stocks, so the users' count should lie within the base year's monthly range (the demo
# generator ends that range exactly on the users' stock in December). The range already absorbs a
# snapshot taken in any month; the margin — 25 % and at least one user beyond it — covers a day
# against a month's average and services of a few users, and still catches every scale slip
# (×2 double counting, ×10, months or days instead of users). docs/projection.md, "Volume history".
SCALE_MARGIN, SCALE_SLACK = 0.25, 1.0
WAITING = "waiting"  # capacity.<service>.overflow: the users above the places wait (no service takes them)


@dataclass(frozen=True)
class ProjectionSetup:
    """Everything a projection needs besides the core: the case and where its inputs came from."""

    case: BudgetCase
    settings: ResolvedProjection
    volume_models: pd.DataFrame   # service, model_used
    notes: tuple[str, ...] = ()   # forecast warnings, extrapolated state-rate years, volume changes
    frame_hash: str = ""          # sha256 of the composed council frame (it may live outside the data folder)
    state_rate_extrapolated: tuple[int, ...] = ()  # years the tree carries the state rate's uplift forward
    warnings: tuple[Warning_, ...] = ()  # the named checks among the notes (list_replaced, implausible_rate …)


def _settings(loaded) -> ResolvedProjection:
    chain = read_chain(Path(loaded.scenario.chain[-1]))
    resolved = resolve(chain)
    if resolved is None:
        last = chain[-1]
        lifting = [s for s in chain if isinstance(s.doc.data, dict) and "projection" in s.doc.data]
        if lifting:  # 'projection: null' lifted the blocks of the scenarios it extends
            raise InputError.at(lifting[-1].doc.location("projection"), "'projection: null' lifts the projection "
                                "block of the scenarios this one extends, so there is nothing to project",
                                "a 'projection:' block after the last 'projection: null' of the chain",
                                "remove 'projection: null' to project with the inherited block, or give a block here")
        raise InputError.at(Location(file=last.display, line=1), "the scenario has no 'projection:' block",
                            "a 'projection:' block in the scenario or a scenario it extends",
                            "add one — a scenario of `resmodel init` has a minimal block commented out at its end and "
                            "data/frame.yaml beside it; docs/projection.md, \"Minimum for your own board\", says what "
                            "it needs (the resmodel repository's scenarios/base.yaml has a full one)")
    return resolved


def _history_display(loaded) -> str:
    """The volume history's path as error messages show it."""
    from resmodel.io.scenario import display_path

    return display_path(Path(loaded.scenario.data) / HISTORY_FILE)


def volume_history(loaded, needed_by: Sequence[str] = ()) -> pd.DataFrame:
    """The data folder's monthly volume history (month, service, level, volume), validated with
    file-and-row errors; a located error, naming ``needed_by``, when the file is missing."""
    from resmodel.io.series import read_volume_history

    path = Path(loaded.scenario.data) / HISTORY_FILE
    display = _history_display(loaded)
    if not path.is_file():
        which = f" of {', '.join(needed_by)}" if needed_by else ""
        raise InputError.at(Location(file=display), f"no volume history for the projection{which}",
                            f"a {HISTORY_FILE} (month, service, level, volume) in the data folder",
                            "add the monthly volume history (docs/forecasting.md)"
                            + (", or give these services a fixed volume in projection.volumes" if needed_by else ""))
    return read_volume_history(path, display)


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


def own_provider_projected(loaded) -> bool:
    """The own provider's hours are a projected line (build_setup projects them from the SFB cases): some SFB case
    with hours is served in a unit of the board's own (regi egen), as the engine gives the provider hours."""
    users, units = loaded.data.users, loaded.data.units
    own_units = units.loc[units["regi"].astype(str) == "egen", "unit_id"]
    served = (users["service"].astype(str) == SFB) & users["unit_id"].isin(own_units)
    return bool((users.loc[served, "weekly_hours"].astype(float) > 0).any())


def _check_service_keys(resolved: ResolvedProjection, services, own_provider: bool) -> None:
    """Every service named in volumes, volume_growth, volume_changes, adjustments and the uncertainty block's
    per-service volume growth is a projected service (capacity's are checked by ``capacity_limits``); with
    ``own_provider`` (own_provider_projected) an adjustment may name the own provider's line too, a one-off of its own
    such as Försäkringskassan's retroactive payment (economist re-walk: it was refused as no projected service)."""
    s = resolved.settings
    drawn = (s.uncertainty or {}).get("volume_growth")
    per_service = drawn if isinstance(drawn, Mapping) and "dist" not in drawn else {}  # as montecarlo reads it
    adjustable = [*services, *([OWN] if own_provider else [])]
    named = [*((k, f"volumes.{k}", services) for k in s.volumes),
             *((k, f"volume_growth.{k}", services) for k in s.volume_growth),
             *((c.service, f"volume_changes[{i}].service", services) for i, c in enumerate(s.volume_changes)),
             *((a.service, f"adjustments[{i}].service", adjustable) for i, a in enumerate(s.adjustments))]
    drawn_services = [*services, *([OWN] if SFB in services else [])]  # the own provider's hours are projected too
    problems = [_not_projected_problem(resolved, key, path, allowed) for key, path, allowed in named
                if key not in allowed]
    problems += [_not_projected_problem(resolved, str(key), f"uncertainty.volume_growth.{key}", drawn_services)
                 for key in per_service if str(key) not in drawn_services]
    if problems:  # all of them at once, as a file's problems are reported
        raise InputError(problems)


def _not_projected_problem(resolved: ResolvedProjection, key: str, path: str, services,
                           also: Sequence[str] = ()) -> Problem:
    """The located problem of a name that is no projected service (``also``: other words allowed there)."""
    if key == OWN and path.startswith("adjustments"):  # the line exists only where the provider has hours
        return Problem(resolved.location(path), f"'{key}', the own provider's line, is not projected here: no SFB case "
                       "is served in a unit of the board's own (regi egen)", "one of " + ", ".join(services),
                       "put the one-off on personlig_assistans_sfb, or check units.csv's regi")
    if key == OWN:  # a line of the results, but its hours follow the SFB cases: no did-you-mean to the SFB line
        return Problem(resolved.location(path), f"'{key}', the own provider's hours, follows the SFB cases (the base "
                       "year's hours per case) and cannot be set apart from them", "one of " + ", ".join(services),
                       "set it through personlig_assistans_sfb: its cases move the provider's hours")
    area = f"'{key}' is a report area, not a service; " if key in AREA_KEYS else ""
    return Problem(resolved.location(path), f"'{key}' is not a projected service",
                   "one of " + ", ".join([*also, *services]),
                   area + (did_you_mean(key, [*also, *services]) if not area else "")
                   + "correct the service name, or (a service the engine does not cost) add it to "
                   "other_services.csv to project it")


def _not_projected(resolved: ResolvedProjection, key: str, path: str, services, also: Sequence[str] = ()) -> None:
    """Raise the located error for a name that is no projected service."""
    raise InputError([_not_projected_problem(resolved, key, path, services, also)])


def _needs_history(settings, services, base_volumes: Mapping[str, float]) -> list[str]:
    """The projected services whose volume must come from the history: not fixed in
    ``projection.volumes`` (or given a model there) and without a base volume of other_services.csv."""
    return [sv for sv in services if isinstance(settings.volumes.get(sv), str)
            or (sv not in settings.volumes and sv not in base_volumes)]


def _history_for(loaded, resolved: ResolvedProjection, services, base_volumes: Mapping[str, float]
                 ) -> pd.DataFrame | None:
    """The volume history for the projected ``services`` (None when the file is absent and no service
    needs it); a located error naming the services that need a series the history lacks."""
    needs = _needs_history(resolved.settings, services, base_volumes)
    if not needs and not (Path(loaded.scenario.data) / HISTORY_FILE).is_file():
        return None
    history = volume_history(loaded, needs)
    missing = sorted(set(needs) - set(history["service"].astype(str)))
    if missing:
        raise InputError.at(resolved.location("volumes"), "no volume history for "
                            + ", ".join(f"'{sv}'" for sv in missing),
                            "a forecast from the history, or a fixed volume in projection.volumes",
                            f"add the series to {HISTORY_FILE}, or 'volumes: {{{missing[0]}: <volume>}}'")
    return history


def _check_table_path(resolved: ResolvedProjection, key: str, value: str, path: Path, name: str, made_by: str,
                      make_it: str, noun: str) -> None:
    """A table a scenario key names (a forecast file, a premises plan): located errors at the key for a
    folder, a path that is not there, and a file that is no table."""
    from resmodel.io.scenario import display_path

    where, expected = resolved.location(key), f"the {name} {made_by}"
    if path.is_dir():
        raise InputError.at(where, f"'{value}' is a folder", expected, f"point at the file: {Path(value) / name}")
    if not path.is_file():
        raise InputError.at(where, f"{noun} '{value}' not found (looked for '{display_path(path)}')", expected,
                            f"check the path (it is relative to the scenario file that sets it), or {make_it}")
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError.at(where, f"'{value}' is not a table ({path.suffix or 'no suffix'})",
                            f"{expected} (or the same table as .xlsx)", f"point '{key.split('.')[-1]}:' at {name}")


def forecast_file_path(resolved: ResolvedProjection) -> Path:
    """The volume forecast of ``projection.volume_forecast``, relative to the scenario file that sets it."""
    return source_of(resolved.chain, resolved.set_by, "volume_forecast").path.parent / resolved.settings.volume_forecast


def read_forecast_file(loaded, resolved: ResolvedProjection, services: list[str], months: list[str],
                       notes: list[str], history: pd.DataFrame | None = None):
    """The volume forecast a scenario gives (``projection.volume_forecast``) over the projected ``months``,
    or None; the path is checked at the scenario key, the file at its rows; notes say which services take
    their volumes from it, which keep the volumes 'volumes' gives them, and how the file was made."""
    from resmodel.io.scenario import display_path
    from resmodel.io.volume_forecast import read_volume_forecast

    s = resolved.settings
    if s.volume_forecast is None:
        if "volume_forecast" in resolved.set_by:  # 'volume_forecast:' with nothing after it (or null)
            notes.append("projection.volume_forecast is empty (null): no forecast file is used — "
                         + ("it lifts the file the parent scenario gives; " if any(
                             (src.doc.data.get("projection") or {}).get("volume_forecast") for src in resolved.chain)
                            else "") + "the volumes are forecast from the history in this run")
        return None
    path = forecast_file_path(resolved)
    _check_table_path(resolved, "volume_forecast", s.volume_forecast, path, "volume_forecast.csv",
                      "resmodel forecast wrote (docs/forecasting.md)",
                      "make the forecast first: resmodel forecast --series <volume history>", "forecast file")
    given = read_volume_forecast(path, services, months, Path(loaded.scenario.data) / HISTORY_FILE)
    display = display_path(path)
    used = [sv for sv in given.volumes.columns if sv not in s.volumes]  # the others keep what 'volumes' gives
    _check_forecast_levels(given, history, display, used)
    given = replace(given, notes=given.notes + tuple(_forecast_scale_notes(loaded, given, display, used,
                                                                           resolved.location("volume_forecast"))))
    kept = [sv for sv in given.volumes.columns if sv in s.volumes]
    if used:
        by_model = {m: [sv for sv in used if given.models[sv] == m] for m in sorted({given.models[sv] for sv in used})}
        notes.append(f"projection.volume_forecast: the volumes of {', '.join(used)} come from '{display}' (column "
                     "volume, levels summed; forecast by " + "; ".join(
                         m if len(by_model) == 1 else f"{m}: {', '.join(svs)}" for m, svs in by_model.items()) + ")")
    if kept:
        notes.append(f"projection.volume_forecast: {', '.join(kept)} keep{'s' if len(kept) == 1 else ''} what "
                     f"projection.volumes gives, not the volumes in '{display}'")
    forecastable = set(history["service"].astype(str)) if history is not None else set()
    absent = [sv for sv in services if sv in forecastable and sv not in given.volumes.columns and sv not in s.volumes]
    if absent:  # a reviewed file taken for the whole board: say which services it does not give
        notes.append(f"projection.volume_forecast: '{display}' has no rows for {', '.join(absent)}: "
                     f"{'its volumes are' if len(absent) == 1 else 'their volumes are'} forecast from the history "
                     f"in this run ({s.default_model}), not taken from the file")
    notes += given.notes
    return given


#: a level with at least this many users a month on average in the history's last year must be in a forecast by level
LEVEL_IN_USE = 0.5


def _check_forecast_levels(given, history: pd.DataFrame | None, display: str, used: list[str]) -> None:
    """A forecast by level of a service it gives volumes for has every level the history had users at in its
    last twelve months (LEVEL_IN_USE a month on average): the service's volume is the sum of its levels, so
    one left out would cut it without a word."""
    if history is None:
        return
    recent = history[history["month"] > history["month"].max() - pd.DateOffset(months=12)]
    for service, levels in given.levels.items():
        if service not in used:
            continue
        had = recent[(recent["service"] == service) & recent["level"].notna()].groupby("level")["volume"].mean()
        missing = [int(lv) for lv, v in had.items() if v >= LEVEL_IN_USE and int(lv) not in levels]
        if levels and missing:
            raise InputError.at(Location(display, column="level", path=service),
                                f"the forecast of {service} has no level {missing[0]}, which had "
                                f"{had[missing[0]]:,.1f} a month in the history's last twelve months",
                                "every level the history has (the service's volume is their sum)",
                                "forecast the service again from the whole history, or give its totals without levels")


def _base_year_volumes(loaded) -> dict[str, float]:
    """Each service's base-year volume: its users in users.csv, else its volume in other_services.csv."""
    other, _ = read_other_services(Path(loaded.scenario.data))
    return {**(dict(zip(other["service"], other["volume"].astype(float), strict=True)) if other is not None else {}),
            **loaded.data.users["service"].astype(str).value_counts().astype(float).to_dict()}


#: a fixed volume more than this factor from the service's base-year volume, or from one given year to the next, is
#: named: a digit too many or too few (×10, ÷10) lies beyond it, a decided opening or closure (28 → 20 places) within
OVERRIDE_JUMP = 3.0


def _beyond_jump(a: float, b: float) -> bool:
    """Two positive volumes more than OVERRIDE_JUMP-fold apart (a volume of 0, a closed service, is a decision)."""
    return min(a, b) > 0 and max(a, b) / min(a, b) > OVERRIDE_JUMP


def override_scale_warnings(loaded, resolved: ResolvedProjection) -> list[Warning_]:
    """A warning for each fixed volume in projection.volumes whose first year lies more than OVERRIDE_JUMP-fold from
    the service's base-year volume, or that jumps more than that between two given years: a hand-typed ×10 or a
    dropped digit, costed per unit like any volume (economist re-walk: the history_vs_users margin, 25 % and 1, named
    a decided closure of 8 of 28 external places a typing slip)."""
    base, out = _base_year_volumes(loaded), []
    for service, value in resolved.settings.volumes.items():
        if isinstance(value, str) or (isinstance(value, dict) and not value):
            continue
        years = sorted(value.items()) if isinstance(value, dict) else [(None, value)]
        n, first = base.get(service), float(years[0][1])
        where = resolved.location(f"volumes.{service}")
        if n and _beyond_jump(n, first):
            out.append(Warning_("override_scale", where, f"{service} is fixed at {first:,.10g}"
                                + (f" in {years[0][0]}" if years[0][0] else "") + f", {first / n:.3g} times its "
                                f"{n:,.0f} in the base year (more than {OVERRIDE_JUMP:g}-fold either way, as a digit "
                                "too many or too few gives): check the figure (a typing slip?); it is costed per unit"))
        for (y0, v0), (y1, v1) in pairwise(years):
            if _beyond_jump(v0, v1):
                out.append(Warning_("override_scale", where, f"{service} goes from {v0:,.10g} in {y0} to {v1:,.10g} "
                                    f"in {y1}, {v1 / v0:.3g} times: check the figures (a typing slip?)"))
    return out


#: yearly rates beyond these are possible but rarely meant: a rate typed in percentage points (−0.3 for −0.3 pp) or
#: a slipped digit, which the band of 'share per year' (±0.5) lets through and which then compounds every year
PLAUSIBLE_RATE = {"level_mix_drift": 0.05, "volume_growth": 0.10, "rent_growth": 0.15, "extensions": 0.15,
                  "indices": 0.15, "frame": 0.15}


def _rate_warning(where: Location, what: str, rate: float, limit: float) -> Warning_:
    """The implausible_rate warning, offering the rate a percentage-point slip meant, and a dropped zero's (0.4 for
    0.04) where that is a plausible rate (economist walkthrough: a wage rise of 0.4 was offered only 0.004)."""
    dropped_zero = f"; if a zero was dropped, write {rate / 10:g}" if abs(rate / 10) <= limit else ""
    return Warning_("implausible_rate", where, f"{what} is {rate:g}, {rate:+.0%} a year, compounded over the horizon "
                    f"(beyond ±{limit:.0%}): if you meant {rate:g} percentage points, write {rate / 100:g}"
                    f"{dropped_zero}; if the rate is meant, the results are as asked")


def check_frame_growth(frame, file: str, resolved: ResolvedProjection, last: int) -> list[Warning_]:
    """A fixed frame uppräkning must give a rate for every projected year (or declare an extension): checked by
    validate at the key's line as project would find it; a year beyond the horizon is named (it has no effect)."""
    from resmodel.budget.frame import FixedIndexation
    from resmodel.budget.indices import growth_path

    ix = frame.indexation
    if not isinstance(ix, FixedIndexation):
        return []
    with _frame_errors_located(resolved):
        growth_path(ix.growth, np.arange(frame.base_year + 1, last + 1), "frame.indexation", ix.extension,
                    Location(file=file, path="frame.indexation.growth"))
    beyond = sorted(y for y in (ix.growth if isinstance(ix.growth, dict) else {}) if y > last)
    if not beyond:
        return []
    return [Warning_("beyond_horizon", frame_where(resolved, "frame.indexation.growth"),
                     f"frame.indexation.growth gives {', '.join(map(str, beyond))}, after the horizon's last year "
                     f"{last}: {'it has' if len(beyond) == 1 else 'they have'} no effect "
                     f"({after_horizon_hint(beyond[-1], frame.base_year + 1)})")]


def frame_year_warnings(frame, resolved: ResolvedProjection, last: int) -> list[Warning_]:
    """Frame entries dated where the projection never reaches, warned at their year's line as a scenario's dated
    changes are (beyond_horizon, before_base_date): a supplement for 2099 (money that never appears) passed validate
    silently (robustness review). A rule's from_year before the base year is not named: a rule in force since an
    earlier year is normal, and the default from_year (F0042's 2025) lies before a later base year (second diff
    review). A year before the base year of an expansion or a supplement is refused by check_frame."""
    base, first = frame.base_year, frame.base_year + 1
    slip = "a typing slip for {} year? or {} meant"
    warnings = []
    for group in ("expansion", "supplements"):
        for i, item in enumerate(getattr(frame, group)):
            key, money = f"frame.{group}[{i}].year", f"its {item.amount:,.0f} SEK"
            if item.year > last:
                warnings.append(Warning_("beyond_horizon", frame_where(resolved, key), (
                    f"{key} is {item.year}, after the horizon's last year {last}: {money} appear in no projected "
                    f"year ({after_horizon_hint(item.year, first)})")))
            elif item.year == base and (group == "supplements" or not item.recurring):
                warnings.append(Warning_("before_base_date", frame_where(resolved, key), (
                    f"{key} is the base year {base}, which is not projected (its frame is the base frame): {money} "
                    f"for that year alone appear in no projected year ({slip.format('a later', 'the base frame')})")))
    for group in ("volume_compensation", "demographic"):
        for i, rule in enumerate(getattr(frame, group)):
            key = f"frame.{group}[{i}]"
            if rule.from_year is not None and rule.from_year > last:
                warnings.append(Warning_("beyond_horizon", frame_where(resolved, f"{key}.from_year"), (
                    f"{key}.from_year is {rule.from_year}, after the horizon's last year {last}: the rule applies "
                    f"in no projected year ({after_horizon_hint(rule.from_year, first)})")))
            if rule.to_year is not None and rule.to_year < first:
                warnings.append(Warning_("before_base_date", frame_where(resolved, f"{key}.to_year"), (
                    f"{key}.to_year is {rule.to_year}, before the first projected year {first}: the rule applies "
                    f"in no projected year ({slip.format('a later', 'an earlier base year')})")))
    return warnings


#: the lists of the projection block and of the frame that a child's list replaces whole (docs/projection.md,
#: "Composition over extends"), the model of their entries and the keys that name an entry: an entry of the
#: parent's list that the child's list names nowhere no longer applies
REPLACED_LISTS = {"volume_changes": (VolumeChange, ("service", "from_year")),
                  "adjustments": (Adjustment, ("service", "year")),
                  "frame.demographic": (DemographicRule, ("area", "from_year")),
                  "frame.volume_compensation": (VolumeRule, ("service", "from_year")),
                  "frame.expansion": (ExpansionItem, ("area", "year")),
                  "frame.supplements": (Supplement, ("area", "year"))}


def _entry_names(entries, model, keys: tuple[str, ...]) -> list[tuple]:
    """Each mapping entry of a list as the keys that name it, a key left out taking the model's default."""
    def value(entry, key):
        default = model.model_fields[key].default
        return entry.get(key, None if default is PydanticUndefined else default)

    return [tuple(value(e, k) for k in keys) for e in entries if isinstance(e, Mapping)] \
        if isinstance(entries, list) else []


def _dropped_warning(key: str, before, after, parent_file: str, where: Location) -> list[Warning_]:
    """A ``list_replaced`` warning when the list ``after`` a child wrote leaves out entries of the list ``before``
    it (the composed parent's, set in ``parent_file``), naming them: a child giving one volume-compensation rule
    silently dropped the parent's four others, moving the 2034 deviation by −245 MSEK (economist walkthrough)."""
    model, keys = REPLACED_LISTS[key]
    kept = set(_entry_names(after, model, keys))
    dropped = [n for n in dict.fromkeys(_entry_names(before, model, keys)) if n not in kept]
    if not dropped:
        return []
    names = [n[0] for n in dropped]
    ambiguous = {n[0] for n in kept} | {n for n in names if names.count(n) > 1}
    labels = [str(n[0]) if n[0] not in ambiguous else f"{n[0]} ({keys[1]} {n[1] if n[1] is not None else '–'})"
              for n in dropped]
    return [Warning_("list_replaced", where,
                     f"{key.removeprefix('frame.')} no longer {'covers' if key.endswith('compensation') else 'holds'} "
                     f"{', '.join(labels)}, which {parent_file} gives (a list replaces the whole list of the file it "
                     "extends) — repeat them in this file to keep them")]


def replaced_list_warnings(resolved: ResolvedProjection) -> list[Warning_]:
    """A ``list_replaced`` warning for each list of the projection block or of an inline frame with which a file
    of the chain replaces a list before it that had entries the new list leaves out (_dropped_warning)."""
    out: list[Warning_] = []
    merged: dict = {}
    set_in: dict[str, str] = {}
    for i, src in enumerate(resolved.chain):
        block = src.doc.data.get("projection") if isinstance(src.doc.data, dict) else None
        if not isinstance(block, dict):
            continue
        for key in ("volume_changes", "adjustments"):
            if isinstance(block.get(key), list) and key in set_in:
                out += _dropped_warning(key, merged.get(key), block[key], set_in[key],
                                        src.doc.location(f"projection.{key}"))
        frame = block.get("frame")
        earlier = any(isinstance(s.doc.data, dict) and isinstance(s.doc.data.get("projection"), dict)
                      and s.doc.data["projection"].get("frame") is not None for s in resolved.chain[:i])
        if isinstance(frame, dict) and earlier:
            before_resolved = replace(resolved, chain=resolved.chain[:i])
            before, _, _ = frame_document(before_resolved)
            for key in (k for k in REPLACED_LISTS if k.startswith("frame.")):
                name = key.removeprefix("frame.")
                if isinstance(frame.get(name), list) and before.get(name):
                    out += _dropped_warning(key, before[name], frame[name],
                                            str(frame_location(before_resolved, key).file),
                                            src.doc.location(f"projection.{key}"))
        merged = merge(merged, block)
        set_in.update({key: src.display for key in block if block[key] is not None})
    return out


def sick_leave_by_year(tree, first: int, last: int) -> dict[int, float]:
    """The sick-leave rate of each projected year (read on 1 July); a rate of 0.5 or more is refused at the value
    or change that sets it, as the base-year run refuses it (a change to 0.6 from 2026 doubled the staff cost)."""
    sick = {}
    for year in range(first, last + 1):
        resolved = tree.resolve(SICK_LEAVE, dt.date(year, 7, 1))
        if float(resolved.value) >= 0.5:
            raise InputError.at(resolved.location or Location(path=SICK_LEAVE),
                                f"a sick-leave rate of {float(resolved.value):g} in {year} leaves "
                                f"{1 - float(resolved.value):.0%} of scheduled time",
                                "the share of scheduled time lost to sickness, below 0.5 in every projected year "
                                "(the board's was 0.074 in 2024, F0091)",
                                f"correct '{SICK_LEAVE}' (a percentage? write 0.06 for 6 %)")
        sick[year] = float(resolved.value)
    return sick


def implausible_rate_warnings(loaded, resolved: ResolvedProjection, frame: Mapping) -> list[Warning_]:
    """A warning for each yearly rate of the projection block, the frame's fixed uppräkning and the scenario's
    index changes beyond PLAUSIBLE_RATE: a level-mix drift of −0.3 (meant −0.3 pp) halved the 2034 net cost and
    ran without a word (economist walkthrough)."""
    s, out = resolved.settings, []

    def check(what: str, value, limit: float, where: Location) -> None:
        for year, rate in (value.items() if isinstance(value, dict) else [(None, value)]):
            if rate is not None and abs(float(rate)) > limit:
                out.append(_rate_warning(where, what + (f" for {year}" if year is not None else ""), float(rate),
                                         limit))
                return

    check("projection.level_mix_drift", s.level_mix_drift, PLAUSIBLE_RATE["level_mix_drift"],
          resolved.location("level_mix_drift"))
    if s.rent_growth is not None:
        check("projection.rent_growth", s.rent_growth, PLAUSIBLE_RATE["rent_growth"],
              resolved.location("rent_growth"))
    for service, rate in s.volume_growth.items():
        check(f"projection.volume_growth.{service}", rate, PLAUSIBLE_RATE["volume_growth"],
              resolved.location(f"volume_growth.{service}"))
    for name, rate in s.extensions.items():
        check(f"projection.extensions.{name}", rate, PLAUSIBLE_RATE["extensions"],
              resolved.location(f"extensions.{name}"))
    indexation = frame.get("indexation") if isinstance(frame, Mapping) else None
    if isinstance(indexation, Mapping) and indexation.get("kind") == "fixed" and "growth" in indexation:
        growth = indexation["growth"]
        if isinstance(growth, int | float) or (isinstance(growth, Mapping) and all(
                isinstance(v, int | float) for v in growth.values())):
            check("frame.indexation.growth", growth, PLAUSIBLE_RATE["frame"],
                  frame_where(resolved, "frame.indexation.growth"))
    base_year = loaded.scenario.base_date.year
    written = ParameterTree(loaded.tree.parameters, [])  # the parameter files' own rates
    for o in loaded.tree.overrides:
        if o.path.startswith("indices.") and isinstance(o.value, int | float):
            check(o.path, o.value, PLAUSIBLE_RATE["indices"], o.location)
            covers_base_year = o.start.year <= base_year and (o.end is None or o.end.year >= base_year)
            indexed_from_before = any(  # a value dated before the base year grows by the base year's rate into it
                p.indexation == o.path and (held := written.in_force(path, loaded.scenario.base_date)) is not None
                and held.valid_from.year < base_year for path, p in written.parameters.items())
            own = written.index_growth(o.path, base_year)[0] if covers_base_year and indexed_from_before else None
            if own is not None and own != float(o.value):
                out.append(Warning_("index_change_in_base_year", o.location,
                                    f"{o.path} {o.value:g} also replaces the base year's own rate ({own:g} in "
                                    f"{base_year}), so the base-year costs change too; to change only the projected "
                                    f"years write from: {base_year + 1}-01-01"))
    return out


#: a forecast file's first month this many times (or this fraction of) the base-year volume, and at least
#: OTHER_UNIT_SLACK apart, counts something else (hours, days, SEK): refused, as no board means it
OTHER_UNIT_FACTOR, OTHER_UNIT_SLACK = 20.0, 20.0


def _forecast_scale_notes(loaded, given, display: str, used: list[str],
                          where: Location | None = None) -> list[str]:
    """A note for each service whose first forecast month lies far from its base-year volume — the users of
    users.csv, or the volume of other_services.csv (a lump line has 1) — by the history_vs_users margin:
    the file is costed per unit of that volume, so a file on another scale scales the cost. One
    OTHER_UNIT_FACTOR off or more counts another unit and is refused (at ``where``)."""
    base = _base_year_volumes(loaded)
    notes, problems = [], ProblemCollector()
    for service in used:
        first, n = float(given.volumes[service].iloc[0]), base.get(service)
        if n is None or n <= 0:
            continue
        if abs(first - n) > OTHER_UNIT_SLACK and not n / OTHER_UNIT_FACTOR <= first <= n * OTHER_UNIT_FACTOR:
            problems.add(where or Location(file=display), f"'{display}' gives {service} {first:,.1f} in "
                         f"{given.volumes.index[0]}, {first / n:.3g} times its {n:,.0f} in the base year",
                         "volumes on the scale of the base year's users, cases or places (average per month)",
                         "give the file's volume column in users, cases or places — not hours, days or SEK — "
                         "or leave the service out of the file")
            continue
        low, high = scale_band(n, n)
        if not low <= first <= high:
            notes.append(f"projection.volume_forecast: '{display}' gives {service} {first:,.1f} in "
                         f"{given.volumes.index[0]}, {first / n:.3g} times its {n:,.0f} in the base year ("
                         + (USERS_FILE if service in set(loaded.data.users["service"].astype(str)) else
                            "other_services.csv") + f"; tolerance {SCALE_MARGIN:.0%} and {SCALE_SLACK:g}): it is "
                         "costed per unit of that volume, so check that the file counts the same thing (users, "
                         "cases or places, average per month) for the same municipality")
    problems.raise_if_any()
    return notes


def _history_end(history: pd.DataFrame, first: int, source: str) -> pd.Period:
    """The history's last month, which must reach December before the first projected year."""
    last = history["month"].max().to_period("M")
    if last < pd.Period(f"{first - 1}-12", "M"):
        raise InputError.at(Location(file=source), f"the volume history ends in {last}",
                            f"history up to {first - 1}-12 at least (the base year's December)",
                            "extend the history, or fix the services' volumes in projection.volumes")
    return last


def scale_band(low, high):
    """The band a volume on the same scale as [low, high] lies in: SCALE_MARGIN beyond it, and at least
    SCALE_SLACK (services of a few users)."""
    return (np.minimum(low / (1 + SCALE_MARGIN), low - SCALE_SLACK),
            np.maximum(high * (1 + SCALE_MARGIN), high + SCALE_SLACK))


def history_scale_warnings(history: pd.DataFrame, users: Mapping[str, float], base_year: int,
                           source: str | None = None) -> list[Warning_]:
    """``history_vs_users`` for each service whose users.csv count lies outside the history's monthly
    volumes of the base year by more than the margin (SCALE_MARGIN, SCALE_SLACK)."""
    h = history[(history["month"].dt.year == base_year) & history["service"].isin(list(users))]
    span = h.groupby(["service", "month"])["volume"].sum().groupby(level="service").agg(["min", "max"])
    n = pd.Series(users, dtype=float).reindex(span.index)
    low, high = scale_band(span["min"], span["max"])
    off = span[(n < low) | (n > high)]
    return [Warning_("history_vs_users", Location(file=source, path=sv),
                     f"{n[sv]:,.0f} users in {USERS_FILE}, but {r['min']:,.1f}–{r['max']:,.1f} a month in "
                     f"{base_year} in the history ({r['min'] / n[sv]:.2g}–{r['max'] / n[sv]:.2g} times as many; "
                     f"tolerance {SCALE_MARGIN:.0%} and {SCALE_SLACK:g} beyond that range). The forecast starts "
                     "from the history and is costed per user of users.csv, so its projected cost is off "
                     "by about that factor: check that both files count the same thing (users, cases or places, "
                     "average per month; not hours, days or a total over months) for the same municipality")
            for sv, r in off.iterrows()] + _last_month_warnings(h, n.drop(off.index), base_year, source)


def _last_month_warnings(h: pd.DataFrame, users: pd.Series, base_year: int, source: str | None) -> list[Warning_]:
    """``history_vs_users`` for a service whose last month of the base year is off its users.csv count by more
    than the margin while the year's range holds it (8 users, a December typed 80): every model starts there."""
    monthly = h.groupby(["service", "month"])["volume"].sum().reset_index()
    last = monthly.sort_values("month").groupby("service").last()
    out = []
    for sv, n in users.items():
        if sv not in last.index:
            continue
        value, month = float(last.at[sv, "volume"]), last.at[sv, "month"]
        low, high = scale_band(value, value)
        if not low <= n <= high:
            out.append(Warning_("history_vs_users", Location(file=source, path=sv),
                                f"the history's last month of {base_year}, {month:%Y-%m}, has {value:,.1f} against "
                                f"{n:,.0f} users in {USERS_FILE} ({value / n:.2g} times as many; tolerance "
                                f"{SCALE_MARGIN:.0%} and {SCALE_SLACK:g}); every forecast starts from that month, "
                                "so check it for a typing slip or a partial export"))
    return out


def _model_inputs(loaded, resolved: ResolvedProjection, models: Mapping[str, str], base_year: int) -> dict:
    """The data folder's population, users' ages and flows for the services forecast with the
    demographic or stock–flow model (keyword arguments of ``forecast_volumes``); a located error
    at the scenario key that names such a model when its file is missing."""
    from resmodel.forecast.interface import age_shares_from_users
    from resmodel.io.scenario import display_path
    from resmodel.io.series import read_flows, read_population, read_users_ages

    data = Path(loaded.scenario.data)
    s = resolved.settings
    kwargs: dict = {}
    for model, files in (("demographic", (POPULATION_FILE, USERS_FILE)), ("stockflow", (FLOWS_FILE,))):
        named = sorted(sv for sv, m in models.items() if m == model)
        if not named:
            continue
        key = f"volumes.{named[0]}" if named[0] in s.volumes else "default_model"
        for name in files:
            if not (data / name).is_file():
                raise InputError.at(resolved.location(key), f"the {model} model needs {display_path(data / name)}, "
                                    "which does not exist", f"{name} in the data folder (docs/forecasting.md)",
                                    f"add {name}, or choose another model for {', '.join(named)}")
        if model == "demographic":
            pop = read_population(data / POPULATION_FILE, display_path(data / POPULATION_FILE))
            ages = read_users_ages(data / USERS_FILE, display_path(data / USERS_FILE))
            ages = ages[ages["service"].isin(named)]  # another service's users outside the bands do not matter
            kwargs.update(population=pop,
                          age_shares=age_shares_from_users(ages, sorted(pop["age_band"].unique()), base_year))
        else:
            kwargs["flows"] = read_flows(data / FLOWS_FILE, display_path(data / FLOWS_FILE))
    return kwargs


@dataclass(frozen=True)
class VolumeSources:
    """Where each projected service's monthly volume comes from, decided once by ``volume_sources`` for the
    projection (``_volumes``) and for its checks (``check_projection``, ``scenario_capacity``), so that validate,
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


def _check_over_forecast(resolved: ResolvedProjection, first: int, known: Collection[str]) -> None:
    """Raise the located problems of _over_forecast_problems, all at once."""
    problems = _over_forecast_problems(resolved, first, known)
    if problems:
        raise InputError(problems)


RATES_BY_YEAR = ("level_mix_drift", "rent_growth")  # rates a scenario may give per year


def check_rates_by_year(resolved: ResolvedProjection, first: int, last: int) -> None:
    """A rate given per year in the scenario names only projected years and every one of them, except
    years after its last that a declared projection.extensions rate covers (as the index paths read it). Every
    rate's problems in one error (a bad rent_growth year hid a level_mix_drift one; second diff review)."""
    s = resolved.settings
    problems = ProblemCollector()
    for name in RATES_BY_YEAR:
        rates = getattr(s, name)
        if not isinstance(rates, dict):
            continue
        for year in sorted(rates):
            if not first <= year <= last:
                problems.add(resolved.location(f"{name}.{year}"), f"year {year} is not projected",
                             f"a year from {first} to {last}", "correct the year" if year < first
                             else _later_year_fix(year, first))
        given = sorted(y for y in rates if first <= y <= last)
        extended = s.extensions.get(name) is not None
        missing = [y for y in range(first, last + 1) if y not in rates and not (extended and given and y > given[-1])]
        if missing:
            problems.add(resolved.location(name), f"no {name} for {missing[0]}"
                         + (f" (given: {', '.join(map(str, given))})" if given else ""),
                         f"a rate for every year from {first} to {last}",
                         f"add {missing[0]}: <rate>, or give one number for every year"
                         + (f", or declare projection.extensions.{name} for the years after the last given"
                            if name == "rent_growth" else ""))
    problems.raise_if_any()


def check_years(resolved: ResolvedProjection, first: int, last: int) -> None:
    """The years a scenario's volume changes, adjustments and yearly volume overrides name are projected ones
    (a change before the first year is in the history already; one after the last would never act), and a yearly
    override names projected years only (one that starts later follows the forecast before: _check_over_forecast) —
    checked by ``validate`` as by ``project``."""
    s = resolved.settings
    years = [*((c.from_year, f"volume_changes[{i}].from_year") for i, c in enumerate(s.volume_changes)),
             *((a.year, f"adjustments[{i}].year") for i, a in enumerate(s.adjustments))]
    problems = ProblemCollector()
    for year, path in years:
        if not first <= year <= last:
            problems.add(resolved.location(path), f"year {year} is not projected", f"a year from {first} to {last}",
                         f"correct the year (the history holds what came before {first})" if year < first else
                         _later_year_fix(year, first))
    for sv, value in s.volumes.items():  # with the years above, not after them (economist walk: a second round)
        if isinstance(value, dict) and not value:
            problems.add(resolved.location(f"volumes.{sv}"), "the override by year is empty",
                         "a mapping year → volume, e.g. {2025: 1050, 2026: 1100}",
                         "give the volume of each year it changes, or remove it")
        keys = [y for y in value if isinstance(y, int)] if isinstance(value, dict) else []
        levels = [y for y in keys if y in LEVELS]
        outside = [y for y in keys if not first <= y <= last and y not in LEVELS]
        if levels:
            problems.add(resolved.location(f"volumes.{sv}"), f"{levels[0]} is not a year (a need level? levels cannot "
                         "be set here: the level split follows the history)", "a mapping year → volume, e.g. "
                         "{2025: 1050, 2026: 1100}", "write the years the volume changes, or remove the level keys")
        if outside:  # 2040 for 2030 was held at the year before for good; 2020 silently dropped
            problems.add(resolved.location(f"volumes.{sv}"), f"the override names {outside[0]}, which is not "
                         "projected", f"years from {first} to {last}", "correct the year (a typing slip?)"
                         + (", remove it, or lengthen horizon_years" if first < outside[0] < first + MAX_HORIZON
                            else " or remove it"))
    problems.raise_if_any()


def after_horizon_hint(year: int, first: int) -> str:
    """Why a year after the horizon may be there: a typing slip, or a longer horizon_years meant — the latter only
    where horizon_years can reach it (2099 for a supplement is no horizon of 75 years; code re-read)."""
    return ("a typing slip for an earlier year? or a longer horizon_years meant" if year - first + 1 <= MAX_HORIZON
            else f"a typing slip for an earlier year? horizon_years reaches {MAX_HORIZON} years at most")


def _later_year_fix(year: int, first: int) -> str:
    """The fix for a year after the horizon: lengthening horizon_years only where it can reach the year (a one-digit
    slip, 2207 for 2027, is no horizon of 183 years)."""
    needed = year - first + 1
    return f"correct the year, or lengthen horizon_years to {needed}" if needed <= MAX_HORIZON else \
        f"correct the year (a typing slip? horizon_years reaches {MAX_HORIZON} years at most)"


def _projected_services(loaded, resolved: ResolvedProjection, first: int, last: int):
    """(other_services.csv table or None, the projected services, the volume history or None, the lump
    lines held at their base volume — volume_sources, after the forecast file), with the scenario's service names
    checked."""
    other, _ = read_other_services(Path(loaded.scenario.data))
    base_volumes = dict.fromkeys(other["service"], 1.0) if other is not None else {}
    services = sorted({*loaded.data.users["service"].astype(str), *base_volumes})  # engine users > 0 ⇔ in users.csv
    _check_service_keys(resolved, services, own_provider_projected(loaded))
    history = _history_for(loaded, resolved, services, base_volumes)
    known = set(history["service"]) if history is not None else set()
    given = read_forecast_file(loaded, resolved, services, projected_months(first, last), [], history)
    held = volume_sources(resolved.settings, services, known, base_volumes,
                          given.volumes.columns if given is not None else (), first).held
    return other, services, history, held


def scenario_capacity(loaded, service: str) -> CapacityLimit | None:
    """A service's places by projected year from a scenario's ``projection.capacity`` (None when it gives
    the service none) — what ``resmodel queue --scenario`` simulates the queue against."""
    resolved = resolve(read_chain(Path(loaded.scenario.chain[-1])))
    if resolved is None or service not in resolved.settings.capacity:
        return None
    first = loaded.scenario.base_date.year + 1
    last = first + resolved.settings.horizon_years - 1
    _, services, _, held = _projected_services(loaded, resolved, first, last)
    limits, _ = capacity_limits(loaded, resolved, services, held, first, last)
    return next(c for c in limits if c.service == service)


def _how_to_project(unit: str, on: dt.date, base: dt.date) -> str:
    """The ways a change the projection reads only at the base date can still be projected — a money amount by an index
    step, any value undated or as adjustments from two runs (steward walk: indirect_share was told wage_growth); a
    later base_date only within the base year, where the frame, history and data keep their year (economist re-walk:
    a base_date moved to 2025 met a 2024 frame and a history ending 2024-12)."""
    step = ("To project it, give that year's step as growth: parameters: indices.wage_growth (salaries) or "
            "indices.price_growth (prices), dated 1 January of the year; or " if "SEK" in unit else
            f"Its unit ({unit}) is not money, so no index carries it; to project it, ")
    undated = ("give the value undated (without 'from'" + (", in base-year prices" if "SEK" in unit else "")
               + f": it then holds from the base year {base.year} on, so it moves the base-year run too)")
    amounts = ("or give its effect as the projection block's adjustments, an amount per service and year from "
               f"{max(on.year, base.year + 1)} (the first projected year; for a part of a year, that part): run `resmodel compare <this scenario> <a copy with the "
               "value undated>` — the copy's net cost less this scenario's, each service and year, is in "
               "jamforelse_tjanster.csv (difference)")
    later = (f"; or move base_date to {on:%Y-%m-%d}, which keeps the base year {base.year}" if on.year == base.year
             else "")
    return f"{step}{undated}; {amounts}{later}"


def dated_changes_not_projected(loaded, last: int) -> list[Warning_]:
    """Parameter values that start or end after the base date and by the end of ``last``, on a parameter the
    projection reads only at the base date (unit costs, salaries …; the indices, sick leave, the state rate and
    the 20-hour rule are read year by year or month by month): such a change has no effect on the projection,
    so it is named."""
    base, end = loaded.scenario.base_date, dt.date(last, 12, 31)
    tree = loaded.tree
    by_year = {SICK_LEAVE, STATE_RATE, SFB_CAP, *INDEX_PATHS.values()}
    changes: dict[str, tuple[dt.date, Location]] = {}
    for path, param in tree.parameters.items():
        covered = [o for o in tree.overrides if o.path == path]  # a file's later value a scenario replaces is no change
        later = [i for i, (on, _) in enumerate(param.values) if base < on <= end and not any(o.covers(on) for o in covered)]
        if later and path not in by_year and param.kind != "index":
            changes[path] = (param.values[later[0]][0], param.value_location(later[0]))
    for o in tree.overrides:
        dates = [d for d in (o.start, o.end and o.end + dt.timedelta(days=1)) if d is not None and base < d <= end]
        if dates and o.path not in by_year and o.path in tree.parameters and tree.parameters[o.path].kind != "index":
            if o.path not in changes or min(dates) < changes[o.path][0]:
                changes[o.path] = (min(dates), o.location)
    return [Warning_("dated_change_not_projected", location,
                     f"{path} changes on {on:%Y-%m-%d}, after the base date {base:%Y-%m-%d}; the projection reads it at "
                     "the base date (money amounts then grow with the indices), so the change has no effect on "
                     "project, compare or tornado. " + _how_to_project(tree.parameters[path].unit, on, base))
            for path, (on, location) in sorted(changes.items())] + _within_year_changes(tree, base, end) + [
        Warning_("beyond_horizon", o.location, f"{o.path} changes on {o.start:%Y-%m-%d}, after the horizon's last "
                 f"year {last}: the change has no effect on project, compare or tornado "
                 f"({after_horizon_hint(o.start.year, base.year + 1)})")
        for o in tree.overrides if o.start > end] + changes_before_base_date(loaded)


def _same_values(a, b) -> bool:
    """Two snapshots of one tree hold the same value for every parameter (level tables compared whole)."""
    return all(np.array_equal(np.asarray(a[path]), np.asarray(b[path])) for path in a.paths())


def changes_before_base_date(loaded) -> list[Warning_]:
    """A dated change that ends before the base date and moves no value the base-year run reads there — the base
    run reads every parameter at the base date, the projection the years after it (an index's rate of a year before
    the base date counts only when it carries a value written before it forward, so that is compared) — has no effect
    at all: named as beyond_horizon names a change after the last year (economist walk: 2016 typed for 2026)."""
    base, tree = loaded.scenario.base_date, loaded.tree
    year_start = dt.date(base.year, 1, 1)  # the state rate is read on 1 January of the base year too
    warnings = []
    for o in tree.overrides:
        if o.end is None or o.end >= base or (o.path == STATE_RATE and o.end >= year_start):
            continue
        without = ParameterTree(tree.parameters, [x for x in tree.overrides if x is not o]).snapshot(base)
        if _same_values(without, loaded.snapshot):
            warnings.append(Warning_("before_base_date", o.location, f"{o.path} changes from {o.start:%Y-%m-%d} "
                                     f"until {o.end:%Y-%m-%d}, before the base date {base:%Y-%m-%d}: run reads every "
                                     "parameter at the base date and the projection the years after it, so the "
                                     "change has no effect on run, project, compare or tornado (a typing slip for a "
                                     "later year? or an earlier base_date meant)"))
    return warnings


#: parameters the projection reads once a year, and on which day: a change dated on another day than 1 January
#: counts for whole years, from the first such read on or after it
READ_YEARLY_ON = {SICK_LEAVE: (7, "1 July"), STATE_RATE: (1, "1 January")}


def _within_year_changes(tree, base: dt.date, end: dt.date) -> list[Warning_]:
    """A change of a parameter read once a year (sick leave on 1 July, the state rate on 1 January) dated within a
    year: the projection takes it for whole years, which is named with the year it counts from."""
    warnings = []
    for path, (month, day_text) in sorted(READ_YEARLY_ON.items()):
        param = tree.parameters.get(path)
        if param is None:
            continue
        covered = [o for o in tree.overrides if o.path == path]  # a file's date a scenario replaces is no change
        dated = [(on, param.value_location(i)) for i, (on, _) in enumerate(param.values)
                 if not any(o.covers(on) for o in covered)]
        dated += [(d, o.location) for o in covered
                  for d in (o.start, o.end and o.end + dt.timedelta(days=1)) if d is not None]
        odd = sorted(((on, loc) for on, loc in dated if base < on <= end and (on.month, on.day) != (1, 1)),
                     key=lambda item: item[0])
        if odd:
            on, location = odd[0]
            counts = on.year if on < dt.date(on.year, month, 1) or (on.month, on.day) == (month, 1) else on.year + 1
            warnings.append(Warning_("dated_change_within_year", location,
                                     f"{path} changes on {on:%Y-%m-%d}; the projection reads it once a year, on "
                                     f"{day_text}, so the change counts for whole years from {counts} (date it 1 "
                                     "January of the year it should count from)"))
    return warnings


def _attempt(problems: ProblemCollector, check, *args):
    """``check(*args)``, or None with its located problems added to ``problems``: the projection's checks that do
    not depend on each other all report, one run listing every problem (economist walkthrough: a service and a
    frame area misspelt came only on the second run)."""
    try:
        return check(*args)
    except InputError as exc:
        problems.problems += exc.problems
        return None


def _checked_frame(loaded, resolved: ResolvedProjection):
    """(the composed frame validated, its mapping, file, line_of), errors at the file and line that set each key."""
    data, file, line_of = frame_document(resolved)
    with _frame_errors_located(resolved):
        frame = load_frame(data, file, prefix="frame", line_of=line_of, word_of=frame_words(resolved))
        check_base_year(frame, loaded.snapshot.on.year, file, line_of)
    return frame, data, file, line_of


def _compensated_services_checked(resolved: ResolvedProjection, frame, services, file: str, line_of) -> None:
    """Every volume-compensation rule of the frame names a projected service (the own provider's hours too)."""
    with _frame_errors_located(resolved):
        check_compensated_services(frame, {*services, *([OWN] if SFB in services else [])}, file, line_of)


def projected_months(first: int, last: int) -> list[str]:
    """The projected months 'YYYY-MM', January of ``first`` to December of ``last``."""
    return list(pd.period_range(f"{first}-01", f"{last}-12", freq="M").strftime("%Y-%m"))


def _history_checked(loaded, resolved: ResolvedProjection, sources: VolumeSources, history,
                     warn: bool) -> list[Warning_]:
    """As ``_volumes`` decides from ``sources``: the history reaches the base year's December when a service is
    forecast from it, and the forecast services' models find their inputs; with ``warn``, the history's scale and
    suspicious-value warnings of those services, and its names of no service (unknown_service)."""
    first, models, display = loaded.scenario.base_date.year + 1, sources.models, _history_display(loaded)
    last = _history_end(history, first, display) if models else history["month"].max().to_period("M")
    _model_inputs(loaded, resolved, models, int(last.year))
    if not warn:
        return []
    counts = loaded.data.users["service"].astype(str).value_counts()
    warnings = history_scale_warnings(history, {sv: float(n) for sv, n in counts.items() if sv in models},
                                      first - 1, display)
    forecast = [sv for sv in models if not isinstance(resolved.settings.volumes.get(sv), dict)]  # not overridden
    return (warnings + history_suspicious_warnings(history[history["service"].isin(forecast)], display)
            + list(history.attrs.get("warnings", [])))  # a service name that maps to no key (unknown_service)


def check_projection_for_run(loaded) -> None:
    """``check_projection`` for ``run`` (CLI and API), which computes no projection yet refuses a scenario whose
    projection block ``project`` refuses — with the way to run the allocation without the block: a section
    manager's child scenario on a copied data folder was refused for the volume history only ``project`` reads."""
    try:
        check_projection(loaded, warn=False)
    except InputError as exc:
        why = Problem(Location(file=loaded.scenario.chain[-1]), "the problems above are the scenario's projection block's: run "
                      "computes no projection, but refuses a block that project would refuse",
                      "a projection block project accepts, or none",
                      "correct them, or, to run the base-year allocation alone, remove the block — one inherited "
                      "through 'extends' is lifted by writing 'projection: null' in this file")
        raise type(exc)([*exc.problems, why]) from None


def check_projection(loaded, warn: bool = True) -> tuple[str | None, list[Warning_]]:
    """Validate a scenario's projection inputs without running anything (``resmodel validate``, and ``run`` with
    ``warn=False``, which skips what only warns): the merged ``projection:`` block, its frame and
    other_services.csv, every independent check's problems reported together. A one-line summary (None when the
    scenario has no projection block) and the warnings."""
    resolved = resolve(read_chain(Path(loaded.scenario.chain[-1])), as_meant=True)
    if resolved is None:
        return None, []
    problems = ProblemCollector(list(resolved.problems))
    checked = _attempt(problems, _checked_frame, loaded, resolved)
    frame, data, file, line_of = checked or (None, None, None, None)
    other, _ = read_other_services(Path(loaded.scenario.data))
    base_volumes = dict.fromkeys(other["service"], 1.0) if other is not None else {}
    services = sorted({*loaded.data.users["service"].astype(str), *base_volumes})  # as _projected_services
    _attempt(problems, _check_service_keys, resolved, services, own_provider_projected(loaded))
    history = _attempt(problems, _history_for, loaded, resolved, services, base_volumes)
    known = set(history["service"]) if history is not None else set()
    first = loaded.scenario.base_date.year + 1
    last = first + resolved.settings.horizon_years - 1
    given = _attempt(problems, read_forecast_file, loaded, resolved, services, projected_months(first, last), [],
                     history)
    sources = volume_sources(resolved.settings, services, known, base_volumes,
                             given.volumes.columns if given is not None else (), first)
    _attempt(problems, _check_over_forecast, resolved, first, known)
    if frame is not None:
        _attempt(problems, _compensated_services_checked, resolved, frame, services, file, line_of)
    warnings: list[Warning_] = []
    if history is not None and (given is not None or resolved.settings.volume_forecast is None):  # a file refused
        # leaves the services it gives unknown; project stops at it, before the history's end
        warnings += _attempt(problems, _history_checked, loaded, resolved, sources, history, warn) or []
    uncertain = _attempt(problems, uncertainty_block, resolved) is not None  # checked here, not first at --draws
    _attempt(problems, check_rates_by_year, resolved, first, last)
    _attempt(problems, check_years, resolved, first, last)
    _attempt(problems, sick_leave_by_year, loaded.tree, first, last)
    if frame is not None:
        warnings += _attempt(problems, check_frame_growth, frame, file, resolved, last) or []
    limits, _ = _attempt(problems, capacity_limits, loaded, resolved, services, sources.held, first, last) or ((), [])
    problems.problems.sort(key=lambda p: (p.location.file or "", p.location.line or 0))  # as the files read
    problems.raise_if_any()
    if warn:
        warnings += frame_year_warnings(frame, resolved, last) if frame is not None else []
        warnings += [*replaced_list_warnings(resolved), *dated_changes_not_projected(loaded, last),
                     *override_scale_warnings(loaded, resolved), *implausible_rate_warnings(loaded, resolved, data)]
    if given is not None:  # how the file was made (another history, no manifest): as the run notes it
        warnings += [Warning_("forecast_file", resolved.location("volume_forecast"),
                              note.removeprefix("projection.volume_forecast: ")) for note in given.notes]
    return (f"projection {first}–{last}, frame for {len(frame.base)} areas"
            + (f", volumes of {len(sources.from_file)} services from a forecast file" if given is not None else "")
            + (f", {len(other)} other services" if other is not None else "")
            + (", uncertainty block for Monte Carlo" if uncertain else "")
            + (", places for " + ", ".join(c.service + (f" (with a plan of {len(c.premises)} premises)"
                                                        if c.premises else "") for c in limits) if limits else "")
            + (f", volume history of {history['service'].nunique()} services to {history['month'].max():%Y-%m}"
               if history is not None else ", no volume history (every volume fixed or held)")), warnings


def capacity_limits(loaded, resolved: ResolvedProjection, services: Sequence[str], held: Collection[str],
                    first: int, last: int, volume_models: Mapping[str, str] | None = None
                    ) -> tuple[tuple[CapacityLimit, ...], list[str]]:
    """The scenario's ``capacity`` block as places per projected year — a number, steps by year, or
    today's places of the service's premises, plus places added from a projected year on — and notes
    on shared premises. Located errors for a service or overflow that cannot have or take places: not
    projected, priced by the assistance rules, a lump line held at its base volume (``held``), another
    report area, or a service with places of its own. With ``volume_models`` (service → the model that
    projects it), a premises plan made on another forecast model is noted."""
    limits, notes = [], []
    limited = resolved.settings.capacity
    for service, c in limited.items():
        key = f"capacity.{service}"
        for path, named in ((key, service), (f"{key}.overflow", c.overflow)):
            if named == WAITING and path != key:
                continue
            if named in (SFB, LSS, OWN):
                raise InputError.at(resolved.location(path), f"'{named}' is priced by the assistance rules, "
                                    "which have no places", "a service priced per user or place (e.g. "
                                    f"daglig_verksamhet, bostad_vuxna, {EXTERNAL})",
                                    "remove it from capacity" if path == key else f"use {WAITING} or {EXTERNAL}")
            if named not in services:
                if path != key and named.casefold() in (WAITING, "väntar", "vantar", "vänta", "kö"):
                    raise InputError.at(resolved.location(path), f"overflow '{named}'", f"{WAITING} or a service",
                                        f"write {WAITING} (lower case, English)")
                _not_projected(resolved, named, path, services, also=(WAITING,) if path != key else ())
            if named in held:
                raise InputError.at(resolved.location(path), f"'{named}' is a lump line of other_services.csv held "
                                    "at its base volume, which has no places and no price per user",
                                    "a service priced per user or place", "remove it from capacity"
                                    if path == key else f"use {WAITING}, or a service priced per place")
        if c.overflow != WAITING:
            if c.overflow in limited:
                raise InputError.at(resolved.location(f"{key}.overflow"), f"the users above {service}'s places go "
                                    f"to '{c.overflow}', which has places of its own",
                                    f"a service without places (e.g. {EXTERNAL}), or {WAITING}",
                                    "send them to a service without places, or let them wait")
            own_units = set(loaded.data.units["service"].astype(str)) - {EXTERNAL}
            if c.overflow in own_units:
                raise InputError.at(resolved.location(f"{key}.overflow"), f"'{c.overflow}' is served in the board's "
                                    f"own units, at their own price and for their own users: the users above "
                                    f"{service}'s places cannot be costed there", f"{EXTERNAL} (places bought at a "
                                    f"day price), a bought service of other_services.csv, or {WAITING}",
                                    f"use {EXTERNAL} for housing, or let them wait")
            own, other = (area_of(x, {}, resolved.location(key)) for x in (service, c.overflow))
            if own != other:
                raise InputError.at(resolved.location(f"{key}.overflow"), f"the users above {service}'s places "
                                    f"would be costed as {c.overflow} in area {other}, while the frame counts them "
                                    f"in {own}", f"a service of the area {own} (e.g. {EXTERNAL} for LSS housing), "
                                    f"or {WAITING}", f"choose a service of {own}, or let them wait")
        by_year = _places_by_year(loaded, resolved, service, c, first, last, notes)
        premises = _plan_premises(loaded, resolved, service, c, first, last, notes, (volume_models or {}).get(service))
        for pp in premises:
            for y in range(pp.open_year, last + 1):
                by_year[y] += pp.places
        limits.append(CapacityLimit(service, by_year, None if c.overflow == WAITING else c.overflow, premises))
    return tuple(limits), notes


def plan_record(loaded, service: str) -> dict | None:
    """The premises plan a scenario gives a service, as {file, sha256} for a manifest; None without one."""
    from resmodel.io.manifest import file_record

    resolved = resolve(read_chain(Path(loaded.scenario.chain[-1])))
    if resolved is None or getattr(resolved.settings.capacity.get(service), "plan", None) is None:
        return None
    return file_record(plan_path(resolved, service))


def plan_path(resolved: ResolvedProjection, service: str) -> Path:
    """The premises plan of ``capacity.<service>.plan``, relative to the scenario file that sets it."""
    src = source_of(resolved.chain, resolved.set_by, f"capacity.{service}.plan")
    return src.path.parent / resolved.settings.capacity[service].plan


def _plan_premises(loaded, resolved: ResolvedProjection, service: str, c: CapacitySettings, first: int, last: int,
                   notes: list[str], model: str | None = None) -> tuple[PlannedPremises, ...]:
    """The premises a service's plan (``capacity.<service>.plan``) opens within the projected years, with
    notes on them and on how the plan was made; located errors for a premises opening before the first
    projected year (and, by the helpers, for the file and its manifest)."""
    from resmodel.io.premises_plan import plan_years, read_premises_plan
    from resmodel.io.scenario import display_path

    if c.plan is None:
        return ()
    path = _plan_file(loaded, resolved, service, c)
    display = display_path(path)
    rows, made_for, made_on = read_premises_plan(path, display)
    if made_for and made_for != (service,):  # a plan copied without its manifest still says its service
        raise InputError.at(resolved.location(f"capacity.{service}.plan"), f"the plan '{display}' was made for "
                            f"{', '.join(made_for)} (its column 'service')", f"a premises plan of {service}",
                            f"make one: resmodel plan-premises --service {service} …, or move the plan under "
                            f"capacity.{made_for[0]}")
    notes += _plan_origin_notes(resolved, service, c, path, display, checked=bool(made_for))
    if model is not None and made_on and made_on != (model,):  # the plan's openings answer another demand path
        notes.append(f"capacity.{service}.plan: the plan was made on a {'+'.join(made_on)} forecast of the demand "
                     f"(its column 'demand_model'), this projection forecasts {service} with {model}: its premises may "
                     f"open too early or too late for this demand; plan on the same model (resmodel forecast --model "
                     f"{service}={model}, then plan-premises) or project with it (projection.volumes)")
    years = plan_years(path)
    if years is not None and years[1] < last:
        notes.append(f"capacity.{service}.plan: the plan covers {years[0]}–{years[1]} (its premises_yearly.csv); no "
                     f"premises are planned for {years[1] + 1}–{last}, so demand above the places then is beyond the "
                     "plan, not its verdict — plan over the whole projection to see what it would open")
    for idx in rows.index[(rows["open_year"] < first).to_numpy()][:1]:
        raise InputError.at(Location(display, row=int(idx), column="open_year"),
                            f"{rows.at[idx, 'premises_id']} opens in {rows.at[idx, 'open_year']}, before the first "
                            f"projected year {first}", f"opening years from {first} on (a premises open before it "
                            "is part of today's places)", f"make the plan on this scenario's years, or count the "
                            f"premises in capacity.{service}.places and remove its row")
    late = rows[rows["open_year"] > last]
    within = rows[rows["open_year"] <= last]
    premises = tuple(PlannedPremises(str(r.premises_id), float(r.places), int(r.open_year), float(r.annual_rent_sek),
                                     float(r.one_off_cost_sek)) for r in within.itertuples())
    if premises:
        years = sorted({pp.open_year for pp in premises})
        opened = ", ".join(f"{y} +{sum(pp.places for pp in premises if pp.open_year == y):,.10g}" for y in years)
        notes.append(f"capacity.{service}.plan: '{display}' opens {len(premises)} premises with "
                     f"{sum(pp.places for pp in premises):,.10g} places ({opened}); they are costed at their rent, "
                     f"{sum(pp.annual_rent for pp in premises) / 1e6:,.1f} MSEK a year in base-year prices once all "
                     "are open, from January of each opening year at the rent index, and their one-off costs, "
                     f"{sum(pp.one_off for pp in premises) / 1e6:,.1f} MSEK in base-year prices, in the opening years "
                     f"at the price index; the users above {service}'s other places are in them and carry no "
                     "per-user premises cost (rows plan_users, plan_rent, plan_one_off); staff and other costs "
                     "follow the users, so a premises' fixed staffing from its first day is not in them")
    else:
        notes.append(f"capacity.{service}.plan: '{display}' opens no premises in {first}–{last}")
    if len(late):
        notes.append(f"capacity.{service}.plan: {', '.join(late['premises_id'])} of '{display}' open after "
                     f"{last} and are not in this projection")
    return premises


def _plan_file(loaded, resolved: ResolvedProjection, service: str, c: CapacitySettings) -> Path:
    """The plan's path, checked: a file, a table, of a service whose units have premises (located at the
    scenario key)."""
    from resmodel.allocation.places import places_by_service
    from resmodel.services import UNIT_SERVICE_OF_USER

    key = f"capacity.{service}.plan"
    path = plan_path(resolved, service)
    _check_table_path(resolved, key, c.plan, path, "premises_plan.csv", "resmodel plan-premises wrote "
                      "(docs/planning.md)", f"make the plan first: resmodel plan-premises --service {service} …",
                      "plan file")
    if UNIT_SERVICE_OF_USER.get(service, service) not in set(places_by_service(loaded.data)["service"]):
        raise InputError.at(resolved.location(key), f"{service}'s units use no premises, so a premises plan "
                            "cannot be costed against their premises cost", "a plan of a service whose units "
                            "have premises (daglig_verksamhet, bostad_vuxna, …)",
                            "give the new places under 'added' instead")
    return path


def _plan_origin_notes(resolved: ResolvedProjection, service: str, c: CapacitySettings, path: Path,
                       display: str, checked: bool) -> list[str]:
    """How the plan was made, from plan-premises' manifest beside it: a located error for a plan of another
    service; notes when that cannot be checked (nor was by the plan's own service column, ``checked``), when it
    was made for another demand column or on other places than the scenario's, and when the service also has
    places under 'added'."""
    from resmodel.io.premises_plan import plan_options

    options, unreadable = plan_options(path)
    options = options or {}
    made_for = options.get("service") if isinstance(options.get("service"), str) else None
    if made_for is not None and made_for != service:
        raise InputError.at(resolved.location(f"capacity.{service}.plan"), f"the plan '{display}' was made for "
                            f"{made_for} (its manifest.json)", f"a premises plan of {service}", f"make one: resmodel "
                            f"plan-premises --service {service} …, or move the plan under capacity.{made_for}")
    notes = []
    if made_for is None and not checked:
        notes.append(f"capacity.{service}.plan: " + (unreadable or f"no manifest.json of plan-premises beside "
                     f"'{display}'") + f", so it is not checked that the plan was made for {service}")
    column = options.get("demand_column")
    if isinstance(column, str) and column != "volume":
        notes.append(f"capacity.{service}.plan: the plan was made for the demand column {column}; the projection "
                     "serves the central forecast, so the plan's headroom shows as free places and their rent")
    if c.added:
        notes.append(f"capacity.{service}: places under both 'added' and 'plan' — a premises of the plan that is "
                     "also under 'added' counts twice")
    planned_on, scenario_on = options.get("places"), None if c.places == "premises" else c.places
    if made_for is not None and planned_on != scenario_on:
        def said(on):
            return "today's premises" if on is None else f"places {on:,.10g}" if isinstance(on, int | float) \
                else f"places {on}"

        notes.append(f"capacity.{service}.plan: the plan was made on {said(planned_on)} (plan-premises --places), "
                     f"this scenario has {said(scenario_on)}: its premises may open too early or too late for them")
    return notes


def _places_by_year(loaded, resolved: ResolvedProjection, service: str, c: CapacitySettings, first: int, last: int,
                    notes: list[str]) -> dict[int, float]:
    """One service's places in each projected year from its ``places`` and ``added`` (located errors;
    notes on shared premises and on years after the horizon are appended to ``notes``)."""
    from resmodel.allocation.places import places_by_service
    from resmodel.planning_run import service_places
    from resmodel.services import UNIT_SERVICE_OF_USER

    key = f"capacity.{service}"
    years = range(first, last + 1)
    if c.places is None:
        raise InputError.at(resolved.location(key), f"{service} has no places", "'places:' — a number, "
                            "{year: places} or premises — in this file or the one it extends",
                            f"add places under capacity.{service}")
    if c.places == "premises":
        if UNIT_SERVICE_OF_USER.get(service, service) not in set(places_by_service(loaded.data)["service"]):
            raise InputError.at(resolved.location(f"{key}.places"), f"{service}'s units use no premises",
                                "a service whose units have a premises_id in units.csv (premises.csv gives "
                                "its places)", "give the places as a number instead")
        today, shared = service_places(loaded, service, "give the places as a number instead")
        notes += [f"capacity.{service}: {n}" for n in shared]
        by_year = dict.fromkeys(years, today)
    elif isinstance(c.places, dict):
        steps = sorted(c.places)
        if steps[0] > first:
            raise InputError.at(resolved.location(f"{key}.places"),
                                f"the places start in {steps[0]}, after the first projected year {first}",
                                f"a first year at or before {first} (each year's places hold until the next)",
                                f"add {first}: <today's places>, or put today's places first and later ones "
                                "under 'added'")
        by_year = {y: float(c.places[max(k for k in steps if k <= y)]) for y in years}
    else:
        by_year = dict.fromkeys(years, float(c.places))
    early = [y for y in c.added if y < first]
    if early:
        raise InputError.at(resolved.location(f"{key}.added"), f"places added in {early[0]}, before the first "
                            f"projected year {first}", f"years from {first} on (places open before it are part "
                            "of 'places' — with 'premises', of today's premises)",
                            "count them in 'places', or move them to the year they open")
    late = sorted(y for y in [*c.added, *(c.places if isinstance(c.places, dict) else ())] if y > last)
    if late:
        notes.append(f"capacity.{service}: places in {', '.join(map(str, late))}, after the projected years "
                     f"{first}–{last}, are not in this projection")
    for year, change in sorted(c.added.items()):
        for y in years:
            if y >= year:
                by_year[y] += change
    low = min(by_year, key=by_year.get)
    if by_year[low] < 0:
        raise InputError.at(resolved.location(f"{key}.added"),
                            f"the places closed leave {service} {by_year[low]:,.1f} places in {low}",
                            "places ≥ 0 in every year", "close fewer places")
    return by_year


def capacity_notes(setup: ProjectionSetup, result) -> list[str]:
    """One note per service with places: how many places, where the users above them go, from which
    month, how many at the most and in user-years (from the result's rows)."""
    notes = []
    m, y = result.monthly, result.yearly
    inputs = setup.case.inputs
    premium = {e.service: e.new_place_premium for e in inputs.external}
    for limit in inputs.capacity:
        c = setup.settings.settings.capacity[limit.service]
        reason = f" ({c.reason})" if c.reason else ""
        over = y[(y["service"] == limit.service) & (y["measure"] == "over_capacity")].set_index("period")["value"]
        monthly = m[(m["service"] == limit.service) & (m["measure"] == "over_capacity")].set_index("period")["value"]
        counts = sorted(set(limit.places.values()))
        places = (f"{counts[0]:,.0f} places" if len(counts) == 1 else
                  f"{limit.places[inputs.base_year + 1]:,.0f}–{limit.places[inputs.base_year + inputs.years]:,.0f} "
                  "places")
        parts = (["today's premises", *(["those added"] if c.added else [])] if c.places == "premises" else []) \
            + (["the plan's premises"] if limit.premises else [])
        places += (f" ({', '.join(parts[:-1])} and {parts[-1]})" if len(parts) > 1 else f" ({parts[0]})" if
                   c.places == "premises" else " (including the plan's premises)" if parts else "")
        if limit.overflow is None:
            where = ("wait as decisions not executed: no cost in the projection, but decisions waiting over three "
                     "months are reported to IVO and risk a sanction fee — their waiting times and the fee exposure: "
                     f"resmodel queue --demand <volume forecast> --service {limit.service} --scenario <this "
                     "scenario> (docs/forecasting.md §4)")
        else:
            p = premium.get(limit.overflow)
            where = f"are served as {limit.overflow} at its price" + (
                "" if p is None else f" (beyond its existing stock as new places, day price +{p:.0%})" if p > 0 else
                " (external.new_place_premium is 0: new places cost what existing ones do)")
        if (monthly > 0.005).any():
            first, peak = monthly[monthly > 0.005].index[0], over.idxmax()
            text = (f"{limit.service}{reason}: {places}; demand is above them from {first} — {over[peak]:,.1f} users a month "
                    f"on average in {peak}, {over.sum():,.1f} user-years over {over.index[0]}–{over.index[-1]}; the "
                    f"users above them {where}")
        else:
            text = f"{limit.service}{reason}: {places}; demand stays within them in every projected month"
        if limit.premises:
            at = y[(y["service"] == limit.service) & (y["period"] == y["period"].max())].set_index("measure")["value"]
            text += (f"; in {y['period'].max()} {at['plan_users']:,.1f} users a month on average are in the plan's "
                     f"premises and {max(at['places'] - at['volume'], 0.0):,.1f} places stand free")
        notes.append(text)
    return notes


def unit_costs(services: pd.DataFrame) -> pd.DataFrame:
    """The engine's per-service table → the core's unit-cost table (purchase cost folded into other
    cost, docs/budget.md §9). Rule-priced services are kept; the core ignores their rows (noted)."""
    t = services[services["users"] > 0]
    return pd.DataFrame({
        "service": t["service"].astype(str).to_numpy(),
        "volume": t["users"].to_numpy(dtype=float),
        "staff_cost": t["staff_cost"].to_numpy(dtype=float),
        "premises_cost": t["premises_cost"].to_numpy(dtype=float),
        "other_cost": (t["other_cost"] + t["purchase_cost"]).to_numpy(dtype=float),
        "revenue": t["revenue"].to_numpy(dtype=float),
    })


def _growth(tree, path: str, years: range, declared: float | None) -> tuple[dict[int, float], float | None]:
    """Annual growth from the tree for ``years``: data and scenario overrides as a series; years the
    tree extrapolates (``extend: last``) become a declared extension, so the core flags them. A
    rate declared in the scenario (projection.extensions) is used beyond the data instead. Every
    year is asked: a scenario's rate for a year after one without data is kept (a price growth for
    2027 after data ending in 2025 was dropped without a word — economist walk)."""
    series: dict[int, float] = {}
    extension = None
    first_data = tree.parameters[path].values[0][0].year
    for y in years:
        try:
            rate, extrapolated = tree.index_growth(path, y)
        except InputError:
            if declared is None or y < first_data:
                raise
            extension = declared
            continue
        if extrapolated:
            extension = declared if declared is not None else rate
            continue
        series[y] = rate
    return series, extension  # None: data or a scenario rate for every year


def _places_today(loaded) -> dict[str, float]:
    """Today's places per projected (user) service: the capacity of the premises its units use."""
    from resmodel.allocation.places import places_by_service
    from resmodel.services import UNIT_SERVICE_OF_USER

    table = places_by_service(loaded.data).set_index("service")["places"]
    return {sv: float(table[unit_sv]) for sv, unit_sv in {**{s: s for s in table.index}, **UNIT_SERVICE_OF_USER}.items()
            if unit_sv in table.index and table[unit_sv] > 0}


def places_passed_notes(volumes: pd.DataFrame, places: Mapping[str, float], capped: Collection[str]) -> list[str]:
    """A note for each service whose projected volume (a year's monthly average) passes today's places while the
    scenario sets no ``capacity`` for it: the projection then costs every user as if the premises grew with them
    (premises cost per user), which a planner should know is an assumption, not a plan."""
    notes = []
    yearly = volumes.groupby(volumes.index.str[:4]).mean()
    for sv, n in places.items():
        if sv in capped or sv not in yearly.columns:
            continue
        over = yearly.loc[yearly[sv] > n, sv]
        if len(over):
            first = volumes.index[(volumes[sv] > n).to_numpy()][0]  # a capacity block counts from this month
            notes.append(f"{sv}: the projected volume's yearly average passes today's {n:,.0f} places in "
                         f"{over.index[0]} (the first month above them: {first}; {yearly[sv].iloc[-1]:,.1f} a month "
                         f"on average in {yearly.index[-1]}); without "
                         f"projection.capacity.{sv} every user is costed as if the premises grew with them — to see "
                         "the users who would wait or a premises plan, set it (scenarios/capacity_limit.yaml, "
                         "premises_plan.yaml; docs/projection.md, \"Places\")")
    return notes


#: a draw's sd narrower than this share of what the forecast's own interval implies is noted
NARROW_VOLUME_SD = 2 / 3


def _own_provider_draw(spec) -> str:
    """The own provider's note's word on the Monte Carlo: with a volume draw per service that names the SFB cases
    and not the own provider, its hours take the SFB cases' draw (volume_followers) — said once, not as a service
    'not drawn' (economist re-walk 2, finding 3); '' otherwise (one draw for all moves every service alike)."""
    drawn = None if spec is None else spec.volume_growth
    if not isinstance(drawn, dict) or SFB not in drawn or OWN in drawn:
        return ""
    return (f"; a Monte Carlo run draws them with the SFB cases (projection.uncertainty.volume_growth.{SFB}), "
            "not on their own")


def volume_spread_notes(table: pd.DataFrame, spec, base_year: int, k: int = 5) -> list[str]:
    """A note when the uncertainty block's volume_growth is narrower than a service's forecast interval implies:
    the 80 % interval of the forecast's yearly average k years on (± w of the volume) corresponds to an annual
    growth sd of about w / (1.2816 k) (docs/budget.md §4); a block below two thirds of that leaves part of the
    volume uncertainty out of the Monte Carlo spread."""
    if spec is None:
        return []
    months = pd.to_datetime(table["month"])
    year = min(base_year + k, int(months.dt.year.max()))
    k = year - base_year
    rows = table[(months.dt.year == year).to_numpy()]
    if rows.empty or k < 1:
        return []
    by = rows.groupby("service")[["volume", "volume_lo_80", "volume_hi_80"]].sum()
    implied = ((by["volume_hi_80"] - by["volume_lo_80"]) / 2 / by["volume"].where(by["volume"] > 0)) / (1.2816 * k)
    drawn = spec.volume_growth
    narrow, undrawn = [], []
    for service, need in implied.dropna().items():
        dist = drawn.get(service) if isinstance(drawn, dict) else drawn
        if dist is None:  # a per-service block that does not name it: no draw at all, not a draw of sd 0
            undrawn.append(f"{service} ≈{need:.3f}")
        elif dist.spread() < NARROW_VOLUME_SD * need:
            narrow.append(f"{service} {dist.spread():.3f} against ≈{need:.3f}")
    if not narrow and not undrawn:
        return []
    parts = ([f"sd a year, drawn against implied: {'; '.join(narrow)}"] if narrow else []) + (
        [f"not drawn (no volume uncertainty), implied: {'; '.join(undrawn)}"] if undrawn else [])
    return [f"projection.uncertainty.volume_growth is narrower than the forecast's own 80 % intervals imply in {year} "
            f"({' — '.join(parts)}): the Monte Carlo spread leaves part of the volume uncertainty out — set the sd "
            "per service as docs/budget.md §4 shows"]


def _volumes(loaded, resolved: ResolvedProjection, services: list[str], first: int, last: int,
             lss_hours_per_case: float = 0.0, base_volumes: Mapping[str, float] | None = None,
             users: Mapping[str, float] | None = None, base_days: int = 365, uncertainty=None,
             ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Monthly volumes per service: forecast from the history, fixed by the scenario, or — for a
    service without history — held at ``base_volumes`` (other_services.csv), then the scenario's
    growth and changes; forecast services are checked against their ``users`` count (history_vs_users), and their
    forecast intervals against the ``uncertainty`` spec's volume draws. ``lss_hours_per_case`` are hours over the base
    year's ``base_days``."""
    from resmodel.forecast.interface import forecast_volumes

    base_volumes = base_volumes or {}

    s = resolved.settings
    notes: list[str] = [f"projection.volumes: {w.message}" for w in override_scale_warnings(loaded, resolved)]
    _check_service_keys(resolved, services, own_provider_projected(loaded))
    history = _history_for(loaded, resolved, services, base_volumes)
    known = sorted(history["service"].astype(str).unique()) if history is not None else []
    notes += [str(w) for w in (history.attrs.get("warnings", []) if history is not None else [])]  # unknown_service
    months = pd.Index(projected_months(first, last))
    given = read_forecast_file(loaded, resolved, services, list(months), notes, history)
    _check_over_forecast(resolved, first, known)
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
        source = _history_display(loaded)
        last_hist = (_history_end(history, first, source) if forecast  # fixed volumes need no recent history
                     else history["month"].max().to_period("M"))
        hist = history[history["service"].isin(list(spec))]
        notes += [str(w) for w in history_scale_warnings(
            hist, {sv: n for sv, n in (users or {}).items() if sv in forecast}, first - 1, source)]
        inputs = _model_inputs(loaded, resolved, forecast, int(last_hist.year))
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


def _services_at_observed_sick_leave(loaded, result) -> tuple[float, pd.DataFrame]:
    """The sick-leave rate the data were observed under (the tree without the scenario's sick-leave
    overrides, the basis other_services.csv's averages also carry) and the engine's per-service table
    at that rate. The projection starts from that one basis, so that a scenario's sick leave acts
    through the yearly sick-leave factor alone — on every service, the same from any start date —
    and compare credits it to wages and sick leave (docs/projection.md)."""
    from resmodel.allocation.engine import allocate
    from resmodel.report import service_table

    tree = ParameterTree(loaded.tree.parameters, [o for o in loaded.tree.overrides if o.path != SICK_LEAVE])
    observed = float(tree.resolve(SICK_LEAVE, loaded.scenario.base_date).value)
    if observed == float(loaded.snapshot[SICK_LEAVE]):
        return observed, result.services
    return observed, service_table(allocate(loaded.data, tree.snapshot(loaded.scenario.base_date), loaded.tariff))


#: a base-year frame this many times off the base-year net cost is in another unit (tkr, MSEK), not a budget
FRAME_SCALE_LIMIT = 20.0


def _unit_of(ratio: float) -> str:
    """The unit a frame amount this many times its net cost was likely typed in: tkr, MSEK or another."""
    return "tkr (thousands)" if 1e-4 < ratio < 5e-3 else "MSEK (millions)" if 1e-7 < ratio < 5e-6 else "another unit"


def _check_frame_scale(base_frame: float, base_net: float, file: str, line_of) -> None:
    """A frame in tkr (14 000 for 14 MSEK) left the board 1/1000 of its cost and a deviation of its whole budget,
    with validate and project silent: refused when the base-year frame is 20 times off the base-year net cost."""
    if base_net <= 0 or base_frame <= 0:
        return
    ratio = base_frame / base_net
    if 1 / FRAME_SCALE_LIMIT <= ratio <= FRAME_SCALE_LIMIT:
        return
    unit = _unit_of(ratio)
    raise InputError.at(Location(file=file, line=line_of("base"), path="frame.base"),
                        f"the base-year frame sums to {base_frame:,.0f} against a base-year net cost of "
                        f"{base_net:,.0f} SEK ({ratio:.2g} times as much): amounts in {unit}?",
                        "the frame in SEK (kronor), as every amount of the model",
                        "write the frame's amounts in SEK (e.g. 14 000 tkr as 14000000)" if ratio < 1 else
                        "check the frame's amounts and unit")


#: an area's base frame below 1 % or above 100 times its base-year net cost is an amount in another unit, most likely
#: (the board's total, 20 times off, is refused by _check_frame_scale; one area off moves the total too little)
AREA_FRAME_SCALE = (0.01, 100.0)
#: an area's base-year net cost this far (a share) from its base frame is asked about: areas run deficits of 20 % and
#: more (the source board's personal assistance: 43.2 MSEK, F0118, on about 200), while the slips this catches are
#: larger (a file's staff_ratio 8: 13.9 for 1.39: +102 %; OB typed 1 for 1 %: +75 %)
AREA_BASE_GAP = 0.5


#: an area's base frame within this factor of 1/1000 (1/10^6) of its base-year net cost is its amount in tkr (MSEK):
#: refused, not warned — 320 900 typed for 320 900 000 wrote a report with a 320 MSEK overspend, exit 0 (fuzz review 2)
AREA_UNIT_BAND = 2.0
#: the units an area's frame is refused in, by the factor they are off by
AREA_FRAME_UNITS = (("tkr", 1e3), ("MSEK", 1e6))


def _area_net_costs(costs: pd.DataFrame, service_areas: Mapping[str, str]) -> pd.Series:
    """The base-year net cost per report area (each service's summed into its area)."""
    by_service = base_net_costs(costs)
    return by_service.groupby(by_service.index.map({**SERVICE_AREA, **service_areas})).sum()


def check_area_frame_units(frame, costs: pd.DataFrame, service_areas: Mapping[str, str],
                           resolved: ResolvedProjection) -> None:
    """Refuse an area whose base frame is about 1/1000 or 1/10^6 of its base-year net cost (within AREA_UNIT_BAND):
    its amount in tkr or MSEK, which projected a deviation of the area's whole cost with only a note to show it.
    Every such area is named at its line, with the amount to write; `explain --area` builds the projection too, so
    the fix points to `run` for the costs."""
    net = _area_net_costs(costs, service_areas)
    problems = []
    for area, amount in frame.base.items():
        cost = float(net.get(area, 0.0))
        if amount <= 0 or cost <= 0:
            continue
        for unit, factor in AREA_FRAME_UNITS:
            if 1 / AREA_UNIT_BAND <= amount * factor / cost <= AREA_UNIT_BAND:
                problems.append(Problem(
                    frame_where(resolved, f"frame.base.{area}"),
                    f"the base frame of {area}, {amount:,.10g}, is {amount / cost:.2g} times its base-year net cost "
                    f"of {cost:,.0f} SEK: written in {unit}? {amount:,.10g} {unit} is {amount * factor:,.0f} SEK",
                    "the frame's amounts in SEK (kronor), as every amount of the model",
                    f"write {area}: {amount * factor:.0f}; if the frame is right, the cost is off — an "
                    "other_services.csv line of the area in another unit, or a slip in its parameters (the area's "
                    "base-year cost is its services' net cost in `resmodel run <scenario>`'s resultat.csv plus its "
                    "other_services.csv lines, volume × average_cost)"))
    if problems:
        raise InputError(problems)


def frame_area_scale_warnings(frame, costs: pd.DataFrame, service_areas: Mapping[str, str],
                              resolved: ResolvedProjection) -> list[Warning_]:
    """An area whose base frame is below 1 % of its base-year net cost or above 100 times it, off by no factor
    check_area_frame_units refuses (a frame far off its cost may be right and the cost off: an other_services.csv
    line in another unit): only the board's base-year note showed it (robustness review). Warned at the area's
    line — not as tkr or MSEK, which check_area_frame_units refuses (a 'written in tkr?' for an amount 3 times off
    a tkr reading misled: second diff review); an area with a frame or
    a cost of 0 is not compared (0 is the frame of an area the council funds nothing in). An area whose base-year
    net cost is more than AREA_BASE_GAP off its frame is warned too (base_year_gap): a file's staff_ratio 8: 13.9 put
    daily activity 102 % above its frame with every check silent (controller re-walk)."""
    net = _area_net_costs(costs, service_areas)
    low, high = AREA_FRAME_SCALE
    warnings = []
    for area, amount in frame.base.items():
        cost = float(net.get(area, 0.0))
        ratio = amount / cost if amount > 0 and cost > 0 else 1.0
        if low <= ratio <= high:
            if abs(1 / ratio - 1) > AREA_BASE_GAP:  # a slip in the board's own parameters, not in the frame
                warnings.append(Warning_(
                    "base_year_gap", frame_where(resolved, f"frame.base.{area}"),
                    f"the base-year net cost of {area}, {cost:,.0f} SEK, is {1 / ratio - 1:+.0%} against its base frame "
                    f"of {amount:,.0f}: if that is not the deficit or surplus you expect, check the area's parameters "
                    "for a slip (a percentage typed as a share, a decimal point) or units in the wrong area — "
                    f"`resmodel explain <scenario> --year {frame.base_year} --area {area}` shows the services' parts"))
            continue
        hint = ("an amount missing zeros, or another area's? The frame's amounts are in SEK (kronor); it is no amount in "
                "tkr or MSEK either, which would be about a thousandth or a millionth of the cost" if ratio < low
                else "an amount with too many zeros, or another area's? The frame's amounts are in SEK (kronor)")
        warnings.append(Warning_("frame_scale", frame_where(resolved, f"frame.base.{area}"),
                                 f"the base frame of {area}, {amount:,.10g}, is {ratio:.2g} times its base-year net "
                                 f"cost of {cost:,.0f} SEK: {hint}. If the frame is right, the cost is off: an "
                                 "other_services.csv line of the area written in another unit (average_cost, "
                                 "volume), or a slip in its parameters — `resmodel explain <scenario> --year "
                                 f"{frame.base_year} --area {area}` shows the services' parts"))
    return warnings


def build_setup(loaded, result) -> ProjectionSetup:
    """The budget case of a loaded scenario and its base-year engine result. The uncertainty block is checked
    here too, with or without draws: a scenario validate refuses is not projected by another command."""
    resolved = _settings(loaded)
    uncertainty = uncertainty_block(resolved)
    s = resolved.settings
    tree = loaded.tree
    base_year = loaded.scenario.base_date.year
    first, last = base_year + 1, base_year + s.horizon_years
    observed_sick, services = _services_at_observed_sick_leave(loaded, result)
    engine = services.set_index("service")
    other, other_file = read_other_services(Path(loaded.scenario.data))
    costs = unit_costs(services)
    base_volumes: dict[str, float] = {}
    if other is not None:
        averages = other[["service", "volume", "average_cost"]]
        costs = pd.concat([costs, unit_costs_from_averages(averages.reset_index(drop=True), file=other_file)],
                          ignore_index=True)
        base_volumes = dict(zip(other["service"], other["volume"].astype(float), strict=True))
    generic = [sv for sv in costs["service"] if sv not in (SFB, LSS, EXTERNAL)]
    volume_services = sorted([*generic, *[sv for sv in (EXTERNAL, LSS, SFB) if sv in engine.index
                                          and engine.at[sv, "users"] > 0]])
    days = 366 if calendar.isleap(base_year) else 365
    users = loaded.data.users
    lss_cases = float(engine.at[LSS, "users"]) if LSS in engine.index else 0.0
    lss_hours = float(users.loc[users["service"] == LSS, "weekly_hours"].sum()) * days / 7.0
    check_years(resolved, first, last)
    volumes, models, notes = _volumes(loaded, resolved, volume_services, first, last,
                                      lss_hours / lss_cases if lss_cases else 0.0, base_volumes,
                                      engine.loc[engine["users"] > 0, "users"].to_dict(), days, uncertainty)
    notes += places_passed_notes(volumes, _places_today(loaded), set(s.capacity))
    assistance, extrapolated = None, []
    if SFB in engine.index or LSS in engine.index:
        lss_bought = float(engine.at[LSS, "purchase_cost"]) if LSS in engine.index else 0.0  # at providers' prices
        # the own staff's cost in two parts, as every service's (budget.md §1): staff cost follows wages and sick
        # leave, the rest of the net cost less purchases (other cost) follows prices
        lss_staff = float(engine.at[LSS, "staff_cost"]) if LSS in engine.index else 0.0
        lss_other = float(engine.at[LSS, "net_cost"]) - lss_bought - lss_staff if LSS in engine.index else 0.0
        own_hours = float(engine.at[SFB, "total_hours"]) if SFB in engine.index else 0.0
        own_staff = float(engine.at[SFB, "staff_cost"]) if SFB in engine.index else 0.0
        own_other = float(engine.at[SFB, "other_cost"]) if SFB in engine.index else 0.0
        sfb_cases = float(engine.at[SFB, "users"]) if SFB in engine.index else 0.0
        cap = float(loaded.snapshot[SFB_CAP])
        cap_by_month = [float(tree.resolve(SFB_CAP, dt.date(y, m, 1)).value) for y in range(first, last + 1)
                        for m in range(1, 13)]
        if any(c != cap for c in cap_by_month):
            steps = [(i, c) for i, c in enumerate(cap_by_month) if c != (cap_by_month[i - 1] if i else cap)]
            notes.append(f"{SFB_CAP}: the 20-hour rule's municipal hours per week change during the horizon — "
                         f"{cap:g} h at the base date, " + ", ".join(
                             f"{c:g} h from {first + i // 12}-{i % 12 + 1:02d}" for i, c in steps))
        rates = {}
        for y in range(base_year, last + 1):
            try:
                r = tree.resolve(STATE_RATE, dt.date(y, 1, 1))  # one leaf: only its own index must reach y
            except InputError:
                if s.extensions.get("state_rate") is None:
                    raise
                break  # the core extends the rate by the scenario's declared growth (flagged)
            rates[y] = float(r.value)
            extrapolated = list(r.extrapolated_years) or extrapolated
        if extrapolated:
            span = year_spans(tuple(extrapolated))  # a scenario's uplift for 2029 alone breaks the run
            uplift = tree.parameters[tree.parameters[STATE_RATE].indexation]  # the tree carries its last rate
            notes.append(f"{STATE_RATE}: the state rate's yearly uplift ({uplift.path}) has no data for {span}: "
                         f"{percent(float(uplift.values[-1][1]))} a year carried (the index's last rate with extend: last; "
                         "flagged as an assumption)")
        assistance = AssistanceParams(
            lss_hours_per_case=lss_hours / lss_cases if lss_cases else 0.0, hours_base_days=days,
            lss_cost_per_hour=lss_staff / lss_hours if lss_hours else 0.0,
            lss_other_cost_per_hour=lss_other / lss_hours if lss_hours else 0.0,
            lss_purchase_cost_per_hour=lss_bought / lss_hours if lss_hours else 0.0,
            own_provider_cost_per_hour=own_staff / own_hours if own_hours else 0.0,
            own_provider_other_cost_per_hour=own_other / own_hours if own_hours else 0.0,
            sfb_case_hours=tuple(users.loc[users["service"] == SFB, "weekly_hours"].astype(float)),  # capped each
            sfb_cap_hours_per_week=cap, sfb_cap_by_month=tuple(cap_by_month) if any(c != cap for c in cap_by_month)
            else (),
            own_provider_rate_factor=s.own_provider_rate_factor,
            state_rate=pd.Series(rates), state_rate_extension=s.extensions.get("state_rate"),
            lss_service=LSS if LSS in volume_services else None)
        price, rate = (tree.parameters.get(path) for path in (LSS_PRICE, STATE_RATE))
        if lss_bought and price is not None and price.indexation != rate.indexation:
            notes.append(f"{LSS}: bought hours are projected with the state hourly rate's index "
                         f"({rate.indexation}), not {LSS_PRICE}'s own ({price.indexation})")
        if own_hours and sfb_cases and SFB in volumes:
            volumes[OWN] = volumes[SFB] * (own_hours / sfb_cases)
            notes.append(f"{OWN}: the own provider's hours are projected from the SFB cases, at the base year's "
                         f"{own_hours / sfb_cases:,.0f} h per case" + _own_provider_draw(uncertainty))
        if own_hours and s.own_provider_rate_factor != 1.0:  # the engine's base year knows the standard rate only
            extra = own_hours * rates.get(base_year, 0.0) * (s.own_provider_rate_factor - 1.0)
            notes.append(f"projection.own_provider_rate_factor {s.own_provider_rate_factor:g} raises the own provider's "
                         f"compensation from {base_year + 1}; the base year {base_year} (and a frame built on it) is "
                         f"the run's, at the standard rate. If the provider already had the higher rate in "
                         f"{base_year}, its gap there is {extra / 1e6:,.1f} MSEK smaller than shown, and "
                         f"{base_year + 1}'s fall in net cost is that rate, not a saving of the year")
    external = ()
    if EXTERNAL in volume_services:
        places = float(engine.at[EXTERNAL, "users"])
        price = float(engine.at[EXTERNAL, "purchase_cost"] + engine.at[EXTERNAL, "other_cost"]) / (places * days)
        external = (ExternalPlacesParams(service=EXTERNAL, price_per_day=price, existing_places=places,
                                         new_place_premium=s.external.new_place_premium,
                                         turnover=s.external.turnover),)

    held = tuple(models.loc[models["model_used"] == "base volume", "service"])
    planned = planned_volume_from(s, volume_services, first)
    if OWN in volumes and SFB in planned:  # the own provider's hours follow the SFB cases
        planned[OWN] = planned[SFB]
    capacity, shared = capacity_limits(loaded, resolved, volume_services, held, first, last,
                                       dict(zip(models["service"], models["model_used"], strict=True)))
    notes += shared
    years = range(base_year + 1, last + 1)
    ext: dict[str, float] = {}
    growth = {}
    for name, path in INDEX_PATHS.items():
        series, extension = _growth(tree, path, years, s.extensions.get(name))
        growth[name] = series
        if extension is not None:
            ext[name] = extension
    if s.rent_growth is None:  # the price index's data, then a declared rent extension, else the price index's
        growth["rent_growth"] = growth["price_growth"]
        rent_ext = s.extensions.get("rent_growth", ext.get("price_growth"))
    else:
        growth["rent_growth"], rent_ext = s.rent_growth, s.extensions.get("rent_growth")
    if rent_ext is not None:
        ext["rent_growth"] = rent_ext
    sick = sick_leave_by_year(tree, first, last)

    param_file = {n: tree.parameters[p].file for n, p in INDEX_PATHS.items()}
    check_rates_by_year(resolved, first, last)
    for name in RATES_BY_YEAR:
        if name in resolved.set_by:
            param_file[name] = resolved.set_by[name].display
    for a in s.adjustments:
        notes.append(f"one-off {a.service} {a.year}: {a.amount:+,.0f} SEK" + (f" — {a.reason}" if a.reason else ""))
    adjustments = pd.DataFrame([a.model_dump(include={"service", "year", "amount"}) for a in s.adjustments],
                               columns=["service", "year", "amount"])
    inputs = ProjectionInputs(
        scenario=loaded.scenario.name, base_year=base_year, volumes=volumes,
        unit_costs=costs.sort_values("service", ignore_index=True),
        wage_growth=growth["wage_growth"], price_growth=growth["price_growth"], rent_growth=growth["rent_growth"],
        rent_follows_price=s.rent_growth is None, years=s.horizon_years, sick_leave=sick,
        sick_leave_base=observed_sick, adjustments=adjustments,
        level_mix_drift=s.level_mix_drift, assistance=assistance, external=external, extensions=ext,
        capacity=capacity,
        fixed_volume_services=held,
        planned_volume_from=planned,
        sources={**param_file, "volumes": str(Path(loaded.scenario.data) / HISTORY_FILE),
                 "state_rate": tree.parameters[STATE_RATE].file, "sick_leave": tree.parameters[SICK_LEAVE].file,
                 **({"other_services": other_file} if other is not None else {}),
                 **({"capacity": resolved.set_by["capacity"].display} if "capacity" in resolved.set_by else {})},
    )
    data, file, line_of = frame_document(resolved)
    with _frame_errors_located(resolved):
        frame = load_frame(data, file, prefix="frame", line_of=line_of, word_of=frame_words(resolved))
        check_base_year(frame, base_year, file, line_of)
        check_compensated_services(frame, {*volume_services, *([OWN] if SFB in volume_services else [])}, file,
                                   line_of)
    inputs = replace(inputs, sources={**inputs.sources, "frame": file})
    case = BudgetCase(inputs, frame)
    base_net = float(base_net_costs(costs).sum())
    base_frame = float(sum(frame.base.values()))
    _check_frame_scale(base_frame, base_net, file, line_of)
    check_area_frame_units(frame, costs, inputs.service_areas, resolved)
    start = (f"base year {base_year}: frame {base_frame / 1e6:,.1f} MSEK against a net cost of {base_net / 1e6:,.1f} "
             f"MSEK (the engine{' and other_services.csv' if other is not None else ''}), a deviation of {(base_frame - base_net) / 1e6:+,.1f} MSEK "
             "that the projected years start from")
    frame_hash = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    warnings = [*replaced_list_warnings(resolved), *check_frame_growth(frame, file, resolved, last),
                *frame_year_warnings(frame, resolved, last),
                *frame_area_scale_warnings(frame, costs, inputs.service_areas, resolved),
                *dated_changes_not_projected(loaded, last), *implausible_rate_warnings(loaded, resolved, data),
                *adjustment_warnings(resolved, case), *(low_cost_warnings(other, other_file) if other is not None else [])]
    notes += [str(w) for w in warnings]
    return ProjectionSetup(case, resolved, models, tuple(dict.fromkeys([*template_notes(loaded.warnings),
                                                                         *parameter_slip_notes(loaded), start, *notes])),
                           frame_hash, tuple(extrapolated), tuple(warnings))


#: a one-off below this many kronor is taken for a sum in thousands (tkr, as Swedish budgets write them) or millions
ADJUSTMENT_TKR = 10_000
#: and one above this share of its service's net cost is asked about: start-up costs, retroactive payments and notice
#: periods are a few percent of a service's year (a new home's 9 MSEK against daily activity's 321 MSEK is 3 %)
ADJUSTMENT_SHARE = 0.2


def adjustment_warnings(resolved: ResolvedProjection, case: BudgetCase) -> list[Warning_]:
    """A one-off adjustment larger than its service's whole net cost — projected that year without the year's one-offs,
    or in the base year if that is more (a service run down to no cost still takes a notice period's one-off):
    −3 000 000 000 typed for −3 MSEK made the board's 2026 net cost −66.8 MSEK with a note only (economist walk);
    one above ADJUSTMENT_SHARE of its gross cost (500 000 000 for 'furniture 500 000 kr' on adult housing passed);
    and one below
    ADJUSTMENT_TKR SEK, a sum in thousands or millions (−3 000 for −3 000 tkr, 2.4 for 2.4 MSEK). Warned at the
    amount's line."""
    adjustments = resolved.settings.adjustments
    if not adjustments:
        return []
    u = case.inputs.unit_costs.set_index("service")
    base_gross = u["staff_cost"] + u["premises_cost"] + u["other_cost"]
    base_net = base_gross - u["revenue"]
    y = run_budget(case).yearly
    y = y.assign(period=y["period"].astype(str))
    by_service = y[(y["service"] != TOTAL) & y["measure"].isin(["net_cost", "adjustment", "revenue"])].pivot_table(
        index=["service", "period"], columns="measure", values="value", aggfunc="sum", fill_value=0.0)
    board = y[(y["service"] == TOTAL) & (y["area"] == TOTAL) & (y["measure"] == "net_cost")].set_index("period")["value"]
    warnings = []
    for i, a in enumerate(adjustments):
        year = str(a.year)
        net, one_offs = by_service.loc[(a.service, year), ["net_cost", "adjustment"]]
        without = net - one_offs
        where = resolved.location(f"adjustments[{i}].amount")
        if 0 < abs(a.amount) < ADJUSTMENT_TKR:
            readings = [f"{a.amount:g} tkr is {a.amount * 1e3:.0f}"] + (
                [f"{a.amount:g} MSEK is {a.amount * 1e6:.0f}"] if abs(a.amount) < 1000 else [])
            warnings.append(Warning_("adjustment_implausible", where, f"the one-off {a.amount:g} SEK for {a.service} "
                                     f"in {a.year} is less than {ADJUSTMENT_TKR:,} kronor: amounts are SEK, not "
                                     f"thousands or millions — {', '.join(readings)}; write the kronor meant"))
            continue
        if abs(a.amount) > max(without, float(base_net.get(a.service, 0.0))):
            warnings.append(Warning_(
                "adjustment_implausible", where,
                f"the one-off {a.amount:+,.0f} SEK for {a.service} in {a.year} is larger than the service's whole "
                f"projected net cost that year ({without:,.0f} SEK without one-offs): it makes the service's net cost "
                f"{net:,.0f} SEK and the board's {board[year]:,.0f} SEK. Amounts are SEK, not thousands or millions "
                "(−3 MSEK is -3000000): a slip of the unit or of the zeros?"))
            continue
        # against the gross cost: the own provider's net is only its financing gap (an FK payment of 3 MSEK was 24 %)
        gross = without + float(by_service.loc[(a.service, year), "revenue"])
        size, which = max((gross, f"its projected gross cost in {a.year}, without one-offs"),
                          (float(base_gross.get(a.service, 0.0)), f"its gross cost in {case.inputs.base_year}"))
        if abs(a.amount) > ADJUSTMENT_SHARE * size:
            warnings.append(Warning_(
                "adjustment_implausible", where,
                f"the one-off {a.amount:+,.0f} SEK for {a.service} in {a.year} is {abs(a.amount) / size:.0%} of the "
                f"service's cost ({size:,.0f} SEK, {which}; a one-off rarely passes {ADJUSTMENT_SHARE:.0%}): check "
                "the zeros — amounts are SEK, 500 000 is written 500000"))
    return warnings


def frame_where(resolved: ResolvedProjection, path: str) -> Location:
    """Where ``frame.<key>`` was set (``frame_location``), with its whole YAML path, projection.frame.<key>, when
    a scenario file's inline frame sets it (a frame file's own path, frame.<key>, is right as it is)."""
    where = frame_location(resolved, path)
    inline = {src.display for src in resolved.chain if isinstance(src.doc.data, dict)
              and isinstance(src.doc.data.get("projection"), dict)
              and isinstance(src.doc.data["projection"].get("frame"), dict)}
    return replace(where, path=f"projection.{where.path}") if where.file in inline and where.path else where


@contextmanager
def _frame_errors_located(resolved: ResolvedProjection):
    """Frame problems located at the file and line that set their key (an inline frame merges over the
    one it extends, so the last file that changed the frame need not hold the key)."""
    try:
        yield
    except InputError as exc:
        raise InputError([replace(p, location=frame_where(resolved, p.location.path))
                          if (p.location.path or "").startswith("frame") else p for p in exc.problems]) from None


def projection_manifest(run_manifest: Mapping, setup: ProjectionSetup, **extra) -> dict:
    """What a projection rests on, for its manifest.json and Manifest sheet: the base-year run's manifest
    (version, scenario, parameter and data hashes) with the frame's hash, the projected years and each
    service's volume model; ``extra`` adds what the command adds (Monte Carlo draws and seed, a year)."""
    from resmodel.budget.projection import prepare
    from resmodel.io.manifest import file_record

    inputs = setup.case.inputs
    plans = [c.service for c in inputs.capacity if setup.settings.settings.capacity[c.service].plan is not None]
    base_year_only = {"warnings", "index_extrapolations"}  # the run's: of the base-year snapshot and data
    extrapolated = {**prepare(inputs).extrapolated,
                    **({"state_rate": setup.state_rate_extrapolated} if setup.state_rate_extrapolated else {})}
    return {**{k: v for k, v in run_manifest.items() if k != "allocation_key" and k not in base_year_only},
            **{f"base_year_{k}": run_manifest[k] for k in sorted(base_year_only) if k in run_manifest},
            "index_extrapolations": {name: f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
                                     for name, years in sorted(extrapolated.items()) if years},
            "frame_hash": setup.frame_hash,
            "projection_warnings": [str(w) for w in setup.warnings],
            **({"premises_plans": {service: file_record(plan_path(setup.settings, service)) for service in plans}}
               if plans else {}),
            **({"volume_forecast": file_record(forecast_file_path(setup.settings))}
               if setup.settings.settings.volume_forecast is not None else {}),
            "projected_years": f"{inputs.base_year + 1}–{inputs.base_year + inputs.years}",
            "volume_models": dict(zip(setup.volume_models["service"], setup.volume_models["model_used"],
                                      strict=True)),
            **extra}


def parameter_slip_notes(loaded) -> list[str]:
    """The parameter warnings of SLIP_CHECKS, each as the run states it."""
    return [str(w) for w in loaded.warnings if w.check in SLIP_CHECKS]


def uncertainty_block(s: ResolvedProjection):
    """The ``projection.uncertainty`` block validated as a Monte Carlo spec (errors located at the
    file and line that set it), or None when the scenario declares none."""
    from resmodel.budget import montecarlo

    if s.settings.uncertainty is None:
        return None
    try:
        return montecarlo.load_uncertainty(s.settings.uncertainty, prefix="projection.uncertainty")
    except InputError as exc:  # the block merges over 'extends': each problem at the file that set its key
        raise InputError([replace(p, location=s.location(p.location.path.removeprefix("projection.")))
                          for p in exc.problems]) from None


def uncertainty_spec(setup: ProjectionSetup):
    """The scenario's Monte Carlo spec; a located error when the scenario declares none."""
    spec = uncertainty_block(setup.settings)
    if spec is None:
        raise InputError.at(setup.settings.location(""), "Monte Carlo draws need distributions on drivers",
                            "an 'uncertainty:' block under 'projection:' (docs/budget.md §4)",
                            "add one, or run without --draws")
    return spec


def build_case(loaded, result) -> BudgetCase:
    return build_setup(loaded, result).case


def run_setup(setup: ProjectionSetup) -> BudgetResult:
    out = run_budget(setup.case)
    return replace(out, notes=tuple(dict.fromkeys([*out.notes, *setup.notes, *capacity_notes(setup, out)])))


def rent_growth_in(setup: ProjectionSetup, year: int) -> str:
    """The rent growth premises costs follow in a projected year, and where it is set (explain's indices):
    projection.rent_growth, a declared extension of it, or the price index when it is not set."""
    from resmodel.budget.projection import prepare

    prepared = prepare(setup.case.inputs)
    rate = float(prepared.rent_growth[year - setup.case.inputs.base_year - 1])
    resolved, given = setup.settings, setup.case.inputs.rent_growth
    if isinstance(given, Mapping) and year not in given and "rent_growth" in resolved.settings.extensions:
        where = f"{resolved.location('extensions.rent_growth')} (declared extension)"
    elif resolved.settings.rent_growth is not None:
        where = str(resolved.location("rent_growth"))
    elif year in given:
        where = "not set: the price index, indices.price_growth"
    elif "price_growth" in resolved.settings.extensions:
        where = f"not set: the price index's declared extension, {resolved.location('extensions.price_growth')}"
    else:
        where = "not set: the price index, indices.price_growth, carried forward"
    return f"projection.rent_growth = {rate:.10g} share per year in {year} (premises costs, a plan's rents; {where})"


def project(loaded, result) -> BudgetResult:
    """Projection, frame and deviation of a loaded scenario (see module docstring)."""
    return run_setup(build_setup(loaded, result))


def yearly_by_area(result: BudgetResult) -> pd.DataFrame:
    """year, area, net_cost, frame, deviation — area totals and the board total (report order)."""
    y = result.yearly
    t = y[(y["service"] == "total") & y["measure"].isin(["net_cost", "frame", "deviation"])]
    wide = t.pivot_table(index=["period", "area"], columns="measure", values="value", sort=False).reset_index()
    wide.columns.name = None
    wide = wide.rename(columns={"period": "year"})
    return wide[["year", "area", "net_cost", "frame", "deviation"]].reset_index(drop=True)


def base_net_costs(costs: pd.DataFrame) -> pd.Series:
    """Each service's base-year net cost (staff, premises and other costs less revenue) from the unit costs
    the projection starts from — the note's base-year net cost and the base-year rows both use it."""
    net = costs["staff_cost"] + costs["premises_cost"] + costs["other_cost"] - costs["revenue"]
    return pd.Series(net.to_numpy(), index=costs["service"].to_numpy())


def base_year_by_area(setup: ProjectionSetup, result: BudgetResult) -> pd.DataFrame:
    """The base year in the columns of ``yearly_by_area``: each area's net cost as the base-year run and
    other_services.csv give it (the unit costs the projection starts from), its frame and the deviation
    — the balance the projected years start from, so that a reader sees the step into the first year."""
    y = result.yearly
    area_of = dict(zip(y["service"], y["area"], strict=False))
    by_service = base_net_costs(setup.case.inputs.unit_costs)
    areas = list(dict.fromkeys(a for a in y.loc[y["service"] == TOTAL, "area"] if a != TOTAL))
    net_cost = by_service.groupby(by_service.index.map(area_of)).sum().reindex(areas, fill_value=0.0)
    frame = pd.Series(setup.case.frame.base).reindex(areas, fill_value=0.0)
    table = pd.DataFrame({"year": setup.case.inputs.base_year, "area": areas, "net_cost": net_cost.to_numpy(),
                          "frame": frame.to_numpy()})
    table.loc[len(table)] = [setup.case.inputs.base_year, TOTAL, table["net_cost"].sum(), table["frame"].sum()]
    table["deviation"] = table["frame"] - table["net_cost"]
    return table


#: the projection settings table's columns (Swedish with an English gloss, as the parameter changes')
SETTING_COLUMNS = ["inställning (setting)", "värde (value)", "källa (source)"]


def _compact(value) -> str:
    """A setting's value as one line of YAML flow style: {daglig_verksamhet: 0.019}, [..], 0.025."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_compact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_compact(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def projection_settings(setup: ProjectionSetup) -> pd.DataFrame:
    """The projection block's settings as the scenario chain wrote them (merged, later files winning), one row per
    key with its file and line, and the composed frame's rules — its indexation and one row per demographic,
    volume-compensation, expansion and supplement entry — that the projection applies: what a level-mix drift, a
    fixed frame uppräkning or a volume change of this scenario is, for a reader of its results; a child's inline
    frame alone hid that its one rule had replaced the frame file's five (economist walkthroughs)."""
    resolved = setup.settings
    merged: dict = {}
    for src in resolved.chain:
        block = src.doc.data.get("projection") if isinstance(src.doc.data, dict) else None
        if isinstance(block, dict):
            merged = merge(merged, block)
    rows = [(f"projection.{key}", _compact(value), str(resolved.location(key))) for key, value in merged.items()
            if value is not None]
    frame, _, _ = frame_document(resolved)
    if isinstance(frame.get("indexation"), dict):
        where = frame_where(resolved, "frame.indexation")
        rows.append(("frame.indexation", _compact(frame["indexation"]), str(where)))
    for key in (k.removeprefix("frame.") for k in REPLACED_LISTS if k.startswith("frame.")):
        rows += [(f"frame.{key}[{i}]", _compact(entry), str(frame_where(resolved, f"frame.{key}[{i}]")))
                 for i, entry in enumerate(frame.get(key) or [])]
    return pd.DataFrame(rows, columns=SETTING_COLUMNS)


def shown_volume_models(setup: ProjectionSetup) -> pd.DataFrame:
    """service, model_used as the reports show them: the scenario's volume_changes and volume_growth on top of a
    model are named, so a line labelled 'drift' is not read as drift alone (economist walk: external places)."""
    s = setup.settings.settings
    changed = {c.service for c in s.volume_changes}

    def growth(sv: str) -> str:  # a stated volume is a plan: growth moves only the months before it, if any
        if sv not in s.volume_growth:
            return ""
        stated = s.volumes.get(sv)
        if stated is None:
            return f" + volume_growth {s.volume_growth[sv]:g}"
        return f" + volume_growth {s.volume_growth[sv]:g} before {min(stated)}" if isinstance(stated, dict) else ""

    shown = setup.volume_models.copy()
    shown["model_used"] = [model + growth(sv) + (" + volume_changes" if sv in changed else "")
                           for sv, model in zip(shown["service"], shown["model_used"], strict=True)]
    return shown


SFB_CAP_LABEL = ("Kommunens timmar per vecka — municipal hours a week per SFB case (the 20-hour rule's cap, the "
                 "year's average over its days)")


def sfb_cap_by_year(assistance: AssistanceParams, horizon) -> np.ndarray:
    """The 20-hour rule's cap in force each projected year, averaged over the year's days as the cost weighs its
    months: 25 h from 2026-01 was computed but shown in no assumption row (economist re-walk 2, finding 4)."""
    months = len(horizon.months)
    caps = np.asarray(assistance.sfb_cap_by_month or (assistance.sfb_cap_hours_per_week,) * months, dtype=float)
    return (caps * horizon.month_weights).reshape(horizon.years, 12).sum(axis=1)


def assumptions(setup: ProjectionSetup, result: BudgetResult,
                volume_units: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The assumptions behind a projection, for a reader of its summary: the yearly index rates, the state
    hourly rate, the sick-leave rate and each service's volume (average per month) with the model behind
    it — for a service with places its demand, places, users above them and volume served — in every
    projected year (a scenario's one-year change, a 2026 wage agreement, must show). Volumes are in the long
    sheets' units (``measure_unit``; ``volume_units``: other_services.csv's), 'brukare, medel per månad' and so on,
    not a bare 'per månad' (economist walkthrough)."""
    from resmodel.report import measure_unit

    p = prepare_case(setup.case).projection
    years = [int(y) for y in p.horizon.year_list]
    growth_at = {y: y - setup.case.inputs.base_year - 1 for y in years}  # growth arrays start after the base year
    rows = [("Löneökning — wage growth", "% per år", [100 * p.wage_growth[growth_at[y]] for y in years]),
            ("Prisökning — price growth", "% per år", [100 * p.price_growth[growth_at[y]] for y in years]),
            ("Hyresökning — rent growth", "% per år", [100 * p.rent_growth[growth_at[y]] for y in years]),
            ("Sjukfrånvaro — sick leave", "%", [100 * v for v in p.sick[:len(years)]])]
    if p.state_rate.any():
        rows.append(("Schablonbelopp — state hourly rate", "SEK/h", list(p.state_rate[:len(years)])))
    if "sfb" in p.rule:
        rows.append((SFB_CAP_LABEL, "timmar/vecka", list(sfb_cap_by_year(setup.case.inputs.assistance, p.horizon))))
    y = result.yearly
    y = y[y["service"] != TOTAL]

    def by_year(service: str, measure: str) -> list[float]:
        sel = y[(y["service"] == service) & (y["measure"] == measure)]
        return [float(v) for v in sel.set_index(sel["period"].astype(int))["value"].reindex(years)]

    held = set(setup.volume_models.loc[setup.volume_models["model_used"] == "base volume", "service"])
    shown = shown_volume_models(setup)
    models = dict(zip(shown["service"], shown["model_used"], strict=True))
    limits = {c.service: c for c in setup.case.inputs.capacity}
    takers = {c.overflow: c.service for c in limits.values() if c.overflow is not None}
    for service in sorted(y.loc[y["measure"] == "volume", "service"].unique()):
        if service in held:  # held constant (the notes say so); lumps have a volume of 1
            continue
        unit = measure_unit("volume", service, volume_units)
        model = models.get(service, "follows SFB cases")
        if service in limits:  # the forecast is the demand; the places cap what is served
            limit = limits[service]
            where = "väntar — waiting" if limit.overflow is None else f"till {limit.overflow}"
            rows += [(f"Efterfrågan {service} ({model}) — demand", unit, by_year(service, "demand")),
                     (f"Platser {service} — places", measure_unit("places", service), by_year(service, "places")),
                     (f"Över platserna {service} ({where}) — above the places", unit,
                      by_year(service, "over_capacity")),
                     (f"Volym {service} — served within the places", unit, by_year(service, "volume"))]
            if limit.premises:
                rows += [(f"I lokalplanens lokaler {service} — users in the plan's premises", unit,
                          by_year(service, "plan_users")),
                         (f"Lokalplanens hyra {service} — the plan's premises' rent (in premises cost)",
                          "MSEK per år", [v / 1e6 for v in by_year(service, "plan_rent")]),
                         (f"Lokalplanens engångskostnader {service} — one-off costs (in adjustment)", "MSEK",
                          [v / 1e6 for v in by_year(service, "plan_one_off")])]
        elif service in takers:
            rows.append((f"Volym {service} ({model}, and from {takers[service]} above its places)", unit,
                         by_year(service, "volume")))
        else:
            rows.append((f"Volym {service} ({model})", unit, by_year(service, "volume")))
    return pd.DataFrame([{"antagande": label, "enhet": unit,  # 12 digits: 100 × 0.074 shows as 7.4, not 7.399…
                          **{str(yr): float(f"{v:.12g}") for yr, v in zip(years, values, strict=True)}}
                         for label, unit, values in rows])
