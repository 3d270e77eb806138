"""Code review of the nowcast, second round: a count of months of 0 is refused rather than taken as every month (the
last 0 rows, x[-0:], are all of them), and the links of the development and the sums over later lags are each
worked out in one place."""

from __future__ import annotations

import numpy as np
import pytest

from resmodel.errors import InputError
from resmodel.forecast.nowcast import (
    NowcastParams,
    _link_rows,
    _sum_from_lag,
    backtest_nowcast,
    build_triangle,
    nowcast,
    nowcast_total,
)
from resmodel.io.series import read_triangle
from tests.conftest import ROOT

TRIANGLE = ROOT / "data" / "demokommun" / "invoice_triangle.csv"


def _refusal(call) -> tuple[str, str, str, str]:
    """The one problem of the InputError ``call`` raises: (where, problem, expected, fix)."""
    with pytest.raises(InputError) as caught:
        call()
    (p,) = caught.value.problems
    return p.location.path, p.problem, p.expected, p.fix


@pytest.mark.parametrize(("field", "value"), [("prior_rows", 0), ("prior_rows", -2), ("prior_rows", 2.5),
                                              ("recent_rows", 0), ("recent_rows", -1)])
def test_a_prior_or_development_from_no_months_is_refused(field, value):
    where, problem, expected, fix = _refusal(lambda: NowcastParams(**{field: value}))
    assert where == field and problem == f"{field} is {value}"
    assert expected.startswith("a whole number of ") and "1 or more" in expected and "every one" in expected
    assert fix.startswith(f"give {field} as 1 or more")


def test_the_smallest_counts_and_every_row_are_accepted():
    tri = build_triangle(read_triangle(TRIANGLE, "amount_sek"), "amount_sek")
    one = nowcast(tri, NowcastParams(prior_rows=1, recent_rows=1))
    assert one["nowcast"].notna().all() and NowcastParams(recent_rows=None).recent_rows is None


@pytest.mark.parametrize("months", [0, -3])
def test_a_sum_over_no_months_is_refused_not_the_sum_of_every_month(months):
    tri = build_triangle(read_triangle(TRIANGLE, "amount_sek"), "amount_sek")
    where, problem, expected, fix = _refusal(lambda: nowcast_total(tri, months))
    assert (where, problem) == ("months", f"months is {months}") and "service months to sum" in expected
    assert "1 or more" in fix


def test_a_sum_over_a_numpy_count_of_months_is_over_the_last_months():
    tri = build_triangle(read_triangle(TRIANGLE, "amount_sek"), "amount_sek")
    last_two = nowcast(tri)["nowcast"].iloc[-2:].sum()
    assert nowcast_total(tri, np.int64(2))["nowcast"] == pytest.approx(last_two, rel=1e-12)  # not row 2 alone


def test_a_backtest_of_no_recent_months_is_refused():
    invoices = read_triangle(TRIANGLE, "amount_sek")
    where, problem, _, fix = _refusal(lambda: backtest_nowcast(invoices, "amount_sek", recent_months=0))
    assert (where, problem) == ("recent_months", "recent_months is 0") and "1 or more" in fix


def test_the_sum_from_each_lag_on_ends_with_nothing_to_come():
    np.testing.assert_array_equal(_sum_from_lag(np.array([1.0, 2.0, 4.0])), [7.0, 6.0, 4.0, 0.0])
    np.testing.assert_array_equal(_sum_from_lag(np.array([False, True, False])) > 0, [True, True, False, False])


def test_a_link_counts_the_latest_rows_observed_at_both_lags_and_reversed_at_neither():
    C = np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 0.0], [1.0, 2.0], [1.0, np.nan]])
    rev = np.zeros_like(C, dtype=bool)
    rev[2, 1] = True  # row 2 reversed in full at lag 1
    np.testing.assert_array_equal(_link_rows(C, rev, 0, None), [0, 1, 3])
    np.testing.assert_array_equal(_link_rows(C, rev, 0, 2), [1, 3])
