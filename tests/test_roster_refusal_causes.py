"""The refusal of a roster 20 times its need names the users' weekly_hours as a possible cause only for a unit of a
service that uses them, as roster_implausible does (re-walk: a housing unit was blamed on weekly hours its users
do not have)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from resmodel.errors import InputError
from resmodel.run import load, run

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("unit", "weekly_hours_named"), [("GB001", False), ("DV001", True)])
def test_the_refusal_names_weekly_hours_only_where_they_count(tmp_path, unit, weekly_hours_named):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "demokommun", data)
    staff = pd.read_csv(data / "staff.csv", dtype=str)
    staff.loc[staff["unit_id"] == unit, "fte"] = (staff.loc[staff["unit_id"] == unit, "fte"].astype(float) * 100).astype(str)
    staff.to_csv(data / "staff.csv", index=False)
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\npurpose: FTE in percent\nextends: {ROOT / 'scenarios' / 'base.yaml'}\ndata: {data}\n")
    with pytest.raises(InputError) as refused:
        run(load(path))
    (problem,) = [p for p in refused.value.problems if f"unit '{unit}'" in p.problem]
    assert ("weekly_hours" in problem.fix) is weekly_hours_named


def test_the_refusal_does_not_point_at_warnings_it_does_not_show(tmp_path):
    """Second diff review: the refusal said '(see its weekly_hours_implausible … warning, if any)', but a refused run
    prints no warnings."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "demokommun", data)
    staff = pd.read_csv(data / "staff.csv", dtype=str)
    staff.loc[staff["unit_id"] == "DV001", "fte"] = (staff.loc[staff["unit_id"] == "DV001", "fte"].astype(float) * 100).astype(str)
    staff.to_csv(data / "staff.csv", index=False)
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\npurpose: FTE in percent\nextends: {ROOT / 'scenarios' / 'base.yaml'}\ndata: {data}\n")
    with pytest.raises(InputError) as refused:
        run(load(path))
    assert all("warning, if any" not in p.fix for p in refused.value.problems)
