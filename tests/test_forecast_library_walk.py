"""Findings of two walks of the forecasting library (h19: the Python API; h21: a code review of forecast/)."""

import numpy as np
import pandas as pd
import pytest

from resmodel.errors import InputError
from resmodel.forecast import forecast_volumes
from resmodel.forecast.forecaster import check_horizon, check_horizon_end
from resmodel.forecast.frame import MONTHLY, YEARLY, Series
from resmodel.forecast.stockflow import estimate_flow_params, project_level_mix

FLOW_COLUMNS = ["year", "service", "level", "stock_start", "inflow_new_decisions", "inflow_school_leavers",
                "inflow_moves_in", "outflow_age_exit", "outflow_work_studies", "outflow_moves_out", "outflow_deaths",
                "stock_end"]


def _history(last: str = "2024-12", levels=(1, 2)) -> pd.DataFrame:
    months = pd.date_range("2022-01-01", last, freq="MS")
    return pd.concat([pd.DataFrame({"month": months, "service": "dv", "level": lv, "volume": 100.0 * lv})
                      for lv in levels], ignore_index=True)


def _flows(years) -> pd.DataFrame:
    return pd.DataFrame([(y, "dv", lv, 100 * lv, 20, 0, 0, 0, 20, 0, 0, 100 * lv) for y in years for lv in (1, 2)],
                        columns=FLOW_COLUMNS)


def test_flows_only_after_the_last_complete_year_split_by_the_last_twelve_months_with_a_warning():
    """h21 #1: a history ending in June 2024 with flows of 2024 only crashed (AttributeError on None params)."""
    result = forecast_volumes(_history("2024-06"), {}, 12, flows=_flows([2024]), default_model="naive")
    assert result.level_mix == {"dv": "last_twelve_months"}
    warned = [w for w in result.warnings if w.check == "flows_too_recent"]
    assert len(warned) == 1 and warned[0].location.path == "dv" and "2023" in warned[0].message
    shares = result.table.groupby("level")["volume"].first()
    assert shares[2] / shares.sum() == pytest.approx(2 / 3)


def test_flows_of_a_complete_year_still_project_the_mix():
    """The same flows with a history through December use the stock–flow mix (the fallback is only for no year)."""
    result = forecast_volumes(_history("2024-12"), {}, 12, flows=_flows([2024]), default_model="naive")
    assert result.level_mix == {"dv": "stockflow"}
    assert not [w for w in result.warnings if w.check == "flows_too_recent"]


def test_project_level_mix_uses_the_params_it_is_given():
    """h21 #6h: the caller's parameters are used, not estimated a second time."""
    flows = _flows([2022, 2023, 2024]).drop(columns="service")
    stock = pd.Series({1: 100.0, 2: 200.0})
    own = project_level_mix(flows, stock, 2024, 2026)
    assert own.equals(project_level_mix(flows, stock, 2024, 2026, params=estimate_flow_params(flows, 2024)))
    more_inflow = flows.assign(inflow_new_decisions=60, stock_end=flows["stock_end"] + 40)
    other = project_level_mix(flows, stock, 2024, 2026, params=estimate_flow_params(more_inflow, 2024))
    assert other["stock"].iloc[-1] > own["stock"].iloc[-1]


def test_a_history_with_a_repeated_index_is_forecast():
    """h19 #2: pd.concat without ignore_index gave KeyError '[36, …] not in index'."""
    months = pd.date_range("2022-01-01", "2024-12-01", freq="MS")
    a = pd.DataFrame({"month": months, "service": "a", "level": pd.NA, "volume": 100.0 + np.arange(36)})
    b = pd.DataFrame({"month": months, "service": "b", "level": pd.NA, "volume": 50.0})
    result = forecast_volumes(pd.concat([a, b]), {"a": "naive", "b": "naive"}, 3)
    assert result.table.groupby("service")["volume"].first().to_dict() == {"a": 135.0, "b": 50.0}


def _population() -> pd.DataFrame:
    return pd.DataFrame([(y, b, 1000.0) for y in range(2021, 2028) for b in ("20-29", "30-39")],
                        columns=["year", "age_band", "population"])


def test_age_shares_without_year_are_a_located_error_naming_the_column():
    """h19 #3: a table of service, age_band and share (as the docstring said) failed with KeyError 'year'."""
    months = pd.date_range("2022-01-01", "2024-12-01", freq="MS")
    hist = pd.DataFrame({"month": months, "service": "s", "level": pd.NA, "volume": 100.0})
    shares = pd.DataFrame({"service": "s", "age_band": ["20-29", "30-39"], "share": [0.5, 0.5]})
    with pytest.raises(InputError, match="lack the column\\(s\\) year") as err:
        forecast_volumes(hist, {"s": "demographic"}, 12, population=_population(), age_shares=shares)
    assert err.value.problems[0].location.path == "age_shares"
    result = forecast_volumes(hist, {"s": "demographic"}, 12, population=_population(),
                              age_shares=shares.assign(year=2024))  # users is optional
    assert result.table["volume"].to_numpy() == pytest.approx(100.0)


@pytest.mark.parametrize("level", ["2.5", "tre", 0])
def test_a_level_that_is_no_whole_number_1_to_8_is_a_located_error(level):
    """h21 #3: 'tre' became an empty level silently and '2.5' raised TypeError."""
    hist = pd.DataFrame({"month": [f"2020-{m:02d}" for m in range(1, 13)], "service": "s", "level": level,
                         "volume": 10.0})
    with pytest.raises(InputError, match="is not a need level") as err:
        forecast_volumes(hist, {}, 3, default_model="naive")
    assert err.value.problems[0].location.column == "level" and err.value.problems[0].location.path == "s"


def test_the_horizon_check_uses_the_end_months_year():
    """h21 #4: the cap was last.year + h // 12 + 1, refusing 720 months after 2200-12 (which ends in 2260-12)."""
    december = Series("a", MONTHLY, pd.date_range("2200-01-01", "2200-12-01", freq="MS"), [1.0] * 12, pd.DataFrame())
    check_horizon([december], 720)
    with pytest.raises(InputError, match="runs past 2260"):
        check_horizon([december], 721)
    check_horizon_end(pd.Timestamp("2259-01-01"), 1, YEARLY, "h", "2259")
    with pytest.raises(InputError, match="runs past 2260") as err:
        check_horizon_end(pd.Timestamp("2259-01-01"), 2, YEARLY, "horizon_months", "2259")
    assert err.value.problems[0].location.path == "horizon_months"
