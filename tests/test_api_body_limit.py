"""A body above the API's size limit is a 413 in the problem shape, declared or sent in chunks; below it the
request is read as before."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.body_limit import MAX_BODY_BYTES
from api.main import app
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def api():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
        yield TestClient(app)


def _huge() -> bytes:
    """A JSON body just above the limit (a series padded with spaces, valid JSON)."""
    head = b'{"series": [{"unique_id": "a", "ds": "2020", "y": 1}]'
    return head + b" " * (MAX_BODY_BYTES + 1 - len(head) - 1) + b"}"


def _problem(response) -> dict:
    assert response.status_code == 413, response.text[:300]
    (problem,) = response.json()["detail"]["problems"]
    return problem


def test_a_body_above_the_limit_is_a_413_before_it_is_read(api):
    """Walkthrough: no body size limit, so a mistaken upload of hundreds of MB was read into memory."""
    problem = _problem(api.post("/forecasts", content=_huge(), headers={"Content-Type": "application/json"}))
    assert problem["loc"] == ["body"] and "at most 16 MB" in problem["msg"] and "Fix:" in problem["msg"]


def test_a_body_sent_in_chunks_is_counted_as_it_is_read(api):
    body = _huge()
    chunks = (body[i:i + 2**20] for i in range(0, len(body), 2**20))  # no Content-Length: chunked
    assert "at most 16 MB" in _problem(api.post("/forecasts", content=chunks,
                                                headers={"Content-Type": "application/json"}))["msg"]


def test_a_small_chunked_body_reaches_the_endpoint_whole(api):
    body = b'{"series": [' + b", ".join(b'{"unique_id": "a", "ds": "%d", "y": %d}' % (2010 + i, i)
                                      for i in range(8)) + b'], "h": 1, "model": "naive"}'
    response = api.post("/forecasts", content=iter([body[:40], body[40:]]), headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()["forecasts"][0]["ds"] == "2018"


def test_the_413_is_in_the_schema():
    assert "413" in TestClient(app).get("/openapi.json").json()["paths"]["/forecasts"]["post"]["responses"]
