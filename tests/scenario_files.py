"""Test helpers for scenario files and data copies: a child of a shipped scenario, its projection setup, a copy of
the demo data and an edit of one piece of a file's text."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SC = ROOT / "scenarios"
DEMO = ROOT / "data" / "demokommun"


def child(tmp_path: Path, name: str, body: str, parent: Path = SC / "base.yaml", purpose: str = "test") -> Path:
    """A scenario file extending ``parent`` (by absolute path) with ``body`` below its header."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"name: {name}\npurpose: {purpose}\nextends: {parent}\n{body}", encoding="utf-8")
    return path


def setup_of(path: Path):
    """The projection setup of a scenario file."""
    from resmodel.projection_run import build_setup
    from resmodel.run import load, run

    loaded = load(path)
    return build_setup(loaded, run(loaded))


def demo_copy(tmp_path: Path) -> Path:
    """A copy of the demo data to edit."""
    data = tmp_path / "data"
    shutil.copytree(DEMO, data)
    return data


def edit(path: Path, old: str, new: str) -> None:
    """Replace one piece of a file's text (it must be there: a test that edits nothing tests nothing)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
