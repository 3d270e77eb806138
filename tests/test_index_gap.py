"""A scenario's index rate for a year after years without data (economist walk): a price growth of 2.5 % for 2027,
after price data ending in 2025, was dropped without a word — the projection carried the last known rate over 2027
too, while `params` and `explain` showed the scenario's 0.025."""

from __future__ import annotations

from pathlib import Path

import pytest

from resmodel.projection_run import build_setup, run_setup
from resmodel.run import load, run
from tests.conftest import projection_scenario

DATA = Path(__file__).resolve().parents[1] / "data" / "demokommun"


def _project(tmp_path: Path, parameters: str):
    """The demo projected to 2028 with ``parameters`` (a scenario block) on top: setup and result."""
    tmp_path.mkdir()
    base = projection_scenario(tmp_path, DATA, horizon_years=4)
    path = tmp_path / "gap.yaml"
    path.write_text(base.read_text().replace("name: s\n", "name: gap\n") + parameters)
    loaded = load(path)
    setup = build_setup(loaded, run(loaded))
    return setup, run_setup(setup)


@pytest.fixture(scope="module")
def projected(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gap")
    plain = _project(folder / "plain", "")
    gap = _project(folder / "gap", "parameters:\n  indices.price_growth: [{value: 0.045, from: 2027-01-01, "
                                    "until: 2027-12-31}]\n")
    return plain, gap


def test_the_scenario_rate_after_a_gap_is_used_for_its_year(projected):
    (plain_setup, _), (gap_setup, _) = projected
    plain, gap = plain_setup.case.inputs.price_growth, gap_setup.case.inputs.price_growth
    assert gap[2027] == 0.045 and 2027 not in plain
    assert 2026 not in gap and 2028 not in gap  # the years without data stay the flagged extension
    assert gap_setup.case.inputs.extensions["price_growth"] == plain_setup.case.inputs.extensions["price_growth"]


def test_it_moves_the_cost_from_its_year_and_the_note_names_the_years_carried(projected):
    (_, plain), (_, gap) = projected

    def other_cost(result, year: int) -> float:
        t = result.yearly
        sel = t[(t["measure"] == "net_cost") & (t["service"] == "total") & (t["area"] == "total")
                & (t["period"] == str(year))]
        return float(sel["value"].iloc[0])

    assert other_cost(gap, 2026) == pytest.approx(other_cost(plain, 2026), abs=1e-6)
    assert other_cost(gap, 2027) > other_cost(plain, 2027) + 1e6  # 2.5 points more on the price-indexed costs
    assert any(n.startswith("price_growth: no data for 2026, 2028") for n in gap.notes), gap.notes
