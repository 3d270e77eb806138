"""Benchmark: vectorised allocation engine vs the per-user reference implementation, on the demo
municipality and on a synthetic municipality ten times its size. Prints a markdown table of
median times and the speed ratio (reference / vectorised) measured in the same run.

Run: python bench/bench_allocation.py"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from timing import median_time

from resmodel.allocation.engine import Municipality, allocate, constants
from resmodel.allocation.reference import reference_units
from resmodel.run import load

ROOT = Path(__file__).resolve().parents[1]


def scaled(data: Municipality, factor: int) -> Municipality:
    """The municipality replicated ``factor`` times with suffixed ids (same structure, more of it)."""
    def rep(frame: pd.DataFrame, id_columns: list[str]) -> pd.DataFrame:
        parts = []
        for k in range(factor):
            part = frame.copy()
            for column in id_columns:
                part[column] = part[column].where(part[column].isna(), part[column].astype(str) + f"-{k}")
            parts.append(part)
        return pd.concat(parts, ignore_index=True)

    return Municipality(rep(data.premises, ["premises_id"]), rep(data.units, ["unit_id", "premises_id"]),
                        rep(data.users, ["user_id", "unit_id"]), rep(data.staff, ["unit_id"]))


def main() -> None:
    loaded = load(ROOT / "scenarios" / "base.yaml")
    c = constants(loaded.snapshot)
    rows = []
    for label, factor, repeats in (("demo (1×)", 1, 5), ("synthetic 10×", 10, 3)):
        data = scaled(loaded.data, factor) if factor > 1 else loaded.data
        vec = allocate(data, loaded.snapshot).units.set_index("unit_id")
        ref = reference_units(data, loaded.snapshot, c).set_index("unit_id")
        assert np.allclose(vec.loc[ref.index, "net_cost"], ref["net_cost"], rtol=1e-9)
        t_vec = median_time(lambda d=data: allocate(d, loaded.snapshot), repeats)[0]
        t_ref = median_time(lambda d=data: reference_units(d, loaded.snapshot, c), max(1, repeats - 2))[0]
        rows.append((label, len(data.users), len(data.units), t_vec, t_ref, t_ref / t_vec))
    print("| municipality | users | units | vectorised (s) | per-user reference (s) | ratio |")
    print("|---|---|---|---|---|---|")
    for label, n_users, n_units, t_vec, t_ref, ratio in rows:
        print(f"| {label} | {n_users:,} | {n_units:,} | {t_vec:.4f} | {t_ref:.3f} | {ratio:.0f}× |")


if __name__ == "__main__":
    main()
