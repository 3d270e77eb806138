"""The one function the budget projection calls: monthly volumes per service and level.

    result = forecast_volumes(history, spec={"personlig_assistans_sfb": "ets",
                                             "externa_platser": 130,
                                             "bostad_barn": {2025: 16, 2026: 18}},
                              horizon_months=120)
    result.table   # service, level, month, volume, volume_lo_80, volume_hi_80,
                   # volume_lo_95, volume_hi_95, model_used
    result.warnings

Each service total is forecast with the model named in ``spec`` (default ``auto``: the mean of
ETS, ARIMA and Theta with calibrated intervals, ``forecaster.default_model``), or set to the
given volumes (a number for every month, or a volume per year; ``model_used`` = ``override``). Services with levels are split by level shares:
the recent mix, or — when a flows table is given — the mix projected by the stock–flow model,
which drifts towards the mix of the inflows."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Real

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, Warning_, did_you_mean
from resmodel.forecast.anomalies import suspicious_warnings
from resmodel.forecast.demand import need_levels
from resmodel.forecast.forecaster import Forecaster, check_horizon_end, make_model
from resmodel.forecast.frame import (
    DS,
    FIRST_YEAR,
    ID,
    LAST_YEAR,
    MONTHLY,
    Y,
    future_dates,
    month_number,
    validate_long,
)
from resmodel.forecast.models import demographic_driver, monthly_driver
from resmodel.forecast.stockflow import (
    DEFAULT_EXIT_AGE,
    FlowParams,
    balance_path,
    estimate_flow_params,
    last_complete_year,
    project_level_mix,
)
from resmodel.limits import MAX_VOLUME

#: services whose users leave at the exit age (daily activity, F0401): the users' ages drive their age exit
AGE_EXIT_SERVICES = ("daglig_verksamhet",)

DRIVER = "population"
OUTPUT_COLUMNS = ("service", "level", "month", "volume", "volume_lo_80", "volume_hi_80", "volume_lo_95",
                  "volume_hi_95", "model_used")

SpecValue = str | float | int | Mapping[int | str, float]


@dataclass
class VolumeForecast:
    """Forecast volumes (see ``OUTPUT_COLUMNS``), the data-quality warnings of the run and, per service with
    levels, how its total was split: ``"stockflow"`` (the projected mix) or ``"last_twelve_months"`` (kept)."""

    table: pd.DataFrame
    warnings: list[Warning_] = field(default_factory=list)
    level_mix: dict[str, str] = field(default_factory=dict)


YEARLY_COLUMNS = ("service", "level", "year", "months", "volume", "volume_lo_80", "volume_hi_80", "volume_lo_95",
                  "volume_hi_95", "model_used")


def yearly_volumes(table: pd.DataFrame) -> pd.DataFrame:
    """Average volume per month by year (*i snitt per månad*) of a forecast table, per service and level and
    for the service (``level`` "total"): over the forecast months in the year (``months``: fewer than 12 in
    a year the forecast starts or ends in), weighted by their days as the projection weighs them. The
    bounds are the averages of the monthly bounds (the level split keeps them additive): wider than an 80 %
    interval of the year's average, whose months' errors are not perfectly correlated (methods audit: 85.9 %
    coverage for the first year of a random walk; the gap narrows in later years)."""
    value_columns = [c for c in OUTPUT_COLUMNS if c.startswith("volume")]
    months = pd.to_datetime(table["month"])
    days = months.dt.days_in_month.astype(float)
    rows = table.assign(level=table["level"].astype("Int64").astype("string").fillna("total"),
                        year=months.dt.year, days=days)
    whole = rows.groupby(["service", "month", "year"], as_index=False).agg(
        {**dict.fromkeys(value_columns, "sum"), "days": "first", "model_used": "first"}).assign(level="total")
    both = pd.concat([rows[rows["level"] != "total"], whole], ignore_index=True)
    both[value_columns] = both[value_columns].mul(both["days"], axis=0)
    out = both.groupby(["service", "level", "year"], as_index=False, sort=False).agg(
        {**dict.fromkeys(value_columns, "sum"), "days": "sum", "month": "nunique", "model_used": "first"})
    out[value_columns] = out[value_columns].div(out["days"], axis=0)
    out = out.rename(columns={"month": "months"})
    out["level"] = pd.Categorical(out["level"], sorted(set(out["level"]) - {"total"}, key=int) + ["total"])
    return out.sort_values(["service", "level", "year"], ignore_index=True)[list(YEARLY_COLUMNS)].astype(
        {"level": str})


#: an age band's label, 'lo-hi' or 'lo+', and the age an open band ('80+') reaches
_AGE_BAND = re.compile(r"\s*(\d+)\s*(?:-\s*(\d+)|\+)\s*")
OPEN_BAND_END = 200


def band_bounds(band) -> tuple[int, int] | None:
    """Age band label 'lo-hi' or 'lo+' → inclusive (lo, hi); None when it is not a band (or hi is below lo) — one
    reading for the population reader's checks and the demographic driver (code review: they were written apart)."""
    m = _AGE_BAND.fullmatch("" if pd.isna(band) else str(band))
    if m is None:
        return None
    lo, hi = int(m.group(1)), int(m.group(2)) if m.group(2) else OPEN_BAND_END
    return (lo, hi) if hi >= lo else None


def parse_band(band: str) -> tuple[int, int]:
    """Age band label 'lo-hi' or 'lo+' → inclusive (lo, hi); a located error when it is not one."""
    bounds = band_bounds(band)
    if bounds is None:
        raise InputError.at(Location(path=f"age_band '{band}'"), f"age band '{band}' is not understood",
                            "an age band written as 20-29 or 80+", "rename the age band")
    return bounds


def age_shares_from_users(users: pd.DataFrame, bands: list[str], base_year: int) -> pd.DataFrame:
    """Share of each service's users per population age band by their age in ``base_year`` (from birth years).

    Columns: service, age_band, users (how many), share (of the service's users in some band), year
    (``base_year``: the population year the demographic driver divides by, so that share / population is a
    prevalence). A row with no age_band counts the users in no band of the population (share 0): the
    demographic model leaves them out, and ``demographic_drivers`` says so (statistician review, 2026-12-07)."""
    bounds = [(b, *parse_band(b)) for b in bands]
    age = base_year - users["birth_year"].astype(int)
    band = pd.Series(pd.NA, index=users.index, dtype="object")
    for name, lo, hi in bounds:
        band[(age >= lo) & (age <= hi)] = name
    counts = (pd.DataFrame({"service": users["service"], "age_band": band}).value_counts(dropna=False)
              .rename("users").reset_index())
    within = counts["users"].where(counts["age_band"].notna(), 0)
    share = (within / within.groupby(counts["service"]).transform("sum")).fillna(0.0)
    return (counts.assign(share=share, year=int(base_year))
            .sort_values(["service", "age_band"], ignore_index=True, na_position="last"))


def user_ages_by_level(users: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Age distribution within each (service, level): service, level, age, share."""
    u = users.dropna(subset=["level"]).assign(age=base_year - users["birth_year"].astype(int))
    counts = u.groupby(["service", "level", "age"]).size()
    share = counts / counts.groupby(level=["service", "level"]).transform("sum")
    return share.rename("share").reset_index()


def demographic_drivers(population: pd.DataFrame, age_shares: pd.DataFrame | None, services: list[str],
                        months: pd.DatetimeIndex) -> tuple[dict[str, pd.Series], list[Warning_]]:
    """Monthly prevalence-weighted population per service over ``months``, from ``age_shares`` (columns
    AGE_SHARE_COLUMNS, optionally ``users``, as ``age_shares_from_users`` gives them: each band's population divided
    by that of the shares' year). A service without age data gets the whole population (equal prevalence at all
    ages), with a warning; one with users outside every age band, a warning naming them (a located error when none
    of its users is in a band)."""
    _check_age_share_columns(age_shares)
    years = (int(population["year"].min()), int(population["year"].max()))
    source = population.attrs.get("source")
    if months[0].year < years[0] or months[-1].year > years[1]:
        raise InputError.at(Location(source, column="year", path="population"),
                            f"the population covers {years[0]}–{years[1]} but the history and horizon "
                            f"span {months[0].year}–{months[-1].year}",
                            "population for every year of the history and the forecast horizon",
                            f"add the population of {months[0].year}–{years[0] - 1} (the history's first years)"
                            if months[0].year < years[0] else "extend the population projection or shorten the horizon")
    base = population[population["year"] == years[0]].groupby("age_band")["population"].sum()
    known = dict(tuple(age_shares.groupby("service"))) if age_shares is not None else {}
    drivers, warns = {}, []
    for service in services:
        if service in known:
            rows = known[service]
            warns += _users_outside_bands(rows, service, population)
            shares, base_year = rows.dropna(subset=["age_band"]).set_index("age_band")["share"], int(rows["year"].iloc[0])
            if not years[0] <= base_year <= years[1]:
                raise InputError.at(Location(source, column="year", path=service),
                                    f"the age shares of {service} are of {base_year}, a year the population "
                                    f"({years[0]}–{years[1]}) does not cover",
                                    "the population of the year whose users' ages give the age shares",
                                    f"add the population of {base_year}")
        else:
            shares, base_year = base / base.sum(), years[0]
            warns.append(Warning_("no_age_structure", Location(path=service),
                                  "no users' ages for this service: the demographic model follows the whole population"))
        drivers[service] = monthly_driver(demographic_driver(population, shares, base_year), months)
    return drivers, warns


#: the columns an age-share table must have (``users``, the users' count per band, is optional: with it, users in
#: no band of the population are told)
AGE_SHARE_COLUMNS = ("service", "age_band", "share", "year")


def _check_age_share_columns(age_shares: pd.DataFrame | None) -> None:
    """A located error naming the columns an age-share table lacks (library walk: a table of service, age_band and
    share, as the docstring then said, failed with KeyError 'year')."""
    missing = [c for c in AGE_SHARE_COLUMNS if age_shares is not None and c not in age_shares.columns]
    if missing:
        raise InputError.at(Location(path="age_shares"), f"the age shares lack the column(s) {', '.join(missing)}",
                            "columns " + ", ".join(AGE_SHARE_COLUMNS) + " (year: the population year the users' ages "
                            "are of) and optionally users", "add the columns, or build the table with "
                            "resmodel.forecast.interface.age_shares_from_users(users, bands, base_year)")


def _users_outside_bands(rows: pd.DataFrame, service: str, population: pd.DataFrame) -> list[Warning_]:
    """A warning naming the users of ``service`` whose age is in no band of the population (the demographic model
    leaves them out and weights the bands by the other users), or a located error when that is all of them: the
    model would have no prevalence to project (statistician review, 2026-12-07)."""
    outside = int(rows.loc[rows["age_band"].isna(), "users"].sum()) if "users" in rows.columns else 0
    if not outside:
        return []
    total, year = int(rows["users"].sum()), int(rows["year"].iloc[0])
    bands = ", ".join(sorted(population["age_band"].unique(), key=lambda b: parse_band(b)[0]))
    where = Location(population.attrs.get("source"), column="age_band", path=service)
    if outside == total:
        raise InputError.at(where, f"none of the {total} users of {service} is, by their age in {year}, in an age "
                            f"band of the population (its bands: {bands})",
                            "age bands that cover the ages of the service's users",
                            f"add the bands of those ages to the population, or choose another model for {service}")
    return [Warning_("users_outside_age_bands", where,
                     f"{outside} of the {total} users of {service} ({100 * outside / total:.1f} %) are, by their age "
                     f"in {year}, in no age band of the population ({bands}): the demographic model leaves them out "
                     "and weights the bands by the other users; add the bands of those ages to the population for "
                     "them to count")]


def validate_history(history: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
    """Validate the history (one monthly series per service and level) and return it typed."""
    for col in ("month", "service", "level", "volume"):
        if col not in history.columns:
            raise InputError.at(Location(file=source, row=1 if source else None, column=col),
                                f"required column '{col}' is missing", "columns month, service, level, volume",
                                "use the volume history format of docs/forecasting.md")
    # an in-memory table's index may repeat (pd.concat without ignore_index): it carries no row numbers then
    h = history.copy() if history.index.is_unique else history.reset_index(drop=True)
    h["level"] = need_levels(h, lambda idx, col, _service: Location(file=source, row=int(idx) if source else None,
                                                                column=col, path=str(h["service"][idx])),
                         None).astype("Int64")
    level_text = (" level " + h["level"].astype("string")).fillna("")
    uid = h["service"].astype("string") + level_text  # as messages show it: "daglig_verksamhet level 4"
    month = h["month"] if pd.api.types.is_datetime64_any_dtype(h["month"]) else h["month"].astype("string")
    long = pd.DataFrame({ID: uid, DS: month, Y: h["volume"]}, index=h.index)
    frame, _ = validate_long(long, freqs=dict.fromkeys(uid.dropna().unique(), MONTHLY), source=source,
                             labels={ID: "service", DS: "month", Y: "volume"})
    h = h.loc[frame.index]
    h["month"], h["volume"] = frame[DS].to_numpy(), frame[Y].to_numpy()
    big = h.index[(h["volume"] > MAX_VOLUME).to_numpy()]
    if len(big):  # users a month: checked per row here, before rows are summed to service totals
        i = big[0]
        raise InputError.at(Location(file=source, row=int(i) if source else None, column="volume",
                                     path=str(uid[i])), f"volume {h['volume'][i]:,.0f} is too large",
                            f"users, cases or places a month, up to {MAX_VOLUME:,}", "correct the volume")
    _check_spans(h, uid, source)
    return h


def _check_spans(h: pd.DataFrame, uid: pd.Series, source: str | None) -> None:
    """Every level of a service, and every service, up to the same last month: a level that stops early
    would read as a fall of the service's total, and the forecast of every service starts after the
    history's last month, so one that stops early would be forecast from the wrong month. A series may
    start later (before it, it had no users)."""
    span = h.assign(uid=uid).groupby("uid", sort=False).agg(service=("service", "first"), last=("month", "max"),
                                                          row=("month", "idxmax"))
    service_last = span.groupby("service")["last"].transform("max")
    for name, r in span[span["last"] < service_last].head(1).iterrows():
        raise InputError.at(Location(file=source, row=int(r["row"]) if source else None, column="month",
                                     path=str(name)),
                            f"{name} ends in {r['last']:%Y-%m}, the service's other levels in "
                            f"{service_last[name]:%Y-%m}", "every level of a service up to the same last month "
                            "(their sum is the service's volume)", f"add the level's months up to "
                            f"{service_last[name]:%Y-%m} (volume 0 where it had no users)")
    last = span["last"].max()
    for _, r in span[span["last"] < last].head(1).iterrows():
        raise InputError.at(Location(file=source, row=int(r["row"]) if source else None, column="month",
                                     path=str(r["service"])),
                            f"{r['service']}'s history ends in {r['last']:%Y-%m}, the other services' in {last:%Y-%m}",
                            "every service up to the same last month (forecasts start after it)",
                            f"add {r['service']}'s months up to {last:%Y-%m}, or remove its rows (a service without "
                            "a history can have a fixed volume in a scenario's projection.volumes)")


def _override(service: str, value: SpecValue, dates: pd.DatetimeIndex, warns: list[Warning_],
              spec_where: str) -> np.ndarray:
    where = Location(path=spec_where.format(service=service))
    if isinstance(value, Real) and not isinstance(value, bool):
        if not 0 <= value <= MAX_VOLUME:  # NaN fails this too: it is neither
            if value != value:
                raise InputError.at(where, "override volume nan is not a number", "a volume from 0 to "
                                    f"{MAX_VOLUME:,}", "correct the volume")
            raise InputError.at(where, f"override volume {value:g} is " + ("negative" if value < 0 else "too large"),
                                f"a volume from 0 to {MAX_VOLUME:,} (users, cases or places a month)",
                                "correct the volume")
        return np.full(len(dates), float(value))
    if isinstance(value, Mapping):
        try:
            by_year = {int(k): float(v) for k, v in value.items()}
        except (TypeError, ValueError):
            raise InputError.at(where, "override by year has a key that is not a year or a value that is not a number",
                                "a mapping year → volume, e.g. {2025: 1050, 2026: 1100}", "correct the mapping") from None
        if not by_year:
            raise InputError.at(where, "the override by year is empty", "a mapping year → volume, e.g. "
                                "{2025: 1050, 2026: 1100}", "give the volume of each year it changes, or remove it")
        if any(v != v for v in by_year.values()):  # 'nan' parses as a float; it would be written as empty cells
            raise InputError.at(where, "override volume nan is not a number", "a mapping year → volume, e.g. "
                                "{2025: 1050, 2026: 1100}", "correct the volumes")
        if any(v < 0 for v in by_year.values()):
            raise InputError.at(where, "override volume is negative", "volumes ≥ 0", "correct the volumes")
        if any(v > MAX_VOLUME for v in by_year.values()):
            raise InputError.at(where, "override volume is too large", f"volumes up to {MAX_VOLUME:,} (users, cases "
                                "or places a month)", "correct the volumes")
        not_years = [y for y in by_year if not FIRST_YEAR <= y <= LAST_YEAR]
        if not_years:
            hint = " (levels cannot be set here: the level split follows the history)" if 1 <= not_years[0] <= 8 else ""
            raise InputError.at(where, f"override key {not_years[0]} is not a year{hint}",
                                f"years from {FIRST_YEAR} to {LAST_YEAR} mapped to volumes, e.g. {{2025: 1050, 2026: 1100}}",
                                "write the year each volume applies from")
        years = sorted(by_year)
        if dates[0].year < years[0]:
            raise InputError.at(where, f"override starts in {years[0]} but the forecast starts in {dates[0].year}",
                                f"a volume for {dates[0].year} and later years", f"add {dates[0].year}")
        if dates[-1].year > years[-1]:
            warns.append(Warning_("override_extended", where,
                                  f"override ends in {years[-1]}; its last volume is kept up to {dates[-1].year}"))
        idx = np.searchsorted(years, dates.year, side="right") - 1
        return np.array([by_year[years[i]] for i in idx])
    raise InputError.at(where, f"'{value}' is neither a model name nor a volume",
                        "a model name, a volume, or a mapping year → volume", "correct the entry for this service")


MIX_SHIFT_PP = 0.5  # percentage points a level's share must have moved in three years to be told


def _mix_shift_warning(h: pd.DataFrame, service: str, source: str | None) -> list[Warning_]:
    """A warning when the mix the forecast keeps (the last twelve months') has moved: the level whose share
    changed most between the twelve months three years earlier and the last twelve, if by MIX_SHIFT_PP or more."""
    g = h[h["service"] == service]
    wide = g.pivot_table(index="month", columns="level", values="volume", aggfunc="sum").sort_index().fillna(0.0)
    if len(wide) < 48:
        return []
    before, last = wide.iloc[-48:-36].mean(), wide.tail(12).mean()
    if before.sum() <= 0 or last.sum() <= 0:  # no users then: no mix to compare
        return []
    before, last = before / before.sum(), last / last.sum()
    moved = (last - before).abs()
    level = moved.idxmax()
    if moved[level] * 100 < MIX_SHIFT_PP:
        return []
    earlier = f"{wide.index[-48]:%Y-%m}–{wide.index[-37]:%Y-%m}"
    recent = f"{wide.index[-12]:%Y-%m}–{wide.index[-1]:%Y-%m}"
    return [Warning_("level_mix_shift", Location(file=source, path=service),
                     f"the level mix has moved: level {int(level)} was {before[level] * 100:.1f} % of the volume in "
                     f"{earlier} and {last[level] * 100:.1f} % in {recent}; the forecast splits every future month by "
                     "the last twelve months' mix, so a continuing shift is not in it (yearly flows by level give a "
                     "projected mix: --flows to resmodel forecast, or flows.csv in the data folder with the stockflow "
                     "model in a scenario's projection.volumes; or plan by level on the levels' own history)")]


def _level_shares(h: pd.DataFrame, service: str, dates: pd.DatetimeIndex, flows: pd.DataFrame | None,
                  ages: pd.DataFrame | None, exit_age: int, warns: list[Warning_],
                  source: str | None = None, params: FlowParams | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Monthly share of each level, and by how much the cohort projection's service total departs from the
    pooled balance path the stock–flow total model follows (zero without flows). The shares are the last
    twelve months' mix, or — with ``flows``, which the caller gives only for a service whose flows have levels —
    the stock–flow projected mix (year-end stocks interpolated month by month from the last observed month),
    moved by ``params`` (``flow_params``'s, estimated here when not given; without them, the last twelve months'
    mix). Where those months have no volume at all, the mix of the last twelve months that had some (or equal
    shares), with a warning."""
    g = h[h["service"] == service]
    wide = g.pivot_table(index="month", columns="level", values="volume", aggfunc="sum").sort_index().fillna(0.0)
    with_volume = wide[wide.sum(axis=1) > 0]
    fallback = (with_volume.tail(12).mean() if len(with_volume) else pd.Series(1.0, index=wide.columns))
    fallback = fallback / fallback.sum()
    last_month = wide.index[-1]
    base_year = last_complete_year(last_month)
    f = flows[flows["service"] == service] if flows is not None else None
    if f is not None and params is None:
        params = flow_params(f, service, last_month, flows.attrs.get("source"), warns)
    use_flows = params is not None
    empty = wide.iloc[-1].sum() == 0 if use_flows else wide.tail(12).sum().sum() == 0
    if empty:
        since = (f"the mix of {with_volume.index[-min(12, len(with_volume))]:%Y-%m} – {with_volume.index[-1]:%Y-%m}, "
                 "the last months with volume" if len(with_volume) else "equal shares: no month has any volume")
        warns.append(Warning_("level_mix_empty", Location(file=source, path=service),
                              f"the levels have no volume in the {'last month' if use_flows else 'last twelve months'}"
                              f", so the forecast splits by {since}"))
    if not use_flows:
        shares = fallback if empty else wide.tail(12).mean() / wide.tail(12).mean().sum()
        return (pd.DataFrame(np.tile(shares.to_numpy(), (len(dates), 1)), index=dates, columns=shares.index),
                np.zeros(len(dates)))
    where = flows.attrs.get("source")
    levels = _flow_levels(wide.columns, f, service, where, warns)
    # the cohort model moves people: start from the last month with volume (counts, not shares), or one a level
    start = ((with_volume.iloc[-1] if len(with_volume) else fallback) if empty else wide.iloc[-1]).reindex(
        levels, fill_value=0.0)
    ages_s = ages[ages["service"] == service].drop(columns="service") if ages is not None else None
    if ages_s is not None and not ages_s.empty:
        warns += _levels_without_ages(start, ages_s, service, last_month, exit_age)
    if int(f["year"].max()) < base_year:
        warns.append(Warning_("flows_stale", Location(file=where, path=service),
                              f"the flows end in {int(f['year'].max())}, the history's last complete year is "
                              f"{base_year}: the stock–flow level mix uses the flows of the years up to "
                              f"{int(f['year'].max())}; add the later years' flows"))
    warns += _levels_without_flows(start, params, service, where, last_month)
    _check_flow_rates(params, service, where, age_exit_by_age=ages_s is not None and not ages_s.empty)
    mix = project_level_mix(f, start, base_year, dates[-1].year, ages=ages_s, exit_age=exit_age, params=params)
    table = mix.pivot_table(index="year", columns="level", values="stock").reindex(columns=levels).fillna(0.0)
    # a year of flows moves the stock one year on from the month it starts at (the last month, December or not):
    # a June stock with the first year's flows is next June's, not December's (statistician review)
    after = table.index.to_numpy() - base_year
    year_ends = pd.DatetimeIndex([last_month + pd.DateOffset(months=12 * int(k)) for k in after])
    later = year_ends > last_month
    anchors = year_ends[later].insert(0, last_month)
    values = np.vstack([start.to_numpy(), table.to_numpy()[later]])
    x, t = month_number(anchors).astype(float), month_number(dates).astype(float)
    counts = np.column_stack([np.interp(t, x, values[:, j]) for j in range(values.shape[1])])
    # the stock–flow total model's path at the same year ends: one stock, pooled rates (balance_path)
    pooled = balance_path(start.sum(), params.total_inflow, params.total_rate, after[later].astype(float))
    gap = np.interp(t, x, np.concatenate([[0.0], values[1:].sum(axis=1) - pooled]))
    return _shares_of(counts, dates, levels), gap


def flow_params(f: pd.DataFrame, service: str, last_month: pd.Timestamp, where: str | None,
                warns: list[Warning_]) -> FlowParams | None:
    """The flow parameters of a service's flows known at the end of a history ending ``last_month`` (the years up
    to its last complete year), estimated once for the level mix; None, with a warning, when every year of the
    flows is later: the level mix is then the last twelve months' (code review: the projection crashed)."""
    base_year = last_complete_year(last_month)
    params = estimate_flow_params(f, base_year)
    if params is None:
        warns.append(Warning_("flows_too_recent", Location(file=where, path=service),
                    f"the flows begin in {int(f['year'].min())}, after {base_year}, the history's last complete year "
                    f"(it ends in {last_month:%Y-%m}): no year of flows is known when the forecast starts, so the "
                    f"forecast splits by the last twelve months' mix; add the flows of {base_year} (and the years "
                    "before), or extend the history to the end of the flows' first year"))
    return params


def _shares_of(counts: np.ndarray, dates: pd.DatetimeIndex, levels: pd.Index) -> pd.DataFrame:
    """Each month's level shares of the projected counts; a month whose levels have all left keeps the last shares
    before (equal shares if none), so that a total other than the cohort's is still split (review: NaN volumes,
    unwarned, when every level's cohort reached 0)."""
    total = counts.sum(axis=1, keepdims=True)
    shares = pd.DataFrame(np.divide(counts, total, out=np.full_like(counts, np.nan), where=total > 0),
                          index=dates, columns=levels)
    return shares.ffill().fillna(1.0 / len(levels))


#: a gap between the flows' last year-end stock and the history's volume that month, as a share of the volume,
#: above which the flows are said to be of another scale (the demo's flows and history agree within 0.3 % in 2024)
FLOWS_SCALE_TOLERANCE = 0.05


def flows_scale_warnings(service: str, f: pd.DataFrame, series: pd.DataFrame, where: str | None) -> list[Warning_]:
    """A warning when the flows' stock at the end of their last year the history has a December of differs from
    that December's volume by more than FLOWS_SCALE_TOLERANCE: the stock–flow model drives the history's stock with
    the flows' inflows and rates, so flows of another stock move it towards theirs (statistician review: a history
    of 300 with flows holding a steady 500 rose 28 % in two years, unannounced)."""
    stock = f.groupby("year")["stock_end"].sum()
    december = series[series["month"].dt.month == 12]
    volume = pd.Series(december["volume"].to_numpy(), index=december["month"].dt.year.to_numpy())
    years = stock.index.intersection(volume.index)
    if years.empty:
        return []
    year = int(years.max())
    flow_stock, observed = float(stock[year]), float(volume[year])
    if abs(flow_stock - observed) <= FLOWS_SCALE_TOLERANCE * observed:
        return []
    gap = f" ({(flow_stock / observed - 1) * 100:+.1f} %)" if observed > 0 else ""
    return [Warning_("flows_scale", Location(file=where, path=service),
                     f"the flows' stock at the end of {year} is {flow_stock:,.0f}, the history's volume in "
                     f"{year}-12 {observed:,.0f}{gap}, more than {FLOWS_SCALE_TOLERANCE * 100:g} % apart: the stock–flow "
                     "model moves the history's stock with the flows' inflows and outflow rates, so it drifts "
                     "towards the flows' stock; check that both count the same users of the same service")]


def _flow_levels(history_levels: pd.Index, f: pd.DataFrame, service: str, where: str | None,
                 warns: list[Warning_]) -> pd.Index:
    """The levels the projected mix splits into: the history's and, with a warning, those only the flows have
    (statistician review: they were dropped and the other levels' shares renormalised over the rest)."""
    extra = sorted(set(f["level"].dropna().astype(int)) - set(history_levels))
    for lv in extra:
        end = f[f["level"] == lv].sort_values("year").iloc[-1]
        warns.append(Warning_("flows_level_not_in_history", Location(file=where, path=f"{service} level {lv}"),
                              f"level {lv} is in the flows ({int(end['stock_end']):,} users at the end of "
                              f"{int(end['year'])}) but not in the history, so it starts the forecast with no users "
                              "and gains the flows' inflows at that level; add the level's months to the history "
                              "(volume 0 where it had none), or correct the level in the flows"))
    return pd.Index(sorted(set(history_levels) | set(extra)), name=history_levels.name)


def _levels_without_flows(start: pd.Series, params: FlowParams | None, service: str, where: str | None,
                          last_month: pd.Timestamp) -> list[Warning_]:
    """A warning for each level with users in the history's last month but no rows in the flows' years the estimate
    uses (``params.level_rates``, the levels the projection has rates of): it takes the service's pooled outflow
    rates and gets no inflows (review: it was left at rate 0 and never shrank)."""
    if params is None or params.level_rates is None:
        return []
    missing = start[(start > 0) & ~start.index.astype(float).isin(set(params.level_rates["level"].astype(float)))]
    years = f"{params.years[0]}–{params.years[-1]}"
    return [Warning_("level_not_in_flows", Location(file=where, path=f"{service} level {lv}"),
                     f"level {lv} has {n:g} users in {last_month:%Y-%m} but no rows in the flows of {years}: it takes the "
                     "service's pooled outflow rates and gets no inflows; add the level's rows to the flows")
            for lv, n in missing.items()]


def _levels_without_ages(start: pd.Series, ages: pd.DataFrame, service: str, last_month: pd.Timestamp,
                         exit_age: int) -> list[Warning_]:
    """A warning for each level with users in the history's last month but none in the users' ages: its stock is
    kept without ages (no age exit) instead of being lost, as it was before the statistician review."""
    missing = start[(start > 0) & ~start.index.isin(ages["level"])]
    return [Warning_("level_without_ages", Location(path=f"{service} level {lv}"),
                     f"level {lv} has {n:g} users in {last_month:%Y-%m} but none in the users' file (users.csv): "
                     f"they are kept without ages, so none of them leaves at the exit age {exit_age}; add the "
                     "level's users (with birth years) to the users' file") for lv, n in missing.items()]


def _check_flow_rates(params: FlowParams | None, service: str, where: str | None, age_exit_by_age: bool) -> None:
    """A located error when the flows' outflows reach the start-of-year stock, pooled or at a level (after the
    level's rate is shrunk towards the pooled one): the cohort projection cannot move a stock by a rate of 1 or
    more. With the users' ages the age exit comes from them, so its rate is not counted."""
    if params is None:
        return
    rates = params.level_rates if params.level_rates is not None else params.rates.assign(level=pd.NA)
    rates = rates[rates["kind"] != "age_exit"] if age_exit_by_age else rates
    by_level = rates.groupby("level", dropna=False)["rate"].sum()
    if params.total_rate < 1 and by_level.max() < 1:
        return
    at, rate = (("", params.total_rate) if params.total_rate >= 1 else (f" level {int(by_level.idxmax())}",
                                                                         by_level.max()))
    raise InputError.at(Location(file=where, path=service), f"the flows of {service}{at} have outflows above the "
                        f"start-of-year stock (a yearly rate of {rate:.2f} over {', '.join(map(str, params.years))})",
                        "outflows a share (below 1) of stock_start",
                        "check stock_start and the outflows of those years in the flows table, or leave the "
                        "service's rows out (its level mix is then the last twelve months')")


def history_suspicious_warnings(history: pd.DataFrame, source: str | None) -> list[Warning_]:
    """``suspicious_value`` warnings of a volume history's service totals (levels summed): a last month far off
    what the months before lead to (a typing slip or a partial export every model starts from), a lone spike."""
    totals = history.groupby(["service", "month"], as_index=False)["volume"].sum()
    long = pd.DataFrame({ID: totals["service"], DS: totals["month"], Y: totals["volume"]})
    return suspicious_warnings(long, dict.fromkeys(totals["service"].unique(), MONTHLY), source or "volume history")


def forecast_volumes(
    history: pd.DataFrame,
    spec: Mapping[str, SpecValue] | None = None,
    horizon_months: int = 120,
    *,
    population: pd.DataFrame | None = None,
    age_shares: pd.DataFrame | None = None,
    flows: pd.DataFrame | None = None,
    user_ages: pd.DataFrame | None = None,
    exit_age: int = DEFAULT_EXIT_AGE,
    source: str | None = None,
    default_model: str = "auto",
    services: Sequence[str] | None = None,
    spec_where: str = "spec.{service}",
) -> VolumeForecast:
    """Forecast monthly volumes per service and level for ``horizon_months`` after the history.

    ``history``: columns month, service, level (empty for services without levels), volume.
    ``spec``: service → model name (see ``MODEL_NAMES``), a fixed volume, or {year: volume}.
    ``population`` (year, age_band, population) with ``age_shares`` (service, age_band, share, year and
    optionally users, as ``age_shares_from_users`` builds them) enables the demographic model; ``flows`` (the stock–flow table: year, service, level,
    stock_start, inflow_*, outflow_*, stock_end) enables the stock–flow model and the projected
    level mix, with ``user_ages`` (service, level, age, share) for an age exit at ``exit_age``.
    Services not in ``spec`` use ``default_model``; ``services`` limits the forecast to those
    services of the history (default: all). ``spec_where`` is how errors name a service's entry
    where the caller took it from (a scenario key, a command-line option)."""
    if int(horizon_months) != horizon_months or horizon_months < 1:
        raise InputError.at(Location(path="horizon_months"), f"horizon {horizon_months} is not a positive whole number",
                            "a horizon in months ≥ 1", "give a positive horizon")
    h = validate_history(history, source)
    check_horizon_end(h["month"].max(), int(horizon_months), MONTHLY, "horizon_months", f"{h['month'].max():%Y-%m}")
    known = sorted(h["service"].unique())
    if services is not None:
        unknown = [sv for sv in services if sv not in known]
        if unknown:
            raise InputError.at(Location(path=f"services.{unknown[0]}"), f"'{unknown[0]}' is not a service in the history",
                                "one of " + ", ".join(known), "correct the service name or remove it")
        h = h[h["service"].isin(list(services))]
    chosen = services is not None  # a spec's service outside the chosen ones is told so, not 'not in the history'
    services = sorted(h["service"].unique())
    spec = dict(spec or {})
    for key in spec:
        if key not in services:
            problem = (f"'{key}' is not among the services forecast ({', '.join(services)})" if chosen and key in known
                       else f"'{key}' is not a service in the history")
            raise InputError.at(Location(path=spec_where.format(service=key)), problem,
                                "one of " + ", ".join(services), "correct the service name or remove the entry"
                                + (", or add it to the services forecast" if chosen and key in known else ""))
    totals = h.groupby(["service", "month"], as_index=False)["volume"].sum()
    warns: list[Warning_] = history_suspicious_warnings(totals, source)
    drivers: dict[str, pd.Series] = {}
    last = totals["month"].max()
    dates = future_dates(last, horizon_months, MONTHLY)
    if population is not None:
        drivers, w = demographic_drivers(population, age_shares, services,
                                         pd.date_range(totals["month"].min(), dates[-1], freq="MS"))
        # said only where the demographic model may forecast: named, or among select's candidates
        warns += [x for x in w if spec.get(x.location.path, default_model) in ("demographic", "select")]
    flows_by_service = {str(s): g.groupby("year", as_index=False).sum(numeric_only=True)
                        for s, g in flows.groupby("service")} if flows is not None else {}
    parts, level_mix = [], {}
    for service in services:
        choice = spec.get(service, default_model)
        series = totals[totals["service"] == service]
        if isinstance(choice, str):
            where = Location(path=spec_where.format(service=service))
            if choice == "stockflow" and flows is not None and service not in flows_by_service:
                known = sorted(flows_by_service)
                raise InputError.at(where, f"the flows table has no rows for service '{service}'",
                                    "flows rows for every service forecast with stockflow (it has: "
                                    + (", ".join(known) or "none") + ")",
                                    did_you_mean(service, known) + "correct the service in the flows table, or "
                                    "choose another model for this service")
            model = make_model(choice, MONTHLY, driver=DRIVER if service in drivers else None,
                               flows={service: flows_by_service[service]} if service in flows_by_service else None,
                               where=where)
            df = pd.DataFrame({ID: service, DS: series["month"].to_numpy(), Y: series["volume"].to_numpy()})
            X_df = None
            if model.exog:
                drv = drivers[service]
                df[DRIVER] = drv.reindex(df[DS]).to_numpy()
                X_df = pd.DataFrame({ID: service, DS: dates, DRIVER: drv.reindex(dates).to_numpy()})
            fc = Forecaster([model], source=source)
            out = fc.forecast(df, horizon_months, X_df)
            warns += fc.warnings
            n = model.name
            total = pd.DataFrame({"month": dates, "volume": out[n].to_numpy(),
                                  "volume_lo_80": out[f"{n}-lo-80"].to_numpy(), "volume_hi_80": out[f"{n}-hi-80"].to_numpy(),
                                  "volume_lo_95": out[f"{n}-lo-95"].to_numpy(), "volume_hi_95": out[f"{n}-hi-95"].to_numpy(),
                                  "model_used": out[f"{n}-model_used"].to_numpy()})
        else:
            v = _override(service, choice, dates, warns, spec_where)
            total = pd.DataFrame({"month": dates, "volume": v, "volume_lo_80": v, "volume_hi_80": v,
                                  "volume_lo_95": v, "volume_hi_95": v, "model_used": "override"})
        has_levels = h.loc[h["service"] == service, "level"].notna().any()
        if not has_levels:
            if choice == "stockflow" and flows is not None:
                warns += flows_scale_warnings(service, flows[flows["service"] == service], series,
                                               flows.attrs.get("source"))
            parts.append(total.assign(service=service, level=pd.NA))
            continue
        ages = user_ages if service in AGE_EXIT_SERVICES else None  # elsewhere an age exit in flows is a rate
        service_flows = flows[flows["service"] == service] if flows is not None else None
        by_flows = (service_flows is not None and "level" in service_flows.columns
                    and bool(service_flows["level"].notna().any()))
        if service_flows is not None and len(service_flows) and not by_flows:
            warns.append(Warning_("flows_without_levels", Location(file=flows.attrs.get("source"), path=service),
                                  "the flows of this service have no levels, so they cannot move its level mix: the "
                                  "forecast splits by the last twelve months' mix; give the flows by level"))
        if service_flows is not None and (by_flows or choice == "stockflow"):
            warns += flows_scale_warnings(service, service_flows, series, flows.attrs.get("source"))
        params = flow_params(service_flows, service, last, flows.attrs.get("source"),
                             warns) if by_flows else None
        shares, gap = _level_shares(h, service, dates, flows if params is not None else None, ages, exit_age, warns,
                                    source, params)
        level_mix[service] = "last_twelve_months" if params is None else "stockflow"
        if params is None:
            warns += _mix_shift_warning(h, service, source)
        # a stock–flow total follows the cohort: its level counts, not their shares of the pooled path (review)
        shift = np.where(total["model_used"].to_numpy() == "stockflow", gap, 0.0)
        for lv in shares.columns:
            share = shares[lv].to_numpy()
            part = total.copy()
            for col in ("volume", "volume_lo_80", "volume_hi_80", "volume_lo_95", "volume_hi_95"):
                part[col] = np.maximum(total[col].to_numpy() + shift, 0.0) * share
            parts.append(part.assign(service=service, level=lv))
    table = pd.concat(parts, ignore_index=True)[list(OUTPUT_COLUMNS)]
    table["level"] = table["level"].astype("Int64")
    return VolumeForecast(table.sort_values(["service", "level", "month"], kind="stable", ignore_index=True), warns,
                          level_mix)
