"""Forecasting models: benchmarks (naive, seasonal naive, drift), exponential smoothing, ARIMA and
the Theta method through statsmodels, their equal-weight combination, and the demographic model
(prevalence by age band × population).

Each model turns one training :class:`Series` into ``h`` point forecasts and, where the model
has a statistical error distribution, prediction intervals. Models without one return no
intervals and get empirical intervals from backtest residuals (see ``crossval.run_model``).
Benchmark intervals follow Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*
(3rd ed., §5.5)."""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass, replace
from statistics import NormalDist

import numpy as np
import pandas as pd

from resmodel.forecast.fitcache import memoised
from resmodel.forecast.frame import MONTHLY, Series, month_number


class ModelFitError(Exception):
    """A model could not be estimated on this series (the caller falls back and warns)."""


@dataclass
class Fit:
    """Point forecasts for ``h`` periods, optional interval bounds per level, and the model used."""

    mean: np.ndarray
    lo: dict[int, np.ndarray] | None = None
    hi: dict[int, np.ndarray] | None = None
    used: str = ""
    fallback_reason: str | None = None  # why a model fell back internally (``used`` is then the fallback)
    spread: np.ndarray | None = None  # a combination's members' mean half-width per step (see ``interval_growth``)


def z_value(level: int) -> float:
    """Two-sided standard-normal quantile for a central ``level`` % interval."""
    return NormalDist().inv_cdf(0.5 + level / 200.0)


def normal_intervals(mean: np.ndarray, sigma: np.ndarray, levels: tuple[int, ...]) -> tuple[dict, dict]:
    """Symmetric normal intervals ``mean ± z·sigma`` for each level."""
    lo = {lv: mean - z_value(lv) * sigma for lv in levels}
    hi = {lv: mean + z_value(lv) * sigma for lv in levels}
    return lo, hi


class Model:
    """Base class: a named forecasting method with a minimum series length."""

    name = "model"
    exog: tuple[str, ...] = ()

    def min_length(self, freq: str) -> int:
        return 2

    def min_length_for(self, freq: str, h: int) -> int:
        """The fewest points to forecast ``h`` ahead without the fallback (a selection needs room to backtest)."""
        return self.min_length(freq)

    def predict(self, s: Series, h: int, levels: tuple[int, ...], X_future: pd.DataFrame | None = None) -> Fit:
        raise ModelFitError(f"{self.name} cannot forecast")

    def __repr__(self) -> str:
        return self.name


def _rms(e: np.ndarray) -> float:
    e = e[np.isfinite(e)]
    return float(np.sqrt(np.mean(e**2))) if len(e) else 0.0


class Naive(Model):
    """Last value carried forward; random-walk intervals (σ√k)."""

    name = "naive"

    def predict(self, s, h, levels, X_future=None):
        k = np.arange(1, h + 1)
        mean = np.full(h, s.y[-1])
        lo, hi = normal_intervals(mean, _rms(np.diff(s.y)) * np.sqrt(k), levels)
        return Fit(mean, lo, hi, self.name)


class SeasonalNaive(Model):
    """Value of the same month last year; intervals σ√(⌊(k−1)/m⌋+1). For yearly series = naive."""

    name = "snaive"

    def min_length(self, freq):
        return 14 if freq == MONTHLY else 2

    def predict(self, s, h, levels, X_future=None):
        m = s.season
        k = np.arange(1, h + 1)
        mean = s.y[len(s.y) - m + (k - 1) % m]
        sigma = _rms(s.y[m:] - s.y[:-m]) * np.sqrt((k - 1) // m + 1)
        lo, hi = normal_intervals(mean, sigma, levels)
        return Fit(mean, lo, hi, self.name if m > 1 else "naive")  # no season to repeat: the naive forecast


class Drift(Model):
    """Straight line from the first to the last observation; intervals σ√(k(1+k/(T−1))), σ² the residuals'
    sum of squares over T − 2."""

    name = "drift"

    def min_length(self, freq):
        return 3

    def predict(self, s, h, levels, X_future=None):
        T = len(s.y)
        slope = (s.y[-1] - s.y[0]) / (T - 1)
        k = np.arange(1, h + 1)
        mean = s.y[-1] + slope * k
        # residual variance over T − 2: T − 1 residuals, one slope estimated (FPP3 §5.5, T − K − M)
        sigma = np.sqrt(np.sum((np.diff(s.y) - slope) ** 2) / (T - 2)) * np.sqrt(k * (1 + k / (T - 1)))
        lo, hi = normal_intervals(mean, sigma, levels)
        return Fit(mean, lo, hi, self.name)


def scale_free(predict):
    """Decorator for the statistical models' ``predict``: fit on the series divided by the power of ten
    nearest the spread of its period-to-period changes, and scale the forecasts and intervals back. Their
    optimisers stop on absolute tolerances, so the fit depended on the unit (the same series in persons
    and ×1000 gave ARIMA forecasts 2 % apart, the ×1000 fit with a lower likelihood); with changes of
    order one they converge as on the demo's counts, and a series ×10ᵏ divides back to the same numbers."""

    @functools.wraps(predict)
    def wrapper(self, s, h, levels, X_future=None):
        changes = np.diff(s.y)
        spread = float(np.std(changes)) if len(changes) > 1 else 0.0
        level = float(np.max(np.abs(s.y), initial=0.0))
        # changes of no spread (a constant or a straight line): the level sets the scale instead (a constant
        # 3e-5 unscaled got ARIMA intervals of ±10 %)
        size = spread if np.isfinite(spread) and spread > 1e-9 * level else level
        if not (np.isfinite(size) and size > 0):
            return predict(self, s, h, levels, X_future)
        scale = 10.0 ** np.round(np.log10(size))
        if scale == 1.0:
            return predict(self, s, h, levels, X_future)
        fit = predict(self, replace(s, y=s.y / scale), h, levels, X_future)
        lo = None if fit.lo is None else {lv: b * scale for lv, b in fit.lo.items()}
        hi = None if fit.hi is None else {lv: b * scale for lv, b in fit.hi.items()}
        return replace(fit, mean=fit.mean * scale, lo=lo, hi=hi)

    return wrapper


_FIT_FILTERS: list[tuple] = []  # the filters silence_fit_warnings installed


def silence_fit_warnings() -> None:
    """Ignore the warnings statsmodels raises while fitting (ConvergenceWarning, EstimationWarning, numpy's
    RuntimeWarnings in its and scipy's optimisers) by process-wide filters, installed before a fit after statsmodels'
    own 'always' filters (set when it is first imported), which would otherwise come first. Not by
    ``warnings.catch_warnings()`` around each fit, as until 2026-12-07: it swaps the process-wide filter list
    and is not thread-safe (code review) — two fits overlapping in FastAPI's thread pool could restore each
    other's state and leave every warning of the process silenced. (statsmodels' L-BFGS wrapper still uses
    ``catch_warnings`` itself, with a narrow filter; such a restore can drop these filters, so they are installed
    again before a fit when missing — pytest also restores the list per test.)"""
    import statsmodels.tools.sm_exceptions  # noqa: F401 — its filters are inserted on import

    warnings.filterwarnings("ignore", module=r"statsmodels(\.|$)")
    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"scipy\.optimize(\.|$)")
    _FIT_FILTERS[:] = warnings.filters[:2]


def _quiet_fit(fn):
    """Run a statsmodels fit (its chatter silenced by ``silence_fit_warnings``); failures become ModelFitError."""
    if not _FIT_FILTERS or any(f not in warnings.filters for f in _FIT_FILTERS):
        silence_fit_warnings()
    try:
        return fn()
    except (ValueError, np.linalg.LinAlgError, IndexError, ZeroDivisionError) as exc:
        raise ModelFitError(f"{type(exc).__name__}: {exc}") from None


SEASONALITY_RULES = ("always", "test")


def is_seasonal(y: np.ndarray, m: int) -> bool:
    """The 90 % autocorrelation test for seasonality of the M4 benchmarks, as statsmodels'
    ``ThetaModel`` computes it, on the first differences (so that a trend is not taken for a
    season): n·ρ_m² / Σ_{k<m} ρ_k² above the 90 % point of χ²(1). Too short a series is not seasonal."""
    from statsmodels.tsa.stattools import acf

    d = np.diff(np.asarray(y, dtype=float))
    if len(d) < 2 * m + 1 or np.allclose(d, d[0]):
        return False
    rho = acf(d, nlags=m, fft=True)
    return bool(len(d) * rho[-1] ** 2 / np.sum(rho[:-1] ** 2) > 2.705543454095404)


def _seasonality_rule(rule: str) -> str:
    if rule not in SEASONALITY_RULES:
        raise ValueError(f"seasonality must be one of {SEASONALITY_RULES}, got {rule!r}")
    return rule


def _seasonal(s: Series, rule: str) -> bool:
    return s.season > 1 and (rule == "always" or is_seasonal(s.y, s.season))


class ETS(Model):
    """Exponential smoothing state-space model (statsmodels ``ETSModel``), additive errors and
    damped additive trend; additive seasonality for monthly series (``seasonality="always"``), or
    only when ``is_seasonal`` finds it (``"test"``). Analytical intervals. Seasonal models start
    from the heuristic initial states of Hyndman et al. (2008) instead of estimating 14 initial
    states, which makes a fit about twenty times faster."""

    name = "ets"

    def __init__(self, seasonality: str = "always"):
        self.seasonality = _seasonality_rule(seasonality)

    def min_length(self, freq):
        return 36 if freq == MONTHLY else 8

    @memoised
    @scale_free
    def predict(self, s, h, levels, X_future=None):
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        seasonal = _seasonal(s, self.seasonality)
        y = pd.Series(s.y)

        def fit():
            model = ETSModel(y, error="add", trend="add", damped_trend=True,
                             seasonal="add" if seasonal else None, seasonal_periods=s.season if seasonal else None,
                             initialization_method="heuristic" if seasonal else "estimated")
            res = model.fit(disp=False, maxiter=200)
            pred = res.get_prediction(start=len(y), end=len(y) + h - 1)
            frames = {lv: pred.summary_frame(alpha=1 - lv / 100) for lv in levels}
            return pred.predicted_mean.to_numpy(), frames

        mean, frames = _quiet_fit(fit)
        if not np.all(np.isfinite(mean)):
            raise ModelFitError("non-finite forecast")
        lo = {lv: f["pi_lower"].to_numpy() for lv, f in frames.items()}
        hi = {lv: f["pi_upper"].to_numpy() for lv, f in frames.items()}
        return Fit(mean, lo, hi, self.name)


class ARIMA(Model):
    """Seasonal ARIMA (statsmodels). Monthly default: the 'airline' model (0,1,1)(0,1,1)₁₂ of Box &
    Jenkins — with ``seasonality="test"``, only when ``is_seasonal`` finds a season, otherwise its
    non-seasonal part (0,1,1) with drift; yearly default: ARIMA(1,1,0) with drift. Optional
    exogenous regressors."""

    name = "arima"

    def __init__(self, exog: tuple[str, ...] = (), seasonality: str = "always"):
        self.exog = tuple(exog)
        self.seasonality = _seasonality_rule(seasonality)

    def min_length(self, freq):
        return 38 if freq == MONTHLY else 10

    @memoised
    @scale_free
    def predict(self, s, h, levels, X_future=None):
        from statsmodels.tsa.arima.model import ARIMA as SMARIMA

        if s.freq == MONTHLY and _seasonal(s, self.seasonality):
            order, seasonal, trend = (0, 1, 1), (0, 1, 1, 12), "n"
        elif s.freq == MONTHLY:
            order, seasonal, trend = (0, 1, 1), (0, 0, 0, 0), "t"
        else:
            order, seasonal, trend = (1, 1, 0), (0, 0, 0, 0), "t"
        exog = s.X[list(self.exog)].to_numpy(dtype=float) if self.exog else None
        future = X_future[list(self.exog)].to_numpy(dtype=float) if self.exog else None

        def fit():
            res = SMARIMA(s.y, exog=exog, order=order, seasonal_order=seasonal, trend=trend).fit()
            fc = res.get_forecast(h, exog=future)
            return fc.predicted_mean, {lv: fc.conf_int(alpha=1 - lv / 100) for lv in levels}

        mean, ci = _quiet_fit(fit)
        mean = np.asarray(mean, dtype=float)
        if not np.all(np.isfinite(mean)):
            raise ModelFitError("non-finite forecast")
        lo = {lv: np.asarray(c)[:, 0] for lv, c in ci.items()}
        hi = {lv: np.asarray(c)[:, 1] for lv, c in ci.items()}
        return Fit(mean, lo, hi, self.name)


class Theta(Model):
    """The Theta method (Assimakopoulos & Nikolopoulos 2000) as statsmodels ``ThetaModel`` fits it:
    simple exponential smoothing plus half the slope of a linear trend (Hyndman & Billah 2003).
    Monthly series are first deseasonalised by classical decomposition (multiplicative when all
    values are positive) if the 90 % autocorrelation test at lag 12 finds seasonality, as in the
    M3/M4 competitions. Analytical intervals as statsmodels gives them: the variance of the
    equivalent ARIMA(0,1,1) with drift, whose innovation variance statsmodels estimates on the series
    before deseasonalising (so on strongly seasonal series they are wide)."""

    name = "theta"

    def min_length(self, freq):
        return 24 if freq == MONTHLY else 6

    @memoised
    @scale_free
    def predict(self, s, h, levels, X_future=None):
        from statsmodels.tsa.forecasting.theta import ThetaModel

        if np.all(s.y == s.y[0]):  # the Theta method's forecast of a constant is that constant (no trend, a
            flat = np.full(h, float(s.y[0]))  # level that does not move); statsmodels' fit drifts (15 → 19.1)
            return Fit(flat, dict.fromkeys(levels, flat), dict.fromkeys(levels, flat), self.name)
        seasonal = s.season > 1

        def fit():
            res = ThetaModel(np.asarray(s.y, dtype=float), period=s.season if seasonal else None,
                             deseasonalize=seasonal).fit()
            return np.asarray(res.forecast(h), dtype=float), float(res.params["alpha"]), float(res.sigma2)

        mean, alpha, sigma2 = _quiet_fit(fit)
        if not np.all(np.isfinite(mean)):
            raise ModelFitError("non-finite forecast")
        sd = theta_sd(plausible_theta_variance(s.y, sigma2, alpha), alpha, h)
        lo, hi = normal_intervals(mean, sd, levels)
        return Fit(mean, lo, hi, self.name)


THETA_VARIANCE_BOUND = 2.0  # most a Theta fit's σ² may exceed the variance of the series' changes
THETA_VARIANCE_FLOOR = 0.1  # least share of the innovation variance the changes imply that a Theta fit's σ² may have


def plausible_theta_variance(y: np.ndarray, sigma2: float, alpha: float = 1.0) -> float:
    """statsmodels' σ² (a separate ARIMA(0,1,1)-with-drift fit; the point forecast does not use it), checked against
    the series' changes on both sides. Above: where it exceeds ``THETA_VARIANCE_BOUND`` times the sample variance of
    the changes, or is no number, that variance, the most an MA(1) innovation can have: Var(Δy) = σ²(1 + θ²) ≥ σ², so
    a larger σ² is an unconverged fit (on a 6-point hourly rate, changes of sd 2.75: σ² = 4 990 and ±27 % intervals).
    On 2 400 simulated SES-with-drift series of 6–24 points the ratio stayed below 0.96 except on 6-point series (3.8 %
    above 1, 1.5 % above 2, up to 8 000). Below: where it is under ``THETA_VARIANCE_FLOOR`` of the innovation variance
    the changes imply for the equivalent ARIMA(0,1,1) with drift, Var(Δy)/(1 + θ²) with θ = α − 1 (``alpha``:
    statsmodels' α; 1, a random walk, when not known), that implied variance — a collapsed fit (a 6-point yearly
    series with changes −4…+18: σ² = 1.7e-5 against Var(Δy) = 73.7, 80 % intervals of ±0.06). On 2 800 simulated
    SES-with-drift and trend-plus-noise series of 6–24 points (1 200 of 6 points) σ² fell below 0.217 of the implied
    variance only in collapsed fits — 23, all of 6 points, at most 0.002 of it —, so a tenth lies in that gap with
    room on both sides, and no sound fit there was floored. The point forecast is kept (it rests on α and the trend only), and so is ``comb``, which averages it.
    A spread of 0.01 % of the level is tolerated above (a straight line's changes have none, and no floor then)."""
    changes = np.diff(np.asarray(y, dtype=float))
    bound = float(np.var(changes, ddof=1)) if len(changes) > 1 else 0.0
    limit = THETA_VARIANCE_BOUND * bound + (1e-4 * float(np.max(np.abs(y)))) ** 2
    if not (np.isfinite(sigma2) and 0 <= sigma2 <= limit):
        return bound
    implied = bound / (1.0 + (alpha - 1.0) ** 2)
    return implied if sigma2 < THETA_VARIANCE_FLOOR * implied else sigma2


def theta_sd(sigma2: float, alpha: float, h: int) -> np.ndarray:
    """The h-step standard deviation of the Theta method, SES with drift: the ARIMA(0,1,1)-with-drift variance
    σ²(1 + (k−1)α²) for k = 1…h (Hyndman & Billah 2003, with θ = α − 1). statsmodels' own
    ``prediction_intervals`` uses 1 + (k−1)(1 + (α−1)²), which is the variance only at α = 1 and too wide below."""
    return np.sqrt(sigma2 * (1.0 + np.arange(h) * alpha ** 2))


class Combination(Model):
    """Equal-weight mean of several models' point forecasts (default ETS, ARIMA and Theta — the
    robust combination of the M competitions: Makridakis & Hibon 2000, Makridakis et al. 2020).
    Members' forecasts are clipped at zero before averaging. It needs every member (its minimum
    length is the largest member's; a member that cannot be estimated makes it fall back). No
    error model: intervals come from the combination's own backtest residuals, and grow beyond the
    backtest's horizon as the members' own intervals do (``spread``)."""

    name = "comb"

    def __init__(self, members: list[Model] | None = None):
        self.members = list(members) if members is not None else [ETS(), ARIMA(), Theta()]
        self.exog = tuple(dict.fromkeys(e for m in self.members for e in m.exog))

    def min_length(self, freq):
        return max(m.min_length(freq) for m in self.members)

    @staticmethod
    def combine(means: list[np.ndarray]) -> np.ndarray:
        """The combined point forecast: the mean of the members' forecasts clipped at zero."""
        return np.mean([np.maximum(np.asarray(m, dtype=float), 0.0) for m in means], axis=0)

    def predict(self, s, h, levels, X_future=None):
        fits = [m.predict(s, h, levels, X_future if m.exog else None) for m in self.members]
        spread = None
        if levels and all(f.hi for f in fits):  # how the members' own uncertainty grows with the horizon
            level = 80 if 80 in levels else levels[0]
            spread = np.mean([f.hi[level] - f.mean for f in fits], axis=0)
        return Fit(self.combine([f.mean for f in fits]), used=self.name, spread=spread)


def seasonal_profile(y: np.ndarray, m: int, h: int) -> np.ndarray:
    """Additive seasonal component for the ``h`` periods after ``y`` (classical decomposition over
    whole years, statsmodels ``seasonal_decompose``); zeros for yearly series."""
    if m <= 1:
        return np.zeros(h)
    from statsmodels.tsa.seasonal import seasonal_decompose

    n = (len(y) // m) * m
    seas = seasonal_decompose(y[-n:], model="additive", period=m).seasonal
    last = seas[-m:]  # seasonal_decompose's component repeats with period m
    return last[np.arange(h) % m]


def level_anchor(y: np.ndarray, m: int) -> tuple[float, float]:
    """Deseasonalised current level (mean of the last m values) and how many periods ago it is centred."""
    return float(np.mean(y[-m:])), (m - 1) / 2.0


class Demographic(Model):
    """Prevalence by age band × population projection. The driver column holds the
    prevalence-weighted population Σ_b share_b·pop_b(t)/pop_b(base) (see ``demographic_driver``),
    so the forecast is level × driver(t)/driver(now) plus the seasonal pattern. No statistical
    error model: intervals come from backtest residuals."""

    name = "demographic"

    def __init__(self, driver: str = "population"):
        self.exog = (driver,)
        self.driver = driver

    def min_length(self, freq):
        return 24 if freq == MONTHLY else 2

    def predict(self, s, h, levels, X_future=None):
        m = s.season
        x = s.X[self.driver].to_numpy(dtype=float)
        level, _ = level_anchor(s.y, m)
        base = float(np.mean(x[-m:]))
        if base <= 0:
            raise ModelFitError("the population driver is zero at the cutoff")
        future = X_future[self.driver].to_numpy(dtype=float)
        mean = level * future / base + seasonal_profile(s.y, m, h)
        return Fit(mean, used=self.name)


def demographic_driver(population: pd.DataFrame, age_shares: pd.Series, base_year: int) -> pd.Series:
    """Prevalence-weighted population by year: Σ_b share_b · pop_b(year) / pop_b(base_year).

    ``population`` has columns ``year``, ``age_band``, ``population``; ``age_shares`` maps
    age band → share of the service's users in that band (sums to 1) in ``base_year``, the year
    whose users' ages give the shares. Dividing by each band's population of that same year turns
    the shares into relative prevalences (users_b / pop_b), so the driver's ratio between two years
    is the demand at constant prevalence; another year's population would weight the bands wrongly
    wherever a band grew faster than the others (statistician review, 2026-12-07)."""
    wide = population.pivot_table(index="year", columns="age_band", values="population", aggfunc="sum").sort_index()
    shares = age_shares.reindex(wide.columns).fillna(0.0)
    base = wide.loc[base_year].replace(0, np.nan)
    return (wide.div(base) * shares).sum(axis=1)


def monthly_driver(yearly: pd.Series, months: pd.DatetimeIndex) -> pd.Series:
    """Yearly values placed at mid-year (1 July) and interpolated linearly to month starts;
    NaN outside the covered years (so a horizon past the projection is detected)."""
    xs = np.asarray(yearly.index, dtype=float) * 12 + 6
    t = month_number(months).astype(float)
    values = np.interp(t, xs, yearly.to_numpy(dtype=float))
    first, last = pd.Timestamp(int(yearly.index.min()), 1, 1), pd.Timestamp(int(yearly.index.max()), 12, 1)
    values[(months < first) | (months > last)] = np.nan
    return pd.Series(values, index=months)
