"""The Theta method, the equal-weight combination and the conformal intervals of ``auto``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.forecast import MODEL_NAMES, Forecaster, make_model
from resmodel.forecast.crossval import run_model, training_lengths
from resmodel.forecast.ensemble import AutoSelect, conformal_halfwidths
from resmodel.forecast.frame import MONTHLY, YEARLY, Series
from resmodel.forecast.models import ARIMA, ETS, Combination, Drift, Naive, Theta
from tests.forecast.conftest import trend_season


def _series(y, freq=MONTHLY) -> Series:
    n = len(y)
    ds = pd.date_range("2015-01-01", periods=n, freq="MS" if freq == MONTHLY else "YS")
    return Series("s", freq, ds, np.asarray(y, dtype=float), pd.DataFrame(index=range(n)))


def test_theta_is_statsmodels_theta_model_with_the_arima_0_1_1_variance():
    """Statistician review: statsmodels' ThetaModel.prediction_intervals uses σ²(1 + (h−1)(1 + (α−1)²)), the
    variance of SES with drift only at α = 1; the method's ARIMA(0,1,1)-with-drift form is σ²(1 + (h−1)α²)."""
    from statsmodels.tsa.forecasting.theta import ThetaModel

    from resmodel.forecast.models import z_value

    t = np.arange(60)
    y = 500 + 2 * t + 30 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(2).normal(0, 3, 60)
    fit = Theta().predict(_series(y), 12, (80, 95))
    np.testing.assert_allclose(fit.mean, ThetaModel(y, period=12).fit().forecast(12))
    assert fit.mean[3] > fit.mean[0] + 20 and fit.mean[9] < fit.mean[6] - 20  # deseasonalised and reseasonalised
    y = 500 + 2 * t + 30 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(2).normal(0, 20, 60)
    fit = Theta().predict(_series(y), 12, (80, 95))
    res = ThetaModel(y, period=12).fit()
    alpha, k = float(res.params["alpha"]), np.arange(12)
    assert alpha < 0.9  # so that the two variances differ
    for lv in (80, 95):
        # fitted on the series ÷ 10 (models.scale_free): the variance estimate agrees to a few parts per million
        expected = z_value(lv) * np.sqrt(res.sigma2 * (1 + k * alpha ** 2))
        np.testing.assert_allclose(fit.hi[lv] - fit.mean, expected, rtol=1e-5)
        np.testing.assert_allclose(fit.mean - fit.lo[lv], expected, rtol=1e-5)
        statsmodels = res.prediction_intervals(12, alpha=1 - lv / 100)
        assert np.all((fit.hi[lv] - fit.mean)[1:] < (statsmodels["upper"].to_numpy() - fit.mean)[1:])
    # yearly: no seasonal adjustment (a lag-1 "season" would be tested and removed otherwise)
    yy = 100 + 3 * np.arange(12.0) + np.random.default_rng(1).normal(0, 1, 12)
    yearly = Theta().predict(_series(yy, YEARLY), 3, (80,))
    np.testing.assert_allclose(yearly.mean, ThetaModel(yy, deseasonalize=False).fit().forecast(3))
    assert np.all(np.diff(yearly.mean) > 0)  # half the trend slope plus SES: still rising
    assert Theta().min_length(MONTHLY) == 24 and Theta().min_length(YEARLY) == 6


def test_combination_is_the_mean_of_its_members():
    s = _series(trend_season(60, seed=4))
    members = [ETS(), ARIMA(), Theta()]
    fit = Combination(members).predict(s, 12, (80,))
    each = [m.predict(s, 12, (80,)).mean for m in members]
    np.testing.assert_allclose(fit.mean, np.mean(each, axis=0))
    assert fit.lo is None and fit.used == "comb"  # no error model of its own …
    run = run_model(Combination([Naive(), Drift()]), s, 12, (80,))
    assert run.fit.lo is not None  # … so its intervals come from its own backtest residuals
    # members' forecasts below zero count as zero, as every model's forecast does
    falling = Combination([Naive(), Drift()]).predict(_series([9.0, 6, 3, 1], YEARLY), 2, (80,))
    np.testing.assert_allclose(falling.mean, [(1 + 0) / 2, (1 + 0) / 2])
    assert Combination().min_length(MONTHLY) == 38  # needs every member (ARIMA's 38 months)


def test_auto_scores_a_combination_from_its_members_fits():
    rng = np.random.default_rng(8)
    y = 200 + np.cumsum(rng.normal(1.0, 2.0, 40))
    s = _series(y, YEARLY)
    naive, drift = Naive(), Drift()
    comb = Combination([naive, drift])
    choice = AutoSelect([naive, drift, comb], intervals="widen").choose(s, 2)
    lengths = training_lengths(40, 2, 3, 1)
    direct = [comb.predict(s.head(n), 2, (80,)).mean for n in lengths]
    actual = np.array([y[n:n + 2] for n in lengths])
    scale = np.array([np.mean(np.abs(np.diff(y[:n]))) for n in lengths])
    expected = np.mean(np.abs(actual - np.array(direct)).mean(axis=1) / scale)
    assert choice.scores["comb"] == pytest.approx(expected)


def test_conformal_halfwidths_are_ranked_absolute_errors():
    errors = np.array([[1.0, -4], [-2, 3], [3, 1], [-5, 2], [0.5, -6]])  # 5 origins × 2 steps
    w = conformal_halfwidths(errors, (80, 50), 4)
    # 80 %: rank ⌈6·0.8⌉ = 5 of 5 → the largest; 50 %: rank 3
    np.testing.assert_allclose(w[80], [5.0, 6.0, 6 * np.sqrt(3 / 2), 6 * np.sqrt(2)])
    np.testing.assert_allclose(w[50], [2.0, 3.0, 3 * np.sqrt(3 / 2), 3 * np.sqrt(2)])  # made non-decreasing


def test_conformal_quantile_covers_exchangeable_errors():
    rng = np.random.default_rng(0)
    calib = rng.standard_t(3, size=(4000, 12, 1))  # heavy tails: a normal interval would miss
    new = rng.standard_t(3, size=4000)
    widths = np.array([conformal_halfwidths(c, (80,), 1)[80][0] for c in calib])
    cover = np.mean(np.abs(new) <= widths)
    assert 0.80 <= cover <= 0.80 + 1 / 13 + 0.02  # split-conformal guarantee: between 1 − α and 1 − α + 1/(n+1)


def test_auto_conformal_intervals_cover_a_known_process():
    """Random walks with drift, forecast by ``auto`` (naive or drift) at 10 origins each:
    the 80 % conformal intervals cover about 80 % of the held-out values."""
    inside, steps = [], []
    auto = AutoSelect([Naive(), Drift()], intervals="conformal")
    for seed in range(12):
        rng = np.random.default_rng(seed)
        y = 500 + np.cumsum(rng.normal(rng.uniform(0, 2), 3.0, 90))
        s = _series(y)
        for n in training_lengths(90, 6, 10, 2):
            fit = auto.predict(s.head(n), 6, (80, 95))
            actual = y[n:n + 6]
            inside.append((actual >= fit.lo[80]) & (actual <= fit.hi[80]))
            steps.append(fit.hi[95] - fit.hi[80])
    cover = np.mean(inside)
    assert 0.72 <= cover <= 0.90
    assert np.all(np.array(steps) >= 0)  # the 95 % interval is never inside the 80 % one


def test_conformal_intervals_widen_after_a_level_shift():
    rng = np.random.default_rng(3)
    calm = 300 + rng.normal(0, 2, 60)
    shifted = calm.copy()
    shifted[-8:] += 40  # a shift eight months before the origin
    auto = AutoSelect([Naive()], intervals="conformal")
    w_calm = auto.predict(_series(calm), 12, (80,))
    w_shift = auto.predict(_series(shifted), 12, (80,))
    # every step from 2 on uses the forecasts of the last 12 periods, which cross the shift (at step 1 a naive
    # forecast crosses it once, at the shift's own month)
    wide, calm_w = w_shift.hi[80] - w_shift.mean, w_calm.hi[80] - w_calm.mean
    assert np.all(wide[1:] > 3 * calm_w[1:])


def test_widen_rule_is_the_chosen_models_intervals_when_calm():
    y = 50 + np.random.default_rng(2).normal(0, 1, 30)
    s = _series(y, YEARLY)
    own = Naive().predict(s, 2, (80,))
    for rule in ("widen", "conformal", "conformal_or_widen", "empirical"):
        fit = AutoSelect([Naive()], intervals=rule).predict(s, 2, (80,))
        np.testing.assert_allclose(fit.mean, own.mean)  # the rule changes only the intervals
    wide = AutoSelect([Naive()], intervals="conformal_or_widen").predict(s, 2, (80,))
    conf = AutoSelect([Naive()], intervals="conformal").predict(s, 2, (80,))
    assert np.all(wide.hi[80] >= conf.hi[80]) and np.all(wide.hi[80] >= own.hi[80] - 1e-9)
    with pytest.raises(ValueError, match="intervals must be one of"):
        AutoSelect([Naive()], intervals="bootstrap")


def test_auto_candidates_include_theta_and_the_combination_of_the_same_fits():
    from resmodel.forecast.forecaster import default_candidates

    cands = default_candidates(MONTHLY)
    names = [c.name for c in cands]
    assert names == ["naive", "snaive", "drift", "ets", "arima", "theta", "comb"]
    comb = cands[-1]
    assert all(m is c for m, c in zip(comb.members, cands[3:6], strict=True))  # scored from the members' fits
    assert [c.name for c in default_candidates(YEARLY)] == ["naive", "drift", "ets", "arima", "theta", "comb"]


def test_new_models_by_name_in_the_long_table_api():
    assert {"theta", "comb"} <= set(MODEL_NAMES)
    df = pd.DataFrame({"unique_id": "r", "ds": pd.date_range("2000-01-01", periods=12, freq="YS"),
                       "y": 100 + 2.0 * np.arange(12)})
    out = Forecaster([make_model("theta", YEARLY), make_model("comb", YEARLY)]).forecast(df, h=2)
    for name in ("theta", "comb"):
        assert [c for c in out.columns if c.startswith(name)] == [
            name, f"{name}-lo-95", f"{name}-lo-80", f"{name}-hi-80", f"{name}-hi-95", f"{name}-model_used"]
    assert out["theta-model_used"].tolist() == ["theta"] * 2 and out["comb-model_used"].tolist() == ["comb"] * 2


def test_widths_beyond_the_backtest_horizon_grow_as_the_models_own_and_at_least_with_root_k():
    from resmodel.forecast.crossval import extend_widths

    width, k = np.array([1.0, 2.0, 2.0]), np.arange(4, 10)
    np.testing.assert_allclose(extend_widths(width, 9)[3:], 2.0 * np.sqrt(k / 3))  # no model intervals: √k
    linear = np.arange(1.0, 10.0)  # a trend's error: proportional to k
    np.testing.assert_allclose(extend_widths(width, 9, linear)[3:], 2.0 * k / 3)
    flat = np.ones(9)  # growth slower than a random walk's is not taken
    np.testing.assert_allclose(extend_widths(width, 9, flat)[3:], 2.0 * np.sqrt(k / 3))
    np.testing.assert_allclose(extend_widths(width, 9, linear)[:3], [1.0, 2.0, 2.0])  # the backtest's own steps


def test_the_combination_carries_its_members_mean_half_width():
    s = _series(trend_season(60, seed=4))
    fit = Combination().predict(s, 24, (80, 95))
    members = [m.predict(s, 24, (80, 95)) for m in (ETS(), ARIMA(), Theta())]
    np.testing.assert_allclose(fit.spread, np.mean([f.hi[80] - f.mean for f in members], axis=0))


def test_auto_intervals_keep_widening_with_the_trend_beyond_a_year():
    """Past the one-year backtest the default's intervals grew with √k alone: at ten years exactly √10 × the
    one-year width on the demo's daily activity, where its members' own widths grew 7–12× (a review found the
    members' ten-year forecasts outside auto's 80 % band). Now they grow as the members' do."""
    rng = np.random.default_rng(11)
    y = 300 + np.cumsum(1.5 + rng.normal(0, 2.0, 72))  # a random walk with drift, six years monthly
    s = _series(y)
    fit = run_model(make_model("auto", MONTHLY), s, 72, (80,)).fit
    half = fit.hi[80] - fit.mean
    spread = Combination().predict(s, 72, (80,)).spread
    assert half[71] / half[11] > np.sqrt(6) * 1.2
    np.testing.assert_allclose(half[71] / half[11], max(np.sqrt(6), spread[71] / spread[11]), rtol=1e-9)


def test_empirical_sigma_is_the_rms_error_per_step_made_non_decreasing():
    from resmodel.forecast.crossval import empirical_sigma

    errors = np.array([[3.0, 1.0], [0.0, -1.0], [0.0, 1.0]])  # RMS per step √3, then 1: kept at √3
    np.testing.assert_allclose(empirical_sigma(errors, 4), np.sqrt(3) * np.sqrt([1, 1, 3 / 2, 2]))


def test_a_model_without_intervals_borrows_naives_widths_below_three_backtest_origins():
    """Seven yearly points and a three-year horizon leave two origins for the model's own backtest: too few for
    an error estimate, so the naive model's half-widths are used; with eight points there are three."""
    comb = Combination([Naive(), Drift()])
    y = [10.0, 12, 11, 14, 13, 15, 16, 18]
    short = run_model(comb, _series(y[:7], YEARLY), 3, (80,)).fit
    naive = Naive().predict(_series(y[:7], YEARLY), 3, (80,))
    np.testing.assert_allclose(short.hi[80] - short.mean, naive.hi[80] - naive.mean)
    longer = run_model(comb, _series(y, YEARLY), 3, (80,)).fit
    naive8 = Naive().predict(_series(y, YEARLY), 3, (80,))
    assert not np.allclose(longer.hi[80] - longer.mean, naive8.hi[80] - naive8.mean)
