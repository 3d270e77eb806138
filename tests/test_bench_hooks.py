"""The benchmarks reach into the code they time: bench/bench_premises.py tags each CBC solve by the reasons'
function that made it. When the reasons moved to planning/reasons.py the benchmark failed at its first part
(AttributeError: planning_run has no _planned_without) and no test noticed."""

from __future__ import annotations

import sys
from pathlib import Path

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
