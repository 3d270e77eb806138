"""The forecasting API: a long table in, a long table out with fixed column names.

    fc = Forecaster([make_model("naive"), make_model("auto")])
    fc.fit(df).predict(h=12)               # unique_id, ds, naive, naive-lo-95, …, auto-model_used
    cv = fc.cross_validation(df, h=12, n_windows=8, step=6)   # … plus cutoff and the actual y
    fc.evaluate(cv)                         # MAPE, MASE, bias, coverage per series and model

Shaped like Nixtla's statsforecast: every model gives ``<model>``, ``<model>-lo-<level>``,
``<model>-hi-<level>`` and ``<model>-model_used`` (the model that produced the numbers, which
differs from the column name when the series was too short and the fallback was used)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

import pandas as pd

from resmodel.errors import InputError, Location, ProblemCollector, Warning_, did_you_mean
from resmodel.forecast.crossval import check_windows, cross_validation_series, forecast_series
from resmodel.forecast.ensemble import AutoSelect
from resmodel.forecast.fitcache import shared_fits
from resmodel.forecast.frame import (
    MAX_PROBLEMS,
    MIN_POINTS,
    MONTHLY,
    Series,
    split_series,
    validate_future,
    validate_long,
)
from resmodel.forecast.metrics import evaluate
from resmodel.forecast.models import (
    ARIMA,
    ETS,
    Combination,
    Demographic,
    Drift,
    Model,
    Naive,
    SeasonalNaive,
    Theta,
)
from resmodel.forecast.stockflow import StockFlow

MODEL_NAMES = ("naive", "snaive", "drift", "ets", "arima", "theta", "comb", "demographic", "stockflow", "select",
               "auto")
#: names other tools give resmodel's models (statsforecast, R's forecast, textbooks), folded without '-', '_' or
#: spaces → the model here: told as a 'did you mean', never read silently as it (an economist's 'holtwinters' was
#: refused with the list of names alone — ETS is Holt–Winters)
MODEL_ALIASES = {
    "holtwinters": "ets", "hw": "ets", "exponentialsmoothing": "ets", "autoets": "ets", "holt": "ets", "ses": "ets",
    "autoarima": "arima", "sarima": "arima", "sarimax": "arima", "autotheta": "theta", "optimizedtheta": "theta",
    "seasonalnaive": "snaive", "randomwalkwithdrift": "drift", "rwdrift": "drift", "randomwalk": "naive",
    "ensemble": "comb", "combination": "comb",
}
DEFAULT_LEVELS = (80, 95)
LAST_FORECAST_YEAR = 2260  # pandas' nanosecond dates end in 2262


def default_candidates(freq: str, *, driver: str | None = None,
                       flows: Mapping[str, pd.DataFrame] | None = None) -> list[Model]:
    """Candidates for ``select``: the benchmarks, ETS, ARIMA, Theta and the equal-weight combination
    of the last three (sharing their fits), and the demographic and stock–flow models when their
    inputs (a population driver column, a flows table) are available."""
    cands: list[Model] = [Naive()]
    if freq == MONTHLY:
        cands.append(SeasonalNaive())
    ets, arima, theta = ETS(), ARIMA(), Theta()
    cands += [Drift(), ets, arima, theta, Combination([ets, arima, theta])]
    if driver:
        cands.append(Demographic(driver))
    if flows:
        cands.append(StockFlow(flows))
    return cands


def model_name(name: str) -> str:
    """A model name as the models are known, case and surrounding spaces aside ('ETS' is ets); any other text as
    given (a volume, or a name to refuse)."""
    folded = name.strip().lower()
    return folded if folded in MODEL_NAMES else name


def model_hint(name: str) -> str:
    """'did you mean' for an unknown model name: the model another tool's name stands for ('holtwinters' → ets), else
    the nearest name, else the model of the nearest other tool's name ('holtwinter' → ets: a slip in one of those had
    no hint); empty when nothing is near."""
    folded = "".join(c for c in name.strip().lower() if c not in "-_ ")
    alias = MODEL_ALIASES.get(folded)
    nearest = did_you_mean(name.strip().lower(), MODEL_NAMES)
    if not alias and not nearest:
        alias = next((MODEL_ALIASES[near] for near in difflib.get_close_matches(folded, MODEL_ALIASES, n=1, cutoff=0.85)),
                     None)
    return f"did you mean '{alias}'? " if alias else nearest


def make_model(name: str, freq: str = MONTHLY, *, driver: str | None = None,
               flows: Mapping[str, pd.DataFrame] | None = None, where: Location | None = None) -> Model:
    """A model by name (case aside); unknown names and models whose inputs are missing are located errors."""
    where = where or Location(path="model")
    name = model_name(name)
    if name not in MODEL_NAMES:
        raise InputError.at(where, f"unknown model '{name}'", "one of " + ", ".join(MODEL_NAMES),
                            f"{model_hint(name)}use one of the listed model names")
    if name == "demographic" and not driver:
        raise InputError.at(where, "the demographic model needs a population projection",
                            "a population file (and the users' ages) for the demographic model",
                            "give --population (and --users), or choose another model")
    if name == "stockflow" and not flows:
        raise InputError.at(where, "the stock–flow model needs a flows table", "a flows file (see docs/forecasting.md)",
                            "give --flows, or choose another model")
    return {
        "naive": Naive, "snaive": SeasonalNaive, "drift": Drift, "ets": ETS, "arima": ARIMA, "theta": Theta,
        "comb": Combination,
        "demographic": lambda: Demographic(driver), "stockflow": lambda: StockFlow(flows),
        "select": lambda: AutoSelect(default_candidates(freq, driver=driver, flows=flows), name="select"),
        "auto": lambda: default_model(freq),
    }[name]()


def default_model(freq: str) -> AutoSelect:
    """The default forecast ``auto``. Monthly series: ``comb`` with ``select``'s calibrated
    intervals, and ``select``'s choice where the series is too short for ``comb`` (decided on 64
    real M3 series by a rule fixed before the run; docs/forecasting.md §1). Yearly series: ``select``
    (that study had no yearly series, and ``comb`` needs 10 years). Never the demographic or
    stock–flow model: as candidates they made the selection worse (docs/forecast-accuracy.md §2)."""
    return AutoSelect(default_candidates(freq), prefer=("comb",) if freq == MONTHLY else ())


def horizon_end_year(last: pd.Timestamp, h: int, freq: str) -> int:
    """The year of the period ``h`` periods (months or years, by ``freq``) after ``last``."""
    return (last.year * 12 + last.month - 1 + h) // 12 if freq == MONTHLY else last.year + h


def check_horizon_end(last: pd.Timestamp, h: int, freq: str, where: str, after: str) -> None:
    """A located error (at ``where``, the horizon argument, not a place in a file) when a forecast ``h`` periods
    after ``last`` (shown as ``after``) would end after LAST_FORECAST_YEAR — one check for every entry point."""
    if horizon_end_year(last, h, freq) > LAST_FORECAST_YEAR:
        unit = "months" if freq == MONTHLY else "years"
        raise InputError.at(Location(path=where), f"a horizon of {h} {unit} after {after} runs past "
                            f"{LAST_FORECAST_YEAR}", f"forecasts that end by {LAST_FORECAST_YEAR}",
                            "shorten the horizon")


def check_horizon(series: Sequence[Series], h: int) -> None:
    """A located error (at ``h``) when a forecast ``h`` periods ahead of any series would end after
    LAST_FORECAST_YEAR."""
    for s in series:
        check_horizon_end(s.ds[-1], h, s.freq, "h", f"{s.ds[-1]:%Y-%m} ('{s.uid}')" if s.freq == MONTHLY
                          else f"{s.ds[-1].year} ('{s.uid}')")


class Forecaster:
    """Fit a set of models to every series of a long table; forecast and cross-validate them.

    ``warnings`` collects the data-quality findings of the last call (short series and the
    fallback used, models that could not be estimated); ``fallback_windows`` maps (model, series) to
    the number of windows of the last ``cross_validation`` that the fallback forecast."""

    def __init__(self, models: Sequence[Model], levels: Sequence[int] = DEFAULT_LEVELS, source: str | None = None):
        names = [m.name for m in models]
        if len(set(names)) != len(names):
            raise ValueError(f"model names must be unique, got {names}")
        self.models = list(models)
        self.levels = tuple(sorted(levels))
        self.source = source
        self.series: list[Series] = []
        self._cv_series: dict[str, Series] = {}  # the series of the last cross_validation, for evaluate
        self.warnings: list[Warning_] = []
        self.fallback_windows: dict[tuple[str, str], int] = {}

    def _load(self, df: pd.DataFrame, freqs: Mapping[str, str] | None) -> list[Series]:
        frame, found = validate_long(df, freqs=freqs, source=self.source)
        series = split_series(frame, found)
        problems = ProblemCollector()  # every series' problems at once: a batch of 50 is fixed in one round
        for s in series:
            if len(s.y) < MIN_POINTS:
                problems.add(Location(file=self.source, path=s.uid), f"series '{s.uid}' has {len(s.y)} point(s)",
                             f"at least {MIN_POINTS} points to forecast with an interval",
                             "add history or leave the series out")
            missing = [c for m in self.models for c in m.exog if c not in s.X.columns]
            if missing:
                problems.add(Location(file=self.source, path=s.uid),
                             f"exogenous column(s) {', '.join(dict.fromkeys(missing))} missing in the history",
                             "every exogenous column a model uses, for every period",
                             "add the column to the series table or drop the model")
        problems.cap(MAX_PROBLEMS, Location(file=self.source))
        problems.raise_if_any()
        return series

    def fit(self, df: pd.DataFrame, freqs: Mapping[str, str] | None = None) -> Forecaster:
        """Validate and keep the series; models are estimated when forecasting (each model is
        refitted per origin in cross-validation, so there is no separate fitted state to keep)."""
        self.series = self._load(df, freqs)
        return self

    def predict(self, h: int, X_df: pd.DataFrame | None = None) -> pd.DataFrame:
        """Forecast ``h`` periods after each series' last date. ``X_df`` holds future exogenous values."""
        if not self.series:
            raise RuntimeError("call fit() before predict()")
        if int(h) != h or h < 1:
            raise InputError.at(Location(path="h"), f"horizon {h} is not a positive whole number",
                                "h ≥ 1", "give a positive horizon")
        check_horizon(self.series, h)
        needed = {s.uid: tuple(dict.fromkeys(c for m in self.models for c in m.exog)) for s in self.series}
        future = validate_future(X_df, self.series, h, needed, self.source)
        self.warnings = [Warning_("horizon_beyond_history", Location(file=self.source, path=s.uid),
                                  f"a horizon of {h} periods is longer than the {len(s.y)} observed: "
                                  "the forecast extrapolates the model far beyond what the data show")
                         for s in self.series if h > len(s.y)]
        parts = []
        for s in self.series:
            with shared_fits():
                part, warns = forecast_series(s, self.models, h, self.levels, future.get(s.uid), self.source)
            parts.append(part)
            self.warnings += warns
        return pd.concat(parts, ignore_index=True)

    def forecast(self, df: pd.DataFrame, h: int, X_df: pd.DataFrame | None = None,
                 freqs: Mapping[str, str] | None = None) -> pd.DataFrame:
        """``fit(df)`` then ``predict(h)``."""
        return self.fit(df, freqs).predict(h, X_df)

    def cross_validation(self, df: pd.DataFrame, h: int, n_windows: int = 1, step: int = 1,
                         freqs: Mapping[str, str] | None = None) -> pd.DataFrame:
        """Rolling-origin backtest: for each of ``n_windows`` origins, ``step`` periods apart and
        the last ending ``h`` periods before the series end, refit every model on the data up to
        the origin (``cutoff``) and forecast ``h`` periods; rows carry the actual ``y``."""
        self.series = self._load(df, freqs)
        self._cv_series = {s.uid: s for s in self.series}
        self.warnings = []
        self.fallback_windows = {}
        parts = []
        for s in self.series:
            lengths = check_windows(s, h, n_windows, step, self.source)
            with shared_fits():
                part, warns, fallbacks = cross_validation_series(s, self.models, h, lengths, self.levels, self.source)
            parts.append(part)
            self.warnings += warns
            self.fallback_windows.update({(name, s.uid): k for name, k in fallbacks.items()})
        return pd.concat(parts, ignore_index=True)

    def evaluate(self, cv: pd.DataFrame, baseline: str = "naive") -> pd.DataFrame:
        """Accuracy of a ``cross_validation`` table of this forecaster, one row per series and model
        (``metrics.evaluate``; MASE is scaled by each origin's training data, kept from the last
        ``cross_validation``). Without a ``baseline`` column the ratio columns are NaN."""
        if not self._cv_series:
            raise RuntimeError("call cross_validation() before evaluate()")
        known = self._cv_series
        unknown = sorted(set(cv["unique_id"].astype(str)) - set(known))
        if unknown:
            raise ValueError(f"series {', '.join(unknown)} are not in this forecaster's last cross_validation")
        return evaluate(cv, known, [m.name for m in self.models], self.levels, baseline)
