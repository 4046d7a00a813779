"""The follow-up fixtures (an app on SQLite and PostGIS, people with tokens, a report poster)."""
from tests.followup.conftest import client, pantau, report, tokens  # noqa: F401
