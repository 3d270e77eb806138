"""Dated parameters: value in force, indexation, scenario overrides and periods, extrapolation flags."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from resmodel.errors import InputError, Location
from resmodel.io.parameters import load_parameters
from resmodel.params.tree import Override
from tests.conftest import ROOT

TREE = load_parameters(ROOT / "data" / "demokommun" / "parameters")


def test_latest_key_on_or_before_date():
    assert TREE.snapshot(dt.date(2023, 12, 31))["working_time.sick_leave_rate"] == 0.088
    assert TREE.snapshot(dt.date(2024, 1, 1))["working_time.sick_leave_rate"] == 0.074
    assert TREE.snapshot(dt.date(2024, 1, 1))["personlig_assistans.state_hourly_rate"] == 332.60


def test_indexation_applies_wage_growth_from_the_value_year():
    s = TREE.snapshot(dt.date(2025, 3, 1))
    r = s.trace("salaries.stodassistent")
    assert r.base_value == 28500 and r.index_factor == pytest.approx(1.033 * 1.034)
    assert r.value == pytest.approx(28500 * 1.033 * 1.034)


def test_state_rate_beyond_data_is_extended_and_flagged():
    s = TREE.snapshot(dt.date(2026, 1, 1))
    r = s.trace("personlig_assistans.state_hourly_rate")
    assert r.value == pytest.approx(332.60 * 1.025 * 1.025)
    assert r.extrapolated_years == (2025, 2026)
    assert any("state_rate_uplift" in note for note in s.extrapolations())


def test_index_without_extension_refuses_beyond_its_data():
    import dataclasses

    tree = TREE.merged_with(TREE)
    tree.parameters["indices.wage_growth"] = dataclasses.replace(tree.parameters["indices.wage_growth"], extend="none")
    with pytest.raises(InputError, match="ends in 2026 but 2027 is needed"):
        tree.snapshot(dt.date(2027, 1, 1))


def test_override_between_dates_then_base_returns():
    loc = Location(file="s.yaml", line=3)
    tree = TREE.with_overrides([Override("working_time.sick_leave_rate", 0.05, dt.date(2025, 1, 1),
                                         dt.date(2025, 12, 31), True, loc)])
    assert tree.snapshot(dt.date(2024, 6, 1))["working_time.sick_leave_rate"] == 0.074
    assert tree.snapshot(dt.date(2025, 6, 1))["working_time.sick_leave_rate"] == 0.05
    assert tree.snapshot(dt.date(2026, 6, 1))["working_time.sick_leave_rate"] == 0.074
    assert "s.yaml, line 3" in tree.snapshot(dt.date(2025, 6, 1)).trace("working_time.sick_leave_rate").source


def test_override_is_indexed_from_its_start_year_unless_told_not_to():
    loc = Location(file="s.yaml")
    indexed = TREE.with_overrides([Override("salaries.stodassistent", 30000, dt.date(2025, 1, 1), None, True, loc)])
    flat = TREE.with_overrides([Override("salaries.stodassistent", 30000, dt.date(2025, 1, 1), None, False, loc)])
    assert indexed.snapshot(dt.date(2026, 1, 1))["salaries.stodassistent"] == pytest.approx(30000 * 1.030)
    assert flat.snapshot(dt.date(2026, 1, 1))["salaries.stodassistent"] == 30000


def test_later_override_wins():
    loc = Location(file="s.yaml")
    tree = TREE.with_overrides([
        Override("working_time.training_days", 3, dt.date(1970, 1, 1), None, True, loc),
        Override("working_time.training_days", 4, dt.date(2025, 1, 1), None, True, loc),
    ])
    assert tree.snapshot(dt.date(2024, 1, 1))["working_time.training_days"] == 3
    assert tree.snapshot(dt.date(2025, 1, 1))["working_time.training_days"] == 4


def test_level_tables_are_complete_arrays():
    s = TREE.snapshot(dt.date(2024, 1, 1))
    table = s.levels("daglig_verksamhet.staff_ratio")
    assert table.shape == (8,) and (table[1:] >= table[:-1]).all()  # monotone in level
    with pytest.raises(ValueError):
        table[0] = 1.0  # snapshots are immutable


def test_every_leaf_has_metadata_and_a_reference():
    for leaf in TREE.parameters.values():
        assert leaf.description and leaf.unit and leaf.reference, leaf.path
        assert " — " in leaf.description, f"{leaf.path}: description needs 'Swedish term — English gloss'"


def test_a_copied_or_renamed_parameter_file_is_refused_not_loaded_unused(tmp_path):
    """New-user walkthrough: 'salaries - Kopia.yaml' (Explorer's copy) and a staff_ratio.yaml renamed
    staff_ratios.yaml loaded as parameters nothing reads, validate said ok and the edits had no effect."""
    import shutil

    from resmodel.allocation.engine import required_parameters
    from resmodel.errors import InputError
    from resmodel.io.parameters import load_parameters

    local = tmp_path / "parameters"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "demokommun" / "parameters", local)
    assert load_parameters(local, "p", read=required_parameters()) is not None  # the demo's own: all read
    shutil.copy(local / "salaries.yaml", local / "salaries - Kopia.yaml")
    with pytest.raises(InputError) as err:
        load_parameters(local, "p", read=required_parameters())
    problem = err.value.problems[0]
    assert problem.location.file == "p/salaries - Kopia.yaml" and "are not read by resmodel" in problem.problem
    assert "did you mean 'salaries." in problem.fix


def test_an_index_keyed_within_a_year_is_refused_at_its_line(tmp_path):
    """Code review: a local price_growth.yaml keyed 2024-07-01 loaded, and the run stopped on an AssertionError
    traceback (keyed in April, every year silently took the previous year's rate)."""
    local = tmp_path / "parameters" / "indices"
    local.mkdir(parents=True)
    (local / "price_growth.yaml").write_text(
        "description: Prisutveckling\nunit: share per year\nkind: index\nextend: last\nreference: local\n"
        "values:\n  2024-01-01: 0.037\n  2025-07-01: 0.02\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_parameters(tmp_path / "parameters", "p")
    (problem,) = err.value.problems
    assert problem.location.file == "p/indices/price_growth.yaml" and problem.location.line == 8
    assert "index key 2025-07-01 is not a 1 January" in str(problem) and "write 2025-01-01" in str(problem)


@pytest.mark.parametrize(("change", "text"), [
    ("{value: 0.10, from: 2025-06-01}", "the change is dated 2025-06-01"),
    ("{value: 0.10, from: 2025-01-01, until: 2025-06-30}", "the change is dated 2025-06-30"),
])
def test_an_index_change_dated_within_a_year_is_refused(tmp_path, change, text):
    """Code review: wage_growth 0.10 from 2025-06-01 showed in `params` from June but the projection used it from
    2026 (an index is read per January), without a word."""
    from resmodel.run import load

    base = (ROOT / "scenarios" / "base.yaml").read_text(encoding="utf-8").replace("../data", str(ROOT / "data"))
    scenario = tmp_path / "s.yaml"
    scenario.write_text(base + f"parameters:\n  indices.wage_growth: [{change}]\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load(scenario)
    assert any(text in str(p) and p.location.file.endswith("s.yaml") for p in err.value.problems), str(err.value)
    scenario.write_text(base + "parameters:\n  indices.wage_growth: [{value: 0.10, from: 2025-01-01}]\n",
                        encoding="utf-8")
    assert load(scenario).tree.index_growth("indices.wage_growth", 2025) == (0.10, False)


def test_the_data_hash_covers_the_tariff_a_scenario_prices_by(tmp_path):
    """Code review: doubling the tariff's prices changed enheter.csv but none of the manifest's hashes."""
    import shutil

    from resmodel.run import load

    shutil.copy(ROOT / "data" / "tariffs" / "stockholm_lss_bostad.csv", tmp_path / "tariff.csv")
    text = (ROOT / "scenarios" / "tariff_stockholm.yaml").read_text(encoding="utf-8")
    scenario = tmp_path / "t.yaml"
    scenario.write_text(text.replace("../data/tariffs/stockholm_lss_bostad.csv", "tariff.csv")
                        .replace("../data", str(ROOT / "data")).replace("extends: base.yaml",
                                                                        f"extends: {ROOT / 'scenarios' / 'base.yaml'}"),
                        encoding="utf-8")
    before = load(scenario).data_hash
    lines = (tmp_path / "tariff.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "tariff.csv").write_text("\n".join([lines[0], lines[1].replace(",740,", ",1480,"), *lines[2:]]) + "\n",
                                         encoding="utf-8")
    assert load(scenario).data_hash != before
    assert load(ROOT / "scenarios" / "base.yaml").data_hash == load(ROOT / "scenarios" / "base.yaml").data_hash


@pytest.mark.parametrize(("start", "year"), [("2025-09-01", 2026), ("2025-03-01", 2025)])
def test_a_sick_leave_change_within_a_year_is_named_with_the_year_it_counts_from(tmp_path, start, year):
    """Code review: sick leave from 2025-09-01 left September–December 2025 as the base (the projection reads it on
    1 July each year), and one from March changed January and February too, without a word."""
    from resmodel.projection_run import dated_changes_not_projected
    from resmodel.run import load

    base = (ROOT / "scenarios" / "base.yaml").read_text(encoding="utf-8").replace("../data", str(ROOT / "data"))
    scenario = tmp_path / "s.yaml"
    scenario.write_text(base + f"parameters:\n  working_time.sick_leave_rate: [{{value: 0.03, from: {start}}}]\n",
                        encoding="utf-8")
    (warning,) = [w for w in dated_changes_not_projected(load(scenario), 2034) if w.check == "dated_change_within_year"]
    assert f"changes on {start}" in warning.message and f"counts for whole years from {year}" in warning.message
    assert warning.location.file.endswith("s.yaml")
    assert not [w for w in dated_changes_not_projected(load(ROOT / "scenarios" / "base.yaml"), 2034)
                if w.check == "dated_change_within_year"]


def test_a_sick_leave_rate_of_a_half_in_a_projected_year_is_refused_at_the_change(tmp_path):
    """Economist walkthrough: sick leave {value: 0.6, from: 2026-01-01} (6 % meant) doubled the 2026 net cost; the
    'below 0.5' check ran only on the base date."""
    from resmodel.projection_run import check_projection
    from resmodel.run import load

    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"name: s\npurpose: a slip\nextends: {ROOT / 'scenarios' / 'base.yaml'}\nparameters:\n"
                        "  working_time.sick_leave_rate: [{value: 0.6, from: 2026-01-01}]\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        check_projection(load(scenario))
    assert "a sick-leave rate of 0.6 in 2026" in str(err.value) and "s.yaml" in str(err.value)
    assert "write 0.06 for 6 %" in str(err.value)


def test_a_parameter_change_after_the_horizon_is_named(tmp_path):
    """Economist walkthrough: sick leave from 2040-01-01 (a slip for 2026) was accepted without a word."""
    from resmodel.projection_run import dated_changes_not_projected
    from resmodel.run import load

    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"name: s\npurpose: a slip\nextends: {ROOT / 'scenarios' / 'base.yaml'}\nparameters:\n"
                        "  working_time.sick_leave_rate: [{value: 0.06, from: 2040-01-01}]\n", encoding="utf-8")
    (warning,) = [w for w in dated_changes_not_projected(load(scenario), 2034) if w.check == "beyond_horizon"]
    assert "changes on 2040-01-01, after the horizon's last year 2034: the change has no effect" in warning.message
    assert not [w for w in dated_changes_not_projected(load(ROOT / "scenarios" / "base.yaml"), 2034)
                if w.check == "beyond_horizon"]


def test_an_index_change_without_from_names_the_base_year_it_also_changes(tmp_path):
    """Economist walkthrough: indices.wage_growth: 0.034 (meant for the projection) also replaced 2024's actual
    3.3 % and moved the base year's net cost, without a note."""
    from resmodel.projection_run import check_projection
    from resmodel.run import load

    scenario = tmp_path / "s.yaml"
    head = f"name: s\npurpose: wages\nextends: {ROOT / 'scenarios' / 'base.yaml'}\nparameters:\n"
    scenario.write_text(head + "  indices.wage_growth: 0.034\n", encoding="utf-8")
    (warning,) = [w for w in check_projection(load(scenario))[1] if w.check == "index_change_in_base_year"]
    assert "indices.wage_growth 0.034 also replaces the base year's own rate (0.033 in 2024)" in warning.message
    assert "from: 2025-01-01" in warning.message
    scenario.write_text(head + "  indices.wage_growth: [{value: 0.034, from: 2025-01-01}]\n", encoding="utf-8")
    assert not [w for w in check_projection(load(scenario))[1] if w.check == "index_change_in_base_year"]


def test_an_index_change_over_the_base_year_is_not_named_when_nothing_is_indexed_into_it(tmp_path):
    """Review: indices.state_rate_uplift 0.05 without 'from' was said to change the base-year costs, but the state
    rate and the LSS price are dated 2024-01-01: the base year's rate indexes nothing into 2024."""
    from resmodel.projection_run import check_projection
    from resmodel.run import load

    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"name: s\npurpose: rate\nextends: {ROOT / 'scenarios' / 'base.yaml'}\nparameters:\n"
                        "  indices.state_rate_uplift: 0.05\n", encoding="utf-8")
    assert not [w for w in check_projection(load(scenario))[1] if w.check == "index_change_in_base_year"]


def test_a_files_within_year_sick_leave_date_a_scenario_replaces_is_not_named(tmp_path):
    """Review: a parameter file's 2025-09-01 sick-leave value that the scenario's change from 2024-01-01 replaces
    was still named as a within-year change (dated_change_not_projected already drops such covered dates)."""
    import shutil

    from resmodel.projection_run import dated_changes_not_projected
    from resmodel.run import load

    data = tmp_path / "demokommun"
    shutil.copytree(ROOT / "data" / "demokommun", data)
    working_time = data / "parameters" / "working_time.yaml"
    working_time.write_text(working_time.read_text(encoding="utf-8").replace(
        "    2024-01-01: 0.074\n", "    2024-01-01: 0.074\n    2025-09-01: 0.07\n", 1), encoding="utf-8")
    base = (ROOT / "scenarios" / "base.yaml").read_text(encoding="utf-8").replace("../data/demokommun", str(data))
    base = base.replace("../data", str(ROOT / "data"))
    (tmp_path / "base.yaml").write_text(base, encoding="utf-8")
    named = [w for w in dated_changes_not_projected(load(tmp_path / "base.yaml"), 2034)
             if w.check == "dated_change_within_year"]
    assert len(named) == 1 and "changes on 2025-09-01" in named[0].message  # the file's own date, not replaced
    (tmp_path / "s.yaml").write_text(base.replace("name: base", "name: s") + "parameters:\n"
                                     "  working_time.sick_leave_rate: [{value: 0.06, from: 2024-01-01}]\n",
                                     encoding="utf-8")
    assert not [w for w in dated_changes_not_projected(load(tmp_path / "s.yaml"), 2034)
                if w.check == "dated_change_within_year"]


def test_the_data_hash_ignores_excels_lock_file_of_an_open_workbook(tmp_path):
    """Code review: '~$users.xlsx' (Excel's lock file while users.xlsx is open) changed the data hash."""
    import shutil

    from resmodel.run import load

    shutil.copytree(ROOT / "data" / "demokommun", tmp_path / "data", ignore=shutil.ignore_patterns("*.md"))
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\npurpose: a test\nbase_date: 2024-07-01\nseed: 1\ndata: data\n", encoding="utf-8")
    before = load(scenario).data_hash
    (tmp_path / "data" / "~$users.xlsx").write_bytes(b"\x0bsomeone   ")
    assert load(scenario).data_hash == before
    (tmp_path / "data" / "users.csv").write_text((tmp_path / "data" / "users.csv").read_text(encoding="utf-8") + "\n",
                                                 encoding="utf-8")
    assert load(scenario).data_hash != before
