"""The API's one error shape: ``{"detail": {"problems": [{"loc": [...], "msg": "..."}],
"resmodel_version": "..."}}`` — 404 for an unknown scenario, 422 for every input problem. No
message echoes a submitted value that looks like a personal identity number."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from resmodel import __version__
from resmodel.errors import ResmodelError


def problem_response(status: int, problems: list[dict[str, Any]]) -> HTTPException:
    return HTTPException(status, {"problems": problems, "resmodel_version": __version__})


def one_problem(status: int, loc: list[Any], msg: str) -> HTTPException:
    return problem_response(status, [{"loc": loc, "msg": msg}])


def scenario_problems(exc: ResmodelError, root: Path) -> HTTPException:
    """A broken scenario, its data or parameters: each problem names the file and line, relative to
    the absolute folder ``root`` (the one holding the scenario folder), so the server's own paths
    are not shown."""
    prefix = str(root) + os.sep
    return problem_response(422, [{"loc": ["body", "scenario"], "msg": str(p).replace(prefix, "")}
                                  for p in exc.problems])


async def request_validation_handler(_request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's schema errors in the same shape, without the submitted values (``input``)."""
    problems = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
    return JSONResponse(status_code=422, content={"detail": {"problems": problems, "resmodel_version": __version__}})
