"""tornado.png as a controller reads it (controller's walkthrough): red is a larger overspend whichever way the
driver moved, each bar says its step with its unit, and the axis says 'avvikelsen' in Swedish."""

from __future__ import annotations

import matplotlib.colors as mcolors
import pandas as pd
import pytest

from resmodel.budget import charts

MSEK = 1e6
TABLE = pd.DataFrame({
    "driver": ["level_mix", "price_growth", "assistance_hours"],
    "label": ["Nivåmix — level mix drift of unit costs", "Prisökning — price growth",
              "Assistanstimmar per ärende — assistance hours per case"],
    "amount": [0.005, 0.01, 0.10], "unit": ["per year", "per year", "factor"], "period": "2025–2034",
    "measure": "deviation", "effect_low": [469.3 * MSEK, -80.7 * MSEK, 66.1 * MSEK],
    "effect_high": [-484.3 * MSEK, 64.5 * MSEK, -66.1 * MSEK]})


@pytest.fixture
def drawn(monkeypatch):
    """The tornado's axes as drawn (instead of its PNG bytes)."""
    axes = []

    def capture(fig):
        axes.append(fig.axes[0])
        return b""
    monkeypatch.setattr(charts, "figure_png", capture)
    return axes


def _bars(ax) -> dict[float, str]:
    """Each bar's width (MSEK) and its colour as hex."""
    return {round(p.get_width(), 1): mcolors.to_hex(p.get_facecolor()) for p in ax.patches}


def test_an_overspend_is_red_whichever_step_causes_it(drawn):
    """Controller: more level mix (→ a larger overspend) was drawn green, as the '+' of the driver."""
    charts.tornado_png(TABLE)
    bars = _bars(drawn[0])
    assert bars[-484.3] == bars[-80.7] == bars[-66.1] == charts.WORSE
    assert bars[469.3] == bars[64.5] == bars[66.1] == charts.BETTER
    legend = [t.get_text() for t in drawn[0].get_legend().get_texts()]
    assert legend == ["större underskott — larger overspend", "mindre underskott — smaller overspend"]


def test_the_bars_state_their_step_with_its_unit_and_the_axis_is_swedish(drawn):
    charts.tornado_png(TABLE)
    ax = drawn[0]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == ["Assistanstimmar per ärende (±10 %)", "Prisökning (±1 pp/år)", "Nivåmix (±0,5 pp/år)"]
    steps = {t.get_text() for t in ax.texts}
    assert {"+0,5 pp/år", "−0,5 pp/år", "+10 %", "−10 %"} <= steps
    assert ax.get_xlabel().startswith("Effekt på avvikelsen (ram − nettokostnad), MSEK, 2025–2034")


def test_for_net_cost_a_higher_value_is_the_red_one(drawn):
    charts.tornado_png(TABLE.assign(measure="net_cost", effect_low=-TABLE["effect_low"],
                                    effect_high=-TABLE["effect_high"]))
    bars = _bars(drawn[0])
    assert bars[484.3] == charts.WORSE and bars[-469.3] == charts.BETTER
    assert "Effekt på nettokostnaden" in drawn[0].get_xlabel()


@pytest.mark.parametrize("amount, unit, label", [(0.01, "per year", "1 pp/år"), (0.005, "per year", "0,5 pp/år"),
                                                 (0.1, "share", "10 %"), (0.01, "share of working time", "1 pp"),
                                                 (2.0, "weeks", "2 weeks")])
def test_step_labels(amount, unit, label):
    assert charts.step_label(amount, unit) == label
