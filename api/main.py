"""Small HTTP API over resmodel (FastAPI), one router per resource: list the shipped scenarios
(``GET /scenarios``), run one and get its per-service and per-unit results (``POST /runs``), project its net cost, frame and deviation per report
area and year with optional Monte Carlo percentiles (``POST /projections``), compare scenarios by year,
driver and unit (``POST /comparisons``), forecast any
series sent as a long table (``POST /forecasts``), complete the recent months of a late-reporting invoice
triangle (``POST /nowcasts``), simulate the queue of decisions not executed against a demand and its places
(``POST /queues``), plan which premises to open
(``POST /premises-plans``), or plan a daily-activity unit's shifts against its attendance
(``POST /shift-plans``).

Settings come from the environment: RESMODEL_SCENARIOS (folder of scenario files, default
./scenarios) and RESMODEL_CORS_ORIGINS (comma-separated origins a browser page may call from, e.g.
https://intranat.kommun.se; default none). User mistakes are 4xx in one shape (``api.problems``) with the location of each
problem; the model version is in every response."""

from __future__ import annotations

import logging
import os

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import (
    comparisons,
    forecasts,
    meta,
    nowcasts,
    premises_plans,
    projections,
    queues,
    runs,
    scenarios,
    shift_plans,
)
from api.body_limit import limit_body_size
from api.duplicate_keys import refuse_repeated_keys
from api.media_type import refuse_other_media_types
from api.problems import (
    PROBLEM_RESPONSES,
    answer_internal_errors,
    http_error_handler,
    request_validation_handler,
)
from api.query import refuse_query_strings
from api.scenarios import scenario_folder
from resmodel import __version__


def create_app() -> FastAPI:
    """The application, with CORS for the origins in RESMODEL_CORS_ORIGINS (read when it is created)."""
    app = FastAPI(title="resmodel", version=__version__, responses=PROBLEM_RESPONSES,
                  redirect_slashes=False,  # '/runs/' is a 404 in the problem shape, not a 307 to an internal http URL
                  description="Need-level resource allocation, volume forecasts, budget projection, premises and "
                              "shift plans for a Swedish disability-support board (funktionsstödsnämnd). Every error "
                              "response has the one shape ProblemBody: each problem's JSON path, what was expected and "
                              "how to fix it. Amounts are SEK.")
    app.add_exception_handler(RequestValidationError, request_validation_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.middleware("http")(answer_internal_errors)  # first added, innermost: inside CORS, so a page can read it
    app.middleware("http")(refuse_repeated_keys)
    app.middleware("http")(refuse_other_media_types)  # runs before the body is parsed for repeated keys
    app.middleware("http")(refuse_query_strings)
    app.middleware("http")(limit_body_size)  # added last, so it runs first: nothing larger is read
    # an origin is scheme://host[:port]; a trailing '/' (as a browser's address bar shows it) never matches
    origins = [o.strip().rstrip("/") for o in os.environ.get("RESMODEL_CORS_ORIGINS", "").split(",") if o.strip()]
    if origins:  # a browser page on another origin (an intranet page) may call the API
        # credentials and Authorization: the login a reverse proxy in front of the API asks for (only to the
        # origins listed, never '*')
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "Authorization"], allow_credentials=True)
    folder = scenario_folder()
    if not folder.is_dir():  # said once at start (the log), and in GET /scenarios' notes
        logging.getLogger("resmodel.api").warning("RESMODEL_SCENARIOS: %s is not a folder (from %s): no scenario "
                                                  "can be run", folder, os.getcwd())
    for module in (scenarios, runs, projections, comparisons, forecasts, nowcasts, queues, premises_plans, shift_plans,
                   meta):
        app.include_router(module.router)
    return app


app = create_app()
