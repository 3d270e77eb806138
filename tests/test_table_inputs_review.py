"""Robustness review of table inputs: a candidate's rent typed in tkr (1), candidates' Swedish headers bracketing a
unit (2), a roster's implausible break and empty staff_id (3), and a filled column without a header (4)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.main import app as api_app
from resmodel.errors import InputError
from resmodel.io.candidates import read_candidates
from resmodel.io.dictionary import PREMISES, USERS
from resmodel.io.shifts import read_roster
from resmodel.io.tables import read_table
from resmodel.planning.shifts import ShiftRules
from resmodel.shift_run import break_rule_warnings
from tests.clirun import invoke, planning_app

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


# (1) a candidate's rent or one-off cost typed in tkr or MSEK

def test_a_rent_typed_in_tkr_is_warned_at_its_cell_printed_and_in_the_manifest(app, demand, tmp_path):
    """Review: an annual_rent_sek of 0.8 (MSEK meant) was costed as almost rent-free without a word."""
    candidates = tmp_path / "c.csv"
    candidates.write_text("premises_id,service,places,annual_rent_sek,one_off_cost_sek\n"
                          + "".join(f"N{n},daglig_verksamhet,25,834000,0\n" for n in range(1, 6))
                          + "N6,daglig_verksamhet,25,0.8,2.5\n")
    out = tmp_path / "plan"
    code, _, stderr = invoke(app, "plan-premises", "--demand", demand, "--service", SERVICE,
                             "--candidates", candidates, "--scenario", BASE, "--out", out)
    assert code == 0, stderr
    rent = (f"[candidate_amount_low] {candidates}, row 7, column 'annual_rent_sek': a rent of 0.8 SEK a year for 25 "
            "places is 0.032 SEK per place, implausibly low")
    assert f"warning: {rent}" in stderr and "written in tkr/MSEK? amounts are in SEK" in stderr
    assert "0.8 MSEK is 800 000" in stderr
    assert f"{candidates}, row 7, column 'one_off_cost_sek': a one-off cost of 2.5 SEK" in stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert any(w.startswith(rent) for w in manifest["warnings"])
    assert sum("candidate_amount_low" in w for w in manifest["warnings"]) == 2


def test_plausible_and_zero_amounts_are_not_warned(tmp_path):
    """The demo's rents (32 000 SEK a place and more) and a 0 (no rent, no one-off cost: meant) pass silently."""
    from resmodel.io.candidates import amount_warnings

    demo = read_candidates(DEMO / "premises_candidates.csv", SERVICE)
    assert amount_warnings(demo, "demo") == []
    path = tmp_path / "c.csv"
    path.write_text("premises_id,service,places,annual_rent_sek,one_off_cost_sek\nN1,daglig_verksamhet,25,0,0\n"
                    "N2,daglig_verksamhet,25,25000,\n")  # 1 000 SEK a place: the threshold itself passes
    assert amount_warnings(read_candidates(path, SERVICE), "c") == []


def test_a_cheap_rent_whose_tkr_reading_no_premises_has_is_only_called_low(tmp_path):
    """Re-walk: 54 000 SEK for 60 places was asked 'written in tkr? … 54,000 tkr is 54,000,000' — 900 000 SEK a
    place; as today's premises (rent_implausible), a candidate's rent is read as tkr only where that is a rent."""
    from resmodel.io.candidates import amount_warnings

    path = tmp_path / "c.csv"
    path.write_text("premises_id,service,places,annual_rent_sek,one_off_cost_sek\nN1,daglig_verksamhet,60,54000,0\n")
    (warning,) = amount_warnings(read_candidates(path, SERVICE), "c")
    assert "very low for premises: check the rent and the places" in warning.message and "tkr is" not in warning.message


def test_the_api_warns_a_rent_typed_in_tkr_at_its_json_path(api):
    demand = [{"month": m, "volume": float(v)} for m, v in zip(MONTHS.strftime("%Y-%m"), np.linspace(1000, 1420, 72),
                                                                strict=True)]
    candidates = [{"premises_id": f"N{i}", "places": 25, "annual_rent_sek": 834_000} for i in range(1, 6)]
    candidates.append({"premises_id": "N6", "places": 25, "annual_rent_sek": 834})  # tkr
    response = api.post("/premises-plans", json={"scenario": "base", "service": SERVICE, "demand": demand,
                                                 "candidates": candidates})
    assert response.status_code == 200, response.text
    warnings = [w for w in response.json()["warnings"] if "candidate_amount_low" in w]
    assert len(warnings) == 1
    assert warnings[0].startswith("[candidate_amount_low] body.candidates[5].annual_rent_sek: a rent of 834 SEK a "
                                  "year for 25 places is 33.36 SEK per place, implausibly low")
    assert "written in tkr/MSEK? amounts are in SEK: 834 tkr is 834 000" in warnings[0]


# (2) candidates' Swedish headers bracketing a unit get the data tables' conversion advice

@pytest.mark.parametrize(("header", "column"), [("Årshyra (tkr)", "annual_rent_sek"), ("Hyra (tkr)", "annual_rent_sek"),
                                                ("Engångskostnad (tkr)", "one_off_cost_sek")])
def test_a_swedish_header_in_tkr_is_told_to_be_multiplied_as_premises_csv_is(tmp_path, header, column):
    """Review: 'Årshyra (tkr)' got 'rename or remove the column' and 'required column … is missing'."""
    path = tmp_path / "c.csv"
    rent = "" if column == "annual_rent_sek" else "annual_rent_sek,"
    path.write_text(f"premises_id,service,places,{rent}{header}\nN1,daglig_verksamhet,25,{'800,' if rent else ''}800\n")
    with pytest.raises(InputError) as exc:
        read_candidates(path, SERVICE)
    told = messages(exc)
    assert len(told) == 1, told
    assert (f"Fix: '{header}' may be '{column}' (") in told[0]
    assert (f"but '(tkr)' says its values are in another unit: multiply its values by 1 000 (they are thousands of "
            f"kronor), then rename it to '{column}'") in told[0]
    # the advice premises.csv gives for its own rent column, word for word
    premises = tmp_path / "premises.csv"
    premises.write_text("premises_id,kind,capacity,Årshyra (tkr)\nL1,dv_lokal,25,800\n")
    with pytest.raises(InputError) as other:
        read_table(premises, PREMISES)
    assert "multiply its values by 1 000 (they are thousands of kronor), then rename it" in messages(other)[0]


def test_a_swedish_header_in_kronor_is_still_told_to_be_renamed(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("premises_id,service,places,Årshyra (kr),Engångskostnad (MSEK)\nN1,daglig_verksamhet,25,800000,1\n")
    with pytest.raises(InputError) as exc:
        read_candidates(path, SERVICE)
    told = messages(exc)
    assert "Fix: 'Årshyra (kr)' is 'annual_rent_sek' here: rename it to 'annual_rent_sek'" in told[0]
    assert "multiply its values by 1 000 000 (they are millions of kronor), then rename it to 'one_off_cost_sek' — " \
           "do not remove it" in told[1]


# (3) a roster's break against the rules, and an empty staff_id

def roster(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("staff_id,weekday,start,end,break_start,break_end\n" + "\n".join(rows) + "\n")
    return path


def test_an_empty_staff_id_among_filled_ones_is_refused_at_its_cell(tmp_path):
    """Review: one row without staff_id escaped the overlap check (P01's shift twice on Monday, unseen)."""
    path = roster(tmp_path, ["P01,mon,07:30,16:00,11:30,12:00", ",mon,07:30,16:00,11:30,12:00",
                             "P02,mon,08:00,16:30,12:00,12:30"])
    with pytest.raises(InputError) as exc:
        read_roster(path)
    assert messages(exc) == [f"{path}, row 3, column 'staff_id': the cell is empty where other rows have a staff_id. "
                             "Expected a staff_id on every row of the schedule, or on none. Fix: fill in the staff "
                             "member's id (or empty the column on every row, and overlapping shifts are no longer "
                             "checked)"]


def test_a_roster_without_staff_ids_is_read_as_before(tmp_path):
    table = read_roster(roster(tmp_path, [",mon,07:30,16:00,11:30,12:00", ",mon,07:30,16:00,11:30,12:00"]))
    assert table["work_minutes"].tolist() == [480, 480]


def test_a_break_leaving_too_little_work_around_it_is_warned_and_a_long_lunch_is_not(tmp_path):
    """Review: a break 08:00–15:30 in a shift 07:30–16:00 (7.5 hours off, an hour of work) passed without a word; a
    one-hour lunch (row 4) is an hour off, not a slip."""
    table = read_roster(roster(tmp_path, ["P01,mon,07:30,16:00,11:30,12:00", "P02,mon,07:30,16:00,08:00,15:30",
                                          "P03,mon,07:30,16:00,11:30,12:30"]))
    warnings = break_rule_warnings(table, ShiftRules(), "roster.csv")
    assert warnings == [
        "1 roster break(s) leaving less than the rules' 1.5 h of work on a side of it "
        "(shift_rules.min_work_around_break), first: row 3 of roster.csv, break 08:00–15:30 in the shift 07:30–16:00: "
        "a break is time off, unstaffed and unpaid, so the row counts 1 h of work; check the break times"]
    assert break_rule_warnings(read_roster(DEMO / "roster_DV001.csv"), ShiftRules(), "demo") == []


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
    assert messages(exc) == [f"{path}, row 3: column I (the 9th) has values but no header: its cell in row 1 is "
                             "empty (merged header cells?). Expected a header for every filled column. Fix: give "
                             "column I its header in row 1, the name of the column it holds (see data-dictionary.md, "
                             "which resmodel init writes beside your README, or docs/data-dictionary.md in the "
                             "resmodel repository), or delete its values if it is not part of the table"]


@pytest.mark.parametrize(("header", "said"), [
    ("staff_id,weekday,start,end,", "row 2: column E (the 5th) has values but no header"),  # the roster reader names it too
    ("staff_id,weekday,start,end", "row has 5 cells but the header has 4"),  # no blank header cell: the old message
])
def test_the_roster_reader_names_a_headerless_column_and_keeps_the_cell_count_otherwise(tmp_path, header, said):
    path = tmp_path / "roster.csv"
    path.write_text(f"{header}\nP01,mon,07:30,16:00,11:30\n")
    with pytest.raises(InputError) as exc:
        read_roster(path)
    assert said in messages(exc)[0]


def test_two_candidate_headers_for_one_column_are_told_to_keep_one(tmp_path):
    """The candidates' reader had its own copy of the header hints and missed the data tables' rule: 'Årshyra (kr)'
    and 'Hyra (SEK)' were each told to be renamed to annual_rent_sek (code re-read)."""
    path = tmp_path / "cand.csv"
    path.write_text("premises_id,service,min_level,max_level,places,Årshyra (kr),Hyra (SEK),one_off_cost_sek,"
                    "earliest_year,lead_time_months\nL1,bostad_vuxna,1,8,6,1200000,1200000,0,2026,12\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_candidates(path, "bostad_vuxna")
    said = "\n".join(messages(exc))
    assert "'Årshyra (kr)' and 'Hyra (SEK)' both look like 'annual_rent_sek': keep the one that holds it" in said, said
    assert "here: rename it to 'annual_rent_sek'" not in said
