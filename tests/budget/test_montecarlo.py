"""Monte Carlo (issue 4 acceptance): same seed → identical percentiles; percentiles ordered; all
distributions degenerate → the deterministic result; the vectorised run equals the per-draw loop;
invalid distributions are located errors."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from resmodel.budget import montecarlo as mc
from resmodel.budget.case import run_budget
from resmodel.errors import InputError

from .conftest import small_case

SPEC = {
    "volume_growth": {"dist": "normal", "mean": 0.0, "sd": 0.01},
    "level_mix": {"dist": "triangular", "low": -0.005, "mode": 0.0, "high": 0.01},
    "wage_growth": {"dist": "normal", "mean": 0.0, "sd": 0.008},
    "price_growth": {"dist": "uniform", "low": -0.01, "high": 0.01},
    "sick_leave": {"dist": "normal", "mean": 0.0, "sd": 0.005},
    "assistance_hours": {"dist": "lognormal", "median": 1.0, "sigma": 0.05},
}
PCT = ["p05", "p10", "p25", "p50", "p75", "p90", "p95"]


@pytest.fixture(scope="module")
def spec() -> mc.UncertaintySpec:
    return mc.load_uncertainty(SPEC)


def test_same_seed_gives_identical_percentiles_and_another_seed_does_not(ref_case, spec):
    a = mc.run(ref_case, spec, draws=200, seed=11)
    b = mc.run(ref_case, spec, draws=200, seed=11, chunk=37)
    c = mc.run(ref_case, spec, draws=200, seed=12)
    assert a.table.to_csv(index=False) == b.table.to_csv(index=False)  # byte-identical, chunking irrelevant
    assert not np.allclose(a.table["p95"], c.table["p95"])


def test_percentiles_are_ordered_for_every_output(ref_case, spec):
    t = mc.run(ref_case, spec, draws=300, seed=3).table
    values = t[PCT].to_numpy()
    assert (np.diff(values, axis=1) >= -1e-6 * (1 + np.abs(values[:, 1:]))).all()
    assert ((t["value"] - t["p50"]).abs() <= 1e-6 * (1 + t["p50"].abs())).all()
    spread = t[(t["measure"] == "deviation") & (t["area"] == "total")]
    assert (spread["p95"] - spread["p05"]).is_monotonic_increasing  # uncertainty grows with the horizon


def test_degenerate_distributions_reproduce_the_deterministic_run(ref_case):
    neutral = mc.run(ref_case, mc.UncertaintySpec(), draws=7, seed=5).table
    det = run_budget(ref_case).yearly
    assert (neutral[["period", "service", "area", "measure"]].to_numpy() ==
            det[["period", "service", "area", "measure"]].to_numpy()).all()
    for column in ["value", "mean", *PCT]:
        np.testing.assert_allclose(neutral[column], det["value"], rtol=1e-12, atol=1e-6)


def test_degenerate_at_a_non_neutral_value_equals_the_changed_deterministic_case(ref_case):
    spec = mc.load_uncertainty({"wage_growth": {"dist": "fixed", "value": 0.01},
                                "assistance_hours": {"dist": "fixed", "value": 1.05}})
    t = mc.run(ref_case, spec, draws=3, seed=1).table
    p = ref_case.inputs
    years = range(p.base_year + 1, p.first_year + p.years)
    wages = {y: (p.wage_growth.get(y, 0.03)) + 0.01 for y in years}
    a = p.assistance
    volumes = p.volumes.copy()
    volumes[a.own_provider_service] *= 1.05
    changed = dataclasses.replace(ref_case, inputs=dataclasses.replace(
        p, wage_growth=wages, extensions={}, volumes=volumes,
        assistance=dataclasses.replace(a, sfb_hours_per_week=a.sfb_hours_per_week * 1.05)))
    np.testing.assert_allclose(t["p05"], run_budget(changed).yearly["value"], rtol=1e-10, atol=1e-4)


@pytest.mark.parametrize("rent_follows_price", [False, True])
def test_vectorised_equals_the_per_draw_loop(spec, rent_follows_price):
    case = small_case(years=3)
    case = dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, rent_follows_price=rent_follows_price))
    vec = mc.run(case, spec, draws=12, seed=2024, chunk=5).table
    loop = mc.run_loop(case, spec, draws=12, seed=2024).table
    assert (vec[["period", "service", "area", "measure"]].to_numpy() ==
            loop[["period", "service", "area", "measure"]].to_numpy()).all()
    for column in ["mean", *PCT]:
        np.testing.assert_allclose(vec[column], loop[column], rtol=1e-10, atol=1e-4)


def test_progress_is_reported_per_chunk(ref_case, spec):
    seen = []
    mc.run(ref_case, spec, draws=100, seed=1, chunk=40, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(40, 100), (80, 100), (100, 100)]


@pytest.mark.parametrize("data, message", [
    ({"wage_growth": {"dist": "normal", "sd": -0.01}}, "uncertainty.wage_growth.sd"),
    ({"level_mix": {"dist": "triangular", "low": 0.01, "mode": 0.0, "high": 0.02}}, "low ≤ mode ≤ high"),
    ({"price_growth": {"dist": "uniform", "low": 0.02, "high": 0.01}}, "high (0.01) is below low"),
    ({"assistance_hours": {"dist": "normal", "mean": 1.0, "sd": 0.1}}, "must stay > 0"),
    ({"assistance_hours": {"dist": "lognormal", "median": 0.0, "sigma": 0.1}}, "uncertainty.assistance_hours.median"),
    ({"wage_growth": {"dist": "gamma", "shape": 2}}, "unknown distribution 'gamma'"),
    ({"wage_growht": {"dist": "fixed", "value": 0}}, "did you mean 'wage_growth'"),
    # statistician review: uniform(−0.3, 0.45) was accepted and drew sick-leave rates from −0.23 to 0.52
    ({"sick_leave": {"dist": "uniform", "low": -0.3, "high": 0.45}}, "at 'uncertainty.sick_leave': invalid "
     "distribution: sick_leave ranges from -0.3 to 0.45"),
    ({"sick_leave": {"dist": "normal", "mean": 0.0, "sd": 0.1}}, "stays within ±0.2"),
])
def test_invalid_distributions_are_located(data, message):
    with pytest.raises(InputError) as info:
        mc.load_uncertainty(data, file="scenarios/high_volume.yaml")
    assert message in str(info.value) and "scenarios/high_volume.yaml" in str(info.value)


def test_volume_growth_for_an_unknown_service_and_bad_draws(ref_case):
    spec = mc.load_uncertainty({"volume_growth": {"dagliga_verksamhet": {"dist": "normal", "sd": 0.01}}})
    with pytest.raises(InputError, match="did you mean 'daglig_verksamhet'"):
        mc.run(ref_case, spec, draws=5)
    with pytest.raises(InputError, match="at least 1 draw"):
        mc.run(ref_case, mc.UncertaintySpec(), draws=0)
    with pytest.raises(InputError, match="percentiles"):
        mc.run(ref_case, mc.UncertaintySpec(), draws=5, percentiles=(95, 5))


def test_output_has_the_fixed_columns(ref_case, spec):
    t = mc.run(ref_case, spec, draws=20, seed=1).table
    assert list(t.columns) == ["scenario", "period", "service", "area", "measure", "value", "mean", *PCT]
    assert isinstance(t, pd.DataFrame) and not t.isna().any().any()


def test_the_draws_precision_is_noted_and_shrinks_with_more_draws(ref_case, spec):
    """Statistician review: the HTML and the table printed percentiles to 0.1 MSEK while another seed moved p05
    by several MSEK at 1 000 draws, and nothing said how far the draws carry them."""
    import re

    def half_width(draws: int) -> float:
        (note,) = [n for n in mc.run(ref_case, spec, draws=draws, seed=7).notes if n.startswith("Monte Carlo precision")]
        assert f"with {draws:,} draws" in note and "p05 and p95" in note
        return float(re.search(r"±([\d,.]+) MSEK", note).group(1).replace(",", ""))

    few, many = half_width(200), half_width(3200)
    assert 0 < many < few / 2.5  # 16 times the draws: about a quarter of the width
