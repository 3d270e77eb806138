"""Public entry points: load a scenario with its data and parameters, run the base-year
allocation, and write the results. The CLI, the API and notebooks all go through here."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from resmodel import __version__
from resmodel.allocation.engine import (
    UNIT_MEASURES,
    USER_MEASURES,
    AllocationResult,
    Municipality,
    Tariff,
    allocate,
    required_parameters,
)
from resmodel.allocation.working_time import open_weeks, working_time
from resmodel.budget.areas import SERVICE_LABELS
from resmodel.errors import InputError, Location, Problem, ProblemCollector, Warning_
from resmodel.io.dictionary import TARIFF
from resmodel.io.manifest import hash_files
from resmodel.io.municipality import (
    HOURS_UNIT_SERVICES,
    data_quality_warnings,
    read_municipality,
    table_files,
)
from resmodel.io.parameters import (
    check_required,
    decreasing_message,
    level_drops,
    level_order_warnings,
    load_parameters,
    national_parameter_root,
    override_scale_warnings,
    template_warnings,
)
from resmodel.io.scenario import ScenarioSource, display_path, effective, overrides, read_chain
from resmodel.io.tables import MAX_PROBLEMS, read_table
from resmodel.io.writers import Sheet, write_csv, write_folder_atomically, write_json, write_workbook
from resmodel.params.tree import Override, ParameterTree, Snapshot
from resmodel.report import (
    GAP_SHOWN_FTE,
    ID_LABELS,
    MEASURE_LABELS,
    MEASURE_NOTES,
    SUMMARY_MEASURES,
    measure_format,
    service_table,
    tidy,
    warnings_table,
)
from resmodel.scenario.schema import EffectiveScenario
from resmodel.services import UNIT_SERVICES


@dataclass(frozen=True)
class LoadedScenario:
    """Everything a run needs, validated: scenario, parameter tree and snapshot, data, tariff, and the chain's files
    as read, for the projection's checks and set-up to use rather than read them again."""

    scenario: EffectiveScenario
    tree: ParameterTree
    snapshot: Snapshot
    data: Municipality
    tariff: Tariff | None
    warnings: tuple[Warning_, ...]
    parameter_hash: str
    data_hash: str
    data_display: str
    chain: tuple[ScenarioSource, ...]


def _read_tariff(path: Path, on: dt.date) -> tuple[Tariff, list[Warning_]]:
    """The tariff's prices of the latest year on or before ``on``, and the warnings on their order by level."""
    display = display_path(path)
    table = read_table(path, TARIFF, display)
    years = table["year"][table["year"] <= on.year]
    if years.empty:
        raise InputError.at(Location(file=display, column="year"), f"the tariff has no prices for {on.year} or earlier",
                            f"rows with year ≤ {on.year}", "add prices for the base year or move the base date")
    chosen = table[table["year"] == years.max()]
    return (Tariff(chosen[["housing_type", "level", "price_per_day"]].astype({"level": int}).reset_index(drop=True),
                   display), tariff_order_warnings(chosen, display))


def tariff_order_warnings(prices: pd.DataFrame, display: str) -> list[Warning_]:
    """A housing type whose price per day falls from one need level to the next (level 0, the base amount added to
    every level's price, aside), at the row of the first fall: a level price list grows with need like the level
    tables (level_table_decreasing), so a fall is two rows in the wrong order or a slipped digit."""
    warnings = []
    rows = prices[prices["level"] > 0].sort_values(["housing_type", "level"], kind="stable")
    for housing_type, group in rows.groupby("housing_type", sort=True):
        levels, values = group["level"].astype(int).tolist(), group["price_per_day"].astype(float).tolist()
        drops = level_drops(levels, values)
        if drops:
            where = Location(file=display, row=int(group.index[drops[0] + 1]), column="price_per_day")
            what = f"the {housing_type} price per day of {int(group['year'].iloc[0])}"
            warnings.append(Warning_("level_table_decreasing", where, decreasing_message(
                what, levels, values, drops, "a higher need level's price is at least a lower one's")))
    return warnings


def _projection_problems(chain: tuple[ScenarioSource, ...], scenario: EffectiveScenario,
                         base_tree: ParameterTree) -> list[Problem]:
    """The problems of the scenario's projection block (its services, years, frame …), checked against the
    parameter files' values, for a scenario whose parameter changes have problems of their own — so that they
    are reported with them, not in a second run (economist walkthrough: a misspelt service and a misspelt frame
    area came only after the parameter slips were corrected). None when the data cannot be read."""
    from resmodel.projection_run import check_projection

    data_dir = Path(scenario.data)
    try:
        data = read_municipality(data_dir, display_path(data_dir), scenario.base_date)
        check_projection(LoadedScenario(scenario, base_tree, base_tree.snapshot(scenario.base_date), data, None, (),
                                        "", "", display_path(data_dir), chain), warn=False)
    except InputError as exc:
        return exc.problems
    return []


def load(scenario_path: Path | str) -> LoadedScenario:
    """Read and validate a scenario chain, its parameters and data; nothing is computed yet."""
    chain = tuple(read_chain(Path(scenario_path)))
    scenario = effective(chain)
    params_dir = Path(scenario.parameters_dir)
    params_display = display_path(params_dir)
    if not params_dir.is_dir():
        raise InputError.at(Location(file=params_display), "local parameter folder not found",
                            "a folder of YAML parameter files (default <data>/parameters)",
                            "create it or set 'parameters_dir:' in the scenario")
    base_tree = load_parameters(params_dir, params_display, read=required_parameters())
    check_required(base_tree, required_parameters(), params_display)
    try:
        tree = base_tree.with_overrides(overrides(chain, base_tree, scenario.base_date))
    except InputError as exc:  # with the projection block's problems: one run lists the scenario's every problem
        problems = exc.problems + _projection_problems(chain, scenario, base_tree)
        raise InputError(sorted(problems, key=lambda p: (p.location.file or "", p.location.line or 0))) from None
    snapshot = tree.snapshot(scenario.base_date)
    working_time(snapshot), open_weeks(snapshot)  # parts that leave no working time are refused before a run
    data_dir = Path(scenario.data)
    data_display = display_path(data_dir)
    data = read_municipality(data_dir, data_display, scenario.base_date)
    tariff, tariff_warnings = (_read_tariff(Path(scenario.tariff), scenario.base_date)
                               if scenario.allocation_key == "tariff" else (None, []))
    warnings = [*data_quality_warnings(data, scenario.base_date, table_files(data_dir, data_display)),
                *template_warnings(tree, set(data.units["service"])), *override_scale_warnings(tree),
                *level_order_warnings(tree), *tariff_warnings]
    national = national_parameter_root()
    parameter_hash = hashlib.sha256(
        (hash_files(list(national.rglob("*.yaml")), national) + hash_files(list(params_dir.rglob("*.yaml")), params_dir)).encode()
    ).hexdigest()
    data_files = [f for f in data_dir.iterdir()  # not Excel's lock file '~$users.xlsx' of an open workbook
                  if f.suffix in (".csv", ".xlsx") and not f.name.startswith(("~$", "."))]
    data_hash = hash_files(data_files, data_dir)
    if tariff is not None:  # the allocation's prices are data too, wherever the file lies
        tariff_path = Path(scenario.tariff)
        data_hash = hashlib.sha256((data_hash + hash_files([tariff_path], tariff_path.parent)).encode()).hexdigest()
    return LoadedScenario(scenario, tree, snapshot, data, tariff, tuple(warnings), parameter_hash, data_hash,
                          data_display, chain)


@dataclass(frozen=True)
class RunResult:
    """A base-year run: the allocation, report tables, warnings and the manifest."""

    loaded: LoadedScenario
    allocation: AllocationResult
    services: pd.DataFrame
    tidy: pd.DataFrame
    warnings: tuple[Warning_, ...]
    manifest: dict


def refuse_in_strict(scenario: EffectiveScenario, warnings: list[Warning_]) -> None:
    """A strict scenario refuses every data-quality warning, each a located problem (validate and run alike)."""
    if not scenario.strict or not warnings:
        return
    problems = ProblemCollector()
    for w in warnings:
        problems.add(w.location, f"[{w.check}] {w.message} (a warning, refused because the scenario is strict)",
                     "no warnings when 'strict: true'", "fix the data or set 'strict: false'")
    problems.cap(MAX_PROBLEMS, Location(file=scenario.chain[-1]))
    problems.raise_if_any()


def scenario_identity(loaded: LoadedScenario) -> dict:
    """What identifies a loaded scenario's inputs in a manifest: its name and chain, the scenario,
    parameter and data hashes and the base date."""
    return {"scenario": loaded.scenario.name, "scenario_chain": list(loaded.scenario.chain),
            "scenario_hash": loaded.scenario.content_hash, "parameter_hash": loaded.parameter_hash,
            "data_hash": loaded.data_hash, "base_date": loaded.scenario.base_date.isoformat()}


#: a unit's employed FTE this many times its need (and ROSTER_SLACK more) is warned as a possible unit slip
ROSTER_FACTOR, ROSTER_SLACK = 3.0, 5.0
#: and this many times a need of at least ROSTER_REFUSE_MIN_NEED FTE is refused: no staffing choice, FTE in percent
ROSTER_REFUSE_FACTOR, ROSTER_REFUSE_MIN_NEED = 20.0, 0.5


def refuse_percent_rosters(units: pd.DataFrame, staff: pd.DataFrame, staff_file: str | None) -> None:
    """A unit employing more than 20 times its need is refused at its staff.csv rows: FTE written as percent (225
    for 2.25, as HR exports give them) put hundreds of MSEK of phantom surplus into a board report with exit 0
    (section-manager walkthrough). A unit of little need (a new one, users not yet in users.csv) is only warned."""
    far = units[(units["fte_required"] >= ROSTER_REFUSE_MIN_NEED)
                & (units["fte_roster"] > ROSTER_REFUSE_FACTOR * units["fte_required"])]
    problems = ProblemCollector()
    for r in far.itertuples():
        rows = staff.index[(staff["unit_id"] == r.unit_id).to_numpy()]
        listed = ", ".join(str(i) for i in rows[:5]) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
        problems.add(Location(file=staff_file, row=int(rows[0]), column="fte"),
                     f"unit '{r.unit_id}' has {r.fte_roster:,.1f} FTE in staff.csv (rows {listed}) against "
                     f"{r.fte_required:,.1f} needed ({r.fte_roster / r.fte_required:,.0f} times), as if FTE were "
                     "written as percent", "FTE as full-time equivalents: 0.75 for a 75 % post, 2.25 for two and a quarter",
                     "divide percentages by 100 (or, if the unit's users are missing from users.csv, add them; if "
                     f"the need is what is too low — {_low_need_causes(r.service, warned=False)} — check those)")
    problems.raise_if_any()


def roster_scale_warnings(units: pd.DataFrame, staff: pd.DataFrame, files: dict[str, str]) -> list[Warning_]:
    """A unit whose staff.csv FTE are many times its need: FTE written as percent (25 for 0.25, as HR exports give
    them) ran silently, a 100-FTE roster against 1 FTE needed (data-steward walkthrough); at the unit's first row."""
    far = units[units["fte_roster"] > ROSTER_FACTOR * units["fte_required"] + ROSTER_SLACK]
    first_row = staff.reset_index(names="row").groupby("unit_id")["row"].min()
    return [Warning_("roster_implausible", Location(file=files.get("staff"), row=int(first_row[r.unit_id]),
                                                    column="fte"),
                     f"unit '{r.unit_id}' has {r.fte_roster:,.1f} FTE in staff.csv against {r.fte_required:,.1f} "
                     f"needed ({r.fte_roster / max(r.fte_required, 1e-9):,.0f} times): FTE written as percent (25 for "
                     f"0.25)? Or the need too low: {_low_need_causes(r.service)}. The run compares them as given",
                     (str(r.unit_id),))
            for r in far.itertuples()]


def need_scale_warnings(units: pd.DataFrame, unit_rows: pd.DataFrame, files: dict[str, str]) -> list[Warning_]:
    """A unit whose need is many times the FTE it employs (by the roster check's factor and slack, the other way): a
    housing unit's staff on duty in percent (100 awake at night for 1) cost 25 MSEK a resident without a word
    (data-steward walk); at the unit's row of units.csv. A unit without roster rows has no_roster instead."""
    far = units[(units["fte_roster"] > 0) & (units["fte_required"] > ROSTER_FACTOR * units["fte_roster"] + ROSTER_SLACK)]
    row_of = pd.Series(unit_rows.index, index=unit_rows["unit_id"].to_numpy())
    return [Warning_("need_implausible", Location(file=files.get("units"), row=int(row_of[r.unit_id])),
                     f"unit '{r.unit_id}' needs {r.fte_required:,.1f} FTE against {r.fte_roster:,.1f} employed in "
                     f"staff.csv ({r.fte_required / r.fte_roster:,.0f} times): {_high_need_causes(r.service)}? The "
                     "run costs the need as computed", (str(r.unit_id),))
            for r in far.itertuples()]


def _high_need_causes(service: str) -> str:
    """What may have inflated a unit's need, for need_implausible: the staff on duty in units.csv where the service
    staffs by shift (housing), else the users' hours or levels."""
    if service in HOURS_UNIT_SERVICES:
        return ("the users' weekly_hours in users.csv written as percent of full time (75 for 30 hours), or levels or "
                "a level table the scenario changed")
    return ("staff on duty in units.csv (day_staff, evening_staff, night_awake_staff, night_sleeping_staff) written as "
            "percent (100 for 1), or the users' levels or a level table the scenario changed")


def _low_need_causes(service: str, warned: bool = True) -> str:
    """What may have cut a unit's need, for roster_implausible: the users' weekly_hours only in a unit of a service
    that uses them — a housing unit was told its users' weekly_hours, which housing users have none of (re-walk).
    ``warned``: the warnings that would name the cause are shown beside it (a refusal shows none of them)."""
    hours = service in HOURS_UNIT_SERVICES
    causes = ("the users' weekly_hours in users.csv written as shares of full time (0.75 for 30 hours), or a level "
              "table or hours the scenario changed" if hours else "a level table or hours the scenario changed")
    if not warned:
        return causes
    return causes + (" (see its " + ("weekly_hours_implausible, " if hours else "")
                     + "implausible_change or level_table_decreasing warning, if any)")


def run(loaded: LoadedScenario) -> RunResult:
    """Compute the base-year allocation; strict scenarios turn warnings into a located error."""
    result = allocate(loaded.data, loaded.snapshot, loaded.tariff)
    warnings = list(loaded.warnings)
    for gap in result.tariff_gaps.itertuples():
        warnings.append(Warning_("tariff_missing_price", Location(file=loaded.tariff.file if loaded.tariff else None),
                                 f"no tariff price for {gap.housing_type} level {gap.level} ({gap.users} residents): "
                                 "the need-based price is used"))
    files = table_files(Path(loaded.scenario.data), loaded.data_display)
    refuse_percent_rosters(result.units, loaded.data.staff, files.get("staff"))
    warnings += roster_scale_warnings(result.units, loaded.data.staff, files)
    warnings += need_scale_warnings(result.units, loaded.data.units, files)
    refuse_in_strict(loaded.scenario, warnings)
    period = str(loaded.snapshot.on.year)
    scenario = loaded.scenario
    manifest = {
        "resmodel_version": __version__,
        **scenario_identity(loaded),
        "purpose": scenario.purpose,
        "seed": scenario.seed,
        "allocation_key": scenario.allocation_key,
        "warnings": len(warnings),
        "index_extrapolations": loaded.snapshot.extrapolations(),
    }
    return RunResult(loaded, result, service_table(result), tidy(result, scenario.name, period), tuple(warnings),
                     manifest)


def parameter_table(snapshot: Snapshot, tree: ParameterTree) -> pd.DataFrame:
    """Every parameter in force: path, need level (a level table has one row per level), value as a number,
    unit, valid-from, source, indexation and reference, and whether the value is still the starter kit's demo
    value (``template: true`` in its file); headed in Swedish with an English gloss, as the other sheets."""
    rows = []
    for path in snapshot.paths():
        r = snapshot.trace(path)
        leaf = tree.parameters[path]
        values = list(r.value) if hasattr(r.value, "__len__") and not isinstance(r.value, str) else [r.value]
        for level, value in enumerate(values, start=1):
            rows.append({"parameter": path, "nivå (level)": level if len(values) > 1 else None, "värde (value)": value,
                         "enhet (unit)": r.unit, "gäller från (valid from)": r.valid_from.isoformat(),
                         "källa (source)": r.source, "indexfaktor (index factor)": r.index_factor,
                         "referens (reference)": r.reference,
                         "demovärde (starter kit's demo value)": "ja (yes)" if leaf.template_line is not None
                         and r.source.startswith(leaf.file) else ""})
    return pd.DataFrame(rows)


NOT_INDEXABLE = "– (ej tillämpligt — n/a: the parameter has no index)"


def _indexed_text(tree: ParameterTree, override: Override) -> str:
    """Whether an override's value is indexed: 'ja'/'nej' for a parameter with an indexation, '–' for one without
    (a rate or the 20-hour rule was told 'ja (yes)' though nothing indexes it — economist re-walk 2, finding 1)."""
    leaf = tree.parameters.get(override.path)
    if leaf is None or not leaf.indexation:
        return NOT_INDEXABLE
    return "ja (yes)" if override.indexed else "nej (no)"


def scenario_changes(tree: ParameterTree) -> pd.DataFrame:
    """The scenario chain's parameter changes, as written: parameter, value, period, where (file and line) and
    why — what makes this scenario differ from the parameter files, for a reader of its results."""
    rows = [{"parameter": ov.path,
             "värde (value)": ", ".join(f"{v:g}" for v in ov.value) if isinstance(ov.value, tuple) else ov.value,
             "från (from)": ov.start.isoformat(), "till (until)": ov.end.isoformat() if ov.end else "",
             "indexeras (indexed)": _indexed_text(tree, ov),
             "skäl (reason)": ov.reason or "", "källa (source)": str(ov.location)} for ov in tree.overrides]
    return pd.DataFrame(rows, columns=["parameter", "värde (value)", "från (from)", "till (until)",
                                       "indexeras (indexed)", "skäl (reason)", "källa (source)"])


def _manifest_text(key: str, value: list | tuple) -> str:
    """A manifest list as a cell's text: a scenario chain as 'base.yaml → child.yaml', other lists one item per
    line, an empty one 'inga (none)' — not Python's "['scenarios/base.yaml']" (section-manager review)."""
    items = [str(v) for v in value]
    if not items:
        return "inga (none)"
    return (" → " if key.endswith("chain") else "\n").join(items)


def manifest_table(manifest: dict) -> pd.DataFrame:
    """The manifest as the workbooks' Manifest sheet: one row per key, nested mappings' keys as 'key.sub', lists as
    readable text (``_manifest_text``)."""
    def flat(prefix: str, value) -> list[tuple[str, str]]:
        if isinstance(value, dict):
            return [row for k, v in value.items() for row in flat(f"{prefix}.{k}" if prefix else str(k), v)]
        if isinstance(value, list | tuple):
            return [(prefix, _manifest_text(prefix, value))]
        if value is None:  # manifest.json's null (no Monte Carlo seed) was the text 'None' (controller walk)
            return [(prefix, "inget (none)")]
        return [(prefix, value if isinstance(value, int | float) and not isinstance(value, bool) else str(value))]

    return pd.DataFrame(sorted(flat("", manifest), key=lambda row: row[0]), columns=["nyckel (key)", "värde (value)"])


RUN_OUTPUTS = ("resultat.csv", "enheter.csv", "brukare.csv", "resmodel_*.xlsx", "manifest.json")  # see write_outputs


def write_outputs(result: RunResult, out_dir: Path) -> list[str]:
    """Write CSVs, the Excel workbook and the manifest atomically; returns the file names."""
    name = result.loaded.scenario.name
    constants = result.allocation.constants
    wt = constants.working_time
    working_time_table = pd.DataFrame([  # what every unit's hours and FTE rest on, with units
        ("Vardagar (weekdays)", wt.weekdays, "dagar per år (days a year)"),
        ("Semesterdagar (annual leave)", wt.annual_leave_days, "dagar per år (days a year)"),
        ("Helgdagar på vardagar (public holidays on weekdays)", wt.holidays_on_weekdays, "dagar per år (days a year)"),
        ("Utbildningsdagar (training)", wt.training_days, "dagar per år (days a year)"),
        ("Timmar per dag (hours per day)", wt.hours_per_day, "timmar (hours)"),
        ("Sjukfrånvaro (sick-leave rate)", wt.sick_leave_rate, "andel (share; 0.074 = 7.4 %)"),
        ("Tillgänglig arbetstid, timmar (available working time)", wt.available_hours,
         "timmar per årsarbetare och år (hours per FTE a year)"),
        ("Öppna veckor daglig verksamhet (daily activity's open weeks)", constants.open_weeks,
         "veckor (weeks: weekdays less holidays and closure days, / 5)"),
        ("Dygn per år, boende (days a year, housing)", constants.days, "dygn (days)"),
    ], columns=["del (part)", "värde (value)", "enhet (unit)"])
    labels = {**ID_LABELS, **SECTION_LABELS, **MEASURE_LABELS}
    formats = {labels[key]: measure_format(key) for key in (*MEASURE_LABELS, "units", "units_understaffed",
                                                            "fte_understaffed")}
    notes = {MEASURE_LABELS[key]: note for key, note in MEASURE_NOTES.items()}

    def sheet(table: pd.DataFrame, frozen_columns: int) -> Sheet:
        """A table of the run as a sheet: Swedish headings, counts whole, the formats and notes of its measures."""
        return Sheet(_counts_as_integers(table).rename(columns=labels), formats, frozen_columns, notes)

    board = result.services.drop(columns="service").sum(numeric_only=True).to_frame().T.assign(service="total")
    services = _with_service_names(pd.concat([result.services, board[result.services.columns]], ignore_index=True))
    units = result.allocation.units
    warnings = warnings_table(result.warnings)
    manifest = manifest_table(result.manifest)
    files = ["resultat.csv", "enheter.csv", "brukare.csv", f"resmodel_{name}.xlsx", "manifest.json"]

    def write(folder: Path) -> None:
        write_csv(result.tidy, folder / "resultat.csv")
        write_csv(_counts_as_integers(units), folder / "enheter.csv")
        write_csv(_counts_as_integers(result.allocation.users), folder / "brukare.csv")
        write_workbook({
            "Sammanfattning": sheet(services, 2),  # the service's key and name stay in view
            "Enheter": sheet(_with_service_names(units), 2),  # the unit's id and name
            "Sektioner": sheet(section_table(units), 1),
            "Brukare": sheet(result.allocation.users, 1),
            "Arbetstid": (working_time_table, {"värde (value)": "#,##0.0##"}),
            "Parametrar": (parameter_table(result.loaded.snapshot, result.loaded.tree), {}),
            "Scenarioändringar": (scenario_changes(result.loaded.tree), {}),
            "Varningar": (warnings, {}),
            "Manifest": (manifest, {}),
        }, folder / f"resmodel_{name}.xlsx")
        write_json(result.manifest, folder / "manifest.json")

    write_folder_atomically(out_dir, write, RUN_OUTPUTS)
    return files


#: the count columns of the run's tables: whole numbers, as a count is (19 users, not 19.0)
COUNTS = ("users", "level", "units", "units_understaffed")


def _counts_as_integers(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its count columns (``COUNTS``) as whole numbers, an empty level empty: enheter.csv had
    'users 19.0' and the console 2,100.0 users (section-manager review). A fraction in a count is a fault, and
    refused by the cast rather than rounded away."""
    return table.astype(dict.fromkeys((c for c in COUNTS if c in table.columns), "Int64"))


#: the Sektioner sheet's own columns, Swedish term and English gloss as the measures
SECTION_LABELS = {"units": "Enheter, antal (number of units)", "services": "Insatser (services)",
                  "units_understaffed": "Underbemannade enheter, antal (units understaffed)",
                  "fte_understaffed": "Underbemanning, FTE (the understaffed units' gaps summed)"}


def section_table(units: pd.DataFrame) -> pd.DataFrame:
    """Per section (units.csv's ``section``, in the table's order) its number of units, its services and the sums of
    every unit measure, then the board's total: each measure is a sum over users or staff, each in one unit, so a
    section's sum is its own figure (the staffing gap's too: roster − need, summed) — the subtotal a section
    manager otherwise adds up from Enheter by hand (section-manager review). Beside the sums, the units understaffed
    and their gaps summed: a section's +1.54 FTE hid four units short by 1.15 FTE (section-manager walk)."""
    measures = [*USER_MEASURES, *UNIT_MEASURES]
    short = units["staffing_gap_fte"].clip(upper=0.0)
    short = short.where(short <= -GAP_SHOWN_FTE, 0.0)
    named = _with_service_names(units).assign(units_understaffed=short.lt(0).astype(int), fte_understaffed=short)
    grouped = named.groupby("section", sort=False, dropna=False)
    table = grouped[[*measures, "units_understaffed", "fte_understaffed"]].sum()
    table.insert(0, "services", grouped["service_name"].unique().map(", ".join))
    table.insert(0, "units", grouped.size())
    total = pd.DataFrame([[len(units), "", *named[[*measures, "units_understaffed", "fte_understaffed"]].sum()]],
                         columns=table.columns, index=["Totalt"])
    return pd.concat([table, total]).rename_axis("section").reset_index()


def _with_service_names(table: pd.DataFrame) -> pd.DataFrame:
    """The table with each service's Swedish name beside its key (section-manager walk: the workbook showed only
    keys such as personlig_assistans_sfb); the board's total row is 'Totalt'."""
    names = {key: label.split(" — ")[0] for key, label in {**UNIT_SERVICES, **SERVICE_LABELS}.items()} | {
        "total": "Totalt"}  # UNIT_SERVICES: the assistance units' key, personlig_assistans, for LSS and SFB users
    named = table.copy()
    named.insert(named.columns.get_loc("service") + 1, "service_name", named["service"].map(names).fillna(named["service"]))
    return named


def summary_table(result: RunResult) -> pd.DataFrame:
    """The short per-service table the CLI prints (money in MSEK); users as a whole number with thousands separators
    (2,100, not 2,100.0: the CLI prints the numbers' columns to one decimal)."""
    table = result.services.set_index("service")[list(SUMMARY_MEASURES)].copy()
    table.loc["total"] = table.sum()
    table["users"] = [f"{n:,}" for n in table["users"].astype("Int64")]
    for key in ("net_cost", "allocation", "staffing_gap_sek"):
        table[key] = table[key] / 1e6
    return table.rename(columns={"total_hours": "hours", "net_cost": "net_cost_msek", "allocation": "allocation_msek",
                                 "staffing_gap_sek": "gap_msek", "staffing_gap_fte": "gap_fte"})
