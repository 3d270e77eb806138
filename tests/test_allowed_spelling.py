"""Allowed values as a board's export spells them — capitals, å/ä/ö, spaces — are read as the keys they spell
('Stödpedagog' is stodpedagog), while a value that spells no key is still refused (new-board walk: every such
row was refused with a did-you-mean, one edit per row)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from resmodel.errors import InputError
from resmodel.run import load

ROOT = Path(__file__).resolve().parents[1]


#: every role of the demo's staff.csv as an export may write it
SPELLED = {"omsorgspedagog": "Omsorgspedagog", "aktivitetsledare": "AKTIVITETSLEDARE", "stodpedagog": "Stödpedagog",
           "stodassistent": "Stödassistent ", "personlig_assistent": "Personlig assistent"}


def _with_staff_roles(tmp_path: Path, spelled: dict[str, str]) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "demokommun", data)
    staff = data / "staff.csv"
    lines = staff.read_text().splitlines()
    role = lines[0].split(",").index("role")
    rows = [line.split(",") for line in lines[1:]]
    staff.write_text("\n".join([lines[0], *(",".join([*r[:role], spelled.get(r[role], r[role]), *r[role + 1:]])
                                            for r in rows)]) + "\n")
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\npurpose: roles\nextends: {ROOT / 'scenarios' / 'base.yaml'}\ndata: {data}\n")
    return path


def test_capitals_swedish_letters_and_spaces_spell_the_key(tmp_path, demo_loaded):
    assert set(demo_loaded.data.staff["role"]) == set(SPELLED)
    loaded = load(_with_staff_roles(tmp_path, SPELLED))
    assert loaded.data.staff.equals(demo_loaded.data.staff)


def test_a_value_that_spells_no_key_is_still_refused(tmp_path):
    with pytest.raises(InputError, match="unknown value 'Stödpedagogen'.*did you mean 'stodpedagog'"):
        load(_with_staff_roles(tmp_path, {"stodpedagog": "Stödpedagogen"}))
