"""Reading a top-down board (service-level volumes and average costs, items, frame, optional
published targets) from a folder: located errors, personal numbers refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from resmodel.budget.frame import load_frame
from resmodel.budget.topdown import TopDownData
from resmodel.errors import InputError, Location
from resmodel.io.pnr import check_frame_for_pnr
from resmodel.io.scenario import display_path
from resmodel.io.tables import read_raw
from resmodel.io.yamlio import read_yaml


def _table(path: Path) -> pd.DataFrame:
    display = display_path(path)
    frame = read_raw(path, display)
    check_frame_for_pnr(frame, display)
    frame = frame.reset_index(drop=True)
    for column in frame.columns:  # numbers where every cell is numeric, text otherwise
        numbers = pd.to_numeric(frame[column], errors="coerce")
        if numbers.notna().sum() == frame[column].fillna("").str.strip().ne("").sum():
            frame[column] = numbers
    return frame


def read_topdown(folder: Path, year: int) -> tuple[TopDownData, pd.DataFrame | None]:
    """services.csv, items.csv (optional), frame.yaml and targets.csv (optional) of one base year."""
    if not folder.is_dir():
        raise InputError.at(Location(file=display_path(folder)), "top-down folder not found",
                            "a folder with services.csv, frame.yaml and optionally items.csv and targets.csv",
                            "check the path (see data/topdown_2024 for an example)")
    doc = read_yaml(folder / "frame.yaml", display_path(folder / "frame.yaml"))
    frame = load_frame(doc.data, doc.file, line_of=doc.line_of)
    items_path = folder / "items.csv"
    items = _table(items_path) if items_path.is_file() else pd.DataFrame(
        columns=["service", "kind", "amount", "source"])
    data = TopDownData(year=year, services=_table(folder / "services.csv"), items=items, frame=frame,
                       files={"services": display_path(folder / "services.csv"), "items": display_path(items_path)})
    targets_path = folder / "targets.csv"
    return data, (_table(targets_path) if targets_path.is_file() else None)
