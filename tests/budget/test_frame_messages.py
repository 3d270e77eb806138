"""A frame's misspelt or missing keys are told with the keys allowed where they are, not the whole frame's."""

from __future__ import annotations

import pytest

from resmodel.budget.frame import load_frame
from resmodel.errors import InputError

BASE = {"lss_boende": 1.0, "daglig_verksamhet": 1.0, "personlig_assistans": 1.0, "ovriga_lss": 0.0,
        "ovrig_vard_omsorg": 0.0, "forvaltningsovergripande": 0.0}


def _problems(**frame) -> list[str]:
    with pytest.raises(InputError) as err:
        load_frame({"base_year": 2024, "base": BASE, **frame}, "frame.yaml")
    return [str(p) for p in err.value.problems]


def test_an_indexation_rate_is_told_the_indexation_keys_and_growth():
    missing, unknown = _problems(indexation={"kind": "fixed", "rate": 0.025})
    assert "'frame.indexation.growth': 'growth' is missing" in missing
    assert "the yearly rate as a fraction, 0.025 for 2.5 %" in missing and "kind, growth, extension" in missing
    assert "unknown key 'rate'" in unknown and "one of kind, growth, extension here" in unknown
    assert "did you mean 'growth'?" in unknown and "base_year" not in unknown


def test_a_rule_key_is_told_the_rules_keys():
    *_, unknown = _problems(volume_compensation=[{"service": "daglig_verksamhet", "amount_per_usr": 3}])
    assert "unknown key 'amount_per_usr'" in unknown and "did you mean 'amount_per_user'?" in unknown
    assert "one of service, amount_per_user, reference_volume" in unknown and "base_year" not in unknown


def test_a_top_level_key_is_told_the_frames_keys():
    (unknown,) = _problems(basis={})
    assert "one of base_year, base, indexation, demographic" in unknown


@pytest.mark.parametrize(("growth", "where", "fix"), [
    ({2025: "0,025", 2026: 0.025}, "'frame.indexation.growth.2025'", "write 0.025"),
    ("0,025", "'frame.indexation.growth'", "write 0.025"),
])
def test_a_decimal_comma_in_a_growth_rate_is_one_problem_at_its_year_with_the_number_to_write(growth, where, fix):
    """Economist walkthrough: a block-style growth '2025: 0,025' gave three problems at 'growth.float' and
    'growth.dict[int,float].2025' (pydantic's union members) with 'correct the value'."""
    (problem,) = _problems(indexation={"kind": "fixed", "growth": growth})
    assert f"at {where}:" in problem and f"Fix: {fix}" in problem and "float" not in problem.split(":")[0]


def test_a_misspelt_indexation_kind_gets_the_kinds_and_a_suggestion():
    """Economist walkthrough: 'kind: fixd' was told pydantic's 'Input tag … does not match', no suggestion."""
    (problem,) = _problems(indexation={"kind": "fixd", "growth": 0.025})
    assert "at 'frame.indexation.kind': unknown kind 'fixd'" in problem and "did you mean 'fixed'" in problem
    assert "one of none, fixed, cost_weighted" in problem
