"""The tables a scenario key names — the volume forecast (projection.volume_forecast) and a premises plan
(capacity.<service>.plan) — found relative to the scenario file that sets the key and checked there, so that the
check, the projection and the manifest all point at the same file."""

from __future__ import annotations

from pathlib import Path

from resmodel.errors import InputError
from resmodel.scenario.projection import ResolvedProjection, source_of


def check_table_path(resolved: ResolvedProjection, key: str, value: str, path: Path, name: str, made_by: str,
                      make_it: str, noun: str) -> None:
    """A table a scenario key names (a forecast file, a premises plan): located errors at the key for a
    folder, a path that is not there, and a file that is no table."""
    from resmodel.io.scenario import display_path

    where, expected = resolved.location(key), f"the {name} {made_by}"
    if path.is_dir():
        raise InputError.at(where, f"'{value}' is a folder", expected, f"point at the file: {Path(value) / name}")
    if not path.is_file():
        raise InputError.at(where, f"{noun} '{value}' not found (looked for '{display_path(path)}')", expected,
                            f"check the path (it is relative to the scenario file that sets it), or {make_it}")
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError.at(where, f"'{value}' is not a table ({path.suffix or 'no suffix'})",
                            f"{expected} (or the same table as .xlsx)", f"point '{key.split('.')[-1]}:' at {name}")


def forecast_file_path(resolved: ResolvedProjection) -> Path:
    """The volume forecast of ``projection.volume_forecast``, relative to the scenario file that sets it."""
    return source_of(resolved.chain, resolved.set_by, "volume_forecast").path.parent / resolved.settings.volume_forecast


def plan_path(resolved: ResolvedProjection, service: str) -> Path:
    """The premises plan of ``capacity.<service>.plan``, relative to the scenario file that sets it."""
    src = source_of(resolved.chain, resolved.set_by, f"capacity.{service}.plan")
    return src.path.parent / resolved.settings.capacity[service].plan
