"""Command-line interface (typer): parse, call the public functions, render. User mistakes exit
with status 2 and a located message; nothing is written when a command fails."""

from __future__ import annotations

from resmodel.io.blas import one_blas_thread

one_blas_thread()  # before numpy loads

import datetime as dt
import errno
import os
import sys
from itertools import groupby
from pathlib import Path, PurePath
from typing import Annotated, get_args

import typer
import typer.core

from resmodel import __version__
from resmodel.cli_backtest import register as register_backtest
from resmodel.cli_budget import register as register_budget
from resmodel.cli_examples import add_examples
from resmodel.cli_forecast import register as register_forecast
from resmodel.cli_nowcast import register as register_nowcast
from resmodel.cli_planning import register as register_planning
from resmodel.cli_queue import register as register_queue
from resmodel.cli_shifts import register as register_shifts
from resmodel.errors import InputError, Location, PersonalDataError, ResmodelError, shown
from resmodel.io.pnr import id_looks_like_pnr
from resmodel.warning_order import warning_lines


class _PlainHelp:
    """--help that reads the same on every typer pyproject.toml allows: a plain word after an option that takes
    a value (FILE, DIR, UNIT), nothing after a flag, and each argument by its name, SCENARIO (typer 0.27 began
    to print '<bool>' after flags, '<path>' after arguments and '{scenario}' in the usage line)."""

    def get_help_option(self, ctx):
        """The --help option, shown as the flag it is."""
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""  # a flag: '--help', not '--help <bool>'
        return option


def _plain_metavars(params) -> None:
    """Give each parameter without a metavar of its own the plain one --help shows; an argument's name says
    what it is, so its type is not shown after it (typer 0.27+ would add '<path>' or '<list[Path]>')."""
    for param in params:
        if param.metavar is None:
            param.metavar = _metavar(param)
        if param.param_type_name == "argument":  # typer 0.27+ asks the argument itself for the type it shows
            param.display_type_rich = lambda ctx: None


def _metavar(param) -> str:
    """The word after a parameter in --help: an argument's name (SCENARIO, FOLDER), nothing after a flag, DIR
    for an output folder, FILE for another path, else the last word of the option's name (UNIT, MODEL, RATE)."""
    if param.param_type_name == "argument":
        return param.name.upper() + ("..." if param.nargs != 1 else "")
    if param.is_flag or param.count:
        return ""
    if _takes_paths(param):
        return "DIR" if param.name == "out" else "FILE"
    return param.opts[0].lstrip("-").rsplit("-", 1)[-1].upper()


def _takes_paths(param) -> bool:
    """Whether a parameter takes a path (or paths), the one rule of --help's FILE and DIR and of the command line's
    path check: click's type says so on typer < 0.27, the annotation (see _names_a_path) on later ones."""
    if getattr(getattr(param, "type", None), "name", None) == "path":
        return True
    return _names_a_path(getattr(getattr(param, "type_descriptor", None), "annotation", None))


def _names_a_path(annotation) -> bool:
    """Whether an annotation is a path: Path, or a list of, tuple of or optional one (shift-plan's repeated
    --attendance, list[Path], went unchecked on newer typer)."""
    if isinstance(annotation, type) and issubclass(annotation, PurePath):
        return True
    return any(_names_a_path(inner) for inner in get_args(annotation))


class _Command(_PlainHelp, typer.core.TyperCommand):
    """A command whose --help reads well (see _PlainHelp), listed in the main --help by its docstring's first
    paragraph on one line (typer keeps a docstring's line breaks there, mid-sentence)."""

    def __init__(self, *args, **kwargs):
        """The command as typer builds it, with plain metavars and a one-line short help."""
        super().__init__(*args, **kwargs)
        _plain_metavars(self.params)
        if self.help and not self.short_help:
            self.short_help = " ".join(self.help.split("\n\n")[0].split())

    def collect_usage_pieces(self, ctx):
        """The usage line: [OPTIONS], then each argument as SCENARIO, or [SCENARIO] when optional."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(param.metavar if param.required else f"[{param.metavar}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


class _Commands(_PlainHelp, typer.core.TyperGroup):
    """The command group: a command line holding a personal identity number, or a path the file system cannot
    take, is refused before it is parsed."""

    def __init__(self, *args, **kwargs):
        """The group as typer builds it; its own option, --version, is a flag."""
        super().__init__(*args, **kwargs)
        _plain_metavars(self.params)

    def parse_args(self, ctx, args):
        from resmodel.io.pnr import check_arguments_for_pnr

        check_arguments_for_pnr(list(args))
        command = self.get_command(ctx, args[0]) if args else None
        if command is not None:
            _check_paths(command, list(args[1:]))
        return super().parse_args(ctx, args)


def _check_paths(command, args: list[str]) -> None:
    """A path argument or option value with a name over 255 characters, or longer than 4 096 in all, is
    refused at its option before a file is looked for under it (the file system would answer with an
    OSError, not a message); so is one with a folder or file name that is a bare date-and-serial number, as
    an id would be (the argument check lets 10-digit numbers pass as amounts). Only the command's path
    parameters are checked."""
    paths = {opt for p in command.params if _takes_paths(p) for opt in p.opts}
    valued = {opt for p in command.params if p.param_type_name == "option" and not p.is_flag for opt in p.opts}
    positional = next((p.name.upper() for p in command.params if p.param_type_name == "argument" and _takes_paths(p)),
                      None)
    for i, arg in enumerate(args):
        option, _, value = arg.partition("=") if arg.startswith("--") and "=" in arg else ("", "", arg)
        before = args[i - 1] if i else ""
        if option:
            checked, where = option in paths, option
        elif arg.startswith("-"):
            continue
        elif before in valued:
            checked, where = before in paths, before
        else:
            checked, where = positional is not None, positional
        if not checked:
            continue
        parts = value.replace("\\", "/").split("/")
        if len(value) > 4096 or any(len(part) > 255 for part in parts):
            raise InputError.at(Location(path=where), f"the path given to {where} is longer than the file system "
                                "allows", "a path of at most 4 096 characters whose every folder and file name has "
                                "at most 255", f"shorten {where}")
        if any(id_looks_like_pnr(Path(part).stem) for part in parts):  # a name is an id: 8001010001 is refused
            raise PersonalDataError.at(Location(path=where), f"a folder or file name given to {where} looks like a "
                                       "Swedish personal identity number (personnummer); it is not shown here",
                                       "file and folder names without personal identity numbers",
                                       f"rename it, or choose another name for {where}")


app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True,
                  help="resmodel — need-level allocation, volume forecasts and budget projection for LSS boards.")

ScenarioArg = Annotated[Path, typer.Argument(help="scenario YAML file, e.g. scenarios/base.yaml")]


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"resmodel {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", help="print the version (as in every manifest) and "
                                                "exit", callback=_print_version, is_eager=True)] = False) -> None:
    """resmodel — need-level allocation, volume forecasts and budget projection for LSS boards."""


def _echo_table(table) -> None:
    typer.echo(table.to_string(float_format=lambda v: f"{v:,.1f}"))


@app.command()
def run(scenario: ScenarioArg,
        out: Annotated[Path | None, typer.Option(help="output folder (default results/<scenario name>); new, empty, or "
                                                  "an earlier output of run, which is replaced")] = None) -> None:
    """Run the base-year allocation: hours, FTE, cost, allocation and staffing gap per service and unit."""
    from resmodel.io.writers import check_output_folder
    from resmodel.projection_run import check_projection_for_run
    from resmodel.run import RUN_OUTPUTS, load, summary_table, write_outputs
    from resmodel.run import run as run_scenario

    check_output_folder(out, RUN_OUTPUTS)
    loaded = load(scenario)
    check_projection_for_run(loaded)  # the projection block is part of the scenario: refused as validate refuses it
    result = run_scenario(loaded)
    target = out or Path("results") / result.loaded.scenario.name
    files = write_outputs(result, target)
    typer.echo(f"resmodel {__version__} — scenario '{result.loaded.scenario.name}', base date "
               f"{result.loaded.scenario.base_date}, allocation key {result.loaded.scenario.allocation_key}")
    _echo_table(summary_table(result))
    for line in warning_lines(result.warnings, result.loaded, "in the workbook's sheet 'Varningar'"):
        typer.echo(f"warning: {line}", err=True)
    for note in result.manifest["index_extrapolations"]:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"wrote {', '.join(files)} to {target}")


@app.command()
def validate(scenario: ScenarioArg) -> None:
    """Check a scenario, its parameters and data (and its projection block, frame and other services),
    writing nothing: the base-year allocation is computed for the checks that need it, as resmodel run computes
    it."""
    from resmodel.projection_run import build_setup, check_projection
    from resmodel.run import load
    from resmodel.run import run as run_scenario

    loaded = load(scenario)
    projection, projection_warnings = check_projection(loaded)
    base_run = run_scenario(loaded)  # the checks that need the allocation (rosters, tariff gaps) refuse as in run
    if projection:  # built, not written: what project refuses (a volume change below 0 …), validate refuses too
        said = {str(w) for w in projection_warnings}
        projection_warnings += [w for w in build_setup(loaded, base_run).warnings if str(w) not in said]
    typer.echo(f"ok: scenario '{loaded.scenario.name}' ({' → '.join(loaded.scenario.chain)}), "
               f"{len(loaded.tree.parameters)} parameters, {len(loaded.data.users)} users in "
               f"{len(loaded.data.units)} units; hashes (as in a run's manifest): scenario "
               f"{loaded.scenario.content_hash[:12]}, parameters {loaded.parameter_hash[:12]}, "
               f"data {loaded.data_hash[:12]}"
               + (f"; {projection}" if projection else ""))
    for line in warning_lines([*base_run.warnings, *projection_warnings], loaded,
                              "in `resmodel run`'s workbook, sheet 'Varningar' (a projection's: "
                              "`resmodel project`'s, sheet 'Noter')"):
        typer.echo(f"warning: {line}", err=True)


@app.command()
def explain(scenario: ScenarioArg,
            unit: Annotated[str | None, typer.Option(help="unit id, e.g. DV001 (base-year numbers)")] = None,
            measure: Annotated[str | None, typer.Option(help="unit measure with --unit, e.g. net_cost (the default) "
                                                            "or fte_required")] = None,
            year: Annotated[int | None, typer.Option(help="projected year, or the base year (budget numbers), e.g. 2027")] = None,
            area: Annotated[str | None, typer.Option(help="report area with --year, or 'total' (the default)")] = None
            ) -> None:
    """Show how a reported number was computed: a unit's base-year figure (--unit) or an area's
    projected deviation in a year (--year, --area), with the parts and parameters behind it."""
    from resmodel.io.pnr import check_option_for_pnr
    from resmodel.run import load
    from resmodel.run import run as run_scenario

    check_option_for_pnr(unit, "--unit")
    check_option_for_pnr(area, "--area")
    check_option_for_pnr(measure, "--measure")
    if (unit is None) == (year is None):
        raise InputError.at(Location(path="--unit/--year"), "give either --unit (base-year unit figure) or --year "
                            "(projected area deviation)", "exactly one of --unit and --year",
                            "e.g. --unit DV001, or --year 2027 --area daglig_verksamhet")
    for given, option, other in ((measure, "--measure", "--unit"), (area, "--area", "--year")):
        if given is not None and (unit if other == "--unit" else year) is None:  # it would be ignored
            raise InputError.at(Location(path=option), f"{option} goes with {other}", f"{option} only with {other}",
                                f"drop {option}, or explain {'a unit: --unit' if other == '--unit' else 'a year: --year'}")
    measure, area = measure or "net_cost", area or "total"
    loaded = load(scenario)
    result = run_scenario(loaded)
    if year is not None:
        _explain_budget(loaded, result, year, area)
        return
    from resmodel.allocation.reference import half_up, shown
    from resmodel.explain import explain_unit, in_short
    from resmodel.warning_order import template_notes

    e = explain_unit(result, unit, measure)
    reported, recomputed = (shown(half_up(x, e.decimals), 2) for x in (e.reported, e.recomputed))  # as its line reads
    typer.echo(f"{measure} of unit {e.unit_id}: reported {reported}; recomputed from the parts below {recomputed} "
               f"({'agrees' if abs(e.reported - e.recomputed) <= 1e-6 * max(1, abs(e.reported)) else 'DIFFERS'})")
    for w in e.warnings:  # the figures rest on a parameter the run warned about (controller re-walk, finding 2)
        if w.check != "template_parameter":
            typer.echo(f"warning: {w}")
    for note in template_notes(e.warnings):  # the kit's and the bundled files as run gives them, one line each
        typer.echo(f"warning: [template_parameter] {note}")
    summary = in_short(result.allocation.units.set_index("unit_id").loc[e.unit_id], measure)
    if summary:
        typer.echo(f"In short: {summary}")
    typer.echo("\nParts:")
    for step in e.steps:
        typer.echo(f"  {step.label}: {step.formula} = {shown(step.value, step.decimals)}")
    typer.echo("\nParameters (path = value, valid from, source):")
    for r in e.parameters:
        typer.echo(f"  {r.describe()}")


def _explain_budget(loaded, result, year: int, area: str) -> None:
    from resmodel.explain import explain_budget
    from resmodel.projection_run import build_setup, rent_growth_in, run_setup

    setup = build_setup(loaded, result)
    from resmodel.budget.periods import Horizon
    from resmodel.budget.projection import rule_note, rule_of

    rules = {sv: rule_of(sv, setup.case.inputs) for sv in setup.case.inputs.unit_costs["service"]}
    base_year = setup.case.inputs.base_year
    e = explain_budget(run_setup(setup), setup.case.inputs.unit_costs, loaded.tree, year, area, rules, base_year,
                       setup.case.frame.base)
    agrees = abs(e.reported_deviation - e.recomputed_deviation) <= 1e-6 * max(1.0, abs(e.reported_deviation))
    typer.echo(f"deviation of {area} in {year}{' (base year)' if year == base_year else ''}: reported "
               f"{e.reported_deviation:,.0f} SEK; frame parts − net cost of the services below = "
               f"{e.recomputed_deviation:,.0f} ({'agrees' if agrees else 'DIFFERS'})")
    typer.echo("\nFrame parts (SEK):")
    for part, value in e.frame_parts.items():
        typer.echo(f"  {part}: {value:,.0f}")
    if year == base_year:
        typer.echo(f"  the base year's frame is the base frame (frame.base, index I_{year} = 1; volume compensation "
                   "and the other parts start after it); the services' costs are the base-year run's and "
                   "other_services.csv's, as `resmodel project` prints in its base row")
    else:
        _echo_frame_terms(setup.case, year, area, e.frame_parts)
    typer.echo("\nServices (SEK; cost per unit against the base year's; volume_model: where the volume comes from):")
    services = e.services.set_index("service")
    factor = services.pop("factor_vs_base")
    models = dict(zip(setup.volume_models["service"], setup.volume_models["model_used"], strict=True))
    base = services["base_cost_per_unit"]
    _echo_table(services.assign(base_cost_per_unit=[f"{v:,.1f}" if v == v else "–" for v in base],
                                factor_vs_base=[f"{f:.3f}" if f == f else "–" for f in factor],
                                volume_model=["base-year stock" if year == base_year else models.get(sv, "follows SFB cases")
                                              for sv in services.index]))
    why_no_factor = {  # the rule prices another quantity than the base year's cost
        "sfb": "its base-year cost per unit is the engine's cost of all the users' hours",
        "own_provider": "its volume is the provider's hours, and the base-year run has no cost per hour of its own "
                        "(the hours' cost is in the assistance users' costs)"}
    for sv in services.index[factor.isna().to_numpy()]:
        rule = rule_of(sv, setup.case.inputs)  # the own provider has no unit cost row, so not in rules
        if rule in why_no_factor:
            inputs = setup.case.inputs
            typer.echo(f"  {sv}: priced by its rule ({rule_note(rule, inputs, Horizon(inputs.first_year, inputs.years))}); "
                       f"{why_no_factor[rule]}, so no factor "
                       "against it is shown")
    if e.places is not None:
        typer.echo("\nPlaces (demand and users above the places in users, places in places, each a month on "
                   "average; the volume above is what the places let be served"
                   + ("; plan_users: users in the premises plan's premises; plan_rent and plan_one_off: their rent "
                      "and one-off costs, SEK, part of premises_cost and adjustment)" if "plan_rent" in e.places.columns
                      else ")") + ":")
        _echo_table(e.places.set_index("service"))
    if year != base_year:  # the base year's costs are the run's own: no index has moved them
        typer.echo("\nIndices in force (path = value, valid from, source), and the 20-hour rule's hours a week "
                   "on 1 January and from each change in the year:")
        for r in e.indices:
            typer.echo(f"  {r.describe()}")
        typer.echo(f"  {rent_growth_in(setup, year)}")
    for note in e.notes:
        typer.echo(f"note: {note}")


def _echo_frame_terms(case, year: int, area: str, parts: dict[str, float]) -> None:
    """The frame index I_y and each volume-compensation rule's (volume − reference) × amount × I_y (economist:
    why is the deviation what it is), checked against the frame parts above."""
    from resmodel.allocation.reference import figure, operand
    from resmodel.explain import frame_terms

    t = frame_terms(case, year, area)
    runs = [(how, len(list(group))) for how, group in groupby(how for _, how, _ in t.growth)]  # equal years as a power
    first = t.growth[0][0] if t.growth else year
    span = f"in {year}" if first == year else f"over {first}–{year}"  # one year is no span (controller re-walk, 7)
    growth = (f"Π (1 + the frame's growth) {span} = "
              + " × ".join(f"(1 + {how})" + (f"^{n}" if n > 1 else "") for how, n in runs) if t.growth
              else "1, the base year's")
    multiplied = [t.base, *(float(r["amount"]) * abs(float(r["volume"]) - float(r["reference"])) for r in t.rules)]
    index = operand(t.index, max(multiplied), 0)  # one figure of I_y on every line, precise enough for each
    typer.echo(f"  frame index I_{year} = {growth} = {index}")
    typer.echo(f"  frame_base = base {figure(t.base)} × I_{year} {index} = {parts['frame_base']:,.0f}")
    for r in t.rules:
        volume = "the year before's volume" if r["basis"] == "previous_year" else "volume"
        typer.echo(f"  frame_volume, {r['service']} ({r['area']}): ({volume} "
                   f"{operand(float(r['volume']), float(r['amount']) * t.index, 0)} − reference "
                   f"{figure(float(r['reference']))}) × {figure(float(r['amount']))} SEK per user × I_{year} "
                   f"{index} = {float(r['term']):,.0f}"
                   + ("" if r["active"] else f" (not in force in {year})"))
    if t.rules:
        total = sum(float(r["term"]) for r in t.rules)
        same = abs(total - parts["frame_volume"]) <= 1e-6 * max(1.0, abs(total))
        typer.echo(f"  Σ volume terms = {total:,.0f} ({'agrees with' if same else 'DIFFERS from'} frame_volume)")


@app.command()
def params(scenario: ScenarioArg,
           on: Annotated[str | None, typer.Option(metavar="DATE", help="date YYYY-MM-DD (default: the scenario's "
                                                                      "base date)")] = None,
           grep: Annotated[str | None, typer.Option(metavar="TEXT", help="only paths containing this text")] = None
           ) -> None:
    """List the parameters in force on a date, with value, valid-from date and source, and whether the value is
    still the starter kit's (marked 'template: true')."""
    from resmodel.io.pnr import check_option_for_pnr
    from resmodel.run import load, parameter_table

    check_option_for_pnr(grep, "--grep")
    loaded = load(scenario)
    try:
        date = dt.date.fromisoformat(on) if on else loaded.scenario.base_date
    except ValueError:
        raise InputError.at(Location(path="--on"), f"'{on}' is not a date", "YYYY-MM-DD", "write the date as 2025-01-01") from None
    earliest = max(leaf.values[0][0] for leaf in loaded.tree.parameters.values())
    if date < earliest:
        raise InputError.at(Location(path="--on"), f"not every parameter is in force on {date}",
                            f"a date from {earliest} (the latest first valid-from date of the parameters)",
                            f"choose --on {earliest} or later")
    snapshot = loaded.tree.snapshot(date)
    shown = [path for path in snapshot.paths() if grep is None or grep in path]
    if not shown:
        raise InputError.at(Location(path="--grep"), f"no parameter path contains '{grep}'",
                            "part of a path such as 'salaries' or 'working_time'", "run without --grep to see them all")
    table = parameter_table(snapshot, loaded.tree)  # marks a value still the starter kit's, as the workbook does
    template = set(table.loc[table["demovärde (starter kit's demo value)"] != "", "parameter"])
    for path in shown:
        typer.echo(snapshot.trace(path).describe()
                   + (" [template: true — the starter kit's demo value, not yet your board's]" if path in template else ""))


@app.command()
def demo(out: Annotated[Path, typer.Option(help="folder to write the demo tables to")] = Path("data/demokommun"),
         seed: Annotated[int, typer.Option(help="random seed, 0 to 2³²−1", min=0,
                                           max=2**32 - 1)] = 20241231) -> None:
    """Regenerate the synthetic demo municipality's tables (deterministic for a seed)."""
    from resmodel.demo.tables import demo_tables
    from resmodel.io.parameters import load_parameters
    from resmodel.io.writers import write_csvs_into

    if not (out / "parameters").is_dir():
        raise InputError.at(Location(file=str(out), path="--out"), "the folder has no parameters/ subfolder",
                            "a municipality data folder with its local parameters, such as data/demokommun "
                            "(the generator reads them)", "choose the demo data folder as --out")

    parameters = out / "parameters"
    files = write_csvs_into(out, demo_tables(load_parameters(parameters, str(parameters)), seed))
    typer.echo(f"wrote {len(files)} files to {out}")


@app.command()
def init(folder: Annotated[Path, typer.Argument(help="new folder for your board's files, e.g. min_namnd")]) -> None:
    """Start your own board: a folder with example tables, the parameters a run needs (the demo's
    values, marked as templates), a base scenario, a checklist (README.md) and the tables' columns
    (data-dictionary.md)."""
    from resmodel.io.scenario import display_path
    from resmodel.io.starter import write_starter_kit

    files = write_starter_kit(folder, display_path(folder))
    typer.echo(f"wrote {len(files)} files to {folder}: example tables and the demo's parameter values "
               "(marked 'template: true') — replace them with your board's, as README.md there explains")
    typer.echo(f"next: cd {folder} && resmodel run scenarios/base.yaml")


register_budget(app)
register_backtest(app)
register_forecast(app)
register_nowcast(app)
register_queue(app)
register_planning(app)
register_shifts(app)
add_examples(app)


def _plain_help_for_every_command(typer_app: typer.Typer) -> None:
    """Build every command as a _Command: typer gives each a TyperCommand unless its cls says otherwise."""
    for info in typer_app.registered_commands:
        info.cls = _Command


_plain_help_for_every_command(app)


class _PipeSafeStdout:
    """Standard output that, once its reader has gone (``resmodel … | head``), sends the rest to
    the null device, so that the command still finishes and writes its files."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._to_devnull()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._to_devnull()

    def _to_devnull(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())
        os.close(devnull)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _os_error_text(exc: OSError) -> str:
    """A file the operating system would not read or write, as a message: what, which file, how to fix it."""
    if exc.errno == errno.ENAMETOOLONG:
        return ("a path is longer than the file system allows (File name too long). Expected paths of at most 4 096 "
                "characters whose every folder and file name has at most 255. Fix: shorten the path (in the command "
                "line or a scenario file)")
    file = f"{shown(exc.filename, 200)}: " if exc.filename else ""
    return (f"{file}the file could not be read or written ({exc.strerror or type(exc).__name__}). Expected files you "
            "may read and folders you may write to, with room on the disk. Fix: check the path and its permissions, "
            "close a program that holds the file open (Excel), and run again")


def main() -> None:
    """Entry point: user errors become a located message and exit status 2, never a traceback."""
    sys.stdout = _PipeSafeStdout(sys.stdout)
    try:
        code = app(standalone_mode=False)
    except ResmodelError as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(130)
    except OSError as exc:
        typer.echo(f"error: {_os_error_text(exc)}", err=True)
        sys.exit(2)
    except Exception as exc:  # usage errors (click's or typer's own ClickException) carry their own exit code
        show, exit_code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            sys.exit(exit_code)
        raise
    if isinstance(code, int) and code:  # without standalone mode click returns an Exit's code, Ctrl-C's 130 among
        sys.exit(code)                  # them, instead of exiting: a script went on after an abort (robustness review)


if __name__ == "__main__":
    main()
