"""Section-manager walk (2026-12-07, third): `compare` of an edited copy of the data folder left out a unit opened in
it — the largest change of all, sorted by a NaN difference and not counted — and said none of the copy's data
warnings (a new unit with users and no roster rows), which only `run` printed."""

from __future__ import annotations

from pathlib import Path

from .clirun import run_main
from .scenario_files import SC, child, demo_copy, edit

#: three of DV077's users, moved to the new unit DV078 in the same premises
MOVED = ("U0044", "U0070", "U0107")


def _new_unit(tmp_path: Path) -> Path:
    """A scenario on a copy of the demo data with a new daily-activity unit DV078 (no roster rows) that takes three
    of DV077's users."""
    data = demo_copy(tmp_path)
    units = data / "units.csv"
    units.write_text(units.read_text(encoding="utf-8")
                     + "DV078,Daglig verksamhet 78,daglig_verksamhet,egen,DV sektion 10,L-DV040,,,,,\n", encoding="utf-8")
    for user in MOVED:
        text = (data / "users.csv").read_text(encoding="utf-8")
        row = next(line for line in text.splitlines() if line.startswith(user + ","))
        edit(data / "users.csv", row, row.replace(",DV077,", ",DV078,"))
    return child(tmp_path, "newunit", f"data: {data}\nprojection: null\n")


def _unit_rows(stdout: str) -> list[str]:
    """The ids of the unit rows the comparison lists, in their order."""
    return [line.split()[0] for line in stdout.splitlines() if line.strip().startswith(("DV", "SB", "GB", "PA"))]


def test_a_unit_opened_in_the_compared_scenario_is_counted_and_listed_first(tmp_path, monkeypatch, capsys):
    code, stdout, _ = run_main(monkeypatch, capsys, "compare", SC / "base.yaml", _new_unit(tmp_path),
                               "--out", tmp_path / "cmp")
    assert code == 0
    assert "'newunit' against 'base': 2 of 166 units change, 1 of them in one scenario only" in stdout
    assert _unit_rows(stdout) == ["DV078", "DV077"] or _unit_rows(stdout) == ["DV077", "DV078"]
    row = next(line for line in stdout.splitlines() if line.strip().startswith("DV078")).split()
    assert row[-5] == "–" and row[-2] == "–"  # no allocation or gap in the reference: shown as absent, not NaN
    assert row[-4] == row[-3]  # its difference is its whole allocation
    assert "(– : the unit is not in that scenario" in stdout
    import pandas as pd  # the CSV says it as the console does: the value empty, the difference the whole value

    units = pd.read_csv(tmp_path / "cmp" / "jamforelse_enheter.csv").set_index(["unit_id", "measure"])
    new = units.loc[("DV078", "allocation")]
    assert pd.isna(new["value_a"]) and new["difference"] == new["value_b"] > 0


def test_a_unit_closed_in_the_compared_scenario_is_listed_too(tmp_path, monkeypatch, capsys):
    code, stdout, _ = run_main(monkeypatch, capsys, "compare", _new_unit(tmp_path), SC / "base.yaml",
                               "--out", tmp_path / "cmp")
    assert code == 0
    assert "'base' against 'newunit': 2 of 166 units change, 1 of them in one scenario only" in stdout
    row = next(line for line in stdout.splitlines() if line.strip().startswith("DV078")).split()
    assert row[-4] == "–" and row[-1] == "–" and row[-3] == "-" + row[-5]


def test_the_copy_s_data_warnings_the_reference_has_not_are_printed(tmp_path, monkeypatch, capsys):
    code, _, stderr = run_main(monkeypatch, capsys, "compare", SC / "base.yaml", _new_unit(tmp_path),
                               "--out", tmp_path / "cmp")
    assert code == 0
    lines = [line for line in stderr.splitlines() if line.startswith("warning: 'newunit' (not in 'base'): ")]
    assert any("[no_roster]" in line and "'DV078' has users but no roster rows" in line for line in lines)
    assert not any("'base' (not in" in line for line in stderr.splitlines())  # the reference's own are not repeated


def test_an_unchanged_copy_prints_no_data_warning(tmp_path, monkeypatch, capsys):
    """The demo's three capacity_exceeded warnings are in both runs: none is new (compared by check, message and
    units — not by the file path, which differs between the folders)."""
    copy = child(tmp_path, "copy", f"data: {demo_copy(tmp_path)}\nprojection: null\n")
    code, _, stderr = run_main(monkeypatch, capsys, "compare", SC / "base.yaml", copy, "--out", tmp_path / "cmp")
    assert code == 0 and "(not in 'base')" not in stderr


def test_staff_on_duty_written_as_percent_is_warned_at_the_units_row(tmp_path, monkeypatch, capsys):
    """Data-steward walk: a group home's night_awake_staff 100 (percent for 1) cost about 25 MSEK a resident with exit
    0 and no word; its need is now warned against the FTE it employs, at its units.csv row."""
    data = demo_copy(tmp_path)
    units = (data / "units.csv").read_text(encoding="utf-8").splitlines()
    row, line = next((i + 1, text) for i, text in enumerate(units) if text.startswith("GB001,"))
    cells = line.split(",")
    cells[-2] = "100"  # night_awake_staff
    edit(data / "units.csv", line, ",".join(cells))
    scenario = child(tmp_path, "percent", f"data: {data}\nprojection: null\n")
    code, _, stderr = run_main(monkeypatch, capsys, "validate", scenario)
    assert code == 0
    said = [line for line in stderr.splitlines() if "[need_implausible]" in line]
    assert len(said) == 1 and f"units.csv, row {row}" in said[0] and "unit 'GB001' needs" in said[0], stderr
    assert "staff on duty in units.csv" in said[0]
    code, _, stderr = run_main(monkeypatch, capsys, "validate", SC / "base.yaml")
    assert "need_implausible" not in stderr  # the demo's units need 0.8–1.3 times their roster


def test_a_tkr_hint_gives_the_amount_as_a_semicolon_file_can_take_it():
    """Data-steward walk: 'written in tkr? … 480 tkr is 480,000' — typed as shown into a ';' file, 480,000 reads as
    480 with a decimal comma, the same slip again. Amounts in hints have spaces between thousands."""
    from resmodel.io.tables import shown_sek, whole_sek

    assert whole_sek(480 * 1e3) == "480 000" and whole_sek(1_067_700_000) == "1 067 700 000"
    assert shown_sek(4.5) == "4.5" and shown_sek(1120) == "1 120"


def test_rows_hidden_in_a_workbook_are_refused_at_each(tmp_path):
    """Data-steward walk: leavers' rows hidden by a filter in users.xlsx were costed with exit 0 and no word."""
    import pytest
    from openpyxl import Workbook

    from resmodel.errors import InputError
    from resmodel.io.tables import read_raw

    book = Workbook()
    sheet = book.active
    sheet.append(["unit_id", "role", "fte"])
    for i in range(1, 6):
        sheet.append([f"DV00{i}", "stodpedagog", 1.0])
    sheet.row_dimensions[3].hidden = sheet.row_dimensions[5].hidden = True
    book.save(tmp_path / "staff.xlsx")
    with pytest.raises(InputError) as exc:
        read_raw(tmp_path / "staff.xlsx", "staff.xlsx")
    rows = [p.location.row for p in exc.value.problems]
    assert rows == [3, 5] and "the row is hidden in Excel" in str(exc.value)
    sheet.row_dimensions[3].hidden = sheet.row_dimensions[5].hidden = False
    sheet.column_dimensions["B"].hidden = True  # a hidden column is its own check (its header is read)
    book.save(tmp_path / "staff.xlsx")
    assert len(read_raw(tmp_path / "staff.xlsx", "staff.xlsx")) == 5


def test_an_unknown_column_hidden_in_a_workbook_is_told_it_is_hidden(tmp_path):
    """29th note's known limit: a hidden comment column was told 'remove the column' — one the user could not see."""
    import pytest
    from openpyxl import Workbook

    from resmodel.errors import InputError
    from resmodel.io.dictionary import STAFF
    from resmodel.io.tables import read_table

    book = Workbook()
    sheet = book.active
    sheet.append(["unit_id", "role", "fte", "anteckning", "kommentar"])
    sheet.append(["DV001", "stodpedagog", 1.0, "x", "y"])
    sheet.column_dimensions["D"].hidden = True
    book.save(tmp_path / "staff.xlsx")
    with pytest.raises(InputError) as exc:
        read_table(tmp_path / "staff.xlsx", STAFF, "staff.xlsx")
    said = {p.location.column: p for p in exc.value.problems}
    assert said["anteckning"].problem.endswith("(the column is hidden in Excel)")
    assert said["anteckning"].fix.startswith("unhide it to see it")
    assert "hidden" not in str(said["kommentar"])  # a visible unknown column is told as before


def test_total_rows_are_found_beside_an_empty_id_and_with_a_colon(tmp_path):
    """Data-steward walk: 'Totalt' in the name column under an empty unit_id was told to fill in unit_id, service,
    regi and section; 'SUMMA:' was 'id contains spaces or symbols'."""
    import pytest

    from resmodel.errors import InputError
    from resmodel.io.tables import read_raw

    def refusal(text: str) -> str:
        (tmp_path / "staff.csv").write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as exc:
            read_raw(tmp_path / "staff.csv", "staff.csv")
        return str(exc.value)

    head = "unit_id,role,fte\nDV001,stodpedagog,1.0\nDV002,stodpedagog,2.0\n"
    assert "row 4, column 'role': row 4 looks like a total row ('Summa')" in refusal(head + ",Summa,3.0\n")
    assert "row 4, column 'unit_id': row 4 looks like a total row ('SUMMA:')" in refusal(head + "SUMMA:,,3.0\n")
    (tmp_path / "staff.csv").write_text(head + "DV003,summa,1.0\n", encoding="utf-8")  # an id: the row is read
    assert len(read_raw(tmp_path / "staff.csv", "staff.csv")) == 3
