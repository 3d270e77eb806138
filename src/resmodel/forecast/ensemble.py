"""Per-series model selection by backtest error (model ``select``; with ``prefer``, the default
forecast ``auto``, which is ``comb`` on monthly series: ``forecaster.default_model``).

At each forecast origin the candidates are backtested on the training data only (a few
rolling origins before the cutoff), and the one with the lowest mean MASE forecasts (or, with
``selection="one_se"``, the simplest one within one standard error of it — studied and not
adopted as the default, docs/forecasting.md §1). Because the choice uses no data after the
cutoff, backtesting ``auto`` itself is honest (nested).

Model-based intervals ignore parameter and selection uncertainty, so they can be too narrow.
``auto`` therefore sets its intervals from backtest errors made before the origin, by one of
these rules (``intervals=``):

- ``"widen"`` — the chosen model's own intervals, widened by the scale r = √(mean e²) / √(mean σ²)
  over the selection backtest's inner origins and horizon steps (e an error, σ the model's predicted
  standard deviation for it): if the errors are normal with standard deviation c·σ, r estimates c.
  When r exceeds 1 the half-widths are multiplied by it (never narrowed: with three inner origins
  the scale is noisy, and narrowing on a calm spell under-covers). It is a ratio of root-mean-squares,
  not the root-mean-square of e/σ, because one origin with a near-zero σ (drift on three points that
  rise almost evenly: predicted σ 0.09 and 0.14) made ratios e/σ of 72 and 46 dominate and widened a 7-point yearly series'
  intervals 35-fold; in the ratio of sums such an origin adds its error but almost nothing to the
  denominator, so no floor on σ is needed. Models without an error model (``comb``) keep their
  empirical intervals.
- ``"conformal"`` — split-conformal: the chosen model is backtested at origins one period apart
  before the cutoff, and at horizon step k its errors of the forecasts of the last 12 periods are used
  (up to 12 origins, the last k periods before the cutoff; ``crossval.recent_design``, adopted on
  2026-12-07 so that a level shift of the last months counts at every step whatever h is — until then
  the 12 origins ended min(h, 12) periods before the cutoff, ``crossval.empirical_design``);
  the half-width at horizon step k is the ⌈(n+1)·level⌉-th smallest absolute error at step k
  (the largest when that rank exceeds n), made non-decreasing and widened with √k beyond the
  backtest horizon; the 95 % half-width is at least 1.53 × the 80 % one (``normal_shape_floor``).
  With fewer than ``MIN_CONFORMAL`` origins the ``"widen"`` rule is used.
- ``"conformal_or_widen"`` (default) — the wider of the two, per step.
- ``"empirical"`` — normal intervals with the root-mean-square error of that same backtest.

On 64 synthetic series of eight known processes no rule was better calibrated per series than
``"widen"`` (``bench/bench_forecast.py methods``); on 90 real monthly series (M3's demographic
category, ``bench/bench_forecast.py m3``) ``"conformal_or_widen"`` put 61 series' 80 % coverage in
70–90 % against 56, with mean coverage 77.1 % against 74.1 %, and passed the rule declared
before that run, so it is the default (docs/forecasting.md §1, method studies).

Forecasts of one origin are memoised within a call, so a combination of candidates (``comb``) and
the interval backtest reuse the candidates' fits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np

from resmodel.forecast.crossval import (
    FALLBACK,
    Run,
    empirical_sigma,
    extend_widths,
    interval_growth,
    naive_widths,
    recent_design,
    recent_errors,
    run_model,
    training_lengths,
)
from resmodel.forecast.frame import MIN_POINTS, MONTHLY, Series
from resmodel.forecast.metrics import mase_scale
from resmodel.forecast.models import Combination, Fit, Model, normal_intervals, z_value

CALIBRATION_LEVEL = 80
MIN_CALIBRATION_WINDOWS = 3
MIN_CONFORMAL = 4  # fewest backtest origins for a conformal interval (its 80 % bound is then the largest error)
INTERVAL_RULES = ("widen", "conformal", "conformal_or_widen", "empirical")
DEFAULT_INTERVALS = "conformal_or_widen"
SELECTION_RULES = ("min", "one_se")
DEFAULT_SELECTION = "min"


@dataclass
class Choice:
    """The chosen model, every eligible candidate's inner-backtest MASE, and the interval scale."""

    model: Model
    scores: dict[str, float]
    interval_scale: float | None = None
    fallback_reason: str | None = None  # why no candidate could be chosen (the fallback is used)


def conformal_halfwidths(errors: np.ndarray, levels: Sequence[int], h: int,
                         growth: np.ndarray | None = None) -> dict[int, np.ndarray]:
    """Split-conformal half-widths per level from backtest errors (origins × horizon steps; NaN where
    a step was not observed): at each step the ⌈(n+1)·level/100⌉-th smallest absolute error of its n
    errors, made non-decreasing over the steps and widened beyond them as ``extend_widths`` says.
    Where that rank exceeds n (95 % with 12 origins) there is no finite conformal bound: the largest
    error is used, a floor that holds at most n/(n+1) of exchangeable errors (92.3 %), not a 95 %
    bound; ``normal_shape_floor`` then keeps a higher level's interval wider than a lower one's."""
    a = np.sort(np.abs(np.asarray(errors, dtype=float)), axis=0)  # NaN sorts last
    n = np.isfinite(a).sum(axis=0)
    steps = np.arange(a.shape[1])
    out = {}
    for lv in levels:
        rank = np.minimum(n, np.ceil((n + 1) * lv / 100 - 1e-9).astype(int))
        out[lv] = extend_widths(a[rank - 1, steps], h, growth)
    return normal_shape_floor(out)


def normal_shape_floor(width: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
    """Half-widths per level, each at least the next lower level's times z(level)/z(lower) — the ratio of
    a normal interval's (95 % at least 1.53 × 80 %). With few origins the conformal rank of both levels is
    the largest error, which gave identical 80 % and 95 % bounds (a planner's test, 4 origins)."""
    out = dict(sorted(width.items()))
    for lower, lv in pairwise(out):
        out[lv] = np.maximum(out[lv], out[lower] * z_value(lv) / z_value(lower))
    return out


def calibration_origins(errors: np.ndarray) -> int:
    """The fewest backtest errors behind any horizon step (NaN where a step was not observed)."""
    return int(np.isfinite(np.asarray(errors, dtype=float)).sum(axis=0).min())


def interval_scale(errors: np.ndarray, sigma: np.ndarray) -> float | None:
    """The factor by which backtest errors exceed a model's predicted standard deviations: √(mean e²) / √(mean σ²)
    over every origin and step (a ratio of root-mean-squares, so one near-zero σ cannot dominate it); ``None``
    when the model predicted no spread at all."""
    e, s = np.asarray(errors, dtype=float).ravel(), np.asarray(sigma, dtype=float).ravel()
    ok = np.isfinite(e) & np.isfinite(s) & (s >= 0)
    spread = float(np.mean(s[ok] ** 2)) if ok.any() else 0.0
    return float(np.sqrt(np.mean(e[ok] ** 2) / spread)) if spread > 0 else None


def one_se_choice(per_origin: dict[str, np.ndarray], order: Sequence[str]) -> str:
    """A one-standard-error rule (after Hastie, Tibshirani & Friedman, *Elements of Statistical
    Learning*, §7.10, who use the standard error of the best model's error): the first candidate in
    ``order`` (simplest first) whose mean score exceeds the best mean by at most one standard error
    of its paired per-origin differences from the best — pairing removes the origin-to-origin
    variation that all candidates share."""
    best = min(per_origin, key=lambda k: (per_origin[k].mean(), order.index(k)))
    for name in sorted(per_origin, key=order.index):
        d = per_origin[name] - per_origin[best]
        se = float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0
        if d.mean() <= se:
            return name
    return best


class AutoSelect(Model):
    """Choose among ``candidates`` per series by mean MASE over ``windows`` inner backtest origins
    (horizon up to one year, origins half a year apart for monthly series, one year for yearly).
    A candidate that cannot be fitted at every inner origin is not eligible; ties go to the
    earlier candidate, so list simpler models first. ``intervals`` is one of ``INTERVAL_RULES``;
    ``selection`` is ``"min"`` (lowest mean MASE) or ``"one_se"`` (``one_se_choice``).
    ``prefer`` names candidates chosen among first: the others are only backtested, and chosen
    among, when no preferred one is eligible (e.g. the series is too short for it)."""

    def __init__(self, candidates: Sequence[Model], windows: int = 3, step: int | None = None,
                 intervals: str = DEFAULT_INTERVALS, selection: str = DEFAULT_SELECTION,
                 prefer: Sequence[str] = (), name: str = "auto"):
        if intervals not in INTERVAL_RULES:
            raise ValueError(f"intervals must be one of {INTERVAL_RULES}, got {intervals!r}")
        if selection not in SELECTION_RULES:
            raise ValueError(f"selection must be one of {SELECTION_RULES}, got {selection!r}")
        unknown = [p for p in prefer if p not in [c.name for c in candidates]]
        if unknown:
            raise ValueError(f"preferred models {unknown} are not candidates")
        self.candidates = list(candidates)
        self.prefer = tuple(prefer)
        self.name = name
        self.windows = windows
        self.step = step
        self.intervals = intervals
        self.selection = selection
        self.exog = tuple(dict.fromkeys(e for c in self.candidates for e in c.exog))

    def min_length(self, freq):
        return MIN_POINTS

    def min_length_for(self, freq, h):
        """One inner backtest origin: MIN_POINTS to fit on and the inner horizon (up to 12 months or 2 years)."""
        return MIN_POINTS + min(h, 12 if freq == MONTHLY else 2)

    def _run(self, model: Model, s: Series, n: int, h: int, memo: dict) -> Run:
        """``model`` fitted on the first ``n`` points, forecasting ``h`` (80 % model intervals only);
        memoised per call. A combination is computed from its members' memoised runs."""
        key = (id(model), n, h)
        if key not in memo:
            if isinstance(model, Combination):
                parts = [self._run(m, s, n, h, memo) for m in model.members]
                failed = [p.fallback_reason for p in parts if p.fallback_reason]
                if failed:  # as run_model would: the fallback's forecast, and why
                    fit = run_model(FALLBACK, s.head(n), h, (CALIBRATION_LEVEL,), intervals=False).fit
                    memo[key] = Run(replace(fit, used=FALLBACK.name), failed[0])
                else:
                    memo[key] = Run(Fit(Combination.combine([p.fit.mean for p in parts]), used=model.name))
            else:
                X_future = s.X.iloc[n:n + h].reset_index(drop=True) if model.exog else None
                memo[key] = run_model(model, s.head(n), h, (CALIBRATION_LEVEL,), X_future, intervals=False)
        return memo[key]

    def choose(self, s: Series, h: int, memo: dict | None = None) -> Choice:
        """Backtest the preferred candidates (then, if none is eligible, all candidates) on the
        training data and pick one by the selection rule."""
        memo = {} if memo is None else memo
        h_in = min(h, 12 if s.freq == MONTHLY else 2)
        step = self.step or (6 if s.freq == MONTHLY else 1)
        lengths = [n for n in training_lengths(len(s.y), h_in, self.windows, step) if n >= MIN_POINTS]
        if not lengths:
            return Choice(FALLBACK, {}, fallback_reason=f"{self.name} needs at least {MIN_POINTS + h_in} points "
                          "to choose among its models")
        actual = np.array([s.y[n:n + h_in] for n in lengths])
        scale = np.array([mase_scale(s.y[:n], s.season) for n in lengths])
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        preferred = [c for c in self.candidates if c.name in self.prefer]
        for tier in ([preferred] if preferred else []) + [self.candidates]:
            per_origin, z_scores = self._scores(tier, s, lengths, h_in, actual, scale, memo)
            if per_origin:
                break
        else:
            return Choice(FALLBACK, {}, fallback_reason=f"{self.name} could not fit any of its models on the "
                          "inner backtest")
        order = [c.name for c in self.candidates]
        scores = {k: float(v.mean()) for k, v in per_origin.items()}
        if self.selection == "one_se":
            best = one_se_choice(per_origin, order)
        else:
            best = min(scores, key=lambda k: (scores[k], order.index(k)))
        return Choice(self.candidates[order.index(best)], scores, z_scores[best])

    def _scores(self, candidates: Sequence[Model], s: Series, lengths: list[int], h_in: int,
                actual: np.ndarray, scale: np.ndarray, memo: dict) -> tuple[dict[str, np.ndarray], dict]:
        """Per eligible candidate: its MASE at each inner origin, and its interval scale ``interval_scale``
        (``None`` without model intervals)."""
        per_origin: dict[str, np.ndarray] = {}
        z_scores: dict[str, float | None] = {}
        for cand in candidates:
            if lengths[0] < cand.min_length(s.freq):
                continue
            runs = [self._run(cand, s, n, h_in, memo) for n in lengths]
            if any(r.fallback_reason for r in runs):
                continue
            means = np.array([r.fit.mean for r in runs])
            per_origin[cand.name] = np.abs(actual - means).mean(axis=1) / scale
            z_scores[cand.name] = None
            if all(r.fit.hi for r in runs) and len(runs) >= MIN_CALIBRATION_WINDOWS:
                sigma = (np.array([r.fit.hi[CALIBRATION_LEVEL] for r in runs]) - means) / z_value(CALIBRATION_LEVEL)
                z_scores[cand.name] = interval_scale(actual - means, sigma)
        return per_origin, z_scores

    @staticmethod
    def _widen(fit: Fit, r: float | None) -> Fit:
        """Model-based half-widths multiplied by ``r`` when it exceeds 1 (never narrowed)."""
        if r is None or r <= 1 or not fit.lo:
            return fit
        lo = {lv: fit.mean - r * (fit.mean - fit.lo[lv]) for lv in fit.lo}
        hi = {lv: fit.mean + r * (fit.hi[lv] - fit.mean) for lv in fit.hi}
        return replace(fit, lo=lo, hi=hi)

    def _errors(self, model: Model, s: Series, h: int, memo: dict) -> np.ndarray | None:
        """Errors of ``model``'s own backtest before the cutoff, at each horizon step those of its forecasts of
        the last 12 periods (``crossval.recent_design``, ``recent_errors``; NaN elsewhere)."""
        h_e, lengths = recent_design(model, s, h)
        if not lengths:
            return None
        # exogenous values (a population driver) are known only up to the series end: shorter horizons there
        steps = [min(h_e, len(s.y) - n) if model.exog else h_e for n in lengths]
        runs = [self._run(model, s, n, k, memo) for n, k in zip(lengths, steps, strict=True)]
        return recent_errors(s, lengths, runs, h_e)

    def predict(self, s, h, levels, X_future=None) -> Fit:
        """The chosen model's forecast; when none could be chosen, the fallback's, with the reason
        in ``fallback_reason`` (so the caller warns as for any model too short for its series)."""
        memo: dict = {}
        choice = self.choose(s, h, memo)
        fit = self._predict_with(choice, s, h, levels, X_future, memo)
        return replace(fit, fallback_reason=choice.fallback_reason) if choice.fallback_reason else fit

    def _predict_with(self, choice: Choice, s, h, levels, X_future, memo: dict) -> Fit:
        X_future = X_future if choice.model.exog else None
        run = run_model(choice.model, s, h, levels, X_future, intervals=False)
        if run.fallback_reason:  # the chosen model failed on the whole series: the fallback with its intervals
            return replace(run_model(choice.model, s, h, levels, X_future).fit, fallback_reason=run.fallback_reason)
        fit = run.fit
        growth = interval_growth(fit)
        errors = None
        if fit.lo is None or self.intervals != "widen":
            errors = self._errors(choice.model, s, h, memo)
        if fit.lo is None:  # no error model: normal intervals from its own backtest (as run_model gives)
            fit = self._empirical(fit, errors, s, h, levels, growth)
        widened = self._widen(fit, choice.interval_scale)
        if self.intervals == "widen":
            return widened
        if self.intervals == "empirical":
            return self._empirical(fit, errors, s, h, levels, growth)
        if errors is None or calibration_origins(errors) < MIN_CONFORMAL:
            return widened
        width = conformal_halfwidths(errors, levels, h, growth)
        if self.intervals == "conformal_or_widen":
            width = {lv: np.maximum(width[lv], widened.hi[lv] - widened.mean) for lv in levels}
        return replace(fit, lo={lv: fit.mean - width[lv] for lv in levels},
                       hi={lv: fit.mean + width[lv] for lv in levels})

    @staticmethod
    def _empirical(fit: Fit, errors: np.ndarray | None, s: Series, h: int, levels,
                   growth: np.ndarray | None) -> Fit:
        """Normal intervals with the backtest's root-mean-square error per step, grown beyond it with
        ``growth`` (naive widths when fewer than three origins fit)."""
        if errors is None or calibration_origins(errors) < 3:
            return naive_widths(fit, s, h, levels, FALLBACK)
        lo, hi = normal_intervals(fit.mean, empirical_sigma(errors, h, growth), levels)
        return replace(fit, lo=lo, hi=hi)
