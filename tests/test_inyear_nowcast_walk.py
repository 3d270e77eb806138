"""In-year economist walk (2026-12-07): the in-year actuals' problems were cut at 25 without a word of the rest, and
an invoice triangle with a state-assistance export's Swedish headers was told to delete its columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from resmodel.budget.inyear_checks import check_actuals
from resmodel.errors import InputError
from resmodel.io.series import read_triangle
from tests.conftest import ROOT

DEMO = ROOT / "data" / "demokommun"


def test_forty_bad_costs_are_listed_to_25_and_the_rest_said():
    actuals = pd.read_csv(DEMO / "budget_actuals.csv", dtype=str)
    actuals.loc[:39, "cost"] = actuals.loc[:39, "cost"] + " kr"
    with pytest.raises(InputError) as exc:
        check_actuals(actuals, "a.csv")
    problems = exc.value.problems
    assert len(problems) == 26
    assert problems[-1].problem.startswith("there are more problems, from a.csv, row 27, column 'cost' on")


def _triangle(tmp_path: Path, header: str) -> str:
    rows = (DEMO / "invoice_triangle.csv").read_text(encoding="utf-8").splitlines()[1:40]
    path = tmp_path / "t.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_triangle(path, "cases", "t.csv")
    return str(exc.value)


def test_a_triangle_with_swedish_headers_is_told_their_columns(tmp_path):
    said = _triangle(tmp_path, "Tjänstemånad,Rapportmånad,Ärenden,Belopp")
    for word, column in (("Tjänstemånad", "service_month"), ("Rapportmånad", "reporting_month"),
                         ("Ärenden", "cases"), ("Belopp", "amount_sek")):
        assert f"'{word}' is '{column}' here: rename it to '{column}'" in said, said
    assert "resmodel reads no free-text" not in said


def test_a_word_of_another_tables_column_is_not_told_to_be_deleted(tmp_path):
    said = _triangle(tmp_path, "tjänstemånad,rapportmånad,antal,belopp")
    assert ("'antal' stands for 'volume' in other tables, which this one does not have: rename it to the column it "
            "holds (amount_sek, cases, reporting_month, service_month), or remove it") in said, said
