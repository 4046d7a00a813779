"""What the browser tests share: Debian's Chromium, run headless by Playwright (the `browser` fixture
of tests/conftest.py), and artifacts/, where they save screenshots to be looked at."""
from __future__ import annotations

from tests.processes import ROOT

ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
