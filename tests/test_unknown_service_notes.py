"""A volume history's service name that maps to no key (unknown_service, read by io.series) is said where the history
is used: the readers returned the warning, but neither `project` nor `validate` nor the forecast commands printed it
(planner walk with own data, follow-up)."""

from __future__ import annotations

import pandas as pd

from .clirun import run_main
from .scenario_files import child, demo_copy, setup_of


def _with_own_service(tmp_path):
    """A demo copy whose history also has a board's own service, 'Egen insats', with boendestod's volumes."""
    data = demo_copy(tmp_path)
    path = data / "volume_history.csv"
    history = pd.read_csv(path, dtype=str, keep_default_na=False)
    own = history[history["service"] == "boendestod"].assign(service="Egen insats")
    pd.concat([history, own]).to_csv(path, index=False)
    return child(tmp_path, "own", f"data: {data}\n")


def test_project_notes_a_history_service_of_no_key(tmp_path):
    notes = setup_of(_with_own_service(tmp_path)).notes
    (note,) = [n for n in notes if n.startswith("[unknown_service]")]
    assert "'Egen insats' (120 rows) is not one of resmodel's service keys" in note


def test_validate_warns_of_it(tmp_path, monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "validate", _with_own_service(tmp_path))
    assert code == 0 and "[unknown_service]" in out + err


def test_forecast_and_backtest_warn_of_it(tmp_path, monkeypatch, capsys):
    months = pd.date_range("2021-01-01", periods=36, freq="MS").strftime("%Y-%m")
    path = tmp_path / "history.csv"
    pd.concat([pd.DataFrame({"month": months, "service": name, "level": "", "volume": 100 + i})
               for i, name in enumerate(("boendestod", "Egen insats"))]).to_csv(path, index=False)
    code, _, err = run_main(monkeypatch, capsys, "forecast", "--series", path, "--model", "naive",
                            "--out", tmp_path / "fc")
    assert code == 0 and err.count("[unknown_service]") == 1 and "'Egen insats' (36 rows)" in err
    code, _, err = run_main(monkeypatch, capsys, "backtest", "--series", path, "--models", "naive", "--h", 3,
                            "--windows", 2, "--out", tmp_path / "bt")
    assert code == 0 and err.count("[unknown_service]") == 1



def test_a_common_word_alone_suggests_no_key(tmp_path):
    """Re-walk: 'Fritidsverksamhet' was asked 'did you mean daglig_verksamhet?' on '-verksamhet' alone."""
    from resmodel.io.series import unknown_service_warnings

    (warning,) = unknown_service_warnings(pd.Series(["Fritidsverksamhet"], index=[2]), "h.csv")
    assert "did you mean" not in warning.message and "a projection leaves it out" in warning.message


def test_personlig_assistans_is_told_its_two_keys(tmp_path):
    """Re-walk/diff review: 'Personlig assistans' (LSS and SFB cases together) was warned with no hint."""
    from resmodel.io.series import unknown_service_warnings

    (warning,) = unknown_service_warnings(pd.Series(["Personlig assistans"], index=[2]), "h.csv")
    assert "(it may be personlig_assistans_lss or personlig_assistans_sfb, which are counted apart)" in warning.message
