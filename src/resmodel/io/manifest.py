"""The manifest of a file-based command (forecast, backtest, nowcast, queue, plan-premises, shift-plan):
what its outputs rest on — the resmodel version, every option, each input file's content hash and, where
a scenario was read, its run's scenario, parameter and data hashes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from resmodel import __version__
from resmodel.errors import Location
from resmodel.io.pnr import check_value_for_pnr
from resmodel.io.scenario import display_path
from resmodel.io.writers import json_text

#: the run manifest's keys a command that reads a scenario records under 'scenario'
SCENARIO_KEYS = ("scenario", "scenario_chain", "scenario_hash", "parameter_hash", "data_hash", "base_date")


def hash_files(files: list[Path], root: Path) -> str:
    """sha256 over files in name order, each by its path relative to ``root`` and its bytes, each part
    preceded by its length so that no two different folders give the same stream (the data and parameter
    hashes of a run's manifest; a folder option of a command)."""
    digest = hashlib.sha256()
    for file in sorted(files):
        for part in (file.relative_to(root).as_posix().encode(), file.read_bytes()):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()


def file_record(path: Path) -> dict[str, str | None]:
    """A file (its sha256) or a folder (its files' hash_files) by its shown path; None for a path that
    does not exist (an option the command did not read)."""
    if not path.exists():
        return {"file": display_path(path), "sha256": None}
    sha = (hash_files([f for f in path.rglob("*") if f.is_file()], path) if path.is_dir()
           else hashlib.sha256(path.read_bytes()).hexdigest())
    return {"file": display_path(path), "sha256": sha}


def _value(value: Any) -> Any:
    if isinstance(value, Path):
        return file_record(value)
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return value


def command_manifest(command: str, params: Mapping[str, Any], run_manifest: Mapping | None = None) -> dict:
    """``params`` are the command's options by name (click's ``ctx.params``; the output folder is left
    out, as it does not change the results); file options become {file, sha256}."""
    manifest = {"resmodel_version": __version__, "command": command,
                "options": {name: _value(v) for name, v in params.items() if name != "out"}}
    if run_manifest is not None:
        manifest["scenario"] = {**{k: run_manifest[k] for k in SCENARIO_KEYS},
                                **{k: run_manifest[k] for k in ("premises_plans",) if k in run_manifest}}
    return manifest


def manifest_writer(command: str, params: Mapping[str, Any], run_manifest: Mapping | None = None
                    ) -> Callable[[Path], None]:
    """A writer for write_atomically: the command's manifest.json, as every output writes JSON."""
    text = json_text(command_manifest(command, params, run_manifest))
    return lambda path: path.write_text(text, encoding="utf-8")


def command_options(path: Path, command: str, checked: tuple[str, ...] = ()) -> tuple[dict | None, str | None]:
    """The options an output beside ``path`` was made with, from the manifest.json ``command`` wrote next to
    it, and why there are none: (None, None) without a manifest, (None, reason) for one that cannot be read
    or is another command's. The ``checked`` options are refused (located at the manifest, never repeated)
    when they look like a personal identity number."""
    manifest = path.parent / "manifest.json"
    if not manifest.is_file():
        return None, None
    display = display_path(manifest)
    try:
        data = json.loads(manifest.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError) as exc:  # RecursionError: JSON nested beyond Python's limit
        return None, f"'{display}' cannot be read ({type(exc).__name__})"
    if not isinstance(data, dict) or data.get("command") != command:
        return None, f"'{display}' is not the manifest of {command}"
    options = data.get("options")
    if not isinstance(options, dict):
        return None, f"'{display}' has no options"
    for key in checked:
        check_value_for_pnr(options.get(key), Location(display, path=f"options.{key}"))
    return options, None
