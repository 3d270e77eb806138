"""The default forecast ``auto``: ``comb`` with calibrated intervals on monthly series, and the
selection ``select`` where ``comb`` cannot be fitted and on yearly series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.forecast import make_model
from resmodel.forecast.ensemble import AutoSelect
from resmodel.forecast.forecaster import default_candidates
from resmodel.forecast.frame import MONTHLY, YEARLY, Series
from resmodel.forecast.models import Combination, Drift, Naive


def _series(y, freq=MONTHLY) -> Series:
    n = len(y)
    ds = pd.date_range("2015-01-01", periods=n, freq="MS" if freq == MONTHLY else "YS")
    return Series("s", freq, ds, np.asarray(y, dtype=float), pd.DataFrame(index=range(n)))


def _same(a, b):
    np.testing.assert_allclose(a.mean, b.mean)
    for lv in (80, 95):
        np.testing.assert_allclose(a.lo[lv], b.lo[lv])
        np.testing.assert_allclose(a.hi[lv], b.hi[lv])
    assert a.used == b.used


def test_monthly_auto_is_the_combination_with_the_selections_interval_rule():
    y = 300 + np.cumsum(np.random.default_rng(3).normal(0.5, 4.0, 84))  # 7 years: long enough for comb
    s = _series(y)
    auto = make_model("auto", MONTHLY)
    fit = auto.predict(s, 12, (80, 95))
    assert fit.used == "comb"
    _same(fit, AutoSelect([Combination()]).predict(s, 12, (80, 95)))  # the studied variant, exactly
    assert auto.choose(s, 12).scores.keys() == {"comb"}  # the other candidates are not even backtested
    assert np.all(fit.hi[80] - fit.mean > 0) and np.all(fit.hi[95] > fit.hi[80])


def test_monthly_series_too_short_for_the_combination_get_the_selection():
    t = np.arange(50)  # comb needs 38 months at the earliest inner origin (50 − 24 < 38)
    y = 100 + 2.0 * t + np.random.default_rng(5).normal(0, 1.0, 50)
    s = _series(y)
    fit = make_model("auto", MONTHLY).predict(s, 12, (80, 95))
    selection = make_model("select", MONTHLY)
    assert selection.name == "select"
    _same(fit, selection.predict(s, 12, (80, 95)))
    assert fit.used not in ("comb", "naive")  # a trend model, not the naive fallback
    assert fit.mean[-1] > y[-1] + 10


def test_yearly_auto_is_the_selection():
    y = 100 + 3 * np.arange(14.0) + np.random.default_rng(1).normal(0, 1, 14)
    s = _series(y, YEARLY)
    auto = make_model("auto", YEARLY)
    assert auto.prefer == () and [c.name for c in auto.candidates] == [c.name for c in default_candidates(YEARLY)]
    _same(auto.predict(s, 2, (80, 95)), make_model("select", YEARLY).predict(s, 2, (80, 95)))


def test_preferred_candidates_are_chosen_among_first():
    y = 50 + np.arange(40.0)  # a straight line: drift is exact, naive is not
    s = _series(y, YEARLY)
    naive, drift = Naive(), Drift()
    assert AutoSelect([naive, drift]).choose(s, 2).model.name == "drift"
    assert AutoSelect([naive, drift], prefer=("naive",)).choose(s, 2).model.name == "naive"
    with pytest.raises(ValueError, match="not candidates"):
        AutoSelect([naive, drift], prefer=("comb",))


def test_auto_leaves_out_the_structural_models_that_select_takes():
    flows = {"s": pd.DataFrame({"year": [2020], "stock_start": [10.0]})}
    auto = make_model("auto", MONTHLY, driver="population", flows=flows)
    selection = make_model("select", MONTHLY, driver="population", flows=flows)
    assert {c.name for c in selection.candidates} - {c.name for c in auto.candidates} == {"demographic", "stockflow"}
    assert auto.exog == () and selection.exog == ("population",)
