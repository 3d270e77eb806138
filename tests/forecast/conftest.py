"""Shared helpers for the forecasting tests: synthetic series and an in-process CLI runner."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from resmodel.cli_backtest import register as register_backtest
from resmodel.cli_forecast import register as register_forecast
from resmodel.cli_nowcast import register as register_nowcast
from resmodel.cli_queue import register as register_queue
from resmodel.errors import ResmodelError

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def monthly_frame(uid: str, y, start: str = "2015-01") -> pd.DataFrame:
    """A long table for one monthly series."""
    return pd.DataFrame({"unique_id": uid, "ds": pd.date_range(start, periods=len(y), freq="MS"),
                         "y": np.asarray(y, dtype=float)})


def trend_season(n: int = 72, seed: int = 0, slope: float = 4.0, noise: float = 3.0) -> np.ndarray:
    """Trend plus a summer dip plus noise, like daily activity."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    dip = np.where(t % 12 == 6, -40.0, 0.0) + np.where(t % 12 == 7, -15.0, 0.0)
    return 700 + slope * t + dip + rng.normal(0, noise, n)


def _app() -> typer.Typer:
    app = typer.Typer()
    for register in (register_backtest, register_forecast, register_nowcast, register_queue):
        register(app)

    @app.callback()
    def _root() -> None:
        """Test app with the forecasting commands."""

    return app


class Result:
    """Exit code (2 for a ResmodelError, as the main entry point gives), output and error lines."""

    def __init__(self, code: int, stdout: str, stderr: str):
        self.exit_code, self.stdout, self.stderr = code, stdout, stderr


def run_cli(args: list[str]) -> Result:
    """Run a forecasting command in-process like ``resmodel.cli.main`` would."""
    result = CliRunner().invoke(_app(), [str(a) for a in args])
    if isinstance(result.exception, ResmodelError):
        errors = "\n".join(f"error: {p}" for p in result.exception.problems)
        return Result(2, result.stdout, result.stderr + errors)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli():
    return run_cli
