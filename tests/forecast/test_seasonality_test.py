"""The seasonality test that ETS and ARIMA can use to drop a seasonal component."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.forecast.frame import MONTHLY, Series
from resmodel.forecast.models import ARIMA, ETS, is_seasonal

T = np.arange(120)
RNG = np.random.default_rng(0)
TREND = 100 + 2 * T + RNG.normal(0, 1, 120)
SEASONAL = TREND + 10 * np.sin(2 * np.pi * T / 12)


def _series(y) -> Series:
    return Series("s", MONTHLY, pd.date_range("2015-01-01", periods=len(y), freq="MS"), np.asarray(y, dtype=float),
                  pd.DataFrame(index=range(len(y))))


def test_a_trend_is_not_a_season_but_a_yearly_cycle_is():
    assert not is_seasonal(TREND, 12)
    assert is_seasonal(SEASONAL, 12)
    assert not is_seasonal(np.full(120, 5.0), 12) and not is_seasonal(SEASONAL[:24], 12)  # constant; too short


@pytest.mark.parametrize("model_class", [ETS, ARIMA])
def test_tested_models_drop_the_season_only_when_there_is_none(model_class):
    always, tested = model_class(), model_class(seasonality="test")
    # a seasonal series: both variants are the same seasonal model
    np.testing.assert_allclose(tested.predict(_series(SEASONAL), 12, (80,)).mean,
                               always.predict(_series(SEASONAL), 12, (80,)).mean)
    # a pure trend: the tested variant has no seasonal wiggle, its forecast rises by about 2 a month
    flat = tested.predict(_series(TREND), 12, (80,)).mean
    assert np.all(np.abs(np.diff(flat) - 2) < 0.5), flat
    with pytest.raises(ValueError, match="seasonality must be one of"):
        model_class(seasonality="sometimes")
