"""Generated documents match the schemas in code; shipped scenarios validate against the JSON Schema."""

from __future__ import annotations

import json

import yaml

from resmodel.schema_docs import data_dictionary, scenario_schema
from tests.conftest import ROOT


def test_scenario_json_schema_is_current():
    assert (ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8") == scenario_schema(), \
        "run `python -m resmodel.schema_docs docs`"


def test_data_dictionary_is_current():
    assert (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8") == data_dictionary(), \
        "run `python -m resmodel.schema_docs docs`"


def test_shipped_scenarios_use_only_schema_keys():
    schema = json.loads(scenario_schema())
    for path in (ROOT / "scenarios").glob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(doc) <= set(schema["properties"]), path.name
        assert set(schema["required"]) <= set(doc), path.name
