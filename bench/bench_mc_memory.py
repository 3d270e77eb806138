"""Memory of the Monte Carlo (performance review finding 1): peak traced memory (tracemalloc) of `montecarlo.run`
and of its summary step, against the earlier way (the chunks kept in a list, concatenated, reordered, then
np.percentile and np.median each on a copy) and against the size of one rows × draws array, in the same run.

Run:  python bench/bench_mc_memory.py [--case demo|topdown] [--draws 10000] [--seed 1]
Prints a markdown table (for docs/benchmarks.md). Both ways must give identical tables (asserted)."""

from __future__ import annotations

import argparse
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from bench_budget import SPEC, load_case, load_demo_case

from resmodel.budget import montecarlo as mc
from resmodel.budget.case import case_rows, prepare_case, yearly_arrays
from resmodel.budget.projection import sort_order


def earlier_chunks(case, spec, draws: int, seed: int, chunk: int = 250) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """The draws as `run` gathered them before the fix: every chunk's rows × draws block kept in a list."""
    pc = prepare_case(case)
    p = pc.projection
    shocks = mc.sample_shocks(spec, p.services, p.horizon.years, draws, seed, case.inputs.fixed_volume_services)
    keys, parts = None, []
    for start in range(0, draws, chunk):
        block = case_rows(pc, *yearly_arrays(pc, shocks.take(slice(start, min(start + chunk, draws)))))
        keys = block.keys if keys is None else keys
        parts.append(block.values)
    return keys, parts


def earlier_summary(scenario: str, keys: pd.DataFrame, values: np.ndarray) -> pd.DataFrame:
    """The summary before the fix: reordered rows (a copy), np.percentile and np.median (a copy each)."""
    order = sort_order(keys)
    keys, values = keys.iloc[order].reset_index(drop=True), values[order]
    table = keys.copy()
    table.insert(0, "scenario", scenario)
    q = np.percentile(values, mc.DEFAULT_PERCENTILES, axis=1)
    table["value"] = np.median(values, axis=1)
    table["mean"] = values.mean(axis=1)
    for p, col in zip(mc.DEFAULT_PERCENTILES, q, strict=True):
        table[f"p{p:02d}"] = col
    return table


def earlier_run(case, spec, draws: int, seed: int) -> pd.DataFrame:
    """The whole Monte Carlo table the earlier way: the list of chunks and their concatenation stayed alive, as
    in `run`, while the summary ran (the precision note, a few rows, left out)."""
    keys, parts = earlier_chunks(case, spec, draws, seed)
    values = np.concatenate(parts, axis=1)
    return earlier_summary(case.scenario, keys, values)


def peak(fn: Callable[[], Any]) -> tuple[int, Any]:
    """(peak bytes traced while ``fn`` runs, its result)."""
    tracemalloc.start()
    try:
        result = fn()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def summary_peaks(case, spec, draws: int, seed: int) -> tuple[int, list[tuple[str, int, pd.DataFrame]]]:
    """(bytes of one rows × draws array, the summary step's peak the earlier way and now) on the same draws."""
    keys, parts = earlier_chunks(case, spec, draws, seed)
    values = np.concatenate(parts, axis=1)
    del parts
    order = sort_order(keys)
    sorted_keys, sorted_values = keys.iloc[order].reset_index(drop=True), values[order]
    return values.nbytes, [
        ("summary, earlier (reorder, np.percentile and np.median on copies)",
         *peak(lambda: earlier_summary(case.scenario, keys, values))),
        ("summary, now (`_summarise` in place)",
         *peak(lambda: mc._summarise(case.scenario, sorted_keys, sorted_values, mc.DEFAULT_PERCENTILES)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=("demo", "topdown"), default="demo")
    parser.add_argument("--draws", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    case = load_demo_case() if args.case == "demo" else load_case()
    spec = mc.load_uncertainty(SPEC)

    one_copy, rows = summary_peaks(case, spec, args.draws, args.seed)
    rows += [("whole Monte Carlo, earlier (chunks in a list, concatenated, summary on copies)",
              *peak(lambda: earlier_run(case, spec, args.draws, args.seed))),
             ("whole Monte Carlo, now (`montecarlo.run`)",
              *peak(lambda: mc.run(case, spec, draws=args.draws, seed=args.seed).table))]
    for _, _, table in rows[1:]:
        pd.testing.assert_frame_equal(table, rows[0][2], check_exact=True)

    label = "demo municipality, scenarios/base.yaml" if args.case == "demo" else "top-down 2024 board"
    print(f"Monte Carlo memory — {label}, {args.draws:,} draws, seed {args.seed}: {one_copy // (args.draws * 8):,} "
          f"yearly rows; one rows × draws array of float64 is {one_copy / 1e6:.1f} MB\n")
    print("| step | peak traced (MB) | copies of the array |")
    print("|---|---:|---:|")
    for name, nbytes, _ in rows:
        print(f"| {name} | {nbytes / 1e6:.1f} | {nbytes / one_copy:.2f} |")
    print("\nThe earlier way and now give identical tables (asserted).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
