"""Benchmark of the premises plan (planning/premises.py, docs/planning.md): the MIP against brute force
over every plan, the MIP on board-sized instances of 20–200 candidates, and the demo end to end.
Deterministic instances (fixed seeds); ratios against a reference measured in the same run.

Run:  python bench/bench_premises.py [--quick] [--sizes 20,50,100,200] [--instances 3] [--time-limit 30]
                                    [--forecast auto|drift] [--parts reference,scaling,whole,demo]

1. reference — on totals, 5 years, 3, 4 and 5 candidates: ``optimise_plan`` (median of 5) against
   brute force over every plan ((years + 1)^n of them) priced by ``evaluate_plan``, as
   tests/test_premises_plan.py does; both must give the same least cost (asserted).
2. scaling — by need level, 10 years, levels 1–8 starting from the demo's 2024 peak per level of
   daily activity and growing 2–5 % a year, today's places as the demo's dv_lokal premises (levels 1–6
   and 6–8); 20, 50, 100 and 200 candidates of 10–35 places for levels 1–6, 6–8 or 1–8 at the demo
   candidates' rent per place (× 0.8–1.25). Half have a one-off cost of 0.5–3 MSEK (the demo's are all
   0, fit-out in the rent), so that the investment ceiling (3 MSEK a year) binds. ``--instances`` seeds
   per size, without and with the ceiling; each CBC solve is stopped at ``--time-limit`` seconds (30 by
   default, to keep the run near 3 minutes; plan-premises' limit is 120 s, the API's 20 s: give ``--time-limit 120``
   to see what a user of the command gets, about 4–5 minutes).
2b. whole — the whole plan as ``plan-premises`` and ``POST /premises-plans`` compute it
   (``planning_run.premises_plan``: the MIP, the options compared, each candidate's reason — the plan made again
   without up to six opened premises, the year before and after each opening priced), with the command's solver
   limit (120 s) and, for the sizes the API accepts over 10 years (api/premises_plans.py MAX_CANDIDATE_YEARS), the
   API's (20 s); for the smallest size, the largest the API accepts and the largest size, on seed 2, whose MIP is
   quick at every size, so that the table shows what the reasons add to a MIP. Wall and CPU time (this process and
   CBC), and the solves by part.
3. demo — ``resmodel plan-premises`` as docs/planning.md §1 runs it, as a command (wall time of a new
   process) and in process, on the forecast §1 makes (``auto`` for daily activity, volume_hi_80), made
   once beforehand in process with ``forecast_volumes`` for daily activity only (the plan reads only
   its rows; about 3 s on an idle machine, 5–6 s on a busy one; ``--forecast drift`` for a cruder one in 0.05 s).
   Wall and CPU time (for the command, the new process and its CBC), and the solves by part.

Prints markdown tables (for docs/benchmarks.md). ``--quick``: 3 and 4 candidates, 20 and 50
candidates with one instance (seed 0), the whole plan at 20, the demo. ``--parts``: only those parts (``whole,demo``
regenerates 2b and 3)."""

from __future__ import annotations

from resmodel.io.blas import one_blas_thread

one_blas_thread()  # as the resmodel command does (src/resmodel/cli.py), before numpy loads

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from itertools import count  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pulp  # noqa: E402
from timing import median_time  # noqa: E402

from resmodel import planning_run  # noqa: E402
from resmodel.planning import premises, reasons  # noqa: E402
from resmodel.planning.premises import (  # noqa: E402
    NOT_OPENED,
    PlanCosts,
    optimise_plan,
    yearly_peak,
)
from resmodel.planning.reference import brute_force_plan  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demokommun"
SERVICE = "daglig_verksamhet"
OWN_COST = 270_000.0  # about the demo's running cost per user-year of daily activity (269 366 SEK, base.yaml)
CEILING = 3_000_000.0  # one-off costs allowed per year in the runs with a ceiling
FIRST_YEAR = 2025
BOARD_YEARS = 10  # the horizon of the board-sized instances, as a forecast gives
PARTS = ("reference", "scaling", "whole", "demo")


# --- timing -------------------------------------------------------------------------------------

@contextmanager
def counted_solves():
    """Record every CBC solve of the plan code: (kind, part, seconds, status). Kind: "LP" when ``evaluate_plan``
    prices a fixed plan by level (``fixed`` given), else "MIP". Part: "replan N" within the reasons' Nth plan made
    again without an opened premises (``planning.reasons._planned_without``), "timing" within the pricing of the year
    before and after an opening (``planning.reasons._timing_tie``), else "plan"."""
    solves: list[tuple[str, str, float, str]] = []
    part, replans = ["plan"], count(1)

    def within(label):
        def wrap(function):
            def tagged(*args, **kwargs):
                part.append(label())
                try:
                    return function(*args, **kwargs)
                finally:
                    part.pop()
            return tagged
        return wrap

    def recorded(function):
        def solve(*args, **kwargs):
            start = time.perf_counter()
            out = function(*args, **kwargs)
            solves.append(("LP" if kwargs.get("fixed") is not None else "MIP", part[-1], time.perf_counter() - start,
                           out[0]))
            return out
        return solve

    with patched(premises, "_solve", recorded), \
            patched(reasons, "_planned_without", within(lambda: f"replan {next(replans)}")), \
            patched(reasons, "_timing_tie", within(lambda: "timing")):
        yield solves


@contextmanager
def patched(owner, name: str, wrap):
    """Within the block, ``owner.name`` replaced by ``wrap(owner.name)``."""
    original = getattr(owner, name)
    setattr(owner, name, wrap(original))
    try:
        yield
    finally:
        setattr(owner, name, original)


@dataclass
class SolveSummary:
    """A premises_plan call's CBC solves in the parts the tables show."""

    mip: float         # seconds in the plan's own MIP solve(s)
    mips: int
    replans: int       # plans made again for the reasons (each a MIP and two LPs, more with a ceiling)
    replan_s: float
    replan_limit: int  # of their MIP solves, those the time limit stopped
    lps: int           # LP pricings outside the re-plans: the plan (2), the options, each reason, the timing ties
    lp_s: float
    timing_lps: int    # of which the year before and after each opening

    @classmethod
    def of(cls, solves: list[tuple[str, str, float, str]]) -> SolveSummary:
        mip = [s for kind, part, s, _ in solves if kind == "MIP" and part == "plan"]
        again = [(kind, s, status) for kind, part, s, status in solves if part.startswith("replan")]
        lps = [(part, s) for kind, part, s, _ in solves if kind == "LP" and not part.startswith("replan")]
        return cls(sum(mip), len(mip), len({part for _, part, _, _ in solves if part.startswith("replan")}),
                   sum(s for _, s, _ in again), sum(k == "MIP" and st == "Time limit" for k, _, st in again),
                   len(lps), sum(s for _, s in lps), sum(part == "timing" for part, _ in lps))


def cpu_seconds(before: os.times_result, after: os.times_result) -> float:
    """CPU seconds between two ``os.times()``: this process and its finished children (CBC, a command)."""
    return sum(getattr(after, f) - getattr(before, f) for f in ("user", "system", "children_user", "children_system"))


# --- 1. the MIP against brute force -------------------------------------------------------------

def totals_instance(n: int, seed: int, years: int = 5):
    """Demand on totals over ``years`` from 100 places, ``n`` candidates any of which can open in any
    year, external places dearer than own ones (so not opening is an option), 3 % discounting."""
    rng = np.random.default_rng(seed)
    demand = pd.Series(np.round(100 + np.cumsum(rng.uniform(3, 12, years)), 1),
                       index=range(FIRST_YEAR, FIRST_YEAR + years))
    none = pd.array([None] * n, dtype="Int64")
    table = pd.DataFrame({"premises_id": [f"C{i + 1}" for i in range(n)], "places": rng.choice([5.0, 10, 15, 20], n),
                          "annual_rent_sek": np.round(rng.uniform(0.3e6, 3e6, n), -3),
                          "one_off_cost_sek": rng.choice([0.0, 2e6, 6e6], n), "earliest_year": none,
                          "lead_time_months": 0.0, "decided_year": none})
    costs = PlanCosts(own_cost_per_place=300_000, external_price=float(np.round(rng.uniform(4e5, 8e5), -3)),
                      discount_rate=0.03)
    return demand, 100.0, table, costs


def reference(sizes: tuple[int, ...]) -> None:
    rows = []
    for n in sizes:
        demand, base, table, costs = totals_instance(n, seed=n)
        instance = (demand, base, table, costs)
        t_mip, result = median_time(lambda args=instance: optimise_plan(*args), 5)
        t_bf, (unmet, cost, plans) = median_time(lambda args=instance: brute_force_plan(*args), 1)
        assert result.status == "Optimal", result.status
        assert abs(result.yearly["unmet"].sum() - unmet) < 1e-6, (result.yearly["unmet"].sum(), unmet)
        assert np.isclose(result.objective, cost, rtol=1e-9, atol=0), (result.objective, cost)
        opened = int((result.plan["open_year"] != NOT_OPENED).sum())
        rows.append((n, plans, opened, cost, t_mip, t_bf, t_bf / t_mip))
    print("\n### 1. The MIP against brute force (on totals, 5 years)\n")
    print("| candidates | plans enumerated | opened | least cost (SEK, discounted) | MIP (s) | brute force (s) "
          "| ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n, plans, opened, cost, t_mip, t_bf, ratio in rows:
        print(f"| {n} | {plans:,} | {opened} | {cost:,.0f} | {t_mip:.3f} | {t_bf:.2f} | {ratio:,.0f}× |")
    print("\nSame least cost from both (asserted, rtol 1e-9); MIP median of 5 runs, brute force one run.")


# --- 2. scaling on board-sized instances --------------------------------------------------------

def demo_shape() -> tuple[pd.Series, pd.DataFrame, dict[tuple[int, int], float]]:
    """The demo's daily activity: 2024 peak per level, today's places by level range (dv_lokal
    premises), and the candidates' rent per place by level range (1–8 at the 6–8 rate)."""
    history = pd.read_csv(DEMO / "volume_history.csv")
    history = history[history["service"] == SERVICE]
    by_level = history.pivot_table(index="month", columns="level", values="volume", aggfunc="sum")
    by_level.index = pd.to_datetime(by_level.index)
    peak = yearly_peak(by_level).iloc[-1]
    peak.index = peak.index.astype(int)
    rooms = pd.read_csv(DEMO / "premises.csv")
    rooms = rooms[rooms["kind"] == "dv_lokal"]
    base = rooms.groupby(["min_level", "max_level"], as_index=False)["capacity"].sum().rename(
        columns={"capacity": "places"}).astype(float)
    cand = pd.read_csv(DEMO / "premises_candidates.csv")
    cand = cand[cand["service"] == SERVICE]
    rate = (cand["annual_rent_sek"] / cand["places"]).groupby([cand["min_level"], cand["max_level"]]).median()
    rent = {(int(lo), int(hi)): float(v) for (lo, hi), v in rate.items()}
    rent[1, 8] = rent[6, 8]
    return peak, base, rent


RANGES = ((1, 6), (6, 8), (1, 8))


def board_instance(n: int, seed: int, shape) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Demand by level over 10 years, today's places by range and ``n`` candidates (see the module docstring)."""
    peak, base, rent_per_place = shape
    rng = np.random.default_rng(seed)
    years = np.arange(FIRST_YEAR, FIRST_YEAR + BOARD_YEARS)
    growth = rng.uniform(0.02, 0.05, len(peak))
    demand = pd.DataFrame(np.round(peak.to_numpy()[None, :] * (1 + growth[None, :]) ** (years[:, None] - 2024), 1),
                          index=years, columns=peak.index)
    ranges = [RANGES[k] for k in rng.choice(len(RANGES), n, p=[0.5, 0.3, 0.2])]
    places = rng.integers(10, 36, n).astype(float)
    rate = np.array([rent_per_place[r] for r in ranges])
    none = pd.array([None] * n, dtype="Int64")
    table = pd.DataFrame({
        "premises_id": [f"C{i + 1:03d}" for i in range(n)], "service": SERVICE, "places": places,
        "annual_rent_sek": np.round(places * rate * rng.uniform(0.8, 1.25, n), -3),
        "one_off_cost_sek": np.where(rng.uniform(size=n) < 0.5, 0.0, np.round(rng.uniform(0.5e6, 3e6, n), -4)),
        "earliest_year": pd.array(rng.choice([2025, 2026, 2027, 2028, 2030], n), dtype="Int64"),
        "lead_time_months": rng.choice([0.0, 12.0, 24.0], n), "decided_year": none,
        "min_level": [r[0] for r in ranges], "max_level": [r[1] for r in ranges]})
    return demand, base, table


def status_summary(statuses: list[str]) -> str:
    counts = pd.Series(statuses).value_counts()
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def scaling(sizes: tuple[int, ...], instances: int, time_limit: float) -> list[tuple]:
    shape = demo_shape()
    rows, stopped, spent = [], [], {}
    for ceiling in (None, CEILING):
        costs = PlanCosts(own_cost_per_place=OWN_COST, investment_ceiling=ceiling)
        for n in sizes:
            times, longest, mips, statuses = [], 0.0, 0, []
            for seed in range(instances):
                demand, base, table = board_instance(n, seed, shape)
                with counted_solves() as solves:
                    start = time.perf_counter()
                    result = optimise_plan(demand, base, table, costs, time_limit_s=time_limit)
                    times.append(time.perf_counter() - start)
                mip = [s for kind, _, s, _ in solves if kind == "MIP"]
                longest, mips = max([longest, *mip]), mips + len(mip)
                statuses.append(result.status)
                if n == sizes[-1]:  # what the plan changes (the running cost of met demand is the same for all)
                    spent.setdefault(ceiling, []).append(result.yearly[["rent_new_sek", "one_off_sek"]].sum().sum())
                if result.status != "Optimal":
                    stopped.append((n, ceiling, seed, result.status, result.objective))
            rows.append((n, ceiling, times, mips, longest, statuses))
    print(f"\n### 2. The MIP on board-sized instances (by level, 10 years; {instances} instance(s) each, "
          f"{'seed 0' if instances == 1 else f'seeds 0–{instances - 1}'}; each solve stopped at {time_limit:g} s)\n")
    print(f"| candidates | investment ceiling | time per plan, each instance (s) | median (s) | ratio to {sizes[0]} "
          "| MIP solves | longest MIP solve (s) | status |")
    print("|---:|---|---|---:|---:|---:|---:|---|")
    reference_median = {c: statistics.median(t) for n, c, t, *_ in rows if n == sizes[0]}
    for n, ceiling, times, mips, longest, statuses in rows:
        median = statistics.median(times)
        label = "none" if ceiling is None else f"{ceiling / 1e6:g} MSEK/year"
        print(f"| {n} | {label} | {' / '.join(f'{t:.2f}' for t in times)} | {median:.2f} | "
              f"{median / reference_median[ceiling]:.1f}× | {mips} | {longest:.2f} | {status_summary(statuses)} |")
    print("\nTime per plan: one `optimise_plan` call (the MIP, plus two LPs pricing the plan by level; two MIPs "
          "when some demand cannot be met and there is a ceiling). Ratio: median against the median of "
          f"{sizes[0]} candidates with the same ceiling.")
    for ceiling, amounts in spent.items():
        label = "no ceiling" if ceiling is None else f"ceiling {ceiling / 1e6:g} MSEK/year"
        print(f"Rent and one-off costs of each plan at {sizes[-1]} candidates, {label} (kSEK over the horizon; "
              f"compare runs with another --time-limit): {' / '.join(f'{a / 1e3:,.0f}' for a in amounts)}")
    for n, ceiling, seed, status, objective in stopped:
        label = "no ceiling" if ceiling is None else f"ceiling {ceiling / 1e6:g} MSEK/year"
        print(f"Stopped: {n} candidates, {label}, seed {seed}: status {status}, the plan found costs "
              f"{objective:,.0f} SEK (rerun with a longer --time-limit for the proven optimum)")
    return rows


def monthly_table(demand: pd.DataFrame) -> pd.DataFrame:
    """A demand table as a forecast gives it (month, service, level, volume), each month at the year's value."""
    months = pd.period_range(f"{demand.index[0]}-01", f"{demand.index[-1]}-12", freq="M")
    return pd.DataFrame([{"month": str(m), "service": SERVICE, "level": level, "volume": demand.at[m.year, level]}
                         for m in months for level in demand.columns])


def api_limits() -> tuple[float, int]:
    """The API's solver seconds per solve and its most candidates × years (api/premises_plans.py)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from api.premises_plans import API_SOLVER_LIMIT_S, MAX_CANDIDATE_YEARS

    return API_SOLVER_LIMIT_S, MAX_CANDIDATE_YEARS


def whole_plan(sizes: tuple[int, ...]) -> None:
    """``planning_run.premises_plan`` (what the command and the API run) against its MIP, seed 2, no ceiling: with
    the command's solver limit, and with the API's for the sizes the API accepts over the instance's 10 years."""
    from resmodel.planning_run import SOLVER_LIMIT_S, premises_plan

    api_limit, api_most = api_limits()
    shape = demo_shape()
    costs = PlanCosts(own_cost_per_place=OWN_COST)
    print("\n### 2b. The whole plan as `plan-premises` and `POST /premises-plans` compute it (seed 2, no ceiling)\n")
    print("| candidates | as | solver's limit (s) | premises_plan wall (s) | CPU (s) | the MIP (s) | plans made again "
          "(s) | LP pricings | LP pricings (s) | wall to the MIP |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        demand, base, table = board_instance(n, 2, shape)
        runs = [("`plan-premises`", SOLVER_LIMIT_S)] + (
            [("`POST /premises-plans`", api_limit)] if n * len(demand) <= api_most else [])
        for label, limit in runs:
            with counted_solves() as solves:
                start, cpu = time.perf_counter(), os.times()
                run = premises_plan(monthly_table(demand), SERVICE, table, costs, base, "volume", time_limit_s=limit)
                total, cpu = time.perf_counter() - start, cpu_seconds(cpu, os.times())
            assert run.result.status == "Optimal", run.result.status
            got = SolveSummary.of(solves)
            stopped = f", {got.replan_limit} stopped at the limit" if got.replan_limit else ""
            print(f"| {n} | {label} | {limit:g} | {total:.2f} | {cpu:.2f} | {got.mip:.2f} | {got.replans}: "
                  f"{got.replan_s:.2f}{stopped} | {got.lps} ({got.timing_lps} timing) | {got.lp_s:.2f} | "
                  f"{total / got.mip:.1f}× |")
    print("\nPlans made again: the reasons' plans without an opened premises (at most "
          f"{planning_run.RESOLVE_MAX_PLANS}, each a MIP with a quarter of the solver's limit and two LPs). "
          "LP pricings: the plan (two), opening nothing, each candidate with its decision changed (its reason) "
          "and, in brackets, the year before and after each opening (timing) — one LP each, by level. The API "
          f"takes at most {api_most:,} candidates × years: {api_most // len(demand)} over these {len(demand)} "
          "years. CPU: this process and CBC.")


# --- 3. the demo end to end ---------------------------------------------------------------------

def demo(model: str) -> None:
    from resmodel.forecast.interface import forecast_volumes
    from resmodel.io.candidates import read_candidates
    from resmodel.io.series import read_volume_history
    from resmodel.io.writers import write_csv
    from resmodel.planning_run import premises_plan, scenario_inputs
    from resmodel.run import load, run

    history = read_volume_history(DEMO / "volume_history.csv")
    t_forecast, forecast = median_time(lambda: forecast_volumes(history, {SERVICE: model}, 120, services=[SERVICE]), 1)
    table = forecast.table.assign(month=forecast.table["month"].dt.strftime("%Y-%m"))
    candidates_file = DEMO / "premises_candidates.csv"
    with tempfile.TemporaryDirectory() as tmp:
        demand_file = Path(tmp) / "volume_forecast.csv"
        write_csv(table, demand_file)
        out = Path(tmp) / "premises_plan"
        command = [str(Path(sys.executable).with_name("resmodel")), "plan-premises", "--demand", str(demand_file),
                   "--service", SERVICE, "--demand-column", "volume_hi_80", "--candidates", str(candidates_file),
                   "--scenario", str(ROOT / "scenarios" / "base.yaml"), "--out", str(out)]
        start, cpu = time.perf_counter(), os.times()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        t_command, cpu_command = time.perf_counter() - start, cpu_seconds(cpu, os.times())
        written = pd.read_csv(out / "premises_plan.csv")
    written = written.set_index("premises_id")["open_year"].fillna(NOT_OPENED).astype(int)

    start, cpu = time.perf_counter(), os.times()
    loaded = load(ROOT / "scenarios" / "base.yaml")
    inputs = scenario_inputs(loaded, run(loaded), SERVICE, "scenarios/base.yaml")
    t_scenario, cpu_scenario = time.perf_counter() - start, cpu_seconds(cpu, os.times())
    candidates = read_candidates(candidates_file, SERVICE)
    costs = PlanCosts(own_cost_per_place=inputs.own_cost_per_place)
    with counted_solves() as solves:
        start, cpu = time.perf_counter(), os.times()
        plan = premises_plan(table, SERVICE, candidates, costs, inputs.groups, "volume_hi_80")
        t_plan, cpu_plan = time.perf_counter() - start, cpu_seconds(cpu, os.times())
    in_process = plan.result.plan.set_index("premises_id")["open_year"].astype(int)
    assert in_process.sort_index().equals(written.sort_index()), "the command and the in-process plan differ"
    got = SolveSummary.of(solves)
    again = sum(part.startswith("replan") for _, part, _, _ in solves)
    opened = in_process[in_process != NOT_OPENED].sort_values()
    print(f"\n### 3. The demo end to end (docs/planning.md §1; forecast `{model}` of {SERVICE}, made once "
          f"beforehand in {t_forecast:.2f} s; volume_hi_80; {len(candidates)} candidates, by level)\n")
    print("| step | wall (s) | CPU (s) | CBC solves | wall to the MIP |")
    print("|---|---:|---:|---:|---:|")
    print(f"| `resmodel plan-premises` as a command (new process: imports, scenario, plan, output) | {t_command:.2f} "
          f"| {cpu_command:.2f} | as below | {t_command / got.mip:.0f}× |")
    print(f"| in process: load scenarios/base.yaml, base-year run, today's places and costs | {t_scenario:.2f} "
          f"| {cpu_scenario:.2f} | – | {t_scenario / got.mip:.0f}× |")
    print(f"| in process: `planning_run.premises_plan` | {t_plan:.2f} | {cpu_plan:.2f} | {len(solves)} "
          f"| {t_plan / got.mip:.0f}× |")
    print(f"| of which the MIP | {got.mip:.2f} | | {got.mips} | 1× |")
    print(f"| of which the {got.replans} plans made again without an opened premises (each a MIP and two LPs) "
          f"| {got.replan_s:.2f} | | {again} | {got.replan_s / got.mip:.0f}× |")
    print(f"| of which LP pricings (the plan, the options, each candidate's reason, the year before and after each "
          f"opening) | {got.lp_s:.2f} | | {got.lps} ({got.timing_lps} timing) | {got.lp_s / got.mip:.0f}× |")
    print("\nCPU: this process and its finished children (CBC; for the command, the new process and its CBC). "
          "Opened: " + ", ".join(f"{pid} {year}" for pid, year in opened.items())
          + f"; status {plan.result.status}; the command wrote the same plan (asserted).")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (about 40 s on a busy two-core machine)")
    parser.add_argument("--instances", type=int, default=3, help="instances (seeds) per size in the scaling runs")
    parser.add_argument("--sizes", default="20,50,100,200", help="candidates per instance in the scaling runs")
    parser.add_argument("--time-limit", type=float, default=30.0,
                        help="seconds per CBC solve in the scaling runs (plan-premises': 120, the API's: 20)")
    parser.add_argument("--forecast", choices=("auto", "drift"), default="auto",
                        help="model of the demo forecast (auto: as docs/planning.md §1)")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help="parts to run, comma-separated: reference (1), scaling (2), whole (2b), demo (3)")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if parts - set(PARTS):
        parser.error(f"--parts: unknown {', '.join(sorted(parts - set(PARTS)))}; expected some of {', '.join(PARTS)}")
    start = time.perf_counter()
    load = os.getloadavg()
    print(f"Premises plan benchmark — {platform.python_implementation()} {platform.python_version()}, "
          f"numpy {np.__version__}, pandas {pd.__version__}, PuLP {pulp.__version__} (bundled CBC, 1 thread), "
          f"{os.cpu_count()} CPU(s), {platform.machine()}; load average at start {load[0]:.2f} / {load[1]:.2f} / "
          f"{load[2]:.2f} (1 / 5 / 15 min)")
    if "reference" in parts:
        reference((3, 4) if args.quick else (3, 4, 5))
    sizes = (20, 50) if args.quick else tuple(int(n) for n in args.sizes.split(","))
    if "scaling" in parts:
        scaling(sizes, 1 if args.quick else args.instances, args.time_limit)
    if "whole" in parts:
        in_api = [n for n in sizes if n * BOARD_YEARS <= api_limits()[1]]
        whole_plan((sizes[0],) if args.quick else tuple(sorted({sizes[0], *in_api[-1:], sizes[-1]})))
    if "demo" in parts:
        demo(args.forecast)
    load = os.getloadavg()
    print(f"\nWhole run: {time.perf_counter() - start:.0f} s; load average at the end {load[0]:.2f} / {load[1]:.2f} / "
          f"{load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
