"""A POST body sent as another media type than JSON is a 415, decided by its Content-Type before the body is
read or parsed (docs/api.md, "Errors"): ``application/json`` or a JSON-based ``application/*+json``
(``application/ld+json``), any parameters (``; charset=utf-8``) aside. ``text/json``, ``text/plain`` or a form
is refused as such, even when it holds valid JSON, so that a client learns to send the header that every proxy
and framework reads as JSON. A body without a Content-Type is refused too (FastAPI does not read it as JSON, and
answered 'the body is not a JSON object' for one that was: diff review); an empty body without one is left to the
endpoint's own 422. A compressed body (Content-Encoding other than identity) is a 415 too, as RFC 9110 §15.5.16
has it: the API reads JSON as sent, and a gzip body was told 'not UTF-8' (integrator walk)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.routing import Match

from api.problems import problem_response
from resmodel.errors import shown


def is_json_media_type(content_type: str) -> bool:
    """Whether a Content-Type header names JSON: application/json or application/<anything>+json."""
    media = content_type.split(";")[0].strip().lower()
    kind, _, subtype = media.partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


async def refuse_other_media_types(request: Request, call_next):
    """HTTP middleware: a 415 at ["body"] for a POST to an endpoint whose Content-Type is not JSON; an unknown
    route stays a 404 and a wrong method a 405."""
    content_type = request.headers.get("content-type")
    routed = any(route.matches(request.scope)[0] == Match.FULL for route in request.app.router.routes)
    empty = request.headers.get("content-length") == "0" or (
        "content-length" not in request.headers and "transfer-encoding" not in request.headers)
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if request.method == "POST" and routed and encoding not in ("", "identity"):
        problem = {"loc": ["body"], "msg": f"the body is sent compressed (Content-Encoding: {shown(encoding, 30)}), "
                   "which the API does not read. Expected an uncompressed JSON body. Fix: send the body without "
                   "compression (turn off request compression in your HTTP client)"}
        return JSONResponse(status_code=415, content={"detail": problem_response(415, [problem]).detail})
    if request.method != "POST" or not routed or (content_type is None and empty) or (
            content_type is not None and is_json_media_type(content_type)):
        return await call_next(request)
    media = ("without a Content-Type" if content_type is None
             else f"as '{shown(content_type.split(';')[0].strip().lower(), 60)}'")
    problem = {"loc": ["body"], "msg": f"the body is sent {media}, not as JSON. Expected "
               "Content-Type: application/json (or an application/*+json type). Fix: send the JSON body with the "
               "header Content-Type: application/json"}
    return JSONResponse(status_code=415, content={"detail": problem_response(415, [problem]).detail})
