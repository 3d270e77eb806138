"""Parameter changes dated where the projection does not read them — after the base date on a parameter
read only there, within a year on one read once a year, before the base date, after the horizon — named with how to
project them, since such a change otherwise has no effect without a word."""

from __future__ import annotations

import datetime as dt

import numpy as np

from resmodel.errors import Location, Warning_
from resmodel.params.tree import ParameterTree
from resmodel.projection_run.names import INDEX_PATHS, SICK_LEAVE, STATE_RATE
from resmodel.projection_run.years import after_horizon_hint
from resmodel.services import SFB_CAP


def _how_to_project(unit: str, on: dt.date, base: dt.date) -> str:
    """The ways a change the projection reads only at the base date can still be projected — a money amount by an index
    step, any value undated or as adjustments from two runs (steward walk: indirect_share was told wage_growth); a
    later base_date only within the base year, where the frame, history and data keep their year (economist re-walk:
    a base_date moved to 2025 met a 2024 frame and a history ending 2024-12)."""
    step = ("To project it, give that year's step as growth: parameters: indices.wage_growth (salaries) or "
            "indices.price_growth (prices), dated 1 January of the year; or " if "SEK" in unit else
            f"Its unit ({unit}) is not money, so no index carries it; to project it, ")
    undated = ("give the value undated (without 'from'" + (", in base-year prices" if "SEK" in unit else "")
               + f": it then holds from the base year {base.year} on, so it moves the base-year run too)")
    first = max(on.year, base.year + 1)  # the first projected year the change holds in (economist walk: a change of
    #                                      2027 was called 'the first projected year', which is base year + 1)
    held = "the first projected year" if first == base.year + 1 else "the first year the change holds"
    amounts = ("or give its effect as the projection block's adjustments, an amount per service and year from "
               f"{first} ({held}; for a part of a year, that part): run `resmodel compare <this scenario> <a copy "
               "with the value undated>` — the copy's net cost less this scenario's, each service and year, is in "
               "jamforelse_tjanster.csv (difference)")
    later = (f"; or move base_date to {on:%Y-%m-%d}, which keeps the base year {base.year}" if on.year == base.year
             else "")
    return f"{step}{undated}; {amounts}{later}"


def dated_changes_not_projected(loaded, last: int) -> list[Warning_]:
    """Parameter values that start or end after the base date and by the end of ``last``, on a parameter the
    projection reads only at the base date (unit costs, salaries …; the indices, sick leave, the state rate and
    the 20-hour rule are read year by year or month by month): such a change has no effect on the projection,
    so it is named."""
    base, end = loaded.scenario.base_date, dt.date(last, 12, 31)
    tree = loaded.tree
    by_year = {SICK_LEAVE, STATE_RATE, SFB_CAP, *INDEX_PATHS.values()}
    changes: dict[str, tuple[dt.date, Location]] = {}
    for path, param in tree.parameters.items():
        covered = [o for o in tree.overrides if o.path == path]  # a file's later value a scenario replaces is no change
        later = [i for i, (on, _) in enumerate(param.values) if base < on <= end and not any(o.covers(on) for o in covered)]
        if later and path not in by_year and param.kind != "index":
            changes[path] = (param.values[later[0]][0], param.value_location(later[0]))
    for o in tree.overrides:
        dates = [d for d in (o.start, o.end and o.end + dt.timedelta(days=1)) if d is not None and base < d <= end]
        if dates and o.path not in by_year and o.path in tree.parameters and tree.parameters[o.path].kind != "index":
            if o.path not in changes or min(dates) < changes[o.path][0]:
                changes[o.path] = (min(dates), o.location)
    return [Warning_("dated_change_not_projected", location,
                     f"{path} changes on {on:%Y-%m-%d}, after the base date {base:%Y-%m-%d}; the projection reads it at "
                     "the base date (money amounts then grow with the indices), so the change has no effect on "
                     "project, compare or tornado. " + _how_to_project(tree.parameters[path].unit, on, base))
            for path, (on, location) in sorted(changes.items())] + _within_year_changes(tree, base, end) + [
        Warning_("beyond_horizon", o.location, f"{o.path} changes on {o.start:%Y-%m-%d}, after the horizon's last "
                 f"year {last}: the change has no effect on project, compare or tornado "
                 f"({after_horizon_hint(o.start.year, base.year + 1)})")
        for o in tree.overrides if o.start > end] + changes_before_base_date(loaded)


def _same_values(a, b) -> bool:
    """Two snapshots of one tree hold the same value for every parameter (level tables compared whole)."""
    return all(np.array_equal(np.asarray(a[path]), np.asarray(b[path])) for path in a.paths())


def changes_before_base_date(loaded) -> list[Warning_]:
    """A dated change that ends before the base date and moves no value the base-year run reads there — the base
    run reads every parameter at the base date, the projection the years after it (an index's rate of a year before
    the base date counts only when it carries a value written before it forward, so that is compared) — has no effect
    at all: named as beyond_horizon names a change after the last year (economist walk: 2016 typed for 2026)."""
    base, tree = loaded.scenario.base_date, loaded.tree
    year_start = dt.date(base.year, 1, 1)  # the state rate is read on 1 January of the base year too
    warnings = []
    for o in tree.overrides:
        if o.end is None or o.end >= base or (o.path == STATE_RATE and o.end >= year_start):
            continue
        without = ParameterTree(tree.parameters, [x for x in tree.overrides if x is not o]).snapshot(base)
        if _same_values(without, loaded.snapshot):
            warnings.append(Warning_("before_base_date", o.location, f"{o.path} changes from {o.start:%Y-%m-%d} "
                                     f"until {o.end:%Y-%m-%d}, before the base date {base:%Y-%m-%d}: run reads every "
                                     "parameter at the base date and the projection the years after it, so the "
                                     "change has no effect on run, project, compare or tornado (a typing slip for a "
                                     "later year? or an earlier base_date meant)"))
    return warnings


#: parameters the projection reads once a year, and on which day: a change dated on another day than 1 January
#: counts for whole years, from the first such read on or after it
READ_YEARLY_ON = {SICK_LEAVE: (7, "1 July"), STATE_RATE: (1, "1 January")}


def _within_year_changes(tree, base: dt.date, end: dt.date) -> list[Warning_]:
    """A change of a parameter read once a year (sick leave on 1 July, the state rate on 1 January) dated within a
    year: the projection takes it for whole years, which is named with the year it counts from."""
    warnings = []
    for path, (month, day_text) in sorted(READ_YEARLY_ON.items()):
        param = tree.parameters.get(path)
        if param is None:
            continue
        covered = [o for o in tree.overrides if o.path == path]  # a file's date a scenario replaces is no change
        dated = [(on, param.value_location(i)) for i, (on, _) in enumerate(param.values)
                 if not any(o.covers(on) for o in covered)]
        dated += [(d, o.location) for o in covered
                  for d in (o.start, o.end and o.end + dt.timedelta(days=1)) if d is not None]
        odd = sorted(((on, loc) for on, loc in dated if base < on <= end and (on.month, on.day) != (1, 1)),
                     key=lambda item: item[0])
        if odd:
            on, location = odd[0]
            counts = on.year if on < dt.date(on.year, month, 1) or (on.month, on.day) == (month, 1) else on.year + 1
            warnings.append(Warning_("dated_change_within_year", location,
                                     f"{path} changes on {on:%Y-%m-%d}; the projection reads it once a year, on "
                                     f"{day_text}, so the change counts for whole years from {counts} (date it 1 "
                                     "January of the year it should count from)"))
    return warnings
