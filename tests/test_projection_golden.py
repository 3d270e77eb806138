"""Golden scenario results: a fresh run of every shipped scenario equals tests/golden/<scenario>.csv
(yearly net cost, frame and deviation per area; relative tolerance 1e-6). Regenerate with
tests/golden/regenerate.py after an intended change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.golden.regenerate import GOLDEN, golden_table, scenario_files

SCENARIOS = scenario_files()


def test_every_shipped_scenario_has_a_golden_file():
    assert {p.stem for p in SCENARIOS} == {p.stem for p in GOLDEN.glob("*.csv")}


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_golden(path):
    stored = pd.read_csv(GOLDEN / f"{path.stem}.csv", dtype={"year": str})
    fresh = golden_table(path)
    assert list(fresh[["year", "area"]].itertuples(index=False)) == list(stored[["year", "area"]].itertuples(index=False))
    for column in ("net_cost", "frame", "deviation"):
        np.testing.assert_allclose(fresh[column].to_numpy(dtype=float), stored[column].to_numpy(dtype=float),
                                   rtol=1e-6, atol=1.0, err_msg=f"{path.stem}: {column}")
