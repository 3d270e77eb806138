"""Reading a text file as UTF-8 (or, for CSV, Windows-1252), with the line of the first bad byte in the error."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from resmodel.errors import InputError, Location

#: the UTF-8 forms of the characters a Swedish file holds — Latin-1 letters (å = C3 A5, é = C3 A9), the
#: no-break space and Latin-1 signs (C2 A0–BF), dashes and quotes (E2 80 xx): a file holding one is UTF-8 at
#: heart, so a bad byte elsewhere is damage. Windows-1252 text rarely has these pairs ('Ã¥'), while any
#: two-byte rule would match its 'å–' or 'Ä”'.
_UTF8_SEQUENCE = re.compile(rb"\xc3[\x80-\xbf]|\xc2[\xa0-\xbf]|\xe2\x80[\x80-\xbf]")


def read_utf8(path: Path, display: str, kind: str, fix: str, as_row: bool = False, bom: bool = False,
              windows_1252: bool = False) -> str:
    """Decode ``path`` as UTF-8; a decoding error names the line (or spreadsheet row) of the bad byte.

    With ``windows_1252``, a file that is not UTF-8 and holds no UTF-8 sequence at all is read as
    Windows-1252, the encoding Swedish Excel's 'CSV (semikolonavgränsad)' writes (å ä ö as single bytes);
    never one with NUL bytes (UTF-16, whose letters would come out spaced by NULs, past every check).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:  # no read permission, a folder of that name, a file another program has locked
        raise InputError.at(Location(file=display), f"the file cannot be read ({exc.strerror or type(exc).__name__})",
                            f"a {kind} file you may read", "check the file's permissions, or close the program "
                            "that holds it open, and run again") from None
    try:
        text = data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as exc:
        mixed = bool(_UTF8_SEQUENCE.search(data))
        utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data  # a text file never holds NUL bytes
        text = _windows_1252(data) if windows_1252 and not mixed and not utf16 else None
        if text is not None:
            return text
        before = bytes(exc.object[:exc.start]).decode("utf-8", errors="replace")  # exc.object: after any BOM
        where = _row_at(before, len(before))[0] if as_row else before.count("\n") + 1
        location = Location(file=display, row=where) if as_row else Location(file=display, line=where)
        if utf16:
            raise _utf16_error(display, as_row, kind, fix) from None
        expected = f"a UTF-8 encoded {kind} file" + (" (or Windows-1252, as Excel's 'CSV (semikolonavgränsad)')"
                                                     if windows_1252 else "")
        problem = "file is not UTF-8 text" + (": it mixes UTF-8 characters with other bytes"
                                               if windows_1252 and mixed else "")
        raise InputError.at(location, problem, expected, fix) from None
    if "\x00" in text:  # UTF-16 without a byte-order mark decodes as UTF-8, its letters spaced by NULs
        raise _utf16_error(display, as_row, kind, fix) if _spaced_by_nuls(data) else _nul_error(text, display, as_row, kind)
    return text


#: the least share of NUL bytes that makes a file UTF-16: its letters of Latin-1 (a–z, å ä ö) are a byte and a NUL
UTF16_NUL_SHARE = 0.25


def _spaced_by_nuls(data: bytes) -> bool:
    """Whether a file's NUL bytes are UTF-16's (a sizeable share of its bytes), not a stray one in UTF-8 text."""
    return data.count(b"\x00") >= UTF16_NUL_SHARE * len(data)


def _nul_error(text: str, display: str, as_row: bool, kind: str) -> InputError:
    """A stray NUL character in UTF-8 text (a cell 'U00\\x002'), named at its line or row: it was called UTF-16."""
    at = text.index("\x00")
    where, start = _row_at(text, at) if as_row else (text.count("\n", 0, at) + 1, text.rfind("\n", 0, at) + 1)
    column = at - start + 1
    location = Location(file=display, row=where) if as_row else Location(file=display, line=where)
    return InputError.at(location, f"the {'row' if as_row else 'line'} holds a NUL character (a binary zero) at "
                         f"character {column}", f"a UTF-8 encoded {kind} file without NUL "
                         "characters (the rest of this one is UTF-8)",
                         "delete the character — an editor may show it as a box, '\\0' or nothing; in a "
                         "spreadsheet, retype the cell — and save the file again")


#: a line of text with its line break (CR LF, CR or LF, as the CSV readers' universal newlines), or the last one
_LINE = re.compile(r".*?(?:\r\n|\r|\n)|.+", re.S)


def _row_at(text: str, at: int) -> tuple[int, int]:
    """The spreadsheet row (CSV record, header = row 1, as the readers' other messages) holding character ``at`` of a
    CSV, and where that row starts: a quoted cell may span lines. ';' opens a cell as ',' does, so that Swedish
    Excel's CSV counts alike."""
    lines = _LINE.findall(text[:at].replace(";", ",") + "_")  # '_' stands in for the character at ``at``
    reader = csv.reader(lines)
    row, first, read = 0, 0, 0
    try:
        for _ in reader:
            row, first, read = row + 1, read, reader.line_num
    except csv.Error:  # a cell past the csv module's size limit (a stray '"'): the row it opens on
        row, first = row + 1, read
    return row, sum(len(line) for line in lines[:first])


def _utf16_error(display: str, as_row: bool, kind: str, fix: str) -> InputError:
    first = Location(file=display, row=1) if as_row else Location(file=display, line=1)
    return InputError.at(first, "file is UTF-16 text (or binary)", f"a UTF-8 encoded {kind} file", fix)


def _windows_1252(data: bytes) -> str | None:
    """The bytes as Windows-1252 text, or None when they hold a byte that encoding leaves undefined."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None
