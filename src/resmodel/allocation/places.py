"""Places per service: the capacity of the premises (*lokaler*) that each service's units use —
what a planner compares a volume forecast with."""

from __future__ import annotations

import pandas as pd

from resmodel.allocation.engine import Municipality


def places_by_service(data: Municipality) -> pd.DataFrame:
    """One row per unit service with premises: ``units``, ``premises``, ``places`` (the summed
    capacity of the distinct premises its units use) and ``shared_premises`` (how many of them also
    host another service — their places are counted for each service, so check those by hand)."""
    used = data.units.loc[data.units["premises_id"].notna() & data.units["premises_id"].astype(str).str.strip().ne(""),
                          ["unit_id", "service", "premises_id"]]
    services_per_premises = used.groupby("premises_id")["service"].nunique()
    pairs = used.drop_duplicates(["service", "premises_id"]).merge(
        data.premises[["premises_id", "capacity"]], on="premises_id", how="left", validate="many_to_one")
    pairs["shared"] = pairs["premises_id"].map(services_per_premises).gt(1)
    table = pairs.groupby("service", sort=True).agg(premises=("premises_id", "count"), places=("capacity", "sum"),
                                                    shared_premises=("shared", "sum"))
    table.insert(0, "units", used.groupby("service")["unit_id"].nunique())
    return table.reset_index().astype({"units": int, "premises": int, "shared_premises": int})


def places_by_level_range(data: Municipality, service: str) -> pd.DataFrame:
    """Today's places of a unit service by the need-level range its premises suit: ``min_level``,
    ``max_level``, ``premises`` and ``places`` (each premises once) — the groups a premises plan by
    level starts from."""
    used = data.units.loc[data.units["service"].eq(service) & data.units["premises_id"].notna()
                          & data.units["premises_id"].astype(str).str.strip().ne(""), "premises_id"].unique()
    premises = data.premises[data.premises["premises_id"].isin(used)]
    table = premises.groupby(["min_level", "max_level"], sort=True).agg(premises=("premises_id", "count"),
                                                                        places=("capacity", "sum"))
    return table.reset_index().astype({"min_level": int, "max_level": int, "premises": int, "places": float})
