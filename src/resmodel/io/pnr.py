"""Detection of Swedish personal identity numbers (personnummer/samordningsnummer).

A number is read as YYMMDD or YYYYMMDD (an optional '-' inside the date, as in ``1990-01-01``)
followed by four digits; its date part must be plausible (month 1-12, day 1-31, or 61-91 for a
samordningsnummer). An input cell that contains one is refused, and the number itself is never echoed:

* written the way people write an identity number -- a '-' or '+' between the date and the last four
  digits (``19900101-2389``, ``900101-2389``, ``19900101+2389``; an en dash, minus sign or other dash a
  word processor puts for '-' counts as '-') -- it is refused whatever its check digit: a mistyped
  number is still personal data;
* a 12-digit number whose century is 18, 19 or 20 (``199001012389``, with or without a separator) is
  likewise refused whatever its check digit;
* 10 digits without a '-'/'+' separator (``9001012389``, ``900101 2389``, ``900101_2389``, a tab;
  no-break, thin and zero-width spaces and spaces around the '-' read as a person reads them), and 12 digits
  with another century, are refused only with a valid Luhn check digit: ids and 10-digit amounts
  would otherwise be refused by chance.

A date written with only one of its two '-' (``191201-191231``, a range of dates), and a date written with
'-' followed by a space and four digits (``höjt 2024-01-01 1500 kr``, ``2024-01-01 0800``), are refused only
with a valid check digit; a number directly followed by '-' and a digit is a period (``2019-12-01-2019-12-31``,
``2023-01-01 – 2023-12-31``) and never refused.
Digits after a decimal point or comma are a number's fraction, not an identity number
(``1694.868905674316`` is not refused for its twelve decimals)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from typing import Any

import numpy as np
import pandas as pd

from resmodel.errors import Location, PersonalDataError
from resmodel.table_words import ascii_digits

# Zero-width (lookahead) matches, one pattern with the century and one without, so that every
# place a number could start is tried: an earlier non-match such as '01-19121212' in
# 'M01-19121212-1212' must not consume the digits of the real number after it. The groups are
# century, YY, '-', MM, '-', DD, separator, serial, check digit and whether '-' and a digit follow; the date's
# separators may also be '.', '/' or a space ('1912.12.12-1212'), the serial's a doubled '-'.
_PNR_FORMS = tuple(re.compile(r"(?=(?<!\d)(?<!\d[.,])" + century
                              + r"(\d{2})([-./ ]?)(\d{2})([-./ ]?)(\d{2})((?:--?|[+ _\t])?)(\d{3})(\d)(?!\d)(-\d)?)")
                   for century in (r"(\d{2})", r"()"))
_CENTURIES = ("18", "19", "20")
#: dashes a word processor or spreadsheet puts in place of a typed '-' (hyphen, non-breaking hyphen,
#: figure dash, en dash, em dash, minus sign, soft hyphen, small and full-width hyphen-minus) read as '-',
#: so '900101–2389' is written as a number too; no-break spaces (Swedish Excel's) read as spaces
_DASHES = str.maketrans({**dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\u00ad\ufe63\uff0d", "-"),
                         **dict.fromkeys("\u00a0\u202f\u2007\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                                         "\u2008\u2009\u200a\u205f\u3000", " "),
                         **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff", None)})  # zero-width: gone
#: spaces around a '-'/'+' between digits ('900101 - 2385') and runs of spaces between digits are read as
#: the separator alone, as a person reads them
_BEFORE_SIGN, _AFTER_SIGN = re.compile(r"(?<=\d)\s+(?=[-+]\s*\d)"), re.compile(r"(?<=\d[-+])\s+(?=\d)")
_LOOSE_SPACES = re.compile(r"(?<=\d)\s{2,}(?=\d)")


def _luhn_ok(nine_digits: str, check: str) -> bool:
    total = 0
    for i, ch in enumerate(nine_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10 == int(check)


def looks_like_pnr(text: str) -> bool:
    """True if ``text`` contains a personal identity number in the sense of the module docstring:
    a plausible date part and either a valid check digit or a form that needs none."""
    text = _LOOSE_SPACES.sub(" ", _AFTER_SIGN.sub("", _BEFORE_SIGN.sub("", ascii_digits(text.translate(_DASHES)))))
    for m in (m for form in _PNR_FORMS for m in form.finditer(text)):
        century, yy, dash1, mm, dash2, dd, separator, serial, check, range_follows = m.groups()
        month, day = int(mm), int(dd)
        if day > 60:  # samordningsnummer: day + 60
            day -= 60
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        if range_follows is not None:  # '2023-01-01-2023-12-31' (a period, en dash and spaces read as '-')
            continue
        written_as_pnr = (century in _CENTURIES if century else separator in ("-", "--", "+"))
        if dash1 == "-" and separator in (" ", "\t", "_"):  # a date, then a number: 'från 2024-01-01 1500 kr'
            written_as_pnr = False
        if written_as_pnr and dash1 == dash2:
            return True  # whatever its check digit: a mistyped number is still personal data
        if _luhn_ok(yy + mm + dd + serial, check):
            return True
    return False


def _refusal(what: str) -> tuple[str, str, str]:
    """The message for a ``what`` (cell, value, comment, amount, column name, sheet name; text: a cell of a name or
    free-text column, unread: a cell of a sheet nothing reads — whose fix is to remove the number, not to replace it
    with an id) that looks like an identity number; never the number."""
    if what == "amount":  # a number column: 12 digits from 18…, 19… or 20… and a date, as a register stores one
        return ("this amount has the 12-digit form of a Swedish personal identity number (personnummer: a date of "
                "birth and four digits); it is not shown here", "an amount or count of this column, no personal data",
                "check the cell: an identity number pasted into the column, or an amount with digits too many "
                "(öre for kronor?)")
    fix = {"comment": "remove the number from the comment", "column name": "rename the column",
           "sheet name": "rename the sheet",
           "text": "remove the number from the text, or clear the value, before loading the file (in a column resmodel "
                   "reads — a month, a weekday, a service — write the value it takes; a column it does not read: "
                   "delete the column)",
           "unread": "remove the number from the sheet, or delete the sheet if it is a note (resmodel reads only the "
                     "first sheet), before loading the file"}
    noun = "cell" if what in ("text", "unread") else what
    return (f"this {noun} looks like a Swedish personal identity number (personnummer); it is not shown here",
            "pseudonymous ids only (e.g. 'U00042')" + (", and in every other cell the value its column takes (a name, a "
                                                       "month, a weekday)" if what == "text" else "")
            + "; no personal data may enter the model",
            fix.get(what, "replace the value with a pseudonymous id before loading the file"))


#: a bare number of ten digits in text (an amount in SEK: '1101300000'), not part of a longer number or a date
_BARE_TEN_DIGITS = re.compile(r"(?<![\w.,+-])\d{10}(?![\w.,+-])")


def check_comment_for_pnr(text: str, location: Location) -> None:
    """A comment is text, but a bare ten-digit number in it is an amount as a YAML number value is (refused only
    in the 12-digit register form, ``number_looks_like_pnr``): frame files note amounts in their comments."""
    if looks_like_pnr(_BARE_TEN_DIGITS.sub(" ", text)):  # ten digits are never the 12-digit register form
        raise PersonalDataError.at(location, *_refusal("comment"))


def check_value_for_pnr(value: Any, location: Location) -> None:
    """Raise PersonalDataError if a value looks like a personal identity number: text by the full test, a number
    (a YAML amount such as a frame of 1 101 300 000 SEK) as a numeric cell is (``number_looks_like_pnr``), and
    every item of a list or mapping (a manifest's options) likewise."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            check_value_for_pnr(key, location)
            check_value_for_pnr(item, location)
    elif isinstance(value, list | tuple):
        for item in value:
            check_value_for_pnr(item, location)
    elif isinstance(value, int | float):
        if number_looks_like_pnr(f"{value:.0f}" if isinstance(value, float) and value.is_integer() else str(value)):
            raise PersonalDataError.at(location, *_refusal("value"))
    elif isinstance(value, str) and looks_like_pnr(value):
        raise PersonalDataError.at(location, *_refusal("value"))


_PLAIN_NUMBER = re.compile(r"\s*[-+]?(\d+)(?:\.(\d*))?\s*")  # a sign: credits are negative amounts


def number_looks_like_pnr(text: str) -> bool:
    """The test for a cell of a numeric column (amounts, counts). A plain number is a personal
    identity number only in the 12-digit form a register stores as a number (century 18–20, no
    fraction): 10-digit amounts (1 206 643 841.66 SEK) would otherwise be refused by chance, about
    one in 140 (negative amounts too). Such a 12-digit number with a plausible date is refused
    whatever its check digit. Anything that is not a plain number gets the full test."""
    m = _PLAIN_NUMBER.fullmatch(text)
    if m is None:
        return looks_like_pnr(text)
    whole, fraction = m.group(1), m.group(2) or ""
    return fraction.strip("0") == "" and len(whole) == 12 and whole[:2] in ("18", "19", "20") and looks_like_pnr(whole)


def check_unread_cell_for_pnr(value: Any, location: Location) -> None:
    """A cell of a sheet nothing reads: text by the full test, a number by ``unread_number_looks_like_pnr``; told to
    be removed (a note's number has no pseudonymous id to be replaced with)."""
    if isinstance(value, str):
        found = looks_like_pnr(value)
    else:
        found = isinstance(value, int | float) and not isinstance(value, bool) and unread_number_looks_like_pnr(value)
    if found:
        raise PersonalDataError.at(location, *_refusal("unread"))


def check_sheet_name_for_pnr(name: str, location: Location) -> None:
    """A workbook's sheet name (a list of people's sheets named by their numbers): told to rename the sheet."""
    if looks_like_pnr(name):
        raise PersonalDataError.at(location, *_refusal("sheet name"))


def unread_number_looks_like_pnr(value: int | float) -> bool:
    """A number on a sheet nothing reads (no column to say amount or id): a personal identity number only in the
    12-digit register form (century 18–20) with a plausible date and a valid check digit — 10-digit numbers are
    amounts there as in number columns, and a reference or timestamp stored as a number (202403150012) does not
    refuse the workbook unless its last digit happens to check."""
    if isinstance(value, float) and not value.is_integer():
        return False
    digits = str(abs(int(value)))
    if len(digits) != 12 or digits[:2] not in ("18", "19", "20"):
        return False
    digits = digits[2:]
    month, day = int(digits[2:4]), int(digits[4:6])
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91) and _luhn_ok(digits[:9], digits[9])


_ID_DIGITS = re.compile(r"\s*(?:\d{2})?(\d{2})(\d{2})(\d{2})\d{4}\s*")


def id_looks_like_pnr(text: str) -> bool:
    """The test for an id cell (user_id, …): besides ``looks_like_pnr``, any id that is 10 or 12 digits
    with a plausible date is refused whatever its check digit — a pseudonymous id is never a bare
    date-and-serial number, so a mistyped identity number (8503121235) cannot pass as one."""
    m = _ID_DIGITS.fullmatch(text)
    if m is not None:
        month, day = int(m.group(2)), int(m.group(3))
        if 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91):
            return True
    return looks_like_pnr(text)


def check_frame_for_pnr(frame: pd.DataFrame, file: str, first_row: int | None = None,
                        numeric: Collection[str] = (), ids: Collection[str] = ()) -> None:
    """Scan every cell of a raw (string) table; refuse the first cell that looks like a pnr. Rows are
    named by the frame's index (spreadsheet rows, as read_raw gives them) or, with ``first_row``, by
    position. Columns named in ``numeric`` hold amounts or counts and get ``number_looks_like_pnr``;
    columns named in ``ids`` hold ids and get the stricter ``id_looks_like_pnr`` (and the fix of an id: replace
    it with a pseudonymous one); in any other cell the fix is to remove the number."""
    digits = re.compile(r"\d\d\D?\d\d\D?\d\d")  # six digits, or a date written with separators
    numeric, ids = {_folded(c) for c in numeric}, {_folded(c) for c in ids}
    for column in frame.columns:
        values = frame[column].astype("string").fillna("")
        key = _folded(column)  # 'User_ID ' is read as user_id: an id column whatever its case (privacy audit)
        test = (number_looks_like_pnr if key in numeric else id_looks_like_pnr if key in ids
                else looks_like_pnr)
        candidates = np.flatnonzero(values.str.contains(digits, regex=True).to_numpy(dtype=bool))
        for i in candidates:
            if test(values.iloc[i]):
                row = int(frame.index[i]) if first_row is None else int(i) + first_row
                what = ("amount" if key in numeric and _PLAIN_NUMBER.fullmatch(values.iloc[i]) else
                        "cell" if key in ids else "text")  # only an id is replaced by a pseudonymous one
                raise PersonalDataError.at(Location(file=file, row=row, column=str(column)), *_refusal(what))
    for column in frame.columns:
        if looks_like_pnr(str(column)):
            raise PersonalDataError.at(Location(file=file, row=1, column="(header)"), *_refusal("column name"))


def _folded(column: object) -> str:
    """A header as the table readers match it to a schema column: trimmed, lower case, Unicode NFC."""
    return unicodedata.normalize("NFC", str(column)).strip().lower()


def check_arguments_for_pnr(args: list[str]) -> None:
    """Refuse a command line with an argument (an option's value, a file or folder path) that looks like a
    personal identity number, before any of it is read, echoed or written to a manifest; the message
    names the option (or the argument's position), never the value."""
    for i, arg in enumerate(args):
        option, _, value = arg.partition("=") if arg.startswith("--") and "=" in arg else ("", "", arg)
        # a plain number (a seed, an amount) as a numeric cell is tested; the parts of a list ('naive,1912…') too
        if any(number_looks_like_pnr(part) for part in (value, *re.split(r"[,:;=]", value))):
            where = option or (args[i - 1] if i and args[i - 1].startswith("-") else f"argument {i + 1}")
            raise PersonalDataError.at(
                Location(path=where), f"the value of {where} looks like a Swedish personal identity number "
                "(personnummer); it is not shown here", "pseudonymous ids, and file and folder names without "
                "personal identity numbers", f"correct {where} (rename the file or folder if it is in its name)")


def check_option_for_pnr(value: Any, option: str) -> None:
    """Refuse a command-line option value (``option`` such as ``--unit``: an id or a name, never an amount) that
    looks like a personal identity number, by the id rule (a bare 10 or 12 digits with a date, whatever the check
    digit: '--unit 8001011234' was echoed as an unknown unit); the message names the option, never the value."""
    if value is not None and id_looks_like_pnr(str(value)):
        raise PersonalDataError.at(
            Location(path=option),
            f"the value of {option} looks like a Swedish personal identity number (personnummer); it is not shown here",
            "a pseudonymous id or a name from the input files, never a personal identity number",
            f"correct {option}")
