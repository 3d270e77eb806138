"""`explain` as an allocation auditor and an economist use it: the personal-assistance figures a controller signs
(sfb_municipal_share, own_provider_gap, the SFB/LSS split), only the lines that apply to a bought unit, shown
arithmetic that gives the shown result, the base year and the frame's index and volume terms."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pandas as pd
import pytest

from resmodel.allocation.reference import shown
from resmodel.explain import explain_unit
from tests.conftest import BASE

DATA = BASE.parent.parent / "data" / "demokommun"


def _steps(e) -> dict[str, object]:
    """An explanation's steps by label."""
    return {step.label: step for step in e.steps}


def _users() -> pd.DataFrame:
    """The demo's users as the input file has them (the hand check reads the CSV, not the run)."""
    return pd.read_csv(DATA / "users.csv")


def test_the_assistance_measures_a_controller_signs_are_explained_and_agree_with_a_hand_count(demo_result):
    """Audit: --measure own_provider_gap (PA-EGEN) and sfb_municipal_share (PA-EXTERN) were refused, though both
    are in resultat.csv. Hand check from users.csv: the municipality pays min(weekly hours, 20) × 366/7 weeks ×
    the state rate per SFB case; the gap is the SFB cases' cost less hours × the state rate."""
    snapshot = demo_result.loaded.snapshot
    rate = snapshot["personlig_assistans.state_hourly_rate"]
    cap = snapshot["personlig_assistans.municipal_hours_per_week"]
    users = _users()
    weeks = 366 / 7  # 2024, a leap year
    bought = users[(users["unit_id"] == "PA-EXTERN") & (users["service"] == "personlig_assistans_sfb")]
    share = explain_unit(demo_result, "PA-EXTERN", "sfb_municipal_share")
    assert share.reported == pytest.approx(bought["weekly_hours"].clip(upper=cap).sum() * weeks * rate, rel=1e-12)
    assert share.recomputed == pytest.approx(share.reported, rel=1e-12)
    step = next(s for s in share.steps if s.label.startswith("municipal share of the 379 SFB cases"))
    assert step.formula == f"Σ min(weekly hours, 20) = {bought['weekly_hours'].clip(upper=cap).sum():,.0f} h/week × " \
                           "366/7 weeks × 332.6"

    own = users[(users["unit_id"] == "PA-EGEN") & (users["service"] == "personlig_assistans_sfb")]
    hours = own["weekly_hours"].sum() * weeks
    per_hour = demo_result.allocation.constants.rates["personlig_assistans"].cost_per_hour
    overhead = snapshot["personlig_assistans.overhead_share"]
    gap = explain_unit(demo_result, "PA-EGEN", "own_provider_gap")
    assert gap.reported == pytest.approx(hours * per_hour * (1 + overhead) - hours * rate, rel=1e-12)
    assert gap.recomputed == pytest.approx(gap.reported, rel=1e-12)
    assert gap.reported == pytest.approx(10.38e6, abs=0.01e6)  # docs/model.md's calibration figure, 10.4 MSEK


def test_the_own_provider_shows_its_totals_and_its_sfb_lss_split(demo_result):
    """Audit: PA-EGEN had no Σ revenue line, no SFB/LSS split (29.86 + 17.90 MSEK) and a net-cost line without
    numbers; now each total is a line, and the split adds up to the unit and matches the users' rows."""
    e = explain_unit(demo_result, "PA-EGEN", "revenue")
    steps = _steps(e)
    revenue = steps["Σ revenue: state compensation beyond 20 h/week of the 56 SFB cases"]
    assert revenue.value == pytest.approx(e.reported, rel=1e-12)
    users = _users()
    beyond = (users.loc[(users["unit_id"] == "PA-EGEN") & (users["service"] == "personlig_assistans_sfb"),
                        "weekly_hours"] - 20).clip(lower=0).sum()
    assert revenue.formula == f"Σ max(weekly hours − 20, 0) = {beyond:,.0f} h/week × 366/7 weeks × 332.6"
    per_user = demo_result.allocation.users.query("unit_id == 'PA-EGEN'").groupby("service")["net_cost"].sum()
    split = {key: next(s.value for s in e.steps if s.label.startswith("net cost of the ") and key in s.label)
             for key in ("personlig_assistans_sfb", "personlig_assistans_lss")}
    assert split == pytest.approx(per_user.to_dict(), rel=1e-12)
    assert sum(split.values()) == pytest.approx(steps["net cost"].value, rel=1e-12)
    assert split["personlig_assistans_sfb"] == pytest.approx(29.86e6, abs=0.01e6)
    net = steps["net cost"]
    assert net.formula.startswith("122,730,174.") and " staff + 12,273,017." in net.formula
    assert " − 87,246,776." in net.formula and net.formula.endswith(" revenue")


@pytest.mark.parametrize("unit, measure", [("DV001", "own_provider_gap"), ("BB001", "sfb_municipal_share")])
def test_an_assistance_measure_of_another_unit_is_refused_not_explained_as_zero(demo_result, unit, measure):
    """A daily-activity trace ending '0.00 (agrees)' for own_provider_gap explained nothing (diff review)."""
    from resmodel.errors import InputError

    with pytest.raises(InputError, match=f"'{measure}' is a personal-assistance measure; unit '{unit}'") as refused:
        explain_unit(demo_result, unit, measure)
    assert "PA-EGEN, PA-EXTERN" in str(refused.value)


@pytest.mark.parametrize("unit", ["PA-EXTERN", "EXT-VUXEN"])
def test_a_bought_unit_shows_no_working_time_and_says_how_it_is_allocated(demo_result, unit):
    """Audit: external units showed working-time lines and parameters they do not use, and 'the derived key prices
    each level' though a bought place is day price × days."""
    e = explain_unit(demo_result, unit, "net_cost")
    labels = [step.label for step in e.steps]
    assert not [label for label in labels if label.startswith(("available working time", "FTE required",
                                                               "staffing gap", "cost per"))]
    assert not [r.path for r in e.parameters if r.path.startswith("working_time.")]
    assert "staff of its own (hours, FTE, roster)" in labels
    allocation = _steps(e)["allocation (resursfördelning)"].formula
    assert "prices each level" not in allocation
    purchases = next(s for s in e.steps if s.label.startswith("Σ purchases"))
    assert purchases.value == pytest.approx(e.reported, rel=1e-12)
    assert explain_unit(demo_result, unit, "fte_required").recomputed == 0.0
    assert any(label.startswith("available working time") for label in _steps(explain_unit(demo_result, "DV001",
                                                                                            "net_cost")))


#: remarks in a formula that are not arithmetic: a roster row's rate's make-up, a shared rent's users, a tariff file
REMARKS = (r" SEK per FTE.*", r" \(an equal split.*", r" \((?:data|scenarios)/[^)]*\)")


def _by_hand(formula: str, decimals: int) -> str | None:
    """A formula's shown arithmetic as a controller's calculator does it (decimal, half up), printed as `explain`
    prints the step's value; None for a formula without arithmetic ('per unit', '= net cost: …')."""
    expression = formula.split(" = ")[-1]  # 'Σ min(weekly hours, 20) = 1,120 h/week × …': the numbers after '='
    for remark in REMARKS:
        expression = re.sub(remark, "", expression)
    expression = re.sub(r"(?<=\d),(?=\d{3})", "", expression)
    expression = re.sub(r"(?<![\w.])(?!min\(|max\()[^\W\d][\w'/-]*", " ", expression)  # words and units
    expression = expression.replace("×", "*").replace("−", "-").replace("Σ", "")
    expression = re.sub(r"\d+(?:\.\d+)?", lambda m: f"D('{m.group(0)}')", expression)
    with localcontext() as ctx:
        ctx.prec = 40
        try:
            value = eval(expression, {"__builtins__": {}, "D": Decimal, "min": min, "max": max})  # noqa: S307
        except SyntaxError:
            return None
        if not isinstance(value, Decimal):
            return None
        rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    head, _, tail = f"{rounded + 0:,.{decimals}f}".partition(".")
    tail = tail[:2] + tail[2:].rstrip("0")
    return f"{head}.{tail}" if tail else head


def test_the_shown_arithmetic_gives_the_shown_result(demo_result):
    """Audit: 'indirect hours: 7,784.3 × 0.15 = 1,167.64' — the exact 1 167.645 — and '52.2857 weeks' tripped a
    hand check; every step with arithmetic, in every kind of unit, now gives its printed value on a calculator."""
    checked = 0
    for unit in ("DV001", "DV052", "GB001", "SB003", "BB002", "EXT-VUXEN", "PA-EGEN", "PA-EXTERN"):
        for step in explain_unit(demo_result, unit, "net_cost").steps:
            by_hand = _by_hand(step.formula, step.decimals)
            if by_hand is not None:
                checked += 1
                assert by_hand == shown(step.value, step.decimals), (unit, step.label, step.formula)
    assert checked > 700  # every case, resident and roster line, not a handful
    indirect = _steps(explain_unit(demo_result, "DV001", "indirect_hours"))["indirect hours"]
    assert (indirect.formula, shown(indirect.value, indirect.decimals)) == ("7,784.3 × 0.15", "1,167.645")


def test_the_shown_arithmetic_of_a_tariff_budget_gives_the_shown_result():
    """The tariff's resident lines (and the need-based cost of a level it lacks) reproduce as the others."""
    from resmodel.run import load, run

    tariff = run(load(BASE.parent / "tariff_stockholm.yaml"))
    checked = 0
    for unit in ("SB001", "GB001"):
        for step in explain_unit(tariff, unit, "allocation").steps:
            by_hand = _by_hand(step.formula, step.decimals)
            if by_hand is not None:
                checked += 1
                assert by_hand == shown(step.value, step.decimals), (unit, step.label, step.formula)
    assert checked > 10


def _explain(monkeypatch, capsys, *args) -> str:
    """`resmodel explain` on the base scenario, its printed text."""
    import sys

    from resmodel.cli import main

    monkeypatch.setattr(sys, "argv", ["resmodel", "explain", str(BASE), *args])
    main()
    return capsys.readouterr().out


def test_the_base_year_project_prints_is_explained(monkeypatch, capsys, demo_loaded, demo_result):
    """Audit: `explain --year 2024` was refused ('not in the projection') though `project` prints a '2024 (base)'
    row; it now explains that row: the base frame against the base-year net cost, area by area."""
    from resmodel.projection_run import base_year_by_area, build_setup, run_setup

    out = _explain(monkeypatch, capsys, "--year", "2024", "--area", "lss_boende")
    setup = build_setup(demo_loaded, demo_result)
    base = base_year_by_area(setup, run_setup(setup)).set_index("area")
    reported = float(base.at["lss_boende", "deviation"])
    assert out.startswith(f"deviation of lss_boende in 2024 (base year): reported {reported:,.0f} SEK; frame parts − "
                          f"net cost of the services below = {reported:,.0f} (agrees)")
    assert f"  frame_base: {base.at['lss_boende', 'frame']:,.0f}" in out and "index I_2024 = 1" in out
    units = demo_result.allocation.units
    housing = units.loc[units["service"] == "bostad_vuxna", "net_cost"].sum()  # the engine's base-year cost
    row = next(line for line in out.splitlines() if line.startswith("bostad_vuxna "))
    assert f"{housing:,.1f}" in row and row.endswith("base-year stock")
    # and nothing of the projected years: no rule line, no index, no projection note (diff review)
    pa = _explain(monkeypatch, capsys, "--year", "2024", "--area", "personlig_assistans")
    assert "priced by its rule" not in pa and "Indices in force" not in pa, pa
    assert [line for line in pa.splitlines() if line.startswith("note: ")] == [
        next(line for line in pa.splitlines() if line.startswith("note: base year 2024: frame"))]
    sfb = next(line for line in pa.splitlines() if line.startswith("personlig_assistans_sfb "))
    assert " 1.000 " in sfb


def test_a_projected_deviation_shows_the_frame_index_and_each_volume_term(monkeypatch, capsys, demo_loaded):
    """Economist: 'why is the 2026 deviation −7.2 MSEK?' — the frame parts showed no index I_y and no rule's
    (volume − reference) × amount × I. Hand check: I_2026 from the index parameters and the frame's weights."""
    import yaml

    out = _explain(monkeypatch, capsys, "--year", "2026", "--area", "lss_boende")
    frame = yaml.safe_load((DATA / "frame.yaml").read_text(encoding="utf-8"))["frame"]
    weights = frame["indexation"]
    tree = demo_loaded.tree
    import datetime as dt

    index = 1.0
    for year in (2025, 2026):
        on = dt.date(year, 1, 1)
        index *= 1 + (weights["wage_weight"] * tree.resolve("indices.wage_growth", on).value
                      + weights["price_weight"] * tree.resolve("indices.price_growth", on).value)
    line = next(ln for ln in out.splitlines() if ln.startswith("  frame index I_2026 = "))
    assert line.endswith(f"= {index:.9f}".rstrip("0"))
    rules = {r["service"]: r for r in frame["volume_compensation"]}
    terms = [ln for ln in out.splitlines() if ln.startswith("  frame_volume, ")]
    assert [ln.split()[1] for ln in terms] == ["bostad_vuxna", "bostad_barn"]  # the area's rules, no other's
    for ln in terms:
        rule = rules[ln.split()[1]]
        volume = float(re.search(r"\(volume ([\d.]+) − reference", ln).group(1))
        term = (volume - rule["reference_volume"]) * rule["amount_per_user"] * index
        assert ln.endswith(f"= {term:,.0f}") and f"reference {rule['reference_volume']:g}" in ln
    volume_part = int(next(ln for ln in out.splitlines() if ln.startswith("  frame_volume: ")).split()[-1]
                      .replace(",", ""))
    assert "Σ volume terms = " + f"{volume_part:,}" + " (agrees with frame_volume)" in out


def test_a_late_year_compounds_its_equal_years_as_a_power_and_states_one_index(monkeypatch, capsys):
    """2033's index was nine identical factors, and I_2033 appeared with three different digit counts on three lines
    (diff review): equal years are one factor to a power, and every line shows the same I_y."""
    out = _explain(monkeypatch, capsys, "--year", "2033", "--area", "lss_boende")
    line = next(x for x in out.splitlines() if x.startswith("  frame index I_2033 = "))
    assert line.count("(1 + 0.77") == 2 and ")^8 = " in line, line
    index = line.rsplit(" = ", 1)[1]
    uses = [x for x in out.splitlines() if "× I_2033 " in x]
    assert len(uses) >= 3 and all(f"× I_2033 {index}" in x for x in uses), uses
    # and the shown arithmetic of the base line gives its result
    base = next(x for x in uses if x.startswith("  frame_base = base "))
    amount = float(base.split("base ")[2].split(" ×")[0].replace(",", ""))
    assert round(amount * float(index)) == int(base.rsplit(" = ", 1)[1].replace(",", ""))


def test_the_first_projected_years_index_is_in_that_year(monkeypatch, capsys):
    """Controller re-walk, finding 7: 'I_2025 = Π (1 + the frame's growth) over 2025–2025'."""
    out = _explain(monkeypatch, capsys, "--year", "2025", "--area", "lss_boende")
    assert "  frame index I_2025 = Π (1 + the frame's growth) in 2025 = (1 + " in out and "2025–2025" not in out
