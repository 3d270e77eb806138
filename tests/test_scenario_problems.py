"""A scenario file's independent problems are reported together, in one run of `resmodel validate`
(docs/scenarios.md: "all reported together"); reading stops only where the rest depends on a problem,
such as a parent file that does not exist."""

from __future__ import annotations

import sys

import pytest

from resmodel.cli import main
from tests.conftest import ROOT

DATA = ROOT / "data" / "demokommun"


def validate(monkeypatch, capsys, tmp_path, body: str) -> tuple[int, list[str]]:
    """`resmodel validate` on s.yaml (``body``) beside a base.yaml on the demo data: exit code and error lines."""
    (tmp_path / "base.yaml").write_text(f"name: base\npurpose: test root\ndata: {DATA}\nbase_date: 2024-07-01\n"
                                        "seed: 1\n", encoding="utf-8")
    head = "name: s\n" if body.startswith("PURPOSE_MISSING ") else "name: s\npurpose: test\n"
    (tmp_path / "s.yaml").write_text(head + body.removeprefix("PURPOSE_MISSING "), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["resmodel", "validate", "s.yaml"])
    try:
        main()
        code = 0
    except SystemExit as exit_info:
        code = exit_info.code
    return code, [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]


UNKNOWN_PARAMETER = ("s.yaml, line 5, at 'parameters.salaries.stodassistant': unknown parameter "
                     "'salaries.stodassistant'", "Fix: did you mean 'salaries.stodassistent'?")
PERCENTAGE = ("s.yaml, line 6, at 'parameters.working_time.sick_leave_rate': new value 7.4 for "
              "'working_time.sick_leave_rate' is above 1 (unit 'share')", "Fix: 7.4 looks like a percentage: write 0.074")


@pytest.mark.parametrize(("body", "expected"), [
    # the review's file: a misspelt key, a misspelt parameter and a percentage, each found in one run
    ("extend: base.yaml\nparameters:\n  salaries.stodassistant: 30000\n  working_time.sick_leave_rate: 7.4\n",
     [("s.yaml, line 3, at 'extend': unknown key 'extend'", "Fix: did you mean 'extends'?"),
      UNKNOWN_PARAMETER, PERCENTAGE]),
    # the parameter changes alone: a path and a value problem together
    ("extends: base.yaml\nparameters:\n  salaries.stodassistant: 30000\n  working_time.sick_leave_rate: 7.4\n",
     [UNKNOWN_PARAMETER, PERCENTAGE]),
    # a wrong value of a key the changes do not read does not hide them
    ("extends: base.yaml\nseed: -1\nparameters:\n  salaries.stodassistant: 30000\n",
     [("s.yaml, line 4, at 'seed': Input should be greater than or equal to 0",
       "Fix: write a whole number from 0 to 4294967295, e.g. 42"),
      ("s.yaml, line 6, at 'parameters.salaries.stodassistant': unknown parameter", "did you mean")]),
    # an inverted period leaves that change out; a misspelt 'from' is read as 'from' for the overlap check
    ("extends: base.yaml\nparameters:\n  working_time.training_days:\n    - {value: 3, from: 2027-01-01, "
     "until: 2026-01-01}\n  working_time.sick_leave_rate:\n    - {value: 0.06, form: 2025-01-01, until: 2026-12-31}\n"
     "    - {value: 0.05, from: 2026-01-01}\n",
     [("s.yaml, line 6, at 'parameters.working_time.training_days[0]': period is inverted", "Fix: swap from and until"),
      ("s.yaml, line 8, at 'parameters.working_time.sick_leave_rate[0].form': unknown key 'form'",
       "Fix: did you mean 'from'?"),
      ("s.yaml, line 9, at 'parameters.working_time.sick_leave_rate[1]': the period of change 2 for "
       "'working_time.sick_leave_rate' overlaps change 1", "Fix: adjust 'from'/'until'")]),
    # an unknown parent: the changes cannot be checked without the parameter tree it names
    ("extends: nosuch.yaml\nparameters:\n  salaries.stodassistant: 30000\n",
     [("s.yaml, line 3, at 'extends': scenario file 'nosuch.yaml' not found", "relative to the extending file")]),
    # ... but a misspelt key before it is still reported with it
    ("extend: nosuch.yaml\nparameters:\n  salaries.stodassistant: 30000\n",
     [("s.yaml, line 3, at 'extend': unknown key 'extend'", "did you mean 'extends'?"),
      ("s.yaml, line 3, at 'extends': scenario file 'nosuch.yaml' not found", "relative to the extending file")]),
    # a bad base date is read by the changes (their default start): nothing after it is checked
    ("extends: base.yaml\nbase_date: soon\nparameters:\n  salaries.stodassistant: 30000\n",
     [("s.yaml, line 4, at 'base_date'", "Fix: write the date as YYYY-MM-DD")]),
    # a missing purpose does not hide the other problems (written without 'purpose:' by replacing it)
    ("PURPOSE_MISSING extends: base.yaml\nparameters:\n  salaries.stodassistant: 30000\n",
     [("s.yaml, line 1, at 'purpose': required key 'purpose' is missing", "Fix: add 'purpose:'"),
      ("s.yaml, line 4, at 'parameters.salaries.stodassistant': unknown parameter", "did you mean")]),
    # decimal commas: a number in quotes-free block YAML, '0,074' or '2,5', is text ({…} mappings: see below)
    ("extends: base.yaml\nparameters:\n  working_time.sick_leave_rate: 0,074\n  working_time.training_days:\n"
     "    - value: 2,5\n      from: 2025-01-01\n",
     [("s.yaml, line 5, at 'parameters.working_time.sick_leave_rate'", "Fix: write 0.074 (decimal point '.'"),
      ("s.yaml, line 7, at 'parameters.working_time.training_days[0].value'", "Fix: write 2.5 (decimal point '.'")]),
    # reported in the order of the file's lines (a key problem below a parameter problem comes second)
    ("extends: base.yaml\nparameters:\n  salaries.stodassistant: 30000\nstrikt: true\n",
     [("s.yaml, line 5, at 'parameters.salaries.stodassistant': unknown parameter", "did you mean"),
      ("s.yaml, line 6, at 'strikt': unknown key 'strikt'", "did you mean 'strict'?")]),
    # a sum problem is still found beside a problem elsewhere in the file (here a misspelt key)
    ("extends: base.yaml\nstrikt: true\nparameters:\n  bostad_vuxna.role_mix.stodpedagog: 0.4\n"
     "  bostad_vuxna.role_mix.stodassistent: 0.7\n",
     [("s.yaml, line 4, at 'strikt': unknown key 'strikt'", "did you mean 'strict'?"),
      ("s.yaml, line 7, at 'parameters.bostad_vuxna.role_mix.stodassistent': the shares of "
       "'bostad_vuxna.role_mix' sum to 1.1", "Fix: adjust the values so they add up to 1")]),
    # a misspelt group ('rolemix') is not a reason to call the real mix's sum false
    ("extends: base.yaml\nparameters:\n  bostad_vuxna.role_mix.stodpedagog: 0.4\n"
     "  bostad_vuxna.rolemix.stodassistent: 0.6\n",
     [("s.yaml, line 6, at 'parameters.bostad_vuxna.rolemix.stodassistent': unknown parameter", "did you mean")]),
    # the changes' own problems in line order too (a range on line 5, an unknown path on line 6)
    ("extends: base.yaml\nparameters:\n  working_time.sick_leave_rate: 7.4\n  salaries.stodassistant: 30000\n",
     [("s.yaml, line 5, at 'parameters.working_time.sick_leave_rate'", "write 0.074"),
      ("s.yaml, line 6, at 'parameters.salaries.stodassistant': unknown parameter", "did you mean")]),
    # a role mix with one share misspelt or malformed: no false 'sum' problem from the other share alone
    ("extends: base.yaml\nparameters:\n  bostad_vuxna.role_mix.stodpedagog: 0.4\n"
     "  bostad_vuxna.role_mix.stodassistant: 0.6\n",
     [("s.yaml, line 6, at 'parameters.bostad_vuxna.role_mix.stodassistant': unknown parameter", "did you mean")]),
    ("extends: base.yaml\nparameters:\n  bostad_vuxna.role_mix.stodpedagog: 0.4\n"
     "  bostad_vuxna.role_mix.stodassistent: 60%\n",
     [("s.yaml, line 6, at 'parameters.bostad_vuxna.role_mix.stodassistent'", "Fix:")]),
    # a complete role mix that does not sum to 1 is still found
    ("extends: base.yaml\nparameters:\n  bostad_vuxna.role_mix.stodpedagog: 0.4\n"
     "  bostad_vuxna.role_mix.stodassistent: 0.7\n",
     [("s.yaml, line 6, at 'parameters.bostad_vuxna.role_mix.stodassistent': the shares of "
       "'bostad_vuxna.role_mix' sum to 1.1", "Fix: adjust the values so they add up to 1")]),
], ids=["review_three_slips", "path_and_range", "seed_and_path", "periods", "missing_parent",
        "unknown_key_and_missing_parent", "bad_base_date", "missing_purpose", "decimal_commas", "line_order", "sum_beside_key_problem", "misspelt_group",
        "change_line_order", "role_mix_misspelt_share", "role_mix_malformed_share",
        "role_mix_sum"])
def test_independent_problems_are_reported_in_one_run(monkeypatch, capsys, tmp_path, body, expected):
    code, errors = validate(monkeypatch, capsys, tmp_path, body)
    assert code == 2
    assert len(errors) == len(expected), errors
    for error, (where_and_what, fix) in zip(errors, expected, strict=True):
        assert error.startswith(f"error: {where_and_what}") and fix in error, error


def test_a_scenario_without_problems_still_validates(monkeypatch, capsys, tmp_path):
    code, errors = validate(monkeypatch, capsys, tmp_path, "extends: base.yaml\nparameters:\n"
                            "  salaries.stodassistent: 30000\n  working_time.sick_leave_rate: 0.074\n")
    assert (code, errors) == (0, [])


@pytest.mark.parametrize(("body", "expected"), [
    ("extends: base.yaml\nprojection:\n  volume_growth: {bostad_vuxna: -0,02}\n",
     ["s.yaml, line 5, at 'projection.volume_growth.bostad_vuxna': '-0,02' in a {…} mapping is read as 2 entries",
      "Fix: write -0.02 (decimal point '.')"]),  # review: the sign was lost (YAML reads -0 as 0)
    ("extends: base.yaml\nprojection:\n  volume_growth: {bostad_vuxna: 12,500,000}\n",
     ["at 'projection.volume_growth.bostad_vuxna': '12,500,000' in a {…} mapping is read as 3 entries",
      "write 12500000 (no thousands separator)"]),
    ("extends: base.yaml\nprojection:\n  volume_growth: {bostad_vuxna: 1,500, daglig_verksamhet: 1,500}\n",
     ["'1,500' in a {…} mapping", "write 1.500 (decimal point '.'), or 1500 if ',' separated thousands"]),  # was:
    # 'key 500 appears twice'
    ("extends: base.yaml\nprojection:\n  volumes: {daglig_verksamhet: {2025: 1050, 2026: }}\n",
     ["at 'projection.volumes.daglig_verksamhet.2026': '2026' has no value"]),  # a year key, not a piece
    ("extends: base.yaml\nparameters:\n  daglig_verksamhet.staff_ratio: {1: 0,14, 2: 0,2, 3: 0,29, 4: 0,38, "
     "5: 0,49, 6: 0,64, 7: 0,99, 8: 1,39}\n", ["'0,14' in a {…} mapping", "write 0.14"]),  # was: key '2' twice
    (f"extends: base.yaml\nprojection:\n  frame: {DATA / 'frame.yaml'}\n  volumes: {{daglig_verksamhet: 1 100}}\n",
     ["s.yaml, line 6, at 'projection.volumes.daglig_verksamhet'", "'1 100' is read as text, not a volume.",
      "Fix: write 1100 (no space"]),
    (f"extends: base.yaml\nprojection:\n  frame: {DATA / 'frame.yaml'}\n  volumes:\n    boendestod: drift\n"
     "    externa_platser: 28,5\n", ["s.yaml, line 8, at 'projection.volumes.externa_platser'", "'28,5' is read as text, not a volume.",
      "Fix: write 28.5"]),  # economist walkthrough: 'unknown forecast model 28,5', at the volumes: line
    (f"extends: base.yaml\nprojection:\n  frame: {DATA / 'frame.yaml'}\n  volumes:\n    boendestod: drift\n"
     "    externa_platser: etss\n", ["s.yaml, line 8, at 'projection.volumes.externa_platser'", "did you mean 'ets'?",
      "Expected a model name (naive, snaive, drift, ets,"]),
    (f"extends: base.yaml\nprojection:\n  frame: {DATA / 'frame.yaml'}\n  volumes: {{daglig_verksamhet: 1 100}}\n",
     ["'1 100' is read as text"]),
])
def test_swedish_number_forms_in_flow_mappings_get_the_number_to_write(monkeypatch, capsys, tmp_path, body, expected):
    """Economist review: '{bostad_vuxna: 0,02}' was 'at projection.volume_growth.02: Input should be a valid
    number … correct the value'; '{daglig_verksamhet: 1 100}' was an unknown forecast model."""
    code, errors = validate(monkeypatch, capsys, tmp_path, body)
    assert code == 2 and len(errors) == 1, errors
    assert all(part in errors[0] for part in expected), errors[0]


def test_a_number_split_by_commas_that_would_be_an_identity_number_is_not_echoed(tmp_path):
    from resmodel.errors import InputError
    from resmodel.io.yamlio import read_yaml

    path = tmp_path / "f.yaml"
    path.write_text("base: {lss_boende: 191,212,121,212}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_yaml(path)
    assert "personal identity number" in str(err.value) and "191212121212" not in str(err.value)


@pytest.mark.parametrize(("value", "expected"), [
    ("2025", "at 'base_date': 2025 is not a date. Expected a date written YYYY-MM-DD, e.g. 2025-01-01. Fix: write "
             "2025-01-01 for the start of 2025"),
    ('"1 juli 2024"', "at 'base_date': '1 juli 2024' is not a date. Expected a date written YYYY-MM-DD, e.g. "
                      "2025-01-01. Fix: write the date as YYYY-MM-DD, e.g. 2024-07-01"),
])
def test_a_date_that_is_a_year_or_words_gets_the_date_to_write(monkeypatch, capsys, tmp_path, value, expected):
    """Economist review: 'base_date: 2025' gave pydantic's 'Datetimes provided to dates should have zero time'."""
    code, errors = validate(monkeypatch, capsys, tmp_path, f"extends: base.yaml\nbase_date: {value}\n")
    assert code == 2 and len(errors) == 1 and expected in errors[0], errors


def test_a_value_fifty_times_off_the_parameters_is_warned_at_its_line(tmp_path):
    """Economist review: sick leave 0.0006 (6 % written as a fraction twice) and 0.03 training days passed the
    ranges silently and moved the 2025 deviation from −2 to +170 MSEK."""
    from resmodel.run import load

    (tmp_path / "base.yaml").write_text(f"name: base\npurpose: root\ndata: {DATA}\nbase_date: 2024-07-01\nseed: 1\n",
                                        encoding="utf-8")
    (tmp_path / "s.yaml").write_text("name: s\npurpose: test\nextends: base.yaml\nparameters:\n"
                                     "  working_time.sick_leave_rate: 0.0006\n  working_time.training_days: 3\n"
                                     "  daglig_verksamhet.staff_ratio: {1: 0.14, 2: 0.2, 3: 29, 4: 0.38, 5: 0.49, "
                                     "6: 0.64, 7: 0.99, 8: 1.39}\n", encoding="utf-8")
    warned = [w for w in load(tmp_path / "s.yaml").warnings if w.check == "implausible_change"]
    assert [(w.location.line, w.message.split(":")[0]) for w in warned] == [
        (5, "working_time.sick_leave_rate"), (7, "daglig_verksamhet.staff_ratio level 3")]
    assert "0.0006 is 1/123 of the parameter's 0.074" in warned[0].message
    assert not [w for w in load(tmp_path / "base.yaml").warnings if w.check == "implausible_change"]


@pytest.mark.parametrize(("body", "expected"), [
    ("extends: base.yaml\nprojection:\n  external:\n    new_place_premium: 15\n",
     "Fix: 15 looks like a percentage: write 0.15"),
    ("extends: base.yaml\nprojection:\n  horizon_years: 90\n",  # a horizon is no percentage
     "Fix: write a whole number from 1 to 30, e.g. 10"),
])
def test_a_rate_written_as_a_percentage_above_its_bound_gets_the_fraction(monkeypatch, capsys, tmp_path, body,
                                                                          expected):
    """Economist review: new_place_premium 15 and a frame growth of 1 got only 'Input should be ≤ 5 / < 0.5'."""
    code, errors = validate(monkeypatch, capsys, tmp_path, body)
    assert code == 2 and len(errors) == 1 and expected in errors[0], errors


def test_a_frame_rate_written_as_a_percentage_gets_the_fraction():
    from resmodel.budget.areas import AREA_KEYS
    from resmodel.budget.frame import load_frame
    from resmodel.errors import InputError

    with pytest.raises(InputError) as err:
        load_frame({"base_year": 2024, "base": dict.fromkeys(AREA_KEYS, 1e8), "indexation": {"kind": "fixed",
                    "growth": 0.03}, "demographic": [{"area": "lss_boende", "growth": 1, "from_year": 2025}]})
    assert "Fix: 1 looks like a percentage: write 0.01" in str(err.value)


@pytest.mark.parametrize(("body", "expected"), [
    ("extends: base.yaml\nprojection:\n  volume_changes:\n    - {service: bostad_vuxna, from_year: 2026, "
     "change: 6 platser}\n", ["at 'projection.volume_changes[0].change'", "Fix: write the number alone: 6"]),
    ("extends: base.yaml\nprojection:\n  volumes:\n    bostad_vuxna:\n", ["at 'projection.volumes.bostad_vuxna': "
     "'bostad_vuxna' has no value", "Fix: write the value after the colon, or delete the line"]),
])
def test_a_number_with_words_or_no_value_is_told_what_to_write(monkeypatch, capsys, tmp_path, body, expected):
    """Economist review: '6 platser' gave only 'Input should be a valid number'; an empty value gave two
    contradictory errors (a valid string, a valid number)."""
    code, errors = validate(monkeypatch, capsys, tmp_path, body)
    assert code == 2 and len(errors) == 1 and all(part in errors[0] for part in expected), errors


def test_a_long_number_with_spaces_is_not_echoed_joined(monkeypatch, capsys, tmp_path):
    """Review: '191 212 121 212' passed the identity-number check (spaces) and its fix echoed 191212121212."""
    code, errors = validate(monkeypatch, capsys, tmp_path, f"extends: base.yaml\nprojection:\n  frame: {DATA / 'frame.yaml'}"
                                                           "\n  volumes: {daglig_verksamhet: '191 212 121 212'}\n")
    assert code == 2 and "write it without spaces" in errors[0] and "191212121212" not in errors[0]


def test_a_year_given_for_until_is_told_the_years_last_day(monkeypatch, capsys, tmp_path):
    code, errors = validate(monkeypatch, capsys, tmp_path, "extends: base.yaml\nparameters:\n  salaries.stodassistent:"
                                                           " [{value: 30000, from: 2026-01-01, until: 2026}]\n")
    assert code == 2 and "Fix: write 2026-12-31 for the end of 2026" in errors[0], errors


@pytest.mark.parametrize("model_key", ["volumes: {bostad_vuxna: holtwinters}", "default_model: holtwinters"])
def test_an_unknown_model_is_reported_with_the_blocks_other_problems(monkeypatch, capsys, tmp_path, model_key):
    """Economist walk: a mistyped model name was checked per file and held back a growth rate written as a
    percentage and a misspelt frame area until the next run; 'holtwinters' had no 'did you mean' (ETS is it)."""
    code, errors = validate(monkeypatch, capsys, tmp_path, f"extends: base.yaml\nprojection:\n  {model_key}\n"
                            "  volume_growth: {daglig_verksamhet: 2}\n  frame:\n    base_year: 2024\n"
                            "    base: {lss_boendet: 1067700000}\n")
    assert code == 2 and len(errors) == 4, errors  # the third: the frame covers no other area
    assert "line 5" in errors[0] and "unknown forecast model 'holtwinters'" in errors[0]
    assert "Fix: did you mean 'ets'?" in errors[0]
    assert "2 looks like a percentage" in errors[1] and "unknown report area 'lss_boendet'" in errors[3]


@pytest.mark.parametrize("date", ["2101-07-01", "9999-12-31", "1900-01-01"])
def test_a_base_date_without_known_holidays_is_a_located_error(monkeypatch, capsys, tmp_path, date):
    """Bad-input audit: a base date after 2100 (the `holidays` package's last Swedish year) had no Midsummer and
    ended `run` and `validate` in a StopIteration traceback, and POST /runs in a 500."""
    code, errors = validate(monkeypatch, capsys, tmp_path, f"extends: base.yaml\nbase_date: {date}\n")
    assert code == 2 and len(errors) == 1, errors
    assert f"s.yaml, line 4, at 'base_date': base date {date} is outside 1953–2100" in errors[0]
    assert errors[0].endswith("Fix: write a base date in 1953–2100")
