"""A statistician-economist's audit of `backtest` and `forecast` on her own short yearly series (an hourly rate of
6–7 years, series of mixed lengths): each finding that gave a wrong or misleading result, pinned."""

from __future__ import annotations

import numpy as np
import pandas as pd

from resmodel.forecast import Forecaster
from resmodel.forecast.models import ARIMA
from tests.forecast.conftest import FIXTURES

RATE6 = FIXTURES / "short_annual.csv"  # the hourly rate 2019–2024
ZIGZAG = [100.0, 104, 100, 104, 100, 104, 100]  # no trend: select picks naive wherever it can choose


def _yearly(y, uid="r", start=2015):
    return pd.DataFrame({"unique_id": uid, "ds": [str(start + i) for i in range(len(y))], "y": np.asarray(y, float)})


def test_future_exogenous_years_may_be_integers_as_in_the_history():
    """pd.to_datetime(2025) is 2025 ns after 1970: 'future exogenous values missing from 2025'."""
    years = list(range(2010, 2025))
    df = pd.DataFrame({"unique_id": "r", "ds": years, "y": 100 + 3.0 * np.arange(15) + np.sin(np.arange(15)),
                       "pop": 1000 + 10.0 * np.arange(15)})
    future = pd.DataFrame({"unique_id": "r", "ds": [2025, 2026], "pop": [1150.0, 1160.0]})
    out = Forecaster([ARIMA(exog=("pop",))]).forecast(df, h=2, X_df=future)
    assert list(out["ds"].dt.year) == [2025, 2026] and set(out["arima-model_used"]) == {"arima"}
    as_text = Forecaster([ARIMA(exog=("pop",))]).forecast(df, h=2, X_df=future.assign(ds=["2025", "2026"]))
    pd.testing.assert_frame_equal(out, as_text)
