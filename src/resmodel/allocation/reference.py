"""A plain per-user reference implementation of the engine's formulas, unit by unit.

It is slow on purpose: one loop, scalar arithmetic, every step named. Tests check the
vectorised engine against it, benchmarks compare their speed, and `explain` prints its steps."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from resmodel.allocation.engine import EngineConstants, Municipality, Tariff
from resmodel.allocation.staff_cost import SERVICE_ROLES, holiday_pay_share, role_cost_per_fte
from resmodel.params.tree import Snapshot

#: the parameters the holiday pay supplement is made of (allocation.staff_cost.holiday_pay_share)
HOLIDAY_PAY = ("staff_cost.holiday_pay_per_leave_day", "working_time.annual_leave_days")


@dataclass
class Step:
    """One named part of a unit's result: what it is, how it was computed, its value, its parameters, and the
    decimals its value is shown with (6 where the shown operands give it exactly, as 1 167.645 hours)."""

    label: str
    formula: str
    value: float
    parameters: list[str] = field(default_factory=list)
    decimals: int = 2
    measures: tuple[str, ...] = ()  # the unit measures this line's result is (explain's header is read off it)


@dataclass
class UnitTrace:
    unit_id: str
    steps: list[Step]
    measures: dict[str, float]


def half_up(x: float | Decimal, decimals: int) -> Decimal:
    """``x`` rounded half up at ``decimals``, read as the decimal it prints as: a calculator's 1 167.645 h is
    1 167.65 at two decimals, where rounding the binary float gave 1 167.64 (controller re-walk, finding 5)."""
    value = x if isinstance(x, Decimal) else Decimal(repr(float(x)))
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP) + 0  # + 0: no '-0'


def figure(x: float | Decimal, decimals: int = 6) -> str:
    """``x`` with thousands separators and at most ``decimals`` decimals, trailing zeros dropped: an input as it
    was given (0.00605, 1,120,000), or a value its shown inputs give exactly (1,167.645)."""
    text = f"{half_up(x, decimals):,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def operand(x: float, times: float = 1.0, result_decimals: int = 2) -> str:
    """A computed operand (a cost per hour, a sum of hours) with enough decimals that its rounding, multiplied by
    ``times`` (the factor it is multiplied by, or the number of terms it is added to), moves a result shown with
    ``result_decimals`` by well under its last digit: the shown arithmetic then gives the shown result (audit:
    '7,784.3 × 0.15 = 1,167.64' did not)."""
    scale = max(0, math.ceil(math.log10(abs(times)))) if times else 0
    return figure(x, min(result_decimals + 3 + scale, 12))


def shown(value: float | Decimal, decimals: int = 2) -> str:
    """A step's value as `explain` prints it: ``decimals`` decimals (half up), trailing zeros beyond the second
    dropped."""
    head, _, tail = f"{half_up(value, decimals):,.{decimals}f}".partition(".")
    tail = tail[:2] + tail[2:].rstrip("0")
    return f"{head}.{tail}" if tail else head


def sum_step(label: str, terms: list[tuple[float, str]], measures: tuple[str, ...] = (), empty: str = "none") -> Step:
    """A Σ line: its terms as the lines above show them (6 decimals) and their sum, so that its figures add up on a
    calculator and a line below can use that sum as shown (controller re-walk, findings 8 and 11: the roster rows
    added to .86, the gap line used .853742); within a millionth per term of the measure it shows."""
    figures = [figure(value, 6) for value, _ in terms]
    total = sum((Decimal(f.replace(",", "")) for f in figures), Decimal(0))
    formula = " + ".join(f"{f} {name}".rstrip() for f, (_, name) in zip(figures, terms, strict=True)) or empty
    return Step(label, formula, float(total), decimals=6, measures=measures)


def _role_steps(snapshot: Snapshot, roles: list[str], service: str) -> list[Step]:
    """Each role's cost per FTE from its parts, the holiday pay supplement's among them (controller re-walk, finding
    3: the role-mix and roster lines multiplied per-role figures that no line gave)."""
    per_day, days = snapshot["staff_cost.holiday_pay_per_leave_day"], snapshot["working_time.annual_leave_days"]
    ob, po = snapshot[f"{service}.unsocial_hours_supplement"], snapshot["payroll.po_rate"]
    steps = []
    for role in roles:
        salary = snapshot[f"salaries.{role}"]
        holiday = operand(holiday_pay_share(snapshot), salary * 12.0 * (1.0 + ob) * (1.0 + po))
        steps.append(Step(f"cost per FTE, {role}", f"salary {figure(salary)} × 12 × (1 + holiday {figure(per_day)} × "
                          f"{figure(days)} / 12 = {holiday}) × (1 + OB {figure(ob)}) × (1 + PO {figure(po)})",
                          role_cost_per_fte(snapshot, role, service),
                          [f"salaries.{role}", *HOLIDAY_PAY, f"{service}.unsocial_hours_supplement", "payroll.po_rate"]))
    return steps


def _open_weeks_step(snapshot: Snapshot, c: EngineConstants) -> Step:
    """Where daily activity's open weeks come from (controller re-walk, finding 9: '48.2 open weeks' had no line):
    the weekdays less the weekday holidays and the summer closure, over 5 (working_time.open_weeks)."""
    wt = c.working_time
    return Step("open weeks of daily activity", f"({wt.weekdays} weekdays − {wt.holidays_on_weekdays} holidays − "
                f"{figure(snapshot['daglig_verksamhet.closure_days'])} closure days) / 5", c.open_weeks,
                ["daglig_verksamhet.closure_days", "working_time.count_holiday_eves"], decimals=6)


def _equal_split_note(data: Municipality, premises_id: str) -> str:
    """Why a small unit sharing premises carries as much rent as a large one (section-manager walk): the split
    is by unit, not by users, with each sharing unit's users; '' for premises of one unit."""
    sharing = sorted(data.units.loc[data.units["premises_id"] == premises_id, "unit_id"])
    if len(sharing) < 2:
        return ""
    users = data.users["unit_id"].value_counts()
    listed = ", ".join(f"{u} {int(users.get(u, 0))}" for u in sharing)
    return f" (an equal split by unit, not by users — users: {listed}; docs/model.md)"


#: services whose users carry staff hours (a purchased unit's too); external places and bought assistance have none
HOURS_SERVICES = ("daglig_verksamhet", "bostad_vuxna", "bostad_barn")
#: why a unit without staff of its own has no hours, FTE or roster
NO_STAFF = {"externa_platser": "the places are bought at a day price",
            "personlig_assistans": "the assistance is bought: the SFB cases' first 20 hours a week at the state "
                                   "rate, the LSS cases' hours at the providers' price"}
PA_RATE = ["personlig_assistans.state_hourly_rate", "personlig_assistans.municipal_hours_per_week"]
#: the measures that a unit without staff of its own has none of: its 'staff of its own' line gives them as 0
NO_STAFF_MEASURES = ("direct_hours", "indirect_hours", "fixed_hours", "total_hours", "fte_required", "staff_cost")


@dataclass
class _Assistance:
    """One personal-assistance service's cases in a unit, summed as the steps show them (weekly hours)."""

    cases: int = 0
    weekly: float = 0.0     # Σ weekly hours
    capped: float = 0.0     # Σ min(weekly hours, 20): the municipality's hours (SFB)
    beyond: float = 0.0     # Σ max(weekly hours − 20, 0): the state's hours (SFB)
    hours: float = 0.0      # Σ weekly hours × weeks, case by case
    revenue: float = 0.0
    purchase: float = 0.0


def unit_reference(data: Municipality, snapshot: Snapshot, c: EngineConstants, unit_id: str,
                   tariff: Tariff | None = None) -> UnitTrace:
    """Hours, FTE, cost and allocation of one unit computed user by user, with each step recorded (``tariff``:
    the level price list of a scenario with ``allocation_key: tariff``); a unit without staff of its own shows
    no working time, a personal-assistance unit its SFB and LSS cases' totals."""
    unit = data.units.set_index("unit_id").loc[unit_id]
    users = data.users[data.users["unit_id"] == unit_id]
    service, own = unit["service"], unit["regi"] == "egen"
    steps: list[Step] = []
    direct = indirect = fixed = 0.0
    staff_cost = other = purchase = revenue = 0.0
    resident_hours: dict[str, float] = {}  # a housing resident's support hours (a tariff's unpriced level keeps them)
    assistance = {"personlig_assistans_sfb": _Assistance(), "personlig_assistans_lss": _Assistance()}
    wt = c.working_time
    awt = wt.available_hours
    weeks = f"{c.days}/7 weeks"  # the year's days over 7: exact, where 52.2857 was not
    rates = c.rates.get(service)
    staffed = bool(own and rates is not None)
    if staffed or service in HOURS_SERVICES:
        steps.append(Step("available working time per FTE (AWT)",
                          f"({wt.weekdays} weekdays − {figure(wt.annual_leave_days)} leave − {wt.holidays_on_weekdays} "
                          f"holidays − {figure(wt.training_days)} training and other planned absence) × "
                          f"{figure(wt.hours_per_day)} h × (1 − {figure(wt.sick_leave_rate)} sick)", awt,
                          ["working_time.annual_leave_days", "working_time.contract_hours_per_week",
                           "working_time.sick_leave_rate", "working_time.training_days",
                           "working_time.count_holiday_eves"], decimals=6))
    if staffed:
        roster_roles = list(dict.fromkeys(data.staff.loc[data.staff["unit_id"] == unit_id, "role"]))
        steps += _role_steps(snapshot, [*rates.role_share, *(r for r in roster_roles if r not in rates.role_share)],
                             service)
        parts = " + ".join(f"{figure(rates.role_share[r])} × {operand(rates.role_cost_per_fte[r], rates.role_share[r])}"
                           for r in rates.role_share)
        roles = list(rates.role_share)
        params = [f"salaries.{r}" for r in roles] + [*HOLIDAY_PAY,
                                                     f"{service}.unsocial_hours_supplement", "payroll.po_rate"]
        if len(roles) > 1:
            params += [f"{service}.role_mix.{r}" for r in roles]
        steps.append(Step("cost per FTE (salary × 12 × (1+holiday) × (1+OB) × (1+PO), by role mix; holiday = "
                          "holiday pay per leave day × leave days / 12)", parts,
                          rates.cost_per_fte, params))
        steps.append(Step("cost per staffed hour", f"{operand(rates.cost_per_fte, 1 / awt, 6)} / {figure(awt)}",
                          rates.cost_per_hour, decimals=6))
    if service == "daglig_verksamhet":
        steps.append(_open_weeks_step(snapshot, c))
    user_hours: list[float] = []  # each user's direct hours (daily activity, housing), for their Σ line
    for user in users.itertuples():
        if service == "daglig_verksamhet":
            ratio = snapshot.levels("daglig_verksamhet.staff_ratio")[int(user.level) - 1]
            d = ratio * user.weekly_hours * c.open_weeks
            i = d * snapshot["daglig_verksamhet.indirect_share"]
            direct, indirect = direct + d, indirect + i
            user_hours.append(d)
            other += snapshot["daglig_verksamhet.other_cost_per_user"]
            steps.append(Step(f"user {user.user_id} (level {int(user.level)}, {figure(user.weekly_hours)} h/week) "
                              "direct hours", f"{figure(ratio)} × {figure(user.weekly_hours)} × "
                              f"{figure(c.open_weeks)} open weeks", d,
                              ["daglig_verksamhet.staff_ratio", "daglig_verksamhet.closure_days"], decimals=6))
        elif service in ("bostad_vuxna", "bostad_barn"):
            per_day = snapshot.levels(f"{service}.support_hours_per_day")[int(user.level) - 1]
            d = per_day * c.days
            direct += d
            user_hours.append(d)
            resident_hours[user.user_id] = d
            other += snapshot[f"{service}.other_cost_per_resident"]
            steps.append(Step(f"resident {user.user_id} (level {int(user.level)}) support hours",
                              f"{figure(per_day)} h/day × {c.days} days", d, [f"{service}.support_hours_per_day"],
                              decimals=6))
        elif service == "externa_platser":
            p = user.day_price * c.days
            purchase += p
            steps.append(Step(f"place {user.user_id} purchase", f"{figure(user.day_price)} SEK/day × {c.days} days", p,
                              decimals=6))
        else:
            d, r, p = _assistance_case(user, snapshot, c, own, assistance[user.service], steps, weeks)
            direct, revenue, purchase = direct + d, revenue + r, purchase + p
    if service in HOURS_SERVICES:
        steps.append(sum_step(f"direct hours (Σ of the {len(users)} users' lines above)",
                              [(d, "") for d in user_hours], ("direct_hours",), "no users"))
    if service == "daglig_verksamhet":
        fixed = snapshot["daglig_verksamhet.fixed_hours_per_unit"]
        steps.append(Step("indirect hours", f"{figure(direct)} × {figure(snapshot['daglig_verksamhet.indirect_share'])}",
                          indirect, ["daglig_verksamhet.indirect_share"], decimals=6, measures=("indirect_hours",)))
        steps.append(Step("fixed unit hours", "per unit", fixed, ["daglig_verksamhet.fixed_hours_per_unit"], decimals=6,
                          measures=("fixed_hours",)))
        steps.append(Step("other costs", f"{len(users)} users × "
                          f"{figure(snapshot['daglig_verksamhet.other_cost_per_user'])}",
                          other, ["daglig_verksamhet.other_cost_per_user"], decimals=6, measures=("other_cost",)))
    elif service in ("bostad_vuxna", "bostad_barn"):
        shift = (unit["day_staff"] * snapshot[f"{service}.shifts.day_hours"]
                 + unit["evening_staff"] * snapshot[f"{service}.shifts.evening_hours"]
                 + unit["night_awake_staff"] * snapshot[f"{service}.shifts.night_hours"]
                 + unit["night_sleeping_staff"] * snapshot[f"{service}.shifts.night_hours"]
                 * snapshot[f"{service}.shifts.sleeping_night_weight"])
        fixed = shift * c.days
        h = {k: figure(snapshot[f"{service}.shifts.{k}"]) for k in ("day_hours", "evening_hours", "night_hours",
                                                                   "sleeping_night_weight")}
        steps.append(Step("base staffing hours (day, evening, awake and sleeping night)",
                          f"({figure(unit['day_staff'])} day × {h['day_hours']} h + {figure(unit['evening_staff'])} "
                          f"evening × {h['evening_hours']} h + {figure(unit['night_awake_staff'])} awake night × "
                          f"{h['night_hours']} h + {figure(unit['night_sleeping_staff'])} sleeping night × "
                          f"{h['night_hours']} h × {h['sleeping_night_weight']}) × {c.days} days",
                          fixed, [f"{service}.shifts.day_hours", f"{service}.shifts.evening_hours",
                                  f"{service}.shifts.night_hours", f"{service}.shifts.sleeping_night_weight"],
                          decimals=6, measures=("fixed_hours",)))
        steps.append(Step("other costs", f"{len(users)} residents × "
                          f"{figure(snapshot[f'{service}.other_cost_per_resident'])}",
                          other, [f"{service}.other_cost_per_resident"], decimals=6, measures=("other_cost",)))
    elif service == "externa_platser" and len(users):
        steps.append(Step(f"Σ purchases of the {len(users)} places", f"Σ day price {figure(users['day_price'].sum())} "
                          f"SEK/day × {c.days} days", purchase, decimals=6, measures=("purchase_cost",)))
    if service == "personlig_assistans" and own:
        steps += _assistance_hours_steps(assistance, weeks)
    total_hours = direct + indirect + fixed
    if staffed or service in HOURS_SERVICES:
        steps.append(sum_step("total hours", [(direct, "direct"), (indirect, "indirect"), (fixed, "fixed")],
                              ("total_hours",)))
        steps.append(Step("FTE required (årsarbetare)", f"({figure(direct)} direct + {figure(indirect)} indirect + "
                          f"{figure(fixed)} fixed) h / {figure(awt)} h per FTE", total_hours / awt,
                          measures=("fte_required",)))
    else:
        steps.append(Step("staff of its own (hours, FTE, roster)", f"none — {NO_STAFF.get(service, 'bought')}", 0.0,
                          measures=NO_STAFF_MEASURES))
    if staffed:
        staff_cost = total_hours * rates.cost_per_hour
        steps.append(Step("staff cost", f"{operand(total_hours, rates.cost_per_hour)} h × "
                          f"{operand(rates.cost_per_hour, total_hours)}", staff_cost, measures=("staff_cost",)))
        if service == "personlig_assistans":
            share = snapshot["personlig_assistans.overhead_share"]
            other = staff_cost * share
            steps.append(Step("provider overhead", f"{operand(staff_cost, share)} × {figure(share)}",
                              other, ["personlig_assistans.overhead_share"], measures=("other_cost",)))
    premises = 0.0
    if isinstance(unit["premises_id"], str):
        prem = data.premises.set_index("premises_id").loc[unit["premises_id"]]
        sharing = int((data.units["premises_id"] == unit["premises_id"]).sum())
        premises = prem["annual_rent"] / sharing
        steps.append(Step("premises cost", f"rent {figure(prem['annual_rent'])} / {sharing} "
                          f"unit{'s' if sharing > 1 else ''} in the premises"
                          + _equal_split_note(data, unit["premises_id"]), premises, decimals=6,
                          measures=("premises_cost",)))
    total_cost = staff_cost + premises + other + purchase
    measures = {
        "users": float(len(users)), "direct_hours": direct, "indirect_hours": indirect, "fixed_hours": fixed,
        "total_hours": total_hours, "fte_required": total_hours / awt, "staff_cost": staff_cost,
        "premises_cost": premises, "other_cost": other, "purchase_cost": purchase, "revenue": revenue,
        "total_cost": total_cost, "net_cost": total_cost - revenue, "sfb_municipal_share": 0.0, "own_provider_gap": 0.0,
    }
    if service == "personlig_assistans":
        measures.update(_assistance_steps(snapshot, c, own, rates, assistance, measures, steps, weeks))
    steps += _cost_steps(steps, measures, "provider overhead" if staffed and service == "personlig_assistans"
                         else "other")
    measures["allocation"] = _allocation_step(unit, users, c, tariff, measures, steps, resident_hours, staffed)
    measures.update(_roster_steps(data, snapshot, unit_id, service, measures, steps,
                                  staffed or service in HOURS_SERVICES))
    return UnitTrace(unit_id, steps, measures)


def _cost_steps(steps: list[Step], measures: dict[str, float], other: str) -> list[Step]:
    """The net cost from its parts and, where revenue makes it another figure, the total cost (controller re-walk,
    finding 4: PA-EGEN's 135 003 192.40 was on no line). A part a line above shows exactly (6 decimals: a Σ line)
    is taken as that line shows it (finding 8), the other costs keep the name their line has (finding 10)."""
    keys = [("staff_cost", "staff"), ("premises_cost", "premises"), ("other_cost", other), ("purchase_cost", "purchases")]
    exact = {key: figure(s.value, s.decimals) for s in steps if s.decimals >= 6 for key in s.measures}
    terms = [exact.get(key, operand(measures[key], len(keys) + 1)) + f" {name}" for key, name in keys if measures[key]]
    costs = " + ".join(terms) or "0 costs"
    revenue = measures["revenue"]
    if not revenue:
        return [Step("net cost", costs, measures["net_cost"], measures=("net_cost", "total_cost"))]
    return [Step("total cost", costs, measures["total_cost"], measures=("total_cost",)),
            Step("net cost", f"{costs} − {exact.get('revenue', operand(revenue, len(keys) + 1))} revenue",
                 measures["net_cost"], measures=("net_cost",))]


def _assistance_case(user, snapshot: Snapshot, c: EngineConstants, own: bool, totals: _Assistance,
                     steps: list[Step], weeks: str) -> tuple[float, float, float]:
    """One personal-assistance case: its hours (own provider) and the state's compensation beyond 20 h/week
    (SFB), or what the municipality buys (its 20-hour share of an SFB case, an LSS case's hours); returns
    (hours, revenue, purchase) and adds the case to its service's totals."""
    rate = snapshot["personlig_assistans.state_hourly_rate"]
    cap = snapshot["personlig_assistans.municipal_hours_per_week"]
    hours = user.weekly_hours * c.weeks
    sfb = user.service == "personlig_assistans_sfb"
    weekly = figure(user.weekly_hours)
    totals.cases += 1
    totals.weekly += user.weekly_hours
    totals.hours += hours
    if sfb:
        totals.capped += min(user.weekly_hours, cap)
        totals.beyond += max(user.weekly_hours - cap, 0.0)
    d = r = p = 0.0
    if own:
        d = hours
        steps.append(Step(f"case {user.user_id} ({user.service}) assistance hours", f"{weekly} h/week × {weeks}",
                          hours, decimals=6))
        if sfb:
            r = max(user.weekly_hours - cap, 0.0) * c.weeks * rate
            steps.append(Step(f"case {user.user_id} state compensation beyond {figure(cap)} h/week",
                              f"max({weekly} − {figure(cap)}, 0) × {weeks} × {figure(rate)}", r, PA_RATE, decimals=6))
    elif sfb:
        p = min(user.weekly_hours, cap) * c.weeks * rate
        steps.append(Step(f"case {user.user_id} municipal share (first {figure(cap)} h/week)",
                          f"min({weekly}, {figure(cap)}) × {weeks} × {figure(rate)}", p, PA_RATE, decimals=6))
    else:
        price = snapshot["personlig_assistans.lss_purchase_price_per_hour"]
        p = hours * price
        steps.append(Step(f"case {user.user_id} LSS hours bought", f"{weekly} h/week × {weeks} × {figure(price)}", p,
                          ["personlig_assistans.lss_purchase_price_per_hour"], decimals=6))
    totals.revenue += r
    totals.purchase += p
    return d, r, p


def _assistance_hours_steps(assistance: dict[str, _Assistance], weeks: str) -> list[Step]:
    """The own provider's SFB and LSS cases' hours and their sum, its direct hours (controller re-walk, finding 4)."""
    sfb, lss = assistance["personlig_assistans_sfb"], assistance["personlig_assistans_lss"]
    steps = [Step(f"assistance hours of the {cases.cases} {key} cases",
                  f"Σ weekly hours {figure(cases.weekly)} h/week × {weeks}", cases.hours, decimals=6)
             for key, cases in (("SFB", sfb), ("LSS", lss))]
    return [*steps, sum_step(f"direct hours: assistance hours of the {sfb.cases + lss.cases} cases",
                             [(sfb.hours, "SFB"), (lss.hours, "LSS")], ("direct_hours",))]


def _assistance_steps(snapshot: Snapshot, c: EngineConstants, own: bool, rates, assistance: dict[str, _Assistance],
                      measures: dict[str, float], steps: list[Step], weeks: str) -> dict[str, float]:
    """A personal-assistance unit's totals (audit: a controller had to add up its case lines): its SFB and LSS
    cases' hours, Σ revenue or Σ purchases, each service's net cost (the unit's part of the two service totals),
    the municipality's 20-hour share of the SFB cases (sfb_municipal_share) and, for the own provider, its
    financing gap (own_provider_gap = cost − hours × state rate); returns the two measures."""
    rate = snapshot["personlig_assistans.state_hourly_rate"]
    cap = figure(snapshot["personlig_assistans.municipal_hours_per_week"])
    sfb, lss = assistance["personlig_assistans_sfb"], assistance["personlig_assistans_lss"]
    n = sfb.cases + lss.cases
    share = sfb.capped * c.weeks * rate
    share_step = Step(f"municipal share of the {sfb.cases} SFB cases (sfb_municipal_share: the first {cap} h/week at "
                      f"the state rate)", f"Σ min(weekly hours, {cap}) = {figure(sfb.capped)} h/week × {weeks} × "
                      f"{figure(rate)}", share, PA_RATE, decimals=6, measures=("sfb_municipal_share",))
    if not own:
        price = snapshot["personlig_assistans.lss_purchase_price_per_hour"]
        steps.append(share_step)
        steps.append(Step(f"LSS hours bought for the {lss.cases} LSS cases", f"Σ weekly hours {figure(lss.weekly)} "
                          f"h/week × {weeks} × {figure(price)}", lss.purchase,
                          ["personlig_assistans.lss_purchase_price_per_hour"], decimals=6))
        steps.append(sum_step("Σ purchases (SFB + LSS)", [(share, "SFB"), (lss.purchase, "LSS")], ("purchase_cost",)))
        return {"sfb_municipal_share": share, "own_provider_gap": 0.0}
    steps.append(Step(f"Σ revenue: state compensation beyond {cap} h/week of the {sfb.cases} SFB cases",
                      f"Σ max(weekly hours − {cap}, 0) = {figure(sfb.beyond)} h/week × {weeks} × {figure(rate)}",
                      measures["revenue"], PA_RATE, decimals=6, measures=("revenue",)))
    overhead = snapshot["personlig_assistans.overhead_share"]
    per_hour = rates.cost_per_hour * (1.0 + overhead)
    hourly = operand(rates.cost_per_hour, max(sfb.hours, lss.hours, 1.0))  # the same digits on every line
    for key, cases in (("SFB", sfb), ("LSS", lss)):
        rent = measures["premises_cost"] * cases.cases / n if n else 0.0
        steps.append(Step(f"net cost of the {cases.cases} {key} cases (the unit's part of "
                          f"personlig_assistans_{key.lower()})",
                          f"{operand(cases.hours, per_hour)} h × {hourly} × "
                          f"(1 + {figure(overhead)} overhead)"
                          + (f" − {operand(cases.revenue, 3)} revenue" if cases.revenue else "")
                          + (f" + {operand(rent, 3)} premises ({cases.cases} of {n} cases)" if rent else ""),
                          cases.hours * per_hour - cases.revenue + rent, ["personlig_assistans.overhead_share"]))
    steps.append(share_step)
    gap = sfb.hours * rates.cost_per_hour * (1.0 + overhead) - sfb.hours * rate
    steps.append(Step(f"own-provider gap of the {sfb.cases} SFB cases (own_provider_gap: cost − hours × state rate; "
                      "their net cost above = gap + municipal share" + (" + premises)" if measures["premises_cost"]
                                                                         else ")"),
                      f"{operand(sfb.hours, per_hour)} h × {hourly} × "
                      f"(1 + {figure(overhead)} overhead) − {operand(sfb.hours, rate)} h × {figure(rate)}", gap,
                      [*PA_RATE, "personlig_assistans.overhead_share"], measures=("own_provider_gap",)))
    return {"sfb_municipal_share": share, "own_provider_gap": gap}


#: why a unit's budget under the derived key is its net cost, by service (a unit of another service: generic)
DERIVED_KEY = {("externa_platser", False): "a bought place is allocated what it costs, day price × days",
               ("personlig_assistans", True): "the cases' hours are priced from the same parameters as the cost, "
                                              "less the state's compensation",
               ("personlig_assistans", False): "the municipal share of the SFB cases and the LSS hours, as bought"}


def _allocation_step(unit: pd.Series, users: pd.DataFrame, c: EngineConstants, tariff: Tariff | None,
                     measures: dict[str, float], steps: list[Step], resident_hours: dict[str, float],
                     staffed: bool) -> float:
    """The unit's budget (resursfördelning): its net cost under the derived key; under a tariff, for housing, each
    resident's (base + level price) × days plus its share of the premises, row by row from the price list — and a
    resident whose level the tariff lacks keeps its need-based cost (its hours and its shares of the unit's fixed
    hours, premises and other costs), as the run does and warns."""
    if tariff is None or unit["service"] not in ("bostad_vuxna", "bostad_barn") or users.empty:
        why = DERIVED_KEY.get((unit["service"], staffed), "the derived key prices each level from the same "
                              "parameters as the cost" if staffed else "the unit's costs are allocated as they are")
        steps.append(Step("allocation (resursfördelning)", f"= net cost: {why}", measures["net_cost"],
                          measures=("allocation",)))
        return measures["net_cost"]
    prices = tariff.prices.set_index(["housing_type", "level"])["price_per_day"]
    housing_type = unit["housing_type"]
    base = float(prices.get((housing_type, 0), 0.0))
    n = len(users)
    per_hour = measures["staff_cost"] / measures["total_hours"] if measures["total_hours"] else 0.0
    shared = (measures["premises_cost"] + measures["other_cost"]) / n
    tariffed = derived = 0.0
    priced = 0
    for user in users.itertuples():
        level = int(user.level)
        if (housing_type, level) in prices.index:
            price = float(prices[(housing_type, level)])
            tariffed += (base + price) * c.days
            priced += 1
            steps.append(Step(f"resident {user.user_id} (level {level}) tariff price",
                              f"({figure(base)} base + {figure(price)} level {level}) SEK/day × {c.days} days "
                              f"({tariff.file})", (base + price) * c.days, decimals=6))
            continue
        hours = resident_hours[user.user_id] + measures["fixed_hours"] / n
        cost = hours * per_hour + shared
        derived += cost
        steps.append(Step(f"resident {user.user_id} (level {level}) has no tariff price: its need-based cost (the "
                          "run warned: tariff_missing_price)",
                          f"({figure(resident_hours[user.user_id])} h + {figure(measures['fixed_hours'])} fixed h / "
                          f"{n}) × {operand(per_hour, hours)} SEK/h + ({operand(measures['premises_cost'], 2)} "
                          f"premises + {operand(measures['other_cost'], 2)} other) / {n}", cost))
    premises = measures["premises_cost"] * priced / n
    formula = (f"{operand(derived, 3)} need-based: no resident has a tariff price" if not priced else
               f"{operand(tariffed, 3)} tariff + {operand(premises, 3)} premises of the {priced} priced "
               f"resident{'s' if priced > 1 else ''}" + (f" + {operand(derived, 3)} need-based" if priced < n else ""))
    steps.append(Step("allocation (resursfördelning)", formula, tariffed + premises + derived, measures=("allocation",)))
    return tariffed + premises + derived


def _roster_steps(data: Municipality, snapshot: Snapshot, unit_id: str, service: str, measures: dict[str, float],
                  steps: list[Step], shown_always: bool) -> dict[str, float]:
    """The roster (bemanning) row by row at each role's own cost per FTE (its line above), its Σ FTE and Σ cost,
    and the staffing gap against the need: the need is costed at the service's role mix, so the gap in SEK is not
    the gap in FTE × one rate. Each row is shown to 6 decimals so that the rows add up to the Σ cost the gap line
    uses (controller re-walk, finding 11). A unit with no roster rows and no hours of its own (bought places,
    bought assistance) gets no roster or gap lines."""
    rate_service = service if service in SERVICE_ROLES else "daglig_verksamhet"
    fte = cost = 0.0
    rows = data.staff[data.staff["unit_id"] == unit_id]  # only a unit of its own staff has rows (io.municipality)
    costs = []
    for row in rows.itertuples():
        per_fte = role_cost_per_fte(snapshot, row.role, rate_service)
        steps.append(Step(f"roster: {row.role}", f"{figure(row.fte)} FTE × {operand(per_fte, row.fte, 6)} SEK per "
                          "FTE (the role's salary × 12 × (1+holiday) × (1+OB) × (1+PO))", row.fte * per_fte,
                          [f"salaries.{row.role}", *HOLIDAY_PAY,
                           f"{rate_service}.unsocial_hours_supplement", "payroll.po_rate"], decimals=6))
        fte, cost = fte + row.fte, cost + row.fte * per_fte
        costs.append((row.fte * per_fte, row.role))
    gaps = {"fte_roster": fte, "roster_cost": cost, "staffing_gap_fte": fte - measures["fte_required"],
            "staffing_gap_sek": cost - measures["staff_cost"]}
    if rows.empty and not shown_always:
        return gaps
    roster_fte = sum_step("Σ roster FTE", [(row.fte, "") for row in rows.itertuples()], ("fte_roster",), "no rows")
    roster_cost = sum_step("Σ roster cost", costs, ("roster_cost",), "no rows")
    steps += [roster_fte, roster_cost]
    steps.append(Step("staffing gap in FTE (+ = over, − = under)",
                      f"{figure(roster_fte.value)} roster FTE − {operand(measures['fte_required'], 2)} required",
                      gaps["staffing_gap_fte"], measures=("staffing_gap_fte",)))
    steps.append(Step("staffing gap in SEK (+ = over, − = under)",
                      f"{figure(roster_cost.value)} roster cost − {operand(measures['staff_cost'], 2)} need-based "
                      "staff cost", gaps["staffing_gap_sek"], measures=("staffing_gap_sek",)))
    return gaps


def reference_units(data: Municipality, snapshot: Snapshot, c: EngineConstants, tariff: Tariff | None = None
                    ) -> pd.DataFrame:
    """All units by the reference implementation (for equality tests and benchmarks; ``tariff`` as the run's)."""
    rows = [{"unit_id": u, **unit_reference(data, snapshot, c, u, tariff).measures} for u in data.units["unit_id"]]
    return pd.DataFrame(rows)
