"""Every command's --help reads well on the typer installed: no type placeholders after a flag or an option
('--by-level <bool>', '<list[Path]>'), no braces in the usage line ('{scenario}'), the main help's one-line
descriptions not broken mid-sentence, and no default said twice (new-user walk, findings 2–3)."""

import inspect
import re

import pytest
import typer
from typer.testing import CliRunner

from resmodel.cli import app

COMMANDS = typer.main.get_command(app).commands
TYPE_PLACEHOLDER = re.compile(r"<(bool|int|float|str|path|file|dir|text|list\[[^\]]*\])>", re.IGNORECASE)


def _help(*args: str) -> str:
    """The --help text as a user sees it on a terminal wide enough that no description wraps."""
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "400", "TERMINAL_WIDTH": "400"},
                                prog_name="resmodel")
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_shows_no_type_placeholders(command):
    text = _help(*([command] if command else []))
    assert "<bool>" not in text and "<list[" not in text
    assert not TYPE_PLACEHOLDER.search(text), TYPE_PLACEHOLDER.search(text)
    usage = [line for line in text.splitlines() if "Usage:" in line]
    assert usage and not any("{" in line for line in usage), usage
    assert "``" not in text  # reStructuredText quoting from a docstring


@pytest.mark.parametrize("command", sorted(name for name, c in COMMANDS.items()
                                           if any(p.param_type_name == "argument" for p in c.params)))
def test_usage_line_names_the_argument_in_capitals(command):
    usage = next(line for line in _help(command).splitlines() if "Usage:" in line)
    assert re.search(rf"resmodel {command} \[OPTIONS\] (SCENARIO|SCENARIO\.\.\.|FOLDER)\s*$", usage), usage


def test_flags_take_no_value_in_help():
    for name, command in COMMANDS.items():
        text = _help(name)
        for param in command.params:
            if param.param_type_name == "option" and param.is_flag:
                row = next(line for line in text.splitlines() if param.opts[0] in line)
                first_words = " ".join(param.help.split()[:3])
                assert re.search(rf"{re.escape(param.opts[0])}\s+{re.escape(first_words)}", row), row


def test_main_help_lists_each_command_on_one_line():
    lines = _help().splitlines()
    for name, command in COMMANDS.items():
        first_paragraph = " ".join(inspect.getdoc(command.callback).split("\n\n")[0].split())
        row = next(line for line in lines if re.match(rf"[│|]?\s*{re.escape(name)}\s", line))
        assert first_paragraph in row, (name, row)


def test_no_option_states_a_default_typer_prints_again():
    for name, command in COMMANDS.items():
        for param in command.params:
            printed = (param.param_type_name == "option" and not param.is_flag and param.default is not None
                       and param.show_default)
            if printed:
                assert "(default" not in (param.help or ""), (name, param.opts, param.help)


@pytest.mark.parametrize("command, folder", [
    ("project", "results/<scenario name>_prognos"),
    ("compare", "results/jamforelse_<A>_<B>"),
    ("tornado", "results/<scenario name>_tornado"),
    ("inyear", "results/helarsprognos_<year>_<month>"),
    ("topdown", "results/topdown_<year>"),
])
def test_out_help_names_the_commands_own_default_folder(command, folder):
    out = next(p for p in COMMANDS[command].params if p.name == "out")
    assert folder in out.help
