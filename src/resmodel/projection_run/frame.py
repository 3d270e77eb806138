"""The council frame of a projection: loaded and checked with errors at the file and line that set each key
(an inline frame merges over the one it extends), its yearly growth and dated entries checked against the horizon,
and its base-year amounts against the base-year net cost (a frame in tkr or MSEK)."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import pandas as pd

from resmodel.budget.areas import SERVICE_AREA
from resmodel.budget.frame import check_base_year, check_compensated_services, load_frame
from resmodel.errors import InputError, Location, Problem, Warning_
from resmodel.io.frame_file import frame_document, frame_location, frame_words
from resmodel.projection_run.costs import base_net_costs
from resmodel.projection_run.names import OWN, SFB
from resmodel.projection_run.years import after_horizon_hint
from resmodel.scenario.projection import ResolvedProjection


def check_frame_growth(frame, file: str, resolved: ResolvedProjection, last: int) -> list[Warning_]:
    """A fixed frame uppräkning must give a rate for every projected year (or declare an extension): checked by
    validate at the key's line as project would find it; a year beyond the horizon is named (it has no effect)."""
    from resmodel.budget.frame import FixedIndexation
    from resmodel.budget.indices import growth_path

    ix = frame.indexation
    if not isinstance(ix, FixedIndexation):
        return []
    with frame_errors_located(resolved):
        growth_path(ix.growth, np.arange(frame.base_year + 1, last + 1), "frame.indexation", ix.extension,
                    Location(file=file, path="frame.indexation.growth"))
    beyond = sorted(y for y in (ix.growth if isinstance(ix.growth, dict) else {}) if y > last)
    if not beyond:
        return []
    return [Warning_("beyond_horizon", frame_where(resolved, "frame.indexation.growth"),
                     f"frame.indexation.growth gives {', '.join(map(str, beyond))}, after the horizon's last year "
                     f"{last}: {'it has' if len(beyond) == 1 else 'they have'} no effect "
                     f"({after_horizon_hint(beyond[-1], frame.base_year + 1)})")]


def frame_year_warnings(frame, resolved: ResolvedProjection, last: int) -> list[Warning_]:
    """Frame entries dated where the projection never reaches, warned at their year's line as a scenario's dated
    changes are (beyond_horizon, before_base_date): a supplement for 2099 (money that never appears) passed validate
    silently (robustness review). A rule's from_year before the base year is not named: a rule in force since an
    earlier year is normal, and the default from_year (F0042's 2025) lies before a later base year (second diff
    review). A year before the base year of an expansion or a supplement is refused by check_frame."""
    base, first = frame.base_year, frame.base_year + 1
    slip = "a typing slip for {} year? or {} meant"
    warnings = []
    for group in ("expansion", "supplements"):
        for i, item in enumerate(getattr(frame, group)):
            key, money = f"frame.{group}[{i}].year", f"its {item.amount:,.0f} SEK"
            if item.year > last:
                warnings.append(Warning_("beyond_horizon", frame_where(resolved, key), (
                    f"{key} is {item.year}, after the horizon's last year {last}: {money} appear in no projected "
                    f"year ({after_horizon_hint(item.year, first)})")))
            elif item.year == base and (group == "supplements" or not item.recurring):
                warnings.append(Warning_("before_base_date", frame_where(resolved, key), (
                    f"{key} is the base year {base}, which is not projected (its frame is the base frame): {money} "
                    f"for that year alone appear in no projected year ({slip.format('a later', 'the base frame')})")))
    for group in ("volume_compensation", "demographic"):
        for i, rule in enumerate(getattr(frame, group)):
            key = f"frame.{group}[{i}]"
            if rule.from_year is not None and rule.from_year > last:
                warnings.append(Warning_("beyond_horizon", frame_where(resolved, f"{key}.from_year"), (
                    f"{key}.from_year is {rule.from_year}, after the horizon's last year {last}: the rule applies "
                    f"in no projected year ({after_horizon_hint(rule.from_year, first)})")))
            if rule.to_year is not None and rule.to_year < first:
                warnings.append(Warning_("before_base_date", frame_where(resolved, f"{key}.to_year"), (
                    f"{key}.to_year is {rule.to_year}, before the first projected year {first}: the rule applies "
                    f"in no projected year ({slip.format('a later', 'an earlier base year')})")))
    return warnings


def checked_frame(loaded, resolved: ResolvedProjection):
    """(the composed frame validated, its mapping, file, line_of), errors at the file and line that set each key."""
    data, file, line_of = frame_document(resolved)
    with frame_errors_located(resolved):
        frame = load_frame(data, file, prefix="frame", line_of=line_of, word_of=frame_words(resolved))
        check_base_year(frame, loaded.snapshot.on.year, file, line_of)
    return frame, data, file, line_of


def compensated_services_checked(resolved: ResolvedProjection, frame, services, file: str, line_of) -> None:
    """Every volume-compensation rule of the frame names a projected service (the own provider's hours too)."""
    with frame_errors_located(resolved):
        check_compensated_services(frame, {*services, *([OWN] if SFB in services else [])}, file, line_of)


#: a base-year frame this many times off the base-year net cost is in another unit (tkr, MSEK), not a budget
FRAME_SCALE_LIMIT = 20.0


def _unit_of(ratio: float) -> str:
    """The unit a frame amount this many times its net cost was likely typed in: tkr, MSEK or another."""
    return "tkr (thousands)" if 1e-4 < ratio < 5e-3 else "MSEK (millions)" if 1e-7 < ratio < 5e-6 else "another unit"


def check_base_frame_scale(base_frame: float, base_net: float, file: str, line_of) -> None:
    """A frame in tkr (14 000 for 14 MSEK) left the board 1/1000 of its cost and a deviation of its whole budget,
    with validate and project silent: refused when the base-year frame is 20 times off the base-year net cost."""
    if base_net <= 0 or base_frame <= 0:
        return
    ratio = base_frame / base_net
    if 1 / FRAME_SCALE_LIMIT <= ratio <= FRAME_SCALE_LIMIT:
        return
    unit = _unit_of(ratio)
    raise InputError.at(Location(file=file, line=line_of("base"), path="frame.base"),
                        f"the base-year frame sums to {base_frame:,.0f} against a base-year net cost of "
                        f"{base_net:,.0f} SEK ({ratio:.2g} times as much): amounts in {unit}?",
                        "the frame in SEK (kronor), as every amount of the model",
                        "write the frame's amounts in SEK (e.g. 14 000 tkr as 14000000)" if ratio < 1 else
                        "check the frame's amounts and unit")


#: an area's base frame below 1 % or above 100 times its base-year net cost is an amount in another unit, most likely
#: (the board's total, 20 times off, is refused by check_base_frame_scale; one area off moves the total too little)
AREA_FRAME_SCALE = (0.01, 100.0)
#: an area's base-year net cost this far (a share) from its base frame is asked about: areas run deficits of 20 % and
#: more (the source board's personal assistance: 43.2 MSEK, F0118, on about 200), while the slips this catches are
#: larger (a file's staff_ratio 8: 13.9 for 1.39: +102 %; OB typed 1 for 1 %: +75 %)
AREA_BASE_GAP = 0.5


#: an area's base frame within this factor of 1/1000 (1/10^6) of its base-year net cost is its amount in tkr (MSEK):
#: refused, not warned — 320 900 typed for 320 900 000 wrote a report with a 320 MSEK overspend, exit 0 (fuzz review 2)
AREA_UNIT_BAND = 2.0
#: the units an area's frame is refused in, by the factor they are off by
AREA_FRAME_UNITS = (("tkr", 1e3), ("MSEK", 1e6))


def _area_net_costs(costs: pd.DataFrame, service_areas: Mapping[str, str]) -> pd.Series:
    """The base-year net cost per report area (each service's summed into its area)."""
    by_service = base_net_costs(costs)
    return by_service.groupby(by_service.index.map({**SERVICE_AREA, **service_areas})).sum()


def check_area_frame_units(frame, costs: pd.DataFrame, service_areas: Mapping[str, str],
                           resolved: ResolvedProjection) -> None:
    """Refuse an area whose base frame is about 1/1000 or 1/10^6 of its base-year net cost (within AREA_UNIT_BAND):
    its amount in tkr or MSEK, which projected a deviation of the area's whole cost with only a note to show it.
    Every such area is named at its line, with the amount to write; `explain --area` builds the projection too, so
    the fix points to `run` for the costs."""
    net = _area_net_costs(costs, service_areas)
    problems = []
    for area, amount in frame.base.items():
        cost = float(net.get(area, 0.0))
        if amount <= 0 or cost <= 0:
            continue
        for unit, factor in AREA_FRAME_UNITS:
            if 1 / AREA_UNIT_BAND <= amount * factor / cost <= AREA_UNIT_BAND:
                problems.append(Problem(
                    frame_where(resolved, f"frame.base.{area}"),
                    f"the base frame of {area}, {amount:,.10g}, is {amount / cost:.2g} times its base-year net cost "
                    f"of {cost:,.0f} SEK: written in {unit}? {amount:,.10g} {unit} is {amount * factor:,.0f} SEK",
                    "the frame's amounts in SEK (kronor), as every amount of the model",
                    f"write {area}: {amount * factor:.0f}; if the frame is right, the cost is off — an "
                    "other_services.csv line of the area in another unit, or a slip in its parameters (the area's "
                    "base-year cost is its services' net cost in `resmodel run <scenario>`'s resultat.csv plus its "
                    "other_services.csv lines, volume × average_cost)"))
    if problems:
        raise InputError(problems)


def frame_area_scale_warnings(frame, costs: pd.DataFrame, service_areas: Mapping[str, str],
                              resolved: ResolvedProjection) -> list[Warning_]:
    """An area whose base frame is below 1 % of its base-year net cost or above 100 times it, off by no factor
    check_area_frame_units refuses (a frame far off its cost may be right and the cost off: an other_services.csv
    line in another unit): only the board's base-year note showed it (robustness review). Warned at the area's
    line — not as tkr or MSEK, which check_area_frame_units refuses (a 'written in tkr?' for an amount 3 times off
    a tkr reading misled: second diff review); an area with a frame or
    a cost of 0 is not compared (0 is the frame of an area the council funds nothing in). An area whose base-year
    net cost is more than AREA_BASE_GAP off its frame is warned too (base_year_gap): a file's staff_ratio 8: 13.9 put
    daily activity 102 % above its frame with every check silent (controller re-walk)."""
    net = _area_net_costs(costs, service_areas)
    low, high = AREA_FRAME_SCALE
    warnings = []
    for area, amount in frame.base.items():
        cost = float(net.get(area, 0.0))
        ratio = amount / cost if amount > 0 and cost > 0 else 1.0
        if low <= ratio <= high:
            if abs(1 / ratio - 1) > AREA_BASE_GAP:  # a slip in the board's own parameters, not in the frame
                warnings.append(Warning_(
                    "base_year_gap", frame_where(resolved, f"frame.base.{area}"),
                    f"the base-year net cost of {area}, {cost:,.0f} SEK, is {1 / ratio - 1:+.0%} against its base frame "
                    f"of {amount:,.0f}: if that is not the deficit or surplus you expect, check the area's parameters "
                    "for a slip (a percentage typed as a share, a decimal point) or units in the wrong area — "
                    f"`resmodel explain <scenario> --year {frame.base_year} --area {area}` shows the services' parts"))
            continue
        hint = ("an amount missing zeros, or another area's? The frame's amounts are in SEK (kronor); it is no amount in "
                "tkr or MSEK either, which would be about a thousandth or a millionth of the cost" if ratio < low
                else "an amount with too many zeros, or another area's? The frame's amounts are in SEK (kronor)")
        warnings.append(Warning_("frame_scale", frame_where(resolved, f"frame.base.{area}"),
                                 f"the base frame of {area}, {amount:,.10g}, is {ratio:.2g} times its base-year net "
                                 f"cost of {cost:,.0f} SEK: {hint}. If the frame is right, the cost is off: an "
                                 "other_services.csv line of the area written in another unit (average_cost, "
                                 "volume), or a slip in its parameters — `resmodel explain <scenario> --year "
                                 f"{frame.base_year} --area {area}` shows the services' parts"))
    return warnings


def frame_where(resolved: ResolvedProjection, path: str) -> Location:
    """Where ``frame.<key>`` was set (``frame_location``), with its whole YAML path, projection.frame.<key>, when
    a scenario file's inline frame sets it (a frame file's own path, frame.<key>, is right as it is)."""
    where = frame_location(resolved, path)
    inline = {src.display for src in resolved.chain if isinstance(src.doc.data, dict)
              and isinstance(src.doc.data.get("projection"), dict)
              and isinstance(src.doc.data["projection"].get("frame"), dict)}
    return replace(where, path=f"projection.{where.path}") if where.file in inline and where.path else where


@contextmanager
def frame_errors_located(resolved: ResolvedProjection):
    """Frame problems located at the file and line that set their key (an inline frame merges over the
    one it extends, so the last file that changed the frame need not hold the key)."""
    try:
        yield
    except InputError as exc:
        raise InputError([replace(p, location=frame_where(resolved, p.location.path))
                          if (p.location.path or "").startswith("frame") else p for p in exc.problems]) from None
