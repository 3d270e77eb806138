"""Engine properties: agreement with the reference implementation, monotonicity, linearity in
wages, additivity of units into totals (hypothesis over small random municipalities)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from resmodel.allocation.engine import USER_MEASURES, Municipality, allocate
from resmodel.allocation.reference import reference_units
from resmodel.report import service_table
from tests.conftest import ROOT


def test_vectorised_equals_reference_on_demo(demo_loaded, demo_result):
    ref = reference_units(demo_loaded.data, demo_loaded.snapshot, demo_result.allocation.constants).set_index("unit_id")
    eng = demo_result.allocation.units.set_index("unit_id")
    for column in ref.columns:
        np.testing.assert_allclose(eng[column].to_numpy(), ref[column].to_numpy(), rtol=1e-9, atol=1e-6,
                                   err_msg=column)


def test_vectorised_equals_reference_with_the_tariff():
    """Code review: the engine's tariff path (level prices instead of need-derived ones) had no reference check.
    Units with a resident at a level the tariff lacks are costed by need for that resident in the run (warned),
    and so in the reference: every unit is compared, those units included."""
    from resmodel.allocation.reference import unit_reference
    from resmodel.run import load, run

    loaded = load(ROOT / "scenarios" / "tariff_stockholm.yaml")
    result = run(loaded)
    eng = result.allocation.units.set_index("unit_id")
    for unit_id in loaded.data.units["unit_id"]:
        ref = unit_reference(loaded.data, loaded.snapshot, result.allocation.constants, unit_id, loaded.tariff)
        for column, value in ref.measures.items():
            np.testing.assert_allclose(eng.at[unit_id, column], value, rtol=1e-9, atol=1e-6, err_msg=f"{unit_id} {column}")
    residents = loaded.data.users.merge(loaded.data.units[["unit_id", "housing_type"]], on="unit_id")
    gaps = set(zip(result.allocation.tariff_gaps["housing_type"], result.allocation.tariff_gaps["level"], strict=True))
    lacking = {u for u, kind, level in zip(residents["unit_id"], residents["housing_type"], residents["level"],
                                           strict=True) if (kind, level) in gaps}
    assert len(lacking) > 0  # the case the reference now follows is in the demo


def _municipality(levels, hours, housing_levels, pa_hours):
    premises = pd.DataFrame([("P1", "dv_lokal", 50, 300000.0, 1, 8), ("P2", "gruppbostad", 6, 200000.0, 1, 8)],
                            columns=["premises_id", "kind", "capacity", "annual_rent", "min_level", "max_level"])
    units = pd.DataFrame([
        ("DV1", "DV1", "daglig_verksamhet", "egen", "S", "P1", None, None, None, None, None),
        ("GB1", "GB1", "bostad_vuxna", "egen", "S", "P2", "gruppbostad", 2.0, 2.0, 1.0, 0.0),
        ("PA1", "PA1", "personlig_assistans", "egen", "S", None, None, None, None, None, None),
    ], columns=["unit_id", "name", "service", "regi", "section", "premises_id", "housing_type", "day_staff",
                "evening_staff", "night_awake_staff", "night_sleeping_staff"])
    rows = [(f"D{i}", "daglig_verksamhet", "DV1", float(lvl), float(h)) for i, (lvl, h) in enumerate(zip(levels, hours, strict=False))]
    rows += [(f"H{i}", "bostad_vuxna", "GB1", float(lvl), None) for i, lvl in enumerate(housing_levels)]
    rows += [(f"P{i}", "personlig_assistans_sfb", "PA1", None, float(h)) for i, h in enumerate(pa_hours)]
    users = pd.DataFrame(rows, columns=["user_id", "service", "unit_id", "level", "weekly_hours"])
    users["day_price"] = None
    staff = pd.DataFrame([("DV1", "aktivitetsledare", 3.0)], columns=["unit_id", "role", "fte"])
    return Municipality(premises, units, users, staff)


municipalities = st.tuples(
    st.lists(st.integers(1, 8), min_size=1, max_size=8),
    st.lists(st.sampled_from([5.0, 10.0, 20.0, 30.0, 37.5]), min_size=8, max_size=8),
    st.lists(st.integers(1, 8), min_size=1, max_size=5),
    st.lists(st.floats(1, 300), min_size=1, max_size=4),
)


@settings(max_examples=40, deadline=None)
@given(municipalities, st.integers(0, 7), st.sampled_from(["level", "hours"]))
def test_cost_and_fte_never_decrease_with_level_or_hours(demo_loaded, m, index, what):
    levels, hours, housing, pa = m
    i = index % len(levels)
    base = allocate(_municipality(levels, hours[: len(levels)], housing, pa), demo_loaded.snapshot).units
    if what == "level":
        levels = [min(8, lv + 1) if k == i else lv for k, lv in enumerate(levels)]
        housing = [min(8, lv + 1) for lv in housing]
    else:
        hours = [h + 5.0 if k == i else h for k, h in enumerate(hours)]
        pa = [p + 10.0 for p in pa]
    more = allocate(_municipality(levels, hours[: len(levels)], housing, pa), demo_loaded.snapshot).units
    for column in ("total_cost", "fte_required", "staff_cost"):
        assert (more[column].to_numpy() >= base[column].to_numpy() - 1e-9).all(), column


@settings(max_examples=25, deadline=None)
@given(municipalities, st.floats(0.5, 3.0))
def test_staff_cost_is_linear_in_wages(demo_loaded, m, factor):
    levels, hours, housing, pa = m
    data = _municipality(levels, hours[: len(levels)], housing, pa)
    snap = demo_loaded.snapshot
    roles = ["omsorgspedagog", "aktivitetsledare", "stodpedagog", "stodassistent", "personlig_assistent"]
    scaled = snap.with_values({f"salaries.{r}": snap[f"salaries.{r}"] * factor for r in roles})
    a, b = allocate(data, snap).units, allocate(data, scaled).units
    np.testing.assert_allclose(b["staff_cost"], a["staff_cost"] * factor, rtol=1e-10)
    np.testing.assert_allclose(b["roster_cost"], a["roster_cost"] * factor, rtol=1e-10)
    np.testing.assert_allclose(b["premises_cost"], a["premises_cost"], rtol=1e-12)
    np.testing.assert_allclose(b["fte_required"], a["fte_required"], rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(municipalities)
def test_users_sum_to_units_and_services_to_total(demo_loaded, m):
    levels, hours, housing, pa = m
    result = allocate(_municipality(levels, hours[: len(levels)], housing, pa), demo_loaded.snapshot)
    by_unit = result.users.groupby("unit_id")[list(USER_MEASURES)].sum()
    units = result.units.set_index("unit_id").loc[by_unit.index]
    np.testing.assert_allclose(by_unit.to_numpy(), units[list(USER_MEASURES)].to_numpy(), rtol=1e-9, atol=1e-6)
    services = service_table(result)
    for column in ("net_cost", "fte_required", "fte_roster", "staffing_gap_sek", "allocation"):
        assert np.isclose(services[column].sum(), result.units[column].sum(), rtol=1e-9)


def test_demo_services_add_up_to_total(demo_result):
    tidy = demo_result.tidy
    total = tidy[(tidy["service"] == "total") & (tidy["unit"] == "total")].set_index("measure")["value"]
    services = tidy[(tidy["service"] != "total") & (tidy["unit"] == "total")].groupby("measure")["value"].sum()
    units = tidy[tidy["unit"] != "total"].groupby("measure")["value"].sum()
    np.testing.assert_allclose(services.loc[total.index], total, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(units.loc[total.index], total, rtol=1e-9, atol=1e-6)


def test_derived_allocation_equals_need(demo_result):
    units = demo_result.allocation.units
    np.testing.assert_allclose(units["allocation"], units["net_cost"], rtol=1e-12)


def test_holiday_pay_follows_the_annual_leave_days(tmp_path, demo_loaded):
    """AB § 27 pays 0.605 % of the monthly salary per paid leave day: 31 leave days cost 6 × 0.605 % / 12 more a year
    than 25 (allocation audit: the supplement stayed at 25 days' 1.26 % whatever the leave days)."""
    from resmodel.allocation.staff_cost import role_cost_per_fte
    from resmodel.run import load

    scenario = tmp_path / "leave.yaml"
    scenario.write_text(f"name: leave\npurpose: more leave days\nextends: {ROOT / 'scenarios' / 'base.yaml'}\nparameters:\n"
                        "  working_time.annual_leave_days:\n    - value: 31\n      from: 2024-01-01\n"
                        "      reason: staff-weighted average\n", encoding="utf-8")
    more = load(scenario).snapshot
    base = demo_loaded.snapshot
    assert base["working_time.annual_leave_days"] == 25 and more["working_time.annual_leave_days"] == 31
    ratio = role_cost_per_fte(more, "stodassistent", "bostad_vuxna") / role_cost_per_fte(base, "stodassistent",
                                                                                           "bostad_vuxna")
    assert abs(ratio - (1 + 0.00605 * 31 / 12) / (1 + 0.00605 * 25 / 12)) < 1e-12
