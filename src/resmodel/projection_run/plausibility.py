"""Warnings on figures that are valid but rarely meant — a fixed volume or a rate a typing slip away from
the plausible, a one-off larger than its service or written in tkr — named at their line so the reader can check
them before trusting the results."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path

from resmodel.budget.case import BudgetCase, run_budget
from resmodel.budget.projection import TOTAL
from resmodel.errors import Location, Warning_
from resmodel.io.other_services import read_other_services
from resmodel.io.parameters import SLIP_CHECKS
from resmodel.params.tree import ParameterTree
from resmodel.projection_run.frame import frame_where
from resmodel.projection_run.projected_services import service_base_volumes
from resmodel.scenario.projection import ResolvedProjection

#: a fixed volume more than this factor from the service's base-year volume, or from one given year to the next, is
#: named: a digit too many or too few (×10, ÷10) lies beyond it, a decided opening or closure (28 → 20 places) within
OVERRIDE_JUMP = 3.0


def _beyond_jump(a: float, b: float) -> bool:
    """Two positive volumes more than OVERRIDE_JUMP-fold apart (a volume of 0, a closed service, is a decision)."""
    return min(a, b) > 0 and max(a, b) / min(a, b) > OVERRIDE_JUMP


def override_scale_warnings(loaded, resolved: ResolvedProjection,
                            base_year_volumes: Mapping[str, float] | None = None) -> list[Warning_]:
    """A warning for each fixed volume in projection.volumes whose first year lies more than OVERRIDE_JUMP-fold from
    the service's base-year volume, or that jumps more than that between two given years: a hand-typed ×10 or a
    dropped digit, costed per unit like any volume (economist re-walk: the history_vs_users margin, 25 % and 1, named
    a decided closure of 8 of 28 external places a typing slip). ``base_year_volumes``: service_base_volumes as the
    caller has it; read from the data folder when not given."""
    base = base_year_volumes if base_year_volumes is not None else service_base_volumes(
        loaded, read_other_services(Path(loaded.scenario.data))[0])
    out = []
    for service, value in resolved.settings.volumes.items():
        if isinstance(value, str) or (isinstance(value, dict) and not value):
            continue
        years = sorted(value.items()) if isinstance(value, dict) else [(None, value)]
        n, first = base.get(service), float(years[0][1])
        where = resolved.location(f"volumes.{service}")
        if n and _beyond_jump(n, first):
            out.append(Warning_("override_scale", where, f"{service} is fixed at {first:,.10g}"
                                + (f" in {years[0][0]}" if years[0][0] else "") + f", {first / n:.3g} times its "
                                f"{n:,.0f} in the base year (more than {OVERRIDE_JUMP:g}-fold either way, as a digit "
                                "too many or too few gives): check the figure (a typing slip?); it is costed per unit"))
        for (y0, v0), (y1, v1) in pairwise(years):
            if _beyond_jump(v0, v1):
                out.append(Warning_("override_scale", where, f"{service} goes from {v0:,.10g} in {y0} to {v1:,.10g} "
                                    f"in {y1}, {v1 / v0:.3g} times: check the figures (a typing slip?)"))
    return out


#: yearly rates beyond these are possible but rarely meant: a rate typed in percentage points (−0.3 for −0.3 pp) or
#: a slipped digit, which the band of 'share per year' (±0.5) lets through and which then compounds every year
PLAUSIBLE_RATE = {"level_mix_drift": 0.05, "volume_growth": 0.10, "rent_growth": 0.15, "extensions": 0.15,
                  "indices": 0.15, "frame": 0.15}


def _rate_warning(where: Location, what: str, rate: float, limit: float) -> Warning_:
    """The implausible_rate warning, offering the rate a percentage-point slip meant, and a dropped zero's (0.4 for
    0.04) where that is a plausible rate (economist walkthrough: a wage rise of 0.4 was offered only 0.004)."""
    dropped_zero = f"; if a zero was dropped, write {rate / 10:g}" if abs(rate / 10) <= limit else ""
    return Warning_("implausible_rate", where, f"{what} is {rate:g}, {rate:+.0%} a year, compounded over the horizon "
                    f"(beyond ±{limit:.0%}): if you meant {rate:g} percentage points, write {rate / 100:g}"
                    f"{dropped_zero}; if the rate is meant, the results are as asked")


def implausible_rate_warnings(loaded, resolved: ResolvedProjection, frame: Mapping) -> list[Warning_]:
    """A warning for each yearly rate of the projection block, the frame's fixed uppräkning and the scenario's
    index changes beyond PLAUSIBLE_RATE: a level-mix drift of −0.3 (meant −0.3 pp) halved the 2034 net cost and
    ran without a word (economist walkthrough)."""
    s, out = resolved.settings, []

    def check(what: str, value, limit: float, where: Location) -> None:
        for year, rate in (value.items() if isinstance(value, dict) else [(None, value)]):
            if rate is not None and abs(float(rate)) > limit:
                out.append(_rate_warning(where, what + (f" for {year}" if year is not None else ""), float(rate),
                                         limit))
                return

    check("projection.level_mix_drift", s.level_mix_drift, PLAUSIBLE_RATE["level_mix_drift"],
          resolved.location("level_mix_drift"))
    if s.rent_growth is not None:
        check("projection.rent_growth", s.rent_growth, PLAUSIBLE_RATE["rent_growth"],
              resolved.location("rent_growth"))
    for service, rate in s.volume_growth.items():
        check(f"projection.volume_growth.{service}", rate, PLAUSIBLE_RATE["volume_growth"],
              resolved.location(f"volume_growth.{service}"))
    for name, rate in s.extensions.items():
        check(f"projection.extensions.{name}", rate, PLAUSIBLE_RATE["extensions"],
              resolved.location(f"extensions.{name}"))
    indexation = frame.get("indexation") if isinstance(frame, Mapping) else None
    if isinstance(indexation, Mapping) and indexation.get("kind") == "fixed" and "growth" in indexation:
        growth = indexation["growth"]
        if isinstance(growth, int | float) or (isinstance(growth, Mapping) and all(
                isinstance(v, int | float) for v in growth.values())):
            check("frame.indexation.growth", growth, PLAUSIBLE_RATE["frame"],
                  frame_where(resolved, "frame.indexation.growth"))
    base_year = loaded.scenario.base_date.year
    written = ParameterTree(loaded.tree.parameters, [])  # the parameter files' own rates
    for o in loaded.tree.overrides:
        if o.path.startswith("indices.") and isinstance(o.value, int | float):
            check(o.path, o.value, PLAUSIBLE_RATE["indices"], o.location)
            covers_base_year = o.start.year <= base_year and (o.end is None or o.end.year >= base_year)
            indexed_from_before = any(  # a value dated before the base year grows by the base year's rate into it
                p.indexation == o.path and (held := written.in_force(path, loaded.scenario.base_date)) is not None
                and held.valid_from.year < base_year for path, p in written.parameters.items())
            own = written.index_growth(o.path, base_year)[0] if covers_base_year and indexed_from_before else None
            if own is not None and own != float(o.value):
                out.append(Warning_("index_change_in_base_year", o.location,
                                    f"{o.path} {o.value:g} also replaces the base year's own rate ({own:g} in "
                                    f"{base_year}), so the base-year costs change too; to change only the projected "
                                    f"years write from: {base_year + 1}-01-01"))
    return out


#: a one-off below this many kronor is taken for a sum in thousands (tkr, as Swedish budgets write them) or millions
ADJUSTMENT_TKR = 10_000
#: and one above this share of its service's net cost is asked about: start-up costs, retroactive payments and notice
#: periods are a few percent of a service's year (a new home's 9 MSEK against daily activity's 321 MSEK is 3 %)
ADJUSTMENT_SHARE = 0.2


def adjustment_warnings(resolved: ResolvedProjection, case: BudgetCase) -> list[Warning_]:
    """A one-off adjustment larger than its service's whole net cost — projected that year without the year's one-offs,
    or in the base year if that is more (a service run down to no cost still takes a notice period's one-off):
    −3 000 000 000 typed for −3 MSEK made the board's 2026 net cost −66.8 MSEK with a note only (economist walk);
    one above ADJUSTMENT_SHARE of its gross cost (500 000 000 for 'furniture 500 000 kr' on adult housing passed);
    and one below
    ADJUSTMENT_TKR SEK, a sum in thousands or millions (−3 000 for −3 000 tkr, 2.4 for 2.4 MSEK). Warned at the
    amount's line."""
    adjustments = resolved.settings.adjustments
    if not adjustments:
        return []
    u = case.inputs.unit_costs.set_index("service")
    base_gross = u["staff_cost"] + u["premises_cost"] + u["other_cost"]
    base_net = base_gross - u["revenue"]
    y = run_budget(case).yearly
    y = y.assign(period=y["period"].astype(str))
    by_service = y[(y["service"] != TOTAL) & y["measure"].isin(["net_cost", "adjustment", "revenue"])].pivot_table(
        index=["service", "period"], columns="measure", values="value", aggfunc="sum", fill_value=0.0)
    board = y[(y["service"] == TOTAL) & (y["area"] == TOTAL) & (y["measure"] == "net_cost")].set_index("period")["value"]
    warnings = []
    for i, a in enumerate(adjustments):
        year = str(a.year)
        net, one_offs = by_service.loc[(a.service, year), ["net_cost", "adjustment"]]
        without = net - one_offs
        where = resolved.location(f"adjustments[{i}].amount")
        if 0 < abs(a.amount) < ADJUSTMENT_TKR:
            readings = [f"{a.amount:g} tkr is {a.amount * 1e3:.0f}"] + (
                [f"{a.amount:g} MSEK is {a.amount * 1e6:.0f}"] if abs(a.amount) < 1000 else [])
            warnings.append(Warning_("adjustment_implausible", where, f"the one-off {a.amount:g} SEK for {a.service} "
                                     f"in {a.year} is less than {ADJUSTMENT_TKR:,} kronor: amounts are SEK, not "
                                     f"thousands or millions — {', '.join(readings)}; write the kronor meant"))
            continue
        if abs(a.amount) > max(without, float(base_net.get(a.service, 0.0))):
            warnings.append(Warning_(
                "adjustment_implausible", where,
                f"the one-off {a.amount:+,.0f} SEK for {a.service} in {a.year} is larger than the service's whole "
                f"projected net cost that year ({without:,.0f} SEK without one-offs): it makes the service's net cost "
                f"{net:,.0f} SEK and the board's {board[year]:,.0f} SEK. Amounts are SEK, not thousands or millions "
                "(−3 MSEK is -3000000): a slip of the unit or of the zeros?"))
            continue
        # against the gross cost: the own provider's net is only its financing gap (an FK payment of 3 MSEK was 24 %)
        gross = without + float(by_service.loc[(a.service, year), "revenue"])
        size, which = max((gross, f"its projected gross cost in {a.year}, without one-offs"),
                          (float(base_gross.get(a.service, 0.0)), f"its gross cost in {case.inputs.base_year}"))
        if abs(a.amount) > ADJUSTMENT_SHARE * size:
            warnings.append(Warning_(
                "adjustment_implausible", where,
                f"the one-off {a.amount:+,.0f} SEK for {a.service} in {a.year} is {abs(a.amount) / size:.0%} of the "
                f"service's cost ({size:,.0f} SEK, {which}; a one-off rarely passes {ADJUSTMENT_SHARE:.0%}): check "
                "the zeros — amounts are SEK, 500 000 is written 500000"))
    return warnings


def parameter_slip_notes(loaded) -> list[str]:
    """The parameter warnings of SLIP_CHECKS, each as the run states it."""
    return [str(w) for w in loaded.warnings if w.check in SLIP_CHECKS]
