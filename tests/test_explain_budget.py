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
    assert "Places (demand and users above the places in users, places in places" in out
    assert "daglig_verksamhet 1,457.5 1,295.0          162.5" in out  # demand − places = users above them
    assert "note: daglig_verksamhet (none of the six ordered premises" in out  # the projection's own notes


def test_an_area_without_places_shows_no_places_block(setup_and_budget, demo_loaded):
    setup, budget = setup_and_budget
    assert explain_budget(budget, setup.case.inputs.unit_costs, demo_loaded.tree, 2030, "lss_boende").places is None


@pytest.mark.parametrize(("year", "rate", "where"), [
    (2025, "0.05", "rent.yaml, line 5, at 'projection.rent_growth')"),
    (2027, "0.01", "rent.yaml, line 7, at 'projection.extensions.rent_growth' (declared extension))"),
])
def test_indices_in_force_name_the_rent_growth_and_where_it_is_set(tmp_path, monkeypatch, capsys, year, rate, where):
    from resmodel.cli import main

    scenario = tmp_path / "rent.yaml"
    scenario.write_text(f"extends: {BASE}\nname: rent\npurpose: rent growth\nprojection:\n  rent_growth: {{2025: 0.05}}\n"
                        "  extensions:\n    rent_growth: 0.01\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["resmodel", "explain", str(scenario), "--year", str(year), "--area", "total"])
    main()
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "projection.rent_growth =" in ln)
    assert line.startswith(f"  projection.rent_growth = {rate} share per year in {year} (premises costs, a plan's rents; ")
    assert line.endswith(where)


def test_indices_in_force_say_rent_follows_the_price_index_when_not_set(monkeypatch, capsys):
    from resmodel.cli import main

    monkeypatch.setattr(sys, "argv", ["resmodel", "explain", str(BASE), "--year", "2030", "--area", "total"])
    main()
    assert ("projection.rent_growth = 0.02 share per year in 2030 (premises costs, a plan's rents; not set: the price "
            "index, indices.price_growth, carried forward)") in capsys.readouterr().out  # its data end in 2025


def test_the_services_show_where_their_volume_comes_from(monkeypatch, capsys):
    """Persona review: explain did not say which volume model a service's volume came from."""
    from resmodel.cli import main

    monkeypatch.setattr(sys, "argv", ["resmodel", "explain", str(BASE), "--year", "2027", "--area", "lss_boende"])
    main()
    rows = {line.split()[0]: line.split()[-1] for line in capsys.readouterr().out.splitlines()
            if line.startswith(("bostad_barn ", "bostad_vuxna "))}
    assert rows == {"bostad_barn": "drift", "bostad_vuxna": "drift"}  # base.yaml's default_model


def test_rent_following_a_declared_price_extension_says_so(tmp_path, monkeypatch, capsys):
    """Code review: the rent that followed a declared price extension was said to be the index carried forward."""
    from resmodel.cli import main

    scenario = tmp_path / "px.yaml"
    scenario.write_text(f"extends: {BASE}\nname: px\npurpose: p\nprojection:\n  extensions: {{price_growth: 0.05}}\n",
                        encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["resmodel", "explain", str(scenario), "--year", "2030", "--area", "total"])
    main()
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "projection.rent_growth =" in ln)
    assert "= 0.05 share per year in 2030" in line and "not set: the price index's declared extension" in line
    assert line.endswith("px.yaml, line 5, at 'projection.extensions.price_growth')")


def test_a_service_priced_by_a_rule_of_another_quantity_gets_no_factor_against_the_base_year(monkeypatch, capsys):
    """New-user walkthrough: SFB showed factor_vs_base 0.637 — the municipal 20-hour share per case against the
    engine's cost of all the users' hours — which read as a 36 % cost fall."""
    from resmodel.cli import main

    monkeypatch.setattr(sys, "argv", ["resmodel", "explain", str(BASE), "--year", "2026", "--area",
                                      "personlig_assistans"])
    main()
    out = capsys.readouterr().out
    sfb = next(line for line in out.splitlines() if line.startswith("personlig_assistans_sfb "))
    lss = next(line for line in out.splitlines() if line.startswith("personlig_assistans_lss "))
    assert " – " in sfb and "0.63" not in sfb and " 1.0" in lss  # LSS is still compared: gross against gross
    assert "personlig_assistans_sfb: priced by its rule (cases × up to 20 hours a week each × the state rate)" in out
    # economist walkthrough: the own provider showed base_cost_per_unit NaN and no line, though the docs promise one
    own = next(line for line in out.splitlines() if line.startswith("personlig_assistans_egen_utforare "))
    assert "NaN" not in own and own.split()[-5:-3] == ["–", "–"]
    assert "personlig_assistans_egen_utforare: priced by its rule (hours × cost per hour, less the state's payment" in out


@pytest.mark.parametrize(("args", "option"), [(["--year", "2026", "--measure", "fte_required"], "--measure"),
                                              (["--unit", "DV001", "--area", "lss_boende"], "--area")])
def test_an_option_of_the_other_kind_of_explanation_is_refused_not_ignored(monkeypatch, capsys, args, option):
    """Fuzzing review: explain --year … --measure fte_required ran and ignored --measure."""
    from resmodel.cli import main

    monkeypatch.setattr(sys, "argv", ["resmodel", "explain", str(BASE), *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2 and f"at '{option}': {option} goes with" in capsys.readouterr().err
