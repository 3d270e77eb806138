"""What each column of the shift plan's tables holds, with its unit: the API's response schema is made
from these (as the CSVs of ``resmodel shift-plan`` are described in docs/shift-plan.md), so that a client
need not guess. Columns marked in ``OPTIONAL`` are there only in some plans (several units, a roster)."""

from __future__ import annotations

NEED = {
    "weekday": "day of the week: mon … sun",
    "slot_start": "the slot's start, HH:MM",
    "slot_end": "the slot's end, HH:MM",
    "users_present": "users present in the slot",
    "staff_need_exact": "Σ staff ratio of the users present (staff, fractional)",
    "staff_needed": "whole staff needed in the slot (the exact need rounded up, at least min_staff with users)",
    "staff_needed_apart": "several units: each unit's own whole staff needed, summed",
    "planned": "staff at work in the least-hours plan",
    "actual": "with a roster: staff at work in it",
}

PLAN = {
    "weekday": "day of the week: mon … sun",
    "start": "shift start, HH:MM",
    "end": "shift end, HH:MM",
    "break_start": "the unpaid break's start, HH:MM (null: no break)",
    "break_end": "the break's end, HH:MM (null: no break)",
    "work_minutes": "minutes worked per person, break excluded",
    "staff": "how many work this shift",
}

SUMMARY = {
    "weekday": "day of the week, or 'week' for the whole week",
    "need_hours": "staff-hours needed (whole staff × slot length)",
    "plan_hours": "the plan's staff-hours (breaks not counted)",
    "plan_shifts": "the plan's shifts",
    "roster_hours": "with a roster: its staff-hours",
    "roster_shifts": "with a roster: its shifts",
    "understaffed_hours": "with a roster: staff-hours below the need",
    "understaffed_slots": "with a roster: slots below the need",
    "overstaffed_hours": "with a roster: staff-hours above the need in slots with users",
    "roster_hours_without_users": "with a roster: its staff-hours in slots with no user present",
}

COMPARISON = {
    "measure": "allocation_direct, need_exact, need_whole_staff, plan, roster (with one), allocation_total, "
               "staff_csv (docs/shift-plan.md §3)",
    "label": "the measure in Swedish, with an English gloss",
    "hours_per_week": "staff-hours a week (staff_csv: the employed FTE's hours per open week)",
    "full_time_staff": "hours_per_week ÷ the full-time week: staff at work on an average week",
    "hours_per_year": "staff-hours a year (hours a week × open weeks)",
    "fte": "FTE (årsarbetare): hours a year ÷ hours an FTE delivers after leave and sickness",
    "cost_sek": "SEK a year (FTE × cost per FTE; staff_csv: each role at its own cost)",
}

SHORT = {
    "weekday": "day of the week: mon … sun",
    "start": "the understaffed period's start, HH:MM",
    "end": "its end, HH:MM",
    "short_by": "most staff missing in a slot of the period",
    "staff_hours": "staff-hours missing over the period",
}

POOLING = {
    "units": "a unit planned alone, 'apart' (their sum), 'together' (the group) or 'saving' (apart − together)",
    "need_hours": "staff-hours needed a week (whole staff × slot length)",
    "plan_hours": "the plan's staff-hours a week",
    "plan_shifts": "the plan's shifts a week",
    "plan_fte": "the plan's FTE (plan hours × open weeks ÷ hours an FTE delivers)",
    "plan_cost_sek": "the plan's SEK a year (FTE × cost per FTE)",
}

#: columns only some plans have: with several units, or with a roster
OPTIONAL = frozenset({"staff_needed_apart", "actual", "roster_hours", "roster_shifts", "understaffed_hours",
                      "understaffed_slots", "overstaffed_hours", "roster_hours_without_users"})
