"""Long lists of problems are cut, and the cut says that (and per check how many) more there are (a user fixing a file
needs to know whether the ten rows shown are all)."""

from __future__ import annotations

import pytest

from resmodel.errors import InputError, Location, ProblemCollector
from resmodel.io.tables import MAX_PROBLEMS, Column, TableSchema, read_table


def test_rows_beyond_the_limit_are_counted_in_one_line():
    problems = ProblemCollector()
    problems.add_rows(list(range(2, 10)), 5, lambda row: (Location("f.csv", row=row), "bad", "good", "fix it"))
    assert [p.location.row for p in problems.problems] == [2, 3, 4, 5, 6, 7]
    assert problems.problems[-1].problem == "3 more rows, from this one on, have the same problem (only the first 5 are listed)"


def test_cap_keeps_the_first_problems_and_counts_the_rest():
    problems = ProblemCollector()
    for row in range(2, 32):
        problems.add(Location("f.csv", row=row), "bad", "good", "fix it")
    problems.cap(25, Location("f.csv"))
    assert len(problems.problems) == 26
    assert problems.problems[-1].problem == "there are more problems, from f.csv, row 27 on; only the first 25 are listed"


def test_a_table_with_many_bad_cells_says_how_many_are_not_shown(tmp_path):
    schema = TableSchema("t", "test", tuple(Column(f"c{i}", "float", "a number") for i in range(6)))
    lines = ["c0,c1,c2,c3,c4,c5"] + ["x,x,x,x,x,x"] * 7  # 6 columns × (5 shown + 1 count line) = 36 problems
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as err:
        read_table(tmp_path / "t.csv", schema, "t.csv")
    shown = err.value.problems
    assert len(shown) == MAX_PROBLEMS + 1
    assert "2 more rows, from this one on, have the same problem" in shown[5].problem  # c0's rows 7–8
    assert shown[-1].problem.startswith("there are more problems, from t.csv, row 3, column 'c4' on")


def test_every_empty_required_cell_is_listed(tmp_path):
    schema = TableSchema("t", "test", (Column("a", "str", "text"), Column("b", "float", "a number")))
    (tmp_path / "t.csv").write_text("a,b\nx,1\nx,2\nx,\nx,4\nx,\n")
    with pytest.raises(InputError) as err:
        read_table(tmp_path / "t.csv", schema, "t.csv")
    assert [(p.location.row, p.problem) for p in err.value.problems] == [(4, "the cell is empty"),
                                                                          (6, "the cell is empty")]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_blank_rows_are_skipped_and_later_rows_keep_their_numbers(tmp_path, suffix):
    import pandas as pd

    rows = [["x", "1"], ["", ""], ["x", "oops"], ["", ""], ["", ""]]  # a blank row inside, two after
    path = tmp_path / f"t{suffix}"
    if suffix == ".csv":
        path.write_text("a,b\n" + "\n".join(",".join(r) for r in rows) + "\n")
    else:
        pd.DataFrame(rows, columns=["a", "b"]).replace("", None).to_excel(path, index=False)
    schema = TableSchema("t", "test", (Column("a", "str", "text"), Column("b", "float", "a number")))
    with pytest.raises(InputError) as err:
        read_table(path, schema, path.name)
    assert [(p.location.row, p.problem) for p in err.value.problems] == [(4, "'oops' is not a number")]
