"""Benchmark of the budget core (issue 4): a 10-year projection (monthly, with frame and deviation)
and 1 000 Monte Carlo draws, vectorised and as a straightforward per-draw loop, in the same run.

Run:  python bench/bench_budget.py [--case topdown|demo] [--draws 1000] [--loop-draws 1000] [--repeat 5]
Prints a markdown table (for docs/benchmarks.md). Case `topdown`: the 2024 top-down board
(data/topdown_2024) projected 2025–2034 by resmodel.budget.reference_case; case `demo`: the demo
municipality's base scenario (scenarios/base.yaml) as `resmodel project` builds it. The Monte Carlo
varies all six drivers. Percentiles of the two Monte Carlo paths are compared before timings are shown."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from timing import median_time

from resmodel.budget import montecarlo as mc
from resmodel.budget.case import run_budget
from resmodel.budget.frame import load_frame
from resmodel.budget.reference_case import reference_case
from resmodel.budget.topdown import TopDownData

ROOT = Path(__file__).resolve().parents[1]
SPEC = {
    "volume_growth": {"dist": "normal", "mean": 0.0, "sd": 0.01},
    "level_mix": {"dist": "triangular", "low": -0.005, "mode": 0.0, "high": 0.01},
    "wage_growth": {"dist": "normal", "mean": 0.0, "sd": 0.008},
    "price_growth": {"dist": "normal", "mean": 0.0, "sd": 0.01},
    "sick_leave": {"dist": "normal", "mean": 0.0, "sd": 0.005},
    "assistance_hours": {"dist": "lognormal", "median": 1.0, "sigma": 0.05},
}


def load_demo_case():
    from resmodel.projection_run import build_setup
    from resmodel.run import load, run

    loaded = load(ROOT / "scenarios" / "base.yaml")
    return build_setup(loaded, run(loaded)).case


def load_case():
    folder = ROOT / "data" / "topdown_2024"
    frame = load_frame(yaml.safe_load((folder / "frame.yaml").read_text(encoding="utf-8")), "frame.yaml")
    data = TopDownData(2024, pd.read_csv(folder / "services.csv"), pd.read_csv(folder / "items.csv"), frame)
    return reference_case(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=("topdown", "demo"), default="topdown")
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--loop-draws", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    case = load_demo_case() if args.case == "demo" else load_case()
    spec = mc.load_uncertainty(SPEC)
    services = len(case.inputs.volumes.columns)

    t_projection, result = median_time(lambda: run_budget(case), args.repeat)
    t_vector, vec = median_time(lambda: mc.run(case, spec, draws=args.draws, seed=1), max(1, args.repeat // 2))
    t_loop, loop = median_time(lambda: mc.run_loop(case, spec, draws=args.loop_draws, seed=1), 1)
    per_draw_loop = t_loop / args.loop_draws
    loop_for_draws = per_draw_loop * args.draws
    if args.loop_draws == args.draws:
        cols = ["mean", "p05", "p50", "p95"]
        same = np.allclose(vec.table[cols].to_numpy(), loop.table[cols].to_numpy(), rtol=1e-9, atol=1e-3)
    else:
        same = None

    print(f"Budget core benchmark — {platform.python_implementation()} {platform.python_version()}, "
          f"numpy {np.__version__}, pandas {pd.__version__}, {os.cpu_count()} CPU(s), {platform.machine()}")
    label = "demo municipality, scenarios/base.yaml" if args.case == "demo" else "top-down 2024 board"
    print(f"Case: {label}, {services} services, 2025–2034 monthly (120 months), "
          f"{len(result.yearly)} yearly output rows; Monte Carlo on 6 drivers\n")
    print("| run | draws | time (s) | per draw (ms) | ratio vs loop |")
    print("|---|---:|---:|---:|---:|")
    print(f"| 10-year projection (monthly, frame, deviation) | 1 | {t_projection:.3f} | {1000 * t_projection:.1f} | – |")
    print(f"| Monte Carlo, vectorised (draws × services × months) | {args.draws} | {t_vector:.2f} | "
          f"{1000 * t_vector / args.draws:.2f} | {loop_for_draws / t_vector:.0f}× faster |")
    extrapolated = "" if args.loop_draws == args.draws else f" (timed {args.loop_draws}, scaled)"
    print(f"| Monte Carlo, per-draw loop (reference){extrapolated} | {args.draws} | {loop_for_draws:.2f} | "
          f"{1000 * per_draw_loop:.1f} | 1× |")
    if same is not None:
        print(f"\nVectorised and loop percentiles agree (rtol 1e-9): {'yes' if same else 'NO'}")
    return 0 if same in (None, True) else 1


if __name__ == "__main__":
    sys.exit(main())
