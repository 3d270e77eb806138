"""A scenario's index rate for a year after years without data (economist walk): a price growth for 2027 (2.5 % in
the walk, 4.5 % here), after price data ending in 2025, was dropped without a word — the projection carried the last known rate over 2027
too, while `params` and `explain` showed the scenario's 0.025."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from resmodel.budget.indices import growth_path
from resmodel.errors import InputError
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


def test_a_gap_in_a_typed_growth_table_is_still_refused_and_filled_only_for_the_trees_index():
    """Diff review: the gap fill reached every growth table, so a fixed frame uplift {2025, 2027} with an extension
    was priced at the extension in 2026 (it was refused before) — the fill is for the parameter tree's indices."""
    years = np.arange(2025, 2029)
    with pytest.raises(InputError, match="has no growth rate for 2026"):
        growth_path({2025: 0.031, 2027: 0.028}, years, "frame.indexation", extend_with=0.028)
    path = growth_path({2025: 0.031, 2027: 0.028}, years, "price_growth", extend_with=0.02, fill_after=2024)
    assert path.values.tolist() == [0.031, 0.02, 0.028, 0.02] and path.extended == (2026, 2028)
    assert growth_path({}, years, "price_growth", extend_with=0.02, fill_after=2024).extended == tuple(years)


def test_index_data_ending_in_the_base_year_are_extended_as_extend_last_says(tmp_path):
    """Diff review: price data ending in 2024, the base year, stopped `project` ('no growth rate for 2025', data: )
    although the index says extend: last — the extension applied only after the data's last year, not the base
    year's."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    national = Path(__file__).resolve().parents[1] / "src" / "resmodel" / "parameters" / "indices" / "price_growth.yaml"
    text = national.read_text(encoding="utf-8").replace("  2025-01-01: 0.020\n", "")
    (data / "parameters" / "indices").mkdir(parents=True, exist_ok=True)
    (data / "parameters" / "indices" / "price_growth.yaml").write_text(text, encoding="utf-8")
    folder = tmp_path / "s"
    folder.mkdir()
    loaded = load(projection_scenario(folder, data, horizon_years=4))
    setup = build_setup(loaded, run(loaded))
    notes = run_setup(setup).notes
    assert any(n.startswith("price_growth: no data for 2025–2028") for n in notes), notes
    assert setup.case.inputs.extensions["price_growth"] == pytest.approx(0.037)  # extend: last carries 2024's rate
