"""Worked examples shown under each command's ``--help``: the demo's own files, so that each line runs as
written from a clone (the README's table says who runs which)."""

from __future__ import annotations

import typer

#: command → (what it does, the command line); the lines run from the repository's root
EXAMPLES: dict[str, list[tuple[str, str]]] = {
    "run": [("the base scenario on the demo municipality", "resmodel run scenarios/base.yaml")],
    "validate": [("check a scenario and its files without running", "resmodel validate scenarios/base.yaml")],
    "explain": [
        ("why a unit is under- or overstaffed", "resmodel explain scenarios/base.yaml --unit DV002 --measure staffing_gap_fte"),
        ("a unit's budget, resident by resident under a tariff",
         "resmodel explain scenarios/tariff_stockholm.yaml --unit SB001 --measure allocation"),
        ("a projected deviation", "resmodel explain scenarios/base.yaml --year 2027 --area daglig_verksamhet"),
    ],
    "params": [("the salary parameters in force on a date",
                "resmodel params scenarios/base.yaml --on 2025-01-01 --grep salaries")],
    "demo": [("regenerate data/demokommun's tables (the same bytes for the same seed)", "resmodel demo")],
    "init": [("start your own board's folder", "resmodel init min_namnd")],
    "project": [("ten years per area, with percentiles from 1 000 draws",
                 "resmodel project scenarios/base.yaml --draws 1000 --seed 1")],
    "compare": [("what a scenario changes against the base",
                 "resmodel compare scenarios/base.yaml scenarios/wage_above_state_rate.yaml")],
    "tornado": [("which drivers move the deviation most", "resmodel tornado scenarios/base.yaml")],
    "inyear": [("the full-year forecast from January–August",
                "resmodel inyear --actuals data/demokommun/budget_actuals.csv --frames data/demokommun/budget_frames.csv "
                "--changes data/demokommun/budget_changes.csv --year 2024 --month 8")],
    "topdown": [("a board with only aggregates (Malmö 2024)", "resmodel topdown data/topdown_2024")],
    "backtest": [
        ("how well the default model and naive did on the demo history",
         "resmodel backtest --series data/demokommun/volume_history.csv --models naive,auto"),
        ("a short yearly series", "resmodel backtest --series data/series/state_hourly_rate.csv"),
    ],
    "forecast": [("volumes per service and level with intervals",
                  "resmodel forecast --series data/demokommun/volume_history.csv")],
    "nowcast": [("invoices still to come for recent months",
                 "resmodel nowcast --triangle data/demokommun/invoice_triangle.csv")],
    "queue": [("decisions not executed, after `resmodel forecast`",
               "resmodel queue --demand results/forecast/volume_forecast.csv --service daglig_verksamhet "
               "--scenario scenarios/base.yaml")],
    "plan-premises": [("which premises to open, after `resmodel forecast`",
                       "resmodel plan-premises --demand results/forecast/volume_forecast.csv --service "
                       "daglig_verksamhet --candidates data/demokommun/premises_candidates.csv "
                       "--scenario scenarios/base.yaml")],
    "shift-plan": [("a daily-activity unit's shifts against its roster",
                    "resmodel shift-plan --unit DV001 --attendance data/demokommun/attendance_DV001.csv "
                    "--roster data/demokommun/roster_DV001.csv")],
}


def add_examples(app: typer.Typer) -> None:
    """Set each registered command's epilog to its examples (typer shows it below the options, each paragraph
    wrapped to the terminal)."""
    for info in app.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        lines = [f"[bold]Example[/bold] — {what}:\n\n[cyan]{line}[/cyan]" for what, line in EXAMPLES.get(name, [])]
        info.epilog = "\n\n".join(lines)
