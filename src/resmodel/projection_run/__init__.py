"""Wire the budget core (resmodel.budget) to scenario files: the base-year engine's per-service
results become the unit-cost table, the parameter tree gives the index series, the state rate and
sick leave by year, the volume forecaster gives the monthly volumes, and the scenario's
``projection:`` block gives everything else (docs/projection.md).

    loaded = resmodel.run.load(path); result = resmodel.run.run(loaded)
    budget = project(loaded, result)            # BudgetResult: .yearly, .monthly, .notes
    case = build_case(loaded, result)           # BudgetCase for compare.waterfall, Monte Carlo

This package exposes what the commands, the API and the tests use; each module does one job:
setup (the projection set up and run), checks (validate's checks without a projection), volumes and
volume sources (with history, forecast_file, projected_services, uncertainty), capacity and
premises_plan (places), frame (the council frame's checks), years (projected years and yearly rates),
plausibility, replaced_lists and dated_changes (the warnings), costs (base-year unit costs), paths
(the tables a scenario names), names (shared names) and tables (report tables and the manifest)."""

from resmodel.projection_run.capacity import places_passed_notes, scenario_capacity
from resmodel.projection_run.checks import check_projection, check_projection_for_run
from resmodel.projection_run.costs import unit_costs
from resmodel.projection_run.dated_changes import dated_changes_not_projected
from resmodel.projection_run.frame import frame_area_scale_warnings
from resmodel.projection_run.history import (
    SCALE_MARGIN,
    SCALE_SLACK,
    history_scale_warnings,
    scale_band,
    volume_history,
)
from resmodel.projection_run.plausibility import override_scale_warnings
from resmodel.projection_run.premises_plan import plan_record
from resmodel.projection_run.projected_services import own_provider_projected
from resmodel.projection_run.replaced_lists import replaced_list_warnings
from resmodel.projection_run.setup import ProjectionSetup, build_case, build_setup, project, run_setup
from resmodel.projection_run.tables import (
    assumptions,
    base_year_by_area,
    projection_manifest,
    projection_settings,
    rent_growth_in,
    shown_volume_models,
    yearly_by_area,
)
from resmodel.projection_run.uncertainty import uncertainty_block, uncertainty_spec, volume_spread_notes
from resmodel.projection_run.volumes import volume_sources
from resmodel.projection_run.years import check_rates_by_year, check_years

__all__ = [
    "SCALE_MARGIN", "SCALE_SLACK", "ProjectionSetup", "assumptions", "base_year_by_area", "build_case", "build_setup",
    "check_projection", "check_projection_for_run", "check_rates_by_year", "check_years",
    "dated_changes_not_projected", "frame_area_scale_warnings", "history_scale_warnings", "override_scale_warnings",
    "own_provider_projected", "places_passed_notes", "plan_record", "project", "projection_manifest",
    "projection_settings", "rent_growth_in", "replaced_list_warnings", "run_setup", "scale_band",
    "scenario_capacity", "shown_volume_models", "uncertainty_block", "uncertainty_spec", "unit_costs",
    "volume_history", "volume_sources", "volume_spread_notes", "yearly_by_area",
]
