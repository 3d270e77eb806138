"""`projection.volume_forecast`: a volume forecast written by `resmodel forecast` read into the budget
projection — its services take its monthly volumes (levels summed) instead of a forecast made in the run;
located errors at the scenario key and the file's rows; notes on how the file was made."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from resmodel.cli import app
from resmodel.errors import InputError
from resmodel.projection_run import build_setup, check_projection, projection_manifest
from tests.clirun import invoke

from .test_projection import run_file, scenario

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "data" / "demokommun" / "volume_history.csv"


@pytest.fixture(scope="module")
def forecast_dir(tmp_path_factory) -> Path:
    """The ETS forecast of the demo history (not the scenarios' drift), as resmodel forecast writes it."""
    out = tmp_path_factory.mktemp("forecast")
    res = CliRunner().invoke(app, ["forecast", "--series", str(HISTORY), "--model", "ets", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def _copy(forecast_dir: Path, tmp_path: Path, edit=None, manifest: bool = True) -> Path:
    folder = tmp_path / "fc"
    folder.mkdir()
    table = pd.read_csv(forecast_dir / "volume_forecast.csv", dtype=str, keep_default_na=False)
    (edit(table) if edit else table).to_csv(folder / "volume_forecast.csv", index=False)
    if manifest:
        shutil.copy(forecast_dir / "manifest.json", folder / "manifest.json")
    return folder / "volume_forecast.csv"


def _with_file(tmp_path: Path, body: str = "") -> Path:
    return scenario(tmp_path, "from_file", "projection:\n  volume_forecast: fc/volume_forecast.csv\n" + body)


def test_the_services_in_the_file_take_its_monthly_volumes_levels_summed(forecast_dir, tmp_path):
    _copy(forecast_dir, tmp_path)
    setup = build_setup(*run_file(_with_file(tmp_path, "  volumes: {externa_platser: 30}\n")))
    table = pd.read_csv(forecast_dir / "volume_forecast.csv")
    monthly = table.groupby(["service", "month"])["volume"].sum().unstack(0).loc["2025-01":"2034-12"]
    volumes = setup.case.inputs.volumes
    for service in monthly.columns.drop("externa_platser"):
        assert volumes[service].to_numpy() == pytest.approx(monthly[service].to_numpy(), rel=1e-12)
    assert (volumes["externa_platser"] == 30).all()  # named in 'volumes': that wins over the file
    models = setup.volume_models.set_index("service")["model_used"]
    assert models["daglig_verksamhet"] == "forecast file: ets" and models["externa_platser"] == "override"
    notes = "\n".join(setup.notes)
    assert "volume_forecast.csv' (column volume, levels summed; forecast by ets)" in notes
    assert "externa_platser keeps what projection.volumes gives" in notes
    assert "made from another volume history" not in notes and "cannot be checked" not in notes


def test_the_manifest_records_the_forecast_file(forecast_dir, tmp_path):
    path = _copy(forecast_dir, tmp_path)
    loaded, result = run_file(_with_file(tmp_path))
    manifest = projection_manifest(result.manifest, build_setup(loaded, result))
    assert manifest["volume_forecast"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest["volume_models"]["bostad_vuxna"] == "forecast file: ets"


@pytest.mark.parametrize(("why", "edit_manifest", "expected"), [
    ("no manifest", None, "no manifest.json beside"),
    ("another history", lambda m: m["options"]["series"].update(sha256="0" * 64), "made from another volume history"),
    ("another command", lambda m: m.update(command="backtest"), "is not the manifest of forecast"),
])
def test_a_forecast_whose_history_cannot_be_checked_or_differs_is_said_to(forecast_dir, tmp_path, why,
                                                                         edit_manifest, expected):
    path = _copy(forecast_dir, tmp_path, manifest=edit_manifest is not None)
    if edit_manifest is not None:
        manifest = json.loads((path.parent / "manifest.json").read_text())
        edit_manifest(manifest)
        (path.parent / "manifest.json").write_text(json.dumps(manifest))
    setup = build_setup(*run_file(_with_file(tmp_path)))
    assert any(expected in note for note in setup.notes), why


def _error(path: Path) -> str:
    loaded, result = run_file(path)
    with pytest.raises(InputError) as exc:
        build_setup(loaded, result)
    with pytest.raises(InputError) as again:  # validate finds the same
        check_projection(loaded)
    assert str(again.value) == str(exc.value)
    return str(exc.value)


def test_a_service_the_scenario_does_not_project_is_located_at_its_row(forecast_dir, tmp_path):
    """('boendestöd', used here before, is now read as boendestod, as users.csv reads it: a misspelling is not.)"""
    def rename(table):
        table.loc[table["service"] == "boendestod", "service"] = "boendestodd"
        return table
    _copy(forecast_dir, tmp_path, rename)
    message = _error(_with_file(tmp_path))
    assert "volume_forecast.csv, row 2, column 'service': service 'boendestodd' is not one this scenario projects" \
        in message and "did you mean 'boendestod'" in message


def test_a_service_written_as_users_csv_writes_it_is_read_as_its_key(forecast_dir, tmp_path):
    """A forecast file's 'Boendestöd' reads as boendestod, as the volume history and users.csv read it."""
    from resmodel.io.series import read_demand_table

    def rename(table):
        table.loc[table["service"] == "boendestod", "service"] = "Boendestöd"
        return table
    table = read_demand_table(_copy(forecast_dir, tmp_path, rename))
    assert "boendestod" in set(table["service"]) and "Boendestöd" not in set(table["service"])


def test_a_forecast_that_does_not_reach_the_last_projected_month_says_how_far_to_forecast(forecast_dir, tmp_path):
    _copy(forecast_dir, tmp_path, lambda t: t[t["month"] <= "2030-12"])
    message = _error(_with_file(tmp_path))
    assert "the forecast of boendestod runs 2025-01 – 2030-12; the projection needs every month 2025-01 – 2034-12" \
        in message and "--h 120" in message


@pytest.mark.parametrize(("setup_file", "expected"), [
    (lambda d: None, "forecast file 'fc/volume_forecast.csv' not found (looked for"),
    (lambda d: (d / "volume_forecast.csv").mkdir(parents=True), "'fc/volume_forecast.csv' is a folder"),
    (lambda d: (d.mkdir(), (d / "volume_forecast.csv").write_text("service,level,year,months,volume\n")),
     "this is the forecast's yearly table, not its months"),
    (lambda d: (d.mkdir(), (d / "volume_forecast.csv").write_text("unique_id,ds,y\na,2025-01,1\n")),
     "required column 'month' is missing"),
])
def test_the_path_and_the_kind_of_table_are_checked(tmp_path, setup_file, expected):
    setup_file(tmp_path / "fc")
    message = _error(_with_file(tmp_path))
    assert expected in message
    if "not found" in expected or "folder" in expected:
        assert "from_file.yaml, line 5, at 'projection.volume_forecast'" in message


def test_project_uses_the_file_and_writes_nothing_on_a_bad_one(forecast_dir, tmp_path):
    _copy(forecast_dir, tmp_path, lambda t: t[t["month"] <= "2030-12"])
    out = tmp_path / "out"
    code, _, err = invoke(app, "project", _with_file(tmp_path), "--out", out)
    assert code == 2 and "the forecast of boendestod runs 2025-01 – 2030-12" in err and not out.exists()


def test_the_forecasts_workbook_reads_as_its_csv(forecast_dir, tmp_path):
    """Code review: the workbook forecast writes opened on its yearly sheet and was refused as the yearly table."""
    (tmp_path / "fx").mkdir()
    shutil.copy(forecast_dir / "volume_forecast.xlsx", tmp_path / "fx" / "volume_forecast.xlsx")
    shutil.copy(forecast_dir / "manifest.json", tmp_path / "fx" / "manifest.json")
    path = scenario(tmp_path, "from_xlsx", "projection:\n  volume_forecast: fx/volume_forecast.xlsx\n")
    xlsx = build_setup(*run_file(path)).case.inputs.volumes
    _copy(forecast_dir, tmp_path)
    csv = build_setup(*run_file(_with_file(tmp_path))).case.inputs.volumes
    pd.testing.assert_frame_equal(xlsx, csv)


def test_a_forecast_file_without_rows_is_refused(tmp_path):
    (tmp_path / "fc").mkdir()
    (tmp_path / "fc" / "volume_forecast.csv").write_text("month,service,level,volume,model_used\n")
    assert "the file has a header but no rows" in _error(_with_file(tmp_path))


def test_validate_warns_of_a_forecast_made_from_another_history(forecast_dir, tmp_path):
    """Code review: validate read the file but dropped the note that it was made from another history."""
    path = _copy(forecast_dir, tmp_path)
    manifest = json.loads((path.parent / "manifest.json").read_text())
    manifest["options"]["series"]["sha256"] = "0" * 64
    (path.parent / "manifest.json").write_text(json.dumps(manifest))
    loaded, _ = run_file(_with_file(tmp_path))
    _, warnings = check_projection(loaded)
    assert any(w.check == "forecast_file" and "made from another volume history" in str(w) for w in warnings)


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("volume_forecast", "''", "the path is empty"),
    ("volume_forecast", "a" * 300 + ".csv", "the path is too long for the file system"),
    ("frame", "a" * 300 + ".yaml", "the path is too long for the file system"),
])
def test_an_empty_or_too_long_path_is_located_at_its_key(tmp_path, key, value, expected):
    """Fuzz review: a 300-character name crashed with OSError (exit 1, an API 500); '' was called a folder."""
    path = scenario(tmp_path, "paths", f"projection:\n  {key}: {value}\n")
    code, _, err = invoke(app, "validate", path)
    assert code == 2 and f"paths.yaml, line 5, at 'projection.{key}': {expected}" in err, err


@pytest.mark.parametrize("body", ["extends: {long}.yaml\nname: x\npurpose: p\n",
                                  "name: x\npurpose: p\ndata: {long}\nbase_date: 2024-07-01\nseed: 1\n"])
def test_a_too_long_extends_or_data_path_is_a_located_error(tmp_path, body):
    path = tmp_path / "x.yaml"
    path.write_text(body.format(long="a" * 300))
    code, _, err = invoke(app, "validate", path)
    assert code == 2 and "x.yaml, line " in err, err


@pytest.mark.parametrize(("args", "where"), [
    (["forecast", "--series", "a" * 300 + ".csv"], "--series"),
    (["forecast", "--series", "abcdefgh/" * 500 + "x.csv"], "--series"),  # short names, too long in all
    (["project", "scenarios/base.yaml", "--out=out/" + "b" * 300], "--out"),
    (["validate", "c" * 300 + ".yaml"], "SCENARIO"),
    (["shift-plan", "--unit", "DV001", "--attendance", "d" * 300 + ".csv"], "--attendance"),  # a repeated option
])
def test_a_command_line_path_longer_than_file_systems_allow_is_refused_at_its_option(args, where):
    code, _, err = invoke(app, *args)
    assert code == 2 and f"at '{where}': the path given to {where} is longer than the file system allows" in err


def test_a_long_value_that_is_no_path_is_not_taken_for_one():
    """Review: a list of 40 waiting ages (309 characters) was refused as a path with a too-long name."""
    import typer.main

    from resmodel.cli import _check_paths
    from resmodel.cli import app as cli_app

    queue = typer.main.get_command(cli_app).commands["queue"]
    waiting = ",".join(f"{i}:{1.5 + i / 10:.2f}" for i in range(40))
    _check_paths(queue, ["--initial-waiting", waiting, "--places", "1010"])  # no error
    with pytest.raises(InputError, match="the path given to --out"):
        _check_paths(queue, ["--initial-waiting", waiting, "--out", "d" * 300])


def test_a_forecast_on_another_scale_than_the_base_year_is_noted(forecast_dir, tmp_path):
    """Fuzz review: daily activity ×10 in the file, or a lump line given a service's volumes, doubled the net cost
    (or multiplied it by 100) with exit 0 and no word; the history route warns of this (history_vs_users)."""
    def scaled(table):
        dv = table["service"] == "daglig_verksamhet"
        table.loc[dv, "volume"] = (table.loc[dv, "volume"].astype(float) * 10).astype(str)
        ov = table["service"] == "ovriga_lss"
        table.loc[ov, "volume"] = (table.loc[ov, "volume"].astype(float) * 3).astype(str)
        return table
    _copy(forecast_dir, tmp_path, scaled)
    loaded, _ = run_file(_with_file(tmp_path))
    _, warnings = check_projection(loaded)
    texts = [str(w) for w in warnings if w.check == "forecast_file"]
    assert any("gives daglig_verksamhet" in t and "times its 1,030 in the base year (users.csv" in t for t in texts)
    assert not any("boendestod" in t for t in texts)  # on its own scale: no note


@pytest.mark.parametrize("command", ["validate", "project"])
def test_a_forecast_in_another_unit_is_refused(forecast_dir, tmp_path, command):
    """Economist walkthrough: a file with assistance hours (×474 the cases) was a note, and project wrote a
    workbook with 24 billion of net cost; a lump line given a service's volumes (×1000) likewise."""
    def other_unit(table):
        pa = table["service"] == "personlig_assistans_lss"
        table.loc[pa, "volume"] = (table.loc[pa, "volume"].astype(float) * 474).astype(str)
        return pd.concat([table, table[table["service"] == "boendestod"].assign(service="ovriga_lss")])
    _copy(forecast_dir, tmp_path, other_unit)
    loaded, result = run_file(_with_file(tmp_path))
    with pytest.raises(InputError) as err:
        check_projection(loaded) if command == "validate" else build_setup(loaded, result)
    texts = [str(p) for p in err.value.problems]
    assert len(texts) == 2 and any("gives personlig_assistans_lss" in t and "times its 140 in the base year" in t
                                   for t in texts) and any("gives ovriga_lss" in t for t in texts)
    assert all("at 'projection.volume_forecast'" in t and "not hours, days or SEK" in t for t in texts)


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda t: t[~((t["service"] == "daglig_verksamhet") & (t["level"] == "8"))],
     "the forecast of daglig_verksamhet has no level 8, which had"),
    (lambda t: t[t["month"] > "2025-02"], "starting after the first projected month"),
])
def test_a_forecast_missing_a_level_or_the_projected_months_says_what_to_do(forecast_dir, tmp_path, edit, expected):
    _copy(forecast_dir, tmp_path, edit)
    assert expected in _error(_with_file(tmp_path))


def test_the_volume_history_given_as_the_forecast_is_said_to_be_one(tmp_path):
    (tmp_path / "fc").mkdir()
    shutil.copy(HISTORY, tmp_path / "fc" / "volume_forecast.csv")
    assert "all before the first projected month: it forecasts no projected year (is it the volume history?)" \
        in _error(_with_file(tmp_path))


def test_a_too_long_path_anywhere_else_is_a_message_not_a_traceback(tmp_path, monkeypatch, capsys):
    """Review: a tariff path of 300 characters crashed validate with OSError (exit 1)."""
    import sys

    from resmodel.cli import main

    path = tmp_path / "t.yaml"
    path.write_text(f"extends: {ROOT / 'scenarios' / 'base.yaml'}\nname: t\npurpose: p\nallocation_key: tariff\n"
                    f"tariff: {'t' * 300}.csv\n")
    monkeypatch.setattr(sys, "argv", ["resmodel", "validate", str(path)])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 2 and "a path is longer than the file system allows" in capsys.readouterr().err


def test_a_level_without_users_or_a_service_kept_by_volumes_needs_no_rows(forecast_dir, tmp_path):
    """Review: a file without children's housing level 3 (0.04 a month in the last year) was refused, and so was
    a file whose service the scenario keeps through 'volumes' (its rows are never used)."""
    _copy(forecast_dir, tmp_path, lambda t: t[~((t["service"] == "bostad_barn") & (t["level"] == "3"))])
    build_setup(*run_file(_with_file(tmp_path)))  # no error
    path = scenario(tmp_path, "kept", "projection:\n  volume_forecast: fc/volume_forecast.csv\n  volumes: {"
                    "daglig_verksamhet: 1000}\n")
    shutil.rmtree(tmp_path / "fc")
    _copy(forecast_dir, tmp_path, lambda t: t[~((t["service"] == "daglig_verksamhet") & (t["level"] == "8"))])
    setup = build_setup(*run_file(path))
    assert (setup.case.inputs.volumes["daglig_verksamhet"] == 1000).all()


def test_a_service_left_out_of_the_file_is_named_as_forecast_in_the_run(forecast_dir, tmp_path):
    """Economist walkthrough: a file without externa_platser was taken for the whole board; only the Volymmodeller
    sheet showed that the run forecast that service itself."""
    _copy(forecast_dir, tmp_path, lambda t: t[t["service"] != "externa_platser"])
    notes = build_setup(*run_file(_with_file(tmp_path))).notes
    said = [n for n in notes if "has no rows for" in n]
    assert len(said) == 1 and "has no rows for externa_platser: its volumes are forecast from the history" in said[0]
    whole = tmp_path / "whole"
    whole.mkdir()
    _copy(forecast_dir, whole)
    assert not [n for n in build_setup(*run_file(_with_file(whole))).notes if "has no rows for" in n]


def test_an_empty_volume_forecast_key_says_no_file_is_used(tmp_path):
    """Economist walkthrough: 'volume_forecast:' with nothing after it ran silently on an in-run forecast."""
    notes = build_setup(*run_file(scenario(tmp_path, "s", "projection:\n  volume_forecast:\n"))).notes
    assert any("projection.volume_forecast is empty (null): no forecast file is used" in n for n in notes)


def test_a_forecast_from_another_history_says_how_the_histories_differ(forecast_dir, tmp_path):
    """Economist walkthrough: a revised history and one with this spring's actuals both got 'as expected from a
    history cut on purpose' — the projection then used forecast months where actuals existed, without a word."""
    from tests.test_projection import DATA

    revised = tmp_path / "revised"
    revised.mkdir()
    path = _copy(forecast_dir, revised)
    manifest = json.loads((path.parent / "manifest.json").read_text())
    manifest["options"]["series"]["sha256"] = "0" * 64  # same last month (2024-12), other content
    (path.parent / "manifest.json").write_text(json.dumps(manifest))
    notes = " ".join(build_setup(*run_file(_with_file(revised))).notes)
    assert "both end in 2024-12, so the history was revised since the forecast was made" in notes

    spring = tmp_path / "spring"
    shutil.copytree(DATA, spring / "data")
    history = (spring / "data" / "volume_history.csv").read_text(encoding="utf-8").splitlines()
    history += [line.replace("2024-12,", "2025-01,", 1) for line in history if line.startswith("2024-12,")]
    (spring / "data" / "volume_history.csv").write_text("\n".join(history) + "\n", encoding="utf-8")
    _copy(forecast_dir, spring)
    notes = " ".join(build_setup(*run_file(_with_file(spring, f"data: {spring / 'data'}\n"))).notes)
    assert "the history now has actuals to 2025-01, and the file forecasts from 2025-01: its months " \
           "2025-01–2025-01 stand in for actuals" in notes
