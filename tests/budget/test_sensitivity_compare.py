"""Tornado table and scenario comparison: sorted swings with the expected signs; a waterfall that
closes exactly and attributes a one-driver change to that driver alone."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from resmodel.budget import compare as co
from resmodel.budget import sensitivity as se
from resmodel.budget.case import run_budget
from resmodel.errors import InputError


@pytest.fixture(scope="module")
def tornado(ref_case):
    return se.tornado(ref_case, year=2030)


def test_tornado_is_sorted_by_swing_and_has_every_driver_that_acts(tornado):
    assert list(tornado["swing"]) == sorted(tornado["swing"], reverse=True)
    assert set(tornado["driver"]) == {d.key for d in se.standard_drivers()} - {"frame_growth"}
    assert tornado.attrs["not_applicable"] == ["Uppräkning av kommunbidrag — frame indexation"]
    assert (tornado["swing"] == (tornado["value_high"] - tornado["value_low"]).abs()).all()


def test_tornado_signs_follow_the_mechanics(tornado):
    t = tornado.set_index("driver")
    assert t.loc["sfb_cases", "effect_high"] < 0          # more SFB cases: no compensation (F0042)
    assert t.loc["state_rate", "effect_high"] != 0         # a higher state rate moves SFB cost and own-provider revenue
    assert t.loc["sick_leave", "effect_high"] < 0          # more sick leave: more staff cost, the frame does not follow
    assert t.loc["assistance_hours", "effect_high"] < 0


def test_tornado_rejects_a_year_outside_the_horizon(ref_case):
    with pytest.raises(InputError, match="outside the horizon"):
        se.tornado(ref_case, year=2040)


def _variant(case, **changes):
    return dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, **changes))


def test_waterfall_closes_and_isolates_a_single_driver(ref_case):
    b = _variant(ref_case, scenario="lonelyft", wage_growth={y: 0.045 for y in range(2025, 2035)})
    w = co.waterfall(ref_case, b)
    assert w["driver"].tolist() == ["start", *co.DRIVER_ORDER, "end"]
    steps = w[~w["driver"].isin(["start", "end"])]
    assert w["value"].iloc[0] + steps["value"].sum() == pytest.approx(w["value"].iloc[-1], abs=1e-3)
    assert (steps.set_index("driver").drop(index="wages")["value"].abs() < 1e-3).all()
    assert steps.set_index("driver").loc["wages", "value"] < 0
    # on the deviation the volume step is net of the frame's volume compensation, and says so
    assert steps.set_index("driver").loc["volume", "label"] == "Volym — volumes (net of the frame's volume compensation)"
    assert co.waterfall(ref_case, b, measure="net_cost").set_index("driver").loc["volume", "label"] == "Volym — volumes"


def test_waterfall_of_several_drivers_closes(ref_case):
    volumes = ref_case.inputs.volumes * 1.03
    b = _variant(ref_case, scenario="mix", volumes=volumes, price_growth=0.03)
    b = dataclasses.replace(b, frame=b.frame.model_copy(update={"volume_compensation": []}))
    w = co.waterfall(ref_case, b, year=2027)
    steps = w[~w["driver"].isin(["start", "end"])].set_index("driver")["value"]
    assert w["value"].iloc[0] + steps.sum() == pytest.approx(w["value"].iloc[-1], abs=1e-3)
    assert steps["volume"] != 0 and steps["prices"] != 0 and steps["frame"] < 0


def test_compare_per_year_and_area(ref_case):
    b = _variant(ref_case, scenario="hog_volym", volumes=ref_case.inputs.volumes * 1.05)
    t = co.compare(run_budget(ref_case), run_budget(b))
    assert list(t.columns) == ["scenario_a", "scenario_b", "period", "area", "measure", "value_a", "value_b",
                               "difference"]
    net = t[(t["measure"] == "net_cost") & (t["area"] == "total")]
    assert (net["difference"] > 0).all()
    np.testing.assert_allclose(t["difference"], t["value_b"] - t["value_a"])


def test_compare_per_service_shows_where_an_areas_difference_comes_from(ref_case):
    """Persona review: a scenario on another forecast differed by 154 MSEK, and only one volume bar said why."""
    volumes = ref_case.inputs.volumes.copy()
    service = volumes.columns[0]
    volumes[service] = volumes[service] * 1.10
    a, b = run_budget(ref_case), run_budget(_variant(ref_case, scenario="more", volumes=volumes))
    t = co.compare_services(a, b)
    assert set(t["measure"]) == {"volume", "net_cost"} and "total" not in set(t["service"])
    volume = t[t["measure"] == "volume"].set_index(["period", "service"])
    moved = volume[volume["difference"].abs() > 1e-9].index.get_level_values("service").unique().tolist()
    assert moved == [service]
    np.testing.assert_allclose(volume.xs(service, level="service")["difference"],
                               0.10 * volume.xs(service, level="service")["value_a"], rtol=1e-9)
    area_diff = co.compare(a, b)
    net = t[t["measure"] == "net_cost"].groupby("period")["difference"].sum()
    board = area_diff[(area_diff["area"] == "total") & (area_diff["measure"] == "net_cost")].set_index("period")
    np.testing.assert_allclose(net.to_numpy(), board["difference"].reindex(net.index).to_numpy(), rtol=1e-9)


def test_scenarios_over_different_horizons_cannot_be_compared(ref_case):
    with pytest.raises(InputError, match="projection.horizon_years differs"):
        co.waterfall(ref_case, _variant(ref_case, years=5))


def test_a_new_service_in_b_brings_its_unit_cost_with_its_volume(ref_case):
    volumes = ref_case.inputs.volumes.assign(hsl=100.0)
    uc = pd.concat([ref_case.inputs.unit_costs, pd.DataFrame([{
        "service": "hsl", "volume": 100.0, "staff_cost": 5e7, "premises_cost": 0.0, "other_cost": 1e7,
        "revenue": 0.0}])], ignore_index=True)
    b = _variant(ref_case, scenario="hsl", volumes=volumes, unit_costs=uc)
    w = co.waterfall(ref_case, b, year=2025).set_index("driver")["value"]
    assert w["volume"] < 0 and abs(w["level_mix"]) < 1e-3


def test_frame_indexation_is_a_driver_when_the_frame_is_a_fixed_uppräkning(small):
    t = se.tornado(small, year=2027).set_index("driver")
    assert t.loc["frame_growth", "effect_high"] > 0        # a higher uppräkning: a larger frame, a better deviation
    assert t.attrs["not_applicable"] == []


def test_compare_units_by_hand():
    from resmodel.budget.compare import compare_units

    a = pd.DataFrame({"unit_id": ["U1", "U2"], "name": ["a", "b"], "service": "daglig_verksamhet",
                      "section": "S", "allocation": [100.0, 200.0], "fte_required": [1.0, 2.0]})
    b = a.assign(allocation=[100.0, 260.0], fte_required=[1.5, 2.0])
    table = compare_units(a, b, "base", "alt", ("allocation", "fte_required"))
    assert table[["unit_id", "measure", "difference"]].values.tolist() == [
        ["U1", "allocation", 0.0], ["U1", "fte_required", 0.5], ["U2", "allocation", 60.0],
        ["U2", "fte_required", 0.0]]
    assert set(table["scenario_a"]) == {"base"} and set(table["scenario_b"]) == {"alt"}
    only_b = pd.concat([b, b.iloc[:1].assign(unit_id="U3", name="c")], ignore_index=True)
    extra = compare_units(a, only_b, "base", "alt", ("allocation",)).set_index("unit_id")
    assert extra.loc["U3", "value_b"] == 100.0 and pd.isna(extra.loc["U3", "value_a"])


def test_compare_units_matches_a_unit_moved_to_another_section():
    from resmodel.budget.compare import compare_units

    a = pd.DataFrame({"unit_id": ["U1"], "name": ["a"], "service": "daglig_verksamhet", "section": "S1",
                      "allocation": [100.0]})
    moved = a.assign(section="S2", allocation=[90.0])
    table = compare_units(a, moved, "base", "alt", ("allocation",))
    assert table[["unit_id", "section", "value_a", "value_b", "difference"]].values.tolist() == [
        ["U1", "S1", 100.0, 90.0, -10.0]]


@pytest.mark.parametrize("follows", [True, False])
def test_a_price_shock_moves_rents_that_follow_the_price_index(ref_case, follows):
    """Statistician review: rents grow with the price index when the scenario gives them no rent_growth of their
    own, but the tornado's and the Monte Carlo's price shocks left them as they were (the price bar ~3× too long)."""

    case = dataclasses.replace(ref_case, inputs=dataclasses.replace(ref_case.inputs, rent_follows_price=follows))

    def premises(c) -> float:
        yearly = run_budget(c).yearly
        return yearly.loc[(yearly["measure"] == "premises_cost") & (yearly["area"] == "total"), "value"].sum()

    raised = se.standard_drivers()[3].apply(case, 0.01)
    assert se.standard_drivers()[3].key == "price_growth"
    assert bool(premises(raised) > premises(case) * 1.001) == follows
