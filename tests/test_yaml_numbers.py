"""Numbers in the settings files as a budget office types them (robustness review): a YAML boolean where a number is
meant ('amount_per_user: yes' was 1 SEK a user, unsaid) is refused at its line, naming the word; an area's frame
typed in MSEK or tkr is refused at its line, and frame entries dated where the projection never reaches are warned at
their lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from resmodel.budget.frame import load_frame
from resmodel.errors import InputError
from resmodel.io.scenario import read_chain
from resmodel.io.yamlio import parse_yaml
from resmodel.projection_run import build_setup, check_projection, frame_area_scale_warnings
from resmodel.run import load, run
from resmodel.scenario.projection import resolve
from tests.clirun import run_main
from tests.conftest import ROOT, projection_scenario
from tests.scenario_files import demo_copy as _data
from tests.scenario_files import edit as _edit

DATA = ROOT / "data" / "demokommun"
BASE = ROOT / "scenarios" / "base.yaml"
AREAS = {"lss_boende": 1.0, "daglig_verksamhet": 1.0, "personlig_assistans": 1.0, "ovriga_lss": 0.0,
         "ovrig_vard_omsorg": 0.0, "forvaltningsovergripande": 0.0}

_run = run_main


def _scenario(tmp_path: Path, body: str) -> Path:
    """A scenario extending the shipped base with ``body``."""
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\npurpose: booleans\nextends: {BASE}\n{body}", encoding="utf-8")
    return path


def test_the_loader_keeps_the_word_of_each_boolean():
    doc = parse_yaml("a: yes\nb: [On, 2]\nc: 'yes'\nd: {e: FALSE}\n", "x.yaml")
    assert doc.words == {"a": "yes", "b[0]": "On", "d.e": "FALSE"}  # a quoted 'yes' is text, no boolean


def test_booleans_in_frame_yaml_are_refused_at_their_lines_by_validate_and_project(tmp_path, monkeypatch, capsys):
    """The review's four slips: each passed validate and project used 1 or 0 (frame 2026 362.8 → 339.9 MSEK)."""
    data = _data(tmp_path)
    frame = data / "frame.yaml"
    _edit(frame, "daglig_verksamhet: 320900000 ", "daglig_verksamhet: on ")
    _edit(frame, "wage_weight: 0.77, price_weight: 0.23", "wage_weight: yes, price_weight: no")
    _edit(frame, "amount_per_user: 311594", "amount_per_user: yes")
    _edit(frame, "reference_volume: 452", "reference_volume: true")
    scenario = projection_scenario(tmp_path, data, 2)
    code, _, err = _run(monkeypatch, capsys, "validate", scenario)
    assert code == 2, err
    lines = frame.read_text(encoding="utf-8").splitlines()
    expected = [("base.daglig_verksamhet", "'on' is read by YAML as true"),
                ("indexation.wage_weight", "'yes' is read by YAML as true"),
                ("indexation.price_weight", "'no' is read by YAML as false"),
                ("volume_compensation[0].amount_per_user", "'yes' is read by YAML as true"),
                ("volume_compensation[1].reference_volume", "'true' is read by YAML as true")]
    for key, said in expected:
        word = said.split("'")[1]
        line = next(i for i, text in enumerate(lines, 1) if key.rsplit(".", 1)[-1] + f": {word}" in text)
        assert f"frame.yaml, line {line}, at 'frame.{key}': {said}, not a number" in err, err
    assert "Fix: write the number meant (1, or the amount)" in err
    out = tmp_path / "out"
    code, _, err = _run(monkeypatch, capsys, "project", scenario, "--out", out)
    assert code == 2 and "'yes' is read by YAML as true, not a number" in err and not out.exists()


def test_a_boolean_in_an_inline_frame_is_named_at_the_scenario_line(tmp_path, monkeypatch, capsys):
    scenario = _scenario(tmp_path, "projection:\n  frame:\n    supplements:\n"
                                   "      - {area: lss_boende, year: 2026, amount: yes}\n")
    code, _, err = _run(monkeypatch, capsys, "validate", scenario)
    assert code == 2 and ("s.yaml, line 7, at 'projection.frame.supplements[0].amount': 'yes' is read by YAML as "
                          "true, not a number") in err, err


def test_a_boolean_sent_as_json_is_refused_without_a_word():
    """The API sends JSON, whose true has no other spelling: the message still says it is no number."""
    with pytest.raises(InputError) as err:
        load_frame({"base_year": 2024, "base": {**AREAS, "daglig_verksamhet": True}}, "frame.json")
    (problem,) = err.value.problems
    assert problem.location.path == "frame.base.daglig_verksamhet"
    assert problem.problem == "true is a boolean (a YAML boolean: yes/no/on/off/true/false), not a number"


@pytest.mark.parametrize(("body", "line", "where", "word"), [
    ("parameters:\n  daglig_verksamhet.fixed_hours_per_unit:\n    - {value: yes, from: 2025-01-01}\n", 6,
     "parameters.daglig_verksamhet.fixed_hours_per_unit[0].value", "yes"),
    ("parameters:\n  daglig_verksamhet.fixed_hours_per_unit: on\n", 5,
     "parameters.daglig_verksamhet.fixed_hours_per_unit", "on"),
    ("projection:\n  horizon_years: yes\n", 5, "projection.horizon_years", "yes"),
    ("projection:\n  adjustments:\n    - {service: bostad_vuxna, year: 2026, amount: Yes}\n", 6,
     "projection.adjustments[0].amount", "Yes"),
    ("projection:\n  level_mix_drift: {2025: off}\n", 5, "projection.level_mix_drift.2025", "off"),
])
def test_a_boolean_in_a_scenario_is_refused_naming_the_word(tmp_path, monkeypatch, capsys, body, line, where, word):
    """'value: yes' on fixed_hours_per_unit gave only 'implausible_change: 1 is 1/830 of the parameter's 830'."""
    code, _, err = _run(monkeypatch, capsys, "validate", _scenario(tmp_path, body))
    truth = "false" if word == "off" else "true"
    assert code == 2, err
    assert f"s.yaml, line {line}, at '{where}': '{word}' is read by YAML as {truth}, not a number" in err, err
    assert "implausible_change" not in err


def test_a_boolean_in_a_parameter_file_names_the_word(tmp_path, monkeypatch, capsys):
    data = _data(tmp_path)
    _edit(data / "parameters" / "daglig_verksamhet" / "fixed_hours_per_unit.yaml", "2023-01-01: 830",
          "2023-01-01: yes")
    code, _, err = _run(monkeypatch, capsys, "validate", projection_scenario(tmp_path, data, 2))
    assert code == 2, err
    assert ("fixed_hours_per_unit.yaml, line 5, at 'values.2023-01-01': 'yes' is read by YAML as true, not a "
            "number") in err, err


def test_genuine_booleans_stay_booleans(tmp_path, monkeypatch, capsys):
    """strict, indexed and recurring are yes/no settings: YAML's words for them are still read."""
    body = ("strict: no\nparameters:\n  daglig_verksamhet.fixed_hours_per_unit:\n"
            "    - {value: 900, from: 2024-01-01, indexed: no}\nprojection:\n  frame:\n    expansion:\n"
            "      - {area: lss_boende, year: 2026, amount: 1000000, recurring: no}\n")
    code, out, err = _run(monkeypatch, capsys, "validate", _scenario(tmp_path, body))
    assert code == 0 and out.startswith("ok:"), err


def _line(path: Path, text: str) -> int:
    """The line of ``path`` that holds ``text`` (1-based)."""
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_an_area_frame_in_msek_is_refused_at_its_line(tmp_path):
    """'daglig_verksamhet: 320.9' gave the area 320.9 SEK against 320.9 MSEK of cost, with project exiting 0 and only
    a note: an area's frame about 1/10^6 of its cost is refused at its line, with the amount to write."""
    data = _data(tmp_path)
    frame = data / "frame.yaml"
    _edit(frame, "daglig_verksamhet: 320900000 ", "daglig_verksamhet: 320.9 ")
    loaded = load(projection_scenario(tmp_path, data, 2))
    with pytest.raises(InputError) as error:
        build_setup(loaded, run(loaded))
    (problem,) = error.value.problems
    assert (problem.location.file, problem.location.line) == (str(frame), _line(frame, "daglig_verksamhet: 320.9"))
    assert problem.problem == ("the base frame of daglig_verksamhet, 320.9, is 1e-06 times its base-year net cost of "
                               "320,942,823 SEK: written in MSEK? 320.9 MSEK is 320,900,000 SEK"), problem.problem
    assert problem.fix.startswith("write daglig_verksamhet: 320900000; if the frame is right, the cost is off")


def test_an_area_frame_off_by_another_factor_and_a_supplement_beyond_the_horizon_are_warned(tmp_path):
    """An area's frame below 1 % of its cost but no tkr or MSEK amount (3 MSEK against 320.9) is warned at its line,
    as is a supplement for 2099, money that never appears."""
    data = _data(tmp_path)
    frame = data / "frame.yaml"
    _edit(frame, "daglig_verksamhet: 320900000 ", "daglig_verksamhet: 3000000 ")
    _edit(frame, "  reference: \"demo frame", "  supplements: [{area: lss_boende, year: 2099, amount: 5000000}]\n"
                                            "  reference: \"demo frame")
    loaded = load(projection_scenario(tmp_path, data, 2))
    setup = build_setup(loaded, run(loaded))
    (scale,) = [w for w in setup.warnings if w.check == "frame_scale"]
    assert (scale.location.file, scale.location.line) == (str(frame), _line(frame, "daglig_verksamhet: 3000000"))
    assert scale.message.startswith("the base frame of daglig_verksamhet, 3,000,000, is 0.0093 times its base-year "
                                    "net cost of 320,942,823 SEK: an amount missing zeros, or another area's?"), scale.message
    assert "written in MSEK" not in scale.message and "written in tkr" not in scale.message  # 3 MSEK is neither 3 000 000 tkr nor MSEK of a 320.9 MSEK cost
    (beyond,) = [w for w in setup.warnings if w.check == "beyond_horizon"]
    assert beyond.location.line == _line(frame, "year: 2099") and beyond.location.path == "frame.supplements[0].year"
    assert "is 2099, after the horizon's last year 2026: its 5,000,000 SEK appear in no projected year" in \
        beyond.message
    assert any(note.startswith("[frame_scale]") for note in setup.notes)  # in project's notes (sheet Noter)


def test_an_area_frame_in_tkr_is_refused_by_validate(tmp_path, monkeypatch, capsys):
    data = _data(tmp_path)
    _edit(data / "frame.yaml", "lss_boende: 1067700000 ", "lss_boende: 1067700 ")
    code, _, err = _run(monkeypatch, capsys, "validate", projection_scenario(tmp_path, data, 2))
    assert code == 2, err
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert "frame.yaml, line 8, at 'frame.base.lss_boende'" in line and "written in tkr?" in line
    assert "1,067,700 tkr is 1,067,700,000 SEK" in line and "Fix: write lss_boende: 1067700000" in line
    assert "MSEK" not in line


def test_an_area_frame_far_above_its_cost_is_warned_and_zero_is_not_compared(tmp_path):
    """The board's total within its 20-times band, one small area 1 000 times its cost: an amount with too many
    zeros. An area the council funds nothing in (0) or that costs nothing is not compared."""
    from resmodel.budget.frame import FrameConfig

    resolved = resolve(read_chain(projection_scenario(tmp_path, DATA, 2)))
    costs = pd.DataFrame({"service": ["daglig_verksamhet", "boendestod", "bostad_vuxna"],
                          "staff_cost": [1e6, 50e6, 900e6], "premises_cost": 0.0, "other_cost": 0.0,
                          "revenue": 0.0})
    frame = FrameConfig(base_year=2024, base={**AREAS, "daglig_verksamhet": 1e9, "ovrig_vard_omsorg": 0.0,
                                              "lss_boende": 900e6, "personlig_assistans": 5.0})
    (warning,) = frame_area_scale_warnings(frame, costs, {}, resolved)
    assert warning.location.path == "frame.base.daglig_verksamhet"
    assert "is 1e+03 times its base-year net cost of 1,000,000 SEK: an amount with too many zeros" in warning.message
    # the cost may be what is off: a new board's other_services.csv line in tkr was blamed on the frame alone
    assert "the cost is off: an other_services.csv line of the area written in another unit" in warning.message
    assert "--year 2024 --area daglig_verksamhet" in warning.message


def test_the_shipped_frame_is_in_scale_and_in_the_horizon(demo_loaded, demo_result):
    warnings = build_setup(demo_loaded, demo_result).warnings
    assert not [w for w in warnings if w.check in ("frame_scale", "beyond_horizon", "before_base_date")]


SUPPLEMENT, END = "  supplements: [{area: lss_boende, year: 2024, amount: 4100000}]\n", "  reference: \"demo frame"


@pytest.mark.parametrize(("old", "new", "check", "key", "said"), [
    ("reference_volume: 452, from_year: 2025", "reference_volume: 452, from_year: 2040", "beyond_horizon",
     "volume_compensation[1].from_year", "is 2040, after the horizon's last year 2026: the rule applies in no "
                                         "projected year"),
    ("reference_volume: 15, from_year: 2025,", "reference_volume: 15, from_year: 2020, to_year: 2024,",
     "before_base_date", "volume_compensation[2].to_year", "is 2024, before the first projected year 2025: the "
                                                           "rule applies in no projected year"),
    (END, SUPPLEMENT + END, "before_base_date", "supplements[0].year",
     "is the base year 2024, which is not projected (its frame is the base frame): its 4,100,000 SEK"),
    (END, SUPPLEMENT.replace("supplements", "expansion").replace("2024", "2027") + END, "beyond_horizon",
     "expansion[0].year", "is 2027, after the horizon's last year 2026: its 4,100,000 SEK appear in no projected "
                          "year"),
])
def test_frame_years_the_projection_never_reaches_are_warned_by_validate(tmp_path, old, new, check, key, said):
    """The review's supplement for 2099 and volume rule from 2020 passed validate silently; so did their kin."""
    data = _data(tmp_path)
    frame = data / "frame.yaml"
    _edit(frame, old, new)
    (warning,) = [w for w in check_projection(load(projection_scenario(tmp_path, data, 2)))[1]
                  if w.location.path and w.location.path.startswith("frame.")]
    assert (warning.check, warning.location.path) == (check, f"frame.{key}")
    assert warning.location.line == _line(frame, new.split("\n")[0])
    assert said in warning.message, warning.message


def test_a_volume_rule_in_force_since_an_earlier_year_is_not_warned(tmp_path):
    """from_year 2020 (a rule in force since then) is normal input, and a rule without from_year takes F0042's 2025,
    which lies before a board's later base year: neither is a slip (second diff review)."""
    data = _data(tmp_path)
    _edit(data / "frame.yaml", "from_year: 2025", "from_year: 2020")
    assert not [w for w in check_projection(load(projection_scenario(tmp_path, data, 2)))[1]
                if w.location.path and w.location.path.startswith("frame.")]


def test_frame_years_in_the_horizon_are_not_warned(tmp_path):
    """A recurring expansion from the base year counts in every projected year, a rule from the base year from the
    first: neither is a slip."""
    data = _data(tmp_path)
    _edit(data / "frame.yaml", END, SUPPLEMENT.replace("supplements", "expansion") + END)
    _edit(data / "frame.yaml", "reference_volume: 1030, from_year: 2025", "reference_volume: 1030, from_year: 2024")
    assert not [w for w in check_projection(load(projection_scenario(tmp_path, data, 2)))[1]
                if w.location.path and w.location.path.startswith("frame.")]


def test_a_boolean_in_the_monte_carlo_block_is_refused_at_its_key(tmp_path, monkeypatch, capsys):
    """'sd: yes' drew with a standard deviation of 1 (a hundred percentage points of wage growth) unsaid."""
    body = "projection:\n  uncertainty:\n    wage_growth: {dist: normal, mean: 0, sd: yes}\n"
    code, _, err = _run(monkeypatch, capsys, "validate", _scenario(tmp_path, body))
    assert code == 2, err
    assert "at 'projection.uncertainty.wage_growth.sd': true is a boolean (a YAML boolean" in err, err
    assert "Fix: write the number meant (1, or the amount)" in err


def test_a_boolean_in_a_top_down_frame_names_its_word(tmp_path, monkeypatch, capsys):
    """The top-down frame refused 'yes' without naming it (its loader passed no words)."""
    folder = tmp_path / "td"
    shutil.copytree(ROOT / "data" / "topdown_2024", folder)
    _edit(folder / "frame.yaml", "  daglig_verksamhet: 307449837.78 ", "  daglig_verksamhet: yes ")
    code, _, err = _run(monkeypatch, capsys, "topdown", folder, "--out", tmp_path / "out")
    assert code == 2 and "at 'frame.base.daglig_verksamhet': 'yes' is read by YAML as true, not a number" in err, err
    assert not (tmp_path / "out").exists()


def test_an_area_whose_base_year_cost_is_far_off_its_frame_is_warned(tmp_path):
    """staff_ratio's level 8 typed 13.9 for 1.39 in the board's own file kept the table rising and every range
    quiet, and daily activity's base year cost 648.8 MSEK against a frame of 320.9 (controller re-walk): an area more
    than 50 % off its frame is asked about at its frame line; a deficit of 27 %, as real areas run, is not."""
    data = _data(tmp_path)
    _edit(data / "parameters" / "daglig_verksamhet" / "staff_ratio.yaml", "7: 0.99, 8: 1.39}", "7: 0.99, 8: 13.9}")
    loaded = load(projection_scenario(tmp_path, data, 2))
    setup = build_setup(loaded, run(loaded))
    (gap,) = [w for w in setup.warnings if w.check == "base_year_gap"]
    assert gap.location.line == _line(data / "frame.yaml", "daglig_verksamhet: 320900000")
    assert gap.message.startswith("the base-year net cost of daglig_verksamhet, ") and " against its base frame of " \
        "320,900,000: if that is not the deficit or surplus you expect, check the area's parameters" in gap.message
    deficit = _data(tmp_path / "deficit")  # personal assistance's frame less the source board's 43.2 MSEK (F0118)
    _edit(deficit / "frame.yaml", "personlig_assistans: 205700000", "personlig_assistans: 162500000")
    plain = load(projection_scenario(tmp_path / "deficit", deficit, 2))
    assert not [w for w in build_setup(plain, run(plain)).warnings if w.check == "base_year_gap"]


def test_a_year_no_horizon_reaches_is_not_told_to_lengthen_the_horizon(tmp_path):
    """A supplement for 2099 was told 'or a longer horizon_years meant', though horizon_years reaches 30 years at
    most (code re-read); 2030 still is."""
    data = _data(tmp_path)
    frame = data / "frame.yaml"
    _edit(frame, "  reference: \"demo frame", "  supplements: [{area: lss_boende, year: 2099, amount: 5000000},\n"
                                             "                {area: lss_boende, year: 2030, amount: 5000000}]\n"
                                             "  reference: \"demo frame")
    said = {w.location.path: w.message for w in check_projection(load(projection_scenario(tmp_path, data, 2)))[1]
            if w.check == "beyond_horizon"}
    assert "horizon_years reaches 30 years at most" in said["frame.supplements[0].year"], said
    assert "or a longer horizon_years meant" in said["frame.supplements[1].year"], said
