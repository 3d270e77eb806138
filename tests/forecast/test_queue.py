"""The queue of decisions not executed: hand-checkable cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.errors import InputError
from resmodel.forecast.demand import demand_from_table
from resmodel.forecast.queue import QueueParams, QueueState, capacity_from_staff, simulate_queue

MONTHS = pd.date_range("2025-01-01", periods=12, freq="MS")


def test_constant_demand_below_capacity_never_queues():
    r = simulate_queue(MONTHS, np.full(12, 120.0), demand=np.full(12, 100.0))
    assert r.monthly["queue_new"].eq(0).all() and r.monthly["executed"].eq(100).all()
    assert r.quarterly["over_3m_total"].eq(0).all() and r.summary["cases_over_3m"] == 0


def test_constant_demand_above_capacity_queues_the_excess_and_reports_after_three_months():
    r = simulate_queue(MONTHS, np.full(12, 100.0), demand=np.full(12, 120.0))
    m = r.monthly
    assert m["executed"].eq(100).all() and m["queue_new"].eq(20).all()
    # decided in January: at the end of April it has waited more than three months
    assert m["over_3m_new"].tolist() == [0, 0, 0] + [20] * 9
    assert r.quarterly["quarter"].tolist() == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert r.quarterly["over_3m_total"].tolist() == [0, 20, 20, 20]
    assert r.quarterly["exposure_min_sek"].tolist() == [0, 200_000, 200_000, 200_000]
    assert r.quarterly["exposure_max_sek"].tolist() == [0, 20_000_000, 20_000_000, 20_000_000]
    # central: 36 400 SEK per month waited (5.5 months at the end of June)
    assert r.quarterly["exposure_central_sek"].iloc[1] == pytest.approx(20 * 36_400 * 5.5)
    assert r.summary["cases_over_3m"] == 20 and r.summary["still_waiting_at_end"] == 20


def test_turnover_moves_the_queue_first_in_first_out():
    # 10 % of 100 executed leave each month and are replaced by 10 new decisions; 10 places free up:
    # the queue stays at 20 and every decision waits exactly two months
    r = simulate_queue(MONTHS, np.full(12, 100.0), demand=np.full(12, 120.0), params=QueueParams(exit_rate=0.1))
    m = r.monthly
    assert m["queue_new"].eq(20).all() and m["new_decisions"].iloc[1:].eq(10).all()
    assert m["over_3m_total"].eq(0).all()
    steady = r.waits[r.waits["category"] == "new"].set_index("wait_months")["executions"]
    assert steady.index.tolist() == [0.0, 1.0, 2.0]  # decided and placed mid-month: whole months
    assert steady[0.0] == 100  # placed in the first month
    assert steady[1.0] == 10  # half of the first month's excess waited one month
    assert steady[2.0] == 10 * 10  # everyone else two months (months 3–12)


def test_a_queue_placed_at_exactly_three_months_counts_half_of_them_late():
    """Steady FIFO: 30 waiting (10 from each of the last three months), 10 new decisions and 10 places a
    month. Little's law: W = L / λ = 30 / 10 = 3 months. Each month's 10 are placed in the month their
    three months run out, on average at the mark: half count as late, with the fee for three months'
    wait. (Placed at the month's end, all 120 counted late at 3.5 months: 43.7 MSEK of central exposure.)"""
    p = QueueParams(exit_rate=0.1)
    r = simulate_queue(MONTHS, np.full(12, 100.0), demand=np.full(12, 130.0), params=p,
                       initial=QueueState(executed=100, new=[10, 10, 10]))
    assert r.monthly["executions"].eq(10).all() and r.monthly["queue_new"].eq(30).all()
    assert r.waits.set_index("wait_months")["executions"].to_dict() == {3.0: 120.0}
    assert r.summary["mean_wait_months"] == 3.0
    assert r.quarterly["over_3m_total"].eq(0).all()  # nobody still waiting at a quarter's end is over three months
    assert r.summary["cases_over_3m"] == 60 and r.monthly["executed_after_3m"].eq(5).all()
    assert r.summary["exposure_central_sek"] == pytest.approx(60 * 36_400 * 3)
    assert r.quarterly["passed_3m_in_quarter"].tolist() == [15, 15, 15, 15]


def test_interruptions_are_separate_states():
    # AIViV keeps its place: 1 % of 100 start an absence each month, none resume; with capacity for
    # 100 users nothing else changes, and they are counted as not executed in their own column
    p = QueueParams(aiviv_rate=0.01)
    r = simulate_queue(MONTHS, np.full(12, 100.0), demand=np.full(12, 100.0), params=p,
                       initial=QueueState(executed=100))
    m = r.monthly
    assert m["queue_new"].eq(0).all() and m["queue_aiv"].eq(0).all()
    assert m["aiviv"].iloc[-1] == pytest.approx(100 - 100 * 0.99**12)
    assert (m["executed"] + m["aiviv"]).round(9).eq(100).all()
    assert m["over_3m_aiviv"].iloc[-1] > 0 and m["over_3m_new"].eq(0).all()
    # AIV releases the place: with a full service the released place goes to the longest waiting (a demand of
    # 105: the 100 served and the 5 waiting, who would otherwise end as a fall of the demand)
    r2 = simulate_queue(MONTHS, np.full(12, 100.0), demand=np.full(12, 105.0), params=QueueParams(aiv_rate=0.05),
                        initial=QueueState(executed=100, new=[0, 0, 0, 0, 5]))
    assert r2.monthly["executions"].iloc[0] == pytest.approx(5) and r2.monthly["queue_new"].iloc[0] == 0
    assert r2.monthly["queue_aiv"].iloc[0] == pytest.approx(5)


def test_initial_queue_ages_and_staff_capacity():
    r = simulate_queue(MONTHS[:3], capacity_from_staff(np.full(3, 25.0), 4.0), demand=np.full(3, 103.0),
                       initial=QueueState(executed=100, new=[1, 0, 2]))
    assert r.monthly["capacity"].eq(100).all()
    assert r.monthly["over_3m_new"].tolist() == [2, 2, 3]  # age 2 → 3 in month one; age 0 → 3 in month three
    assert r.summary["cases_over_3m"] == 3


@pytest.mark.parametrize("kwargs, message", [
    ({"params": QueueParams(exit_rate=1.5)}, "outside 0–1"),
    ({"demand": np.full(11, 1.0)}, "11 values for 12 months"),
    ({"demand": np.r_[np.full(11, 1.0), -1.0]}, "2025-12 is -1"),
])
def test_bad_queue_inputs_are_located(kwargs, message):
    args = {"demand": np.full(12, 1.0), **kwargs}
    with pytest.raises(InputError, match=message):
        simulate_queue(MONTHS, np.full(12, 1.0), **args)


def test_demand_from_a_forecast_table_sums_levels_and_accepts_text_or_dates():
    table = pd.DataFrame({"month": ["2025-01", "2025-01", "2025-02", "2025-02", "2025-01"],
                          "service": ["bostad_vuxna", "bostad_vuxna", "bostad_vuxna", "bostad_vuxna", "bostad_barn"],
                          "level": [1, 2, 1, 2, 1], "volume": [10.0, 5.0, 11.0, 5.0, 3.0]})
    demand = demand_from_table(table, "bostad_vuxna")
    assert list(demand.index.strftime("%Y-%m")) == ["2025-01", "2025-02"] and list(demand) == [15.0, 16.0]
    as_dates = demand_from_table(table.assign(month=pd.to_datetime(table["month"])), "bostad_vuxna")
    pd.testing.assert_series_equal(as_dates, demand)
    hi = demand_from_table(table.assign(volume_hi_80=table["volume"] * 2), "bostad_vuxna", column="volume_hi_80")
    assert list(hi) == [30.0, 32.0]


@pytest.mark.parametrize(("change", "where", "message"), [
    (lambda t: t.drop(columns="volume"), "fc.csv, row 1, column 'volume'", "required column 'volume' is missing"),
    (lambda t: t.assign(service=["bostad_vuxen", "bostad_vuxen", "bostad_vuxen"]), "fc.csv, column 'service'",
     "did you mean 'bostad_vuxen'"),
    # a row of no service would leave its month out of the demand (fuzz review: January dropped silently)
    (lambda t: t.assign(service=["bostad_vuxna", None, "bostad_vuxna"]), "fc.csv, row 3, column 'service'",
     "the service is empty"),
    (lambda t: t.assign(volume=[1.0, -1.0, 2.0]), "fc.csv, row 3, column 'volume'", "is not a valid volume"),
    (lambda t: t.assign(month=["2025-01", "2025-02-15", "2025-03"]), "fc.csv, row 3, column 'month'",
     "'2025-02-15' is not a month"),
    (lambda t: t.assign(month=["2025-01", "2025-02", "2025-04"]), "fc.csv, row 4, column 'month', at 'bostad_vuxna'",
     "month 2025-03 is missing before 2025-04"),
])
def test_bad_demand_tables_are_located(change, where, message):
    table = pd.DataFrame({"month": ["2025-01", "2025-02", "2025-03"], "service": "bostad_vuxna", "volume": 1.0},
                         index=[2, 3, 4])  # as read from a file: the index is the row number
    with pytest.raises(InputError, match=message) as err:
        demand_from_table(change(table), "bostad_vuxna", "fc.csv")
    assert str(err.value).startswith(f"{where}"), str(err.value)


def test_in_memory_demand_errors_have_no_row_numbers():
    table = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-02-15"]), "service": "dv", "volume": 1.0})
    with pytest.raises(InputError, match="is not a month") as err:
        demand_from_table(table, "dv")
    assert "row" not in str(err.value) and "column 'month', at 'dv'" in str(err.value)


def test_filled_start_state_serves_up_to_capacity():
    assert QueueState.filled(120, 100, [0, 5]) == QueueState(executed=100, new=[0, 5])
    assert QueueState.filled(80, 100).executed == 80


def test_quarterly_flows_add_up_to_the_horizon_total():
    """Cases that pass three months and are executed within the same quarter never show at a
    quarter-end; the flow columns count them, so the quarters add up to the horizon total."""
    cap = np.array([100.0] * 5 + [130.0] * 7)  # 20 wait from January; places open in June
    r = simulate_queue(MONTHS, cap, demand=np.full(12, 120.0))
    q = r.quarterly.set_index("quarter")
    assert q["over_3m_total"].tolist() == [0, 0, 0, 0]          # executed in June, before the Q2 count
    assert q["passed_3m_in_quarter"].tolist() == [0, 20, 0, 0]  # they passed three months at the end of April
    assert r.monthly["passed_3m"].tolist() == [0, 0, 0, 20] + [0] * 8
    assert q["executed_after_3m_in_quarter"].tolist() == [0, 20, 0, 0]
    assert q["passed_3m_in_quarter"].sum() == r.summary["cases_over_3m"] == 20
    late = r.waits[r.waits["wait_months"] > 3]["executions"].sum()
    assert q["executed_after_3m_in_quarter"].sum() == late == 20


def test_demand_months_may_be_written_as_their_first_day():
    """As the volume history: an Excel date cell or 2025-01-01 is the month 2025-01."""
    table = pd.DataFrame({"service": "dv", "month": ["2025-01-01", "2025-02-01 00:00:00"], "volume": [10.0, 11.0]})
    assert demand_from_table(table, "dv").index.strftime("%Y-%m").tolist() == ["2025-01", "2025-02"]


def test_a_horizon_shorter_than_the_report_age_runs():
    """One month of demand (what a one-month plan hands to `resmodel queue`) crashed on the age array."""
    months = pd.date_range("2025-01", periods=1, freq="MS")
    result = simulate_queue(months, np.array([10.0]), demand=np.array([12.0]), params=QueueParams())
    assert result.summary["executions"] == pytest.approx(10.0)
    assert result.summary["still_waiting_at_end"] == pytest.approx(2.0)
    assert result.summary["cases_over_3m"] == 0.0


def test_an_aiviv_absence_keeps_its_place_while_others_wait():
    """10 % of the 100 served start an absence in the first month; their places stay theirs, so the 10 new
    decisions waiting since January are not placed (had the absence released its place they would be)."""
    r = simulate_queue(MONTHS[:3], np.full(3, 100.0), demand=np.full(3, 110.0),
                       params=QueueParams(aiviv_rate=0.1), initial=QueueState(executed=100, new=[10]))
    assert r.monthly["executions"].eq(0).all() and r.monthly["queue_new"].eq(10).all()
    assert r.monthly["aiviv"].iloc[0] == pytest.approx(10)


def test_new_decisions_go_before_aiv_at_equal_age_and_absences_resume_at_their_rate():
    r = simulate_queue(MONTHS[:1], np.full(1, 100.0), demand=np.full(1, 105.0),
                       initial=QueueState(executed=95, new=[0, 0, 5], aiv=[0, 0, 5]))
    assert r.monthly["queue_new"].iloc[0] == 0 and r.monthly["queue_aiv"].iloc[0] == pytest.approx(5)
    back = simulate_queue(MONTHS[:3], np.full(3, 100.0), demand=np.full(3, 100.0),
                          params=QueueParams(aiviv_resume_rate=0.5), initial=QueueState(executed=90, aiviv=[10]))
    assert back.monthly["aiviv"].tolist() == [5.0, 2.5, 1.25]
    assert (back.monthly["executed"] + back.monthly["aiviv"]).eq(100).all()


def test_the_central_fee_stops_at_the_legal_maximum():
    """36 400 SEK a month waited passes 1 000 000 SEK (LSS 28 c §) after 27.5 months: a case waiting 30 months
    at the start is at the cap from the first quarter on."""
    r = simulate_queue(MONTHS[:3], np.full(3, 100.0), demand=np.full(3, 101.0),
                       initial=QueueState(executed=100, new=[0.0] * 30 + [1.0]))
    assert r.quarterly["exposure_central_sek"].tolist() == [1_000_000.0]
    assert r.quarterly["exposure_max_sek"].tolist() == [1_000_000.0]


def test_aiviv_absences_count_as_reported_but_can_be_left_out_of_the_fee_exposure():
    """10 absences over three months (waited 4 at the start) with the place kept: IVO's counts hold them either
    way; the exposure holds them by default (10 × 10 000 … 10 × 1 000 000 SEK) and not with fee_states new, aiv."""
    kwargs = {"demand": np.full(3, 100.0), "initial": QueueState(executed=90, aiviv=[0, 0, 0, 0, 10])}
    every = simulate_queue(MONTHS[:3], np.full(3, 100.0), **kwargs)
    without = simulate_queue(MONTHS[:3], np.full(3, 100.0), params=QueueParams(fee_states=("new", "aiv")), **kwargs)
    for r in (every, without):
        assert r.quarterly["over_3m_aiviv"].tolist() == [10] and r.summary["cases_over_3m"] == 10
    assert every.quarterly["exposure_min_sek"].tolist() == [100_000]
    assert every.quarterly["exposure_max_sek"].tolist() == [10_000_000]
    assert every.quarterly["exposure_central_sek"].tolist() == [pytest.approx(10 * 36_400 * 7.5)]  # aged 7 by March
    assert every.summary["exposure_min_sek"] == 100_000
    for key in ("exposure_min_sek", "exposure_central_sek", "exposure_max_sek"):
        assert without.quarterly[key].tolist() == [0] and without.summary[key] == 0


def test_the_fee_note_speaks_only_of_aiviv_absences_in_the_exposure():
    from resmodel.forecast.queue import fee_note

    kwargs = {"demand": np.full(3, 100.0), "initial": QueueState(executed=90, aiviv=[0, 0, 0, 0, 10])}
    r = simulate_queue(MONTHS[:3], np.full(3, 100.0), **kwargs)
    assert "up to 10.0 AIViV absences over 3 months count in the fee exposure" in fee_note(QueueParams(), r, "X")
    assert fee_note(QueueParams(fee_states=("new", "aiv")), r, "X") is None
    late_new = simulate_queue(MONTHS, np.full(12, 100.0), demand=np.full(12, 120.0))
    assert fee_note(QueueParams(), late_new, "X") is None


@pytest.mark.parametrize("states", [(), ("new", "aivv")])
def test_fee_states_must_name_queue_states(states):
    with pytest.raises(InputError, match="fee_states"):
        simulate_queue(MONTHS[:3], np.full(3, 100.0), demand=np.full(3, 100.0), params=QueueParams(fee_states=states))


def test_a_horizon_ending_within_a_quarter_reports_that_partial_quarter_at_its_last_month():
    """API review: January–April gave only 2025-Q1 (nobody over three months) while the summary held the 20
    cases over three months at the end of April; the partial quarter is now reported, marked."""
    r = simulate_queue(MONTHS[:4], np.full(4, 100.0), demand=np.full(4, 120.0))
    q = r.quarterly
    assert q["quarter"].tolist() == ["2025-Q1", "2025-Q2"] and q["complete"].tolist() == [True, False]
    assert q["count_month"].tolist() == ["2025-03", "2025-04"]
    assert q["over_3m_total"].tolist() == [0, 20] and q["exposure_min_sek"].tolist() == [0, 200_000]
    assert q["passed_3m_in_quarter"].sum() == r.summary["cases_over_3m"] == 20
    full = simulate_queue(MONTHS, np.full(12, 100.0), demand=np.full(12, 120.0)).quarterly
    assert full["complete"].all() and full["count_month"].tolist() == ["2025-03", "2025-06", "2025-09", "2025-12"]


def test_an_absence_resuming_after_three_months_has_its_central_fee_as_a_late_execution():
    """Review: 10 AIViV absences over three months that resume counted in cases and in the min/max exposure, but
    the central total left them out (0 SEK, below the minimum)."""
    r = simulate_queue(MONTHS[:3], np.full(3, 100.0), demand=np.full(3, 100.0),
                       params=QueueParams(aiviv_resume_rate=1.0), initial=QueueState(executed=90, aiviv=[0, 0, 0, 0, 10]))
    assert r.summary["cases_over_3m"] == 10 and r.summary["exposure_min_sek"] == 100_000
    assert r.summary["exposure_central_sek"] == pytest.approx(10 * 36_400 * 5)  # all resume in January at age 5
    left_out = simulate_queue(MONTHS[:3], np.full(3, 100.0), demand=np.full(3, 100.0),
                              params=QueueParams(aiviv_resume_rate=1.0, fee_states=("new", "aiv")),
                              initial=QueueState(executed=90, aiviv=[0, 0, 0, 0, 10]))
    assert left_out.summary["exposure_central_sek"] == 0 and left_out.summary["exposure_min_sek"] == 0


def test_aiviv_absences_resuming_at_exactly_three_months_count_half_in_time():
    """Mutation check: dropping the half-correction for AIViV absences that resume in the month they reach three
    months failed no test (every AIViV cohort started past three months). By hand: 10 reach age 3, 5 of them
    resume mid-month, half of those in time: 10 − 2.5 = 7.5 cases over three months; fee 7.5 × 10 000."""
    months = pd.date_range("2025-01-01", periods=6, freq="MS")
    result = simulate_queue(months, np.full(6, 100.0), demand=np.full(6, 100.0),
                            params=QueueParams(aiviv_resume_rate=0.5), initial=QueueState(executed=100, aiviv=[0, 0, 10]))
    assert result.summary["cases_over_3m"] == pytest.approx(7.5)
    assert result.summary["exposure_min_sek"] == pytest.approx(75_000)
    assert result.summary["exposure_max_sek"] == pytest.approx(7_500_000)


def test_the_queue_keeps_no_arithmetic_noise_in_its_counts_and_fees():
    """API review: queue outputs carried 1.60000000000002 cases and 29 999.9999999999 SEK; a demand 0.2 above the
    places each month gives counts in tenths and fees in whole kronor, exactly."""
    months = pd.date_range("2025-01", periods=24, freq="MS")
    demand = 100 + 0.2 * np.arange(24)
    result = simulate_queue(months, np.full(24, 100.0), demand=demand, params=QueueParams(),
                            initial=QueueState.filled(demand[0], 100.0, [0.0]))
    for table in (result.monthly, result.quarterly, result.waits):
        for column in table.select_dtypes("float").columns:
            tenths = table[column].to_numpy() * 10
            assert np.array_equal(tenths, np.round(tenths)), (column, table[column].tolist())
    assert result.summary["still_waiting_at_end"] == 4.6 and result.summary["exposure_central_sek"] == 1_892_800.0
