"""Two reviews of the premises plan's new warnings and reasons (docs/planning.md §3–§5): a rent-free premises warned
as a late one-off whenever it opened (1), rent-header patterns that misread 'current_area_m2' and a lease length (2), a
rent in tkr a month told only '× 12' (3), and the reasons of a cost tie, of an opening the ceiling would forbid and of
alike premises found by the plan made again (5). Finding 4 (the reasons moved to planning/reasons.py) changes no
output: the shipped plan's test (test_projection_plan.py) and the other premises tests hold it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from resmodel.io.candidates import read_candidates
from resmodel.planning.premises import PlanCosts
from resmodel.planning_run import premises_plan
from tests.clirun import invoke, planning_app
from tests.test_premises_reasons_review import SERVICE, demand_file, plan_reasons, write

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def app():
    return planning_app()


@pytest.fixture(scope="module")
def from_2030(tmp_path_factory) -> Path:
    """100 users to 2029, 110 from 2030 (December peaks), to 2034."""
    return demand_file(tmp_path_factory.mktemp("d") / "d.csv", {y: 100 if y < 2030 else 110 for y in range(2025, 2035)})


def late_warnings(demand: Path, rows: list[str], costs: PlanCosts, tmp_path: Path) -> list[str]:
    """The plan's late one-off warnings on --places 100."""
    table = read_candidates(write(tmp_path / "c.csv", rows), SERVICE)
    plan = premises_plan(pd.read_csv(demand), SERVICE, table, costs, 100.0)
    return [w for w in plan.warnings if "one-off cost larger than" in w]


def test_a_rent_free_premises_is_weighed_against_the_saving_its_places_bring(from_2030, tmp_path):
    """Finding 1: with no rent the one-off was 'inf' years of rent, so a rent-free premises was warned whenever it
    opened (cand_owned.csv: 2 MSEK one-off, 100 places, warned with 9 years left). Its yardstick is now the yearly
    saving of its places, 10 × (400 000 − 250 000) = 1.5 MSEK: a 1 MSEK one-off is 0.7 years of it."""
    rows = ["OWN,daglig_verksamhet,10,0,1000000,2025,"]
    assert late_warnings(from_2030, rows, PlanCosts(own_cost_per_place=250_000, external_price=400_000), tmp_path) == []
    # no external price: no yardstick for a rent-free premises, so no warning
    assert late_warnings(from_2030, rows, PlanCosts(own_cost_per_place=250_000), tmp_path) == []
    # a saving of 10 × 10 000 a year: the 1 MSEK one-off is 10 years of it, with 5 left (opened to keep 5 users from
    # going without a place: at most 5 external places)
    (warning,) = late_warnings(from_2030, rows, PlanCosts(own_cost_per_place=250_000, external_price=260_000,
                                                          max_external=5), tmp_path)
    assert "the plan opens OWN in 2030 (1,000,000 SEK one-off, 10.0 years of the saving its places bring; 5 years of " \
           "the plan left) with a one-off cost larger than its rent (for a rent-free premises, the yearly saving its " \
           "places bring: places × (external price − running cost)) over the plan's years left, to 2034" in warning


def header_error(app, tmp_path: Path, header: str, rent_column: bool = True) -> str:
    """The error plan-premises gives a candidates file with ``header`` (and annual_rent_sek, unless told not to)."""
    path = write(tmp_path / "c.csv", ["A,daglig_verksamhet,10," + ("800000," if rent_column else "") + "5"],
                 "premises_id,service,places," + ("annual_rent_sek," if rent_column else "") + f'"{header}"')
    code, _, stderr = invoke(app, "plan-premises", "--demand", tmp_path / "none.csv", "--service", SERVICE,
                             "--candidates", path, "--places", 100, "--own-cost-per-place", 250_000,
                             "--out", tmp_path / "o")
    assert code == 2 and not (tmp_path / "o").exists()
    return stderr


@pytest.mark.parametrize("header", ["current_area_m2", "yta_kvm", "area_m2"])
def test_an_area_column_is_told_resmodel_reads_no_area(app, tmp_path, header):
    """Finding 2: 'cur-rent' made current_area_m2 a rent ('remove … (a rent per m²)'); an area column was told 'no
    free-text or comment column'."""
    stderr = header_error(app, tmp_path, header)
    assert f"'{header}' looks like the premises' area: resmodel reads no area; a rent per m² × area goes in " \
           "annual_rent_sek" in stderr
    assert "a rent per m²)" not in stderr and "free-text" not in stderr


def test_a_lease_length_is_no_monthly_rent(app, tmp_path):
    """Finding 2: 'månader' in hyresperiod_manader (a lease's length) and 'hyr' in 'hyresperiod' made it a monthly
    rent; no word of it is a rent word standing on its own."""
    stderr = header_error(app, tmp_path, "hyresperiod_manader")
    assert "unknown column 'hyresperiod_manader'" in stderr and "monthly rent" not in stderr


@pytest.mark.parametrize(("header", "told", "factors"), [
    ("Hyra (tkr/mån)", "a monthly rent in thousands of kronor", "× 1 000 and × 12 for a year"),
    ("Månadshyra (tkr)", "a monthly rent in thousands of kronor", "× 1 000 and × 12 for a year"),
    ("Hyra (mkr/kvm)", "a rent per m² in millions of kronor", "× 1 000 000 and × the premises' area in m²"),
    ("Hyra (kr/mån)", "a monthly rent", "× 12 for a year")])
def test_a_rent_in_tkr_a_month_is_told_both_factors(app, tmp_path, header, told, factors):
    """Finding 3: 'Hyra (tkr/mån)' was told only '× 12'; its values are thousands of kronor too."""
    stderr = header_error(app, tmp_path, header, rent_column=False)
    assert f"'{header}' looks like {told}, but resmodel reads the yearly rent in SEK of the whole premises in " \
           f"annual_rent_sek: convert its values ({factors}), then rename the column to 'annual_rent_sek'" in stderr


def test_the_documented_header_words_are_the_codes():
    """Finding 2: planning.md §3 lists the words that make a header a rent per m² or a month, or an area column (and,
    input review 3, the endings and start of a rent compound and what after 'hyres' is no rent's amount)."""
    import re

    from resmodel.io import candidates

    text = " ".join((ROOT / "docs" / "planning.md").read_text(encoding="utf-8").split())

    def listed(before: str) -> set[str]:
        """The backticked words in the brackets after ``before``."""
        inside = text[text.index(before) + len(before):].split(")", 1)[0]
        return set(re.findall(r"`([^`]+)`", inside))

    assert listed("is the English word (") == candidates.RENT_WORDS
    assert listed("a word with a rent ending (") == set(candidates.RENT_ENDINGS)
    assert f"a word starting with `{candidates.RENT_START}`" in text
    assert listed("not its amount (") == set(candidates.NOT_AMOUNT_AFTER_HYRES)
    assert listed("a word of area (") == candidates.PER_AREA_WORDS
    assert listed("or of a month (") == candidates.PER_MONTH_WORDS
    assert listed("premises' area — a word of area (") == candidates.AREA_WORDS
    assert {w for w in re.findall(r"`(\w+)`", text.split("the unit words are ", 1)[1].split(".", 1)[0])} \
        == set(candidates.MONEY_WORDS)


def test_a_candidate_in_a_cost_tie_says_so(app, from_2030, tmp_path):
    """Finding 5a (planning.md §5's X and Y, both needed from 2030): X's row said 'planned again without it: the same
    cost, instead it would open Y', and Y's 'own places suffice in every year from 2025' — true only with X open."""
    rows = ["X,daglig_verksamhet,10,200000,1500000,2025,", "Y,daglig_verksamhet,10,500000,0,2025,"]
    reasons, _ = plan_reasons(app, tmp_path, from_2030, rows, "--places", 100, "--own-cost-per-place", 250_000)
    assert "planned again without it: the same cost, instead it would open Y in 2030;" in reasons["X"]
    assert reasons["Y"] == ("not needed: a tie in cost with X in 2030 — planned again without X, the plan would open "
                            "it in 2030 at the same cost; opening it as well from its earliest year (2025) would add "
                            "5,000,000 SEK")


def test_a_candidate_not_needed_says_when_its_earliest_opening_would_break_the_ceiling(app, tmp_path):
    """Finding 5b: 'not needed: opening it from its earliest year (2028) would add …' quoted an opening the investment
    ceiling forbids that year (2028's decided one-off and its own above the ceiling) without a word of it."""
    demand = demand_file(tmp_path / "d.csv", {y: 100 for y in range(2025, 2031)}, last="2030-12")
    rows = ["DEC,daglig_verksamhet,1,50000,800000,,2026", "BIG,daglig_verksamhet,10,300000,500000,2026,",
            "SMALL,daglig_verksamhet,10,300000,100000,2026,", "LATER,daglig_verksamhet,10,300000,500000,2027,"]
    reasons, _ = plan_reasons(app, tmp_path, demand, rows, "--places", 100, "--own-cost-per-place", 250_000,
                              "--investment-ceiling", 1_000_000)
    assert reasons["BIG"].startswith("not needed: opening it from its earliest year (2026) would add ")
    assert reasons["BIG"].endswith(" SEK (and would break the investment ceiling in 2026): own places suffice in every "
                                   "year from 2026")
    for within in ("SMALL", "LATER"):  # 900 000 in 2026; nothing else in 2027
        assert reasons[within].startswith("not needed") and "ceiling" not in reasons[within], reasons[within]


def test_alike_premises_the_plan_made_again_opens_are_named_interchangeable(app, tmp_path):
    """Finding 5c: with L-DV-2028-16 decided, L-DV-2028-68 said 'the same cost, instead it would open L-DV-2029-68 in
    2029 (not 2033) and L-DV-2030-68 in 2033' without calling the three alike. Here T1–T3 are alike, T1 opens in 2027
    and T2 in 2030; T3 can open only from 2028, after T1's year, so it cannot simply take T1's place."""
    demand = demand_file(tmp_path / "d.csv", {y: 100 if y < 2027 else 110 if y < 2030 else 120 for y in range(2025, 2035)})
    rows = ["T1,daglig_verksamhet,10,300000,0,2026,", "T2,daglig_verksamhet,10,300000,0,2027,",
            "T3,daglig_verksamhet,10,300000,0,2028,"]
    reasons, _ = plan_reasons(app, tmp_path, demand, rows, "--places", 100, "--own-cost-per-place", 250_000)
    assert ("planned again without it: the same cost, instead it would open T2 in 2027 (not 2030) and T3 in 2030; "
            "interchangeable with T2, T3 (same places, levels and costs): the tie is broken by availability, then list "
            "order; with the rest") in reasons["T1"]
    assert "interchangeable with T3 (same places, levels and costs, able to open by 2030)" in reasons["T2"]


def test_a_yearly_rent_in_tkr_is_told_to_be_multiplied_by_1000(app, tmp_path):
    """i6's note: 'Hyra (tkr/år)' was told 'give its values in SEK' — the '/år' hid the tkr."""
    stderr = header_error(app, tmp_path, "Hyra (tkr/år)", rent_column=False)
    assert "multiply its values by 1 000 (they are thousands of kronor), then rename it to 'annual_rent_sek'" in stderr
