"""Reading scenario files: the `extends` chain, whole-file validation, overrides and content hash.

Every file of the chain is validated completely (schema, parameter paths with near-miss
suggestions, value shapes, overlapping or inverted periods) before anything is applied."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from resmodel.errors import InputError, Location, Problem, ProblemCollector, did_you_mean
from resmodel.io.yamlio import LocatedDocument, read_yaml
from resmodel.params.tree import LEVELS, Override, ParameterTree
from resmodel.scenario.schema import EffectiveScenario, ParameterChange, ScenarioFile

MAX_CHAIN = 20


@dataclass(frozen=True)
class ScenarioSource:
    """One parsed file of a scenario chain."""

    path: Path
    display: str
    doc: LocatedDocument
    model: ScenarioFile


def display_path(path: Path) -> str:
    """A path as the user should see it in messages and provenance: relative to the working folder
    when inside it, otherwise absolute (without '..')."""
    absolute = Path(os.path.abspath(path))  # '..' removed, links kept (a linked data folder keeps its name)
    for candidate, cwd in ((absolute, Path.cwd()), (path.resolve(), Path.cwd().resolve())):
        if candidate.is_relative_to(cwd):
            return str(candidate.relative_to(cwd))
    return str(absolute)


def _allowed_keys(loc: list[str]) -> list[str]:
    """The keys allowed where an unknown key was found (top level, a parameter change, or projection)."""
    if len(loc) == 1:
        return sorted(ScenarioFile.model_fields)
    if loc[0] == "projection":
        from resmodel.scenario.projection import ProjectionSettings

        return sorted(f.alias or name for name, f in ProjectionSettings.model_fields.items())
    return ["value", "from", "until", "indexed", "reason"]


def _validate(doc: LocatedDocument) -> ScenarioFile:
    if not isinstance(doc.data, dict) or not doc.data:
        raise InputError.at(Location(file=doc.file, line=1), "the scenario file is empty or not a mapping",
                            "'key: value' lines: name, purpose, and extends or data, base_date, seed",
                            "start from an existing scenario, e.g. scenarios/base.yaml")
    try:
        return ScenarioFile.model_validate(doc.data)
    except ValidationError as exc:
        problems = ProblemCollector()
        for err in exc.errors():
            loc = _input_path(doc.data, err["loc"])
            if loc is None:  # the error of a union branch that does not fit the shape of the input
                continue
            path = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(loc))
            loc = [str(p) for p in loc]
            kind = err["type"]
            if kind == "extra_forbidden":
                key = loc[-1] if loc else "?"
                allowed = _allowed_keys(loc)
                hint = did_you_mean(key, allowed)
                problems.add(doc.location(path), f"unknown key '{key}'", "one of " + ", ".join(allowed),
                             f"{hint}remove or rename the key (unknown keys are never ignored)")
            elif kind == "missing":
                problems.add(doc.location(path), f"required key '{loc[-1]}' is missing",
                             f"'{loc[-1]}:' ({ScenarioFile.model_fields[loc[-1]].description})" if loc[-1] in ScenarioFile.model_fields
                             else f"a '{loc[-1]}' entry", f"add '{loc[-1]}:'")
            else:
                problems.add(doc.location(path), err["msg"].replace("Value error, ", ""),
                             _expected_for(path), "correct the value (see docs/scenarios.md)")
        # a union failure reports once per branch; keep one message per location
        seen, unique = set(), []
        for p in problems.problems:
            key = (str(p.location), p.problem)
            if key not in seen:
                seen.add(key)
                unique.append(p)
        problems.problems = unique or [Problem(doc.location(""), exc.errors()[0]["msg"], "a scenario file as "
                                               "described in docs/scenarios.md", "correct the file")]
        problems.raise_if_any()
        raise


def _input_path(data: Any, loc: tuple) -> list[str | int] | None:
    """The key path of a pydantic error in the input, without union branch tags ('float',
    'dict[int,float]', 'list[...]'); None if the error belongs to a branch that does not fit the
    input's shape (a list is a list of changes, a mapping a level table, anything else a number)."""
    path: list[str | int] = []
    value = data
    for part in loc:
        if isinstance(part, str) and part.startswith(("function-", "union[")):
            continue
        if isinstance(part, str) and ("[" in part or part in ("float", "int", "str", "bool", "date")):
            shape = "list" if isinstance(value, list) else "dict" if isinstance(value, dict) else "scalar"
            branch = part.split("[")[0]
            if (branch if branch in ("list", "dict") else "scalar") != shape:
                return None
            continue
        path.append(part)
        if isinstance(value, dict):
            value = value.get(str(part))
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            value = None
    return path


def _expected_for(path: str) -> str:
    if path == "parameters":
        return "a mapping of parameter paths to new values"
    if path.startswith("parameters"):
        return "a number, a level mapping 1–8, or a list of {value, from, until} changes with from ≤ until"
    return "a value of the documented type (see docs/scenarios.md)"


def read_chain(path: Path) -> list[ScenarioSource]:
    """The scenario and its ancestors, root first; cycles and missing parents are located errors."""
    chain: list[ScenarioSource] = []
    seen: set[Path] = set()
    current, referrer = path, None
    while current is not None:
        resolved = current.resolve()
        if resolved in seen:
            raise InputError.at(referrer or Location(file=display_path(current)), "scenario 'extends' forms a cycle",
                                "a chain of scenarios ending at one without 'extends'", "remove the circular 'extends'")
        if len(chain) >= MAX_CHAIN:
            raise InputError.at(Location(file=display_path(current)), "scenario chain is too long",
                                f"at most {MAX_CHAIN} levels of 'extends'", "shorten the chain")
        seen.add(resolved)
        display = display_path(current)
        if current.is_dir():
            raise InputError.at(referrer or Location(file=display), f"'{display}' is a folder, not a scenario file",
                                "a scenario YAML file", "name the .yaml file inside it (e.g. scenarios/base.yaml)")
        if not current.is_file():
            raise InputError.at(referrer or Location(file=display), f"scenario file '{display}' not found",
                                "an existing scenario YAML file", "check the path (relative to the extending file)"
                                if referrer else "check the path (relative to the current folder)")
        doc = read_yaml(current, display)
        model = _validate(doc)
        chain.append(ScenarioSource(current, display, doc, model))
        if model.extends:
            referrer = doc.location("extends")
            current = current.parent / model.extends
        else:
            current = None
    return list(reversed(chain))


def content_hash(chain: list[ScenarioSource]) -> str:
    """sha256 of the chain's parsed content (not its absolute paths), stable across machines."""
    payload = [json.loads(json.dumps(src.doc.data, sort_keys=True, default=str)) for src in chain]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def effective(chain: list[ScenarioSource]) -> EffectiveScenario:
    """Merge the chain's top-level settings (later files win); paths resolve against their own file."""
    values: dict[str, Any] = {"data": None, "parameters_dir": None, "base_date": None, "seed": None,
                              "allocation_key": "derived", "tariff": None, "strict": False}
    set_by: dict[str, ScenarioSource] = {}
    for src in chain:
        for key in values:
            value = getattr(src.model, key)
            if value is None:
                continue
            if key in ("data", "parameters_dir", "tariff"):
                value = str(src.path.parent / value)
            values[key] = value
            set_by[key] = src
    last = chain[-1]
    missing = [k for k in ("data", "base_date", "seed") if values[k] is None]
    if missing:
        raise InputError.at(Location(file=last.display, line=1), "the scenario chain sets no " + ", ".join(missing),
                            "data, base_date and seed set in the scenario or a scenario it extends",
                            "add them to the root scenario (e.g. scenarios/base.yaml)")
    if not Path(values["data"]).is_dir():
        src = set_by["data"]
        raise InputError.at(src.doc.location("data"), f"data folder '{src.model.data}' not found",
                            "a folder with premises, units, users and staff tables",
                            "check the 'data:' path (it is relative to the scenario file that sets it)")
    if values["parameters_dir"] is not None and not Path(values["parameters_dir"]).is_dir():
        src = set_by["parameters_dir"]
        raise InputError.at(src.doc.location("parameters_dir"), f"parameter folder '{src.model.parameters_dir}' not found",
                            "a folder of YAML parameter files",
                            "check the 'parameters_dir:' path (relative to the scenario file), or remove it to use <data>/parameters")
    if values["allocation_key"] == "tariff" and not values["tariff"]:
        raise InputError.at(last.doc.location("allocation_key"), "allocation_key is 'tariff' but no tariff file is set",
                            "'tariff: <path to a tariff CSV>'", "add the tariff path or use allocation_key: derived")
    if values["parameters_dir"] is None:
        values["parameters_dir"] = str(Path(values["data"]) / "parameters")
    return EffectiveScenario(name=last.model.name, purpose=last.model.purpose,
                             chain=tuple(src.display for src in chain), content_hash=content_hash(chain), **values)


def overrides(chain: list[ScenarioSource], tree: ParameterTree, base_date: dt.date) -> list[Override]:
    """Turn every file's parameter changes into overrides, after validating their paths, shapes and
    periods (their values' ranges and role-mix sums are checked together by ``with_overrides``). A change
    without ``from`` holds from 1 January of the base year, in base-year prices: indexed from the base
    year, not from a year the index has no data for (and an index leaf's rate applies to that year)."""
    problems = ProblemCollector()
    result: list[Override] = []
    for src in chain:
        for path, spec in src.model.parameters.items():
            key_path = f"parameters.{path}"
            loc = src.doc.location(key_path)
            if path not in tree.parameters:
                problems.add(loc, f"unknown parameter '{path}'", "the path of a parameter in the tree "
                             "(see `resmodel params`)", did_you_mean(path, tree.parameters).strip()
                             or "check the spelling against docs/parameters.md")
                continue
            changes = spec if isinstance(spec, list) else [ParameterChange(value=spec)]
            param = tree.parameters[path]
            periods = []
            for i, change in enumerate(changes):
                cloc = src.doc.location(f"{key_path}[{i}]") if isinstance(spec, list) else loc
                value = change.value
                if param.kind == "levels":
                    if not isinstance(value, dict) or sorted(value) != list(LEVELS):
                        problems.add(cloc, f"'{path}' is a level table but the new value is not a complete table",
                                     "a mapping with exactly the levels 1–8", "give a value for every level 1–8")
                        continue
                    value = tuple(float(value[lvl]) for lvl in LEVELS)
                elif isinstance(value, dict):
                    problems.add(cloc, f"'{path}' is a single number but the new value is a mapping",
                                 "a number", "give one number")
                    continue
                start = change.from_ or dt.date(base_date.year, 1, 1)
                end = change.until
                for other_start, other_end, other_i in periods:
                    if start <= (other_end or dt.date.max) and other_start <= (end or dt.date.max):
                        problems.add(cloc, f"the period of change {i + 1} for '{path}' overlaps change {other_i + 1}",
                                     "non-overlapping periods for one parameter in one file",
                                     "adjust 'from'/'until' so the periods do not overlap")
                periods.append((start, end, i))
                result.append(Override(path, value, start, end, change.indexed, cloc))
    problems.raise_if_any()
    return result
