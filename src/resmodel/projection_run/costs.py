"""The base-year unit costs the projection starts from: the engine's per-service table (at the sick-leave rate
the data were observed under) as the core's unit-cost table, and each service's base-year net cost."""

from __future__ import annotations

import pandas as pd

from resmodel.params.tree import ParameterTree
from resmodel.projection_run.names import SICK_LEAVE


def unit_costs(services: pd.DataFrame) -> pd.DataFrame:
    """The engine's per-service table → the core's unit-cost table (purchase cost folded into other
    cost, docs/budget.md §9). Rule-priced services are kept; the core ignores their rows (noted)."""
    t = services[services["users"] > 0]
    return pd.DataFrame({
        "service": t["service"].astype(str).to_numpy(),
        "volume": t["users"].to_numpy(dtype=float),
        "staff_cost": t["staff_cost"].to_numpy(dtype=float),
        "premises_cost": t["premises_cost"].to_numpy(dtype=float),
        "other_cost": (t["other_cost"] + t["purchase_cost"]).to_numpy(dtype=float),
        "revenue": t["revenue"].to_numpy(dtype=float),
    })


def services_at_observed_sick_leave(loaded, result) -> tuple[float, pd.DataFrame]:
    """The sick-leave rate the data were observed under (the tree without the scenario's sick-leave
    overrides, the basis other_services.csv's averages also carry) and the engine's per-service table
    at that rate. The projection starts from that one basis, so that a scenario's sick leave acts
    through the yearly sick-leave factor alone — on every service, the same from any start date —
    and compare credits it to wages and sick leave (docs/projection.md)."""
    from resmodel.allocation.engine import allocate
    from resmodel.report import service_table

    tree = ParameterTree(loaded.tree.parameters, [o for o in loaded.tree.overrides if o.path != SICK_LEAVE])
    observed = float(tree.resolve(SICK_LEAVE, loaded.scenario.base_date).value)
    if observed == float(loaded.snapshot[SICK_LEAVE]):
        return observed, result.services
    return observed, service_table(allocate(loaded.data, tree.snapshot(loaded.scenario.base_date), loaded.tariff))


def base_net_costs(costs: pd.DataFrame) -> pd.Series:
    """Each service's base-year net cost (staff, premises and other costs less revenue) from the unit costs
    the projection starts from — the note's base-year net cost and the base-year rows both use it."""
    net = costs["staff_cost"] + costs["premises_cost"] + costs["other_cost"] - costs["revenue"]
    return pd.Series(net.to_numpy(), index=costs["service"].to_numpy())
