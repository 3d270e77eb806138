"""A diff review of the day's input-reading changes: rent headers of compound words lost their conversion advice (1),
a parameter group file with a description at its top was read as one leaf missing 'values', and dates written
straight under a leaf were told to be removed (2), an Excel serial was offered as a date its column refuses (3), and a
title row with a note at its right end was told as columns without a header (4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clirun import planning_app
from tests.test_premises_review_2 import header_error

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def app():
    return planning_app()


# ---------------------------------------------------------------- 1. rent headers of compound words
@pytest.mark.parametrize(("header", "told", "factors"), [
    ("Lokalhyra (kr/mån)", "a monthly rent", "× 12 for a year"),
    ("Hyreskostnad per månad", "a monthly rent", "× 12 for a year"),
    ("Kvadratmeterhyra", "a rent per m²", "× the premises' area in m²"),
    ("kvmhyra", "a rent per m²", "× the premises' area in m²"),
    ("Månadshyran (tkr)", "a monthly rent in thousands of kronor", "× 1 000 and × 12 for a year"),
    ("Hyresbelopp (kr/kvm)", "a rent per m²", "× the premises' area in m²")])
def test_a_rent_header_of_compound_words_is_told_how_to_convert(app, tmp_path, header, told, factors):
    """'Lokalhyra (kr/mån)' was 'unknown column … no free-text or comment column' and 'annual_rent_sek is missing':
    a rent word had to stand on its own."""
    stderr = header_error(app, tmp_path, header, rent_column=False)
    assert f"'{header}' looks like {told}, but resmodel reads the yearly rent in SEK of the whole premises in " \
           f"annual_rent_sek: convert its values ({factors}), then rename the column to 'annual_rent_sek'" in stderr
    assert "free-text" not in stderr and "required column 'annual_rent_sek' is missing" not in stderr


@pytest.mark.parametrize("header", ["Hyrestid (mån)", "Hyresperiod (månad)", "Hyresavtal (mån)", "Hyresfri tid (mån)",
                                    "Hyreshöjning (kr/mån)", "Hyresvärd kvm"])
def test_a_word_of_the_lease_or_of_a_change_to_the_rent_is_no_rent(app, tmp_path, header):
    """A word starting with 'hyres' is a rent unless it names the lease's length, agreement or parties, a rent-free
    time or a change to the rent: none of them is a rent's amount to convert into annual_rent_sek."""
    stderr = header_error(app, tmp_path, header)
    assert f"unknown column '{header}'" in stderr and "looks like a" not in stderr
