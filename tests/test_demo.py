"""The demo municipality is generated, never hand-edited: regenerating gives identical files."""

from __future__ import annotations

from resmodel.demo.tables import demo_tables
from resmodel.io.parameters import load_parameters
from resmodel.io.writers import write_csvs_into
from tests.conftest import ROOT


def test_regenerating_the_demo_gives_identical_files(tmp_path):
    committed = ROOT / "data" / "demokommun"
    (tmp_path / "parameters").symlink_to(committed / "parameters")
    names = write_csvs_into(tmp_path, demo_tables(load_parameters(tmp_path / "parameters", "parameters"), 20241231))
    assert "users.csv" in names and "volume_history.csv" in names
    for name in names:
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), name


def test_no_personal_identity_numbers_in_demo_users(demo_loaded):
    from resmodel.io.pnr import looks_like_pnr

    assert not any(looks_like_pnr(str(v)) for v in demo_loaded.data.users["user_id"])
