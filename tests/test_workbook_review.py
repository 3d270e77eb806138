"""Section-manager review of the run's workbook (results/base/resmodel_base.xlsx read with openpyxl, beside
enheter.csv) and of the comparison's: the workbook gives the CSV's numbers, counts are whole, Enheter keeps the
unit in view and has readable headings, a Sektioner sheet gives each section's subtotal, Per enhet has Swedish
measure names and the run's formats, and the Manifest sheet shows lists as text."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from resmodel.io.writers import HEADING_WIDTH, write_csv, write_workbook
from resmodel.report import MEASURE_LABELS, labelled_sheets
from resmodel.run import manifest_table, section_table, summary_table, write_outputs

UNIT_MEASURES = [key for key in MEASURE_LABELS if key != "users"]


@pytest.fixture(scope="module")
def outputs(demo_result, tmp_path_factory):
    """The demo's run outputs, written once: the folder and the workbook opened with openpyxl."""
    folder = tmp_path_factory.mktemp("run") / "base"
    write_outputs(demo_result, folder)
    return folder, load_workbook(folder / "resmodel_base.xlsx")


def sheet_frame(wb, name: str) -> pd.DataFrame:
    """A sheet as a table headed by its first row, as pandas or Power Query reads it."""
    rows = list(wb[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_the_workbook_holds_the_csvs_numbers_not_their_float_noise(outputs):
    """Finding 1: Enheter stored 830.0000000000003 where enheter.csv has 830.0; both now round to 15 digits."""
    folder, wb = outputs
    csv = pd.read_csv(folder / "enheter.csv")
    sheet = sheet_frame(wb, "Enheter")
    for key in UNIT_MEASURES:
        assert sheet[MEASURE_LABELS[key]].astype(float).tolist() == csv[key].tolist(), key
    fixed = sheet[MEASURE_LABELS["fixed_hours"]]
    assert fixed.iloc[0] == 830 and repr(float(fixed.iloc[0])) == "830.0"


def test_one_rounding_for_the_csv_and_the_workbook(tmp_path):
    """Finding 1, any workbook: a sum's noise (0.1 + 0.2) is read back as the CSV writes it."""
    frame = pd.DataFrame({"hours": [0.1 + 0.2, 830.0000000000003, -0.0]})
    write_csv(frame, tmp_path / "t.csv")
    write_workbook({"t": (frame, {})}, tmp_path / "t.xlsx")
    cells = [row[0] for row in load_workbook(tmp_path / "t.xlsx")["t"].iter_rows(min_row=2, values_only=True)]
    assert cells == pd.read_csv(tmp_path / "t.csv")["hours"].tolist() == [0.3, 830.0, 0.0]


def test_counts_are_whole_numbers_in_the_csvs_the_sheets_and_the_console(outputs, demo_result):
    """Finding 2: the console printed 'users 15.0 … 2,100.0' and enheter.csv 'users 19.0'."""
    folder, wb = outputs
    for name in ("enheter.csv", "brukare.csv"):
        text = pd.read_csv(folder / name, dtype=str)["users"]
        assert text.str.fullmatch(r"\d+").all(), name
    assert pd.read_csv(folder / "enheter.csv", dtype=str).loc[0, "users"] == "19"
    users = MEASURE_LABELS["users"]
    for name in ("Sammanfattning", "Enheter", "Sektioner", "Brukare"):
        column = [c.value for c in wb[name][1]].index(users) + 1
        cells = [row[column - 1] for row in wb[name].iter_rows(min_row=2)]
        assert all(isinstance(c.value, int) and c.number_format == "#,##0" for c in cells), name
    summary = summary_table(demo_result)
    assert summary.loc["total", "users"] == "2,100" and summary.loc["bostad_barn", "users"] == "15"
    printed = summary.to_string(float_format=lambda v: f"{v:,.1f}")  # as the CLI prints it
    assert "2,100.0" not in printed and "2,100 " in printed


def test_enheter_keeps_the_unit_in_view_and_wraps_its_headings(outputs):
    """Finding 3: only row 1 was frozen, so the unit id scrolled away, and columns were 34–60 characters wide."""
    _, wb = outputs
    units = wb["Enheter"]
    assert [c.value for c in units[1]][:2] == ["Enhet (unit id)", "Namn (name)"]
    assert units.freeze_panes == "C2" and wb["Sektioner"].freeze_panes == "B2"
    assert all(c.alignment.wrap_text for c in units[1])
    headings = {c.value: c.column_letter for c in units[1]}
    for key in UNIT_MEASURES:
        assert units.column_dimensions[headings[MEASURE_LABELS[key]]].width <= HEADING_WIDTH + 2, key
    assert units.row_dimensions[1].height > 15  # the wrapped headings are shown whole


def test_the_roster_heading_is_short_and_its_hint_a_comment(outputs):
    """Finding 3: the heading named files and a command ('FTE employed, staff.csv — not shift-plan's week
    schedule'); the hint is now a note on the heading."""
    _, wb = outputs
    heading = next(c for c in wb["Enheter"][1] if c.value == MEASURE_LABELS["fte_roster"])
    assert heading.value == "Årsarbetare bemanning (FTE employed)"
    assert "staff.csv" in heading.comment.text and "shift-plan" in heading.comment.text


def test_sektioner_sums_each_sections_units_and_totals_the_board(outputs, demo_result):
    """Finding 3: no section subtotal; Sektioner sums every unit measure by units.csv's section (all are sums over
    users or staff, the staffing gap too), and its total is the board's."""
    _, wb = outputs
    units = demo_result.allocation.units
    sheet = sheet_frame(wb, "Sektioner")
    assert sheet["Sektion (section)"].tolist() == [*units["section"].drop_duplicates(), "Totalt"]
    by_section = units.groupby("section", sort=False)
    body = sheet.iloc[:-1].set_index("Sektion (section)")
    assert body["Enheter, antal (number of units)"].tolist() == by_section.size().tolist()
    for key in ("users", "total_hours", "fte_required", "fte_roster", "net_cost", "allocation", "staffing_gap_fte",
                "staffing_gap_sek"):
        assert body[MEASURE_LABELS[key]].tolist() == pytest.approx(by_section[key].sum().tolist(), rel=1e-12), key
    total = sheet.iloc[-1]
    board = sheet_frame(wb, "Sammanfattning").iloc[-1]
    assert board["Insats (service)"] == "total"
    for key in MEASURE_LABELS:
        assert total[MEASURE_LABELS[key]] == pytest.approx(board[MEASURE_LABELS[key]], rel=1e-12), key
    assert body.loc["Assistans", MEASURE_LABELS["staffing_gap_fte"]] == pytest.approx(
        units.query("section == 'Assistans'")["staffing_gap_fte"].sum())


def test_a_section_table_of_a_section_with_two_services_names_both(demo_result):
    units = demo_result.allocation.units.copy()
    units.loc[units["unit_id"] == "GB001", "section"] = "DV sektion 1"
    table = section_table(units).set_index("section")
    assert table.loc["DV sektion 1", "services"] == "Daglig verksamhet, Bostad med särskild service vuxna"
    assert table.loc["DV sektion 1", "units"] == 9 and table.loc["Totalt", "units"] == len(units)


def test_per_enhet_has_swedish_measure_names_and_the_run_workbooks_formats(outputs, demo_result, tmp_path):
    """Finding 4: Per enhet showed kronor with öre (#,##0.00) and only English keys (allocation,
    staffing_gap_fte); each row now has its measure's Swedish name and the format Enheter gives that measure."""
    from resmodel.budget.compare import compare_units
    from resmodel.cli_budget import _unit_sheet

    units = demo_result.allocation.units
    write_workbook(labelled_sheets({"Per enhet": _unit_sheet(compare_units(units, units, "a", "b"))}),
                   tmp_path / "c.xlsx")
    rows = list(load_workbook(tmp_path / "c.xlsx")["Per enhet"].iter_rows())
    heading = [c.value for c in rows[0]]
    key, name, *values = (heading.index(h) for h in ("Mått (measure)", "Mått, benämning (measure name)",
                                                     "Värde A (value in A)", "Värde B (value in B)",
                                                     "Skillnad B − A (difference)"))
    shown = {row[key].value: (row[name].value, {row[i].number_format for i in values}) for row in rows[1:]}
    assert shown["allocation"] == ("Resursfördelning, kr per år (allocated budget, SEK a year)", {"#,##0"})
    assert shown["staffing_gap_fte"] == ("Bemanningsgap årsarbetare (staffing gap FTE, + = over)", {"#,##0.00"})
    enheter = outputs[1]["Enheter"]
    run_formats = {head.value: cell.number_format for head, cell in zip(enheter[1], enheter[2], strict=True)}
    assert {k: formats for k, (_, formats) in shown.items()} == {k: {run_formats[MEASURE_LABELS[k]]} for k in shown}


def test_the_manifest_sheet_shows_lists_as_text(outputs):
    """Finding 4: the Manifest sheet showed a Python list (['scenarios/base.yaml'])."""
    _, wb = outputs
    manifest = dict(wb["Manifest"].iter_rows(min_row=2, values_only=True))
    assert manifest["scenario_chain"] == "scenarios/base.yaml" and manifest["index_extrapolations"] == "inga (none)"
    table = dict(manifest_table({"scenario_chain": ["scenarios/base.yaml", "scenarios/expansion.yaml"],
                                 "notes": ["one", "two"]}).itertuples(index=False))
    assert table == {"notes": "one\ntwo", "scenario_chain": "scenarios/base.yaml → scenarios/expansion.yaml"}
    # manifest.json's null (a projection without Monte Carlo has no seed) was the text 'None' (controller walk)
    assert dict(manifest_table({"monte_carlo_seed": None}).itertuples(index=False)) == {"monte_carlo_seed": "inget (none)"}


def test_a_multi_line_cell_wraps_and_its_row_shows_every_line(tmp_path):
    write_workbook({"Manifest": (manifest_table({"notes": ["one", "two", "three"], "seed": 1}), {})},
                   tmp_path / "m.xlsx")
    sheet = load_workbook(tmp_path / "m.xlsx")["Manifest"]
    assert sheet["B2"].value == "one\ntwo\nthree" and sheet["B2"].alignment.wrap_text
    assert sheet.row_dimensions[2].height == 45 and not sheet["B3"].alignment.wrap_text


def test_every_service_has_its_swedish_name_in_enheter_and_sektioner(outputs):
    """Diff review: the assistance units' key, personlig_assistans, showed as the raw key where every other row had
    its Swedish name."""
    _, wb = outputs
    units = sheet_frame(wb, "Enheter")
    assert (units["Insats, benämning (service name)"] != units["Insats (service)"]).all()
    sections = sheet_frame(wb, "Sektioner")["Insatser (services)"].dropna()
    assert not sections.str.contains("_").any(), sections.tolist()


def test_sektioner_names_the_understaffed_units_a_positive_sum_hides(outputs, demo_result):
    """Section-manager walk: DV sektion 1 showed +1.54 FTE while four of its units were short by 1.15 FTE; the sheet
    now gives each section's understaffed units and their gaps summed, in the FTE format."""
    _, wb = outputs
    units = demo_result.allocation.units
    sheet = sheet_frame(wb, "Sektioner").set_index("Sektion (section)")
    count, short = "Underbemannade enheter, antal (units understaffed)", \
        "Underbemanning, FTE (the understaffed units' gaps summed)"
    for section, rows in units.groupby("section"):
        gaps = rows["staffing_gap_fte"]
        under = gaps <= -0.005  # shown as −0.01 or below, as explain's sentence calls them understaffed
        assert sheet.loc[section, count] == int(under.sum()), section
        assert sheet.loc[section, short] == pytest.approx(gaps[under].sum(), abs=1e-9), section
    assert sheet.loc["DV sektion 1", count] >= 1 and sheet.loc["DV sektion 1", MEASURE_LABELS["staffing_gap_fte"]] > 0
    assert sheet.loc["Totalt", count] == int((units["staffing_gap_fte"] <= -0.005).sum())
    assert ((units["staffing_gap_fte"] < 0) & (units["staffing_gap_fte"] > -0.005)).any()  # DV065's −0.0043 left out
    column = [c.column_letter for c in wb["Sektioner"][1] if c.value == short][0]
    assert wb["Sektioner"][f"{column}2"].number_format == "#,##0.00"
