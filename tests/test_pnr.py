"""Personal identity numbers are recognised (date + Luhn), without flagging ordinary numbers."""

import pytest

from resmodel.io.pnr import looks_like_pnr


@pytest.mark.parametrize("text", ["19121212-1212", "121212-1212", "1212121212", "191212121212", "121272-1219",
                                  "note 19121212+1212 here", "19121212 1212", "121212 1212", "121212_1212",
                                  "brukare 19121212 1212", "1212121212.5", "1912-12-12-1212", "12-12-12-1212",
                                  # after digits that start a non-number: 'M01-19121212' must not hide what follows
                                  "M01-19121212-1212", "Gruppbostad nr 12-19121212-1212", "Ärende 24-121212-1212"])
def test_recognised(text):
    assert looks_like_pnr(text)


@pytest.mark.parametrize("text", ["121212-1213", "U00042", "20241231", "1234567890", "2024-07-01", "300995",
                                  "19121312-1212", "1694.868905674316", "0,868905674316", "1.1212121212",
                                  "2024-01-15", "2024-01-15 10:30"])
def test_not_flagged(text):
    assert not looks_like_pnr(text)


@pytest.mark.parametrize(("text", "refused"), [
    ("1206643841.66", False),   # a 10-digit amount (a frame in SEK) whose digits pass the date and check test
    ("1206643841", False),      # the same amount in whole SEK
    ("1206643841.0", False),
    ("191212121212", True),     # the 12-digit form a register stores as a number
    ("191212121212.0", True),
    ("19121212-1212", True),    # not a plain number: the full test
    ("1212121212", False),
])
def test_numeric_cells_refuse_only_the_twelve_digit_form(text, refused):
    from resmodel.io.pnr import number_looks_like_pnr

    assert looks_like_pnr("1206643841")  # in a text column the 10-digit form is refused
    assert number_looks_like_pnr(text) is refused
