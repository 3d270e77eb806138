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


def test_a_problem_ending_in_a_question_mark_is_not_followed_by_a_full_stop():
    from resmodel.errors import Location, Problem

    said = str(Problem(Location(file="f.csv", row=2), "tkr and SEK mixed?", "amounts in SEK", "write SEK"))
    assert "mixed? Expected amounts in SEK. Fix: write SEK" in said and "?." not in said
    assert "row 2: a problem. Expected" in str(Problem(Location(file="f.csv", row=2), "a problem", "x", "y"))


def test_nowcast_as_of_in_full_width_digits_is_read_as_the_api_reads_it(tmp_path, monkeypatch, capsys):
    """Diff review: POST /nowcasts read as_of '２０２４-０３' as 2024-03, `resmodel nowcast --as-of` refused it."""
    from .clirun import run_main

    code, stdout, stderr = run_main(monkeypatch, capsys, "nowcast", "--triangle", DEMO / "invoice_triangle.csv",
                                    "--value", "cases", "--as-of", "２０２４-０３", "--out", tmp_path / "nc")
    assert code == 0, stderr
    assert "2024-03" in stdout


@pytest.mark.parametrize(("value", "kronor"), [("cases", False), ("amount_sek", True)])
def test_a_far_invoice_row_is_told_kronor_only_for_amounts(tmp_path, monkeypatch, capsys, value, kronor):
    """In-year walk: 500 cases invoiced late were told 'as a figure keyed in kronor instead of thousands would be'."""
    from .clirun import run_main

    path = tmp_path / "t.csv"
    path.write_text((DEMO / "invoice_triangle.csv").read_text(encoding="utf-8") + "2023-02,2024-12,500,13000000\n",
                    encoding="utf-8")
    code, _, stderr = run_main(monkeypatch, capsys, "nowcast", "--triangle", path, "--value", value,
                               "--out", tmp_path / "nc")
    assert code == 0, stderr
    [line] = [line for line in stderr.splitlines() if "[amount_far_above_lag]" in line]
    assert ("keyed in kronor instead of thousands" in line) == kronor and "misplaced decimal" in line


def _full_width(text: str) -> str:
    """ASCII digits as full-width ones ('2024' → '２０２４')."""
    return text.translate({ord(d): chr(0xFF10 + int(d)) for d in "0123456789"})


def test_years_and_months_in_full_width_digits_are_read_as_ascii(tmp_path, monkeypatch, capsys):
    """29th note's known limit: the in-year actuals', frames' and changes' year and month cells in another script's
    digits were refused ('not a year') while series, triangles and the API read them; the forecast is the same."""
    from .clirun import run_main

    def inyear(folder: Path, convert) -> Path:
        folder.mkdir()
        for name in ("budget_actuals.csv", "budget_frames.csv", "budget_changes.csv"):
            table = pd.read_csv(DEMO / name, dtype=str)
            for column in {"year", "month", "known_year", "known_month"} & set(table.columns):
                table[column] = table[column].map(convert)
            table.to_csv(folder / name, index=False)
        code, _, stderr = run_main(monkeypatch, capsys, "inyear", "--actuals", folder / "budget_actuals.csv",
                                   "--frames", folder / "budget_frames.csv", "--changes", folder / "budget_changes.csv",
                                   "--year", "2024", "--month", "8", "--out", folder / "out")
        assert code == 0, stderr
        return folder / "out"

    ascii_out, wide_out = inyear(tmp_path / "a", str), inyear(tmp_path / "w", _full_width)
    csvs = sorted(p.name for p in ascii_out.glob("*.csv"))
    assert csvs
    for name in csvs:
        assert (ascii_out / name).read_bytes() == (wide_out / name).read_bytes(), name


def test_volume_periods_in_full_width_digits_are_months():
    from resmodel.budget.periods import to_month_index

    months = to_month_index(pd.Index([_full_width("2026-01"), "2026-02"]), "volumes")
    assert [str(m) for m in months] == ["2026-01", "2026-02"]


def test_a_file_cut_before_the_month_asked_names_its_last_month_once():
    """29th note's known limit: actuals ending in March, forecast from August, were told 'lss_boende 2024: month 4 has
    no actuals' — one area of five; now once, with the month to forecast from."""
    from resmodel.budget.inyear import forecast

    actuals = pd.read_csv(DEMO / "budget_actuals.csv")
    cut = actuals[~((actuals["year"] == 2024) & (actuals["month"] > 3))]
    frames = pd.read_csv(DEMO / "budget_frames.csv")
    with pytest.raises(InputError) as exc:
        forecast(cut, frames, 2024, 8, file="a.csv")
    (problem,) = exc.value.problems
    assert problem.problem == "the actuals of 2024 end at month 3: months 4–8 have no actuals in any area"
    assert problem.fix.startswith("forecast from month 3 (--month 3)")
    # one area without April (the others booked to August) is told at that area, as before
    gap = actuals[~((actuals["year"] == 2024) & (actuals["month"] == 4) & (actuals["area"] == "lss_boende"))]
    with pytest.raises(InputError) as exc:
        forecast(gap, frames, 2024, 8, file="a.csv")
    assert [p.problem for p in exc.value.problems][0].startswith("lss_boende")
