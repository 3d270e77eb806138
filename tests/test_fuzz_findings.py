"""Bad input found by a fuzzing review (2026-12-06): each is a located error with exit status 2 and
nothing written, where it had been a silent wrong result, an 'inf' in the outputs or a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from resmodel.cli import app
from tests.clirun import invoke
from tests.conftest import ROOT

DEMO = ROOT / "data" / "demokommun"
BASE = ROOT / "scenarios" / "base.yaml"


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DEMO, data)
    return data


def _scenario(tmp_path: Path, text: str, name: str = "s") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"name: {name}\npurpose: fuzz\nextends: {BASE}\n" + text, encoding="utf-8")
    return path


def _edit_line(path: Path, number: int, change) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[number - 1] = change(lines[number - 1])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _refused(tmp_path: Path, *args) -> str:
    out = tmp_path / "out"
    code, _, message = invoke(app, *args, "--out", out)
    assert code == 2, message
    assert not out.exists()
    return message


def test_inf_in_a_volume_history_is_refused_not_projected_as_zero(tmp_path):
    data = _data(tmp_path)
    _edit_line(data / "volume_history.csv", 2, lambda line: line.rsplit(",", 1)[0] + ",inf")
    scenario = _scenario(tmp_path, f"data: {data}\nprojection:\n  frame: {data / 'frame.yaml'}\n")
    message = _refused(tmp_path, "project", scenario)
    assert "volume_history.csv, row 2, column 'volume'" in message and "'inf' is not a finite number" in message


@pytest.mark.parametrize("value", ["inf", "1e308"])
def test_inf_or_a_huge_value_in_a_series_is_refused(tmp_path, value):
    series = tmp_path / "rate.csv"
    series.write_text(f"unique_id,ds,y\nrate,2012,267\nrate,2013,{value}\nrate,2014,280\n", encoding="utf-8")
    message = _refused(tmp_path, "forecast", "--series", series, "--model", "drift")
    assert "rate.csv, row 3, column 'y'" in message and "is not a finite number up to 1e+15" in message


def test_a_huge_cell_in_a_table_is_refused_not_summed_to_inf(tmp_path):
    data = _data(tmp_path)
    header = (data / "users.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    column = header.index("weekly_hours")
    _edit_line(data / "users.csv", 2, lambda line: ",".join(
        "1e308" if i == column else cell for i, cell in enumerate(line.split(","))))
    message = _refused(tmp_path, "run", _scenario(tmp_path, f"data: {data}\n"))
    assert "users.csv, row 2, column 'weekly_hours'" in message and "beyond any figure of a board" in message


@pytest.mark.parametrize("text, extra, where, message", [
    # a NaN bound gave empty percentiles ('mellan nan och nan MSEK')
    ("projection:\n  uncertainty:\n    sick_leave: {dist: uniform, low: .nan, high: 0.01}\n", ("--draws", 20),
     "line 6, at 'projection.uncertainty.sick_leave.low'", "finite"),
    ("projection:\n  uncertainty:\n    assistance_hours: {dist: fixed, value: 1.0e+300}\n", ("--draws", 10),
     "line 5, at 'projection.uncertainty'", "stays at most 5"),
    # frame numbers: .inf and 1e308 reached prognos_per_ar.csv with exit 0
    ("projection:\n  frame:\n    volume_compensation: [{service: daglig_verksamhet, amount_per_user: .inf, "
     "reference_volume: 1030}]\n", (), "line 6, at 'projection.frame.volume_compensation[0].amount_per_user'", "finite number"),
    ("projection:\n  frame:\n    volume_compensation: [{service: daglig_verksamhet, amount_per_user: 1.0e+308, "
     "reference_volume: 1030}]\n", (), "line 6, at 'projection.frame.volume_compensation[0].amount_per_user'",
     "less than or equal to 1000000000000"),
    ("projection:\n  frame:\n    expansion: [{area: lss_boende, year: 2026, amount: .inf}]\n", (),
     "line 6, at 'projection.frame.expansion[0].amount'", "finite number"),
    ("parameters:\n  salaries.aktivitetsledare: 1.0e+306\n", (), "line 5, at 'parameters.salaries.aktivitetsledare'",
     "above 1e+12"),
    ("projection:\n  level_mix_drift: {2026: 0.01, 1999: 0.02}\n", (), "line 5, at 'projection.level_mix_drift.1999'",
     "not projected"),
    # YAML 1.1 read digits with ':' as base 60: a year's places '1:30' were 90
    ("projection:\n  frame:\n    expansion: [{area: lss_boende, year: 2026, amount: 1:30}]\n", (),
     "line 6, at 'projection.frame.expansion[0].amount'", "number"),
    # blamed on the volume history before
    ("projection:\n  volume_changes: [{service: personlig_assistans_lss, from_year: 2026, change: 1, "
     "hours_per_week: 1.0e+308}]\n", (), "line 5", "less than or equal to 168"),
])
def test_scenario_values_beyond_reason_are_refused_at_their_line(tmp_path, text, extra, where, message):
    refused = _refused(tmp_path, "project", _scenario(tmp_path, text), *extra)
    assert f"s.yaml, {where}" in refused and message in refused


@pytest.mark.parametrize("name", ["a/b", "../x", "..", "a:b", " lead"])
def test_a_scenario_name_that_cannot_name_a_folder_is_refused(tmp_path, name):
    path = tmp_path / "n.yaml"
    path.write_text(f"name: '{name}'\npurpose: fuzz\nextends: {BASE}\n", encoding="utf-8")
    message = _refused(tmp_path, "run", path)
    assert "n.yaml, line 1, at 'name'" in message and "cannot name an output folder" in message


def test_yaml_aliases_that_multiply_are_stopped(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join([*lines, "name: bomb", "purpose: x"]) + "\n", encoding="utf-8")
    code, _, message = invoke(app, "validate", path)
    assert code == 2 and "bomb.yaml, line 1" in message and "expands to more than 100,000 values" in message
    # one reuse of a mapping is an ordinary YAML habit (a review found it refused by a stricter rule)
    reuse = _scenario(tmp_path, "projection:\n  volume_growth: &g {daglig_verksamhet: 0.01}\n  rent_growth: 0.02\n"
                                "x_note: *g\n", name="reuse")
    code, _, message = invoke(app, "validate", reuse)
    assert "x_note" in message and "expands" not in message  # read; only the unknown key is told


def test_a_header_only_series_is_a_located_error(tmp_path):
    series = tmp_path / "h.csv"
    series.write_text("unique_id,ds,y\n", encoding="utf-8")
    for command in ("forecast", "backtest"):
        message = _refused(tmp_path, command, "--series", series)
        assert "h.csv, row 2" in message and "header but no rows" in message


def test_more_nowcast_origins_than_the_data_allow_is_a_warning(tmp_path):
    out = tmp_path / "n"
    code, _, stderr = invoke(app, "nowcast", "--triangle", DEMO / "invoice_triangle.csv", "--value", "cases",
                             "--origins", 100_000, "--out", out)
    assert code == 0 and "[origins_limited]" in stderr and (out / "nowcast_backtest.csv").exists()


def test_draws_are_capped_as_in_the_api(tmp_path):
    code, _, _ = invoke(app, "project", BASE, "--draws", 100_000_000, "--out", tmp_path / "out")
    assert code == 2 and not (tmp_path / "out").exists()


def test_frame_mistakes_name_the_frame_file_and_line(tmp_path):
    data = _data(tmp_path)
    frame = data / "frame.yaml"
    text = frame.read_text(encoding="utf-8")
    frame.write_text(text.replace("  base_year: 2024", "  base_year: 2030", 1), encoding="utf-8")
    line = next(i for i, row in enumerate(frame.read_text().splitlines(), 1) if row.startswith("  base_year:"))
    scenario = _scenario(tmp_path, f"data: {data}\nprojection:\n  frame: {frame}\n")
    message = _refused(tmp_path, "project", scenario)
    assert f"frame.yaml, line {line}, at 'frame.base_year'" in message and "differs from the cost base year" in message


def test_validate_finds_a_year_missing_from_a_rate_by_year(tmp_path):
    """validate refuses what project refuses: a per-year drift without the first projected year."""
    scenario = _scenario(tmp_path, "projection:\n  level_mix_drift: {2026: 0.01, 2027: 0.02}\n")
    code, _, message = invoke(app, "validate", scenario)
    assert code == 2 and "s.yaml, line 5, at 'projection.level_mix_drift'" in message
    assert "no level_mix_drift for 2025 (given: 2026, 2027)" in message
    # a declared extension carries rent growth past its last given year
    ok = _scenario(tmp_path, "projection:\n  rent_growth: {2025: 0.01, 2026: 0.02}\n  extensions: {rent_growth: 0.01}\n",
                   name="ok")
    assert invoke(app, "validate", ok)[0] == 0


# A second fuzzing round, on the fixes of the first


def test_plan_premises_options_have_the_api_bounds(tmp_path):
    message = _refused(tmp_path, "plan-premises", "--demand", DEMO / "volume_history.csv", "--service",
                       "daglig_verksamhet", "--candidates", DEMO / "premises_candidates.csv", "--scenario", BASE,
                       "--external-price", "1e308")
    assert "at '--external-price'" in message and "out of range" in message


def test_a_nan_override_is_refused(tmp_path):
    message = _refused(tmp_path, "forecast", "--series", DEMO / "volume_history.csv", "--h", 24, "--model", "drift",
                       "--model", "daglig_verksamhet=2025:nan,2026:1000")
    assert "nan is not a number" in message


def test_a_year_typed_with_five_digits_in_the_known_changes_is_refused(tmp_path):
    changes = tmp_path / "changes.csv"
    lines = (DEMO / "budget_changes.csv").read_text(encoding="utf-8").splitlines()
    lines[-1] = "20224," + lines[-1].split(",", 1)[1]
    changes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _refused(tmp_path, "inyear", "--actuals", DEMO / "budget_actuals.csv", "--frames",
                       DEMO / "budget_frames.csv", "--changes", changes, "--year", 2024, "--month", 8)
    assert f"changes.csv, row {len(lines)}, column 'year'" in message and "'20224' is not a year" in message


def test_yaml_nested_hundreds_deep_is_an_error_not_a_traceback(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("name: x\npurpose: y\nprojection: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    code, _, message = invoke(app, "validate", path)
    assert code == 2 and "nested too deeply" in message


def test_a_volume_too_large_is_named_at_its_row_not_at_the_sum_of_levels(tmp_path):
    history = tmp_path / "history.csv"
    lines = (DEMO / "volume_history.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",6e14"
    history.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _refused(tmp_path, "forecast", "--series", history)
    assert "history.csv, row 2, column 'volume'" in message and "too large" in message


def test_a_header_only_demand_and_a_single_nowcast_origin_are_told_so(tmp_path):
    demand = tmp_path / "demand.csv"
    demand.write_text("service,level,month,volume\n", encoding="utf-8")
    message = _refused(tmp_path, "queue", "--demand", demand, "--service", "boendestod", "--places", 950)
    assert "demand.csv, row 2" in message and "header but no rows" in message
    message = _refused(tmp_path, "nowcast", "--triangle", DEMO / "invoice_triangle.csv", "--value", "cases",
                       "--origins", 1)
    assert "at '--origins'" in message and "at least 2 origins" in message


@pytest.mark.parametrize(("text", "where", "problem", "hint"), [
    ("projection:\n  volumes: {daglig_verksamhet: etss}\n", "projection.volumes.daglig_verksamhet",
     "unknown forecast model 'etss'. Expected a model name (naive,", "Fix: did you mean 'ets'?"),
    ("projection:\n  default_model: ARIMAX\n", "projection.default_model",
     "unknown forecast model 'ARIMAX'. Expected a model name (naive,", "Fix: did you mean 'arima'?"),
])
def test_a_misspelt_forecast_model_in_a_scenario_lists_the_models(tmp_path, text, where, problem, hint):
    """Persona review: the CLI listed the model names for this mistake, the scenario did not."""
    code, _, message = invoke(app, "validate", _scenario(tmp_path, text))
    assert code == 2 and f"at '{where}': {problem}" in message and hint in message
    assert "naive, snaive, drift, ets, arima, theta, comb, demographic, stockflow, select, auto" in message


@pytest.mark.parametrize("separator", [",", ";"])
def test_a_stray_quote_that_swallows_a_large_file_is_located_not_a_traceback(tmp_path, separator):
    """Second fuzzing review: an unclosed '"' that runs past the csv module's 131 072-character cell limit raised
    _csv.Error (a traceback in the CLI, a 500 from the API); it is now located at the row it opens on."""
    data = _data(tmp_path)
    users = data / "users.csv"
    if separator == ";":
        users.write_text(users.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    assert len(users.read_text(encoding="utf-8")) > 131_072  # the limit that stops the run-on cell
    _edit_line(users, 3, lambda line: '"' + line)
    scenario = _scenario(tmp_path, f"data: {data}\n")
    message = _refused(tmp_path, "run", scenario)
    assert "users.csv, row 3: a double quote (\") opens a cell here that is never closed" in message


@pytest.mark.parametrize("args", [["init", "8001010001"], ["run", str(BASE), "--out", "out/8001010001.d"]])
def test_a_path_named_as_a_bare_identity_number_is_refused(tmp_path, monkeypatch, args):
    """Determinism/personal-data audit: 10 digits pass the argument check as an amount, so `init 8001010001`
    made the folder and `--out 8001010001` was echoed; a path's names are now tested as ids."""
    monkeypatch.chdir(tmp_path)
    code, _, message = invoke(app, *args)
    assert code == 2 and "looks like a Swedish personal identity number" in message and "8001010001" not in message
    assert not any(tmp_path.iterdir())


def test_ordinary_paths_with_dates_and_years_pass(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, message = invoke(app, "init", "namnd_2024-01-01_1234")
    assert code == 0, message
