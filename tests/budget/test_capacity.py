"""Places in the projection (model.md §3): a service's volume above its places is not executed in it;
the users above go to another service or wait, and the frame counts users under the service decided.
Each capped run is checked against the same case with its volume paths moved by hand."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from resmodel.budget import montecarlo as mc
from resmodel.budget.areas import AREA_KEYS
from resmodel.budget.case import run_budget
from resmodel.budget.compare import waterfall
from resmodel.budget.frame import load_frame
from resmodel.budget.projection import CapacityLimit, PlannedPremises, project
from resmodel.errors import InputError

from .conftest import small_case

DV, BV, EXT = "daglig_verksamhet", "bostad_vuxna", "externa_platser"
PLACES = {2025: 1020.0, 2026: 1100.0, 2027: 1200.0}  # daily activity grows 5 % a year from 1 000


def _capped(case, overflow=None, places=PLACES):
    return dataclasses.replace(case, inputs=dataclasses.replace(
        case.inputs, capacity=(CapacityLimit(DV, places, overflow),)))


def _moved_by_hand(case, overflow=None, places=PLACES):
    """The same case without a capacity, its volume paths capped month by month in pandas."""
    volumes = case.inputs.volumes.copy()
    cap = pd.Series([places[int(str(m)[:4])] for m in volumes.index], index=volumes.index)
    above = (volumes[DV] - cap).clip(lower=0.0)
    volumes[DV] -= above
    if overflow is not None:
        volumes[overflow] += above
    return dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, volumes=volumes)), above


def _rows(result, measures=None):
    t = result.yearly
    t = (t[~t["measure"].isin(["demand", "places", "over_capacity", "overflow_in"])] if measures is None
         else t[t["measure"].isin(measures)])
    return t.set_index(["period", "service", "area", "measure"])["value"]


def test_waiting_users_cost_nothing_and_the_frame_leaves_them_out():
    case = small_case()
    capped = run_budget(_capped(case))
    by_hand, above = _moved_by_hand(case)
    expected = run_budget(by_hand)
    pd.testing.assert_series_equal(_rows(capped), _rows(expected), rtol=1e-12)  # costs, frame and deviation
    y = capped.yearly
    over = y[(y["service"] == DV) & (y["measure"] == "over_capacity")].set_index("period")["value"]
    demand = y[(y["service"] == DV) & (y["measure"] == "demand")].set_index("period")["value"]
    volume = y[(y["service"] == DV) & (y["measure"] == "volume")].set_index("period")["value"]
    np.testing.assert_allclose(demand - over, volume, rtol=1e-12)
    assert over["2025"] > 0 and over["2027"] == 0.0  # 1 000 × 1.05 reaches 1 020 in 2025; 1 200 is never reached
    weights = case.inputs.volumes.index.map(lambda m: m.days_in_month) / 365.0
    assert over["2025"] == pytest.approx(float((above.iloc[:12] * weights[:12]).sum()), rel=1e-12)


def _housing_case(existing_places: float = 25.0, turnover: float = 0.1):
    """small_case with flat adult housing (500) and external places (28) and a frame that compensates both
    (external places without a reference volume: their first projected month's, which a Monte Carlo draw's
    volume shock must not move)."""
    case = small_case()
    volumes = case.inputs.volumes.copy()
    volumes[BV], volumes[EXT] = 500.0, 28.0
    external = (dataclasses.replace(case.inputs.external[0], existing_places=existing_places, turnover=turnover),)
    rules = [*case.frame.volume_compensation,
             *load_frame({"base_year": 2024, "base": {a: 1.0 for a in AREA_KEYS}, "volume_compensation": [
                 {"service": BV, "amount_per_user": 1_900_000},
                 {"service": EXT, "amount_per_user": 2_500_000}]}
             ).volume_compensation]
    return dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, volumes=volumes, external=external),
                               frame=case.frame.model_copy(update={"volume_compensation": rules}))


def test_users_above_the_places_go_to_external_places_and_count_as_housing_in_the_frame():
    case = _housing_case()
    housing_places = {2025: 480.0, 2026: 490.0, 2027: 500.0}
    capped = run_budget(dataclasses.replace(case, inputs=dataclasses.replace(
        case.inputs, capacity=(CapacityLimit(BV, housing_places, EXT),))))
    volumes = case.inputs.volumes.copy()
    above = volumes[BV] - [housing_places[m.year] for m in volumes.index]
    volumes[BV] -= above
    volumes[EXT] += above
    by_hand = run_budget(dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, volumes=volumes)))
    costs = ["volume", "staff_cost", "other_cost", "gross_cost", "net_cost"]
    pd.testing.assert_series_equal(_rows(capped, costs), _rows(by_hand, costs), rtol=1e-12)
    # the frame counts them under adult housing, not external places: the uncapped run's frame
    frame = ["frame_volume", "frame"]
    pd.testing.assert_series_equal(_rows(capped, frame), _rows(run_budget(case), frame), rtol=1e-12)
    taken = capped.yearly.query("service == @EXT and measure == 'overflow_in'").set_index("period")["value"]
    assert taken.round(9).tolist() == [20.0, 10.0, 0.0]


def test_external_overflow_fills_the_existing_stock_before_new_places_are_bought():
    case = _housing_case(existing_places=30.0, turnover=0.0)  # 28 own external users, 2 places free in the stock
    capped = dataclasses.replace(case, inputs=dataclasses.replace(
        case.inputs, capacity=(CapacityLimit(BV, 490.0, EXT),)))  # 10 housing users above the places
    cost = {name: r.monthly.query("service == @EXT and measure == 'other_cost'")["value"].iat[0]
            for name, r in (("uncapped", run_budget(case)), ("capped", run_budget(capped)))}
    premium = case.inputs.external[0].new_place_premium
    assert cost["capped"] / cost["uncapped"] == pytest.approx((30 + 8 * (1 + premium)) / 28, rel=1e-12)


def test_constant_demand_above_the_places_is_exact():
    case = small_case(years=2)
    volumes = case.inputs.volumes.copy()
    volumes[DV] = 10.0
    case = dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, volumes=volumes))
    result = project(_capped(case, places={2025: 8.0, 2026: 12.0}).inputs)
    m = result.monthly.query("service == @DV")
    by = m.pivot_table(index="period", columns="measure", values="value")
    assert (by.loc[by.index.str.startswith("2025"), ["volume", "over_capacity", "demand"]].to_numpy()
            == [8.0, 2.0, 10.0]).all()
    assert (by.loc[by.index.str.startswith("2026"), ["volume", "over_capacity"]].to_numpy() == [10.0, 0.0]).all()
    y = result.yearly.query("service == @DV").pivot_table(index="period", columns="measure", values="value")
    assert y.loc["2025", "volume"] == pytest.approx(8.0) and y.loc["2025", "over_capacity"] == pytest.approx(2.0)


def _flat_dv(years: int = 2, level: float = 10.0):
    case = small_case(years=years)
    volumes = case.inputs.volumes.copy()
    volumes[DV] = level
    return dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, volumes=volumes))


def test_planned_premises_are_costed_at_their_rent_and_their_users_carry_no_premises_cost():
    """10 users, 8 other places; a 5-place premises opens in 2026 at 100 000 SEK a year and 50 000 SEK
    once (base-year prices): in 2026 two users are in it and eight carry the per-user premises cost
    (30 000 SEK), both indexed by the rent growth 1.5 %; the one-off by the price growth 2 %."""
    plan = PlannedPremises("L-NEW", places=5.0, open_year=2026, annual_rent=100_000.0, one_off=50_000.0)
    case = _flat_dv()
    result = project(dataclasses.replace(case.inputs, capacity=(
        CapacityLimit(DV, {2025: 8.0, 2026: 13.0}, premises=(plan,)),)))
    y = result.yearly.query("service == @DV").pivot_table(index="period", columns="measure", values="value")
    rent = {"2025": 1.015, "2026": 1.015 ** 2}
    assert y.loc["2025", "premises_cost"] == pytest.approx(8 * 30_000 * rent["2025"], rel=1e-12)
    assert y.loc["2025", "plan_rent"] == 0.0 and y.loc["2025", "adjustment"] == 0.0
    assert y.loc["2025", "plan_users"] == 0.0 and y.loc["2026", "plan_users"] == pytest.approx(2.0, rel=1e-12)
    assert y.loc["2026", "plan_rent"] == pytest.approx(100_000 * rent["2026"], rel=1e-12)
    assert y.loc["2026", "premises_cost"] == pytest.approx((8 * 30_000 + 100_000) * rent["2026"], rel=1e-12)
    assert y.loc["2026", "adjustment"] == pytest.approx(50_000 * 1.02 ** 2, rel=1e-12)
    assert y.loc["2026", "plan_one_off"] == y.loc["2026", "adjustment"] and y.loc["2025", "plan_one_off"] == 0.0
    months = result.monthly.query("service == @DV and measure == 'plan_users'")["value"].to_numpy()
    assert (months[:12] == 0.0).all() and np.allclose(months[12:], 2.0, rtol=1e-12)
    assert y.loc["2026", "volume"] == pytest.approx(10.0) and y.loc["2026", "over_capacity"] == 0.0
    unplanned = project(dataclasses.replace(case.inputs, capacity=(CapacityLimit(DV, {2025: 8.0, 2026: 13.0}),)))
    other = ["staff_cost", "other_cost", "revenue", "volume"]
    pd.testing.assert_series_equal(_rows(result, other), _rows(unplanned, other), rtol=1e-12)


def test_an_empty_planned_premises_still_pays_its_rent():
    plan = PlannedPremises("L-NEW", places=5.0, open_year=2025, annual_rent=100_000.0)
    result = project(dataclasses.replace(_flat_dv(level=6.0).inputs, capacity=(
        CapacityLimit(DV, 13.0, premises=(plan,)),)))
    y = result.yearly.query("service == @DV and period == '2025'").set_index("measure")["value"]
    assert y["premises_cost"] == pytest.approx((6 * 30_000 + 100_000) * 1.015, rel=1e-12)


def test_monte_carlo_costs_planned_premises_as_the_per_draw_loop():
    spec = mc.load_uncertainty({"volume_growth": {"dist": "normal", "mean": 0.0, "sd": 0.05}})
    plan = (PlannedPremises("A", 40.0, 2026, 1e6, 2e5), PlannedPremises("B", 60.0, 2027, 1.5e6))
    case = small_case()
    case = dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, capacity=(
        CapacityLimit(DV, {2025: 1020.0, 2026: 1060.0, 2027: 1120.0}, premises=plan),)))
    fast = mc.run(case, spec, draws=12, seed=3).table
    pd.testing.assert_frame_equal(fast, mc.run_loop(case, spec, draws=12, seed=3).table, rtol=1e-9)
    rent = fast.query("service == @DV and measure == 'plan_rent'").set_index("period")["value"]
    assert rent["2025"] == 0.0 and rent["2027"] == pytest.approx(2.5e6 * 1.015 ** 3, rel=1e-12)


@pytest.mark.parametrize("premises, message", [
    ((PlannedPremises("A", 0.0, 2026, 1e6),), "'places' is 0.0"),
    ((PlannedPremises("A", 5.0, 2026, -1.0),), "'annual_rent' is -1.0"),
    ((PlannedPremises("A", 5.0, 2026, 1.0, float("nan")),), "'one_off' is nan"),
    ((PlannedPremises("A", 5.0, 2026, 1.0), PlannedPremises("A", 5.0, 2027, 1.0)), "premises 'A' planned twice"),
    ((PlannedPremises("A", 1500.0, 2026, 1.0),), "the planned premises have 1,500.0 places in 2026, more than"),
])
def test_bad_planned_premises_are_located(premises, message):
    case = small_case()
    inputs = dataclasses.replace(case.inputs, capacity=(CapacityLimit(DV, PLACES, premises=premises),),
                                 sources={"capacity": "scen.yaml"})
    with pytest.raises(InputError) as err:
        project(inputs)
    assert message in str(err.value) and "scen.yaml" in str(err.value)


def test_no_capacity_adds_no_rows():
    measures = set(run_budget(small_case()).yearly["measure"])
    assert not measures & {"demand", "over_capacity", "granted_volume", "plan_users", "plan_rent", "plan_one_off"}
    assert "granted_volume" not in set(run_budget(_capped(small_case())).yearly["measure"])


def test_monte_carlo_caps_every_draw_as_the_per_draw_loop():
    spec = mc.load_uncertainty({"volume_growth": {"dist": "normal", "mean": 0.0, "sd": 0.03}})
    case = _housing_case()
    case = dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, capacity=(
        CapacityLimit(DV, PLACES), CapacityLimit(BV, 495.0, EXT))))
    fast = mc.run(case, spec, draws=12, seed=7).table
    loop = mc.run_loop(case, spec, draws=12, seed=7).table
    pd.testing.assert_frame_equal(fast, loop, rtol=1e-9)
    over = fast.query("service == @DV and measure == 'over_capacity' and period == '2026'")
    assert float(over["p95"].iat[0]) > float(over["p05"].iat[0]) >= 0.0


def test_the_waterfall_credits_places_and_planned_premises_to_their_own_driver_and_closes():
    base = small_case()
    plan = (PlannedPremises("A", 40.0, 2026, 1e6, 5e5),)
    planned = dataclasses.replace(base, inputs=dataclasses.replace(base.inputs, capacity=(
        CapacityLimit(DV, {2025: 1020.0, 2026: 1060.0, 2027: 1060.0}, premises=plan),)))
    for b in (_capped(base), planned):
        steps = waterfall(base, b).set_index("driver")["value"]
        assert steps["capacity"] != 0.0
        assert steps.drop(["start", "capacity", "end"]).abs().max() == 0.0


@pytest.mark.parametrize("limit, message", [
    (CapacityLimit("daglig", PLACES), "'daglig' is not a projected service"),
    (CapacityLimit(DV, PLACES, "personlig_assistans_sfb"), "priced by the assistance rules"),
    (CapacityLimit(DV, PLACES, DV), "which has places of its own"),
    (CapacityLimit(DV, {2025: 1.0, 2026: 1.0}), "no places for daglig_verksamhet in 2027"),
    (CapacityLimit(DV, {**PLACES, 2026: -1.0}), "places -1."),
    (CapacityLimit(DV, {**PLACES, 2026: float("nan")}), "places nan."),
    (CapacityLimit(DV, PLACES, EXT), "'externa_platser' is in another report area than daglig_verksamhet"),
    (CapacityLimit(DV, PLACES, "forvaltningsovergripande"), "held as a lump"),
])
def test_bad_limits_are_located(limit, message):
    case = small_case()
    case = dataclasses.replace(case, inputs=dataclasses.replace(
        case.inputs, capacity=(limit,), fixed_volume_services=("forvaltningsovergripande",),
        sources={"capacity": "scen.yaml"}))
    with pytest.raises(InputError) as err:
        run_budget(case)
    assert message in str(err.value) and "scen.yaml" in str(err.value) and "capacity." in str(err.value)
