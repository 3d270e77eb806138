"""Volume paths for the projection: the wide monthly table (rows = months, columns = services) the
projection reads, built from the forecast's long table, from flat levels, or from annual growth."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from resmodel.budget.periods import Horizon, to_month_index
from resmodel.errors import InputError, Location


def from_long(table: pd.DataFrame, service: str = "service", period: str = "period", value: str = "volume",
              file: str | None = None) -> pd.DataFrame:
    """Long table (service, period YYYY-MM, volume) → wide monthly table; the forecast issue's
    ``unique_id, ds, y`` works with ``service='unique_id', period='ds', value='y'``."""
    missing = [c for c in (service, period, value) if c not in table.columns]
    if missing:
        raise InputError.at(Location(file=file, row=1, column=missing[0]), f"column '{missing[0]}' is missing",
                            f"columns {service}, {period}, {value}", "add the column to the volume table")
    months = to_month_index(pd.Index(table[period]), f"volumes.{period}")
    frame = pd.DataFrame({"service": table[service].astype(str).to_numpy(), "period": months,
                          "volume": pd.to_numeric(table[value], errors="coerce").to_numpy()})
    bad = np.flatnonzero(~np.isfinite(frame["volume"].to_numpy(dtype=float)))
    if len(bad):
        raise InputError.at(Location(file=file, row=int(bad[0]) + 2, column=value), "volume is not a number",
                            "a number ≥ 0", "fill in the volume")
    dup = frame.duplicated(["service", "period"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError.at(Location(file=file, row=i + 2, column=period),
                            f"service '{frame['service'].iat[i]}' has two rows for {frame['period'].iat[i]}",
                            "one row per service and month", "remove the duplicate row")
    wide = frame.pivot(index="period", columns="service", values="volume").sort_index()
    wide.columns.name = None
    return wide


def flat(levels: Mapping[str, float], horizon: Horizon) -> pd.DataFrame:
    """Every service at a constant volume over the horizon (e.g. the base-year volumes)."""
    months = horizon.months
    return pd.DataFrame({s: np.full(len(months), float(v)) for s, v in levels.items()}, index=months)


def grown(levels: Mapping[str, float], growth: Mapping[str, float], horizon: Horizon) -> pd.DataFrame:
    """Base-year volumes grown at a constant annual rate per service, compounded monthly."""
    t = horizon.years_elapsed
    return pd.DataFrame({s: float(v) * (1.0 + float(growth.get(s, 0.0))) ** t for s, v in levels.items()},
                        index=horizon.months)
