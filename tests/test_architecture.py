"""The package rules of ARCHITECTURE.md hold: import-linter's contracts in pyproject.toml (the layers,
SQLAlchemy only in store, no import cycles) pass on the tree, and fail on a copy of it with one
deliberate violation, so the check can fail."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = 9
PACKAGES = ("crm", "geo", "store", "services", "live", "ingest", "followup", "opendata", "dashboard", "web", "notify")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter on the packages under `root`, which come first on the path."""
    return subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command; "
                           "lint_imports_command()", "--no-cache"],
                          cwd=root, env=os.environ | {"PYTHONPATH": str(root)}, capture_output=True, text=True,
                          timeout=120)


def copy_of_tree(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_every_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{CONTRACTS} kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract", "broken"), [
    ("store/complaints.py", "import dashboard.app", "store imports only crm and geo of ours", 5),  # all above it, notify too
    ("crm/complaint.py", "import flask", "crm and geo are the pure core", 3),  # and services and notify, through crm
    ("live/publish.py", "from sqlalchemy.orm import Session", "only store imports SQLAlchemy", 1),
    ("ingest/receive.py", "import dash", "nothing below the pages imports them", 1),
    ("store/rows.py", "import store.complaints", "no import cycles", 1),  # complaints imports rows
])
def test_a_deliberate_violation_breaks_its_contract(tmp_path: Path, module: str, line: str, contract: str,
                                                     broken: int):
    tree = copy_of_tree(tmp_path)
    violating = tree / module
    violating.write_text(violating.read_text() + f"\n{line}  # the violation\n")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout
    assert f"{CONTRACTS - broken} kept, {broken} broken" in result.stdout


def test_a_type_hint_import_is_no_violation(tmp_path: Path):
    tree = copy_of_tree(tmp_path)
    hinted = tree / "live" / "every.py"
    hinted.write_text(hinted.read_text() + "\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                      "    from sqlalchemy.orm import Session\n")
    assert lint_imports(tree).returncode == 0
