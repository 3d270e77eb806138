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
from resmodel.forecast.crossval import Run, recent_design, recent_errors
from resmodel.forecast.ensemble import AutoSelect, conformal_halfwidths
from resmodel.forecast.fitcache import memoised, shared_fits
from resmodel.forecast.forecaster import Forecaster, default_model, make_model
from resmodel.forecast.frame import MONTHLY, YEARLY, Series
from resmodel.forecast.models import ARIMA, Fit, Model, ModelFitError, Naive, z_value

RATIO_95_80 = z_value(95) / z_value(80)  # 1.53


def _dates(n: int, freq: str) -> list[str]:
    """Period labels of ``n`` months from 2019-01 or ``n`` years from 2015."""
    if freq == MONTHLY:
        return [f"{2019 + i // 12}-{i % 12 + 1:02d}" for i in range(n)]
    return [str(2015 + i) for i in range(n)]


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


@pytest.mark.parametrize(("y", "freq", "model"), [
    ([42.0] * 14, MONTHLY, "naive"),                  # a constant (the planner's g_const.csv: 42.00–42.00)
    ([0.0] * 14, MONTHLY, "naive"),                   # all zeros
    ([115.0 + 3 * i for i in range(9)], YEARLY, "drift"),  # exactly linear: drift 142–142
    ([115.0 + 3 * i for i in range(9)], YEARLY, "auto"),
])
def test_a_zero_width_interval_is_warned_about(y, freq, model):
    df = pd.DataFrame({"unique_id": "konstant", "ds": _dates(len(y), freq), "y": y})
    fc = Forecaster([default_model(freq) if model == "auto" else make_model(model, freq)], source="g.csv")
    out = fc.forecast(df, 2)
    assert np.allclose(out[f"{model}-hi-95"], out[f"{model}-lo-95"])
    warns = [w for w in fc.warnings if w.check == "interval_zero_width"]
    assert len(warns) == 1 and warns[0].location.path == "konstant" and warns[0].location.file == "g.csv"
    assert "no variation" in warns[0].message and "not a statement of certainty" in warns[0].message


def test_an_interval_with_width_is_not_warned_about():
    y = [42.0, 43.0, 41.0, 42.0, 44.0, 42.0, 41.0, 43.0, 42.0, 42.0, 43.0, 41.0, 42.0, 42.0]
    df = pd.DataFrame({"unique_id": "s", "ds": _dates(len(y), MONTHLY), "y": y})
    fc = Forecaster([make_model("naive")])
    fc.forecast(df, 2)
    assert not [w for w in fc.warnings if w.check == "interval_zero_width"]


def _shifted(rise: float = 25.0) -> np.ndarray:
    """72 months around 100–115, the last three ``rise`` higher (the planner's g_shift.csv in shape)."""
    rng = np.random.default_rng(5)
    y = 100 + 15 * np.arange(72) / 71 + rng.normal(0, 1.5, 72)
    y[-3:] += rise
    return y


def test_the_errors_behind_a_step_are_those_of_the_last_12_periods():
    y = np.arange(40.0)
    s = _series(y)
    h_e, lengths = recent_design(Naive(), s, 5)
    assert h_e == 5 and lengths == list(range(40 - 5 - 11, 40))  # 12 origins for step 5, up to the last period
    runs = [Run(Naive().predict(s.head(n), h_e, (80,))) for n in lengths]
    e = recent_errors(s, lengths, runs, h_e)
    target = np.asarray(lengths)[:, None] + np.arange(h_e)[None, :]
    np.testing.assert_array_equal(np.isfinite(e), (target >= 28) & (target < 40))
    assert (np.isfinite(e).sum(axis=0) == 12).all()  # every step calibrated on 12 errors
    naive_error = target - (np.asarray(lengths)[:, None] - 1.0)  # y = t; naive forecasts the last value, n − 1
    np.testing.assert_allclose(e[np.isfinite(e)], naive_error[np.isfinite(e)])


def test_intervals_after_a_recent_level_shift_do_not_depend_on_the_horizon():
    """The planner's finding: a rise of 25 in the last three months gave January ±9 with h = 3, ±2 with h = 6;
    the shift's errors entered only the steps whose origins reached it. Now step k is calibrated on the
    forecasts of the last 12 periods whatever h is, so the shift counts from the first steps and every h agrees."""
    s = _series(_shifted())
    auto = AutoSelect([Naive()], intervals="conformal")
    fits = {h: auto.predict(s, h, (80, 95)) for h in (3, 6, 12)}
    for h in (6, 12):
        for lv in (80, 95):
            np.testing.assert_allclose(fits[h].hi[lv][:3], fits[3].hi[lv])
            np.testing.assert_allclose(fits[h].lo[lv][:3], fits[3].lo[lv])
    calm = auto.predict(_series(_shifted(rise=0.0)), 6, (80, 95))
    width = {lv: fits[6].hi[lv] - fits[6].mean for lv in (80, 95)}
    calm_width = {lv: calm.hi[lv] - calm.mean for lv in (80, 95)}
    assert width[95][0] > 3 * calm_width[95][0]  # the one-step error of the shift month is the largest of 12
    assert np.all(width[80][1:] > 3 * calm_width[80][1:])  # from step 2 on, two or more of the 12 errors


class _Driven(Model):
    """A model with an exogenous regressor: its forecast is the regressor's future values, which must
    cover the horizon (as the demographic model's population driver must)."""

    name = "driven"
    exog = ("x",)

    def min_length(self, freq):
        return 3

    def predict(self, s, h, levels, X_future=None):
        x = X_future["x"].to_numpy(dtype=float)
        if len(x) != h:
            raise ValueError(f"{len(x)} future regressor values for a horizon of {h}")
        return Fit(x, None, None, self.name)


def test_origins_near_the_end_forecast_a_model_with_a_regressor_only_as_far_as_it_is_known():
    """The last 12 periods' errors need origins up to the period before the end, where the regressor is known
    for fewer than h_e steps: those origins forecast only the observed steps (the demo backtest with a
    population crashed when they asked for 12)."""
    n = 40
    x = 100 + np.arange(n + 6, dtype=float)
    y = x[:n] + np.random.default_rng(1).normal(0, 1, n)
    s = Series("s", MONTHLY, pd.date_range("2019-01-01", periods=n, freq="MS"), y, pd.DataFrame({"x": x[:n]}))
    fit = AutoSelect([_Driven()], intervals="conformal").predict(s, 6, (80,), pd.DataFrame({"x": x[n:]}))
    np.testing.assert_allclose(fit.mean, x[n:])
    assert np.all(fit.hi[80] > fit.mean)
