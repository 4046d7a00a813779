"""The README's promises: its settings table matches settings.py, its commands exist."""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from cli import main
from settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_settings_table_lists_every_setting_and_nothing_else():
    documented = set(re.findall(r"^\| `(PANTAU_[A-Z_]+)` \|", README, flags=re.M))
    assert documented == {f"PANTAU_{name.upper()}" for name in Settings.model_fields}


def test_three_commands_are_documented():
    for command in ('pip install -e ".[dev]"', "python app.py", "pytest"):
        assert command in README


def test_documented_cli_commands_exist():
    runner = CliRunner()
    for args in (["locate", "--help"], ["keys", "create", "--help"], ["db", "upgrade", "--help"],
                 ["users", "create", "--help"], ["users", "token", "--help"], ["mailbox", "poll", "--help"]):
        assert runner.invoke(main, args).exit_code == 0


def test_data_is_credited():
    assert "CC BY-IGO" in README and "MIT" in README
