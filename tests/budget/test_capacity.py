"""Places in the projection (model.md §3): a service's volume above its places is not executed in it;
the users above go to another service or wait, and the frame counts users under the service decided.
Each capped run is checked against the same case with its volume paths moved by hand."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from resmodel.budget import montecarlo as mc
from resmodel.budget.case import run_budget
from resmodel.budget.compare import waterfall
from resmodel.budget.projection import CapacityLimit, project
from resmodel.errors import InputError

from .conftest import small_case

DV, EXT = "daglig_verksamhet", "externa_platser"
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
    t = t[~t["measure"].isin(["demand", "over_capacity"])] if measures is None else t[t["measure"].isin(measures)]
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


def test_users_above_the_places_go_to_external_places_priced_as_new_ones():
    case = small_case()
    capped = run_budget(_capped(case, overflow=EXT))
    by_hand, _ = _moved_by_hand(case, overflow=EXT)
    costs = ["volume", "staff_cost", "other_cost", "gross_cost", "net_cost"]
    pd.testing.assert_series_equal(_rows(capped, costs), _rows(run_budget(by_hand), costs), rtol=1e-12)
    # the frame still counts them as daily-activity users: its volume compensation is the uncapped run's
    uncapped = run_budget(case)
    frame = ["frame_volume", "frame"]
    pd.testing.assert_series_equal(_rows(capped, frame), _rows(uncapped, frame), rtol=1e-12)
    ext, before = (r.yearly.query("service == @EXT and measure == 'other_cost'")["value"].to_numpy()
                   for r in (capped, uncapped))
    assert (ext[:2] > before[:2]).all() and ext[2] == before[2]  # none above the places in 2027


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


def test_no_capacity_adds_no_rows():
    measures = set(run_budget(small_case()).yearly["measure"])
    assert not measures & {"demand", "over_capacity", "granted_volume"}
    assert "granted_volume" not in set(run_budget(_capped(small_case())).yearly["measure"])


def test_monte_carlo_caps_every_draw_as_the_per_draw_loop():
    spec = mc.load_uncertainty({"volume_growth": {"dist": "normal", "mean": 0.0, "sd": 0.03}})
    case = _capped(small_case(), overflow=EXT)
    fast = mc.run(case, spec, draws=12, seed=7).table
    loop = mc.run_loop(case, spec, draws=12, seed=7).table
    pd.testing.assert_frame_equal(fast, loop, rtol=1e-9)
    over = fast.query("service == @DV and measure == 'over_capacity' and period == '2026'")
    assert float(over["p95"].iat[0]) > float(over["p05"].iat[0]) >= 0.0


def test_the_waterfall_credits_places_to_volume_and_closes():
    base = small_case()
    fall = waterfall(base, _capped(base))
    steps = fall.set_index("driver")["value"]
    assert steps["volume"] != 0.0
    assert steps.drop(["start", "volume", "end"]).abs().max() == 0.0


@pytest.mark.parametrize("limit, message", [
    (CapacityLimit("daglig", PLACES), "'daglig' is not a projected service"),
    (CapacityLimit(DV, PLACES, "personlig_assistans_sfb"), "priced by the assistance rules"),
    (CapacityLimit(DV, PLACES, DV), "which has places of its own"),
    (CapacityLimit(DV, {2025: 1.0, 2026: 1.0}), "no places for daglig_verksamhet in 2027"),
    (CapacityLimit(DV, {**PLACES, 2026: -1.0}), "places -1."),
    (CapacityLimit(DV, {**PLACES, 2026: float("nan")}), "places nan."),
])
def test_bad_limits_are_located(limit, message):
    case = small_case()
    case = dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, capacity=(limit,),
                                                                sources={"capacity": "scen.yaml"}))
    with pytest.raises(InputError) as err:
        run_budget(case)
    assert message in str(err.value) and "scen.yaml" in str(err.value) and "capacity." in str(err.value)
