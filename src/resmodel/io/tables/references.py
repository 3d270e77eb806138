"""Cross-table checks: every id a table names must be one another table lists, with the slip a typo leaves
('DV03' for 'DV003') pointed at the row that may hold it."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from resmodel.errors import Location, ProblemCollector, did_you_mean
from resmodel.io.tables.messages import MAX_PROBLEMS


def one_slip_apart(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one character added, dropped or changed — not one digit for another, which makes
    another id ('DV003' and 'DV03' are a slip apart; 'DV003' and 'DV004' are two units)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        return len(diff) == 1 and not (diff[0][0].isdigit() and diff[0][1].isdigit())
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def check_references(child: pd.DataFrame, column: str, parent_ids: pd.Series, display: str,
                     parent_name: str, parent_display: str | None = None, unnamed: Collection[str] = ()) -> None:
    """Every value of ``child[column]`` must exist among ``parent_ids``; report the rows that don't. An unknown id
    one slip apart from a parent id that no table names (``unnamed``; 'DV003' here, 'DV03' there) points at that
    parent row as well (``parent_ids`` indexed by its spreadsheet rows, in ``parent_display``): the typo may be
    there."""
    known = set(parent_ids.dropna())
    values = child[column]
    bad = values.notna() & ~values.isin(known)
    if bad.any():
        def fix(value: str) -> str:
            # a slip of case or leading zeros ('dv1' for 'DV001') is suggested; ids one digit apart are different units
            own = did_you_mean(value, known, cutoff=1.0) + f"add '{value}' to the {parent_name} table or correct the id"
            twins = [(int(row), str(pid)) for row, pid in parent_ids.items()
                     if str(pid) in unnamed and one_slip_apart(value, str(pid))]
            if parent_display and len(twins) == 1:
                row, twin = twins[0]
                return f"{own}; or, if {parent_display} row {row}'s '{twin}' (named by no row) is this one, correct it there"
            return own

        problems = ProblemCollector()
        problems.add_rows(child.index[bad.to_numpy()], MAX_PROBLEMS, lambda row: (
            Location(display, row=row, column=column), f"'{values[row]}' is not a known {parent_name}",
            f"an id listed in the {parent_name} table", fix(str(values[row]))))
        problems.raise_if_any()
