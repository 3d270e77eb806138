"""Refuse a JSON body that names a field twice in one object (``{"h": 12, "h": 24}``): JSON parsers
keep the last value without a word, so a pasted-together request would run on one of the two. A body
not in UTF-8 is refused here too (400), as docs/api.md says: Python's JSON parser would read UTF-16."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.problems import MAX_PROBLEMS, http_error_handler, problem_response
from resmodel.errors import shown
from resmodel.io.pnr import looks_like_pnr


class _Object(dict):
    """A parsed JSON object that remembers the names it held more than once."""

    repeated: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj, seen, repeated = _Object(), set(), []
    for key, value in pairs:
        if key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
        obj[key] = value
    obj.repeated = repeated
    return obj


def repeated_keys(value: Any, path: list[str | int]) -> list[tuple[list[str | int], str]]:
    """(JSON path of the object, name) for every name given twice in an object, depth first."""
    found = []
    if isinstance(value, _Object):
        found += [(path, key) for key in value.repeated]
        for key, item in value.items():
            found += repeated_keys(item, [*path, key])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += repeated_keys(item, [*path, i])
    return found


async def refuse_repeated_keys(request: Request, call_next):
    """HTTP middleware: a POST body with a name repeated in one object is a 422 at that name's path;
    a body that is not JSON passes on to the endpoint, whose own checks report it."""
    routed = any(route.matches(request.scope)[0] == Match.FULL for route in request.app.router.routes)
    if request.method == "POST" and routed:  # an unknown route stays a 404
        body = await request.body()
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return await http_error_handler(request, StarletteHTTPException(400))
        try:
            parsed = json.loads(body, object_pairs_hook=_pairs)
        except (ValueError, RecursionError):
            parsed = None
        found = repeated_keys(parsed, ["body"])
        if found:
            problems = [{"loc": [*path, "(a name that looks like a personal identity number)"
                                 if looks_like_pnr(key) else shown(key, 100)],
                         "msg": f"the field '{'(identity number)' if looks_like_pnr(key) else shown(key)}' is given "
                                "twice in one object. Expected each field once (a JSON parser keeps only the last "
                                "value). Fix: remove one of the two"} for path, key in found]
            if len(problems) > MAX_PROBLEMS:
                problems = problems[:MAX_PROBLEMS] + [{"loc": ["body"], "msg": f"... and {len(problems) - MAX_PROBLEMS} "
                                                       "more fields given twice (not shown). Fix: correct the ones "
                                                       "shown and send again"}]
            return JSONResponse(status_code=422, content={"detail": problem_response(422, problems).detail})
    return await call_next(request)
