"""The data folder's monthly volume history and the model inputs beside it: read with file-and-row errors,
asked for only when a projected service needs it, and compared with users.csv (history_vs_users), since every
forecast starts from it and is costed per user."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, Warning_
from resmodel.projection_run.names import FLOWS_FILE, HISTORY_FILE, POPULATION_FILE, USERS_FILE
from resmodel.scenario.projection import ResolvedProjection

# history_vs_users: users.csv is the stock on one day of the base year, the history's months are
# average stocks, so the users' count should lie within the base year's monthly range (the demo
# generator ends that range exactly on the users' stock in December). The range already absorbs a
# snapshot taken in any month; the margin — 25 % and at least one user beyond it — covers a day
# against a month's average and services of a few users, and still catches every scale slip
# (×2 double counting, ×10, months or days instead of users). docs/projection.md, "Volume history".
SCALE_MARGIN, SCALE_SLACK = 0.25, 1.0


def history_display(loaded) -> str:
    """The volume history's path as error messages show it."""
    from resmodel.io.scenario import display_path

    return display_path(Path(loaded.scenario.data) / HISTORY_FILE)


def volume_history(loaded, needed_by: Sequence[str] = ()) -> pd.DataFrame:
    """The data folder's monthly volume history (month, service, level, volume), validated with
    file-and-row errors; a located error, naming ``needed_by``, when the file is missing."""
    from resmodel.io.series import read_volume_history

    path = Path(loaded.scenario.data) / HISTORY_FILE
    display = history_display(loaded)
    if not path.is_file():
        which = f" of {', '.join(needed_by)}" if needed_by else ""
        raise InputError.at(Location(file=display), f"no volume history for the projection{which}",
                            f"a {HISTORY_FILE} (month, service, level, volume) in the data folder",
                            "add the monthly volume history (docs/forecasting.md)"
                            + (", or give these services a fixed volume in projection.volumes" if needed_by else ""))
    return read_volume_history(path, display)


def _needs_history(settings, services, base_volumes: Mapping[str, float]) -> list[str]:
    """The projected services whose volume must come from the history: not fixed in
    ``projection.volumes`` (or given a model there) and without a base volume of other_services.csv."""
    return [sv for sv in services if isinstance(settings.volumes.get(sv), str)
            or (sv not in settings.volumes and sv not in base_volumes)]


def history_for(loaded, resolved: ResolvedProjection, services, base_volumes: Mapping[str, float]
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


def history_end(history: pd.DataFrame, first: int, source: str) -> pd.Period:
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


def model_inputs(loaded, resolved: ResolvedProjection, models: Mapping[str, str], base_year: int) -> dict:
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
