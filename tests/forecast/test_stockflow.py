"""Stock–flow cohort model: exact accounting, level mix carried by the inflow mix, age exit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resmodel.errors import InputError
from resmodel.forecast.stockflow import (
    INFLOW_KINDS,
    OUTFLOW_KINDS,
    balance_path,
    estimate_flow_params,
    project_cohorts,
    project_level_mix,
)


def _inflows(rows):
    return pd.DataFrame(rows, columns=["year", "kind", "level", "count"])


def test_known_inflows_and_outflows_give_exact_stocks():
    initial = pd.DataFrame({"level": [1, 2], "stock": [100.0, 50.0]})
    inflows = _inflows([(2025, "new_decisions", 1, 10), (2025, "school_leavers", 2, 4), (2025, "moves_in", 1, 1),
                        (2026, "new_decisions", 1, 7), (2026, "school_leavers", 2, 5)])
    outflows = pd.DataFrame([(2025, "moves_out", 1, 3), (2025, "deaths", 2, 1), (2025, "work_studies", 1, 2),
                             (2026, "age_exit", 2, 6), (2026, "moves_out", 1, 5)],
                            columns=["year", "kind", "level", "count"])
    out = project_cohorts(initial, [2025, 2026], inflows, outflows).set_index(["year", "level"])
    assert out.loc[(2025, 1), "stock_end"] == 100 + 10 + 1 - 3 - 2 == 106
    assert out.loc[(2025, 2), "stock_end"] == 50 + 4 - 1 == 53
    assert out.loc[(2026, 1), "stock_start"] == 106 and out.loc[(2026, 1), "stock_end"] == 106 + 7 - 5 == 108
    assert out.loc[(2026, 2), "stock_end"] == 53 + 5 - 6 == 52
    assert out.loc[(2026, 2), "outflow_age_exit"] == 6


@settings(max_examples=40, deadline=None)
@given(stock=st.lists(st.integers(0, 500), min_size=3, max_size=3),
       rates=st.lists(st.floats(0, 0.2), min_size=4, max_size=4),
       inflow=st.lists(st.integers(0, 60), min_size=3, max_size=3))
def test_accounting_identity_holds_for_every_year_and_level(stock, rates, inflow):
    initial = pd.DataFrame({"level": [1, 2, 3], "stock": np.array(stock, dtype=float)})
    inflows = _inflows([(y, "new_decisions", lv + 1, inflow[lv]) for y in (1, 2, 3) for lv in range(3)])
    outflows = pd.DataFrame({"kind": list(OUTFLOW_KINDS), "rate": rates})
    out = project_cohorts(initial, [1, 2, 3], inflows, outflows)
    ins = out[[f"inflow_{k}" for k in INFLOW_KINDS]].sum(axis=1)
    outs = out[[f"outflow_{k}" for k in OUTFLOW_KINDS]].sum(axis=1)
    np.testing.assert_allclose(out["stock_end"], out["stock_start"] + ins - outs, rtol=0, atol=1e-9)
    nxt = out.groupby("level")["stock_start"].shift(-1).dropna()
    np.testing.assert_allclose(nxt, out.loc[nxt.index, "stock_end"], atol=1e-9)


def test_level_mix_moves_towards_the_inflow_mix():
    # stock all at level 1, every inflow at level 2, 10 % leaving a year: share of level 2 after t
    # years = 1 − 0.9^t · S0 / S_t with S_t = S* + (S0 − S*)·0.9^t, S* = inflow / rate
    initial = pd.DataFrame({"level": [1, 2], "stock": [1000.0, 0.0]})
    years = list(range(1, 11))
    inflows = _inflows([(y, "new_decisions", 2, 100) for y in years])
    out = project_cohorts(initial, years, inflows, pd.DataFrame({"kind": ["moves_out"], "rate": [0.1]}))
    end = out.pivot(index="year", columns="level", values="stock_end")
    np.testing.assert_allclose(end[1], 1000 * 0.9 ** np.array(years))
    np.testing.assert_allclose(end[1] + end[2], 1000.0)  # equilibrium 100 / 0.1 = 1000 kept
    share2 = end[2] / end.sum(axis=1)
    assert np.all(np.diff(share2) > 0) and share2.iloc[-1] == pytest.approx(1 - 0.9**10)


def test_age_exit_happens_at_the_configured_age():
    initial = pd.DataFrame({"level": [1, 1, 1], "age": [64, 65, 66], "stock": [3.0, 5.0, 7.0]})
    ages = pd.DataFrame({"kind": ["school_leavers"], "age": [20], "share": [1.0]})
    inflows = _inflows([(2025, "school_leavers", 1, 4), (2026, "school_leavers", 1, 2)])
    out = project_cohorts(initial, [2025, 2026], inflows, pd.DataFrame({"kind": ["deaths"], "rate": [0.0]}),
                          exit_age=67, inflow_ages=ages)
    assert out["outflow_age_exit"].tolist() == [7.0, 5.0]  # the 66-year-olds, then the 65-year-olds
    assert out["stock_end"].tolist() == [15 - 7 + 4, 12 - 5 + 2]
    out65 = project_cohorts(initial.assign(age=[62, 63, 64]), [2025], inflows, pd.DataFrame({"kind": ["deaths"], "rate": [0.0]}),
                            exit_age=65, inflow_ages=ages)
    assert out65["outflow_age_exit"].tolist() == [7.0]


def test_rates_above_one_and_unknown_kinds_are_errors():
    initial = pd.DataFrame({"level": [1], "stock": [10.0]})
    with pytest.raises(InputError, match="add up to more than 1"):
        project_cohorts(initial, [1], _inflows([]), pd.DataFrame({"kind": ["deaths", "moves_out"], "rate": [0.6, 0.5]}))
    with pytest.raises(InputError, match="unknown flow kind"):
        project_cohorts(initial, [1], _inflows([(1, "births", 1, 1)]), pd.DataFrame({"kind": ["deaths"], "rate": [0.1]}))


def test_estimated_parameters_and_projected_mix_follow_recent_flows():
    flows = pd.DataFrame({
        "year": [2022, 2022, 2023, 2023, 2024, 2024], "level": [1, 2] * 3,
        "stock_start": [80.0, 20, 82, 22, 84, 24], "inflow_new_decisions": [10.0, 10, 10, 10, 10, 10],
        "inflow_school_leavers": 0.0, "inflow_moves_in": 0.0, "outflow_age_exit": [8.0, 8, 8, 8, 8, 8],
        "outflow_work_studies": 0.0, "outflow_moves_out": 0.0, "outflow_deaths": 0.0,
    })
    flows["stock_end"] = flows["stock_start"] + 10 - 8
    p = estimate_flow_params(flows, 2024)
    assert p.total_inflow == 20 and p.total_rate == pytest.approx(48 / 312)
    assert estimate_flow_params(flows, 2021) is None
    mix = project_level_mix(flows, pd.Series([86.0, 26.0], index=[1, 2]), 2024, 2040)
    share2 = mix[mix["level"] == 2].set_index("year")["share"]
    # each level moves by its own rate (statistician review, finding 3): level 1 24/246 (246 person-years: its
    # own), level 2 24/66 over 66 person-years, weighted √0.66 against the pooled 48/312, its inflow scaled by the
    # same shrinkage so that its own steady state 10 / (24/66) is kept (diff review)
    z = np.sqrt(66 / 100)
    r2 = z * 24 / 66 + (1 - z) * 48 / 312
    t = np.arange(0, 17)
    s1, s2 = balance_path(86.0, 10.0, 24 / 246, t), balance_path(26.0, 10.0 * r2 / (24 / 66), r2, t)
    np.testing.assert_allclose(share2.to_numpy(), s2 / (s1 + s2), rtol=1e-12)


def test_balance_path_is_the_yearly_stock_recursion_at_whole_years():
    """Statistician review: the rate is a share of the start-of-year stock, but the path read it as a continuous
    rate (e^(−rt)), so the total model and the cohort projection disagreed (426.4 against 434.5 after 5 years)."""
    stock, path = [300.0], balance_path(300.0, 100.0, 0.2, np.arange(6.0))
    for _ in range(5):
        stock.append(stock[-1] * (1 - 0.2) + 100)  # S₁ = S₀(1 − r) + I, as project_cohorts moves people
    np.testing.assert_allclose(path, stock)
    assert path[5] == pytest.approx(434.464, abs=1e-3)
    half = balance_path(300.0, 100.0, 0.2, np.array([0.5]))[0]
    assert 300 < half < stock[1] and half == pytest.approx(500 - 200 * 0.8 ** 0.5)  # geometric within the year
    np.testing.assert_allclose(balance_path(100.0, 20.0, 0.0, np.array([0.0, 1.0, 10.0])), [100, 120, 300])


def test_every_outflow_rate_is_a_share_of_the_start_of_year_stock():
    """Rates are estimated as outflows over the start-of-year stock, so four 5 % rates on 1 000 users take 200
    (applied one after another to what the last left, they took 185.5)."""
    initial = pd.DataFrame({"level": [1], "stock": [1000.0]})
    rates = pd.DataFrame({"kind": ["work_studies", "moves_out", "deaths", "age_exit"], "rate": [0.05] * 4})
    out = project_cohorts(initial, [2025], _inflows([]), rates).iloc[0]
    assert [out[f"outflow_{k}"] for k in rates["kind"]] == [50.0] * 4
    assert out["stock_end"] == 800.0


def test_the_stockflow_forecast_follows_the_balance_equation_from_the_current_level():
    """Yearly series: from the last value (a one-year mean centred on it), the stock after t years of the last
    three complete years' mean inflow I and pooled outflow rate r: S* + (S0 − S*)·(1 − r)^t, S* = I / r."""
    from resmodel.forecast.frame import YEARLY, Series
    from resmodel.forecast.stockflow import StockFlow

    years = np.arange(2015, 2025)
    flows = pd.DataFrame({"year": years, "stock_start": 400.0 + 10 * (years - 2015)})
    for kind in INFLOW_KINDS:
        flows[f"inflow_{kind}"] = 0.0
    flows["inflow_new_decisions"] = 30.0 + (years - 2015)  # the last three years: 37, 38, 39
    for kind in OUTFLOW_KINDS:
        flows[f"outflow_{kind}"] = 0.0
    flows["outflow_moves_out"] = 0.05 * flows["stock_start"]
    ds = pd.date_range("2015-01-01", periods=10, freq="YS")
    y = flows["stock_start"].to_numpy() + 5
    s = Series("s", YEARLY, ds, y, pd.DataFrame(index=range(10)))
    fit = StockFlow({"s": flows}).predict(s, 4, (80,))
    t = np.arange(1, 5)
    np.testing.assert_allclose(fit.mean, balance_path(y[-1], 38.0, 0.05, t), rtol=1e-12)
    equilibrium = 38.0 / 0.05
    np.testing.assert_allclose(fit.mean, equilibrium + (y[-1] - equilibrium) * 0.95 ** t, rtol=1e-12)


def test_outflow_rates_may_differ_by_level():
    initial = pd.DataFrame({"level": [1, 2], "stock": [100.0, 50.0]})
    rates = pd.DataFrame({"kind": ["deaths", "deaths"], "level": [1, 2], "rate": [0.1, 0.2]})
    out = project_cohorts(initial, [2025], _inflows([]), rates).set_index("level")
    assert out.loc[1, "outflow_deaths"] == pytest.approx(10.0) and out.loc[2, "outflow_deaths"] == pytest.approx(10.0)
    assert out["stock_end"].tolist() == [90.0, 40.0]


def test_a_monthly_stockflow_forecast_keeps_the_seasonal_pattern_around_the_balance_path():
    """A level of 500 with an exact ±20 summer pattern and flows in balance (inflow = rate × stock): the forecast
    is the pattern around a flat 500."""
    from resmodel.forecast.frame import MONTHLY, Series
    from resmodel.forecast.stockflow import StockFlow

    years = np.arange(2019, 2025)
    flows = pd.DataFrame({"year": years, "stock_start": 500.0})
    for kind in INFLOW_KINDS:
        flows[f"inflow_{kind}"] = 0.0
    flows["inflow_new_decisions"] = 50.0
    for kind in OUTFLOW_KINDS:
        flows[f"outflow_{kind}"] = 0.0
    flows["outflow_moves_out"] = 50.0  # 10 % a year: equilibrium 50 / 0.1 = 500
    pattern = 20 * np.cos(2 * np.pi * np.arange(12) / 12)
    y = 500 + np.tile(pattern, 6)
    ds = pd.date_range("2019-01-01", periods=72, freq="MS")
    fit = StockFlow({"s": flows}).predict(Series("s", MONTHLY, ds, y, pd.DataFrame(index=range(72))), 24, (80,))
    np.testing.assert_allclose(fit.mean, 500 + np.tile(pattern, 2), atol=1e-9)


def test_projected_mix_with_ages_exits_at_the_exit_age_and_enters_new_decisions_at_the_stocks_ages():
    """Level 1: 50 users aged 40 and 50 aged 70 (older than the exit age 67: counted as 66, so they leave
    in the first year); every year 20 new decisions at level 1, entering at the stock's ages (half at 40,
    half at 66, who leave a year later), and 10 school leavers at level 2 aged 20; no other outflows.
    Level 1 ends the years at 50 + 20 = 70, then 50 + 10 + 20 = 80, then 90; level 2 at 10, 20, 30."""
    flows = pd.DataFrame({
        "year": [2022, 2022, 2023, 2023, 2024, 2024], "level": [1, 2] * 3, "stock_start": [100.0, 0.0] * 3,
        "inflow_new_decisions": [20.0, 0.0] * 3, "inflow_school_leavers": [0.0, 10.0] * 3, "inflow_moves_in": 0.0,
        "outflow_age_exit": [30.0, 0.0] * 3, "outflow_work_studies": 0.0, "outflow_moves_out": 0.0,
        "outflow_deaths": 0.0,
    })
    ages = pd.DataFrame({"level": [1, 1], "age": [40, 70], "share": [0.5, 0.5]})
    mix = project_level_mix(flows, pd.Series([100.0, 0.0], index=[1, 2]), 2024, 2027, ages=ages, exit_age=67)
    share2 = mix[mix["level"] == 2].set_index("year")["share"]
    np.testing.assert_allclose(share2.to_numpy(), [0.0, 10 / 80, 20 / 100, 30 / 120], rtol=1e-12)
    # without ages, age exit is a rate (30 of 100 a year) and the 70-year-olds are not singled out
    by_rate = project_level_mix(flows, pd.Series([100.0, 0.0], index=[1, 2]), 2024, 2025)
    assert by_rate[by_rate["level"] == 2].set_index("year").loc[2025, "share"] == pytest.approx(10 / 100)


def test_a_history_ending_mid_year_moves_the_mix_a_year_per_year_of_flows():
    """Statistician review: a June stock was projected as if it were December's, so the first year-end share had a
    full year of flows applied over six months (histories ending in June and December gave the same shares)."""
    from resmodel.forecast.interface import _level_shares

    flows = pd.DataFrame({"service": "dv", "year": [2022, 2022, 2023, 2023], "level": [1, 2] * 2,
                          "stock_start": [50.0, 50, 45, 55], "inflow_new_decisions": [0.0, 10, 0, 10],
                          "inflow_school_leavers": 0.0, "inflow_moves_in": 0.0, "outflow_age_exit": 5.0,
                          "outflow_work_studies": 0.0, "outflow_moves_out": 0.0, "outflow_deaths": 0.0})
    flows["stock_end"] = flows["stock_start"] + flows["inflow_new_decisions"] - 5
    months = pd.date_range("2022-01-01", "2024-06-01", freq="MS")
    history = pd.concat([pd.DataFrame({"service": "dv", "month": months, "level": level, "volume": 50.0})
                         for level in (1, 2)], ignore_index=True)
    dates = pd.date_range("2024-07-01", periods=30, freq="MS")
    shares, _ = _level_shares(history, "dv", dates, flows, None, 67, [])
    mix = project_level_mix(flows[flows["service"] == "dv"].drop(columns="service"),
                            pd.Series([50.0, 50.0], index=[1, 2]), 2023, 2026)
    first_year = mix[mix["level"] == 2].set_index("year")["share"].loc[2024]
    assert shares.loc["2025-06-01", 2] == pytest.approx(first_year)  # a year of flows on the June stock: June
    # half of it by December: the stocks (not the shares) are interpolated, as the levels' volumes follow them
    half = (50.0 + mix[mix["year"] == 2024].set_index("level")["stock"]) / 2
    assert shares.loc["2024-12-01", 2] == pytest.approx(half[2] / half.sum())


def _turnover_flows() -> pd.DataFrame:
    """A small high-turnover service: more leave in a year than were there at its start (rate 2.5)."""
    flows = pd.DataFrame({"service": "kv", "year": [2022, 2023, 2024], "level": [np.nan] * 3, "stock_start": 2.0})
    for kind in INFLOW_KINDS:
        flows[f"inflow_{kind}"] = 0.0
    flows["inflow_new_decisions"] = 5.0
    for kind in OUTFLOW_KINDS:
        flows[f"outflow_{kind}"] = 0.0
    flows["outflow_moves_out"] = 5.0
    flows["stock_end"] = 2.0
    return flows


def test_outflows_above_the_stock_make_the_total_model_fall_back_and_the_level_mix_a_located_error():
    """Review: a rate above 1 gave the total model I/r at once while the level mix failed at 'stockflow.outflow_rates',
    a setting the user never wrote."""
    from resmodel.forecast.frame import YEARLY, Series
    from resmodel.forecast.interface import _level_shares
    from resmodel.forecast.models import ModelFitError
    from resmodel.forecast.stockflow import StockFlow

    flows = _turnover_flows()
    s = Series("kv", YEARLY, pd.date_range("2022-01-01", periods=3, freq="YS"), np.array([2.0, 2.0, 2.0]),
               pd.DataFrame(index=range(3)))
    with pytest.raises(ModelFitError, match="outflows exceed the start-of-year stock"):
        StockFlow({"kv": flows.drop(columns="service")}).predict(s, 2, (80,))
    levelled = pd.concat([flows.assign(level=1), flows.assign(level=2)], ignore_index=True)
    levelled.attrs["source"] = "flows.csv"
    months = pd.date_range("2022-01-01", "2024-12-01", freq="MS")
    history = pd.concat([pd.DataFrame({"service": "kv", "month": months, "level": lv, "volume": 2.0})
                         for lv in (1, 2)], ignore_index=True)
    with pytest.raises(InputError) as err:
        _level_shares(history, "kv", pd.date_range("2025-01-01", periods=12, freq="MS"), levelled, None, 67, [])
    assert "flows.csv, at 'kv'" in str(err.value) and "outflows above the start-of-year stock" in str(err.value)
