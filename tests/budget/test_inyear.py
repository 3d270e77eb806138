"""In-year full-year forecast (helårsprognos) and its backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.budget import inyear as iy
from resmodel.budget import inyear_checks as checks
from resmodel.budget.areas import AREA_KEYS
from resmodel.demo.budget_inputs import generate_budget_inputs
from resmodel.errors import InputError


@pytest.fixture(scope="module")
def demo():
    return generate_budget_inputs(seed=7)


@pytest.fixture(scope="module")
def backtest(demo):
    return iy.backtest(demo["actuals"], demo["frames"], demo["known_changes"])


def _exact_history(years=(2021, 2022, 2023), trend=0.0) -> pd.DataFrame:
    """No noise: each area's rate has a fixed seasonal shape, volumes a constant monthly trend."""
    shape = np.array([1.0, 0.98, 1.0, 1.0, 1.03, 0.97, 0.8, 0.92, 1.02, 1.02, 1.03, 1.23])
    shape = shape / shape.mean()
    rows = []
    for i, y in enumerate(years):
        for a_i, area in enumerate(AREA_KEYS):
            for m in range(12):
                volume = 0.0 if area == "forvaltningsovergripande" else 100.0 + a_i + trend * (12 * i + m)
                rate = 1000.0 * (1.04 ** i) * shape[m]
                rows.append((y, m + 1, area, (volume or 1.0) * rate, volume))
    return pd.DataFrame(rows, columns=checks.ACTUALS_COLUMNS)


def test_a_known_full_year_is_forecast_exactly_from_any_month():
    actuals = _exact_history()
    frames = pd.DataFrame([(2023, a, 1.0e6) for a in AREA_KEYS], columns=checks.FRAME_COLUMNS)
    outcome = actuals[actuals["year"] == 2023]["cost"].sum()
    for k in (1, 4, 8, 11, 12):
        f = iy.forecast(actuals, frames, 2023, k).set_index("area")
        assert f.loc["total", "forecast"] == pytest.approx(outcome, rel=1e-9)


def test_organic_volume_trend_is_carried_forward():
    actuals = _exact_history(trend=0.5)
    frames = pd.DataFrame([(2023, a, 0.0) for a in AREA_KEYS], columns=checks.FRAME_COLUMNS)
    outcome = actuals[actuals["year"] == 2023]["cost"].sum()
    f = iy.forecast(actuals, frames, 2023, 3).set_index("area")
    assert f.loc["total", "forecast"] == pytest.approx(outcome, rel=1e-9)
    flat = iy.forecast(actuals, frames, 2023, 3, settings=iy.InYearSettings(volume_trend=False)).set_index("area")
    assert flat.loc["total", "forecast"] < outcome


def test_error_shrinks_as_months_accumulate(backtest):
    """Acceptance: on synthetic history with a known outcome, the error falls with the months."""
    s = iy.accuracy_by_month(backtest)
    total = s[s["area"] == "total"].set_index("month")["mae_msek"]
    quarters = [total.loc[1:3].mean(), total.loc[4:6].mean(), total.loc[7:9].mean(), total.loc[10:11].mean()]
    assert quarters == sorted(quarters, reverse=True)
    assert total.loc[11] < total.loc[1] / 5 and total.loc[12] == 0.0


def test_known_changes_are_used_only_once_known(demo):
    a, f, ch = demo["actuals"], demo["frames"], demo["known_changes"]
    september = (ch["year"] == 2024) & (ch["month"] == 9) & (ch["area"] == "daglig_verksamhet")
    assert september.sum() == 1 and ch[september]["known_month"].iat[0] == 2

    def dv(month, changes):
        return iy.forecast(a, f, 2024, month, changes).set_index("area").loc["daglig_verksamhet", "forecast"]

    # after March the September unit (decided in February) adds its 20 users for Sep–Dec
    assert dv(3, ch) > dv(3, ch[~september])
    # after January it is not yet known, so it cannot change the forecast
    assert dv(1, ch) == pytest.approx(dv(1, ch[~september]))


def test_forecast_table_has_intervals_and_deviation(demo):
    f = iy.forecast(demo["actuals"], demo["frames"], 2024, 8, demo["known_changes"])
    assert list(f["area"]) == [*AREA_KEYS, "total"]
    assert (f["lo"] <= f["forecast"]).all() and (f["forecast"] <= f["hi"]).all()
    np.testing.assert_allclose(f["deviation"], f["frame"] - f["forecast"])
    assert (f["deviation_lo"] <= f["deviation"]).all() and (f["deviation"] <= f["deviation_hi"]).all()


def test_backtest_shape_and_markdown(backtest):
    assert set(backtest["year"]) == {2020, 2021, 2022, 2023, 2024}
    assert backtest.groupby("year")["month"].nunique().eq(12).all()
    text = iy.accuracy_markdown(iy.accuracy_by_month(backtest))
    assert text.startswith("| forecast after month") and text.count("\n") == 13


@pytest.mark.parametrize("mutate, message", [
    (lambda t: t.drop(columns=["volume"]), "column 'volume' is missing"),
    (lambda t: t.assign(month=t["month"].where(t.index != 5, 13)), "row 7, column 'month'"),
    (lambda t: t.assign(area=t["area"].where(t.index != 3, "daglig_verksamhe")), "did you mean 'daglig_verksamhet'"),
    (lambda t: pd.concat([t, t.iloc[[0]]], ignore_index=True), "appears twice"),
    (lambda t: t[~((t["year"] == 2024) & (t["month"] == 2))], "month 2 is missing"),
    (lambda t: t.assign(cost=t["cost"].astype(object).where(t.index != 9, "tio")), "row 11, column 'cost'"),
])
def test_bad_actuals_are_located(demo, mutate, message):
    with pytest.raises(InputError) as info:
        iy.forecast(mutate(demo["actuals"]), demo["frames"], 2024, 6, file="ekonomi/utfall.csv")
    assert message in str(info.value)


def test_bad_settings_and_month(demo):
    with pytest.raises(InputError, match="interval level"):
        iy.forecast(demo["actuals"], demo["frames"], 2024, 6, settings=iy.InYearSettings(level=70))
    with pytest.raises(InputError, match="a month 1–12"):
        iy.forecast(demo["actuals"], demo["frames"], 2024, 13)


def test_the_published_backtest_table_is_current():
    """docs/forecast-accuracy.md (in-year section) shows the board table the code produces for the documented seed."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "forecast-accuracy.md").read_text(encoding="utf-8")
    d = generate_budget_inputs(seed=2024)
    summary = iy.accuracy_by_month(iy.backtest(d["actuals"], d["frames"], d["known_changes"]))
    assert iy.accuracy_markdown(summary) in doc
    assert iy.area_markdown(summary, "mape_pct") in doc
    assert iy.area_markdown(summary, "coverage_pct", digits=0) in doc


def test_one_earlier_year_still_gives_an_interval_at_month_one(demo):
    """With one earlier year the seasonal profile fits that year exactly; its zero residuals must not
    make the first month's 80 % interval zero wide (it was, for every area, before the fix)."""
    two_years = demo["actuals"][demo["actuals"]["year"].isin([2019, 2020])]
    frames = demo["frames"][demo["frames"]["year"] == 2020]
    f = iy.forecast(two_years, frames, 2020, 1)
    assert (f["hi"] - f["lo"] > 0.01 * f["forecast"]).all(), f[["area", "lo", "forecast", "hi"]]


BACKTEST_WITHOUT_TWO_COMPLETE_YEARS = {
    "january-june-of-one-year": (lambda a: (a["year"] == 2024) & (a["month"] <= 6), "none"),
    "one-complete-year": (lambda a: (a["year"] == 2023) | ((a["year"] == 2024) & (a["month"] <= 6)), "2023"),
}


@pytest.mark.parametrize("name", BACKTEST_WITHOUT_TWO_COMPLETE_YEARS)
def test_a_backtest_without_two_complete_years_is_a_located_refusal(demo, name):
    """Code review: it raised pandas' 'No objects to concatenate'; only the CLI's own check avoided it."""
    keep, complete = BACKTEST_WITHOUT_TWO_COMPLETE_YEARS[name]
    actuals = demo["actuals"][keep(demo["actuals"])]
    with pytest.raises(InputError) as err:
        iy.backtest(actuals, demo["frames"], demo["known_changes"])
    (problem,) = err.value.problems
    assert problem.location.path == "inyear.backtest"
    assert problem.problem.startswith("no year to backtest") and problem.problem.endswith(f"are {complete}")
    assert "two or more complete years" in problem.expected
    assert iy.backtest_years(checks.prepare(actuals, demo["frames"]).actuals) == []


def test_a_month_missing_in_every_area_is_reported_for_every_area():
    """Economist review: a month missing for all six areas named only the first."""
    rows = [{"year": 2024, "month": m, "area": a, "cost": 100.0, "volume": 1.0}
            for a in AREA_KEYS for m in (1, 2, 4)]
    with pytest.raises(InputError) as err:
        checks.check_actuals(pd.DataFrame(rows), "a.csv")
    assert len(err.value.problems) == len(AREA_KEYS)
    assert all("2024: month 3 is missing while later months are present" in str(p) for p in err.value.problems)


def _with_change(row: dict) -> pd.DataFrame:
    return pd.DataFrame([{"year": 2024, "month": 11, "known_year": 2024, "known_month": 9, **row}])


def test_a_volume_change_on_an_area_without_volumes_is_refused_at_its_row(demo):
    """Economist review: 30 'users' on administration were added to its run rate's 1 a month: its forecast
    multiplied by about seven, exit 0."""
    with pytest.raises(InputError) as err:
        iy.forecast(demo["actuals"], demo["frames"], 2024, 9,
                    _with_change({"area": "forvaltningsovergripande", "volume_change": 30}), changes_file="ch.csv")
    problem = err.value.problems[0]
    assert (problem.location.file, problem.location.row, problem.location.column) == ("ch.csv", 2, "area")
    assert "a volume change for forvaltningsovergripande, which has no volumes in the actuals" in problem.problem


def test_a_closure_larger_than_the_volume_is_refused(demo):
    """Economist review: a change of -2000 (a typo) cut daily activity's volume to 0 silently."""
    with pytest.raises(InputError, match="the volume changes take daglig_verksamhet's volume to .* below zero"):
        iy.forecast(demo["actuals"], demo["frames"], 2024, 9,
                    _with_change({"area": "daglig_verksamhet", "volume_change": -2000}))


def test_a_framed_area_without_actuals_this_year_is_refused(demo):
    """Economist review: an export that left ovriga_lss out dropped its 182 MSEK frame from the board."""
    a = demo["actuals"]
    without = a[~((a["year"] == 2024) & (a["area"] == "ovriga_lss"))]
    with pytest.raises(InputError) as err:
        iy.forecast(without, demo["frames"], 2024, 9, file="actuals.csv", frames_file="frames.csv")
    assert "a frame for ovriga_lss 2024" in str(err.value) and "but no actuals for ovriga_lss in 2024" in str(err.value)


def test_volumes_dropped_in_the_forecast_year_are_refused(demo):
    """Economist review: the method switched silently from cost per user to a cost run rate (deviation sign flip)."""
    a = demo["actuals"].copy()
    this = (a["year"] == 2024) & (a["area"] == "daglig_verksamhet")
    a.loc[this, "volume"] = 0.0
    with pytest.raises(InputError, match="daglig_verksamhet has volumes in .* but none in 2024"):
        iy.forecast(a, demo["frames"], 2024, 9)


def test_months_written_otherwise_are_read_by_the_forecast_series_function():
    """Review: inyear had its own month patterns beside forecast.frame.month_written_otherwise (different forms
    read); the shared function now gives inyear the month number and a forecast series its YYYY-MM."""
    from resmodel.forecast.frame import month_written_otherwise

    cells = pd.Series(["jan-24", "januari 2024", "202401", "01/2024", "2024-01", "2024-01-01", "januari", "13"])
    assert month_written_otherwise(cells, month_only=True).tolist() == [1] * 7 + [pd.NA]
    assert month_written_otherwise(cells).tolist() == ["2024-01"] * 4 + [pd.NA] * 4  # a series' forms unchanged
    rows = [{"year": 2024, "month": m, "area": "lss_boende", "cost": 100.0, "volume": 1.0}
            for m in ("jan-24", "februari", "202403")]
    with pytest.raises(InputError) as err:
        checks.check_actuals(pd.DataFrame(rows), "a.csv")
    assert "3 rows write the month as a date or a name ('jan-24' → 1, 'februari' → 2, '202403' → 3)" in str(err.value)
