"""Demo attendance schedules (*beläggningsschema*) for the two daily-activity units in one premises
and a staff schedule (*arbetsschema*) for one of them, for the shift plan (``attendance_DV001.csv``,
``attendance_DV002.csv``, ``roster_DV001.csv``).

Synthetic, like the rest of the demo: each user of the unit attends their time extent from
users.csv (weekly_hours): 25 hours or more spread over the five weekdays, less on as many 5-hour days
as it takes, arriving at 08:00, 08:30 or 09:00 (drawn with the seed). The source documents give no
schedules: the occupancy-schedule template (seed 002:899-909) is described, not published.

The roster is the kind of fixed schedule the sources say was being rebuilt from the needs
assessments (brief §8.2, 001:1786-1793): seven full-time staff (staff.csv has 7.25 FTE) on whole-week shifts,
everyone on 07:30–16:00 or 08:30–17:00, breaks at 11:30 or 12:00. It is not fitted to the
attendance, so the shift plan has something to find."""

from __future__ import annotations

import numpy as np
import pandas as pd

from resmodel.planning.shifts import WEEKDAYS, WORKDAYS, clock

DEMO_UNIT = "DV001"
POOLED_UNITS = ("DV001", "DV002")  # the two units in premises L-DV001: attendance for both, a roster for DV001
ARRIVALS = (8 * 60, 8 * 60 + 30, 9 * 60)  # minutes after midnight
#: (start, end, break start, break end, staff on it every weekday) — 7 full-time staff on the schedule
#: (staff.csv has 7.25 FTE for the unit)
ROSTER_SHIFTS = (("07:30", "16:00", "11:30", "12:00", 3), ("08:30", "17:00", "12:00", "12:30", 4))


def demo_attendance(users: pd.DataFrame, seed: int, unit_id: str = DEMO_UNIT) -> pd.DataFrame:
    """One row per user and weekday attended; levels are left to users.csv."""
    rng = np.random.default_rng([seed, int(unit_id.removeprefix("DV"))])
    unit = users[(users["unit_id"] == unit_id) & (users["service"] == "daglig_verksamhet")].sort_values("user_id")
    rows = []
    for user in unit.itertuples():
        hours = float(user.weekly_hours)
        days = 5 if hours >= 25 else max(1, round(hours / 5))
        daily = round(hours / days * 2) / 2  # half hours
        chosen = WORKDAYS if days == 5 else tuple(sorted(rng.choice(5, size=days, replace=False)))
        arrival = ARRIVALS[int(rng.integers(len(ARRIVALS)))]
        for day in chosen:
            key = day if isinstance(day, str) else WORKDAYS[int(day)]
            rows.append({"user_id": user.user_id, "weekday": key, "start": clock(arrival),
                         "end": clock(arrival + int(daily * 60)), "level": None})
    order = {d: i for i, d in enumerate(WEEKDAYS)}
    table = pd.DataFrame(rows)
    return table.sort_values(["weekday", "user_id"], key=lambda c: c.map(order) if c.name == "weekday" else c,
                             kind="stable").reset_index(drop=True)


def demo_roster() -> pd.DataFrame:
    """The fixed demo schedule, one row per staff member and weekday."""
    rows = []
    number = 0
    for start, end, brk, brk_end, staff in ROSTER_SHIFTS:
        for _ in range(staff):
            number += 1
            rows.extend({"staff_id": f"P{number:02d}", "weekday": day, "start": start, "end": end,
                         "break_start": brk, "break_end": brk_end} for day in WORKDAYS)
    return pd.DataFrame(rows)
