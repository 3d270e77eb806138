"""POST /queues simulates the queue of decisions not executed for a demand and places sent as JSON, as
`resmodel queue` does, and puts every user mistake at its JSON path as a 422."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.main import app
from resmodel.forecast.queue import QueueParams, QueueState, simulate_queue

MONTHS = [f"{m:%Y-%m}" for m in pd.date_range("2025-01", periods=12, freq="MS")]


def post(body: dict):
    return TestClient(app).post("/queues", json=body)


def demand(volume: float | list[float]) -> list[dict]:
    volumes = volume if isinstance(volume, list) else [volume] * len(MONTHS)
    return [{"month": m, "volume": v} for m, v in zip(MONTHS, volumes, strict=True)]


def test_demand_above_constant_places_queues_the_excess_and_reports_it_after_three_months():
    """The hand case of the queue's tests: 120 with a decision, 100 places: 20 wait from January, over three
    months from the end of April; 10 000 / 1 000 000 SEK per case at the quarter's end."""
    response = post({"service": "daglig_verksamhet", "demand": demand(120), "places": 100})
    assert response.status_code == 200, response.text
    body = response.json()
    monthly = pd.DataFrame(body["monthly"])
    assert monthly["month"].tolist() == MONTHS and monthly["queue_new"].eq(20).all()
    assert monthly["over_3m_new"].tolist() == [0, 0, 0] + [20] * 9
    quarterly = pd.DataFrame(body["quarterly"])
    assert quarterly["over_3m_total"].tolist() == [0, 20, 20, 20]
    assert quarterly["exposure_min_sek"].tolist() == [0, 200_000, 200_000, 200_000]
    assert body["summary"]["cases_over_3m"] == 20 and body["summary"]["still_waiting_at_end"] == 20
    assert any("all 0" in n for n in body["notes"])
    # as `resmodel queue` notes (docs-truth check: a page built on the API lost it), and not when waits are given
    assert ("in 2025-01 the demand of 120 exceeds the capacity of 100: the 20 without a place start as decisions of "
            "2025-01, so none has waited three months before 2025-04; give initial_waiting") in "\n".join(body["notes"])
    given = post({"service": "daglig_verksamhet", "demand": demand(120), "places": 100, "initial_waiting": [0, 20]})
    assert given.status_code == 200 and not any("start as decisions" in n for n in given.json()["notes"])


def test_a_plans_capacity_by_level_demand_and_rates_give_the_library_queue():
    levels = [{"month": m, "level": lv, "volume": v} for m in MONTHS for lv, v in ((1, 70.0), (8, 45.0))]
    capacity = [{"month": m, "places": 100.0 + 5 * i, "planned_for": "volume_hi_80"} for i, m in enumerate(MONTHS)]
    body = {"service": "daglig_verksamhet", "demand": levels, "capacity": capacity, "exit_rate": 0.01,
            "aiv_rate": 0.005, "aiviv_rate": 0.002, "aiviv_resume_rate": 0.1, "initial_waiting": [3, 0, 2]}
    response = post(body)
    assert response.status_code == 200, response.text
    got = response.json()
    months = pd.date_range("2025-01", periods=12, freq="MS")
    cap = 100.0 + 5 * np.arange(12)
    expected = simulate_queue(months, cap, demand=np.full(12, 115.0), initial=QueueState.filled(115, 100, [3, 0, 2]),
                              params=QueueParams(exit_rate=0.01, aiv_rate=0.005, aiviv_rate=0.002,
                                                 aiviv_resume_rate=0.1))
    np.testing.assert_allclose(pd.DataFrame(got["monthly"])["not_executed_total"],
                               expected.monthly["not_executed_total"], rtol=1e-12)
    assert got["summary"]["exposure_central_sek"] == pytest.approx(expected.summary["exposure_central_sek"])
    assert got["notes"] == [] or all("all 0" not in n for n in got["notes"])


def test_nobody_executed_gives_a_null_mean_wait_not_an_error():
    response = post({"service": "daglig_verksamhet", "demand": demand(5), "places": 0})
    assert response.status_code == 200, response.text
    assert response.json()["summary"]["mean_wait_months"] is None


def test_the_same_request_gives_the_same_bytes():
    body = {"service": "daglig_verksamhet", "demand": demand(120), "places": 100, "exit_rate": 0.004}
    assert post(body).content == post(body).content


def _body(**fields) -> dict:
    return {"service": "daglig_verksamhet", "demand": demand(120), "places": 100, **fields}


@pytest.mark.parametrize(("body", "loc", "message"), [
    (_body(places=None), ["body"], "give capacity or places"),
    (_body(capacity=[{"month": m, "places": 100} for m in MONTHS]), ["body"], "give capacity or places"),
    (_body(places=None, capacity=[{"month": m, "places": 100} for m in MONTHS[:-1]]), ["body", "capacity"],
     "no places for 2025-12"),
    (_body(places=None, capacity=[{"month": m, "places": 100} for m in MONTHS + ["2025-02"]]),
     ["body", "capacity", 12, "month"], "2025-02 appears twice"),
    (_body(places=None, capacity=[{"month": "jan", "places": 100}]), ["body", "capacity", 0, "month"],
     "'jan' is not a month"),
    (_body(demand=demand(120)[:5] + demand(120)[6:]), ["body", "demand", 5, "month"], "month 2025-06 is missing before 2025-07"),
    (_body(demand=[{**d, "month": "2025-13"} if i == 3 else d for i, d in enumerate(demand(120))]),
     ["body", "demand", 3, "month"], "is not a month"),
    (_body(demand=demand(120) + [demand(120)[0]]), ["body", "demand", 12, "month"], "appears twice"),
    (_body(exit_rate=1.5), ["body", "exit_rate"], "less than or equal to 1"),
    (_body(exit_rate=0.6, aiv_rate=0.6), ["body"], "add up to more than 1 (1.2)"),
    (_body(initial_executed=101), ["body", "initial_executed"], "exceed the 100 places of 2025-01"),
    (_body(initial_waiting=[1.0] * 242), ["body", "initial_waiting"], "at most 241 items"),
    (_body(initial_waiting=[-1.0]), ["body", "initial_waiting", 0], "greater than or equal to 0"),
    (_body(service="Daglig verksamhet"), ["body", "service"], "String should match pattern"),
    (_body(place=100), ["body", "place"], "unknown field 'place'"),
    (_body(demand=[{"month": "0400-01", "volume": 1.0}]), ["body", "demand", 0, "month"], "outside the years"),
    (_body(demand=[{"month": f"{m:%Y-%m}", "volume": 1.0} for m in pd.date_range("1950-01", periods=601, freq="MS")]),
     ["body", "demand"], "spans 601 months"),
    (_body(places=None, capacity=[{"month": "0001-01", "places": 1.0}]), ["body", "capacity", 0, "month"],
     "not a month of 1900–2200"),
])
def test_bad_requests_are_422_at_their_json_path(body, loc, message):
    body = {k: v for k, v in body.items() if v is not None}
    response = post(body)
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]["problems"]
    assert any(p["loc"][:len(loc)] == loc and message in p["msg"] for p in problems), problems


def test_an_identity_number_in_a_month_is_refused_and_not_echoed():
    capacity = [{"month": m, "places": 100} for m in MONTHS]
    capacity[4]["month"] = "1212121212"  # ten digits: the form without century and dash (a valid check digit)
    rows = demand(120)
    rows[2]["month"] = "900101-1234"  # longer than a month may be: refused by the schema, unechoed
    for body, loc in ((_body(demand=rows), ["body", "demand", 2, "month"]),
                      (_body(places=None, capacity=capacity), ["body", "capacity", 4, "month"])):
        response = post({k: v for k, v in body.items() if v is not None})
        assert response.status_code == 422
        assert response.json()["detail"]["problems"][0]["loc"] == loc
        assert "1234" not in response.text and "1212121212" not in response.text
        assert "cell" not in response.text and "the file" not in response.text


def test_an_identity_number_in_a_plans_label_is_refused():
    capacity = [{"month": m, "places": 100, "planned_for": "19121212-1212" if i == 2 else "volume"}
                for i, m in enumerate(MONTHS)]
    response = post({"service": "daglig_verksamhet", "demand": demand(100), "capacity": capacity})
    assert response.status_code == 422
    assert response.json()["detail"]["problems"][0]["loc"][:3] == ["body", "capacity", 2]
    assert "1212" not in response.text


def test_fee_states_leave_aiviv_absences_out_of_the_exposure_and_a_note_says_how():
    body = {"service": "daglig_verksamhet", "demand": demand(100), "places": 100, "aiviv_rate": 0.1}
    every = post(body).json()
    assert every["summary"]["exposure_min_sek"] > 0
    assert any('fee_states ["new", "aiv"] leaves them out' in n for n in every["notes"])
    without = post({**body, "fee_states": ["new", "aiv"]}).json()
    assert without["summary"]["exposure_min_sek"] == 0 and without["summary"]["exposure_central_sek"] == 0
    assert without["summary"]["cases_over_3m"] == every["summary"]["cases_over_3m"] > 0
    assert not any("fee_states" in n for n in without["notes"])


@pytest.mark.parametrize(("states", "loc"), [([], ["body", "fee_states"]), (["new", "aivv"], ["body", "fee_states", 1])])
def test_fee_states_outside_the_queue_states_are_422_at_their_path(states, loc):
    response = post({"service": "daglig_verksamhet", "demand": demand(100), "places": 100, "fee_states": states})
    assert response.status_code == 422
    assert [p["loc"] for p in response.json()["detail"]["problems"]] == [loc]


def test_capacity_as_staff_fte_times_users_per_fte_queues_as_the_same_places():
    """25 FTE × 4 users per FTE are the 100 places of the hand case: the same queue, month for month."""
    staff = [{"month": m, "staff_fte": 25.0} for m in MONTHS]
    by_staff = post({"service": "daglig_verksamhet", "demand": demand(120), "capacity": staff, "users_per_fte": 4})
    assert by_staff.status_code == 200, by_staff.text
    by_places = post({"service": "daglig_verksamhet", "demand": demand(120), "places": 100}).json()
    assert by_staff.json()["monthly"] == by_places["monthly"]
    assert pd.DataFrame(by_staff.json()["monthly"])["capacity"].eq(100).all()


@pytest.mark.parametrize(("capacity", "extra", "loc", "words"), [
    ([{"month": m, "staff_fte": 25.0} for m in MONTHS], {}, ["body", "users_per_fte"], "users one FTE supports"),
    ([{"month": m, **({"places": 100.0} if i else {"staff_fte": 25.0})} for i, m in enumerate(MONTHS)],
     {"users_per_fte": 4}, ["body", "capacity", 1], "as the first row does (staff_fte)"),
    ([{"month": m, "places": 100.0, "staff_fte": 25.0} for m in MONTHS], {"users_per_fte": 4},
     ["body", "capacity", 0], "give places or staff_fte"),
    ([{"month": m} for m in MONTHS], {}, ["body", "capacity", 0], "give places or staff_fte"),
])
def test_staff_capacity_mistakes_are_422_at_their_path(capacity, extra, loc, words):
    response = post({"service": "daglig_verksamhet", "demand": demand(120), "capacity": capacity, **extra})
    assert response.status_code == 422
    problems = response.json()["detail"]["problems"]
    assert [p["loc"] for p in problems] == [loc] and words in problems[0]["msg"]


def test_users_per_fte_with_places_is_noted_as_having_no_effect():
    body = post({"service": "daglig_verksamhet", "demand": demand(120), "places": 100, "users_per_fte": 4}).json()
    assert any("users_per_fte 4 has no effect" in n for n in body["notes"])


def test_minus_zero_in_a_request_is_answered_as_zero():
    """API review: places and volumes of -0.0 (which ge=0 lets through) came back as -0.0 in the monthly rows."""
    response = post({"service": "daglig_verksamhet", "demand": demand(-0.0), "places": -0.0})
    assert response.status_code == 200 and "-0.0" not in response.text


def test_every_column_of_the_queue_tables_is_typed_and_described_in_the_schema():
    """Integrator review: monthly, quarterly and waits were untyped objects in /openapi.json, so a BI connector
    saw no columns; a column added to the core without a description would vanish from the answer."""
    from resmodel.forecast import queue_columns

    body = post(_body(demand=demand(130.0), exit_rate=0.01)).json()
    for table, columns in (("monthly", queue_columns.MONTHLY), ("quarterly", queue_columns.QUARTERLY),
                           ("waits", queue_columns.WAITS)):
        assert body[table] and all(list(row) == list(columns) for row in body[table]), table
    assert list(body["summary"]) == list(queue_columns.SUMMARY)
    schemas = TestClient(app).get("/openapi.json").json()["components"]["schemas"]
    for name, columns in (("QueueMonth", queue_columns.MONTHLY), ("QueueQuarter", queue_columns.QUARTERLY),
                          ("QueueWait", queue_columns.WAITS), ("QueueSummary", queue_columns.SUMMARY)):
        fields = schemas[name]["properties"]
        assert list(fields) == list(columns) and all(f.get("description") for f in fields.values()), name


def test_the_core_tables_have_exactly_the_described_columns():
    from resmodel.forecast import queue_columns

    months = pd.date_range("2025-01-01", periods=14, freq="MS")
    result = simulate_queue(months, np.full(14, 100.0), demand=np.linspace(100, 130, 14),
                            params=QueueParams(exit_rate=0.01))
    assert list(result.monthly.columns) == list(queue_columns.MONTHLY)
    assert list(result.quarterly.columns) == list(queue_columns.QUARTERLY)
    assert list(result.waits.columns) == list(queue_columns.WAITS)
    assert list(result.summary) == list(queue_columns.SUMMARY)


def test_the_docs_table_lists_every_queue_column_with_its_description():
    from resmodel.forecast import queue_columns
    from tests.conftest import ROOT

    docs = (ROOT / "docs" / "forecasting.md").read_text(encoding="utf-8")
    for table, columns in (("monthly", queue_columns.MONTHLY), ("quarterly", queue_columns.QUARTERLY),
                           ("waits", queue_columns.WAITS), ("summary", queue_columns.SUMMARY)):
        for column, description in columns.items():
            assert f"| {table} | `{column}` | {description} |" in docs, (table, column)


def test_a_forecast_answer_is_queued_as_it_came_on_the_bound_demand_column_names():
    """Integrator review: POST /forecasts' rows could not be sent to POST /queues without renaming ds, forecast,
    hi_80 — and demand_column 'hi_80' was refused, its name there being volume_hi_80."""
    client = TestClient(app)
    history = [{"unique_id": "daglig_verksamhet|3", "ds": f"{m:%Y-%m}", "y": 90.0 + i}
               for i, m in enumerate(pd.date_range("2019-01-01", periods=72, freq="MS"))]
    answer = client.post("/forecasts", json={"series": history, "h": 24, "model": "drift"}).json()
    queued = client.post("/queues", json={"service": "daglig_verksamhet", "places": 150,
                                          "forecasts": answer["forecasts"], "demand_column": "volume_hi_80"})
    assert queued.status_code == 200, queued.text
    by_hand = client.post("/queues", json={"service": "daglig_verksamhet", "places": 150, "demand": [
        {"month": r["ds"], "level": 3, "volume": r["hi_80"]} for r in answer["forecasts"]]}).json()
    assert queued.json()["monthly"] == by_hand["monthly"]
    assert [m["demand"] for m in queued.json()["monthly"]] == [r["hi_80"] for r in answer["forecasts"]]


@pytest.mark.parametrize("change, loc, message", [
    (dict(unique_id="boendestod"), ["body", "forecasts", 1, "unique_id"], "'boendestod' is not a series of"),
    (dict(hi_80=None), ["body", "forecasts", 1, "hi_80"], "the row has no hi_80"),
    (dict(ds="2027-13"), ["body", "forecasts", 1, "ds"], ""),
])
def test_a_bad_forecast_row_is_located_in_the_forecast_rows(change, loc, message):
    rows = [{"unique_id": "daglig_verksamhet", "ds": f"2026-{m:02d}", "forecast": 100.0, "lo_80": 95.0,
             "hi_80": 105.0, "lo_95": 90.0, "hi_95": 110.0, "model_used": "drift"} for m in range(1, 13)]
    rows[1] = {**rows[1], **change}
    response = post({"service": "daglig_verksamhet", "places": 100, "forecasts": rows, "demand_column": "volume_hi_80"})
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]["problems"]
    assert any(p["loc"] == loc and message in p["msg"] for p in problems), problems


def test_demand_and_forecasts_together_are_refused():
    response = post(_body(forecasts=[{"unique_id": "daglig_verksamhet", "ds": "2025-01", "forecast": 1.0}]))
    assert response.status_code == 422 and "give demand or forecasts" in response.text


def test_a_timestamp_for_a_month_is_told_to_be_a_month():
    """Integrator review: '2025-01-01T00:00:00' (as BI tools send dates) got 'String should have at most 10
    characters'."""
    rows = demand(100.0)
    rows[2] = {**rows[2], "month": "2025-03-01T00:00:00"}
    problems = post(_body(demand=rows)).json()["detail"]["problems"]
    assert problems[0]["loc"] == ["body", "demand", 2, "month"]
    assert "not a month. Expected a month written YYYY-MM" in problems[0]["msg"] and "2025-01" in problems[0]["msg"]


def test_a_body_that_is_not_an_object_points_to_this_endpoint_schema():
    response = TestClient(app).post("/queues", content="[1, 2]", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    msg = response.json()["detail"]["problems"][0]["msg"]
    assert "the request schema of POST /queues" in msg and "scenario" not in msg


def test_answers_carry_no_float_noise_beyond_fifteen_digits():
    """API consumer walkthrough: 'executions': 1.6000000000000227 and 29999.999999999858 SEK; the answers' numbers
    are now those of the CSVs (15 significant digits)."""
    body = {"service": "daglig_verksamhet", "exit_rate": 0.1, "places": 3,
            "demand": [{"month": f"2025-{m:02d}", "volume": v} for m, v in enumerate([3, 5, 7, 9, 4, 6, 8, 2, 2], 1)]}
    answer = post(body).json()

    def floats(node):
        if isinstance(node, float):
            yield node
        elif isinstance(node, dict):
            for v in node.values():
                yield from floats(v)
        elif isinstance(node, list):
            for v in node:
                yield from floats(v)

    numbers = list(floats(answer))
    assert len(numbers) > 50 and all(x == float(f"{x:.15g}") for x in numbers)
    assert answer["summary"]["cases_over_3m"] == 1.25  # by hand: 0.7 pass in May, 0.55 in July (half of
    # those ended or placed at the mark are in time; the falls of May and August end decisions, freeing places)


@pytest.mark.parametrize(("field", "value"), [("unique_id", "19121212-1212"), ("unique_id", "8001011234"),
                                              ("unique_id", "daglig_verksamhet|19121212-1212"),
                                              ("model_used", "191212121212")])
def test_an_identity_number_in_a_forecast_row_is_refused_and_not_echoed(field, value):
    """Audit: '19121212-1212' as a forecast row's unique_id was quoted ('… is not a series of daglig_verksamhet')."""
    rows = [{"unique_id": "daglig_verksamhet", "ds": m, "forecast": 120.0} for m in MONTHS]
    rows[3][field] = value
    response = post({"service": "daglig_verksamhet", "places": 100, "forecasts": rows})
    assert response.status_code == 422, response.text
    assert response.json()["detail"]["problems"][0]["loc"] == ["body", "forecasts", 3, field]
    assert "1212" not in response.text and "8001011234" not in response.text


def test_a_capacity_below_the_users_served_is_noted_as_the_cli_warns():
    """The planner's capacity dip (0 places in one month beside ~120 served) is named in the answer's notes."""
    capacity = [{"month": m, "places": 0 if i == 3 else 130} for i, m in enumerate(MONTHS)]
    response = post({k: v for k, v in _body(places=None, capacity=capacity).items() if v is not None})
    assert response.status_code == 200, response.text
    notes = response.json()["notes"]
    assert any(n.startswith("executed_over_capacity: the capacity is below the users already served in 2025-04")
               for n in notes), notes
