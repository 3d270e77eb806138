"""The reference case: the top-down board of its base year projected ten years ahead under a
declared, cited base scenario. Tests, the benchmark and the docs run on it until the scenario
files (issue 4 item 4) supply the assumptions; every number below says where it comes from."""

from __future__ import annotations

from dataclasses import replace

from resmodel.budget.assistance import STATE_RATE_MEAN_GROWTH_2012_2024
from resmodel.budget.case import BudgetCase
from resmodel.budget.frame import CostWeightedIndexation, FrameConfig, VolumeRule
from resmodel.budget.topdown import REVENUE_RATIO, STAFF_SHARE, TopDownData, projection_inputs, reconcile

#: the frame follows wages with the personnel share of net cost: 1 921 967 / (4 304 511 − 1 595 353)
#: (F0238, F0486, F0226; derived ≈ 0.709), and prices with the rest
FRAME_WAGE_WEIGHT = round(STAFF_SHARE / (1.0 - REVENUE_RATIO), 4)

#: wage growth: Industriavtalet 2025 ("märket"): 3.4 % in 2025 and 3.0 % in 2026 (public agreement)
WAGE_GROWTH = {2025: 0.034, 2026: 0.030}
#: declared extension beyond 2026: the last agreed rate carried forward (flagged in results)
WAGE_EXTENSION = 0.030
#: prices: the Riksbank's inflation target, 2 % (KPIF)
PRICE_GROWTH = 0.02
#: rents: contract indexation assumed to follow the inflation target (declared assumption)
RENT_GROWTH = 0.02
#: daily activity grows by about 50 users a year (F0348) on 1 002 users (F0174)
VOLUME_GROWTH = {"daglig_verksamhet": 50 / 1002}


def reference_case(data: TopDownData, years: int = 10, scenario: str = "referens") -> BudgetCase:
    """Base year + 1 … + ``years``: outcome volumes and unit costs of the base year, volumes grown as
    in VOLUME_GROWTH (others flat), indices as above, the state rate extended by its 2012–2024 mean
    growth (derived, flagged). Frame: the base year's frame per area, indexed by wages and prices in
    proportion to the cost structure (personnel share F0484), plus volume compensation for daily
    activity from 2025 at the base-year budget cost per user (F0042; amount an assumption)."""
    inputs = projection_inputs(
        data, scenario, years, wage_growth=WAGE_GROWTH, price_growth=PRICE_GROWTH, rent_growth=RENT_GROWTH,
        volume_growth=VOLUME_GROWTH, extensions={"wage_growth": WAGE_EXTENSION},
    )
    assistance = inputs.assistance
    if assistance is not None:
        inputs = replace(inputs, assistance=replace(assistance, state_rate_extension=STATE_RATE_MEAN_GROWTH_2012_2024))
    rec = reconcile(data)
    base = {a: float(v) for a, v in zip(rec.table["area"], rec.table["frame"], strict=True) if a != "total"}
    services = data.services.set_index("service")
    rules = []
    if "daglig_verksamhet" in services.index:
        row = services.loc["daglig_verksamhet"]
        rules.append(VolumeRule(service="daglig_verksamhet", amount_per_user=float(row["budget_unit_cost"]),
                                reference_volume=float(row["outcome_volume"]), from_year=2025,
                                reference="F0042; amount = base-year budget cost per user (assumption)"))
    frame = FrameConfig(
        base_year=data.year, base=base,
        indexation=CostWeightedIndexation(kind="cost_weighted", wage_weight=FRAME_WAGE_WEIGHT,
                                          price_weight=round(1.0 - FRAME_WAGE_WEIGHT, 4)),
        volume_compensation=rules, reference="reference case (resmodel.budget.reference_case)",
    )
    return BudgetCase(inputs, frame)


