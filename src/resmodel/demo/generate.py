"""Seeded generator of the synthetic demo municipality (*demokommun*).

No real person's data: ids are pseudonymous and every attribute is drawn from distributions
chosen so that aggregates land on the calibration targets of model.md §6 (facts ids below).
The roster is the engine's need per unit times a random staffing deviation, so staffing gaps
look like a real board's: mostly small, some units clearly over or under."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from resmodel.allocation.engine import Municipality, allocate
from resmodel.allocation.staff_cost import SERVICE_ROLES
from resmodel.params.tree import Snapshot

BASE_DATE = dt.date(2024, 12, 31)
DV_USERS = 1030  # stock at 2024-12-31; 2024 average ≈ 1 002 (F0174)
DV_UNITS, DV_PREMISES = 77, 40  # F0344, F0345
DV_LEVEL_MIX = (0.10, 0.15, 0.18, 0.17, 0.15, 0.12, 0.08, 0.05)
DV_HOURS = ((10, 15, 20, 25, 30, 35), (0.05, 0.10, 0.20, 0.25, 0.25, 0.15))
ADULT_LEVEL_MIX = (0.06, 0.12, 0.17, 0.20, 0.19, 0.14, 0.097, 0.023)
CHILD_RESIDENTS = 15  # F0158
EXTERNAL_ADULT, EXTERNAL_CHILD = 26, 2  # F0302, F0301
SFB_CASES, SFB_OWN = 435, 56  # F0181; own-provider cases sized to FK revenue F0290
LSS_CASES, LSS_OWN = 140, 56

#: yearly average volumes 2015–2024 by service (facts where given, interpolated otherwise)
YEARLY_VOLUME = {
    "daglig_verksamhet": (600, 630, 662, 696, 735, 775, 815, 880, 943, 1002),  # F0374, F0174, ~+50/yr F0348
    "bostad_vuxna": (410, 418, 426, 434, 441, 447, 452, 455, 459, 452),  # 2023→2024 −7 (F0152)
    "bostad_barn": (4, 4, 5, 5, 5, 5, 5, 8, 11, 15),  # 2021: 5 (F0157), 2024: 15 (F0158)
    "externa_platser": (17, 18, 19, 20, 21, 22, 23, 24, 25, 28),  # 2024: 26 + 2 (F0302, F0301)
    "personlig_assistans_sfb": (402, 398, 392, 386, 381, 377, 374, 380, 405, 435),  # F0181, law change F0471
    "personlig_assistans_lss": (150, 149, 148, 147, 146, 145, 144, 143, 141, 140),
    "boendestod": (520, 560, 600, 640, 690, 740, 790, 830, 865, 953),  # F0489, F0206
    "sarskilt_boende_sol": (96, 98, 100, 102, 104, 105, 107, 108, 106, 102),  # F0490, F0203
}


def _ids(prefix: str, n: int, start: int = 1) -> list[str]:
    return [f"{prefix}{i:04d}" for i in range(start, start + n)]


def _premises_and_units(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    premises, units = [], []
    # daily activity: 77 units on 40 premises; the last 6 premises suit levels 7–8 only
    per_premises = np.full(DV_PREMISES, DV_UNITS // DV_PREMISES)
    per_premises[: DV_UNITS - per_premises.sum()] += 1
    unit_no = 0
    for p, n_units in enumerate(per_premises, start=1):
        high = p > DV_PREMISES - 6
        pid = f"L-DV{p:03d}"
        capacity = int(n_units * 16 + rng.integers(0, 4))
        rent = float(np.round(rng.uniform(650_000, 1_450_000) * (1.3 if high else 1.0), -3))
        premises.append((pid, "dv_lokal", capacity, rent, 6 if high else 1, 8 if high else 6))
        for _ in range(n_units):
            unit_no += 1
            units.append((f"DV{unit_no:03d}", f"Daglig verksamhet {unit_no}", "daglig_verksamhet", "egen",
                          f"DV sektion {1 + (unit_no - 1) // 8}", pid, None, None, None, None, None))
    # adult housing: group homes (one premises each) and service flats
    for g in range(1, 61):
        top = g <= 4  # four homes built for the highest level, fewer residents, more staff
        pid = f"L-GB{g:03d}"
        premises.append((pid, "gruppbostad", 4 if top else 6, float(np.round(rng.uniform(420_000, 780_000), -3)),
                         6 if top else 1, 8 if top else 7))
        units.append((f"GB{g:03d}", f"Gruppbostad {g}", "bostad_vuxna", "egen", f"Bostad sektion {1 + (g - 1) // 10}",
                      pid, "gruppbostad", 3.0 if top else 2.0, 2.0, 1.0, 0.0))
    for s in range(1, 21):
        pid = f"L-SB{s:03d}"
        premises.append((pid, "servicebostad", 9, float(np.round(rng.uniform(300_000, 600_000), -3)), 1, 5))
        units.append((f"SB{s:03d}", f"Servicebostad {s}", "bostad_vuxna", "egen", f"Bostad sektion {7 + (s - 1) // 10}",
                      pid, "servicebostad", 1.0, 1.0, 0.0, 1.0))
    for b in range(1, 5):
        pid = f"L-BB{b:03d}"
        premises.append((pid, "barnboende", 4, float(np.round(rng.uniform(450_000, 700_000), -3)), 1, 8))
        units.append((f"BB{b:03d}", f"Barnboende {b}", "bostad_barn", "egen", "Barn sektion 1", pid, "barnboende",
                      3.0, 3.0, 2.0, 0.0))
    units += [
        ("EXT-VUXEN", "Externa platser vuxna", "externa_platser", "extern", "Köpta platser", None, None, None, None, None, None),
        ("EXT-BARN", "Externa platser barn", "externa_platser", "extern", "Köpta platser", None, None, None, None, None, None),
        ("PA-EGEN", "Personlig assistans egen regi", "personlig_assistans", "egen", "Assistans", None, None, None, None, None, None),
        ("PA-EXTERN", "Personlig assistans externa utförare", "personlig_assistans", "extern", "Assistans", None, None,
         None, None, None, None),
    ]
    p_cols = ["premises_id", "kind", "capacity", "annual_rent", "min_level", "max_level"]
    u_cols = ["unit_id", "name", "service", "regi", "section", "premises_id", "housing_type", "day_staff",
              "evening_staff", "night_awake_staff", "night_sleeping_staff"]
    return pd.DataFrame(premises, columns=p_cols), pd.DataFrame(units, columns=u_cols)


def _dates(rng: np.random.Generator, n: int, first_year: int) -> list[dt.date]:
    start = dt.date(first_year, 1, 1).toordinal()
    return [dt.date.fromordinal(int(d)) for d in rng.integers(start, BASE_DATE.toordinal(), n)]


#: the age from which a service is given: daily activity (LSS 9 § 10, people of working age), adult housing and
#: adults' external places are for adults; the demo had 172 daily-activity users starting as children
ADULT_AGE = 18


def _not_before(date: dt.date, first_year: int, earliest_year: int) -> dt.date:
    """A start date drawn from first_year on, moved (same relative place, no new draw) into the years from
    earliest_year (the user's birth, or the year they come of age for an adults' service) when it fell before."""
    if date.year >= earliest_year or earliest_year <= first_year:
        return date
    lo, start, end = dt.date(first_year, 1, 1).toordinal(), dt.date(earliest_year, 1, 1).toordinal(), BASE_DATE.toordinal()
    return dt.date.fromordinal(start + (date.toordinal() - lo) * (end - start) // (end - lo))


def _users(seed: int, units: pd.DataFrame, premises: pd.DataFrame) -> pd.DataFrame:
    """Users per service, each service from its own random stream so tuning one leaves the rest unchanged."""
    rows = []
    rng = np.random.default_rng([seed, 1])
    # daily activity: levels 7–8 go to units on high-level premises, others spread over the rest
    levels = rng.choice(np.arange(1, 9), size=DV_USERS, p=DV_LEVEL_MIX)
    dv = units[units["service"] == "daglig_verksamhet"]
    high = dv["premises_id"].map(premises.set_index("premises_id")["min_level"]) >= 6
    high_units, low_units = dv["unit_id"][high].to_numpy(), dv["unit_id"][~high].to_numpy()
    hours = rng.choice(DV_HOURS[0], size=DV_USERS, p=DV_HOURS[1]).astype(float)
    for lvl, h in zip(levels, hours, strict=True):
        unit = rng.choice(high_units) if lvl >= 7 else rng.choice(low_units)
        rows.append(("daglig_verksamhet", unit, int(lvl), h, None, int(rng.integers(1958, 2006))))
    # adult housing: highest levels in the four homes built for them
    rng = np.random.default_rng([seed, 2])
    gb = units[units["housing_type"] == "gruppbostad"]["unit_id"].to_numpy()
    sb = units[units["housing_type"] == "servicebostad"]["unit_id"].to_numpy()
    slots = [u for u in gb[:4] for _ in range(3)] + [u for u in gb[4:] for _ in range(5)] + \
            [u for u in sb for _ in range(8)]
    n_adult = len(slots)
    adult_levels = np.sort(rng.choice(np.arange(1, 8), size=n_adult - 12, p=np.array(ADULT_LEVEL_MIX[:7]) /
                                      sum(ADULT_LEVEL_MIX[:7])))
    top = [8] * 12  # the four top homes hold 12 residents at level 8
    gb_rest = [u for u in gb[4:] for _ in range(5)]
    sb_slots = [u for u in sb for _ in range(8)]
    # service flats take the lowest levels, group homes the rest
    low, rest = adult_levels[: len(sb_slots)], adult_levels[len(sb_slots):]
    for unit, lvl in zip([u for u in gb[:4] for _ in range(3)], top, strict=True):
        rows.append(("bostad_vuxna", unit, lvl, None, None, int(rng.integers(1965, 2003))))
    for unit, lvl in zip(rng.permutation(gb_rest), rest, strict=True):
        rows.append(("bostad_vuxna", unit, int(lvl), None, None, int(rng.integers(1950, 2004))))
    for unit, lvl in zip(rng.permutation(sb_slots), low, strict=True):
        rows.append(("bostad_vuxna", unit, int(lvl), None, None, int(rng.integers(1955, 2004))))
    bb = units[units["housing_type"] == "barnboende"]["unit_id"].to_numpy()
    rng = np.random.default_rng([seed, 3])
    for i in range(CHILD_RESIDENTS):
        rows.append(("bostad_barn", bb[i % len(bb)], int(rng.choice([4, 5, 6, 7, 8], p=[0.15, 0.25, 0.3, 0.2, 0.1])),
                     None, None, int(rng.integers(2007, 2018))))
    for _ in range(EXTERNAL_ADULT):
        rows.append(("externa_platser", "EXT-VUXEN", None, None, float(np.round(rng.uniform(4_500, 9_800), -1)),
                     int(rng.integers(1960, 2004))))
    for _ in range(EXTERNAL_CHILD):
        rows.append(("externa_platser", "EXT-BARN", None, None, float(np.round(rng.uniform(8_000, 12_500), -1)),
                     int(rng.integers(2008, 2016))))
    rng = np.random.default_rng([seed, 4])
    sfb_hours = np.minimum(np.round(rng.gamma(9.0, 88.0 / 9.0, SFB_CASES) + 20.5), 300.0)
    for i, h in enumerate(sfb_hours):
        rows.append(("personlig_assistans_sfb", "PA-EGEN" if i < SFB_OWN else "PA-EXTERN", None, float(h), None,
                     int(rng.integers(1945, 2020))))
    lss_hours = np.clip(np.round(rng.gamma(4.0, 18.0 / 4.0, LSS_CASES)), 2, 60)
    for i, h in enumerate(lss_hours):
        rows.append(("personlig_assistans_lss", "PA-EGEN" if i < LSS_OWN else "PA-EXTERN", None, float(h), None,
                     int(rng.integers(1950, 2022))))
    frame = pd.DataFrame(rows, columns=["service", "unit_id", "level", "weekly_hours", "day_price", "birth_year"])
    rng = np.random.default_rng([seed, 5])
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    frame.insert(0, "user_id", _ids("U", len(frame)))
    first_year = np.where(frame["service"] == "bostad_barn", 2019, 2005)
    drawn = [_dates(rng, 1, int(fy))[0] for fy in first_year]
    adult = frame["service"].isin(["daglig_verksamhet", "bostad_vuxna"]) | (frame["unit_id"] == "EXT-VUXEN")
    earliest = frame["birth_year"] + np.where(adult, ADULT_AGE, 0)
    frame["start_date"] = [_not_before(d, int(fy), int(ey)) for d, fy, ey in zip(drawn, first_year, earliest, strict=True)]
    assessed = []
    for service, start in zip(frame["service"], frame["start_date"], strict=True):
        if service in ("daglig_verksamhet", "bostad_vuxna", "bostad_barn"):
            lo = max(start.toordinal(), dt.date(2022, 9, 1).toordinal())
            assessed.append(dt.date.fromordinal(int(rng.integers(lo, BASE_DATE.toordinal() + 1))))
        else:
            assessed.append(None)
    frame["level_assessed"] = assessed
    frame["level"] = frame["level"].astype("Int64")
    return frame


def _roster(rng: np.random.Generator, data: Municipality, snapshot: Snapshot) -> pd.DataFrame:
    """Roster = need × a staffing deviation (sd 8 %), split over roles, rounded to 0.25 FTE."""
    need = allocate(data, snapshot).units
    rows = []
    for unit in need.itertuples():
        if unit.regi != "egen" or unit.fte_required <= 0:
            continue
        fte = unit.fte_required * float(rng.normal(1.0, 0.08))
        roles = SERVICE_ROLES[unit.service]
        shares = [snapshot[f"{unit.service}.role_mix.{r}"] for r in roles] if len(roles) > 1 else [1.0]
        for role, share in zip(roles, shares, strict=True):
            rows.append((unit.unit_id, role, max(0.25, round(fte * share * 4) / 4)))
    return pd.DataFrame(rows, columns=["unit_id", "role", "fte"])


def _volume_history(rng: np.random.Generator, users: pd.DataFrame) -> pd.DataFrame:
    """Monthly average volumes 2015–2024 by service (and level for level services), ending at the
    users' December 2024 stock; level mix drifts towards the current one; new daily-activity
    decisions cluster in August–September when school leavers start (F0347)."""
    months = pd.period_range("2015-01", "2024-12", freq="M")
    rows = []
    for service, yearly in YEARLY_VOLUME.items():
        yearly = np.asarray(yearly, dtype=float)
        # monthly path: interpolate between mid-year averages, then add seasonality and noise
        t = np.arange(len(months)) / 12.0
        mid = np.arange(len(yearly)) + 0.5
        path = np.interp(t, mid, yearly, left=None, right=None)
        path = path + np.where(t > mid[-1], (t - mid[-1]) * (yearly[-1] - yearly[-2]), 0.0)
        if service == "daglig_verksamhet":
            month_of_year = np.arange(len(months)) % 12
            path = path + np.where(month_of_year >= 7, 0.6, -0.45) * (yearly[-1] - yearly[-2]) / 12 * 6
        noise = rng.normal(0.0, max(0.6, 0.004 * yearly.mean()), len(months))
        path = np.maximum(path + noise, 0.0)
        current = users[users["service"] == service]
        if len(current):  # anchor December 2024 to the users' stock, ramping the correction over 2024
            path[-12:] += np.linspace(0.0, len(current) - path[-1], 12)
        if service in ("daglig_verksamhet", "bostad_vuxna", "bostad_barn"):
            stock_mix = current["level"].value_counts(normalize=True).reindex(range(1, 9), fill_value=0).to_numpy()
            shifted = stock_mix + 0.25 * np.r_[stock_mix[1:], 0.0]  # 2015: more mass on lower levels
            old_mix = shifted / shifted.sum()
            for i, month in enumerate(months):
                w = i / (len(months) - 1)
                mix = (1 - w) * old_mix + w * stock_mix
                counts = path[i] * mix / mix.sum()
                for lvl in range(8):
                    rows.append((str(month), service, lvl + 1, round(float(counts[lvl]), 2)))
        else:
            for i, month in enumerate(months):
                rows.append((str(month), service, None, round(float(path[i]), 2)))
    frame = pd.DataFrame(rows, columns=["month", "service", "level", "volume"])
    frame["level"] = frame["level"].astype("Int64")
    return frame


def generate(seed: int, snapshot: Snapshot) -> dict[str, pd.DataFrame]:
    """All demo tables, deterministic for a seed and parameter snapshot."""
    rng = np.random.default_rng(seed)
    premises, units = _premises_and_units(rng)
    users = _users(seed, units, premises)
    data = Municipality(premises, units, users, pd.DataFrame(columns=["unit_id", "role", "fte"]))
    staff = _roster(rng, data, snapshot)
    history = _volume_history(rng, users)
    return {"premises": premises, "units": units, "users": users, "staff": staff, "volume_history": history}
