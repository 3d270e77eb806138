"""Stock–flow (cohort) model by level: stock_end = stock_start + inflows − outflows, exactly.

Inflows (new decisions, school leavers from the adapted upper-secondary school — about a quarter
of new daily-activity decisions, facts F0347 —, moves in) arrive with their own level mix, so the
level mix of the stock drifts towards the inflow mix. Outflows (transition to work or studies,
moves, deaths) are annual rates on the stock at the start of the year; the age exit (daily
activity is for working age: users leave at 67, fact F0401) is either deterministic from the age
structure at a configurable age or, without ages, a rate like the others."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location
from resmodel.forecast.frame import MONTHLY, Series
from resmodel.forecast.models import Fit, Model, ModelFitError, level_anchor, seasonal_profile

INFLOW_KINDS = ("new_decisions", "school_leavers", "moves_in")
OUTFLOW_KINDS = ("age_exit", "work_studies", "moves_out", "deaths")
FLOW_COLUMNS = (
    ("stock_start",) + tuple(f"inflow_{k}" for k in INFLOW_KINDS) + tuple(f"outflow_{k}" for k in OUTFLOW_KINDS)
    + ("stock_end",)
)
DEFAULT_EXIT_AGE = 67  # F0401: participants leave daily activity at 67
DEFAULT_SCHOOL_LEAVER_AGE = 20  # anpassad gymnasieskola is a four-year programme begun by age 20 (Skollagen 2010:800 ch. 19)
FLOW_YEARS = 3  # the flow parameters are the means of the last three complete years of flows


def _check_rates(rates: pd.DataFrame, where: str) -> None:
    total = rates.groupby("level")["rate"].sum() if "level" in rates.columns else rates["rate"].sum()
    if np.any(np.asarray(total) > 1) or (rates["rate"] < 0).any():
        raise InputError.at(Location(path=where), "outflow rates are negative or add up to more than 1 per year",
                            "annual rates between 0 and 1 whose sum is at most 1",
                            "check the outflow rates (they are shares of the stock at the start of the year)")


def project_cohorts(
    initial: pd.DataFrame,
    years: list[int],
    inflows: pd.DataFrame,
    outflows: pd.DataFrame,
    *,
    exit_age: int | None = None,
    inflow_ages: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Project stocks by level (and optionally single-year age) year by year.

    ``initial``: columns ``level``, ``stock`` and optionally ``age`` (age at the start of the
    first year). ``inflows``: ``year``, ``kind``, ``level``, ``count`` (the level mix is in the
    counts). ``outflows``: either rates (``kind``, ``rate``, optional ``level``) applied to the
    start-of-year stock, or known counts (``year``, ``kind``, ``level``, ``count``) taken from
    each level in proportion to its age cells. With ages, everyone ages one year at year end and
    those reaching ``exit_age`` leave (``outflow_age_exit``); inflows enter at the ages given in
    ``inflow_ages`` (``kind``, ``age``, ``share``). An ``initial`` row whose age is missing (a level
    without users' ages) is kept in a cell of unknown age that never ages, so it has no age exit.

    Returns one row per (year, level) with ``stock_start``, ``inflow_<kind>``, ``outflow_<kind>``
    and ``stock_end``; the accounting identity holds exactly per row."""
    levels = sorted(set(initial["level"]) | set(inflows["level"]))
    with_ages = "age" in initial.columns
    if with_ages and exit_age is None:
        raise InputError.at(Location(path="stockflow.exit_age"), "an age structure was given without an exit age",
                            "an exit age in years (daily activity: 67, F0401)", "set exit_age")
    ages = np.arange(0, (exit_age or 1)) if with_ages else np.array([0])
    L, A = len(levels), len(ages)
    lidx = {lv: i for i, lv in enumerate(levels)}
    stock = np.zeros((L, A + 1 if with_ages else A))  # with ages, column A holds the stock of unknown age
    if with_ages:
        if (initial["age"] >= exit_age).any() or (initial["age"] < 0).any():
            raise InputError.at(Location(path="stockflow.initial"), f"initial stock has ages outside 0–{exit_age - 1}",
                                f"ages below the exit age {exit_age}", "remove users at or above the exit age")
        np.add.at(stock, (initial["level"].map(lidx).to_numpy(), initial["age"].fillna(A).to_numpy(dtype=int)),
                  initial["stock"].to_numpy(dtype=float))
    else:
        np.add.at(stock, (initial["level"].map(lidx).to_numpy(), 0), initial["stock"].to_numpy(dtype=float))

    for table, allowed, name in ((inflows, INFLOW_KINDS, "inflows"), (outflows, OUTFLOW_KINDS, "outflows")):
        unknown = sorted(set(table["kind"]) - set(allowed))
        if unknown:
            raise InputError.at(Location(path=f"stockflow.{name}"), f"unknown flow kind(s) {', '.join(unknown)}",
                                "one of " + ", ".join(allowed), "rename the flow kind")
    rate_mode = "rate" in outflows.columns
    if rate_mode:
        _check_rates(outflows, "stockflow.outflow_rates")
        if with_ages and "age_exit" in set(outflows["kind"]):
            raise InputError.at(Location(path="stockflow.outflow_rates"),
                                "an age-exit rate was given together with an age structure",
                                "age exit either from ages and exit_age, or as a rate without ages",
                                "drop the age_exit rate or the ages")
    age_share = {}
    if with_ages:
        for kind in INFLOW_KINDS:
            dist = np.zeros(A + 1)
            sub = inflow_ages[inflow_ages["kind"] == kind] if inflow_ages is not None else inflow_ages
            if sub is None or sub.empty:
                if (inflows["kind"] == kind).any() and inflows.loc[inflows["kind"] == kind, "count"].sum() > 0:
                    raise InputError.at(Location(path=f"stockflow.inflow_ages.{kind}"),
                                        f"no entry ages for inflow '{kind}'", "an age distribution per inflow kind",
                                        "give inflow_ages rows for this kind")
                continue
            if (sub["age"] >= exit_age).any():
                raise InputError.at(Location(path=f"stockflow.inflow_ages.{kind}"), "entry age at or above the exit age",
                                    f"entry ages below {exit_age}", "correct the entry ages")
            np.add.at(dist, sub["age"].to_numpy(dtype=int), sub["share"].to_numpy(dtype=float))
            age_share[kind] = dist / dist.sum()

    rows = []
    for year in years:
        start, at_start = stock.sum(axis=1), stock.copy()  # rates are shares of the start-of-year stock
        out = {}
        for kind in OUTFLOW_KINDS:
            if kind == "age_exit" and with_ages:
                continue
            if rate_mode:
                sel = outflows[outflows["kind"] == kind]
                r = np.zeros(L)
                if "level" in sel.columns and sel["level"].notna().any():
                    for lv, rate in zip(sel["level"], sel["rate"], strict=True):
                        r[lidx[lv]] = rate
                elif len(sel):
                    r[:] = float(sel["rate"].iloc[0])
                cells = at_start * r[:, None]  # every kind on the same stock: four 5 % rates take 20 %
            else:
                sel = outflows[(outflows["year"] == year) & (outflows["kind"] == kind)]
                counts = np.zeros(L)
                np.add.at(counts, sel["level"].map(lidx).to_numpy(), sel["count"].to_numpy(dtype=float))
                if np.any(counts > stock.sum(axis=1) + 1e-9):
                    lv = levels[int(np.argmax(counts - stock.sum(axis=1)))]
                    raise InputError.at(Location(path=f"stockflow.outflows.{year}.{kind}.level {lv}"),
                                        "more outflows than users in the stock", "outflows at most the stock",
                                        "check the outflow counts for this year and level")
                tot = stock.sum(axis=1, keepdims=True)
                cells = np.divide(stock, tot, out=np.zeros_like(stock), where=tot > 0) * counts[:, None]
            out[kind] = cells.sum(axis=1)
            stock = stock - cells
        if with_ages:  # the last age leaves, the others age a year; the unknown-age cell stays
            out["age_exit"] = stock[:, A - 1].copy()
            stock = np.concatenate([np.zeros((L, 1)), stock[:, :A - 1], stock[:, A:]], axis=1)
        inn = {}
        for kind in INFLOW_KINDS:
            sel = inflows[(inflows["year"] == year) & (inflows["kind"] == kind)]
            counts = np.zeros(L)
            np.add.at(counts, sel["level"].map(lidx).to_numpy(), sel["count"].to_numpy(dtype=float))
            inn[kind] = counts
            if with_ages and counts.sum() > 0:
                stock = stock + counts[:, None] * age_share[kind][None, :]
            elif not with_ages:
                stock[:, 0] += counts
        for i, lv in enumerate(levels):
            row = {"year": year, "level": lv, "stock_start": start[i]}
            row.update({f"inflow_{k}": inn[k][i] for k in INFLOW_KINDS})
            row.update({f"outflow_{k}": out.get(k, np.zeros(L))[i] for k in OUTFLOW_KINDS})
            row["stock_end"] = row["stock_start"] + sum(inn[k][i] for k in INFLOW_KINDS) - sum(
                out.get(k, np.zeros(L))[i] for k in OUTFLOW_KINDS)
            rows.append(row)
    return pd.DataFrame(rows)


#: person-years at risk (Σ stock_start over the years estimated from) from which a level's own outflow rates
#: are used unshrunk: about 33 users over three years. Below it a level's rate is shrunk towards the service's
#: pooled rate by the square-root rule of limited-fluctuation credibility, Z = √(person-years / 100)
FULL_CREDIBILITY_PERSON_YEARS = 100.0


@dataclass(frozen=True)
class FlowParams:
    """Flow parameters estimated from recent years: inflow counts by kind and level (means), outflow
    rates by kind pooled over levels (total outflow / total start-of-year stock) and, for flows with
    levels, each level's own rates shrunk towards the pooled ones (``level_rates``)."""

    inflows: pd.DataFrame  # kind, level, count
    rates: pd.DataFrame  # kind, rate
    years: tuple[int, ...]
    level_rates: pd.DataFrame | None = None  # kind, level, rate

    @property
    def total_inflow(self) -> float:
        return float(self.inflows["count"].sum())

    @property
    def total_rate(self) -> float:
        return float(self.rates["rate"].sum())


def estimate_flow_params(flows: pd.DataFrame, through_year: int,
                         kinds: tuple[str, ...] = OUTFLOW_KINDS) -> FlowParams | None:
    """Means of the last FLOW_YEARS years of flows up to ``through_year``; None if there are none."""
    hist = flows[flows["year"] <= through_year]
    chosen = sorted(hist["year"].unique())[-FLOW_YEARS:]
    if not chosen:
        return None
    hist = hist[hist["year"].isin(chosen)]
    level = hist["level"] if "level" in hist.columns else pd.Series(0, index=hist.index)
    long = []
    for k in INFLOW_KINDS:
        g = hist[f"inflow_{k}"].groupby(level.fillna(0)).sum() / len(chosen)
        long += [{"kind": k, "level": lv, "count": float(c)} for lv, c in g.items()]
    stock = float(hist["stock_start"].sum())
    rates = pd.DataFrame([{"kind": k, "rate": float(hist[f"outflow_{k}"].sum()) / stock if stock > 0 else 0.0}
                          for k in kinds])
    by_level = _level_rates(hist, rates) if "level" in hist.columns and hist["level"].notna().any() else None
    return FlowParams(pd.DataFrame(long), rates, tuple(int(y) for y in chosen), by_level)


def _level_rates(hist: pd.DataFrame, pooled: pd.DataFrame) -> pd.DataFrame:
    """Each level's outflow rates (its outflows over its start-of-year stock, as ``--by-level`` estimates a level),
    weighted Z = √(person-years / FULL_CREDIBILITY_PERSON_YEARS) ≤ 1 against the pooled rate, so that a level of a
    few users (children's housing: 4 person-years and 5 leavers) does not get a rate above 1 from one year's chance;
    a level with no stock takes the pooled rate. Column ``own`` keeps the level's unshrunk rate (project_level_mix
    scales the level's inflows by the shrinkage so that its steady state stays where its own flows put it)."""
    kinds = pooled["kind"].tolist()
    exposure = hist.groupby("level")["stock_start"].sum()
    out = hist.groupby("level")[[f"outflow_{k}" for k in kinds]].sum().to_numpy()
    own = np.divide(out, exposure.to_numpy()[:, None], out=np.zeros_like(out, dtype=float),
                    where=exposure.to_numpy()[:, None] > 0)
    z = np.sqrt(exposure.to_numpy() / FULL_CREDIBILITY_PERSON_YEARS).clip(max=1.0)[:, None]
    rate = z * own + (1 - z) * pooled["rate"].to_numpy()[None, :]
    return pd.DataFrame({"kind": np.tile(kinds, len(exposure)), "level": np.repeat(exposure.index.to_numpy(), len(kinds)),
                         "rate": rate.ravel(), "own": own.ravel()})


def _without_kind(params: FlowParams, kind: str) -> FlowParams:
    """The flow parameters without the outflow rates of ``kind`` (the age exit, where the users' ages give it)."""
    level_rates = None if params.level_rates is None else params.level_rates[params.level_rates["kind"] != kind]
    return FlowParams(params.inflows, params.rates[params.rates["kind"] != kind].reset_index(drop=True), params.years,
                      level_rates)


def _level_flows(params: FlowParams, levels: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The inflows and outflow rates the level mix projects with. A level whose rate shrinking lowers has its inflows
    scaled down by the same factor (shrunk rate / own rate), so that its steady state I/r stays where its own flows
    put it (review: 4 users, 2 in and 2 out a year, grew 4 → 6.4 in three years on the shrunk rate alone); a rate
    shrinking raises (few or no leavers) leaves the inflows as they are, since scaling them up would put the noisy own
    rate back in the steady state (a second review: 5 users with one leaver in three years grew to 14.6 by 2034,
    children's housing level 4 on the demo 5 → 11.6). A level of ``levels`` the flows do not have takes the pooled
    rates (it was left at rate 0, never leaving)."""
    if params.level_rates is None:
        return params.inflows, params.rates
    totals = params.level_rates.groupby("level")[["rate", "own"]].sum()
    factor = (totals["rate"] / totals["own"].where(totals["own"] > 0)).fillna(1.0).clip(upper=1.0)
    inflows = params.inflows.assign(count=params.inflows["count"] * params.inflows["level"].map(factor).fillna(1.0))
    known = set(params.level_rates["level"].astype(float))
    missing = [lv for lv in levels if float(lv) not in known]
    rates = pd.concat([params.level_rates.drop(columns="own"), *[params.rates.assign(level=lv) for lv in missing]],
                      ignore_index=True)
    return inflows, rates


def balance_path(start: float, inflow: float, rate: float, t: np.ndarray) -> np.ndarray:
    """Stock after ``t`` years (fractional allowed) of constant yearly ``inflow`` and outflow ``rate``, the yearly
    share of the start-of-year stock that leaves: S(t) = I/r + (S₀ − I/r)(1 − r)^t, which at whole years is the
    cohort projection's S₁ = S₀(1 − r) + I exactly (e^(−rt), the solution of dS/dt = I − rS with r read as a
    continuous rate, drifted from it: 426.4 against 434.5 after five years of I = 100, r = 0.2, S₀ = 300)."""
    if rate <= 0:
        return start + inflow * t
    eq = inflow / rate
    return eq + (start - eq) * np.exp(np.log1p(-min(rate, 1.0 - 1e-12)) * t)


def last_complete_year(last: pd.Timestamp, freq: str = MONTHLY) -> int:
    """Last calendar year fully observed by a history ending at ``last`` (flows of later years are unknown then)."""
    return last.year if (freq != MONTHLY or last.month == 12) else last.year - 1


class StockFlow(Model):
    """Service total from the balance equation: recent mean inflows and outflow rates (from the
    yearly flows table, only years complete at the cutoff) drive the stock from its deseasonalised
    current level (the last season's mean, at its centre: ``level_anchor``); monthly series keep their
    seasonal pattern. Intervals come from backtest residuals."""

    name = "stockflow"

    def __init__(self, flows: Mapping[str, pd.DataFrame]):
        self.flows = flows

    def min_length(self, freq):
        return 24 if freq == MONTHLY else 2

    def predict(self, s: Series, h, levels, X_future=None):
        flows = self.flows.get(s.uid)
        if flows is None or flows.empty:
            raise ModelFitError(f"no flows for series '{s.uid}'")
        params = estimate_flow_params(flows, last_complete_year(s.ds[-1], s.freq))
        if params is None:
            raise ModelFitError("no complete year of flows before the cutoff")
        if params.total_rate >= 1:  # more leave in a year than were there at its start: no balance to move to
            raise ModelFitError(f"the flows' outflows exceed the start-of-year stock (a yearly rate of "
                                f"{params.total_rate:.2f})")
        m = s.season
        level, centre = level_anchor(s.y, m)
        t = (centre + np.arange(1, h + 1)) / m
        mean = balance_path(level, params.total_inflow, params.total_rate, t) + seasonal_profile(s.y, m, h)
        return Fit(mean, used=self.name)


def project_level_mix(
    flows: pd.DataFrame,
    start_stock: pd.Series,
    base_year: int,
    end_year: int,
    ages: pd.DataFrame | None = None,
    exit_age: int = DEFAULT_EXIT_AGE,
    params: FlowParams | None = None,
) -> pd.DataFrame:
    """Year-end stock and share of each level for ``base_year``…``end_year`` from a cohort projection with
    recent mean inflows by level and each level's own outflow rates (``FlowParams.level_rates``: shrunk towards
    the pooled rate for a level of few users). With ``ages`` (``level``, ``age``, ``share`` of the level's users)
    the age exit follows the age structure at ``exit_age``, and a level of ``start_stock`` without ages keeps its
    stock at an unknown age, with no age exit; without ``ages`` the age exit is a rate like the others. ``params``:
    the flow parameters the caller has already estimated from ``flows`` up to ``base_year`` (estimated here when
    not given); a located error when there are none (no year of flows up to ``base_year``)."""
    with_ages = ages is not None and not ages.empty
    params = params if params is not None else estimate_flow_params(flows, base_year)
    if params is None:
        raise InputError.at(Location(path="flows"), f"no year of flows up to {base_year}",
                            f"flows of {base_year} or earlier years", "add the flows of the years before the projection")
    if with_ages:  # the age exit follows the ages, not a rate
        params = _without_kind(params, "age_exit")
    years = list(range(base_year + 1, end_year + 1))
    if with_ages:
        a = ages.merge(start_stock.rename("total").rename_axis("level").reset_index(), on="level", how="right")
        initial = pd.DataFrame({"level": a["level"], "age": a["age"].clip(upper=exit_age - 1),
                                "stock": a["share"].fillna(1.0) * a["total"]})
        stock_ages = initial.dropna(subset=["age"]).groupby("age")["stock"].sum()
        entry = pd.concat([
            pd.DataFrame({"kind": "school_leavers", "age": [DEFAULT_SCHOOL_LEAVER_AGE], "share": [1.0]}),
            *[pd.DataFrame({"kind": k, "age": stock_ages.index, "share": stock_ages.to_numpy()})
              for k in ("new_decisions", "moves_in")],
        ])
    else:
        initial = pd.DataFrame({"level": start_stock.index, "stock": start_stock.to_numpy(dtype=float)})
        entry = None
    level_inflows, rates = _level_flows(params, start_stock.index)
    inflows = pd.concat([level_inflows.assign(year=y) for y in years]) if years else level_inflows.assign(year=0)
    proj = project_cohorts(initial, years, inflows, rates, exit_age=exit_age if with_ages else None,
                           inflow_ages=entry)
    mix = [pd.DataFrame({"year": base_year, "level": start_stock.index, "stock": start_stock.to_numpy(dtype=float)})]
    if years:
        mix.append(pd.DataFrame({"year": proj["year"], "level": proj["level"], "stock": proj["stock_end"]}))
    out = pd.concat(mix, ignore_index=True)
    total = out.groupby("year")["stock"].transform("sum")
    return out.assign(share=out["stock"] / total)
