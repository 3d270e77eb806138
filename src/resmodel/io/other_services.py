"""Reading ``other_services.csv``: the board's services besides the engine's, as volume × average
cost (docs/projection.md, "Other services"). Optional: a data folder without it projects the engine's services only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from resmodel.errors import Location, ProblemCollector
from resmodel.io.dictionary import OTHER_SERVICES
from resmodel.io.scenario import display_path
from resmodel.io.tables import read_table
from resmodel.params.ranges import DIGIT, TKR, Floor, below_floor

FILE = "other_services.csv"
#: the least net cost a line's volume unit can have, by what the line is. A person or place (or any counted unit):
#: 10 000 SEK a year is under 200 SEK a week, about half an hour of support a week at the demo's 363.54 SEK per staff
#: hour (F0492), under a fifth of the demo's least (boendestod, 3 hours a week: 57 023 SEK, F0206 and F0492). With
#: the floor at 1 000, 'Externa platser SoL;platser;4;1 400' (1.4 MSEK a place, in tkr) cost 5 600 SEK without a
#: word (Norrstad walk). A value read back lands at most at 20 MSEK a unit, above the dearest per-user cost of the
#: sources (almost 12 MSEK a user-year at the highest housing level, F0155)
PER_UNIT_FLOOR = Floor(10_000, 20_000_000, "a net cost per volume unit (a person, a place) and year in SEK (kronor): "
                                           "10 000 is under 200 SEK a week, about half an hour of support a week at "
                                           "363.54 SEK per staff hour (F0492), under a fifth of the demo's least "
                                           "(57 023 SEK a person, boendestod); a line with no net cost writes 0, one "
                                           "whose units cost less is a lump (volume_unit 'lump', volume 1, its whole "
                                           "net cost)", (TKR, DIGIT))
#: a lump — a line whose volume_unit says so: 'lump (area)', Swedish 'klumpsumma'; its volume is 1, as the data
#: dictionary says — is the net cost of a whole area or activity in a year: 100 000 SEK is under a fifth of one
#: full-time post (28 000 SEK a month × 12 × 1.45 for PO ≈ 490 000), and the demo's least lump is 188.4 MSEK. A lump
#: is copied from the accounts, which are kept in tkr: a lump in tkr (Norrstad walk: 18 500 for 18.5 MSEK) was
#: before caught only by the frame's frame_scale, which blamed the frame; tkr is the one reading offered
LUMP_FLOOR = Floor(100_000, 1e10, "a lump's net cost a year in SEK (kronor): 100 000 is under a fifth of one "
                                  "full-time post's cost (28 000 SEK a month × 12 × 1.45 PO ≈ 490 000), no area's or "
                                  "activity's net cost (the demo's least lump: 188.4 MSEK); a line with no net cost "
                                  "writes 0", (TKR,))
LUMP_WORD = "lump"  # in volume_unit: 'lump', 'lump (area)', 'klumpsumma'
#: a volume unit of time or visits ('hours (per year)', 'timmar', 'dygn', 'besök'): its cost per unit is a price, not a
#: person's or a place's year, so the per-unit floor does not apply (diff review: 'avlosning,hours (per year),12000,
#: 380' was refused and told to write 380 000, costing the line 1 000 times too much)
MEASURED_UNIT = r"(?i)\b(?:hour|tim|day|dygn|dag|visit|besök)"


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
    """Every row whose average cost is above 0 but below its floor — a lump's or a counted unit's (not one of hours,
    days or visits) — refused at its cell with the tkr reading."""
    unit = next(c.unit for c in OTHER_SERVICES.columns if c.name == "average_cost")
    cost = table["average_cost"].astype(float)
    lump = table["volume_unit"].astype(str).str.contains(LUMP_WORD, case=False, regex=False)
    measured = table["volume_unit"].astype(str).str.contains(MEASURED_UNIT, regex=True) & ~lump
    low = cost.gt(0) & cost.lt(lump.map({True: LUMP_FLOOR.low, False: PER_UNIT_FLOOR.low})) & ~measured
    problems = ProblemCollector()
    for row in table.index[low.to_numpy()]:
        floor, kind = (LUMP_FLOOR, "the lump ") if lump[row] else (PER_UNIT_FLOOR, "")
        problems.add(Location(display, row=int(row), column="average_cost"),
                     *below_floor(f"the average cost {{v}} of {kind}'{table.at[row, 'service']}'", float(cost[row]),
                                  unit, floor))
    problems.raise_if_any()
