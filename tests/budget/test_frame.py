"""Frame configuration and budget deviation: validation with located messages, deviation sign and
area coverage, and the volume-compensation mechanics inside a full budget run."""

from __future__ import annotations

import dataclasses

import pytest

from resmodel.budget.areas import AREA_KEYS
from resmodel.budget.case import run_budget
from resmodel.budget.frame import load_frame
from resmodel.errors import InputError

BASE = {a: 1.0e8 for a in AREA_KEYS}


def _problems(data: dict) -> str:
    with pytest.raises(InputError) as info:
        load_frame(data, "frames/malmo.yaml", line_of=lambda key: 7 if key.startswith("volume") else 3)
    return str(info.value)


def test_unknown_key_gets_a_near_miss_and_a_line():
    text = _problems({"base_year": 2024, "base": BASE, "volume_compensaton": []})
    assert "frames/malmo.yaml, line 7, at 'frame.volume_compensaton'" in text and "did you mean 'volume_compensation'" in text


def test_invalid_values_and_unknown_area_are_all_reported():
    text = _problems({"base_year": 2024, "base": {**BASE, "lss_bostad": 1.0},
                      "indexation": {"kind": "fixed", "growth": 3.0},
                      "expansion": [{"area": "lss_boende", "year": 2020, "amount": 1}]})
    assert "between −0.5 and 0.5" in text
    data = {"base_year": 2024, "base": {**BASE, "lss_bostad": 1.0},
            "expansion": [{"area": "lss_boende", "year": 2020, "amount": 1}]}
    text = _problems(data)
    assert "unknown report area 'lss_bostad'" in text and "did you mean 'lss_boende'" in text
    assert "year 2020 is before the base year 2024" in text


def test_inverted_period_is_refused():
    text = _problems({"base_year": 2024, "base": BASE, "demographic": [
        {"area": "lss_boende", "growth": 0.01, "from_year": 2030, "to_year": 2026}]})
    assert "ends before it starts" in text and "frame.demographic[0]" in text


def test_cost_weights_must_sum_to_one():
    text = _problems({"base_year": 2024, "base": BASE,
                      "indexation": {"kind": "cost_weighted", "wage_weight": 0.7, "price_weight": 0.2}})
    assert "must be 1" in text


def test_deviation_is_frame_minus_net_cost_for_every_area_and_the_total(small):
    r = run_budget(small)
    for year in r.series("frame").index:
        frame, net, dev = r.by_area("frame", year), r.by_area("net_cost", year), r.by_area("deviation", year)
        assert list(dev.index) == [*AREA_KEYS, "total"]
        assert (dev - (frame - net)).abs().max() < 1e-3


def test_volume_compensation_follows_projected_volumes(small):
    """Higher daily-activity volumes raise DV's frame; more SFB cases do not raise PA's frame."""
    r0 = run_budget(small)
    volumes = small.inputs.volumes.copy()
    volumes["daglig_verksamhet"] *= 1.1
    volumes["personlig_assistans_sfb"] *= 1.1
    r1 = run_budget(dataclasses.replace(small, inputs=dataclasses.replace(small.inputs, volumes=volumes)))
    assert (r1.series("frame", area="daglig_verksamhet") > r0.series("frame", area="daglig_verksamhet")).all()
    assert (r1.series("frame", area="personlig_assistans") == r0.series("frame", area="personlig_assistans")).all()
    assert (r1.series("deviation", area="personlig_assistans") < r0.series("deviation", area="personlig_assistans")).all()


def test_frame_base_year_must_match_the_costs(small):
    other = small.frame.model_copy(update={"base_year": 2023})
    with pytest.raises(InputError, match="differs from the cost base year"):
        run_budget(dataclasses.replace(small, frame=other))


def test_volume_rule_for_a_service_without_volumes_is_located(small):
    frame = load_frame({"base_year": 2024, "base": BASE,
                        "volume_compensation": [{"service": "sarskilt_boende_sol", "amount_per_user": 1}]})
    with pytest.raises(InputError, match=r"frame.volume_compensation\[0\].service"):
        run_budget(dataclasses.replace(small, frame=frame))


def test_a_fixed_indexation_carried_beyond_its_years_names_the_frames_extension():
    """Economist review: the note pointed to projection.extensions for the frame's own declared extension."""
    import numpy as np

    from resmodel.budget.frame import setup_frame

    config = load_frame({"base_year": 2024, "base": BASE,
                         "indexation": {"kind": "fixed", "growth": {2025: 0.03}, "extension": 0.028}})
    frame = setup_frame(config, np.arange(2025, 2028), (), (), {})
    assert any("frame.indexation: no data for 2026–2027" in n and "declares in frame.indexation.extension" in n
               for n in frame.notes), frame.notes


def test_a_frame_decided_for_a_later_year_is_told_how_to_enter_it(small):
    """Economist walk: the council's 2026 frame was refused with 'express the base frame in the same year's prices'
    and no way to do it; the fix names the indexation and the frame index explain prints."""
    later = small.frame.model_copy(update={"base_year": 2026})
    with pytest.raises(InputError) as err:
        run_budget(dataclasses.replace(small, frame=later))
    text = str(err.value)
    assert "frame base year 2026 differs from the cost base year 2024" in text
    assert "reach 2026 by indexation: {kind: fixed, growth: {2025: …, 2026: …}}" in text
    assert ("'resmodel explain <scenario> --year 2026 --area <area>' prints for the scenario you extend (its frame "
            "has base_year 2024), and write base_year: 2024") in text
    earlier = small.frame.model_copy(update={"base_year": 2023})
    with pytest.raises(InputError, match="Fix: give the frame of 2024, the year the unit costs are priced in"):
        run_budget(dataclasses.replace(small, frame=earlier))
