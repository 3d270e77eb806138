"""`resmodel queue --capacity` on a premises plan: a plan made from another demand file is warned, and demand
above the first month's capacity is said to start as new decisions (planner and statistician reviews)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.clirun import invoke, planning_app

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "base.yaml"
SERVICE = "daglig_verksamhet"


@pytest.fixture(scope="module")
def app():
    return planning_app()


def _demand(path: Path, start: float, end: float) -> Path:
    months = pd.date_range("2025-01", periods=24, freq="MS")
    pd.DataFrame({"month": months.strftime("%Y-%m"), "service": SERVICE,
                  "volume": np.linspace(start, end, 24)}).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def plan(app, tmp_path_factory) -> tuple[Path, Path]:
    """A plan of daily activity made from a demand rising 1 200 → 1 350 (the demo has 1 295 places)."""
    folder = tmp_path_factory.mktemp("plan")
    demand = _demand(folder / "forecast.csv", 1200, 1350)
    candidates = folder / "c.csv"
    candidates.write_text("premises_id,service,places,annual_rent_sek\nN1,daglig_verksamhet,25,834000\n"
                          "N2,daglig_verksamhet,25,834000\n")
    code, _, stderr = invoke(app, "plan-premises", "--demand", demand, "--service", SERVICE, "--candidates",
                             candidates, "--scenario", BASE, "--out", folder / "out")
    assert code == 0, stderr
    return demand, folder / "out" / "capacity_plan.csv"


def test_the_queue_warns_when_the_plan_was_made_from_another_demand_file(app, plan, tmp_path):
    demand, capacity = plan
    code, _, stderr = invoke(app, "queue", "--demand", demand, "--service", SERVICE, "--capacity", capacity,
                             "--out", tmp_path / "same")
    assert code == 0, stderr
    assert "plan_demand_differs" not in stderr
    newer = _demand(tmp_path / "forecast.csv", 1200.5, 1350.5)  # a new forecast, the old plan kept
    code, _, stderr = invoke(app, "queue", "--demand", newer, "--service", SERVICE, "--capacity", capacity,
                             "--out", tmp_path / "other")
    assert code == 0, stderr
    assert "plan_demand_differs" in stderr and f"the {newer} queued here" in stderr
    assert "plan again on this demand file" in stderr


def test_demand_above_the_first_months_capacity_is_said_to_start_as_new_decisions(app, tmp_path):
    demand = _demand(tmp_path / "d.csv", 110, 110)
    code, _, stderr = invoke(app, "queue", "--demand", demand, "--service", SERVICE, "--places", "100",
                             "--out", tmp_path / "q")
    assert code == 0, stderr
    assert ("in 2025-01 the demand of 110 exceeds the capacity of 100: the 10 without a place start as decisions of "
            "2025-01, so none has waited three months before 2025-04") in stderr
    code, _, stderr = invoke(app, "queue", "--demand", demand, "--service", SERVICE, "--places", "100",
                             "--initial-waiting", "4:10", "--out", tmp_path / "q2")
    assert code == 0, stderr
    assert "exceeds the capacity" not in stderr


def test_the_queue_reads_its_demand_as_plan_premises_does(app, tmp_path):
    """Planner walk: an older forecast file's forecast/lo_80/hi_80 got only "required column 'volume' is missing" and
    --demand-column model_used was read as users; the queue now shares plan-premises' checks."""
    months = pd.date_range("2025-01", periods=12, freq="MS").strftime("%Y-%m")
    older = tmp_path / "older.csv"
    pd.DataFrame({"month": months, "service": SERVICE, "forecast": 100.0, "lo_80": 95.0, "hi_80": 105.0}).to_csv(
        older, index=False)
    code, _, stderr = invoke(app, "queue", "--demand", older, "--service", SERVICE, "--places", "100",
                             "--demand-column", "volume_hi_80", "--out", tmp_path / "q")
    assert code == 2 and "rename the columns: hi_80 to volume_hi_80" in stderr and not (tmp_path / "q").exists()
    demand = _demand(tmp_path / "d.csv", 100, 100)
    code, _, stderr = invoke(app, "queue", "--demand", demand, "--service", SERVICE, "--places", "100",
                             "--demand-column", "service", "--out", tmp_path / "q2")
    assert code == 2 and "--demand-column 'service' is not a volume column" in stderr
