"""The top-down 2024 reconciliation (issue 4 acceptance 1): fed Malmö FSN's 2024 volumes and unit
costs (data/topdown_2024), the model reproduces the 2024 frame (F0113), net cost (F0110) and the
budget deviation by report area (F0116–F0121) within the tolerances stated in targets.csv.

Inputs: budget and outcome volumes, unit costs and the non-volume items (services.csv, items.csv),
the frame's base and supplements (frame.yaml). Outputs compared with the facts: the frame total,
the net cost, the deviation per area and four component deviations. Targets marked circular are
reproduced by construction (a residual item closes what the source does not itemise) and are
reported, not claimed; see data/topdown_2024/README.md."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from resmodel.budget.topdown import compare_targets, reconcile

FACT = re.compile(r"F\d{4}|public_parameters\.md")


@pytest.fixture(scope="module")
def rec(topdown):
    return reconcile(topdown)


def test_every_target_within_its_stated_tolerance(rec, targets):
    table = compare_targets(rec, targets)
    failing = table[~table["within"]]
    assert failing.empty, failing[["measure", "area", "value", "model", "difference", "tolerance"]].to_string()


def test_non_circular_checks_are_the_majority(targets):
    """Frame, net cost, total deviation, three areas and three components are model outputs."""
    honest = targets[targets["circular"] == "no"]
    assert len(honest) >= 9
    assert {"frame", "net_cost"} <= set(honest["measure"])
    assert {"lss_boende", "personlig_assistans"} <= set(honest[honest["measure"] == "deviation"]["area"])


def test_frame_is_base_plus_supplements(rec, topdown):
    assert sum(topdown.frame.base.values()) == pytest.approx(2_655_000_000, abs=1.0)  # F0133
    assert rec.table.set_index("area").loc["total", "frame"] == pytest.approx(2_662_500_000, abs=1.0)


def test_budget_balances_to_the_base_frame(rec, topdown):
    """The reconstructed area budgets equal the base frame per area (budgeted net cost = frame, F0269)."""
    budget = rec.table.set_index("area")["budget_net_cost"]
    for area, base in topdown.frame.base.items():
        assert budget[area] == pytest.approx(base, abs=1.0)


def test_area_deviations_do_not_depend_on_the_illustrative_split(topdown):
    """Moving 300 MSEK of the unpublished remainder between areas changes no checked figure."""
    services = topdown.services.copy()
    services.loc[services["service"] == "bostad_vuxna", "budget_unit_cost"] += 3e8
    services.loc[services["service"] == "ovriga_lss", "budget_unit_cost"] -= 3e8
    base = dict(topdown.frame.base)
    base["lss_boende"] += 3e8
    base["ovriga_lss"] -= 3e8
    moved = dataclasses.replace(topdown, services=services, frame=topdown.frame.model_copy(update={"base": base}))
    a, b = reconcile(topdown).table, reconcile(moved).table
    np.testing.assert_allclose(a["deviation"], b["deviation"], atol=1e-3)
    assert a["net_cost"].iloc[-1] == pytest.approx(b["net_cost"].iloc[-1], abs=1e-3)


def test_the_check_can_fail(topdown, targets):
    """Without the retroactive FK invoicing (F0184) personal assistance misses by ~10 MSEK."""
    items = topdown.items[topdown.items["source"] != "F0184"]
    table = compare_targets(reconcile(dataclasses.replace(topdown, items=items)), targets)
    row = table[(table["measure"] == "deviation") & (table["area"] == "personlig_assistans")].iloc[0]
    assert not row["within"]


def test_sfb_and_own_provider_components_come_from_the_rules(rec):
    s = rec.services.set_index("service")
    assert s.loc["personlig_assistans_sfb", "deviation"] == pytest.approx(-(35 * 20 * 366 / 7 * 332.60 + 10e6), abs=1)
    assert s.loc["personlig_assistans_egen_utforare", "deviation"] == pytest.approx(-263560 * (363.54 - 332.60), abs=1)


def test_every_row_cites_a_source(topdown, targets):
    for table in (topdown.services, topdown.items, targets):
        for source in table["source"].astype(str):
            assert FACT.search(source), f"row without a facts id or public source: {source!r}"
    statuses = set(topdown.services["status"])
    assert statuses <= {"fact", "derived", "reconstructed", "illustrative", "derived (level illustrative)"}
    assert set(topdown.items["kind"]) <= {"reported", "residual", "assumption"}


def test_residuals_are_reported_where_the_source_does_not_itemise(rec):
    residual = rec.table.set_index("area")["residual"]
    assert residual["ovriga_lss"] == pytest.approx(3_230_000)
    assert residual["ovrig_vard_omsorg"] == pytest.approx(6_897_000)
    assert residual["lss_boende"] == 0 and residual["personlig_assistans"] == 0


def test_bad_service_line_is_located(topdown):
    broken = topdown.services.copy()
    broken.loc[2, "rule"] = "externall"
    broken.loc[4, "service"] = "daglig_verksamhett"
    with pytest.raises(Exception) as info:
        reconcile(dataclasses.replace(topdown, services=broken))
    text = str(info.value)
    assert "row 4, column 'rule'" in text and "row 6, column 'service'" in text and "did you mean" in text


def test_item_without_source_is_refused(topdown):
    items = pd.concat([topdown.items, pd.DataFrame([{"service": "hsl_x", "item": "x", "amount": 1, "kind": "reported",
                                                     "source": ""}])], ignore_index=True)
    with pytest.raises(Exception) as info:
        reconcile(dataclasses.replace(topdown, items=items))
    assert "unknown service 'hsl_x'" in str(info.value) and "without a source" in str(info.value)


def test_compare_targets_refuses_an_unknown_measure_without_a_traceback(rec, targets):
    """Called directly (notebooks, API), a bad target is a located InputError, not a KeyError."""
    from resmodel.errors import InputError

    bad = targets.assign(measure=targets["measure"].where(targets.index != 1, "net_cst"))
    with pytest.raises(InputError, match=r"row 3, column 'measure': unknown measure 'net_cst'"):
        compare_targets(rec, bad, file="targets.csv")
