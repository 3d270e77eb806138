"""Reading a text file as UTF-8, with the line of the first bad byte in the error."""

from __future__ import annotations

from pathlib import Path

from resmodel.errors import InputError, Location


def read_utf8(path: Path, display: str, kind: str, fix: str, as_row: bool = False, bom: bool = False) -> str:
    """Decode ``path`` as UTF-8; a decoding error names the line (or spreadsheet row) of the bad byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as exc:
        where = data.count(b"\n", 0, exc.start) + 1
        location = Location(file=display, row=where) if as_row else Location(file=display, line=where)
        raise InputError.at(location, "file is not UTF-8 text", f"a UTF-8 encoded {kind} file", fix) from None
