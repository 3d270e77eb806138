"""``GET /version``: the resmodel version (also in every response and error); ``HEAD /version`` answers the same
without a body, for a proxy's health check."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.fields import Version
from resmodel import __version__

router = APIRouter()


class VersionResponse(BaseModel):
    """The version of resmodel that answers: the one every answer and error carries, so a page can show which
    model made its figures (and a health check can see that the API is up)."""

    resmodel_version: Version


@router.get("/version", response_model=VersionResponse)
def version() -> VersionResponse:
    """The resmodel version, also in every response and error."""
    return VersionResponse(resmodel_version=__version__)


@router.head("/version", response_class=Response,
             responses={200: {"description": "the headers GET /version answers with, without its body"}})
def version_head() -> Response:
    """As GET /version without the body: the headers a proxy's health check reads (HEAD was a 405)."""
    return Response(headers=dict(JSONResponse(version().model_dump()).headers))  # GET's length and type
