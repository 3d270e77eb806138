"""Shift-plan chart as PNG bytes: per weekday, the staff needed per slot against the plan's staff and
the roster's, so a section manager sees where the schedule falls short or runs over.

Rendered like the budget charts (private Agg figure, fixed font, no time stamps in the PNG), so the
same input gives the same bytes."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from resmodel.budget.charts import CHART_STYLE, figure_png
from resmodel.planning.shifts import DAY_LABELS


def shift_chart_png(need: pd.DataFrame, unit_id: str) -> bytes:
    """One panel per weekday of ``need`` (weekday, slot_start, slot_end, staff_needed, planned and,
    if present, actual): staff over the day as steps."""
    days = [d for d in DAY_LABELS if d in set(need["weekday"])]
    with matplotlib.rc_context(CHART_STYLE):
        fig = Figure(figsize=(7.5, 1.6 + 1.5 * len(days)))
        axes = fig.subplots(len(days), 1, sharex=True, squeeze=False)[:, 0]
        for ax, day in zip(axes, days, strict=True):
            rows = need[need["weekday"].eq(day).to_numpy()]
            edges = np.append(rows["slot_start"].to_numpy(), rows["slot_end"].to_numpy()[-1]) / 60.0

            def steps(column: str, rows=rows) -> np.ndarray:
                values = rows[column].to_numpy(dtype=float)
                return np.append(values, values[-1])

            ax.fill_between(edges, steps("staff_needed"), step="post", color="#c6dbef",
                            label="behov — staff needed")
            if "staff_needed_apart" in rows:
                ax.step(edges, steps("staff_needed_apart"), where="post", color="#737373", linewidth=1.2,
                        linestyle=":", label="behov var för sig — need, each unit alone")
            ax.step(edges, steps("planned"), where="post", color="#08519c", linewidth=1.4,
                    label="plan — least-hours shifts")
            if "actual" in rows:
                ax.step(edges, steps("actual"), where="post", color="#d94801", linewidth=1.4, linestyle="--",
                        label="schema — roster")
            ax.set_ylabel(DAY_LABELS[day])
            ax.set_ylim(bottom=0)
            ax.yaxis.get_major_locator().set_params(integer=True)
        axes[-1].set_xlabel("klockslag — hour of the day")
        minutes = int(need["slot_end"].iloc[0] - need["slot_start"].iloc[0])
        fig.suptitle(f"{unit_id}: personal per {minutes} minuter — staff per {minutes}-minute slot")
        handles, labels = axes[0].get_legend_handles_labels()
        top = 1 - 0.75 / fig.get_figheight()
        fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, top + 0.01), ncol=min(3, len(labels)),
                   fontsize=8,
                   frameon=False)
        fig.tight_layout(rect=(0, 0, 1, top - 0.01))
    return figure_png(fig)
