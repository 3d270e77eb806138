"""Writing results atomically: CSV, a formatted Excel workbook (Swedish sheet names) and a
manifest. Everything goes to a temporary folder beside the target, which is renamed into place
only when all files are written; outputs are byte-identical for identical inputs. A folder is only
replaced when it is new, empty, or an earlier output of the same command (``check_output_folder``)."""

from __future__ import annotations

import datetime as dt
import errno
import fnmatch
import json
import os
import re
import shutil
import tempfile
import textwrap
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location
from resmodel.report import years_as_numbers

FIXED_TIMESTAMP = dt.datetime(2000, 1, 1)


SIGNIFICANT_DIGITS = 15  # 1e-5 SEK on billions (identities such as deviation = frame − net cost hold to it); float noise sits in digits 16–17


def tidy_float(value: float) -> float:
    """A float to 15 significant digits: 830.0, not 830.0000000000003 (the rounding noise of summing hours and
    shares, which a reader takes for a real decimal); -0.0 as 0.0. The CSVs, the workbooks and the API's answers
    alike."""
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}") + 0.0


def _float_text(value: float) -> str:
    """A float as the shortest text of its value to 15 significant digits (``tidy_float``)."""
    return repr(tidy_float(value))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """A table as UTF-8 CSV without its index, '\\n' line ends and floats to 15 digits (byte-identical reruns)."""
    frame.to_csv(path, index=False, lineterminator="\n", float_format=_float_text)


def _normalise_zip(path: Path) -> None:
    """Rewrite an .xlsx with fixed entry and document timestamps so repeated runs are byte-identical."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries = [(name, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data) if name == "docProps/core.xml"
                else data) for name, data in entries]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, data)


def _cell(value):
    """A table value as a worksheet cell: NaN empty, numpy scalars plain, floats to 15 significant digits as the
    CSVs write them (``tidy_float``: a sheet read by pandas or Power Query gives the CSV's 830.0, not
    830.0000000000003), control characters (which Excel cannot store; inputs refuse them, so only a note echoing
    one could carry it) removed."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is pd.NA or value is pd.NaT or isinstance(value, float) and value != value:  # missing: an empty cell
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    value = value.item() if hasattr(value, "item") else value
    return tidy_float(value) if isinstance(value, float) else value


class Sheet(NamedTuple):
    """A workbook sheet: the table; column → Excel number format, one for the whole column or one per row (a long
    table of mixed measures: kronor and FTE); how many leading columns stay in view when scrolling right (a unit's
    id and name); column → a note on its heading, for a hint too long to head the column."""

    frame: pd.DataFrame
    formats: Mapping[str, str | Sequence[str]]
    frozen_columns: int = 0
    notes: Mapping[str, str] = MappingProxyType({})


#: a longer heading wraps onto lines of about this many characters rather than widening its column
HEADING_WIDTH = 18
#: no column is wider than this (a long message or source path is cut on screen; the cell holds all of it)
MAX_WIDTH = 60
#: points per line of text in Excel's default font (Calibri 11)
LINE_HEIGHT = 15


#: whole parts below this are shown by ``_float_lengths``' arithmetic; larger ones (and nan, inf) as Python prints them
EXACT_WHOLE = 1e15
#: 10, 100, …: a whole part r ≥ 1 has 1 + (how many of these are ≤ r) digits
POWERS_OF_TEN = 10.0 ** np.arange(1, 16)


def _float_lengths(values: np.ndarray) -> np.ndarray:
    """The length of each float as f"{v:,.0f}" shows it (sign, digits, a comma per three), computed for the column
    at once: sizing a column by formatting each of its cells was most of a large workbook's styling time."""
    whole = np.rint(np.abs(values))  # half to even on the binary value, as Python's format rounds
    plain = np.isfinite(values) & (whole < EXACT_WHOLE)
    digits = 1 + np.searchsorted(POWERS_OF_TEN, np.where(plain, whole, 0.0), side="right")
    lengths = digits + (digits - 1) // 3 + np.signbit(values)
    lengths[~plain] = [len(f"{v:,.0f}") for v in values[~plain]]
    return lengths


def _column_width(heading: str, values: pd.Series) -> int:
    """A column as wide as its longest value (numbers as their whole part with thousands separators) or its heading
    up to HEADING_WIDTH, whichever is wider, and at least its heading's longest word; at most MAX_WIDTH."""
    if values.dtype == np.float64:
        shown = _float_lengths(values.to_numpy()).tolist()
    else:  # every row: a long name may come late
        shown = [len(f"{v:,.0f}" if isinstance(v, float) else str(v)) for v in values]
    longest_word = max((len(word) for word in heading.split()), default=0)
    return min(MAX_WIDTH, max([*shown, min(len(heading), HEADING_WIDTH), longest_word]) + 2)


def _heading_lines(heading: str, width: int) -> int:
    """How many lines a heading wraps onto in a column ``width`` characters wide (bold text: a little narrower)."""
    return max(1, len(textwrap.wrap(heading, max(1, width - 2))))


def _line_counts(frame: pd.DataFrame) -> pd.Series:
    """Per row, the most lines any of its text cells has (a manifest list is one item per line)."""
    columns = [frame.iloc[:, i] for i in range(frame.shape[1])]
    text = [c.astype(str).str.count("\n") for c in columns if not pd.api.types.is_numeric_dtype(c)]
    return (pd.concat(text, axis=1).max(axis=1) if text else pd.Series(0, index=frame.index)) + 1


def _style_headings(ws, frame: pd.DataFrame, notes: Mapping[str, str]) -> None:
    """Headings bold and wrapped (the row as high as the longest needs), columns sized (``_column_width``), a
    heading's note as its comment."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    lines = 1
    for i, column in enumerate(frame.columns, start=1):
        heading, head = str(column), ws.cell(row=1, column=i)
        width = _column_width(heading, frame[column])
        ws.column_dimensions[get_column_letter(i)].width = width
        lines = max(lines, _heading_lines(heading, width))
        head.font = Font(bold=True)
        head.alignment = Alignment(wrap_text=True, vertical="top")
        if column in notes:
            head.comment = Comment(notes[column], "resmodel", width=320, height=90)
    if lines > 1:
        ws.row_dimensions[1].height = LINE_HEIGHT * lines


def _column_cells(ws, column: pd.Series, fmt: str | Sequence[str] | None) -> list:
    """A column's values as worksheet cells (``_cell``; a float column without a type check per value), as cells
    carrying the number format when the column has one (one for the column or one per row)."""
    if column.dtype == np.float64:
        values = [None if v != v else tidy_float(v) for v in column.tolist()]
    else:
        values = [_cell(v) for v in column]
    if not fmt:
        return values
    from openpyxl.cell.cell import Cell

    cells = [Cell(ws, value=v) for v in values]
    for cell, row_format in zip(cells, [fmt] * len(cells) if isinstance(fmt, str) else fmt, strict=True):
        cell.number_format = row_format
    return cells


def _wrap_multi_line_cells(ws, frame: pd.DataFrame) -> None:
    """A text cell of several lines wrapped, and its row as high as its lines (a manifest list, one item a line)."""
    from openpyxl.styles import Alignment

    lines = _line_counts(frame).to_numpy()
    for row in (lines > 1).nonzero()[0] + 2:
        ws.row_dimensions[int(row)].height = LINE_HEIGHT * int(lines[row - 2])
        for cell in ws[int(row)]:
            if isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _add_sheet(wb, name: str, sheet: Sheet) -> None:
    """One sheet: the table's rows, its headings and formats, the heading row and the ``frozen_columns`` kept in
    view, a filter on the heading row."""
    from openpyxl.utils import get_column_letter

    frame = years_as_numbers(sheet.frame)
    ws = wb.create_sheet(title=name[:31])
    ws.append([int(c) if re.fullmatch(r"(19|20|21)\d\d", str(c)) else str(c)  # a year heads as a number; an id
               for c in frame.columns])  # such as '0012' keeps its zeros
    # column by column, so the workbook's number formats are numbered in the order they always were
    columns = [_column_cells(ws, frame.iloc[:, i], sheet.formats.get(c)) for i, c in enumerate(frame.columns)]
    for row in zip(*columns, strict=True):
        ws.append(list(row))
    _style_headings(ws, frame, sheet.notes)
    _wrap_multi_line_cells(ws, frame)
    ws.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}2"
    if len(frame.columns):
        ws.auto_filter.ref = ws.dimensions


def write_workbook(sheets: Mapping[str, Sheet | tuple[pd.DataFrame, Mapping[str, str]]], path: Path) -> None:
    """Sheets: name → ``Sheet`` (or its first two fields, table and formats). Headings bold and wrapped, columns
    sized, panes frozen, a filter on the heading row (a section manager picks a section's units in Enheter);
    byte-identical for identical tables."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, spec in sheets.items():
        _add_sheet(wb, name, Sheet(*spec))
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    wb.properties.creator = "resmodel"
    wb.save(path)
    _normalise_zip(path)


def json_text(data: dict) -> str:
    """JSON as every output writes it: sorted keys, indented, UTF-8 characters as they are."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_json(data: dict, path: Path) -> None:
    """``data`` as ``json_text`` writes it (sorted keys, indented), UTF-8."""
    path.write_text(json_text(data), encoding="utf-8")


OS_CLUTTER = (".DS_Store", "Thumbs.db", "desktop.ini")  # files a file browser leaves in any folder it shows


def _out_error(out: Path, problem: str, expected: str, fix: str) -> InputError:
    return InputError.at(Location(file=str(out), path="--out"), problem, expected, fix)


def check_output_folder(out: Path | None, replaceable: Sequence[str] = ()) -> None:
    """Refuse, before any work, an output folder that cannot be one, or whose replacement would
    delete something this command did not write: results replace the whole folder (so no file of
    an earlier run is left behind), and that is only safe for a new or empty folder or an earlier
    output of the same command (every entry matches one of the ``replaceable`` name patterns)."""
    if out is None:
        return
    expected = "a new folder, an empty one, or an earlier output folder of this command"
    for parent in reversed(out.absolute().parents):
        if parent.exists() and not parent.is_dir():
            raise _out_error(out, f"the output folder would be inside {parent}, which is a file", expected,
                             "choose another --out")
    if out.is_symlink():
        raise _out_error(out, "the output folder is a link (results replace the folder, which would replace the "
                         "link)", expected, f"give the folder it points to: --out {out.resolve()}")
    if out.exists() and not out.is_dir():
        raise _out_error(out, "the output folder is an existing file", expected, "choose another --out or move the file")
    resolved, cwd = out.resolve(), Path.cwd().resolve()
    if resolved == cwd or resolved in cwd.parents:
        raise _out_error(out, "the output folder is the current folder or one of its parents, and results replace "
                         "the whole folder", expected, "choose a subfolder, e.g. results/<name>")
    _check_writable(out)
    if not out.is_dir():
        return
    try:
        entries = sorted(out.iterdir())
    except OSError as exc:
        raise _out_error(out, f"the output folder cannot be read ({exc.strerror})", expected,
                         "choose another --out or fix the folder's permissions") from None
    foreign = [e.name + ("/" if e.is_dir() else "") for e in entries
               if e.is_dir() or not any(fnmatch.fnmatchcase(e.name, p) for p in (*replaceable, *OS_CLUTTER))]
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise _out_error(out, f"the output folder holds files this command did not write ({shown}); results "
                         "replace the whole folder, which would delete them", expected,
                         "choose a new or empty --out folder (e.g. results/<name>)")
    mine = [e.name for e in entries if e.name not in OS_CLUTTER]
    if mine and not _written_by_resmodel(out / "manifest.json"):
        shown = ", ".join(mine[:3]) + (f" and {len(mine) - 3} more" if len(mine) > 3 else "")
        manifest = ("with a manifest.json resmodel did not write (resmodel's is a JSON object with a "
                    "resmodel_version)" if (out / "manifest.json").is_file()
                    else "without the manifest.json resmodel writes beside them")
        raise _out_error(out, f"the output folder holds {shown}, named like this command's outputs but {manifest}, "
                         "so they may be yours (an input file, say); results replace the whole folder, which would "
                         "delete them", expected,
                         "choose a new or empty --out folder (e.g. results/<name>), or delete the folder if it is an "
                         "old output")


#: a manifest larger than this is not one resmodel wrote (they are a few kilobytes)
MANIFEST_MAX_BYTES = 10_000_000


def _written_by_resmodel(manifest: Path) -> bool:
    """Whether ``manifest`` is a manifest.json resmodel wrote: the mark of an earlier output folder, which names alone
    are not (a series saved as forecast.csv alone in a folder was replaced by the forecast — robustness review)."""
    try:
        if not manifest.is_file() or manifest.stat().st_size > MANIFEST_MAX_BYTES:
            return False
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and "resmodel_version" in data


def _check_writable(out: Path) -> None:
    """The results are made beside ``out`` and swapped in, so the nearest existing folder above it must take new
    entries: said before any work (a forecast computed for 45 s before a read-only folder was found)."""
    above = next(p for p in out.absolute().parents if p.exists())
    if not os.access(above, os.W_OK | os.X_OK):
        raise _out_error(out, f"the output folder cannot be written: {above} takes no new files (no permission, or "
                         "a read-only file system)", "a folder you can write to", "choose another --out") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_folder_atomically(target: Path, write: Callable[[Path], None], replaceable: Sequence[str]) -> None:
    """Call ``write(tmp)`` to fill a temporary folder beside ``target``, then swap it in place of
    ``target`` (checked first by ``check_output_folder`` with ``replaceable``). A failure leaves
    ``target`` as it was; a folder that cannot be created is a located error, not a traceback."""
    check_output_folder(target, replaceable)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise _out_error(target, f"the output folder cannot be created ({exc.strerror})",
                         "a folder you can write to", "choose another --out") from None
    try:
        write(tmp)
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; results are ordinary folders
        _swap_in(tmp, target)
    except OSError as exc:  # a full disk, or (Windows) the earlier results open in Excel
        shutil.rmtree(tmp, ignore_errors=True)
        raise _out_error(target, f"the results could not be written ({exc.strerror or type(exc).__name__}); "
                         "the folder is as it was", "a folder you can write to, with no file of it open in "
                         "another program", "close the earlier results (in Excel or elsewhere) and run again, "
                         "or choose another --out") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_csvs_into(folder: Path, tables: dict[str, pd.DataFrame]) -> list[str]:
    """Write each table as <name>.csv into an existing ``folder`` that holds other files too (the demo's data
    folder, beside its parameters): every table to a temporary file first, then each renamed over its CSV, so a
    failure while writing (a full disk, a folder named like a table) leaves the folder as it was."""
    written: list[tuple[Path, Path]] = []
    try:
        for name, table in tables.items():
            target = folder / f"{name}.csv"
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, "a folder has the table's name", str(target))
            tmp = folder / f".{name}.csv.tmp"
            written.append((tmp, target))
            write_csv(table, tmp)
        for tmp, target in written:
            os.replace(tmp, target)
    except OSError as exc:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        where = Path(exc.filename).name if exc.filename else folder.name
        raise _out_error(folder, f"the tables could not be written ({where}: {exc.strerror or type(exc).__name__})",
                         "a folder you can write to, with no folder named like a table", "free the name or the disk "
                         "space, or choose another --out") from None
    return [target.name for _, target in written]


def _swap_in(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` to ``target``, replacing an earlier ``target``, which is put back if the rename fails."""
    if not target.exists():
        os.replace(tmp, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent)) / "previous"
    try:
        os.replace(target, old)  # into a fresh private folder: nothing of the user's is in the way
    except OSError:
        shutil.rmtree(old.parent, ignore_errors=True)
        raise
    try:
        os.replace(tmp, target)
    except OSError:
        os.replace(old, target)
        shutil.rmtree(old.parent, ignore_errors=True)
        raise
    shutil.rmtree(old.parent, ignore_errors=True)  # the new results are in place; a leftover is only clutter


def workbook_writer(sheets: dict[str, pd.DataFrame]):
    """A writer (for ``write_atomically``) of the tables as one workbook — Swedish Excel opens a comma CSV in one
    column: numbers to up to three decimals, columns ending in _sek (and a nowcast's amounts) in whole kronor."""
    def formats(frame: pd.DataFrame) -> dict[str, str]:
        sek = frame.attrs.get("value") == "amount_sek"  # a nowcast of amounts: its values are SEK

        def money(column: str) -> bool:
            return column.endswith("_sek") or sek and (column in ("reported", "nowcast", "se")
                                                       or column.startswith(("lo-", "hi-", "still_to_come")))
        return {c: "#,##0" if money(c) else "#,##0.0##" for c in frame.columns if pd.api.types.is_float_dtype(frame[c])}
    return lambda path: write_workbook({name: (frame, formats(frame)) for name, frame in sheets.items()}, path)
