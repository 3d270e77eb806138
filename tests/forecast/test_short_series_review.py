"""A statistician-economist's audit of `backtest` and `forecast` on her own short yearly series (an hourly rate of
6–7 years, series of mixed lengths): each finding that gave a wrong or misleading result, pinned."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.forecast import Forecaster, make_model
from resmodel.forecast.frame import split_series, validate_long
from resmodel.forecast.models import ARIMA, Naive, Theta, plausible_theta_variance
from tests.forecast.conftest import FIXTURES

RATE6 = FIXTURES / "short_annual.csv"  # the hourly rate 2019–2024
ZIGZAG = [100.0, 104, 100, 104, 100, 104, 100]  # no trend: select picks naive wherever it can choose


def _yearly(y, uid="r", start=2015):
    return pd.DataFrame({"unique_id": uid, "ds": [str(start + i) for i in range(len(y))], "y": np.asarray(y, float)})


def test_an_implausible_theta_variance_is_replaced_and_the_point_forecast_kept(cli, tmp_path):
    """statsmodels' σ² on the 6-point rate was 4 990 (changes of sd 2.75): ±27 % intervals. The forecast review
    found the first fix (a failed fit) threw away Theta's sound point forecast, and comb's with it; now σ² is the
    variance of the changes, the most an MA(1) innovation can have."""
    s = split_series(*validate_long(pd.read_csv(RATE6)))[0]
    fit = Theta().predict(s, 3, (80,))
    assert fit.used == "theta" and fit.mean[0] > s.y[-1]  # Theta's rising forecast, not naive's flat one
    changes = np.var(np.diff(s.y), ddof=1)
    assert fit.hi[80][0] - fit.mean[0] == pytest.approx(1.2815515655 * np.sqrt(changes), rel=1e-6)
    res = cli(["forecast", "--series", RATE6, "--model", "theta", "--h", "3", "--out", tmp_path / "f"])
    assert res.exit_code == 0, res.stderr
    out = pd.read_csv(tmp_path / "f" / "forecast.csv")
    assert set(out["theta-model_used"]) == {"theta"}
    assert ((out["theta-hi-80"] - out["theta"]) / out["theta"]).max() < 0.1


def test_a_plausible_theta_variance_passes_and_a_straight_line_has_none_to_check():
    rng = np.random.default_rng(3)
    y = 100 + np.cumsum(0.5 + rng.normal(0, 1, 20))
    changes = np.var(np.diff(y), ddof=1)
    assert plausible_theta_variance(y, 0.9 * changes) == 0.9 * changes
    assert plausible_theta_variance(y, 2.5 * changes) == changes
    assert plausible_theta_variance(5 + 3.0 * np.arange(10), 4.5e-12) == 4.5e-12  # statsmodels' σ² of a line
    line = split_series(*validate_long(_yearly(5 + 3.0 * np.arange(10))))[0]
    assert Theta().predict(line, 2, (80,)).used == "theta"


def test_lowest_mase_skips_models_that_never_ran_and_ties_go_to_the_simpler_model(cli, tmp_path):
    """ARIMA, too short at every origin, had naive's MASE and won the tie alphabetically."""
    _yearly(ZIGZAG).to_csv(tmp_path / "z.csv", index=False)
    res = cli(["backtest", "--series", tmp_path / "z.csv", "--models", "naive,arima,select", "--out", tmp_path / "b"])
    assert res.exit_code == 0, res.stderr
    m = pd.read_csv(tmp_path / "b" / "backtest_metrics.csv").set_index("model")
    assert m.loc["arima", "mase"] == m.loc["naive", "mase"] == m.loc["select", "mase"]
    assert "Lowest MASE per series: r naive (1.00 of naive's" in res.stdout, res.stdout


def test_select_choosing_naive_is_judged_and_only_its_fallback_is_not(cli, tmp_path):
    """select fell back at the first origin (too short to choose) and chose naive at the other three: the verdict
    said "not fitted on r (its fallback, naive, made every forecast)"."""
    _yearly(ZIGZAG).to_csv(tmp_path / "z.csv", index=False)
    res = cli(["backtest", "--series", tmp_path / "z.csv", "--models", "naive,arima,select", "--out", tmp_path / "b"])
    assert res.exit_code == 0, res.stderr
    assert "select needs at least 4 points to choose among its models; used naive instead in 1 of 4" in res.stderr
    assert "select: not fitted" not in res.stdout and "select: beats naive on 0 of 1 series" in res.stdout
    assert "arima: not fitted on r (its fallback, naive, made every forecast" in res.stdout
    m = pd.read_csv(tmp_path / "b" / "backtest_metrics.csv").set_index("model")
    assert m.loc["select", "fallback_windows"] == 1 and m.loc["arima", "fallback_windows"] == 4
    fc = Forecaster([Naive(), make_model("select", "Y")])
    fc.cross_validation(_yearly(ZIGZAG), h=1, n_windows=4)
    assert fc.fallback_windows == {("naive", "r"): 0, ("select", "r"): 1}


def test_coverage_on_too_few_points_is_not_judged(cli, tmp_path):
    """Yearly h = 1 with 3 windows: coverage can only be 0/33/67/100 %, so every model was 'not calibrated'."""
    res = cli(["backtest", "--series", RATE6, "--models", "naive,drift", "--out", tmp_path / "b"])
    assert res.exit_code == 0, res.stderr
    assert "drift: beats naive on 1 of 1 series; too few backtest origins to judge coverage (3; fewer than 7)" \
        in res.stdout, res.stdout
    assert "too few backtest origins to judge coverage (3))" in res.stdout  # the lowest-MASE line
    assert "— not calibrated" not in res.stdout and "cover 70–90 %" not in res.stdout
    assert "at most 41 % of the time" in res.stdout
    m = pd.read_csv(tmp_path / "b" / "backtest_metrics.csv")  # the file says what the verdict read
    assert not m["coverage_judged"].any() and set(m["fallback_windows"]) == {0}


def test_the_window_note_names_the_series_that_set_the_count(cli, tmp_path):
    """In a file of series of 6, 10 and 30 years every series got the 6-year one's 3 windows, unexplained."""
    rng = np.random.default_rng(0)
    pd.concat([_yearly(300 + np.cumsum(rng.normal(3, 2, n)), f"s{n}", 2025 - n) for n in (6, 10, 30)]).to_csv(
        tmp_path / "mix.csv", index=False)
    res = cli(["backtest", "--series", tmp_path / "mix.csv", "--models", "naive,drift", "--out", tmp_path / "b"])
    assert res.exit_code == 0, res.stderr
    assert "yearly series allow only 3 windows with h=1, step=1 — set by the shortest series (s6: 6 points)" \
        in res.stderr, res.stderr
    res = cli(["backtest", "--series", RATE6, "--models", "naive", "--h", "3", "--out", tmp_path / "one"])
    assert "allow only 1 window with h=3" in res.stderr and "shortest" not in res.stderr  # one series: nothing to name


def test_future_exogenous_years_may_be_integers_as_in_the_history():
    """pd.to_datetime(2025) is 2025 ns after 1970: 'future exogenous values missing from 2025'."""
    years = list(range(2010, 2025))
    df = pd.DataFrame({"unique_id": "r", "ds": years, "y": 100 + 3.0 * np.arange(15) + np.sin(np.arange(15)),
                       "pop": 1000 + 10.0 * np.arange(15)})
    future = pd.DataFrame({"unique_id": "r", "ds": [2025, 2026], "pop": [1150.0, 1160.0]})
    out = Forecaster([ARIMA(exog=("pop",))]).forecast(df, h=2, X_df=future)
    assert list(out["ds"].dt.year) == [2025, 2026] and set(out["arima-model_used"]) == {"arima"}
    as_text = Forecaster([ARIMA(exog=("pop",))]).forecast(df, h=2, X_df=future.assign(ds=["2025", "2026"]))
    pd.testing.assert_frame_equal(out, as_text)


@pytest.mark.parametrize("ds, said", [(["2025.0", "2026.0"], "future period '2025.0' is not a date"),
                                      (["2025-01-15", "2026-01-15"], "future period 2025-01-15 is not the first day")])
def test_an_unreadable_future_period_is_said_so_not_called_missing(ds, said):
    """Forecast review: future periods written 2025.0 or mid-month were reported as 'values missing from 2025'."""
    from resmodel.errors import InputError

    years = list(range(2010, 2025))
    df = pd.DataFrame({"unique_id": "r", "ds": years, "y": 100 + 3.0 * np.arange(15) + np.sin(np.arange(15)),
                       "pop": 1000 + 10.0 * np.arange(15)})
    future = pd.DataFrame({"unique_id": "r", "ds": ds, "pop": [1150.0, 1160.0]})
    with pytest.raises(InputError) as err:
        Forecaster([ARIMA(exog=("pop",))]).forecast(df, h=2, X_df=future)
    assert said in str(err.value) and "row 0" in str(err.value)



def test_a_period_written_the_same_wrong_way_on_every_row_is_one_error(cli, tmp_path):
    """Years exported as 2019.0 gave one identical error per row; now one line per way of writing, with a count."""
    (tmp_path / "s.csv").write_text("unique_id,ds,y\n" + "".join(f"a,{y}.0,{y - 2000}\n" for y in range(2019, 2025))
                                    + "b,2024/1,3\n", encoding="utf-8")
    res = cli(["backtest", "--series", tmp_path / "s.csv", "--out", tmp_path / "b"])
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert res.exit_code == 2 and len(errors) == 2, res.stderr
    assert "row 2, column 'ds', at 'a': '2019.0' is not a period; so are 5 more written like it on later rows" \
        in errors[0]
    assert "row 8, column 'ds', at 'b': '2024/1' is not a period. Expected" in errors[1]
    res = cli(["backtest", "--series", RATE6, "--h", "4", "--windows", "1", "--out", tmp_path / "c"])
    assert "too few for 1 backtest window of horizon 4" in res.stderr, res.stderr


def test_coverage_is_judged_by_origins_not_by_points(cli, tmp_path):
    """Forecast review: 3 origins × h = 3 (9 points) was judged 'not calibrated' while 6 one-step points were not —
    the points of one origin move together, so the origins count."""
    from tests.conftest import ROOT

    rate = ROOT / "data" / "series" / "state_hourly_rate.csv"
    res = cli(["backtest", "--series", rate, "--models", "naive,drift", "--h", "3", "--windows", "3",
               "--out", tmp_path / "b"])
    assert res.exit_code == 0, res.stderr
    assert "too few backtest origins to judge coverage (3; fewer than 7)" in res.stdout, res.stdout
    assert "— not calibrated" not in res.stdout and "cover 70–90 %" not in res.stdout


def test_the_level_split_verdict_does_not_judge_a_model_its_fallback_made(cli, tmp_path):
    """Forecast review: on 26 months auto fell back to naive at every origin; the service line said 'not fitted',
    the level-split line credited auto with naive's numbers."""
    from tests.conftest import ROOT

    history = pd.read_csv(ROOT / "data" / "demokommun" / "volume_history.csv")
    recent = history[(history["service"] == "daglig_verksamhet") & (history["month"] >= "2022-11")]
    recent.to_csv(tmp_path / "dv26.csv", index=False)
    res = cli(["backtest", "--series", tmp_path / "dv26.csv", "--models", "naive,auto", "--out", tmp_path / "b"])
    assert res.exit_code == 0, res.stderr
    assert "auto: not fitted on daglig_verksamhet" in res.stdout
    assert "level split of auto: not fitted on daglig_verksamhet|1" in res.stdout, res.stdout
    assert "level split of auto: beats naive" not in res.stdout
    assert res.stdout.count("note: coverage") <= 1


def test_the_windows_advice_counts_what_select_and_auto_need():
    """Forecast review: 'use --windows 2' was advised where auto could be fitted at no origin: a selection needs
    MIN_POINTS and an inner horizon before its first origin."""
    yearly, monthly = make_model("select", "Y"), make_model("auto", "M")
    assert yearly.min_length_for("Y", 1) == 4 and yearly.min_length_for("Y", 3) == 5
    assert monthly.min_length_for("M", 12) == 15 and Naive().min_length_for("M", 12) == Naive().min_length("M")
