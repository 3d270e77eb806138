"""No endpoint takes query parameters: a request with a query string is a 422, its values never repeated, so a
value sent in the URL (which servers log) is refused instead of silently ignored."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from api.problems import problem_response


async def refuse_query_strings(request: Request, call_next):
    """HTTP middleware: a 422 at ["query"] for any query string; other requests pass on."""
    if not request.url.query:
        return await call_next(request)
    problem = {"loc": ["query"], "msg": "the URL has a query string ('?…', not shown here). Expected no query "
               "parameters: every endpoint takes its values in the JSON body. Fix: send the values in the body "
               "(and no personal data in a URL: a server's access log keeps it)"}
    return JSONResponse(status_code=422, content={"detail": problem_response(422, [problem]).detail})
