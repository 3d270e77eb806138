"""Projection engine: hand checks, a pure-Python month-by-month reference of the same formulas,
property tests (hypothesis), determinism and located errors for bad inputs."""

from __future__ import annotations

import calendar
import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resmodel.budget.case import run_budget
from resmodel.budget.periods import Horizon
from resmodel.budget.projection import SICK_LEAVE_2024, AssistanceParams, ProjectionInputs, project
from resmodel.budget.volumes import flat, from_long
from resmodel.errors import InputError

from .conftest import small_case


def _reference_net_cost(inputs: ProjectionInputs) -> dict[tuple[str, int], float]:
    """Month-by-month loop over services with scalar arithmetic (independent of the kernel)."""
    a, e = inputs.assistance, inputs.external[0]
    uc = inputs.unit_costs.set_index("service")
    out: dict[tuple[str, int], float] = {}
    first = inputs.first_year
    for service in inputs.volumes.columns:
        for y in range(first, first + inputs.years):
            wage = np.prod([1 + inputs.wage_growth[t] for t in range(inputs.base_year + 1, y + 1)])
            price = (1 + inputs.price_growth) ** (y - inputs.base_year)
            rent = (1 + inputs.rent_growth) ** (y - inputs.base_year)
            rate = 332.60 * (1 + a.state_rate_extension) ** (y - 2024)
            days_year = 366 if calendar.isleap(y) else 365
            total = 0.0
            for m in range(1, 13):
                v = float(inputs.volumes.loc[pd.Period(f"{y}-{m:02d}", "M"), service])
                days = calendar.monthrange(y, m)[1]
                w = days / days_year
                if service == "personlig_assistans_sfb":
                    total += v * min(20, a.sfb_hours_per_week) * days / 7 * rate
                elif service == "personlig_assistans_lss":
                    total += v * a.lss_hours_per_case * w * a.lss_cost_per_hour * wage
                elif service == "personlig_assistans_egen_utforare":
                    total += v * w * (a.own_provider_cost_per_hour * wage - rate)
                elif service == e.service:
                    t = ((y - first) * 12 + m) / 12
                    existing = min(v, e.existing_places * (1 - e.turnover) ** t)
                    total += (existing + (v - existing) * (1 + e.new_place_premium)) * e.price_per_day * days * price
                else:
                    row = uc.loc[service]
                    per = 1.0 / row["volume"]
                    total += v * w * per * (row["staff_cost"] * wage + row["premises_cost"] * rent
                                            + (row["other_cost"] - row["revenue"]) * price)
            out[(service, y)] = total
    return out


def test_kernel_equals_the_scalar_reference():
    case = small_case(years=3)
    result = project(case.inputs)
    t = result.yearly[(result.yearly["measure"] == "net_cost") & (result.yearly["service"] != "total")]
    reference = _reference_net_cost(case.inputs)
    assert len(t) == len(reference)
    for _, row in t.iterrows():
        assert row["value"] == pytest.approx(reference[(row["service"], int(row["period"]))], rel=1e-12)


def test_monthly_rows_add_up_to_years_and_services_to_totals():
    result = project(small_case(years=2).inputs)
    m, y = result.monthly, result.yearly
    m_net = m[(m["measure"] == "net_cost") & (m["service"] != "total")].copy()
    m_net["year"] = m_net["period"].str[:4]
    by_year = m_net.groupby(["service", "year"])["value"].sum()
    y_net = y[(y["measure"] == "net_cost") & (y["service"] != "total")].set_index(["service", "period"])["value"]
    np.testing.assert_allclose(by_year.sort_index().to_numpy(), y_net.sort_index().to_numpy(), rtol=1e-12)
    board = y[(y["measure"] == "net_cost") & (y["area"] == "total")].set_index("period")["value"]
    areas = y[(y["measure"] == "net_cost") & (y["service"] == "total") & (y["area"] != "total")].groupby("period")[
        "value"].sum()
    np.testing.assert_allclose(board.sort_index(), areas.sort_index(), rtol=1e-12)


def test_output_columns_are_fixed_and_runs_are_byte_identical():
    a, b = project(small_case().inputs), project(small_case().inputs)
    assert list(a.yearly.columns) == ["scenario", "period", "service", "area", "measure", "value"]
    assert a.monthly.to_csv(index=False).encode() == b.monthly.to_csv(index=False).encode()
    assert run_budget(small_case()).yearly.to_csv(index=False) == run_budget(small_case()).yearly.to_csv(index=False)


def test_new_external_places_are_dearer_and_the_stock_turns_over():
    case = small_case(years=3)
    y = project(case.inputs).series("net_cost", area="lss_boende", service="externa_platser")
    cheaper = dataclasses.replace(case.inputs, external=(dataclasses.replace(case.inputs.external[0],
                                                                             new_place_premium=0.0, turnover=0.0),))
    y0 = project(cheaper).series("net_cost", area="lss_boende", service="externa_platser")
    assert (y > y0).all() and (y - y0).is_monotonic_increasing


def test_financing_gap_widens_when_wages_outgrow_the_state_rate():
    case = small_case(years=3)
    gap = project(case.inputs).series("net_cost", area="personlig_assistans", service="personlig_assistans_egen_utforare")
    assert gap.is_monotonic_increasing  # wages +3.5 % a year vs the state rate's declared +1.85 %


def test_sick_leave_raises_staff_cost_through_available_time():
    case = small_case(years=1)
    base = project(case.inputs).series("staff_cost", area="daglig_verksamhet", service="daglig_verksamhet")
    sick = dataclasses.replace(case.inputs, sick_leave={2025: SICK_LEAVE_2024 + 0.02})
    more = project(sick).series("staff_cost", area="daglig_verksamhet", service="daglig_verksamhet")
    assert more.iloc[0] / base.iloc[0] == pytest.approx((1 - SICK_LEAVE_2024) / (1 - SICK_LEAVE_2024 - 0.02))


@settings(max_examples=25, deadline=None)
@given(extra=st.floats(min_value=0.0, max_value=500.0), factor=st.floats(min_value=0.5, max_value=3.0))
def test_cost_never_falls_with_volume_and_staff_cost_is_linear_in_wages(extra, factor):
    case = small_case(years=1)
    base = project(case.inputs).series("gross_cost").iloc[0]
    volumes = case.inputs.volumes.copy()
    volumes["daglig_verksamhet"] += extra
    more = project(dataclasses.replace(case.inputs, volumes=volumes)).series("gross_cost").iloc[0]
    assert more >= base - 1e-6
    uc = case.inputs.unit_costs.copy()
    uc["staff_cost"] *= factor
    scaled = project(dataclasses.replace(case.inputs, unit_costs=uc))
    orig = project(case.inputs)
    for service in ("daglig_verksamhet", "bostad_vuxna"):
        assert scaled.series("staff_cost", area=_area(service), service=service).iloc[0] == pytest.approx(
            factor * orig.series("staff_cost", area=_area(service), service=service).iloc[0], rel=1e-12)


def _area(service: str) -> str:
    return {"daglig_verksamhet": "daglig_verksamhet", "bostad_vuxna": "lss_boende"}[service]


def test_long_volumes_convert_like_the_forecast_output():
    long = pd.DataFrame({"unique_id": ["daglig_verksamhet"] * 2, "ds": ["2025-01", "2025-02"], "y": [1000.0, 1010.0]})
    wide = from_long(long, service="unique_id", period="ds", value="y")
    assert wide.loc[pd.Period("2025-02", "M"), "daglig_verksamhet"] == 1010.0


# ----------------------------------------------------------------------------- bad input


def test_horizon_beyond_index_data_without_extension_is_refused():
    case = small_case(years=3)
    short = dataclasses.replace(case.inputs, wage_growth={2025: 0.03, 2026: 0.03},
                                sources={"wage_growth": "parameters/index/wages.yaml"})
    with pytest.raises(InputError) as info:
        project(short)
    text = str(info.value)
    assert "parameters/index/wages.yaml" in text and "wage_growth.2027" in text and "declare an extension" in text
    ok = project(dataclasses.replace(short, extensions={"wage_growth": 0.03}))
    assert any("wage_growth: no data for 2027" in n for n in ok.notes)


def test_missing_months_unknown_service_and_uncosted_service_are_located():
    case = small_case(years=2)
    with pytest.raises(InputError, match="lack 12 month"):
        project(dataclasses.replace(case.inputs, volumes=case.inputs.volumes.iloc[:12]))
    bad = case.inputs.volumes.rename(columns={"boendestod": "boendestd"})
    with pytest.raises(InputError, match="did you mean 'boendestod'"):
        project(dataclasses.replace(case.inputs, volumes=bad))
    hsl = case.inputs.volumes.assign(hsl=1.0)
    with pytest.raises(InputError, match="'hsl' has a volume path but no base-year unit cost"):
        project(dataclasses.replace(case.inputs, volumes=hsl))
    negative = case.inputs.volumes.copy()
    negative.iloc[3, 0] = -1
    with pytest.raises(InputError, match="missing or negative"):
        project(dataclasses.replace(case.inputs, volumes=negative))


def test_inverted_horizon_and_bad_rule_inputs_are_refused():
    case = small_case(years=2)
    with pytest.raises(InputError, match="before the base year"):
        project(dataclasses.replace(case.inputs, start_year=2020))
    with pytest.raises(InputError, match="between 1 and 1.12"):
        project(dataclasses.replace(case.inputs, assistance=AssistanceParams(own_provider_rate_factor=1.5)))
    with pytest.raises(InputError, match="growth rate outside"):
        project(dataclasses.replace(case.inputs, price_growth=2.5))


def test_flat_volume_helper_and_day_weights():
    h = Horizon(2024, 2)
    assert h.month_weights.reshape(2, 12).sum(axis=1) == pytest.approx([1.0, 1.0])
    assert flat({"x": 3}, h).shape == (24, 1)


def _series(case, service: str, measure: str, area: str | None = None) -> pd.Series:
    yearly = run_budget(case).yearly
    rows = (yearly["measure"] == measure) & ((yearly["service"] == service) if area is None
                                             else (yearly["area"] == area) & (yearly["service"] == "total"))
    return yearly[rows].set_index("period")["value"]


def test_the_own_providers_higher_rate_scales_its_revenue():
    """Mutation check: dropping own_provider_rate_factor from the revenue (a scenario's förhöjt timbelopp, up to
    1.12) failed no test — every reference case used 1.0."""
    case = small_case(3)
    higher = dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, assistance=dataclasses.replace(
        case.inputs.assistance, own_provider_rate_factor=1.12)))
    own = "personlig_assistans_egen_utforare"
    ratio = _series(higher, own, "revenue") / _series(case, own, "revenue")
    np.testing.assert_allclose(ratio.to_numpy(), 1.12, rtol=1e-12)
    np.testing.assert_allclose(_series(higher, own, "staff_cost"), _series(case, own, "staff_cost"), rtol=1e-12)


def test_a_level_mix_drift_compounds_on_the_level_services_staff_and_other_costs_only():
    """Mutation check: the level-mix factor dropped from other costs failed no test (every case had no drift);
    docs/budget.md §3: staff and other costs × L_y of the level services, premises not, other services not."""
    case = small_case(3)
    drift = dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, level_mix_drift=0.01))
    for service, expected in (("bostad_vuxna", 1.01 ** np.arange(1, 4)), ("daglig_verksamhet", 1.01 ** np.arange(1, 4)),
                              ("boendestod", np.ones(3))):
        for measure in ("staff_cost", "other_cost"):
            ratio = _series(drift, service, measure) / _series(case, service, measure)
            np.testing.assert_allclose(ratio.to_numpy(), expected, rtol=1e-12, err_msg=f"{service} {measure}")
        premises = _series(drift, service, "premises_cost") / _series(case, service, "premises_cost")
        np.testing.assert_allclose(premises.to_numpy(), 1.0, rtol=1e-12)


def test_a_supplementary_budget_is_nominal_under_a_fixed_uppräkning():
    """Mutation check: multiplying tilläggsbudgetar by the frame index failed no test (the only case was in the
    base year, index 1); they are nominal SEK for their year (F0134–F0137)."""
    from resmodel.budget.frame import Supplement
    case = small_case(3)  # fixed uppräkning 3 % a year
    topped = dataclasses.replace(case, frame=case.frame.model_copy(update={"supplements": [
        Supplement(area="daglig_verksamhet", year=2026, amount=4_100_000)]}))
    assert _series(topped, "", "frame_supplement", "daglig_verksamhet").tolist() == [0.0, 4_100_000.0, 0.0]
    difference = _series(topped, "", "frame", "daglig_verksamhet") - _series(case, "", "frame", "daglig_verksamhet")
    np.testing.assert_allclose(difference.to_numpy(), [0.0, 4_100_000.0, 0.0], atol=1e-6)
