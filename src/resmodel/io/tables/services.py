"""Service names as a board writes them mapped to resmodel's service keys, and which of them are costed from
other_services.csv (a short stay, 'korttidshem') rather than from units and users — shared by the table
readers and the series reader (io.series)."""

from __future__ import annotations

import pandas as pd

from resmodel.io.tables.values import folded_value

#: what a board calls a service besides its key and its label in the report areas (budget.areas.SERVICE_LABELS):
#: the home a short stay is spent in
SERVICE_WORDS = {"korttidshem": "korttidsvistelse"}


def service_key(text: str) -> str:
    """A service as written ('Avlösarservice', 'Särskilt boende SoL') in the form of a service key, folded as the
    allowed values are (``folded_value``: one fold for both — the two differed on é and Unicode form, diff review)."""
    return str(folded_value(pd.Series([text], dtype="string")).iloc[0])


def other_service_of(value: str) -> str | None:
    """The key of other_services.csv a service value names — by key, by its Swedish label or a board's word for it
    ('korttidshem' is korttidsvistelse); None for any other value."""
    from resmodel.budget.areas import SERVICE_LABELS
    from resmodel.io.dictionary import OTHER_SERVICE_KEYS  # imported here: the dictionary imports this module

    words = {**{service_key(SERVICE_LABELS[k].split(" — ")[0]): k for k in OTHER_SERVICE_KEYS},
             **SERVICE_WORDS, **{k: k for k in OTHER_SERVICE_KEYS}}
    return words.get(service_key(value))
