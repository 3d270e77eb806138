"""Data-steward onboarding walk (her own municipality on the starter kit): the console's warnings most serious
first and grouped, PO and annual leave shipped as template values, premises of the wrong kind, a missing
level_assessed column, advice for a dated share, identity numbers in free text, assessments after the base
year, and template values in `resmodel params`."""

from __future__ import annotations

import datetime as dt

import pytest

from resmodel.errors import PersonalDataError
from resmodel.io.municipality import read_municipality
from tests.csvedit import valid_data_with


def test_an_identity_number_in_a_name_is_to_be_removed_not_replaced_by_an_id(tmp_path):
    """Finding 10: a pnr in a name or notes cell was told 'replace the value with a pseudonymous id'."""
    data = valid_data_with(tmp_path, "units", "GB01,Gruppbostad 1,", "GB01,Gruppbostad 1 (kontakt 8112289874),")
    with pytest.raises(PersonalDataError) as err:
        read_municipality(data, "data", dt.date(2024, 7, 1))
    problem = err.value.problems[0]
    assert (problem.location.row, problem.location.column) == (4, "name")
    assert problem.fix.startswith("remove the number from the text, or clear the value") and "pseudonymous" not in problem.fix
    assert "8112289874" not in str(err.value)


def test_an_identity_number_as_an_id_is_still_to_be_replaced_by_a_pseudonymous_one(tmp_path):
    data = valid_data_with(tmp_path, "users", "U005,", "19121212-1212,")
    with pytest.raises(PersonalDataError) as err:
        read_municipality(data, "data", dt.date(2024, 7, 1))
    assert err.value.problems[0].fix.startswith("replace the value with a pseudonymous id")
