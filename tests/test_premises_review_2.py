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
from tests.test_premises_reasons_review import SERVICE, demand_file, write

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
    """Finding 2: planning.md §3 lists the words that make a header a rent per m² or a month, or an area column."""
    import re

    from resmodel.io import candidates

    text = " ".join((ROOT / "docs" / "planning.md").read_text(encoding="utf-8").split())

    def listed(before: str) -> set[str]:
        """The backticked words in the brackets after ``before``."""
        inside = text[text.index(before) + len(before):].split(")", 1)[0]
        return set(re.findall(r"`([^`]+)`", inside))

    assert listed("is a rent word (") == candidates.RENT_WORDS
    assert listed("a word of area (") == candidates.PER_AREA_WORDS
    assert listed("or of a month (") == candidates.PER_MONTH_WORDS
    assert listed("premises' area — a word of area (") == candidates.AREA_WORDS
    assert {w for w in re.findall(r"`(\w+)`", text.split("the unit words are ", 1)[1].split(".", 1)[0])} \
        == set(candidates.MONEY_WORDS)
