"""A backtest is honest only if a fit at a cutoff sees nothing after it: replacing every later value, and the
flows of every year not complete at the cutoff, by garbage must leave that cutoff's forecasts unchanged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.forecast import Forecaster, make_model
from resmodel.forecast.frame import MONTHLY
from resmodel.forecast.stockflow import INFLOW_KINDS, OUTFLOW_KINDS

N = 84
DS = pd.date_range("2015-01-01", periods=N, freq="MS")


def _history(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(N)
    y = 500 + 2 * t + 15 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 4, N)
    # the population projection is known in advance: it is not perturbed
    return pd.DataFrame({"unique_id": "s", "ds": DS, "y": y, "population": 1000 * 1.002 ** t})


def _flows() -> pd.DataFrame:
    years = np.arange(2015, 2022)
    flows = pd.DataFrame({"year": years, "stock_start": 500.0 + 20 * np.arange(len(years))})
    for kind in INFLOW_KINDS:
        flows[f"inflow_{kind}"] = 10.0 + (years - 2015)
    for kind in OUTFLOW_KINDS:
        flows[f"outflow_{kind}"] = 2.0
    flows["stock_end"] = flows["stock_start"] + 30 - 8
    return flows


def _cv(names: list[str], history: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    models = [make_model(n, MONTHLY, driver="population", flows={"s": flows}) for n in names]
    return Forecaster(models).cross_validation(history, h=12, n_windows=3, step=6)


@pytest.mark.parametrize("names", [["naive", "drift", "snaive"], ["demographic"], ["stockflow"]])
def test_a_cutoffs_forecasts_do_not_change_when_everything_after_it_does(names):
    history, flows = _history(), _flows()
    cv = _cv(names, history, flows)
    rng = np.random.default_rng(1)
    for cutoff in pd.to_datetime(sorted(cv["cutoff"].unique())):
        known = int((DS <= cutoff).sum())
        later = history.copy()
        later.loc[known:, "y"] = rng.uniform(0, 5000, N - known)
        last_complete = cutoff.year if cutoff.month == 12 else cutoff.year - 1
        garbage = flows.copy()
        after = garbage["year"] > last_complete
        assert after.any()  # the test perturbs some year's flows at every cutoff
        garbage.loc[after, "inflow_new_decisions"] = 999.0
        garbage.loc[after, "stock_end"] += 989
        a = cv[cv["cutoff"] == cutoff].reset_index(drop=True)
        b = _cv(names, later, garbage).query("cutoff == @cutoff").reset_index(drop=True)
        columns = [c for c in a.columns if c not in ("unique_id", "ds", "cutoff", "y") and not c.endswith("model_used")]
        assert columns
        for column in columns:
            np.testing.assert_allclose(b[column].to_numpy(float), a[column].to_numpy(float), rtol=0, atol=1e-9,
                                       err_msg=f"{column} at cutoff {cutoff:%Y-%m} saw data after it")
