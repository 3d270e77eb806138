"""A planner's walk of `resmodel plan-premises` (docs/planning.md): the investment ceiling named only where it binds
(1), a one-off cost near the horizon's end warned (2), the external price by each plan year's days (3), rents per m²
or month in the candidates file (4), a decided premises' shortage said as it is (5), openings the ceiling moved (6)
and an external price with no scenario default noted (7)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resmodel.io.candidates import amount_warnings, read_candidates
from resmodel.planning.premises import PlanCosts, evaluate_plan
from resmodel.planning_run import ScenarioInputs, cost_notes, premises_plan
from tests.clirun import invoke, planning_app

ROOT = Path(__file__).resolve().parents[1]
SERVICE = "daglig_verksamhet"
HEADER = "premises_id,service,places,annual_rent_sek,one_off_cost_sek,earliest_year,decided_year"
#: 100 places at 250 000 SEK a user-year, external places at 400 000, one-off costs up to 1 MSEK a year
SMALL = ("--places", 100, "--own-cost-per-place", 250_000, "--external-price", 400_000)


@pytest.fixture(scope="module")
def app():
    return planning_app()


def demand_file(path: Path, peaks: dict[int, float], first: str = "2025-01", last: str = "2034-12") -> Path:
    """A demand whose December is each year's peak (``peaks``), 0.1 lower a month before it."""
    months = pd.period_range(first, last, freq="M")
    volume = [peaks[m.year] - (12 - m.month) * 0.1 for m in months]
    pd.DataFrame({"month": months.astype(str), "service": SERVICE, "volume": np.round(volume, 3)}).to_csv(
        path, index=False)
    return path


def write(path: Path, rows: list[str], header: str = HEADER) -> Path:
    width = header.count(",")
    path.write_text("\n".join([header, *(r + "," * (width - r.count(",")) for r in rows)]) + "\n", encoding="utf-8")
    return path


def plan_reasons(app, tmp_path: Path, demand: Path, rows: list[str], *options) -> tuple[pd.Series, str]:
    out = tmp_path / "plan"
    tmp_path.mkdir(exist_ok=True)
    code, _, stderr = invoke(app, "plan-premises", "--demand", demand, "--service", SERVICE, "--candidates",
                             write(tmp_path / "c.csv", rows), *options, "--out", out)
    assert code == 0, stderr
    return pd.read_csv(out / "premises_plan.csv").set_index("premises_id")["reason"], stderr


@pytest.fixture(scope="module")
def growing(tmp_path_factory) -> Path:
    """2025-07 to 2029-06: 100, 105, 110, 118 and 125 users at the yearly peaks (the walker's d2.csv)."""
    return demand_file(tmp_path_factory.mktemp("d") / "d2.csv", {2025: 100, 2026: 105, 2027: 110, 2028: 118,
                                                                 2029: 125}, "2025-07", "2029-06")


def test_a_candidate_not_needed_without_the_ceiling_is_not_blamed_on_it(app, growing, tmp_path):
    """Finding 1: B (one-off 1 MSEK, within the ceiling in any other year) was 'kept out by the ceiling in 2026',
    though the best plan with B costs more even with no ceiling."""
    reasons, _ = plan_reasons(app, tmp_path, growing, [
        "A,daglig_verksamhet,10,500000,200000,,", "B,daglig_verksamhet,20,800000,1000000,2026,",
        "C,daglig_verksamhet,10,300000,900000,2028,", "D,daglig_verksamhet,5,150000,0,2027,"],
        *SMALL, "--max-external", 4, "--waiting-cost", 600_000, "--investment-ceiling", 1_000_000,
        "--discount-rate", 0.05)
    assert reasons["B"].startswith("not needed: opening it from its earliest year (2026) would add "), reasons["B"]
    assert "keeps it out" not in reasons["B"]  # only that 2026's one-off costs would then be above it (review 2, 5b)
    assert " SEK (and would break the investment ceiling in 2026): own places suffice" in reasons["B"]
    # under a ceiling below its one-off it could never open, which is said after why it is not needed anyway
    reasons, _ = plan_reasons(app, tmp_path / "low", growing, [
        "A,daglig_verksamhet,10,500000,200000,,", "B,daglig_verksamhet,20,800000,1000000,2026,",
        "C,daglig_verksamhet,10,300000,900000,2028,", "D,daglig_verksamhet,5,150000,0,2027,"],
        *SMALL, "--max-external", 4, "--waiting-cost", 600_000, "--investment-ceiling", 900_000,
        "--discount-rate", 0.05)
    assert reasons["B"].startswith("not needed: opening it from its earliest year (2026) would add "), reasons["B"]
    assert reasons["B"].endswith("; its one-off cost (1,000,000 SEK) is above the investment ceiling as well, so it "
                                 "could not open")


def test_a_candidate_the_ceiling_keeps_out_says_what_the_plan_would_do_without_it(app, growing, tmp_path):
    """Finding 1: where the ceiling binds — decided one-offs leave no year with room for BIG's — it is named, with
    the plan made again without the ceiling."""
    reasons, _ = plan_reasons(app, tmp_path, growing, [
        "DEC,daglig_verksamhet,2,150000,500000,,2026", "DEC2,daglig_verksamhet,1,50000,300000,,2027",
        "DEC3,daglig_verksamhet,1,50000,300000,,2028", "BIG,daglig_verksamhet,20,300000,800000,2026,",
        "A,daglig_verksamhet,10,500000,0,2026,"], *SMALL, "--investment-ceiling", 1_000_000)
    assert reasons["BIG"] == (
        "the investment ceiling keeps it out: without the ceiling the plan would open it in 2026 and not open A, "
        "1,200,000 SEK less; in 2026 the plan's one-off costs are 500,000 SEK, and its 800,000 would bring them above "
        "the ceiling (1,000,000)")
    assert reasons["A"].endswith("; the investment ceiling brings it in: without the ceiling the plan would not open "
                                 "it but open BIG in 2026, 1,200,000 SEK less")


def test_an_opening_the_ceiling_brought_forward_says_so(app, tmp_path):
    """Finding 6: X opened a year early because the decided premises' one-off fills its year's ceiling, and its
    reason said only when its places are needed (docs/planning.md §2 promises the earlier opening)."""
    demand = demand_file(tmp_path / "d.csv", {y: 100 if y < 2030 else 110 for y in range(2025, 2035)})
    rows = ["DEC,daglig_verksamhet,1,50000,500000,,2030", "X,daglig_verksamhet,10,300000,800000,2026,"]
    reasons, _ = plan_reasons(app, tmp_path, demand, rows, *SMALL, "--investment-ceiling", 1_000_000)
    assert reasons["X"].startswith("own places fall short from 2030: without it 9.0 more users would lack an own "
                                   "place at the peak of 2030 (it opens earlier, in 2029)")
    assert reasons["X"].endswith(
        "; the investment ceiling brings it forward: without the ceiling the plan would open it in 2030 (not 2029), "
        "300,000 SEK less; in 2030 the plan's one-off costs are 500,000 SEK, and its 800,000 would bring them above the "
        "ceiling (1,000,000)")
    reasons, _ = plan_reasons(app, tmp_path / "free", demand, rows, *SMALL)  # no ceiling: nothing to say
    assert "ceiling" not in reasons["X"]


def test_a_one_off_opened_near_the_end_is_warned_and_the_choice_flips_with_the_horizon(app, tmp_path):
    """Finding 2: X (rent 200 000 + one-off 1.5 MSEK) against Y (rent 500 000), both needed from 2030: demand to 2034
    opens X, the same demand cut at 2030 opens Y — the one-off is charged in full, the rent only to the last year."""
    rows = ["X,daglig_verksamhet,10,200000,1500000,2025,", "Y,daglig_verksamhet,10,500000,0,2025,"]
    peaks = {y: 100 if y < 2030 else 110 for y in range(2025, 2035)}
    long, stderr = plan_reasons(app, tmp_path, demand_file(tmp_path / "d.csv", peaks), rows, *SMALL[:4])
    assert long["Y"].startswith("not needed") and not long["X"].startswith("not needed")
    assert ("the plan opens X in 2030 (1,500,000 SEK one-off, 7.5 years of its rent; 5 years of the plan left) with a "
            "one-off cost larger than its rent over the plan's years left, to 2034") in stderr
    assert "leans toward premises without a one-off cost" in stderr
    short, stderr = plan_reasons(app, tmp_path / "short", demand_file(tmp_path / "s.csv", peaks, last="2030-12"),
                                 rows, *SMALL[:4])
    assert short["X"].startswith("not needed") and not short["Y"].startswith("not needed")
    assert "leans toward" not in stderr  # Y has no one-off cost: nothing to warn of


def test_the_late_one_off_warning_is_among_the_plans_warnings(tmp_path):
    """Finding 2: the warning is the plan's (the API answers plan.warnings), not only printed."""
    demand = pd.read_csv(demand_file(tmp_path / "d.csv", {y: 100 if y < 2033 else 110 for y in range(2025, 2035)}))
    table = read_candidates(write(tmp_path / "c.csv", ["X,daglig_verksamhet,10,200000,1500000,2025,"]), SERVICE)
    plan = premises_plan(demand, SERVICE, table, PlanCosts(own_cost_per_place=250_000, external_price=400_000), 100.0)
    assert [w for w in plan.warnings if "X in 2033 (1,500,000 SEK one-off, 7.5 years of its rent; 2 years" in w]


def test_a_scenario_external_price_is_a_day_price_times_each_years_days(tmp_path):
    """Finding 3: the base year's price per place-year (366 days in 2024) was charged in 365-day years too."""
    demand = demand_file(tmp_path / "d.csv", {y: 110 for y in range(2025, 2029)}, last="2028-12")
    table = read_candidates(write(tmp_path / "c.csv", ["X,daglig_verksamhet,10,9000000,0,2025,"]), SERVICE)
    per_year = PlanCosts(own_cost_per_place=250_000, external_price=366_000)
    by_day = PlanCosts(own_cost_per_place=250_000, external_price=366_000, external_days=366)
    never = pd.Series(0, index=table.index)
    typed = evaluate_plan(pd.Series(110.0, index=range(2025, 2029)), 100.0, table, never, per_year)[0]
    daily = evaluate_plan(pd.Series(110.0, index=range(2025, 2029)), 100.0, table, never, by_day)[0]
    assert typed["external_sek"].tolist() == [3_660_000.0] * 4  # a price typed per place-year: every year alike
    assert daily["external_sek"].tolist() == [3_650_000.0, 3_650_000.0, 3_650_000.0, 3_660_000.0]  # 2028: 366 days
    plan = premises_plan(pd.read_csv(demand), SERVICE, table, by_day, 100.0)  # the plan prices it the same way
    assert plan.options["plan"]["external_sek"].tolist() == daily["external_sek"].tolist()


def test_the_cli_costs_the_scenarios_external_price_by_the_days(app, tmp_path):
    """Finding 3, end to end: adult housing's default price (externa_platser, 2024's 366 days) in 2025 and 2028."""
    months = pd.period_range("2025-01", "2028-12", freq="M")
    demand = tmp_path / "d.csv"
    pd.DataFrame({"month": months.astype(str), "service": "bostad_vuxna", "volume": 600.0}).to_csv(demand, index=False)
    candidates = write(tmp_path / "c.csv", ["X,bostad_vuxna,4,90000000,0,2025,"])
    code, _, stderr = invoke(app, "plan-premises", "--demand", demand, "--service", "bostad_vuxna", "--candidates",
                             candidates, "--scenario", ROOT / "scenarios" / "base.yaml", "--out", tmp_path / "o")
    assert code == 0, stderr
    assert "SEK a day over the base year's 366 days, costed by each plan year's days" in stderr
    plan = pd.read_csv(tmp_path / "o" / "premises_yearly.csv").query("option == 'plan'").set_index("year")
    price = plan["external_sek"] / plan["external_places"]
    assert price[2028] == pytest.approx(price[2025] * 366 / 365)


def test_an_external_price_with_no_scenario_default_is_noted():
    """Finding 7: --external-price for daily activity (no scenario price) gave no note, though §2 says it does."""
    inputs = ScenarioInputs(1295.0, pd.DataFrame(), 269_367.0, 1030.0, None, [])
    notes = cost_notes(inputs, None, 400_000.0, False)
    assert notes[-1] == ("external price per place-year: 400,000 SEK from --external-price (the scenario has none for "
                         "this service: only adult housing's is taken from externa_platser)")
    assert len(cost_notes(inputs, None, None, False)) == 1


def test_a_low_rent_is_told_it_may_be_per_square_metre_or_a_month(tmp_path):
    """Finding 4: 1 850 a year for 10 places (a rent per m²) was told only 'written in tkr/MSEK?'."""
    table = read_candidates(write(tmp_path / "c.csv", ["A,daglig_verksamhet,10,1850,0,2025,"]), SERVICE)
    (warning,) = amount_warnings(table, "c.csv")
    assert "1 850 tkr is 1 850 000" in warning.message
    assert "a rent per m²? multiply it by the premises' area in m²; a monthly rent? multiply it by 12" in warning.message


@pytest.mark.parametrize(("header", "told"), [
    ("hyra_per_kvm", "a rent per m²"), ("Årshyra (kr/m²)", "a rent per m²"), ("Månadshyra", "a monthly rent"),
    ("hyra_kr_per_m2_och_manad", "a monthly rent per m²")])
def test_a_rent_header_per_m2_or_month_is_told_to_be_converted(app, tmp_path, header, told):
    """Finding 4: 'hyra_per_kvm' was told 'remove the column' and then 'annual_rent_sek is missing'."""
    path = write(tmp_path / "c.csv", ["A,daglig_verksamhet,10,1850,2025"],
                 f"premises_id,service,places,{header},earliest_year")
    code, _, stderr = invoke(app, "plan-premises", "--demand", tmp_path / "none.csv", "--service", SERVICE,
                             "--candidates", path, *SMALL[:4], "--out", tmp_path / "o")
    assert code == 2 and not (tmp_path / "o").exists()
    assert f"'{header}' looks like {told}, but resmodel reads the yearly rent in SEK of the whole premises in " \
           "annual_rent_sek: convert its values (" in stderr
    assert "remove the column" not in stderr and "required column 'annual_rent_sek' is missing" not in stderr
    factors = {"a rent per m²": "(× the premises' area in m²)", "a monthly rent": "(× 12 for a year)",
               "a monthly rent per m²": "(× the premises' area in m² and × 12 for a year)"}[told]
    assert factors + ", then rename the column to 'annual_rent_sek'" in stderr


def test_a_decided_premises_says_its_levels_lacked_places_before(tmp_path):
    """Finding 5: a decided premises for levels 1–8 said its levels 'lack places from 2032' while levels 7–8 lacked
    places from 2025 (before any candidate could open)."""
    months = pd.period_range("2025-01", "2030-12", freq="M")
    level_2 = np.where(months.year == 2025, 6.0, np.where(months.year < 2029, 5.0, 8.0))
    demand = pd.DataFrame({"month": np.repeat(months.astype(str), 2), "service": SERVICE,
                           "level": np.tile(["1", "2"], len(months)),
                           "volume": np.column_stack([np.full(len(months), 10.0), level_2]).ravel()})
    table = read_candidates(write(tmp_path / "c.csv", ["DEC,daglig_verksamhet,3,100000,0,2026,2026,1,2"],
                                  HEADER + ",min_level,max_level"), SERVICE)
    base = pd.DataFrame({"min_level": [1, 2], "max_level": [1, 2], "premises": [1, 1], "places": [10.0, 5.0]})
    plan = premises_plan(demand, SERVICE, table, PlanCosts(own_cost_per_place=250_000), base)
    assert plan.plan.set_index("premises_id").at["DEC", "reason"] == (
        "decided for 2026; its levels (1–2) lack places in 2025 and, with the plan's other openings, again from 2029: "
        "without it 3.0 more users would lack an own place at the peak of 2029 (it opens earlier, in 2026)")
