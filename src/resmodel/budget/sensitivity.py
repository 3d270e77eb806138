"""Tornado table (issue 4 item 5): each driver moved down and up by a stated amount, everything else
at its base value; the effect on the budget deviation (or any yearly measure) per driver, sorted
by swing. Each bump changes the case's inputs and re-runs it, so every row is an ordinary run."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resmodel.budget.case import BudgetCase, prepare_case, run_budget
from resmodel.budget.frame import FixedIndexation
from resmodel.budget.montecarlo import perturbed_case
from resmodel.budget.projection import TOTAL, Shocks
from resmodel.errors import InputError, Location


@dataclass(frozen=True)
class Driver:
    """A driver and the amount it is moved by (applied as −amount and +amount)."""

    key: str
    label: str
    amount: float
    unit: str
    apply: Callable[[BudgetCase, float], BudgetCase]


def _shock(field: str) -> Callable[[BudgetCase, float], BudgetCase]:
    """A bump expressed as a one-draw shock, applied to the pandas inputs (montecarlo.perturbed_case)."""

    def apply(case: BudgetCase, delta: float) -> BudgetCase:
        p = prepare_case(case).projection
        shocks = Shocks.neutral(len(p.services), p.horizon.years)
        target = getattr(shocks, field)
        if field == "assistance_hours":
            target[...] = 1.0 + delta
        elif field == "volume_growth":  # every service whose volume is a driver (not the lump lines)
            target[...] = delta * np.array([s not in case.inputs.fixed_volume_services for s in p.services])
        else:
            target[...] = delta
        return perturbed_case(case, shocks, 0)

    return apply


def _state_rate(case: BudgetCase, delta: float) -> BudgetCase:
    a = case.inputs.assistance
    if a is None:
        return case
    p = prepare_case(case).projection
    years = p.horizon.year_list
    rate = pd.Series(p.state_rate * (1.0 + delta) ** (years - case.inputs.base_year).clip(min=0), index=years)
    if p.state_rate_base > 0:  # bought LSS hours follow the rate relative to the base year's
        rate = pd.concat([pd.Series({case.inputs.base_year: p.state_rate_base}), rate])
    return dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, assistance=dataclasses.replace(
        a, state_rate=rate, state_rate_extension=None)))


def _frame_growth(case: BudgetCase, delta: float) -> BudgetCase:
    ix = case.frame.indexation
    if not isinstance(ix, FixedIndexation):
        return case
    p = prepare_case(case)
    years = np.arange(case.frame.base_year + 1, int(p.frame.years[-1]) + 1)
    growth = {int(y): float(g) + delta for y, g in zip(years, p.frame.fixed_growth, strict=True)}
    return dataclasses.replace(case, frame=case.frame.model_copy(update={
        "indexation": FixedIndexation(kind="fixed", growth=growth)}))


def _sfb_cases(case: BudgetCase, delta: float) -> BudgetCase:
    """SFB cases × (1 + delta), and the own provider's hours with them: its hours are those of the SFB cases
    it serves (hours per case held), as ``volume_changes`` moves them (economist cycle: the bar left them out)."""
    a = case.inputs.assistance
    if a is None or a.sfb_service not in case.inputs.volumes.columns:
        return case
    volumes = case.inputs.volumes.copy()
    moved = [s for s in (a.sfb_service, a.own_provider_service) if s in volumes.columns]
    volumes[moved] = volumes[moved] * (1.0 + delta)
    return dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, volumes=volumes))


def standard_drivers() -> tuple[Driver, ...]:
    """The default tornado: the Monte Carlo drivers plus the state rate, SFB cases and frame uppräkning."""
    return (
        Driver("volume_growth", "Volymtillväxt — volume growth, all volume-driven services", 0.01, "per year",
               _shock("volume_growth")),
        Driver("level_mix", "Nivåmix — level mix drift of unit costs", 0.005, "per year", _shock("level_mix")),
        Driver("wage_growth", "Löneökning — wage growth", 0.01, "per year", _shock("wage_growth")),
        Driver("price_growth", "Prisökning — price growth", 0.01, "per year", _shock("price_growth")),
        Driver("sick_leave", "Sjukfrånvaro — sick-leave rate", 0.01, "share of working time", _shock("sick_leave")),
        Driver("assistance_hours", "Assistanstimmar per ärende — assistance hours per case", 0.10, "factor",
               _shock("assistance_hours")),
        Driver("state_rate", "Schablonbelopp — state assistance rate growth", 0.01, "per year", _state_rate),
        Driver("sfb_cases", "SFB-ärenden — SFB cases", 0.10, "share", _sfb_cases),
        Driver("frame_growth", "Uppräkning av kommunbidrag — frame indexation", 0.005, "per year", _frame_growth),
    )


def tornado(case: BudgetCase, drivers: tuple[Driver, ...] | None = None, measure: str = "deviation",
            area: str = TOTAL, year: int | None = None) -> pd.DataFrame:
    """Effect of each driver at −amount and +amount on ``measure`` (default: the board's deviation)
    in ``year``, or summed over the horizon when ``year`` is None; sorted by swing. A driver that
    does not act on this case (frame indexation when the frame is not a fixed uppräkning, SFB cases
    without assistance) is left out, so that a zero bar is never read as "does not matter"; the
    table's ``attrs["not_applicable"]`` names those left out."""
    drivers = drivers if drivers is not None else standard_drivers()
    base_result = run_budget(case)
    years = base_result.series(measure, area=area).index
    base = base_result.value(measure, area, year, where="sensitivity.year")
    rows, not_applicable = [], []
    for d in drivers:
        if not np.isfinite(d.amount) or d.amount <= 0:
            raise InputError.at(Location(path=f"sensitivity.{d.key}"), f"amount {d.amount!r}", "a positive amount",
                                "state how far the driver moves")
        lowered, raised = d.apply(case, -d.amount), d.apply(case, d.amount)
        if lowered is case and raised is case:
            not_applicable.append(d.label)
            continue
        low = run_budget(lowered).value(measure, area, year)
        high = run_budget(raised).value(measure, area, year)
        rows.append({"driver": d.key, "label": d.label, "amount": d.amount, "unit": d.unit,
                     "period": str(year) if year is not None else f"{years[0]}–{years[-1]}", "measure": measure,
                     "area": area, "base": base, "value_low": low, "value_high": high,
                     "effect_low": low - base, "effect_high": high - base, "swing": abs(high - low)})
    table = pd.DataFrame(rows)
    table = table.sort_values(["swing", "driver"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    table.attrs["not_applicable"] = not_applicable
    return table
