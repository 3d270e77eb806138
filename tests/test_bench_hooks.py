"""The benchmarks reach into the code they time: bench/bench_premises.py tags each CBC solve by the reasons'
function that made it. When the reasons moved to planning/reasons.py the benchmark failed at its first part
(AttributeError: planning_run has no _planned_without) and no test noticed."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_the_premises_benchmark_can_tag_the_solves_of_the_code_it_times(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    monkeypatch.delitem(sys.modules, "bench_premises", raising=False)
    import bench_premises

    from resmodel.planning import premises, reasons

    originals = (premises._solve, reasons._planned_without, reasons._timing_tie)
    with bench_premises.counted_solves() as solves:
        assert solves == [] and reasons._planned_without is not originals[1]
    assert (premises._solve, reasons._planned_without, reasons._timing_tie) == originals  # restored


def test_the_nowcast_benchmark_can_record_the_calls_it_times_and_reach_its_reference(monkeypatch):
    """bench/bench_nowcast.py records what ``nowcast`` passes ``_chain_ladder_mse`` and times it against the loop in
    tests/forecast/test_nowcast_mse.py: both must still be where it reaches for them."""
    monkeypatch.syspath_prepend(str(BENCH))
    monkeypatch.delitem(sys.modules, "bench_nowcast", raising=False)
    import bench_nowcast

    from resmodel.forecast import nowcast

    original = nowcast._chain_ladder_mse
    ultimate, lag, dev = bench_nowcast.mse_arguments(bench_nowcast.invoices(24))
    assert nowcast._chain_ladder_mse is original and len(ultimate) == len(lag) == 24  # restored
    np.testing.assert_allclose(original(ultimate, lag, dev)[0], bench_nowcast.reference()(ultimate, lag, dev)[0],
                               rtol=1e-12, atol=0)
