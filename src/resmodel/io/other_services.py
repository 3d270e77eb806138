"""Reading ``other_services.csv``: the board's services besides the engine's, as volume × average
cost (docs/projection.md, "Other services"). Optional: a data folder without it projects the engine's services only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from resmodel.errors import Location, ProblemCollector
from resmodel.io.dictionary import OTHER_SERVICES
from resmodel.io.scenario import display_path
from resmodel.io.tables import read_table
from resmodel.params.ranges import TKR, Floor, below_floor

FILE = "other_services.csv"
#: an average cost above 0 but below this is a sum typed in tkr (412.5 for 412 500 SEK), blamed before on the frame
#: of its area (frame_scale) or not at all: the demo's least, 57 023 SEK a person a year (boendestod, F0206 and
#: F0492), is 57 times it, and any average cost below 1 MSEK typed in tkr falls under it
AVERAGE_COST_FLOOR = Floor(1_000, 1e10, "a net cost per volume unit and year in SEK (kronor): 1 000 is under 3 SEK "
                                        "a day, 1/57 of the demo's least (57 023 SEK a person, boendestod); a line "
                                        "with no net cost writes 0", (TKR,))


def read_other_services(folder: Path) -> tuple[pd.DataFrame | None, str]:
    """The validated table (index = spreadsheet row) and its display path; ``None`` when absent."""
    path = Path(folder) / FILE
    display = display_path(path)
    if not path.is_file():
        return None, display
    table = read_table(path, OTHER_SERVICES, display)
    _refuse_low_costs(table, display)
    return table, display


def _refuse_low_costs(table: pd.DataFrame, display: str) -> None:
    """Every row whose average cost is above 0 but below AVERAGE_COST_FLOOR, refused at its cell with the tkr reading."""
    unit = next(c.unit for c in OTHER_SERVICES.columns if c.name == "average_cost")
    cost = table["average_cost"].astype(float)
    low = cost.gt(0) & cost.lt(AVERAGE_COST_FLOOR.low)
    problems = ProblemCollector()
    for row in table.index[low.to_numpy()]:
        problems.add(Location(display, row=int(row), column="average_cost"),
                     *below_floor(f"the average cost {{v}} of '{table.at[row, 'service']}'", float(cost[row]), unit,
                                  AVERAGE_COST_FLOOR))
    problems.raise_if_any()
