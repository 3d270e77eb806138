"""Reading forecasting inputs into validated in-memory tables, and writing outputs atomically.

Series files (CSV or .xlsx, first sheet) come in two formats, recognised by their header:

- generic long format: ``unique_id``, ``ds`` (``YYYY`` for yearly, ``YYYY-MM`` for monthly
  series), ``y``, and any further numeric columns as exogenous regressors;
- the volume history: ``month`` (``YYYY-MM`` or a first-of-month date), ``service``, ``level``,
  ``volume`` (one series per service, or per service and level).

Problems are reported with file, spreadsheet row (header = row 1), column and series id."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from resmodel.budget.areas import SERVICE_AREA
from resmodel.errors import InputError, Location, ProblemCollector, Warning_, did_you_mean, shown
from resmodel.forecast.frame import (
    DS,
    FIRST_YEAR,
    ID,
    LAST_YEAR,
    MONTHLY,
    YEARLY,
    Y,
    month_name_problem,
    number_expected,
    validate_long,
)
from resmodel.forecast.interface import band_bounds, validate_history
from resmodel.forecast.queue import capacity_from_staff
from resmodel.forecast.stockflow import FLOW_COLUMNS, INFLOW_KINDS, OUTFLOW_KINDS
from resmodel.io.pnr import check_frame_for_pnr
from resmodel.io.tables import (
    EXCEL_EPOCH,
    EXCEL_SERIALS,
    LEVEL_WORDS,
    Column,
    TableSchema,
    allowed_spelling,
    header_key,
    is_total_word,
    other_service_of,
    parse_month,
    read_raw,
    read_table,
    require_rows,
    service_key,
    type_table,
    without_prefix_words,
)
from resmodel.io.writers import write_csv, write_folder_atomically
from resmodel.limits import MAX_VOLUME
from resmodel.services import LEVEL_SERVICES, USER_SERVICES
from resmodel.table_words import swedish_headers

HISTORY_COLUMNS = ("month", "service", "level", "volume")
HISTORY_REQUIRED = ("month", "service", "volume")  # without a level column every service is read as totals
#: the service keys a volume history's service cells are read as (those POST /queues knows): the users' services and
#: the report areas' services; any other name is forecast under its own name, with a warning
HISTORY_SERVICES = tuple(sorted({*SERVICE_AREA, *USER_SERVICES}))
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{2})(?: 00:00:00)?)?$")  # '2025-1' too, as parse_month


POPULATION = TableSchema("population", "Befolkning — population by age band, observed and projected", (
    Column("year", "int", "calendar year", minimum=FIRST_YEAR, maximum=LAST_YEAR),
    Column("age_band", "str", "age band written as 20-29 or 80+"),
    Column("population", "float", "persons at 1 July (mid-year) or the year's mean (SCB medelfolkmängd); for 31 December counts enter the mean of the year's and the previous year's", "persons", minimum=0),
    Column("kind", "str", "observed or projection", required=False, allowed=("observed", "projection")),
))

FLOWS = TableSchema("flows", "Flöden — yearly flows into and out of each service and level", (
    Column("year", "int", "calendar year", minimum=FIRST_YEAR, maximum=LAST_YEAR),
    Column("service", "str", "service key"),
    Column("level", "int", "need level (empty for services without levels)", required=False, minimum=1, maximum=8,
           prefix_words=LEVEL_WORDS),
    *(Column(c, "float", c.replace("_", " "), "persons", minimum=0) for c in FLOW_COLUMNS),
))

TRIANGLE = TableSchema("invoice_triangle", "Fakturor — invoices by service month and reporting month", (
    Column("service_month", "month", "month the assistance was given", minimum=1990, maximum=2200),
    Column("reporting_month", "month", "month the invoice was received", minimum=1990, maximum=2200),
    Column("cases", "float", "case-months invoiced (may be negative for credits)", "cases", required=False),
    Column("amount_sek", "float", "invoiced amount (may be negative for credits)", "SEK", required=False),
))

CAPACITY = TableSchema("capacity", "Kapacitet — places, or staff, available per month", (
    Column("month", "month", "month", minimum=1990, maximum=2200),
    Column("places", "float", "places available", "places", required=False, minimum=0, maximum=MAX_VOLUME),
    Column("staff_fte", "float", "staff available", "FTE", required=False, minimum=0, maximum=100_000),
    Column("planned_for", "str", "the demand column a premises plan was made for (plan-premises writes it; the "
           "queue warns when its --demand-column differs)", required=False),
    Column("service", "str", "the service a premises plan was made for (plan-premises writes it; a queue of "
           "another service is refused)", required=False),
))


@dataclass
class SeriesInput:
    """A validated long table, each series' frequency, whether it came from a volume history, and the reader's
    warnings (a volume history's service that names no key)."""

    frame: pd.DataFrame
    freqs: dict[str, str]
    from_history: bool = False
    warnings: list[Warning_] = field(default_factory=list)


def _parse_period(text: str) -> tuple[pd.Timestamp | None, str | None]:
    m = _PERIOD.match(text.strip())
    if not m:
        return None, None
    year, month, day = m.groups()
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        return None, None
    if month is None:
        return pd.Timestamp(int(year), 1, 1), YEARLY
    if not 1 <= int(month) <= 12 or (day is not None and int(day) != 1):
        return None, None
    return pd.Timestamp(int(year), int(month), 1), MONTHLY


SERIES_VALUES = ("y", "volume")  # the value columns of the two series formats (amounts or counts)
SERIES_IDS = ("unique_id",)  # a series name is an id: a bare date-and-serial number is refused as user_id is


def read_series(path: Path, display: str | None = None, by_level: bool = False) -> SeriesInput:
    """Read a series file in either format into a validated long table (index = spreadsheet row)."""
    display = display or str(path)
    raw = read_raw(path, display)
    check_frame_for_pnr(raw, display, numeric=SERIES_VALUES, ids=SERIES_IDS)
    return series_from_raw(raw, display, by_level, path)


_WIDE_HEADER = re.compile(r"^(\d{4}(-\d{1,2})?|lag_?\d+|\d+)$")  # a period or a development lag as a column name


#: the column names of the long tables: a header holding one is a long table with a column missing, not a wide one
LONG_NAMES = {"unique_id", "ds", "y", "month", "service", "level", "volume", "service_month", "reporting_month",
              "amount_sek", "cases", "lag"}


def refuse_wide_table(raw: pd.DataFrame, display: str, row_key: str, long_form: str, docs: str) -> None:
    """A table laid out wide — one column per series, or per reporting month or lag of a triangle, as a pivot
    in Excel shows it — is refused once, with the long form to write, instead of a message per column. A header
    with a long table's own names (y, amount_sek, lag, …) is a long table with a column missing or misspelt."""
    names = [str(c) for c in raw.columns]
    periods = [c for c in names[1:] if _WIDE_HEADER.match(c.strip())]

    def numeric(column: str) -> bool:  # every cell a number, and at least one (an empty column is no series)
        cells = raw[column].astype("string").str.strip().replace("", pd.NA).dropna()
        return len(cells) > 0 and bool(pd.to_numeric(cells, errors="coerce").notna().all())

    long = {n.strip().lower() for n in names[1:]} & LONG_NAMES
    all_numeric = len(names) >= 3 and not long and all(numeric(c) for c in names[1:])
    if len(periods) >= 2 or (all_numeric and row_key not in names):
        lags = any(c.strip().lower().startswith("lag") for c in periods)
        kind = "series" if len(periods) < 2 else "lag" if lags else "period"
        raise InputError.at(Location(display, row=1, column=names[1]), f"the table is wide: one column per {kind} "
                            f"({', '.join(names[1:4])}{', …' if len(names) > 4 else ''})",
                            f"a long table, one row per value: {long_form} ({docs})",
                            "unpivot the columns into rows (in Excel: Data › From Table/Range, then in Power Query "
                            "select the first column and 'Unpivot Other Columns')"
                            + (", and write each lag as its reporting month (the service month + the lag)" if lags
                               else ""))


#: the two formats a series file is read in, as a message names them
TWO_FORMATS = ("a series file's header unique_id,ds,y (optionally more numeric columns), or a volume history's "
               "month,service,level,volume")

#: headers a series file or a volume history kept in Swedish may have, and the column each is: the one table of
#: Swedish header words (table_words) for the columns of both formats, compared as ``header_key`` writes them ('Månad'
#: is månad); 'antal' and 'volym' are volume there, y in a file of unique_id and ds (``_refuse_swedish_header``)
SWEDISH_SERIES_HEADERS = swedish_headers((*HISTORY_COLUMNS, ID, DS, Y))


def _refuse_swedish_header(raw: pd.DataFrame, display: str) -> None:
    """A header in Swedish ('månad;insats;nivå;antal') is told each column's name in resmodel's format, once — it was
    told that 'unique_id', a column of the other format, is missing (planner walk, finding 5)."""
    series_form = bool({ID, DS} & {str(c).strip() for c in raw.columns})  # unique_id,ds,antal: its value is y
    meant = {str(c): "y" if series_form and SWEDISH_SERIES_HEADERS[header_key(c)] == "volume" else
             SWEDISH_SERIES_HEADERS[header_key(c)] for c in raw.columns
             if header_key(c) in SWEDISH_SERIES_HEADERS and SWEDISH_SERIES_HEADERS[header_key(c)] not in raw.columns}
    if meant:
        first = next(iter(meant))
        renamed = {*raw.columns, *meant.values()}
        required = HISTORY_REQUIRED if renamed & set(HISTORY_COLUMNS) else (ID, DS, Y)
        lacking = [c for c in required if c not in renamed]
        raise InputError.at(Location(display, row=1, column=first),
                            f"the header names its column{'s' if len(meant) > 1 else ''} in Swedish "
                            f"({', '.join(meant)}), which resmodel reads in English", TWO_FORMATS,
                            "rename " + ", ".join(f"'{c}' to '{k}'" for c, k in meant.items())
                            + (f", and add {' and '.join(repr(c) for c in lacking)}" if lacking else "")
                            + " (docs/forecasting.md §6)")


def _missing_history_column(raw: pd.DataFrame, display: str) -> None:
    """A header that is a volume history's but for one column (a typo, 'volym'): name that column."""
    column = next(c for c in HISTORY_REQUIRED if c not in raw.columns)
    others = [str(c) for c in raw.columns if c not in HISTORY_COLUMNS]
    close = difflib.get_close_matches(column, others, n=1, cutoff=0.6)
    raise InputError.at(Location(display, row=1, column=close[0] if close else column),
                        f"required column '{column}' of a volume history is missing",
                        "a header month,service,level,volume (docs/forecasting.md §6)",
                        f"rename the column '{close[0]}' to '{column}'" if close else f"add the column '{column}'")


#: how near the sum of the other series a series named like a total must be to be their total (rounding of the parts)
TOTAL_TOLERANCE = 0.005


def refuse_total_series(name: pd.Series, period: pd.Series, value: pd.Series, display: str, column: str,
                        what: str) -> None:
    """A series named like a total ('Totalt', 'Summa') beside other series is refused, one problem per name at its
    first row: anything summing the output would count it twice. When it is the sum of the other series in every
    ``what`` (period) it holds, it is a total row per period, to delete; when it is not, it may be a series of its
    own, to rename. A table of total-named series alone is read: there is nothing it could count twice."""
    total = is_total_word(name).to_numpy() & period.notna().to_numpy()
    if not total.any() or total.all():
        return
    numbers = pd.to_numeric(value, errors="coerce")
    others = numbers[~total].groupby(period[~total]).sum(min_count=1)
    problems = ProblemCollector()
    label = name[total].astype("string").str.strip()
    for text, rows in label.groupby(label, sort=True).groups.items():
        own = numbers[rows].to_numpy(dtype=float)
        summed = others.reindex(period[rows]).to_numpy(dtype=float)
        is_sum = bool(np.isclose(own, summed, rtol=TOTAL_TOLERANCE, atol=1e-9).all())
        where = Location(display, row=int(rows[0]), column=column, path=str(text))
        listed = ", ".join(str(int(r)) for r in rows[:3]) + (", …" if len(rows) > 3 else "")
        if is_sum:
            problems.add(where, f"'{text}' is the sum of the other series in every {what} ({len(rows)} rows: "
                         f"{listed}): a total of the other series, which would be counted twice",
                         "the series only (resmodel sums them itself)", f"delete the rows of '{text}'")
        else:
            problems.add(where, f"'{text}' ({len(rows)} rows: {listed}) is named like a total of the other "
                         "series: anything summing the output would count it twice", "series, not their totals",
                         f"if '{text}' is a total, delete its rows; if it is a series of its own (it is not the sum "
                         f"of the others here), rename it after what it counts (only a bare total word such as '{text}' is read as a total)")
    problems.raise_if_any()


#: the least Excel serial a period column is told to be a date (1990-01-01): a volume history from before is unlikely,
#: and a mistyped yearly period (20240) would read as 1955 (diff review)
SERIAL_FROM = (pd.Timestamp("1990-01-01") - pd.Timestamp(EXCEL_EPOCH)).days


def excel_serial_problem(text: pd.Series, rows: pd.Index, what: str) -> tuple[pd.Index, str, str]:
    """Of the ``rows`` whose period could not be read, those holding an Excel date serial (a whole number of days,
    '43466' for 2019-01-01: a date column saved without its date format), and one problem and fix for them all with
    the conversion — they were told, row by row, that 43466 is a year outside 1900–2200 (planner walk, finding 2)."""
    cells = text[rows].astype("string").str.strip()
    serial = pd.to_numeric(cells.str.extract(r"^(\d{5})(?:\.\d*)?$", expand=False), errors="coerce")
    serial = serial[serial.between(SERIAL_FROM, EXCEL_SERIALS[1])]  # 20240, a year with a stray 0, is no 1955 date
    if serial.empty:
        return serial.index, "", ""
    day = pd.Timestamp(EXCEL_EPOCH) + pd.to_timedelta(serial, unit="D")
    firsts = cells[serial.index].drop_duplicates()
    examples = ", ".join(f"{cells[r]} → {day[r]:%Y-%m-%d}" for r in firsts.index[:3]) + (", …" if len(firsts) > 3
                                                                                          else "")
    first = serial.index[0]
    form = "YYYY-MM (YYYY for a yearly series)" if what == "period" else "YYYY-MM"
    return (serial.index,
            f"{_rows_text(len(serial))} hold{'s' if len(serial) == 1 else ''} an Excel date serial, not a {what} "
            f"({examples})",
            f"{cells[first]} is Excel's serial for {day[first]:%Y-%m-%d}: write {day[first]:%Y-%m}, and each {what} "
            f"as {form}; in Excel, give the column the custom number format yyyy-mm before saving")


def _period_fix(cell: str) -> str:
    """The fix for a period that could not be read: a date within a month ('2015-01-15') is told its month, as the
    invoice triangle's reader tells it (planner walk: the two readers said it two ways)."""
    within = re.fullmatch(r"(\d{4}-\d{2})-\d{2}", cell)
    return (f"a date within a month is no period: write the month, {within.group(1)}" if within
            else "write the period as e.g. 2024 or 2024-03")


def series_from_raw(raw: pd.DataFrame, display: str, by_level: bool = False, path: Path | None = None) -> SeriesInput:
    """A raw text table (unique_id, ds, y — or a volume history when ``path`` is its file) as a
    validated long table; the index of ``raw`` is what errors call the row. The caller scans for
    identity numbers first."""
    if path is not None and set(HISTORY_REQUIRED) <= set(raw.columns) and ID not in raw.columns:
        history = read_volume_history(path, display, raw=raw)
        uid = history["service"].astype("string")
        if by_level:
            uid = uid + history["level"].map(lambda v: "" if pd.isna(v) else f"|{int(v)}").astype("string")
        long = pd.DataFrame({ID: uid, DS: history["month"], Y: history["volume"]})
        long = long.groupby([ID, DS], as_index=False, sort=True)[Y].sum()
        return SeriesInput(long, dict.fromkeys(long[ID].unique(), MONTHLY), True, history.attrs["warnings"])
    if path is not None and ID not in raw.columns and len(set(HISTORY_COLUMNS) & set(raw.columns)) >= 2:
        _missing_history_column(raw, display)
    missing = [c for c in (ID, DS, Y) if c not in raw.columns]
    if missing:
        _refuse_swedish_header(raw, display)
        refuse_wide_table(raw, display, ID, "unique_id,ds,y", "docs/forecasting.md §6")
        if not {*raw.columns} & {ID, DS, Y, *HISTORY_COLUMNS}:
            raise InputError.at(Location(display, row=1, column=str(raw.columns[0])),
                                f"the header ({', '.join(map(str, raw.columns[:4]))}{', …' if len(raw.columns) > 4 else ''})"
                                " is neither of the two formats a series file is read in", TWO_FORMATS,
                                "rename the columns to one of the two (docs/forecasting.md §6)")
        raise InputError.at(Location(display, row=1, column=missing[0]), f"required column '{missing[0]}' is missing",
                            "a header unique_id,ds,y (optionally more numeric columns), or month,service,level,volume",
                            "rename the columns as described in docs/forecasting.md")
    require_rows(raw, display, "one row per series and period", "add the series' values below the header")
    problems = ProblemCollector()
    text = raw[DS].fillna("")
    parsed = pd.DataFrame(text.map(_parse_period).tolist(), index=raw.index, columns=[DS, "freq"])
    ds, gran = pd.to_datetime(parsed[DS]), parsed["freq"].fillna("")
    period_form = f"YYYY for yearly or YYYY-MM for monthly series, years {FIRST_YEAR}–{LAST_YEAR}"
    serials, said, fix = excel_serial_problem(text, raw.index[ds.isna().to_numpy()], "period")  # one line for all
    if len(serials):
        problems.add(Location(display, row=int(serials[0]), column=DS, path=str(raw[ID][serials[0]])), said,
                     period_form, fix)
    year = pd.to_numeric(text.str.strip().str.extract(r"^(\d{4})", expand=False), errors="coerce")
    outside = ~year.between(FIRST_YEAR, LAST_YEAR) & year.notna() & ~raw.index.isin(serials)
    bad = raw.index[(ds.isna() & ~outside).to_numpy()].difference(serials)
    named, written, rewrite = month_name_problem(text, bad)  # 'jan-21', '202101': one line for them all
    if len(named):
        problems.add(Location(display, row=int(named[0]), column=DS, path=str(raw[ID][named[0]])), written,
                     period_form, rewrite)
    bad = bad.difference(named)
    form = text[bad].str.strip().str.replace(r"\d", "9", regex=True)  # 2019.0 and 2020.0 are one mistake
    alike = form.map(form.value_counts()) - 1
    problems.add_rows(bad[~form.duplicated().to_numpy()], 10, lambda idx: (
        Location(display, row=idx, column=DS, path=str(raw[ID][idx])), f"'{shown(text[idx])}' is not a period"
        + (f"; so {'are' if alike[idx] > 1 else 'is'} {alike[idx]} more written like it on later rows"
           if alike[idx] else ""),
        period_form, _period_fix(str(text[idx]).strip())))
    problems.add_rows(raw.index[(ds.isna() & outside).to_numpy()], 10, lambda idx: (
        Location(display, row=idx, column=DS, path=str(raw[ID][idx])),
        f"'{shown(text[idx])}' is outside the years {FIRST_YEAR}–{LAST_YEAR}", "a period in those years",
        "correct the year"))
    problems.raise_if_any()
    refuse_total_series(raw[ID], ds, raw[Y], display, ID, "period")
    freqs: dict[str, str] = {}
    uid = series_ids(raw[ID])
    for name, g in gran.groupby(uid, sort=True):
        if name == "":
            continue
        first = g.iloc[0]
        odd = g[g != first]
        if len(odd):
            problems.add(Location(display, row=int(odd.index[0]), column=DS, path=str(name)),
                         f"series '{name}' mixes yearly and monthly periods ('{raw[DS][odd.index[0]]}' after "
                         f"'{raw[DS][g.index[0]]}')", "one frequency per series",
                         "write all periods of a series as YYYY or all as YYYY-MM")
        freqs[str(name)] = first
    problems.raise_if_any()
    frame = raw.copy()
    frame[DS] = ds
    frame[ID] = uid
    frame, found = validate_long(frame, freqs=freqs, source=display, decimal_comma=raw.attrs.get("decimal_comma", False))
    return SeriesInput(frame, found)


def series_ids(cells: pd.Series) -> pd.Series:
    """Series names as one series is named however its rows were typed: spaces around it dropped, a run of spaces
    (or tabs, no-break spaces) inside read as one, Unicode NFC ('Ö' typed as 'O' and a diaeresis is 'Ö') — so
    '  Boende för  äldre Öst ' and 'Boende för äldre Öst' are one series, not two with a row missing each."""
    return cells.fillna("").astype("string").str.normalize("NFC").str.replace(r"\s+", " ", regex=True).str.strip()


def read_demand_table(path: Path, display: str | None = None) -> pd.DataFrame:
    """A demand table (a volume forecast, or month, service, volume[, level]) as raw text, index =
    spreadsheet row, refused if any cell looks like a personal identity number: before any cell of it
    is repeated in a message. The ``volume*`` columns hold counts (``number_looks_like_pnr``); every
    other column, level and month included, gets the full test (a 10-digit level would be echoed)."""
    display = display or str(path)
    raw = read_raw(path, display)
    check_frame_for_pnr(raw, display, numeric=[c for c in raw.columns if str(c).strip().startswith("volume")])
    return _services_as_keys(raw, display)


def _services_as_keys(raw: pd.DataFrame, display: str) -> pd.DataFrame:
    """A demand table's services and levels read as the volume history's reader reads them ('Daglig verksamhet' is
    daglig_verksamhet, 'Nivå 1' is 1; two spellings of one key, and a level that is no whole number 1–8, refused):
    forecast read a case system's history that queue and plan-premises then refused, or queued half of, using one
    spelling's rows (re-walk)."""
    if "service" not in raw.columns:
        return raw
    service = history_service_keys(raw["service"].fillna(""))
    problems = ProblemCollector()
    spellings_of_one_key(raw["service"].fillna(""), service, display, problems)
    out = raw.assign(service=service.where(service.isin(HISTORY_SERVICES), raw["service"]))
    if "level" in out.columns:
        text = level_text(out["level"])
        rows = level_cells(text)[1] & ("month" in out.columns)  # no month: told its header first (yearly file's 'total')
        problems.add_rows(raw.index[rows.to_numpy()], 5, lambda idx: (
            Location(display, row=idx, column="level", path=service[idx]), f"'{shown(text[idx])}' is not a need level",
            "a whole number 1–8, or empty for a service without levels",
            "correct the level (or leave it empty on every row of the service to give totals)"))
        out["level"] = text.replace("", None)
    problems.raise_if_any()
    return out


def level_text(cells: pd.Series) -> pd.Series:
    """A level column's cells as text, stripped and without the word a case system writes before the number ('Nivå
    3' is 3), as every reader of a need level reads them (users.csv, the volume history, a demand table)."""
    return without_prefix_words(cells.fillna("").astype("string").str.strip())


def level_cells(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(the need level of each ``level_text`` cell, Int64 and empty where the cell is empty or no level; which cells
    are no level): a whole number 1–8 or empty — the one rule of users.csv, the volume history and a demand table."""
    level = pd.to_numeric(text.where(text.ne(""), None), errors="coerce")
    bad = (text.ne("") & ~level.isin(range(1, 9))).astype(bool)
    return level.where(~bad).astype("Int64"), bad


def read_volume_history(path: Path, display: str | None = None, raw: pd.DataFrame | None = None) -> pd.DataFrame:
    """The volume history (month, service, level, volume), checked per service and level series."""
    display = display or str(path)
    raw = read_raw(path, display) if raw is None else raw
    check_frame_for_pnr(raw, display, numeric=SERIES_VALUES)  # before any cell is repeated in a message
    problems = ProblemCollector()
    for col in raw.columns:
        if col not in HISTORY_COLUMNS:
            meant = SWEDISH_SERIES_HEADERS.get(header_key(col))  # 'nivå' beside month, service, volume
            problems.add(Location(display, row=1, column=col), f"unknown column '{col}' in the volume history",
                         "columns month, service, level, volume", f"rename the column to '{meant}'"
                         if meant in HISTORY_COLUMNS and meant not in raw.columns else "remove or rename the column")
    problems.raise_if_any()
    if "level" not in raw.columns:  # a history of service totals may leave the column out (docs: 'on none')
        raw = raw.assign(level="")
    if raw.empty:
        raise InputError.at(Location(display), "the volume history has no rows",
                            "one row per month, service and level", "add the monthly volumes")
    decimal_comma = raw.attrs.get("decimal_comma", False)
    frame = raw.copy()
    service = history_service_keys(frame["service"])
    spellings_of_one_key(frame["service"], service, display, problems)
    problems.add_rows(frame.index[service.eq("").to_numpy()], 10, lambda idx: (
        Location(display, row=idx, column="service"), "the service is empty",
        "a service key such as daglig_verksamhet", "fill in the service"))
    month_text = frame["month"].fillna("").str.strip()
    month = parse_month(month_text)
    unread = frame.index[month.isna().to_numpy()]
    serials, said, fix = excel_serial_problem(month_text, unread, "month")  # '43466': one line with the conversion
    if len(serials):
        problems.add(Location(display, row=int(serials[0]), column="month", path=service[serials[0]]), said,
                     "a month written YYYY-MM (or a first-of-month date such as 2024-03-01)", fix)
    unread = unread.difference(serials)
    named, written, rewrite = month_name_problem(month_text, unread)  # 'jan 2020', '202001': one line for them all
    if len(named):
        problems.add(Location(display, row=int(named[0]), column="month", path=service[named[0]]), written,
                     "a month written YYYY-MM (or a first-of-month date such as 2024-03-01)", rewrite)
    problems.add_rows(unread.difference(named), 10, lambda idx: (
        Location(display, row=idx, column="month", path=service[idx]), f"'{month_text[idx]}' is not a month",
        "a month written YYYY-MM (or a first-of-month date such as 2024-03-01)", "write the month as 2024-03"))
    levels = level_text(frame["level"])  # 'Nivå 3', as users.csv reads it
    _refuse_level_totals(levels, service, display, problems)
    level, bad_level = level_cells(levels)
    problems.add_rows(frame.index[bad_level.to_numpy()], 10, lambda idx: (
        Location(display, row=idx, column="level", path=service[idx]), f"'{frame['level'][idx]}' is not a level",
        "a whole number 1–8, or empty", "correct the level or leave it empty for services without levels"))
    _check_levels(service, levels, display, problems)
    empty = frame["volume"].fillna("").astype("string").str.strip().eq("")  # told in the file's convention
    problems.add_rows(frame.index[empty.to_numpy()], 5, lambda idx: (
        Location(display, row=idx, column="volume", path=service[idx]), "value empty is not a number",
        number_expected(decimal_comma), "correct the value; do not leave gaps as empty cells"))
    problems.raise_if_any()
    refuse_total_series(service, month, frame["volume"], display, "service", "month")
    frame["month"], frame["level"] = month, level
    frame["service"] = service
    history = validate_history(frame, display)
    history.attrs["warnings"] = unknown_service_warnings(service, display)
    return history


def history_service_keys(cells: pd.Series) -> pd.Series:
    """Each service cell as the key it names, read as users.csv reads its service column — spelt with capitals,
    å/ä/ö and spaces ('Daglig verksamhet'), by the law's name ('Bostad med särskild service för vuxna') or by an
    other service's Swedish label ('Ledsagarservice' is ledsagning) — so that a case system's export keeps its level
    split (planner walk, finding 1: 'Daglig verksamhet' was told it has no levels); any other cell as written."""
    text = series_ids(cells)
    names = text.drop_duplicates()
    keys = allowed_spelling(names, HISTORY_SERVICES)
    keys = keys.where(keys.isin(HISTORY_SERVICES), names.map(
        lambda name: _LABEL_KEYS.get(service_key(name)) or other_service_of(name) or name))
    return text.map(dict(zip(names, keys, strict=True))).astype("string")


def _label_names() -> dict[str, set[str]]:
    """resmodel's own Swedish names of the history's services, as its workbooks write them ('Bostad med särskild
    service vuxna', 'Egen utförare PA'), folded → the keys they name (two for 'Personlig assistans')."""
    from resmodel.budget.areas import SERVICE_LABELS
    from resmodel.services import UNIT_SERVICE_OF_USER, UNIT_SERVICES

    hosted = {unit: {user for user, of in UNIT_SERVICE_OF_USER.items() if of == unit} for unit in UNIT_SERVICES}
    named: dict[str, set[str]] = {}
    for labels in (SERVICE_LABELS, USER_SERVICES, UNIT_SERVICES):
        for key, label in labels.items():  # a unit's service names the users' services it hosts
            keys = {key} if key in HISTORY_SERVICES else hosted.get(key, set()) & set(HISTORY_SERVICES)
            named.setdefault(service_key(label.split(" — ")[0]), set()).update(keys)
    return {name: keys for name, keys in named.items() if keys}


_LABEL_NAMES = _label_names()
#: a name of one key is read as it; a name of two ('Personlig assistans') is told both in its warning
_LABEL_KEYS = {name: next(iter(keys)) for name, keys in _LABEL_NAMES.items() if len(keys) == 1}


def spellings_of_one_key(cells: pd.Series, service: pd.Series, display: str, problems: ProblemCollector) -> None:
    """Two service cells written differently that name one key ('Korttidshem' and 'Korttidsvistelse'): one problem,
    naming both and the key — their rows would be one series with each month twice, told as duplicate dates the file
    does not hold (diff review)."""
    written = pd.DataFrame({"written": series_ids(cells), "key": service}).drop_duplicates("written")
    for key, rows in written[written["key"].isin(HISTORY_SERVICES)].groupby("key", sort=True):
        if len(rows) > 1:
            spelt = " and ".join(f"'{w}' (row {int(i)})" for i, w in rows["written"].items())
            problems.add(Location(display, row=int(rows.index[1]), column="service", path=str(key)),
                         f"{spelt} both name the service {key}", "one spelling per service in the file",
                         f"if they are one service, write them all as {key} (summing any rows of the same month and "
                         "level); if not, write the other one's own key (or a name of your own) for it")


def unknown_service_warnings(service: pd.Series, display: str) -> list[Warning_]:
    """One warning per service cell that names no service key, at its first row, with the key it may have meant: it
    is forecast under its own name, and a queue, a projection or a scenario asking for a key finds no rows of it
    (planner walk, finding 1: it was accepted silently). A total word is the total-series check's to judge."""
    unknown = service.ne("") & ~service.isin(HISTORY_SERVICES) & ~is_total_word(service)
    rows = service[unknown]
    counts = rows.value_counts()
    return [Warning_("unknown_service", Location(display, row=int(idx), column="service", path=str(name)),
                     f"'{name}' ({_rows_text(counts[name])}) is not one of resmodel's service keys"
                     + (f" ({hint.removesuffix(' ')})" if (hint := _meant(name)) else "")
                     + ": forecast and backtest take it as a service of its own, under this name (queue it by this "
                     "name), but a projection leaves it out — its cost is in no report area; if it is one of "
                     "resmodel's services, write its key (" + ", ".join(HISTORY_SERVICES) + "), or give its cost a "
                     "line in other_services.csv under a key") for idx, name in rows.drop_duplicates().items()]


def _meant(name: str) -> str:
    """'did you mean …?' for a service name of no key: both keys of a name that has two ('Personlig assistans': the
    LSS or the SFB cases, re-walk), else the one close key, if any."""
    keys = sorted(_LABEL_NAMES.get(service_key(name), ()))
    return (f"it may be {' or '.join(keys)}, which are counted apart " if len(keys) > 1 else
            did_you_mean(name, HISTORY_SERVICES, 0.8))


def _rows_text(n: int) -> str:
    """'1 row', '576 rows'."""
    return f"{n} row{'s' if n != 1 else ''}"


def _refuse_level_totals(level: pd.Series, service: pd.Series, display: str, problems: ProblemCollector) -> None:
    """A level 'Totalt' (or 'Summa' …) marks a service's subtotal over its levels in a month: it would be counted
    twice beside the levels. Told once, at its first row, and nothing else is checked (its level is no level)."""
    rows = level.index[is_total_word(level).to_numpy()]
    if len(rows):
        problems.add(Location(display, row=int(rows[0]), column="level", path=service[rows[0]]),
                     f"the level '{level[rows[0]]}' marks a subtotal of the service's levels"
                     + (f" (and {len(rows) - 1} more rows)" if len(rows) > 1 else "")
                     + ": it would be counted twice beside them", "one row per month, service and level 1–8 (resmodel "
                     "sums the levels itself)", "delete the subtotal rows")
        problems.raise_if_any()


def _check_levels(service: pd.Series, level: pd.Series, display: str, problems: ProblemCollector) -> None:
    """Levels only on level services, and then on every row (a level service given only as totals is allowed)."""
    is_level_service, has_level = service.isin(LEVEL_SERVICES), level.ne("")
    some_levels = has_level.groupby(service).transform("any")
    missing = is_level_service & some_levels & ~has_level
    problems.add_rows(service.index[missing.to_numpy()], 10, lambda idx: (
        Location(display, row=idx, column="level", path=service[idx]),
        f"the level is empty, but service '{service[idx]}' has levels on other rows",
        "a level 1–8 on every row of a level service (or on none: the service as totals only)",
        "fill in the level of this row, or move its volume to the right level"))
    extra = ~is_level_service & service.ne("") & has_level
    for name, rows in service[extra].groupby(service[extra], sort=False).groups.items():
        _level_on_service_without_levels(str(name), rows, level, display, problems)


def _level_on_service_without_levels(name: str, rows: pd.Index, level: pd.Series, display: str,
                                     problems: ProblemCollector) -> None:
    """One problem per service given levels it cannot have, at its first row with the count of rows — not a line per
    row (planner walk: 576 lines) —; a name that is no service key is told so, with the key it may have meant,
    instead of being told to throw its level split away."""
    levels = ", ".join(level[rows].drop_duplicates().head(4)) + (", …" if level[rows].nunique() > 4 else "")
    listed = ", ".join(str(int(r)) for r in rows[:3]) + (", …" if len(rows) > 3 else "")
    where = Location(display, row=int(rows[0]), column="level", path=name)
    expected = "an empty level; only " + ", ".join(LEVEL_SERVICES) + " have levels 1–8"
    on_rows = f"on {_rows_text(len(rows))} ({listed})"
    if name in HISTORY_SERVICES:
        problems.add(where, f"service '{name}' has no levels, but the level is {levels} {on_rows}", expected,
                     "leave the level empty (and sum the rows of the month), or correct the service")
        return
    problems.add(where, f"'{name}' is not one of resmodel's service keys, so it has no levels, but the level is "
                 f"{levels} {on_rows}", expected,
                 did_you_mean(name, HISTORY_SERVICES) + "write the service's key (" + ", ".join(LEVEL_SERVICES)
                 + " have levels); for a service without levels, leave the level empty (and sum the rows of the "
                 "month)")


def read_population(path: Path, display: str | None = None) -> pd.DataFrame:
    """Population by year and age band; one value per year and band, the same bands every year, each taken at
    1 July of its year (the year's mean population; 31 December counts are half a year late)."""
    display = display or str(path)
    t = read_table(path, POPULATION, display)
    require_rows(t, display, "one row per year and age band", "add the population rows, or drop --population")

    bad = t["age_band"].map(lambda text: band_bounds(text) is None).astype(bool)
    if bad.any():
        row = int(t.index[bad.to_numpy()][0])
        text = str(t["age_band"][row])
        dashed = re.sub("[\u2010-\u2015\u2212]", "-", text)  # an en dash or minus sign a word processor put
        raise InputError.at(Location(display, row=row, column="age_band"), f"'{text}' is not an age band",
                            "an age band written as 20-29 (from-to, years) or 80+ (and older)",
                            f"write '{dashed}' with a hyphen '-'" if dashed != text and band_bounds(dashed) is not None
                            else "write the band as e.g. 0-6 or 80+")
    dup = t.duplicated(["year", "age_band"], keep="first")
    if dup.any():
        row = int(t.index[dup.to_numpy()][0])
        raise InputError.at(Location(display, row=row, column="age_band"), "year and age band appear twice",
                            "one row per year and age band", "remove the duplicate row")
    _check_band_overlap(t, display)
    counts = t.groupby("year")["age_band"].nunique()
    bands = t["age_band"].nunique()
    short = counts[counts < bands]
    if len(short):
        year = int(short.index[0])
        row = int(t.index[(t["year"] == year).to_numpy()][0])
        raise InputError.at(Location(display, row=row, column="age_band"),
                            f"year {year} has {short.iloc[0]} of the {bands} age bands",
                            "every age band in every year", "add the missing age bands")
    years = np.sort(t["year"].unique())
    if len(years) > 1 and np.any(np.diff(years) != 1):
        gap = int(years[np.flatnonzero(np.diff(years) != 1)[0]] + 1)
        raise InputError.at(Location(display, column="year"), f"year {gap} is missing",
                            "consecutive years", "add the missing year")
    t["year"] = t["year"].astype(int)
    out = t.reset_index(drop=True)
    out.attrs["source"] = display  # the file, for a later error about the years it covers
    return out


def _check_band_overlap(t: pd.DataFrame, display: str) -> None:
    """Age bands that do not overlap: an age counted in two bands would be counted twice in the population."""
    bands = {}
    for idx, text in t["age_band"].items():
        bands.setdefault(str(text).strip(), (*band_bounds(text), idx))
    ordered = sorted(bands.items(), key=lambda kv: kv[1][:2])
    for (before, (_, hi, _)), (band, (lo, _, idx)) in zip(ordered, ordered[1:], strict=False):
        if lo <= hi:
            raise InputError.at(Location(display, row=int(idx), column="age_band"),
                                f"age band '{band}' overlaps '{before}'", "age bands that do not overlap (e.g. "
                                "0-17, 18-64, 65+)", "correct the bands so that every age is in one band")


def read_flows(path: Path, display: str | None = None) -> pd.DataFrame:
    """Yearly flows; each row must balance exactly and each year start where the previous ended."""
    display = display or str(path)
    t = read_table(path, FLOWS, display)
    require_rows(t, display, "one row per year, service and level",
                  "add the yearly flows, or drop --flows (and the stockflow model)")
    t["year"] = t["year"].astype(int)
    t["level"] = t["level"].astype("Int64")
    problems = ProblemCollector()
    inflow = t[[f"inflow_{k}" for k in INFLOW_KINDS]].sum(axis=1)
    outflow = t[[f"outflow_{k}" for k in OUTFLOW_KINDS]].sum(axis=1)
    gap = t["stock_end"] - (t["stock_start"] + inflow - outflow)
    problems.add_rows(t.index[(gap.abs() > 1e-6).to_numpy()], 10, lambda idx: (
        Location(display, row=idx, column="stock_end", path=str(t["service"][idx])),
        f"stock_end {t['stock_end'][idx]:g} ≠ stock_start + inflows − outflows = {t['stock_end'][idx] - gap[idx]:g}",
        "flows that balance exactly", "correct the flows or the stocks of this row"))
    leveled = t["level"].notna() & ~t["service"].isin(LEVEL_SERVICES)
    problems.add_rows(t.index[leveled.to_numpy()], 5, lambda idx: (
        Location(display, row=idx, column="level", path=str(t["service"][idx])),
        f"service '{t['service'][idx]}' has no levels, but the level is {t['level'][idx]}",
        "an empty level; only " + ", ".join(LEVEL_SERVICES) + " have levels 1–8",
        "leave the level empty, or correct the service"))
    key = ["service", t["level"].fillna(0)]
    for _, g in t.groupby(key, sort=True):
        g = g.sort_values("year")
        dup = g["year"].duplicated()
        if dup.any():
            idx = g.index[dup.to_numpy()][0]
            problems.add(Location(display, row=int(idx), column="year", path=str(g["service"][idx])),
                         f"year {g['year'][idx]} appears twice", "one row per year, service and level",
                         "remove the duplicate row")
            continue
        gap = np.diff(g["year"].to_numpy()) != 1
        if gap.any():  # a missing year, whatever the stocks say (they may well join up across it)
            idx, before = g.index[1:][gap][0], int(g["year"].to_numpy()[:-1][gap][0])
            level = g["level"][idx]
            problems.add(Location(display, row=int(idx), column="year", path=str(g["service"][idx])),
                         f"year {before + 1} is missing between {before} and {g['year'][idx]}"
                         + ("" if pd.isna(level) else f" (level {int(level)})"),
                         "a row for every year from the first to the last, per service and level",
                         f"add the row for {before + 1}")
            continue
        broken = g["stock_start"].to_numpy()[1:] != g["stock_end"].to_numpy()[:-1]
        previous_end = pd.Series(g["stock_end"].to_numpy()[:-1], index=g.index[1:])
        problems.add_rows(g.index[1:][broken], 3, lambda idx, g=g, previous_end=previous_end: (
            Location(display, row=idx, column="stock_start", path=str(g["service"][idx])),
            f"year {g['year'][idx]} does not start where the previous year ended ({previous_end[idx]:g})",
            "consecutive years, stock_start = previous stock_end", "correct the stock or add the missing year"))
    problems.raise_if_any()
    out = t.reset_index(drop=True)
    out.attrs["source"] = display  # the file, for a later warning about the years it covers
    return out


TRIANGLE_VALUES = ("cases", "amount_sek")


def read_triangle(path: Path, value: str, display: str | None = None) -> pd.DataFrame:
    """Invoices (service_month, reporting_month, value) from a file, as ``triangle_from_raw`` checks them."""
    display = display or str(path)
    return triangle_from_raw(read_raw(path, display), value, display)


def triangle_from_raw(raw: pd.DataFrame, value: str, display: str) -> pd.DataFrame:
    """Invoices (service_month, reporting_month, value) from a table of text cells (a file's or a request's;
    its index names the rows); reporting cannot precede the service month. Only the ``value`` column is
    checked: the other one is not used and may hold anything."""
    if "reporting_month" not in raw.columns:
        refuse_wide_table(raw, display, "reporting_month", "service_month,reporting_month,amount_sek (or cases)",
                          "docs/forecasting.md §6")
        _refuse_lag_column(raw, display)
    unused = [c for c in TRIANGLE_VALUES if c != value]
    schema = replace(TRIANGLE, columns=tuple(replace(c, kind="str") if c.name in unused else c
                                             for c in TRIANGLE.columns))
    t = type_table(raw, schema, display, amounts=unused)
    require_rows(t, display, "one row per invoice (service_month, reporting_month, amount)",
                  "add the invoices, or check that the right file was given")
    if value not in TRIANGLE_VALUES or t[value].isna().all():
        raise InputError.at(Location(display, row=1, column=value), f"no column '{value}' with values",
                            "a value column cases or amount_sek", "choose --value cases or --value amount_sek")
    problems = ProblemCollector()
    problems.add_rows(t.index[t[value].isna().to_numpy()], 5, lambda idx: (
        Location(display, row=idx, column=value), "the value is empty", "a number",
        f"fill in the {value} (0 if nothing was invoiced)"))
    early = t["reporting_month"] < t["service_month"]
    problems.add_rows(t.index[early.to_numpy()], 5, lambda idx: (
        Location(display, row=idx, column="reporting_month"),
        f"reported {t['reporting_month'][idx]:%Y-%m} before the service month {t['service_month'][idx]:%Y-%m}",
        "a reporting month on or after the service month", "correct one of the two months"))
    problems.raise_if_any()
    _check_credits(t, value, display, problems)
    problems.raise_if_any()
    _check_month_gaps(t, display)
    if (t[value] == 0).all():
        other = next((c for c in unused if c in t.columns and (pd.to_numeric(t[c], errors="coerce").fillna(0) != 0).any()),
                     None)
        raise InputError.at(Location(display, column=value), f"{value} is 0 on every row: there is nothing to complete",
                            f"{value} above 0 for the invoiced service months",
                            f"check that {value} holds the invoiced amounts" + (
                                f", or complete {other} instead (--value {other})" if other else ""))
    return t[["service_month", "reporting_month", value]].reset_index(drop=True)


def _refuse_lag_column(raw: pd.DataFrame, display: str) -> None:
    """A triangle giving each invoice's lag (months after its service month) instead of its reporting month is told
    the conversion — it was told to remove the lag as a comment column (planner walk, finding 6)."""
    lag = next((str(c) for c in raw.columns if header_key(c) in ("lag", "lag_months", "fördröjning")), None)
    if lag is not None:
        raise InputError.at(Location(display, row=1, column=lag), "required column 'reporting_month' is missing: the "
                            f"column '{lag}' gives each invoice's lag instead, the months after its service month",
                            "a column reporting_month (docs/forecasting.md §6)",
                            f"write reporting_month = service_month + {lag} months (a lag of 0 is the service month "
                            f"itself) and remove the column '{lag}'")


#: reporting months without invoices in a row that are still a quiet spell, not a stray far-off date
MAX_REPORTING_GAP_MONTHS = 12


def _check_month_gaps(t: pd.DataFrame, display: str) -> None:
    """Every service month from the first to the last has an invoice (one without would be taken as complete
    at 0), and no reporting month lies more than a year of silence beyond the one before (a stray far-off
    date would add years of empty months to complete); a quieter spell of reporting is a zero increment."""
    for column, what, allowed in (("service_month", "service month", 0),
                                  ("reporting_month", "reporting month", MAX_REPORTING_GAP_MONTHS)):
        months = t[column].drop_duplicates().sort_values()
        steps = months.dt.year * 12 + months.dt.month
        gaps = steps.diff().gt(allowed + 1)
        for idx in months.index[gaps.to_numpy()][:1]:
            earlier = months[months < months[idx]]
            before = earlier.iloc[-1]
            missing, until = before + pd.DateOffset(months=1), months[idx] - pd.DateOffset(months=1)
            span = f"{missing:%Y-%m}" + (f" – {until:%Y-%m}" if until > missing else "")
            # the fewer months stand apart: a stray early month is the row to look at, not the month after the gap
            stray_before = len(earlier) < len(months) - len(earlier)
            raise InputError.at(Location(display, row=int(earlier.index[-1] if stray_before else idx), column=column),
                                (f"{what} {before:%Y-%m} comes before a gap: the next, {months[idx]:%Y-%m}, follows "
                                 f"it with no invoice for {span}") if stray_before else
                                f"{what} {months[idx]:%Y-%m} follows {before:%Y-%m} with no invoice for {span}",
                                f"an invoice row for every {what} from the first to the last (a row of 0 for a "
                                "month with nothing invoiced)" if not allowed else
                                f"reporting months at most {allowed} months apart", f"correct this row's {what}, or "
                                "add the missing months' invoices")


def _check_credits(t: pd.DataFrame, value: str, display: str, problems: ProblemCollector) -> None:
    """One problem per service month whose cumulative value goes below 0, at the first credit row that takes it there."""
    key = ["service_month", "reporting_month"]
    cum = t.groupby(key)[value].sum().groupby(level="service_month").cumsum().rename("cumulative")
    rows = t.join(cum, on=key)
    below = rows[(rows["cumulative"] < -1e-9) & (rows[value] < 0)]
    first = below.sort_values(key, kind="stable").groupby("service_month").head(1)
    problems.add_rows(first.index, 5, lambda idx: (
        Location(display, row=idx, column=value),
        f"credits exceed what was invoiced for service month {first['service_month'][idx]:%Y-%m}: its cumulative "
        f"{value} falls to {first['cumulative'][idx]:.10g} at reporting month {first['reporting_month'][idx]:%Y-%m}",
        "a cumulative value ≥ 0 for every service month (credits at most what was invoiced before)",
        "check the sign of this row and the credit notes for this service month"))


def read_users_ages(path: Path, display: str | None = None) -> pd.DataFrame:
    """Service key, level and birth year of each user (the other columns of users.csv are not needed); a service
    spelt as users.csv may spell it ('Daglig verksamhet') is read as its key, as the users table reads it — kept as
    written, its users' ages were lost to the level split's age exit without a word (code review 6, finding 1)."""
    display = display or str(path)
    raw = read_raw(path, display)
    check_frame_for_pnr(raw, display, ids={"user_id", "unit_id"})
    problems = ProblemCollector()
    for col in ("service", "birth_year"):
        if col not in raw.columns:
            raise InputError.at(Location(display, row=1, column=col), f"required column '{col}' is missing",
                                "a users table with service, level and birth_year", "add the column")
    year = pd.to_numeric(raw["birth_year"], errors="coerce")
    problems.add_rows(raw.index[(year.isna() | (year < 1900) | (year > 2100)).to_numpy()], 5, lambda idx: (
        Location(display, row=idx, column="birth_year"),
        f"'{raw['birth_year'][idx]}' is not a year" if pd.isna(year[idx]) else f"birth year {raw['birth_year'][idx]} is "
        "outside 1900–2100", "a birth year YYYY from 1900 to 2100", "correct the birth year"))
    text = level_text(raw["level"] if "level" in raw.columns else pd.Series("", index=raw.index))
    level, bad = level_cells(text)
    problems.add_rows(raw.index[bad.to_numpy()], 5, lambda idx: (
        Location(display, row=idx, column="level"), f"'{text[idx]}' is not a need level",
        "a whole number 1–8, or empty for a service without levels", "correct the level"))
    problems.raise_if_any()
    return pd.DataFrame({"service": history_service_keys(raw["service"]), "level": level,
                         "birth_year": year.astype(int)})


def read_capacity(path: Path, users_per_fte: float | None, display: str | None = None) -> pd.Series:
    """Places per month, given directly or as staff FTE × users per FTE."""
    display = display or str(path)
    t = read_table(path, CAPACITY, display)
    require_rows(t, display, "one row per month with places or staff_fte", "add the capacity for every month")
    has_places, has_staff = t["places"].notna().any(), t["staff_fte"].notna().any()
    if has_places == has_staff:
        raise InputError.at(Location(display, row=1), "give either places or staff_fte", "exactly one capacity column",
                            "keep one of the columns places, staff_fte")
    col = "places" if has_places else "staff_fte"
    for idx in t.index[t[col].isna().to_numpy()][:1]:
        raise InputError.at(Location(display, row=int(idx), column=col), "the cell is empty", "a number ≥ 0",
                            "fill in the capacity for every month")
    if not has_places and not users_per_fte:
        raise InputError.at(Location(display, row=1, column="staff_fte"), "capacity is given as staff but not how many "
                            "users one FTE supports", "--users-per-fte", "add --users-per-fte")
    dup = t["month"].duplicated()
    if dup.any():
        raise InputError.at(Location(display, row=int(t.index[dup.to_numpy()][0]), column="month"),
                            "month appears twice", "one row per month", "remove the duplicate")
    values = t[col].to_numpy() if has_places else capacity_from_staff(t[col].to_numpy(), float(users_per_fte))
    cap = pd.Series(values, index=pd.DatetimeIndex(t["month"]), name="capacity").sort_index()
    cap.attrs["column"] = col  # places or staff_fte: which column the capacity came from
    cap.attrs["planned_for"] = ", ".join(sorted(t["planned_for"].dropna().unique()))  # '' when not from a plan
    cap.attrs["service"] = ", ".join(sorted(t["service"].dropna().unique()))
    return cap


def write_atomically(folder: Path, files: dict[str, Callable[[Path], None]], replaceable: Sequence[str]) -> list[str]:
    """Write the files into a temporary folder and swap it in place of ``folder``
    (``write_folder_atomically``: only a new or empty folder, or an earlier output of the same
    command, whose names match ``replaceable``); a failure leaves ``folder`` untouched."""
    def write(tmp: Path) -> None:
        for name, writer in files.items():
            writer(tmp / name)

    write_folder_atomically(folder, write, replaceable)
    return list(files)


def csv_writer(frame: pd.DataFrame) -> Callable[[Path], None]:
    """A writer for :func:`write_atomically` producing the project's CSV dialect."""
    return lambda path: write_csv(frame, path)
