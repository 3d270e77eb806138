"""Budget charts as PNG bytes (issue 4 item 7): a fan chart of net cost against the frame, a
waterfall of a scenario comparison, and a tornado of the sensitivity table.

Rendering uses the Agg canvas on a private Figure (no pyplot state), a fixed font and size, and
PNG metadata without software/version or time stamps, so the same input gives the same bytes."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from resmodel.budget.areas import AREA_BY_KEY
from resmodel.budget.projection import TOTAL
from resmodel.errors import InputError, Location

CHART_STYLE = {"font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
       "svg.hashsalt": "resmodel", "path.simplify": True}
MSEK = 1e6


def figure_png(fig: Figure) -> bytes:
    """A figure as PNG bytes without software or time stamps (the same figure, the same bytes)."""
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()


def _figure(width: float = 7.5, height: float = 4.2) -> tuple[Figure, object]:
    with matplotlib.rc_context(CHART_STYLE):
        fig = Figure(figsize=(width, height))
        ax = fig.add_subplot(1, 1, 1)
    return fig, ax


def _area_label(area: str) -> str:
    return "Hela nämnden — whole board" if area == TOTAL else f"{AREA_BY_KEY[area].label_sv}"


BANDS = ("p05", "p25", "p75", "p95")


def fan_chart_png(percentiles: pd.DataFrame, area: str = TOTAL, title: str | None = None) -> bytes:
    """Net cost percentile bands (5–95, 25–75, median) and the frame for one area (MSEK per year); a table
    without the percentile columns (a deterministic run) draws the net cost line alone, with no band. With bands,
    a second panel fans out the deviation itself: the frame moves with the draws too, so the net-cost band against
    the frame's median line would misstate how likely an overspend is."""
    need = {"period", "area", "service", "measure", "value"}
    missing = need - set(percentiles.columns)
    bands = set(BANDS) <= set(percentiles.columns)
    if missing or not bands and set(BANDS) & set(percentiles.columns):
        raise InputError.at(Location(path="chart.percentiles"),
                            f"percentile table lacks {sorted(missing or set(BANDS) - set(percentiles.columns))}",
                            "a projection table, or a Monte Carlo table with p05, p25, p75, p95",
                            "run the Monte Carlo with the defaults")
    sel = percentiles[(percentiles["area"] == area) & (percentiles["service"] == TOTAL)]
    net = sel[sel["measure"] == "net_cost"].sort_values("period")
    frame = sel[sel["measure"] == "frame"].sort_values("period")
    if net.empty:
        raise InputError.at(Location(path=f"chart.area.{area}"), f"no net cost for area '{area}'",
                            "an area present in the results", "choose a report area key or 'total'")
    years = net["period"].astype(int).to_numpy()
    deviation = sel[sel["measure"] == "deviation"].sort_values("period") if bands else sel.iloc[:0]
    with matplotlib.rc_context(CHART_STYLE):
        fig, ax = _figure(7.5, 7.0) if len(deviation) else _figure()
        if len(deviation):
            ax.set_position([0.1, 0.55, 0.85, 0.38])
            _deviation_fan(fig.add_axes([0.1, 0.08, 0.85, 0.36]), years, deviation)
        if bands:
            ax.fill_between(years, net["p05"] / MSEK, net["p95"] / MSEK, color="#9ecae1", label="Nettokostnad 5–95 %")
            ax.fill_between(years, net["p25"] / MSEK, net["p75"] / MSEK, color="#4292c6",
                            label="Nettokostnad 25–75 %")
        ax.plot(years, net["value"] / MSEK, color="#08306b", lw=1.8,
                label="Nettokostnad, median — net cost" if bands else "Nettokostnad — net cost")
        if not frame.empty:
            ax.plot(years, frame["value"] / MSEK, color="#cb181d", lw=1.8, ls="--",
                    label="Kommunbidrag (ram) — council frame")
        ax.set_xticks(years)
        ax.set_ylabel("MSEK per år — per year")
        ax.set_title(title or f"Nettokostnad mot ram — net cost vs frame: {_area_label(area)}")
        ax.legend(loc="upper left", frameon=False, fontsize=8)
        ax.grid(axis="y", color="#dddddd", lw=0.6)
        if not len(deviation):
            fig.tight_layout()
        return figure_png(fig)


def _deviation_fan(ax, years, deviation: pd.DataFrame) -> None:
    """The deviation's own bands (frame − net cost per draw; below zero = overspend) with the zero line."""
    ax.fill_between(years, deviation["p05"] / MSEK, deviation["p95"] / MSEK, color="#fcbba1",
                    label="Avvikelse 5–95 % — deviation")
    ax.fill_between(years, deviation["p25"] / MSEK, deviation["p75"] / MSEK, color="#fb6a4a", label="25–75 %")
    ax.plot(years, deviation["value"] / MSEK, color="#67000d", lw=1.8, label="median")
    ax.axhline(0.0, color="#333333", lw=0.9)
    ax.set_xticks(years)
    ax.set_ylabel("MSEK per år — per year")
    ax.set_title("Avvikelse (ram − nettokostnad; under noll = underskott) — deviation, below zero = overspend",
                 fontsize=9)
    ax.legend(loc="lower left", frameon=False, fontsize=8)
    ax.grid(axis="y", color="#dddddd", lw=0.6)


def waterfall_png(waterfall: pd.DataFrame, title: str | None = None) -> bytes:
    """Start value, one bar per driver (green = improves, red = worsens), end value (MSEK)."""
    need = {"driver", "label", "value", "cumulative"}
    if need - set(waterfall.columns):
        raise InputError.at(Location(path="chart.waterfall"), "not a waterfall table",
                            "the output of resmodel.budget.compare.waterfall", "pass the waterfall table")
    t = waterfall.reset_index(drop=True)
    labels = [str(x).split(" — ")[0] for x in t["label"]]
    with matplotlib.rc_context(CHART_STYLE):
        fig, ax = _figure(8.0, 4.4)
        for i, row in t.iterrows():
            if row["driver"] in ("start", "end"):
                ax.bar(i, row["value"] / MSEK, color="#6baed6", width=0.6)
                continue
            bottom = (row["cumulative"] - row["value"]) / MSEK
            color = "#41ab5d" if row["value"] >= 0 else "#ef3b2c"
            ax.bar(i, row["value"] / MSEK, bottom=bottom, color=color, width=0.6)
        ax.axhline(0, color="#444444", lw=0.8)
        ax.set_xticks(range(len(t)))
        ax.set_xticklabels(labels, rotation=30, ha="right")
        measure = t["measure"].iat[0] if "measure" in t.columns else "deviation"
        period = t["period"].iat[0] if "period" in t.columns else ""
        ax.set_ylabel("MSEK")
        ax.set_title(title or f"Vattenfall — waterfall of {measure}, {period}")
        ax.grid(axis="y", color="#dddddd", lw=0.6)
        fig.tight_layout()
        return figure_png(fig)


#: the tornado's measures as its axis names them, and whether a higher value is better for the board
TORNADO_MEASURES = {"deviation": ("avvikelsen (ram − nettokostnad)", True), "net_cost": ("nettokostnaden", False),
                    "frame": ("ramen", True)}
WORSE, BETTER = "#ef3b2c", "#41ab5d"


def step_label(amount: float, unit: str) -> str:
    """A driver's step with its unit as the tornado's labels say it, in Swedish: 0.01 per year → '1 pp/år',
    0.1 as a factor or share → '10 %', 0.01 of working time → '1 pp'; another unit as given."""
    if unit == "per year":
        return f"{_sv_number(amount * 100)} pp/år"
    if unit in ("factor", "share"):
        return f"{_sv_number(amount * 100)} %"
    if unit == "share of working time":
        return f"{_sv_number(amount * 100)} pp"
    return f"{_sv_number(amount)} {unit}".strip()


def _sv_number(value: float) -> str:
    """A number with a Swedish decimal comma, rounding error aside (0.5, not 0.49999999999999994)."""
    return f"{round(value, 9):g}".replace(".", ",")


def tornado_png(tornado: pd.DataFrame, title: str | None = None) -> bytes:
    """Horizontal bars: effect of each driver at −amount and +amount (MSEK), largest swing on top; a bar is red
    where the step worsens the measure for the board (a larger overspend), green where it improves it, and says
    which step it is (−1 pp/år, +1 pp/år)."""
    need = {"driver", "label", "effect_low", "effect_high"}
    if need - set(tornado.columns):
        raise InputError.at(Location(path="chart.tornado"), "not a tornado table",
                            "the output of resmodel.budget.sensitivity.tornado", "pass the tornado table")
    t = tornado.iloc[::-1].reset_index(drop=True)
    y = np.arange(len(t))
    measure = t["measure"].iat[0] if "measure" in t.columns else "deviation"
    name, higher_is_better = TORNADO_MEASURES.get(measure, (measure, True))
    steps = [step_label(a, u) if pd.notna(a) else "" for a, u in
             zip(t.get("amount", pd.Series([np.nan] * len(t))), t.get("unit", pd.Series([""] * len(t))), strict=True)]
    with matplotlib.rc_context(CHART_STYLE):
        fig, ax = _figure(8.0, 0.45 * len(t) + 1.6)
        span = max(float(np.abs(t[["effect_low", "effect_high"]].to_numpy()).max()) / MSEK, 1e-9)
        for sign, column in (("−", "effect_low"), ("+", "effect_high")):
            effect = t[column].to_numpy() / MSEK
            good = (effect >= 0) == higher_is_better
            ax.barh(y, effect, color=np.where(good, BETTER, WORSE), height=0.6)
            for i, (value, step) in enumerate(zip(effect, steps, strict=True)):
                if step:
                    ax.text(value + np.copysign(0.01 * span, value or 1.0), i, f"{sign}{step}", va="center",
                            ha="left" if value >= 0 else "right", fontsize=7, color="#333333")
        ax.axvline(0, color="#444444", lw=0.8)
        ax.set_xlim(-1.3 * span, 1.3 * span)
        ax.set_yticks(y)
        ax.set_yticklabels([f"{str(lbl).split(' — ')[0]} (±{step})" if step else str(lbl).split(" — ")[0]
                            for lbl, step in zip(t["label"], steps, strict=True)])
        period = t["period"].iat[0] if "period" in t.columns else ""
        ax.set_xlabel(f"Effekt på {name}, MSEK, {period}\n— effect on the {measure.replace('_', ' ')}")
        ax.set_title(title or "Känslighet — tornado", pad=22)
        ax.legend(handles=[Patch(color=WORSE, label="större underskott — larger overspend"),
                           Patch(color=BETTER, label="mindre underskott — smaller overspend")],
                  loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, fontsize=8)
        ax.grid(axis="x", color="#dddddd", lw=0.6)
        fig.tight_layout()
        return figure_png(fig)
