"""Code review of the nowcast, second round: the links of the development and the sums over later lags are each
worked out in one place."""

from __future__ import annotations

import numpy as np

from resmodel.forecast.nowcast import _link_rows, _sum_from_lag


def test_the_sum_from_each_lag_on_ends_with_nothing_to_come():
    np.testing.assert_array_equal(_sum_from_lag(np.array([1.0, 2.0, 4.0])), [7.0, 6.0, 4.0, 0.0])
    np.testing.assert_array_equal(_sum_from_lag(np.array([False, True, False])) > 0, [True, True, False, False])


def test_a_link_counts_the_latest_rows_observed_at_both_lags_and_reversed_at_neither():
    C = np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 0.0], [1.0, 2.0], [1.0, np.nan]])
    rev = np.zeros_like(C, dtype=bool)
    rev[2, 1] = True  # row 2 reversed in full at lag 1
    np.testing.assert_array_equal(_link_rows(C, rev, 0, None), [0, 1, 3])
    np.testing.assert_array_equal(_link_rows(C, rev, 0, 2), [1, 3])
