"""The projected years and the rates read by year: the years a scenario's dated entries must fall in, the
yearly rates it gives, and the sick-leave and index growth the parameter tree gives each projected year."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector
from resmodel.params.tree import LEVELS
from resmodel.projection_run.names import SICK_LEAVE
from resmodel.scenario.projection import MAX_HORIZON, ResolvedProjection


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
    override names projected years only (one that starts later follows the forecast before: check_over_forecast) —
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


def projected_months(first: int, last: int) -> list[str]:
    """The projected months 'YYYY-MM', January of ``first`` to December of ``last``."""
    return list(pd.period_range(f"{first}-01", f"{last}-12", freq="M").strftime("%Y-%m"))


def growth_by_year(tree, path: str, years: range, declared: float | None) -> tuple[dict[int, float], float | None]:
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
