"""Backtest of the level split: a service's forecast by level is its total's forecast times the level mix of
the last twelve months before the origin (forecast_volumes without flows). This scores that split level by
level against what each level had, with the level's own naive forecast (its last value) as the baseline —
how far the numbers ``resmodel forecast`` writes per level can be trusted."""

from __future__ import annotations

import numpy as np
import pandas as pd

from resmodel.forecast.frame import DS, ID, Y

MIX_MONTHS = 12  # as forecast_volumes splits a service total (interface._level_shares)


def level_split_cv(cv: pd.DataFrame, levels: pd.DataFrame, models: list[str]) -> pd.DataFrame:
    """The cross-validation table of the service totals (``cv``: unique_id = service, ds, cutoff, y and each
    model's point, bounds and model_used) turned into one per level (unique_id ``service|level``): each split
    model's forecast and bounds times the level's share of the twelve months up to the cutoff, and ``naive``
    the level's own last value (its interval the total naive's, split). ``levels`` is the long table of the
    level series (unique_id ``service|level``, ds, y)."""
    if levels.empty:  # a history of service totals only: no level to split to
        return pd.DataFrame()
    split = [m for m in models if m != "naive"]
    bounds = sorted({c.split("-", 1)[1] for c in cv.columns if c.startswith("naive-lo-") or c.startswith("naive-hi-")})
    level_of = levels[ID].str.partition("|")
    history = levels.assign(service=level_of[0], level=level_of[2])
    parts = []
    for (service, cutoff), rows in cv.groupby([ID, "cutoff"], sort=True):
        own = history[history["service"] == service]
        if own["level"].eq("").all():
            continue
        # a level has no users before its first month, as forecast_volumes reads it (interface._level_shares):
        # left NaN, the mean over the window would skip those months and overstate a new level's share
        wide = own.pivot(index=DS, columns="level", values=Y).sort_index().fillna(0.0)
        window = wide.loc[cutoff - pd.DateOffset(months=MIX_MONTHS - 1):cutoff].mean()
        if not window.sum() > 0:
            continue
        shares, last = window / window.sum(), wide.loc[:cutoff].iloc[-1]
        for level, share in shares.items():
            out = pd.DataFrame({ID: f"{service}|{level}", DS: rows[DS].to_numpy(), "cutoff": cutoff,
                                Y: wide[level].reindex(rows[DS]).to_numpy()})
            for m in split:
                out[m] = rows[m].to_numpy() * share
                for b in bounds:
                    out[f"{m}-{b}"] = rows[f"{m}-{b}"].to_numpy() * share
                out[f"{m}-model_used"] = rows[f"{m}-model_used"].to_numpy()
            out["naive"] = np.full(len(rows), float(last[level]))
            for b in bounds:  # the total naive's interval around its point, split, around the level's own point
                out[f"naive-{b}"] = out["naive"] + (rows[f"naive-{b}"].to_numpy() - rows["naive"].to_numpy()) * share
            out["naive-model_used"] = "naive"
            parts.append(out)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
