"""How a forecast's intervals were formed, per model, as the forecast command and POST /forecasts note it: the
statistical models' own, the others' from their own backtest errors (pure: tables in, text out)."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: models without an error model of their own: their intervals come from their own backtest on the series
#: (crossval._with_empirical_intervals), or the naive model's widths where the history is too short for it
EMPIRICAL_MODELS = ("comb", "demographic", "stockflow")
#: the uncertainty those intervals leave out, per model: only the series' own past errors are in them
UNMODELLED = {"demographic": "the population projection or of the prevalences (the users' age shares)",
              "stockflow": "the flow parameters (mean inflows and outflow rates)"}


def intervals_note(own: list[str], table: pd.DataFrame | None, history: pd.DataFrame | None) -> str:
    """The note on how the intervals of the models named on the command line were formed, truthfully per model:
    the statistical models' own; the others' from their own backtest errors, naming the services whose history
    was too short and got the naive model's widths; and the uncertainty they leave out (statistician review,
    2026-12-07: the demographic and stock–flow intervals were said to be 'the model's own')."""
    parts = []
    stated = [m for m in own if m not in EMPIRICAL_MODELS]
    if stated:
        parts.append(f"the intervals of {', '.join(stated)} are the model's own, not widened by a backtest as auto's "
                     "are")
    for name in (m for m in own if m in EMPIRICAL_MODELS):
        borrowed = naive_widths_services(name, table, history) if table is not None else []
        parts.append(f"{name} has no error model: its intervals are normal ones with the root-mean-square error of "
                     "its own backtest on the series (up to 12 origins one period apart, up to 12 months or 3 years ahead; "
                     "wider beyond as " + ("its members' intervals, at least as " if name == "comb" else "") + "√k)" + (
                         f", but for {', '.join(borrowed)} the naive model's widths (a history too short for three "
                         "such origins)" if borrowed else ", or, with too short a history for three such origins, "
                         "the naive model's widths" if table is None else "")
                     + (f"; they do not include the uncertainty of {UNMODELLED[name]}" if name in UNMODELLED else ""))
    return "note: " + "; ".join(parts)


def naive_widths_services(name: str, table: pd.DataFrame, history: pd.DataFrame) -> list[str]:
    """The services ``name`` forecast whose monthly history is too short for the backtest behind its intervals
    (fewer than the three origins ``crossval._with_empirical_intervals`` needs), so that they got the naive
    model's widths."""
    from resmodel.forecast.crossval import empirical_design
    from resmodel.forecast.frame import MONTHLY, Series
    from resmodel.forecast.models import Combination, Demographic
    from resmodel.forecast.stockflow import StockFlow

    model = {"comb": Combination, "demographic": Demographic, "stockflow": lambda: StockFlow({})}[name]()
    h = int(table["month"].nunique())
    months = history.groupby("service")["month"].nunique()
    services = sorted(set(table.loc[table["model_used"] == name, "service"]))
    return [sv for sv in services if len(empirical_design(model, Series(
        sv, MONTHLY, pd.DatetimeIndex([]), np.zeros(int(months[sv])), pd.DataFrame()), h)[1]) < 3]
