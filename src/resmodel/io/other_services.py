"""Reading ``other_services.csv``: the board's services besides the engine's, as volume × average
cost (docs/projection.md, "Other services"). Optional: a data folder without it projects the engine's services only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, Warning_
from resmodel.io.dictionary import OTHER_SERVICES
from resmodel.io.scenario import display_path
from resmodel.io.tables import read_table
from resmodel.params.ranges import DIGIT, TKR, Floor, below_floor

STEM = "other_services"  # other_services.csv or other_services.xlsx, as the data folder's other tables
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
#: a volume unit counted in people or places ('platser (snitt per dygn)', 'dygnsplatser', 'dagliga deltagare'): a
#: person's or a place's year, whatever time word it holds too (diff review: such units escaped the floor)
#: — Swedish words also inside compounds, English ones whole ('placement days' are days, not places: code review)
COUNTED_UNIT = (r"(?i)plats|person|brukare|deltagare|elev|barn|hushåll"
                r"|\b(?:places?|users?|participants?|pupils?|child(?:ren)?|households?)\b")
#: a volume unit of time or visits ('hours (per year)', 'ledsagartimmar', 'vistelsedygn', 'nätter', 'besök'): its cost
#: per unit is a price, not a person's or a place's year, so the per-unit floor does not apply (diff review: 'avlosning,
#: hours (per year),12000,380' was told to write 380 000, costing the line 1 000 times too much)
MEASURED_UNIT = r"(?i)hour|tim|day|dygn|dag|natt|nätt|night|visit|besök"


def read_other_services(folder: Path) -> tuple[pd.DataFrame | None, str]:
    """The validated table (index = spreadsheet row) and its display path; ``None`` when absent. CSV or .xlsx as the
    data folder's other tables (privacy audit: an other_services.xlsx was passed over without a word, and the run
    failed on a frame rule for the services it holds); both at once is an error."""
    found = [Path(folder) / f"{STEM}{suffix}" for suffix in (".csv", ".xlsx") if (Path(folder) / f"{STEM}{suffix}").is_file()]
    if len(found) == 2:
        raise InputError.at(Location(file=display_path(found[1])), f"the data folder has both {STEM}.csv and "
                            f"{STEM}.xlsx", f"one {STEM} table, as CSV or as .xlsx",
                            "remove or rename the file that is not current")
    if not found:
        return None, display_path(Path(folder) / f"{STEM}.csv")
    display = display_path(found[0])
    return read_table(found[0], OTHER_SERVICES, display), display


def volume_kinds(units: pd.Series) -> pd.Series:
    """What each line's volume unit counts: 'lump' (its whole net cost), 'counted' (people or places: a year each) or
    'measured' (hours, days, visits: a price) — a count word wins over a time word ('platser (snitt per dygn)')."""
    text = units.astype(str)
    lump = text.str.contains(LUMP_WORD, case=False, regex=False)
    measured = text.str.contains(MEASURED_UNIT, regex=True) & ~text.str.contains(COUNTED_UNIT, regex=True)
    return pd.Series(np.select([lump, measured], ["lump", "measured"], "counted"), index=units.index)


def low_cost_warnings(table: pd.DataFrame, display: str) -> list[Warning_]:
    """A warning (average_cost_low) at each line whose average cost is above 0 but below the floor of what it counts
    — a lump's or a person's or place's, none for hours, days or visits — with the readings that land in range. A
    warning, not a refusal: a small board's contact-person fees may truly be so low, and a refusal left no way to
    enter them (diff review); the tkr slip it is for is named at its cell."""
    unit = next(c.unit for c in OTHER_SERVICES.columns if c.name == "average_cost")
    cost = table["average_cost"].astype(float)
    kind = volume_kinds(table["volume_unit"])
    floors = kind.map({"lump": LUMP_FLOOR.low, "counted": PER_UNIT_FLOOR.low, "measured": 0.0})
    found = []
    for row in table.index[(cost.gt(0) & cost.lt(floors)).to_numpy()]:
        floor, what = (LUMP_FLOOR, "the lump ") if kind[row] == "lump" else (PER_UNIT_FLOOR, "")
        problem, expected, fix = below_floor(f"the average cost {{v}} of {what}'{table.at[row, 'service']}'",
                                             float(cost[row]), unit, floor)
        found.append(Warning_("average_cost_low", Location(display, row=int(row), column="average_cost"),
                              f"{problem}; expected {expected}. {fix[0].upper()}{fix[1:]} — or leave it if the "
                              "amount is right"))
    return found
