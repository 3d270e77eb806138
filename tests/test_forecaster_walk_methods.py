"""A planner's walk on own data and a code review of the forecasting commands: Theta's collapsed variance, auto's
backtest rows that never reach comb, nowcast coverage counted through öre rounding, and the queue's rates and the
nowcast's --as-of checked as the core and the API check them. Each finding that gave a wrong or misleading result,
pinned."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.forecast.frame import split_series, validate_long
from resmodel.forecast.models import Theta, plausible_theta_variance, z_value
from resmodel.forecast.nowcast import held, rounding_tolerance, rounding_unit
from resmodel.forecast.nowcast_report import nowcast_report
from tests.forecast.conftest import monthly_frame, run_cli, trend_season

PLANNER_YEARS = [742.0, 738, 751, 769, 781, 796]  # 2019–2024, changes −4 … +18


def _write(frame: pd.DataFrame, path) -> str:
    frame.to_csv(path, index=False)
    return str(path)


def _yearly(y, start: int = 2019) -> pd.DataFrame:
    return pd.DataFrame({"unique_id": "F", "ds": [str(start + i) for i in range(len(y))], "y": np.asarray(y, float)})


# --- 1. Theta: a collapsed σ² is floored at the innovation variance the changes imply -------------------------------

def test_a_collapsed_theta_variance_gets_the_innovation_variance_the_changes_imply(tmp_path):
    """statsmodels' σ² on the planner's 6-point series was 1.7e-5 against Var(Δy) = 73.7: 2025's 80 % interval was
    801.90–802.01 where the year-to-year changes run −4 … +18. The point forecast (801.96) is kept."""
    res = run_cli(["forecast", "--series", _write(_yearly(PLANNER_YEARS), tmp_path / "f.csv"), "--model", "theta",
                   "--out", tmp_path / "out"])
    assert res.exit_code == 0, res.stderr
    out = pd.read_csv(tmp_path / "out" / "forecast.csv")
    assert out["theta"].iloc[0] == pytest.approx(801.96, abs=0.01)
    changes = float(np.var(np.diff(PLANNER_YEARS), ddof=1))
    half = out["theta-hi-80"].iloc[0] - out["theta"].iloc[0]
    # σ² is now Var(Δy)/(1 + θ²), θ = α − 1 in [−1, 0]: at least half the changes' variance
    assert half >= z_value(80) * np.sqrt(changes / 2) > 7


def test_the_floor_binds_only_far_below_the_implied_variance():
    """The floor is a tenth of Var(Δy)/(1 + (α − 1)²): a low but sound σ² (simulated fits never fell below 0.21 of it)
    is kept; a collapsed one is replaced by the implied variance; a straight line (no variance) has none to floor."""
    y = np.array(PLANNER_YEARS)
    changes = float(np.var(np.diff(y), ddof=1))
    implied = changes / (1 + (0.4 - 1) ** 2)
    assert plausible_theta_variance(y, 0.21 * implied, alpha=0.4) == 0.21 * implied
    assert plausible_theta_variance(y, 1.7e-5, alpha=0.4) == pytest.approx(implied)
    assert plausible_theta_variance(y, 1.7e-5) == pytest.approx(changes)  # α unknown: a random walk's, θ = 0
    assert plausible_theta_variance(5 + 3.0 * np.arange(6), 4.5e-12, alpha=1.0) == 4.5e-12
    s = split_series(*validate_long(_yearly(PLANNER_YEARS)))[0]
    fit = Theta().predict(s, 1, (80,))
    assert fit.hi[80][0] - fit.mean[0] > 7  # ±0.06 before


# --- 2. auto's backtest rows that never reach comb, while the forecast on the whole series uses it ------------------

def test_backtest_says_when_auto_never_reached_comb_that_the_forecast_uses(tmp_path):
    """72 months: every default origin has under 62 months before it, so auto there is select's choice; the forecast
    on all 72 months is comb, which nothing in the backtest scored and nothing said so."""
    series = _write(monthly_frame("F", trend_season(72)), tmp_path / "m72.csv")
    res = run_cli(["backtest", "--series", series, "--models", "naive,auto", "--out", tmp_path / "bt"])
    assert res.exit_code == 0, res.stderr
    metrics = pd.read_csv(tmp_path / "bt" / "backtest_metrics.csv").set_index("model")
    assert "comb" not in metrics.at["auto", "model_used"]
    note = [line for line in res.stderr.splitlines() if "never comb" in line]
    assert len(note) == 1 and note[0].startswith("note: F: auto at these backtest origins is select's choice (")
    assert "the forecast on the whole 72 months uses comb" in note[0]
    assert "add comb to --models to backtest it (--models naive,auto,comb)" in note[0]
    assert run_cli(["forecast", "--series", series, "--out", tmp_path / "fc"]).exit_code == 0
    assert set(pd.read_csv(tmp_path / "fc" / "forecast.csv")["auto-model_used"]) == {"comb"}  # what the note says


def test_no_such_note_where_the_forecast_does_not_use_comb(tmp_path):
    """50 months are too few for comb in the forecast too (and a yearly auto prefers nothing): nothing to say."""
    series = _write(monthly_frame("F", trend_season(50)), tmp_path / "m50.csv")
    res = run_cli(["backtest", "--series", series, "--models", "naive,auto", "--out", tmp_path / "bt"])
    assert res.exit_code == 0, res.stderr
    assert "never comb" not in res.stderr
    yearly = _write(_yearly(np.linspace(100, 160, 14) + np.tile([0.0, 3.0], 7), 2011), tmp_path / "y.csv")
    res = run_cli(["backtest", "--series", yearly, "--models", "naive,auto", "--out", tmp_path / "by"])
    assert res.exit_code == 0, res.stderr
    assert "never" not in res.stderr


# --- 3. nowcast coverage within the rounding of the amounts ----------------------------------------------------------

def _exact_share_triangle(months: int = 48) -> pd.DataFrame:
    """Invoices reported 40/30/15/10/5 % over lags 0–4, each rounded to öre."""
    rng = np.random.default_rng(3)
    service = pd.period_range("2021-01", periods=months, freq="M")
    rows = []
    for i, month in enumerate(service):
        total = 1_000_000 + 4000 * i + rng.normal(0, 30000)
        rows += [(str(month), str(month + lag), round(total * share, 2))
                 for lag, share in enumerate((0.40, 0.30, 0.15, 0.10, 0.05)) if month + lag <= service[-1]]
    return pd.DataFrame(rows, columns=["service_month", "reporting_month", "amount_sek"])


def test_an_exactly_right_zero_width_interval_counts_as_covered(tmp_path):
    """The chain ladder's intervals on exact shares are ~zero wide (se ≈ 0.006 SEK) and its nowcasts right to the
    öre; counted exactly, öre rounding made hits and misses: 'coverage_80 58.33' at lag 1 with MAPE 0.00."""
    res = run_cli(["nowcast", "--triangle", _write(_exact_share_triangle(), tmp_path / "tri.csv"),
                   "--out", tmp_path / "nc"])
    assert res.exit_code == 0, res.stderr
    summary = pd.read_csv(tmp_path / "nc" / "nowcast_backtest.csv").set_index("lag")
    for lag in ("1", "2", "3", "4"):
        assert summary.at[lag, "mape_nowcast"] < 1e-5
        assert summary.at[lag, "coverage_80"] == 100.0 and summary.at[lag, "coverage_95"] == 100.0


def test_the_tolerance_is_the_rounding_of_the_invoices_a_settled_amount_sums():
    """Half the rounding unit per invoice row of the month: öre-rounded amounts 0.005 SEK a row, whole kronor 0.5;
    amounts written unrounded and case counts (counted, not rounded) none — a miss by 0.24 SEK of an unrounded
    triangle stays a miss."""
    inv = _exact_share_triangle()
    assert rounding_unit(inv["amount_sek"]) == 0.01
    assert rounding_unit(inv["amount_sek"].round(0)) == 1.0
    assert rounding_unit(inv["amount_sek"] * (1 + 1e-7)) == 0.0
    months = pd.Series(["2021-01", "2024-12"])  # five invoice rows, one
    assert list(rounding_tolerance(inv, "amount_sek", months)) == pytest.approx([0.025, 0.005])
    assert list(rounding_tolerance(inv.assign(cases=inv["amount_sek"].round(0)), "cases", months)) == [0.0, 0.0]
    truth, bound = pd.Series([1000.02, 1000.03]), pd.Series([1000.0, 1000.0])
    assert list(held(truth, bound, bound, np.array([0.025, 0.025]))) == [True, False]
    assert not held(pd.Series([1000.24]), bound[:1], bound[:1], 0.0).iloc[0]
    big = pd.Series([2e12 * (1 + 5e-10)])  # floating-point error of large amounts: a relative 1e-9
    assert bool(held(big, pd.Series([2e12]), pd.Series([2e12]), 0.0).iloc[0])


def test_the_overall_coverage_counts_as_the_backtest_table_does():
    """The line '80 % intervals held the settled amount in …' (``NowcastReport.coverage_80``, the API's
    backtest_coverage_80) counts as the table by lag: the origins' weighted mean of its coverage_80."""
    inv = _exact_share_triangle().assign(service_month=lambda d: pd.to_datetime(d["service_month"]),
                                         reporting_month=lambda d: pd.to_datetime(d["reporting_month"]))
    report = nowcast_report(inv, "amount_sek", inv["reporting_month"].max())
    by_lag = report.backtest[report.backtest["lag"] != "sum of recent months"]
    weighted = (by_lag["coverage_80"] * by_lag["origins"]).sum() / by_lag["origins"].sum()
    assert report.coverage_80 == pytest.approx(weighted) and weighted > 98


# --- 5. the queue's rates checked by the core's rule; --as-of's year ---------------------------------------------------

def _queue_args(tmp_path, *rates):
    demand = pd.DataFrame({"month": [f"2025-{m:02d}" for m in range(1, 13)], "service": "boendestod",
                           "volume": 100.0})
    return ["queue", "--demand", _write(demand, tmp_path / "demand.csv"), "--service", "boendestod", "--places", "100",
            *rates, "--out", tmp_path / "q"]


@pytest.mark.parametrize(("rates", "told"), [
    (["--exit-rate", "2"], "at '--exit-rate': --exit-rate 2 is outside 0–1. Expected a monthly share between 0 and 1 "
                           "(e.g. 0.004 for 0.4 % a month). Fix: correct --exit-rate"),
    (["--aiviv-resume-rate", "nan"], "at '--aiviv-resume-rate': --aiviv-resume-rate nan is outside 0–1"),
    (["--exit-rate", "0.6", "--aiv-rate", "0.5"], "at '--exit-rate/--aiv-rate/--aiviv-rate': exit, AIV and AIViV "
                                                  "rates add up to more than 1 (1.1)"),
])
def test_queue_rates_are_refused_at_their_options(tmp_path, rates, told):
    res = run_cli(_queue_args(tmp_path, *rates))
    assert res.exit_code == 2 and told in res.stderr
    assert not (tmp_path / "q").exists()


def test_the_queue_rates_follow_queue_params_own_rule(tmp_path, monkeypatch):
    """The CLI has no rule of its own (it had the 0–1 range and the sum ≤ 1 a second time): a stricter core rule is
    the command's too, located at the option, before any input is read."""
    from resmodel.errors import InputError, Location
    from resmodel.forecast.queue import QueueParams

    def stricter(self):
        if self.exit_rate > 0.5:
            raise InputError.at(Location(path="queue.exit_rate"), f"exit_rate = {self.exit_rate} is above 0.5",
                                "at most 0.5", "correct exit_rate")

    monkeypatch.setattr(QueueParams, "validate", stricter)
    res = run_cli(_queue_args(tmp_path, "--exit-rate", "0.6"))
    assert res.exit_code == 2
    assert "at '--exit-rate': --exit-rate 0.6 is above 0.5" in res.stderr and "Fix: correct --exit-rate" in res.stderr


@pytest.mark.parametrize("as_of", ["2201-01", "1850-06", "20244-01", "3000-01"])
def test_nowcast_as_of_year_outside_1990_2200_is_told_as_the_year(tmp_path, as_of):
    """As the API's as_of: a year outside the triangle's years is a typing mistake (it was told as a month after or
    before the invoices, or — past 2262 — as no month at all, 'write the month as 3000-01')."""
    res = run_cli(["nowcast", "--triangle", _write(_exact_share_triangle(12), tmp_path / "tri.csv"),
                   "--as-of", as_of, "--out", tmp_path / "nc"])
    assert res.exit_code == 2
    assert f"at '--as-of': '{as_of}' is not a month of 1990–2200" in res.stderr
    assert "Fix: correct the year" in res.stderr
    assert not (tmp_path / "nc").exists()


def test_a_rate_just_above_1_is_shown_as_typed(tmp_path):
    """Diff review: --exit-rate 1.0000001 was told '--exit-rate 1 is outside 0–1' (':g' rounded the slip away)."""
    from tests.forecast.conftest import run_cli

    demand = tmp_path / "d.csv"
    demand.write_text("month,service,volume\n2025-01,daglig_verksamhet,10\n", encoding="utf-8")
    res = run_cli(["queue", "--demand", demand, "--service", "daglig_verksamhet", "--places", "10",
                   "--exit-rate", "1.0000001", "--out", tmp_path / "o"])
    assert res.exit_code == 2 and "--exit-rate 1.0000001 is outside 0–1" in res.stderr
