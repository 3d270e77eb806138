"""Monte Carlo over the budget drivers (issue 4 item 5): distributions on volume growth, level mix,
wage and price indices, sick leave and assistance hours per case; percentiles for every yearly
output (every service, area and board measure, frame and deviation).

Every distribution perturbs the deterministic inputs (see :class:`~resmodel.budget.projection.Shocks`),
so with all distributions degenerate at their neutral value the result equals the deterministic
run. All draws come from one seeded ``numpy.random.Generator`` in a fixed order, before any
computation, so results do not depend on chunking and the same seed gives identical percentiles.
The vectorised path computes draws × services × months at once (in chunks); :func:`run_loop` is the
straightforward reference that perturbs the pandas inputs and re-runs the deterministic case once
per draw, used to check the vectorised path and to benchmark it."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from resmodel.budget.areas import suggest
from resmodel.budget.case import BudgetCase, case_rows, prepare_case, run_budget, yearly_arrays
from resmodel.budget.projection import Shocks, sort_order, volume_growth_factor
from resmodel.errors import InputError, Location, ProblemCollector
from resmodel.params.ranges import unit_range
from resmodel.scenario.projection import BOOLEAN_FIX, YAML_BOOLEAN, Number

DEFAULT_PERCENTILES = (5, 10, 25, 50, 75, 90, 95)


class _Dist(BaseModel):
    """Common settings of the distributions (finite numbers only: .nan would give empty percentiles);
    each defines ``sample(rng, size)``."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Fixed(_Dist):
    """Degenerate: always ``value``."""

    dist: Literal["fixed"] = "fixed"
    value: Number

    def sample(self, rng: np.random.Generator, size: tuple[int, ...]) -> np.ndarray:
        return np.full(size, self.value)

    def spread(self) -> float:
        """The standard deviation: none."""
        return 0.0


class Normal(_Dist):
    """Normal(mean, sd); sd = 0 is degenerate."""

    dist: Literal["normal"]
    mean: Number = 0.0
    sd: Number = Field(ge=0.0)

    def sample(self, rng: np.random.Generator, size: tuple[int, ...]) -> np.ndarray:
        return rng.normal(self.mean, self.sd, size) if self.sd > 0 else np.full(size, self.mean)

    def spread(self) -> float:
        """The standard deviation (``sd`` is the field)."""
        return self.sd


class Uniform(_Dist):
    """Uniform on [low, high]."""

    dist: Literal["uniform"]
    low: Number
    high: Number

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) is below low ({self.low})")
        return self

    def sample(self, rng: np.random.Generator, size: tuple[int, ...]) -> np.ndarray:
        return rng.uniform(self.low, self.high, size) if self.high > self.low else np.full(size, self.low)

    def spread(self) -> float:
        """The standard deviation, (high − low) / √12."""
        return (self.high - self.low) / math.sqrt(12)


class Triangular(_Dist):
    """Triangular(low, mode, high)."""

    dist: Literal["triangular"]
    low: Number
    mode: Number
    high: Number

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"need low ≤ mode ≤ high (got {self.low}, {self.mode}, {self.high})")
        return self

    def sample(self, rng: np.random.Generator, size: tuple[int, ...]) -> np.ndarray:
        if self.high == self.low:
            return np.full(size, self.low)
        return rng.triangular(self.low, self.mode, self.high, size)

    def spread(self) -> float:
        """The standard deviation, √((a² + b² + c² − ab − ac − bc) / 18)."""
        a, b, c = self.low, self.mode, self.high
        return math.sqrt(max(0.0, a * a + b * b + c * c - a * b - a * c - b * c) / 18)


class LogNormal(_Dist):
    """Log-normal with the given median and log-sd; for multiplicative factors (> 0)."""

    dist: Literal["lognormal"]
    median: Number = Field(gt=0.0)
    sigma: Number = Field(ge=0.0)

    def sample(self, rng: np.random.Generator, size: tuple[int, ...]) -> np.ndarray:
        if self.sigma == 0:
            return np.full(size, self.median)
        return self.median * np.exp(rng.normal(0.0, self.sigma, size))

    def spread(self) -> float:
        """The standard deviation of the factor, median · √((e^σ² − 1) e^σ²)."""
        return self.median * math.sqrt((math.exp(self.sigma**2) - 1) * math.exp(self.sigma**2))


Distribution = Annotated[Fixed | Normal | Uniform | Triangular | LogNormal, Field(discriminator="dist")]


MAX_HOURS_FACTOR = 5.0  # assistance hours ×5 is far beyond any case's growth; above it, a typing mistake
#: a sick-leave shock is added to a rate of a few percent: beyond ±0.2 the rate would leave 0–0.3 (negative, or a
#: third of the working time lost), which no board's sick leave does
MAX_SICK_LEAVE_SHOCK = 0.2
RATE_BAND = unit_range("share per year").high  # the band of growth-rate parameters (resmodel.params.ranges)


def _range(d) -> tuple[float, float]:
    """The values a distribution takes in practice: its bounds, or mean ± 3 sd (median × e^±3σ)."""
    if d.dist == "fixed":
        return d.value, d.value
    if d.dist == "normal":
        return d.mean - 3 * d.sd, d.mean + 3 * d.sd
    if d.dist == "lognormal":
        return d.median * np.exp(-3 * d.sigma), d.median * np.exp(3 * d.sigma)
    return d.low, d.high


class UncertaintySpec(BaseModel):
    """Distributions of the driver shocks. Yearly drivers (wage, price, sick leave) draw anew each
    year; volume growth (per service or for all), level mix and assistance hours draw once per path."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    volume_growth: Distribution | dict[str, Distribution] = Fixed(value=0.0)  # added annual growth
    level_mix: Distribution = Fixed(value=0.0)          # added annual unit-cost drift (level services)
    wage_growth: Distribution = Fixed(value=0.0)        # added to wage growth, per year
    price_growth: Distribution = Fixed(value=0.0)       # added to price growth, per year
    sick_leave: Distribution = Fixed(value=0.0)         # added to the sick-leave rate, per year
    assistance_hours: Distribution = Fixed(value=1.0)   # factor on hours per case

    @field_validator("volume_growth", "level_mix", "wage_growth", "price_growth", "sick_leave")
    @classmethod
    def _rates_are_fractions(cls, value, info):
        """Rate shocks are fractions: their range (mean ± 3 sd; low–high) must stay within ±RATE_BAND,
        the band parameters of unit 'share per year' allow (3 for 3 % would compound a path to 1e15)."""
        for key, d in (value.items() if isinstance(value, dict) else [("", value)]):
            low, high = _range(d)
            if low < -RATE_BAND or high > RATE_BAND:
                widest = max(abs(low), abs(high))
                hint = " (a percentage? write 0.03 for 3 %)" if 1 < widest <= RATE_BAND * 100 else ""
                name = f"{info.field_name}{'.' + key if key else ''}"
                raise ValueError(f"{name} ranges from {low:g} to {high:g}{hint}; a rate shock is a fraction "
                                 f"within ±{RATE_BAND:g} (mean ± 3 sd for normal and lognormal)")
        return value

    @field_validator("sick_leave")
    @classmethod
    def _sick_leave_band(cls, value):
        """A sick-leave shock is added to a rate of a few percent: its range stays within ±MAX_SICK_LEAVE_SHOCK."""
        low, high = _range(value)
        if max(-low, high) > MAX_SICK_LEAVE_SHOCK:
            raise ValueError(f"sick_leave ranges from {low:g} to {high:g} (mean ± 3 sd for normal); it is added to "
                             f"the sick-leave rate (a few percent), so it stays within ±{MAX_SICK_LEAVE_SHOCK:g} "
                             "(e.g. normal sd 0.01)")
        return value

    @model_validator(mode="after")
    def _positive_factor(self) -> UncertaintySpec:
        factor = self.assistance_hours
        low = {"fixed": getattr(factor, "value", None), "uniform": getattr(factor, "low", None),
               "triangular": getattr(factor, "low", None), "lognormal": 1.0, "normal": -1.0}[factor.dist]
        if low is None or low <= 0:
            raise ValueError("assistance_hours is a factor on hours and must stay > 0: use fixed, uniform or "
                             "triangular with low > 0, or lognormal (not normal)")
        high = _range(factor)[1]
        if high > MAX_HOURS_FACTOR:  # hours a case cannot have (1e300 overflowed the percentiles to inf)
            raise ValueError(f"assistance_hours reaches {high:g} (the high end, or median × e^3σ); a factor on "
                             f"hours per case stays at most {MAX_HOURS_FACTOR:g}")
        return self


_KEYS = sorted({*UncertaintySpec.model_fields, "dist", "value", "mean", "sd", "low", "mode", "high", "median",
                "sigma"})


def load_uncertainty(data: Mapping[str, Any], file: str | None = None, prefix: str = "uncertainty",
                     line_of: Callable[[str], int | None] | None = None) -> UncertaintySpec:
    """Validate an uncertainty block; invalid distributions are reported with their key path."""
    try:
        return UncertaintySpec.model_validate(dict(data))
    except ValidationError as exc:
        problems = ProblemCollector()
        volume = data.get("volume_growth")
        per_service = isinstance(volume, Mapping) and "dist" not in volume  # which form of volume_growth was meant
        for err in exc.errors():
            branches = [str(p) for p in err["loc"] if str(p).startswith(("dict[", "tagged-union"))]
            if err["loc"][:1] == ("volume_growth",) and branches and branches[0].startswith("dict[") != per_service:
                continue  # the other form's complaints would only repeat the problem
            parts = [str(p) for p in err["loc"] if p not in ("fixed", "normal", "uniform", "triangular",
                                                              "lognormal")]
            parts = [p for p in parts if not p.startswith(("function-after", "function-before", "dict[", "tagged-union"))]
            path = ".".join([prefix, *parts])
            key = path[len(prefix) + 1:]
            loc = Location(file=file, line=line_of(key) if line_of else None, path=path)
            if err["type"] == YAML_BOOLEAN:  # 'sd: yes': the shared words of every boolean where a number is meant
                problems.add(loc, err["msg"], "a number (docs/budget.md §4)", BOOLEAN_FIX)
            elif err["type"] == "extra_forbidden" and parts and parts[-1] in _KEYS:  # a real key, wrong distribution
                problems.add(loc, f"'{parts[-1]}' is not a parameter of this distribution",
                             "fixed: value; normal: mean, sd; uniform: low, high; triangular: low, mode, high; "
                             "lognormal: median, sigma", f"remove '{parts[-1]}' or change 'dist'")
            elif err["type"] == "extra_forbidden":
                name = parts[-1] if parts else ""
                problems.add(loc, f"unknown key '{name}'", "a documented driver or distribution parameter",
                             f"remove or rename it ({suggest(name, _KEYS)})")
            elif err["type"] == "union_tag_invalid":
                problems.add(loc, f"unknown distribution {err['input'].get('dist')!r}" if isinstance(
                    err["input"], dict) else "unknown distribution",
                    "dist: fixed, normal, uniform, triangular or lognormal", "correct 'dist'")
            elif not parts:  # a rule over the whole block (the hours factor)
                problems.add(loc, err["msg"].removeprefix("Value error, "), "an hours factor above 0",
                             "correct the distribution")
            elif "a rate shock is a fraction" in err["msg"]:
                problems.add(loc, err["msg"].removeprefix("Value error, "),
                             f"a rate shock within ±{RATE_BAND:g}", "correct the distribution")
            else:
                problems.add(loc, f"invalid distribution: {err['msg'].removeprefix('Value error, ')}",
                             "valid parameters (finite numbers, sd ≥ 0, low ≤ mode ≤ high, median > 0)", "correct the parameters")
        problems.raise_if_any()
        raise  # pragma: no cover


def volume_followers(case: BudgetCase) -> dict[str, str]:
    """Services whose volume follows another's (service → the one it follows): the own provider's hours are
    those of the SFB cases it serves, so a volume draw for the SFB cases moves them too (economist cycle)."""
    a = case.inputs.assistance
    if a is None or a.sfb_service is None or a.own_provider_service is None:
        return {}
    return {a.own_provider_service: a.sfb_service}


def sample_shocks(spec: UncertaintySpec, services: tuple[str, ...], years: int, draws: int, seed: int,
                  fixed_volume: tuple[str, ...] = (), follows: Mapping[str, str] | None = None) -> Shocks:
    """All draws at once, in a fixed order, from one seeded generator. One volume-growth
    distribution applies to every service except ``fixed_volume`` (lump lines such as
    administration, whose 'volume' is not a driver); a per-service mapping applies as given, and a
    service in ``follows`` (volume_followers) that the mapping does not name takes its leader's draws."""
    if draws < 1:
        raise InputError.at(Location(path="montecarlo.draws"), f"{draws} draws", "at least 1 draw",
                            "ask for e.g. 1000 draws")
    rng = np.random.default_rng(seed)
    if isinstance(spec.volume_growth, dict):
        unknown = [s for s in spec.volume_growth if s not in services]
        if unknown:
            raise InputError.at(Location(path=f"uncertainty.volume_growth.{unknown[0]}"),
                                f"volume-growth distribution for '{unknown[0]}', which is not projected",
                                "a projected service", f"correct the key ({suggest(unknown[0], services)})")
        drawn = {s: spec.volume_growth.get(s, Fixed(value=0.0)).sample(rng, (draws,)) for s in services}
        drawn.update({s: drawn[leader] for s, leader in (follows or {}).items()
                      if s in drawn and leader in drawn and s not in spec.volume_growth})
        volume = np.column_stack([drawn[s] for s in services]) if services else np.zeros((draws, 0))
    else:
        moves = np.array([s not in fixed_volume for s in services], dtype=float)
        volume = spec.volume_growth.sample(rng, (draws,))[:, None] * moves[None, :]
    level_mix = spec.level_mix.sample(rng, (draws,))
    wage = spec.wage_growth.sample(rng, (draws, years))
    price = spec.price_growth.sample(rng, (draws, years))
    sick = spec.sick_leave.sample(rng, (draws, years))
    hours = spec.assistance_hours.sample(rng, (draws,))
    return Shocks(volume, wage, price, level_mix, sick, hours)


@dataclass(frozen=True)
class MonteCarloResult:
    """Percentiles of every yearly output: scenario, period, service, area, measure, value (= median),
    mean, and one column per percentile (p05 …); plus the seed and draw count for the manifest."""

    table: pd.DataFrame
    seed: int
    draws: int
    notes: tuple[str, ...]


def _summarise(scenario: str, keys: pd.DataFrame, values: np.ndarray, percentiles: tuple[int, ...]) -> pd.DataFrame:
    """Mean, median and percentiles per row of ``values`` (rows in ``keys``' order, draws in columns).

    ``values`` is reordered within each row (partitioned in place), so no copy of the rows × draws array is
    made (a copy is rows × draws × 8 bytes: 158 MB for the demo's 10 000 draws); the mean is taken first, in
    draw order, so every figure is the same as from a copy."""
    table = keys.copy()
    table.insert(0, "scenario", scenario)
    mean = values.mean(axis=1)
    table["value"] = np.median(values, axis=1, overwrite_input=True)
    table["mean"] = mean
    q = np.percentile(values, percentiles, axis=1, overwrite_input=True)
    for p, col in zip(percentiles, q, strict=True):
        table[f"p{p:02d}"] = col
    return table


def _check_percentiles(percentiles: tuple[int, ...]) -> tuple[int, ...]:
    if not percentiles or any(not 0 < p < 100 for p in percentiles) or list(percentiles) != sorted(set(percentiles)):
        raise InputError.at(Location(path="montecarlo.percentiles"), f"percentiles {list(percentiles)}",
                            "increasing whole numbers between 0 and 100, e.g. 5, 50, 95", "correct the list")
    return tuple(int(p) for p in percentiles)


def run(case: BudgetCase, spec: UncertaintySpec, draws: int = 1000, seed: int = 20240101,
        percentiles: tuple[int, ...] = DEFAULT_PERCENTILES, chunk: int = 250,
        progress: Callable[[int, int], None] | None = None) -> MonteCarloResult:
    """Vectorised Monte Carlo; ``progress(done, total)`` is called after each chunk of draws."""
    percentiles = _check_percentiles(percentiles)
    pc = prepare_case(case)
    p = pc.projection
    shocks = sample_shocks(spec, p.services, p.horizon.years, draws, seed, case.inputs.fixed_volume_services,
                           volume_followers(case))
    keys = order = values = None
    for start in range(0, draws, chunk):
        stop = min(start + chunk, draws)
        costs, frame = yearly_arrays(pc, shocks.take(slice(start, stop)))
        block = case_rows(pc, costs, frame)
        if values is None:  # one rows × draws array in the output's row order, filled chunk by chunk
            order = sort_order(block.keys)
            keys = block.keys.iloc[order].reset_index(drop=True)
            values = np.empty((len(keys), draws))
        values[:, start:stop] = block.values[order]
        if progress is not None:
            progress(stop, draws)
    notes = [*p.notes, *pc.frame.notes, *_precision_note(keys, values, percentiles)]
    table = _summarise(case.scenario, keys, values, percentiles)
    return MonteCarloResult(table, seed, draws, tuple(dict.fromkeys(notes)))


def _precision_note(keys: pd.DataFrame, values: np.ndarray, percentiles: tuple[int, ...]) -> list[str]:
    """How far the outer percentiles of the board's deviation rest on the number of draws: the largest half-width
    over the years of their 95 % order-statistic interval (the ranks n·q ± 1.96·√(n·q·(1−q))), so that a
    reader does not read digits the draws cannot carry; four times the draws halve it."""
    rows = np.flatnonzero(((keys["area"] == "total") & (keys["measure"] == "deviation")
                           & (keys.get("service", "total") == "total")).to_numpy())
    n = values.shape[1]
    outer = [q for q in (percentiles[0], percentiles[-1]) if q != 50]
    if not len(rows) or n < 20 or not outer:
        return []
    ordered = np.sort(values[rows], axis=1)
    widths = []
    for q in (q / 100 for q in outer):
        spread = 1.96 * math.sqrt(n * q * (1 - q))
        low, high = max(0, math.floor(n * q - spread)), min(n - 1, math.ceil(n * q + spread))
        widths.append((ordered[:, high] - ordered[:, low]) / 2)
    half = float(np.max(widths))
    return [f"Monte Carlo precision with {n:,} draws: the board deviation's p{outer[0]:02d} and p{outer[-1]:02d} "
            f"are known to about ±{half / 1e6:,.1f} MSEK (95 % order-statistic interval, the widest year); "
            "a rerun with another seed typically moves them by half to two thirds of that, four times the draws "
            "about halve it"]


# ----------------------------------------------------------------------------- per-draw reference


def perturbed_case(case: BudgetCase, shocks: Shocks, draw: int) -> BudgetCase:
    """The deterministic case one draw describes, built by changing the pandas inputs themselves."""
    inputs = case.inputs
    pc = prepare_case(case)
    p = pc.projection
    years = p.horizon.year_list
    index_years = np.arange(inputs.base_year + 1, p.horizon.end_year + 1)
    after_base = years > inputs.base_year  # shocks move the growth of horizon years after the base year

    def shocked(growth: np.ndarray, shock_row: np.ndarray) -> pd.Series:
        series = pd.Series(growth, index=index_years, dtype=float)
        series.loc[years[after_base]] = series.loc[years[after_base]].to_numpy() + shock_row[after_base]
        return series

    volumes = pd.DataFrame((p.volume * volume_growth_factor(p, shocks.volume_growth[draw:draw + 1])[0]).T,
                           index=p.horizon.months, columns=list(p.services))
    assistance = inputs.assistance
    factor = float(shocks.assistance_hours[draw])
    if assistance is not None:
        assistance = dataclasses.replace(assistance, lss_hours_per_case=assistance.lss_hours_per_case * factor,
                                         sfb_hours_per_week=assistance.sfb_hours_per_week * factor,
                                         sfb_case_hours=tuple(h * factor for h in assistance.sfb_case_hours))
        if assistance.own_provider_service in volumes.columns:
            volumes[assistance.own_provider_service] *= factor
    external = tuple(
        dataclasses.replace(e, price_growth=shocked(growth, shocks.price_growth[draw]))
        for (_, e, growth) in p.external
    )
    new_inputs = dataclasses.replace(
        inputs, volumes=volumes,
        wage_growth=shocked(p.wage_growth, shocks.wage_growth[draw]),
        price_growth=shocked(p.price_growth, shocks.price_growth[draw]),
        rent_growth=(shocked(p.rent_growth, shocks.price_growth[draw]) if inputs.rent_follows_price
                     else pd.Series(p.rent_growth, index=index_years)),
        level_mix_drift=shocked(p.mix_growth, np.full(len(years), shocks.level_mix[draw])),
        sick_leave=pd.Series(p.sick + shocks.sick_leave[draw], index=years),
        assistance=assistance, external=external, extensions={},
    )
    # a volume rule without a reference volume takes the service's first projected month: the draw's
    # shock must not move it (the vectorised run keeps the unshocked one)
    rules = [r if r.reference_volume is not None else r.model_copy(update={"reference_volume": ref})
             for r, ref in zip(case.frame.volume_compensation, pc.frame.rule_reference, strict=True)]
    return BudgetCase(new_inputs, case.frame.model_copy(update={"volume_compensation": rules}))


def run_loop(case: BudgetCase, spec: UncertaintySpec, draws: int = 1000, seed: int = 20240101,
             percentiles: tuple[int, ...] = DEFAULT_PERCENTILES) -> MonteCarloResult:
    """Reference Monte Carlo: one deterministic run per draw on perturbed inputs (slow, simple)."""
    percentiles = _check_percentiles(percentiles)
    pc = prepare_case(case)
    p = pc.projection
    shocks = sample_shocks(spec, p.services, p.horizon.years, draws, seed, case.inputs.fixed_volume_services,
                           volume_followers(case))
    keys, columns = None, []
    for d in range(draws):
        result = run_budget(perturbed_case(case, shocks, d))
        table = result.yearly
        if keys is None:
            keys = table[["period", "service", "area", "measure"]].reset_index(drop=True)
        columns.append(table["value"].to_numpy())
    order = sort_order(keys)
    summary = _summarise(case.scenario, keys.iloc[order].reset_index(drop=True), np.column_stack(columns)[order],
                         percentiles)
    return MonteCarloResult(summary, seed, draws, tuple(dict.fromkeys([*p.notes, *pc.frame.notes])))


__all__ = ["Distribution", "Fixed", "LogNormal", "MonteCarloResult", "Normal", "Triangular",
           "Uniform", "UncertaintySpec", "load_uncertainty", "perturbed_case", "run", "run_loop", "sample_shocks",
           "volume_followers"]
