"""The role notebooks (notebooks/*.ipynb) run from top to bottom and show what they promise.

Each notebook is read, executed in memory in a fresh kernel with the notebooks folder as working
directory (as when opened in Jupyter), and never written back. Any cell error fails the test with
the cell's traceback. Beyond "it ran", each test checks what the reader sees — the output of the
cells tagged in the notebook (``metadata.tags``: deviation-table, staffing-table, queue, …) — and
appends one probe cell to the in-memory copy that reports a few facts about the notebook's own
objects as JSON (the deviation table has the six report areas and a total that adds up, the
explained unit's numbers agree, …).

Needs the ``notebooks`` extra (nbclient, nbformat, ipykernel; also part of ``dev``); Jupyter itself
is not needed. The kernel is this interpreter (a kernelspec written to a tmp dir, so a ``python3``
kernel registered elsewhere on the machine is not used), imports resmodel from this checkout's src/,
and keeps its connection files and IPython profile in the test's tmp dir: safe under pytest-xdist."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "resmodel-notebook-test"
CELL_TIMEOUT = 300  # seconds per cell; the notebooks take a few seconds in all
PROBE_MARK = "NOTEBOOK-PROBE:"
AREAS_EN = ("LSS housing incl. external places", "Daily activity (LSS)", "Personal assistance (SFB and LSS)",
            "Other LSS services", "Other care (SoL, HSL, needs assessment, management)", "Administration-wide")


def _folder_state(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


@pytest.fixture
def kernel_env(tmp_path, monkeypatch):
    """A kernelspec for this interpreter in a tmp dir; runtime files and the IPython profile there too."""
    from ipykernel.kernelspec import write_kernel_spec

    jupyter = tmp_path / "jupyter"
    write_kernel_spec(path=str(jupyter / "kernels" / KERNEL))  # argv: this sys.executable -m ipykernel_launcher
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH"))
                                                     if p))
    return tmp_path


def execute(name: str, probe: str):
    """Run notebooks/<name> with ``probe`` appended (an expression whose value is printed as JSON);
    return the executed in-memory notebook and the probe's value."""
    path = NOTEBOOKS / name
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(f"import json as _json\nprint({PROBE_MARK!r} + _json.dumps({probe}))",
                                              id="test-probe"))
    before = _folder_state(NOTEBOOKS)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=KERNEL,
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError (with the cell and its traceback) on the first failing cell
    assert _folder_state(NOTEBOOKS) == before, "executing the notebook wrote into notebooks/"
    line = next(line for line in text(nb.cells[-1]).splitlines() if line.startswith(PROBE_MARK))
    return nb, json.loads(line[len(PROBE_MARK):])


def tagged(nb, tag: str):
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected exactly one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def text(cell) -> str:
    """What the reader sees as text: printed output and the plain-text form of displayed values."""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif "data" in out:
            parts.append(out["data"].get("text/plain", ""))
    return "\n".join(parts)


def has_image(cell) -> bool:
    return any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))


def test_notebooks_are_stored_without_outputs():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name}: cell {cell.id} has output"


def test_economist(kernel_env):
    nb, probe = execute("economist.ipynb", """{
        "rows": list(deviation.index), "years": [str(y) for y in deviation.columns],
        "projected": sorted(str(y) for y in by_area["year"].unique()),
        "total_minus_areas": float((deviation.iloc[:-1].sum() - deviation.iloc[-1]).abs().max()),
        "finite": bool(deviation.notna().all().all()),
        "waterfall_gap": float(abs(fall.loc[~fall["driver"].isin(["start", "end"]), "value"].sum()
                                   - (fall["value"].iat[-1] - fall["value"].iat[0]))),
        "draws": mc.draws, "requested": DRAWS,
        "ordered": bool((pct["p05"] <= pct["p25"]).all() and (pct["p25"] <= pct["median"]).all()
                        and (pct["median"] <= pct["p75"]).all() and (pct["p75"] <= pct["p95"]).all()),
        "explained_gap": abs(e.reported_deviation - e.recomputed_deviation),
    }""")
    shown = text(tagged(nb, "deviation-table"))
    for area in (*AREAS_EN, "board total"):
        assert area in shown, f"deviation table does not show {area!r}"
    assert re.search(r"-?\d+\.\d", shown), "deviation table shows no amounts"
    # six report areas then the board total, one column per projected year, the total adds up
    assert len(probe["rows"]) == 7 and probe["rows"][-1].endswith("board total")
    assert probe["years"] == probe["projected"] and len(probe["years"]) >= 1
    assert probe["finite"] and probe["total_minus_areas"] < 1e-6
    assert probe["waterfall_gap"] < 1.0  # SEK: the driver steps add up to B − A
    assert probe["draws"] == probe["requested"] <= 1000 and probe["ordered"]  # few draws: the notebook stays fast
    assert probe["explained_gap"] <= 1.0
    assert "volume" in text(tagged(nb, "waterfall"))
    assert "p05" in text(tagged(nb, "montecarlo"))
    assert has_image(tagged(nb, "chart"))


def test_section_manager(kernel_env):
    nb, probe = execute("section_manager.ipynb", """{
        "unit": UNIT, "services": sorted(units["service"].unique()),
        "agrees": bool(check["agrees"].all()), "steps": len(e.steps),
        "warnings_shown": len(warning_table), "warnings_run": len(result.warnings),
        "gap_is_roster_minus_need": float((units["staffing_gap_fte"] - (units["fte_roster"] - units["fte_required"]))
                                          .abs().max()),
    }""")
    shown = text(tagged(nb, "staffing-table"))
    for service in ("daglig_verksamhet", "bostad_vuxna", "bostad_barn"):
        assert service in shown
        assert service in probe["services"]
    assert "need FTE" in shown and "roster FTE" in shown and "gap FTE" in shown
    unit = probe["unit"]
    assert unit and unit in text(tagged(nb, "explain")), "the explained unit is not shown"
    assert probe["agrees"] and probe["steps"] > 0
    assert "True" in text(tagged(nb, "explain-check"))
    assert probe["warnings_shown"] == probe["warnings_run"]
    assert f"{probe['warnings_run']} warning(s)" in text(tagged(nb, "warnings"))
    assert probe["gap_is_roster_minus_need"] < 1e-9
    assert has_image(tagged(nb, "chart"))


def test_planner(kernel_env):
    nb, probe = execute("planner.ipynb", """{
        "models": sorted(set(metrics["model"])), "series": sorted(set(metrics["unique_id"])),
        "months": len(months), "queue_rows": len(queue_summary), "capacities": len(capacity),
        "variants": sorted({v for _, v, _ in queue_summary.index}),
        "first_expansion_year": min(c.from_year for c in changes),
        "frame_delta": {str(k): float(v) for k, v in effect.loc[("lss_boende", "frame")].items()},
        "cost_delta": {str(k): float(v) for k, v in effect.loc[("lss_boende", "net_cost")].items()},
        "plan_status": plan.status, "plan_service": PLAN_SERVICE,
        "plan_opened": [{"id": r.premises_id, "levels": [int(r.min_level), int(r.max_level)],
                         "earliest_year": None if pd.isna(r.earliest_year) else int(r.earliest_year),
                         "earliest_possible": int(r.earliest_possible), "open_year": int(r.open_year)}
                        for r in plan.plan.itertuples() if r.open_year > 0],
        "plan_yearly": [{"year": int(r.year), "demand": r.demand, "places": r.places, "served": r.served_own,
                         "unmet": r.unmet} for r in plan.yearly.itertuples()],
        "plan_queue": [[demand, variant.split()[0], float(q.monthly["not_executed_total"].max()),
                        float(q.summary["cases_over_3m"])] for (variant, demand), q in plan_queues.items()],
        "plan_demand": {column: name for name, column in DEMAND.items()}.get(PLAN_DEMAND),
    }""")
    assert probe["models"] == ["drift", "ets", "naive"]
    assert probe["series"] == ["bostad_barn", "bostad_vuxna"]
    assert "mase" in text(tagged(nb, "backtest"))
    assert probe["months"] == 120
    # each housing service today and, where the expansion adds places, with it; × two demand cases
    assert probe["capacities"] >= 3 and probe["queue_rows"] == 2 * probe["capacities"]
    assert probe["variants"] == ["today", "with expansion"]
    assert "first month with a queue" in text(tagged(nb, "queue"))
    shown = text(tagged(nb, "expansion"))
    assert "lss_boende" in shown and "deviation" in shown
    # the new places cost money and bring frame money (start-up grant, volume compensation) from their opening year
    year = str(probe["first_expansion_year"])
    assert probe["cost_delta"][year] > 0 and probe["frame_delta"][year] > 0
    before = [y for y in probe["cost_delta"] if y < year]
    assert all(abs(probe["cost_delta"][y]) < 1e-9 for y in before)
    assert has_image(tagged(nb, "chart"))
    # the premises plan for daily activity: optimal, opens premises for levels 6–8 (where the growth outruns
    # today's places), none before it may open, and places cover all demand but what no plan can meet
    assert probe["plan_service"] == "daglig_verksamhet" and probe["plan_status"] == "Optimal"
    opened, yearly = probe["plan_opened"], probe["plan_yearly"]
    years = [row["year"] for row in yearly]
    assert any(o["levels"] == [6, 8] for o in opened), "the plan opens no premises for levels 6–8"
    for o in opened:
        assert (o["earliest_year"] or years[0]) <= o["earliest_possible"] <= o["open_year"] <= years[-1], o
    for row in yearly:
        assert row["unmet"] >= -1e-6 and row["served"] <= row["places"] + 1e-6, row
        assert row["places"] >= row["demand"] - row["unmet"] - 1e-6, row
    assert yearly[-1]["unmet"] < 1e-6, "demand is left unmet in the plan's last year"
    shown = text(tagged(nb, "premises-plan"))
    assert "Optimal" in shown and all(o["id"] in shown for o in opened), "the opened premises are not all shown"
    # the queue under the plan: with today's places decisions wait; the plan reduces that, and for the demand it
    # is made for leaves no more waiting in any month than the demand it cannot meet (its worst year's unmet)
    queue = {(demand, capacity): (most, late) for demand, capacity, most, late in probe["plan_queue"]}
    demands = {demand for demand, _ in queue}
    assert len(demands) == 2 and set(queue) == {(d, c) for d in demands for c in ("today", "plan")}
    for demand in demands:
        (today_max, today_late), (plan_max, plan_late) = queue[demand, "today"], queue[demand, "plan"]
        assert today_max > 0.5 and plan_max < today_max and plan_late <= today_late, (demand, queue)
    assert probe["plan_demand"] in demands
    assert queue[probe["plan_demand"], "plan"][0] <= max(row["unmet"] for row in yearly) + 0.5, queue
    assert "today" in text(tagged(nb, "plan-queue"))
    assert has_image(tagged(nb, "plan-chart"))
