"""Findings of the projection-method audit (h16), checked by hand against the engine's base-year run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from resmodel.projection_run import build_setup, project

ROOT = Path(__file__).resolve().parents[1]
LSS, SFB, OWN = "personlig_assistans_lss", "personlig_assistans_sfb", "personlig_assistans_egen_utforare"


def _cell(result, service: str, year: str, measure: str) -> float:
    """One yearly figure of the projection's per-service table."""
    y = result.yearly
    return float(y.loc[(y["service"] == service) & (y["period"] == year) & (y["measure"] == measure), "value"].sum())


def _factors(inputs, year: int) -> tuple[float, float, float]:
    """The wage index, the sick-leave factor and the price index of ``year``, compounded from the base year
    (beyond an index's data its declared extension)."""
    wage = price = 1.0
    for y in range(inputs.base_year + 1, year + 1):
        wage *= 1.0 + inputs.wage_growth.get(y, inputs.extensions.get("wage_growth"))
        price *= 1.0 + inputs.price_growth.get(y, inputs.extensions.get("price_growth"))
    sick = inputs.sick_leave[year] if inputs.sick_leave is not None else inputs.sick_leave_base
    return wage, (1.0 - inputs.sick_leave_base) / (1.0 - sick), price


@pytest.fixture(scope="module", params=["base", "sick_leave_target"])
def case(request, demo_loaded, demo_result):
    """The shipped base scenario (sick-leave factor 1) and the sick-leave one (factor ≠ 1): inputs, projection,
    the loaded scenario and the engine's base-year result the projection starts from."""
    from resmodel.projection_run.costs import services_at_observed_sick_leave
    from resmodel.run import load, run

    loaded = demo_loaded if request.param == "base" else load(ROOT / "scenarios" / f"{request.param}.yaml")
    result = demo_result if request.param == "base" else run(loaded)
    return (build_setup(loaded, result).case.inputs, project(loaded, result), loaded,
            services_at_observed_sick_leave(loaded, result)[1])


@pytest.mark.parametrize("year", [2025, 2034])
def test_own_assistance_other_cost_follows_prices_and_staff_cost_wages(case, year):
    """Finding 1: the own staff's other cost of LSS assistance and of the own SFB provider stays other cost,
    × the price index; their staff cost is the base year's staff cost per hour × wage index × sick-leave factor."""
    inputs, result, loaded, services = case
    engine = services.set_index("service")
    wage, sick, price = _factors(inputs, year)
    assert (sick == 1.0) == (inputs.scenario == "base")
    period = str(year)

    own_hours = _cell(result, OWN, period, "hours")
    base_hours = float(engine.at[SFB, "total_hours"])
    own_other = float(engine.at[SFB, "other_cost"])
    assert own_other > 0
    assert _cell(result, OWN, period, "other_cost") == pytest.approx(own_hours / base_hours * own_other * price,
                                                                    rel=1e-9)
    assert _cell(result, OWN, period, "staff_cost") == pytest.approx(
        own_hours / base_hours * float(engine.at[SFB, "staff_cost"]) * wage * sick, rel=1e-9)

    users = loaded.data.users
    lss_base_hours = float(users.loc[users["service"] == LSS, "weekly_hours"].sum()) * 366 / 7.0  # 2024: 366 days
    lss_hours = _cell(result, LSS, period, "hours")
    state = [float(loaded.tree.snapshot(dt.date(y, 1, 1))["personlig_assistans.state_hourly_rate"])
             for y in (inputs.base_year, year)]
    bought = lss_hours / lss_base_hours * float(engine.at[LSS, "purchase_cost"]) * state[1] / state[0]
    lss_other = float(engine.at[LSS, "other_cost"])
    assert lss_other > 0
    assert _cell(result, LSS, period, "other_cost") == pytest.approx(
        lss_hours / lss_base_hours * lss_other * price + bought, rel=1e-9)
    assert _cell(result, LSS, period, "staff_cost") == pytest.approx(
        lss_hours / lss_base_hours * float(engine.at[LSS, "staff_cost"]) * wage * sick, rel=1e-9)


def test_a_resolved_parameter_cites_the_line_of_the_value_in_force(demo_loaded):
    """Finding 7: explain cited wage_growth.yaml:1 (the leaf) while the value in force is written further down."""
    resolved = demo_loaded.tree.resolve("indices.wage_growth", dt.date(2027, 1, 1))
    file, line = resolved.source.rsplit(":", 1)
    path = Path(file) if Path(file).is_absolute() else ROOT / "src" / file  # package files: relative to src
    written = path.read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert int(line) > 1 and written.strip().startswith(f"{resolved.valid_from.isoformat()}:")
    assert float(written.split(":", 1)[1]) == resolved.value
