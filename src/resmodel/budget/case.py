"""A budget case = projection inputs + the council's frame; running it gives net cost, frame and
budget deviation per report area and year in one tidy table (the unit every other budget tool —
Monte Carlo, sensitivity, comparison — works on)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from resmodel.budget.areas import AREA_KEYS
from resmodel.budget.frame import (
    FRAME_COMPONENTS,
    FrameConfig,
    FrameSetup,
    check_base_year,
    frame_arrays,
    setup_frame,
)
from resmodel.budget.projection import (
    TOTAL,
    Prepared,
    ProjectionInputs,
    ProjectionResult,
    RowBlock,
    Shocks,
    area_sums,
    compute,
    month_labels,
    prepare,
    rows,
    shocked_growth,
    sort_order,
    year_labels,
)

FRAME_MEASURES = (*FRAME_COMPONENTS, "frame", "deviation")


@dataclass(frozen=True)
class BudgetCase:
    """One scenario's budget inputs: what it costs (projection) and what the council gives (frame)."""

    inputs: ProjectionInputs
    frame: FrameConfig

    @property
    def scenario(self) -> str:
        return self.inputs.scenario


@dataclass(frozen=True)
class PreparedCase:
    """Validated case: projection arrays plus the frame resolved against the projection's services."""

    projection: Prepared
    frame: FrameSetup


@dataclass(frozen=True)
class BudgetResult(ProjectionResult):
    """Tidy long tables (scenario, period, service, area, measure, value): monthly costs, and yearly
    costs plus frame components, frame and deviation per area (service = 'total')."""

    def by_area(self, measure: str, year: int) -> pd.Series:
        """One measure for the six areas and the total in one year."""
        t = self.yearly
        sel = t[(t["measure"] == measure) & (t["service"] == TOTAL) & (t["period"] == str(year))]
        return pd.Series(sel["value"].to_numpy(), index=sel["area"].to_numpy(), name=measure)


def prepare_case(case: BudgetCase) -> PreparedCase:
    """Validate the projection inputs and the frame together (located errors)."""
    p = prepare(case.inputs)
    check_base_year(case.frame, case.inputs.base_year, case.inputs.sources.get("frame"))
    uc = case.inputs.unit_costs
    base_volumes = dict(zip(uc["service"].astype(str), uc["volume"].astype(float), strict=True))
    for s in p.services:  # rule-priced services: their base volume is their first horizon month's volume
        base_volumes.setdefault(s, float(p.volume[p.services.index(s), 0]))
    f = setup_frame(case.frame, p.horizon.year_list, p.services, p.areas, base_volumes,
                    case.inputs.sources.get("frame"))
    return PreparedCase(p, f)


def yearly_arrays(pc: PreparedCase, shocks: Shocks) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Service arrays (D, S, Y) and frame arrays (D, A, Y) for a set of draws."""
    p = pc.projection
    costs = compute(p, shocks)
    wage = shocked_growth(p.wage_growth, shocks.wage_growth, p)
    price = shocked_growth(p.price_growth, shocks.price_growth, p)
    frame = frame_arrays(pc.frame, costs.get("granted_volume", costs["volume"]), wage, price, p.index_offset)
    return costs, frame


def frame_rows(pc: PreparedCase, costs: dict[str, np.ndarray], frame: dict[str, np.ndarray]) -> RowBlock:
    """Frame components, frame and deviation (frame − net cost) per area and for the board."""
    p = pc.projection
    periods = year_labels(p)
    net = area_sums(p, costs["net_cost"])                                   # (D, A+1, Y)
    blocks = []
    areas = [*AREA_KEYS, TOTAL]
    for measure in FRAME_MEASURES:
        if measure == "deviation":
            values = np.concatenate([frame["frame"], frame["frame"].sum(axis=1, keepdims=True)], axis=1) - net
        else:
            values = np.concatenate([frame[measure], frame[measure].sum(axis=1, keepdims=True)], axis=1)
        n_p = len(periods)
        keys = pd.DataFrame({"period": np.tile(periods, len(areas)), "service": TOTAL,
                             "area": np.repeat(areas, n_p), "measure": measure})
        blocks.append(RowBlock(keys, values.transpose(1, 2, 0).reshape(len(areas) * n_p, -1)))
    return RowBlock.concat(blocks)


def case_rows(pc: PreparedCase, costs: dict[str, np.ndarray], frame: dict[str, np.ndarray]) -> RowBlock:
    """All yearly rows of a budget result (unsorted), values per draw."""
    return RowBlock.concat([rows(pc.projection, costs, year_labels(pc.projection)), frame_rows(pc, costs, frame)])


def run_budget(case: BudgetCase) -> BudgetResult:
    """Deterministic budget run: monthly costs; yearly costs, frame and deviation per area."""
    pc = prepare_case(case)
    p = pc.projection
    shocks = Shocks.neutral(len(p.services), p.horizon.years)
    monthly_arrays = compute(p, shocks, monthly=True)
    monthly = rows(p, monthly_arrays, month_labels(p))
    costs, frame = yearly_arrays(pc, shocks)
    yearly = case_rows(pc, costs, frame)
    m_table = monthly.table(case.scenario).iloc[sort_order(monthly.keys)].reset_index(drop=True)
    y_table = yearly.table(case.scenario).iloc[sort_order(yearly.keys)].reset_index(drop=True)
    return BudgetResult(case.scenario, m_table, y_table, tuple(dict.fromkeys([*p.notes, *pc.frame.notes])))
