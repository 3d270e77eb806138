"""The API's one error shape: ``{"detail": {"problems": [{"loc": [...], "msg": "..."}],
"resmodel_version": "..."}}`` — 404 for an unknown scenario or route, 405 for a wrong method, 422
for every input problem. Each message says what was wrong, what was expected and how to fix it; no
message echoes a submitted value that looks like a personal identity number."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError
from starlette.exceptions import HTTPException as StarletteHTTPException

from resmodel import __version__
from resmodel.errors import Problem, ResmodelError, shown
from resmodel.forecast.frame import month_fix
from resmodel.io.pnr import id_looks_like_pnr, looks_like_pnr

ENDPOINTS = ("GET /scenarios, POST /runs, POST /projections, POST /comparisons, POST /forecasts, POST /nowcasts, POST /queues, POST /premises-plans, "
             "POST /shift-plans, GET or HEAD /version (the schema: GET /docs)")
SCHEMA_HINT = "see the request schema at GET /docs"


class RequestBody(BaseModel):
    """A request body: exact JSON types (no "3" for 3, no true for 1) and no unknown fields, so a
    mistyped field name is an error instead of a silently used default."""

    model_config = ConfigDict(strict=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = [k for k in data if k not in cls.model_fields]
            if unknown:
                names = ", ".join("(a name that looks like a personal identity number)" if looks_like_pnr(str(k))
                                  else repr(shown(without_identity_numbers(str(k)))) for k in unknown[:5]) + (
                    f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
                single = unknown[0] if len(unknown) == 1 and isinstance(unknown[0], str) and without_identity_numbers(
                    unknown[0]) == unknown[0] else None  # one misspelt name is located at itself; several at their object
                several = len(unknown) > 1
                raise PydanticCustomError(
                    "unknown_field", "unknown {word} {names}. Expected only: {allowed}. Fix: correct the spelling "
                    "or remove the {word}", {"names": names, "allowed": ", ".join(cls.model_fields),
                                             "word": "fields" if several else "field",
                                             "field": shown(single, 100) if single else None})  # a lone surrogate: sendable
        return data


class ProblemItem(BaseModel):
    """One problem: where (the JSON path in the request, e.g. ["body", "series", 3, "y"]) and a message
    saying what was wrong, what was expected and how to fix it."""

    loc: list[str | int] = Field(description="the JSON path of the problem in the request ([] for a route)")
    msg: str = Field(description="what was wrong. Expected … Fix: …")
    series: str | None = Field(None, description="POST /forecasts only: the unique_id of the series concerned (as "
                               "sent; absent on a line counting further rows, which may belong to several series)")


class ProblemDetail(BaseModel):
    """The problems of one error answer, each located at its JSON path in the request, and the version that
    answered."""

    problems: list[ProblemItem] = Field(description="schema problems: at most 20, then one line counting the rest; "
                                        "the model's own checks: at most 25, then one line saying there are more")
    resmodel_version: str = Field(description="the resmodel version that answered")


class ProblemBody(BaseModel):
    """Every error response (400, 404, 405, 413, 415, 422, and a 500 of resmodel's own) has this one shape."""

    detail: ProblemDetail = Field(description="the problems found, each located")


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ProblemBody, "description": "the body could not be read (not UTF-8 JSON)"},
    404: {"model": ProblemBody, "description": "no such scenario (the message lists those there) or endpoint"},
    413: {"model": ProblemBody, "description": "the body is larger than any request the row limits allow (16 MB)"},
    405: {"model": ProblemBody, "description": "the method is not allowed on this path (at [])"},
    415: {"model": ProblemBody, "description": "the body is sent as another media type than application/json or "
                                               "application/*+json"},
    422: {"model": ProblemBody, "description": "a problem in the request or in the scenario's files, located"},
    500: {"model": ProblemBody, "description": "a fault of resmodel's own, never of the request (at [], without a "
                                               "traceback: the server's log has it)"},
}


MAX_MESSAGE = 2000  # characters of one problem message; a message repeats some of the request


#: a number as an identity number is written: digits, with '-', '+', '.', '/' or an en dash between them
_NUMBER_TOKEN = re.compile(r"\d[\d.+/\-–]*\d")
NOT_SHOWN = "(a number that looks like a personal identity number, not shown)"


def without_identity_numbers(text: str) -> str:
    """``text`` with every number in it that looks like a personal identity number — by the id rule, so a
    mistyped one too — replaced by NOT_SHOWN: the last guard that no answer repeats one, whichever check
    quoted the request (a queue's unique_id, a month, a scenario name were quoted by the messages about them)."""
    text = _NUMBER_TOKEN.sub(lambda m: NOT_SHOWN if id_looks_like_pnr(m.group()) or looks_like_pnr(m.group())
                             else m.group(), text)
    return "(a message that would repeat what looks like a personal identity number, not shown)" \
        if looks_like_pnr(text) else text  # the number written with spaces ('19121212 1212')


def _body(problems: list[dict[str, Any]]) -> dict[str, Any]:
    """The error body; messages and locations that repeat the request are made sendable (a lone
    surrogate escaped), bounded and without identity numbers, so that no request can turn its own
    error into a 500 or into an answer that repeats personal data."""
    safe = [{key: shown(without_identity_numbers(value), MAX_MESSAGE) if isinstance(value, str) else  # masked, then cut:
             [part if isinstance(part, int) else shown(without_identity_numbers(part), 100) for part in value]  # no part
             if key == "loc" else value for key, value in p.items()} for p in problems]  # of a number is left at the cut
    return {"problems": safe, "resmodel_version": __version__}


#: the core's words for a file, which a request's body is not (the identity-number refusal of a table cell)
REQUEST_WORDS = {"this cell looks like": "this value looks like",
                 "before loading the file": "before sending the request",
                 "and in every other cell the value its column takes": "and in every other field the value it takes",
                 " (in a column resmodel reads — a month, a weekday, a service — write the value it takes; a column it "
                 "does not read: delete the column)": " (in a field resmodel reads — a month, a weekday, a service — "
                                                       "write the value it takes)",
                 "check the cell: an identity number pasted into the column": "check the value: an identity number "
                                                                              "pasted in"}


@dataclass(frozen=True)
class BodyWording:
    """How an endpoint shows the core's problems: rows of a table sent in the body (the source name the
    checks put in locations) at ``body.<field>[row].<column>``, and the CLI's words in shared messages
    (``--unit``) in the endpoint's (``unit_ids``); an option-located problem at its request field."""

    sources: dict[str, str]  # source name in locations → body field
    words: dict[str, str]    # CLI wording → the endpoint's; '--option' keys also locate problems

    def worded(self, text: str) -> str:
        for cli, api in (REQUEST_WORDS | self.words).items():
            text = text.replace(cli, api)
        return text

    def message(self, p: Problem) -> str:
        return self.worded(p.sentence())

    def json_problem(self, p: Problem) -> dict[str, Any]:
        loc = p.location
        if loc.file in self.sources:
            where: list[Any] = ["body", self.sources[loc.file]]
            if loc.row is not None:
                where += [loc.row, *([loc.column] if loc.column else [])]
            return {"loc": where, "msg": self.message(p)}
        field = self.words.get(loc.path or "") if (loc.path or "").startswith("--") else None
        return {"loc": ["body", field] if field else ["body"], "msg": self.message(p)}


def problem_response(status: int, problems: list[dict[str, Any]]) -> HTTPException:
    """An error answer in the one problem shape: {"detail": {"problems": [...], "resmodel_version": ...}}."""
    return HTTPException(status, _body(problems))


def one_problem(status: int, loc: list[Any], msg: str) -> HTTPException:
    """``problem_response`` of a single problem at the JSON path ``loc``."""
    return problem_response(status, [{"loc": loc, "msg": msg}])


#: an absolute path in a message: shown as its last folder and file only ('d2/premises.csv'), so that a data
#: folder outside the project folder does not show the server's layout
_ABSOLUTE = re.compile(r"(?<![\w.])/(?:[^\s/,:'\"]+/)*([^\s/,:'\"]+/[^\s/,:'\"]+)")


#: an absolute path in quotes, which may hold spaces ('/srv/x y/plans/premises_plan.csv'): its last folder and file
_QUOTED_ABSOLUTE = re.compile(r"'/(?:[^'/]+/)*([^'/]+/[^'/]+)'")


def _existing_folders_cut(text: str) -> str:
    """Each absolute path whose folders exist on this server cut to its last folder, found folder by folder so
    that a folder name with a space ('/srv/resmodel data/kommun x/dk/premises.csv' → 'dk/premises.csv') is cut
    whole; the patterns below cannot see where such a path ends."""
    out, done = [], 0
    for start in (m.start() for m in re.finditer(r"(?<![\w.])/", text)):
        if start < done:
            continue
        end, slash = None, text.find("/", start + 1)
        while slash != -1 and os.path.isdir(text[start:slash]):
            end, slash = slash, text.find("/", slash + 1)
        if end is not None and end > start + 1:
            out.append(text[done:start] + os.path.basename(text[start:end]))
            done = end
    return "".join(out) + text[done:]


def without_server_paths(text: str, root: Path) -> str:
    """A message with paths relative to the project folder ``root``, and any other absolute path cut to its
    last folder and file."""
    text = _QUOTED_ABSOLUTE.sub(r"'\1'", text.replace(str(root) + os.sep, ""))  # quoted: its end is known
    return _ABSOLUTE.sub(r"\1", _existing_folders_cut(text))


def _file_shown(file: str | None, root: Path) -> str | None:
    """A problem's file relative to ``root``, or (outside it) its last folder and file name — also when a
    folder name holds a space, which the text patterns cannot see the end of."""
    if not file:
        return file
    path = Path(file) if Path(file).is_absolute() else Path.cwd() / file  # shown relative to the server's folder
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return "/".join(path.parts[-2:])


def scenario_problems(exc: ResmodelError, root: Path, loc: list[Any]) -> HTTPException:
    """A broken scenario, its data or parameters: each problem names the file and line, relative to
    the absolute folder ``root`` (the one holding the scenario folder), so the server's own paths
    are not shown."""
    return problem_response(422, [{"loc": loc, "msg": without_server_paths(str(replace(
        p, location=replace(p.location, file=_file_shown(p.location.file, root)))), root)} for p in exc.problems])


_EXPECTED = {  # pydantic error type → what was expected
    "int_type": "a whole number (a JSON number, not a string or true/false)",
    "int_from_float": "a whole number",
    "float_type": "a number (a JSON number, not a string or true/false)",
    "finite_number": "a finite number (not NaN or Infinity)",
    "string_type": "a string",
    "list_type": "a list",
    "model_type": "a JSON object",
    "missing": "this field, which is required",
    "literal_error": "one of the values listed",
}
#: the pattern of a scenario name, said in words (other patterns: PATTERN_WORDS)
SCENARIO_PATTERN = "a name of letters, digits, '_' and '-' only (no folder, no '.yaml')"
#: a service key's pattern and an id's (a premises'), each said in words by PATTERN_WORDS
SERVICE_KEY, PLAIN_ID = r"^[a-z_]+$", r"^[A-Za-z0-9_\-]+$"


def _service_keys_in_words() -> str:
    """What a service key may hold, with resmodel's own keys: the pattern alone did not say that å/ä/ö are out."""
    from resmodel.budget.areas import SERVICE_AREA
    from resmodel.services import USER_SERVICES

    return ("lower-case letters a–z and '_' only (no å, ä, ö, capitals, digits or spaces): resmodel's service keys "
            f"are {', '.join(sorted({*SERVICE_AREA, *USER_SERVICES}))}")


#: a pattern of the request schema → what it allows, in words (the schema's pattern alone is no message)
PATTERN_WORDS = {SERVICE_KEY: _service_keys_in_words,
                 PLAIN_ID: lambda: "letters A–Z and a–z, digits, '_' and '-' only (no å, ä, ö, spaces or other signs)"}


#: fields that hold a month, YYYY-MM: their pattern and length errors are said as a month
MONTH_FIELDS = {"month", "ds", "as_of", "service_month", "reporting_month"}
MONTH = ("a month written YYYY-MM, e.g. 2025-01, or its first day 2025-01-01 (a timestamp such as "
         "2025-01-01T00:00:00 or another day is not read: send the month alone)")


#: fields that hold a need level 1–8: a value outside is said as a level (or refused unshown as an identity number)
LEVEL_FIELDS = {"level", "min_level", "max_level"}


def _level_message(value: Any) -> str:
    """A need level outside 1–8 said as one, after the schema's words; a value that looks like a personal identity
    number is not repeated (the core's check said so before the schema bounded the premises demand's level)."""
    if looks_like_pnr(str(value)) or id_looks_like_pnr(str(value)):
        return ("this value looks like a Swedish personal identity number (personnummer); it is not shown here. "
                "Expected a need level 1–8. Fix: correct the level")
    return f"need level {shown(str(value), 20)} is not one of 1–8. Expected a need level 1–8. Fix: correct the level"


def _schema_problem(error: dict[str, Any], path: str = "") -> dict[str, Any]:
    """One pydantic/FastAPI schema error as a located problem with what was expected and a fix (``path``: the
    endpoint's, for the schema to look at)."""
    kind, loc, msg = error["type"], list(error["loc"]), error["msg"]
    if kind == "json_invalid":
        position = loc[1] if len(loc) > 1 else "?"
        reason = (error.get("ctx") or {}).get("error", "invalid JSON")
        return {"loc": ["body"], "msg": f"the body is not valid JSON ({reason} at character {position}). Expected a "
                "JSON object. Fix: check the brackets, quotes and commas near that character"}
    if loc == ["body"] and kind in ("model_attributes_type", "dict_type", "model_type"):
        return {"loc": loc, "msg": "the body is not a JSON object. Expected a JSON object as the request schema of "
                f"POST {path or 'the endpoint'} at GET /docs describes it, sent with the header Content-Type: "
                "application/json. Fix: send a JSON object with that header"}
    if kind == "missing":
        what = "the body" if loc == ["body"] else f"the field '{loc[-1]}'"
        return {"loc": loc, "msg": f"{what} is missing. Expected it, it is required. Fix: add it ({SCHEMA_HINT})"}
    if kind == "unknown_field" and (error.get("ctx") or {}).get("field"):
        return {"loc": [*loc, shown(error["ctx"]["field"], 100)], "msg": msg}
    if "Fix:" in msg:  # our own validators' messages are complete
        return {"loc": loc, "msg": msg}
    if loc and loc[-1] in LEVEL_FIELDS and kind in ("less_than_equal", "greater_than_equal"):
        return {"loc": loc, "msg": f"{msg}: {_level_message(error.get('input'))}"}
    if loc and loc[-1] in MONTH_FIELDS and kind in ("string_pattern_mismatch", "string_too_long"):
        return {"loc": loc, "msg": f"not a month. Expected {MONTH}. Fix: {month_fix(str(error.get('input', '')))}"}
    expected = _EXPECTED.get(kind)
    if kind == "string_pattern_mismatch":
        words = PATTERN_WORDS.get((error.get("ctx") or {}).get("pattern", ""))
        expected = (SCENARIO_PATTERN if {"scenario", "scenarios"} & set(map(str, loc)) else words() if words
                    else "a value of the form the pattern gives")
    text = f"{msg}. Expected {expected}" if expected else msg
    return {"loc": loc, "msg": f"{text}. Fix: correct the value at this path ({SCHEMA_HINT})"}


MAX_PROBLEMS = 20  # a table with one mistake in every row should not give thousands of lines


async def request_validation_handler(request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's schema errors in the same shape, without the submitted values (``input``); at most
    ``MAX_PROBLEMS``, then one line counting the rest (a body of another media type than JSON was a 415 before
    it was read: api.media_type)."""
    problems = [_schema_problem(e, request.url.path) for e in exc.errors()]
    if len(problems) > MAX_PROBLEMS:
        rest = len(problems) - MAX_PROBLEMS
        problems = problems[:MAX_PROBLEMS] + [{"loc": ["body"], "msg": f"... and {rest} more problems (not shown). "
                                               "Fix: correct the ones shown and send again"}]
    return JSONResponse(status_code=422, content={"detail": _body(problems)})


async def answer_internal_errors(request, call_next):
    """A fault of resmodel's own (never a user mistake: those are 4xx) answers 500 in the problem shape, without
    a traceback (logged on the server): a client reads one shape for every error. A middleware inside CORS, so
    that a browser page on another origin can read the answer (an exception handler runs outside it)."""
    try:
        return await call_next(request)
    except Exception:
        logging.getLogger("resmodel.api").exception("internal error on %s %s", request.method, request.url.path)
        msg = ("resmodel failed on this request: a fault of its own, not of the request. Expected an answer. Fix: "
               "report the request to the model's maintainers (the server's log has the details)")
        return JSONResponse(status_code=500, content={"detail": _body([{"loc": [], "msg": msg}])})


async def http_error_handler(request, exc: StarletteHTTPException) -> JSONResponse:
    """Routing and body-reading errors (404, 405, 400) in the same shape; the API's own problems
    pass through unchanged."""
    if isinstance(exc.detail, dict) and "problems" in exc.detail:
        return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail}, headers=exc.headers)
    if exc.status_code == 404:
        msg = f"no such endpoint. Expected one of {ENDPOINTS}. Fix: check the path"
    elif exc.status_code == 405:
        msg = f"{request.method} is not allowed here. Expected one of {ENDPOINTS}. Fix: use the method shown"
    elif exc.status_code == 400:
        msg = ("the body could not be read: not UTF-8, or JSON nested or with numbers far beyond any request "
               "(thousands of levels or digits). Expected a JSON object in UTF-8, sent with Content-Type: "
               "application/json. Fix: send the body as UTF-8 JSON as the schema at GET /docs describes")
    else:
        msg = str(exc.detail)
    where = ["body"] if exc.status_code == 400 else []  # an unreadable body is the body's problem; a route has none
    return JSONResponse(status_code=exc.status_code, content={"detail": _body([{"loc": where, "msg": msg}])},
                        headers=exc.headers)
