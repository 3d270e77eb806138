"""Charts are valid, deterministic PNGs; the demo generator is seeded, pure and shaped as documented."""

from __future__ import annotations

import numpy as np

from resmodel.budget import charts
from resmodel.budget import compare as co
from resmodel.budget import montecarlo as mc
from resmodel.budget import sensitivity as se
from resmodel.demo.budget_inputs import generate_budget_inputs

PNG = b"\x89PNG\r\n\x1a\n"


def test_charts_are_deterministic_pngs_without_timestamps(ref_case):
    spec = mc.load_uncertainty({"wage_growth": {"dist": "normal", "sd": 0.01}})
    table = mc.run(ref_case, spec, draws=50, seed=1).table
    tornado = se.tornado(ref_case, drivers=se.standard_drivers()[:3], year=2026)
    import dataclasses
    b = dataclasses.replace(ref_case, inputs=dataclasses.replace(ref_case.inputs, scenario="b", price_growth=0.03))
    waterfall = co.waterfall(ref_case, b, year=2026)
    for make in (lambda: charts.fan_chart_png(table), lambda: charts.fan_chart_png(table, area="personlig_assistans"),
                 lambda: charts.tornado_png(tornado), lambda: charts.waterfall_png(waterfall)):
        first, second = make(), make()
        assert first.startswith(PNG) and first == second
        assert b"Software" not in first and b"Creation Time" not in first and b"matplotlib" not in first.lower()


def test_demo_generator_is_seeded_and_shaped():
    a, b, c = generate_budget_inputs(3), generate_budget_inputs(3), generate_budget_inputs(4)
    for key in a:
        assert a[key].equals(b[key])
    assert not a["actuals"].equals(c["actuals"])
    actuals = a["actuals"]
    assert set(actuals["year"]) == set(range(2019, 2025)) and len(actuals) == 6 * 12 * 6
    total_2024 = actuals[actuals["year"] == 2024]["cost"].sum()
    assert 2.5e9 < total_2024 < 2.9e9  # same order as the real board (F0110: 2 713 MSEK)
    dv = actuals[actuals["area"] == "daglig_verksamhet"]
    rate = (dv["cost"] / dv["volume"]).to_numpy().reshape(6, 12)
    assert (rate.argmin(axis=1) == 6).all()  # July: summer closure, weeks 26–32 (F0356)
    dv24 = dv[dv["year"] == 2024]["volume"].mean()
    assert abs(dv24 - 1002) < 5  # F0174
    assert np.isfinite(a["frames"]["frame"]).all()


def test_a_deterministic_projection_draws_no_uncertainty_band(ref_case, monkeypatch):
    """Persona review: without --draws the chart's legend listed 5–95 % and 25–75 % bands of no width."""
    from resmodel.budget.case import run_budget

    labels, panels = [], []

    def capture(fig):
        labels.extend(t.get_text() for t in fig.axes[0].get_legend().get_texts())
        panels.append([t.get_text() for ax in fig.axes[1:] for t in ax.get_legend().get_texts()])
        return PNG
    monkeypatch.setattr(charts, "figure_png", capture)
    yearly = run_budget(ref_case).yearly
    charts.fan_chart_png(yearly[yearly["service"] == "total"])
    assert labels == ["Nettokostnad — net cost", "Kommunbidrag (ram) — council frame"] and panels == [[]]
    labels.clear()
    spec = mc.load_uncertainty({"wage_growth": {"dist": "normal", "sd": 0.01}})
    charts.fan_chart_png(mc.run(ref_case, spec, draws=20, seed=1).table)
    assert labels[:2] == ["Nettokostnad 5–95 %", "Nettokostnad 25–75 %"]
    # statistician review: the frame moves with the draws, so the overspend risk is read from the deviation's
    # own fan, not from the net-cost band against the frame's median line
    assert panels[-1] == ["Avvikelse 5–95 % — deviation", "25–75 %", "median"]
