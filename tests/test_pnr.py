"""Personal identity numbers are recognised (a plausible date; the Luhn check digit only where ordinary
numbers would otherwise be flagged by chance), without flagging ordinary numbers."""

import datetime as dt

import pytest

from resmodel.errors import PersonalDataError
from resmodel.io.municipality import read_municipality
from resmodel.io.pnr import id_looks_like_pnr, looks_like_pnr
from tests.csvedit import valid_data_with


@pytest.mark.parametrize("text", ["19121212-1212", "121212-1212", "1212121212", "191212121212", "121272-1219",
                                  "1912.12.12-1212", "1912/12/12-1212", "12 12 12-1212", "121212--1212",
                                  "note 19121212+1212 here", "19121212 1212", "121212 1212", "121212_1212",
                                  "brukare 19121212 1212", "1212121212.5", "1912-12-12-1212", "12-12-12-1212",
                                  # after digits that start a non-number: 'M01-19121212' must not hide what follows
                                  "M01-19121212-1212", "Gruppbostad nr 12-19121212-1212", "Ärende 24-121212-1212"])
def test_recognised(text):
    assert looks_like_pnr(text)


@pytest.mark.parametrize("text", ["U00042", "20241231", "1234567890", "2024-07-01", "300995",
                                  "19121312-1212", "1694.868905674316", "0,868905674316", "1.1212121212",
                                  "2024-01-15", "2024-01-15 10:30"])
def test_not_flagged(text):
    assert not looks_like_pnr(text)


# 19900101-2385 is valid; ...-2389 has the wrong check digit, and so has 121212-1213
@pytest.mark.parametrize("text", ["19900101-2389", "900101-2389", "19900101+2389", "900101+2389", "121212-1213",
                                  "1990-01-01-2389", "90-01-01-2389", "Ärende 19900101-2389 avslutat",
                                  "900161-2389", "19900161-2389",          # samordningsnummer: day + 60
                                  # the 12-digit form with century 18-20, with or without a separator
                                  "199001012389", "19900101 2389", "19900101_2389", "200101151530", "180101011234",
                                  # dashes a word processor writes for '-': en dash, minus sign, non-breaking hyphen
                                  "900101\u20132389", "19900101\u22122389", "1990\u201301\u201301\u20132389",
                                  "900101\u20112389"])
def test_a_mistyped_number_written_as_one_is_refused(text):
    assert looks_like_pnr(text)


@pytest.mark.parametrize("text", ["19900101-2385", "900101-2385", "199001012385", "9001012385", "900101 2385",
                                  "900101_2385", "19900101+2385", "900101\t2385",
                                  "900101\u00a02385", "900101\u202f2385", "900101\u00ad2385", "900101\uff0d2385",
                                  # a re-fuzz: spaces around the dash, two spaces, zero-width and thin spaces, '/'
                                  "900101 - 2385", "Anna 900101 - 2385", "900101  2385", "900101-\u200b2385",
                                  "19900101\u20092385"])
def test_a_valid_number_is_refused(text):
    assert looks_like_pnr(text)


@pytest.mark.parametrize("text", [
    "9001012389", "900101 2389", "900101_2389",     # 10 digits without '-'/'+': the check digit decides
    "1206653841", "amount 1206653841 SEK",          # a 10-digit amount (day 65) with a wrong check digit
    "30010115-3198",                                 # 12 digits, century 30: the check digit decides
    "19901301-2389", "901301-2389", "199013012389",  # month 13
    "19900132-2389", "900132-2389", "199001322389",  # day 32
    "900192-2389", "900100-2389", "900001-2389",     # day 92 (32 + 60), day 0, month 0
    "0.199001012389", "3,199001012389", "1.900101-2389",  # decimals
    "2019-12-01-2019-12-31", "1991-01-01-2389-12-31",    # a date range, not a number
    # periods as agreements and budgets write them (a review found 39 of 366 refused after the dashes
    # were read as '-'): never refused, whatever the digits
    "2023-01-01 – 2023-12-31", "avtalsperiod 2024-09-01 - 2024-12-31", "2026-04-01–2027-03-31",
    "2024-01-09  –  2024-12-31", "2024-01-15/2025",
    "20191201-20191231", "191201-191231", "2024-01-15 10:30", "U0042-2389",
])
def test_not_refused_without_the_check_digit(text):
    assert not looks_like_pnr(text)


@pytest.mark.parametrize(("text", "refused"), [
    ("1206643841.66", False),   # a 10-digit amount (a frame in SEK) whose digits pass the date and check test
    ("1206643841", False),      # the same amount in whole SEK
    ("1206643841.0", False),
    ("191212121212", True),     # the 12-digit form a register stores as a number
    ("191212121212.0", True),
    ("19121212-1212", True),    # not a plain number: the full test
    ("1212121212", False),
    ("-1206643841", False),     # a credit: a negative amount is a plain number too
    ("-1206643841.66", False),
    ("9001012389", False),      # 10 digits, date and wrong check digit: still an amount
    ("9001012385", False),      # ... and with a valid check digit
    ("199001012389", True),     # the 12-digit form is refused whatever its check digit
    ("199001012389.00", True),
    ("-199001012389", True),
    ("199013012389", False),    # month 13
    ("1990010123.89", False),
    ("19900101-2389", True),    # not a plain number: the full test, a mistyped number refused
    ("900101-2389", True),
])
def test_numeric_cells_refuse_only_the_twelve_digit_form(text, refused):
    from resmodel.io.pnr import number_looks_like_pnr

    assert looks_like_pnr("1206643841")  # in a text column the 10-digit form is refused
    assert number_looks_like_pnr(text) is refused


@pytest.mark.parametrize("cell, refused", [
    ("8503121235", True),    # a mistyped 10-digit identity number (check digit wrong) in an id column
    ("198503121235", True),
    ("8503721235", True),    # a coordination number's day + 60
    ("U00042", False), ("DV001", False), ("1234567890", False),  # month 56: no date
    ("2024000001", False),   # month 00
    ("850312", False),       # six digits: not a number of ten
])
def test_id_columns_refuse_bare_date_numbers_whatever_the_check_digit(cell, refused):
    assert id_looks_like_pnr(cell) is refused


def test_a_mistyped_identity_number_as_user_id_is_refused(tmp_path):
    data = valid_data_with(tmp_path, "users", "U003,", "8503121235,")
    with pytest.raises(PersonalDataError) as err:
        read_municipality(data, "data", dt.date(2024, 7, 1))
    assert "users.csv, row 4, column 'user_id'" in str(err.value) and "8503121235" not in str(err.value)


def test_a_date_written_with_dashes_before_the_serial_is_found_in_a_table_cell():
    """A review: the cell pre-check looked for six digits in a row and so skipped '1990-01-01-2389'."""
    import pandas as pd

    from resmodel.errors import PersonalDataError
    from resmodel.io.pnr import check_frame_for_pnr

    with pytest.raises(PersonalDataError, match="row 2, column 'note'"):
        check_frame_for_pnr(pd.DataFrame({"note": ["Kontakt 1990-01-01-2389"]}, index=[2]), "t.csv")


@pytest.mark.parametrize("text", ["höjt från 2024-01-01 1500 kr/mån", "beslut 2024-03-15 1200 timmar",
                                  "2024-01-01 0800 till 1600"])
def test_a_date_then_a_number_in_free_text_is_not_flagged(text):
    """Determinism/personal-data audit: a '-'-written date, a space and four digits read as century + serial."""
    assert not looks_like_pnr(text)


def test_yaml_numbers_are_amounts_text_and_comments_get_the_full_test(tmp_path):
    """Audit: a frame of 1 101 300 000 SEK in frame.yaml was refused as an identity number (a CSV amount column
    accepts it), 198001011234.0 passed, and a comment holding a number was never read."""
    from resmodel.errors import Location
    from resmodel.io.pnr import check_value_for_pnr
    from resmodel.io.yamlio import parse_yaml

    assert parse_yaml("frame:\n  lss_boende: 1101300000\n", "f.yaml").data["frame"]["lss_boende"] == 1101300000
    for text, line in (("a: 198001011234.0\n", 1), ("a: 1\n# brukare 800101-1234\n", 2), ("a: 1  # 19800101-1234\n", 1)):
        with pytest.raises(PersonalDataError) as err:
            parse_yaml(text, "f.yaml")
        assert err.value.problems[0].location.line == line and "1234" not in str(err.value)
    assert "comment looks like" in str(err.value)
    with pytest.raises(PersonalDataError):  # a manifest's nested option (a plan's places) is read and echoed
        check_value_for_pnr({"places": ["800101-1234"]}, Location(path="options.places"))


def test_a_series_id_that_is_a_bare_date_and_serial_is_refused(tmp_path):
    """Audit: unique_id was tested as text, so 8001011234 (no valid check digit) passed and was echoed."""
    from resmodel.io.series import read_series

    path = tmp_path / "s.csv"
    path.write_text("unique_id,ds,y\n" + "".join(f"8001011234,{2010 + i},{i + 1}\n" for i in range(8)), encoding="utf-8")
    with pytest.raises(PersonalDataError) as err:
        read_series(path)
    assert "column 'unique_id'" in str(err.value) and "8001011234" not in str(err.value)


def test_an_amount_in_a_yaml_comment_is_read_as_the_same_amount_as_a_value():
    """Review: the comment check tested '# council total 1101300000 SEK' as text, refusing what the value rule accepts."""
    from resmodel.io.yamlio import parse_yaml

    assert parse_yaml("base:  # council total 1101300000 SEK, 8001011234 kr\n  a: 1\n", "f.yaml").data == {"base": {"a": 1}}
    with pytest.raises(PersonalDataError) as err:
        parse_yaml("a: 1  # 198001011234\n", "f.yaml")
    assert err.value.problems[0].fix == "remove the number from the comment"


def test_an_amount_in_the_register_form_is_told_to_check_the_column_not_to_use_a_pseudonymous_id(tmp_path):
    """Audit: a 12-digit amount was told 'replace the value with a pseudonymous id' (an id's fix)."""
    data = valid_data_with(tmp_path, "premises", "L-DV1,dv_lokal,20,600000,", "L-DV1,dv_lokal,20,198001011234,")
    with pytest.raises(PersonalDataError) as err:
        read_municipality(data, "data", dt.date(2024, 7, 1))
    message = str(err.value)
    assert "premises.csv, row 2, column 'annual_rent': this amount has the 12-digit form" in message, message
    assert "pseudonymous id" not in message and "198001011234" not in message


@pytest.mark.parametrize("option", ["--unit", "--area"])
def test_a_mistyped_identity_number_as_an_option_id_is_refused_unechoed(option):
    """Audit: 'explain … --unit 8001011234' (check digit wrong) was echoed as an unknown unit."""
    from resmodel.cli import app
    from tests.clirun import invoke
    from tests.conftest import ROOT

    code, _, err = invoke(app, "explain", ROOT / "scenarios" / "base.yaml", option, "8001011234",
                          "--measure", "net_cost")
    assert code == 2 and f"the value of {option} looks like a Swedish personal identity number" in err, err
    assert "8001011234" not in err
