"""Findings of an economist's re-walk of the budget-scenario workflow (children of scenarios/base.yaml; validate,
project, compare, explain): a far-off year that held back the block's other problems, a warning's advice that could
not be followed, an adjustment on the own provider refused, the scale warning on a decided closure, a salary in tkr
and compare's table that did not follow --area."""

from __future__ import annotations

from pathlib import Path

import pytest

from resmodel.errors import InputError
from resmodel.projection_run import build_setup, check_projection, run_setup
from resmodel.run import load, run
from tests.scenario_files import child

SC = Path(__file__).resolve().parents[1] / "scenarios"


def refused(path: Path) -> list:
    """The problems validate's projection check refuses a scenario with (it must refuse it)."""
    with pytest.raises(InputError) as caught:
        check_projection(load(path))
    return caught.value.problems


FIVE_SLIPS = """projection:
  volume_growth: {externa_platser: 5}
  volume_changes:
    - {service: bostad_vuxna, from_year: 2024, change: 6}
  adjustments:
    - {service: daglig_verksamhet, year: YEAR, amount: -3000000}
    - {service: externa_platsar, year: 2026, amount: 100000}
  volumes:
    bostad_vuxna: {2026: 452, YEAR: 460}
  frame:
    base: {lss_boendee: 1000}
"""


@pytest.mark.parametrize("year", [2037, 2207])
def test_a_far_off_year_is_reported_at_its_line_with_the_blocks_other_problems_in_one_round(tmp_path, year):
    """Finding 3: 2207 for 2027 was a shape error ('less than or equal to 2100') that held back a misspelt service,
    a from_year before the horizon, a rate in percent and a frame area typo until a second run; 2037 never did."""
    problems = refused(child(tmp_path, f"slips{year}", FIVE_SLIPS.replace("YEAR", str(year))))
    found = {str(p.location.path): p for p in problems}
    assert sorted(found) == ["projection.adjustments[0].year", "projection.adjustments[1].service",
                             "projection.frame.base.lss_boendee", "projection.volume_changes[0].from_year",
                             "projection.volume_growth.externa_platser", "projection.volumes.bostad_vuxna"]
    slip = found["projection.adjustments[0].year"]
    assert slip.location.line == 9
    assert slip.problem == f"year {year} is not projected" and slip.expected == "a year from 2025 to 2034"
    assert found["projection.volumes.bostad_vuxna"].problem == f"the override names {year}, which is not projected"
    fix, reach = slip.fix, found["projection.volumes.bostad_vuxna"].fix
    if year == 2037:  # a horizon of 13 years reaches it
        assert fix == "correct the year, or lengthen horizon_years to 13" and "lengthen horizon_years" in reach
    else:  # no horizon reaches 2207: it is not offered
        assert "lengthen" not in fix and "lengthen" not in reach and "typing slip" in fix


def test_a_year_is_still_a_whole_number_and_a_need_level_no_year(tmp_path):
    """Accepting any year keeps refusing what is no year: 2027.5, 'true' and a level table {3: 100}."""
    body = ("projection:\n  adjustments:\n    - {service: daglig_verksamhet, year: 2027.5, amount: -3000000}\n"
            "  volume_changes:\n    - {service: bostad_vuxna, from_year: true, change: 6}\n")
    with pytest.raises(InputError) as caught:
        load(child(tmp_path, "not_years", body))
    text = str(caught.value)
    assert "adjustments[0].year': Input should be a valid integer, got a number with a fractional part" in text
    assert "from_year': 'true' is read by YAML as true, not a number" in text
    from resmodel.projection_run import check_projection

    # the level key is checked with the block's other problems (validate, run and project), not by load
    with pytest.raises(InputError, match="3 is not a year .a need level"):
        check_projection(load(child(tmp_path, "level", "projection:\n  volumes: {daglig_verksamhet: {3: 100}}\n")))


STAFF_RATIO = "{1: 0.14, 2: 0.2, 3: 0.29, 4: 0.38, 5: 0.49, 6: 0.64, 7: 0.99, 8: 1.45}"


def dated_warning(tmp_path: Path, name: str, changes: str):
    """The dated_change_not_projected warnings validate gives a child of base.yaml with ``changes`` as parameters."""
    _, warnings = check_projection(load(child(tmp_path, name, "parameters:\n" + changes)))
    return [w for w in warnings if w.check == "dated_change_not_projected"]


def test_a_dated_change_is_advised_the_ways_that_work_and_base_date_only_within_the_base_year(tmp_path):
    """Finding 4: 'move base_date to the change' fails when budgeting 2025 from the 2024 accounts (frame base year
    2024, history to 2024-12); the working ways are the value undated (it moves the base year too) or adjustments
    computed from two runs."""
    (ratio,) = dated_warning(tmp_path, "ratio", f"  daglig_verksamhet.staff_ratio:\n"
                             f"    - {{value: {STAFF_RATIO}, from: 2025-01-01}}\n")
    message = ratio.message
    assert "base_date to" not in message and "move base_date" not in message
    assert "Its unit (staff hours per user hour) is not money, so no index carries it" in message
    assert ("give the value undated (without 'from': it then holds from the base year 2024 on, so it moves the "
            "base-year run too)") in message
    assert "adjustments, an amount per service and year from 2025" in message
    assert "resmodel compare <this scenario> <a copy with the value undated>" in message
    assert "jamforelse_tjanster.csv" in message
    (salary,) = dated_warning(tmp_path, "salary", "  salaries.stodassistent: [{value: 33000, from: 2025-04-01}]\n")
    assert "indices.wage_growth (salaries)" in salary.message and "in base-year prices" in salary.message
    assert "base_date" not in salary.message.split("; the projection reads it")[1]
    (within,) = dated_warning(tmp_path, "within", "  salaries.stodassistent: [{value: 33000, from: 2024-10-01}]\n")
    assert within.message.endswith("; or move base_date to 2024-10-01, which keeps the base year 2024")
    # adjustments start in the first projected year: 'from 2024' named a year the adjustments refuse (review)
    assert "an amount per service and year from 2025 (the first projected year" in within.message
    # economist walk: a change of 2027 was 'from 2027 (the first projected year', which is 2025
    (later,) = dated_warning(tmp_path, "later", "  salaries.stodassistent: [{value: 33000, from: 2027-01-01}]\n")
    assert "an amount per service and year from 2027 (the first year the change holds" in later.message
    assert "first projected year" not in later.message


def yearly_net_cost(result, service: str, year: int) -> float:
    """A service's projected net cost in one year."""
    y = result.yearly
    return float(y.loc[(y["service"] == service) & (y["period"] == str(year)) & (y["measure"] == "net_cost"),
                       "value"].sum())


OWN = "personlig_assistans_egen_utforare"


def test_an_adjustment_on_the_own_providers_line_moves_that_line_only(tmp_path, demo_loaded, demo_result):
    """Finding 5: Försäkringskassan's retroactive payment to the own provider was refused ('not a projected service
    … did you mean personlig_assistans_sfb?') though the provider is a line of prognos_tjanster.csv and explain."""
    path = child(tmp_path, "fk", "projection:\n  adjustments:\n"
                 f"    - {{service: {OWN}, year: 2026, amount: -1500000, reason: FK efterbetalning}}\n")
    loaded = load(path)
    check_projection(loaded)  # validate accepts it
    result = run_setup(build_setup(loaded, run(loaded)))
    base = run_setup(build_setup(demo_loaded, demo_result))
    assert yearly_net_cost(result, OWN, 2026) - yearly_net_cost(base, OWN, 2026) == pytest.approx(-1_500_000)
    for service, year in (("personlig_assistans_sfb", 2026), (OWN, 2025), (OWN, 2027)):
        assert yearly_net_cost(result, service, year) == pytest.approx(yearly_net_cost(base, service, year), abs=1e-6)
    assert "one-off personlig_assistans_egen_utforare 2026: -1,500,000 SEK — FK efterbetalning" in result.notes


def test_the_own_providers_volume_is_refused_with_why_not_a_did_you_mean(tmp_path):
    """Its volume follows the SFB cases: naming it in volume_growth is refused saying so, not 'did you mean sfb?'."""
    (problem,) = refused(child(tmp_path, "own_growth", f"projection:\n  volume_growth: {{{OWN}: 0.02}}\n"))
    assert problem.problem == (f"'{OWN}', the own provider's hours, follows the SFB cases (the base year's hours per "
                               "case) and cannot be set apart from them")
    assert "did you mean" not in problem.fix and "personlig_assistans_sfb" in problem.fix


def test_an_adjustment_on_the_own_provider_without_own_cases_is_refused_with_why(tmp_path, monkeypatch):
    """Where no SFB case is served in the board's own units the provider has no line: said so at the adjustment."""
    import resmodel.projection_run.checks as pr

    monkeypatch.setattr(pr, "own_provider_projected", lambda loaded: False)
    (problem,) = refused(child(tmp_path, "no_own", "projection:\n  adjustments:\n"
                               f"    - {{service: {OWN}, year: 2026, amount: -1500000}}\n"))
    assert problem.location.path == "projection.adjustments[0].service"
    assert "is not projected here: no SFB case is served in a unit of the board's own (regi egen)" in problem.problem


def test_the_own_provider_is_projected_where_an_sfb_case_with_hours_is_served_in_an_own_unit(demo_loaded):
    """As the engine gives the provider hours: SFB cases in a unit of regi egen, with weekly hours."""
    from types import SimpleNamespace

    from resmodel.projection_run import own_provider_projected

    users, units = demo_loaded.data.users, demo_loaded.data.units
    assert own_provider_projected(demo_loaded)
    bought = units.assign(regi=units["regi"].where(units["regi"] != "egen", "extern"))
    assert not own_provider_projected(SimpleNamespace(data=SimpleNamespace(users=users, units=bought)))
    no_hours = users.assign(weekly_hours=users["weekly_hours"].where(users["service"] != "personlig_assistans_sfb", 0))
    assert not own_provider_projected(SimpleNamespace(data=SimpleNamespace(users=no_hours, units=units)))


@pytest.mark.parametrize(("plan", "named"), [
    ("{2026: 20, 2027: 20}", False),   # a decided closure of 8 of 28 places: 0.714 times the base year
    ("{2025: 14}", False),             # half the places
    ("0", False),                      # the service closed: a decision
    ("{2025: 280}", True),             # a zero too many
    ("{2025: 2.8}", True),             # a digit too few
    ("9", True),                       # more than threefold below
])
def test_override_scale_names_what_a_typing_slip_looks_like_not_a_decided_change(tmp_path, plan, named):
    """Finding 8: the history_vs_users margin (25 % and 1) called externa_platser {2026: 20} — a decided closure of
    8 of its 28 places — 'a typing slip?'; a slip is a digit too many or too few, beyond threefold."""
    from resmodel.io.scenario import read_chain
    from resmodel.projection_run import override_scale_warnings
    from resmodel.scenario.projection import resolve

    path = child(tmp_path, "places", f"projection:\n  volumes: {{externa_platser: {plan}}}\n")
    warnings = override_scale_warnings(load(path), resolve(read_chain(path)))
    assert bool(warnings) is named
    if named:
        assert "times its 28 in the base year (more than 3-fold either way" in warnings[0].message


def test_a_salary_in_tkr_is_asked_about_tkr_not_a_percentage(tmp_path):
    """Finding 9: salaries.stodassistent 31.5 was asked 'a percentage written as a fraction twice, or another unit?';
    for an amount in SEK the likely slip is tkr. A share keeps the percentage hint, and an amount a thousand times
    of which is still off the file's scale is not called tkr."""
    # a leaf with a floor is now refused in a scenario as in its parameter file (diff review), with the tkr reading
    path = child(tmp_path, "tkr", "parameters:\n  salaries.stodassistent: 31.5\n"
                 "  daglig_verksamhet.other_cost_per_user: 0.05\n")
    with pytest.raises(InputError) as refused:
        load(path)
    said = {p.location.path: p.fix for p in refused.value.problems}
    assert said["parameters.salaries.stodassistent"].startswith("written in tkr? 31.5 tkr is 31 500 SEK/month")
    assert "percentage" not in said["parameters.salaries.stodassistent"]
    assert "tkr" not in said["parameters.daglig_verksamhet.other_cost_per_user"]
    path = child(tmp_path, "share", "parameters:\n  working_time.sick_leave_rate: 0.0006\n")
    warned = {w.message.split(":")[0]: w.message for w in load(path).warnings if w.check == "implausible_change"}
    assert "a percentage written as a fraction twice" in warned["working_time.sick_leave_rate"]


def test_compare_with_an_area_prints_that_areas_deviation_not_the_boards(tmp_path):
    """Finding 10: `compare … --area lss_boende --year 2026` printed the board's deviation per year above a waterfall
    of lss_boende; the table, and the net cost and frame line under it, follow --area as the waterfall does."""
    import pandas as pd

    from resmodel.cli import app
    from tests.clirun import invoke

    scenarios = (SC / "base.yaml", SC / "high_volume_growth.yaml")
    code, out, err = invoke(app, "compare", *scenarios, "--area", "lss_boende", "--year", 2026, "--out", tmp_path / "c")
    assert code == 0, err
    diff = pd.read_csv(tmp_path / "c" / "jamforelse.csv")
    deviation = diff[diff["measure"] == "deviation"].set_index(["area", "period"])["difference"] / 1e6
    area, board = deviation.loc[("lss_boende", 2030)], deviation.loc[("total", 2030)]
    assert abs(area - board) > 0.1  # the two tables differ
    table = out.split("difference in lss_boende's deviation against 'base' (MSEK per year)\n")[1]
    row = next(line for line in table.splitlines() if line.startswith("2030"))
    assert float(row.split()[1].replace(",", "")) == pytest.approx(area, abs=0.051)
    assert "the board's deviation" not in out
    assert "high_volume_growth in 2026, lss_boende: net cost" in out
    code, out, _ = invoke(app, "compare", *scenarios, "--year", 2026, "--out", tmp_path / "b")
    assert "difference in the board's deviation against 'base' (MSEK per year)" in out
    row = next(line for line in out.split("(MSEK per year)\n")[1].splitlines() if line.startswith("2030"))
    assert float(row.split()[1].replace(",", "")) == pytest.approx(board, abs=0.051)


def test_every_yearly_rates_problems_come_in_one_round(tmp_path):
    """rent_growth's bad year hid level_mix_drift's, and a far-off year was told to lengthen horizon_years past its
    30 years (second diff review)."""
    from resmodel.io.scenario import read_chain
    from resmodel.projection_run import check_rates_by_year
    from resmodel.scenario.projection import resolve

    path = tmp_path / "rates.yaml"
    path.write_text(f"name: rates\npurpose: yearly rates\nextends: {SC / 'base.yaml'}\nprojection:\n"
                    "  rent_growth: {2025: 0.02, 2207: 0.02}\n  level_mix_drift: {2025: 0.0, 2020: 0.0}\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as refused:
        check_rates_by_year(resolve(read_chain(path)), 2025, 2034)
    said = "\n".join(str(p) for p in refused.value.problems)
    assert "rent_growth.2207" in said and "level_mix_drift.2020" in said, said
    assert "lengthen horizon_years" not in said.split("rent_growth.2207")[1].split("\n")[0]
