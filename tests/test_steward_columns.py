"""Data-steward onboarding walk (her own municipality's raw exports): a share written '80 %', Swedish export
headers ('Brukar-ID', 'Årshyra (kr)'), which columns together are unique, and every table's problems in one run."""

from __future__ import annotations

import pytest

from resmodel.errors import InputError
from resmodel.io.dictionary import STAFF, USERS
from resmodel.io.tables import read_table


def _refusal(tmp_path, name: str, text: str, schema) -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(tmp_path / name, schema, name)
    return str(err.value)


@pytest.mark.parametrize(("cell", "fix"), [("80 %", "write 0.8 (80 % = 0.8 FTE)"),
                                           ("75%", "write 0.75 (75 % = 0.75 FTE)"),
                                           ("12.5 %", "write 0.125 (12.5 % = 0.125 FTE)")])
def test_a_percentage_in_the_fte_column_is_told_as_the_share_to_write(tmp_path, cell, fix):
    """Finding 3: an HR export's '80 %' was told 'write a plain number … and no units', and she typed 80."""
    text = _refusal(tmp_path, "staff.csv", f"unit_id,role,fte\nDV01,omsorgspedagog,{cell}\n", STAFF)
    assert f"'{cell}' is not a number" in text and f"Fix: {fix}" in text


def test_a_percentage_in_a_semicolon_file_is_told_with_a_decimal_comma(tmp_path):
    text = _refusal(tmp_path, "staff.csv", "unit_id;role;fte\nDV01;omsorgspedagog;80,5 %\nDV02;stodassistent;1,5\n",
                    STAFF)
    assert "Fix: write 0,805 (80,5 % = 0,805 FTE)" in text


def test_a_percentage_in_a_column_that_is_no_share_keeps_the_plain_number_fix(tmp_path):
    """weekly_hours is hours, not a share of a whole: '80 %' of what cannot be told."""
    schema = type(USERS)("t", "t", (USERS.column("weekly_hours"),))
    text = _refusal(tmp_path, "t.csv", "weekly_hours\n80 %\n", schema)
    assert "FTE" not in text and "write a plain number with '.' as decimal point and no units" in text
