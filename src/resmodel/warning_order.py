"""How warnings are shown, one definition for the CLI and the API: the order of the checks, most serious first
(WARNING_ORDER), the console's grouping of a check's many warnings into one line, and which warnings of a scenario a
figure built on it carries (its parameter slips and starter-kit values, a projection's named checks)."""

from __future__ import annotations

from resmodel.errors import Location, Warning_

#: the console lists warnings most serious first, so that no routine line hides one that moves a figure by millions
#: (steward walk: FTE typed as percent was line 94 of 94, behind 74 old assessments); "*" is any check not named
WARNING_ORDER = ("roster_implausible", "need_implausible", "template_parameter", "implausible_change", "level_table_decreasing",
                 "day_price_implausible", "rent_implausible", "weekly_hours_implausible", "start_before_adult_age",
                 "premises_kind_mismatch", "capacity_exceeded", "level_not_suitable", "no_roster",
                 "tariff_missing_price", "unit_empty", "role_not_of_service", "value_ignored", "*", "premises_unused",
                 "stale_level_assessment")
#: a check with more warnings than this prints one line with its count (the demo's three capacity_exceeded stay)
WARNINGS_IN_FULL = 3
#: and that line names this many of the further warnings' locations
LOCATIONS_SHOWN = 4


def severity(check: str) -> int:
    """The place of ``check`` in WARNING_ORDER (0 most serious; a check not named there takes the place of '*')."""
    return WARNING_ORDER.index(check if check in WARNING_ORDER else "*")


def ordered(warnings) -> list[Warning_]:
    """``warnings`` most serious check first (WARNING_ORDER), each check's in the order they were found."""
    return sorted(warnings, key=lambda w: severity(w.check))


def scenario_warnings(loaded, setup=None) -> list[Warning_]:
    """The warnings a figure built on scenario ``loaded`` carries besides its data's: the parameter slips and
    starter-kit values (explain's PARAMETER_CHECKS) and, with a projection ``setup``, the projection's named checks (a
    base-year gap of +102 %), in WARNING_ORDER — a comparison and a premises plan said nothing of 13.9 typed for 1.39
    (API review)."""
    from resmodel.explain import PARAMETER_CHECKS

    return ordered([*(w for w in loaded.warnings if w.check in PARAMETER_CHECKS), *(setup.warnings if setup else ())])


def warnings_not_in(reference, warnings) -> list[Warning_]:
    """The data warnings of a compared scenario's run that the reference's run does not give (same check, message and
    units), most serious first — a slip in the data folder a section manager copied and edited (a unit with users and
    no roster, a role of another service) that a comparison said nothing of (section-manager walk); the parameter
    checks are left out, as each scenario's are printed by themselves (``scenario_warnings``)."""
    from resmodel.explain import PARAMETER_CHECKS

    known = {(w.check, w.message, tuple(w.units)) for w in reference}
    return ordered(w for w in warnings if w.check not in PARAMETER_CHECKS
                   and (w.check, w.message, tuple(w.units)) not in known)


def warning_lines(warnings, loaded, where_all: str) -> list[str]:
    """The console's warning lines, most serious check first (WARNING_ORDER): a check with a few warnings prints
    each, one with many a single line with its count and first locations (unless their locations do not tell them
    apart: tariff_missing_price's all name the tariff file), and template parameters always the
    one summary ``project`` prints — every warning stays in ``where_all`` (the workbook) and the manifest."""
    by_check: dict[str, list] = {}
    for w in ordered(warnings):
        by_check.setdefault(w.check, []).append(w)
    lines = []
    for check, found in by_check.items():
        if check == "template_parameter":
            lines += [f"[{check}] {note}" for note in template_notes(loaded.warnings)]
        elif len(found) <= WARNINGS_IN_FULL or len({str(w.location) for w in found}) < len(found):
            lines += [str(w) for w in found]  # locations that do not tell them apart: each message is needed
        else:
            lines.append(_summary_line(found, where_all))
    return lines


def _summary_line(found: list, where_all: str) -> str:
    """One line for many warnings of one check: how many, the first in full, where the next few are."""
    first = found[0].location
    def short(location: Location) -> str:  # the first's file and column are not repeated, nor a leading 'at '
        same = Location(None if location.file == first.file else location.file, location.line, location.row,
                        None if location.column == first.column else location.column, location.path)
        return str(same if str(same) != "(no location)" else location).removeprefix("at ")

    w = found[0]
    others = [short(other.location) + (f" ({', '.join(other.units)})" if other.units else "")
              for other in found[1:1 + LOCATIONS_SHOWN]]  # the units: a row alone does not say whose (re-walk)
    rest = len(found) - 1 - len(others)
    return (f"[{w.check}] {len(found)} warnings; the first at {w.location}: {w.message}"
            + (f" (units: {', '.join(w.units)})" if w.units else "") + "; the others at " + ", ".join(others)
            + (f" and {rest} more" if rest else "") + f" — every one {where_all}")


def template_notes(warnings) -> list[str]:
    """Figures built on the starter kit's demo values, or on a bundled value a board sets itself (one board's PO,
    the legal minimum leave), say so first with what to do: the template_parameter ``warnings`` as one note each
    for the kit's files and the bundled ones (run, project and explain alike)."""
    from resmodel.io.parameters import BUNDLED_DISPLAY

    files = [str(w.location.file) for w in warnings if w.check == "template_parameter"]
    kit = [f for f in files if not f.startswith(BUNDLED_DISPLAY + "/")]
    bundled = [f.removeprefix(BUNDLED_DISPLAY + "/") for f in files if f.startswith(BUNDLED_DISPLAY + "/")]
    notes = []
    if kit:
        notes.append(f"{len(kit)} parameter file(s) are marked as the demo municipality's values (template: true), so "
                     "these figures may not yet be your board's: " + ", ".join(kit) + "; in each, set your board's "
                     "value and reference, then delete its 'template: true' line")
    if bundled:
        notes.append("your parameters folder does not set " + ", ".join(bundled) + ", so resmodel's bundled "
                     "value is used — one board's payroll overhead or the legal minimum leave, not yours: add the "
                     "file(s) to your parameters folder with your board's values (the warnings say which leaves)")
    return notes
