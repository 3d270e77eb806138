"""An SFB case (personlig_assistans_sfb) with 20 or fewer weekly hours is warned: state assistance requires basic
needs of more than 20 hours a week (docs/sources/public_parameters.md), so 15 or 18 hours is LSS assistance typed as
SFB or hours a day — priced without a word as the municipality's share of a state case before."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from resmodel.io.municipality import data_quality_warnings, read_municipality, table_files
from resmodel.io.starter import write_starter_kit
from tests.conftest import ROOT

BASE_DATE = dt.date(2024, 7, 1)
SFB = "personlig_assistans_sfb"


@pytest.fixture()
def data(tmp_path) -> Path:
    """A copy of the demo's data folder."""
    shutil.copytree(ROOT / "data" / "demokommun", tmp_path / "data")
    return tmp_path / "data"


def set_sfb_hours(data: Path, hours: list[str]) -> list[int]:
    """The first SFB users' weekly_hours set to ``hours``; their spreadsheet rows (header row 1)."""
    users = pd.read_csv(data / "users.csv", dtype=str, keep_default_na=False)
    rows = users.index[users["service"] == SFB][:len(hours)]
    users.loc[rows, "weekly_hours"] = hours
    users.to_csv(data / "users.csv", index=False)
    return [int(r) + 2 for r in rows]


def hours_warnings(data: Path) -> list:
    """The data-quality warnings of weekly_hours_implausible on the data folder."""
    municipality = read_municipality(data, "data", BASE_DATE)
    return [w for w in data_quality_warnings(municipality, BASE_DATE, table_files(data, "data"))
            if w.check == "weekly_hours_implausible"]


def test_sfb_cases_of_twenty_hours_or_fewer_are_one_warning_naming_count_and_first_rows(data):
    rows = set_sfb_hours(data, ["15", "18", "20", "0", "12", "19", "20.5"])
    found = hours_warnings(data)
    assert len(found) == 1, found
    w = found[0]
    assert (w.location.file, w.location.row, w.location.column) == ("data/users.csv", rows[0], "weekly_hours")
    assert w.message.startswith(f"6 personlig_assistans_sfb users have weekly_hours of at most 20 — row {rows[0]} (")
    assert f"row {rows[0]} (U" in w.message and ", 15 h), row " in w.message and ", 18 h)" in w.message
    assert f"row {rows[4]}" in w.message and f"row {rows[5]}" not in w.message and "and 1 more" in w.message
    assert f"row {rows[6]}" not in w.message  # 20.5 hours a week may be a state case
    assert ("state assistance (assistansersättning, SFB 51 kap.) requires basic needs of more than 20 hours a week on "
            "average") in w.message
    assert "LSS assistance typed as SFB" in w.message and "Correct the service or the hours" in w.message
    assert w.units and set(w.units) <= {"PA-EGEN", "PA-EXTERN"}


def test_one_case_is_said_in_the_singular(data):
    set_sfb_hours(data, ["18"])
    (w,) = hours_warnings(data)
    assert w.message.startswith("1 personlig_assistans_sfb user has weekly_hours of at most 20 — row ")
    assert "more" not in w.message.split(":")[0]


def test_sfb_hours_written_as_shares_are_left_to_the_shares_warning(data):
    users = pd.read_csv(data / "users.csv", dtype=str, keep_default_na=False)
    sfb = users["service"] == SFB
    users.loc[sfb, "weekly_hours"] = "0.5"
    users.to_csv(data / "users.csv", index=False)
    (w,) = hours_warnings(data)
    assert "weekly_hours have a median of 0.5 hours a week" in w.message


def test_the_demo_and_the_starter_kit_have_no_sfb_hours_warning(demo_result, tmp_path):
    assert not [w for w in demo_result.warnings if "assistansersättning" in w.message]
    write_starter_kit(tmp_path / "kit", "kit")
    assert hours_warnings(tmp_path / "kit" / "data") == []
