# syntax=docker/dockerfile:1
# Pantau's app image: `pantau serve` by default; docker-compose.yml also runs `pantau db upgrade` and
# `pantau worker` from it. Boundary files are mounted at run time (/boundaries), never baked in.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PANTAU_BOUNDARIES=/boundaries/jakarta_kelurahan.geojson
WORKDIR /app

# Dependencies first, from pyproject.toml alone (all wheels: no compiler), so a code change does not
# reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# Only what runs: the top-level modules and the packages pyproject.toml installs, the Dash assets.
COPY README.md ./
COPY *.py ./
COPY crm crm
COPY geo geo
COPY store store
COPY services services
COPY live live
COPY ingest ingest
COPY followup followup
COPY opendata opendata
COPY dashboard dashboard
COPY web web
COPY notify notify
COPY assets assets
COPY --chmod=755 deploy/healthcheck.py /usr/local/bin/pantau-healthcheck
# Editable, so settings.PROJECT_DIR stays /app, where Dash finds assets/ (an installed copy of
# settings.py would look for them in site-packages). Compiled now: the app user cannot write /app.
RUN pip install --no-deps -e . && python -m compileall -q /app

# A numeric non-root user, so Kubernetes' runAsNonRoot can verify it too.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/pantau --shell /usr/sbin/nologin pantau
USER 10001:10001

EXPOSE 8050
# Alive on PANTAU_PORT; compose probes /readyz (database and Redis) instead for web containers.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["pantau-healthcheck"]
CMD ["pantau", "serve", "--host", "0.0.0.0"]
