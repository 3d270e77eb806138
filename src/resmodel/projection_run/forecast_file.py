"""The volume forecast a scenario may give instead of forecasting in the run
(projection.volume_forecast): read over the projected months, checked against the history's levels and the
base-year volumes' scale, with notes on which services take their volumes from it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector
from resmodel.projection_run.history import SCALE_MARGIN, SCALE_SLACK, scale_band
from resmodel.projection_run.names import HISTORY_FILE, USERS_FILE
from resmodel.projection_run.paths import check_table_path, forecast_file_path
from resmodel.scenario.projection import ResolvedProjection


def read_forecast_file(loaded, resolved: ResolvedProjection, services: list[str], months: list[str],
                       notes: list[str], history: pd.DataFrame | None, base_year_volumes: Mapping[str, float]):
    """The volume forecast a scenario gives (``projection.volume_forecast``) over the projected ``months``,
    or None; the path is checked at the scenario key, the file at its rows; notes say which services take
    their volumes from it, which keep the volumes 'volumes' gives them, and how the file was made; its scale is
    checked against ``base_year_volumes`` (service_base_volumes)."""
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
    check_table_path(resolved, "volume_forecast", s.volume_forecast, path, "volume_forecast.csv",
                      "resmodel forecast wrote (docs/forecasting.md)",
                      "make the forecast first: resmodel forecast --series <volume history>", "forecast file")
    given = read_volume_forecast(path, services, months, Path(loaded.scenario.data) / HISTORY_FILE)
    display = display_path(path)
    used = [sv for sv in given.volumes.columns if sv not in s.volumes]  # the others keep what 'volumes' gives
    _check_forecast_levels(given, history, display, used)
    given = replace(given, notes=given.notes + tuple(_forecast_scale_notes(loaded, given, display, used, base_year_volumes,
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


#: a forecast file's first month this many times (or this fraction of) the base-year volume, and at least
#: OTHER_UNIT_SLACK apart, counts something else (hours, days, SEK): refused, as no board means it
OTHER_UNIT_FACTOR, OTHER_UNIT_SLACK = 20.0, 20.0


def _forecast_scale_notes(loaded, given, display: str, used: list[str], base_year_volumes: Mapping[str, float],
                          where: Location | None = None) -> list[str]:
    """A note for each service whose first forecast month lies far from its base-year volume — the users of
    users.csv, or the volume of other_services.csv (a lump line has 1) — by the history_vs_users margin:
    the file is costed per unit of that volume, so a file on another scale scales the cost. One
    OTHER_UNIT_FACTOR off or more counts another unit and is refused (at ``where``)."""
    base = base_year_volumes
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
