"""`resmodel init`: a starter kit that runs as written, warns for every demo parameter value a board
still uses, never overwrites a folder, and keeps the demo's parameter values (checked leaf by leaf)."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from resmodel.cli import app
from resmodel.errors import InputError
from resmodel.io.parameters import load_tree, national_parameter_root
from resmodel.run import load, run
from tests.clirun import invoke
from tests.conftest import ROOT

DEMO_PARAMETERS = ROOT / "data" / "demokommun" / "parameters"
#: bundled leaves that are not a figure for every board (steward walk, finding 2): resmodel marks them template, the
#: demo sets its own, and the kit ships them as local templates
BOARD_SET = ("payroll.po_rate", "working_time.annual_leave_days")


@pytest.fixture()
def kit(tmp_path) -> Path:
    code, out, err = invoke(app, "init", tmp_path / "min_namnd")
    assert code == 0, err
    assert "wrote 32 files" in out
    return tmp_path / "min_namnd"


def _template_files(warnings) -> set[str]:
    return {Path(w.location.file).relative_to("data/parameters").as_posix()
            for w in warnings if w.check == "template_parameter"}


def _run(kit: Path):
    cwd = os.getcwd()
    os.chdir(kit)  # paths in messages are shown relative to the working folder
    try:
        return run(load(Path("scenarios/base.yaml")))
    finally:
        os.chdir(cwd)


def test_the_kit_runs_and_warns_for_every_template_file_in_use(kit):
    result = _run(kit)
    assert result.allocation.units["net_cost"].sum() > 0
    every_file = {p.relative_to(kit / "data" / "parameters").as_posix() for p in (kit / "data/parameters").rglob("*.yaml")}
    assert _template_files(result.warnings) == every_file  # the example board has every service
    staff_ratio = next(w for w in result.warnings if w.location.file.endswith("staff_ratio.yaml"))
    line = (kit / "data/parameters/daglig_verksamhet/staff_ratio.yaml").read_text().splitlines()[staff_ratio.location.line - 1]
    assert line.startswith("template: true")  # the warning points at the line to delete


def test_a_replaced_value_and_an_unused_service_are_not_warned(kit):
    ratio = kit / "data/parameters/daglig_verksamhet/staff_ratio.yaml"
    ratio.write_text(re.sub(r"template: true.*\n", "", ratio.read_text()))
    for table in ("units", "users", "staff", "premises"):  # the board has no children's housing
        path = kit / "data" / f"{table}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        keep = ~frame.apply(lambda row: row.str.contains("BB01|L-BB1|barnboende").any(), axis=1)
        frame[keep].to_csv(path, index=False)
    files = _template_files(_run(kit).warnings)
    assert "daglig_verksamhet/staff_ratio.yaml" not in files
    assert not any(f.startswith("bostad_barn/") for f in files)
    assert "salaries.yaml" in files and "bostad_vuxna/role_mix.yaml" in files  # still in use


def test_strict_turns_template_values_into_an_error(kit):
    scenario = kit / "scenarios/base.yaml"
    scenario.write_text(scenario.read_text().replace("# strict: true", "strict: true"))
    with pytest.raises(InputError, match=r"template_parameter"):
        _run(kit)


def test_template_must_be_true_or_false(kit):
    path = kit / "data/parameters/working_time.yaml"
    path.write_text(path.read_text().replace("template: true", "template: yes please", 1))
    code, _, err = invoke(app, "validate", kit / "scenarios/base.yaml")
    assert code == 2 and "working_time.yaml, line" in err and "'template' of" in err


def test_init_never_writes_into_a_folder_with_files(tmp_path):
    board = tmp_path / "board"
    board.mkdir()
    (board / "users.csv").write_text("mine\n")
    code, _, err = invoke(app, "init", board)
    assert code == 2 and "already exists and is not empty" in err
    assert "e.g. resmodel init board_2" in err  # new-user walkthrough: it suggested the very name it refused
    assert sorted(p.name for p in board.iterdir()) == ["users.csv"] and (board / "users.csv").read_text() == "mine\n"


def test_init_is_byte_identical(tmp_path):
    for name in ("a", "b"):
        assert invoke(app, "init", tmp_path / name)[0] == 0
    files = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    assert files == {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}


def test_the_kit_holds_the_demos_parameter_values_leaf_by_leaf(kit, tmp_path):
    """The kit's parameters are the demo's, only marked: a changed demo value must be copied to the kit."""
    national = load_tree(national_parameter_root()).parameters  # the indices the values are indexed by
    demo = load_tree(DEMO_PARAMETERS, "demo", known=national).parameters
    starter = load_tree(kit / "data" / "parameters", "kit", known=national).parameters
    assert starter.keys() == demo.keys()
    for path in BOARD_SET:  # the bundled values and references a board sets itself: the demo's, marked in resmodel too
        assert national[path].template_line is not None, path
        assert (demo[path].values, demo[path].reference) == (national[path].values, national[path].reference)
    for path, leaf in demo.items():
        mine = starter[path]
        assert mine.template_line is not None, path
        assert (mine.values, mine.unit, mine.kind, mine.indexation, mine.reference, mine.description) == \
               (leaf.values, leaf.unit, leaf.kind, leaf.indexation, leaf.reference, leaf.description), path
    # and nothing else differs: the files with their 'template: true' lines removed are the demo's
    for file in DEMO_PARAMETERS.rglob("*.yaml"):
        text = (kit / "data/parameters" / file.relative_to(DEMO_PARAMETERS)).read_text(encoding="utf-8")
        text = re.sub(r"[ ]*template: true.*\n", "", text)
        assert text == file.read_text(encoding="utf-8"), file


def test_validate_shows_the_parameter_hash_that_changes_with_a_parameter(kit):
    """An edited parameter file changes the parameters hash validate prints (the scenario's does not)."""
    def hashes() -> dict[str, str]:
        code, out, err = invoke(app, "validate", kit / "scenarios/base.yaml")
        assert code == 0, err
        return dict(re.findall(r"(scenario|parameters|data) ([0-9a-f]{12})", out))

    before = hashes()
    ratio = kit / "data/parameters/daglig_verksamhet/staff_ratio.yaml"
    ratio.write_text(ratio.read_text().replace("1: 0.14,", "1: 0.15,"))
    after = hashes()
    assert after["scenario"] == before["scenario"] and after["data"] == before["data"]
    assert after["parameters"] != before["parameters"]
    assert _run(kit).manifest["parameter_hash"].startswith(after["parameters"])


def test_validate_refuses_what_strict_run_refuses_listing_every_warning(kit):
    scenario = kit / "scenarios/base.yaml"
    scenario.write_text(scenario.read_text().replace("# strict: true", "strict: true"))
    code, _, err = invoke(app, "validate", scenario)
    assert code == 2
    assert err.count("[template_parameter]") == 24 and err.count("refused because the scenario is strict") == 24


def test_projection_commands_say_the_figures_rest_on_demo_values(kit):
    """project's notes (console, Noter sheet, HTML) and compare's console say the kit's values are the demo's;
    the Parametrar sheet marks each such value."""
    frame = kit / "frame.yaml"
    frame.write_text("base_year: 2024\nbase: {lss_boende: 30000000, daglig_verksamhet: 2000000, personlig_assistans: "
                     "1100000, ovriga_lss: 0, ovrig_vard_omsorg: 0, forvaltningsovergripande: 0}\n")
    scenario = kit / "scenarios/base.yaml"
    scenario.write_text(scenario.read_text() + "projection:\n  horizon_years: 2\n  frame: ../frame.yaml\n  volumes: "
                        "{daglig_verksamhet: 4, bostad_vuxna: 3, bostad_barn: 1, externa_platser: 1, "
                        "personlig_assistans_lss: 1, personlig_assistans_sfb: 2}\n")
    (kit / "scenarios/other.yaml").write_text("name: other\npurpose: t\nextends: base.yaml\n")
    said = "24 parameter file(s) are marked as the demo municipality's values"
    code, out, err = invoke(app, "project", scenario, "--out", kit / "p")
    assert code == 0 and (out + err).count(said) == 1
    assert html.escape(said) in (kit / "p" / "sammanfattning.html").read_text(encoding="utf-8")
    code, out, err = invoke(app, "compare", scenario, kit / "scenarios/other.yaml", "--out", kit / "c")
    assert code == 0 and (out + err).count(said) == 2  # once per scenario
    code, _, err = invoke(app, "run", scenario, "--out", kit / "r")
    sheet = pd.read_excel(kit / "r" / "resmodel_base.xlsx", sheet_name="Parametrar").fillna("")
    marked = set(sheet.loc[sheet["demovärde (starter kit's demo value)"] == "ja (yes)", "parameter"])
    assert "daglig_verksamhet.staff_ratio" in marked and "payroll.po_rate" in marked  # the kit's PO is a template
    assert "indices.wage_growth" not in marked  # national: not a template


@pytest.mark.parametrize("make, name, said", [
    (lambda tmp: (tmp / "afile").write_text("x"), "afile", "a file of that name exists"),
    (lambda tmp: (tmp / "afile").write_text("x"), "afile/sub", "which is a file"),
    (lambda tmp: ((tmp / "real").mkdir(), (tmp / "link").symlink_to(tmp / "real")), "link", "the name is a link"),
])
def test_init_names_a_path_that_cannot_be_a_new_folder(tmp_path, make, name, said):
    make(tmp_path)
    code, _, err = invoke(app, "init", tmp_path / name)
    assert code == 2 and said in err and "--out" not in err
