"""Shipped scenarios by name, from the folder in RESMODEL_SCENARIOS (default ./scenarios)."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import HTTPException
from pydantic import Field

from api.problems import one_problem, scenario_problems
from resmodel.errors import ResmodelError
from resmodel.io.pnr import looks_like_pnr
from resmodel.run import LoadedScenario, load

SCENARIO_NAME = Field(description="name of a scenario file in the scenario folder, without .yaml (letters, "
                      "digits, '_' and '-')", pattern=r"^[A-Za-z0-9_\-]+$", max_length=100)


def scenario_folder() -> Path:
    return Path(os.environ.get("RESMODEL_SCENARIOS", "scenarios"))


def load_scenario(name: str) -> LoadedScenario:
    """404 when there is no such scenario, 422 with located problems when it is broken."""
    if looks_like_pnr(name):
        raise one_problem(422, ["body", "scenario"], "the name looks like a personal identity number; it is not "
                          "shown here. Fix: use a scenario name")
    folder = scenario_folder()
    path = folder / f"{name}.yaml"
    if not path.is_file():
        names = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
        if names:
            expected, fix = f"one of {', '.join(names)}", "use one of these names, or start the server with " \
                "RESMODEL_SCENARIOS set to the folder holding your scenario files"
        else:
            expected, fix = "a scenario file, but the server's scenario folder holds none", "start the server " \
                "with RESMODEL_SCENARIOS set to the folder holding the scenario files (default ./scenarios)"
        raise one_problem(404, ["body", "scenario"], f"no scenario '{name}' in the scenario folder. Expected "
                          f"{expected}. Fix: {fix}")
    try:
        return load(path)
    except ResmodelError as exc:
        raise scenario_error(exc) from None


def scenario_error(exc: ResmodelError) -> HTTPException:
    """A 422 for a broken scenario or its data, with paths shown relative to the folder that holds
    the scenario folder (the project folder), never as the server's absolute paths."""
    return scenario_problems(exc, scenario_folder().resolve().parent)
