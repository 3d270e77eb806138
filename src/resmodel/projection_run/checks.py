"""The projection's checks without a projection (``resmodel validate``, and ``run`` and POST /runs, which
refuse a block ``project`` would refuse): every independent check runs, so one run lists every problem."""

from __future__ import annotations

from pathlib import Path

from resmodel.errors import InputError, Location, Problem, ProblemCollector, Warning_
from resmodel.forecast.interface import history_suspicious_warnings
from resmodel.io.other_services import read_other_services
from resmodel.projection_run.capacity import capacity_limits
from resmodel.projection_run.dated_changes import dated_changes_not_projected
from resmodel.projection_run.forecast_file import read_forecast_file
from resmodel.projection_run.frame import (
    check_frame_growth,
    checked_frame,
    compensated_services_checked,
    frame_year_warnings,
)
from resmodel.projection_run.history import (
    history_display,
    history_end,
    history_for,
    history_scale_warnings,
    model_inputs,
)
from resmodel.projection_run.plausibility import implausible_rate_warnings, override_scale_warnings
from resmodel.projection_run.projected_services import (
    check_service_keys,
    own_provider_projected,
    service_base_volumes,
)
from resmodel.projection_run.replaced_lists import replaced_list_warnings
from resmodel.projection_run.uncertainty import uncertainty_block
from resmodel.projection_run.volumes import VolumeSources, check_over_forecast, volume_sources
from resmodel.projection_run.years import (
    check_rates_by_year,
    check_years,
    projected_months,
    sick_leave_by_year,
)
from resmodel.scenario.projection import ResolvedProjection, resolve


def _attempt(problems: ProblemCollector, check, *args):
    """``check(*args)``, or None with its located problems added to ``problems``: the projection's checks that do
    not depend on each other all report, one run listing every problem (economist walkthrough: a service and a
    frame area misspelt came only on the second run)."""
    try:
        return check(*args)
    except InputError as exc:
        problems.problems += exc.problems
        return None


def _history_checked(loaded, resolved: ResolvedProjection, sources: VolumeSources, history,
                     warn: bool) -> list[Warning_]:
    """As ``monthly_volumes`` decides from ``sources``: the history reaches the base year's December when a service is
    forecast from it, and the forecast services' models find their inputs; with ``warn``, the history's scale and
    suspicious-value warnings of those services, and its names of no service (unknown_service)."""
    first, models, display = loaded.scenario.base_date.year + 1, sources.models, history_display(loaded)
    last = history_end(history, first, display) if models else history["month"].max().to_period("M")
    model_inputs(loaded, resolved, models, int(last.year))
    if not warn:
        return []
    counts = loaded.data.users["service"].astype(str).value_counts()
    warnings = history_scale_warnings(history, {sv: float(n) for sv, n in counts.items() if sv in models},
                                      first - 1, display)
    forecast = [sv for sv in models if not isinstance(resolved.settings.volumes.get(sv), dict)]  # not overridden
    return (warnings + history_suspicious_warnings(history[history["service"].isin(forecast)], display)
            + list(history.attrs.get("warnings", [])))  # a service name that maps to no key (unknown_service)


def check_projection_for_run(loaded) -> None:
    """``check_projection`` for ``run`` (CLI and API), which computes no projection yet refuses a scenario whose
    projection block ``project`` refuses — with the way to run the allocation without the block: a section
    manager's child scenario on a copied data folder was refused for the volume history only ``project`` reads."""
    try:
        check_projection(loaded, warn=False)
    except InputError as exc:
        why = Problem(Location(file=loaded.scenario.chain[-1]), "the problems above are the scenario's projection block's: run "
                      "computes no projection, but refuses a block that project would refuse",
                      "a projection block project accepts, or none",
                      "correct them, or, to run the base-year allocation alone, remove the block — one inherited "
                      "through 'extends' is lifted by writing 'projection: null' in this file")
        raise type(exc)([*exc.problems, why]) from None


def check_projection(loaded, warn: bool = True) -> tuple[str | None, list[Warning_]]:
    """Validate a scenario's projection inputs without running anything (``resmodel validate``, and ``run`` with
    ``warn=False``, which skips what only warns): the merged ``projection:`` block, its frame and
    other_services.csv, every independent check's problems reported together. A one-line summary (None when the
    scenario has no projection block) and the warnings."""
    resolved = resolve(loaded.chain, as_meant=True)
    if resolved is None:
        return None, []
    problems = ProblemCollector(list(resolved.problems))
    checked = _attempt(problems, checked_frame, loaded, resolved)
    frame, data, file, line_of = checked or (None, None, None, None)
    other, _ = read_other_services(Path(loaded.scenario.data))
    base_year_volumes = service_base_volumes(loaded, other)  # read once, passed to the checks that compare with it
    base_volumes = dict.fromkeys(other["service"], 1.0) if other is not None else {}
    services = sorted({*loaded.data.users["service"].astype(str), *base_volumes})  # as projected_services_of
    _attempt(problems, check_service_keys, resolved, services, own_provider_projected(loaded))
    history = _attempt(problems, history_for, loaded, resolved, services, base_volumes)
    known = set(history["service"]) if history is not None else set()
    first = loaded.scenario.base_date.year + 1
    last = first + resolved.settings.horizon_years - 1
    given = _attempt(problems, read_forecast_file, loaded, resolved, services, projected_months(first, last), [],
                     history, base_year_volumes)
    sources = volume_sources(resolved.settings, services, known, base_volumes,
                             given.volumes.columns if given is not None else (), first)
    _attempt(problems, check_over_forecast, resolved, first, known)
    if frame is not None:
        _attempt(problems, compensated_services_checked, resolved, frame, services, file, line_of)
    warnings: list[Warning_] = []
    if history is not None and (given is not None or resolved.settings.volume_forecast is None):  # a file refused
        # leaves the services it gives unknown; project stops at it, before the history's end
        warnings += _attempt(problems, _history_checked, loaded, resolved, sources, history, warn) or []
    uncertain = _attempt(problems, uncertainty_block, resolved) is not None  # checked here, not first at --draws
    _attempt(problems, check_rates_by_year, resolved, first, last)
    _attempt(problems, check_years, resolved, first, last)
    _attempt(problems, sick_leave_by_year, loaded.tree, first, last)
    if frame is not None:
        warnings += _attempt(problems, check_frame_growth, frame, file, resolved, last) or []
    limits, _ = _attempt(problems, capacity_limits, loaded, resolved, services, sources.held, first, last) or ((), [])
    problems.problems.sort(key=lambda p: (p.location.file or "", p.location.line or 0))  # as the files read
    problems.raise_if_any()
    if warn:
        warnings += frame_year_warnings(frame, resolved, last) if frame is not None else []
        warnings += [*replaced_list_warnings(resolved), *dated_changes_not_projected(loaded, last),
                     *override_scale_warnings(loaded, resolved, base_year_volumes),
                     *implausible_rate_warnings(loaded, resolved, data)]
    if given is not None:  # how the file was made (another history, no manifest): as the run notes it
        warnings += [Warning_("forecast_file", resolved.location("volume_forecast"),
                              note.removeprefix("projection.volume_forecast: ")) for note in given.notes]
    return (f"projection {first}–{last}, frame for {len(frame.base)} areas"
            + (f", volumes of {len(sources.from_file)} services from a forecast file" if given is not None else "")
            + (f", {len(other)} other services" if other is not None else "")
            + (", uncertainty block for Monte Carlo" if uncertain else "")
            + (", places for " + ", ".join(c.service + (f" (with a plan of {len(c.premises)} premises)"
                                                        if c.premises else "") for c in limits) if limits else "")
            + (f", volume history of {history['service'].nunique()} services to {history['month'].max():%Y-%m}"
               if history is not None else ", no volume history (every volume fixed or held)")), warnings
