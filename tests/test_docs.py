"""The README's promises: its settings table matches settings.py, its command line lists every command
of the CLI (walked from cli.py's click group) and nothing else."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
from click.testing import CliRunner

from cli import main
from settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMAND_LINE = README.partition("## Command line")[2].partition("```bash")[2].partition("```")[0].splitlines()


def commands(group: click.Group, words: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command of the CLI as the words after `pantau`, read from the click group itself."""
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, (*words, name))
        else:
            yield (*words, name)


def test_settings_table_lists_every_setting_and_nothing_else():
    documented = set(re.findall(r"^\| `(PANTAU_[A-Z_]+)` \|", README, flags=re.M))
    assert documented == {f"PANTAU_{name.upper()}" for name in Settings.model_fields}


def test_three_commands_are_documented():
    for command in ('pip install -e ".[dev]"', "python app.py", "pytest"):
        assert command in README


def test_documented_cli_commands_exist():
    runner = CliRunner()
    every = set(commands(main))
    assert {("locate",), ("keys", "create"), ("db", "upgrade"), ("users", "create"), ("users", "token"),
            ("mailbox", "poll"), ("import",), ("serve",), ("worker",)} <= every
    for words in every:
        assert runner.invoke(main, [*words, "--help"]).exit_code == 0, words
    for found in re.findall(r"pantau ([a-z]+)(?: ([a-z]+))?", "\n".join(COMMAND_LINE)):
        documented = tuple(word for word in found if word)  # a command, or a command and its argument
        assert documented in every or documented[:1] in every, documented


def test_every_cli_command_has_a_commented_line_in_the_readme():
    for words in commands(main):
        at = [i for i, line in enumerate(COMMAND_LINE) if re.search(rf"pantau {' '.join(words)}( |$)", line)]
        assert at, f"README.md's command line lacks `pantau {' '.join(words)}`"
        assert "  # " in COMMAND_LINE[at[0]] + " " + "".join(COMMAND_LINE[at[0] + 1:at[0] + 2]), words


def test_data_is_credited():
    assert "CC BY-IGO" in README and "MIT" in README
