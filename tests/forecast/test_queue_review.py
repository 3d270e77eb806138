"""Planner and integrator review of the queue: a fall in demand ends decisions (served + waiting = demand), the
options are checked before any note, and the API refuses a misspelt service and passes the command's notes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.main import app
from resmodel.forecast.queue import TOTAL_NOTE, QueueParams, QueueState, excess_start_note, simulate_queue
from tests.forecast.conftest import FIXTURES

MONTHS = pd.date_range("2025-01-01", periods=12, freq="MS")


def _queue(demand: list[float], places: float, params: QueueParams | None = None, initial: QueueState | None = None):
    """The queue of a demand against constant places, started as `resmodel queue` starts it (places filled)."""
    months = MONTHS[: len(demand)]
    return simulate_queue(months, np.full(len(demand), places), demand=np.asarray(demand, dtype=float),
                          params=params, initial=initial or QueueState.filled(demand[0], places))


def test_a_seasonal_demand_is_followed_both_ways_served_and_waiting_adding_up_to_it():
    """Finding 1: the demo's demand falls ~26–29 each January (exits at 67) and rises ~42 each August; the queue kept
    every rise and never the fall, so served + waiting exceeded the demand and the over-3-month counts grew."""
    demand = [100, 100, 130, 130, 130, 130, 100, 100, 130, 130, 130, 130]
    r = _queue(demand, 110)
    m = r.monthly
    assert (m["executed"] + m["not_executed_total"]).round(9).tolist() == demand
    assert m["decisions_ended"].tolist() == [0, 0, 0, 0, 0, 0, 30, 0, 0, 0, 0, 0]
    assert m["not_executed_total"].tolist() == [0, 0, 20, 20, 20, 20, 0, 0, 20, 20, 20, 20]


def test_a_step_down_ends_decisions_of_those_served():
    r = _queue([100, 100, 100, 90, 90, 90], 120)
    m = r.monthly
    assert m["executed"].tolist() == [100, 100, 100, 90, 90, 90]
    assert m["decisions_ended"].tolist() == [0, 0, 0, 10, 0, 0] and m["new_decisions"].eq(0).all()


def test_a_step_down_with_a_queue_waiting_frees_places_for_the_longest_waiting():
    """120 with a decision and 100 places from January: 20 wait, over three months at the end of April. In May the
    demand falls to 105: 15 served end, their places go to the 15 of the 20 January decisions (waited four months,
    late), and 5 still wait — 5 over three months at the end of June, not the 20 that never left before."""
    r = _queue([120] * 4 + [105] * 8, 100)
    m = r.monthly
    assert m["executed"].eq(100).all() and m["decisions_ended"].tolist() == [0] * 4 + [15] + [0] * 7
    assert m["queue_new"].tolist() == [20] * 4 + [5] * 8
    assert m["over_3m_total"].tolist() == [0, 0, 0, 20] + [5] * 8
    assert m["executed_after_3m"].tolist() == [0] * 4 + [15] + [0] * 7
    assert r.quarterly["over_3m_total"].tolist() == [0, 5, 5, 5]
    assert r.quarterly["exposure_min_sek"].tolist() == [0, 50_000, 50_000, 50_000]
    assert r.waits.set_index("wait_months")["executions"].to_dict() == {4.0: 15}
    assert r.summary["cases_over_3m"] == 20 and r.summary["still_waiting_at_end"] == 5
    # 15 placed after 4 months, 5 waiting 11.5 months at the end of December: 36 400 SEK a month
    assert r.summary["exposure_central_sek"] == pytest.approx(36_400 * (15 * 4 + 5 * 11.5))


def test_a_step_down_below_the_places_places_everyone_waiting():
    r = _queue([120] * 4 + [90] * 8, 100)
    m = r.monthly
    assert m["executed"].tolist() == [100] * 4 + [90] * 8
    assert m["decisions_ended"].tolist() == [0] * 4 + [30] + [0] * 7 and m["executions"].iloc[4] == 20
    assert m["not_executed_total"].tolist() == [20] * 4 + [0] * 8
    assert r.quarterly["over_3m_total"].tolist() == [0, 0, 0, 0] and r.summary["cases_over_3m"] == 20


def test_the_exit_rate_is_turnover_within_the_demand_and_a_larger_fall_ends_the_rest():
    """10 % of 100 leave in February (replaced up to the demand of 95: 5 new decisions, none ended); in March 9.5
    of 95 leave and the demand falls to 80: 5.5 more end."""
    r = _queue([100, 95, 80, 80], 200, params=QueueParams(exit_rate=0.1))
    m = r.monthly
    assert m["exits"].round(9).tolist() == [10, 10, 9.5, 8]
    assert m["decisions_ended"].round(9).tolist() == [0, 0, 5.5, 0]
    assert m["new_decisions"].round(9).tolist() == [10, 5, 0, 8]
    assert m["executed"].round(9).tolist() == [100, 95, 80, 80]


def test_a_fall_beyond_those_served_ends_the_waiting_in_one_proportion():
    """No places: 30 waiting one month and 10 two months at the start, 40 with a decision. The demand halves in
    February: half of each cohort ends — 15 of the 30 now three months old, half of those counted in time
    (mid-month, as executions at the mark: 30 − 7.5 pass three months), and 5 of the 10 four months old."""
    r = simulate_queue(MONTHS[:3], np.zeros(3), demand=np.array([40.0, 20.0, 20.0]),
                       initial=QueueState(executed=0, new=[0, 30, 10]))
    m = r.monthly
    assert m["decisions_ended"].tolist() == [0, 20, 0] and m["queue_new"].tolist() == [40, 20, 20]
    assert m["over_3m_new"].tolist() == [10, 20, 20]  # age 3 (10); then 3 (15) and 4 (5); then 4 and 5
    assert m["passed_3m"].tolist() == [10, 22.5, 0]


def test_a_decision_ending_unexecuted_after_three_months_keeps_its_fee():
    r = simulate_queue(MONTHS[:2], np.zeros(2), demand=np.array([10.0, 0.0]),
                       initial=QueueState(executed=0, new=[0, 0, 0, 0, 10]))
    assert r.monthly["decisions_ended"].tolist() == [0, 10] and r.summary["still_waiting_at_end"] == 0
    assert r.summary["cases_over_3m"] == 10 and r.summary["exposure_min_sek"] == 100_000
    assert r.summary["exposure_central_sek"] == pytest.approx(10 * 36_400 * 6)  # ended at six months' wait


def test_a_start_above_the_first_months_demand_is_noted():
    start = QueueState(executed=100, new=[0, 5])
    note = excess_start_note(MONTHS, 100.0, start, "--initial-executed and --initial-waiting")
    assert note.startswith("the start has 105 users with a decision (100 served, 5 waiting), 5 more than the demand "
                           "of 100 in 2025-01: those 5 decisions end in 2025-01")
    assert excess_start_note(MONTHS, 105.0, start, "x") is None


def test_the_command_notes_a_start_above_the_demand(cli, tmp_path):
    res = cli(["queue", "--demand", FIXTURES / "demand.csv", "--service", "daglig_verksamhet", "--places", "1000",
               "--initial-waiting", "4:3", "--out", tmp_path / "q"])
    assert res.exit_code == 0, res.stderr
    assert ("note: the start has 1,003 users with a decision (1,000 served, 3 waiting), 3 more than the demand of "
            "1,000 in 2025-01") in res.stderr and "give --initial-executed and --initial-waiting" in res.stderr


@pytest.mark.parametrize(("options", "expected"), [
    (["--exit-rate", "0.6", "--aiv-rate", "0.5"], "error: at '--exit-rate/--aiv-rate/--aiviv-rate'"),
    (["--fee-states", "new,aivv"], "error: at '--fee-states': 'aivv' is not a queue state"),
])
def test_the_options_are_checked_before_the_first_months_note(cli, tmp_path, options, expected):
    """Finding 5: the first-month demand note was printed before the option's error."""
    res = cli(["queue", "--demand", FIXTURES / "demand.csv", "--service", "daglig_verksamhet", "--places", "900",
               *options, "--out", tmp_path / "q"])
    assert res.exit_code == 2 and expected in res.stderr and "note:" not in res.stderr + res.stdout


def test_the_service_option_is_trimmed(cli, tmp_path):
    res = cli(["queue", "--demand", FIXTURES / "demand.csv", "--service", " daglig_verksamhet ", "--places", "1000",
               "--out", tmp_path / "q"])
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith("Ej verkställda beslut — decisions not executed, daglig_verksamhet (demand")


def _post(body: dict):
    return TestClient(app).post("/queues", json={"places": 100, "demand": [
        {"month": f"{m:%Y-%m}", "volume": 100.0} for m in MONTHS[:4]], **body})


def test_the_api_notes_a_misspelt_service_with_the_key_it_may_mean():
    """Finding 6: 'dagligverksamhet' was answered 200, echoing the misspelling without a word; a board's own service
    near a key (kontaktperson_lss) is no misspelling and is queued too (diff review: a 422 refused it)."""
    for service, hint in (("dagligverksamhet", "did you mean 'daglig_verksamhet'?"),
                          ("kontaktperson_lss", "did you mean 'kontaktperson'?")):
        response = _post({"service": service})
        assert response.status_code == 200, response.text
        (note,) = [n for n in response.json()["notes"] if "service keys" in n]
        assert note.startswith(f"'{service}' is not one of resmodel's service keys ({hint}): it only names")


def test_the_api_queues_a_boards_own_service_with_a_note_and_passes_the_commands_notes():
    response = _post({"service": "egen_insats"})
    assert response.status_code == 200, response.text
    notes = response.json()["notes"]
    assert any(n.startswith("'egen_insats' is not one of resmodel's service keys") for n in notes)
    assert TOTAL_NOTE in notes
    known = _post({"service": "daglig_verksamhet", "initial_executed": 100, "initial_waiting": [0, 5]}).json()
    assert not any("service keys" in n for n in known["notes"]) and TOTAL_NOTE in known["notes"]
    assert any(n.startswith("the start has 105 users with a decision") and "give initial_executed and "
               "initial_waiting" in n for n in known["notes"])
