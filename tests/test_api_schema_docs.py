"""Every object in the API's OpenAPI document is described, and every field of it: a client developer reading
GET /docs or /openapi.json learns what each object is for and each field means (code review: 41 models had no
description)."""

from __future__ import annotations

import inspect

from api.main import app
from api.problems import RequestBody


def _schemas() -> dict:
    """The component schemas of the app's OpenAPI document."""
    return app.openapi()["components"]["schemas"]


def test_every_component_schema_is_described():
    missing = sorted(name for name, schema in _schemas().items() if not schema.get("description", "").strip())
    assert not missing, f"component schemas without a description: {missing}"


def test_every_property_is_described():
    missing = sorted(f"{name}.{prop}" for name, schema in _schemas().items()
                     for prop, spec in schema.get("properties", {}).items()
                     if not spec.get("description", "").strip())
    assert not missing, f"properties without a description: {missing}"


def test_request_bodies_are_described_as_themselves():
    """A request model says what it is, not RequestBody's rule about exact JSON types (pydantic would
    inherit the parent's docstring into a subclass without its own)."""
    inherited = sorted(name for name, schema in _schemas().items()
                       if schema.get("description") == inspect.cleandoc(RequestBody.__doc__))
    assert not inherited, f"request schemas showing RequestBody's docstring: {inherited}"
