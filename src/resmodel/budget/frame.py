"""The council's frame (*kommunbidrag*) as a configurable allocation model, and budget deviation.

frame(area, year) = base × index                                   (the base frame, uppräkning)
                  + base × index × ((1 + g)^active years − 1)        (demographic supplement)
                  + Σ amount per user × index × (volume − reference) (volume compensation, per service)
                  + Σ expansion money × index                        (new housing, from its year)
                  + Σ supplementary budgets                          (one-off, nominal)

From 2025 Malmö's council compensates volume changes in daily activity, housing support and
special housing, not personal assistance (F0042); before that a demographic
supplement applied. Budget deviation = frame − net cost (negative = overspend, as in F0116–F0121)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from resmodel.budget.areas import AREA_KEYS, area_of, check_area, suggest
from resmodel.budget.indices import growth_path
from resmodel.budget.periods import Span, check_spans
from resmodel.errors import InputError, Location, ProblemCollector, percentage_fix
from resmodel.limits import MAX_TABLE_NUMBER
from resmodel.scenario.projection import BOOLEAN_FIX, YAML_BOOLEAN, Number, Whole, boolean_problem


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # .inf would reach the outputs


class NoIndexation(_Model):
    """The frame stays at base-year prices (the 'no indexation' scenario)."""

    kind: Literal["none"] = "none"


class FixedIndexation(_Model):
    """The council's own annual uppräkning (a decided rate, not the actual cost development)."""

    kind: Literal["fixed"]
    growth: Number | dict[int, Number]
    extension: Number | None = None  # declared rate for years beyond the given ones (flagged)

    @model_validator(mode="after")
    def _rates(self) -> FixedIndexation:
        rates = [self.growth] if isinstance(self.growth, float | int) else list(self.growth.values())
        if any(not -0.5 < r < 0.5 for r in rates):
            raise ValueError("annual frame growth must be a fraction between −0.5 and 0.5 (3 % → 0.03)")
        return self


class CostWeightedIndexation(_Model):
    """The frame follows the actual wage and price indices with these weights (full compensation)."""

    kind: Literal["cost_weighted"]
    wage_weight: Number = Field(ge=0.0, le=1.0)
    price_weight: Number = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _weights(self) -> CostWeightedIndexation:
        if abs(self.wage_weight + self.price_weight - 1.0) > 1e-9:
            raise ValueError("wage_weight + price_weight must be 1")
        return self


Indexation = Annotated[NoIndexation | FixedIndexation | CostWeightedIndexation, Field(discriminator="kind")]


class DemographicRule(_Model):
    """Demographic supplement: the area's base grows with its target population."""

    area: str
    growth: Number = Field(gt=-0.5, lt=0.5)
    from_year: Whole | None = None
    to_year: Whole | None = None
    reference: str = ""


class VolumeRule(_Model):
    """Volume compensation: the frame moves by an amount per user with the service's volume."""

    service: str
    amount_per_user: Number = Field(ge=0.0, le=MAX_TABLE_NUMBER)   # SEK per user-year, base-year prices
    reference_volume: Number | None = Field(default=None, ge=0.0, le=MAX_TABLE_NUMBER)  # None = base-year volume
    from_year: Whole = 2025                       # F0042
    to_year: Whole | None = None
    basis: Literal["same_year", "previous_year"] = "same_year"
    reference: str = ""


class ExpansionItem(_Model):
    """Expansion money (e.g. *LSS-utbyggnad*, F0166) from a year on (recurring) or for one year."""

    area: str
    year: Whole
    amount: Number = Field(ge=0.0, le=MAX_TABLE_NUMBER)  # SEK per year, base-year prices
    recurring: bool = True
    description: str = ""
    reference: str = ""


class Supplement(_Model):
    """A supplementary budget (*tilläggsbudget*) for one year, nominal SEK (F0134–F0137)."""

    area: str
    year: Whole
    amount: Number = Field(ge=-MAX_TABLE_NUMBER, le=MAX_TABLE_NUMBER)
    description: str = ""
    reference: str = ""


class FrameConfig(_Model):
    """The council's allocation model for one board: base frame per report area plus rules."""

    base_year: Whole
    base: dict[str, Number]                        # report area → SEK, base year
    indexation: Indexation = NoIndexation()
    demographic: list[DemographicRule] = []
    volume_compensation: list[VolumeRule] = []
    expansion: list[ExpansionItem] = []
    supplements: list[Supplement] = []
    reference: str = ""


FRAME_COMPONENTS = ("frame_base", "frame_demographic", "frame_volume", "frame_expansion", "frame_supplement")

#: the model of each list item or indexation kind, by the key (or pydantic's kind tag) that leads to it
_MODEL_AT = {"indexation": None, "none": NoIndexation, "fixed": FixedIndexation, "cost_weighted": CostWeightedIndexation,
             "demographic": DemographicRule, "volume_compensation": VolumeRule, "expansion": ExpansionItem,
             "supplements": Supplement}


#: words a budget office may use for a key, and the key (difflib would not find them)
_SYNONYMS = {"rate": "growth", "growth_rate": "growth", "uppräkning": "growth", "weight": "wage_weight"}
#: what a missing key holds, for its message
_FIELD_SHAPES = {"growth": "the yearly rate as a fraction, 0.025 for 2.5 %, or year → fraction",
                 "kind": "none, fixed or cost_weighted", "base": "report area → SEK in the base year",
                 "base_year": "the year of the base amounts", "wage_weight": "a share 0–1, with price_weight summing to 1",
                 "price_weight": "a share 0–1, with wage_weight summing to 1"}


def _keys_at(loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed in the mapping that holds the key at ``loc`` (an indexation's kind, a rule, the frame)."""
    model: type[_Model] | None = FrameConfig
    for part in loc[:-1]:
        if isinstance(part, str) and part in _MODEL_AT:
            model = _MODEL_AT[part]
    if model is None:  # an indexation whose kind is not known yet
        return sorted({"kind", *FixedIndexation.model_fields, *CostWeightedIndexation.model_fields})
    return list(model.model_fields)


#: a union member's tag pydantic puts in an error's location ('float', 'dict[int,float]'): not a key of the file
_TYPE_TAG = re.compile(r"^(float|int|str|bool|[a-z_-]+\[.*\])$")


def _comma_fix(err: Mapping[str, Any]) -> str | None:
    """A number written with a decimal comma or spaces between thousands ('0,025', '1 000 000'): the value to write."""
    value = err.get("input")
    if isinstance(value, str) and re.fullmatch(r"-?[\d\s]+(,\d+)?", value.strip()) and any(c in value for c in ", "):
        return f"write {value.strip().replace(' ', '').replace(',', '.')} (a decimal point, no spaces)"
    return None


def _path(prefix: str, loc: tuple[Any, ...]) -> str:
    out, mapping = prefix, False
    for part in loc:
        if isinstance(part, int) and not mapping and part < 1900:  # a list's index; a year is a mapping's key
            out += f"[{part}]"
        elif part in ("none", "fixed", "cost_weighted") or _TYPE_TAG.match(str(part)):
            mapping = str(part).startswith("dict[")  # the next part is a key of that mapping (a year), no index
        else:
            out += f".{part}" if out else str(part)
            mapping = False
    return out


def load_frame(data: Mapping[str, Any], file: str | None = None, prefix: str = "frame",
               line_of: Callable[[str], int | None] | None = None,
               service_areas: Mapping[str, str] | None = None,
               word_of: Callable[[str], str | None] | None = None) -> FrameConfig:
    """Validate a frame configuration (a YAML/JSON mapping); every problem is located and reported. ``word_of``:
    the word a boolean at a key was written as ('yes'), for its message."""

    def key_of(path: str) -> str:
        return path[len(prefix) + 1:] if path.startswith(prefix + ".") else path

    def where(path: str) -> Location:
        return Location(file=file, line=line_of(key_of(path)) if line_of else None, path=path)

    try:
        config = FrameConfig.model_validate(dict(data))
    except ValidationError as exc:
        problems = ProblemCollector()
        errors = sorted(exc.errors(), key=lambda e: -len(_path(prefix, e["loc"])))  # a union's deepest miss first
        seen: set[str] = set()
        for err in errors:
            path = _path(prefix, err["loc"])
            if any(s == path or s.startswith(path + ".") for s in seen):
                continue  # the same value missed by another member of a union: one problem, the deepest
            seen.add(path)
            keys = _keys_at(err["loc"])
            if err["type"] == "extra_forbidden":
                key = str(err["loc"][-1])
                hint = (f"did you mean '{_SYNONYMS[key]}'?" if _SYNONYMS.get(key) in keys else suggest(key, keys))
                problems.add(where(path), f"unknown key '{key}'", "one of " + ", ".join(keys) + " here",
                             f"remove or rename the key ({hint}); misspelt keys are never ignored")
            elif err["type"] == "missing":
                name = str(err["loc"][-1])
                shape = f" ({_FIELD_SHAPES[name]})" if name in _FIELD_SHAPES else ""
                problems.add(where(path), f"'{name}' is missing", f"'{name}'{shape} among the keys "
                             + ", ".join(keys) + " (docs/budget.md §2)", f"add '{name}:'")
            elif err["type"] == YAML_BOOLEAN:  # 'yes' for 1: named as written, never read as 1 or 0
                word = word_of(key_of(path)) if word_of else None
                problems.add(where(path), boolean_problem(err["ctx"]["value"], word), "a number (docs/budget.md §2)",
                             BOOLEAN_FIX)
            elif err["type"] == "union_tag_invalid":  # an unknown kind of indexation
                tags = [t.strip(" '") for t in str(err["ctx"]["expected_tags"]).split(",")]
                tag = str(err["ctx"]["tag"])
                problems.add(where(f"{path}.kind"), f"unknown kind '{tag}'", "one of " + ", ".join(tags),
                             f"correct the kind ({suggest(tag, tags)})")
            else:
                problems.add(where(path), err["msg"], "a valid value (see docs/budget.md, frame config)",
                             percentage_fix(err) or _comma_fix(err) or "correct the value")
        problems.raise_if_any()
        raise  # pragma: no cover  (raise_if_any always raises here)
    check_frame(config, file, prefix, where, service_areas)
    return config


def check_frame(config: FrameConfig, file: str | None = None, prefix: str = "frame",
                where: Callable[[str], Location] | None = None,
                service_areas: Mapping[str, str] | None = None) -> None:
    """Semantic checks: every area has a base frame, keys exist, periods neither inverted nor overlapping."""
    where = where or (lambda path: Location(file=file, path=path))
    problems = ProblemCollector()
    missing = [a for a in AREA_KEYS if a not in config.base]
    if missing:
        problems.add(where(f"{prefix}.base"), f"the frame does not cover the area(s) {', '.join(missing)}",
                     "a base frame for each of the six report areas: " + ", ".join(AREA_KEYS),
                     "add the missing areas (0 if the council gives nothing for an area)")
    for area, amount in config.base.items():
        if area not in AREA_KEYS:
            problems.add(where(f"{prefix}.base.{area}"), f"unknown report area '{area}'",
                         "one of " + ", ".join(AREA_KEYS), f"use a report area key ({suggest(area, AREA_KEYS)})")
        elif not np.isfinite(amount) or not 0 <= amount <= MAX_TABLE_NUMBER:
            problems.add(where(f"{prefix}.base.{area}"), f"base frame {amount!r}",
                         f"an amount ≥ 0 in SEK, below {MAX_TABLE_NUMBER:.0e}", "correct the amount")
    for group in ("demographic", "expansion", "supplements"):
        for i, item in enumerate(getattr(config, group)):
            try:
                check_area(item.area, where(f"{prefix}.{group}[{i}].area"))
            except InputError as exc:
                problems.problems.extend(exc.problems)
    for i, rule in enumerate(config.volume_compensation):
        try:
            area_of(rule.service, service_areas, where(f"{prefix}.volume_compensation[{i}].service"))
        except InputError as exc:
            problems.problems.extend(exc.problems)
    for group in ("expansion", "supplements"):
        for i, item in enumerate(getattr(config, group)):
            if item.year < config.base_year:
                problems.add(where(f"{prefix}.{group}[{i}].year"), f"year {item.year} is before the base year "
                             f"{config.base_year}", f"a year ≥ {config.base_year}", "correct the year")
    spans = [Span(r.from_year or config.base_year, r.to_year, f"demographic:{r.area}",
                  where(f"{prefix}.demographic[{i}]")) for i, r in enumerate(config.demographic)]
    spans += [Span(r.from_year, r.to_year, f"volume_compensation:{r.service}",
                   where(f"{prefix}.volume_compensation[{i}]")) for i, r in enumerate(config.volume_compensation)]
    try:  # reported with the unknown areas and services above, not in a second run
        check_spans(spans)
    except InputError as exc:
        problems.problems.extend(exc.problems)
    problems.raise_if_any()


# ----------------------------------------------------------------------------- computation


@dataclass(frozen=True)
class FrameSetup:
    """A frame config resolved against a projection: services in rules mapped to volume columns."""

    config: FrameConfig
    years: np.ndarray                  # horizon years
    fixed_growth: np.ndarray | None    # (Yi,) for fixed indexation over base_year+1 … end
    rule_service: tuple[int, ...]      # volume column of each volume rule
    rule_area: tuple[int, ...]         # report-area position of each volume rule
    rule_reference: tuple[float, ...]  # reference volume of each volume rule
    notes: tuple[str, ...]


def check_compensated_services(config: FrameConfig, services: Collection[str], file: str | None = None,
                               line_of: Callable[[str], int | None] | None = None) -> None:
    """Every volume-compensation rule must name a projected service (one with a volume path)."""
    for i, rule in enumerate(config.volume_compensation):
        if rule.service not in services:
            key = f"volume_compensation[{i}].service"
            raise InputError.at(Location(file=file, line=line_of(key) if line_of else None, path=f"frame.{key}"),
                                f"volume compensation for '{rule.service}', which has no volume path",
                                "a service present in the projection (users in users.csv, a row in "
                                "other_services.csv or a volume history)", "add its volumes or remove the rule")


def check_base_year(config: FrameConfig, base_year: int, file: str | None = None,
                    line_of: Callable[[str], int | None] | None = None) -> None:
    """The frame's base year is the cost base year (the base frame is in that year's prices); a frame the council
    decided for a later budget year is told the two ways to enter it (economist walk: 'express the base frame in the
    same year's prices' left the conversion to be guessed)."""
    if config.base_year == base_year:
        return
    later = config.base_year > base_year
    steps = ", ".join(f"{year}: …" for year in range(base_year + 1, config.base_year + 1))
    fix = (f"enter the frame of {base_year} as base (the council's frame for that year) and reach "
           f"{config.base_year} by indexation: {{kind: fixed, growth: {{{steps}}}}} at the council's "
           f"uppräkning; or divide each {config.base_year} amount by the frame index of {config.base_year}, which "
           f"'resmodel explain <scenario> --year {config.base_year} --area <area>' prints for the scenario you "
           f"extend (its frame has base_year {base_year}), and write base_year: "
           f"{base_year} (docs/budget.md §2, \"A frame decided for a later year\")") if later else (
           f"give the frame of {base_year}, the year the unit costs are priced in, and write base_year: {base_year}")
    raise InputError.at(Location(file=file, line=line_of("base_year") if line_of else None, path="frame.base_year"),
                        f"frame base year {config.base_year} differs from the cost base year {base_year} (the year "
                        "of base_date): the base frame is projected from the cost base year",
                        f"base_year: {base_year}, with the base frame of {base_year}", fix)


def setup_frame(config: FrameConfig, years: np.ndarray, services: tuple[str, ...], areas: tuple[str, ...],
                base_volumes: Mapping[str, float], file: str | None = None) -> FrameSetup:
    """Resolve the config for a horizon and a projection's services (located errors)."""
    notes = []
    fixed = None
    end = int(years[-1])
    if isinstance(config.indexation, FixedIndexation):
        path = growth_path(config.indexation.growth, np.arange(config.base_year + 1, end + 1), "frame.indexation",
                           config.indexation.extension, Location(file=file, path="frame.indexation.growth"))
        fixed = path.values
        if path.note():
            notes.append(path.note(declared_in="frame.indexation.extension"))
    if int(years[0]) < config.base_year:
        raise InputError.at(Location(file=file, path="frame.base_year"),
                            f"frame base year {config.base_year} is after the first projected year {int(years[0])}",
                            "a frame base year on or before the horizon start", "correct the base year")
    check_compensated_services(config, services, file)
    idx, refs, area_idx = [], [], []
    for i, rule in enumerate(config.volume_compensation):
        idx.append(services.index(rule.service))
        area_idx.append(AREA_KEYS.index(areas[services.index(rule.service)]))
        ref = rule.reference_volume if rule.reference_volume is not None else base_volumes.get(rule.service)
        if ref is None:
            raise InputError.at(Location(file=file, path=f"frame.volume_compensation[{i}].reference_volume"),
                                f"no reference volume for '{rule.service}'",
                                "the volume the base frame already funds", "give reference_volume")
        refs.append(float(ref))
    return FrameSetup(config, np.asarray(years), fixed, tuple(idx), tuple(area_idx), tuple(refs), tuple(notes))


def frame_growth(s: FrameSetup, wage_growth: np.ndarray, price_growth: np.ndarray) -> np.ndarray:
    """(D, Yi) the frame's yearly growth over base_year+1 … end by its indexation: the weighted wage and price
    growth, the council's fixed rates, or none."""
    c = s.config
    if isinstance(c.indexation, CostWeightedIndexation):
        return c.indexation.wage_weight * wage_growth + c.indexation.price_weight * price_growth
    if isinstance(c.indexation, FixedIndexation):
        return np.broadcast_to(s.fixed_growth, (wage_growth.shape[0], len(s.fixed_growth)))
    return np.zeros(wage_growth.shape)


def frame_index(s: FrameSetup, wage_growth: np.ndarray, price_growth: np.ndarray, index_offset: int) -> np.ndarray:
    """(D, Y) the frame index I_y of the horizon years: 1 in the base year, × (1 + growth) each year after it
    (docs/budget.md §2; `explain --year` prints it)."""
    g = frame_growth(s, wage_growth, price_growth)
    full = np.concatenate([np.ones((g.shape[0], 1)), np.cumprod(1.0 + g, axis=1)], axis=1)
    return full[:, index_offset:index_offset + len(s.years)]


def volume_rule_parts(s: FrameSetup, volumes: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each volume-compensation rule's compensated volume (D, Y) — the year before's with basis previous_year, the
    reference volume before the first year — and its active years (Y,) as booleans."""
    parts = []
    for rule, col, ref in zip(s.config.volume_compensation, s.rule_service, s.rule_reference, strict=True):
        vol = volumes[:, col, :]
        if rule.basis == "previous_year":
            vol = np.concatenate([np.full((vol.shape[0], 1), ref), vol[:, :-1]], axis=1)
        parts.append((vol, (s.years >= rule.from_year) & (s.years <= (rule.to_year or 10**6))))
    return parts


def frame_arrays(s: FrameSetup, volumes: np.ndarray, wage_growth: np.ndarray, price_growth: np.ndarray,
                 index_offset: int) -> dict[str, np.ndarray]:
    """Frame components (D, A, Y) from yearly volumes (D, S, Y) and shocked index growth (D, Yi)
    over base_year+1 … end; ``index_offset`` = first horizon year − base year."""
    c = s.config
    draws, n_y = volumes.shape[0], len(s.years)
    n_a = len(AREA_KEYS)
    index = frame_index(s, wage_growth, price_growth, index_offset)        # (D, Y)
    base = np.array([c.base.get(a, 0.0) for a in AREA_KEYS])               # (A,)
    out = {k: np.zeros((draws, n_a, n_y)) for k in FRAME_COMPONENTS}
    out["frame_base"] = base[None, :, None] * index[:, None, :]
    years = s.years
    for rule in c.demographic:
        a = AREA_KEYS.index(rule.area)
        first, last = rule.from_year or c.base_year + 1, rule.to_year or 10**6
        active = np.array([sum(1 for t in range(c.base_year + 1, int(y) + 1) if first <= t <= last) for y in years])
        out["frame_demographic"][:, a, :] += base[a] * index * ((1.0 + rule.growth) ** active - 1.0)[None, :]
    for rule, a, ref, (vol, active) in zip(c.volume_compensation, s.rule_area, s.rule_reference,
                                           volume_rule_parts(s, volumes), strict=True):
        out["frame_volume"][:, a, :] += rule.amount_per_user * index * (vol - ref) * active[None, :]
    for item in c.expansion:
        a = AREA_KEYS.index(item.area)
        on = (years >= item.year) if item.recurring else (years == item.year)
        out["frame_expansion"][:, a, :] += item.amount * index * on[None, :]
    for item in c.supplements:
        a = AREA_KEYS.index(item.area)
        out["frame_supplement"][:, a, :] += item.amount * (years == item.year)[None, :]
    out["frame"] = sum(out[k] for k in FRAME_COMPONENTS)
    return out
