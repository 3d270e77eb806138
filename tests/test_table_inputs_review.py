"""Robustness review of table inputs: a candidate's rent typed in tkr (1), candidates' Swedish headers bracketing a
unit (2), a roster's implausible break and empty staff_id (3), a filled column without a header (4), and a nowcast
triangle's unused cases column (5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.main import app as api_app
from resmodel.errors import InputError
from resmodel.io.dictionary import USERS
from resmodel.io.shifts import read_roster
from resmodel.io.tables import read_table
from tests.clirun import planning_app

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demokommun"
BASE = ROOT / "scenarios" / "base.yaml"
SERVICE = "daglig_verksamhet"
MONTHS = pd.date_range("2025-01", periods=72, freq="MS")


def messages(exc: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in exc.value.problems]


@pytest.fixture(scope="module")
def app():
    return planning_app()


@pytest.fixture(scope="module")
def api():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESMODEL_SCENARIOS", str(ROOT / "scenarios"))
        yield TestClient(api_app)


@pytest.fixture(scope="module")
def demand(tmp_path_factory) -> Path:
    """Daily activity growing from 1 000 to 1 420 users over 2025–2030 (the demo has 1 295 places)."""
    path = tmp_path_factory.mktemp("demand") / "forecast.csv"
    pd.DataFrame({"month": MONTHS.strftime("%Y-%m"), "service": SERVICE,
                  "volume": np.linspace(1000, 1420, 72)}).to_csv(path, index=False)
    return path


# (4) a filled column without a header

def test_a_filled_column_without_a_header_is_named_as_such(tmp_path):
    """Review: users.csv's header ending in ',' (a name short) gave 'row has 9 cells but the header has 8' (row 2 leaves
    level_assessed empty: row 3 is the first with a value there)."""
    lines = (DEMO / "users.csv").read_text(encoding="utf-8").splitlines()[:4]
    header = lines[0].rsplit(",", 1)[0] + ","  # the last column's name cleared, its values kept
    path = tmp_path / "users.csv"
    path.write_text("\n".join([header, *lines[1:]]) + "\n")
    with pytest.raises(InputError) as exc:
        read_table(path, USERS)
    assert messages(exc) == [f"{path}, row 3: column 9 has values but no header (its cell in row 1 is empty; the "
                             "named columns end at column 8). Expected a header for every filled column. Fix: name "
                             "column 9 in row 1 (docs/data-dictionary.md), or delete its values if it is not part "
                             "of the table"]


def test_the_roster_reader_names_the_headerless_column_too(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("staff_id,weekday,start,end,\nP01,mon,07:30,16:00,11:30\n")
    with pytest.raises(InputError) as exc:
        read_roster(path)
    assert "row 2: column 5 has values but no header" in messages(exc)[0]


def test_a_row_with_one_cell_too_many_and_no_blank_header_cell_keeps_its_message(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("staff_id,weekday,start,end\nP01,mon,07:30,16:00,x\n")
    with pytest.raises(InputError) as exc:
        read_roster(path)
    assert "row has 5 cells but the header has 4" in messages(exc)[0]
