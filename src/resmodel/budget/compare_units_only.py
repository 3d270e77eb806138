"""A comparison of scenarios of which one has no projection block (none, or one lifted by ``projection: null``):
each unit's base-year measures against the first scenario's, with no yearly differences, services or waterfall.
One definition for ``resmodel compare`` and ``POST /comparisons``, so that both answer such scenarios alike (the API
refused them while the CLI wrote jamforelse_enheter.csv: API parity). Whether a scenario has a projection block is read by ``io.scenario.projects``."""

from __future__ import annotations

import pandas as pd

#: why --measure, --year and --area (the API's measure, year and area) do nothing in a units-only comparison
UNUSED = "not used (they choose the projection's tables)"


def units_only_text(without: list[str]) -> str:
    """What a units-only comparison holds and why, naming the scenarios without a projection block: manifest.json's
    'units_only' and POST /comparisons' ``units_only``."""
    return f"no projection block in {', '.join(without)}: each unit's base-year measures only"


def units_only_note(without: list[str], left_out: str, unused: list[str]) -> str:
    """The note a units-only comparison carries: which scenarios have no projection block, what is ``left_out`` (as
    the CLI or the API names its tables) and which of the options given (``unused``) do nothing."""
    verb = "has" if len(without) == 1 else "have"
    return (f"{', '.join(without)} {verb} no projection block ('projection: null' or none): the base-year units only "
            f"— {left_out}" + (f"; {', '.join(unused)} {UNUSED}" if unused else ""))


def units_against_first(units: list[pd.DataFrame], names: list[str]) -> pd.DataFrame:
    """Each unit's base-year measures in every scenario after the first against the first's (``compare_units`` per
    pair, one after the other): the rows of jamforelse_enheter.csv and of POST /comparisons' ``units``."""
    from resmodel.budget.compare import compare_units

    return pd.concat([compare_units(units[0], other, names[0], name)
                      for other, name in zip(units[1:], names[1:], strict=True)], ignore_index=True)
