"""The queue of decisions not executed (*ej verkställda beslut*), simulated month by month.

Demand (people with a favourable decision) meets capacity (places, or staff × users per FTE).
Three not-executed states are kept apart, as the municipality reports them (facts F0328–F0337):
new decisions waiting for a first place; AIV (avbrott i verkställighet — a user who wants to
change unit, has released the place and waits for a new one, F0331); and AIViV (a longer
absence, the place is kept and the user resumes in the same unit, F0334). Each state is a set
of monthly cohorts, so waiting times are exact: a decision from month d is counted as waiting
more than three months (reported quarterly to IVO, F0314) at the end of month d + 3 and later.
Decisions are taken as dated mid-month, so at a month end a cohort of age a has waited a + ½
months. Places go to the longest-waiting first (new decisions before AIV at equal age).

Sanction-fee exposure for cases over three months uses the bounds of LSS 28 c § (at least
10 000 and at most 1 000 000 SEK per case) and, as a central value, court practice of about
36 400 SEK per month of waiting (RÅ 2010 not 93), all from public_parameters.md."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, did_you_mean, shown
from resmodel.forecast.frame import parse_month
from resmodel.forecast.interface import MAX_VOLUME  # the largest volume the projection allows

CATEGORIES = ("new", "aiv", "aiviv")


@dataclass(frozen=True)
class QueueParams:
    """Monthly rates and reporting/fee parameters (defaults: no turnover; F0314; public_parameters.md)."""

    exit_rate: float = 0.0  # share of executed users whose decision ends per month
    aiv_rate: float = 0.0  # share of executed users starting an AIV interruption per month (place released)
    aiviv_rate: float = 0.0  # share of executed users starting an AIViV absence per month (place kept)
    aiviv_resume_rate: float = 0.0  # share of AIViV users resuming per month
    report_after_months: int = 3  # F0314: reported when not executed within three months
    fee_min: float = 10_000.0  # LSS 28 c §, public_parameters.md
    fee_max: float = 1_000_000.0  # LSS 28 c §, public_parameters.md
    fee_per_month: float = 36_400.0  # RÅ 2010 not 93, public_parameters.md

    def validate(self) -> None:
        rates = {"exit_rate": self.exit_rate, "aiv_rate": self.aiv_rate, "aiviv_rate": self.aiviv_rate,
                 "aiviv_resume_rate": self.aiviv_resume_rate}
        for name, r in rates.items():
            if not 0 <= r <= 1:
                raise InputError.at(Location(path=f"queue.{name}"), f"{name} = {r} is outside 0–1",
                                    "a monthly share between 0 and 1", f"correct {name}")
        if self.exit_rate + self.aiv_rate + self.aiviv_rate > 1:
            raise InputError.at(Location(path="queue"), "exit, AIV and AIViV rates add up to more than 1",
                                "monthly shares of the executed users summing to at most 1", "lower the rates")
        if not 0 < self.fee_min <= self.fee_max:
            raise InputError.at(Location(path="queue.fee_min"), "fee bounds are not 0 < min ≤ max",
                                "10 000 ≤ fee ≤ 1 000 000 SEK (LSS 28 c §)", "correct the fee bounds")


@dataclass
class QueueState:
    """People at the start: executed users, and waiting counts by age in months (index = age)."""

    executed: float = 0.0
    new: list[float] = field(default_factory=list)
    aiv: list[float] = field(default_factory=list)
    aiviv: list[float] = field(default_factory=list)

    @classmethod
    def filled(cls, demand: float, capacity: float, new: list[float] | None = None) -> QueueState:
        """Every place that demand can fill is filled at the start (min(demand, capacity) executed),
        with ``new`` decisions already waiting by age in months."""
        return cls(executed=min(float(demand), float(capacity)), new=list(new or []))


@dataclass
class QueueResult:
    """Monthly table, quarterly IVO report with fee exposure, waiting-time distribution, totals."""

    monthly: pd.DataFrame
    quarterly: pd.DataFrame
    waits: pd.DataFrame
    summary: dict


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
    out = pd.DataFrame({"month": _months(rows, where, service), "level": _levels(rows, where, service),
                        "value": _values(rows, column, where, service)}, index=rows.index)
    _check_mixed_levels(out, where, service)
    _check_duplicates(out, where, service)
    _check_level_months(out, where, service)
    return out


def _require_columns(table: pd.DataFrame, column: str, where: Where) -> None:
    """month, service and the demand column must be there (level is optional)."""
    for col in ("month", "service", column):
        if col not in table.columns:
            raise InputError.at(where(1, col), f"required column '{col}' is missing",
                                f"a volume forecast or history with month, service, {column}",
                                "use what `resmodel forecast` writes (or `forecast_volumes` returns)")


def _rows_of(table: pd.DataFrame, service: str, where: Where) -> pd.DataFrame:
    """The rows of ``service``; none is an error listing the services the table has."""
    names = table["service"].astype("string").fillna("").str.strip()
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
    return month


def _levels(rows: pd.DataFrame, where: Where, service: str) -> pd.Series:
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
        raise InputError.at(where(path=service), f"month {missing:%Y-%m} is missing",
                            "consecutive months", "supply demand for every month")
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


def capacity_from_staff(fte: np.ndarray, users_per_fte: float) -> np.ndarray:
    """Places that a staff level supports: FTE × users per FTE."""
    return np.asarray(fte, dtype=float) * users_per_fte


def _fee(age: np.ndarray, p: QueueParams) -> np.ndarray:
    return np.clip(p.fee_per_month * (age + 0.5), p.fee_min, p.fee_max)


def simulate_queue(
    months: pd.DatetimeIndex,
    capacity: np.ndarray,
    demand: np.ndarray | None = None,
    arrivals: np.ndarray | None = None,
    params: QueueParams | None = None,
    initial: QueueState | None = None,
) -> QueueResult:
    """Simulate ``len(months)`` months. Give either ``demand`` (people who should be served; new
    decisions top the people count up to it, replacing those who leave) or ``arrivals`` (new
    decisions per month). Without ``initial`` the first month's demand arrives in that month."""
    p = params or QueueParams()
    p.validate()
    T = len(months)
    cap = np.asarray(capacity, dtype=float)
    if (demand is None) == (arrivals is None):
        raise InputError.at(Location(path="queue"), "give either demand or arrivals", "exactly one of the two",
                            "pass the forecast demand, or the new decisions per month")
    drive = np.asarray(demand if demand is not None else arrivals, dtype=float)
    for name, arr in (("capacity", cap), ("demand" if demand is not None else "arrivals", drive)):
        if arr.shape != (T,):
            raise InputError.at(Location(path=f"queue.{name}"), f"{name} has {arr.size} values for {T} months",
                                "one value per month", f"give {name} for every month")
        bad = np.flatnonzero(~np.isfinite(arr) | (arr < 0))
        if len(bad):
            raise InputError.at(Location(path=f"queue.{name}", row=None),
                                f"{name} for {months[bad[0]]:%Y-%m} is {arr[bad[0]]:g}", "a number ≥ 0",
                                f"correct {name}")
    init = initial or QueueState()
    # ages kept: the horizon plus the initial queue, and at least up to the report age (a short horizon)
    width = max(T + 1 + max(len(init.new), len(init.aiv), len(init.aiviv), 1), p.report_after_months + 2)
    q = {c: np.zeros(width) for c in CATEGORIES}
    for c in CATEGORIES:
        vals = np.asarray(getattr(init, c), dtype=float)
        q[c][: len(vals)] = vals
    executed = float(init.executed)
    people = executed + sum(float(v.sum()) for v in q.values())
    ages = np.arange(width)
    R = p.report_after_months
    rows, wait_rows = [], []
    crossed = float(sum(q[c][R:].sum() for c in CATEGORIES))  # already over R months at the start
    crossed_total = crossed
    fee_central_total = 0.0
    for t in range(T):
        if t > 0 or initial is not None:
            for c in CATEGORIES:
                q[c] = np.concatenate([[0.0], q[c][:-1]])
            crossed += sum(q[c][R] for c in CATEGORIES)
            crossed_total += sum(q[c][R] for c in CATEGORIES)
        exits = p.exit_rate * executed
        aiv_new, aiviv_new = p.aiv_rate * executed, p.aiviv_rate * executed
        executed -= exits + aiv_new + aiviv_new
        resumed = p.aiviv_resume_rate * q["aiviv"]
        q["aiviv"] = q["aiviv"] - resumed
        executed += resumed.sum()
        q["aiv"][0] += aiv_new
        q["aiviv"][0] += aiviv_new
        people -= exits
        new_dec = max(0.0, drive[t] - people) if demand is not None else drive[t]
        people += new_dec
        q["new"][0] += new_dec
        free = max(0.0, cap[t] - executed - q["aiviv"].sum())
        done = {c: np.zeros(width) for c in ("new", "aiv")}
        for a in range(width - 1, -1, -1):
            if free <= 0:
                break
            for c in ("new", "aiv"):
                take = min(free, q[c][a])
                if take > 0:
                    q[c][a] -= take
                    done[c][a] += take
                    free -= take
        n_exec = done["new"].sum() + done["aiv"].sum()
        late = float(done["new"][R:].sum() + done["aiv"][R:].sum())
        executed += n_exec
        for c in ("new", "aiv"):
            fee_central_total += float((done[c][R:] * _fee(ages[R:], p)).sum())
            for a in np.flatnonzero(done[c]):
                wait_rows.append((months[t], c, int(a), done[c][a]))
        over = {c: float(q[c][R:].sum()) for c in CATEGORIES}
        crossed_now, crossed = crossed, 0.0
        rows.append({
            "month": months[t], "demand": float(drive[t]) if demand is not None else people,
            "capacity": cap[t], "executed": executed, "exits": exits, "new_decisions": new_dec,
            "executions": n_exec, "aiv_started": aiv_new, "aiviv_started": aiviv_new, "aiviv_resumed": resumed.sum(),
            "queue_new": q["new"].sum(), "queue_aiv": q["aiv"].sum(), "aiviv": q["aiviv"].sum(),
            "not_executed_total": sum(q[c].sum() for c in CATEGORIES),
            **{f"over_{R}m_{c}": over[c] for c in CATEGORIES},
            f"over_{R}m_total": sum(over.values()),
            f"passed_{R}m": crossed_now, f"executed_after_{R}m": late,
            "fee_central_open": float(sum((q[c][R:] * _fee(ages[R:], p)).sum() for c in CATEGORIES)),
        })
    monthly = pd.DataFrame(rows)
    fee_central_total += float(sum((q[c][R:] * _fee(ages[R:], p)).sum() for c in CATEGORIES))
    qe = monthly[monthly["month"].dt.month.isin([3, 6, 9, 12])]
    in_quarter = monthly.groupby(monthly["month"].dt.to_period("Q"))[[f"passed_{R}m", f"executed_after_{R}m"]].sum()
    in_quarter = in_quarter.reindex(qe["month"].dt.to_period("Q"))
    quarterly = pd.DataFrame({
        "quarter": [f"{m.year}-Q{(m.month - 1) // 3 + 1}" for m in qe["month"]],
        **{f"over_{R}m_{c}": qe[f"over_{R}m_{c}"].to_numpy() for c in CATEGORIES},
        f"over_{R}m_total": qe[f"over_{R}m_total"].to_numpy(),
        f"passed_{R}m_in_quarter": in_quarter[f"passed_{R}m"].to_numpy(),
        f"executed_after_{R}m_in_quarter": in_quarter[f"executed_after_{R}m"].to_numpy(),
        "exposure_min_sek": qe[f"over_{R}m_total"].to_numpy() * p.fee_min,
        "exposure_central_sek": qe["fee_central_open"].to_numpy(),
        "exposure_max_sek": qe[f"over_{R}m_total"].to_numpy() * p.fee_max,
    })
    waits = pd.DataFrame(wait_rows, columns=["month", "category", "wait_months", "executions"])
    waits["wait_months"] = waits["wait_months"] + 0.5
    dist = waits.groupby(["category", "wait_months"], as_index=False)["executions"].sum()
    executed_total = float(dist["executions"].sum())
    summary = {
        "months": T,
        "executions": executed_total,
        "mean_wait_months": float((dist["wait_months"] * dist["executions"]).sum() / executed_total)
        if executed_total else float("nan"),
        f"cases_over_{R}m": float(crossed_total),
        "exposure_min_sek": float(crossed_total * p.fee_min),
        "exposure_central_sek": fee_central_total,
        "exposure_max_sek": float(crossed_total * p.fee_max),
        "still_waiting_at_end": float(sum(q[c].sum() for c in CATEGORIES)),
    }
    return QueueResult(monthly.drop(columns="fee_central_open"), quarterly, dist, summary)
