"""Reading scenario files: the `extends` chain, whole-file validation, overrides and content hash.

Every file of the chain is validated completely (schema, parameter paths with near-miss
suggestions, value shapes, ranges, overlapping or inverted periods) before anything is applied, and
the problems of all of them are reported together: a file with a problem is read on as meant where
the rest does not depend on the problem (docs/scenarios.md promises one report, not one run per slip)."""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import yaml
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from resmodel.errors import (
    InputError,
    Location,
    PersonalDataError,
    Problem,
    ProblemCollector,
    ResmodelError,
    did_you_mean,
    percentage_fix,
    shown,
)
from resmodel.io.parameters import RETIRED, load_parameters
from resmodel.io.pnr import looks_like_pnr
from resmodel.io.yamlio import LocatedDocument, read_yaml
from resmodel.params.ranges import floor_of
from resmodel.params.tree import LEVELS, Override, ParameterTree, value_problems
from resmodel.scenario.projection import (
    BOOLEAN_FIX,
    NESTED,
    YAML_BOOLEAN,
    ProjectionSettings,
    boolean_problem,
)
from resmodel.scenario.schema import EffectiveScenario, ParameterChange, ScenarioFile

MAX_CHAIN = 20
#: the keys that following the chain and checking parameter changes read: a file with a problem in one of
#: them is not read further
READ_BY_THE_REST = ("extends", "data", "parameters_dir", "base_date")


@dataclass(frozen=True)
class ScenarioSource:
    """One parsed file of a scenario chain."""

    path: Path
    display: str
    doc: LocatedDocument
    model: ScenarioFile


def path_kind(path: Path) -> str:
    """'dir', 'file', 'missing', or why the path cannot be looked at (a name too long for the file system):
    so that checking a path a user wrote gives a located answer, never an OSError."""
    try:
        return "dir" if path.is_dir() else "file" if path.is_file() else "missing"
    except OSError as exc:
        return f"unusable: {exc.strerror or type(exc).__name__}"


def display_path(path: Path) -> str:
    """A path as the user should see it in messages and provenance: relative to the working folder
    when inside it, otherwise absolute (without '..'); a folder or file named like a personal identity number is not shown
    (privacy audit: /tmp/19121212-1212/data/… reached the workbook's Varningar and Parametrar sheets)."""
    absolute = Path(os.path.abspath(path))  # '..' removed, links kept (a linked data folder keeps its name)
    for candidate, cwd in ((absolute, Path.cwd()), (path.resolve(), Path.cwd().resolve())):
        if candidate.is_relative_to(cwd):
            return _without_pnr(candidate.relative_to(cwd))
    return _without_pnr(absolute)


#: what stands for a path's part that looks like a personal identity number
PNR_PART = "(a name like a personal identity number, not shown)"


def _without_pnr(path: Path) -> str:
    """The path as text, each part that looks like a personal identity number replaced by ``PNR_PART``."""
    return str(Path(*(PNR_PART if looks_like_pnr(part) else part for part in path.parts))) if path.parts else str(path)


def _allowed_keys(loc: list[str]) -> list[str]:
    """The keys allowed where an unknown key was found (top level, a parameter change, or projection)."""
    if len(loc) == 1:
        return sorted(ScenarioFile.model_fields)
    if loc[0] == "projection":
        from resmodel.scenario.projection import projection_keys

        return projection_keys(loc[1:])
    return ["value", "from", "until", "indexed", "reason"]


def _validate(doc: LocatedDocument, problems: ProblemCollector) -> tuple[LocatedDocument, ScenarioFile] | None:
    """The file and its schema model, its schema problems added to ``problems``. A file with problems
    is given as read as meant (``_as_meant``), so that the files it extends and its other parameter
    changes are checked in the same run; None when it cannot be (the rest may depend on its problems)."""
    if not isinstance(doc.data, dict) or not doc.data:
        problems.add(Location(file=doc.file, line=1), "the scenario file is empty or not a mapping",
                     "'key: value' lines: name, purpose, and extends or data, base_date, seed",
                     "start from an existing scenario, e.g. scenarios/base.yaml")
        return None
    try:
        return doc, ScenarioFile.model_validate(doc.data)
    except ValidationError as exc:
        errors = exc.errors()
    problems.problems += _schema_problems(doc, errors)
    meant = _as_meant(doc, errors)
    if meant is None:
        return None
    try:
        return meant, ScenarioFile.model_validate(meant.data)
    except ValidationError:
        return None


def _dotted(loc: list[str | int]) -> str:
    """A key path as the located document records it: 'parameters.x[0].from'."""
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(loc))


def _schema_problems(doc: LocatedDocument, errors: list) -> list[Problem]:
    """One located problem per pydantic error: unknown keys with a near-miss suggestion, missing keys,
    wrong values."""
    problems = ProblemCollector()
    unknown = {tuple(str(p) for p in loc) for err in errors if err["type"] == "extra_forbidden"
               and (loc := _input_path(doc.data, err["loc"])) is not None}
    for err in errors:
        loc = _input_path(doc.data, err["loc"])
        if loc is None:  # the error of a union branch that does not fit the shape of the input
            continue
        if err["type"] == "missing" and any(  # 'plases:' is reported as an unknown key with the near miss only
                u[:-1] == tuple(str(p) for p in loc[:-1]) and difflib.get_close_matches(u[-1], [str(loc[-1])],
                                                                                          n=1, cutoff=0.8)
                for u in unknown):
            continue
        path = _dotted(loc)
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
        elif path == "name" and kind in ("string_pattern_mismatch", "string_too_long"):
            problems.add(doc.location(path), f"name '{shown(err.get('input'), 100)}' cannot name an output folder",
                         "a folder name of at most 100 characters: none of / \\ : * ? \" < > |, no space at "
                         "either end, not '.' or '..'", "write e.g. 'min_namnd_2025' or 'FSN 2026 (förslag)'")
        elif kind == "model_type":  # a mapping expected, e.g. capacity.<service>: 1295
            problems.add(doc.location(path), f"'{loc[-1]}' is {shown(err.get('input'), 60)!r}, not a mapping of keys",
                         _expected_for(path), "indent the keys under it (see " + _doc_for(path) + ")")
        else:
            if kind.startswith(("date_", "datetime_")):  # 2025, '1 juli 2024': pydantic's words are of datetimes
                value = err.get("input")
                problems.add(doc.location(path), f"{shown(value, 40)!r} is not a date" if isinstance(value, str)
                             else f"{shown(value, 40)} is not a date",
                             "a date written YYYY-MM-DD, e.g. 2025-01-01",
                             (f"write {value}-12-31 for the end of {value}" if loc and loc[-1] == "until"
                              else f"write {value}-01-01 for the start of {value}") if isinstance(value, int)
                             and 1900 <= value <= 2200 else "write the date as YYYY-MM-DD, e.g. 2024-07-01")
                continue
            if kind == YAML_BOOLEAN:  # 'value: yes' was read as 1: named as the file writes it
                problems.add(doc.location(path), boolean_problem(err["ctx"]["value"], doc.words.get(path)),
                             _expected_for(path), BOOLEAN_FIX)
                continue
            if err.get("input", "") is None:  # 'bostad_vuxna:' with nothing after it
                problems.add(doc.location(path), f"'{loc[-1] if loc else path}' has no value", _expected_for(path),
                             "write the value after the colon, or delete the line")
                continue
            message = err["msg"].replace("Value error, ", "")
            entry = re.match(rf"{re.escape(loc[-1])}\.([A-Za-z0-9_]+): ", message) if loc else None
            if entry:  # a mapping's validator names the entry ('volumes.externa_platser: …'): located at it
                path, message = f"{path}.{entry.group(1)}", message[entry.end():]
            # the validator's own fix ('…: write 0.04', '… — swap from and until'), said once, as the Fix
            said = re.search(r"(?:: | — )((?:write|swap) .+)$", message)
            if said:
                message = message[:said.start()]
            problems.add(doc.location(path), message, _expected_for(path), (said.group(1) if said else None)
                         or _decimal_comma_fix(err.get("input"), path) or _percentage_fix(path, err)
                         or _number_with_words_fix(err.get("input")) or _number_fix(path, err)
                         or f"correct the value (see {_doc_for(path)})")
    # a union failure reports once per branch; keep one message per location
    seen, unique = set(), []
    for p in problems.problems:
        key = (str(p.location), p.problem)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    if unique:
        return unique
    # every error belongs to a union branch whose shape the input does not have (a list where a number,
    # a mapping or a word is meant): name the deepest key the input's shape leads to, not line 1 — a list of
    # changes whose 'value: [0.06]' is a list is located at that value, not at the parameter's key
    loc = max((_branch_path(doc.data, err["loc"])[0] for err in errors), key=len)
    path = _dotted(loc)
    return [Problem(doc.location(path), f"'{path}' has the value {_as_written(_value_at(doc.data, loc))}, of a "
                    "form it cannot take", _expected_for(path), f"correct the value (see {_doc_for(path)})")]


#: the longest value a message shows as written; a longer list or mapping is named by its size
SHOWN_VALUE = 60


def _as_written(value: Any) -> str:
    """A value as a YAML file writes it ('[0.06]', '{1: 0.2}', '2024-01-01'), or a list's or mapping's size when
    that is long: a message showed the parsed Python ("[{'value': [0.06], 'from': datetime.date(2024, 1, 1), …")."""
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10**6)
    text = text.removesuffix("\n...\n").strip()
    if len(text) <= SHOWN_VALUE:
        return text
    if isinstance(value, list):
        return f"a list of {len(value)} entr{'y' if len(value) == 1 else 'ies'}"
    if isinstance(value, dict):
        return f"a mapping of {len(value)} key{'' if len(value) == 1 else 's'}"
    return shown(text, SHOWN_VALUE)


def _doc_for(path: str) -> str:
    """The document describing a key of a scenario file."""
    return "docs/projection.md" if path.startswith("projection") else "docs/scenarios.md"


def _decimal_comma_fix(value: Any, path: str) -> str | None:
    """The fix for a number written with a decimal comma ('0,074'), None for any other value. For a parameter with a
    floor (the PO, salaries) the number is read back against it, as in a parameter file: 'payroll.po_rate: 43,15' was
    told 'write 43.15', which was then refused as above 1 (docs walk)."""
    if not (isinstance(value, str) and re.fullmatch(r"\s*-?\d+,\d+\s*", value)):
        return None
    number = float(value.strip().replace(",", "."))
    floor = floor_of(path.removeprefix("parameters.")) if path.startswith("parameters.") else None
    if floor is not None and floor.high <= 1 and 1 <= number <= 100:  # a share's floor: a percentage typed
        if floor.low <= number / 100:  # a share's range ends at 1; 'high' only bounds a slip's read-back
            return f"a decimal comma and a percentage: write {number / 100:g} (decimal point '.', a share as a fraction)"
        return (f"a decimal comma and a percentage? Read as {number / 100:g}, it is below {floor.low:g}, the least it "
                f"can be ({floor.why}): correct the value, with a decimal point '.'")
    return f"write {number:g} (decimal point '.'; percentages as fractions, e.g. 0.074)"


def _number_with_words_fix(value: Any) -> str | None:
    """The fix for a number written with its unit or a word ('6 platser'), None for any other value."""
    match = re.fullmatch(r"\s*(-?\d+(?:[.,]\d+)?)\s+[^\d\s].*", value) if isinstance(value, str) else None
    return f"write the number alone: {match.group(1).replace(',', '.')} (the unit is the key's)" if match else None


def _value_at(data: Any, loc: list) -> Any:
    """The value at a key path of the parsed file, or the value of a 'value' key in the mapping there."""
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data.get("value") if isinstance(data, dict) else data


def _as_meant(doc: LocatedDocument, errors: list) -> LocatedDocument | None:
    """The file as its author most likely meant it, only for checking what does not depend on its
    problems (never for a run): an unknown key renamed to its near miss ('extend' → 'extends') when
    that key is not set too, otherwise left out; a parameter change with a problem left out; a wrong
    value of a key the rest does not read (seed, strict, projection, …) left out. None when a key the
    rest reads (``READ_BY_THE_REST``) is wrong or a required key is missing."""
    data = copy.deepcopy(doc.data)
    lines = dict(doc.lines)
    unknown, left_out = [], set()
    for err in errors:
        loc = _input_path(doc.data, err["loc"])
        if loc is None:
            continue
        if err["type"] == "extra_forbidden":
            if loc not in unknown:  # union branches can report one key twice
                unknown.append(loc)
        elif loc and loc[0] == "parameters":  # the change with the problem (or all of them)
            left_out.add(tuple(str(p) for p in loc[:2]))
        elif err["type"] == "missing" and loc in (["name"], ["purpose"]):  # nothing else reads them
            data[loc[0]] = "(missing)"
        elif not loc or err["type"] == "missing" or loc[0] in READ_BY_THE_REST:
            return None
        else:
            left_out.add((str(loc[0]),))
    for loc in unknown:
        parent = data
        for part in loc[:-1]:
            parent = parent[part]
        key = str(loc[-1])
        value = parent.pop(key)
        close = difflib.get_close_matches(key, _allowed_keys([str(p) for p in loc]), n=1, cutoff=0.6)
        if close and close[0] not in parent:
            parent[close[0]] = value
            old, new = _dotted(loc), _dotted([*loc[:-1], close[0]])
            lines.update({new + k[len(old):]: line for k, line in doc.lines.items()
                          if k == old or k.startswith((old + ".", old + "["))})
    for key in sorted(left_out, key=len, reverse=True):  # single changes before a whole block
        (data["parameters"] if len(key) == 2 else data).pop(key[-1], None)
    return LocatedDocument(doc.file, data, lines, doc.words)


#: the union branch tag of a number of the schema (scenario.projection.Number): 'function-before[_not_boolean(), float]'
_SCALAR_BRANCH = re.compile(r"function-before\[_not_boolean\(\), (float|int)\]")


def _input_path(data: Any, loc: tuple) -> list[str | int] | None:
    """The key path of a pydantic error in the input, without union branch tags ('float',
    'dict[int,float]', 'list[...]'); None if the error belongs to a branch that does not fit the
    input's shape (a list is a list of changes, a mapping a level table, anything else a number)."""
    path, fits = _branch_path(data, loc)
    return path if fits else None


def _branch_path(data: Any, loc: tuple) -> tuple[list[str | int], bool]:
    """The key path of a pydantic error in the input, without union branch tags, up to the first branch that does
    not fit the input's shape, and whether every branch fits (see ``_input_path``)."""
    path: list[str | int] = []
    value = data
    for part in loc:
        scalar = _SCALAR_BRANCH.fullmatch(part) if isinstance(part, str) else None
        part = scalar.group(1) if scalar else part  # a number that refuses booleans is the branch 'float'
        if isinstance(part, str) and part.startswith(("function-", "union[")):
            continue
        if isinstance(part, str) and ("[" in part or part in ("float", "int", "str", "bool", "date")):
            shape = "list" if isinstance(value, list) else "dict" if isinstance(value, dict) else "scalar"
            branch = part.split("[")[0]
            if (branch if branch in ("list", "dict") else "scalar") != shape:
                return path, False
            continue
        path.append(part)
        if isinstance(value, dict):
            value = value.get(str(part))
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            value = None
    return path, True


def _expected_for(path: str) -> str:
    if path == "parameters":
        return "a mapping of parameter paths to new values"
    if path.startswith("parameters") and path.endswith("].value"):  # a dated change's new value
        return "a number, or a mapping of levels 1–8 for a level table"
    if path.startswith("parameters"):
        return "a number, a level mapping 1–8, or a list of {value, from, until} changes with from ≤ until"
    if path.startswith("projection.capacity.") and path.endswith(".plan"):
        return "the path of a premises_plan.csv that resmodel plan-premises wrote, relative to this file (or null)"
    if path.startswith("projection.volumes."):
        return "a model name (ets, drift, …), a volume for every month, or {year: volume} (docs/projection.md)"
    if path.startswith("projection.capacity."):
        return "{places: <a number, {year: places} or premises>, added: {year: places}, plan: <premises_plan.csv>, " \
               "overflow: waiting or a service} (docs/projection.md, \"Places\")"
    field = _field_of(path)
    if field is not None and field.description:  # what the schema says the key is ('seed: abc' was 'a value of
        return f"{path.rsplit('.', 1)[-1]}: {field.description} (see {_doc_for(path)})"  # the documented type')
    return f"a value of the documented type (see {_doc_for(path)})"


def _field_of(path: str) -> FieldInfo | None:
    """The schema field a scenario key path names — a top-level key, a projection setting, or a key of the items of
    a projection list or mapping (adjustments[0].year, capacity.<service>.places) — or None."""
    parts = [p for p in re.sub(r"\[\d+\]", "", path).split(".") if p]
    if len(parts) == 1:
        return ScenarioFile.model_fields.get(parts[0])
    if parts[0] != "projection":
        return None
    if len(parts) == 2:
        return ProjectionSettings.model_fields.get(parts[1])
    nested = NESTED.get(parts[1])
    return nested.model_fields.get(parts[-1]) if nested is not None and len(parts) <= 4 else None


#: the pydantic errors of a number that is no number, not a whole one, or out of its field's bounds
NUMBER_ERRORS = frozenset({"int_type", "int_parsing", "int_from_float", "float_type", "float_parsing", "finite_number",
                           "greater_than", "greater_than_equal", "less_than", "less_than_equal"})
#: a whole number a message offers as an example when its field has bounds but no default (a seed)
EXAMPLE_WHOLE = 42


def _plain(number: float) -> str:
    """A bound as a message writes it: 4294967295, 0.5 (not 4.29497e+09)."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def _number_form(field: FieldInfo) -> tuple[set, dict[str, float]]:
    """A field's types and numeric bounds (ge, gt, le, lt), looking into an optional Annotated number
    (hours_per_week: Annotated[float, Field(gt=0, le=168)] | None was told only 'correct the value')."""
    types, metadata = set(), list(field.metadata)
    for arg in get_args(field.annotation) or (field.annotation,):
        if get_origin(arg) is Annotated:
            base, *extra = get_args(arg)
            types.add(base)
            metadata += [m for x in extra for m in (x.metadata if isinstance(x, FieldInfo) else [x])]
        else:
            types.add(arg)
    return types, {k: getattr(m, k) for m in metadata for k in ("ge", "gt", "le", "lt") if getattr(m, k, None)
                   is not None}


def _percentage_fix(path: str, err: dict) -> str | None:
    """percentage_fix, unless the value read as a percentage is below the field's lower bound: a rate factor of 1.5
    (at least 1, at most 1.12) was told 'write 0.015' (second diff review)."""
    fix = percentage_fix(err)
    field = _field_of(path)
    if fix is None or field is None or not isinstance(err.get("input"), int | float):
        return fix
    _, bounds = _number_form(field)
    low = bounds.get("ge", bounds.get("gt"))
    return None if low is not None and err["input"] / 100 < low else fix


def _number_fix(path: str, err: dict) -> str | None:
    """For a number key's error, the number to write from its schema field: whole or not, its bounds and an example
    (its default, or one within its bounds) — 'seed: abc' and 'horizon_years: 0' were told only 'correct the value'.
    None for any other key or error."""
    field = _field_of(path)
    if field is None or err["type"] not in NUMBER_ERRORS:
        return None
    types, bounds = _number_form(field)
    if int not in types and float not in types:
        return None
    low = f"{'above' if 'gt' in bounds else 'from'} {_plain(bounds.get('ge', bounds.get('gt')))}" \
        if {"ge", "gt"} & set(bounds) else ""
    high = f"{'below' if 'lt' in bounds else 'to' if low else 'at most'} {_plain(bounds.get('le', bounds.get('lt')))}" \
        if {"le", "lt"} & set(bounds) else ""
    span = " ".join(part for part in (low, high) if part)
    default = field.default if isinstance(field.default, int | float) and not isinstance(field.default, bool) else None
    if default is None and int in types and "ge" in bounds and "le" in bounds:
        default = min(max(EXAMPLE_WHOLE, bounds["ge"]), bounds["le"])
    return (f"write {'a whole number' if int in types else 'a number'}{' ' + span if span else ''}"
            + (f", e.g. {_plain(default)}" if default is not None else ""))


def projects(scenario_file: Path | str) -> bool:
    """Whether a scenario has a projection block after its chain is merged (none, or one lifted by
    'projection: null', means no): without one a comparison is of the base-year units only."""
    from resmodel.scenario.projection import resolve

    return resolve(read_chain(Path(scenario_file))) is not None


def read_chain(path: Path) -> list[ScenarioSource]:
    """The scenario and its ancestors, root first. Problems do not stop the reading while the rest can be
    read as meant, so that one run reports every problem of the chain's files — their keys, values and
    parameter changes — together; a cycle, a missing parent or a file that cannot be read as meant ends it."""
    problems = ProblemCollector()
    chain: list[ScenarioSource] = []
    seen: set[Path] = set()
    current, referrer = path, None
    while current is not None:
        display = display_path(current)
        if current.resolve() in seen:
            problems.add(referrer or Location(file=display), "scenario 'extends' forms a cycle",
                         "a chain of scenarios ending at one without 'extends'", "remove the circular 'extends'")
            break
        if len(chain) >= MAX_CHAIN:
            problems.add(Location(file=display), "scenario chain is too long",
                         f"at most {MAX_CHAIN} levels of 'extends'", "shorten the chain")
            break
        kind = path_kind(current)
        if kind.startswith("unusable"):
            why = kind.removeprefix("unusable: ")
            problems.add(referrer or Location(file=display[:200]), f"the scenario path cannot be used ({why})",
                         "a scenario YAML file with a path the file system accepts", "shorten or correct the path")
            break
        seen.add(current.resolve())
        if kind == "dir":
            problems.add(referrer or Location(file=display), f"'{display}' is a folder, not a scenario file",
                         "a scenario YAML file", "name the .yaml file inside it (e.g. scenarios/base.yaml)")
            break
        if kind != "file":
            problems.add(referrer or Location(file=display), f"scenario file '{display}' not found",
                         "an existing scenario YAML file", "check the path (relative to the extending file)"
                         if referrer else "check the path (relative to the current folder)")
            break
        read = _validate(_read_scenario_yaml(current, display), problems)
        if read is None:
            break
        doc, model = read
        chain.append(ScenarioSource(current, display, doc, model))
        if model.extends:
            referrer = doc.location("extends")
            current = current.parent / model.extends
        else:
            current = None
    chain.reverse()
    if problems.problems and current is None:  # the whole chain was read: its parameter changes can be checked
        problems.problems += _change_problems(chain, [str(p.location.path or "") for p in problems.problems])
    _in_file_order(problems)
    problems.raise_if_any()
    return chain


#: the keys of a scenario file whose value is a path to a file or folder (relative to the file)
PATH_KEYS = re.compile(r"extends|data|parameters_dir|tariff|projection\.(?:frame|volume_forecast|capacity\.[^.]+\.plan)")


def _read_scenario_yaml(path: Path, display: str) -> LocatedDocument:
    """The scenario file as read_yaml reads it; a path key's value that looks like a personal identity number gets
    the advice a path on the command line gets (rename the file or folder), not an id's ('replace the value with a
    pseudonymous id' for 'data: 198001011239')."""
    try:
        return read_yaml(path, display)
    except PersonalDataError as exc:
        where = exc.problems[0].location
        if len(exc.problems) != 1 or not PATH_KEYS.fullmatch(where.path or ""):
            raise
        raise PersonalDataError.at(
            where, f"the path of '{where.path}' looks like a Swedish personal identity number (personnummer); it is "
            "not shown here", "file and folder names without personal identity numbers",
            f"rename the file or folder whose name holds the number, and correct '{where.path.rsplit('.', 1)[-1]}:'") from None


def _change_problems(chain: list[ScenarioSource], found: list[str]) -> list[Problem]:
    """The problems of the parameter changes of a chain whose files have other problems, so that they
    are reported in the same run; none when the chain's settings or its parameter files have problems of
    their own (the changes cannot be checked without the tree, and those problems are reported once
    the files are corrected). ``found`` are the key paths of the problems already found: a change left
    out for one of them keeps its share group out of the sum check."""
    try:
        scenario = effective(chain)
        params_dir = Path(scenario.parameters_dir)
        tree = load_parameters(params_dir, display_path(params_dir))
    except ResmodelError:
        return []
    left_out = {path for path in tree.parameters
                if any(f == f"parameters.{path}" or f.startswith((f"parameters.{path}[", f"parameters.{path}."))
                       for f in found)}
    problems = ProblemCollector()
    _collect_overrides(chain, tree, scenario.base_date, problems, doubtful=left_out)
    return problems.problems


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
    _check_folder(set_by["data"], "data", "data folder", "a folder with premises, units, users and staff tables",
                  "check the 'data:' path (it is relative to the scenario file that sets it)")
    if values["parameters_dir"] is not None:
        _check_folder(set_by["parameters_dir"], "parameters_dir", "parameter folder", "a folder of YAML parameter files",
                      "check the 'parameters_dir:' path (relative to the scenario file), or remove it to use "
                      "<data>/parameters")
    if values["allocation_key"] == "tariff" and not values["tariff"]:
        raise InputError.at(last.doc.location("allocation_key"), "allocation_key is 'tariff' but no tariff file is set",
                            "'tariff: <path to a tariff CSV>'", "add the tariff path or use allocation_key: derived")
    if values["parameters_dir"] is None:
        values["parameters_dir"] = str(Path(values["data"]) / "parameters")
    return EffectiveScenario(name=last.model.name, purpose=last.model.purpose,
                             chain=tuple(src.display for src in chain), content_hash=content_hash(chain), **values)


def _check_folder(src: ScenarioSource, key: str, what: str, expected: str, fix: str) -> None:
    """Refuse a folder key ('data', 'parameters_dir') whose path is no folder, saying what it is instead: 'data:
    base.yaml' was told "data folder 'base.yaml' not found" beside the file of that name."""
    written = getattr(src.model, key)
    kind = path_kind(src.path.parent / written)
    if kind == "dir":
        return
    name = shown(written, 200)
    problem = (f"'{name}' is a file, not a {what}" if kind == "file" else f"{what} '{name}' not found"
               if kind == "missing" else f"the {what} path '{name}' cannot be used ({kind.removeprefix('unusable: ')})")
    raise InputError.at(src.doc.location(key), problem, expected, fix)


def overrides(chain: list[ScenarioSource], tree: ParameterTree, base_date: dt.date) -> list[Override]:
    """Turn every file's parameter changes into overrides, after validating their paths, shapes,
    periods, values' ranges and role-mix sums, all reported together. A change without ``from`` holds
    from 1 January of the base year, in base-year prices: indexed from the base year, not from a year
    the index has no data for (and an index leaf's rate applies to that year)."""
    problems = ProblemCollector()
    result = _collect_overrides(chain, tree, base_date, problems)
    _in_file_order(problems)
    problems.raise_if_any()
    return result


def _incomplete_table(path: str, value: Any) -> tuple[str, str, str]:
    """Problem, expected and fix for a level table's new value that is a number or lacks or adds levels, naming
    them: 'not a complete table' alone was the same for a level 9, a level 0 and a table of levels 1–2."""
    problem = f"'{path}' is a level table but the new value is not a complete table: "
    expected = "a mapping with exactly the levels 1–8, e.g. {1: 0.14, 2: 0.2, …, 8: 1.39}"
    if not isinstance(value, dict):
        return (problem + f"it is the single number {shown(value, 40)}", expected,
                "give a value for every level 1–8 (to change some levels, repeat the others' values)")
    missing = [lvl for lvl in LEVELS if lvl not in value]
    extra = sorted(lvl for lvl in value if lvl not in LEVELS)
    named = [(missing, "lacks", "add"), (extra, "has", "remove")]
    what = [f"{verb} {_levels_named(levels)}" for levels, verb, _ in named if levels]
    fix = [f"{verb} {_levels_named(levels)}" for levels, _, verb in named if levels]
    return (problem + "it " + " and ".join(what) + (", outside 1–8" if extra else ""), expected,
            "give a value for every level 1–8" + (" and no other" if extra else "") + ": " + " and ".join(fix)
            + (" (a tariff's level 0, its base amount, has no place in a level table)" if 0 in extra else ""))


def _levels_named(levels: list[int]) -> str:
    """'level 9' or 'levels 3, 4, 5'."""
    return f"level{'s' if len(levels) > 1 else ''} {', '.join(map(str, levels))}"


def _in_file_order(problems: ProblemCollector) -> None:
    """Problems sorted as the files read: by file, then line."""
    problems.problems.sort(key=lambda p: (p.location.file or "", p.location.line or 0))


def _collect_overrides(chain: list[ScenarioSource], tree: ParameterTree, base_date: dt.date,
                       problems: ProblemCollector, doubtful: set[str] | None = None) -> list[Override]:
    """The overrides of the chain's well-formed changes, every problem of the changes added to ``problems``.
    ``doubtful``: paths of changes left out for problems of their own (a chain read as meant); with the
    paths of changes found faulty here, their share groups' sums are not checked (it would be a false sum)."""
    result: list[Override] = []
    doubtful = set(doubtful or ())
    for src in chain:
        for path, spec in src.model.parameters.items():
            key_path = f"parameters.{path}"
            loc = src.doc.location(key_path)
            before = len(problems.problems)
            if path not in tree.parameters:
                problems.add(loc, f"unknown parameter '{path}'", "the path of a parameter in the tree "
                             "(see `resmodel params`)", RETIRED.get(path) or did_you_mean(path, tree.parameters).strip()
                             or "check the spelling against docs/parameters.md")
                doubtful.add(path)
                continue
            changes = spec if isinstance(spec, list) else [ParameterChange(value=spec)]
            param = tree.parameters[path]
            periods = []
            for i, change in enumerate(changes):
                cloc = src.doc.location(f"{key_path}[{i}]") if isinstance(spec, list) else loc
                value = change.value
                if param.kind == "levels":
                    if not isinstance(value, dict) or sorted(value) != list(LEVELS):
                        problems.add(cloc, *_incomplete_table(path, value))
                        continue
                    value = tuple(float(value[lvl]) for lvl in LEVELS)
                elif isinstance(value, dict):
                    problems.add(cloc, f"'{path}' is a single number but the new value is a mapping",
                                 "a number", "give one number")
                    continue
                start = change.from_ or dt.date(base_date.year, 1, 1)
                end = change.until
                starts_in_january = (start.month, start.day) == (1, 1)
                if param.kind == "index" and not (starts_in_january and (end is None or (end.month, end.day) == (12, 31))):
                    bad = end if starts_in_january else start
                    problems.add(cloc, f"'{path}' is an index, a yearly rate, but the change is dated {bad}",
                                 "a change of whole years: 'from' a 1 January, 'until' a 31 December (a rate "
                                 "dated within a year would take effect only from the next January)",
                                 f"write from: {start.year}-01-01 with the year's average rise (an agreement from "
                                 "April: 0.25 × the previous rate + 0.75 × the new one, e.g. 3.3 % then 3.4 %: "
                                 "0.03375; the next year likewise)" if bad == start else
                                 f"write until: {end.year}-12-31")
                    continue
                for other_start, other_end, other_i in periods:
                    if start <= (other_end or dt.date.max) and other_start <= (end or dt.date.max):
                        problems.add(cloc, f"the period of change {i + 1} for '{path}' overlaps change {other_i + 1}",
                                     "non-overlapping periods for one parameter in one file",
                                     "adjust 'from'/'until' so the periods do not overlap")
                periods.append((start, end, i))
                result.append(Override(path, value, start, end, change.indexed, cloc, change.reason))
            if len(problems.problems) > before:
                doubtful.add(path)
    for ov in result:  # values' ranges, to join the problems above
        for found in value_problems(tree.parameters[ov.path], ov.value):
            problems.add(ov.location, *found)
            doubtful.add(ov.path)
    # role-mix sums, except of a mix one of whose shares has a problem of its own (or a misspelt path that
    # names the mix's leaf): its sum would be a false one
    groups = {path.rsplit(".", 1)[0] for path in doubtful}
    groups |= {close.rsplit(".", 1)[0] for path in doubtful if path not in tree.parameters
               for close in difflib.get_close_matches(path, list(tree.parameters), n=1, cutoff=0.6)}
    sound = {path: leaf for path, leaf in tree.parameters.items() if path.rsplit(".", 1)[0] not in groups}
    problems.problems += ParameterTree(sound, [*tree.overrides, *(o for o in result if o.path in sound)]
                                       ).share_problems()
    return result
