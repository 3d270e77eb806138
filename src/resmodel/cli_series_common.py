"""What the time-series commands (``backtest``, ``forecast``, ``nowcast``, ``queue``) share: the --out option,
the volume forecast ``forecast`` writes and ``queue`` and ``plan-premises`` read, the checks of options and series
they have in common, and printing warnings, tables and figures alike."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from resmodel.errors import InputError, Location, Warning_

PathOpt = Annotated[Path, typer.Option(help="output folder (new, empty, or an earlier output of the same command, "
                                            "which is replaced)")]
# the files forecast writes: an existing --out folder may hold only these (io.writers.check_output_folder)
FORECAST_OUTPUTS = ("volume_forecast.csv", "volume_forecast_yearly.csv", "volume_forecast.xlsx", "volume_forecast.png",
                    "forecast.csv", "manifest.json")
FORECAST_FILE = Path("results/forecast") / FORECAST_OUTPUTS[0]  # forecast's default --out, queue's --demand example


def echo_warnings(warnings: list[Warning_], limit: int = 15) -> None:
    """Print the warnings; the same one for several series (file and message alike) once, naming them all."""
    groups: dict[tuple, list[Warning_]] = {}
    for w in warnings:
        groups.setdefault((w.check, w.location.file, w.location.row, w.location.column, w.message), []).append(w)
    merged = [ws[0] if len(ws) == 1 else replace(ws[0], location=replace(ws[0].location, path="', '".join(
        dict.fromkeys(str(w.location.path) for w in ws if w.location.path)) or None)) for ws in groups.values()]
    for w in merged[:limit]:
        typer.echo(f"warning: {w}", err=True)
    if len(merged) > limit:
        typer.echo(f"warning: … and {len(merged) - limit} more", err=True)


def unused_columns(data, series: Path) -> list[Warning_]:
    """A warning for the extra (exogenous) columns of a generic series file: no model these commands run
    uses them (ARIMA and the demographic model take them from Python, forecasting.md §3)."""
    from resmodel.forecast.frame import DS, ID, Y

    extra = [c for c in data.frame.columns if c not in (ID, DS, Y)]
    if data.from_history or not extra:
        return []
    return [Warning_("columns_unused", Location(str(series), row=1, column=extra[0]),
                     f"column(s) {', '.join(extra)} are checked but not used: no model of the command line takes "
                     "exogenous regressors (from Python, ARIMA(exog=…) and the demographic model do; "
                     "docs/forecasting.md §3)")]


def check_positive_option(option: str, value: int | None) -> None:
    """A whole-number option that, when given, must be ≥ 1 (leave it out for the default)."""
    if value is not None and value < 1:
        raise InputError.at(Location(path=option), f"{option} {value} is not a positive whole number",
                            "a whole number ≥ 1", f"raise {option}, or leave it out for the default")


def echo_table(frame: pd.DataFrame) -> None:
    """Print a table as every command does: without the index, numbers as 1,234.56, a missing value as –."""
    typer.echo(frame.to_string(index=False, float_format=lambda v: f"{v:,.2f}", na_rep="–"))


def png_writer(fig):
    """A writer of the figure as PNG for ``write_atomically``, without the Software stamp so that the same results
    give the same file; it closes the figure once written."""
    import matplotlib.pyplot as plt

    def write(path: Path) -> None:
        fig.savefig(path, format="png", dpi=110, metadata={"Software": None})
        plt.close(fig)
    return write


def panel_figure(n_panels: int, width: float = 11.0, height: float = 3.2):
    """A figure of ``n_panels`` panels one above the other (axes[i, 0]), drawn off-screen (Agg) as no display is
    needed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(n_panels, 1, figsize=(width, height * n_panels), squeeze=False)


def default_horizon(freq: str) -> int:
    """The horizon ``resmodel forecast`` uses for a unique_id,ds,y series when --h is left out: 12 months, 2 years."""
    from resmodel.forecast.frame import MONTHLY

    return 12 if freq == MONTHLY else 2


def refuse_missing_forecast(demand: Path) -> None:
    """A --demand naming the volume forecast `resmodel forecast` writes, before it is written, is refused with the
    command that writes it: queue's and plan-premises' examples read results/forecast/volume_forecast.csv, which a
    new folder does not have, and 'check the path' did not say so (new-user walk, finding 5)."""
    if demand.name != FORECAST_OUTPUTS[0] or demand.exists():
        return
    raise InputError.at(Location(file=str(demand)), "file not found", "an existing CSV or .xlsx file: the volume "
                        f"forecast `resmodel forecast` writes ({FORECAST_FILE.as_posix()} unless its --out says "
                        "otherwise)", "run `resmodel forecast --series <your volume history>` first, which writes it; or check "
                        "the path and file name")
