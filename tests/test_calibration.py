"""The demo municipality reproduces the calibration targets of model.md §6 (tolerances stated)."""

from __future__ import annotations

import datetime as dt

import pytest

from resmodel.allocation.engine import allocate
from resmodel.allocation.staff_cost import holiday_pay_share

TOL = 0.03  # ≤ 3 % on each target, as the issue requires


def rel(got: float, target: float) -> float:
    return abs(got - target) / abs(target)


def test_daily_activity_volume_units_and_premises(demo_loaded):
    units = demo_loaded.data.units
    dv_units = units[units["service"] == "daglig_verksamhet"]
    users = demo_loaded.data.users
    assert rel((users["service"] == "daglig_verksamhet").sum(), 1002) <= TOL  # F0174
    assert rel(len(dv_units), 77) <= TOL  # F0344
    assert rel(dv_units["premises_id"].nunique(), 40) <= TOL  # F0345


def test_daily_activity_cost_per_user_at_2023_prices(demo_loaded):
    snapshot = demo_loaded.tree.snapshot(dt.date(2023, 7, 1))
    units = allocate(demo_loaded.data, snapshot).units
    dv = units[units["service"] == "daglig_verksamhet"]
    assert rel(dv["net_cost"].sum() / dv["users"].sum(), 300_995) <= TOL  # F0370


def test_daily_activity_growth_about_50_users_a_year():
    import pandas as pd

    from tests.conftest import ROOT

    history = pd.read_csv(ROOT / "data" / "demokommun" / "volume_history.csv")
    dv = history[history["service"] == "daglig_verksamhet"]
    yearly = dv.assign(year=dv["month"].str[:4].astype(int)).groupby(["year", "month"])["volume"].sum().groupby("year").mean()
    growth = yearly.loc[2019:2024].diff().dropna().mean()
    assert 40 <= growth <= 65  # F0348: about +50 users a year, expected to rise
    assert rel(yearly.loc[2024], 1002) <= TOL and rel(yearly.loc[2023], 943) <= TOL  # F0174, F0374


def test_top_housing_level_costs_almost_12_msek(demo_result):
    users = demo_result.allocation.users
    top = users[(users["service"] == "bostad_vuxna") & (users["level"] == 8)]
    assert len(top) >= 5
    assert 11.9e6 * (1 - TOL) <= top["net_cost"].mean() < 12.0e6  # F0155 "nästan 12 miljoner": almost, not above


def test_sfb_cases(demo_loaded):
    """F0181 is 2024's mean per month: users.csv (the December stock) and the history's 2024 mean both near it."""
    import pandas as pd

    from tests.conftest import ROOT

    assert rel((demo_loaded.data.users["service"] == "personlig_assistans_sfb").sum(), 435) <= TOL  # F0181
    history = pd.read_csv(ROOT / "data" / "demokommun" / "volume_history.csv")
    sfb = history[(history["service"] == "personlig_assistans_sfb") & history["month"].str.startswith("2024")]
    assert rel(sfb.groupby("month")["volume"].sum().mean(), 435) <= TOL  # like for like: 427.8, −1.7 %


def test_marginal_lss_assistance_hour(demo_result, demo_loaded):
    rates = demo_result.allocation.constants.rates["personlig_assistans"]
    marginal = rates.cost_per_hour * (1 + demo_loaded.snapshot["personlig_assistans.overhead_share"])
    assert rel(marginal, 363.54) <= TOL  # F0492


def test_the_blended_lss_hour_is_the_figure_model_md_documents(demo_result):
    """docs/model.md says the board's LSS hour (own and bought) averages ≈ 345 SEK, 5 % below F0492: kept true."""
    users = demo_result.allocation.users
    lss = users[users["service"] == "personlig_assistans_lss"]
    hour = lss["net_cost"].sum() / (lss["weekly_hours"].sum() * demo_result.allocation.constants.weeks)
    assert round(hour) == 345 and rel(hour, 363.54) > TOL  # not met: 62 % of the hours bought at 332.60


def test_payroll_overhead_about_45_percent(demo_result, demo_loaded):
    snap = demo_loaded.snapshot
    wages = 12 * snap["salaries.stodassistent"] * (1 + holiday_pay_share(snap)) * (
        1 + snap["bostad_vuxna.unsocial_hours_supplement"])
    loaded = demo_result.allocation.constants.rates["bostad_vuxna"].role_cost_per_fte["stodassistent"]
    assert rel(loaded / wages - 1, 0.4504) <= TOL  # F0483


def test_own_provider_revenue_and_gap(demo_result):
    users = demo_result.allocation.users
    sfb = users[users["service"] == "personlig_assistans_sfb"]
    assert rel(sfb["revenue"].sum(), 87_660_000) <= TOL  # F0290 assistansersättning to own provider
    # F0189: the own provider's budget deviation ≈ 11 MSEK over its SFB and LSS cases, of which the wage/state-rate
    # gap is the main cause; the model's gap is that structural part for the SFB cases only (docs/model.md), so the
    # two measures differ and a wider 10 % band is stated here
    assert rel(users["own_provider_gap"].sum(), 11_000_000) <= 0.10


def test_children_homes_cost_per_user(demo_result):
    users = demo_result.allocation.users
    child = users[users["service"] == "bostad_barn"]
    assert rel(len(child), 15) <= TOL  # F0158
    assert rel(child["net_cost"].mean(), 5.99e6) <= TOL  # F0494 (6.49 MSEK 2023) − F0162 (0.5 MSEK)


@pytest.mark.parametrize(("service", "tolerance"), [("daglig_verksamhet", 0.05), ("bostad_vuxna", 0.05),
                                                    ("bostad_barn", 0.10)])  # only four children's homes
def test_roster_close_to_need_overall(demo_result, service, tolerance):
    units = demo_result.allocation.units
    sel = units[units["service"] == service]
    assert rel(sel["fte_roster"].sum(), sel["fte_required"].sum()) <= tolerance
