"""The queue of decisions not executed (*ej verkställda beslut*), simulated month by month.

Demand (people with a favourable decision) meets capacity (places, or staff × users per FTE).
Three not-executed states are kept apart, as the municipality reports them (facts F0328–F0337):
new decisions waiting for a first place; AIV (avbrott i verkställighet — a user who wants to
change unit, has released the place and waits for a new one, F0331); and AIViV (a longer
absence, the place is kept and the user resumes in the same unit, F0334). Each state is a set
of monthly cohorts, so waiting times are exact: a decision from month d is counted as waiting
more than three months (reported quarterly to IVO, F0314) at the end of month d + 3 and later.
Decisions are taken as dated mid-month, so at a month end a cohort of age a has waited a + ½
months; places free up during the month, so executions are mid-month too: a decision executed in
the month it reaches age a has waited a months, and of those executed at age 3, half are taken to
be executed after the three-month mark (counted as half a late case, with its fee). Places go to
the longest-waiting first (new decisions before AIV at equal age). With a demand, the people with a decision
follow it both ways: a rise is new decisions, a fall is decisions ending (those in service first, their places
going to those waiting), beyond the turnover of the exit rate.

Sanction-fee exposure for cases over three months uses the bounds of LSS 28 c § (at least
10 000 and at most 1 000 000 SEK per case) and, as a central value, court practice of about
36 400 SEK per month of waiting (RÅ 2010 not 93), all from public_parameters.md. It counts the
states in ``QueueParams.fee_states`` (all three by default): an AIViV absence is the user's own, so
whether a fee can follow is for IVO and the court, and the caller may leave it out."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location
from resmodel.forecast.frame import month_ranges

CATEGORIES = ("new", "aiv", "aiviv")
#: the longest wait a decision may start with (--initial-waiting, the API's initial_waiting): a decision waiting
#: longer than 20 years is a typing mistake
MAX_WAIT_MONTHS = 240
#: how to read the queue beside plan-premises and project (the command's note, the API's)
TOTAL_NOTE = ("the queue is of the service's total: any place takes any user, whatever the need level. "
              "plan-premises matches places to the levels they suit (its no_new_premises option can show users "
              "without a place earlier), and project uses the scenario's own volume forecast "
              "(projection.default_model) and yearly averages — so their figures of users without a place differ "
              "from this one (docs/planning.md)")


@dataclass(frozen=True)
class QueueParams:
    """Monthly rates and reporting/fee parameters (defaults: no turnover; F0314; public_parameters.md)."""

    exit_rate: float = 0.0  # share of executed users whose decision ends per month
    aiv_rate: float = 0.0  # share of executed users starting an AIV interruption per month (place released)
    aiviv_rate: float = 0.0  # share of executed users starting an AIViV absence per month (place kept)
    aiviv_resume_rate: float = 0.0  # share of AIViV users resuming per month
    # statutory figures, constants (not parameter files): the queue's column names carry the report age
    report_after_months: int = 3  # F0314: reported when not executed within three months
    fee_min: float = 10_000.0  # LSS 28 c §, public_parameters.md
    fee_max: float = 1_000_000.0  # LSS 28 c §, public_parameters.md
    fee_per_month: float = 36_400.0  # RÅ 2010 not 93, public_parameters.md
    fee_states: tuple[str, ...] = CATEGORIES  # the states whose cases over the report age count in the exposure

    def validate(self) -> None:
        rates = {"exit_rate": self.exit_rate, "aiv_rate": self.aiv_rate, "aiviv_rate": self.aiviv_rate,
                 "aiviv_resume_rate": self.aiviv_resume_rate}
        for name, r in rates.items():
            if not 0 <= r <= 1:
                raise InputError.at(Location(path=f"queue.{name}"), f"{name} = {r} is outside 0–1",
                                    "a monthly share between 0 and 1", f"correct {name}")
        if self.exit_rate + self.aiv_rate + self.aiviv_rate > 1:
            raise InputError.at(Location(path="queue"), "exit, AIV and AIViV rates add up to more than 1",
                                "monthly shares of the executed users summing to at most 1", "lower the rates")
        if not 0 < self.fee_min <= self.fee_max:
            raise InputError.at(Location(path="queue.fee_min"), "fee bounds are not 0 < min ≤ max",
                                "10 000 ≤ fee ≤ 1 000 000 SEK (LSS 28 c §)", "correct the fee bounds")
        unknown = [s for s in self.fee_states if s not in CATEGORIES]
        if unknown or not self.fee_states:
            raise InputError.at(Location(path="queue.fee_states"),
                                f"fee states {', '.join(unknown)} unknown" if unknown else "no fee states",
                                f"one or more of {', '.join(CATEGORIES)}", "name the states whose cases can draw a fee")


@dataclass
class QueueState:
    """People at the start: executed users, and waiting counts by age in months (index = age)."""

    executed: float = 0.0
    new: list[float] = field(default_factory=list)
    aiv: list[float] = field(default_factory=list)
    aiviv: list[float] = field(default_factory=list)

    @classmethod
    def filled(cls, demand: float, capacity: float, new: list[float] | None = None) -> QueueState:
        """Every place that demand can fill is filled at the start (min(demand, capacity) executed),
        with ``new`` decisions already waiting by age in months."""
        return cls(executed=min(float(demand), float(capacity)), new=list(new or []))


@dataclass
class QueueResult:
    """Monthly table, quarterly IVO report with fee exposure, waiting-time distribution, totals."""

    monthly: pd.DataFrame
    quarterly: pd.DataFrame
    waits: pd.DataFrame
    summary: dict


def waiting_note(summary: dict) -> str | None:
    """How to read the mean wait when decisions are still waiting at the end (it counts only those executed)."""
    if summary["still_waiting_at_end"] <= 0.05:
        return None
    return ("mean_wait_months is the mean wait of the decisions executed within the horizon; the "
            f"{summary['still_waiting_at_end']:,.1f} still waiting at the end are not in it")


def count_text(v: float) -> str:
    """A count for a note or message (the queue command's too): 1,295 or 1,304.90."""
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def start_note(months: pd.DatetimeIndex, demand: float, capacity: float, waiting_option: str) -> str | None:
    """When the first month's demand exceeds its places, those without one start as that month's decisions, so none
    counts as waiting three months before the fourth month: say so, and how to give decisions already waiting
    (``waiting_option``, as the caller's user writes it: an option or a field)."""
    if demand <= capacity:
        return None
    return (f"in {months[0]:%Y-%m} the demand of {count_text(demand)} exceeds the capacity of {count_text(capacity)}: the "
            f"{count_text(demand - capacity)} without a place start as decisions of {months[0]:%Y-%m}, so none has waited "
            f"three months before {months[min(3, len(months) - 1)]:%Y-%m}; give {waiting_option} for decisions already "
            "waiting at the start (docs/forecasting.md §4)")


def excess_start_note(months: pd.DatetimeIndex, demand: float, initial: QueueState, options: str) -> str | None:
    """When the start holds more people with a decision (served and waiting) than the first month's demand, the
    difference ends in that month as a fall of the demand would: say so, and which of the caller's ``options``
    set the start (an option or a field, as the caller's user writes it)."""
    waiting = float(sum(initial.new) + sum(initial.aiv) + sum(initial.aiviv))
    excess = float(initial.executed) + waiting - float(demand)
    if excess <= 0.05:
        return None
    return (f"the start has {count_text(initial.executed + waiting)} users with a decision ({count_text(initial.executed)} "
            f"served, {count_text(waiting)} waiting), {count_text(excess)} more than the demand of {count_text(demand)} in "
            f"{months[0]:%Y-%m}: those {count_text(excess)} decisions end in {months[0]:%Y-%m}, as in any month the demand "
            f"falls (those in service first, their places going to those waiting); give {options} so that the served "
            "and the waiting add up to the first month's demand (docs/forecasting.md §4)")


def rate_note(p: QueueParams, names: dict[str, str]) -> str | None:
    """A note when the rates leave places locked: all 0 (nobody leaves or pauses but as the demand falls) or AIViV
    absences that never resume. ``names`` gives each rate's name as the caller's user writes it (an option, a field)."""
    if not any((p.exit_rate, p.aiv_rate, p.aiviv_rate, p.aiviv_resume_rate)):
        listed = ", ".join(names[k] for k in ("exit_rate", "aiv_rate", "aiviv_rate"))
        return (f"{listed} and {names['aiviv_resume_rate']} are all 0 (the defaults): nobody leaves or pauses except "
                "as the demand falls, so places free up only as the capacity grows or the demand falls — no turnover "
                "within a steady demand (docs/forecasting.md §4)")
    if p.aiviv_rate and not p.aiviv_resume_rate:
        return (f"{names['aiviv_rate']} {p.aiviv_rate:g} with {names['aiviv_resume_rate']} 0: users who pause keep "
                "their place and never resume, so those places are lost for good (docs/forecasting.md §4)")
    return None


def fee_note(p: QueueParams, result: QueueResult, option: str) -> str | None:
    """A note when AIViV absences over the report age are in the fee exposure: the delay is the user's own
    absence (the place is kept), so the exposure may overstate; ``option`` is how the caller's user leaves them out."""
    over = result.monthly[f"over_{p.report_after_months}m_aiviv"]
    if "aiviv" not in p.fee_states or over.max() <= 0.05:
        return None
    return (f"up to {over.max():,.1f} AIViV absences over {p.report_after_months} months count in the fee exposure; "
            "they are the user's own absence with the place kept, so whether a fee can follow is for IVO and the "
            f"court: {option} leaves them out (docs/forecasting.md §4)")


def capacity_notes(result: QueueResult) -> list[tuple[str, str]]:
    """Named warnings (check, message) on a capacity the simulation cannot follow or that looks like a wrong column:
    months where the users already served exceed it (they keep their places: nobody is moved out when capacity
    falls), and a capacity of 0 in every month while there is demand (every decision waits to the end)."""
    m = result.monthly
    out = []
    over = m["executed"] > m["capacity"] + 1e-9
    if over.any():
        excess = (m["executed"] - m["capacity"])[over]
        out.append(("executed_over_capacity", f"the capacity is below the users already served in "
                    f"{month_ranges(m.loc[over, 'month'])} (up to {excess.max():,.1f} over): they keep their places "
                    "— nobody is moved out when capacity falls —, so those months run over capacity and new "
                    "decisions wait until places free up. Check the capacity of those months (a place count typed "
                    "wrong, or a closure that moves users elsewhere, which the queue does not model; "
                    "docs/forecasting.md §4)"))
    if (m["capacity"] == 0).all() and (m["demand"] > 0).any():
        out.append(("capacity_zero", f"the capacity is 0 in every month while the demand is up to "
                    f"{m['demand'].max():,.1f}: every decision waits to the end of the horizon, and the exposure "
                    "counts them all. A wrong capacity (another service's places, a column of zeros), "
                    "or a service with no places yet?"))
    return out


def outside_demand_note(capacity: pd.DatetimeIndex, months: pd.DatetimeIndex) -> str | None:
    """The capacity's months outside the demand's, named as runs: they are not simulated, which a capacity of
    2025-01–2025-12 against a demand of 2025-03 answered without a word (integrator walk; CLI and API alike)."""
    outside = capacity[~capacity.isin(months)]
    if outside.empty:
        return None
    return (f"the capacity's months {month_ranges(outside)} are outside the demand's months "
            f"({month_ranges(months)}): the queue runs over the demand's months only, so their places are not used "
            "(the demand of those months would queue them)")


def capacity_from_staff(fte: np.ndarray, users_per_fte: float) -> np.ndarray:
    """Places that a staff level supports: FTE × users per FTE."""
    return np.asarray(fte, dtype=float) * users_per_fte


def _fee(waited: np.ndarray, p: QueueParams) -> np.ndarray:
    """The central fee for a case that has waited ``waited`` months (36 400 SEK a month, within the bounds)."""
    return np.clip(p.fee_per_month * waited, p.fee_min, p.fee_max)


def _late_share(ages: np.ndarray, report_after: int) -> np.ndarray:
    """The share of executions at each age that come after the report age: all beyond it, half at it
    (mid-month executions of a decision whose anniversary is mid-month)."""
    return np.where(ages > report_after, 1.0, np.where(ages == report_after, 0.5, 0.0))


def _end_decisions(fall: float, executed: float, q: dict[str, np.ndarray]) -> dict:
    """End ``fall`` decisions, a fall of the demand below the people with a decision: those in service first (the
    demand falls as users leave — age 67, a move —, and their places go to those waiting, oldest first), and only
    when the fall exceeds them the rest of everyone waiting in one proportion (every state and age alike, as
    nothing says whose decision ends). ``q`` is reduced in place; returns the ends from service
    (``executed``) and from each state by age."""
    from_service = min(fall, executed)
    waiting = sum(float(v.sum()) for v in q.values())
    share = min(1.0, (fall - from_service) / waiting) if waiting > 0 else 0.0
    ended = {c: q[c] * share for c in CATEGORIES}
    for c in CATEGORIES:
        q[c] = q[c] - ended[c]
    return {"executed": from_service, **ended}


def simulate_queue(
    months: pd.DatetimeIndex,
    capacity: np.ndarray,
    demand: np.ndarray | None = None,
    arrivals: np.ndarray | None = None,
    params: QueueParams | None = None,
    initial: QueueState | None = None,
) -> QueueResult:
    """Simulate ``len(months)`` months. Give either ``demand`` (people who should be served: new
    decisions top the people with a decision up to it, replacing those who leave, and a fall below it
    ends decisions, ``_end_decisions``, so that served + waiting = demand every month) or ``arrivals``
    (new decisions per month). Without ``initial`` the first month's demand arrives in that month."""
    p = params or QueueParams()
    p.validate()
    T = len(months)
    cap = np.asarray(capacity, dtype=float) + 0.0  # + 0.0: a -0 read from a file or request is written as 0
    if (demand is None) == (arrivals is None):
        raise InputError.at(Location(path="queue"), "give either demand or arrivals", "exactly one of the two",
                            "pass the forecast demand, or the new decisions per month")
    drive = np.asarray(demand if demand is not None else arrivals, dtype=float) + 0.0
    for name, arr in (("capacity", cap), ("demand" if demand is not None else "arrivals", drive)):
        if arr.shape != (T,):
            raise InputError.at(Location(path=f"queue.{name}"), f"{name} has {arr.size} values for {T} months",
                                "one value per month", f"give {name} for every month")
        bad = np.flatnonzero(~np.isfinite(arr) | (arr < 0))
        if len(bad):
            raise InputError.at(Location(path=f"queue.{name}", row=None),
                                f"{name} for {months[bad[0]]:%Y-%m} is {arr[bad[0]]:g}", "a number ≥ 0",
                                f"correct {name}")
    init = initial or QueueState()
    # ages kept: the horizon plus the initial queue, and at least up to the report age (a short horizon)
    width = max(T + 1 + max(len(init.new), len(init.aiv), len(init.aiviv), 1), p.report_after_months + 2)
    q = {c: np.zeros(width) for c in CATEGORIES}
    for c in CATEGORIES:
        vals = np.asarray(getattr(init, c), dtype=float)
        q[c][: len(vals)] = vals + 0.0
    executed = float(init.executed) + 0.0
    people = executed + sum(float(v.sum()) for v in q.values())
    ages = np.arange(width)
    R = p.report_after_months
    late_share = _late_share(ages, R)
    rows, wait_rows = [], []
    fee_states = [c for c in CATEGORIES if c in p.fee_states]
    crossed = {c: float(q[c][R:].sum()) for c in CATEGORIES}  # already over R months at the start
    crossed_total = dict.fromkeys(CATEGORIES, 0.0)  # each month's crossed (the first with those already over)
    fee_central_total = 0.0
    for t in range(T):
        if t > 0 or initial is not None:
            for c in CATEGORIES:
                q[c] = np.concatenate([[0.0], q[c][:-1]])
            for c in CATEGORIES:
                crossed[c] += q[c][R]
        exits = p.exit_rate * executed
        aiv_new, aiviv_new = p.aiv_rate * executed, p.aiviv_rate * executed
        executed -= exits + aiv_new + aiviv_new
        resumed = p.aiviv_resume_rate * q["aiviv"]
        q["aiviv"] = q["aiviv"] - resumed
        executed += resumed.sum()
        crossed["aiviv"] -= float(resumed[R]) / 2  # mid-month, as executions: half of those at age R were in time
        if "aiviv" in fee_states:  # an absence that ends after the report age has its fee, as a late execution
            fee_central_total += float((resumed * late_share * _fee(ages, p)).sum())
        q["aiv"][0] += aiv_new
        q["aiviv"][0] += aiviv_new
        people -= exits
        fall = max(0.0, people - drive[t]) if demand is not None else 0.0
        ended = _end_decisions(fall, executed, q)
        executed -= ended.pop("executed")
        for c in CATEGORIES:
            crossed[c] -= float(ended[c][R]) / 2  # mid-month, as executions: half of those at age R ended in time
            if c in fee_states:  # a decision that ends unexecuted after the report age has its fee, as a late one
                fee_central_total += float((ended[c] * late_share * _fee(ages, p)).sum())
        people -= fall
        new_dec = max(0.0, drive[t] - people) if demand is not None else drive[t]
        people += new_dec
        q["new"][0] += new_dec
        free = max(0.0, cap[t] - executed - q["aiviv"].sum())
        done = {c: np.zeros(width) for c in ("new", "aiv")}
        for a in range(width - 1, -1, -1):
            if free <= 0:
                break
            for c in ("new", "aiv"):
                take = min(free, q[c][a])
                if take > 0:
                    q[c][a] -= take
                    done[c][a] += take
                    free -= take
        n_exec = done["new"].sum() + done["aiv"].sum()
        late = float(sum((done[c] * late_share).sum() for c in ("new", "aiv")))
        executed += n_exec
        for c in ("new", "aiv"):
            crossed[c] -= float(done[c][R]) / 2  # half of those placed at age R were placed in time
            if c in fee_states:
                fee_central_total += float((done[c] * late_share * _fee(ages, p)).sum())
            for a in np.flatnonzero(done[c]):
                wait_rows.append((months[t], c, int(a), done[c][a]))
        over = {c: float(q[c][R:].sum()) for c in CATEGORIES}
        crossed_now = sum(crossed.values())
        for c in CATEGORIES:
            crossed_total[c] += crossed[c]
            crossed[c] = 0.0
        rows.append({
            "month": months[t], "demand": float(drive[t]) if demand is not None else people,
            "capacity": cap[t], "executed": executed, "exits": exits, "decisions_ended": fall, "new_decisions": new_dec,
            "executions": n_exec, "aiv_started": aiv_new, "aiviv_started": aiviv_new, "aiviv_resumed": resumed.sum(),
            "queue_new": q["new"].sum(), "queue_aiv": q["aiv"].sum(), "aiviv": q["aiviv"].sum(),
            "not_executed_total": sum(q[c].sum() for c in CATEGORIES),
            **{f"over_{R}m_{c}": over[c] for c in CATEGORIES},
            f"over_{R}m_total": sum(over.values()),
            f"passed_{R}m": crossed_now, f"executed_after_{R}m": late,
            "fee_cases_open": sum(over[c] for c in fee_states),
            "fee_central_open": float(sum((q[c][R:] * _fee(ages[R:] + 0.5, p)).sum() for c in fee_states)),
        })
    monthly = pd.DataFrame(rows)
    fee_central_total += float(sum((q[c][R:] * _fee(ages[R:] + 0.5, p)).sum() for c in fee_states))
    fee_cases = sum(crossed_total[c] for c in fee_states)
    # quarter ends, and the last month when the horizon ends within a quarter (a partial quarter, so that cases
    # over the report age at the end are in the report as they are in the summary)
    qe = monthly[monthly["month"].dt.month.isin([3, 6, 9, 12]) | (monthly.index == len(monthly) - 1)]
    in_quarter = monthly.groupby(monthly["month"].dt.to_period("Q"))[[f"passed_{R}m", f"executed_after_{R}m"]].sum()
    in_quarter = in_quarter.reindex(qe["month"].dt.to_period("Q"))
    quarterly = pd.DataFrame({
        "quarter": [f"{m.year}-Q{(m.month - 1) // 3 + 1}" for m in qe["month"]],
        "complete": (qe["month"].dt.month % 3 == 0).to_numpy(),  # False: the horizon ends within the quarter
        "count_month": qe["month"].dt.strftime("%Y-%m").to_numpy(),  # the month end the counts are taken at
        **{f"over_{R}m_{c}": qe[f"over_{R}m_{c}"].to_numpy() for c in CATEGORIES},
        f"over_{R}m_total": qe[f"over_{R}m_total"].to_numpy(),
        f"passed_{R}m_in_quarter": in_quarter[f"passed_{R}m"].to_numpy(),
        f"executed_after_{R}m_in_quarter": in_quarter[f"executed_after_{R}m"].to_numpy(),
        "exposure_min_sek": qe["fee_cases_open"].to_numpy() * p.fee_min,
        "exposure_central_sek": qe["fee_central_open"].to_numpy(),
        "exposure_max_sek": qe["fee_cases_open"].to_numpy() * p.fee_max,
    })
    waits = pd.DataFrame(wait_rows, columns=["month", "category", "wait_months", "executions"])
    waits["wait_months"] = waits["wait_months"].astype(float)  # mid-month to mid-month: the age in months
    dist = waits.groupby(["category", "wait_months"], as_index=False)["executions"].sum()
    executed_total = float(dist["executions"].sum())
    summary = {
        "months": T,
        "executions": executed_total,
        "mean_wait_months": float((dist["wait_months"] * dist["executions"]).sum() / executed_total)
        if executed_total else float("nan"),
        f"cases_over_{R}m": float(sum(crossed_total.values())),
        "exposure_min_sek": float(fee_cases * p.fee_min),
        "exposure_central_sek": fee_central_total,
        "exposure_max_sek": float(fee_cases * p.fee_max),
        "still_waiting_at_end": float(sum(q[c].sum() for c in CATEGORIES)),
    }
    return QueueResult(_settled(monthly.drop(columns=["fee_cases_open", "fee_central_open"])), _settled(quarterly),
                       _settled(dist), {k: _settled_value(v) for k, v in summary.items()})


#: significant digits the queue's expected counts and fees keep: their arithmetic leaves noise in the 14th–15th
#: digit (1.60000000000002 cases, 29 999.9999999999 SEK, an API review found), far below any count or krona
QUEUE_DIGITS = 12


def _settled_value(value):
    """A float to QUEUE_DIGITS significant digits (-0.0 as 0.0); anything else as it is."""
    return float(f"{value:.{QUEUE_DIGITS}g}") + 0.0 if isinstance(value, float) and np.isfinite(value) else value


def _settled(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its float columns to QUEUE_DIGITS significant digits."""
    floats = table.select_dtypes("float").columns
    return table.assign(**{c: table[c].map(_settled_value).astype(float) for c in floats})
