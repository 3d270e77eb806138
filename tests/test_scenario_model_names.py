"""Model names in a scenario's projection block are read case and blanks aside, as `forecast --model` reads them
(planner walk: `volumes: {daglig_verksamhet: ETS}` was refused while `forecast --model ETS` ran)."""

from __future__ import annotations

import pytest

from resmodel.errors import InputError
from resmodel.io.scenario import read_chain
from resmodel.scenario.projection import resolve

from .clirun import run_main
from .test_projection import scenario


def test_upper_case_model_names_are_the_models(tmp_path):
    path = scenario(tmp_path, "cased", """\
        projection:
          default_model: ' Drift'
          volumes: {daglig_verksamhet: ETS, bostad_barn: 12}
        """)
    settings = resolve(read_chain(path)).settings
    assert settings.default_model == "drift"
    assert settings.volumes == {"daglig_verksamhet": "ets", "bostad_barn": 12}


def test_an_unknown_name_is_still_refused_as_written(tmp_path):
    path = scenario(tmp_path, "typo", "projection:\n  volumes: {daglig_verksamhet: ETX}\n")
    with pytest.raises(InputError, match="unknown forecast model 'ETX'.*did you mean 'ets'"):
        resolve(read_chain(path))


def _errors(stderr: str) -> list[str]:
    """The error lines of a command's output."""
    return [line for line in stderr.splitlines() if line.startswith("error:")]


@pytest.mark.parametrize("command", ["validate", "project"])
def test_every_unknown_model_name_is_reported_at_its_line(monkeypatch, capsys, tmp_path, command):
    """Review: a second misspelt model name was told only in the next run (the validator raised at the first)."""
    path = scenario(tmp_path, "m", """\
        projection:
          volumes:
            daglig_verksamhet: holtwinter
            boendestod: arimaa
            bostad_barn: {2025: 2000000}
          volume_growth: {bostad_vuxna: 5}
        """)
    out = ["--out", tmp_path / "out"] if command == "project" else []
    code, _, err = run_main(monkeypatch, capsys, command, path, *out)
    errors = _errors(err)
    assert code == 2 and len(errors) == 4, errors
    assert "m.yaml, line 6, at 'projection.volumes.daglig_verksamhet': unknown forecast model 'holtwinter'" in errors[0]
    assert "did you mean 'ets'?" in errors[0]  # a slip in another tool's name (holtwinters) is told its model
    assert "m.yaml, line 7, at 'projection.volumes.boendestod': unknown forecast model 'arimaa'" in errors[1]
    assert "did you mean 'arima'?" in errors[1]
    assert "line 8, at 'projection.volumes.bostad_barn.2025': the volume for 2025 (2e+06) is outside" in errors[2]
    assert "line 9, at 'projection.volume_growth.bostad_vuxna'" in errors[3] and "write 0.05" in errors[3]


@pytest.mark.parametrize("number", ["28,5", "1 100"])
def test_a_number_for_default_model_is_told_the_model_names_not_a_number(monkeypatch, capsys, tmp_path, number):
    """Review: 'default_model: 28,5' was told 'write 28.5', which default_model cannot take; a volume keeps the hint."""
    path = scenario(tmp_path, "d", f"projection:\n  default_model: {number}\n  volumes: {{bostad_vuxna: '{number}'}}\n")
    code, _, err = run_main(monkeypatch, capsys, "validate", path)
    errors = _errors(err)
    assert code == 2 and len(errors) == 2, errors
    plain = number.replace(",", ".").replace(" ", "")
    assert "line 5, at 'projection.default_model'" in errors[0] and f"'{number}' is a number, not a model name" in errors[0]
    assert "Expected a model name (naive, snaive, drift, ets," in errors[0] and f"write {plain}" not in errors[0]
    assert "a fixed volume is set per service in 'volumes'" in errors[0]
    assert "line 6, at 'projection.volumes.bostad_vuxna'" in errors[1] and f"Fix: write {plain} (" in errors[1]


@pytest.mark.parametrize("command", ["validate", "project"])
def test_a_model_written_as_a_mapping_is_told_to_write_the_name_alone(monkeypatch, capsys, tmp_path, command):
    """Review: '{model: holtwinter}' and '{model: arimaa}' were each two errors ('a valid integer', 'a valid number')
    that named no model; now one a service, at its line, with the name meant."""
    path = scenario(tmp_path, "f", """\
        projection:
          volumes:
            daglig_verksamhet: {model: holtwinter}
            boendestod: {model: arimaa}
            bostad_barn: {model: ETS}
        """)
    out = ["--out", tmp_path / "out"] if command == "project" else []
    code, _, err = run_main(monkeypatch, capsys, command, path, *out)
    errors = _errors(err)
    assert code == 2 and len(errors) == 3, errors
    assert "f.yaml, line 6, at 'projection.volumes.daglig_verksamhet': 'model: holtwinter' makes a mapping" in errors[0]
    assert "without 'model:' (did you mean 'ets'?)" in errors[0]
    assert "line 7, at 'projection.volumes.boendestod'" in errors[1] and "(did you mean 'arima'?)" in errors[1]
    assert "line 8, at 'projection.volumes.bostad_barn'" in errors[2] and "Fix: write ets alone" in errors[2]


def test_a_mapping_with_another_key_or_with_years_is_told_what_to_write(monkeypatch, capsys, tmp_path):
    """'{modell: ets}' got pydantic's two generic lines, '{model: ets, 2026: 100}' was told 'write ets alone' (the
    year's volume dropped from view) and '{år2026: 100}' was not told that its key is no year."""
    path = scenario(tmp_path, "f", """\
        projection:
          volumes:
            daglig_verksamhet: {modell: ets}
            bostad_vuxna: {model: ets, 2026: 100, 2027: 110}
            boendestod: {år2026: 100}
        """)
    code, _, err = run_main(monkeypatch, capsys, "validate", path)
    errors = _errors(err)
    assert code == 2 and len(errors) == 3, errors
    assert "line 6, at 'projection.volumes.daglig_verksamhet': 'modell: ets' makes a mapping" in errors[0]
    assert errors[0].endswith("Fix: write ets alone after the service, without 'modell:'")
    assert "line 7, at 'projection.volumes.bostad_vuxna': 'model: ets' and volumes per year" in errors[1]
    assert "Fix: write {2026: 100, 2027: 110}, or ets alone" in errors[1]
    assert "line 8, at 'projection.volumes.boendestod': 'år2026' is not a year" in errors[2]
    assert errors[2].endswith("Fix: write the year as a number, e.g. 2026: 100")
