"""The long series table (``unique_id``, ``ds``, ``y`` plus optional exogenous columns) and its
validation. One table can hold monthly and yearly series; each series has one frequency.

``ds`` is the first day of the period (a month start, or 1 January for yearly series). When a
table was read from a file its index holds spreadsheet row numbers, so problems are reported at
the row the user sees; for in-memory tables the location names the series and the date."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector, shown
from resmodel.limits import MAX_SERIES_VALUE
from resmodel.table_words import ascii_digit_cells

ID, DS, Y = "unique_id", "ds", "y"
MONTHLY, YEARLY = "M", "Y"
FIRST_YEAR, LAST_YEAR = 1900, 2200  # periods outside are typing mistakes (and near the end of pandas' dates)
SEASON = {MONTHLY: 12, YEARLY: 1}
FREQ_NAMES = {MONTHLY: "monthly", YEARLY: "yearly"}
MIN_POINTS = 3  # fewest points any series needs: a level plus two residuals for an interval
MAX_PROBLEMS = 25


@dataclass(frozen=True)
class Series:
    """One validated series: contiguous periods, non-negative values, exogenous columns aligned."""

    uid: str
    freq: str
    ds: pd.DatetimeIndex
    y: np.ndarray
    X: pd.DataFrame  # exogenous columns for the observed periods (may have no columns)

    @property
    def season(self) -> int:
        return SEASON[self.freq]

    def head(self, n: int) -> Series:
        """The first ``n`` points (training part of a backtest window)."""
        return Series(self.uid, self.freq, self.ds[:n], self.y[:n], self.X.iloc[:n])


#: a number written with a decimal comma ('40300,5'): text in a file read with '.' as decimal point
_DECIMAL_COMMA = re.compile(r"\s*-?\d+,\d+\s*")
#: digits grouped by spaces ('1 020', '1 250 000'; also the no-break spaces Excel writes)
_SPACED_THOUSANDS = re.compile(r"-?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?")
_GROUP_SPACE = re.compile(r"[ \u00a0\u202f]")
#: one that may as well be a thousands separator ('40,300', '1,250,000')
_THOUSANDS_COMMA = re.compile(r"\s*-?\d{1,3}(?:,\d{3})+\s*")


def number_expected(decimal_comma: bool = False) -> str:
    """The number a value cell must hold, in its file's convention: a ';' file (Swedish Excel's CSV) writes decimal
    commas, so an empty cell there was told to use '.' (planner walk, finding 4)."""
    return ("a number with ',' as decimal comma (as in this ';' file)" if decimal_comma
            else "a number with '.' as decimal point")


def step(freq: str) -> pd.DateOffset:
    """One period of the given frequency."""
    return pd.DateOffset(months=1) if freq == MONTHLY else pd.DateOffset(years=1)


def future_dates(last: pd.Timestamp, h: int, freq: str) -> pd.DatetimeIndex:
    """The ``h`` periods after ``last``."""
    months = 1 if freq == MONTHLY else 12
    return pd.DatetimeIndex([last + pd.DateOffset(months=months * k) for k in range(1, h + 1)])


def format_ds(ds: pd.Series | pd.DatetimeIndex, freq: str) -> list[str]:
    """Periods as the user writes them: ``YYYY-MM`` for monthly, ``YYYY`` for yearly series."""
    fmt = "%Y-%m" if freq == MONTHLY else "%Y"
    return [d.strftime(fmt) for d in pd.DatetimeIndex(ds)]


def month_number(ds: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Months since year 0 (year·12 + month − 1): a resolution-independent time axis."""
    ds = pd.DatetimeIndex(ds)
    return (ds.year * 12 + ds.month - 1).to_numpy(dtype=np.int64)


def month_ranges(months: pd.Series | pd.DatetimeIndex | list, freq: str = MONTHLY) -> str:
    """Periods named as runs, so that a message names every one: '2020-10', '2020-10 – 2020-11',
    '2020-10, 2021-03 – 2021-05' (years for a yearly ``freq``: '2016 – 2017')."""
    numbers = np.unique(month_number(pd.DatetimeIndex(months)))
    if freq == YEARLY:
        numbers = np.unique(numbers // 12)
    breaks = np.flatnonzero(np.diff(numbers) != 1) + 1
    text = []
    for run in np.split(numbers, breaks):
        first, last = (f"{n:04d}" if freq == YEARLY else f"{n // 12:04d}-{n % 12 + 1:02d}" for n in (run[0], run[-1]))
        text.append(first if len(run) == 1 else f"{first} – {last}")
    return ", ".join(text)


def infer_freq(ds: pd.Series) -> str:
    """Yearly when every date is 1 January and there are at least two; otherwise monthly."""
    if len(ds) >= 2 and bool((ds.dt.month == 1).all()):
        return YEARLY
    return MONTHLY


def parse_month(text: pd.Series) -> pd.Series:
    """Months written YYYY-MM or as their first day (YYYY-MM-01, optionally 00:00:00: an Excel date), in any script's
    digits; else NaT."""
    month = ascii_digit_cells(text).str.strip().str.replace(r"^(\d{4}-\d{2})-01(?: 00:00:00)?$", r"\1", regex=True)
    return pd.to_datetime(month, format="%Y-%m", errors="coerce")


#: the first three letters of a month's Swedish or English name, and its number
MONTH_NAMES = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "maj": 5, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
               "okt": 10, "oct": 10, "nov": 11, "dec": 12}


def month_written_otherwise(text: pd.Series, month_only: bool = False) -> pd.Series:
    """The YYYY-MM a month written another way means — a month name and year ('jan 2024', 'januari 2024', 'jan-24'
    as Excel re-saves a CSV's 2024-01; a two-digit year as Excel reads it, 00–29 → 2000s, 30–99 → 1900s), YYYYMM
    ('202401'), MM/YYYY ('01/2024'), SCB's YYYYMmm ('2024M01') or an ISO timestamp of the month's first day
    ('2024-01-01T00:00:00', as a database or BI tool exports it) —, NA where it is none of them: for a message that
    gives the conversion.
    ``month_only`` (a table with the year in its own column, resmodel inyear): the month number 1–12 instead,
    also of a name without a year ('augusti') and of a date ('2024-08', '2024-08-01'), so both say one conversion."""
    cells = text.astype("string").str.strip().str.lower()
    named = cells.str.extract(r"^(?P<name>[a-zåäö]{3})[a-zåäö]*\.?[\s\-/]*(?P<year>\d{4}|\d{2})"
                              + ("?" if month_only else "") + "$")
    month = named["name"].map(MONTH_NAMES).astype("Float64")
    year = pd.to_numeric(named["year"], errors="coerce").astype("Float64")
    year = year.where(named["year"].str.len() == 4, year + 2000 - 100 * (year >= 30))
    dated = r"|^(?P<y3>\d{4})[-/](?P<m3>\d{1,2})(?:-01(?: 00:00:00)?)?$" if month_only else ""
    packed = cells.str.extract(r"^(?P<year>\d{4})m?(?P<month>\d{2})$|^(?P<m2>\d{1,2})/(?P<y2>\d{4})$"
                               r"|^(?P<y4>\d{4})-(?P<m4>\d{2})-01t00:00(?::00(?:\.0+)?)?z?$" + dated)
    packed_year = packed["year"].fillna(packed["y2"]).fillna(packed["y4"])
    packed_month = packed["month"].fillna(packed["m2"]).fillna(packed["m4"])
    if month_only:
        packed_year, packed_month = packed_year.fillna(packed["y3"]), packed_month.fillna(packed["m3"])
    year = year.fillna(pd.to_numeric(packed_year, errors="coerce").astype("Float64"))
    month = month.fillna(pd.to_numeric(packed_month, errors="coerce").astype("Float64"))
    ok = month.between(1, 12) & year.between(FIRST_YEAR, LAST_YEAR)
    if month_only:
        return month.where((ok | (month.between(1, 12) & year.isna())).fillna(False), pd.NA)
    out = year.astype("Int64").astype("string").str.zfill(4) + "-" + month.astype("Int64").astype("string").str.zfill(2)
    return out.where(ok.fillna(False), pd.NA)



#: a year and a month apart by '/', '.' or '-' (2024/06, 2024.6), maybe with a first day (2024/06/01)
_YEAR_MONTH = re.compile(r"\s*(\d{4})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*0?1)?\s*")
#: how a month is asked for when the one meant cannot be read (an example, not a guess at the month)
MONTH_FORM = "YYYY-MM, such as 2024-06"


def month_meant(text: str) -> str | None:
    """The YYYY-MM a month typed another way most likely means — '2024/06', '2024.6', '06/2024', 'juni 2024',
    '202406' → 2024-06 — or None when it reads as no month (2024-13), so that a fix echoes the input, not an
    unrelated example month."""
    found = _YEAR_MONTH.fullmatch(str(text))
    if found:
        year, month = int(found[1]), int(found[2])
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 and FIRST_YEAR <= year <= LAST_YEAR else None
    other = month_written_otherwise(pd.Series([str(text)])).iloc[0]
    return None if pd.isna(other) else str(other)


def month_fix(text: str) -> str:
    """'write the month as 2024-06' for the month ``text`` most likely means, else as YYYY-MM with an example."""
    meant = month_meant(text)
    return f"write the month as {meant if meant else MONTH_FORM}"

def month_name_problem(text: pd.Series, rows: pd.Index) -> tuple[pd.Index, str, str]:
    """Of the ``rows`` whose period could not be read, those written as a month name, YYYYMM or MM/YYYY, and one
    problem and fix for them all with the conversion ('jan 2024 → 2024-01'), instead of a line per row."""
    converted = month_written_otherwise(text[rows])
    named = converted.index[converted.notna().to_numpy()]
    if not len(named):
        return named, "", ""
    cells = text[named].astype("string").str.strip()
    examples = ", ".join(f"{c} → {converted[r]}" for r, c in cells.drop_duplicates().head(3).items())
    more = ", …" if cells.nunique() > 3 else ""
    return (named, f"{len(named)} row{'s' if len(named) > 1 else ''} write the month another way ({examples}{more})",
            "write each month as YYYY-MM (in Excel, which shows 2024-01 as jan-24 and saves it so: format the column "
            "as Text, or as the custom format yyyy-mm, before saving — or save the workbook as .xlsx)")


def parse_periods(ds: pd.Series) -> pd.Series:
    """Periods as the history's ``ds`` is read: YYYY (also the integer 2025, not 2025 ns after 1970) or YYYY-MM
    or a date, as text; NaT where unreadable. Datetime columns are kept."""
    if pd.api.types.is_datetime64_any_dtype(ds):
        return ds
    return pd.to_datetime(ds.astype("string"), errors="coerce", format="mixed")


def validate_long(
    df: pd.DataFrame,
    *,
    freqs: Mapping[str, str] | None = None,
    source: str | None = None,
    exog: tuple[str, ...] | None = None,
    labels: Mapping[str, str] | None = None,
    decimal_comma: bool = False,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Check a long table and return it sorted by series and date with the frequency of each series.

    Reports, all at once: missing columns, empty ids, dates that are not period starts,
    non-numeric, missing or negative values, duplicate dates, mixed frequencies and gaps.
    ``source`` is the file name (then the index is taken as spreadsheet row numbers); ``labels``
    maps ``ds``/``y`` to the column names the user's file has, for the messages; ``decimal_comma``: the file is a
    ';' CSV, whose numbers are written with ',' (the messages ask for that)."""
    labels = labels or {}
    problems = ProblemCollector()
    for col in (ID, DS, Y):
        if col not in df.columns:
            raise InputError.at(
                Location(file=source, row=1 if source else None, column=col),
                f"required column '{col}' is missing",
                "columns unique_id, ds, y (and optional exogenous columns)",
                "rename the columns as in docs/forecasting.md (series file format)",
            )
    exog = tuple(c for c in df.columns if c not in (ID, DS, Y)) if exog is None else exog
    frame = df[[ID, DS, Y, *exog]].copy()
    if not frame.index.is_unique:  # in-memory tables: the index carries no row numbers
        frame = frame.reset_index(drop=True)

    raw_ds = frame[DS].copy()

    def loc(idx, column: str, uid: str | None) -> Location:
        """A file's spreadsheet row; an in-memory table's series and period, as the row shows it."""
        return Location(file=source, row=int(idx) if source else None, column=labels.get(column, column), path=uid,
                        period=None if source else _period_shown(raw_ds[idx]))

    uid = series_ids(frame[ID])
    problems.add_rows(frame.index[(uid.isna() | (uid == "")).to_numpy()], 5, lambda idx: (
        loc(idx, ID, None), "the series id is empty", "a series name", f"fill in {labels.get(ID, ID)}"))
    frame[ID] = uid

    if not pd.api.types.is_datetime64_any_dtype(frame[DS]):
        parsed = parse_periods(frame[DS])
        problems.add_rows(frame.index[(parsed.isna() & frame[DS].notna()).to_numpy()], 5, lambda idx: (
            loc(idx, DS, uid[idx]), f"'{shown(frame[DS][idx])}' is not a date",
            "a period YYYY (yearly) or YYYY-MM (monthly)", "write the period as YYYY or YYYY-MM"))
        frame[DS] = parsed
    years = pd.to_datetime(frame[DS]).dt.year
    outside = years.notna() & ((years < FIRST_YEAR) | (years > LAST_YEAR))
    for idx in frame.index[outside.to_numpy()][:5]:
        period = raw_ds[idx].strftime("%Y-%m") if isinstance(raw_ds[idx], pd.Timestamp) else raw_ds[idx]
        problems.add(loc(idx, DS, uid[idx]), f"'{shown(period)}' is outside the years {FIRST_YEAR}–{LAST_YEAR}",
                     "a period in those years", "correct the year")
    frame[DS] = pd.to_datetime(frame[DS].where(~outside)).astype("datetime64[ns]")
    for idx in frame.index[frame[DS].isna().to_numpy()][:5]:
        if pd.isna(raw_ds[idx]):
            problems.add(loc(idx, DS, uid[idx]), "the date is empty", "a period YYYY or YYYY-MM", f"fill in {labels.get(DS, DS)}")
    not_start = frame[DS].notna() & (frame[DS].dt.day != 1)
    for idx in frame.index[not_start.to_numpy()][:5]:
        problems.add(loc(idx, DS, uid[idx]), f"{frame[DS][idx].date()} is not the first day of a period",
                     "the first day of a month (or of a year for yearly series)",
                     "write the period as YYYY or YYYY-MM")

    comments = _text_columns(frame, exog)
    for col in comments:  # a comment column is not a regressor with bad cells: said once
        cells = frame[col].astype("string").str.strip().fillna("")
        text = cells[(cells != "") & pd.to_numeric(cells, errors="coerce").isna()]
        what = (f"holds text ('{shown(text.iloc[0])}' on row {text.index[0]})" if len(text) and source
                else f"holds text ('{shown(text.iloc[0])}')" if len(text) else "is empty")
        problems.add(Location(file=source, row=1 if source else None, column=labels.get(col, col)),
                     f"column '{col}' {what}", "besides unique_id, ds and y only numeric columns (exogenous "
                     "regressors, docs/forecasting.md §6)", "remove the column (a comment column cannot be kept in a "
                     "series file)")
    exog = tuple(c for c in exog if c not in comments)
    for col in (Y, *exog):
        numbers = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        numbers = numbers.mask(numbers.abs() > MAX_SERIES_VALUE)  # 'inf', 1e308: no volume or amount is that large
        bad = numbers.isna()
        def not_a_number(idx, col=col):
            cell = frame[col][idx]
            what = "empty" if pd.isna(cell) or str(cell).strip() == "" else f"'{shown(cell)}'"
            if pd.notna(pd.to_numeric(cell, errors="coerce")):  # 'inf' or a number too large to be a volume
                return (loc(idx, col, uid[idx]), f"value {what} is not a finite number up to {MAX_SERIES_VALUE:.0e}",
                        "a volume or amount", "correct the value (a typing mistake?)")
            text = str(cell).strip()
            if _THOUSANDS_COMMA.fullmatch(text):  # 40,300: a thousands separator, or a decimal comma
                decimal = f", or {text.replace(',', '.')} if it is a decimal comma" if text.count(",") == 1 else ""
                kind = "a thousands separator or a decimal comma" if decimal else "thousands separators"
                return (loc(idx, col, uid[idx]), f"value {what} has a comma: {kind}",
                        "a plain number with '.' as decimal point and no thousands separator",
                        f"write {text.replace(',', '')} if the comma separates thousands{decimal} (decimal commas are "
                        "read in a CSV file with ';' between cells, as Swedish Excel saves 'CSV UTF-8')")
            if _SPACED_THOUSANDS.fullmatch(text):  # '1 020' as Swedish Excel shows thousands
                return (loc(idx, col, uid[idx]), f"value {what} has spaces between its digits: a thousands separator",
                        "a plain number without spaces or thousands separators",
                        f"write {_GROUP_SPACE.sub('', text)} (in Excel: format the column as a number "
                        "without a thousands separator before saving, or save as 'CSV UTF-8' with ';' between cells, "
                        "which is read with Swedish number formats)")
            if _DECIMAL_COMMA.fullmatch(str(cell)):
                return (loc(idx, col, uid[idx]), f"value {what} has a decimal comma",
                        "a number with '.' as decimal point (decimal commas are read in a CSV file with ';' between "
                        "cells, as Swedish Excel saves 'CSV UTF-8')", "write the number with '.', or save the file "
                        "from Excel as 'CSV UTF-8' with ';' between cells")
            return (loc(idx, col, uid[idx]), f"value {what} is not a number", number_expected(decimal_comma),
                    "correct the value; do not leave gaps as empty cells")

        problems.add_rows(frame.index[bad.to_numpy()], 5, not_a_number)
        if col == Y:
            problems.add_rows(frame.index[(numbers < 0).to_numpy()], 5, lambda idx, col=col, numbers=numbers: (
                loc(idx, col, uid[idx]), f"value {numbers[idx]:g} is negative", "a volume ≥ 0",
                "correct the value (volumes and amounts cannot be negative)"))
        frame[col] = numbers.astype("float64")
    if len(problems.problems):
        problems.raise_if_any()

    frame = frame.sort_values([ID, DS], kind="stable")
    out_freqs: dict[str, str] = {}
    for name, g in frame.groupby(ID, sort=True):
        name = str(name)
        dup = g[DS].duplicated(keep="first")
        yearly = (freqs or {}).get(name) == YEARLY or bool((g[DS].dt.month == 1).all())
        for idx in g.index[dup.to_numpy()][:5]:
            period = format_ds(g[DS][[idx]], YEARLY if yearly else MONTHLY)[0]
            problems.add(loc(idx, DS, name), f"date {period} appears more than once in series '{name}'",
                         "one value per period and series", "remove or merge the duplicate rows")
        if dup.any():
            continue
        freq = (freqs or {}).get(name) or infer_freq(g[DS])
        out_freqs[name] = freq
        months = month_number(g[DS])
        diffs = np.diff(months)
        if freq == YEARLY and bool((g[DS].dt.month != 1).any()):
            idx = g.index[(g[DS].dt.month != 1).to_numpy()][0]
            problems.add(loc(idx, DS, name), f"series '{name}' is yearly but {g[DS][idx]:%Y-%m} is not a year",
                         "one frequency per series (all YYYY or all YYYY-MM)", "split the series or make its periods alike")
            continue
        expected = 12 if freq == YEARLY else 1  # months between consecutive periods
        if freq == MONTHLY and (diffs == 12).any() and (diffs == 1).any():
            idx = g.index[1:][(diffs == 12)][0]
            problems.add(loc(idx, DS, name), f"series '{name}' mixes monthly and yearly steps",
                         "one frequency per series", "keep either monthly or yearly values in one series")
            continue
        gaps = np.flatnonzero(diffs != expected)
        if len(gaps):
            i = gaps[0]
            first = pd.date_range(g[DS].iloc[i] + step(freq), g[DS].iloc[i + 1] - step(freq), freq=step(freq))
            later = [d for k in gaps[1:] for d in pd.date_range(g[DS].iloc[k] + step(freq),
                                                                g[DS].iloc[k + 1] - step(freq), freq=step(freq))]
            yearly_as_dates = freq == MONTHLY and len(g) > 1 and bool((g[DS].dt.month == 1).all())
            problems.add(loc(g.index[i + 1], DS, name),
                         f"gap in series '{name}': {month_ranges(first, freq)} {'is' if len(first) == 1 else 'are'} "
                         f"missing before {format_ds([g[DS].iloc[i + 1]], freq)[0]}"
                         + (f" (and {month_ranges(later, freq)} later)" if later else ""),
                         f"consecutive {FREQ_NAMES[freq]} periods without gaps",
                         "for a yearly series write each period as the year alone (2016, not 2016-01-01)"
                         if yearly_as_dates else "add the missing periods (use 0 if the volume really was zero)")
        if len(problems.problems) >= MAX_PROBLEMS:
            break
    problems.cap(MAX_PROBLEMS, Location(file=source) if source else Location(path="series"))
    problems.raise_if_any()
    return frame, out_freqs


def series_ids(cells: pd.Series) -> pd.Series:
    """Series ids as text without spaces around them (the integer 7 and ' 7 ' are series '7'), read alike in the
    history and in the future exogenous values, so that one series is one id in both."""
    return cells.astype("string").str.strip()


def _period_shown(cell: object) -> str | None:
    """An in-memory row's period as its ``ds`` cell holds it ('2024-03', '2019.0'), to locate the row; None when
    empty."""
    if pd.isna(cell):
        return None
    if isinstance(cell, date):  # also a Timestamp
        stamp = pd.Timestamp(cell)
        return stamp.strftime("%Y-%m" if stamp.day == 1 else "%Y-%m-%d")
    return shown(cell)


def _text_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[str]:
    """The extra columns that are comments, not regressors: empty, or holding text where fewer than half the rows
    hold a number (a regressor with a stray word gets its cell reported; a decimal or thousands comma counts as a
    number written the wrong way)."""
    out = []
    for col in columns:
        cells = frame[col].astype("string").str.strip().fillna("")
        filled = cells[cells != ""]
        numeric = pd.to_numeric(filled, errors="coerce").notna() | filled.str.fullmatch(_DECIMAL_COMMA.pattern) \
            | filled.str.fullmatch(_THOUSANDS_COMMA.pattern) | filled.str.fullmatch(_SPACED_THOUSANDS.pattern)
        if filled.empty or (not numeric.all() and numeric.sum() < len(cells) / 2):
            out.append(col)
    return out


def split_series(df: pd.DataFrame, freqs: Mapping[str, str]) -> list[Series]:
    """Turn a validated, sorted long table into one :class:`Series` per id (sorted by id)."""
    exog = [c for c in df.columns if c not in (ID, DS, Y)]
    out = []
    for name, g in df.groupby(ID, sort=True):
        out.append(Series(str(name), freqs[str(name)], pd.DatetimeIndex(g[DS]), g[Y].to_numpy(dtype=float),
                          g[exog].reset_index(drop=True)))
    return out


def validate_future(
    X_df: pd.DataFrame | None,
    series: list[Series],
    h: int,
    needed: Mapping[str, tuple[str, ...]],
    source: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Future exogenous values per series for the ``h`` periods after its last date.

    ``needed`` maps series id to the exogenous columns its models use; a missing column, period
    or value is a located error (the forecast cannot be made without it)."""
    out: dict[str, pd.DataFrame] = {}
    if not any(needed.values()):
        return out
    problems = ProblemCollector()
    if X_df is not None:
        X_df = X_df.copy()
        parsed = parse_periods(X_df[DS]).astype("datetime64[ns]")  # integer years as the history's: 2025 is a year
        problems.add_rows(X_df.index[(parsed.isna() & X_df[DS].notna()).to_numpy()], 5, lambda idx: (
            Location(file=source, row=int(idx), column=DS, path="X_df"), f"future period '{shown(X_df[DS][idx])}' is not a date",
            "a period YYYY (yearly) or YYYY-MM (monthly), as the history's", "write the period as YYYY or YYYY-MM"))
        problems.add_rows(X_df.index[(parsed.notna() & (parsed.dt.day != 1)).to_numpy()], 5, lambda idx: (
            Location(file=source, row=int(idx), column=DS, path="X_df"), f"future period {parsed[idx].date()} is not the first day of a period",
            "the first day of a month (or of a year for yearly series)", "write the period as YYYY or YYYY-MM"))
        X_df[DS] = parsed
    for s in series:
        cols = needed.get(s.uid, ())
        if not cols:
            continue
        dates = future_dates(s.ds[-1], h, s.freq)
        where = Location(file=source, path=s.uid)
        if X_df is None:
            problems.add(where, f"exogenous column(s) {', '.join(cols)} are needed for the future but no future values "
                         "were given", f"future values for {h} periods after {format_ds([s.ds[-1]], s.freq)[0]}",
                         "supply a future exogenous table (X_df) or choose a model without exogenous inputs")
            continue
        missing_cols = [c for c in cols if c not in X_df.columns]
        if missing_cols:
            problems.add(where, f"exogenous column(s) {', '.join(missing_cols)} missing in the future values",
                         f"columns {', '.join(cols)}", "add the columns to the future exogenous table")
            continue
        g = X_df[series_ids(X_df[ID]) == s.uid].set_index(DS)
        g = g[g.index.notna()]  # a period that is no date is told above
        repeated = g.index[g.index.duplicated()]
        if len(repeated):  # the first was kept silently, a second 1e6 never said (bad-input audit)
            problems.add(where, f"the future exogenous period {format_ds([repeated[0]], s.freq)[0]} is given twice",
                         "one row per series and period", "remove the duplicate row of the future exogenous table")
            continue
        fut = g.reindex(dates)[list(cols)]
        values = fut.apply(lambda c: pd.to_numeric(c, errors="coerce"))  # 'forty-one', inf: no driver value
        bad = (fut.notna() & ~np.isfinite(values.astype(float))).any(axis=1)
        if bad.any():
            first = fut.index[bad.to_numpy()][0]
            problems.add(where, f"a future exogenous value of {format_ds([first], s.freq)[0]} is not a finite number",
                         f"numbers for {', '.join(cols)}", "correct the value of the future exogenous table")
            continue
        fut = values
        gap = fut.isna().any(axis=1)
        if gap.any():
            first = fut.index[gap.to_numpy()][0]
            problems.add(where, f"future exogenous values missing from {format_ds([first], s.freq)[0]} "
                         f"({int(gap.sum())} of {h} periods)",
                         f"values of {', '.join(cols)} for every forecast period up to "
                         f"{format_ds([dates[-1]], s.freq)[0]}",
                         "extend the exogenous table (e.g. the population projection) or shorten the horizon")
            continue
        out[s.uid] = fut.reset_index(drop=True)
    problems.raise_if_any()
    return out
