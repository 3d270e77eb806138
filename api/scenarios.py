"""Shipped scenarios by name, from the folder in RESMODEL_SCENARIOS (default ./scenarios), and
``GET /scenarios``: what a front-end can offer — each scenario's name, purpose, parent, hash and whether it
can be projected (a frame) with Monte Carlo draws (an uncertainty block)."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, BeforeValidator, Field, StringConstraints
from pydantic.fields import FieldInfo

from api.fields import Version
from api.problems import one_problem, scenario_problems, without_server_paths
from resmodel import __version__
from resmodel.errors import ResmodelError, shown
from resmodel.io.pnr import looks_like_pnr
from resmodel.run import LoadedScenario, load

router = APIRouter()

#: a file name in the folder (å ä ö too): no path, no '.yaml'. Letters spelt out, as JavaScript's \w (Swagger UI, schema
#: validators) is ASCII only where Python's is Unicode: the schema's rule is the server's
NAME_PATTERN, NAME_LENGTH = r"^[A-Za-z0-9_\-À-ÖØ-öø-ÿ]+$", 100


def _composed(value: Any) -> Any:
    """A name sent as text, composed (NFC) before the pattern sees it: 'bas_a' and a combining ring, as a Mac types
    'bas_å', was refused by the pattern before load_scenario composed it (API review)."""
    return nfc(value) if isinstance(value, str) else value


#: a scenario name as a request sends it: composed, then a plain file name (the validator after the constraints
#: runs first, and the schema keeps the pattern)
SentName = Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=NAME_LENGTH), BeforeValidator(_composed)]
#: the request field 'scenario', described
SCENARIO_NAME = FieldInfo.from_annotation(Annotated[SentName, Field(
    description="name of a scenario file in the scenario folder, without .yaml (letters, å ä ö too, digits, '_' "
                "and '-'; an accent sent as a character of its own, Unicode NFD, is read composed)")])


def sendable(name: str) -> bool:
    """A name a request may carry: the pattern (so never a path) and not an identity number."""
    return len(name) <= NAME_LENGTH and re.fullmatch(NAME_PATTERN, name) is not None and not looks_like_pnr(name)


def nfc(text: str) -> str:
    """A name as it is compared: composed Unicode (NFC). A file copied from a Mac spells 'å' as 'a' and a combining
    ring (NFD), which a request typed elsewhere does not."""
    return unicodedata.normalize("NFC", text)


def _scenario_file(folder: Path, name: str) -> Path:
    """The file of scenario ``name`` (NFC): its own name, else the file whose name is ``name`` once composed."""
    path = folder / f"{name}.yaml"
    if path.exists() or path.is_symlink() or not folder.is_dir():
        return path
    return next((p for p in sorted(folder.glob("*.yaml")) if nfc(p.stem) == name), path)


def scenario_folder() -> Path:
    """The folder of scenario files the API serves: RESMODEL_SCENARIOS, or ./scenarios."""
    return Path(os.environ.get("RESMODEL_SCENARIOS", "scenarios"))


def project_folder() -> Path:
    """The folder the scenario folder lies in: the API's messages show paths relative to it."""
    return scenario_folder().resolve().parent


def scenario_warning_lines(loaded: LoadedScenario, setup=None) -> list[str]:
    """A scenario's parameter slips and starter-kit values (with a projection ``setup``, its named checks too) as
    `resmodel run` prints them, paths relative to the project — for every answer built on a scenario."""
    from resmodel.warning_order import scenario_warnings, warning_lines

    project = project_folder()
    return [without_server_paths(line, project) for line in warning_lines(
        scenario_warnings(loaded, setup), loaded, "in POST /runs' warnings of the scenario")]


def new_data_warning_lines(reference, result) -> list[str]:
    """The data warnings of compared run ``result`` that the reference run does not give, as `resmodel compare` prints
    them ('(not in 'base') [no_roster] …'; none for the reference itself), paths relative to the project."""
    from resmodel.warning_order import warning_lines, warnings_not_in

    if result is reference:
        return []
    project = project_folder()
    return [f"(not in '{reference.loaded.scenario.name}') " + without_server_paths(line, project)
            for line in warning_lines(warnings_not_in(reference.warnings, result.warnings), result.loaded,
                                      "in POST /runs' warnings of the scenario")]


def load_scenario(name: str, loc: list[Any] | None = None) -> LoadedScenario:
    """404 when there is no such scenario, 422 with located problems (at ``loc``, default the body's
    'scenario') when it is broken; a name that is not a plain file name is refused here too, whatever
    the endpoint's schema checked, so that no request reaches a file outside the folder."""
    loc = loc or ["body", "scenario"]
    name = nfc(name)
    if looks_like_pnr(name):
        raise one_problem(422, loc, "the name looks like a personal identity number; it is not "
                          "shown here. Fix: use a scenario name")
    if not sendable(name):
        raise one_problem(422, loc, f"'{shown(name, 100)}' is not a scenario name. Expected letters, digits, '_' "
                          "and '-' (at most 100; no folder, no '.yaml'). Fix: send a name GET /scenarios lists")
    folder = scenario_folder()
    path = _scenario_file(folder, name)
    if path.is_symlink() or path.is_dir():  # listed with its problem by GET /scenarios: the same problem here
        if not path.is_file():
            what = "is a folder" if path.is_dir() else "is a link to nowhere (or to itself)"
            raise one_problem(422, loc, f"scenario '{name}' {what}. Expected a readable scenario file. Fix: ask the "
                              "server's administrator to replace it with the scenario file")
    if not path.is_file():
        names = sorted(nfc(p.stem) for p in folder.glob("*.yaml") if p.is_file() and sendable(nfc(p.stem))) \
            if folder.is_dir() else []
        if names:
            expected, fix = f"one of {', '.join(names)}", "use one of these names, or start the server with " \
                "RESMODEL_SCENARIOS set to the folder holding your scenario files"
        else:
            expected, fix = "a scenario file, but the server's scenario folder holds none", "start the server " \
                "with RESMODEL_SCENARIOS set to the folder holding the scenario files (default ./scenarios)"
        raise one_problem(404, loc, f"no scenario '{name}' in the scenario folder. Expected "
                          f"{expected}. Fix: {fix}")
    try:
        return load(path)
    except ResmodelError as exc:
        raise scenario_error(exc, loc) from None
    except (OSError, RuntimeError) as exc:  # unreadable, a link loop: the server's files, said without paths
        raise one_problem(422, loc, f"scenario '{name}' cannot be read ({type(exc).__name__}). Expected a "
                          "readable scenario file. Fix: ask the server's administrator to check the file") from None


def scenario_error(exc: ResmodelError, loc: list[Any] | None = None) -> HTTPException:
    """A 422 for a broken scenario or its data, with paths shown relative to the folder that holds
    the scenario folder (the project folder), never as the server's absolute paths."""
    return scenario_problems(exc, project_folder(), loc or ["body", "scenario"])


class ScenarioInfo(BaseModel):
    """One scenario file the server holds: the name to send, what it is for, what it modifies, its hash and which
    endpoints can use it — or, when the file cannot be read, why (the file is read, not run)."""

    scenario: str = Field(description="the name to send as 'scenario' (the file name without .yaml)")
    name: str | None = Field(description="the scenario's own 'name:' (output folders, reports)")
    purpose: str | None = Field(description="one line saying what question the scenario answers")
    extends: str | None = Field(description="the scenario it modifies, as its file names it ('base.yaml')")
    scenario_hash: str | None = Field(description="sha256 of the parsed chain, as in every result")
    projection: bool = Field(description="has a council frame: POST /projections works")
    uncertainty: bool = Field(description="has a projection.uncertainty block: POST /projections takes draws")
    problems: list[str] = Field(description="why the scenario cannot be run, as far as its files alone tell "
                                "(located): a file that cannot be read, and the projection block's problems that "
                                "need no data — its settings, its uncertainty block, the years its rates, volume "
                                "changes, adjustments and volume overrides name; empty when there is none. A "
                                "problem that needs the data (a service or parameter path not in it, a value out of "
                                "range, the frame file, the history) shows when the scenario is run")


class ScenarioList(BaseModel):
    """The scenarios a front-end can offer: one per scenario file in the server's folder (RESMODEL_SCENARIOS),
    by file name."""

    resmodel_version: Version
    scenarios: list[ScenarioInfo] = Field(description="every scenario file served, by file name")
    notes: list[str] = Field(description="why the list is empty when the server's scenario folder is missing or "
                             "holds no scenario file (a setting of the server, not of the request); else empty")


def _info(path: Path) -> ScenarioInfo:
    """One scenario file read without its data (fast): settings, hash and projection capabilities."""
    from resmodel.io.scenario import content_hash, read_chain
    from resmodel.scenario.projection import resolve

    def broken(problems: list[str]) -> ScenarioInfo:
        return ScenarioInfo(scenario=nfc(path.stem), name=None, purpose=None, extends=None, scenario_hash=None,
                            projection=False, uncertainty=False, problems=problems)

    if not sendable(nfc(path.stem)):
        return broken([f"the file name '{nfc(path.stem)}' cannot be sent as a scenario name: rename the file to "
                       "letters, digits, '_' and '-'"])
    try:
        chain = read_chain(path)
        projection = resolve(chain)
        problems = [without_server_paths(str(p), project_folder())
                    for p in _projection_problems(chain, projection)]
    except ResmodelError as exc:
        return broken([without_server_paths(str(p), project_folder()) for p in exc.problems])
    except (OSError, RuntimeError) as exc:  # unreadable, a link loop
        return broken([f"the file cannot be read ({type(exc).__name__})"])
    model = chain[-1].model
    settings = projection.settings if projection is not None else None
    return ScenarioInfo(scenario=nfc(path.stem), name=model.name, purpose=model.purpose, extends=model.extends,
                        scenario_hash=content_hash(chain), projection=bool(settings and settings.frame is not None),
                        uncertainty=bool(settings and settings.uncertainty is not None), problems=problems)


def _projection_problems(chain, resolved) -> list:
    """The projection block's problems that the scenario files alone show, as check_projection finds them (its
    uncertainty block, the years of its rates, volume changes, adjustments and volume overrides): 'sd: yes' and a
    from_year of 2099 were listed as runnable, then a 422 (API review). Those that need the data — service names, the
    frame file, the history — show when the scenario is run."""
    from resmodel.io.scenario import effective
    from resmodel.projection_run import check_rates_by_year, check_years, uncertainty_block

    if resolved is None:
        return []
    first = effective(chain).base_date.year + 1
    last = first + resolved.settings.horizon_years - 1
    problems = []
    for check, args in ((uncertainty_block, (resolved,)), (check_rates_by_year, (resolved, first, last)),
                        (check_years, (resolved, first, last))):
        try:
            check(*args)
        except ResmodelError as exc:
            problems += exc.problems
    return problems


@router.get("/scenarios", response_model=ScenarioList)
def list_scenarios() -> ScenarioList:
    """The scenarios the server holds (RESMODEL_SCENARIOS), by name, with what each can be used for; a
    file with problems is listed with them, so that a front-end can show why it cannot be run."""
    folder = scenario_folder()
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return ScenarioList(resmodel_version=__version__,
                        scenarios=[_info(p) for p in paths if not looks_like_pnr(p.stem)],  # never shown
                        notes=[] if paths else [folder_note(folder)])


def folder_note(folder: Path) -> str:
    """Why no scenario is served: the folder is missing or holds no .yaml file — said without the server's path."""
    where = "is not a folder on the server" if not folder.is_dir() else "holds no scenario file (*.yaml)"
    return (f"the scenario folder (RESMODEL_SCENARIOS, default ./scenarios, relative to the folder the server was "
            f"started in) {where}: no scenario can be run. Fix: start the server with RESMODEL_SCENARIOS set to "
            "the folder holding the scenario files")
