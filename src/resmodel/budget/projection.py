"""Multi-year budget projection, monthly with yearly summaries (model.md §4, issue 4 item 1).

Each service's base-year cost (from the allocation engine, or the top-down table) is split into
staff, premises, other cost and revenue per unit of volume; a month's cost is volume × that unit
cost × the index of its kind: staff by the wage index (and the sick-leave factor), premises by
the rent contract index, other cost and revenue by the price index, and the level mix by its
drift. Four services follow their own rules: external places (price per day, new places dearer
than existing ones), and the three personal-assistance parts (SFB 20-hour share at the state rate,
LSS hours × cost per hour, and the own provider's financing gap).

Places (model.md §3): a service may have a capacity by year; its volume above the places is not
executed in it — the users go to another service of its area (e.g. external places at their day
price, new places beyond the existing stock) or wait (decisions not executed: no cost); the rows
``demand``, ``places`` and ``over_capacity`` show how many, and ``overflow_in`` how many of the
receiving service's volume came from above the places. Premises a plan opens (PlannedPremises) add
places and are costed at their own rent from January of their opening year, following the rent
index, with their one-off cost in that year at the price index; the users in them — those above the
service's other places — carry no per-user premises cost (rows ``plan_users``, ``plan_rent``, part of
premises cost, and ``plan_one_off``, part of adjustment).
The frame's volume compensation counts users under the service decided, wherever they are served,
and leaves those waiting out.

One kernel, vectorised over draws × services × months, serves the deterministic run (one draw,
neutral shocks), Monte Carlo and sensitivity runs; see :func:`compute`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from resmodel.budget.areas import AREA_KEYS, area_of
from resmodel.budget.assistance import (
    MAX_RATE_FACTOR,
    SFB_MUNICIPAL_HOURS_PER_WEEK,
    state_rate_path,
)
from resmodel.budget.indices import growth_path, level_path
from resmodel.budget.periods import Horizon, check_horizon, to_month_index
from resmodel.errors import InputError, Location
from resmodel.services import LEVEL_SERVICES

COST_COLUMNS = ("staff_cost", "premises_cost", "other_cost", "revenue")
UNIT_COST_COLUMNS = ("service", "volume", *COST_COLUMNS)
#: measures computed per service (volume is the day-weighted average per month, "i snitt per månad")
SERVICE_MEASURES = ("volume", "hours", "staff_cost", "premises_cost", "other_cost", "adjustment",
                    "gross_cost", "revenue", "net_cost")
#: measures of a service with places (CapacityLimit): the volume before the places cap it, the places, the part above
CAPACITY_MEASURES = ("demand", "places", "over_capacity")
#: the measure of a service taking another's users above its places: how many of its volume they are
OVERFLOW_MEASURE = "overflow_in"
#: measures of a service with planned premises (a premises plan): the users in them (a volume), their rent (SEK,
#: part of premises_cost) and one-off costs (SEK, part of adjustment)
PLAN_MEASURES = ("plan_users", "plan_rent", "plan_one_off")
#: measures averaged over a year's months (day-weighted), not summed; granted_volume (the frame's volumes: each
#: service's users wherever served, those waiting left out) is computed for the frame, not written
VOLUME_MEASURES = ("volume", *CAPACITY_MEASURES, OVERFLOW_MEASURE, "granted_volume", "plan_users")
#: measures summed to area and board totals
TOTAL_MEASURES = ("staff_cost", "premises_cost", "other_cost", "adjustment", "gross_cost", "revenue", "net_cost")
OUTPUT_COLUMNS = ("scenario", "period", "service", "area", "measure", "value")
TOTAL = "total"
#: sick leave 2024, whole administration (F0091)
SICK_LEAVE_2024 = 0.074


@dataclass(frozen=True)
class AssistanceParams:
    """Personal-assistance rule inputs; amounts in base-year prices, the state rate in SEK/h by year."""

    lss_hours_per_case: float = 0.0        # assistance hours per LSS case and year
    hours_base_days: float | None = None   # days of the year those hours (and the own provider's) were
    #                                        counted over; a year's hours then scale with its own days.
    #                                        None = the same hours every year (e.g. published yearly figures)
    lss_cost_per_hour: float = 0.0         # SEK per LSS hour of the own staff's staff cost at base-year wages
    lss_other_cost_per_hour: float = 0.0   # SEK per LSS hour of the own staff's other cost at base-year prices
    lss_purchase_cost_per_hour: float = 0.0  # SEK per LSS hour bought from providers (averaged over all LSS
    #                                          hours) at the base year's price, which follows the state rate
    own_provider_cost_per_hour: float = 0.0  # SEK per hour of the own provider's staff cost at base-year wages
    own_provider_other_cost_per_hour: float = 0.0  # SEK per hour of the own provider's other cost, base-year prices
    sfb_hours_per_week: float = SFB_MUNICIPAL_HOURS_PER_WEEK  # basic-needs hours per SFB case (> 20 for eligibility)
    sfb_cap_hours_per_week: float = SFB_MUNICIPAL_HOURS_PER_WEEK  # the municipality pays the first 20 h (F0179)
    sfb_cap_by_month: tuple[float, ...] = ()  # the cap in force in each projected month (a rule changed on a date);
    #                                           () = sfb_cap_hours_per_week throughout
    sfb_case_hours: tuple[float, ...] = ()  # each SFB case's weekly hours: the cap then acts per case when the
    #                                        hours move (Monte Carlo, tornado); () = sfb_hours_per_week for all
    own_provider_rate_factor: float = 1.0  # compensation relative to the standard rate (≤ 1.12)
    state_rate: pd.Series | Mapping[int, float] | None = None  # None = public series 2012–2024
    state_rate_extension: float | None = None  # declared growth beyond the data (flagged)
    sfb_service: str | None = "personlig_assistans_sfb"        # volume = cases (avg per month)
    lss_service: str | None = "personlig_assistans_lss"        # volume = cases; None = priced as generic
    own_provider_service: str | None = "personlig_assistans_egen_utforare"  # volume = hours per year


@dataclass(frozen=True)
class ExternalPlacesParams:
    """Places bought at a price per day; new places (above the existing stock) cost more (F0165)."""

    service: str = "externa_platser"
    price_per_day: float = 0.0       # SEK per day for existing places, base-year prices
    existing_places: float = 0.0     # places in the stock at the base year, priced at price_per_day
    new_place_premium: float = 0.0   # fraction by which a new place's day price exceeds an existing one
    turnover: float = 0.0            # annual share of existing places that end and are re-bought as new
    price_growth: pd.Series | Mapping[int, float] | float | None = None  # day-price index; None = price index


@dataclass(frozen=True)
class PlannedPremises:
    """A premises a plan opens (``resmodel plan-premises``): its places from January of ``open_year``,
    its yearly rent (following the rent index) and its one-off cost in the opening year (following the
    price index), both in base-year prices as the plan gives them."""

    premises_id: str
    places: float
    open_year: int
    annual_rent: float
    one_off: float = 0.0


@dataclass(frozen=True)
class CapacityLimit:
    """A service's places by year (model.md §3): its volume above them is not executed in it. The users
    above go to ``overflow`` (another projected service, e.g. external places) or, with None, wait as
    decisions not executed (no cost; the queue and its sanction-fee risk are `resmodel queue`'s)."""

    service: str
    places: Mapping[int, float] | float  # places in each projected year (from January), or the same every year
    overflow: str | None = None
    premises: tuple[PlannedPremises, ...] = ()  # premises a plan opens; their places are part of ``places``


@dataclass(frozen=True)
class ProjectionInputs:
    """Everything a projection needs, as plain pandas/numpy objects (the lead wires the parameter
    tree and scenario files into these fields). Growth series are annual rates keyed by year for
    base_year+1 … end; a plain number means the same rate every year."""

    scenario: str
    base_year: int
    volumes: pd.DataFrame          # monthly, rows = months (YYYY-MM), columns = services
    unit_costs: pd.DataFrame       # service, volume, staff_cost, premises_cost, other_cost, revenue (SEK/year)
    wage_growth: pd.Series | Mapping[int, float] | float
    price_growth: pd.Series | Mapping[int, float] | float
    rent_growth: pd.Series | Mapping[int, float] | float
    years: int = 10
    rent_follows_price: bool = False  # rents grow with the price index (no rent_growth of their own): so do its shocks
    start_year: int | None = None  # default base_year + 1
    level_mix_drift: pd.Series | Mapping[int, float] | float = 0.0
    level_mix_services: tuple[str, ...] = LEVEL_SERVICES
    fixed_volume_services: tuple[str, ...] = ()  # lump lines: a volume-growth shock for "all services" skips them
    planned_volume_from: Mapping[str, str] = field(default_factory=dict)  # service → first month (YYYY-MM) of a
    #                                        volume the scenario states: volume-growth shocks leave its months be
    sick_leave: pd.Series | Mapping[int, float] | None = None  # rate by year; None = the base rate
    sick_leave_base: float = SICK_LEAVE_2024
    assistance: AssistanceParams | None = None
    external: tuple[ExternalPlacesParams, ...] = ()
    adjustments: pd.DataFrame | None = None  # service, year, amount: known one-offs (nominal SEK net cost)
    capacity: tuple[CapacityLimit, ...] = ()  # places that cap services' executed volume
    extensions: Mapping[str, float] = field(default_factory=dict)  # declared growth beyond index data
    service_areas: Mapping[str, str] = field(default_factory=dict)  # a board's own services → area
    sources: Mapping[str, str] = field(default_factory=dict)  # input name → file, for error locations

    @property
    def first_year(self) -> int:
        return self.base_year + 1 if self.start_year is None else self.start_year


@dataclass(frozen=True)
class Prepared:
    """Validated inputs as arrays; the index axis runs over years base_year+1 … end."""

    inputs: ProjectionInputs
    horizon: Horizon
    services: tuple[str, ...]
    areas: tuple[str, ...]
    rule: tuple[str, ...]              # generic | sfb | lss | own_provider | external
    volume: np.ndarray                 # (S, M)
    volume_planned: np.ndarray         # (S, M) True in the months whose volume the scenario states (not shocked)
    unit: dict[str, np.ndarray]        # cost column → (S,) per unit of volume and year
    wage_growth: np.ndarray            # (Yi,)
    price_growth: np.ndarray
    rent_growth: np.ndarray
    mix_growth: np.ndarray
    mix_flag: np.ndarray               # (S,) 1.0 where the level mix applies
    sick: np.ndarray                   # (Y,) horizon sick-leave rate
    state_rate: np.ndarray             # (Y,) SEK/h
    state_rate_base: float             # SEK/h in the base year: bought LSS hours follow state_rate / this
    external: tuple[tuple[int, ExternalPlacesParams, np.ndarray], ...]  # (service index, params, growth (Yi,))
    adjustments: np.ndarray            # (S, Y) nominal SEK
    capacity: tuple[tuple[int, np.ndarray, int], ...]  # (service index, places (Y,), overflow index or -1)
    planned: tuple[tuple[int, np.ndarray, np.ndarray, np.ndarray], ...]  # (service index, other places, rent,
    #                                                                      one-off) by year (Y,), base-year SEK
    notes: tuple[str, ...]
    extrapolated: dict[str, tuple[int, ...]] = field(default_factory=dict)  # driver → years beyond its data

    @property
    def index_offset(self) -> int:
        """Position of the first horizon year in the factor axis (factor axis = base_year … end)."""
        return self.horizon.start_year - self.inputs.base_year


@dataclass(frozen=True)
class Shocks:
    """Perturbations of the drivers, one row per draw; all-neutral reproduces the inputs exactly.

    volume_growth: added annual volume growth per service (compounded monthly over the horizon);
    wage/price_growth: added to the index's annual growth in each horizon year; level_mix: added to
    the level-mix drift every year; sick_leave: added to the sick-leave rate (percentage points as
    fractions); assistance_hours: factor on hours per case (LSS, SFB up to the cap, own provider)."""

    volume_growth: np.ndarray     # (D, S)
    wage_growth: np.ndarray       # (D, Y)
    price_growth: np.ndarray      # (D, Y)
    level_mix: np.ndarray         # (D,)
    sick_leave: np.ndarray        # (D, Y)
    assistance_hours: np.ndarray  # (D,)

    @property
    def draws(self) -> int:
        return self.volume_growth.shape[0]

    @staticmethod
    def neutral(n_services: int, n_years: int, draws: int = 1) -> Shocks:
        return Shocks(np.zeros((draws, n_services)), np.zeros((draws, n_years)), np.zeros((draws, n_years)),
                      np.zeros(draws), np.zeros((draws, n_years)), np.ones(draws))

    def take(self, rows: slice) -> Shocks:
        return Shocks(self.volume_growth[rows], self.wage_growth[rows], self.price_growth[rows],
                      self.level_mix[rows], self.sick_leave[rows], self.assistance_hours[rows])


# ----------------------------------------------------------------------------- validation


def _loc(inputs: ProjectionInputs, name: str, path: str | None = None, row: int | None = None,
         column: str | None = None) -> Location:
    return Location(file=inputs.sources.get(name), row=row, column=column, path=path or name)


def _check_unit_costs(inputs: ProjectionInputs) -> pd.DataFrame:
    table = inputs.unit_costs
    missing = [c for c in UNIT_COST_COLUMNS if c not in table.columns]
    if missing:
        raise InputError.at(_loc(inputs, "unit_costs", row=1, column=missing[0]),
                            f"unit-cost table lacks column '{missing[0]}'", "columns " + ", ".join(UNIT_COST_COLUMNS),
                            "add the column (SEK per year at base-year prices; 0 where nothing applies)")
    table = table.reset_index(drop=True)
    dup = table["service"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError.at(_loc(inputs, "unit_costs", row=i + 2, column="service"),
                            f"service '{table['service'].iat[i]}' appears twice", "one row per service",
                            "merge the rows")
    for column in UNIT_COST_COLUMNS[1:]:
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
        if len(bad):
            i = int(bad[0])
            raise InputError.at(_loc(inputs, "unit_costs", row=i + 2, column=column),
                                f"'{column}' of '{table['service'].iat[i]}' is not a number ≥ 0",
                                "a non-negative amount in SEK per year (revenue as a positive amount)",
                                "correct the value")
    costs = table[list(COST_COLUMNS)].to_numpy(dtype=float).sum(axis=1)
    zero = np.flatnonzero((table["volume"].to_numpy(dtype=float) <= 0) & (costs > 0))
    if len(zero):
        i = int(zero[0])
        raise InputError.at(_loc(inputs, "unit_costs", row=i + 2, column="volume"),
                            f"service '{table['service'].iat[i]}' has costs but base volume 0",
                            "the base-year volume the costs belong to (> 0)",
                            "give the base-year volume; for a lump-sum item use volume 1 and a flat volume path")
    return table


def _check_volumes(inputs: ProjectionInputs, horizon: Horizon) -> pd.DataFrame:
    volumes = inputs.volumes
    if not isinstance(volumes, pd.DataFrame) or volumes.shape[1] == 0:
        raise InputError.at(_loc(inputs, "volumes"), "no volume paths given",
                            "a table with one column per service and one row per month",
                            "pass the forecast volumes (resmodel.budget.volumes.from_long converts a long table)")
    months = to_month_index(volumes.index, "volumes")
    volumes = volumes.set_axis(months, axis=0)
    if months.has_duplicates:
        raise InputError.at(_loc(inputs, "volumes", path=f"volumes.{months[months.duplicated()][0]}"),
                            "a month appears twice", "one row per month", "remove the duplicate month")
    needed = horizon.months
    absent = needed.difference(months)
    if len(absent):
        raise InputError.at(_loc(inputs, "volumes", path=f"volumes.{absent[0]}"),
                            f"volume paths lack {len(absent)} month(s) of the horizon, first {absent[0]}",
                            f"a volume for every month {needed[0]}–{needed[-1]}",
                            "extend the forecast to the horizon, or shorten the horizon")
    volumes = volumes.loc[needed]
    values = volumes.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = np.argwhere(~np.isfinite(values) | (values < 0))
    if len(bad):
        r, c = bad[0]
        raise InputError.at(_loc(inputs, "volumes", path=f"volumes.{volumes.columns[c]}.{needed[r]}"),
                            "volume is missing or negative", "a number ≥ 0", "fill in the volume")
    return pd.DataFrame(values, index=needed, columns=[str(c) for c in volumes.columns])


#: how each rule prices its service, in the note that says the service is not priced by its unit cost
RULE_NOTES = {"external": "places × day price, new places dearer",
              "sfb": "cases × up to 20 hours a week each × the state rate",
              "lss": "cases × hours per case × the own staff's cost per hour, or the providers' price for bought "
                     "hours",
              "own_provider": "hours × cost per hour, less the state's payment for them"}


def rule_note(rule: str, inputs: ProjectionInputs, horizon: Horizon) -> str:
    """How ``rule`` prices its service, with the SFB cap in force (and each month it changes in the horizon)
    rather than RULE_NOTES' 20 hours: a cap of 25 from 2026 was computed but the note said 20 (economist cycle)."""
    a = inputs.assistance
    if rule != "sfb" or a is None:
        return RULE_NOTES[rule]
    caps = np.asarray(a.sfb_cap_by_month or (a.sfb_cap_hours_per_week,), dtype=float)
    steps = np.flatnonzero(caps[1:] != caps[:-1]) + 1
    changes = ", ".join(f"{caps[i]:g} from {horizon.months[i]}" for i in steps)
    return f"cases × up to {caps[0]:g} hours a week each{f' ({changes})' if changes else ''} × the state rate"


def rule_of(service: str, inputs: ProjectionInputs) -> str:
    """The rule that prices ``service`` in the projection: external, sfb, lss, own_provider or generic."""
    a = inputs.assistance
    if any(e.service == service for e in inputs.external):
        return "external"
    if a is not None:
        if service == a.sfb_service:
            return "sfb"
        if service == a.lss_service:
            return "lss"
        if service == a.own_provider_service:
            return "own_provider"
    return "generic"


def _check_assistance(inputs: ProjectionInputs, services: list[str]) -> None:
    a = inputs.assistance
    assistance_services = ("personlig_assistans_sfb", "personlig_assistans_egen_utforare")
    if a is None:
        for s in services:
            if s in assistance_services:
                raise InputError.at(_loc(inputs, "assistance", path=f"volumes.{s}"),
                                    f"'{s}' has a volume path but no assistance rule inputs",
                                    "assistance parameters (state rate, hours, cost per hour)",
                                    "pass AssistanceParams, or drop the service's volume path")
        return
    for name in ("lss_hours_per_case", "lss_cost_per_hour", "lss_other_cost_per_hour", "lss_purchase_cost_per_hour",
                 "own_provider_cost_per_hour", "own_provider_other_cost_per_hour", "sfb_hours_per_week",
                 "sfb_cap_hours_per_week"):
        value = getattr(a, name)
        if not np.isfinite(value) or value < 0:
            raise InputError.at(_loc(inputs, "assistance", path=f"assistance.{name}"), f"'{name}' is {value!r}",
                                "a number ≥ 0", f"correct '{name}'")
    cap_months = np.asarray(a.sfb_cap_by_month, dtype=float)
    if len(cap_months) and (len(cap_months) != inputs.years * 12 or not np.all(np.isfinite(cap_months))
                            or cap_months.min() < 0):
        raise InputError.at(_loc(inputs, "assistance", path="assistance.sfb_cap_by_month"),
                            f"{len(cap_months)} monthly caps for {inputs.years * 12} months" if len(cap_months)
                            != inputs.years * 12 else "a monthly cap is negative or not a number",
                            "one number ≥ 0 per projected month", "give the cap of every month, or ()")
    if a.hours_base_days is not None and not 1.0 <= a.hours_base_days <= 366.0:
        raise InputError.at(_loc(inputs, "assistance", path="assistance.hours_base_days"),
                            f"'hours_base_days' is {a.hours_base_days!r}", "the days of a year (365 or 366)",
                            "give the length of the year the hours were counted over, or None")
    if not 1.0 <= a.own_provider_rate_factor <= MAX_RATE_FACTOR:
        raise InputError.at(_loc(inputs, "assistance", path="assistance.own_provider_rate_factor"),
                            f"rate factor {a.own_provider_rate_factor:g}", "between 1 and 1.12",
                            "the higher hourly rate is at most 12 % above the standard rate")
    if a.lss_service in services and (a.lss_hours_per_case <= 0
                                      or a.lss_cost_per_hour + a.lss_other_cost_per_hour
                                      + a.lss_purchase_cost_per_hour <= 0):
        raise InputError.at(_loc(inputs, "assistance", path="assistance.lss_hours_per_case"),
                            "LSS assistance has a volume path but no hours per case or cost per hour",
                            "hours per case and cost per hour > 0", "give both")


def _check_external(inputs: ProjectionInputs, services: list[str]) -> None:
    seen = set()
    for i, e in enumerate(inputs.external):
        path = f"external[{i}]"
        if e.service in seen:
            raise InputError.at(_loc(inputs, "external", path=f"{path}.service"),
                                f"external-place rule for '{e.service}' given twice", "one rule per service",
                                "merge the rules")
        seen.add(e.service)
        if e.service not in services:
            raise InputError.at(_loc(inputs, "external", path=f"{path}.service"),
                                f"external-place rule for '{e.service}', which has no volume path",
                                "a service present in the volume paths", "add its volume path or remove the rule")
        for name, low, high in (("price_per_day", 0.0, np.inf), ("existing_places", 0.0, np.inf),
                                ("new_place_premium", 0.0, 5.0), ("turnover", 0.0, 1.0)):
            value = getattr(e, name)
            if not np.isfinite(value) or not low <= value <= high:
                raise InputError.at(_loc(inputs, "external", path=f"{path}.{name}"), f"'{name}' is {value!r}",
                                    f"a number from {low:g} to {high:g}", f"correct '{name}'")


def _check_capacity(inputs: ProjectionInputs, services: list[str], rules: list[str], areas: list[str],
                    horizon: Horizon) -> tuple[tuple[int, np.ndarray, int], ...]:
    """Each limit names a projected service priced per user or as external places (not a lump line held
    at its base volume), has places ≥ 0 for every projected year, and sends its overflow to another
    such service of the same report area that has no limit."""
    limited = [c.service for c in inputs.capacity]
    out = []
    for c in inputs.capacity:
        path = f"capacity.{c.service}"
        if limited.count(c.service) > 1:
            raise InputError.at(_loc(inputs, "capacity", path=path), f"places for '{c.service}' given twice",
                                "one capacity per service", "merge them")
        for name, key in (("service", c.service), ("overflow", c.overflow)):
            if key is None:
                continue
            where = _loc(inputs, "capacity", path=path if name == "service" else f"{path}.overflow")
            if key not in services:
                raise InputError.at(where, f"'{key}' is not a projected service", "one of " + ", ".join(services),
                                    "correct the service key")
            if rules[services.index(key)] not in ("generic", "external") or key in inputs.fixed_volume_services:
                raise InputError.at(where, f"'{key}' is priced by the assistance rules or held as a lump, and has "
                                    "no places", "a service priced per user or place (e.g. daglig_verksamhet, "
                                    "externa_platser)", "remove it from capacity")
        if c.overflow is not None and areas[services.index(c.overflow)] != areas[services.index(c.service)]:
            raise InputError.at(_loc(inputs, "capacity", path=f"{path}.overflow"),
                                f"'{c.overflow}' is in another report area than {c.service}",
                                "a service of the same area, so that cost and frame stay together",
                                "choose a service of the same area, or let them wait (None)")
        if c.overflow in limited:
            raise InputError.at(_loc(inputs, "capacity", path=f"{path}.overflow"),
                                f"the users above {c.service}'s places go to '{c.overflow}', which has places of "
                                "its own", "a service without a capacity (e.g. externa_platser), or waiting",
                                "send them to a service without places")
        by_year = c.places if isinstance(c.places, Mapping) else dict.fromkeys(horizon.year_list, c.places)
        missing = [y for y in horizon.year_list if y not in by_year]
        if missing:
            raise InputError.at(_loc(inputs, "capacity", path=f"{path}.places"),
                                f"no places for {c.service} in {missing[0]}",
                                f"places for every year {horizon.start_year}–{horizon.end_year}",
                                "give the places of every projected year")
        places = np.array([float(by_year[y]) for y in horizon.year_list])
        bad = np.flatnonzero(~np.isfinite(places) | (places < 0))
        if len(bad):
            raise InputError.at(_loc(inputs, "capacity", path=f"{path}.places.{horizon.year_list[bad[0]]}"),
                                f"places {float(places[bad[0]]):g}", "a number of places ≥ 0", "correct the places")
        out.append((services.index(c.service), places, -1 if c.overflow is None else services.index(c.overflow)))
    return tuple(out)


def _planned_premises(inputs: ProjectionInputs, horizon: Horizon,
                      capacity: tuple[tuple[int, np.ndarray, int], ...]
                      ) -> tuple[tuple[int, np.ndarray, np.ndarray, np.ndarray], ...]:
    """Each limit's planned premises as (service index, the service's other places, their rent and their
    one-off costs, each by year, SEK in base-year prices). Located errors: a premises without places, a
    negative or non-finite rent or one-off cost, an id twice, planned places above the service's places."""
    years = np.array(horizon.year_list)
    planned = []
    for c, (s, places, _) in zip(inputs.capacity, capacity, strict=True):
        if not c.premises:
            continue
        path = f"capacity.{c.service}.premises"
        ids = [pp.premises_id for pp in c.premises]
        plan_places, rent, one_off = np.zeros(len(years)), np.zeros(len(years)), np.zeros(len(years))
        for pp in c.premises:
            where = _loc(inputs, "capacity", path=f"{path}.{pp.premises_id}")
            if ids.count(pp.premises_id) > 1:
                raise InputError.at(where, f"premises '{pp.premises_id}' planned twice", "each premises once",
                                    "remove the repeat")
            for name, low in (("places", 1e-9), ("annual_rent", 0.0), ("one_off", 0.0)):
                value = float(getattr(pp, name))
                if not np.isfinite(value) or value < low:
                    raise InputError.at(where, f"'{name}' is {value!r}", "a number > 0" if low else "a number ≥ 0",
                                        f"correct '{name}'")
            is_open = years >= pp.open_year
            plan_places += np.where(is_open, pp.places, 0.0)
            rent += np.where(is_open, pp.annual_rent, 0.0)
            one_off += np.where(years == pp.open_year, pp.one_off, 0.0)
        above = np.flatnonzero(plan_places > places + 1e-9)
        if len(above):
            y = int(years[above[0]])
            raise InputError.at(_loc(inputs, "capacity", path=f"capacity.{c.service}.places.{y}"),
                                f"the planned premises have {plan_places[above[0]]:,.1f} places in {y}, more than "
                                f"{c.service}'s {places[above[0]]:,.1f}", "the planned premises' places counted in "
                                "the service's places", "add the planned places to the service's places")
        planned.append((s, places - plan_places, rent, one_off))
    return tuple(planned)


def _planned_months(inputs: ProjectionInputs, services: list[str], horizon: Horizon) -> np.ndarray:
    """(S, M) True from each service's ``planned_volume_from`` month on: a volume the scenario states is a plan,
    which a volume-growth shock (Monte Carlo, tornado) does not move (economist walk: a 2026–28 plan was drawn)."""
    months = horizon.months
    unknown = [sv for sv in inputs.planned_volume_from if sv not in services]
    if unknown:
        raise InputError.at(_loc(inputs, "volumes", path=f"volumes.{unknown[0]}"),
                            f"a planned volume for '{unknown[0]}', which has no volume path", "a projected service",
                            "correct the service key")
    return np.array([months >= pd.Period(inputs.planned_volume_from[sv], "M") if sv in inputs.planned_volume_from
                     else np.zeros(len(months), dtype=bool) for sv in services]).reshape(len(services), len(months))


def volume_growth_factor(p: Prepared, growth: np.ndarray) -> np.ndarray:
    """(D, S, M) factor of an added annual volume growth (D, S), compounded monthly, 1 in the planned months."""
    grown = (1.0 + growth[:, :, None]) ** p.horizon.years_elapsed[None, None, :]
    return np.where(p.volume_planned[None, :, :], 1.0, grown)


def prepare(inputs: ProjectionInputs) -> Prepared:
    """Validate the inputs (located errors) and turn them into the arrays the kernel uses."""
    horizon = check_horizon(inputs.first_year, inputs.years, inputs.base_year, _loc(inputs, "horizon"))
    volumes = _check_volumes(inputs, horizon)
    unit_costs = _check_unit_costs(inputs)
    services = list(volumes.columns)
    areas = [area_of(s, inputs.service_areas, _loc(inputs, "volumes", path=f"volumes.{s}")) for s in services]
    _check_assistance(inputs, services)
    _check_external(inputs, services)
    rules = [rule_of(s, inputs) for s in services]
    capacity = _check_capacity(inputs, services, rules, areas, horizon)
    planned = _planned_premises(inputs, horizon, capacity)
    notes: list[str] = []

    by_service = unit_costs.set_index("service")
    unit = {c: np.zeros(len(services)) for c in COST_COLUMNS}
    for i, (s, rule) in enumerate(zip(services, rules, strict=True)):
        if rule != "generic":
            if s in by_service.index:
                notes.append(f"{s}: projected by its own rule ({rule_note(rule, inputs, horizon)}), as intended; its base-year "
                             "average cost is not used")
            continue
        if s not in by_service.index:
            raise InputError.at(_loc(inputs, "unit_costs", path=f"unit_costs.{s}"),
                                f"service '{s}' has a volume path but no base-year unit cost",
                                "a unit-cost row for every service that is not priced by a rule",
                                f"add a row for '{s}' to the unit-cost table")
        row = by_service.loc[s]
        for c in COST_COLUMNS:
            unit[c][i] = float(row[c]) / float(row["volume"]) if float(row["volume"]) > 0 else 0.0
    orphans = [s for s in by_service.index if s not in services]
    for s in orphans:
        raise InputError.at(_loc(inputs, "volumes", path=f"volumes.{s}"),
                            f"service '{s}' has base-year costs but no volume path, so the total would be incomplete",
                            "a volume path for every costed service", f"add a volume column for '{s}'")

    index_years = np.arange(inputs.base_year + 1, horizon.end_year + 1)
    ext = inputs.extensions
    extrapolated: dict[str, tuple[int, ...]] = {}

    def growth(name: str, values, from_tree: bool = False) -> np.ndarray:
        path = growth_path(values, index_years, name, ext.get(name), _loc(inputs, name),
                           fill_after=inputs.base_year if from_tree else None)
        if path.extended:
            notes.append(path.note(rate=ext.get(name), from_tree=from_tree))
            extrapolated[name] = tuple(int(y) for y in path.extended)
        return path.values

    wage = growth("wage_growth", inputs.wage_growth, from_tree=True)  # the tree's indices, scenario rates on top
    price = growth("price_growth", inputs.price_growth, from_tree=True)
    rent = growth("rent_growth", inputs.rent_growth, from_tree=inputs.rent_follows_price)
    mix = growth("level_mix_drift", inputs.level_mix_drift)
    mix_flag = np.array([1.0 if (s in inputs.level_mix_services and r == "generic") else 0.0
                         for s, r in zip(services, rules, strict=True)])

    years = horizon.year_list
    if not 0.0 <= inputs.sick_leave_base < 1.0:
        raise InputError.at(_loc(inputs, "sick_leave_base"), f"base sick leave {inputs.sick_leave_base!r}",
                            "a share from 0 to below 1, e.g. 0.074", "write sick leave as a fraction")
    if inputs.sick_leave is None:
        sick = np.full(len(years), inputs.sick_leave_base)
    else:
        path = level_path(inputs.sick_leave, years, "sick_leave", ext.get("sick_leave"), _loc(inputs, "sick_leave"))
        if path.note():
            notes.append(path.note())
            extrapolated["sick_leave"] = tuple(int(y) for y in path.extended)
        sick = path.values
        if np.any(sick >= 1.0):
            raise InputError.at(_loc(inputs, "sick_leave"), "a sick-leave rate of 100 % or more",
                                "rates as fractions below 1", "write 7.4 % as 0.074")

    a = inputs.assistance
    bought = a is not None and "lss" in rules and a.lss_purchase_cost_per_hour > 0
    if a is not None and (bought or any(r in ("sfb", "own_provider") for r in rules)):
        path = state_rate_path(np.concatenate([[inputs.base_year], years]) if bought else years, a.state_rate,
                               a.state_rate_extension, _loc(inputs, "state_rate"))
        if path.note():
            notes.append(path.note())
            extrapolated["state_rate"] = tuple(int(y) for y in path.extended)
        state_rate, state_rate_base = (path.values[1:], float(path.values[0])) if bought else (path.values, 0.0)
    else:
        state_rate, state_rate_base = np.zeros(len(years)), 0.0

    external = []
    for e in inputs.external:
        values = inputs.price_growth if e.price_growth is None else e.price_growth
        name = "price_growth" if e.price_growth is None else f"external_price_growth.{e.service}"
        path = growth_path(values, index_years, name, ext.get(name), _loc(inputs, name),
                           fill_after=inputs.base_year if e.price_growth is None else None)  # the tree's price index
        if path.note() and e.price_growth is not None:
            notes.append(path.note())
        external.append((services.index(e.service), e, path.values))

    adjustments = np.zeros((len(services), len(years)))
    if inputs.adjustments is not None and len(inputs.adjustments):
        adj = inputs.adjustments.reset_index(drop=True)
        for c in ("service", "year", "amount"):
            if c not in adj.columns:
                raise InputError.at(_loc(inputs, "adjustments", row=1, column=c), f"column '{c}' is missing",
                                    "columns service, year, amount", "add the column")
        for i, row in adj.iterrows():
            loc = _loc(inputs, "adjustments", row=int(i) + 2)
            if row["service"] not in services:
                raise InputError.at(Location(loc.file, row=loc.row, column="service", path=loc.path),
                                    f"adjustment for '{row['service']}', which has no volume path",
                                    "a projected service", "correct the service key")
            if int(row["year"]) not in years:
                continue
            adjustments[services.index(row["service"]), int(row["year"]) - horizon.start_year] += float(row["amount"])

    return Prepared(inputs, horizon, tuple(services), tuple(areas), tuple(rules), volumes.to_numpy().T.copy(),
                    _planned_months(inputs, services, horizon), unit, wage, price, rent, mix, mix_flag, sick, state_rate, state_rate_base, tuple(external),
                    adjustments, capacity, planned, tuple(dict.fromkeys(notes)), extrapolated)


# ----------------------------------------------------------------------------- kernel


def shocked_growth(growth: np.ndarray, shock: np.ndarray, p: Prepared) -> np.ndarray:
    """(D, Yi) annual growth over base_year+1 … end, with each draw's shock added to horizon years."""
    draws = shock.shape[0]
    g = np.broadcast_to(growth, (draws, growth.shape[0])).copy()
    first = max(p.index_offset - 1, 0)      # growth-axis position of the first horizon year after the base
    skip = 1 if p.index_offset == 0 else 0  # a horizon that starts in the base year has no growth for it
    g[:, first:] += shock[:, skip:]
    return g


def factors(g: np.ndarray, p: Prepared) -> np.ndarray:
    """(D, Y) cumulative index factors for the horizon years from (D, Yi) growth."""
    full = np.concatenate([np.ones((g.shape[0], 1)), np.cumprod(1.0 + g, axis=1)], axis=1)
    return full[:, p.index_offset:p.index_offset + p.horizon.years]


def _factors(growth: np.ndarray, shock: np.ndarray, p: Prepared) -> np.ndarray:
    return factors(shocked_growth(growth, shock, p), p)


def _cap(volume: np.ndarray, p: Prepared) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Cap each limited service's volume (D, S, M) at its places, in place, moving the users above
    them to the overflow service; returns the demand before the cap and the part above the places
    (both None when no service has places)."""
    if not p.capacity:
        return None, None
    demand = volume.copy()
    over = np.zeros_like(volume)
    yom = p.horizon.year_of_month
    for s, places, _ in p.capacity:
        over[:, s, :] = np.maximum(volume[:, s, :] - places[yom][None, :], 0.0)
    for s, _, target in p.capacity:
        volume[:, s, :] -= over[:, s, :]
        if target >= 0:
            volume[:, target, :] += over[:, s, :]
    return demand, over


def _capacity_arrays(volume: np.ndarray, demand: np.ndarray | None, over: np.ndarray | None,
                     p: Prepared) -> dict[str, np.ndarray]:
    """Monthly (D, S, M) rows of the services with places and those taking their overflow, and the
    frame's volumes (granted_volume: users under the service decided, wherever served); {} without places."""
    if not p.capacity:
        return {}
    granted = volume.copy()
    places = np.zeros_like(volume)
    overflow_in = np.zeros_like(volume)
    for s, limit, target in p.capacity:
        places[:, s, :] = limit[p.horizon.year_of_month][None, :]
        if target >= 0:
            granted[:, s, :] += over[:, s, :]
            granted[:, target, :] -= over[:, s, :]
            overflow_in[:, target, :] += over[:, s, :]
    return {"demand": demand, "places": places, "over_capacity": over, "overflow_in": overflow_in,
            "granted_volume": granted}


def compute(p: Prepared, shocks: Shocks, monthly: bool = False) -> dict[str, np.ndarray]:
    """Costs per draw, service and period: arrays (D, S, M) if ``monthly`` else (D, S, Y)."""
    h = p.horizon
    yom, w, days, t = h.year_of_month, h.month_weights, h.days_in_month, h.years_elapsed
    draws, n_s = shocks.draws, len(p.services)

    volume = p.volume[None, :, :] * volume_growth_factor(p, shocks.volume_growth)
    own = [s for s, r in enumerate(p.rule) if r == "own_provider"]
    if own:  # the own provider's volume is its hours, which move with hours per case
        volume[:, own, :] *= shocks.assistance_hours[:, None, None]
    demand, over = _cap(volume, p)
    wage = _factors(p.wage_growth, shocks.wage_growth, p)
    sick = (1.0 - p.inputs.sick_leave_base) / (1.0 - (p.sick[None, :] + shocks.sick_leave))
    staff_factor = (wage * sick)[:, yom]                                    # (D, M)
    price = _factors(p.price_growth, shocks.price_growth, p)[:, yom]
    rent_shock = shocks.price_growth if p.inputs.rent_follows_price else np.zeros((draws, h.years))
    rent = _factors(p.rent_growth, rent_shock, p)[:, yom]
    mix_shock = np.repeat(shocks.level_mix[:, None], h.years, axis=1)
    mix = _factors(p.mix_growth, mix_shock, p)[:, yom]
    mix_sf = 1.0 + p.mix_flag[None, :, None] * (mix[:, None, :] - 1.0)   # (D, S, M)

    vw = volume * w[None, None, :]
    out = {
        "volume": vw,  # day-weighted; summed per year this is the average volume per month
        "hours": np.zeros((draws, n_s, h.years * 12)),
        "staff_cost": vw * p.unit["staff_cost"][None, :, None] * staff_factor[:, None, :] * mix_sf,
        "premises_cost": vw * p.unit["premises_cost"][None, :, None] * rent[:, None, :],
        "other_cost": vw * p.unit["other_cost"][None, :, None] * price[:, None, :] * mix_sf,
        "revenue": vw * p.unit["revenue"][None, :, None] * price[:, None, :],
    }

    a = p.inputs.assistance
    hours_factor = shocks.assistance_hours[:, None]                       # (D, 1)
    # hours per year measured over hours_base_days: a month carries days / hours_base_days of them
    hours_share = w if a is None or a.hours_base_days is None else days / a.hours_base_days
    rate = p.state_rate[yom][None, :]                                       # (1, M)
    for s, rule in enumerate(p.rule):
        if rule == "generic":
            continue
        for key in ("staff_cost", "premises_cost", "other_cost", "revenue"):
            out[key][:, s, :] = 0.0
        v = volume[:, s, :]
        if rule == "sfb":
            cap = np.asarray(a.sfb_cap_by_month or (a.sfb_cap_hours_per_week,) * len(days), dtype=float)
            paid = np.zeros((draws, len(days)))
            for c in np.unique(cap):  # one mean over the cases per distinct cap (a rule changes rarely)
                if a.sfb_case_hours:  # the mean over the cases of min(cap, the case's hours × the factor)
                    cases = np.asarray(a.sfb_case_hours, dtype=float)[None, :]
                    paid_c = np.minimum(c, cases * hours_factor).mean(axis=1, keepdims=True)
                else:
                    paid_c = np.minimum(c, a.sfb_hours_per_week * hours_factor)
                paid[:, cap == c] = paid_c
            hours = v * paid * days[None, :] / 7.0
            out["hours"][:, s, :] = hours
            out["other_cost"][:, s, :] = hours * rate
        elif rule == "lss":
            hours = v * a.lss_hours_per_case * hours_factor * hours_share[None, :]
            out["hours"][:, s, :] = hours
            out["staff_cost"][:, s, :] = hours * a.lss_cost_per_hour * staff_factor
            out["other_cost"][:, s, :] = hours * a.lss_other_cost_per_hour * price  # other cost follows prices
            if a.lss_purchase_cost_per_hour > 0:  # bought hours: the providers' price follows the state rate
                out["other_cost"][:, s, :] += hours * a.lss_purchase_cost_per_hour * rate / p.state_rate_base
        elif rule == "own_provider":
            hours = v * hours_share[None, :]
            out["hours"][:, s, :] = hours
            out["staff_cost"][:, s, :] = hours * a.own_provider_cost_per_hour * staff_factor
            out["other_cost"][:, s, :] = hours * a.own_provider_other_cost_per_hour * price
            out["revenue"][:, s, :] = hours * rate * a.own_provider_rate_factor
    for s, e, growth in p.external:
        v = volume[:, s, :]
        existing = np.minimum(v, e.existing_places * (1.0 - e.turnover) ** t[None, :])
        new = v - existing
        index = _factors(growth, shocks.price_growth, p)[:, yom]
        out["other_cost"][:, s, :] = (existing + new * (1.0 + e.new_place_premium)) * e.price_per_day \
            * days[None, :] * index

    plan = {m: np.zeros_like(vw) for m in PLAN_MEASURES} if p.planned else {}
    for s, other_places, plan_rent, one_off in p.planned:  # users above the other places are in the planned premises
        plan["plan_users"][:, s, :] = volume[:, s, :] - np.minimum(volume[:, s, :], other_places[yom][None, :])
        plan["plan_rent"][:, s, :] = plan_rent[yom][None, :] * w[None, :] * rent
        plan["plan_one_off"][:, s, :] = one_off[yom][None, :] * w[None, :] * price
        out["premises_cost"][:, s, :] = (volume[:, s, :] - plan["plan_users"][:, s, :]) * w[None, :] \
            * p.unit["premises_cost"][s] * rent + plan["plan_rent"][:, s, :]
    out.update({k: v * w[None, None, :] if k == "plan_users" else v for k, v in plan.items()})
    places = _capacity_arrays(volume, demand, over, p)
    out.update({k: v * w[None, None, :] for k, v in places.items()})
    out["adjustment"] = np.broadcast_to((p.adjustments[:, yom] * w[None, :])[None], vw.shape).copy()
    if plan:
        out["adjustment"] += plan["plan_one_off"]
    out["gross_cost"] = out["staff_cost"] + out["premises_cost"] + out["other_cost"] + out["adjustment"]
    out["net_cost"] = out["gross_cost"] - out["revenue"]
    if monthly:
        out["volume"] = volume
        out.update(places)
        if plan:
            out["plan_users"] = plan["plan_users"]
        return out
    return _exact_places({k: v.reshape(draws, n_s, h.years, 12).sum(axis=3) for k, v in out.items()}, p)


def _exact_places(yearly: dict[str, np.ndarray], p: Prepared) -> dict[str, np.ndarray]:
    """A year's places as given, not as the day-weighted sum of its months (1 295, not 1 294.9999…)."""
    for s, limit, _ in p.capacity:
        yearly["places"][:, s, :] = limit[None, :]
    return yearly


# ----------------------------------------------------------------------------- tidy tables


@dataclass(frozen=True)
class RowBlock:
    """Row keys of a tidy table (period, service, area, measure) and their values per draw (R, D)."""

    keys: pd.DataFrame
    values: np.ndarray

    @staticmethod
    def concat(blocks: list[RowBlock]) -> RowBlock:
        return RowBlock(pd.concat([b.keys for b in blocks], ignore_index=True),
                        np.concatenate([b.values for b in blocks], axis=0))

    def table(self, scenario: str, column: int = 0) -> pd.DataFrame:
        frame = self.keys.copy()
        frame.insert(0, "scenario", scenario)
        frame["value"] = self.values[:, column]
        return frame[list(OUTPUT_COLUMNS)]


def _block(periods: list[str], service: list[str], area: list[str], measure: str, values: np.ndarray) -> RowBlock:
    """values (D, K, P) → rows K × P in (key-major, period-minor) order."""
    k, n_p = values.shape[1], values.shape[2]
    keys = pd.DataFrame({"period": np.tile(periods, k), "service": np.repeat(service, n_p),
                         "area": np.repeat(area, n_p), "measure": measure})
    return RowBlock(keys, values.transpose(1, 2, 0).reshape(k * n_p, -1))


def area_sums(p: Prepared, values: np.ndarray) -> np.ndarray:
    """(D, S, P) → (D, A+1, P): the six report areas in order, then the board total."""
    codes = np.array([AREA_KEYS.index(a) for a in p.areas])
    onehot = np.zeros((len(AREA_KEYS), len(p.services)))
    onehot[codes, np.arange(len(p.services))] = 1.0
    by_area = np.einsum("as,dsp->dap", onehot, values)
    return np.concatenate([by_area, values.sum(axis=1, keepdims=True)], axis=1)


def rows(p: Prepared, arrays: dict[str, np.ndarray], periods: list[str]) -> RowBlock:
    """Service rows for every measure, then area and board totals of the cost measures."""
    services, areas = list(p.services), list(p.areas)
    blocks = []
    assistance = [i for i, r in enumerate(p.rule) if r in ("sfb", "lss", "own_provider")]
    limited = [c[0] for c in p.capacity]
    for measure in CAPACITY_MEASURES if limited else ():
        blocks.append(_block(periods, [services[i] for i in limited], [areas[i] for i in limited], measure,
                             arrays[measure][:, limited, :]))
    planned = [c[0] for c in p.planned]
    for measure in PLAN_MEASURES if planned else ():
        blocks.append(_block(periods, [services[i] for i in planned], [areas[i] for i in planned], measure,
                             arrays[measure][:, planned, :]))
    takers = sorted({c[2] for c in p.capacity if c[2] >= 0})
    if takers:
        blocks.append(_block(periods, [services[i] for i in takers], [areas[i] for i in takers], OVERFLOW_MEASURE,
                             arrays[OVERFLOW_MEASURE][:, takers, :]))
    for measure in SERVICE_MEASURES:
        values = arrays[measure]
        if measure == "hours":
            if not assistance:
                continue
            blocks.append(_block(periods, [services[i] for i in assistance], [areas[i] for i in assistance],
                                 measure, values[:, assistance, :]))
            continue
        blocks.append(_block(periods, services, areas, measure, values))
    area_keys = [*AREA_KEYS, TOTAL]
    for measure in TOTAL_MEASURES:
        blocks.append(_block(periods, [TOTAL] * len(area_keys), area_keys, measure, area_sums(p, arrays[measure])))
    return RowBlock.concat(blocks)


def sort_order(keys: pd.DataFrame) -> np.ndarray:
    """Stable order: period, area (report order, total last), service (total last), measure."""
    area_rank = {a: i for i, a in enumerate([*AREA_KEYS, TOTAL])}
    measure_rank = {m: i for i, m in enumerate(dict.fromkeys([*CAPACITY_MEASURES, *PLAN_MEASURES, OVERFLOW_MEASURE,
                                                              *SERVICE_MEASURES, *TOTAL_MEASURES]))}
    ranks = pd.DataFrame({
        "p": keys["period"].astype(str).to_numpy(),
        "a": keys["area"].map(area_rank).fillna(len(area_rank)).to_numpy(),
        "s": np.where(keys["service"].to_numpy() == TOTAL, "~", keys["service"].astype(str).to_numpy()),
        "m": keys["measure"].map(measure_rank).fillna(len(measure_rank)).to_numpy(),
    })
    return ranks.sort_values(["p", "a", "s", "m"], kind="mergesort").index.to_numpy()


@dataclass(frozen=True)
class ProjectionResult:
    """Tidy long tables (scenario, period, service, area, measure, value) and run notes."""

    scenario: str
    monthly: pd.DataFrame
    yearly: pd.DataFrame
    notes: tuple[str, ...]

    def series(self, measure: str, area: str = TOTAL, service: str = TOTAL) -> pd.Series:
        """One yearly series (period → value)."""
        t = self.yearly
        sel = t[(t["measure"] == measure) & (t["area"] == area) & (t["service"] == service)]
        return pd.Series(sel["value"].to_numpy(), index=sel["period"].astype(int).to_numpy(), name=measure)

    def value(self, measure: str, area: str = TOTAL, year: int | None = None, where: str = "year") -> float:
        """One measure in ``year``, or summed over the horizon when ``year`` is None; a year outside
        the horizon is a located error (``where`` names the option or key that gave it)."""
        series = self.series(measure, area=area)
        if year is not None and year not in series.index:
            raise InputError.at(Location(path=where), f"year {year} is outside the horizon",
                                f"a year from {series.index[0]} to {series.index[-1]}", "choose a projected year")
        return float(series.sum() if year is None else series.loc[year])


def year_labels(p: Prepared) -> list[str]:
    return [str(y) for y in p.horizon.year_list]


def month_labels(p: Prepared) -> list[str]:
    return [str(m) for m in p.horizon.months]


def project(inputs: ProjectionInputs) -> ProjectionResult:
    """Deterministic projection: monthly and yearly tidy tables for every service, area and the board."""
    p = prepare(inputs)
    shocks = Shocks.neutral(len(p.services), p.horizon.years)
    monthly_arrays = compute(p, shocks, monthly=True)
    monthly = rows(p, monthly_arrays, month_labels(p))
    weights = {k: p.horizon.month_weights[None, None, :] if k in VOLUME_MEASURES else 1.0 for k in monthly_arrays}
    yearly_arrays = _exact_places({k: (v * weights[k]).reshape(1, len(p.services), p.horizon.years, 12).sum(axis=3)
                                   for k, v in monthly_arrays.items()}, p)
    yearly = rows(p, yearly_arrays, year_labels(p))
    m_table = monthly.table(inputs.scenario).iloc[sort_order(monthly.keys)].reset_index(drop=True)
    y_table = yearly.table(inputs.scenario).iloc[sort_order(yearly.keys)].reset_index(drop=True)
    return ProjectionResult(inputs.scenario, m_table, y_table, p.notes)
