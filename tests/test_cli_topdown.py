"""`resmodel topdown`: a board with only aggregates reproduces its published 2024 figures."""

from __future__ import annotations

import shutil
import sys

import pandas as pd
import pytest

from tests.conftest import ROOT
from tests.csvedit import assert_located_refusal, edit_csv, insert_empty_row


def _run(monkeypatch, *args):
    from resmodel.cli import main

    monkeypatch.setattr(sys, "argv", ["resmodel", "topdown", *map(str, args)])
    main()


def test_topdown_cli_reconciles_the_shipped_board(tmp_path, monkeypatch, capsys):
    _run(monkeypatch, ROOT / "data" / "topdown_2024", "--out", tmp_path / "td")
    checked = pd.read_csv(tmp_path / "td" / "avstamning.csv")
    assert checked["within"].all() and len(checked) >= 9
    areas = pd.read_csv(tmp_path / "td" / "omraden.csv").set_index("area")
    assert areas.loc["total", "deviation"] == pytest.approx(areas.loc["total", "frame"] - areas.loc["total", "net_cost"])
    # economist walkthrough: '13 of 13' counted the 4 targets the data reproduce by construction as passed tests
    circular = checked["circular"].eq("yes")
    assert (f"published targets within tolerance: {(~circular).sum()} of {(~circular).sum()} independent ones; "
            f"{circular.sum()} more reproduced by construction") in capsys.readouterr().out and circular.sum() == 4


def test_topdown_missing_folder_is_located(tmp_path, monkeypatch, capsys):
    with pytest.raises(SystemExit) as exc:
        _run(monkeypatch, tmp_path / "nowhere", "--out", tmp_path / "out")
    assert exc.value.code == 2 and "top-down folder not found" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ broken input files
# Each case corrupts one file of a copy of data/topdown_2024 (row = spreadsheet row, header =
# row 1); the CLI must exit 2 with a located message, never a traceback, and write nothing.


BROKEN = [
    # (id, file to corrupt, edit, extra CLI args, where, texts that must appear)
    ("target-unknown-measure", "targets.csv", dict(row=3, column="measure", value="net_cst"), (),
     "targets.csv, row 3, column 'measure'", ["unknown measure 'net_cst'", "did you mean 'net_cost'?"]),
    ("target-unknown-area", "targets.csv", dict(row=2, column="area", value="totl"), (),
     "targets.csv, row 2, column 'area'", ["unknown area 'totl'", "did you mean 'total'?"]),
    ("target-unknown-service", "targets.csv", dict(row=12, column="area", value="personlig_assistans_sf"), (),
     "targets.csv, row 12, column 'area'", ["unknown service 'personlig_assistans_sf'"]),
    ("target-circular-maybe", "targets.csv", dict(row=2, column="circular", value="maybe"), (),
     "targets.csv, row 2, column 'circular'", ["circular 'maybe'", "Expected yes"]),
    ("target-repeated-row", "targets.csv", dict(append=3), (),
     "targets.csv, row 15, column 'area'", ["appears again (first on row 3)"]),
    ("target-negative-tolerance", "targets.csv", dict(row=2, column="tolerance", value="-5"), (),
     "targets.csv, row 2, column 'tolerance'", ["negative tolerance"]),
    ("target-value-decimal-comma", "targets.csv", dict(row=2, column="value", value="2662074000,5"), (),
     "targets.csv, row 2, column 'value'", ["'2662074000,5' is not an amount", "'.' as decimal point"]),
    ("target-unknown-column", "targets.csv", dict(add_column="comment"), (),
     "targets.csv, row 1, column 'comment'", ["unknown column 'comment'"]),
    ("target-header-only", "targets.csv", dict(keep_rows=[]), (), "targets.csv, row 2",
     ["the file has a header but no rows"]),
    ("item-amount-decimal-comma", "items.csv", dict(row=3, column="amount", value="1700000,5"), (),
     "items.csv, row 3, column 'amount'", ["'1700000,5' is not an amount", "'.' as decimal point"]),
    ("item-unknown-kind", "items.csv", dict(row=2, column="kind", value="reportd"), (),
     "items.csv, row 2, column 'kind'", ["unknown kind 'reportd'", "did you mean 'reported'?"]),
    ("item-unknown-column", "items.csv", dict(add_column="comment"), (),
     "items.csv, row 1, column 'comment'", ["unknown column 'comment'"]),
    ("service-unknown-column", "services.csv", dict(add_column="extra"), (),
     "services.csv, row 1, column 'extra'", ["unknown column 'extra'"]),
    ("service-volume-decimal-comma", "services.csv", dict(row=3, column="outcome_volume", value="15,5"), (),
     "services.csv, row 3, column 'outcome_volume'", ["'15,5' is not a volume", "'.' as decimal point"]),
    ("service-sfb-unit-cost", "services.csv", dict(row=7, column="budget_unit_cost", value="332.6"), (),
     "services.csv, row 7, column 'budget_unit_cost'", ["a unit cost on a line with rule 'sfb' ('332.6')",
                                                        "set the rule to 'generic'"]),
    ("service-header-only", "services.csv", dict(keep_rows=[]), (), "services.csv, row 2",
     ["the file has a header but no rows"]),
    ("year-outside-folder", "frame.yaml", None, ("--year", 1900), "frame.yaml, line 6",
     ["the folder describes 2024, not 1900", "--year 2024"]),
]


@pytest.mark.parametrize("name, file, edit, args, where, texts", BROKEN, ids=[c[0] for c in BROKEN])
def test_topdown_broken_input_is_located_and_writes_nothing(tmp_path, monkeypatch, capsys, name, file, edit, args,
                                                            where, texts):
    folder = tmp_path / "topdown"
    shutil.copytree(ROOT / "data" / "topdown_2024", folder)
    if edit is not None:
        edit_csv(folder / file, folder / file, **edit)
    with pytest.raises(SystemExit) as exc:
        _run(monkeypatch, folder, *args, "--out", tmp_path / "out")
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert_located_refusal(err, where, texts, tmp_path / "out")
    assert "resmodel.budget" not in err  # no internal API names in a user message


def test_a_ten_digit_volume_or_cost_is_an_amount_not_an_identity_number(tmp_path, monkeypatch, capsys):
    """Numeric columns refuse only the 12-digit register form; 1206643841 passes the date and check test."""
    folder = tmp_path / "topdown"
    shutil.copytree(ROOT / "data" / "topdown_2024", folder)
    edit_csv(folder / "services.csv", folder / "services.csv", row=2, column="budget_volume", value="1206643841")
    try:
        _run(monkeypatch, folder, "--out", tmp_path / "out")
    except SystemExit:  # an implausible volume may be refused on other grounds, never as a personal number
        pass
    assert "personal identity number" not in capsys.readouterr().err


# ------------------------------------------------------------------ empty rows inside a table
# An empty row (',,,,' in CSV) is skipped like in every other table, and the rows after it keep
# their spreadsheet numbers in messages.


OUTPUTS = ("omraden.csv", "tjanster.csv", "avstamning.csv")


def test_an_empty_row_inside_the_tables_is_skipped(tmp_path, monkeypatch):
    _run(monkeypatch, ROOT / "data" / "topdown_2024", "--out", tmp_path / "plain")
    folder = tmp_path / "topdown"
    shutil.copytree(ROOT / "data" / "topdown_2024", folder)
    for file, at in (("services.csv", 4), ("items.csv", 5), ("targets.csv", 3)):
        insert_empty_row(folder / file, at)
    assert ",,,,\n" in (folder / "targets.csv").read_text(encoding="utf-8")
    _run(monkeypatch, folder, "--out", tmp_path / "gap")
    for name in OUTPUTS:
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "gap" / name), pd.read_csv(tmp_path / "plain" / name))


AFTER_EMPTY_ROW = [
    # (id, file, edit of the original file, empty row inserted at, where (the row as the file now has it), texts)
    ("target-unknown-measure", "targets.csv", dict(row=3, column="measure", value="net_cst"), 2,
     "targets.csv, row 4, column 'measure'", ["unknown measure 'net_cst'"]),
    ("target-unknown-area", "targets.csv", dict(row=3, column="area", value="totl"), 2,
     "targets.csv, row 4, column 'area'", ["unknown area 'totl'"]),
    ("target-value-decimal-comma", "targets.csv", dict(row=3, column="value", value="1,5"), 2,
     "targets.csv, row 4, column 'value'", ["'1,5' is not an amount"]),
    ("target-negative-tolerance", "targets.csv", dict(row=3, column="tolerance", value="-5"), 2,
     "targets.csv, row 4, column 'tolerance'", ["negative tolerance"]),
    ("target-circular-maybe", "targets.csv", dict(row=3, column="circular", value="maybe"), 2,
     "targets.csv, row 4, column 'circular'", ["circular 'maybe'"]),
    ("target-repeated-row", "targets.csv", dict(append=3), 2,
     "targets.csv, row 16, column 'area'", ["appears again (first on row 4)"]),
    ("item-amount-decimal-comma", "items.csv", dict(row=3, column="amount", value="1700000,5"), 2,
     "items.csv, row 4, column 'amount'", ["'1700000,5' is not an amount"]),
    ("item-unknown-service", "items.csv", dict(row=3, column="service", value="bostad_brn"), 2,
     "items.csv, row 4, column 'service'", ["item for unknown service 'bostad_brn'"]),
    ("item-unknown-kind", "items.csv", dict(row=3, column="kind", value="reportd"), 2,
     "items.csv, row 4, column 'kind'", ["unknown kind 'reportd'"]),
    ("item-without-source", "items.csv", dict(row=3, column="source", value=""), 2,
     "items.csv, row 4, column 'source'", ["item without a source"]),
    ("service-volume-decimal-comma", "services.csv", dict(row=3, column="outcome_volume", value="15,5"), 2,
     "services.csv, row 4, column 'outcome_volume'", ["'15,5' is not a volume"]),
    ("service-unknown-rule", "services.csv", dict(row=3, column="rule", value="generc"), 2,
     "services.csv, row 4, column 'rule'", ["unknown rule 'generc'"]),
    ("service-duplicate", "services.csv", dict(append=3), 2,
     "services.csv, row 14, column 'service'", ["service 'bostad_barn' appears twice (rows 4 and 14)"]),
]


@pytest.mark.parametrize("name, file, edit, at, where, texts", AFTER_EMPTY_ROW, ids=[c[0] for c in AFTER_EMPTY_ROW])
def test_a_bad_cell_after_an_empty_row_names_its_spreadsheet_row(tmp_path, monkeypatch, capsys, name, file, edit,
                                                                 at, where, texts):
    folder = tmp_path / "topdown"
    shutil.copytree(ROOT / "data" / "topdown_2024", folder)
    insert_empty_row(edit_csv(folder / file, folder / file, **edit), at)
    with pytest.raises(SystemExit) as exc:
        _run(monkeypatch, folder, "--out", tmp_path / "out")
    assert exc.value.code == 2
    assert_located_refusal(capsys.readouterr().err, where, texts, tmp_path / "out")


def _csv_as_xlsx(source, target):
    """An .xlsx copy of a CSV, numbers as numbers (as Excel holds them)."""
    from openpyxl import Workbook

    table = pd.read_csv(source, dtype=str, keep_default_na=False)
    workbook = Workbook()
    workbook.active.append(list(table.columns))
    for row in table.itertuples(index=False):
        workbook.active.append([float(v) if v.replace(".", "", 1).lstrip("-").isdigit() else v for v in row])
    workbook.save(target)


def test_topdown_reads_its_tables_as_xlsx(tmp_path, monkeypatch):
    folder = shutil.copytree(ROOT / "data" / "topdown_2024", tmp_path / "board")
    _run(monkeypatch, folder, "--out", tmp_path / "csv")
    for name in ("services", "items", "targets"):
        _csv_as_xlsx(folder / f"{name}.csv", folder / f"{name}.xlsx")
        (folder / f"{name}.csv").unlink()
    _run(monkeypatch, folder, "--out", tmp_path / "xlsx")
    for name in ("omraden.csv", "avstamning.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "xlsx" / name), pd.read_csv(tmp_path / "csv" / name))


def test_topdown_refuses_a_table_given_both_as_csv_and_xlsx(tmp_path, monkeypatch, capsys):
    folder = shutil.copytree(ROOT / "data" / "topdown_2024", tmp_path / "board")
    _csv_as_xlsx(folder / "services.csv", folder / "services.xlsx")
    with pytest.raises(SystemExit) as exc:
        _run(monkeypatch, folder, "--out", tmp_path / "out")
    assert exc.value.code == 2
    assert_located_refusal(capsys.readouterr().err, "services.xlsx", ["both services.csv and services.xlsx"],
                           tmp_path / "out")


def test_topdown_writes_a_manifest_with_the_folder_hash(tmp_path, monkeypatch):
    import json

    _run(monkeypatch, ROOT / "data" / "topdown_2024", "--out", tmp_path / "td")
    manifest = json.loads((tmp_path / "td" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "topdown" and len(manifest["options"]["folder"]["sha256"]) == 64
