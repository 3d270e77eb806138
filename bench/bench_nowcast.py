"""Benchmark of the nowcast's chain-ladder errors (code review, speed): ``_chain_ladder_mse`` computed for every row
and lag at once against the loop over rows × lags it replaced, kept as the reference in
tests/forecast/test_nowcast_mse.py, in the same run — on a synthetic triangle of 120 service months (the demo's
length) and of 360 (the longest ``resmodel nowcast`` completes), and the whole nowcast of the 360 months as the
command computes it (``nowcast_report``: the completion, its sums and the 12-origin backtest, about 15 completions)
with each. Both must give the same errors to 1e-12 relative, and the whole nowcast the same table (asserted).

Run:  python bench/bench_nowcast.py [--repeat 3] [--parts function,whole]
Prints a markdown table of median times and ratios (reference / now)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
from timing import median_time, recorded_calls

from resmodel.forecast import nowcast
from resmodel.forecast.nowcast_report import nowcast_report

ROOT = Path(__file__).resolve().parents[1]
#: the share of a month's amount reported at lags 0–5
SHARES = (0.5, 0.3, 0.1, 0.05, 0.03, 0.02)


def reference() -> Callable:
    """The loop over rows × lags, from the test suite (which asserts the two equal)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.forecast.test_nowcast_mse import reference_chain_ladder_mse

    return reference_chain_ladder_mse


def invoices(months: int, seed: int = 1) -> pd.DataFrame:
    """Invoices of ``months`` service months of about 1 MSEK (± 5 %), reported over six lags by ``SHARES`` with 5 %
    noise per invoice, in öre, as known at the last service month."""
    rng = np.random.default_rng(seed)
    service = pd.date_range("1995-01-01", periods=months, freq="MS")
    levels = 1e6 * (1 + rng.normal(0, 0.05, months))
    rows = [(m, m + pd.DateOffset(months=lag), round(levels[i] * share * (1 + rng.normal(0, 0.05)), 2))
            for i, m in enumerate(service) for lag, share in enumerate(SHARES) if i + lag < months]
    return pd.DataFrame(rows, columns=["service_month", "reporting_month", "amount_sek"])


def mse_arguments(inv: pd.DataFrame) -> tuple:
    """The arguments ``nowcast`` passes ``_chain_ladder_mse`` (ultimates, lags, development) for these invoices."""
    with recorded_calls(nowcast, "_chain_ladder_mse") as calls:
        nowcast.nowcast(nowcast.build_triangle(inv, "amount_sek"))
    return calls[0][0]


def function_rows(repeat: int) -> list[tuple[str, float, float]]:
    """(what, reference s, now s) for the function alone on 120 and 360 service months."""
    loop, rows = reference(), []
    for months in (120, 360):
        args = mse_arguments(invoices(months))
        t_ref, (ref_mse, ref_flags) = median_time(lambda a=args: loop(*a), repeat)
        t_now, (mse, flags) = median_time(lambda a=args: nowcast._chain_ladder_mse(*a), 20 * repeat)
        np.testing.assert_allclose(mse, ref_mse, rtol=1e-12, atol=0)
        assert (flags == ref_flags).all()
        rows.append((f"`_chain_ladder_mse`, {months} service months", t_ref, t_now))
    return rows


def whole_row() -> tuple[str, float, float]:
    """(what, reference s, now s) for the whole nowcast of 360 service months, once each."""
    inv = invoices(360)

    def report():
        return nowcast_report(inv, "amount_sek", inv["reporting_month"].max(), 6, 12)

    with mock.patch.object(nowcast, "_chain_ladder_mse", reference()):
        t_ref, with_loop = median_time(report, 1)
    t_now, now = median_time(report, 1)
    pd.testing.assert_frame_equal(now.months, with_loop.months, check_exact=False, rtol=1e-12)
    return "`nowcast_report`, 360 service months (as `resmodel nowcast`)", t_ref, t_now


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the reference per triangle (the median)")
    parser.add_argument("--parts", default="function,whole")
    args = parser.parse_args()
    parts = args.parts.split(",")
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Nowcast chain-ladder errors — load average at start {load}\n")
    print("| what | loop (reference, s) | every row and lag at once (s) | ratio |")
    print("|---|---:|---:|---:|")
    rows = (function_rows(args.repeat) if "function" in parts else []) + ([whole_row()] if "whole" in parts else [])
    for what, t_ref, t_now in rows:
        print(f"| {what} | {t_ref:.4f} | {t_now:.4f} | {t_ref / t_now:.0f}× |")
    print(f"\nThe same errors to 1e-12 relative (asserted); medians of {args.repeat} runs of the loop and "
          f"{20 * args.repeat} of the function{', one of each whole nowcast' if 'whole' in parts else ''}. "
          f"Load average at the end {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
