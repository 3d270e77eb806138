"""Interval fixes from a planner's tests of ``forecast`` (docs/forecasting.md §1) — the 95 % interval keeps
a normal interval's shape against the 80 % one when the conformal rank makes both the largest error — and
from a code review of the fit cache behind them."""

from __future__ import annotations

import traceback
import warnings

import numpy as np
import pandas as pd
import pytest

from resmodel.forecast import models
from resmodel.forecast.ensemble import conformal_halfwidths
from resmodel.forecast.fitcache import memoised, shared_fits
from resmodel.forecast.forecaster import default_model
from resmodel.forecast.frame import MONTHLY, Series
from resmodel.forecast.models import ARIMA, Model, ModelFitError, z_value

RATIO_95_80 = z_value(95) / z_value(80)  # 1.53


def _series(y, uid: str = "s") -> Series:
    n = len(y)
    return Series(uid, MONTHLY, pd.date_range("2019-01-01", periods=n, freq="MS"), np.asarray(y, dtype=float),
                  pd.DataFrame(index=range(n)))


def test_the_95_interval_is_at_least_a_normal_shape_wider_than_the_80_interval():
    """Four origins: ⌈5·0.8⌉ and ⌈5·0.95⌉ both exceed 4, so both levels were the largest error (the
    planner's 13-month series gave lo-80 = lo-95 = 95.60)."""
    errors = np.array([[1.0, -2.0], [-3.0, 2.5], [2.0, -1.0], [0.5, 4.0]])
    w = conformal_halfwidths(errors, (95, 80), 2)
    np.testing.assert_allclose(w[80], [3.0, 4.0])
    np.testing.assert_allclose(w[95], w[80] * RATIO_95_80)


def test_a_13_month_series_gets_distinct_80_and_95_bounds():
    y = [101.3, 101.4, 102.8, 103.7, 105.1, 100.9, 98.7, 95.7, 102.2, 99.8, 103.4, 101.8, 102.1]
    fit = default_model(MONTHLY).predict(_series(y), 3, (80, 95))
    w80, w95 = fit.hi[80] - fit.mean, fit.hi[95] - fit.mean
    assert np.all(w80 > 0)
    assert np.all(w95 >= RATIO_95_80 * w80 - 1e-9)
    assert np.all(fit.lo[95] < fit.lo[80])


def test_the_floor_keeps_wider_conformal_95_bounds():
    """With enough origins the conformal 95 % bound may already be wider than the floor: it is kept."""
    errors = np.array([[1.0], [-1.0]] * 9 + [[1.0], [10.0]])  # 20 origins, one large error
    w = conformal_halfwidths(errors, (80, 95), 1)
    assert w[80][0] == 1.0 and w[95][0] == 10.0


def test_a_memoised_failure_is_raised_as_a_fresh_exception_each_time():
    """Code review: fitcache re-raised one stored exception object, whose traceback grew with every caller
    and kept their frames alive."""
    class Failing(Model):
        name = "failing"

        @memoised
        def predict(self, s, h, levels, X_future=None):
            raise ModelFitError("does not converge")

    def depth(exc) -> int:
        return len(traceback.extract_tb(exc.__traceback__))

    s = _series(np.arange(5.0))
    raised = []
    with shared_fits():
        for _ in range(4):
            with pytest.raises(ModelFitError, match="converge") as info:
                Failing().predict(s, 1, (80,))
            raised.append(info.value)
    assert len({id(e) for e in raised}) == 4
    assert depth(raised[1]) == depth(raised[2]) == depth(raised[3])


def test_statsmodels_chatter_is_silenced_without_catch_warnings(monkeypatch):
    """Code review: ``warnings.catch_warnings()`` with ``simplefilter("ignore")`` around each fit swaps the
    process-wide filter list and is not thread-safe under FastAPI's thread pool (overlapping fits could leave
    every warning silenced); filters installed once silence ARIMA's warnings on an exactly linear series."""
    class NoCatch:
        """The ``warnings`` module as resmodel's models see it, without ``catch_warnings``/``simplefilter``."""

        def __getattr__(self, name):
            if name in ("catch_warnings", "simplefilter"):
                raise AssertionError(f"warnings.{name} is not thread-safe")
            return getattr(warnings, name)

    s = _series(100 + 3 * np.arange(40.0))
    monkeypatch.setattr(models, "warnings", NoCatch())
    with warnings.catch_warnings(record=True) as record:
        fit = ARIMA().predict(s, 3, (80,))
    assert np.all(np.isfinite(fit.mean))
    assert not [w for w in record if "statsmodels" in w.filename or "scipy" in w.filename]
