"""``GET /version``: the resmodel version (also in every response and error)."""

from __future__ import annotations

from fastapi import APIRouter

from resmodel import __version__

router = APIRouter()


@router.get("/version")
def version() -> dict[str, str]:
    """The resmodel version, also in every response and error."""
    return {"resmodel_version": __version__}
