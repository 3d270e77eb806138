"""Section-manager walk (2026-12-07): `compare` said '0 of 165 units change … a change dated after it moves the
projected years only' for a roster raised in staff.csv (the units' line looked at the allocation alone), and two
scenarios at different base dates were compared unit by unit without a word (every unit moved by the wages in force)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .clirun import run_main
from .scenario_files import SC, child, demo_copy, edit


def _staff_raised(tmp_path: Path) -> Path:
    """A scenario on a copy of the demo data whose only change is DV003's aktivitetsledare, 2.25 → 4.0 FTE."""
    data = demo_copy(tmp_path)
    edit(data / "staff.csv", "DV003,aktivitetsledare,2.25", "DV003,aktivitetsledare,4.0")
    return child(tmp_path, "staffonly", f"data: {data}\nprojection: null\n")


def test_a_unit_whose_staffing_alone_changes_is_counted_and_shown(tmp_path, monkeypatch, capsys):
    code, stdout, _ = run_main(monkeypatch, capsys, "compare", SC / "base.yaml", _staff_raised(tmp_path),
                               "--out", tmp_path / "cmp")
    assert code == 0
    assert "'staffonly' against 'base': 1 of 165 units change (1 in their staffing only)" in stdout
    assert "changes nothing there" not in stdout
    units = pd.read_csv(tmp_path / "cmp" / "jamforelse_enheter.csv").set_index(["unit_id", "measure"])
    gap_a, gap_b = units.loc[("DV003", "staffing_gap_fte"), ["value_a", "value_b"]]
    row = next(line for line in stdout.splitlines() if line.strip().startswith("DV003"))
    assert row.split()[-2:] == [f"{gap_a:.2f}", f"{gap_b:.2f}"]  # the gap before and after, as the CSV has it
    assert abs(gap_b - gap_a - 1.75) < 1e-9


def test_units_compared_at_different_base_dates_are_said_to_move_by_the_parameters(tmp_path, monkeypatch, capsys):
    later = child(tmp_path, "later", "base_date: 2025-07-01\nprojection: null\n")
    code, stdout, _ = run_main(monkeypatch, capsys, "compare", SC / "base.yaml", later, "--out", tmp_path / "cmp")
    assert code == 0
    assert "(note: 'later' is at base date 2025-07-01, 'base' at 2024-07-01: units move by the parameters in " \
           "force at each date" in stdout
    code, stdout, _ = run_main(monkeypatch, capsys, "compare", SC / "base.yaml", _staff_raised(tmp_path),
                               "--out", tmp_path / "cmp2")
    assert code == 0 and "(note:" not in stdout  # the same base date: no note


def test_the_units_comparison_reconciles_the_allocation_from_its_parts(demo_result, tmp_path, monkeypatch, capsys):
    """The walk's DV002: +256 176 SEK of allocation against +226 103 of staff cost, the rest other costs the table did
    not hold. With the derived key each unit's allocation is its costs less its revenue, in both scenarios' rows of
    a real comparison (base against a sick-leave target, which moves most units); under a tariff it is not (diff
    review), which docs/budget.md says."""
    code, _, _ = run_main(monkeypatch, capsys, "compare", SC / "base.yaml", SC / "sick_leave_target.yaml",
                          "--out", tmp_path / "cmp")
    assert code == 0
    units = pd.read_csv(tmp_path / "cmp" / "jamforelse_enheter.csv")
    for side in ("value_a", "value_b", "difference"):
        wide = units.pivot_table(index="unit_id", columns="measure", values=side)
        parts = wide[["staff_cost", "premises_cost", "other_cost", "purchase_cost"]].sum(axis=1) - wide["revenue"]
        assert (wide["allocation"] - parts).abs().max() < 1e-3, side
    moved = units[(units["measure"] == "allocation") & (units["difference"].abs() > 0.5)]
    assert len(moved) > 100


def test_explain_says_a_staffing_gap_and_a_net_cost_in_a_plain_sentence(demo_result):
    """Section-manager walk: every measure opened on the same ~50 lines of 13-digit operands; a gap and a net cost
    now come first in one sentence whose figures are the unit table's."""
    from resmodel.explain import in_short

    units = demo_result.allocation.units.set_index("unit_id")
    dv = units.loc["DV002"]
    assert in_short(dv, "staffing_gap_fte") == (
        f"DV002 employs {dv['fte_roster']:,.2f} FTE (staff.csv) against the {dv['fte_required']:,.2f} FTE its users' "
        f"need levels require: {-dv['staffing_gap_fte']:,.2f} FTE understaffed, {-dv['staffing_gap_sek'] / 1000:,.1f} "
        "tkr a year of staff cost below the need")
    assert dv["staffing_gap_fte"] < 0
    over = units[units["staffing_gap_fte"] > 0.01].iloc[0]
    assert "overstaffed" in in_short(over, "staffing_gap_sek") and "above the need" in in_short(over, "staffing_gap_sek")
    pa = units.loc["PA-EGEN"]
    text = in_short(pa, "allocation")
    assert text.startswith(f"PA-EGEN's allocation (resursfördelning): {pa['allocation'] / 1000:,.1f} tkr a year = staff ")
    assert f"− revenue {pa['revenue'] / 1000:,.1f}" in text
    assert in_short(units.loc["EXT-VUXEN"], "staffing_gap_fte").endswith("no gap")
    tariff = units.loc["DV002"].copy()
    tariff["allocation"] = tariff["net_cost"] + 100_000  # a tariff's prices, not the costs (diff review)
    text = in_short(tariff, "allocation")
    assert "by the scenario's tariff (its prices for the priced residents with their premises" in text
    assert f"its net cost is {tariff['net_cost'] / 1000:,.1f} tkr a year = staff " in text
    assert in_short(dv, "direct_hours") is None


def test_another_base_date_that_moves_no_unit_is_said_without_contradiction(tmp_path, monkeypatch, capsys):
    """Diff review: 2024-01-01 against 2024-07-01 moved no unit, yet the note said every unit moves, and the next
    line named one base date only."""
    earlier = child(tmp_path, "early", "base_date: 2024-01-01\nprojection: null\n")
    code, stdout, _ = run_main(monkeypatch, capsys, "compare", SC / "base.yaml", earlier, "--out", tmp_path / "cmp")
    assert code == 0 and "0 of 165 units change" in stdout
    assert "units move by the parameters" not in stdout
    assert "(units are compared at their base dates, 2024-07-01 in 'base' and 2024-01-01 in 'early'" in stdout
