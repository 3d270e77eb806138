"""Two reviews of the premises plan's new warnings and reasons (docs/planning.md §3–§5): a rent-free premises warned
as a late one-off whenever it opened (1), rent-header patterns that misread 'current_area_m2' and a lease length (2), a
rent in tkr a month told only '× 12' (3), and the reasons of a cost tie, of an opening the ceiling would forbid and of
alike premises found by the plan made again (5). Finding 4 (the reasons moved to planning/reasons.py) changes no
output: the shipped plan's test (test_projection_plan.py) and the other premises tests hold it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from resmodel.io.candidates import read_candidates
from resmodel.planning.premises import PlanCosts
from resmodel.planning_run import premises_plan
from tests.clirun import invoke, planning_app
from tests.test_premises_reasons_review import HEADER, SERVICE, demand_file, plan_reasons, write

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def app():
    return planning_app()


@pytest.fixture(scope="module")
def from_2030(tmp_path_factory) -> Path:
    """100 users to 2029, 110 from 2030 (December peaks), to 2034."""
    return demand_file(tmp_path_factory.mktemp("d") / "d.csv", {y: 100 if y < 2030 else 110 for y in range(2025, 2035)})


def late_warnings(demand: Path, rows: list[str], costs: PlanCosts, tmp_path: Path) -> list[str]:
    """The plan's late one-off warnings on --places 100."""
    table = read_candidates(write(tmp_path / "c.csv", rows), SERVICE)
    plan = premises_plan(pd.read_csv(demand), SERVICE, table, costs, 100.0)
    return [w for w in plan.warnings if "one-off cost larger than" in w]


def test_a_rent_free_premises_is_weighed_against_the_saving_its_places_bring(from_2030, tmp_path):
    """Finding 1: with no rent the one-off was 'inf' years of rent, so a rent-free premises was warned whenever it
    opened (cand_owned.csv: 2 MSEK one-off, 100 places, warned with 9 years left). Its yardstick is now the yearly
    saving of its places, 10 × (400 000 − 250 000) = 1.5 MSEK: a 1 MSEK one-off is 0.7 years of it."""
    rows = ["OWN,daglig_verksamhet,10,0,1000000,2025,"]
    assert late_warnings(from_2030, rows, PlanCosts(own_cost_per_place=250_000, external_price=400_000), tmp_path) == []
    # no external price: no yardstick for a rent-free premises, so no warning
    assert late_warnings(from_2030, rows, PlanCosts(own_cost_per_place=250_000), tmp_path) == []
    # a saving of 10 × 10 000 a year: the 1 MSEK one-off is 10 years of it, with 5 left (opened to keep 5 users from
    # going without a place: at most 5 external places)
    (warning,) = late_warnings(from_2030, rows, PlanCosts(own_cost_per_place=250_000, external_price=260_000,
                                                          max_external=5), tmp_path)
    assert "the plan opens OWN in 2030 (1,000,000 SEK one-off, 10.0 years of the saving its places bring; 5 years of " \
           "the plan left) with a one-off cost larger than its rent (for a rent-free premises, the yearly saving its " \
           "places bring: places × (external price − running cost)) over the plan's years left, to 2034" in warning
