"""Candidate premises (*lokalalternativ*) for the premises plan: read, validate, filter by service."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from resmodel.errors import (
    InputError,
    Location,
    PersonalDataError,
    Problem,
    ProblemCollector,
    Warning_,
    did_you_mean,
    shown,
)
from resmodel.io.pnr import check_frame_for_pnr
from resmodel.io.tables import (
    LEVEL_WORDS,
    Column,
    TableSchema,
    convert_fix,
    header_key,
    other_unit,
    read_raw,
    require_rows,
    same_target_fixes,
    shown_sek,
    type_table,
    whole_sek,
)

CANDIDATES = TableSchema("premises_candidates", "Lokalalternativ — candidate premises a plan may open", (
    Column("premises_id", "id", "candidate's id", unique=True),
    Column("service", "str", "service the premises would house (user service key)"),
    Column("places", "int", "places it adds (whole places)", "places", minimum=0, maximum=10_000, above_minimum=True),
    Column("annual_rent_sek", "float", "yearly rent once open (base-year prices)", "SEK", minimum=0, maximum=1e9),
    Column("one_off_cost_sek", "float", "one-off cost in the opening year (fit-out, furnishing, start-up)",
           "SEK", required=False, minimum=0, maximum=1e10),
    Column("earliest_year", "int", "first year it can open (empty: the plan's first year)", required=False,
           minimum=1990, maximum=2200),
    Column("lead_time_months", "float", "months from the decision (start of the plan's first year) to "
           "opening", "months", required=False, minimum=0, maximum=240),
    Column("decided_year", "int", "already decided: opens in this year whatever the plan says (empty: the "
           "plan decides)", required=False, minimum=1990, maximum=2200),
    Column("min_level", "int", "lowest need level it suits (empty with max_level: plan on totals)", "level",
           required=False, minimum=1, maximum=8, prefix_words=LEVEL_WORDS),
    Column("max_level", "int", "highest need level it suits", "level", required=False, minimum=1, maximum=8,
           prefix_words=LEVEL_WORDS),
    Column("source", "str", "where the figures come from (facts.csv id, offer, estimate)", required=False),
))


#: headers a candidates list kept in Swedish (or without the unit) may have, and the column each is — compared as
#: ``header_key`` writes them (a unit in brackets at the end left out, then judged by ``other_unit``: 'Årshyra (kr)'
#: is annual_rent_sek, 'Årshyra (tkr)' is too but is told to be multiplied by 1 000 first, as the data tables say)
SWEDISH_HEADERS = {
    **dict.fromkeys(("lokal", "lokal_id", "lokalid", "lokalnamn", "id"), "premises_id"),
    **dict.fromkeys(("tjänst", "insats", "verksamhet"), "service"),
    **dict.fromkeys(("platser", "antal_platser", "platsantal"), "places"),
    **dict.fromkeys(("årshyra", "årshyra_kr", "hyra", "hyra_kr", "hyra_per_år", "annual_rent", "rent"),
                    "annual_rent_sek"),
    **dict.fromkeys(("engångskostnad", "engångskostnad_kr", "engångskostnader", "engångskostnader_kr",
                     "startkostnad", "startkostnad_kr", "investering", "investering_kr", "one_off_cost"),
                    "one_off_cost_sek"),
    **dict.fromkeys(("tidigast_år", "tidigaste_år", "tidigast", "år_tidigast", "öppnar_tidigast"), "earliest_year"),
    **dict.fromkeys(("ledtid", "ledtid_mån", "ledtid_månader", "ledtid_i_månader", "lead_time"), "lead_time_months"),
    **dict.fromkeys(("beslutat_år", "beslutsår", "beslutat", "beslutad", "beslutad_år"), "decided_year"),
    **dict.fromkeys(("lägsta_nivå", "min_nivå", "från_nivå", "nivå_från"), "min_level"),
    **dict.fromkeys(("högsta_nivå", "max_nivå", "till_nivå", "nivå_till"), "max_level"),
    **dict.fromkeys(("källa", "underlag"), "source"),
}

#: headers of one column holding a range of need levels, which the file gives as min_level and max_level
LEVEL_RANGE_HEADERS = frozenset({"levels", "level", "level_range", "need_level", "need_levels", "nivå", "nivåer",
                                 "niva", "nivaer", "nivåspann", "behovsnivå", "behovsnivåer", "nivåintervall"})
BOTH_LEVELS = "min_level and max_level"

#: a rent header per m² or per month ('hyra_per_kvm', 'Årshyra (kr/m²)', 'Månadshyra'): the file holds the rent in
#: another form than the yearly SEK of the whole premises that annual_rent_sek is, told how to convert it. Judged by
#: the header's words (``header_words``), so that 'current_area_m2' holds no rent and 'hyresperiod_manader' (a lease's
#: length) is no monthly rent: a rent word (``_rent_word``) with a word of area or of a month, standing on its own or
#: before the rent word in one compound ('Kvadratmeterhyra', 'Månadshyra')
RENT_WORDS = frozenset({"rent"})
#: a Swedish compound is a rent word by its ending ('lokalhyra', 'månadshyran') or its start ('hyreskostnad')
RENT_ENDINGS = ("hyra", "hyran")
RENT_START = "hyres"
#: what follows 'hyres' in a word of the lease or of a change to the rent, not of the rent's amount: its length,
#: dates, agreement and parties, a rent-free time, a rise or a discount ('hyresperiod', 'hyrestid', 'hyresavtal',
#: 'hyresvärd', 'hyresfri', 'hyreshöjning')
NOT_AMOUNT_AFTER_HYRES = ("period", "tid", "längd", "langd", "avtal", "kontrakt", "start", "slut", "datum", "värd",
                          "vard", "gäst", "gast", "objekt", "villkor", "fri", "höjning", "hojning", "ökning", "okning",
                          "sänkning", "sankning", "rabatt")
#: words of a comment column, which a rent word beside them does not make a rent ('rent_note', 'Hyra kommentar')
NOTE_WORDS = frozenset({"note", "notes", "comment", "comments", "kommentar", "kommentarer", "anm", "anmärkning",
                        "notering", "beskrivning", "text"})
PER_AREA_WORDS = frozenset({"kvm", "kvadratmeter", "m2", "m²", "sqm"})
PER_MONTH_WORDS = frozenset({"mån", "månad", "manad", "mnd", "month", "monthly"})
#: the words of an area column without a rent word ('yta_kvm', 'area_m2'): resmodel reads no area
AREA_WORDS = frozenset({"yta", "area", "kvm", "kvadratmeter", "m2", "m²", "sqm"})
AREA = "no area"  # what an area column is told it stands for
#: the words of a rent header's unit in thousands or millions of kronor ('Hyra (tkr/mån)'), and its factor
MONEY_WORDS = {"tkr": ("thousands", "× 1 000"), "mkr": ("millions", "× 1 000 000"), "msek": ("millions", "× 1 000 000")}

#: what an optional column left out means, said where a Swedish header stands for it (removing it is no fix)
LEFT_OUT = {"one_off_cost_sek": "every one-off cost would be 0",
            "earliest_year": "every candidate could open from the plan's first year",
            "lead_time_months": "every lead time would be 0",
            "decided_year": "no premises would be decided",
            "min_level": "the plan would be on totals, not by level range",
            "max_level": "the plan would be on totals, not by level range",
            "source": "where the figures come from would be lost"}


def read_candidates(path: Path, service: str, display: str | None = None,
                    problems: ProblemCollector | None = None) -> pd.DataFrame:
    """The candidates of ``service`` in a file (index = spreadsheet row), checked and with defaults
    filled in (``prepare_candidates``); every problem of its rows at once, by row. With ``problems``, they are
    gathered there, not raised, and the rows whose cells passed are returned, so that the decided years can be
    checked too once the demand's years are known (``planning_run.raise_candidate_problems``)."""
    display = display or str(path)
    raw = read_raw(path, display)
    _check_swedish_headers(raw, display)
    found = ProblemCollector() if problems is None else problems
    table = _typed_rows(raw, display, found)
    if not found.problems:  # rows left out for their cells are not 'no rows'
        require_rows(table, display, "one row per candidate premises", "add the candidates")
    rows = prepare_candidates(table, service, display, found)
    if problems is None and found.problems:
        raise InputError(by_row(found.problems))
    return rows


def _typed_rows(raw: pd.DataFrame, display: str, problems: ProblemCollector) -> pd.DataFrame:
    """The rows whose cells type, their cells' problems added to ``problems`` (a level range in one cell told how to
    write it). A problem of the header, or one line standing for more rows, cannot be told by row: raised at once.
    The rows left are typed again until they all type: a reader stops listing a column's problems after a few, so
    the rows after those came back untold the second time (docs review: seven rows of '1-6' gave only the last one,
    as 'not a number')."""
    found_before: list[Problem] = []
    rest = raw
    while True:
        try:
            typed = type_table(rest, CANDIDATES, display)
            break
        except PersonalDataError:
            raise
        except InputError as exc:
            found = [_level_range_in_a_cell(p, rest) for p in exc.problems]
        rows = {p.location.row for p in found}
        if None in rows or 1 in rows or any("more rows, from this one on" in p.problem for p in found):
            raise InputError(by_row(found_before + found))
        found_before += found
        rest = rest.drop(index=sorted(rows))
    problems.problems.extend(found_before)
    return typed


#: a level range written in one cell: '1-4', '1–4', '1 till 4', '1,2,3,4', 'nivå 1-4'
LEVEL_RANGE = re.compile(r"\s*(?:(?:nivå|niva|level|levels|nivåer)\s*:?\s*)?([1-8](?:\s*(?:-|–|—|\.\.|,|;|/|to|till)\s*[1-8])+)\s*",
                         re.IGNORECASE)


def _level_range_in_a_cell(problem: Problem, raw: pd.DataFrame) -> Problem:
    """A min_level or max_level cell holding a range ('1-4', '1,2,3,4') told to write the range in the two columns;
    any other problem unchanged."""
    where = problem.location
    column = next((c for c in raw.columns if str(c).strip().lower() == where.column), None)
    if where.column not in ("min_level", "max_level") or column is None or where.row not in raw.index:
        return problem
    cell = str(raw.at[where.row, column])
    match = LEVEL_RANGE.fullmatch(cell)
    if match is None:
        return problem
    levels = [int(d) for d in re.findall(r"[1-8]", match.group(1))]
    return Problem(where, f"'{shown(cell)}' is a range of levels in one cell",
                   "one whole number from 1 to 8 in min_level and one in max_level",
                   f"write min_level {min(levels)} and max_level {max(levels)}")


def by_row(problems: list[Problem]) -> list[Problem]:
    """Problems in the order of the file's rows (file-wide ones first; a row's own in the order found)."""
    return sorted(problems, key=lambda p: (p.location.file or "", p.location.row or 0))


def _check_swedish_headers(raw: pd.DataFrame, display: str) -> None:
    """A header row with Swedish names for the columns: every unknown column named with the column it stands
    for (never 'remove it' for an optional column: the plan would then read it as empty, silently), the rest
    as the reader would. Headers of which none is recognised are left to the reader's own messages."""
    known = {c.name for c in CANDIDATES.columns}
    present = {str(c).strip().lower() for c in raw.columns}
    meant = {str(c): BOTH_LEVELS if header_key(c) in LEVEL_RANGE_HEADERS else
             "annual_rent_sek" if _rent_conversion(str(c)) or _plain_rent(str(c)) else
             AREA if _area_column(str(c)) else
             SWEDISH_HEADERS.get(header_key(c)) for c in raw.columns if str(c).strip().lower() not in known}
    if not any(meant.values()):
        return
    kinds = {c.name: c.kind for c in CANDIDATES.columns}  # identity numbers first, as the reader checks them
    check_frame_for_pnr(raw, display, numeric={c for c, t in meant.items() if kinds.get(t) in ("int", "float")},
                        ids={c for c, t in meant.items() if t == "premises_id"})
    problems = ProblemCollector()
    expected = "only the columns " + ", ".join(sorted(known))
    shared = same_target_fixes({n: t for n, t in meant.items() if t not in (None, BOTH_LEVELS, AREA)
                                and t not in present})
    for name, target in meant.items():
        where, problem = Location(display, row=1, column=name), f"unknown column '{name}' in table '{CANDIDATES.name}'"
        if target == BOTH_LEVELS:
            has = " and ".join(sorted({"min_level", "max_level"} & present))
            fix = (f"the need levels go in two columns, min_level and max_level (the file has {has}): remove "
                   f"'{name}' if it repeats them" if has else
                   f"a range of need levels goes in two columns: replace '{name}' by min_level and max_level "
                   "('1-4' as min_level 1 and max_level 4)")
        elif _rent_conversion(name):
            fix = (f"the file has annual_rent_sek, the yearly rent in SEK that resmodel reads: remove '{name}' "
                   f"({_rent_conversion(name)})" if target in present else
                   f"'{name}' looks like {_rent_conversion(name)}, but resmodel reads the yearly rent in SEK of the "
                   "whole premises in annual_rent_sek: convert its values (" + _rent_factors(name) + "), then rename "
                   "the column to 'annual_rent_sek'")
        elif _plain_rent(name) and target not in present:
            fix = (f"'{name}' looks like the rent: resmodel reads the yearly rent in SEK of the whole premises "
                   "(base-year prices) in annual_rent_sek — rename the column to 'annual_rent_sek', after converting "
                   "its values if they are a monthly rent (× 12), per m² (× the area) or in tkr (× 1 000)")
        elif target == AREA:
            fix = (f"'{name}' looks like the premises' area: resmodel reads no area; a rent per m² × area goes in "
                   f"annual_rent_sek (the whole premises' yearly rent in SEK) — remove '{name}' once its rent is there")
        elif target is None:
            fix = (did_you_mean(name, sorted(known)) + "rename it to the column it holds; remove it only if it holds "
                   "none of them")
        elif name in shared:
            fix = shared[name]
        elif target in present:
            fix = (f"'{name}' is not the column '{target}', which the file has: rename it to the column it holds, "
                   "or remove it" if other_unit(name, CANDIDATES.column(target)) else
                   f"'{name}' looks like '{target}', which the file also has: keep one of the two")
        else:
            unit = other_unit(name, CANDIDATES.column(target))
            fix = (convert_fix(name, CANDIDATES.column(target), unit) if unit else
                   f"'{name}' is '{target}' here: rename it to '{target}'") + (
                "" if CANDIDATES.column(target).required else f" — do not remove it: without the column "
                f"{LEFT_OUT[target]}")
        problems.add(where, problem, expected, fix)
    for column in CANDIDATES.columns:
        if column.required and column.name not in present and column.name not in meant.values():
            problems.add(Location(display, row=1, column=column.name), f"required column '{column.name}' is missing",
                         f"a column '{column.name}': {column.description}", "add the column to the header row")
    problems.raise_if_any()


def header_words(header: str) -> set[str]:
    """A header's words, lower case: split at anything but letters and digits ('Hyra (tkr/mån)' → hyra, tkr, mån)."""
    return set(re.findall(r"[^\W_]+", unicodedata.normalize("NFC", header).lower()))


def _rent_word(word: str) -> bool:
    """A word naming a rent's amount: 'rent', a compound ending in 'hyra' ('lokalhyra', 'kvadratmeterhyra') or
    starting with 'hyres' ('hyreskostnad'), but not a word of the lease or of a change ('hyresperiod', 'hyreshöjning')
    — review: a rent word had to stand on its own, so 'Lokalhyra (kr/mån)' lost its conversion advice."""
    other = word[len(RENT_START):].startswith(NOT_AMOUNT_AFTER_HYRES)
    return word in RENT_WORDS or word.endswith(RENT_ENDINGS) or (word.startswith(RENT_START) and not other)


def _form_words(words: set[str]) -> set[str]:
    """A header's words with the part before the rent in each rent compound ('månadshyra' → månad, 'kvmhyra' → kvm;
    a genitive 's' dropped), so that a compound's area or month counts as a word of its own."""
    heads = {re.sub(r"(?<=[^s])s$", "", w[:-len(e)]) for w in words for e in RENT_ENDINGS if w.endswith(e)}
    return words | heads


def _rent_conversion(header: str) -> str:
    """'a rent per m²', 'a monthly rent', 'a monthly rent per m²' (in thousands of kronor, for a unit in tkr) for a
    rent header in another form than a year's rent of the whole premises (planner walk: 'hyra_per_kvm' was told to be
    removed); '' for any other header."""
    words = header_words(header)
    if not any(map(_rent_word, words)):
        return ""
    words = _form_words(words)
    area, month = bool(words & PER_AREA_WORDS), bool(words & PER_MONTH_WORDS)
    form = ("a monthly rent per m²" if area and month else "a rent per m²" if area else
            "a monthly rent" if month else "")
    money = next((MONEY_WORDS[w][0] for w in sorted(words & MONEY_WORDS.keys())), None)
    return f"{form} in {money} of kronor" if form and money else form


def _rent_factors(header: str) -> str:
    """How to turn the rent a header names into annual_rent_sek: '× 1 000' for tkr, '× the area in m²', '× 12', in
    one ('Hyra (tkr/mån)': × 1 000 and × 12 — review: it was told only × 12)."""
    words = _form_words(header_words(header))
    factors = [*(MONEY_WORDS[w][1] for w in sorted(words & MONEY_WORDS.keys())),
               *(["× the premises' area in m²"] if words & PER_AREA_WORDS else []),
               *(["× 12 for a year"] if words & PER_MONTH_WORDS else [])]
    return ", ".join(factors[:-1]) + " and " + factors[-1] if len(factors) > 1 else factors[0]


def _plain_rent(header: str) -> bool:
    """A rent header that says nothing of its form ('Lokalhyra', 'Hyreskostnad'), which SWEDISH_HEADERS does not
    name: told to be the rent, not to be removed as a comment column (planner walk: 'Lokalhyra' alone was)."""
    words = header_words(header)
    return (header_key(header) not in SWEDISH_HEADERS and any(map(_rent_word, words)) and not _rent_conversion(header)
            and not words & NOTE_WORDS)  # 'rent_note', 'Hyresnivå kommentar': a comment on the rent (diff review)


def _area_column(header: str) -> bool:
    """A header of the premises' area ('yta_kvm', 'area_m2'): an area word and no rent word."""
    words = header_words(header)
    return bool(words & AREA_WORDS) and not any(map(_rent_word, words))


def prepare_candidates(table: pd.DataFrame, service: str, display: str,
                       problems: ProblemCollector | None = None) -> pd.DataFrame:
    """The rows of ``service`` from a typed candidates table (the columns of ``CANDIDATES``; rows are
    named by the index in messages), checked, with defaults filled in: no one-off cost, no lead time.
    A table without rows for the service is an error naming the services it has. With ``problems``, the problems
    are gathered there, not raised."""
    own = problems is None
    problems = ProblemCollector() if own else problems
    _check_ids(table, display, problems)
    services = table["service"].str.strip()
    _check_services(services, service, display, problems)
    rows = table[services.eq(service).to_numpy()].copy()
    _check_levels(rows, display, problems)
    if own and problems.problems:
        raise InputError(by_row(problems.problems))
    if rows.empty and not problems.problems:
        known = sorted(table["service"].str.strip().unique())
        raise InputError.at(Location(display, column="service", path=service), f"no candidates for '{service}'",
                            "rows whose service is " + repr(service) + " (the file has " + ", ".join(known) + ")",
                            did_you_mean(service, known) + "add candidates for the service, or choose the service "
                            "to plan accordingly (and check the spelling of both)")
    rows["one_off_cost_sek"] = rows["one_off_cost_sek"].astype(float).fillna(0.0)
    rows["lead_time_months"] = rows["lead_time_months"].astype(float).fillna(0.0)
    for col in ("earliest_year", "decided_year", "min_level", "max_level"):
        rows[col] = pd.to_numeric(rows[col]).astype("Int64")
    return rows


def _check_ids(table: pd.DataFrame, display: str, problems: ProblemCollector) -> None:
    """Each premises_id once, in the words of the table reader's own check (a table typed elsewhere, as the API's,
    comes here unchecked)."""
    column = CANDIDATES.column("premises_id")
    for idx in table.index[table["premises_id"].duplicated().to_numpy()]:
        first = table.index[table["premises_id"].eq(table.at[idx, "premises_id"]).to_numpy()][0]
        problems.add(Location(display, row=int(idx), column="premises_id"),
                     f"duplicate id '{table.at[idx, 'premises_id']}' (first in row {first})",
                     "each 'premises_id' to appear once", column.duplicate_fix)


def _check_services(services: pd.Series, service: str, display: str, problems: ProblemCollector) -> None:
    """Every row's service is a user service key (or the one planned): a typo or a housing type ('gruppbostad')
    would drop the candidate without a word. A name almost the planned one is told so."""
    from resmodel.services import HOUSING_SERVICES, HOUSING_TYPES, USER_SERVICES

    keys = sorted({*USER_SERVICES, service})
    misspelt = services.ne(service) & services.map(lambda v: bool(did_you_mean(v, [service], cutoff=0.85)))
    misspelt &= services.eq(service).any()  # with no row of the service, the typo may be in --service instead
    for idx in services.index[misspelt.to_numpy()]:
        problems.add(Location(display, row=int(idx), column="service"),
                     f"service '{services[idx]}' is almost '{service}', the service planned",
                     f"'{service}' for a candidate of this plan, or another service's key",
                     f"did you mean '{service}'? Correct the spelling")
    unknown = ~services.isin(keys) & ~misspelt
    for idx in services.index[unknown.to_numpy()]:
        value = services[idx]
        housing = str(value).strip().lower() in HOUSING_TYPES
        problems.add(Location(display, row=int(idx), column="service"), f"'{shown(value)}' is not a service key"
                     + (" but a housing type" if housing else ""),
                     "a user service key: " + ", ".join(keys),
                     (f"a {value} is housed under {' or '.join(HOUSING_SERVICES)}: write the service key"
                      if housing else did_you_mean(value, keys) + "write the service key (rows of another service "
                      "than --service are left out of the plan, so a wrong key would drop the candidate)"))


#: a rent a year, or a one-off cost, under this many SEK per place is no premises' figure but one typed in tkr or
#: MSEK: the demo's premises rent from 20 114 SEK a place a year (premises.csv, L-DV019), twenty times this, and a
#: rent typed in tkr is a thousandth of itself, under this for any rent below 1 MSEK a place
LOW_PER_PLACE_SEK = 1_000
#: SEK a place a year: about twice the demo's dearest premises (L-GB004, 158 500 a place in a four-place group home)
#: — a rent under LOW_PER_PLACE_SEK is read as tkr only if that reading stays under it: 54 000 for 60 places read so
#: is 900 000 SEK a place, a reading no premises has (new-board re-walk); today's premises and candidates alike
HIGH_PER_PLACE_SEK = 300_000


#: the other forms a rent is kept in, said with a low rent (planner walk: 1 850 a year for 10 places is a rent per m²)
RENT_FORMS = ("a rent per m²? multiply it by the premises' area in m²; a monthly rent? multiply it by 12 "
              "(annual_rent_sek is the whole premises' rent for a year); ")


def amount_warnings(rows: pd.DataFrame, display: str) -> list[Warning_]:
    """A warning at each candidate's rent or one-off cost above 0 but under LOW_PER_PLACE_SEK per place (rows as
    ``prepare_candidates`` returns them): typed in tkr or MSEK, it would be costed as almost nothing and make the
    candidate the plan's cheapest. A 0 is taken as meant (no rent, no one-off cost)."""
    found = []
    for column, what in (("annual_rent_sek", "a rent of"), ("one_off_cost_sek", "a one-off cost of")):
        amount = rows[column].astype(float)
        per_place = amount / rows["places"].astype(float)
        low = per_place.gt(0) & per_place.lt(LOW_PER_PLACE_SEK)
        found += [(int(idx), Warning_("candidate_amount_low", Location(display, row=int(idx), column=column),
                   f"{what} {amount[idx]:,.10g} SEK{' a year' if column == 'annual_rent_sek' else ''} for "
                   f"{int(rows.at[idx, 'places'])} places is {per_place[idx]:,.4g} SEK per place, implausibly low "
                   f"(under {LOW_PER_PLACE_SEK:,} SEK a place; the demo's premises rent from about 20,000 SEK a place "
                   f"a year) — " + (f"written in tkr/MSEK? amounts are in SEK: {shown_sek(amount[idx])} tkr is "
                                    f"{whole_sek(amount[idx] * 1e3)} and {shown_sek(amount[idx])} MSEK is "
                                    f"{whole_sek(amount[idx] * 1e6)}; "
                                    if column != "annual_rent_sek" or per_place[idx] * 1e3 <= HIGH_PER_PLACE_SEK else
                                    "very low for premises: check the rent and the places; ")
                   + (RENT_FORMS if column == "annual_rent_sek" else "")
                   + "correct the cell, or leave it if the amount is right"))
                  for idx in rows.index[low.to_numpy()]]
    return [warning for _, warning in sorted(found, key=lambda pair: pair[0])]


def check_candidate_years(candidates: pd.DataFrame, first_year: int, last_year: int, display: str,
                          first_month: int = 1, problems: ProblemCollector | None = None) -> None:
    """Decided years must fall in the plan's years (a premises open before it belongs in today's
    places; one after it does not matter to the plan) and agree with the row's own earliest year and
    lead time, counted from the demand's ``first_month`` (a contradiction there is a mistake in the file,
    not something to choose between). Raised by row, or added to ``problems`` when given."""
    from resmodel.planning.premises import lead_time_year

    decided = candidates["decided_year"]
    outside = decided.notna() & ((decided < first_year) | (decided > last_year))
    own = problems is None
    problems = ProblemCollector() if own else problems
    for idx in candidates.index[outside.to_numpy()]:
        after = decided[idx] > last_year
        problems.add(Location(display, row=int(idx), column="decided_year"),
                     f"decided year {decided[idx]} is outside the plan's years {first_year}–{last_year} "
                     "(the years of the --demand file)", f"a year from {first_year} to {last_year}",
                     ("is --demand a history rather than a forecast? The plan needs a forecast "
                      "(`resmodel forecast`); otherwise leave out a premises that opens after it ends"
                      if after else "count a premises that is already open in today's places (the "
                      "scenario's premises, or --places) and leave it out of the candidates"))
    earliest = candidates["earliest_year"].fillna(first_year).astype(int)
    by_lead = pd.Series(lead_time_year(candidates["lead_time_months"].fillna(0).to_numpy(float), first_year,
                                       first_month), index=candidates.index)
    for column, limit in (("earliest_year", earliest), ("lead_time_months", by_lead)):
        early = decided.notna() & ~outside & (decided < limit)
        for idx in candidates.index[early.to_numpy()]:
            what = (f"row's earliest year {limit[idx]}" if column == "earliest_year"
                    else f"row's lead time of {candidates.at[idx, 'lead_time_months']:g} months (open "
                         f"{limit[idx]} at the earliest)")
            problems.add(Location(display, row=int(idx), column="decided_year"),
                         f"decided year {decided[idx]} is before the {what}",
                         "a decided year no earlier than the premises can open",
                         f"correct the decided year, or empty '{column}' (a decided premises needs neither)")
    if own and problems.problems:
        raise InputError(by_row(problems.problems))


def _check_levels(rows: pd.DataFrame, display: str, problems: ProblemCollector) -> None:
    """Level ranges: on every candidate or on none (a plan is by level or on totals), min ≤ max; every row's
    problem added to ``problems``."""
    has = rows["min_level"].notna() | rows["max_level"].notna()
    if not has.any():
        return
    for idx in rows.index[~has.to_numpy()]:
        problems.add(Location(display, row=int(idx), column="min_level"), "a candidate without a level range "
                     "where other candidates have one", "min_level and max_level on every candidate of the "
                     "service, or on none (a plan on totals)", "fill in the levels the premises suit")
    for col in ("min_level", "max_level"):
        for idx in rows.index[(rows[col].isna() & has).to_numpy()]:
            problems.add(Location(display, row=int(idx), column=col), "half a level range",
                         "both min_level and max_level", f"fill in {col}")
    for idx in rows.index[(rows["min_level"].astype(float) > rows["max_level"].astype(float)).to_numpy()]:
        problems.add(Location(display, row=int(idx), column="min_level"),
                     f"min_level {int(rows.at[idx, 'min_level'])} is above max_level "
                     f"{int(rows.at[idx, 'max_level'])}", "min_level ≤ max_level", "swap the two")
