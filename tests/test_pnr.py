"""Personal identity numbers are recognised (date + Luhn), without flagging ordinary numbers."""

import pytest

from resmodel.io.pnr import looks_like_pnr


@pytest.mark.parametrize("text", ["19121212-1212", "121212-1212", "1212121212", "191212121212", "121272-1219",
                                  "note 19121212+1212 here", "19121212 1212", "121212 1212", "121212_1212",
                                  "brukare 19121212 1212", "1212121212.5"])
def test_recognised(text):
    assert looks_like_pnr(text)


@pytest.mark.parametrize("text", ["121212-1213", "U00042", "20241231", "1234567890", "2024-07-01", "300995",
                                  "19121312-1212", "1694.868905674316", "0,868905674316", "1.1212121212"])
def test_not_flagged(text):
    assert not looks_like_pnr(text)
