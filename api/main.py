"""Small HTTP API over resmodel (FastAPI), one router per resource: run a shipped scenario and get
its per-service summary (``POST /runs``), project its net cost, frame and deviation per report
area and year with optional Monte Carlo percentiles (``POST /projections``), forecast any
series sent as a long table (``POST /forecasts``), plan which premises to open
(``POST /premises-plans``), or plan a daily-activity unit's shifts against its attendance
(``POST /shift-plans``).

Settings come from the environment: RESMODEL_SCENARIOS (folder of scenario files, default
./scenarios). User mistakes are 4xx in one shape (``api.problems``) with the location of each
problem; the model version is in every response."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import forecasts, premises_plans, projections, runs, shift_plans
from api.problems import http_error_handler, request_validation_handler
from resmodel import __version__

app = FastAPI(title="resmodel", version=__version__)
app.add_exception_handler(RequestValidationError, request_validation_handler)
app.add_exception_handler(StarletteHTTPException, http_error_handler)
for module in (runs, projections, forecasts, premises_plans, shift_plans):
    app.include_router(module.router)


@app.get("/version")
def version() -> dict[str, str]:
    return {"resmodel_version": __version__}
