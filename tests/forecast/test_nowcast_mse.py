"""The chain ladder's mean squared errors computed for every row and lag at once (code review, speed: the loop over
rows × lags took 13 s of a 360-month nowcast) equal those of the loop, kept here as the reference, on the demo
triangle and on random triangles with what the nowcast meets: lags without a factor, months of 0, partial credits
and full reversals. bench/bench_nowcast.py times the two on 360 months."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.errors import InputError
from resmodel.forecast.nowcast import (
    Development,
    NowcastParams,
    _chain_ladder_mse,
    _complete,
    build_triangle,
    reversed_months,
)
from resmodel.io.series import read_triangle
from tests.conftest import ROOT

TRIANGLE = ROOT / "data" / "demokommun" / "invoice_triangle.csv"


def reference_chain_ladder_mse(ultimate: np.ndarray, lag: np.ndarray, dev: Development
                               ) -> tuple[np.ndarray, np.ndarray]:
    """Reference, row by row and lag by lag: Mack's (1993) mean squared error of each row's chain-ladder ultimate,
    Û² Σ over the lags k ≥ lag with a usable factor of σ²_k / f_k² (1 / (Û ĝ_k) + 1 / Σ C_k), and whether a
    factor ≠ 1 among those lags has a σ² set rather than estimated."""
    f, s2, den = dev.factors, dev.sigma2, dev.denominators
    n = len(lag)
    mse = np.zeros(n)
    unestimated = np.zeros(n, dtype=bool)
    for i in range(n):
        terms = 0.0
        for k in range(lag[i], n - 1):
            if not np.isfinite(f[k]) or den[k] <= 0 or dev.completeness[k] <= 0:
                continue
            unestimated[i] |= not dev.estimated[k] and f[k] != 1.0
            c_hat = ultimate[i] * dev.completeness[k]
            if c_hat > 0:
                terms += s2[k] / f[k] ** 2 * (1 / c_hat + 1 / den[k])
        mse[i] = ultimate[i] ** 2 * terms
    return mse, unestimated


def _assert_same(ultimate: np.ndarray, lag: np.ndarray, dev: Development) -> tuple[np.ndarray, np.ndarray]:
    """The fast errors and flags are the reference's (errors to 1e-12 relative); returns the reference's."""
    mse, unestimated = _chain_ladder_mse(ultimate, lag, dev)
    ref_mse, ref_unestimated = reference_chain_ladder_mse(ultimate, lag, dev)
    np.testing.assert_allclose(mse, ref_mse, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(unestimated, ref_unestimated)
    return ref_mse, ref_unestimated


def random_invoices(seed: int) -> pd.DataFrame:
    """Invoices of a random reporting pattern: 2–48 service months reported over 1–8 lags (now and then nothing at
    lag 0, which leaves lag 0 without a factor), noisy amounts, months of 0, partial credits and full reversals."""
    rng = np.random.default_rng(seed)
    n, lags = int(rng.integers(2, 49)), int(rng.integers(1, 9))
    share = rng.dirichlet(np.ones(lags))
    if rng.random() < 0.3:
        share[0] = 0.0
    rows = []
    for i, month in enumerate(pd.date_range("2020-01-01", periods=n, freq="MS")):
        level = 0.0 if rng.random() < 0.05 else 1e6 * rng.lognormal(0, 0.2)
        invoiced = 0.0
        for k in range(min(lags, n - i)):
            amount = level * share[k] * rng.lognormal(0, 0.1)
            draw = rng.random()
            amount = -invoiced if draw < 0.04 else -0.5 * invoiced if draw < 0.08 else amount  # a credit
            invoiced += amount
            rows.append((month, month + pd.DateOffset(months=k), round(amount, 2)))
    return pd.DataFrame(rows, columns=["service_month", "reporting_month", "amount_sek"])


@pytest.mark.parametrize("value", ["amount_sek", "cases"])
@pytest.mark.parametrize("recent_rows", [None, 12])
def test_the_demo_triangles_errors_are_the_reference_loops(value, recent_rows):
    tri = build_triangle(read_triangle(TRIANGLE, value), value)
    c = _complete(tri, NowcastParams(recent_rows=recent_rows))
    mse, _ = _assert_same(c.ultimate, c.lag, c.dev)
    assert (mse[c.chain_ladder & (c.completeness < 1)] > 0).all()  # errors that measure something


def _completions(seed: int):
    """A random triangle's completions with and without its full reversals, with the development from all rows and
    from the 6 latest (none when no month is complete enough to set a level, or nothing is invoiced)."""
    try:
        tri = build_triangle(random_invoices(seed), "amount_sek")
    except InputError:
        return
    for keep_reversals in (False, True):
        for recent_rows in (None, 6):
            try:
                yield tri, _complete(tri, NowcastParams(recent_rows=recent_rows), keep_reversals)
            except InputError:
                continue


def test_random_triangles_errors_are_the_reference_loops():
    """On the completions of 80 random triangles, and with ultimates of either sign: the cases seen are asserted, so
    that the comparison covers them."""
    seen, compared = set(), 0
    for seed in range(80):
        for tri, c in _completions(seed):
            _, unestimated = _assert_same(c.ultimate, c.lag, c.dev)
            _assert_same(np.random.default_rng(seed).normal(0, 1e6, len(c.lag)), c.lag, c.dev)
            f = c.dev.factors
            seen |= {name for name, hit in (("reversal", reversed_months(tri.cumulative)), ("no factor", ~np.isfinite(f)),
                                            ("factor below 1", f < 1), ("ultimate 0 or less", c.ultimate <= 0),
                                            ("unestimated", unestimated)) if hit.any()}
            compared += 1
    assert seen == {"reversal", "no factor", "factor below 1", "ultimate 0 or less", "unestimated"} and compared > 200

