"""Nowcasting late invoices: complete the recent service months of a reporting triangle.

State-assistance invoices for a service month keep arriving for months, some retroactively
(about 10 MSEK of 2024's deficit came from such invoices, fact F0184), so the last reported
figure of a recent month is not final. The triangle (service month × months of reporting lag)
is completed with the chain-ladder method (volume-weighted development factors); months that
are still mostly unreported use Bornhuetter–Ferguson with the recent level as prior.
Uncertainty follows Mack (1993, *ASTIN Bulletin* 23:2) — process and parameter error of the
chain ladder — with a log-normal distribution for the unreported part."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location
from resmodel.forecast.frame import month_number


@dataclass(frozen=True)
class Triangle:
    """Cumulative amounts by service month (rows) and lag in months (columns); NaN = not yet known."""

    months: pd.DatetimeIndex
    cumulative: np.ndarray  # shape (rows, lags)
    as_of: pd.Timestamp


def build_triangle(invoices: pd.DataFrame, value: str, as_of: pd.Timestamp | None = None) -> Triangle:
    """Sum incremental amounts (``service_month``, ``reporting_month``, ``value``) into a cumulative
    triangle as known at ``as_of`` (default: the last reporting month); later rows are ignored."""
    as_of = pd.Timestamp(as_of) if as_of is not None else invoices["reporting_month"].max()
    known = invoices[invoices["reporting_month"] <= as_of]
    if known.empty:
        raise InputError.at(Location(path="triangle"), f"no invoices reported by {as_of:%Y-%m}",
                            "invoices reported on or before the as-of month", "check the as-of month")
    first = known["service_month"].min()
    rows = pd.date_range(first, as_of, freq="MS")
    n = len(rows)
    r = month_number(known["service_month"]) - (first.year * 12 + first.month - 1)
    lag = month_number(known["reporting_month"]) - month_number(known["service_month"])
    inc = np.zeros((n, n))
    np.add.at(inc, (r, lag), known[value].to_numpy(dtype=float))
    cum = np.cumsum(inc, axis=1)
    observed = np.arange(n)[None, :] <= (n - 1 - np.arange(n))[:, None]
    cum[~observed] = np.nan
    return Triangle(rows, cum, as_of)


@dataclass(frozen=True)
class Development:
    """Development factors f_j (lag j → j+1), Mack variances σ²_j and the expected share reported
    by each lag (completeness); denominators are the column sums used for parameter error."""

    factors: np.ndarray
    sigma2: np.ndarray
    completeness: np.ndarray
    denominators: np.ndarray


def development(tri: Triangle, recent_rows: int | None = None) -> Development:
    """Volume-weighted chain-ladder factors from rows observed at both lags (optionally only the
    ``recent_rows`` latest such rows, to follow a changing reporting pattern)."""
    C = tri.cumulative
    n = C.shape[1]
    f = np.ones(n - 1)
    s2 = np.full(n - 1, np.nan)
    den = np.zeros(n - 1)
    for j in range(n - 1):
        both = np.flatnonzero(~np.isnan(C[:, j + 1]))
        if recent_rows:
            both = both[-recent_rows:]
        a, b = C[both, j], C[both, j + 1]
        den[j] = a.sum()
        if den[j] > 0:
            f[j] = b.sum() / den[j]
            pos = a > 0
            if pos.sum() >= 2:
                s2[j] = float(np.sum(a[pos] * (b[pos] / a[pos] - f[j]) ** 2) / (pos.sum() - 1))
        elif b.sum() > 0:
            f[j] = np.nan  # nothing is reported by lag j: the row cannot be projected multiplicatively
    # Mack's extrapolation for the last factors with a single observation; zeros once fully developed
    for j in range(n - 1):
        if np.isnan(s2[j]) and not np.isnan(f[j]):
            prev = s2[:j][~np.isnan(s2[:j])]
            s2[j] = min(prev[-1] ** 2 / prev[-2], prev[-2], prev[-1]) if len(prev) >= 2 and prev[-2] > 0 else 0.0
    tail = np.ones(n)
    for j in range(n - 2, -1, -1):
        tail[j] = tail[j + 1] / f[j] if np.isfinite(f[j]) and f[j] > 0 else 0.0
    return Development(f, np.nan_to_num(s2), tail, den)


@dataclass(frozen=True)
class NowcastParams:
    """Method choices: rows less complete than ``bf_below`` use Bornhuetter–Ferguson with the mean
    of the last ``prior_rows`` chain-ladder ultimates as prior; ``recent_rows`` limits the rows
    used for development factors (None = all)."""

    bf_below: float = 0.5
    prior_rows: int = 6
    recent_rows: int | None = None
    levels: tuple[int, ...] = (80, 95)


def nowcast(tri: Triangle, params: NowcastParams | None = None) -> pd.DataFrame:
    """Completed (ultimate) amount per service month with intervals, the reported amount and the
    expected completeness. Columns: service_month, lag, reported, completeness, method, nowcast,
    se, lo-<level>, hi-<level>."""
    p = params or NowcastParams()
    dev = development(tri, p.recent_rows)
    C = tri.cumulative
    n = C.shape[0]
    lag = n - 1 - np.arange(n)
    reported = C[np.arange(n), lag]
    g = dev.completeness[lag]
    cl_rows = (g >= p.bf_below) & (reported > 0)
    ultimate = np.where(cl_rows, reported / np.where(g > 0, g, 1.0), np.nan)
    prior_src = ultimate[cl_rows][-p.prior_rows:]
    if len(prior_src) == 0:
        raise InputError.at(Location(path="triangle"), "no service month is complete enough to set a level",
                            f"at least one month with more than {p.bf_below:.0%} reported",
                            "supply a longer invoice history")
    prior = float(prior_src.mean())
    prior_var = float(prior_src.var(ddof=1)) if len(prior_src) > 1 else 0.0
    ultimate = np.where(cl_rows, ultimate, reported + (1 - g) * prior)
    f, s2, den = dev.factors, dev.sigma2, dev.denominators
    mse = np.zeros(n)
    for i in range(n):
        k0 = lag[i]
        terms = 0.0
        for k in range(k0, n - 1):
            if not np.isfinite(f[k]) or den[k] <= 0 or dev.completeness[k] <= 0:
                continue
            c_hat = ultimate[i] * dev.completeness[k]
            if c_hat > 0:
                terms += s2[k] / f[k] ** 2 * (1 / c_hat + 1 / den[k])
        mse[i] = ultimate[i] ** 2 * terms
        if not cl_rows[i]:
            mse[i] += (1 - g[i]) ** 2 * prior_var
    se = np.sqrt(mse)
    out = pd.DataFrame({
        "service_month": tri.months, "lag": lag, "reported": reported, "completeness": g,
        "method": np.where(cl_rows, "chain_ladder", "bornhuetter_ferguson"), "nowcast": ultimate, "se": se,
    })
    out.loc[g >= 1 - 1e-12, "method"] = "complete"
    reserve = ultimate - reported
    for lv in p.levels:
        z = NormalDist().inv_cdf(0.5 + lv / 200)
        with np.errstate(divide="ignore", invalid="ignore"):
            s_ln = np.sqrt(np.log1p(np.where(reserve > 0, se**2 / reserve**2, 0.0)))
            mu = np.log(np.where(reserve > 0, reserve, 1.0)) - s_ln**2 / 2
            lo_ln = reported + np.exp(mu - z * s_ln)
            hi_ln = reported + np.exp(mu + z * s_ln)
        out[f"lo-{lv}"] = np.where(reserve > 0, lo_ln, ultimate - z * se)
        out[f"hi-{lv}"] = np.where(reserve > 0, hi_ln, ultimate + z * se)
    return out


def settled_lag(tri: Triangle, share: float = 0.995) -> int:
    """First lag by which, on the development of this triangle, ``share`` of the amount is reported."""
    g = development(tri).completeness
    hit = np.flatnonzero(g >= share)
    return int(hit[0]) if len(hit) else len(g) - 1


def backtest_nowcast(invoices: pd.DataFrame, value: str, origins: int = 12, recent_months: int = 6,
                     params: NowcastParams | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nowcast as known at past months and compare with the settled amounts.

    The settled lag is where 99.5 % is reported; origins are the last ``origins`` months whose
    ``recent_months`` latest service months have all settled by the end of the data. Returns the
    detail (origin × service month: truth, reported, nowcast, interval) and a summary comparing
    the nowcast with 'last reported as final'."""
    p = params or NowcastParams()
    full = build_triangle(invoices, value)
    settle = settled_lag(full)
    last = full.as_of - pd.DateOffset(months=settle)
    first_possible = full.months[0] + pd.DateOffset(months=settle + p.prior_rows)  # factors up to the settled lag
    span = max(0, (last.year - first_possible.year) * 12 + last.month - first_possible.month + 1)
    ends = [last - pd.DateOffset(months=k) for k in range(min(origins, span) - 1, -1, -1)]  # those the data allow
    if len(ends) < 2 <= span:  # the data allow two, the option asked for fewer
        raise InputError.at(Location(path="--origins"), f"{origins} backtest origin", "at least 2 origins (one "
                            "nowcast is no error distribution)", "raise --origins, e.g. to 12 (the default)")
    if len(ends) < 2:
        raise InputError.at(Location(path="triangle"),
                            f"the invoice history is too short for a backtest (amounts settle after {settle} months)",
                            f"at least {2 * settle + p.prior_rows + 2} service months", "supply a longer invoice history")
    truth = pd.Series(full.cumulative[np.arange(len(full.months)), len(full.months) - 1 - np.arange(len(full.months))],
                      index=full.months)
    detail = []
    for origin in ends:
        nc = nowcast(build_triangle(invoices, value, origin), p).tail(recent_months)
        nc = nc.assign(origin=origin, truth=truth.reindex(nc["service_month"]).to_numpy())
        detail.append(nc)
    d = pd.concat(detail, ignore_index=True)
    d["lag"] = d["lag"].astype(int)

    def pct(col):
        return (d[col] - d["truth"]).abs() / d["truth"] * 100

    d["err_nowcast_pct"], d["err_reported_pct"] = pct("nowcast"), pct("reported")
    by_lag = d.groupby("lag").agg(
        origins=("origin", "count"), mape_nowcast=("err_nowcast_pct", "mean"),
        mape_last_reported=("err_reported_pct", "mean"),
        **{f"coverage_{lv}": ("truth", lambda s, lv=lv: float(
            ((s >= d.loc[s.index, f"lo-{lv}"]) & (s <= d.loc[s.index, f"hi-{lv}"])).mean() * 100)) for lv in p.levels},
    ).reset_index()
    totals = d.groupby("origin")[["truth", "reported", "nowcast"]].sum()
    total_row = pd.DataFrame({
        "lag": ["sum of recent months"], "origins": [len(totals)],
        "mape_nowcast": [float(((totals["nowcast"] - totals["truth"]).abs() / totals["truth"]).mean() * 100)],
        "mape_last_reported": [float(((totals["reported"] - totals["truth"]).abs() / totals["truth"]).mean() * 100)],
    })
    summary = pd.concat([by_lag.astype({"lag": str}), total_row], ignore_index=True)
    return d, summary
