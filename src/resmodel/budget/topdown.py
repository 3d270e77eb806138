"""Top-down mode: a board that has only service-level volumes and average costs (issue 4 item 3).

A top-down table gives per service a volume (budget and outcome), an average cost per unit of
volume and the rule that prices it; known non-volume differences between budget and outcome
(one-offs, efficiency, price effects) are listed as items. From these the module builds the same
:class:`~resmodel.budget.case.BudgetCase` the bottom-up route produces, so projection, frame,
deviation, Monte Carlo and comparison work unchanged; :func:`reconcile` runs the base year both
ways (budget volumes → the board's budget, outcome volumes + items → the outcome) and compares
the result with published targets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from resmodel.budget import volumes as vol
from resmodel.budget.areas import AREA_KEYS, area_of
from resmodel.budget.case import BudgetCase, BudgetResult, run_budget
from resmodel.budget.cells import (
    blank,
    check_header,
    decimal_point,
    floats,
    not_a,
    plain_number,
    repeated_rows,
    sheet_rows,
    shown,
)
from resmodel.budget.frame import FrameConfig
from resmodel.budget.periods import Horizon
from resmodel.budget.projection import (
    COST_COLUMNS,
    TOTAL,
    AssistanceParams,
    ExternalPlacesParams,
    ProjectionInputs,
)
from resmodel.errors import InputError, Location, ProblemCollector, did_you_mean

RULES = ("generic", "sfb", "own_provider", "external")
SERVICE_COLUMNS = ("service", "volume_unit", "budget_volume", "outcome_volume", "budget_unit_cost",
                   "outcome_unit_cost", "rule", "source", "status")
SERVICE_OPTIONAL = ("new_place_premium", "note")
ITEM_COLUMNS = ("service", "item", "amount", "kind", "source")
ITEM_OPTIONAL = ("note",)
ITEM_KINDS = ("reported", "residual", "assumption")
TARGET_COLUMNS = ("measure", "area", "value", "tolerance", "source")
TARGET_OPTIONAL = ("circular", "note")
#: the numeric columns of the three tables (amounts and volumes, never identifiers)
AMOUNT_COLUMNS = ("budget_volume", "outcome_volume", "budget_unit_cost", "outcome_unit_cost", "new_place_premium",
                  "amount", "value", "tolerance")
AREA_MEASURES = ("frame", "budget_net_cost", "net_cost", "deviation", "residual")
SERVICE_MEASURES = ("service_deviation",)
DOCS = "data/topdown_2024/README.md"

#: board-wide cost structure from Malmö FSN's 2024 income statement (derived): personnel costs
#: 1 921 967 / gross costs 4 304 511 (F0484), premises rents 251 705 / 4 304 511 (F0485),
#: total income 1 595 353 (F0226) / 4 304 511 (F0486)
STAFF_SHARE = 1_921_967 / 4_304_511
PREMISES_SHARE = 251_705 / 4_304_511
REVENUE_RATIO = 1_595_353 / 4_304_511


def unit_costs_from_averages(table: pd.DataFrame, staff_share: float = STAFF_SHARE,
                             premises_share: float = PREMISES_SHARE, revenue_ratio: float = REVENUE_RATIO,
                             file: str | None = None) -> pd.DataFrame:
    """Average net cost per unit (service, volume, average_cost) → the engine's unit-cost table.

    Net cost is split into staff, premises and other cost and revenue by cost-structure shares
    (board-wide defaults from the income statement), so wages, rents and prices can be indexed
    separately: gross = net / (1 − revenue ratio), staff = gross × staff share, and so on."""
    problems = ProblemCollector()
    for name, value in (("staff_share", staff_share), ("premises_share", premises_share),
                        ("revenue_ratio", revenue_ratio)):
        if not 0.0 <= value < 1.0:
            problems.add(Location(file=file, path=name), f"{name} = {value!r}", "a share from 0 to below 1",
                         "write shares as fractions")
    if staff_share + premises_share > 1.0:
        problems.add(Location(file=file, path="staff_share"), "staff and premises shares exceed 1",
                     "shares of gross cost that sum to at most 1", "correct the shares")
    for c in ("service", "volume", "average_cost"):
        if c not in table.columns:
            problems.add(Location(file=file, row=1, column=c), f"column '{c}' is missing",
                         "columns service, volume, average_cost", "add the column")
    problems.raise_if_any()
    net = table["volume"].to_numpy(dtype=float) * table["average_cost"].to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(net) | (net < 0))
    if len(bad):
        raise InputError.at(Location(file=file, row=sheet_rows(table)[bad[0]], column="average_cost"),
                            "volume × average cost is not a non-negative number", "numbers ≥ 0",
                            "correct the volume or the average cost")
    gross = net / (1.0 - revenue_ratio)
    return pd.DataFrame({
        "service": table["service"].astype(str).to_numpy(),
        "volume": table["volume"].to_numpy(dtype=float),
        "staff_cost": gross * staff_share,
        "premises_cost": gross * premises_share,
        "other_cost": gross * (1.0 - staff_share - premises_share),
        "revenue": gross * revenue_ratio,
    })


@dataclass(frozen=True)
class TopDownData:
    """A top-down dataset: service lines, non-volume items, the frame, and where they came from."""

    year: int
    services: pd.DataFrame
    items: pd.DataFrame
    frame: FrameConfig
    state_rate: Mapping[int, float] | None = None  # None = the public series (assistance.py)
    service_areas: Mapping[str, str] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)  # 'services', 'items' → file names for errors


def _non_negative(table: pd.DataFrame, column: str, what: str, file: str | None, problems: ProblemCollector,
                  required: np.ndarray | bool = True) -> None:
    """Each cell of ``column`` a number ≥ 0; empty cells are problems only where ``required``."""
    values, empty = floats(table[column]), blank(table[column])
    required = np.broadcast_to(required, len(table))
    for i, r in enumerate(sheet_rows(table)):
        where = Location(file=file, row=r, column=column)
        if empty[i]:
            if required[i]:
                problems.add(where, f"the {what} is empty", f"a {what}, a number ≥ 0", f"fill in the {what}")
        elif not np.isfinite(values[i]):
            problems.add(where, f"'{shown(table[column].iat[i])}' is not a {what}",
                         f"a {what}, a number ≥ 0 with {decimal_point(table)}", plain_number(table))
        elif values[i] < 0:
            problems.add(where, f"negative {what} {values[i]:g}", f"a {what} ≥ 0", f"correct the {what}")


def _allowed(table: pd.DataFrame, column: str, allowed: tuple[str, ...], what: str, file: str | None,
             problems: ProblemCollector) -> None:
    """Each cell of ``column`` one of ``allowed``, with a near-miss suggestion."""
    for r, value in zip(sheet_rows(table), table[column], strict=True):
        if shown(value) not in allowed:
            problems.add(Location(file=file, row=r, column=column), f"unknown {what} '{shown(value)}'",
                         "one of " + ", ".join(allowed), f"{did_you_mean(shown(value), allowed)}correct the {what}")


def check_services(data: TopDownData) -> pd.DataFrame:
    """Validate the service lines (all problems at once, located by file, row and column)."""
    table, file = data.services, data.files.get("services")
    check_header(table, SERVICE_COLUMNS, file, "one line per service", optional=SERVICE_OPTIONAL, docs=DOCS)
    problems, rows = ProblemCollector(), sheet_rows(table)
    for r, service in zip(rows, table["service"], strict=True):
        try:
            area_of(str(service), data.service_areas, Location(file=file, row=r, column="service"))
        except InputError as exc:
            problems.problems.extend(exc.problems)
    _allowed(table, "rule", RULES, "rule", file, problems)
    for c in ("budget_volume", "outcome_volume"):
        _non_negative(table, c, "volume", file, problems)
    _non_negative(table, "budget_unit_cost", "unit cost", file, problems, required=(table["rule"] != "sfb").to_numpy())
    _non_negative(table, "outcome_unit_cost", "unit cost", file, problems, required=False)
    if "new_place_premium" in table.columns:
        _non_negative(table, "new_place_premium", "premium", file, problems, required=False)
    for i in np.flatnonzero((table["rule"] == "sfb").to_numpy()):
        for c in ("budget_unit_cost", "outcome_unit_cost"):
            if not blank(table[c])[i]:  # the rule prices the line itself: a unit cost here would be ignored
                problems.add(Location(file=file, row=rows[i], column=c), f"a unit cost on a line with rule 'sfb' "
                             f"('{shown(table[c].iat[i])}')", "no unit cost: the sfb rule prices the line as cases × "
                             "min(20, hours) a week × weeks × the state hourly rate", "leave the cell empty, or set "
                             "the rule to 'generic' to price the line by your own unit cost")
    for row, first, service in repeated_rows(table["service"], rows):
        problems.add(Location(file=file, row=row, column="service"), f"service '{service}' appears twice "
                     f"(rows {first} and {row})", "one line per service", "merge the lines")
    problems.raise_if_any()
    return table


def _number(value, default: float) -> float:
    value = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return float(value) if np.isfinite(value) else default


def base_year_case(data: TopDownData, which: str, scenario: str | None = None) -> BudgetCase:
    """The base year as a one-year budget case: 'budget' (budget volumes and unit costs) or
    'outcome' (outcome volumes and unit costs, plus the items)."""
    if which not in ("budget", "outcome"):
        raise InputError.at(Location(path="which"), f"'{which}'", "'budget' or 'outcome'", "choose one")
    table = check_services(data)
    horizon = Horizon(data.year, 1)
    volumes, averages = {}, []
    assistance_kw: dict = {"state_rate": data.state_rate, "lss_service": None}
    external = []
    for _, row in table.iterrows():
        s = str(row["service"])
        volume = float(row[f"{which}_volume"])
        unit = _number(row["budget_unit_cost"], 0.0)
        if which == "outcome":
            unit = _number(row["outcome_unit_cost"], unit)
        volumes[s] = volume
        if row["rule"] == "generic":
            averages.append((s, float(row["budget_volume"]) or 1.0, unit))
        elif row["rule"] == "sfb":
            assistance_kw["sfb_service"] = s
        elif row["rule"] == "own_provider":
            assistance_kw.update(own_provider_service=s, own_provider_cost_per_hour=unit)
        elif row["rule"] == "external":
            premium = _number(row.get("new_place_premium"), 0.0)
            external.append(ExternalPlacesParams(service=s, price_per_day=unit,
                                                 existing_places=float(row["budget_volume"]),
                                                 new_place_premium=premium))
    unit_costs = unit_costs_from_averages(pd.DataFrame(averages, columns=["service", "volume", "average_cost"]),
                                          file=data.files.get("services"))
    adjustments = None
    if which == "outcome" and len(data.items):
        items = check_items(data, set(volumes))
        adjustments = items.groupby("service", sort=True)["amount"].sum().reset_index().assign(year=data.year)
    inputs = ProjectionInputs(
        scenario=scenario or which, base_year=data.year, volumes=vol.flat(volumes, horizon),
        unit_costs=unit_costs, wage_growth=0.0, price_growth=0.0, rent_growth=0.0, years=1, start_year=data.year,
        assistance=AssistanceParams(**assistance_kw),
        external=tuple(external), adjustments=adjustments, service_areas=dict(data.service_areas),
        sources={"unit_costs": data.files.get("services", ""), "adjustments": data.files.get("items", "")},
    )
    return BudgetCase(inputs, data.frame)


def check_items(data: TopDownData, services: set[str]) -> pd.DataFrame:
    """Validate the non-volume items (service known, amount a number, kind and source given)."""
    items, file = data.items, data.files.get("items")
    check_header(items, ITEM_COLUMNS, file, None, optional=ITEM_OPTIONAL, docs=DOCS)
    problems = ProblemCollector()
    amounts, no_amount, no_source = floats(items["amount"]), blank(items["amount"]), blank(items["source"])
    rows = sheet_rows(items)
    for i, (_, row) in enumerate(items.iterrows()):
        r = rows[i]
        if row["service"] not in services:
            problems.add(Location(file=file, row=r, column="service"), f"item for unknown service '{row['service']}'",
                         "a service listed in the service table", "correct the service key")
        if not np.isfinite(amounts[i]):
            problems.add(Location(file=file, row=r, column="amount"),
                         "the amount is empty" if no_amount[i] else not_a(row['amount'], "an amount"),
                         f"SEK (positive = extra net cost), a number with {decimal_point(items)}",
                         "fill in the amount" if no_amount[i] else plain_number(items))
        if no_source[i]:
            problems.add(Location(file=file, row=r, column="source"), "item without a source",
                         "a facts.csv id or a public source", "say where the amount comes from")
    _allowed(items, "kind", ITEM_KINDS, "kind", file, problems)
    problems.raise_if_any()
    return items.assign(amount=amounts)


@dataclass(frozen=True)
class Reconciliation:
    """Base-year budget and outcome runs and the per-area comparison (SEK)."""

    budget: BudgetResult
    outcome: BudgetResult
    table: pd.DataFrame     # area, frame, budget_net_cost, net_cost, deviation, residual
    services: pd.DataFrame  # service, area, budget_net_cost, net_cost, deviation (= budget − outcome)


def reconcile(data: TopDownData) -> Reconciliation:
    """Run the base year with budget volumes and with outcome volumes + items; deviation per area =
    frame − outcome net cost. ``residual`` is the part of each area's items marked 'residual'
    (reconstructed to close an area the source does not itemise), so readers see what is circular."""
    budget = run_budget(base_year_case(data, "budget"))
    outcome = run_budget(base_year_case(data, "outcome"))
    year = data.year
    items = check_items(data, set(data.services["service"].astype(str))) if len(data.items) else data.items
    areas = {s: area_of(s, data.service_areas) for s in data.services["service"].astype(str)}
    residual = pd.Series(0.0, index=[*AREA_KEYS, TOTAL])
    if len(items):
        res = items[items["kind"] == "residual"]
        for s, amount in zip(res["service"], res["amount"], strict=True):
            residual[areas[s]] -= amount  # an extra cost lowers the deviation
        residual[TOTAL] = residual[list(AREA_KEYS)].sum()
    table = pd.DataFrame({
        "area": [*AREA_KEYS, TOTAL],
        "frame": outcome.by_area("frame", year).to_numpy(),
        "budget_net_cost": budget.by_area("net_cost", year).to_numpy(),
        "net_cost": outcome.by_area("net_cost", year).to_numpy(),
        "deviation": outcome.by_area("deviation", year).to_numpy(),
        "residual": residual.to_numpy(),
    })
    def service_net(result: BudgetResult) -> pd.Series:
        t = result.yearly
        sel = t[(t["measure"] == "net_cost") & (t["service"] != TOTAL)]
        return pd.Series(sel["value"].to_numpy(), index=sel["service"].to_numpy())

    b, o = service_net(budget), service_net(outcome)
    services = pd.DataFrame({"service": b.index, "area": [areas[s] for s in b.index], "budget_net_cost": b.to_numpy(),
                             "net_cost": o.loc[b.index].to_numpy(), "deviation": (b - o.loc[b.index]).to_numpy()})
    return Reconciliation(budget, outcome, table, services)


def check_targets(targets: pd.DataFrame, services: set[str], file: str | None = None) -> pd.DataFrame:
    """Validate published targets: known measure, an area (or a service for 'service_deviation'),
    value an amount, tolerance ≥ 0 (all problems at once, located by file, row and column)."""
    table, rows = targets, sheet_rows(targets)
    check_header(table, TARGET_COLUMNS, file, "one row per published figure", optional=TARGET_OPTIONAL, docs=DOCS)
    problems = ProblemCollector()
    _allowed(table, "measure", (*AREA_MEASURES, *SERVICE_MEASURES), "measure", file, problems)
    areas, names = (*AREA_KEYS, TOTAL), sorted(services)
    for r, measure, area in zip(rows, table["measure"].map(shown), table["area"].map(shown), strict=True):
        where = Location(file=file, row=r, column="area")
        if measure in SERVICE_MEASURES and area not in services:
            problems.add(where, f"unknown service '{area}'", f"for '{measure}' a service of the service table",
                         f"{did_you_mean(area, names)}correct the service key")
        elif measure in AREA_MEASURES and area not in areas:
            problems.add(where, f"unknown area '{area}'", "one of " + ", ".join(areas),
                         f"{did_you_mean(area, areas)}correct the area")
    values, empty = floats(table["value"]), blank(table["value"])
    for i in np.flatnonzero(~np.isfinite(values)):
        problems.add(Location(file=file, row=rows[i], column="value"),
                     "the value is empty" if empty[i] else not_a(table['value'].iat[i], "an amount"),
                     f"the published figure in SEK, a number with {decimal_point(table)}",
                     "fill in the value" if empty[i] else plain_number(table))
    _non_negative(table, "tolerance", "tolerance", file, problems)
    circular = table["circular"].map(shown) if "circular" in table.columns else pd.Series("", index=table.index)
    for r, flag in zip(rows, circular, strict=True):
        if flag not in ("yes", "no", ""):
            problems.add(Location(file=file, row=r, column="circular"), f"circular '{flag}'",
                         "yes (reproduced by construction), no, or empty", "write yes or no")
    for row, first, (measure, area) in repeated_rows(zip(table["measure"].map(shown), table["area"].map(shown),
                                                                 strict=True), rows):
        problems.add(Location(file=file, row=row, column="area"), f"the target {measure} of '{area}' appears "
                     f"again (first on row {first})", "one row per published figure",
                     "remove the repeated row (or correct its measure or area)")
    problems.raise_if_any()
    return table.assign(value=values, tolerance=floats(table["tolerance"]))


def compare_targets(rec: Reconciliation, targets: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Model vs published targets (columns measure, area, value, tolerance, source) → with
    model, difference and a within-tolerance flag. Measure 'service_deviation' names a service
    in the area column (budget − outcome net cost of that line)."""
    targets = check_targets(targets, set(rec.services["service"]), file)
    t = rec.table.set_index("area")
    per_service = rec.services.set_index("service")
    rows = []
    for _, row in targets.iterrows():
        if row["measure"] == "service_deviation":
            model = float(per_service.loc[row["area"], "deviation"])
        else:
            model = float(t.loc[row["area"], row["measure"]])
        diff = model - float(row["value"])
        rows.append({**row.to_dict(), "model": model, "difference": diff,
                     "within": abs(diff) <= float(row["tolerance"])})
    return pd.DataFrame(rows)


def projection_inputs(data: TopDownData, scenario: str, years: int, wage_growth, price_growth, rent_growth,
                      volume_growth: Mapping[str, float] | None = None, **kwargs) -> ProjectionInputs:
    """Project forward from the top-down outcome year: outcome volumes grown at constant annual rates
    (or pass ``volumes=`` explicitly), unit costs split by the cost-structure shares."""
    base = base_year_case(data, "outcome", scenario).inputs
    horizon = Horizon(data.year + 1, years)
    levels = {s: float(base.volumes[s].iloc[0]) for s in base.volumes.columns}
    volumes = kwargs.pop("volumes", None)
    if volumes is None:
        volumes = vol.grown(levels, volume_growth or {}, horizon)
    unit_costs = base.unit_costs.copy()
    for c in COST_COLUMNS:  # outcome unit costs, per the outcome volume
        unit_costs[c] = unit_costs[c] / unit_costs["volume"] * unit_costs["service"].map(levels).astype(float)
    unit_costs["volume"] = unit_costs["service"].map(levels).astype(float)
    return ProjectionInputs(
        scenario=scenario, base_year=data.year, volumes=volumes, unit_costs=unit_costs, wage_growth=wage_growth,
        price_growth=price_growth, rent_growth=rent_growth, years=years, assistance=base.assistance,
        external=base.external, service_areas=base.service_areas, **kwargs)
