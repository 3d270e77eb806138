"""Findings of an economist's second re-walk of the budget scenarios (children of scenarios/base.yaml: project,
explain, the run workbook, POST /comparisons): 'indexed: yes' for parameters no index moves, a carried-rate note
that did not say which rate, 'not drawn' services shown as a draw of sd 0, a changed 20-hour rule missing from the
assumptions and explain, and the units-only answer's relation to its CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from resmodel.projection_run import assumptions, build_setup, run_setup, volume_spread_notes
from resmodel.run import load, run, scenario_changes
from tests.clirun import run_main

ROOT = Path(__file__).resolve().parents[1]
SC = ROOT / "scenarios"

#: wage growth for 2029 alone and price growth for 2027 alone after data ending in 2026 and 2025 (extend: last),
#: the state rate's uplift for 2029 alone, the 20-hour rule at 25 h from 2026-07 to 2027-09, two salaries changed
#: (one indexed from its year, one not) and a Monte Carlo volume draw for the SFB cases only
BODY = """parameters:
  indices.wage_growth: [{value: 0.05, from: 2029-01-01, until: 2029-12-31, reason: "2029 agreement"}]
  indices.price_growth: [{value: 0.025, from: 2027-01-01, until: 2027-12-31, reason: "2027 prices"}]
  indices.state_rate_uplift: [{value: 0.03, from: 2029-01-01, until: 2029-12-31}]
  personlig_assistans.municipal_hours_per_week: [{value: 25, from: 2026-07-01, until: 2027-09-30}]
  salaries.stodassistent: [{value: 29000, from: 2026-01-01}]
  salaries.stodpedagog: [{value: 32000, from: 2026-01-01, indexed: false}]
projection:
  uncertainty:
    volume_growth:
      personlig_assistans_sfb: {dist: normal, mean: 0.0, sd: 0.011}
"""


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """The re-walk's scenario file, loaded, run and projected once."""
    path = tmp_path_factory.mktemp("rewalk2") / "rewalk2.yaml"
    path.write_text(f"name: rewalk2\npurpose: re-walk 2\nextends: {SC / 'base.yaml'}\n{BODY}", encoding="utf-8")
    loaded = load(path)
    result = run(loaded)
    setup = build_setup(loaded, result)
    return path, loaded, setup, run_setup(setup)


def test_indexed_is_told_only_for_a_parameter_an_index_moves(walked):
    """Finding 1: 'indexeras: ja (yes)' was printed for growth rates and the 20-hour rule, which no index moves."""
    _, loaded, _, _ = walked
    changes = scenario_changes(loaded.tree).set_index("parameter")["indexeras (indexed)"]
    none = "– (ej tillämpligt — n/a: the parameter has no index)"
    assert changes["indices.wage_growth"] == changes["indices.price_growth"] == none
    assert changes["personlig_assistans.municipal_hours_per_week"] == changes["indices.state_rate_uplift"] == none
    assert changes["salaries.stodassistent"] == "ja (yes)" and changes["salaries.stodpedagog"] == "nej (no)"


def test_the_carried_rate_note_names_the_rate_carried_after_a_scenario_year(walked):
    """Finding 2: after wage growth of 5 % for 2029 alone the note said 'the last known rate, or the rate the
    scenario declares … is carried forward' — the years after 2029 carry the file's 3 %, which it now names; the
    figures agree (2030's rate is 3 %)."""
    _, _, setup, out = walked
    tail = "(a rate the scenario declares in projection.extensions, else the index's last rate with extend: last; " \
           "flagged as an assumption)"
    assert f"wage_growth: no data for 2027–2028, 2030–2034: 3.0 % a year carried {tail}" in out.notes
    assert f"price_growth: no data for 2026, 2028–2034: 2.0 % a year carried {tail}" in out.notes
    assert ("personlig_assistans.state_hourly_rate: the state rate's yearly uplift (indices.state_rate_uplift) has "
            "no data for 2025–2028, 2030–2034: 2.5 % a year carried (the index's last rate with extend: last; "
            "flagged as an assumption)") in out.notes  # its span was 2025–2034, as if 2029 had none either
    rates = assumptions(setup, out).set_index("antagande").loc["Löneökning — wage growth"]
    assert rates["2029"] == pytest.approx(5.0) and rates["2030"] == pytest.approx(3.0)


def test_an_index_path_note_names_its_rate_and_where_it_is_declared():
    """The core's note without a tree: the declared rate, named; without a rate the declaration alone."""
    import numpy as np

    from resmodel.budget.indices import growth_path, percent

    path = growth_path({2025: 0.03}, np.arange(2025, 2028), "level_mix_drift", extend_with=0.0275)
    assert path.note(rate=0.0275) == ("level_mix_drift: no data for 2026–2027: 2.75 % a year carried (the rate the "
                                      "scenario declares in projection.extensions; flagged as an assumption)")
    assert path.note() == ("level_mix_drift: no data for 2026–2027: the rate the scenario declares in "
                           "projection.extensions is carried (flagged as an assumption)")
    assert [percent(r) for r in (0.03, 0.034, 0.0275, -0.01)] == ["3.0 %", "3.4 %", "2.75 %", "-1.0 %"]


def test_services_a_per_service_block_does_not_name_are_not_drawn_not_a_draw_of_zero():
    """Finding 3: with a volume draw for one service the others were listed as '0.000 against ≈…'."""
    from resmodel.budget.montecarlo import load_uncertainty

    months = pd.date_range("2025-01", "2030-12", freq="MS").strftime("%Y-%m")
    one = pd.DataFrame({"month": months, "volume": 100.0, "volume_lo_80": 87.184, "volume_hi_80": 112.816})
    table = pd.concat([one.assign(service=s) for s in ("dv", "sfb", "bv")], ignore_index=True)
    spec = load_uncertainty({"volume_growth": {"sfb": {"dist": "normal", "sd": 0.02},
                                               "bv": {"dist": "normal", "sd": 0.005}}})
    [note] = volume_spread_notes(table, spec, 2024)
    assert "(sd a year, drawn against implied: bv 0.005 against ≈0.020 — not drawn (no volume uncertainty), " \
           "implied: dv ≈0.020)" in note
    assert "0.000" not in note and "sfb" not in note


def test_the_own_provider_is_said_once_to_take_the_sfb_cases_draw(walked):
    """Finding 3: the own provider follows the SFB draw (volume_followers); its note says so, and the spread note
    names no service as drawn at sd 0."""
    _, _, _, out = walked
    own = [n for n in out.notes if n.startswith("personlig_assistans_egen_utforare: the own provider's hours")]
    assert own == ["personlig_assistans_egen_utforare: the own provider's hours are projected from the SFB cases, "
                   "at the base year's 738 h per case; a Monte Carlo run draws them with the SFB cases "
                   "(projection.uncertainty.volume_growth.personlig_assistans_sfb), not on their own"]
    [spread] = [n for n in out.notes if n.startswith("projection.uncertainty.volume_growth is narrower")]
    assert "not drawn (no volume uncertainty), implied: boendestod ≈" in spread and "0.000" not in spread


def test_no_sentence_of_a_draw_when_the_own_provider_is_drawn_with_all_or_on_its_own():
    """One distribution for every service (base.yaml's) draws the own provider with the rest, and a block naming it
    draws it on its own: no sentence is added then, nor without a block."""
    from resmodel.budget.montecarlo import load_uncertainty
    from resmodel.projection_run.uncertainty import own_provider_draw

    normal = {"dist": "normal", "sd": 0.01}
    named = {"personlig_assistans_sfb": normal, "personlig_assistans_egen_utforare": normal}
    assert own_provider_draw(None) == own_provider_draw(load_uncertainty({"volume_growth": normal})) == ""
    assert own_provider_draw(load_uncertainty({"volume_growth": named})) == ""


def test_the_20_hour_rule_in_force_is_an_assumption_row_averaged_over_the_years_days(walked):
    """Finding 4: 25 h from 2026-07 had no row in *Antaganden*; the row is the cap averaged over the year's days,
    as the cost weighs its months (181 days at 20 and 184 at 25 in 2026)."""
    _, _, setup, out = walked
    row = assumptions(setup, out).set_index("antagande").loc[
        "Kommunens timmar per vecka — municipal hours a week per SFB case (the 20-hour rule's cap, the year's "
        "average over its days)"]
    assert row["enhet"] == "timmar/vecka"
    assert row["2025"] == 20 and row["2026"] == pytest.approx((181 * 20 + 184 * 25) / 365)
    assert row["2027"] == pytest.approx((273 * 25 + 92 * 20) / 365) and row["2028"] == 20


def test_explain_lists_the_20_hour_rule_on_1_january_and_at_each_change(walked, monkeypatch, capsys):
    """Finding 4: explain's indices block had no word of the 20-hour rule; 2027 shows 25 h from the scenario and
    20 h again from 2027-10-01 (the file's value, valid from the change)."""
    path = walked[0]
    code, out, _ = run_main(monkeypatch, capsys, "explain", path, "--year", "2027")
    assert code == 0
    block = out.split("Indices in force")[1]
    rule = [line.strip() for line in block.split("\nnote: ")[0].splitlines() if "municipal_hours_per_week" in line]
    assert len(rule) == 2
    assert rule[0].startswith("personlig_assistans.municipal_hours_per_week = 25 hours/week (valid from 2026-07-01, ")
    assert rule[1].startswith("personlig_assistans.municipal_hours_per_week = 20 hours/week (valid from 2027-10-01, ")
    assert "municipal_hours_per_week.yaml" in rule[1]


def test_api_units_are_the_csvs_values_at_full_precision_as_api_md_says(monkeypatch, tmp_path):
    """Finding 5: api.md said the units-only answer's units were the CSV's numbers; they are its values at full
    precision (as every table of /runs, /projections and /comparisons), the CSV's 15 digits when written as it is."""
    from fastapi.testclient import TestClient

    from api.main import app
    from resmodel.io.writers import tidy_float

    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "base.yaml").write_text(f"name: base\npurpose: the demo\nextends: {SC / 'base.yaml'}\n",
                                      encoding="utf-8")
    (folder / "mine.yaml").write_text("name: mine\npurpose: units\nextends: base.yaml\nprojection: null\n",
                                      encoding="utf-8")
    monkeypatch.setenv("RESMODEL_SCENARIOS", str(folder))
    units = pd.DataFrame(TestClient(app).post("/comparisons", json={"scenarios": ["base", "mine"]}).json()["units"])
    values = units["value_a"].dropna()
    assert (values.map(tidy_float) != values).any()  # a JSON value differs from its CSV text in its last digits
    assert 122730174.90602256 in set(values) and tidy_float(122730174.90602256) == 122730174.906023
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert "the rows and numbers of its `jamforelse_enheter.csv`" not in text
    assert ("`units` (the rows of its `jamforelse_enheter.csv`, the values as JSON numbers at full precision" in text
            and "122730174.90602256 here, 122730174.906023 there" in text)
