"""The board's other services (other_services.csv): volume × average cost in the bottom-up
projection, so that every report area of the demo board has a cost and the total is complete."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resmodel.budget.areas import AREA_KEYS
from resmodel.budget.topdown import REVENUE_RATIO
from resmodel.cli import main
from resmodel.projection_run import build_setup, project, yearly_by_area
from tests.conftest import projection_scenario

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "demokommun"
F0110_NET_COST_2024 = 2_713_060_000  # facts.csv F0110: the board's 2024 net cost, tkr × 1 000


@pytest.fixture(scope="module")
def other() -> pd.DataFrame:
    return pd.read_csv(DATA / "other_services.csv")


@pytest.fixture(scope="module")
def setup(demo_loaded, demo_result):
    return build_setup(demo_loaded, demo_result)


@pytest.fixture(scope="module")
def budget(demo_loaded, demo_result):
    return project(demo_loaded, demo_result)


def test_demo_board_total_2024_is_the_published_net_cost(setup, other):
    """Engine services + other services at base-year volume = the board's 2024 net cost (F0110).
    The illustrative lump lines are sized on it, so this checks the wiring and the file together."""
    costs = setup.case.inputs.unit_costs
    net = (costs["staff_cost"] + costs["premises_cost"] + costs["other_cost"] - costs["revenue"]).sum()
    assert net == pytest.approx(F0110_NET_COST_2024, rel=1e-6)
    # each other line's unit-cost row reproduces volume × average cost, split by the board's cost structure
    rows = costs.set_index("service").loc[other["service"]]
    line_net = rows["staff_cost"] + rows["premises_cost"] + rows["other_cost"] - rows["revenue"]
    np.testing.assert_allclose(line_net.to_numpy(), (other["volume"] * other["average_cost"]).to_numpy(), rtol=1e-12)
    np.testing.assert_allclose((rows["revenue"] / (line_net + rows["revenue"])).to_numpy(), REVENUE_RATIO)


def test_every_area_has_cost_and_frame_every_year(budget):
    table = yearly_by_area(budget)
    areas = table[table["area"] != "total"]
    assert set(areas["area"]) == set(AREA_KEYS)
    assert (areas["net_cost"] > 0).all() and (areas["frame"] > 0).all()
    # the demo frame is sized on the 2024 net cost: every area is within 1 % of balance in 2025
    first = areas[areas["year"] == "2025"]
    assert (first["deviation"].abs() < 0.01 * first["net_cost"]).all(), first


def test_lines_without_history_are_held_at_base_volume(setup, other):
    history = set(pd.read_csv(DATA / "volume_history.csv")["service"])
    held = other.loc[~other["service"].isin(history), ["service", "volume"]]
    assert len(held) == 3  # ovriga_lss, ovrig_vard_omsorg, forvaltningsovergripande
    volumes = setup.case.inputs.volumes
    for service, volume in held.itertuples(index=False):
        assert (volumes[service] == volume).all(), service
    models = setup.volume_models.set_index("service")["model_used"]
    assert set(models[held["service"]]) == {"base volume"}
    # the lines with a history are forecast like the engine's services
    assert models["boendestod"] == "drift" and models["sarskilt_boende_sol"] == "drift"


def test_without_indexation_a_held_line_costs_exactly_its_base(tmp_path, other):
    from resmodel.run import load, run

    path = ROOT / "scenarios" / "no_indexation.yaml"
    loaded = load(path)
    budget = project(loaded, run(loaded))
    y = budget.yearly
    for service in ("ovriga_lss", "forvaltningsovergripande"):
        base = float(other.set_index("service").at[service, "average_cost"])
        sel = y[(y["service"] == service) & (y["measure"] == "net_cost")]
        np.testing.assert_allclose(sel["value"].to_numpy(), base, rtol=1e-9)
    # a forecast line: net cost = the year's (day-weighted) average volume × average cost
    line = y[(y["service"] == "boendestod") & (y["period"] == "2027")].set_index("measure")["value"]
    avg = float(other.set_index("service").at["boendestod", "average_cost"])
    assert line["volume"] > 953 and line["net_cost"] == pytest.approx(line["volume"] * avg, rel=1e-9)


def test_file_is_optional(tmp_path, demo_loaded):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "other_services.csv").unlink()
    frame = (data / "frame.yaml").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(frame) if "service: boendestod" in line)
    (data / "frame.yaml").write_text("\n".join(frame[:start] + frame[start + 4:]) + "\n", encoding="utf-8")
    path = projection_scenario(tmp_path, data)
    from resmodel.run import load, run

    loaded = load(path)
    result = run(loaded)
    table = yearly_by_area(project(loaded, result))
    other_areas = table[table["area"].isin(["ovriga_lss", "ovrig_vard_omsorg", "forvaltningsovergripande"])]
    assert (other_areas["net_cost"] == 0).all()
    # the base-year note names only what the net cost came from (docs-truth check: it named the absent file)
    start = next(n for n in build_setup(loaded, result).notes if n.startswith("base year 2024: frame"))
    assert "MSEK (the engine), a deviation" in start, start


BAD = [
    ("boendestd,persons,953,57023,F0206,illustrative,",
     "row 2, column 'service'", "did you mean 'boendestod'?"),
    ("daglig_verksamhet,persons,953,57023,F0206,illustrative,",
     "row 2, column 'service'", "one of 'lss_utbyggnad'"),
    ("boendestod,persons,0,57023,F0206,illustrative,",
     "row 2, column 'volume'", "is not above 0"),
    ("boendestod,persons,953,-5,F0206,illustrative,",
     "row 2, column 'average_cost'", "≥ 0"),
    ("boendestod,persons,953,57023,F0206,guessed,",
     "row 2, column 'status'", "'illustrative'"),
    ("sarskilt_boende_sol,places,102,1276260,F0203,reconstructed,",
     "row 3, column 'service'", "duplicate id 'sarskilt_boende_sol'"),
]


@pytest.mark.parametrize("row, where, expected", BAD, ids=[b[0].split(",")[0] + f"-{i}" for i, b in enumerate(BAD)])
def test_bad_rows_are_located_and_nothing_is_written(tmp_path, monkeypatch, capsys, row, where, expected):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    lines = (data / "other_services.csv").read_text(encoding="utf-8").splitlines()
    (data / "other_services.csv").write_text("\n".join([lines[0], row, *lines[2:]]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", ["resmodel", "project", str(projection_scenario(tmp_path, data)), "--out", str(out)])
    with pytest.raises(SystemExit) as exit_:
        main()
    err = capsys.readouterr().err
    assert exit_.value.code == 2, err
    assert err.count("error:") == 1 and "other_services.csv" in err and where in err and expected in err, err
    assert "Traceback" not in err and not out.exists()


def test_one_volume_growth_distribution_leaves_lump_lines_alone(setup):
    """Monte Carlo and tornado: 'volume growth, all services' moves the volume-driven lines only."""
    from resmodel.budget import montecarlo, sensitivity

    assert set(setup.case.inputs.fixed_volume_services) == {"ovriga_lss", "ovrig_vard_omsorg",
                                                              "forvaltningsovergripande"}
    spec = montecarlo.load_uncertainty({"volume_growth": {"dist": "normal", "mean": 0.0, "sd": 0.05}})
    t = montecarlo.run(setup.case, spec, draws=40, seed=7).table
    t = t[(t["measure"] == "net_cost") & (t["period"] == "2030")].set_index("service")
    for lump in setup.case.inputs.fixed_volume_services:
        assert t.at[lump, "p05"] == pytest.approx(t.at[lump, "p95"], rel=1e-12)
    assert t.at["boendestod", "p95"] > 1.1 * t.at["boendestod", "p05"]
    driver = next(d for d in sensitivity.standard_drivers() if d.key == "volume_growth")
    bumped = driver.apply(setup.case, 0.01)
    before, after = setup.case.inputs.volumes, bumped.inputs.volumes
    np.testing.assert_array_equal(after["ovriga_lss"].to_numpy(), before["ovriga_lss"].to_numpy())
    assert after["boendestod"].to_numpy()[-1] > before["boendestod"].to_numpy()[-1]


def test_validate_checks_the_projection_inputs(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["resmodel", "validate", str(ROOT / "scenarios" / "base.yaml")])
    main()
    assert "projection 2025–2034, frame for 6 areas, 5 other services" in capsys.readouterr().out
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with open(data / "other_services.csv", "a", encoding="utf-8") as f:
        f.write("korttidsvistelse,persons,120,,F0193,illustrative,\n")
    monkeypatch.setattr(sys, "argv", ["resmodel", "validate", str(projection_scenario(tmp_path, data))])
    with pytest.raises(SystemExit) as exit_:
        main()
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "other_services.csv, row 7, column 'average_cost'" in err, err
