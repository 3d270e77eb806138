"""The interface the budget projection calls: forecast_volumes, and the demo forecast inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.demo.forecast_inputs import generate_forecast_inputs
from resmodel.errors import InputError
from resmodel.forecast.interface import OUTPUT_COLUMNS, age_shares_from_users, forecast_volumes
from resmodel.forecast.stockflow import FLOW_COLUMNS, INFLOW_KINDS, OUTFLOW_KINDS
from tests.forecast.conftest import ROOT, trend_season


def history(n: int = 48) -> pd.DataFrame:
    """Daily activity by level (two levels), and SFB cases without levels."""
    months = pd.date_range("2021-01-01", periods=n, freq="MS").strftime("%Y-%m")
    dv = trend_season(n, seed=2)
    sfb = 400 + np.arange(n) * 0.5
    rows = [(m, "daglig_verksamhet", 1, v * 0.7) for m, v in zip(months, dv, strict=True)]
    rows += [(m, "daglig_verksamhet", 2, v * 0.3) for m, v in zip(months, dv, strict=True)]
    rows += [(m, "personlig_assistans_sfb", None, v) for m, v in zip(months, sfb, strict=True)]
    h = pd.DataFrame(rows, columns=["month", "service", "level", "volume"])
    h["level"] = h["level"].astype("Int64")
    return h


def test_output_columns_levels_and_totals():
    h = history()
    res = forecast_volumes(h, {"daglig_verksamhet": "drift", "personlig_assistans_sfb": "naive"}, 24)
    t = res.table
    assert tuple(t.columns) == OUTPUT_COLUMNS
    assert len(t) == 24 * 3 and t["month"].min() == pd.Timestamp("2025-01-01")
    dv = t[t["service"] == "daglig_verksamhet"].groupby("month")["volume"].sum()
    last = h[h["service"] == "daglig_verksamhet"].groupby("month")["volume"].sum()
    slope = (last.iloc[-1] - last.iloc[0]) / (len(last) - 1)
    np.testing.assert_allclose(dv.to_numpy(), last.iloc[-1] + slope * np.arange(1, 25))
    shares = t[(t["service"] == "daglig_verksamhet")].pivot(index="month", columns="level", values="volume")
    np.testing.assert_allclose(shares[1] / shares.sum(axis=1), 0.7)
    sfb = t[t["service"] == "personlig_assistans_sfb"]
    assert sfb["level"].isna().all() and sfb["model_used"].eq("naive").all()
    assert (t["volume_lo_80"] <= t["volume"]).all() and (t["volume"] <= t["volume_hi_80"]).all()
    assert (t["volume_lo_95"] <= t["volume_lo_80"]).all()


def test_overrides_by_number_and_by_year():
    res = forecast_volumes(history(), {"daglig_verksamhet": 1000, "personlig_assistans_sfb": {2025: 450, 2026: 470}}, 36)
    t = res.table
    dv = t[t["service"] == "daglig_verksamhet"].groupby("month")["volume"].sum()
    assert np.allclose(dv, 1000) and t.loc[t["service"] == "daglig_verksamhet", "model_used"].eq("override").all()
    sfb = t[t["service"] == "personlig_assistans_sfb"].set_index("month")["volume"]
    assert sfb["2025-06-01"] == 450 and sfb["2026-06-01"] == 470 and sfb["2027-12-01"] == 470
    assert [w.check for w in res.warnings] == ["override_extended"]


def test_default_model_and_a_subset_of_services():
    res = forecast_volumes(history(), {"daglig_verksamhet": "naive"}, 12, default_model="drift",
                           services=["personlig_assistans_sfb", "daglig_verksamhet"])
    used = res.table.groupby("service")["model_used"].first()
    assert used.to_dict() == {"daglig_verksamhet": "naive", "personlig_assistans_sfb": "drift"}
    only = forecast_volumes(history(), None, 12, default_model="naive", services=["personlig_assistans_sfb"])
    assert set(only.table["service"]) == {"personlig_assistans_sfb"}
    with pytest.raises(InputError) as err:
        forecast_volumes(history(), None, 12, services=["boendestöd"])
    assert err.value.problems[0].location.path == "services.boendestöd"
    with pytest.raises(InputError) as err:  # code review: it was 'not a service in the history'
        forecast_volumes(history(), {"daglig_verksamhet": "naive"}, 12, services=["personlig_assistans_sfb"])
    assert "'daglig_verksamhet' is not among the services forecast (personlig_assistans_sfb)" in str(err.value)
    assert "or add it to the services forecast" in str(err.value)


@pytest.mark.parametrize("spec, message", [
    ({"dagligverksamhet": "naive"}, "'dagligverksamhet' is not a service"),
    ({"daglig_verksamhet": "holt"}, "unknown model 'holt'"),
    ({"daglig_verksamhet": "demographic"}, "needs a population projection"),
    ({"daglig_verksamhet": {2026: 5}}, "override starts in 2026"),
    ({"daglig_verksamhet": -3}, "is negative"),
    ({"daglig_verksamhet": {3: 5}}, "override key 3 is not a year (levels cannot be set here"),
    ({"daglig_verksamhet": {1850: 5, 2025: 6}}, "override key 1850 is not a year"),
    ({"daglig_verksamhet": 1e306}, "override volume 1e+306 is too large"),
    ({"daglig_verksamhet": {2025: 2e6}}, "override volume is too large"),
])
def test_bad_specs_are_located_at_the_service(spec, message):
    with pytest.raises(InputError) as err:
        forecast_volumes(history(), spec, 12)
    assert message in str(err.value)
    assert err.value.problems[0].location.path.startswith("spec.")


def test_demographic_model_and_projected_level_mix_with_demo_inputs():
    h = history(60)
    inputs = generate_forecast_inputs(h, seed=1)
    users = pd.DataFrame({"service": "daglig_verksamhet", "level": [1, 2, 2], "birth_year": [1990, 1970, 2003]})
    shares = age_shares_from_users(users, sorted(inputs["population"]["age_band"].unique()), 2025)
    res = forecast_volumes(h, {"daglig_verksamhet": "demographic", "personlig_assistans_sfb": "stockflow"}, 24,
                           population=inputs["population"], age_shares=shares, flows=inputs["flows"])
    t = res.table
    assert set(t["model_used"]) == {"demographic", "stockflow"}
    assert not any(w.check == "no_age_structure" for w in res.warnings)  # SFB has no ages, but uses stock–flow
    dv = t[t["service"] == "daglig_verksamhet"].pivot(index="month", columns="level", values="volume")
    assert dv.notna().all().all() and (dv.sum(axis=1).diff().dropna().abs() < 200).all()


def test_demo_inputs_are_deterministic_and_consistent_with_the_history():
    h = history(60)
    a, b = generate_forecast_inputs(h, 7), generate_forecast_inputs(h, 7)
    for key in ("population", "flows", "invoice_triangle"):
        pd.testing.assert_frame_equal(a[key], b[key])
    assert not a["invoice_triangle"].equals(generate_forecast_inputs(h, 8)["invoice_triangle"])
    f = a["flows"]
    assert list(f.columns) == ["year", "service", "level", *FLOW_COLUMNS]
    ins = f[[f"inflow_{k}" for k in INFLOW_KINDS]].sum(axis=1)
    outs = f[[f"outflow_{k}" for k in OUTFLOW_KINDS]].sum(axis=1)
    assert (f["stock_end"] == f["stock_start"] + ins - outs).all()
    dec = h[h["month"].str.endswith("-12")].assign(year=lambda d: d["month"].str[:4].astype(int))
    merged = f.merge(dec, left_on=["year", "service", "level"], right_on=["year", "service", "level"])
    assert len(merged) == len(f[f["year"] <= 2025]) and (merged["stock_end"] == merged["volume"].round()).all()
    dv = f[f["service"] == "daglig_verksamhet"]
    school = dv["inflow_school_leavers"].sum() / (dv["inflow_school_leavers"] + dv["inflow_new_decisions"]).sum()
    assert 0.2 < school < 0.3  # F0347: about a quarter
    tri = a["invoice_triangle"]
    lag = (pd.to_datetime(tri["reporting_month"]).dt.to_period("M").astype("int64")
           - pd.to_datetime(tri["service_month"]).dt.to_period("M").astype("int64"))
    assert lag.min() >= 1 and lag.max() >= 12  # invoices keep arriving for a year and more
    assert tri["reporting_month"].max() == "2025-12"


def test_a_horizon_past_the_last_date_pandas_holds_is_located():
    with pytest.raises(InputError, match="runs past 2260") as err:
        forecast_volumes(history(), {}, 3000)
    assert err.value.problems[0].location.path == "horizon_months"


@pytest.mark.parametrize("fast, warned", [(0.08, True), (0.05, False)])
def test_a_moving_level_mix_is_warned_because_the_forecast_keeps_the_last_mix(fast, warned):
    """Level 8 growing 8 % a year against 5 % for level 1 moves its share by more than half a point in
    three years: the forecast (which keeps the last twelve months' mix) says so; an even growth does not."""
    months = pd.date_range("2020-01-01", periods=60, freq="MS")
    years = np.arange(60) / 12
    h = pd.concat([pd.DataFrame({"month": months, "service": "daglig_verksamhet", "level": level,
                                 "volume": base * (1 + rate) ** years})
                   for level, base, rate in ((1, 80.0, 0.05), (8, 20.0, fast))], ignore_index=True)
    res = forecast_volumes(h, {"daglig_verksamhet": "drift"}, 12)
    shifts = [w for w in res.warnings if w.check == "level_mix_shift"]
    assert bool(shifts) is warned
    if warned:
        assert "level 1 was" in shifts[0].message or "level 8 was" in shifts[0].message
        assert "2021-01–2021-12" in shifts[0].message and "2024-01–2024-12" in shifts[0].message


def test_no_mix_warning_and_no_crash_when_a_service_had_no_users_three_years_ago():
    """Code review: a service started less than four years ago (zeros before) made the mix comparison divide by 0."""
    months = pd.date_range("2020-01-01", periods=60, freq="MS")
    volume = np.where(np.arange(60) < 30, 0.0, 10.0 + np.arange(60) * 0.1)
    h = pd.concat([pd.DataFrame({"month": months, "service": "daglig_verksamhet", "level": level, "volume": volume})
                   for level in (1, 2, 3)], ignore_index=True)
    res = forecast_volumes(h, {"daglig_verksamhet": "drift"}, 24)
    assert not [w for w in res.warnings if w.check == "level_mix_shift"] and len(res.table) == 3 * 24


def test_yearly_volumes_average_the_forecast_months_of_each_year_by_their_days():
    """A year the forecast covers only in part is the average of its forecast months (it was their sum / 12),
    day-weighted as the projection weighs months; the service total sums the levels month by month."""
    from resmodel.forecast.interface import YEARLY_COLUMNS, yearly_volumes

    months = pd.to_datetime(["2024-11", "2024-12", "2025-01", "2025-02"])
    level_1 = pd.DataFrame({"service": "dv", "level": 1, "month": months, "volume": [10.0, 20.0, 30.0, 40.0]})
    level_2 = level_1.assign(level=2, volume=[1.0, 2.0, 3.0, 4.0])
    table = pd.concat([level_1, level_2], ignore_index=True)
    for bound, factor in (("lo_80", 0.9), ("hi_80", 1.1), ("lo_95", 0.8), ("hi_95", 1.2)):
        table[f"volume_{bound}"] = table["volume"] * factor
    table["model_used"] = "drift"
    yearly = yearly_volumes(table)
    assert list(yearly.columns) == list(YEARLY_COLUMNS)
    out = yearly.set_index(["level", "year"])
    assert out.loc[("1", 2024), "months"] == 2 and out.loc[("total", 2025), "months"] == 2
    assert out.loc[("1", 2024), "volume"] == pytest.approx((10 * 30 + 20 * 31) / 61)
    assert out.loc[("total", 2025), "volume"] == pytest.approx((33 * 31 + 44 * 28) / 59)
    assert out.loc[("total", 2025), "volume_hi_95"] == pytest.approx(1.2 * (33 * 31 + 44 * 28) / 59)
    assert list(out.reset_index()["level"]) == ["1", "1", "2", "2", "total", "total"]


@pytest.mark.parametrize(("drop", "expected"), [
    (lambda h: (h["service"] == "externa_platser") & (h["month"] > "2018-06"),
     "row 2923, column 'month', at 'externa_platser': externa_platser's history ends in 2018-06, the other services' "
     "in 2024-12"),
    (lambda h: (h["service"] == "daglig_verksamhet") & (h["level"] == "2") & (h["month"] > "2018-12"),
     "row 379, column 'month', at 'daglig_verksamhet level 2': daglig_verksamhet level 2 ends in 2018-12, "
     "the service's other levels in 2024-12"),
])
def test_a_service_or_level_that_stops_early_is_a_located_error(tmp_path, drop, expected):
    """Fuzz review: a service ending in 2018-06 was forecast from 2025-01 on (its months mislabelled), and a level
    ending early read as a fall of the service's total, both without a word."""
    from resmodel.io.series import read_volume_history

    history = pd.read_csv(ROOT / "data" / "demokommun" / "volume_history.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "history.csv"
    history[~drop(history)].to_csv(path, index=False)
    with pytest.raises(InputError, match=expected):
        read_volume_history(path, "history.csv")


def test_a_level_service_without_volume_in_its_last_year_splits_by_its_last_mix_with_a_warning(tmp_path):
    """Fuzz review: twelve months of zeros at every level gave 0/0 level shares — empty cells in the forecast."""
    from resmodel.io.series import read_volume_history

    history = pd.read_csv(ROOT / "data" / "demokommun" / "volume_history.csv", dtype=str, keep_default_na=False)
    history.loc[(history["service"] == "bostad_barn") & (history["month"] > "2023-12"), "volume"] = "0"
    history.to_csv(tmp_path / "h.csv", index=False)
    h = read_volume_history(tmp_path / "h.csv", "h.csv")
    result = forecast_volumes(h, None, 12, source="h.csv", default_model="naive", services=["bostad_barn"])
    barn = result.table[result.table["service"] == "bostad_barn"]
    assert barn[["volume", "volume_lo_80", "volume_hi_95"]].notna().all().all()
    mix_2023 = h[(h["service"] == "bostad_barn") & (h["month"].dt.year == 2023)].groupby("level")["volume"].sum()
    hi = barn[barn["month"] == barn["month"].min()].set_index("level")["volume_hi_80"]
    assert (hi / hi.sum()).to_numpy() == pytest.approx((mix_2023 / mix_2023.sum()).to_numpy())
    warning = next(w for w in result.warnings if w.check == "level_mix_empty")
    assert "splits by the mix of 2023-01 – 2023-12, the last months with volume" in str(warning)


def test_the_level_that_ends_early_is_blamed_and_a_level_may_start_later(tmp_path):
    """Code review: with two levels, a tie picked the complete level as the odd one and advised deleting it."""
    from resmodel.io.series import read_volume_history

    history = pd.read_csv(ROOT / "data" / "demokommun" / "volume_history.csv", dtype=str, keep_default_na=False)
    barn = history["service"] == "bostad_barn"
    two = history[~barn | history["level"].isin(["3", "5"])]
    late = two[~((two["service"] == "bostad_barn") & (two["level"] == "5") & (two["month"] < "2019-01"))]
    late.to_csv(tmp_path / "late.csv", index=False)
    assert len(read_volume_history(tmp_path / "late.csv", "late.csv")) == len(late)  # level 5 starts in 2019
    early = two[~((two["service"] == "bostad_barn") & (two["level"] == "3") & (two["month"] > "2018-06"))]
    early.to_csv(tmp_path / "early.csv", index=False)
    with pytest.raises(InputError, match="at 'bostad_barn level 3': bostad_barn level 3 ends in 2018-06"):
        read_volume_history(tmp_path / "early.csv", "early.csv")


def test_with_flows_a_service_without_volume_in_its_last_month_starts_the_cohorts_from_its_last_counts(tmp_path):
    """Code review: the fallback gave the cohort model shares (about one person), so the inflow mix took over."""
    from resmodel.io.series import read_flows, read_volume_history

    history = pd.read_csv(ROOT / "data" / "demokommun" / "volume_history.csv", dtype=str, keep_default_na=False)
    vuxna = history["service"] == "bostad_vuxna"
    history.loc[vuxna & (history["month"] == "2024-12"), "volume"] = "0"
    history.to_csv(tmp_path / "h.csv", index=False)
    h = read_volume_history(tmp_path / "h.csv", "h.csv")
    flows = read_flows(ROOT / "data" / "demokommun" / "flows.csv")
    result = forecast_volumes(h, None, 12, source="h.csv", default_model="naive", services=["bostad_vuxna"],
                              flows=flows)
    first = result.table[result.table["month"] == result.table["month"].min()].set_index("level")["volume_hi_80"]
    november = h[(h["service"] == "bostad_vuxna") & (h["month"] == "2024-11-01")].set_index("level")["volume"]
    assert (first / first.sum()).to_numpy() == pytest.approx((november / november.sum()).to_numpy(), abs=0.003)
    assert any(w.check == "level_mix_empty" and "last month" in str(w) for w in result.warnings)


def test_the_exit_age_drives_only_daily_activitys_level_mix():
    """Persona review: with users' ages the stock–flow mix of adult housing lost its 60–66-year-olds at 67 (a
    daily-activity rule; the demo's adult housing has no age exits), moving level 2 from 11.5 % to 13.2 % in a
    year. The ages drive the age exit of daily activity only; other services keep their flows' rates."""
    from resmodel.forecast.interface import user_ages_by_level
    from resmodel.io.series import read_flows, read_users_ages, read_volume_history

    data = ROOT / "data" / "demokommun"
    hist, flows = read_volume_history(data / "volume_history.csv"), read_flows(data / "flows.csv")
    ages = user_ages_by_level(read_users_ages(data / "users.csv"), 2024)
    spec = dict.fromkeys(("daglig_verksamhet", "bostad_vuxna"), "naive")
    hist = hist[hist["service"].isin(spec)]
    with_ages, without = (forecast_volumes(hist, spec, 12, flows=flows, user_ages=a).table for a in (ages, None))
    housing = [t[t["service"] == "bostad_vuxna"].reset_index(drop=True) for t in (with_ages, without)]
    pd.testing.assert_frame_equal(*housing)
    daily = [t[t["service"] == "daglig_verksamhet"]["volume"].to_numpy() for t in (with_ages, without)]
    assert np.abs(daily[0] - daily[1]).max() > 0.01  # daily activity's age exit follows its users' ages


def test_no_age_structure_is_said_only_where_the_demographic_model_may_forecast():
    """Persona review: services forecast with naive were told their demographic model followed the whole
    population."""
    h = history(60)
    inputs = generate_forecast_inputs(h, seed=1)
    spec = {"daglig_verksamhet": "naive", "personlig_assistans_sfb": "demographic"}
    res = forecast_volumes(h, spec, 12, population=inputs["population"])
    assert [w.location.path for w in res.warnings if w.check == "no_age_structure"] == ["personlig_assistans_sfb"]


def test_a_population_that_starts_after_the_history_asks_for_the_first_years():
    h = history(60)
    population = generate_forecast_inputs(h, seed=1)["population"]
    late = population[population["year"] >= 2023]
    with pytest.raises(InputError, match=r"Fix: add the population of 2021–2022 \(the history's first years\)"):
        forecast_volumes(h, {"daglig_verksamhet": "demographic"}, 12, population=late)


def test_flows_that_end_before_the_history_are_warned_about():
    """Persona review: flows ending in 2022 under a history to 2024 were used without a word."""
    from resmodel.io.series import read_flows, read_volume_history

    data = ROOT / "data" / "demokommun"
    hist = read_volume_history(data / "volume_history.csv")
    flows = read_flows(data / "flows.csv")
    spec = {"daglig_verksamhet": "naive"}
    hist = hist[hist["service"] == "daglig_verksamhet"]
    old = flows[flows["year"] <= 2022]
    stale = [w for w in forecast_volumes(hist, spec, 12, flows=old).warnings if w.check == "flows_stale"]
    assert len(stale) == 1 and "the flows end in 2022, the history's last complete year is 2024" in stale[0].message
    assert not [w for w in forecast_volumes(hist, spec, 12, flows=flows).warnings if w.check == "flows_stale"]


def test_flows_without_levels_leave_the_mix_to_the_last_twelve_months_and_say_so():
    """Persona review: total-only flows of daily activity were 'used' for its level mix, which they cannot
    move; the forecast said nothing of it."""
    from resmodel.io.series import read_flows, read_volume_history

    data = ROOT / "data" / "demokommun"
    hist = read_volume_history(data / "volume_history.csv")
    hist = hist[hist["service"].isin(["daglig_verksamhet", "bostad_vuxna"])]
    flows = read_flows(data / "flows.csv")
    dv = flows[flows["service"] == "daglig_verksamhet"]
    totals = dv.groupby(["year", "service"], as_index=False).sum(numeric_only=True).assign(level=pd.NA)
    mixed = pd.concat([flows[flows["service"] == "bostad_vuxna"], totals[flows.columns]], ignore_index=True)
    spec = dict.fromkeys(("daglig_verksamhet", "bostad_vuxna"), "naive")
    res = forecast_volumes(hist, spec, 12, flows=mixed)
    assert res.level_mix == {"bostad_vuxna": "stockflow", "daglig_verksamhet": "last_twelve_months"}
    assert [w.location.path for w in res.warnings if w.check == "flows_without_levels"] == ["daglig_verksamhet"]
    frozen = forecast_volumes(hist, spec, 12).table
    pd.testing.assert_frame_equal(res.table[res.table["service"] == "daglig_verksamhet"].reset_index(drop=True),
                                  frozen[frozen["service"] == "daglig_verksamhet"].reset_index(drop=True))


@pytest.mark.parametrize(("band", "bounds"), [("20-29", (20, 29)), (" 80+ ", (80, 200)), ("0 - 6", (0, 6)),
                                              ("29-20", None), ("80", None), ("", None), (None, None)])
def test_an_age_band_is_read_one_way(band, bounds):
    """Code review: the population reader and the demographic driver each parsed bands ('80+' up to 10⁶ in one,
    200 in the other; '29-20' refused by one, read by the other)."""
    from resmodel.forecast.interface import band_bounds

    assert band_bounds(band) == bounds
