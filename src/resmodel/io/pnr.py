"""Detection of Swedish personal identity numbers (personnummer/samordningsnummer).

Any input cell that looks like one (10 or 12 digits, optional '-', '+', space or '_' separator and
optional '-' inside the date,
a plausible date and a valid Luhn check digit) is refused; the number itself is never echoed.
Digits after a decimal point or comma are a number's fraction, not an identity number
(``1694.868905674316`` is not refused for its twelve decimals)."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

import numpy as np
import pandas as pd

from resmodel.errors import Location, PersonalDataError

# Zero-width (lookahead) matches, one pattern with the century and one without, so that every
# place a number could start is tried: an earlier non-match such as '01-19121212' in
# 'M01-19121212-1212' must not consume the digits of the real number after it.
_PNR_FORMS = tuple(re.compile(r"(?=(?<!\d)(?<!\d[.,])" + century + r"(\d{2})-?(\d{2})-?(\d{2})[-+ _]?(\d{3})(\d)(?!\d))")
                   for century in (r"(\d{2})", r"()"))


def _luhn_ok(nine_digits: str, check: str) -> bool:
    total = 0
    for i, ch in enumerate(nine_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10 == int(check)


def looks_like_pnr(text: str) -> bool:
    """True if ``text`` contains a 10/12-digit number with a valid date part and check digit."""
    for m in (m for form in _PNR_FORMS for m in form.finditer(text)):
        _, yy, mm, dd, serial, check = m.groups()
        month, day = int(mm), int(dd)
        if day > 60:  # samordningsnummer: day + 60
            day -= 60
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        if _luhn_ok(yy + mm + dd + serial, check):
            return True
    return False


def _refusal(what: str) -> tuple[str, str, str]:
    """The message for a ``what`` (cell, value) that looks like an identity number; never the number."""
    return (f"this {what} looks like a Swedish personal identity number (personnummer); it is not shown here",
            "pseudonymous ids only (e.g. 'U00042'); no personal data may enter the model",
            "replace the value with a pseudonymous id before loading the file")


def check_value_for_pnr(value: Any, location: Location) -> None:
    """Raise PersonalDataError if a single value looks like a personal identity number."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | str) and looks_like_pnr(str(value)):
        raise PersonalDataError.at(location, *_refusal("value"))


_PLAIN_NUMBER = re.compile(r"\s*(\d+)(?:\.(\d*))?\s*")


def number_looks_like_pnr(text: str) -> bool:
    """The test for a cell of a numeric column (amounts, counts). A plain number is a personal
    identity number only in the 12-digit form a register stores as a number (century 18–20, no
    fraction): 10-digit amounts (1 206 643 841.66 SEK) would otherwise be refused by chance, about
    one in 140. Anything that is not a plain number gets the full test."""
    m = _PLAIN_NUMBER.fullmatch(text)
    if m is None:
        return looks_like_pnr(text)
    whole, fraction = m.group(1), m.group(2) or ""
    return fraction.strip("0") == "" and len(whole) == 12 and whole[:2] in ("18", "19", "20") and looks_like_pnr(whole)


def check_frame_for_pnr(frame: pd.DataFrame, file: str, first_row: int | None = None,
                        numeric: Collection[str] = ()) -> None:
    """Scan every cell of a raw (string) table; refuse the first cell that looks like a pnr. Rows are
    named by the frame's index (spreadsheet rows, as read_raw gives them) or, with ``first_row``, by
    position. Columns named in ``numeric`` hold amounts or counts and get ``number_looks_like_pnr``."""
    digits = re.compile(r"\d{6}")
    for column in frame.columns:
        values = frame[column].astype("string").fillna("")
        test = number_looks_like_pnr if column in numeric else looks_like_pnr
        candidates = np.flatnonzero(values.str.contains(digits, regex=True).to_numpy(dtype=bool))
        for i in candidates:
            if test(values.iloc[i]):
                row = int(frame.index[i]) if first_row is None else int(i) + first_row
                raise PersonalDataError.at(Location(file=file, row=row, column=str(column)), *_refusal("cell"))
    for column in frame.columns:
        if looks_like_pnr(str(column)):
            raise PersonalDataError.at(Location(file=file, row=1, column="(header)"), *_refusal("column name"))


def check_option_for_pnr(value: Any, option: str) -> None:
    """Refuse a command-line option value (``option`` such as ``--unit``) that looks like a personal
    identity number; the message names the option, never the value."""
    if value is not None and looks_like_pnr(str(value)):
        raise PersonalDataError.at(
            Location(path=option),
            f"the value of {option} looks like a Swedish personal identity number (personnummer); it is not shown here",
            "a pseudonymous id or a name from the input files, never a personal identity number",
            f"correct {option}")
