"""Findings of a municipal economist's walk of the budget-scenario workflow (children of scenarios/base.yaml): a
one-off typed 1000 times too large, a dated change wholly before the base date, validate accepting what project
refuses, year errors in rounds, and volume growth inflating a fixed volume plan."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from resmodel.budget import montecarlo
from resmodel.errors import InputError
from resmodel.projection_run import build_setup, check_projection, run_setup, uncertainty_spec
from resmodel.run import load
from tests.clirun import invoke
from tests.scenario_files import child, setup_of

SC = Path(__file__).resolve().parents[1] / "scenarios"


def adjustment(amount: int) -> str:
    return f"projection:\n  adjustments:\n    - {{service: daglig_verksamhet, year: 2026, amount: {amount}}}\n"


def test_a_one_off_larger_than_the_services_net_cost_is_warned_at_its_amount_by_project_and_validate(tmp_path):
    """Finding 1: −3 000 000 000 for −3 MSEK gave the board a 2026 net cost of −66.8 MSEK with a note only."""
    from resmodel.cli import app

    path = child(tmp_path, "typo", adjustment(-3_000_000_000))
    setup = setup_of(path)
    found = [w for w in setup.warnings if w.check == "adjustment_implausible"]
    assert len(found) == 1
    w = found[0]
    assert w.location.file.endswith("typo.yaml") and w.location.line == 6
    assert w.location.path == "projection.adjustments[0].amount"
    assert "the one-off -3,000,000,000 SEK for daglig_verksamhet in 2026 is larger than" in w.message
    assert "the board's -66,809,191 SEK" in w.message  # −66.8 MSEK, as the walk saw (−66,809,408 before holiday pay)
    assert str(w) in run_setup(setup).notes
    code, _, error = invoke(app, "validate", path)
    assert code == 0 and "[adjustment_implausible]" in error and "line 6" in error


def test_a_one_off_of_a_plausible_size_is_not_warned(tmp_path):
    """−3 MSEK, what was meant, is a saving of under 1 % of daily activity's cost."""
    assert not [w for w in setup_of(child(tmp_path, "meant", adjustment(-3_000_000))).warnings
                if w.check == "adjustment_implausible"]


def wage_change(year: int) -> str:
    return f"  indices.wage_growth:\n    - {{value: 0.035, from: {year}-01-01, until: {year}-12-31}}\n"


def test_a_dated_change_wholly_before_the_base_date_is_warned_as_one_after_the_horizon_is(tmp_path):
    """Finding 2: 2016 typed for 2026 did nothing and nothing said so, while 2036 is warned (beyond_horizon)."""
    loaded = load(child(tmp_path, "slip", "parameters:\n" + wage_change(2016)))
    _, warnings = check_projection(loaded)
    found = [w for w in warnings if w.check == "before_base_date"]
    assert len(found) == 1 and found[0].location.line == 6
    assert found[0].location.path == "parameters.indices.wage_growth[0]"
    assert "2016-01-01 until 2016-12-31, before the base date 2024-07-01" in found[0].message
    assert "no effect on run, project, compare or tornado" in found[0].message
    assert [w for w in setup_of(child(tmp_path, "slip2", "parameters:\n" + wage_change(2016))).warnings
            if w.check == "before_base_date"]


def test_a_change_before_the_base_date_that_moves_the_base_run_is_not_warned(tmp_path):
    """A 2023 wage rate carries a salary written for 2022 to the base date: it moves the base-year run."""
    salary = "  salaries.omsorgspedagog:\n    - {value: 31000, from: 2022-01-01}\n"
    _, warnings = check_projection(load(child(tmp_path, "moves", "parameters:\n" + wage_change(2023) + salary)))
    assert not [w for w in warnings if w.check == "before_base_date"]
    _, alone = check_projection(load(child(tmp_path, "still", "parameters:\n" + wage_change(2023))))
    assert [w for w in alone if w.check == "before_base_date"]  # the shipped salaries are written for 2023


def test_validate_refuses_a_volume_change_that_makes_a_volume_negative_as_project_does(tmp_path):
    """Finding 3: validate said ok, project refused with exit status 2."""
    from resmodel.cli import app

    path = child(tmp_path, "negative", "projection:\n  volume_changes:\n"
                                       "    - {service: externa_platser, from_year: 2025, change: -50}\n")
    code, out, error = invoke(app, "validate", path)
    assert code == 2 and "ok:" not in out
    assert "line 6, at 'projection.volume_changes[0].change'" in error
    assert "the volume changes make externa_platser's volume negative from 2025-01" in error


def test_a_year_outside_the_projection_in_volumes_is_reported_with_the_changes_and_adjustments_years(tmp_path):
    """Finding 4: volumes {2062: …} came only after the volume change's and the adjustment's years were fixed."""
    body = ("projection:\n  volumes: {daglig_verksamhet: {2062: 1000}}\n  volume_changes:\n"
            "    - {service: daglig_verksamhet, from_year: 2040, change: 5}\n"
            "  adjustments:\n    - {service: daglig_verksamhet, year: 2045, amount: 5}\n")
    with pytest.raises(InputError) as caught:
        check_projection(load(child(tmp_path, "years", body)))
    said = [str(p) for p in caught.value.problems]
    assert len(said) == 3, said
    assert "the override names 2062" in said[0] and "2040" in said[1] and "2045" in said[2]


PLAN = ("projection:\n  volumes: {personlig_assistans_sfb: {2026: 450, 2027: 460, 2028: 470}}\n"
        "  volume_growth: {personlig_assistans_sfb: 0.05}\n")


def yearly_volume(result, service: str, year: int) -> float:
    y = result.yearly
    return float(y[(y["service"] == service) & (y["measure"] == "volume") & (y["period"].astype(int) == year)]
                 ["value"].iat[0])


def test_volume_growth_does_not_inflate_the_years_a_fixed_plan_states_and_a_note_says_so(tmp_path, demo_loaded,
                                                                                          demo_result):
    """Finding 5: 450 planned for 2026 became 485.25 with volume_growth 0.05; the forecast year before the plan
    still grows."""
    setup = setup_of(child(tmp_path, "plan", PLAN))
    result = run_setup(setup)
    assert np.allclose([yearly_volume(result, "personlig_assistans_sfb", y) for y in (2026, 2027, 2028, 2034)],
                       [450.0, 460.0, 470.0, 470.0], rtol=1e-12)
    base = run_setup(build_setup(demo_loaded, demo_result))
    assert yearly_volume(result, "personlig_assistans_sfb", 2025) > yearly_volume(base, "personlig_assistans_sfb",
                                                                                  2025) * 1.02
    assert any("projection.volumes.personlig_assistans_sfb states the volume from 2026-01: "
               "projection.volume_growth.personlig_assistans_sfb (0.05) does not grow it" in n for n in result.notes)


def test_monte_carlo_draws_leave_a_fixed_plan_be_in_the_vectorised_and_the_reference_run(tmp_path):
    """Finding 5: the draws perturbed the fixed plan; the forecast year before it still spreads."""
    setup = setup_of(child(tmp_path, "plan_mc", PLAN))
    spec = uncertainty_spec(setup)
    for runner in (montecarlo.run, montecarlo.run_loop):
        table = runner(setup.case, spec, draws=40, seed=7).table
        sfb = table[(table["service"] == "personlig_assistans_sfb") & (table["measure"] == "volume")]
        by_year = sfb.set_index(sfb["period"].astype(int))
        assert np.allclose(by_year.loc[2027, ["p05", "p95"]].to_numpy(dtype=float), 460.0)
        assert by_year.loc[2025, "p95"] > by_year.loc[2025, "p05"]


def test_the_reports_name_volume_changes_and_growth_on_top_of_a_model(tmp_path):
    """Antaganden and the console labelled external places '(drift)' with five places fewer from 2026: the scenario's
    own additions are named; the setup's volume_models, which the plan and held-volume checks read, stay the model's."""
    from resmodel.projection_run import assumptions, shown_volume_models

    setup = setup_of(child(tmp_path, "vc", "projection:\n  volume_changes:\n    - {service: externa_platser, "
                                       "from_year: 2026, change: -5}\n  volume_growth:\n    personlig_assistans_sfb: 0.02\n"))
    raw = dict(zip(setup.volume_models["service"], setup.volume_models["model_used"], strict=True))
    shown = dict(zip(*shown_volume_models(setup)[["service", "model_used"]].T.to_numpy(), strict=True))
    assert shown["externa_platser"] == raw["externa_platser"] + " + volume_changes"
    assert shown["personlig_assistans_sfb"] == raw["personlig_assistans_sfb"] + " + volume_growth 0.02"
    assert shown["daglig_verksamhet"] == raw["daglig_verksamhet"] and "+" not in raw["externa_platser"]
    labels = assumptions(setup, run_setup(setup)).iloc[:, 0].tolist()
    assert any(label.startswith("Volym externa_platser (" + raw["externa_platser"] + " + volume_changes)")
               for label in labels), labels


def test_a_one_off_in_thousands_is_warned_and_one_on_a_service_run_down_is_not(tmp_path):
    """−3 000 with 'besparing 3 000 tkr' passed; a notice period's 2 MSEK on external places wound down to none was
    called a slip of the zeros (diff review). Now the first is told it is SEK, the second is compared with the
    service's base-year net cost (78 MSEK)."""
    tkr = setup_of(child(tmp_path, "tkr", adjustment(-3000)))
    found = [w for w in tkr.warnings if w.check == "adjustment_implausible"]
    assert len(found) == 1 and "the one-off -3000 SEK for daglig_verksamhet in 2026 is less than 10,000 kronor: " \
        "amounts are SEK, not thousands or millions — -3000 tkr is -3000000; write the kronor meant" in found[0].message
    msek = [w for w in setup_of(child(tmp_path, "msek", adjustment(2.4))).warnings if w.check == "adjustment_implausible"]
    assert len(msek) == 1 and "the one-off 2.4 SEK" in msek[0].message  # as typed, not rounded to +2 (re-walk)
    assert "2.4 tkr is 2400, 2.4 MSEK is 2400000" in msek[0].message
    big = setup_of(child(tmp_path, "big", adjustment(-100_000_000)))  # daily activity's net cost is about 330 MSEK
    said = [w.message for w in big.warnings if w.check == "adjustment_implausible"]
    assert len(said) == 1 and "% of the service's cost (" in said[0] and "check the zeros" in said[0]
    # the figure quoted is the one compared; and the own provider is measured by its cost, not its financing gap
    # (a 3 MSEK FK payment was '24 %' of its 12.4 MSEK gap; second diff review)
    closing = setup_of(child(tmp_path, "closing", "projection:\n  volumes:\n    bostad_barn: {2026: 1}\n  adjustments:\n"
                                                  "    - {service: bostad_barn, year: 2026, amount: 20000000}\n"))
    (note,) = [w.message for w in closing.warnings if w.check == "adjustment_implausible"]
    share, size = note.split(" is ")[1].split("%")[0], note.split("cost (")[1].split(" SEK")[0]
    assert round(20_000_000 / float(size.replace(",", "")) * 100) == int(share), note
    fk = setup_of(child(tmp_path, "fk", "projection:\n  adjustments:\n    - {service: personlig_assistans_egen_utforare, "
                                        "year: 2026, amount: -3000000}\n"))
    assert not [w for w in fk.warnings if w.check == "adjustment_implausible"]
    closed = setup_of(child(tmp_path, "closed", "projection:\n  volumes:\n    externa_platser: {2030: 0}\n"
                                                "  adjustments:\n    - {service: externa_platser, year: 2031, "
                                                "amount: 2000000}\n"))
    assert not [w for w in closed.warnings if w.check == "adjustment_implausible"]


def test_growth_on_a_stated_plan_is_labelled_as_moving_only_the_months_before_it(tmp_path):
    """'drift → override 2026–2028 → held + volume_growth 0.05' read as if growth moved the held years; it moves 2025
    only (diff review)."""
    from resmodel.projection_run import shown_volume_models

    setup = setup_of(child(tmp_path, "plan", "projection:\n  volumes:\n    personlig_assistans_sfb: {2026: 450, 2027: "
                                             "460, 2028: 470}\n  volume_growth:\n    personlig_assistans_sfb: 0.05\n"))
    shown = dict(zip(*shown_volume_models(setup)[["service", "model_used"]].T.to_numpy(), strict=True))
    assert shown["personlig_assistans_sfb"].endswith("→ held + volume_growth 0.05 before 2026"), shown
