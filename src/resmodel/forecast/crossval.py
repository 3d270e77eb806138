"""Rolling-origin evaluation: running one model on one series (with the short-series fallback and
empirical intervals where the model has none), backtest windows, and the cross-validation table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from resmodel.errors import InputError, Location, Warning_
from resmodel.forecast.frame import DS, ID, MIN_POINTS, MONTHLY, Series, Y, future_dates
from resmodel.forecast.models import Fit, Model, ModelFitError, Naive, normal_intervals

FALLBACK = Naive()
EMPIRICAL_WINDOWS = 12  # most backtest windows used to estimate empirical interval widths
SHORT_SERIES, MODEL_FAILED = "short_series", "model_failed"  # why the fallback was used: the warning's check
NO_VARIATION = 1e-9  # changes of a history that vary by less than this share of its largest value: none (a line)
NO_VARIATION_WIDTH = 0.01  # widest interval, as a share of such a history's largest value, taken for no width


@dataclass
class Run:
    """A model's forecast for one series and origin, and why the fallback was used (if it was): the sentence and
    its kind (``SHORT_SERIES`` or ``MODEL_FAILED``), which code reads instead of the sentence."""

    fit: Fit
    fallback_reason: str | None = None
    fallback_kind: str | None = None


def run_model(
    model: Model,
    s: Series,
    h: int,
    levels: tuple[int, ...],
    X_future: pd.DataFrame | None = None,
    *,
    intervals: bool = True,
    fallback: Model = FALLBACK,
) -> Run:
    """Forecast ``h`` periods with ``model``; use ``fallback`` when the series is too short or the
    model cannot be estimated; add empirical intervals when the model gives none. Values are
    clipped at zero (volumes and amounts cannot be negative)."""
    reason, kind = None, None
    need = model.min_length(s.freq)
    if len(s.y) < need:
        reason, kind = f"{model.name} needs at least {need} points", SHORT_SERIES
    else:
        try:
            fit = model.predict(s, h, levels, X_future)
        except ModelFitError as exc:
            reason, kind = f"{model.name} could not be estimated ({exc})", MODEL_FAILED
    if reason is not None:
        fit = replace(fallback.predict(s, h, levels), used=fallback.name)
        model = fallback
    elif fit.fallback_reason:  # a selection fell back itself: its reason comes as text, its kind from the series
        reason, kind = fit.fallback_reason, fallback_kind(model, s, h)
    if intervals and fit.lo is None:
        fit = _with_empirical_intervals(model, s, h, levels, fit, fallback)
    return Run(_clip(fit), reason, kind)


def fallback_kind(model: Model, s: Series, h: int) -> str:
    """Why ``model`` fell back on ``s``: the series is shorter than the model needs for ``h`` (a selection's inner
    backtest included), or else the model could not be estimated."""
    return SHORT_SERIES if len(s.y) < model.min_length_for(s.freq, h) else MODEL_FAILED


def _clip(fit: Fit) -> Fit:
    def c(a):
        return np.maximum(np.asarray(a, dtype=float), 0.0)

    lo = {k: c(v) for k, v in fit.lo.items()} if fit.lo else fit.lo
    hi = {k: c(v) for k, v in fit.hi.items()} if fit.hi else fit.hi
    return replace(fit, mean=c(fit.mean), lo=lo, hi=hi)


def training_lengths(n: int, h: int, n_windows: int, step: int) -> list[int]:
    """Number of training points at each rolling origin, oldest first."""
    return [n - h - step * (n_windows - 1 - i) for i in range(n_windows)]


def window_forecasts(model: Model, s: Series, h: int, lengths: Sequence[int], levels: tuple[int, ...] = (),
                     intervals: bool = False) -> list[Run]:
    """Forecasts of ``model`` from each training length (future exogenous values from the series)."""
    runs = []
    for n in lengths:
        X_future = s.X.iloc[n:n + h].reset_index(drop=True) if model.exog else None
        runs.append(run_model(model, s.head(n), h, levels, X_future, intervals=intervals))
    return runs


def empirical_design(model: Model, s: Series, h: int) -> tuple[int, list[int]]:
    """The backtest behind empirical intervals: its horizon (up to 12 months or 3 years) and the
    training lengths of its origins, one period apart, the last ending at the series end, up to
    12 of them, each long enough for the model (may be empty)."""
    h_e = min(h, 12 if s.freq == MONTHLY else 3)
    first = max(model.min_length(s.freq), MIN_POINTS)
    n_windows = min(EMPIRICAL_WINDOWS, len(s.y) - h_e - first + 1)
    return h_e, training_lengths(len(s.y), h_e, n_windows, 1) if n_windows > 0 else []


def recent_design(model: Model, s: Series, h: int) -> tuple[int, list[int]]:
    """The backtest behind ``auto``'s intervals: the horizon of ``empirical_design`` and every origin,
    one period apart up to the period before the series end, whose forecast of some step falls in the
    last ``EMPIRICAL_WINDOWS`` periods (``recent_errors`` keeps those errors); empty when no origin
    observes every step, as ``empirical_design`` is."""
    h_e, full = empirical_design(model, s, h)
    return h_e, list(range(full[0], len(s.y))) if full else []


def recent_errors(s: Series, lengths: Sequence[int], runs: Sequence[Run], h_e: int) -> np.ndarray:
    """Errors (actual − forecast) per origin and horizon step, only where the actual is one of the last
    ``EMPIRICAL_WINDOWS`` periods (NaN elsewhere): step k is calibrated on the forecasts of the same
    recent periods, from the ``EMPIRICAL_WINDOWS`` origins ending k periods before the series end,
    whatever the horizon asked for, so a level shift of the last months counts at every step."""
    n = np.asarray(lengths)[:, None]
    target = n + np.arange(h_e)[None, :]  # index of the period each error is about
    keep = (target < len(s.y)) & (target >= len(s.y) - EMPIRICAL_WINDOWS)
    actual = np.where(keep, s.y[np.minimum(target, len(s.y) - 1)], np.nan)
    means = np.array([np.pad(np.asarray(r.fit.mean[:h_e], dtype=float), (0, h_e - min(h_e, len(r.fit.mean))),
                             constant_values=np.nan) for r in runs])  # a run may forecast only the observed steps
    return actual - means


def backtest_errors(s: Series, lengths: Sequence[int], runs: Sequence[Run], h_e: int) -> np.ndarray:
    """Errors (actual − forecast), one row per origin and one column per horizon step."""
    return np.array([s.y[n:n + h_e] - r.fit.mean for n, r in zip(lengths, runs, strict=True)])


def interval_growth(fit: Fit) -> np.ndarray | None:
    """Half-widths per step whose growth backtest-based widths follow beyond their horizon: the model's own
    (a combination: its members' mean, ``Fit.spread``); None for a model with neither (demographic,
    stock–flow), whose widths then grow with √k alone."""
    if fit.spread is not None:
        return np.asarray(fit.spread, dtype=float)
    if fit.hi:
        level = min(fit.hi)
        return np.asarray(fit.hi[level] - fit.mean, dtype=float)
    return None


def extend_widths(width: np.ndarray, h: int, growth: np.ndarray | None = None) -> np.ndarray:
    """Widths per horizon step made non-decreasing; steps beyond the backtest horizon widen as ``growth`` does
    from the horizon's last step on (the model's own intervals: a trend's error grows about with k), and at
    least with √k (a random walk's)."""
    width = np.maximum.accumulate(np.asarray(width, dtype=float))
    h_e = len(width)
    k = np.arange(1, h + 1)
    factor = np.sqrt(k / h_e)
    if growth is not None and len(growth) >= h > h_e and np.all(np.isfinite(growth[:h])) and growth[h_e - 1] > 0:
        factor = np.maximum(factor, growth[:h] / growth[h_e - 1])
    return np.where(k <= h_e, width[np.minimum(k, h_e) - 1], width[-1] * factor)


def empirical_sigma(errors: np.ndarray, h: int, growth: np.ndarray | None = None) -> np.ndarray:
    """Standard deviation per horizon step: the root-mean-square backtest error per step,
    non-decreasing, extended beyond the backtest horizon by ``extend_widths`` (NaN errors, steps not
    observed, are left out)."""
    return extend_widths(np.sqrt(np.nanmean(np.asarray(errors, dtype=float) ** 2, axis=0)), h, growth)


def naive_widths(fit: Fit, s: Series, h: int, levels: tuple[int, ...], fallback: Model) -> Fit:
    """``fit`` with the naive model's interval half-widths (too short a history for a backtest)."""
    naive = fallback.predict(s, h, levels)
    lo = {lv: fit.mean - (naive.mean - naive.lo[lv]) for lv in levels}
    hi = {lv: fit.mean + (naive.hi[lv] - naive.mean) for lv in levels}
    return replace(fit, lo=lo, hi=hi)


def _with_empirical_intervals(model: Model, s: Series, h: int, levels: tuple[int, ...], fit: Fit,
                              fallback: Model) -> Fit:
    """Normal intervals whose width per horizon step is the root-mean-square error of the model's
    own backtest on this series (one-period step between origins, up to 12 origins); steps beyond
    the backtest horizon widen as ``extend_widths`` says. Too short a history borrows the naive model's widths."""
    h_e, lengths = empirical_design(model, s, h)
    if len(lengths) < 3:
        return naive_widths(fit, s, h, levels, fallback)
    runs = window_forecasts(model, s, h_e, lengths)
    sigma = empirical_sigma(backtest_errors(s, lengths, runs, h_e), h, interval_growth(fit))
    lo, hi = normal_intervals(fit.mean, sigma, levels)
    return replace(fit, lo=lo, hi=hi)


def check_windows(s: Series, h: int, n_windows: int, step: int, source: str | None = None) -> list[int]:
    """Training lengths for a user-requested backtest, or a located error naming what fits."""
    for name, value in (("h", h), ("windows", n_windows), ("step", step)):
        if int(value) != value or value < 1:
            raise InputError.at(Location(file=source, path=name), f"{name} = {value} is not a positive whole number",
                                f"{name} ≥ 1", f"give a positive whole number for {name}")
    lengths = training_lengths(len(s.y), h, n_windows, step)
    if lengths[0] < MIN_POINTS:
        needed = h + step * (n_windows - 1) + MIN_POINTS
        raise InputError.at(Location(file=source, path=s.uid),
                            f"series '{s.uid}' has {len(s.y)} points: too few for {_count(n_windows, 'backtest window')} "
                            f"of horizon {h} and step {step}",
                            f"at least {needed} points (each window needs {MIN_POINTS} training points)",
                            _windows_fix(len(s.y), h, n_windows, step, needed))
    return lengths


def _count(n: int, noun: str) -> str:
    """'1 period', '3 periods': a count with its noun in the number it takes."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def windows_that_fit(points: int, h: int, step: int) -> int:
    """The most backtest windows of horizon ``h``, ``step`` apart, a series of ``points`` holds, each with
    ``MIN_POINTS`` to train on (0 or less: not one)."""
    return (points - h - MIN_POINTS) // step + 1


def _windows_fix(points: int, h: int, n_windows: int, step: int, needed: int) -> str:
    """What fits a series of ``points`` too short for the backtest asked for: fewer windows at the same horizon, a
    shorter horizon with the same windows, and the points the backtest asked for needs — each for the h given (the
    fix had been computed for h = 1: 'give the series at least 4 points' under 'Expected at least 8')."""
    most = windows_that_fit(points, h, step)
    longest = points - MIN_POINTS - step * (n_windows - 1)
    options = [f"give the series at least {needed} points"]
    if most >= 1:
        options.append(f"use at most {_count(most, 'window')} with h={h} and step={step}")
    if longest >= 1:
        options.append(f"use a horizon of at most {_count(longest, 'period')}")
    elif most < 1 and points > MIN_POINTS:
        options.append(f"use one window with a horizon of at most {_count(points - MIN_POINTS, 'period')}")
    if len(options) == 1:
        options.append("leave it out of the backtest")
    return ", or ".join(options)


def model_columns(name: str, levels: tuple[int, ...]) -> list[str]:
    """Output columns of one model: mean, lower bounds (widest first), upper bounds, model used."""
    lv = sorted(levels)
    return ([name] + [f"{name}-lo-{x}" for x in reversed(lv)] + [f"{name}-hi-{x}" for x in lv]
            + [f"{name}-model_used"])


def fit_columns(name: str, runs: list[Run], levels: tuple[int, ...]) -> dict[str, np.ndarray | list]:
    """The columns of :func:`model_columns` filled from consecutive runs."""
    cols: dict[str, np.ndarray | list] = {name: np.concatenate([r.fit.mean for r in runs])}
    for x in levels:
        cols[f"{name}-lo-{x}"] = np.concatenate([r.fit.lo[x] for r in runs])
        cols[f"{name}-hi-{x}"] = np.concatenate([r.fit.hi[x] for r in runs])
    cols[f"{name}-model_used"] = [r.fit.used for r in runs for _ in range(len(r.fit.mean))]
    return {c: cols[c] for c in model_columns(name, levels)}


def fallback_warnings(uid: str, name: str, runs: list[Run], source: str | None) -> list[Warning_]:
    """One warning per series and model summarising how often (and why) the fallback was used."""
    fell_back = [r for r in runs if r.fallback_reason]
    if not fell_back:
        return []
    where = f"in {len(fell_back)} of {len(runs)} backtest windows" if len(runs) > 1 else ""
    msg = f"{fell_back[0].fallback_reason}; used {FALLBACK.name} instead {where}".strip()
    return [Warning_(fell_back[0].fallback_kind, Location(file=source, path=uid), msg, model=name)]


def no_variation(y: np.ndarray) -> bool:
    """Whether a history is constant or exactly linear: its changes all alike, to ``NO_VARIATION`` of its scale."""
    changes = np.diff(np.asarray(y, dtype=float))
    return len(changes) > 0 and float(np.ptp(changes)) <= NO_VARIATION * max(1.0, float(np.max(np.abs(y))))


def zero_width_warnings(s: Series, name: str, fit: Fit, source: str | None) -> list[Warning_]:
    """A warning naming the model when a forecast's intervals have zero width at some step: the history (constant,
    all zeros, exactly linear) has no variation for the model to measure, which is not certainty (a planner got
    42.00–42.00 at 95 % for a constant series, with no word that the interval meant nothing). On such a history an
    interval narrower than ``NO_VARIATION_WIDTH`` of its largest value counts as zero too: Theta's variance floor
    gave ±0.003 around 45.5 on a straight line."""
    widest = max(fit.hi)
    width = fit.hi[widest] - fit.lo[widest]
    zero = width <= 1e-9 * np.maximum(1.0, np.abs(fit.mean))
    if no_variation(s.y):
        zero |= width <= NO_VARIATION_WIDTH * max(1.0, float(np.max(np.abs(s.y))))
    if not zero.any():
        return []
    steps = "every step" if zero.all() else f"{int(zero.sum())} of {len(zero)} steps"
    msg = (f"the prediction intervals of {name} have zero width at {steps}: the history has no variation "
           "(constant or exactly linear), so the model measures no uncertainty — this is not a statement of "
           "certainty; judge the range from what could change")
    return [Warning_("interval_zero_width", Location(file=source, path=s.uid), msg, model=name)]


def cross_validation_series(s: Series, models: Sequence[Model], h: int, lengths: list[int],
                            levels: tuple[int, ...], source: str | None = None
                            ) -> tuple[pd.DataFrame, list[Warning_], dict[str, int]]:
    """Cross-validation rows for one series: every origin × horizon step, actuals and each model; and per model
    the number of windows its fallback forecast (``select`` choosing naive is not one: ``model_used`` alone cannot
    tell them apart)."""
    warns: list[Warning_] = []
    fallbacks: dict[str, int] = {}
    base = {
        ID: [s.uid] * (h * len(lengths)),
        DS: np.concatenate([s.ds[n:n + h] for n in lengths]),
        "cutoff": np.repeat(np.asarray(s.ds[np.asarray(lengths) - 1]), h),
        Y: np.concatenate([s.y[n:n + h] for n in lengths]),
    }
    for model in models:
        runs = window_forecasts(model, s, h, lengths, levels, intervals=True)
        base.update(fit_columns(model.name, runs, levels))
        warns += fallback_warnings(s.uid, model.name, runs, source)
        fallbacks[model.name] = sum(r.fallback_reason is not None for r in runs)
    return pd.DataFrame(base), warns, fallbacks


def forecast_series(s: Series, models: Sequence[Model], h: int, levels: tuple[int, ...],
                    X_future: pd.DataFrame | None, source: str | None = None) -> tuple[pd.DataFrame, list[Warning_]]:
    """Forecast rows for one series: the ``h`` periods after its last date, each model's columns."""
    base = {ID: [s.uid] * h, DS: future_dates(s.ds[-1], h, s.freq)}
    warns: list[Warning_] = []
    for model in models:
        run = run_model(model, s, h, levels, X_future if model.exog else None)
        base.update(fit_columns(model.name, [run], levels))
        warns += fallback_warnings(s.uid, model.name, [run], source) + zero_width_warnings(s, model.name, run.fit,
                                                                                            source)
        if model.name == "snaive" and s.season == 1:  # asked for by name: say it is the naive forecast here
            warns.append(Warning_("no_season", Location(file=source, path=s.uid), "a yearly series has no season "
                                  "to repeat, so snaive is the naive forecast (model_used naive)", model=model.name))
    return pd.DataFrame(base), warns
