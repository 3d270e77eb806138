"""The shift plan's core: need per slot, the least-hours shifts (against an exhaustive reference and
hand cases), coverage of a roster, the weekly summaries, and the join of attendance to the users."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resmodel.errors import InputError
from resmodel.planning.reference import brute_force_shifts
from resmodel.planning.shifts import (
    ShiftRules,
    cover_matrix,
    coverage,
    day_summary,
    plan_day,
    plan_shifts,
    short_periods,
    slot_need,
)
from resmodel.shift_run import shift_plan, shift_rules, unit_attendance

DEMO = Path(__file__).resolve().parents[1] / "data" / "demokommun"
RATIO = np.array([0.14, 0.20, 0.29, 0.38, 0.49, 0.64, 0.99, 1.39])
RULES = ShiftRules()  # 30-min slots, shifts 3–10 h, a 30-min break after at most 5 h, 1.5 h of work each side
H = 60


def attend(*rows) -> pd.DataFrame:
    """(weekday, start h, end h, level) → an attendance table in minutes."""
    return pd.DataFrame([{"user_id": f"U{i}", "weekday": d, "start": int(s * H), "end": int(e * H), "level": lv}
                         for i, (d, s, e, lv) in enumerate(rows)])


def day_need(hours: list[int], start: float = 8, slot: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """A need per slot from a list, starting at ``start`` o'clock."""
    return np.array(hours), np.arange(len(hours)) * slot + int(start * H)


def plan_totals(shifts: pd.DataFrame) -> tuple[int, int]:
    return int((shifts["work_minutes"] * shifts["staff"]).sum()), int(shifts["staff"].sum())


# --- need per slot ---------------------------------------------------------------------------------

def test_need_sums_ratios_of_users_present_and_rounds_up_to_whole_staff():
    need = slot_need(attend(("mon", 8, 10, 8), ("mon", 8, 10, 8), ("mon", 9, 10, 1)), RATIO, RULES)
    assert need["slot_start"].tolist() == [480, 510, 540, 570]
    assert need["users_present"].tolist() == [2, 2, 3, 3]
    assert need["staff_need_exact"].tolist() == pytest.approx([2.78, 2.78, 2.92, 2.92])
    assert need["staff_needed"].tolist() == [3, 3, 3, 3]


def test_a_user_counts_in_every_slot_their_attendance_touches():
    table = attend(("tue", 8.25, 9, 1))  # 08:15–09:00
    need = slot_need(table, RATIO, RULES)
    assert need[["slot_start", "users_present"]].values.tolist() == [[480, 1], [510, 1]]


def test_min_staff_applies_only_while_users_are_present():
    table = attend(("mon", 8, 9, 1), ("mon", 10, 11, 1))
    need = slot_need(table, RATIO, ShiftRules(min_staff=2))
    assert need["staff_needed"].tolist() == [2, 2, 0, 0, 2, 2]


def test_float_sums_that_are_whole_are_not_rounded_up_to_the_next_staff():
    ratio = RATIO.copy()
    ratio[:3] = [0.1, 0.2, 0.7]  # 0.1 + 0.2 + 0.7 is 1.0000000000000002 in floating point
    need = slot_need(attend(("mon", 8, 9, 1), ("mon", 8, 9, 2), ("mon", 8, 9, 3)), ratio, RULES)
    assert need["staff_needed"].tolist() == [1, 1]


def test_weekdays_are_planned_in_week_order_and_days_without_attendance_have_no_rows():
    need = slot_need(attend(("fri", 8, 9, 1), ("mon", 8, 9, 1)), RATIO, RULES)
    assert need["weekday"].unique().tolist() == ["mon", "fri"]


# --- the integer programme: hand cases ---------------------------------------------------------------

@pytest.mark.parametrize(("hours", "minutes", "shifts", "why"), [
    (6, 3 * H, 1, "one 3-hour shift"),
    (4, 3 * H, 1, "a 2-hour need still takes the shortest shift, 3 hours"),
    (10, 5 * H, 1, "5 hours of work need no break"),
    (12, 6 * H, 2, "6 hours need two people: one would need a break that leaves the slot empty"),
])
def test_hand_cases_for_one_person_on_duty(hours, minutes, shifts, why):
    need, starts = day_need([1] * hours)
    status, plan = plan_day(need, starts, RULES)
    assert status == "Optimal"
    assert plan_totals(plan) == (minutes, shifts), why


def test_a_long_shift_has_its_break_inside_the_allowed_window():
    need, starts = day_need([2] * 16)  # two staff 08:00–16:00
    _, plan = plan_day(need, starts, RULES)
    assert plan_totals(plan)[0] == 16 * H  # no hour wasted: the need itself
    with_break = plan[plan["break_start"].notna()]
    assert not with_break.empty  # 8 hours with two people take shifts over 5 hours
    for s in with_break.itertuples():
        before, after = s.break_start - s.start, s.end - s.break_start - RULES.break_minutes
        assert RULES.min_work_around_break_minutes <= before <= RULES.max_work_without_break_minutes
        assert RULES.min_work_around_break_minutes <= after <= RULES.max_work_without_break_minutes
    for s in plan[plan["break_start"].isna()].itertuples():
        assert s.end - s.start <= RULES.max_work_without_break_minutes


def test_the_plan_covers_the_need_in_every_slot():
    rng = np.random.default_rng(7)
    need, starts = day_need(list(rng.integers(0, 6, 18)))
    _, plan = plan_day(need, starts, RULES)
    table = pd.DataFrame({"weekday": "mon", "slot_start": starts})
    assert (coverage(plan.assign(weekday="mon"), table, RULES) >= need).all()


SMALL = ShiftRules(slot_minutes=60, min_shift_minutes=120, max_shift_minutes=300, max_work_without_break_minutes=180,
                   break_minutes=60, min_work_around_break_minutes=60)


@pytest.mark.parametrize("seed", range(16))
def test_plan_equals_exhaustive_search(seed):
    rng = np.random.default_rng(seed)
    need, starts = day_need(list(rng.integers(0, 4, int(rng.integers(3, 9)))), slot=60)
    status, plan = plan_day(need, starts, SMALL)
    least, fewest, _ = brute_force_shifts(need, starts, SMALL)
    assert status == "Optimal"
    assert plan_totals(plan) == (least, fewest)


def test_no_need_gives_no_shifts():
    status, plan = plan_day(*day_need([0, 0, 0]), RULES)
    assert status == "Optimal" and plan.empty


@pytest.mark.parametrize(("change", "field"), [
    ({"slot_minutes": 25}, "slot_minutes"),
    ({"break_minutes": 45}, "break_minutes"),
    ({"min_shift_minutes": 660}, "min_shift_minutes"),
    ({"max_shift_minutes": 720}, "max_shift_minutes"),
    ({"min_work_around_break_minutes": 330}, "min_work_around_break_minutes"),
])
def test_rules_that_cannot_be_planned_with_are_named(change, field):
    rules = ShiftRules(**{**RULES.__dict__, **change})
    assert [f for f, _ in rules.problems()][:1] == [field]


# --- roster coverage and summaries -----------------------------------------------------------------------

def roster(*rows, break_hours: float = 0.5) -> pd.DataFrame:
    """(weekday, start h, end h, break start h or None) → roster shifts, one staff each."""
    out = pd.DataFrame([{"weekday": d, "start": int(s * H), "end": int(e * H),
                         "break_start": np.nan if b is None else int(b * H),
                         "break_end": np.nan if b is None else int((b + break_hours) * H)} for d, s, e, b in rows])
    brk = (out["break_end"] - out["break_start"]).fillna(0).astype(int)
    return out.assign(work_minutes=out["end"] - out["start"] - brk, break_minutes=brk, staff=1)


def test_roster_counts_whole_slots_and_not_the_break():
    need = slot_need(attend(("mon", 8, 16, 8)), RATIO, RULES)  # 2 staff 08–16
    shifts = roster(("mon", 8, 16.5, 12), ("mon", 9, 14, None))
    actual = coverage(shifts, need, RULES)
    expected = [1, 1] + [2] * 6 + [1] + [2] * 3 + [1] * 4
    assert actual.tolist() == expected


def test_summary_and_short_periods_by_hand():
    need = slot_need(attend(("mon", 8, 16, 8)), RATIO, RULES)   # 2 staff for 8 h: 16 staff-hours
    shifts = roster(("mon", 8, 16.5, 12), ("mon", 9, 14, None))  # 8 h + 5 h = 13 h of work
    _, plan = plan_shifts(need, RULES)
    summary = day_summary(need, plan, shifts, RULES).set_index("weekday")
    mon = summary.loc["mon"]
    assert mon["need_hours"] == 16 and mon["plan_hours"] == 16
    assert mon["roster_hours"] == 13 and mon["roster_shifts"] == 2
    assert mon["understaffed_hours"] == 3.5  # 08–09 one short (1 h), 12:00–12:30 (0.5), 14–16 (2)
    assert mon["understaffed_slots"] == 7
    assert mon["overstaffed_hours"] == 0
    assert mon["roster_hours_without_users"] == 0.5  # 16:00–16:30
    assert summary.loc["week"].equals(mon.rename("week"))
    short = short_periods(need.assign(actual=coverage(shifts, need, RULES)))
    assert short[["start", "end", "short_by", "staff_hours"]].values.tolist() == [
        [480, 540, 1, 1.0], [720, 750, 1, 0.5], [840, 960, 1, 2.0]]


# --- attendance joined to the users -------------------------------------------------------------------

def demo_attendance(*units: str) -> pd.DataFrame:
    from resmodel.io.shifts import read_attendances

    return read_attendances([DEMO / f"attendance_{u}.csv" for u in units or ("DV001",)])


def join(demo_loaded, table: pd.DataFrame, units: tuple[str, ...] = ("DV001",)):
    return unit_attendance(demo_loaded.data.users, demo_loaded.data.units, list(units), table)


def test_levels_come_from_users_csv_unless_the_row_gives_one(demo_loaded):
    table = demo_attendance()
    users = demo_loaded.data.users.set_index("user_id")
    joined, warnings = join(demo_loaded, table)
    assert (joined["level"].to_numpy() == users.loc[joined["user_id"], "level"].to_numpy()).all()
    assert (joined["unit_id"] == "DV001").all()
    assert warnings == []
    table.loc[0, "level"] = 8.0 if users.at[table.at[0, "user_id"], "level"] != 8 else 1.0
    joined, warnings = join(demo_loaded, table)
    assert joined.at[0, "level"] == table.at[0, "level"]
    assert len(warnings) == 1 and "level other than in users.csv" in warnings[0]
    assert f"row {table.at[0, 'row']})" in warnings[0] and "attendance_DV001.csv" in warnings[0]


def test_attendance_warnings_name_the_users(demo_loaded):
    table = demo_attendance()
    dropped = table["user_id"].iloc[0]
    table = table[table["user_id"].ne(dropped)]
    short_user = table["user_id"].iloc[0]
    table = table.drop(index=table.index[table["user_id"].eq(short_user)][1:])  # one day left
    _, warnings = join(demo_loaded, table)
    text = "\n".join(warnings)
    assert f"without attendance ({dropped})" in text
    assert short_user in text and "far from the time extent" in text


@pytest.mark.parametrize(("units", "message"), [(("DV9999",), "unknown unit"), (("housing",), "not daily activity"),
                                                (("DV001", "DV001"), "named twice")])
def test_units_must_be_daily_activity_units_named_once(demo_loaded, units, message):
    if units == ("housing",):
        frame = demo_loaded.data.units
        units = (frame.loc[frame["service"].eq("bostad_vuxna"), "unit_id"].iloc[0],)
    with pytest.raises(InputError) as err:
        join(demo_loaded, demo_attendance(), units)
    assert message in str(err.value.problems[0]) and "--unit" in str(err.value.problems[0])


def test_a_user_without_a_level_anywhere_is_refused_at_the_row(demo_loaded):
    table = demo_attendance()
    table.loc[3, "user_id"] = "NEW1"
    with pytest.raises(InputError) as err:
        join(demo_loaded, table)
    problem = err.value.problems[0]
    assert problem.location.row == table.at[3, "row"] and "NEW1" in problem.problem


def test_with_several_units_a_user_of_none_of_them_must_say_its_unit(demo_loaded):
    table = demo_attendance("DV001", "DV002")
    table.loc[5, ["user_id", "level"]] = ["NEW1", 3.0]
    with pytest.raises(InputError) as err:
        join(demo_loaded, table, ("DV001", "DV002"))
    assert err.value.problems[0].location.column == "unit_id"
    table.loc[5, "unit_id"] = "DV002"
    joined, _ = join(demo_loaded, table, ("DV001", "DV002"))
    assert joined.at[5, "unit_id"] == "DV002"
    table.loc[5, "unit_id"] = "DV003"
    with pytest.raises(InputError) as err:
        join(demo_loaded, table, ("DV001", "DV002"))
    assert "not among the units planned" in err.value.problems[0].problem


def test_a_user_in_two_files_at_once_is_refused(demo_loaded):
    one = demo_attendance()
    twice = pd.concat([one, one.iloc[:1].assign(source="other.csv", row=2)], ignore_index=True)
    with pytest.raises(InputError) as err:
        join(demo_loaded, twice)
    assert "overlap" in err.value.problems[0].problem


# --- the whole unit on the demo ---------------------------------------------------------------------

def plan_demo(demo_loaded, demo_result, units: tuple[str, ...], roster: bool):
    from resmodel.allocation.engine import constants
    from resmodel.io.shifts import read_roster

    table, _ = join(demo_loaded, demo_attendance(*units), units)
    rows = demo_result.allocation.units.set_index("unit_id").loc[list(units)].reset_index()
    return shift_plan(table, read_roster(DEMO / "roster_DV001.csv") if roster else None, rows,
                      demo_loaded.snapshot.levels("daglig_verksamhet.staff_ratio"), shift_rules(demo_loaded.snapshot),
                      constants(demo_loaded.snapshot)), rows


@pytest.fixture(scope="module")
def demo_run(demo_loaded, demo_result):
    run, rows = plan_demo(demo_loaded, demo_result, ("DV001",), roster=True)
    return run, rows.iloc[0]


def test_demo_need_agrees_with_the_allocation_and_the_plan_with_the_need(demo_run):
    run, unit = demo_run
    figures = run.comparison.set_index("measure")
    # the demo's attendance is each user's weekly_hours: Σ ratio × attended hours is the allocation's direct time
    assert figures.at["need_exact", "hours_per_year"] == pytest.approx(unit["direct_hours"])
    assert figures.at["allocation_total", "fte"] == pytest.approx(unit["fte_required"])
    assert figures.at["allocation_total", "cost_sek"] == pytest.approx(unit["staff_cost"])
    assert figures.at["staff_csv", "fte"] == unit["fte_roster"]
    assert figures.at["need_exact", "hours_per_week"] <= figures.at["need_whole_staff", "hours_per_week"]
    assert figures.at["need_whole_staff", "hours_per_week"] <= figures.at["plan", "hours_per_week"]
    assert (run.need["planned"] >= run.need["staff_needed"]).all()
    assert set(run.statuses.values()) == {"Optimal"} and run.pooling is None


def test_units_staffed_together_never_need_more_than_apart(demo_loaded, demo_result):
    together, rows = plan_demo(demo_loaded, demo_result, ("DV001", "DV002"), roster=False)
    pooled = together.pooling.set_index("units")
    for unit_id in ("DV001", "DV002"):  # each unit's own row is its plan alone
        alone, _ = plan_demo(demo_loaded, demo_result, (unit_id,), roster=False)
        week = alone.summary.set_index("weekday").loc["week"]
        assert pooled.at[unit_id, "plan_hours"] == week["plan_hours"]
        assert pooled.at[unit_id, "need_hours"] == week["need_hours"]
    assert (together.need["staff_needed"] <= together.need["staff_needed_apart"]).all()
    assert pooled.at["apart", "plan_hours"] == pooled.loc[["DV001", "DV002"], "plan_hours"].sum()
    assert pooled.at["saving", "plan_hours"] == pooled.at["apart", "plan_hours"] - pooled.at["together", "plan_hours"]
    assert pooled.at["saving", "plan_hours"] >= 0
    figures = together.comparison.set_index("measure")
    assert figures.at["allocation_direct", "hours_per_year"] == pytest.approx(rows["direct_hours"].sum())
    assert figures.at["staff_csv", "fte"] == pytest.approx(rows["fte_roster"].sum())


def test_pooling_by_hand_two_small_units_share_one_person():
    table = attend(("mon", 8, 11, 1), ("mon", 8, 11, 1)).assign(unit_id=["A", "B"], source="a.csv", row=[2, 3])
    rows = pd.DataFrame({"unit_id": ["A", "B"], "direct_hours": 0.0, "total_hours": 0.0, "fte_roster": 0.0,
                         "roster_cost": 0.0})
    run = shift_plan(table, None, rows, RATIO, RULES, _FakeConstants())
    pooled = run.pooling.set_index("units")
    # apart each unit needs a whole person for 0.14 of one; together 0.28 still rounds to one
    assert pooled["plan_hours"].to_dict() == {"A": 3.0, "B": 3.0, "apart": 6.0, "together": 3.0, "saving": 3.0}
    assert pooled.at["saving", "plan_fte"] == pytest.approx(3.0 * 40 / 1600)
    assert pooled.at["saving", "plan_cost_sek"] == pytest.approx(3.0 * 40 / 1600 * 500_000)


class _FakeConstants:
    """The allocation constants the comparison reads, with round numbers."""

    open_weeks = 40.0

    class working_time:  # noqa: N801 — mirrors the attribute name of EngineConstants
        available_hours = 1600.0
        hours_per_day = 8.0

    rates = {"daglig_verksamhet": type("Rates", (), {"cost_per_fte": 500_000.0})()}


def test_shift_rules_come_from_the_parameters(demo_loaded):
    rules = shift_rules(demo_loaded.snapshot, 15, 2)
    assert (rules.slot_minutes, rules.max_work_without_break_minutes, rules.break_minutes, rules.min_staff) == (15, 300, 30, 2)
    for path, value in (("shift_rules.break_hours", 0.75), ("shift_rules.min_work_around_break", 6)):
        with pytest.raises(InputError) as err:
            shift_rules(demo_loaded.snapshot.with_values({path: value}), 30)
        assert path in str(err.value.problems[0])


def test_roster_on_a_day_without_users_counts_entirely_as_hours_without_users():
    need = slot_need(attend(("mon", 8, 12, 1)), RATIO, RULES)
    shifts = roster(("mon", 8, 12, None), ("tue", 8, 16.5, 12))
    _, plan = plan_shifts(need, RULES)
    summary = day_summary(need, plan, shifts, RULES).set_index("weekday")
    assert summary.loc["tue"].to_dict() == {
        "need_hours": 0, "plan_hours": 0, "plan_shifts": 0, "roster_hours": 8, "roster_shifts": 1,
        "understaffed_hours": 0, "understaffed_slots": 0, "overstaffed_hours": 0, "roster_hours_without_users": 8}
    assert summary["plan_shifts"].dtype == int and summary.at["week", "roster_shifts"] == 2


def test_a_roster_break_counts_for_its_own_length_not_the_rules():
    need = slot_need(attend(("mon", 8, 16, 1)), RATIO, RULES)
    hour_break = roster(("mon", 8, 16.5, 11.5), break_hours=1.0)
    actual = coverage(hour_break, need, RULES)
    assert actual.tolist() == [1] * 7 + [0, 0] + [1] * 7  # away 11:30–12:30
    assert hour_break["work_minutes"].tolist() == [450]


def test_the_same_rows_twice_are_refused_even_from_one_file(demo_loaded):
    one = demo_attendance()
    twice = pd.concat([one, one], ignore_index=True)  # the same file given twice
    with pytest.raises(InputError) as err:
        join(demo_loaded, twice)
    problem = err.value.problems[0]
    assert "overlap" in problem.problem and f"row {one.at[0, 'row']} of {one.at[0, 'source']}" in problem.problem


def test_attendance_of_another_unit_is_refused_with_the_unit_it_belongs_to(demo_loaded):
    with pytest.raises(InputError) as err:
        join(demo_loaded, demo_attendance("DV002"), ("DV001",))
    problem = err.value.problems[0]
    assert "none of the attendance's users are in DV001" in problem.problem and "--unit DV002" in problem.fix


def test_two_levels_for_one_user_are_refused(demo_loaded):
    table = demo_attendance()
    user = table.at[0, "user_id"]
    rows = table.index[table["user_id"].eq(user)]
    table.loc[rows[0], "level"], table.loc[rows[1], "level"] = 5.0, 6.0
    with pytest.raises(InputError) as err:
        join(demo_loaded, table)
    assert "two different levels in the attendance (5 and 6)" in err.value.problems[0].problem


def test_a_level_on_one_row_of_a_user_is_the_users_level_on_every_row(demo_loaded):
    """Section-manager walkthrough: a changed assessment typed on Monday's row left Tuesday at users.csv's level,
    one user planned at two levels."""
    table = demo_attendance()
    user = table.at[0, "user_id"]
    rows = table.index[table["user_id"].eq(user)]
    table["level"] = np.nan
    table.loc[rows[0], "level"] = 4.0
    table.loc[rows[0], "level"], table.loc[rows[-1], "level"] = np.nan, 4.0  # written on the user's last row only
    joined, warnings = join(demo_loaded, table)
    assert set(joined.loc[joined["user_id"].eq(user), "level"]) == {4} and len(rows) > 1
    warning = next(w for w in warnings if "the plan uses the attendance's on all of the user's rows" in w)
    assert f"row {table.at[rows[-1], 'row']})" in warning  # review: it named a row with no level written


def test_a_user_on_two_rows_within_one_slot_counts_once():
    """Section-manager walkthrough: a day written as 08:30–10:15 and 10:15–14:30 counted the user twice in the
    10:00 slot (17 of 16 users present); so did a user who steps out 10:05–10:20."""
    split = pd.DataFrame([{"user_id": "A", "weekday": "mon", "start": 510, "end": 615, "level": 8},
                          {"user_id": "A", "weekday": "mon", "start": 615, "end": 870, "level": 8},
                          {"user_id": "B", "weekday": "mon", "start": 600, "end": 605, "level": 1},
                          {"user_id": "B", "weekday": "mon", "start": 620, "end": 630, "level": 1}])
    need = slot_need(split, RATIO, RULES).set_index("slot_start")
    assert need.at[600, "users_present"] == 2 and need.at[600, "staff_need_exact"] == pytest.approx(RATIO[7] + RATIO[0])
    whole = slot_need(pd.DataFrame([{"user_id": "A", "weekday": "mon", "start": 510, "end": 870, "level": 8},
                                    {"user_id": "B", "weekday": "mon", "start": 600, "end": 630, "level": 1}]),
                      RATIO, RULES).set_index("slot_start")
    pd.testing.assert_frame_equal(need, whole)


def test_units_in_different_premises_are_planned_together_with_a_warning(demo_loaded):
    units = demo_loaded.data.units.set_index("unit_id")
    other = next(u for u in units.index if units.at[u, "service"] == "daglig_verksamhet"
                 and units.at[u, "premises_id"] != units.at["DV001", "premises_id"])
    table = demo_attendance().assign(unit_id=None)
    _, warnings = join(demo_loaded, table, ("DV001", other))
    assert any("different premises" in w and other in w for w in warnings)
    _, same = join(demo_loaded, demo_attendance("DV001", "DV002"), ("DV001", "DV002"))
    assert not any("different premises" in w for w in same)


@pytest.mark.parametrize(("change", "field"), [
    ({"break_minutes": 45 * 60}, "break_minutes"),            # '45' typed as hours for minutes
    ({"max_work_without_break_minutes": 300 * 60}, "max_work_without_break_minutes"),
    ({"break_minutes": 480}, "break_minutes"),                # an 8-hour break fits no 10-hour shift
])
def test_rules_typed_in_minutes_or_that_leave_no_room_for_a_break_are_refused(change, field):
    rules = ShiftRules(**{**RULES.__dict__, **change})
    assert [f for f, _ in rules.problems()][:1] == [field]


@pytest.mark.parametrize(("rules", "need", "starts", "minutes"), [
    # every shift needs a break with 5 h of work on each side: the shortest possible shift is 10.5 h
    (ShiftRules(30, 330, 630, 300, 30, 300, 1), [1, 1], [600, 630], 600),
    (ShiftRules(30, 330, 630, 300, 30, 300, 1), [1], [600], 600),
    (ShiftRules(30, 360, 540, 300, 60, 180, 1), [1], [0], 360),  # at midnight: the shift runs 00:00–07:00
])
def test_rules_that_make_every_shift_long_still_give_the_least_hours(rules, need, starts, minutes):
    status, plan = plan_day(np.array(need), np.array(starts), rules)
    assert status == "Optimal" and plan_totals(plan) == (minutes, 1)
    assert brute_force_shifts(np.array(need), np.array(starts), rules)[:2] == (minutes, 1)


def test_useful_types_keep_one_least_work_type_per_covered_pattern():
    from resmodel.planning.shifts import shift_span, shift_types, useful_types

    need, starts = day_need([1, 2, 2, 1, 0, 1])
    types, covers = useful_types(need, starts, RULES)
    everything = shift_types(*shift_span(starts, RULES), RULES)
    patterns = [tuple(row) for row in covers[:, need > 0]]
    assert len(set(patterns)) == len(patterns) and all(any(p) for p in patterns)
    assert len(types) < len(everything)
    full = cover_matrix(everything, starts, RULES)[:, need > 0]
    least = {}
    for row, work in zip(map(tuple, full), everything["work_minutes"], strict=True):
        if any(row):
            least[row] = min(work, least.get(row, work))
    assert dict(zip(patterns, types["work_minutes"], strict=True)) == least


def test_the_slot_table_shows_plan_hours_outside_the_users_hours():
    from resmodel.planning.shifts import widen_to

    need = slot_need(attend(("mon", 9, 10, 1)), RATIO, RULES)  # one hour of need; the shortest shift is 3 hours
    _, plan = plan_shifts(need, RULES)
    assert plan_totals(plan) == (180, 1)
    wide = widen_to(need, plan, RULES)
    assert coverage(plan, wide, RULES).sum() * RULES.slot_minutes == 180  # every planned hour has its slot


def test_solve_seconds_keeps_to_the_deadline_and_gives_a_late_solve_one_second():
    from resmodel.planning.shifts import solve_seconds

    assert solve_seconds(60, None) == 60
    assert solve_seconds(60, lambda: 10.2) == 10
    assert solve_seconds(60, lambda: -5.0) == 1


def _demo_with_statuses(monkeypatch, demo_loaded, demo_result, status: str):
    import resmodel.shift_run as run_module

    real = run_module.plan_shifts

    def stopped(need, rules, *limit):
        statuses, plan = real(need, rules, *limit)
        return {d: (status if d == "tue" else s) for d, s in statuses.items()}, plan

    monkeypatch.setattr(run_module, "plan_shifts", stopped)
    return plan_demo(demo_loaded, demo_result, ("DV001",), roster=False)[0]


def test_a_day_stopped_at_the_time_limit_is_reported_with_its_hours_and_the_bound(monkeypatch, demo_loaded,
                                                                                 demo_result):
    run = _demo_with_statuses(monkeypatch, demo_loaded, demo_result, "Time limit")
    tuesday = run.summary.set_index("weekday").loc["tue"]
    assert any(f"time limit on tue: the plan covers the need with {tuesday['plan_hours']:g} h, and no plan can "
               f"have fewer than {tuesday['need_hours']:g} h" in w for w in run.warnings)


def test_a_day_without_any_plan_is_a_located_error(monkeypatch, demo_loaded, demo_result):
    with pytest.raises(InputError) as err:
        _demo_with_statuses(monkeypatch, demo_loaded, demo_result, "Not Solved")
    problem = err.value.problems[0]
    assert problem.location.path == "--slot-minutes" and "no shift plan for tue" in problem.problem


def test_widen_to_spans_the_roster_and_adds_days_only_the_roster_works():
    from resmodel.planning.shifts import widen_to

    need = slot_need(attend(("mon", 9, 10, 1)), RATIO, RULES)
    shifts = roster(("mon", 8, 11, None), ("sat", 10, 13, None))
    wide = widen_to(need, shifts, RULES)
    monday, saturday = wide[wide["weekday"].eq("mon")], wide[wide["weekday"].eq("sat")]
    assert monday["slot_start"].tolist() == list(range(480, 660, 30))
    assert monday["staff_needed"].tolist() == [0, 0, 1, 1, 0, 0] and monday["staff_needed"].dtype == int
    assert saturday["slot_start"].tolist() == list(range(600, 780, 30)) and (saturday["staff_needed"] == 0).all()
    assert coverage(shifts, wide, RULES)[wide["weekday"].eq("sat").to_numpy()].tolist() == [1] * 6


def test_a_roster_break_placed_too_late_is_flagged(demo_loaded, demo_result):
    from resmodel.allocation.engine import constants

    table, _ = join(demo_loaded, demo_attendance())
    rows = demo_result.allocation.units.set_index("unit_id").loc[["DV001"]].reset_index()
    late = roster(("mon", 7, 17, 7.5), ("mon", 8, 12, None))  # 07:00–17:00, break at 07:30: 9 h in a row after it
    run = shift_plan(table, late, rows, demo_loaded.snapshot.levels("daglig_verksamhet.staff_ratio"), RULES,
                     constants(demo_loaded.snapshot), roster_source="roster_DV001.csv")
    assert any("1 roster shift(s) with more than 5 h of work in a row" in w and w.endswith("of roster_DV001.csv")
               for w in run.warnings)  # section-manager walkthrough: the file was not named
