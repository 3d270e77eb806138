"""Projection from a scenario file: the `projection:` block, its composition over `extends`, the
wiring of engine results, parameter tree and volume forecast into the budget core."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resmodel.errors import InputError
from resmodel.io.scenario import read_chain
from resmodel.projection_run import build_setup, check_projection, project, unit_costs, yearly_by_area
from resmodel.run import load
from resmodel.scenario.projection import ProjectionSettings, merge, resolve

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "demokommun"


def scenario(tmp_path: Path, name: str, body: str, base_projection: str | None = None) -> Path:
    """A root scenario on the demo data in tmp_path plus a child `name` with ``body``."""
    projection = base_projection if base_projection is not None else textwrap.dedent(f"""\
        projection:
          horizon_years: 10
          default_model: drift
          frame: {DATA / 'frame.yaml'}
        """)
    (tmp_path / "base.yaml").write_text(
        f"name: base\npurpose: test root\ndata: {DATA}\nbase_date: 2024-07-01\nseed: 1\n" + projection)
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"name: {name}\npurpose: test\nextends: base.yaml\n" + textwrap.dedent(body))
    return path


def run_file(path: Path):
    from resmodel.run import load, run

    loaded = load(path)
    return loaded, run(loaded)


@pytest.fixture(scope="module")
def base_budget(demo_loaded, demo_result):
    return project(demo_loaded, demo_result)


def test_settings_defaults_and_descriptions():
    s = ProjectionSettings()
    assert s.horizon_years == 10 and s.frame is None and s.own_provider_rate_factor == 1.0
    for name, field in ProjectionSettings.model_fields.items():
        assert field.description, name


def test_merge_is_key_by_key():
    parent = {"horizon_years": 10, "volumes": {"a": "drift", "b": 5}, "volume_changes": [{"x": 1}]}
    child = {"volumes": {"b": 7}, "volume_changes": []}
    assert merge(parent, child) == {"horizon_years": 10, "volumes": {"a": "drift", "b": 7}, "volume_changes": []}


def test_extends_composition(tmp_path):
    path = scenario(tmp_path, "child", """\
        projection:
          horizon_years: 5
          volumes: {daglig_verksamhet: 1100}
        """)
    resolved = resolve(read_chain(path))
    s = resolved.settings
    assert s.horizon_years == 5 and s.default_model == "drift" and s.volumes == {"daglig_verksamhet": 1100}
    assert str(s.frame).endswith("frame.yaml")                     # inherited from the root
    assert resolved.location("horizon_years").line == 5            # the child sets it, on line 5
    assert resolved.location("frame").file.endswith("base.yaml")


def test_unit_costs_fold_purchase_into_other(demo_result):
    table = unit_costs(demo_result.services)
    svc = demo_result.services.set_index("service")
    ext = table.set_index("service").loc["externa_platser"]
    assert ext["other_cost"] == pytest.approx(svc.at["externa_platser", "other_cost"]
                                              + svc.at["externa_platser", "purchase_cost"])
    assert ext["volume"] == svc.at["externa_platser", "users"]


def test_base_projection_shape_and_balance(base_budget, demo_result):
    table = yearly_by_area(base_budget)
    assert sorted(table["year"].unique()) == [str(y) for y in range(2025, 2035)]
    total = table[table["area"] == "total"].set_index("year")
    np.testing.assert_allclose(total["deviation"], total["frame"] - total["net_cost"], rtol=1e-12)
    # the demo frame is sized on the 2024 net cost: the first year is within 0.5 % of balance
    assert abs(total.at["2025", "deviation"]) < 0.005 * total.at["2025", "net_cost"]
    # and the first projected year is close to the base year (engine + other services) plus a year's growth
    other = pd.read_csv(DATA / "other_services.csv")
    base = demo_result.services["net_cost"].sum() + (other["volume"] * other["average_cost"]).sum()
    assert 1.0 < total.at["2025", "net_cost"] / base < 1.08


def test_sfb_rule_uses_the_state_rate_of_the_year(base_budget, demo_loaded):
    y = base_budget.yearly
    sel = y[(y["service"] == "personlig_assistans_sfb") & (y["period"] == "2026")].set_index("measure")["value"]
    rate = demo_loaded.tree.snapshot(dt.date(2026, 1, 1))["personlig_assistans.state_hourly_rate"]
    monthly = base_budget.monthly
    m = monthly[(monthly["service"] == "personlig_assistans_sfb") & monthly["period"].str.startswith("2026")
                & (monthly["measure"] == "volume")]["value"].to_numpy()
    days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    expected = float((m * 20.0 * days / 7.0).sum() * rate)
    assert sel["net_cost"] == pytest.approx(expected, rel=1e-9)


def _monthly(result, service: str, year: str, measure: str) -> np.ndarray:
    m = result.monthly
    return m[(m["service"] == service) & m["period"].str.startswith(year) & (m["measure"] == measure)]["value"].to_numpy()


@pytest.mark.parametrize("year", ["2025", "2028"])  # 2024, the base year, is a leap year; 2025 is not, 2028 is
def test_assistance_hours_follow_each_years_days(base_budget, demo_loaded, year):
    """LSS hours are the users' weekly hours per case × the year's own days / 7, as the SFB rule's are
    (not the base year's 366 days in every year); the own provider's hours per SFB case likewise."""
    users = demo_loaded.data.users
    lss = users[users["service"] == "personlig_assistans_lss"]["weekly_hours"]
    days = np.array([calendar.monthrange(int(year), m)[1] for m in range(1, 13)], dtype=float)
    cases = _monthly(base_budget, "personlig_assistans_lss", year, "volume")
    hours = _monthly(base_budget, "personlig_assistans_lss", year, "hours")
    np.testing.assert_allclose(hours, cases * lss.mean() * days / 7.0, rtol=1e-12)
    sfb_cases = _monthly(base_budget, "personlig_assistans_sfb", year, "volume")
    own = _monthly(base_budget, "personlig_assistans_egen_utforare", year, "hours")
    per_case_week = own / (sfb_cases * days / 7.0)
    np.testing.assert_allclose(per_case_week, per_case_week[0], rtol=1e-12)  # the same weekly hours every month


def test_sfb_cases_under_the_cap_pay_their_own_hours(tmp_path):
    """The municipality pays min(20, weekly hours) per SFB case (F0179), in the projection as in the
    engine: cases under 20 h lower the projected share."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    users = pd.read_csv(data / "users.csv", dtype=str, keep_default_na=False)
    sfb = users.index[users["service"] == "personlig_assistans_sfb"]
    users.loc[sfb[:100], "weekly_hours"] = "10.0"
    users.to_csv(data / "users.csv", index=False)
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\npurpose: t\ndata: {data}\nbase_date: 2024-07-01\nseed: 1\n"
                    f"projection:\n  frame: {DATA / 'frame.yaml'}\n  default_model: drift\n")
    result = project(*run_file(path))
    hours = _monthly(result, "personlig_assistans_sfb", "2025", "hours")
    cases = _monthly(result, "personlig_assistans_sfb", "2025", "volume")
    n = len(sfb)
    paid = (100 * 10.0 + (n - 100) * 20.0) / n
    days = np.array([calendar.monthrange(2025, m)[1] for m in range(1, 13)], dtype=float)
    np.testing.assert_allclose(hours, cases * paid * days / 7.0, rtol=1e-12)


def test_extrapolated_indices_are_flagged(base_budget):
    notes = "\n".join(base_budget.notes)
    assert "wage_growth: no data for 2027–2034" in notes
    assert "state_hourly_rate" in notes


def test_deterministic(demo_loaded, demo_result, base_budget):
    again = project(demo_loaded, demo_result)
    assert again.yearly.to_csv() == base_budget.yearly.to_csv()


def test_a_declared_rent_extension_applies_when_rent_follows_the_price_index(tmp_path):
    """Without projection.rent_growth the rent follows the price index's data, and beyond it the declared
    extensions.rent_growth (it used to be dropped without a word)."""
    path = scenario(tmp_path, "rent", "projection:\n  extensions: {rent_growth: 0.05}\n")
    inputs = build_setup(*run_file(path)).case.inputs
    base = build_setup(*run_file(tmp_path / "base.yaml")).case.inputs
    assert inputs.rent_growth == base.price_growth and inputs.extensions["rent_growth"] == 0.05
    assert base.extensions["rent_growth"] == base.extensions["price_growth"]


def test_volume_change_and_fixed_volumes(tmp_path):
    path = scenario(tmp_path, "shift", """\
        projection:
          volumes: {externa_platser: 30}
          volume_changes:
            - {service: personlig_assistans_lss, from_year: 2027, change: 10, reason: test}
        """)
    setup = build_setup(*run_file(path))
    v = setup.case.inputs.volumes
    assert (v["externa_platser"] == 30).all()
    base = build_setup(*run_file(tmp_path / "base.yaml")).case.inputs.volumes
    diff = v["personlig_assistans_lss"] - base["personlig_assistans_lss"]
    assert (diff[diff.index < "2027-01"] == 0).all() and np.allclose(diff[diff.index >= "2027-01"], 10)


def test_unknown_service_has_near_miss(tmp_path):
    path = scenario(tmp_path, "typo", "projection:\n  volumes: {daglig_verksamheten: 1000}\n")
    with pytest.raises(InputError) as err:
        project(*run_file(path))
    text = str(err.value)
    assert "typo.yaml, line 5" in text and "did you mean 'daglig_verksamhet'" in text
    from resmodel.projection_run import check_projection
    from resmodel.run import load

    with pytest.raises(InputError, match="did you mean 'daglig_verksamhet'"):  # validate says it too
        check_projection(load(path))


def test_override_key_that_is_not_a_year_is_refused(tmp_path):
    """{3: 100} (a level, meant as one) must not silently replace the whole service from year 3 on."""
    path = scenario(tmp_path, "level", "projection:\n  volumes: {daglig_verksamhet: {3: 100}}\n"
                    "  adjustments: [{service: daglig_verksamhet, year: 2207, amount: 1000000}]\n")
    with pytest.raises(InputError) as err:
        check_projection(load(path))
    text = str(err.value)
    assert "level.yaml, line 5" in text and "3 is not a year" in text and "levels cannot be set" in text
    assert "year 2207 is not projected" in text  # reported with the block's other problems (docs walk: two rounds)


def test_an_absurd_volume_is_refused_before_it_can_overflow(tmp_path):
    path = scenario(tmp_path, "huge", "projection:\n  volumes: {daglig_verksamhet: {2025: 1e306}}\n")
    with pytest.raises(InputError, match=r"1e\+306\) is outside 0–1,000,000"):
        resolve(read_chain(path))


def test_late_override_names_the_scenario_file(tmp_path):
    """A late override of a service without a volume history (none to forecast the years before from)."""
    path = scenario(tmp_path, "late", "projection:\n  volumes: {ovriga_lss: {2027: 1}}\n")
    with pytest.raises(InputError) as err:
        project(*run_file(path))
    assert "late.yaml, line 5" in str(err.value) and "starts in 2027" in str(err.value)


def test_demographic_and_stockflow_read_the_data_folder(tmp_path):
    path = scenario(tmp_path, "models", """\
        projection:
          volumes: {daglig_verksamhet: stockflow, bostad_vuxna: demographic}
        """)
    models = build_setup(*run_file(path)).volume_models.set_index("service")["model_used"]
    assert models["daglig_verksamhet"] == "stockflow" and models["bostad_vuxna"] == "demographic"


def test_only_the_demographic_services_users_need_an_age_band(tmp_path):
    """Review 2026-12-07: users of another service, all in no band of population.csv (children's housing once the
    bands under 20 are gone), stopped a projection whose demographic model forecasts adult housing only."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("budget_*"))
    population = pd.read_csv(data / "population.csv")
    population[~population["age_band"].isin(["0-6", "7-15", "16-19"])].to_csv(data / "population.csv", index=False)
    (tmp_path / "s.yaml").write_text(f"name: s\npurpose: test\ndata: {data}\nbase_date: 2024-07-01\nseed: 1\n"
                                     f"projection:\n  default_model: drift\n  volumes: {{bostad_vuxna: demographic}}\n"
                                     f"  frame: {DATA / 'frame.yaml'}\n")
    models = build_setup(*run_file(tmp_path / "s.yaml")).volume_models.set_index("service")["model_used"]
    assert models["bostad_vuxna"] == "demographic" and models["bostad_barn"] == "drift"


def test_demographic_without_population_is_located(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("population.csv", "budget_*"))
    (tmp_path / "s.yaml").write_text(f"name: s\npurpose: test\ndata: {data}\nbase_date: 2024-07-01\nseed: 1\n"
                                     f"projection:\n  default_model: demographic\n  frame: {DATA / 'frame.yaml'}\n")
    with pytest.raises(InputError) as err:
        project(*run_file(tmp_path / "s.yaml"))
    text = str(err.value)
    assert "s.yaml, line 7" in text and "'projection.default_model'" in text and "population.csv" in text


@pytest.mark.parametrize("body, text", [
    ("  extensions: {wage_growth: 3.3}\n", "3.3 looks like a percentage: write 0.033"),
    ("  volume_growth: {daglig_verksamhet: -0.7}\n", "the rate -0.7 for daglig_verksamhet is below -0.5"),
    ("  level_mix_drift: {2026: 2}\n", "the rate 2 for 2026 is above 0.5"),
])
def test_annual_rates_in_the_projection_block_are_fractions(tmp_path, body, text):
    path = scenario(tmp_path, "rates", "projection:\n" + body)
    with pytest.raises(InputError) as err:
        resolve(read_chain(path))
    assert "rates.yaml, line 5" in str(err.value) and text in str(err.value)


def test_every_bad_rate_and_unknown_extension_is_reported_at_its_entry_in_one_run(tmp_path):
    """The first bad entry of a key alone was told (a second percentage came in the next run), and an unknown
    extension index, checked per file, held back every rate problem of the block."""
    path = scenario(tmp_path, "rates", "projection:\n  volume_growth: {daglig_verksamhet: 2, bostad_vuxna: 3}\n"
                    "  level_mix_drift: {2026: 5, 2027: 6}\n  extensions: {wage_grwth: 0.01, foo: 0.2}\n")
    with pytest.raises(InputError) as err:
        resolve(read_chain(path))
    said = [str(p) for p in err.value.problems]
    assert len(said) == 6, said
    for line, at in zip(said, ["volume_growth.daglig_verksamhet", "volume_growth.bostad_vuxna", "level_mix_drift.2026",
                               "level_mix_drift.2027", "extensions.wage_grwth", "extensions.foo"], strict=True):
        assert f"at 'projection.{at}'" in line, line
    assert "did you mean 'wage_growth'" in said[4] and "unknown index 'foo' in extensions" in said[5]


def test_sick_leave_acts_through_its_yearly_factor_from_any_start_date(tmp_path):
    """A 6 % target written from the base year or from the first projected year: the same projection,
    and the waterfall credits the whole difference to wages and sick leave."""
    from resmodel.budget.case import run_budget
    from resmodel.budget.compare import waterfall

    def sick(name, start):
        return scenario(tmp_path, name, f"""\
            parameters:
              working_time.sick_leave_rate:
                - {{value: 0.06, from: {start}, reason: test}}
            """)

    cases = {start: build_setup(*run_file(sick(f"s{start[:4]}", start))).case for start in ("2024-01-01", "2025-01-01")}
    a, b = (run_budget(c).yearly for c in cases.values())
    pd.testing.assert_frame_equal(a.drop(columns="scenario"), b.drop(columns="scenario"))
    base = build_setup(*run_file(tmp_path / "base.yaml")).case
    steps = waterfall(base, cases["2024-01-01"]).set_index("driver")["value"]
    assert steps["wages"] > 0 and steps.drop(["start", "end", "wages"]).abs().max() < 1e-6


def test_unknown_model_is_located(tmp_path):
    path = scenario(tmp_path, "model", "projection:\n  default_model: drfit\n")
    with pytest.raises(InputError) as err:
        resolve(read_chain(path))
    assert "model.yaml" in str(err.value) and "drfit" in str(err.value)


def test_missing_frame_file_is_located(tmp_path):
    path = scenario(tmp_path, "noframe", "projection:\n  frame: nowhere.yaml\n")
    with pytest.raises(InputError) as err:
        project(*run_file(path))
    assert "noframe.yaml, line 5" in str(err.value) and "nowhere.yaml" in str(err.value)


def test_no_projection_block(tmp_path):
    path = scenario(tmp_path, "plain", "seed: 2\n", base_projection="")
    with pytest.raises(InputError, match="no 'projection:' block"):
        project(*run_file(path))


def test_inline_frame_merges_over_the_parent_file(tmp_path):
    path = scenario(tmp_path, "inline", """\
        projection:
          frame:
            indexation: {kind: none}
            expansion: [{area: lss_boende, year: 2026, amount: 9000000, reference: F0169}]
        """)
    frame = build_setup(*run_file(path)).case.frame
    assert frame.indexation.kind == "none"                       # a 'kind' choice is replaced whole
    assert frame.expansion[0].amount == 9e6
    assert frame.base["lss_boende"] == 1067700000                 # inherited from data/demokommun/frame.yaml


def test_inline_frame_error_is_located(tmp_path):
    path = scenario(tmp_path, "inline", """\
        projection:
          frame:
            base: {lss_boendet: 1}
        """)
    with pytest.raises(InputError) as err:
        project(*run_file(path))
    assert "inline.yaml" in str(err.value) and "lss_boendet" in str(err.value)


def test_index_without_extension_is_an_error_unless_declared(tmp_path):
    # an index ends in 2026 without 'extend: last' in a local parameter folder → located error;
    # a declared extension in the scenario lets the run go on (and the core flags the years)
    params = tmp_path / "params"
    (params / "indices").mkdir(parents=True)
    (params / "indices" / "wage_growth.yaml").write_text(textwrap.dedent("""\
        description: "Löneutveckling — test"
        unit: share per year
        reference: test
        kind: index
        extend: none
        values:
          2023-01-01: 0.041
          2024-01-01: 0.033
          2025-01-01: 0.034
          2026-01-01: 0.03
        """))
    for f in (DATA / "parameters").rglob("*.yaml"):
        target = params / f.relative_to(DATA / "parameters")
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f.read_text())
    path = scenario(tmp_path, "ext", f"parameters_dir: {params}\n")
    with pytest.raises(InputError, match="indices.wage_growth"):
        project(*run_file(path))
    path = scenario(tmp_path, "ext2", f"parameters_dir: {params}\nprojection:\n  extensions: {{wage_growth: 0.025}}\n")
    result = project(*run_file(path))
    assert any("wage_growth: no data for 2027–2034" in n for n in result.notes)


def test_the_demo_notes_say_what_was_done_in_an_economists_words(base_budget):
    # a note reads as a record of expected behaviour, not as a problem: the rule behind a service's cost,
    # why a volume is held, what fills the state rate's missing years
    notes = base_budget.notes
    assert "personlig_assistans_lss: projected by its own rule (cases × hours per case × the own staff's cost per " \
           "hour, or the providers' price for bought hours), as intended; its base-year average cost is not used" in notes
    assert "externa_platser: projected by its own rule (places × day price, new places dearer), as intended; " \
           "its base-year average cost is not used" in notes
    assert ("personlig_assistans.state_hourly_rate: the state rate's yearly uplift (indices.state_rate_uplift) has "
            "no data for 2025–2034: 2.5 % a year carried (the index's last rate with extend: last; flagged as an "
            "assumption)") in notes
    assert any(n.startswith("volume held at its base-year level in other_services.csv, as there is no history to "
                            "forecast from: ") for n in notes)
    assert not any("unit-cost row" in n or "(base year)" in n for n in notes)


def _own_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


def _validate(tmp_path: Path, data: Path):
    from resmodel.projection_run import check_projection
    from resmodel.run import load

    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\npurpose: t\ndata: {data}\nbase_date: 2024-07-01\nseed: 1\n"
                    f"projection:\n  frame: {DATA / 'frame.yaml'}\n  default_model: drift\n")
    return check_projection(load(path))


def test_validate_finds_a_history_that_stops_before_the_base_years_december(tmp_path):
    """What `resmodel project` would refuse, `resmodel validate` refuses first."""
    data = _own_data(tmp_path)
    history = pd.read_csv(data / "volume_history.csv", dtype=str, keep_default_na=False)
    history[history["month"] <= "2024-06"].to_csv(data / "volume_history.csv", index=False)
    with pytest.raises(InputError, match=r"volume_history.csv: the volume history ends in 2024-06.*up to 2024-12"):
        _validate(tmp_path, data)


def test_validate_finds_volume_compensation_for_a_service_not_projected(tmp_path):
    data = _own_data(tmp_path)
    (data / "other_services.csv").unlink()  # boendestod, which the demo frame compensates, is no longer projected
    with pytest.raises(InputError, match=r"volume_compensation\[\d\]\.service.*'boendestod', which has no volume"):
        _validate(tmp_path, data)
    assert _validate(tmp_path, _own_data(tmp_path / "b"))[0].startswith("projection 2025–2034")


def test_a_short_history_is_fine_when_every_volume_is_fixed(tmp_path):
    """A history that stops early matters only for services forecast from it."""
    from resmodel.projection_run import check_projection
    from resmodel.run import load

    data = _own_data(tmp_path)
    history = pd.read_csv(data / "volume_history.csv", dtype=str, keep_default_na=False)
    history[history["month"] <= "2024-10"].to_csv(data / "volume_history.csv", index=False)
    services = sorted({*pd.read_csv(data / "users.csv")["service"], *pd.read_csv(data / "other_services.csv")["service"]})
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\npurpose: t\ndata: {data}\nbase_date: 2024-07-01\nseed: 1\nprojection:\n"
                    f"  frame: {DATA / 'frame.yaml'}\n  volumes: {{{', '.join(f'{sv}: 10' for sv in services)}}}\n")
    loaded = load(path)
    assert check_projection(loaded)[0].startswith("projection 2025–2034")
    assert len(yearly_by_area(project(loaded, run_file(path)[1]))) > 0


def test_bought_lss_hours_follow_the_state_rate_not_wages_or_sick_leave(base_budget, demo_loaded, demo_result):
    """Economist review: LSS assistance bought from providers (priced by lss_purchase_price_per_hour, indexed
    like the state rate) was projected with the own staff's wage growth and sick leave."""
    engine = demo_result.services.set_index("service").loc["personlig_assistans_lss"]
    users = demo_loaded.data.users
    base_hours = float(users.loc[users["service"] == "personlig_assistans_lss", "weekly_hours"].sum()) * 366 / 7
    per_hour = float(engine["purchase_cost"]) / base_hours
    y = base_budget.yearly
    lss = y[(y["service"] == "personlig_assistans_lss") & (y["period"] == "2027")].set_index("measure")["value"]
    rate = {yr: demo_loaded.tree.snapshot(dt.date(yr, 1, 1))["personlig_assistans.state_hourly_rate"]
            for yr in (2024, 2027)}
    inputs = build_setup(demo_loaded, demo_result).case.inputs  # the own staff's other cost follows prices (h16 #1)
    price = np.prod([1 + inputs.price_growth.get(yr, inputs.extensions.get("price_growth")) for yr in (2025, 2026, 2027)])
    own_other = lss["hours"] * float(engine["other_cost"]) / base_hours * price
    assert lss["other_cost"] == pytest.approx(lss["hours"] * per_hour * rate[2027] / rate[2024] + own_other, rel=1e-9)
    assert lss["net_cost"] == pytest.approx(lss["staff_cost"] + lss["other_cost"], rel=1e-12)
    assert 0 < lss["staff_cost"] < lss["other_cost"]  # the demo buys most of its LSS hours


def test_sick_leave_moves_the_own_lss_staff_but_not_the_bought_hours(tmp_path):
    base = project(*run_file(scenario(tmp_path, "s", "parameters:\n  working_time.sick_leave_rate: 0.074\n")))
    sick = project(*run_file(scenario(tmp_path, "t", "parameters:\n  working_time.sick_leave_rate: 0.12\n")))

    def lss(result, measure):
        y = result.yearly
        return y[(y["service"] == "personlig_assistans_lss") & (y["period"] == "2026") & (y["measure"] == measure)][
            "value"].iloc[0]

    assert lss(sick, "other_cost") == pytest.approx(lss(base, "other_cost"), rel=1e-12)
    assert lss(sick, "staff_cost") > lss(base, "staff_cost") * 1.04


def test_a_one_off_adjustment_adds_its_amount_in_its_year_only(tmp_path):
    """Economist review: no way to put a new home's start-up cost into the projection."""
    base = yearly_by_area(project(*run_file(scenario(tmp_path, "a", ""))))
    body = ("projection:\n  adjustments:\n    - {service: bostad_vuxna, year: 2027, amount: 5000000, "
            "reason: start-up of a new group home}\n")
    result = project(*run_file(scenario(tmp_path, "b", body)))
    changed = yearly_by_area(result)
    diff = (changed.set_index(["year", "area"])["net_cost"] - base.set_index(["year", "area"])["net_cost"])
    assert diff.loc[("2027", "lss_boende")] == pytest.approx(5e6) and diff.loc[("2027", "total")] == pytest.approx(5e6)
    assert diff.drop([("2027", "lss_boende"), ("2027", "total")]).abs().max() < 1e-3
    assert "one-off bostad_vuxna 2027: +5,000,000 SEK — start-up of a new group home" in result.notes


@pytest.mark.parametrize("entry, said", [
    ("{service: bostad_vuxna, year: 2040, amount: 1}", "adjustments[0].year': year 2040 is not projected"),
    ("{service: hemtjanst, year: 2027, amount: 1}", "adjustments[0].service': 'hemtjanst' is not a projected service"),
    ("{service: bostad_vuxna, year: 2027, amount: 1, reson: x}",
     "unknown key 'reson'. Expected one of amount, reason, service, year. Fix: did you mean 'reason'?"),
])
def test_a_wrong_adjustment_is_located(tmp_path, entry, said):
    path = scenario(tmp_path, "b", f"projection:\n  adjustments:\n    - {entry}\n")
    with pytest.raises(InputError) as err:
        project(*run_file(path))
    assert "b.yaml, line 6" in str(err.value) and said in str(err.value)


def test_a_volume_change_below_zero_names_the_service_month_and_volume(tmp_path):
    body = "projection:\n  volume_changes:\n    - {service: bostad_barn, from_year: 2027, change: -500}\n"
    with pytest.raises(InputError) as err:
        project(*run_file(scenario(tmp_path, "b", body)))
    text = str(err.value)
    assert "b.yaml, line 6, at 'projection.volume_changes[0].change'" in text
    assert "the volume changes make bostad_barn's volume negative from 2027-01 (" in text
    assert "reduce the change for bostad_barn" in text


def test_project_refuses_a_seed_without_draws(tmp_path):
    from resmodel.cli import app
    from tests.clirun import invoke

    code, _, err = invoke(app, "project", ROOT / "scenarios" / "base.yaml", "--seed", "1", "--out", tmp_path / "p")
    assert code == 2 and "a seed without draws" in err and not (tmp_path / "p").exists()


def test_a_horizon_beyond_the_history_is_one_note_for_all_services(tmp_path):
    """Economist review: eight separate notes for an ordinary ten-year run on six years of history."""
    data = _own_data(tmp_path)
    history = pd.read_csv(data / "volume_history.csv", dtype=str, keep_default_na=False)
    history[history["month"] >= "2020-01"].to_csv(data / "volume_history.csv", index=False)
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\npurpose: t\ndata: {data}\nbase_date: 2024-07-01\nseed: 1\n"
                    f"projection:\n  frame: {DATA / 'frame.yaml'}\n  default_model: drift\n")
    notes = [n for n in project(*run_file(path)).notes if "horizon_beyond_history" in n]
    assert len(notes) == 1
    assert "the horizon (120 months) is longer than the history of " in notes[0] and "daglig_verksamhet" in notes[0]


def test_explain_suggests_the_area_meant(tmp_path):
    from resmodel.cli import app
    from tests.clirun import invoke

    code, _, err = invoke(app, "explain", ROOT / "scenarios" / "base.yaml", "--year", "2027", "--area", "lss_boendet")
    assert code == 2 and "did you mean 'lss_boende'?" in err


def test_the_assumptions_table_shows_the_rates_and_volumes_the_projection_used(demo_loaded, demo_result):
    """Economist review: the summary stated no assumption (no rate, no volume)."""
    from resmodel.projection_run import assumptions, run_setup

    setup = build_setup(demo_loaded, demo_result)
    result = run_setup(setup)
    table = assumptions(setup, result).set_index("antagande")
    assert list(table.columns) == ["enhet", *map(str, range(2025, 2035))]  # every year: a one-year change shows
    wage = demo_loaded.tree.index_growth("indices.wage_growth", 2025)[0]
    assert table.at["Löneökning — wage growth", "2025"] == pytest.approx(100 * wage)
    assert table.at["Sjukfrånvaro — sick leave", "2030"] == 7.4  # exactly as written: not 7.399999999999999
    y = result.yearly
    dv = y[(y["service"] == "daglig_verksamhet") & (y["measure"] == "volume") & (y["period"] == "2034")]["value"].sum()
    assert table.at["Volym daglig_verksamhet (drift)", "2034"] == pytest.approx(dv)
    assert not any(label.startswith("Volym ovriga_lss") for label in table.index)  # lumps held at 1 are left out


def test_the_notes_state_the_base_years_frame_and_net_cost(base_budget, demo_result):
    """Economist review: a frame with a built-in surplus in the base year was invisible in every output."""
    other = pd.read_csv(DATA / "other_services.csv")
    net = demo_result.services["net_cost"].sum() + (other["volume"] * other["average_cost"]).sum()
    note = next(n for n in base_budget.notes if n.startswith("base year 2024: frame "))
    assert f"against a net cost of {net / 1e6:,.1f} MSEK" in note and "frame 2,713.0 MSEK" in note


def test_the_sfb_cap_acts_per_case_when_assistance_hours_move(demo_loaded, demo_result):
    """Review: 10 % fewer hours took 2 h/week off every SFB case's municipal 20 hours, although each
    demo case has at least 45 hours a week (the cap applied to the capped mean, not to each case)."""
    from resmodel.budget.case import run_budget
    from resmodel.budget.sensitivity import standard_drivers

    case = build_setup(demo_loaded, demo_result).case
    hours = next(d for d in standard_drivers() if d.key == "assistance_hours")

    def sfb(result) -> float:
        y = result.yearly
        return y[(y["service"] == "personlig_assistans_sfb") & (y["measure"] == "other_cost")]["value"].sum()

    base = sfb(run_budget(case))
    assert sfb(run_budget(hours.apply(case, -0.1))) == pytest.approx(base, rel=1e-12)
    assert sfb(run_budget(hours.apply(case, 0.1))) == pytest.approx(base, rel=1e-12)
    # a case under the cap pays fewer hours when its hours fall
    a = case.inputs.assistance
    small = dataclasses.replace(case, inputs=dataclasses.replace(case.inputs, assistance=dataclasses.replace(
        a, sfb_case_hours=(10.0,) * len(a.sfb_case_hours), sfb_hours_per_week=10.0)))
    assert sfb(run_budget(hours.apply(small, -0.1))) == pytest.approx(0.9 * sfb(run_budget(small)), rel=1e-9)


def _sfb_cost(result) -> pd.Series:
    y = result.yearly
    return y[(y["service"] == "personlig_assistans_sfb") & (y["measure"] == "other_cost")].set_index("period")["value"]


def test_a_20_hour_rule_changed_on_a_date_acts_from_that_month(tmp_path):
    """Economist review: municipal_hours_per_week 25 from 2026-01-01 left the projection at 20 hours (read once at
    the base date). Now 2025 is the base's and 2026 on are those of 25 hours throughout; a change on 1 July moves
    half of its year's extra hours (the demo's SFB cases all have more than 25 hours a week)."""
    dated = scenario(tmp_path, "dated", """\
        parameters:
          personlig_assistans.municipal_hours_per_week: [{value: 25, from: 2026-01-01}]
        """)
    throughout = tmp_path / "all.yaml"
    throughout.write_text("name: all\npurpose: test\nextends: base.yaml\n"
                          "parameters:\n  personlig_assistans.municipal_hours_per_week: 25\n")
    mid = tmp_path / "mid.yaml"
    mid.write_text("name: mid\npurpose: test\nextends: base.yaml\nparameters:\n"
                   "  personlig_assistans.municipal_hours_per_week: [{value: 25, from: 2026-07-01}]\n")
    base, d, a, m = (project(*run_file(p)) for p in (tmp_path / "base.yaml", dated, throughout, mid))
    b, d_cost, a_cost, m_cost = (_sfb_cost(r) for r in (base, d, a, m))
    assert d_cost["2025"] == pytest.approx(b["2025"], rel=1e-12)
    assert d_cost["2025"] < a_cost["2025"]
    for year in map(str, range(2026, 2035)):
        assert d_cost[year] == pytest.approx(a_cost[year], rel=1e-12)
    monthly = m.monthly[(m.monthly["service"] == "personlig_assistans_sfb") & (m.monthly["measure"] == "hours")]
    hours = monthly.set_index("period")["value"]
    per_day = hours / pd.to_datetime(hours.index).days_in_month.to_numpy()
    assert per_day["2026-07"] / per_day["2026-06"] == pytest.approx(25 / 20, rel=1e-3)  # cases move little in a month
    assert any("20-hour rule's municipal hours per week change during the horizon — 20 h at the base date, 25 h "
               "from 2026-07" in n for n in m.notes)
    assert not any("dated_change_not_projected" in n for n in d.notes)


def test_a_dated_change_the_projection_reads_at_the_base_date_is_named(tmp_path):
    """Economist review: a salary override from 2026 changed nothing in project/compare/tornado, silently."""
    from resmodel.projection_run import check_projection, dated_changes_not_projected
    from resmodel.run import load

    path = scenario(tmp_path, "sal", """\
        parameters:
          salaries.stodassistent: [{value: 34000, from: 2026-01-01, reason: "lönesatsning"}]
        """)
    loaded = load(path)
    warnings = dated_changes_not_projected(loaded, 2034)
    assert [(w.check, w.location.line) for w in warnings] == [("dated_change_not_projected", 5)]
    assert "salaries.stodassistent changes on 2026-01-01, after the base date 2024-07-01" in warnings[0].message
    # the advice names keys a scenario can have (controller: 'wage_growth' in the projection block is refused)
    assert "parameters: indices.wage_growth (salaries)" in warnings[0].message
    assert "wage_growth or price_growth for that year" not in warnings[0].message
    # after the horizon: not a change the projection reads at the base date, but one with no effect at all
    assert [w.check for w in dated_changes_not_projected(loaded, 2025)] == ["beyond_horizon"]
    assert any(w.check == "dated_change_not_projected" for w in check_projection(loaded)[1])
    assert dated_changes_not_projected(load(tmp_path / "base.yaml"), 2034) == []


@pytest.mark.parametrize(("body", "path", "words"), [
    ("projection:\n  volume_changes: [{service: bostad_vuxna, from_year: 2020, change: 6}]\n",
     "volume_changes[0].from_year", "year 2020 is not projected"),
    ("projection:\n  volume_changes: [{service: bostad_barn, from_year: 2045, change: 2}]\n",
     "volume_changes[0].from_year", "year 2045 is not projected"),
    ("projection:\n  adjustments: [{service: bostad_vuxna, year: 2040, amount: 100}]\n",
     "adjustments[0].year", "year 2040 is not projected"),
    ("projection:\n  volumes: {ovriga_lss: {2027: 1}}\n",  # no history to forecast 2025–2026 from
     "volumes.ovriga_lss", "the override starts in 2027 but the projection starts in 2025"),
    ("projection:\n  uncertainty:\n    volume_growth:\n      daglig_verksamhett: {dist: normal, mean: 0, sd: 0.01}\n",
     "uncertainty.volume_growth.daglig_verksamhett", "did you mean 'daglig_verksamhet'"),
    ("projection:\n  volumes: {bostad_barn: {2025: 16, 2026: 18, 2040: 30}}\n", "volumes.bostad_barn",
     "the override names 2040, which is not projected"),  # economist walkthrough: 2040 for 2030, held at 18 silently
    ("projection:\n  volumes: {bostad_barn: {2020: 12, 2025: 16}}\n", "volumes.bostad_barn",
     "the override names 2020, which is not projected"),
    ("projection:\n  volumes: {daglig_verksamhet: {}}\n", "volumes.daglig_verksamhet",
     "the override by year is empty"),  # review: validate said ok, project raised an IndexError
])
def test_validate_refuses_what_project_would_at_the_same_place(tmp_path, body, path, words):
    """Economist review: validate said ok to years outside the projection and to a misspelt service in the
    uncertainty block; project then failed (the block's typo only with --draws, and without file or line)."""
    from resmodel.projection_run import check_projection
    from resmodel.run import load

    loaded = load(scenario(tmp_path, "s", body))
    for attempt in (lambda: check_projection(loaded), lambda: project(*run_file(tmp_path / "s.yaml"))):
        with pytest.raises(InputError) as err:
            attempt()
        problem = err.value.problems[0]
        assert problem.location.path == f"projection.{path}" and problem.location.line is not None
        assert words in str(err.value)


def test_misspelt_services_across_the_projection_block_are_reported_together(tmp_path):
    """Economist review: five misspelt services needed five runs of validate, one error each."""
    from resmodel.projection_run import check_projection
    from resmodel.run import load

    path = scenario(tmp_path, "s", """\
        projection:
          volumes: {korttidsvistelse: 50}
          volume_growth: {bostad_vuxen: 0.01}
          volume_changes: [{service: gruppbostad, from_year: 2026, change: 6}]
          adjustments: [{service: bostad_vuxnaa, year: 2026, amount: 100}]
          uncertainty:
            volume_growth:
              daglig_verksamhett: {dist: normal, mean: 0.0, sd: 0.01}
        """)
    with pytest.raises(InputError) as err:
        check_projection(load(path))
    assert [p.location.path for p in err.value.problems] == [
        "projection.volumes.korttidsvistelse", "projection.volume_growth.bostad_vuxen",
        "projection.volume_changes[0].service", "projection.adjustments[0].service",
        "projection.uncertainty.volume_growth.daglig_verksamhett"]


def test_a_later_file_value_a_scenario_replaces_is_no_dated_change(tmp_path):
    """Review: a parameter file's 2026 salary, replaced by the scenario's own value, was warned as a change."""
    from resmodel.projection_run import dated_changes_not_projected
    from resmodel.run import load

    params = tmp_path / "params"
    shutil.copytree(DATA / "parameters", params)
    salaries = params / "salaries.yaml"
    salaries.write_text(salaries.read_text(encoding="utf-8").replace("    2023-01-01: 28500\n",
                                                                      "    2023-01-01: 28500\n    2026-01-01: 30500\n"),
                        encoding="utf-8")
    body = f"parameters_dir: {params}\n"
    warned = dated_changes_not_projected(load(scenario(tmp_path, "file", body)), 2034)
    assert [w.message.split(" changes")[0] for w in warned] == ["salaries.stodassistent"]
    replaced = scenario(tmp_path, "replaced", body + "parameters:\n  salaries.stodassistent: 29000\n")
    assert dated_changes_not_projected(load(replaced), 2034) == []


def test_a_fixed_volume_far_from_the_base_year_or_jumping_between_years_is_named(tmp_path):
    """Economist walkthrough: {2025: 10600, 2026: 1100} (a ×10 slip) and externa_platser: 280 gave 6.6 billion of
    net cost without a word, while a forecast file off by ×1.5 is noted."""
    from resmodel.projection_run import build_setup, check_projection
    from resmodel.run import load, run

    loaded = load(scenario(tmp_path, "s", "projection:\n  volumes: {daglig_verksamhet: {2025: 10600, 2026: 1100}, "
                                          "externa_platser: 280, bostad_barn: {2025: 15, 2027: 18}}\n"))
    warnings = [w for w in check_projection(loaded)[1] if w.check == "override_scale"]
    assert [w.message.split(" ")[0] for w in warnings] == ["daglig_verksamhet", "daglig_verksamhet", "externa_platser"]
    assert "10.3 times its 1,030 in the base year" in warnings[0].message
    assert "goes from 10,600 in 2025 to 1,100 in 2026" in warnings[1].message
    assert warnings[0].location.path == "projection.volumes.daglig_verksamhet" and warnings[0].location.line
    notes = build_setup(loaded, run(loaded)).notes
    assert sum("projection.volumes: " in n and "typing slip" in n for n in notes) == 3


def test_a_higher_own_provider_rate_says_it_starts_after_the_base_year(tmp_path, base_budget):
    """Controller's audit: a rate factor of 1.05 left the base year at the standard rate and showed 2025's net cost
    falling 5.5 MSEK without a word; the note names the base year's gap at that rate."""
    budget = project(*run_file(scenario(tmp_path, "rf", "projection:\n  own_provider_rate_factor: 1.05\n")))
    note = next(n for n in budget.notes if n.startswith("projection.own_provider_rate_factor 1.05"))
    assert "from 2025; the base year 2024 (and a frame built on it) is the run's, at the standard rate" in note
    assert not any("own_provider_rate_factor" in n for n in base_budget.notes)
    revenue_2025 = {b: float(x.yearly.query("period == '2025' and service == 'personlig_assistans_egen_utforare' and measure == 'revenue'")
                             ["value"].sum()) for b, x in (("base", base_budget), ("rf", budget))}
    extra_2025 = (revenue_2025["rf"] - revenue_2025["base"]) / 1e6
    stated = float(note.split("its gap there is ")[1].split(" MSEK")[0])
    assert 0 < stated < extra_2025  # the base year's hours at its (lower) rate: a little less than 2025's increase
