"""POST /premises-plans: the same plan as `resmodel plan-premises`, and every mistake a located 422."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.main import app
from tests.conftest import ROOT

SERVICE = "daglig_verksamhet"
MONTHS = pd.date_range("2025-01", periods=72, freq="MS").strftime("%Y-%m")


@pytest.fixture(scope="module")
def api():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
        yield TestClient(app)


def totals() -> list[dict]:
    """Daily activity growing from 1 000 to 1 420 users over 2025–2030 (the demo has 1 295 places)."""
    return [{"month": m, "volume": float(v)} for m, v in zip(MONTHS, np.linspace(1000, 1420, 72), strict=True)]


def candidates(n: int = 6, **extra) -> list[dict]:
    return [{"premises_id": f"N{i}", "places": 25, "annual_rent_sek": 834_000, **extra} for i in range(1, n + 1)]


def post(api, **body):
    return api.post("/premises-plans", json={"scenario": "base", "service": SERVICE, "demand": totals(),
                                             "candidates": candidates(), **body})


def test_plan_on_totals_matches_the_cli_case(api, tmp_path):
    response = post(api)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "Optimal"
    opened = sorted(row["open_year"] for row in body["plan"] if row["open_year"] is not None)
    assert opened == [2029, 2029, 2029, 2030, 2030]  # as tests/test_cli_premises_plan.py works out by hand
    plan = [row for row in body["yearly"] if row["option"] == "plan"]
    assert [row["year"] for row in plan] == list(range(2025, 2031))
    assert all(row["unmet"] == 0 for row in plan)
    assert len(body["capacity"]) == 72 and body["capacity"][-1] == {"month": "2030-12", "places": 1420.0,
                                                                  "planned_for": "volume", "service": SERVICE}
    assert body["by_level"] == []
    assert body["notes"][0] == "today's places from the premises of base: 1,295"
    assert body["notes"][1].startswith("running cost per user-year: 269,367 SEK")
    # deterministic
    assert post(api).json() == body


def test_plan_by_level_range_with_the_demo_candidates(api):
    demand = [{"month": m, "level": level, "volume": 170.0 if level <= 6 else 70 + 30 * i / 71}
              for level in range(1, 9) for i, m in enumerate(MONTHS)]
    table = pd.read_csv(ROOT / "data" / "demokommun" / "premises_candidates.csv").query("service == @SERVICE")
    rows = [{k: (None if pd.isna(v) else v) for k, v in r.items() if k != "service"}
            for r in table.to_dict(orient="records")]
    response = post(api, demand=demand, candidates=rows)
    assert response.status_code == 200, response.text
    body = response.json()
    opened = [r for r in body["plan"] if r["open_year"] is not None]
    assert sorted(r["open_year"] for r in opened) == [2027, 2028]  # as the CLI test of the same case
    assert {(r["min_level"], r["max_level"]) for r in opened} == {(6, 8)}
    assert any("need levels 7–8" in w for w in body["warnings"])
    assert {r["level"] for r in body["by_level"]} == set(range(1, 9))
    from resmodel.planning.premises_columns import BY_LEVEL
    assert all(list(row) == list(BY_LEVEL) for row in body["by_level"])


@pytest.mark.parametrize(("body", "loc", "text"), [
    ({"candidates": candidates(decided_year=2031)}, ["body", "candidates", 0, "decided_year"],
     "outside the plan's years 2025–2030"),
    ({"candidates": [{**candidates(1)[0], "min_level": 7, "max_level": 6}]}, ["body", "candidates", 0, "min_level"],
     "min_level 7 is above max_level 6"),
    ({"candidates": [{**candidates(1)[0], "premises_id": "19121212-1212"}]}, ["body", "candidates", 0,
                                                                             "premises_id"], "identity number"),
    ({"demand": totals()[:5] + totals()[6:]}, ["body", "demand", 5, "month"], "month 2025-06 is missing before 2025-07"),
    ({"demand": [{**totals()[0], "level": 9}, *totals()[1:]]}, ["body", "demand", 0, "level"], "need level"),
    ({"external_price": 100_000}, ["body", "external_price"], "external_price 100,000 SEK is not above"),
    ({"max_external": 5}, ["body", "max_external"], "max_external without an external price"),
    ({"service": "personlig_assistans_sfb"}, ["body", "service"], "this endpoint takes today's places"),
    ({"demand": [{**totals()[0], "level": 191212121212}, *totals()[1:]]}, ["body", "demand", 0, "level"],
     "identity number"),
    ({"candidates": candidates(1) * 2}, ["body", "candidates", 1, "premises_id"], "duplicate id 'N1'"),
    ({"candidates": candidates(decided_year=2024)}, ["body", "candidates", 0, "decided_year"],
     "outside the plan's years 2025–2030"),
    ({"demand": [{"month": f"{2025 + i // 12}-{i % 12 + 1:02d}", "volume": 1.0} for i in range(12 * 51)]},
     ["body", "demand"], "over at most 50 years"),
    ({"discount_rate": 3}, ["body", "discount_rate"], "less than or equal to 0.5"),
    ({"candidates": [{**candidates(1)[0], "places": "many"}]}, ["body", "candidates", 0, "places"], "number"),
    ({"candidates": [{**candidates(1)[0], "places": 25.5}]}, ["body", "candidates", 0, "places"], "integer"),
])
def test_mistakes_are_located_422s(api, body, loc, text):
    response = post(api, **body)
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]["problems"]
    assert any(p["loc"] == loc and text in p["msg"] for p in problems), problems
    assert "19121212-1212" not in response.text and "191212121212" not in response.text
    assert str(ROOT) not in response.text
    assert "this cell" not in response.text and "loading the file" not in response.text  # a request, not a file
    assert " --" not in response.text and "(--" not in response.text  # no CLI option the API has not got


def test_whole_numbers_written_as_floats_are_taken_as_the_cli_takes_them(api):
    """Fuzzing review: places 25.0 (as a plan's own CSV writes them) was a 422; the CLI reads 25.0."""
    floats = [{**c, "places": 25.0, "earliest_year": 2026.0} for c in candidates()]
    whole = [{**c, "earliest_year": 2026} for c in candidates()]
    assert post(api, candidates=floats).json() == post(api, candidates=whole).json()


def test_unknown_scenario_is_404(api):
    assert post(api, scenario="nope").status_code == 404


def test_the_plans_capacity_is_labelled_with_the_demand_column_sent_and_the_queue_notes_another(api):
    """API review: the capacity always said planned_for 'volume', even for a plan on volume_hi_80, so POST /queues
    could not tell a plan made for another demand (the CLI warns)."""
    body = post(api, demand_column="volume_hi_80").json()
    assert {row["planned_for"] for row in body["capacity"]} == {"volume_hi_80"}
    queue = {"service": SERVICE, "demand": totals(), "capacity": body["capacity"]}
    other = api.post("/queues", json=queue).json()
    assert any("a premises plan made for volume_hi_80, but this queue runs on volume" in n for n in other["notes"])
    same = api.post("/queues", json={**queue, "demand_column": "volume_hi_80"}).json()
    assert not any("premises plan made for" in n for n in same["notes"])
    assert post(api, demand_column="volym").status_code == 422
    # planner walkthrough: a plan's capacity queued for another service ran (the CLI refuses it)
    for_another = api.post("/queues", json={**queue, "service": "bostad_vuxna"})
    assert for_another.status_code == 422
    problem = for_another.json()["detail"]["problems"][0]
    assert problem["loc"] == ["body", "capacity", 0, "service"] and \
        f"a premises plan made for {SERVICE}, but this queue is of bostad_vuxna" in problem["msg"]
    # diff review: an identity number in that field was repeated in the message
    pnr = [{**row, "service": "19121212-1212"} for row in body["capacity"]]
    refused = api.post("/queues", json={**queue, "capacity": pnr})
    assert refused.status_code == 422 and "1212" not in refused.text


def test_totals_sent_for_candidates_with_level_ranges_are_told_in_the_requests_words(api):
    """API review: the message asked for 'a forecast with a level column (resmodel forecast writes one…)'."""
    response = post(api, candidates=candidates(2, min_level=1, max_level=6))
    assert response.status_code == 422
    message = response.json()["detail"]["problems"][0]["msg"]
    assert "a level on every demand row" in message and "level column" not in message


def test_a_demand_problem_is_located_at_the_volume_field_whatever_the_demand_column(api):
    """Review: with demand_column volume_hi_80 a demand problem came back at a field 'volume_hi_80' the request
    does not have."""
    demand = [{"month": m, "level": lv, "volume": 200_000.0} for m in MONTHS[:12] for lv in range(1, 9)]
    response = post(api, demand=demand, demand_column="volume_hi_80",
                    candidates=candidates(2, min_level=1, max_level=8))
    assert response.status_code == 422
    assert all(p["loc"][-1] != "volume_hi_80" for p in response.json()["detail"]["problems"]), response.text


def test_every_table_of_the_answer_is_typed_and_described_in_the_schema(api):
    """Walkthrough: plan, yearly, by_level and capacity were free objects in /openapi.json (no columns for a
    BI connector); the plan's rows are premises_plan.csv's, as its schema describes them."""
    from resmodel.io.premises_plan import PREMISES_PLAN
    from resmodel.planning import premises_columns as columns

    plan_columns = {c.name: c.description for c in PREMISES_PLAN.columns}
    body = post(api).json()  # on totals: no level columns
    assert all(list(row) == [c for c in plan_columns if c not in ("min_level", "max_level")] for row in body["plan"])
    for table, described in (("yearly", columns.YEARLY), ("capacity", columns.CAPACITY)):
        assert body[table] and all(list(row) == list(described) for row in body[table]), table
    schemas = api.get("/openapi.json").json()["components"]["schemas"]
    for name, described in (("PremisesPlanRow", plan_columns), ("PremisesPlanYear", columns.YEARLY),
                            ("PremisesPlanLevel", columns.BY_LEVEL), ("PremisesPlanCapacity", columns.CAPACITY)):
        fields = schemas[name]["properties"]
        assert list(fields) == list(described) and all(f.get("description") for f in fields.values()), name


def test_the_core_tables_have_exactly_the_described_columns():
    from resmodel.planning import premises_columns as columns
    from resmodel.planning.premises import PlanCosts
    from resmodel.planning_run import premises_plan

    demand = pd.DataFrame({"month": MONTHS[:24], "service": SERVICE, "level": "",
                           "volume": [str(v) for v in np.linspace(1000, 1100, 24)]})
    table = pd.DataFrame(candidates(2)).assign(service=SERVICE, one_off_cost_sek=0.0, earliest_year=None,
                                               lead_time_months=None, decided_year=None, min_level=None,
                                               max_level=None, source=None)
    run = premises_plan(demand, SERVICE, table, PlanCosts(own_cost_per_place=250_000.0, external_price=None,
                                                         max_external=None, waiting_cost=None,
                                                         investment_ceiling=None, discount_rate=0.0),
                        1_050.0, "volume", "demand", "candidates")
    assert list(run.yearly.columns) == list(columns.YEARLY)
    assert list(run.capacity.columns) == list(columns.CAPACITY)


def test_the_scenarios_external_price_is_costed_by_each_plan_years_days_as_the_cli_does(api):
    """Planner walk, finding 3 (API parity): the scenario's day price × each plan year's days, not 2024's 366."""
    months = pd.period_range("2025-01", "2028-12", freq="M").astype(str)
    response = api.post("/premises-plans", json={
        "scenario": "base", "service": "bostad_vuxna", "demand": [{"month": m, "volume": 600.0} for m in months],
        "candidates": [{"premises_id": "X", "places": 4, "annual_rent_sek": 90_000_000, "earliest_year": 2025}]})
    assert response.status_code == 200, response.text
    body = response.json()
    plan = pd.DataFrame([r for r in body["yearly"] if r["option"] == "plan"]).set_index("year")
    price = plan["external_sek"] / plan["external_places"]
    assert price[2028] == pytest.approx(price[2025] * 366 / 365)
    assert any("costed by each plan year's days" in n for n in body["notes"]), body["notes"]
