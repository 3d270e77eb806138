"""Which services a scenario projects and their base-year volumes (users.csv, other_services.csv),
and the located errors for a scenario key that names no projected service — shared by the check, the volumes and
the capacity block so that all three accept the same names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from resmodel.budget.areas import AREA_KEYS
from resmodel.errors import InputError, Problem, did_you_mean
from resmodel.projection_run.names import OWN, SFB
from resmodel.scenario.projection import ResolvedProjection


def own_provider_projected(loaded) -> bool:
    """The own provider's hours are a projected line (build_setup projects them from the SFB cases): some SFB case
    with hours is served in a unit of the board's own (regi egen), as the engine gives the provider hours."""
    users, units = loaded.data.users, loaded.data.units
    own_units = units.loc[units["regi"].astype(str) == "egen", "unit_id"]
    served = (users["service"].astype(str) == SFB) & users["unit_id"].isin(own_units)
    return bool((users.loc[served, "weekly_hours"].astype(float) > 0).any())


def check_service_keys(resolved: ResolvedProjection, services, own_provider: bool) -> None:
    """Every service named in volumes, volume_growth, volume_changes, adjustments and the uncertainty block's
    per-service volume growth is a projected service (capacity's are checked by ``capacity_limits``); with
    ``own_provider`` (own_provider_projected) an adjustment may name the own provider's line too, a one-off of its own
    such as Försäkringskassan's retroactive payment (economist re-walk: it was refused as no projected service)."""
    s = resolved.settings
    drawn = (s.uncertainty or {}).get("volume_growth")
    per_service = drawn if isinstance(drawn, Mapping) and "dist" not in drawn else {}  # as montecarlo reads it
    adjustable = [*services, *([OWN] if own_provider else [])]
    named = [*((k, f"volumes.{k}", services) for k in s.volumes),
             *((k, f"volume_growth.{k}", services) for k in s.volume_growth),
             *((c.service, f"volume_changes[{i}].service", services) for i, c in enumerate(s.volume_changes)),
             *((a.service, f"adjustments[{i}].service", adjustable) for i, a in enumerate(s.adjustments))]
    drawn_services = [*services, *([OWN] if SFB in services else [])]  # the own provider's hours are projected too
    problems = [_not_projected_problem(resolved, key, path, allowed) for key, path, allowed in named
                if key not in allowed]
    problems += [_not_projected_problem(resolved, str(key), f"uncertainty.volume_growth.{key}", drawn_services)
                 for key in per_service if str(key) not in drawn_services]
    if problems:  # all of them at once, as a file's problems are reported
        raise InputError(problems)


def _not_projected_problem(resolved: ResolvedProjection, key: str, path: str, services,
                           also: Sequence[str] = ()) -> Problem:
    """The located problem of a name that is no projected service (``also``: other words allowed there)."""
    if key == OWN and path.startswith("adjustments"):  # the line exists only where the provider has hours
        return Problem(resolved.location(path), f"'{key}', the own provider's line, is not projected here: no SFB case "
                       "is served in a unit of the board's own (regi egen)", "one of " + ", ".join(services),
                       "put the one-off on personlig_assistans_sfb, or check units.csv's regi")
    if key == OWN:  # a line of the results, but its hours follow the SFB cases: no did-you-mean to the SFB line
        return Problem(resolved.location(path), f"'{key}', the own provider's hours, follows the SFB cases (the base "
                       "year's hours per case) and cannot be set apart from them", "one of " + ", ".join(services),
                       "set it through personlig_assistans_sfb: its cases move the provider's hours")
    area = f"'{key}' is a report area, not a service; " if key in AREA_KEYS else ""
    return Problem(resolved.location(path), f"'{key}' is not a projected service",
                   "one of " + ", ".join([*also, *services]),
                   area + (did_you_mean(key, [*also, *services]) if not area else "")
                   + "correct the service name, or (a service the engine does not cost) add it to "
                   "other_services.csv to project it")


def not_projected(resolved: ResolvedProjection, key: str, path: str, services, also: Sequence[str] = ()) -> None:
    """Raise the located error for a name that is no projected service."""
    raise InputError([_not_projected_problem(resolved, key, path, services, also)])


def service_base_volumes(loaded, other: pd.DataFrame | None) -> dict[str, float]:
    """Each service's base-year volume: its users in users.csv, else its volume in ``other``, other_services.csv as
    the caller read it (None without one) — read once per projection or check, not again for each use."""
    return {**(dict(zip(other["service"], other["volume"].astype(float), strict=True)) if other is not None else {}),
            **loaded.data.users["service"].astype(str).value_counts().astype(float).to_dict()}
