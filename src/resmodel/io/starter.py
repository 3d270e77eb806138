"""The starter kit `resmodel init` writes: a board folder with example tables, the parameters a run
needs (the demo municipality's values, marked ``template: true``), a base scenario and a checklist."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from resmodel.errors import InputError, Location
from resmodel.io.writers import write_folder_atomically


def _files(folder: Traversable, prefix: str = "") -> list[tuple[str, bytes]]:
    """Every file below ``folder`` as (relative path, bytes), in a fixed order."""
    out: list[tuple[str, bytes]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith((".", "__")):
            continue
        name = f"{prefix}{entry.name}"
        out += _files(entry, f"{name}/") if entry.is_dir() else [(name, entry.read_bytes())]
    return out


def starter_files() -> list[tuple[str, bytes]]:
    """The kit's files, as shipped in the package (resmodel/templates/board)."""
    return _files(resources.files("resmodel") / "templates" / "board")


def write_starter_kit(target: Path, display: str) -> list[str]:
    """Write the kit into ``target``, which must be new or empty: a board's own files are never replaced."""
    expected = "a new or empty folder for the board's files"
    fix = (f"give a new folder name, e.g. resmodel init {target.name or 'min_namnd'}_2 (init never overwrites "
           "files)")
    blocking = next((parent for parent in target.absolute().parents if parent.exists() and not parent.is_dir()), None)
    if blocking is not None:
        raise InputError.at(Location(file=display), f"the folder would be inside {blocking}, which is a file",
                            expected, fix)
    if target.is_symlink():
        raise InputError.at(Location(file=display), "the name is a link", expected,
                            f"give the folder it points to ({target.resolve()}) or a new folder name")
    if target.exists() and not target.is_dir():
        raise InputError.at(Location(file=display), "a file of that name exists", expected, fix)
    if target.exists() and any(target.iterdir()):
        raise InputError.at(Location(file=display), "the folder already exists and is not empty", expected, fix)
    files = starter_files()

    def write(tmp: Path) -> None:
        for name, content in files:
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)

    write_folder_atomically(target, write, ())
    return [name for name, _ in files]
