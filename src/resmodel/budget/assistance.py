"""Personal-assistance rules (docs/model.md, "Services"), vectorised: every function broadcasts over
numpy arrays of any shape (draws × years × months …).

- SFB: the municipality pays the first 20 assistance hours per week of every person with state
  assistance compensation (F0179), at the state hourly rate (*schablonbelopp*) of that year.
- LSS: assistance financed fully by the municipality: cases × hours per case × cost per hour.
- Own provider: it is paid the state rate per hour but its cost per hour follows wages; the
  difference (hours × (wage-based cost − state rate)) is the financing gap (F0189), which widens
  whenever wages grow faster than the state rate.

``weeks_in_year``, ``sfb_municipal_cost``, ``lss_cost`` and ``own_provider`` state the rules in their plainest
form: the projection's kernel (budget/projection.py) applies them month by month, and tests/budget/test_rules.py
checks the kernel against these independent references — they are the check, not dead code."""

from __future__ import annotations

import calendar
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resmodel.budget.indices import IndexPath, level_path
from resmodel.errors import InputError, Location

#: hours per week the municipality pays for each SFB case (F0179; SFB 51 kap.; prop. 2017/18:175)
SFB_MUNICIPAL_HOURS_PER_WEEK = 20.0

#: state hourly rate for personal assistance, SEK/h (public_parameters.md, one source per year)
STATE_RATE_SEK_PER_HOUR: dict[int, float] = {
    2012: 267.0,   # assistanskoll.se, 2011-07-02
    2013: 275.0,   # SFS 2012:531
    2014: 280.0,   # godassistans.se
    2015: 284.0,   # molnetassistans.se
    2016: 288.0,   # molnetassistans.se
    2017: 291.0,   # funkaportalen.se
    2018: 295.40,  # SFS 2017:891
    2019: 299.80,  # assistanskoll.se
    2020: 304.30,  # assistanskoll.se
    2021: 315.00,  # regeringen, budget 2021 (+3.5 %)
    2022: 319.70,  # viassistans.se (+1.5 %)
    2023: 324.50,  # assistanskoll.se (+1.5 %)
    2024: 332.60,  # assistanskoll.se, assistanscentrum.se (+2.5 %)
}

#: derived: mean annual growth of the state rate 2012–2024, (332.60 / 267)^(1/12) − 1 ≈ 1.85 %.
#: Offered as the declared extension for 2025 onwards (no public figure found; results flag it).
STATE_RATE_MEAN_GROWTH_2012_2024 = (STATE_RATE_SEK_PER_HOUR[2024] / STATE_RATE_SEK_PER_HOUR[2012]) ** (1 / 12) - 1

#: a higher hourly rate (förhöjt timbelopp) may be granted up to 12 % above the standard rate (SFB 51 kap. 11 §,
#: public_parameters.md); a statutory bound the scenario schema also holds, so a constant, not a parameter file
MAX_RATE_FACTOR = 1.12


def weeks_in_year(year: int) -> float:
    """Weeks in a calendar year as days / 7 (52.14, or 52.29 in a leap year)."""
    return (366.0 if calendar.isleap(year) else 365.0) / 7.0


def state_rate_path(years: np.ndarray, rates: pd.Series | dict[int, float] | None = None,
                    extend_with: float | None = None, location: Location | None = None) -> IndexPath:
    """The state hourly rate for each year; years after the data need a declared extension rate."""
    return level_path(rates if rates is not None else STATE_RATE_SEK_PER_HOUR, years, "state_rate",
                      extend_with, location or Location(path="assistance.state_rate"))


def _nonnegative(name: str, value: np.ndarray | float) -> None:
    if np.any(np.asarray(value) < 0):
        raise InputError.at(Location(path=f"assistance.{name}"), f"'{name}' is negative", "a value ≥ 0",
                            f"correct '{name}'")


def sfb_municipal_hours(cases, hours_per_week, weeks, cap: float = SFB_MUNICIPAL_HOURS_PER_WEEK):
    """Hours the municipality pays: cases × min(cap, hours per week) × weeks."""
    _nonnegative("sfb_cases", cases)
    _nonnegative("sfb_hours_per_week", hours_per_week)
    return np.asarray(cases, dtype=float) * np.minimum(cap, hours_per_week) * weeks


def sfb_municipal_cost(cases, hours_per_week, weeks, state_rate, cap: float = SFB_MUNICIPAL_HOURS_PER_WEEK):
    """Municipal cost of SFB cases: cases × min(20, hours/week) × weeks × the state rate of that year."""
    return sfb_municipal_hours(cases, hours_per_week, weeks, cap) * state_rate


def lss_cost(cases, hours_per_case, cost_per_hour):
    """Municipally financed LSS assistance: cases × hours per case × cost per hour."""
    _nonnegative("lss_cases", cases)
    _nonnegative("lss_hours_per_case", hours_per_case)
    _nonnegative("lss_cost_per_hour", cost_per_hour)
    return np.asarray(cases, dtype=float) * hours_per_case * cost_per_hour


@dataclass(frozen=True)
class OwnProvider:
    """The own provider's year: wage-based cost, state compensation, and the gap between them."""

    cost: np.ndarray
    revenue: np.ndarray
    gap: np.ndarray  # cost − revenue; positive = a deficit the board carries


def own_provider(hours, cost_per_hour, state_rate, rate_factor: float = 1.0) -> OwnProvider:
    """Financing gap = hours × (wage-based cost per hour − state rate × rate factor)."""
    _nonnegative("own_provider_hours", hours)
    if not 1.0 <= rate_factor <= MAX_RATE_FACTOR:
        raise InputError.at(Location(path="assistance.own_provider_rate_factor"),
                            f"rate factor {rate_factor:g}", f"between 1 and {MAX_RATE_FACTOR:g} "
                            "(a higher hourly rate is at most 12 % above the standard rate)",
                            "set the average compensation relative to the standard rate, e.g. 1.02")
    hours = np.asarray(hours, dtype=float)
    cost = hours * cost_per_hour
    revenue = hours * state_rate * rate_factor
    return OwnProvider(cost, revenue, cost - revenue)

