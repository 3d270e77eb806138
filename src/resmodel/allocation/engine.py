"""The need-level allocation engine, vectorised over users (model.md §2).

Per user it computes hours, FTE and cost from level and time extent; per unit it adds the fixed
parts (daily-activity unit hours, housing base staffing by shift, premises) and compares the
need with the roster (staffing gap). Fixed unit parts are shared equally among a unit's users,
so per-user rows add up to units and units add up to services and the total exactly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from resmodel.allocation.staff_cost import SERVICE_ROLES, ServiceRates, role_cost_per_fte, service_rates
from resmodel.allocation.working_time import WorkingTime, days_in_year, open_weeks, working_time
from resmodel.params.tree import Snapshot
from resmodel.services import UNIT_SERVICE_OF_USER

#: measures computed for every user (and summed to units, services, total)
USER_MEASURES = (
    "users", "direct_hours", "indirect_hours", "fixed_hours", "total_hours", "fte_required",
    "staff_cost", "premises_cost", "other_cost", "purchase_cost", "revenue", "total_cost", "net_cost",
    "allocation", "sfb_municipal_share", "own_provider_gap",
)
#: measures that exist only per unit (roster comparison)
UNIT_MEASURES = ("fte_roster", "roster_cost", "staffing_gap_fte", "staffing_gap_sek")


@dataclass(frozen=True)
class Municipality:
    """Validated in-memory inputs: premises, units, users and staff roster."""

    premises: pd.DataFrame
    units: pd.DataFrame
    users: pd.DataFrame
    staff: pd.DataFrame


@dataclass(frozen=True)
class Tariff:
    """A level price list used as the allocation key (price per day by housing type and level)."""

    prices: pd.DataFrame  # housing_type, level, price_per_day
    file: str


@dataclass(frozen=True)
class EngineConstants:
    """Derived quantities every formula uses for one snapshot (kept for `explain`)."""

    working_time: WorkingTime
    days: int
    weeks: float
    open_weeks: float
    rates: dict[str, ServiceRates]


def required_parameters() -> dict[str, str]:
    """Every parameter the engine reads, with its kind, so a missing one is reported before a run."""
    required = {
        "working_time.annual_leave_days": "scalar", "working_time.contract_hours_per_week": "scalar",
        "working_time.count_holiday_eves": "scalar", "working_time.sick_leave_rate": "scalar",
        "working_time.training_days": "scalar", "payroll.po_rate": "scalar",
        "staff_cost.holiday_pay_per_leave_day": "scalar", "daglig_verksamhet.staff_ratio": "levels",
        "daglig_verksamhet.indirect_share": "scalar", "daglig_verksamhet.fixed_hours_per_unit": "scalar",
        "daglig_verksamhet.closure_days": "scalar", "daglig_verksamhet.other_cost_per_user": "scalar",
        "personlig_assistans.state_hourly_rate": "scalar", "personlig_assistans.municipal_hours_per_week": "scalar",
        "personlig_assistans.lss_purchase_price_per_hour": "scalar", "personlig_assistans.overhead_share": "scalar",
    }
    for service in ("bostad_vuxna", "bostad_barn"):
        required[f"{service}.support_hours_per_day"] = "levels"
        required[f"{service}.other_cost_per_resident"] = "scalar"
        for shift in ("day_hours", "evening_hours", "night_hours", "sleeping_night_weight"):
            required[f"{service}.shifts.{shift}"] = "scalar"
    for service, roles in SERVICE_ROLES.items():
        required[f"{service}.unsocial_hours_supplement"] = "scalar"
        for role in roles:
            required[f"salaries.{role}"] = "scalar"
            if len(roles) > 1:
                required[f"{service}.role_mix.{role}"] = "scalar"
    return required


def constants(snapshot: Snapshot) -> EngineConstants:
    """The year's working time, calendar and per-service rates that every user's row is multiplied by."""
    wt = working_time(snapshot)
    days = days_in_year(snapshot.on.year)
    rates = {s: service_rates(snapshot, s, wt.available_hours) for s in SERVICE_ROLES}
    return EngineConstants(wt, days, days / 7.0, open_weeks(snapshot), rates)


@dataclass(frozen=True)
class AllocationResult:
    """Per-user and per-unit tables (wide: one column per measure) plus the constants used."""

    users: pd.DataFrame
    units: pd.DataFrame
    constants: EngineConstants
    tariff_gaps: pd.DataFrame  # housing_type, level, users without a tariff price (derived price used)


def _sum_by(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(codes, weights=values, minlength=n)


def _levels_of(users: pd.DataFrame, mask: np.ndarray) -> np.ndarray:
    return users["level"].to_numpy(dtype=float)[mask].astype(int) - 1


def allocate(data: Municipality, snapshot: Snapshot, tariff: Tariff | None = None) -> AllocationResult:
    """Hours, FTE, cost, allocation and staffing gap per user and per unit for the snapshot's year."""
    c = constants(snapshot)
    units = data.units.reset_index(drop=True)
    users = data.users.reset_index(drop=True)
    n_units, n_users = len(units), len(users)
    unit_index = pd.Index(units["unit_id"])
    code = unit_index.get_indexer(users["unit_id"]).astype(np.int64)
    user_service = users["service"].to_numpy(dtype=object)
    unit_service = units["service"].to_numpy(dtype=object)
    unit_regi = units["regi"].to_numpy(dtype=object)
    hours_week = users["weekly_hours"].to_numpy(dtype=float)
    zeros = np.zeros(n_users)
    m = {k: zeros.copy() for k in USER_MEASURES}
    m["users"] = np.ones(n_users)
    unit_fixed_hours = np.zeros(n_units)
    unit_fixed_staff_cost = np.zeros(n_units)

    # daily activity: ratio[L] × hours/week × open weeks, plus indirect share and fixed unit hours
    dv = user_service == "daglig_verksamhet"
    dv_rate = c.rates["daglig_verksamhet"]
    ratio = snapshot.levels("daglig_verksamhet.staff_ratio")
    m["direct_hours"][dv] = ratio[_levels_of(users, dv)] * hours_week[dv] * c.open_weeks
    m["indirect_hours"][dv] = m["direct_hours"][dv] * snapshot["daglig_verksamhet.indirect_share"]
    m["other_cost"][dv] = snapshot["daglig_verksamhet.other_cost_per_user"]
    dv_units = (unit_service == "daglig_verksamhet") & (unit_regi == "egen")
    unit_fixed_hours[dv_units] = snapshot["daglig_verksamhet.fixed_hours_per_unit"]
    unit_fixed_staff_cost[dv_units] = unit_fixed_hours[dv_units] * dv_rate.cost_per_hour

    # housing: support hours per day by level, plus base staffing by shift per unit
    for service in ("bostad_vuxna", "bostad_barn"):
        sel = user_service == service
        per_day = snapshot.levels(f"{service}.support_hours_per_day")
        m["direct_hours"][sel] = per_day[_levels_of(users, sel)] * c.days
        m["other_cost"][sel] = snapshot[f"{service}.other_cost_per_resident"]
        hu = (unit_service == service) & (unit_regi == "egen")
        shift_hours = (
            units["day_staff"].fillna(0).to_numpy(dtype=float) * snapshot[f"{service}.shifts.day_hours"]
            + units["evening_staff"].fillna(0).to_numpy(dtype=float) * snapshot[f"{service}.shifts.evening_hours"]
            + units["night_awake_staff"].fillna(0).to_numpy(dtype=float) * snapshot[f"{service}.shifts.night_hours"]
            + units["night_sleeping_staff"].fillna(0).to_numpy(dtype=float)
            * snapshot[f"{service}.shifts.night_hours"] * snapshot[f"{service}.shifts.sleeping_night_weight"]
        )
        unit_fixed_hours[hu] = shift_hours[hu] * c.days
        unit_fixed_staff_cost[hu] = unit_fixed_hours[hu] * c.rates[service].cost_per_hour

    # external places: price per day × days
    ext = user_service == "externa_platser"
    m["purchase_cost"][ext] = users["day_price"].to_numpy(dtype=float)[ext] * c.days

    # personal assistance: SFB first 20 h/week at the state rate; LSS hours × cost per hour;
    # the own provider bears wage-based cost and receives the state rate beyond the 20 hours
    rate = snapshot["personlig_assistans.state_hourly_rate"]
    cap = snapshot["personlig_assistans.municipal_hours_per_week"]
    sfb = user_service == "personlig_assistans_sfb"
    lss = user_service == "personlig_assistans_lss"
    own = unit_regi[code] == "egen"
    pa_hours = hours_week * c.weeks
    m["sfb_municipal_share"][sfb] = np.minimum(hours_week[sfb], cap) * c.weeks * rate
    own_pa = (sfb | lss) & own
    m["direct_hours"][own_pa] = pa_hours[own_pa]
    m["revenue"][sfb & own] = np.maximum(hours_week[sfb & own] - cap, 0.0) * c.weeks * rate
    m["purchase_cost"][sfb & ~own] = m["sfb_municipal_share"][sfb & ~own]
    m["purchase_cost"][lss & ~own] = pa_hours[lss & ~own] * snapshot["personlig_assistans.lss_purchase_price_per_hour"]

    # hours → FTE → staff cost per user (variable part)
    m["total_hours"] = m["direct_hours"] + m["indirect_hours"]
    hourly = {service: rates.cost_per_hour for service, rates in c.rates.items()}
    cost_per_hour = (
        pd.Series(user_service, dtype=object).map(UNIT_SERVICE_OF_USER).map(hourly).fillna(0.0).to_numpy(dtype=float, copy=True)
    )
    cost_per_hour[unit_regi[code] != "egen"] = 0.0
    m["staff_cost"] = m["total_hours"] * cost_per_hour
    m["other_cost"][own_pa] = m["staff_cost"][own_pa] * snapshot["personlig_assistans.overhead_share"]
    m["own_provider_gap"][sfb & own] = (
        m["staff_cost"][sfb & own] + m["other_cost"][sfb & own] - pa_hours[sfb & own] * rate
    )

    # premises: rent shared equally among the units located in the premises
    unit_premises = pd.Index(data.premises["premises_id"]).get_indexer(units["premises_id"].fillna(""))
    rent = data.premises["annual_rent"].to_numpy(dtype=float)
    has_premises = unit_premises >= 0
    units_per_premises = np.bincount(unit_premises[has_premises], minlength=len(rent))
    unit_rent = np.zeros(n_units)
    unit_rent[has_premises] = rent[unit_premises[has_premises]] / units_per_premises[unit_premises[has_premises]]

    # share the unit's fixed parts equally among its users
    users_per_unit = np.bincount(code, minlength=n_units).astype(float)
    share = np.divide(1.0, users_per_unit, out=np.zeros(n_units), where=users_per_unit > 0)[code]
    m["fixed_hours"] = unit_fixed_hours[code] * share
    m["total_hours"] = m["total_hours"] + m["fixed_hours"]
    m["staff_cost"] = m["staff_cost"] + unit_fixed_staff_cost[code] * share
    m["premises_cost"] = unit_rent[code] * share
    m["fte_required"] = m["total_hours"] / c.working_time.available_hours
    m["total_cost"] = m["staff_cost"] + m["premises_cost"] + m["other_cost"] + m["purchase_cost"]
    m["net_cost"] = m["total_cost"] - m["revenue"]
    m["allocation"], tariff_gaps = _allocation(users, units, code, m, c, tariff)

    user_table = users[["user_id", "service", "unit_id", "level", "weekly_hours"]].copy()
    for key in USER_MEASURES:
        user_table[key] = m[key]

    unit_table = units[["unit_id", "name", "service", "regi", "section"]].copy()
    vacant = users_per_unit == 0
    fixed = {
        "fixed_hours": unit_fixed_hours, "staff_cost": unit_fixed_staff_cost, "premises_cost": unit_rent,
    }
    for key in USER_MEASURES:
        total = _sum_by(code, m[key], n_units)
        if key in fixed:
            total = total + np.where(vacant, fixed[key], 0.0)
        unit_table[key] = total
    for key in ("total_hours",):
        unit_table[key] = unit_table[key] + np.where(vacant, unit_fixed_hours, 0.0)
    vacant_cost = np.where(vacant, unit_fixed_staff_cost + unit_rent, 0.0)
    unit_table["total_cost"] = unit_table["total_cost"] + vacant_cost
    unit_table["net_cost"] = unit_table["net_cost"] + vacant_cost
    unit_table["allocation"] = unit_table["allocation"] + vacant_cost
    unit_table["fte_required"] = unit_table["total_hours"] / c.working_time.available_hours
    _roster(unit_table, data.staff, snapshot)
    return AllocationResult(user_table, unit_table, c, tariff_gaps)


def _allocation(users: pd.DataFrame, units: pd.DataFrame, code: np.ndarray, m: dict, c: EngineConstants,
                tariff: Tariff | None) -> tuple[np.ndarray, pd.DataFrame]:
    """Resource allocation per user: Σ price[insats, L] × time factor + share of fixed parts.

    With the derived key the prices come from the same parameters as the cost, so allocation and
    need agree by construction. With a tariff, housing residents get (base + level price) × days
    plus their premises share; housing types or levels the tariff lacks keep the derived price and
    are returned as gaps (housing_type, level, users) so the run can warn about them."""
    allocation = m["total_cost"] - m["revenue"]
    gaps = pd.DataFrame(columns=["housing_type", "level", "users"])
    housing = users["service"].isin(["bostad_vuxna", "bostad_barn"]).to_numpy()
    if tariff is None or not housing.any():
        return allocation, gaps
    housing_type = units["housing_type"].to_numpy(dtype=object)[code[housing]]
    levels = users["level"].to_numpy(dtype=float)[housing].astype(int)
    prices = tariff.prices.set_index(["housing_type", "level"])["price_per_day"]
    level_price = prices.reindex(pd.MultiIndex.from_arrays([housing_type, levels])).to_numpy(dtype=float)
    base = prices.reindex(pd.MultiIndex.from_arrays([housing_type, np.zeros_like(levels)])).fillna(0.0).to_numpy(dtype=float)
    found = ~np.isnan(level_price)
    allocation = allocation.copy()
    idx = np.flatnonzero(housing)[found]
    allocation[idx] = (base[found] + level_price[found]) * c.days + m["premises_cost"][idx]
    if (~found).any():
        gaps = (pd.DataFrame({"housing_type": housing_type[~found], "level": levels[~found]})
                .value_counts().rename("users").reset_index().sort_values(["housing_type", "level"]))
    return allocation, gaps


def _roster(unit_table: pd.DataFrame, staff: pd.DataFrame, snapshot: Snapshot) -> None:
    """Add roster FTE and cost per unit and the staffing gap (roster − need; negative = understaffed): each
    unit's FTE per role at that role's cost in the unit's service (daily activity's for a service without roles)."""
    by_role = staff.groupby(["unit_id", "role"], sort=True)["fte"].sum().reset_index()
    service = by_role["unit_id"].map(dict(zip(unit_table["unit_id"], unit_table["service"], strict=True)))
    by_role["rate_service"] = service.where(service.isin(list(SERVICE_ROLES)), "daglig_verksamhet")
    pairs = sorted(set(zip(by_role["role"], by_role["rate_service"], strict=True)))
    rates = {pair: role_cost_per_fte(snapshot, *pair) for pair in pairs}  # one cost per role and service
    by_role["cost"] = by_role["fte"] * [rates[pair] for pair in zip(by_role["role"], by_role["rate_service"],
                                                                     strict=True)]
    cost = by_role.groupby("unit_id", sort=False)["cost"].sum()
    fte = staff.groupby("unit_id", sort=False)["fte"].sum()
    unit_table["fte_roster"] = unit_table["unit_id"].map(fte).fillna(0.0).to_numpy(dtype=float)
    unit_table["roster_cost"] = unit_table["unit_id"].map(cost).fillna(0.0).to_numpy(dtype=float)
    unit_table["staffing_gap_fte"] = unit_table["fte_roster"] - unit_table["fte_required"]
    unit_table["staffing_gap_sek"] = unit_table["roster_cost"] - unit_table["staff_cost"]
