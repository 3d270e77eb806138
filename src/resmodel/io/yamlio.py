"""YAML reading that remembers the line of every key, so errors can point at it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from resmodel.errors import InputError, Location
from resmodel.io.pnr import check_comment_for_pnr, check_value_for_pnr
from resmodel.io.text import read_utf8


@dataclass
class LocatedDocument:
    """A parsed YAML document plus the line of each dotted key path ('' is the root) and, for each boolean value,
    the word it was written as ('yes', 'on', 'True'), so that a message can name what the file says."""

    file: str
    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)

    def line_of(self, path: str) -> int | None:
        """Line of the nearest enclosing key that was recorded for ``path``."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if "." not in path:
                return self.lines.get(path) or self.lines.get("")
            path = path.rsplit(".", 1)[0]

    def location(self, path: str) -> Location:
        return Location(file=self.file, line=self.line_of(path), path=path or None)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as ISO strings' native types and rejects duplicate keys."""


#: YAML 1.1 reads digits with ':' as a base-60 number (1:30 as 90, 10:30 as 630, a ratio 1:3 as 63); YAML 1.2
#: dropped that, and so does this loader: such a value stays text, which a number field then refuses, located
_Loader.yaml_implicit_resolvers = {
    first: [(tag, re.compile(r"(?!.*:)" + rx.pattern, rx.flags))
            if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") else (tag, rx) for tag, rx in resolvers]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _construct_scalar_key(node: yaml.Node) -> str:
    return str(node.value)


#: values a settings file may expand to: the largest shipped file has a few hundred; aliases of aliases
#: (&a [*b, *b, …]) multiply without bound (one such file ran for ten minutes at 7 GB)
MAX_VALUES = 100_000


def _is_number_piece(key: yaml.Node, value: yaml.Node) -> bool:
    """A plain digit key without a value: what YAML makes of the ',02' of '{a: 0,02}'."""
    return (isinstance(key, yaml.ScalarNode) and key.style is None and key.value.isdigit()
            and isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:null" and value.value == "")


def _refuse_comma_numbers(node: yaml.MappingNode, path: str, file: str) -> None:
    """In a {…} mapping YAML splits '0,02' into 0 and a key '02', and '1,067,700,000' into 1 and keys '067', '700',
    '000' (a duplicate key, an unknown key or a wrong value later): refuse it here, at the number as written, with
    the number to write. Only pieces that follow a number with no space after the comma count."""
    buffer, pairs = node.start_mark.buffer, node.value
    if not node.flow_style or buffer is None:
        return
    for i in range(1, len(pairs)):
        head_key, head = pairs[i - 1]
        if not (_is_number_piece(*pairs[i]) and isinstance(head, yaml.ScalarNode) and head.style is None
                and re.fullmatch(r"-?\d+", head.value) and buffer[head.end_mark.index:pairs[i][0].start_mark.index] == ","):
            continue
        pieces, end = [pairs[i][0].value], i + 1
        while (end < len(pairs) and _is_number_piece(*pairs[end])
               and buffer[pairs[end - 1][1].end_mark.index:pairs[end][0].start_mark.index] == ","):
            pieces.append(pairs[end][0].value)
            end += 1
        written = f"{head.value},{','.join(pieces)}"
        where = Location(file=file, line=head.start_mark.line + 1, path=f"{path}.{head_key.value}" if path
                         else str(head_key.value))
        check_value_for_pnr(head.value + "".join(pieces), where)  # the number is echoed: never an identity number
        if len(pieces) > 1 and all(len(p) == 3 for p in pieces):
            fix = f"write {head.value}{''.join(pieces)} (no thousands separator)"
        elif len(pieces) == 1:
            fix = f"write {head.value}.{pieces[0]} (decimal point '.')" + (
                f", or {head.value}{pieces[0]} if ',' separated thousands"
                if len(pieces[0]) == 3 and head.value.lstrip("-") != "0" else "")
        else:
            fix = "write the number with '.' as the decimal point and no thousands separator"
        raise InputError.at(where, f"'{written}' in a {{…}} mapping is read as {len(pieces) + 1} entries (YAML "
                            "splits at the comma)", "a number with '.' as the decimal point and no thousands "
                            "separator", fix)


def _walk(node: yaml.Node, path: str, lines: dict[str, int], file: str, count: list[int] | None = None,
          words: dict[str, str] | None = None) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    words = {} if words is None else words
    count = [0] if count is None else count
    count[0] += 1
    if count[0] > MAX_VALUES:
        raise InputError.at(Location(file=file, line=node.start_mark.line + 1, path=path or None),
                            f"the YAML expands to more than {MAX_VALUES:,} values (aliases repeating aliases?)",
                            "a settings file of at most that many values", "write the values out, without nested "
                            "aliases (*name)")
    if isinstance(node, yaml.MappingNode):
        _refuse_comma_numbers(node, path, file)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError.at(Location(file=file, line=key_node.start_mark.line + 1, path=path or None),
                                    "a key that is a list or a mapping", "a plain name or year before each ':'",
                                    "write the key as a plain word or number")
            key = _construct_scalar_key(key_node)
            _check_control_characters(key, Location(file=file, line=key_node.start_mark.line + 1, path=path or None))
            # keys are echoed in messages (duplicate or unknown key, unknown parameter): check them first
            check_value_for_pnr(key, Location(file=file, line=key_node.start_mark.line + 1))
            child = f"{path}.{key}" if path else key
            if key in out:
                raise InputError.at(
                    Location(file=file, line=key_node.start_mark.line + 1, path=child),
                    f"key '{key}' appears twice",
                    "each key once per mapping",
                    "remove or merge the duplicate key",
                )
            lines[child] = key_node.start_mark.line + 1
            out[key] = _walk(value_node, child, lines, file, count, words)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, f"{path}[{i}]", lines, file, count, words) for i, item in enumerate(node.value)]
    try:
        value = _Loader(" ").construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):  # e.g. a date that does not exist: 2024-13-01
        is_date = node.tag == "tag:yaml.org,2002:timestamp"
        raise InputError.at(
            Location(file=file, line=node.start_mark.line + 1, path=path or None),
            f"'{node.value}' is not a valid date" if is_date else "the value cannot be read",
            "a date YYYY-MM-DD that exists (month 1–12, a day of that month)" if is_date else "a valid YAML value",
            "correct the date" if is_date else "correct the value, or quote it if it is text",
        ) from None
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0) or value.tzinfo is not None:  # a time of day would be dropped unseen
            raise InputError.at(Location(file=file, line=node.start_mark.line + 1, path=path or None),
                                f"'{node.value}' is a date with a time of day", "a date YYYY-MM-DD",
                                f"write the date alone, {value.date().isoformat()}")
        value = value.date()
    if isinstance(value, str):
        _check_control_characters(value, Location(file=file, line=node.start_mark.line + 1, path=path or None))
    if isinstance(value, bool):  # YAML 1.1 reads yes/no/on/off/true/false as booleans: the word, for messages
        words[path] = str(node.value)
    return value


#: control characters no settings text needs (tab, line feed and carriage return are allowed): they
#: garble the terminal and cannot be stored in a workbook
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_control_characters(text: str, where: Location) -> None:
    found = CONTROL_CHARACTERS.search(text)
    if found:
        raise InputError.at(where, f"the text holds a control character (U+{ord(found.group()):04X})",
                            "printable text (tab and line breaks allowed)",
                            "delete the character; in double quotes a backslash starts an escape ('\\f' in "
                            "\"K:\\forvaltning\" is one): write such text in single quotes or with '/'")


def parse_yaml(text: str, file: str) -> LocatedDocument:
    """Parse YAML text into data plus a key-path → line map; malformed YAML is a located error."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.reader.ReaderError as exc:  # a raw control character (pasted from a terminal), before any parsing
        line = text.count("\n", 0, exc.position) + 1
        raise InputError.at(Location(file=file, line=line), f"the text holds a control character "
                            f"(U+{exc.character:04X}) at character {exc.position - text.rfind(chr(10), 0, exc.position)}"
                            " of the line", "printable text (tab and line breaks allowed)",
                            "delete the character (it may have come with text pasted from a terminal or a "
                            "spreadsheet; an editor may show it as a box or not at all)") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError.at(
            Location(file=file, line=(mark.line + 1) if mark else None),
            f"malformed YAML ({exc.problem or exc.context})",
            "valid YAML (key: value pairs, consistent indentation, no tabs)",
            "correct the syntax on that line (check indentation, colons and quotes)",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError.at(
            Location(file=file), f"malformed YAML ({exc})", "valid YAML", "correct the file's syntax"
        ) from None
    except RecursionError:  # '[' nested hundreds deep: no settings file nests so
        raise InputError.at(Location(file=file), "the YAML is nested too deeply to read",
                            "settings nested a few levels", "correct the brackets or indentation") from None
    lines: dict[str, int] = {}
    words: dict[str, str] = {}
    try:
        data = {} if root is None else _walk(root, "", lines, file, words=words)
    except RecursionError:
        raise InputError.at(Location(file=file), "the YAML is nested too deeply to read",
                            "settings nested a few levels", "correct the brackets or indentation") from None
    doc = LocatedDocument(file=file, data=data, lines=lines, words=words)
    _check_personal_numbers(doc, data, "")
    _check_comments(text, file)
    return doc


_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#.*")  # YAML: '#' at a line's start or after a space starts a comment


def _check_comments(text: str, file: str) -> None:
    """A comment is part of the file too (it is kept, copied and shared with it): one that holds what looks like a
    personal identity number is refused at its line, as a value would be."""
    for number, line in enumerate(text.splitlines(), start=1):
        comment = _COMMENT.search(line)
        if comment and any(ch.isdigit() for ch in comment.group()):
            check_comment_for_pnr(comment.group(), Location(file=file, line=number))


def _check_personal_numbers(doc: LocatedDocument, value: Any, path: str) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _check_personal_numbers(doc, child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            _check_personal_numbers(doc, child, f"{path}[{i}]")
    else:
        check_value_for_pnr(value, doc.location(path))


def read_yaml(path: Path, display_name: str | None = None) -> LocatedDocument:
    """Read a YAML file; a missing or unreadable file is a located error."""
    name = display_name or str(path)
    if not path.is_file():
        raise InputError.at(
            Location(file=name),
            "file not found",
            "an existing YAML file",
            "check the path (relative paths are resolved against the referring file's folder)",
        )
    return parse_yaml(read_utf8(path, name, "YAML", "save the file as UTF-8"), name)
