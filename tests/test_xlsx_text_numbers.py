"""A workbook's number stored as text is read as a ';' file reads it ('1 120 000,50'), but '1,120' — 1.12 in Swedish,
1 120 in English, and a text cell has no locale — is refused, not read as 1.12 (diff review)."""

from __future__ import annotations

import openpyxl
import pytest

from resmodel.errors import InputError
from resmodel.io.dictionary import PREMISES
from resmodel.io.tables import read_table

HEADER = ["premises_id", "kind", "capacity", "annual_rent", "min_level", "max_level"]


def _premises(tmp_path, rent: str):
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.active.append(["L1", "dv_lokal", 35, rent, 1, 6])
    wb.save(tmp_path / "premises.xlsx")
    return read_table(tmp_path / "premises.xlsx", PREMISES, "premises.xlsx")


def test_a_swedish_text_number_is_read(tmp_path):
    assert _premises(tmp_path, "1 120 000,50")["annual_rent"].iloc[0] == 1_120_000.5


@pytest.mark.parametrize("rent", ["1,120", "28,400"])
def test_three_digits_after_a_lone_comma_are_refused_not_read_as_decimals(tmp_path, rent):
    with pytest.raises(InputError, match=f"row 2, column 'annual_rent': '{rent}' is not a number"):
        _premises(tmp_path, rent)


def test_a_leading_zero_before_the_comma_is_a_decimal(tmp_path):
    """Second diff review: '0,125' cannot be an English thousands group, so it is read as 0.125."""
    assert _premises(tmp_path, "0,125")["annual_rent"].iloc[0] == 0.125
