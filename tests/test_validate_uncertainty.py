"""`resmodel validate` checks the projection's uncertainty block (before, a wrong distribution was
only found by `project --draws`), and each mistake in it is one located error."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from resmodel.cli import main
from tests.conftest import ROOT

BLOCK = {
    "volume_growth": "{dist: normal, mean: 0.0, sd: 0.01}",
    "sick_leave": "{dist: uniform, low: -0.01, high: 0.01}",
}


def scenario(tmp_path, **changes) -> str:
    lines = "".join(f"    {k}: {v}\n" for k, v in {**BLOCK, **changes}.items())
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\npurpose: uncertainty check\nextends: {ROOT / 'scenarios' / 'base.yaml'}\n"
                    f"projection:\n  uncertainty:\n{lines}", encoding="utf-8")
    return str(path)


def validate(monkeypatch, capsys, path) -> tuple[int, list[str]]:
    monkeypatch.setattr(sys, "argv", ["resmodel", "validate", path])
    with pytest.raises(SystemExit) as exit_info:
        main()
    return exit_info.value.code, [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]


@pytest.mark.parametrize(("changes", "where", "message"), [
    ({"volume_growth": "{dist: gaussian, mean: 0.0, sd: 0.01}"}, "line 6", "unknown distribution 'gaussian'"),
    ({"volume_growth": "{dist: normal, mean: 0.0, sd: -0.01}"}, "volume_growth.sd", "greater than or equal to 0"),
    ({"sick_leave": "{dist: uniform, low: 0.01, high: -0.01}"}, "line 7", "high (-0.01) is below low (0.01)"),
    # rate shocks are fractions: 3 for 3 % compounded a path to 1e15, -5..5 gave negative net cost
    ({"volume_growth": "{dist: normal, mean: 3, sd: 0.01}"}, "line 6, at 'projection.uncertainty.volume_growth'",
     "volume_growth ranges from 2.97 to 3.03 (a percentage? write 0.03 for 3 %)"),
    ({"sick_leave": "{dist: uniform, low: -5, high: 5}"}, "line 7, at 'projection.uncertainty.sick_leave'",
     "sick_leave ranges from -5 to 5"),
    ({"volume_growth": "{daglig_verksamhet: {dist: normal, mean: 0, sd: 0.2}}"}, "line 6",
     "volume_growth.daglig_verksamhet ranges from -0.6 to 0.6"),
])
def test_a_wrong_distribution_is_one_located_error(monkeypatch, capsys, tmp_path, changes, where, message):
    code, errors = validate(monkeypatch, capsys, scenario(tmp_path, **changes))
    assert code == 2 and len(errors) == 1, errors
    assert where in errors[0] and message in errors[0] and "Fix:" in errors[0]


def test_a_valid_block_is_reported(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(sys, "argv", ["resmodel", "validate", scenario(tmp_path)])
    main()
    assert "uncertainty block for Monte Carlo" in capsys.readouterr().out


def test_a_parameter_of_another_distribution_is_named_as_such(monkeypatch, capsys, tmp_path):
    """'sd' on a fixed distribution used to get 'unknown key sd (did you mean sd?)'."""
    code, errors = validate(monkeypatch, capsys, scenario(tmp_path, volume_growth="{dist: fixed, value: 0.0, sd: 1}"))
    assert code == 2 and len(errors) == 1, errors  # a distribution replaces the parent's whole, 'mean' included
    assert any("'sd' is not a parameter of this distribution" in e for e in errors), errors
    assert not any("did you mean" in e for e in errors), errors


def test_a_per_service_block_replaces_the_parents_single_distribution(monkeypatch, capsys, tmp_path):
    """The two forms of volume_growth used to be merged key by key through extends ('dist', 'mean',
    'sd' and 'daglig_verksamhet' in one mapping), so the per-service form never validated."""
    from resmodel.io.scenario import read_chain
    from resmodel.scenario.projection import resolve

    path = scenario(tmp_path, volume_growth="{daglig_verksamhet: {dist: normal, mean: 0, sd: 0.02}}")
    assert resolve(read_chain(Path(path))).settings.uncertainty["volume_growth"] == {
        "daglig_verksamhet": {"dist": "normal", "mean": 0, "sd": 0.02}}
    monkeypatch.setattr(sys, "argv", ["resmodel", "validate", path])
    main()
    assert "uncertainty block for Monte Carlo" in capsys.readouterr().out


def test_every_out_of_range_rate_shock_is_reported_at_its_own_line(monkeypatch, capsys, tmp_path):
    code, errors = validate(monkeypatch, capsys, scenario(tmp_path, volume_growth="{dist: normal, mean: 3, sd: 0}",
                                                          sick_leave="{dist: uniform, low: -5, high: 5}"))
    assert code == 2 and len(errors) == 2, errors
    assert "line 6" in errors[0] and "line 7" in errors[1] and all("Expected a rate shock within ±0.5" in e
                                                                   for e in errors)


@pytest.mark.parametrize("command", ["project", "tornado"])
def test_a_block_validate_refuses_is_refused_without_draws_too(monkeypatch, capsys, tmp_path, command):
    """Fuzzing review: `project` without --draws wrote every output for a scenario `validate` refused."""
    path = scenario(tmp_path, volume_growth="{dist: poisson, lam: 3}")
    out = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", ["resmodel", command, path, "--out", str(out)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2 and not out.exists()
    assert "unknown distribution 'poisson'" in capsys.readouterr().err


def test_a_volume_sd_narrower_than_the_forecast_interval_implies_is_noted():
    """The Monte Carlo spread rested on base.yaml's sd 0.01 for every service, half what daily activity's own
    forecast interval implies (docs/budget.md §4's worked 0.019); project now says so."""
    import pandas as pd

    from resmodel.budget.montecarlo import load_uncertainty
    from resmodel.projection_run import volume_spread_notes

    months = pd.date_range("2025-01", "2030-12", freq="MS").strftime("%Y-%m")
    # in 2029 (k = 5) the 80 % interval is ± 12.816 % of the volume: an sd of 0.02 a year
    table = pd.DataFrame({"service": "dv", "month": months, "volume": 100.0, "volume_lo_80": 87.184,
                          "volume_hi_80": 112.816})
    narrow = volume_spread_notes(table, load_uncertainty({"volume_growth": {"dist": "normal", "sd": 0.01}}), 2024)
    assert len(narrow) == 1 and "in 2029" in narrow[0] and "dv 0.010 against ≈0.020" in narrow[0]
    wide = load_uncertainty({"volume_growth": {"dv": {"dist": "uniform", "low": -0.03, "high": 0.03}}})
    assert volume_spread_notes(table, wide, 2024) == []  # (0.06 / √12 = 0.017) ≥ 2/3 of 0.02
    assert volume_spread_notes(table, None, 2024) == []
