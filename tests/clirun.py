"""CLI test helper: run a typer app in-process and report as ``resmodel.cli.main`` would."""

from __future__ import annotations

from typer.testing import CliRunner

from resmodel.errors import ResmodelError


def planning_app():
    """A typer app with the planning and forecasting commands (plan-premises, queue, forecast …), as the CLI has them."""
    import typer

    from resmodel.cli_backtest import register as register_backtest
    from resmodel.cli_forecast import register as register_forecast
    from resmodel.cli_nowcast import register as register_nowcast
    from resmodel.cli_planning import register as register_planning
    from resmodel.cli_queue import register as register_queue

    app = typer.Typer()
    register_planning(app)
    for register in (register_backtest, register_forecast, register_nowcast, register_queue):
        register(app)
    return app


def shift_app():
    """A typer app with the shift-plan command, as the CLI has it."""
    import typer

    from resmodel.cli_shifts import register

    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # a second command keeps typer's subcommand syntax
    return app


def invoke(app, *args):
    """(exit code, stdout, stderr or the located error) — 2 for a user mistake, as resmodel.cli.main gives."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    if isinstance(result.exception, ResmodelError):
        return 2, result.stdout, "\n".join(str(p) for p in result.exception.problems)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def run_main(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `resmodel *args` through the entry point main(), as a shell runs it."""
    import sys

    from resmodel.cli import main

    monkeypatch.setattr(sys, "argv", ["resmodel", *map(str, args)])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err
