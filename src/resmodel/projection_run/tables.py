"""The report tables of a projection besides the core's results: by area with the base year, the projection's
settings and volume models as the reports show them, the assumptions by year, the manifest, and explain's rent
growth line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from resmodel.budget.case import BudgetResult, prepare_case
from resmodel.budget.projection import TOTAL, AssistanceParams
from resmodel.io.frame_file import frame_document
from resmodel.projection_run.costs import base_net_costs
from resmodel.projection_run.frame import frame_where
from resmodel.projection_run.paths import forecast_file_path, plan_path
from resmodel.projection_run.replaced_lists import REPLACED_LISTS
from resmodel.scenario.projection import merge

if TYPE_CHECKING:
    from resmodel.projection_run.setup import ProjectionSetup


def projection_manifest(run_manifest: Mapping, setup: ProjectionSetup, **extra) -> dict:
    """What a projection rests on, for its manifest.json and Manifest sheet: the base-year run's manifest
    (version, scenario, parameter and data hashes) with the frame's hash, the projected years and each
    service's volume model; ``extra`` adds what the command adds (Monte Carlo draws and seed, a year)."""
    from resmodel.budget.projection import prepare
    from resmodel.io.manifest import file_record

    inputs = setup.case.inputs
    plans = [c.service for c in inputs.capacity if setup.settings.settings.capacity[c.service].plan is not None]
    base_year_only = {"warnings", "index_extrapolations"}  # the run's: of the base-year snapshot and data
    extrapolated = {**prepare(inputs).extrapolated,
                    **({"state_rate": setup.state_rate_extrapolated} if setup.state_rate_extrapolated else {})}
    return {**{k: v for k, v in run_manifest.items() if k != "allocation_key" and k not in base_year_only},
            **{f"base_year_{k}": run_manifest[k] for k in sorted(base_year_only) if k in run_manifest},
            "index_extrapolations": {name: f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
                                     for name, years in sorted(extrapolated.items()) if years},
            "frame_hash": setup.frame_hash,
            "projection_warnings": [str(w) for w in setup.warnings],
            **({"premises_plans": {service: file_record(plan_path(setup.settings, service)) for service in plans}}
               if plans else {}),
            **({"volume_forecast": file_record(forecast_file_path(setup.settings))}
               if setup.settings.settings.volume_forecast is not None else {}),
            "projected_years": f"{inputs.base_year + 1}–{inputs.base_year + inputs.years}",
            "volume_models": dict(zip(setup.volume_models["service"], setup.volume_models["model_used"],
                                      strict=True)),
            **extra}


def rent_growth_in(setup: ProjectionSetup, year: int) -> str:
    """The rent growth premises costs follow in a projected year, and where it is set (explain's indices):
    projection.rent_growth, a declared extension of it, or the price index when it is not set."""
    from resmodel.budget.projection import prepare

    prepared = prepare(setup.case.inputs)
    rate = float(prepared.rent_growth[year - setup.case.inputs.base_year - 1])
    resolved, given = setup.settings, setup.case.inputs.rent_growth
    if isinstance(given, Mapping) and year not in given and "rent_growth" in resolved.settings.extensions:
        where = f"{resolved.location('extensions.rent_growth')} (declared extension)"
    elif resolved.settings.rent_growth is not None:
        where = str(resolved.location("rent_growth"))
    elif year in given:
        where = "not set: the price index, indices.price_growth"
    elif "price_growth" in resolved.settings.extensions:
        where = f"not set: the price index's declared extension, {resolved.location('extensions.price_growth')}"
    else:
        where = "not set: the price index, indices.price_growth, carried forward"
    return f"projection.rent_growth = {rate:.10g} share per year in {year} (premises costs, a plan's rents; {where})"


def yearly_by_area(result: BudgetResult) -> pd.DataFrame:
    """year, area, net_cost, frame, deviation — area totals and the board total (report order)."""
    y = result.yearly
    t = y[(y["service"] == "total") & y["measure"].isin(["net_cost", "frame", "deviation"])]
    wide = t.pivot_table(index=["period", "area"], columns="measure", values="value", sort=False).reset_index()
    wide.columns.name = None
    wide = wide.rename(columns={"period": "year"})
    return wide[["year", "area", "net_cost", "frame", "deviation"]].reset_index(drop=True)


def base_year_by_area(setup: ProjectionSetup, result: BudgetResult) -> pd.DataFrame:
    """The base year in the columns of ``yearly_by_area``: each area's net cost as the base-year run and
    other_services.csv give it (the unit costs the projection starts from), its frame and the deviation
    — the balance the projected years start from, so that a reader sees the step into the first year."""
    y = result.yearly
    area_of = dict(zip(y["service"], y["area"], strict=False))
    by_service = base_net_costs(setup.case.inputs.unit_costs)
    areas = list(dict.fromkeys(a for a in y.loc[y["service"] == TOTAL, "area"] if a != TOTAL))
    net_cost = by_service.groupby(by_service.index.map(area_of)).sum().reindex(areas, fill_value=0.0)
    frame = pd.Series(setup.case.frame.base).reindex(areas, fill_value=0.0)
    table = pd.DataFrame({"year": setup.case.inputs.base_year, "area": areas, "net_cost": net_cost.to_numpy(),
                          "frame": frame.to_numpy()})
    table.loc[len(table)] = [setup.case.inputs.base_year, TOTAL, table["net_cost"].sum(), table["frame"].sum()]
    table["deviation"] = table["frame"] - table["net_cost"]
    return table


#: the projection settings table's columns (Swedish with an English gloss, as the parameter changes')
SETTING_COLUMNS = ["inställning (setting)", "värde (value)", "källa (source)"]


def _compact(value) -> str:
    """A setting's value as one line of YAML flow style: {daglig_verksamhet: 0.019}, [..], 0.025."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_compact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_compact(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def projection_settings(setup: ProjectionSetup) -> pd.DataFrame:
    """The projection block's settings as the scenario chain wrote them (merged, later files winning), one row per
    key with its file and line, and the composed frame's rules — its indexation and one row per demographic,
    volume-compensation, expansion and supplement entry — that the projection applies: what a level-mix drift, a
    fixed frame uppräkning or a volume change of this scenario is, for a reader of its results; a child's inline
    frame alone hid that its one rule had replaced the frame file's five (economist walkthroughs)."""
    resolved = setup.settings
    merged: dict = {}
    for src in resolved.chain:
        block = src.doc.data.get("projection") if isinstance(src.doc.data, dict) else None
        if isinstance(block, dict):
            merged = merge(merged, block)
    rows = [(f"projection.{key}", _compact(value), str(resolved.location(key))) for key, value in merged.items()
            if value is not None]
    frame, _, _ = frame_document(resolved)
    if isinstance(frame.get("indexation"), dict):
        where = frame_where(resolved, "frame.indexation")
        rows.append(("frame.indexation", _compact(frame["indexation"]), str(where)))
    for key in (k.removeprefix("frame.") for k in REPLACED_LISTS if k.startswith("frame.")):
        rows += [(f"frame.{key}[{i}]", _compact(entry), str(frame_where(resolved, f"frame.{key}[{i}]")))
                 for i, entry in enumerate(frame.get(key) or [])]
    return pd.DataFrame(rows, columns=SETTING_COLUMNS)


def shown_volume_models(setup: ProjectionSetup) -> pd.DataFrame:
    """service, model_used as the reports show them: the scenario's volume_changes and volume_growth on top of a
    model are named, so a line labelled 'drift' is not read as drift alone (economist walk: external places)."""
    s = setup.settings.settings
    changed = {c.service for c in s.volume_changes}

    def growth(sv: str) -> str:  # a stated volume is a plan: growth moves only the months before it, if any
        if sv not in s.volume_growth:
            return ""
        stated = s.volumes.get(sv)
        if stated is None:
            return f" + volume_growth {s.volume_growth[sv]:g}"
        return f" + volume_growth {s.volume_growth[sv]:g} before {min(stated)}" if isinstance(stated, dict) else ""

    shown = setup.volume_models.copy()
    shown["model_used"] = [model + growth(sv) + (" + volume_changes" if sv in changed else "")
                           for sv, model in zip(shown["service"], shown["model_used"], strict=True)]
    return shown


SFB_CAP_LABEL = ("Kommunens timmar per vecka — municipal hours a week per SFB case (the 20-hour rule's cap, the "
                 "year's average over its days)")


def sfb_cap_by_year(assistance: AssistanceParams, horizon) -> np.ndarray:
    """The 20-hour rule's cap in force each projected year, averaged over the year's days as the cost weighs its
    months: 25 h from 2026-01 was computed but shown in no assumption row (economist re-walk 2, finding 4)."""
    months = len(horizon.months)
    caps = np.asarray(assistance.sfb_cap_by_month or (assistance.sfb_cap_hours_per_week,) * months, dtype=float)
    return (caps * horizon.month_weights).reshape(horizon.years, 12).sum(axis=1)


def assumptions(setup: ProjectionSetup, result: BudgetResult,
                volume_units: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The assumptions behind a projection, for a reader of its summary: the yearly index rates, the state
    hourly rate, the sick-leave rate and each service's volume (average per month) with the model behind
    it — for a service with places its demand, places, users above them and volume served — in every
    projected year (a scenario's one-year change, a 2026 wage agreement, must show). Volumes are in the long
    sheets' units (``measure_unit``; ``volume_units``: other_services.csv's), 'brukare, medel per månad' and so on,
    not a bare 'per månad' (economist walkthrough)."""
    from resmodel.report import measure_unit

    p = prepare_case(setup.case).projection
    years = [int(y) for y in p.horizon.year_list]
    growth_at = {y: y - setup.case.inputs.base_year - 1 for y in years}  # growth arrays start after the base year
    rows = [("Löneökning — wage growth", "% per år", [100 * p.wage_growth[growth_at[y]] for y in years]),
            ("Prisökning — price growth", "% per år", [100 * p.price_growth[growth_at[y]] for y in years]),
            ("Hyresökning — rent growth", "% per år", [100 * p.rent_growth[growth_at[y]] for y in years]),
            ("Sjukfrånvaro — sick leave", "%", [100 * v for v in p.sick[:len(years)]])]
    if p.state_rate.any():
        rows.append(("Schablonbelopp — state hourly rate", "SEK/h", list(p.state_rate[:len(years)])))
    if "sfb" in p.rule:
        rows.append((SFB_CAP_LABEL, "timmar/vecka", list(sfb_cap_by_year(setup.case.inputs.assistance, p.horizon))))
    y = result.yearly
    y = y[y["service"] != TOTAL]

    def by_year(service: str, measure: str) -> list[float]:
        sel = y[(y["service"] == service) & (y["measure"] == measure)]
        return [float(v) for v in sel.set_index(sel["period"].astype(int))["value"].reindex(years)]

    held = set(setup.volume_models.loc[setup.volume_models["model_used"] == "base volume", "service"])
    shown = shown_volume_models(setup)
    models = dict(zip(shown["service"], shown["model_used"], strict=True))
    limits = {c.service: c for c in setup.case.inputs.capacity}
    takers = {c.overflow: c.service for c in limits.values() if c.overflow is not None}
    for service in sorted(y.loc[y["measure"] == "volume", "service"].unique()):
        if service in held:  # held constant (the notes say so); lumps have a volume of 1
            continue
        unit = measure_unit("volume", service, volume_units)
        model = models.get(service, "follows SFB cases")
        if service in limits:  # the forecast is the demand; the places cap what is served
            limit = limits[service]
            where = "väntar — waiting" if limit.overflow is None else f"till {limit.overflow}"
            rows += [(f"Efterfrågan {service} ({model}) — demand", unit, by_year(service, "demand")),
                     (f"Platser {service} — places", measure_unit("places", service), by_year(service, "places")),
                     (f"Över platserna {service} ({where}) — above the places", unit,
                      by_year(service, "over_capacity")),
                     (f"Volym {service} — served within the places", unit, by_year(service, "volume"))]
            if limit.premises:
                rows += [(f"I lokalplanens lokaler {service} — users in the plan's premises", unit,
                          by_year(service, "plan_users")),
                         (f"Lokalplanens hyra {service} — the plan's premises' rent (in premises cost)",
                          "MSEK per år", [v / 1e6 for v in by_year(service, "plan_rent")]),
                         (f"Lokalplanens engångskostnader {service} — one-off costs (in adjustment)", "MSEK",
                          [v / 1e6 for v in by_year(service, "plan_one_off")])]
        elif service in takers:
            rows.append((f"Volym {service} ({model}, and from {takers[service]} above its places)", unit,
                         by_year(service, "volume")))
        else:
            rows.append((f"Volym {service} ({model})", unit, by_year(service, "volume")))
    return pd.DataFrame([{"antagande": label, "enhet": unit,  # 12 digits: 100 × 0.074 shows as 7.4, not 7.399…
                          **{str(yr): float(f"{v:.12g}") for yr, v in zip(years, values, strict=True)}}
                         for label, unit, values in rows])
