"""The budget commands: project, compare, tornado (own Typer app + register, as the lead wires it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from resmodel.cli_budget import register
from resmodel.errors import InputError
from resmodel.report import COLUMN_LABELS

ROOT = Path(__file__).resolve().parents[1]
SC = ROOT / "scenarios"
KEYS = {label: key for key, label in COLUMN_LABELS.items()}


def workbook_sheet(path: Path, sheet: str) -> pd.DataFrame:
    """A sheet of an output workbook with its labelled key columns named by their keys again, as in the CSVs."""
    return pd.read_excel(path, sheet_name=sheet).rename(columns=KEYS)


@pytest.fixture(scope="module")
def app():
    app = typer.Typer()
    register(app)
    return app


def invoke(app, *args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_project_writes_report_and_prints_table(app, tmp_path):
    out = tmp_path / "p"
    res = invoke(app, "project", SC / "base.yaml", "--out", out)
    assert res.exit_code == 0, res.output
    assert "2034" in res.output and "deviation" in res.output
    files = {p.name for p in out.iterdir()}
    assert {"prognos_per_ar.csv", "prognos.xlsx", "prognos.png", "sammanfattning.html"} <= files
    table = pd.read_csv(out / "prognos_per_ar.csv")
    assert list(table.columns) == ["year", "area", "net_cost", "frame", "deviation", "kind"]
    # the base year first, marked: its total is the run's net cost plus other_services.csv against the base frame
    base = table[table["kind"].eq("base_year")].set_index("area")
    assert set(base["year"]) == {2024} and set(table.loc[table["kind"].eq("projection"), "year"]) == set(range(2025, 2035))
    assert base.loc["total", "frame"] == pytest.approx(base.drop(index="total")["frame"].sum())
    note = workbook_sheet(out / "prognos.xlsx", "Noter")["note"]
    stated = note[note.str.startswith("base year 2024:")].iloc[0]
    assert f"net cost of {base.loc['total', 'net_cost'] / 1e6:,.1f} MSEK" in stated
    assert f"frame {base.loc['total', 'frame'] / 1e6:,.1f} MSEK" in stated
    assert np.allclose(base["deviation"], base["frame"] - base["net_cost"], rtol=0, atol=1e-3)  # CSV: 15 digits
    assert "2024 (base)" in res.output
    from openpyxl import load_workbook
    assert {"Prognos per år", "Avvikelse per område"} <= set(load_workbook(out / "prognos.xlsx").sheetnames)
    # economist review: the workbook's amounts and volumes said no unit
    yearly = pd.read_excel(out / "prognos.xlsx", sheet_name="Prognos per år")
    assert "Avvikelse, kr (deviation = frame − net cost, SEK; negative = overspend)" in yearly.columns
    # walkthrough: keys and Swedish labels mixed in one header ('year', 'area', 'Nettokostnad, kr …', 'kind')
    assert list(yearly.columns[[0, 1, 5]]) == ["År (year)", "Område (report area key)",
                                               "Typ (kind: base_year = basår, projection = prognos)"]
    per_service = workbook_sheet(out / "prognos.xlsx", "Prognos per tjänst")
    units = per_service.groupby(["service", "measure"])["måttenhet — unit of measure"].first()
    assert units["daglig_verksamhet", "volume"] == "brukare, medel per månad (users, monthly average)"
    assert units["personlig_assistans_egen_utforare", "volume"].startswith("timmar per år räknat på basårets dagar")
    assert units["personlig_assistans_sfb", "hours"].startswith("kommunens timmar per år")
    assert units["externa_platser", "volume"].startswith("platser") and units["bostad_vuxna", "net_cost"] == "kr (SEK)"
    html = (out / "sammanfattning.html").read_text()
    assert "Budgetprognos" in html and "prognos.png" in html
    assert "Avvikelse per område" in html and "Förvaltningsövergripande verksamhet" in html and "-0,0<" not in html
    assert "<td>2\u00a0713,1</td>" in html and "<td>2,713.1</td>" not in html  # Swedish: space between thousands,
    # decimal comma in the tables and lead (the notes are the projection's English notes)
    assert "Antaganden — assumptions" in html and "Löneökning — wage growth" in html  # the rates are stated
    # byte-identical on a second run
    out2 = tmp_path / "p2"
    invoke(app, "project", SC / "base.yaml", "--out", out2)
    for name in files:
        assert (out / name).read_bytes() == (out2 / name).read_bytes(), name


def test_a_one_year_change_and_its_reason_show_in_the_workbook_html_and_explain(app, tmp_path):
    """Economist review: a 2026 wage agreement was in no output — the assumptions showed 2025, 2030 and 2034 only
    and no sheet listed the scenario's changes (nor did explain give the 'reason:' its schema promises)."""
    path = tmp_path / "meeting.yaml"
    path.write_text(f"name: meeting\npurpose: budget meeting\nextends: {SC / 'base.yaml'}\nparameters:\n"
                    "  indices.wage_growth:\n    - {value: 0.04, from: 2026-01-01, until: 2026-12-31, "
                    "reason: 'agreement 1 pp above'}\n", encoding="utf-8")
    out = tmp_path / "p"
    assert invoke(app, "project", path, "--out", out).exit_code == 0
    assumed = workbook_sheet(out / "prognos.xlsx", "Antaganden").set_index("antagande")
    assert assumed.loc["Löneökning — wage growth", [2025, 2026, 2027]].tolist() == [3.4, 4.0, 3.0]  # years as numbers
    changes = workbook_sheet(out / "prognos.xlsx", "Scenarioändringar")
    row = changes[changes["parameter"] == "indices.wage_growth"].iloc[0]
    assert (row["värde (value)"], row["från (from)"], row["till (until)"], row["skäl (reason)"]) == (
        0.04, "2026-01-01", "2026-12-31", "agreement 1 pp above")
    assert "meeting.yaml, line 6" in row["källa (source)"]
    html = (out / "sammanfattning.html").read_text()
    assert "Scenariots ändringar" in html and "agreement 1 pp above" in html and "<th>2026</th>" in html
    from resmodel.cli import app as main_app

    res = invoke(main_app, "explain", path, "--year", "2026", "--area", "daglig_verksamhet")
    assert "indices.wage_growth = 0.04" in res.output and "— agreement 1 pp above" in res.output
    base = tmp_path / "b"
    invoke(app, "project", SC / "base.yaml", "--out", base)
    assert "Inga — none" in (base / "sammanfattning.html").read_text()


def test_project_monte_carlo_seeded(app, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        res = invoke(app, "project", SC / "base.yaml", "--draws", 200, "--seed", 3, "--out", out)
        assert res.exit_code == 0, res.output
    assert (a / "percentiler.csv").read_bytes() == (b / "percentiler.csv").read_bytes()
    mc = pd.read_csv(a / "percentiler.csv")
    assert (mc["p05"] <= mc["p50"] + 1e-6).all() and (mc["p50"] <= mc["p95"] + 1e-6).all()
    html = (a / "sammanfattning.html").read_text(encoding="utf-8")  # the probability is the scenario's assumption
    assert "90 % sannolikhet" in html and "givet scenariots osäkerhetsantaganden (projection.uncertainty" in html
    # new-user walkthrough: the terminal showed only the deterministic table with --draws
    board = mc[(mc["area"] == "total") & (mc["measure"] == "deviation") & (mc["period"] == 2034)].iloc[0]
    assert "Monte Carlo, 200 draws (seed 3): the board's deviation" in res.stdout
    assert f"2034 {board['p10'] / 1e6:,.1f}" in " ".join(res.stdout.split())
    assert "volumes (Volymmodeller sheet): base volume:" in res.stdout and "drift: boendestod" in res.stdout
    # the workbook: years as numbers (they sort and compute), the draws' median named so
    from openpyxl import load_workbook

    wb = load_workbook(a / "prognos.xlsx", read_only=True)
    assert next(wb["Prognos per år"].iter_rows(min_row=2, max_row=2, values_only=True))[0] == 2024  # the base year
    header = [KEYS.get(h, h) for h in next(wb["Percentiler"].iter_rows(max_row=1, values_only=True))]
    assert "median" in header and "value" not in header and "p50" not in header  # p50 is the median again
    rows = [dict(zip(header, r, strict=True)) for r in wb["Percentiler"].iter_rows(min_row=2, values_only=True)]
    units = {(r["service"], r["measure"]): r["måttenhet — unit of measure"] for r in rows}  # users, hours and kronor side by side
    assert units["daglig_verksamhet", "net_cost"] == "kr (SEK)" and units["daglig_verksamhet", "volume"].startswith(
        "brukare")
    wb.close()


def test_compare_and_waterfall_close(app, tmp_path):
    out = tmp_path / "c"
    res = invoke(app, "compare", SC / "base.yaml", SC / "wage_above_state_rate.yaml", "--out", out)
    assert res.exit_code == 0, res.output
    fall = pd.read_csv(out / "vattenfall.csv")
    start, end = fall["value"].iloc[0], fall["value"].iloc[-1]
    steps = fall[~fall["driver"].isin(["start", "end"])]["value"].sum()
    assert start + steps == pytest.approx(end, rel=1e-9)
    assert (out / "vattenfall_wage_above_state_rate.png").stat().st_size > 0
    diff = pd.read_csv(out / "jamforelse.csv")
    assert {"scenario_a", "scenario_b", "period", "area", "measure", "difference"} <= set(diff.columns)
    services = pd.read_csv(out / "jamforelse_tjanster.csv")
    assert {"service", "measure", "value_a", "value_b", "difference"} <= set(services.columns)
    # section-manager walkthrough: '0 of 165 units change' and nothing said why (the changes start in 2025)
    assert "0 of 165 units change" in res.output and "units are compared at the base date, 2024-07-01: " \
        "'wage_above_state_rate' changes nothing there" in res.output


def test_compare_per_unit_shows_what_the_tariff_changes(app, tmp_path, demo_result):
    out = tmp_path / "u"
    res = invoke(app, "compare", SC / "base.yaml", SC / "tariff_stockholm.yaml", "--out", out)
    assert res.exit_code == 0, res.output
    units = pd.read_csv(out / "jamforelse_enheter.csv")
    allocation = units[units["measure"].eq("allocation")].set_index("unit_id")
    base = demo_result.allocation.units.set_index("unit_id")
    assert allocation["value_a"].to_dict() == pytest.approx(base["allocation"].to_dict())
    changed = allocation[allocation["difference"].abs() > 0.5]
    # the Stockholm tariff prices housing only: daily activity and assistance keep their allocation
    assert set(base.loc[changed.index, "service"]) <= {"bostad_vuxna", "bostad_barn"} and len(changed) > 0
    assert np.allclose(units["difference"], units["value_b"] - units["value_a"], rtol=0, atol=1e-3)  # 15 digits
    biggest = changed["difference"].abs().idxmax()
    assert biggest in res.output and "sheet 'Per enhet'" in res.output
    assert "Per enhet" in pd.read_excel(out / "jamforelse.xlsx", sheet_name=None)
    # section-manager walkthrough: a gap that moved with the roster showed no roster; both sides of it are there
    wide = units.pivot_table(index="unit_id", columns="measure", values="value_b")
    np.testing.assert_allclose(wide["staffing_gap_fte"], wide["fte_roster"] - wide["fte_required"], atol=1e-9)
    np.testing.assert_allclose(wide["staffing_gap_sek"], wide["roster_cost"] - wide["staff_cost"], atol=1e-3)


def test_tornado(app, tmp_path):
    res = invoke(app, "tornado", SC / "base.yaml", "--out", tmp_path / "t")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "t" / "tornado.png").exists()


def test_manifests_say_what_each_result_rests_on(app, tmp_path, demo_result):
    """project, compare and tornado write the run's hashes, the frame's hash, the volume models and what the
    command adds (draws and seed, the tornado year), as manifest.json and a Manifest sheet."""
    import json

    from openpyxl import load_workbook

    res = invoke(app, "project", SC / "base.yaml", "--draws", 20, "--seed", 5, "--out", tmp_path / "p")
    assert res.exit_code == 0, res.output
    base = json.loads((tmp_path / "p" / "manifest.json").read_text())
    for key in ("scenario_hash", "parameter_hash", "data_hash", "seed", "resmodel_version"):
        assert base[key] == demo_result.manifest[key], key
    assert base["monte_carlo_draws"] == 20 and base["monte_carlo_seed"] == 5
    assert base["projected_years"] == "2025–2034" and base["volume_models"]["daglig_verksamhet"] == "drift"
    # economist review: the projection's carried-forward rates were missing (the base-year run's empty list)
    assert base["index_extrapolations"]["wage_growth"] == "2027–2034"
    assert base["index_extrapolations"]["state_rate"] == "2025–2034"
    assert base["base_year_warnings"] == len(demo_result.warnings) and "warnings" not in base
    sheet = dict(load_workbook(tmp_path / "p" / "prognos.xlsx", read_only=True)["Manifest"].iter_rows(
        min_row=2, values_only=True))
    assert sheet["scenario_hash"] == base["scenario_hash"] and sheet["volume_models.daglig_verksamhet"] == "drift"
    assert base["scenario_hash"][:12] in (tmp_path / "p" / "sammanfattning.html").read_text()
    # another frame (no_indexation.yaml overrides it) gives another frame hash; compare records both scenarios
    res = invoke(app, "compare", SC / "base.yaml", SC / "no_indexation.yaml", "--out", tmp_path / "c")
    assert res.exit_code == 0, res.output
    both = json.loads((tmp_path / "c" / "manifest.json").read_text())
    assert both["reference"] == "base" and set(both["scenarios"]) == {"base", "no_indexation"}
    assert both["scenarios"]["base"]["frame_hash"] == base["frame_hash"]
    assert both["scenarios"]["no_indexation"]["frame_hash"] != base["frame_hash"]
    assert "monte_carlo_draws" not in both["scenarios"]["base"]
    res = invoke(app, "tornado", SC / "base.yaml", "--year", 2027, "--out", tmp_path / "t")
    assert res.exit_code == 0, res.output
    tornado = json.loads((tmp_path / "t" / "manifest.json").read_text())
    assert tornado["tornado_year"] == 2027 and tornado["scenario_hash"] == base["scenario_hash"]


def test_user_error_writes_nothing(app, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"name: bad\npurpose: x\nextends: {SC / 'base.yaml'}\nprojection:\n  frame:\n"
                   "    base: {lss_boendet: 1}\n")
    out = tmp_path / "never"
    res = invoke(app, "project", bad, "--out", out)
    assert isinstance(res.exception, InputError)
    assert "line 6" in str(res.exception) and "did you mean 'lss_boende'" in str(res.exception)
    assert not out.exists()


def test_compare_needs_two(app, tmp_path):
    res = invoke(app, "compare", SC / "base.yaml", "--out", tmp_path / "x")
    assert isinstance(res.exception, InputError) and not (tmp_path / "x").exists()


def test_draws_without_uncertainty(app, tmp_path):
    s = tmp_path / "base.yaml"
    s.write_text(f"name: plain\npurpose: x\ndata: {ROOT / 'data/demokommun'}\nbase_date: 2024-07-01\nseed: 1\n"
                 f"projection:\n  default_model: drift\n  frame: {ROOT / 'data/demokommun/frame.yaml'}\n")
    res = invoke(app, "project", s, "--draws", 10, "--out", tmp_path / "y")
    assert isinstance(res.exception, InputError) and "uncertainty" in str(res.exception)


def test_places_in_the_summary_lead_and_compare_prints_net_cost_and_frame(app, tmp_path):
    res = invoke(app, "project", SC / "capacity_limit.yaml", "--out", tmp_path / "p")
    assert res.exit_code == 0, res.output
    html = (tmp_path / "p" / "sammanfattning.html").read_text(encoding="utf-8")
    assert "Över platserna daglig_verksamhet (väntar): 162,5 brukare i snitt per månad 2034." in html
    tjanster = pd.read_csv(tmp_path / "p" / "prognos_tjanster.csv")
    places = tjanster.query("service == 'daglig_verksamhet' and measure == 'places'")["value"]
    assert places.tolist() == [1295.0] * 10  # exact, not a day-weighted sum of months
    res = invoke(app, "compare", SC / "base.yaml", SC / "capacity_limit.yaml", "--out", tmp_path / "c")
    assert res.exit_code == 0, res.output
    assert "capacity_limit in 2034: net cost -66.8, frame -66.7 MSEK against 'base'" in res.output


def test_monte_carlo_notes_go_to_stderr_and_stdout_starts_with_the_table(tmp_path):
    """Piped, no progress bar is drawn (test_economist_budget_cycle); stdout is the table, the notes are on stderr."""
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "resmodel.cli", "project", str(SC / "base.yaml"), "--draws", "20",
                          "--out", str(tmp_path / "mc")], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("scenario 'base'") and "Monte Carlo" in res.stderr


def test_project_chart_without_draws_has_no_band_and_compare_names_the_services_that_differ(app, tmp_path,
                                                                                          monkeypatch):
    """Review: the band test called the chart directly, and the per-service block of compare was untested."""
    from resmodel import cli_budget
    from resmodel.budget import charts
    from resmodel.projection_run import run_setup

    labels = []

    def capture(fig):
        labels.extend(t.get_text() for t in fig.axes[0].get_legend().get_texts())
        return b"\\x89PNG\\r\\n\\x1a\\n"
    monkeypatch.setattr(charts, "figure_png", capture)
    _, _, setup = cli_budget._load(SC / "base.yaml")
    cli_budget._chart(run_setup(setup), None, "base")
    assert labels == ["Nettokostnad — net cost", "Kommunbidrag (ram) — council frame"]
    monkeypatch.undo()
    res = invoke(app, "compare", SC / "base.yaml", SC / "high_volume_growth.yaml", "--out", tmp_path / "c")
    assert res.exit_code == 0, res.output
    assert "volume per service in 2034, 'high_volume_growth' against 'base'" in res.output


@pytest.mark.parametrize("command", [["compare", SC / "base.yaml", SC / "no_indexation.yaml"], ["tornado", SC / "base.yaml"]])
def test_a_year_outside_the_projection_is_named_at_the_option(app, tmp_path, command):
    """Economist review: --year 2040 was located at 'compare.year' / 'sensitivity.year', not at --year."""
    res = invoke(app, *command, "--year", 2040, "--out", tmp_path / "x")
    assert isinstance(res.exception, InputError) and not (tmp_path / "x").exists()
    problem = res.exception.problems[0]
    assert problem.location.path == "--year" and "a year from 2025 to 2034" in str(res.exception)


def test_capacity_and_plan_measures_carry_the_volume_unit_not_kronor():
    """Review: demand, places, over_capacity and plan_users fell through to 'kr (SEK)' in the workbooks."""
    from resmodel.report import with_units

    table = pd.DataFrame({"service": ["bostad_vuxna"] * 5 + ["externa_platser"],
                          "measure": ["demand", "places", "over_capacity", "plan_users", "plan_rent", "overflow_in"]})
    units = dict(zip(table["measure"], with_units(table)["måttenhet — unit of measure"], strict=True))
    assert {units[m] for m in ("demand", "over_capacity", "plan_users")} == {
        "brukare, medel per månad (users, monthly average)"}
    assert units["places"] == "platser, medel per månad (places, monthly average)"  # planner review
    assert units["plan_rent"] == "kr (SEK)" and units["overflow_in"].startswith("platser")


def test_volume_units_of_other_services_follow_their_volume_unit_column(app, tmp_path):
    """Economist review: the lump lines (volume 1) and the SoL special housing (places) were labelled users."""
    out = tmp_path / "p"
    assert invoke(app, "project", SC / "base.yaml", "--out", out).exit_code == 0
    sheet = workbook_sheet(out / "prognos.xlsx", "Prognos per tjänst")
    units = sheet[sheet["measure"] == "volume"].groupby("service")["måttenhet — unit of measure"].first()
    assert units["ovriga_lss"].startswith("klumpsumma, volym 1") and units["forvaltningsovergripande"] == units["ovriga_lss"]
    assert units["sarskilt_boende_sol"].startswith("platser") and units["boendestod"].startswith("brukare")
    assert units["daglig_verksamhet"].startswith("brukare") and units["externa_platser"].startswith("platser")


def test_listed_volume_units_keep_an_unknown_unit_as_written():
    from resmodel.report import listed_volume_units

    assert listed_volume_units({"x": "hours a week"}) == {"x": "hours a week (volume_unit in other_services.csv)"}


def test_compare_waterfall_for_one_area_and_year_adds_up_to_that_areas_difference(app, tmp_path):
    """Economist walkthrough: the waterfall was the board's only (a per-area one only from Python), and with
    --year the volume table still spoke of the last year."""
    out = tmp_path / "c"
    res = invoke(app, "compare", SC / "base.yaml", SC / "high_volume_growth.yaml", "--year", 2027, "--area",
                 "daglig_verksamhet", "--measure", "net_cost", "--out", out)
    assert res.exit_code == 0, res.output
    fall = pd.read_csv(out / "vattenfall.csv")
    diff = pd.read_csv(out / "jamforelse.csv")
    moved = diff[(diff["period"] == 2027) & (diff["area"] == "daglig_verksamhet") & (diff["measure"] == "net_cost")]
    steps = fall[~fall["driver"].isin(["start", "end"])]["value"].sum()
    assert steps == pytest.approx(moved["difference"].iat[0], abs=1.0) and abs(steps) > 1e5
    assert "waterfall of net_cost in daglig_verksamhet (2027, MSEK)" in res.output
    assert "volume per service in 2027" in res.output and "in 2034" not in res.output
    assert invoke(app, "compare", SC / "base.yaml", SC / "high_volume_growth.yaml", "--area", "dv",
                  "--out", tmp_path / "x").exit_code != 0


def test_the_projection_blocks_settings_are_in_the_workbook_and_the_summary(app, tmp_path):
    """Economist walkthrough: a scenario's level-mix drift, fixed frame uppräkning or volume changes appeared in
    no output (Scenarioändringar lists parameter changes only), so a board reader could not see why costs moved."""
    out = tmp_path / "e"
    assert invoke(app, "project", SC / "expansion.yaml", "--out", out).exit_code == 0
    sheet = pd.read_excel(out / "prognos.xlsx", sheet_name="Prognosinställningar").set_index("inställning (setting)")
    changes = sheet.loc["projection.volume_changes"]
    assert "bostad_vuxna" in changes["värde (value)"] and "from_year: 2026, change: 6" in changes["värde (value)"]
    assert changes["källa (source)"].startswith("scenarios/expansion.yaml, line 5")
    assert sheet.loc["projection.horizon_years", "källa (source)"].startswith("scenarios/base.yaml, line 8")
    assert sheet.loc["frame.indexation", "värde (value)"] == "{kind: cost_weighted, wage_weight: 0.77, price_weight: 0.23}"
    assert "recurring: false" in sheet.loc["projection.frame", "värde (value)"]
    page = (out / "sammanfattning.html").read_text(encoding="utf-8")
    assert "Prognosinställningar" in page and "projection.volume_changes" in page


def test_the_scenarios_own_notes_come_before_the_datas(app, tmp_path):
    """Economist walkthrough: about fifteen notes on the demo data came in every run, burying the one or two the
    scenario itself caused (a percentage-point slip warned at its line came twelfth)."""
    scenario = tmp_path / "e4.yaml"
    scenario.write_text(f"name: e4\npurpose: stricter assessment\nextends: {SC / 'base.yaml'}\nprojection:\n"
                        "  level_mix_drift: -0.3\n", encoding="utf-8")
    out = tmp_path / "p"
    assert invoke(app, "project", scenario, "--out", out).exit_code == 0
    notes = pd.read_excel(out / "prognos.xlsx", sheet_name="Noter")["Not (note)"]
    assert notes.iloc[0].startswith("[implausible_rate]") and "e4.yaml, line 5" in notes.iloc[0]
    assert len(notes) > 5
