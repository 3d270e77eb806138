"""Parameter values outside the range their unit allows, and role mixes that do not sum to 1, are
refused by `validate` and `run` alike, located at the parameter file's or the scenario's line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import sys
from pathlib import Path

import pytest

from resmodel.allocation.staff_cost import service_rates
from resmodel.cli import main
from resmodel.errors import InputError, Location
from resmodel.io.parameters import load_parameters
from resmodel.params.ranges import out_of_range, unit_range
from resmodel.params.tree import Override, ParameterTree
from tests.conftest import ROOT

VALID = ROOT / "tests" / "broken" / "_valid"
SHIPPED = {"demo": ROOT / "data" / "demokommun" / "parameters", "broken_valid": VALID / "data" / "parameters",
           "national_only": None}


@pytest.mark.parametrize("folder", SHIPPED.values(), ids=SHIPPED.keys())
def test_every_shipped_parameter_has_a_known_unit_and_is_in_range(folder):
    tree = load_parameters(folder, str(folder))  # raises on any value out of range or role mix ≠ 1
    numeric = [p for p in tree.parameters.values() if p.kind != "text"]
    assert numeric and all(unit_range(p.unit) is not None for p in numeric)
    assert tree.with_overrides([]).parameters == tree.parameters


@pytest.mark.parametrize(("unit", "inside", "outside"), [
    ("share", (0, 0.074, 1), (-0.01, 1.01, 7.4)),
    ("share of direct hours", (0, 1), (15, -1)),
    ("share per year", (-0.5, 0, 0.033, 0.5), (-0.51, 0.51, 3.3)),
    ("1 = yes, 0 = no", (0, 1), (0.5, 2, -1)),
    ("SEK/month", (0, 28500), (-1, float("inf"))),
    ("staff hours per user hour", (0, 1.4), (-0.1,)),
    ("days/year", (0, 25), (-10,)),
    ("months", (3,), (-3,)),
    ("share of salary", (0, 0.01, 0.12, 0.5), (0.51, 1, 12)),  # OB: 1 typed for 1 % doubled DV's staff cost
    ("share of monthly salary per leave day", (0, 0.00605, 0.008), (0.0126, 0.605)),
])
def test_unit_ranges(unit, inside, outside):
    allowed = unit_range(unit)
    assert allowed is not None
    assert all(out_of_range("value {v}", v, unit, allowed) is None for v in inside)
    assert all(out_of_range("value {v}", v, unit, allowed) is not None for v in outside)


def test_unknown_units_are_not_known():
    assert [u for u in ("percent", "%", "shares", "kr/month", "SEKmonth", "") if unit_range(u)] == []


def test_percentage_hint_only_when_the_hundredth_fits():
    share = unit_range("share")
    assert out_of_range("value {v}", 7.4, "share", share)[2] == "7.4 looks like a percentage: write 0.074"
    assert out_of_range("value {v}", 150, "share", share)[2] == "correct the value"
    assert out_of_range("value {v}", -0.1, "share", share)[2] == "correct the sign"
    # a narrow range: 1 typed for 1 % of salary, AB's 0.605 % typed as written (controller re-walk)
    ob = unit_range("share of salary")
    assert out_of_range("value {v}", 1, "share of salary", ob)[2] == "1 looks like a percentage: write 0.01"
    per_day = unit_range("share of monthly salary per leave day")
    assert out_of_range("value {v}", 0.605, "", per_day)[2] == "0.605 looks like a percentage: write 0.00605"
    annual = out_of_range("value {v}", 0.0126, "", per_day)
    assert "an annual share such as 0.0126 is this × leave days / 12" in annual[1]
    assert annual[2] == ("the annual share of the retired holiday_pay_supplement? The per-day rate is it × 12 / the "
                         "annual leave days: 0.0126 × 12 / 25 = 0.00605")  # not 'write 0.000126', a 48th (review)
    assert out_of_range("value {v}", 0.0155, "", per_day)[2].startswith("the annual share")


def _municipality(tmp_path: Path, edits: dict[str, tuple[str, str]] | None = None, scenario: str = "") -> Path:
    """A copy of the tiny valid municipality with text replaced in its parameter files, and a scenario."""
    work = tmp_path / "m"
    shutil.copytree(VALID, work)
    for rel, (old, new) in (edits or {}).items():
        file = work / "data" / "parameters" / rel
        assert old in file.read_text(encoding="utf-8")
        file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    (work / "scenario.yaml").write_text("name: s\npurpose: range test\nextends: base.yaml\n" + scenario,
                                        encoding="utf-8")
    return work


def _cli(work: Path, command: str, monkeypatch, capsys) -> list[str]:
    """Run a CLI command on the copy; it must exit 2 and write nothing. Returns the error lines."""
    monkeypatch.chdir(work)
    argv = ["resmodel", command, "scenario.yaml"] + (["--out", "out"] if command == "run" else [])
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        main()
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "Traceback" not in err
    assert not (work / "out").exists() and not (work / "results").exists()
    return [line for line in err.splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize(("file", "old", "new", "where", "message"), [
    ("working_time.yaml", "2024-01-01: 0.074", "2024-01-01: 7.4", "working_time.yaml, line 7",
     "value 7.4 of 'working_time.sick_leave_rate' is above 1 (unit 'share'). Expected a share from 0 to 1. "
     "Fix: 7.4 looks like a percentage: write 0.074"),
    ("daglig_verksamhet/indirect_share.yaml", "0.15", "15", "indirect_share.yaml, line 5",
     "value 15 of 'daglig_verksamhet.indirect_share' is above 1 (unit 'share of direct hours')"),
    ("daglig_verksamhet/indirect_share.yaml", "unit: share of direct hours", "unit: percent",
     "indirect_share.yaml, line 2", "unknown unit 'percent' of 'daglig_verksamhet.indirect_share'"),
    ("daglig_verksamhet/role_mix.yaml", "2023-01-01: 0.70", "2023-01-01: 0.60", "role_mix.yaml, line 12",
     "the shares of 'daglig_verksamhet.role_mix' sum to 0.9 on 2023-01-01 (omsorgspedagog 0.3 + "
     "aktivitetsledare 0.6). Expected shares that sum to 1 (omsorgspedagog + aktivitetsledare). "
     "Fix: adjust the values so they add up to 1, e.g. aktivitetsledare 0.7"),
], ids=["percentage", "indirect_share", "unknown_unit", "role_mix"])
def test_parameter_file_out_of_range_is_refused_at_its_line(tmp_path, monkeypatch, capsys, command, file, old, new,
                                                            where, message):
    errors = _cli(_municipality(tmp_path, {file: (old, new)}), command, monkeypatch, capsys)
    assert len(errors) == 1 and f"data/parameters/{file.split('/')[0]}" in errors[0]
    assert where in errors[0] and message in errors[0], errors


@pytest.mark.parametrize("command", ["validate", "run"])
def test_scenario_overrides_out_of_range_are_refused_at_their_line(tmp_path, monkeypatch, capsys, command):
    scenario = ("parameters:\n"
                "  working_time.sick_leave_rate: 7.4\n"                                       # line 5
                "  daglig_verksamhet.indirect_share: 0.2\n"                                    # fine
                "  daglig_verksamhet.role_mix.aktivitetsledare:\n"
                "    - {value: 0.6, from: 2024-01-01, until: 2024-12-31}\n")                   # line 8
    errors = _cli(_municipality(tmp_path, scenario=scenario), command, monkeypatch, capsys)
    assert len(errors) == 2, errors
    assert "scenario.yaml, line 5" in errors[0] and "write 0.074" in errors[0]
    assert "scenario.yaml, line 8" in errors[1] and "sum to 0.9 on 2024-01-01" in errors[1]


def test_growth_and_flag_overrides_are_checked(tmp_path, monkeypatch, capsys):
    scenario = ("parameters:\n  indices.wage_growth: [{value: 3.3, from: 2025-01-01}]\n"
                "  working_time.count_holiday_eves: 2\n  indices.price_growth: -0.02\n")
    errors = _cli(_municipality(tmp_path, scenario=scenario), "validate", monkeypatch, capsys)
    assert len(errors) == 2, errors
    assert "line 5" in errors[0] and "above 0.5 (unit 'share per year')" in errors[0] and "write 0.033" in errors[0]
    assert "line 6" in errors[1] and "is not 0 or 1" in errors[1]


def test_role_mix_restored_after_an_override_period_is_accepted(tmp_path):
    tree = load_parameters(VALID / "data" / "parameters", "p")
    both = [dataclasses.replace(o, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
            for o in _overrides({"daglig_verksamhet.role_mix.omsorgspedagog": 0.4,
                                 "daglig_verksamhet.role_mix.aktivitetsledare": 0.6})]
    assert tree.with_overrides(both).snapshot(dt.date(2025, 6, 1))["daglig_verksamhet.role_mix.omsorgspedagog"] == 0.4
    with pytest.raises(InputError, match="sum to 1.1 on 2025-01-01"):
        tree.with_overrides(both[:1])


def _overrides(values: dict[str, float]) -> list[Override]:
    """Open-ended overrides from a scenario file 's.yaml', one line each."""
    return [Override(p, v, dt.date(1970, 1, 1), None, True, Location(file="s.yaml", line=i + 5))
            for i, (p, v) in enumerate(values.items())]


def test_run_time_guard_names_the_file_and_line():
    tree = load_parameters(VALID / "data" / "parameters", "p")
    path = "daglig_verksamhet.role_mix.aktivitetsledare"
    leaf = tree.parameters[path]
    broken = ParameterTree({**tree.parameters, path: dataclasses.replace(leaf, values=((leaf.values[0][0], 0.6),))})
    with pytest.raises(InputError) as err:
        service_rates(broken.snapshot(dt.date(2024, 7, 1)), "daglig_verksamhet", 1600.0)
    assert "p/daglig_verksamhet/role_mix.yaml, line 12" in str(err.value)
    assert "sum to 0.9 (omsorgspedagog 0.3 + aktivitetsledare 0.6)" in str(err.value)


@pytest.mark.parametrize("override, text", [
    ("working_time.sick_leave_rate: 1", "a sick-leave rate of 1 leaves 0% of scheduled time"),
    ("working_time.contract_hours_per_week: 0", "a full-time contract of 0 hours a week"),
    ("working_time.annual_leave_days: 400", "take 413 of the 262 weekdays of 2024"),
    ("daglig_verksamhet.closure_days: 200", "leave daily activity open 10.2 weeks"),
])
def test_values_in_range_that_leave_no_working_time_are_refused_at_load(tmp_path, override, text):
    """Each value is within its unit's range, but together they leave no working time: a division by
    zero or negative FTE before; a located error (validate and run both load) now."""
    from resmodel.errors import InputError
    from resmodel.run import load

    base = Path(__file__).resolve().parents[1] / "scenarios" / "base.yaml"
    (tmp_path / "w.yaml").write_text(f"name: w\npurpose: t\nextends: {base}\nparameters:\n  {override}\n")
    with pytest.raises(InputError) as err:
        load(tmp_path / "w.yaml")
    assert "w.yaml, line 5" in str(err.value) and text in str(err.value)


def test_a_plain_override_of_an_indexed_parameter_is_in_base_date_prices(tmp_path):
    """'salaries.stodassistent: 30000' (the documented whole-horizon form) failed: it was indexed from
    1970, where the wage index has no data, and the error pointed at the index file."""
    from resmodel.run import load

    base = Path(__file__).resolve().parents[1] / "scenarios" / "base.yaml"
    (tmp_path / "s.yaml").write_text(f"name: s\npurpose: t\nextends: {base}\nparameters:\n"
                                     "  salaries.stodassistent: 30000\n")
    loaded = load(tmp_path / "s.yaml")
    assert loaded.snapshot["salaries.stodassistent"] == 30000
    later = loaded.tree.resolve("salaries.stodassistent", loaded.scenario.base_date.replace(year=2025))
    assert later.value > 30000 and later.index_path == "indices.wage_growth"


def test_the_percentage_hint_is_given_only_for_numbers_above_one():
    from resmodel.params.ranges import out_of_range, unit_range

    growth = unit_range("share per year")
    assert out_of_range("{v}", 3.3, "share per year", growth)[2] == "3.3 looks like a percentage: write 0.033"
    assert out_of_range("{v}", -0.6, "share per year", growth)[2] == "correct the value"


def test_a_plain_override_of_an_index_rate_applies_to_the_base_year(tmp_path):
    """'indices.wage_growth: 0.0' without 'from' must also stop the base year's indexation (it started
    on the base date, 1 July, and the rate of its year was taken on 1 January)."""
    from resmodel.run import load

    base = Path(__file__).resolve().parents[1] / "scenarios" / "base.yaml"
    (tmp_path / "s.yaml").write_text(f"name: s\npurpose: t\nextends: {base}\nparameters:\n"
                                     "  indices.wage_growth: 0.0\n")
    loaded = load(tmp_path / "s.yaml")
    salary = loaded.snapshot.trace("salaries.aktivitetsledare")
    assert salary.index_factor == 1.0 and loaded.snapshot["salaries.aktivitetsledare"] == salary.base_value


def test_a_negative_and_an_out_of_range_override_are_reported_together(tmp_path, monkeypatch, capsys):
    scenario = "parameters:\n  daglig_verksamhet.closure_days: -5\n  working_time.sick_leave_rate: 7.4\n"
    errors = _cli(_municipality(tmp_path, scenario=scenario), "validate", monkeypatch, capsys)
    assert len(errors) == 2, errors
    assert "line 5" in errors[0] and "is negative" in errors[0] and "line 6" in errors[1] and "write 0.074" in errors[1]


def test_an_amount_beyond_the_bound_gets_no_percentage_advice():
    """A docs check: 1.1e12 SEK was told 'looks like a percentage: write 1.1e+10'."""
    from resmodel.params.ranges import out_of_range, unit_range

    problem, expected, fix = out_of_range("value {v}", 1.1e12, "SEK/month", unit_range("SEK/month"))
    assert "above 1e+12" in problem and "percentage" not in fix
    assert "percentage" in out_of_range("value {v}", 7.4, "share", unit_range("share"))[2]
