"""Outputs: the workbook opens with Swedish sheets, repeated runs are byte-identical, explain
reproduces a reported unit cost from its parts, and the CLI run prints the summary."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from resmodel.explain import explain_unit
from resmodel.io.municipality import data_quality_warnings
from resmodel.run import write_outputs
from tests.conftest import BASE

FILES = {name: f"{name}.csv" for name in ("premises", "units", "users", "staff")}


def test_workbook_opens_with_swedish_sheets(demo_result, tmp_path):
    write_outputs(demo_result, tmp_path / "out")
    wb = load_workbook(tmp_path / "out" / "resmodel_base.xlsx", read_only=True)
    assert wb.sheetnames == ["Sammanfattning", "Enheter", "Sektioner", "Brukare", "Arbetstid", "Parametrar",
                             "Scenarioändringar", "Varningar", "Manifest"]
    assert load_workbook(tmp_path / "out" / "resmodel_base.xlsx")["Enheter"].auto_filter.ref == "A1:Z166"  # filter
    rows = list(wb["Sammanfattning"].iter_rows(values_only=True))
    header = rows[0]
    assert "Nettokostnad, kr per år (net cost, SEK a year)" in header and "Bemanningsgap årsarbetare (staffing gap FTE, + = over)" in header
    net = header.index("Nettokostnad, kr per år (net cost, SEK a year)")
    assert rows[-1][0] == "total" and rows[-1][net] == pytest.approx(sum(r[net] for r in rows[1:-1]))
    assert next(wb["Enheter"].iter_rows(values_only=True))[:5] == (
        "Enhet (unit id)", "Namn (name)", "Insats (service)", "Insats, benämning (service name)",
        "Regi (egen = own, extern = bought)")
    services = {r[0]: r[1] for r in rows[1:]}
    assert {"daglig_verksamhet", "bostad_vuxna", "personlig_assistans_sfb"} <= set(services)
    # section-manager walk: the sheets showed only keys; the Swedish name now stands beside each
    assert services["personlig_assistans_sfb"] == "Personlig assistans SFB" and services["total"] == "Totalt"
    assert rows[0][1] == "Insats, benämning (service name)"
    units = list(wb["Enheter"].iter_rows(values_only=True))
    assert len(units) - 1 == len(demo_result.allocation.units)


def test_repeated_runs_are_byte_identical(tmp_path):
    from resmodel.run import load, run

    for name in ("a", "b"):
        write_outputs(run(load(BASE)), tmp_path / name)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == ["brukare.csv", "enheter.csv", "manifest.json", "resmodel_base.xlsx", "resultat.csv"]
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_manifest_has_hashes_and_seed(demo_result):
    m = demo_result.manifest
    for key in ("resmodel_version", "scenario_hash", "parameter_hash", "data_hash", "seed"):
        assert m[key]
    assert len(m["scenario_hash"]) == 64 and m["seed"] == 20241231


@pytest.mark.parametrize("unit", ["DV001", "GB001", "SB003", "BB002", "EXT-VUXEN", "PA-EGEN", "PA-EXTERN"])
def test_explain_reproduces_unit_cost_from_parts(demo_result, unit):
    e = explain_unit(demo_result, unit, "net_cost")
    assert e.recomputed == pytest.approx(e.reported, rel=1e-9, abs=1e-6)
    assert any(step.label == "net cost" for step in e.steps)
    assert all(r.valid_from and r.source for r in e.parameters)


@pytest.mark.parametrize("unit", ["DV002", "GB006"])
@pytest.mark.parametrize("measure", ["fte_required", "fte_roster", "roster_cost", "staffing_gap_fte", "staffing_gap_sek"])
def test_explain_shows_the_staffing_gap_from_the_roster_rows(demo_result, unit, measure):
    """A section manager's question: why is my gap what it is? The roster rows and the need, step by step."""
    e = explain_unit(demo_result, unit, measure)
    assert e.recomputed == pytest.approx(e.reported, rel=1e-9, abs=1e-6)
    reported = demo_result.allocation.units.set_index("unit_id").loc[unit]
    roster_steps = [step.value for step in e.steps if step.label.startswith("roster: ")]
    assert len(roster_steps) == len(demo_result.loaded.data.staff.query("unit_id == @unit"))
    assert sum(roster_steps) == pytest.approx(reported["roster_cost"])
    steps = {step.label: step.value for step in e.steps}
    assert steps["FTE required (årsarbetare)"] == pytest.approx(reported["fte_required"])
    assert steps["staffing gap in SEK (+ = over, − = under)"] == pytest.approx(reported["staffing_gap_sek"])


def test_explain_shows_a_units_budget_under_the_derived_key_and_a_tariff(demo_result):
    """Section-manager review: 'why does unit X get this budget?' — explain refused --measure allocation."""
    from resmodel.run import load, run

    derived = explain_unit(demo_result, "DV002", "allocation")
    assert derived.recomputed == pytest.approx(derived.reported)
    assert any(step.formula.startswith("= net cost") for step in derived.steps)
    tariff = run(load(BASE.parent / "tariff_stockholm.yaml"))
    e = explain_unit(tariff, "SB001", "allocation")
    assert e.recomputed == pytest.approx(e.reported, rel=1e-12)
    residents = [step for step in e.steps if step.label.endswith("tariff price")]
    assert len(residents) == len(tariff.loaded.data.users.query("unit_id == 'SB001'"))
    net = tariff.allocation.units.set_index("unit_id").at["SB001", "net_cost"]
    assert e.reported != pytest.approx(net)  # under the tariff the budget is not the need-based cost
    # section-manager walkthrough: a unit with residents the tariff does not price (GB001) was refused, though the
    # run allocated their need-based cost; every housing unit now explains its budget and agrees with the run
    gb001 = explain_unit(tariff, "GB001", "allocation")
    assert any("has no tariff price: its need-based cost" in step.label for step in gb001.steps)
    units = tariff.allocation.units
    for unit_id in units.loc[units["service"].isin(["bostad_vuxna", "bostad_barn"]) & (units["users"] > 0), "unit_id"]:
        e = explain_unit(tariff, unit_id, "allocation")
        assert e.recomputed == pytest.approx(e.reported, rel=1e-9), unit_id


def test_explain_lists_parameter_path_valid_from_and_value(demo_result):
    e = explain_unit(demo_result, "DV001", "net_cost")
    ratio = next(r for r in e.parameters if r.path == "daglig_verksamhet.staff_ratio")
    assert str(ratio.valid_from) == "2023-01-01" and "staff_ratio.yaml" in ratio.source
    text = ratio.describe()
    assert "L8:" in text and "valid from 2023-01-01" in text


def test_cli_run_prints_summary_and_writes(tmp_path, capsys, monkeypatch):
    from resmodel.cli import main

    monkeypatch.setattr(sys, "argv", ["resmodel", "run", str(BASE), "--out", str(tmp_path / "r")])
    main()
    out = capsys.readouterr().out
    assert "daglig_verksamhet" in out and "staffing" not in out.split("\n")[0]
    assert "net_cost_msek" in out and "gap_fte" in out
    assert (tmp_path / "r" / "manifest.json").exists()


def test_cli_explain(capsys, monkeypatch):
    from resmodel.cli import main

    monkeypatch.setattr(sys, "argv", ["resmodel", "explain", str(BASE), "--unit", "GB001"])
    main()
    out = capsys.readouterr().out
    assert "agrees" in out and "bostad_vuxna.support_hours_per_day" in out and "payroll.po_rate" in out


def test_tariff_allocation_key(tmp_path):
    from resmodel.run import load, run

    scenario = tmp_path / "tariff.yaml"
    scenario.write_text(f"name: t\npurpose: tariff test\nextends: {BASE}\nallocation_key: tariff\n"
                        f"tariff: {Path(BASE).parents[1] / 'data' / 'tariffs' / 'stockholm_lss_bostad.csv'}\n")
    result = run(load(scenario))
    users = result.allocation.users
    gb = users[(users["service"] == "bostad_vuxna") & (users["level"] == 3)]
    sb_units = result.loaded.data.units.set_index("unit_id")["housing_type"]
    gb = gb[gb["unit_id"].map(sb_units) == "gruppbostad"]
    # 2024 group home: base 800 + level 3 2 737 SEK/day, × 366 days, plus the premises share
    expected = (800 + 2737) * 366 + gb["premises_cost"]
    assert (abs(gb["allocation"] - expected) < 1e-6).all()
    checks = {w.check for w in result.warnings}
    assert "tariff_missing_price" in checks  # level 8 group homes and children's homes are not in the list


def test_warnings_name_the_units_they_concern(demo_loaded, demo_result, tmp_path):
    data = demo_loaded.data
    capacity = [w for w in demo_result.warnings if w.check == "capacity_exceeded"]
    assert capacity  # the demo has over-full daily-activity premises
    for w in capacity:
        assert list(w.units) == sorted(data.units.loc[data.units["premises_id"] == w.location.path, "unit_id"])
        assert str(w).endswith(f"(units: {', '.join(w.units)})")  # as the CLI prints it
    # a user-row finding names the user's own unit
    users = data.users.copy()
    row = users.index[users["service"] == "daglig_verksamhet"][0]
    users.loc[row, "level"] = 8  # daily-activity premises take levels up to 6
    found = data_quality_warnings(replace(data, users=users), demo_loaded.scenario.base_date, FILES)
    unsuitable = [w for w in found if w.check == "level_not_suitable"]
    assert [w.location.row for w in unsuitable] == [row] and unsuitable[0].units == (users.at[row, "unit_id"],)
    write_outputs(demo_result, tmp_path / "out")
    sheet = list(load_workbook(tmp_path / "out" / "resmodel_base.xlsx", read_only=True)["Varningar"].iter_rows(values_only=True))
    assert sheet[0][-1] == "enheter (units)" and sheet[1][-1] == ", ".join(demo_result.warnings[0].units)


def test_load_takes_a_path_given_as_text():
    """The library call the docs show: load("scenarios/base.yaml") as well as load(Path(...))."""
    from resmodel.run import load

    assert load(str(BASE)).scenario.name == "base"


def test_unused_premises_missing_rosters_and_odd_user_values_are_warned_about(demo_loaded, demo_result):
    import pandas as pd

    data = demo_loaded.data
    assert not {w.check for w in demo_result.warnings} & {"premises_unused", "no_roster", "role_not_of_service",
                                                         "value_ignored", "weekly_hours_implausible",
                                                         "start_before_adult_age"}
    premises = pd.concat([data.premises, data.premises.tail(1).assign(premises_id="L-NEW", annual_rent=900_000.0)])
    dv_unit = data.units.loc[data.units["service"] == "daglig_verksamhet", "unit_id"].iloc[0]
    staff = data.staff[data.staff["unit_id"] != dv_unit]
    housing_unit = data.units.loc[data.units["service"] == "bostad_vuxna", "unit_id"].iloc[0]
    staff = pd.concat([staff, pd.DataFrame({"unit_id": [housing_unit], "role": ["aktivitetsledare"], "fte": [1.0]},
                                           index=[9999])])
    users = data.users.copy()
    dv, housing = users.index[users["service"] == "daglig_verksamhet"][:2], users.index[users["service"] == "bostad_vuxna"][0]
    users.loc[dv[0], "weekly_hours"], users.loc[dv[1], "weekly_hours"] = 0.0, 60.0
    users.loc[housing, "weekly_hours"] = 40.0
    # section-manager walk: 172 demo daily-activity users started as children, one at age 5, unwarned
    users.loc[dv[0], "start_date"] = pd.Timestamp(f"{int(users.at[dv[0], 'birth_year']) + 5}-03-01")
    found = data_quality_warnings(replace(data, premises=premises, staff=staff, users=users),
                                  demo_loaded.scenario.base_date, FILES)
    by_check = {}
    for w in found:
        by_check.setdefault(w.check, []).append(w)
    assert [w.location.path for w in by_check["premises_unused"]] == ["L-NEW"]
    assert "900,000 SEK/year" in by_check["premises_unused"][0].message
    assert [w.units for w in by_check["no_roster"]] == [(dv_unit,)]
    assert [(w.location.file, w.location.row) for w in by_check["role_not_of_service"]] == [("staff.csv", 9999)]
    assert [w.location.row for w in by_check["weekly_hours_implausible"]] == sorted(dv)
    assert [(w.location.row, w.location.column) for w in by_check["value_ignored"]] == [(housing, "weekly_hours")]
    assert [(w.location.row, w.location.column) for w in by_check["start_before_adult_age"]] == [(dv[0], "start_date")]
    assert "at about 5 years old" in by_check["start_before_adult_age"][0].message


def test_a_workbook_cell_drops_control_characters_excel_cannot_store():
    from resmodel.io.writers import _cell

    assert _cell("a\x0bb\x1b[31m") == "ab[31m" and _cell(float("nan")) is None and _cell("å\tb") == "å\tb"


def test_workbook_columns_are_as_wide_as_their_longest_value_in_any_row(tmp_path):
    """Persona review: sized on the first 200 rows, a service name that came later was cut."""
    import openpyxl
    import pandas as pd

    from resmodel.io.writers import write_workbook

    frame = pd.DataFrame({"service": ["dv"] * 300 + ["personlig_assistans_sfb"], "volume": [1.0] * 301})
    write_workbook({"t": (frame, {})}, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["t"]
    assert sheet.column_dimensions["A"].width >= len("personlig_assistans_sfb")


def test_a_unit_without_users_or_roster_is_warned_as_costed_vacant(demo_loaded):
    """Section-manager review: a unit row with no users and no staff was costed silently (fixed hours, rent share)."""
    import pandas as pd

    data = demo_loaded.data
    units = pd.concat([data.units, data.units.head(1).assign(unit_id="DV900")], ignore_index=True)
    found = [w for w in data_quality_warnings(replace(data, units=units), demo_loaded.scenario.base_date, FILES)
             if w.check == "unit_empty"]
    assert [(w.location.path, w.units) for w in found] == [("DV900", ("DV900",))]
    assert not [w for w in data_quality_warnings(data, demo_loaded.scenario.base_date, FILES) if w.check == "unit_empty"]


@pytest.mark.parametrize("column", ["level", "weekly_hours"])
def test_a_deleted_column_some_users_need_is_one_problem_not_one_per_row(tmp_path, column):
    """Section-manager review: deleting 'level' from users.csv gave 1 497 'fill in the level' problems."""
    import datetime as dt
    import shutil

    import pandas as pd

    from resmodel.errors import InputError
    from resmodel.io.municipality import read_municipality

    data = tmp_path / "data"
    shutil.copytree(BASE.parents[1] / "data" / "demokommun", data)
    users = pd.read_csv(data / "users.csv", dtype=str)
    users.drop(columns=[column]).to_csv(data / "users.csv", index=False)
    with pytest.raises(InputError) as err:
        read_municipality(data, "data", dt.date(2024, 7, 1))
    about = [p for p in err.value.problems if p.location.column == column]
    assert len(about) == 1 and about[0].location.row == 1
    assert f"no user has a value in '{column}' (is the column missing or empty?)" in about[0].problem


def test_data_warnings_say_what_the_run_did_and_how_to_fix(demo_loaded):
    """Section-manager review: warnings gave no fix and did not say what the run did with the value."""
    data = demo_loaded.data
    users = data.users.copy()
    dv = users.index[users["service"] == "daglig_verksamhet"][:2]
    users.loc[dv[0], "weekly_hours"] = 60.0
    users.loc[dv[1], "level_assessed"] = None
    found = {w.check: w.message for w in data_quality_warnings(replace(data, users=users),
                                                                demo_loaded.scenario.base_date, FILES)}
    assert found["weekly_hours_implausible"].endswith("the run allocates them as given; correct weekly_hours if it is "
                                                      "a typing mistake")
    assert found["stale_level_assessment"].startswith("no level assessment date (the cell is empty): the level is used")


def test_a_unit_id_in_another_case_is_offered_the_known_id(tmp_path):
    """Section-manager review: 'dv001' got no 'did you mean DV001', though unknown service names get one."""
    import datetime as dt
    import shutil

    from resmodel.errors import InputError
    from resmodel.io.municipality import read_municipality

    data = tmp_path / "data"
    shutil.copytree(BASE.parents[1] / "data" / "demokommun", data)
    lines = (data / "users.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[2], lines[1].split(",")[2].lower(), 1)
    (data / "users.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_municipality(data, "data", dt.date(2024, 7, 1))
    unit = lines[1].split(",")[2]
    assert f"'{unit}' is not a known unit" in str(err.value) and f"did you mean '{unit.upper()}'?" in str(err.value)


def test_the_users_csv_writes_levels_and_counts_as_whole_numbers(tmp_path, demo_result):
    from resmodel.run import write_outputs

    write_outputs(demo_result, tmp_path / "r")
    users = (tmp_path / "r" / "brukare.csv").read_text(encoding="utf-8").splitlines()
    header = users[0].split(",")
    level = [row.split(",")[header.index("level")] for row in users[1:]]
    assert set(level) - {""} <= {str(n) for n in range(1, 9)} and "" in level


def test_the_parameter_sheet_has_a_row_per_level_with_numbers_and_the_manifest_keeps_numbers(tmp_path, demo_result):
    """Section-manager review: level tables were one text cell ('0.14, 0.2, …'), headers English only, and the
    Manifest sheet stored the seed and the warning count as text."""
    from openpyxl import load_workbook

    from resmodel.run import write_outputs

    write_outputs(demo_result, tmp_path / "r")
    wb = load_workbook(tmp_path / "r" / "resmodel_base.xlsx", read_only=True)
    rows = list(wb["Parametrar"].iter_rows(values_only=True))
    header = rows[0]
    ratio = [r for r in rows[1:] if r[0] == "daglig_verksamhet.staff_ratio"]
    assert [r[header.index("nivå (level)")] for r in ratio] == list(range(1, 9))
    assert ratio[7][header.index("värde (value)")] == 1.39
    manifest = dict(wb["Manifest"].iter_rows(min_row=2, values_only=True))
    assert manifest["seed"] == demo_result.manifest["seed"] and isinstance(manifest["seed"], int)


def test_fte_written_as_percent_and_a_monthly_day_price_are_warned(tmp_path):
    """Data-steward walkthrough: staff FTE from an HR export as percent (25 and 75 for 0.25 and 0.75) gave a unit
    100 FTE against 1 needed, and a monthly price typed as an external place's day price 49 MSEK a year, silently."""
    import shutil

    import pandas as pd

    from resmodel.run import load, run

    data = tmp_path / "data"
    shutil.copytree(BASE.parents[1] / "data" / "demokommun", data)
    staff = pd.read_csv(data / "staff.csv", dtype=str)
    first = staff["unit_id"].iloc[0]
    staff.loc[staff["unit_id"] == first, "fte"] = (staff.loc[staff["unit_id"] == first, "fte"].astype(float) * 4
                                                   ).astype(str)  # a slip within 20× the need: warned
    staff.to_csv(data / "staff.csv", index=False)
    users = pd.read_csv(data / "users.csv", dtype=str, keep_default_na=False)
    external = users.index[users["service"] == "externa_platser"][0]
    users.loc[external, "day_price"] = "135000"
    users.to_csv(data / "users.csv", index=False)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\npurpose: slips\ndata: data\nbase_date: 2024-07-01\nseed: 1\n")
    warnings = {w.check: w for w in run(load(scenario)).warnings}
    assert f"unit '{first}' has" in warnings["roster_implausible"].message
    assert "FTE written as percent" in warnings["roster_implausible"].message
    assert "135,000 SEK a day, 49.3 MSEK a year" in warnings["day_price_implausible"].message
    assert warnings["day_price_implausible"].location.row == external + 2 and "roster_implausible" not in {
        w.check for w in run(load(BASE)).warnings}


def test_a_unit_id_slip_of_leading_zeros_is_suggested_but_a_digit_apart_is_not(tmp_path):
    """Section-manager walkthrough: a users.csv unit 'DV01' got no suggestion though 'DV001' is the only unit it can
    mean; 'DV009' for 'DV001' is another unit and gets none."""
    import shutil

    import pandas as pd

    from resmodel.errors import InputError
    from resmodel.run import load

    data = tmp_path / "data"
    shutil.copytree(BASE.parents[1] / "data" / "demokommun", data)
    users = pd.read_csv(data / "users.csv", dtype=str, keep_default_na=False)
    first = int((users["unit_id"] == "DV001").idxmax())
    users.loc[first, "unit_id"] = "DV01"
    users.to_csv(data / "users.csv", index=False)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\npurpose: unit slip\ndata: data\nbase_date: 2024-07-01\nseed: 1\n")
    with pytest.raises(InputError) as err:
        load(scenario)
    assert f"row {first + 2}, column 'unit_id': 'DV01' is not a known unit" in str(err.value)
    assert "Fix: did you mean 'DV001'? add 'DV01' to the unit table" in str(err.value)


@pytest.mark.parametrize("a, b, slip", [("DV003", "DV03", True), ("DV03", "DV003", True), ("PA-EGN", "PA-EGEN", True),
                                        ("DV003", "DV004", False), ("DV167", "DV016", False), ("DV003", "DV003", False),
                                        ("GB01", "GBO1", True), ("DV1", "DV123", False)])
def test_one_slip_apart_is_one_character_but_not_one_digit_for_another(a, b, slip):
    """Diff review: the hint that a units.csv id is the mistyped one pointed a new unit 'DV167' at a vacated
    'DV016' (renaming a real unit); only a slip of one character, not a digit for a digit, is taken for one."""
    from resmodel.io.tables import one_slip_apart

    assert one_slip_apart(a, b) is slip


def test_explain_says_shared_rent_is_split_by_unit_and_maps_swedish_measure_names(demo_result):
    """Section-manager walk: DV052 (6 users) carries as much rent as DV051 (21 users) with no word why, and
    --measure resursfördelning / fte got only the list of keys."""
    from resmodel.errors import InputError

    premises = next(s for s in explain_unit(demo_result, "DV052", "premises_cost").steps if s.label == "premises cost")
    users = demo_result.loaded.data.users["unit_id"].value_counts()
    assert (f"an equal split by unit, not by users — users: DV051 {users['DV051']}, DV052 {users['DV052']}"
            in premises.formula)
    fixes = {}
    for typed in ("resursfördelning", "fte", "Årsarbetare", "net_cst", "a"):
        with pytest.raises(InputError) as raised:
            explain_unit(demo_result, "DV052", typed)
        fixes[typed] = str(raised.value)
    assert "is --measure allocation" in fixes["resursfördelning"]
    assert "fte_required, fte_roster, staffing_gap_fte" in fixes["fte"]
    assert "is --measure fte_required" in fixes["Årsarbetare"] and "is --measure fte_roster" in fixes["Årsarbetare"]
    assert "did you mean 'net_cost'?" in fixes["net_cst"]
    assert "is --measure" not in fixes["a"] and "in their name" not in fixes["a"]  # diff review: 'a' listed nearly all
