"""Allowed parameter values: a range per declared unit (a closed set of unit forms) and share groups
that must sum to 1 (``*.role_mix``).

The unit decides the range, so a unit the rules do not know is an error rather than an unchecked
value. Growth rates ("share per year") get a band of −50 % to +50 % a year: Swedish wage and price
growth has stayed within about −2 % to +15 % a year since 1970, so the band leaves room for stress
cases while refusing a percentage typed as a number (3.3 for 3.3 %)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from resmodel.errors import Location, Problem
from resmodel.limits import FULL_TIME_WEEK_HOURS, MAX_TABLE_NUMBER

#: leaf groups whose shares must sum to 1 on every date: the leaves below a path ending in one of these
SUM_TO_ONE = ("role_mix",)
TOLERANCE = 1e-9


@dataclass(frozen=True)
class UnitRange:
    """The values a unit allows: low ≤ value ≤ high, or exactly low or high for a yes/no flag."""

    low: float
    high: float
    expected: str
    flag: bool = False
    above_fix: str = ""  # the fix for a value a little above ``high`` (up to ten times), where one slip is likely


#: unit forms (full-match regular expressions) and their ranges; the first form that matches wins
UNIT_RANGES: tuple[tuple[str, UnitRange], ...] = (
    (r"share per year", UnitRange(-0.5, 0.5, "an annual growth rate from -0.5 to 0.5 (−50 % to +50 % a year)")),
    (r"share of monthly salary per leave day", UnitRange(
        0.0, 0.01, "a share of the monthly salary per paid leave day from 0 to 0.01 (AB § 27: 0.00605, 0.605 %; an "
        "annual share such as 0.0126 is this × leave days / 12)",
        above_fix="the annual share of the retired holiday_pay_supplement? The per-day rate is it × 12 / the annual "
                  "leave days: 0.0126 × 12 / 25 = 0.00605")),
    (r"share of salary", UnitRange(0.0, 0.5, "an unsocial-hours supplement from 0 to 0.5 of salary (OB adds a few to "
                                             "some tens of percent, even around the clock)")),
    (r"share( of .+)?", UnitRange(0.0, 1.0, "a share from 0 to 1")),
    (r"1 = yes, 0 = no", UnitRange(0.0, 1.0, "0 (no) or 1 (yes)", flag=True)),
    (r"(SEK|hours|staff hours|days|months)([ /].*)?",  # amounts and times: no upper limit a board could reach
     UnitRange(0.0, MAX_TABLE_NUMBER, f"a number ≥ 0, below {MAX_TABLE_NUMBER:.0e} (beyond that, a typing mistake)")),
)
UNIT_FORMS = ("share", "share of …", "share per year", "1 = yes, 0 = no", "SEK…", "hours…", "staff hours…",
              "days…", "months…")


def unit_range(unit: str) -> UnitRange | None:
    """The range a unit allows, or None for a unit outside the known forms."""
    return next((r for pattern, r in UNIT_RANGES if re.fullmatch(pattern, unit.strip())), None)


def unknown_unit(unit: str, path: str) -> tuple[str, str, str]:
    """(problem, expected, fix) for a unit outside the known forms."""
    return (f"unknown unit '{unit}' of '{path}'", "a unit of one of the forms " + ", ".join(f"'{u}'" for u in UNIT_FORMS),
            "write the unit in one of these forms, which decides the allowed values (a percentage is a share: "
            "unit 'share', 7.4 % written 0.074; see docs/parameters.md)")


def out_of_range(what: str, value: float, unit: str, allowed: UnitRange,
                 floor: Floor | None = None) -> tuple[str, str, str] | None:
    """(problem, expected, fix) when ``value`` is outside ``allowed``; ``what`` names it, with {v} for the value. A
    leaf's ``floor`` bounds the percentage reading too (a PO of 28.4 was told 'write 0.284', which its floor then
    refused)."""
    subject = what.format(v=f"{value:g}")
    if not math.isfinite(value):
        return f"{subject} is not a finite number", allowed.expected, "write a plain number"
    if allowed.flag:
        if value in (allowed.low, allowed.high):
            return None
        return f"{subject} is not 0 or 1 (unit '{unit}')", allowed.expected, "write 1 for yes or 0 for no"
    if allowed.low <= value <= allowed.high:
        return None
    if value < 0 <= allowed.low:
        return f"{subject} is negative", allowed.expected, "correct the sign"
    side = f"above {allowed.high:g}" if value > allowed.high else f"below {allowed.low:g}"
    percent = abs(value) >= 1 or (allowed.high < 0.1 and abs(value) >= 0.1)  # 7.4 for 7.4 %, 1 for 1 %, 0.605 %
    if allowed.above_fix and allowed.high < value <= 10 * allowed.high:
        fix = allowed.above_fix  # 0.0126 is no percentage: its hundredth, 0.000126, was a 48th of the rate (review)
    elif allowed.high <= 1 and percent and allowed.low <= value / 100 <= allowed.high:
        fix = f"{value:g} looks like a percentage: write {value / 100:g}"
        if floor is not None and value / 100 < floor.low:
            fix = (f"read as a percentage, {value / 100:g}, it is below {_number(floor.low, unit)}, the least "
                   f"it can be ({floor.why}): correct the value")
    else:
        fix = "correct the value"
    return f"{subject} is {side} (unit '{unit}')", allowed.expected, fix


@dataclass(frozen=True)
class Reading:
    """A slip that takes a value out of its leaf's plausible range, read back: the value × ``factor``, and its hint
    ({v} the value as typed, {n} it with spaces between thousands, {r} the value read back, {unit} the unit)."""

    factor: float
    hint: str
    digits: int | None = None  # the value read back rounded to these digits (−2: to 100), where it is an estimate


#: hours of a full-time month: the full-time week (limits.FULL_TIME_WEEK_HOURS, resmodel's national contract hours) × 52 / 12
HOURS_PER_MONTH = FULL_TIME_WEEK_HOURS * 52 / 12
TKR = Reading(1_000, "written in tkr? {v} tkr is {r} {unit}")
DIGIT = Reading(10, "a digit slipped? {v} for {r}")
PERCENT_TWICE = Reading(100, "a percentage written as a fraction twice? {v} for {r}")
#: an assistant's or care worker's wage is often quoted by the hour (PAN 24: 136.40 SEK at least, from 2025)
HOURLY = Reading(HOURS_PER_MONTH, f"an hourly wage? {{v}} SEK an hour × {HOURS_PER_MONTH:.0f} hours "
                                  f"({FULL_TIME_WEEK_HOURS} h × 52 / 12) is about {{r}} {{unit}}", digits=-2)
ANNUAL = Reading(1 / 12, "an annual salary? {n} ÷ 12 is {r}", digits=0)
ZERO_TOO_MANY = Reading(1 / 10, "a zero too many? {n} ÷ 10 is {r}")


@dataclass(frozen=True)
class Floor:
    """The least a value can be (0 aside where ``zero`` is meant: a role or cost the board does not have), why, and
    the highest a slipped value read back may be; for some leaves also the most a value can be (``ceiling``)."""

    low: float
    high: float
    why: str  # what a value below ``low`` contradicts, with its source
    readings: tuple[Reading, ...]  # how a value below ``low`` may have slipped, likeliest first
    zero: bool = True  # 0 is allowed
    ceiling: float = math.inf
    ceiling_why: str = ""  # what a value above ``ceiling`` contradicts
    above: tuple[Reading, ...] = ()  # how a value above ``ceiling`` may have slipped


#: leaves (full-match path patterns) a board types in its own parameter files whose value above 0 but below the
#: floor is no figure but a slip (economist walk: a salary of 28.4 SEK/month, typed in tkr, took daily activity's
#: net cost from 68.9 to 26.6 MSEK without a word). A salary's read-back lands at most at 100 000 SEK a month, over
#: four times HÖK 24's lowest wage and three times the demo's highest role salary (omsorgspedagog, 32 500 in 2023):
#: with 200 000, 176 — an assistant's hourly wage — was told 'written in tkr? … write 176000', and that value took
#: the Norrstad board's base-year net cost from 684.0 to 1 024.3 MSEK without a word (Norrstad walk). A salary above
#: 150 000 SEK a month is refused: seven times HÖK 24's lowest wage and over four times the demo's highest role
#: salary, no full-time pay of the care and support roles the model reads, while a monthly salary typed as a year
#: (349 200) and another with a zero too many (325 000) together took that net cost to 4 602.6 MSEK; the band from
#: 100 000 to 150 000 leaves room for a board's unusual figure. A purchase price per assistance hour above 2 000
#: SEK, six times the state rate meant to cover a provider's hour (332.60 in 2024; the higher rate at most 12 %
#: above it), is a digit too many
FLOORS: tuple[tuple[str, Floor], ...] = (
    (r"salaries\.[^.]+", Floor(
        10_000, 100_000, "a full-time monthly salary in SEK (kronor): 10 000 is under half the lowest wage of "
        "Kommunal's central agreement with SKR (HÖK 24: 21 570 SEK a month, 23 850 with vocational training; "
        "ka.se 2024-11-21) and under its lowest wage of 2011 (15 685 SEK)", (TKR, HOURLY, DIGIT),
        ceiling=150_000, ceiling_why="a full-time monthly salary in SEK (kronor): 150 000 is seven times the lowest "
        "wage of HÖK 24 (21 570 SEK a month) and no pay of the care and support roles resmodel costs",
        above=(ANNUAL, ZERO_TOO_MANY))),
    (r"payroll\.po_rate", Floor(
        0.3142, 0.7, "PO, a board-wide average, includes the statutory employer's contribution (arbetsgivaravgift), "
        "31.42 % of wages (the youth and over-66 reductions lower it for few) "
        "(public_parameters.md: SKR's PO 2021–2023 = 31.42 statutory + 0.13 agreement insurance + pension; the full "
        "rate in 2024 too, above 30 % since the late 1970s, ekonomifakta.se)", (DIGIT, PERCENT_TWICE), zero=False)),
    (r"personlig_assistans\.lss_purchase_price_per_hour", Floor(
        100, 2_000, "a price per assistance hour in SEK: 100 is below the state hourly rate of every year since "
        "1998 (168 SEK; 332.60 in 2024, public_parameters.md) and below the lowest hourly wage of the assistants' "
        "agreement (PAN 24: 136.40 SEK from 2025) before PO", (TKR, DIGIT),
        ceiling=2_000, ceiling_why="a price per assistance hour in SEK: 2 000 is six times the state hourly rate "
        "(332.60 in 2024, public_parameters.md; the higher rate at most 12 % above it), which is meant to cover a "
        "provider's cost of an hour", above=(ZERO_TOO_MANY,))),
    (r"daglig_verksamhet\.other_cost_per_user|bostad_(vuxna|barn)\.other_cost_per_resident", Floor(
        1_000, 1_000_000, "other costs in SEK a year: 1 000 is under 3 SEK a day, a seventh of the habilitation "
        "allowance alone (7.6 kSEK per daily-activity user, F0280 / F0174); a board without such costs writes 0",
        (TKR, DIGIT))),
)


def floor_of(path: str) -> Floor | None:
    """The floor of a leaf's values, or None for a leaf without one."""
    return next((f for pattern, f in FLOORS if re.fullmatch(pattern, path)), None)


def _number(value: float, unit: str) -> str:
    """A number as a message writes it: SEK amounts with a space between thousands (28 400), others as typed."""
    text = f"{value:,.10g}" if unit.startswith("SEK") else f"{value:.10g}"
    return text.replace(",", " ")


def _read_back(value: float, unit: str, floor: Floor, readings: tuple[Reading, ...]) -> str:
    """The fix naming every reading of a slipped value that lands between the floor's low and high (two can: 80 as
    tkr or as an hourly wage), each with the value to write; 'correct the value' when none does."""
    fixes = []
    for reading in readings:
        back = value * reading.factor
        back = round(back, reading.digits) if reading.digits is not None else back
        if floor.low <= back <= floor.high:
            hint = reading.hint.format(v=f"{value:.10g}", n=_number(value, unit), r=_number(back, unit), unit=unit)
            fixes.append(f"{hint}: write {back:.10g}")
    return "; or ".join(fixes) or "correct the value"


def below_floor(what: str, value: float, unit: str, floor: Floor) -> tuple[str, str, str] | None:
    """(problem, expected, fix) when ``value`` is below ``floor`` (0 aside, where allowed) or above its ceiling;
    ``what`` names it, with {v} for the value. The fix reads the value back as the likely slips that land in range."""
    if value > floor.ceiling:
        return (f"{what.format(v=f'{value:.10g}')} is above {_number(floor.ceiling, unit)} (unit '{unit}')",
                f"at most {_number(floor.ceiling, unit)}: {floor.ceiling_why}",
                _read_back(value, unit, floor, floor.above))
    if not (0 < value < floor.low or (value == 0 and not floor.zero)):
        return None
    return (f"{what.format(v=f'{value:.10g}')} is below {_number(floor.low, unit)} (unit '{unit}')",
            f"{'0 or ' if floor.zero else ''}at least {_number(floor.low, unit)}: {floor.why}",
            _read_back(value, unit, floor, floor.readings))


def value_problem(what: str, value: float, unit: str, allowed: UnitRange | None,
                  floor: Floor | None) -> tuple[str, str, str] | None:
    """(problem, expected, fix) of a leaf's number outside its unit's range or, for a leaf with a floor, below it or
    above its ceiling — the one check of parameter files, decimal-comma readings and scenario overrides."""
    found = out_of_range(what, value, unit, allowed, floor) if allowed is not None else None
    return found or (below_floor(what, value, unit, floor) if floor is not None else None)


def sum_groups(paths: Iterable[str]) -> dict[str, list[str]]:
    """Leaf paths grouped by their parent path, for the parents that must sum to 1."""
    groups: dict[str, list[str]] = {}
    for path in paths:
        parent = path.rsplit(".", 1)[0]
        if "." in path and parent.rsplit(".", 1)[-1] in SUM_TO_ONE:
            groups.setdefault(parent, []).append(path)
    return groups


def sum_problem(group: str, on: dt.date, shares: dict[str, float], location: Location) -> Problem | None:
    """The problem of a share group that does not sum to 1 on ``on``; None when it does."""
    total = sum(shares.values())
    if abs(total - 1.0) <= TOLERANCE:
        return None
    names = {path: path.rsplit(".", 1)[-1] for path in shares}
    last = list(shares)[-1]
    terms = " + ".join(f"{names[p]} {v:g}" for p, v in shares.items())
    fix = "adjust the values so they add up to 1"
    if 0.0 <= 1.0 - (total - shares[last]) <= 1.0:
        fix += f", e.g. {names[last]} {1.0 - (total - shares[last]):.6g}"
    return Problem(location, f"the shares of '{group}' sum to {total:g} on {on} ({terms})",
                   "shares that sum to 1 (" + " + ".join(names.values()) + ")", fix)
