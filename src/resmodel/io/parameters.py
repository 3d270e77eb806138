"""Loading the YAML parameter tree (one concept per file) with located validation errors.

A file holds either one leaf (``_one_leaf``) or a mapping of named leaves. A leaf's path is the file's path below the
tree root with '/' → '.', plus the leaf name for multi-leaf files."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from resmodel.errors import Location, ProblemCollector, Warning_, did_you_mean
from resmodel.io.tables import whole_sek
from resmodel.io.yamlio import LocatedDocument, read_yaml
from resmodel.params.ranges import (
    Floor,
    UnitRange,
    floor_of,
    unit_range,
    unknown_unit,
    value_problem,
)
from resmodel.params.tree import LEVELS, Parameter, ParameterTree
from resmodel.scenario.projection import BOOLEAN_FIX, boolean_problem

LEAF_KEYS = {"description", "unit", "reference", "values", "kind", "indexation", "extend", "template"}
REQUIRED = ("description", "unit", "reference", "values")
#: the keys that make a file's top mapping one leaf: with 'values' misspelt or missing, its description, unit and
#: reference still say it is one (read as leaves of their own they gave 13 errors, none naming 'values')
LEAF_MARKS = ("values", "description", "unit", "reference")
#: the marks a group of leaves may not have at its top, where they would describe no leaf
GROUP_MARKS = ("description", "unit", "reference")
#: the Swedish words a board may type for 'values', too far from it for did_you_mean
VALUES_WORDS = {"värden", "varden", "värde", "varde"}
KINDS = ("scalar", "levels", "index", "text")


BUNDLED_DISPLAY = "resmodel/parameters"  # how files shipped with the package are named in messages


def national_parameter_root() -> Path:
    """The folder of national parameters shipped inside the package."""
    return Path(str(resources.files("resmodel") / "parameters"))


def national_parameter(key: str) -> Parameter:
    """One national parameter as shipped with the package (public_parameters.md), for a check that needs a
    national figure, not the board's tree."""
    return load_tree(national_parameter_root(), BUNDLED_DISPLAY).parameters[key]


def _parse_date(key: Any) -> dt.date | None:
    if isinstance(key, dt.date):
        return key
    try:
        return dt.date.fromisoformat(str(key))
    except ValueError:
        return None


def _sub(key_path: str, *keys: str) -> str:
    """Dotted key path below a leaf; a single-leaf file's leaf is the document root ('')."""
    return ".".join(k for k in (key_path, *keys) if k)


def _values_near(raw: dict) -> Any:
    """The key a leaf without 'values' has in its place ('value', 'Values', 'värden'), or None."""
    return next((key for key in raw if key not in LEAF_KEYS
                 and (str(key).casefold() in VALUES_WORDS or did_you_mean(key, ["values"]))), None)


def _missing_values(doc: LocatedDocument, key_path: str, path: str, near: Any, problems: ProblemCollector) -> None:
    """One problem for a leaf without 'values', at the key typed in its place if there is one, else at the leaf."""
    expected = "the leaf's values under 'values:', keyed by valid-from date, e.g. '2024-01-01: 0.074'"
    if near is None:
        problems.add(doc.location(key_path), f"parameter '{path}' is missing 'values'", expected,
                     "add 'values:' with the values keyed by valid-from date (see docs/parameters.md)")
    else:
        problems.add(doc.location(_sub(key_path, str(near))), f"parameter '{path}' is missing 'values' (it has "
                     f"'{near}')", expected, f"did you mean 'values'? rename '{near}:' to 'values:'")


def _dates_outside_values(doc: LocatedDocument, key_path: str, path: str, raw: dict,
                          problems: ProblemCollector) -> list[Any]:
    """The valid-from dates written straight under a leaf, not under 'values:', told once at the first of them to be
    put under 'values:' (review: each was 'unknown key … remove or rename', an instruction to delete the data)."""
    dates = [key for key in raw if key not in LEAF_KEYS and _parse_date(key) is not None]
    if dates:
        shown_dates = ", ".join(str(d) for d in dates[:3]) + (", …" if len(dates) > 3 else "")
        problems.add(doc.location(_sub(key_path, str(dates[0]))),
                     f"parameter '{path}' has dated values straight under it, not under 'values:' ({shown_dates})",
                     "the leaf's values under 'values:', keyed by valid-from date, e.g. '2024-01-01: 0.074'",
                     "put the dated values under 'values:' — " + (
                         "indent each date under the line 'values:'" if "values" in raw else
                         "add a line 'values:' above them and indent each date under it"))
    return dates


def _leaf(doc: LocatedDocument, key_path: str, path: str, raw: Any, problems: ProblemCollector) -> Parameter | None:
    loc = doc.location(key_path)
    if not isinstance(raw, dict):
        problems.add(loc, f"'{path}' is not a mapping", "a leaf with description, unit, reference and values",
                     "write the leaf as a mapping (see docs/parameters.md)")
        return None
    dates = _dates_outside_values(doc, key_path, path, raw, problems)
    near = _values_near(raw) if "values" not in raw and not dates else None
    if "values" not in raw and not dates:
        _missing_values(doc, key_path, path, near, problems)
    for key in raw:
        if key not in LEAF_KEYS and key != near and key not in dates:
            hint = did_you_mean(key, sorted(LEAF_KEYS))
            problems.add(doc.location(_sub(key_path, key)), f"unknown key '{key}' in parameter '{path}'",
                         "only " + ", ".join(sorted(LEAF_KEYS)), f"{hint}remove or rename the key (misspelt keys are never ignored)")
    for key in REQUIRED:  # a missing 'values', or dates outside it, are said above
        if raw.get(key) in (None, "") and (key != "values" or ("values" in raw and not dates)):
            problems.add(loc, f"parameter '{path}' lacks '{key}'", f"a non-empty '{key}'",
                         f"add '{key}:' to the leaf (description: Swedish term + English gloss; reference: facts id or public source)")
    if "template" in raw and not isinstance(raw["template"], bool):
        problems.add(doc.location(_sub(key_path, "template")), f"'template' of '{path}' is {raw['template']!r}",
                     "true (the value is still the starter kit's) or false",
                     "remove the line once the value is your board's own")
    if raw.get("indexation") is not None and not isinstance(raw["indexation"], str):
        problems.add(doc.location(_sub(key_path, "indexation")), f"indexation of '{path}' is not a parameter path",
                     "the path of an index leaf (kind: index), e.g. indices.wage_growth", "write one index path")
        return None
    kind = raw.get("kind", "scalar")
    if kind not in KINDS:
        problems.add(doc.location(_sub(key_path, "kind")), f"unknown kind '{kind}'", "one of " + ", ".join(KINDS),
                     "correct the kind")
        return None
    allowed = None
    if kind != "text" and raw.get("unit") not in (None, ""):
        allowed = unit_range(str(raw["unit"]))
        if allowed is None:
            problems.add(doc.location(_sub(key_path, "unit")), *unknown_unit(str(raw["unit"]), path))
    values = raw.get("values")
    if not isinstance(values, dict) or not values:
        if "values" in raw and not dates:
            problems.add(doc.location(_sub(key_path, "values")), "'values' is not a mapping of valid-from dates",
                         "values keyed by valid-from date, e.g. '2024-01-01: 0.074'", "key each value by its valid-from date")
        return None
    parsed: list[tuple[dt.date, Any, int | None]] = []
    for key, value in values.items():
        vpath = _sub(key_path, "values", str(key))
        date = _parse_date(key)
        if date is None:
            problems.add(doc.location(vpath), f"'{key}' is not a date", "a valid-from date YYYY-MM-DD",
                         "write the key as a date, e.g. 2024-01-01")
            continue
        if not (dt.date(1970, 1, 1) <= date <= dt.date(2100, 12, 31)):
            problems.add(doc.location(vpath), f"valid-from date {date} is out of range", "a date between 1970 and 2100",
                         "correct the year")
            continue
        if kind == "index" and (date.month, date.day) != (1, 1):
            problems.add(doc.location(vpath), f"index key {date} is not a 1 January", "one yearly growth rate per "
                         "year, keyed YYYY-01-01 (the rate of that year)",
                         f"write {date.year}-01-01 (a rise from a later date: its year's average)")
            continue
        checked = _check_value(doc, vpath, path, kind, value, problems, str(raw.get("unit", "")), allowed)
        if checked is not None:
            parsed.append((date, checked, doc.line_of(vpath)))
    if not parsed:
        return None
    parsed.sort(key=lambda kv: kv[0])
    extend = raw.get("extend", "none")
    if extend not in ("none", "last"):
        problems.add(doc.location(_sub(key_path, "extend")), f"unknown extend '{extend}'", "'none' or 'last'", "correct it")
    elif "extend" in raw and not path.startswith("indices."):
        problems.add(doc.location(_sub(key_path, "extend")), f"'extend' on '{path}', which is not an index",
                     "'extend' only on index series (indices.*), where it says how to continue past the data",
                     "remove 'extend' (a leaf's last value holds until a later one anyway)")
    return Parameter(
        path=path, description=str(raw.get("description", "")), unit=str(raw.get("unit", "")),
        reference=str(raw.get("reference", "")), values=tuple((d, v) for d, v, _ in parsed), kind=kind,
        indexation=raw.get("indexation"), extend=extend, file=doc.file, line=doc.line_of(key_path),
        lines=tuple(line for _, _, line in parsed),
        template_line=doc.line_of(_sub(key_path, "template")) if raw.get("template") is True else None,
    )


def _in_range(doc: LocatedDocument, vpath: str, what: str, value: float, unit: str, allowed: UnitRange | None,
              problems: ProblemCollector, floor: Floor | None = None) -> bool:
    """Whether a number is inside its unit's range and, for a leaf with a floor (a salary, the PO), not below it —
    a slip such as a salary in tkr, which the unit's range lets pass; adds the located problem when not."""
    found = value_problem(what, value, unit, allowed, floor)
    if found:
        problems.add(doc.location(vpath), *found)
    return found is None


def _boolean(doc: LocatedDocument, vpath: str, value: bool, problems: ProblemCollector) -> None:
    """A YAML boolean where a number is meant ('yes'), refused with the word the file writes ('True' said nothing)."""
    problems.add(doc.location(vpath), boolean_problem(value, doc.words.get(vpath)), "a number", BOOLEAN_FIX)


DECIMAL_COMMA = re.compile(r"-?\d+,\d+")


def _comma_fix(value: Any, path: str, unit: str, allowed: UnitRange | None) -> str | None:
    """The fix for a number written with a decimal comma ('43,15', which YAML reads as text), checked as the number
    it stands for, so that a percentage is told its fraction at once (economist walk: '43,15' for a PO took two
    rounds, 'decimal point' and then 'write 0.4315'); None for other text."""
    if not (isinstance(value, str) and DECIMAL_COMMA.fullmatch(value.strip())):
        return None
    number = float(value.strip().replace(",", "."))
    what = "read as {v}, it"
    found = value_problem(what, number, unit, allowed, floor_of(path))
    if found is None:
        return f"a decimal comma: write {number:.10g} (decimal point '.')"
    return f"a decimal comma? {found[0][0].upper()}{found[0][1:]}: {found[2]}"


def _check_value(doc: LocatedDocument, vpath: str, path: str, kind: str, value: Any, problems: ProblemCollector,
                 unit: str = "", allowed: UnitRange | None = None):
    if kind == "text":
        return str(value)
    if kind == "levels":
        if not isinstance(value, dict):
            problems.add(doc.location(vpath), f"level table '{path}' is not a mapping of levels",
                         "a mapping with levels 1 to 8, e.g. '1: 0.2'", "write one 'level: value' line per level 1–8")
            return None
        keys = {}
        for k, v in value.items():
            try:
                keys[int(k)] = v
            except (TypeError, ValueError):
                keys[k] = v
        missing = [lvl for lvl in LEVELS if lvl not in keys]
        extra = [k for k in keys if k not in LEVELS]
        if missing or extra:
            what = []
            if missing:
                what.append("missing level(s) " + ", ".join(map(str, missing)))
            if extra:
                what.append("extra level(s) " + ", ".join(map(str, extra)))
            problems.add(doc.location(vpath), f"level table '{path}' has " + " and ".join(what),
                         "exactly the levels 1–8", "add the missing levels and remove any level outside 1–8")
            return None
        out = []
        for lvl in LEVELS:
            v = keys[lvl]
            if isinstance(v, bool):
                _boolean(doc, f"{vpath}.{lvl}", v, problems)
                return None
            if not isinstance(v, int | float) or v < 0:
                problems.add(doc.location(f"{vpath}.{lvl}"), f"level {lvl} value of '{path}' is empty" if v is None
                             else f"level {lvl} value '{v}' is not a non-negative number", "a number ≥ 0",
                             "write the level's value" if v is None else "correct the value")
                return None
            if not _in_range(doc, f"{vpath}.{lvl}", f"level {lvl} value {{v}} of '{path}'", v, unit, allowed, problems):
                return None
            out.append(float(v))
        return tuple(out)
    if isinstance(value, bool):
        _boolean(doc, vpath, value, problems)
        return None
    if value is None:  # 'value 'None'' named no value the file has (fuzz review 2)
        problems.add(doc.location(vpath), f"the value of '{path}' is empty", "a number", "write the value after "
                     "the date (e.g. 2024-01-01: 0.074), or remove the date")
        return None
    if not isinstance(value, int | float):
        problems.add(doc.location(vpath), f"value '{value}' of '{path}' is not a number", "a number",
                     _comma_fix(value, path, unit, allowed) or "write a plain number (decimal point '.'; percentages "
                     "as fractions, e.g. 0.074)")
        return None
    if not _in_range(doc, vpath, f"value {{v}} of '{path}'", value, unit, allowed, problems, floor_of(path)):
        return None
    return float(value)


def _one_leaf(data: dict) -> bool:
    """A file's top mapping is one leaf: it has 'values', or a plain description, unit or reference and no key holding
    a leaf of its own — so that a group of leaves with a 'description' at its top is no leaf missing 'values' (review:
    four problems, 'unknown key' for each of its leaves)."""
    if "values" in data:
        return True
    marks = [key for key in GROUP_MARKS if key in data]
    return bool(marks) and not any(isinstance(data[key], dict) for key in marks) and not any(
        isinstance(raw, dict) and any(mark in raw for mark in LEAF_MARKS) for key, raw in data.items() if key not in marks)


def _group_leaves(doc: LocatedDocument, base: str, problems: ProblemCollector) -> list[tuple[str, str, Any]]:
    """A group file's named leaves (key path, leaf path, mapping); a plain description, unit or reference at its top
    describes no leaf and is told once, at its line, to move into a comment or into the leaves."""
    leaves = []
    for name, raw in doc.data.items():
        if name in GROUP_MARKS and not isinstance(raw, dict):
            problems.add(doc.location(str(name)), f"'{name}' at the top of a group of leaves",
                         "only the group's leaves, each with its own description, unit and reference",
                         "move the description into a comment (a line starting with #)" if name == "description" else
                         f"give each leaf its own '{name}:' and remove this line (a comment, #, may keep a note)")
        else:
            leaves.append((name, f"{base}.{name}", raw))
    return leaves


def load_tree(root: Path, display_root: str | None = None, known: dict[str, Parameter] | None = None) -> ParameterTree:
    """Load every *.yaml below ``root`` into a tree; all problems are reported together.
    ``known`` are leaves already loaded (national ones) that indexation may refer to."""
    problems = ProblemCollector()
    parameters: dict[str, Parameter] = {}
    where: dict[str, tuple[LocatedDocument, str]] = {}  # leaf path → its document and key path
    for file in sorted(root.rglob("*.yaml")):
        rel = file.relative_to(root)
        display = f"{display_root}/{rel.as_posix()}" if display_root else str(file)
        doc = read_yaml(file, display)
        base = ".".join(rel.with_suffix("").parts)
        if not isinstance(doc.data, dict):
            problems.add(Location(display, line=1), "the file is not a mapping", "a parameter leaf or a mapping of leaves",
                         "see docs/parameters.md for the layout")
            continue
        leaves = [("", base, doc.data)] if _one_leaf(doc.data) else _group_leaves(doc, base, problems)
        for key_path, path, raw in leaves:
            leaf = _leaf(doc, key_path, path, raw, problems)
            if leaf is not None:
                parameters[path] = leaf
                where[path] = (doc, key_path)
    available = {**(known or {}), **parameters}
    for path, leaf in parameters.items():
        doc, key_path = where[path]
        if leaf.indexation and leaf.indexation not in available:
            problems.add(doc.location(_sub(key_path, "indexation")), f"indexation '{leaf.indexation}' is not a parameter",
                         "the path of an index leaf (kind: index), e.g. indices.wage_growth", "correct the index path")
        elif leaf.indexation and available[leaf.indexation].kind != "index":
            problems.add(doc.location(_sub(key_path, "indexation")), f"indexation '{leaf.indexation}' is not an index",
                         "a leaf with 'kind: index' (annual growth rates)", "point at an index leaf")
        elif leaf.indexation:
            # indexing a value from its valid-from year Y needs the index's growth from Y + 1 on
            start = available[leaf.indexation].values[0][0].year
            for i, (valid_from, _) in enumerate(leaf.values):
                following = leaf.values[i + 1][0] if i + 1 < len(leaf.values) else None
                if valid_from.year + 1 < start and (following is None or following > dt.date(valid_from.year + 1, 1, 1)):
                    problems.add(doc.location(_sub(key_path, "values")), f"the value valid from {valid_from} is indexed by "
                                 f"'{leaf.indexation}', whose data start in {start}",
                                 f"indexed values valid from {start - 1} or later (indexing from year Y needs the "
                                 "index's growth rate for every year after Y)",
                                 f"move the valid-from date to {start - 1}-01-01 or later, or add earlier years to "
                                 f"'{leaf.indexation}'")
                    break
    problems.raise_if_any()
    return ParameterTree(parameters)


def load_parameters(local_root: Path | None, local_display: str | None = None,
                    read: Collection[str] | None = None) -> ParameterTree:
    """National parameters shipped with the package, with the municipality's local leaves on top. With ``read``
    (the paths the model reads besides the national ones), a local leaf that is neither is refused: a copied
    file ('salaries - Kopia.yaml') or a renamed one would otherwise load as parameters nothing uses."""
    tree = load_tree(national_parameter_root(), BUNDLED_DISPLAY)
    if local_root is not None:
        local = load_tree(local_root, local_display, known=tree.parameters)
        if read is not None:
            _refuse_unread(local, set(tree.parameters) | set(read))
        tree = tree.merged_with(local)
    ProblemCollector(tree.share_problems()).raise_if_any()
    return tree


#: leaves resmodel once read and no longer does: a board's file from before is told what replaced them
RETIRED = {"staff_cost.holiday_pay_supplement": "since 2026-12-07 resmodel derives the holiday pay supplement from "
           "the leave days (AB § 27: a share of the monthly salary per paid leave day), so that more leave days cost "
           "more: replace the leaf by 'holiday_pay_per_leave_day' with 0.00605 (0.605 %) or your agreement's rate"}


def _refuse_unread(local: ParameterTree, known: set[str]) -> None:
    """One problem per local file whose leaves resmodel does not read (each named, with the closest it does)."""
    problems = ProblemCollector()
    by_file: dict[str, list[Parameter]] = {}
    for path, leaf in sorted(local.parameters.items()):
        if path not in known:
            by_file.setdefault(leaf.file, []).append(leaf)
    for file, leaves in by_file.items():
        first = leaves[0]
        names = ", ".join(f"'{leaf.path}'" for leaf in leaves[:3]) + (f" and {len(leaves) - 3} more" if len(leaves) > 3
                                                                      else "")
        what = f"parameters {names} are" if len(leaves) > 1 else f"parameter {names} is"
        close = did_you_mean(first.path, known)
        problems.add(Location(file=file, line=first.line), f"{what} not read by resmodel",
                     "parameters resmodel reads (`resmodel params` lists them; docs/parameters.md)",
                     RETIRED.get(first.path) or close + "a copy or a renamed file? Delete it, or put its values in "
                     "the file the parameter belongs to")
    problems.raise_if_any()


def check_required(tree: ParameterTree, required: dict[str, str], local_display: str) -> None:
    """Every parameter a calculation needs must be in the tree with the right kind; missing leaves
    are reported per file they would live in (a whole missing multi-leaf file is one problem)."""
    problems = ProblemCollector()
    missing: dict[str, list[str]] = {}
    for path, kind in required.items():
        leaf = tree.parameters.get(path)
        if leaf is None:
            missing.setdefault(path.rsplit(".", 1)[0], []).append(path)
        elif leaf.kind != kind:
            problems.add(Location(leaf.file, line=leaf.line, path=path), f"parameter '{path}' has kind '{leaf.kind}'",
                         f"kind '{kind}'" + (" (a table for levels 1–8)" if kind == "levels" else ""),
                         f"set 'kind: {kind}' and give values of that shape")
    files = {leaf.file for leaf in tree.parameters.values()}
    for parent, paths in sorted(missing.items()):
        candidates = [f"{local_display}/{parent.replace('.', '/')}.yaml"]  # a file of leaves named by the parent
        if len(paths) == 1:
            candidates.insert(0, f"{local_display}/{paths[0].replace('.', '/')}.yaml")  # or a file of its own
        existing = [f for f in candidates if f in files]
        file = existing[0] if existing else candidates[0]
        others = [f for f in candidates if f != file]
        problems.add(Location(file=file), "required parameter(s) missing: " + ", ".join(paths),
                     "every parameter the model uses, each with description, unit, reference and values",
                     f"add the leaf/leaves to {file}" + (f" (or to {others[0]})" if others else "")
                     + "; see docs/parameters.md, or start from `resmodel init`'s parameter templates")
    problems.raise_if_any()


def template_warnings(tree: ParameterTree, services: set[str]) -> list[Warning_]:
    """One warning per parameter file whose leaves, in use by the board's ``services``, still carry
    ``template: true``: the starter kit's values are the demo municipality's, not the board's."""
    from resmodel.allocation.staff_cost import SERVICE_ROLES

    def in_use(path: str) -> bool:
        head, _, rest = path.partition(".")
        if head in SERVICE_ROLES:
            return head in services
        if head == "salaries":
            return any(rest in SERVICE_ROLES[s] for s in services if s in SERVICE_ROLES)
        return True

    by_file: dict[str, list[Parameter]] = {}
    for leaf in tree.parameters.values():
        if leaf.template_line is not None and in_use(leaf.path):
            by_file.setdefault(leaf.file, []).append(leaf)
    return [Warning_("template_parameter", Location(file=file, line=min(leaf.template_line for leaf in leaves)),
                     _bundled_template_message(file, leaves) if file.startswith(BUNDLED_DISPLAY + "/") else
                     "marked 'template: true' — the starter kit's demo value, until you say otherwise — for "
                     + ", ".join(leaf.path for leaf in leaves)
                     + ": set your board's value and reference, then delete the 'template: true' line (a value "
                     "already yours: delete the line; a scenario's override replaces the value only in that scenario)")
            for file, leaves in sorted(by_file.items())]


def _bundled_template_message(file: str, leaves: list[Parameter]) -> str:
    """A board running on a value resmodel ships but cannot know (one board's PO, the legal minimum leave) is told to
    set its own in its local parameters: boards made before the starter kit shipped a copy have none."""
    rel = file.removeprefix(BUNDLED_DISPLAY + "/")
    return ("resmodel's bundled value, not a national figure — one board's or the legal minimum (see its reference) — "
            f"for {', '.join(leaf.path for leaf in leaves)}, since your parameters folder does not set it: add it as "
            f"{rel} in your parameters folder (a board made by `resmodel init` has a template copy there) with your "
            "board's value and reference; a scenario's override replaces the value only in that scenario")


#: warnings that a parameter's value may be a slip: `project` repeats them among its notes (it prints no base-run
#: warnings) and `explain` with the figures resting on the parameter (8: 13.9 for 1.39 was explained as '(agrees)')
SLIP_CHECKS = ("level_table_decreasing", "implausible_change")

SCALE_SLIP = 50.0  # a scenario value this many times larger or smaller than the parameter's is told
#: and a level of a level table this many times its file's level: one level's need does not change fivefold by a
#: decision, while a slipped decimal point makes it ten times
LEVEL_SCALE_SLIP = 5.0


def override_scale_warnings(tree: ParameterTree) -> list[Warning_]:
    """A scenario value 50 or more times larger or smaller than the parameter file's value on the same date, or a
    level of a level table 5 or more times its file's level: a percentage written twice as a fraction (0.0006 for
    6 %), a unit slip or a decimal slipped at one level (13.9 for 1.39 at the top, where no fall in the table
    shows it) passes the ranges but moves the results by as much."""
    warnings = []
    for o in tree.overrides:
        leaf = tree.parameters.get(o.path)
        own = leaf.key_in_force(o.start) if leaf is not None else None
        if own is None:
            continue
        bases, values = (list(v.values()) if isinstance(v, dict) else list(v) if isinstance(v, list | tuple) else [v]
                         for v in (own[1], o.value))  # a level table level by level
        table = len(values) > 1
        slip = LEVEL_SCALE_SLIP if table else SCALE_SLIP
        off = []  # every level off, not only the first (controller re-walk: level 8's tenth went unnamed)
        for level, (base, value) in enumerate(zip(bases, values, strict=False), start=1):
            if not all(isinstance(x, int | float) and not isinstance(x, bool) and x > 0 for x in (base, value)):
                continue
            ratio = value / base
            if ratio >= slip or ratio <= 1 / slip:
                times = f"{ratio:,.0f} times" if ratio > 1 else f"1/{1 / ratio:,.0f} of"
                off.append((f"level {level}: " if table else "") + f"{value:g} is {times} the parameter's {base:g}")
                hint = _slip_hint(leaf.unit, value, base, table)
        if off:
            warnings.append(Warning_("implausible_change", o.location, f"{o.path}{' ' if table else ': '}"
                                     + "; ".join(off) + f" ({leaf.file}); " + hint
                                     + "Check the value (the ranges allow it)"))
    return warnings


def _slip_hint(unit: str, value: float, base: float, table: bool) -> str:
    """The likely slip behind an implausible_change: a decimal at one level of a table; for an amount in SEK a sum in
    thousands when a thousand times it is on the file's scale (economist re-walk: 31.5 for a salary of 31 500 was
    asked about a percentage written as a fraction twice); otherwise a percentage as a fraction twice or a unit."""
    if table:
        return "a decimal point slipped at a level? "
    if unit.startswith("SEK") and 1 / SCALE_SLIP < value * 1000 / base < SCALE_SLIP:
        return f"written in tkr? {value:g} tkr is {whole_sek(value * 1000)} {unit}. "
    return "a percentage written as a fraction twice, or another unit? "


#: the level tables whose value grows with need — staff hours per user hour, support hours per day (the design
#: spec, model.md §2: "monotone non-decreasing in L"): a higher level never needs less, so a fall is a slip. Every
#: level table the model reads is one of these; a new one is placed here or left out as free to fall
NON_DECREASING_LEVELS = frozenset({"daglig_verksamhet.staff_ratio", "bostad_vuxna.support_hours_per_day",
                                   "bostad_barn.support_hours_per_day"})


def level_drops(levels: list[int], values: list[float]) -> list[int]:
    """The positions i where the table falls from levels[i] to levels[i + 1] (levels in ascending order)."""
    return np.flatnonzero(np.diff(np.asarray(values, dtype=float)) < 0).tolist()


def decreasing_message(what: str, levels: list[int], values: list[float], drops: list[int], grows: str) -> str:
    """The level_table_decreasing warning's text: where the table falls, why it must not, the likely slips."""
    where = " and ".join(f"from level {levels[i]} ({values[i]:g}) to level {levels[i + 1]} ({values[i + 1]:g})"
                         for i in drops)
    return (f"{what} falls {where}, but {grows}: two levels in the wrong order or a slipped decimal point (a tenth or "
            "ten times the value meant) is the likely cause — check the table against its source (the run uses it as given)")


def level_order_warnings(tree: ParameterTree) -> list[Warning_]:
    """A level table that grows with need (NON_DECREASING_LEVELS) but falls from one level to the next, in a
    parameter file (each dated value) or a scenario's override: levels 4 and 5 swapped and 0.139 typed for 1.39
    passed every range and moved daily activity's net cost from 320.9 to 289.7 MSEK (allocation audit)."""
    grows = "a higher need level needs at least as many staff hours"
    levels = list(LEVELS)
    leaves = [tree.parameters[path] for path in sorted(NON_DECREASING_LEVELS & tree.parameters.keys())]
    found = [(f"{leaf.path} (valid from {valid_from})", leaf.value_location(i), list(value))
             for leaf in leaves for i, (valid_from, value) in enumerate(leaf.values)]
    found += [(f"the new {o.path} (from {o.start})", o.location, list(o.value))
              for o in tree.overrides if o.path in NON_DECREASING_LEVELS]
    return [Warning_("level_table_decreasing", location, decreasing_message(what, levels, values, drops, grows))
            for what, location, values in found if (drops := level_drops(levels, values))]
