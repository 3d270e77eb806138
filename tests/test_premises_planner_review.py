"""A premises planner's walkthrough of `resmodel plan-premises` (findings 2–11): candidates of no service key,
every error of a candidates file at once, what leaving an opened premises out really costs, ties in timing, no
candidate within the horizon, level ranges in one cell, demand files with older or the API's column names, weak
guards on the demand, wording, whole numbers in premises_plan.csv and why a dear candidate is not needed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import typer

from resmodel.cli_forecast import register as register_forecast
from resmodel.cli_planning import register
from resmodel.errors import InputError, ProblemCollector
from resmodel.io.candidates import read_candidates
from resmodel.planning.premises import PlanCosts
from tests.clirun import invoke

ROOT = Path(__file__).resolve().parents[1]
SERVICE = "bostad_vuxna"
HEADER = "premises_id,service,places,annual_rent_sek,one_off_cost_sek,earliest_year,lead_time_months,decided_year"
#: case A of the walkthrough: 100 places at 1.0 MSEK a user-year, external places at 1.5 MSEK
TOTALS = ("--places", 100, "--own-cost-per-place", 1_000_000, "--external-price", 1_500_000)
COSTS = PlanCosts(own_cost_per_place=1_000_000, external_price=1_500_000)
CASE_A = ["BIG,bostad_vuxna,20,2000000,1000000,2030,,", "S1,bostad_vuxna,6,900000,0,,12,",
          "S2,bostad_vuxna,6,900000,0,,12,", "EXP,bostad_vuxna,5,3000000,0,,,", "LEASE,bostad_vuxna,8,1000000,0,,,2028"]


@pytest.fixture(scope="module")
def app():
    app = typer.Typer()
    register(app)
    register_forecast(app)  # two commands, so that the command is named as on the command line
    return app


def demand_table(first: str = "2025-01", years: int = 10, column: str = "volume") -> pd.DataFrame:
    """Case A's demand: 100 users in 2025, 3 more each year, the same in every month of a year."""
    months = pd.date_range(first, periods=12 * years, freq="MS")
    return pd.DataFrame({"month": months.strftime("%Y-%m"), "service": SERVICE,
                         column: (100 + 3 * (months.year - 2025)).astype(str)})


@pytest.fixture(scope="module")
def demand(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demand") / "demand.csv"
    demand_table().to_csv(path, index=False)
    return path


def write(path: Path, rows: list[str], header: str = HEADER) -> Path:
    width = header.count(",")
    path.write_text("\n".join([header, *(r + "," * (width - r.count(",")) for r in rows)]) + "\n", encoding="utf-8")
    return path


def candidates_of(path: Path) -> pd.DataFrame:
    return read_candidates(path, SERVICE)


def test_a_candidate_whose_service_is_no_service_key_is_refused(app, demand, tmp_path):
    """Finding 2: 'gruppbostad' (a housing type) and 'lss_bostad' beside a bostad_vuxna row: a plan of one candidate,
    no word."""
    path = write(tmp_path / "c.csv", ["S1,bostad_vuxna,6,900000,0,,12,", "S4,gruppbostad,6,900000,0,,12,",
                                      "S5,lss_bostad,6,900000,0,,12,", "D1,daglig_verksamhet,25,800000,0,,,"])
    code, _, err = invoke(app, "plan-premises", "--demand", demand, "--service", SERVICE, "--candidates", path,
                          *TOTALS, "--out", tmp_path / "o")
    assert code == 2 and not (tmp_path / "o").exists()
    assert "row 3, column 'service': 'gruppbostad' is not a service key but a housing type" in err
    assert "a gruppbostad is housed under bostad_vuxna or bostad_barn" in err
    assert "row 4, column 'service': 'lss_bostad' is not a service key" in err
    assert "row 5" not in err  # another service's key: its rows are for another plan


def test_without_the_demand_the_candidates_problems_are_still_all_given(tmp_path):
    """The range checks run on the rows whose cells passed, the problems gathered, not raised."""
    path = write(tmp_path / "c.csv", ["G1,bostad_vuxna,4,572000,0,,,,x,8", "G2,bostad_vuxna,4,572000,0,,,,7,6"],
                 HEADER + ",min_level,max_level")
    problems = ProblemCollector()
    rows = read_candidates(path, SERVICE, "c.csv", problems)
    assert list(rows["premises_id"]) == ["G2"]
    assert [p.location.row for p in problems.problems] == [2, 3]


@pytest.mark.parametrize("cell", ["1-4", "1,2,3,4", "1–4"])
def test_a_level_range_in_one_cell_is_told_to_use_both_columns(tmp_path, cell):
    """Finding 6: '1-4' in min_level was told to write a plain number."""
    path = write(tmp_path / "c.csv", [f'G1,bostad_vuxna,4,572000,0,,,,"{cell}",'], HEADER + ",min_level,max_level")
    with pytest.raises(InputError) as caught:
        candidates_of(path)
    assert str(caught.value).endswith(f"column 'min_level': '{cell}' is a range of levels in one cell. Expected one "
                                      "whole number from 1 to 8 in min_level and one in max_level. Fix: write "
                                      "min_level 1 and max_level 4")


@pytest.mark.parametrize("header", ["levels", "Nivå"])
def test_a_levels_column_is_pointed_at_min_level_and_max_level(tmp_path, header):
    path = write(tmp_path / "c.csv", ["G1,bostad_vuxna,4,572000,1-4"], f"premises_id,service,places,annual_rent_sek,{header}")
    with pytest.raises(InputError, match=f"replace '{header}' by min_level and max_level"):
        candidates_of(path)
