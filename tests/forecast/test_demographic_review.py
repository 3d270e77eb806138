"""Findings 1, 5, 6 and 8 of the statistician's review of 2026-12-07, on her hand-checkable cases: the demographic
driver's base year, users outside the population's age bands, the level-split backtest's split and the note on
how the demographic model's intervals are formed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.errors import InputError
from resmodel.forecast.interface import age_shares_from_users, demographic_drivers, forecast_volumes
from resmodel.forecast.interval_notes import intervals_note
from resmodel.forecast.levelsplit import level_split_cv
from resmodel.forecast.models import demographic_driver

USERS_HEADER = "user_id,service,unit_id,level,weekly_hours,day_price,birth_year,start_date,level_assessed\n"


def _history(path, months: pd.DatetimeIndex, volume, service: str = "boendestod"):
    """A volume history of one service without levels."""
    pd.DataFrame({"month": months.strftime("%Y-%m"), "service": service, "level": "",
                  "volume": volume}).to_csv(path, index=False)
    return path


def _population(path):
    """Band 0-29: 100 people in 2020, 200 in 2021–25, 400 from 2026; band 30-64: 100 throughout (2020–2035)."""
    young = {y: 100 if y == 2020 else 200 if y <= 2025 else 400 for y in range(2020, 2036)}
    rows = [(y, band, young[y] if band == "0-29" else 100) for y in young for band in ("0-29", "30-64")]
    pd.DataFrame(rows, columns=["year", "age_band", "population"]).to_csv(path, index=False)
    return path


def _users(path, born: list[tuple[str, int]]):
    """users.csv with the (service, birth year) of each user."""
    path.write_text(USERS_HEADER + "".join(f"U{i},{service},X,,,,{year},2020-01-01,\n"
                                           for i, (service, year) in enumerate(born)))
    return path


def _demo1(tmp_path, born=(("boendestod", 2014), ("boendestod", 1984))):
    """Her case demo1: constant 100 over 2023–24, one user aged 10 (0-29) and one aged 40 (30-64) in 2024."""
    return (_history(tmp_path / "history.csv", pd.date_range("2023-01-01", periods=24, freq="MS"), 100),
            _population(tmp_path / "population.csv"), _users(tmp_path / "users.csv", list(born)))


def _forecast(cli, tmp_path, history, population, users, *models):
    out = tmp_path / "out"
    res = cli(["forecast", "--series", history, "--population", population, "--users", users,
               *[a for m in (models or ("demographic",)) for a in ("--model", m)], "--h", "36", "--out", out])
    return res, (pd.read_csv(out / "volume_forecast.csv") if res.exit_code == 0 else None)


def test_the_driver_divides_by_the_population_of_the_year_the_age_shares_are_of(cli, tmp_path):
    """Constant prevalences 0.5/200 (0-29) and 0.5/100 (30-64) in 2024: 2027 demand 0.25·400 + 0.5·100 = 150
    (dividing by the population file's first year, 2020, gave 166.67)."""
    res, table = _forecast(cli, tmp_path, *_demo1(tmp_path))
    assert res.exit_code == 0, res.stderr
    volume = table.set_index("month")["volume"]
    assert volume["2027-01"] == pytest.approx(150.0)
    assert volume["2025-06"] == pytest.approx(100.0)  # before the young band grows (placed at 1 July 2026)


def test_demographic_driver_is_prevalence_times_population():
    rows = [(y, b, (100 if y == 2020 else 200 if y <= 2025 else 400) if b == "0-29" else 100)
            for y in range(2020, 2036) for b in ("0-29", "30-64")]
    population = pd.DataFrame(rows, columns=["year", "age_band", "population"])
    driver = demographic_driver(population, pd.Series({"0-29": 0.5, "30-64": 0.5}), 2024)
    assert driver[2027] / driver[2024] == pytest.approx(1.5)
    assert driver[2024] == pytest.approx(1.0)


def test_age_shares_carry_their_year_and_the_users_in_no_band():
    users = pd.DataFrame({"service": ["a", "a", "a", "a", "b"], "birth_year": [2014, 1984, 1954, 1955, 2000]})
    shares = age_shares_from_users(users, ["0-29", "30-64"], 2024)
    a = shares[shares["service"] == "a"]
    assert a["year"].eq(2024).all()
    assert a.loc[a["age_band"].isna(), "users"].tolist() == [2]  # aged 69 and 70: in no band
    assert a.dropna(subset=["age_band"]).set_index("age_band")["share"].to_dict() == {"0-29": 0.5, "30-64": 0.5}


def test_users_outside_every_age_band_are_warned_about(cli, tmp_path):
    """Two of four users aged 69–70 where the bands end at 64: left out of the shares, now with a warning."""
    born = (("boendestod", 2014), ("boendestod", 1984), ("boendestod", 1954), ("boendestod", 1955))
    res, table = _forecast(cli, tmp_path, *_demo1(tmp_path, born))
    assert res.exit_code == 0, res.stderr
    assert table.set_index("month")["volume"]["2027-01"] == pytest.approx(150.0)  # the others' shares, as before
    assert ("[users_outside_age_bands] " + str(tmp_path / "population.csv") + ", column 'age_band', at 'boendestod': "
            "2 of the 4 users of boendestod (50.0 %) are, by their age in 2024, in no age band of the population "
            "(0-29, 30-64)") in res.stderr


def test_a_service_none_of_whose_users_is_in_a_band_is_refused(cli, tmp_path):
    born = (("boendestod", 1954), ("boendestod", 1955))
    res, _ = _forecast(cli, tmp_path, *_demo1(tmp_path, born))
    assert res.exit_code == 2
    assert (str(tmp_path / "population.csv") + ", column 'age_band', at 'boendestod': none of the 2 users of "
            "boendestod is, by their age in 2024, in an age band of the population (its bands: 0-29, 30-64)") \
        in res.stderr
    assert not (tmp_path / "out").exists()  # nothing written


def test_only_the_services_the_demographic_model_forecasts_need_users_in_a_band(cli, tmp_path):
    """Another service's users, all older than the bands, do not stop a forecast that does not use their ages (a board's
    own service: 'ledsagarservice', used here before, is now read as ledsagning, the key it names)."""
    months = pd.date_range("2023-01-01", periods=24, freq="MS")
    history = tmp_path / "history.csv"
    pd.concat([pd.DataFrame({"month": months.strftime("%Y-%m"), "service": s, "level": "", "volume": 100})
               for s in ("boendestod", "egen_insats")]).to_csv(history, index=False)
    users = _users(tmp_path / "users.csv", [("boendestod", 2014), ("boendestod", 1984), ("egen_insats", 1950)])
    res, table = _forecast(cli, tmp_path, history, _population(tmp_path / "population.csv"), users,
                           "boendestod=demographic", "egen_insats=naive")
    assert res.exit_code == 0, res.stderr
    assert "users_outside_age_bands" not in res.stderr
    by = table.set_index(["service", "month"])["volume"]
    assert by[("boendestod", "2027-01")] == pytest.approx(150.0) and by[("egen_insats", "2027-01")] == 100.0


def test_shares_of_a_year_the_population_does_not_cover_are_a_located_error():
    population = pd.DataFrame({"year": [2020, 2020, 2021, 2021], "age_band": ["0-29", "30-64"] * 2,
                               "population": 100})
    shares = age_shares_from_users(pd.DataFrame({"service": ["a"], "birth_year": [2000]}), ["0-29", "30-64"], 2030)
    with pytest.raises(InputError, match="the age shares of a are of 2030, a year the population"):
        demographic_drivers(population, shares, ["a"], pd.date_range("2020-01-01", "2021-12-01", freq="MS"))


def _new_level_history() -> pd.DataFrame:
    """Her case ls: adult housing levels 1 and 2 at 50 through 2024, level 3 from 2024-12 with 60."""
    months = pd.date_range("2024-01-01", periods=12, freq="MS")
    return pd.concat([pd.DataFrame({"month": months, "service": "bostad_vuxna", "level": lv, "volume": 50.0})
                      for lv in (1, 2)] + [pd.DataFrame({"month": months[-1:], "service": "bostad_vuxna",
                                                         "level": 3, "volume": 60.0})], ignore_index=True)


def test_the_level_split_backtest_scores_the_split_forecast_writes():
    """A level absent before it starts counts as 0 in the twelve months' mix, as in forecast_volumes: level 3's
    share is 5/105 (the backtest scored 60/160 of a total of 160, i.e. 60.0, against the 7.619 written)."""
    h = _new_level_history()
    written = forecast_volumes(h, {"bostad_vuxna": 160}, 2).table.set_index(["level", "month"])["volume"]
    levels = pd.DataFrame({"unique_id": "bostad_vuxna|" + h["level"].astype(str), "ds": h["month"], "y": h["volume"]})
    fut = pd.date_range("2025-01-01", periods=2, freq="MS")
    cv = pd.DataFrame({"unique_id": "bostad_vuxna", "ds": fut, "cutoff": pd.Timestamp("2024-12-01"), "y": 160.0})
    for model in ("naive", "drift"):
        cv[model], cv[f"{model}-lo-80"], cv[f"{model}-hi-80"], cv[f"{model}-model_used"] = 160.0, 150.0, 170.0, model
    split = level_split_cv(cv, levels, ["naive", "drift"]).set_index(["unique_id", "ds"])["drift"]
    for lv in (1, 2, 3):
        np.testing.assert_allclose(split[f"bostad_vuxna|{lv}"].to_numpy(), written[lv].to_numpy())
    assert split[("bostad_vuxna|3", fut[0])] == pytest.approx(160 * 5 / 105)


def test_the_note_says_how_the_demographic_intervals_were_formed(cli, tmp_path):
    """30 noisy months are too few for three backtest origins of the demographic model (24 months + 12 ahead):
    its intervals have the naive model's widths, and the note says so; 48 months give its own backtest's."""
    rng = np.random.default_rng(3)
    y = np.round(100 + rng.normal(0, 4, 48))
    population = _population(tmp_path / "population.csv")
    users = _users(tmp_path / "users.csv", [("boendestod", 2014), ("boendestod", 1984)])
    short = _history(tmp_path / "short.csv", pd.date_range("2022-07-01", periods=30, freq="MS"), y[-30:])
    res = cli(["forecast", "--series", short, "--population", population, "--users", users, "--model", "demographic",
               "--h", "12", "--out", tmp_path / "d"])
    assert res.exit_code == 0, res.stderr
    assert "are the model's own" not in res.stderr
    assert ("note: demographic has no error model: its intervals are normal ones with the root-mean-square error of "
            "its own backtest on the series") in res.stderr
    assert "but for boendestod the naive model's widths (a history too short for three such origins)" in res.stderr
    assert ("they do not include the uncertainty of the population projection or of the prevalences (the users' age "
            "shares)") in res.stderr
    naive = cli(["forecast", "--series", short, "--model", "naive", "--h", "12", "--out", tmp_path / "n"])
    assert naive.exit_code == 0, naive.stderr
    widths = [pd.read_csv(tmp_path / d / "volume_forecast.csv").eval("volume_hi_80 - volume") for d in ("d", "n")]
    np.testing.assert_allclose(widths[0], widths[1])  # the widths the note says were borrowed
    long = _history(tmp_path / "long.csv", pd.date_range("2021-01-01", periods=48, freq="MS"), y)
    res = cli(["forecast", "--series", long, "--population", population, "--users", users, "--model",
               "demographic", "--h", "12", "--out", tmp_path / "l"])
    assert res.exit_code == 0, res.stderr
    assert "note: demographic has no error model" in res.stderr and "naive model's widths" not in res.stderr


def test_the_note_names_what_the_stock_flow_intervals_leave_out():
    note = intervals_note(["ets", "stockflow"], None, None)
    assert note.startswith("note: the intervals of ets are the model's own, not widened by a backtest as auto's are; "
                           "stockflow has no error model: its intervals are normal ones with the root-mean-square "
                           "error of its own backtest")
    assert ("or, with too short a history for three such origins, the naive model's widths; they do not include the "
            "uncertainty of the flow parameters (mean inflows and outflow rates)") in note


def test_a_backtest_without_the_demographic_model_does_not_read_the_population(cli, tmp_path):
    """Diff review: `backtest --models naive --population … --users …` was refused because another service's users
    were in no age band, though no requested model used them; the files are now said to have no effect."""
    months = pd.date_range("2021-01-01", periods=48, freq="MS")
    history = tmp_path / "history.csv"
    pd.concat([pd.DataFrame({"month": months.strftime("%Y-%m"), "service": s, "level": "", "volume": 100.0 + np.arange(48)})
               for s in ("boendestod", "ledsagarservice")]).to_csv(history, index=False)
    users = _users(tmp_path / "users.csv", [("boendestod", 1950), ("ledsagarservice", 1950)])
    res = cli(["backtest", "--series", history, "--models", "naive", "--population",
               _population(tmp_path / "population.csv"), "--users", users, "--out", tmp_path / "bt"])
    assert res.exit_code == 0, res.stderr
    assert "--population has no effect" in res.stderr and "--users has no effect" in res.stderr
