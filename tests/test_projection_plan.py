"""`projection.capacity.<service>.plan`: a premises plan written by `resmodel plan-premises` read into
the budget projection — its premises add places from their opening year and are costed at their rent
and one-off cost; located errors in the scenario or the plan file; the shipped premises_plan scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from resmodel.cli import app
from resmodel.errors import InputError
from resmodel.projection_run import (
    build_setup,
    check_projection,
    project,
    projection_manifest,
    scenario_capacity,
)
from resmodel.run import load, run

from .test_projection import run_file, scenario

ROOT = Path(__file__).resolve().parents[1]
DV = "daglig_verksamhet"
HEADER = ("premises_id,min_level,max_level,places,annual_rent_sek,one_off_cost_sek,earliest_possible,decided_year,"
          "open_year,decision,reason\n")
PLAN = HEADER + ("A,1,6,25.0,1000000.0,200000.0,2026,,2027,open,without it 10 more user-years would have no place\n"
                 "B,6,8,30.0,1500000.0,0.0,2027,2029,2029,decided,decided\n"
                 "C,1,6,25.0,800000.0,0.0,2026,,,not opened,not needed\n")


def _planned(tmp_path: Path, plan: str = PLAN, capacity: str = f"{DV}: {{places: 1000, plan: plan.csv}}",
             manifest: str | None = None, demand_column: str = "volume") -> Path:
    (tmp_path / "plan.csv").write_text(plan)
    if manifest is not None:
        (tmp_path / "manifest.json").write_text(json.dumps({"command": "plan-premises", "options": {
            "service": manifest, "demand_column": demand_column}}))
    return scenario(tmp_path, "planned", f"projection:\n  capacity:\n    {capacity}\n")


def _yearly(result, service: str, measure: str):
    y = result.yearly
    return y[(y["service"] == service) & (y["measure"] == measure)].set_index("period")["value"]


def test_the_plans_premises_add_places_and_are_costed_at_their_rent_and_one_off(tmp_path):
    path = _planned(tmp_path, manifest=DV)
    loaded, result = run_file(path)
    setup = build_setup(loaded, result)
    limit = setup.case.inputs.capacity[0]
    assert [limit.places[y] for y in range(2025, 2031)] == [1000, 1000, 1025, 1025, 1055, 1055]
    assert [(p.premises_id, p.open_year, p.annual_rent, p.one_off) for p in limit.premises] == \
        [("A", 2027, 1e6, 2e5), ("B", 2029, 1.5e6, 0.0)]  # C is not opened
    assert any("plan.csv' opens 2 premises with 55 places (2027 +25, 2029 +30)" in n for n in setup.notes)
    assert not any("manifest.json" in n or "demand column" in n or "count twice" in n for n in setup.notes)
    budget = project(loaded, result)
    rent, adjustment = _yearly(budget, DV, "plan_rent"), _yearly(budget, DV, "adjustment")
    assert rent["2026"] == 0.0 and 1e6 < rent["2027"] < 1.1e6 and 2.5e6 < rent["2029"] < 2.8e6  # at the rent index
    assert 2e5 < adjustment["2027"] < 2.2e5 and adjustment.drop("2027").abs().max() == 0.0  # at the price index
    assert (_yearly(budget, DV, "plan_one_off") == adjustment).all()
    assert any("1,000–1,055 places (including the plan's premises)" in n for n in budget.notes)
    manifest = projection_manifest({}, setup)
    assert manifest["premises_plans"][DV]["sha256"] and manifest["premises_plans"][DV]["file"].endswith("plan.csv")
    assert scenario_capacity(loaded, DV).places[2034] == 1055  # resmodel queue --scenario sees the same places


@pytest.mark.parametrize("manifest, demand_column, capacity, note", [
    (None, "volume", f"{DV}: {{places: 1000, plan: plan.csv}}",
     "no manifest.json of plan-premises beside"),
    (DV, "volume_hi_80", f"{DV}: {{places: 1000, plan: plan.csv}}",
     "the plan was made for the demand column volume_hi_80"),
    (DV, "volume", f"{DV}: {{places: 1000, added: {{2027: 25}}, plan: plan.csv}}",
     "places under both 'added' and 'plan'"),
    (DV, "volume", f"{DV}: {{places: 1000, plan: plan.csv}}",
     "the plan was made on today's premises (plan-premises --places), this scenario has places 1,000"),
])
def test_notes_on_how_the_plan_was_made_and_places_that_may_count_twice(tmp_path, manifest, demand_column,
                                                                        capacity, note):
    setup = build_setup(*run_file(_planned(tmp_path, PLAN, capacity, manifest, demand_column)))
    assert any(note in n for n in setup.notes), setup.notes


@pytest.mark.parametrize("manifest, note", [
    ('{"command": "plan-premises", "options": "x"}', "manifest.json' has no options"),
    ('{"command": "forecast", "options": {}}', "manifest.json' is not the manifest of plan-premises"),
    ("[" * 5000 + "]" * 5000, "manifest.json' cannot be read (RecursionError)"),
    ("{", "manifest.json' cannot be read (JSONDecodeError)"),
    ('{"command": "plan-premises", "options": {"places": null}}', "manifest.json' names no service"),
])
def test_a_manifest_that_cannot_be_read_is_said_to_be_and_the_service_is_unchecked(tmp_path, manifest, note):
    path = _planned(tmp_path)
    (tmp_path / "manifest.json").write_text(manifest)
    setup = build_setup(*run_file(path))
    assert any(note in n and "not checked that the plan was made for" in n for n in setup.notes), setup.notes


def test_a_manifest_saved_with_a_byte_order_mark_is_read(tmp_path):
    path = _planned(tmp_path)
    (tmp_path / "manifest.json").write_text('\ufeff{"command": "plan-premises", "options": {"service": '
                                            '"bostad_vuxna"}}', encoding="utf-8")
    with pytest.raises(InputError, match="was made for bostad_vuxna"):
        build_setup(*run_file(path))


@pytest.mark.parametrize("key", ["service", "demand_column", "places"])
def test_an_identity_number_in_the_manifest_is_refused_and_not_repeated(tmp_path, key):
    path = _planned(tmp_path)
    options = {"service": DV, "demand_column": "volume", "places": None, key: "19121212-1212"}
    (tmp_path / "manifest.json").write_text(json.dumps({"command": "plan-premises", "options": options}))
    with pytest.raises(InputError) as err:
        build_setup(*run_file(path))
    assert "personal identity number" in str(err.value) and "1212" not in str(err.value)
    assert f"options.{key}" in str(err.value) and "manifest.json" in str(err.value)


def test_column_names_in_another_case_are_read(tmp_path):
    plan = PLAN.replace("open_year,decision", "Open_Year,DECISION").replace("places,", "Places,", 1)
    limit = build_setup(*run_file(_planned(tmp_path, plan))).case.inputs.capacity[0]
    assert [p.premises_id for p in limit.premises] == ["A", "B"]


def test_the_queue_on_the_scenario_records_the_plan_in_its_manifest(tmp_path):
    path = _planned(tmp_path, manifest=DV)
    demand = tmp_path / "demand.csv"
    demand.write_text("month,service,volume\n" + "".join(f"2025-{m:02d},{DV},990\n" for m in range(1, 13)))
    result = CliRunner().invoke(app, ["queue", "--demand", str(demand), "--service", DV, "--scenario", str(path),
                                      "--out", str(tmp_path / "queue")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "queue/manifest.json").read_text())
    assert manifest["scenario"]["premises_plans"][DV]["sha256"]


def test_a_child_lifts_the_parents_plan_with_null(tmp_path):
    parent = _planned(tmp_path)
    child = tmp_path / "child.yaml"
    child.write_text(f"name: child\npurpose: test\nextends: {parent.name}\nprojection:\n  capacity:\n"
                     f"    {DV}: {{plan: null}}\n")
    limit = build_setup(*run_file(child)).case.inputs.capacity[0]
    assert limit.premises == () and set(limit.places.values()) == {1000.0}


@pytest.mark.parametrize("plan, capacity, manifest, message, where", [
    (PLAN, f"{DV}: {{places: 1000, plan: nope.csv}}", None, "plan file 'nope.csv' not found (looked for ",
     "planned.yaml, line 6"),
    (PLAN, f"{DV}: {{places: 1000, plan: plan.csv}}", "bostad_vuxna", "was made for bostad_vuxna",
     "planned.yaml, line 6"),
    (PLAN, "boendestod: {places: 1000, plan: plan.csv}", None, "boendestod's units use no premises",
     "planned.yaml, line 6"),
    (PLAN.replace(",2026,,2027,open", ",,,2024,open"), None, None, "A opens in 2024, before the first projected year 2025",
     "plan.csv, row 2, column 'open_year'"),
    (PLAN.replace(",2027,open", ",,open"), None, None, "decision 'open' without an opening year",
     "plan.csv, row 2, column 'open_year'"),
    (PLAN.replace(",,,not opened", ",,2030,not opened"), None, None, "an opening year (2030) on a premises 'not "
     "opened'", "plan.csv, row 4, column 'decision'"),
    (PLAN.replace(",open,", ",opened,"), None, None, "unknown value 'opened'", "plan.csv, row 2, column 'decision'"),
    # planner walkthrough: a housing plan copied without its manifest was costed as daily activity (a note only)
    (PLAN.replace("premises_id,", "service,premises_id,").replace("\nA,", "\nbostad_vuxna,A,")
     .replace("\nB,", "\nbostad_vuxna,B,").replace("\nC,", "\nbostad_vuxna,C,"), None, None,
     "was made for bostad_vuxna (its column 'service')", "planned.yaml, line 6"),
    (PLAN.replace(",open_year,", ",").replace(",2027,open", ",open").replace(",2029,decided", ",decided")
     .replace(",,not opened", ",not opened"), None, None, "required column 'open_year' is missing", "plan.csv, row 1"),
    (HEADER, None, None, "the file has a header but no rows", "plan.csv, row 2"),
    (PLAN.replace("not needed", "not needed 19121212-1212"), None, None, "personal identity number", "plan.csv"),
    (PLAN.replace(",2026,,2027,open", ",2028,,2027,open"), None, None, "opening year 2027 is before the premises' "
     "earliest possible year 2028", "plan.csv, row 2, column 'open_year'"),
    ("option,year,demand,places\nplan,2025,10,12\n", None, None, "this is plan-premises' premises_yearly.csv, "
     "not its plan", "plan.csv, row 1"),
    ("option,year,level,demand\nplan,2025,1,10\n", None, None, "premises_by_level.csv", "plan.csv, row 1"),
    ("month,places,planned_for\n2025-01,1295,volume\n", None, None, "capacity_plan.csv", "plan.csv, row 1"),
    ((ROOT / "data/demokommun/premises_candidates.csv").read_text(), None, None, "this is a candidates file, not a "
     "plan", "plan.csv, row 1"),
    (PLAN, f"{DV}: {{places: 1000, plan: .}}", None, "'.' is a folder", "planned.yaml, line 6"),
    (PLAN.replace("A,1,6,25.0,", "A,1,6,0,"), None, None, "a premises opened with 0 places",
     "plan.csv, row 2, column 'places'"),
    (PLAN, f"{DV}: {{places: 1000, plan: [plan.csv]}}", None, "the path of a premises_plan.csv",
     "planned.yaml, line 6"),
    (PLAN, f"{DV}: {{places: 1000, plan: planned.yaml}}", None, "'planned.yaml' is not a table (.yaml)",
     "planned.yaml, line 6"),
    (PLAN.replace(",2027,2029,2029,decided", ",2027,2031,2029,decided"), None, None, "opening year 2029 on a "
     "premises decided for 2031", "plan.csv, row 3, column 'open_year'"),
    (PLAN.replace(",2027,2029,2029,decided", ",2027,,2029,decided"), None, None, "decision 'decided' without a "
     "decided year", "plan.csv, row 3, column 'decided_year'"),
    (PLAN.replace(",2026,,,not opened", ",2026,2029,,not opened"), None, None, "decision 'not opened' with a "
     "decided year", "plan.csv, row 4, column 'decided_year'"),
    (PLAN.replace("A,1,6,", "A,6,1,"), None, None, "levels 6–1: min above max", "plan.csv, row 2, column "
     "'min_level'"),
])
def test_bad_plans_are_located(tmp_path, plan, capacity, manifest, message, where):
    path = _planned(tmp_path, plan, capacity or f"{DV}: {{places: 1000, plan: plan.csv}}", manifest)
    for check in (lambda: build_setup(*run_file(path)), lambda: check_projection(load(path))):
        with pytest.raises(InputError) as err:
            check()
        assert message in str(err.value) and where in str(err.value), str(err.value)


def test_a_plan_that_names_its_service_needs_no_manifest_to_be_checked(tmp_path):
    plan = PLAN.replace("premises_id,", "service,premises_id,")
    for name in ("A", "B", "C"):
        plan = plan.replace(f"\n{name},", f"\n{DV},{name},")
    setup = build_setup(*run_file(_planned(tmp_path, plan)))
    assert [p.premises_id for p in setup.case.inputs.capacity[0].premises] == ["A", "B"]
    assert not any("not checked that the plan was made for" in n for n in setup.notes)


def test_a_plan_made_on_another_forecast_model_is_noted(tmp_path):
    """Planner walkthrough: a plan made on comb's upper bound was said to leave headroom as free places, and the
    next note said demand was above them — the projection forecast with drift, above comb's bound."""
    plan = PLAN.replace("premises_id,", "service,demand_model,premises_id,")
    for name in ("A", "B", "C"):
        plan = plan.replace(f"\n{name},", f"\n{DV},comb,{name},")
    setup = build_setup(*run_file(_planned(tmp_path, plan)))  # the test scenario projects with drift
    note = next(n for n in setup.notes if "the plan was made on a comb forecast" in n)
    assert f"this projection forecasts {DV} with drift" in note
    same = build_setup(*run_file(_planned(tmp_path, plan.replace(",comb,", ",drift,"))))
    assert not any("the plan was made on a" in n for n in same.notes)


def test_premises_opening_after_the_horizon_are_noted(tmp_path):
    path = _planned(tmp_path, PLAN.replace(",2029,2029,decided", ",2040,2040,decided"))
    setup = build_setup(*run_file(path))
    assert [p.premises_id for p in setup.case.inputs.capacity[0].premises] == ["A"]
    assert any("B of " in n and "open after 2034 and are not in this projection" in n for n in setup.notes)


def test_the_shipped_plan_is_what_plan_premises_makes_of_the_base_forecast(tmp_path):
    """scenarios/plans/daglig_verksamhet is the output of the commands in docs/projection.md; daily
    activity's drift forecast does not depend on the other series, so its history alone gives it fast."""
    history = (ROOT / "data/demokommun/volume_history.csv").read_text().splitlines()
    (tmp_path / "dv.csv").write_text("\n".join([history[0], *(r for r in history[1:] if f",{DV}," in r)]) + "\n")
    runner = CliRunner()
    forecast = runner.invoke(app, ["forecast", "--series", str(tmp_path / "dv.csv"), "--model", f"{DV}=drift",
                                   "--out", str(tmp_path / "forecast")])
    assert forecast.exit_code == 0, forecast.output
    plan = runner.invoke(app, ["plan-premises", "--demand", str(tmp_path / "forecast/volume_forecast.csv"),
                               "--service", DV, "--candidates", str(ROOT / "data/demokommun/premises_candidates.csv"),
                               "--scenario", str(ROOT / "scenarios/base.yaml"), "--out", str(tmp_path / "plan")])
    assert plan.exit_code == 0, plan.output
    shipped = ROOT / "scenarios/plans" / DV
    for name in ("premises_plan.csv", "premises_yearly.csv", "capacity_plan.csv"):
        assert (tmp_path / "plan" / name).read_bytes() == (shipped / name).read_bytes(), name
    # and its manifest ties it to today's inputs (docs-truth check: a parameter file's edit left a stale hash)
    fresh, stored = (json.loads((folder / "manifest.json").read_text(encoding="utf-8")) for folder in
                     (tmp_path / "plan", shipped))
    for key in ("parameter_hash", "data_hash", "scenario_hash", "base_date"):
        assert fresh["scenario"][key] == stored["scenario"][key], key
    assert fresh["resolved"] == stored["resolved"]
    # planner review: the solver's noise showed (served 1295.00001 of 1 295 places, free places -1e-05)
    import pandas as pd
    yearly = pd.read_csv(shipped / "premises_yearly.csv")
    assert (yearly["served_own"] <= yearly["places"]).all() and (yearly["free_places"] >= 0).all()
    for column in ("served_own", "free_places", "unmet"):
        near = (yearly[column] - yearly[column].round()).abs() < 1e-4  # within the solver's tolerance of whole
        assert (yearly.loc[near, column] == yearly.loc[near, column].round()).all(), column


def test_the_shipped_scenario_costs_the_plan_at_its_rents():
    """Demand stays within today's places and the plan's, so daily activity's staff and other costs are
    the base scenario's; only its premises cost moves (the plan's rents instead of the base-year average
    per user for the users in the new premises)."""
    loaded = load(ROOT / "scenarios" / "premises_plan.yaml")
    planned = project(loaded, run(loaded))
    base_loaded = load(ROOT / "scenarios" / "base.yaml")
    base = project(base_loaded, run(base_loaded))
    assert _yearly(planned, DV, "over_capacity").max() == 0.0
    assert _yearly(planned, DV, "places")["2025"] == 1295 and _yearly(planned, DV, "places")["2034"] == 1495
    for measure in ("volume", "staff_cost", "other_cost"):
        assert (_yearly(planned, DV, measure) - _yearly(base, DV, measure)).abs().max() < 1e-6, measure
    assert _yearly(planned, DV, "premises_cost")["2034"] != pytest.approx(_yearly(base, DV, "premises_cost")["2034"])
    assert _yearly(planned, DV, "plan_rent")["2026"] == 0.0 and _yearly(planned, DV, "plan_rent")["2027"] > 0.0
    # demand is above today's 1 295 places in every month of 2034: the users above them are in the plan's premises
    assert _yearly(planned, DV, "plan_users")["2034"] == pytest.approx(_yearly(planned, DV, "volume")["2034"] - 1295)
    assert _yearly(planned, DV, "plan_users")["2026"] == 0.0


def test_a_plan_ending_before_the_projection_says_so(tmp_path):
    """Planner review: a plan made for 2025–2028 projected to 2034 without a word; the waiting from 2031 read as
    the plan's verdict."""
    import shutil

    import pandas as pd

    from resmodel.projection_run import build_setup

    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "scenarios" / "plans" / "daglig_verksamhet", plans)
    yearly = pd.read_csv(plans / "premises_yearly.csv")
    shipped_loaded = load(ROOT / "scenarios" / "premises_plan.yaml")
    shipped = build_setup(shipped_loaded, run(shipped_loaded))
    assert not any("the plan covers" in n for n in shipped.notes)
    yearly[yearly["year"] <= 2028].to_csv(plans / "premises_yearly.csv", index=False)
    (tmp_path / "s.yaml").write_text(f"name: s\npurpose: test\nextends: {ROOT / 'scenarios' / 'premises_plan.yaml'}\n"
                                     "projection:\n  capacity:\n    daglig_verksamhet:\n"
                                     f"      plan: {plans / 'premises_plan.csv'}\n", encoding="utf-8")
    loaded = load(tmp_path / "s.yaml")
    notes = build_setup(loaded, run(loaded)).notes
    assert any("the plan covers 2025–2028 (its premises_yearly.csv); no premises are planned for 2029–2034" in n
               for n in notes), notes


def test_a_premises_not_opened_may_have_0_places(tmp_path):
    """Review: the data dictionary's '> 0' for candidate places also refused a hand-edited plan row that is not
    opened with 0 places, which the plan reader had accepted (only an opened premises needs places)."""
    path = _planned(tmp_path, PLAN.replace("C,1,6,25.0,", "C,1,6,0,"))
    build_setup(*run_file(path))
