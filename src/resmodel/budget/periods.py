"""Months, years and periods of a budget horizon: the monthly calendar the projection runs on,
day weights that turn annual amounts into months, and checks for inverted/overlapping periods."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector
from resmodel.table_words import ascii_digit_cells


@dataclass(frozen=True)
class Horizon:
    """The monthly calendar of a projection: years start..end, 12 months each."""

    start_year: int
    years: int

    @property
    def end_year(self) -> int:
        return self.start_year + self.years - 1

    @property
    def year_list(self) -> np.ndarray:
        return np.arange(self.start_year, self.end_year + 1)

    @property
    def months(self) -> pd.PeriodIndex:
        return pd.period_range(f"{self.start_year}-01", f"{self.end_year}-12", freq="M", name="period")

    @property
    def year_of_month(self) -> np.ndarray:
        """Index 0..years-1 of each month's year."""
        return np.repeat(np.arange(self.years), 12)

    @property
    def days_in_month(self) -> np.ndarray:
        return np.array([calendar.monthrange(int(y), m)[1] for y in self.year_list for m in range(1, 13)], dtype=float)

    @property
    def month_weights(self) -> np.ndarray:
        """Share of its year each month carries (days in month / days in year); sums to 1 per year."""
        days = self.days_in_month
        per_year = days.reshape(self.years, 12).sum(axis=1)
        return days / np.repeat(per_year, 12)

    @property
    def years_elapsed(self) -> np.ndarray:
        """Fractional years from the start of the horizon to the end of each month (1/12 … years)."""
        return np.arange(1, 12 * self.years + 1) / 12.0


def check_horizon(start_year: int, years: int, base_year: int, location: Location) -> Horizon:
    """A horizon that starts no earlier than the base year and spans at least one year."""
    if years < 1 or years > 50:
        raise InputError.at(location, f"horizon of {years} years", "between 1 and 50 years",
                            "set the number of projection years (default 10)")
    if start_year < base_year:
        raise InputError.at(location, f"horizon starts in {start_year}, before the base year {base_year}",
                            f"a start year ≥ {base_year}",
                            "start the horizon in the base year or later (unit costs are in base-year prices)")
    return Horizon(start_year, years)


def to_month_index(index: pd.Index, where: str) -> pd.PeriodIndex:
    """Accept a monthly PeriodIndex, a DatetimeIndex or 'YYYY-MM' strings; anything else is refused."""
    if isinstance(index, pd.PeriodIndex):
        if index.freqstr not in ("M", "ME"):
            raise InputError.at(Location(path=where), f"volume periods have frequency '{index.freqstr}'",
                                "monthly periods", "give one row per month (YYYY-MM)")
        return pd.PeriodIndex(index, name="period")
    if isinstance(index, pd.DatetimeIndex):
        return pd.PeriodIndex(index, freq="M", name="period")
    text = pd.Index(ascii_digit_cells(pd.Series(pd.Index(index).astype(str))))  # '２０２６-01' as 2026-01
    parsed = pd.to_datetime(text, format="%Y-%m", errors="coerce")
    if parsed.isna().any():
        first = str(text[np.flatnonzero(parsed.isna())[0]])
        raise InputError.at(Location(path=where), f"period '{first}' is not a month", "months written YYYY-MM",
                            "write each period as year-month, e.g. 2026-01")
    return pd.PeriodIndex(parsed, freq="M", name="period")


@dataclass(frozen=True)
class Span:
    """A closed period [start, end] in whole years (end None = onwards), with where it was written."""

    start: int
    end: int | None
    key: str  # what the period belongs to (overlaps are only checked within one key)
    location: Location


def check_spans(spans: Sequence[Span], bounds: tuple[str, str] = ("from_year", "to_year")) -> None:
    """Refuse inverted periods (end before start; the fix names the keys ``bounds`` of start and end) and
    overlapping periods for the same key."""
    problems = ProblemCollector()
    for s in spans:
        if s.end is not None and s.end < s.start:
            problems.add(s.location, f"period {s.start}–{s.end} ends before it starts",
                         "an end year on or after the start year", f"swap {bounds[0]} and {bounds[1]} (or correct them)")
    by_key: dict[str, list[Span]] = {}
    for s in spans:
        by_key.setdefault(s.key, []).append(s)
    for key, group in by_key.items():
        group = sorted(group, key=lambda s: s.start)
        for a, b in zip(group, group[1:], strict=False):
            a_end = a.end if a.end is not None else 10**6
            if b.start <= a_end:
                problems.add(b.location, f"period from {b.start} overlaps the period {a.start}–{a.end or 'onwards'} "
                             f"for '{key}' ({a.location})", "periods for the same item that do not overlap",
                             "end the earlier period the year before the later one starts, or merge them")
    problems.raise_if_any()
