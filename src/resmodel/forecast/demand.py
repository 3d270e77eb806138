"""Demand tables for the queue and the premises plan: a volume forecast or history (month, service,
a demand column, optional level) read as monthly demand per service — in total or per need level —
with every row checked, because a repeated month, totals next to levels or a missing month for one
level would otherwise be summed into a wrong demand."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, did_you_mean, shown
from resmodel.forecast.frame import FIRST_YEAR, LAST_YEAR, parse_month
from resmodel.limits import MAX_VOLUME  # the largest volume the projection allows

Where = Callable[..., Location]


def demand_from_table(table: pd.DataFrame, service: str, source: str | None = None,
                      column: str = "volume") -> pd.Series:
    """Monthly demand of ``service`` from a volume forecast or history (``month``, ``service``,
    ``column``, optional ``level``; levels are summed), indexed by month. ``month`` is text YYYY-MM
    or a date on the first of the month. Errors name the service and, for a file (``source``), the
    file and row; a row given twice, totals mixed with levels, and levels over different months are
    refused, since summing them would miscount the demand."""
    rows = _service_rows(table, service, source, column)
    demand = rows.groupby("month")["value"].sum().sort_index()
    return _checked_months(demand, rows, _locator(source), service, column).rename(service)


def demand_by_level(table: pd.DataFrame, service: str, source: str | None = None,
                    column: str = "volume") -> pd.DataFrame:
    """Monthly demand of ``service`` per need level (one int column per level, index = month), for a
    plan by level range; the checks of :func:`demand_from_table`, and the table must give levels."""
    where = _locator(source)
    rows = _service_rows(table, service, source, column)
    if rows["level"].isna().all():
        raise InputError.at(where(col="level", path=service), f"no demand per need level for service '{service}'",
                            "a forecast with a level column (resmodel forecast writes one for level services)",
                            "forecast per level, or leave min_level and max_level of the candidates empty to plan "
                            "on totals")
    wide = rows.pivot(index="month", columns="level", values="value").sort_index()
    _checked_months(wide.sum(axis=1), rows, where, service, column)
    wide.columns = pd.Index([int(level) for level in wide.columns])
    wide.index = pd.DatetimeIndex(wide.index, name="month")
    return wide


def _locator(source: str | None) -> Where:
    """Locations in a demand table: rows are named only for a file (an in-memory index is no row number)."""
    def where(idx=None, col=None, path=None) -> Location:
        return Location(source, row=int(idx) if source is not None and idx is not None else None, column=col, path=path)
    return where


def _also(where: Where, idx, lead: str) -> str:
    """' (lead row N)' naming another row of a file, or '' for an in-memory table."""
    row = where(idx).row
    return "" if row is None else f" ({lead} row {row})"


def _service_rows(table: pd.DataFrame, service: str, source: str | None, column: str) -> pd.DataFrame:
    """The rows of ``service`` as month, level (NaN when empty) and value (float), each checked, so
    that what is summed or split by level is one demand per month and level."""
    where = _locator(source)
    _require_columns(table, column, where)
    rows = _rows_of(table, service, where)
    out = pd.DataFrame({"month": _months(rows, where, service), "level": need_levels(rows, where, service),
                        "value": _values(rows, column, where, service)}, index=rows.index)
    _check_mixed_levels(out, where, service)
    _check_duplicates(out, where, service)
    _check_level_months(out, where, service)
    return out


def _require_columns(table: pd.DataFrame, column: str, where: Where) -> None:
    """month, service and the demand column must be there (level is optional)."""
    for col in ("month", "service", column):
        if col not in table.columns:
            hint = did_you_mean(col, [str(c) for c in table.columns]) if col == column else ""
            volumes = [str(c) for c in table.columns if str(c).startswith("volume")] if col == column else []
            if col == "month" and "year" in table.columns:  # volume_forecast_yearly.csv: averages by year
                raise InputError.at(where(1, col), "the table has years, not months (resmodel forecast's "
                                    "volume_forecast_yearly.csv?)", "a monthly forecast: month, service, volume",
                                    "give volume_forecast.csv from the same folder, which has every month")
            raise InputError.at(where(1, col), f"required column '{col}' is missing",
                                f"a volume forecast or history with month, service, {column}",
                                (f"{hint}correct --demand-column, or " if hint else "")
                                + (f"choose --demand-column from the file's {', '.join(volumes)}, or " if volumes
                                   else "") + "use what `resmodel forecast` writes (or `forecast_volumes` returns)")


def _rows_of(table: pd.DataFrame, service: str, where: Where) -> pd.DataFrame:
    """The rows of ``service``; none is an error listing the services the table has."""
    if table.empty:
        raise InputError.at(where(2), "the file has a header but no rows", "one row per month (and level) and "
                            "service", "give the forecast's rows (resmodel forecast writes them)")
    names = table["service"].astype("string").fillna("").str.strip()
    empty = table.index[names.eq("").to_numpy()]
    if len(empty):  # a row of no service would silently leave a month out of every service's demand
        raise InputError.at(where(int(empty[0]), "service"), "the service is empty",
                            "a service key on every row, such as daglig_verksamhet", "fill in the service")
    rows = table[(names == service).to_numpy()]
    if rows.empty:
        known = sorted(n for n in names.unique() if n)
        raise InputError.at(where(col="service", path=service), f"no rows for service '{service}'",
                            "one of " + ", ".join(known), did_you_mean(service, known) + "correct the service name")
    return rows


def _months(rows: pd.DataFrame, where: Where, service: str) -> pd.Series:
    """The month of each row (text YYYY-MM or a first-of-month date); anything else is an error."""
    if pd.api.types.is_datetime64_any_dtype(rows["month"]):
        month = rows["month"].where(rows["month"].dt.day == 1)
    else:
        month = parse_month(rows["month"])
    if month.isna().any():
        idx = rows.index[month.isna().to_numpy()][0]
        raise InputError.at(where(idx, "month", service), f"'{shown(rows['month'][idx])}' is not a month",
                            "a month YYYY-MM (or a date on the first of the month)", "correct the month")
    outside = ~month.dt.year.between(FIRST_YEAR, LAST_YEAR)
    if outside.any():  # a typing mistake, and centuries of months to simulate
        idx = rows.index[outside.to_numpy()][0]
        raise InputError.at(where(idx, "month", service), f"the month '{shown(rows['month'][idx])}' is outside the years "
                            f"{FIRST_YEAR}–{LAST_YEAR}", f"a month in {FIRST_YEAR}–{LAST_YEAR}", "correct the year")
    return month


def need_levels(rows: pd.DataFrame, where: Where, service: str) -> pd.Series:
    """The need level of each row, NaN when empty or without a level column; a level that is not a
    whole number 1–8 is an error (it would be summed, or planned, as a level that does not exist)."""
    if "level" not in rows.columns:
        return pd.Series(np.nan, index=rows.index, dtype="float64")
    text = rows["level"].astype("string").fillna("").str.strip()
    level = pd.to_numeric(text.where(text.ne(""), None), errors="coerce").astype("float64")
    bad = text.ne("") & ~level.isin(range(1, 9))
    if bad.any():
        idx = rows.index[bad.to_numpy()][0]
        raise InputError.at(where(idx, "level", service), f"'{shown(text[idx])}' is not a need level",
                            "a whole number 1–8, or empty for a service without levels",
                            "correct the level (or leave it empty on every row of the service to give totals)")
    return level


def _values(rows: pd.DataFrame, column: str, where: Where, service: str) -> pd.Series:
    """The demand of each row as a float: a finite number from 0 to MAX_VOLUME (as the projection
    allows); the value of a too large cell is not repeated (it may be a long number such as an id)."""
    text = rows[column].astype("string").fillna("").str.strip()
    value = pd.to_numeric(text.where(text.ne(""), None), errors="coerce").astype("float64")
    bad = ~np.isfinite(value.to_numpy()) | (value < 0).to_numpy()
    if bad.any():
        idx = rows.index[bad][0]
        what = f"'{shown(text[idx])}'" if text[idx] else "empty"
        raise InputError.at(where(idx, column, service), f"{what} is not a valid {column}",
                            f"a number from 0 to {MAX_VOLUME:,} (users, cases or places a month)", "correct the value")
    high = (value > MAX_VOLUME).to_numpy()
    if high.any():
        raise InputError.at(where(rows.index[high][0], column, service), f"the {column} is above {MAX_VOLUME:,}",
                            f"a number from 0 to {MAX_VOLUME:,} (users, cases or places a month)",
                            "correct the value (no municipality has a million users: it is a typing mistake or "
                            "not a volume)")
    return value


def _check_mixed_levels(rows: pd.DataFrame, where: Where, service: str) -> None:
    """Either every row of the service has a level or none: totals next to levels would be summed
    with them, counting the demand twice."""
    empty = rows["level"].isna().to_numpy()
    if empty.any() and not empty.all():
        idx, other = rows.index[empty][0], rows.index[~empty][0]
        raise InputError.at(where(idx, "level", service),
                            f"the level is empty, but other rows of service '{service}' have levels{_also(where, other, 'e.g.')}",
                            "a level 1–8 on every row of the service (demand per level) or on none (totals only)",
                            "fill in the level of this row, or keep either the total rows or the per-level rows: "
                            "both together are summed and count the demand twice")


def _check_duplicates(rows: pd.DataFrame, where: Where, service: str) -> None:
    """One row per month (and level): a second row for the same month would be added to the first."""
    key = pd.DataFrame({"month": rows["month"].to_numpy(), "level": rows["level"].fillna(0).to_numpy()})
    dup = np.flatnonzero(key.duplicated(keep="first").to_numpy())
    if not len(dup):
        return
    month, level = key["month"].iloc[dup[0]], key["level"].iloc[dup[0]]
    first = np.flatnonzero((key["month"].eq(month) & key["level"].eq(level)).to_numpy())[0]
    what = f"month {month:%Y-%m}" + (f", level {int(level)}," if level else "")
    raise InputError.at(where(rows.index[dup[0]], "month", service),
                        f"{what} of service '{service}' appears twice{_also(where, rows.index[first], 'first on')}",
                        "one row per month" + (" and level" if level else "") + " for the service",
                        "remove the duplicate row, or add the two into one row (both are summed: the demand "
                        "would count twice)")


def _check_level_months(rows: pd.DataFrame, where: Where, service: str) -> None:
    """Every level over the same months: a month missing for one level would count as no demand there."""
    if rows["level"].isna().all():
        return
    months = {int(level): frozenset(m) for level, m in rows.groupby("level")["month"]}
    common = Counter(months.values()).most_common(1)[0][0]
    odd = next((level for level, m in months.items() if m != common), None)
    if odd is None:
        return
    others = [str(level) for level, m in months.items() if m == common]
    others_cover = ("level " if len(others) == 1 else "levels ") + ", ".join(others) + (
        " covers" if len(others) == 1 else " cover")
    idx = rows.index[rows["level"].eq(odd).to_numpy()][0]
    raise InputError.at(where(idx, "level", service),
                        f"level {odd} covers {_span(months[odd])}, but {others_cover} {_span(common)}",
                        "every level of the service over the same months (a month missing for one level would "
                        "count as no demand at that level)",
                        f"give level {odd} the months of the other levels, or cut the table to the months all "
                        "levels share")


def _span(months: frozenset) -> str:
    """Months as 'first–last', with the first missing month when they have a gap."""
    first, last = min(months), max(months)
    missing = pd.date_range(first, last, freq="MS").difference(pd.DatetimeIndex(sorted(months)))
    gap = "" if missing.empty else f" without {missing[0]:%Y-%m}" + (f" and {len(missing) - 1} more" if len(missing) > 1 else "")
    return f"{first:%Y-%m}–{last:%Y-%m}{gap}"


def _checked_months(demand: pd.Series, rows: pd.DataFrame, where: Where, service: str, column: str) -> pd.Series:
    """The monthly total with consecutive months and at most MAX_VOLUME a month, indexed by month."""
    expected = pd.date_range(demand.index[0], demand.index[-1], freq="MS")
    if len(expected) != len(demand):
        missing = expected.difference(demand.index)[0]
        after = rows[rows["month"] > missing].sort_values("month", kind="stable")  # the row the gap comes before
        idx = after.index[0]
        raise InputError.at(where(idx, "month", service), f"month {missing:%Y-%m} is missing before "
                            f"{after['month'].iat[0]:%Y-%m}", "consecutive months", "supply demand for every month")
    high = demand[demand > MAX_VOLUME]
    if len(high):
        month = high.index[0]
        idx = rows.index[rows["month"].eq(month).to_numpy()][0]
        raise InputError.at(where(idx, column, service),
                            f"the demand of {month:%Y-%m}, summed over the levels, is {high.iloc[0]:,.0f}, above "
                            f"{MAX_VOLUME:,}", f"at most {MAX_VOLUME:,} users, cases or places a month",
                            "correct the volumes of this month")
    demand.index = pd.DatetimeIndex(demand.index, name="month")
    return demand


#: columns of an older forecast file (forecast, lo_80, hi_80) or of a series forecast (unique_id, ds and a model's
#: columns: naive, naive-hi-80, naive-model_used — `resmodel forecast` on a series file, or the API's), and the
#: column of a demand table each one is
RENAMED_COLUMNS = {"forecast": "volume", "ds": "month", "unique_id": "service"}
#: columns of a forecast that hold no volume: planning or queueing on one would read a label or a level as users
NOT_VOLUMES = ("month", "service", "level", "model_used", "unique_id", "ds")


def _renamed(name: str) -> str | None:
    """The demand table's name for an older or a series forecast's column: forecast or a model's name (naive) →
    volume, hi_80 or naive-hi-80 → volume_hi_80, naive-model_used → model_used, ds → month, unique_id → service;
    None for any other (planner walk: after renaming ds and unique_id as told, the next run wanted 'volume')."""
    from resmodel.forecast.forecaster import MODEL_NAMES

    models = "|".join(MODEL_NAMES)
    bound = re.fullmatch(rf"(?:(?:{models})-)?(lo|hi)[_-](\d{{1,2}})", name)
    if bound:
        return f"volume_{bound[1]}_{bound[2]}"
    if re.fullmatch(rf"(?:{models})-model_used", name):
        return "model_used"
    return "volume" if name in MODEL_NAMES else RENAMED_COLUMNS.get(name)


def demand_months(demand: pd.DataFrame, service: str, column: str, source: str | None) -> pd.Series:
    """The service's monthly demand (``demand_from_table``) for plan-premises and queue, its columns checked first:
    the demand column must hold volumes, and a forecast with older or the API's column names is told how to rename
    them (planner walk)."""
    columns = [str(c).strip() for c in demand.columns]
    volumes = [c for c in columns if c.startswith("volume")]
    if column in NOT_VOLUMES:
        raise InputError.at(Location(source, row=1, column=column), f"--demand-column '{column}' is not a volume "
                            "column", "a column of users a month: volume, or an interval bound such as volume_hi_80",
                            "choose --demand-column from the file's " + (", ".join(volumes) if volumes else
                                                                          "volume columns"))
    missing = [c for c in ("month", "service", column) if c not in columns]
    renames = {c: _renamed(c) for c in columns if _renamed(c) and _renamed(c) not in columns}
    if any(new in missing for new in renames.values()):  # the missing ones first, in the order required
        order = sorted(renames.items(), key=lambda pair: missing.index(pair[1]) if pair[1] in missing else len(missing))
        told = [f"{old} to {new}" + (" (an id 'service|level' as service and level)" if old == "unique_id" else "")
                for old, new in order]
        api = {"ds", "unique_id"} & set(renames)
        raise InputError.at(Location(source, row=1, column=missing[0]), f"required column '{missing[0]}' is "
                            "missing; the file has the columns of " + (
                                "a series forecast (the unique_id, ds, … table `resmodel forecast` writes for a series "
                                "file, or the API's)" if api else "an older forecast file")
                            + " (" + ", ".join(renames) + ")", f"a demand table with month, service, {column}",
                            "rename the columns: " + ", ".join(told)
                            + (f", and give --demand-column {renames[column]}" if column in renames else "")
                            + ", or give the volume_forecast.csv `resmodel forecast` writes for a volume history (month, "
                            "service, level, volume)")
    return demand_from_table(demand, service, source, column=column)
