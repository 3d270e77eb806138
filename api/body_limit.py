"""A request body larger than any request the endpoints' row limits allow is refused before it is read: a 413
in the one problem shape, so that a mistaken upload (a whole ledger instead of a series) cannot fill the
server's memory. The size comes from Content-Length; a body sent in chunks without it is counted as read."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from api.problems import problem_response

#: bytes: the largest request the row limits allow (20 000 rows of a few hundred bytes), pretty-printed, twice over
MAX_BODY_BYTES = 16 * 2**20


def _too_large(size: int) -> JSONResponse:
    problem = {"loc": ["body"], "msg": f"the request body is {size / 2**20:,.1f} MB. Expected at most "
               f"{MAX_BODY_BYTES // 2**20} MB (each endpoint's row limits fit well within it). Fix: send only the "
               "rows the request needs (e.g. the series to forecast, not the whole ledger), or split it"}
    return JSONResponse(status_code=413, content={"detail": problem_response(413, [problem]).detail})


async def limit_body_size(request: Request, call_next):
    """HTTP middleware: a 413 for a body above MAX_BODY_BYTES, by its declared length or, sent in chunks, as read."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return _too_large(int(declared))
    if declared is None and request.method == "POST":
        size = 0
        chunks = []
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                return _too_large(size)
            chunks.append(chunk)
        request._body = b"".join(chunks)  # Starlette's cached body: the endpoint reads it as sent
    return await call_next(request)
