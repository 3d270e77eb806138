"""The scenario's Monte Carlo block (projection.uncertainty): validated with errors at the file that set
each key, and compared with the forecast's own intervals so that a block narrower than they imply is noted."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from resmodel.errors import InputError
from resmodel.projection_run.names import OWN, SFB
from resmodel.scenario.projection import ResolvedProjection

if TYPE_CHECKING:
    from resmodel.projection_run.setup import ProjectionSetup


#: a draw's sd narrower than this share of what the forecast's own interval implies is noted
NARROW_VOLUME_SD = 2 / 3


def own_provider_draw(spec) -> str:
    """The own provider's note's word on the Monte Carlo: with a volume draw per service that names the SFB cases
    and not the own provider, its hours take the SFB cases' draw (volume_followers) — said once, not as a service
    'not drawn' (economist re-walk 2, finding 3); '' otherwise (one draw for all moves every service alike)."""
    drawn = None if spec is None else spec.volume_growth
    if not isinstance(drawn, dict) or SFB not in drawn or OWN in drawn:
        return ""
    return (f"; a Monte Carlo run draws them with the SFB cases (projection.uncertainty.volume_growth.{SFB}), "
            "not on their own")


def volume_spread_notes(table: pd.DataFrame, spec, base_year: int, k: int = 5) -> list[str]:
    """A note when the uncertainty block's volume_growth is narrower than a service's forecast interval implies:
    the 80 % interval of the forecast's yearly average k years on (± w of the volume) corresponds to an annual
    growth sd of about w / (1.2816 k) (docs/budget.md §4); a block below two thirds of that leaves part of the
    volume uncertainty out of the Monte Carlo spread."""
    if spec is None:
        return []
    months = pd.to_datetime(table["month"])
    year = min(base_year + k, int(months.dt.year.max()))
    k = year - base_year
    rows = table[(months.dt.year == year).to_numpy()]
    if rows.empty or k < 1:
        return []
    by = rows.groupby("service")[["volume", "volume_lo_80", "volume_hi_80"]].sum()
    implied = ((by["volume_hi_80"] - by["volume_lo_80"]) / 2 / by["volume"].where(by["volume"] > 0)) / (1.2816 * k)
    drawn = spec.volume_growth
    narrow, undrawn = [], []
    for service, need in implied.dropna().items():
        dist = drawn.get(service) if isinstance(drawn, dict) else drawn
        if dist is None:  # a per-service block that does not name it: no draw at all, not a draw of sd 0
            undrawn.append(f"{service} ≈{need:.3f}")
        elif dist.spread() < NARROW_VOLUME_SD * need:
            narrow.append(f"{service} {dist.spread():.3f} against ≈{need:.3f}")
    if not narrow and not undrawn:
        return []
    parts = ([f"sd a year, drawn against implied: {'; '.join(narrow)}"] if narrow else []) + (
        [f"not drawn (no volume uncertainty), implied: {'; '.join(undrawn)}"] if undrawn else [])
    return [f"projection.uncertainty.volume_growth is narrower than the forecast's own 80 % intervals imply in {year} "
            f"({' — '.join(parts)}): the Monte Carlo spread leaves part of the volume uncertainty out — set the sd "
            "per service as docs/budget.md §4 shows"]


def uncertainty_block(s: ResolvedProjection):
    """The ``projection.uncertainty`` block validated as a Monte Carlo spec (errors located at the
    file and line that set it), or None when the scenario declares none."""
    from resmodel.budget import montecarlo

    if s.settings.uncertainty is None:
        return None
    try:
        return montecarlo.load_uncertainty(s.settings.uncertainty, prefix="projection.uncertainty")
    except InputError as exc:  # the block merges over 'extends': each problem at the file that set its key
        raise InputError([replace(p, location=s.location(p.location.path.removeprefix("projection.")))
                          for p in exc.problems]) from None


def uncertainty_spec(setup: ProjectionSetup):
    """The scenario's Monte Carlo spec; a located error when the scenario declares none."""
    spec = uncertainty_block(setup.settings)
    if spec is None:
        raise InputError.at(setup.settings.location(""), "Monte Carlo draws need distributions on drivers",
                            "an 'uncertainty:' block under 'projection:' (docs/budget.md §4)",
                            "add one, or run without --draws")
    return spec
