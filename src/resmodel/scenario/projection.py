"""The ``projection:`` block of a scenario file: settings of the multi-year budget projection that
are not parameters of the tree (docs/projection.md).

Composition over ``extends``: the blocks of the chain are merged key by key, root first — a child
value replaces the parent's value of the same key, mappings (``volumes``, ``volume_growth``,
``extensions``, an inline ``frame``, ``external``) are merged recursively, lists and scalars are
replaced whole (a list that leaves out entries of the one before it is warned of as ``list_replaced``:
resmodel.projection_run.replaced_list_warnings). The merged block is validated again as a whole, with the
location of the file that set each key."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from resmodel.errors import InputError, Location, Problem, ProblemCollector, did_you_mean
from resmodel.forecast.forecaster import MODEL_NAMES, model_hint  # the names forecast_volumes accepts
from resmodel.forecast.frame import FIRST_YEAR, LAST_YEAR  # the years of a series (and of places)
from resmodel.limits import MAX_VOLUME  # the largest volume an override may set
from resmodel.params.ranges import out_of_range, unit_range

if TYPE_CHECKING:  # resmodel.io.scenario imports the schema, which imports this module
    from resmodel.io.scenario import ScenarioSource

#: pydantic's error type for a boolean where a number is meant, and the fix every message of it gives
YAML_BOOLEAN = "yaml_boolean"
BOOLEAN_FIX = ("write the number meant (1, or the amount): YAML reads yes/no/on/off/true/false as true or false, "
               "never as a number")


def boolean_problem(value: bool, word: str | None = None) -> str:
    """The problem of a boolean where a number is meant, naming the word the file wrote when it is known."""
    truth = "true" if value else "false"
    if word:
        return f"'{word}' is read by YAML as {truth}, not a number"
    return f"{truth} is a boolean (a YAML boolean: yes/no/on/off/true/false), not a number"


def _not_boolean(value: Any) -> Any:
    """Refuse a boolean where a number is meant: pydantic takes true as 1 and false as 0 unsaid ('amount_per_user:
    yes' was 1 SEK a user, 'wage_weight: yes' a weight of 1; robustness review)."""
    if isinstance(value, bool):
        raise PydanticCustomError(YAML_BOOLEAN, "{problem}", {"problem": boolean_problem(value), "value": value})
    return value


#: a number of a settings file (finite, not a boolean), and a whole number (a year, a count) that is not a boolean
Number = Annotated[float, Field(allow_inf_nan=False), BeforeValidator(_not_boolean)]
Whole = Annotated[int, BeforeValidator(_not_boolean)]

#: the longest horizon a scenario may project (horizon_years)
MAX_HORIZON = 30

#: index names the projection reads from the tree (and that may be declared an extension)
INDEX_NAMES = ("wage_growth", "price_growth", "rent_growth", "state_rate")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VolumeChange(_Strict):
    """A step change of a service's volume from January of a year onwards (added to the forecast)."""

    service: str = Field(description="service key, e.g. personlig_assistans_lss")
    from_year: Whole = Field(description="first projected year the change applies (from January)")
    change: Number = Field(ge=-MAX_VOLUME, le=MAX_VOLUME,
                           description="users/cases/places added (negative: removed), average per month")
    # its bounds before the validator, where the JSON Schema can say them (exclusiveMinimum, maximum)
    hours_per_week: Annotated[float, Field(gt=0.0, le=168.0, allow_inf_nan=False),
                              BeforeValidator(_not_boolean)] | None = Field(
        None, description="LSS assistance only: assistance hours per week (at most 168) of the cases that change; they "
        "count as change × hours / the base-year LSS hours per case (default: cases of average size)")
    reason: str | None = Field(None, description="why (shown in the results' notes)")


class Adjustment(_Strict):
    """A known one-off net cost of a service in one year (nominal SEK), e.g. a new home's start-up."""

    service: str = Field(description="service key, e.g. bostad_vuxna")
    year: Whole = Field(description="the projected year it falls in")
    amount: Number = Field(ge=-1e10, le=1e10, description="SEK of net cost in that year's prices (negative: a "
                           "saving or an income)")
    reason: str | None = Field(None, description="why (shown in the results' notes)")


class ExternalSettings(_Strict):
    """External places: priced per day, new places dearer than existing ones (F0165)."""

    new_place_premium: Number = Field(0.0, ge=0.0, le=5.0,
                                      description="fraction by which a new place's day price exceeds an existing one")
    turnover: Number = Field(0.0, ge=0.0, le=1.0,
                             description="annual share of existing places that end and are re-bought as new")


def _years_within(value: dict[int, float], what: str, example: str) -> None:
    """Keys of a per-year mapping are years the projection can name."""
    for year in value:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"{year} is not a year from {FIRST_YEAR} to {LAST_YEAR}; {what} maps years to "
                             f"places, e.g. {example}")


def _yaml(value: Any) -> str:
    """A value as it is written in YAML (null, true), for messages."""
    return {None: "null", True: "true", False: "false"}.get(value, repr(value)) if not isinstance(value, list | dict) \
        else repr(value)


def _model_name(name: str) -> str:
    """A model name as forecast_volumes knows it, case and surrounding blanks aside ('ETS' is 'ets'), as the
    command line's --model reads it (planner walk: a scenario's 'ETS' was refused, forecast's ran)."""
    return name.strip().lower()


def _number_as_text(name: str) -> tuple[str, str] | None:
    """(the number meant, how it was slipped) for a number YAML read as text — a space between thousands ('1 100')
    or a decimal comma ('28,5') — else None."""
    if re.fullmatch(r"\s*\d{1,3}([ \u00a0]\d{3})+([.,]\d+)?\s*", name):
        return re.sub(r"[ \u00a0]", "", name.strip()).replace(",", "."), "no space between thousands"
    if re.fullmatch(r"\s*-?\d+,\d+\s*", name):
        return name.strip().replace(",", "."), "'.' as decimal point"
    return None


def _unknown_model(name: str, takes_volume: bool) -> tuple[str, str]:
    """(problem, fix) for a model name forecast_volumes does not know, with a 'did you mean' ('holtwinters' → ets);
    a number YAML read as text ('1 100', '28,5') is told the number to write where a volume may stand
    (``takes_volume``: an entry of volumes), and the model names where only a name may (default_model)."""
    number = _number_as_text(name)
    if number and not takes_volume:  # '28,5' for default_model: '28.5' would be refused too
        return ("a number is not a model name" if len(number[0].split(".")[0]) >= 10 else
                f"'{name}' is a number, not a model name"), \
            ("write one of the model names: default_model names the forecast of the services not in 'volumes'; "
             "a fixed volume is set per service in 'volumes' (docs/projection.md)")
    if number:
        plain, slip = number
        if len(plain.split(".")[0]) >= 10:  # not a volume, and it could be an identity number: not echoed
            return "a number with spaces is read as text, not a volume", "write it without spaces"
        return f"'{name}' is read as text, not a volume", f"write {plain} ({slip})"
    return f"unknown forecast model '{name}'", f"{model_hint(name)}correct the value (docs/projection.md)"


def _model_problem(name: str, entry: str) -> dict[str, str] | None:
    """The problem of a model name at ``entry`` (a service of ``volumes``; '' for default_model) with the names
    known, or None when forecast_volumes knows it."""
    if _model_name(name) in MODEL_NAMES:
        return None
    problem, fix = _unknown_model(name, takes_volume=bool(entry))
    names = "a model name (" + ", ".join(MODEL_NAMES) + ")"
    return {"problem": problem, "entry": entry, "fix": fix,
            "expected": f"{names}, a volume for every month, or {{year: volume}}" if entry else names}


def _volume_form(value: Any) -> Any:
    """Refuse a mapping entry of volumes with a key that is no year, told what to write: '{model: holtwinter}' (or
    '{modell: ets}') the name alone, '{model: ets, 2026: 100}' one of the two, '{år2026: 100}' the year as a number —
    each was two 'valid integer' and 'valid number' errors per service that named neither model nor year."""
    words = [key for key in value if isinstance(key, str) and not key.strip().lstrip("-").isdigit()] \
        if isinstance(value, dict) else []
    if not words:
        return value
    key = words[0]
    if not isinstance(value[key], str):
        year = digits if len(digits := re.sub(r"\D", "", key)) == 4 else "2026"
        raise ValueError(f"'{key}' is not a year; {{year: volume}} maps projected years to volumes: write the year as "
                         f"a number, e.g. {year}: {_yaml(value[key])}")
    name = value[key]
    known = _model_name(name) in MODEL_NAMES
    hint = "" if known else model_hint(name).strip() or "one of " + ", ".join(MODEL_NAMES)
    said = f"{_model_name(name) if known else 'the model name'} alone after the service, without '{key}:'" \
           f"{f' ({hint})' if hint else ''}"
    years = {year: volume for year, volume in value.items() if year not in words}
    if years:
        shown_years = ", ".join(f"{year}: {_yaml(volume)}" for year, volume in years.items())
        raise ValueError(f"'{key}: {name}' and volumes per year in one mapping: a service takes a model name or "
                         f"{{year: volume}}, not both (the years before the first given follow default_model, "
                         f"volume_after_override: trend the forecast after the last): write {{{shown_years}}}, or "
                         f"{said}")
    raise ValueError(f"'{key}: {name}' makes a mapping, not a model name: write {said}")


def _refuse(entries: list[dict[str, str]]) -> None:
    """Raise the entries' problems as one error of their key, each reported at its own entry (``_problems``)."""
    if entries:
        raise PydanticCustomError(ENTRY_ERROR, "{problem}", {**entries[0], "entries": entries})


def _exponent_as_text(text: str) -> bool:
    """'1.295e3' or '1e300': a number YAML 1.1 reads as text (it needs '1.295e+3')."""
    try:
        float(text)
    except ValueError:
        return False
    return "e" in text.lower()


def _one_number_per_year(value: dict, what: str) -> None:
    """Each year once (YAML keeps '2025' and '02025' apart, the year reads them alike) and each value a number."""
    seen: dict[int, Any] = {}
    for key, places in value.items():
        if isinstance(places, bool) or places is None or isinstance(places, list | dict):
            raise ValueError(f"{what} {_yaml(places)} in {key} is not a number of places")
        if isinstance(places, str) and _exponent_as_text(places):
            raise ValueError(f"{what} '{places}' in {key} is read as text: write {float(places):,.10g}"
                             .replace(",", ""))
        try:
            year = int(str(key).replace("_", "x"))  # '2_025' is no way to write a year
        except ValueError:
            continue  # pydantic names the key that is not a year
        if year in seen:
            raise ValueError(f"{what} names {year} twice ('{seen[year]}' and '{key}')")
        seen[year] = key


class CapacitySettings(_Strict):
    """Places of a service (*platser*, docs/projection.md, "Places"): its users above them are not served in it — they go
    to another service (e.g. external places) or wait as decisions not executed (*ej verkställda*)."""

    places: Number | dict[int, Number] | Literal["premises"] | None = Field(
        None, description="(required, in this file or one it extends) places from January of the first projected "
        "year: a number, a mapping year → places (each "
        "from January of that year until the next; the first year at or before the first projected year), or "
        "'premises' — today's places of the premises the service's units use (premises.csv)")
    added: dict[int, Number] = Field(
        default_factory=dict, description="places added from January of a year on (e.g. a new home, 6); negative: "
        "places closed")
    plan: str | None = Field(None, description="a premises plan, the premises_plan.csv of `resmodel plan-premises` "
                             "(a path relative to the scenario file that sets it): the premises it opens add their "
                             "places from January of their open_year and are costed at their rent and one-off cost "
                             "(docs/projection.md, \"From a premises plan\")")
    overflow: str = Field("waiting", description="where the users above the places go: 'waiting' (decisions not "
                          "executed: no cost, counted as over_capacity) or a service of the same report area that "
                          "takes them at its own price, e.g. externa_platser for LSS housing (at the external day "
                          "price; places beyond the existing stock as new places)")
    reason: str | None = Field(None, description="why (shown in the results' notes)")

    @field_validator("plan")
    @classmethod
    def _plan_path(cls, value):
        return _file_path(value)

    @field_validator("places", mode="before")
    @classmethod
    def _places_form(cls, value):
        """One clear message for each shape that is not a number, a year mapping or 'premises'."""
        if isinstance(value, str) and value != "premises":
            if _exponent_as_text(value):
                raise ValueError(f"places '{value}' is read as text: YAML reads a number with an exponent only "
                                 f"with a sign and a decimal point; write {float(value):,.10g}".replace(",", ""))
            quoted = value.strip().replace(" ", "").replace("\u00a0", "").isdigit()
            hint = did_you_mean(value, ["premises"]).strip()
            raise ValueError(f"places '{value}' is " + ("a number in quotes: write it without them" if quoted else
                                                        "not a number, a mapping year → places, or 'premises'"
                                                        + (f" ({hint})" if hint else "")))
        if value is None or isinstance(value, bool | list):
            raise ValueError(f"places {_yaml(value)} is not a number, a mapping year → places, or 'premises'")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"places {value} is not a number of places")
        if isinstance(value, dict):
            if not value:
                raise ValueError("places {} names no year: give a number, or {<first projected year>: places}")
            _one_number_per_year(value, "places")
        return value

    @field_validator("places")
    @classmethod
    def _places(cls, value):
        values = value.items() if isinstance(value, dict) else [] if isinstance(value, str) else [(None, value)]
        if isinstance(value, dict):
            _years_within(value, "places", "{2025: 532, 2028: 544}")
        for year, places in values:
            if not 0 <= places <= MAX_VOLUME:
                raise ValueError(f"places {places:,.10g}{f' in {year}' if year else ''} is outside 0–{MAX_VOLUME:,}")
        return value

    @field_validator("added", mode="before")
    @classmethod
    def _added_form(cls, value):
        if isinstance(value, dict):
            _one_number_per_year(value, "added")
        return value

    @field_validator("added")
    @classmethod
    def _added(cls, value: dict[int, float]) -> dict[int, float]:
        _years_within(value, "added", "{2026: 6, 2028: 6}")
        for year, places in value.items():
            if abs(places) > MAX_VOLUME:
                raise ValueError(f"added {places:,.10g} places in {year} is outside ±{MAX_VOLUME:,}")
        return value


#: the validation context of a composed block (``resolve``), and the error type of a rate outside its band
#: the context flag of the composed block's validation, and the error type of one entry's problem with its own
#: expectation and fix (a rate, a model name), reported at the entry with the block's other problems
COMPOSED, ENTRY_ERROR = "composed", "entry_problem"

#: the model of the items under each list or mapping key of the projection block
NESTED = {"volume_changes": VolumeChange, "adjustments": Adjustment, "external": ExternalSettings,
          "capacity": CapacitySettings}


def projection_keys(loc: list[str]) -> list[str]:
    """The keys allowed where the unknown key at ``loc`` (below ``projection``) stands."""
    nested = next((NESTED[part] for part in loc[:-1] if part in NESTED), None)
    return sorted((nested or ProjectionSettings).model_fields)


def _volume_problems(service: str, spec: str | float | dict[int, float]) -> list[dict[str, str]]:
    """The problems of one service's entry in ``volumes``: an unknown model name, volumes outside 0–MAX_VOLUME."""
    if isinstance(spec, str):
        found = _model_problem(spec, service)
        return [found] if found else []
    volumes = spec.items() if isinstance(spec, dict) else [(None, spec)]
    return [{"problem": f"the volume {f'for {year} ({volume:g})' if year is not None else f'{volume:g}'} is outside "
                        f"0–{MAX_VOLUME:,}", "entry": service if year is None else f"{service}.{year}",
             "expected": f"a volume from 0 to {MAX_VOLUME:,} (users, cases or places a month)",
             "fix": "correct the value"}
            for year, volume in volumes if not 0 <= volume <= MAX_VOLUME]


class ProjectionSettings(_Strict):
    """Settings of the multi-year budget projection (docs/projection.md)."""

    horizon_years: Whole = Field(10, ge=1, le=MAX_HORIZON, description="number of projected years after the base year")
    default_model: str = Field("auto", description="forecast model for services not named in 'volumes' "
                               "(" + ", ".join(MODEL_NAMES) + ")")
    volumes: dict[str, Annotated[str | Number | dict[int, Number], BeforeValidator(_volume_form)]] = Field(
        default_factory=dict,
        description="service → forecast model name, a fixed volume for every month, or a volume per year")
    volume_after_override: dict[str, Literal["hold", "trend"]] = Field(
        default_factory=dict, description="service → what its per-year override in 'volumes' does after its last "
        "year: 'hold' (the default: that year's volume is kept) or 'trend' (the service's forecast's growth carries "
        "on from that volume; the service needs a volume history)")
    volume_forecast: str | None = Field(
        None, description="a volume forecast `resmodel forecast` wrote (its volume_forecast.csv; a path relative to "
        "the scenario file that sets it): the services in it take its monthly volume (levels summed) in every "
        "projected month instead of a forecast made in the run; a service named in 'volumes' keeps that "
        "(docs/projection.md, \"From a forecast file\")")
    volume_growth: dict[str, Number] = Field(
        default_factory=dict, description="service → added annual volume growth (fraction), compounded monthly")
    volume_changes: list[VolumeChange] = Field(
        default_factory=list, description="step changes of volume from a year on (e.g. a shift of cases)")
    adjustments: list[Adjustment] = Field(
        default_factory=list, description="known one-off net costs per service and year (e.g. start-up costs)")
    level_mix_drift: Number | dict[int, Number] = Field(
        0.0, description="annual unit-cost drift of the level services (fraction; one number or per year)")
    rent_growth: Number | dict[int, Number] | None = Field(
        None, description="annual rent (contract) growth; default: the price index")
    extensions: dict[str, Number] = Field(
        default_factory=dict,
        description="declared growth beyond the index data: " + ", ".join(INDEX_NAMES) + " (flagged in results)")
    external: ExternalSettings = Field(default_factory=ExternalSettings, description="external-place pricing")
    capacity: dict[str, CapacitySettings | None] | None = Field(
        default_factory=dict, description="service → its places: users above them go to another service or wait "
        "(docs/projection.md, \"Places\"); 'service: null' (or 'capacity: null') in a child removes "
        "the places a file it extends set")

    @field_validator("capacity")
    @classmethod
    def _capacity(cls, value):
        """After composition null entries are gone; a single file's nulls mean 'no places'."""
        return {k: v for k, v in (value or {}).items() if v is not None}
    own_provider_rate_factor: Number = Field(1.0, ge=1.0, le=1.12,
                                             description="own provider's compensation relative to the state rate")
    frame: str | dict[str, Any] | None = Field(
        None, description="the council's frame: a frame YAML path (relative to the scenario file) or inline")
    uncertainty: dict[str, Any] | None = Field(
        None, description="distributions on drivers for Monte Carlo (docs/budget.md §4); used with --draws")

    @field_validator("default_model")
    @classmethod
    def _model(cls, value: str, info: ValidationInfo) -> str:
        """A known model name — checked on the composed block, with its other problems (a per-file check held back a
        misspelt service and frame area until the next run: economist walk)."""
        if not (info.context or {}).get(COMPOSED):
            return value
        _refuse([found] if (found := _model_problem(value, "")) else [])
        return _model_name(value)

    @field_validator("volume_forecast", "frame")
    @classmethod
    def _paths(cls, value):
        return _file_path(value)

    @field_validator("extensions", "volume_growth", "level_mix_drift", "rent_growth")
    @classmethod
    def _annual_rates(cls, value, info: ValidationInfo):
        """Annual rates are fractions, within the band parameters of unit 'share per year' allow — checked on the
        composed block (``resolve``), where a rate's problem is reported with the block's other problems (a
        per-file check stopped the reading, and a misspelt service came only in a second run) — every entry's
        problem at its own line (the first alone left the next to a second run), with an extension's unknown index."""
        if not (info.context or {}).get(COMPOSED):
            return value
        allowed = unit_range("share per year")
        rates = value.items() if isinstance(value, dict) else [("", value)] if value is not None else []
        entries = []
        for key, rate in rates:
            if info.field_name == "extensions" and key not in INDEX_NAMES:
                entries.append({"problem": f"unknown index '{key}' in extensions",
                                "expected": "one of " + ", ".join(INDEX_NAMES),
                                "fix": f"{did_you_mean(key, INDEX_NAMES)}remove or rename the key", "entry": key})
                continue
            found = out_of_range(f"the rate {{v}}{f' for {key}' if key != '' else ''}", float(rate),
                                 "share per year", allowed)
            if found:
                entries.append({"problem": found[0], "expected": found[1], "fix": found[2], "entry": str(key)})
        _refuse(entries)
        return value

    @field_validator("volumes")
    @classmethod
    def _volumes(cls, value: dict[str, str | float | dict[int, float]], info: ValidationInfo
                 ) -> dict[str, str | float | dict[int, float]]:
        """Model names known and volumes within range, on the composed block with its other problems (an unknown
        model checked per file held back a misspelt service and frame area: economist walk) — every entry's at its
        own line (the first alone left a second misspelt model to the next run): a per-year override's
        keys are any whole numbers here, checked against the horizon — a need level 1–8 among them too — by
        check_years with the block's other problems (a year or level bound here held them all back: 2207 for 2027,
        3 for a level)."""
        if not (info.context or {}).get(COMPOSED):
            return value
        _refuse([found for service, spec in value.items() for found in _volume_problems(service, spec)])
        return {service: _model_name(spec) if isinstance(spec, str) else spec for service, spec in value.items()}


@dataclass(frozen=True)
class ResolvedProjection:
    """The merged projection block and where each top-level key was set."""

    settings: ProjectionSettings
    set_by: dict[str, ScenarioSource]   # top-level key → the file that set it last
    chain: tuple[ScenarioSource, ...]
    problems: tuple[Problem, ...] = ()  # resolve(as_meant=True): the problems of the keys the settings leave out

    def location(self, path: str) -> Location:
        """Location of ``projection.<path>`` in the file that set it (see ``source_of``)."""
        return source_of(self.chain, self.set_by, path).doc.location(f"projection.{path}" if path else "projection")


def source_of(chain, set_by: dict[str, ScenarioSource], path: str) -> ScenarioSource:
    """The file that set ``projection.<path>``: of the files holding the deepest part of the path, the
    last in the chain (mappings merge over ``extends``, so a parent's key may be the one that counts) —
    or a later file whose value on the way replaces the parent's whole (a list, a ``kind``, a ``dist``);
    else the file that set its top-level key."""
    full = f"projection.{path}" if path else "projection"
    best, depth = None, 1  # every file with a projection block holds 'projection'
    for src in chain:
        part = full
        while part and part not in src.doc.lines:
            part = part.rsplit(".", 1)[0] if "." in part else ""
        held = part.count(".") + 1 if part and part != "projection" else 0
        if held and (held >= depth or held_along(src.doc.data, full)[1]):
            best, depth = src, held
    top = path.split(".", 1)[0].split("[", 1)[0]
    return best or set_by.get(top) or chain[-1]


def _file_path(value):
    """A path to a file, written as text: not empty and short enough for the file system (255 characters a
    name, 1 024 in all), so that checking it is an answer, not an OSError."""
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("the path is empty: give a file path, or remove the key")
        if len(value) > 1024 or any(len(part) > 255 for part in value.replace("\\", "/").split("/")):
            raise ValueError("the path is too long for the file system (at most 255 characters a name, 1 024 in "
                             "all): shorten it")
    return value


def _replaces_whole(value: Any) -> bool:
    """A value ``merge`` puts in place of the one before it instead of merging: a list, a choice (``kind``)
    or a distribution (``dist``)."""
    return isinstance(value, list) or isinstance(value, dict) and ("kind" in value or "dist" in value)


def held_along(data: Any, path: str) -> tuple[int, bool]:
    """How many parts of the dotted ``path`` (list items as ``[i]``) ``data`` holds, and whether it holds
    a value on the way that replaces the one before it whole (then the key's fate is this data's)."""
    node, held = data, 0
    for part in (p for p in path.replace("[", ".[").split(".") if p):
        index = part[1:-1] if part.startswith("[") else None
        if index is not None and isinstance(node, list) and index.isdigit() and int(index) < len(node):
            node = node[int(index)]
        elif index is None and isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return held, False
        held += 1
        if _replaces_whole(node):
            return held, True
    return held, False


def merge(parent: Any, child: Any) -> Any:
    """Key-by-key merge: mappings recursively, everything else replaced by the child; a child's
    ``key: null`` removes a key a parent set (back to its default). A mapping with a ``kind`` key (a choice such as the frame's indexation) is replaced whole, and so is one
    on either side with a ``dist`` key (a distribution: a child's per-service mapping of
    distributions replaces a parent's single one, and the reverse, instead of mixing the two)."""
    if isinstance(parent, dict) and isinstance(child, dict) and not _replaces_whole(child) and "dist" not in parent:
        out = dict(parent)
        for key, value in child.items():
            if value is None and key in parent:  # 'key: null' removes what a file it extends set
                del out[key]
            else:  # a null nothing set before stays, for validation to refuse where a value is needed
                out[key] = merge(parent[key], value) if key in parent else value
        return out
    return child


def _problems(errors: list, where) -> list[Problem]:
    """One located problem per pydantic error of the composed block (unknown keys with the allowed ones)."""
    problems = ProblemCollector()
    seen = set()
    for err in errors:
        loc = [p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p in ("str", "float", "int")))]
        path = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            allowed = projection_keys([str(p) for p in loc])
            hint = did_you_mean(key, allowed)
            item = (path, f"unknown key '{key}'")
            if item not in seen:
                seen.add(item)
                problems.add(where(path), f"unknown key '{key}' in projection", "one of " + ", ".join(allowed),
                             f"{hint}remove or rename the key")
            continue
        item = (path.split(".")[0], err["msg"])
        if item in seen:
            continue
        seen.add(item)
        if err["type"] == ENTRY_ERROR:  # each entry's own expectation and fix (2 for 2 %: write 0.02), at its line
            for ctx in err["ctx"].get("entries", [err["ctx"]]):
                problems.add(where(f"{path}.{ctx['entry']}" if ctx["entry"] else path), ctx["problem"],
                             ctx["expected"], ctx["fix"])
            continue
        field = ProjectionSettings.model_fields.get(str(loc[0])) if loc else None
        problems.add(where(path), err["msg"].replace("Value error, ", ""),
                     field.description if field is not None and field.description else "see docs/projection.md",
                     "correct the value (see docs/projection.md)")
    return problems.problems


def _validate(data: dict[str, Any], where, as_meant: bool) -> tuple[ProjectionSettings, list[Problem]]:
    """The composed block validated; ``as_meant``: with the keys that have problems left out, and the problems
    (for a check that reports them with its own), else a located error."""
    try:
        return ProjectionSettings.model_validate(data, context={COMPOSED: True}), []
    except ValidationError as exc:
        problems = _problems(exc.errors(), where)
        faulty = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
    if as_meant:
        try:
            meant = {key: value for key, value in data.items() if key not in faulty}
            return ProjectionSettings.model_validate(meant, context={COMPOSED: True}), problems
        except ValidationError:
            pass
    raise InputError(problems)


def resolve(chain: list[ScenarioSource] | tuple[ScenarioSource, ...], as_meant: bool = False
            ) -> ResolvedProjection | None:
    """Merge the chain's ``projection:`` blocks (root first); None when no file has one. ``projection: null``
    lifts the blocks before it (a child that runs the allocation on its own data without the parent's
    projection, as ``capacity.<service>: null`` lifts a parent's places). ``as_meant``: a block with problems
    gives its settings without the faulty keys and the problems, for ``check_projection`` to report with its
    own; otherwise they are a located error."""
    lifted = [i for i, src in enumerate(chain)
              if isinstance(src.doc.data, dict) and "projection" in src.doc.data and src.doc.data["projection"] is None]
    chain = chain[lifted[-1] + 1:] if lifted else chain  # the blocks after the last null are the projection's
    merged: dict[str, Any] | None = None
    set_by: dict[str, ScenarioSource] = {}
    for src in chain:
        block = src.doc.data.get("projection") if isinstance(src.doc.data, dict) else None
        if block is None:
            continue
        if not isinstance(block, dict):
            raise InputError.at(src.doc.location("projection"), "'projection' is not a mapping",
                                "'projection:' followed by indented settings", "see docs/projection.md")
        merged = merge(merged or {}, block)
        for key in block:
            set_by[key] = src
    if merged is None:
        return None

    def where(path: str) -> Location:
        return source_of(chain, set_by, path).doc.location(f"projection.{path}" if path else "projection")

    settings, problems = _validate(merged, where, as_meant)
    return ResolvedProjection(settings, set_by, tuple(chain), tuple(problems))
