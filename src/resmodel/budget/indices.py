"""Yearly index series (wages, prices, rents, the state assistance rate): coverage checks and the
cumulative factors a projection multiplies base-year amounts by.

A growth series holds annual growth rates keyed by year; a level series (the state hourly rate)
holds values keyed by year. A horizon that needs years beyond the data is refused unless an
extension rate has been declared for that series; every extended year is reported in the notes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location


@dataclass(frozen=True)
class IndexPath:
    """A resolved index over consecutive years, with the years that came from a declared extension (beyond the
    data, or in a gap before a later year a scenario sets)."""

    name: str
    years: np.ndarray
    values: np.ndarray  # growth rates (growth series) or levels (level series)
    extended: tuple[int, ...]

    def note(self, declared_in: str = "projection.extensions", rate: float | None = None,
             from_tree: bool = False) -> str | None:
        """The flag for the years beyond the data, naming the ``rate`` carried over them when the caller knows it
        and where it comes from: ``declared_in``, or for an index of the parameter tree (``from_tree``) a rate
        declared there else the index's last rate — 'the last known rate, or the rate the scenario declares' left
        open whether 2029's scenario rate or the file's was carried after it (economist re-walk 2, finding 2)."""
        if not self.extended:
            return None
        span = year_spans(self.extended)
        source = (f"a rate the scenario declares in {declared_in}, else the index's last rate with extend: last"
                  if from_tree else f"the rate the scenario declares in {declared_in}")
        if rate is None:
            return f"{self.name}: no data for {span}: {source} is carried (flagged as an assumption)"
        return f"{self.name}: no data for {span}: {percent(rate)} a year carried ({source}; flagged as an assumption)"


def percent(rate: float) -> str:
    """A growth rate as a percentage with one decimal at least, more when it has them: 0.03 → '3.0 %', 0.0275 →
    '2.75 %'."""
    digits = f"{rate * 100:.2f}".rstrip("0")
    return f"{digits}0 %" if digits.endswith(".") else f"{digits} %"


def year_spans(years: tuple[int, ...]) -> str:
    """Years as runs, '2026, 2028–2034': a scenario's rate for 2027 between years without data breaks the run."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _as_series(values: pd.Series | Mapping[int, float] | float, name: str,
               location: Location) -> tuple[pd.Series, float | None]:
    """The values as a year-keyed float series, or (empty, constant) for a plain number."""
    if isinstance(values, int | float) and not isinstance(values, bool):
        return pd.Series(dtype=float, name=name), float(values)
    series = pd.Series(values, dtype=float) if not isinstance(values, pd.Series) else values.astype(float)
    try:
        series.index = series.index.astype(int)
    except (TypeError, ValueError):
        raise InputError.at(location, f"index '{name}' is keyed by something other than years",
                            "a series keyed by calendar year (e.g. 2026: 0.03)", "key each value by its year") from None
    if series.index.has_duplicates:
        dup = int(series.index[series.index.duplicated()][0])
        raise InputError.at(Location(location.file, path=f"{location.path}.{dup}"), f"year {dup} appears twice",
                            "one value per year", "remove the duplicate year")
    bad = series[~np.isfinite(series.to_numpy())]
    if len(bad):
        raise InputError.at(Location(location.file, path=f"{location.path}.{int(bad.index[0])}"),
                            "value is not a finite number", "a number", "fill in the value")
    return series.sort_index(), None


def growth_path(values: pd.Series | Mapping[int, float] | float, years: np.ndarray, name: str,
                extend_with: float | None = None, location: Location | None = None,
                fill_after: int | None = None) -> IndexPath:
    """Growth rates for ``years``: from the data, else the declared extension rate (flagged) for a year after the
    data's last, else an error. With ``fill_after`` (the base year) the extension fills every year after it without
    data: an index read from the parameter tree, where a scenario's rate for 2027 may follow years without data
    (a gap in a table a user types, a fixed frame uplift, is refused).

    A plain number means 'this rate every year' and is not flagged (it is the declared path itself)."""
    location = location or Location(path=name)
    series, constant = _as_series(values, name, location)
    if constant is not None:
        rates = np.full(len(years), constant)
        _check_growth(rates, name, location)
        return IndexPath(name, np.asarray(years), rates, ())
    rates, extended = np.empty(len(years)), []
    last = int(series.index.max()) if len(series) else None
    after = last if fill_after is None else fill_after
    for i, year in enumerate(int(y) for y in years):
        if year in series.index:
            rates[i] = series.loc[year]
        elif after is not None and year > after and extend_with is not None:
            rates[i] = extend_with
            extended.append(year)
        else:
            _missing(name, year, last, series, location, kind="growth rate")
    _check_growth(rates, name, location)
    return IndexPath(name, np.asarray(years), rates, tuple(extended))


def level_path(values: pd.Series | Mapping[int, float], years: np.ndarray, name: str,
               extend_with: float | None = None, location: Location | None = None) -> IndexPath:
    """Levels for ``years`` (e.g. SEK per hour); beyond the data the last level grows by the declared rate."""
    location = location or Location(path=name)
    series, constant = _as_series(values, name, location)
    if constant is not None:
        return IndexPath(name, np.asarray(years), np.full(len(years), constant), ())
    out, extended = np.empty(len(years)), []
    last = int(series.index.max()) if len(series) else None
    for i, year in enumerate(int(y) for y in years):
        if year in series.index:
            out[i] = series.loc[year]
        elif last is not None and year > last and extend_with is not None:
            out[i] = series.loc[last] * (1.0 + extend_with) ** (year - last)
            extended.append(year)
        else:
            _missing(name, year, last, series, location, kind="value")
    if np.any(out <= 0):
        raise InputError.at(location, f"index '{name}' has a value ≤ 0", "positive levels", "correct the value")
    return IndexPath(name, np.asarray(years), out, tuple(extended))


def _check_growth(rates: np.ndarray, name: str, location: Location) -> None:
    if np.any(rates <= -1.0) or np.any(rates > 1.0):
        raise InputError.at(location, f"index '{name}' has an annual growth rate outside (−100 %, +100 %]",
                            "annual growth rates as fractions, e.g. 0.03 for 3 %",
                            "write growth as a fraction (3 % → 0.03)")


def _missing(name: str, year: int, last: int | None, series: pd.Series, location: Location, kind: str) -> None:
    where = Location(location.file, path=f"{location.path}.{year}")
    if last is not None and year > last:
        raise InputError.at(where, f"index '{name}' ends in {last} but the horizon needs {year}",
                            f"a {kind} for every year up to {year}, or a declared extension rate",
                            f"add values for {last + 1}–{year}, or declare an extension for '{name}' "
                            "(it is then flagged in the results)")
    raise InputError.at(where, f"index '{name}' has no {kind} for {year}",
                        f"a {kind} for every year of the horizon (data: {', '.join(map(str, series.index))})",
                        f"add the {kind} for {year}")


def cumulative(growth: np.ndarray) -> np.ndarray:
    """Index factors relative to the base year from growth rates for base+1 … (last axis = years)."""
    return np.cumprod(1.0 + growth, axis=-1)
