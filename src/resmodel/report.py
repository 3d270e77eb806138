"""Report tables built from an allocation result: tidy long table, per-service summary.

Pure: takes in-memory results, returns DataFrames. Measures keep fixed names; Swedish labels
(with English gloss) are attached for people-facing outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from resmodel.allocation.engine import UNIT_MEASURES, USER_MEASURES, AllocationResult
from resmodel.budget.projection import VOLUME_MEASURES
from resmodel.errors import Warning_

MEASURE_LABELS = {
    "users": "Brukare (users)",
    "direct_hours": "Direkt tid, timmar per år (direct hours a year)",
    "indirect_hours": "Indirekt tid, timmar per år (indirect hours a year)",
    "fixed_hours": "Grundbemanning, timmar per år (fixed/base hours a year)",
    "total_hours": "Personaltimmar per år (staff hours a year)",
    "fte_required": "Årsarbetare behov (FTE required)",
    "staff_cost": "Personalkostnad, kr per år (staff cost, SEK a year)",
    "premises_cost": "Lokalkostnad, kr per år (premises cost, SEK a year)",
    "other_cost": "Övriga kostnader, kr per år (other costs, SEK a year)",
    "purchase_cost": "Köpt verksamhet, kr per år (purchases, SEK a year)",
    "revenue": "Intäkter, kr per år (revenue, SEK a year)",
    "total_cost": "Bruttokostnad, kr per år (gross cost, SEK a year)",
    "net_cost": "Nettokostnad, kr per år (net cost, SEK a year)",
    "allocation": "Resursfördelning, kr per år (allocated budget, SEK a year)",
    "sfb_municipal_share": "Kommunens 20 timmar SFB, kr per år (municipal SFB share, SEK a year)",
    "own_provider_gap": "Finansieringsgap egen regi, kr per år (own-provider gap, SEK a year)",
    "fte_roster": "Årsarbetare bemanning (FTE employed)",
    "roster_cost": "Kostnad bemanning, kr per år (cost of the employed staff, SEK a year)",
    "staffing_gap_fte": "Bemanningsgap årsarbetare (staffing gap FTE, + = over)",
    "staffing_gap_sek": "Bemanningsgap kronor per år (staffing gap SEK a year, + = over)",
}
#: what a measure's heading is too short to say, as a note on it in the workbooks
MEASURE_NOTES = {
    "fte_roster": "Anställda årsarbetare enligt staff.csv, inte shift-plans veckoschema (FTE employed as staff.csv "
                  "gives them; not shift-plan's week schedule, its --roster)",
}
#: the number format of a measure in the workbooks: FTE to two decimals; counts, hours and kronor whole
FTE_FORMAT, WHOLE_FORMAT = "#,##0.00", "#,##0"
#: a staffing gap counts as under- or overstaffing from half a hundredth of an FTE, the least its two decimals show:
#: the Sektioner sheet and explain's sentence alike (diff review: −0.0043 FTE was counted understaffed by one and
#: 'staffed as its users need' by the other)
GAP_SHOWN_FTE = 0.005


def measure_format(measure: str) -> str:
    """The Excel number format of a measure key: FTE with decimals, the rest (users, hours, SEK) whole — the run's
    and the comparison's workbooks alike."""
    return FTE_FORMAT if measure.startswith("fte") or measure == "staffing_gap_fte" else WHOLE_FORMAT


#: the id and text columns of the unit and user tables, Swedish term and English gloss as the measures
ID_LABELS = {
    "unit_id": "Enhet (unit id)",
    "user_id": "Brukare-id (pseudonymous user id)",
    "name": "Namn (name)",
    "service": "Insats (service)",
    "service_name": "Insats, benämning (service name)",
    "regi": "Regi (egen = own, extern = bought)",
    "section": "Sektion (section)",
    "level": "Nivå (need level)",
    "weekly_hours": "Tidsomfattning, timmar per vecka (weekly hours)",
}
#: the key columns of the projection's and comparison's workbooks, Swedish term and English gloss as the
#: measures (the CSVs keep the keys; columns not named here are labelled where the sheet is made)
COLUMN_LABELS = {
    **ID_LABELS,
    "year": "År (year)", "period": "År (year, or the years summed)", "area": "Område (report area key)",
    "kind": "Typ (kind: base_year = basår, projection = prognos)", "scenario": "Scenario",
    "scenario_a": "Scenario A (reference)", "scenario_b": "Scenario B (compared)", "measure": "Mått (measure)",
    "measure_name": "Mått, benämning (measure name)",
    "value": "Värde (value)", "value_a": "Värde A (value in A)", "value_b": "Värde B (value in B)",
    "difference": "Skillnad B − A (difference)", "step": "Steg (step)", "driver": "Drivare (driver)",
    "label": "Beskrivning (label)", "cumulative": "Ackumulerat (cumulative)", "note": "Not (note)",
    "model_used": "Volymmodell (volume model used)", "median": "Median", "mean": "Medelvärde (mean)",
    **{f"p{q:02d}": f"{q}:e percentilen (p{q:02d})" for q in (5, 10, 25, 75, 90, 95)},
}
#: services whose projected volume is not users: the own provider's hours, bought places, assistance cases
VOLUME_UNITS = {
    "personlig_assistans_egen_utforare": "timmar per år räknat på basårets dagar (hours a year at the base "
                                         "year's days; its hours row counts the year's own days)",
    "externa_platser": "platser, medel per månad (places, monthly average)",
    "personlig_assistans_sfb": "ärenden, medel per månad (cases, monthly average)",
    "personlig_assistans_lss": "ärenden, medel per månad (cases, monthly average; cases moved from SFB count as "
                               "case-equivalents, by their hours)",
}
COUNT_UNITS = {"users": "brukare (users)", "fte_required": "årsarbetare (FTE)", "fte_roster": "årsarbetare (FTE)",
               "staffing_gap_fte": "årsarbetare (FTE)", "total_hours": "timmar per år (hours a year)",
               "direct_hours": "timmar per år (hours a year)", "indirect_hours": "timmar per år (hours a year)",
               "fixed_hours": "timmar per år (hours a year)"}


def listed_volume_units(volume_unit: Mapping[str, str]) -> dict[str, str]:
    """The volume units other_services.csv states (service → its free-text ``volume_unit``) as the reports'
    labels: a lump line's volume is 1, a bought line counts places, others persons."""
    def label(text: str) -> str:
        word = text.strip().lower()
        if word.startswith("lump"):
            return "klumpsumma, volym 1 (lump line: volume 1, held at the base year's)"
        if word.startswith("place"):
            return "platser, medel per månad (places, monthly average)"
        if word.startswith(("person", "user")):
            return "brukare, medel per månad (users, monthly average)"
        return f"{text} (volume_unit in other_services.csv)"

    return {service: label(text) for service, text in volume_unit.items()}


def measure_unit(measure: str, service: str = "", volume_units: Mapping[str, str] | None = None) -> str:
    """The unit of a measure in the reports' long tables, Swedish with an English gloss: kronor for amounts, and
    for a volume what the service counts (users, cases, places or hours; ``volume_units`` for services the
    engine does not know, from ``listed_volume_units``)."""
    if measure == "places":
        return "platser, medel per månad (places, monthly average)"
    if measure in VOLUME_MEASURES:  # volume, demand, over_capacity, overflow_in, plan_users …
        return VOLUME_UNITS.get(service) or (volume_units or {}).get(service) or \
            "brukare, medel per månad (users, monthly average)"
    if measure == "hours":
        return ("kommunens timmar per år, upp till spärren per vecka och ärende (municipal hours a year, up to "
                "the weekly cap per case)"
                if service == "personlig_assistans_sfb" else "timmar per år (hours a year)")
    return COUNT_UNITS.get(measure, "kr (SEK)")


def with_units(table: pd.DataFrame, volume_units: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``table`` (with ``measure`` and, where it has one, ``service``) with a unit column after ``measure``."""
    services = table["service"] if "service" in table else pd.Series("", index=table.index)
    units = [measure_unit(str(m), str(sv), volume_units) for m, sv in zip(table["measure"], services, strict=True)]
    out = table.copy()
    out.insert(out.columns.get_loc("measure") + 1, "måttenhet — unit of measure", units)
    return out


SUMMARY_MEASURES = ("users", "total_hours", "fte_required", "fte_roster", "staffing_gap_fte", "net_cost",
                    "allocation", "staffing_gap_sek")


def service_table(result: AllocationResult) -> pd.DataFrame:
    """One row per service: measures summed by the user's service.

    A unit's roster measures are shared among its users in proportion to their required FTE (the
    personal-assistance provider serves both SFB and LSS cases); units without users keep theirs
    under the unit's service, so services add up to the total."""
    users, units = result.users, result.units.set_index("unit_id")
    unit_fte = users["unit_id"].map(units["fte_required"]).to_numpy(dtype=float)
    unit_n = users["unit_id"].map(units["users"]).to_numpy(dtype=float)
    weight = np.where(unit_fte > 0, users["fte_required"].to_numpy(dtype=float) / np.where(unit_fte > 0, unit_fte, 1.0),
                      1.0 / unit_n)
    per_user = users[["service"] + list(USER_MEASURES)].copy()
    for key in UNIT_MEASURES:
        per_user[key] = users["unit_id"].map(units[key]).to_numpy(dtype=float) * weight
    table = per_user.groupby("service", sort=True).sum()
    vacant = units[units["users"] == 0].groupby("service")[list(USER_MEASURES) + list(UNIT_MEASURES)].sum()
    table = table.add(vacant, fill_value=0.0).fillna(0.0)
    table.index.name = "service"
    return table.reset_index()


def tidy(result: AllocationResult, scenario: str, period: str) -> pd.DataFrame:
    """Long table (scenario, period, service, unit, measure, value): units, services and the total."""
    measures = list(USER_MEASURES) + list(UNIT_MEASURES)
    units = result.units.melt(id_vars=["service", "unit_id"], value_vars=measures, var_name="measure")
    units = units.rename(columns={"unit_id": "unit"})
    services = service_table(result).melt(id_vars=["service"], value_vars=measures, var_name="measure")
    services["unit"] = "total"
    total = result.units[measures].sum().rename_axis("measure").reset_index(name="value")
    total["service"], total["unit"] = "total", "total"
    table = pd.concat([total, services, units], ignore_index=True)
    table.insert(0, "period", period)
    table.insert(0, "scenario", scenario)
    return table[["scenario", "period", "service", "unit", "measure", "value"]]


def years_as_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """A 'year' or 'period' column of years written as text ('2025') as whole numbers, so that the sheet
    sorts and computes on them; a span ('2025–2034') keeps the column as text."""
    out = frame
    for column in ("year", "period"):
        if column in frame.columns and not pd.api.types.is_numeric_dtype(frame[column]):
            text = frame[column].astype(str)
            if text.str.fullmatch(r"\d{4}").all():
                out = out.assign(**{column: text.astype(int)})
    return out


def labelled_sheets(sheets: Mapping[str, tuple[pd.DataFrame, Mapping[str, str]]]
                    ) -> dict[str, tuple[pd.DataFrame, dict[str, str]]]:
    """Workbook sheets (name → table, column → number format) with the key columns headed by ``COLUMN_LABELS``."""
    return {name: (years_as_numbers(frame).rename(columns=COLUMN_LABELS),  # before 'period' is relabelled
                   {COLUMN_LABELS.get(c, c): f for c, f in formats.items()})
            for name, (frame, formats) in sheets.items()}


def warnings_table(warnings: Sequence[Warning_]) -> pd.DataFrame:
    """The warnings as the workbooks' Varningar sheet (``resmodel run``, ``shift-plan``): one row each with its
    check, location, message and the units it concerns, so a section manager can filter on a unit."""
    return pd.DataFrame([(w.check, str(w.location), w.message, ", ".join(w.units)) for w in warnings],
                        columns=["kontroll (check)", "plats (location)", "meddelande (message)", "enheter (units)"])
