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


@pytest.mark.parametrize("unit, measure, fitting", [
    ("DV001", "own_provider_gap", "the own provider (PA-EGEN)"), ("PA-EXTERN", "own_provider_gap", "the own provider "
                                                                  "(PA-EGEN)"),
    ("BB001", "sfb_municipal_share", "a personal-assistance unit (PA-EGEN, PA-EXTERN)")])
def test_an_assistance_measure_of_another_unit_is_refused_not_explained_as_zero(demo_result, unit, measure, fitting):
    """A daily-activity trace ending '0.00 (agrees)' for own_provider_gap explained nothing (diff review), nor did
    the bought assistance's 'reported 0.00 … (agrees)' with no line (controller re-walk, finding 4): the own
    provider's gap is the own provider's only."""
    from resmodel.errors import InputError

    with pytest.raises(InputError, match=f"'{measure}' is a personal-assistance measure.*; unit '{unit}'") as refused:
        explain_unit(demo_result, unit, measure)
    assert f"Expected {fitting} for {measure}" in str(refused.value)


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


#: a unit of each kind: daily activity (sharing premises, and DV002 with its roster), housing for adults, service
#: housing, children's housing, a bought place, the own assistance provider and the bought assistance
UNIT_KINDS = ("DV001", "DV002", "DV052", "GB001", "SB003", "BB002", "EXT-VUXEN", "PA-EGEN", "PA-EXTERN")

#: remarks in a formula that are not arithmetic: a roster row's rate's make-up, a shared rent's users, a tariff file
REMARKS = (r" SEK per FTE.*", r" \(an equal split.*", r" \((?:data|scenarios)/[^)]*\)")


#: a part worked out inside a formula and then used: '(1 + holiday 0.00605 × 25 / 12 = 0.01260416667)'
WORKED_OUT = re.compile(r"(\d[\d.,]*(?: [×/] \d[\d.,]*)+) = (\d[\d.,]*)(?=\))")


def _use_worked_out(formula: str) -> str:
    """The formula with each part worked out inside it replaced by its shown result, which must be what the part
    gives on a calculator at the result's decimals (the line goes on with the shown figure, as a controller would)."""
    def shown_result(match: re.Match) -> str:
        part, result = match.group(1), match.group(2)
        decimals = len(result.partition(".")[2])
        assert _by_hand(part, decimals).rstrip("0").rstrip(".") == result.rstrip("0").rstrip("."), (part, result)
        return result
    return WORKED_OUT.sub(shown_result, formula)


def _by_hand(formula: str, decimals: int) -> str | None:
    """A formula's shown arithmetic as a controller's calculator does it (decimal, half up), printed as `explain`
    prints the step's value; None for a formula without arithmetic ('per unit', '= net cost: …')."""
    expression = _use_worked_out(formula).split(" = ")[-1]  # 'Σ min(weekly hours, 20) = 1,120 h/week × …': after '='
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
    for unit in UNIT_KINDS:
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


def _explain(monkeypatch, capsys, *args, scenario=BASE) -> str:
    """`resmodel explain` on the base scenario (or ``scenario``), its printed text."""
    import sys

    from resmodel.cli import main

    monkeypatch.setattr(sys, "argv", ["resmodel", "explain", str(scenario), *args])
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


def _scenario(folder, *lines: str):
    """s.yaml in ``folder`` extending the base scenario with ``lines``."""
    path = folder / "s.yaml"
    path.write_text("\n".join(["name: s", "purpose: explain test", f"extends: {BASE}", *lines]) + "\n", encoding="utf-8")
    return path


def test_an_explanation_resting_on_a_warned_parameter_repeats_the_warning(tmp_path, monkeypatch, capsys):
    """Controller re-walk, finding 2: with daily activity's level 8 at 13.9 for 1.39, `explain DV069 --measure
    allocation` said '(agrees)' and nothing of the implausible_change that `validate` warns; a unit whose figures do
    not rest on the parameter (housing) is not told."""
    table = "{1: 0.14, 2: 0.20, 3: 0.29, 4: 0.38, 5: 0.49, 6: 0.64, 7: 0.99, 8: 13.9}"
    slipped = _scenario(tmp_path, "parameters:", f"  daglig_verksamhet.staff_ratio: {table}")
    out = _explain(monkeypatch, capsys, "--unit", "DV069", "--measure", "allocation", scenario=slipped).splitlines()
    assert out[0].startswith("allocation of unit DV069: reported ") and out[0].endswith("(agrees)")
    assert out[1].startswith("warning: [implausible_change] ") and "s.yaml, line 5" in out[1]
    assert "daglig_verksamhet.staff_ratio level 8: 13.9 is 10 times the parameter's 1.39" in out[1]
    housing = _explain(monkeypatch, capsys, "--unit", "GB001", scenario=slipped)
    assert "warning:" not in housing


def test_a_starter_kit_explanation_names_the_template_files_of_its_parameters(tmp_path):
    """A template_parameter warning concerns the explanation when it names one of its parameters: a daily-activity
    unit of a new board is told of daily activity's template files, not of housing's."""
    import os

    from resmodel.cli import app
    from resmodel.run import load, run
    from tests.clirun import invoke

    assert invoke(app, "init", tmp_path / "board")[0] == 0
    cwd = os.getcwd()
    os.chdir(tmp_path / "board")
    try:
        result = run(load("scenarios/base.yaml"))
    finally:
        os.chdir(cwd)
    units = result.allocation.units
    e = explain_unit(result, units.loc[units["service"] == "daglig_verksamhet", "unit_id"].iloc[0], "net_cost")
    files = {str(w.location.file) for w in e.warnings}
    assert {w.check for w in e.warnings} == {"template_parameter"}
    assert "data/parameters/daglig_verksamhet/staff_ratio.yaml" in files
    assert not [f for f in files if "bostad_" in f]
    listed = {r.path for r in e.parameters}
    assert all(any(path in w.message for path in listed) for w in e.warnings)


def test_each_roles_cost_per_fte_is_a_line_with_its_holiday_supplement(demo_result):
    """Controller re-walk, finding 3: 'cost per FTE … 0.3 × 597,604.42352 + 0.7 × 533,247.02407' — the per-role
    figures came from no line; each role's is now salary × 12 × (1 + holiday share) × (1 + OB) × (1 + PO)."""
    from resmodel.allocation.staff_cost import holiday_pay_share, role_cost_per_fte

    snapshot = demo_result.loaded.snapshot
    steps = _steps(explain_unit(demo_result, "DV001", "net_cost"))
    for role in ("omsorgspedagog", "aktivitetsledare"):
        line = steps[f"cost per FTE, {role}"]
        assert line.value == pytest.approx(role_cost_per_fte(snapshot, role, "daglig_verksamhet"), rel=1e-12)
        salary = f"{snapshot[f'salaries.{role}']:,g}"
        assert line.formula.startswith(f"salary {salary} × 12 × (1 + holiday 0.00605 × 25 / 12 = ")
        share = float(re.search(r"/ 12 = ([\d.]+)\)", line.formula).group(1))
        assert share == pytest.approx(holiday_pay_share(snapshot), rel=1e-9)
        assert "(1 + OB 0.01) × (1 + PO 0.4504)" in line.formula
        assert "salaries." + role in line.parameters and "staff_cost.holiday_pay_per_leave_day" in line.parameters


def _header(e) -> str:
    """The reported figure as explain's header prints it."""
    from resmodel.allocation.reference import half_up

    return shown(half_up(e.reported, e.decimals), 2)


def test_every_accepted_measure_has_a_line_giving_the_headers_figure(demo_result):
    """Controller re-walk, findings 4 and 5: measures were accepted though no line gives the header's figure —
    PA-EGEN's total cost, the zero purchases of a daily-activity unit, a unit's total hours — and the header read
    9,781.95 where the exact 9,781.945 was printed as 9,781.94. Each accepted measure of each kind of unit now has a
    line whose result, rounded half up as shown, is the header's figure; a measure 0 by definition says why."""
    from decimal import Decimal

    from resmodel.allocation.reference import half_up
    from resmodel.errors import InputError
    from resmodel.explain import EXPLAINABLE

    zeros = 0
    for unit in UNIT_KINDS:
        for measure in EXPLAINABLE:
            try:
                e = explain_unit(demo_result, unit, measure)
            except InputError:
                continue
            line = [step for step in e.steps if measure in step.measures][-1]
            as_shown = Decimal(shown(line.value, line.decimals).replace(",", ""))
            assert shown(half_up(as_shown, 2), 2) == _header(e), (unit, measure, line.label)
            if line.formula.startswith("none — "):
                zeros += 1
                assert e.reported == 0.0, (unit, measure)
    assert zeros >= 10
    total = _steps(explain_unit(demo_result, "PA-EGEN", "total_cost"))["total cost"]
    assert shown(total.value) == "135,003,192.40" and total.formula.endswith(" provider overhead")
    purchases = _steps(explain_unit(demo_result, "DV001", "purchase_cost"))["purchases"]
    assert purchases.formula == "none — the unit's own staff does the work (regi egen)"


def test_the_header_reads_the_lines_figure_half_up_and_total_hours_is_a_line(monkeypatch, capsys):
    """Controller re-walk, finding 5: 'reported 9,781.95; recomputed … 9,781.94' and the header's indirect hours
    1,167.64 against the line's 1,167.645."""
    out = _explain(monkeypatch, capsys, "--unit", "DV001", "--measure", "total_hours")
    assert out.startswith("total_hours of unit DV001: reported 9,781.95; recomputed from the parts below 9,781.95 ")
    assert "  total hours: 7,784.3 direct + 1,167.645 indirect + 830 fixed = 9,781.945\n" in out
    indirect = _explain(monkeypatch, capsys, "--unit", "DV001", "--measure", "indirect_hours")
    assert indirect.startswith("indirect_hours of unit DV001: reported 1,167.65; recomputed from the parts below "
                               "1,167.65 ") and "= 1,167.645\n" in indirect


def test_the_first_projected_years_index_is_in_that_year(monkeypatch, capsys):
    """Controller re-walk, finding 7: 'I_2025 = Π (1 + the frame's growth) over 2025–2025'."""
    out = _explain(monkeypatch, capsys, "--year", "2025", "--area", "lss_boende")
    assert "  frame index I_2025 = Π (1 + the frame's growth) in 2025 = (1 + " in out and "2025–2025" not in out


def test_the_bought_assistances_net_cost_uses_the_purchases_its_sum_line_shows(demo_result):
    """Controller re-walk, finding 8: the net-cost line used 157,920,665.657142 purchases, the Σ line's figures
    add to .657143."""
    from decimal import Decimal

    steps = _steps(explain_unit(demo_result, "PA-EXTERN", "net_cost"))
    purchases = steps["Σ purchases (SFB + LSS)"]
    parts = re.findall(r"([\d,.]+) (?:SFB|LSS)", purchases.formula)
    total = sum(Decimal(p.replace(",", "")) for p in parts)
    assert shown(purchases.value, purchases.decimals) == f"{total:,}"
    assert steps["net cost"].formula == f"{total:,} purchases"


def test_daily_activitys_open_weeks_are_a_line(demo_result):
    """Controller re-walk, finding 9: '48.2 open weeks' had no derivation line."""
    from resmodel.allocation.reference import figure
    from resmodel.allocation.working_time import open_weeks, weekday_holidays, weekdays_in_year

    snapshot = demo_result.loaded.snapshot
    e = explain_unit(demo_result, "DV001", "net_cost")
    steps, line = e.steps, _steps(e)["open weeks of daily activity"]
    closed = len(weekday_holidays(2024, True))
    assert line.formula == (f"({weekdays_in_year(2024)} weekdays − {closed} holidays − "
                            f"{snapshot['daglig_verksamhet.closure_days']:g} closure days) / 5")
    assert line.value == open_weeks(snapshot) and "daglig_verksamhet.closure_days" in line.parameters
    users = [s for s in steps if s.label.startswith("user ")]
    assert users and all(s.formula.endswith(f" × {figure(line.value)} open weeks") for s in users)
    assert steps.index(line) < steps.index(users[0])


def test_the_own_providers_overhead_has_one_name(demo_result):
    """Controller re-walk, finding 10: the net-cost line called the provider overhead '12,273,017.490602 other'."""
    steps = _steps(explain_unit(demo_result, "PA-EGEN", "net_cost"))
    assert "provider overhead" in steps
    assert " + 12,273,017.490602 provider overhead − " in steps["net cost"].formula
    assert " other" not in steps["net cost"].formula


@pytest.mark.parametrize("unit", ["DV002", "GB006", "PA-EGEN"])
def test_the_roster_rows_add_up_to_the_roster_cost_the_gap_line_uses(demo_result, unit):
    """Controller re-walk, finding 11: DV002's roster rows at 2 decimals added to 1,248,073.86, the gap line used
    1,248,073.853742. The rows are shown to 6 decimals, their Σ line adds them, and the gap line uses that Σ."""
    from decimal import Decimal

    e = explain_unit(demo_result, unit, "staffing_gap_sek")
    rows = [Decimal(shown(s.value, s.decimals).replace(",", "")) for s in e.steps if s.label.startswith("roster: ")]
    steps = _steps(e)
    total = steps["Σ roster cost"]
    assert shown(total.value, total.decimals) == shown(sum(rows), 6)
    assert total.value == pytest.approx(demo_result.allocation.units.set_index("unit_id").at[unit, "roster_cost"],
                                        rel=1e-12)
    gap = steps["staffing gap in SEK (+ = over, − = under)"]
    assert gap.formula.startswith(f"{shown(sum(rows), 6).rstrip('0').rstrip('.')} roster cost − ")


def test_a_starter_kits_template_files_are_one_line_in_explain(tmp_path, monkeypatch, capsys):
    """explain printed eleven full template_parameter warnings (4.5 kB) before 'Parts:' where validate gives one line
    (second diff review): one line names the files."""
    from resmodel.cli import app
    from tests.clirun import invoke, run_main

    assert invoke(app, "init", tmp_path / "board")[0] == 0
    monkeypatch.chdir(tmp_path / "board")
    code, out, _ = run_main(monkeypatch, capsys, "explain", "scenarios/base.yaml", "--unit", "DV01", "--measure",
                            "net_cost")
    head = [line for line in out.split("\nParts:")[0].splitlines() if not line.startswith("In short: ")]
    assert code == 0 and len(head) == 2, head
    assert head[1].startswith("warning: [template_parameter] ") and "data/parameters/daglig_verksamhet/staff_ratio.yaml" \
        in head[1]
    # a bundled file is told as run tells it — add it to your folder — not as a kit file to edit (code re-read)
    (tmp_path / "board" / "data" / "parameters" / "payroll" / "po_rate.yaml").unlink()
    code, out, _ = run_main(monkeypatch, capsys, "explain", "scenarios/base.yaml", "--unit", "DV01", "--measure",
                            "net_cost")
    head = out.split("\nParts:")[0]
    assert code == 0 and "your parameters folder does not set payroll/po_rate.yaml" in head, head
