"""Dated parameter tree: leaves with metadata and values keyed by valid-from date.

The value in force on a date is the latest key on or before it. Indexation is declared on a
leaf (the path of an index leaf holding annual growth rates) and applied by one generic pass in
:meth:`ParameterTree.snapshot`. Scenario overrides are layered on top by period (see
``resmodel.scenario``): an override value is taken as expressed in prices of its start year and
indexed from there like any other value (unless the override says ``indexed: false``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np

from resmodel.errors import InputError, Location, Problem, ProblemCollector
from resmodel.params.ranges import floor_of, sum_groups, sum_problem, unit_range, value_problem

LEVELS = tuple(range(1, 9))


@dataclass(frozen=True)
class Parameter:
    """One leaf of the tree. ``values`` are (valid_from, value) sorted by date; a value is a float
    or, for level tables, a tuple of eight floats for levels 1–8."""

    path: str
    description: str
    unit: str
    reference: str
    values: tuple[tuple[dt.date, Any], ...]
    kind: str = "scalar"  # scalar | levels | index | text
    indexation: str | None = None
    extend: str = "none"  # for index leaves: "none" or "last"
    file: str = ""
    line: int | None = None
    lines: tuple[int | None, ...] = ()  # line of each value, in the order of ``values``
    template_line: int | None = None  # line of its 'template: true': still the starter kit's value
    #                                  (resmodel init), not the board's own, and warned; None = the board's own

    def value_location(self, index: int) -> Location:
        """File and line of the ``index``-th value (the leaf's line when not known)."""
        line = self.lines[index] if index < len(self.lines) else None
        return Location(file=self.file or None, line=line or self.line, path=self.path)

    def key_in_force(self, on: dt.date) -> tuple[dt.date, Any] | None:
        chosen = None
        for valid_from, value in self.values:
            if valid_from <= on:
                chosen = (valid_from, value)
            else:
                break
        return chosen


@dataclass(frozen=True)
class Override:
    """A scenario's replacement of a leaf's value over a period [start, end] (end None = onwards)."""

    path: str
    value: Any
    start: dt.date
    end: dt.date | None
    indexed: bool
    location: Location
    reason: str | None = None  # the scenario's 'reason:', shown with the value wherever its source is

    def covers(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class Resolved:
    """A parameter value as a calculation sees it, with everything needed to explain it."""

    path: str
    value: Any
    valid_from: dt.date
    unit: str
    reference: str
    source: str  # file:line of the value (parameter file or scenario override)
    base_value: Any
    index_path: str | None = None
    index_factor: float = 1.0
    extrapolated_years: tuple[int, ...] = ()
    location: Location | None = None  # where the value is written (parameter file or scenario line)

    def describe(self) -> str:
        text = f"{self.path} = {_fmt(self.value)} {self.unit} (valid from {self.valid_from}, {self.source})"
        if self.index_path and self.index_factor != 1.0:
            text += f"; {_fmt(self.base_value)} indexed by {self.index_path} × {self.index_factor:.6f}"
        if self.extrapolated_years:
            text += f"; index extrapolated for {', '.join(map(str, self.extrapolated_years))}"
        return text


def _fmt(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return "[" + ", ".join(f"L{i + 1}: {v:g}" for i, v in enumerate(value)) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class Snapshot:
    """Immutable view of every parameter in force on one date; what calculations receive."""

    def __init__(self, on: dt.date, resolved: dict[str, Resolved]):
        self.on = on
        self._resolved = MappingProxyType(dict(resolved))

    def __getitem__(self, path: str) -> Any:
        return self.trace(path).value

    def __contains__(self, path: str) -> bool:
        return path in self._resolved

    def trace(self, path: str) -> Resolved:
        try:
            return self._resolved[path]
        except KeyError:
            raise KeyError(f"parameter '{path}' is not in the parameter tree") from None

    def paths(self) -> list[str]:
        return sorted(self._resolved)

    def levels(self, path: str) -> np.ndarray:
        """A level table as a read-only array indexed by level-1."""
        value = self[path]
        if not isinstance(value, np.ndarray) or value.shape != (8,):
            raise KeyError(f"parameter '{path}' is not a level table")
        return value

    def extrapolations(self) -> list[str]:
        """Human-readable notes for every value that relied on an extended index."""
        return [
            f"{r.path}: {r.index_path} extended beyond its data for {', '.join(map(str, r.extrapolated_years))}"
            for r in self._resolved.values()
            if r.extrapolated_years
        ]

    def with_values(self, changes: dict[str, Any]) -> Snapshot:
        """A copy with some values replaced (for property tests that vary one parameter at a time)."""
        resolved = dict(self._resolved)
        for path, value in changes.items():
            old = self.trace(path)
            if isinstance(old.value, np.ndarray):
                value = np.asarray(value, dtype=float)
                value.setflags(write=False)
            resolved[path] = Resolved(path, value, old.valid_from, old.unit, old.reference, "(changed in code)",
                                      value)
        return Snapshot(self.on, resolved)


def value_problems(param: Parameter, value: Any) -> list[tuple[str, str, str]]:
    """(problem, expected, fix) for each number of a new ``value`` of ``param`` (a scalar, or the
    eight values of a level table) outside its unit's range or below its leaf's floor (above its ceiling), as the
    parameter files are checked — a scenario's PO of 0.04504 took 366 MSEK off the board without a word (diff
    review); none for text leaves."""
    allowed = unit_range(param.unit) if param.kind != "text" else None
    if allowed is None:  # text, or a unit already refused when its parameter file was loaded
        return []
    levels = param.kind == "levels"
    floor = floor_of(param.path)
    found = []
    for i, v in enumerate(value if levels else (value,)):
        what = f"new level {i + 1} value {{v}} for '{param.path}'" if levels else f"new value {{v}} for '{param.path}'"
        found.append(value_problem(what, float(v), param.unit, allowed, floor))
    return [f for f in found if f]


class InForce(NamedTuple):
    """The written (unindexed) value of a leaf on a date and where it comes from."""

    valid_from: dt.date
    value: Any
    source: str
    indexed: bool
    location: Location


@dataclass
class ParameterTree:
    """All leaves by path, plus scenario overrides; produces snapshots."""

    parameters: dict[str, Parameter] = field(default_factory=dict)
    overrides: list[Override] = field(default_factory=list)

    def merged_with(self, other: ParameterTree) -> ParameterTree:
        """Leaves of ``other`` (local values) replace same-path leaves of this tree."""
        return ParameterTree({**self.parameters, **other.parameters}, [*self.overrides, *other.overrides])

    def with_overrides(self, overrides: list[Override]) -> ParameterTree:
        """This tree with overrides on top; refuses values outside their unit's range and role mixes not summing to 1."""
        problems = ProblemCollector()
        for ov in overrides:
            if ov.path in self.parameters:
                for found in value_problems(self.parameters[ov.path], ov.value):
                    problems.add(ov.location, *found)
        tree = ParameterTree(dict(self.parameters), [*self.overrides, *overrides])
        problems.problems += tree.share_problems()
        problems.raise_if_any()
        return tree

    def share_problems(self) -> list[Problem]:
        """Share groups (role mixes) that do not sum to 1 on a date where one of their values changes."""
        problems = []
        numbers = (p for p, leaf in self.parameters.items() if leaf.kind in ("scalar", "index"))
        for group, members in sum_groups(numbers).items():
            dates = {d for m in members for d, _ in self.parameters[m].values}
            for ov in self.overrides:
                if ov.path in members:
                    dates |= {ov.start} | ({ov.end + dt.timedelta(days=1)} if ov.end else set())
            for on in sorted(dates):
                in_force = {m: self.in_force(m, on) for m in members}
                if any(f is None for f in in_force.values()):
                    continue
                latest = max(reversed(in_force.values()), key=lambda f: f.valid_from)  # ties: the last share
                problem = sum_problem(group, on, {m: float(f.value) for m, f in in_force.items()}, latest.location)
                if problem:
                    problems.append(problem)
                    break
        return problems

    def in_force(self, path: str, on: dt.date) -> InForce | None:
        """The written value of a leaf on a date: the latest override covering it, else the latest key."""
        param = self.parameters[path]
        override = next((ov for ov in reversed(self.overrides) if ov.path == path and ov.covers(on)), None)
        if override is not None:
            source = str(override.location) + (f" — {override.reason}" if override.reason else "")
            return InForce(override.start, override.value, source, override.indexed, override.location)
        i = next((i for i in reversed(range(len(param.values))) if param.values[i][0] <= on), None)
        if i is None:
            return None
        location = param.value_location(i)  # the line of the value in force, not the leaf's first line
        source = f"{param.file}:{location.line}" if location.line else param.file
        return InForce(*param.values[i], source, True, location)

    def index_growth(self, index_path: str, year: int) -> tuple[float, bool]:
        """Annual growth rate of an index leaf for ``year`` and whether it was extrapolated."""
        index = self.parameters[index_path]
        on = dt.date(year, 1, 1)
        for ov in reversed(self.overrides):
            if ov.path == index_path and ov.covers(on):
                return float(ov.value), False
        first_year = index.values[0][0].year
        last_year = index.values[-1][0].year
        if year < first_year:
            raise InputError.at(
                Location(file=index.file, line=index.line, path=index_path),
                f"index '{index_path}' has no value for {year}; its data start in {first_year}",
                f"a growth rate for every year from a value's valid-from year to the date asked for ({year})",
                f"add a value for {year} to '{index_path}', or give the indexed parameter a value valid from a later year",
            )
        if year > last_year:
            if index.extend != "last":
                raise InputError.at(
                    Location(file=index.file, line=index.line, path=index_path),
                    f"index '{index_path}' ends in {last_year} but {year} is needed",
                    f"index data up to {year}, or 'extend: last' declared on the index",
                    f"add values for {last_year + 1}–{year}, or declare 'extend: last' to carry the last rate forward (it is then flagged)",
                )
            return float(index.values[-1][1]), True
        chosen = index.key_in_force(on)
        assert chosen is not None
        return float(chosen[1]), False

    def _index_factor(self, index_path: str, from_year: int, to_year: int) -> tuple[float, tuple[int, ...]]:
        factor, extrapolated = 1.0, []
        for year in range(from_year + 1, to_year + 1):
            growth, extra = self.index_growth(index_path, year)
            factor *= 1.0 + growth
            if extra:
                extrapolated.append(year)
        return factor, tuple(extrapolated)

    def resolve(self, path: str, on: dt.date) -> Resolved:
        """The value of one leaf on a date: override if one covers it, else the latest key; then indexation."""
        param = self.parameters[path]
        found = self.in_force(path, on)
        if found is None:
            raise InputError.at(
                Location(file=param.file, line=param.line, path=path),
                f"parameter '{path}' has no value valid on {on} (first value from {param.values[0][0]})",
                f"a value valid from {on} or earlier",
                "add an earlier valid-from date, or run the scenario from a later base date",
            )
        valid_from, base, source, do_index, location = found
        value, factor, extrapolated = base, 1.0, ()
        if param.indexation and do_index and on.year > valid_from.year:
            factor, extrapolated = self._index_factor(param.indexation, valid_from.year, on.year)
        if param.kind == "levels":
            value = np.asarray(base, dtype=float) * factor
            value.setflags(write=False)
            base = np.asarray(base, dtype=float)
            base.setflags(write=False)
        elif param.kind in ("scalar", "index"):
            value = float(base) * factor
        return Resolved(path, value, valid_from, param.unit, param.reference, source, base,
                        param.indexation, factor, extrapolated, location)

    def snapshot(self, on: dt.date) -> Snapshot:
        """Resolve every leaf on ``on``; fails with a located error if any leaf cannot be resolved."""
        return Snapshot(on, {path: self.resolve(path, on) for path in sorted(self.parameters)})
