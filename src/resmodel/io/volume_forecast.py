"""A volume forecast as ``resmodel forecast`` writes it (``volume_forecast.csv``), read back for the budget
projection (``projection.volume_forecast``): each service's monthly volume over the projected months, the
model behind it, and the history it was made from (from the ``manifest.json`` beside it)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from resmodel.errors import InputError, Location, did_you_mean, shown
from resmodel.io.manifest import command_options
from resmodel.io.scenario import display_path


@dataclass(frozen=True)
class VolumeForecastFile:
    """The services of a volume forecast: monthly volumes (levels summed, column ``volume``; index = the
    projected months YYYY-MM), the model each was forecast with, and notes on how the file was made."""

    volumes: pd.DataFrame        # months × services
    models: dict[str, str]       # service → model_used in the file ("?" when the file has no such column)
    notes: tuple[str, ...]
    levels: dict[str, tuple[int, ...]] = field(default_factory=dict)  # service → its levels in the file (none: totals)


def read_volume_forecast(path: Path, projected: list[str], months: list[str],
                         history: Path | None = None) -> VolumeForecastFile:
    """The services of the forecast at ``path`` over ``months`` (YYYY-MM). Every service in the file must be
    one the scenario projects (``projected``) and run over every projected month; errors are located at the
    file's row (or service). ``history`` is the scenario's volume history: a forecast made from another
    history (its manifest's hash) gets a note, as does one without a readable manifest."""
    from resmodel.forecast.demand import demand_from_table
    from resmodel.io.series import read_demand_table

    display = display_path(path)
    table = read_demand_table(path, display)
    columns = {str(c) for c in table.columns}
    if {"year", "months"} <= columns:
        raise InputError.at(Location(display, row=1), "this is the forecast's yearly table, not its months",
                            "the volume_forecast.csv resmodel forecast writes (month, service, level, volume, …)",
                            "point projection.volume_forecast at volume_forecast.csv in the same folder")
    for column in ("month", "service", "volume"):
        if column not in columns:
            raise InputError.at(Location(display, row=1, column=column), f"required column '{column}' is missing",
                                "the volume_forecast.csv resmodel forecast writes (month, service, level, volume, …)",
                                did_you_mean(column, sorted(columns)) + "point projection.volume_forecast at "
                                "volume_forecast.csv (resmodel forecast --series <volume history> writes it)")
    if table.empty:
        raise InputError.at(Location(display, row=2), "the file has a header but no rows", "a forecast over every "
                            "projected month (resmodel forecast writes one)", "make the forecast again, or remove "
                            "projection.volume_forecast")
    names = table["service"].astype("string").fillna("").str.strip()
    for service in dict.fromkeys(n for n in names if n and n not in projected):
        idx = int(table.index[names.eq(service).to_numpy()][0])
        raise InputError.at(Location(display, row=idx, column="service"), f"service '{shown(service)}' is not "
                            "one this scenario projects", "the services of the board's volume history or "
                            f"other_services.csv: {', '.join(projected)}",
                            did_you_mean(service, projected) + "forecast the board's own volume history, or remove "
                            "the service's rows")
    services = sorted(n for n in set(names) if n)
    volumes, models, levels, starts = pd.DataFrame(index=months), {}, {}, []
    for service in services:
        monthly = demand_from_table(table, service, display)
        starts.append(monthly.index[0])
        uncovered = _not_covered(service, monthly.index[0], monthly.index[-1], months)
        if uncovered:
            raise InputError.at(Location(display, path=service), uncovered[0], "a forecast over every projected "
                                "month", uncovered[1])
        volumes[service] = monthly.reindex(pd.DatetimeIndex([f"{m}-01" for m in months])).to_numpy()
        rows = table[names.eq(service).to_numpy()]
        used = (rows["model_used"].astype("string").dropna().str.strip() if "model_used" in table.columns
                else pd.Series(dtype="string"))
        used = list(dict.fromkeys(u for u in used if u))
        models[service] = ", ".join(used) if used else "not stated (no model_used)"
        level = pd.to_numeric(rows["level"], errors="coerce").dropna() if "level" in table.columns else []
        levels[service] = tuple(sorted({int(v) for v in level}))
    return VolumeForecastFile(volumes, models, tuple(_origin_notes(path, display, history, min(starts), months[0])),
                              levels)


def _not_covered(service: str, start: pd.Timestamp, end: pd.Timestamp, months: list[str]) -> tuple[str, str] | None:
    """What is wrong, and the fix, when a service's forecast from ``start`` to ``end`` does not cover the
    projected ``months``; None when it does."""
    first, last = pd.Timestamp(f"{months[0]}-01"), pd.Timestamp(f"{months[-1]}-01")
    ran = f"the forecast of {service} runs {start:%Y-%m} – {end:%Y-%m}"
    needs = f"the projection needs every month {months[0]} – {months[-1]}"
    if end < first:
        return (f"{ran}, all before the first projected month: it forecasts no projected year (is it the volume "
                "history?)", "point projection.volume_forecast at the volume_forecast.csv resmodel forecast writes")
    if start > first:
        return (f"{ran}, starting after the first projected month; {needs}", "forecast from a history that ends in "
                f"{first - pd.DateOffset(months=1):%Y-%m} (resmodel forecast --series …)")
    if end < last:
        horizon = (last.year - start.year) * 12 + last.month - start.month + 1
        return (f"{ran}; {needs}", f"forecast again with a horizon that reaches {months[-1]}: resmodel forecast "
                f"--series … --h {horizon} (or more)")
    return None


def _origin_notes(path: Path, display: str, history: Path | None, start: pd.Timestamp, first: str) -> list[str]:
    """How the forecast was made, from its manifest: a note when that cannot be told or when it was made
    from another volume history than the scenario's — saying how the two differ: the history now has actuals
    for months the forecast forecasts, it was revised over the same months, or it is shorter (cut on purpose)."""
    options, reason = command_options(path, "forecast")
    if options is None:
        why = reason or f"no manifest.json beside '{display}'"
        return [f"projection.volume_forecast: {why}, so which history the forecast was made from cannot be checked"]
    series = options.get("series")
    sha = series.get("sha256") if isinstance(series, dict) else None
    if history is None or not history.is_file():
        return []
    if not isinstance(sha, str):
        return [f"projection.volume_forecast: the manifest beside '{display}' names no history file's sha256, so "
                "which history the forecast was made from cannot be checked"]
    if hashlib.sha256(history.read_bytes()).hexdigest() == sha:
        return []
    from resmodel.io.series import read_volume_history

    made_from = (start - pd.DateOffset(months=1)).strftime("%Y-%m")  # the forecast starts after its history
    last = read_volume_history(history, display_path(history))["month"].max().strftime("%Y-%m")
    head = (f"projection.volume_forecast: '{display}' was made from another volume history than this scenario's "
            f"'{display_path(history)}' (its manifest's sha256 differs): ")
    if last >= first:  # actuals of projected months the file forecasts
        return [head + f"the history now has actuals to {last}, and the file forecasts from {start:%Y-%m}: its "
                f"months {first}–{last} stand in for actuals — make the forecast again from the current history"]
    if last > made_from:
        return [head + f"the forecast was made from the history up to {made_from}, which now runs to {last}: as "
                f"expected from a history cut on purpose (e.g. in the autumn); the projection takes the file's "
                f"months from {first} on"]
    if last == made_from:
        return [head + f"both end in {last}, so the history was revised since the forecast was made — make the "
                "forecast again unless the forecast's history was changed on purpose"]
    return [head + f"the history ends in {last}, before the forecast's {made_from}: the forecast was made from a "
            "longer history (expected when this scenario's history was cut on purpose)"]
