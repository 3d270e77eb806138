"""The data dictionary's declarations: a table (``TableSchema``) and its columns (``Column``: type, unit,
allowed values, bounds) with the words messages and docs/data-dictionary.md use for them, and the characters
of an id. Kept apart from the readers, which check cells against them, so that a table's declaration reads on
its own."""

from __future__ import annotations

from dataclasses import dataclass

#: the characters of an id, as a pattern and as messages and the data dictionary say them
ID_PATTERN = r"[A-Za-z0-9_\-]+"
ID_RULE = "letters a–z or A–Z without å, ä, ö; digits, '-' or '_'"


@dataclass(frozen=True)
class Column:
    """One column of a data dictionary: name, type, unit, allowed values, bounds, required."""

    name: str
    kind: str  # "id", "str", "int", "float", "date", "month"
    description: str
    unit: str = ""
    required: bool = True
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    above_minimum: bool = False  # the minimum itself is refused: values must be above it (> 0)
    duplicate_fix: str = "remove the duplicate row or give it its own id"  # what to do about a repeated unique value
    unique: bool = False
    references: str | None = None  # "table.column" that this column must match
    prefix_words: tuple[str, ...] = ()  # words an export writes before the value ('Nivå 3'), read past

    def expected(self) -> str:
        if self.allowed:
            return "one of " + ", ".join(repr(a) for a in self.allowed)
        kind = {
            "id": f"a pseudonymous id ({ID_RULE})",
            "str": "text",
            "int": "a whole number",
            "float": "a number (decimal point '.')",
            "date": "a date YYYY-MM-DD",
            "month": "a month written YYYY-MM (or a first-of-month date YYYY-MM-01)",
        }[self.kind]
        if self.minimum is not None and self.maximum is not None:
            return kind + (f" above {self.minimum:g}, at most {self.maximum:g}" if self.above_minimum
                           else f" from {self.minimum:g} to {self.maximum:g}")
        if self.minimum is not None:
            return kind + f" {'>' if self.above_minimum else '≥'} {self.minimum:g}"
        return kind

    def range_text(self) -> str:
        """The allowed range as the data dictionary shows it: '0–10000', '≥ 0', '> 0' (empty without bounds)."""
        low = "" if self.minimum is None else f"{'> ' if self.above_minimum else ''}{self.minimum:g}"
        if self.minimum is not None and self.maximum is not None:
            return f"{low}, ≤ {self.maximum:g}" if self.above_minimum else f"{low}–{self.maximum:g}"
        if self.minimum is not None:
            return low if self.above_minimum else f"≥ {low}"
        return ""


@dataclass(frozen=True)
class TableSchema:
    """A named table in the data dictionary."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # columns that together name one row (a repeated combination is refused by its reader)

    def __post_init__(self) -> None:
        KNOWN_TABLES.setdefault(self.name, self)  # the first declaration of a name (a reader's variant is not)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def required(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns if c.required)

    def row_identity(self) -> tuple[str, ...]:
        """The columns whose values name one row, for the data dictionary: the key, else the unique columns."""
        return self.key or tuple(c.name for c in self.columns if c.unique)


#: every table declared so far, by name: a file of one given for another is named for what it is (headers.py)
KNOWN_TABLES: dict[str, TableSchema] = {}
