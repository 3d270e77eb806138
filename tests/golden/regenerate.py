"""Regenerate the golden scenario results: yearly net cost, frame and deviation per area for every
scenario shipped in scenarios/. Run after an intended change and review the diff:

    /tmp/venv/bin/python tests/golden/regenerate.py

tests/test_projection_golden.py compares a fresh run with these files (relative tolerance 1e-6)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
SCENARIOS = ROOT / "scenarios"


def scenario_files() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))


def golden_table(path: Path) -> pd.DataFrame:
    from resmodel.projection_run import project, yearly_by_area
    from resmodel.run import load, run

    loaded = load(path)
    return yearly_by_area(project(loaded, run(loaded)))


def main() -> int:
    for path in scenario_files():
        table = golden_table(path)
        target = GOLDEN / f"{path.stem}.csv"
        table.to_csv(target, index=False, lineterminator="\n", float_format="%.6f")
        print(f"wrote {target.relative_to(ROOT)} ({len(table)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
