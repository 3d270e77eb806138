"""`explain` for projected budget numbers: an area's deviation is reproduced from frame parts and
service costs, for every area and the board."""

from __future__ import annotations

import sys

import pytest

from resmodel.budget.case import run_budget
from resmodel.explain import explain_budget
from resmodel.projection_run import build_setup
from tests.conftest import BASE


@pytest.fixture(scope="module")
def setup_and_budget(demo_loaded, demo_result):
    setup = build_setup(demo_loaded, demo_result)
    return setup, run_budget(setup.case)


@pytest.mark.parametrize("area", ["lss_boende", "daglig_verksamhet", "personlig_assistans", "total"])
@pytest.mark.parametrize("year", [2025, 2030, 2034])
def test_deviation_recomputed_from_parts(setup_and_budget, demo_loaded, area, year):
    setup, budget = setup_and_budget
    e = explain_budget(budget, setup.case.inputs.unit_costs, demo_loaded.tree, year, area)
    assert e.recomputed_deviation == pytest.approx(e.reported_deviation, rel=1e-9, abs=1e-3)
    assert {r.path for r in e.indices} >= {"indices.wage_growth", "personlig_assistans.state_hourly_rate"}


def test_unknown_area_is_a_located_error(setup_and_budget, demo_loaded):
    from resmodel.errors import InputError

    setup, budget = setup_and_budget
    with pytest.raises(InputError, match="unknown area 'daglig'"):
        explain_budget(budget, setup.case.inputs.unit_costs, demo_loaded.tree, 2027, "daglig")


def test_cli_needs_exactly_one_of_unit_and_year(monkeypatch, capsys):
    from resmodel.cli import main

    monkeypatch.setattr(sys, "argv", ["resmodel", "explain", str(BASE)])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 2 and "exactly one of --unit and --year" in capsys.readouterr().err


def test_a_service_with_places_shows_its_demand_places_and_users_above_them(monkeypatch, capsys):
    from resmodel.cli import main

    scenario = BASE.parent / "capacity_limit.yaml"
    monkeypatch.setattr(sys, "argv", ["resmodel", "explain", str(scenario), "--year", "2034", "--area",
                                      "daglig_verksamhet"])
    main()
    out = capsys.readouterr().out
    assert "Places (users a month on average" in out
    assert "daglig_verksamhet 1,457.5 1,295.0          162.5" in out  # demand − places = users above them
    assert "note: daglig_verksamhet (none of the six ordered premises" in out  # the projection's own notes


def test_an_area_without_places_shows_no_places_block(setup_and_budget, demo_loaded):
    setup, budget = setup_and_budget
    assert explain_budget(budget, setup.case.inputs.unit_costs, demo_loaded.tree, 2030, "lss_boende").places is None
