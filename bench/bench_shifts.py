"""Benchmark of the shift plan (planning/shifts.py, model.md §5): the MIP against the exhaustive search,
the MIP on daily-activity units of 10–80 users with 30- and 15-minute slots, and the demo end to end.
Deterministic instances (fixed seeds); ratios against a reference measured in the same run.

Run:  python bench/bench_shifts.py [--quick] [--sizes 10,20,40,80] [--seeds 0,1] [--time-limit 60]
                                  [--instances 10] [--repeats 3]

1. reference — random needs of 0–3 staff in 6–10 one-hour slots (``--instances`` per size, seeded by
   size and instance): ``plan_day`` (median of 3) against ``reference.brute_force_shifts`` (one run,
   depth first over every shift the rules allow near the slots, without the MIP's reduction to one
   least-work shift per set of slots worked) under two rule sets on the hour grid: short shifts (2–6 h,
   a 1-hour break in shifts over 4 h of work, 1 h of work each side; 6–10 slots) and the product's
   rules as near as an hour grid allows (3–10 h, a 1-hour break after at most 5 h, 2 h each side; 6
   and 7 slots, beyond which the search takes minutes). Both must give the same least working
   minutes and, among those, the same fewest shifts (asserted).
2. scaling — synthetic attendance of 10, 20, 40 and 80 users of a daily-activity unit, one week per
   seed of ``--seeds`` (0 and 1 by default): each user a level drawn from the demo's mix of
   daily-activity levels (users.csv), present each weekday mon–fri with probability 0.9, arriving
   07:30–09:30 and staying 4–8 h (quarter hours, uniform); the need per slot from the demo's staff
   ratios (daglig_verksamhet.staff_ratio). The product's rules
   (shift_rules.yaml: 3–10 h shifts, a 0.5 h break after at most 5 h of work, 1.5 h of work each
   side, at least one staff while a user is present) with 30- and 15-minute slots; each weekday is
   one ``plan_day`` call of two solves (hours, then shifts), each stopped at ``--time-limit`` seconds
   (60, the command's, by default). For
   each: the shift types (the MIP's variables), the solve time, the status and the plan's hours
   against the lower bound Σ need × slot length; every plan covers the need (asserted). A weekday
   stopped at the limit is solved again with a 5-second limit, to show what the extra time bought.
3. demo — ``resmodel shift-plan`` on the demo's DV001 (attendance and roster files) against
   ``resmodel run scenarios/base.yaml`` (the reference: the same imports, scenario load and base-year
   run without the plan), both as a command (wall time of a new process) and in process through the
   CLI's typer app once the imports are done, with the time of the ``plan_day`` solves. Median of
   ``--repeats``.

Prints markdown tables (for docs/benchmarks.md). ``--quick``: 6 and 8 slots (short shifts) and 6
slots (product rules) with 3 instances, 10 and 20 users with seed 0, the demo once (about 20 s)."""

from __future__ import annotations

from resmodel.io.blas import one_blas_thread

one_blas_thread()  # as the resmodel command does (src/resmodel/cli.py), before numpy loads

import argparse  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from contextlib import contextmanager, redirect_stderr, redirect_stdout  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pulp  # noqa: E402
import yaml  # noqa: E402
from timing import median_time, recorded_calls  # noqa: E402

from resmodel.planning import shifts  # noqa: E402
from resmodel.planning.reference import brute_force_shifts  # noqa: E402
from resmodel.planning.shifts import (  # noqa: E402
    WEEKDAYS,
    ShiftRules,
    cover_matrix,
    plan_day,
    shift_span,
    shift_types,
    slot_need,
    useful_types,
)

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demokommun"
SERVICE = "daglig_verksamhet"
UNIT = "DV001"
RESHORT = 5  # seconds: the second solve of a weekday stopped at the time limit

#: rule sets of part 1, on one-hour slots (a 30-minute break does not fit the hour grid)
REFERENCE_RULES = {
    "short shifts: 2–6 h, 1 h break after ≤ 4 h, ≥ 1 h each side": (
        ShiftRules(slot_minutes=60, min_shift_minutes=120, max_shift_minutes=360, max_work_without_break_minutes=240,
                   break_minutes=60, min_work_around_break_minutes=60), (6, 7, 8, 9, 10)),
    "product-like: 3–10 h, 1 h break after ≤ 5 h, ≥ 2 h each side": (
        ShiftRules(slot_minutes=60, min_shift_minutes=180, max_shift_minutes=600, max_work_without_break_minutes=300,
                   break_minutes=60, min_work_around_break_minutes=120), (6, 7)),
}


# --- timing -------------------------------------------------------------------------------------

@contextmanager
def counted_solves():
    """Record every ``plan_day`` call that ``plan_shifts`` makes: (seconds, status)."""
    solves: list[tuple[float, str]] = []
    with recorded_calls(shifts, "plan_day") as calls:
        yield solves
        solves.extend((t, out[0]) for _, _, t, out in calls)


def times_fmt(ratio: float) -> str:
    return f"{ratio:.1f}" if ratio < 10 else f"{ratio:,.0f}"


def covers_need(plan: pd.DataFrame, need: np.ndarray, slot_starts: np.ndarray, rules: ShiftRules) -> bool:
    """Whether the plan's staff, working whole slots off their breaks, meet ``need`` in every slot."""
    if plan.empty:
        return not need.any()
    working = plan["staff"].to_numpy(dtype=int) @ cover_matrix(plan, slot_starts, rules)
    return bool((working >= need).all())


def plan_totals(plan: pd.DataFrame) -> tuple[int, int]:
    """(working minutes, shifts) of a ``plan_day`` result."""
    return int((plan["work_minutes"] * plan["staff"]).sum()), int(plan["staff"].sum())


def type_count(need: np.ndarray | None, slot_starts: np.ndarray, rules: ShiftRules) -> int:
    """The shift types ``plan_day`` offers the solver for this need (its variables), or with no need
    every type the rules allow within reach of the slots (what the exhaustive search branches over)."""
    if need is None:
        return len(shift_types(*shift_span(slot_starts, rules), rules))
    return len(useful_types(need, slot_starts, rules)[0])


# --- 1. the MIP against the exhaustive search ---------------------------------------------------

def reference(instances: int, quick: bool) -> None:
    print(f"\n### 1. The MIP against the exhaustive search (one-hour slots from 08:00, need 0–3 staff; "
          f"{instances} instances per size)\n")
    print("| rules | slots | shift types | compared | search nodes (min–max) | MIP, median (s) "
          "| exhaustive, median (s) | exhaustive, max (s) | ratio of medians "
          "| ratio per instance (min–max) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    checked, skipped = 0, []
    for label, (rules, sizes) in REFERENCE_RULES.items():
        assert not rules.problems(), rules.problems()
        if quick:
            sizes = sizes[:1] if sizes[-1] < 8 else (6, 8)
        for n in sizes:
            starts = 480 + 60 * np.arange(n)
            t_mip, t_ref, nodes, too_large = [], [], [], []
            for k in range(instances):
                need = np.random.default_rng([n, k]).integers(0, 4, n)
                t, (status, plan) = median_time(lambda need=need, s=starts, r=rules: plan_day(need, s, r), 3)
                assert status == "Optimal", (label, n, k, need, status)
                assert covers_need(plan, need, starts, rules), (label, n, k, need, plan)
                start = time.perf_counter()
                try:
                    minutes, count, searched = brute_force_shifts(need, starts, rules)
                except ValueError:  # beyond the search's node limit: too large for the reference
                    too_large.append((time.perf_counter() - start, need.tolist(), plan_totals(plan)))
                    continue
                t_b = time.perf_counter() - start
                if plan_totals(plan) != (minutes, count):
                    raise AssertionError(
                        f"MIP ≠ reference: rules {rules}, slot_starts {starts.tolist()}, "
                        f"need {need.tolist()}: MIP {plan_totals(plan)}, reference {(minutes, count)}")
                t_mip.append(t)
                t_ref.append(t_b)
                nodes.append(searched)
                checked += 1
            ratios = [b / m for b, m in zip(t_ref, t_mip, strict=True)]
            skipped.extend((label, n, *case) for case in too_large)
            print(f"| {label} | {n} | {type_count(None, starts, rules)} | {len(t_ref)} of {instances} | "
                  f"{min(nodes):,}–{max(nodes):,} | "
                  f"{statistics.median(t_mip):.3f} | {statistics.median(t_ref):.3f} | {max(t_ref):.2f} | "
                  f"{times_fmt(statistics.median(t_ref) / statistics.median(t_mip))}× | "
                  f"{times_fmt(min(ratios))}–{times_fmt(max(ratios))}× |")
    print(f"\nSame least working minutes and fewest shifts from both on all {checked} instances compared "
          "(asserted). MIP: `plan_day`, median of 3 runs; exhaustive: `brute_force_shifts`, one run.")
    for label, n, seconds, need, (minutes, count) in skipped:
        print(f"Not compared ({label}, {n} slots): need {need} took the exhaustive search over its 2,000,000 "
              f"nodes ({seconds:.1f} s); the MIP's plan: {minutes} min, {count} shifts.")


# --- 2. scaling on daily-activity units ---------------------------------------------------------

def demo_ratios() -> np.ndarray:
    """daglig_verksamhet.staff_ratio (staff per user present, levels 1–8), its latest values."""
    spec = yaml.safe_load((DEMO / "parameters" / SERVICE / "staff_ratio.yaml").read_text(encoding="utf-8"))
    values = spec["values"][max(spec["values"])]
    return np.array([float(values[level]) for level in range(1, 9)])


def level_mix() -> np.ndarray:
    """Shares of levels 1–8 among the demo's daily-activity users."""
    users = pd.read_csv(DEMO / "users.csv")
    levels = users.loc[users["service"].eq(SERVICE), "level"].dropna().astype(int)
    counts = levels.value_counts().reindex(range(1, 9), fill_value=0).to_numpy(dtype=float)
    return counts / counts.sum()


def product_rules(slot_minutes: int) -> ShiftRules:
    """The rules of src/resmodel/parameters/shift_rules.yaml (hours → minutes) on a ``slot_minutes`` grid."""
    path = ROOT / "src" / "resmodel" / "parameters" / "shift_rules.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))

    def minutes(name: str) -> int:
        values = spec[name]["values"]
        return int(round(float(values[max(values)]) * 60))

    rules = ShiftRules(slot_minutes=slot_minutes, min_shift_minutes=minutes("min_shift_hours"),
                       max_shift_minutes=minutes("max_shift_hours"),
                       max_work_without_break_minutes=minutes("max_work_without_break"),
                       break_minutes=minutes("break_hours"),
                       min_work_around_break_minutes=minutes("min_work_around_break"))
    assert rules == ShiftRules(slot_minutes=slot_minutes), rules  # the parameters are the defaults
    return rules


def synthetic_attendance(users: int, seed: int, mix: np.ndarray) -> pd.DataFrame:
    """``users`` users of one unit over mon–fri (see the module docstring): weekday, start, end, level."""
    rng = np.random.default_rng([seed, users])
    levels = rng.choice(np.arange(1, 9), size=users, p=mix)
    rows = []
    for user in range(users):
        for day in WEEKDAYS[:5]:
            if rng.uniform() < 0.1:
                continue
            start = 450 + 15 * int(rng.integers(0, 9))  # 07:30–09:30
            length = 240 + 15 * int(rng.integers(0, 17))  # 4–8 h
            rows.append((f"S{user:03d}", day, start, start + length, int(levels[user])))
    return pd.DataFrame(rows, columns=["user_id", "weekday", "start", "end", "level"])


def scaling(sizes: tuple[int, ...], seeds: tuple[int, ...], time_limit: int) -> None:
    ratio, mix = demo_ratios(), level_mix()
    rows, stopped = [], []
    for slot, n, seed in ((slot, n, seed) for slot in (30, 15) for n in sizes for seed in seeds):
        rules = product_rules(slot)
        need = slot_need(synthetic_attendance(n, seed, mix), ratio, rules)
        days = []
        for day in WEEKDAYS[:5]:
            table = need[need["weekday"].eq(day).to_numpy()]
            if table.empty:
                continue
            demand = table["staff_needed"].to_numpy(dtype=int)
            starts = table["slot_start"].to_numpy(dtype=int)
            start = time.perf_counter()
            status, plan = plan_day(demand, starts, rules, time_limit)
            seconds = time.perf_counter() - start
            assert status in shifts.SHIFTS_FOUND, (slot, n, day, status)
            assert covers_need(plan, demand, starts, rules), (slot, n, seed, day)
            minutes, count = plan_totals(plan)
            bound = int(demand.sum()) * slot
            days.append((day, len(demand), type_count(demand, starts, rules), seconds, status, minutes, count,
                         bound, int(demand.max())))
            if status != "Optimal":
                start = time.perf_counter()
                short_status, short_plan = plan_day(demand, starts, rules, RESHORT)
                assert covers_need(short_plan, demand, starts, rules), (slot, n, seed, day, RESHORT)
                stopped.append((slot, n, seed, day, minutes, count, bound, int(demand.max()), short_status,
                                *plan_totals(short_plan), time.perf_counter() - start))
        rows.append((slot, n, seed, days))

    print(f"\n### 2. The MIP on daily-activity units (seeds {', '.join(map(str, seeds))}: one week mon–fri "
          f"each; each weekday two solves, each stopped at {time_limit} s; the product's rules)\n")
    print(f"| slot | users | seed | slots per day | shift types | time per weekday, mon–fri (s) | median (s) "
          f"| ratio to {sizes[0]} users, 30 min | peak need | plan hours (week) | lower bound (h) | gap "
          "| shifts (week) | status |")
    print("|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
    reference_median = statistics.median(d[3] for slot, n, _, days in rows if slot == 30 and n == sizes[0]
                                         for d in days)
    for slot, n, seed, days in rows:
        times = [d[3] for d in days]
        slots = sorted({d[1] for d in days})
        types = sorted({d[2] for d in days})
        plan_h, bound_h = sum(d[5] for d in days) / 60, sum(d[7] for d in days) / 60
        gaps = [100 * (d[5] / d[7] - 1) for d in days]
        statuses = pd.Series([d[4] for d in days]).value_counts()
        print(f"| {slot} min | {n} | {seed} | {slots[0]}–{slots[-1]} | {types[0]:,}–{types[-1]:,} | "
              f"{' / '.join(f'{t:.2f}' for t in times)} | {statistics.median(times):.2f} | "
              f"{statistics.median(times) / reference_median:.1f}× | {max(d[8] for d in days)} | "
              f"{plan_h:,.2f} | {bound_h:,.2f} | {max(gaps):.1f} % | {sum(d[6] for d in days)} | "
              f"{', '.join(f'{k} {v}' for k, v in statuses.items())} |")
    print("\nShift types: `plan_day`'s integer variables (every allowed shift and break placement that works "
          "a slot with users, one per set of slots worked, the least work). Lower bound: Σ staff needed × slot length, the "
          "hours no plan can go below; gap: the largest of the weekdays' (plan hours / bound − 1). Ratio: "
          f"median time against the median of {sizes[0]} users with 30-minute slots.")
    if stopped:
        print(f"\nWeekdays stopped at the {time_limit}-second limit, solved again with a {RESHORT}-second "
              "limit (peak need: the least number of shifts any plan can have):\n")
        print(f"| slot | users | seed | weekday | plan at {time_limit} s: hours / shifts | lower bound (h) "
              f"| peak need | at {RESHORT} s: status, hours / shifts | time (s) |")
        print("|---:|---:|---:|---|---|---:|---:|---|---:|")
        for slot, n, seed, day, minutes, count, bound, peak, status, s_minutes, s_count, seconds in stopped:
            print(f"| {slot} min | {n} | {seed} | {day} | {minutes / 60:g} / {count} | {bound / 60:g} "
                  f"| {peak} | {status}, {s_minutes / 60:g} / {s_count} | {seconds:.2f} |")


# --- 3. the demo end to end ---------------------------------------------------------------------

def command_time(command: list[str], repeats: int) -> float:
    def once() -> None:
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)

    return median_time(once, repeats)[0]


def demo(repeats: int) -> None:
    from resmodel.cli import app

    exe = str(Path(sys.executable).with_name("resmodel"))
    attendance_file, roster_file = DEMO / f"attendance_{UNIT}.csv", DEMO / f"roster_{UNIT}.csv"

    def in_process(args: list[str]) -> None:
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            app(args, standalone_mode=False)

    with tempfile.TemporaryDirectory() as tmp:
        run_args = ["run", "scenarios/base.yaml", "--out", str(Path(tmp) / "run")]
        plan_args = ["shift-plan", "--unit", UNIT, "--attendance", str(attendance_file),
                     "--roster", str(roster_file), "--out", str(Path(tmp) / "shift_plan")]
        t_run_cmd = command_time([exe, *run_args], repeats)
        t_plan_cmd = command_time([exe, *plan_args], repeats)
        written = pd.read_csv(Path(tmp) / "shift_plan" / "shift_summary.csv").set_index("weekday")
        cwd = Path.cwd()
        os.chdir(ROOT)  # the paths of the scenario, as the command run from the repository root sees them
        try:
            in_process(run_args)  # imports and first-call costs out of the timings below
            in_process(plan_args)
            t_run_in = median_time(lambda: in_process(run_args), repeats)[0]
            plan_times, solve_times = [], []
            for _ in range(repeats):
                with counted_solves() as solves:
                    plan_times.append(median_time(lambda: in_process(plan_args), 1)[0])
                solve_times.append(sum(t for t, _ in solves))
        finally:
            os.chdir(cwd)
        summary = pd.read_csv(Path(tmp) / "shift_plan" / "shift_summary.csv").set_index("weekday")
    assert np.allclose(summary["plan_hours"], written.loc[summary.index, "plan_hours"]), "process ≠ command"
    t_plan_in, t_solves = statistics.median(plan_times), statistics.median(solve_times)
    statuses = pd.Series([status for _, status in solves]).value_counts()
    week = summary.loc["week"]

    print(f"\n### 3. The demo end to end (`resmodel shift-plan --unit {UNIT} --attendance "
          f"data/demokommun/attendance_{UNIT}.csv --roster data/demokommun/roster_{UNIT}.csv`, 30-minute "
          f"slots; median of {repeats})\n")
    print("| step | time (s) | ratio to `resmodel run` |")
    print("|---|---:|---:|")
    print(f"| reference: `resmodel run scenarios/base.yaml` as a command (new process: imports, load, "
          f"base-year run, output) | {t_run_cmd:.2f} | 1× |")
    print(f"| `resmodel shift-plan …` as a command (new process: imports, load, base-year run, plan, "
          f"output) | {t_plan_cmd:.2f} | {t_plan_cmd / t_run_cmd:.2f}× |")
    print(f"| reference in process (imports done): `resmodel run scenarios/base.yaml` | {t_run_in:.2f} "
          "| 1× |")
    print(f"| in process (imports done): `resmodel shift-plan …` | {t_plan_in:.2f} "
          f"| {t_plan_in / t_run_in:.2f}× |")
    print(f"| of which the {len(solves)} `plan_day` calls (one per weekday, two solves each) | {t_solves:.2f} | "
          f"{t_solves / t_run_in:.2f}× |")
    print(f"\nPlan: {week['plan_hours']:g} h and {int(week['plan_shifts'])} shifts a week against a need of "
          f"{week['need_hours']:g} staff-hours (roster: {week['roster_hours']:g} h); status "
          f"{', '.join(f'{k} {v}' for k, v in statuses.items())}; the command and the in-process call wrote "
          "the same hours per weekday (asserted).")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (about 20 s)")
    parser.add_argument("--instances", type=int, default=10,
                        help="random needs per size against the reference")
    parser.add_argument("--sizes", default="10,20,40,80", help="users per unit in the scaling runs")
    parser.add_argument("--time-limit", type=int, default=60,
                        help="seconds per weekday's solve in the scaling runs (the product's: 60)")
    parser.add_argument("--seeds", default="0,1", help="seeds of the synthetic attendance (one week each)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each demo step (median)")
    args = parser.parse_args()
    start = time.perf_counter()
    load = os.getloadavg()
    print(f"Shift plan benchmark — {platform.python_implementation()} {platform.python_version()}, "
          f"numpy {np.__version__}, pandas {pd.__version__}, PuLP {pulp.__version__} (bundled CBC, "
          f"1 thread), {os.cpu_count()} CPU(s), {platform.machine()}; load average at start "
          f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min)")
    reference(3 if args.quick else args.instances, args.quick)
    sizes = (10, 20) if args.quick else tuple(int(n) for n in args.sizes.split(","))
    scaling(sizes, (0,) if args.quick else tuple(int(k) for k in args.seeds.split(",")), args.time_limit)
    demo(1 if args.quick else args.repeats)
    load = os.getloadavg()
    print(f"\nWhole run: {time.perf_counter() - start:.0f} s; load average at the end "
          f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
