"""Nowcasting late invoices: complete the recent service months of a reporting triangle.

State-assistance invoices for a service month keep arriving for months, some retroactively
(about 10 MSEK of 2024's deficit came from such invoices, fact F0184), so the last reported
figure of a recent month is not final. The triangle (service month × months of reporting lag)
is completed with the chain-ladder method (volume-weighted development factors); months that
are still mostly unreported use Bornhuetter–Ferguson with the recent level as prior.
Uncertainty follows Mack (1993, *ASTIN Bulletin* 23:2) — process and parameter error of the
chain ladder — and, for the Bornhuetter–Ferguson months, Mack (2008, "The prediction error of
Bornhuetter/Ferguson", *ASTIN Bulletin* 38:1), with a log-normal distribution for the unreported
part where it is positive and larger than its standard error (normal bounds otherwise)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, shown
from resmodel.forecast.frame import month_number
from resmodel.forecast.models import z_value


@dataclass(frozen=True)
class Triangle:
    """Cumulative amounts by service month (rows) and lag in months (columns); NaN = not yet known."""

    months: pd.DatetimeIndex
    cumulative: np.ndarray  # shape (rows, lags)
    as_of: pd.Timestamp


_WHAT = {"amount_sek": "amounts in SEK", "cases": "case counts"}


def build_triangle(invoices: pd.DataFrame, value: str, as_of: pd.Timestamp | None = None) -> Triangle:
    """Sum incremental amounts (``service_month``, ``reporting_month``, ``value``) into a cumulative
    triangle as known at ``as_of`` (default: the last reporting month); later rows are ignored."""
    as_of = pd.Timestamp(as_of) if as_of is not None else invoices["reporting_month"].max()
    known = invoices[invoices["reporting_month"] <= as_of]
    if known.empty:
        raise InputError.at(Location(path="triangle"), f"no invoices reported by {as_of:%Y-%m}",
                            "invoices reported on or before the as-of month", "check the as-of month")
    if not (known[value] != 0).any():
        raise InputError.at(Location(path="triangle"), f"{value} is 0 in every invoice reported by {as_of:%Y-%m}: "
                            "there is nothing to complete", f"{value} above 0 for the invoiced service months",
                            f"check that {value} holds the invoiced {_WHAT.get(value, 'amounts')}")
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
    estimated: np.ndarray  # σ²_j from two or more rows, or extrapolated from two such lags; else set to 0


#: a service month whose cumulative amount falls to this share of its highest so far, or below, has been reversed
#: in full by a credit (a decision revoked, an invoice cancelled)
FULL_REVERSAL_SHARE = 0.05
#: a month whose expected completeness is 1 within this is complete: its reported amount is its nowcast
COMPLETE_WITHIN = 1e-12
#: a month of the Bornhuetter–Ferguson prior whose cumulative amount has fallen by more than this share from its
#: highest so far (a partial credit) is warned about with what leaving it out would change: it is kept, as the
#: credit may correct that month's own level (a decision partly revoked), which a full reversal's cancellation is not
PRIOR_CREDIT_SHARE = 0.30


def reversed_cells(C: np.ndarray) -> np.ndarray:
    """The cells of a cumulative triangle where a service month stands reversed in full: at or below
    ``FULL_REVERSAL_SHARE`` of the highest (positive) amount it had reached, until it is invoiced again."""
    peak = np.fmax.accumulate(C, axis=1)  # NaN (not yet known) is passed over
    with np.errstate(invalid="ignore"):
        return ~np.isnan(C) & (peak > 0) & (C <= FULL_REVERSAL_SHARE * peak)


def reversed_months(C: np.ndarray) -> np.ndarray:
    """The service months reversed in full at any lag, invoiced again since or not: their increments (a credit the
    size of the month, a re-invoice) and their ultimates (a re-invoice may restore the month's level or not) are no
    reporting pattern or level of the others."""
    return reversed_cells(C).any(axis=1)


def _link_rows(C: np.ndarray, rev: np.ndarray, j: int, recent_rows: int | None) -> np.ndarray:
    """The rows whose development from lag j to j + 1 counts (the development factors' and the credit warnings'):
    observed at lag j + 1 and reversed in full (``rev``) at neither lag — the ``recent_rows`` latest of them, if given."""
    rows = np.flatnonzero(~np.isnan(C[:, j + 1]) & ~rev[:, j] & ~rev[:, j + 1])
    return rows[-recent_rows:] if recent_rows else rows


def development(tri: Triangle, recent_rows: int | None = None, keep_reversals: bool = False) -> Development:
    """Volume-weighted chain-ladder factors from rows observed at both lags (optionally only the
    ``recent_rows`` latest such rows, to follow a changing reporting pattern). A link from or into a cell where a
    month stands reversed in full is left out (weight 0, as MackChainLadder's weights leave out an outlying
    age-to-age factor): one month's cancellation is no reporting pattern of the others — unless
    ``keep_reversals``, to measure what leaving it out changes."""
    C = tri.cumulative
    n = C.shape[1]
    rev = np.zeros_like(C, dtype=bool) if keep_reversals else reversed_cells(C)
    f = np.ones(n - 1)
    s2 = np.full(n - 1, np.nan)
    den = np.zeros(n - 1)
    for j in range(n - 1):
        both = _link_rows(C, rev, j, recent_rows)
        a, b = C[both, j], C[both, j + 1]
        den[j] = a.sum()
        if den[j] > 0:
            f[j] = b.sum() / den[j]
            pos = a > 0
            if pos.sum() >= 2:
                s2[j] = float(np.sum(a[pos] * (b[pos] / a[pos] - f[j]) ** 2) / (pos.sum() - 1))
        elif b.sum() > 0:
            f[j] = np.nan  # nothing is reported by lag j: the row cannot be projected multiplicatively
    estimated = ~np.isnan(s2)
    # Mack's extrapolation for the last factors with a single observation; zeros once fully developed
    for j in range(n - 1):
        if np.isnan(s2[j]) and not np.isnan(f[j]):
            prev = s2[:j][~np.isnan(s2[:j])]
            s2[j] = min(prev[-1] ** 2 / prev[-2], prev[-2], prev[-1]) if len(prev) >= 2 and prev[-2] > 0 else 0.0
            estimated[j] = len(prev) >= 2
    tail = np.ones(n)
    for j in range(n - 2, -1, -1):
        tail[j] = tail[j + 1] / f[j] if np.isfinite(f[j]) and f[j] > 0 else 0.0
    return Development(f, np.nan_to_num(s2), tail, den, estimated)


def _refuse_below_one(name: str, value: object, what: str, fix: str) -> None:
    """Refuse a count of ``what`` that is not a whole number of 1 or more: the last n rows are taken as rows[-n:],
    which for 0 is every row (and for −k all but the first k) — a wrong number, not an error, unless refused."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise InputError.at(Location(path=name), f"{name} is {shown(value)}",
                            f"a whole number of {what}, 1 or more (taken as the last n, 0 would be every one)", fix)


@dataclass(frozen=True)
class NowcastParams:
    """Method choices: rows less complete than ``bf_below`` use Bornhuetter–Ferguson with the mean
    of the last ``prior_rows`` chain-ladder ultimates as prior; ``recent_rows`` limits the rows
    used for development factors (None = all)."""

    bf_below: float = 0.5
    prior_rows: int = 6
    recent_rows: int | None = None
    levels: tuple[int, ...] = (80, 95)

    def __post_init__(self) -> None:
        """Refuse a prior or development from 0 or fewer months, which would silently take every month."""
        _refuse_below_one("prior_rows", self.prior_rows, "chain-ladder months whose mean ultimate is the "
                          "Bornhuetter–Ferguson prior (the latest)", "give prior_rows as 1 or more (6 by default)")
        if self.recent_rows is not None:
            _refuse_below_one("recent_rows", self.recent_rows, "rows the development factors are taken from (the latest)",
                              "give recent_rows as 1 or more, or None for every row (the default)")


@dataclass(frozen=True)
class _Completion:
    """The completed triangle's rows: lag, reported, expected completeness, which rows the chain ladder
    completes (the rest by Bornhuetter–Ferguson), ultimates, their standard errors, the development,
    the prior (its level, the variance of its error, which the BF months share, and the chain-ladder rows
    it averages) and Mack's (2008) incremental variances ŝ²_k (for the covariances of a total)."""

    lag: np.ndarray
    reported: np.ndarray
    completeness: np.ndarray
    chain_ladder: np.ndarray
    ultimate: np.ndarray
    se: np.ndarray
    dev: Development
    prior: float
    prior_error_var: float
    prior_rows: np.ndarray  # indices of the chain-ladder rows whose mean ultimate is the prior
    incremental_var: np.ndarray  # Mack's (2008) ŝ²_k by lag
    unestimated: np.ndarray  # rows whose interval rests on a variance the data cannot give (set to 0)


def _sum_from_lag(x: np.ndarray) -> np.ndarray:
    """Σ over lags k ≥ j of x_k, by j, with a 0 after the last lag (nothing more to come once fully developed)."""
    return np.concatenate([np.cumsum(x[::-1])[::-1], [0.0]])


def _relative_parameter_variance(dev: Development) -> np.ndarray:
    """Σ over lags k ≥ j of σ²_k / f_k² / Σ C_k, by j (0 at the last lag): the squared relative error of the
    estimated completeness at lag j, Var(ĝ_j) / ĝ_j² (Mack 1993's parameter error, per unit of ultimate)."""
    f, s2, den = dev.factors, dev.sigma2, dev.denominators
    usable = np.isfinite(f) & (den > 0) & (dev.completeness[:-1] > 0)
    per_lag = np.where(usable, s2 / np.where(usable, f, 1.0) ** 2 / np.where(usable, den, 1.0), 0.0)
    return _sum_from_lag(per_lag)


def _chain_ladder_mse(ultimate: np.ndarray, lag: np.ndarray, dev: Development) -> tuple[np.ndarray, np.ndarray]:
    """Mack's (1993) mean squared error of each row's chain-ladder ultimate (process and parameter error over
    the lags still to come), and which rows rest on a σ² the data cannot estimate: Û² Σ over the usable lags
    k ≥ lag of σ²_k / f_k² (1 / Ĉ_k + 1 / Σ C_k), Ĉ_k = Û ĝ_k, for every row and lag at once (a loop over them took
    13 s of a 360-month nowcast)."""
    f, den, g = dev.factors, dev.denominators, dev.completeness[:-1]
    usable = np.isfinite(f) & (den > 0) & (g > 0)
    c_hat = ultimate[:, None] * g[None, :]  # [row, lag]
    ahead = usable & (np.arange(len(f)) >= lag[:, None]) & (c_hat > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(ahead, dev.sigma2 / np.float_power(f, 2) * (1 / c_hat + 1 / den), 0.0)
    # added lag by lag from 0 (cumsum; sum adds pairwise) and squared by pow (float_power; an array's ** 2 multiplies),
    # as the loop over rows and lags did (tests/forecast/test_nowcast_mse.py): the same nowcasts to the last bit
    mse = np.float_power(ultimate, 2) * np.cumsum(np.hstack([np.zeros((len(lag), 1)), terms]), axis=1)[:, -1]
    unestimated = _sum_from_lag(usable & ~dev.estimated & (f != 1.0)) > 0  # by lag: a σ² ahead set, not estimated
    return mse, unestimated[lag]


def _incremental_variance(C: np.ndarray, lag: np.ndarray, ultimate: np.ndarray, rows: np.ndarray,
                          completeness: np.ndarray, recent_rows: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Mack's (2008) ŝ²_k = Σ_j (S_jk − Û_j ŷ_k)² / Û_j / (n_k − 1): the variance of the amount reported at lag k
    per unit of ultimate, over the ``rows`` (chain-ladder months, positive ultimate; the ``recent_rows`` latest)
    observed at lag k, with S the increments and ŷ_k the expected share reported at lag k. Returns ŝ² (0 from
    fewer than two rows) and which lags that leaves unestimated though an amount is expected there."""
    n = C.shape[1]
    S = np.diff(C, axis=1, prepend=0.0)
    y = np.diff(completeness, prepend=0.0)
    use = (rows & (ultimate > 0))[:, None] & (lag[:, None] >= np.arange(n)[None, :])
    if recent_rows:
        use &= np.cumsum(use[::-1], axis=0)[::-1] <= recent_rows
    u = np.where(use, ultimate[:, None], 1.0)
    count = use.sum(axis=0)
    with np.errstate(invalid="ignore"):
        ss = np.where(use, (np.where(use, S, 0.0) - u * y) ** 2 / u, 0.0).sum(axis=0)
    return np.where(count >= 2, ss / np.maximum(count - 1, 1), 0.0), (count < 2) & (y != 0)


def _bf_mse(prior: float, var_u: float, completeness: np.ndarray, lag: np.ndarray, incremental_var: np.ndarray,
            relvar: np.ndarray) -> np.ndarray:
    """Mack's (2008) mean squared error of a Bornhuetter–Ferguson ultimate reported + (1 − ĝ) Û: process error
    Û Σ_{k>lag} ŝ²_k, the completeness's error (Û² + Var Û) Var(ĝ), and the prior's (1 − ĝ)² Var Û. The reported
    amount is not scaled up, so the chain ladder's terms (Mack 1993) do not apply; Var(ĝ) = ĝ² · relvar."""
    later = _sum_from_lag(incremental_var)
    return (prior * later[lag + 1] + (prior**2 + var_u) * completeness**2 * relvar[lag]
            + (1 - completeness) ** 2 * var_u)


def _complete(tri: Triangle, p: NowcastParams, keep_reversals: bool = False,
              leave_out: np.ndarray | None = None) -> _Completion:
    """The triangle completed with the months reversed in full left out of the development factors (while they stand
    reversed), of the prior's months and of the incremental variances ŝ² (reversed at any lag) — unless
    ``keep_reversals``, to measure what leaving them out changes; ``leave_out`` (rows) leaves further months out of
    the prior's months and the variances, to measure what a partial credit changes. A reversed month is itself
    completed as any other month, from what it now reports."""
    dev = development(tri, p.recent_rows, keep_reversals)
    C = tri.cumulative
    n = C.shape[0]
    lag = n - 1 - np.arange(n)
    reported = C[np.arange(n), lag]
    g = dev.completeness[lag]
    cl_rows = (g >= p.bf_below) & (reported > 0)
    # the chain-ladder months whose amounts follow the reporting pattern: they set the level and the variances
    pattern_rows = cl_rows if keep_reversals else cl_rows & ~reversed_months(C)
    if leave_out is not None:
        pattern_rows = pattern_rows & ~leave_out
    # a month whose completeness is 1 up to rounding (later additions and credits that cancel) expects nothing
    # more: reported / ĝ would put its nowcast a rounding error off what is reported, outside a 0-width interval
    ultimate = np.where(np.abs(g - 1) <= COMPLETE_WITHIN, reported, reported / np.where(g > 0, g, 1.0))
    ultimate = np.where(cl_rows, ultimate, np.nan)
    prior_rows = np.flatnonzero(pattern_rows)[-p.prior_rows:]
    if len(prior_rows) == 0:
        raise InputError.at(Location(path="triangle"), "no service month is complete enough to set a level",
                            f"at least one service month with {p.bf_below:.0%} or more of its amount reported"
                            + (", not reversed in full by a credit" if cl_rows.any() else ""),
                            "supply a longer invoice history, or a later as-of month")
    prior_src = ultimate[prior_rows]
    prior = float(prior_src.mean())
    # τ², the months' spread around the level; the prior (their mean) errs by τ²/m, an error every BF month shares
    prior_var = float(prior_src.var(ddof=1)) if len(prior_src) > 1 else 0.0
    shared_var = prior_var / len(prior_src)
    s2inc, s2_missing = _incremental_variance(C, lag, ultimate, pattern_rows, dev.completeness, p.recent_rows)
    ultimate = np.where(cl_rows, ultimate, reported + (1 - g) * prior)
    mse, unestimated = _chain_ladder_mse(ultimate, lag, dev)
    bf = ~cl_rows
    mse[bf] = _bf_mse(prior, prior_var + shared_var, g[bf], lag[bf], s2inc, _relative_parameter_variance(dev))
    later_missing = _sum_from_lag(s2_missing) > 0  # a lag > j lacks its ŝ²
    unestimated[bf] |= later_missing[lag[bf] + 1] | ((len(prior_src) < 2) & (g[bf] < 1))
    return _Completion(lag, reported, g, cl_rows, ultimate, np.sqrt(mse), dev, prior, shared_var, prior_rows,
                       s2inc, unestimated)


def _bounds(reported, ultimate, se, levels: tuple[int, ...]) -> dict[str, np.ndarray]:
    """Interval bounds: the part still to come log-normal with the standard error where it is positive and larger
    than that error; normal around the nowcast otherwise — a log-normal cannot reach 'nothing more arrives' or a
    credit, which an uncertain small remainder (late batches and credits) can."""
    reported, ultimate, se = (np.asarray(a, dtype=float) for a in (reported, ultimate, se))
    reserve = ultimate - reported
    use_ln = (reserve > 0) & (se < reserve)
    out = {}
    for lv in levels:
        z = z_value(lv)
        with np.errstate(divide="ignore", invalid="ignore"):
            s_ln = np.sqrt(np.log1p(np.where(use_ln, se**2 / reserve**2, 0.0)))
            mu = np.log(np.where(use_ln, reserve, 1.0)) - s_ln**2 / 2
            lo_ln = reported + np.exp(mu - z * s_ln)
            hi_ln = reported + np.exp(mu + z * s_ln)
        out[f"lo-{lv}"] = np.where(use_ln, lo_ln, ultimate - z * se)
        out[f"hi-{lv}"] = np.where(use_ln, hi_ln, ultimate + z * se)
    return out


def nowcast(tri: Triangle, params: NowcastParams | None = None) -> pd.DataFrame:
    """Completed (ultimate) amount per service month with intervals, the reported amount, the part still to
    come and the expected completeness. Columns: service_month, lag, reported, completeness, method,
    nowcast, still_to_come, se, lo-<level>, hi-<level>."""
    return nowcast_and_gaps(tri, params)[0]


def nowcast_and_gaps(tri: Triangle, params: NowcastParams | None = None) -> tuple[pd.DataFrame, list[pd.Timestamp]]:
    """``nowcast``'s table and the service months whose interval rests on a variance the triangle is too short to
    estimate (a development step seen in one row only, a prior from one month): set to 0, so their intervals are
    too narrow — from one completion of the triangle."""
    p = params or NowcastParams()
    c = _complete(tri, p)
    return _table(tri, c, p), list(tri.months[c.unestimated])



def _table(tri: Triangle, c: _Completion, p: NowcastParams) -> pd.DataFrame:
    out = pd.DataFrame({
        "service_month": tri.months, "lag": c.lag, "reported": c.reported, "completeness": c.completeness,
        "method": np.where(c.chain_ladder, "chain_ladder", "bornhuetter_ferguson"), "nowcast": c.ultimate,
        "still_to_come": c.ultimate - c.reported, "se": c.se,
    })
    # complete only at a completeness of 1: above it (a factor below 1) the chain ladder expects credits to come
    out.loc[np.abs(c.completeness - 1) <= COMPLETE_WITHIN, "method"] = "complete"
    return out.assign(**_bounds(c.reported, c.ultimate, c.se, p.levels))


def nowcast_total(tri: Triangle, months: int | Sequence[int], params: NowcastParams | None = None
                  ) -> dict[str, float]:
    """The sum over the last ``months`` service months (or over the rows at those positions) — what is
    reported, the nowcast, the part still to come (to accrue) — with its standard error and intervals. The
    months' errors are correlated through the shared development factors (Mack 1993, the total reserve's
    covariance terms) and, for months completed by Bornhuetter–Ferguson, through their shared prior level and
    the chain-ladder months it averages (Mack 2008)."""
    return nowcast_totals(tri, {"": months}, params)[""]


def nowcast_totals(tri: Triangle, groups: Mapping[str, int | Sequence[int]], params: NowcastParams | None = None
                   ) -> dict[str, dict[str, float]]:
    """``nowcast_total`` for several groups of months at once (the triangle completed once)."""
    for months in groups.values():
        if not isinstance(months, Sequence | np.ndarray):
            _refuse_below_one("months", months, "service months to sum (the latest)",
                              "give months as 1 or more, or the positions of the rows to sum")
    p = params or NowcastParams()
    c = _complete(tri, p)
    return {key: _total(c, months, p) for key, months in groups.items()}


def _total(c: _Completion, months: int | Sequence[int], p: NowcastParams) -> dict[str, float]:
    rows = np.arange(len(c.lag))[-months:] if isinstance(months, int | np.integer) else np.asarray(months, dtype=int)
    mse = float(np.sum(c.se[rows] ** 2)) + 2 * float(np.sum(np.triu(_covariances(c, rows), 1)))
    reported, ultimate, se = float(c.reported[rows].sum()), float(c.ultimate[rows].sum()), float(np.sqrt(mse))
    bounds = _bounds([reported], [ultimate], [se], p.levels)
    return {"reported": reported, "nowcast": ultimate, "still_to_come": ultimate - reported, "se": se,
            **{k: float(v[0]) for k, v in bounds.items()}}


def _covariances(c: _Completion, rows: np.ndarray) -> np.ndarray:
    """Covariances of the ``rows``' errors (the diagonal is not their variance). Shared development factors
    (Mack 1993, and Mack 2008 for BF months): a_i a_k Σ over the lags both still have to develop, with a = Û for
    a chain-ladder month and prior · ĝ for a BF month (its reserve moves with ĝ, not with Û / ĝ), plus Var(prior)
    ĝ_i ĝ_k there for two BF months. The shared prior: (1 − ĝ_i)(1 − ĝ_k) τ²/m for two BF months. And a BF month
    against a chain-ladder month j its prior averages (of m): the prior moves with Û_j = C_j / ĝ_j, whose own noise
    errs against month j's, (1 − ĝ_i) / m · (1 − ĝ_j) Û_j Σ_{k ≤ lag j} ŝ²_k / ĝ_j² (Mack 2008's ŝ²)."""
    lag, g, bf = c.lag[rows], c.completeness[rows], ~c.chain_ladder[rows]
    relvar = _relative_parameter_variance(c.dev)
    a = np.where(bf, c.prior * g, c.ultimate[rows])
    shared = relvar[np.maximum(lag[:, None], lag[None, :])]
    both_bf = bf[:, None] & bf[None, :]
    cov = (np.outer(a, a) + both_bf * c.prior_error_var * np.outer(g, g)) * shared
    cov += both_bf * c.prior_error_var * np.outer(1 - g, 1 - g)
    m = len(c.prior_rows)
    averaged = np.isin(rows, c.prior_rows)
    earlier = np.cumsum(c.incremental_var)[lag]  # Σ over lags k ≤ lag of ŝ²_k
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(averaged & (g > 0), (1 - g) * c.ultimate[rows] * earlier / np.where(g > 0, g, 1.0) ** 2, 0.0)
    prior_link = np.outer(np.where(bf, (1 - g) / m, 0.0), own)  # [BF month i, averaged month j]
    cov += prior_link + prior_link.T
    np.fill_diagonal(cov, 0.0)
    return cov


def credit_warnings(tri: Triangle, params: NowcastParams | None = None) -> list[tuple[str, str]]:
    """Named warnings (check, message) on credits that move the development factors: a service month reversed in
    full, left out of them, of the prior and of the variances (the month, the credit, and what keeping it would
    have done to the open months' nowcast, the prior and the interval); and a factor below 1 that rests on one
    month's credit alone, which lowers the nowcast of every month still before that lag."""
    p = params or NowcastParams()
    used = development(tri, p.recent_rows)
    out = []
    C = tri.cumulative
    rev = reversed_cells(C)
    starts = np.argwhere(rev[:, 1:] & ~rev[:, :-1])  # (row, j): reversed from lag j + 1 on
    if len(starts):
        listed = _and([f"{tri.months[i]:%Y-%m} (net {C[i, j + 1] - C[i, j]:,.0f} reported at "
                       f"{tri.months[i] + pd.DateOffset(months=j + 1):%Y-%m}, lag {j + 1})" for i, j in starts])
        out.append(("reversal_left_out", f"service month{'s' if len(starts) > 1 else ''} {listed} fell to "
                    f"{FULL_REVERSAL_SHARE * 100:.0f} % or less of what had been invoiced: a full reversal (a "
                    "credit), left out of the development factors until it is invoiced again, of the months whose "
                    "mean is the Bornhuetter–Ferguson prior and of the variances of the intervals — one month's "
                    f"cancellation is no reporting pattern or level of the others. {_reversal_effect(tri, p)} "
                    "(docs/forecasting.md §5). The reversed month itself is completed from what it now reports: by "
                    "the chain ladder as a month of that size, by Bornhuetter–Ferguson when that is 0 (the share "
                    "still to come of the level)"))
    out += _prior_credit_warnings(tri, p)
    for j in np.flatnonzero(np.isfinite(used.factors) & (used.factors < 1)):
        rows = _link_rows(C, rev, j, p.recent_rows)
        a, b = C[rows, j], C[rows, j + 1]
        k = int(np.argmin(b - a))
        rest = a.sum() - a[k]
        without = (b.sum() - b[k]) / rest if rest > 0 else np.nan
        if b[k] >= a[k] or not without >= 1 - 1e-9:  # other credits make it below 1 too: a pattern, not one month
            continue
        month = tri.months[rows[k]]
        out.append(("credit_in_factors", f"the development factor from lag {j} to {j + 1} is {used.factors[j]:.4f}, "
                    f"below 1 only through service month {month:%Y-%m}'s credit of {b[k] - a[k]:,.0f} at reporting "
                    f"month {month + pd.DateOffset(months=j + 1):%Y-%m} ({without:.4f} without it): every month at a "
                    f"lag of {j} or less is taken as {(without / used.factors[j] - 1) * 100:.1f} % more complete, and its "
                    "nowcast as that much lower — credits of that size are expected of every month. If the credit "
                    "corrects that month alone, read those nowcasts as too low (docs/forecasting.md §5)"))
    return out


def _prior_credit_warnings(tri: Triangle, p: NowcastParams) -> list[tuple[str, str]]:
    """A warning ``prior_month_credited`` when a month whose chain-ladder ultimate is averaged into the
    Bornhuetter–Ferguson prior has fallen by more than PRIOR_CREDIT_SHARE from the highest amount it had reached (a
    partial credit; a full reversal is left out already): the month, its fall, and what leaving it out of the prior
    would change — the prior, the BF months' nowcast and the 80 % interval of what is still to come of the open
    months (review: a credit of 60 % of 2024-10 moved the 2024-12 nowcast by 1.2 MSEK and widened its interval 4×)."""
    c = _complete(tri, p)
    C = tri.cumulative
    rows = c.prior_rows
    peak = np.fmax.accumulate(C, axis=1)[rows, c.lag[rows]]
    fell = rows[(peak > 0) & (c.reported[rows] < (1 - PRIOR_CREDIT_SHARE) * peak)]
    if not len(fell):
        return []
    peaks = dict(zip(rows, peak, strict=True))
    listed = _and([f"{tri.months[i]:%Y-%m} ({peaks[i]:,.0f} at its highest, {c.reported[i]:,.0f} at "
                   f"{tri.as_of:%Y-%m}: −{(1 - c.reported[i] / peaks[i]) * 100:.0f} %)" for i in fell])
    many = len(fell) > 1
    return [("prior_month_credited", f"service month{'s' if many else ''} {listed} {'have' if many else 'has'} "
             f"fallen by more than {PRIOR_CREDIT_SHARE * 100:.0f} % from the highest amount invoiced: a partial "
             f"credit, kept among the months whose mean is the Bornhuetter–Ferguson prior (the level of a month) — it "
             f"may correct that month's own level (a decision partly revoked). {_left_out_effect(tri, p, c, fell)} If "
             "the credit corrects an invoice of that month alone, read the Bornhuetter–Ferguson months' nowcast as "
             "too low and their intervals as too wide (docs/forecasting.md §5)")]


def _left_out_effect(tri: Triangle, p: NowcastParams, kept: _Completion, rows: np.ndarray) -> str:
    """What leaving ``rows`` out of the prior's months would change: the prior, the Bornhuetter–Ferguson months'
    nowcast and the 80 % interval of what is still to come of the open months."""
    out = np.zeros(len(kept.lag), dtype=bool)
    out[rows] = True
    try:
        left = _complete(tri, p, leave_out=out)
    except InputError:  # no other month is complete enough to set a level
        return "No other month is complete enough to set the level without it."
    bf = np.flatnonzero(~kept.chain_ladder)
    open_rows = np.flatnonzero(np.abs(kept.completeness - 1) > COMPLETE_WITHIN)
    (lo_k, hi_k), (lo_l, hi_l) = ((t["lo-80"] - t["reported"], t["hi-80"] - t["reported"])
                                  for t in (_total(kept, open_rows, p), _total(left, open_rows, p)))
    months = _and([f"{tri.months[i]:%Y-%m}" for i in bf]) if len(bf) <= 2 else f"{len(bf)} months"
    return (f"Left out, the prior would be {left.prior:,.0f} instead of {kept.prior:,.0f}, the nowcast of the months "
            f"Bornhuetter–Ferguson completes ({months}) {left.ultimate[bf].sum():,.0f} instead of "
            f"{kept.ultimate[bf].sum():,.0f}, and the 80 % interval of what is still to come of the open months "
            f"{lo_l:,.0f}–{hi_l:,.0f} instead of {lo_k:,.0f}–{hi_k:,.0f}.")


def _reversal_effect(tri: Triangle, p: NowcastParams) -> str:
    """What keeping the full reversals in would have changed: the open months' nowcast, the prior and the 80 %
    interval of what is still to come of the open months."""
    kept, left = _complete(tri, p, keep_reversals=True), _complete(tri, p)
    open_rows = np.flatnonzero(np.abs(left.completeness - 1) > COMPLETE_WITHIN)
    effect = float((kept.ultimate - left.ultimate)[open_rows].sum())
    (lo_l, hi_l), (lo_k, hi_k) = ((t["lo-80"] - t["reported"], t["hi-80"] - t["reported"])
                                  for t in (_total(left, open_rows, p), _total(kept, open_rows, p)))
    return (f"Kept in, it would have changed the nowcast of the open months by {effect:,.0f} in total, the "
            f"Bornhuetter–Ferguson prior (the level of a month) from {left.prior:,.0f} to {kept.prior:,.0f} and the "
            f"80 % interval of what is still to come of the open months from {lo_l:,.0f}–{hi_l:,.0f} to "
            f"{lo_k:,.0f}–{hi_k:,.0f}")


def settled_lag(tri: Triangle, share: float = 0.995) -> int:
    """First lag by which, on the development of this triangle, ``share`` of the amount is reported."""
    g = development(tri).completeness
    hit = np.flatnonzero(g >= share)
    return int(hit[0]) if len(hit) else len(g) - 1


def refuse_unreported_months(invoices: pd.DataFrame, tri: Triangle, p: NowcastParams) -> None:
    """Service months without a single invoice row as known at ``tri.as_of``, although by their lag the reporting
    pattern has usually brought ``p.bf_below`` (50 %) or more of a month's amount, are refused: an export filtered
    on service month looks just like that, and Bornhuetter–Ferguson would complete each as (1 − ĝ) × the prior —
    a tenth of a month at 90 %. A month with rows of 0 (nothing invoiced) is completed as its rows say."""
    g = development(tri, p.recent_rows).completeness
    lag = len(tri.months) - 1 - np.arange(len(tri.months))
    known = invoices.loc[invoices["reporting_month"] <= tri.as_of, "service_month"]
    empty = ~tri.months.isin(known) & (g[lag] >= p.bf_below)
    if not empty.any():
        return
    months, lags, shares = tri.months[empty], lag[empty], g[lag[empty]]
    one = len(months) == 1
    raise InputError.at(Location(path="triangle"), f"service month{'' if one else 's'} "
                        f"{_and([f'{m:%Y-%m}' for m in months])} {'has' if one else 'have'} no invoice row, though "
                        f"by {tri.as_of:%Y-%m} {_and([f'{v * 100:.0f} %' for v in shares])} of a month's amount has "
                        f"usually arrived (at a lag of {_and([str(k) for k in lags])} months): an export cut at a "
                        "service month",
                        f"invoice rows for every service month up to {tri.as_of:%Y-%m} that is {p.bf_below * 100:.0f} % or "
                        "more reported by its lag (a row of 0 for a month with nothing invoiced)",
                        "export the invoices again without a filter on the service month (or add a row of 0 for a "
                        "month with nothing invoiced)")


def _and(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


#: the units an invoice amount is looked for as rounded to, coarsest first: whole kronor, tenths, öre, …
ROUNDING_UNITS = 10.0 ** -np.arange(5)
#: a share of the settled value within which it counts as on a bound: far above the floating-point error of the
#: chain-ladder arithmetic (about 1e-13 of it), far below any interval that measures something
RELATIVE_TOLERANCE = 1e-9


def rounding_unit(amounts: pd.Series) -> float:
    """The unit the amounts are rounded to: the coarsest of ``ROUNDING_UNITS`` of which every amount is a whole
    multiple (öre: 0.01); 0 for amounts written more finely (not rounded)."""
    v = np.abs(amounts.to_numpy(dtype=float))
    for unit in ROUNDING_UNITS:
        if np.allclose(v / unit, np.round(v / unit), rtol=1e-12, atol=1e-6):
            return float(unit)
    return 0.0


def rounding_tolerance(invoices: pd.DataFrame, value: str, months: pd.Series) -> np.ndarray:
    """Per service month in ``months``, how far its settled amount can lie from the unrounded amounts it sums: half
    the rounding unit (``rounding_unit``) per invoice row of the month. 0 for case counts, which are counted, not
    rounded (a tolerance of half a case per row would count real misses as held)."""
    if value != "amount_sek":
        return np.zeros(len(months))
    rows = invoices[invoices[value] != 0].groupby("service_month").size()
    return rows.reindex(months).fillna(0).to_numpy(dtype=float) * rounding_unit(invoices[value]) / 2


def held(truth: pd.Series, lo: pd.Series, hi: pd.Series, tolerance: np.ndarray | float) -> pd.Series:
    """Whether each settled value lies inside its interval, within its rounding ``tolerance`` (``rounding_tolerance``)
    or ``RELATIVE_TOLERANCE`` of it — the backtest's coverage. A miss smaller than the rounding of the invoices cannot
    be told from it: counted exactly, a triangle reported in fixed shares with amounts rounded to öre got chain-ladder
    intervals of ~zero width (se 0.006 SEK) holding 58 % at lag 1 with MAPE 0.00, where every nowcast was right to
    the öre (misses of at most 0.003 SEK, against a tolerance there of 0.01 SEK)."""
    tol = np.maximum(tolerance, RELATIVE_TOLERANCE * np.abs(truth))
    return (truth >= lo - tol) & (truth <= hi + tol)


class HistoryTooShort(InputError):
    """The invoice history is too short for a backtest (the nowcast itself can still be made)."""


def backtest_nowcast(invoices: pd.DataFrame, value: str, origins: int = 12, recent_months: int = 6,
                     params: NowcastParams | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nowcast as known at past months and compare with the settled amounts.

    The settled lag is where 99.5 % is reported; origins are the last ``origins`` months whose
    ``recent_months`` latest service months have all settled by the end of the data. Returns the
    detail (origin × service month: truth, reported, nowcast, interval) and a summary comparing
    the nowcast with 'last reported as final'."""
    _refuse_below_one("recent_months", recent_months, "service months to backtest and sum (the latest)",
                      "give recent_months as 1 or more (6 by default)")
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
        raise HistoryTooShort.at(Location(path="triangle"),
                                 f"the invoice history known at {full.as_of:%Y-%m} is too short for a backtest "
                                 f"({len(full.months)} service months; amounts settle after {settle} months)",
                                 f"at least {2 * settle + p.prior_rows + 2} service months",
                                 "supply a longer invoice history, or a later as-of month")
    truth = pd.Series(full.cumulative[np.arange(len(full.months)), len(full.months) - 1 - np.arange(len(full.months))],
                      index=full.months)
    detail, sums = [], []
    for origin in ends:
        try:
            tri = build_triangle(invoices, value, origin)
            completed = _complete(tri, p)  # once for the months and their sum
        except InputError:  # nothing to complete as known then (a history that starts with zeros): no origin
            continue
        nc = _table(tri, completed, p).tail(recent_months)
        nc = nc.assign(origin=origin, truth=truth.reindex(nc["service_month"]).to_numpy())
        detail.append(nc)
        sums.append({**_total(completed, recent_months, p), "truth": float(nc["truth"].sum()),
                     "tolerance": float(rounding_tolerance(invoices, value, nc["service_month"]).sum())})
    if len(detail) < 2:
        raise HistoryTooShort.at(Location(path="triangle"),
                                 f"only {len(detail)} of the {len(ends)} backtest origins ({ends[0]:%Y-%m}–"
                                 f"{ends[-1]:%Y-%m}) have amounts to complete as known then",
                                 "at least 2 backtest origins with amounts reported",
                                 "supply a longer invoice history, or a later as-of month")
    d = pd.concat(detail, ignore_index=True)
    d["lag"] = d["lag"].astype(int)

    def pct(col):  # over months with a settled amount: a month settled at 0 has no percentage error
        return (d[col] - d["truth"]).abs() / d["truth"].where(d["truth"] != 0) * 100

    d["err_nowcast_pct"], d["err_reported_pct"] = pct("nowcast"), pct("reported")
    tolerance = rounding_tolerance(invoices, value, d["service_month"])
    inside = pd.DataFrame({f"coverage_{lv}": held(d["truth"], d[f"lo-{lv}"], d[f"hi-{lv}"], tolerance) * 100.0
                           for lv in p.levels})
    by_lag = d.groupby("lag").agg(
        origins=("origin", "count"), mape_nowcast=("err_nowcast_pct", "mean"),
        mape_last_reported=("err_reported_pct", "mean"),
    ).join(inside.groupby(d["lag"]).mean()).reset_index()
    totals = pd.DataFrame(sums)
    total_row = pd.DataFrame({
        "lag": ["sum of recent months"], "origins": [len(totals)],
        **{f"mape_{name}": [float(((totals[col] - totals["truth"]).abs()
                                   / totals["truth"].where(totals["truth"] != 0)).mean() * 100)]
           for name, col in (("nowcast", "nowcast"), ("last_reported", "reported"))},
        **{f"coverage_{lv}": [float(held(totals["truth"], totals[f"lo-{lv}"], totals[f"hi-{lv}"], totals["tolerance"].to_numpy()).mean() * 100)]
           for lv in p.levels},
    })
    summary = pd.concat([by_lag.astype({"lag": str}), total_row], ignore_index=True)
    return d, summary
