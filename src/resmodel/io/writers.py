"""Writing results atomically: CSV, a formatted Excel workbook (Swedish sheet names) and a
manifest. Everything goes to a temporary folder beside the target, which is renamed into place
only when all files are written; outputs are byte-identical for identical inputs."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from resmodel.errors import InputError, Location

FIXED_TIMESTAMP = dt.datetime(2000, 1, 1)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


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


def write_workbook(sheets: dict[str, tuple[pd.DataFrame, dict[str, str]]], path: Path) -> None:
    """Sheets: name → (table, column → Excel number format). Header bold, columns sized, panes frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for name, (frame, formats) in sheets.items():
        ws = wb.create_sheet(title=name[:31])
        ws.append([str(c) for c in frame.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            ws.append([None if (isinstance(v, float) and v != v) else (v.item() if hasattr(v, "item") else v)
                       for v in row])
        for i, column in enumerate(frame.columns, start=1):
            letter = get_column_letter(i)
            width = max([len(str(column))] + [len(f"{v:,.0f}" if isinstance(v, float) else str(v))
                                              for v in frame[column].head(200)])
            ws.column_dimensions[letter].width = min(60, width + 2)
            fmt = formats.get(column)
            if fmt:
                for cell in ws[letter][1:]:
                    cell.number_format = fmt
        ws.freeze_panes = "A2"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    wb.properties.creator = "resmodel"
    wb.save(path)
    _normalise_zip(path)


def write_json(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def check_output_folder(out: Path | None) -> None:
    """Refuse, before any work, an output folder that names an existing file."""
    if out is not None and out.exists() and not out.is_dir():
        raise InputError.at(Location(file=str(out), path="--out"), "the output folder is an existing file",
                            "a folder (new or existing) for the results", "choose another --out or move the file")


def write_folder_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` to fill a temporary folder, then swap it in place of ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        write(tmp)
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            if old.exists():
                shutil.rmtree(old)
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
