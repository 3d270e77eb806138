"""How a text cell is read as the value a column allows: case, å/ä/ö, spaces and hyphens folded, the law's and
case systems' names for a value ('Privat' is extern), and words written before a level ('Nivå 3') — so that an
export's spelling is read as meant instead of refused row by row."""

from __future__ import annotations

import re
from collections.abc import Collection

import pandas as pd

#: the words a case system writes before a need level ('Nivå 3'); a level column reads the number after them
LEVEL_WORDS = ("nivå", "niva", "level")


def without_prefix_words(text: pd.Series, words: tuple[str, ...] = LEVEL_WORDS) -> pd.Series:
    """'Nivå 3', 'nivå: 3' as a case system exports them: the number after the word (the cell in Unicode NFC, so
    that an 'å' written as 'a' and a ring reads the same) — every table's level column reads them alike."""
    pattern = "|".join(re.escape(w) for w in words)
    return text.astype("string").str.normalize("NFC").str.replace(rf"(?i)^(?:{pattern})\s*:?\s*(?=\d)", "",
                                                                  regex=True)


#: names of allowed values in the words of the law or of a case system, and the values each may be: read as the one
#: of them a column allows ('Assistansersättning' is a user's personlig_assistans_sfb, a unit's personlig_assistans);
#: where a column allows more than one (a user's 'Personlig assistans': SFB or LSS) it is refused, naming them —
#: every row of official names was refused without a suggestion (new-board re-walk)
VALUE_NAMES = {
    "Bostad med särskild service för vuxna": ("bostad_vuxna",),  # LSS 9 § 9
    **dict.fromkeys(("Bostad med särskild service för barn", "Bostad med särskild service för barn och ungdomar",
                     "Bostad för barn och ungdomar"), ("bostad_barn",)),  # LSS 9 § 8
    **dict.fromkeys(("Daglig verksamhet LSS", "Daglig verksamhet enligt LSS"), ("daglig_verksamhet",)),  # LSS 9 § 10
    "Assistansersättning": ("personlig_assistans_sfb", "personlig_assistans"),  # SFB 51 kap.
    "Personlig assistans enligt LSS": ("personlig_assistans_lss", "personlig_assistans"),
    "Personlig assistans enligt SFB": ("personlig_assistans_sfb", "personlig_assistans"),
    "Personlig assistans": ("personlig_assistans_sfb", "personlig_assistans_lss"),
    **dict.fromkeys(("Privat", "Privat regi", "Enskild", "Enskild regi", "Extern regi"), ("extern",)),
    **dict.fromkeys(("Egen regi", "Kommunal", "Kommunal regi"), ("egen",)),
}


def folded_value(text: pd.Series) -> pd.Series:
    """Cells as allowed values are spelt: Unicode NFC (a macOS copy's decomposed 'ö' is the composed one), blanks at
    the ends dropped, lower case, å/ä/ö/é as a/a/o/e, spaces and hyphens as '_'."""
    return (text.str.normalize("NFC").str.strip().str.lower().str.translate(str.maketrans("åäöé", "aaoe"))
            .str.replace(r"[\s\-]+", "_", regex=True))


#: VALUE_NAMES as cells are compared with them, folded
_FOLDED_NAMES = dict(zip(folded_value(pd.Series(list(VALUE_NAMES), dtype="string")), VALUE_NAMES.values(), strict=True))


def named_values(folded: str, allowed: Collection[str]) -> list[str]:
    """The allowed values a folded cell may name by VALUE_NAMES: one is read as it, several are refused naming them."""
    return [k for k in _FOLDED_NAMES.get(folded, ()) if k in allowed]


def allowed_spelling(text: pd.Series, allowed: Collection[str]) -> pd.Series:
    """Each cell as the allowed value it spells with capitals, å/ä/ö/é and spaces or hyphens for '_'
    ('Stödpedagog' → stodpedagog, 'Personlig assistent' → personlig_assistent) or names by VALUE_NAMES ('Privat' is
    extern), else as written: a board's export writes the role or service as people say it, and the reader told it
    to retype every row (new-board walk)."""
    folded = folded_value(text)
    names = {name: keys[0] for name in _FOLDED_NAMES if len(keys := named_values(name, allowed)) == 1}
    read = folded.where(folded.isin(allowed), folded.map(names))
    return read.where(read.isin(allowed), text)
