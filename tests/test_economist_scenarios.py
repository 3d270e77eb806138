"""Findings of an economist's walkthrough of her own scenario files (children of scenarios/base.yaml): a frame
list that silently replaced the parent's, a run that accepted what validate refused, errors reported in two
rounds, messages and sheet labels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from resmodel.errors import InputError
from resmodel.projection_run import build_setup, check_projection, projection_manifest, projection_settings
from resmodel.run import load, run
from tests.clirun import invoke
from tests.scenario_files import child

ROOT = Path(__file__).resolve().parents[1]
SC = ROOT / "scenarios"


def projection_problems(tmp_path: Path, name: str, body: str) -> list:
    """The problems check_projection refuses a child scenario of base.yaml with (it must refuse it)."""
    with pytest.raises(InputError) as caught:
        check_projection(load(child(tmp_path, name, body)))
    return caught.value.problems


ONE_RULE = ("projection:\n  frame:\n    volume_compensation:\n"
            "      - {service: daglig_verksamhet, amount_per_user: 300000, reference_volume: 1030, from_year: 2025}\n")


def test_a_frame_list_that_drops_the_parents_rules_is_warned_at_its_line_and_the_sheet_shows_the_rules_applied(
        tmp_path):
    """Finding 1: one volume-compensation rule in a child ended the frame file's four others (2034: −57.0 →
    −301.8 MSEK) with no word, and Prognosinställningar showed the child's rule only."""
    loaded = load(child(tmp_path, "mine_frame2", ONE_RULE))
    result = run(loaded)
    setup = build_setup(loaded, result)
    found = [w for w in setup.warnings if w.check == "list_replaced"]
    assert len(found) == 1
    w = found[0]
    assert w.location.file.endswith("mine_frame2.yaml") and w.location.line == 6
    assert w.location.path == "projection.frame.volume_compensation"
    assert ("volume_compensation no longer covers bostad_vuxna, bostad_barn, boendestod, sarskilt_boende_sol, "
            "which data/demokommun/frame.yaml gives") in w.message and "repeat them in this file" in w.message
    assert str(w) in setup.notes  # printed with the projection's notes and in its Noter sheet
    assert str(w) in projection_manifest(result.manifest, setup)["projection_warnings"]
    assert str(w) in [str(v) for v in check_projection(loaded)[1]]  # validate prints it too
    settings = projection_settings(setup).set_index("inställning (setting)")
    rules = [key for key in settings.index if key.startswith("frame.volume_compensation")]
    assert rules == ["frame.volume_compensation[0]"]  # what the projection applies: the composed frame's rules
    assert "amount_per_user: 300000" in settings.loc["frame.volume_compensation[0]", "värde (value)"]


def test_a_list_that_keeps_the_parents_entries_or_a_scenario_without_a_child_list_is_not_warned(
        tmp_path, demo_loaded, demo_result):
    """A changed amount for the same service and year replaces that rule; repeating the others keeps them."""
    rules = "".join(f"      - {{service: {sv}, amount_per_user: {amount}, reference_volume: {ref}, from_year: 2025}}\n"
                    for sv, amount, ref in (("daglig_verksamhet", 300000, 1030), ("bostad_vuxna", 1990294, 452),
                                            ("bostad_barn", 5993832, 15), ("boendestod", 57023, 953),
                                            ("sarskilt_boende_sol", 1276260, 102)))
    loaded = load(child(tmp_path, "full", "projection:\n  frame:\n    volume_compensation:\n" + rules))
    assert not [w for w in build_setup(loaded, run(loaded)).warnings if w.check == "list_replaced"]
    base = build_setup(demo_loaded, demo_result)
    assert not [w for w in base.warnings if w.check == "list_replaced"]
    settings = projection_settings(base).set_index("inställning (setting)")
    assert [k for k in settings.index if k.startswith("frame.volume_compensation")] == [
        f"frame.volume_compensation[{i}]" for i in range(5)]
    assert settings.loc["frame.volume_compensation[4]", "källa (source)"].startswith("data/demokommun/frame.yaml, line")


def test_a_childs_volume_changes_that_leave_out_the_parents_are_warned(tmp_path):
    """The projection block's own lists replace whole too: a child of expansion.yaml giving the 2026 home only."""
    path = child(tmp_path, "one_home", "projection:\n  volume_changes:\n"
                 "    - {service: bostad_vuxna, from_year: 2026, change: 6, reason: one home}\n",
                 parent=SC / "expansion.yaml")
    _, warnings = check_projection(load(path))
    found = [w for w in warnings if w.check == "list_replaced"]
    assert len(found) == 1 and found[0].location.path == "projection.volume_changes"
    assert "volume_changes no longer holds bostad_vuxna (from_year 2028), which scenarios/expansion.yaml gives" \
        in found[0].message


@pytest.mark.parametrize("scenario", sorted(p.name for p in SC.glob("*.yaml") if "\nextends:" in p.read_text()))
def test_no_shipped_scenario_drops_a_parents_list_entry(scenario):
    """The shipped children add to lists (expansion money) or change no list: none is warned."""
    loaded = load(SC / scenario)
    assert not [w for w in check_projection(loaded)[1] if w.check == "list_replaced"]


#: a projection block validate refuses, and what its error says (economist walkthrough: run wrote output for each)
INVALID_PROJECTIONS = {
    "unknown_service": ("projection:\n  volumes: {daglig_verksamheten: 1200}\n",
                        "'daglig_verksamheten' is not a projected service"),
    "year_beyond_horizon": ("projection:\n  volumes:\n    daglig_verksamhet: {2025: 1054, 2036: 1200}\n",
                            "the override names 2036, which is not projected"),
    "unknown_frame_area": ("projection:\n  frame:\n    demographic:\n"
                           "      - {area: daglig_verksamheten, growth: 0.015, from_year: 2026, to_year: 2030}\n",
                           "unknown report area 'daglig_verksamheten'"),
    "inverted_overlapping_periods": ("projection:\n  frame:\n    demographic:\n"
                                     "      - {area: lss_boende, growth: 0.01, from_year: 2031, to_year: 2029}\n"
                                     "      - {area: lss_boende, growth: 0.01, from_year: 2028, to_year: 2032}\n",
                                     "ends before it starts"),
}


@pytest.mark.parametrize("case", sorted(INVALID_PROJECTIONS))
def test_run_refuses_a_projection_block_validate_refuses_and_writes_nothing(tmp_path, case):
    """Finding 2: run accepted an invalid projection block with exit 0 and wrote output, while validate and
    project refused it; docs/scenarios.md says validate makes the same checks as run."""
    from resmodel.cli import app

    body, said = INVALID_PROJECTIONS[case]
    path = child(tmp_path, case, body)
    out = tmp_path / "out"
    code, _, run_error = invoke(app, "run", path, "--out", out)
    assert code == 2 and said in run_error and not out.exists()
    code, _, validate_error = invoke(app, "validate", path)
    # run adds one line: its refusal is the projection block's, which 'projection: null' would lift
    assert code == 2 and run_error.startswith(validate_error + "\n")
    assert run_error.removeprefix(validate_error + "\n").count("\n") == 0 and "projection: null" in run_error


SIX_MISTAKES = """parameters:
  indices.wage_growth:
    - {value: 4, from: 2027-01-01}
  working_time.sick_leave_rate: 7.4
  indices.price_grwth: 0.02
projection:
  volume_growth: {daglig_verksamhet: 2}
  volumes:
    daglig_verksamheten: 1200
  frame:
    demographic:
      - {area: daglig_verksamheten, growth: 0.015, from_year: 2026, to_year: 2030}
"""


@pytest.mark.parametrize("command", ["validate", "run"])
def test_six_mistakes_of_parameters_projection_and_frame_are_reported_in_one_run(tmp_path, command):
    """Finding 3: of six mistakes only the four parameter and rate ones were reported; the misspelt service and
    frame area came in the next run. Finding 4: the volume growth of 2 leads with its own hint, at its entry."""
    from resmodel.cli import app

    code, _, error = invoke(app, command, child(tmp_path, "b26_multi", SIX_MISTAKES), *(
        ["--out", tmp_path / "out"] if command == "run" else []))
    lines = error.splitlines()
    assert code == 2 and len(lines) == 6, error
    for line, said in zip(lines, ["line 6, at 'parameters.indices.wage_growth[0]'",
                                  "line 7, at 'parameters.working_time.sick_leave_rate'",
                                  "line 8, at 'parameters.indices.price_grwth'",
                                  "line 10, at 'projection.volume_growth.daglig_verksamhet'",
                                  "line 12, at 'projection.volumes.daglig_verksamheten'",
                                  "line 15, at "], strict=True):
        assert said in line, line
    assert "at 'projection.frame.demographic[0].area': unknown report area 'daglig_verksamheten'" in lines[5]
    assert lines[3].endswith("Fix: 2 looks like a percentage: write 0.02") and "documented type" not in lines[3]


def test_an_unknown_frame_area_and_an_inverted_period_are_reported_together(tmp_path):
    """The frame's area and service checks and its period checks ran one after the other."""
    body = ("projection:\n  frame:\n    demographic:\n"
            "      - {area: daglig_verksamheten, growth: 0.015, from_year: 2026, to_year: 2030}\n"
            "      - {area: lss_boende, growth: 0.01, from_year: 2031, to_year: 2029}\n")
    said = [str(p) for p in projection_problems(tmp_path, "b27_area", body)]
    assert len(said) == 2 and "unknown report area 'daglig_verksamheten'" in said[0] and "2031–2029" in said[1]


@pytest.mark.parametrize(("body", "said"), [
    ("parameters:\n  indices.wage_growth:\n    - {value: 4%, from: 2027-01-01}\n",
     "at 'parameters.indices.wage_growth[0].value': '4%' is a percentage written as text. Expected"),
    ("parameters:\n  working_time.sick_leave_rate:\n    - value: 7,4 %\n      from: 2026-01-01\n",
     "'7,4 %' is a percentage written as text. Expected"),
    ("parameters:\n  working_time.sick_leave_rate:\n    - {value: 0.06, from: 2028-01-01, until: 2026-12-31}\n",
     "until 2026-12-31 is before from 2028-01-01. Expected"),
    ("projection:\n  frame:\n    demographic:\n"
     "      - {area: lss_boende, growth: 0.01, from_year: 2031, to_year: 2029}\n",
     "ends before it starts. Expected an end year on or after the start year. Fix: swap from_year and to_year"),
])
def test_messages_lead_with_the_fix_the_mistake_needs(tmp_path, body, said):
    """Finding 4: 'value: 4%' was 'unable to parse string as a number'; an inverted period said 'correct the
    value' or 'swap or correct the years' without naming the keys to swap."""
    from resmodel.cli import app

    code, _, error = invoke(app, "validate", child(tmp_path, "slip", body))
    assert code == 2 and said in error, error
    # the validator's own fix is the Fix, not 'correct the value' (the message no longer says it twice)
    assert "Fix: correct the value" not in error and ("Fix: write 0.0" in error or "Fix: swap from" in error), error


def test_a_wage_rise_of_0_4_is_also_offered_the_dropped_zero(tmp_path):
    """Finding 4: 0.4 for a wage rise was offered 0.004 (percentage points) only; 0.04 is the likelier slip."""
    path = child(tmp_path, "typo", "parameters:\n  indices.wage_growth:\n    - {value: 0.4, from: 2027-01-01}\n")
    (warning,) = [w for w in check_projection(load(path))[1] if w.check == "implausible_rate"]
    assert "write 0.004; if a zero was dropped, write 0.04;" in warning.message


def test_a_frame_problem_in_a_scenarios_inline_frame_carries_its_whole_yaml_path_a_frame_files_its_own(tmp_path):
    """Finding 4: an inline frame's mistake was located at 'frame.demographic[0].growth' in the scenario file, a
    path the file does not have; in a frame file (data/demokommun/frame.yaml) 'frame.…' is the file's own path."""
    body = ("projection:\n  frame:\n    demographic:\n"
            "      - {area: lss_boende, growth: 1.5, from_year: 2026, to_year: 2030}\n")
    (problem,) = projection_problems(tmp_path, "inline", body)
    assert problem.location.path == "projection.frame.demographic[0].growth" and problem.location.line == 7
    frame = tmp_path / "frame.yaml"
    frame.write_text((ROOT / "data" / "demokommun" / "frame.yaml").read_text(encoding="utf-8").replace(
        "reference_volume: 1030", "reference_volume: -1030"), encoding="utf-8")
    (problem,) = projection_problems(tmp_path, "file", f"projection:\n  frame: {frame}\n")
    assert problem.location.file.endswith("frame.yaml") and problem.location.path == \
        "frame.volume_compensation[0].reference_volume"


def test_the_workbooks_label_unit_and_sign_and_hold_years_as_numbers(tmp_path):
    """Finding 5: 'Avvikelse per område' named no unit or sign in its headings (kr; the HTML is in MSEK), years were
    text ('2025': Excel flags a number stored as text) in the long sheets, and the assumptions' volumes were 'per
    månad' where the long sheets say 'brukare, medel per månad'."""
    from openpyxl import load_workbook

    from resmodel.cli import app

    out = tmp_path / "p"
    assert invoke(app, "project", SC / "base.yaml", "--out", out)[0] == 0
    book = load_workbook(out / "prognos.xlsx", read_only=True)
    head = next(book["Avvikelse per område"].iter_rows(max_row=1, values_only=True))
    assert any("kr" in str(h) and "negative = overspend" in str(h) for h in head)
    assert any(str(h).startswith("Område (area); ") for h in head)  # the column holds names (controller walk)
    assert 2025 in head and "2025" not in head  # a year heads its column as a number, not text
    rows = book["Prognos per tjänst"].iter_rows(min_row=2, max_row=3, values_only=True)
    assert all(isinstance(row[1], int) for row in rows)
    units = {row[0]: row[1] for row in book["Antaganden"].iter_rows(min_row=2, values_only=True)}
    assert units["Volym daglig_verksamhet (drift)"] == "brukare, medel per månad (users, monthly average)"
    assert units["Volym personlig_assistans_sfb (drift)"] == "ärenden, medel per månad (cases, monthly average)"
    assert not [unit for unit in units.values() if unit == "per månad"]
    compared = tmp_path / "c"
    assert invoke(app, "compare", SC / "base.yaml", SC / "no_indexation.yaml", "--out", compared)[0] == 0
    book = load_workbook(compared / "jamforelse.xlsx", read_only=True)
    for sheet in ("Jämförelse", "Per tjänst"):
        head = next(book[sheet].iter_rows(max_row=1, values_only=True))
        column = next(i for i, h in enumerate(head) if str(h).startswith("År"))
        assert all(isinstance(row[column], int) for row in book[sheet].iter_rows(min_row=2, max_row=5,
                                                                                values_only=True)), sheet


def test_the_wage_step_of_a_deviation_waterfall_says_it_is_net_of_the_frames_indexation(tmp_path, demo_loaded,
                                                                                         demo_result):
    """Finding 6: with a cost-weighted frame the wage step moves the frame too (+1 pp wages from 2027: 256.3 MSEK
    of cost, 245.5 of frame in 2034), but only the volume step said it was net of the frame."""
    from resmodel.budget.compare import waterfall

    base = build_setup(demo_loaded, demo_result).case
    loaded = load(child(tmp_path, "mine_wage", "parameters:\n  indices.wage_growth:\n"
                        "    - {value: 0.04, from: 2027-01-01}\n"))
    wage = build_setup(loaded, run(loaded)).case
    steps = {m: waterfall(base, wage, measure=m, year=2034).set_index("driver") for m in
             ("deviation", "frame", "net_cost")}
    wages = steps["deviation"].loc["wages"]
    assert wages["label"] == "Löneindex och sjukfrånvaro — wage index and sick leave (net of the frame's indexation)"
    assert wages["value"] == pytest.approx(steps["frame"].at["wages", "value"] - steps["net_cost"].at["wages", "value"])
    assert steps["frame"].at["wages", "value"] > 1e8  # the frame follows wages: 0.77 of its index
    assert "net of" not in steps["frame"].at["wages", "label"]
    unindexed = build_setup(loaded := load(SC / "no_indexation.yaml"), run(loaded)).case  # A's frame: kind none
    plain = waterfall(unindexed, base, measure="deviation").set_index("driver")
    assert plain.at["wages", "label"] == "Löneindex och sjukfrånvaro — wage index and sick leave"


PLAN = "projection:\n  volumes:\n    daglig_verksamhet: {2026: 1080, 2027: 1110, 2028: 1140}\n"


def _yearly_volume(setup, service: str) -> pd.Series:
    """A service's projected volume by year (average a month), as the workbooks give it."""
    from resmodel.projection_run import run_setup

    y = run_setup(setup).yearly
    sel = y[(y["service"] == service) & (y["measure"] == "volume")]
    return sel.set_index(sel["period"].astype(int))["value"]


@pytest.mark.parametrize("after", ["hold", "trend"])
def test_a_section_plan_for_later_years_follows_the_forecast_before_and_holds_or_trends_after(
        tmp_path, demo_loaded, demo_result, after):
    """Finding 7: an override for 2026–2028 only was refused ('add 2025') and could only hold flat after 2028;
    economists want the section plan for 2026–28, then the trend."""
    base = _yearly_volume(build_setup(demo_loaded, demo_result), "daglig_verksamhet")
    body = PLAN + ("  volume_after_override: {daglig_verksamhet: trend}\n" if after == "trend" else "")
    loaded = load(child(tmp_path, f"plan_{after}", body))
    check_projection(loaded)  # validate accepts it
    setup = build_setup(loaded, run(loaded))
    volume = _yearly_volume(setup, "daglig_verksamhet")
    assert volume[2025] == pytest.approx(base[2025])  # the forecast before the plan's first year
    assert volume[[2026, 2027, 2028]].tolist() == pytest.approx([1080, 1110, 1140])
    if after == "trend":  # the forecast's growth from the plan's last level
        assert volume[2034] == pytest.approx(1140 * base[2034] / base[2028])
    else:
        assert volume[range(2029, 2035)].tolist() == pytest.approx([1140] * 6)
    models = setup.volume_models.set_index("service")["model_used"]
    assert models["daglig_verksamhet"] == f"drift → override 2026–2028 → {'trend' if after == 'trend' else 'held'}"
    assert any(n.startswith("projection.volumes.daglig_verksamhet: before 2026 the forecast (drift)") for n in setup.notes)


def test_an_override_from_the_first_year_without_the_option_is_as_before(tmp_path):
    """The default is unchanged: an override from the first projected year steps and holds its last volume."""
    loaded = load(child(tmp_path, "steps", "projection:\n  volumes:\n    daglig_verksamhet: {2025: 1054, 2027: 1110}\n"))
    setup = build_setup(loaded, run(loaded))
    assert _yearly_volume(setup, "daglig_verksamhet").tolist() == pytest.approx([1054, 1054] + [1110] * 8)
    assert setup.volume_models.set_index("service").at["daglig_verksamhet", "model_used"] == "override"


def test_a_late_override_or_a_trend_without_a_history_and_an_option_without_an_override_are_refused(tmp_path):
    """A service with no volume history has no forecast to fill the years before or to carry a trend on."""
    body = ("projection:\n  volumes:\n    ovriga_lss: {2026: 1}\n    boendestod: {2025: 950}\n"
            "  volume_after_override: {ovriga_lss: trend, bostad_vuxna: trend}\n")
    said = [str(p) for p in projection_problems(tmp_path, "late", body)]
    assert any("'projection.volumes.ovriga_lss'" in p and "add 2025: <volume>" in p for p in said), said
    assert any("'projection.volume_after_override.bostad_vuxna'" in p and "no per-year override" in p for p in said)


def test_a_trend_for_a_service_without_a_history_is_refused(tmp_path):
    """Review: the test above reached the late-override refusal first, never the trend's own."""
    body = ("projection:\n  volumes:\n    ovriga_lss: {2025: 1}\n"
            "  volume_after_override: {ovriga_lss: trend}\n")
    said = [str(p) for p in projection_problems(tmp_path, "trend_nohist", body)]
    assert any("'projection.volume_after_override.ovriga_lss'" in p and "no volume history to forecast a trend from"
               in p for p in said), said


def test_an_override_up_to_the_horizon_says_nothing_of_after(tmp_path):
    """Review: '{2034: 1500}' with trend said 'after 2034 … moves on' though the horizon ends in 2034."""
    body = ("projection:\n  volumes:\n    daglig_verksamhet: {2030: 1300, 2034: 1500}\n"
            "  volume_after_override: {daglig_verksamhet: trend}\n")
    loaded = load(child(tmp_path, "to_end", body))
    setup = build_setup(loaded, run(loaded))
    said = [n for n in setup.notes if n.startswith("projection.volumes.daglig_verksamhet:")]
    assert said == ["projection.volumes.daglig_verksamhet: before 2030 the forecast (drift)"], said
