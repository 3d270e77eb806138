"""Reading a top-down board (service-level volumes and average costs, items, frame, optional
published targets) from a folder: located errors, personal numbers refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from resmodel.budget.frame import load_frame
from resmodel.budget.topdown import AMOUNT_COLUMNS, TopDownData, check_items, check_services, check_targets
from resmodel.errors import InputError, Location
from resmodel.io.pnr import check_frame_for_pnr
from resmodel.io.scenario import display_path
from resmodel.io.tables import read_raw
from resmodel.io.yamlio import LocatedDocument, read_yaml


def _table(path: Path) -> pd.DataFrame:
    """One table, indexed by spreadsheet row as ``read_raw`` gives it (empty rows skipped, later rows
    keep their numbers), so that the checks name the row the user sees."""
    display = display_path(path)
    frame = read_raw(path, display)
    check_frame_for_pnr(frame, display, numeric=AMOUNT_COLUMNS)
    for column in frame.columns:  # numbers where every cell is numeric, text otherwise
        numbers = pd.to_numeric(frame[column], errors="coerce")
        if numbers.notna().sum() == frame[column].fillna("").str.strip().ne("").sum():
            frame[column] = numbers
    return frame


def _table_path(folder: Path, stem: str) -> Path:
    """``stem``.csv or ``stem``.xlsx in the folder (the one that is there; the .csv name when neither is, for
    the not-found message); both at once are refused, as which one is meant cannot be told."""
    csv_path, xlsx_path = folder / f"{stem}.csv", folder / f"{stem}.xlsx"
    if csv_path.is_file() and xlsx_path.is_file():
        raise InputError.at(Location(file=display_path(xlsx_path)), f"both {stem}.csv and {stem}.xlsx are in the folder",
                            f"one {stem} table, as .csv or .xlsx", "remove or rename the one that is not current")
    if not csv_path.is_file() and xlsx_path.is_file():
        return xlsx_path
    return csv_path


def read_topdown(folder: Path, year: int) -> tuple[TopDownData, pd.DataFrame | None]:
    """services, items (optional), frame.yaml and targets (optional) of one base year, each table as .csv
    or .xlsx, each validated against the others (located errors naming the file, row and column)."""
    if not folder.is_dir():
        raise InputError.at(Location(file=display_path(folder)), "top-down folder not found",
                            "a folder with services.csv, frame.yaml and optionally items.csv and targets.csv",
                            "check the path (see data/topdown_2024 for an example)")
    doc = read_yaml(folder / "frame.yaml", display_path(folder / "frame.yaml"))
    frame = load_frame(doc.data, doc.file, line_of=doc.line_of, word_of=doc.words.get)
    _check_year(year, frame.base_year, doc)
    items_path, services_path = _table_path(folder, "items"), _table_path(folder, "services")
    items = _table(items_path) if items_path.is_file() else pd.DataFrame(
        columns=["service", "kind", "amount", "source"])
    data = TopDownData(year=year, services=_table(services_path), items=items, frame=frame,
                       files={"services": display_path(services_path), "items": display_path(items_path)})
    services = set(check_services(data)["service"].astype(str))
    if len(items):
        check_items(data, services)
    targets_path = _table_path(folder, "targets")
    if not targets_path.is_file():
        return data, None
    targets = _table(targets_path)
    check_targets(targets, services, display_path(targets_path))
    return data, targets


def _check_year(year: int, base_year: int, doc: LocatedDocument) -> None:
    """A top-down folder describes one base year: the frame's ``base_year``."""
    if year != base_year:
        raise InputError.at(Location(file=doc.file, line=doc.line_of("base_year"), path="base_year"),
                            f"the folder describes {base_year}, not {year} (--year)",
                            f"--year {base_year}, the base year of the frame and the figures in the folder",
                            f"run with --year {base_year}, or use a folder made for {year}")
