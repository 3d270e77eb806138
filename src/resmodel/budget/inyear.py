"""In-year full-year forecast (*helårsprognos*, issue 4 item 6) from year-to-date monthly actuals,
and its backtest.

For each report area the cost per unit of volume follows a seasonal profile (summer closures in
daily activity, holiday pay and summer substitutes in 24-hour services, year-end bookings), learnt
from earlier years as the mean of each month's rate relative to its year's mean rate. From month
k the forecast is

    full year = cost to date + ρ × Σ_{m>k} v̂_m × S_m,   ρ = Σ_{m≤k} c_m / Σ_{m≤k} v_m × S_m

where S is the profile, v̂ the volume of month k carried forward with the organic trend of the last
12 months plus the decided volume changes known at month k. The interval combines month-to-month
noise in the remaining months, the error in ρ estimated from k months (σ = residual spread of the
monthly rates around their own year's fit) and an in-year level shift (rms of second-half versus
first-half rates in earlier years); where the method's own past errors at that month exist for
two or more years, the interval is at least as wide as they imply (Student-t widened). The
backtest forecasts every past year from each month-end and compares with the year's outcome.

Actuals format (one row per year, month and area — docs/budget.md): year, month (1–12), area
(report area key), cost (net cost booked in the month, SEK), volume (average users/cases/places
in the month; 0 or empty for areas without a volume measure); the tables are checked in ``budget.inyear_checks``.
The months up to k are taken as booked in full (accrued): ``check_booked`` refuses a month at 0 among months with
cost, ``off_rate_months`` names months far off the run rate (late invoices, double bookings),
``check_signs_and_scale`` a result report's signs and tkr among SEK in the years the forecast uses,
``check_frame_scale`` frames in other units than the actuals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resmodel.budget.areas import AREA_KEYS
from resmodel.budget.inyear_checks import (
    InYearInputs,
    check_against_actuals,
    check_frame_coverage,
    check_year,
    loc,
    prepare,
    years_text,
)
from resmodel.budget.projection import TOTAL
from resmodel.errors import InputError, Location, ProblemCollector, Warning_

Z = {50: 0.6745, 80: 1.2816, 90: 1.6449, 95: 1.9600}
#: Student-t quantiles for 1–5 degrees of freedom at the same two-sided levels: a past error
#: estimated from n years is widened by t(n) / z (prediction with an estimated variance)
T = {50: (1.000, 0.816, 0.765, 0.741, 0.727), 80: (3.078, 1.886, 1.638, 1.533, 1.476),
     90: (6.314, 2.920, 2.353, 2.132, 2.015), 95: (12.706, 4.303, 3.182, 2.776, 2.571)}


@dataclass(frozen=True)
class InYearSettings:
    """Method settings: how many earlier years shape the profile, interval level, fallback σ."""

    lookback_years: int = 3
    level: int = 80
    default_sigma: float = 0.03  # used only when there is no history and fewer than 3 months
    volume_trend: bool = True    # carry the organic volume trend of the last 12 months forward


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def start_note(start_year: int, start: int, year: int, month: int) -> str:
    """What the forecast of ``year`` from ``month`` does with an area that starts in month ``start`` of
    ``start_year`` (``area_starts``)."""
    if start_year < year:
        how = f"{start_year} is left out of its seasonal profile, spread and past errors (not a whole year)"
    elif start <= month:
        how = (f"its run rate is taken from {months_text(range(start, month + 1))} and carried on; the months before "
               "count as 0")
    else:
        how = f"after --month {month}, so it is forecast 0 as at month {month}"
    return f"starts in {MONTHS[start - 1]} {start_year} (no cost in {months_text(range(1, start))}): {how}"


#: a year whose typical monthly amount in an area (the median of its absolute monthly net costs) is this many times
#: the median over the years the forecast uses, or this fraction of it, is in other units — tkr among SEK is 1 000×,
#: which no area's gross amounts move in a year: an error. Milder (from ``SCALE_WARNING`` times) is a warning: a
#: reorganised area moves its amounts 10-fold; an area's net cost near 0 (central income booked in it) says nothing
#: of its units, so the gross amounts are compared, not the net
UNIT_MIX_LIMIT = 300.0
SCALE_WARNING = 10.0


def _judged_years(d: _AreaData, year: int, s: InYearSettings) -> list[int]:
    """The years the forecast of ``year`` uses for an area: its profile years (``lookback_years`` earlier ones,
    as ``profile`` is given them) and ``year``; an odd year outside them does not stop the forecast."""
    return [y for y in d.years if y < year][-s.lookback_years:] + ([year] if year in d.cost else [])


def _booked(d: _AreaData, y: int, year: int, month: int) -> np.ndarray:
    """An area's booked monthly net costs of year ``y`` as the forecast of ``year`` from ``month`` sees them."""
    c = d.cost[y][:month] if y == year else d.cost[y]
    return c[~np.isnan(c)]


def near_thousand(ratio: float) -> bool:
    """Whether a ratio of two amounts is about 1 000 (or 1/1 000) — tkr against SEK — rather than another factor."""
    return UNIT_MIX_LIMIT <= max(ratio, 1 / ratio) <= 1000 ** 2 / UNIT_MIX_LIMIT


def check_signs_and_scale(t: pd.DataFrame, data: dict[str, _AreaData], fr: pd.DataFrame, year: int, month: int,
                          s: InYearSettings, file: str | None = None) -> list[Warning_]:
    """The years the forecast uses (``_judged_years``; ``year`` up to ``month``) in the area's sign and units:
    refused are a year negative in every month among years mostly positive (a result report's signs), a net cost
    to date negative against a positive frame (the run rate would carry it on) and a year's typical monthly
    amount ``UNIT_MIX_LIMIT`` times off (tkr among SEK); milder findings are returned as warnings. ``t``: the
    checked actuals, indexed by spreadsheet row, for the locations."""
    problems, warnings = ProblemCollector(), []
    for area, d in ((a, data[a]) for a in AREA_KEYS if a in data):
        booked = {y: c for y in d.years if len(c := _booked(d, y, year, month))}
        judged = [y for y in _judged_years(d, year, s) if y in booked]
        frame = float(fr.loc[(fr["area"] == area) & (fr["year"] == year), "frame"].sum())
        flipped = _sign_findings(t, area, booked, judged, year, file, problems, warnings)
        warnings += [_left_out(t, area, y, d.cost[y], file) for y in judged if y < year and y not in flipped
                     and np.median(booked[y]) > 0 and not np.isnan(d.cost[y]).any() and not _usable(d.cost[y])]
        if year in booked and year not in flipped and booked[year].sum() < 0 < frame:
            _negative_to_date(t, area, d, year, month, frame, file, problems)
        _scale_findings(t, area, booked, judged, file, problems, warnings)
    problems.raise_if_any()
    return warnings


def _first_row(t: pd.DataFrame, area: str, y: int) -> int:
    """The spreadsheet row of an area's first month of year ``y`` (``t`` indexed by spreadsheet row)."""
    return int(_rows_of(t, area, y).min())


def _sign_findings(t: pd.DataFrame, area: str, booked: dict[int, np.ndarray], judged: list[int], year: int,
                   file: str | None, problems: ProblemCollector, warnings: list[Warning_]) -> set[int]:
    """A judged year negative in every month while the area's other years are mostly positive: refused (an export
    with a result report's signs, costs negative); mostly negative months only: a warning (central income booked
    in the area?). Returns the refused years."""
    positive = [y for y, c in booked.items() if np.median(c) > 0]
    flipped = set()
    for y in judged:
        c, others = booked[y], [p for p in positive if p != y]
        if not others or np.median(c) >= 0:
            continue
        where = loc(file, _first_row(t, area, y), "cost")
        span = " to --month" if y == year else ""
        if (c <= 0).all():
            flipped.add(y)
            problems.add(where, f"{area} {y}: the net cost is negative in every month{span} ({c.sum() / 1e6:,.1f} "
                         f"MSEK in {len(c)} months) while {years_text(others)} {'is' if len(others) == 1 else 'are'} "
                         "positive — the sign flips between years", "costs positive, income negative, in every year "
                         "(net cost = costs − income)", f"export {y} with the same signs as the other years (a result "
                         "report shows costs as negative amounts: change their sign)")
        else:
            warnings.append(Warning_("inyear.year_mostly_negative", where, f"{area} {y}: the net cost is negative in "
                                     f"{int((c < 0).sum())} of {len(c)} months (median {np.median(c) / 1e6:,.2f} MSEK) "
                                     f"while {years_text(others)} {'is' if len(others) == 1 else 'are'} mostly "
                                     "positive — income booked in the area, or part of the export with a result "
                                     "report's signs (costs negative)? The forecast takes the amounts as they are"))
    return flipped


def _left_out(t: pd.DataFrame, area: str, y: int, c: np.ndarray, file: str | None) -> Warning_:
    """A profile year whose months of net income outweigh a third of its costs (``_usable``): said, as the forecast
    leaves it out of the area's profile, spread and past errors."""
    income = np.flatnonzero(c < 0) + 1
    sizes = ", ".join(f"{m} ({c[m - 1] / 1e6:,.1f} MSEK)" for m in income)
    return Warning_("inyear.year_left_out", loc(file, int(_rows_of(t, area, y)[income[0]]), "cost"),
                    f"{area} {y}: {'month' if len(income) == 1 else 'months'} {sizes} of net income "
                    f"{'leaves' if len(income) == 1 else 'leave'} a net cost "
                    f"of {c.sum() / 1e6:,.1f} MSEK against {np.abs(c).sum() / 1e6:,.1f} MSEK booked in all — a one-off "
                    "(a state grant, a retroactive reimbursement) booked in the area? The forecast leaves "
                    f"{y} out of the area's seasonal profile, spread and past errors")


def _negative_to_date(t: pd.DataFrame, area: str, d: _AreaData, year: int, month: int, frame: float,
                      file: str | None, problems: ProblemCollector) -> None:
    """An area whose net cost to date is negative against a positive frame: the run rate would forecast income for
    the rest of the year. Every month negative is a result report's signs; else the negative months are a one-off
    income (a retroactive reimbursement, a state grant) that the run rate would carry on."""
    c, rows = d.cost[year][:month], _rows_of(t, area, year)
    months = np.flatnonzero(~np.isnan(c)) + 1
    span = f"months {months[0]}–{month}" if months[0] < month else f"month {month}"
    total = f"{area} {year}: the net cost of {span} is {np.nansum(c) / 1e6:,.1f} MSEK, negative, while its frame is " \
            f"{frame / 1e6:,.1f} MSEK"
    if (c[months - 1] <= 0).all():
        problems.add(loc(file, int(rows[months[0]]), "cost"), total, "costs positive, income negative (net cost = "
                     "costs − income), as the frame is", "export the amounts with the opposite sign (a result report "
                     "shows costs as negative amounts)")
        return
    negative = [m for m in months if c[m - 1] < 0]
    sizes = ", ".join(f"{m} ({c[m - 1] / 1e6:,.1f} MSEK)" for m in negative)
    problems.add(loc(file, int(rows[negative[0]]), "cost"), f"{total}: {'month' if len(negative) == 1 else 'months'} "
                 f"{sizes} {'outweighs' if len(negative) == 1 else 'outweigh'} the other months' cost — a one-off "
                 "income (a retroactive reimbursement, a state grant)? The run rate would carry it into the rest of "
                 "the year", "a net cost to date that the run "
                 "rate can carry on: the months' costs, with one-offs apart", "keep the signs; take the one-off out of "
                 "the month (and add it to the full-year forecast yourself), or accrue it over the months it concerns "
                 "(periodisera)")


def _scale_findings(t: pd.DataFrame, area: str, booked: dict[int, np.ndarray], judged: list[int],
                    file: str | None, problems: ProblemCollector, warnings: list[Warning_]) -> None:
    """Each judged year's typical monthly amount (median of the absolute monthly net costs) against the median of
    the judged years': about 1 000× off is refused (tkr among SEK), ``SCALE_WARNING``× off is a warning."""
    level = pd.Series({y: float(np.median(np.abs(booked[y]))) for y in judged})
    if len(level) < 2 or level.median() <= 0:
        return
    ratio = level / level.median()
    for y in ratio.index[(ratio > 0).to_numpy()]:
        r, where = float(ratio[y]), loc(file, _first_row(t, area, y), "cost")
        off = (f"{area} {y}: the monthly net cost (median {level[y]:,.0f} in absolute value) is {_times(r)} the median "
               f"of {years_text(judged)} ({level.median():,.0f})")
        if max(r, 1 / r) >= UNIT_MIX_LIMIT:
            problems.add(where, off + (" — tkr and SEK mixed?" if near_thousand(r) else " — amounts in another unit?"),
                         "amounts in SEK (kr) in every year", _unit_fix(area, y, r))
        elif max(r, 1 / r) >= SCALE_WARNING:
            warnings.append(Warning_("inyear.year_off_scale", where, off + " — a reorganised area, or amounts in "
                                     "another unit? The forecast uses them as they are (its seasonal profile and "
                                     "spread are relative to each year)"))


def _unit_fix(area: str, y: int, ratio: float) -> str:
    """The fix for a year ``ratio`` times the area's typical year: tkr × 1 000 only where the ratio is about 1 000."""
    if not near_thousand(ratio):
        return "write every year's amounts in SEK (kr)"
    return (f"write {area}'s {y} amounts in SEK (tkr × 1 000)" if ratio < 1 else
            f"write every year's amounts in SEK (kr); {y} looks like SEK among years in tkr")


def _times(ratio: float) -> str:
    """'1/1,000 of', '3.2 times' or '1/3.5 of' for a ratio, as a message says it (a decimal below 10)."""
    big = max(ratio, 1 / ratio)
    size = f"{big:,.0f}" if big >= 10 else f"{big:.1f}"
    return f"1/{size} of" if ratio < 1 else f"{size} times"




# ----------------------------------------------------------------------------- method


@dataclass(frozen=True)
class _AreaData:
    """One area's months as 12-vectors per year (NaN where not yet booked)."""

    years: tuple[int, ...]
    cost: dict[int, np.ndarray]
    volume: dict[int, np.ndarray]


def _by_area(t: pd.DataFrame) -> dict[str, _AreaData]:
    out = {}
    for area, g in t.groupby("area", sort=False):
        cost, volume = {}, {}
        for y, gy in g.groupby("year"):
            c, v = np.full(12, np.nan), np.full(12, np.nan)
            c[gy["month"].to_numpy() - 1] = gy["cost"].to_numpy()
            v[gy["month"].to_numpy() - 1] = gy["volume"].to_numpy()
            cost[int(y)], volume[int(y)] = c, v
        out[str(area)] = _AreaData(tuple(sorted(cost)), cost, volume)
    return out


def _volume_basis(v: np.ndarray) -> np.ndarray:
    """Areas without a volume measure (all zero) use 1 per month, i.e. a plain cost run rate."""
    return v if np.nansum(v) > 0 else np.where(np.isnan(v), np.nan, 1.0)


#: a year enters an area's seasonal profile, spread and past errors only if its net cost is at least this share of
#: its gross monthly amounts (Σ|c|): where income booked in the area (a state grant, a one-off reimbursement)
#: outweighs a third of its costs, the year's shape and relative errors say nothing of the months to come
NET_SHARE = 0.5


def _usable(c: np.ndarray) -> bool:
    """A complete year whose net cost is positive and at least ``NET_SHARE`` of its gross monthly amounts."""
    return bool(not np.isnan(c).any() and c.sum() > 0 and c.sum() >= NET_SHARE * np.abs(c).sum())


def _history(d: _AreaData, year: int, s: InYearSettings) -> list[int]:
    """The earlier years the forecast of ``year`` learns an area's profile, spread and drift from: of the
    ``lookback_years`` before it, the usable ones."""
    return [y for y in _judged_years(d, year, s) if y < year and _usable(d.cost[y])]


def profile(data: _AreaData, years: Sequence[int]) -> np.ndarray:
    """Seasonal profile of the rate (cost per volume unit) over complete earlier years; flat if none."""
    shapes = []
    for y in years:
        c, v = data.cost[y], _volume_basis(data.volume[y])
        if np.isnan(c).any() or np.any(v <= 0):
            continue
        r = c / v
        if r.mean() > 0:
            shapes.append(r / r.mean())
    return np.mean(shapes, axis=0) if shapes else np.ones(12)


def _sigma(data: _AreaData, years: Sequence[int], shape: np.ndarray, c: np.ndarray, v: np.ndarray, k: int,
           default: float) -> float:
    """Spread of monthly rates around the profile fit, from earlier years and the months to date.
    A profile learnt from one year fits that year exactly, so its residuals (all zero) say nothing:
    earlier years count only when the profile rests on two or more. A month the profile has at 0 (booked at 0
    in every earlier year) has no relative residual and is left out."""
    res = []
    for y in (years if len(years) >= 2 else []):
        cy, vy = data.cost[y], _volume_basis(data.volume[y])
        if np.isnan(cy).any() or cy.sum() <= 0:  # a year without cost has no relative spread (0 / 0)
            continue
        rho = cy.sum() / (vy * shape).sum()
        fitted = rho * vy * shape
        res.extend(cy[fitted > 0] / fitted[fitted > 0] - 1.0)
    booked = ~np.isnan(c[:k])  # the months to date from the area's start
    ck, vk, sk = c[:k][booked], v[:k][booked], shape[:k][booked]
    if len(ck) >= 2 and ck.sum() > 0:
        fitted = ck.sum() / (vk * sk).sum() * vk * sk
        res.extend(ck[fitted > 0] / fitted[fitted > 0] - 1.0)
    if len(res) < 3:
        return default
    return float(np.std(res, ddof=1))


def _drift(data: _AreaData, years: Sequence[int], shape: np.ndarray) -> float:
    """Typical in-year level shift: rms of (second-half rate / first-half rate − 1) in earlier years,
    after the profile — the risk a run rate cannot see (a cost trend starting mid-year). Not measured
    on a single year, which its own profile fits exactly (as in ``_sigma``)."""
    shifts = []
    for y in (years if len(years) >= 2 else []):
        c, v = data.cost[y], _volume_basis(data.volume[y])
        if np.isnan(c).any():
            continue
        first = c[:6].sum() / (v[:6] * shape[:6]).sum()
        second = c[6:].sum() / (v[6:] * shape[6:]).sum()
        if first > 0:
            shifts.append(second / first - 1.0)
    return float(np.sqrt(np.mean(np.square(shifts)))) if shifts else 0.0


def _changes(changes: pd.DataFrame, area: str, year: int, k: int, after: bool) -> np.ndarray:
    """Cumulative known volume change by month of ``year``: changes effective after month k that
    are known by month k (after=True), or changes effective in months up to k (after=False)."""
    out = np.zeros(12)
    if len(changes) == 0:
        return out
    sel = changes[(changes["area"] == area) & (changes["year"] == year)]
    for _, row in sel.iterrows():
        m = int(row["month"])
        if after and m > k and (int(row["known_year"]), int(row["known_month"])) <= (year, k):
            out[m - 1:] += float(row["volume_change"])
        elif not after and m <= k:
            out[m - 1:] += float(row["volume_change"])
    return out


def _trend(data: _AreaData, changes: pd.DataFrame, area: str, year: int, k: int) -> float:
    """Organic monthly volume growth over the last 12 months, net of the known (decided) changes."""
    prev = data.volume.get(year - 1)
    v = data.volume[year]
    if prev is None or np.isnan(prev[k - 1]) or np.isnan(v[0]) or np.nansum(v) == 0:  # v[0] NaN: started this year
        return 0.0
    decided = _changes(changes, area, year, k, after=False)[k - 1] + (
        _changes(changes, area, year - 1, 12, after=False)[11] - _changes(changes, area, year - 1, k, after=False)[k - 1])
    return float((v[k - 1] - prev[k - 1] - decided) / 12.0)


def _point(data: _AreaData, changes: pd.DataFrame, area: str, year: int, k: int,
           s: InYearSettings) -> tuple[float, float, float]:
    """(cost to date, full-year forecast, model sd) for one area from month k."""
    c, v = data.cost[year], _volume_basis(data.volume[year])
    history = _history(data, year, s)
    shape = profile(data, history)
    booked = ~np.isnan(c[:k])  # the months to date from the area's start (``area_starts``)
    ytd = float(c[:k][booked].sum())
    if k == 12:
        return ytd, ytd, 0.0
    base = (v[:k] * shape[:k])[booked].sum()
    rho = ytd / base if base > 0 else 0.0
    trend = _trend(data, changes, area, year, k) if s.volume_trend else 0.0
    known = _changes(changes, area, year, k, after=True)
    v_hat = v[k - 1] + trend * (np.arange(1, 13) - k) + known
    below = np.flatnonzero((v_hat[k:] < 0) & (known[k:] < 0))
    if len(below):  # a closure larger than the volume: a typing mistake, not a forecast of nobody
        month = k + int(below[0]) + 1
        raise InputError.at(Location(path=f"changes.{area}.{year}-{month:02d}"), f"the volume changes take {area}'s "
                            f"volume to {v_hat[month - 1]:,.1f} in {year}-{month:02d}, below zero",
                            f"changes that leave a volume ≥ 0 (its volume in month {k}: {v[k - 1]:,.1f})",
                            "correct the change (a typing mistake?)")
    rest = rho * np.maximum(v_hat[k:], 0.0) * shape[k:]
    sigma = _sigma(data, history, shape, c, v, k, s.default_sigma)
    drift = _drift(data, history, shape)
    sd = np.sqrt(sigma ** 2 * ((rest ** 2).sum() + rest.sum() ** 2 / booked.sum()) + (drift * rest.sum()) ** 2)
    return ytd, ytd + float(rest.sum()), float(sd)


def _relative_errors(data: dict[str, _AreaData], changes: pd.DataFrame, year: int, k: int, s: InYearSettings,
                     cache: dict) -> dict[str, list[float]]:
    """Relative errors of the same method from month k in earlier complete years (per area and total). An area's
    own errors come from its usable years (``_usable``: a relative error on a net cost near 0 says nothing); the
    board's from every area complete in the year with an earlier one."""
    out: dict[str, list[float]] = {}
    years = sorted({y for d in data.values() for y in d.years if y < year})[-s.lookback_years:]
    for y in years:
        areas = [a for a, d in data.items() if y in d.cost and not np.isnan(d.cost[y]).any()
                 and any(yy < y for yy in d.years)]
        if not areas:
            continue
        key = (y, k)
        if key not in cache:
            errors, fc_total, out_total = {}, 0.0, 0.0
            for area in areas:
                d = data[area]
                _, fc, _ = _point(d, changes, area, y, k, s)
                outcome = float(d.cost[y].sum())
                if _usable(d.cost[y]):
                    errors[area] = fc / outcome - 1.0
                fc_total, out_total = fc_total + fc, out_total + outcome
            errors[TOTAL] = fc_total / out_total - 1.0 if out_total else 0.0
            cache[key] = errors
        for area, e in cache[key].items():
            out.setdefault(area, []).append(e)
    return out


def _areas_to_date(data: dict[str, _AreaData], year: int, month: int):
    """(area, its data, its costs of months 1–``month`` of ``year``, the index of its first booked month — ``month``
    for an area starting later in the year) for each area with actuals in ``year``."""
    for area in AREA_KEYS:
        d = data.get(area)
        if d is None or year not in d.cost:
            continue
        c = d.cost[year][:month]
        yield area, d, c, int(np.argmax(~np.isnan(c))) if (~np.isnan(c)).any() else month


def _missing_months(data: dict[str, _AreaData], year: int, month: int, file: str | None) -> None:
    """Refuse months 1–``month`` of ``year`` without actuals (after an area's start): when the file ends before
    ``month`` in every area, once, with the last month booked to forecast from; else each area's first gap (a cut
    file was told of its first area alone)."""
    first_missing = {}
    for area, _, c, start in _areas_to_date(data, year, month):
        if np.isnan(c[start:]).any():
            first_missing[area] = start + int(np.flatnonzero(np.isnan(c[start:]))[0]) + 1
    if not first_missing:
        return
    booked = {area: int(np.flatnonzero(~np.isnan(d.cost[year][:month]))[-1]) + 1
              for area, d in data.items() if year in d.cost and (~np.isnan(d.cost[year][:month])).any()}
    last = max(booked.values(), default=0)
    if last < month and all(first_missing.get(area) == last + 1 for area in booked):
        months = f"month {month}" if last + 1 == month else f"months {last + 1}–{month}"
        raise InputError.at(Location(file=file, path=f"inyear.{year}-{last + 1:02d}"),
                            f"the actuals of {year} end at month {last}: {months} "
                            f"{'has' if last + 1 == month else 'have'} no actuals in any area",
                            f"actuals for months 1–{month}", f"forecast from month {last} (--month {last}), the last "
                            f"month booked, or add {months}")
    problems = ProblemCollector()
    for area, first in first_missing.items():
        problems.add(Location(file=file, path=f"inyear.{area}.{year}-{first:02d}"),
                     f"{area} {year}: month {first} has no actuals", f"actuals for months 1–{month}",
                     "forecast from an earlier month or add the missing month")
    problems.raise_if_any()


def _forecast(data: dict[str, _AreaData], fr: pd.DataFrame, ch: pd.DataFrame, year: int,
              month: int, s: InYearSettings, cache: dict, file: str | None = None) -> pd.DataFrame:
    z = Z[s.level]
    rows = []
    _missing_months(data, year, month, file)
    for area, d, _, start in _areas_to_date(data, year, month):
        # not started by month ``month``: nothing to date to carry on (its later months are not known then)
        ytd, fc, sd = _point(d, ch, area, year, month, s) if start < month else (0.0, 0.0, 0.0)
        frame = fr[(fr["area"] == area) & (fr["year"] == year)]["frame"].sum()
        rows.append({"area": area, "cost_to_date": ytd, "forecast": fc, "sd": sd, "frame": float(frame)})
    if not rows:
        raise InputError.at(Location(path=f"inyear.{year}"), f"no actuals for {year}", "actuals for the year",
                            "add the year's months")
    table = pd.DataFrame(rows)
    total = {"area": TOTAL, "cost_to_date": table["cost_to_date"].sum(), "forecast": table["forecast"].sum(),
             "sd": float(np.sqrt((table["sd"] ** 2).sum())), "frame": table["frame"].sum()}
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    if month < 12:  # widen to the method's own past error at this month where history allows
        past = _relative_errors(data, ch, year, month, s, cache)
        for i, area in enumerate(table["area"]):
            errs = past.get(area, [])
            if len(errs) >= 2:
                widen = T[s.level][len(errs) - 1] / z if len(errs) <= len(T[s.level]) else 1.0
                empirical = float(np.sqrt(np.mean(np.square(errs)))) * table.at[i, "forecast"] * widen
                table.at[i, "sd"] = max(table.at[i, "sd"], empirical)
    table["lo"] = table["forecast"] - z * table["sd"]
    table["hi"] = table["forecast"] + z * table["sd"]
    table["deviation"] = table["frame"] - table["forecast"]
    table["deviation_lo"] = table["frame"] - table["hi"]
    table["deviation_hi"] = table["frame"] - table["lo"]
    table.insert(0, "year", year)
    table.insert(1, "month", month)
    table["level"] = s.level
    return table


def _settings(settings: InYearSettings | None, month: int | None = None) -> InYearSettings:
    s = settings or InYearSettings()
    if s.level not in Z:
        raise InputError.at(Location(path="inyear.level"), f"interval level {s.level}",
                            "one of " + ", ".join(map(str, Z)), "choose a supported level")
    if s.lookback_years < 1:
        raise InputError.at(Location(path="inyear.lookback_years"), f"lookback {s.lookback_years}",
                            "at least 1 year", "set lookback_years ≥ 1")
    if month is not None and not 1 <= month <= 12:
        raise InputError.at(Location(path="inyear.month"), f"month {month}", "a month 1–12", "correct the month")
    return s


def forecast(actuals: pd.DataFrame, frames: pd.DataFrame, year: int, month: int,
             changes: pd.DataFrame | None = None, settings: InYearSettings | None = None,
             file: str | None = None, frames_file: str | None = None,
             changes_file: str | None = None) -> pd.DataFrame:
    """Full-year forecast per area and for the board from actuals up to ``month`` of ``year``:
    area, cost_to_date, forecast, sd, lo, hi (interval at settings.level %), frame, deviation
    (frame − forecast) and its interval (deviation_lo, deviation_hi). The sd is the larger of the
    model's (noise and rate error) and the method's own past error at this month (≥ 2 years). Findings in the
    actuals that do not stop the forecast are in ``attrs["warnings"]``."""
    s = _settings(settings, month)
    return forecast_prepared(prepare(actuals, frames, changes, (year, month), file, frames_file, changes_file), s)


def forecast_prepared(inputs: InYearInputs, settings: InYearSettings | None = None) -> pd.DataFrame:
    """``forecast`` from tables checked once by ``prepare`` as at the (year, month) to forecast from, for a command
    that uses them again (the backtest, its notes)."""
    if inputs.as_at is None:
        raise ValueError("forecast_prepared needs the inputs prepared as at the (year, month) to forecast from")
    year, month = inputs.as_at
    s = _settings(settings, month)
    t, fr, ch, file = inputs.actuals, inputs.frames, inputs.changes, inputs.file
    check_year(t, year, file)
    check_frame_coverage(fr, t, year, inputs.frames_file)
    check_against_actuals(t, fr, ch, year, file, inputs.frames_file, inputs.changes_file)
    data = _by_area(t)
    warnings = check_signs_and_scale(t, data, fr, year, month, s, file)
    check_booked(t, data, year, month, s, file)
    table = _forecast(data, fr, ch, year, month, s, {}, file)
    table.attrs["warnings"] = warnings
    return table


def _rows_of(t: pd.DataFrame, area: str, year: int) -> pd.Series:
    """Spreadsheet row by month of one area and year of the checked actuals (indexed by row)."""
    sel = t[(t["area"] == area) & (t["year"] == year)]
    return pd.Series(sel.index, index=sel["month"].to_numpy())


def months_text(months: Sequence[int]) -> str:
    """'month 9', 'months 9–12' (consecutive) or 'months 9, 11' as a message names months of a year."""
    months = sorted(months)
    if len(months) > 2 and months == list(range(months[0], months[-1] + 1)):
        return f"months {months[0]}–{months[-1]}"
    return ("month " if len(months) == 1 else "months ") + ", ".join(map(str, months))


def check_booked(t: pd.DataFrame, data: dict[str, _AreaData], year: int, month: int, s: InYearSettings,
                 file: str | None = None) -> None:
    """The months the forecast takes as final are booked: no month up to ``month`` is booked at 0 among months with
    cost — a month not yet booked, which the run rate would read as a month that cost nothing. A month at 0 is
    accepted where the earlier years booked nothing in it either (its seasonal profile is 0). (A net cost to date
    below 0 is ``check_signs_and_scale``'s.)"""
    problems = ProblemCollector()
    for area, d in ((a, data[a]) for a in AREA_KEYS if a in data):
        if year not in d.cost:
            continue
        c, v, rows = d.cost[year][:month], d.volume[year][:month], _rows_of(t, area, year)
        shape = profile(d, _history(d, year, s))
        zero = [m + 1 for m in np.flatnonzero((c == 0) & (shape[:month] > 0))]
        if zero and np.nansum(np.abs(c)) > 0:
            volume = "" if np.nansum(d.volume[year]) == 0 else " with a volume of " + ", ".join(
                f"{v[m - 1]:,.1f}" for m in zero)
            last = zero[0] - 1
            problems.add(loc(file, int(rows[zero[0]]), "cost"), f"{area} {year}: {months_text(zero)} booked at 0"
                         f"{volume}, among months with cost — not yet booked? the forecast would take "
                         f"{'it' if len(zero) == 1 else 'them'} as final",
                         f"every month up to --month {month} booked in full, accrued (periodiserat)",
                         (f"forecast from month {last} (--month {last}), the last month booked, or " if last else "")
                         + "fill in the months' net cost, accrued (invoices still to come: resmodel nowcast's "
                         "still_to_come)")
    problems.raise_if_any()


#: a frame beyond this many times its area's forecast net cost (or this fraction of it) is in other units than the
#: actuals (tkr against SEK is 1 000×): refused. Within it, outside ``FRAME_BAND``, a warning: a board's deviations
#: are a few per cent, but a central reserve (nämndreserv) held in the administration's frame can be several times
#: the area's own net cost
FRAME_LIMIT = 30.0
FRAME_BAND = (1 / 3, 3.0)


def check_frame_scale(table: pd.DataFrame, fr: pd.DataFrame, frames_file: str | None = None,
                      file: str | None = None) -> list[Warning_]:
    """Each area's frame within 1/30 and 30 times its forecast net cost (beyond, frames and actuals are in different
    units: refused); outside a third to three times, a warning. ``table``: a forecast; ``fr``: the checked frames
    (indexed by spreadsheet row)."""
    problems, warnings = ProblemCollector(), []
    year = int(table["year"].iat[0])
    for area, forecast_, frame in zip(table["area"], table["forecast"], table["frame"], strict=True):
        if area == TOTAL or frame <= 0 or forecast_ <= 0 or FRAME_BAND[0] <= frame / forecast_ <= FRAME_BAND[1]:
            continue
        ratio = frame / forecast_
        row = fr.index[((fr["area"] == area) & (fr["year"] == year)).to_numpy()][0]
        off = (f"the frame of {area} {year} ({frame:,.0f}) is {_times(ratio)} its forecast net cost ({forecast_:,.0f}, "
               f"from {file or 'the actuals'})")
        if max(ratio, 1 / ratio) <= FRAME_LIMIT:
            warnings.append(Warning_("inyear.frame_off_forecast", loc(frames_file, int(row), "frame"), off + " — a "
                                     "central reserve (nämndreserv) held in the area, or a frame meant for another "
                                     f"area? The deviation shows the difference as a {'surplus' if ratio > 1 else 'deficit'}"))
            continue
        tkr = near_thousand(ratio)
        problems.add(loc(frames_file, int(row), "frame"), off + (" — tkr and SEK mixed?" if tkr else " — frames and "
                     "actuals in different units or areas?"), f"a frame between 1/{FRAME_LIMIT:g} and {FRAME_LIMIT:g} "
                     "times the area's forecast net cost, amounts in SEK (kr) in both files",
                     "write the frames and the actuals in SEK (kr): tkr × 1 000" if tkr else "check that the frame and "
                     "the actuals are for the same area, both in SEK (kr)")
    problems.raise_if_any()
    return warnings


#: a month up to --month whose rate is off the run rate × seasonal profile by more than this many times the area's
#: month-to-month spread of rates in earlier years — and by at least ``OFF_RATE_FLOOR`` — is named
OFF_RATE_SIGMAS = 5.0
OFF_RATE_FLOOR = 0.10


def off_rate_months(t: pd.DataFrame, year: int, month: int, file: str | None = None,
                    settings: InYearSettings | None = None) -> list[Warning_]:
    """Months up to ``month`` whose rate (cost per volume unit, over the seasonal profile) is far from the area's
    run rate — a month not yet fully booked (late invoices) or booked twice, which the forecast takes as final.
    The yardstick is the median rate of the last 12 months (this year's to ``month`` and the previous year's
    after it), so that a short month does not pull it down; the threshold is OFF_RATE_SIGMAS × σ (the interval's
    spread of monthly rates in earlier years), at least OFF_RATE_FLOOR. Not checked without an earlier complete
    year (a flat profile would name every seasonal month). ``t``: checked actuals, indexed by spreadsheet row."""
    s = settings or InYearSettings()
    out = []
    data = _by_area(t)
    for area, d in ((a, data[a]) for a in AREA_KEYS if a in data):
        history = _history(d, year, s)
        if year not in d.cost or not any(not np.isnan(d.cost[y]).any() for y in history):
            continue
        shape, c, v = profile(d, history), d.cost[year], _volume_basis(d.volume[year])
        rate = np.full(12, np.nan)
        usable = (shape > 0) & (v > 0)
        rate[usable] = c[usable] / (v[usable] * shape[usable])
        last = rate[:month]
        if year - 1 in d.cost:  # the previous year's months after ``month``, on its own volumes
            pc, pv = d.cost[year - 1], _volume_basis(d.volume[year - 1])
            with np.errstate(divide="ignore", invalid="ignore"):
                last = np.concatenate([pc[month:] / (pv[month:] * shape[month:]), last])
        last = last[np.isfinite(last)]
        if not len(last) or np.median(last) <= 0 or np.nansum(c[:month]) <= 0:
            continue
        yardstick = float(np.median(last))
        sigma = _sigma(d, history, shape, c, v, 0, s.default_sigma)
        limit = max(OFF_RATE_SIGMAS * sigma, OFF_RATE_FLOOR)
        off = rate[:month] / yardstick - 1.0
        flagged = [m for m in range(month) if np.isfinite(off[m]) and abs(off[m]) > limit and c[m] != 0]
        if flagged:
            out.append(_off_rate_warning(t, area, year, flagged, off, c - yardstick * v * shape, limit, sigma, file))
    return out


def _off_rate_warning(t: pd.DataFrame, area: str, year: int, flagged: list[int], off: np.ndarray,
                      gap: np.ndarray, limit: float, sigma: float, file: str | None) -> Warning_:
    """One located warning for an area's months off its run rate: which, by how much (% and MSEK), and the likely
    cause in the direction they are off."""
    low = all(off[m] < 0 for m in flagged)
    sizes = ", ".join(f"{m + 1} ({off[m] * 100:+.0f} %, {gap[m] / 1e6:+,.1f} MSEK)" for m in flagged)
    cause = ("not yet booked or accrued? the forecast treats them as final" if low else
             "booked twice, a one-off or another month's invoices? the forecast treats them as final and carries "
             "the rate on")
    rows = _rows_of(t, area, year)
    return Warning_("inyear.month_off_run_rate", loc(file, int(rows[flagged[0] + 1]), "cost"),
                    f"{area} {year}: {'month' if len(flagged) == 1 else 'months'} {sizes} against the run rate × "
                    f"seasonal profile, beyond ±{limit * 100:.0f} % ({OFF_RATE_SIGMAS:g} × the area's month-to-month "
                    f"spread of {sigma * 100:.1f} %, at least {OFF_RATE_FLOOR * 100:.0f} %) — {cause}; accrue the "
                    "months (periodisera), or forecast from an earlier --month")


def complete_years(t: pd.DataFrame) -> list[int]:
    """The years of the checked actuals with 12 months in every area that has months in them (an area that
    starts later, ``area_starts``, does not make the earlier years incomplete)."""
    months = t.groupby(["year", "area"])["month"].count().unstack()
    return [int(y) for y in months.index if (months.loc[y].dropna() == 12).all()]


def backtest_years(t: pd.DataFrame, before: int | None = None) -> list[int]:
    """The years a backtest scores: each complete year (before ``before``) after the first, which it learns the
    profile from — none without two complete years."""
    return [y for y in complete_years(t) if before is None or y < before][1:]


def backtest(actuals: pd.DataFrame, frames: pd.DataFrame, changes: pd.DataFrame | None = None,
             settings: InYearSettings | None = None, years: Sequence[int] | None = None,
             as_at: tuple[int, int] | None = None) -> pd.DataFrame:
    """Forecast every complete year with an earlier complete one (``backtest_years``; without one, a located
    InputError) from each month-end 1–12 and compare with the year's outcome: year, month, area, forecast, lo, hi,
    outcome, error (forecast − outcome), rel_error, covered. Only data before each forecast month is used.
    ``as_at``: as in ``check_actuals`` (the months of a forecast's year not yet booked are left out)."""
    return backtest_prepared(prepare(actuals, frames, changes, as_at), settings, years)


def backtest_prepared(inputs: InYearInputs, settings: InYearSettings | None = None,
                      years: Sequence[int] | None = None) -> pd.DataFrame:
    """``backtest`` of tables checked once by ``prepare``, for a command that uses them again (the forecast)."""
    s = _settings(settings)
    t, fr, ch, data = inputs.actuals, inputs.frames, inputs.changes, _by_area(inputs.actuals)
    candidates = backtest_years(t) if years is None else list(years)
    if not candidates:
        _no_year_to_backtest(t, inputs.file)
    outcomes = t.groupby(["year", "area"])["cost"].sum()
    out, cache = [], {}
    for y in candidates:
        for k in range(1, 13):
            f = _forecast(data, fr, ch, y, k, s, cache)
            f["outcome"] = [outcomes.loc[(y, a)] if a != TOTAL else outcomes.loc[y].sum() for a in f["area"]]
            out.append(f)
    table = pd.concat(out, ignore_index=True)
    table["error"] = table["forecast"] - table["outcome"]
    table["rel_error"] = table["error"] / table["outcome"]
    table["covered"] = (table["lo"] <= table["outcome"]) & (table["outcome"] <= table["hi"])
    return table[["year", "month", "area", "cost_to_date", "forecast", "lo", "hi", "outcome", "error", "rel_error",
                  "covered", "level"]]


def _no_year_to_backtest(t: pd.DataFrame, file: str | None) -> None:
    """Refuse a backtest with no year to score (it needs two complete years, the first to learn from), or given
    none to score."""
    full = complete_years(t)
    raise InputError.at(Location(file=file, path="inyear.backtest"), "no year to backtest: of "
                        f"{years_text(sorted(set(t['year'])))}, the complete years (12 months in every area they have) "
                        f"are {years_text(full) if full else 'none'}{'; no year was asked for' if len(full) > 1 else ''}",
                        "two or more complete years: the backtest forecasts each complete year after the first from "
                        "the years before it", "add earlier years' months to the actuals, or forecast without a "
                        "backtest (resmodel inyear leaves it out)")


def accuracy_by_month(bt: pd.DataFrame) -> pd.DataFrame:
    """Backtest errors by forecast month: n, MAE and bias (MSEK), MAPE (%), interval coverage (%)."""
    g = bt.groupby(["area", "month"], sort=False)
    table = pd.DataFrame({
        "years": g.size(),
        "mae_msek": g["error"].apply(lambda e: np.abs(e).mean() / 1e6),
        "bias_msek": g["error"].mean() / 1e6,
        "mape_pct": g["rel_error"].apply(lambda e: np.abs(e).mean() * 100),
        "coverage_pct": g["covered"].mean() * 100,
    }).reset_index()
    order = {a: i for i, a in enumerate([*AREA_KEYS, TOTAL])}
    return table.sort_values(["area", "month"], key=lambda c: c.map(order) if c.name == "area" else c,
                             kind="mergesort").reset_index(drop=True)


def accuracy_markdown(summary: pd.DataFrame, area: str = TOTAL) -> str:
    """The accuracy table of one area as markdown (for docs/forecast-accuracy.md)."""
    t = summary[summary["area"] == area]
    level = "interval"
    lines = ["| forecast after month | years | MAE (MSEK) | bias (MSEK) | MAPE (%) | " + level + " coverage (%) |",
             "|---:|---:|---:|---:|---:|---:|"]
    for _, r in t.iterrows():
        lines.append(f"| {int(r['month'])} | {int(r['years'])} | {r['mae_msek']:.1f} | {r['bias_msek']:+.1f} | "
                     f"{r['mape_pct']:.2f} | {r['coverage_pct']:.0f} |")
    return "\n".join(lines)


def area_markdown(summary: pd.DataFrame, measure: str = "mape_pct", digits: int = 2) -> str:
    """One measure of the accuracy table by forecast month (rows) and report area (columns)."""
    areas = [a for a in [*AREA_KEYS, TOTAL] if a in set(summary["area"])]
    pivot = summary.pivot(index="month", columns="area", values=measure)[areas]
    lines = ["| month | " + " | ".join(areas) + " |", "|---:|" + "---:|" * len(areas)]
    for month, row in pivot.iterrows():
        lines.append(f"| {int(month)} | " + " | ".join(f"{v:.{digits}f}" for v in row.to_numpy()) + " |")
    return "\n".join(lines)
