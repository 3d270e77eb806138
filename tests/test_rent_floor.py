"""premises.csv: a rent under 1 000 SEK a place a year is warned as typed in tkr, as the premises candidates' rents
are (new-board walk: the parameter files and other_services.csv got floors, the premises' rent had none)."""

from __future__ import annotations

import shutil
from pathlib import Path

from resmodel.run import load

ROOT = Path(__file__).resolve().parents[1]


def _scenario(tmp_path: Path, rent: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "demokommun", data)
    premises = data / "premises.csv"
    premises.write_text(premises.read_text().replace("L-DV001,dv_lokal,35,1120000.0,", f"L-DV001,dv_lokal,35,{rent},"))
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\npurpose: rent\nextends: {ROOT / 'scenarios' / 'base.yaml'}\ndata: {data}\n")
    return path


def test_a_rent_in_tkr_is_warned_at_its_cell_with_the_units_it_costs(tmp_path):
    (warning,) = [w for w in load(_scenario(tmp_path, "1120")).warnings if w.check == "rent_implausible"]
    assert (warning.location.row, warning.location.column) == (2, "annual_rent")
    assert "1 120 tkr is 1 120 000" in warning.message and warning.units == ("DV001", "DV002")


def test_zero_and_the_demo_rents_are_not_warned(tmp_path, demo_loaded):
    assert not [w for w in load(_scenario(tmp_path, "0")).warnings if w.check == "rent_implausible"]
    assert not [w for w in demo_loaded.warnings if w.check == "rent_implausible"]
