"""Available working time (AWT) per full-time employee, WISN-style, from its parts.

AWT = (weekdays − annual leave − public holidays on weekdays − training) × hours per day
      × (1 − expected sick-leave rate). Public holidays come from the `holidays` package for the
year, so the count moves with the calendar instead of being a constant."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays
import numpy as np

from resmodel.errors import InputError, Location
from resmodel.params.tree import Snapshot

#: the years the `holidays` package holds Swedish public holidays for (1953–2100 in its current releases): a base
#: date outside them had no holidays and no Midsummer, and ended a run in a traceback (bad-input audit)
_SWEDEN = holidays.country_holidays("SE")
HOLIDAY_YEARS = (_SWEDEN.start_year, _SWEDEN.end_year)


def weekdays_in_year(year: int) -> int:
    """Monday–Friday days of the year, public holidays not yet taken off."""
    return int(np.busday_count(f"{year}-01-01", f"{year + 1}-01-01"))


def weekday_holidays(year: int, count_eves: bool) -> list[dt.date]:
    """Swedish public holidays (and, optionally, midsummer/Christmas/New Year's eves) on Mon–Fri."""
    days = set(holidays.country_holidays("SE", years=year, include_sundays=False).keys())
    if count_eves:
        midsummer_day = next(d for d in days if d.month == 6 and d.day >= 20 and d.weekday() == 5)
        days |= {midsummer_day - dt.timedelta(days=1), dt.date(year, 12, 24), dt.date(year, 12, 31)}
    return sorted(d for d in days if d.weekday() < 5)


@dataclass(frozen=True)
class WorkingTime:
    """The parts of AWT for one year, kept so `explain` can show them."""

    year: int
    weekdays: int
    annual_leave_days: float
    holidays_on_weekdays: int
    training_days: float
    hours_per_day: float
    sick_leave_rate: float

    @property
    def scheduled_hours(self) -> float:
        days = self.weekdays - self.annual_leave_days - self.holidays_on_weekdays - self.training_days
        return days * self.hours_per_day

    @property
    def available_hours(self) -> float:
        return self.scheduled_hours * (1.0 - self.sick_leave_rate)


def _refuse(snapshot: Snapshot, path: str, problem: str, expected: str) -> None:
    """A located error at the parameter (file and line, or the scenario override) behind ``path``."""
    where = snapshot.trace(path).location or Location(path=path)
    raise InputError.at(where, problem, expected, f"correct '{path}' (each value is in force from its date)")


def working_time(snapshot: Snapshot) -> WorkingTime:
    """AWT parts for the snapshot's year; refuses parts that leave no working time: values each in
    their unit's range can still add up to nothing (400 days of leave, sick leave 1, 0 hours a week)."""
    year = snapshot.on.year
    wt = WorkingTime(
        year=year,
        weekdays=weekdays_in_year(year),
        annual_leave_days=snapshot["working_time.annual_leave_days"],
        holidays_on_weekdays=len(weekday_holidays(year, snapshot["working_time.count_holiday_eves"] >= 0.5)),
        training_days=snapshot["working_time.training_days"],
        hours_per_day=snapshot["working_time.contract_hours_per_week"] / 5.0,
        sick_leave_rate=snapshot["working_time.sick_leave_rate"],
    )
    days_off = wt.annual_leave_days + wt.holidays_on_weekdays + wt.training_days
    if days_off > wt.weekdays / 2:
        _refuse(snapshot, "working_time.annual_leave_days" if wt.annual_leave_days >= wt.training_days
                else "working_time.training_days",
                f"leave ({wt.annual_leave_days:g} days), public holidays ({wt.holidays_on_weekdays}) and training "
                f"({wt.training_days:g} days) take {days_off:g} of the {wt.weekdays} weekdays of {year}",
                "at most half the weekdays away (Swedish annual leave is 25–32 days)")
    if wt.hours_per_day <= 0:
        _refuse(snapshot, "working_time.contract_hours_per_week", "a full-time contract of 0 hours a week",
                "contract hours per week of a full-time employee, e.g. 40")
    if wt.sick_leave_rate >= 0.5:
        _refuse(snapshot, "working_time.sick_leave_rate",
                f"a sick-leave rate of {wt.sick_leave_rate:g} leaves {1 - wt.sick_leave_rate:.0%} of scheduled time",
                "the share of scheduled time lost to sickness, below 0.5 (the board's was 0.074 in 2024, F0091)")
    return wt


def open_weeks(snapshot: Snapshot) -> float:
    """Weeks a daily-activity unit is open: weekdays less holidays and summer closure, over 5."""
    year = snapshot.on.year
    closed = len(weekday_holidays(year, snapshot["working_time.count_holiday_eves"] >= 0.5))
    weeks = (weekdays_in_year(year) - closed - snapshot["daglig_verksamhet.closure_days"]) / 5.0
    if weeks < 26:
        _refuse(snapshot, "daglig_verksamhet.closure_days",
                f"closure days leave daily activity open {weeks:g} weeks in {year}",
                "closure days (weekdays) that leave the units open at least half the year")
    return weeks


def days_in_year(year: int) -> int:
    """365, or 366 in a Gregorian leap year (a year's calendar days turn a day's hours into a year's)."""
    return 366 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365
