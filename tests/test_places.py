"""Places per service from the units' premises."""

from __future__ import annotations

import pandas as pd

from resmodel.allocation.engine import Municipality
from resmodel.allocation.places import places_by_service


def test_places_count_each_premises_once_per_service_and_flag_shared_ones():
    premises = pd.DataFrame({"premises_id": ["A", "B", "C"], "capacity": [6.0, 9.0, 30.0]})
    units = pd.DataFrame({
        "unit_id": ["G1", "G2", "S1", "DV1", "PA1"],
        "service": ["bostad_vuxna", "bostad_vuxna", "bostad_vuxna", "daglig_verksamhet", "personlig_assistans"],
        "premises_id": pd.array(["A", "A", "B", "B", None], dtype="string"),
    })
    table = places_by_service(Municipality(premises, units, pd.DataFrame(), pd.DataFrame())).set_index("service")
    # two units share A (counted once); B hosts adult housing and daily activity (counted for both, flagged)
    assert table.loc["bostad_vuxna"].to_dict() == {"units": 3, "premises": 2, "places": 15.0, "shared_premises": 1}
    assert table.loc["daglig_verksamhet"].to_dict() == {"units": 1, "premises": 1, "places": 9.0, "shared_premises": 1}
    assert "personlig_assistans" not in table.index  # no premises


def test_demo_housing_places_match_the_premises_file(demo_loaded):
    data = demo_loaded.data
    table = places_by_service(data).set_index("service")
    housing = data.premises[data.premises["kind"].isin(["gruppbostad", "servicebostad"])]
    assert table.loc["bostad_vuxna", "places"] == housing["capacity"].sum()
