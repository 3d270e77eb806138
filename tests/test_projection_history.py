"""The projection's volume history (volume_history.csv): read with file-and-row errors by
``resmodel project`` and ``resmodel validate``, and available to API users."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from resmodel.cli import main
from resmodel.projection_run import volume_history
from tests.conftest import projection_scenario

DATA = Path(__file__).resolve().parents[1] / "data" / "demokommun"


def test_api_users_get_the_validated_history(demo_loaded):
    history = volume_history(demo_loaded)
    assert list(history.columns[:4]) == ["month", "service", "level", "volume"]
    assert history["month"].dtype.kind == "M" and history["month"].max().strftime("%Y-%m") == "2024-12"


BAD = [
    (lambda lines: lines.__setitem__(4, "2016-1x," + lines[4].split(",", 1)[1]),
     "volume_history.csv, row 5, column 'month'", "is not a month"),
    (lambda lines: lines.__setitem__(6, ",".join(lines[6].split(",")[:3] + ["-4"])),
     "volume_history.csv, row 7, column 'volume'", "≥ 0"),
    (lambda lines: lines.clear(), "volume_history.csv", "no volume history"),
    (lambda lines: lines.__delitem__(slice(1, None)), "volume_history.csv", "has no rows"),
    (lambda lines: lines.__setitem__(5, lines[5].split(",")[0] + ",," + ",".join(lines[5].split(",")[2:])),
     "volume_history.csv, row 6, column 'service'", "the service is empty"),
    (lambda lines: lines.__delitem__(30), "volume_history.csv, row 38, column 'month'",
     "gap in series 'daglig_verksamhet level 6': 2015-04 is missing"),
]


@pytest.mark.parametrize("command", ["project", "validate"])
@pytest.mark.parametrize("change, where, expected", BAD,
                         ids=["month", "negative", "missing", "header-only", "blank-service", "gap"])
def test_bad_history_is_located_and_nothing_is_written(tmp_path, monkeypatch, capsys, command, change, where, expected):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    lines = (data / "volume_history.csv").read_text(encoding="utf-8").splitlines()
    change(lines)
    if lines:
        (data / "volume_history.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        (data / "volume_history.csv").unlink()
    out = tmp_path / "out"
    args = [str(projection_scenario(tmp_path, data, 2))] + (["--out", str(out)] if command == "project" else [])
    monkeypatch.setattr(sys, "argv", ["resmodel", command, *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    err = capsys.readouterr().err
    assert exit_.value.code == 2, err
    assert err.count("error:") == 1 and where in err and expected in err, err
    assert "Traceback" not in err and not out.exists()


def test_a_history_running_into_the_first_projected_year_gives_those_months_their_actuals(tmp_path):
    """Economist walkthrough: a history with this spring's months (2025-01–03) passed validate, and project then
    failed with 'volume is missing or negative' on a correct row."""
    from resmodel.projection_run import build_setup
    from resmodel.run import load, run

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    lines = (data / "volume_history.csv").read_text(encoding="utf-8").splitlines()
    december = [line for line in lines if line.startswith("2024-12,")]
    spring = [f"2025-{m:02d}," + ",".join(line.split(",")[1:3] + [f"{float(line.split(',')[3]) + m:.2f}"])
              for m in (1, 2, 3) for line in december]
    (data / "volume_history.csv").write_text("\n".join(lines + spring) + "\n", encoding="utf-8")
    path = projection_scenario(tmp_path, data, 2)
    path.write_text(path.read_text() + "  volume_growth: {boendestod: 0.05}\n"
                    "  volume_changes: [{service: boendestod, from_year: 2025, change: 10}]\n")
    loaded = load(path)
    setup = build_setup(loaded, run(loaded))
    volumes = setup.case.inputs.volumes
    march = sum(float(line.split(",")[3]) + 3 for line in december if line.split(",")[1] == "boendestod")
    # review: growth and volume changes were applied on top of the actuals (which hold what happened)
    assert volumes.loc["2025-03", "boendestod"] == pytest.approx(march)
    assert volumes.loc["2025-04", "boendestod"] > march + 10  # from the forecast on, the change acts
    assert any("volumes of 2025-01–2025-03 are the volume history's actuals" in n for n in setup.notes)


def test_a_last_month_typed_ten_times_too_high_is_told_by_validate(tmp_path, monkeypatch, capsys):
    """New-user walkthrough: December typed 80 for 8 users passed validate and tripled the projected budget; the
    users check compared the year's range (which then held 8) and suspicious_value was only a project note."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "volume_history.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("2024-12,personlig_assistans_sfb,"))
    month, service, level, volume = lines[i].split(",")
    lines[i] = ",".join([month, service, level, str(float(volume) * 10)])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["resmodel", "validate", str(projection_scenario(tmp_path, data, 2))])
    main()
    err = capsys.readouterr().err
    assert "[history_vs_users]" in err and "the history's last month of 2024, 2024-12, has" in err
    assert "[suspicious_value]" in err and "at 'personlig_assistans_sfb': the last value, 2024-12" in err


def test_a_frame_in_tkr_is_refused_at_the_frame(tmp_path, monkeypatch, capsys):
    """New-user walkthrough: a frame written in tkr (Swedish budgets are) projected a frame of 0.0 MSEK and a
    deviation of the board's whole cost, with validate and project silent."""
    import yaml

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    frame = yaml.safe_load((data / "frame.yaml").read_text(encoding="utf-8"))
    frame["frame"]["base"] = {area: round(value / 1000) for area, value in frame["frame"]["base"].items()}
    (data / "frame.yaml").write_text(yaml.safe_dump(frame, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", ["resmodel", "project", str(projection_scenario(tmp_path, data, 2)), "--out",
                                      str(out)])
    with pytest.raises(SystemExit) as exit_:
        main()
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "frame.yaml, line" in err and "at 'frame.base'" in err
    assert "amounts in tkr (thousands)?" in err and not out.exists()
