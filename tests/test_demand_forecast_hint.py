"""queue and plan-premises given the volume forecast `resmodel forecast` writes, before it is written: the fix says to
run forecast first (new-user walk, finding 5). Another missing --demand file keeps the plain fix."""

import pytest

from resmodel.cli import app
from tests.clirun import invoke

DEFAULT_FORECAST = "results/forecast/volume_forecast.csv"
COMMANDS = {
    "queue": ["queue", "--service", "daglig_verksamhet", "--places", "10"],
    "plan-premises": ["plan-premises", "--service", "daglig_verksamhet", "--candidates", "candidates.csv",
                      "--places", "10", "--own-cost-per-place", "300000"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_forecast_not_yet_written_says_to_run_forecast_first(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a new folder: no results/ yet
    code, _, err = invoke(app, *COMMANDS[command], "--demand", DEFAULT_FORECAST)
    assert code == 2
    assert f"{DEFAULT_FORECAST}: file not found" in err and "run `resmodel forecast --series" in err
    assert not (tmp_path / "results").exists()  # nothing written


@pytest.mark.parametrize("command", COMMANDS)
def test_another_missing_demand_file_keeps_the_plain_fix(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "candidates.csv").write_text("premises_id,service,places,annual_rent_sek,one_off_cost_sek,earliest_year\n"
                                             "P1,daglig_verksamhet,25,800000,0,2026\n", encoding="utf-8")
    code, _, err = invoke(app, *COMMANDS[command], "--demand", "my_demand.csv")
    assert code == 2 and "my_demand.csv: file not found" in err
    assert "resmodel forecast" not in err
