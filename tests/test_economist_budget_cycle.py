"""Findings of an economist's budget cycle on the demo (children of scenarios/base.yaml): the tornado's SFB-case bar
and a Monte Carlo SFB volume draw left the own provider's hours out, the waterfall put a salary change under level
mix and showed 0.0 under wages, compare's first table ignored --measure, the SFB note said 20 hours whatever the
parameter, and `project --draws` left a stray progress label on a piped stderr."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resmodel.budget import compare, montecarlo, sensitivity
from resmodel.budget.montecarlo import Fixed, Normal, UncertaintySpec
from resmodel.projection_run import run_setup
from tests.scenario_files import child, setup_of

SC = Path(__file__).resolve().parents[1] / "scenarios"
SFB, OWN = "personlig_assistans_sfb", "personlig_assistans_egen_utforare"
#: the demo's salaries at the base date (resmodel params scenarios/base.yaml --grep salaries)
SALARIES = {"omsorgspedagog": 33572.5, "aktivitetsledare": 29957.0, "stodpedagog": 32539.5, "stodassistent": 29440.5,
            "personlig_assistent": 28924.0}
LUMPS = ("ovriga_lss", "ovrig_vard_omsorg", "forvaltningsovergripande")


def salaries_up(tmp_path: Path) -> Path:
    """Every salary 1 % above the base date's, undated (it holds from the base year on)."""
    lines = "".join(f"  salaries.{k}: {v * 1.01:.2f}\n" for k, v in SALARIES.items())
    return child(tmp_path, "salaries_up", f"parameters:\n{lines}")


@pytest.fixture(scope="module")
def base():
    return setup_of(SC / "base.yaml")


def net_cost_over_horizon(setup, service: str) -> float:
    t = run_setup(setup).yearly
    return float(t[(t["service"] == service) & (t["measure"] == "net_cost")]["value"].sum())


def test_the_tornados_sfb_cases_bar_moves_the_own_providers_hours_with_the_cases(base):
    """Finding 1: the bar was ±180.0 MSEK, 10 % of the SFB municipal share alone; the own provider's gap, whose hours
    follow the SFB cases in the projection, did not move. With them it is 10 % of both lines (196.2 on the demo)."""
    sfb_driver = next(d for d in sensitivity.standard_drivers() if d.key == "sfb_cases")
    row = sensitivity.tornado(base.case, drivers=(sfb_driver,)).iloc[0]
    sfb, own = net_cost_over_horizon(base, SFB), net_cost_over_horizon(base, OWN)
    assert own > 1e6  # the demo's own provider carries a gap
    assert row["effect_high"] == pytest.approx(-0.1 * (sfb + own), rel=1e-9)
    assert row["effect_low"] == pytest.approx(0.1 * (sfb + own), rel=1e-9)
    assert row["effect_low"] / 1e6 == pytest.approx(196.2, abs=0.05)  # docs/projection.md, the base tornado
    raised = sfb_driver.apply(base.case, 0.1).inputs.volumes
    volumes = base.case.inputs.volumes
    assert np.allclose(raised[OWN], volumes[OWN] * 1.1) and np.allclose(raised[SFB], volumes[SFB] * 1.1)


def test_a_monte_carlo_volume_draw_for_the_sfb_cases_moves_the_own_providers_hours(base):
    """Finding 1, the draws: a per-service volume distribution for the SFB cases left the own provider's hours at the
    forecast (no spread); they take the SFB cases' draw unless the block names the own provider itself."""
    spread = Normal(dist="normal", mean=0.0, sd=0.02)
    followers = montecarlo.volume_followers(base.case)
    assert followers == {OWN: SFB}
    services = (SFB, "daglig_verksamhet", OWN)
    shocks = montecarlo.sample_shocks(UncertaintySpec(volume_growth={SFB: spread}), services, 10, 50, 7, (),
                                      followers)
    assert np.array_equal(shocks.volume_growth[:, 2], shocks.volume_growth[:, 0])
    assert shocks.volume_growth[:, 0].std() > 0 and not shocks.volume_growth[:, 1].any()
    named = montecarlo.sample_shocks(UncertaintySpec(volume_growth={SFB: spread, OWN: Fixed(value=0.0)}), services,
                                     10, 50, 7, (), followers)
    assert not named.volume_growth[:, 2].any()  # named itself, the own provider keeps its own distribution
    table = montecarlo.run(base.case, UncertaintySpec(volume_growth={SFB: spread}), draws=40, seed=3).table
    hours = table[(table["service"].isin([SFB, OWN])) & (table["measure"] == "volume")
                  & (table["period"].astype(str) == "2030")].set_index("service")
    relative = (hours["p95"] - hours["p05"]) / hours["value"]
    assert relative[OWN] > 0.02 and relative[OWN] == pytest.approx(relative[SFB], rel=1e-9)


def test_a_salary_change_is_labelled_as_base_year_unit_costs_not_as_the_wage_index(tmp_path, base):
    """Finding 2: all salaries +1 % showed 0.0 under 'Löner — wages and sick leave' and the whole effect under
    'Nivåmix — level mix and base unit costs'; the labels now say which step holds what (keys unchanged), and the
    salaries move none of other_services.csv's lump lines (793.7 of the 2 091.1 MSEK base-year staff cost)."""
    other = setup_of(salaries_up(tmp_path))
    steps = compare.waterfall(base.case, other.case, measure="net_cost", year=2025).set_index("driver")
    assert list(steps.index) == ["start", *compare.DRIVER_ORDER, "end"]
    assert steps.at["level_mix", "label"] == ("Enhetskostnader och nivåmix — base-year unit costs (salaries, staffing, "
                                              "prices) and level mix")
    assert steps.at["wages", "label"] == "Löneindex och sjukfrånvaro — wage index and sick leave"
    assert steps.at["assistance", "label"] == "Assistansregler — assistance rules, costs per hour and the state rate"
    assert steps.at["level_mix", "value"] / 1e6 == pytest.approx(12.3, abs=0.05)  # docs/budget.md §6
    assert steps.at["assistance", "value"] / 1e6 == pytest.approx(1.4, abs=0.05)
    assert steps.at["wages", "value"] == 0.0
    services = compare.compare_services(run_setup(base), run_setup(other))
    lumps = services[services["service"].isin(LUMPS) & (services["measure"] == "net_cost")]
    assert len(lumps) and not lumps["difference"].any()
    units = base.case.inputs.unit_costs
    lines = pd.read_csv(SC.parent / "data" / "demokommun" / "other_services.csv")["service"]
    assert units[units["service"].isin(lines)]["staff_cost"].sum() / 1e6 == pytest.approx(793.7, abs=0.05)
    assert units["staff_cost"].sum() / 1e6 == pytest.approx(2091.1, abs=0.05)  # docs/projection.md, Other services


def test_compares_first_table_follows_the_measure_asked_for(tmp_path):
    """Finding 3: `compare --measure net_cost --year 2025` opened with the deviation per year; the table is now the
    net cost's, its heading says so, and jamforelse.csv keeps every measure."""
    from resmodel.cli import app
    from tests.clirun import invoke

    code, out, err = invoke(app, "compare", SC / "base.yaml", SC / "wage_above_state_rate.yaml", "--measure",
                            "net_cost", "--year", 2025, "--out", tmp_path / "c")
    assert code == 0, err
    diff = pd.read_csv(tmp_path / "c" / "jamforelse.csv")
    assert set(diff["measure"]) == {"net_cost", "frame", "deviation"}
    board = diff[diff["area"] == "total"].set_index(["measure", "period"])["difference"] / 1e6
    assert "difference in the board's net cost against 'base' (MSEK per year)\n" in out
    assert "deviation against" not in out
    table = out.split("(MSEK per year)\n")[1]
    row = next(line for line in table.splitlines() if line.startswith("2030"))
    assert float(row.split()[1].replace(",", "")) == pytest.approx(board.loc[("net_cost", 2030)], abs=0.051)
    assert abs(board.loc[("net_cost", 2030)] + board.loc[("deviation", 2030)]) > 1.0  # the two tables differ


def test_the_sfb_note_says_the_municipal_hours_in_force_and_when_they_change(tmp_path, base):
    """Finding 4: with municipal_hours_per_week 25 from 2026 the SFB line was costed at 25 but its note said 'up to
    20 hours a week each'."""
    body = ("parameters:\n  personlig_assistans.municipal_hours_per_week:\n    - value: 25\n      from: 2026-01-01\n"
            "      reason: cycle\n")
    notes = run_setup(setup_of(child(tmp_path, "cap25", body))).notes
    assert (f"{SFB}: projected by its own rule (cases × up to 20 hours a week each (25 from 2026-01) × the state "
            "rate), as intended; its base-year average cost is not used") in notes
    assert f"{SFB}: projected by its own rule (cases × up to 20 hours a week each × the state rate), as intended; " \
           "its base-year average cost is not used" in run_setup(base).notes


def test_explain_says_the_municipal_hours_in_force_too(tmp_path):
    """explain printed RULE_NOTES' fixed 'up to 20 hours' beside a projection costed at 25 from 2026 (i2's note)."""
    from typer.testing import CliRunner

    from resmodel.cli import app

    body = ("parameters:\n  personlig_assistans.municipal_hours_per_week:\n    - value: 25\n      from: 2026-01-01\n"
            "      reason: cycle\n")
    res = CliRunner().invoke(app, ["explain", str(child(tmp_path, "cap25", body)), "--year", "2027", "--area",
                                   "personlig_assistans"])
    assert res.exit_code == 0, res.output
    assert f"{SFB}: priced by its rule (cases × up to 20 hours a week each (25 from 2026-01) × the state rate)" \
        in res.output, res.output


def test_monte_carlo_leaves_no_stray_progress_line_on_a_piped_stderr(tmp_path):
    """Finding 5: stderr captured by a pipe (CI, a log) got a lone 'Monte Carlo' line from the progress bar, which
    cannot redraw there; the bar is drawn only on a terminal."""
    res = subprocess.run([sys.executable, "-m", "resmodel.cli", "project", str(SC / "base.yaml"), "--draws", "20",
                          "--out", str(tmp_path / "mc")], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("scenario 'base'")
    assert [line for line in res.stderr.splitlines() if not line.startswith(("note:", "warning:"))] == []


def test_the_progress_bar_is_drawn_on_a_terminal(monkeypatch):
    """Finding 5, the other side: on a terminal the bar still shows the draws' progress."""
    from resmodel.cli_budget import _progress_bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    with _progress_bar(10, "Monte Carlo") as advance:
        advance(5, 10)
        advance(10, 10)
    assert "Monte Carlo" in sys.stderr.getvalue() and "100%" in sys.stderr.getvalue()
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with _progress_bar(10, "Monte Carlo") as advance:
        assert advance is None
    assert sys.stderr.getvalue() == ""
