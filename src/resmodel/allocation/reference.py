"""A plain per-user reference implementation of the engine's formulas, unit by unit.

It is slow on purpose: one loop, scalar arithmetic, every step named. Tests check the
vectorised engine against it, benchmarks compare their speed, and `explain` prints its steps."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from resmodel.allocation.engine import EngineConstants, Municipality, Tariff
from resmodel.allocation.staff_cost import SERVICE_ROLES, role_cost_per_fte
from resmodel.params.tree import Snapshot

#: the parameters the holiday pay supplement is made of (allocation.staff_cost.holiday_pay_share)
HOLIDAY_PAY = ("staff_cost.holiday_pay_per_leave_day", "working_time.annual_leave_days")


@dataclass
class Step:
    """One named part of a unit's result: what it is, how it was computed, its value, its parameters."""

    label: str
    formula: str
    value: float
    parameters: list[str] = field(default_factory=list)


@dataclass
class UnitTrace:
    unit_id: str
    steps: list[Step]
    measures: dict[str, float]


def _equal_split_note(data: Municipality, premises_id: str) -> str:
    """Why a small unit sharing premises carries as much rent as a large one (section-manager walk): the split
    is by unit, not by users, with each sharing unit's users; '' for premises of one unit."""
    sharing = sorted(data.units.loc[data.units["premises_id"] == premises_id, "unit_id"])
    if len(sharing) < 2:
        return ""
    users = data.users["unit_id"].value_counts()
    listed = ", ".join(f"{u} {int(users.get(u, 0))}" for u in sharing)
    return f" (an equal split by unit, not by users — users: {listed}; docs/model.md)"


def unit_reference(data: Municipality, snapshot: Snapshot, c: EngineConstants, unit_id: str,
                   tariff: Tariff | None = None) -> UnitTrace:
    """Hours, FTE, cost and allocation of one unit computed user by user, with each step recorded (``tariff``:
    the level price list of a scenario with ``allocation_key: tariff``)."""
    unit = data.units.set_index("unit_id").loc[unit_id]
    users = data.users[data.users["unit_id"] == unit_id]
    service, own = unit["service"], unit["regi"] == "egen"
    steps: list[Step] = []
    direct = indirect = fixed = 0.0
    staff_cost = other = purchase = revenue = 0.0
    resident_hours: dict[str, float] = {}  # a housing resident's support hours (a tariff's unpriced level keeps them)
    wt = c.working_time
    awt = wt.available_hours
    awt_formula = (f"({wt.weekdays} weekdays − {wt.annual_leave_days:g} leave − {wt.holidays_on_weekdays} holidays − "
                   f"{wt.training_days:g} training) × {wt.hours_per_day:g} h × (1 − {wt.sick_leave_rate:g} sick)")
    steps.append(Step("available working time per FTE (AWT)", awt_formula, awt,
                      ["working_time.annual_leave_days", "working_time.contract_hours_per_week",
                       "working_time.sick_leave_rate", "working_time.training_days", "working_time.count_holiday_eves"]))
    rates = c.rates.get(service)
    if rates is not None and own:
        parts = " + ".join(f"{rates.role_share[r]:g} × {rates.role_cost_per_fte[r]:,.0f}" for r in rates.role_share)
        roles = list(rates.role_share)
        params = [f"salaries.{r}" for r in roles] + [*HOLIDAY_PAY,
                                                     f"{service}.unsocial_hours_supplement", "payroll.po_rate"]
        if len(roles) > 1:
            params += [f"{service}.role_mix.{r}" for r in roles]
        steps.append(Step("cost per FTE (salary × 12 × (1+holiday) × (1+OB) × (1+PO), by role mix; holiday = "
                          "holiday pay per leave day × leave days / 12)", parts,
                          rates.cost_per_fte, params))
        steps.append(Step("cost per staffed hour", f"{rates.cost_per_fte:,.0f} / {awt:,.1f}", rates.cost_per_hour))
    for user in users.itertuples():
        if service == "daglig_verksamhet":
            ratio = snapshot.levels("daglig_verksamhet.staff_ratio")[int(user.level) - 1]
            d = ratio * user.weekly_hours * c.open_weeks
            i = d * snapshot["daglig_verksamhet.indirect_share"]
            direct, indirect = direct + d, indirect + i
            other += snapshot["daglig_verksamhet.other_cost_per_user"]
            steps.append(Step(f"user {user.user_id} (level {int(user.level)}, {user.weekly_hours:g} h/week) direct hours",
                              f"{ratio:g} × {user.weekly_hours:g} × {c.open_weeks:g} open weeks", d,
                              ["daglig_verksamhet.staff_ratio", "daglig_verksamhet.closure_days"]))
        elif service in ("bostad_vuxna", "bostad_barn"):
            per_day = snapshot.levels(f"{service}.support_hours_per_day")[int(user.level) - 1]
            d = per_day * c.days
            direct += d
            resident_hours[user.user_id] = d
            other += snapshot[f"{service}.other_cost_per_resident"]
            steps.append(Step(f"resident {user.user_id} (level {int(user.level)}) support hours",
                              f"{per_day:g} h/day × {c.days} days", d, [f"{service}.support_hours_per_day"]))
        elif service == "externa_platser":
            p = user.day_price * c.days
            purchase += p
            steps.append(Step(f"place {user.user_id} purchase", f"{user.day_price:g} SEK/day × {c.days} days", p))
        else:
            rate = snapshot["personlig_assistans.state_hourly_rate"]
            cap = snapshot["personlig_assistans.municipal_hours_per_week"]
            hours = user.weekly_hours * c.weeks
            sfb = user.service == "personlig_assistans_sfb"
            if own:
                direct += hours
                steps.append(Step(f"case {user.user_id} ({user.service}) assistance hours",
                                  f"{user.weekly_hours:g} h/week × {c.weeks:.4f} weeks", hours))
                if sfb:
                    r = max(user.weekly_hours - cap, 0.0) * c.weeks * rate
                    revenue += r
                    steps.append(Step(f"case {user.user_id} state compensation beyond {cap:g} h/week",
                                      f"max({user.weekly_hours:g} − {cap:g}, 0) × {c.weeks:.4f} × {rate:g}", r,
                                      ["personlig_assistans.state_hourly_rate",
                                       "personlig_assistans.municipal_hours_per_week"]))
            elif sfb:
                p = min(user.weekly_hours, cap) * c.weeks * rate
                purchase += p
                steps.append(Step(f"case {user.user_id} municipal share (first {cap:g} h/week)",
                                  f"min({user.weekly_hours:g}, {cap:g}) × {c.weeks:.4f} × {rate:g}", p,
                                  ["personlig_assistans.state_hourly_rate", "personlig_assistans.municipal_hours_per_week"]))
            else:
                price = snapshot["personlig_assistans.lss_purchase_price_per_hour"]
                p = hours * price
                purchase += p
                steps.append(Step(f"case {user.user_id} LSS hours bought", f"{hours:,.1f} h × {price:g}", p,
                                  ["personlig_assistans.lss_purchase_price_per_hour"]))
    if service == "daglig_verksamhet":
        fixed = snapshot["daglig_verksamhet.fixed_hours_per_unit"]
        steps.append(Step("indirect hours", f"{direct:,.1f} × {snapshot['daglig_verksamhet.indirect_share']:g}",
                          indirect, ["daglig_verksamhet.indirect_share"]))
        steps.append(Step("fixed unit hours", "per unit", fixed, ["daglig_verksamhet.fixed_hours_per_unit"]))
        steps.append(Step("other costs", f"{len(users)} users × {snapshot['daglig_verksamhet.other_cost_per_user']:,.0f}",
                          other, ["daglig_verksamhet.other_cost_per_user"]))
    elif service in ("bostad_vuxna", "bostad_barn"):
        shift = (unit["day_staff"] * snapshot[f"{service}.shifts.day_hours"]
                 + unit["evening_staff"] * snapshot[f"{service}.shifts.evening_hours"]
                 + unit["night_awake_staff"] * snapshot[f"{service}.shifts.night_hours"]
                 + unit["night_sleeping_staff"] * snapshot[f"{service}.shifts.night_hours"]
                 * snapshot[f"{service}.shifts.sleeping_night_weight"])
        fixed = shift * c.days
        h = {k: snapshot[f"{service}.shifts.{k}"] for k in ("day_hours", "evening_hours", "night_hours",
                                                           "sleeping_night_weight")}
        steps.append(Step("base staffing hours (day, evening, awake and sleeping night)",
                          f"({unit['day_staff']:g} day × {h['day_hours']:g} h + {unit['evening_staff']:g} evening × "
                          f"{h['evening_hours']:g} h + {unit['night_awake_staff']:g} awake night × {h['night_hours']:g} h + "
                          f"{unit['night_sleeping_staff']:g} sleeping night × {h['night_hours']:g} h × "
                          f"{h['sleeping_night_weight']:g}) × {c.days} days",
                          fixed, [f"{service}.shifts.day_hours", f"{service}.shifts.evening_hours",
                                  f"{service}.shifts.night_hours", f"{service}.shifts.sleeping_night_weight"]))
        steps.append(Step("other costs", f"{len(users)} residents × {snapshot[f'{service}.other_cost_per_resident']:,.0f}",
                          other, [f"{service}.other_cost_per_resident"]))
    total_hours = direct + indirect + fixed
    steps.append(Step("FTE required (årsarbetare)", f"({direct:,.1f} direct + {indirect:,.1f} indirect + {fixed:,.1f} "
                      f"fixed) h / {awt:,.1f} h per FTE", total_hours / awt))
    if own and rates is not None:
        staff_cost = total_hours * rates.cost_per_hour
        steps.append(Step("staff cost", f"{total_hours:,.1f} h × {rates.cost_per_hour:,.2f}", staff_cost))
        if service == "personlig_assistans":
            other = staff_cost * snapshot["personlig_assistans.overhead_share"]
            steps.append(Step("provider overhead", f"{staff_cost:,.0f} × {snapshot['personlig_assistans.overhead_share']:g}",
                              other, ["personlig_assistans.overhead_share"]))
    premises = 0.0
    if isinstance(unit["premises_id"], str):
        prem = data.premises.set_index("premises_id").loc[unit["premises_id"]]
        sharing = int((data.units["premises_id"] == unit["premises_id"]).sum())
        premises = prem["annual_rent"] / sharing
        steps.append(Step("premises cost", f"rent {prem['annual_rent']:,.0f} / {sharing} unit{'s' if sharing > 1 else ''} "
                          "in the premises" + _equal_split_note(data, unit["premises_id"]), premises))
    total_cost = staff_cost + premises + other + purchase
    measures = {
        "users": float(len(users)), "direct_hours": direct, "indirect_hours": indirect, "fixed_hours": fixed,
        "total_hours": total_hours, "fte_required": total_hours / awt, "staff_cost": staff_cost,
        "premises_cost": premises, "other_cost": other, "purchase_cost": purchase, "revenue": revenue,
        "total_cost": total_cost, "net_cost": total_cost - revenue,
    }
    steps.append(Step("net cost", "staff + premises + other + purchases − revenue", measures["net_cost"]))
    measures["allocation"] = _allocation_step(unit, users, c, tariff, measures, steps, resident_hours)
    measures.update(_roster_steps(data, snapshot, unit_id, service, measures, steps))
    return UnitTrace(unit_id, steps, measures)


def _allocation_step(unit: pd.Series, users: pd.DataFrame, c: EngineConstants, tariff: Tariff | None,
                     measures: dict[str, float], steps: list[Step], resident_hours: dict[str, float]) -> float:
    """The unit's budget (resursfördelning): its net cost under the derived key; under a tariff, for housing, each
    resident's (base + level price) × days plus its share of the premises, row by row from the price list — and a
    resident whose level the tariff lacks keeps its need-based cost (its hours and its shares of the unit's fixed
    hours, premises and other costs), as the run does and warns."""
    if tariff is None or unit["service"] not in ("bostad_vuxna", "bostad_barn") or users.empty:
        steps.append(Step("allocation (resursfördelning)", "= net cost: the derived key prices each level from the "
                          "same parameters as the cost", measures["net_cost"]))
        return measures["net_cost"]
    prices = tariff.prices.set_index(["housing_type", "level"])["price_per_day"]
    housing_type = unit["housing_type"]
    base = float(prices.get((housing_type, 0), 0.0))
    n = len(users)
    per_hour = measures["staff_cost"] / measures["total_hours"] if measures["total_hours"] else 0.0
    tariffed = derived = 0.0
    priced = 0
    for user in users.itertuples():
        level = int(user.level)
        if (housing_type, level) in prices.index:
            price = float(prices[(housing_type, level)])
            tariffed += (base + price) * c.days
            priced += 1
            steps.append(Step(f"resident {user.user_id} (level {level}) tariff price",
                              f"({base:,.0f} base + {price:,.0f} level {level}) SEK/day × {c.days} days "
                              f"({tariff.file})", (base + price) * c.days))
            continue
        cost = ((resident_hours[user.user_id] + measures["fixed_hours"] / n) * per_hour
                + (measures["premises_cost"] + measures["other_cost"]) / n)
        derived += cost
        steps.append(Step(f"resident {user.user_id} (level {level}) has no tariff price: its need-based cost (the "
                          "run warned: tariff_missing_price)",
                          f"({resident_hours[user.user_id]:,.1f} h + {measures['fixed_hours']:,.1f} fixed h / {n}) × "
                          f"{per_hour:,.2f} + ({measures['premises_cost']:,.0f} premises + "
                          f"{measures['other_cost']:,.0f} other) / {n}", cost))
    premises = measures["premises_cost"] * priced / n
    formula = (f"{derived:,.0f} need-based: no resident has a tariff price" if not priced else
               f"{tariffed:,.0f} tariff + {premises:,.0f} premises of the {priced} priced "
               f"resident{'s' if priced > 1 else ''}" + (f" + {derived:,.0f} need-based" if priced < n else ""))
    steps.append(Step("allocation (resursfördelning)", formula, tariffed + premises + derived))
    return tariffed + premises + derived


def _roster_steps(data: Municipality, snapshot: Snapshot, unit_id: str, service: str, measures: dict[str, float],
                  steps: list[Step]) -> dict[str, float]:
    """The roster (bemanning) row by row at each role's own cost per FTE, and the staffing gap against the
    need: the need is costed at the service's role mix, so the gap in SEK is not the gap in FTE × one rate."""
    rate_service = service if service in SERVICE_ROLES else "daglig_verksamhet"
    fte = cost = 0.0
    for row in data.staff[data.staff["unit_id"] == unit_id].itertuples():
        per_fte = role_cost_per_fte(snapshot, row.role, rate_service)
        steps.append(Step(f"roster: {row.role}", f"{row.fte:g} FTE × {per_fte:,.0f} SEK per FTE (the role's salary "
                          "× 12 × (1+holiday) × (1+OB) × (1+PO))", row.fte * per_fte,
                          [f"salaries.{row.role}", *HOLIDAY_PAY,
                           f"{rate_service}.unsocial_hours_supplement", "payroll.po_rate"]))
        fte, cost = fte + row.fte, cost + row.fte * per_fte
    gaps = {"fte_roster": fte, "roster_cost": cost, "staffing_gap_fte": fte - measures["fte_required"],
            "staffing_gap_sek": cost - measures["staff_cost"]}
    steps.append(Step("staffing gap in FTE (+ = over, − = under)",
                      f"{fte:,.2f} roster FTE − {measures['fte_required']:,.2f} required", gaps["staffing_gap_fte"]))
    steps.append(Step("staffing gap in SEK (+ = over, − = under)",
                      f"{cost:,.0f} roster cost − {measures['staff_cost']:,.0f} need-based staff cost",
                      gaps["staffing_gap_sek"]))
    return gaps


def reference_units(data: Municipality, snapshot: Snapshot, c: EngineConstants, tariff: Tariff | None = None
                    ) -> pd.DataFrame:
    """All units by the reference implementation (for equality tests and benchmarks; ``tariff`` as the run's)."""
    rows = [{"unit_id": u, **unit_reference(data, snapshot, c, u, tariff).measures} for u in data.units["unit_id"]]
    return pd.DataFrame(rows)
