"""The scenario file schema (pydantic): deltas over a base, validated as a whole.

docs/scenario.schema.json is generated from :class:`ScenarioFile`; a test fails when they drift.

Period grammar of a parameter override:
- no ``from``/``until``: the whole horizon from 1 January of the base year (in base-year prices);
- ``from: D``: from date D onwards;
- ``from: A`` and ``until: B``: between A and B inclusive (outside it the base value holds).
An override value is expressed in prices of its start year and indexed from there by the
parameter's declared index, unless ``indexed: false``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from resmodel.allocation.working_time import HOLIDAY_YEARS
from resmodel.errors import percent_text_fraction
from resmodel.scenario.projection import Number, ProjectionSettings


def _percent_as_text(value):
    """A value written with a percent sign ('4%', '7,4 %'), which YAML reads as text: refused with the fraction to
    write, not only 'unable to parse string as a number' (economist walkthrough)."""
    fraction = percent_text_fraction(value)
    if fraction is not None:
        raise PydanticCustomError("percent_as_text", "'{text}' is a percentage written as text: write {fraction}",
                                  {"text": value.strip(), "fraction": fraction})
    return value




class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class ParameterChange(Strict):
    """A replacement value for one parameter over a period."""

    value: Number | dict[int, Number] = Field(description="new value; a mapping of levels 1–8 for level tables")
    from_: dt.date | None = Field(None, alias="from", description="first date the value applies (default: always)")
    until: dt.date | None = Field(None, description="last date the value applies (default: onwards)")
    indexed: bool = Field(True, description="index the value by the parameter's declared index from its start year")
    reason: str | None = Field(None, description="why the value changes (shown in explain)")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("value", mode="before")
    @classmethod
    def _not_percent_text(cls, value):
        return _percent_as_text(value)

    @model_validator(mode="after")
    def _ordered(self) -> ParameterChange:
        if self.from_ and self.until and self.until < self.from_:
            raise ValueError(f"period is inverted: until {self.until} is before from {self.from_} — swap from and "
                             "until")
        return self


#: a name that can be a folder and file name on Windows, macOS and Linux: no separators or reserved signs,
#: no control characters, no space at either end ('FSN 2026 (förslag)' is fine); '.' and '..' are refused
#: by ScenarioFile._not_a_dot_name (the pattern language has no lookahead)
_SAFE = r'[^/\\:*?"<>|\x00-\x1f]'
FOLDER_NAME = rf"^[^\s/\\:*?\"<>|\x00-\x1f](?:{_SAFE}*[^\s/\\:*?\"<>|\x00-\x1f])?$"


class ScenarioFile(Strict):
    """One scenario file: what it is for, what it extends, the data it uses, and its changes."""

    name: str = Field(description="short name used in output folders and reports; it becomes a folder and file "
                      "name, so none of / \\ : * ? \" < > |, no space at either end, not '.' or '..'",
                      pattern=FOLDER_NAME, max_length=100)
    purpose: str = Field(description="one line saying what question the scenario answers")
    extends: str | None = Field(None, description="path of the scenario this one modifies (relative to this file)")
    data: str | None = Field(None, description="folder with the municipality's tables (relative to this file)")
    parameters_dir: str | None = Field(None, description="folder of local parameters (default: <data>/parameters)")
    base_date: dt.date | None = Field(None, description="date of the parameter snapshot for the base-year run")
    seed: int | None = Field(None, ge=0, le=2**32 - 1, strict=True,
                             description="random seed for everything stochastic, 0 to 2³²−1 (as --seed)")
    allocation_key: Literal["derived", "tariff"] | None = Field(
        None, description="derived: prices from the cost parameters; tariff: a level price list (housing)")
    tariff: str | None = Field(None, description="tariff CSV used when allocation_key is 'tariff'")
    strict: bool | None = Field(None, description="treat data-quality warnings as errors")
    parameters: dict[str, Number | dict[int, Number] | list[ParameterChange]] = Field(
        default_factory=dict,
        description="parameter path → value (whole horizon) or list of dated changes",
    )
    projection: ProjectionSettings | None = Field(
        None, description="multi-year budget projection settings (docs/projection.md); merged key by key over 'extends'")

    @field_validator("base_date")
    @classmethod
    def _base_date_with_holidays(cls, value: dt.date | None) -> dt.date | None:
        """A base date in a year whose Swedish public holidays are known: its working time counts them."""
        first, last = HOLIDAY_YEARS
        if value is not None and not first <= value.year <= last:
            raise ValueError(f"base date {value} is outside {first}–{last}, the years whose Swedish public holidays "
                             f"resmodel knows (they set the year's working time): write a base date in {first}–{last}")
        return value

    @field_validator("name")
    @classmethod
    def _not_a_dot_name(cls, value: str) -> str:
        if value.strip(".") == "":
            raise PydanticCustomError("string_pattern_mismatch", "'.' and '..' name folders already")
        return value


class EffectiveScenario(BaseModel):
    """The scenario after its `extends` chain is resolved (root first, later files win)."""

    model_config = ConfigDict(frozen=True)

    name: str
    purpose: str
    chain: tuple[str, ...]
    data: str
    parameters_dir: str
    base_date: dt.date
    seed: int
    allocation_key: Literal["derived", "tariff"]
    tariff: str | None
    strict: bool
    content_hash: str
