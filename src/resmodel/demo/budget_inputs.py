"""Seeded generator of the demo municipality's monthly actuals 2019–2024 (net cost and volume per
report area), the yearly frame per area, and the known volume changes — the input of the in-year
forecast and its backtest (resmodel.budget.inyear). Pure: returns DataFrames, writes nothing.

The numbers are synthetic but shaped like a large board (facts.csv): total net cost about 2.7
billion SEK in 2024 (F0110), daily activity from 820 users in 2019 (our own starting value) to 1 002 (F0174) at about 300 000 SEK
per user (F0370), housing support rising to 953 persons (F0206), SFB cases to 435 (F0181).
Seasonality: daily-activity units merge while users take two weeks off between weeks 26 and 32
(F0356), so July is cheap; 24-hour services pay holiday substitutes and the holiday supplement in
summer; year-end bookings lift December; the annual wage revision from April is paid in May.
Each area-year may carry an in-year drift from a random month (a cost trend that a run rate
cannot see early), and 2024 deteriorates after August in housing and assistance — as the real
2024 did after an interim forecast of balance (F0111, F0123, F0125)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from resmodel.budget.areas import AREA_KEYS

YEARS = tuple(range(2019, 2025))

#: yearly average volume per area (users/places/cases; 0 = no volume measure)
VOLUME = {
    "lss_boende": (520, 527, 534, 540, 548, 553),          # adult + child homes + external places
    "daglig_verksamhet": (820, 850, 876, 902, 943, 1002),  # F0374 (2023), F0174 (2024)
    "personlig_assistans": (527, 522, 518, 523, 546, 575),  # SFB + LSS cases; SFB 435 in 2024 (F0181)
    "ovriga_lss": (410, 405, 398, 402, 415, 420),
    "ovrig_vard_omsorg": (796, 847, 898, 938, 971, 1055),  # housing support 953 (F0206) + SoL places 102 (F0203)
    "forvaltningsovergripande": (0, 0, 0, 0, 0, 0),
}

#: net cost per volume unit and year in 2024 (SEK; area lump for administration-wide)
RATE_2024 = {
    "lss_boende": 1_900_000,
    "daglig_verksamhet": 300_000,   # ≈ F0370 (300 995 in 2023)
    "personlig_assistans": 975_000,
    "ovriga_lss": 430_000,
    "ovrig_vard_omsorg": 445_000,
    "forvaltningsovergripande": 150_000_000,
}

#: annual growth of the rate (wages and prices), 2020 … 2024
RATE_GROWTH = (0.025, 0.028, 0.035, 0.055, 0.040)

#: monthly shape of the rate per area (normalised to mean 1 below)
SHAPE = {
    "lss_boende":        (0.98, 0.96, 0.98, 0.98, 1.01, 1.03, 1.10, 1.05, 0.98, 0.98, 0.98, 1.03),
    "daglig_verksamhet": (1.00, 0.98, 1.01, 1.00, 1.04, 0.98, 0.80, 0.93, 1.03, 1.03, 1.03, 1.12),
    "personlig_assistans": (0.99, 0.97, 0.99, 0.98, 1.01, 1.00, 1.05, 1.01, 0.98, 0.99, 0.99, 1.10),
    "ovriga_lss":        (0.97, 0.96, 0.98, 0.99, 1.00, 1.05, 1.10, 1.02, 0.98, 0.98, 0.98, 1.04),
    "ovrig_vard_omsorg": (0.99, 0.97, 0.99, 0.99, 1.01, 1.00, 1.04, 1.00, 0.99, 0.99, 0.99, 1.06),
    "forvaltningsovergripande": (0.90, 0.95, 1.00, 1.00, 1.02, 1.00, 0.85, 0.95, 1.00, 1.03, 1.05, 1.25),
}
NOISE = {"forvaltningsovergripande": 0.04}
DEFAULT_NOISE = 0.015
WAGE_REVISION = 0.03  # rate step from April (paid retroactively in May)

#: decided volume changes: (year, month effective, area, change, year known, month known)
KNOWN_CHANGES = (
    (2020, 9, "daglig_verksamhet", 12, 2020, 3),
    (2021, 10, "lss_boende", 5, 2021, 1),
    (2022, 9, "daglig_verksamhet", 15, 2022, 4),
    (2023, 3, "ovrig_vard_omsorg", 25, 2022, 12),
    (2023, 9, "daglig_verksamhet", 20, 2023, 3),
    (2024, 4, "lss_boende", 5, 2023, 10),   # a new adult home with five apartments (F0167)
    (2024, 9, "daglig_verksamhet", 20, 2024, 2),
    (2024, 10, "ovrig_vard_omsorg", 30, 2024, 6),
)


def _shape(area: str) -> np.ndarray:
    s = np.asarray(SHAPE[area], dtype=float)
    return s / s.mean()


def _volume_path(area: str, rng: np.random.Generator) -> np.ndarray:
    """Monthly volumes 2019–2024 whose yearly means are VOLUME, with the known steps inside."""
    annual = np.asarray(VOLUME[area], dtype=float)
    if annual.sum() == 0:
        return np.zeros(12 * len(YEARS))
    months = np.arange(12 * len(YEARS))
    centres = np.arange(len(YEARS)) * 12 + 5.5
    path = np.interp(months, centres, annual, left=annual[0] - (annual[1] - annual[0]) * 0.5,
                     right=annual[-1] + (annual[-1] - annual[-2]) * 0.5)
    steps = np.zeros_like(path)
    for (y, m, a, change, _, _) in KNOWN_CHANGES:
        if a == area:
            steps[(y - YEARS[0]) * 12 + m - 1:] += change
    # the steps shape the months inside a year; each year's mean stays exactly on VOLUME
    for i in range(len(YEARS)):
        block = slice(i * 12, i * 12 + 12)
        path[block] += steps[block] - steps[block].mean()
        path[block] += annual[i] - path[block].mean()
    path *= 1.0 + rng.normal(0.0, 0.003, path.shape)
    return np.round(path, 1)


def _rates(area: str, rng: np.random.Generator) -> np.ndarray:
    """Monthly cost per volume unit 2019–2024: yearly level × season × April revision × drift × noise."""
    growth = np.concatenate([[0.0], RATE_GROWTH])
    level = RATE_2024[area] / np.prod(1.0 + np.asarray(RATE_GROWTH)) * np.cumprod(1.0 + growth)
    shape = _shape(area)
    revision = 1.0 + WAGE_REVISION * (np.r_[np.zeros(3), np.ones(9)] - 0.75)
    revision[4] += WAGE_REVISION * 3 / 4 * 0.5  # May: the retroactive April pay, spread May–June
    revision[5] += WAGE_REVISION * 3 / 4 * 0.5
    revision /= revision.mean()
    noise = NOISE.get(area, DEFAULT_NOISE)
    out = []
    for i, year in enumerate(YEARS):
        drift = np.ones(12)
        if rng.uniform() < 0.35:  # an in-year cost trend from some month on
            start = int(rng.integers(3, 11))
            drift[start:] += rng.normal(0.0, 0.03)
        if year == 2024 and area in ("lss_boende", "personlig_assistans"):
            drift[8:] += 0.035  # autumn 2024: the deterioration after the interim forecast
        month_noise = np.exp(rng.normal(0.0, noise, 12))
        out.append(level[i] * shape * revision * drift * month_noise)
    return np.concatenate(out)


def generate_budget_inputs(seed: int) -> dict[str, pd.DataFrame]:
    """{'actuals': year, month, area, cost, volume; 'frames': year, area, frame;
    'known_changes': year, month, area, volume_change, known_year, known_month} for 2019–2024."""
    rng = np.random.default_rng(seed)
    rows, frames = [], []
    for area in AREA_KEYS:
        volume = _volume_path(area, rng)
        basis = np.where(volume > 0, volume, 1.0)
        rate = _rates(area, rng)
        cost = np.round(basis * rate / 12.0)
        for i, year in enumerate(YEARS):
            for m in range(12):
                j = i * 12 + m
                rows.append((year, m + 1, area, float(cost[j]), float(volume[j])))
            planned = VOLUME[area][i] or 1.0
            budget_rate = RATE_2024[area] / np.prod(1.0 + np.asarray(RATE_GROWTH)) * np.prod(
                1.0 + np.asarray((0.0, *RATE_GROWTH))[: i + 1])
            frames.append((year, area, float(np.round(planned * budget_rate * (1.0 + rng.normal(0.0, 0.006))))))
    actuals = pd.DataFrame(rows, columns=["year", "month", "area", "cost", "volume"])
    frames_t = pd.DataFrame(frames, columns=["year", "area", "frame"])
    changes = pd.DataFrame(KNOWN_CHANGES, columns=["year", "month", "area", "volume_change", "known_year",
                                                   "known_month"])
    return {"actuals": actuals, "frames": frames_t, "known_changes": changes}
