"""Shared fixtures: the demo scenario loaded and run once per session; YAML rule cases as items."""

from __future__ import annotations

from pathlib import Path

import pytest

from resmodel.io.blas import one_blas_thread

# One BLAS thread per process: the xdist workers share two cores, and OpenBLAS's own threads on the
# small statsmodels problems only oversubscribe them (the suite runs in 67 s instead of 87 s).
# Set before the workers start, which inherit it before they import numpy.
one_blas_thread()

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "base.yaml"


def projection_scenario(folder: Path, data: Path, horizon_years: int = 3) -> Path:
    """A minimal scenario file with a projection block (drift volumes, the data folder's frame)
    over ``data`` — for tests that change a copy of the demo data."""
    path = folder / "s.yaml"
    path.write_text(f"name: s\npurpose: projection input test\ndata: {data}\nbase_date: 2024-07-01\nseed: 1\n"
                    f"projection:\n  horizon_years: {horizon_years}\n  default_model: drift\n"
                    f"  frame: {data / 'frame.yaml'}\n")
    return path


@pytest.fixture(scope="session")
def demo_loaded():
    from resmodel.run import load

    return load(BASE)


@pytest.fixture(scope="session")
def demo_result(demo_loaded):
    from resmodel.run import run

    return run(demo_loaded)


def pytest_collect_file(parent, file_path):
    """Rule cases under tests/rules/*.yaml become ordinary pytest items (one per case)."""
    if file_path.suffix == ".yaml" and file_path.parent == ROOT / "tests" / "rules":
        from tests.rulecases import RuleFile

        return RuleFile.from_parent(parent, path=file_path)
    return None
