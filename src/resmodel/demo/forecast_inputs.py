"""Seeded generator of the forecasting demo inputs, consistent with the demo volume history:

- ``population``: population by age band, observed 2010–2024 and projected 2025–2045;
- ``flows``: yearly flows by service and level with stock_end = stock_start + inflows − outflows
  exactly, stocks equal to the December volumes of the history;
- ``invoice_triangle``: state-assistance (SFB) invoices by service month and reporting month,
  arriving over months, with retroactive batches (fact F0184).

Synthetic throughout. Facts used: F0347 (a quarter of new daily-activity decisions are school
leavers), F0401 (exit at 67), F0081/F0082 (6–14 users a year leave daily activity for work or
studies ≈ 1 % of ~1 000), the municipality's 20 hours a week per SFB case and the state hourly
rate (public_parameters.md). The other rates (moves, deaths, reporting lags, population
structure) are demo assumptions chosen to look plausible, not sourced figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from resmodel.services import LEVEL_SERVICES

AGE_BANDS = ("0-6", "7-15", "16-19", "20-24", "25-29", "30-39", "40-49", "50-59", "60-66", "67-79", "80+")
# demo assumption: age structure of a large Swedish city in 2010 (persons) and yearly growth per band
_POP_2010 = (27_000, 31_000, 13_000, 24_000, 30_000, 50_000, 42_000, 36_000, 22_000, 25_000, 12_000)
_POP_GROWTH = (0.010, 0.016, 0.018, 0.006, 0.008, 0.012, 0.011, 0.009, 0.007, 0.012, 0.010)

# yearly outflow rates by service (demo assumptions except where a fact is named)
_OUT_RATES = {
    "daglig_verksamhet": {"age_exit": 0.020, "work_studies": 0.010, "moves_out": 0.012, "deaths": 0.004},  # work: F0081/F0082
    "bostad_vuxna": {"age_exit": 0.0, "work_studies": 0.0, "moves_out": 0.020, "deaths": 0.018},
    "bostad_barn": {"age_exit": 0.200, "work_studies": 0.0, "moves_out": 0.050, "deaths": 0.0},
    "personlig_assistans_sfb": {"age_exit": 0.015, "work_studies": 0.0, "moves_out": 0.020, "deaths": 0.035},
}
_OUT_DEFAULT = {"age_exit": 0.0, "work_studies": 0.0, "moves_out": 0.06, "deaths": 0.02}
SCHOOL_LEAVER_SHARE = 0.25  # F0347: about a quarter of new daily-activity decisions
MOVES_IN_SHARE = 0.10  # demo assumption: share of inflow that moves in from other municipalities

HOURS_PER_WEEK = 20  # the municipality pays the first 20 hours a week per SFB case (public_parameters.md)
STATE_RATE = {2012: 267, 2013: 275, 2014: 280, 2015: 284, 2016: 288, 2017: 291, 2018: 295.40, 2019: 299.80,
              2020: 304.30, 2021: 315.00, 2022: 319.70, 2023: 324.50, 2024: 332.60}  # public_parameters.md
# demo assumption: share of a month's invoices arriving 1–4 months after the service month; the rest
# arrives 5–24 months later in retroactive batches
_REGULAR_LAGS = {1: 0.55, 2: 0.22, 3: 0.07, 4: 0.04}
_RETRO_LAGS = np.arange(5, 25)


def _population(rng: np.random.Generator) -> pd.DataFrame:
    years = np.arange(2010, 2046)
    rows = []
    for band, base, growth in zip(AGE_BANDS, _POP_2010, _POP_GROWTH, strict=True):
        noise = np.where(years <= 2024, rng.normal(0, 0.004, len(years)), 0.0)
        path = base * np.cumprod(np.r_[1.0, np.full(len(years) - 1, 1 + growth)]) * (1 + noise)
        rows += [(int(y), band, int(round(v)), "observed" if y <= 2024 else "projection") for y, v in zip(years, path, strict=True)]
    return pd.DataFrame(rows, columns=["year", "age_band", "population", "kind"])


def _flows(history: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    h = history.assign(month=pd.to_datetime(history["month"]).dt.to_period("M"))
    rows = []
    for (service, level), g in h.groupby(["service", h["level"].fillna(0)], sort=True):
        vol = g.set_index("month")["volume"].sort_index()
        rates = _OUT_RATES.get(service, _OUT_DEFAULT)
        years = sorted({p.year for p in vol.index})
        for y in years:
            start_month = pd.Period(f"{y - 1}-12", "M") if pd.Period(f"{y - 1}-12", "M") in vol.index else vol.index[0]
            end_month = pd.Period(f"{y}-12", "M")
            if end_month not in vol.index:
                continue
            start, end = int(round(vol[start_month])), int(round(vol[end_month]))
            out = {k: int(rng.binomial(start, r)) if r > 0 else 0 for k, r in rates.items()}
            inflow = end - start + sum(out.values())
            if inflow < 0:  # the stock fell more than the drawn outflows: the rest moved out
                out["moves_out"] -= inflow
                inflow = 0
            school = int(round(SCHOOL_LEAVER_SHARE * inflow)) if service == "daglig_verksamhet" else 0
            moves_in = int(rng.binomial(inflow - school, MOVES_IN_SHARE))
            rows.append({
                "year": y, "service": service, "level": int(level) if service in LEVEL_SERVICES else pd.NA,
                "stock_start": start, "inflow_new_decisions": inflow - school - moves_in,
                "inflow_school_leavers": school, "inflow_moves_in": moves_in,
                **{f"outflow_{k}": v for k, v in out.items()}, "stock_end": end,
            })
    flows = pd.DataFrame(rows)
    flows["level"] = flows["level"].astype("Int64")
    return flows


def _state_rate(year: int) -> float:
    """The published rate of the year; later years keep the last published rate (none found for
    2025 onwards, public_parameters.md), earlier years the first."""
    known = [y for y in STATE_RATE if y <= year]
    return STATE_RATE[max(known) if known else min(STATE_RATE)]


def _invoice_triangle(history: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    sfb = history[history["service"] == "personlig_assistans_sfb"].copy()
    sfb["month"] = pd.to_datetime(sfb["month"])
    sfb = sfb.sort_values("month")
    months = pd.DatetimeIndex(sfb["month"])
    last = months[-1]
    lags = np.r_[list(_REGULAR_LAGS), _RETRO_LAGS]
    retro_share = 1 - sum(_REGULAR_LAGS.values())
    retro_decay = 0.85 ** (_RETRO_LAGS - 5)
    # retroactive invoices come in batches: some reporting months carry much more than others
    batch = rng.gamma(0.6, 1 / 0.6, len(months) + int(_RETRO_LAGS[-1]) + 1)
    rows = []
    for i, (m, cases) in enumerate(zip(months, sfb["volume"].to_numpy(), strict=True)):
        w = retro_decay * batch[i + _RETRO_LAGS]
        p = np.r_[list(_REGULAR_LAGS.values()), retro_share * w / w.sum()]
        counts = rng.multinomial(int(round(cases)), p / p.sum())
        per_case = HOURS_PER_WEEK * 52 / 12 * _state_rate(m.year)
        for lag, n in zip(lags, counts, strict=True):
            rep = m + pd.DateOffset(months=int(lag))
            if n == 0 or rep > last:
                continue
            amount = n * per_case * rng.lognormal(0, 0.02)
            rows.append((m.strftime("%Y-%m"), rep.strftime("%Y-%m"), int(n), round(float(amount))))
    return pd.DataFrame(rows, columns=["service_month", "reporting_month", "cases", "amount_sek"])


def generate_forecast_inputs(volume_history: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
    """The forecasting demo tables keyed by file stem: population, flows, invoice_triangle."""
    def stream(k: int) -> np.random.Generator:  # one random stream per table
        return np.random.default_rng([seed, 30 + k])

    return {
        "population": _population(stream(1)),
        "flows": _flows(volume_history, stream(2)),
        "invoice_triangle": _invoice_triangle(volume_history, stream(3)),
    }
