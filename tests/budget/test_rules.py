"""Hand-checked rule cases written as data (tests/budget/rules/*.yaml), run as ordinary pytest
items: the personal-assistance rules (20-hour cap, state-rate years, financing gap) and the frame
rules. Each file states its inputs, the expected numbers with the hand calculation, a tolerance
(SEK) and its source; cases with ``expect_error`` must fail with a located message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from resmodel.budget import assistance as pa
from resmodel.budget.areas import AREA_KEYS
from resmodel.budget.frame import FRAME_COMPONENTS, frame_arrays, load_frame, setup_frame
from resmodel.budget.periods import Horizon
from resmodel.budget.projection import AssistanceParams, ProjectionInputs, project
from resmodel.budget.volumes import flat
from resmodel.errors import InputError

RULES = sorted((Path(__file__).parent / "rules").glob("*.yaml"))
EMPTY_COSTS = pd.DataFrame(columns=["service", "volume", "staff_cost", "premises_cost", "other_cost", "revenue"])


def _project(service: str, volume: float, first: int, last: int, base_year: int | None = None, **kw) -> dict:
    """Yearly measures of one rule-priced service over first..last."""
    base = first - 1 if base_year is None else base_year
    horizon = Horizon(first, last - first + 1)
    growth = kw.pop("wage_growth", 0.0)
    inputs = ProjectionInputs("rule", base, flat({service: volume}, horizon), EMPTY_COSTS, growth, 0.0, 0.0,
                              years=horizon.years, start_year=first, **kw)
    result = project(inputs)
    t = result.yearly[result.yearly["service"] == service]
    return {"table": t.pivot(index="period", columns="measure", values="value"), "notes": result.notes}


def _run(case: dict) -> tuple[dict, tuple[str, ...]]:
    rule, x = case["rule"], case["inputs"]
    if rule == "sfb":
        assistance = AssistanceParams(sfb_hours_per_week=x["hours_per_week"])
        out = _project("personlig_assistans_sfb", x["cases"], x["year"], x["year"], assistance=assistance)
        row = out["table"].loc[str(x["year"])]
        weeks = pa.weeks_in_year(x["year"])
        direct = pa.sfb_municipal_cost(x["cases"], x["hours_per_week"], weeks, pa.STATE_RATE_SEK_PER_HOUR[x["year"]])
        assert row["other_cost"] == pytest.approx(float(direct), abs=1e-6)  # engine = the pure rule
        return {"hours": row["hours"], "cost": row["other_cost"]}, out["notes"]
    if rule == "sfb_years":
        years = sorted(int(y) for y in case["expected"])
        assistance = AssistanceParams(sfb_hours_per_week=x["hours_per_week"], state_rate_extension=x.get("extension"))
        out = _project("personlig_assistans_sfb", x["cases"], years[0], years[-1], assistance=assistance)
        return {y: out["table"].loc[str(y), "other_cost"] for y in years}, out["notes"]
    if rule == "lss":
        assistance = AssistanceParams(lss_hours_per_case=x["hours_per_case"], lss_cost_per_hour=x["cost_per_hour"])
        out = _project("personlig_assistans_lss", x["cases"], 2024, 2024, base_year=2024, assistance=assistance)
        assert pa.lss_cost(x["cases"], x["hours_per_case"], x["cost_per_hour"]) == pytest.approx(
            out["table"].loc["2024", "staff_cost"])
        return {"cost": out["table"].loc["2024", "staff_cost"]}, out["notes"]
    if rule == "own_provider":
        direct = pa.own_provider(x["hours"], x["cost_per_hour"], x["state_rate"])
        assistance = AssistanceParams(own_provider_cost_per_hour=x["cost_per_hour"],
                                      state_rate={2024: x["state_rate"]})
        out = _project("personlig_assistans_egen_utforare", x["hours"], 2024, 2024, base_year=2024,
                       assistance=assistance)
        row = out["table"].loc["2024"]
        assert row["net_cost"] == pytest.approx(float(direct.gap))
        return {"cost": row["staff_cost"], "revenue": row["revenue"], "gap": row["net_cost"]}, out["notes"]
    if rule == "own_provider_projection":
        years = x["years"]
        assistance = AssistanceParams(own_provider_cost_per_hour=x["cost_per_hour"],
                                      state_rate_extension=x["extension"])
        out = _project("personlig_assistans_egen_utforare", x["hours_per_year"], years[0], years[-1],
                       base_year=2024, assistance=assistance, wage_growth=x["wage_growth"])
        return {y: out["table"].loc[str(y), "net_cost"] for y in years}, out["notes"]
    if rule == "frame":
        config = load_frame(x["frame"], "rule case")
        years = np.asarray(x["years"])
        volumes = x.get("volumes", {})
        services = tuple(volumes)
        areas = tuple({"daglig_verksamhet": "daglig_verksamhet",
                       "personlig_assistans_sfb": "personlig_assistans"}.get(s, "ovrig_vard_omsorg") for s in services)
        array = np.array([[[float(volumes[s][int(y)]) for y in years] for s in services]]).reshape(1, len(services),
                                                                                                 len(years))
        setup = setup_frame(config, years, services, areas, {})
        n_index = int(years[-1]) - config.base_year
        zeros = np.zeros((1, n_index))
        out = frame_arrays(setup, array, zeros, zeros, int(years[0]) - config.base_year)
        result = {}
        for component in (*FRAME_COMPONENTS, "frame"):
            values = out[component][0]
            result[component] = {a: {int(y): values[i, j] for j, y in enumerate(years)} for i, a in enumerate(AREA_KEYS)}
            result[component]["total"] = {int(y): values[:, j].sum() for j, y in enumerate(years)}
        return result, setup.notes
    raise AssertionError(f"unknown rule '{rule}' in a rule case")


def _flatten(expected, prefix=()):
    if isinstance(expected, dict):
        for k, v in expected.items():
            yield from _flatten(v, (*prefix, k))
    else:
        yield prefix, expected


@pytest.mark.parametrize("path", RULES, ids=[p.stem for p in RULES])
def test_rule_case(path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert case.get("reference"), f"{path.name} must cite its source"
    if "expect_error" in case:
        with pytest.raises(InputError) as info:
            _run(case)
        assert case["expect_error"] in str(info.value)
        return
    result, notes = _run(case)
    for keys, want in _flatten(case["expected"]):
        got = result
        for k in keys:
            got = got[k]
        assert got == pytest.approx(float(want), abs=float(case["tolerance"])), f"{path.name}: {keys}"
    if "expect_note" in case:
        assert any(case["expect_note"] in n for n in notes), notes


def test_rule_cases_cover_the_issue_rules() -> None:
    """The acceptance list: 20-hour cap, state-rate years, financing gap, and frame rules."""
    names = {p.stem for p in RULES}
    assert {"assistance_sfb_20_hour_cap", "assistance_state_rate_years", "assistance_financing_gap_widens",
            "frame_volume_compensation", "frame_expansion_money", "frame_demographic_supplement"} <= names
