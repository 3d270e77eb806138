"""Level tables (a value per need level 1–8): a table that grows with need but falls from one level to the next is
warned at its file and line (`level_table_decreasing`; strict refuses it), and a scenario's table that lacks or adds
levels is refused naming them (allocation audit and economist walk: levels 4 and 5 swapped and 0.139 typed for
1.39 moved daily activity's net cost from 320.9 to 289.7 MSEK without a word)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from resmodel.allocation.engine import required_parameters
from resmodel.cli import app
from resmodel.io.parameters import NON_DECREASING_LEVELS
from resmodel.run import load
from tests.clirun import invoke
from tests.conftest import BASE, ROOT

DEMO = ROOT / "data" / "demokommun"
TARIFF = ROOT / "data" / "tariffs" / "stockholm_lss_bostad.csv"
#: the audit's table: levels 4 and 5 swapped, level 8 written 0.139 for 1.39
SLIPPED = "{1: 0.14, 2: 0.20, 3: 0.29, 4: 0.49, 5: 0.38, 6: 0.64, 7: 0.99, 8: 0.139}"


def scenario(folder: Path, *lines: str) -> Path:
    """s.yaml in ``folder`` extending the shipped base scenario, with ``lines`` after the head."""
    path = folder / "s.yaml"
    path.write_text("\n".join(["name: s", "purpose: level table test", f"extends: {BASE}", *lines]) + "\n",
                    encoding="utf-8")
    return path


def decreasing(warnings) -> list:
    return [w for w in warnings if w.check == "level_table_decreasing"]


def test_a_scenario_table_with_swapped_levels_and_a_decimal_slip_is_warned_at_its_line(tmp_path):
    warned = decreasing(load(scenario(tmp_path, "parameters:", f"  daglig_verksamhet.staff_ratio: {SLIPPED}")).warnings)
    assert len(warned) == 1
    assert (warned[0].location.file.endswith("s.yaml"), warned[0].location.line) == (True, 5)
    assert ("falls from level 4 (0.49) to level 5 (0.38) and from level 7 (0.99) to level 8 (0.139)"
            in warned[0].message)
    assert "wrong order or a slipped decimal point" in warned[0].message


def test_a_dated_change_is_warned_at_its_own_entry(tmp_path):
    path = scenario(tmp_path, "parameters:", "  bostad_barn.support_hours_per_day:",
                    "    - {value: {1: 10.5, 2: 13, 3: 16, 4: 19, 5: 23, 6: 27, 7: 34, 8: 45}, until: 2025-12-31}",
                    "    - {value: {1: 10.5, 2: 13, 3: 16, 4: 19, 5: 23, 6: 27, 7: 34, 8: 4.5}, from: 2026-01-01}")
    warned = decreasing(load(path).warnings)
    assert [(w.location.line, w.location.path) for w in warned] == [
        (7, "parameters.bostad_barn.support_hours_per_day[1]")]
    assert "(from 2026-01-01) falls from level 7 (34) to level 8 (4.5)" in warned[0].message


def test_a_parameter_file_table_that_falls_is_warned_at_its_value_line(tmp_path):
    params = tmp_path / "parameters"
    shutil.copytree(DEMO / "parameters", params)
    table = params / "bostad_vuxna" / "support_hours_per_day.yaml"
    text = table.read_text(encoding="utf-8")
    table.write_text(text.replace("7: 13.0, 8: 72.0}", "7: 13.0, 8: 7.2}"), encoding="utf-8")
    warned = decreasing(load(scenario(tmp_path, f"parameters_dir: {params}")).warnings)
    line = next(i for i, row in enumerate(table.read_text(encoding="utf-8").splitlines(), start=1)
                if row.strip().startswith("2023-01-01"))
    assert [(Path(w.location.file).name, w.location.line) for w in warned] == [("support_hours_per_day.yaml", line)]
    assert "bostad_vuxna.support_hours_per_day (valid from 2023-01-01) falls from level 7 (13) to level 8 (7.2)" \
        in warned[0].message


def test_validate_and_run_print_it_before_the_routine_warnings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = scenario(tmp_path, "parameters:", f"  daglig_verksamhet.staff_ratio: {SLIPPED}")
    for args in (("validate", path), ("run", path, "--out", tmp_path / "out")):
        code, _, err = invoke(app, *args)
        lines = [line for line in err.splitlines() if line.startswith("warning: [")]
        assert code == 0, err
        checks = [line.split("]")[0].removeprefix("warning: [") for line in lines]
        assert checks.index("level_table_decreasing") < checks.index("capacity_exceeded"), checks  # WARNING_ORDER


@pytest.mark.parametrize("command", ["validate", "run", "project"])
def test_strict_refuses_it_in_every_command(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    path = scenario(tmp_path, "strict: true", "parameters:", f"  daglig_verksamhet.staff_ratio: {SLIPPED}")
    code, _, err = invoke(app, command, path, *(("--out", tmp_path / "out") if command != "validate" else ()))
    assert code == 2
    assert "s.yaml, line 6, at 'parameters.daglig_verksamhet.staff_ratio': [level_table_decreasing]" in err
    assert not (tmp_path / "out").exists()


def test_a_tariff_whose_price_falls_with_the_level_is_warned_at_its_row(tmp_path):
    rows = TARIFF.read_text(encoding="utf-8").splitlines()
    swapped = [row.replace("2024,gruppbostad,4,3402,", "2024,gruppbostad,4,3883,")
               .replace("2024,gruppbostad,5,3883,", "2024,gruppbostad,5,3402,")
               .replace("2021,servicebostad,8,4565,", "2021,servicebostad,8,456,") for row in rows]
    (tmp_path / "tariff.csv").write_text("\n".join(swapped) + "\n", encoding="utf-8")
    warned = decreasing(load(scenario(tmp_path, "allocation_key: tariff", "tariff: tariff.csv")).warnings)
    row = next(i for i, r in enumerate(swapped, start=1) if r.startswith("2024,gruppbostad,5,"))
    assert [(w.location.row, w.location.column) for w in warned] == [(row, "price_per_day")]  # 2021: not in use
    assert "gruppbostad price per day of 2024 falls from level 4 (3883) to level 5 (3402)" in warned[0].message


def test_the_demo_the_kit_and_the_shipped_tariff_are_not_warned(demo_loaded, tmp_path, monkeypatch):
    assert not decreasing(demo_loaded.warnings)
    assert not decreasing(load(ROOT / "scenarios" / "tariff_stockholm.yaml").warnings)
    code, _, err = invoke(app, "init", tmp_path / "kit")
    assert code == 0, err
    monkeypatch.chdir(tmp_path / "kit")
    assert not decreasing(load(Path("scenarios/base.yaml")).warnings)


def test_every_level_table_the_model_reads_grows_with_need():
    """A new level table must be placed among those that may not fall, or this test says it was forgotten."""
    assert {path for path, kind in required_parameters().items() if kind == "levels"} == NON_DECREASING_LEVELS


@pytest.mark.parametrize(("value", "said"), [
    ("{1: 0.14, 2: 0.2, 3: 0.29, 4: 0.38, 5: 0.49, 6: 0.64, 7: 0.99, 8: 1.39, 9: 2.0}",
     "'daglig_verksamhet.staff_ratio' is a level table but the new value is not a complete table: it has level 9, "
     "outside 1–8. Expected a mapping with exactly the levels 1–8, e.g. {1: 0.14, 2: 0.2, …, 8: 1.39}. Fix: give a "
     "value for every level 1–8 and no other: remove level 9"),
    ("{0: 0.1, 1: 0.14, 2: 0.2, 3: 0.29, 4: 0.38, 5: 0.49, 6: 0.64, 7: 0.99, 8: 1.39}",
     "not a complete table: it has level 0, outside 1–8. Expected a mapping with exactly the levels 1–8, e.g. "
     "{1: 0.14, 2: 0.2, …, 8: 1.39}. Fix: give a value for every level 1–8 and no other: remove level 0 (a tariff's "
     "level 0, its base amount, has no place in a level table)"),
    ("{1: 0.14, 2: 0.2}", "not a complete table: it lacks levels 3, 4, 5, 6, 7, 8. Expected a mapping with exactly "
                          "the levels 1–8, e.g. {1: 0.14, 2: 0.2, …, 8: 1.39}. Fix: give a value for every level 1–8: "
                          "add levels 3, 4, 5, 6, 7, 8"),
    ("{1: 0.14, 2: 0.2, 9: 2.0}", "it lacks levels 3, 4, 5, 6, 7, 8 and has level 9, outside 1–8. Expected a mapping "
                                  "with exactly the levels 1–8, e.g. {1: 0.14, 2: 0.2, …, 8: 1.39}. Fix: give a value "
                                  "for every level 1–8 and no other: add levels 3, 4, 5, 6, 7, 8 and remove level 9"),
    ("0.5", "not a complete table: it is the single number 0.5"),
])
def test_an_incomplete_scenario_table_names_its_missing_and_extra_levels(tmp_path, monkeypatch, value, said):
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke(app, "validate", scenario(tmp_path, "parameters:", f"  daglig_verksamhet.staff_ratio: {value}"))
    assert code == 2
    assert "s.yaml, line 5, at 'parameters.daglig_verksamhet.staff_ratio': " in err and said in err, err


def test_project_repeats_it_among_its_notes(tmp_path, monkeypatch):
    """project prints no base-run warnings; a level table falling by a decimal slip moves every projected year, so
    the projection's notes repeat it (and an implausible_change alike), once (i1's gap)."""
    from resmodel.projection_run import build_setup
    from resmodel.run import run

    loaded = load(scenario(tmp_path, "parameters:", f"  daglig_verksamhet.staff_ratio: {SLIPPED}"))
    notes = build_setup(loaded, run(loaded)).notes
    slips = [n for n in notes if "[level_table_decreasing]" in n]
    assert len(slips) == 1 and "s.yaml, line 5" in slips[0] and "level 7 (0.99) to level 8 (0.139)" in slips[0]
    base = load(BASE)
    assert not any("[level_table_decreasing]" in n or "[implausible_change]" in n
                   for n in build_setup(base, run(base)).notes)


def test_a_tenfold_slip_at_the_top_level_is_warned_though_the_table_still_rises(tmp_path):
    """8: 13.9 for 1.39 keeps the table rising, so level_table_decreasing cannot see it; daily activity's net cost
    doubled (320.9 → 648.8 MSEK) unsaid (diff review). A level five times its file's level is an implausible_change."""
    table = "{1: 0.14, 2: 0.20, 3: 0.29, 4: 0.38, 5: 0.49, 6: 0.64, 7: 0.99, 8: 13.9}"
    warned = [w for w in load(scenario(tmp_path, "parameters:", f"  daglig_verksamhet.staff_ratio: {table}")).warnings
              if w.check == "implausible_change"]
    assert len(warned) == 1 and "daglig_verksamhet.staff_ratio level 8: 13.9 is 10 times the parameter's 1.39" in \
        warned[0].message and "a decimal point slipped at a level?" in warned[0].message
    doubled = "{1: 0.28, 2: 0.40, 3: 0.58, 4: 0.76, 5: 0.98, 6: 1.28, 7: 1.98, 8: 2.78}"  # a decision, twice the staff
    assert not [w for w in load(scenario(tmp_path, "parameters:", f"  daglig_verksamhet.staff_ratio: {doubled}")).warnings
                if w.check == "implausible_change"]


def test_every_level_off_its_file_is_named_in_one_warning(tmp_path):
    """Adult housing's support hours with level 3 typed 40 for 4.0 and level 8 7.2 for 72: implausible_change named
    level 3 and stopped (controller re-walk); both are in its one warning now."""
    table = "{1: 0.5, 2: 1.5, 3: 40, 4: 5.0, 5: 7.0, 6: 9.0, 7: 13.0, 8: 7.2}"
    (warned,) = [w for w in load(scenario(tmp_path, "parameters:", f"  bostad_vuxna.support_hours_per_day: {table}"))
                 .warnings if w.check == "implausible_change"]
    assert "level 3: 40 is " in warned.message and "level 8: 7.2 is 1/10 of the parameter's 72" in warned.message


def test_a_roster_far_above_a_need_cut_by_a_level_slip_points_at_the_slip_too(tmp_path):
    """Support hours with level 8 typed 7.2 for 72 made the group homes' rosters many times their need, and
    roster_implausible blamed staff.csv alone ('FTE written as percent?'; controller re-walk)."""
    from resmodel.run import run

    table = "{1: 1.5, 2: 2.5, 3: 4.0, 4: 5.5, 5: 7.0, 6: 9.0, 7: 13.0, 8: 7.2}"
    result = run(load(scenario(tmp_path, "parameters:", f"  bostad_vuxna.support_hours_per_day: {table}")))
    rosters = [w.message for w in result.warnings if w.check == "roster_implausible"]
    assert rosters and all("Or the need too low: " in m and "a level table or hours the scenario changed" in m
                           for m in rosters)
    # not at weekly_hours, which housing users have none of (new-board re-walk)
    assert not any("weekly_hours" in m for m in rosters)
