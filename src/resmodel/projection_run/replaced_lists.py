"""The lists a child scenario replaces whole (volume_changes, adjustments, the frame's rule lists):
which entries of its parent's list the new list drops, warned as list_replaced, since a child giving one rule
silently dropped the parent's others."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from pydantic_core import PydanticUndefined

from resmodel.budget.frame import DemographicRule, ExpansionItem, Supplement, VolumeRule
from resmodel.errors import Location, Warning_
from resmodel.io.frame_file import frame_document, frame_location
from resmodel.scenario.projection import Adjustment, ResolvedProjection, VolumeChange, merge

#: the lists of the projection block and of the frame that a child's list replaces whole (docs/projection.md,
#: "Composition over extends"), the model of their entries and the keys that name an entry: an entry of the
#: parent's list that the child's list names nowhere no longer applies
REPLACED_LISTS = {"volume_changes": (VolumeChange, ("service", "from_year")),
                  "adjustments": (Adjustment, ("service", "year")),
                  "frame.demographic": (DemographicRule, ("area", "from_year")),
                  "frame.volume_compensation": (VolumeRule, ("service", "from_year")),
                  "frame.expansion": (ExpansionItem, ("area", "year")),
                  "frame.supplements": (Supplement, ("area", "year"))}


def _entry_names(entries, model, keys: tuple[str, ...]) -> list[tuple]:
    """Each mapping entry of a list as the keys that name it, a key left out taking the model's default."""
    def value(entry, key):
        default = model.model_fields[key].default
        return entry.get(key, None if default is PydanticUndefined else default)

    return [tuple(value(e, k) for k in keys) for e in entries if isinstance(e, Mapping)] \
        if isinstance(entries, list) else []


def _dropped_warning(key: str, before, after, parent_file: str, where: Location) -> list[Warning_]:
    """A ``list_replaced`` warning when the list ``after`` a child wrote leaves out entries of the list ``before``
    it (the composed parent's, set in ``parent_file``), naming them: a child giving one volume-compensation rule
    silently dropped the parent's four others, moving the 2034 deviation by −245 MSEK (economist walkthrough)."""
    model, keys = REPLACED_LISTS[key]
    kept = set(_entry_names(after, model, keys))
    dropped = [n for n in dict.fromkeys(_entry_names(before, model, keys)) if n not in kept]
    if not dropped:
        return []
    names = [n[0] for n in dropped]
    ambiguous = {n[0] for n in kept} | {n for n in names if names.count(n) > 1}
    labels = [str(n[0]) if n[0] not in ambiguous else f"{n[0]} ({keys[1]} {n[1] if n[1] is not None else '–'})"
              for n in dropped]
    return [Warning_("list_replaced", where,
                     f"{key.removeprefix('frame.')} no longer {'covers' if key.endswith('compensation') else 'holds'} "
                     f"{', '.join(labels)}, which {parent_file} gives (a list replaces the whole list of the file it "
                     "extends) — repeat them in this file to keep them")]


def replaced_list_warnings(resolved: ResolvedProjection) -> list[Warning_]:
    """A ``list_replaced`` warning for each list of the projection block or of an inline frame with which a file
    of the chain replaces a list before it that had entries the new list leaves out (_dropped_warning)."""
    out: list[Warning_] = []
    merged: dict = {}
    set_in: dict[str, str] = {}
    for i, src in enumerate(resolved.chain):
        block = src.doc.data.get("projection") if isinstance(src.doc.data, dict) else None
        if not isinstance(block, dict):
            continue
        for key in ("volume_changes", "adjustments"):
            if isinstance(block.get(key), list) and key in set_in:
                out += _dropped_warning(key, merged.get(key), block[key], set_in[key],
                                        src.doc.location(f"projection.{key}"))
        frame = block.get("frame")
        earlier = any(isinstance(s.doc.data, dict) and isinstance(s.doc.data.get("projection"), dict)
                      and s.doc.data["projection"].get("frame") is not None for s in resolved.chain[:i])
        if isinstance(frame, dict) and earlier:
            before_resolved = replace(resolved, chain=resolved.chain[:i])
            before, _, _ = frame_document(before_resolved)
            for key in (k for k in REPLACED_LISTS if k.startswith("frame.")):
                name = key.removeprefix("frame.")
                if isinstance(frame.get(name), list) and before.get(name):
                    out += _dropped_warning(key, before[name], frame[name],
                                            str(frame_location(before_resolved, key).file),
                                            src.doc.location(f"projection.{key}"))
        merged = merge(merged, block)
        set_in.update({key: src.display for key in block if block[key] is not None})
    return out
