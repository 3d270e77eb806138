"""User-facing errors: every one says where (file and line/row/column or JSON path),
what was expected, and how to fix it. The CLI turns them into exit status 2, the API into 4xx."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file plus line/row/column, or a JSON path (API requests)."""

    file: str | None = None
    line: int | None = None
    row: int | None = None
    column: str | None = None
    path: str | None = None  # dotted key path inside a YAML/JSON document, or a series id
    period: str | None = None  # the period of an in-memory table's row (it has no spreadsheet row number)

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        if self.path:
            parts.append(f"at '{self.path}'")
        if self.period:
            parts.append(f"period {self.period}")
        return ", ".join(parts) if parts else "(no location)"


@dataclass
class Problem:
    """One located user mistake."""

    location: Location
    problem: str
    expected: str
    fix: str

    def __str__(self) -> str:
        return f"{self.location}: {self.sentence()}"

    def sentence(self) -> str:
        """'problem. Expected …. Fix: …' — a problem ending in a question mark keeps it alone ('tkr and SEK mixed?
        Expected …', not '?.': in-year walk)."""
        problem = self.problem if self.problem.endswith(("?", "!", ".")) else self.problem + "."
        return f"{problem} Expected {self.expected}. Fix: {self.fix}"


class ResmodelError(Exception):
    """Base for every error caused by user input; carries one or more located problems."""

    def __init__(self, problems: Problem | list[Problem]):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, location: Location, problem: str, expected: str, fix: str) -> ResmodelError:
        return cls(Problem(location, problem, expected, fix))


class InputError(ResmodelError):
    """Malformed or invalid input file, scenario or request."""


class PersonalDataError(InputError):
    """Input contains something that looks like a Swedish personal identity number."""


@dataclass
class Warning_:
    """A non-fatal data-quality finding (named check), reported with the run; strict mode makes it fatal."""

    check: str
    location: Location
    message: str
    units: tuple[str, ...] = ()  # the units the finding concerns, so a section manager can filter on them
    model: str | None = None     # the forecast model the finding concerns (a fallback's), for the code that reads it

    def __str__(self) -> str:
        units = f" (units: {', '.join(self.units)})" if self.units else ""
        return f"[{self.check}] {self.location}: {self.message}{units}"


@dataclass
class ProblemCollector:
    """Gathers problems while validating a whole file, so the user sees all of them at once."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, location: Location, problem: str, expected: str, fix: str) -> None:
        self.problems.append(Problem(location, problem, expected, fix))

    def add_rows(self, rows: Sequence, limit: int, problem: Callable[[int], tuple[Location, str, str, str]]) -> None:
        """Add ``problem(row)`` for the first ``limit`` rows, then one line saying how many more rows have it."""
        for row in rows[:limit]:
            self.add(*problem(int(row)))
        if len(rows) > limit:
            location, _, expected, fix = problem(int(rows[limit]))
            self.add(location, f"{len(rows) - limit} more rows, from this one on, have the same problem "
                     f"(only the first {limit} are listed)", expected, fix)

    def cap(self, limit: int, where: Location) -> None:
        """Keep the first ``limit`` problems and add one line at ``where`` saying that there are more
        (not how many: checking may have stopped early)."""
        if len(self.problems) > limit:
            first_hidden = self.problems[limit]
            del self.problems[limit:]
            self.add(where, f"there are more problems, from {first_hidden.location} on; only the first {limit} "
                     "are listed", "input without these problems", "correct the problems above and run again")

    def raise_if_any(self, error_type: type[ResmodelError] = InputError) -> None:
        """Raise every problem gathered so far as one error (all of them at once), or nothing."""
        if self.problems:
            raise error_type(self.problems)


def shown(value: object, limit: int = 40) -> str:
    """A user's value as a message repeats it: at most ``limit`` characters, and characters that
    cannot be written as UTF-8 (a lone surrogate) escaped, so that the message itself can be sent."""
    text = str(value)
    text = text if len(text) <= limit else text[:limit] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _plain(text: str) -> str:
    """A name as a reader compares it: case and the leading zeros of its numbers aside ('dv1' is 'DV001')."""
    return re.sub(r"\d+", lambda m: str(int(m.group())), text.casefold())


def did_you_mean(value: object, choices: Iterable[object], cutoff: float = 0.6) -> str:
    """"did you mean 'x'? " for the closest of ``choices`` to a misspelt ``value``, or "" when none is close: the
    one that differs only in case or leading zeros first ('dv001', 'DV1' → 'DV001', not 'SB001' or 'DV071')."""
    names = [str(c) for c in choices]
    same = [n for n in names if _plain(n) == _plain(str(value))]
    if len(same) == 1:
        return f"did you mean '{same[0]}'? "
    by_plain: dict[str, str] = {}
    for n in names:
        by_plain.setdefault(_plain(n), n)
    close = difflib.get_close_matches(_plain(str(value)), list(by_plain), n=2, cutoff=cutoff)
    if len(close) == 2 and _ratio(_plain(str(value)), close[0]) == _ratio(_plain(str(value)), close[1]):
        return ""  # 'DV' is as close to DV001 as to DV009: no one of them is meant
    return f"did you mean '{by_plain[close[0]]}'? " if close else ""


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


#: a number written with a percent sign ('2.8 %', '4%', '7,4 %'), which YAML reads as text
_PERCENT_TEXT = re.compile(r"\s*(-?\d+(?:[.,]\d+)?)\s*%\s*")


def percent_text_fraction(value: object) -> str | None:
    """The fraction to write for a percentage written as text ('2.8 %' → '0.028'); None for any other value."""
    found = _PERCENT_TEXT.fullmatch(value) if isinstance(value, str) else None
    return f"{float(found.group(1).replace(',', '.')) / 100:g}" if found else None


def percentage_fix(err: Mapping[str, Any]) -> str | None:
    """For a pydantic error of a rate written as a percentage — as text ('2.8 %') or as a number above its bound
    (at most 5: a fraction or a factor), 3 for 3 % — the value to write; None for any other error (a horizon of 40
    years is no percentage)."""
    value, ctx = err.get("input"), err.get("ctx") or {}
    fraction = percent_text_fraction(value)
    if fraction is not None:
        return f"'{value.strip()}' is a percentage: write {fraction}"
    bound = ctx.get("le", ctx.get("lt"))
    if (err.get("type") in ("less_than", "less_than_equal") and isinstance(bound, int | float) and bound <= 5
            and isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value <= 100):
        return f"{value:g} looks like a percentage: write {value / 100:g}"
    return None
