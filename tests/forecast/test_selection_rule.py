"""The one-standard-error selection rule of ``auto`` against the lowest-mean rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.forecast.crossval import training_lengths
from resmodel.forecast.ensemble import AutoSelect, one_se_choice
from resmodel.forecast.frame import MONTHLY, Series
from resmodel.forecast.models import Drift, Fit, Model, Naive


def _series(y) -> Series:
    n = len(y)
    return Series("s", MONTHLY, pd.date_range("2015-01-01", periods=n, freq="MS"), np.asarray(y, dtype=float),
                  pd.DataFrame(index=range(n)))


def test_simpler_model_within_one_standard_error_is_chosen():
    # ets is best on average (1.033 against 1.100), but the paired differences naive − ets are
    # 0.1, 0.2, −0.1: mean 0.067, standard error 0.153 / √3 = 0.088, so naive is within one SE
    scores = {"naive": np.array([1.0, 1.2, 1.1]), "ets": np.array([0.9, 1.0, 1.2])}
    assert one_se_choice(scores, ["naive", "ets"]) == "naive"


def test_clearly_better_model_is_kept():
    # differences 0.5, 0.6, 0.55: mean 0.55, standard error 0.05 / √3 = 0.029 — naive is out
    scores = {"naive": np.array([1.0, 1.2, 1.1]), "ets": np.array([0.5, 0.6, 0.55])}
    assert one_se_choice(scores, ["naive", "ets"]) == "ets"


def test_order_not_dict_order_decides_simplicity():
    scores = {"ets": np.array([1.0, 1.0, 1.0]), "naive": np.array([1.0, 1.0, 1.0])}
    assert one_se_choice(scores, ["naive", "ets"]) == "naive"


def test_auto_with_one_se_still_follows_a_clear_trend():
    y = 100 + 2.0 * np.arange(60) + np.random.default_rng(0).normal(0, 0.5, 60)
    for rule in ("min", "one_se"):
        assert AutoSelect([Naive(), Drift()], selection=rule).choose(_series(y), 12).model.name == "drift"


class _Erratic(Model):
    """A test candidate that knows the future: at the k-th inner origin its error is
    ``factors[k]`` × naive's, so its mean beats naive but it is erratic."""

    name = "erratic"

    def __init__(self, y: np.ndarray, factors: dict[int, float]):
        self.y, self.factors = y, factors

    def min_length(self, freq):
        return 1

    def predict(self, s, h, levels, X_future=None):
        n = len(s.y)
        naive = np.full(h, s.y[-1])
        return Fit(naive + (1 - self.factors.get(n, 1.0)) * (self.y[n:n + h] - naive), used=self.name)


def test_the_rule_decides_between_a_steady_and_an_erratic_candidate():
    y = 100 + 3.0 * np.arange(60)  # a line: naive's error is the same at every inner origin
    lengths = training_lengths(len(y), 12, 3, 6)
    erratic = _Erratic(y, dict(zip(lengths, (0.2, 1.6, 0.9), strict=True)))  # mean 0.9 of naive's error
    chosen = {rule: AutoSelect([Naive(), erratic], selection=rule).choose(_series(y), 12) for rule in ("min", "one_se")}
    assert chosen["min"].model.name == "erratic"  # lowest mean
    assert chosen["one_se"].model.name == "naive"  # within one standard error (0.10 against 0.40 of naive's error)
    assert chosen["min"].scores["erratic"] == pytest.approx(0.9 * chosen["min"].scores["naive"])


def test_unknown_selection_rule_is_refused():
    with pytest.raises(ValueError, match="selection must be one of"):
        AutoSelect([Naive()], selection="best")


def test_a_candidate_exactly_one_standard_error_behind_is_within():
    # paired differences 0 and 2: mean 1, standard error √2 / √2 = 1 — "at most one SE" includes it
    scores = {"naive": np.array([1.0, 3.0]), "ets": np.array([1.0, 1.0])}
    assert one_se_choice(scores, ["naive", "ets"]) == "naive"
    scores["naive"] = np.array([1.1, 3.0])  # differences 0.1 and 2: mean 1.05 against a standard error of 0.95
    assert one_se_choice(scores, ["naive", "ets"]) == "ets"


def test_the_empirical_interval_rule_uses_the_rms_backtest_error_per_step():
    """On a line y = 100 + 3t the naive forecast misses by exactly 3k at step k from every origin, so
    the empirical rule's 80 % half-width is z₀.₉ · 3k (z₀.₉ = 1.2816), whatever naive's own intervals say."""
    from statistics import NormalDist

    y = 100 + 3.0 * np.arange(60)
    fit = AutoSelect([Naive()], intervals="empirical").predict(_series(y), 12, (80, 95))
    k = np.arange(1, 13)
    np.testing.assert_allclose(fit.mean, y[-1])
    np.testing.assert_allclose(fit.hi[80] - fit.mean, NormalDist().inv_cdf(0.9) * 3 * k, rtol=1e-12)
    np.testing.assert_allclose(fit.mean - fit.lo[95], NormalDist().inv_cdf(0.975) * 3 * k, rtol=1e-12)
