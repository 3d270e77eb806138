"""Monte Carlo memory (performance review finding 1): the rows × draws array of the draws is held once, filled
chunk by chunk in the output's row order and summarised in place; the percentiles, median and mean stay those of
a straightforward computation on all draws at once."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from resmodel.budget import montecarlo as mc
from resmodel.budget.case import case_rows, prepare_case, yearly_arrays
from resmodel.budget.projection import sort_order
from tests.budget.conftest import small_case
from tests.budget.test_montecarlo import SPEC  # the distributions the Monte Carlo tests draw from


def _all_draws(case, spec, draws: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Every draw's yearly rows in one block (no chunks), sorted as the output: the straightforward way."""
    pc = prepare_case(case)
    p = pc.projection
    shocks = mc.sample_shocks(spec, p.services, p.horizon.years, draws, seed, case.inputs.fixed_volume_services)
    block = case_rows(pc, *yearly_arrays(pc, shocks))
    order = sort_order(block.keys)
    return block.keys.iloc[order].reset_index(drop=True), block.values[order]


def _by_hand(values: np.ndarray, q: float) -> np.ndarray:
    """Percentile q of each row from its sorted draws, interpolating linearly between ranks (numpy's default)."""
    ordered = np.sort(values, axis=1)
    h = (values.shape[1] - 1) * q / 100
    low, high = int(np.floor(h)), int(np.ceil(h))
    return ordered[:, low] + (h - low) * (ordered[:, high] - ordered[:, low])


@pytest.mark.parametrize("draws", [100, 101])
def test_percentiles_equal_a_straightforward_computation_on_all_draws(draws):
    case, spec = small_case(3), mc.load_uncertainty(SPEC)
    keys, values = _all_draws(case, spec, draws, seed=4)
    table = mc.run(case, spec, draws=draws, seed=4, chunk=7).table  # many chunks, the last one short
    pd.testing.assert_frame_equal(table[list(keys.columns)], keys)
    # the same bits as the earlier summary on copies: mean in draw order, np.median, np.percentile
    np.testing.assert_array_equal(table["mean"], values.mean(axis=1))
    np.testing.assert_array_equal(table["value"], np.median(values, axis=1))
    for p in mc.DEFAULT_PERCENTILES:
        np.testing.assert_array_equal(table[f"p{p:02d}"], np.percentile(values, p, axis=1))
        np.testing.assert_allclose(table[f"p{p:02d}"], _by_hand(values, p), rtol=1e-12)
    np.testing.assert_allclose(table["value"], _by_hand(values, 50), rtol=1e-12)


def test_the_draws_are_held_once():
    case, spec, draws = small_case(5), mc.load_uncertainty(SPEC), 4000
    rows = len(mc.run(case, spec, draws=3, seed=1).table)
    one_copy = rows * draws * 8
    tracemalloc.start()
    try:
        mc.run(case, spec, draws=draws, seed=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # one copy plus a chunk's working arrays (1.6 copies here); four copies before the fix (4.1)
    assert peak < 2.5 * one_copy, f"peak {peak / 1e6:.1f} MB is {peak / one_copy:.1f} copies of the draws"
