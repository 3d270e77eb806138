"""API integrator walk (2026-12-07, third): a personal identity number in full-width digits passed the guard and was
echoed in a 200; a number in a month or weekday was told 'pseudonymous ids only … delete the column'; a series name
of the wrong type was given period examples; /forecasts listed two models it always refuses; a gzip body was 'not
UTF-8'."""

from __future__ import annotations

import gzip
import json

import pytest
from fastapi.testclient import TestClient

from api.main import app
from resmodel.io.pnr import id_looks_like_pnr, looks_like_pnr
from tests.conftest import ROOT

FULL_WIDTH = "１９８００１０１-１２３４"  # a wrong check digit: refused as written with its century, as in ASCII


@pytest.fixture(scope="module")
def api():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
        yield TestClient(app)


def _series(uid: str = "dv", ds: object = None) -> list[dict]:
    return [{"unique_id": uid, "ds": ds or str(year), "y": 1} for year in range(2015, 2021)]


@pytest.mark.parametrize("text", [FULL_WIDTH, "١٩٨٠٠١٠١-١٢٣٤", "19８00101-1234"])
def test_digits_of_other_scripts_are_read_as_a_person_reads_them(text):
    assert looks_like_pnr(text) and id_looks_like_pnr(text)
    assert looks_like_pnr("19800101-1234")  # the same number in ASCII, as before


def test_a_full_width_identity_number_as_a_series_name_is_refused_and_not_echoed(api):
    response = api.post("/forecasts", json={"h": 2, "model": "naive", "series": _series(FULL_WIDTH)})
    assert response.status_code == 422, response.text
    assert FULL_WIDTH not in response.text and "personal identity number" in response.text


def test_an_identity_number_in_a_month_is_told_to_write_the_month_not_a_pseudonymous_id(api):
    invoices = [{"service_month": "19800101-1234", "reporting_month": "2024-01", "amount_sek": 5.0}]
    response = api.post("/nowcasts", json={"invoices": invoices})
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]["problems"]
    assert "and in every other field the value it takes (a name, a month, a weekday)" in problem["msg"]
    assert "(in a field resmodel reads — a month, a weekday, a service — write the value it takes)" in problem["msg"]
    assert "19800101" not in response.text


def test_a_series_name_of_the_wrong_type_is_given_name_examples(api):
    response = api.post("/forecasts", json={"h": 2, "model": "naive", "series": _series(True)})
    assert response.status_code == 422, response.text
    msg = response.json()["detail"]["problems"][0]["msg"]
    assert "Expected a string, or a whole number: a series name" in msg and '"daglig_verksamhet"' in msg and "2015-01" not in msg
    response = api.post("/forecasts", json={"h": 2, "model": "naive", "series": _series("dv", {"y": 1})})
    assert "2015-01" in response.json()["detail"]["problems"][0]["msg"]  # a period keeps the period examples


def test_an_unknown_model_is_told_only_the_models_the_endpoint_runs(api):
    response = api.post("/forecasts", json={"h": 2, "model": "prophet", "series": _series()})
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]["problems"]
    assert problem["loc"] == ["body", "model"]
    listed = problem["msg"].split("Expected one of ")[1].split(" (")[0].split(", ")
    assert "naive" in listed and "auto" in listed and "demographic" not in listed and "stockflow" not in listed
    response = api.post("/forecasts", json={"h": 2, "model": "holtwinters", "series": _series()})
    assert "did you mean 'ets'?" in response.json()["detail"]["problems"][0]["msg"]
    response = api.post("/forecasts", json={"h": 2, "model": "stockflw", "series": _series()})
    assert "did you mean 'stockflow'" not in response.text  # a model the endpoint would refuse is not offered
    response = api.post("/forecasts", json={"h": 2, "model": "Demographic", "series": _series()})
    assert "needs a population or flows table" in response.text  # any case, as the models are known


def test_a_compressed_body_is_a_415_that_says_so(api):
    body = gzip.compress(json.dumps({"scenario": "base"}).encode())
    response = api.post("/runs", content=body, headers={"content-type": "application/json",
                                                         "content-encoding": "gzip"})
    assert response.status_code == 415, response.text
    [problem] = response.json()["detail"]["problems"]
    assert "compressed (Content-Encoding: gzip)" in problem["msg"] and problem["loc"] == ["body"]
    response = api.post("/version-check-not-a-route", content=body, headers={"content-encoding": "gzip"})
    assert response.status_code == 404  # an unknown route stays a 404


def test_a_month_in_digits_of_another_script_is_read_as_its_ascii_month():
    """'2021-0１' was told 'a date within a month … write the month as 2021-0１' while '２０２１-01' was read as 2021-01:
    strptime reads other scripts' digits in %Y, not in %m. Every month is now read as a person reads it."""
    import pandas as pd

    from resmodel.forecast.frame import parse_month

    parsed = parse_month(pd.Series(["2021-0１", "２０２１-01", "٢٠٢١-٠١", "2021-01", "2021-13"]))
    assert parsed[:4].dt.strftime("%Y-%m").tolist() == ["2021-01"] * 4 and pd.isna(parsed[4])


def test_the_nowcast_reads_a_full_width_month_as_the_ascii_one(api):
    import pandas as pd

    triangle = pd.read_csv(ROOT / "data/demokommun/invoice_triangle.csv", dtype=str).query("service_month >= '2021-01'")
    rows = [{"service_month": m, "reporting_month": r, "amount_sek": float(a)} for m, r, a in
            zip(triangle["service_month"], triangle["reporting_month"], triangle["amount_sek"], strict=True)]
    ascii_answer = api.post("/nowcasts", json={"invoices": rows})
    rows[0] = {**rows[0], "service_month": rows[0]["service_month"].replace("1", "１")}  # full-width ones
    wide = api.post("/nowcasts", json={"invoices": rows})
    assert ascii_answer.status_code == 200, ascii_answer.text
    assert wide.status_code == 200 and wide.json() == ascii_answer.json()


def test_comparisons_say_the_compared_data_warnings_the_reference_has_not(tmp_path):
    """Diff review: `resmodel compare` printed a new unit's no_roster warning; POST /comparisons answered none."""
    import shutil

    from tests.scenario_files import demo_copy, edit

    data = demo_copy(tmp_path)
    units = data / "units.csv"
    units.write_text(units.read_text(encoding="utf-8")
                     + "DV078,Daglig verksamhet 78,daglig_verksamhet,egen,DV sektion 10,L-DV040,,,,,\n", encoding="utf-8")
    edit(data / "users.csv", "U0044,daglig_verksamhet,DV077,", "U0044,daglig_verksamhet,DV078,")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(ROOT / "scenarios" / "base.yaml", folder / "base.yaml")
    text = (folder / "base.yaml").read_text(encoding="utf-8").replace("../data/demokommun", str(ROOT / "data/demokommun"))
    (folder / "base.yaml").write_text(text, encoding="utf-8")
    (folder / "copy.yaml").write_text(f"name: copy\npurpose: test\nextends: base.yaml\ndata: {data}\nprojection: null\n",
                                      encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESMODEL_SCENARIOS", str(folder))
        response = TestClient(app).post("/comparisons", json={"scenarios": ["base", "copy"]})
    assert response.status_code == 200, response.text
    warnings = response.json()["warnings"]
    assert any(line.startswith("(not in 'base') [no_roster]") and "'DV078'" in line for line in warnings["copy"])
    assert not any("(not in" in line for line in warnings["base"])
