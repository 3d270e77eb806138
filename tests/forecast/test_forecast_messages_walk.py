"""Forecasting walk (h19, h21): future exogenous ids read as the history's, in-memory rows located by their period,
zero-width warnings that name the model (also on a straight line for Theta), and fallbacks told apart by their kind,
not by their message."""

import numpy as np
import pandas as pd
import pytest

from resmodel.errors import InputError
from resmodel.forecast import Forecaster, forecast_volumes, make_model
from resmodel.forecast.crossval import MODEL_FAILED, SHORT_SERIES, check_windows, run_model, windows_that_fit
from resmodel.forecast.frame import split_series, validate_long
from resmodel.forecast.models import ARIMA, Model, ModelFitError


def exog_history(uid) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A yearly series with a population column, and its population in the two years ahead."""
    n = 15
    df = pd.DataFrame({"unique_id": uid, "ds": [str(2010 + i) for i in range(n)],
                       "y": np.linspace(100, 130, n) + np.sin(np.arange(n)), "pop": np.linspace(1000, 1300, n)})
    return df, pd.DataFrame({"unique_id": uid, "ds": ["2025", "2026"], "pop": [1320.0, 1340.0]})


@pytest.mark.parametrize("uid", [7, "Norrby "])
def test_future_exogenous_ids_are_read_as_the_history_ids(uid):
    df, future = exog_history(uid)
    out = Forecaster([ARIMA(exog=("pop",))]).forecast(df, h=2, X_df=future)
    text_df, text_future = exog_history(str(uid).strip())
    expected = Forecaster([ARIMA(exog=("pop",))]).forecast(text_df, h=2, X_df=text_future)
    assert out["unique_id"].tolist() == [str(uid).strip()] * 2
    np.testing.assert_allclose(out["arima"], expected["arima"])


def monthly(y) -> pd.DataFrame:
    return pd.DataFrame({"unique_id": "s", "ds": pd.date_range("2022-01-01", periods=len(y), freq="MS"), "y": y})


def test_an_empty_value_of_an_in_memory_table_is_located_by_its_period():
    y = np.arange(25) + 10.0
    y[[4, 9]] = np.nan
    with pytest.raises(InputError) as err:
        Forecaster([make_model("naive")]).forecast(monthly(y), h=2)
    assert [str(p.location) for p in err.value.problems] == ["column 'y', at 's', period 2022-05",
                                                           "column 'y', at 's', period 2022-10"]


def test_the_more_rows_line_names_the_period_it_starts_at():
    y = np.arange(25) + 10.0
    y[3:10] = np.nan  # 7 empty: 5 listed, the line for the rest starts at the 6th (2022-09)
    with pytest.raises(InputError) as err:
        validate_long(monthly(y))
    last = err.value.problems[-1]
    assert last.problem.startswith("2 more rows, from this one on") and last.location.period == "2022-09"


def test_a_period_that_is_not_a_date_is_located_as_written():
    frame = pd.DataFrame({"unique_id": "s", "ds": [2019.0 + i for i in range(6)], "y": np.arange(6.0)})
    with pytest.raises(InputError) as err:
        validate_long(frame)
    assert [p.location.period for p in err.value.problems] == ["2019.0", "2020.0", "2021.0", "2022.0", "2023.0",
                                                               "2024.0"]


def test_an_empty_volume_of_an_in_memory_history_is_located_by_its_month():
    months = pd.date_range("2022-01-01", "2024-12-01", freq="MS")
    history = pd.DataFrame({"month": months, "service": "boendestod", "level": pd.NA, "volume": 100.0})
    history.loc[5, "volume"] = np.nan
    with pytest.raises(InputError) as err:
        forecast_volumes(history, spec={"boendestod": "naive"}, horizon_months=3)
    assert "at 'boendestod', period 2022-06" in str(err.value)


def yearly(y) -> pd.DataFrame:
    return pd.DataFrame({"unique_id": "c", "ds": [str(2010 + i) for i in range(len(y))], "y": y})


@pytest.mark.parametrize("y", [np.full(10, 42.0), 100 + 3 * np.arange(10.0)], ids=["constant", "linear"])
def test_each_zero_width_warning_names_its_model(y):
    fc = Forecaster([make_model(m) for m in ("drift", "theta", "auto")])
    fc.forecast(yearly(y), h=3)
    texts = [str(w) for w in fc.warnings if w.check == "interval_zero_width"]
    assert [w.model for w in fc.warnings if w.check == "interval_zero_width"] == ["drift", "theta", "auto"]
    assert all(f"intervals of {m} have zero width" in t for m, t in zip(("drift", "theta", "auto"), texts,
                                                                         strict=True))


@pytest.mark.parametrize("y", [np.full(40, 25.0), np.arange(40.0)], ids=["constant", "linear"])
def test_theta_on_a_history_without_variation_warns_of_zero_width(y):
    frame = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=40, freq="MS"), "y": y})
    fc = Forecaster([make_model("theta")])
    fc.forecast(frame, 13)
    assert [(w.check, w.model) for w in fc.warnings] == [("interval_zero_width", "theta")]


def test_a_straight_line_does_not_make_naive_intervals_zero():
    fc = Forecaster([make_model("naive")])
    fc.forecast(yearly(100 + 3 * np.arange(10.0)), h=3)
    assert not fc.warnings


def test_the_cli_zero_width_warning_names_the_model(cli, tmp_path):
    rows = "".join(f"c,{2019 + i},42\n" for i in range(6))
    (tmp_path / "flat.csv").write_text("unique_id,ds,y\n" + rows)
    res = cli(["forecast", "--series", tmp_path / "flat.csv", "--model", "drift", "--h", "3",
               "--out", tmp_path / "f"])
    assert res.exit_code == 0, res.stderr
    assert "[interval_zero_width]" in res.stderr and "intervals of drift have zero width" in res.stderr


class Stubborn(Model):
    """A model that cannot be estimated, with a reason that reads like a short series."""

    name = "stubborn"

    def predict(self, s, h, levels, X_future=None):
        raise ModelFitError("needs at least 3 friends")


def test_the_fallback_kind_is_data_not_read_from_the_message():
    s = split_series(*validate_long(yearly(np.arange(10.0) + 5)))[0]
    assert run_model(Stubborn(), s, 3, (80,)).fallback_kind == MODEL_FAILED
    assert run_model(make_model("ets"), s.head(5), 3, (80,)).fallback_kind == SHORT_SERIES
    assert run_model(make_model("select"), s.head(3), 3, (80,)).fallback_kind == SHORT_SERIES  # a selection's own
    fc = Forecaster([Stubborn()])
    fc.forecast(yearly(np.arange(10.0) + 5), h=3)
    assert [(w.check, w.model) for w in fc.warnings] == [(MODEL_FAILED, "stubborn")]


@pytest.mark.parametrize("points, h, step", [(10, 1, 1), (20, 3, 2), (40, 12, 6)])
def test_windows_that_fit_are_those_a_backtest_accepts(points, h, step):
    s = split_series(*validate_long(yearly(np.arange(float(points)))))[0]
    most = windows_that_fit(points, h, step)
    assert len(check_windows(s, h, most, step)) == most
    with pytest.raises(InputError):
        check_windows(s, h, most + 1, step)


@pytest.mark.parametrize(("case", "said"), [
    ("text", "a future exogenous value of 2024-06 is not a finite number"),
    ("inf", "a future exogenous value of 2024-06 is not a finite number"),
    ("dup", "the future exogenous period 2024-05 is given twice"),
])
def test_future_exogenous_values_are_checked_as_the_history_is(case, said):
    """Bad-input audit, finding 1: text in X_df was a bare ValueError, inf statsmodels' MissingDataError, and a second
    row of a period (1e6) was dropped without a word."""
    import numpy as np

    from resmodel.errors import InputError
    from resmodel.forecast import Forecaster
    from resmodel.forecast.models import ARIMA

    df = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2021-01-01", periods=40, freq="MS"),
                       "y": 100 + np.arange(40.0), "x": np.arange(40.0)})
    fut = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2024-05-01", periods=3, freq="MS"), "x": [40.0, 41, 42]})
    future = {"text": fut.assign(x=["40", "forty-one", "42"]), "inf": fut.assign(x=[40, np.inf, 42]),
              "dup": pd.concat([fut, fut.iloc[:1].assign(x=1e6)])}[case]
    with pytest.raises(InputError) as exc:
        Forecaster([ARIMA(exog=("x",))]).forecast(df, h=3, X_df=future)
    assert said in str(exc.value)
