"""Words a table's cells and headers are judged by — a row of totals, a column the table does not have — shared by
the file readers in io/ and the core's own table readings (budget.inyear_checks, budget.cells), which must not import io."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

import pandas as pd

from resmodel.errors import did_you_mean

#: a decimal digit of another script than ASCII (full-width '２', Arabic-Indic '٢'): Python's \d and int() read it,
#: strptime's %m does not — so '２０２１-01' was read as 2021-01 and '2021-0１' told 'a date within a month'
OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def _as_ascii(match: re.Match) -> str:
    return str(unicodedata.decimal(match.group()))


def ascii_digits(text: str) -> str:
    """``text`` with each decimal digit of another script as its ASCII digit, as a person reads it (integrator walk)."""
    return text if text.isascii() else OTHER_DIGIT.sub(_as_ascii, text)


def ascii_digit_cells(cells: pd.Series) -> pd.Series:
    """Each cell of ``cells`` (text) as ``ascii_digits`` reads it: every reader of a month or date reads it alike."""
    return cells.astype("string").str.replace(OTHER_DIGIT, _as_ascii, regex=True)


#: words an export or a spreadsheet puts on a row that sums the rows above it
TOTAL_WORDS = frozenset({"summa", "summering", "total", "totalt", "totalsumma", "sum", "s:a"})


def is_total_word(cells: pd.Series) -> pd.Series:
    """Whether each cell is a total word ('Summa', ' Totalt'), case, surrounding spaces and Unicode form aside."""
    return (cells.astype("string").fillna("").str.strip().str.normalize("NFC").str.lower().str.rstrip(":.")
            .str.strip().isin(TOTAL_WORDS))  # 'SUMMA:' too (data-steward walk)


#: the fix for an unknown column near a known one, after its 'did you mean'; never read past, as a silently ignored
#: column would be a bug (a misspelt weekly_hours read as absent)
RENAME_OR_REMOVE = "rename or remove the column"
#: the free-text columns a table may have for a remark
NOTE_COLUMNS = ("note", "reason")


def unknown_column_fix(name: str, known: Collection[str]) -> str:
    """The fix for a column the table does not have: renamed to the known column it is near ('weekly_hour'), else
    removed — 'rename' to nothing near left a board asking what its 'Kommentar' column should be called; a remark
    goes in the table's note column where it has one."""
    near = did_you_mean(name, sorted(known))
    if near:
        return near + RENAME_OR_REMOVE
    note = next((c for c in NOTE_COLUMNS if c in known), None)
    if note:
        return f"remove the column, or move a remark into the '{note}' column"
    return "remove the column: resmodel reads no free-text or comment column here"


#: Swedish header words and the column each stands for: the one table that io.tables (every table read by its
#: schema), io.series (a series file, the volume history) and budget.inyear_checks (the in-year tables) read, each
#: only the words of the columns its own table has (``swedish_headers``; 'år' is year wherever a table has a year).
#: Written as io.tables.header_key writes a header: NFC, lower case, '_' for spaces and '-' ('Brukar-ID' is
#: brukar_id). A word that means different columns in different tables stays with its reader: 'antal' and 'volym'
#: are y in a series file of unique_id and ds (io.series); 'platser', 'hyra' are places and annual_rent_sek in the
#: premises candidates list, which keeps its own words (io.candidates.SWEDISH_HEADERS).
SWEDISH_HEADER_WORDS = {
    "år": "year",
    **dict.fromkeys(("månad", "manad"), "month"),
    **dict.fromkeys(("insats", "tjänst", "tjanst"), "service"),
    **dict.fromkeys(("nivå", "niva", "behovsnivå", "behovsniva"), "level"),
    **dict.fromkeys(("nivåbedömning", "senaste_nivåbedömning", "nivåbedömd", "datum_nivåbedömning"),
                    "level_assessed"),
    **dict.fromkeys(("nivå_från", "lägsta_nivå", "från_nivå"), "min_level"),
    **dict.fromkeys(("nivå_till", "högsta_nivå", "till_nivå"), "max_level"),
    **dict.fromkeys(("antal", "volym", "antal_brukare"), "volume"),
    **dict.fromkeys(("serie", "serienamn"), "unique_id"),
    **dict.fromkeys(("datum", "period"), "ds"),
    **dict.fromkeys(("värde", "varde"), "y"),
    **dict.fromkeys(("område", "rapportområde"), "area"),
    **dict.fromkeys(("kostnad", "nettokostnad"), "cost"),
    **dict.fromkeys(("ram", "kommunbidrag"), "frame"),
    "volymförändring": "volume_change",
    **dict.fromkeys(("enhet", "enhets_id", "enhetsid"), "unit_id"),
    **dict.fromkeys(("enhetsnamn", "namn"), "name"),
    **dict.fromkeys(("brukare", "brukar_id", "brukarid"), "user_id"),
    **dict.fromkeys(("lokal", "lokal_id", "lokalid"), "premises_id"),
    **dict.fromkeys(("typ", "lokaltyp"), "kind"),
    **dict.fromkeys(("kapacitet", "antal_platser", "platser"), "capacity"),
    **dict.fromkeys(("årshyra", "hyra"), "annual_rent"),
    **dict.fromkeys(("veckotimmar", "timmar_per_vecka", "tidsomfattning"), "weekly_hours"),
    "dygnspris": "day_price", "födelseår": "birth_year", "startdatum": "start_date",
    "boendeform": "housing_type", "regi": "regi", "sektion": "section", "befattning": "role",
    **dict.fromkeys(("årsarbetare", "sysselsättningsgrad", "tjänstgöringsgrad"), "fte"),
    "personal_dag": "day_staff", "personal_kväll": "evening_staff", "vaken_natt": "night_awake_staff",
    "sovande_jour": "night_sleeping_staff",
    **dict.fromkeys(("veckodag", "dag"), "weekday"),
    **dict.fromkeys(("starttid", "från"), "start"),
    **dict.fromkeys(("slut", "sluttid", "till"), "end"),
    **dict.fromkeys(("rast_start", "rast_från"), "break_start"), **dict.fromkeys(("rast_slut", "rast_till"), "break_end"),
    **dict.fromkeys(("personal", "medarbetare"), "staff_id"),
    # the invoice triangle (resmodel nowcast): a state-assistance export's month of service and of reporting
    **dict.fromkeys(("tjänstemånad", "tjanstemanad", "avser_månad", "avser_manad"), "service_month"),
    **dict.fromkeys(("rapportmånad", "rapportmanad", "rapporteringsmånad", "rapporteringsmanad"), "reporting_month"),
    **dict.fromkeys(("ärenden", "arenden", "antal_ärenden", "antal_arenden"), "cases"),
    **dict.fromkeys(("belopp", "belopp_kr", "belopp_sek"), "amount_sek"),
}


def swedish_headers(columns: Collection[str]) -> dict[str, str]:
    """The Swedish header words (``SWEDISH_HEADER_WORDS``) of the given columns: a reader's part of the one table, so
    that a header is never told to be renamed to a column its table does not have."""
    return {word: key for word, key in SWEDISH_HEADER_WORDS.items() if key in columns}
