"""Plausibility of the projection's volume inputs: the history_vs_users scale warning, and a volume
history that is needed only when some service is forecast from it (docs/projection.md, "Volume history")."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from resmodel.cli import main
from resmodel.projection_run import build_setup, history_scale_warnings, volume_history
from resmodel.run import load, run
from tests.clirun import run_main
from tests.conftest import projection_scenario

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "demokommun"
ENGINE = ["bostad_barn", "bostad_vuxna", "daglig_verksamhet", "externa_platser",
          "personlig_assistans_lss", "personlig_assistans_sfb"]


def history(volumes: dict[str, list[float]], year: int = 2024) -> pd.DataFrame:
    """A one-level monthly history of ``year`` per service."""
    months = pd.date_range(f"{year}-01-01", periods=12, freq="MS")
    return pd.DataFrame([(m, sv, v) for sv, vs in volumes.items() for m, v in zip(months, vs, strict=True)],
                        columns=["month", "service", "volume"])


def test_scale_margin_is_25_percent_and_one_user_beyond_the_base_year_range():
    h = history({"a": [80.0] * 6 + [100.0] * 6, "tiny": [1.0] * 12})
    # exactly on the margin: 100 / 1.25 (the last month, where every forecast starts), 100 × 1.25, 1 + 1
    ok = {"a": [80.0, 125.0], "tiny": [2.0]}
    off = {"a": [63.0, 79.0, 126.0], "tiny": [3.0]}  # 79: inside the year's range (64–125), off its last month
    for sv, counts in ok.items():
        assert all(history_scale_warnings(h, {sv: n}, 2024) == [] for n in counts), sv
    for sv, counts in off.items():
        for n in counts:
            (w,) = history_scale_warnings(h, {sv: n}, 2024, source="volume_history.csv")
            assert w.check == "history_vs_users" and w.location.path == sv
            assert w.location.file == "volume_history.csv" and "users.csv" in w.message


def test_only_the_base_year_is_compared():
    h = pd.concat([history({"a": [150.0] * 12}, 2023), history({"a": [15.0] * 12}, 2024)])
    assert history_scale_warnings(h, {"a": 15.0}, 2024) == []
    assert [w.location.path for w in history_scale_warnings(h, {"a": 15.0}, 2023)] == ["a"]


@pytest.mark.parametrize("scenario", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_data_raises_no_scale_warning(scenario):
    loaded = load(scenario)
    users = loaded.data.users["service"].value_counts().astype(float).to_dict()
    assert sorted(users) == ENGINE                     # every engine service is checked
    assert history_scale_warnings(volume_history(loaded), users, loaded.scenario.base_date.year) == []


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


def _scale(data: Path, service: str, factor: float) -> None:
    path = data / "volume_history.csv"
    h = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = h["service"] == service
    h.loc[rows, "volume"] = (h.loc[rows, "volume"].astype(float) * factor).round(2).astype(str)
    h.to_csv(path, index=False)


def test_history_ten_times_users_is_warned_printed_and_recorded(tmp_path, monkeypatch, capsys):
    data = _data(tmp_path)
    _scale(data, "bostad_barn", 10.0)              # ≈ 150 a month against 15 users
    out = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", ["resmodel", "project", str(projection_scenario(tmp_path, data, 2)),
                                      "--out", str(out)])
    main()
    err = capsys.readouterr().err
    flagged = [line for line in err.splitlines() if "[history_vs_users]" in line]
    assert len(flagged) == 1 and "at 'bostad_barn'" in flagged[0] and "15 users in users.csv" in flagged[0], err
    notes = pd.read_excel(out / "prognos.xlsx", sheet_name="Noter")["Not (note)"]
    assert notes.str.contains(r"\[history_vs_users\].*bostad_barn").sum() == 1
    assert "history_vs_users" in (out / "sammanfattning.html").read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["resmodel", "validate", str(projection_scenario(tmp_path, data, 2))])
    main()  # validate says it too, before anything is run
    validated = capsys.readouterr().err
    assert "warning: [history_vs_users]" in validated and "at 'bostad_barn'" in validated


def test_a_fixed_volume_is_not_checked(tmp_path):
    data = _data(tmp_path)
    _scale(data, "bostad_barn", 10.0)
    path = projection_scenario(tmp_path, data, 2)
    path.write_text(path.read_text() + "  volumes: {bostad_barn: 15}\n")
    loaded = load(path)
    assert not any("history_vs_users" in n for n in build_setup(loaded, run(loaded)).notes)


FIXED = "  volumes: {daglig_verksamhet: 1030, bostad_vuxna: 452, bostad_barn: {2025: 15, 2026: 17}, " \
        "externa_platser: 28, personlig_assistans_sfb: 435, personlig_assistans_lss: 140}\n"


_run = run_main


def test_no_history_needed_when_every_volume_is_fixed_or_held(tmp_path, monkeypatch, capsys):
    data = _data(tmp_path)
    (data / "volume_history.csv").unlink()
    path = projection_scenario(tmp_path, data, 2)
    path.write_text(path.read_text() + FIXED)
    code, out, err = _run(monkeypatch, capsys, "validate", str(path))
    assert code == 0 and "no volume history (every volume fixed or held)" in out, err
    loaded = load(path)
    setup = build_setup(loaded, run(loaded))
    models = setup.volume_models.set_index("service")["model_used"]
    assert (models[ENGINE] == "fixed").all() and models["boendestod"] == "base volume"
    assert setup.case.inputs.volumes.loc["2026-01", "bostad_barn"] == 17.0


@pytest.mark.parametrize("command", ["project", "validate"])
def test_missing_history_names_the_services_that_need_it(tmp_path, monkeypatch, capsys, command):
    data = _data(tmp_path)
    (data / "volume_history.csv").unlink()
    path = projection_scenario(tmp_path, data, 2)
    path.write_text(path.read_text() + "  volumes: {daglig_verksamhet: 1030, bostad_vuxna: 452, "
                    "bostad_barn: drift}\n")
    out = tmp_path / "out"
    code, _, err = _run(monkeypatch, capsys, command, str(path), *(["--out", str(out)] if command == "project" else []))
    assert code == 2 and err.count("error:") == 1, err
    assert ("volume_history.csv: no volume history for the projection of bostad_barn, externa_platser, "
            "personlig_assistans_lss, personlig_assistans_sfb.") in err, err
    assert "daglig_verksamhet" not in err and "boendestod" not in err and not out.exists()


@pytest.mark.parametrize("command", ["project", "validate"])
def test_a_model_for_a_service_without_series_is_a_located_error(tmp_path, monkeypatch, capsys, command):
    data = _data(tmp_path)
    h = pd.read_csv(data / "volume_history.csv", dtype=str, keep_default_na=False)
    h[h["service"] != "boendestod"].to_csv(data / "volume_history.csv", index=False)
    path = projection_scenario(tmp_path, data, 2)
    path.write_text(path.read_text() + "  volumes: {boendestod: drift}\n")  # line 10; before: a ValueError
    out = tmp_path / "out"
    code, _, err = _run(monkeypatch, capsys, command, str(path), *(["--out", str(out)] if command == "project" else []))
    assert code == 2 and "s.yaml, line 10, at 'projection.volumes': no volume history for 'boendestod'." in err, err
    assert "Traceback" not in err and not out.exists()


def test_a_history_that_no_service_needs_is_not_forecast(tmp_path):
    """Every volume fixed and a history present that holds none of them: a ValueError before."""
    data = _data(tmp_path)
    pd.DataFrame({"month": ["2024-12"], "service": ["something_else"], "level": [""], "volume": [1.0]}).to_csv(
        data / "volume_history.csv", index=False)
    path = projection_scenario(tmp_path, data, 2)
    path.write_text(path.read_text() + FIXED)
    loaded = load(path)
    models = build_setup(loaded, run(loaded)).volume_models.set_index("service")["model_used"]
    assert (models[ENGINE] == "fixed").all()


@pytest.mark.parametrize(("block", "where", "text"), [
    ("  level_mix_drift: -0.3\n", "projection.level_mix_drift", "projection.level_mix_drift is -0.3, -30% a year"),
    ("  volume_growth: {daglig_verksamhet: 0.3}\n", "projection.volume_growth.daglig_verksamhet", "write 0.003"),
    ("  frame: {indexation: {kind: fixed, growth: 0.25}}\n", "projection.frame.indexation.growth", "+25% a year"),
])
def test_a_rate_typed_in_percentage_points_is_warned(tmp_path, block, where, text):
    """Economist walkthrough: level_mix_drift -0.3 (meant -0.3 pp) halved the 2034 net cost, volume growth 0.3 gave
    17 878 daily-activity users and a frame uppräkning of 0.25 a 28 bn frame, each without a word."""
    from resmodel.projection_run import build_setup, check_projection
    from resmodel.run import load, run

    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"name: s\npurpose: a slip\nextends: {ROOT / 'scenarios' / 'base.yaml'}\nprojection:\n{block}",
                        encoding="utf-8")
    loaded = load(scenario)
    _, warnings = check_projection(loaded)
    (warning,) = [w for w in warnings if w.check == "implausible_rate"]
    assert text in warning.message and f"at '{where}'" in str(warning.location) and warning.location.line
    assert any(text in note for note in build_setup(loaded, run(loaded)).notes)
    plain = load(ROOT / "scenarios" / "base.yaml")
    assert not [w for w in check_projection(plain)[1] if w.check == "implausible_rate"]


def test_a_fixed_uppräkning_missing_years_is_refused_by_validate_at_its_line(tmp_path):
    """Economist walkthrough: growth {2025: 0.025, 2026: 0.025, 2040: 0.03} passed validate, and project then
    stopped on 'no growth rate for 2027' without a line; the 2040 beyond the horizon was never named."""
    from resmodel.errors import InputError
    from resmodel.projection_run import check_projection

    scenario = tmp_path / "s.yaml"
    head = f"name: s\npurpose: frame\nextends: {ROOT / 'scenarios' / 'base.yaml'}\nprojection:\n"
    scenario.write_text(head + "  frame:\n    indexation: {kind: fixed, growth: {2025: 0.025, 2026: 0.025, 2040: 0.03}}\n",
                        encoding="utf-8")
    with pytest.raises(InputError) as err:
        check_projection(load(scenario))
    (problem,) = err.value.problems
    assert "has no growth rate for 2027" in problem.problem
    assert problem.location.file.endswith("s.yaml") and problem.location.line == 6
    every = ", ".join(f"{y}: 0.025" for y in range(2025, 2035))
    scenario.write_text(head + f"  frame:\n    indexation: {{kind: fixed, growth: {{{every}, 2040: 0.03}}}}\n",
                        encoding="utf-8")
    (warning,) = [w for w in check_projection(load(scenario))[1] if w.check == "beyond_horizon"]
    assert "gives 2040, after the horizon's last year 2034: it has no effect" in warning.message


def test_every_year_outside_the_horizon_is_one_problem_of_one_pass_with_its_own_hint(tmp_path):
    """Economist walkthrough: out-of-horizon years in volume_changes[0], [1] and adjustments came one per validate
    run, and a year after the horizon was told 'the history holds what came before 2025'."""
    from resmodel.errors import InputError
    from resmodel.projection_run import check_projection

    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"name: s\npurpose: years\nextends: {ROOT / 'scenarios' / 'base.yaml'}\nprojection:\n"
                        "  volume_changes: [{service: bostad_barn, from_year: 2040, change: 2},\n"
                        "                   {service: bostad_barn, from_year: 2020, change: 1}]\n"
                        "  adjustments: [{service: bostad_vuxna, year: 2036, amount: 100}]\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        check_projection(load(scenario))
    texts = [str(p) for p in err.value.problems]
    assert len(texts) == 3 and all("is not projected" in t for t in texts)
    assert "lengthen horizon_years to 16" in texts[0] and "the history holds what came before 2025" in texts[1]
    assert "lengthen horizon_years to 12" in texts[2] and "history" not in texts[2]
