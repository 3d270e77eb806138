"""Reading ``other_services.csv``: the board's services besides the engine's, as volume × average
cost (docs/projection.md, "Other services"). Optional: a data folder without it projects the engine's services only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from resmodel.io.dictionary import OTHER_SERVICES
from resmodel.io.scenario import display_path
from resmodel.io.tables import read_table

FILE = "other_services.csv"


def read_other_services(folder: Path) -> tuple[pd.DataFrame | None, str]:
    """The validated table (index = spreadsheet row) and its display path; ``None`` when absent."""
    path = Path(folder) / FILE
    display = display_path(path)
    if not path.is_file():
        return None, display
    return read_table(path, OTHER_SERVICES, display), display
