"""Code review (h21 #6f): the need's slots (``slot_need``) and the slots added for a roster outside them
(``widen_to``) rounded to the slot grid each in their own copy; one ``slot_grid`` now does it for both."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resmodel.planning.shifts import ShiftRules, slot_grid, slot_need, widen_to


@pytest.mark.parametrize(("start", "end", "slot", "grid"), [
    (455, 901, 30, (450, 930)),  # 07:35–15:01: out to 07:30–15:30
    (450, 930, 30, (450, 930)),  # already on the grid
    (455, 901, 15, (450, 915)),
    (0, 1, 60, (0, 60)),
])
def test_a_span_is_widened_to_whole_slots_from_midnight(start, end, slot, grid):
    assert slot_grid(start, end, slot) == grid


def test_the_need_and_a_roster_outside_it_lie_on_the_same_grid():
    rules = ShiftRules(slot_minutes=30)
    attendance = pd.DataFrame({"weekday": ["mon"], "start": [545], "end": [781], "level": [3]})  # 09:05–13:01
    need = slot_need(attendance, np.full(8, 0.5), rules)
    assert (need["slot_start"].min(), need["slot_end"].max()) == slot_grid(545, 781, 30) == (540, 810)
    roster = pd.DataFrame({"weekday": ["mon", "tue"], "start": [430, 500], "end": [1010, 610]})  # 07:10–16:50, 08:20–10:10
    wide = widen_to(need, roster, rules)
    mon, tue = wide[wide["weekday"].eq("mon")], wide[wide["weekday"].eq("tue")]
    assert (mon["slot_start"].min(), mon["slot_end"].max()) == slot_grid(430, 1010, 30) == (420, 1020)
    assert (tue["slot_start"].tolist(), tue["staff_needed"].tolist()) == ([480, 510, 540, 570, 600], [0] * 5)
    assert (np.diff(mon["slot_start"]) == 30).all() and mon["staff_needed"].sum() == need["staff_needed"].sum()
