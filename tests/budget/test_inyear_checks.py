"""The in-year tables' checks (budget.inyear_checks): one message for a report area and one rule for a month in
the actuals, the frames and the known volume changes, every problem of a table reported at once."""

from __future__ import annotations

import pandas as pd
import pytest

from resmodel.budget import inyear_checks as checks
from resmodel.budget.areas import AREA_KEYS
from resmodel.errors import InputError


def _actuals(areas=("lss_boende",), months=range(1, 13)) -> pd.DataFrame:
    """A year of actuals as read from a file (text cells), one row per month and area."""
    return pd.DataFrame([("2024", str(m), a, "1000", "10") for a in areas for m in months],
                        columns=checks.ACTUALS_COLUMNS)


def _frames(areas=("lss_boende",)) -> pd.DataFrame:
    return pd.DataFrame([("2024", a, "12000") for a in areas], columns=checks.FRAME_COLUMNS)


def _changes(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=checks.CHANGE_COLUMNS)


TWO_BAD_AREAS = {
    "actuals": lambda: checks.check_actuals(_actuals(areas=("lss_bonde", "xyz"), months=(1,)), "a.csv"),
    "frames": lambda: checks.check_frames(_frames(areas=("lss_bonde", "xyz")), "f.csv"),
    "changes": lambda: checks.check_changes(_changes([("2024", "9", "lss_bonde", "5", "2024", "3"),
                                                      ("2024", "9", "xyz", "5", "2024", "3")]), "c.csv"),
}


@pytest.mark.parametrize("table", TWO_BAD_AREAS)
def test_an_unknown_area_is_one_message_in_every_table_and_every_one_is_reported(table):
    """Code review: the frames and changes said 'a report area key' without the keys, and the changes stopped at
    the first bad row."""
    with pytest.raises(InputError) as exc:
        TWO_BAD_AREAS[table]()
    problems = exc.value.problems
    assert [(p.location.row, p.problem) for p in problems] == [(2, "unknown report area 'lss_bonde'"),
                                                               (3, "unknown report area 'xyz'")]
    assert {p.expected for p in problems} == {"one of " + ", ".join(AREA_KEYS)}
    assert problems[0].fix == "correct the area (did you mean 'lss_boende'?)"


def test_every_problem_of_the_changes_is_reported_at_once():
    changes = _changes([("2024", "9", "lss_bonde", "5", "2024", "3"),
                        ("2024", "9", "lss_boende", "5", "2024", "10"),
                        ("2024", "9", "lss_boende", "abc", "2024", "3")])
    with pytest.raises(InputError) as exc:
        checks.check_changes(changes, "c.csv")
    assert sorted((p.location.row, p.location.column) for p in exc.value.problems) == [
        (2, "area"), (3, "known_month"), (4, "volume_change")]


@pytest.mark.parametrize("month", ["0", "13", "2.5", ""])
def test_a_month_outside_1_12_is_refused_in_the_actuals_and_the_changes(month):
    actuals = _actuals()
    actuals.loc[3, "month"] = month
    with pytest.raises(InputError) as exc:
        checks.check_actuals(actuals, "a.csv")
    assert (exc.value.problems[0].location.row, exc.value.problems[0].location.column) == (5, "month")
    assert f"'{month}' is not a month" == exc.value.problems[0].problem
    with pytest.raises(InputError) as exc:
        checks.check_changes(_changes([("2024", month, "lss_boende", "5", "2024", "1")]), "c.csv")
    assert (exc.value.problems[0].location.row, exc.value.problems[0].location.column) == (2, "month")
