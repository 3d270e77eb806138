"""Shared fits: inside ``shared_fits()`` a memoised model fits once per training data and horizon,
and backtests give exactly what they give without it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.forecast import Forecaster, make_model
from resmodel.forecast.crossval import cross_validation_series, training_lengths
from resmodel.forecast.fitcache import memoised, shared_fits
from resmodel.forecast.frame import YEARLY, Series
from resmodel.forecast.models import Model, ModelFitError, Theta


def _yearly(n=30, seed=2) -> pd.DataFrame:
    y = 200 + 4 * np.arange(n) + np.cumsum(np.random.default_rng(seed).normal(0, 3, n))
    return pd.DataFrame({"unique_id": "s", "ds": pd.date_range("1990-01-01", periods=n, freq="YS"), "y": y})


def test_backtest_with_shared_fits_is_identical_to_one_without():
    models = [make_model(n, YEARLY) for n in ("naive", "ets", "arima", "theta", "comb", "select", "auto")]
    fc = Forecaster(models)
    cached = fc.cross_validation(_yearly(), h=2, n_windows=5, step=1)  # Forecaster shares fits per series
    plain, _, _ = cross_validation_series(fc.series[0], models, 2, training_lengths(30, 2, 5, 1), (80, 95))
    pd.testing.assert_frame_equal(cached, plain, check_exact=True)


def test_a_memoised_model_fits_once_per_training_data(monkeypatch):
    from statsmodels.tsa.forecasting.theta import ThetaModel

    calls = []
    original = ThetaModel.fit
    monkeypatch.setattr(ThetaModel, "fit", lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    df = _yearly()
    s = Series("s", YEARLY, pd.DatetimeIndex(df["ds"]), df["y"].to_numpy(), pd.DataFrame(index=range(30)))
    theta = Theta()
    with shared_fits():
        first = theta.predict(s, 3, (80,))
        again = Theta().predict(s, 3, (95, 80))  # an equal model, other levels: no new fit
        assert len(calls) == 1
        Theta().predict(s.head(29), 3, (80,))  # other training data: a new fit
        assert len(calls) == 2
        with pytest.raises(ValueError):
            first.mean[0] = 0.0  # shared arrays are read-only
    np.testing.assert_array_equal(first.mean, again.mean)
    np.testing.assert_array_equal(first.hi[80], again.hi[80])
    theta.predict(s, 3, (80,))
    theta.predict(s, 3, (80,))
    assert len(calls) == 4  # outside shared_fits nothing is kept


def test_a_failure_is_memoised_and_raised_again():
    tries = []

    class Failing(Model):
        name = "failing"

        @memoised
        def predict(self, s, h, levels, X_future=None):
            tries.append(1)
            raise ModelFitError("does not converge")

    s = Series("s", YEARLY, pd.date_range("2000-01-01", periods=5, freq="YS"), np.arange(5.0), pd.DataFrame(index=range(5)))
    with shared_fits():
        for _ in range(2):
            with pytest.raises(ModelFitError, match="converge"):
                Failing().predict(s, 1, (80,))
    assert len(tries) == 1
