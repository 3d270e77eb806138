"""Result tables as JSON rows, one way for every endpoint: months as YYYY-MM, missing values as null,
numpy scalars as plain numbers, and minute columns named in ``clocks`` as HH:MM; and the typed row of
such a table for the response schema."""

from __future__ import annotations

from typing import Any

import pandas as pd
from pydantic import BaseModel, Field, create_model


def json_records(frame: pd.DataFrame, clocks: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The rows of ``frame`` as JSON objects."""
    from resmodel.io.shifts import clock
    from resmodel.io.writers import tidy_float

    months = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    if months:
        frame = frame.assign(**{c: frame[c].dt.strftime("%Y-%m") for c in months})

    def value(column: str, v: Any) -> Any:
        if pd.isna(v):
            return None
        if column in clocks:
            return clock(v)
        v = v.item() if hasattr(v, "item") else v
        return tidy_float(v) if isinstance(v, float) else v  # as the CSVs: 1176.0, not 1175.9999999999998

    return [{k: value(k, v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def row_model(name: str, doc: str, columns: dict[str, str], kinds: dict[str, type],
              optional=frozenset()) -> type[BaseModel]:
    """A typed row of a result table, described as a whole (``doc``, the schema's description) and field by
    field (``columns``: name → description, in order); fields are numbers unless ``kinds`` says otherwise; an
    ``optional`` column may be null or absent."""
    def field(column: str, description: str):
        kind = kinds.get(column, float)
        if column in optional:
            return kind | None, Field(None, description=description)
        return kind, Field(description=description)

    return create_model(name, __doc__=doc, **{c: field(c, d) for c, d in columns.items()})
