"""Rolling-origin cross-validation, accuracy metrics and the per-series selection (``auto``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.errors import InputError
from resmodel.forecast import Forecaster, make_model
from resmodel.forecast.ensemble import AutoSelect
from resmodel.forecast.frame import split_series, validate_long
from resmodel.forecast.metrics import evaluate, mase_scale
from resmodel.forecast.models import Drift, Naive
from tests.forecast.conftest import monthly_frame


def _yearly(y, uid="r"):
    return pd.DataFrame({"unique_id": uid, "ds": pd.date_range("2010-01-01", periods=len(y), freq="YS"),
                         "y": np.asarray(y, dtype=float)})


def test_cross_validation_returns_cutoffs_actuals_and_fixed_columns():
    df = monthly_frame("a", np.arange(40.0) + 100)
    cv = Forecaster([Naive(), Drift()]).cross_validation(df, h=3, n_windows=4, step=2)
    assert list(cv.columns[:4]) == ["unique_id", "ds", "cutoff", "y"]
    for name in ("naive", "drift"):
        assert [c for c in cv.columns if c.startswith(name)] == [
            name, f"{name}-lo-95", f"{name}-lo-80", f"{name}-hi-80", f"{name}-hi-95", f"{name}-model_used"]
    cutoffs = sorted(cv["cutoff"].unique())
    assert [pd.Timestamp(c).strftime("%Y-%m") for c in cutoffs] == ["2017-07", "2017-09", "2017-11", "2018-01"]
    first = cv[cv["cutoff"] == cutoffs[0]]
    assert first["y"].tolist() == [131.0, 132.0, 133.0]  # the actuals after the cutoff
    assert first["naive"].tolist() == [130.0] * 3  # fitted on data up to the cutoff only
    np.testing.assert_allclose(first["drift"], [131.0, 132.0, 133.0])


def test_too_many_windows_is_a_located_error_naming_what_fits():
    with pytest.raises(InputError) as err:
        Forecaster([Naive()]).cross_validation(_yearly([1, 2, 3, 4, 5, 6]), h=2, n_windows=4)
    text = str(err.value)
    assert "series 'r' has 6 points" in text and "use at most 2 windows" in text


def test_unknown_model_name_is_a_located_error():
    with pytest.raises(InputError, match="unknown model 'prophet'"):
        make_model("prophet")


@pytest.mark.parametrize(("name", "meant"), [("Holt-Winters", "ets"), ("auto_arima", "arima"), ("etss", "ets")])
def test_another_tools_model_name_is_told_the_model_it_stands_for(name, meant):
    """Economist walk: 'holtwinters' was refused with the list of names alone (ETS is Holt–Winters)."""
    with pytest.raises(InputError, match=f"did you mean '{meant}'"):
        make_model(name)


def test_metrics_by_hand():
    df = _yearly([10.0, 12, 11, 13, 12, 14])
    frame, freqs = validate_long(df)
    series = {s.uid: s for s in split_series(frame, freqs)}
    fc = Forecaster([Naive(), Drift()])
    cv = fc.cross_validation(df, h=1, n_windows=2)
    ev = evaluate(cv, series, ["naive", "drift"]).set_index("model")
    pd.testing.assert_frame_equal(fc.evaluate(cv).set_index("model"), ev)  # the forecaster keeps the series
    # windows: train [10,12,11,13] → 13 vs actual 12; train [..,12] → 12 vs 14
    assert ev.loc["naive", "mape"] == pytest.approx((1 / 12 + 2 / 14) / 2 * 100)
    scale1, scale2 = mase_scale(np.array([10.0, 12, 11, 13]), 1), mase_scale(np.array([10.0, 12, 11, 13, 12]), 1)
    assert ev.loc["naive", "mase"] == pytest.approx((1 / scale1 + 2 / scale2) / 2)
    assert ev.loc["naive", "bias"] == pytest.approx((1 - 2) / 2)
    assert ev.loc["naive", "bias_pct"] == pytest.approx(-1 / 26 * 100)
    assert ev.loc["drift", "relative_mase"] == pytest.approx(ev.loc["drift", "mase"] / ev.loc["naive", "mase"])
    inside = ((cv["y"] >= cv["naive-lo-80"]) & (cv["y"] <= cv["naive-hi-80"])).mean() * 100
    assert ev.loc["naive", "coverage_80"] == inside
    assert ev.loc["naive", "mape_mean"] == ev.loc["naive", "mape"]  # h = 1: a window's average is its one point


def test_a_window_with_flat_training_data_is_left_out_of_mase_not_the_series():
    """Methods audit: one origin whose training data are flat (a yearly rate fixed for some years) has nothing to
    scale by, and it made the series' MASE NaN for every model — so the series fell out of the verdict."""
    df = _yearly([5.0, 5, 5, 5, 6, 7, 8, 9, 10, 11])
    frame, freqs = validate_long(df)
    series = {s.uid: s for s in split_series(frame, freqs)}
    cv = Forecaster([Naive(), Drift()]).cross_validation(df, h=1, n_windows=7, step=1)
    ev = evaluate(cv, series, ["naive", "drift"]).set_index("model")
    assert (ev["windows"] == 7).all() and (ev["mase_windows"] == 5).all()
    cutoffs = sorted(cv["cutoff"].unique())
    later = cv[cv["cutoff"] > cutoffs[1]]  # the first two training spans, [5, 5, 5] and [5, 5, 5, 5], are flat
    scales = [mase_scale(df["y"].to_numpy()[: 5 + i], 1) for i in range(5)]
    expected = np.mean(np.abs(later["naive"].to_numpy() - later["y"].to_numpy()) / np.array(scales))
    assert ev.loc["naive", "mase"] == pytest.approx(expected, rel=1e-12)
    assert np.isfinite(ev.loc["drift", "relative_mase"])


def test_the_error_of_a_windows_horizon_average_by_hand():
    """mape_mean: next year's average volume, not each month's — errors of opposite sign within a window cancel."""
    df = _yearly([10.0, 12, 11, 13, 12, 14, 13])
    frame, freqs = validate_long(df)
    series = {s.uid: s for s in split_series(frame, freqs)}
    cv = Forecaster([Naive()]).cross_validation(df, h=2, n_windows=2, step=1)
    ev = evaluate(cv, series, ["naive"]).set_index("model")
    # windows: cut after 13 → 13, 13 vs 12, 14 (average 13 vs 13: 0 %); cut after 12 → 12, 12 vs 14, 13 (12 vs 13.5)
    assert ev.loc["naive", "mape_mean"] == pytest.approx((0 + 1.5 / 13.5) / 2 * 100)
    assert ev.loc["naive", "mape"] == pytest.approx((1 / 12 + 1 / 14 + 2 / 14 + 1 / 13) / 4 * 100)


def test_auto_picks_the_model_that_backtests_best_and_uses_no_future_data():
    rng = np.random.default_rng(3)
    trend = 100 + 5 * np.arange(30) + rng.normal(0, 1, 30)
    auto = AutoSelect([Naive(), Drift()])
    frame, freqs = validate_long(_yearly(trend))
    s = split_series(frame, freqs)[0]
    choice = auto.choose(s, 2)
    assert choice.model.name == "drift" and choice.scores["drift"] < choice.scores["naive"]
    # nested: the choice at an origin depends only on the data up to it
    cv = Forecaster([auto]).cross_validation(_yearly(trend), h=2, n_windows=3)
    first = cv[cv["cutoff"] == cv["cutoff"].min()]
    direct = auto.predict(s.head(26), 2, (80, 95))
    np.testing.assert_allclose(first["auto"], direct.mean)
    assert set(cv["auto-model_used"]) == {"drift"}


def test_auto_widen_rule_widens_but_never_narrows_the_chosen_models_intervals():
    rng = np.random.default_rng(5)
    y = 50 + np.cumsum(rng.normal(0, 1, 40))
    y[-12:] += np.array([0, 8, -8, 9, -9, 10, -10, 9, -9, 8, -8, 7])  # errors larger than the model expects
    frame, freqs = validate_long(_yearly(y))
    s = split_series(frame, freqs)[0]
    auto = AutoSelect([Naive()], intervals="widen")
    choice = auto.choose(s, 2)
    own = Naive().predict(s, 2, (80,))
    fit = auto.predict(s, 2, (80,))
    assert choice.interval_scale > 1
    np.testing.assert_allclose(fit.hi[80] - fit.mean, choice.interval_scale * (own.hi[80] - own.mean))
    calm_y = np.r_[50 + rng.normal(0, 10, 28), np.full(12, 50.0) + rng.normal(0, 0.1, 12)]  # noisy, then calm
    calm = split_series(*validate_long(_yearly(calm_y)))[0]
    calm_choice = auto.choose(calm, 2)
    assert calm_choice.interval_scale < 1
    np.testing.assert_allclose(auto.predict(calm, 2, (80,)).hi[80], Naive().predict(calm, 2, (80,)).hi[80])


def test_short_series_warn_with_series_and_fallback():
    fc = Forecaster([make_model("ets", "Y")])
    out = fc.forecast(_yearly([3.0, 4, 5, 6, 7, 8]), h=2)
    assert out["ets-model_used"].unique().tolist() == ["naive"]
    assert len(fc.warnings) == 1 and fc.warnings[0].check == "short_series"
    assert "at 'r'" in str(fc.warnings[0]) and "used naive instead" in str(fc.warnings[0])


def test_forecaster_evaluate_needs_its_own_cross_validation():
    fc = Forecaster([Naive()])
    fc.fit(_yearly([10.0, 12, 11, 13, 12, 14]))
    with pytest.raises(RuntimeError, match="cross_validation"):
        fc.evaluate(pd.DataFrame({"unique_id": ["r"]}))
    cv = fc.cross_validation(_yearly([10.0, 12, 11, 13, 12, 14]), h=1, n_windows=2)
    with pytest.raises(ValueError, match="other"):
        fc.evaluate(cv.assign(unique_id="other"))
    before = fc.evaluate(cv)
    fc.fit(_yearly([100.0, 1, 100, 1, 100, 1]))  # a later fit does not change how cv is scored
    pd.testing.assert_frame_equal(fc.evaluate(cv), before)


def test_verdict_reads_the_metrics_table():
    from resmodel.forecast.metrics import verdict

    metrics = pd.DataFrame({"unique_id": ["a", "b", "a", "b"], "model": ["naive", "naive", "ets", "ets"],
                            "relative_mase": [1.0, 1.0, 0.8, 1.2], "beats_naive": [False, False, True, False],
                            "coverage_80": [95.0, 60.0, 70.0, 90.1], "points": [96, 96, 96, 96], "windows": [8, 8, 8, 8]})
    v = verdict(metrics, "ets").set_index("unique_id")
    assert v["beats_naive"].to_dict() == {"a": True, "b": False}
    assert v["calibrated_80"].to_dict() == {"a": True, "b": False}  # 70 is in the band, 90.1 is not
    few = verdict(metrics.assign(windows=6), "ets").set_index("unique_id")  # 6 origins (72 points): not judged
    assert not few["judged_80"].any() and not few["calibrated_80"].any()


@pytest.mark.parametrize("n, h, fix", [(5, 3, "use a horizon of at most 2 periods"),
                                       (3, 1, "give the series at least 4 points")])
def test_too_short_for_any_window_says_what_would_fit(n, h, fix):
    with pytest.raises(InputError, match=fix):
        Forecaster([Naive()]).cross_validation(_yearly(np.arange(n) + 1.0), h=h)


def test_monthly_mase_is_scaled_by_each_origins_own_lag_12_differences():
    """Hyndman & Koehler (2006) with a seasonal naive scale: at each cutoff, the mean absolute 12-month
    difference of the data up to it; the MASE is the mean of the scaled absolute errors of every point."""
    rng = np.random.default_rng(5)
    y = 100 + np.arange(30.0) + 8 * np.sin(2 * np.pi * np.arange(30) / 12) + rng.normal(0, 2, 30)
    df = monthly_frame("m", y)
    frame, freqs = validate_long(df)
    series = {s.uid: s for s in split_series(frame, freqs)}
    cv = Forecaster([Naive()]).cross_validation(df, h=2, n_windows=3, step=2)
    ev = evaluate(cv, series, ["naive"]).set_index("model")
    scaled = []
    for n in (24, 26, 28):  # training lengths at the three cutoffs
        scale = np.mean(np.abs(y[12:n] - y[:n - 12]))
        scaled += list(np.abs(y[n:n + 2] - y[n - 1]) / scale)  # naive: the last value carried forward
    assert ev.loc["naive", "mase"] == pytest.approx(np.mean(scaled), rel=1e-12)
    assert mase_scale(y[:24], 12) != pytest.approx(mase_scale(y[:24], 1))  # the lag matters on this series


def test_coverage_counts_a_value_on_a_bound_as_inside_and_a_zero_scale_gives_no_mase():
    from resmodel.forecast.metrics import coverage

    assert coverage(np.array([1.0, 2, 3]), np.array([1.0, 0, 4]), np.array([2.0, 2, 5])) == pytest.approx(200 / 3)
    df = _yearly([5.0, 5, 5, 5, 5, 8])  # flat training data: no scale to divide by
    frame, freqs = validate_long(df)
    series = {s.uid: s for s in split_series(frame, freqs)}
    cv = Forecaster([Naive()]).cross_validation(df, h=1, n_windows=1)
    assert np.isnan(evaluate(cv, series, ["naive"]).set_index("model").loc["naive", "mase"])


def test_the_selections_interval_scale_is_a_ratio_of_root_mean_squares():
    """The widening factor of the chosen model: √(mean e²) / √(mean σ_k²) over inner origins and steps, σ_k the
    model's own standard deviation at step k — for naive √(mean of squared one-step differences) · √k."""
    from resmodel.forecast.crossval import training_lengths
    from resmodel.forecast.frame import YEARLY, Series

    y = np.array([10.0, 13, 11, 16, 12, 17, 15, 21, 16, 22, 24, 19])
    s = Series("r", YEARLY, pd.date_range("2010-01-01", periods=12, freq="YS"), y, pd.DataFrame(index=range(12)))
    choice = AutoSelect([Naive()], windows=3).choose(s, 2)
    errors, sigmas = [], []
    for n in training_lengths(12, 2, 3, 1):
        sigma = np.sqrt(np.mean(np.diff(y[:n]) ** 2))
        errors += [y[n + k - 1] - y[n - 1] for k in (1, 2)]
        sigmas += [sigma * np.sqrt(k) for k in (1, 2)]
    expected = np.sqrt(np.mean(np.square(errors))) / np.sqrt(np.mean(np.square(sigmas)))
    assert choice.interval_scale == pytest.approx(expected, rel=1e-12)


def test_one_inner_origin_with_a_near_zero_sigma_does_not_blow_up_the_intervals():
    """The audit's 7-point hourly rate: at the first inner origin drift's three points rise almost evenly
    (predicted σ 0.09 and 0.14) and the next changes are larger, so that origin's errors / σ are 72 and 46; the RMS of
    such ratios widened drift's 80 % interval from ±3.6 to ±126. The ratio of root-mean-squares stays near 1."""
    y = [295.4, 299.8, 304.3, 315.0, 319.7, 324.5, 332.6]
    frame, freqs = validate_long(_yearly(y))
    s = split_series(frame, freqs)[0]
    auto = make_model("auto", "Y")
    choice = auto.choose(s, 3)
    assert choice.model.name == "drift"
    assert choice.interval_scale == pytest.approx(0.99, abs=0.01)
    fit = auto.predict(s, 3, (80,))
    own = make_model("drift", "Y").predict(s, 3, (80,))
    np.testing.assert_allclose(fit.hi[80], own.hi[80])  # not widened: its inner errors are about its own σ
