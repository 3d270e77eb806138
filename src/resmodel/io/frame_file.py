"""The council frame of a scenario chain as its files hold it: an inline mapping or a frame YAML file per
scenario file that sets one, composed root first (a path starts over, an inline mapping merges over what came
before), with the file and line of each key for messages. Reads files, so it lives in io; the merge rules are
scenario/projection.py's."""

from __future__ import annotations

import weakref
from typing import Any

from resmodel.errors import InputError, Location
from resmodel.io.scenario import ScenarioSource, display_path
from resmodel.io.yamlio import LocatedDocument, read_yaml
from resmodel.scenario.projection import ResolvedProjection, held_along, merge

#: each scenario file's frame layer, by the id of its ScenarioSource while that lives (``weakref.finalize``): the
#: frame YAML a file names is read once, not again for the frame's words and for each message located in the frame
_LAYERS: dict[int, tuple] = {}


def _frame_layer(src: ScenarioSource, frame: str | dict[str, Any]):
    """(mapping, file shown in messages, line_of(key), word_of(key): the word a boolean there was written as) of one
    file's frame entry, ``frame``, read once per file of the chain."""
    key = id(src)
    if key not in _LAYERS:
        _LAYERS[key] = _read_frame_layer(src, frame)
        weakref.finalize(src, _LAYERS.pop, key, None)
    return _LAYERS[key]


def _read_frame_layer(src: ScenarioSource, frame: str | dict[str, Any]):
    """``_frame_layer`` as the file's frame entry gives it: an inline mapping, or the frame YAML file it names."""
    if isinstance(frame, dict):  # the file's document, not the file: a layer kept must not keep its file alive
        own = src.doc
        return (frame, src.display, (lambda key: own.line_of(f"projection.frame.{key}")),
                (lambda key: own.words.get(f"projection.frame.{key}")))
    path = src.path.parent / frame
    if not path.is_file():
        raise InputError.at(src.doc.location("projection.frame"), f"frame file '{frame}' not found",
                            "a frame YAML file (docs/budget.md §2)",
                            "check the path (it is relative to the scenario file that sets it)")
    doc: LocatedDocument = read_yaml(path, display_path(path))
    nested = isinstance(doc.data, dict) and "frame" in doc.data
    data = doc.data["frame"] if nested else doc.data
    if not isinstance(data, dict):
        raise InputError.at(doc.location("frame" if nested else ""), "the frame file is not a mapping",
                            "a 'frame:' mapping as in docs/budget.md §2", "correct the file")
    return (data, doc.file, (lambda key: doc.line_of(f"frame.{key}" if nested else key)),
            (lambda key: doc.words.get(f"frame.{key}" if nested else key)))


def _frame_layers(resolved: ResolvedProjection) -> list:
    """The frame entries of the chain that make up its frame, root first: a path starts over, an inline
    mapping is merged over what came before."""
    layers = []
    for src in resolved.chain:
        block = src.doc.data.get("projection") if isinstance(src.doc.data, dict) else None
        if isinstance(block, dict) and block.get("frame") is not None:
            layer = _frame_layer(src, block["frame"])
            layers = [layer] if isinstance(block["frame"], str) else [*layers, layer]
    return layers


def frame_location(resolved: ResolvedProjection, path: str) -> Location:
    """Where ``frame.<key>`` was set: of the frame's layers holding the longest part of the key, the
    last — or a later one whose value on the way replaces the earlier ones whole (a list, a ``kind``) —
    as ``source_of`` does for the projection block, at the line of its nearest enclosing key."""
    key = path.removeprefix("frame").removeprefix(".")
    best, depth = None, -1
    for layer in _frame_layers(resolved):
        held, whole = held_along(layer[0], key)
        if held >= depth or whole:
            best, depth = layer, held
    return Location(file=best[1], line=best[2](key), path=path)


def frame_document(resolved: ResolvedProjection) -> tuple[dict[str, Any], str, Any]:
    """The frame of the chain: a file's content or an inline mapping, composed root first (an inline
    mapping in a child is merged key by key over the parent's frame, a path replaces it). Returns
    (mapping, file shown in messages — the last file that changed it, line_of(key))."""
    if resolved.settings.frame is None:
        raise InputError.at(resolved.location(""), "the projection has no frame",
                            "'frame: <path to a frame YAML>' or an inline frame mapping",
                            "add e.g. 'frame: ../data/demokommun/frame.yaml' under 'projection:'")
    layers = _frame_layers(resolved)
    data: dict[str, Any] = {}
    for layer in layers:
        data = merge(data, layer[0])

    last_data, last_file, last_line, _ = layers[-1]

    def line_of(key: str) -> int | None:
        """Line in the last file that changed the frame; keys only set earlier get no line."""
        top = key.split(".", 1)[0].split("[", 1)[0]
        return last_line(key) if top in last_data or not key else None

    return data, layers[-1][1], line_of


def frame_words(resolved: ResolvedProjection):
    """word_of(key): the word a boolean at ``frame.<key>`` was written as ('yes', 'on') in the last of the frame's
    layers that writes one there, for the message that refuses it where a number is meant; None if none does."""
    layers = _frame_layers(resolved) if resolved.settings.frame is not None else []

    def word_of(key: str) -> str | None:
        return next((word for layer in reversed(layers) if (word := layer[3](key)) is not None), None)

    return word_of
